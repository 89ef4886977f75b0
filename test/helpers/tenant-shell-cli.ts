import type { ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { type ProcessResult, runProcess } from './run-process.ts';
import { ROOT, SHELL } from './shell-command.ts';

export type CliResult = ProcessResult;

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
  return runProcess(command, [...before, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), NO_COLOR: '1', ...env },
    input: options.input,
    started: options.started,
    timeoutMs: options.timeoutMs ?? 20_000,
  });
}
