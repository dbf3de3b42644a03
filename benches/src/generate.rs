//! A deterministic generator of annotated corpora: N articles of about
//! 2.5 KB with a registry, mentions, quotes sharing claims with drifting
//! wordings, cross-article `src=` links to anchors, resolved dates and
//! quantities, so every check and editor feature has work to do.

use std::fmt::Write as _;
use std::path::Path;

const WORDS: &[&str] = &[
    "the",
    "government",
    "said",
    "on",
    "in",
    "a",
    "report",
    "officials",
    "minister",
    "talks",
    "week",
    "plan",
    "export",
    "weapons",
    "sanctions",
    "statement",
    "agency",
    "border",
    "security",
    "council",
    "meeting",
    "prices",
    "market",
    "trade",
    "deal",
    "state",
    "media",
    "military",
    "defence",
    "ministry",
    "country",
    "analysts",
    "expected",
    "would",
    "could",
    "after",
    "before",
    "with",
    "from",
    "against",
    "over",
    "new",
    "policy",
    "economic",
    "support",
    "region",
    "forces",
    "leaders",
    "visit",
    "agreement",
    "shipment",
    "supplies",
    "rumours",
    "image",
    "reckless",
    "remarks",
    "lawful",
    "right",
    "sovereign",
    "denied",
    "confirmed",
    "intelligence",
    "assessment",
    "purchase",
    "artillery",
    "shells",
    "rockets",
    "drones",
];

const PLACES: &[&str] = &[
    "Seoul",
    "Moscow",
    "Kyiv",
    "Tokyo",
    "Beijing",
    "Washington",
    "Tehran",
    "Damascus",
    "Pyongyang",
    "Geneva",
];
const KINDS: &[&str] = &["person", "organization", "country", "place", "group"];
const WEEKDAYS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

pub struct Spec {
    pub articles: usize,
    pub seed: u64,
}

fn sentence(rng: &mut fastrand::Rng, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        let w = WORDS[rng.usize(..WORDS.len())];
        if i == 0 {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                s.extend(f.to_uppercase());
                s.push_str(c.as_str());
            }
        } else {
            s.push(' ');
            s.push_str(w);
        }
    }
    s.push('.');
    s
}

/// A claim's canonical wording and a drifted variant (one word changed).
fn wording(rng: &mut fastrand::Rng, base: &str) -> String {
    if rng.u8(..4) != 0 {
        return base.to_string();
    }
    let mut words: Vec<&str> = base.split(' ').collect();
    let i = rng.usize(..words.len());
    words[i] = WORDS[rng.usize(..WORDS.len())];
    words.join(" ")
}

/// Writes the corpus into `dir` (created): `newsmark.toml`,
/// `entities.toml` and `art-NNNNNN.news` files.
pub fn generate(spec: &Spec, dir: &Path) -> std::io::Result<u64> {
    let mut rng = fastrand::Rng::with_seed(spec.seed);
    std::fs::create_dir_all(dir)?;
    let n = spec.articles.max(1);
    let entities = (n / 20).max(40);
    let outlets = 20usize;
    let claims = (n / 50).max(10);
    let facts = (n / 100).max(5);

    let mut reg = String::new();
    for e in 0..entities {
        let kind = KINDS[e % KINDS.len()];
        let _ = writeln!(
            reg,
            "[e{e}]\nkind = \"{kind}\"\nname = \"Entity {e}\"\naka = [\"E{e}\"]\ndescription = \"Generated entity number {e}.\"\n"
        );
    }
    for o in 0..outlets {
        let _ = writeln!(
            reg,
            "[outlet{o}]\nkind = \"outlet\"\nname = \"Outlet {o}\"\n"
        );
    }
    let claim_text: Vec<String> = (0..claims)
        .map(|_| sentence(&mut rng, 12).trim_end_matches('.').to_lowercase())
        .collect();
    for (c, t) in claim_text.iter().enumerate() {
        let _ = writeln!(
            reg,
            "[claims.c{c}]\ntext = \"{t}\"\nauthor = \"@e{}\"\n",
            c % entities
        );
    }
    std::fs::write(dir.join("entities.toml"), reg)?;
    std::fs::write(
        dir.join("newsmark.toml"),
        "registry = [\"entities.toml\"]\n",
    )?;

    let mut bytes = 0u64;
    for a in 0..n {
        // Days since 2022-01-03 (a Monday) so weekdays are easy to keep right.
        let day = rng.u32(..360);
        let date = jiff_like_date;
        let published = date(day);
        let mut body = String::new();
        let _ = writeln!(
            body,
            "+++\nid = \"art-{a:06}\"\ntitle = \"Generated story {a}\"\noutlet = \"@outlet{}\"\npublished = {published}\nlang = \"en\"\n+++",
            a % outlets
        );
        let _ = writeln!(
            body,
            "{}, {} — [Entity {e}]{{@e{e}}} said on [{wd}]{{.date when={published}}} that the talks would go on.\n",
            PLACES[rng.usize(..PLACES.len())].to_uppercase(),
            published,
            e = rng.usize(..entities),
            wd = WEEKDAYS[(day % 7) as usize]
        );
        let paragraphs = 6;
        for p in 0..paragraphs {
            let mut para = String::new();
            for s in 0..3 {
                para.push_str(&sentence(&mut rng, 14));
                para.push(' ');
                if s == 1 {
                    let e = rng.usize(..entities);
                    let _ = write!(para, "[Entity {e}]{{@e{e}}} was mentioned again. ");
                }
            }
            if p % 2 == 0 {
                let c = rng.usize(..claims);
                let q = wording(&mut rng, &claim_text[c]);
                let speaker = c % entities;
                let src = if a > 0 && rng.u8(..3) == 0 {
                    format!(" src=art-{:06}#q0", rng.usize(..a))
                } else {
                    String::new()
                };
                let _ = write!(
                    para,
                    "[“{q}”]{{.quote #q{p} by=@e{speaker} claim=c{c}{src}}} said the official. "
                );
            }
            if p == 3 {
                let f = rng.usize(..facts);
                let v = 1000 * (f + 1) + if rng.u8(..10) == 0 { 500 } else { 0 };
                let _ = write!(
                    para,
                    "Some [{v}]{{.qty n={v} unit=troops fact=f{f}}} troops were moved. "
                );
            }
            body.push_str(para.trim_end());
            body.push_str("\n\n");
        }
        bytes += body.len() as u64;
        std::fs::write(dir.join(format!("art-{a:06}.news")), body)?;
    }
    Ok(bytes)
}

/// `2022-01-03` plus `d` days, as ISO text (no date library needed for
/// this fixed range: 2022 is not a leap year).
fn jiff_like_date(d: u32) -> String {
    const MONTHS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut doy = 2 + d; // 0-based day of year of 2022-01-03 is 2
    let mut year = 2022;
    if doy >= 365 {
        doy -= 365;
        year += 1;
    }
    let mut month = 0;
    while doy >= MONTHS[month] {
        doy -= MONTHS[month];
        month += 1;
    }
    format!("{year}-{:02}-{:02}", month + 1, doy + 1)
}
