export async function register() {
  // Only the Node.js server opens the database; the edge runtime has nothing to start.
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startHerald } = await import('./lib/startup/start-herald');
  await startHerald();
}
