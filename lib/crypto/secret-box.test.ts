import { createHmac, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { queryRows } from '@/db/raw';
import { api, createUser, type TestUser } from '@/lib/testing/test-api';
import { createProjectWebhook, receiverPool } from '@/lib/testing/webhook-helpers';
import { sealStoredSecrets } from '@/lib/webhooks/seal-stored-secrets';
import { openSecret, sealSecret, SecretUnreadableError } from './secret-box';

/**
 * Webhook secrets at rest (security.md, "Secrets"): what the database holds is sealed with
 * HERALD_ENCRYPTION_KEY, so that a dump of it cannot sign a delivery; deliveries are still signed with the
 * secret as the user typed it, and secrets stored before encryption are sealed at start.
 */
const pool = receiverPool();
let owner: TestUser;
let projectId: number;
afterAll(() => pool.closeAll());
beforeAll(async () => {
  owner = await createUser('sb');
  projectId = (await api.post('/api/projects?org_id=', { name: 'sealed' }, { as: owner })).body.id;
});

const storedOf = async (id: number) =>
  (
    await queryRows<{ secret: string | null; previous: string | null }>(
      await getDb(),
      sql`select secret, previous_secret as previous from webhooks where id = ${id}`,
    )
  )[0];

const cvatSignature = (secret: string, body: string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('webhook secrets at rest', () => {
  it('are stored sealed, never as typed, and still sign every delivery with the secret typed', async () => {
    const receiver = await pool.start();
    const secret = `typed-${randomBytes(12).toString('hex')}`;
    const hook = await createProjectWebhook(owner, projectId, receiver.url, undefined, { secret });
    const stored = await storedOf(hook.id);
    expect(stored.secret).toMatch(/^hsb1:/);
    expect(stored.secret).not.toContain(secret);
    // Sealing twice gives two different values (a fresh nonce each time): equal secrets do not show as equal rows.
    expect(sealSecret(secret)).not.toBe(sealSecret(secret));

    expect((await api.post(`/api/webhooks/${hook.id}/ping`, undefined, { as: owner })).status).toBe(200);
    const [ping] = receiver.received;
    expect(ping.headers['x-signature-256']).toBe(cvatSignature(secret, ping.body));

    // Rotation keeps the old secret, sealed too, signing beside the new one.
    const next = `next-${randomBytes(12).toString('hex')}`;
    expect((await api.patch(`/api/webhooks/${hook.id}`, { secret: next }, { as: owner })).status).toBe(200);
    const rotated = await storedOf(hook.id);
    expect(rotated.previous).toBe(stored.secret);
    expect(openSecret(rotated.secret)).toBe(next);
    // Sending the same secret again is no rotation.
    expect((await api.patch(`/api/webhooks/${hook.id}`, { secret: next }, { as: owner })).status).toBe(200);
    expect((await storedOf(hook.id)).previous).toBe(stored.secret);
  });

  it('cannot be opened with another key: a database dump alone signs nothing', async () => {
    const sealed = sealSecret('whsec_dump-me');
    const original = process.env.HERALD_ENCRYPTION_KEY;
    process.env.HERALD_ENCRYPTION_KEY = randomBytes(32).toString('base64url');
    try {
      expect(() => openSecret(sealed)).toThrow(SecretUnreadableError);
    } finally {
      process.env.HERALD_ENCRYPTION_KEY = original;
    }
    // Nor once altered in the database: the tag no longer matches.
    const altered = sealed.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect(() => openSecret(altered)).toThrow(SecretUnreadableError);
    expect(openSecret(sealed)).toBe('whsec_dump-me');
  });

  it('stored in plain text by an earlier version are sealed at start and keep signing', async () => {
    const receiver = await pool.start();
    const hook = await createProjectWebhook(owner, projectId, receiver.url);
    const legacy = `legacy-${randomBytes(12).toString('hex')}`;
    const db = await getDb();
    await db.execute(
      sql`update webhooks set secret = ${legacy}, previous_secret = ${`${legacy}-old`}, previous_secret_expires = now() + interval '1 hour' where id = ${hook.id}`,
    );

    expect(await sealStoredSecrets(db)).toBeGreaterThanOrEqual(1);
    const stored = await storedOf(hook.id);
    expect(stored.secret).toMatch(/^hsb1:/);
    expect(stored.previous).toMatch(/^hsb1:/);
    expect(JSON.stringify(stored)).not.toContain(legacy);
    expect(await sealStoredSecrets(db)).toBe(0);

    expect((await api.post(`/api/webhooks/${hook.id}/ping`, undefined, { as: owner })).status).toBe(200);
    const [ping] = receiver.received;
    expect(ping.headers['x-signature-256']).toBe(cvatSignature(legacy, ping.body));
    expect(String(ping.headers['webhook-signature']).split(' ')).toHaveLength(2);
  });
});
