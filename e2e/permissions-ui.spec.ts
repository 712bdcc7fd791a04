import { DESKTOP, expect, test } from './fixtures';

// The UI follows the server's policy: a worker is told what they may not see or do, instead of being
// offered controls that are refused on Submit.

test.use({ viewport: DESKTOP });

test("the worker's view of organization webhooks: told they are hidden, no form to fill in", async ({
  team,
  workerPage: page,
}) => {
  test.setTimeout(60_000);
  await page.goto(`/organizations/${team.slug}`);
  await page.getByRole('button', { name: 'Actions' }).click();
  await page.getByRole('menuitem', { name: 'Setup webhooks' }).click();
  await expect(page).toHaveURL(new RegExp(`/organizations/${team.slug}/webhooks$`));
  await expect(page.getByTestId('webhooks-notice')).toContainText(
    'Only the owners and maintainers see all webhooks of the organization',
  );
  await expect(page.getByText('No webhooks you may see')).toBeVisible();
  await expect(page.getByText('No webhooks yet')).toHaveCount(0);
  // "+" is shown disabled, with the reason.
  const add = page.getByRole('button', { name: 'Add a webhook' });
  await expect(add).toBeDisabled();
  await expect(page.getByTestId('guarded').first()).toContainText(
    'Only the owners and maintainers may add organization webhooks.',
  );
  // The create form does not open for them.
  await page.goto(`/webhooks/create?org=${team.slug}`);
  await expect(page.getByText('You may not add a webhook here')).toBeVisible();
  await expect(page.getByLabel('Target URL')).toHaveCount(0);
  // A project they cannot see: they are told so, and no form opens either.
  await page.goto(`/webhooks/create?projectId=${team.projectId}`);
  await expect(
    page.getByText(/You may not add a webhook here|You are not allowed to see this/),
  ).toBeVisible();
  await expect(page.getByLabel('Target URL')).toHaveCount(0);
});

test("the worker's view of projects and comments: no New project, no Edit/Delete on others' comments", async ({
  team,
  workerPage: page,
}) => {
  test.setTimeout(60_000);
  await page.getByTestId('org-switcher').click();
  await page.locator('.ant-select-dropdown:visible').getByText(team.name).click();
  await page.goto('/projects');
  await expect(page.getByRole('button', { name: /New project/ })).toBeDisabled();
  await expect(page.getByTestId('guarded')).toContainText(
    'Workers may not create projects in this organization.',
  );
  // The job's issue: the worker's own comment may be edited, the owner's not.
  await page.goto(`/jobs/${team.jobId}`);
  const theirs = page.locator('[data-testid^="comment-"]').filter({ hasText: 'Please redraw it' });
  const mine = page.locator('[data-testid^="comment-"]').filter({ hasText: 'On it' });
  await expect(theirs).toContainText('Please redraw it');
  await expect(mine.getByRole('button', { name: 'Edit comment' })).toBeVisible();
  await expect(mine.getByRole('button', { name: 'Delete comment' })).toBeVisible();
  await expect(theirs.getByRole('button', { name: 'Edit comment' })).toHaveCount(0);
  await expect(theirs.getByRole('button', { name: 'Delete comment' })).toHaveCount(0);
});

test("the owner's view: everything is offered", async ({ team, ownerPage: page }) => {
  test.setTimeout(60_000);
  await page.goto(`/organizations/${team.slug}/webhooks`);
  await expect(page.getByLabel('Add a webhook')).toBeEnabled();
  await expect(page.getByTestId('webhooks-notice')).toHaveCount(0);
  await expect(page.getByTestId(`webhook-${team.orgHookId}`)).toBeVisible();
  await page.goto(`/jobs/${team.jobId}`);
  await expect(
    page
      .locator('[data-testid^="comment-"]')
      .filter({ hasText: 'On it' })
      .getByRole('button', { name: 'Edit comment' }),
  ).toBeVisible();
  await page.goto(`/projects/${team.projectId}`);
  await expect(page.getByRole('button', { name: 'New task' })).toBeEnabled();
});
