import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers.ts';
import { runFuzz } from './fuzz.ts';

/**
 * Hostile input, short version: 1 000 requests generated from the OpenAPI document (the long
 * version, 10 000 requests, is test/chaos/fuzz.chaos.test.ts). No 5xx; rejected requests change
 * no domain table.
 */
let app: TestApp;
let db: Awaited<ReturnType<typeof startTestApp>>['db'];

beforeAll(async () => {
  ({ app, db } = await startTestApp());
});

describe('hostile-input fuzzer', () => {
  it('answers every generated request below 500 and changes nothing when it rejects', async () => {
    const r = await runFuzz(app, db, { requests: 1000, seed: 20261121 });
    expect(r.failures).toEqual([]);
    expect(r.requests).toBe(1000);
    expect(r.operations).toBeGreaterThan(30);
    // The fuzzer reaches the handlers, not only the validators.
    expect(Object.keys(r.byStatus)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404']));
    expect(r.checkedBatches).toBeGreaterThan(5);
  }, 180_000);

  it('refuses a NUL character anywhere with 400 (found by the long fuzzer: it reached SQL as a 500)', async () => {
    for (const url of ['/api/v1/agencies?q=x%00y', '/api/v1/lookup?code=A%00&secret=B']) {
      const r = await app.inject({ url });
      expect(r.statusCode, `${url}: ${r.body}`).toBe(400);
      expect(r.json().code).toBe('validation_failed');
    }
  });

  it('refuses an unpaired surrogate with 400 (found by the long fuzzer: the audit row failed as a 500)', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"username":"x\\ud800y","password":"motcua2026"}',
    });
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json().code).toBe('validation_failed');
  });

  it('every API prefix answers an unknown path with a JSON 404, whatever the method', async () => {
    const segment = fc.stringMatching(/^[a-z0-9._~-]{1,12}$/);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/api/v1/', '/api/', '/govstack/', '/govstack/data/', '/oauth/'),
        fc.array(segment, { minLength: 1, maxLength: 3 }),
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
        async (prefix, parts, method) => {
          const url = `${prefix}zz-${parts.join('/')}`;
          const r = await app.inject({ method: method as 'GET', url });
          expect(r.statusCode, `${method} ${url}`).toBe(404);
          expect(r.headers['content-type'], `${method} ${url}`).toMatch(/json/);
        },
      ),
      { numRuns: 150, seed: 20261202 },
    );
  });
});
