import type { Page } from '@playwright/test';

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
