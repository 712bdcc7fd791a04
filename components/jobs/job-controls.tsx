'use client';

import { App, Select } from 'antd';
import { useState } from 'react';
import { scopeOf } from '@/lib/client/api';
import { useApiQuery } from '@/lib/client/hooks';
import type { BasicUser, Job, JobStage, JobState, Membership, Paginated, User } from '@/lib/client/types';
import { JOB_STAGES, JOB_STATES } from '@/lib/jobs/constants';
import { updateJobSchema } from '@/lib/jobs/schemas';
import { userLabel } from '@/components/common/user-name';
import { useActionMutation } from '@/lib/client/actions';
import { updateJobAction } from '@/lib/actions/jobs';

export const STAGE_OPTIONS = JOB_STAGES.map((s) => ({ value: s, label: s }));
export const STATE_OPTIONS = JOB_STATES.map((s) => ({ value: s, label: s }));

type JobPatch = { assignee?: number | null; stage?: JobStage; state?: JobState };

/** PATCH /jobs/{id}, checked with the API's schema, with a message either way. */
export function useUpdateJob(job: Job) {
  const { message } = App.useApp();
  const update = useActionMutation<JobPatch, Job>((scope, body) => updateJobAction(scope, job.id, body));
  return {
    pending: update.isPending,
    save: async (patch: JobPatch) => {
      const checked = updateJobSchema.safeParse(patch);
      if (!checked.success) {
        message.error(checked.error.issues[0]?.message ?? 'Invalid value.');
        return;
      }
      try {
        await update.mutateAsync(patch);
        message.success(`Job #${job.id} updated.`);
      } catch (error) {
        message.error(error instanceof Error ? error.message : String(error));
      }
    },
  };
}

/** People a job in this organization (or the personal workspace) may be assigned to. */
function useAssignables(organization: number | null, search: string) {
  const members = useApiQuery<Paginated<Membership>>(
    organization === null ? null : '/memberships',
    { page_size: 'all' },
    { scope: scopeOf(organization), staleTime: 30_000 },
  );
  const users = useApiQuery<Paginated<User>>(
    organization === null ? '/users' : null,
    { search, page_size: 20 },
    { global: true, staleTime: 30_000 },
  );
  const people: BasicUser[] =
    organization === null
      ? (users.data?.results ?? [])
      : (members.data?.results ?? []).flatMap((m) => (m.is_active && m.user ? [m.user] : []));
  return { people, loading: organization === null ? users.isFetching : members.isPending };
}

export function AssigneeSelect({ job }: { job: Job }) {
  const [search, setSearch] = useState('');
  const { people, loading } = useAssignables(job.organization, search);
  const { save, pending } = useUpdateJob(job);
  const options = people.map((u) => ({ value: u.id, label: userLabel(u) }));
  if (job.assignee && !options.some((o) => o.value === job.assignee!.id))
    options.unshift({ value: job.assignee.id, label: userLabel(job.assignee) });
  return (
    <Select<number>
      aria-label={`Assignee of job ${job.id}`}
      data-testid={`job-${job.id}-assignee`}
      style={{ width: 200 }}
      value={job.assignee?.id}
      placeholder="Unassigned"
      allowClear
      showSearch={{ filterOption: job.organization !== null, onSearch: setSearch, optionFilterProp: 'label' }}
      loading={loading || pending}
      options={options}
      onChange={(value) => save({ assignee: value ?? null })}
    />
  );
}

export function StageSelect({ job }: { job: Job }) {
  const { save, pending } = useUpdateJob(job);
  return (
    <Select<JobStage>
      aria-label={`Stage of job ${job.id}`}
      data-testid={`job-${job.id}-stage`}
      style={{ width: 140 }}
      value={job.stage}
      loading={pending}
      options={STAGE_OPTIONS}
      onChange={(stage) => save({ stage })}
    />
  );
}

export function StateSelect({ job }: { job: Job }) {
  const { save, pending } = useUpdateJob(job);
  return (
    <Select<JobState>
      aria-label={`State of job ${job.id}`}
      data-testid={`job-${job.id}-state`}
      style={{ width: 140 }}
      value={job.state}
      loading={pending}
      options={STATE_OPTIONS}
      onChange={(state) => save({ state })}
    />
  );
}
