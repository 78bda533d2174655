// Build packages/web when its output is missing or older than its sources, so `npm start` on a
// fresh clone serves the web app without a separate build step, and a warm start skips the build.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../packages/web');
const dist = path.join(web, 'dist/index.html');

function newest(dir) {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

const sources = Math.max(newest(path.join(web, 'src')), fs.statSync(path.join(web, 'index.html')).mtimeMs);
if (fs.existsSync(dist) && fs.statSync(dist).mtimeMs >= sources) process.exit(0);
process.stdout.write('building the web app (packages/web)…\n');
execFileSync(process.execPath, [path.join(web, '../../node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
  cwd: web,
  stdio: 'inherit',
});
