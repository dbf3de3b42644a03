import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  type Environment,
  RESTART_SETTINGS,
  bundledServerPath,
  expandPath,
  findOnPath,
  initializationOptions,
  needsRestart,
  reportInvocation,
  resolveServerCommand,
} from '../src/config';

function env(files: string[], over: Partial<Environment> = {}): Environment {
  const set = new Set(files);
  return {
    platform: 'linux',
    extensionPath: '/ext',
    workspaceFolder: '/corpus',
    homeDir: '/home/ada',
    env: { PATH: '/usr/local/bin:/usr/bin' },
    isExecutable: (f) => set.has(f),
    ...over,
  };
}

describe('resolveServerCommand', () => {
  test('empty setting and a packaged binary: the packaged binary', () => {
    const r = resolveServerCommand({ serverPath: '' }, env(['/ext/server/newsmark', '/usr/bin/newsmark']));
    assert.deepEqual(r, { ok: true, command: '/ext/server/newsmark', args: ['lsp'], source: 'bundled' });
  });

  test('empty setting, no packaged binary: newsmark on PATH', () => {
    const r = resolveServerCommand({}, env(['/usr/bin/newsmark']));
    assert.deepEqual(r, { ok: true, command: '/usr/bin/newsmark', args: ['lsp'], source: 'path' });
  });

  test('the first PATH entry wins', () => {
    const r = resolveServerCommand({}, env(['/usr/local/bin/newsmark', '/usr/bin/newsmark']));
    assert.equal(r.ok && r.command, '/usr/local/bin/newsmark');
  });

  test('nothing anywhere: an error that names the setting', () => {
    const r = resolveServerCommand({ serverPath: '   ' }, env([]));
    assert.equal(r.ok, false);
    assert.equal(r.source, 'path');
    assert.match(!r.ok ? r.message : '', /not found on PATH.*newsmark\.server\.path/);
  });

  test('an explicit absolute path beats the packaged binary', () => {
    const r = resolveServerCommand(
      { serverPath: '/opt/newsmark/bin/newsmark', extraArgs: ['--verbose'] },
      env(['/ext/server/newsmark', '/opt/newsmark/bin/newsmark']),
    );
    assert.deepEqual(r, { ok: true, command: '/opt/newsmark/bin/newsmark', args: ['lsp', '--verbose'], source: 'setting' });
  });

  test('an explicit path that does not exist is an error, not a silent fallback', () => {
    const r = resolveServerCommand({ serverPath: '/nope/newsmark' }, env(['/ext/server/newsmark']));
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.message : '', /\/nope\/newsmark .*does not exist or is not executable/);
  });

  test('a bare name is looked up on PATH', () => {
    const r = resolveServerCommand({ serverPath: 'newsmark-dev' }, env(['/usr/bin/newsmark-dev']));
    assert.deepEqual(r, { ok: true, command: '/usr/bin/newsmark-dev', args: ['lsp'], source: 'setting' });
    const missing = resolveServerCommand({ serverPath: 'newsmark-dev' }, env([]));
    assert.match(!missing.ok ? missing.message : '', /`newsmark-dev` \(newsmark\.server\.path\) was not found on PATH/);
  });

  test('~, ${userHome} and ${workspaceFolder} are expanded; relative paths start at the workspace folder', () => {
    const files = ['/home/ada/bin/newsmark', '/corpus/target/release/newsmark'];
    assert.equal(resolveServerCommand({ serverPath: '~/bin/newsmark' }, env(files)).ok, true);
    assert.equal(resolveServerCommand({ serverPath: '${userHome}/bin/newsmark' }, env(files)).ok, true);
    const ws = resolveServerCommand({ serverPath: '${workspaceFolder}/target/release/newsmark' }, env(files));
    assert.equal(ws.ok && ws.command, '/corpus/target/release/newsmark');
    const rel = resolveServerCommand({ serverPath: './target/release/newsmark' }, env(files));
    assert.equal(rel.ok && rel.command, '/corpus/target/release/newsmark');
  });

  test('extraArgs keeps strings only', () => {
    const r = resolveServerCommand({ extraArgs: ['--a', 3, null, '--b'] }, env(['/usr/bin/newsmark']));
    assert.deepEqual(r.ok && r.args, ['lsp', '--a', '--b']);
  });

  test('Windows: newsmark.exe in the extension, PATHEXT on PATH', () => {
    const win = (files: string[]) =>
      env(files, {
        platform: 'win32',
        extensionPath: 'C:\\ext',
        workspaceFolder: 'C:\\corpus',
        homeDir: 'C:\\Users\\ada',
        env: { Path: 'C:\\tools;C:\\bin', PATHEXT: '.COM;.EXE' },
      });
    assert.equal(bundledServerPath('C:\\ext', 'win32'), 'C:\\ext\\server\\newsmark.exe');
    const bundled = resolveServerCommand({}, win(['C:\\ext\\server\\newsmark.exe']));
    assert.equal(bundled.ok && bundled.command, 'C:\\ext\\server\\newsmark.exe');
    const onPath = resolveServerCommand({}, win(['C:\\bin\\newsmark.exe']));
    assert.equal(onPath.ok && onPath.command, 'C:\\bin\\newsmark.exe');
    const rel = resolveServerCommand({ serverPath: 'target\\release\\newsmark.exe' }, win(['C:\\corpus\\target\\release\\newsmark.exe']));
    assert.equal(rel.ok && rel.command, 'C:\\corpus\\target\\release\\newsmark.exe');
  });
});

test('expandPath leaves other text alone', () => {
  assert.equal(expandPath('/a/~b', { homeDir: '/h' }), '/a/~b');
  assert.equal(expandPath('~', { homeDir: '/h' }), '/h');
  assert.equal(expandPath('${workspaceFolder}/x', { homeDir: '/h' }), '${workspaceFolder}/x');
});

test('findOnPath skips empty PATH entries', () => {
  assert.equal(findOnPath('newsmark', env(['newsmark'], { env: { PATH: '::/usr/bin' } })), undefined);
});

describe('initializationOptions', () => {
  test('defaults', () => {
    assert.deepEqual(initializationOptions({}), { options: { debounceMs: 200, rules: {} }, problems: [] });
  });

  test('debounceMs and valid rules pass through', () => {
    const r = initializationOptions({ debounceMs: 50, rules: { 'unused-entity': 'off', 'garbled-token': 'error' } });
    assert.deepEqual(r, {
      options: { debounceMs: 50, rules: { 'unused-entity': 'off', 'garbled-token': 'error' } },
      problems: [],
    });
  });

  test('bad values are dropped with a message each', () => {
    const r = initializationOptions({
      debounceMs: -5,
      rules: { 'unused-entity': 'loud', 'Bad Code': 'off', 'anonymous-source': 'hint' },
    });
    assert.deepEqual(r.options, { debounceMs: 200, rules: { 'anonymous-source': 'hint' } });
    assert.equal(r.problems.length, 3);
    assert.match(r.problems.join('\n'), /debounceMs/);
    assert.match(r.problems.join('\n'), /unused-entity = "loud" is not one of off, hint, info, warning, error/);
    assert.match(r.problems.join('\n'), /`Bad Code` is not a rule code/);
  });

  test('rules that are not an object are ignored', () => {
    const r = initializationOptions({ rules: ['off'] });
    assert.deepEqual(r.options.rules, {});
    assert.equal(r.problems.length, 1);
  });

  test('a fractional debounce is rounded', () => {
    assert.equal(initializationOptions({ debounceMs: 12.6 }).options.debounceMs, 13);
  });
});

test('needsRestart: server and initialization settings restart, tracing does not', () => {
  const affects = (changed: string[]) => (s: string) => changed.some((c) => c === s || c.startsWith(`${s}.`));
  assert.equal(needsRestart(affects(['newsmark.server.path'])), true);
  assert.equal(needsRestart(affects(['newsmark.rules'])), true);
  assert.equal(needsRestart(affects(['newsmark.debounceMs'])), true);
  assert.equal(needsRestart(affects(['newsmark.trace.server'])), false);
  assert.equal(needsRestart(affects(['editor.fontSize'])), false);
  assert.ok(RESTART_SETTINGS.every((s) => s.startsWith('newsmark.')));
});

test('reportInvocation: `report <folder> -o <tmp>/newsmark-report.html` with the same binary', () => {
  assert.deepEqual(reportInvocation({ command: '/ext/server/newsmark' }, '/corpus', '/tmp', 'linux'), {
    command: '/ext/server/newsmark',
    args: ['report', '/corpus', '-o', '/tmp/newsmark-report.html'],
    output: '/tmp/newsmark-report.html',
  });
});
