// Copies the release build of the server into server/ for `vsce package`,
// and removes .vsix files left by earlier versions.
// Usage: node scripts/copy-server.mjs   (after `cargo build --release --bin newsmark`)
// NEWSMARK_BIN=/path/to/newsmark overrides where the binary is taken from.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const exe = process.platform === 'win32' ? 'newsmark.exe' : 'newsmark';
const source = process.env.NEWSMARK_BIN || path.resolve(root, '..', '..', 'target', 'release', exe);

if (!fs.existsSync(source)) {
  console.error(`error: ${source} does not exist: run \`cargo build --release --bin newsmark\` at the repository root first`);
  process.exit(1);
}

const dir = path.join(root, 'server');
fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(dir);
const target = path.join(dir, exe);
fs.copyFileSync(source, target);
fs.chmodSync(target, 0o755);
console.log(`copied ${path.relative(root, source) || source} -> ${path.relative(root, target)} (${(fs.statSync(target).size / 1e6).toFixed(1)} MB)`);

const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
for (const f of fs.readdirSync(root)) {
  if (/^newsmark-.*\.vsix$/.test(f) && f !== `newsmark-${version}.vsix`) {
    fs.rmSync(path.join(root, f));
    console.log(`removed the old ${f}`);
  }
}
