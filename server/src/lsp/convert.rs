//! Plain results (`checks`, `ide`) to protocol types.

use std::collections::HashMap;
use std::path::Path;

use ropey::Rope;
use tower_lsp_server::ls_types::*;

use super::position::{Encoding, Place, range_to_proto, to_proto};
use crate::checks::{self, FileRef, Severity};
use crate::corpus::Corpus;
use crate::ide::code_actions::Deferred;
use crate::ide::completion::{Item, ItemKind};
use crate::ide::symbols::{Symbol, SymbolKind as Kind};

pub fn diagnostic(
    rope: &(impl Place + ?Sized),
    d: &checks::Diagnostic,
    enc: Encoding,
    _path: &Path,
) -> Option<Diagnostic> {
    let severity = match d.severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
        Severity::Off => return None,
    };
    let message = match &d.help {
        Some(h) => format!("{}\nhelp: {h}", d.message),
        None => d.message.clone(),
    };
    Some(Diagnostic {
        range: range_to_proto(rope, &d.range, enc),
        severity: Some(severity),
        code: Some(NumberOrString::String(d.code.to_string())),
        code_description: None,
        source: Some("newsmark".into()),
        message,
        related_information: None,
        tags: (d.code == "unused-entity").then(|| vec![DiagnosticTag::UNNECESSARY]),
        data: None,
    })
}

pub fn completion(rope: &Rope, item: &Item, enc: Encoding) -> CompletionItem {
    let kind = match item.kind {
        ItemKind::Entity => CompletionItemKind::REFERENCE,
        ItemKind::Kind => CompletionItemKind::ENUM_MEMBER,
        ItemKind::Key => CompletionItemKind::PROPERTY,
        ItemKind::Flag => CompletionItemKind::KEYWORD,
        ItemKind::Source => CompletionItemKind::FILE,
        ItemKind::Anchor => CompletionItemKind::REFERENCE,
        ItemKind::Claim => CompletionItemKind::CONSTANT,
    };
    CompletionItem {
        label: item.label.clone(),
        kind: Some(kind),
        detail: item.detail.clone(),
        documentation: item.documentation.clone().map(Documentation::String),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
            range_to_proto(rope, &item.range, enc),
            item.insert.clone(),
        ))),
        filter_text: Some(item.insert.clone()),
        ..CompletionItem::default()
    }
}

/// Code actions for `range` (see `ide::code_actions`), as workspace edits.
/// With `defer`, the corpus-wide ones come without their edit and with a
/// `data` for `codeAction/resolve` ([`resolved_edit`]).
pub fn code_actions(
    corpus: &Corpus,
    file: FileRef,
    rope: &Rope,
    enc: Encoding,
    findings: &[checks::Diagnostic],
    range: std::ops::Range<usize>,
    defer: bool,
) -> Vec<CodeActionOrCommand> {
    crate::ide::code_actions::code_actions(corpus, file, range, findings, defer)
        .into_iter()
        .map(|a| {
            let data = a.deferred.as_ref().map(|d| {
                serde_json::json!({
                    "uri": corpus.file_path(file).and_then(Uri::from_file_path),
                    "deferred": d,
                })
            });
            CodeActionOrCommand::CodeAction(CodeAction {
                title: a.title,
                kind: Some(if a.fixes.is_some() {
                    CodeActionKind::QUICKFIX
                } else {
                    CodeActionKind::REFACTOR_REWRITE
                }),
                diagnostics: a
                    .fixes
                    .and_then(|n| findings.get(n))
                    .and_then(|d| diagnostic(rope, d, enc, Path::new("")))
                    .map(|d| vec![d]),
                edit: data
                    .is_none()
                    .then(|| workspace_edit(corpus, file, rope, enc, &a.edits)),
                is_preferred: Some(a.preferred),
                data,
                ..CodeAction::default()
            })
        })
        .collect()
}

/// What `codeAction/resolve` needs to work out a deferred action's edit:
/// the document it was offered in and the work left.
pub fn deferred_of(data: &serde_json::Value) -> Option<(Uri, Deferred)> {
    let uri = serde_json::from_value(data.get("uri")?.clone()).ok()?;
    let deferred = serde_json::from_value(data.get("deferred")?.clone()).ok()?;
    Some((uri, deferred))
}

/// The edit of a deferred action, for the corpus as it is now; `rope` is
/// `file`'s current text.
pub fn resolved_edit(
    corpus: &Corpus,
    file: FileRef,
    rope: &Rope,
    enc: Encoding,
    deferred: &Deferred,
) -> WorkspaceEdit {
    let edits = crate::ide::code_actions::resolve(corpus, deferred);
    workspace_edit(corpus, file, rope, enc, &edits)
}

/// `edits` as a workspace edit; `rope` is `file`'s text (the others are
/// read from the corpus).
fn workspace_edit(
    corpus: &Corpus,
    file: FileRef,
    rope: &Rope,
    enc: Encoding,
    edits: &[crate::ide::rename::Edit],
) -> WorkspaceEdit {
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for e in edits {
        let Some((path, text)) = corpus.file_text(e.file) else {
            continue;
        };
        let Some(uri) = Uri::from_file_path(path) else {
            continue;
        };
        let edit_rope = if e.file == file {
            rope.clone()
        } else {
            Rope::from_str(&text)
        };
        changes.entry(uri).or_default().push(TextEdit::new(
            range_to_proto(&edit_rope, &e.range, enc),
            e.new_text.clone(),
        ));
    }
    WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    }
}

#[allow(deprecated)]
pub fn document_symbol(rope: &Rope, s: &Symbol, enc: Encoding) -> DocumentSymbol {
    DocumentSymbol {
        name: if s.name.is_empty() {
            "(empty)".into()
        } else {
            s.name.clone()
        },
        detail: s.detail.clone(),
        kind: symbol_kind(s.kind),
        tags: None,
        deprecated: None,
        range: range_to_proto(rope, &s.range, enc),
        selection_range: range_to_proto(rope, &s.selection, enc),
        children: None,
    }
}

fn symbol_kind(k: Kind) -> SymbolKind {
    match k {
        Kind::Quote => SymbolKind::STRING,
        Kind::Claim => SymbolKind::EVENT,
        Kind::Date => SymbolKind::NUMBER,
        Kind::Quantity => SymbolKind::NUMBER,
        Kind::Entity => SymbolKind::OBJECT,
        Kind::Source => SymbolKind::FILE,
        Kind::ClaimName => SymbolKind::CONSTANT,
    }
}

#[allow(deprecated)]
pub fn symbol_information(s: &Symbol, location: Location) -> SymbolInformation {
    SymbolInformation {
        name: s.name.clone(),
        kind: symbol_kind(s.kind),
        tags: None,
        deprecated: None,
        location,
        container_name: s.detail.clone(),
    }
}

pub fn folding(rope: &Rope, corpus: &Corpus, i: usize, enc: Encoding) -> Vec<FoldingRange> {
    crate::ide::folding::folding_ranges(corpus, i)
        .iter()
        .map(|range| {
            let r = range_to_proto(rope, range, enc);
            // A block ending with its newline folds up to the line before.
            let end_line = if r.end.character == 0 && r.end.line > r.start.line {
                r.end.line - 1
            } else {
                r.end.line
            };
            FoldingRange {
                start_line: r.start.line,
                start_character: None,
                end_line,
                end_character: None,
                kind: Some(FoldingRangeKind::Region),
                collapsed_text: Some("+++ front matter +++".into()),
            }
        })
        .collect()
}

pub fn inlay_hints(rope: &Rope, corpus: &Corpus, i: usize, enc: Encoding) -> Vec<InlayHint> {
    crate::ide::inlay_hints::inlay_hints(corpus, i)
        .into_iter()
        .map(|h| InlayHint {
            position: to_proto(rope, h.offset, enc),
            label: InlayHintLabel::String(h.label),
            kind: None,
            text_edits: None,
            tooltip: None,
            padding_left: Some(true),
            padding_right: None,
            data: None,
        })
        .collect()
}

pub fn code_lenses(corpus: &Corpus, file: FileRef, rope: &Rope, enc: Encoding) -> Vec<CodeLens> {
    crate::ide::code_lens::code_lenses(corpus, file)
        .into_iter()
        .map(|l| CodeLens {
            range: range_to_proto(rope, &l.range, enc),
            command: Some(Command {
                title: l.title,
                command: String::new(),
                arguments: None,
            }),
            data: None,
        })
        .collect()
}

/// The semantic token types, in legend order (`ide::semantic_tokens::TokenKind`).
pub const TOKEN_TYPES: &[SemanticTokenType] = &[
    SemanticTokenType::VARIABLE,
    SemanticTokenType::TYPE,
    SemanticTokenType::PROPERTY,
    SemanticTokenType::STRING,
    SemanticTokenType::KEYWORD,
    SemanticTokenType::COMMENT,
    SemanticTokenType::MACRO,
];

pub fn semantic_tokens(
    rope: &Rope,
    corpus: &Corpus,
    i: usize,
    enc: Encoding,
) -> Vec<SemanticToken> {
    let mut out = Vec::new();
    let (mut last_line, mut last_col) = (0u32, 0u32);
    for (range, kind) in crate::ide::semantic_tokens::semantic_tokens(corpus, i) {
        let s = to_proto(rope, range.start, enc);
        let e = to_proto(rope, range.end, enc);
        // Tokens do not cross lines.
        if s.line != e.line || e.character <= s.character {
            continue;
        }
        let delta_line = s.line - last_line;
        let delta_start = if delta_line == 0 {
            s.character - last_col
        } else {
            s.character
        };
        out.push(SemanticToken {
            delta_line,
            delta_start,
            length: e.character - s.character,
            token_type: kind as u32,
            token_modifiers_bitset: 0,
        });
        last_line = s.line;
        last_col = s.character;
    }
    out
}
