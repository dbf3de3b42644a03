import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import type { IGrammar } from 'vscode-textmate';

import { REPO, type Token, describeLine, loadGrammar, scoped, tokenize, unscoped } from './tm';

let plain: IGrammar;
let withToml: IGrammar;

before(async () => {
  plain = await loadGrammar(false);
  withToml = await loadGrammar(true);
});

function expectScoped(lines: Token[][], line: number, needle: string, scope: string, nth = 0): void {
  assert.ok(scoped(lines, line, needle, scope, nth), `${needle} should be ${scope}:\n${describeLine(lines, line)}`);
}

function expectUnscoped(lines: Token[][], line: number, needle: string, scope: string, nth = 0): void {
  assert.ok(unscoped(lines, line, needle, scope, nth), `${needle} should not be ${scope}:\n${describeLine(lines, line)}`);
}

const ARTICLE = `+++
id = "ap-2022-11-08"
outlet = "@ap"
published = 2022-11-08
# a comment
+++
SEOUL (AP) — [North Korea]{@prk} on [Tuesday]{.date when=2022-11-08} said so.`;

describe('front matter', () => {
  test('fences, and the TOML given to source.toml when a TOML grammar is installed', () => {
    const l = tokenize(withToml, ARTICLE);
    expectScoped(l, 0, '+++', 'punctuation.definition.frontmatter.begin.newsmark');
    expectScoped(l, 1, 'id', 'support.type.property-name.faketoml');
    expectScoped(l, 1, 'id', 'meta.embedded.block.frontmatter.newsmark');
    expectScoped(l, 5, '+++', 'punctuation.definition.frontmatter.end.newsmark');
    expectUnscoped(l, 6, 'SEOUL', 'meta.frontmatter.newsmark');
    expectScoped(l, 6, '@prk', 'variable.other.entity.newsmark');
  });

  test('without a TOML grammar, a built-in fallback still colours keys, strings, dates and comments', () => {
    const l = tokenize(plain, ARTICLE);
    expectScoped(l, 1, 'id', 'support.type.property-name');
    expectScoped(l, 1, '"ap-2022-11-08"', 'string.quoted.double');
    expectScoped(l, 3, '2022-11-08', 'constant.other.datetime');
    expectScoped(l, 4, '# a comment', 'comment.line');
    expectScoped(l, 1, '"ap-2022-11-08"', 'meta.embedded.block.frontmatter.newsmark');
  });

  test('only on the very first line', () => {
    const l = tokenize(plain, '\n+++\nid = "x"\n+++\n');
    expectUnscoped(l, 1, '+++', 'meta.frontmatter.newsmark');
    expectUnscoped(l, 2, 'id', 'meta.frontmatter.newsmark');
  });

  test('no closing fence: the rest of the file is front matter, as in the parser', () => {
    const l = tokenize(plain, '+++\nid = "x"\n[North Korea]{@prk}');
    expectScoped(l, 2, 'North Korea', 'meta.frontmatter.newsmark');
    expectUnscoped(l, 2, '@prk', 'variable.other.entity.newsmark');
  });

  test('fences may have trailing spaces', () => {
    const l = tokenize(plain, '+++  \nid = "x"\n+++\t\ntext');
    expectScoped(l, 2, '+++', 'punctuation.definition.frontmatter.end.newsmark');
    expectUnscoped(l, 3, 'text', 'meta.frontmatter.newsmark');
  });
});

describe('spans and attributes', () => {
  test('a mention', () => {
    const l = tokenize(plain, '[North Korea]{@prk} said');
    expectScoped(l, 0, '[', 'punctuation.definition.span.begin.newsmark');
    expectScoped(l, 0, 'North Korea', 'meta.span.newsmark');
    expectScoped(l, 0, ']', 'punctuation.definition.span.end.newsmark');
    expectScoped(l, 0, '{', 'punctuation.definition.attributes.begin.newsmark');
    expectScoped(l, 0, '@', 'punctuation.definition.entity.newsmark');
    expectScoped(l, 0, 'prk', 'variable.other.entity.newsmark');
    expectScoped(l, 0, '}', 'punctuation.definition.attributes.end.newsmark');
    expectUnscoped(l, 0, ' said', 'meta.span.newsmark');
  });

  test('every attribute form', () => {
    const l = tokenize(
      plain,
      '[“We make it clear”]{.quote #denial by=@prk-mfa via=@kcna claim=no-arms-trade src=ap-2022-11-08#denial lang="en \\"GB\\"" anon}',
    );
    expectScoped(l, 0, '.quote', 'entity.name.type.kind.newsmark');
    expectScoped(l, 0, '#denial', 'entity.name.tag.anchor.newsmark');
    expectScoped(l, 0, 'by', 'entity.other.attribute-name.newsmark');
    expectScoped(l, 0, '=', 'punctuation.separator.key-value.newsmark');
    expectScoped(l, 0, '@prk-mfa', 'variable.other.entity.newsmark');
    expectScoped(l, 0, '@kcna', 'variable.other.entity.newsmark');
    expectScoped(l, 0, 'no-arms-trade', 'string.unquoted.newsmark');
    expectScoped(l, 0, 'ap-2022-11-08', 'string.unquoted.newsmark');
    expectScoped(l, 0, '#denial', 'entity.name.tag.anchor.newsmark', 1);
    expectScoped(l, 0, '"en \\"GB\\""', 'string.quoted.double.newsmark');
    expectScoped(l, 0, '\\"', 'constant.character.escape.newsmark');
    expectScoped(l, 0, 'anon', 'storage.modifier.flag.newsmark');
    expectScoped(l, 0, 'We make it clear', 'meta.span.newsmark');
    expectUnscoped(l, 0, 'We make it clear', 'meta.attributes.newsmark');
  });

  test('a flag, a date and a quantity', () => {
    const l = tokenize(plain, '[next month]{.date when=2022-10 future} and [300,000]{.qty n=300,000 unit=person fact=russia-mobilisation}');
    expectScoped(l, 0, 'future', 'storage.modifier.flag.newsmark');
    expectScoped(l, 0, '2022-10', 'string.unquoted.newsmark');
    expectScoped(l, 0, '.qty', 'entity.name.type.kind.newsmark');
    expectScoped(l, 0, '300,000', 'string.unquoted.newsmark', 1);
    expectUnscoped(l, 0, ' and ', 'meta.span.newsmark');
  });

  test('nested spans and CriticMarkup inside a span', () => {
    const l = tokenize(plain, '[the {~~src950s~>1950s~~}]{.date when=1950s} and [a [b]{@x} c]{@y}');
    expectScoped(l, 0, 'src950s', 'markup.strikethrough.critic.original.newsmark');
    expectScoped(l, 0, '1950s', 'markup.underline.critic.replacement.newsmark');
    expectScoped(l, 0, 'src950s', 'meta.span.newsmark');
    expectScoped(l, 0, '.date', 'entity.name.type.kind.newsmark');
    expectScoped(l, 0, '@x', 'variable.other.entity.newsmark');
    expectScoped(l, 0, ' c', 'meta.span.newsmark');
    expectScoped(l, 0, '@y', 'variable.other.entity.newsmark');
  });

  test('an attribute block over two lines', () => {
    const l = tokenize(plain, '[“Nobody”]{.quote\n  by=@prk-mnd-official} the official said.');
    expectScoped(l, 0, '.quote', 'entity.name.type.kind.newsmark');
    expectScoped(l, 1, 'by', 'entity.other.attribute-name.newsmark');
    expectScoped(l, 1, '@prk-mnd-official', 'variable.other.entity.newsmark');
    expectScoped(l, 1, '}', 'punctuation.definition.attributes.end.newsmark');
    expectUnscoped(l, 1, ' the official said.', 'meta.attributes.newsmark');
  });

  test('an unclosed [ ends at the paragraph, not the file', () => {
    const l = tokenize(plain, 'North Korea [said on Thursday.\nmore text\n\nNext [x]{@prk}.');
    expectScoped(l, 1, 'more text', 'meta.span.newsmark');
    expectUnscoped(l, 3, 'Next', 'meta.span.newsmark');
    expectScoped(l, 3, '@prk', 'variable.other.entity.newsmark');
  });

  test('a [ ] with no attribute block is not an attribute block', () => {
    const l = tokenize(plain, 'the [Korean Central News Agency] said {@kcna}');
    expectUnscoped(l, 0, ' said', 'meta.span.newsmark');
    expectUnscoped(l, 0, '@kcna', 'variable.other.entity.newsmark');
  });
});

describe('escapes', () => {
  test('\\[ \\] \\\\ \\{ \\} are escapes; other backslashes are text', () => {
    const l = tokenize(plain, 'a \\[not a span\\]{@x} \\\\ \\{~~x~>y~~} C:\\path \\n');
    expectScoped(l, 0, '\\[', 'constant.character.escape.newsmark');
    expectScoped(l, 0, '\\]', 'constant.character.escape.newsmark');
    expectScoped(l, 0, '\\\\', 'constant.character.escape.newsmark');
    expectScoped(l, 0, '\\{', 'constant.character.escape.newsmark');
    expectUnscoped(l, 0, 'not a span', 'meta.span.newsmark');
    expectUnscoped(l, 0, '@x', 'variable.other.entity.newsmark');
    expectUnscoped(l, 0, 'x~>y', 'meta.critic.substitution.newsmark');
    expectUnscoped(l, 0, '\\path', 'constant.character.escape.newsmark');
    expectUnscoped(l, 0, '\\n', 'constant.character.escape.newsmark');
  });

  test('an escaped bracket inside a span does not close it', () => {
    const l = tokenize(plain, '[a \\] b]{@x}');
    expectScoped(l, 0, ' b', 'meta.span.newsmark');
    expectScoped(l, 0, '@x', 'variable.other.entity.newsmark');
  });
});

describe('CriticMarkup', () => {
  test('the five forms', () => {
    const l = tokenize(plain, '{~~src2:25~>12:25~~} {>>check this<<} {==said. ministry==} {++ in Pyongyang++} {--Leave a Reply--}');
    expectScoped(l, 0, '{~~', 'punctuation.definition.critic.substitution.begin.newsmark');
    expectScoped(l, 0, 'src2:25', 'markup.strikethrough');
    expectScoped(l, 0, '~>', 'punctuation.separator.critic.substitution.newsmark');
    expectScoped(l, 0, '12:25', 'markup.underline');
    expectScoped(l, 0, '~~}', 'punctuation.definition.critic.substitution.end.newsmark');
    expectScoped(l, 0, 'check this', 'comment.block.critic.newsmark');
    expectScoped(l, 0, 'said. ministry', 'markup.bold.critic.highlight.newsmark');
    expectScoped(l, 0, ' in Pyongyang', 'markup.inserted.critic.newsmark');
    expectScoped(l, 0, 'Leave a Reply', 'markup.deleted.critic.newsmark');
    expectScoped(l, 0, '{--', 'punctuation.definition.critic.deletion.begin.newsmark');
  });

  test('single marker characters inside a body are text; either correction side may be empty', () => {
    const l = tokenize(plain, '{~~a~b~>c~~} {==x=y==} {--well-known--} {~~~>inserted~~} {~~removed~>~~}');
    expectScoped(l, 0, 'a~b', 'markup.strikethrough');
    expectScoped(l, 0, 'x=y', 'markup.bold');
    expectScoped(l, 0, 'well-known', 'markup.deleted');
    expectScoped(l, 0, 'inserted', 'markup.underline');
    expectScoped(l, 0, 'removed', 'markup.strikethrough');
  });

  test('a body is plain text: no spans or escapes inside', () => {
    const l = tokenize(plain, '{>>see [x]{@y} and \\[<<}');
    expectScoped(l, 0, '[x]{@y}', 'comment.block.critic.newsmark');
    expectUnscoped(l, 0, '@y', 'variable.other.entity.newsmark');
    expectUnscoped(l, 0, '\\[', 'constant.character.escape.newsmark');
  });

  test('unterminated CriticMarkup is left to the server', () => {
    const l = tokenize(plain, '{~~src950s~>1950s\nnext');
    expectUnscoped(l, 0, 'src950s', 'markup.strikethrough');
  });
});

describe('the shipped corpus', () => {
  const corpus = path.join(REPO, 'corpus');
  const files = fs.existsSync(corpus) ? fs.readdirSync(corpus).filter((f) => f.endsWith('.news')) : [];

  test('has articles to tokenize', { skip: files.length === 0 && 'no corpus/ beside editors/' }, () => {
    assert.ok(files.length > 0);
  });

  for (const f of files) {
    test(`${f}: front matter found, every span opened is closed`, () => {
      const text = fs.readFileSync(path.join(corpus, f), 'utf8');
      const l = tokenize(plain, text);
      if (text.startsWith('+++')) {
        expectScoped(l, 0, '+++', 'punctuation.definition.frontmatter.begin.newsmark');
      }
      let opened = 0;
      let closed = 0;
      let mentions = 0;
      for (const line of l) {
        for (const t of line) {
          const s = t.scopes.join(' ');
          if (s.includes('punctuation.definition.span.begin')) opened++;
          if (s.includes('punctuation.definition.span.end')) closed++;
          if (s.includes('variable.other.entity.newsmark')) mentions++;
        }
      }
      assert.equal(opened, closed, `${f}: ${opened} spans opened, ${closed} closed`);
      const annotated = /\]\{/.test(text);
      if (annotated) {
        assert.ok(mentions > 0, `${f}: annotated, but no @id was highlighted`);
      }
      // Nothing leaks: a paragraph after the article is plain text.
      const after = tokenize(plain, `${text.replace(/\s*$/, '')}\n\nEND`);
      const end = after.length - 1;
      for (const scope of ['meta.span.newsmark', 'meta.attributes.newsmark', 'meta.frontmatter.newsmark', 'meta.critic']) {
        expectUnscoped(after, end, 'END', scope);
      }
    });
  }
});
