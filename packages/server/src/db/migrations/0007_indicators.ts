import { type Kysely, sql } from 'kysely';

/**
 * Indicators (Decision 766/QĐ-TTg) from incrementally maintained aggregates.
 *
 * Each dossier contributes counts to a few (day, agency, procedure) buckets: the day it was
 * received, the day its result was ready, the day it was returned, its appointment day, … (the
 * function `dossier_stat_contrib` below is the one definition). A trigger on `dossiers` writes, in
 * the dossier's own transaction, the difference between the new row's contribution and the old
 * one's into `dossier_stat_deltas` (insert-only: concurrent commands never wait on a counter row).
 * A job folds the deltas into `dossier_stats_day` and `dossier_stats_month`; readers add the
 * deltas not yet folded, so every read is exact at its snapshot.
 *
 * The agency a dossier counts for is its responsible agency (cơ quan giải quyết): the agency of the
 * workflow's final step — the one that signs the result — resolved for this dossier.
 * Linked child dossiers of inter-agency consultations (hồ sơ liên thông) are internal and do not count.
 */
// Listed here, not imported from core's COUNT_KEYS: a landed migration must not change when code does.
const COUNTERS = [
  'submitted',
  'received',
  'received_online',
  'received_postal',
  'with_fee',
  'fee_paid',
  'cohort_on_time',
  'finished_early',
  'finished_on_time',
  'finished_late',
  'finished_refused',
  'returned',
  'returned_online',
  'refused',
  'withdrawn',
  'stopped',
  'closed_incomplete',
  'ended',
  'due',
  'due_settled',
  'rated',
  'rated_satisfied',
  'rating_points',
  'rating_max',
] as const;

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  const cols = COUNTERS.map((c) => `${c} integer NOT NULL DEFAULT 0`).join(',\n      ');
  const list = COUNTERS.join(', ');
  const sums = COUNTERS.map((c) => `sum(${c})::int`).join(', ');
  const adds = COUNTERS.map((c) => `${c} = t.${c} + excluded.${c}`).join(', ');

  // Local (Asia/Ho_Chi_Minh, UTC+7 all year since 1975) calendar day of a moment.
  await sql`
    CREATE FUNCTION local_day(t timestamptz) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT (t AT TIME ZONE INTERVAL '+07:00')::date $$`.execute(db);

  await sql`ALTER TABLE dossiers ADD COLUMN responsible_agency_id uuid REFERENCES agencies(id)`.execute(db);

  await sql`
    CREATE FUNCTION dossier_responsible_agency(workflow jsonb, state jsonb, receiving uuid) RETURNS uuid
    LANGUAGE plpgsql STABLE
    AS $$
    DECLARE
      step jsonb := coalesce(jsonb_path_query_first(workflow, '$.steps[*] ? (@.final == true)'), workflow->'steps'->-1);
      ref jsonb := step->'agency';
      ref_code text;
      found uuid;
    BEGIN
      ref_code := CASE ref->>'kind'
        WHEN 'fixed' THEN ref->>'agencyCode'
        WHEN 'receiving_authority' THEN state->>'receivingAuthorityCode'
        WHEN 'applicant_commune' THEN state->>'applicantCommuneCode'
        WHEN 'receiving' THEN state->>'receivingAgencyCode'
      END;
      IF ref_code IS NOT NULL THEN
        SELECT a.id INTO found FROM agencies a WHERE a.code = ref_code;
      END IF;
      IF found IS NULL THEN
        SELECT coalesce(a.parent_id, a.id) INTO found FROM agencies a WHERE a.id = receiving;
      END IF;
      RETURN found;
    END $$`.execute(db);

  await sql`
    CREATE FUNCTION dossiers_set_responsible_agency() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.responsible_agency_id IS NULL THEN
        NEW.responsible_agency_id := dossier_responsible_agency(NEW.workflow, NEW.state, NEW.receiving_agency_id);
      END IF;
      RETURN NEW;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER dossiers_responsible_agency BEFORE INSERT ON dossiers
    FOR EACH ROW EXECUTE FUNCTION dossiers_set_responsible_agency()`.execute(db);

  await sql
    .raw(`
    CREATE TABLE dossier_stats_day (
      day date NOT NULL,
      agency_id uuid NOT NULL,
      procedure_id uuid NOT NULL,
      ${cols},
      PRIMARY KEY (day, agency_id, procedure_id)
    );
    CREATE TABLE dossier_stats_month (
      month date NOT NULL,
      agency_id uuid NOT NULL,
      procedure_id uuid NOT NULL,
      ${cols},
      PRIMARY KEY (month, agency_id, procedure_id)
    );
    CREATE TABLE dossier_stat_deltas (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      day date NOT NULL,
      agency_id uuid NOT NULL,
      procedure_id uuid NOT NULL,
      ${cols}
    );`)
    .execute(db);

  // The one definition of what a dossier counts for (docs/indicators.md explains each counter).
  // Late = result after the appointment, or an extension was needed (an apology letter and a new
  // appointment, Decree 118/2025 art. 19(8), do not make a late dossier on time); early = not late
  // and ready on an earlier calendar day than the appointment.
  // This SQL must agree with core `classifyTimeliness` (packages/core/src/indicators/timeliness.ts),
  // the one definition; test/timeliness-sql.test.ts checks it. (Comment only: the SQL is unchanged.)
  await sql`
    CREATE FUNCTION dossier_stat_contrib(d dossiers) RETURNS TABLE (
      day date, agency_id uuid, procedure_id uuid,
      submitted int, received int, received_online int, received_postal int, with_fee int, fee_paid int,
      cohort_on_time int, finished_early int, finished_on_time int, finished_late int, finished_refused int,
      returned int, returned_online int, refused int, withdrawn int, stopped int, closed_incomplete int,
      ended int, due int, due_settled int, rated int, rated_satisfied int, rating_points int, rating_max int)
    LANGUAGE plpgsql STABLE
    AS $$
    DECLARE
      late boolean;
      ended_at timestamptz;
      fees jsonb := coalesce(d.state->'fees', '[]');
      scores jsonb := d.state->'rating'->'scores';
      a uuid := d.responsible_agency_id;
      p uuid := d.procedure_id;
      z int := 0;
    BEGIN
      IF d.parent_dossier_id IS NOT NULL OR a IS NULL THEN RETURN; END IF;
      late := d.result_at IS NOT NULL AND (d.result_at > d.due OR coalesce((d.state->>'extensionCount')::int, 0) > 0);
      ended_at := CASE
        WHEN d.received_at IS NULL THEN NULL
        WHEN d.result_at IS NOT NULL THEN d.result_at
        WHEN d.status IN ('refused','stopped','closed','returned') THEN d.finished_at
      END;
      RETURN QUERY SELECT local_day(d.submitted_at), a, p, 1, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z;
      IF d.received_at IS NOT NULL THEN
        RETURN QUERY SELECT local_day(d.received_at), a, p, z, 1,
          (d.channel = 'online')::int, (d.channel = 'postal')::int,
          (jsonb_array_length(fees) > 0)::int,
          (jsonb_array_length(fees) > 0 AND NOT jsonb_path_exists(fees, '$[*] ? (@.paidAt == null)'))::int,
          (d.result_at IS NOT NULL AND NOT late)::int,
          z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z;
        IF d.due IS NOT NULL THEN
          RETURN QUERY SELECT local_day(d.due), a, p, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, 1, z, z, z, z, z;
        END IF;
      END IF;
      IF d.result_at IS NOT NULL THEN
        RETURN QUERY SELECT local_day(d.result_at), a, p, z, z, z, z, z, z, z,
          (NOT late AND local_day(d.result_at) < local_day(d.due))::int,
          (NOT late AND local_day(d.result_at) >= local_day(d.due))::int,
          late::int,
          (d.outcome = 'refused')::int,
          z, z, z, z, z, z, z, z, z, z, z, z, z;
      END IF;
      IF d.returned_at IS NOT NULL THEN
        RETURN QUERY SELECT local_day(d.returned_at), a, p, z, z, z, z, z, z, z, z, z, z, z,
          1, (d.state->>'returnMethod' = 'online')::int, z, z, z, z, z, z, z, z, z, z, z;
      END IF;
      IF d.status IN ('refused','stopped','closed') AND d.finished_at IS NOT NULL THEN
        RETURN QUERY SELECT local_day(d.finished_at), a, p, z, z, z, z, z, z, z, z, z, z, z, z, z,
          (d.status = 'refused')::int,
          (d.status = 'closed' AND d.state->>'closedReason' = 'withdrawn')::int,
          (d.status = 'stopped')::int,
          (d.status = 'closed' AND d.state->>'closedReason' = 'supplement_timeout')::int,
          z, z, z, z, z, z, z;
      END IF;
      IF ended_at IS NOT NULL THEN
        RETURN QUERY SELECT local_day(ended_at), a, p, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, 1, z, z, z, z, z, z;
        IF d.due IS NOT NULL THEN
          RETURN QUERY SELECT greatest(local_day(ended_at), local_day(d.due)), a, p,
            z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, 1, z, z, z, z;
        END IF;
      END IF;
      IF scores IS NOT NULL AND scores <> '{}'::jsonb THEN
        RETURN QUERY SELECT local_day(to_timestamp((d.state->'rating'->>'at')::double precision / 1000)), a, p,
          z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, 1,
          (NOT EXISTS (SELECT 1 FROM jsonb_each_text(scores) s WHERE s.value::int = 0))::int,
          (SELECT sum(s.value::int)::int FROM jsonb_each_text(scores) s),
          (SELECT 2 * count(*)::int FROM jsonb_each_text(scores) s);
      END IF;
    END $$`.execute(db);

  // In the dossier's transaction: new contribution minus old, netted per bucket; most commands
  // (claim, assign, forward) change no counter and insert nothing.
  await sql
    .raw(`
    CREATE FUNCTION dossiers_stat_delta() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO dossier_stat_deltas (day, agency_id, procedure_id, ${list})
      SELECT c.day, c.agency_id, c.procedure_id, ${COUNTERS.map((c) => `sum(c.${c})::int`).join(', ')}
      FROM (
        SELECT 1 AS sign, n.* FROM dossier_stat_contrib(NEW) n
        UNION ALL
        SELECT -1, o.* FROM dossier_stat_contrib(OLD) o WHERE TG_OP = 'UPDATE'
      ) c0, LATERAL (SELECT c0.day, c0.agency_id, c0.procedure_id,
        ${COUNTERS.map((c) => `c0.sign * c0.${c} AS ${c}`).join(', ')}) c
      GROUP BY c.day, c.agency_id, c.procedure_id
      HAVING ${COUNTERS.map((c) => `sum(c.${c}) <> 0`).join(' OR ')};
      RETURN NULL;
    END $$;
    CREATE TRIGGER dossiers_stats AFTER INSERT OR UPDATE ON dossiers
    FOR EACH ROW EXECUTE FUNCTION dossiers_stat_delta();

    -- Fold the deltas into the day and month tables (the job calls it; concurrent calls are safe:
    -- a delta row is deleted, and so counted, by exactly one of them).
    CREATE FUNCTION fold_dossier_stat_deltas() RETURNS integer
    LANGUAGE sql AS $$
      WITH moved AS (DELETE FROM dossier_stat_deltas RETURNING *),
      by_day AS (
        INSERT INTO dossier_stats_day AS t (day, agency_id, procedure_id, ${list})
        SELECT day, agency_id, procedure_id, ${sums} FROM moved GROUP BY 1, 2, 3
        ON CONFLICT (day, agency_id, procedure_id) DO UPDATE SET ${adds}
      ),
      by_month AS (
        INSERT INTO dossier_stats_month AS t (month, agency_id, procedure_id, ${list})
        SELECT date_trunc('month', day)::date, agency_id, procedure_id, ${sums} FROM moved GROUP BY 1, 2, 3
        ON CONFLICT (month, agency_id, procedure_id) DO UPDATE SET ${adds}
      )
      SELECT count(*)::int FROM moved
    $$;

    -- Recompute everything from the dossiers (after a bulk load with triggers off, or to repair).
    CREATE FUNCTION rebuild_dossier_stats() RETURNS void
    LANGUAGE plpgsql AS $$
    BEGIN
      -- Row triggers off for the repair: the counters are recomputed below anyway.
      ALTER TABLE dossiers DISABLE TRIGGER dossiers_stats;
      UPDATE dossiers SET responsible_agency_id = dossier_responsible_agency(workflow, state, receiving_agency_id)
      WHERE responsible_agency_id IS NULL;
      LOCK TABLE dossier_stat_deltas IN EXCLUSIVE MODE;
      TRUNCATE dossier_stat_deltas, dossier_stats_day, dossier_stats_month;
      INSERT INTO dossier_stats_day (day, agency_id, procedure_id, ${list})
      SELECT c.day, c.agency_id, c.procedure_id, ${COUNTERS.map((c) => `sum(c.${c})::int`).join(', ')}
      FROM dossiers d, LATERAL dossier_stat_contrib(d) c GROUP BY 1, 2, 3;
      INSERT INTO dossier_stats_month (month, agency_id, procedure_id, ${list})
      SELECT date_trunc('month', day)::date, agency_id, procedure_id, ${sums} FROM dossier_stats_day GROUP BY 1, 2, 3;
      ALTER TABLE dossiers ENABLE TRIGGER dossiers_stats;
    END $$;`)
    .execute(db);

  // A procedure as the indicators see it: its published version (else its last archived one).
  await sql`
    CREATE VIEW procedure_current AS
    SELECT DISTINCT ON (v.procedure_id) v.procedure_id AS id, p.code, v.id AS version_id, v.name, v.field_code,
           v.field_name, v.online_level, v.content
    FROM procedure_versions v JOIN procedures p ON p.id = v.procedure_id
    WHERE v.status IN ('published', 'archived')
    ORDER BY v.procedure_id, (v.status = 'published') DESC, v.version_no DESC`.execute(db);

  // Drill-down lists (the dossiers behind a number) filter by agency and one of these moments.
  await sql`CREATE INDEX dossiers_resp_received ON dossiers (responsible_agency_id, received_at)`.execute(db);
  await sql`CREATE INDEX dossiers_resp_result ON dossiers (responsible_agency_id, result_at) WHERE result_at IS NOT NULL`.execute(
    db,
  );
  await sql`CREATE INDEX dossiers_resp_finished ON dossiers (responsible_agency_id, finished_at) WHERE finished_at IS NOT NULL`.execute(
    db,
  );
}
