// A one-line progress bar for a long run of calls: done/total, rate, failures, time left.
// On stderr and only on a terminal; it owns its line and clears it on stop(), so whatever is
// printed or asked next starts on a clean line (terminal.md: stop before printing). A terminal
// that cannot move the cursor (TERM=dumb) gets the same figures as a plain line every few
// seconds instead.

import { monotonicMs } from '../clock.ts';

/** A live count of a long run of calls. */
export interface ProgressDisplay {
  update(done: number, failed: number): void;
  /** Clears the display: call before anything else is printed or asked. */
  stop(): void;
}

export interface ProgressState {
  label: string;
  total: number;
  done: number;
  failed: number;
  elapsedMs: number;
  /** Terminal width. */
  columns: number;
}

function duration(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${m % 60}m`;
}

/** The line itself, without escape codes: `Enabling 2FA ████░░░░ 412/1000 · 823/s · 2 failed · 1s left`. */
export function renderProgress(p: ProgressState): string {
  const rate = p.elapsedMs > 0 ? (p.done * 1000) / p.elapsedMs : 0;
  const left = rate > 0 ? ((p.total - p.done) / rate) * 1000 : undefined;
  const parts = [
    `${p.done}/${p.total}`,
    `${rate >= 10 ? rate.toFixed(0) : rate.toFixed(1)}/s`,
    ...(p.failed > 0 ? [`${p.failed} failed`] : []),
    left === undefined ? '…' : p.done >= p.total ? 'done' : `${duration(left)} left`,
  ];
  const tail = parts.join(' · ');
  const room = p.columns - p.label.length - tail.length - 3;
  const width = Math.max(0, Math.min(30, room));
  if (width < 5) return `${p.label} ${tail}`.slice(0, Math.max(0, p.columns - 1));
  const filled = p.total > 0 ? Math.round((width * p.done) / p.total) : width;
  return `${p.label} ${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${tail}`;
}

export interface ProgressOptions {
  stream?: NodeJS.WriteStream;
  /** Redraws per second at most (default 10). */
  fps?: number;
  /** TERM=dumb: a plain line this often (default 5000 ms). */
  lineEveryMs?: number;
  now?: () => number;
  env?: Record<string, string | undefined>;
}

/** Rows a line of `length` characters takes on a terminal `columns` wide. */
function rowsOf(length: number, columns: number): number {
  return Math.max(1, Math.ceil(length / Math.max(1, columns)));
}

/** A progress bar on stderr, or null when stderr is not a terminal (CI, pipes, TERM=dumb). */
export function progressBar(
  label: string,
  total: number,
  options: ProgressOptions = {},
): ProgressDisplay | null {
  const stream = options.stream ?? process.stderr;
  const env = options.env ?? process.env;
  if (!stream.isTTY || env.CI) return null;
  const now = options.now ?? (() => monotonicMs());
  const started = now();
  let done = 0;
  let failed = 0;
  let stopped = false;
  const render = (columns: number) =>
    renderProgress({ label, total, done, failed, elapsedMs: now() - started, columns });
  if (env.TERM === 'dumb')
    return linesEvery(options.lineEveryMs ?? 5000, stream, render, {
      update(d, f) {
        done = d;
        failed = f;
      },
    });
  // What is on screen: its length, and the width it was drawn at.
  let shown = { length: 0, columns: stream.columns || 80 };
  const draw = () => {
    const columns = stream.columns || 80;
    const line = render(columns);
    // After a resize the last line may have been rewrapped over several rows: go up to its
    // first row and erase down from there, or a fragment of it stays on screen.
    const rows = columns === shown.columns ? 1 : rowsOf(shown.length, columns);
    const up = rows > 1 ? `\x1b[${rows - 1}A` : '';
    // \r and erase: the bar never scrolls, and a shorter line leaves no tail behind.
    stream.write(`${up}\r\x1b[J${line}`);
    shown = { length: line.length, columns };
  };
  // A timer, not a redraw per call: thousands of calls a second would flood the terminal,
  // and "time left" keeps moving while calls are slow.
  const timer = setInterval(draw, 1000 / (options.fps ?? 10));
  timer.unref();
  stream.on('resize', draw);
  draw();
  return {
    update(d, f) {
      done = d;
      failed = f;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      stream.off('resize', draw);
      const columns = stream.columns || 80;
      const rows = columns === shown.columns ? 1 : rowsOf(shown.length, columns);
      stream.write(`${rows > 1 ? `\x1b[${rows - 1}A` : ''}\r\x1b[J`);
    },
  };
}

/** The figures as a plain line every `everyMs` (no cursor moves): for TERM=dumb. */
function linesEvery(
  everyMs: number,
  stream: NodeJS.WriteStream,
  render: (columns: number) => string,
  counts: Pick<ProgressDisplay, 'update'>,
): ProgressDisplay {
  // A plain line has no bar to fill: the figures alone, never wider than the terminal.
  const line = () => render(1000).replace(/ [█░]+ /, ' ');
  const timer = setInterval(() => stream.write(`${line()}\n`), everyMs);
  timer.unref();
  let stopped = false;
  return {
    update: counts.update,
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
    },
  };
}
