import { PlatformClient } from '../../src/api/client.ts';
import type { CallRecord } from '../../src/api/request-log.ts';
import type { RetryOptions } from '../../src/api/retry.ts';
import { startEmulator } from '../../src/emulator/index.ts';
import type { SeenTenant, StepSession } from '../../src/steps/session.ts';
import type { Asker } from '../../src/ui/asker.ts';

export type Emulator = Awaited<ReturnType<typeof startEmulator>>;

export interface TestShell {
  session: StepSession;
  client: PlatformClient;
  variables: Record<string, unknown>;
  notes: string[];
  calls: CallRecord[];
  close(): Promise<void>;
}

/** A helper session as the REPL builds one, on a real client talking to the emulator. */
export async function stepSession(
  emulator: Emulator,
  options: {
    ask?: Asker | null;
    assumeYes?: boolean;
    retry?: RetryOptions;
    signal?: () => AbortSignal | undefined;
  } = {},
): Promise<TestShell> {
  const client = await PlatformClient.connect({
    url: emulator.url,
    retry: options.retry,
    credentials: {
      kind: 'client',
      clientId: emulator.client_id,
      clientSecret: emulator.client_secret,
    },
  });
  const variables: Record<string, unknown> = { tenant_id: emulator.tenant_id };
  const notes: string[] = [];
  const calls: CallRecord[] = [];
  client.onCall((record) => calls.push(record));
  const seen = new Map<string, SeenTenant>();
  const session: StepSession = {
    client,
    homeTenantId: emulator.tenant_id,
    getTenantId: () => variables.tenant_id,
    setTenantId: (id) => {
      variables.tenant_id = id;
    },
    setVariable: (name, value) => {
      variables[name] = value;
    },
    seen,
    ask: options.ask ?? null,
    assumeYes: options.assumeYes ?? false,
    signal: options.signal ?? (() => undefined),
    busy: (_text, work) => work(),
    note: (line) => notes.push(line),
  };
  return { session, client, variables, notes, calls, close: () => client.close() };
}

export { startEmulator };
