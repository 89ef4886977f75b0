// Milliseconds from a monotonic clock, for durations. Not `performance.now()`: the first read of
// that global loads Node's perf_hooks (about 2 ms of every start), and nothing here needs more
// than a difference of two readings.
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
