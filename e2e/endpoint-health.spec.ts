import { create, DESKTOP, expect, test as base, type Api, type HookReceiver, type Person } from './fixtures';
import { SHOTS, shoot } from './shoot';

// Endpoint health and recovery as a person meets them: a receiver that fails shows "Failing", then
// "Paused" (it asked for time with Retry-After) on the list and on the webhook's page, with the banner;
// once the receiver is fixed, a Ping ends the pause and "Recover…" sends the events it missed.

type FailingHook = { id: number; projectId: number; missed: string[] };

/** A project webhook whose receiver refused two changes (400: not retried, each fails for good at once). */
async function makeFailingHook(api: Api, who: Person, receiver: HookReceiver): Promise<FailingHook> {
  receiver.answerWith(400);
  const name = `Canals ${who.username}`;
  const project = await create(api, who, '/api/projects', { name });
  const hook = await create(api, who, '/api/webhooks', {
    target_url: receiver.url,
    description: 'Canal sync',
    type: 'project',
    project_id: project.id,
    events: ['update:project'],
  });
  const missed = [`${name} one`, `${name} two`];
  for (const next of missed)
    expect((await api(who, 'patch', `/api/projects/${project.id}`, { name: next })).status).toBe(200);
  await expect
    .poll(async () => (await api(who, 'get', `/api/webhooks/${hook.id}`)).body.health.state, {
      timeout: 15_000,
    })
    .toBe('failing');
  return { id: hook.id, projectId: project.id, missed };
}

/** The receiver asks for ten minutes (503 with Retry-After): the endpoint is paused. */
async function pause(api: Api, who: Person, receiver: HookReceiver, hook: FailingHook) {
  receiver.answerWith(503, { 'retry-after': '600' });
  expect((await api(who, 'post', `/api/webhooks/${hook.id}/ping`)).body.status_code).toBe(503);
}

const test = base.extend<{ failingHook: FailingHook }>({
  failingHook: async ({ api, person, receiver }, provide) => {
    await provide(await makeFailingHook(api, person, receiver));
  },
});

test.use({ actionTimeout: 15_000, viewport: DESKTOP });

test('failing, then paused: the label on the list and the page, and the banner saying until when', async ({
  api,
  person,
  receiver,
  failingHook: hook,
  personPage: page,
}) => {
  test.setTimeout(90_000);
  await page.goto(`/projects/${hook.projectId}/webhooks`);
  await expect(page.getByTestId(`health-${hook.id}`)).toHaveText('Failing');

  await pause(api, person, receiver, hook);
  await page.reload();
  await expect(page.getByTestId(`health-${hook.id}`)).toHaveText('Paused');
  await shoot(page, 'health-list', { mobile: true });

  await page.getByRole('link', { name: `#${hook.id}: Canal sync` }).click();
  await expect(page).toHaveURL(new RegExp(`/webhooks/${hook.id}$`));
  await expect(page.getByTestId('health-banner')).toContainText(/Failing since .+ · paused until .+/);
  await expect(page.getByTestId(`health-${hook.id}`)).toHaveText('Paused');
  await shoot(page, 'health-page-banner', { mobile: true });
});

test('once fixed, Ping now ends the pause, and Recover… sends the missed events after a dry-run count', async ({
  api,
  person,
  receiver,
  failingHook: hook,
  personPage: page,
}) => {
  test.setTimeout(90_000);
  await pause(api, person, receiver, hook);
  await page.goto(`/webhooks/${hook.id}`);
  const banner = page.getByTestId('health-banner');
  await expect(banner).toContainText(/paused until/);

  receiver.answerWith(200);
  await banner.getByRole('button', { name: 'Ping now' }).click();
  await expect(page.getByTestId('health-banner')).toHaveCount(0);
  await expect(page.getByTestId(`health-${hook.id}`)).toHaveText('Healthy');

  // Recover: the count first (a dry run), then the two missed events, in the order they happened.
  const before = receiver.received.length;
  await page.getByRole('button', { name: 'Recover…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Recover failed deliveries since…' });
  await expect(dialog.getByTestId('recover-count')).toHaveText('2 deliveries will be sent again.');
  expect(receiver.received.length).toBe(before);
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${SHOTS}/health-recover-1440.png` });
  await dialog.getByRole('button', { name: 'Recover 2 deliveries' }).click();
  await expect(page.getByText('2 deliveries queued again, oldest first.')).toBeVisible();
  await expect.poll(() => receiver.received.length, { timeout: 15_000 }).toBe(before + 2);
  // Queued in the order the messages were made; an unordered endpoint may take them in parallel.
  expect(
    receiver.received
      .slice(before)
      .map((r) => r.json.project.name)
      .sort(),
  ).toEqual(hook.missed);
  expect(receiver.received.slice(before).every((r) => r.json.event === 'update:project')).toBe(true);
  const recovered = await api(person, 'get', `/api/webhooks/${hook.id}/messages?trigger=recovery`);
  expect(recovered.body.count).toBe(2);
});
