import fs from 'node:fs';
import path from 'node:path';
import { acquireDirectoryLock, DataDirectoryInUseError } from '@/db/directory-lock';

/**
 * A process that takes the data-directory lock (db/directory-lock.ts) for the lock tests:
 * `lock-holder.ts <dir> <hold ms> [rounds]`. Prints `pid N`, then per round `locked` or `in use`.
 * With rounds, round R locks `<dir>/R` once the file `<dir>/go-R` appears, so that several holders
 * started together try at the same instant, round after round.
 */
const [dir, holdMs, rounds] = process.argv.slice(2);

async function take(target: string) {
  try {
    const release = await acquireDirectoryLock(target);
    console.log('locked');
    await new Promise((r) => setTimeout(r, Number(holdMs)));
    release();
  } catch (error) {
    if (!(error instanceof DataDirectoryInUseError)) throw error;
    console.log('in use');
  }
}

async function main() {
  console.log(`pid ${process.pid}`);
  if (!rounds) return take(dir);
  for (let round = 0; round < Number(rounds); round++) {
    while (!fs.existsSync(path.join(dir, `go-${round}`))) await new Promise((r) => setTimeout(r, 1));
    await take(path.join(dir, String(round)));
  }
}

void main();
