import type { Ora } from 'ora';

/**
 * Runs `work` with an ora spinner on stderr when stderr is a terminal (and nothing otherwise).
 * ora is loaded on first use so start-up does not pay for it; `discardStdin: false` because
 * ora's stdin handling ends the REPL's line loop and breaks Ctrl+C (ora #220, #236).
 */
export async function withSpinner<T>(text: string, work: () => Promise<T>): Promise<T> {
  const stream = process.stderr;
  if (!stream.isTTY || process.env.CI || process.env.TERM === 'dumb') return work();
  // Short calls finish before the spinner would be seen: only show it after 150 ms.
  let spinner: Ora | undefined;
  let cancelled = false;
  const timer = setTimeout(() => {
    import('ora').then(
      ({ default: ora }) => {
        if (!cancelled)
          spinner = ora({ text, stream, discardStdin: false, hideCursor: false }).start();
      },
      () => undefined, // a spinner is a nicety: the call goes on without one
    );
  }, 150);
  try {
    return await work();
  } finally {
    cancelled = true;
    clearTimeout(timer);
    spinner?.stop();
  }
}
