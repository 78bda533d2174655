import type { FastifyInstance, FastifyRequest } from 'fastify';
import qs from 'qs';
import { MAX_JSON_DEPTH } from '../../shared/normalize.ts';
import { Problem } from '../../shared/problem.ts';

/**
 * The body shapes GovStack clients in the field send, beside the spec's JSON (issue 14):
 *
 * - `application/x-www-form-urlencoded` on the JSON operations: bracket notation
 *   (`formData[data][name]=…`, `documentUrls[]=…` or the key repeated), or an object field sent
 *   as JSON text (`formData={"data":{…}}`). Values arrive as text; the e-form's JSON Schema
 *   decides their types (coerceFormStrings in dossier.eform.ts).
 * - Documents as a multipart file part (the usual), as base64 text in the multipart `file` field
 *   (the spec's schema: `file` is an array of `format: base64` strings), or as JSON
 *   `{ "file": "<base64>", "fileName": "…" }`.
 */

/** Request bodies that came form-encoded (their e-form values are text to be typed by the schema). */
const formEncoded = new WeakSet<FastifyRequest>();
export const isFormEncoded = (req: FastifyRequest) => formEncoded.has(req);

/** Fields of the facade's bodies that hold an object or a list: a form client may send them as JSON text. */
const JSON_FIELDS = new Set(['formData', 'data']);
const LIST_FIELDS = new Set(['documentUrls']);

function invalidForm(en: string): Problem {
  return new Problem('validation_failed', {
    detail: { vi: 'Nội dung application/x-www-form-urlencoded không đúng', en },
  });
}

/** Parse a form-encoded body into the shape the JSON operations validate. */
export function parseFormBody(text: string): Record<string, unknown> {
  const parsed = qs.parse(text, {
    depth: MAX_JSON_DEPTH,
    arrayLimit: 100,
    parameterLimit: 1000,
    allowPrototypes: false,
    strictDepth: true,
    charset: 'utf-8',
  }) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (JSON_FIELDS.has(k) && typeof v === 'string') {
      try {
        out[k] = JSON.parse(v);
      } catch {
        throw invalidForm(`Field \`${k}\` is neither bracket-encoded nor JSON`);
      }
    } else if (LIST_FIELDS.has(k) && typeof v === 'string') out[k] = [v];
    else if (LIST_FIELDS.has(k) && v && typeof v === 'object' && !Array.isArray(v)) out[k] = Object.values(v);
    else out[k] = v;
  }
  return out;
}

/** Accept form-encoded bodies in this scope, besides JSON. */
export function acceptFormBodies(app: FastifyInstance) {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (req, body, done) => {
    try {
      const parsed = parseFormBody(body as string);
      formEncoded.add(req);
      done(null, parsed);
    } catch (e) {
      if (e instanceof Problem) return done(e, undefined);
      // qs with strictDepth throws a RangeError on deeper nesting.
      done(
        new Problem('validation_failed', {
          detail: {
            vi: `Dữ liệu lồng nhau quá ${MAX_JSON_DEPTH} cấp`,
            en: `The request nests deeper than ${MAX_JSON_DEPTH} levels`,
          },
        }),
        undefined,
      );
    }
  });
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const DATA_URI = /^data:([\w.+-]+\/[\w.+-]+)?(;[\w-]+=[^;,]*)*;base64,/i;

/** The media type a `data:…;base64,` document declares, if it is one. */
export function declaredTypeOfDataUri(text: string): string | undefined {
  return DATA_URI.exec(text)?.[1]?.toLowerCase();
}

/**
 * The bytes of a base64 document (standard or URL-safe alphabet, line breaks allowed, an optional
 * `data:…;base64,` prefix). Anything else is a clear 400: Buffer.from would silently skip bad
 * characters and store a different file than the client sent.
 */
export function decodeBase64Document(text: string): Buffer {
  const body = text.replace(DATA_URI, '').replace(/\s+/g, '');
  const standard = BASE64.test(body) && body.length % 4 === 0;
  if (!standard && !BASE64URL.test(body)) {
    throw new Problem('validation_failed', {
      detail: {
        vi: 'Trường `file` không phải dữ liệu base64 hợp lệ',
        en: 'The `file` field is not valid base64',
      },
    });
  }
  return Buffer.from(body, standard ? 'base64' : 'base64url');
}
