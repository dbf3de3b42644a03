//! `newsmark check` in CI: SARIF 2.1.0 validated against the official schema
//! (../shared/schemas), GitHub workflow-command annotations, and
//! `--changed-since` in a real git repository.

use std::path::Path;
use std::process::Command;

#[path = "support/common.rs"]
mod common;
use common::*;

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let schema_path = repo().join("../shared/schemas/sarif-schema-2.1.0.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&schema_path).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (the shared folder must sit beside the repository)",
                schema_path.display()
            )
        }))
        .expect("schema is JSON");
    let validator = jsonschema::draft4::new(&schema).expect("a draft-04 schema");
    let out = newsmark(&["check", "--format", "sarif", "corpus"], &repo());
    assert_eq!(out.status.code(), Some(0));
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema errors:\n{}",
        errors.join("\n")
    );
    // The validator does reject what is not SARIF.
    let mut broken = log.clone();
    broken["version"] = serde_json::json!("9.9");
    broken["runs"][0]["results"][0]["level"] = serde_json::json!("loud");
    assert!(validator.iter_errors(&broken).count() >= 2);
    let results = log["runs"][0]["results"].as_array().expect("results");
    let garbled: Vec<&serde_json::Value> = results
        .iter()
        .filter(|r| r["ruleId"] == "garbled-token")
        .collect();
    assert_eq!(garbled.len(), 2);
    let loc = &garbled[0]["locations"][0]["physicalLocation"];
    assert_eq!(
        loc["artifactLocation"]["uri"],
        "corpus/003_f550be25ed6773a1.news"
    );
    assert!(loc["region"]["startLine"].as_u64().is_some_and(|l| l > 1));
    assert_eq!(garbled[0]["level"], "warning");
    assert!(
        garbled[0]["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("{~~src"))
    );
    // Every rule is described once, with its default level.
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    assert_eq!(rules.len(), newsmark::checks::RULES.len());
}

#[test]
fn github_annotations_name_file_line_and_rule() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("a.news"),
        "Shells date to the src950s.\nSay [x] here, 100%.\n",
    )
    .expect("write");
    let out = newsmark(&["check", "--format", "github", "."], dir.path());
    assert_eq!(out.status.code(), Some(1), "a syntax error is error level");
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.contains(&"::warning file=a.news,line=1,col=20,endLine=1,endColumn=27,title=newsmark garbled-token::garbled token `src950s`: probably `1950s`%0Ahelp: a scraper put letters where a digit belongs; check the original and correct it: `{~~src950s~>1950s~~}`"), "{text}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("::error file=a.news,line=2,col=5,")
                && l.contains("title=newsmark syntax::")),
        "{text}"
    );
}

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
        .args(args)
        .current_dir(dir)
        .status()
        .expect("git")
        .success();
    assert!(ok, "git {args:?}");
}

#[test]
fn changed_since_reports_only_changed_files_but_resolves_everything() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path();
    std::fs::write(p.join("entities.toml"), "[prk]\nname = \"North Korea\"\n").expect("write");
    std::fs::write(
        p.join("ap.news"),
        "+++\nid = \"ap\"\n+++\n[“no”]{.quote #denial by=@prk} src950s\n",
    )
    .expect("write");
    std::fs::write(p.join("old.news"), "Old text with src960s.\n").expect("write");
    git(p, &["init", "-q"]);
    git(p, &["add", "."]);
    git(p, &["commit", "-qm", "base"]);
    // A new article citing the unchanged one: its reference must resolve.
    std::fs::write(
        p.join("new.news"),
        "[“no”]{.quote src=ap#denial by=@prk} and src970s\n",
    )
    .expect("write");
    let out = newsmark(
        &["check", "--format", "json", "--changed-since", "HEAD", "."],
        p,
    );
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("json");
    let paths: Vec<&str> = findings
        .iter()
        .map(|f| f["path"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(paths, ["new.news"], "{findings:#?}");
    assert_eq!(findings[0]["code"], "garbled-token");
    // A bad revision is a usage error.
    let out = newsmark(&["check", "--changed-since", "no-such-rev", "."], p);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-rev"));
    // A revision that looks like an option is refused before git sees it
    // (`--output=FILE` would make git write a file).
    let out = newsmark(&["check", "--changed-since=--output=pwned", "."], p);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot start with `-`"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!p.join("pwned").exists());
}
