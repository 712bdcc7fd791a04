import fs from 'node:fs/promises';
import { ApiError, invalid } from '@/lib/http/errors';
import { parseId, parseIntParam, parseWith } from '@/lib/http/parse';
import { apiRoute, json } from '@/lib/http/route';
import { attachImages, filesFromForm } from '@/lib/tasks/attach-data';
import { findTaskFrame } from '@/lib/tasks/frames';
import { frameFilePath } from '@/lib/tasks/media';
import { attachDataSchema } from '@/lib/tasks/schemas';
import { loadTask } from '@/lib/tasks/tasks';

const MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;

/** Multipart images in `client_files[N]`, plus `image_quality`. Done when the answer comes: 201. */
export const POST = apiRoute(async ({ req, db, actor, params }) => {
  const id = parseId(params.id);
  await loadTask(db, actor, id, 'update');
  if (!(req.headers.get('content-type') ?? '').startsWith('multipart/form-data')) {
    throw new ApiError('unsupported_media_type', { detail: 'Send the images as multipart/form-data in client_files[0], client_files[1], …' });
  }
  if (Number(req.headers.get('content-length') ?? 0) > MAX_UPLOAD_BYTES) throw new ApiError('payload_too_large', { detail: 'Uploads are limited to 1 GiB.' });
  const form = await req.formData().catch(() => {
    throw invalid('client_files', 'The multipart body could not be read.');
  });
  const files = await filesFromForm(form);
  const { image_quality } = parseWith(attachDataSchema, { image_quality: form.get('image_quality') ?? undefined });
  const task = await attachImages(db, actor, id, files, image_quality);
  return json({ rq_id: null, size: task.size }, 201);
});

/** `?type=frame&number=K`: the image of frame K. */
export const GET = apiRoute(async ({ db, actor, params, url }) => {
  const type = url.searchParams.get('type') ?? 'frame';
  if (type !== 'frame') throw invalid('type', 'Only type=frame is supported.');
  const number = parseIntParam(url, 'number') ?? 0;
  const frame = await findTaskFrame(db, actor, parseId(params.id), number);
  const bytes = await fs.readFile(frameFilePath(frame.path)).catch(() => null);
  if (!bytes) throw new ApiError('not_found', { detail: 'The frame image is missing from storage.' });
  return new Response(new Uint8Array(bytes), { headers: { 'content-type': frame.mimeType, 'cache-control': 'private, max-age=3600' } });
});
