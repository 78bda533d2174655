export * from './identifiers.ts';
export * from './authz.ts';
export * from './calendar/index.ts';
