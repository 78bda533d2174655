export * from './ethnic-groups.ts';
export * from './messages.ts';
export * from './order.ts';
export * from './prefill.ts';
export * from './sample.ts';
export * from './validate.ts';
