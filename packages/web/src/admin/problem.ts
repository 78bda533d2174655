import { useQueryClient } from '@tanstack/react-query';
import { App, type FormInstance } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, type ProblemBody } from '../api/client.ts';

/** One field error of a problem+json answer, its path without the `body.` prefix. */
export type FieldProblem = { path: string; message: string };

/** The problem body of an API error (or a plain message for anything else). */
export function problemOf(e: unknown): { message: string; fields: FieldProblem[] } {
  if (e instanceof ApiError) {
    const p: ProblemBody = e.problem;
    return {
      message: String(p.detail ?? p.title ?? `HTTP ${e.status}`),
      fields: (p.errors ?? []).map((f) => ({ path: f.path.replace(/^body\.?/, ''), message: f.message ?? '' })),
    };
  }
  return { message: e instanceof Error ? e.message : String(e), fields: [] };
}

/**
 * Show the server's field errors next to the form's inputs (the field named like the error path);
 * returns the general message and the errors that match no input.
 */
export function applyProblem(
  form: FormInstance,
  e: unknown,
  names: readonly string[],
): { message: string; rest: FieldProblem[] } {
  const { message, fields } = problemOf(e);
  const known = new Set(names);
  const mine = fields.filter((f) => known.has(f.path.split('.')[0]!));
  form.setFields(mine.map((f) => ({ name: f.path.split('.')[0]!, errors: [f.message] })));
  return { message, rest: fields.filter((f) => !mine.includes(f)) };
}

/**
 * Saving an administration dialog: runs `save`, then reports success, refreshes the list
 * (`invalidate`) and closes; on a refusal puts the field errors on the inputs and returns the
 * rest as one line for the dialog's alert.
 */
export function useDialogSave<T>(
  form: FormInstance,
  fieldNames: readonly string[],
  save: (values: T) => Promise<unknown>,
  opts: { invalidate: string; onDone: () => void },
) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(values: T) {
    setBusy(true);
    setError(null);
    try {
      await save(values);
      message.success(t('app.saved'));
      void qc.invalidateQueries({ queryKey: [opts.invalidate] });
      opts.onDone();
    } catch (e) {
      const p = applyProblem(form, e, fieldNames);
      setError([p.message, ...p.rest.map((f) => `${f.path}: ${f.message}`)].join(' — '));
    } finally {
      setBusy(false);
    }
  }
  return { error, busy, submit };
}
