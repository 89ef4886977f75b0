// The kernel's lifecycle outside the protocol: kernelspecs on disk, and no process left behind
// when the client that started it is gone without a shutdown_request.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as zmq from 'zeromq';
import { freePort } from '../helpers/kernel-client.ts';
import { SHELL } from '../helpers/shell-command.ts';
import { tenantShell } from '../helpers/tenant-shell-cli.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ts-kernel-life-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('tenant-shell kernel install, list, uninstall', () => {
  it('writes both kernelspecs into JUPYTER_DATA_DIR, with message interrupts and no secret', async () => {
    const data = tempDir();
    const env = {
      JUPYTER_DATA_DIR: data,
      JUPYTER_PATH: join(data, 'nothing-here'),
      TENANT_SHELL_CLIENT_SECRET: 'do-not-write-this-secret',
    };
    const installed = await tenantShell(['kernel', 'install', '--user', '--emulator'], env);
    expect(installed.stderr).toBe('');
    expect(installed.code).toBe(0);
    expect(installed.stdout).toContain("Installed the Jupyter kernel 'tenant-shell-emulator'");
    const text = readFileSync(
      join(data, 'kernels', 'tenant-shell-emulator', 'kernel.json'),
      'utf8',
    );
    const spec = JSON.parse(text) as { argv: string[]; interrupt_mode: string; language: string };
    // Signal interrupts by default on POSIX: the stop button also breaks a synchronous loop.
    expect(spec.interrupt_mode).toBe(process.platform === 'win32' ? 'message' : 'signal');
    expect(spec.language).toBe('typescript');
    expect(spec.argv.slice(2)).toEqual([
      'kernel',
      '--emulator',
      '--connection-file',
      '{connection_file}',
    ]);
    expect(text).not.toContain('do-not-write-this-secret');
    const plain = JSON.parse(
      readFileSync(join(data, 'kernels', 'tenant-shell', 'kernel.json'), 'utf8'),
    );
    expect(plain.argv).not.toContain('--emulator');

    // Message interrupts on request (for a front end that sends no signals); a wrong mode is named.
    await tenantShell(['kernel', 'install', '--interrupt', 'message'], env);
    const messaged = JSON.parse(
      readFileSync(join(data, 'kernels', 'tenant-shell', 'kernel.json'), 'utf8'),
    );
    expect(messaged.interrupt_mode).toBe('message');
    const wrong = await tenantShell(['kernel', 'install', '--interrupt', 'often'], env);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('--interrupt takes message or signal, not "often".');

    const listed = await tenantShell(['kernel', 'list'], env);
    expect(listed.stdout).toMatch(/^tenant-shell {2}.*\ntenant-shell-emulator {2}/m);

    const removed = await tenantShell(['kernel', 'uninstall'], env);
    expect(removed.stdout).toContain("Removed the Jupyter kernel 'tenant-shell'");
    expect((await tenantShell(['kernel', 'list'], env)).stdout).toContain(
      'No tenant-shell kernel is installed',
    );
  });

  it('--prefix DIR writes under DIR/share/jupyter/kernels; a wrong word says what is expected', async () => {
    const prefix = tempDir();
    const env = { JUPYTER_DATA_DIR: join(prefix, 'user-data') };
    expect((await tenantShell(['kernel', 'install', '--prefix', prefix], env)).code).toBe(0);
    expect(
      readFileSync(
        join(prefix, 'share', 'jupyter', 'kernels', 'tenant-shell', 'kernel.json'),
        'utf8',
      ),
    ).toContain(`"interrupt_mode": "${process.platform === 'win32' ? 'message' : 'signal'}"`);
    const wrong = await tenantShell(['kernel', 'instal'], env);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(
      "'kernel instal' is not a kernel command: install, uninstall, list",
    );
    const noFile = await tenantShell(['kernel', '--emulator'], env);
    expect(noFile.stderr).toContain('The kernel needs --connection-file FILE');
  });
});

describe('a kernel whose client is gone', () => {
  it('exits when the JPY_PARENT_PID process ends without a shutdown_request', async () => {
    const dir = tempDir();
    const file = join(dir, 'connection.json');
    const hb = await freePort();
    const ports = {
      shell_port: await freePort(),
      iopub_port: await freePort(),
      stdin_port: await freePort(),
      control_port: await freePort(),
    };
    writeFileSync(file, JSON.stringify({ ip: '127.0.0.1', key: 'k', hb_port: hb, ...ports }));
    // A stand-in for Jupyter: starts the kernel, prints its pid, leaves when its stdin closes.
    const parent = spawn(
      process.execPath,
      [
        '-e',
        `const c = require('node:child_process').spawn(process.argv[1], process.argv.slice(2), {
           env: { ...process.env, JPY_PARENT_PID: String(process.pid) }, stdio: 'ignore' });
         console.log(c.pid); process.stdin.on('end', () => process.exit(0)); process.stdin.resume();`,
        ...SHELL,
        'kernel',
        '--emulator',
        '--connection-file',
        file,
      ],
      { env: { PATH: process.env.PATH ?? '', HOME: dir }, stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const pid = Number(
      await new Promise<string>((resolve) =>
        parent.stdout?.once('data', (d) => resolve(String(d))),
      ),
    );
    expect(pid).toBeGreaterThan(1);
    try {
      // Up once its heartbeat answers.
      const ping = new zmq.Request({ linger: 0, receiveTimeout: 8000 });
      ping.connect(`tcp://127.0.0.1:${hb}`);
      await ping.send('ping');
      expect(String((await ping.receive())[0])).toBe('ping');
      ping.close();
      parent.stdin?.end();
      const deadline = Date.now() + 5000;
      while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(alive(pid)).toBe(false);
    } finally {
      if (alive(pid)) process.kill(pid, 'SIGKILL');
      parent.kill('SIGKILL');
    }
  });
});
