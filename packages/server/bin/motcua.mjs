#!/usr/bin/env node
// Operator CLI. Runs the TypeScript sources directly (Node ≥ 22.18 strips types natively).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`motcua needs Node.js 24 LTS (or 22.18+); this is ${process.version}\n`);
  process.exit(1);
}
const { runCli } = await import('../src/cli.ts');
await runCli(process.argv);
