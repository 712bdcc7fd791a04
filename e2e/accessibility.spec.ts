import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { DESKTOP, expect, PHONE, test, type Team } from './fixtures';

// Every page, one test each, at 1440x900 and 390x844: a skip link first, one h1, a tab title naming the
// page, nothing wider than the screen, no 404 in the network log, and no serious or critical axe violation.

type PageCase = {
  name: string;
  path: (t: Team) => string;
  title: (t: Team) => string | RegExp;
};

const SIGNED_OUT_PAGES = [
  { name: 'login', path: '/login', title: 'Sign in · Herald' },
  { name: 'register', path: '/register', title: 'Create an account · Herald' },
];

const PAGES: PageCase[] = [
  { name: 'projects', path: () => '/projects', title: () => 'Projects · Herald' },
  { name: 'tasks', path: () => '/tasks', title: () => 'Tasks · Herald' },
  { name: 'jobs', path: () => '/jobs', title: () => 'Jobs · Herald' },
  { name: 'project', path: (t) => `/projects/${t.projectId}`, title: (t) => `${t.projectName} · Herald` },
  {
    name: 'project-webhooks',
    path: (t) => `/projects/${t.projectId}/webhooks`,
    title: (t) => `Webhooks · ${t.projectName} · Herald`,
  },
  {
    name: 'task',
    path: (t) => `/tasks/${t.taskId}`,
    title: (t) => `${t.taskName} · ${t.projectName} · Herald`,
  },
  {
    name: 'job',
    path: (t) => `/jobs/${t.jobId}`,
    title: (t) => `Job #${t.jobId} · ${t.taskName} · Herald`,
  },
  {
    name: 'organization',
    path: (t) => `/organizations/${t.slug}`,
    title: (t) => `${t.name} · Herald`,
  },
  {
    name: 'organization-webhooks',
    path: (t) => `/organizations/${t.slug}/webhooks`,
    title: (t) => `Webhooks · ${t.name} · Herald`,
  },
  {
    name: 'webhook',
    path: (t) => `/webhooks/${t.projectHookId}`,
    title: (t) => `Webhook #${t.projectHookId} · ${t.projectName} · Herald`,
  },
  {
    name: 'webhook-settings',
    path: (t) => `/webhooks/${t.orgHookId}?tab=settings`,
    title: (t) => `Webhook #${t.orgHookId} · ${t.name} · Herald`,
  },
  {
    name: 'webhook-create',
    path: (t) => `/webhooks/create?projectId=${t.projectId}`,
    title: () => 'Setup a webhook · Herald',
  },
  { name: 'not-found', path: () => '/webhooks/999999', title: () => 'Not found · Herald' },
];

async function settle(page: Page) {
  await page.waitForLoadState('networkidle');
  await expect(page.locator('.ant-spin-spinning')).toHaveCount(0, { timeout: 15_000 });
}

/** Elements whose right edge passes the viewport (inside a scrolling container they do not count). */
function overflowing(page: Page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out: string[] = [];
    const scrolls = (el: Element | null): boolean => {
      for (let e = el?.parentElement; e; e = e.parentElement) {
        const style = getComputedStyle(e);
        if (
          /(auto|scroll|hidden)/.test(style.overflowX) &&
          e !== document.body &&
          e !== document.documentElement
        )
          return true;
      }
      return false;
    };
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      const rect = el.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0) continue;
      if (
        rect.right > width + 1 &&
        !scrolls(el) &&
        !el.closest('.skip-link, .visually-hidden, .ant-tooltip, .ant-select-dropdown')
      ) {
        out.push(
          `${el.tagName.toLowerCase()}.${String(el.className).slice(0, 60)} right=${Math.round(rect.right)}`,
        );
      }
    }
    return { width, scrollWidth: document.documentElement.scrollWidth, out: out.slice(0, 10) };
  });
}

/**
 * Opens `path` on `page` and checks it: no 404 in the network log (but the page's own, when `isNotFound`),
 * the tab title, one h1, the skip link as the first Tab stop taking the focus to the main content, on a
 * phone nothing wider than the screen, and no serious or critical axe violation. Then a screenshot.
 */
async function checkPage(
  page: Page,
  {
    name,
    path,
    title,
    isNotFound = false,
  }: { name: string; path: string; title: string | RegExp; isNotFound?: boolean },
) {
  const missing: string[] = [];
  const onResponse = (r: { status(): number; url(): string }) => {
    if (r.status() === 404 && !(isNotFound && new URL(r.url()).pathname === path)) missing.push(r.url());
  };
  page.on('response', onResponse);
  await page.goto(path);
  await settle(page);
  page.off('response', onResponse);
  expect.soft(missing, `${name}: answers 404`).toEqual([]);
  await expect.soft(page, name).toHaveTitle(title);
  await expect.soft(page.locator('h1'), `${name}: one h1`).toHaveCount(1);

  // The skip link is the first Tab stop (the first focusable element) and takes the focus to the main content.
  const first = await page.evaluate(() =>
    document
      .querySelector('a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])')
      ?.textContent?.trim(),
  );
  expect.soft(first, `${name}: first Tab stop`).toBe('Skip to main content');
  const skip = page.getByRole('link', { name: 'Skip to main content' });
  await skip.focus();
  await expect(skip, name).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('main#main'), name).toBeFocused();

  const width = page.viewportSize()!.width;
  if (width === PHONE.width) {
    const o = await overflowing(page);
    expect.soft(o.out, `${name}: wider than the screen`).toEqual([]);
    expect.soft(o.scrollWidth, `${name}: page scrolls sideways`).toBeLessThanOrEqual(o.width);
  }
  const axe = await new AxeBuilder({ page }).analyze();
  const bad = axe.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id}: ${v.help} (${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')})`,
    );
  expect.soft(bad, `${name}: axe`).toEqual([]);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `e2e/screenshots/ui-${name}-${width}.png`, fullPage: true });
}

// One test per page, each at both sizes (a fresh context for each, as a person on a phone would come).
for (const c of SIGNED_OUT_PAGES) {
  test(`${c.name} at 1440 and 390px: skip link, one h1, tab title, no overflow, no 404, no serious axe violation`, async ({
    browser,
  }) => {
    test.setTimeout(90_000);
    for (const viewport of [DESKTOP, PHONE]) {
      const context = await browser.newContext({ viewport });
      await checkPage(await context.newPage(), c);
      await context.close();
    }
  });
}

for (const c of PAGES) {
  test(`${c.name} at 1440 and 390px: skip link, one h1, tab title, no overflow, no 404, no serious axe violation`, async ({
    team,
    signIn,
  }) => {
    test.setTimeout(120_000);
    for (const viewport of [DESKTOP, PHONE]) {
      const page = await signIn(team.owner, viewport);
      await checkPage(page, {
        name: c.name,
        path: c.path(team),
        title: c.title(team),
        isNotFound: c.name === 'not-found',
      });
      await page.context().close();
    }
  });
}

test.describe('at 1440px', () => {
  test.use({ viewport: DESKTOP });

  test('the top bar underlines only the current section, also after tabbing through it', async ({
    org,
    ownerPage: page,
  }) => {
    test.setTimeout(60_000);
    await page.getByTestId('org-switcher').click();
    await page.locator('.ant-select-dropdown:visible').getByText(org.name).click();
    await page.goto('/tasks');
    await settle(page);
    for (let i = 0; i < 6; i++) await page.keyboard.press('Tab');
    await page.locator('main#main').focus();
    const underline = (name: string) =>
      page
        .getByRole('menuitem', { name })
        .evaluate((el) => getComputedStyle(el, '::after').borderBottomColor);
    const current = await underline('Tasks');
    for (const other of ['Projects', 'Jobs', 'Organization'])
      expect(await underline(other), other).not.toBe(current);
  });

  test('focus returns to the delivery row when the drawer closes; copy buttons and the chart scale are there', async ({
    api,
    team,
    ownerPage: page,
  }) => {
    test.setTimeout(75_000);
    const ping = await api(team.owner, 'post', `/api/webhooks/${team.projectHookId}/ping`);
    expect(ping.status).toBe(200);
    await page.goto(`/webhooks/${team.projectHookId}`);
    await expect(page.getByTestId('chart-scale')).toContainText('0');
    await expect(page.getByTestId('chart-axis')).toContainText(/\d/);
    await expect(page.getByText('not signed: no secret')).toBeVisible();
    await expect(page.getByText('certificates verified')).toBeVisible();
    await page.locator('[data-testid^="series-"]').filter({ hasText: 'ping' }).click();
    const row = page.locator('[data-testid^="delivery-"]').first();
    await row.focus();
    await page.keyboard.press('Enter');
    const drawer = page.getByTestId('delivery-drawer');
    await expect(drawer).toBeVisible();
    await expect(page.getByRole('button', { name: 'Copy the delivery id' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Copy the payload' })).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(drawer).toBeHidden();
    await expect(row).toBeFocused();
    // The secret field: one Show, a copy button for a generated secret; the form says whether there is one.
    await page.goto(`/webhooks/${team.orgHookId}?tab=settings`);
    await expect(page.getByText('This webhook has a secret: its deliveries are signed')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Show', exact: true })).toHaveCount(1);
    await page.getByRole('button', { name: 'Generate' }).click();
    await expect(page.getByRole('button', { name: 'Copy the secret' })).toBeEnabled();
  });
});
