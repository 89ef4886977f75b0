import type { ReadStream } from 'node:tty';

/** The streams a prompt may use while it owns the terminal. */
export interface PromptStreams {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

type KeypressListener = (...args: unknown[]) => void;

/**
 * Lends the terminal to a prompt (Inquirer) while the REPL is running, and takes it back.
 *
 * The REPL's readline keeps listening to stdin's `keypress` events even while it awaits a
 * top-level promise: it buffers those keys and replays them as code afterwards, so an answer
 * typed into a prompt would be evaluated too (Inquirer.js #528, #1358). Detaching its
 * listeners for the duration of the prompt, then restoring raw mode (the prompt's readline
 * turns it off on close) and resuming stdin (it pauses it) gives a clean hand-off.
 */
export async function withTerminal<T>(
  streams: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream },
  run: (streams: PromptStreams) => Promise<T>,
): Promise<T> {
  const input = streams.input as NodeJS.ReadableStream & Partial<ReadStream>;
  const detached = input.listeners('keypress') as KeypressListener[];
  for (const listener of detached) input.removeListener('keypress', listener);
  const wasRaw = input.isRaw === true;
  try {
    return await run({ input, output: streams.output });
  } finally {
    for (const listener of detached) input.on('keypress', listener);
    if (typeof input.setRawMode === 'function' && input.isTTY) input.setRawMode(wasRaw);
    input.resume();
  }
}
