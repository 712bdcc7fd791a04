import fs from 'node:fs/promises';
import { transaction } from '@/db/transaction';
import { ApiError, invalid } from '@/lib/http/errors';
import { parseId, parseIntParam, parseWith } from '@/lib/http/parse';
import { apiRoute, json } from '@/lib/http/route';
import { attachTaskData } from '@/lib/tasks/attach-data';
import { receiveTaskImages } from '@/lib/tasks/receive-images';
import { findTaskFrame } from '@/lib/tasks/frames';
import { frameFilePath } from '@/lib/tasks/media';
import { attachDataSchema } from '@/lib/tasks/schemas';
import { loadTask } from '@/lib/tasks/tasks';

/**
 * Multipart images in `client_files[N]`, plus `image_quality`, streamed to the data directory and cut at
 * MAX_UPLOAD_BYTES. Done when the answer comes: 201.
 */
export const POST = apiRoute(
  async ({ req, db, actor, params }) => {
    const id = parseId(params.id);
    await loadTask(db, actor, id, 'update');
    if (!(req.headers.get('content-type') ?? '').startsWith('multipart/form-data')) {
      throw new ApiError('unsupported_media_type', {
        detail: 'Send the images as multipart/form-data in client_files[0], client_files[1], …',
      });
    }
    const { staged, fields } = await receiveTaskImages(req, id);
    try {
      const { image_quality } = parseWith(attachDataSchema, { image_quality: fields.image_quality });
      const task = await transaction(db, (tx) => attachTaskData(tx, actor, id, staged, image_quality));
      return json({ rq_id: null, size: task.size }, 201);
    } catch (error) {
      await fs.rm(staged.dir, { recursive: true, force: true });
      throw error;
    }
  },
  { body: 'stream' },
);

/** `?type=frame&number=K`: the image of frame K. */
export const GET = apiRoute(async ({ db, actor, params, url }) => {
  const type = url.searchParams.get('type') ?? 'frame';
  if (type !== 'frame') throw invalid('type', 'Only type=frame is supported.');
  const number = parseIntParam(url, 'number') ?? 0;
  const frame = await findTaskFrame(db, actor, parseId(params.id), number);
  const bytes = await fs.readFile(frameFilePath(frame.path)).catch(() => null);
  if (!bytes) throw new ApiError('not_found', { detail: 'The frame image is missing from storage.' });
  return new Response(new Uint8Array(bytes), {
    headers: { 'content-type': frame.mimeType, 'cache-control': 'private, max-age=3600' },
  });
});
