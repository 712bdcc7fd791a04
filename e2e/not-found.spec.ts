import { DESKTOP, expect, PHONE, test } from './fixtures';

// One not-found page: a missing object or an unknown route answers HTTP 404, inside the app's header and
// navigation, says what was not found and links back.

const MISSING = [
  { path: '/webhooks/999999', what: 'Webhook #999999', back: 'Back to projects' },
  { path: '/projects/999999', what: 'Project #999999', back: 'Back to projects' },
  { path: '/projects/999999/webhooks', what: 'Project #999999', back: 'Back to projects' },
  { path: '/tasks/999999', what: 'Task #999999', back: 'Back to tasks' },
  { path: '/jobs/999999', what: 'Job #999999', back: 'Back to jobs' },
  { path: '/organizations/no-such-org', what: 'Organization "no-such-org"', back: 'Back to projects' },
  { path: '/no/such/page', what: 'The page /no/such/page', back: 'Back to projects' },
];

for (const viewport of [DESKTOP, PHONE]) {
  test(`not found at ${viewport.width}px: HTTP 404, the app's header, what was missing, a way back`, async ({
    person,
    signIn,
  }) => {
    test.setTimeout(90_000);
    const page = await signIn(person, viewport);
    for (const { path, what, back } of MISSING) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(404);
      await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
      await expect(page.getByTestId('user-menu')).toBeVisible();
      await expect(page.getByRole('heading', { level: 1, name: 'Not found' })).toBeVisible();
      await expect(page.locator('h1')).toHaveCount(1);
      await expect(page.getByText(`${what} does not exist`)).toBeVisible();
      await expect(page).toHaveTitle('Not found · Herald');
      await expect(page.getByRole('link', { name: back })).toBeVisible();
      if (path === '/webhooks/999999')
        await page.screenshot({ path: `e2e/screenshots/ui-not-found-${viewport.width}.png`, fullPage: true });
    }
    await page.goto('/jobs/999999');
    await page.getByRole('link', { name: 'Back to jobs' }).click();
    await expect(page).toHaveURL(/\/jobs$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Jobs' })).toBeVisible();
  });
}

test.describe('at 1440px', () => {
  test.use({ viewport: DESKTOP });

  test('an existing object answers 200, one out of reach says it is not allowed (no 404)', async ({
    team,
    workerPage: page,
  }) => {
    test.setTimeout(60_000);
    expect((await page.goto(`/jobs/${team.jobId}`))?.status()).toBe(200);
    const response = await page.goto(`/webhooks/${team.orgHookId}`);
    expect(response?.status()).toBe(200);
    await expect(page.getByText('You are not allowed to see this')).toBeVisible();
  });
});
