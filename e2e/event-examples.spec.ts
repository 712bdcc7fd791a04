import { create, DESKTOP, expect, test as base } from './fixtures';
import { actionDone } from './page-helpers';
import { shoot } from './shoot';

// The catalog's documentation in the UI: each event's description in the form's picker, a custom
// header typed in the form, and "Send example" on the webhook page delivering an event's example to a
// real receiver (with the header), its answer shown at once.

const test = base.extend<{ projectId: number; token: string }>({
  projectId: async ({ api, person }, provide) => {
    const project = await create(api, person, '/api/projects', {
      name: `Examples ${person.username}`,
      labels: [{ name: 'car' }],
    });
    await provide(project.id);
  },
  token: async ({ person }, provide) => {
    await provide(`Bearer e2e-${person.username}-token`);
  },
});

test.use({ actionTimeout: 15_000, viewport: DESKTOP });

test("the form's picker describes each event; a custom header is kept, a reserved one refused", async ({
  api,
  person,
  projectId,
  receiver,
  token,
  personPage: o,
}) => {
  test.setTimeout(90_000);
  await o.goto(`/webhooks/create?projectId=${projectId}`);
  // The first page of a cold server may take longer than the default wait.
  await expect(o.getByRole('heading', { name: 'Setup a webhook' })).toBeVisible({ timeout: 30_000 });
  await o.getByLabel('Target URL').fill(receiver.url);
  await o.getByLabel('Description', { exact: true }).fill('Examples hook');
  await o.getByLabel('Select individual events').check();
  const events = o.getByRole('group', { name: 'Events to send' });
  await expect(events.getByTestId('event-description-update:task')).toHaveText(
    'A task changed: its name, assignee, labels, data or the state of its jobs.',
  );
  await expect(events.getByTestId('event-description-create:comment')).toHaveText(
    'A comment was added to an issue.',
  );
  await events.getByLabel('update:project').check();
  await o.getByRole('button', { name: 'Add header' }).click();
  await o.getByLabel('Header 1 name').fill('Authorization');
  await o.getByLabel('Header 1 value').fill(token);
  await shoot(o, 'event-examples-form', { mobile: true });
  // A reserved name is refused by the form, with the API's words.
  await o.getByRole('button', { name: 'Add header' }).click();
  await o.getByLabel('Header 2 name').fill('X-Herald-Event');
  await o.getByLabel('Header 2 value').fill('nope');
  await o.getByRole('button', { name: 'Submit' }).click();
  await expect(o.getByText('"X-Herald-Event" is reserved', { exact: false })).toBeVisible();
  await o.getByRole('button', { name: 'Remove header 2' }).click();
  const created = actionDone(o);
  await o.getByRole('button', { name: 'Submit' }).click();
  await created;
  await expect(o.getByText('Webhook has been successfully added')).toBeVisible();
  const hook = (await api(person, 'get', `/api/webhooks?project_id=${projectId}`)).body.results[0];
  expect(hook).toMatchObject({ events: ['update:project'], headers: { Authorization: '********' } });
});

test("Send example delivers the chosen event's example to the receiver, with the custom header", async ({
  api,
  person,
  projectId,
  receiver,
  token,
  personPage: o,
}) => {
  test.setTimeout(90_000);
  const hook = await create(api, person, '/api/webhooks', {
    target_url: receiver.url,
    description: 'Examples hook',
    type: 'project',
    project_id: projectId,
    events: ['update:project'],
    headers: { Authorization: token },
  });
  await o.goto(`/webhooks/${hook.id}`);
  await o.getByRole('button', { name: 'Send example' }).click();
  const dialog = o.getByRole('dialog', { name: 'Send an example event' });
  await dialog.getByLabel('Event to send').click();
  // The list is virtual: search for the key, then pick it.
  await o.keyboard.type('create:comment');
  await o.locator('.ant-select-item-option').filter({ hasText: 'create:comment' }).click();
  await expect(dialog.getByText('A comment was added to an issue.')).toBeVisible();
  await dialog.getByRole('button', { name: 'Send' }).click();
  await expect(dialog.getByTestId('example-result')).toContainText('create:comment: delivered (200)');
  // Sent within the action: it has arrived already.
  const got = receiver.received.find((r) => r.json?.event === 'create:comment');
  expect(got).toBeTruthy();
  expect(got!.json).toMatchObject({
    webhook_id: hook.id,
    comment: { message: expect.any(String) },
    sender: { username: person.username },
  });
  expect(got!.headers.authorization).toBe(token);
  await shoot(o, 'event-examples-send', { mobile: true, fullPage: false });
  await dialog.locator('.ant-modal-footer').getByRole('button', { name: 'Close' }).click();
  await expect(o.locator('[data-testid^="series-"]').filter({ hasText: 'create:comment' })).toHaveCount(1);
  await shoot(o, 'event-examples-page', { mobile: true });
});
