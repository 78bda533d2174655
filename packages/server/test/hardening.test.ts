import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO, sessionFor, startTestApp } from './helpers.ts';

/** A built web app of one page, so the catch-all route serves HTML as in production. */
function fakeWebDist(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-web-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>motcua</title>');
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'assets', 'app-abc123.js'), 'console.log(1)');
  return dir;
}

describe('API prefixes answer unknown paths with a JSON 404, the web app keeps its routes', () => {
  it.each([
    '/api/v1/nothing-here',
    '/api/nothing',
    '/govstack/nothing-here',
    '/govstack/data/nothing/1.0',
    '/oauth/nothing',
    '/oauth',
    '/assets/missing-file-0000.js',
  ])('%s → 404 problem+json', async (url) => {
    const { app } = await startTestApp({ webDistDir: fakeWebDist() });
    const r = await app.inject(url);
    expect(r.statusCode).toBe(404);
    expect(r.headers['content-type']).toContain('application/problem+json');
    expect(r.json().code).toBe('route_not_found');
  });

  it.each(['/', '/procedures/abc', '/office', '/tra-cuu', '/my/123', '/oauth-help', '/apiary'])(
    '%s → the web app (200 HTML)',
    async (url) => {
      const { app } = await startTestApp({ webDistDir: fakeWebDist() });
      const r = await app.inject(url);
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toContain('text/html');
    },
  );

  it('an existing hashed asset is served', async () => {
    const { app } = await startTestApp({ webDistDir: fakeWebDist() });
    const r = await app.inject('/assets/app-abc123.js');
    expect(r.statusCode).toBe(200);
    expect(r.body).toBe('console.log(1)');
  });
});

describe('audit log: ranges and province-wide operations', () => {
  it('`before` outside the bigint range is a 400 with a message, not a 500', async () => {
    const { app, db } = await startTestApp();
    const admin = await sessionFor(db, DEMO.admin);
    for (const before of ['-99999999999999999999999', '0', '-1', '9223372036854775808', 'abc']) {
      const r = await app.inject({ url: `/api/v1/audit?before=${before}`, headers: admin.headers });
      expect(r.statusCode, before).toBe(400);
      expect(r.json().code).toBe('validation_failed');
    }
    const ok = await app.inject({ url: '/api/v1/audit?before=9223372036854775807', headers: admin.headers });
    expect(ok.statusCode).toBe(200);
  });

  it('only the province administrator verifies the whole chain: a ward administrator gets 403', async () => {
    const { app, db } = await startTestApp();
    const expected: [string, number][] = [
      [DEMO.admin, 200],
      [DEMO.communeAdmin, 403],
      [DEMO.provincialLeader, 403],
      [DEMO.receptionist, 403],
      [DEMO.citizen, 403],
    ];
    for (const [username, status] of expected) {
      const s = await sessionFor(db, username);
      const r = await app.inject({ url: '/api/v1/audit/verify', headers: s.headers });
      expect(r.statusCode, username).toBe(status);
    }
    expect((await app.inject('/api/v1/audit/verify')).statusCode).toBe(401);
  });
});

describe('request bodies: depth bounded at the edge, text checked at every depth', () => {
  // Built as text: JSON.stringify itself recurses.
  const nest = (depth: number, leaf: unknown): string =>
    `${'{"a":['.repeat(depth)}${JSON.stringify(leaf)}${']}'.repeat(depth)}`;
  const post = async (body: string) => {
    const { app, db } = await startTestApp();
    const citizen = await sessionFor(db, DEMO.citizen);
    const before = await db.selectFrom('dossiers').select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/dossiers',
      headers: { ...citizen.headers, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
      payload: body,
    });
    const after = await db.selectFrom('dossiers').select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    return r;
  };
  const procedureId = '00000000-0000-4000-8000-000000000000';

  it.each([
    ['a NUL 70 levels down', nest(35, 'x\u0000y')],
    ['a lone surrogate 70 levels down', nest(35, '\ud800')],
    ['5,000 levels', nest(2_500, 1)],
  ])('%s → 400 validation_failed, nothing stored', async (_label, formData) => {
    const r = await post(`{"procedureId":"${procedureId}","formData":${formData}}`);
    expect(r.statusCode).toBe(400);
    expect(r.headers['content-type']).toContain('application/problem+json');
    expect(r.json()).toMatchObject({ code: 'validation_failed' });
  });

  it('100,000 levels of arrays (a stack overflow for recursive code) → 400, the server keeps answering', async () => {
    const r = await post(
      `{"procedureId":"${procedureId}","formData":{"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`,
    );
    expect(r.statusCode).toBe(400);
    expect(r.json().code).toBe('validation_failed');
  });
});

describe('security and caching headers', () => {
  it('pages carry a strict CSP, no framing, no referrer, nosniff; index.html is revalidated', async () => {
    const { app } = await startTestApp({ webDistDir: fakeWebDist() });
    const r = await app.inject('/office');
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("frame-ancestors 'none'");
    // Neither eval nor inline script: the e-form validator is eval-free (core eformValidate).
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
    expect(csp).toContain("object-src 'none'");
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    expect(r.headers['cache-control']).toBe('no-cache');
  });

  it('hashed assets are immutable and served precompressed to browsers that accept it', async () => {
    const dist = fakeWebDist();
    const zlib = await import('node:zlib');
    const js = 'console.log(1)'.repeat(200);
    fs.writeFileSync(path.join(dist, 'assets', 'big-abc123.js'), js);
    fs.writeFileSync(path.join(dist, 'assets', 'big-abc123.js.br'), zlib.brotliCompressSync(js));
    fs.writeFileSync(path.join(dist, 'assets', 'big-abc123.js.gz'), zlib.gzipSync(js));
    const { app } = await startTestApp({ webDistDir: dist });
    const br = await app.inject({ url: '/assets/big-abc123.js', headers: { 'accept-encoding': 'gzip, br' } });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(zlib.brotliDecompressSync(br.rawPayload).toString()).toBe(js);
    const gz = await app.inject({ url: '/assets/big-abc123.js', headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    const plain = await app.inject({ url: '/assets/big-abc123.js' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(js);
  });

  it.each(['/api/v1/procedures', '/api/v1/auth/me', '/api/v1/nothing-here'])(
    '%s: JSON answers are never cached and never sniffed',
    async (url) => {
      const { app, db } = await startTestApp();
      const citizen = await sessionFor(db, DEMO.citizen);
      const r = await app.inject({ url, headers: citizen.headers });
      expect(r.headers['cache-control']).toBe('no-store');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['x-frame-options']).toBe('DENY');
    },
  );
});

describe('catalog search: LIKE wildcards in the query are literal', () => {
  it('`q=%` and `q=_` find nothing (no name holds them), not the whole catalog; plain words still match', async () => {
    const { app } = await startTestApp();
    const all = (await app.inject({ url: '/api/v1/procedures?pageSize=100' })).json();
    expect(all.total).toBeGreaterThan(10);
    for (const q of ['%', '_', '%%', '\\', '_%_']) {
      const r = await app.inject({ url: `/api/v1/procedures?q=${encodeURIComponent(q)}` });
      expect(r.statusCode, q).toBe(200);
      expect(r.json().total, q).toBe(0);
    }
    const word = (await app.inject({ url: `/api/v1/procedures?q=${encodeURIComponent('khai sinh')}` })).json();
    expect(word.total).toBeGreaterThan(0);
  });
});

describe('CSV and Excel formula injection (OWASP)', () => {
  it('text cells starting with = + - @ tab CR are neutralized; numbers are not; import undoes it', async () => {
    const { neutralizeFormula, restoreNeutralized } = await import('../src/shared/spreadsheet.ts');
    const { toCsv } = await import('../src/modules/indicators/indicators.reports.ts');
    const cases: [string, string][] = [
      ['=HYPERLINK("http://x.example","bấm")', '\'=HYPERLINK("http://x.example","bấm")'],
      ['+84 905 000 000', "'+84 905 000 000"],
      ['-1+1', "'-1+1"],
      ['@SUM(A1)', "'@SUM(A1)"],
      ['\tx', "'\tx"],
      ['\rx', "'\rx"],
      ['Nguyễn Văn A', 'Nguyễn Văn A'],
      ["'=already quoted", "''=already quoted"],
      ["it's fine", "it's fine"],
    ];
    for (const [input, out] of cases) {
      expect(neutralizeFormula(input)).toBe(out);
      expect(restoreNeutralized(neutralizeFormula(input))).toBe(input);
    }
    const csv = toCsv(
      [
        { key: 'name', label: 'Tên' },
        { key: 'n', label: 'Số' },
      ],
      [{ name: '=HYPERLINK("http://x.example")', n: -5 }],
    );
    expect(csv).toBe('\uFEFFTên,Số\r\n"\'=HYPERLINK(""http://x.example"")",-5\r\n');
  });
});

describe('SSRF guard: special IPv6 ranges that lead to private IPv4', () => {
  it.each([
    ['64:ff9b::a00:1', true], // NAT64 (RFC 6052) → 10.0.0.1
    ['64:ff9b::7f00:1', true], // NAT64 → 127.0.0.1
    ['64:ff9b::c0a8:101', true], // NAT64 → 192.168.1.1
    ['64:ff9b::cba2:4be', false], // NAT64 → 203.162.4.190, a public address
    ['::ffff:127.0.0.1', true],
    ['::ffff:cba2:4be', false],
    ['2002:c0a8:101::1', true], // 6to4
    ['2001::1', true], // Teredo
    ['fc00::1', true],
    ['fe80::1%eth0', true],
    ['::', true],
    ['::1', true],
    ['100.64.1.1', true], // CGNAT
    ['198.51.100.1', true], // documentation (TEST-NET-2)
    ['169.254.169.254', true], // cloud metadata
    ['2402:800::1', false], // a Vietnamese ISP's public IPv6
    ['203.162.4.190', false],
    ['not-an-address', true],
  ])('%s private: %s', async (address, expected) => {
    const { isPrivateAddress } = await import('../src/modules/integration/outbound.ts');
    expect(isPrivateAddress(address)).toBe(expected);
  });
});

describe('Idempotency-Key: the request hash is RFC 8785 over the wire form', () => {
  it('a date field is part of the hash (it used to render as {}), key order and spacing are not', async () => {
    const { createHash } = await import('node:crypto');
    const { requestHash } = await import('../src/modules/dossiers/dossier.idempotency.ts');
    const a = requestHash({ command: { type: 'extend', newDue: new Date('2027-01-04T10:00:00Z'), reason: 'x' } });
    const b = requestHash({ command: { type: 'extend', newDue: new Date('2027-01-05T10:00:00Z'), reason: 'x' } });
    expect(a).not.toBe(b);
    expect(requestHash({ b: 1, a: 'ư' })).toBe(requestHash({ a: 'ư', b: 1 }));
    // RFC 8785: sorted keys, no whitespace, ISO dates, shortest numbers (1e21, 0.1).
    const canonical = '{"a":[1,1e+21,0.1],"d":"2027-01-04T10:00:00.000Z","z":"Đ"}';
    expect(requestHash({ z: 'Đ', d: new Date('2027-01-04T10:00:00Z'), a: [1.0, 1e21, 0.1] })).toBe(
      createHash('sha256').update(canonical).digest('hex'),
    );
  });
});

describe('first run as root from a directory the postgres user cannot enter', () => {
  const isRoot = process.getuid?.() === 0;
  it.runIf(isRoot)('the embedded database stops with a clear sentence, not `spawn … EACCES`', async () => {
    const { startEmbeddedPostgres, EmbeddedPostgresUnreachable } = await import('../src/db/embedded.ts');
    const locked = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-locked-')); // mode 0700, as mktemp -d
    try {
      const err = await startEmbeddedPostgres(path.join(locked, 'data', 'pg'), 1).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EmbeddedPostgresUnreachable);
      const message = (err as Error).message;
      expect(message).toContain(`không vào được ${path.join(locked, 'data')}`);
      expect(message).toContain('DATABASE_URL');
      expect(message).toContain('cannot enter');
      expect(message).not.toContain('EACCES');
      expect(fs.existsSync(path.join(locked, 'data', 'pg', 'PG_VERSION'))).toBe(false);
    } finally {
      fs.rmSync(locked, { recursive: true, force: true });
    }
  });
});

describe('rate limits: one budget across API processes, proxy trust explicit', () => {
  const login = (app: Awaited<ReturnType<typeof startTestApp>>['app'], headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json', ...headers },
      payload: { username: 'nobody.here', password: 'x1234567' },
    });

  it('two API processes on one database share the sign-in budget (3 per minute)', async () => {
    const { loadConfig } = await import('../src/config.ts');
    const { buildApp } = await import('../src/http/app.ts');
    const { app: first, db } = await startTestApp({ loginRateLimitPerMinute: 3 });
    const second = await buildApp({
      db,
      config: { ...loadConfig({}), loginRateLimitPerMinute: 3 },
      state: { ready: true, migrating: false },
      logger: false,
    });
    await second.ready();
    try {
      const codes = [];
      for (const app of [first, second, first, second, first]) codes.push((await login(app)).statusCode);
      expect(codes).toEqual([401, 401, 401, 429, 429]);
      const limited = await login(second);
      expect(limited.json().code).toBe('rate_limited');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await second.close();
    }
  });

  it('X-Forwarded-For is ignored unless MOTCUA_TRUST_PROXY names the proxy', async () => {
    const { parseTrustProxy } = await import('../src/config.ts');
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('off')).toBe(false);
    expect(parseTrustProxy('on')).toBe(true);
    const twoHops = parseTrustProxy('2') as (a: string, hop: number) => boolean;
    expect([0, 1, 2].map((hop) => twoHops('10.0.0.1', hop))).toEqual([true, true, false]);
    expect(parseTrustProxy('127.0.0.1, 10.0.0.0/8')).toEqual(['127.0.0.1', '10.0.0.0/8']);

    // Untrusted: a client cannot buy a fresh budget by inventing addresses.
    const untrusted = await startTestApp({ loginRateLimitPerMinute: 2 });
    const u = [];
    for (const ip of ['203.0.113.1', '203.0.113.2', '203.0.113.3'])
      u.push((await login(untrusted.app, { 'x-forwarded-for': ip })).statusCode);
    expect(u).toEqual([401, 401, 429]);

    // Trusted loopback proxy: each forwarded client has its own budget.
    const trusted = await startTestApp({ loginRateLimitPerMinute: 2, trustProxy: ['127.0.0.1'] });
    const t = [];
    for (const ip of ['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.1', '203.0.113.1'])
      t.push((await login(trusted.app, { 'x-forwarded-for': ip })).statusCode);
    expect(t).toEqual([401, 401, 401, 401, 429]);
  });
});

describe('sessions: an idle limit, and no endless password guessing with a stolen session', () => {
  it('a session unused for longer than the idle limit ends, and says why; activity keeps it alive', async () => {
    const { app, db, config } = await startTestApp();
    expect(config.sessionIdleMinutes).toBe(30);
    const idle = await sessionFor(db, DEMO.receptionist);
    const busy = await sessionFor(db, DEMO.receptionist);
    const ago = (min: number) => new Date(Date.now() - min * 60_000);
    // The clock is moved by the session's last activity, not by waiting.
    await db
      .updateTable('sessions')
      .set({ last_seen_at: ago(31) })
      .where('csrf_token', '=', idle.csrf)
      .execute();
    await db
      .updateTable('sessions')
      .set({ last_seen_at: ago(29) })
      .where('csrf_token', '=', busy.csrf)
      .execute();
    const gone = await app.inject({ url: '/api/v1/auth/me', headers: idle.headers });
    expect(gone.statusCode).toBe(401);
    expect(gone.json().code).toBe('session_idle');
    expect(gone.json().detail ?? gone.json().title).toBeTruthy();
    // Never accepted again, and every later request is told the same (not a bare "sign in").
    const later = await app.inject({ url: '/api/v1/dossiers?queue=all', headers: idle.headers });
    expect(later.statusCode).toBe(401);
    expect(later.json().code).toBe('session_idle');
    expect((await app.inject({ url: '/api/v1/auth/me', headers: busy.headers })).statusCode).toBe(200);
    // The request slid the window: 29 minutes later it is still alive.
    const seen = await db
      .selectFrom('sessions')
      .select('last_seen_at')
      .where('csrf_token', '=', busy.csrf)
      .executeTakeFirstOrThrow();
    expect(Date.now() - seen.last_seen_at.getTime()).toBeLessThan(60_000);
  });

  it('wrong current passwords end the session at the fifth; before that the right one still works', async () => {
    const { app, db } = await startTestApp();
    const s = await sessionFor(db, DEMO.communeOfficer);
    const change = (currentPassword: string) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/password',
        headers: s.headers,
        payload: { currentPassword, newPassword: 'Mat-khau-moi-2026!' },
      });
    for (let i = 1; i <= 4; i++) {
      const r = await change(`sai-${i}`);
      expect(r.statusCode, `guess ${i}`).toBe(401);
      expect(r.json().code).toBe('invalid_credentials');
    }
    expect((await app.inject({ url: '/api/v1/auth/me', headers: s.headers })).statusCode).toBe(200);
    const fifth = await change('sai-5');
    expect(fifth.statusCode).toBe(401);
    expect(fifth.json().code).toBe('password_guesses_exceeded');
    expect((await app.inject({ url: '/api/v1/auth/me', headers: s.headers })).statusCode).toBe(401);
    // The password did not change, and the ended session cannot try again.
    expect((await change(DEMO.password)).statusCode).toBe(401);
    const audit = await db
      .selectFrom('audit_log')
      .select(['result', 'details'])
      .where('action', '=', 'auth.change_password')
      .execute();
    // Each refusal is audited; the ending of the session once, and nothing succeeded.
    expect(audit.filter((a) => a.result === 'denied').length).toBe(1);
    expect(audit.map((a) => a.result)).not.toContain('ok');
  });
});
