//! The diagnostics. One file per rule, each a pure function from a document
//! (or the corpus) to findings; this module lists the rules, applies the
//! configured severities and the `allow` silencing, and runs them all.

mod anonymous_source;
mod broken_sentence;
mod date_after_publication;
mod date_conflict;
mod derived_mismatch;
mod duplicate_id;
mod front_matter;
mod garbled_token;
mod number_conflict;
pub mod quote_drift;
mod scrape_boilerplate;
mod speaker_mismatch;
mod syntax;
mod unknown_anchor;
mod unknown_entity;
mod unknown_source;
pub mod unlinked_quote;
mod unresolved_relative_date;
mod unsourced_claim;
mod unused_entity;
mod weekday_mismatch;
mod words;

pub mod cross;
pub mod dates;
pub mod wording;
pub mod syntax_kinds {
    //! The span kinds, shared with completion.
    pub use super::syntax::KINDS;
}

use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::corpus::{Article, Corpus};
use crate::syntax::TextRange;

/// How loud a finding is. `Off` silences a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Off,
    Hint,
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        Some(match s {
            "off" => Severity::Off,
            "hint" => Severity::Hint,
            "info" => Severity::Info,
            "warning" => Severity::Warning,
            "error" => Severity::Error,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Off => "off",
            Severity::Hint => "hint",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Which file a diagnostic is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileRef {
    Article(usize),
    Registry(usize),
    Config,
}

/// A text edit that resolves a finding: `range` and `replacement` are in the
/// finding's own file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Fix {
    pub title: String,
    pub range: TextRange,
    pub replacement: String,
    /// Safe fixes keep the article text and are applied by `--fix`.
    pub safe: bool,
    /// The part of the same fix in another file, applied together with the
    /// edit above (`unlinked-quote` links a quote in each of two articles).
    /// When the fix changes only the other file, the edit above is empty
    /// (an empty range and replacement: see [`Fix::edits_here`]). Only
    /// cross-document findings have one, and those are never cached, so it
    /// is not stored.
    #[serde(skip)]
    pub elsewhere: Option<FileEdit>,
}

/// An edit in a given file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FileEdit {
    pub file: FileRef,
    pub range: TextRange,
    pub replacement: String,
}

impl Fix {
    /// Whether the fix changes the finding's own file (it may change only
    /// [`Fix::elsewhere`]).
    pub fn edits_here(&self) -> bool {
        !(self.range.is_empty() && self.replacement.is_empty())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub file: FileRef,
    pub range: TextRange,
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    /// Shared: a help is often the same for many findings (a claim's
    /// `quote-drift` help quotes its first appearance in every article that
    /// drifts from it), and the language server keeps every finding.
    pub help: Option<Arc<str>>,
    /// Boxed: most findings have none, and a finding is kept per file for as
    /// long as the file has it (the language server keeps every one).
    pub fix: Option<Box<Fix>>,
}

/// What a text rule found in an article's text (offsets into that text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextFinding {
    pub range: Range<usize>,
    pub message: String,
    pub help: Option<String>,
    pub replacement: Option<String>,
}

/// A rule's stable code, default severity and one-line summary.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub code: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
}

/// Every rule, in the order of docs/rules.md.
pub const RULES: &[Rule] = &[
    Rule {
        code: "syntax",
        severity: Severity::Error,
        summary: "the markup does not parse",
    },
    Rule {
        code: "front-matter",
        severity: Severity::Error,
        summary: "invalid or unknown front matter",
    },
    Rule {
        code: "config",
        severity: Severity::Error,
        summary: "invalid newsmark.toml or registry file",
    },
    Rule {
        code: "unknown-entity",
        severity: Severity::Error,
        summary: "an `@id` that the registry does not define",
    },
    Rule {
        code: "unknown-source",
        severity: Severity::Warning,
        summary: "a source id that no article declares",
    },
    Rule {
        code: "unknown-anchor",
        severity: Severity::Error,
        summary: "an `#anchor` that the cited article does not have",
    },
    Rule {
        code: "duplicate-id",
        severity: Severity::Error,
        summary: "an id declared twice",
    },
    Rule {
        code: "unused-entity",
        severity: Severity::Hint,
        summary: "a registry entry nothing refers to",
    },
    Rule {
        code: "unsourced-claim",
        severity: Severity::Warning,
        summary: "a quote or claim with no `by=` or `src=`",
    },
    Rule {
        code: "garbled-token",
        severity: Severity::Warning,
        summary: "a year, time, date or number mangled by a scraper",
    },
    Rule {
        code: "weekday-mismatch",
        severity: Severity::Warning,
        summary: "a weekday that does not match its date",
    },
    Rule {
        code: "date-after-publication",
        severity: Severity::Warning,
        summary: "a past event dated after publication",
    },
    Rule {
        code: "unresolved-relative-date",
        severity: Severity::Hint,
        summary: "a relative date with no resolved `when=`",
    },
    Rule {
        code: "scrape-boilerplate",
        severity: Severity::Warning,
        summary: "website furniture left in the article",
    },
    Rule {
        code: "broken-sentence",
        severity: Severity::Warning,
        summary: "a sentence cut or spliced by a scraper",
    },
    Rule {
        code: "quote-drift",
        severity: Severity::Warning,
        summary: "the same claim quoted with different words in two outlets",
    },
    Rule {
        code: "date-conflict",
        severity: Severity::Warning,
        summary: "the same claim, fact or event dated differently in two articles",
    },
    Rule {
        code: "number-conflict",
        severity: Severity::Warning,
        summary: "the same `fact=` quantity with different values",
    },
    Rule {
        code: "speaker-mismatch",
        severity: Severity::Warning,
        summary: "the same claim credited to different speakers",
    },
    Rule {
        code: "derived-mismatch",
        severity: Severity::Warning,
        summary: "a reprint quotes its source differently",
    },
    Rule {
        code: "unlinked-quote",
        severity: Severity::Hint,
        summary: "nearly identical quotes in two articles with no shared `claim=`",
    },
    Rule {
        code: "anonymous-source",
        severity: Severity::Info,
        summary: "a claim sourced to an unnamed person",
    },
];

/// The rule with this code.
pub fn rule(code: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.code == code)
}

/// The default severity of `code`.
pub(crate) fn default_severity(code: &'static str) -> Severity {
    rule(code).map_or(Severity::Warning, |r| r.severity)
}

/// A finding in article `index` at its default severity.
pub(crate) fn diag(
    index: usize,
    code: &'static str,
    range: TextRange,
    message: impl Into<String>,
) -> Diagnostic {
    Diagnostic {
        file: FileRef::Article(index),
        range,
        code,
        severity: default_severity(code),
        message: message.into(),
        help: None,
        fix: None,
    }
}

impl Diagnostic {
    pub fn with_help(mut self, help: impl Into<Arc<str>>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(Box::new(fix));
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}

/// Maps text-rule findings back to the source and wraps them as diagnostics.
/// Findings inside CriticMarkup (text the analyst already corrected or
/// marked) are dropped.
pub(crate) fn from_text(
    index: usize,
    article: &Article,
    code: &'static str,
    findings: Vec<TextFinding>,
    correction: bool,
) -> Vec<Diagnostic> {
    let doc = &article.doc();
    findings
        .into_iter()
        .filter_map(|f| {
            let range = doc.plain.range_to_source(f.range.clone());
            if doc.overlaps_critic(&range) {
                return None;
            }
            // A phrase already annotated as an attribution (`.src`) is known
            // to the analyst.
            if code == "anonymous-source"
                && doc.spans_at(range.start).any(|s| s.kind() == Some("src"))
            {
                return None;
            }
            let mut d = diag(index, code, range.clone(), f.message);
            d.help = f.help.map(Arc::from);
            let article_text = article.text();
            let original = article_text.get(range.clone()).unwrap_or("");
            let clean = original == doc.plain.text.get(f.range.clone()).unwrap_or("");
            if code == "scrape-boilerplate"
                && clean
                && !article.plain
                && !original.contains("--}")
                && !original.contains('\n')
            {
                d.fix = Some(Box::new(Fix {
                    title: "Mark as deleted (`{--…--}` keeps the text)".into(),
                    range: range.clone(),
                    replacement: format!("{{--{original}--}}"),
                    safe: false,
                    elsewhere: None,
                }));
            }
            if let Some(replacement) = f.replacement {
                let original = article_text.get(range.clone()).unwrap_or("");
                // The original text must be exactly the finding's text (no
                // markup inside) for a correction to keep it intact.
                let clean = original == doc.plain.text.get(f.range.clone()).unwrap_or("");
                if correction && clean && !article.plain {
                    d.fix = Some(Box::new(Fix {
                        title: format!(
                            "Correct to `{replacement}` (keeps `{original}` as the original)"
                        ),
                        range,
                        replacement: format!("{{~~{original}~>{replacement}~~}}"),
                        safe: true,
                        elsewhere: None,
                    }));
                }
            }
            Some(d)
        })
        .collect()
}

/// Whether `text` holds a character that Unicode's case-insensitive
/// matching takes for an ASCII letter (`ſ` for `s`, the Kelvin sign for
/// `k`): ASCII-only quick tests in front of case-insensitive patterns must
/// let such a text through. One byte search per character (a search for
/// either of two characters decodes every one).
pub(crate) fn folds_into_ascii(text: &str) -> bool {
    text.contains('\u{17f}') || text.contains('\u{212a}')
}

/// Runs one of the text rules (`garbled-token`, `broken-sentence`,
/// `scrape-boilerplate`, `anonymous-source`) on plain article text. Used to
/// keep the rules quiet on clean real-world text.
pub fn text_rule(
    code: &str,
    text: &str,
    published: Option<jiff::civil::Date>,
) -> Option<Vec<TextFinding>> {
    Some(match code {
        "garbled-token" => garbled_token::find(text, published),
        "broken-sentence" => broken_sentence::find(text, published),
        "scrape-boilerplate" => scrape_boilerplate::find(text, published),
        "anonymous-source" => anonymous_source::find(text, published),
        _ => return None,
    })
}

/// Builds the per-article rules' automata (regular expressions, word
/// finders) ahead of the first article needing each, one by one while
/// `go_on` says so. Built on demand, each is compiled while every other
/// thread checking an article that needs it waits: about 40 ms in all on
/// real news text. A load with nothing cached runs this on a thread of its
/// own while the corpus's files are listed, which leaves a core idle, and
/// stops when the listing is done (the rest are then built on demand, as
/// before: a corpus may need none of them). Nothing waits for that thread.
pub fn warm_up_while(go_on: impl Fn() -> bool) {
    let steps = words::WARM_UP
        .iter()
        .chain(broken_sentence::WARM_UP)
        .chain(scrape_boilerplate::WARM_UP)
        .chain(anonymous_source::WARM_UP);
    for step in steps {
        if !go_on() {
            return;
        }
        step();
    }
}

/// How many times the per-article rules have run (for benchmarks: an edit
/// should re-run them for the edited article only).
pub static LOCAL_CHECKS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Per-article rules: they see one document (and its summary) only.
fn check_article(index: usize, a: &Article) -> Vec<Diagnostic> {
    LOCAL_CHECKS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut out = Vec::new();
    out.extend(syntax::check(index, a));
    out.extend(front_matter::check(index, a));
    out.extend(unsourced_claim::check(index, a));
    out.extend(weekday_mismatch::check(index, a));
    out.extend(date_after_publication::check(index, a));
    let text = &a.doc().plain.text;
    let published = a.doc().published();
    let words = words::scan(text);
    out.extend(unresolved_relative_date::check(index, a, &words));
    out.extend(from_text(
        index,
        a,
        "garbled-token",
        garbled_token::find(text, published),
        true,
    ));
    out.extend(from_text(
        index,
        a,
        "scrape-boilerplate",
        scrape_boilerplate::find(text, published),
        false,
    ));
    out.extend(from_text(
        index,
        a,
        "broken-sentence",
        broken_sentence::find(text, published),
        false,
    ));
    out.extend(from_text(
        index,
        a,
        "anonymous-source",
        anonymous_source::find_gated(text, &words.gate_at, published),
        false,
    ));
    out
}

/// The per-article findings of `a` (computed once per version of the
/// article; they use its index 0 as their file).
pub fn local_findings(a: &Article) -> &[Diagnostic] {
    a.local.get_or_init(|| check_article(0, a))
}

/// Runs every rule over the corpus and returns the findings, sorted by file
/// and position, with severities from the config and `allow` applied.
pub fn check_corpus(corpus: &Corpus) -> Vec<Diagnostic> {
    // The per-article rules, in parallel (each article caches its own).
    corpus.articles.par_iter().for_each(|a| {
        a.local.get_or_init(|| check_article(0, a));
    });
    let mut cross = corpus.cross();
    cross.refresh(corpus);
    let cross = &*cross;
    corpus
        .files()
        .into_par_iter()
        .flat_map_iter(|file| file_findings(corpus, cross, file))
        .collect()
}

/// The findings in one file: its per-article findings (computed once per
/// version of the article) and the cross-document findings located there as
/// of the last [`cross::Cross::refresh`], with severities from the config
/// and `allow` applied, sorted by position.
pub fn file_findings(corpus: &Corpus, cross: &cross::Cross, file: FileRef) -> Vec<Diagnostic> {
    file_findings_with(corpus, file, || cross.findings(file).cloned().collect())
}

/// [`file_findings`] of an article computed from its own groups
/// ([`cross::findings_in_article`]), before the kept findings are brought
/// up to date: the same list, at the cost of one article's groups.
pub fn article_findings_now(corpus: &Corpus, i: usize) -> Vec<Diagnostic> {
    file_findings_with(corpus, FileRef::Article(i), || {
        cross::findings_in_article(corpus, i)
    })
}

fn file_findings_with(
    corpus: &Corpus,
    file: FileRef,
    cross_findings: impl FnOnce() -> Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::new();
    if let FileRef::Article(i) = file
        && let Some(a) = corpus.articles.get(i)
    {
        // Cached with index 0; the article's place may have moved since.
        out.extend(
            a.local
                .get_or_init(|| check_article(0, a))
                .iter()
                .map(|d| Diagnostic { file, ..d.clone() }),
        );
    }
    out.extend(cross_findings());
    finish(corpus, out)
}

pub(crate) fn config_problems(corpus: &Corpus) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for p in &corpus.config.problems {
        out.push(Diagnostic {
            file: FileRef::Config,
            range: p.range.clone(),
            code: "config",
            severity: Severity::Error,
            message: p.message.clone(),
            help: Some("see docs/format.md, section Configuration".into()),
            fix: None,
        });
    }
    for (file, p) in &corpus.registry.problems {
        out.push(Diagnostic {
            file: FileRef::Registry(*file),
            range: p.range.clone(),
            code: "config",
            severity: Severity::Error,
            message: p.message.clone(),
            help: Some("see docs/format.md, section Registry".into()),
            fix: None,
        });
    }
    out
}

/// Applies configured severities and `allow`, drops what is off, sorts.
fn finish(corpus: &Corpus, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = diags
        .into_iter()
        .filter_map(|mut d| {
            if let Some(level) = corpus.config.rules.get(d.code) {
                d.severity = *level;
            }
            if d.severity == Severity::Off {
                return None;
            }
            if let FileRef::Article(i) = d.file
                && d.code != "syntax"
                && corpus.articles[i].summary.is_allowed(d.code, &d.range)
            {
                return None;
            }
            Some(d)
        })
        .collect();
    // A total order (not only by position) so that the result does not
    // depend on the order the groups were computed in.
    out.sort_by(|a, b| {
        (a.file, a.range.start, a.range.end, a.code, &a.message).cmp(&(
            b.file,
            b.range.start,
            b.range.end,
            b.code,
            &b.message,
        ))
    });
    out.dedup();
    out
}

#[cfg(test)]
pub(crate) mod test_support;
