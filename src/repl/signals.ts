// SIGTERM and SIGHUP (a closed terminal window, `kill`, a CI timeout) end the shell at once:
// without a handler Node dies where it stands, losing the history lines its debounced writer
// has not flushed yet and leaving the terminal in raw mode with the cursor hidden. Here the
// history is written synchronously (the REPL's array, already without sensitive lines), the
// terminal is given back, and the process exits with the conventional 128 + signal number.
import { writeFileSync } from 'node:fs';
import type { REPLServer } from 'node:repl';
import { runTerminateHooks } from '../lifecycle.ts';

const SIGNALS = { SIGTERM: 15, SIGHUP: 1 } as const;

export function installSignalHandlers(server: REPLServer, historyFile: string | null): void {
  const handlers: Array<[NodeJS.Signals, () => void]> = [];
  for (const [name, number] of Object.entries(SIGNALS) as Array<[NodeJS.Signals, number]>) {
    const handler = () => {
      runTerminateHooks(); // e.g. a tree-wide change's report, marked interrupted
      const history = (server as unknown as { history?: string[] }).history;
      if (historyFile && Array.isArray(history) && history.length > 0) {
        try {
          // Node's format: newest line first, one per line.
          writeFileSync(historyFile, `${history.join('\n')}\n`, { mode: 0o600 });
        } catch {
          // History is a convenience; the terminal still has to be restored.
        }
      }
      const input = server.input as NodeJS.ReadStream;
      if (input.isTTY && typeof input.setRawMode === 'function') {
        try {
          input.setRawMode(false);
        } catch {
          // The terminal is gone (SIGHUP): nothing to restore.
        }
      }
      const output = server.output as NodeJS.WriteStream;
      if (output.isTTY) {
        try {
          output.write('\x1b[?25h\n');
        } catch {
          // as above
        }
      }
      process.exit(128 + number);
    };
    process.on(name, handler);
    handlers.push([name, handler]);
  }
  server.on('exit', () => {
    for (const [name, handler] of handlers) process.off(name, handler);
  });
}
