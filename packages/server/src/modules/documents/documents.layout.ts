/**
 * A small flow layout on top of pdf-lib for the A5 one-stop forms: word wrap within the margins
 * (documents.wrap.ts), page breaks (tables repeat their header), the header block of an
 * administrative document (Decree 30/2020/NĐ-CP appendix I layout: issuing agency top left, national
 * motto top right) and signature blocks kept whole on one page.
 */
import fontkit from '@pdf-lib/fontkit';
import { PDFArray, PDFDocument, type PDFPage, PDFRef, rgb } from 'pdf-lib';
import { loadFontFiles } from './documents.fonts.ts';
import type { AgencyHeader, Signer } from './documents.types.ts';
import { cleanText, type FontStyle, type Fonts, type Line, type Run, wrapRuns } from './documents.wrap.ts';

/** A5 portrait in points (148 × 210 mm). */
export const A5_WIDTH = 419.53;
export const A5_HEIGHT = 595.28;

/** Margins in points: 15 mm left (binding side), 10 mm right, 12 mm top, 14 mm bottom (room for the page number). */
export const MARGIN = { top: 34, right: 28.35, bottom: 39.7, left: 42.52 } as const;

export const SIZE: Readonly<Record<'body' | 'header' | 'title' | 'table' | 'small', number>> = {
  body: 8.5,
  header: 7.5,
  title: 10.5,
  table: 7.5,
  small: 7,
};
const LINE_FACTOR = 1.28;
const BLACK = rgb(0, 0, 0);
/** Printed for a field left blank, for the applicant or staff to fill in by hand. */
export const DOTS = '…………………………';

export type Align = 'left' | 'center' | 'right';

export interface ParagraphOptions {
  size?: number;
  style?: FontStyle;
  align?: Align;
  /** Left indent of every line. */
  indent?: number;
  /** Extra indent of the first line (the body paragraphs of a letter). */
  firstIndent?: number;
  spaceBefore?: number;
  spaceAfter?: number;
  /** Restrict to a column: its x and width (defaults to the content area). */
  x?: number;
  width?: number;
}

export interface TableColumn {
  header: string;
  /** Relative width; the columns are scaled to the content width. */
  weight: number;
  align?: Align;
}

export interface SignatureColumn {
  /** Upper-case title, may span lines with '\n'. */
  title: string;
  /** Italic note under the title; defaults to '(Ký, ghi rõ họ tên)'. */
  note?: string | null;
  name: string | null;
}

export interface PdfInfo {
  title: string;
  subject: string;
  keywords: string[];
  author: string;
  /** Creation date in the metadata; a fixed value keeps the output reproducible. */
  createdAt: Date;
  /** Printed in the footer of every page when the document runs over one page. */
  footer: string;
}

/** Lays out one document, top to bottom, opening pages as needed. */
export class PdfWriter {
  readonly doc: PDFDocument;
  readonly fonts: Fonts;
  readonly info: PdfInfo;
  page: PDFPage;
  /** Top of the free space on the current page (PDF y grows upwards). */
  y: number;
  /**
   * A box floating at the right margin (the receipt's QR code): paragraphs that start above its
   * bottom are wrapped to its left; tables start below it.
   */
  floatRight: { bottom: number; width: number } | null = null;

  constructor(doc: PDFDocument, fonts: Fonts, info: PdfInfo) {
    this.doc = doc;
    this.fonts = fonts;
    this.info = info;
    this.page = doc.addPage([A5_WIDTH, A5_HEIGHT]);
    this.y = A5_HEIGHT - MARGIN.top;
  }

  get left(): number {
    return MARGIN.left;
  }

  get width(): number {
    return A5_WIDTH - MARGIN.left - MARGIN.right;
  }

  get right(): number {
    return A5_WIDTH - MARGIN.right;
  }

  static lineHeight(size: number): number {
    return size * LINE_FACTOR;
  }

  /** Space left on the current page. */
  get room(): number {
    return this.y - MARGIN.bottom;
  }

  newPage(): void {
    this.page = this.doc.addPage([A5_WIDTH, A5_HEIGHT]);
    this.y = A5_HEIGHT - MARGIN.top;
    this.floatRight = null;
  }

  /** Width taken by the floating box at the current position (and forgets a box already passed). */
  private floatWidth(): number {
    if (this.floatRight && this.y > this.floatRight.bottom) return this.floatRight.width;
    this.floatRight = null;
    return 0;
  }

  /** Moves below the floating box, for content that needs the full width. */
  clearFloat(): void {
    if (this.floatRight && this.y > this.floatRight.bottom) this.y = this.floatRight.bottom;
    this.floatRight = null;
  }

  /**
   * Height that `draw` takes from the top of an empty page (Infinity when it needs more than a page),
   * measured by drawing it on a scratch page that is then removed, objects and all: the file keeps
   * only what is really printed.
   */
  measure(draw: () => void): number {
    const saved = { page: this.page, y: this.y, floatRight: this.floatRight };
    const before = this.doc.getPageCount();
    this.newPage();
    draw();
    const used = this.doc.getPageCount() > before + 1 ? Infinity : A5_HEIGHT - MARGIN.top - this.y;
    while (this.doc.getPageCount() > before) {
      const last = this.doc.getPageCount() - 1;
      const page = this.doc.getPage(last);
      const contents = page.node.Contents();
      this.doc.removePage(last);
      if (contents instanceof PDFArray) {
        for (const ref of contents.asArray()) if (ref instanceof PDFRef) this.doc.context.delete(ref);
      }
      this.doc.context.delete(page.ref);
    }
    this.page = saved.page;
    this.y = saved.y;
    this.floatRight = saved.floatRight;
    return used;
  }

  /** Opens a new page unless `height` still fits on this one (a height over a full page fits nowhere). */
  ensure(height: number): void {
    if (height > this.room && this.y < A5_HEIGHT - MARGIN.top) this.newPage();
  }

  gap(height: number): void {
    if (this.room - height < 0) this.newPage();
    else this.y -= height;
  }

  /** Draws one wrapped line with its top at `top`. */
  drawLine(line: Line, x: number, width: number, top: number, size: number, align: Align): void {
    let cx = x;
    if (align === 'center') cx = x + (width - line.width) / 2;
    else if (align === 'right') cx = x + width - line.width;
    const baseline = top - size;
    for (const seg of line.segments) {
      this.page.drawText(seg.text, { x: cx, y: baseline, size, font: this.fonts[seg.style], color: BLACK });
      cx += seg.width;
    }
  }

  /** A wrapped paragraph flowing onto new pages line by line. */
  paragraph(content: string | Run[], opts: ParagraphOptions = {}): void {
    const size = opts.size ?? SIZE.body;
    const runs = (typeof content === 'string' ? [{ text: content }] : content).map((r) => ({
      text: r.text,
      style: r.style ?? opts.style ?? 'regular',
    }));
    const x = (opts.x ?? this.left) + (opts.indent ?? 0);
    const width = (opts.width ?? this.width) - (opts.indent ?? 0) - (opts.width == null ? this.floatWidth() : 0);
    const lh = PdfWriter.lineHeight(size);
    if (opts.spaceBefore) this.gap(opts.spaceBefore);
    const first = opts.firstIndent ?? 0;
    wrapRuns(runs, this.fonts, size, width, width - first).forEach((line, i) => {
      if (lh > this.room) this.newPage();
      const dx = i === 0 ? first : 0;
      this.drawLine(line, x + dx, width - dx, this.y, size, opts.align ?? 'left');
      this.y -= lh;
    });
    if (opts.spaceAfter) this.gap(opts.spaceAfter);
  }

  /** `Label: value` with the value in bold; dots when the value is missing. */
  field(label: string, value: string | null | undefined, opts: ParagraphOptions = {}): void {
    const filled = value != null && value.trim() !== '';
    this.paragraph([{ text: `${label}: ` }, { text: filled ? value : DOTS, style: filled ? 'bold' : 'regular' }], opts);
  }

  /** Numbered items (`1. …`) with the text aligned after the number. */
  numbered(items: string[], opts: ParagraphOptions = {}): void {
    this.clearFloat();
    const size = opts.size ?? SIZE.body;
    const indent = opts.indent ?? 8;
    items.forEach((item, i) => {
      const label = `${i + 1}. `;
      const labelWidth = Math.max(this.fonts.regular.widthOfTextAtSize(label, size), size * 1.6);
      const lines = wrapRuns([{ text: item }], this.fonts, size, this.width - indent - labelWidth);
      const lh = PdfWriter.lineHeight(size);
      lines.forEach((line, j) => {
        if (lh > this.room) this.newPage();
        if (j === 0) {
          this.page.drawText(label, {
            x: this.left + indent,
            y: this.y - size,
            size,
            font: this.fonts.regular,
            color: BLACK,
          });
        }
        this.drawLine(line, this.left + indent + labelWidth, this.width - indent - labelWidth, this.y, size, 'left');
        this.y -= lh;
      });
    });
  }

  /**
   * A bordered table. Rows move whole to the next page when they fit there; a row taller than a page
   * is split. The header row is repeated on every page.
   */
  table(
    columns: TableColumn[],
    rows: string[][],
    size: number = SIZE.table,
    opts: { keepWithLast?: number } = {},
  ): void {
    const total = columns.reduce((s, c) => s + c.weight, 0);
    const widths = columns.map((c) => (c.weight / total) * this.width);
    const padX = 2.5;
    const padY = 2.5;
    const lh = PdfWriter.lineHeight(size);
    const wrapCells = (cells: string[], style: FontStyle) =>
      cells.map((text, i) => wrapRuns([{ text, style }], this.fonts, size, widths[i]! - 2 * padX));
    const header = wrapCells(
      columns.map((c) => c.header),
      'bold',
    );
    const headerHeight = Math.max(...header.map((l) => l.length)) * lh + 2 * padY;

    const drawRow = (cells: Line[][], from: number, count: number, heightLines: number, isHeader: boolean) => {
      const height = heightLines * lh + 2 * padY;
      let x = this.left;
      cells.forEach((lines, i) => {
        const w = widths[i]!;
        this.page.drawRectangle({ x, y: this.y - height, width: w, height, borderColor: BLACK, borderWidth: 0.5 });
        const align = isHeader ? 'center' : (columns[i]!.align ?? 'left');
        lines.slice(from, from + count).forEach((line, j) => {
          this.drawLine(line, x + padX, w - 2 * padX, this.y - padY - j * lh, size, align);
        });
        x += w;
      });
      this.y -= height;
    };
    const drawHeader = () => drawRow(header, 0, Infinity, Math.max(...header.map((l) => l.length)), true);

    this.clearFloat();
    this.ensure(headerHeight + lh + 2 * padY);
    drawHeader();
    rows.forEach((row, index) => {
      const cells = wrapCells(row, 'regular');
      const n = Math.max(1, ...cells.map((l) => l.length));
      const full = n * lh + 2 * padY;
      const fresh = A5_HEIGHT - MARGIN.top - MARGIN.bottom - headerHeight;
      // What must follow the table on the same page (the receipt's closing fields and signatures)
      // takes the last row with it, so that no page holds the signatures alone.
      const keep = index === rows.length - 1 && index > 0 ? (opts.keepWithLast ?? 0) : 0;
      if ((full > this.room && full <= fresh) || (keep > 0 && full + keep > this.room && full + keep <= fresh)) {
        this.newPage();
        drawHeader();
      }
      let done = 0;
      while (done < n) {
        let fit = Math.floor((this.room - 2 * padY) / lh);
        if (fit < 1) {
          this.newPage();
          drawHeader();
          fit = Math.max(1, Math.floor((this.room - 2 * padY) / lh)); // at least one line: no endless loop
        }
        const count = Math.min(fit, n - done);
        drawRow(cells, done, count, count, false);
        done += count;
      }
    });
  }

  /** The header block: issuing agency top left, national name and motto top right. */
  agencyHeader(agency: AgencyHeader, numberLine?: string | null, aboutLine?: string | null): void {
    const size = SIZE.header;
    const leftWidth = this.width * 0.42;
    const rightX = this.left + leftWidth + 6;
    const rightWidth = this.right - rightX;
    const top = this.y;

    // Left column.
    let y = top;
    const drawCentered = (text: string, style: FontStyle, x: number, width: number, fontSize = size) => {
      // Keep a name that nearly fits on one line by shrinking it a little rather than wrapping it.
      const natural = this.fonts[style].widthOfTextAtSize(cleanText(text), fontSize);
      if (natural > width && natural * 0.85 <= width) fontSize = (fontSize * width * 0.99) / natural;
      for (const line of wrapRuns([{ text, style }], this.fonts, fontSize, width)) {
        this.drawLine(line, x, width, y, fontSize, 'center');
        y -= PdfWriter.lineHeight(fontSize);
      }
    };
    if (agency.parentName) drawCentered(agency.parentName.toUpperCase(), 'regular', this.left, leftWidth);
    drawCentered(agency.name.toUpperCase(), 'bold', this.left, leftWidth);
    this.rule(this.left + leftWidth * 0.3, this.left + leftWidth * 0.7, y - 1);
    y -= 5;
    if (numberLine !== undefined) drawCentered(`Số: ${numberLine ?? '……/……'}`, 'regular', this.left, leftWidth);
    if (aboutLine) drawCentered(aboutLine, 'regular', this.left, leftWidth, SIZE.small);
    const leftBottom = y;

    // Right column: shrink the national name to the column if needed rather than wrap it.
    y = top;
    const nation = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';
    const motto = 'Độc lập - Tự do - Hạnh phúc';
    const nationSize = Math.min(size, (size * rightWidth) / this.fonts.bold.widthOfTextAtSize(nation, size));
    drawCentered(nation, 'bold', rightX, rightWidth, nationSize);
    const mottoSize = Math.min(size + 0.5, (size * rightWidth) / this.fonts.bold.widthOfTextAtSize(motto, size));
    drawCentered(motto, 'bold', rightX, rightWidth, mottoSize);
    const mottoWidth = this.fonts.bold.widthOfTextAtSize(motto, mottoSize);
    const mid = rightX + rightWidth / 2;
    this.rule(mid - mottoWidth / 2, mid + mottoWidth / 2, y - 1);
    const rightBottom = y - 5;

    this.y = Math.min(leftBottom, rightBottom) - 8;
  }

  /** Centered bold title, then an optional centered subtitle. */
  title(text: string, subtitle?: Run[] | null): void {
    // A title slightly too long for one line is set a little smaller rather than broken.
    const natural = this.fonts.bold.widthOfTextAtSize(cleanText(text.toUpperCase()), SIZE.title);
    const size =
      natural > this.width && natural * 0.88 <= this.width ? (SIZE.title * this.width * 0.99) / natural : SIZE.title;
    this.paragraph(text.toUpperCase(), { size, style: 'bold', align: 'center', spaceAfter: 2 });
    if (subtitle) this.paragraph(subtitle, { align: 'center' });
    this.gap(5);
  }

  /**
   * Signature columns (one: right half; two: left and right halves), with the place-and-date line
   * over the right-hand column and, beside a single signer, the list of recipients (Nơi nhận) at
   * the left as official letters have it. Kept together on one page.
   */
  signatures(columns: SignatureColumn[], dateLine: string | null, recipients?: string[] | null): void {
    this.clearFloat();
    const size = SIZE.body;
    const lh = PdfWriter.lineHeight(size);
    const smallLh = PdfWriter.lineHeight(SIZE.small);
    const colWidth = this.width / 2;
    const signSpace = 42;
    const blocks = columns.map((c) => ({
      title: wrapRuns([{ text: c.title.toUpperCase(), style: 'bold' }], this.fonts, size, colWidth),
      note: wrapRuns([{ text: c.note ?? '(Ký, ghi rõ họ tên)', style: 'italic' }], this.fonts, SIZE.small, colWidth),
      name: c.name ? wrapRuns([{ text: c.name, style: 'bold' }], this.fonts, size, colWidth) : [],
    }));
    const dateLines = dateLine ? wrapRuns([{ text: dateLine, style: 'italic' }], this.fonts, size, colWidth + 20) : [];
    const recipientLines =
      recipients && recipients.length > 0 && columns.length < 2
        ? wrapRuns(
            [{ text: 'Nơi nhận:\n', style: 'bold' }, { text: recipients.map((r) => `- ${r}`).join('\n') }],
            this.fonts,
            SIZE.small,
            colWidth - 8,
          )
        : [];
    const heights = blocks.map((b) => (b.title.length + b.name.length) * lh + b.note.length * smallLh + signSpace);
    const height = Math.max(dateLines.length * lh + Math.max(0, ...heights), recipientLines.length * smallLh);
    this.gap(4);
    this.ensure(height);
    const top = this.y;
    const rightX = this.left + colWidth;
    dateLines.forEach((line, i) => {
      this.drawLine(line, rightX - 20, colWidth + 20, top - i * lh, size, 'center');
    });
    recipientLines.forEach((line, i) => {
      this.drawLine(line, this.left, colWidth - 8, top - dateLines.length * lh - i * smallLh, SIZE.small, 'left');
    });
    const blockTop = top - dateLines.length * lh;
    blocks.forEach((b, i) => {
      const x = columns.length === 1 || i === 1 ? rightX : this.left;
      let y = blockTop;
      for (const line of b.title) {
        this.drawLine(line, x, colWidth, y, size, 'center');
        y -= lh;
      }
      for (const line of b.note) {
        this.drawLine(line, x, colWidth, y, SIZE.small, 'center');
        y -= smallLh;
      }
      y -= signSpace;
      for (const line of b.name) {
        this.drawLine(line, x, colWidth, y, size, 'center');
        y -= lh;
      }
    });
    this.y = top - height;
  }

  rule(x1: number, x2: number, y: number): void {
    this.page.drawLine({ start: { x: x1, y }, end: { x: x2, y }, thickness: 0.5, color: BLACK });
  }

  /** Page numbers (when more than one page), metadata, and the file. */
  async finish(): Promise<Uint8Array> {
    const pages = this.doc.getPages();
    if (pages.length > 1) {
      const size = SIZE.small - 0.5;
      pages.forEach((page, i) => {
        const text = `${this.info.footer} — Trang ${i + 1}/${pages.length}`;
        const natural = this.fonts.italic.widthOfTextAtSize(text, size);
        const fit = natural > this.width ? (size * this.width) / natural : size;
        const line = wrapRuns([{ text, style: 'italic' }], this.fonts, fit, this.width + 1)[0]!;
        this.page = page;
        this.drawLine(line, this.left, this.width, MARGIN.bottom / 2 + fit / 2, fit, 'center');
      });
    }
    const { doc, info } = this;
    doc.setTitle(info.title, { showInWindowTitleBar: true });
    doc.setSubject(info.subject);
    doc.setKeywords(info.keywords);
    doc.setAuthor(info.author);
    doc.setCreator('motcua');
    doc.setProducer('motcua (pdf-lib)');
    doc.setLanguage('vi');
    doc.setCreationDate(info.createdAt);
    doc.setModificationDate(info.createdAt);
    // No object streams: plainer files that older viewers and archive checks read without trouble.
    return doc.save({ useObjectStreams: false });
  }
}

/** A new PDF with the DejaVu Sans family embedded as subsets, and a writer on its first page. */
export async function createWriter(info: PdfInfo): Promise<PdfWriter> {
  const files = await loadFontFiles();
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(fontkit);
  // Ligatures off: the extracted text must read back exactly as written.
  // A fixed subset tag (ISO 32000-1 §9.6.4) instead of pdf-lib's random suffix: reproducible files.
  const embed = (bytes: Uint8Array, customName: string) =>
    doc.embedFont(bytes, { subset: true, customName, features: { liga: false } });
  const [regular, bold, italic] = await Promise.all([
    embed(files.regular, 'MCDVSR+DejaVuSans'),
    embed(files.bold, 'MCDVSB+DejaVuSans-Bold'),
    embed(files.italic, 'MCDVSO+DejaVuSans-Oblique'),
  ]);
  return new PdfWriter(doc, { regular, bold, italic }, info);
}

/** A signer of an official letter: the head of the agency signs and seals. */
export function signerColumn(signer: Signer): SignatureColumn {
  return { title: signer.title, note: '(Ký, ghi rõ họ tên, đóng dấu)', name: signer.name };
}
