// Runs work over a list with at most `concurrency` calls in flight. Stopping (Ctrl+C) only stops
// new work from starting: what is in flight finishes, so every item is either done or untouched.

export interface RunOptions {
  concurrency: number;
  /** Checked before each item is started. */
  stopped: () => boolean;
}

/**
 * Calls `work` for each item, in order of start; resolves when nothing is in flight. A `work`
 * that throws stops new items too, and its error is thrown once the others have finished.
 */
export async function runLimited<T>(
  items: readonly T[],
  options: RunOptions,
  work: (item: T) => Promise<void>,
): Promise<{ started: number }> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failure && !options.stopped()) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (failure) throw failure.error;
  return { started: next };
}
