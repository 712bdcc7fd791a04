import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { startReceiver } from '../lib/testing/receiver';
import { SHOTS, signIn } from './support';

// Endpoint health and recovery as a person meets them: a receiver that fails shows "Failing", then
// "Paused" (it asked for time with Retry-After) on the list and on the webhook's page, with the banner;
// once the receiver is fixed, a Ping ends the pause and "Recover…" sends the events it missed.

const suffix = Math.random().toString(36).slice(2, 8);
const olga = { username: `hana-${suffix}`, password: 'hana-password-1' };
const basic = {
  authorization: `Basic ${Buffer.from(`${olga.username}:${olga.password}`).toString('base64')}`,
};

test.use({ actionTimeout: 15_000 });

async function apiAs(
  request: APIRequestContext,
  method: 'get' | 'post' | 'patch',
  path: string,
  data?: unknown,
) {
  const res = await request[method](path, { headers: basic, data });
  return { status: res.status(), body: await res.json().catch(() => null) };
}

/** The settled page at 1440x900 and 390x844. */
async function shoot(page: Page, name: string) {
  await page.waitForLoadState('networkidle');
  await expect(page.locator('.ant-spin-spinning')).toHaveCount(0);
  await expect(page.locator('.ant-message-notice')).toHaveCount(0, { timeout: 10_000 });
  for (const [width, height] of [
    [1440, 900],
    [390, 844],
  ]) {
    await page.setViewportSize({ width, height });
    await page.waitForTimeout(400);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

test('endpoint health: failing and paused on the list and the page, then recover what was missed', async ({
  browser,
  request,
}) => {
  test.setTimeout(180_000);
  let answer: { status: number; headers?: Record<string, string> } = { status: 400 };
  const receiver = await startReceiver((_req, res) => {
    res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
    res.end(answer.status === 200 ? 'ok' : 'receiver is broken');
  });
  try {
    const registered = await request.post('/api/auth/register', {
      data: {
        username: olga.username,
        email: `${olga.username}@example.test`,
        password1: olga.password,
        password2: olga.password,
        first_name: 'Hana',
        last_name: 'Health',
      },
    });
    expect(registered.status()).toBe(201);
    const project = await apiAs(request, 'post', '/api/projects', { name: `Canals ${suffix}` });
    expect(project.status).toBe(201);
    const hook = await apiAs(request, 'post', '/api/webhooks', {
      target_url: receiver.url,
      description: 'Canal sync',
      type: 'project',
      project_id: project.body.id,
      events: ['update:project'],
    });
    expect(hook.status).toBe(201);
    const id = hook.body.id as number;

    // Two changes the receiver refuses (400: not retried, each fails for good at once).
    for (const name of [`Canals ${suffix} one`, `Canals ${suffix} two`])
      expect((await apiAs(request, 'patch', `/api/projects/${project.body.id}`, { name })).status).toBe(200);
    await expect
      .poll(async () => (await apiAs(request, 'get', `/api/webhooks/${id}`)).body.health.state, {
        timeout: 15_000,
      })
      .toBe('failing');

    const page = await signIn(browser, olga);
    await page.goto(`/projects/${project.body.id}/webhooks`);
    await expect(page.getByTestId(`health-${id}`)).toHaveText('Failing');

    // The receiver asks for ten minutes (503 with Retry-After): the endpoint is paused.
    answer = { status: 503, headers: { 'retry-after': '600' } };
    expect((await apiAs(request, 'post', `/api/webhooks/${id}/ping`)).body.status_code).toBe(503);
    await page.reload();
    await expect(page.getByTestId(`health-${id}`)).toHaveText('Paused');
    await shoot(page, 'health-list');

    await page.getByRole('link', { name: `#${id}: Canal sync` }).click();
    await expect(page).toHaveURL(new RegExp(`/webhooks/${id}$`));
    const banner = page.getByTestId('health-banner');
    await expect(banner).toContainText(/Failing since .+ · paused until .+/);
    await expect(page.getByTestId(`health-${id}`)).toHaveText('Paused');
    await shoot(page, 'health-page-banner');

    // Fixed: a ping from the banner ends the pause; the banner goes.
    answer = { status: 200 };
    await banner.getByRole('button', { name: 'Ping now' }).click();
    await expect(page.getByTestId('health-banner')).toHaveCount(0);
    await expect(page.getByTestId(`health-${id}`)).toHaveText('Healthy');

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
    ).toEqual([`Canals ${suffix} one`, `Canals ${suffix} two`]);
    expect(receiver.received.slice(before).every((r) => r.json.event === 'update:project')).toBe(true);
    const recovered = await apiAs(request, 'get', `/api/webhooks/${id}/messages?trigger=recovery`);
    expect(recovered.body.count).toBe(2);
  } finally {
    await receiver.close();
  }
});
