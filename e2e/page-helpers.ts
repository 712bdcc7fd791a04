import { expect, type Page } from '@playwright/test';

/**
 * The next server action the page calls (a POST carrying Next's `Next-Action` header) once it has answered.
 * The pages' mutations are server actions, not REST calls.
 */
export function actionDone(page: Page) {
  return page.waitForResponse(
    (r) => r.request().method() === 'POST' && Boolean(r.request().headers()['next-action']) && r.ok(),
  );
}

/** Picks `option` in the antd Select labelled `label` (typing `search` first, for a long list). */
export async function choose(page: Page, label: string, option: string, search?: string) {
  await page.getByLabel(label).click();
  if (search) await page.getByLabel(label).fill(search);
  await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${option}"]`).click();
}

/**
 * Picks `option` in the antd Select labelled `label` and waits until the Select shows it, opening the
 * list again if a click landed while it was still animating (the list then closes with nothing chosen).
 */
export async function chooseAndConfirm(page: Page, label: string, option: string) {
  const shown = page
    .locator('.ant-select')
    .filter({ has: page.getByLabel(label) })
    .locator('.ant-select-content');
  await expect(async () => {
    if ((await shown.getAttribute('title')) === option) return;
    await page.keyboard.press('Escape');
    await choose(page, label, option);
    await expect(shown).toHaveAttribute('title', option, { timeout: 2_000 });
  }).toPass({ timeout: 15_000 });
}
