export * from './authz.ts';
export * from './calendar/index.ts';
export * from './identifiers.ts';
