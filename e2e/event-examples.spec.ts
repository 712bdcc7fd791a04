import { expect, test, type Page } from '@playwright/test';
import { startReceiver } from '../lib/testing/receiver';
import { actionDone, SHOTS, signIn } from './support';

// The catalog's documentation in the UI: each event's description in the form's picker, a custom
// header typed in the form, and "Send example" on the webhook page delivering an event's example to a
// real receiver (with the header), its answer shown at once.

const suffix = Math.random().toString(36).slice(2, 8);
const olga = { username: `exa-${suffix}`, password: 'exa-password-1' };
const basic = {
  authorization: `Basic ${Buffer.from(`${olga.username}:${olga.password}`).toString('base64')}`,
};
const TOKEN = `Bearer e2e-${suffix}-token`;

test.use({ actionTimeout: 15_000 });

/** The page at 1440x900 and 390x844, the whole page (or just the viewport, for a modal). */
async function shootBoth(page: Page, name: string, fullPage = true) {
  await page.waitForLoadState('networkidle');
  for (const [width, height] of [
    [1440, 900],
    [390, 844],
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.waitForTimeout(400);
    // From the top, or the sticky header is drawn where the page was scrolled to.
    if (fullPage) await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

test('event descriptions in the form, a custom header, and Send example to a receiver', async ({
  browser,
  request,
}) => {
  test.setTimeout(120_000);
  const receiver = await startReceiver();
  try {
    const registered = await request.post('/api/auth/register', {
      data: {
        username: olga.username,
        email: `${olga.username}@example.test`,
        password1: olga.password,
        password2: olga.password,
      },
    });
    expect(registered.status()).toBe(201);
    const project = await request.post('/api/projects', {
      headers: basic,
      data: { name: `Examples ${suffix}`, labels: [{ name: 'car' }] },
    });
    expect(project.status()).toBe(201);
    const projectId = (await project.json()).id;

    const o = await signIn(browser, olga);
    await o.setViewportSize({ width: 1440, height: 900 });
    await o.goto(`/webhooks/create?projectId=${projectId}`);
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
    await o.getByLabel('Header 1 value').fill(TOKEN);
    await shootBoth(o, 'event-examples-form');
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
    const list = await (
      await request.get(`/api/webhooks?project_id=${projectId}`, { headers: basic })
    ).json();
    const hook = list.results[0];
    expect(hook).toMatchObject({ events: ['update:project'], headers: { Authorization: '********' } });

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
      sender: { username: olga.username },
    });
    expect(got!.headers.authorization).toBe(TOKEN);
    await shootBoth(o, 'event-examples-send', false);
    await dialog.locator('.ant-modal-footer').getByRole('button', { name: 'Close' }).click();
    await expect(o.locator('[data-testid^="series-"]').filter({ hasText: 'create:comment' })).toHaveCount(1);
    await shootBoth(o, 'event-examples-page');
  } finally {
    await receiver.close();
  }
});
