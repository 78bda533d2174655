export * from './authz.ts';
export * from './calendar/index.ts';
export * from './catalog/life-events.ts';
export * from './codes/index.ts';
export * from './dossier/index.ts';
export * from './eform/index.ts';
export * from './identifiers.ts';
export * from './indicators/indicators.ts';
