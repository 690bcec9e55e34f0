//! Compiled tree-sitter queries with typed capture names.
//!
//! Each language lists its `queries/<lang>/*.scm` files; they are concatenated
//! into one `Query` (one pass over the tree), compiled once per process, and
//! every capture name is mapped to the language's capture enum up front, so a
//! capture the Rust side does not handle is a startup error (and a unit test
//! failure), never a silently ignored one.

use tree_sitter::{Language, Node, Query, QueryCursor, StreamingIterator};

/// Matches start at most this deep in the tree. tree-sitter's matcher is
/// quadratic in the depth of a chain of nested nodes (`a.b.c....` 10,000
/// times); real code nests far less. Files deeper than this are reported
/// (see `lang::too_deep`).
pub const MAX_START_DEPTH: u32 = 400;

pub struct Compiled<C> {
    pub query: Query,
    caps: Vec<Option<C>>,
}

impl<C: Copy> Compiled<C> {
    /// Compile `sources` (file name, text) for `language`. Capture names that
    /// start with `_` are predicate helpers and are not reported.
    pub fn new(language: &Language, sources: &[(&str, &str)], parse: fn(&str) -> Option<C>) -> Compiled<C> {
        let text: String = sources.iter().map(|(_, s)| format!("{s}\n")).collect();
        let query = match Query::new(language, &text) {
            Ok(q) => q,
            Err(e) => panic!(
                "bundled query does not compile: {e} (files: {:?})",
                names(sources)
            ),
        };
        let caps = query
            .capture_names()
            .iter()
            .map(|n| {
                if n.starts_with('_') {
                    None
                } else {
                    match parse(n) {
                        Some(c) => Some(c),
                        None => panic!("capture @{n} in {:?} is not handled", names(sources)),
                    }
                }
            })
            .collect();
        Compiled { query, caps }
    }

    /// Run the query over `root` and call `f` once per match with the typed
    /// captures of that match.
    pub fn for_each<'t>(&self, root: Node<'t>, src: &[u8], mut f: impl FnMut(&[(C, Node<'t>)])) {
        let mut cursor = QueryCursor::new();
        cursor.set_max_start_depth(Some(MAX_START_DEPTH));
        let mut buf: Vec<(C, Node<'t>)> = Vec::with_capacity(8);
        let mut matches = cursor.matches(&self.query, root, src);
        while let Some(m) = matches.next() {
            buf.clear();
            for c in m.captures {
                if let Some(Some(kind)) = self.caps.get(c.index as usize) {
                    buf.push((*kind, c.node));
                }
            }
            if !buf.is_empty() {
                f(&buf);
            }
        }
    }
}

fn names<'a>(sources: &'a [(&'a str, &'a str)]) -> Vec<&'a str> {
    sources.iter().map(|(n, _)| *n).collect()
}

/// Look up a capture in one match.
pub fn get<'t, C: PartialEq + Copy>(m: &[(C, Node<'t>)], c: C) -> Option<Node<'t>> {
    m.iter().find(|(k, _)| *k == c).map(|(_, n)| *n)
}

/// The capture names a query source defines (for the coverage test).
#[cfg(test)]
pub fn capture_names_in(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b = source.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b';' {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            continue;
        }
        if b[i] == b'@' {
            let s = i + 1;
            let mut e = s;
            while e < b.len() && (b[e].is_ascii_alphanumeric() || b[e] == b'_' || b[e] == b'.') {
                e += 1;
            }
            out.push(source[s..e].to_string());
            i = e;
            continue;
        }
        i += 1;
    }
    out
}
