//! Output for CI: SARIF 2.1.0 (code-scanning uploads) and GitHub Actions
//! workflow commands (annotations on a pull request). Both are built from the
//! same JSON findings `--format json` prints.

use serde_json::{Value, json};

use crate::checks::RULES;

fn level(severity: &str) -> &'static str {
    match severity {
        "error" => "error",
        "warning" => "warning",
        _ => "note",
    }
}

/// A SARIF 2.1.0 log with one run. Columns count Unicode code points
/// (`columnKind: unicodeCodePoints`), as the JSON output does.
pub fn sarif(findings: &[Value]) -> Value {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.code,
                "shortDescription": { "text": r.summary },
                "helpUri": format!("https://example.invalid/newsmark/docs/rules.md#{}", r.code),
                "defaultConfiguration": { "level": level(r.severity.as_str()) },
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let code = f["code"].as_str().unwrap_or("");
            let path = f["path"].as_str().unwrap_or("");
            let mut region = serde_json::Map::new();
            for (sarif_key, key) in [("startLine", "line"), ("startColumn", "column"), ("endLine", "end_line"), ("endColumn", "end_column")] {
                if let Some(n) = f[key].as_u64() {
                    region.insert(sarif_key.into(), json!(n));
                }
            }
            if let (Some(s), Some(e)) = (f["start_byte"].as_u64(), f["end_byte"].as_u64()) {
                region.insert("byteOffset".into(), json!(s));
                region.insert("byteLength".into(), json!(e.saturating_sub(s)));
            }
            let mut message = f["message"].as_str().unwrap_or("").to_string();
            if let Some(h) = f["help"].as_str() {
                message.push_str(&format!("\nhelp: {h}"));
            }
            let mut result = json!({
                "ruleId": code,
                "level": level(f["severity"].as_str().unwrap_or("")),
                "message": { "text": message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": path, "uriBaseId": "%SRCROOT%" },
                        "region": Value::Object(region),
                    }
                }],
            });
            if let Some(i) = RULES.iter().position(|r| r.code == code) {
                result["ruleIndex"] = json!(i);
            }
            if let Some(fix) = f["fix"].as_object() {
                let change = |path: &str, edit: &serde_json::Map<String, Value>| {
                    let start = edit.get("start_byte").and_then(Value::as_u64).unwrap_or(0);
                    let end = edit.get("end_byte").and_then(Value::as_u64).unwrap_or(start);
                    json!({
                        "artifactLocation": { "uri": path, "uriBaseId": "%SRCROOT%" },
                        "replacements": [{
                            "deletedRegion": { "byteOffset": start, "byteLength": end.saturating_sub(start) },
                            "insertedContent": { "text": edit.get("replacement").and_then(Value::as_str).unwrap_or("") },
                        }],
                    })
                };
                let mut changes = Vec::new();
                // A fix that changes only the other file has an empty edit here.
                let empty = fix.get("start_byte") == fix.get("end_byte")
                    && fix.get("replacement").and_then(Value::as_str) == Some("");
                if !empty {
                    changes.push(change(path, fix));
                }
                if let Some(other) = fix.get("elsewhere").and_then(Value::as_object) {
                    changes.push(change(other.get("path").and_then(Value::as_str).unwrap_or(""), other));
                }
                result["fixes"] = json!([{
                    "description": { "text": fix.get("title").and_then(Value::as_str).unwrap_or("fix") },
                    "artifactChanges": changes,
                }]);
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "newsmark",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://example.invalid/newsmark",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "originalUriBaseIds": { "%SRCROOT%": { "uri": "file:///" } },
            "results": results,
        }],
    })
}

/// Escapes workflow-command data (`%`, CR, LF), and for properties also
/// `:` and `,`, as GitHub's toolkit does.
fn escape(s: &str, property: bool) -> String {
    let mut out = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    if property {
        out = out.replace(':', "%3A").replace(',', "%2C");
    }
    out
}

/// One `::error file=…,line=…::message` line per finding.
pub fn github(findings: &[Value]) -> Vec<String> {
    findings
        .iter()
        .map(|f| {
            let command = match f["severity"].as_str() {
                Some("error") => "error",
                Some("warning") => "warning",
                _ => "notice",
            };
            let mut props = vec![format!(
                "file={}",
                escape(f["path"].as_str().unwrap_or(""), true)
            )];
            for (gh, key) in [
                ("line", "line"),
                ("col", "column"),
                ("endLine", "end_line"),
                ("endColumn", "end_column"),
            ] {
                if let Some(n) = f[key].as_u64() {
                    props.push(format!("{gh}={n}"));
                }
            }
            let code = f["code"].as_str().unwrap_or("");
            props.push(format!(
                "title={}",
                escape(&format!("newsmark {code}"), true)
            ));
            let mut message = f["message"].as_str().unwrap_or("").to_string();
            if let Some(h) = f["help"].as_str() {
                message.push_str(&format!("\nhelp: {h}"));
            }
            format!(
                "::{command} {}::{}",
                props.join(","),
                escape(&message, false)
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::sarif;

    fn changed_files(fix: serde_json::Value) -> Vec<String> {
        let finding = json!({
            "path": "b.news", "code": "unlinked-quote", "severity": "hint",
            "message": "m", "help": null, "fix": fix,
        });
        let log = sarif(&[finding]);
        log["runs"][0]["results"][0]["fixes"][0]["artifactChanges"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| {
                format!(
                    "{} {} {}",
                    c["artifactLocation"]["uri"],
                    c["replacements"][0]["deletedRegion"]["byteOffset"],
                    c["replacements"][0]["insertedContent"]["text"]
                )
            })
            .collect()
    }

    #[test]
    fn a_fix_in_two_files_changes_both_artifacts() {
        let other =
            json!({"path": "a.news", "replacement": " claim=x", "start_byte": 7, "end_byte": 7});
        assert_eq!(
            changed_files(json!({
                "title": "t", "replacement": " claim=x", "start_byte": 3, "end_byte": 3,
                "safe": false, "elsewhere": other,
            })),
            [r#""b.news" 3 " claim=x""#, r#""a.news" 7 " claim=x""#]
        );
        // Nothing to change in the finding's own file: only the other one.
        assert_eq!(
            changed_files(json!({
                "title": "t", "replacement": "", "start_byte": 3, "end_byte": 3,
                "safe": false, "elsewhere": other,
            })),
            [r#""a.news" 7 " claim=x""#]
        );
    }
}
