import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * The interactive reference at /api/docs: Swagger UI from the swagger-ui-dist package, served by Herald
 * itself (no CDN, so it works offline and behind a strict proxy), pointed at /api/schema.
 */

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

// Its own file rather than an inline script, so a strict Content-Security-Policy can forbid inline code.
const INITIALIZER = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/api/schema',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
  });
});
`;

export const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>API reference · Herald</title>
  <link rel="icon" href="/favicon.ico">
  <link rel="stylesheet" href="/api/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <noscript>The interactive reference needs JavaScript; the document itself is at <a href="/api/schema">/api/schema</a>.</noscript>
  <script src="/api/docs/swagger-ui-bundle.js"></script>
  <script src="/api/docs/swagger-ui-standalone-preset.js"></script>
  <script src="/api/docs/herald-init.js"></script>
</body>
</html>
`;

/** One file of the reference by name, or null for any other name (no path is ever built from input). */
export async function readDocsAsset(
  name: string,
): Promise<{ body: Uint8Array<ArrayBuffer> | string; type: string } | null> {
  if (name === 'herald-init.js') return { body: INITIALIZER, type: 'text/javascript; charset=utf-8' };
  const type = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (!type) return null;
  const file = path.join(process.cwd(), 'node_modules', 'swagger-ui-dist', name);
  return { body: new Uint8Array(await fs.readFile(file)), type };
}
