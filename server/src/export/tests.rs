use std::path::{Path, PathBuf};

use expect_test::{Expect, expect};

use super::*;
use crate::corpus::Corpus;

const REGISTRY: &str = r#"
[seoul]
kind = "place"
name = "Seoul"
wikidata = "Q8684"

[prk]
kind = "country"
name = "North Korea"
wikidata = "Q423"

[kcna]
kind = "outlet"
name = "Korean Central News Agency"

[prk-official]
kind = "person"
anon = true
name = "Unnamed official"

[claims.no-arms]
text = "North Korea sells no arms."
"#;

/// Korean and emoji before the spans (code points ≠ bytes), curly quotes,
/// nesting, a correction and an escape inside the text, a span across a
/// line break, an unknown entity, an unknown kind, a span with neither.
const ARTICLE: &str = "+++
id = \"seoul/서울 1\"
title = \"Seoul 😀 test\"
+++
[서울]{@seoul} 😀 [“We [North Korea]{@prk} deny,”]{.quote #denial by=@prk via=@kcna claim=no-arms} said [an official 🙂]{.src @prk-official anon}.
On [Tuesday]{.date when=2022-11-08 future} [300,000]{.qty n=300000 of=\"artillery shells\" fact=f} [the {~~src950s~>1950s~~}]{.date when=1950s} \\[sic\\] [first line
second]{.claim by=@ghost} [x]{@nobody} [y]{allow=garbled-token} [z]{.gossip}
";

fn corpus(article: &str) -> Corpus {
    let root = PathBuf::from("/corpus");
    Corpus::from_files(
        &root,
        vec![
            (root.join("entities.toml"), REGISTRY.to_string()),
            (root.join("a.news"), article.to_string()),
        ],
    )
}

/// Every file of an export, name and content.
fn check_export(article: &str, format: Format, expected: Expect) {
    let corpus = corpus(article);
    let export = export(&corpus, format, None);
    let mut out = String::new();
    for f in &export.files {
        if f.name.ends_with(".conf") {
            out.push_str(&format!("== {}\n", f.name));
            continue;
        }
        out.push_str(&format!("== {}\n{}", f.name, f.text));
        if !f.text.ends_with('\n') {
            out.push_str("⏎\n");
        }
    }
    for s in &export.skipped {
        out.push_str(&format!(
            "skipped {} ({} error(s)): {}\n",
            s.path.display(),
            s.count,
            s.first.message
        ));
    }
    expected.assert_eq(&out);
}

#[test]
fn brat_offsets_are_code_points_and_line_breaks_split_spans() {
    check_export(
        ARTICLE,
        Format::Brat,
        expect![[r#"
        == seoul____1.txt
        서울 😀 “We North Korea deny,” said an official 🙂.
        On Tuesday 300,000 the src950s [sic] first line
        second x y z
        == seoul____1.ann
        T1	Place 0 2	서울
        N1	Reference T1 Wikidata:Q8684	Seoul
        #1	AnnotatorNotes T1	@seoul
        T2	Quote 5 27	“We North Korea deny,”
        #2	AnnotatorNotes T2	#denial by=@prk via=@kcna claim=no-arms
        T3	Country 9 20	North Korea
        N2	Reference T3 Wikidata:Q423	North Korea
        #3	AnnotatorNotes T3	@prk
        T4	Source 33 46	an official 🙂
        A1	Anon T4
        #4	AnnotatorNotes T4	@prk-official
        T5	Date 51 58	Tuesday
        A2	Future T5
        #5	AnnotatorNotes T5	when=2022-11-08
        T6	Quantity 59 66	300,000
        #6	AnnotatorNotes T6	n=300000 of="artillery shells" fact=f
        T7	Date 67 78	the src950s
        #7	AnnotatorNotes T7	when=1950s
        T8	Claim 85 95;96 102	first line second
        #8	AnnotatorNotes T8	by=@ghost
        T9	Mention 103 104	x
        #9	AnnotatorNotes T9	@nobody
        T10	Span 105 106	y
        #10	AnnotatorNotes T10	allow=garbled-token
        T11	Span 107 108	z
        #11	AnnotatorNotes T11	.gossip
        == annotation.conf
        == visual.conf
        == tools.conf
    "#]],
    );
}

#[test]
fn brat_covered_text_is_the_txt_at_the_offsets() {
    let corpus = corpus(ARTICLE);
    let article = &corpus.articles[0];
    let ann = brat::ann(&article.doc(), &corpus.registry);
    let chars: Vec<char> = article.doc().plain.text.chars().collect();
    let mut checked = 0;
    for line in ann.lines().filter(|l| l.starts_with('T')) {
        let mut fields = line.splitn(3, '\t');
        let (_, data, covered) = (fields.next(), fields.next(), fields.next());
        let (Some(data), Some(covered)) = (data, covered) else {
            panic!("bad line {line:?}");
        };
        let offsets = data.split_once(' ').map_or("", |(_, o)| o);
        let pieces: Vec<String> = offsets
            .split(';')
            .map(|f| {
                let (s, e) = f.split_once(' ').expect("start end");
                let (s, e): (usize, usize) = (s.parse().expect("start"), e.parse().expect("end"));
                chars[s..e].iter().collect()
            })
            .collect();
        assert_eq!(pieces.join(" "), covered, "{line}");
        checked += 1;
    }
    assert_eq!(checked, article.doc().spans.len());
}

#[test]
fn w3c_collection() {
    check_export(
        "+++\nid = \"ap\"\nurl = \"https://apnews.com/x\"\n+++\n한국 [“Tuesday”]{.date when=2022-11-08} and [North Korea]{@prk #nk} [say\nso]{.claim by=@prk-official}\n",
        Format::W3c,
        expect![[r##"
            == ap.txt
            한국 “Tuesday” and North Korea say
            so
            == ap.jsonld
            {
              "@context": "http://www.w3.org/ns/anno.jsonld",
              "first": {
                "id": "ap.jsonld#page-1",
                "items": [
                  {
                    "@context": "http://www.w3.org/ns/anno.jsonld",
                    "body": [
                      {
                        "purpose": "tagging",
                        "type": "TextualBody",
                        "value": "Date"
                      },
                      {
                        "format": "text/plain",
                        "language": "en",
                        "purpose": "describing",
                        "type": "TextualBody",
                        "value": "Date: 2022-11-08"
                      },
                      {
                        "purpose": "tagging",
                        "type": "TextualBody",
                        "value": "when=2022-11-08"
                      }
                    ],
                    "id": "ap.jsonld#anno-1",
                    "motivation": "tagging",
                    "target": {
                      "selector": [
                        {
                          "end": 12,
                          "start": 3,
                          "type": "TextPositionSelector"
                        },
                        {
                          "exact": "“Tuesday”",
                          "prefix": "한국 ",
                          "suffix": " and North Korea say\nso\n",
                          "type": "TextQuoteSelector"
                        }
                      ],
                      "source": "https://apnews.com/x"
                    },
                    "type": "Annotation"
                  },
                  {
                    "@context": "http://www.w3.org/ns/anno.jsonld",
                    "body": [
                      {
                        "purpose": "tagging",
                        "type": "TextualBody",
                        "value": "Country"
                      },
                      {
                        "purpose": "identifying",
                        "source": "http://www.wikidata.org/entity/Q423",
                        "type": "SpecificResource"
                      },
                      {
                        "purpose": "tagging",
                        "type": "TextualBody",
                        "value": "@prk"
                      },
                      {
                        "purpose": "tagging",
                        "type": "TextualBody",
                        "value": "#nk"
                      }
                    ],
                    "id": "ap.jsonld#anno-2",
                    "motivation": "identifying",
                    "target": {
                      "selector": [
                        {
                          "end": 28,
                          "start": 17,
                          "type": "TextPositionSelector"
                        },
                        {
                          "exact": "North Korea",
                          "prefix": "한국 “Tuesday” and ",
                          "suffix": " say\nso\n",
                          "type": "TextQuoteSelector"
                        }
                      ],
                      "source": "https://apnews.com/x"
                    },
                    "type": "Annotation"
                  },
                  {
                    "@context": "http://www.w3.org/ns/anno.jsonld",
                    "body": [
                      {
                        "purpose": "tagging",
                        "type": "TextualBody",
                        "value": "Claim"
                      },
                      {
                        "format": "text/plain",
                        "language": "en",
                        "purpose": "describing",
                        "type": "TextualBody",
                        "value": "Claim by Unnamed official"
                      },
                      {
                        "purpose": "tagging",
                        "type": "TextualBody",
                        "value": "by=@prk-official"
                      }
                    ],
                    "id": "ap.jsonld#anno-3",
                    "motivation": "describing",
                    "target": {
                      "selector": [
                        {
                          "end": 35,
                          "start": 29,
                          "type": "TextPositionSelector"
                        },
                        {
                          "exact": "say\nso",
                          "prefix": "한국 “Tuesday” and North Korea ",
                          "suffix": "\n",
                          "type": "TextQuoteSelector"
                        }
                      ],
                      "source": "https://apnews.com/x"
                    },
                    "type": "Annotation"
                  }
                ],
                "startIndex": 0,
                "type": "AnnotationPage"
              },
              "id": "ap.jsonld",
              "label": "ap",
              "total": 3,
              "type": "AnnotationCollection"
            }
        "##]],
    );
}

#[test]
fn w3c_selectors_match_the_text() {
    let corpus = corpus(ARTICLE);
    let article = &corpus.articles[0];
    let value = w3c::collection(&article.doc(), &corpus.registry, "a", "a");
    let chars: Vec<char> = article.doc().plain.text.chars().collect();
    let items = value["first"]["items"].as_array().expect("items");
    assert_eq!(items.len(), article.doc().spans.len());
    for item in items {
        let selectors = item["target"]["selector"].as_array().expect("selectors");
        let start = selectors[0]["start"].as_u64().expect("start") as usize;
        let end = selectors[0]["end"].as_u64().expect("end") as usize;
        let exact: String = chars[start..end].iter().collect();
        assert_eq!(selectors[1]["exact"], exact.as_str());
        let prefix = selectors[1]["prefix"].as_str().unwrap_or("");
        let prefix_chars: String = chars[start - prefix.chars().count()..start]
            .iter()
            .collect();
        assert_eq!(prefix, prefix_chars);
        assert!(prefix.chars().count() <= w3c::CONTEXT_CHARS);
        assert_eq!(item["target"]["source"], "a.txt");
    }
}

#[test]
fn articles_with_syntax_errors_are_skipped() {
    check_export(
        "[North Korea]{@prk} said [it.\n",
        Format::Brat,
        expect![[r#"
            == annotation.conf
            == visual.conf
            == tools.conf
            skipped /corpus/a.news (1 error(s)): unclosed `[`: a span is written `[text]{attributes}`
        "#]],
    );
}

#[test]
fn only_exports_articles_under_a_path() {
    let corpus = corpus(ARTICLE);
    let none = export(&corpus, Format::Brat, Some(Path::new("/elsewhere")));
    assert_eq!(none.articles, 0);
    let all = export(&corpus, Format::Brat, Some(Path::new("/corpus")));
    assert_eq!(all.articles, 1);
}

#[test]
fn file_names_are_safe_and_unique() {
    let names = file_names(["ap-2022", "AP-2022", "seoul/서울 1", ".hidden", "", "a.b"]);
    expect![[r#"
        [
            "ap-2022",
            "AP-2022-2",
            "seoul____1",
            "_hidden",
            "article",
            "a.b",
        ]
    "#]]
    .assert_debug_eq(&names);
}

#[test]
fn char_index_counts_code_points() {
    let index = CharIndex::new("a서😀b");
    let chars: Vec<usize> = [0, 1, 4, 8, 9].iter().map(|&b| index.chars(b)).collect();
    assert_eq!(chars, [0, 1, 2, 3, 4]);
    let bytes: Vec<usize> = (0..6).map(|c| index.byte(c)).collect();
    assert_eq!(bytes, [0, 1, 4, 8, 9, 9]);
}

#[test]
#[allow(clippy::single_range_in_vec_init)]
fn fragments_split_at_every_line_break() {
    let text = "ab\ncd\r\n\nef\u{2028}g";
    let frags = fragments(text, 0..text.len());
    let pieces: Vec<&str> = frags.iter().map(|f| &text[f.clone()]).collect();
    assert_eq!(pieces, ["ab", "cd", "ef", "g"]);
    assert_eq!(fragments(text, 2..3), [2..2]);
    assert_eq!(fragments(text, 4..4), [4..4]);
}

#[test]
fn notes_quote_values_that_would_not_read_back() {
    let doc = crate::syntax::parse(
        "[x]{.quote #q by=@a claim=\"two words\" src=\"a\\\"b\" anon future lang=ko .claim}",
    );
    let span = &doc.spans[0];
    expect![[r##"#q by=@a claim="two words" src="a\"b" lang=ko"##]].assert_eq(&notes(span));
    let back = crate::syntax::parse(&format!("[x]{{{}}}", notes(span)));
    assert_eq!(back.spans[0].properties, {
        let mut p = span.properties.clone();
        for (a, b) in p.iter_mut().zip(&back.spans[0].properties) {
            a.key.range = b.key.range.clone();
            a.value.range = b.value.range.clone();
        }
        p
    });
}
