import { DOCS_HTML } from '@/lib/openapi/docs-page';

export function GET() {
  return new Response(DOCS_HTML, { headers: { 'content-type': 'text/html; charset=utf-8' } });
}
