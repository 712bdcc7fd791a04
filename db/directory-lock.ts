import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export class DataDirectoryInUseError extends Error {}

/**
 * PGlite is a single-process database: two processes on one directory silently lose writes. One lock per
 * data directory keeps a second process out.
 *
 * On Linux the lock is an abstract-namespace Unix socket named after the directory's real path: binding
 * it is atomic (of two starters exactly one succeeds, there is no window between "is it free" and "take
 * it"), and the kernel releases it the moment its holder dies, SIGKILL included and before the dead
 * process is reaped (a zombie holds no sockets), so a restart one second after `kill -9` just works and
 * nothing stale is ever left to judge. Abstract sockets are per network namespace: processes in separate
 * containers sharing one volume do not see each other's lock (give each its own HERALD_DATA_DIR, or use
 * PostgreSQL). Elsewhere a lock file is created atomically, with its holder's pid already in it.
 *
 * `herald.lock` in the directory names the holder's pid, for the message a second starter prints.
 */
export async function acquireDirectoryLock(dataDir: string): Promise<() => void> {
  fs.mkdirSync(dataDir, { recursive: true });
  const pidFile = path.join(dataDir, 'herald.lock');
  const release =
    process.platform === 'linux'
      ? await bindDirectorySocket(dataDir, pidFile)
      : takeLockFile(dataDir, pidFile);
  let isReleased = false;
  const releaseOnce = () => {
    if (isReleased) return;
    isReleased = true;
    process.removeListener('exit', releaseOnce);
    release();
  };
  process.once('exit', releaseOnce);
  return releaseOnce;
}

function inUse(dataDir: string, holder: number | null): DataDirectoryInUseError {
  return new DataDirectoryInUseError(
    `The embedded database in ${dataDir} is already in use${holder ? ` by process ${holder}` : ''}. ` +
      'Stop that process first, point HERALD_DATA_DIR at another directory, ' +
      'or set DATABASE_URL to share a PostgreSQL database between processes.',
  );
}

function readHolder(pidFile: string): number | null {
  try {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Writes `content` so that a reader sees either the old file or the whole new one, never a part. */
function writeWhole(file: string, content: string) {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  fs.writeFileSync(temp, content);
  fs.renameSync(temp, file);
}

async function bindDirectorySocket(dataDir: string, pidFile: string): Promise<() => void> {
  const id = createHash('sha256').update(fs.realpathSync(dataDir)).digest('hex').slice(0, 40);
  const server = net.createServer((socket) => socket.destroy());
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(`\0herald-pglite-${id}`, () => {
        server.removeListener('error', reject);
        resolve();
      });
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw inUse(dataDir, readHolder(pidFile));
    throw error;
  }
  server.unref();
  writeWhole(pidFile, `${process.pid}\n`);
  return () => {
    server.close();
    try {
      if (readHolder(pidFile) === process.pid) fs.unlinkSync(pidFile);
    } catch {
      // already gone
    }
  };
}

/**
 * Without abstract sockets: the lock file appears with its content in one step (written aside, then
 * hard-linked into place, which fails if a lock exists), so nobody ever reads an empty lock. A lock whose
 * holder is gone is moved aside under a unique name before it is removed: of two starters that both found
 * it stale, only one moves it; should the other move a fresh lock by mistake, it puts it back and yields.
 */
function takeLockFile(dataDir: string, lockPath: string): () => void {
  const content = `${process.pid}\n`;
  const temp = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}`;
  fs.writeFileSync(temp, content);
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        fs.linkSync(temp, lockPath);
        return () => {
          try {
            if (fs.readFileSync(lockPath, 'utf8') === content) fs.unlinkSync(lockPath);
          } catch {
            // already gone
          }
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readHolder(lockPath);
      if (holder && holder !== process.pid && isProcessAlive(holder)) throw inUse(dataDir, holder);
      const aside = `${lockPath}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
      try {
        fs.renameSync(lockPath, aside);
      } catch {
        continue; // someone else moved it first
      }
      const moved = readHolder(aside);
      if (moved !== holder && moved !== null && isProcessAlive(moved)) {
        // A fresh lock taken meanwhile: give it back.
        try {
          fs.linkSync(aside, lockPath);
        } finally {
          fs.rmSync(aside, { force: true });
        }
        throw inUse(dataDir, moved);
      }
      fs.rmSync(aside, { force: true });
    }
    throw inUse(dataDir, readHolder(lockPath));
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
