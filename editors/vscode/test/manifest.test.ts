// The extension's static parts agree with each other: package.json, the
// language configuration, .vscodeignore and what src/extension.ts uses.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';

import { RESTART_SETTINGS, SEVERITIES } from '../src/config';
import { ROOT } from './tm';

const read = (f: string): string => fs.readFileSync(path.join(ROOT, f), 'utf8');
const pkg = JSON.parse(read('package.json'));
const extension = read('src/extension.ts');

describe('package.json', () => {
  test('identity, engine, entry point, activation', () => {
    assert.equal(pkg.publisher, 'newsmark');
    assert.equal(pkg.name, 'newsmark');
    assert.equal(pkg.engines.vscode, '^1.85.0');
    assert.equal(pkg.main, './dist/extension.js');
    assert.deepEqual(pkg.activationEvents, ['onLanguage:newsmark']);
  });

  test('@types/vscode is not newer than the engine (vsce refuses that)', () => {
    assert.equal(pkg.devDependencies['@types/vscode'], '1.85.0');
  });

  test('every dependency is pinned to an exact version', () => {
    for (const [name, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
      assert.match(String(version), /^\d+\.\d+\.\d+$/, `${name}@${version}`);
    }
  });

  test('.news files are the newsmark language, with its grammar and configuration', () => {
    const [lang] = pkg.contributes.languages;
    assert.equal(lang.id, 'newsmark');
    assert.deepEqual(lang.extensions, ['.news']);
    assert.ok(fs.existsSync(path.join(ROOT, lang.configuration)));
    const [grammar] = pkg.contributes.grammars;
    assert.equal(grammar.language, 'newsmark');
    assert.equal(grammar.scopeName, 'text.newsmark');
    const tm = JSON.parse(read(grammar.path));
    assert.equal(tm.scopeName, 'text.newsmark');
    // TOML files keep whatever grammar they have: this extension claims none.
    assert.ok(!pkg.contributes.languages.some((l: { extensions?: string[] }) => l.extensions?.includes('.toml')));
  });

  test('the commands registered in extension.ts are the ones contributed', () => {
    const registered = [...extension.matchAll(/registerCommand\('([^']+)'/g)].map((m) => m[1]).sort();
    const contributed = pkg.contributes.commands.map((c: { command: string }) => c.command).sort();
    assert.deepEqual(registered, ['newsmark.openReport', 'newsmark.restartServer', 'newsmark.showLog']);
    assert.deepEqual(contributed, registered);
  });

  test('the settings read in extension.ts are contributed, with the documented defaults', () => {
    const props = pkg.contributes.configuration.properties;
    const read = [...extension.matchAll(/c\.get\('([^']+)'\)/g)].map((m) => `newsmark.${m[1]}`);
    assert.ok(read.length >= 4);
    for (const key of [...read, ...RESTART_SETTINGS, 'newsmark.trace.server']) {
      assert.ok(props[key], `${key} is not contributed`);
    }
    assert.equal(props['newsmark.server.path'].default, '');
    assert.deepEqual(props['newsmark.server.extraArgs'].default, []);
    assert.deepEqual(props['newsmark.trace.server'].enum, ['off', 'messages', 'verbose']);
    assert.equal(props['newsmark.debounceMs'].default, 200);
    assert.deepEqual(props['newsmark.rules'].additionalProperties.enum, [...SEVERITIES]);
    assert.match(props['newsmark.rules'].markdownDescription, /newsmark\.toml/);
    // The server applies `initializationOptions.rules` (tests/lsp/test_encoding.py).
    assert.doesNotMatch(props['newsmark.rules'].markdownDescription, /does not apply/);
  });

  test('the language client id matches the settings prefix (so newsmark.trace.server works)', () => {
    assert.match(extension, /new LanguageClient\('newsmark',/);
  });
});

describe('language-configuration.json', () => {
  const conf = JSON.parse(read('language-configuration.json'));

  test('no comment syntax', () => {
    assert.equal(conf.comments, undefined);
  });

  test('auto-closing and surrounding pairs', () => {
    const opens = conf.autoClosingPairs.map((p: { open: string; close: string }) => `${p.open}${p.close}`);
    for (const pair of ['[]', '{}', '""', '“”', '{~~~~}', '{>><<}', '{====}', '{++++}', '{----}']) {
      assert.ok(opens.includes(pair), `auto-closing ${pair}`);
    }
    const surrounding = conf.surroundingPairs.map((p: string[]) => p.join(''));
    for (const pair of ['[]', '{}', '""', '“”']) {
      assert.ok(surrounding.includes(pair), `surrounding ${pair}`);
    }
  });

  test('ids with hyphens are one word', () => {
    const re = new RegExp(conf.wordPattern, 'g');
    assert.deepEqual('by=@prk-mfa-deputy-director src=ap-2022-11-08#denial'.match(re), [
      'by',
      'prk-mfa-deputy-director',
      'src',
      'ap-2022-11-08',
      'denial',
    ]);
  });
});

test('.vscodeignore keeps only what the extension needs', () => {
  const lines = read('.vscodeignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  assert.equal(lines[0], '**');
  const kept = lines.slice(1).map((l) => l.replace(/^!/, ''));
  for (const f of ['package.json', 'README.md', 'LICENSE', 'language-configuration.json', 'dist/extension.js', 'server/newsmark', 'syntaxes/newsmark.tmLanguage.json']) {
    assert.ok(kept.includes(f), `${f} is kept`);
  }
});

test('the pure modules do not import vscode (they are tested without it)', () => {
  for (const f of ['config.ts', 'status.ts', 'crashes.ts', 'report.ts']) {
    const src = read(path.join('src', f));
    assert.doesNotMatch(src, /from ['"]vscode['"]|require\(['"]vscode['"]\)/, f);
  }
});
