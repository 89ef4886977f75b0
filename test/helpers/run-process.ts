import { type ChildProcess, spawn } from 'node:child_process';

export interface ProcessResult {
  /** The exit code; 128 when a signal ended the process. */
  code: number;
  stdout: string;
  stderr: string;
  /** True when it was killed past `timeoutMs`. */
  timedOut: boolean;
}

export interface ProcessOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Written to standard input, which is then closed (absent: no input at all). */
  input?: string;
  /** Killed past this, so a hung process fails its test and is not left behind. */
  timeoutMs: number;
  /** In a session of its own, killed with its whole process group (what it started too). */
  group?: boolean;
  /** Called once the process runs: to signal it, say. */
  started?: (child: ChildProcess) => void;
}

/** Runs `command` to its end and collects what it wrote: the one way the tests do that. */
export function runProcess(
  command: string,
  args: string[],
  options: ProcessOptions,
): Promise<ProcessResult> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    detached: options.group ?? false,
  });
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  if (options.input !== undefined) child.stdin?.end(options.input);
  options.started?.(child);
  const deadline = setTimeout(() => {
    timedOut = true;
    try {
      if (options.group && child.pid) process.kill(-child.pid, 'SIGKILL');
      else child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }, options.timeoutMs);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, timedOut });
    });
  });
}
