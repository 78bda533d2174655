import { describe, expect, it } from 'vitest';
import { startTestApp } from './helpers.ts';

describe('health, readiness, OpenAPI', () => {
  it('answers /healthz once the database answers', async () => {
    const { app } = await startTestApp();
    const r = await app.inject('/healthz');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ status: 'ok' });
  });

  it('fails /readyz while migrations run and serves nothing else until ready', async () => {
    const { app, state } = await startTestApp({}, { ready: false, migrating: true });
    expect((await app.inject('/readyz')).statusCode).toBe(503);
    expect((await app.inject('/healthz')).statusCode).toBe(200);
    const api = await app.inject('/api/v1/agencies');
    expect(api.statusCode).toBe(503);
    expect(api.json().code).toBe('starting');
    state.migrating = false;
    state.ready = true;
    expect((await app.inject('/readyz')).json()).toEqual({ status: 'ready' });
    expect((await app.inject('/api/v1/agencies')).statusCode).toBe(200);
  });

  it('publishes an OpenAPI 3.1 document of every API route, and renders it at /docs', async () => {
    const { app } = await startTestApp();
    const doc = (await app.inject('/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    const documented = new Set<string>();
    for (const [p, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const m of Object.keys(ops)) documented.add(`${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`);
    }
    const apiRoutes = app.routeTable.filter((r) => r.url.startsWith('/api/') || r.url.endsWith('z'));
    expect(apiRoutes.length).toBeGreaterThan(8);
    for (const r of apiRoutes) expect(documented, `${r.method} ${r.url}`).toContain(`${r.method} ${r.url}`);
    const docs = await app.inject('/docs/');
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });

  it('answers unknown routes with a problem, not an HTML page', async () => {
    const { app } = await startTestApp();
    const r = await app.inject('/api/v1/nothing-here');
    expect(r.statusCode).toBe(404);
    expect(r.headers['content-type']).toContain('application/problem+json');
    expect(r.json().code).toBe('route_not_found');
  });
});
