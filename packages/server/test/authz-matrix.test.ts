import { randomUUID } from 'node:crypto';
import { type Actor, isAllowed, OFFICER_ROLES } from '@motcua/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { buildApp } from '../src/http/app.ts';
import { type Client, DEMO, sessionFor, startTestApp, type TestApp } from './helpers.ts';

/**
 * Every route × every kind of caller. The expectations come from each route's declared `access`
 * and the one rule in packages/core/src/authz.ts, so a new route is covered the day it is added —
 * and a route that declares nothing cannot even be registered.
 */
let app: TestApp;
let db: Awaited<ReturnType<typeof startTestApp>>['db'];

// One demo account per role (roles as seeded in the demo province).
const ROLE_USER: Record<(typeof OFFICER_ROLES)[number], string> = {
  receptionist: DEMO.receptionist,
  officer: DEMO.deptOfficer,
  leader: DEMO.deptLeader,
  admin: DEMO.admin,
  provincial_leader: DEMO.provincialLeader,
};

beforeAll(async () => {
  ({ app, db } = await startTestApp());
});

function fill(url: string): string {
  return url.replace(/:[A-Za-z]+/g, () => randomUUID()).replace('*', 'some/client/route');
}

async function call(method: string, url: string, client: Client | null) {
  return app.inject({
    method: method as 'GET',
    url: fill(url),
    headers: { ...(client?.headers ?? {}), 'content-type': 'application/json' },
    ...(method === 'GET' || method === 'DELETE' ? {} : { payload: '{}' }),
  });
}

describe('route × role authorization', () => {
  it('refuses to register a route that declares no access rule', async () => {
    const fresh = await buildApp({
      db,
      config: loadConfig({}),
      state: { ready: true, migrating: false },
      logger: false,
    });
    expect(() => fresh.get('/api/v1/undeclared', async () => 'x')).toThrow(/declares no access rule/);
    expect(() => fresh.get('/api/v1/declared', { config: { access: 'public' } }, async () => 'x')).not.toThrow();
    await fresh.close();
  });

  it('has a rule for every route it serves', () => {
    expect(app.routeTable.length).toBeGreaterThan(10);
    for (const r of app.routeTable) expect(r.access, `${r.method} ${r.url}`).toBeDefined();
  });

  it('lets exactly the declared callers through', async () => {
    const callers: { name: string; actor: () => Promise<{ actor: Actor; client: Client | null }> }[] = [
      { name: 'anonymous', actor: async () => ({ actor: { kind: 'anonymous' }, client: null }) },
      {
        name: 'citizen',
        actor: async () => {
          const c = await sessionFor(db, DEMO.citizen);
          return { actor: { kind: 'applicant', userId: c.userId }, client: c };
        },
      },
      ...OFFICER_ROLES.map((role) => ({
        name: role,
        actor: async () => {
          const c = await sessionFor(db, ROLE_USER[role]);
          return {
            actor: { kind: 'officer' as const, userId: c.userId, agencyId: 'x', agencyPath: '/x/', roles: [role] },
            client: c,
          };
        },
      })),
    ];
    const checked: string[] = [];
    for (const route of app.routeTable) {
      for (const caller of callers) {
        // A fresh session per call: logout and password change end sessions.
        const { actor, client } = await caller.actor();
        const res = await call(route.method, route.url, client);
        const label = `${route.method} ${route.url} as ${caller.name} → ${res.statusCode} ${res.body.slice(0, 120)}`;
        if (isAllowed(route.access, actor)) {
          expect([401, 403], label).not.toContain(res.statusCode);
        } else {
          expect(res.statusCode, label).toBe(caller.name === 'anonymous' ? 401 : 403);
          expect(res.headers['content-type'], label).toContain('application/problem+json');
        }
        expect(res.statusCode, label).toBeLessThan(500);
        checked.push(label);
      }
    }
    expect(checked.length).toBe(app.routeTable.length * callers.length);
  });
});
