/**
 * @file Newsmark: annotated news articles (spans, CriticMarkup, TOML front matter)
 * @license MIT
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

// Every construct starts with a fixed token (`+++`, `[`, `{~~`, `{>>`, ...), so
// the grammar needs no external scanner and recovers locally from errors.
// Whitespace is significant article text, so there are no `extras`.

const ID = /[A-Za-z0-9_][A-Za-z0-9_-]*/;

/**
 * A CriticMarkup body: text up to the closing marker, on one line.
 * `stop` is the marker's repeated character; single occurrences of it are text.
 * @param {string} stop
 * @param {RuleOrLiteral} plain
 */
const criticText = (stop, plain) => repeat1(choice(plain, stop));

module.exports = grammar({
  name: 'newsmark',

  extras: _ => [],

  rules: {
    document: $ => seq(
      optional($.front_matter),
      optional($._blank_line),
      optional(seq(
        $.paragraph,
        repeat(seq($._blank_line, $.paragraph)),
        optional($._blank_line),
      )),
    ),

    // `+++` on the first line, TOML lines, `+++`. The TOML is opaque here and
    // injected for highlighting; the server parses it with the `toml` crate.
    front_matter: $ => seq(
      field('open', alias($._front_matter_fence, $.front_matter_delimiter)),
      optional(field('content', $.front_matter_content)),
      field('close', alias(choice($._front_matter_fence, '+++'), $.front_matter_delimiter)),
    ),
    _front_matter_fence: _ => token(/\+\+\+[ \t]*(\r\n|\n|\r)/),
    // One or more lines that do not start with `+++`.
    front_matter_content: _ => repeat1(token(
      /([^+\r\n][^\r\n]*|\+([^+\r\n][^\r\n]*)?|\+\+([^+\r\n][^\r\n]*)?)?(\r\n|\n|\r)/,
    )),

    // A line ends with `\n`, `\r\n` or a lone `\r` (old Mac text), as in
    // LSP. A blank line is two line ends or more, with spaces or tabs between:
    // a run of `\r`/`\n` holds two line ends unless it is exactly `\n`, `\r`
    // or `\r\n` (written so that `\r\n` can never be read as `\r` then `\n`).
    _blank_line: _ => token(choice(
      /([\r\n][\r\n][\r\n]+|\n\n|\r\r|\n\r)([ \t]+[\r\n]+)*/,
      /(\r\n|\n|\r)([ \t]+[\r\n]+)+/,
    )),

    paragraph: $ => repeat1($._inline),

    _inline: $ => choice(
      $.text,
      alias('{', $.text),
      alias('\\', $.text),
      $.escape,
      $._newline,
      $.span,
      $.correction,
      $.comment,
      $.highlight,
      $.insertion,
      $.deletion,
    ),

    text: _ => /[^\[\]\\{\r\n]+/,
    _newline: _ => /\r\n|\n|\r/,
    escape: _ => /\\[\[\]\\{}]/,

    // [text]{attributes}: the `{` must follow `]` directly.
    span: $ => seq(
      '[',
      optional(field('content', $.span_content)),
      ']',
      field('attributes', $.attributes),
    ),
    span_content: $ => repeat1($._inline),

    // Attributes are separated by spaces and at most one line break, so an
    // unclosed block stops at the paragraph's end.
    attributes: $ => seq(
      '{',
      optional($._attribute_space),
      repeat(seq($._attribute, optional($._attribute_space))),
      '}',
    ),
    _attribute_space: _ => choice(/[ \t]+/, /[ \t]*(\r\n|\n|\r)[ \t]*/),
    _attribute: $ => choice($.entity_ref, $.kind, $.anchor, $.property, $.flag),
    entity_ref: _ => token(seq('@', ID)),
    kind: _ => token(seq('.', /[A-Za-z][A-Za-z0-9_-]*/)),
    anchor: _ => token(seq('#', ID)),
    property: $ => seq(
      field('key', alias($._word, $.key)),
      '=',
      field('value', choice($.string, $.value)),
    ),
    flag: $ => $._word,
    _word: _ => /[A-Za-z_][A-Za-z0-9_-]*/,
    string: _ => /"([^"\\\r\n]|\\.)*"/,
    value: _ => /[^\s"{}]+/,

    // CriticMarkup. The original side of a correction is the article text.
    correction: $ => seq(
      '{~~',
      optional(field('original', alias($._sub_text, $.critic_text))),
      '~>',
      optional(field('replacement', alias($._sub_text, $.critic_text))),
      '~~}',
    ),
    _sub_text: _ => criticText('~', /[^~\r\n]+/),

    comment: $ => seq('{>>', optional(field('body', alias($._comment_text, $.critic_text))), '<<}'),
    _comment_text: _ => criticText('<', /[^<\r\n]+/),

    highlight: $ => seq('{==', optional(field('body', alias($._highlight_text, $.critic_text))), '==}'),
    _highlight_text: _ => criticText('=', /[^=\r\n]+/),

    insertion: $ => seq('{++', optional(field('body', alias($._insertion_text, $.critic_text))), '++}'),
    _insertion_text: _ => criticText('+', /[^+\r\n]+/),

    deletion: $ => seq('{--', optional(field('body', alias($._deletion_text, $.critic_text))), '--}'),
    _deletion_text: _ => criticText('-', /[^-\r\n]+/),
  },
});
