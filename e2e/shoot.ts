import { expect, type Page } from '@playwright/test';

export const SHOTS = 'e2e/screenshots';

type Size = { width: number; height: number };

/**
 * Screenshots the settled page as `${name}-${width}.png`: at `desktop` (or the page's own size), then with
 * `mobile` at 390x844 too. A drawer or modal is fixed over the page: shoot just the viewport
 * (`fullPage: false`). The page is left at the size it had.
 */
export async function shoot(
  page: Page,
  name: string,
  { mobile = false, fullPage = true, desktop }: { mobile?: boolean; fullPage?: boolean; desktop?: Size } = {},
) {
  await page.waitForLoadState('networkidle');
  await expect(page.locator('.ant-spin-spinning')).toHaveCount(0);
  // Let the toasts fade so they do not hide the page.
  await expect(page.locator('.ant-message-notice')).toHaveCount(0, { timeout: 10_000 });
  const size = page.viewportSize();
  const sizes = [desktop ?? size, ...(mobile ? [{ width: 390, height: 844 }] : [])].filter(
    (s): s is Size => s !== null,
  );
  for (const at of sizes) {
    if (at !== size) {
      await page.setViewportSize(at);
      await page.waitForTimeout(400);
    }
    // From the top, or the sticky header is drawn where the page was scrolled to.
    if (fullPage) await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${SHOTS}/${name}-${at.width}.png`, fullPage });
  }
  if (size && sizes.some((s) => s !== size)) {
    await page.setViewportSize(size);
    await page.waitForTimeout(300);
  }
}
