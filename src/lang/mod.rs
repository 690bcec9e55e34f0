//! Source and config files → `FileFacts`. The only code that imports
//! parsers (Prism for Ruby, tree-sitter to split ERB templates, oxc for
//! TypeScript/JavaScript).
//!
//! Input: a file's bytes, its language and the plan's `Interest`. Output:
//! `FileFacts`. Grammars and queries are compiled once per process; parsers
//! are kept per thread; no syntax tree outlives the call that parsed it.

pub mod config;
pub mod modules;
pub mod nesting;
pub mod prism_tree;
pub mod prisma;
pub mod routes;
pub mod ruby;
pub mod scope;
pub mod sfc;
pub mod template;
mod ts_async;
pub mod ts_http;
pub mod ts_payload;
mod ts_response;
pub mod typescript;

use crate::facts::{Call, EnvRead, FileFacts, Interest, JsonKey, KeyOp, Lang, Scope};
use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;
use std::cell::{Cell, RefCell};

use std::time::{Duration, Instant};
use tree_sitter::{Node, ParseOptions, Parser, Range, Tree};

/// A parse that takes longer than this is abandoned (pathological input);
/// the file then counts as a parse error.
pub const PARSE_BUDGET: Duration = Duration::from_secs(10);

/// Where one file's time went (for `--timings`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Timing {
    pub parse: Duration,
    pub extract: Duration,
}

/// Collects one file's facts.
#[derive(Default)]
pub struct Builder {
    pub facts: FileFacts,
    scope_ids: HashMap<usize, u32>,
    /// TypeScript: module-level variables typed as a class (`const repo =
    /// new UserRepository()`), as (variable, class), in declaration order.
    pub module_typed: Vec<(String, String)>,
}

impl Builder {
    /// The `facts.scopes` index of the function body around `pos`.
    pub fn function_scope(&mut self, table: &scope::ScopeTable, pos: usize) -> Option<u32> {
        let i = table.function_at(pos)?;
        Some(self.scope(&table.entries[i], i))
    }

    /// The `facts.scopes` index of a scope-table entry, added on first use.
    pub fn scope(&mut self, e: &scope::Entry, table_idx: usize) -> u32 {
        if let Some(i) = self.scope_ids.get(&table_idx) {
            return *i;
        }
        let i = self.facts.scopes.len() as u32;
        self.facts.scopes.push(Scope {
            name: e.name.clone(),
            start_line: e.start_line,
            end_line: e.end_line,
        });
        self.scope_ids.insert(table_idx, i);
        i
    }
}

/// Source text for messages: whitespace folded, at most 60 characters.
pub fn truncate(s: &str) -> String {
    // Only the start can show: folding a long receiver (a chain of 10,000
    // calls) whole for each of its calls would be quadratic.
    let cut = s.char_indices().nth(1024).map_or(s.len(), |(i, _)| i);
    let s = s[..cut].split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() > 60 {
        let t: String = s.chars().take(57).collect();
        format!("{t}...")
    } else {
        s
    }
}

pub fn line_of(n: Node) -> u32 {
    n.start_position().row as u32 + 1
}

/// A node's text; invalid UTF-8 is replaced, never an error.
pub fn node_text<'a>(n: Node, src: &'a [u8]) -> Cow<'a, str> {
    let bytes = src.get(n.start_byte()..n.end_byte()).unwrap_or(&[]);
    String::from_utf8_lossy(bytes)
}

/// The value of a string literal without interpolation, else `None`.
pub fn string_literal<'a>(n: Node, src: &'a [u8]) -> Option<Cow<'a, str>> {
    let mut cur = n.walk();
    let mut out: Option<Cow<'a, str>> = None;
    for c in n.named_children(&mut cur) {
        match c.kind() {
            "string_content" | "string_fragment" => {
                if out.is_some() {
                    return None;
                }
                out = Some(node_text(c, src));
            }
            "escape_sequence" | "interpolation" | "template_substitution" => return None,
            _ => {}
        }
    }
    Some(out.unwrap_or(Cow::Borrowed("")))
}

/// Keys read through Postgres JSON operators in a SQL string:
/// `column->>'key'`, `column -> 'key'`, `"column"->>'key'`.
pub fn sql_keys(n: Node, src: &[u8], interest: &Interest) -> Vec<JsonKey> {
    sql_keys_in(&node_text(n, src), line_of(n), interest)
}

/// `sql_keys` on a string's text starting at line `base_line`.
pub fn sql_keys_in(text: &str, base_line: u32, interest: &Interest) -> Vec<JsonKey> {
    let mut out = Vec::new();
    if !text.contains("->") {
        return out;
    }
    if interest.all {
        return sql_keys_any(text, base_line);
    }
    for col in &interest.columns {
        let mut from = 0;
        while let Some(i) = text[from..].find(col.as_str()).map(|i| i + from) {
            from = i + col.len();
            let before_ok = i == 0 || {
                let c = text.as_bytes()[i - 1];
                !(c.is_ascii_alphanumeric() || c == b'_')
            };
            if !before_ok {
                continue;
            }
            let rest = text[from..].trim_start_matches('"');
            let rest = rest.trim_start();
            let Some(rest) = rest.strip_prefix("->>").or_else(|| rest.strip_prefix("->")) else {
                continue;
            };
            let rest = rest.trim_start();
            let Some(rest) = rest.strip_prefix('\'') else {
                continue;
            };
            let Some(end) = rest.find('\'') else { continue };
            let Some(key) = sql_json_key(&rest[..end]) else {
                continue;
            };
            let line = base_line + text[..i].matches('\n').count() as u32;
            out.push(JsonKey {
                column: col.clone(),
                key: key.to_string(),
                op: KeyOp::Read,
                line,
                recv: sql_qualifier(&text[..i]),
                recv_class: None,
            });
        }
    }
    out
}

/// The top-level key a quoted operand of `->`/`->>` reads: the key itself
/// (Postgres, `metadata->>'k'`), or the first member of a MySQL/SQLite JSON
/// path (`details->'$.purchases[*].product_id'` reads `purchases`,
/// `'$."a b".c'` reads `a b`); `None` for an empty key, one across lines,
/// or a path that starts with an index or a wildcard (`'$[0]'`, `'$.*'`).
fn sql_json_key(quoted: &str) -> Option<&str> {
    let key = match quoted.strip_prefix('$') {
        None => quoted,
        Some(path) => {
            let member = path.strip_prefix('.')?;
            // A quoted member, its quotes escaped in the source string
            // or not (`'$.\"a b\".c'` in a Ruby string).
            match member.strip_prefix("\\\"").or_else(|| member.strip_prefix('"')) {
                Some(q) => q[..q.find('"')?].trim_end_matches('\\'),
                None => &member[..member.find(['.', '[']).unwrap_or(member.len())],
            }
        }
    };
    (!key.is_empty() && !key.contains('\n') && key != "*").then_some(key)
}

/// `sql_keys_in` for every column: each identifier (a maximal run of ASCII
/// letters, digits and `_`) followed by `->`/`->>` and a quoted key, in the
/// order they occur. For a column `c`, the keys it yields are exactly those
/// `sql_keys_in` yields when `c` is the only column of interest.
fn sql_keys_any(text: &str, base_line: u32) -> Vec<JsonKey> {
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !ident(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && ident(bytes[i]) {
            i += 1;
        }
        let col = &text[start..i];
        let rest = text[i..].trim_start_matches('"').trim_start();
        let Some(rest) = rest.strip_prefix("->>").or_else(|| rest.strip_prefix("->")) else {
            continue;
        };
        let Some(rest) = rest.trim_start().strip_prefix('\'') else {
            continue;
        };
        let Some(end) = rest.find('\'') else { continue };
        let Some(key) = sql_json_key(&rest[..end]) else {
            continue;
        };
        out.push(JsonKey {
            column: col.to_string(),
            key: key.to_string(),
            op: KeyOp::Read,
            line: base_line + text[..start].matches('\n').count() as u32,
            recv: sql_qualifier(&text[..start]),
            recv_class: None,
        });
    }
    out
}

/// The table (or alias) that qualifies a column in SQL, from the text just
/// before the column: `affiliations.` in `affiliations.metadata->>'k'`,
/// `"affiliations".` quoted.
fn sql_qualifier(before: &str) -> Option<String> {
    let b = before.strip_suffix('"').unwrap_or(before);
    let b = b.strip_suffix('.')?;
    let b = b.strip_suffix('"').unwrap_or(b);
    let ident = b
        .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .next()
        .filter(|t| !t.is_empty() && !t.as_bytes()[0].is_ascii_digit())?;
    Some(ident.to_string())
}

/// Compile the queries of these languages now, in parallel (query
/// compilation is a fixed cost of tens of milliseconds per language; doing
/// it up front on all cores keeps it off the per-file path).
pub fn warm_up(langs: &[Lang]) {
    // Prism (Ruby) and oxc (TypeScript/JavaScript) need no compiled
    // queries; nothing is left to warm up.
    let _ = langs;
}

/// Stack size of threads that parse: oxc's parser and the fact walks
/// recurse once per nesting level, bounded by `nesting` and
/// `typescript::MAX_VISIT_DEPTH`.
pub const STACK_SIZE: usize = 16 << 20;

/// Nesting (see `nesting::estimate`) that a `STACK_SIZE` stack parses with
/// room to spare (measured: under 4 KiB per level for the deepest shapes).
const INLINE_NESTING: usize = 400;

/// Nesting above which a TypeScript/JavaScript file is not parsed (too
/// deep); up to it, parsing runs on a thread with `NESTING_STACK_PER_LEVEL`
/// bytes of stack per level.
pub const MAX_NESTING: usize = 20_000;
const NESTING_STACK_PER_LEVEL: usize = 16 << 10;

thread_local! {
    static BIG_STACK: Cell<bool> = const { Cell::new(false) };
}

/// Declare that the current thread has a `STACK_SIZE` stack (called by the
/// audit's pool threads as they start).
pub fn mark_big_stack() {
    BIG_STACK.with(|b| b.set(true));
}

/// Run `f` on a stack of at least `bytes`: here when this thread is known to
/// have one, else on a new thread. `None` if no such thread can be started.
fn on_stack<R: Send>(bytes: usize, f: impl FnOnce() -> R + Send) -> Option<R> {
    if bytes <= STACK_SIZE && BIG_STACK.with(|b| b.get()) {
        return Some(f());
    }
    std::thread::scope(|s| {
        let h = std::thread::Builder::new()
            .stack_size(bytes.max(STACK_SIZE))
            .spawn_scoped(s, f)
            .ok()?;
        match h.join() {
            Ok(r) => Some(r),
            Err(e) => std::panic::resume_unwind(e),
        }
    })
}

/// Only parse a TypeScript/JavaScript source (no facts), as `extract` would.
/// Returns whether it parsed without errors.
fn ts_parse_only(lang: Lang, src: &[u8]) -> bool {
    let text = String::from_utf8_lossy(src);
    let nesting = nesting::estimate(text.as_bytes(), lang == Lang::Tsx, MAX_NESTING);
    if nesting > MAX_NESTING {
        return false;
    }
    let bytes = STACK_SIZE + nesting * NESTING_STACK_PER_LEVEL;
    on_stack(bytes, || typescript::parse_only(lang, &text)).unwrap_or(false)
}

/// TypeScript/JavaScript: oxc, on a stack sized for the source's nesting.
fn extract_ts(lang: Lang, src: &[u8], interest: &Interest, b: &mut Builder, t: &mut Timing) {
    let start = Instant::now();
    let text = String::from_utf8_lossy(src);
    *b = ts_facts(lang, &text, interest);
    t.parse += start.elapsed();
}

/// Facts of a TypeScript/JavaScript source, parsed on a stack sized for its
/// nesting (none, and `too_deep`, above `MAX_NESTING`).
fn ts_facts(lang: Lang, text: &str, interest: &Interest) -> Builder {
    let mut b = Builder::default();
    let nesting = nesting::estimate(text.as_bytes(), lang == Lang::Tsx, MAX_NESTING);
    if nesting > MAX_NESTING {
        b.facts.too_deep = true;
        return b;
    }
    let bytes = if nesting <= INLINE_NESTING {
        STACK_SIZE
    } else {
        STACK_SIZE + nesting * NESTING_STACK_PER_LEVEL
    };
    let done = on_stack(bytes, || {
        let mut local = Builder::default();
        let ok = typescript::extract(lang, text, interest, &mut local);
        (ok, local)
    });
    match done {
        Some((ok, local)) => {
            b = local;
            b.facts.parse_error |= !ok;
        }
        None => b.facts.parse_error = true,
    }
    b
}

/// Vue and Svelte components: the script blocks in place (true lines), then
/// each template expression on its own line. A template expression that
/// does not parse is skipped: templates are not TypeScript, and their
/// syntax errors are not the file's.
fn extract_component(lang: Lang, src: &[u8], interest: &Interest, b: &mut Builder, t: &mut Timing) {
    let start = Instant::now();
    let text = String::from_utf8_lossy(src);
    let split = if lang == Lang::Vue {
        sfc::vue(&text)
    } else {
        sfc::svelte(&text)
    };
    let script_lang = if split.typescript {
        Lang::TypeScript
    } else {
        Lang::Tsx
    };
    *b = ts_facts(script_lang, &split.script, interest);
    for (line, code) in &split.expressions {
        // `@click="a(); b()"` is statements, anything else an expression.
        let (open, close) = if code.contains(';') {
            ('{', '}')
        } else {
            ('(', ')')
        };
        let mut mini = "\n".repeat(line.saturating_sub(1) as usize);
        mini.push(open);
        mini.push_str(code);
        mini.push(close);
        let e = ts_facts(script_lang, &mini, interest).facts;
        b.facts.too_deep |= e.too_deep;
        // A receiver the script declares typed as a class holds that class
        // (`repo.findAll()` after `const repo = new UserRepository()`).
        let typed = |r: crate::facts::Recv| match r {
            crate::facts::Recv::Expr(t) => match b.module_typed.iter().rev().find(|(v, _)| *v == t) {
                Some((_, class)) => crate::facts::Recv::Const(class.into()),
                None => crate::facts::Recv::Expr(t),
            },
            r => r,
        };
        let calls: Vec<Call> = e
            .calls
            .into_iter()
            .map(|c| Call {
                scope: None,
                recv: typed(c.recv),
                ..c
            })
            .collect();
        b.facts.calls.extend(calls);
        b.facts
            .env_reads
            .extend(e.env_reads.into_iter().map(|r| EnvRead { scope: None, ..r }));
        b.facts.dynamic.extend(e.dynamic);
        b.facts.config_reads.extend(
            e.config_reads
                .into_iter()
                .map(|r| crate::facts::ConfigRead { scope: None, ..r }),
        );
        b.facts.json_keys.extend(e.json_keys);
        b.facts.json_opaque.extend(e.json_opaque);
    }
    t.parse += start.elapsed();
}

thread_local! {
    static PARSERS: RefCell<HashMap<Lang, Parser>> = RefCell::new(HashMap::default());
}

fn language(lang: Lang) -> tree_sitter::Language {
    match lang {
        Lang::Erb => tree_sitter_embedded_template::LANGUAGE.into(),
        Lang::Ruby | Lang::Haml | Lang::Slim => unreachable!("Ruby is parsed with Prism"),
        Lang::TypeScript | Lang::Tsx | Lang::Vue | Lang::Svelte => {
            unreachable!("TypeScript, JavaScript and components are parsed with oxc")
        }
    }
}

/// Parse with this thread's parser for `lang`.
fn parse(lang: Lang, src: &[u8], ranges: Option<&[Range]>) -> Option<Tree> {
    PARSERS.with(|p| {
        let mut map = p.borrow_mut();
        let parser = map.entry(lang).or_insert_with(|| {
            let mut parser = Parser::new();
            parser
                .set_language(&language(lang))
                .expect("bundled grammar matches the tree-sitter version");
            parser
        });
        parser.reset();
        let ok = match ranges {
            Some(r) => parser.set_included_ranges(r).is_ok(),
            None => parser.set_included_ranges(&[]).is_ok(),
        };
        if !ok {
            return None;
        }
        let deadline = Instant::now() + PARSE_BUDGET;
        let mut over_budget = |_: &tree_sitter::ParseState| Instant::now() > deadline;
        let len = src.len();
        parser.parse_with_options(
            &mut |i, _| if i < len { &src[i..] } else { &[] },
            None,
            Some(ParseOptions::new().progress_callback(&mut over_budget)),
        )
    })
}

/// What a bare parse of one file produced (for the benchmark's parse floor,
/// which must parse exactly as an audit does, without queries or facts).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ParseOnly {
    /// Nodes in the tree-sitter tree (the ERB template; Prism's Ruby trees
    /// are not counted).
    pub nodes: u64,
    /// No tree at all, or a tree with syntax errors (for ERB, in the
    /// template layer, as for an audit).
    pub error: bool,
}

/// Parse `src` as `lang` exactly as `extract` does (Ruby with Prism; ERB:
/// the template with tree-sitter, then its Ruby as one blanked buffer with
/// Prism; HAML and Slim: their Ruby buffer with Prism), and only count the
/// tree-sitter nodes.
pub fn parse_only(lang: Lang, src: &[u8]) -> ParseOnly {
    if matches!(lang, Lang::TypeScript | Lang::Tsx) {
        // oxc builds no tree-sitter nodes to count.
        return ParseOnly {
            nodes: 0,
            error: !ts_parse_only(lang, src),
        };
    }
    if matches!(lang, Lang::Vue | Lang::Svelte) {
        // Components: their scripts as TypeScript/JavaScript.
        let text = String::from_utf8_lossy(src);
        let split = if lang == Lang::Vue {
            sfc::vue(&text)
        } else {
            sfc::svelte(&text)
        };
        let script_lang = if split.typescript {
            Lang::TypeScript
        } else {
            Lang::Tsx
        };
        return ParseOnly {
            nodes: 0,
            error: !ts_parse_only(script_lang, split.script.as_bytes()),
        };
    }
    // Ruby with Prism (its trees are not walked: no nodes counted).
    let prism = |buf: &[u8]| {
        on_stack(STACK_SIZE, || {
            let r = ruby::parse(buf);
            ruby::status(&r).errors
        })
        .unwrap_or(true)
    };
    match lang {
        Lang::Ruby => {
            return ParseOnly {
                nodes: 0,
                error: prism(src),
            };
        }
        Lang::Haml => {
            let _ = prism(&template::haml_ruby(src));
            return ParseOnly::default();
        }
        Lang::Slim => {
            let _ = prism(&template::slim_ruby(src));
            return ParseOnly::default();
        }
        _ => {}
    }
    let Some(tree) = parse(lang, src, None) else {
        return ParseOnly {
            nodes: 0,
            error: true,
        };
    };
    let root = tree.root_node();
    let out = ParseOnly {
        nodes: root.descendant_count() as u64,
        error: root.has_error(),
    };
    if lang == Lang::Erb {
        let spans: Vec<(usize, usize)> = erb_code_ranges(root)
            .iter()
            .map(|r| (r.start_byte, r.end_byte))
            .collect();
        if !spans.is_empty() {
            let _ = prism(&ruby::blank_template(src, &spans));
        }
    }
    out
}

/// Parse `src` as `lang` and extract its facts. A tree with syntax errors
/// still yields the facts of its valid parts; `parse_error` is then set.
pub fn extract(lang: Lang, src: &[u8], interest: &Interest) -> FileFacts {
    extract_timed(lang, src, interest).0
}

/// `extract`, also saying how long parsing and extraction took.
pub fn extract_timed(lang: Lang, src: &[u8], interest: &Interest) -> (FileFacts, Timing) {
    let mut b = Builder::default();
    let mut t = Timing::default();
    let timed_parse = |l: Lang, ranges: Option<&[Range]>, t: &mut Timing| {
        let start = Instant::now();
        let tree = parse(l, src, ranges);
        t.parse += start.elapsed();
        tree
    };
    match lang {
        Lang::TypeScript | Lang::Tsx => extract_ts(lang, src, interest, &mut b, &mut t),
        Lang::Vue | Lang::Svelte => extract_component(lang, src, interest, &mut b, &mut t),
        Lang::Ruby => {
            let status = ruby_facts(src, interest, &mut b, &mut t);
            b.facts.parse_error = status.errors;
        }
        Lang::Haml | Lang::Slim => {
            // Like ERB: one Ruby buffer with the view's lines; its syntax
            // errors are not the view's.
            let start = Instant::now();
            let buf = if lang == Lang::Haml {
                template::haml_ruby(src)
            } else {
                template::slim_ruby(src)
            };
            t.parse += start.elapsed();
            ruby_facts(&buf, interest, &mut b, &mut t);
        }
        Lang::Erb => {
            let ranges = match timed_parse(Lang::Erb, None, &mut t) {
                Some(tree) => {
                    b.facts.parse_error = tree.root_node().has_error();
                    erb_code_ranges(tree.root_node())
                }
                None => {
                    b.facts.parse_error = true;
                    Vec::new()
                }
            };
            // One Ruby buffer per template, the markup blanked out. ERB
            // output tags glued together are not always valid Ruby, so
            // syntax errors in the Ruby layer do not count as parse errors.
            if !ranges.is_empty() {
                let spans: Vec<(usize, usize)> = ranges.iter().map(|r| (r.start_byte, r.end_byte)).collect();
                let buf = ruby::blank_template(src, &spans);
                ruby_facts(&buf, interest, &mut b, &mut t);
                href_helpers_are_links(src, &spans, &mut b.facts.path_helpers);
            }
        }
    }
    (b.facts, t)
}

/// Parse Ruby with Prism and extract its facts into `b`; says whether the
/// parse had syntax errors. Nesting beyond Prism's limit (or the walker's)
/// sets `too_deep` instead. Runs on a `STACK_SIZE` stack (Prism's parser
/// recurses, down to its own limit of 10,000 levels: under 8 MB).
fn ruby_facts(src: &[u8], interest: &Interest, b: &mut Builder, t: &mut Timing) -> ruby::ParseStatus {
    ruby_facts_and_structure(src, interest, b, t, false).0
}

/// Ruby: the facts of `extract` and, from the same parse, the ancestry of
/// `extract_structure` (`seamscan index` stores both).
pub fn extract_ruby_with_structure(
    src: &[u8],
    interest: &Interest,
) -> (FileFacts, Vec<crate::facts::Ancestry>, Timing) {
    let mut b = Builder::default();
    let mut t = Timing::default();
    let (status, structure) = ruby_facts_and_structure(src, interest, &mut b, &mut t, true);
    b.facts.parse_error = status.errors;
    (b.facts, structure, t)
}

fn ruby_facts_and_structure(
    src: &[u8],
    interest: &Interest,
    b: &mut Builder,
    t: &mut Timing,
    with_structure: bool,
) -> (ruby::ParseStatus, Vec<crate::facts::Ancestry>) {
    let run = |b: &mut Builder, t: &mut Timing| {
        let start = Instant::now();
        let result = ruby::parse(src);
        t.parse += start.elapsed();
        let start = Instant::now();
        let mut status = ruby::status(&result);
        status.too_deep |= ruby::extract(&result, src, interest, b);
        b.facts.too_deep |= status.too_deep;
        // The errors that follow a nesting error are its consequence.
        if status.too_deep {
            status.errors = false;
        }
        let mut structure = Vec::new();
        if with_structure {
            let mut sb = Builder::default();
            ruby::extract_structure(&result, src, &mut sb);
            structure = sb.facts.ancestry;
        }
        drop(result);
        t.extract += start.elapsed();
        (status, structure)
    };
    let spawned = on_stack(STACK_SIZE, || {
        let mut b2 = Builder::default();
        let mut t2 = Timing::default();
        let (status, structure) = run(&mut b2, &mut t2);
        (b2.facts, t2, status, structure)
    });
    match spawned {
        Some((facts, t2, status, structure)) => {
            merge_facts(&mut b.facts, facts);
            t.parse += t2.parse;
            t.extract += t2.extract;
            (status, structure)
        }
        // No thread could be had: the file counts as not parsed.
        None => (
            ruby::ParseStatus {
                errors: true,
                too_deep: false,
            },
            Vec::new(),
        ),
    }
}

/// Only the classes, modules and ancestry statements of a Ruby file (for a
/// file that mentions no plan name: it may still be a link of an owner's
/// ancestor chain). Syntax errors are not reported: the file is not
/// audited.
pub fn extract_structure(src: &[u8]) -> (Vec<crate::facts::Ancestry>, Timing) {
    let run = || {
        let mut b = Builder::default();
        let mut t = Timing::default();
        let start = Instant::now();
        let result = ruby::parse(src);
        t.parse += start.elapsed();
        let start = Instant::now();
        ruby::extract_structure(&result, src, &mut b);
        drop(result);
        t.extract += start.elapsed();
        (b.facts.ancestry, t)
    };
    on_stack(STACK_SIZE, run).unwrap_or_default()
}

/// Append `more` (facts of another buffer of the same file) to `into`.
/// Destructured whole, so that a new kind of fact cannot be forgotten.
fn merge_facts(into: &mut FileFacts, more: FileFacts) {
    let FileFacts {
        defs,
        calls,
        scopes,
        dynamic,
        env_reads,
        json_keys,
        json_opaque,
        config_defs,
        renames,
        column_defs,
        table_names,
        ancestry,
        visibility,
        reflection,
        imports,
        exports,
        classes,
        module_config,
        env_objects,
        object_literals,
        config_reads,
        sigs,
        enqueues,
        queue_decls,
        events,
        flags,
        queue_listens,
        bull,
        job_fns,
        str_consts,
        env_object_keys,
        url_helpers,
        const_values,
        routes,
        routes_unread,
        http_calls,
        url_mentions,
        http_bases,
        path_helpers,
        callbacks,
        authorizes,
        policy_bodies,
        param_reads,
        form_sends,
        builder_fields,
        server_routes,
        route_mounts,
        router_prefixes,
        global_prefixes,
        uri_versioning,
        payload_keys,
        render_refs,
        effects,
        fn_spans,
        client_wrappers,
        wrapper_calls,
        key_formats,
        thrown_keys,
        error_handlers,
        parse_error,
        too_deep,
    } = more;
    let base = into.scopes.len() as u32;
    let call_base = into.http_calls.len() as u32;
    into.payload_keys.extend(payload_keys.into_iter().map(|mut k| {
        k.scope = k.scope.map(|i| i + base);
        k.call = k.call.map(|i| i + call_base);
        k
    }));
    into.render_refs.extend(render_refs.into_iter().map(|mut r| {
        r.scope = r.scope.map(|i| i + base);
        r
    }));
    into.fn_spans.extend(fn_spans);
    into.client_wrappers.extend(client_wrappers);
    into.key_formats.extend(key_formats);
    into.thrown_keys.extend(thrown_keys);
    into.url_mentions.extend(url_mentions);
    into.error_handlers.extend(error_handlers);
    into.wrapper_calls.extend(wrapper_calls.into_iter().map(|mut w| {
        w.http_call = w.http_call.map(|i| i + call_base);
        w
    }));
    into.effects.extend(effects.into_iter().map(|mut e| {
        e.scope = e.scope.map(|i| i + base);
        e
    }));
    let shift = |s: Option<u32>| s.map(|i| i + base);
    into.defs.extend(defs);
    into.calls.extend(calls.into_iter().map(|mut c| {
        c.scope = shift(c.scope);
        c
    }));
    into.env_reads.extend(env_reads.into_iter().map(|mut e| {
        e.scope = shift(e.scope);
        e
    }));
    into.scopes.extend(scopes);
    into.dynamic.extend(dynamic);
    into.json_keys.extend(json_keys);
    into.json_opaque.extend(json_opaque);
    into.config_defs.extend(config_defs);
    into.renames.extend(renames);
    into.column_defs.extend(column_defs);
    into.table_names.extend(table_names);
    into.ancestry.extend(ancestry);
    into.visibility.extend(visibility);
    into.reflection.extend(reflection);
    into.imports.extend(imports);
    into.exports.extend(exports);
    into.classes.extend(classes);
    if module_config.is_some() {
        into.module_config = module_config;
    }
    into.env_objects.extend(env_objects);
    into.object_literals.extend(object_literals);
    into.config_reads.extend(config_reads.into_iter().map(|mut r| {
        r.scope = shift(r.scope);
        r
    }));
    into.sigs.extend(sigs);
    into.enqueues.extend(enqueues);
    into.queue_decls.extend(queue_decls);
    into.events.extend(events);
    into.flags.extend(flags);
    into.queue_listens.extend(queue_listens);
    into.bull.extend(bull.into_iter().map(|mut u| {
        u.scope = shift(u.scope);
        u
    }));
    into.job_fns.extend(job_fns);
    into.str_consts.extend(str_consts);
    into.env_object_keys.extend(env_object_keys);
    into.url_helpers |= url_helpers;
    into.const_values.extend(const_values);
    into.routes.extend(routes);
    into.routes_unread.extend(routes_unread);
    into.http_calls.extend(http_calls);
    into.http_bases.extend(http_bases);
    into.path_helpers.extend(path_helpers);
    into.callbacks.extend(callbacks);
    into.policy_bodies.extend(policy_bodies);
    into.param_reads.extend(param_reads.into_iter().map(|mut r| {
        r.scope = shift(r.scope);
        r
    }));
    into.form_sends.extend(form_sends);
    into.builder_fields.extend(builder_fields);
    into.server_routes.extend(server_routes);
    into.route_mounts.extend(route_mounts);
    into.router_prefixes.extend(router_prefixes);
    into.global_prefixes.extend(global_prefixes);
    into.uri_versioning.extend(uri_versioning);
    into.authorizes.extend(authorizes.into_iter().map(|mut a| {
        a.scope = shift(a.scope);
        a
    }));
    into.parse_error |= parse_error;
    into.too_deep |= too_deep;
}

/// A path helper written as a link's target, `<a href="<%= x_path %>">`, is
/// requested with GET: on a line where every ERB tag is the value of an
/// `href` attribute, its helpers without a verb get GET.
fn href_helpers_are_links(src: &[u8], spans: &[(usize, usize)], helpers: &mut [crate::facts::PathHelper]) {
    let mut href = std::collections::BTreeSet::new();
    let mut other = std::collections::BTreeSet::new();
    // Spans come in source order: count lines as we go (linear).
    let (mut line, mut counted) = (1u32, 0usize);
    for &(start, _) in spans {
        let start = start.min(src.len());
        line += src[counted.min(start)..start]
            .iter()
            .filter(|&&c| c == b'\n')
            .count() as u32;
        counted = counted.max(start);
        // The tag that holds the code opens a few bytes before it (`<%=`,
        // `<%==`, `<%-`, spaces), and the markup before the tag ends with
        // `href="`.
        let near = start.saturating_sub(8);
        let Some(tag) = src[near..start].windows(2).rposition(|w| w == b"<%") else {
            other.insert(line);
            continue;
        };
        let before = src[..near + tag].trim_ascii_end();
        let is_href = [&b"href=\""[..], b"href='", b"href="]
            .iter()
            .any(|a| before.len() >= a.len() && before[before.len() - a.len()..].eq_ignore_ascii_case(a));
        if is_href { &mut href } else { &mut other }.insert(line);
    }
    for h in helpers.iter_mut() {
        if h.verb.is_none() && href.contains(&h.line) && !other.contains(&h.line) {
            h.verb = Some("GET".to_string());
        }
    }
}

/// The byte ranges of Ruby code inside `<% %>` / `<%= %>` tags.
fn erb_code_ranges(root: Node) -> Vec<Range> {
    let mut out = Vec::new();
    let mut cursor = root.walk();
    // Directives are children of the template root (iterative, no recursion).
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        for c in n.named_children(&mut cursor) {
            match c.kind() {
                "code" => out.push(c.range()),
                "comment_directive" | "content" | "comment" => {}
                _ => stack.push(c),
            }
        }
    }
    out.sort_by_key(|r| r.start_byte);
    out
}

#[cfg(test)]
mod tests;
