import { errorResponse, json } from '@/lib/http/route';
import { readDocsAsset } from '@/lib/openapi/docs-page';

type Context = { params: Promise<Record<string, string>> };

export async function GET(_req: Request, { params }: Context) {
  try {
    const asset = await readDocsAsset((await params).asset);
    if (!asset) return json({ detail: 'Not found.' }, 404);
    return new Response(asset.body, {
      headers: { 'content-type': asset.type, 'cache-control': 'public, max-age=86400' },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
