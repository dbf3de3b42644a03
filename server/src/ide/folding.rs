//! Folding ranges: the front matter block.

use crate::corpus::Corpus;
use crate::syntax::TextRange;

pub fn folding_ranges(corpus: &Corpus, i: usize) -> Vec<TextRange> {
    corpus
        .articles
        .get(i)
        .and_then(|a| a.doc().front_matter.as_ref().map(|fm| fm.range.clone()))
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::folding_ranges;
    use crate::checks::test_support::corpus;

    #[test]
    fn front_matter_folds() {
        let c = corpus("+++\nid = \"a\"\n+++\nText.\n");
        assert_eq!(folding_ranges(&c, 0), vec![0..17]);
        let c = corpus("No front matter.\n");
        assert!(folding_ranges(&c, 0).is_empty());
    }
}
