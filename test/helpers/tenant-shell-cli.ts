import { type ChildProcess, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { ROOT, SHELL } from './shell-command.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Written to standard input, which is then closed (absent: no input at all). */
  input?: string;
  /** Called once the process runs: to signal it, say. */
  started?: (child: ChildProcess) => void;
  /** Killed past this (default 20 s), so a hung shell fails its test and leaves no process. */
  timeoutMs?: number;
}

/** tenant-shell as a user runs it, in a process of its own, from the project's root. */
export function tenantShell(
  args: string[],
  env: Record<string, string> = {},
  options: CliOptions = {},
): Promise<CliResult> {
  const [command, ...before] = SHELL;
  const child = spawn(command, [...before, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), NO_COLOR: '1', ...env },
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  if (options.input !== undefined) child.stdin?.end(options.input);
  options.started?.(child);
  const deadline = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
  return new Promise((resolveResult) => {
    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      resolveResult({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}
