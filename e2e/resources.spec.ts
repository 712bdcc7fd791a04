import { create, expect, suffixOf, test, uploadFrames } from './fixtures';
import { makePng } from './png';
import { actionDone, choose } from './page-helpers';
import { shoot } from './shoot';

// The console, one flow at a time: signing in and registering; an owner creates an organization and
// invites someone, who accepts; projects with labels, found by search and renamed from the Actions menu
// (by keyboard too); a task with images whose jobs are edited in place; an issue drawn on a frame,
// discussed and resolved; what an assignee and an outsider see.

test.use({ actionTimeout: 15_000 });

test('the sign-in page: a signed-out visitor is sent there, and a wrong password is refused', async ({
  page,
}) => {
  test.setTimeout(60_000);
  await page.goto('/projects');
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel('Username').fill('nobody');
  await page.getByLabel('Password').fill('wrong-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Invalid username or password' })).toBeVisible();
  await shoot(page, 'login', { mobile: true });
});

test('registering through the form: a mismatched confirmation is caught first, then the person is in', async ({
  page,
}) => {
  test.setTimeout(60_000);
  const username = `alice-${suffixOf()}`;
  const password = 'alice-password-1';
  await page.goto('/login');
  await page.getByRole('link', { name: 'Create one' }).click();
  await expect(page.getByRole('heading', { name: 'Create an account' })).toBeVisible();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Email').fill(`${username}@example.test`);
  await page.getByLabel('First name').fill('Alice');
  await page.getByLabel('Last name').fill('Liddell');
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Confirm password').fill('something-else');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText("The two password fields didn't match.")).toBeVisible();
  await page.getByLabel('Confirm password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/projects/);
  await expect(page.getByTestId('user-menu')).toContainText(username);
});

test('an organization created from the switcher, its description edited', async ({
  api,
  person,
  personPage: a,
}) => {
  test.setTimeout(60_000);
  const suffix = suffixOf();
  const slug = `e2e-${suffix}`;
  await choose(a, 'Organization', '+ New organization');
  const dialog = a.getByRole('dialog', { name: 'New organization' });
  await dialog.getByLabel('Short name (slug)').fill(slug);
  await dialog.getByLabel('Full name').fill(`Annotators ${suffix}`);
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(a).toHaveURL(new RegExp(`/organizations/${slug}$`));
  await expect(a.getByRole('heading', { name: `Annotators ${suffix}` })).toBeVisible();
  await expect(a.getByRole('menuitem', { name: 'Organization' })).toBeVisible();
  await a.getByLabel('Description', { exact: true }).fill('People who draw boxes.');
  const saved = actionDone(a);
  await a.getByRole('button', { name: 'Save' }).click();
  await saved;
  const org = (await api(person, 'get', '/api/organizations')).body.results.find(
    (o: { slug: string }) => o.slug === slug,
  );
  expect(org).toMatchObject({ slug, name: `Annotators ${suffix}`, description: 'People who draw boxes.' });
});

test('an invitation: the owner invites by email, the person accepts, then becomes a supervisor', async ({
  org,
  makePerson,
  signIn,
  ownerPage: a,
}) => {
  test.setTimeout(90_000);
  const bob = await makePerson('bob', { first_name: 'Bob', last_name: 'Builder' });
  await a.goto(`/organizations/${org.slug}`);
  await a.getByLabel('Email to invite').fill(bob.email);
  const invited = actionDone(a);
  await a.getByRole('button', { name: 'Invite' }).click();
  await invited;
  await expect(a.getByRole('cell', { name: new RegExp(bob.username) })).toBeVisible();

  const b = await signIn(bob);
  const invitation = b.getByTestId('invitations');
  await expect(invitation).toContainText(org.name);
  await invitation.getByRole('button', { name: 'Accept' }).click();
  await expect(b.getByText(`You joined ${org.name}.`)).toBeVisible();
  await expect(b.getByTestId('invitations')).toHaveCount(0);
  await expect(b.getByTestId('org-switcher')).toContainText(org.name);

  await a.reload();
  await expect(a.getByTestId(`member-${bob.username}`)).toBeVisible();
  const roleChanged = actionDone(a);
  await choose(a, `Role of ${bob.username}`, 'supervisor');
  await roleChanged;
  await expect(a.getByText(`${bob.username} is now supervisor.`)).toBeVisible();
  await shoot(a, 'organization', { mobile: true });
});

test('a project with labels, created from the list and found again by search', async ({ personPage: a }) => {
  test.setTimeout(75_000);
  const projectName = `Street scenes ${suffixOf()}`;
  await a.getByRole('menuitem', { name: 'Projects' }).click();
  await expect(a).toHaveURL(/\/projects$/);
  await a.getByRole('button', { name: 'New project' }).click();
  const dialog = a.getByRole('dialog', { name: 'New project' });
  await dialog.getByLabel('Name').fill(projectName);
  const labels = dialog.getByLabel('Labels');
  for (const label of ['car', 'person', 'bicycle']) {
    await labels.fill(label);
    await labels.press('Enter');
  }
  await expect(dialog.locator('.ant-select-selection-item')).toHaveCount(3);
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(a).toHaveURL(/\/projects\/\d+$/);
  const projectId = Number(a.url().split('/').pop());
  await expect(a.getByRole('heading', { name: projectName })).toBeVisible();
  await expect(a.getByText('bicycle')).toBeVisible();

  await a.getByRole('link', { name: 'Projects' }).first().click();
  await a.getByLabel('Search projects').fill(projectName.split(' ').pop()!);
  await a.getByLabel('Search projects').press('Enter');
  await expect(a).toHaveURL(/search=/);
  await expect(a.getByRole('link', { name: projectName })).toBeVisible();
  await shoot(a, 'projects', { mobile: true });
  await a.getByRole('link', { name: projectName }).click();
  await expect(a).toHaveURL(new RegExp(`/projects/${projectId}$`));
});

test("the project's Actions menu offers Setup webhooks, Edit and Delete, by keyboard too; Edit renames", async ({
  api,
  person,
  personPage: a,
}) => {
  test.setTimeout(60_000);
  const projectName = `Street scenes ${suffixOf()}`;
  const project = await create(api, person, '/api/projects', {
    name: projectName,
    labels: [{ name: 'car' }],
  });
  await a.goto(`/projects/${project.id}`);
  await a.getByRole('button', { name: 'Actions' }).click();
  await expect(a.getByRole('menuitem', { name: 'Setup webhooks' })).toBeVisible();
  await expect(a.getByRole('link', { name: 'Setup webhooks' })).toHaveAttribute(
    'href',
    `/projects/${project.id}/webhooks`,
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
});

test("a task with three frames, two per job, uploaded from the project; a job's assignee, stage and state edited in place", async ({
  api,
  org,
  worker,
  ownerPage: a,
}) => {
  test.setTimeout(90_000);
  const projectName = `Street scenes ${org.suffix}`;
  const taskName = `Batch ${org.suffix}`;
  const project = await create(
    api,
    org.owner,
    '/api/projects',
    { name: projectName, labels: [{ name: 'car' }] },
    org.slug,
  );
  await a.goto(`/projects/${project.id}`);
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

  let change = actionDone(a);
  await choose(
    a,
    `Assignee of job ${jobId}`,
    `${worker.first_name} ${worker.last_name} (${worker.username})`,
    'Walt',
  );
  await change;
  change = actionDone(a);
  await choose(a, `Stage of job ${jobId}`, 'validation');
  await change;
  change = actionDone(a);
  await choose(a, `State of job ${jobId}`, 'in progress');
  await change;
  await expect(a.getByTestId(`job-${jobId}-assignee`)).toContainText(worker.username);
  await expect(a.getByTestId(`job-${jobId}-stage`)).toContainText('validation');
  await expect(a.getByTestId(`job-${jobId}-state`)).toContainText('in progress');
  const job = await (await a.request.get(`/api/jobs/${jobId}`)).json();
  expect(job).toMatchObject({
    stage: 'validation',
    state: 'in progress',
    assignee: { username: worker.username },
  });
  await shoot(a, 'task');

  // The project page lists the task.
  await a.goto(`/projects/${project.id}`);
  await expect(a.getByRole('link', { name: taskName })).toBeVisible();
  await shoot(a, 'project', { mobile: true });
});

test('an issue drawn on a frame of the job page, then commented on, the comment edited, and resolved', async ({
  api,
  request,
  person,
  personPage: a,
}) => {
  test.setTimeout(90_000);
  const project = await create(api, person, '/api/projects', {
    name: `Frames ${suffixOf()}`,
    labels: [{ name: 'car' }],
  });
  const task = await create(api, person, '/api/tasks', {
    name: 'Batch',
    project_id: project.id,
    segment_size: 2,
  });
  await uploadFrames(request, person, task.id, { count: 3, width: 320, height: 240 });
  const jobId = (await api(person, 'get', `/api/jobs?task_id=${task.id}&sort=id`)).body.results[0]
    .id as number;

  // Next frame, then drag a rectangle to open an issue there.
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
});

test('the assignee sees their job on /jobs, and signing out leads back to the sign-in page', async ({
  team,
  workerPage: b,
}) => {
  test.setTimeout(60_000);
  // In the organization's workspace, as after accepting its invitation.
  await b.getByTestId('org-switcher').click();
  await b.locator('.ant-select-dropdown:visible').getByText(team.name).click();
  await b.goto('/jobs');
  await expect(b.getByRole('link', { name: `Job #${team.jobId}` })).toBeVisible();
  await b.getByTestId('user-menu').click();
  await b.getByRole('menuitem', { name: 'Sign out' }).click();
  await expect(b).toHaveURL(/\/login/);
});

test('someone outside the organization: an empty project list, and a clear refusal for its project', async ({
  team,
  personPage: c,
}) => {
  test.setTimeout(60_000);
  await expect(c.getByText('No projects yet')).toBeVisible();
  await c.goto(`/projects/${team.projectId}`);
  await expect(c.getByText('You are not allowed to see this')).toBeVisible();
});
