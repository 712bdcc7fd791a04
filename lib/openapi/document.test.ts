import type { UntypedJson } from '@/lib/testing/untyped-json';
import fs from 'node:fs';
import path from 'node:path';
import { validate } from '@readme/openapi-parser';
import { describe, expect, it } from 'vitest';
import pkg from '@/package.json';
import { api, createUser } from '@/lib/testing/test-api';
import { buildOpenApiDocument } from './document';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Every route file under app/api with the methods it exports, its path written `/api/a/{}/b`. */
function routesOnDisk(): { path: string; file: string; methods: string[] }[] {
  const root = path.join(process.cwd(), 'app', 'api');
  const out: { path: string; file: string; methods: string[] }[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === 'route.ts') {
        const text = fs.readFileSync(full, 'utf8');
        const methods = METHODS.filter((m) =>
          new RegExp(
            `export\\s+(const|async function|function)\\s+${m}\\b|export\\s+const\\s*\\{[^}]*\\b${m}\\b[^}]*\\}`,
          ).test(text),
        );
        const segments = path.relative(root, path.dirname(full)).split(path.sep).filter(Boolean);
        out.push({
          file: path.relative(process.cwd(), full),
          path: `/api/${segments.map((s) => (s.startsWith('[') ? '{}' : s)).join('/')}`.replace(/\/$/, ''),
          methods,
        });
      }
    }
  };
  walk(root);
  return out;
}

const normalize = (p: string) => p.replace(/\{[^}]+\}/g, '{}');

describe('GET /api/schema', () => {
  const doc = buildOpenApiDocument('http://herald.test') as UntypedJson;

  it('documents every route in app/api with every method it serves, and nothing that is not served', () => {
    const documented = new Map<string, Set<string>>();
    for (const [p, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>))
      documented.set(normalize(p), new Set(Object.keys(item)));
    const routes = routesOnDisk();
    expect(routes.length).toBeGreaterThan(30);
    for (const route of routes) {
      expect(route.methods.length, `${route.file} exports no method`).toBeGreaterThan(0);
      for (const method of route.methods) {
        expect(
          documented.get(route.path)?.has(method.toLowerCase()),
          `${method} ${route.path} (${route.file}) is missing from the OpenAPI document (lib/openapi/operations.ts)`,
        ).toBe(true);
      }
    }
    const served = new Map(routes.map((r) => [r.path, new Set(r.methods.map((m) => m.toLowerCase()))]));
    for (const [p, methods] of documented)
      for (const m of methods)
        expect(served.get(p)?.has(m), `${m} ${p} is documented but not served`).toBe(true);
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(doc));
    expect(result.valid, JSON.stringify(result.valid ? [] : result.errors)).toBe(true);
  });

  it("names operations as CVAT's schema does, each once", () => {
    const ids = Object.values(doc.paths as Record<string, Record<string, { operationId: string }>>).flatMap(
      (item) => Object.values(item).map((op) => op.operationId),
    );
    expect(new Set(ids).size).toBe(ids.length);
    const op = (p: string, m: string) => doc.paths[p]?.[m]?.operationId;
    expect(op('/api/webhooks', 'post')).toBe('webhooks_create');
    expect(op('/api/webhooks', 'get')).toBe('webhooks_list');
    expect(op('/api/webhooks/{id}', 'put')).toBe('webhooks_update');
    expect(op('/api/webhooks/{id}', 'patch')).toBe('webhooks_partial_update');
    expect(op('/api/webhooks/{id}/ping', 'post')).toBe('webhooks_create_ping');
    expect(op('/api/webhooks/{id}/deliveries', 'get')).toBe('webhooks_list_deliveries');
    expect(op('/api/webhooks/{id}/deliveries/{delivery_id}/redelivery', 'post')).toBe(
      'webhooks_create_deliveries_redelivery',
    );
    expect(op('/api/webhooks/{id}/recover', 'post')).toBe('webhooks_create_recover');
    expect(op('/api/projects/{id}', 'patch')).toBe('projects_partial_update');
    expect(op('/api/tasks/{id}/data', 'post')).toBe('tasks_create_data');
    expect(op('/api/users/self', 'get')).toBe('users_retrieve_self');
    expect(op('/api/server/about', 'get')).toBe('server_retrieve_about');
    expect(op('/api/invitations/{id}/accept', 'post')).toBe('invitations_accept');
  });

  it('request bodies are the zod schemas the routes parse with', () => {
    const body = (p: string, m: string) => doc.paths[p][m].requestBody.content['application/json'].schema;
    const create = body('/api/webhooks', 'post');
    expect(create.required).toEqual(expect.arrayContaining(['target_url', 'type', 'events']));
    expect(create.properties.type.enum).toEqual(['project', 'organization', 'server']);
    expect(create.properties.secret.maxLength).toBe(64);
    expect(create.additionalProperties).toBe(false);
    expect(body('/api/jobs/{id}', 'patch').properties.stage.enum).toEqual([
      'annotation',
      'validation',
      'acceptance',
    ]);
    const recover = body('/api/webhooks/{id}/recover', 'post');
    expect(recover.required).toEqual(['since']);
    expect(Object.keys(recover.properties)).toEqual(['since', 'until', 'states', 'events', 'dry_run']);
    const filter = doc.paths['/api/webhooks'].get.parameters.find(
      (p: { name: string }) => p.name === 'filter',
    );
    expect(filter.description).toContain(
      'Available filter_fields: target_url, owner, type, description, id, project_id, updated_date.',
    );
  });

  it('is served, and so are /api/server/about and the interactive reference from Herald itself', async () => {
    const schema = await api.get('/api/schema');
    expect(schema.status).toBe(200);
    expect(schema.body.paths['/api/webhooks'].post.operationId).toBe('webhooks_create');
    expect(schema.body.servers).toEqual([{ url: 'http://herald.test' }]);

    const about = await api.get('/api/server/about');
    expect(about.status).toBe(200);
    expect(about.body).toEqual({ name: 'Herald', version: pkg.version, description: pkg.description });

    const page = await api.get('/api/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const sources = [...String(page.body).matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources.length).toBeGreaterThan(3);
    for (const source of sources)
      expect(source.startsWith('/'), `${source} is not served by Herald`).toBe(true);
    for (const asset of sources.filter((s) => s.startsWith('/api/docs/'))) {
      const reply = await api.get(asset);
      expect(reply.status, asset).toBe(200);
      expect(String(reply.body).length, asset).toBeGreaterThan(100);
    }
    expect(String((await api.get('/api/docs/herald-init.js')).body)).toContain("url: '/api/schema'");
    for (const bad of [
      'index.html',
      '..%2Fpackage.json',
      'package.json',
      'swagger-ui.js.map',
      'constructor',
      '__proto__',
    ])
      expect((await api.get(`/api/docs/${bad}`)).status, bad).toBe(404);
  });

  it('a signed-in user reads the same document', async () => {
    const user = await createUser('schema');
    expect((await api.get('/api/schema', { as: user })).body).toEqual((await api.get('/api/schema')).body);
  });
});
