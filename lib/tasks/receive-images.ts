import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { settings } from '@/lib/config/settings';
import { describeBytes, tooLarge } from '@/lib/http/bounded-body';
import { ApiError, invalid } from '@/lib/http/errors';
import { MAX_FILE_BYTES, MAX_FILES, type StagedImages } from './attach-data';
import { sniffImage, taskMediaDir } from './media';

const FILE_FIELD = /^client_files(\[\d+\])?$/;
/** Enough leading bytes to recognise every image type sniffImage knows. */
const SNIFF_BYTES = 16;

/**
 * Receives a multipart upload (`client_files[N]` images and plain fields) streamed straight to the task's
 * media directory: nothing is held in memory beyond a part's chunk in flight. The request is cut at
 * MAX_UPLOAD_BYTES as soon as that many bytes arrived (413), a file at 50 MiB; every file must be an image
 * by its first bytes. On any refusal the files written so far are removed.
 */
export async function receiveTaskImages(
  req: Request,
  taskId: number,
): Promise<{ staged: StagedImages; fields: Record<string, string> }> {
  if (!req.body) throw invalid('client_files', 'No images were uploaded.');
  const dir = path.join(taskMediaDir(taskId), randomUUID());
  await fs.promises.mkdir(dir, { recursive: true });
  try {
    return await parse(req, dir);
  } catch (error) {
    await fs.promises.rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function parse(req: Request, dir: string) {
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { 'content-type': req.headers.get('content-type') ?? '' },
      limits: {
        files: MAX_FILES,
        fileSize: MAX_FILE_BYTES,
        fields: 100,
        fieldSize: 64 * 1024,
        parts: MAX_FILES + 100,
      },
    });
  } catch {
    throw invalid('client_files', 'The multipart body could not be read.');
  }
  const fields: Record<string, string> = Object.create(null);
  const images: StagedImages['images'] = [];
  const writes: Promise<void>[] = [];
  let refusal: ApiError | null = null;
  const refuse = (error: ApiError) => {
    refusal ??= error;
  };

  parser.on('file', (field, stream, info) => {
    if (refusal || !FILE_FIELD.test(field)) return void stream.resume();
    const index = images.length;
    const name = (info.filename || field).replaceAll('\u0000', '').slice(0, 1024);
    const image = { name, path: '', mimeType: '' };
    images.push(image);
    const partial = path.join(/*turbopackIgnore: true*/ dir, `${String(index).padStart(6, '0')}.part`);
    let head = Buffer.alloc(0);
    const sniff = new Transform({
      transform(chunk: Buffer, _encoding, done: TransformCallback) {
        if (head.length < SNIFF_BYTES)
          head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES - head.length)]);
        done(null, chunk);
      },
    });
    writes.push(
      pipeline(stream, sniff, fs.createWriteStream(partial))
        .then(async () => {
          if ((stream as unknown as { truncated?: boolean }).truncated) {
            return refuse(
              new ApiError('payload_too_large', {
                [field]: [`"${name}" is larger than ${describeBytes(MAX_FILE_BYTES)}.`],
              }),
            );
          }
          const kind = sniffImage(head);
          if (!kind)
            return refuse(invalid(field, `"${name}" is not an image (PNG, JPEG, GIF, WebP or BMP).`));
          const final = partial.replace(/\.part$/, `.${kind.extension}`);
          await fs.promises.rename(partial, final);
          Object.assign(image, { path: path.relative(settings.mediaDir, final), mimeType: kind.mimeType });
        })
        .catch(() => refuse(invalid(field, `"${name}" could not be received.`))),
    );
  });
  parser.on('field', (field, value) => {
    if (FILE_FIELD.test(field)) refuse(invalid(field, 'Expected a file.'));
    else fields[field] = value;
  });
  parser.on('filesLimit', () => refuse(invalid('client_files', `At most ${MAX_FILES} files per task.`)));
  parser.on('partsLimit', () => refuse(invalid('client_files', `At most ${MAX_FILES} files per task.`)));

  const limit = settings.maxUploadBytes;
  const source = Readable.fromWeb(req.body as never);
  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      received += chunk.length;
      // Cut at the limit: the rest stays unread on the wire (the server closes the connection after the 413).
      if (received > limit) return done(tooLarge(limit));
      done(null, chunk);
    },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      let isSettled = false;
      const fail = (error: unknown) => {
        if (isSettled) return;
        isSettled = true;
        // Not destroyed: that would tear the connection down before the answer is written.
        source.unpipe(counter);
        source.pause();
        counter.destroy();
        parser.destroy();
        reject(error);
      };
      source.on('error', fail);
      counter.on('error', fail);
      parser.on('error', fail);
      parser.on('close', () => {
        isSettled = true;
        resolve();
      });
      source.pipe(counter).pipe(parser);
    });
  } catch (error) {
    await Promise.allSettled(writes);
    if (error instanceof ApiError) throw error;
    throw invalid('client_files', 'The multipart body could not be read.');
  }
  await Promise.all(writes);
  if (refusal) throw refusal;
  if (images.length === 0) throw invalid('client_files', 'No images were uploaded.');
  return { staged: { dir, images }, fields };
}
