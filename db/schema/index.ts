export * from './users';
export * from './organizations';
export * from './projects';
export * from './tasks';
export * from './labels';
export * from './jobs';
export * from './issues';
export * from './webhooks';
