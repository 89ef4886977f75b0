// `npm run emulator -- [flags]`: the embedded emulator on its own. The first stdout line is
// one JSON object with the URL and credentials; stderr gets one line per request.
import { parseArgs } from 'node:util';
import { type EmulatorOptions, StateFileError, startEmulator } from '../src/emulator/index.ts';

const USAGE =
  'usage: npm run emulator -- [--port N] [--host H] [--tenants N] [--users N] [--token-ttl SECONDS] [--latency MS] [--faults RATE] [--rate-limit PER_SECOND] [--state FILE] [--seed N] [--quiet]';

/** Numeric flags: name in the options object, and the accepted range. */
const NUMBERS = {
  port: { key: 'port', min: 0, max: 65535, integer: true },
  tenants: { key: 'tenants', min: 0, max: 1_000_000, integer: true },
  users: { key: 'users', min: 0, max: 5_000_000, integer: true },
  'token-ttl': { key: 'tokenTtl', min: 1, max: 10 ** 9, integer: true },
  latency: { key: 'latency', min: 0, max: 600_000, integer: false },
  faults: { key: 'faults', min: 0, max: 1, integer: false },
  'rate-limit': { key: 'rateLimit', min: 0, max: 10 ** 9, integer: false },
  seed: { key: 'seed', min: 0, max: 2 ** 32 - 1, integer: true },
} as const;

function usageError(message: string): never {
  process.stderr.write(`emulator: ${message.replace(/\.$/, '')} (${USAGE}).\n`);
  process.exit(2);
}

/**
 * `--tenants -1`: parseArgs takes a value starting with a dash for another option and answers
 * "argument is ambiguous". A number there is the flag's value (the range check then speaks).
 */
function joinNegativeNumbers(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const next = argv[i + 1];
    if (arg.slice(2) in NUMBERS && next !== undefined && /^-\.?\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

function parseOptions(argv: string[]): EmulatorOptions & { quiet: boolean } {
  let values: Record<string, string | boolean | undefined>;
  try {
    const options = Object.fromEntries(
      Object.keys(NUMBERS).map((name) => [name, { type: 'string' as const }]),
    );
    ({ values } = parseArgs({
      args: joinNegativeNumbers(argv),
      strict: true,
      allowPositionals: false,
      options: {
        ...options,
        host: { type: 'string' },
        state: { type: 'string' },
        quiet: { type: 'boolean' },
      },
    }));
  } catch (error) {
    usageError(`${error instanceof Error ? error.message.split('\n')[0] : String(error)}.`);
  }
  const opts: EmulatorOptions & { quiet: boolean } = { quiet: values.quiet === true };
  for (const [flag, spec] of Object.entries(NUMBERS)) {
    const raw = values[flag];
    if (typeof raw !== 'string') continue;
    const value = Number(raw);
    const okNumber = raw.trim() !== '' && Number.isFinite(value);
    if (
      !okNumber ||
      value < spec.min ||
      value > spec.max ||
      (spec.integer && !Number.isInteger(value))
    ) {
      usageError(
        `--${flag} expects ${spec.integer ? 'an integer' : 'a number'} from ${spec.min} to ${spec.max}, got ${JSON.stringify(raw)}.`,
      );
    }
    (opts as unknown as Record<string, number>)[spec.key] = value;
  }
  if (typeof values.host === 'string') opts.host = values.host;
  if (typeof values.state === 'string') opts.state = values.state;
  return opts;
}

const { quiet, ...options } = parseOptions(process.argv.slice(2));
let emulator: Awaited<ReturnType<typeof startEmulator>>;
try {
  emulator = await startEmulator({
    ...options,
    log: quiet ? undefined : (line) => process.stderr.write(`${line}\n`),
  });
} catch (error) {
  const message =
    error instanceof StateFileError || error instanceof RangeError
      ? error.message
      : `cannot start: ${error instanceof Error ? error.message : String(error)}`;
  process.stderr.write(`emulator: ${message}\n`);
  process.exit(1);
}

process.stdout.write(
  `${JSON.stringify({
    url: emulator.url,
    base_url: emulator.base_url,
    client_id: emulator.client_id,
    client_secret: emulator.client_secret,
    tenant_id: emulator.tenant_id,
    admin_login: emulator.admin.login,
    admin_password: emulator.admin.password,
  })}\n`,
);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`emulator: ${signal}, closing\n`);
  emulator.close().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`emulator: close failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
