import { randomBytes, randomUUID } from 'node:crypto';
import {
  type Actor,
  DEFAULT_DOSSIER_CODE_PATTERN,
  type DecideContext,
  type DossierActor,
  type DossierState,
  decide,
  evolve,
  generateLookupSecret,
  parsePattern,
  type WorkflowDefinition,
} from '@motcua/core';
import type { Db, Executor, Tx } from '../../db/database.ts';
import type { CommandContext } from '../../shared/command-context.ts';
import { Problem } from '../../shared/problem.ts';
import { applicantByIdNumber, userById } from '../accounts/accounts.queries.ts';
import {
  agenciesByIdVia,
  agencyWithParent,
  receivingUnitOf,
  serviceCenterReceivingUnit,
} from '../agencies/agencies.queries.ts';
import { moveDraftAttachments } from '../attachments/attachments.service.ts';
import { holdAuditChain } from '../audit/audit.service.ts';
import { publishedProcedure } from '../catalog/catalog.cache.ts';
import { assertWorkflowHonourable } from '../catalog/catalog.publishable.ts';
import { procedureProvinceId } from '../catalog/catalog.queries.ts';
import { actorDetails, dossierActorOf, principalOf } from './dossier.actors.ts';
import { applicantKindOf, assertApplicantKind } from './dossier.applicant-kinds.ts';
import {
  type CommandEnv,
  calendarDaysDue,
  calendarFor,
  commandEnv,
  legalLimitOf,
  rejection,
  workingLimit,
} from './dossier.decide.ts';
import { type CommandResult, requestHash, runIdempotent } from './dossier.idempotency.ts';
import { checkReception, versionDocuments } from './dossier.reception.ts';
import { type Applicant, insertDossierWithEvents, nextSequence, projection, stageEvents } from './dossier.store.ts';
import { checkCitizenSubmission, chooseHandlingAgency } from './dossier.submit-rules.ts';

/** Submission: a new dossier, online by the applicant or an API client, at the counter by a receptionist. */

export type SubmitInput = {
  procedureId: string;
  /** The agency chosen to handle it (a commune for commune procedures); default: the procedure's only one. */
  agencyId?: string | null;
  channel: 'online' | 'counter' | 'postal';
  applicant?: Partial<Applicant> | null;
  formData: Record<string, unknown>;
  draftId?: string | null;
  note?: string | null;
  /** Counter only: the components checked in front of the applicant (dossier.reception.ts). */
  checklist?: { name: string; original?: number; copy?: number }[];
  /** Entered by an intake officer for an outside system (GovStack facade): `channel` is where it came from. */
  viaIntegration?: boolean;
};

type SubmitDocument = { name: string; requirement: 'mandatory' | 'conditional'; filledByEForm?: boolean };

export type SubmitOptions = {
  codePattern?: string;
  /**
   * Work of the caller that belongs to the same submission, run in its transaction after the
   * dossier and its events are written (the GovStack facade maps its file id and attaches the
   * uploaded documents there): a failure rolls the whole submission back.
   */
  alsoInTransaction?: (tx: Tx, dossierId: string) => Promise<void>;
  /** The moment of submission (default: the clock's). */
  now?: Date;
};

async function receptionUnitFor(ex: Executor, env: CommandEnv, authorityId: string): Promise<string | null> {
  // The one-stop unit of the agency, else of the province's Public Administration Service Center.
  const known = env.agencies.receivingUnitUnder(authorityId);
  const own = known === undefined ? await receivingUnitOf(ex, authorityId) : known;
  if (own) return own;
  return (await serviceCenterReceivingUnit(ex))?.id ?? null;
}

function problemFor(code: 'procedure_not_available', vi: string, en: string): Problem {
  return new Problem(code, { detail: { vi, en } });
}

export type SubmitResult = { id: string; code: string; lookupSecret: string; version: number; status: string };

/**
 * Submit a dossier: online by the applicant, or at the counter by a receptionist (who receives
 * it on the spot: submit + receive in one transaction, Decree 118/2025 art. 17).
 */
export async function submitDossier(
  db: Db,
  input: SubmitInput,
  ctx: CommandContext,
  idempotencyKey: string | null,
  opts: SubmitOptions & { validateForm?: (schema: unknown, data: unknown) => void } = {},
): Promise<CommandResult & { replayed: boolean }> {
  const idem =
    idempotencyKey === null
      ? null
      : { principal: principalOf(ctx), key: idempotencyKey, hash: requestHash({ submit: input }) };
  // Read through the pool before the transaction (see executeCommand): the revisions, then this
  // process's copies of the procedure (catalog.cache.ts) and the calendar while they are current.
  const env = await commandEnv(db);
  const published = await publishedProcedure(db, env.revisions.catalog, input.procedureId);
  const provinceId = published?.version.province_id ?? (await procedureProvinceId(db, input.procedureId));
  if (provinceId === undefined) throw new Problem('procedure_not_available');
  const calendar = await calendarFor(db, provinceId, env);
  return runIdempotent(db, idem, async (tx) => {
    const now = opts.now ?? new Date();
    const actor = ctx.actor;
    if (actor.kind === 'anonymous') throw new Problem('unauthenticated');
    // An officer entering what an outside system brought records its channel, but enters it as at the counter.
    const counter = input.channel !== 'online' || input.viaIntegration === true;
    if (counter !== (actor.kind === 'officer')) throw new Problem('forbidden');

    if (!published) throw new Problem('procedure_not_available');
    const { version, handlers } = published;
    // Who may apply (applicantKinds): the account's kind online, before anything else is checked.
    // The account is read once: its kind here, its details for the dossier below (resolveApplicant).
    const account = actor.kind === 'applicant' ? await userById(tx, actor.userId) : undefined;
    if (actor.kind === 'applicant') assertApplicantKind(version.applicant_kinds, applicantKindOf(account));
    const content = version.content as {
      workflow: unknown;
      timeLimit: { value: number | null; unit: string } | null;
      eForm: { schema: unknown } | null;
      channels: string[];
    };
    if (!content.workflow) {
      throw problemFor(
        'procedure_not_available',
        'Thủ tục chưa có quy trình xử lý',
        'The procedure has no workflow yet',
      );
    }
    if (!counter && !content.channels.includes('online')) {
      throw problemFor(
        'procedure_not_available',
        'Thủ tục không nhận hồ sơ trực tuyến',
        'The procedure does not accept online dossiers',
      );
    }
    if (content.eForm && opts.validateForm) opts.validateForm(content.eForm.schema, input.formData);

    // Which one-stop unit receives it, for which authority.
    let receivingId: string;
    let authorityId: string | null;
    // The e-form fields the draft prefilled from a register or VNeID, and where from (officer's view).
    let verifiedFields: Record<string, string> | null = null;
    if (counter) {
      if (actor.kind !== 'officer' || !actor.roles.includes('receptionist')) throw new Problem('forbidden');
      const unit = await agencyWithParent(tx, actor.agencyId);
      if (!unit) throw new Error(`agency ${actor.agencyId} not found`);
      receivingId = unit.id;
      authorityId = unit.receives_dossiers ? unit.parent_id : unit.id;
      const servesAll = unit.parent_level === 'center';
      if (!servesAll && (authorityId === null || !handlers.includes(authorityId))) {
        throw problemFor(
          'procedure_not_available',
          'Bộ phận Một cửa này không tiếp nhận thủ tục này',
          'This one-stop unit does not receive this procedure',
        );
      }
      if (servesAll) authorityId = input.agencyId ?? handlers[0] ?? null;
    } else {
      // A citizen's own submission: the draft checked, every mandatory document attached (submit-rules).
      const draft =
        actor.kind === 'applicant'
          ? await checkCitizenSubmission(tx, {
              userId: actor.userId,
              procedureId: input.procedureId,
              draftId: input.draftId ?? null,
              documents: (version.content as { documents?: SubmitDocument[] }).documents ?? [],
              eFormFilled: Boolean(content.eForm) && Object.keys(input.formData).length > 0,
              formData: input.formData,
              identityLevel: (content as { identityLevel?: 1 | 2 | null }).identityLevel ?? null,
              assuranceLevel: actor.assuranceLevel ?? null,
            })
          : null;
      if (draft && Object.keys(draft.verified).length > 0) {
        verifiedFields = Object.fromEntries(Object.entries(draft.verified).map(([k, v]) => [k, v.origin]));
      }
      authorityId = chooseHandlingAgency(
        handlers,
        input.agencyId ?? draft?.agencyId ?? null,
        input.applicant?.residenceCommuneId ?? draft?.residenceCommuneId ?? null,
      );
      if (authorityId === null || !handlers.includes(authorityId)) {
        throw new Problem('validation_failed', {
          detail: {
            vi: 'Chọn cơ quan giải quyết trong danh sách của thủ tục',
            en: 'Choose a handling agency listed for the procedure',
          },
          extra: { field: 'agencyId' },
        });
      }
      const unit = await receptionUnitFor(tx, env, authorityId);
      if (unit === null) throw problemFor('procedure_not_available', 'Không có bộ phận tiếp nhận', 'No reception unit');
      receivingId = unit;
    }
    const agencies = await agenciesByIdVia(tx, env.agencies, [receivingId, ...(authorityId ? [authorityId] : [])]);
    const codeOf = (id: string | null) => (id === null ? null : (agencies.find((a) => a.id === id)?.code ?? null));

    const { applicant, applicantUserId, communeCode } = await resolveApplicant(
      tx,
      env,
      actor,
      account,
      input,
      version.applicant_kinds,
    );

    // Never start a clock that cannot be honoured: every step resolves to an active agency now.
    await assertWorkflowHonourable(
      tx,
      content.workflow as Record<string, unknown>,
      {
        receivingAgencyCode: codeOf(receivingId)!,
        receivingAuthorityCode: codeOf(authorityId),
        applicantCommuneCode: communeCode,
      },
      'vi',
      env.agencies,
    );
    const lookupSecret = generateLookupSecret(randomBytes(16));
    const dossierId = randomUUID();
    // An API client (the national portal, an LGSP) submits on the applicant's behalf, as the engine
    // does for linked dossiers (core machine: `system` may submit); it gets no other command.
    const dossierActor: DossierActor =
      actor.kind === 'client'
        ? { userId: `client:${actor.clientId}`, roles: ['system'], agencyCode: null }
        : await dossierActorOf(tx, ctx, env.agencies);
    const who = await actorDetails(tx, ctx);
    const workflow = content.workflow as WorkflowDefinition;
    const limit = legalLimitOf(content.timeLimit);
    const context: DecideContext = { workflow, legalLimit: workingLimit(limit), calendar, formData: input.formData };

    const submit = decide(
      null,
      {
        type: 'submit',
        actor: dossierActor,
        now,
        dossierId,
        applicantId: applicantUserId ?? `walk-in:${dossierId}`,
        channel: input.channel,
        receivingAgencyCode: codeOf(receivingId)!,
        receivingAuthorityCode: codeOf(authorityId),
        applicantCommuneCode: communeCode,
        ...(input.note ? { note: input.note } : {}),
      },
      context,
    );
    if (!submit.ok) throw rejection(submit.error);
    let events = submit.events;
    if (counter) {
      // Counter dossiers are checked in front of the applicant and received on the spot.
      const submitted = events.reduce<DossierState | null>(evolve, null)!;
      // Decree 118/2025 art. 17(3): received only when every mandatory component is checked.
      const checklist = checkReception(await versionDocuments(tx, version.id), input.checklist);
      const receive = decide(
        submitted,
        {
          type: 'receive',
          actor: dossierActor,
          now,
          checklist,
          ...(limit !== null && 'calendarDays' in limit
            ? { due: calendarDaysDue(calendar, now.getTime(), limit.calendarDays) }
            : {}),
        },
        context,
      );
      if (!receive.ok) throw rejection(receive.error);
      events = [...events, ...receive.events];
    }
    const state = events.reduce<DossierState | null>(evolve, null)!;
    const last = events[events.length - 1]!;
    const columns = projection(state, workflow, new Map(), last, null);
    // Number and lookup password (Decree 118/2025 art. 28). The unit's counter row stays locked
    // until COMMIT (gapless numbers): it is taken once everything that can fail or wait is done, so
    // only the writes below hold it (every submission to one unit queues on this row). The audit
    // chain this dossier's rows go to is locked first, so no one waits for it holding the counter.
    const pattern = parsePattern(opts.codePattern ?? DEFAULT_DOSSIER_CODE_PATTERN);
    const codeCtx = { agencyCode: codeOf(receivingId)!, procedureCode: version.code ?? undefined, receivedAt: now };
    await holdAuditChain(tx, { targetType: 'dossier', targetId: dossierId });
    const seq = await nextSequence(tx, pattern.source, pattern.scopeKey(codeCtx));
    const code = pattern.format(codeCtx, seq);
    const staged = await stageEvents(
      tx,
      ctx,
      { id: dossierId, code, receivingAgencyId: receivingId, procedureName: version.name, applicant, applicantUserId },
      workflow,
      null,
      events,
      new Map(),
      who.agencyId,
      who.name,
    );
    // Migration 0007's triggers: the responsible agency is set, the submitted (at the counter also
    // received) counts go to the deltas. One statement for the row and its first events' rows.
    await insertDossierWithEvents(
      tx,
      {
        id: dossierId,
        code,
        lookup_secret: lookupSecret,
        province_id: version.province_id,
        procedure_id: version.procedure_id,
        procedure_version_id: version.id,
        procedure_name: version.name,
        field_code: version.field_code,
        workflow: JSON.stringify(workflow),
        legal_limit: limit === null ? null : JSON.stringify(limit),
        channel: input.channel,
        applicant_user_id: applicantUserId,
        applicant: JSON.stringify(applicant),
        applicant_name: applicant.name,
        applicant_id_number: applicant.idNumber,
        applicant_phone: applicant.phone,
        form_data: JSON.stringify(input.formData),
        verified_fields: verifiedFields && JSON.stringify(verifiedFields),
        receiving_agency_id: receivingId,
        submitted_at: now,
        ...columns,
        // the state after the events (stageEvents folded them again for the history rows)
        state: JSON.stringify(state),
      },
      [...new Set([receivingId, ...(authorityId ? [authorityId] : [])])],
      staged,
    );
    if (input.draftId) await adoptDraft(tx, input.draftId, dossierId, actor);
    if (opts.alsoInTransaction) await opts.alsoInTransaction(tx, dossierId);
    const body: SubmitResult = { id: dossierId, code, lookupSecret, version: state.version, status: state.status };
    return { statusCode: 201, body };
  });
}

/**
 * The applicant of a submission: online, the account (contact details as typed); at the counter,
 * the person as entered (of a kind the procedure accepts), with the code of the commune of residence.
 */
async function resolveApplicant(
  tx: Tx,
  env: CommandEnv,
  actor: Actor,
  account: Awaited<ReturnType<typeof userById>>,
  input: SubmitInput,
  applicantKinds: string[],
): Promise<{ applicant: Applicant; applicantUserId: string | null; communeCode: string | null }> {
  let applicant: Applicant;
  let applicantUserId: string | null;
  if (actor.kind === 'applicant') {
    const u = account;
    if (!u) throw new Problem('unauthenticated');
    applicantUserId = u.id;
    applicant = {
      kind: u.applicant_type ?? 'citizen',
      name: u.full_name,
      idNumber: u.personal_id ?? u.tax_code,
      phone: input.applicant?.phone ?? u.phone,
      email: input.applicant?.email ?? u.email,
      address: input.applicant?.address ?? null,
      residenceCommuneId: input.applicant?.residenceCommuneId ?? null,
    };
  } else {
    const a = input.applicant;
    if (!a?.name) {
      throw new Problem('validation_failed', {
        detail: { vi: 'Thiếu tên người nộp hồ sơ', en: 'The applicant’s name is missing' },
      });
    }
    applicant = {
      kind: a.kind ?? 'citizen',
      name: a.name,
      idNumber: a.idNumber ?? null,
      phone: a.phone ?? null,
      email: a.email ?? null,
      address: a.address ?? null,
      residenceCommuneId: a.residenceCommuneId ?? null,
    };
    assertApplicantKind(applicantKinds, applicant.kind);
    // A walk-in applicant with an account gets the dossier in their portal too.
    const owner = applicant.idNumber ? await applicantByIdNumber(tx, applicant.idNumber) : undefined;
    applicantUserId = owner?.id ?? null;
  }
  let communeCode: string | null = null;
  if (applicant.residenceCommuneId) {
    const [c] = (await agenciesByIdVia(tx, env.agencies, [applicant.residenceCommuneId])).filter(
      (a) => a.level === 'commune',
    );
    if (!c) {
      throw new Problem('validation_failed', {
        detail: { vi: 'Xã/phường nơi cư trú không tồn tại', en: 'Unknown commune of residence' },
        extra: { field: 'applicant.residenceCommuneId' },
      });
    }
    communeCode = c.code;
  }
  return { applicant, applicantUserId, communeCode };
}

/** The draft's files become the dossier's; the draft is deleted. Only the draft's owner may do it. */
async function adoptDraft(tx: Tx, draftId: string, dossierId: string, actor: Actor): Promise<void> {
  if (actor.kind !== 'applicant') return;
  // The draft was found the applicant's and locked in this transaction (submit-rules lockDraft).
  await moveDraftAttachments(tx, draftId, dossierId);
  await tx.deleteFrom('dossier_drafts').where('id', '=', draftId).execute();
}
