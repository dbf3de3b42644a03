//! Plain results (`checks`, `ide`) to protocol types.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use ropey::Rope;
use tower_lsp_server::ls_types::*;

use super::position::{Encoding, range_to_proto, to_proto};
use crate::checks::dates::{When, weekday_name};
use crate::checks::{self, FileRef, Severity};
use crate::corpus::{Article, Corpus, RefRole};
use crate::ide::completion::{Item, ItemKind};
use crate::ide::symbols::{Symbol, SymbolKind as Kind};

pub fn diagnostic(
    rope: &Rope,
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

/// A quick fix for every finding with a fix that touches `range`, plus "add
/// to registry" for unknown entities.
pub fn code_actions(
    corpus: &Corpus,
    uri: &Uri,
    rope: &Rope,
    enc: Encoding,
    findings: &[checks::Diagnostic],
    range: std::ops::Range<usize>,
) -> Vec<CodeActionOrCommand> {
    let mut out = Vec::new();
    for d in findings
        .iter()
        .filter(|d| d.range.start <= range.end && range.start <= d.range.end)
    {
        let lsp_diag = diagnostic(rope, d, enc, Path::new(""));
        if let Some(f) = &d.fix {
            let edit = TextEdit::new(range_to_proto(rope, &f.range, enc), f.replacement.clone());
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: f.title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: lsp_diag.clone().map(|x| vec![x]),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                    ..WorkspaceEdit::default()
                }),
                is_preferred: Some(f.safe),
                ..CodeAction::default()
            }));
        }
        if d.code == "unknown-entity"
            && let FileRef::Article(i) = d.file
            && let Some(id) = corpus.articles[i].text.get(d.range.clone())
            && let Some(reg) = corpus.registry_files.first()
            && let Some(reg_uri) = Uri::from_file_path(&reg.path)
        {
            let reg_rope = Rope::from_str(&reg.text);
            let end = to_proto(&reg_rope, reg.text.len(), enc);
            let sep = if reg.text.is_empty() || reg.text.ends_with("\n\n") {
                ""
            } else if reg.text.ends_with('\n') {
                "\n"
            } else {
                "\n\n"
            };
            let entry = format!("{sep}[{id}]\nkind = \"person\"\nname = \"{id}\"\n");
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("Add `{id}` to the registry"),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: lsp_diag.map(|x| vec![x]),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(
                        reg_uri,
                        vec![TextEdit::new(Range::new(end, end), entry)],
                    )])),
                    ..WorkspaceEdit::default()
                }),
                ..CodeAction::default()
            }));
        }
    }
    out
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

pub fn folding(rope: &Rope, a: &Article, enc: Encoding) -> Vec<FoldingRange> {
    let Some(fm) = &a.doc.front_matter else {
        return Vec::new();
    };
    let r = range_to_proto(rope, &fm.range, enc);
    let end_line = if r.end.character == 0 && r.end.line > r.start.line {
        r.end.line - 1
    } else {
        r.end.line
    };
    vec![FoldingRange {
        start_line: r.start.line,
        start_character: None,
        end_line,
        end_character: None,
        kind: Some(FoldingRangeKind::Region),
        collapsed_text: Some("+++ front matter +++".into()),
    }]
}

/// The resolved date after each `.date` span whose text is not already it.
pub fn inlay_hints(rope: &Rope, a: &Article, enc: Encoding) -> Vec<InlayHint> {
    a.doc
        .spans
        .iter()
        .filter(|s| s.kind() == Some("date"))
        .filter_map(|s| {
            let when = s.property("when")?;
            let label = match When::parse(&when.value)? {
                When::Day(d) => format!("{} {d}", &weekday_name(d.weekday())[..3]),
                _ => when.value.clone(),
            };
            if s.text.trim() == when.value {
                return None;
            }
            Some(InlayHint {
                position: to_proto(rope, s.content.end, enc),
                label: InlayHintLabel::String(format!("→{label}")),
                kind: None,
                text_edits: None,
                tooltip: None,
                padding_left: Some(true),
                padding_right: None,
                data: None,
            })
        })
        .collect()
}

/// "quoted by N of M outlets" on claims; "N mentions in M sources" on
/// registry entries.
pub fn code_lenses(corpus: &Corpus, file: FileRef, rope: &Rope, enc: Encoding) -> Vec<CodeLens> {
    let lens = |range: &std::ops::Range<usize>, title: String| CodeLens {
        range: range_to_proto(rope, range, enc),
        command: Some(Command {
            title,
            command: String::new(),
            arguments: None,
        }),
        data: None,
    };
    match file {
        FileRef::Article(i) => {
            let outlet = |j: usize| {
                corpus.articles[j]
                    .summary
                    .refs
                    .iter()
                    .find(|r| r.role == RefRole::Outlet)
                    .map_or_else(|| corpus.articles[j].summary.id.clone(), |r| r.id.clone())
            };
            let all: BTreeSet<String> = (0..corpus.articles.len()).map(outlet).collect();
            corpus.articles[i]
                .summary
                .statements
                .iter()
                .filter_map(|st| {
                    let claim = st.claim.as_ref()?;
                    let carrying: BTreeSet<String> = corpus
                        .index
                        .claim_uses
                        .get(&claim.value)
                        .into_iter()
                        .flatten()
                        .map(|&j| outlet(j))
                        .collect();
                    Some(lens(
                        &st.range,
                        format!("quoted by {} of {} outlets", carrying.len(), all.len()),
                    ))
                })
                .collect()
        }
        FileRef::Registry(f) => corpus
            .registry
            .entities
            .values()
            .filter(|e| e.file == f)
            .map(|e| {
                let uses = corpus
                    .index
                    .entity_uses
                    .get(&e.id)
                    .map(Vec::as_slice)
                    .unwrap_or(&[]);
                let mentions = uses
                    .iter()
                    .filter(|(i, j)| corpus.articles[*i].summary.refs[*j].role == RefRole::Mention)
                    .count();
                let sources: BTreeSet<usize> = uses.iter().map(|(i, _)| *i).collect();
                lens(
                    &e.range,
                    format!(
                        "{mentions} mention{} in {} source{}",
                        if mentions == 1 { "" } else { "s" },
                        sources.len(),
                        if sources.len() == 1 { "" } else { "s" }
                    ),
                )
            })
            .collect(),
        FileRef::Config => Vec::new(),
    }
}

/// The semantic token types, in legend order.
pub const TOKEN_TYPES: &[SemanticTokenType] = &[
    SemanticTokenType::VARIABLE,
    SemanticTokenType::TYPE,
    SemanticTokenType::PROPERTY,
    SemanticTokenType::STRING,
    SemanticTokenType::KEYWORD,
    SemanticTokenType::COMMENT,
    SemanticTokenType::MACRO,
];

/// Semantic tokens for an article's attributes and CriticMarkup markers:
/// entity ids, kinds, keys, values, flags, anchors.
pub fn semantic_tokens(rope: &Rope, a: &Article, enc: Encoding) -> Vec<SemanticToken> {
    let mut raw: Vec<(usize, usize, u32)> = Vec::new();
    for s in &a.doc.spans {
        for e in &s.entities {
            raw.push((e.range.start.saturating_sub(1), e.range.end, 0));
        }
        if let Some(k) = &s.kind {
            raw.push((k.range.start.saturating_sub(1), k.range.end, 1));
        }
        for p in &s.properties {
            raw.push((p.key.range.start, p.key.range.end, 2));
            raw.push((p.value.range.start, p.value.range.end, 3));
        }
        for f in &s.flags {
            raw.push((f.range.start, f.range.end, 4));
        }
        for x in &s.anchors {
            raw.push((x.range.start.saturating_sub(1), x.range.end, 6));
        }
    }
    for c in &a.doc.critics {
        if let Some(r) = &c.replacement {
            raw.push((r.start, r.end, 5));
        }
    }
    raw.sort();
    let mut out = Vec::new();
    let (mut last_line, mut last_col) = (0u32, 0u32);
    for (start, end, ty) in raw {
        let s = to_proto(rope, start, enc);
        let e = to_proto(rope, end, enc);
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
            token_type: ty,
            token_modifiers_bitset: 0,
        });
        last_line = s.line;
        last_col = s.character;
    }
    out
}
