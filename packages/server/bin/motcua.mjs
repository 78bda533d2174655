#!/usr/bin/env node
// Operator CLI. Runs the TypeScript sources directly (Node ≥ 22.18 strips types natively).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  // One line that works without root or a version manager: Node 24 from the npm registry.
  const pkg = `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}@24`;
  process.stderr.write(
    `motcua cần Node.js 24 LTS (hoặc 22.18+) / needs Node.js 24 LTS (or 22.18+); this is ${process.version}.\n` +
      `Get Node 24 in one line / Cài Node 24 bằng một dòng:\n` +
      `  npm install --prefix ~/.node24 ${pkg} && export PATH="$HOME/.node24/node_modules/${pkg.slice(0, -3)}/bin:$PATH"\n` +
      `(or / hoặc: nvm install 24)\n`,
  );
  process.exit(1);
}
const { runCli } = await import('../src/cli.ts');
await runCli(process.argv);
