// Loads syntaxes/newsmark.tmLanguage.json into vscode-textmate with the
// Oniguruma WASM build: the same engine VS Code tokenizes with.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as tm from 'vscode-textmate';

/** editors/vscode (tests run from out/test). */
export const ROOT = path.resolve(__dirname, '..', '..');
export const REPO = path.resolve(ROOT, '..', '..');

let onig: Promise<tm.IOnigLib> | undefined;

function onigLib(): Promise<tm.IOnigLib> {
  if (onig === undefined) {
    const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    const bytes = wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength);
    onig = oniguruma.loadWASM(bytes).then(() => ({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }));
  }
  return onig;
}

/** A stand-in for an installed TOML extension's grammar. */
const FAKE_TOML = JSON.stringify({
  scopeName: 'source.toml',
  patterns: [
    { match: '^\\s*([A-Za-z_]+)\\s*(=)', captures: { '1': { name: 'support.type.property-name.faketoml' } } },
  ],
});

export async function loadGrammar(withToml: boolean): Promise<tm.IGrammar> {
  const file = path.join(ROOT, 'syntaxes', 'newsmark.tmLanguage.json');
  const registry = new tm.Registry({
    onigLib: onigLib(),
    loadGrammar: async (scope) => {
      if (scope === 'text.newsmark') {
        return tm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
      }
      if (scope === 'source.toml' && withToml) {
        return tm.parseRawGrammar(FAKE_TOML, 'toml.json');
      }
      return null;
    },
  });
  const g = await registry.loadGrammar('text.newsmark');
  if (g === null) {
    throw new Error('grammar did not load');
  }
  return g;
}

export interface Token {
  text: string;
  start: number;
  end: number;
  scopes: string[];
}

export function tokenize(grammar: tm.IGrammar, text: string): Token[][] {
  let state = tm.INITIAL;
  return text.split(/\r?\n/).map((line) => {
    const r = grammar.tokenizeLine(line, state, 5000);
    if (r.stoppedEarly) {
      throw new Error(`tokenizing stopped early on ${JSON.stringify(line)}`);
    }
    state = r.ruleStack;
    return r.tokens.map((t) => ({
      text: line.slice(t.startIndex, t.endIndex),
      start: t.startIndex,
      end: t.endIndex,
      scopes: t.scopes,
    }));
  });
}

function has(scopes: string[], scope: string): boolean {
  return scopes.some((s) => s.split(' ').some((one) => one === scope || one.startsWith(`${scope}.`)));
}

/** The tokens of line `line` that overlap the `nth` occurrence of `needle`. */
export function tokensAt(lines: Token[][], line: number, needle: string, nth = 0): Token[] {
  const text = lines[line].map((t) => t.text).join('');
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) {
      throw new Error(`${JSON.stringify(needle)} (#${nth}) is not on line ${line}: ${JSON.stringify(text)}`);
    }
  }
  return lines[line].filter((t) => t.start < at + needle.length && t.end > at);
}

/** Every token of the needle carries `scope` (or a more specific one). */
export function scoped(lines: Token[][], line: number, needle: string, scope: string, nth = 0): boolean {
  return tokensAt(lines, line, needle, nth).every((t) => has(t.scopes, scope));
}

/** No token of the needle carries `scope`. */
export function unscoped(lines: Token[][], line: number, needle: string, scope: string, nth = 0): boolean {
  return tokensAt(lines, line, needle, nth).every((t) => !has(t.scopes, scope));
}

export function describeLine(lines: Token[][], line: number): string {
  return lines[line].map((t) => `${JSON.stringify(t.text)} ${t.scopes.slice(1).join(' ')}`).join('\n');
}
