import fs from 'node:fs';
import path from 'node:path';
import { ownerOf, TABLE_OWNERS } from '../src/ownership.ts';

/**
 * Which tables each server source file names in a query: Kysely's builders
 * (`selectFrom('dossiers as d')`, `insertInto`, `updateTable`, `deleteFrom`, joins) and raw SQL
 * (`FROM dossiers`, `JOIN`, `UPDATE`, `INSERT INTO`, `DELETE FROM`) in code, comments removed.
 */
const SRC = path.resolve(import.meta.dirname, '../src');
const TABLES = new Set(Object.values(TABLE_OWNERS).flat() as string[]);
const BUILDER =
  /\b(?:selectFrom|insertInto|updateTable|deleteFrom|innerJoin|leftJoin|rightJoin|fullJoin|mergeInto|using)\(\s*'([a-z_]+)/g;
const RAW = /\b(?:FROM|JOIN|UPDATE|INTO|TABLE)\s+(?:ONLY\s+)?"?([a-z_]+)"?/gi;

/** Source text without comments (line comments only where they start a line or follow code after whitespace). */
export function stripComments(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .split('\n')
    .map((l) => l.replace(/(^|\s)\/\/.*$/, '$1'))
    .join('\n');
}

export function tablesNamedIn(text: string): Set<string> {
  const code = stripComments(text);
  const out = new Set<string>();
  for (const re of [BUILDER, RAW]) {
    for (const m of code.matchAll(re)) if (TABLES.has(m[1]!)) out.add(m[1]!);
  }
  return out;
}

/** The module a source file belongs to, or null for code that may name any table. */
export function moduleOf(rel: string): string | null {
  const parts = rel.split('/');
  if (parts[0] === 'modules') return parts[1]!;
  if (parts[0] === 'shared') return 'shared';
  return null; // db (migrations, schema), seed, http (the composition root), serve, cli, runtime
}

function* sourceFiles(dir: string): Generator<string> {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* sourceFiles(p);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) yield p;
  }
}

export type Crossing = { module: string; file: string; table: string; owner: string };

export function crossings(): Crossing[] {
  const out: Crossing[] = [];
  for (const file of sourceFiles(SRC)) {
    const rel = path.relative(SRC, file).split(path.sep).join('/');
    const module = moduleOf(rel);
    if (module === null) continue;
    for (const table of tablesNamedIn(fs.readFileSync(file, 'utf8'))) {
      const owner = ownerOf(table)!;
      if (owner !== module) out.push({ module, file: rel, table, owner });
    }
  }
  return out.sort((a, b) => a.file.localeCompare(b.file) || a.table.localeCompare(b.table));
}

if (process.argv[1] && import.meta.filename === path.resolve(process.argv[1])) {
  const all = crossings();
  for (const c of all) console.log(`${c.file} → ${c.table} (${c.owner})`);
  const pairs = new Set(all.map((c) => `${c.module}→${c.table}`));
  console.log(`${all.length} file→table crossings, ${pairs.size} module→table crossings`);
}
