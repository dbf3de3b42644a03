//! `import` turns scraped text into a `.news` document (escaping what would
//! read as markup, adding a front-matter skeleton); `strip` gives the article
//! text back, byte for byte.

use super::{SyntaxError, parse};

/// The article text of a Newsmark document: front matter and markup removed,
/// escapes resolved, the original side of every correction kept.
///
/// A document with syntax errors has no single reading, so it is refused with
/// its errors rather than guessed at.
pub fn strip(text: &str) -> Result<String, Vec<SyntaxError>> {
    let doc = parse(text);
    if doc.errors.is_empty() {
        Ok(doc.plain.text)
    } else {
        Err(doc.errors)
    }
}

/// Escapes scraped `raw` text so that it parses as article text only, and
/// puts a front-matter skeleton on top. `stem` becomes the source id.
pub fn import(raw: &str, stem: &str) -> String {
    let nl = if raw.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out = String::with_capacity(raw.len() + 256);
    out.push_str("+++");
    out.push_str(nl);
    push_kv(&mut out, "id", stem, nl);
    if let Some(title) = raw.lines().map(str::trim).find(|l| !l.is_empty()) {
        push_kv(&mut out, "title", title, nl);
    }
    match find_iso_date(raw) {
        Some(date) => {
            out.push_str("published = ");
            out.push_str(date);
            out.push_str(nl);
        }
        None => {
            out.push_str("# published = 2022-09-22");
            out.push_str(nl);
        }
    }
    out.push_str("# outlet = \"@outlet-id\"");
    out.push_str(nl);
    out.push_str("# url = \"https://…\"");
    out.push_str(nl);
    push_kv(&mut out, "lang", "en", nl);
    out.push_str("+++");
    out.push_str(nl);
    escape_into(raw, &mut out);
    out
}

fn push_kv(out: &mut String, key: &str, value: &str, nl: &str) {
    out.push_str(key);
    out.push_str(" = ");
    // `toml` quotes and escapes the string exactly as TOML wants it.
    out.push_str(&toml::Value::String(value.to_string()).to_string());
    out.push_str(nl);
}

/// A line holding only an ISO date among the first five lines (the layout of
/// wire-service dumps: title, date, blank, body).
fn find_iso_date(raw: &str) -> Option<&str> {
    raw.lines()
        .take(5)
        .map(str::trim)
        .find(|l| l.len() == 10 && jiff::civil::Date::strptime("%Y-%m-%d", l).is_ok())
}

/// Escapes `[`, `]` and `\` everywhere, and `{` where it would open
/// CriticMarkup.
pub fn escape_into(raw: &str, out: &mut String) {
    let bytes = raw.as_bytes();
    for (i, c) in raw.char_indices() {
        match c {
            '[' | ']' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '{' => {
                let next = bytes.get(i + 1..i + 3);
                if matches!(next, Some(b"~~" | b">>" | b"==" | b"++" | b"--")) {
                    out.push('\\');
                }
                out.push('{');
            }
            _ => out.push(c),
        }
    }
}
