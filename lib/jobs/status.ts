/** CVAT's legacy job `status`, kept for old clients: it follows the stage. */
export function jobStatus(stage: string): string {
  return stage === 'acceptance' ? 'completed' : stage;
}
