import { createHmac } from 'node:crypto';
import type { Page, Request } from '@playwright/test';
import { create, expect, test as base } from './fixtures';
import { actionDone } from './page-helpers';

// The webhook form, a project rename, Ping and Redeliver go through Next.js server actions, not REST calls
// from the page (reads may still fetch /api): the form's messages are the same, and the events they cause
// reach a receiver on 127.0.0.1, signed. Every page load finds its favicon.

/** What the page sent: REST writes (there should be none), server actions, and favicon loads that failed. */
type Traffic = { writes: string[]; actions: Request[]; missingIcons: string[] };

function recordTraffic(page: Page): Traffic {
  const traffic: Traffic = { writes: [], actions: [], missingIcons: [] };
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (r.headers()['next-action']) traffic.actions.push(r);
    else if (
      url.pathname.startsWith('/api/') &&
      !url.pathname.startsWith('/api/auth/') &&
      r.method() !== 'GET'
    )
      traffic.writes.push(`${r.method()} ${url.pathname}`);
  });
  page.on('response', (r) => {
    if (new URL(r.url()).pathname === '/favicon.ico' && r.status() !== 200)
      traffic.missingIcons.push(`${r.status()} ${r.url()}`);
  });
  return traffic;
}

/** The page wrote only through server actions (at least `actions` of them), and found its favicon. */
function expectOnlyServerActions(traffic: Traffic, actions: number) {
  expect(traffic.writes).toEqual([]);
  expect(traffic.actions.length).toBeGreaterThanOrEqual(actions);
  expect(traffic.missingIcons).toEqual([]);
}

type Project = { id: number; name: string; secret: string };
type Hook = { id: number };

const test = base.extend<{ project: Project; hook: Hook; traffic: Traffic }>({
  project: async ({ api, person }, provide) => {
    const name = `Actions ${person.username}`;
    const project = await create(api, person, '/api/projects?org_id=', { name, labels: [{ name: 'car' }] });
    await provide({ id: project.id, name, secret: `actions-secret-${person.username}` });
  },
  hook: async ({ api, person, project, receiver }, provide) => {
    const hook = await create(api, person, '/api/webhooks', {
      target_url: receiver.url,
      description: 'Through actions',
      type: 'project',
      project_id: project.id,
      events: ['update:project'],
      secret: project.secret,
    });
    await provide({ id: hook.id });
  },
  // The signed-in person's page, its traffic recorded from the first load after sign-in.
  traffic: async ({ personPage }, provide) => {
    await provide(recordTraffic(personPage));
  },
});

const signature = (secret: string, body: string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

test.use({ actionTimeout: 15_000 });

test('the webhook form is a server action: a server-side refusal lands on its field, then the webhook is added', async ({
  api,
  person,
  project,
  receiver,
  personPage: page,
  traffic,
}) => {
  test.setTimeout(75_000);
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
  await page.getByLabel('Secret', { exact: true }).fill(project.secret);
  done = actionDone(page);
  await page.getByRole('button', { name: 'Submit' }).click();
  await done;
  await expect(page.getByText('Webhook has been successfully added')).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/projects/${project.id}/webhooks$`));
  const hook = (await api(person, 'get', `/api/webhooks?project_id=${project.id}`)).body.results[0];
  expect(hook).toMatchObject({ target_url: receiver.url, description: 'Through actions', type: 'project' });
  // Not a REST write from the page: two server actions (the refused save, the save).
  expectOnlyServerActions(traffic, 2);
});

test('Ping is a server action: the dot turns green from its answer, the receiver has it signed', async ({
  project,
  hook,
  receiver,
  personPage: page,
  traffic,
}) => {
  test.setTimeout(60_000);
  await page.goto(`/projects/${project.id}/webhooks`);
  const done = actionDone(page);
  await page.getByRole('button', { name: `Ping webhook ${hook.id}` }).click();
  await done;
  await expect(page.getByText('Ping delivered: 200')).toBeVisible();
  await expect(page.getByTestId(`status-${hook.id}`)).toHaveAttribute('data-health', 'ok');
  // Sent within the action: the ping is there already, signed.
  const ping = await receiver.arrived((r) => r.json?.event === 'ping');
  expect(ping.json.webhook.id).toBe(hook.id);
  expect(ping.headers['x-signature-256']).toBe(signature(project.secret, ping.body));
  expectOnlyServerActions(traffic, 1);
});

test('a rename from the project page is a server action; update:project is delivered right after its commit', async ({
  person,
  project,
  hook,
  receiver,
  personPage: page,
  traffic,
}) => {
  test.setTimeout(60_000);
  await page.goto(`/projects/${project.id}`);
  await page.getByRole('button', { name: 'Actions' }).click();
  await page.getByRole('menuitem', { name: 'Edit' }).click();
  await page.getByLabel('Name').fill(`${project.name} renamed`);
  const done = actionDone(page);
  await page.getByRole('button', { name: 'Save' }).click();
  await done;
  await expect(page.getByRole('heading', { name: `${project.name} renamed` })).toBeVisible();
  const update = await receiver.arrived((r) => r.json?.event === 'update:project');
  expect(update.json.webhook_id).toBe(hook.id);
  expect(update.json.before_update).toEqual({ name: project.name });
  expect(update.json.sender.username).toBe(person.username);
  expect(update.headers['x-signature-256']).toBe(signature(project.secret, update.body));
  expectOnlyServerActions(traffic, 1);
});

test("Redeliver on the webhook's page is a server action: the same payload arrives again, signed", async ({
  api,
  person,
  project,
  hook,
  receiver,
  personPage: page,
  traffic,
}) => {
  test.setTimeout(75_000);
  expect(
    (await api(person, 'patch', `/api/projects/${project.id}`, { name: `${project.name} v2` })).status,
  ).toBe(200);
  const update = await receiver.arrived((r) => r.json?.event === 'update:project');
  await page.goto(`/webhooks/${hook.id}`);
  const series = page.locator('[data-testid^="series-"]');
  const row = series.filter({ hasText: 'update:project' }).filter({ hasText: 'delivered' }).first();
  await expect(row).toBeVisible();
  const done = actionDone(page);
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
  expect(again.headers['x-signature-256']).toBe(signature(project.secret, again.body));
  await expect(series.filter({ hasText: 'redelivery' }).first()).toBeVisible({ timeout: 15_000 });
  expectOnlyServerActions(traffic, 1);
});

test('the favicon and the logo are served', async ({ request }) => {
  test.setTimeout(30_000);
  const icon = await request.get('/favicon.ico');
  expect(icon.status()).toBe(200);
  expect(icon.headers()['content-type']).toMatch(/image/);
  expect((await request.get('/logo.svg')).status()).toBe(200);
});
