export const JOB_STAGES = ['annotation', 'validation', 'acceptance'] as const;
export const JOB_STATES = ['new', 'in progress', 'completed', 'rejected'] as const;
