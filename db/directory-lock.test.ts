import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDirectoryLock, DataDirectoryInUseError } from './directory-lock';

const dirs: string[] = [];
const pids: number[] = [];
function tempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-lock-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const pid of pids.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});

/** A lock holder in a process of its own (lib/testing/lock-holder.ts); `command` wraps it (for the zombie). */
function startHolder(dir: string, holdMs: number, rounds?: number, wrap?: (command: string) => string[]) {
  const args = [
    '--import',
    'tsx',
    'lib/testing/lock-holder.ts',
    dir,
    String(holdMs),
    ...(rounds ? [String(rounds)] : []),
  ];
  const command = [process.execPath, ...args].map((a) => `'${a}'`).join(' ');
  const child = wrap ? spawn('sh', ['-c', wrap(command).join(' ')]) : spawn(process.execPath, args);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const waitFor = async (pattern: RegExp, timeoutMs = 30_000) => {
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
      const m = pattern.exec(out);
      if (m) return m;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`holder never printed ${pattern}: ${out}`);
  };
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return {
    child,
    waitFor,
    closed,
    output: () => out,
    pid: async () => Number((await waitFor(/pid (\d+)/))[1]),
  };
}

describe('the embedded database lock', () => {
  it(
    'is held by exactly one of three processes that try at the same instant, 20 times over',
    { timeout: 120_000 },
    async () => {
      const dir = tempDir();
      const rounds = 20;
      const holders = Array.from({ length: 3 }, () => startHolder(dir, 300, rounds));
      for (const h of holders) pids.push(await h.pid());
      for (let round = 0; round < rounds; round++) {
        // Every holder reports its round before the next starts, so each round is a fresh race of all three.
        fs.writeFileSync(path.join(dir, `go-${round}`), '');
        const outcomes = await Promise.all(
          holders.map(
            async (h) =>
              (await h.waitFor(new RegExp(`^(?:pid \\d+\\n)((?:(?:locked|in use)\\n){${round + 1}})`)))[1]
                .trim()
                .split('\n')[round],
          ),
        );
        expect(
          outcomes.filter((o) => o === 'locked'),
          `round ${round}: ${outcomes.join(', ')}`,
        ).toHaveLength(1);
        expect(
          outcomes.filter((o) => o === 'in use'),
          `round ${round}: ${outcomes.join(', ')}`,
        ).toHaveLength(2);
        // The winner releases after 300 ms: the next round starts on a free lock of a new directory.
      }
    },
  );

  it('refuses a directory held by a live process, naming it, and is free again once it is released', async () => {
    const dir = tempDir();
    const holder = startHolder(dir, 60_000);
    const pid = await holder.pid();
    pids.push(pid);
    await holder.waitFor(/locked/);
    await expect(acquireDirectoryLock(dir)).rejects.toThrow(DataDirectoryInUseError);
    await expect(acquireDirectoryLock(dir)).rejects.toThrow(new RegExp(`in use by process ${pid}`));
    holder.child.kill('SIGTERM');
    await holder.closed;
    const release = await acquireDirectoryLock(dir);
    expect(fs.readFileSync(path.join(dir, 'herald.lock'), 'utf8').trim()).toBe(String(process.pid));
    release();
    expect(fs.existsSync(path.join(dir, 'herald.lock'))).toBe(false);
  });

  it('is taken one second after its holder was killed with SIGKILL', async () => {
    const dir = tempDir();
    const holder = startHolder(dir, 60_000);
    pids.push(await holder.pid());
    await holder.waitFor(/locked/);
    holder.child.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 1000));
    const release = await acquireDirectoryLock(dir);
    release();
  });

  it('is taken from a holder that died and was never reaped (a zombie)', async () => {
    const dir = tempDir();
    // `exec sleep` replaces the shell with a parent that never waits for its child: the killed holder stays a zombie.
    const wrapper = startHolder(dir, 60_000, undefined, (command) => [command, '&', 'exec', 'sleep', '30']);
    pids.push(wrapper.child.pid!);
    const pid = await wrapper.pid();
    pids.push(pid);
    await wrapper.waitFor(/locked/);
    process.kill(pid, 'SIGKILL');
    // A second later, as an operator restarting would: the holder is still there, dead and unreaped. (Right at
    // the kill the process may show as a zombie while its other threads, which share its files, are still exiting.)
    await new Promise((r) => setTimeout(r, 1000));
    const state = /\) (\S)/.exec(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1];
    expect(state).toBe('Z');
    expect(fs.readFileSync(path.join(dir, 'herald.lock'), 'utf8').trim()).toBe(String(pid));
    const release = await acquireDirectoryLock(dir);
    release();
  });
});
