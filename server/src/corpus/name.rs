//! [`Name`]: the short strings of a summary (ids, claims, anchors, dates as
//! written), interned process-wide and held as a 4-byte number.
//!
//! A summary is what the language server keeps of every closed article, and
//! names are most of a summary: about forty per news article, nearly all
//! repeated across the corpus (entity ids, claim names, outlets, source ids
//! cited by other articles). Held as inline small strings (24 bytes each)
//! they were about a third of the server's memory at 100,000 articles; as
//! numbers into one table of distinct strings they take 4 bytes, compare and
//! hash as integers, and `Option<Name>` is 4 bytes too.
//!
//! Written here rather than taken from an interner crate: `lasso`'s
//! concurrent interner resolves a number through a sharded hash map (a lock
//! on every read; names are read on every cross-document comparison) and
//! pulls in a second major version of `dashmap`; `ustr` holds a pointer
//! (8 bytes). This one is a `dashmap` (already in the tree, through
//! tower-lsp-server) from string to number, beside an append-only table from
//! number to string that is read without a lock, in safe code.
//!
//! Interned strings live as long as the process: the table only grows. The
//! distinct names of a corpus are few (about 110,000 at 100,000 generated
//! articles, most of them the articles' own ids); a long editing session adds
//! what was typed.

use std::fmt;
use std::sync::LazyLock;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

/// An interned string: equal names are equal strings. Ordered as strings
/// (not by number), so sorted output does not depend on which thread
/// interned a name first.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Name(std::num::NonZeroU32);

/// The number-to-string table: page `k` holds `FIRST << k` slots, so 23
/// pages hold every `u32`, pages are made as the table fills, and a slot
/// never moves once set (readers take it without a lock).
const FIRST: usize = 1024;
const PAGES: usize = 23;

struct Table {
    ids: dashmap::DashMap<&'static str, Name, rustc_hash::FxBuildHasher>,
    pages: [OnceLock<Box<[OnceLock<&'static str>]>>; PAGES],
    next: AtomicU32,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| Table {
    ids: dashmap::DashMap::with_hasher(rustc_hash::FxBuildHasher),
    pages: [const { OnceLock::new() }; PAGES],
    // Numbers start at 1 (`NonZeroU32`); slot `n - 1` holds number `n`.
    next: AtomicU32::new(1),
});

/// The page and slot of number `n`.
fn place(n: u32) -> (usize, usize) {
    let i = (n as usize - 1) / FIRST + 1;
    let page = (usize::BITS - 1 - i.leading_zeros()) as usize;
    let start = ((1usize << page) - 1) * FIRST;
    (page, n as usize - 1 - start)
}

impl Table {
    fn slot(&self, n: u32) -> &OnceLock<&'static str> {
        let (page, at) = place(n);
        let slots = self.pages[page].get_or_init(|| {
            (0..FIRST << page)
                .map(|_| OnceLock::new())
                .collect::<Vec<_>>()
                .into_boxed_slice()
        });
        &slots[at]
    }
}

impl Name {
    /// The name of `s`, interning it if it is new.
    pub fn new(s: &str) -> Name {
        if let Some(n) = TABLE.ids.get(s) {
            return *n;
        }
        let owned: &'static str = Box::leak(Box::from(s));
        // Another thread may have interned `s` since the look-up; the entry
        // settles it (the copy made here is then kept unused, a rare race).
        *TABLE.ids.entry(owned).or_insert_with(|| {
            let n = TABLE.next.fetch_add(1, Ordering::Relaxed);
            let Some(id) = std::num::NonZeroU32::new(n) else {
                // Four billion distinct names: a corpus never has them.
                panic!("more distinct names than the name table holds");
            };
            // Set before the number is published: whoever gets this name
            // (from the map, under its lock, or from a summary passed between
            // threads) finds its slot filled.
            let _ = TABLE.slot(n).set(owned);
            Name(id)
        })
    }

    /// The name of `s` if it was ever interned: no corpus map can hold a
    /// name that was not, so a look-up by text need not intern it.
    pub fn get(s: &str) -> Option<Name> {
        TABLE.ids.get(s).map(|n| *n)
    }

    /// The name's number: equal for equal names within one process, but
    /// not from one process to the next (it depends on which thread
    /// interned a name first), so never for anything a user sees or the
    /// cache stores.
    pub fn number(&self) -> u32 {
        self.0.get()
    }

    pub fn as_str(&self) -> &'static str {
        TABLE.slot(self.0.get()).get().copied().unwrap_or_default()
    }
}

/// Look-ups by text in a map keyed by [`Name`] (a `Name` hashes as its
/// number, so the map cannot be asked with a `&str` directly).
pub trait ByName<V> {
    fn by_name(&self, text: &str) -> Option<&V>;
}

impl<V, S: std::hash::BuildHasher> ByName<V> for std::collections::HashMap<Name, V, S> {
    fn by_name(&self, text: &str) -> Option<&V> {
        Name::get(text).and_then(|n| self.get(&n))
    }
}

impl Default for Name {
    fn default() -> Name {
        Name::new("")
    }
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Name) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Name {
    fn cmp(&self, other: &Name) -> std::cmp::Ordering {
        if self == other {
            return std::cmp::Ordering::Equal;
        }
        self.as_str().cmp(other.as_str())
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&String> for Name {
    fn eq(&self, other: &&String) -> bool {
        self.as_str() == *other
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Name {
        Name::new(s)
    }
}

impl From<&String> for Name {
    fn from(s: &String) -> Name {
        Name::new(s)
    }
}

impl From<String> for Name {
    fn from(s: String) -> Name {
        Name::new(&s)
    }
}

impl From<Name> for String {
    fn from(n: Name) -> String {
        n.as_str().to_owned()
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How names are written and read on this thread: as their text (the
/// default), or, inside the cache, as numbers into a table of texts the
/// cache stores beside them ([`written_as_numbers`], [`read_through`]).
/// A warm start then interns each distinct name once (110,000 at 100,000
/// generated articles) rather than every use (four million), and reads a
/// number rather than a string for each.
enum Mode {
    Text,
    Numbers,
    Table(std::sync::Arc<[Name]>),
}

thread_local! {
    static MODE: std::cell::RefCell<Mode> = const { std::cell::RefCell::new(Mode::Text) };
}

/// Sets this thread's [`Mode`] for the life of the guard.
struct ModeGuard(Option<Mode>);

impl ModeGuard {
    fn set(mode: Mode) -> ModeGuard {
        ModeGuard(Some(MODE.with(|m| m.replace(mode))))
    }
}

impl Drop for ModeGuard {
    fn drop(&mut self) {
        if let Some(old) = self.0.take() {
            MODE.with(|m| *m.borrow_mut() = old);
        }
    }
}

/// Runs `f` with the names it serialises written as their numbers, which
/// mean something only with the [`table`] taken after it.
pub fn written_as_numbers<R>(f: impl FnOnce() -> R) -> R {
    let _guard = ModeGuard::set(Mode::Numbers);
    f()
}

/// Runs `f` with the names it deserialises read as numbers into `names`
/// (the [`table`] stored with them, interned); a number outside it is an
/// error.
pub fn read_through<R>(names: &std::sync::Arc<[Name]>, f: impl FnOnce() -> R) -> R {
    let _guard = ModeGuard::set(Mode::Table(names.clone()));
    f()
}

/// Every name interned so far, in the order of their numbers (number `n`
/// at `n - 1`): what numbers written by [`written_as_numbers`] before it
/// was taken refer to.
pub fn table() -> Vec<&'static str> {
    let next = TABLE.next.load(Ordering::Acquire);
    (1..next)
        .map(|n| TABLE.slot(n).get().copied().unwrap_or_default())
        .collect()
}

/// Written as its text, or as its number inside [`written_as_numbers`].
impl serde::Serialize for Name {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if MODE.with(|m| matches!(*m.borrow(), Mode::Numbers)) {
            return s.serialize_u32(self.number());
        }
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Name {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Name, D::Error> {
        if MODE.with(|m| matches!(*m.borrow(), Mode::Table(_))) {
            let n = <u32 as serde::Deserialize>::deserialize(d)?;
            return MODE
                .with(|m| match &*m.borrow() {
                    Mode::Table(t) => (n as usize).checked_sub(1).and_then(|i| t.get(i)).copied(),
                    _ => None,
                })
                .ok_or_else(|| serde::de::Error::custom("a name outside the name table"));
        }
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Name;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Name, E> {
                Ok(Name::new(v))
            }
        }
        d.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_number_has_its_own_slot() {
        // The first and last slot of each page, and the pages' boundaries.
        let mut seen = std::collections::HashSet::new();
        let mut last = None;
        for page in 0..PAGES {
            let start = ((1usize << page) - 1) * FIRST + 1;
            let end = (((1usize << (page + 1)) - 1) * FIRST).min(u32::MAX as usize);
            for n in [start, start + 1, end - 1, end] {
                let n = u32::try_from(n).expect("fits");
                let (p, at) = place(n);
                assert_eq!(p, page, "number {n}");
                assert!(at < FIRST << page, "number {n}");
                assert!(seen.insert((p, at)), "number {n} shares a slot");
                if let Some(prev) = last {
                    assert!((p, at) > prev);
                }
                last = Some((p, at));
            }
        }
    }

    #[test]
    fn names_are_their_text() {
        let a = Name::new("c81");
        let b = Name::from(String::from("c81"));
        let c = Name::new("c9");
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.as_str(), "c81");
        assert_eq!(&*c, "c9");
        assert_eq!(Name::get("c81"), Some(a));
        assert_eq!(Name::get("never interned by any test: 7f3a"), None);
        // Ordered as text: "c81" < "c9" whichever was interned first.
        assert!(a < c);
        let late = Name::new("a-late-name");
        assert!(late < a);
        assert_eq!(format!("{a} {a:?}"), "c81 \"c81\"");
    }

    #[test]
    fn names_round_trip_through_the_cache_encoding() {
        let names = vec![Name::new("prk"), Name::new(""), Name::new("2022-01-04")];
        let bytes = postcard::to_stdvec(&names).expect("encodes");
        let back: Vec<Name> = postcard::from_bytes(&bytes).expect("decodes");
        assert_eq!(back, names);
        let json = serde_json::to_string(&names).expect("encodes");
        assert_eq!(json, r#"["prk","","2022-01-04"]"#);
    }

    #[test]
    fn names_written_as_numbers_read_back_through_the_table() {
        let names = vec![Name::new("e786"), Name::new("c735"), Name::new("e786")];
        let bytes = written_as_numbers(|| postcard::to_stdvec(&names)).expect("encodes");
        let table = table();
        // As text, the same list takes more bytes than as numbers.
        assert!(bytes.len() < postcard::to_stdvec(&names).expect("encodes").len());
        // Read in another process, the table is interned again first: the
        // texts come back whatever their numbers there.
        let interned: std::sync::Arc<[Name]> = table.iter().map(|t| Name::new(t)).collect();
        let back: Vec<Name> =
            read_through(&interned, || postcard::from_bytes(&bytes)).expect("decodes");
        assert_eq!(back, names);
        // Outside the table: an error, not a wrong name.
        let short: std::sync::Arc<[Name]> = std::sync::Arc::from(Vec::new());
        assert!(read_through(&short, || postcard::from_bytes::<Vec<Name>>(&bytes)).is_err());
        // And the mode ends with the call: text again.
        assert_eq!(
            serde_json::to_string(&names[0]).expect("encodes"),
            r#""e786""#
        );
    }

    #[test]
    fn threads_interning_the_same_texts_agree() {
        let texts: Vec<String> = (0..5000).map(|i| format!("t{i}")).collect();
        let run = || texts.iter().map(|t| Name::new(t)).collect::<Vec<_>>();
        let (a, b) = rayon::join(run, run);
        assert_eq!(a, b);
        for (n, t) in a.iter().zip(&texts) {
            assert_eq!(n.as_str(), t);
        }
    }
}
