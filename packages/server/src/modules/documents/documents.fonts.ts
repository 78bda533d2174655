/**
 * DejaVu Sans, read once from the dejavu-fonts-ttf package. It covers every Vietnamese letter as a
 * precomposed glyph, which the 14 standard PDF fonts (WinAnsi only) do not.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface FontFiles {
  regular: Uint8Array;
  bold: Uint8Array;
  /** Oblique, for the italic lines that administrative documents use (date line, "(Ký, ghi rõ họ tên)"). */
  italic: Uint8Array;
}

let cached: Promise<FontFiles> | undefined;

/** The font files' bytes; loaded on first use and kept for the life of the process. */
export function loadFontFiles(): Promise<FontFiles> {
  if (!cached) {
    cached = readAll().catch((err: unknown) => {
      cached = undefined; // a failed read (e.g. a missing package) may be retried later
      throw err;
    });
  }
  return cached;
}

async function readAll(): Promise<FontFiles> {
  const dir = path.join(path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  const [regular, bold, italic] = await Promise.all(
    ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSans-Oblique.ttf'].map(
      async (file) => new Uint8Array(await readFile(path.join(dir, file))),
    ),
  );
  return { regular: regular!, bold: bold!, italic: italic! };
}
