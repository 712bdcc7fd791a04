import { createHmac } from 'node:crypto';
import { expect, test, type Request } from '@playwright/test';
import { startReceiver, type Received } from '../lib/testing/receiver';
import { actionDone, signIn } from './support';

// The webhook form, a project rename, Ping and Redeliver go through Next.js server actions, not REST calls
// from the page (reads may still fetch /api): the form's messages are the same, and the events they cause
// reach a receiver on 127.0.0.1, signed. Every page load finds its favicon.

const suffix = Math.random().toString(36).slice(2, 8);
const rita = {
  username: `rita-${suffix}`,
  email: `rita-${suffix}@example.test`,
  password: 'rita-password-1',
};
const SECRET = `actions-secret-${suffix}`;
const basic = {
  authorization: `Basic ${Buffer.from(`${rita.username}:${rita.password}`).toString('base64')}`,
};
const signature = (body: string) => `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;

test.use({ actionTimeout: 15_000 });

test('webhook form, rename, Ping and Redeliver are server actions whose events arrive at the receiver', async ({
  browser,
  request,
}) => {
  test.setTimeout(120_000);
  const receiver = await startReceiver((_req, res) => res.end('ok'));
  try {
    expect(
      (
        await request.post('/api/auth/register', {
          data: {
            username: rita.username,
            email: rita.email,
            password1: rita.password,
            password2: rita.password,
          },
        })
      ).status(),
    ).toBe(201);
    const project = await (
      await request.post('/api/projects?org_id=', {
        headers: basic,
        data: { name: `Actions ${suffix}`, labels: [{ name: 'car' }] },
      })
    ).json();
    const arrived = (pred: (r: Received) => boolean) =>
      expect
        .poll(() => receiver.received.filter(pred).length, { timeout: 15_000 })
        .toBeGreaterThan(0)
        .then(() => receiver.received.filter(pred));

    const page = await signIn(browser, rita);
    const writes: string[] = [];
    const actions: Request[] = [];
    const missingIcons: string[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (r.headers()['next-action']) actions.push(r);
      else if (
        url.pathname.startsWith('/api/') &&
        !url.pathname.startsWith('/api/auth/') &&
        r.method() !== 'GET'
      )
        writes.push(`${r.method()} ${url.pathname}`);
    });
    page.on('response', (r) => {
      if (new URL(r.url()).pathname === '/favicon.ico' && r.status() !== 200)
        missingIcons.push(`${r.status()} ${r.url()}`);
    });

    // The form: a server-side refusal lands on its field; then the webhook is added.
    await page.goto(`/webhooks/create?projectId=${project.id}`);
    await expect(page.getByRole('heading', { name: 'Setup a webhook' })).toBeVisible();
    await page.getByLabel('Target URL').fill('http://127.0.0.2:9/refused');
    let done = actionDone(page);
    await page.getByRole('button', { name: 'Submit' }).click();
    await done;
    await expect(
      page
        .locator('.ant-form-item')
        .filter({ has: page.getByLabel('Target URL') })
        .locator('.ant-form-item-explain-error'),
    ).toContainText(/./);
    await page.getByLabel('Target URL').fill(receiver.url);
    await page.getByLabel('Description', { exact: true }).fill('Through actions');
    await page.getByLabel('Secret', { exact: true }).fill(SECRET);
    done = actionDone(page);
    await page.getByRole('button', { name: 'Submit' }).click();
    await done;
    await expect(page.getByText('Webhook has been successfully added')).toBeVisible();
    await expect(page).toHaveURL(new RegExp(`/projects/${project.id}/webhooks$`));
    const hook = (
      await (await request.get(`/api/webhooks?project_id=${project.id}`, { headers: basic })).json()
    ).results[0];
    expect(hook).toMatchObject({ target_url: receiver.url, description: 'Through actions', type: 'project' });

    // Ping: sent within the action, the dot turns green from its answer, the receiver has it signed.
    done = actionDone(page);
    await page.getByRole('button', { name: `Ping webhook ${hook.id}` }).click();
    await done;
    await expect(page.getByText('Ping delivered: 200')).toBeVisible();
    await expect(page.getByTestId(`status-${hook.id}`)).toHaveAttribute('data-health', 'ok');
    const [ping] = await arrived((r) => r.json?.event === 'ping');
    expect(ping.json.webhook.id).toBe(hook.id);
    expect(ping.headers['x-signature-256']).toBe(signature(ping.body));

    // A rename from the project page: update:project is delivered right after the action's commit.
    await page.goto(`/projects/${project.id}`);
    await page.getByRole('button', { name: 'Actions' }).click();
    await page.getByRole('menuitem', { name: 'Edit' }).click();
    await page.getByLabel('Name').fill(`Actions ${suffix} renamed`);
    done = actionDone(page);
    await page.getByRole('button', { name: 'Save' }).click();
    await done;
    await expect(page.getByRole('heading', { name: `Actions ${suffix} renamed` })).toBeVisible();
    const [update] = await arrived((r) => r.json?.event === 'update:project');
    expect(update.json.before_update).toEqual({ name: `Actions ${suffix}` });
    expect(update.json.sender.username).toBe(rita.username);
    expect(update.headers['x-signature-256']).toBe(signature(update.body));

    // Redeliver the update from the webhook's page: the same payload arrives again.
    await page.goto(`/webhooks/${hook.id}`);
    const series = page.locator('[data-testid^="series-"]');
    const row = series.filter({ hasText: 'update:project' }).filter({ hasText: 'delivered' }).first();
    await expect(row).toBeVisible();
    done = actionDone(page);
    await row.getByRole('button', { name: /Redeliver/ }).click();
    await done;
    await expect(page.getByText(/queued again/)).toBeVisible();
    await expect
      .poll(() => receiver.received.filter((r) => r.json?.event === 'update:project').length, {
        timeout: 15_000,
      })
      .toBe(2);
    const again = receiver.received.filter((r) => r.json?.event === 'update:project')[1];
    expect(again.json).toEqual(update.json);
    expect(again.headers['x-signature-256']).toBe(signature(again.body));
    await expect(series.filter({ hasText: 'redelivery' }).first()).toBeVisible({ timeout: 15_000 });

    // None of it was a REST write from the page; each was a server action (refused save, save, ping, rename, redeliver).
    expect(writes).toEqual([]);
    expect(actions.length).toBeGreaterThanOrEqual(5);
    expect(missingIcons).toEqual([]);
    const icon = await request.get('/favicon.ico');
    expect(icon.status()).toBe(200);
    expect(icon.headers()['content-type']).toMatch(/image/);
    expect((await request.get('/logo.svg')).status()).toBe(200);
    await page.context().close();
  } finally {
    await receiver.close();
  }
});
