import createClient, { type Middleware } from 'openapi-fetch';
import i18n from '../i18n.ts';
import type { paths } from './schema';

/**
 * The typed API client (openapi-fetch over the generated `schema.d.ts`). Cookie sessions: every
 * unsafe request carries the CSRF token the session handed out (header `x-csrf-token`).
 */
let csrfToken: string | null = null;
export function setCsrfToken(token: string | null) {
  csrfToken = token;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Called when the server says the session is over (idle limit, too many password guesses…). */
let sessionEnded: ((code: string | undefined) => void) | null = null;
export function onSessionEnded(fn: ((code: string | undefined) => void) | null) {
  sessionEnded = fn;
}

const middleware: Middleware = {
  onRequest({ request }) {
    request.headers.set('accept-language', i18n.language === 'en' ? 'en' : 'vi');
    if (UNSAFE.has(request.method) && csrfToken) request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
  async onResponse({ request, response }) {
    // A 401 while signed in means the session ended on the server: the pages then send the user
    // through sign-in and back (RequireSignIn, OfficeLayout), instead of failing request by request.
    if (
      response.status === 401 &&
      csrfToken &&
      sessionEnded &&
      !/\/auth\/(me|login)$/.test(new URL(request.url).pathname)
    ) {
      const code = (
        (await response
          .clone()
          .json()
          .catch(() => ({}))) as { code?: string }
      ).code;
      sessionEnded(code);
    }
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(middleware);

/** A fresh Idempotency-Key for one command (kept by the caller to retry the same command). */
export function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** RFC 9457 problem returned by the API. */
export type ProblemBody = {
  code?: string;
  title?: string;
  detail?: string;
  errors?: { path: string; message?: string }[];
  [k: string]: unknown;
};

export class ApiError extends Error {
  readonly status: number;
  readonly problem: ProblemBody;
  constructor(status: number, problem: ProblemBody) {
    const fields = problem.errors?.map((e) => `${e.path}: ${e.message ?? ''}`).join('; ');
    super([problem.detail ?? problem.title ?? `HTTP ${status}`, fields].filter(Boolean).join(' — '));
    this.status = status;
    this.problem = problem;
  }
}

/** Unwrap an openapi-fetch result: the data, or an ApiError carrying the problem. */
export function ok<T>(r: { data?: T; error?: unknown; response: Response }): T {
  if (!r.response.ok || r.error !== undefined) {
    throw new ApiError(r.response.status, (r.error ?? {}) as ProblemBody);
  }
  return r.data as T;
}

/** multipart upload with progress (XMLHttpRequest: fetch has no upload progress). */
export function uploadFile(
  url: string,
  fields: Record<string, string>,
  file: File,
  onProgress?: (percent: number) => void,
): Promise<{ id: string; fileName: string; slot: string }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    if (csrfToken) xhr.setRequestHeader('x-csrf-token', csrfToken);
    xhr.setRequestHeader('accept-language', i18n.language === 'en' ? 'en' : 'vi');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress?.(Math.round((e.loaded / e.total) * 100));
    };
    xhr.onload = () => {
      let body: unknown = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = {};
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as { id: string; fileName: string; slot: string });
      else reject(new ApiError(xhr.status, body as ProblemBody));
    };
    xhr.onerror = () => reject(new ApiError(0, { title: 'network error' }));
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append('file', file);
    xhr.send(form);
  });
}
