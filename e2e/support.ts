import { expect, type Browser, type Page } from '@playwright/test';

export const SHOTS = 'e2e/screenshots';

/**
 * Screenshots the settled page at 1280x800 and, with `mobile`, at 390x844. A drawer or modal is fixed
 * over the page: shoot just the viewport (`fullPage: false`).
 */
export async function shoot(page: Page, name: string, { mobile = false, fullPage = true } = {}) {
  await page.waitForLoadState('networkidle');
  await expect(page.locator('.ant-spin-spinning')).toHaveCount(0);
  // Let the toasts fade so they do not hide the page.
  await expect(page.locator('.ant-message-notice')).toHaveCount(0, { timeout: 10_000 });
  if (fullPage) await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${SHOTS}/${name}-1280.png`, fullPage });
  if (!mobile) return;
  const size = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(400);
  if (fullPage) await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${SHOTS}/${name}-390.png`, fullPage });
  if (size) await page.setViewportSize(size);
  await page.waitForTimeout(300);
}

/** A fresh browser context (at `viewport`, if given) signed in through the login form. */
export async function openSignedIn(
  browser: Browser,
  who: { username: string; password: string },
  viewport?: { width: number; height: number },
) {
  const context = await browser.newContext(viewport ? { viewport } : {});
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('Username').fill(who.username);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/projects/);
  return page;
}

/** A fresh browser context signed in through the login form, its user menu naming the user. */
export async function signIn(browser: Browser, who: { username: string; password: string }) {
  const page = await openSignedIn(browser, who);
  await expect(page.getByTestId('user-menu')).toContainText(who.username);
  return page;
}

/**
 * The next server action the page calls (a POST carrying Next's `Next-Action` header) once it has answered.
 * The pages' mutations are server actions, not REST calls.
 */
export function actionDone(page: Page) {
  return page.waitForResponse(
    (r) => r.request().method() === 'POST' && Boolean(r.request().headers()['next-action']) && r.ok(),
  );
}
