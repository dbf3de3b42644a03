//! Hover cards: an entity's card (name, kind, description, aliases, external
//! id, mentions across sources, quotes credited to it, first appearance); a
//! quote's wordings in other outlets; a date's resolution; a cited source.

use crate::corpus::name::ByName;
use std::collections::BTreeSet;

use super::{Target, article_label, claim_outlets, contains, outlet_of, target_at};
use crate::checks::FileRef;
use crate::checks::dates::{When, weekday_name};
use crate::checks::wording::{DiffPart, diff, normalise};
use crate::corpus::config::KEYS;
use crate::corpus::{Corpus, RefRole};
use crate::syntax::TextRange;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hover {
    pub range: TextRange,
    /// Markdown.
    pub markdown: String,
}

pub fn hover(corpus: &Corpus, file: FileRef, offset: usize) -> Option<Hover> {
    if file == FileRef::Config {
        return config_hover(corpus, offset);
    }
    let target = target_at(corpus, file, offset)?;
    let markdown = match &target {
        Target::Entity { id, .. } => entity_card(corpus, id)?,
        Target::Source { id, .. } => source_card(corpus, id)?,
        Target::Anchor { source, anchor, .. } => {
            let (i, span) = find_anchor(corpus, source, anchor)?;
            format!(
                "{}\n\n> {}",
                source_card(corpus, &corpus.articles[i].summary.id)?,
                span
            )
        }
        Target::Claim { name, .. } => claim_card(corpus, name, None),
        Target::Date { span, .. } => {
            let FileRef::Article(i) = file else {
                return None;
            };
            date_card(corpus, i, *span)
        }
        Target::Statement { span, .. } => {
            let FileRef::Article(i) = file else {
                return None;
            };
            let doc = corpus.articles[i].doc();
            let sp = &doc.spans[*span];
            match sp.property("claim") {
                Some(claim) => claim_card(corpus, &claim.value, Some((i, sp.range.clone()))),
                None => statement_card(corpus, sp),
            }
        }
    };
    Some(Hover {
        range: target.range().clone(),
        markdown,
    })
}

/// In `newsmark.toml`: on a rule under `[rules]` (its code or its
/// severity), the rule's card; on another key, what it does.
fn config_hover(corpus: &Corpus, offset: usize) -> Option<Hover> {
    use toml::de::{DeTable, DeValue};
    let (_, text) = corpus.file_text(FileRef::Config)?;
    let (table, _) = DeTable::parse_recoverable(&text);
    for (key, value) in table.get_ref().iter() {
        let name = key.get_ref().as_ref();
        if name == "rules"
            && let DeValue::Table(rules) = value.get_ref()
        {
            for (code, severity) in rules.iter() {
                if contains(&code.span(), offset) || contains(&severity.span(), offset) {
                    let rule = crate::checks::rule(code.get_ref().as_ref())?;
                    return Some(Hover {
                        range: code.span(),
                        markdown: rule_card(corpus, rule),
                    });
                }
            }
        }
        if contains(&key.span(), offset) {
            let k = KEYS.iter().find(|k| k.name == name)?;
            return Some(Hover {
                range: key.span(),
                markdown: key_card(corpus, k),
            });
        }
    }
    None
}

/// A rule: its code, summary, default and configured severity.
fn rule_card(corpus: &Corpus, rule: &crate::checks::Rule) -> String {
    let configured = match corpus.config.rules.get(rule.code) {
        Some(s) if *s == rule.severity => format!("`{}` (the default)", s.as_str()),
        Some(s) => format!("`{}`", s.as_str()),
        None => "not a valid severity, so the default applies".to_string(),
    };
    format!(
        "**rule `{}`**: {}\n\nDefault severity: `{}` · configured: {configured}\n\nSee docs/rules.md, section `{}`.",
        rule.code,
        rule.summary,
        rule.severity.as_str(),
        rule.code
    )
}

/// A key of `newsmark.toml`: what it does, its type, default and value.
fn key_card(corpus: &Corpus, key: &crate::corpus::config::Key) -> String {
    let list = |l: &[String]| format!("`{l:?}`");
    let c = &corpus.config;
    let value = match key.name {
        "extensions" => list(&c.extensions),
        "plain" => list(&c.plain),
        "exclude" => list(&c.exclude),
        "registry" => list(&c.registry),
        _ if c.rules.is_empty() => "no rule set".to_string(),
        _ => c
            .rules
            .iter()
            .map(|(code, s)| format!("`{code}` {}", s.as_str()))
            .collect::<Vec<_>>()
            .join(", "),
    };
    format!(
        "**`{}`**: {}\n\nType: {} · default: {}  \nIn effect: {value}\n\nSee docs/format.md, section Configuration.",
        key.name, key.summary, key.kind, key.default
    )
}

fn find_anchor(corpus: &Corpus, source: &str, anchor: &str) -> Option<(usize, String)> {
    let articles = corpus.index.sources.by_name(source)?;
    crate::corpus::places(articles).find_map(|i| {
        let a = &corpus.articles[i];
        if !a.summary.anchors.iter().any(|x| x.value == anchor) {
            return None;
        }
        a.doc()
            .spans
            .iter()
            .find(|s| s.anchors.iter().any(|x| x.value == anchor))
            .map(|s| (i, s.text.clone()))
    })
}

/// `published` as text, or "undated".
fn date_of(corpus: &Corpus, i: usize) -> String {
    corpus.articles[i]
        .summary
        .published
        .map_or_else(|| "undated".to_string(), |d| d.to_string())
}

pub fn entity_card(corpus: &Corpus, id: &str) -> Option<String> {
    let e = corpus.registry.entities.get(id);
    let mut out = String::new();
    match e {
        Some(e) => {
            out.push_str(&format!("**{}**", e.display_name()));
            if let Some(kind) = &e.kind {
                out.push_str(&format!(" · {kind}"));
            }
            if e.anon {
                out.push_str(" · anonymous");
            }
            out.push_str(&format!("  \n`@{id}`"));
            if let Some(w) = &e.wikidata {
                out.push_str(&format!(
                    " · Wikidata [{w}](https://www.wikidata.org/wiki/{w})"
                ));
            }
            out.push('\n');
            if let Some(d) = e.description.as_ref().or(e.role.as_ref()) {
                out.push_str(&format!("\n{d}\n"));
            }
            if !e.aka.is_empty() {
                out.push_str(&format!("\nAlso known as: {}\n", e.aka.join(", ")));
            }
        }
        None => out.push_str(&format!("**@{id}** · not in the registry\n")),
    }
    let uses = corpus
        .index
        .entity_uses
        .by_name(id)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let mentions = crate::corpus::uses(uses)
        .filter(|&(i, j)| corpus.articles[i].summary.refs[j].role == RefRole::Mention)
        .count();
    let sources: BTreeSet<usize> = crate::corpus::uses(uses).map(|(i, _)| i).collect();
    out.push_str(&format!(
        "\n{mentions} mention{}; referred to in {} source{}\n",
        if mentions == 1 { "" } else { "s" },
        sources.len(),
        if sources.len() == 1 { "" } else { "s" }
    ));
    // Only articles where the id is a speaker (`by=`) can credit it.
    let speaking: BTreeSet<usize> = crate::corpus::uses(uses)
        .filter(|&(i, j)| corpus.articles[i].summary.refs[j].role == RefRole::Speaker)
        .map(|(i, _)| i)
        .collect();
    let quotes: Vec<(usize, &str)> = speaking
        .into_iter()
        .flat_map(|i| {
            corpus.articles[i]
                .summary
                .statements
                .iter()
                .filter(|s| s.by.as_deref().map(|b| b.trim_start_matches('@')) == Some(id))
                .map(move |s| (i, &*s.text))
        })
        .collect();
    if !quotes.is_empty() {
        out.push_str(&format!(
            "\nCredited with {} statement{}:\n",
            quotes.len(),
            if quotes.len() == 1 { "" } else { "s" }
        ));
        for (i, q) in quotes.iter().take(5) {
            out.push_str(&format!(
                "- {} ({})\n",
                q.trim(),
                outlet_of(corpus, *i).unwrap_or_else(|| article_label(corpus, *i))
            ));
        }
    }
    let first = sources
        .iter()
        .filter(|&&i| corpus.articles[i].summary.published.is_some())
        .min_by_key(|&&i| corpus.articles[i].summary.published);
    if let Some(&i) = first {
        out.push_str(&format!(
            "\nFirst appearance: {}, {} ({})\n",
            outlet_of(corpus, i).unwrap_or_else(|| "unknown outlet".into()),
            date_of(corpus, i),
            article_label(corpus, i)
        ));
    }
    Some(out)
}

fn source_card(corpus: &Corpus, id: &str) -> Option<String> {
    let i = *corpus.index.sources.by_name(id)?.first()? as usize;
    let doc = corpus.articles[i].doc();
    let fm = doc.front_matter.as_ref();
    let mut out = format!(
        "**{}**  \n{} · {} · `{id}`\n",
        article_label(corpus, i),
        outlet_of(corpus, i).unwrap_or_else(|| "unknown outlet".into()),
        date_of(corpus, i)
    );
    if let Some(url) = fm.and_then(|f| f.url.as_ref()) {
        out.push_str(&format!("\n<{}>\n", url.value));
    }
    Some(out)
}

/// A claim: its registry text, then each outlet's wording, first appearance
/// first; `current` is the statement under the cursor.
fn claim_card(corpus: &Corpus, name: &str, current: Option<(usize, TextRange)>) -> String {
    let mut out = format!("**claim `{name}`**\n");
    if let Some(c) = corpus.registry.claims.get(name)
        && let Some(t) = &c.text
    {
        out.push_str(&format!("\n{t}\n"));
    }
    let mut wordings: Vec<(Option<jiff::civil::Date>, usize, &str, bool)> = Vec::new();
    for i in crate::corpus::places(corpus.index.claim_uses(name)) {
        for s in &corpus.articles[i].summary.statements {
            if s.claim.as_ref().is_some_and(|c| c.value == name) {
                let here = current
                    .as_ref()
                    .is_some_and(|(ci, r)| *ci == i && *r == s.range);
                wordings.push((corpus.articles[i].summary.published, i, &s.text, here));
            }
        }
    }
    wordings.sort_by_key(|(d, i, _, _)| (d.is_none(), *d, *i));
    // Outlets, not articles: two stories of one outlet count once (as the
    // code lens counts).
    let outlets = claim_outlets(corpus, name).len();
    out.push_str(&format!(
        "\nCarried by {outlets} outlet{}:\n",
        if outlets == 1 { "" } else { "s" }
    ));
    for (n, (_, i, text, here)) in wordings.iter().enumerate() {
        out.push_str(&format!(
            "- {}{}, {}{}: {}\n",
            if *here { "(this) " } else { "" },
            outlet_of(corpus, *i).unwrap_or_else(|| article_label(corpus, *i)),
            date_of(corpus, *i),
            if n == 0 { " (first)" } else { "" },
            text.trim()
        ));
    }
    // The word differences of the wording under the cursor from the first.
    if let (Some((_, fi, first, _)), Some((_, _, this, _))) =
        (wordings.first(), wordings.iter().find(|w| w.3))
        && !std::ptr::eq(*first, *this)
        && normalise(first) != normalise(this)
    {
        let d = diff(first, this);
        let shown: String = d
            .iter()
            .map(|p| match p {
                DiffPart::Same(s) => s.clone(),
                DiffPart::Removed(s) => format!("~~{}~~ ", s.trim()),
                DiffPart::Added(s) => format!("**{}** ", s.trim()),
            })
            .collect();
        out.push_str(&format!(
            "\nDiffers from the first appearance ({}): {}\n",
            outlet_of(corpus, *fi).unwrap_or_else(|| article_label(corpus, *fi)),
            shown.trim()
        ));
    }
    out
}

/// A quote or claim with no `claim=`: who said it, through whom, from where.
fn statement_card(corpus: &Corpus, sp: &crate::syntax::Span) -> String {
    let name = |v: &str| {
        let id = v.trim_start_matches('@');
        corpus
            .registry
            .entities
            .get(id)
            .map_or_else(|| v.to_string(), |e| e.display_name().to_string())
    };
    let mut out = format!("**{}**", sp.kind().unwrap_or("quote"));
    if let Some(by) = sp.property("by") {
        out.push_str(&format!(" by {}", name(&by.value)));
    }
    if let Some(via) = sp.property("via") {
        out.push_str(&format!(", via {}", name(&via.value)));
    }
    if let Some(src) = sp.property("src") {
        out.push_str(&format!("  \ntaken from `{}`", src.value));
    }
    out.push_str("\n\nNo `claim=`: add one to compare this statement with other outlets.");
    out
}

fn date_card(corpus: &Corpus, i: usize, span: usize) -> String {
    let a = &corpus.articles[i];
    let sp = &a.doc().spans[span];
    let Some(when) = sp.property("when").filter(|w| !w.value.is_empty()) else {
        return format!("**{}** · not resolved: add `when=`", sp.text.trim());
    };
    let Some(parsed) = When::parse(&when.value) else {
        return format!(
            "**{}** · `when={}` is not a date",
            sp.text.trim(),
            when.value
        );
    };
    let mut out = format!("**{}** → `{}`", sp.text.trim(), when.value);
    if let When::Day(d) = parsed {
        out.push_str(&format!(", a {}", weekday_name(d.weekday())));
        if let Some(p) = a.summary.published {
            let days = (d - p).get_days();
            let rel = match days {
                0 => "the day of publication".to_string(),
                n if n < 0 => format!(
                    "{} day{} before publication ({p})",
                    -n,
                    if n == -1 { "" } else { "s" }
                ),
                n => format!(
                    "{n} day{} after publication ({p})",
                    if n == 1 { "" } else { "s" }
                ),
            };
            out.push_str(&format!("  \n{rel}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::hover;
    use crate::ide::test_support::fixture;

    fn check(text: &str, expected: Expect) {
        let (corpus, file, offset) = fixture(text);
        let h = hover(&corpus, file, offset);
        expected.assert_eq(&h.map_or("no hover".into(), |h| {
            format!("{:?}\n{}", h.range, h.markdown)
        }));
    }

    const CORPUS: &str = r#"//- /manila.news
+++
id = "manila"
outlet = "@manila-times"
published = 2022-09-22
+++
[North Korea]{@prk} said on [Thursday]{.date when=2022-09-22}: [“we will not plan to export them,”]{.quote #denial by=@prk-mnd-official claim=no-arms-exports}
//- /bbc.news
+++
id = "bbc"
outlet = "@bbc"
published = 2022-09-23
title = "North Korea denies"
+++
[Pyongyang]{@prk}: [“we will have no plan to export them.”]{.quote by=@prk-mnd-official src=manila#denial claim=no-arms-exports}
//- /entities.toml
[prk]
kind = "country"
name = "North Korea"
aka = ["DPRK", "Pyongyang"]
wikidata = "Q423"
description = "Country in East Asia."
[prk-mnd-official]
kind = "person"
anon = true
name = "Unnamed defence ministry official"
[manila-times]
kind = "outlet"
name = "The Manila Times"
[bbc]
kind = "outlet"
name = "BBC News"
[claims.no-arms-exports]
text = "North Korea has never exported weapons to Russia."
author = "@prk"
"#;

    #[test]
    fn entity_card_on_a_mention() {
        check(
            &CORPUS.replace("[North Korea]", "[North $0Korea]"),
            expect![[r#"
            71..82
            **North Korea** · country  
            `@prk` · Wikidata [Q423](https://www.wikidata.org/wiki/Q423)

            Country in East Asia.

            Also known as: DPRK, Pyongyang

            2 mentions; referred to in 2 sources

            First appearance: The Manila Times, 2022-09-22 (manila)
        "#]],
        );
    }

    #[test]
    fn speaker_card_lists_quotes() {
        check(
            &CORPUS.replace("by=@prk-mnd-official claim", "by=@prk-$0mnd-official claim"),
            expect![[r#"
            193..209
            **Unnamed defence ministry official** · person · anonymous  
            `@prk-mnd-official`

            0 mentions; referred to in 2 sources

            Credited with 2 statements:
            - “we will not plan to export them,” (The Manila Times)
            - “we will have no plan to export them.” (BBC News)

            First appearance: The Manila Times, 2022-09-22 (manila)
        "#]],
        );
    }

    #[test]
    fn quote_shows_other_wordings() {
        check(
            &CORPUS.replace("[“we will have", "[“we $0will have"),
            expect![[r#"
                106..219
                **claim `no-arms-exports`**

                North Korea has never exported weapons to Russia.

                Carried by 2 outlets:
                - The Manila Times, 2022-09-22 (first): “we will not plan to export them,”
                - (this) BBC News, 2022-09-23: “we will have no plan to export them.”

                Differs from the first appearance (The Manila Times): we will ~~not~~ **have no** plan to export them.
            "#]],
        );
    }

    #[test]
    fn claim_counts_outlets_not_articles() {
        // A second BBC story with the same claim: three wordings, two outlets.
        check(
            &format!(
                "{}//- /bbc2.news\n+++\nid = \"bbc2\"\noutlet = \"@bbc\"\npublished = 2022-09-24\n+++\n[“we will have no plan to export them”]{{.quote by=@prk-mnd-official claim=no-arms-exports}}\n",
                CORPUS.replace("[“we will have", "[“we $0will have")
            ),
            expect![[r#"
                106..219
                **claim `no-arms-exports`**

                North Korea has never exported weapons to Russia.

                Carried by 2 outlets:
                - The Manila Times, 2022-09-22 (first): “we will not plan to export them,”
                - (this) BBC News, 2022-09-23: “we will have no plan to export them.”
                - BBC News, 2022-09-24: “we will have no plan to export them”

                Differs from the first appearance (The Manila Times): we will ~~not~~ **have no** plan to export them.
            "#]],
        );
    }

    #[test]
    fn date_resolution() {
        check(
            &CORPUS.replace("[Thursday]", "[Thurs$0day]"),
            expect![[r#"
            98..131
            **Thursday** → `2022-09-22`, a Thursday  
            the day of publication"#]],
        );
    }

    #[test]
    fn cited_source() {
        check(
            &CORPUS.replace("src=manila#denial", "src=man$0ila#denial"),
            expect![[r#"
            183..189
            **manila**  
            The Manila Times · 2022-09-22 · `manila`
        "#]],
        );
    }

    #[test]
    fn quote_without_claim_shows_its_attribution() {
        check(
            &CORPUS.replace(
                "[Pyongyang]{@prk}:",
                "[Pyongyang]{@prk}: [“we w$0on’t”]{.quote by=@prk-mnd-official via=@bbc}",
            ),
            expect![[r#"
            106..162
            **quote** by Unnamed defence ministry official, via BBC News

            No `claim=`: add one to compare this statement with other outlets."#]],
        );
    }

    #[test]
    fn plain_text_has_no_hover() {
        check(&CORPUS.replace("said on", "sa$0id on"), expect!["no hover"]);
    }

    const CONFIG: &str = "//- /a.news\nText.\n//- /newsmark.toml\nextensions = [\"news\", \".md\"]\nexclude = \"drafts/\"\n\n[rules]\nanonymous-source = \"off\"\nunused-entity = \"hint\"\nno-such-rule = \"off\"\n";

    #[test]
    fn config_rule_name_shows_the_rule_and_its_severities() {
        check(
            &CONFIG.replace("anonymous-source =", "anonymous-$0source ="),
            expect![[r#"
                58..74
                **rule `anonymous-source`**: a claim sourced to an unnamed person

                Default severity: `info` · configured: `off`

                See docs/rules.md, section `anonymous-source`."#]],
        );
    }

    #[test]
    fn config_rule_severity_shows_the_rule() {
        check(
            &CONFIG.replace("\"hint\"", "\"h$0int\""),
            expect![[r#"
                83..96
                **rule `unused-entity`**: a registry entry nothing refers to

                Default severity: `hint` · configured: `hint` (the default)

                See docs/rules.md, section `unused-entity`."#]],
        );
    }

    #[test]
    fn config_rule_with_a_bad_severity_keeps_its_default() {
        check(
            &CONFIG.replace(
                "anonymous-source = \"off\"",
                "anonymous-$0source = \"loud\"",
            ),
            expect![[r#"
                58..74
                **rule `anonymous-source`**: a claim sourced to an unnamed person

                Default severity: `info` · configured: not a valid severity, so the default applies

                See docs/rules.md, section `anonymous-source`."#]],
        );
    }

    #[test]
    fn config_unknown_rule_has_no_hover() {
        check(&CONFIG.replace("no-such", "no-$0such"), expect!["no hover"]);
    }

    #[test]
    fn config_key_shows_what_it_does_and_its_value() {
        check(
            &CONFIG.replace("extensions =", "exten$0sions ="),
            expect![[r#"
                0..10
                **`extensions`**: Extensions of the annotated articles a folder walk picks up.

                Type: string or list of strings; a leading dot is ignored · default: `["news"]`  
                In effect: `["news", "md"]`

                See docs/format.md, section Configuration."#]],
        );
    }

    #[test]
    fn config_rules_table_header_shows_what_it_does() {
        check(
            &CONFIG.replace("[rules]", "[ru$0les]"),
            expect![[r#"
            51..56
            **`rules`**: The severity of each rule: off, hint, info, warning or error.

            Type: table of `rule-code = "severity"` · default: each rule's default (docs/rules.md)  
            In effect: `anonymous-source` off, `unused-entity` hint

            See docs/format.md, section Configuration."#]],
        );
    }

    #[test]
    fn config_blank_line_has_no_hover() {
        check(
            &CONFIG.replace("\n\n[rules]", "\n$0\n[rules]"),
            expect!["no hover"],
        );
    }
}
