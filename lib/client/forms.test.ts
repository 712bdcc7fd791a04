import { expect, it } from 'vitest';
import { z } from 'zod';

/**
 * The webhook form checks its body with the API's own schema before sending it: what it shows under each
 * field must be what the API's 400 would have said. The browser's modules are loaded first, in a process
 * where no server module has configured zod yet, as in a browser (zod keeps its error map on globalThis).
 */
it('the form shows the messages the API answers for the same bad webhook', async () => {
  z.config({ customError: undefined });
  const { formErrorsOf } = await import('@/lib/client/forms');
  const { createWebhookSchema } = await import('@/lib/webhooks/schemas');
  const bad = {
    target_url: 'ftp://example.test/hook',
    content_type: 'text/xml',
    type: 'project',
    project_id: 'seven',
    description: 'd'.repeat(129),
    rate_limit: 0,
  };
  const inForm = Object.fromEntries(formErrorsOf(createWebhookSchema, bad) ?? []);

  const { api, createUser } = await import('@/lib/testing/test-api');
  const user = await createUser('contract');
  const reply = await api.post('/api/webhooks?org_id=', bad, { as: user });
  expect(reply.status).toBe(400);
  expect(inForm).toEqual(reply.body);
  // DRF's wording, from the shared error map, not zod's own ("Invalid input: expected array, ...").
  expect(inForm).toMatchObject({
    events: ['This field is required.'],
    project_id: ['Expected number, received string.'],
    content_type: ['"text/xml" is not a valid choice.'],
    target_url: ['Enter a valid URL with an http or https scheme and a host.'],
  });
});
