// Gzip sizes of what each area of the web app loads first, from the Vite manifest of a build
// (packages/web/dist, or the directory given as the first argument):
//   portal      — the entry chunk, its static imports, and the home page's chunk (first visit to /)
//   back office — what the officer's first screen (/office: layout + queues) adds on top
// Prints a Markdown table (docs/performance.md keeps the latest one).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.resolve(process.argv[2] ?? path.join(ROOT, 'packages/web/dist'));
const manifest = JSON.parse(fs.readFileSync(path.join(dist, '.vite/manifest.json'), 'utf8'));

/** Chunk files reached from the given manifest keys through static imports. */
function closure(keys) {
  const seen = new Set();
  const files = new Set();
  const css = new Set();
  const visit = (k) => {
    if (seen.has(k)) return;
    seen.add(k);
    const e = manifest[k];
    if (!e) throw new Error(`not in the manifest: ${k}`);
    files.add(e.file);
    for (const c of e.css ?? []) css.add(c);
    for (const i of e.imports ?? []) visit(i);
  };
  for (const k of keys) visit(k);
  return { files, css };
}

const gz = (f) => zlib.gzipSync(fs.readFileSync(path.join(dist, f)), { level: 9 }).length;
const sum = (set) => [...set].reduce((n, f) => n + gz(f), 0);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

const entry = Object.keys(manifest).find((k) => manifest[k].isEntry);
const portal = closure([entry, 'src/portal/HomePage.tsx']);
const office = closure([entry, 'src/shared/AntdShell.tsx', 'src/office/OfficeLayout.tsx', 'src/office/QueuesPage.tsx']);
const officeOnly = new Set([...office.files].filter((f) => !portal.files.has(f)));
const allJs = fs
  .readdirSync(path.join(dist, 'assets'))
  .filter((f) => f.endsWith('.js'))
  .map((f) => `assets/${f}`);

const rows = [
  ['portal initial JS (entry + home page)', sum(portal.files), portal.files.size],
  ['back office first screen, added JS (Ant Design, layout, queues)', sum(officeOnly), officeOnly.size],
  ['back office first screen, total JS', sum(office.files), office.files.size],
  ['e-form renderer (react-jsonschema-form, loaded on apply)', sum(closure(['src/shared/EForm.tsx']).files), 0],
  ['all JS chunks', allJs.reduce((n, f) => n + gz(f), 0), allJs.length],
];
const goal = 200 * 1024;
console.log('| what | gzip | chunks |\n| --- | ---: | ---: |');
for (const [label, bytes, n] of rows) console.log(`| ${label} | ${kb(bytes)} | ${n || '—'} |`);
console.log(`\nportal initial JS ${kb(rows[0][1])} — goal ≤ 200 KB gz: ${rows[0][1] <= goal ? 'met' : 'NOT met'}`);
if (process.argv.includes('--check') && rows[0][1] > goal) process.exit(1);
