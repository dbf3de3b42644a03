//! Property tests (proptest): the invariants of docs/reliability.md checked
//! on generated input rather than on examples.
//!
//! - incremental re-parsing (the server's open document) equals a fresh parse;
//! - LSP position conversion round-trips in UTF-8 and UTF-16 and agrees with
//!   an independent model of lines and columns;
//! - `strip(import(x)) == x`;
//! - `--fix` keeps the article text and is idempotent (library and binary);
//! - the fast span and CriticMarkup look-ups agree with a plain scan;
//! - selection ranges nest, from the cursor out to the whole file;
//! - after random incremental edits the server sees the client's text: its
//!   pull diagnostics equal `newsmark check --format json` on that text.
//!
//! Case counts are kept moderate so the whole file runs in well under a
//! minute in a debug build; `PROPTEST_CASES=N` raises every count.

#[path = "support/lsp_client.rs"]
mod lsp_client;

use std::path::{Path, PathBuf};
use std::process::Command;

use newsmark::checks::cross::Changed;
use newsmark::checks::{Diagnostic, FileRef, article_findings_now, check_corpus};
use newsmark::corpus::Corpus;
use newsmark::corpus::lines::LineIndex;
use newsmark::lsp::position::{Encoding, Place, from_proto, to_proto};
use newsmark::syntax::{self, Span};
use proptest::prelude::*;
use proptest::sample::Index;
use ropey::Rope;
use serde_json::{Value, json};
use tower_lsp_server::ls_types::Position;

/// `cases`, unless `PROPTEST_CASES` asks for more.
fn config(cases: u32) -> ProptestConfig {
    let env = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    ProptestConfig {
        cases: cases.max(env),
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------
// Generators

/// Text that stresses positions: Korean, emoji (with a ZWJ sequence and a
/// flag), combining marks, every LSP line break, and characters that are
/// *not* LSP line breaks (U+2028, U+0085, form feed).
const UNICODE_PIECES: &[&str] = &[
    "a",
    "said ",
    "한국",
    "서울 ",
    "😀",
    "👨\u{200d}👩\u{200d}👧",
    "🇰🇷",
    "e\u{301}",
    "\u{1100}\u{1161}\u{11a8}",
    "\r\n",
    "\n",
    "\r",
    "\u{2028}",
    "\u{85}",
    "\u{c}",
    "\t",
    "“",
    "”",
    "\u{feff}",
];

/// Newsmark markup, whole and in pieces, plus words that rules react to.
const MARKUP_PIECES: &[&str] = newsmark::syntax::MARKUP_PIECES;

fn text_from(pieces: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(pieces), 0..max).prop_map(|v| v.concat())
}

fn mixed_text(max: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        text_from(UNICODE_PIECES, max),
        text_from(MARKUP_PIECES, max),
        prop::collection::vec(
            prop_oneof![
                prop::sample::select(UNICODE_PIECES),
                prop::sample::select(MARKUP_PIECES)
            ],
            0..max
        )
        .prop_map(|v| v.concat()),
    ]
}

/// Every char boundary of `text` that LSP can name (not between `\r` and `\n`).
fn boundaries(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    text.char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .filter(|&o| !(o > 0 && b[o - 1] == b'\r' && b.get(o) == Some(&b'\n')))
        .collect()
}

// ---------------------------------------------------------------------------
// An independent model of LSP positions (what a client computes)

/// Where each line starts: lines end at `\n`, `\r\n` or `\r`, nothing else.
fn line_starts(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let mut starts = vec![0];
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\n' => starts.push(i + 1),
            b'\r' if b.get(i + 1) == Some(&b'\n') => {
                starts.push(i + 2);
                i += 1;
            }
            b'\r' => starts.push(i + 1),
            _ => {}
        }
        i += 1;
    }
    starts
}

/// The end of line `line`, before its line break.
fn line_end(text: &str, starts: &[usize], line: usize) -> usize {
    let next = starts.get(line + 1).copied().unwrap_or(text.len());
    let body = &text[starts[line]..next];
    let body = body
        .strip_suffix("\r\n")
        .or_else(|| body.strip_suffix('\n'))
        .or_else(|| body.strip_suffix('\r'))
        .unwrap_or(body);
    starts[line] + body.len()
}

fn column(segment: &str, utf8: bool) -> usize {
    if utf8 {
        segment.len()
    } else {
        segment.encode_utf16().count()
    }
}

fn model_position(text: &str, offset: usize, utf8: bool) -> (u32, u32) {
    let starts = line_starts(text);
    let line = starts.partition_point(|&s| s <= offset) - 1;
    let col = column(&text[starts[line]..offset], utf8);
    (line as u32, col as u32)
}

fn encoding(utf8: bool) -> Encoding {
    if utf8 {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    }
}

// ---------------------------------------------------------------------------
// Position conversion

proptest! {
    #![proptest_config(config(256))]

    /// Every nameable offset goes to the position a client would compute and
    /// back to itself, in both encodings.
    #[test]
    fn positions_round_trip(text in mixed_text(40)) {
        let rope = Rope::from_str(&text);
        for utf8 in [false, true] {
            let enc = encoding(utf8);
            for o in boundaries(&text) {
                let pos = to_proto(&rope, o, enc);
                let (line, character) = model_position(&text, o, utf8);
                prop_assert_eq!(pos, Position::new(line, character), "offset {} utf8 {}", o, utf8);
                prop_assert_eq!(from_proto(&rope, pos, enc), o, "{:?} utf8 {}", pos, utf8);
            }
        }
    }

    /// A closed file's line index (what the server keeps instead of its
    /// text) places every offset where the model and the rope do.
    #[test]
    fn line_index_places_offsets_as_the_rope_does(text in mixed_text(40)) {
        let index = LineIndex::new(&text).expect("small text");
        for utf8 in [false, true] {
            for o in boundaries(&text) {
                let (line, character) = model_position(&text, o, utf8);
                prop_assert_eq!(
                    index.place(o, encoding(utf8)),
                    Position::new(line, character),
                    "offset {} utf8 {}", o, utf8
                );
            }
        }
    }

    /// Any position, valid or not (past a line's end, past the last line,
    /// inside a surrogate pair or a UTF-8 sequence), maps to the last
    /// boundary on that line at or before it, or to the end of the text.
    #[test]
    fn any_position_clamps_to_a_boundary(
        text in mixed_text(30),
        line in 0u32..12,
        character in 0u32..40,
        utf8 in any::<bool>(),
    ) {
        let rope = Rope::from_str(&text);
        let got = from_proto(&rope, Position::new(line, character), encoding(utf8));
        let starts = line_starts(&text);
        let expected = match starts.get(line as usize) {
            None => text.len(),
            Some(&start) => {
                let end = line_end(&text, &starts, line as usize);
                text.char_indices()
                    .map(|(i, _)| i)
                    .chain([text.len()])
                    .filter(|&o| o >= start && o <= end)
                    .filter(|&o| column(&text[start..o], utf8) <= character as usize)
                    .max()
                    .unwrap_or(start)
            }
        };
        prop_assert_eq!(got, expected);
        prop_assert!(text.is_char_boundary(got));
    }
}

// ---------------------------------------------------------------------------
// Incremental re-parse

/// An edit as generated: two picks among the text's char boundaries at that
/// point and the text to put there.
type GenEdit = (Index, Index, String);

fn gen_edits(max_batches: usize) -> impl Strategy<Value = Vec<Vec<GenEdit>>> {
    let edit = (any::<Index>(), any::<Index>(), mixed_text(4));
    prop::collection::vec(prop::collection::vec(edit, 1..4), 1..max_batches)
}

/// Resolves a generated edit against `text`: `(start, end, new_text)` in bytes.
fn resolve(text: &str, (a, b, new): &GenEdit) -> (usize, usize, String) {
    let points = boundaries(text);
    let (x, y) = (points[a.index(points.len())], points[b.index(points.len())]);
    (x.min(y), x.max(y), new.clone())
}

proptest! {
    #![proptest_config(config(128))]

    /// The server's open document (rope, `Tree::edit`, re-parse reusing the
    /// old tree over the rope's chunks) gives, after every `didChange`, the
    /// text that the same edits give on a `String` and the same tree as a
    /// fresh parse of it (every node's kind, field, range and points).
    #[test]
    fn incremental_reparse_equals_fresh_parse(
        initial in mixed_text(30),
        edits in gen_edits(6),
    ) {
        let mut text = initial.clone();
        let mut batches = Vec::new();
        for batch in &edits {
            let mut resolved = Vec::new();
            for e in batch {
                let (start, end, new) = resolve(&text, e);
                text.replace_range(start..end, &new);
                resolved.push((start, end, new));
            }
            batches.push(resolved);
        }
        let steps = newsmark::lsp::fuzz_edits(&initial, &batches);
        let mut expected = initial.clone();
        for (i, (batch, (got_text, incremental, fresh))) in batches.iter().zip(&steps).enumerate() {
            for (start, end, new) in batch {
                expected.replace_range(*start..*end, new);
            }
            prop_assert_eq!(got_text, &expected, "text after batch {}", i);
            prop_assert_eq!(incremental, fresh, "tree after batch {} of {:?}", i, batches);
        }
    }
}

// ---------------------------------------------------------------------------
// strip(import(x)) == x

/// Text the round trip is promised for: no NUL (a file holding one is not
/// text and is refused by `corpus::decode` before import or strip could see
/// it). Lone `\r` line ends are included: the `parse` fuzz target found that
/// the grammar once had no token for them.
fn importable(s: &str) -> bool {
    !s.contains('\0')
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn strip_of_import_is_identity_on_any_string(
        raw in any::<String>().prop_filter("NUL", |s| importable(s)),
        stem in "[^\0]{0,12}",
    ) {
        let news = syntax::import(&raw, &stem);
        prop_assert_eq!(syntax::strip(&news), Ok(raw));
    }

    #[test]
    fn strip_of_import_is_identity_on_markup_and_unicode(
        raw in mixed_text(40).prop_filter("NUL", |s| importable(s)),
    ) {
        let news = syntax::import(&raw, "article");
        prop_assert_eq!(syntax::strip(&news), Ok(raw));
    }
}

// ---------------------------------------------------------------------------
// Selection ranges

proptest! {
    #![proptest_config(config(128))]

    /// At every position of any article, "expand selection" gives ranges of
    /// the file, each holding the one before it (the protocol's rule for a
    /// parent), the first touching the cursor and the last the whole file.
    #[test]
    fn selection_ranges_nest_out_to_the_whole_file(
        front in prop_oneof![Just(""), Just("+++\nid = \"a\"\n+++\n")],
        body in mixed_text(30),
    ) {
        let text = format!("{front}{body}");
        let root = PathBuf::from("/corpus");
        let corpus = Corpus::from_files(&root, vec![(root.join("a.news"), text.clone())]);
        for offset in boundaries(&text) {
            let chain = newsmark::ide::selection::selection_ranges(&corpus, FileRef::Article(0), offset);
            prop_assert!(!chain.is_empty());
            prop_assert!(chain[0].start <= offset && offset <= chain[0].end, "{:?} at {}", chain[0], offset);
            prop_assert_eq!(chain.last(), Some(&(0..text.len())));
            for r in &chain {
                prop_assert!(text.get(r.clone()).is_some(), "{:?} is not a range of {:?}", r, text);
            }
            for pair in chain.windows(2) {
                let (inner, outer) = (&pair[0], &pair[1]);
                prop_assert!(
                    outer.start <= inner.start && inner.end <= outer.end && outer != inner,
                    "{:?} does not hold {:?} in {:?} at {}", outer, inner, text, offset
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------
// --fix

/// Articles with things `--fix` repairs (garbled tokens, stray brackets),
/// things it must leave alone, and an optional front matter.
fn fixable_article() -> impl Strategy<Value = String> {
    const PIECES: &[&str] = &[
        "Shells date to the src950s",
        "src2:25",
        " and ",
        "[a bracket]",
        "[",
        "]",
        " ] ",
        "[North Korea]{@prk}",
        "[src950s]{.quote by=@prk}",
        "{~~src950s~>1950s~~}",
        "{--src960s--}",
        " said. ",
        "\n",
        "\r\n",
        "\n\n",
        "한국 ",
        "😀",
        "e\u{301}",
        "\\[",
        "{~~",
        "{",
        "}",
        "]{",
    ];
    (
        prop_oneof![Just(""), Just("+++\npublished = 2022-09-22\n+++\n")],
        prop::collection::vec(prop::sample::select(PIECES), 0..24),
    )
        .prop_map(|(fm, body)| format!("{fm}{}", body.concat()))
}

/// One `--fix` pass over one article, with the library's own code
/// (`checks::check_corpus`, then `cli::fixed_text` as `--fix` applies it).
fn fix_once(root: &Path, text: &str) -> Result<Option<String>, String> {
    let path = root.join("a.news");
    let corpus = Corpus::from_files(root, vec![(path, text.to_string())]);
    let diags = check_corpus(&corpus);
    let mine: Vec<&Diagnostic> = diags.iter().collect();
    newsmark::cli::fixed_text(&corpus.articles[0], &mine).map(|r| r.map(|(t, _)| t))
}

proptest! {
    #![proptest_config(config(128))]

    /// `--fix` never changes the article text: every round of safe fixes
    /// keeps it, or is refused whole (`fixed_text` errs, nothing is
    /// written; a syntax fix that is wrong in its context is dropped by the
    /// guard, see docs/reliability.md). Fixing until nothing is left (a fix
    /// can uncover another) takes fewer than `MAX_ROUNDS` rounds, so a
    /// further `--fix` finds nothing to change.
    #[test]
    fn fix_keeps_the_article_text_and_is_idempotent(text in fixable_article()) {
        let root = Path::new("/corpus");
        let before = syntax::parse(&text).plain.text;
        let mut now = text.clone();
        let mut rounds = 0;
        while let Ok(Some(fixed)) = fix_once(root, &now) {
            prop_assert_eq!(&syntax::parse(&fixed).plain.text, &before, "fixed: {:?}", fixed);
            prop_assert_ne!(&fixed, &now, "a round that changes nothing");
            now = fixed;
            rounds += 1;
            prop_assert!(rounds < newsmark::cli::MAX_ROUNDS, "still fixing {:?}", now);
        }
    }
}

fn newsmark_in(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_newsmark"))
        .env(
            "NEWSMARK_CACHE_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("newsmark-cache"),
        )
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run newsmark")
}

proptest! {
    #![proptest_config(config(12))]

    /// The same through the binary on real files: `check --fix` twice; the
    /// second run applies nothing and leaves every file as the first left it.
    #[test]
    fn fix_through_the_binary_is_idempotent(
        texts in prop::collection::vec(fixable_article(), 1..4),
    ) {
        let dir = tempfile::tempdir().expect("temp dir");
        let paths: Vec<PathBuf> = (0..texts.len())
            .map(|i| dir.path().join(format!("a{i}.news")))
            .collect();
        for (p, t) in paths.iter().zip(&texts) {
            std::fs::write(p, t).expect("write");
        }
        let first = newsmark_in(dir.path(), &["check", "--fix", "--no-progress", "."]);
        let err = String::from_utf8_lossy(&first.stderr);
        // Exit 2 only for a fix refused because it would change the text.
        prop_assert!(
            first.status.code().is_some_and(|c| c < 2) || err.contains("fixes not applied"),
            "{}", err
        );
        let after_first: Vec<String> = paths.iter().map(|p| std::fs::read_to_string(p).expect("read")).collect();
        for (t, now) in texts.iter().zip(&after_first) {
            prop_assert_eq!(syntax::parse(now).plain.text, syntax::parse(t).plain.text);
        }
        let second = newsmark_in(dir.path(), &["check", "--fix", "--no-progress", "."]);
        let out = String::from_utf8_lossy(&second.stdout);
        prop_assert!(out.contains("Applied 0 fixes."), "{}", out);
        for (p, now) in paths.iter().zip(&after_first) {
            prop_assert_eq!(&std::fs::read_to_string(p).expect("read"), now);
        }
    }
}

// ---------------------------------------------------------------------------
// Span and CriticMarkup look-ups

proptest! {
    #![proptest_config(config(256))]

    /// `spans_at`, `is_allowed` and `overlaps_critic` (binary searches and
    /// parent chains) agree with a scan of every span or critic.
    #[test]
    fn span_lookups_agree_with_a_scan(
        body in prop::collection::vec(
            prop_oneof![
                prop::sample::select(MARKUP_PIECES),
                prop::sample::select(&[
                    "[x]{allow=garbled-token}",
                    "[a [b]{.date allow=weekday-mismatch} c]{.quote allow=unsourced-claim}",
                    "{~~a~>b~~}",
                    "{++c++}",
                ][..]),
            ],
            0..30,
        ),
    ) {
        let text = body.concat();
        let doc = syntax::parse(&text);
        let len = text.len();
        for a in 0..=len {
            let scan: Vec<&Span> = doc
                .spans
                .iter()
                .filter(|s| s.range.start <= a && a < s.range.end)
                .collect();
            let fast: Vec<&Span> = doc.spans_at(a).collect();
            prop_assert_eq!(fast, scan, "spans_at({})", a);
            for b in [a, (a + 1).min(len), (a + 7).min(len)] {
                let range = a..b;
                let scan = doc.critics.iter().any(|c| {
                    c.range.start < range.end.max(range.start + 1) && range.start < c.range.end
                });
                prop_assert_eq!(doc.overlaps_critic(&range), scan, "overlaps_critic({:?})", range);
                for code in ["garbled-token", "weekday-mismatch", "unsourced-claim"] {
                    let scan = doc.spans.iter().any(|s| {
                        s.range.start <= range.start
                            && range.end <= s.range.end
                            && s.allowed().any(|x| x == code)
                    });
                    prop_assert_eq!(doc.is_allowed(code, &range), scan, "is_allowed({}, {:?})", code, range);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The server's view of a document equals the client's

/// A finding as comparable between the server and the CLI: range in the
/// negotiated encoding, severity number, code, message (with help).
type Seen = ((u32, u32), (u32, u32), u64, String, String);

fn from_lsp(d: &Value) -> Seen {
    let p = |v: &Value| {
        (
            v["line"].as_u64().unwrap_or(0) as u32,
            v["character"].as_u64().unwrap_or(0) as u32,
        )
    };
    (
        p(&d["range"]["start"]),
        p(&d["range"]["end"]),
        d["severity"].as_u64().unwrap_or(0),
        d["code"].as_str().unwrap_or("").to_string(),
        d["message"].as_str().unwrap_or("").to_string(),
    )
}

fn from_cli(f: &Value, text: &str, utf8: bool) -> Seen {
    let severity = match f["severity"].as_str() {
        Some("error") => 1,
        Some("warning") => 2,
        Some("info") => 3,
        _ => 4,
    };
    let mut message = f["message"].as_str().unwrap_or("").to_string();
    if let Some(h) = f["help"].as_str() {
        message = format!("{message}\nhelp: {h}");
    }
    let at = |key: &str| model_position(text, f[key].as_u64().unwrap_or(0) as usize, utf8);
    (
        at("start_byte"),
        at("end_byte"),
        severity,
        f["code"].as_str().unwrap_or("").to_string(),
        message,
    )
}

proptest! {
    #![proptest_config(config(16))]

    /// Drives the real `newsmark lsp`: opens a document, sends the generated
    /// edits as incremental `didChange`s (LSP ranges computed by the client
    /// model, several changes per notification, versions sometimes skipped),
    /// then asks for pull diagnostics. They must equal what `newsmark check
    /// --format json` reports for the client's final text written to disk:
    /// the server applied every edit where the client did.
    #[test]
    fn server_view_after_incremental_edits_equals_the_clients(
        initial in mixed_text(30),
        edits in gen_edits(10),
        skips in prop::collection::vec(any::<bool>(), 10),
        utf8 in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().canonicalize().expect("canonical temp dir");
        let path = root.join("a.news");
        std::fs::write(&path, &initial).expect("write");
        let uri = lsp_client::uri(&path);

        let mut client = lsp_client::Client::start(&root);
        let init = client.initialize(&root, utf8);
        let negotiated = init["result"]["capabilities"]["positionEncoding"].clone();
        prop_assert_eq!(negotiated, json!(if utf8 { "utf-8" } else { "utf-16" }));
        client.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "newsmark", "version": 1, "text": initial}}),
        );
        let mut text = initial.clone();
        let mut version = 1;
        for (batch, skip) in edits.iter().zip(skips.iter().chain(std::iter::repeat(&false))) {
            let mut changes = Vec::new();
            for e in batch {
                let (start, end, new) = resolve(&text, e);
                let (sl, sc) = model_position(&text, start, utf8);
                let (el, ec) = model_position(&text, end, utf8);
                changes.push(json!({
                    "range": {"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}},
                    "text": new,
                }));
                text.replace_range(start..end, &new);
            }
            version += if *skip { 3 } else { 1 };
            client.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
            );
        }
        let report = client.request("textDocument/diagnostic", json!({"textDocument": {"uri": uri}}));
        let mut server: Vec<Seen> = report["result"]["items"]
            .as_array()
            .unwrap_or_else(|| panic!("no items: {report}"))
            .iter()
            .map(from_lsp)
            .collect();
        prop_assert!(client.shutdown(), "the server exits after shutdown and exit");

        std::fs::write(&path, &text).expect("write");
        let out = newsmark_in(&root, &["check", "--format", "json", "--no-progress", "a.news"]);
        let findings: Vec<Value> = serde_json::from_slice(&out.stdout).expect("JSON");
        let mut cli: Vec<Seen> = findings.iter().map(|f| from_cli(f, &text, utf8)).collect();
        server.sort();
        cli.sort();
        prop_assert_eq!(server, cli, "final text {:?}", text);
    }
}

// ---------------------------------------------------------------------------
// Incremental cross-document findings

/// Pieces of articles that put them in every kind of cross-document group:
/// shared and drifting claims (with speakers), near-identical quotes with no
/// claim, dated events, facts, source ids with anchors, `derived_from`,
/// known and unknown entities.
const ARTICLE_PIECES: &[&str] = &[
    "[“We have never exported weapons or ammunition to Russia before and we will not plan to export them”]{.quote by=@kcna claim=no-arms} ",
    "[“We have never exported weapons or ammunition to Russia before and we will have no plan to export them”]{.quote by=@kim claim=no-arms} ",
    "[“We have never exported weapons or ammunition to Russia before and we will not plan to export them”]{.quote by=@kcna} ",
    "[“keep its mouth shut”]{.quote by=@kcna claim=shut} ",
    "[“We will have no plan to export them to anyone”]{.quote by=@kim claim=no-arms allow=quote-drift,speaker-mismatch} ",
    "[Thursday]{.date when=2022-09-22 event=denial} ",
    "[Friday]{.date when=2022-09-23 event=denial} ",
    "[300,000]{.qty n=300000 fact=mobilised} ",
    "[350,000]{.qty n=350000 fact=mobilised} ",
    "[North Korea]{@kcna} ",
    "[Nowhere]{@nowhere} ",
    "[the denial]{#denial} ",
    "[as reported]{src=a#denial} ",
    "[as reported]{src=b#nothing} ",
    "[elsewhere]{src=missing} ",
    "plain words. ",
];

const FRONT_MATTERS: &[&str] = &[
    "",
    "+++\npublished = 2022-09-22\n+++\n",
    "+++\npublished = 2022-09-23\nderived_from = \"a\"\n+++\n",
    "+++\nid = \"a\"\npublished = 2022-09-24\n+++\n",
    "+++\npublished = 2022-09-25\nallow = [\"unknown-entity\", \"number-conflict\"]\n+++\n",
];

/// The four articles of the cross-document properties.
const NAMES: [&str; 4] = ["a.news", "b.news", "c.news", "d.news"];

/// `/corpus/a.news` to `d.news` with `texts`, and a registry of the two
/// entities the pieces name and one nobody names.
fn corpus_files(texts: &[String]) -> Vec<(PathBuf, String)> {
    let root = PathBuf::from("/corpus");
    let mut files: Vec<(PathBuf, String)> = NAMES
        .iter()
        .zip(texts)
        .map(|(n, t)| (root.join(n), t.clone()))
        .collect();
    files.push((
        root.join("entities.toml"),
        "[kcna]\nkind = \"org\"\nname = \"KCNA\"\n[kim]\nkind = \"person\"\nname = \"Kim\"\n[unused]\nkind = \"org\"\nname = \"Unused\"\n".to_string(),
    ));
    files
}

fn article_text() -> impl Strategy<Value = String> {
    (
        0..FRONT_MATTERS.len(),
        proptest::collection::vec(0..ARTICLE_PIECES.len(), 0..6),
    )
        .prop_map(|(fm, pieces)| {
            let mut t = FRONT_MATTERS[fm].to_string();
            for p in pieces {
                t.push_str(ARTICLE_PIECES[p]);
            }
            t.push('\n');
            t
        })
}

proptest! {
    #![proptest_config(config(64))]

    /// An article's findings worked out from its own groups, before any
    /// refresh (what the server publishes for an open file first), are the
    /// findings a whole check gives for it, in any corpus.
    #[test]
    fn an_articles_findings_from_its_own_groups_equal_a_whole_check(
        texts in proptest::collection::vec(article_text(), 4),
    ) {
        let root = PathBuf::from("/corpus");
        let corpus = Corpus::from_files(&root, corpus_files(&texts));
        let early: Vec<Vec<Diagnostic>> = (0..corpus.articles.len())
            .map(|i| article_findings_now(&corpus, i))
            .collect();
        prop_assert!(!corpus.cross().is_fresh(), "nothing was refreshed before");
        let whole = check_corpus(&corpus);
        for (i, found) in early.iter().enumerate() {
            let want: Vec<Diagnostic> = whole
                .iter()
                .filter(|d| d.file == FileRef::Article(i))
                .cloned()
                .collect();
            prop_assert_eq!(found, &want, "article {}", i);
        }
    }
}

proptest! {
    #![proptest_config(config(48))]

    /// A first refresh done a group at a time, with article edits between
    /// the steps (as the server interleaves them), ends with the findings
    /// a fresh check of the edited corpus gives.
    #[test]
    fn a_refresh_in_steps_with_edits_between_equals_a_fresh_check(
        initial in proptest::collection::vec(article_text(), 4),
        edits in proptest::collection::vec((0..4usize, article_text(), 0..6usize), 0..5),
    ) {
        let root = PathBuf::from("/corpus");
        let mut texts = initial.clone();
        let mut corpus = Corpus::from_files(&root, corpus_files(&texts));
        let step = |corpus: &Corpus| {
            corpus
                .cross()
                .refresh_step(corpus, std::time::Duration::ZERO, 1)
        };
        prop_assert_eq!(step(&corpus), None, "one group computed, more to go");
        for (i, text, steps) in edits {
            texts[i] = text.clone();
            corpus.set_text(&root.join(NAMES[i]), text, &[]);
            for _ in 0..steps {
                step(&corpus);
            }
        }
        let mut rounds = 0;
        while step(&corpus).is_none() {
            rounds += 1;
            prop_assert!(rounds < 10_000, "the refresh never ends");
        }
        prop_assert!(corpus.cross().is_fresh());
        let stepped = check_corpus(&corpus);
        let fresh = check_corpus(&Corpus::from_files(&root, corpus_files(&texts)));
        prop_assert_eq!(stepped, fresh);
    }

    /// After any sequence of article edits, the findings kept up to date
    /// group by group equal those of the same corpus checked from scratch,
    /// and every file whose findings changed is among those the refresh
    /// reports (the language server publishes only those).
    #[test]
    fn incremental_findings_equal_a_fresh_check(
        initial in proptest::collection::vec(article_text(), 4),
        edits in proptest::collection::vec((0..4usize, article_text()), 1..8),
    ) {
        let root = PathBuf::from("/corpus");
        let mut texts = initial.clone();
        let mut corpus = Corpus::from_files(&root, corpus_files(&texts));
        let mut before = check_corpus(&corpus);
        for (i, text) in edits {
            texts[i] = text.clone();
            corpus.set_text(&root.join(NAMES[i]), text, &[]);
            // As in the server: only the edited (open) file keeps its
            // parsed document.
            for (j, a) in corpus.articles.iter_mut().enumerate() {
                if j != i {
                    a.compact();
                }
            }
            let changed = corpus.cross().refresh(&corpus);
            let incremental = check_corpus(&corpus);
            let fresh = check_corpus(&Corpus::from_files(&root, corpus_files(&texts)));
            prop_assert_eq!(&incremental, &fresh);
            if let Changed::Files(reported) = changed {
                let of = |list: &[Diagnostic], f| -> Vec<Diagnostic> {
                    list.iter().filter(|d| d.file == f).cloned().collect()
                };
                for f in corpus.files() {
                    if of(&before, f) != of(&incremental, f) {
                        prop_assert!(
                            reported.contains(&f),
                            "findings of {:?} changed but it was not reported",
                            corpus.file_path(f)
                        );
                    }
                }
            }
            before = incremental;
        }
    }
}
