// Why a one-shot run used to wait 60–180 ms after printing its result: after the first replies,
// V8 tiers up undici's WebAssembly HTTP parser (llhttp_execute) with its optimising compiler on a
// worker thread, and Node waits for that compile before the process can exit
// (NodePlatform::DrainTasks; process.exit() waits too). No handle shows it: the event loop is
// empty. A wasm function's tiering budget is fixed when it is first compiled, so a huge budget
// while llhttp starts and parses its first reply keeps the parser in V8's baseline tier for
// good (no slower for replies this size), and putting the default back afterwards keeps V8's
// flag hash, and with it Node's code cache for its own modules, as it was.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { setFlagsFromString } from 'node:v8';

const FIRST_REPLY = ['undici:request:headers', 'undici:request:error'] as const;
/** V8's defaults (no API reads them): 1.8 M up to V8 11 (Node 20), 13 M from V8 12 (Node 22, 24). */
const DEFAULT_BUDGET = Number(process.versions.v8.split('.')[0]) >= 12 ? 13_000_000 : 1_800_000;

let armed = false;

/** Call before the first connection is made; the default comes back with the first reply. */
export function keepParserInBaselineTier(): void {
  if (armed) return;
  armed = true;
  setFlagsFromString('--wasm-tiering-budget=2000000000');
  const restore = () => {
    for (const name of FIRST_REPLY) unsubscribe(name, restore);
    setFlagsFromString(`--wasm-tiering-budget=${DEFAULT_BUDGET}`);
  };
  for (const name of FIRST_REPLY) subscribe(name, restore);
}
