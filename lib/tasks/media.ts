import fs from 'node:fs';
import path from 'node:path';
import type { Tx } from '@/db/client';
import { afterCommit } from '@/db/transaction';
import { settings } from '@/lib/config/settings';

export function taskMediaDir(taskId: number): string {
  return path.join(/*turbopackIgnore: true*/ settings.mediaDir, 'tasks', String(taskId));
}

/** Files go once the deletion has committed: a rolled-back delete keeps its images. */
export function removeTaskMedia(tx: Tx, taskId: number) {
  afterCommit(tx, () => fs.rm(taskMediaDir(taskId), { recursive: true, force: true }, () => {}));
}

export type SniffedImage = { mimeType: string; extension: string };

/** The image type from the file's first bytes, not its name: a renamed text file is refused. */
export function sniffImage(bytes: Uint8Array): SniffedImage | null {
  const b = bytes;
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47)
    return { mimeType: 'image/png', extension: 'png' };
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff)
    return { mimeType: 'image/jpeg', extension: 'jpg' };
  if (b.length >= 6 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38)
    return { mimeType: 'image/gif', extension: 'gif' };
  if (
    b.length >= 12 &&
    String.fromCharCode(...b.slice(0, 4)) === 'RIFF' &&
    String.fromCharCode(...b.slice(8, 12)) === 'WEBP'
  ) {
    return { mimeType: 'image/webp', extension: 'webp' };
  }
  if (b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d) return { mimeType: 'image/bmp', extension: 'bmp' };
  return null;
}

/** Where a stored frame lives on disk. */
export function frameFilePath(relativePath: string): string {
  return path.join(/*turbopackIgnore: true*/ settings.mediaDir, relativePath);
}
