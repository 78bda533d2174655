import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { SignIn } from '../../api/auth.tsx';
import { ApiError } from '../../api/client.ts';
import { ssoStartUrl, useSsoProviders } from '../../api/sso.ts';
import type { FactOrigin, PrefillOutcome, useApplyDraft } from './useApplyDraft.ts';
import { sameJson, valueAt } from './useApplyDraft.ts';

/** One prefilled field: where its value came from, and whether it is locked (verified). */
export type FieldMark = { origin: FactOrigin; locked: boolean };
export type Marks = Record<string, FieldMark>;
type Failure = PrefillOutcome['failures'][number];

/** Is VNeID one of the server's sign-in providers? */
export function useVneidAvailable(): boolean {
  return (useSsoProviders().data ?? []).some((p) => p.id === 'vneid');
}

/** The VNeID sign-in that comes back to this page (or `returnTo`). */
export function vneidStartUrl(returnTo = `${window.location.pathname}${window.location.search}`): string {
  return ssoStartUrl('vneid', returnTo);
}

export const isVneidSession = (signIn: SignIn | null) => signIn?.authMethod === 'oidc:vneid';

/**
 * The e-form's prefill in the wizard (issue 17). Called once by itself when the form step is
 * shown for a procedure whose e-form has a prefill map: at once with a VNeID session (creating
 * the draft: what the registers hold is worth keeping), and with a password session once the
 * draft exists (the account's own name and ID, unlocked; opening the wizard still starts no
 * draft). A resumed draft already prefilled keeps its verified fields (draft.verified) and is not
 * read again unless the citizen asks (`refill`). Never blocks the form: a failure is a warning.
 */
export function usePrefill(opts: {
  draft: ReturnType<typeof useApplyDraft>;
  prefillMap: Record<string, unknown> | null | undefined;
  signIn: SignIn | null;
  /** The form step is on screen. */
  active: boolean;
}) {
  const { draft, signIn, active } = opts;
  const hasMap = Object.keys(opts.prefillMap ?? {}).length > 0;
  const viaVneid = isVneidSession(signIn);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [failures, setFailures] = useState<Failure[]>([]);
  /** This visit's answer: origins of the filled fields and their values (the unlocked ones' tags last while unchanged). */
  const [session, setSession] = useState<{
    origins: Record<string, FactOrigin>;
    values: Record<string, unknown>;
  } | null>(null);
  const [refilled, setRefilled] = useState(false);
  const started = useRef(false);
  const loaded = draft.state !== null;
  const verifiedCount = Object.keys(draft.verified).length;
  const { prefill } = draft;

  const run = useCallback(
    async (again: boolean) => {
      started.current = true;
      setLoading(true);
      setError(null);
      setRefilled(false);
      try {
        const r = await prefill();
        setFailures(r.failures);
        setSession({
          origins: r.origins,
          values: Object.fromEntries(Object.keys(r.origins).map((k) => [k, valueAt(r.formData, k)])),
        });
        if (again) setRefilled(true);
      } catch (e) {
        setError(e instanceof ApiError ? e.message : String(e));
      } finally {
        setLoading(false);
      }
    },
    [prefill],
  );

  useEffect(() => {
    if (!hasMap || !active || !loaded || started.current) return;
    if (viaVneid) {
      // Resumed, already prefilled: the verified fields are on the draft; read again only on request.
      if (verifiedCount > 0) {
        started.current = true;
        return;
      }
      void run(false);
    } else if (draft.currentId !== null) {
      void run(false);
    }
  }, [hasMap, active, loaded, viaVneid, verifiedCount, draft.currentId, run]);

  const formData = draft.state?.formData;
  const computed = useMemo<Marks>(() => {
    const out: Marks = {};
    for (const [path, origin] of Object.entries(session?.origins ?? {})) {
      // An unlocked value keeps its tag while it is what was filled in.
      if (formData && sameJson(valueAt(formData, path), session?.values[path])) out[path] = { origin, locked: false };
    }
    for (const [path, origin] of Object.entries(draft.verified)) out[path] = { origin, locked: true };
    return out;
  }, [session, draft.verified, formData]);
  // The same marks keep the same object: the e-form's uiSchema is not rebuilt on every keystroke.
  const stable = useRef<Marks>({});
  if (!sameJson(stable.current, computed)) stable.current = computed;
  const marks = stable.current;

  return {
    /** The procedure's e-form has a prefill map. */
    enabled: hasMap,
    viaVneid,
    loading,
    error,
    failures,
    marks,
    refilled,
    refill: () => run(true),
  };
}
