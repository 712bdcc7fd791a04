import { createHmac } from 'node:crypto';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { startReceiver, type Received, type Receiver } from '../lib/testing/receiver';
import { actionDone, shoot, signIn } from './support';

// "Setup webhooks" as the seed document tells a person to do it: a project owner adds a project
// webhook from the project's Actions menu, pings it and reads its deliveries; an organization
// maintainer adds an organization webhook, watches it fail and retry, then redelivers; a worker is
// not offered "+"; a cleared secret stops the signature.

const suffix = Math.random().toString(36).slice(2, 8);
const people = {
  olga: { username: `olga-${suffix}`, password: 'olga-password-1', first_name: 'Olga', last_name: 'Owner' },
  mike: {
    username: `mike-${suffix}`,
    password: 'mike-password-1',
    first_name: 'Mike',
    last_name: 'Maintainer',
  },
  wendy: {
    username: `wendy-${suffix}`,
    password: 'wendy-password-1',
    first_name: 'Wendy',
    last_name: 'Worker',
  },
};
type Person = (typeof people)[keyof typeof people];
const orgSlug = `hooks-${suffix}`;
const SECRET = `e2e-secret-${suffix}`;

test.use({ actionTimeout: 15_000 });

const basic = (p: Person) => ({
  authorization: `Basic ${Buffer.from(`${p.username}:${p.password}`).toString('base64')}`,
});

async function apiAs(
  request: APIRequestContext,
  who: Person,
  method: 'get' | 'post' | 'patch',
  path: string,
  data?: unknown,
  org?: string,
) {
  const headers: Record<string, string> = { ...basic(who), ...(org ? { 'x-organization': org } : {}) };
  const res = await request[method](path, { headers, data });
  return { status: res.status(), body: await res.json().catch(() => null) };
}

const signature = (secret: string, body: string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

function arrived(receiver: Receiver, pred: (r: Received) => boolean): Promise<Received> {
  return expect
    .poll(() => receiver.received.find(pred), { timeout: 15_000 })
    .toBeTruthy()
    .then(() => receiver.received.find(pred)!);
}

test('setup webhooks: project and organization webhooks, ping, deliveries, retry, redelivery, permissions', async ({
  browser,
  request,
}) => {
  test.setTimeout(240_000);
  let status = 200;
  const receiver = await startReceiver((_req, res) => {
    res.writeHead(status, { 'content-type': 'text/plain', 'x-receiver': 'e2e' });
    res.end(status === 200 ? 'ok' : 'receiver is down');
  });
  try {
    // Three people: Olga owns the organization and a project in it; Mike maintains it, Wendy works in it.
    for (const p of Object.values(people)) {
      const res = await request.post('/api/auth/register', {
        data: {
          username: p.username,
          email: `${p.username}@example.test`,
          password1: p.password,
          password2: p.password,
          first_name: p.first_name,
          last_name: p.last_name,
        },
      });
      expect(res.status()).toBe(201);
    }
    const org = await apiAs(request, people.olga, 'post', '/api/organizations', {
      slug: orgSlug,
      name: `Hooks ${suffix}`,
    });
    expect(org.status).toBe(201);
    for (const [who, role] of [
      [people.mike, 'maintainer'],
      [people.wendy, 'worker'],
    ] as const) {
      const invited = await apiAs(
        request,
        people.olga,
        'post',
        '/api/invitations',
        { email: `${who.username}@example.test`, role },
        orgSlug,
      );
      expect(invited.status).toBe(201);
      expect((await apiAs(request, who, 'post', `/api/invitations/${invited.body.key}/accept`)).status).toBe(
        200,
      );
    }
    const project = await apiAs(
      request,
      people.olga,
      'post',
      '/api/projects',
      { name: `Roads ${suffix}`, labels: [{ name: 'car' }] },
      orgSlug,
    );
    expect(project.status).toBe(201);
    const task = await apiAs(
      request,
      people.olga,
      'post',
      '/api/tasks',
      { name: `Batch ${suffix}`, project_id: project.body.id },
      orgSlug,
    );
    expect(task.status).toBe(201);

    // --- For project: open the project, Actions > Setup webhooks, "+", fill the form, Submit.
    const o = await signIn(browser, people.olga);
    await o.goto(`/projects/${project.body.id}`);
    await expect(o.getByRole('heading', { name: `Roads ${suffix}` })).toBeVisible();
    await o.getByRole('button', { name: 'Actions' }).click();
    await o.getByRole('menuitem', { name: 'Setup webhooks' }).click();
    await expect(o).toHaveURL(new RegExp(`/projects/${project.body.id}/webhooks$`));
    await expect(o.getByText('No webhooks yet')).toBeVisible();
    await o.getByRole('link', { name: 'Add a webhook' }).click();
    await expect(o).toHaveURL(new RegExp(`/webhooks/create\\?projectId=${project.body.id}$`));
    await expect(o.getByRole('heading', { name: 'Setup a webhook' })).toBeVisible();
    // The project is chosen; an empty target URL is refused with the form's words.
    await expect(
      o
        .locator('.ant-select-content, .ant-select-selection-item')
        .filter({ hasText: `Roads ${suffix}` })
        .first(),
    ).toBeVisible();
    await o.getByRole('button', { name: 'Submit' }).click();
    await expect(o.getByText('Target URL cannot be empty')).toBeVisible();
    await o.getByLabel('Target URL').fill(receiver.url);
    await o.getByLabel('Description', { exact: true }).fill('Project hook');
    await expect(o.getByLabel('Enable SSL')).toBeChecked();
    await expect(o.getByText('Verify SSL certificates when delivering payloads')).toBeVisible();
    await expect(o.getByLabel('Active')).toBeChecked();
    await expect(o.getByLabel('Send everything')).toBeChecked();
    await o.getByLabel('Secret', { exact: true }).fill(SECRET);
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
    await expect(
      events.getByTestId('event-group-Project').locator('.ant-checkbox-indeterminate'),
    ).toHaveCount(1);
    await shoot(o, 'webhook-form', { mobile: true });
    const created = actionDone(o);
    await o.getByRole('button', { name: 'Submit' }).click();
    await created;
    await expect(o.getByText('Webhook has been successfully added')).toBeVisible();
    const projectHook = (
      await apiAs(request, people.olga, 'get', `/api/webhooks?project_id=${project.body.id}`)
    ).body.results[0];
    await expect(o).toHaveURL(new RegExp(`/projects/${project.body.id}/webhooks$`));
    expect(projectHook).toMatchObject({
      type: 'project',
      project_id: project.body.id,
      events: ['create:task', 'delete:task', 'update:project', 'update:task'],
    });
    const row = o.getByTestId(`webhook-${projectHook.id}`);
    await expect(row).toContainText(`#${projectHook.id}: Project hook`);
    await expect(row.locator('xpath=ancestor::tr')).toContainText('Task');
    await expect(row.locator('xpath=ancestor::tr')).toContainText('update:project');
    await expect(o.getByTestId(`status-${projectHook.id}`)).toHaveAttribute('data-health', 'unknown');

    // --- Ping: the dot turns green from the answer (the list is then refetched for the endpoint's health).
    await o.getByRole('button', { name: `Ping webhook ${projectHook.id}` }).click();
    await expect(o.getByTestId(`status-${projectHook.id}`)).toHaveAttribute('data-health', 'ok');
    await expect(o.getByText('Ping delivered: 200')).toBeVisible();
    const pinged = await arrived(
      receiver,
      (r) => r.json?.event === 'ping' && r.json?.webhook?.id === projectHook.id,
    );
    expect(pinged.headers['x-signature-256']).toBe(signature(SECRET, pinged.body));
    await shoot(o, 'webhooks-list', { mobile: true });

    // --- Rename the task: the update reaches the receiver, signed, and shows in the deliveries.
    expect(
      (
        await apiAs(request, people.olga, 'patch', `/api/tasks/${task.body.id}`, {
          name: `Batch ${suffix} v2`,
        })
      ).status,
    ).toBe(200);
    const renamed = await arrived(
      receiver,
      (r) => r.json?.event === 'update:task' && r.json?.webhook_id === projectHook.id,
    );
    expect(renamed.headers['x-signature-256']).toBe(signature(SECRET, renamed.body));
    expect(renamed.json.before_update).toEqual({ name: `Batch ${suffix}` });
    await o.getByRole('link', { name: `#${projectHook.id}: Project hook` }).click();
    await expect(o).toHaveURL(new RegExp(`/webhooks/${projectHook.id}$`));
    // One row per event (series), expanding to its attempts.
    const series = o.locator('[data-testid^="series-"]');
    const updateRow = series.filter({ hasText: 'update:task' });
    await expect(updateRow).toHaveCount(1);
    await expect(updateRow).toContainText('delivered');
    await expect(updateRow).toContainText('200');
    await expect(updateRow).toContainText(`task #${task.body.id}`);
    await expect(series.filter({ hasText: 'ping' })).toHaveCount(1);
    await expect(o.getByTestId('deliveries-chart')).toHaveAttribute(
      'aria-label',
      /2 successful and 0 failed/,
    );
    await shoot(o, 'webhook-deliveries', { mobile: true });
    await updateRow.click();
    const attempts = o.getByRole('table', { name: /^Attempts of update:task/ });
    await expect(attempts.locator('[data-testid^="delivery-"]')).toHaveCount(1);
    await attempts.locator('[data-testid^="delivery-"]').first().click();
    const drawer = o.getByTestId('delivery-drawer');
    await expect(drawer).toBeVisible();
    await expect(drawer.getByTestId('request-body')).toContainText('"before_update": {');
    await expect(drawer.getByTestId('request-body')).toContainText(`"name": "Batch ${suffix} v2"`);
    await expect(drawer).toContainText(`x-signature-256: ${renamed.headers['x-signature-256']}`);
    await expect(drawer).toContainText('x-receiver: e2e');
    await expect(drawer.getByTestId('response-body')).toHaveText('ok');
    await shoot(o, 'webhook-drawer', { mobile: true, fullPage: false });
    await o.keyboard.press('Escape');
    await expect(drawer).toBeHidden();
    // The verify panel shows the signature check.
    await o.getByRole('button', { name: 'How to verify a delivery' }).click();
    await expect(o.getByText('crypto.timingSafeEqual(received, expected)', { exact: false })).toBeVisible();

    // --- For organization: a maintainer adds one with "Send everything".
    const m = await signIn(browser, people.mike);
    await m.goto(`/organizations/${orgSlug}`);
    await m.getByRole('button', { name: 'Actions' }).click();
    await m.getByRole('menuitem', { name: 'Setup webhooks' }).click();
    await expect(m).toHaveURL(new RegExp(`/organizations/${orgSlug}/webhooks$`));
    await m.getByRole('link', { name: 'Add a webhook' }).click();
    await expect(m).toHaveURL(/\/webhooks\/create\?org=/);
    await m.getByLabel('Target URL').fill(`${receiver.url}?org`);
    await m.getByLabel('Description', { exact: true }).fill('Organization hook');
    await expect(m.getByLabel('Send everything')).toBeChecked();
    const orgCreated = actionDone(m);
    await m.getByRole('button', { name: 'Submit' }).click();
    await orgCreated;
    await expect(m.getByText('Webhook has been successfully added')).toBeVisible();
    const orgHook = (
      await apiAs(request, people.mike, 'get', '/api/webhooks?type=organization', undefined, orgSlug)
    ).body.results[0];
    await expect(m).toHaveURL(new RegExp(`/organizations/${orgSlug}/webhooks$`));
    expect(orgHook.type).toBe('organization');
    expect(orgHook.events).toHaveLength(21);
    await expect(m.getByTestId(`webhook-${orgHook.id}`)).toBeVisible();
    await expect(m.getByTestId(`webhook-${orgHook.id}`).locator('xpath=ancestor::tr')).toContainText(
      'Membership',
    );

    // The receiver fails: the attempt is recorded with its retry; then it recovers and a redelivery succeeds.
    status = 500;
    expect(
      (
        await apiAs(request, people.olga, 'patch', `/api/organizations/${org.body.id}`, {
          description: 'Changed',
        })
      ).status,
    ).toBe(200);
    await arrived(receiver, (r) => r.json?.event === 'update:organization');
    await m.getByRole('link', { name: `#${orgHook.id}: Organization hook` }).click();
    await expect(m).toHaveURL(new RegExp(`/webhooks/${orgHook.id}$`));
    const orgSeries = m.locator('[data-testid^="series-"]');
    const original = orgSeries
      .filter({ hasText: 'update:organization' })
      .filter({ hasNotText: 'redelivery' });
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
    const orgAttempts = m.getByRole('table', { name: /^Attempts of update:organization/ });
    await expect(orgAttempts.locator('[data-testid^="delivery-"]')).toHaveCount(4);
    await expect(orgAttempts).toContainText('#4');
    status = 200;
    const redelivered = actionDone(m);
    await original.getByRole('button', { name: /Redeliver/ }).click();
    await redelivered;
    await expect(m.getByText(/queued again/)).toBeVisible();
    const redeliveryRow = orgSeries.filter({ hasText: 'redelivery' }).filter({ hasText: 'delivered' });
    await expect(redeliveryRow.first()).toBeVisible({ timeout: 20_000 });
    await expect(redeliveryRow.first()).toContainText('200');
    // The dot in the heading follows the newest attempt.
    await expect(m.getByTestId(`status-${orgHook.id}`)).toHaveAttribute('data-health', 'ok');
    await shoot(m, 'webhook-deliveries-retried', { mobile: true });
    // Filter by outcome (server-side): failures only, then successes only.
    await m.getByLabel('Filter by outcome').click();
    await m.locator('.ant-select-dropdown:visible .ant-select-item-option[title="Failed"]').click();
    await expect(orgSeries.filter({ hasText: 'delivered' })).toHaveCount(0);
    await expect(orgSeries.filter({ hasText: 'failed' }).first()).toBeVisible();
    await m.getByLabel('Filter by outcome').click();
    await m.locator('.ant-select-dropdown:visible .ant-select-item-option[title="Delivered"]').click();
    await expect(orgSeries.filter({ hasText: 'failed' })).toHaveCount(0);
    await expect(orgSeries.filter({ hasText: 'redelivery' }).first()).toBeVisible();

    // --- A worker is not offered "+" for organization webhooks, and the API refuses them.
    const w = await signIn(browser, people.wendy);
    await w.goto(`/organizations/${orgSlug}/webhooks`);
    await expect(w.getByRole('heading', { name: 'Webhooks' })).toBeVisible();
    await expect(w.getByText('No webhooks you may see')).toBeVisible();
    await expect(w.getByRole('link', { name: 'Add a webhook' })).toHaveCount(0);
    const refused = await apiAs(
      request,
      people.wendy,
      'post',
      '/api/webhooks',
      { target_url: receiver.url, type: 'organization', events: ['update:task'] },
      orgSlug,
    );
    expect(refused.status).toBe(403);
    // Nor may they open someone else's webhook.
    await w.goto(`/webhooks/${orgHook.id}`);
    await expect(w.getByText('You are not allowed to see this')).toBeVisible();

    // --- Edit a webhook and clear its secret: the next ping is not signed.
    await o.goto(`/projects/${project.body.id}/webhooks`);
    await o.getByRole('link', { name: `Edit webhook ${projectHook.id}` }).click();
    await expect(o).toHaveURL(new RegExp(`/webhooks/${projectHook.id}\\?tab=settings$`));
    await expect(o.getByLabel('Target URL')).toHaveValue(receiver.url);
    await expect(o.getByLabel('Select individual events')).toBeChecked();
    await o.getByRole('button', { name: 'Clear' }).click();
    await expect(o.getByText('The secret will be removed when you save')).toBeVisible();
    const patchedHook = actionDone(o);
    await o.getByRole('button', { name: 'Submit' }).click();
    // The action's arguments are React's encoding of the same body the REST PATCH took.
    expect((await patchedHook).request().postData()).toContain('"secret":""');
    await expect(o.getByText('Webhook has been successfully updated')).toBeVisible();
    await expect(o).toHaveURL(new RegExp(`/projects/${project.body.id}/webhooks$`));
    const before = receiver.received.length;
    await o.getByRole('button', { name: `Ping webhook ${projectHook.id}` }).click();
    await expect(o.getByText('Ping delivered: 200')).toBeVisible();
    const unsigned = await arrived(
      receiver,
      (r) => receiver.received.indexOf(r) >= before && r.json?.event === 'ping',
    );
    expect(unsigned.headers['x-signature-256']).toBeUndefined();
    expect(unsigned.headers['webhook-signature']).toBeUndefined();
  } finally {
    await receiver.close();
  }
});
