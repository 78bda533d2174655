export * from './dossier-code.ts';
export * from './lookup-secret.ts';
