// Build packages/web when its output is missing or older than its sources, so `npm start` on a
// fresh clone serves the web app without a separate build step, and a warm start skips the build.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

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
precompress(path.join(web, 'dist'));

/**
 * Brotli and gzip copies beside every text asset, served by @fastify/static's `preCompressed` to
 * browsers that accept them: the portal's first visit transfers the compressed size, and the
 * server spends no CPU compressing on each request.
 */
function precompress(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      precompress(p);
      continue;
    }
    if (!/\.(js|mjs|css|html|svg|json|txt|map)$/.test(e.name) || fs.statSync(p).size < 1024) continue;
    const data = fs.readFileSync(p);
    fs.writeFileSync(
      `${p}.br`,
      zlib.brotliCompressSync(data, {
        params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length },
      }),
    );
    fs.writeFileSync(`${p}.gz`, zlib.gzipSync(data, { level: 9 }));
  }
}
