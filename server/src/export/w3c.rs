//! W3C Web Annotation JSON-LD (<https://www.w3.org/TR/annotation-model/>):
//! one AnnotationCollection per article, `<name>.jsonld`, holding one
//! Annotation per span in document order.
//!
//! - `id`: relative IRIs, `<name>.jsonld` for the collection and
//!   `<name>.jsonld#anno-<n>` for the annotation of span `n` (the same `n` as
//!   brat's `T<n>`).
//! - `motivation`: `identifying` for mentions, `describing` for `.quote` and
//!   `.claim`, `tagging` for the rest.
//! - `body`: a tag with the type (`Country`, `Quote`…); one `identifying`
//!   body per `@id`, the Wikidata entity when the registry has one, else the
//!   entity's name; for statements, dates, quantities and sources a sentence
//!   describing them; and one tag per remaining attribute as Newsmark writes
//!   it (`by=@prk`, `claim=no-arms-trade`, `#denial`, `anon`).
//! - `target`: the article's `url` from the front matter, else the relative
//!   IRI `<name>.txt`, with a TextPositionSelector (code points into the
//!   article text) and a TextQuoteSelector (the exact text with up to 32
//!   characters of context on each side).

use serde_json::{Value, json};

use super::{Attr, CharIndex, Item, attrs, items, kind_is_labelled, wikidata_iri};
use crate::corpus::Registry;
use crate::syntax::{Document, Span};

/// The `@context` of every collection and annotation.
pub const CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";

/// Characters of context in a TextQuoteSelector's `prefix` and `suffix`.
pub const CONTEXT_CHARS: usize = 32;

/// The AnnotationCollection of one document (which must have no syntax
/// errors: its article text is `<name>.txt`). `source_id` labels it when the
/// front matter has no title.
pub fn collection(doc: &Document, registry: &Registry, name: &str, source_id: &str) -> Value {
    let text = &doc.plain.text;
    let index = CharIndex::new(text);
    let fm = doc.front_matter.as_ref();
    let source = fm
        .and_then(|f| f.url.as_ref())
        .map(|u| u.value.trim())
        .filter(|u| !u.is_empty())
        .map_or_else(|| format!("{name}.txt"), str::to_string);
    let label = fm
        .and_then(|f| f.title.as_ref())
        .map_or(source_id, |t| t.value.as_str());
    let id = format!("{name}.jsonld");
    let annotations: Vec<Value> = items(doc, registry, &index)
        .iter()
        .map(|item| annotation(item, text, &index, registry, &id, &source))
        .collect();
    let mut value = json!({
        "@context": CONTEXT,
        "id": id,
        "type": "AnnotationCollection",
        "label": label,
        "total": annotations.len(),
    });
    if !annotations.is_empty() {
        value["first"] = json!({
            "id": format!("{id}#page-1"),
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": annotations,
        });
    }
    value
}

fn annotation(
    item: &Item,
    text: &str,
    index: &CharIndex,
    registry: &Registry,
    collection: &str,
    source: &str,
) -> Value {
    let span = item.span;
    let motivation = match span.kind() {
        Some("quote" | "claim") => "describing",
        None if !span.entities.is_empty() => "identifying",
        _ => "tagging",
    };
    let mut body = vec![tag(item.label)];
    for e in &span.entities {
        let entity = registry.entities.get(&e.value);
        match entity.and_then(|e| e.wikidata.as_deref()).map(str::trim) {
            Some(q) if !q.is_empty() && !q.contains(char::is_whitespace) => body.push(json!({
                "type": "SpecificResource",
                "purpose": "identifying",
                "source": wikidata_iri(q),
            })),
            _ => body.push(json!({
                "type": "TextualBody",
                "purpose": "identifying",
                "value": entity.map_or(e.value.as_str(), |e| e.display_name()),
            })),
        }
    }
    if let Some(description) = describe(span, item.label, registry) {
        body.push(json!({
            "type": "TextualBody",
            "purpose": "describing",
            "format": "text/plain",
            "language": "en",
            "value": description,
        }));
    }
    let labelled = kind_is_labelled(span);
    for attr in attrs(span) {
        if matches!(attr, Attr::Kind(_)) && labelled {
            continue;
        }
        body.push(tag(&attr.render()));
    }

    let exact = text.get(item.bytes.clone()).unwrap_or("");
    let before = index.byte(item.chars.start.saturating_sub(CONTEXT_CHARS));
    let after = index.byte(item.chars.end + CONTEXT_CHARS);
    let mut quote = json!({"type": "TextQuoteSelector", "exact": exact});
    let prefix = text.get(before..item.bytes.start).unwrap_or("");
    if !prefix.is_empty() {
        quote["prefix"] = json!(prefix);
    }
    let suffix = text.get(item.bytes.end..after).unwrap_or("");
    if !suffix.is_empty() {
        quote["suffix"] = json!(suffix);
    }
    json!({
        "@context": CONTEXT,
        "id": format!("{collection}#anno-{}", item.number),
        "type": "Annotation",
        "motivation": motivation,
        "body": body,
        "target": {
            "source": source,
            "selector": [
                {
                    "type": "TextPositionSelector",
                    "start": item.chars.start,
                    "end": item.chars.end,
                },
                quote,
            ],
        },
    })
}

fn tag(value: &str) -> Value {
    json!({"type": "TextualBody", "purpose": "tagging", "value": value})
}

/// A sentence for people: who said it, which day, how many.
fn describe(span: &Span, label: &str, registry: &Registry) -> Option<String> {
    let name = |v: &str| -> String {
        match v.strip_prefix('@') {
            Some(id) => registry
                .entities
                .get(id)
                .map_or(id, |e| e.display_name())
                .to_string(),
            None => v.to_string(),
        }
    };
    let prop = |key: &str| span.property(key).map(|v| v.value.as_str());
    let mut out = label.to_string();
    match span.kind()? {
        "quote" | "claim" => {
            if let Some(by) = prop("by") {
                out.push_str(&format!(" by {}", name(by)));
            }
            if let Some(via) = prop("via") {
                out.push_str(&format!(" via {}", name(via)));
            }
            if let Some(src) = prop("src") {
                out.push_str(&format!(", taken from {src}"));
            }
            if let Some(claim) = prop("claim") {
                out.push_str(&format!("; claim {claim}"));
                if let Some(text) = registry.claims.get(claim).and_then(|c| c.text.as_deref()) {
                    out.push_str(&format!(": {text}"));
                }
            }
        }
        "date" => match prop("when").filter(|w| !w.is_empty()) {
            Some(when) => out.push_str(&format!(": {when}")),
            None => out.push_str(", not resolved"),
        },
        "qty" => {
            for (key, sep) in [("n", ": "), ("unit", " "), ("of", " of ")] {
                if let Some(v) = prop(key) {
                    out.push_str(sep);
                    out.push_str(v);
                }
            }
            if let Some(fact) = prop("fact") {
                out.push_str(&format!("; fact {fact}"));
            }
        }
        "src" => {
            let names: Vec<String> = span
                .entities
                .iter()
                .map(|e| name(&format!("@{}", e.value)))
                .collect();
            if !names.is_empty() {
                out.push_str(&format!(": {}", names.join(", ")));
            }
        }
        _ => return None,
    }
    if span.has_flag("anon") {
        out.push_str(" (anonymous)");
    }
    if span.has_flag("future") {
        out.push_str(" (future)");
    }
    Some(out)
}
