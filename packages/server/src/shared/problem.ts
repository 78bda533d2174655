import { FIELD_MESSAGES, type Lang, PROBLEMS, type ProblemCode } from './messages.ts';

export type FieldError = { path: string; code: string; message: string; message_vi: string; message_en: string };

/** A 4xx/5xx outcome a service raises; the error handler renders it as RFC 9457 problem+json. */
export class Problem extends Error {
  readonly code: ProblemCode;
  readonly status: number;
  readonly detail: { vi: string; en: string } | undefined;
  readonly errors: FieldError[] | undefined;
  readonly extra: Record<string, unknown> | undefined;

  constructor(
    code: ProblemCode,
    opts: { detail?: { vi: string; en: string }; errors?: FieldError[]; extra?: Record<string, unknown> } = {},
  ) {
    super(code);
    this.code = code;
    this.status = PROBLEMS[code].status;
    this.detail = opts.detail;
    this.errors = opts.errors;
    this.extra = opts.extra;
  }
}

export function fieldError(path: string, code: string, lang: Lang, custom?: { vi: string; en: string }): FieldError {
  const m = custom ?? FIELD_MESSAGES[code] ?? FIELD_MESSAGES.custom!;
  return { path, code, message: m[lang], message_vi: m.vi, message_en: m.en };
}

export function renderProblem(p: Problem, lang: Lang, instance: string | undefined, requestId: string) {
  const t = PROBLEMS[p.code];
  return {
    type: `https://motcua.gov.vn/problems/${p.code}`,
    title: t[lang],
    status: p.status,
    code: p.code,
    ...(p.detail ? { detail: p.detail[lang] } : {}),
    ...(instance ? { instance } : {}),
    request_id: requestId,
    // Both languages always travel: an officer's screen and an integrator's log read different ones.
    title_vi: t.vi,
    title_en: t.en,
    ...(p.detail ? { detail_vi: p.detail.vi, detail_en: p.detail.en } : {}),
    ...(p.errors ? { errors: p.errors } : {}),
    ...(p.extra ?? {}),
  };
}
