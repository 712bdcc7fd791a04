import { describe, expect, it } from 'vitest';
import { describeForLog } from './describe-for-log';

describe('describeForLog', () => {
  it('keeps the statement and the cause but never the query parameters', () => {
    const error = Object.assign(
      new Error('Failed query: insert into "webhooks" ("secret") values ($1)\nparams: whsec_topsecret,other'),
      {
        cause: { code: '23505', message: 'duplicate key value' },
      },
    );
    const logged = describeForLog(error);
    expect(logged).toContain('insert into "webhooks"');
    expect(logged).toContain('23505 duplicate key value');
    expect(logged).not.toContain('whsec_topsecret');
  });
});
