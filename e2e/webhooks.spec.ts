import { createHmac } from 'node:crypto';
import { create, expect, test as base } from './fixtures';
import { actionDone, chooseAndConfirm } from './page-helpers';
import { shoot } from './shoot';

// "Setup webhooks" as the seed document tells a person to do it: a project owner adds a project
// webhook from the project's Actions menu, pings it and reads its deliveries; an organization
// maintainer adds an organization webhook, watches it fail and retry, then redelivers; a worker is
// not offered "+"; a cleared secret stops the signature.

const signature = (secret: string, body: string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

// The events the owner picks in the form: the Task group and update:project.
const PICKED = ['create:task', 'delete:task', 'update:project', 'update:task'];

type Roads = { id: number; name: string; taskId: number; taskName: string; secret: string };
type Hook = { id: number; secret: string };

const test = base.extend<{ project: Roads; projectHook: Hook; orgHook: Hook }>({
  /** A project of the organization, with a task in it. */
  project: async ({ api, org }, provide) => {
    const name = `Roads ${org.suffix}`;
    const project = await create(
      api,
      org.owner,
      '/api/projects',
      { name, labels: [{ name: 'car' }] },
      org.slug,
    );
    const taskName = `Batch ${org.suffix}`;
    const task = await create(
      api,
      org.owner,
      '/api/tasks',
      { name: taskName, project_id: project.id },
      org.slug,
    );
    await provide({ id: project.id, name, taskId: task.id, taskName, secret: `e2e-secret-${org.suffix}` });
  },
  /** The project webhook the owner adds in the first test, made through the API. */
  projectHook: async ({ api, org, project, receiver }, provide) => {
    const hook = await create(
      api,
      org.owner,
      '/api/webhooks',
      {
        target_url: receiver.url,
        type: 'project',
        project_id: project.id,
        description: 'Project hook',
        events: PICKED,
        secret: project.secret,
      },
      org.slug,
    );
    await provide({ id: hook.id, secret: project.secret });
  },
  /** An organization webhook for update:organization, added by the maintainer. */
  orgHook: async ({ api, org, maintainer, receiver }, provide) => {
    const hook = await create(
      api,
      maintainer,
      '/api/webhooks',
      {
        target_url: `${receiver.url}?org`,
        type: 'organization',
        description: 'Organization hook',
        events: ['update:organization'],
      },
      org.slug,
    );
    await provide({ id: hook.id, secret: '' });
  },
});

test.use({ actionTimeout: 15_000 });

test('a project owner adds a project webhook from the Actions menu, picking events', async ({
  api,
  org,
  project,
  receiver,
  ownerPage: o,
}) => {
  test.setTimeout(90_000);
  await o.goto(`/projects/${project.id}`);
  await expect(o.getByRole('heading', { name: project.name })).toBeVisible();
  await o.getByRole('button', { name: 'Actions' }).click();
  await o.getByRole('menuitem', { name: 'Setup webhooks' }).click();
  await expect(o).toHaveURL(new RegExp(`/projects/${project.id}/webhooks$`));
  await expect(o.getByText('No webhooks yet')).toBeVisible();
  await o.getByRole('link', { name: 'Add a webhook' }).click();
  await expect(o).toHaveURL(new RegExp(`/webhooks/create\\?projectId=${project.id}$`));
  await expect(o.getByRole('heading', { name: 'Setup a webhook' })).toBeVisible();
  // The project is chosen; an empty target URL is refused with the form's words.
  await expect(
    o.locator('.ant-select-content, .ant-select-selection-item').filter({ hasText: project.name }).first(),
  ).toBeVisible();
  await o.getByRole('button', { name: 'Submit' }).click();
  await expect(o.getByText('Target URL cannot be empty')).toBeVisible();
  await o.getByLabel('Target URL').fill(receiver.url);
  await o.getByLabel('Description', { exact: true }).fill('Project hook');
  await expect(o.getByLabel('Enable SSL')).toBeChecked();
  await expect(o.getByText('Verify SSL certificates when delivering payloads')).toBeVisible();
  await expect(o.getByLabel('Active')).toBeChecked();
  await expect(o.getByLabel('Send everything')).toBeChecked();
  await o.getByLabel('Secret', { exact: true }).fill(project.secret);
  await o.getByLabel('Select individual events').check();
  const events = o.getByRole('group', { name: 'Events to send' });
  // A project webhook: no organization events, and no create:project.
  await expect(events.getByTestId('event-group-Organization')).toHaveCount(0);
  await expect(events.getByLabel('create:project')).toHaveCount(0);
  await events.getByLabel('Task', { exact: true }).check();
  await expect(events.getByLabel('update:task')).toBeChecked();
  await events.getByLabel('update:project').check();
  const projectGroup = events.getByLabel('Project', { exact: true });
  await expect(projectGroup).not.toBeChecked();
  await expect(events.getByTestId('event-group-Project').locator('.ant-checkbox-indeterminate')).toHaveCount(
    1,
  );
  await shoot(o, 'webhook-form', { mobile: true });
  const created = actionDone(o);
  await o.getByRole('button', { name: 'Submit' }).click();
  await created;
  await expect(o.getByText('Webhook has been successfully added')).toBeVisible();
  const hook = (await api(org.owner, 'get', `/api/webhooks?project_id=${project.id}`)).body.results[0];
  await expect(o).toHaveURL(new RegExp(`/projects/${project.id}/webhooks$`));
  expect(hook).toMatchObject({ type: 'project', project_id: project.id, events: PICKED });
  const row = o.getByTestId(`webhook-${hook.id}`);
  await expect(row).toContainText(`#${hook.id}: Project hook`);
  await expect(row.locator('xpath=ancestor::tr')).toContainText('Task');
  await expect(row.locator('xpath=ancestor::tr')).toContainText('update:project');
  await expect(o.getByTestId(`status-${hook.id}`)).toHaveAttribute('data-health', 'unknown');
});

test('Ping turns the dot green from the answer, and the receiver gets the ping signed', async ({
  project,
  projectHook,
  receiver,
  ownerPage: o,
}) => {
  test.setTimeout(75_000);
  await o.goto(`/projects/${project.id}/webhooks`);
  await expect(o.getByTestId(`status-${projectHook.id}`)).toHaveAttribute('data-health', 'unknown');
  // The list is then refetched for the endpoint's health.
  await o.getByRole('button', { name: `Ping webhook ${projectHook.id}` }).click();
  await expect(o.getByTestId(`status-${projectHook.id}`)).toHaveAttribute('data-health', 'ok');
  await expect(o.getByText('Ping delivered: 200')).toBeVisible();
  const pinged = await receiver.arrived(
    (r) => r.json?.event === 'ping' && r.json?.webhook?.id === projectHook.id,
  );
  expect(pinged.headers['x-signature-256']).toBe(signature(projectHook.secret, pinged.body));
  await shoot(o, 'webhooks-list', { mobile: true });
});

test("a renamed task is delivered signed; the webhook's page shows the series, its attempt and the payload", async ({
  api,
  org,
  project,
  projectHook,
  receiver,
  ownerPage: o,
}) => {
  test.setTimeout(90_000);
  expect((await api(org.owner, 'post', `/api/webhooks/${projectHook.id}/ping`)).status).toBe(200);
  expect(
    (await api(org.owner, 'patch', `/api/tasks/${project.taskId}`, { name: `${project.taskName} v2` }))
      .status,
  ).toBe(200);
  const renamed = await receiver.arrived(
    (r) => r.json?.event === 'update:task' && r.json?.webhook_id === projectHook.id,
  );
  expect(renamed.headers['x-signature-256']).toBe(signature(projectHook.secret, renamed.body));
  expect(renamed.json.before_update).toEqual({ name: project.taskName });
  await o.goto(`/projects/${project.id}/webhooks`);
  await o.getByRole('link', { name: `#${projectHook.id}: Project hook` }).click();
  await expect(o).toHaveURL(new RegExp(`/webhooks/${projectHook.id}$`));
  // One row per event (series), expanding to its attempts.
  const series = o.locator('[data-testid^="series-"]');
  const updateRow = series.filter({ hasText: 'update:task' });
  await expect(updateRow).toHaveCount(1);
  await expect(updateRow).toContainText('delivered');
  await expect(updateRow).toContainText('200');
  await expect(updateRow).toContainText(`task #${project.taskId}`);
  await expect(series.filter({ hasText: 'ping' })).toHaveCount(1);
  await expect(o.getByTestId('deliveries-chart')).toHaveAttribute('aria-label', /2 successful and 0 failed/);
  await shoot(o, 'webhook-deliveries', { mobile: true });
  await updateRow.click();
  const attempts = o.getByRole('table', { name: /^Attempts of update:task/ });
  await expect(attempts.locator('[data-testid^="delivery-"]')).toHaveCount(1);
  await attempts.locator('[data-testid^="delivery-"]').first().click();
  const drawer = o.getByTestId('delivery-drawer');
  await expect(drawer).toBeVisible();
  await expect(drawer.getByTestId('request-body')).toContainText('"before_update": {');
  await expect(drawer.getByTestId('request-body')).toContainText(`"name": "${project.taskName} v2"`);
  await expect(drawer).toContainText(`x-signature-256: ${renamed.headers['x-signature-256']}`);
  await expect(drawer).toContainText('x-receiver: e2e');
  await expect(drawer.getByTestId('response-body')).toHaveText('ok');
  await shoot(o, 'webhook-drawer', { mobile: true, fullPage: false });
  await o.keyboard.press('Escape');
  await expect(drawer).toBeHidden();
  // The verify panel shows the signature check.
  await o.getByRole('button', { name: 'How to verify a delivery' }).click();
  await expect(o.getByText('crypto.timingSafeEqual(received, expected)', { exact: false })).toBeVisible();
});

test('an organization maintainer adds an organization webhook that sends everything', async ({
  api,
  org,
  maintainer,
  receiver,
  maintainerPage: m,
}) => {
  test.setTimeout(75_000);
  await m.goto(`/organizations/${org.slug}`);
  await m.getByRole('button', { name: 'Actions' }).click();
  await m.getByRole('menuitem', { name: 'Setup webhooks' }).click();
  await expect(m).toHaveURL(new RegExp(`/organizations/${org.slug}/webhooks$`));
  await m.getByRole('link', { name: 'Add a webhook' }).click();
  await expect(m).toHaveURL(/\/webhooks\/create\?org=/);
  await m.getByLabel('Target URL').fill(`${receiver.url}?org`);
  await m.getByLabel('Description', { exact: true }).fill('Organization hook');
  await expect(m.getByLabel('Send everything')).toBeChecked();
  const created = actionDone(m);
  await m.getByRole('button', { name: 'Submit' }).click();
  await created;
  await expect(m.getByText('Webhook has been successfully added')).toBeVisible();
  const hook = (await api(maintainer, 'get', '/api/webhooks?type=organization', undefined, org.slug)).body
    .results[0];
  await expect(m).toHaveURL(new RegExp(`/organizations/${org.slug}/webhooks$`));
  expect(hook.type).toBe('organization');
  expect(hook.events).toHaveLength(21);
  await expect(m.getByTestId(`webhook-${hook.id}`)).toBeVisible();
  await expect(m.getByTestId(`webhook-${hook.id}`).locator('xpath=ancestor::tr')).toContainText('Membership');
});

test('a failing receiver: the attempt and its retries are recorded, a redelivery succeeds, outcomes filter', async ({
  api,
  org,
  orgHook,
  receiver,
  maintainerPage: m,
}) => {
  test.setTimeout(120_000);
  receiver.answerWith(500);
  expect(
    (await api(org.owner, 'patch', `/api/organizations/${org.id}`, { description: 'Changed' })).status,
  ).toBe(200);
  await receiver.arrived((r) => r.json?.event === 'update:organization');
  await m.goto(`/organizations/${org.slug}/webhooks`);
  await m.getByRole('link', { name: `#${orgHook.id}: Organization hook` }).click();
  await expect(m).toHaveURL(new RegExp(`/webhooks/${orgHook.id}$`));
  const series = m.locator('[data-testid^="series-"]');
  const original = series.filter({ hasText: 'update:organization' }).filter({ hasNotText: 'redelivery' });
  // Its first attempt failed; the series waits for its retry and says when.
  await expect(original).toContainText('500');
  await expect(original).toContainText(/pending|failed/);
  await expect(m.getByTestId(`status-${orgHook.id}`)).toHaveAttribute('data-health', /failing|unknown/);
  // The retries (2 s apart, 4 attempts in all) fail too; then the receiver is fixed.
  await expect
    .poll(() => receiver.received.filter((r) => r.json?.event === 'update:organization').length, {
      timeout: 30_000,
    })
    .toBe(4);
  await expect(original).toContainText('failed', { timeout: 15_000 });
  await original.click();
  const attempts = m.getByRole('table', { name: /^Attempts of update:organization/ });
  await expect(attempts.locator('[data-testid^="delivery-"]')).toHaveCount(4);
  await expect(attempts).toContainText('#4');
  receiver.answerWith(200);
  const redelivered = actionDone(m);
  await original.getByRole('button', { name: /Redeliver/ }).click();
  await redelivered;
  await expect(m.getByText(/queued again/)).toBeVisible();
  const redeliveryRow = series.filter({ hasText: 'redelivery' }).filter({ hasText: 'delivered' });
  await expect(redeliveryRow.first()).toBeVisible({ timeout: 20_000 });
  await expect(redeliveryRow.first()).toContainText('200');
  // The dot in the heading follows the newest attempt.
  await expect(m.getByTestId(`status-${orgHook.id}`)).toHaveAttribute('data-health', 'ok');
  await shoot(m, 'webhook-deliveries-retried', { mobile: true });
  // Filter by outcome (server-side): failures only, then successes only.
  await chooseAndConfirm(m, 'Filter by outcome', 'Failed');
  await expect(series.filter({ hasText: 'delivered' })).toHaveCount(0);
  await expect(series.filter({ hasText: 'failed' }).first()).toBeVisible();
  await chooseAndConfirm(m, 'Filter by outcome', 'Delivered');
  await expect(series.filter({ hasText: 'failed' })).toHaveCount(0);
  await expect(series.filter({ hasText: 'redelivery' }).first()).toBeVisible();
});

test('a worker is not offered "+" for organization webhooks, the API refuses them, and they may not open one', async ({
  api,
  org,
  worker,
  orgHook,
  receiver,
  workerPage: w,
}) => {
  test.setTimeout(60_000);
  await w.goto(`/organizations/${org.slug}/webhooks`);
  await expect(w.getByRole('heading', { name: 'Webhooks' })).toBeVisible();
  await expect(w.getByText('No webhooks you may see')).toBeVisible();
  await expect(w.getByRole('link', { name: 'Add a webhook' })).toHaveCount(0);
  const refused = await api(
    worker,
    'post',
    '/api/webhooks',
    { target_url: receiver.url, type: 'organization', events: ['update:task'] },
    org.slug,
  );
  expect(refused.status).toBe(403);
  await w.goto(`/webhooks/${orgHook.id}`);
  await expect(w.getByText('You are not allowed to see this')).toBeVisible();
});

test('clearing the secret in the edit form: the next ping is not signed', async ({
  project,
  projectHook,
  receiver,
  ownerPage: o,
}) => {
  test.setTimeout(75_000);
  await o.goto(`/projects/${project.id}/webhooks`);
  await o.getByRole('link', { name: `Edit webhook ${projectHook.id}` }).click();
  await expect(o).toHaveURL(new RegExp(`/webhooks/${projectHook.id}\\?tab=settings$`));
  await expect(o.getByLabel('Target URL')).toHaveValue(receiver.url);
  await expect(o.getByLabel('Select individual events')).toBeChecked();
  await o.getByRole('button', { name: 'Clear' }).click();
  await expect(o.getByText('The secret will be removed when you save')).toBeVisible();
  const patched = actionDone(o);
  await o.getByRole('button', { name: 'Submit' }).click();
  // The action's arguments are React's encoding of the same body the REST PATCH took.
  expect((await patched).request().postData()).toContain('"secret":""');
  await expect(o.getByText('Webhook has been successfully updated')).toBeVisible();
  await expect(o).toHaveURL(new RegExp(`/projects/${project.id}/webhooks$`));
  await o.getByRole('button', { name: `Ping webhook ${projectHook.id}` }).click();
  await expect(o.getByText('Ping delivered: 200')).toBeVisible();
  const unsigned = await receiver.arrived((r) => r.json?.event === 'ping');
  expect(unsigned.headers['x-signature-256']).toBeUndefined();
  expect(unsigned.headers['webhook-signature']).toBeUndefined();
});
