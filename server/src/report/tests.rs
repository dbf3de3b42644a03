use expect_test::{Expect, expect};

use crate::checks::test_support::corpus;

/// The part of `html` from `start` up to and including the next `end`,
/// one tag per line.
fn fragment(html: &str, start: &str, end: &str) -> String {
    let html = html.replace("><", ">\n<");
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("`{start}` not in:\n{html}"));
    let len = html[from..]
        .find(end)
        .unwrap_or_else(|| panic!("`{end}` not after `{start}`"));
    html[from..from + len + end.len()].to_string()
}

fn check_fragment(html: &str, start: &str, end: &str, expect: Expect) {
    expect.assert_eq(&fragment(html, start, end));
}

const HOSTILE: &str = r#"//- /evil.news
+++
title = "<script>alert('title')</script> & \"quoted\""
outlet = "@evil-outlet"
published = 2022-09-23
+++
[<script>document.title='pwned'</script> & "so" <img src=x onerror="alert(1)">]{.quote by=@evil claim=injected} [Evil]{@evil}
//- /entities.toml
[evil]
kind = "person"
name = "<b>Evil</b> & \"Sons\""
role = "<i>role</i>"
[evil-outlet]
kind = "outlet"
name = "<img src=x onerror=alert(2)>"
[claims.injected]
text = "A claim with <tags> & \"quotes\"."
author = "@evil"
"#;

#[test]
fn corpus_text_is_escaped_everywhere() {
    let html = super::render(&corpus(HOSTILE));
    // Nothing from the corpus becomes a tag: the only tags are the report's.
    for bad in [
        "<script",
        "<img",
        "<b>",
        "<i>",
        "<tags>",
        "onerror=\"alert(1)\"",
    ] {
        assert!(!html.contains(bad), "`{bad}` unescaped in:\n{html}");
    }
    check_fragment(
        &html,
        "<section id=\"sources\">",
        "</tr>\n</tbody>",
        expect![[r#"
            <section id="sources">
            <h2>Articles</h2>
            <div class="scroll">
            <table class="sources">
            <thead>
            <tr>
            <th scope="col">Published</th>
            <th scope="col">Outlet</th>
            <th scope="col">Title</th>
            <th class="num" scope="col">Statements</th>
            </tr>
            </thead>
            <tbody>
            <tr>
            <td class="date">
            <time datetime="2022-09-23">2022-09-23</time>
            </td>
            <td>&lt;img src=x onerror=alert(2)&gt;</td>
            <td>
            <span class="title">&lt;script&gt;alert('title')&lt;/script&gt; &amp; &quot;quoted&quot;</span>
            <code class="id">evil</code>
            </td>
            <td class="num">1</td>
            </tr>
            </tbody>"#]],
    );
    check_fragment(
        &html,
        "<ol class=\"timeline\">",
        "</ol>",
        expect![[r#"
            <ol class="timeline">
            <li class="first">
            <div class="when">
            <time datetime="2022-09-23">2022-09-23</time>
            </div>
            <div class="what">
            <p class="line">
            <span class="outlet">&lt;img src=x onerror=alert(2)&gt;</span> <span class="badge first-badge">first appearance</span> <span class="kind">quote</span>
            </p>
            <blockquote>“&lt;script&gt;document.title='pwned'&lt;/script&gt; &amp; &quot;so&quot; &lt;img src=x onerror=&quot;alert(1)&quot;&gt;”</blockquote>
            </div>
            </li>
            </ol>"#]],
    );
    check_fragment(
        &html,
        "<p class=\"claim-text\">",
        "</p>",
        expect![[
            r#"<p class="claim-text">A claim with &lt;tags&gt; &amp; &quot;quotes&quot;.</p>"#
        ]],
    );
    check_fragment(
        &html,
        "<table class=\"entities\">",
        "</tr>\n</tbody>",
        expect![[r#"
            <table class="entities">
            <thead>
            <tr>
            <th scope="col">Entity</th>
            <th scope="col">Kind</th>
            <th class="num" scope="col">Mentions</th>
            <th class="num" scope="col">Quoted</th>
            <th class="num" scope="col">Articles</th>
            </tr>
            </thead>
            <tbody>
            <tr>
            <td>
            <span class="name">&lt;b&gt;Evil&lt;/b&gt; &amp; &quot;Sons&quot;</span> <code class="id">@evil</code>
            <span class="role">&lt;i&gt;role&lt;/i&gt;</span>
            </td>
            <td>
            <span class="kind-tag">person</span>
            </td>
            <td class="num mentions">
            <span class="track">
            <span class="bar" style="width:100%">
            </span>
            </span>
            <span class="n">1</span>
            </td>
            <td class="num">1</td>
            <td class="num">1</td>
            </tr>
            <tr>
            <td>
            <span class="name">&lt;img src=x onerror=alert(2)&gt;</span> <code class="id">@evil-outlet</code>
            </td>
            <td>
            <span class="kind-tag">outlet</span>
            </td>
            <td class="num mentions">
            <span class="track">
            <span class="bar" style="width:0%">
            </span>
            </span>
            <span class="n">0</span>
            </td>
            <td class="num">0</td>
            <td class="num">1</td>
            </tr>
            </tbody>"#]],
    );
}

#[test]
fn page_is_locked_down() {
    let html = super::render(&corpus(HOSTILE));
    check_fragment(
        &html,
        "<head>",
        "<title>",
        expect![[r#"
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
            <meta name="referrer" content="no-referrer">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>"#]],
    );
    // No script, no external resource, no link out of the page.
    for tag in [
        "<script", "<link", "<img", "<iframe", "<object", "<embed", "<form", "<base",
    ] {
        assert!(!html.contains(tag), "{tag}");
    }
    assert!(!html.contains("url("));
    assert!(!html.contains("@import"));
    for href in html.split("href=\"").skip(1) {
        assert!(href.starts_with('#'), "link out of the page: {href:.40}");
    }
}

const SEED_LIKE: &str = "//- /manila.news
+++
outlet = \"@manila\"
published = 2022-09-22
+++
[we have never exported weapons or ammunition to Russia before, and we will not plan to export them]{.quote by=@o via=@kcna claim=no-arms-exports}
//- /bbc.news
+++
outlet = \"@bbc\"
published = 2022-09-23
+++
[“We have never exported weapons or ammunition to Russia before and we will have no plan to export them.”]{.quote by=@o via=@kcna claim=no-arms-exports} [“keep its mouth shut”]{.quote by=@o claim=shut}
//- /wsj.news
+++
outlet = \"@wsj\"
published = 2022-09-21
+++
[keep its mouth shut.]{.quote by=@o claim=shut}
//- /entities.toml
[manila]
name = \"The Manila Times\"
[bbc]
name = \"BBC\"
[wsj]
name = \"The Wall Street Journal\"
[kcna]
name = \"KCNA\"
[o]
name = \"An official\"
[claims.no-arms-exports]
text = \"No arms to Russia.\"
";

#[test]
fn drift_marks_the_differing_words() {
    let html = super::render(&corpus(SEED_LIKE));
    check_fragment(
        &html,
        "<article class=\"card drift\">",
        "</article>",
        expect![[r#"
            <article class="card drift">
            <header>
            <h3>
            <code>no-arms-exports</code>
            </h3>
            <span class="badge warn">words changed</span>
            </header>
            <dl class="wordings">
            <dt>
            <span class="label">First</span> <span class="outlet">The Manila Times</span> <time datetime="2022-09-22">2022-09-22</time>
            </dt>
            <dd class="first-wording">“<span class="respelled" title="same word, other punctuation or case">we</span> have never exported weapons or ammunition to Russia <span class="respelled" title="same word, other punctuation or case">before,</span> and we will <del>not</del> plan to export <span class="respelled" title="same word, other punctuation or case">them</span>”</dd>
            <dt>
            <span class="label">Later</span> <span class="outlet">BBC</span> <time datetime="2022-09-23">2022-09-23</time>
            </dt>
            <dd class="other-wording">“<span class="respelled" title="same word, other punctuation or case">We</span> have never exported weapons or ammunition to Russia <span class="respelled" title="same word, other punctuation or case">before</span> and we will <ins>have no</ins> plan to export <span class="respelled" title="same word, other punctuation or case">them.</span>”</dd>
            </dl>
            </article>"#]],
    );
    // The punctuation-only drift is shown as such, with no word struck out.
    let punct = fragment(
        &html,
        "<article class=\"card drift punctuation\">",
        "</article>",
    );
    assert!(punct.contains("punctuation only"), "{punct}");
    assert!(punct.contains("Same words; only punctuation"), "{punct}");
    assert!(
        !punct.contains("<del>") && !punct.contains("<ins>"),
        "{punct}"
    );
}

#[test]
fn matrix_has_every_claim_and_outlet_with_resolved_speakers() {
    let html = super::render(&corpus(SEED_LIKE));
    let matrix = fragment(&html, "<table class=\"matrix\">", "</table>");
    // Columns in order of first publication.
    let columns: Vec<&str> = matrix
        .lines()
        .filter_map(|l| l.strip_prefix("<span class=\"outlet-name\">"))
        .collect();
    expect![[r#"["The Wall Street Journal</span>", "The Manila Times</span>", "BBC</span>"]"#]]
        .assert_eq(&format!("{columns:?}"));
    // Registry claims and claims only used in articles, by first appearance.
    let rows: Vec<&str> = matrix
        .lines()
        .filter_map(|l| l.strip_prefix("<code>"))
        .collect();
    expect![[r#"["shut</code>", "no-arms-exports</code>"]"#]].assert_eq(&format!("{rows:?}"));
    check_fragment(
        &matrix,
        "<th scope=\"row\">\n<code>no-arms-exports",
        "</tr>",
        expect![[r#"
            <th scope="row">
            <code>no-arms-exports</code>
            </th>
            <td class="blank">
            </td>
            <td>
            <div class="credit" style="--c: #2f5d7c" title="An official, via KCNA">
            <span class="who">An official</span>
            <span class="via">via KCNA</span>
            </div>
            </td>
            <td>
            <div class="credit" style="--c: #2f5d7c" title="An official, via KCNA">
            <span class="who">An official</span>
            <span class="via">via KCNA</span>
            </div>
            </td>
            </tr>"#]],
    );
}

#[test]
fn header_counts_and_dates() {
    let html = super::render(&corpus(SEED_LIKE));
    check_fragment(
        &html,
        "<h1>",
        "</dl>",
        expect![[r#"
            <h1>corpus</h1>
            <p class="range">Published <time datetime="2022-09-21">2022-09-21</time> – <time datetime="2022-09-23">2022-09-23</time>
            <span class="muted"> (3 days)</span>
            </p>
            <dl class="stats">
            <div>
            <dt>articles</dt>
            <dd>3</dd>
            </div>
            <div>
            <dt>outlets</dt>
            <dd>3</dd>
            </div>
            <div>
            <dt>claims</dt>
            <dd>2</dd>
            </div>
            <div>
            <dt>entities</dt>
            <dd>5</dd>
            </div>
            <div>
            <dt>drifts</dt>
            <dd>2</dd>
            </div>
            </dl>"#]],
    );
}

#[test]
fn empty_corpus_renders() {
    let html = super::render(&crate::corpus::Corpus::default());
    assert!(html.contains("No publication dates"));
    assert!(html.contains("No drift"));
    assert!(html.contains("The registry is empty."));
}
