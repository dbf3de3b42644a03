//! Comparing two wordings of the same statement: normalisation, a word-level
//! diff (with `similar`), and a similarity score for unlinked quotes.

use similar::{DiffTag, TextDiff};

/// One piece of a word diff.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "op", content = "text", rename_all = "lowercase")]
pub enum DiffPart {
    Same(String),
    Removed(String),
    Added(String),
}

const QUOTES: &[char] = &[
    '“', '”', '"', '‘', '’', '\'', '«', '»', ' ', '\n', '\r', '\t',
];

/// The wording without surrounding quotation marks and with runs of
/// whitespace collapsed.
pub fn normalise(text: &str) -> String {
    text.trim_matches(QUOTES)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Words only: lower case, punctuation and quotation marks dropped.
pub fn bare_words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(bare)
        .filter(|w| !w.is_empty())
        .collect()
}

/// One word without punctuation, lower-cased. Most words are ASCII, and
/// the cross-document rules do this for every quote they compare: the
/// ASCII path works on bytes (the same result, without the per-character
/// Unicode case mapping).
fn bare(w: &str) -> String {
    let mut out = String::with_capacity(w.len());
    push_bare(w, &mut out);
    out
}

/// [`bare`], appended to `out` (for callers that reuse one buffer).
pub fn push_bare(w: &str, out: &mut String) {
    if w.is_ascii() {
        // Most words are already bare: copied whole, not a character at a
        // time.
        if w.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        {
            out.push_str(w);
            return;
        }
        out.extend(
            w.bytes()
                .filter(u8::is_ascii_alphanumeric)
                .map(|b| char::from(b.to_ascii_lowercase())),
        );
    } else {
        // Often a quote's first or last word, ASCII but for its quotation
        // mark: only the other characters go through Unicode's tables.
        for c in w.chars() {
            if c.is_ascii() {
                if c.is_ascii_alphanumeric() {
                    out.push(c.to_ascii_lowercase());
                }
            } else if c.is_alphanumeric() {
                out.extend(c.to_lowercase());
            }
        }
    }
}

/// A word diff from `old` to `new`: words are compared without case and
/// punctuation (so "before," and "before" are the same word) and shown as
/// the new wording writes them.
pub fn diff(old: &str, new: &str) -> Vec<DiffPart> {
    Words::of(old).diff(&Words::of(new))
}

/// A wording split for [`diff`]: its words as written and their bare keys
/// (made once for a wording compared with many). The keys are kept in one
/// string rather than a string each: `quote-drift` makes one of these for
/// every quote of a claim, and a dozen small allocations per quote were
/// most of its cost.
pub struct Words {
    text: String,
    /// Every word's key, one after the other.
    bare: String,
    /// Where each word's key ends in `bare`.
    ends: Vec<usize>,
}

impl Words {
    pub fn of(text: &str) -> Words {
        // `normalise`, and each word's key as it goes.
        let mut out = Words {
            text: String::with_capacity(text.len()),
            bare: String::with_capacity(text.len()),
            ends: Vec::new(),
        };
        for w in text.trim_matches(QUOTES).split_whitespace() {
            if !out.text.is_empty() {
                out.text.push(' ');
            }
            out.text.push_str(w);
            push_bare(w, &mut out.bare);
            out.ends.push(out.bare.len());
        }
        out
    }

    /// The wording as [`normalise`] leaves it.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The bare key of each word (empty for a word of punctuation only).
    fn keys(&self) -> Vec<&str> {
        let mut start = 0;
        self.ends
            .iter()
            .map(|&end| {
                let key = self.bare.get(start..end).unwrap_or("");
                start = end;
                key
            })
            .collect()
    }

    /// The same text, spacing and outer quotation marks aside.
    pub fn same_text(&self, other: &Words) -> bool {
        self.text == other.text
    }

    /// The same words, punctuation and case aside (see
    /// [`punctuation_only`]).
    pub fn same_words(&self, other: &Words) -> bool {
        let nonempty = |k: &&str| !k.is_empty();
        self.keys()
            .into_iter()
            .filter(nonempty)
            .eq(other.keys().into_iter().filter(nonempty))
    }

    fn words(&self) -> Vec<&str> {
        self.text.split(' ').filter(|w| !w.is_empty()).collect()
    }

    /// The word diff from `self` to `new` (see [`diff`]).
    pub fn diff(&self, new: &Words) -> Vec<DiffPart> {
        diff_words(&self.words(), &self.keys(), &new.words(), &new.keys())
    }
}

fn diff_words(ow: &[&str], ok: &[&str], nw: &[&str], nk: &[&str]) -> Vec<DiffPart> {
    let mut out: Vec<DiffPart> = Vec::new();
    // Appends `word` and a space, to the last part when it is of the same
    // kind (runs of one kind are merged).
    let mut push = |part: fn(String) -> DiffPart, word: &str| {
        let text = match (out.last_mut(), part(String::new())) {
            (Some(DiffPart::Same(a)), DiffPart::Same(_))
            | (Some(DiffPart::Removed(a)), DiffPart::Removed(_))
            | (Some(DiffPart::Added(a)), DiffPart::Added(_)) => a,
            (_, fresh) => {
                out.push(fresh);
                match out.last_mut() {
                    Some(DiffPart::Same(a) | DiffPart::Removed(a) | DiffPart::Added(a)) => a,
                    None => return,
                }
            }
        };
        text.push_str(word);
        text.push(' ');
    };
    for op in similar::capture_diff_slices(similar::Algorithm::Myers, ok, nk) {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        match tag {
            DiffTag::Equal => new_range.for_each(|i| push(DiffPart::Same, nw[i])),
            DiffTag::Delete => old_range.for_each(|i| push(DiffPart::Removed, ow[i])),
            DiffTag::Insert => new_range.for_each(|i| push(DiffPart::Added, nw[i])),
            DiffTag::Replace => {
                old_range.for_each(|i| push(DiffPart::Removed, ow[i]));
                new_range.for_each(|i| push(DiffPart::Added, nw[i]));
            }
        }
    }
    out
}

/// `we [-will not plan-]{+will have no plan+} to export them`.
pub fn render(parts: &[DiffPart]) -> String {
    let mut out = String::new();
    for p in parts {
        let (open, s, close) = match p {
            DiffPart::Same(s) => ("", s.as_str(), ""),
            DiffPart::Removed(s) => ("[-", s.trim(), "-] "),
            DiffPart::Added(s) => ("{+", s.trim(), "+} "),
        };
        out.push_str(open);
        out.push_str(s);
        out.push_str(close);
    }
    // Runs of spaces as one, none at the ends.
    let mut spaced = String::with_capacity(out.len());
    for w in out.split_whitespace() {
        if !spaced.is_empty() {
            spaced.push(' ');
        }
        spaced.push_str(w);
    }
    spaced
}

/// Whether two wordings differ only in punctuation, quotation marks, case
/// or spacing.
pub fn punctuation_only(a: &str, b: &str) -> bool {
    bare_words(a) == bare_words(b)
}

/// Word-level similarity in 0..=1 (similar's ratio over bare words).
pub fn similarity(a: &str, b: &str) -> f32 {
    similarity_of_words(&bare_words(a), &bare_words(b))
}

/// Whether `similarity_of_words(a, b) >= threshold`, ruled out first
/// where the words the two share, counted with repeats, cannot reach it:
/// the ratio is twice the words a diff matches over both lengths, and it
/// can match no more than both lists hold. Most candidate pairs of
/// `unlinked-quote` share a few words by chance and end there, without a
/// diff (at 100,000 generated articles, 125,000 pairs and no finding).
pub fn similar_enough(a: &[String], b: &[String], threshold: f32) -> bool {
    let mut x: Vec<&str> = a.iter().map(String::as_str).collect();
    let mut y: Vec<&str> = b.iter().map(String::as_str).collect();
    x.sort_unstable();
    y.sort_unstable();
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while let (Some(p), Some(q)) = (x.get(i), y.get(j)) {
        match p.cmp(q) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    // The same arithmetic as the diff's ratio (`similar`'s
    // `get_diff_ratio`), so that the bound is never below the ratio.
    let len = a.len() + b.len();
    let bound = if len == 0 {
        1.0
    } else {
        2.0 * shared as f32 / len as f32
    };
    bound >= threshold && similarity_of_words(a, b) >= threshold
}

/// [`similarity`] of words already made bare.
pub fn similarity_of_words(a: &[String], b: &[String]) -> f32 {
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let b: Vec<&str> = b.iter().map(String::as_str).collect();
    TextDiff::from_slices(&a, &b).ratio()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The shared-words bound never turns away a pair the diff
        /// would pass, and passes only what the diff passes.
        #[test]
        fn similar_enough_is_the_ratio_against_the_threshold(
            a in proptest::collection::vec(0usize..5, 0..16),
            b in proptest::collection::vec(0usize..5, 0..16),
            threshold in prop_oneof![Just(0.8f32), Just(0.5), 0.0f32..1.0],
        ) {
            let word = |w: &usize| ["we", "will", "not", "export", "them"][*w].to_string();
            let a: Vec<String> = a.iter().map(word).collect();
            let b: Vec<String> = b.iter().map(word).collect();
            prop_assert_eq!(
                similar_enough(&a, &b, threshold),
                similarity_of_words(&a, &b) >= threshold
            );
        }
    }

    #[test]
    fn bare_words_drop_punctuation_and_case_in_ascii_and_beyond() {
        assert_eq!(
            bare_words("“We WILL not,” said 3-D Ünïcode’s KCNA."),
            ["we", "will", "not", "said", "3d", "ünïcodes", "kcna"]
        );
        // The ASCII path gives what the Unicode path gives.
        let all: String = (0x21u8..0x7f).map(char::from).collect();
        let unicode: String = all
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        assert_eq!(bare(&all), unicode);
    }

    #[test]
    fn seed_wordings_of_the_kcna_denial() {
        let manila = "we have never exported weapons or ammunition to Russia before, and we will not plan to export them";
        let bbc = "“We have never exported weapons or ammunition to Russia before and we will have no plan to export them.”";
        expect_test::expect!["We have never exported weapons or ammunition to Russia before and we will [-not-] {+have no+} plan to export them."]
            .assert_eq(&render(&diff(manila, bbc)));
        assert!(!punctuation_only(manila, bbc));
        assert!(punctuation_only(
            "“keep its mouth shut,”",
            "keep its mouth shut"
        ));
        assert!(similarity(manila, bbc) > 0.8);
        assert!(similarity(manila, "stop making reckless remarks") < 0.2);
    }
}
