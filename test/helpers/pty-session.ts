import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { type IPty, spawn } from 'node-pty';
import { ROOT, SHELL } from './shell-command.ts';

/**
 * A whole tenant-shell session in a real pseudo-terminal of fixed size, colour off. Each
 * `waitFor` names its step; on time-out the error carries the whole transcript.
 */
export class PtySession {
  readonly home: string;
  private readonly pty: IPty;
  private raw = '';
  private mark = 0;
  private exited: Promise<number>;

  constructor(args: string[], env: Record<string, string> = {}) {
    // Under the run's artifacts when there are some (test/hardening/global-setup.ts): the
    // history, profiles and transcript of every session are scanned for secrets at the end.
    const artifacts = process.env.TENANT_SHELL_TEST_ARTIFACTS;
    const base = artifacts ? join(artifacts, 'pty') : tmpdir();
    mkdirSync(base, { recursive: true });
    this.home = mkdtempSync(join(base, 'tenant-shell-pty-'));
    const [command, ...before] = SHELL;
    this.pty = spawn(command, [...before, ...args], {
      name: 'xterm',
      cols: 120,
      rows: 40,
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: this.home,
        TERM: 'xterm',
        NO_COLOR: '1',
        TENANT_SHELL_HISTORY: join(this.home, 'history'),
        TENANT_SHELL_CONFIG_DIR: join(this.home, 'config'),
        ...env,
      },
    });
    this.pty.onData((data) => {
      this.raw += data;
    });
    this.exited = new Promise((done) =>
      this.pty.onExit(({ exitCode }) => {
        this.keepTranscript();
        done(exitCode);
      }),
    );
  }

  /** The child's process id (the shell itself, unless a wrapper was spawned). */
  get pid(): number {
    return this.pty.pid;
  }

  private keepTranscript(): void {
    try {
      writeFileSync(join(this.home, 'transcript.txt'), this.raw);
    } catch {
      // the home may be gone already
    }
  }

  /** Everything shown so far, ANSI stripped. */
  get transcript(): string {
    return stripVTControlCharacters(this.raw);
  }

  /** Output since the last `waitFor` matched. */
  get recent(): string {
    return stripVTControlCharacters(this.raw.slice(this.mark));
  }

  async waitFor(step: string, pattern: RegExp | string, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = stripVTControlCharacters(this.raw.slice(this.mark));
      const found = typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);
      if (found) {
        this.mark = this.raw.length;
        return text;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `Step "${step}" timed out waiting for ${String(pattern)}.\n--- transcript ---\n${this.transcript}`,
        );
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  type(text: string): void {
    this.pty.write(text);
  }

  line(text: string): void {
    this.pty.write(`${text}\r`);
  }

  async exit(timeoutMs = 5000): Promise<number> {
    const timer = setTimeout(() => this.kill(), timeoutMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  kill(): void {
    this.keepTranscript();
    try {
      this.pty.kill();
    } catch {
      // already gone
    }
  }
}
