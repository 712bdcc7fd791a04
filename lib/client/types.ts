/**
 * The shapes of api.md as the browser reads them: the server's representation functions' results, as
 * JSON (Wire). Type-only imports: none of the server's code reaches the browser's bundle.
 */
import type { JOB_STAGES, JOB_STATES } from '@/lib/jobs/constants';
import type { CommentRepresentation } from '@/lib/comments/representation';
import type { InvitationRepresentation } from '@/lib/invitations/representation';
import type { IssueRepresentation } from '@/lib/issues/representation';
import type { JobRepresentation } from '@/lib/jobs/representation';
import type { MembershipRepresentation } from '@/lib/memberships/representation';
import type { OrganizationRepresentation } from '@/lib/organizations/representation';
import type { Label as LabelRepresentation } from '@/lib/projects/labels';
import type { ProjectRepresentation } from '@/lib/projects/representation';
import type { TaskRepresentation } from '@/lib/tasks/representation';
import type { BasicUser as BasicUserRepresentation, toUser } from '@/lib/users/representation';
import type { Wire } from './wire';

export type { Paginated } from '@/lib/http/pagination';
export type { Role } from '@/db/schema/organizations';

export type BasicUser = Wire<BasicUserRepresentation>;
export type User = Wire<ReturnType<typeof toUser>>;
export type Organization = Wire<OrganizationRepresentation>;
export type Membership = Wire<MembershipRepresentation>;
export type Invitation = Wire<InvitationRepresentation>;
export type Label = Wire<LabelRepresentation>;
export type Project = Wire<ProjectRepresentation>;
export type JobStage = (typeof JOB_STAGES)[number];
export type JobState = (typeof JOB_STATES)[number];
export type Task = Wire<TaskRepresentation>;
export type Job = Wire<JobRepresentation>;
export type Issue = Wire<IssueRepresentation>;
export type Comment = Wire<CommentRepresentation>;
