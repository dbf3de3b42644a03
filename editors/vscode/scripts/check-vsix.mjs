// Checks a packaged extension: node scripts/check-vsix.mjs newsmark-0.1.0.vsix [...]
// A .vsix is a zip. It must hold the manifest, the bundle, the grammar, the
// language configuration and the server binary; the binary must be stored
// executable and must run (`--version`).

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import yauzl from 'yauzl';

const REQUIRED = [
  'extension/package.json',
  'extension/dist/extension.js',
  'extension/server/newsmark',
  'extension/syntaxes/newsmark.tmLanguage.json',
  'extension/language-configuration.json',
];
// What .vscodeignore lets through, plus vsce's own files.
const ALLOWED = new Set([
  ...REQUIRED,
  'extension/README.md',
  'extension/readme.md',
  'extension/LICENSE',
  'extension/LICENSE.txt',
  'extension/server/newsmark.exe',
  'extension.vsixmanifest',
  '[Content_Types].xml',
]);

/** Every entry of the zip: name, unix mode, size, and a reader for its bytes. */
function entries(file) {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: false }, (err, zip) => {
      if (err) return reject(err);
      const out = new Map();
      zip.on('error', reject);
      zip.on('entry', (entry) => {
        out.set(entry.fileName, {
          name: entry.fileName,
          mode: (entry.externalFileAttributes >>> 16) & 0o777,
          size: entry.uncompressedSize,
          read: () =>
            new Promise((res, rej) => {
              zip.openReadStream(entry, (e, stream) => {
                if (e) return rej(e);
                const chunks = [];
                stream.on('data', (c) => chunks.push(c));
                stream.on('error', rej);
                stream.on('end', () => res(Buffer.concat(chunks)));
              });
            }),
        });
        zip.readEntry();
      });
      zip.on('end', () => resolve({ entries: out, close: () => zip.close() }));
      zip.readEntry();
    });
  });
}

async function check(file) {
  const problems = [];
  const { entries: all, close } = await entries(file);
  try {
    for (const name of REQUIRED) {
      if (!all.has(name)) problems.push(`missing ${name}`);
    }
    for (const name of all.keys()) {
      if (!ALLOWED.has(name) && !name.endsWith('/')) problems.push(`unexpected ${name} (see .vscodeignore)`);
    }

    const manifest = all.get('extension/package.json');
    if (manifest) {
      const pkg = JSON.parse((await manifest.read()).toString('utf8'));
      if (pkg.publisher !== 'newsmark' || pkg.name !== 'newsmark') problems.push('package.json: not newsmark.newsmark');
      if (pkg.main !== './dist/extension.js') problems.push(`package.json: main is ${pkg.main}`);
      if (path.basename(file) !== `newsmark-${pkg.version}.vsix`) {
        problems.push(`${path.basename(file)} does not match version ${pkg.version}`);
      }
    }
    const grammar = all.get('extension/syntaxes/newsmark.tmLanguage.json');
    if (grammar && JSON.parse((await grammar.read()).toString('utf8')).scopeName !== 'text.newsmark') {
      problems.push('the grammar is not text.newsmark');
    }
    const bundle = all.get('extension/dist/extension.js');
    if (bundle) {
      const js = (await bundle.read()).toString('utf8');
      if (!js.includes('require("vscode")')) problems.push('dist/extension.js does not require vscode (not bundled as expected)');
      if (!js.includes('newsmark.restartServer')) problems.push('dist/extension.js does not register the commands');
    }

    let version;
    const server = all.get('extension/server/newsmark');
    if (server) {
      if ((server.mode & 0o111) === 0) {
        problems.push(`extension/server/newsmark is not stored executable (mode ${server.mode.toString(8)})`);
      }
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsmark-vsix-'));
      try {
        const bin = path.join(dir, 'newsmark');
        fs.writeFileSync(bin, await server.read(), { mode: server.mode || 0o644 });
        version = execFileSync(bin, ['--version'], { encoding: 'utf8', timeout: 30000 }).trim();
        if (!/^newsmark \d+\.\d+\.\d+/.test(version)) problems.push(`unexpected --version output: ${version}`);
      } catch (e) {
        problems.push(`the packaged server does not run: ${e.message}`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }

    const size = fs.statSync(file).size;
    console.log(`${file}: ${(size / 1e6).toFixed(1)} MB, ${all.size} entries`);
    for (const e of [...all.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      console.log(`  ${e.mode ? e.mode.toString(8).padStart(4, '0') : '    '} ${String(e.size).padStart(10)}  ${e.name}`);
    }
    if (version) console.log(`  server: ${version}`);
  } finally {
    close();
  }
  return problems;
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node scripts/check-vsix.mjs newsmark-<version>.vsix [...]');
  process.exit(2);
}
let failed = false;
for (const file of files) {
  const problems = await check(file);
  for (const p of problems) console.error(`error: ${file}: ${p}`);
  if (problems.length > 0) failed = true;
  else console.log(`${file}: ok`);
}
process.exit(failed ? 1 : 0);
