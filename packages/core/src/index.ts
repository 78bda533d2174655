export * from './identifiers.ts';
export * from './authz.ts';
