// A job's stages and states live with the schema that constrains them; the API and the UI read them here.
export { JOB_STAGES, JOB_STATES } from '@/db/schema/job-values';
