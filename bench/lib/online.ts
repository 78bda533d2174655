/**
 * Online submissions as the portal sends them over HTTP (POST /api/v1/dossiers), for bench/load.ts:
 * the procedure's e-form filled from its published JSON Schema and checked with the server's own
 * validator before any load, and — when the submit rules want files — applicants with a session
 * and a draft holding one file per mandatory document, prepared in bulk (setup, not measured).
 */
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../packages/server/src/db/database.ts';
import { eformFieldErrors } from '../../packages/server/src/modules/dossiers/dossier.eform.ts';
import { documentSlot } from '../../packages/server/src/modules/dossiers/dossier.submit-rules.ts';
import { formFor } from '../../packages/server/test/eform-helpers.ts';
import { type DocumentInfo, isMandatory } from './world.ts';

export type OnlineForm = {
  procedureId: string;
  versionId: string;
  name: string;
  /** a complete fill of the published e-form ({} when the procedure has none) */
  formData: Record<string, unknown>;
  /** the slots (`doc-<index>`) the submit rules want a file in, given that formData is sent */
  fileSlots: string[];
};

/**
 * The values a citizen types into the procedure's e-form (packages/server/test/eform-helpers.ts,
 * i.e. core's sampleFill of the schema), validated here as the server validates them (a bad fill
 * stops the benchmark before the load, naming the fields), and the document slots that still need a
 * file: every mandatory component (dossier.submit-rules.ts), except the declaration a filled
 * e-form replaces (`filledByEForm`).
 */
export async function onlineForm(db: Db, procedureId: string): Promise<OnlineForm> {
  const v = await db
    .selectFrom('procedure_versions')
    .select(['id', 'name', 'content'])
    .where('procedure_id', '=', procedureId)
    .where('status', '=', 'published')
    .executeTakeFirstOrThrow();
  const content = v.content as { eForm: { schema: unknown } | null; documents?: DocumentInfo[] };
  const formData = await formFor(db, procedureId);
  if (content.eForm) {
    const errors = eformFieldErrors(content.eForm.schema, formData, 'en');
    if (errors.length) {
      const fields = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
      throw new Error(`the e-form fill of "${v.name}" does not validate: ${fields}`);
    }
  }
  const eFormFilled = Boolean(content.eForm) && Object.keys(formData).length > 0;
  const fileSlots = (content.documents ?? []).flatMap((d, i) =>
    isMandatory(d) && !(eFormFilled && d.filledByEForm === true) ? [documentSlot(i)] : [],
  );
  return { procedureId, versionId: v.id, name: v.name, formData, fileSlots };
}

/** What one submission needs: the applicant's session headers and the JSON body. */
export type Submitter = { headers: { cookie: string; 'x-csrf-token': string }; body: string };

/**
 * `count` new citizen accounts (personal ids 0798xxxxxxxx), each with a session, a saved draft of
 * the procedure (the contact as the portal saves it) and one uploaded file per slot of
 * `form.fileSlots` (dummy sha256: the bytes are never read), and the body submitting that draft.
 * A draft is consumed by its submission (one draft per applicant and procedure), hence one account
 * per submission. Bulk SQL, not the services (as bench/commands.ts prepareDrafts).
 */
export async function prepareSubmitters(
  db: Db,
  count: number,
  form: OnlineForm,
  contact: { phone: string; address: string; residenceCommuneId: string },
  agencyId: string | null,
): Promise<Submitter[]> {
  const admin = await db.selectFrom('users').select('password_hash').where('username', '=', 'admin').executeTakeFirst();
  const passwordHash = admin?.password_hash ?? 'x';
  const top = await sql<{ n: string }>`
    SELECT coalesce(max(substr(personal_id, 5)::bigint), 0) AS n FROM users WHERE personal_id LIKE '0798%'`.execute(db);
  let next = Number(top.rows[0]!.n) + 1;
  const out: Submitter[] = [];
  const batch = 5000;
  const expires = new Date(Date.now() + 24 * 3_600_000).toISOString();
  for (let done = 0; done < count; done += batch) {
    const n = Math.min(batch, count - done);
    const users = await sql<{ id: string }>`
      INSERT INTO users (kind, username, full_name, phone, applicant_type, personal_id, password_hash)
      SELECT 'applicant', id, 'Công dân Load ' || g, ${contact.phone}, 'citizen', id, ${passwordHash}
        FROM generate_series(${next}::bigint, ${next + n - 1}::bigint) g, lpad(g::text, 8, '0') s, concat('0798', s) id
      RETURNING id`.execute(db);
    next += n;
    const rows = users.rows.map((u) => ({
      user: u.id,
      token: randomBytes(32).toString('base64url'),
      csrf: randomBytes(24).toString('base64url'),
    }));
    await sql`
      INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at, user_agent)
      SELECT r.hash, r.user, r.csrf, ${expires}::timestamptz, 'bench/load'
        FROM jsonb_to_recordset(${JSON.stringify(
          rows.map((r) => ({ user: r.user, csrf: r.csrf, hash: createHash('sha256').update(r.token).digest('hex') })),
        )}::jsonb) AS r("user" uuid, csrf text, hash text)`.execute(db);
    const drafts = await sql<{ id: string; user: string }>`
      INSERT INTO dossier_drafts (applicant_user_id, procedure_version_id, agency_id, form_data, contact, version, updated_at)
      SELECT r.user, ${form.versionId}::uuid, ${agencyId}::uuid, ${JSON.stringify(form.formData)}::jsonb,
             ${JSON.stringify(contact)}::jsonb, 2, now()
        FROM jsonb_to_recordset(${JSON.stringify(rows.map((r) => ({ user: r.user })))}::jsonb) AS r("user" uuid)
      RETURNING id, applicant_user_id AS "user"`.execute(db);
    const draftOf = new Map(drafts.rows.map((d) => [d.user, d.id]));
    if (form.fileSlots.length) {
      const files = rows.flatMap((r) =>
        form.fileSlots.map((slot) => ({ draft: draftOf.get(r.user)!, user: r.user, slot })),
      );
      await sql`
        INSERT INTO attachments (dossier_id, draft_id, kind, slot, version_no, file_name, media_type, size_bytes, sha256, uploaded_by)
        SELECT NULL, f.draft, 'document', f.slot, 1, f.slot || '.pdf', 'application/pdf', 1, repeat('0', 64), f.user
          FROM jsonb_to_recordset(${JSON.stringify(files)}::jsonb) AS f(draft uuid, "user" uuid, slot text)`.execute(
        db,
      );
    }
    for (const r of rows) {
      out.push({
        headers: { cookie: `motcua_session=${r.token}`, 'x-csrf-token': r.csrf },
        // As the portal's "Nộp hồ sơ" sends it (web ApplyPage submit): the draft, its unit, the contact and the form.
        body: JSON.stringify({
          procedureId: form.procedureId,
          ...(agencyId ? { agencyId } : {}),
          applicant: contact,
          formData: form.formData,
          draftId: draftOf.get(r.user)!,
        }),
      });
    }
  }
  await sql`ANALYZE users, sessions, dossier_drafts, attachments`.execute(db);
  return out;
}
