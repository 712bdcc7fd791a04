import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Page } from '@playwright/test';
import { startReceiver } from '../lib/testing/receiver';
import { makePng } from './png';
import { signIn } from './support';

// security.md's cross-site rule, as an attacker tries it in Chromium: a page on another port of the same
// host (same site, so the browser sends the session cookie along) makes the signed-in person's browser
// ping a webhook, redeliver, upload an image and sign out. None of it happens; from Herald's own pages
// the same requests work. And a sign-in link that points elsewhere lands on Herald's /projects.

const suffix = Math.random().toString(36).slice(2, 8);
const carla = { username: `carla-${suffix}`, password: 'carla-password-1' };
const auth = {
  authorization: `Basic ${Buffer.from(`${carla.username}:${carla.password}`).toString('base64')}`,
};

test('a form or script on another origin cannot ping, redeliver, upload or sign out with the cookie', async ({
  browser,
  request,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const receiver = await startReceiver();
  const attacker = http.createServer();
  let page: Page | undefined;
  try {
    expect(
      (
        await request.post('/api/auth/register', {
          data: {
            username: carla.username,
            email: `${carla.username}@example.test`,
            password1: carla.password,
            password2: carla.password,
          },
        })
      ).status(),
    ).toBe(201);
    const project = await (
      await request.post('/api/projects', { headers: auth, data: { name: `csrf ${suffix}` } })
    ).json();
    const task = await (
      await request.post('/api/tasks', { headers: auth, data: { name: 'target', project_id: project.id } })
    ).json();
    const hook = await (
      await request.post('/api/webhooks', {
        headers: auth,
        data: {
          target_url: receiver.url,
          type: 'project',
          project_id: project.id,
          events: ['update:project'],
        },
      })
    ).json();
    const first = await (await request.post(`/api/webhooks/${hook.id}/ping`, { headers: auth })).json();
    const countDeliveries = async () =>
      (await (await request.get(`/api/webhooks/${hook.id}/deliveries`, { headers: auth })).json()).count;
    const deliveriesBefore = await countDeliveries();
    const arrivedBefore = receiver.received.length;

    page = await signIn(browser, carla);
    const herald = baseURL!;
    attacker.on('request', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><title>win a prize</title>
        <iframe name="sink"></iframe>
        <form id="ping" method="post" target="sink" enctype="text/plain" action="${herald}/api/webhooks/${hook.id}/ping"></form>
        <form id="redeliver" method="post" target="sink" action="${herald}/api/webhooks/${hook.id}/deliveries/${first.id}/redelivery"></form>
        <script>
          const png = Uint8Array.from(atob('${makePng(4, 4, 1).toString('base64')}'), (c) => c.charCodeAt(0));
          const form = new FormData();
          form.append('client_files[0]', new Blob([png], { type: 'image/png' }), 'prize.png');
          Promise.all([
            fetch('${herald}/api/tasks/${task.id}/data', { method: 'POST', mode: 'no-cors', credentials: 'include', body: form }),
            fetch('${herald}/api/webhooks/${hook.id}/ping', { method: 'POST', mode: 'no-cors', credentials: 'include' }),
            fetch('${herald}/api/auth/logout', { method: 'POST', mode: 'no-cors', credentials: 'include' }),
          ]).finally(() => {
            document.getElementById('ping').submit();
            setTimeout(() => { document.getElementById('redeliver').submit(); setTimeout(() => (document.title = 'done'), 1500); }, 1000);
          });
        </script>`);
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    const evil = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;
    expect(new URL(evil).origin).not.toBe(new URL(herald).origin);
    await page.goto(evil);
    await expect(page).toHaveTitle('done', { timeout: 30_000 });

    // Nothing happened: no ping, no redelivery, no image, and the person is still signed in.
    expect(await countDeliveries()).toBe(deliveriesBefore);
    expect(receiver.received.length).toBe(arrivedBefore);
    expect((await (await request.get(`/api/jobs?task_id=${task.id}`, { headers: auth })).json()).count).toBe(
      0,
    );
    expect(
      (await (await request.get(`/api/tasks/${task.id}`, { headers: auth })).json()).size,
    ).toBeUndefined();

    // The same requests from Herald's own page go through with the same cookie.
    await page.goto('/projects');
    await expect(page.getByTestId('user-menu')).toContainText(carla.username);
    const own = await page.evaluate(
      async (id) => (await fetch(`/api/webhooks/${id}/ping`, { method: 'POST' })).status,
      hook.id,
    );
    expect(own).toBe(200);
    await expect.poll(() => receiver.received.length).toBe(arrivedBefore + 1);
  } finally {
    await page?.context().close();
    attacker.close();
    await receiver.close();
  }
});

test('a sign-in link that points elsewhere lands on Herald', async ({ browser, request, baseURL }) => {
  const dana = { username: `dana-${suffix}`, password: 'dana-password-1' };
  expect(
    (
      await request.post('/api/auth/register', {
        data: {
          username: dana.username,
          email: `${dana.username}@example.test`,
          password1: dana.password,
          password2: dana.password,
        },
      })
    ).status(),
  ).toBe(201);
  for (const target of ['/\\evil.example/', '//evil.example/', 'https://evil.example/']) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`/login?callbackUrl=${encodeURIComponent(target)}`);
    await page.getByLabel('Username').fill(dana.username);
    await page.getByLabel('Password').fill(dana.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(`${baseURL}/projects`);
    await context.close();
  }
});
