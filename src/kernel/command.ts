// `tenant-shell kernel …`: run as a Jupyter kernel, or install, uninstall and list kernelspecs.

import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { UsageError } from '../api/errors.ts';
import {
  ENV_CLIENT_ID,
  ENV_CLIENT_SECRET,
  ENV_URL,
  type IncompleteCredentials,
} from '../auth/credential-sources.ts';
import { EMULATOR_KERNEL_NAME } from './names.ts';

export const KERNEL_USAGE = `Usage:
  tenant-shell kernel [--emulator] [--profile NAME | --url URL --client-id ID] --connection-file FILE
                                   run as a Jupyter kernel (Jupyter starts it from a kernelspec)
  tenant-shell kernel install [--user | --prefix DIR] [--emulator] [--interrupt message|signal]
                                   write the "tenant-shell" kernelspec (and "tenant-shell-emulator");
                                   signal interrupts (POSIX) also stop a synchronous loop
  tenant-shell kernel uninstall [--user | --prefix DIR]
  tenant-shell kernel list         the tenant-shell kernels Jupyter finds`;

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        'connection-file': { type: 'string', short: 'f' },
        emulator: { type: 'boolean' },
        profile: { type: 'string' },
        url: { type: 'string' },
        'client-id': { type: 'string' },
        user: { type: 'boolean' },
        prefix: { type: 'string' },
        interrupt: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    const message = (error as Error).message.split('\n')[0] ?? '';
    throw new UsageError(
      `${message.replace(/\.$/, '')}.`,
      'tenant-shell kernel --help lists the options.',
    );
  }
}

/** Runs `tenant-shell kernel ARGS`; resolves with the exit code. */
export async function kernelCommand(argv: string[]): Promise<number> {
  const { values: flags, positionals } = parse(argv);
  const out = (lines: string[]) => process.stdout.write(`${lines.join('\n')}\n`);
  if (flags.help) {
    out([KERNEL_USAGE]);
    return 0;
  }
  const [action, ...rest] = positionals;
  if (rest.length > 0)
    throw new UsageError(`Unexpected '${rest[0]}' after 'kernel ${action}'.`, KERNEL_USAGE);
  if (flags.user && flags.prefix !== undefined)
    throw new UsageError('--user and --prefix DIR name two places: give one.');
  const target = { prefix: flags.prefix };
  const interrupt = flags.interrupt ?? (process.platform === 'win32' ? 'message' : 'signal');
  if (interrupt !== 'message' && interrupt !== 'signal')
    throw new UsageError(
      `--interrupt takes message or signal, not ${JSON.stringify(interrupt)}.`,
      'signal (the default on POSIX) also stops a synchronous loop; message works everywhere.',
    );
  const install = () => import('./install.ts');
  switch (action) {
    case 'install':
      out(await (await install()).install(target, !!flags.emulator, process.env, interrupt));
      return 0;
    case 'uninstall':
      out(await (await install()).uninstall(target, process.env));
      return 0;
    case 'list':
      out(await (await install()).list(process.env));
      return 0;
    case undefined:
      break;
    default:
      throw new UsageError(
        `'kernel ${action}' is not a kernel command: install, uninstall, list, or none to run one.`,
      );
  }
  const file = flags['connection-file'];
  if (file === undefined)
    throw new UsageError(
      'The kernel needs --connection-file FILE: Jupyter passes it from the kernelspec.',
      'tenant-shell kernel install writes one.',
    );
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(
      `The connection file ${JSON.stringify(file)} cannot be read (${error.code ?? error.message}).`,
    );
  });
  const { parseConnection } = await import('./wire.ts');
  const connection = parseConnection(text);
  const { Kernel } = await import('./kernel.ts');
  const { login } = await import('../auth/login.ts');
  const stderr = process.stderr.write.bind(process.stderr);
  const kernel = new Kernel({
    connection,
    env: process.env,
    log: (line) => {
      stderr(`${line}\n`);
    },
    // From the flags, a profile or the environment; what is missing is asked over Jupyter's
    // stdin (the terminal's questions) when the first cell's front end takes answers.
    login: ({ print, asker }) =>
      login({
        flags: {
          emulator: flags.emulator,
          profile: flags.profile,
          url: flags.url,
          clientId: flags['client-id'],
        },
        env: process.env,
        interactive: asker !== undefined,
        ...(asker !== undefined && { asker }),
        missingCredentials: kernelMissingCredentials,
        // The input box's prompt is not an output: the notebook file never holds the secret.
        ...(asker !== undefined && {
          showSecretOnce: async (line: string) => {
            await asker.input(
              `${line.trim()}\nStore it now (it is not kept in the notebook), then press Enter:`,
            );
          },
        }),
        print,
      }),
  });
  await kernel.start();
  return kernel.exited;
}

/** Missing credentials where the front end answers no questions (nbconvert, papermill). */
export function kernelMissingCredentials(resolution: IncompleteCredentials): string {
  const found = resolution.source ? ` (found: ${resolution.source})` : '';
  return `The kernel has no complete login${found} and this front end answers no questions (allow_stdin is false, as in nbconvert and papermill): set ${ENV_URL}, ${ENV_CLIENT_ID} and ${ENV_CLIENT_SECRET} in the environment Jupyter starts from (or save a profile and set ${ENV_CLIENT_SECRET}), or run the notebook on the '${EMULATOR_KERNEL_NAME}' kernel.`;
}
