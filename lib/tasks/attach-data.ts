import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { transaction } from '@/db/transaction';
import { frames, jobs, segments, taskData, tasks } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { recordChange } from '@/lib/changes/record-change';
import { settings } from '@/lib/config/settings';
import { ApiError, invalid } from '@/lib/http/errors';
import { representJobs } from '@/lib/jobs/representation';
import { sniffImage, taskMediaDir } from './media';
import { representTasks } from './representation';
import { loadTask } from './tasks';

export const MAX_FILES = 5000;
export const MAX_FILE_BYTES = 50 * 1024 * 1024;
const CHUNK_SIZE = 72;

export type UploadedFile = { field: string; name: string; bytes: Uint8Array };
export type StagedImages = { dir: string; images: { name: string; path: string; mimeType: string }[] };

/** Checks every upload is an image and writes them under the task's media directory. */
export async function stageTaskImages(taskId: number, files: UploadedFile[]): Promise<StagedImages> {
  if (files.length === 0) throw invalid('client_files', 'No images were uploaded.');
  if (files.length > MAX_FILES) throw invalid('client_files', `At most ${MAX_FILES} files per task.`);
  const kinds = files.map((file) => {
    if (file.bytes.length > MAX_FILE_BYTES)
      throw new ApiError('payload_too_large', { [file.field]: [`"${file.name}" is larger than 50 MiB.`] });
    const kind = sniffImage(file.bytes);
    if (!kind) throw invalid(file.field, `"${file.name}" is not an image (PNG, JPEG, GIF, WebP or BMP).`);
    return kind;
  });
  const dir = path.join(taskMediaDir(taskId), randomUUID());
  await fs.mkdir(dir, { recursive: true });
  const images = await Promise.all(
    files.map(async (file, i) => {
      const filePath = path.join(
        /*turbopackIgnore: true*/ dir,
        `${String(i).padStart(6, '0')}.${kinds[i].extension}`,
      );
      await fs.writeFile(filePath, file.bytes);
      return {
        name: file.name.replaceAll('\u0000', '').slice(0, 1024),
        path: path.relative(settings.mediaDir, filePath),
        mimeType: kinds[i].mimeType,
      };
    }),
  );
  return { dir, images };
}

/** The images of a multipart form, in `client_files[N]` (or `client_files`); other fields are left to the caller. */
export async function filesFromForm(form: FormData): Promise<UploadedFile[]> {
  const files: UploadedFile[] = [];
  for (const [field, value] of form.entries()) {
    if (!/^client_files(\[\d+\])?$/.test(field)) continue;
    if (typeof value === 'string') throw invalid(field, 'Expected a file.');
    files.push({ field, name: value.name || field, bytes: new Uint8Array(await value.arrayBuffer()) });
  }
  return files;
}

/** Stages the images, then attaches them in one transaction; the staged files are removed when that fails. */
export async function attachImages(
  db: Db,
  actor: Actor,
  taskId: number,
  files: UploadedFile[],
  imageQuality: number,
) {
  const staged = await stageTaskImages(taskId, files);
  try {
    return await transaction(db, (tx) => attachTaskData(tx, actor, taskId, staged, imageQuality));
  } catch (error) {
    await fs.rm(staged.dir, { recursive: true, force: true });
    throw error;
  }
}

/** CVAT's segmentation: `segment_size` frames per job (0 = one job), consecutive segments sharing `overlap` frames. */
export function cutSegments(size: number, segmentSize: number, overlap: number) {
  const length = segmentSize > 0 ? Math.min(segmentSize, size) : size;
  const step = Math.max(1, length - Math.min(overlap, length - 1));
  const out: { start: number; stop: number }[] = [];
  for (let start = 0; start < size; start += step) {
    const stop = Math.min(start + length - 1, size - 1);
    out.push({ start, stop });
    if (stop === size - 1) break;
  }
  return out;
}

/**
 * Attaches staged images: frames, segments and one annotation job per segment. Announces the task's
 * update and each new job.
 */
export async function attachTaskData(
  tx: Tx,
  actor: Actor,
  taskId: number,
  staged: StagedImages,
  imageQuality: number,
) {
  // The upload before this may have taken minutes: the role is read again, not taken from the
  // organization context resolved when the request began.
  const task = await loadTask(tx, { ...actor, org: { kind: 'any' } }, taskId, 'update', true);
  if (task.dataId !== null) throw invalid('non_field_errors', 'This task already has data attached.');
  const [before] = await representTasks(tx, [task], actor.baseUrl);
  const size = staged.images.length;
  const overlap = task.overlap ?? 0;
  const parts = cutSegments(size, task.segmentSize, overlap);
  const segmentSize = task.segmentSize > 0 ? Math.min(task.segmentSize, size) : size;
  const [data] = await tx.insert(taskData).values({ chunkSize: CHUNK_SIZE, size, imageQuality }).returning();
  await tx.insert(frames).values(staged.images.map((image, frame) => ({ taskId, frame, ...image })));
  const segmentRows = await tx
    .insert(segments)
    .values(parts.map((p) => ({ taskId, startFrame: p.start, stopFrame: p.stop })))
    .returning();
  const now = new Date();
  const jobRows = await tx
    .insert(jobs)
    .values(segmentRows.map((s) => ({ segmentId: s.id, taskId, createdDate: now, updatedDate: now })))
    .returning();
  const [updated] = await tx
    .update(tasks)
    .set({ dataId: data.id, mode: 'annotation', overlap, segmentSize, updatedDate: now })
    .where(eq(tasks.id, taskId))
    .returning();
  const scope = { organizationId: task.organizationId, projectId: task.projectId };
  const [after] = await representTasks(tx, [updated], actor.baseUrl);
  await recordChange(tx, actor, { action: 'update', resource: 'task', ...scope, before, after });
  for (const job of await representJobs(tx, jobRows, actor.baseUrl)) {
    await recordChange(tx, actor, { action: 'create', resource: 'job', ...scope, before: null, after: job });
  }
  return after;
}
