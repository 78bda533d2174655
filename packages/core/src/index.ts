export * from './authz.ts';
export * from './calendar/index.ts';
export * from './identifiers.ts';
export * from './codes/index.ts';
