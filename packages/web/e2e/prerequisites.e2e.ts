import fs from 'node:fs';
import { expect, it } from 'vitest';
import { e2e } from './helpers.ts';

/** Under CI the browser journeys must run: a missing Chromium fails here instead of skipping them. */
it('Chromium for the end-to-end suite is installed (required when CI is set)', (ctx) => {
  if (e2e.skip !== null && !e2e.required) ctx.skip();
  expect(fs.existsSync(e2e.chromium), e2e.skip ?? '').toBe(true);
});
