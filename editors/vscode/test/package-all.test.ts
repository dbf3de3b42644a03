// `npm run package:all` (scripts/package-all.mjs), run with stand-ins for
// cargo and npm that record how they were called: it builds the release
// server at the repository root and packages with the binary cargo reported.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';

import { REPO, ROOT } from './tm';

describe('npm run package:all', { skip: process.platform === 'win32' && 'the stand-ins are shell scripts' }, () => {
  test('is package.json\'s package:all script', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    assert.equal(pkg.scripts['package:all'], 'node scripts/package-all.mjs');
  });

  const standIns = (cargoOutput: string): { dir: string; log: string } => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsmark-package-all-'));
    const log = path.join(dir, 'calls.log');
    const write = (name: string, body: string): void => {
      fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    };
    fs.writeFileSync(path.join(dir, 'cargo-output'), cargoOutput);
    write('cargo', `echo "cargo $* | $(pwd)" >> '${log}'\ncat '${path.join(dir, 'cargo-output')}'`);
    write('npm', `echo "npm $* | $(pwd) | NEWSMARK_BIN=$NEWSMARK_BIN" >> '${log}'`);
    return { dir, log };
  };

  const run = (dir: string) =>
    spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'package-all.mjs')], {
      cwd: ROOT,
      env: { ...process.env, NEWSMARK_BIN: undefined, CARGO: path.join(dir, 'cargo'), PATH: `${dir}${path.delimiter}${process.env.PATH}` },
      encoding: 'utf8',
    });

  test('builds the release server at the repository root, then packages with it', () => {
    // The binary must exist: any file stands in for it.
    const { dir, log } = standIns('');
    const binary = path.join(dir, 'newsmark');
    fs.writeFileSync(binary, '');
    fs.writeFileSync(
      path.join(dir, 'cargo-output'),
      [
        'not JSON',
        JSON.stringify({ reason: 'compiler-artifact', target: { name: 'newsmark', kind: ['lib'] }, executable: null }),
        JSON.stringify({ reason: 'compiler-artifact', target: { name: 'newsmark', kind: ['bin'] }, executable: binary }),
        JSON.stringify({ reason: 'build-finished', success: true }),
      ].join('\n'),
    );
    const r = run(dir);
    assert.equal(r.status, 0, r.stderr);
    const calls = fs.readFileSync(log, 'utf8').trim().split('\n');
    const withNodeModules = fs.existsSync(path.join(ROOT, 'node_modules'));
    assert.deepEqual(calls, [
      `cargo build --release --bin newsmark --message-format=json-render-diagnostics | ${REPO}`,
      ...(withNodeModules ? [] : [`npm ci | ${ROOT} | NEWSMARK_BIN=`]),
      `npm run package | ${ROOT} | NEWSMARK_BIN=${binary}`,
    ]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('stops, packaging nothing, when cargo reports no newsmark binary', () => {
    const { dir, log } = standIns(JSON.stringify({ reason: 'build-finished', success: true }));
    const r = run(dir);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /cargo built no `newsmark` binary/);
    assert.deepEqual(fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => l.split(' ')[0]), ['cargo']);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
