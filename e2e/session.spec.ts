import { DESKTOP, expect, test } from './fixtures';

// Sign-out lands on the host the person came in on (here 127.0.0.1, while the server listens on 0.0.0.0),
// and signing in again keeps it.

test.use({ viewport: DESKTOP });

test('sign-out from 127.0.0.1 lands on 127.0.0.1/login, and signing in again stays there', async ({
  person,
  personPage: page,
  baseURL,
}) => {
  test.setTimeout(60_000);
  const origin = new URL(baseURL!).origin;
  expect(new URL(origin).hostname).toBe('127.0.0.1');
  const hosts = new Set<string>();
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) hosts.add(new URL(frame.url()).host);
  });
  await page.getByTestId('user-menu').click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(`${origin}/login`);
  await page.getByLabel('Username').fill(person.username);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(`${origin}/projects`);
  await expect(page.getByTestId('user-menu')).toContainText(person.username);
  expect([...hosts]).toEqual([new URL(origin).host]);
});
