import { randomBytes } from 'node:crypto';
import { format } from 'node:util';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { queryRows } from '@/db/raw';
import { users } from '@/db/schema';
import { recordedRows } from '@/lib/testing/delivery-rows';
import type { Receiver } from '@/lib/testing/receiver';
import {
  call,
  createUser,
  unique,
  type CallOptions,
  type Reply,
  type TestUser,
} from '@/lib/testing/test-api';
import { PROJECT_KEYS, receiverPool, settle } from '@/lib/testing/webhook-helpers';
import { startDispatcher, stopDispatcher } from './dispatcher';

/**
 * A user's password and a webhook's secrets go in; they must never come out: not in a response (body or
 * header), not in a log line the process writes, not in a delivery row (every column, request headers
 * included), not in the webhook's own row (secrets are stored encrypted). The lifecycle is the real one, failures included: a duplicate that the database refuses and a
 * constraint error that is logged, with the secret among the failed statement's parameters.
 */

// Random through and through, so that any eight characters of one in a row are evidence (see `pieces`).
const random = () => randomBytes(24).toString('base64url');
const password = random();
const secrets = {
  generated: `whsec_${randomBytes(24).toString('base64')}`,
  plain: random(),
  rotated: random(),
  put: random(),
  refusedPatch: random(),
  duplicate: random(),
  failingStatement: random(),
};

/** Every eight characters in a row of `needle`: a leak may be partial (V8's JSON errors quote ten characters of the body). */
function pieces(needle: string): string[] {
  const core = needle.replace(/^whsec_/, '');
  return Array.from({ length: core.length - 7 }, (_, i) => core.slice(i, i + 8));
}

/** Every line written to the console or to stdout/stderr while the file runs (kept out of the test output). */
const logs: string[] = [];
const restore: (() => void)[] = [];
function captureLogs() {
  for (const name of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const original = console[name];
    console[name] = (...args: unknown[]) => void logs.push(format(...args));
    restore.push(() => (console[name] = original));
  }
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write;
    stream.write = (chunk: string | Uint8Array, ...rest: unknown[]) => {
      logs.push(Buffer.from(chunk).toString('utf8'));
      // A writer may wait for its callback.
      (rest.find((x) => typeof x === 'function') as (() => void) | undefined)?.();
      return true;
    };
    restore.push(() => (stream.write = original));
  }
}

/** Every answer, status line, headers and body as the client would see them. */
const replies: string[] = [];
async function send(method: string, path: string, body?: unknown, options: CallOptions = {}): Promise<Reply> {
  const reply = await call(method, path, body, options);
  replies.push(
    `${reply.status} ${JSON.stringify([...reply.headers])} ${typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body)}`,
  );
  return reply;
}

const pool = receiverPool();
let me: TestUser;
let stranger: TestUser;
let ok: Receiver;
let failing: Receiver;
let hangingUp: Receiver;

beforeAll(async () => {
  captureLogs();
  await startDispatcher();
  [ok, failing, hangingUp] = await Promise.all([
    pool.start(),
    pool.start((_, res) => res.writeHead(500).end('receiver exploded')),
    pool.start((_, res) => res.socket?.destroy()),
  ]);
  stranger = await createUser('leakstr');
});
afterAll(async () => {
  await stopDispatcher();
  await pool.closeAll();
  restore.splice(0).forEach((undo) => undo());
});

describe('secrets and passwords', () => {
  it('never appear in a response, a log line or a delivery record', { timeout: 60_000 }, async () => {
    const username = unique('leak');
    const email = `${username}@example.test`;
    const json = (raw: string): CallOptions => ({ raw, contentType: 'application/json' });

    // Registration and login, refused attempts included.
    expect(
      (
        await send('POST', '/api/auth/register', {
          username,
          email,
          password1: password,
          password2: password,
        })
      ).status,
    ).toBe(201);
    await send('POST', '/api/auth/register', { username, email, password1: password, password2: password });
    await send('POST', '/api/auth/register', {
      username: unique('leak'),
      email: `x${email}`,
      password1: password,
      password2: `${password}x`,
    });
    // Unquoted, as a shell script gets it wrong: JSON.parse's message quotes what follows the error.
    await send(
      'POST',
      '/api/auth/register',
      undefined,
      json(`{"username": "${unique('leak')}", "password1": x${password}, "password2": x${password}}`),
    );
    // Concurrent sign-ups of one name: on PostgreSQL the losers can fail on the unique constraint, hash in hand.
    const racer = unique('race');
    await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        send('POST', '/api/auth/register', {
          username: racer,
          email: `${racer}${i}@example.test`,
          password1: password,
          password2: password,
        }),
      ),
    );
    await send('POST', '/api/auth/login', { username, password: `${password}-wrong` });
    await send(
      'POST',
      '/api/auth/login',
      undefined,
      json(`{"username": "${username}", "password": x${password}}`),
    );
    const login = await send('POST', '/api/auth/login', { username, password });
    expect(login.status).toBe(200);
    await send('GET', '/api/users/self', undefined, {
      headers: { authorization: `Basic ${Buffer.from(`${username}:${password}x`).toString('base64')}` },
    });
    me = { id: 0, username, password, email, auth: `Token ${login.body.key}` };
    const as = { as: me };

    // Webhooks with secrets, on a receiver that answers, one that fails and one that hangs up.
    const project = (await send('POST', '/api/projects?org_id=', { name: unique('lp') }, as)).body;
    const org = (await send('POST', '/api/organizations', { slug: unique('lo') }, as)).body;
    const hook = (
      target: Receiver,
      secret: string,
      extra: Record<string, unknown> = { type: 'project', project_id: project.id, events: PROJECT_KEYS },
      path = '/api/webhooks',
    ) => send('POST', path, { target_url: target.url, secret, ...extra }, as);
    const signed = (await hook(ok, secrets.generated)).body;
    const orgHook = (
      await hook(
        failing,
        secrets.plain,
        { type: 'organization', events: ['create:project'] },
        `/api/webhooks?org=${org.slug}`,
      )
    ).body;
    const hungUp = (await hook(hangingUp, secrets.plain)).body;
    const hooks = [signed, orgHook, hungUp];
    expect(hooks.map((h) => h.id).every(Number.isInteger)).toBe(true);
    // Rotation: the old secret signs beside the new one for a day.
    expect((await send('PATCH', `/api/webhooks/${signed.id}`, { secret: secrets.rotated }, as)).status).toBe(
      200,
    );
    expect(
      (
        await send(
          'PUT',
          `/api/webhooks/${hungUp.id}`,
          { target_url: hangingUp.url, events: PROJECT_KEYS, secret: secrets.put },
          as,
        )
      ).status,
    ).toBe(200);

    // Pings, events (with retries on the failing receivers), a redelivery; then every way to read them.
    for (const h of hooks) await send('POST', `/api/webhooks/${h.id}/ping`, undefined, as);
    await send('PATCH', `/api/projects/${project.id}`, { name: unique('renamed') }, as);
    await send('POST', `/api/projects?org=${org.slug}`, { name: unique('lop') }, as);
    await settle(
      me,
      hooks.map((h) => h.id),
      20_000,
    );
    const [first] = (await send('GET', `/api/webhooks/${signed.id}/deliveries?page_size=all`, undefined, as))
      .body.results;
    expect(
      (await send('POST', `/api/webhooks/${signed.id}/deliveries/${first.id}/redelivery`, undefined, as))
        .status,
    ).toBe(200);
    await settle(me, [signed.id]);
    for (const h of hooks) {
      await send('GET', `/api/webhooks/${h.id}`, undefined, as);
      await send('GET', `/api/webhooks/${h.id}/deliveries/stats`, undefined, as);
      const { results } = (await send('GET', `/api/webhooks/${h.id}/deliveries?page_size=all`, undefined, as))
        .body;
      expect(results.length).toBeGreaterThan(0);
      for (const d of results) await send('GET', `/api/webhooks/${h.id}/deliveries/${d.id}`, undefined, as);
    }
    for (const query of ['page_size=all', `org=${org.slug}`, 'sort=secret', 'secret=x', 'search=secret'])
      await send('GET', `/api/webhooks?${query}`, undefined, as);
    expect(ok.received.some((r) => r.json?.event === 'update:project')).toBe(true);
    expect(failing.received.length).toBeGreaterThan(1);
    expect(hangingUp.received.length).toBeGreaterThan(1);

    // Refused changes carrying a secret.
    const refused = secrets.refusedPatch;
    for (const body of [
      { secret: refused, target_url: 'ftp://127.0.0.1/' },
      { secret: refused, events: ['nope'] },
      { secret: refused, surprise: true },
      { secret: `${refused}${'x'.repeat(64)}` },
      { secret: refused, target_url: 'http://127.0.0.2:9/refused' },
    ]) {
      expect((await send('PATCH', `/api/webhooks/${signed.id}`, body, as)).status).toBe(400);
    }
    expect(
      (
        await send('PATCH', `/api/webhooks/${signed.id}`, undefined, {
          ...as,
          ...json(`{"secret": x${refused}}`),
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await send('POST', '/api/webhooks', undefined, {
          ...as,
          ...json(`{"target_url": "${ok.url}", "secret": "${refused}",}`),
        })
      ).status,
    ).toBe(400);
    expect(
      (await send('PATCH', `/api/webhooks/${signed.id}`, { secret: refused }, { as: stranger })).status,
    ).toBe(403);

    // The database refuses statements that carry a secret: a duplicate (answered as such) and a violated
    // constraint (an unexpected error, logged). Secrets are stored encrypted, so the constraints are on the
    // description sent beside the secret; both exist for this test only.
    const db = await getDb();
    const duplicate = unique('dup');
    const refusedDescription = unique('fail');
    // Partial, so that other files' webhooks (PostgreSQL keeps them) never stand in the way.
    await db.execute(
      sql.raw(
        `create unique index leak_test_secret on webhooks (description) where description = '${duplicate}'`,
      ),
    );
    await db.execute(
      sql.raw(
        `alter table webhooks add constraint leak_test_check check (description is distinct from '${refusedDescription}')`,
      ),
    );
    try {
      const withDescription = (description: string) => ({
        type: 'project',
        project_id: project.id,
        events: PROJECT_KEYS,
        description,
      });
      expect((await hook(ok, secrets.duplicate, withDescription(duplicate))).status).toBe(201);
      expect((await hook(ok, secrets.duplicate, withDescription(duplicate))).status).toBe(400);
      expect(
        (
          await send(
            'PATCH',
            `/api/webhooks/${signed.id}`,
            { secret: secrets.duplicate, description: duplicate },
            as,
          )
        ).status,
      ).toBe(400);
      expect((await hook(ok, secrets.failingStatement, withDescription(refusedDescription))).status).toBe(
        500,
      );
      expect(
        (
          await send(
            'PATCH',
            `/api/webhooks/${signed.id}`,
            { secret: secrets.failingStatement, description: refusedDescription },
            as,
          )
        ).status,
      ).toBe(500);
    } finally {
      await db.execute(sql`alter table webhooks drop constraint leak_test_check`);
      await db.execute(sql`drop index leak_test_secret`);
    }
    // The failures were logged, so the log check below is not vacuous.
    expect(logs.join('\n')).toMatch(
      /"component":"api".*"message":"[^\n]*violates check constraint.*"msg":"unexpected error"/,
    );

    const [{ passwordHash }] = await db
      .select({ passwordHash: users.passwordHash })
      .from(users)
      .where(eq(users.username, username));
    const needles = { password, 'password hash': passwordHash.split('$').at(-1)!, ...secrets };
    const mine = hooks.map((h) => h.id);
    const stored = await recordedRows(mine);
    // Signed attempts were kept, so the check below is not vacuous.
    expect(stored.attempts.some((row) => row.signatures !== null)).toBe(true);
    const deliveryRows = [...stored.messages, ...stored.series, ...stored.attempts];
    const received = pool
      .started()
      .flatMap((r) => r.received.map((x) => `${JSON.stringify(x.headers)} ${x.body}`));
    // Encrypted at rest: the webhook rows themselves hold no piece of a secret either.
    const webhookRows = await queryRows<Record<string, unknown>>(
      db,
      sql`select * from webhooks where owner_id = (select id from users where username = ${username})`,
    );
    expect(webhookRows.filter((row) => row.secret !== null).length).toBeGreaterThan(3);
    const places = {
      responses: replies,
      logs,
      'delivery rows': deliveryRows.map((row) => JSON.stringify(row)),
      'webhook rows': webhookRows.map((row) => JSON.stringify(row)),
      'requests received': received,
    };
    const basic = Buffer.from(`${username}:${password}`).toString('base64');
    const leaks: string[] = [];
    for (const [place, texts] of Object.entries(places)) {
      for (const text of texts) {
        if (text.includes(basic) || text.includes(passwordHash))
          leaks.push(`credentials in ${place}: ${text.slice(0, 300)}`);
        for (const [what, needle] of Object.entries(needles)) {
          const piece = pieces(needle).find((p) => text.includes(p));
          if (piece)
            leaks.push(
              `${what} (${piece}) in ${place}: ${text.slice(Math.max(0, text.indexOf(piece) - 150), text.indexOf(piece) + 150)}`,
            );
        }
      }
    }
    expect(leaks).toEqual([]);
  });
});
