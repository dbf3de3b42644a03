//! Newsmark: a linter and language server for annotated news corpora.
//!
//! Layers, bottom up: [`syntax`] (one file to a typed document), [`corpus`]
//! (the workspace: documents, registry, config, cross-document index),
//! [`checks`] (one file per diagnostic rule), [`cli`] (the `newsmark` command).

pub mod checks;
pub mod cli;
pub mod corpus;
pub mod export;
pub mod ide;
pub mod lsp;
pub mod memory;
pub mod report;
pub mod syntax;
