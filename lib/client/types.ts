/** The shapes of api.md, as far as the pages read them. */

export type Paginated<T> = { count: number; next: string | null; previous: string | null; results: T[] };

export type BasicUser = { url: string; id: number; username: string; first_name: string; last_name: string };
export type User = BasicUser & { email?: string; is_superuser: boolean };

export type Organization = {
  id: number;
  slug: string;
  name: string;
  description: string;
  owner: BasicUser | null;
  created_date: string;
  updated_date: string;
};

export type Role = 'owner' | 'maintainer' | 'supervisor' | 'worker';

export type Membership = {
  id: number;
  user: BasicUser;
  organization: number;
  role: Role;
  is_active: boolean;
  joined_date: string;
  invitation: string | null;
};

export type Invitation = {
  key: string;
  created_date: string;
  owner: BasicUser | null;
  role: Role;
  /** The invitee once they accepted (to them, always); null before, so nobody learns whether an email has an account. */
  user: BasicUser | null;
  email: string;
  organization: number;
  expired: boolean;
  accepted?: boolean;
  organization_info?: { id: number; slug: string; name: string } | null;
};

export type Label = { id: number; name: string; color: string };

export type Project = {
  id: number;
  name: string;
  labels: Label[];
  tasks: { count: number; url: string };
  owner: BasicUser | null;
  assignee: BasicUser | null;
  status: string;
  organization: number | null;
  created_date: string;
  updated_date: string;
};

export type JobStage = 'annotation' | 'validation' | 'acceptance';
export type JobState = 'new' | 'in progress' | 'completed' | 'rejected';

export type Task = {
  id: number;
  name: string;
  project_id: number | null;
  owner: BasicUser | null;
  assignee: BasicUser | null;
  segment_size: number;
  status: string;
  labels: Label[];
  organization: number | null;
  size?: number;
  created_date: string;
  updated_date: string;
  segments: { start_frame: number; stop_frame: number; jobs: { id: number }[] }[];
};

export type Job = {
  id: number;
  task_id: number;
  project_id: number | null;
  assignee: BasicUser | null;
  stage: JobStage;
  state: JobState;
  status: string;
  start_frame: number;
  stop_frame: number;
  frame_count: number;
  organization: number | null;
  updated_date: string;
  issues: { count: number; url: string };
};

export type Issue = {
  id: number;
  frame: number;
  position: number[];
  job: number;
  owner: BasicUser | null;
  assignee: BasicUser | null;
  resolved: boolean;
  created_date: string;
  comments: { count: number; url: string };
};

export type Comment = {
  id: number;
  issue: number;
  owner: BasicUser | null;
  message: string;
  created_date: string;
  updated_date: string;
};
