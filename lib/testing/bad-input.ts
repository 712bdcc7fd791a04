import { call, type Reply, type TestUser } from './test-api';

/**
 * The generated bad-input sweep of quality.md, shared by the resource and webhook sweeps: malformed JSON,
 * non-objects, wrong content types, oversized and unknown fields, and each field replaced by values it
 * cannot take.
 */

export type Endpoint = {
  method: 'POST' | 'PATCH' | 'PUT';
  path: string;
  body: Record<string, unknown>;
  as: TestUser | null;
};

// Values that no field of any endpoint accepts.
export const POISON: [string, unknown][] = [
  ['object', { nested: { deeper: true } }],
  ['huge string', 'x'.repeat(100_000)],
  ['huge number', 1e300],
  ['negative', -1],
  ['array of arrays', [[]]],
  ['NUL string', 'a\u0000b'],
];

/** Path ids that cannot name a row: each must be a 404, never a 500. */
export const BAD_IDS = [
  '0',
  '-1',
  'abc',
  '1.5',
  '1e3',
  '99999999999',
  '9999999999999999999',
  '2147483648',
  '2147483647',
  '0x10',
  ' 1',
  '%00',
  'x'.repeat(500),
];

/** Query parameters every list gets; a filter a list does not have is ignored, anything else is a 4xx. */
export const BAD_LIST_PARAMS = [
  'page=0',
  'page=-1',
  'page=x',
  'page=99999999999999999999',
  'page_size=0',
  'page_size=-1',
  'page_size=x',
  'page_size=1e400',
  'sort=nope',
  'sort=-',
  'sort=,',
  `search=${'s'.repeat(300)}`,
  'search=%00',
  'org_id=x',
  'org_id=-1',
  'org_id=99999999999',
  'org=%00',
  `org=${'o'.repeat(300)}`,
  'id=x',
  'id=-1',
  'id=99999999999',
  'name=%00',
  'username=%00',
  'owner=%00',
  'assignee=%00',
  'user=%00',
  'role=%00',
  'task_id=99999999999',
  'project_id=-5',
  'job_id=1e3',
  'issue_id=x',
  'stage=%00',
  'state=%00',
  'resolved=%00',
  'slug=%00',
  'subset=%00',
  'status=%00',
];

/** Values of the wrong JSON type for a field whose valid value is `valid` (null included: for non-nullable fields). */
export function wrongTypes(valid: unknown): [string, unknown][] {
  const common: [string, unknown][] = [
    ['null', null],
    ['empty object', {}],
  ];
  if (typeof valid === 'string')
    return [...common, ['number', 42], ['boolean', true], ['list of it', [valid]]];
  if (typeof valid === 'boolean')
    return [...common, ['string', String(valid)], ['number', 1], ['list of it', [valid]]];
  if (typeof valid === 'number')
    return [
      ...common,
      ['string', String(valid)],
      ['fraction', valid + 0.5],
      ['boolean', true],
      ['list of it', [valid]],
    ];
  if (Array.isArray(valid)) {
    // Long enough to pass any item limit, short enough to stay under the 1 MiB body limit.
    return [
      ...common,
      ['string', 'x'],
      ['list of numbers', [1]],
      ['list of nulls', [null]],
      ['huge list', Array(10_000).fill(valid[0] ?? 'x')],
    ];
  }
  return common;
}

/** Collects every answer that is not the expected 4xx with a message (a 400 naming `field` when given). */
export function answerCheck() {
  const failures: string[] = [];
  let requests = 0;
  const check = (label: string, reply: Reply, status: number, field?: string) => {
    requests++;
    const keys = reply.body && typeof reply.body === 'object' ? Object.keys(reply.body) : [];
    const named = field === undefined || keys.some((k) => k === field || k.startsWith(`${field}.`));
    if (reply.status !== status || keys.length === 0 || !named)
      failures.push(`${label}: ${reply.status} ${JSON.stringify(reply.body).slice(0, 160)}`);
  };
  return { check, failures, requests: () => requests };
}

export type Check = ReturnType<typeof answerCheck>['check'];

/** Sends `e` every generated variant of its valid body; `values` gives the bad values tried in each field. */
export async function sweepEndpoint(
  e: Endpoint,
  check: Check,
  values: (field: string, valid: unknown) => [string, unknown][] = () => POISON,
) {
  const send = (body: unknown, extra: { raw?: BodyInit; contentType?: string } = {}) =>
    call(e.method, e.path, body, { as: e.as, ...extra });
  const label = `${e.method} ${e.path}`;
  check(
    `${label} malformed`,
    await send(undefined, { raw: '{"name": ', contentType: 'application/json' }),
    400,
    'non_field_errors',
  );
  // An action without input (ping, redelivery) is called with an empty body.
  if (Object.keys(e.body).length > 0)
    check(
      `${label} empty body`,
      await send(undefined, { raw: '', contentType: 'application/json' }),
      400,
      'non_field_errors',
    );
  for (const body of [null, [], 'text', 42, true])
    check(`${label} body ${JSON.stringify(body)}`, await send(body), 400, 'non_field_errors');
  check(
    `${label} text/plain`,
    await send(undefined, { raw: JSON.stringify(e.body), contentType: 'text/plain' }),
    415,
  );
  check(`${label} no content type`, await send(undefined, { raw: JSON.stringify(e.body) }), 415);
  check(
    `${label} form`,
    await send(undefined, {
      raw: new URLSearchParams({ a: 'b' }),
      contentType: 'application/x-www-form-urlencoded',
    }),
    415,
  );
  check(`${label} > 1 MiB`, await send({ ...e.body, pad: 'x'.repeat(1_100_000) }), 413);
  // Chunked, with no Content-Length to refuse it by: cut at the limit all the same.
  const chunked = new ReadableStream({
    start(controller) {
      for (let i = 0; i < 20; i++)
        controller.enqueue(new TextEncoder().encode(i === 0 ? '{"pad": "' : 'x'.repeat(100_000)));
      controller.close();
    },
  });
  check(
    `${label} > 1 MiB chunked`,
    await send(undefined, { raw: chunked, contentType: 'application/json' }),
    413,
  );
  check(`${label} unknown field`, await send({ ...e.body, surprise: 1 }), 400, 'surprise');
  // Keys that name Object.prototype members are fields like any other.
  for (const key of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
    const raw = `{${Object.entries(e.body)
      .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}, `)
      .join('')}${JSON.stringify(key)}: 1}`;
    check(`${label} key ${key}`, await send(undefined, { raw, contentType: 'application/json' }), 400, key);
  }
  check(
    `${label} 10,000 deep`,
    await send(undefined, {
      raw: `{"deep": ${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
      contentType: 'application/json',
    }),
    400,
  );
  check(`${label} unknown nested`, await send({ ...e.body, 'a\u0000': 1 }), 400);
  for (const [field, valid] of Object.entries(e.body)) {
    for (const [name, value] of values(field, valid))
      check(`${label} ${field}=${name}`, await send({ ...e.body, [field]: value }), 400, field);
  }
}
