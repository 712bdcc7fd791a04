import { getBaseUrl } from '@/lib/http/base-url';
import { errorResponse, json } from '@/lib/http/route';
import { buildOpenApiDocument } from '@/lib/openapi/document';

/** The OpenAPI 3.1 document, open to everyone as CVAT's is (it describes the API, not its data). */
export function GET(req: Request) {
  try {
    return json(buildOpenApiDocument(getBaseUrl(req)));
  } catch (error) {
    return errorResponse(error);
  }
}
