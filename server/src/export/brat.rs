//! brat standoff (also read by INCEpTION): `<name>.ann` next to
//! `<name>.txt`, offsets in Unicode code points into the `.txt`, end
//! exclusive (<https://brat.nlplab.org/standoff.html>).
//!
//! Per span, in document order:
//!
//! - `T<n>\t<Type> <start> <end>\t<covered text>`; a span whose text crosses
//!   a line break is written as brat's discontinuous form, one fragment per
//!   line (`0 5;6 11`), the covered text being the fragments joined by a
//!   space, as brat joins them;
//! - `A<n>\tAnon T<k>` and `A<n>\tFuture T<k>` for the `anon` and `future`
//!   flags;
//! - `N<n>\tReference T<k> Wikidata:<Q-id>\t<name>` for each `@id` whose
//!   registry entry has a `wikidata` id;
//! - `#<n>\tAnnotatorNotes T<k>\t<attributes>`: the rest of the attribute
//!   block as Newsmark writes it (`@prk #denial by=@x claim=no-arms-trade`).

use std::fmt::Write;

use super::{CharIndex, FLAG_ATTRIBUTES, LABELS, OutFile, fragments, is_line_break, items, notes};
use crate::corpus::Registry;
use crate::syntax::Document;

/// The `.ann` file of one document (which must have no syntax errors: its
/// article text is the `.txt`).
pub fn ann(doc: &Document, registry: &Registry) -> String {
    let text = &doc.plain.text;
    let index = CharIndex::new(text);
    let mut out = String::new();
    let (mut attributes, mut norms, mut comments) = (0, 0, 0);
    for item in items(doc, registry, &index) {
        let t = item.number;
        let frags = fragments(text, item.bytes.clone());
        let offsets: Vec<String> = frags
            .iter()
            .map(|f| format!("{} {}", index.chars(f.start), index.chars(f.end)))
            .collect();
        let covered: Vec<&str> = frags
            .iter()
            .map(|f| text.get(f.clone()).unwrap_or(""))
            .collect();
        let _ = writeln!(
            out,
            "T{t}\t{} {}\t{}",
            item.label,
            offsets.join(";"),
            covered.join(" ")
        );
        for (flag, name) in FLAG_ATTRIBUTES {
            if item.span.has_flag(flag) {
                attributes += 1;
                let _ = writeln!(out, "A{attributes}\t{name} T{t}");
            }
        }
        for e in &item.span.entities {
            let Some(entity) = registry.entities.get(&e.value) else {
                continue;
            };
            let Some(q) = entity
                .wikidata
                .as_deref()
                .map(str::trim)
                .filter(|q| !q.is_empty() && !q.contains(char::is_whitespace))
            else {
                continue;
            };
            norms += 1;
            let _ = writeln!(
                out,
                "N{norms}\tReference T{t} Wikidata:{q}\t{}",
                one_line(entity.display_name())
            );
        }
        let notes = notes(item.span);
        if !notes.is_empty() {
            comments += 1;
            let _ = writeln!(out, "#{comments}\tAnnotatorNotes T{t}\t{notes}");
        }
    }
    out
}

/// A registry string on one `.ann` line.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if is_line_break(c) { ' ' } else { c })
        .collect()
}

/// `annotation.conf`, `visual.conf` and `tools.conf` for the export folder.
pub fn config_files() -> Vec<OutFile> {
    vec![
        OutFile {
            name: "annotation.conf".into(),
            text: annotation_conf(),
        },
        OutFile {
            name: "visual.conf".into(),
            text: visual_conf(),
        },
        OutFile {
            name: "tools.conf".into(),
            text: TOOLS_CONF.into(),
        },
    ]
}

fn annotation_conf() -> String {
    let mut out = String::from(
        "# brat configuration written by `newsmark export --format brat`.\n\
         # Mentions are typed by the registry kind of their entity; the other\n\
         # types are the span kinds. See docs/export.md.\n\n[entities]\n",
    );
    for label in LABELS {
        out.push_str(label);
        out.push('\n');
    }
    out.push_str(
        "\n[relations]\n\
         # Spans nest (a mention inside a quote) and may cover the same text.\n\
         <OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n\
         \n[events]\n\n[attributes]\n",
    );
    for (_, name) in FLAG_ATTRIBUTES {
        let _ = writeln!(out, "{name}\tArg:<ENTITY>");
    }
    out
}

/// Colours for the types (one family for entities, one for statements).
const COLOURS: &[(&str, &str)] = &[
    ("Person", "#ffccaa"),
    ("Organization", "#8fb2ff"),
    ("Country", "#7fe2ff"),
    ("Place", "#6fffdf"),
    ("Outlet", "#e0ff00"),
    ("Event", "#ffe000"),
    ("Group", "#ff9ec2"),
    ("Mention", "#cccccc"),
    ("Quote", "#f6b26b"),
    ("Claim", "#ffd966"),
    ("Date", "#b4a7d6"),
    ("Quantity", "#a2c4c9"),
    ("Source", "#ea9999"),
    ("Span", "#eeeeee"),
];

fn visual_conf() -> String {
    let mut out = String::from(
        "# brat display settings written by `newsmark export --format brat`.\n\n[labels]\n",
    );
    out.push_str("Anon | Anonymous source\nFuture | Future date\n\n[drawing]\n");
    for (label, colour) in COLOURS {
        let _ = writeln!(out, "{label}\tbgColor:{colour}");
    }
    out.push_str("Anon\tglyph:?\nFuture\tglyph:*\n");
    out
}

const TOOLS_CONF: &str = "# brat tools written by `newsmark export --format brat`: the\n\
# Wikidata normalizations (`N` lines) link to the entity's page.\n\n\
[normalization]\n\
Wikidata\t<URL>:https://www.wikidata.org/, <URLBASE>:https://www.wikidata.org/wiki/%s\n";
