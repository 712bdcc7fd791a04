import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { create, expect, test } from './fixtures';
import { makePng } from './png';

// security.md's cross-site rule, as an attacker tries it in Chromium: a page on another port of the same
// host (same site, so the browser sends the session cookie along) makes the signed-in person's browser
// ping a webhook, redeliver, upload an image and sign out. None of it happens; from Herald's own pages
// the same requests work. And a sign-in link that points elsewhere lands on Herald's /projects.

test('a form or script on another origin cannot ping, redeliver, upload or sign out with the cookie', async ({
  api,
  person,
  receiver,
  signIn,
  baseURL,
}) => {
  test.setTimeout(90_000);
  const attacker = http.createServer();
  try {
    const project = await create(api, person, '/api/projects', { name: `csrf ${person.username}` });
    const task = await create(api, person, '/api/tasks', { name: 'target', project_id: project.id });
    const hook = await create(api, person, '/api/webhooks', {
      target_url: receiver.url,
      type: 'project',
      project_id: project.id,
      events: ['update:project'],
    });
    const first = (await api(person, 'post', `/api/webhooks/${hook.id}/ping`)).body;
    const countDeliveries = async () =>
      (await api(person, 'get', `/api/webhooks/${hook.id}/deliveries`)).body.count;
    const deliveriesBefore = await countDeliveries();
    const arrivedBefore = receiver.received.length;

    const page = await signIn(person);
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
    expect((await api(person, 'get', `/api/jobs?task_id=${task.id}`)).body.count).toBe(0);
    expect((await api(person, 'get', `/api/tasks/${task.id}`)).body.size).toBeUndefined();

    // The same requests from Herald's own page go through with the same cookie.
    await page.goto('/projects');
    await expect(page.getByTestId('user-menu')).toContainText(person.username);
    const own = await page.evaluate(
      async (id) => (await fetch(`/api/webhooks/${id}/ping`, { method: 'POST' })).status,
      hook.id,
    );
    expect(own).toBe(200);
    await expect.poll(() => receiver.received.length).toBe(arrivedBefore + 1);
  } finally {
    attacker.close();
  }
});

for (const target of ['/\\evil.example/', '//evil.example/', 'https://evil.example/']) {
  test(`a sign-in link whose callback points elsewhere (${target}) lands on Herald`, async ({
    page,
    person,
    baseURL,
  }) => {
    test.setTimeout(60_000);
    await page.goto(`/login?callbackUrl=${encodeURIComponent(target)}`);
    await page.getByLabel('Username').fill(person.username);
    await page.getByLabel('Password').fill(person.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(`${baseURL}/projects`);
  });
}
