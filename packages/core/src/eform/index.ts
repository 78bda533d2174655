export * from './messages.ts';
export * from './order.ts';
export * from './sample.ts';
export * from './validate.ts';
