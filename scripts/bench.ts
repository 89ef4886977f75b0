// `npm run bench`: the four comparisons of the issue, side by side, in one run, on this
// machine, against the emulator started as a separate process with --latency 20. Prints
// Markdown (the README's Benchmarks section is made of it). Loopback only; a few minutes.
//   --only tree,call,startup,memory   run some sections
//   --customers N                     tree size of benchmark 1 (default 1000)
//   --node PATH                       start-up: also on this Node executable (repeatable)
//   --installed                       start-up: also from `npm pack` installed into a temp prefix
//   --rounds N                        start-up: alternating rounds (default 11)
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { LATENCY, log } from './bench-lib.ts';

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: 'tree,call,startup,memory' },
    customers: { type: 'string', default: '1000' },
    node: { type: 'string', multiple: true, default: [] },
    installed: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '11' },
  },
});
const only = new Set(String(values.only).split(','));
const customers = Number(values.customers);
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) {
  process.stderr.write('bench: --rounds must be a whole number of at least 1.\n');
  process.exit(2);
}
if (!Number.isInteger(customers) || customers < 1000) {
  process.stderr.write('bench: --customers must be a whole number of at least 1000.\n');
  process.exit(2);
}

const started = performance.now();
const sections: string[] = [
  `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.version}; emulator in its own process with \`--latency ${LATENCY}\`.`,
  '',
];
if (only.has('tree')) {
  const { benchTree } = await import('./bench-tree.ts');
  sections.push(await benchTree(customers, [4, 8, 16, 32, 64]), '');
}
if (only.has('call')) {
  const { benchCall } = await import('./bench-call.ts');
  sections.push(await benchCall(), '');
}
if (only.has('startup')) {
  const { benchStartup } = await import('./bench-startup.ts');
  sections.push(
    await benchStartup({
      nodes: [process.execPath, ...(values.node ?? [])],
      installed: !!values.installed,
      rounds,
    }),
    '',
  );
}
if (only.has('memory')) {
  const { benchMemory } = await import('./bench-memory.ts');
  sections.push(await benchMemory(), '');
}
const args = process.argv.slice(2).join(' ');
sections.push(
  `Command: \`npm run bench${args ? ` -- ${args}` : ''}\` (${((performance.now() - started) / 1000).toFixed(0)} s in all).`,
);
process.stdout.write(`${sections.join('\n')}\n`);
log('done');
