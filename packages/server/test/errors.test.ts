import { beforeAll, describe, expect, it } from 'vitest';
import { count, DEMO, sessionFor, startTestApp, type TestApp } from './helpers.ts';

let app: TestApp;
let db: Awaited<ReturnType<typeof startTestApp>>['db'];
beforeAll(async () => {
  ({ app, db } = await startTestApp());
});

async function snapshot() {
  return { users: await count(db, 'users'), agencies: await count(db, 'agencies'), outbox: await count(db, 'outbox') };
}

const json = { 'content-type': 'application/json' };

describe('bad input gets a clear 4xx problem and changes nothing', () => {
  it('malformed JSON', async () => {
    const before = await snapshot();
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      headers: json,
      payload: '{"fullName": "A',
    });
    expect(r.statusCode).toBe(400);
    expect(r.headers['content-type']).toContain('application/problem+json');
    expect(r.json()).toMatchObject({
      status: 400,
      code: 'malformed_json',
      title_vi: expect.any(String),
      title_en: expect.any(String),
    });
    expect(await snapshot()).toEqual(before);
  });

  it('wrong types and unknown fields, with field-level details', async () => {
    const before = await snapshot();
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      headers: json,
      payload: {
        applicantType: 'citizen',
        personalId: 48090001999,
        fullName: ['x'],
        password: 'abc12345',
        isAdmin: true,
      },
    });
    expect(r.statusCode).toBe(400);
    const body = r.json();
    expect(body.code).toBe('validation_failed');
    const paths = body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['body.personalId', 'body.fullName']));
    expect(paths.some((p: string) => p.includes('isAdmin'))).toBe(true);
    for (const e of body.errors)
      expect(e).toMatchObject({ message_vi: expect.any(String), message_en: expect.any(String) });
    expect(await snapshot()).toEqual(before);
  });

  it('a 10 MB body is refused with 413 before it is parsed', async () => {
    const before = await snapshot();
    const big = JSON.stringify({ applicantType: 'citizen', fullName: 'x'.repeat(10 * 1024 * 1024) });
    const r = await app.inject({ method: 'POST', url: '/api/v1/auth/register', headers: json, payload: big });
    expect(r.statusCode).toBe(413);
    expect(r.json().code).toBe('payload_too_large');
    expect(await snapshot()).toEqual(before);
  });

  it('prototype-poisoning keys are refused', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: json,
      payload: '{"username":"a","password":"b","__proto__":{"admin":true}}',
    });
    expect(r.statusCode).toBe(400);
  });

  it('a non-JSON content type is refused with 415', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/xml' },
      payload: '<a/>',
    });
    expect(r.statusCode).toBe(415);
    expect(r.json().code).toBe('unsupported_media_type');
  });

  it('an invalid personal identification number is refused', async () => {
    const before = await snapshot();
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      headers: json,
      payload: {
        applicantType: 'citizen',
        personalId: '999090001234',
        fullName: 'Nguyễn Văn A',
        password: 'matkhau123',
      },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors[0].path).toBe('body.personalId');
    expect(await snapshot()).toEqual(before);
  });

  it('titles follow Accept-Language, Vietnamese by default', async () => {
    const vi = await app.inject({ url: '/api/v1/agencies/not-a-uuid' });
    const en = await app.inject({
      url: '/api/v1/agencies/not-a-uuid',
      headers: { 'accept-language': 'en-US,en;q=0.9' },
    });
    expect(vi.json().title).toBe('Dữ liệu gửi lên không hợp lệ');
    expect(en.json().title).toBe('The submitted data is invalid');
    const unknown = await app.inject({ url: `/api/v1/agencies/${crypto.randomUUID()}` });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('not_found');
  });

  it('no stack trace or internal message leaks from a 500', async () => {
    const { buildApp } = await import('../src/http/app.ts');
    const { loadConfig } = await import('../src/config.ts');
    const fresh = await buildApp({
      db,
      config: loadConfig({}),
      state: { ready: true, migrating: false },
      logger: false,
    });
    fresh.get('/boom', { config: { access: 'public' } }, async () => {
      throw new Error('secret internal detail at /srv/app.ts:12');
    });
    const r = await fresh.inject('/boom');
    expect(r.statusCode).toBe(500);
    expect(r.json().code).toBe('internal');
    expect(r.body).not.toContain('secret');
    expect(r.body).not.toContain('app.ts');
    await fresh.close();
  });
});

describe('Vietnamese text is stored NFC', () => {
  it('normalizes NFD input at the edge', async () => {
    const nfd = 'Nguyễn Thị Hằng'.normalize('NFD');
    expect(nfd).not.toBe('Nguyễn Thị Hằng');
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      headers: json,
      payload: {
        applicantType: 'citizen',
        personalId: '048195001111',
        fullName: nfd,
        password: 'matkhau123',
        phone: '0912000999',
      },
    });
    // Registration keeps the details until the SMS code is verified (registration.test.ts).
    expect(r.statusCode).toBe(202);
    const row = await db
      .selectFrom('verification_codes')
      .select('payload')
      .where('subject', '=', '048195001111')
      .executeTakeFirstOrThrow();
    expect((row.payload as { fullName: string }).fullName).toBe('Nguyễn Thị Hằng'.normalize('NFC'));
  });

  it('searches officers without accents', async () => {
    const admin = await sessionFor(db, DEMO.admin);
    const r = await app.inject({ url: '/api/v1/users?q=dang%20quoc', headers: admin.headers });
    expect(r.statusCode).toBe(200);
    expect(r.json().items.map((u: { fullName: string }) => u.fullName)).toEqual(['Đặng Quốc Bảo']);
  });
});
