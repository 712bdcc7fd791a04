// The values a job's stage and state columns hold: the columns' types and the API's validation
// (lib/jobs/constants re-exports them) read the same lists. No drizzle import here, so the browser's
// bundle can take them too.
export const JOB_STAGES = ['annotation', 'validation', 'acceptance'] as const;
export const JOB_STATES = ['new', 'in progress', 'completed', 'rejected'] as const;
