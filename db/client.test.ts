import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDirectoryLock, DataDirectoryInUseError } from './client';

const dirs: string[] = [];
function tempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-lock-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('the embedded database lock', () => {
  it('refuses a directory held by another live process, naming it', async () => {
    const dir = tempDir();
    const holder = spawn(process.execPath, ['-e', `require('fs').writeFileSync(${JSON.stringify(path.join(dir, 'herald.lock'))}, String(process.pid)); setInterval(() => {}, 1000)`]);
    try {
      // Until the holder has written its pid: on a loaded machine starting node can take more than a second.
      const lock = path.join(dir, 'herald.lock');
      for (let i = 0; i < 500 && !(fs.existsSync(lock) && fs.readFileSync(lock, 'utf8')); i++) await new Promise((r) => setTimeout(r, 20));
      expect(() => acquireDirectoryLock(dir)).toThrow(DataDirectoryInUseError);
      expect(() => acquireDirectoryLock(dir)).toThrow(new RegExp(`in use by process ${holder.pid}`));
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('takes over a lock left by a process that died, and releases it', async () => {
    const dir = tempDir();
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.on('exit', r));
    fs.writeFileSync(path.join(dir, 'herald.lock'), String(dead.pid));
    const release = acquireDirectoryLock(dir);
    expect(fs.readFileSync(path.join(dir, 'herald.lock'), 'utf8')).toBe(String(process.pid));
    release();
    expect(fs.existsSync(path.join(dir, 'herald.lock'))).toBe(false);
  });
});
