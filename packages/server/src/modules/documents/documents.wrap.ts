/**
 * Word wrap for the PDF layout (documents.layout.ts): styled runs broken into lines that fit a
 * width, measured with the embedded fonts.
 */
import type { PDFFont } from 'pdf-lib';

export type FontStyle = 'regular' | 'bold' | 'italic';

export interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
  italic: PDFFont;
}

/** A piece of text in one style; a paragraph is a list of runs. */
export interface Run {
  text: string;
  style?: FontStyle;
}

interface Segment {
  text: string;
  style: FontStyle;
  width: number;
}

export interface Line {
  segments: Segment[];
  width: number;
}

/** NFC (a decomposed "ộ" would print its marks misplaced), tabs as spaces, no control characters. */
export function cleanText(text: string): string {
  return (
    text
      .normalize('NFC')
      .replace(/\r\n?/g, '\n')
      .replace(/\t/g, ' ')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
      .replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, '')
  );
}

const EPSILON = 0.001;

type Token =
  | { kind: 'word'; pieces: { text: string; style: FontStyle }[] }
  | { kind: 'space'; style: FontStyle }
  | { kind: 'break' };

/** Words, spaces and line breaks; a word may change style midway ("**08:00**." is one word). */
function tokenize(runs: Run[]): Token[] {
  const tokens: Token[] = [];
  for (const run of runs) {
    const style = run.style ?? 'regular';
    for (const part of cleanText(run.text).split(/(\n|[^\S\n]+)/)) {
      if (part === '') continue;
      const last = tokens.at(-1);
      if (part === '\n') tokens.push({ kind: 'break' });
      else if (/^\s+$/.test(part)) {
        if (last?.kind !== 'space') tokens.push({ kind: 'space', style });
      } else if (last?.kind === 'word') last.pieces.push({ text: part, style });
      else tokens.push({ kind: 'word', pieces: [{ text: part, style }] });
    }
  }
  return tokens;
}

/**
 * Greedy word wrap of styled runs within maxWidth (the first line within firstWidth, for a
 * first-line indent). Newlines force a break; a word wider than the line (a long code or URL) is
 * cut between characters.
 */
export function wrapRuns(runs: Run[], fonts: Fonts, size: number, maxWidth: number, firstWidth = maxWidth): Line[] {
  const lines: Line[] = [];
  let current: Segment[] = [];
  let width = 0;
  let pendingSpace: FontStyle | null = null;
  const limit = () => (lines.length === 0 ? firstWidth : maxWidth);
  const measure = (text: string, style: FontStyle) => fonts[style].widthOfTextAtSize(text, size);
  const flush = () => {
    lines.push({ segments: current, width });
    current = [];
    width = 0;
    pendingSpace = null;
  };
  const append = (text: string, style: FontStyle, w: number) => {
    const last = current.at(-1);
    if (last && last.style === style) {
      last.text += text;
      last.width += w;
    } else current.push({ text, style, width: w });
    width += w;
  };

  for (const token of tokenize(runs)) {
    if (token.kind === 'break') {
      flush();
      continue;
    }
    if (token.kind === 'space') {
      if (current.length > 0) pendingSpace = token.style;
      continue;
    }
    const pieces = token.pieces.map((p) => ({ ...p, width: measure(p.text, p.style) }));
    const w = pieces.reduce((sum, p) => sum + p.width, 0);
    const spaceWidth = pendingSpace && current.length > 0 ? measure(' ', pendingSpace) : 0;
    // One comparison decides, so that float rounding cannot both keep a word and find it too long.
    let fits = width + spaceWidth + w <= limit() + EPSILON;
    if (!fits && current.length > 0) {
      flush();
      fits = w <= limit() + EPSILON;
    }
    if (pendingSpace && current.length > 0) append(' ', pendingSpace, spaceWidth);
    pendingSpace = null;
    if (fits) {
      for (const p of pieces) append(p.text, p.style, p.width);
      continue;
    }
    // Too long for any line: cut it by characters (code points, so a letter is never split).
    for (const p of pieces) {
      let chunk = '';
      for (const ch of p.text) {
        if (chunk + ch !== ch && measure(chunk + ch, p.style) > limit() - width) {
          append(chunk, p.style, measure(chunk, p.style));
          flush();
          chunk = '';
        } else if (chunk === '' && current.length > 0 && measure(ch, p.style) > limit() - width) flush();
        chunk += ch;
      }
      if (chunk !== '') append(chunk, p.style, measure(chunk, p.style));
    }
  }
  if (current.length > 0 || lines.length === 0) flush();
  return lines;
}

/** Plain-text word wrap: the lines of `text` that fit within maxWidth at the given size. */
export function wrapText(text: string, font: PDFFont, size: number, maxWidth: number): string[] {
  const fonts: Fonts = { regular: font, bold: font, italic: font };
  return wrapRuns([{ text }], fonts, size, maxWidth).map((l) => l.segments.map((s) => s.text).join(''));
}
