//! End-to-end tests of the `newsmark` binary: what a user sees on the shipped
//! corpus, the JSON format, exit codes, bad input, import/strip and `--fix`.

#[path = "support/common.rs"]
mod common;
use common::*;

#[test]
fn check_corpus_reports_the_real_problems_in_the_seeds() {
    let out = newsmark(&["check", "corpus"], &repo());
    let text = stdout(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "no error-level finding in the shipped corpus:\n{text}"
    );
    for needle in [
        "warning[garbled-token]",
        "`src950s`",
        "{~~src950s~>1950s~~}",
        "{~~src2:25~>12:25~~}",
        "warning[scrape-boilerplate]",
        "Leave a Reply",
        "You may also like",
        "Copyright",
        "warning[broken-sentence]",
        "ministry",
        "corpus/003_f550be25ed6773a1.news",
    ] {
        assert!(text.contains(needle), "`{needle}` missing from:\n{text}");
    }
    assert!(text.contains("5 articles checked"), "{text}");
}

#[test]
fn check_raw_lints_the_scraped_texts() {
    let out = newsmark(&["check", "--format", "json", "corpus/raw"], &repo());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let findings = json(&out);
    let garbled: Vec<&str> = findings
        .iter()
        .filter(|f| f["code"] == "garbled-token")
        .map(|f| f["path"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        garbled, ["corpus/raw/003_f550be25ed6773a1.txt"; 2],
        "{findings:#?}"
    );
    // Plain text gets no fix that would add markup to it.
    assert!(
        findings
            .iter()
            .all(|f| f["fix"].is_null() || f["code"] != "garbled-token")
    );
}

#[test]
fn json_output_is_one_pretty_printed_array() {
    // Findings in several files, and none at all: the bytes are what
    // serde_json pretty-prints for the same array (the findings are
    // printed a file at a time on every core, then joined).
    let out = newsmark(&["check", "--format", "json", "corpus"], &repo());
    let text = stdout(&out);
    let findings: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert!(findings.as_array().is_some_and(|a| a.len() > 5), "{text}");
    let again = serde_json::to_string_pretty(&findings).expect("printable");
    assert_eq!(text, format!("{again}\n"));
    let dir = tempdir();
    std::fs::write(dir.path().join("clean.news"), "Nothing to see.\n").expect("write");
    let out = newsmark(
        &["check", "--no-cache", "--format", "json", "."],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "[]\n");
}

#[test]
fn explicit_plain_file_is_checked_whatever_its_extension() {
    let dir = tempdir();
    let file = dir.path().join("scraped.html.txt");
    std::fs::write(&file, "Prices date to the src950s, it said.\n").expect("write");
    let out = newsmark(
        &["check", "--format", "json", "scraped.html.txt"],
        dir.path(),
    );
    let findings = json(&out);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["code"], "garbled-token");
}

#[test]
fn json_has_every_field_with_unicode_columns() {
    let dir = tempdir();
    std::fs::write(dir.path().join("a.news"), "“한국” 🇰🇷 said [x] here\n").expect("write");
    let out = newsmark(&["check", "--format", "json", "."], dir.path());
    assert_eq!(out.status.code(), Some(1), "a syntax error is error level");
    let f = &json(&out)[0];
    assert_eq!(f["path"], "a.news");
    assert_eq!(f["code"], "syntax");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["line"], 1);
    // “한국” is 4 scalar values, space, 🇰🇷 is 2, then " said " = 6: `[` is the 13th.
    assert_eq!(f["column"], 14);
    assert_eq!(f["end_line"], 1);
    assert_eq!(f["end_column"], 17);
    let start = f["start_byte"].as_u64().expect("start_byte") as usize;
    let end = f["end_byte"].as_u64().expect("end_byte") as usize;
    assert_eq!(end - start, 3);
    assert_eq!(f["fix"]["replacement"], "\\[x\\]");
    assert_eq!(f["fix"]["start_byte"].as_u64(), Some(start as u64));
    for key in ["message", "help"] {
        assert!(f[key].is_string(), "{key} in {f}");
    }
}

#[test]
fn exit_codes_and_messages_for_bad_input() {
    let dir = tempdir();
    let p = dir.path();
    std::fs::write(p.join("good.news"), "Fine text.\n").expect("write");
    std::fs::write(p.join("latin1.news"), b"caf\xe9 au lait\n").expect("write");
    std::fs::write(p.join("binary.news"), b"abc\0def").expect("write");

    // Bad encodings are error-level findings naming file and byte offset;
    // the other files are still checked.
    let out = newsmark(&["check", "."], p);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("latin1.news: invalid UTF-8 at byte offset 3"),
        "{text}"
    );
    assert!(
        text.contains("binary.news: not a text file: NUL byte at byte offset 3"),
        "{text}"
    );
    assert!(
        text.contains("1 articles checked") || text.contains("1 article"),
        "{text}"
    );

    // A missing path is an I/O error: exit 2, named on stderr, others checked.
    let out = newsmark(&["check", "good.news", "missing.news"], p);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("missing.news"), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("All clear: 1 article checked."),
        "{}",
        stdout(&out)
    );

    // Usage errors exit 2.
    assert_eq!(
        newsmark(&["check", "--format", "xml"], p).status.code(),
        Some(2)
    );
    assert_eq!(newsmark(&["frobnicate"], p).status.code(), Some(2));
}

/// The codes and paths of a JSON run's findings, sorted.
fn codes_by_path(o: &std::process::Output) -> Vec<(String, String)> {
    let mut got: Vec<(String, String)> = json(o)
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or("").to_string(),
                f["code"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    got.sort();
    got
}

/// Naming the corpus's `newsmark.toml` or a registry file (as the pre-commit
/// hook does with staged files) reports that file's config and registry
/// findings, as the language server does, never article rules on its
/// comments and descriptions.
#[test]
fn named_config_and_registry_files_get_their_own_checks_only() {
    let dir = tempdir();
    let p = dir.path();
    // A comment line ending in `hint.` then a lower-case line reads as a
    // spliced sentence (`broken-sentence`) if the file is taken for text.
    std::fs::write(
        p.join("newsmark.toml"),
        "registry = [\"people.toml\"]\n[rules]\n# Set a rule to off | hint.\nno-such-rule = \"warning\"\n",
    )
    .expect("write");
    // "An unnamed official" is an `anonymous-source` in article text.
    std::fs::write(
        p.join("people.toml"),
        "[kim]\nname = \"Kim\"\ndescription = \"An unnamed official said so, a spokesman told reporters.\"\n",
    )
    .expect("write");
    std::fs::write(p.join("a.news"), "Fine text.\n").expect("write");

    let out = newsmark(
        &[
            "check",
            "--no-cache",
            "--format",
            "json",
            "newsmark.toml",
            "people.toml",
        ],
        p,
    );
    assert_eq!(
        codes_by_path(&out),
        [
            ("newsmark.toml".to_string(), "config".to_string()),
            ("people.toml".to_string(), "unused-entity".to_string()),
        ],
        "{}",
        stdout(&out)
    );
    let out = newsmark(&["check", "--no-cache", "people.toml"], p);
    assert!(
        stdout(&out).contains("(0 articles and 1 config or registry file checked)"),
        "{}",
        stdout(&out)
    );
    // The same texts as articles do trip article rules: the test would pass
    // for nothing if they did not.
    std::fs::copy(p.join("newsmark.toml"), p.join("config.txt")).expect("copy");
    std::fs::copy(p.join("people.toml"), p.join("people.txt")).expect("copy");
    let out = newsmark(
        &[
            "check",
            "--no-cache",
            "--format",
            "json",
            "config.txt",
            "people.txt",
        ],
        p,
    );
    assert_eq!(
        codes_by_path(&out),
        [
            ("config.txt".to_string(), "broken-sentence".to_string()),
            ("people.txt".to_string(), "anonymous-source".to_string()),
        ],
        "{}",
        stdout(&out)
    );

    // With no newsmark.toml the registry is `entities.toml`.
    let bare = tempdir();
    std::fs::copy(p.join("people.toml"), bare.path().join("entities.toml")).expect("copy");
    let out = newsmark(
        &["check", "--no-cache", "--format", "json", "entities.toml"],
        bare.path(),
    );
    assert_eq!(
        codes_by_path(&out),
        [("entities.toml".to_string(), "unused-entity".to_string())],
        "{}",
        stdout(&out)
    );
}

/// The pre-commit hook hands `newsmark check` the staged `.news` files and
/// the corpus's config and registry files, nothing else (a `Cargo.toml`
/// would be read as an article).
#[test]
fn pre_commit_hook_passes_articles_config_and_registry_only() {
    let hooks = std::fs::read_to_string(repo().join(".pre-commit-hooks.yaml")).expect("hooks");
    let line = hooks
        .lines()
        .find_map(|l| l.trim().strip_prefix("files:"))
        .expect("a `files:` line");
    // A single-quoted YAML scalar: backslashes are literal, '' is a quote.
    let pattern = line
        .trim()
        .strip_prefix('\'')
        .and_then(|l| l.strip_suffix('\''))
        .expect("single-quoted `files`")
        .replace("''", "'");
    // pre-commit matches with Python's `re.search` on paths relative to the
    // repository; this pattern means the same to the `regex` crate.
    let re = regex::Regex::new(&pattern).expect("valid regex");
    for path in [
        "a.news",
        "corpus/000_eb5689f22e956971.news",
        "newsmark.toml",
        "corpus/newsmark.toml",
        "entities.toml",
        "corpus/entities.toml",
    ] {
        assert!(re.is_match(path), "{path} should reach the hook");
    }
    for path in [
        "Cargo.toml",
        "server/Cargo.toml",
        "pyproject.toml",
        "my-entities.toml",
        "corpus/raw/a.txt",
        "notes.news.bak",
        "README.md",
    ] {
        assert!(!re.is_match(path), "{path} should not reach the hook");
    }
}

/// A file that is not UTF-8 text is an `encoding` finding whose JSON has a
/// position like every other: 1-based line and column (in Unicode scalar
/// values of the text before it, decoded lossily) from the byte offset.
#[test]
fn encoding_findings_in_json_have_line_and_column() {
    let dir = tempdir();
    let p = dir.path();
    // The bad byte (offset 18) is on line 2 after “café ” (5 scalar values
    // in 6 bytes).
    std::fs::write(
        p.join("latin1.news"),
        b"First line.\ncaf\xc3\xa9 \xe9t\xe9\n",
    )
    .expect("write");
    // A NUL after an earlier stray byte (one U+FFFD) on line 3.
    std::fs::write(p.join("binary.news"), b"a\nb\n\xff\xfe\0x").expect("write");
    let out = newsmark(&["check", "--no-cache", "--format", "json", "."], p);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let findings = json(&out);
    let at = |path: &str| -> Vec<serde_json::Value> {
        let f = findings
            .iter()
            .find(|f| f["path"] == path)
            .unwrap_or_else(|| panic!("no finding for {path}: {findings:#?}"));
        assert_eq!(f["code"], "encoding", "{f}");
        [
            "line",
            "column",
            "end_line",
            "end_column",
            "start_byte",
            "end_byte",
        ]
        .iter()
        .map(|k| f[*k].clone())
        .collect()
    };
    assert_eq!(
        at("latin1.news"),
        [2, 6, 2, 6, 18, 18].map(serde_json::Value::from)
    );
    // \xff and \xfe are each an invalid sequence: two U+FFFD.
    assert_eq!(
        at("binary.news"),
        [3, 3, 3, 3, 6, 6].map(serde_json::Value::from)
    );
    // The CI formats carry the position too.
    let out = newsmark(
        &["check", "--no-cache", "--format", "github", "latin1.news"],
        p,
    );
    assert!(
        stdout(&out).contains("file=latin1.news,line=2,col=6"),
        "{}",
        stdout(&out)
    );
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_reported_and_the_run_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir();
    let p = dir.path();
    std::fs::write(p.join("a.news"), "Fine.\n").expect("write");
    std::fs::write(p.join("secret.news"), "Hidden.\n").expect("write");
    std::fs::set_permissions(
        p.join("secret.news"),
        std::fs::Permissions::from_mode(0o000),
    )
    .expect("chmod");
    // As root (CI), the binary runs as `nobody`, whom the mode does stop.
    let Some(out) = newsmark_unprivileged(&["check", "--no-cache", "."], p, &p.join("secret.news"))
    else {
        return;
    };
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("secret.news: cannot read: Permission denied"),
        "{}",
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("All clear: 1 article checked."),
        "{}",
        stdout(&out)
    );
}

/// docs/rules.md has a section for every rule `newsmark rules` lists, in
/// that order, and each says what the rule finds, why it matters, shows an
/// example and says how to fix it (CONTRIBUTING.md, "Adding a rule").
#[test]
fn rules_md_documents_every_rule_with_what_why_example_fix() {
    let doc = std::fs::read_to_string(repo().join("docs/rules.md")).expect("rules.md");
    let mut last = 0;
    for rule in newsmark::checks::RULES {
        let heading = format!("\n## `{}`\n", rule.code);
        let start = doc
            .find(&heading)
            .unwrap_or_else(|| panic!("no section {heading:?} in docs/rules.md"));
        assert!(start > last, "`{}` is out of RULES order", rule.code);
        last = start;
        let body = &doc[start + heading.len()..];
        let section = &body[..body.find("\n## ").unwrap_or(body.len())];
        for part in [
            "**What it finds.**",
            "**Why it matters.**",
            "**Example",
            "**Fix.**",
        ] {
            assert!(
                section.contains(part),
                "the `{}` section of docs/rules.md has no {part}",
                rule.code
            );
        }
        assert!(
            section.contains(&format!("[{}]", rule.code)),
            "the `{}` section of docs/rules.md shows no real finding (`…[{}]: …`)",
            rule.code,
            rule.code
        );
    }
}

#[test]
fn import_then_strip_gives_back_every_seed() {
    let dir = tempdir();
    for entry in std::fs::read_dir(repo().join("corpus/raw"))
        .expect("raw")
        .flatten()
    {
        let raw = entry.path();
        if raw.extension().is_none_or(|e| e != "txt") {
            continue;
        }
        let out = newsmark(
            &[
                "import",
                raw.to_str().expect("utf-8 path"),
                "--out-dir",
                dir.path().to_str().expect("path"),
            ],
            &repo(),
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let news = dir
            .path()
            .join(raw.with_extension("news").file_name().expect("name"));
        let imported = std::fs::read_to_string(&news).expect("imported");
        assert!(imported.starts_with("+++\nid = "), "{imported}");
        let out = newsmark(&["strip", news.to_str().expect("path")], &repo());
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(
            out.stdout,
            std::fs::read(&raw).expect("raw"),
            "{}",
            raw.display()
        );
    }
}

#[test]
fn import_escapes_markup_and_strip_refuses_broken_files() {
    let dir = tempdir();
    let p = dir.path();
    std::fs::write(p.join("raw.txt"), "A [bracket] and {~~ tilde \\ slash.").expect("write");
    let out = newsmark(&["import", "raw.txt", "-o", "raw.news"], p);
    assert!(out.status.success());
    let news = std::fs::read_to_string(p.join("raw.news")).expect("read");
    assert!(
        news.ends_with("A \\[bracket\\] and \\{~~ tilde \\\\ slash."),
        "{news}"
    );
    let out = newsmark(&["check", "raw.news"], p);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));

    std::fs::write(p.join("broken.news"), "Line one\nsays [unclosed\n").expect("write");
    let out = newsmark(&["strip", "broken.news"], p);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("broken.news:2:6: unclosed `[`"),
        "{}",
        stderr(&out)
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn fix_writes_corrections_and_keeps_the_article_text() {
    let dir = tempdir();
    let p = dir.path();
    let original = "+++\npublished = 2022-09-22\n+++\nShells that date to the src950s, and [a bracket] here.\n";
    std::fs::write(p.join("a.news"), original).expect("write");
    let before = newsmark::syntax::parse(original).plain.text;

    let out = newsmark(&["check", "--fix", "."], p);
    assert!(
        stdout(&out).contains("Applied 2 fixes."),
        "{}",
        stdout(&out)
    );
    let fixed = std::fs::read_to_string(p.join("a.news")).expect("read");
    assert!(fixed.contains("{~~src950s~>1950s~~}"), "{fixed}");
    assert!(fixed.contains("\\[a bracket\\]"), "{fixed}");
    assert_eq!(
        newsmark::syntax::strip(&fixed).expect("no syntax errors left"),
        before
    );
    assert_eq!(out.status.code(), Some(0), "nothing at error level is left");

    // A second run has nothing left to fix and changes nothing.
    let out = newsmark(&["check", "--fix", "."], p);
    assert!(
        stdout(&out).contains("Applied 0 fixes."),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        std::fs::read_to_string(p.join("a.news")).expect("read"),
        fixed
    );
    let leftovers: Vec<_> = std::fs::read_dir(p)
        .expect("dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary files left behind");
}

#[test]
fn fix_escapes_a_long_line_of_stray_brackets_in_one_run() {
    // Each stray bracket of one error region is reported once the one before
    // it is escaped, so this takes a dozen rounds (found by
    // `fix_through_the_binary_is_idempotent` when `--fix` stopped at 10).
    let dir = tempdir();
    let p = dir.path();
    let original = "[a bracket][a bracket][a bracket]Shells date to the src950s[a bracket][a bracket]Shells date to the src950s{~~src950s~>1950s~~}][Shells date to the src950s";
    std::fs::write(p.join("a.news"), original).expect("write");
    let out = newsmark(&["check", "--fix", "."], p);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let fixed = std::fs::read_to_string(p.join("a.news")).expect("read");
    assert_eq!(
        newsmark::syntax::parse(&fixed).plain.text,
        newsmark::syntax::parse(original).plain.text
    );
    let out = newsmark(&["check", "--fix", "."], p);
    assert!(
        stdout(&out).contains("Applied 0 fixes."),
        "{}",
        stdout(&out)
    );
}

#[test]
fn unlinked_quote_fix_edits_both_articles_and_fix_leaves_it_to_the_analyst() {
    let dir = tempdir();
    let p = dir.path();
    let a = "[“We have never exported weapons or ammunition to Russia before, and we will not plan to export them”]{.quote by=@o}\n";
    let b = "[“We have never exported weapons or ammunition to Russia before and we will have no plan to export them.”]{.quote by=@o}\n";
    std::fs::write(p.join("a.news"), a).expect("write");
    std::fs::write(p.join("b.news"), b).expect("write");

    let out = newsmark(&["check", "--format", "json", "b.news"], p);
    let findings = json(&out);
    // Printed as serde_json pretty-prints the array, the edit elsewhere too.
    let again = serde_json::to_string_pretty(&findings).expect("printable");
    assert_eq!(stdout(&out), format!("{again}\n"));
    let f = findings
        .iter()
        .find(|f| f["code"] == "unlinked-quote")
        .unwrap_or_else(|| panic!("{findings:#?}"));
    let name = " claim=quote-we-have-never-exported";
    assert_eq!(f["fix"]["replacement"], name, "{f:#}");
    assert_eq!(f["fix"]["safe"], false, "{f:#}");
    assert_eq!(f["fix"]["elsewhere"]["path"], "a.news", "{f:#}");
    assert_eq!(f["fix"]["elsewhere"]["replacement"], name, "{f:#}");
    let at = a.find("}").expect("}") as u64;
    assert_eq!(f["fix"]["elsewhere"]["start_byte"].as_u64(), Some(at));
    assert_eq!(f["fix"]["elsewhere"]["end_byte"].as_u64(), Some(at));

    let text = stdout(&newsmark(&["check", "b.news"], p));
    assert!(
        text.contains(&format!(
            "insert `{name}`, and insert `{name}` in a.news:1:{}",
            a[..a.find('}').expect("}")].chars().count() + 1
        )),
        "{text}"
    );

    // A suggestion: `--fix` leaves both files alone.
    let out = newsmark(&["check", "--fix", "."], p);
    assert!(
        stdout(&out).contains("Applied 0 fixes."),
        "{}",
        stdout(&out)
    );
    assert_eq!(std::fs::read_to_string(p.join("a.news")).expect("read"), a);
    assert_eq!(std::fs::read_to_string(p.join("b.news")).expect("read"), b);
}

#[test]
fn config_sets_severities_and_allow_silences() {
    let dir = tempdir();
    let p = dir.path();
    std::fs::write(
        p.join("newsmark.toml"),
        "[rules]\ngarbled-token = \"error\"\nbroken-sentence = \"off\"\n",
    )
    .expect("write");
    std::fs::write(p.join("a.news"), "The src950s. and then. ministry said.\n").expect("write");
    std::fs::write(
        p.join("b.news"),
        "+++\nallow = [\"garbled-token\"]\n+++\nThe src950s.\n",
    )
    .expect("write");
    std::fs::write(
        p.join("c.news"),
        "The [src950s]{allow=garbled-token}, and src960s.\n",
    )
    .expect("write");
    let out = newsmark(&["check", "--format", "json", "."], p);
    assert_eq!(out.status.code(), Some(1), "garbled-token raised to error");
    let findings = json(&out);
    let got: Vec<(String, String)> = findings
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or("").to_string(),
                format!(
                    "{}:{}",
                    f["code"].as_str().unwrap_or(""),
                    f["severity"].as_str().unwrap_or("")
                ),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("a.news".to_string(), "garbled-token:error".to_string()),
            ("c.news".to_string(), "garbled-token:error".to_string())
        ],
        "{findings:#?}"
    );
}

#[test]
fn bad_config_is_reported_not_fatal() {
    let dir = tempdir();
    let p = dir.path();
    std::fs::write(
        p.join("newsmark.toml"),
        "[rules]\nno-such-rule = \"warning\"\ngarbled-token = \"loud\"\ncolour = 1\n",
    )
    .expect("write");
    std::fs::write(p.join("a.news"), "Text.\n").expect("write");
    let out = newsmark(&["check", "--format", "json", "."], p);
    let findings = json(&out);
    let messages: Vec<&str> = findings
        .iter()
        .map(|f| f["message"].as_str().unwrap_or(""))
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("unknown rule `no-such-rule`")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("unknown severity `loud`")),
        "{messages:?}"
    );
    assert!(findings.iter().all(|f| f["path"] == "newsmark.toml"));
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn thousands_of_files_and_a_huge_single_line_article() {
    let dir = tempdir();
    let p = dir.path();
    for i in 0..3000 {
        std::fs::write(
            p.join(format!("{i:05}.news")),
            format!("Article {i} on [Thursday]{{.date when=2022-09-22}}.\n"),
        )
        .expect("write");
    }
    // 20 MB on one line, with a garbled token near the end.
    let mut big = "North Korea said it had not exported weapons. ".repeat(20_000_000 / 47);
    big.push_str("Shells date to the src950s.");
    std::fs::write(p.join("big.news"), &big).expect("write");
    let out = newsmark(&["check", "--format", "json", "."], p);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let findings = json(&out);
    assert!(
        findings
            .iter()
            .any(|f| f["path"] == "big.news" && f["code"] == "garbled-token" && f["line"] == 1),
        "{}",
        findings.len()
    );
    let out = newsmark(&["check", "."], p);
    assert!(
        stdout(&out).contains("3001 articles checked"),
        "{}",
        stdout(&out).lines().last().unwrap_or("")
    );
}

/// Runs `newsmark ARGS` in `cwd` with stdout and stderr on a terminal (a
/// pseudo-terminal from util-linux `script`); `None` when `script` cannot
/// run here. Returns what the terminal showed.
fn newsmark_in_terminal(args: &[&str], cwd: &std::path::Path) -> Option<String> {
    let quote = |s: &str| format!("'{}'", s.replace('\'', "'\\''"));
    let mut command = quote(env!("CARGO_BIN_EXE_newsmark"));
    for a in args {
        command.push(' ');
        command.push_str(&quote(a));
    }
    let out = std::process::Command::new("script")
        .args(["-q", "-e", "-c", &command, "/dev/null"])
        .env("NEWSMARK_CACHE_DIR", test_cache_dir())
        .current_dir(cwd)
        .stdin(std::process::Stdio::null())
        .output()
        .ok()?;
    let shown = stdout(&out);
    // `script` itself failing (no pty in this sandbox) shows no summary.
    (shown.contains("checked.")).then_some(shown)
}

/// The progress bar (files read out of the files found) appears on a
/// terminal for a corpus of 500 files or more only; a small corpus, `--no-progress` and a stderr that is not a
/// terminal (CI, pipes, editors) get none.
#[test]
fn progress_bar_only_for_a_large_corpus_on_a_terminal() {
    let big = tempdir();
    for i in 0..500 {
        std::fs::write(big.path().join(format!("{i:03}.news")), "Fine.\n").expect("write");
    }
    let small = tempdir();
    for i in 0..499 {
        std::fs::write(small.path().join(format!("{i:03}.news")), "Fine.\n").expect("write");
    }

    // Not a terminal: silent, however large the corpus.
    let out = newsmark(&["check", "--no-cache", "."], big.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "",
        "nothing on a stderr that is not a terminal"
    );

    let Some(shown) = newsmark_in_terminal(&["check", "--no-cache", "."], big.path()) else {
        eprintln!("skipped the terminal half: util-linux `script` cannot run here");
        return;
    };
    assert!(shown.contains("checking ."), "{shown:?}");
    assert!(shown.contains("/500 files"), "{shown:?}");
    assert!(
        shown.contains("All clear: 500 articles checked."),
        "{shown:?}"
    );
    let shown = newsmark_in_terminal(&["check", "--no-cache", "--no-progress", "."], big.path())
        .expect("ran before");
    assert!(!shown.contains("checking"), "{shown:?}");
    let shown =
        newsmark_in_terminal(&["check", "--no-cache", "."], small.path()).expect("ran before");
    assert!(!shown.contains("checking"), "{shown:?}");
    assert!(
        shown.contains("All clear: 499 articles checked."),
        "{shown:?}"
    );
}

/// `check` keeps its cache outside the corpus, a warm run gives the same
/// findings and writes nothing, `--no-cache` neither reads nor writes it,
/// an unwritable cache directory costs a warning and nothing else, and
/// `newsmark clean` deletes it.
#[test]
fn check_caches_results_outside_the_corpus_and_clean_deletes_them() {
    let work = tempdir();
    let corpus = work.path().join("corpus");
    std::fs::create_dir(&corpus).expect("mkdir");
    for e in std::fs::read_dir(repo().join("corpus")).expect("corpus") {
        let p = e.expect("entry").path();
        if p.is_file() {
            std::fs::copy(&p, corpus.join(p.file_name().expect("name"))).expect("copy");
        }
    }
    let listing = |dir: &std::path::Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .map(|r| {
                r.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    };
    let before = listing(&corpus);
    let cache = work.path().join("cache");
    let run = |args: &[&str], cache: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_newsmark"))
            .env("NEWSMARK_CACHE_DIR", cache)
            .args(args)
            .current_dir(work.path())
            .output()
            .expect("run newsmark")
    };

    let cold = run(&["check", "--format", "json", "corpus"], &cache);
    assert_eq!(cold.status.code(), Some(0), "{}", stderr(&cold));
    let files = listing(&cache);
    assert_eq!(files.len(), 1, "one cache file: {files:?}");
    assert_eq!(listing(&corpus), before, "nothing written into the corpus");
    let written = std::fs::metadata(cache.join(&files[0]))
        .and_then(|m| m.modified())
        .expect("mtime");

    let warm = run(&["check", "--format", "json", "corpus"], &cache);
    assert_eq!(stdout(&warm), stdout(&cold), "same findings when warm");
    assert_eq!(warm.status.code(), cold.status.code());
    let rewritten = std::fs::metadata(cache.join(&files[0]))
        .and_then(|m| m.modified())
        .expect("mtime");
    assert_eq!(rewritten, written, "an unchanged corpus rewrites nothing");

    let other = work.path().join("other-cache");
    let off = run(
        &["check", "--no-cache", "--format", "json", "corpus"],
        &other,
    );
    assert_eq!(stdout(&off), stdout(&cold));
    assert!(!other.exists(), "--no-cache writes no cache");

    let blocked = run(
        &["check", "--format", "json", "corpus"],
        &corpus.join("newsmark.toml").join("cache"),
    );
    assert_eq!(stdout(&blocked), stdout(&cold));
    assert_eq!(blocked.status.code(), cold.status.code());
    assert!(
        stderr(&blocked).contains("warning: cannot write the cache"),
        "{}",
        stderr(&blocked)
    );

    let clean = run(&["clean", "corpus"], &cache);
    assert_eq!(clean.status.code(), Some(0));
    assert!(stdout(&clean).starts_with("Removed "), "{}", stdout(&clean));
    assert!(listing(&cache).is_empty());
    let again = run(&["clean", "corpus"], &cache);
    assert!(
        stdout(&again).starts_with("No cache at "),
        "{}",
        stdout(&again)
    );
    assert_eq!(listing(&corpus), before);
}
