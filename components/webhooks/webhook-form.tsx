'use client';

import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Checkbox,
  Flex,
  Form,
  Input,
  InputNumber,
  Radio,
  Select,
  Space,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { CopyButton } from '@/components/common/copy-button';
import { createWebhookAction, updateWebhookAction } from '@/lib/actions/webhooks';
import { callAction } from '@/lib/client/actions';
import { ApiRequestError, type OrgScope } from '@/lib/client/api';
import { applyServerErrors, validateWith } from '@/lib/client/forms';
import { useApiQuery } from '@/lib/client/hooks';
import { queryKeys } from '@/lib/client/query-keys';
import type { Organization, Paginated, Project } from '@/lib/client/types';
import { generateSecret, type Webhook } from '@/lib/client/webhooks';
import { eventsFor, groupEvents, type WebhookType } from '@/lib/webhooks/events';
import {
  createWebhookSchema,
  DESCRIPTION_MAX,
  HEADER_VALUE_MAX,
  HEADERS_MAX,
  MASKED_VALUE,
  RATE_LIMIT_MAX,
  SECRET_MAX,
  updateWebhookSchema,
} from '@/lib/webhooks/schemas';
import type { User } from '@/lib/client/types';
import { useQueryClient } from '@tanstack/react-query';
import styles from './webhooks.module.css';

type Values = {
  target_url: string;
  description: string;
  project_id?: number | null;
  content_type: 'application/json';
  secret?: string;
  enable_ssl: boolean;
  is_active: boolean;
  rate_limit: number | null;
  ordering: 'unordered' | 'fifo';
  mode: 'all' | 'some';
  events: string[];
  /** Custom headers as rows; a stored value shows as MASKED_VALUE and is kept unless retyped. */
  header_rows?: { name?: string; value?: string }[];
  /** Administrators only, on create: a server webhook instead of a project or organization one. */
  is_server?: boolean;
};

const FIELDS = [
  'target_url',
  'description',
  'project_id',
  'content_type',
  'secret',
  'enable_ssl',
  'is_active',
  'rate_limit',
  'ordering',
  'events',
  'headers',
];

/** The rows as the API's `headers` object (rows with neither name nor value are skipped). */
function headersOf(rows: Values['header_rows']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const row of rows ?? []) {
    const name = (row?.name ?? '').trim();
    if (name || row?.value) out[name] = row?.value ?? '';
  }
  return out;
}

export type WebhookFormProps =
  | {
      mode: 'create';
      org: Organization | null;
      project: Project | null;
      isStaff: boolean;
      onSaved: (w: Webhook) => void;
      onCancel: () => void;
    }
  | { mode: 'edit'; webhook: Webhook; onSaved: (w: Webhook) => void; onCancel: () => void };

/** "Setup a webhook": the create and edit form of ui.md, validated with the API's own schemas. */
export function WebhookForm(props: WebhookFormProps) {
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [showSecret, setShowSecret] = useState(false);
  const [secretNote, setSecretNote] = useState<string | null>(null);
  const [cleared, setCleared] = useState(false);
  const editing = props.mode === 'edit' ? props.webhook : null;
  const org = props.mode === 'create' ? props.org : null;
  // Projects and the new webhook live in the context of the organization (or the personal workspace).
  const scope: OrgScope = props.mode === 'create' ? (props.org ? { id: props.org.id } : null) : undefined;

  const projectId = Form.useWatch('project_id', form);
  const sendMode = Form.useWatch('mode', form) ?? 'all';
  const secretValue = Form.useWatch('secret', form);
  const isServer = Form.useWatch('is_server', form) ?? false;
  const self = useApiQuery<User>('/users/self', undefined, { global: true, staleTime: 60_000 });
  const isAdmin = Boolean(self.data?.is_superuser);
  const type: WebhookType = editing
    ? editing.type
    : isServer
      ? 'server'
      : projectId
        ? 'project'
        : 'organization';

  // Read once, when the form mounts: antd's Form takes initial values only then.
  const [initialValues] = useState<Values>(() => {
    if (editing) {
      const all = eventsFor(editing.type).every((e) => editing.events.includes(e.key));
      return {
        target_url: editing.target_url,
        description: editing.description,
        content_type: 'application/json',
        secret: '',
        enable_ssl: editing.enable_ssl,
        is_active: editing.is_active,
        rate_limit: editing.rate_limit,
        ordering: editing.ordering,
        mode: all ? 'all' : 'some',
        events: editing.events,
        header_rows: Object.keys(editing.headers ?? {}).map((name) => ({ name, value: MASKED_VALUE })),
      };
    }
    return {
      target_url: '',
      description: '',
      project_id: props.mode === 'create' ? (props.project?.id ?? undefined) : undefined,
      content_type: 'application/json',
      secret: '',
      enable_ssl: true,
      is_active: true,
      rate_limit: null,
      ordering: 'unordered',
      mode: 'all',
      events: [],
      header_rows: [],
      is_server: false,
    };
  });

  // Switching between a project and an organization webhook keeps only the events the new type allows.
  useEffect(() => {
    const allowed = new Set<string>(eventsFor(type).map((e) => e.key));
    const current: string[] = form.getFieldValue('events') ?? [];
    const kept = current.filter((k) => allowed.has(k));
    if (kept.length !== current.length) form.setFieldValue('events', kept);
  }, [type, form]);

  async function submit(values: Values) {
    setFormError(null);
    const events = values.mode === 'all' ? eventsFor(type).map((e) => e.key) : (values.events ?? []);
    if (values.mode === 'some' && events.length === 0) {
      form.setFields([{ name: 'events', errors: ['Select at least one event.'] }]);
      return;
    }
    const common = {
      target_url: values.target_url.trim(),
      description: values.description ?? '',
      content_type: values.content_type,
      is_active: values.is_active,
      enable_ssl: values.enable_ssl,
      // An emptied number field reads as null: no limit.
      rate_limit: values.rate_limit ?? null,
      ordering: values.ordering,
      events,
      headers: headersOf(values.header_rows),
    };
    const secret = values.secret ?? '';
    let body: Record<string, unknown>;
    if (editing) {
      // Untouched: the secret stays; "Clear": an empty secret removes it; anything typed replaces it.
      body = { ...common, ...(cleared || secret !== '' ? { secret } : {}) };
      if (!validateWith(form, updateWebhookSchema, body)) return;
    } else if (isServer) {
      body = { ...common, type: 'server', ...(secret !== '' ? { secret } : {}) };
      if (!validateWith(form, createWebhookSchema, body)) return;
    } else {
      if (!values.project_id && !org) {
        form.setFields([
          {
            name: 'project_id',
            errors: ['Choose a project: in the personal workspace only project webhooks exist.'],
          },
        ]);
        return;
      }
      if (!values.project_id && props.mode === 'create' && !props.isStaff) {
        form.setFields([
          {
            name: 'project_id',
            errors: [
              'Only owners and maintainers may add organization webhooks: choose one of your projects.',
            ],
          },
        ]);
        return;
      }
      body = {
        ...common,
        type,
        ...(values.project_id ? { project_id: values.project_id } : {}),
        ...(secret !== '' ? { secret } : {}),
      };
      if (!validateWith(form, createWebhookSchema, body)) return;
    }
    setSaving(true);
    try {
      const saved: Webhook = await (editing
        ? callAction(() => updateWebhookAction(undefined, editing.id, body))
        : callAction(() => createWebhookAction(scope, body)));
      await client.invalidateQueries({ queryKey: queryKeys.webhooks.all() });
      message.success(
        editing ? 'Webhook has been successfully updated' : 'Webhook has been successfully added',
      );
      props.onSaved(saved);
    } catch (error) {
      if (error instanceof ApiRequestError && error.status === 400) {
        // An organization webhook without an organization: the project field is where to fix it.
        const orgError = error.fieldErrors.organization ?? error.fieldErrors.type;
        if (orgError) form.setFields([{ name: 'project_id', errors: orgError }]);
      }
      const rest = applyServerErrors(form, error, FIELDS);
      const shown =
        error instanceof ApiRequestError &&
        error.status === 400 &&
        (error.fieldErrors.organization || error.fieldErrors.type)
          ? null
          : rest;
      if (shown) setFormError(shown);
    } finally {
      setSaving(false);
    }
  }

  return (
    <Form<Values>
      form={form}
      layout="vertical"
      initialValues={initialValues}
      onFinish={submit}
      onFinishFailed={() => setFormError(null)}
      style={{ maxWidth: 760 }}
      aria-label="Setup a webhook"
    >
      {formError && <Alert type="error" showIcon title={formError} style={{ marginBottom: 16 }} />}
      <Form.Item
        label="Target URL"
        name="target_url"
        required
        rules={[{ required: true, whitespace: true, message: 'Target URL cannot be empty' }]}
        extra="Events are sent here as HTTP POST requests."
      >
        <Input placeholder="https://example.com/hooks/herald" inputMode="url" autoComplete="off" />
      </Form.Item>
      <Form.Item label="Description" name="description">
        <Input maxLength={DESCRIPTION_MAX} showCount placeholder="What this webhook is for" />
      </Form.Item>
      {props.mode === 'create' && isAdmin && (
        <Form.Item
          name="is_server"
          valuePropName="checked"
          extra="For administrators: hears of users and organizations being created, changed and deleted on the whole installation, outside any organization."
        >
          <Checkbox>Server webhook</Checkbox>
        </Form.Item>
      )}
      {props.mode === 'create' && !isServer && (
        <ProjectField scope={scope} org={org} initial={props.project} mayAddOrgHook={props.isStaff} />
      )}
      <Form.Item label="Content type" name="content_type">
        <Select
          options={[{ value: 'application/json', label: 'application/json' }]}
          style={{ maxWidth: 260 }}
        />
      </Form.Item>
      <Form.Item
        label="Secret"
        htmlFor="secret"
        extra={
          secretNote ??
          (editing
            ? editing.has_secret
              ? 'This webhook has a secret: its deliveries are signed (X-Signature-256). Leave empty to keep it.'
              : 'This webhook has no secret: its deliveries are not signed. Type or generate one to sign them.'
            : 'Optional. With a secret, each request carries an X-Signature-256 header that proves it comes from Herald.')
        }
      >
        <Flex gap={8} wrap>
          <Form.Item name="secret" noStyle>
            {/* One Show control (the button below): the field has no eye icon of its own, so no two controls share a name. */}
            <Input
              id="secret"
              type={showSecret ? 'text' : 'password'}
              aria-label="Secret"
              maxLength={SECRET_MAX}
              autoComplete="new-password"
              placeholder={
                editing
                  ? cleared || !editing.has_secret
                    ? 'No secret'
                    : 'A secret is set (unchanged)'
                  : 'No secret'
              }
              onChange={() => {
                setCleared(false);
                setSecretNote(null);
              }}
              style={{
                flex: '1 1 260px',
                minWidth: 0,
                fontFamily: showSecret ? 'ui-monospace, Menlo, Consolas, monospace' : undefined,
              }}
            />
          </Form.Item>
          <Space.Compact>
            <Button onClick={() => setShowSecret((v) => !v)} aria-pressed={showSecret}>
              {showSecret ? 'Hide' : 'Show'}
            </Button>
            <CopyButton
              size="middle"
              label="Copy the secret"
              text={() => form.getFieldValue('secret') ?? ''}
              disabled={!secretValue}
            />
            <Button
              onClick={() => {
                form.setFieldValue('secret', generateSecret());
                form.setFields([{ name: 'secret', errors: [] }]);
                setShowSecret(true);
                setCleared(false);
                setSecretNote(
                  'A new secret was generated: copy it now, it is never shown again after saving.',
                );
              }}
            >
              Generate
            </Button>
            <Button
              onClick={() => {
                form.setFieldValue('secret', '');
                setCleared(true);
                setSecretNote(
                  editing ? 'The secret will be removed when you save: requests will not be signed.' : null,
                );
              }}
            >
              Clear
            </Button>
          </Space.Compact>
        </Flex>
      </Form.Item>
      <Form.Item
        name="enable_ssl"
        valuePropName="checked"
        extra="Verify SSL certificates when delivering payloads"
        style={{ marginBottom: 12 }}
      >
        <Checkbox>Enable SSL</Checkbox>
      </Form.Item>
      <Form.Item name="is_active" valuePropName="checked" extra="Deliver events for active webhooks only">
        <Checkbox>Active</Checkbox>
      </Form.Item>
      <Form.Item
        label="Rate limit"
        name="rate_limit"
        extra="Requests per second at most, across every Herald process. Empty: no limit."
      >
        <InputNumber
          min={1}
          max={RATE_LIMIT_MAX}
          precision={0}
          placeholder="No limit"
          suffix="per second"
          style={{ width: 220 }}
        />
      </Form.Item>
      <Form.Item
        label="Ordering"
        name="ordering"
        extra="In order: one request at a time, each delivered (or given up) before the next is sent."
      >
        <Radio.Group
          options={[
            { value: 'unordered', label: 'As fast as possible' },
            { value: 'fifo', label: 'In order of the changes' },
          ]}
        />
      </Form.Item>
      <HeadersField />
      {editing?.disabled_reason && (
        <Alert type="warning" showIcon title={editing.disabled_reason} style={{ marginBottom: 16 }} />
      )}
      <Form.Item label="Events" name="mode">
        <Radio.Group
          options={[
            { value: 'all', label: 'Send everything' },
            { value: 'some', label: 'Select individual events' },
          ]}
        />
      </Form.Item>
      <Form.Item name="events" hidden={sendMode !== 'some'}>
        <EventsPicker type={type} />
      </Form.Item>
      <Flex gap={8}>
        <Button type="primary" htmlType="submit" loading={saving}>
          Submit
        </Button>
        <Button onClick={props.onCancel}>Cancel</Button>
      </Flex>
    </Form>
  );
}

/** On create only: a project makes a project webhook; none, an organization webhook. */
function ProjectField({
  scope,
  org,
  initial,
  mayAddOrgHook,
}: {
  scope: OrgScope;
  org: Organization | null;
  initial: Project | null;
  mayAddOrgHook: boolean;
}) {
  const [search, setSearch] = useState('');
  const projects = useApiQuery<Paginated<Project>>(
    '/projects',
    { search, page_size: 20, sort: '-id' },
    { scope, placeholderData: (prev) => prev },
  );
  const options = (projects.data?.results ?? []).map((p) => ({ value: p.id, label: p.name }));
  if (initial && !options.some((o) => o.value === initial.id))
    options.unshift({ value: initial.id, label: initial.name });
  return (
    <Form.Item
      label="Project"
      name="project_id"
      extra={
        org && mayAddOrgHook
          ? `Choose a project for a project webhook, or none for a webhook of the organization ${org.name || org.slug}.`
          : org
            ? 'Choose one of your projects: only owners and maintainers add organization webhooks.'
            : 'In the personal workspace, webhooks belong to a project.'
      }
    >
      <Select
        allowClear
        showSearch={{ filterOption: false, onSearch: setSearch }}
        placeholder={org && mayAddOrgHook ? 'None: an organization webhook' : 'Choose a project'}
        loading={projects.isFetching}
        options={options}
        notFoundContent={projects.isPending ? 'Loading…' : 'No project'}
        onClear={() => setSearch('')}
        style={{ maxWidth: 420 }}
      />
    </Form.Item>
  );
}

/** Events grouped by resource: a checkbox per group (indeterminate when partly chosen) and per key. */
function EventsPicker({
  type,
  value = [],
  onChange,
}: {
  type: WebhookType;
  value?: string[];
  onChange?: (v: string[]) => void;
}) {
  const chosen = new Set(value);
  const set = (keys: string[], on: boolean) => {
    const next = new Set(chosen);
    for (const k of keys) {
      if (on) next.add(k);
      else next.delete(k);
    }
    // Catalog order, so the request reads like the list.
    onChange?.(
      eventsFor(type)
        .map((e) => e.key)
        .filter((k) => next.has(k)),
    );
  };
  return (
    <div role="group" aria-label="Events to send" className={styles.events}>
      {groupEvents(type).map(({ group, keys }) => {
        const picked = keys.filter((k) => chosen.has(k)).length;
        return (
          <div key={group} className={styles.eventGroup} data-testid={`event-group-${group}`}>
            <Checkbox
              checked={picked === keys.length}
              indeterminate={picked > 0 && picked < keys.length}
              onChange={(e) => set(keys, e.target.checked)}
            >
              <Typography.Text strong>{group}</Typography.Text>
            </Checkbox>
            <Flex vertical gap={2} style={{ marginTop: 6, paddingInlineStart: 24 }}>
              {keys.map((k) => (
                <Checkbox key={k} checked={chosen.has(k)} onChange={(e) => set([k], e.target.checked)}>
                  <code style={{ fontSize: 12 }}>{k}</code>
                  <Typography.Text
                    type="secondary"
                    className={styles.eventDescription}
                    data-testid={`event-description-${k}`}
                  >
                    {DESCRIPTIONS.get(k)}
                  </Typography.Text>
                </Checkbox>
              ))}
            </Flex>
          </div>
        );
      })}
    </div>
  );
}

const DESCRIPTIONS = new Map<string, string>(eventsFor('all').map((e) => [e.key, e.description]));

/** Name/value rows; the API's errors for `headers` show under them. Values are write-only, as the secret. */
function HeadersField() {
  return (
    <Form.Item
      label="Custom headers"
      extra={`Sent with every request, e.g. Authorization for a receiver behind a gateway (at most ${HEADERS_MAX}). Saved values are not shown again: leave ${MASKED_VALUE} to keep one.`}
    >
      <Form.List name="header_rows">
        {(rows, { add, remove }) => (
          <Flex vertical gap={8}>
            {rows.map((row, i) => (
              <Flex key={row.key} gap={8} wrap className={styles.headerRow}>
                <Form.Item name={[row.name, 'name']} noStyle>
                  <Input
                    aria-label={`Header ${i + 1} name`}
                    placeholder="Authorization"
                    autoComplete="off"
                    style={{ flex: '1 1 160px', minWidth: 0 }}
                  />
                </Form.Item>
                <Form.Item name={[row.name, 'value']} noStyle>
                  <Input.Password
                    aria-label={`Header ${i + 1} value`}
                    placeholder="Bearer …"
                    maxLength={HEADER_VALUE_MAX}
                    autoComplete="new-password"
                    style={{ flex: '2 1 220px', minWidth: 0 }}
                  />
                </Form.Item>
                <Button
                  aria-label={`Remove header ${i + 1}`}
                  icon={<DeleteOutlined />}
                  onClick={() => remove(row.name)}
                />
              </Flex>
            ))}
            <div>
              <Button
                icon={<PlusOutlined />}
                onClick={() => add({ name: '', value: '' })}
                disabled={rows.length >= HEADERS_MAX}
              >
                Add header
              </Button>
            </div>
          </Flex>
        )}
      </Form.List>
      {/* Outside the list (whose items take its name as a prefix): where the API's `headers` errors show. */}
      <Form.Item name="headers" style={{ marginBottom: 0 }}>
        <HeaderErrors />
      </Form.Item>
    </Form.Item>
  );
}

/** Holds the `headers` field for its errors, which antd shows under the rows. */
function HeaderErrors() {
  return null;
}
