import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Db } from '../../src/db/database.ts';
import { type Client, sessionFor, type TestApp } from '../helpers.ts';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in the journey
export type Json = Record<string, any>;

/** A small PDF the attachment inspector accepts (typed by its bytes). */
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

/**
 * The HTTP API as the journey's people use it: each username has a session (a session row written
 * directly, as helpers.ts does, to spare argon2), every POST carries an Idempotency-Key, and every
 * failure names who did what and the server's answer.
 */
export class JourneyApi {
  private sessions = new Map<string, Client>();

  readonly app: TestApp;
  readonly db: Db;

  constructor(app: TestApp, db: Db) {
    this.app = app;
    this.db = db;
  }

  async session(username: string): Promise<Client> {
    let s = this.sessions.get(username);
    if (!s) {
      // Applicants sign in through VNeID at level 2, as the national portal has them do since
      // 2025 (RULES.md §10): a procedure that requires level 2 then takes their dossiers too.
      const applicant = await this.db
        .selectFrom('users')
        .select('kind')
        .where('username', '=', username)
        .executeTakeFirstOrThrow();
      s = await sessionFor(this.db, username, applicant.kind === 'applicant' ? { vneid: 2 } : {});
      this.sessions.set(username, s);
    }
    return s;
  }

  async call(who: string | null, method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: unknown) {
    const headers: Record<string, string> = who === null ? {} : { ...(await this.session(who)).headers };
    if (method !== 'GET') headers['idempotency-key'] = randomUUID();
    return this.app.inject({
      method,
      url: `/api/v1${url}`,
      headers,
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
  }

  /** A call that must answer `status`; returns the JSON body. */
  async expectStatus(
    who: string | null,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH',
    url: string,
    payload: unknown,
    status: number | number[],
  ): Promise<Json> {
    const r = await this.call(who, method, url, payload);
    const ok = Array.isArray(status) ? status : [status];
    expect(ok, `${who ?? 'anonymous'} ${method} ${url} → ${r.statusCode} ${r.body.slice(0, 600)}`).toContain(
      r.statusCode,
    );
    return r.body ? r.json() : {};
  }

  detail(who: string, id: string): Promise<Json> {
    return this.expectStatus(who, 'GET', `/dossiers/${id}`, undefined, 200);
  }

  /**
   * One command by `who`: the dossier as `who` sees it must offer the command (availableActions,
   * what the web app shows as buttons), and the server must accept it.
   */
  async act(who: string, id: string, body: Json): Promise<Json> {
    const d = await this.detail(who, id);
    expect(d.availableActions, `${who} at ${d.status}/${d.currentStep?.id ?? '-'} is offered ${body.type}`).toContain(
      body.type,
    );
    return this.expectStatus(who, 'POST', `/dossiers/${id}/actions`, { version: d.version, ...body }, 200);
  }

  /** Upload one file (multipart) to a dossier or a draft. */
  async upload(
    who: string,
    target: { dossierId: string } | { draftId: string },
    slot: string,
    kind: string,
    name: string,
  ) {
    const form = new FormData();
    form.append('slot', slot);
    form.append('kind', kind);
    form.append('file', new Blob([PDF], { type: 'application/pdf' }), name);
    const req = new Request('http://x/', { method: 'POST', body: form });
    const url =
      'dossierId' in target
        ? `/api/v1/dossiers/${target.dossierId}/attachments`
        : `/api/v1/drafts/${target.draftId}/attachments`;
    const r = await this.app.inject({
      method: 'POST',
      url,
      headers: { ...(await this.session(who)).headers, 'content-type': req.headers.get('content-type')! },
      payload: Buffer.from(await req.arrayBuffer()),
    });
    expect(r.statusCode, `${who} uploads ${slot} to ${url}: ${r.body.slice(0, 400)}`).toBe(201);
    return r.json() as Json;
  }
}
