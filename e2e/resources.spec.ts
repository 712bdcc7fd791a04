import { expect, test, type Page } from '@playwright/test';
import { makePng } from './png';
import { actionDone, shoot, signIn } from './support';

// One story through the console, as two people: A owns an organization and invites B; A creates a
// project with labels, a task with images, edits a job, and opens, discusses and resolves an issue.

const suffix = Math.random().toString(36).slice(2, 8);
const alice = {
  username: `alice-${suffix}`,
  email: `alice-${suffix}@example.test`,
  password: 'alice-password-1',
};
const bob = { username: `bob-${suffix}`, email: `bob-${suffix}@example.test`, password: 'bob-password-12' };
const orgSlug = `e2e-${suffix}`;
const projectName = `Street scenes ${suffix}`;
const taskName = `Batch ${suffix}`;

/** Picks `option` in the antd Select labelled `label`. */
async function choose(page: Page, label: string, option: string, search?: string) {
  await page.getByLabel(label).click();
  if (search) await page.getByLabel(label).fill(search);
  await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${option}"]`).click();
}

/** The page's next change (a server action) has answered; `_what` names it for the reader. */
function patched(page: Page, _what: RegExp) {
  return actionDone(page);
}

test('people, organization, project, task, jobs and issues through the console', async ({
  browser,
  request,
}) => {
  test.setTimeout(240_000);

  // Sign-in page, and a wrong password.
  const anon = await browser.newPage();
  await anon.goto('/projects');
  await expect(anon).toHaveURL(/\/login/);
  await anon.getByLabel('Username').fill('nobody');
  await anon.getByLabel('Password').fill('wrong-password');
  await anon.getByRole('button', { name: 'Sign in' }).click();
  await expect(anon.getByRole('alert').filter({ hasText: 'Invalid username or password' })).toBeVisible();
  await shoot(anon, 'login', { mobile: true });

  // A registers through the form (a mismatched confirmation is caught first); B through the API.
  await anon.getByRole('link', { name: 'Create one' }).click();
  await expect(anon.getByRole('heading', { name: 'Create an account' })).toBeVisible();
  await anon.getByLabel('Username').fill(alice.username);
  await anon.getByLabel('Email').fill(alice.email);
  await anon.getByLabel('First name').fill('Alice');
  await anon.getByLabel('Last name').fill('Liddell');
  await anon.getByLabel('Password', { exact: true }).fill(alice.password);
  await anon.getByLabel('Confirm password').fill('something-else');
  await anon.getByRole('button', { name: 'Create account' }).click();
  await expect(anon.getByText("The two password fields didn't match.")).toBeVisible();
  await anon.getByLabel('Confirm password').fill(alice.password);
  await anon.getByRole('button', { name: 'Create account' }).click();
  await expect(anon).toHaveURL(/\/projects/);
  const a = anon;
  await expect(a.getByTestId('user-menu')).toContainText(alice.username);

  const registered = await request.post('/api/auth/register', {
    data: {
      username: bob.username,
      email: bob.email,
      password1: bob.password,
      password2: bob.password,
      first_name: 'Bob',
      last_name: 'Builder',
    },
  });
  expect(registered.status()).toBe(201);

  // A creates an organization from the switcher.
  await choose(a, 'Organization', '+ New organization');
  const orgDialog = a.getByRole('dialog', { name: 'New organization' });
  await orgDialog.getByLabel('Short name (slug)').fill(orgSlug);
  await orgDialog.getByLabel('Full name').fill(`Annotators ${suffix}`);
  await orgDialog.getByRole('button', { name: 'Create' }).click();
  await expect(a).toHaveURL(new RegExp(`/organizations/${orgSlug}$`));
  await expect(a.getByRole('heading', { name: `Annotators ${suffix}` })).toBeVisible();
  await expect(a.getByRole('menuitem', { name: 'Organization' })).toBeVisible();

  // Edit the description, then invite B as a worker.
  await a.getByLabel('Description', { exact: true }).fill('People who draw boxes.');
  const saved = patched(a, /\/api\/organizations\/\d+$/);
  await a.getByRole('button', { name: 'Save' }).click();
  await saved;
  await a.getByLabel('Email to invite').fill(bob.email);
  const invited = patched(a, /\/api\/invitations$/);
  await a.getByRole('button', { name: 'Invite' }).click();
  await invited;
  await expect(a.getByRole('cell', { name: new RegExp(bob.username) })).toBeVisible();

  // B signs in, sees the invitation and accepts it.
  const b = await signIn(browser, bob);
  const invitation = b.getByTestId('invitations');
  await expect(invitation).toContainText(`Annotators ${suffix}`);
  await invitation.getByRole('button', { name: 'Accept' }).click();
  await expect(b.getByText(`You joined Annotators ${suffix}.`)).toBeVisible();
  await expect(b.getByTestId('invitations')).toHaveCount(0);
  await expect(b.getByTestId('org-switcher')).toContainText(`Annotators ${suffix}`);

  // A sees B as a member and makes them a supervisor.
  await a.reload();
  await expect(a.getByTestId(`member-${bob.username}`)).toBeVisible();
  const roleChanged = patched(a, /\/api\/memberships\/\d+$/);
  await choose(a, `Role of ${bob.username}`, 'supervisor');
  await roleChanged;
  await expect(a.getByText(`${bob.username} is now supervisor.`)).toBeVisible();
  await shoot(a, 'organization', { mobile: true });

  // A creates a project with labels in the organization.
  await a.getByRole('menuitem', { name: 'Projects' }).click();
  await expect(a).toHaveURL(/\/projects$/);
  await a.getByRole('button', { name: 'New project' }).click();
  const projectDialog = a.getByRole('dialog', { name: 'New project' });
  await projectDialog.getByLabel('Name').fill(projectName);
  const labels = projectDialog.getByLabel('Labels');
  for (const label of ['car', 'person', 'bicycle']) {
    await labels.fill(label);
    await labels.press('Enter');
  }
  await expect(projectDialog.locator('.ant-select-selection-item')).toHaveCount(3);
  await projectDialog.getByRole('button', { name: 'Create' }).click();
  await expect(a).toHaveURL(/\/projects\/\d+$/);
  const projectId = Number(a.url().split('/').pop());
  await expect(a.getByRole('heading', { name: projectName })).toBeVisible();
  await expect(a.getByText('bicycle')).toBeVisible();

  // The list finds it by search.
  await a.getByRole('link', { name: 'Projects' }).first().click();
  await a.getByLabel('Search projects').fill(suffix);
  await a.getByLabel('Search projects').press('Enter');
  await expect(a).toHaveURL(/search=/);
  await expect(a.getByRole('link', { name: projectName })).toBeVisible();
  await shoot(a, 'projects', { mobile: true });
  await a.getByRole('link', { name: projectName }).click();
  await expect(a).toHaveURL(new RegExp(`/projects/${projectId}$`));

  // The Actions menu offers Setup webhooks, Edit and Delete; rename through Edit.
  await a.getByRole('button', { name: 'Actions' }).click();
  await expect(a.getByRole('menuitem', { name: 'Setup webhooks' })).toBeVisible();
  await expect(a.getByRole('link', { name: 'Setup webhooks' })).toHaveAttribute(
    'href',
    `/projects/${projectId}/webhooks`,
  );
  await expect(a.getByRole('menuitem', { name: 'Delete' })).toBeVisible();
  // Keyboard: the menu takes the focus, arrows move, Enter picks Edit.
  await a.keyboard.press('Escape');
  await expect(a.getByRole('menuitem', { name: 'Edit' })).toBeHidden();
  await a.getByRole('button', { name: 'Actions' }).focus();
  await a.keyboard.press('Enter');
  await expect(a.getByRole('menuitem', { name: 'Edit' })).toBeVisible();
  await expect(a.locator('.ant-dropdown-menu')).toBeFocused();
  // One key at a time, each seen to land before the next: on a loaded machine a key sent early was lost.
  const activeItem = a.locator('.ant-dropdown-menu-item-active');
  await a.keyboard.press('ArrowDown');
  await expect(activeItem).toHaveText('Setup webhooks');
  await a.keyboard.press('ArrowDown');
  await expect(activeItem).toHaveText('Edit');
  await a.keyboard.press('Enter');
  const editDialog = a.getByRole('dialog', { name: 'Edit project' });
  await editDialog.getByLabel('Name').fill(`${projectName} v2`);
  await editDialog.getByRole('button', { name: 'Save' }).click();
  await expect(a.getByRole('heading', { name: `${projectName} v2` })).toBeVisible();

  // A creates a task of three frames, two per job, and uploads the images.
  await a.getByRole('button', { name: 'New task' }).click();
  const taskDialog = a.getByRole('dialog', { name: 'New task' });
  await taskDialog.getByLabel('Name').fill(taskName);
  await taskDialog.getByLabel('Segment size').fill('2');
  await taskDialog
    .locator('input[type=file]')
    .setInputFiles(
      [0, 1, 2].map((i) => ({ name: `frame-${i}.png`, mimeType: 'image/png', buffer: makePng(320, 240, i) })),
    );
  await expect(taskDialog.getByText('frame-2.png')).toBeVisible();
  await taskDialog.getByRole('button', { name: 'Create and upload' }).click();
  await expect(a).toHaveURL(/\/tasks\/\d+$/, { timeout: 30_000 });
  await expect(a.getByRole('heading', { name: taskName })).toBeVisible();
  const jobLinks = a.getByRole('link', { name: /^Job #\d+$/ });
  await expect(jobLinks).toHaveCount(2);
  const jobId = Number((await jobLinks.first().textContent())!.replace('Job #', ''));

  // Assignee, stage and state of the first job, edited in place.
  let change = patched(a, /\/api\/jobs\/\d+$/);
  await choose(a, `Assignee of job ${jobId}`, `Bob Builder (${bob.username})`, 'Bob');
  await change;
  change = patched(a, /\/api\/jobs\/\d+$/);
  await choose(a, `Stage of job ${jobId}`, 'validation');
  await change;
  change = patched(a, /\/api\/jobs\/\d+$/);
  await choose(a, `State of job ${jobId}`, 'in progress');
  await change;
  await expect(a.getByTestId(`job-${jobId}-assignee`)).toContainText(bob.username);
  await expect(a.getByTestId(`job-${jobId}-stage`)).toContainText('validation');
  await expect(a.getByTestId(`job-${jobId}-state`)).toContainText('in progress');
  const job = await (await a.request.get(`/api/jobs/${jobId}`)).json();
  expect(job).toMatchObject({
    stage: 'validation',
    state: 'in progress',
    assignee: { username: bob.username },
  });
  await shoot(a, 'task');

  // The project page lists the task.
  await a.goto(`/projects/${projectId}`);
  await expect(a.getByRole('link', { name: taskName })).toBeVisible();
  await shoot(a, 'project', { mobile: true });

  // The job page: next frame, then drag a rectangle to open an issue there.
  await a.goto(`/jobs/${jobId}`);
  await expect(a.getByTestId('frame-number')).toHaveText('Frame 0');
  await a.getByRole('button', { name: 'Next frame' }).click();
  await expect(a.getByTestId('frame-number')).toHaveText('Frame 1');
  await expect(a.getByRole('button', { name: 'Next frame' })).toBeDisabled();
  const image = a.getByRole('img', { name: 'Frame 1' });
  await expect(image).toBeVisible();
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(320);
  const box = (await image.boundingBox())!;
  await a.mouse.move(box.x + box.width * 0.25, box.y + box.height * 0.25);
  await a.mouse.down();
  await a.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.6, { steps: 8 });
  await a.mouse.up();
  const newIssue = a.getByTestId('new-issue');
  await expect(newIssue).toContainText('New issue on frame 1');
  await newIssue.getByLabel('Issue description').fill('The box misses the wheel.');
  const opened = actionDone(a);
  await newIssue.getByRole('button', { name: 'Open issue' }).click();
  await opened;
  await expect(newIssue).toHaveCount(0);
  const issue = (await (await a.request.get(`/api/issues?job_id=${jobId}&sort=-id&page_size=1`)).json())
    .results[0];
  expect(issue.frame).toBe(1);
  expect(issue.position).toHaveLength(4);
  // The rectangle is in image pixels: about (80, 60) to (160, 144) of the 320x240 frame.
  expect(issue.position[0]).toBeGreaterThan(70);
  expect(issue.position[0]).toBeLessThan(90);
  expect(issue.position[3]).toBeGreaterThan(134);
  expect(issue.position[3]).toBeLessThan(154);
  const card = a.getByTestId(`issue-${issue.id}`);
  await expect(card).toContainText('The box misses the wheel.');
  await expect(card).toContainText('Open');

  // Comment, edit the comment, resolve.
  await card.getByLabel(`Comment on issue ${issue.id}`).fill('Fixed in the next pass?');
  await card.getByRole('button', { name: 'Comment', exact: true }).click();
  await expect(card).toContainText('Fixed in the next pass?');
  const comments = card.locator('[data-testid^="comment-"]');
  await expect(comments).toHaveCount(2);
  await expect(comments.first()).toContainText('The box misses the wheel.');
  await comments.last().getByRole('button', { name: 'Edit comment' }).click();
  await card.getByLabel('Edit comment text').fill('Fixed in the next pass.');
  await card.getByRole('button', { name: 'Save' }).click();
  await expect(card).toContainText('Fixed in the next pass.');
  await expect(comments.last()).toContainText('(edited)');
  await expect(comments.first()).toContainText('The box misses the wheel.');
  await card.getByRole('button', { name: 'Resolve' }).click();
  await expect(card).toContainText('Resolved');
  await expect(card.getByRole('button', { name: 'Reopen' })).toBeVisible();
  await shoot(a, 'job', { mobile: true });

  // B, now a supervisor, sees the job assigned to them.
  await b.goto('/jobs');
  await expect(b.getByRole('link', { name: `Job #${jobId}` })).toBeVisible();

  // Signing out leads back to the sign-in page.
  await b.getByTestId('user-menu').click();
  await b.getByRole('menuitem', { name: 'Sign out' }).click();
  await expect(b).toHaveURL(/\/login/);

  // Someone outside the organization: an empty project list, and a clear refusal for A's project.
  const carol = { username: `carol-${suffix}`, password: 'carol-password-1' };
  const carolRegistered = await request.post('/api/auth/register', {
    data: {
      username: carol.username,
      email: `carol-${suffix}@example.test`,
      password1: carol.password,
      password2: carol.password,
    },
  });
  expect(carolRegistered.status()).toBe(201);
  const c = await signIn(browser, carol);
  await expect(c.getByText('No projects yet')).toBeVisible();
  await c.goto(`/projects/${projectId}`);
  await expect(c.getByText('You are not allowed to see this')).toBeVisible();
});
