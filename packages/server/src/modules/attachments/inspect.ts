import { fileTypeFromBuffer, supportedExtensions } from 'file-type';
import { Problem } from '../../shared/problem.ts';

/**
 * What a file is, decided from its bytes alone. The name and the declared Content-Type of an
 * upload are claims made by the client; only the content is evidence.
 */

type AllowedType = { mediaType: string; ext: string; extensions: readonly string[]; zip: boolean };

/** Accepted types, keyed by file-type's `ext`. Everything else is refused. */
export const ALLOWED_TYPES: Readonly<Record<string, AllowedType>> = {
  pdf: { mediaType: 'application/pdf', ext: 'pdf', extensions: ['pdf'], zip: false },
  jpg: { mediaType: 'image/jpeg', ext: 'jpg', extensions: ['jpg', 'jpeg', 'jpe', 'jfif'], zip: false },
  png: { mediaType: 'image/png', ext: 'png', extensions: ['png'], zip: false },
  tif: { mediaType: 'image/tiff', ext: 'tif', extensions: ['tif', 'tiff'], zip: false },
  webp: { mediaType: 'image/webp', ext: 'webp', extensions: ['webp'], zip: false },
  docx: {
    mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ext: 'docx',
    extensions: ['docx'],
    zip: true,
  },
  xlsx: {
    mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    ext: 'xlsx',
    extensions: ['xlsx'],
    zip: true,
  },
  odt: { mediaType: 'application/vnd.oasis.opendocument.text', ext: 'odt', extensions: ['odt'], zip: true },
};

/** Limits for zip-based documents, checked on the central directory without extracting anything. */
export const ZIP_LIMITS = {
  maxEntries: 10_000,
  maxTotalUncompressed: 200 * 1024 * 1024,
  maxRatio: 200,
  /** Entries smaller than this are not ratio-checked: small repetitive XML parts compress very well
   * and cannot amount to a bomb (the total limit still counts them). */
  ratioMinUncompressed: 1024 * 1024,
};

export const MAX_FILE_NAME_LENGTH = 200;

export type InspectedFile = {
  mediaType: string;
  /** The sanitized name, its extension matching the detected type. */
  fileName: string;
  size: number;
};

/**
 * Check an upload and say what it is: size (empty → 400, too large → 413), name (sanitized; nothing
 * left → 400), archive structure for zip-based documents (→ 422) and type from content (→ 415).
 */
export async function inspectUpload(
  bytes: Uint8Array,
  rawName: string | undefined,
  opts: { maxBytes: number },
): Promise<InspectedFile> {
  if (bytes.byteLength === 0) throw new Problem('file_empty');
  if (bytes.byteLength > opts.maxBytes) {
    throw new Problem('payload_too_large', {
      detail: {
        vi: `Tệp vượt quá dung lượng cho phép (${formatMb(opts.maxBytes)} MB)`,
        en: `The file exceeds the size limit (${formatMb(opts.maxBytes)} MB)`,
      },
      extra: { maxBytes: opts.maxBytes },
    });
  }
  const name = sanitizeFileName(rawName ?? '');
  // A zip is inspected before anything reads inside it (file-type itself inflates small entries).
  if (isZipMagic(bytes)) checkZipArchive(bytes);
  const type = await detectAllowedType(bytes);
  if (type.zip && !isZipMagic(bytes)) throw notAllowed();
  return { mediaType: type.mediaType, fileName: withExtension(name, type), size: bytes.byteLength };
}

/** The media type a file of a type we do not open is stored and served as: bytes to download, nothing to render. */
export const INERT_MEDIA_TYPE = 'application/octet-stream';

/**
 * Like inspectUpload, for channels that must take any media type (the GovStack Registration BB:
 * "all media types"): an allowed type is recognized as usual; any other content is kept inert —
 * stored as application/octet-stream, so it is only ever downloaded (never previewed inline, and
 * served with nosniff, attachments.routes.ts). Size, name and zip-bomb checks still apply.
 */
export async function inspectAnyUpload(
  bytes: Uint8Array,
  rawName: string | undefined,
  opts: { maxBytes: number },
): Promise<InspectedFile & { inert: boolean }> {
  try {
    return { ...(await inspectUpload(bytes, rawName, opts)), inert: false };
  } catch (e) {
    if (!(e instanceof Problem) || e.code !== 'file_type_not_allowed') throw e;
    return {
      mediaType: INERT_MEDIA_TYPE,
      fileName: sanitizeFileName(rawName ?? ''),
      size: bytes.byteLength,
      inert: true,
    };
  }
}

function formatMb(n: number): string {
  return String(Math.round((n / (1024 * 1024)) * 10) / 10);
}

function notAllowed(): Problem {
  return new Problem('file_type_not_allowed', {
    detail: {
      vi: 'Chỉ chấp nhận tệp PDF, JPEG, PNG, TIFF, WebP, DOCX, XLSX hoặc ODT; loại tệp được xác định theo nội dung, không theo tên tệp',
      en: 'Only PDF, JPEG, PNG, TIFF, WebP, DOCX, XLSX or ODT files are accepted; the type is read from the content, not the name',
    },
    extra: { allowed: Object.values(ALLOWED_TYPES).map((t) => t.mediaType) },
  });
}

/** The allowed type the content is, or 415. */
export async function detectAllowedType(bytes: Uint8Array): Promise<AllowedType> {
  const detected = await fileTypeFromBuffer(bytes);
  const type = detected ? ALLOWED_TYPES[detected.ext] : undefined;
  if (!type) throw notAllowed();
  return type;
}

// ——— file names ———

/** Control, format (zero-width, bidi overrides and isolates, BOM, soft hyphen), surrogate,
 * private-use, unassigned and line/paragraph-separator characters. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/gu;
/** Characters Windows refuses in file names (and `:` for NTFS alternate streams). */
const WINDOWS_FORBIDDEN = /[<>:"|?*]/g;
/** DOS device names, reserved on Windows whatever the extension. */
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$/i;
const EXTENSION = /\.([\p{L}\p{N}]{1,10})$/u;

/**
 * A file name safe to store, show and offer for download: NFC, no directories (`/` or `\`), no
 * invisible or direction-changing characters, no Windows-reserved names or characters, at most
 * 200 characters with the extension kept. Nothing left → 400 file_name_invalid.
 */
export function sanitizeFileName(raw: string): string {
  let name = raw.normalize('NFC').replace(INVISIBLE, '');
  name = name.split(/[/\\]/).pop() ?? '';
  name = name
    .replace(WINDOWS_FORBIDDEN, '_')
    .replace(/\s+/gu, ' ')
    .replace(/^[\s.]+/u, '')
    .replace(/[\s.]+$/u, '');
  if (RESERVED.test(name)) name = `_${name}`;
  name = limitLength(name);
  if (!name || name === '_') throw invalidName();
  return name;
}

function invalidName(): Problem {
  return new Problem('file_name_invalid', {
    detail: {
      vi: 'Tên tệp trống hoặc chỉ gồm ký tự không hợp lệ',
      en: 'The file name is empty or made only of characters that are not allowed',
    },
  });
}

/** Cut to MAX_FILE_NAME_LENGTH code points, keeping the extension. */
function limitLength(name: string): string {
  const chars = Array.from(name);
  if (chars.length <= MAX_FILE_NAME_LENGTH) return name;
  const ext = EXTENSION.exec(name)?.[0] ?? '';
  const base = chars.slice(0, MAX_FILE_NAME_LENGTH - Array.from(ext).length).join('');
  return `${base.replace(/[\s.]+$/u, '')}${ext}`;
}

const OTHER_KNOWN_EXTENSIONS = new Set([
  'htm',
  'html',
  'xhtml',
  'svg',
  'js',
  'mjs',
  'txt',
  'csv',
  'xml',
  'json',
  'doc',
  'xls',
  'bat',
  'cmd',
  'sh',
  'ps1',
  'vbs',
  'scr',
  'com',
  'hta',
  'lnk',
]);

/**
 * The name with an extension that matches the content: kept when it already does, replaced when it
 * names another file type (`scan.pdf` holding a PNG → `scan.png`), appended otherwise
 * (`Quyết định 12.2024` → `Quyết định 12.2024.pdf`).
 */
export function withExtension(name: string, type: Pick<AllowedType, 'ext' | 'extensions'>): string {
  const m = EXTENSION.exec(name);
  const current = m?.[1]?.toLowerCase();
  if (current && type.extensions.includes(current)) return name;
  const known = current !== undefined && (supportedExtensions.has(current) || OTHER_KNOWN_EXTENSIONS.has(current));
  const base = known ? name.slice(0, m!.index) : name;
  const ext = `.${type.ext}`;
  const chars = Array.from(base);
  const room = MAX_FILE_NAME_LENGTH - ext.length;
  return `${chars.length > room ? chars.slice(0, room).join('') : base}${ext}`;
}

// ——— zip archives ———

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;

export function isZipMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5);
}

/** Extensions of archives; a document that carries one inside is refused. */
const ARCHIVE_EXTENSIONS = new Set([
  'zip',
  'zipx',
  'rar',
  '7z',
  'gz',
  'tgz',
  'bz2',
  'tbz',
  'tbz2',
  'xz',
  'txz',
  'lz',
  'lzma',
  'zst',
  'z',
  'tar',
  'cab',
  'arj',
  'lzh',
  'ace',
  'iso',
  'jar',
  'war',
  'apk',
  'ipa',
  'epub',
  'odt',
  'ods',
  'odp',
  'odg',
  'docx',
  'docm',
  'xlsx',
  'xlsm',
  'xlsb',
  'pptx',
  'pptm',
]);

/** Office Open XML keeps embedded OLE objects (a chart's workbook) as packages under `embeddings/`. */
const OOXML_EMBEDDING = /^(word|xl|ppt)\/embeddings\/[^/]+\.(xlsx|docx|pptx)$/i;

function suspicious(vi: string, en: string, extra?: Record<string, unknown>): Problem {
  return new Problem('archive_suspicious', { detail: { vi, en }, ...(extra ? { extra } : {}) });
}

function damaged(): Problem {
  return suspicious('Tệp nén bị hỏng hoặc không đúng cấu trúc ZIP', 'The archive is damaged or not a well-formed ZIP');
}

function hasArchiveMagic(b: Uint8Array, at: number): boolean {
  const s = (sig: number[]) => sig.every((v, i) => b[at + i] === v);
  return (
    s([0x50, 0x4b, 0x03, 0x04]) || // zip
    s([0x52, 0x61, 0x72, 0x21]) || // Rar!
    s([0x37, 0x7a, 0xbc, 0xaf]) || // 7z
    s([0x1f, 0x8b]) || // gzip
    s([0x42, 0x5a, 0x68]) || // bzip2
    s([0xfd, 0x37, 0x7a, 0x58, 0x5a]) || // xz
    s([0x28, 0xb5, 0x2f, 0xfd]) || // zstd
    s([0x4d, 0x53, 0x43, 0x46]) // cab
  );
}

type CentralEntry = { name: string; compressed: number; uncompressed: number; localOffset: number; method: number };

/**
 * Refuse zip bombs and other abnormal archives by reading the central directory (nothing is
 * decompressed): at most 10 000 entries, at most 200 MB declared uncompressed in total, no entry
 * over 1 MB expanding more than 200×, no archives inside, no encrypted or exotic entries, no
 * overlapping entries (the "overlapping files" bomb), no absolute or `..` entry paths.
 */
export function checkZipArchive(bytes: Uint8Array, limits = ZIP_LIMITS): void {
  try {
    walkCentralDirectory(bytes, limits);
  } catch (err) {
    // A length field pointing past the end of the buffer.
    if (err instanceof RangeError) throw damaged();
    throw err;
  }
}

function walkCentralDirectory(bytes: Uint8Array, limits: typeof ZIP_LIMITS): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = bytes.byteLength;
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);
  const u64 = (at: number) => {
    const v = view.getBigUint64(at, true);
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
  };

  // End of central directory: the last 22 bytes plus up to 64 KiB of comment.
  let eocd = -1;
  for (let at = len - 22; at >= Math.max(0, len - 22 - 0xffff); at--) {
    if (u32(at) === SIG_EOCD) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) throw damaged();

  let diskNo = u16(eocd + 4);
  let cdDisk = u16(eocd + 6);
  let entryCount = u16(eocd + 10);
  let cdSize = u32(eocd + 12);
  let cdOffset = u32(eocd + 16);
  let cdEnd = eocd;
  if (entryCount === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || u32(loc) !== SIG_ZIP64_LOCATOR) throw damaged();
    const z64 = u64(loc + 8);
    if (z64 + 56 > loc || u32(z64) !== SIG_ZIP64_EOCD) throw damaged();
    diskNo = u32(z64 + 16);
    cdDisk = u32(z64 + 20);
    entryCount = u64(z64 + 32);
    cdSize = u64(z64 + 40);
    cdOffset = u64(z64 + 48);
    cdEnd = z64;
  }
  if (diskNo !== 0 || cdDisk !== 0) throw damaged();
  if (entryCount > limits.maxEntries) {
    throw suspicious(
      `Tệp nén có quá nhiều mục (${entryCount} > ${limits.maxEntries})`,
      `The archive has too many entries (${entryCount} > ${limits.maxEntries})`,
      { limit: 'entries' },
    );
  }
  if (cdOffset + cdSize > cdEnd) throw damaged();

  const entries: CentralEntry[] = [];
  let total = 0;
  let at = cdOffset;
  for (let i = 0; i < entryCount; i++) {
    if (at + 46 > cdOffset + cdSize || u32(at) !== SIG_CENTRAL) throw damaged();
    const flags = u16(at + 8);
    const method = u16(at + 10);
    let compressed = u32(at + 20);
    let uncompressed = u32(at + 24);
    const nameLen = u16(at + 28);
    const extraLen = u16(at + 30);
    const commentLen = u16(at + 32);
    let localOffset = u32(at + 42);
    const next = at + 46 + nameLen + extraLen + commentLen;
    if (next > cdOffset + cdSize) throw damaged();
    const name = new TextDecoder('utf-8').decode(bytes.subarray(at + 46, at + 46 + nameLen));

    // ZIP64 extended information: the 64-bit values, in this order, for the fields set to all ones.
    let e = at + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) {
      const id = u16(e);
      const size = u16(e + 2);
      if (id === 0x0001) {
        let p = e + 4;
        const take = () => {
          if (p + 8 > e + 4 + size) throw damaged();
          const v = u64(p);
          p += 8;
          return v;
        };
        if (uncompressed === 0xffffffff) uncompressed = take();
        if (compressed === 0xffffffff) compressed = take();
        if (localOffset === 0xffffffff) localOffset = take();
      }
      e += 4 + size;
    }

    if (flags & 0x1) {
      throw suspicious('Tệp nén chứa mục được mã hóa', 'The archive contains encrypted entries', {
        limit: 'encrypted',
      });
    }
    if (method !== 0 && method !== 8) {
      throw suspicious(
        'Tệp nén dùng phương thức nén không được hỗ trợ',
        'The archive uses an unsupported compression method',
        { limit: 'method' },
      );
    }
    if (
      name.startsWith('/') ||
      name.startsWith('\\') ||
      /(^|[/\\])\.\.([/\\]|$)/.test(name) ||
      /^[A-Za-z]:/.test(name)
    ) {
      throw suspicious('Tệp nén chứa đường dẫn không hợp lệ', 'The archive contains an unsafe entry path', {
        limit: 'path',
      });
    }
    const ext = /\.([A-Za-z0-9]{1,5})$/.exec(name)?.[1]?.toLowerCase();
    if (ext && ARCHIVE_EXTENSIONS.has(ext) && !OOXML_EMBEDDING.test(name)) {
      throw suspicious('Tệp nén chứa tệp nén lồng bên trong', 'The archive contains a nested archive', {
        limit: 'nested',
      });
    }

    total += uncompressed;
    if (total > limits.maxTotalUncompressed) {
      throw suspicious(
        `Tổng dung lượng sau giải nén vượt ${limits.maxTotalUncompressed / (1024 * 1024)} MB`,
        `The archive expands to more than ${limits.maxTotalUncompressed / (1024 * 1024)} MB`,
        { limit: 'total_size' },
      );
    }
    if (uncompressed > limits.ratioMinUncompressed && uncompressed / Math.max(compressed, 1) > limits.maxRatio) {
      throw suspicious(
        `Tỉ lệ giải nén của một mục vượt ${limits.maxRatio} lần`,
        `An entry expands more than ${limits.maxRatio} times`,
        { limit: 'ratio' },
      );
    }
    if (method === 0 && compressed !== uncompressed) throw damaged();
    entries.push({ name, compressed, uncompressed, localOffset, method });
    at = next;
  }

  // Each entry's local header and data must lie before the central directory and must not overlap
  // the next entry: overlapping entries let a small file declare honest-looking sizes yet expand
  // quadratically.
  entries.sort((a, b) => a.localOffset - b.localOffset);
  for (let i = 0; i < entries.length; i++) {
    const ent = entries[i]!;
    const h = ent.localOffset;
    if (h + 30 > cdOffset || u32(h) !== SIG_LOCAL) throw damaged();
    const dataStart = h + 30 + u16(h + 26) + u16(h + 28);
    const dataEnd = dataStart + ent.compressed;
    const limit = i + 1 < entries.length ? entries[i + 1]!.localOffset : cdOffset;
    if (dataEnd > limit) {
      throw suspicious('Các mục trong tệp nén chồng lên nhau', 'Entries of the archive overlap', { limit: 'overlap' });
    }
    // A stored entry's bytes are readable as they are: refuse an archive hidden under another name.
    if (
      ent.method === 0 &&
      ent.compressed >= 4 &&
      hasArchiveMagic(bytes, dataStart) &&
      !OOXML_EMBEDDING.test(ent.name)
    ) {
      throw suspicious('Tệp nén chứa tệp nén lồng bên trong', 'The archive contains a nested archive', {
        limit: 'nested',
      });
    }
  }
}
