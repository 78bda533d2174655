import { valueAt } from '@motcua/core/eform/prefill';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api, ok } from '../../api/client.ts';
import type { paths } from '../../api/schema';

/** The value at a field path (`name` or `group.name`): core's, shared with the server. */
export { valueAt };

type DraftView = paths['/api/v1/drafts/{id}']['get']['responses'][200]['content']['application/json'];
type PrefillBody = paths['/api/v1/drafts/{id}/prefill']['post']['responses'][200]['content']['application/json'];
export type Contact = NonNullable<DraftView['contact']>;
/** Where a prefilled value came from (the server's FACT_ORIGINS). */
export type FactOrigin = DraftView['verified'][string];
/** The prefill's answer without the draft: what was filled from where, what is locked, which register failed. */
export type PrefillOutcome = Omit<PrefillBody, 'draft'> & { formData: Record<string, unknown> };
export type DraftFile = { id: string; fileName: string; sizeBytes: number };

/** What the wizard keeps in the draft: e-form values, contact details, chosen unit, note. */
export type DraftState = {
  formData: Record<string, unknown>;
  contact: Contact;
  agencyId: string | null;
  note: string;
};

export type SaveStatus =
  | { status: 'idle' }
  | { status: 'saving' }
  | { status: 'saved'; at: Date }
  | { status: 'error'; error: string };

const EMPTY: DraftState = { formData: {}, contact: {}, agencyId: null, note: '' };
const AUTOSAVE_MS = 800;

function filesBySlot(d: DraftView): Record<string, DraftFile[]> {
  const out: Record<string, DraftFile[]> = {};
  for (const a of d.attachments) {
    out[a.slot] = [...(out[a.slot] ?? []), { id: a.id, fileName: a.fileName, sizeBytes: a.sizeBytes }];
  }
  return out;
}

/** A copy of `data` with `value` at the field path, nested objects copied on the way. */
export function withValueAt(data: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split('.');
  if (!head) return data;
  if (rest.length === 0) return { ...data, [head]: value };
  const child = data[head];
  const inner = child && typeof child === 'object' && !Array.isArray(child) ? (child as Record<string, unknown>) : {};
  return { ...data, [head]: withValueAt(inner, rest.join('.'), value) };
}

const isEmpty = (v: unknown) => v === undefined || v === null || v === '';

/** Deep equality of JSON values, whatever the order of object keys (PostgreSQL's jsonb reorders them). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a))
    return a.length === (b as unknown[]).length && a.every((x, i) => sameJson(x, (b as unknown[])[i]));
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return (
    ka.length === kb.length &&
    ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

const body = (s: DraftState) => ({
  formData: s.formData,
  contact: s.contact,
  agencyId: s.agencyId,
  note: s.note.trim() === '' ? null : s.note,
});

/**
 * The citizen's one draft of the procedure (the server keeps one per citizen and procedure):
 * found and resumed on arrival, created on the first change or upload, saved a moment after each
 * change (debounced; saves run one after another so versions never race), flushed on demand
 * before a step change or the submission.
 */
export function useApplyDraft(procedureId: string, enabled: boolean) {
  const [state, setStateRaw] = useState<DraftState | null>(null);
  const [files, setFiles] = useState<Record<string, DraftFile[]>>({});
  const [save, setSave] = useState<SaveStatus>({ status: 'idle' });
  const [resumedAt, setResumedAt] = useState<Date | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  /** The fields locked by a prefill (kept on the draft): path → origin. */
  const [verified, setVerified] = useState<Record<string, FactOrigin>>({});
  /** The draft's id as state (the ref below is for the callbacks): set once a draft exists. */
  const [currentId, setCurrentId] = useState<string | null>(null);
  const draftId = useRef<string | null>(null);
  const version = useRef<number | null>(null);
  const latest = useRef<DraftState>(EMPTY);
  const dirty = useRef(false);
  const chain = useRef<Promise<void>>(Promise.resolve());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const creating = useRef<Promise<string> | null>(null);

  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    (async () => {
      try {
        const items = ok(await api.GET('/api/v1/drafts', { params: { query: { procedureId } } })).items;
        if (cancelled) return;
        const d = items[0];
        if (d) {
          draftId.current = d.id;
          version.current = d.version;
          setCurrentId(d.id);
          setFiles(filesBySlot(d));
          setVerified(d.verified ?? {});
          setResumedAt(new Date(d.updatedAt));
          latest.current = {
            formData: d.formData ?? {},
            contact: d.contact ?? {},
            agencyId: d.agencyId ?? null,
            note: d.note ?? '',
          };
        }
        setStateRaw(latest.current);
      } catch (e) {
        if (!cancelled) setLoadError(e);
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [procedureId, enabled]);

  const adopt = useCallback((d: DraftView) => {
    draftId.current = d.id;
    version.current = d.version;
    setCurrentId(d.id);
    setFiles(filesBySlot(d));
    setVerified(d.verified ?? {});
  }, []);

  /** The draft's id, creating it (with what is typed so far) if there is none yet. */
  const ensureDraft = useCallback(async (): Promise<string> => {
    if (draftId.current) return draftId.current;
    creating.current ??= (async () => {
      const sent = latest.current;
      const r = await api.POST('/api/v1/drafts', { body: { procedureId, ...body(sent) } });
      const d = ok(r);
      adopt(d);
      // 200: a draft already existed (another tab), unchanged: what is on screen now goes into it.
      // 201: it holds what was sent; anything typed since is still to save.
      dirty.current = r.response.status === 200 || latest.current !== sent;
      return d.id;
    })();
    try {
      return await creating.current;
    } finally {
      creating.current = null;
    }
  }, [procedureId, adopt]);

  const persist = useCallback(async () => {
    if (!dirty.current && draftId.current) return;
    setSave({ status: 'saving' });
    if (!draftId.current) {
      await ensureDraft();
      if (!dirty.current) {
        setSave({ status: 'saved', at: new Date() });
        return;
      }
    }
    dirty.current = false;
    const put = (v: number) =>
      api.PUT('/api/v1/drafts/{id}', {
        params: { path: { id: draftId.current! } },
        body: { ...body(latest.current), version: v },
      });
    let r = await put(version.current ?? 1);
    // Saved meanwhile from another tab: this screen is the citizen's latest word on their own draft.
    if (r.response.status === 409) {
      const current = (r.error as { currentVersion?: number } | undefined)?.currentVersion;
      if (typeof current === 'number') r = await put(current);
    }
    const d = ok(r);
    version.current = d.version;
    setSave({ status: 'saved', at: new Date() });
  }, [ensureDraft]);

  /** Save now what is pending (runs after any save in flight). */
  const flush = useCallback((): Promise<void> => {
    if (timer.current) {
      clearTimeout(timer.current);
      timer.current = null;
    }
    const next = chain.current.then(persist).catch((e: unknown) => {
      dirty.current = true;
      setSave({ status: 'error', error: e instanceof ApiError ? e.message : String(e) });
      throw e;
    });
    chain.current = next.catch(() => {});
    return next;
  }, [persist]);

  /**
   * A change by the citizen, saved shortly. `silent`: a change nobody made (the e-form filling in
   * its defaults on arrival) is kept on screen and saved with the next real change, so that merely
   * opening the wizard starts no draft.
   */
  const update = useCallback(
    (patch: Partial<DraftState>, opts: { silent?: boolean } = {}) => {
      latest.current = { ...latest.current, ...patch };
      setStateRaw(latest.current);
      if (opts.silent) return;
      dirty.current = true;
      // Not "saved at …" while a change waits for its save.
      setSave({ status: 'saving' });
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => {
        timer.current = null;
        flush().catch(() => {});
      }, AUTOSAVE_MS);
    },
    [flush],
  );

  // Leaving the tab (or the phone's screen going off), or the wizard (a link): save what is pending.
  // Closing or reloading the page: one last save that outlives the page (keepalive).
  useEffect(() => {
    const onHide = () => {
      if (document.visibilityState === 'hidden' && dirty.current) flush().catch(() => {});
    };
    const onPageHide = () => {
      if (!dirty.current || !draftId.current || version.current === null) return;
      dirty.current = false;
      void api.PUT('/api/v1/drafts/{id}', {
        params: { path: { id: draftId.current } },
        body: { ...body(latest.current), version: version.current },
        keepalive: true,
      });
    };
    document.addEventListener('visibilitychange', onHide);
    window.addEventListener('pagehide', onPageHide);
    return () => {
      document.removeEventListener('visibilitychange', onHide);
      window.removeEventListener('pagehide', onPageHide);
      if (timer.current) clearTimeout(timer.current);
      if (dirty.current) flush().catch(() => {});
    };
  }, [flush]);

  /**
   * Fill the e-form from VNeID and the national registers (POST /drafts/{id}/prefill), in turn
   * with the saves: what is typed is saved first (the server fills only what is empty), the draft
   * is created if there is none. The answer's values are laid onto what is on screen now: a
   * verified (locked) value replaces what was typed, the others only fill an empty field, so
   * typing while the answer comes loses nothing. The prefill bumps the draft's version: the next
   * save uses the new one.
   */
  const prefill = useCallback((): Promise<PrefillOutcome> => {
    const run = chain.current.then(async () => {
      if (timer.current) {
        clearTimeout(timer.current);
        timer.current = null;
      }
      await persist();
      const id = draftId.current ?? (await ensureDraft());
      const r = ok(await api.POST('/api/v1/drafts/{id}/prefill', { params: { path: { id } } }));
      version.current = r.draft.version;
      setVerified(r.draft.verified ?? {});
      let formData = latest.current.formData;
      for (const path of Object.keys(r.origins)) {
        const value = valueAt(r.draft.formData, path);
        if (value === undefined) continue;
        if (r.locked.includes(path) || isEmpty(valueAt(formData, path))) formData = withValueAt(formData, path, value);
      }
      latest.current = { ...latest.current, formData };
      setStateRaw(latest.current);
      // What is on screen differs from what the server holds (typed meanwhile, or not yet saved): save it.
      if (!sameJson(formData, r.draft.formData)) {
        dirty.current = true;
        timer.current = setTimeout(() => {
          timer.current = null;
          flush().catch(() => {});
        }, AUTOSAVE_MS);
      }
      return { origins: r.origins, locked: r.locked, failures: r.failures, formData: r.draft.formData };
    });
    chain.current = run.then(
      () => {},
      () => {},
    );
    return run;
  }, [persist, ensureDraft, flush]);

  const addFile = useCallback((slot: string, f: DraftFile) => {
    setFiles((x) => ({ ...x, [slot]: [f, ...(x[slot] ?? [])] }));
  }, []);

  /**
   * Discard the draft (its values and files): pending saves are dropped, the one in flight ends
   * first, then the server deletes it; the wizard is empty again and a next change starts afresh.
   */
  const discard = useCallback(async () => {
    if (timer.current) {
      clearTimeout(timer.current);
      timer.current = null;
    }
    dirty.current = false;
    await chain.current;
    const id = draftId.current;
    if (id) ok(await api.DELETE('/api/v1/drafts/{id}', { params: { path: { id } } }));
    draftId.current = null;
    version.current = null;
    setCurrentId(null);
    setVerified({});
    creating.current = null;
    latest.current = EMPTY;
    setStateRaw(EMPTY);
    setFiles({});
    setSave({ status: 'idle' });
    setResumedAt(null);
  }, []);

  return {
    state,
    files,
    save,
    resumedAt,
    loadError,
    discard,
    draftId: () => draftId.current,
    /** The draft's id once there is one (state: a change re-renders). */
    currentId,
    verified,
    prefill,
    update,
    flush,
    ensureDraft,
    addFile,
  };
}
