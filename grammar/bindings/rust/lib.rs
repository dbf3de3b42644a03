//! The Newsmark grammar for tree-sitter: annotated news articles with TOML
//! front matter, bracketed spans with attributes, and CriticMarkup.
//!
//! ```
//! let mut parser = tree_sitter::Parser::new();
//! parser
//!     .set_language(&tree_sitter_newsmark::LANGUAGE.into())
//!     .expect("Error loading Newsmark grammar");
//! let tree = parser.parse("[North Korea]{@prk} said.\n", None).unwrap();
//! assert!(!tree.root_node().has_error());
//! ```

use tree_sitter_language::LanguageFn;

unsafe extern "C" {
    fn tree_sitter_newsmark() -> *const ();
}

/// The tree-sitter [`LanguageFn`] for this grammar.
#[allow(unsafe_code)]
pub const LANGUAGE: LanguageFn = unsafe { LanguageFn::from_raw(tree_sitter_newsmark) };

/// The content of the [`node-types.json`] file for this grammar.
pub const NODE_TYPES: &str = include_str!("../../src/node-types.json");

/// The syntax highlighting query for this grammar.
pub const HIGHLIGHTS_QUERY: &str = include_str!("../../queries/highlights.scm");

/// The language injection query (front matter is TOML).
pub const INJECTIONS_QUERY: &str = include_str!("../../queries/injections.scm");

#[cfg(test)]
mod tests {
    #[test]
    fn loads_grammar_and_queries() {
        let language: tree_sitter::Language = super::LANGUAGE.into();
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&language)
            .expect("Error loading Newsmark grammar");
        tree_sitter::Query::new(&language, super::HIGHLIGHTS_QUERY).expect("highlights query");
        tree_sitter::Query::new(&language, super::INJECTIONS_QUERY).expect("injections query");
    }
}
