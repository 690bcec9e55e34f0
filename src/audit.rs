//! The audit: plan → workspace walk → per-file facts → checks → `Report`.
//!
//! Like ripgrep's `search_parallel`: the sorted file list is processed with
//! rayon's indexed (order-keeping) map, so results do not depend on the
//! number of threads. Every file is read once and parsed at most once; an
//! Aho-Corasick automaton over every plan name decides which files can
//! matter and are parsed at all.

use crate::cache::{self, Cache, Mode};
use crate::checks;
use crate::facts::{FactIndex, FileFacts, FileIdx, FileMeta, Interest, Lang, Recv, Via, name_forms};
use crate::findings::{Code, Report, Stats, Timings};
use crate::lang;
use crate::msg;
use crate::plan::{Kind, MethodName, Plan, PlanError, RouteName};
use crate::text::Text;
use crate::workspace::{self, Classifier, WalkedFile, WorkspaceError};
use aho_corasick::AhoCorasick;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Source files larger than this are not parsed (minified bundles, dumps).
pub const MAX_PARSE_BYTES: usize = 4 * 1024 * 1024;
/// Stack of each worker thread. Every walk over a syntax tree is iterative
/// or depth-bounded; this is the second line of defence (tree-sitter's own
/// C code and any helper that follows a chain of nodes get room to spare).
/// It is address space, not memory: untouched pages are never committed.
pub const WORKER_STACK_BYTES: usize = 32 * 1024 * 1024;
/// Files larger than this are not read at all.
pub const MAX_READ_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
    #[error("cannot start {0} worker threads: {1}")]
    Threads(usize, String),
}

#[derive(Clone, Default)]
pub struct Options {
    /// Worker threads (at least 1).
    pub jobs: usize,
    /// Told how many files the per-file phase has and when each is done
    /// (the CLI's progress bar). Never affects the report.
    pub progress: Option<std::sync::Arc<dyn Progress>>,
    /// The fact cache (`None`: every file is parsed). Never affects the
    /// report, but for `stats.cache_hits` / `cache_misses`.
    pub cache: Option<std::sync::Arc<Cache>>,
    /// The process exits right after this audit (the CLI): the fact index
    /// is left to the operating system instead of being freed. A process
    /// that goes on (the MCP server) frees it.
    pub exits_after: bool,
}

/// Progress of the per-file phase (read, prefilter, parse, extract).
pub trait Progress: Send + Sync {
    fn start(&self, files: u64);
    fn file_done(&self);
    fn finish(&self);
}

/// Words of the files that give a route's payload its shape: jbuilder
/// views (`json.`) and serializer classes (ActiveModel::Serializers,
/// Blueprinter, Alba).
/// `key_format` (Jbuilder's key case) and `deep_transform_keys` (params
/// snake_cased by a callback) change how payload keys are spelled.
const PAYLOAD_WORDS: [&str; 6] = [
    "json.",
    "Serializer",
    "Blueprint",
    "Alba",
    "key_format",
    "deep_transform_keys",
];

/// What the plan makes interesting, and the prefilter over it.
pub struct Prefilter {
    pub interest: Interest,
    pub patterns: Vec<String>,
    /// Per pattern: does it make a source file worth parsing? The others
    /// (the spellings of a planned owner: `LineItem`, `line_item`,
    /// `lineItem`) are only recorded, so that the checks can tell which
    /// files talk about the owner.
    triggers: Vec<bool>,
    /// Per pattern: only a match not followed by an identifier character
    /// counts (`class Owner`, `module Owner`).
    whole_word: Vec<bool>,
    /// Built at its first use: a re-run whose findings are all cached
    /// (`cache::Seen`) never needs it (a 1,000-point plan's took ~15M
    /// instructions on the audit's serial path).
    ac: std::sync::OnceLock<Option<Scanner>>,
    /// The interest's columns, for the cache's decoding (`None`: every
    /// column).
    columns: Option<crate::facts::compact::Columns>,
    /// The interest's names by (first byte, length) and (last byte,
    /// length): a name `close_names` to an identifier has a length within
    /// 2 of it and shares its first or last byte (see `is_name`).
    by_first: HashMap<(u8, usize), Vec<(u64, String)>>,
    by_last: HashMap<(u8, usize), Vec<(u64, String)>>,
    /// Tells this prefilter's memo of `is_name` from another's.
    id: u64,
}

/// The prefilter's automaton: packed (SIMD) searchers for small plans,
/// else a DFA of our own while the patterns are small (`Dense`), else the
/// crate's NFA. `AhoCorasick::new` picks a DFA only up to 100 patterns,
/// and a plan of 50 points already has more; past that its NFA cost a
/// warm audit 30% of its instructions in `mentions` (every byte of every
/// source file goes through it), and the crate's resumable overlapping
/// search keeps its position in memory (~20 instructions a byte on its
/// DFA).
enum Automaton {
    Packed(Box<Packed>),
    Dfa(Box<Dense>),
    Other(AhoCorasick),
}

/// Transitions at most in a `Dense` DFA (16 MB); a larger one is the
/// crate's NFA.
const DENSE_MAX_TRANSITIONS: usize = 1 << 22;

/// An Aho-Corasick DFA of our own: a dense table of premultiplied state
/// numbers by byte class, with the states that end a pattern numbered
/// last, so a byte costs a class lookup, a table load and one compare.
/// The crate's DFA behind its `Automaton` trait cost ~16 instructions a
/// byte in this loop (its table and bounds through the stack) and ~100M
/// to build for a 1,000-point plan; this one ~9.4 a byte (four bytes a
/// step, `dense_next_match`) and ~15M to build (bench/README.md, "Fact
/// cache").
struct Dense {
    /// Byte → class: 0 for bytes no pattern has, else 1 + the byte's rank.
    classes: [u8; 256],
    stride: usize,
    /// `state * stride + class` → the next state, times `stride`.
    trans: Vec<u32>,
    /// States from here on (times `stride`) end at least one pattern.
    first_match: u32,
    /// Per matching state (from `first_match`): the patterns ending there.
    ends: Vec<Vec<u32>>,
    lens: Vec<u32>,
}

impl Dense {
    /// The DFA of `patterns` (none empty), or `None` past
    /// `DENSE_MAX_TRANSITIONS`.
    fn new(patterns: &[&String]) -> Option<Dense> {
        if patterns.iter().any(|p| p.is_empty()) {
            return None;
        }
        let mut seen = [false; 256];
        for p in patterns {
            for b in p.bytes() {
                seen[b as usize] = true;
            }
        }
        let mut classes = [0u8; 256];
        let mut stride = 1usize;
        for (b, s) in seen.iter().enumerate() {
            if *s {
                classes[b] = stride as u8;
                stride += 1;
            }
        }
        // 255 bytes at most make 256 classes; all 256 would not fit a u8.
        if stride > 256 {
            return None;
        }
        let nodes_max = patterns.iter().map(|p| p.len()).sum::<usize>() + 1;
        if nodes_max.saturating_mul(stride) > DENSE_MAX_TRANSITIONS {
            return None;
        }
        // The trie: `goto` has u32::MAX where a node has no child.
        const NONE: u32 = u32::MAX;
        let mut goto: Vec<u32> = vec![NONE; stride];
        let mut kids: Vec<Vec<(u8, u32)>> = vec![Vec::new()];
        let mut own: Vec<Vec<u32>> = vec![Vec::new()];
        for (i, p) in patterns.iter().enumerate() {
            let mut at = 0usize;
            for b in p.bytes() {
                let c = classes[b as usize];
                let next = goto[at * stride + c as usize];
                at = if next == NONE {
                    let n = own.len();
                    own.push(Vec::new());
                    kids.push(Vec::new());
                    goto.extend(std::iter::repeat_n(NONE, stride));
                    goto[at * stride + c as usize] = n as u32;
                    kids[at].push((c, n as u32));
                    n
                } else {
                    next as usize
                };
            }
            own[at].push(i as u32);
        }
        // Breadth first: each node's failure (the longest proper suffix
        // that is a trie node) and its patterns (its own, then its
        // failure's).
        let n = own.len();
        let mut fail = vec![0u32; n];
        let mut order: Vec<u32> = Vec::with_capacity(n);
        order.push(0);
        let mut ends: Vec<Vec<u32>> = vec![Vec::new(); n];
        let mut next = 0;
        while let Some(&u) = order.get(next) {
            next += 1;
            let u = u as usize;
            if u != 0 {
                let mut e = std::mem::take(&mut own[u]);
                e.extend_from_slice(&ends[fail[u] as usize]);
                ends[u] = e;
            }
            for &(c, v) in &kids[u] {
                if u != 0 {
                    let mut f = fail[u] as usize;
                    fail[v as usize] = loop {
                        let g = goto[f * stride + c as usize];
                        if g != NONE {
                            break g;
                        }
                        if f == 0 {
                            break 0;
                        }
                        f = fail[f] as usize;
                    };
                }
                order.push(v);
            }
        }
        // Numbered: states that end no pattern first (the root first),
        // then the others.
        let mut new_id = vec![0u32; n];
        let mut first = 0usize;
        for u in &order {
            if ends[*u as usize].is_empty() {
                new_id[*u as usize] = (first * stride) as u32;
                first += 1;
            }
        }
        let mut matching = Vec::with_capacity(n - first);
        for u in &order {
            if !ends[*u as usize].is_empty() {
                new_id[*u as usize] = ((first + matching.len()) * stride) as u32;
                matching.push(std::mem::take(&mut ends[*u as usize]));
            }
        }
        // Each state's row is its failure's (built before it, breadth
        // first) with its own children over it; the root's goes back to
        // the root.
        let mut table = vec![0u32; n * stride];
        for u in &order {
            let u = *u as usize;
            let row = new_id[u] as usize;
            if u != 0 {
                let from = new_id[fail[u] as usize] as usize;
                table.copy_within(from..from + stride, row);
            }
            for &(c, v) in &kids[u] {
                table[row + c as usize] = new_id[v as usize];
            }
        }
        let (trans, ends) = (table, matching);
        Some(Dense {
            classes,
            stride,
            trans,
            first_match: (first * stride) as u32,
            ends,
            lens: patterns.iter().map(|p| p.len() as u32).collect(),
        })
    }

    fn overlapping(&self, bytes: &[u8], mut each: impl FnMut(usize, usize, usize)) {
        for (sid, end) in dense_match_states(self, bytes) {
            let at = (sid - self.first_match) as usize / self.stride;
            for p in &self.ends[at] {
                each(*p as usize, end - self.lens[*p as usize] as usize, end);
            }
        }
    }
}

/// A pattern that holds a searched pattern.
#[derive(Clone, Copy)]
struct Holder {
    pattern: u32,
    /// Where it holds the searched pattern.
    off: u32,
    /// A byte of it next to the searched pattern (before it when `off` is
    /// not 0, else after it), compared first: most occurrences of `user`
    /// are not in `current_user`.
    next: u8,
}

/// The prefilter's scanner. For plans of up to `HOLDERS_UP_TO` patterns,
/// packed searchers over the patterns that hold no other pattern (`user`,
/// not `class User`, `user_id`, `users_path` or `current_user`), each
/// occurrence of which is checked for the patterns that hold it (at the
/// offset where they do): every occurrence of a pattern holds an
/// occurrence of a searched one, so nothing is missed. A 50-point plan's
/// 176 patterns are 96 such (two packed searchers of 48 instead of six of
/// 32), a 10-point plan's 52 are 26 (one instead of two); see bench/README.md,
/// "Fact cache". Otherwise an `Automaton` over every pattern.
struct Scanner {
    automaton: Automaton,
    /// The patterns the automaton searches (numbers into `patterns`).
    searched: Vec<u32>,
    /// Per searched pattern: the longer patterns found through it.
    holders: Vec<Vec<Holder>>,
    /// Every pattern's bytes.
    patterns: Vec<Vec<u8>>,
}

/// Up to `PACKED_CHUNKS` x `PACKED_PATTERNS` patterns of at least
/// `PACKED_MIN_LEN` bytes: the crate's SIMD searcher (Teddy, as ripgrep
/// uses) finds the leftmost start of any of its
/// patterns at or after a position, many bytes per instruction; every
/// pattern of that searcher is then compared at that start, and the search
/// goes on from the next byte, so overlapping occurrences are all found.
/// See bench/README.md ("Fact cache") for the instruction counts.
struct Packed {
    chunks: Vec<PackedChunk>,
    /// The patterns' bytes.
    patterns: Vec<Vec<u8>>,
}

struct PackedChunk {
    searcher: aho_corasick::packed::Searcher,
    /// The chunk's patterns (numbers into `Packed::patterns`) by first byte.
    by_first: Vec<Vec<u32>>,
}

/// Patterns per packed searcher: up to 32 the crate picks Slim Teddy (8
/// buckets), past that Fat Teddy (16 buckets, half the bytes a step).
/// callgrind of a warm 50-point audit (96 searched patterns): three Slim
/// searchers of 32 187M, two Fat ones of 48 148M.
const PACKED_PATTERNS: usize = 48;
/// Packed searchers at most (each goes over every byte): three Fat ones
/// (~74M each over the 15.8 MB corpus) cost about what the DFA loop does
/// (~243M) whatever its patterns, so larger plans use the DFA.
const PACKED_CHUNKS: usize = 3;
/// Shorter patterns make Teddy's fingerprints (up to the first 4 bytes)
/// match too often to beat the DFA.
const PACKED_MIN_LEN: usize = 3;

impl Packed {
    fn new(patterns: &[&String]) -> Option<Packed> {
        if patterns.is_empty()
            || patterns.len() > PACKED_PATTERNS * PACKED_CHUNKS
            || patterns.iter().any(|p| p.len() < PACKED_MIN_LEN)
        {
            return None;
        }
        let n = patterns.len().div_ceil(PACKED_PATTERNS);
        let per = patterns.len().div_ceil(n);
        let mut chunks = Vec::with_capacity(n);
        for (c, group) in patterns.chunks(per).enumerate() {
            let mut config = aho_corasick::packed::Config::new();
            config
                .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
                .heuristic_pattern_limits(false);
            let searcher = config.builder().extend(group).build()?;
            let mut by_first = vec![Vec::new(); 256];
            for (i, p) in group.iter().enumerate() {
                by_first[p.as_bytes()[0] as usize].push((c * per + i) as u32);
            }
            chunks.push(PackedChunk { searcher, by_first });
        }
        Some(Packed {
            chunks,
            patterns: patterns.iter().map(|p| p.as_bytes().to_vec()).collect(),
        })
    }

    /// Every occurrence (see `Scanner::overlapping`): chunk by chunk, each
    /// chunk's by start.
    fn overlapping(&self, bytes: &[u8], mut each: impl FnMut(usize, usize, usize)) {
        for chunk in &self.chunks {
            let mut at = 0;
            while at < bytes.len() {
                let Some(m) = chunk
                    .searcher
                    .find_in(bytes, aho_corasick::Span::from(at..bytes.len()))
                else {
                    break;
                };
                let start = m.start();
                let rest = &bytes[start..];
                for p in &chunk.by_first[rest[0] as usize] {
                    let pat = &self.patterns[*p as usize];
                    if rest.starts_with(pat) {
                        each(*p as usize, start, start + pat.len());
                    }
                }
                at = start + 1;
            }
        }
    }
}

/// Plans of more patterns than this are searched whole: the patterns
/// that hold no other are about half of them (820 of a 1,000-point plan's
/// 1,476), far too many for the packed searchers, and the DFA costs the same
/// per byte whatever it searches (checking the holders on its matches
/// cost more than it saved).
const HOLDERS_UP_TO: usize = 4 * PACKED_PATTERNS * PACKED_CHUNKS;

impl Scanner {
    fn new(patterns: &[String]) -> Scanner {
        if patterns.len() <= HOLDERS_UP_TO
            && let Some(s) = Scanner::through_held(patterns)
        {
            return s;
        }
        let all: Vec<&String> = patterns.iter().collect();
        Scanner {
            automaton: Automaton::new(&all),
            searched: (0..patterns.len() as u32).collect(),
            holders: vec![Vec::new(); patterns.len()],
            patterns: patterns.iter().map(|p| p.as_bytes().to_vec()).collect(),
        }
    }

    /// The packed searchers over the patterns that hold no other, if they
    /// take them.
    fn through_held(patterns: &[String]) -> Option<Scanner> {
        // Which patterns each pattern holds (itself included), by an
        // automaton over all of them run on each: linear in their bytes.
        let all = AhoCorasick::new(patterns).expect("literal patterns always build");
        let held: Vec<Vec<(usize, usize)>> = patterns
            .iter()
            .map(|p| {
                all.find_overlapping_iter(p.as_str())
                    .map(|m| (m.pattern().as_usize(), m.start()))
                    .collect()
            })
            .collect();
        let searched: Vec<usize> = (0..patterns.len())
            .filter(|i| held[*i].iter().all(|(q, _)| q == i))
            .collect();
        let mut slot = vec![usize::MAX; patterns.len()];
        for (s, p) in searched.iter().enumerate() {
            slot[*p] = s;
        }
        let mut holders = vec![Vec::new(); searched.len()];
        for (p, inside) in held.iter().enumerate() {
            if slot[p] != usize::MAX {
                continue;
            }
            // Through its longest searched pattern (the fewest checks).
            let (q, off) = inside
                .iter()
                .filter(|(q, _)| slot[*q] != usize::MAX)
                .max_by_key(|(q, off)| (patterns[*q].len(), std::cmp::Reverse(*off)))
                .copied()
                .expect("a pattern holds a pattern that holds no other");
            let pat = patterns[p].as_bytes();
            let next = if off > 0 {
                pat[off - 1]
            } else {
                pat[patterns[q].len()]
            };
            holders[slot[q]].push(Holder {
                pattern: p as u32,
                off: off as u32,
                next,
            });
        }
        let inner: Vec<&String> = searched.iter().map(|p| &patterns[*p]).collect();
        Some(Scanner {
            automaton: Automaton::Packed(Box::new(Packed::new(&inner)?)),
            searched: searched.iter().map(|p| *p as u32).collect(),
            holders,
            patterns: patterns.iter().map(|p| p.as_bytes().to_vec()).collect(),
        })
    }

    /// Every occurrence of every pattern in `bytes`, overlapping ones too,
    /// as (pattern, start, end); each pattern's in the order they occur.
    fn overlapping(&self, bytes: &[u8], mut each: impl FnMut(usize, usize, usize)) {
        self.automaton.overlapping(bytes, |s, start, end| {
            each(self.searched[s] as usize, start, end);
            let before = start.checked_sub(1).map(|i| bytes[i]);
            let after = bytes.get(end).copied();
            for h in &self.holders[s] {
                let next = if h.off > 0 { before } else { after };
                if next != Some(h.next) {
                    continue;
                }
                let pat = &self.patterns[h.pattern as usize];
                if let Some(at) = start.checked_sub(h.off as usize)
                    && bytes[at..].starts_with(pat)
                {
                    each(h.pattern as usize, at, at + pat.len());
                }
            }
        });
    }
}

impl Automaton {
    fn new(patterns: &[&String]) -> Automaton {
        if let Some(packed) = Packed::new(patterns) {
            return Automaton::Packed(Box::new(packed));
        }
        // A DFA while its table fits `DENSE_MAX_TRANSITIONS` (the
        // 1,000-point plans have ~20 kB of patterns).
        if let Some(dfa) = Dense::new(patterns) {
            return Automaton::Dfa(Box::new(dfa));
        }
        Automaton::Other(AhoCorasick::new(patterns).expect("literal patterns always build"))
    }

    /// Every occurrence of every pattern in `bytes`, overlapping ones too,
    /// as (pattern, start, end); each pattern's in the order they occur
    /// (the scanners order different patterns' differently: by start, or
    /// by end as `find_overlapping_iter`).
    fn overlapping(&self, bytes: &[u8], mut each: impl FnMut(usize, usize, usize)) {
        match self {
            Automaton::Packed(p) => p.overlapping(bytes, each),
            Automaton::Dfa(dfa) => dfa.overlapping(bytes, each),
            Automaton::Other(ac) => {
                for m in ac.find_overlapping_iter(bytes) {
                    each(m.pattern().as_usize(), m.start(), m.end());
                }
            }
        }
    }
}

/// The match states `dfa` passes through over `bytes`, each with the end
/// of its matches.
fn dense_match_states(dfa: &Dense, bytes: &[u8]) -> Vec<(u32, usize)> {
    let mut out = Vec::new();
    let (mut sid, mut at) = (0u32, 0usize);
    loop {
        (sid, at) = dense_next_match(&dfa.trans, &dfa.classes, dfa.first_match, sid, bytes, at);
        if at > bytes.len() {
            return out;
        }
        out.push((sid, at));
    }
}

/// From state `sid` at `bytes[at..]`: the next matching state and the end
/// of its matches, else `at` past the end. A function of its own without
/// calls, so that the table, the state and the position stay in registers
/// (with the push in the loop, three of them went through the stack:
/// 16 instructions a byte; 12 without it, 9.4 four bytes a step).
#[inline(never)]
fn dense_next_match(
    trans: &[u32],
    classes: &[u8; 256],
    first_match: u32,
    mut sid: u32,
    bytes: &[u8],
    at: usize,
) -> (u32, usize) {
    let rest = bytes.get(at..).unwrap_or_default();
    // Four bytes a step (the loop's own compare and branch once per four).
    let mut quads = rest.chunks_exact(4);
    let mut i = at;
    for q in quads.by_ref() {
        for (k, b) in q.iter().enumerate() {
            sid = trans[sid as usize + classes[*b as usize] as usize];
            if sid >= first_match {
                return (sid, i + k + 1);
            }
        }
        i += 4;
    }
    for b in quads.remainder() {
        sid = trans[sid as usize + classes[*b as usize] as usize];
        i += 1;
        if sid >= first_match {
            return (sid, i);
        }
    }
    (sid, bytes.len() + 1)
}

/// The bytes a name holds, folded into 64 bits (`b % 64`). An edit
/// (substitution, insertion, deletion, transposition) changes at most two
/// of the bytes a string holds, so names within two edits
/// (`close_names`) have masks that differ in at most four bits (folding
/// only merges differences): most of a 1,000-name plan's candidates for
/// an identifier fail this before the edit distance (`close_names` was 8%
/// of a warm 1,000-point audit's instructions).
fn byte_mask(b: &[u8]) -> u64 {
    b.iter().fold(0u64, |m, c| m | 1 << (c % 64))
}
const MASK_EDITS: u32 = 4;

/// Prefilters made so far (each takes the next `Prefilter::id`).
static PREFILTERS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

thread_local! {
    // `is_name` answers of one prefilter, on this thread: the same
    // reference names (`handleClick`, `value`) recur in every file, and a
    // 1,000-name plan makes each answer cost dozens of `close_names`.
    static IS_NAME: std::cell::RefCell<(u64, HashMap<String, bool>)> = std::cell::RefCell::new((u64::MAX, HashMap::default()));
}

impl Prefilter {
    pub fn new(plan: &Plan) -> Prefilter {
        Prefilter::with_words(plan, &[])
    }

    /// The prefilter of `plan`, plus `words` (those route points derive
    /// from the route tables: helper names, handler actions).
    pub fn with_words(plan: &Plan, words: &[String]) -> Prefilter {
        let mut interest = Interest::default();
        let mut patterns: BTreeSet<String> = words.iter().cloned().collect();
        let mut recorded = BTreeSet::new();
        let mut whole_words = BTreeSet::new();
        for p in &plan.points {
            match p.kind {
                Kind::Method => {
                    if let Ok(mn) = MethodName::parse(&p.name) {
                        interest.names.insert(mn.name.clone());
                        // Only the method name (and the words Rails
                        // generates it from): a file that does not spell
                        // them can neither define nor call it (owners such
                        // as `User` would make most files worth parsing;
                        // ancestors come from every Ruby file's structure)...
                        patterns.extend(lang::ruby::source_spellings(&mn.name));
                        // ...and the owner's own definition, where a
                        // misspelt method would be (`class Invoice`).
                        if let Some(owner) = &mn.owner {
                            let leaf = owner.rsplit("::").next().unwrap_or(owner);
                            for kw in ["class", "module"] {
                                patterns.insert(format!("{kw} {leaf}"));
                                whole_words.insert(format!("{kw} {leaf}"));
                            }
                            recorded.extend(name_forms(leaf));
                            // A lowercase owner is a TypeScript/JavaScript
                            // object (`queryPersister.persistClient`): the
                            // files that hand the object on may let a
                            // library call the method.
                            if leaf.starts_with(|c: char| c.is_ascii_lowercase()) {
                                interest.names.insert(leaf.to_string());
                                patterns.insert(leaf.to_string());
                                whole_words.insert(leaf.to_string());
                            }
                            // `Owner.new` runs `initialize`.
                            if mn.name == "initialize" {
                                interest.names.insert("new".to_string());
                                patterns.insert(format!("{leaf}.new"));
                                // ...and `config.order_cancellations_class.new`.
                                if let Some(snake) = name_forms(leaf)
                                    .into_iter()
                                    .find(|f| !f.chars().any(char::is_uppercase))
                                {
                                    patterns.insert(format!("{snake}_class"));
                                }
                            }
                        }
                    }
                }
                Kind::Env => {
                    patterns.insert(p.name.clone());
                }
                Kind::Jsonb => {
                    let col = p.name.rsplit('.').next().unwrap_or(&p.name).to_string();
                    interest.columns.insert(col.clone());
                    patterns.insert(col);
                    // `Model.column`: which files talk about the model.
                    if let Some((model, _)) = p.name.rsplit_once('.') {
                        let leaf = model.rsplit("::").next().unwrap_or(model);
                        recorded.extend(name_forms(leaf));
                    }
                }
                // A job's class name is in its definition, its producers
                // and its queue declaration; config files (worker queues)
                // are scanned whatever they mention.
                Kind::Job => {
                    let class = p.name.split(['#', '.']).next().unwrap_or(&p.name);
                    patterns.insert(crate::facts::leaf(class).to_string());
                    // Where mail's queue is set (config/application.rb).
                    patterns.insert("load_defaults".to_string());
                    patterns.insert("deliver_later_queue_name".to_string());
                    interest.jobs = true;
                }
                // An event's name; a regexp subscription need not spell it.
                Kind::Event => {
                    patterns.insert(p.name.clone());
                    patterns.insert("subscribe(/".to_string());
                    patterns.insert("subscribe /".to_string());
                }
                // A check may name the flag through a constant
                // (`Flipper.enabled?(Flags::X)`) that only its definition
                // spells.
                Kind::Flag => {
                    patterns.insert(p.name.clone());
                    patterns.insert("Flipper".to_string());
                    patterns.insert("Feature".to_string());
                }
                Kind::Route | Kind::Webhook => {
                    // Payloads: jbuilder views and serializer classes; a
                    // webhook's job (`perform`, where dedup may live).
                    patterns.extend(PAYLOAD_WORDS.iter().map(|w| w.to_string()));
                    if p.kind == Kind::Webhook {
                        patterns.insert("def perform".to_string());
                    }
                    // A literal client path spells its last static segment;
                    // helpers and handlers come from the route tables.
                    if let Ok(rn) = RouteName::parse(&p.name)
                        && let Some(seg) = crate::routing::segments(&rn.path)
                            .into_iter()
                            .rev()
                            .find(|s| !crate::routing::is_placeholder(s))
                    {
                        patterns.insert(seg.split('(').next().unwrap_or(seg).to_string());
                    }
                }
                Kind::Action => {
                    patterns.extend(PAYLOAD_WORDS.iter().map(|w| w.to_string()));
                    // The action, its policy query, Pundit's `authorize`
                    // (in callbacks too) and the planned model method.
                    if let Some((controller, action)) = p.name.split_once('#') {
                        // A client's literal path to it spells the
                        // controller's resource (`/api/refunds`): Ruby
                        // clients' bodies are senders too.
                        if let Some(res) = controller.rsplit('/').next().filter(|r| !r.is_empty()) {
                            patterns.insert(res.to_string());
                        }
                        patterns.insert(format!("def {action}"));
                        patterns.insert(format!("def {action}?"));
                        patterns.insert("authorize".to_string());
                        // An app that enforces Pundit (`after_action
                        // :verify_authorized`) names the check.
                        interest.names.insert("verify_authorized".to_string());
                        // The policy of the record an action authorizes,
                        // with the query it names (`authorize @org,
                        // :add_gem?`), is known only once the controller
                        // is read: policy classes are read too.
                        patterns.insert("Policy".to_string());
                        // Forms and the partials holding their fields
                        // (params keys sent), and `params` reads.
                        for w in [
                            "form_with",
                            "form_for",
                            "button_to",
                            "fields_for",
                            "_field",
                            "text_area",
                            "check_box",
                            "submit",
                            "params",
                        ] {
                            patterns.insert(w.to_string());
                        }
                    }
                    if let Some(mn) = p.model.as_deref().and_then(|m| MethodName::parse(m).ok()) {
                        patterns.extend(lang::ruby::source_spellings(&mn.name));
                    }
                }
            }
            for e in &p.env {
                patterns.insert(e.clone());
            }
        }
        // Env reads anywhere matter (vars gating a caller), so `ENV` and
        // `env` make a file worth parsing only together with a plan name.
        let all: BTreeSet<String> = patterns.iter().chain(recorded.iter()).cloned().collect();
        let all: Vec<String> = all.into_iter().filter(|p| !p.is_empty()).collect();
        let triggers = all.iter().map(|p| patterns.contains(p)).collect();
        let whole_word = all.iter().map(|p| whole_words.contains(p)).collect();
        let mut by_first: HashMap<(u8, usize), Vec<(u64, String)>> = HashMap::default();
        let mut by_last: HashMap<(u8, usize), Vec<(u64, String)>> = HashMap::default();
        for n in &interest.names {
            if let (Some(f), Some(l)) = (n.bytes().next(), n.bytes().last()) {
                let m = byte_mask(n.as_bytes());
                by_first.entry((f, n.len())).or_default().push((m, n.clone()));
                by_last.entry((l, n.len())).or_default().push((m, n.clone()));
            }
        }
        Prefilter {
            columns: (!interest.all).then(|| std::sync::Arc::new(interest.columns.clone())),
            by_first,
            by_last,
            id: PREFILTERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            interest,
            patterns: all,
            triggers,
            whole_word,
            ac: std::sync::OnceLock::new(),
        }
    }

    /// The automaton over `patterns` (`None` when there are none).
    fn ac(&self) -> Option<&Scanner> {
        self.ac
            .get_or_init(|| (!self.patterns.is_empty()).then(|| Scanner::new(&self.patterns)))
            .as_ref()
    }

    /// `self.interest.name(s)`, without trying every plan name.
    pub fn is_name(&self, s: &str) -> bool {
        let i = &self.interest;
        if i.all || i.names.contains(s) {
            return true;
        }
        let b = s.as_bytes();
        let (Some(first), Some(last)) = (b.first(), b.last()) else {
            return false;
        };
        let memo = IS_NAME.with(|m| {
            let mut m = m.borrow_mut();
            if m.0 != self.id {
                *m = (self.id, HashMap::default());
            }
            m.1.get(s).copied()
        });
        if let Some(known) = memo {
            return known;
        }
        let mask = byte_mask(b);
        let close = (b.len().saturating_sub(2)..=b.len() + 2).any(|len| {
            let near = |m: &HashMap<(u8, usize), Vec<(u64, String)>>, k: u8| {
                m.get(&(k, len)).is_some_and(|v| {
                    v.iter().any(|(nm, n)| {
                        (nm ^ mask).count_ones() <= MASK_EDITS && crate::facts::close_names(n, s)
                    })
                })
            };
            near(&self.by_first, *first) || near(&self.by_last, *last)
        });
        IS_NAME.with(|m| m.borrow_mut().1.insert(s.to_string(), close));
        close
    }

    /// The key of this prefilter's cached findings (`cache::Seen`): its
    /// patterns, which must be matched whole, and the prefilter's code.
    /// `None` when it has nothing to look for.
    pub fn seen_key(&self) -> Option<u128> {
        if self.patterns.is_empty() {
            return None;
        }
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        h.update(env!("SEAMSCAN_PREFILTER_FINGERPRINT").as_bytes());
        for (p, whole) in self.patterns.iter().zip(&self.whole_word) {
            h.update(&(p.len() as u64).to_le_bytes());
            h.update(p.as_bytes());
            h.update(&[u8::from(*whole)]);
        }
        Some(h.digest128())
    }

    /// Do these mentions (from `mentions`) make a source file worth parsing?
    pub fn worth_parsing(&self, mentions: &[u32]) -> bool {
        mentions.iter().any(|i| self.triggers[*i as usize])
    }

    /// The patterns spelled as whole words in `bytes` (not inside a longer
    /// identifier), each with the 1-based line of its first occurrence;
    /// sorted by pattern.
    pub fn spelled(&self, bytes: &[u8]) -> Vec<(u32, u32)> {
        let Some(ac) = self.ac() else { return Vec::new() };
        let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
        let mut first: Vec<Option<usize>> = vec![None; self.patterns.len()];
        ac.overlapping(bytes, |p, start, end| {
            if first[p].is_some() {
                return;
            }
            let pat = self.patterns[p].as_bytes();
            let before = start.checked_sub(1).map(|i| bytes[i]);
            let after = bytes.get(end).copied();
            let starts_ok = !pat.first().copied().is_some_and(ident) || !before.is_some_and(ident);
            let ends_ok = !pat.last().copied().is_some_and(ident) || !after.is_some_and(ident);
            if starts_ok && ends_ok {
                first[p] = Some(start);
            }
        });
        first
            .iter()
            .enumerate()
            .filter_map(|(p, at)| {
                let at = (*at)?;
                let line = 1 + bytes[..at].iter().filter(|b| **b == b'\n').count();
                Some((p as u32, line as u32))
            })
            .collect()
    }

    /// Indices of the patterns that occur in `bytes`, sorted; and of those
    /// that occur as a word of their own (`Canvas` in `new Canvas(` or
    /// `canvases`, not in `HTMLCanvasElement` or `loadImageOntoCanvas`).
    pub fn mentions(&self, bytes: &[u8]) -> (Vec<u32>, Vec<u32>) {
        let Some(ac) = self.ac() else {
            return (Vec::new(), Vec::new());
        };
        let mut seen = vec![false; self.patterns.len()];
        let mut word = vec![false; self.patterns.len()];
        let (mut seens, mut words) = (Vec::new(), Vec::new());
        let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
        ac.overlapping(bytes, |p, start, end| {
            // Nothing left to learn of a pattern met as a word and as a
            // mention (most matches in a file repeat an earlier one).
            if word[p] && seen[p] {
                return;
            }
            let before = start.checked_sub(1).map(|i| bytes[i]);
            let after = bytes.get(end).copied();
            // A plural (`canvases`, `users`) is still the word.
            let rest = match after {
                Some(b's') => bytes.get(end + 1).copied(),
                Some(b'e') if bytes.get(end + 1) == Some(&b's') => bytes.get(end + 2).copied(),
                a => a,
            };
            // Or the end of a PascalCase name (`UserRepository` for
            // `Repository`: a subclass's usual name), not the middle of one
            // or of a camelCase name (`loadImageOntoCanvas`).
            let tail_of_class = || {
                let head = bytes[..start]
                    .iter()
                    .rev()
                    .take(64)
                    .take_while(|b| ident(**b))
                    .last()
                    .copied();
                before.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                    && head.is_some_and(|h| h.is_ascii_uppercase())
                    && bytes.get(start).is_some_and(u8::is_ascii_uppercase)
            };
            // Nor a part of a kebab-case name (`@reactive-resume/utils`, a
            // CSS class): no constant or variable has a `-` in it.
            let kebab = (before == Some(b'-')
                && start
                    .checked_sub(2)
                    .is_some_and(|i| bytes[i].is_ascii_alphanumeric()))
                || (rest == Some(b'-') && bytes.get(end + 1).is_some_and(u8::is_ascii_alphanumeric));
            // Nor a segment of a path (`@/app/workspaces/[id]/settings`,
            // not a closing tag `</Workspace>`), nor the head of a dotted
            // string key (`t("workspace.settings.title")`, an i18n key).
            let path = (before == Some(b'/') && start.checked_sub(2).is_none_or(|i| bytes[i] != b'<'))
                || rest == Some(b'/');
            let key_head = matches!(before, Some(b'"' | b'\'' | b'`'))
                && after == Some(b'.')
                && bytes.get(end + 1).is_some_and(|b| b.is_ascii_alphabetic());
            // Nor a word on a comment line (`// ... the workspace list`,
            // `# see Workspace`), looked for within 200 bytes before the
            // word (a minified bundle is one long line).
            let comment_line = || {
                let from = start.saturating_sub(200);
                let Some(line_start) = bytes[from..start]
                    .iter()
                    .rposition(|b| *b == b'\n')
                    .map(|i| from + i + 1)
                    .or((from == 0).then_some(0))
                else {
                    return false;
                };
                let line = bytes[line_start..start].trim_ascii_start();
                line.starts_with(b"//")
                    || line.starts_with(b"/*")
                    || line.starts_with(b"*")
                    || line.starts_with(b"# ")
            };
            if !word[p]
                && (!before.is_some_and(ident) || tail_of_class())
                && !rest.is_some_and(ident)
                && !kebab
                && !path
                && !key_head
                && !comment_line()
            {
                word[p] = true;
                words.push(p as u32);
            }
            // `class Account` must not match `class AccountsController`.
            if self.whole_word[p]
                && bytes
                    .get(end)
                    .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
            {
                return;
            }
            if !seen[p] {
                seen[p] = true;
                seens.push(p as u32);
            }
        });
        // The patterns met, not a pass over all of them (a 1,000-point plan
        // has ~1,500: that pass was 4% of a warm audit's instructions).
        seens.sort_unstable();
        words.sort_unstable();
        (seens, words)
    }
}

/// What the per-file phase learns of a file beside its facts. `process`
/// returns the facts apart, so they go straight into the index's vector
/// (an `Outcome` holding them put a second ~1 KB copy of every file's
/// facts in fresh pages before they were moved there).
struct Outcome {
    timing: StepTimes,
    mentions: Vec<u32>,
    /// The patterns it spells as words of their own.
    word_mentions: Vec<u32>,
    /// Unread files: (pattern, first line) of the plan names they spell.
    spelled: Vec<(u32, u32)>,
    /// An extensionless unread file that opens with a shebang: its
    /// interpreter (`bash`, `ruby`).
    script: Option<String>,
    read: bool,
    parsed: bool,
    failed: bool,
    skipped: bool,
    warning: Option<Text>,
    cache_hit: bool,
    cache_miss: bool,
    /// With a cache: the key of the file's prefilter findings
    /// (`cache::Seen`): its content hash, or for a file seamscan does not
    /// read, that hash tweaked by `SPELLED`; and whether the prefilter
    /// scanned it (its findings were not cached).
    seen_key: Option<u128>,
    scanned: bool,
}

/// Tells the findings of a file seamscan does not read (`spelled`) from
/// those of a source file of the same content (`mentions`).
const SPELLED: u128 = 0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835;

#[derive(Default)]
struct StepTimes {
    read: Duration,
    prefilter: Duration,
    config_scan: Duration,
    parse: Duration,
    extract: Duration,
    hash: Duration,
    load: Duration,
    store: Duration,
}

/// One file's facts in `mode`, from the cache (`key`: it and the hash of
/// `bytes`) or by parsing (then stored).
/// `Full` facts are of every name and column, whatever the plan (see
/// `select`); with or without a cache, the same function makes them, so
/// the report cannot depend on the cache.
/// A hit keeps only the JSON keys of `columns` (when given), as `select`
/// would.
fn cached_facts(
    lang: Lang,
    bytes: &[u8],
    mode: Mode,
    key: Option<(&Cache, u128)>,
    columns: Option<&crate::facts::compact::Columns>,
    out: &mut Outcome,
) -> FileFacts {
    if let Some((c, h)) = key {
        let t = Instant::now();
        let hit = c.load_selected(c.key(h, lang, mode), columns);
        out.timing.load += t.elapsed();
        if let Some(f) = hit {
            out.cache_hit = true;
            return f;
        }
        out.cache_miss = true;
    }
    let (facts, structure, timing) = match mode {
        Mode::Structure => {
            let (ancestry, timing) = lang::extract_structure(bytes);
            let f = FileFacts {
                ancestry,
                ..FileFacts::default()
            };
            (f, None, timing)
        }
        // A Ruby file's structure comes with its facts (one parse): stored
        // too, for a plan under which the file names no point.
        Mode::Full if lang == Lang::Ruby && key.is_some() => {
            let (f, ancestry, timing) = lang::extract_ruby_with_structure(bytes, &Interest::everything());
            (f, Some(ancestry), timing)
        }
        Mode::Full => {
            let (f, timing) = lang::extract_timed(lang, bytes, &Interest::everything());
            (f, None, timing)
        }
    };
    out.timing.parse += timing.parse;
    out.timing.extract += timing.extract;
    if let Some((c, h)) = key {
        let t = Instant::now();
        // A cache that cannot be written costs speed, never the report.
        let _ = c.store(c.key(h, lang, mode), &facts);
        if let Some(ancestry) = structure {
            let s = FileFacts {
                ancestry,
                ..FileFacts::default()
            };
            let _ = c.store(c.key(h, lang, Mode::Structure), &s);
        }
        out.timing.store += t.elapsed();
    }
    facts
}

/// The part of a file's facts (made for every name and column) that the
/// plan's `interest` selects, as extraction under `interest` itself would
/// keep it: JSON keys of its columns, and bare TypeScript references
/// (`arr.map(fn)`) to its names or to an imported binding. (Member
/// references, `this.handler`, are all kept: whether their object was an
/// imported binding is not in the facts.) The index and the checks then
/// only see what the plan can use.
fn select(mut facts: FileFacts, pre: &Prefilter) -> FileFacts {
    let interest = &pre.interest;
    facts.json_keys.retain(|k| interest.column(&k.column));
    facts.json_opaque.retain(|k| interest.column(&k.column));
    if facts.calls.iter().any(|c| c.via == Via::Reference) {
        let imported: rustc_hash::FxHashSet<&str> = facts.imports.iter().map(|i| i.local.as_str()).collect();
        facts.calls.retain(|c| {
            c.via != Via::Reference
                || c.recv != Recv::Implicit
                || imported.contains(c.name.as_str())
                || pre.is_name(&c.name)
        });
    }
    facts
}

fn process(
    file: &WalkedFile,
    repo: &str,
    pre: &Prefilter,
    env_names: &BTreeSet<String>,
    cache: Option<&Cache>,
    seen: Option<&cache::Seen>,
) -> (FileFacts, Outcome) {
    let mut facts = FileFacts::default();
    let mut out = Outcome {
        timing: StepTimes::default(),
        mentions: Vec::new(),
        word_mentions: Vec::new(),
        spelled: Vec::new(),
        script: None,
        read: false,
        parsed: false,
        failed: false,
        skipped: false,
        warning: None,
        cache_hit: false,
        cache_miss: false,
        seen_key: None,
        scanned: false,
    };
    let shown = format!("{repo}/{}", file.rel);
    let t = Instant::now();
    // The size from the open file (no second lookup of the path: `statx`
    // on every path was 3-5% of a warm audit's CPU).
    let mut buf = ReadBuf::take();
    let read = std::fs::File::open(&file.abs).and_then(|f| {
        let len = f.metadata()?.len();
        if len > MAX_READ_BYTES {
            return Ok(Err(len));
        }
        read_sized_into(f, len as usize, &mut buf.0).map(Ok)
    });
    out.timing.read = t.elapsed();
    let bytes = match read {
        Ok(Ok(n)) => &mut buf.0[..n],
        Ok(Err(len)) => {
            out.skipped = true;
            out.warning = Some(msg!(
                "{}: not read ({} bytes is over the {}-byte limit)",
                Text::raw(&shown),
                Text::num(len),
                Text::num(MAX_READ_BYTES)
            ));
            return (facts, out);
        }
        Err(e) => {
            out.failed = file.class.lang.is_some();
            out.warning = Some(msg!(
                "{}: cannot read: {}",
                Text::raw(&shown),
                Text::raw(e.to_string())
            ));
            return (facts, out);
        }
    };
    out.read = true;
    let bytes = decode_in_place(bytes);
    if file.class.config {
        let t = Instant::now();
        let text = String::from_utf8_lossy(&bytes);
        facts.config_defs = lang::config::scan(&text, env_names);
        // The runner sets `CI` for the workflow's steps: defined at its
        // first `runs-on:`.
        if lang::config::sets_ci(&file.rel)
            && !facts.config_defs.iter().any(|d| d.name == "CI")
            && let Some(line) = lang::config::runner_line(&text)
        {
            facts.config_defs.push(crate::facts::ConfigDef {
                name: "CI".to_string(),
                line,
            });
            facts.config_defs.sort_by_key(|d| d.line);
        }
        if pre.interest.jobs && lang::config::mentions_queues(&text) {
            facts.queue_listens = lang::config::scan_queues(&file.rel, &text);
        }
        if pre.interest.jobs && text.contains("class") {
            facts.enqueues = lang::config::scan_schedules(&text);
        }
        out.timing.config_scan = t.elapsed();
    }
    if file.class.module_config {
        let name = file.rel.rsplit('/').next().unwrap_or(&file.rel);
        let text = String::from_utf8_lossy(&bytes);
        facts.module_config = lang::modules::scan(name, &text);
        // `"build": "NODE_ENV=production next build"` sets the var for
        // the command.
        if name == "package.json" {
            facts
                .config_defs
                .extend(lang::config::scan_package_scripts(&text, env_names));
        }
    }
    if file.class.prisma {
        facts.column_defs = lang::prisma::json_fields(&String::from_utf8_lossy(&bytes));
    }
    if file.class.vercel {
        facts.http_calls = lang::config::vercel_crons(&String::from_utf8_lossy(&bytes));
    }
    let Some(lang) = file.class.lang else {
        let name = file.rel.rsplit('/').next().unwrap_or(&file.rel);
        if workspace::maybe_script(name) {
            // No extension: a script only when it opens with a shebang.
            out.script = workspace::shebang(&bytes);
            if out.script.is_none() {
                return (facts, out);
            }
        }
        if file.class.unread && !is_binary(&bytes) {
            if cache.is_some() {
                let t = Instant::now();
                out.seen_key = Some(cache::content_hash(&bytes) ^ SPELLED);
                out.timing.hash += t.elapsed();
            }
            match seen.zip(out.seen_key).and_then(|(s, k)| s.get(k)) {
                Some((p, _, lines)) => out.spelled = p.iter().copied().zip(lines.iter().copied()).collect(),
                None => {
                    out.spelled = pre.spelled(&bytes);
                    out.scanned = true;
                }
            }
        }
        return (facts, out);
    };
    // GoodJob's queues are set in a Ruby initializer.
    if pre.interest.jobs
        && lang == Lang::Ruby
        && (file.rel.starts_with("config/") || file.rel.contains("/config/"))
        && bytes.windows(15).any(|w| w == b"good_job.queues")
    {
        let text = String::from_utf8_lossy(&bytes);
        facts.queue_listens = lang::config::scan_queues(&file.rel, &text);
    }
    let cache = cache.map(|c| {
        let t = Instant::now();
        let h = cache::content_hash(&bytes);
        out.timing.hash += t.elapsed();
        out.seen_key = Some(h);
        (c, h)
    });
    let t = Instant::now();
    match seen.zip(out.seen_key).and_then(|(s, h)| s.get(h)) {
        Some((m, w, _)) => (out.mentions, out.word_mentions) = (m.to_vec(), w.to_vec()),
        None => {
            (out.mentions, out.word_mentions) = pre.mentions(&bytes);
            out.scanned = true;
        }
    }
    out.timing.prefilter = t.elapsed();
    // TypeScript/JavaScript facts are plan-independent and cheap: a file
    // that never names a point may still call it (a default import under
    // another name, a re-export), so every such file is parsed.
    let ts = matches!(lang, Lang::TypeScript | Lang::Tsx | Lang::Vue | Lang::Svelte);
    if !pre.worth_parsing(&out.mentions) && !ts {
        // A Ruby class that names no plan method may still be where an
        // owner gets its ancestors (`class Product < BaseProduct`).
        if lang == Lang::Ruby && bytes.len() <= MAX_PARSE_BYTES && !is_binary(&bytes) {
            facts.ancestry = cached_facts(lang, &bytes, Mode::Structure, cache, None, &mut out).ancestry;
        }
        return (facts, out);
    }
    if is_binary(&bytes) {
        out.skipped = true;
        out.warning = Some(msg!("{}: not parsed (binary content)", Text::raw(&shown)));
        return (facts, out);
    }
    if bytes.len() > MAX_PARSE_BYTES {
        out.skipped = true;
        out.failed = true;
        out.warning = Some(msg!(
            "{}: not parsed ({} bytes is over the {}-byte parse limit)",
            Text::raw(&shown),
            Text::num(bytes.len() as u64),
            Text::num(MAX_PARSE_BYTES as u64)
        ));
        return (facts, out);
    }
    let config_defs = std::mem::take(&mut facts.config_defs);
    let module_config = facts.module_config.take();
    let queue_listens = std::mem::take(&mut facts.queue_listens);
    let full = cached_facts(lang, &bytes, Mode::Full, cache, pre.columns.as_ref(), &mut out);
    facts = select(full, pre);
    facts.module_config = module_config;
    facts.config_defs = config_defs;
    // Next.js inlines its config's `env: { basePath }` as
    // `process.env.basePath`: those keys are defined env vars.
    // A bundler's define (`'process.env.SENTRY_DSN': ...` in esbuild's,
    // Vite's or webpack's config) sets the var at build time, wherever
    // the config lives.
    let next = is_next_config(&file.rel);
    let defs = facts.env_object_keys.iter().filter_map(|(key, line)| {
        let name = match key
            .strip_prefix("process.env.")
            .or_else(|| key.strip_prefix("import.meta.env."))
        {
            Some(var) => var,
            None if next => key.as_str(),
            None => return None,
        };
        Some(crate::facts::ConfigDef {
            name: name.to_string(),
            line: *line,
        })
    });
    let defs: Vec<_> = defs.collect();
    facts.config_defs.extend(defs);
    facts.queue_listens = queue_listens;
    out.parsed = true;
    if facts.parse_error {
        out.failed = true;
        out.warning = Some(msg!(
            "{}: syntax errors (facts from the valid parts are used)",
            Text::raw(&shown)
        ));
    } else if facts.too_deep {
        out.failed = true;
        out.warning = Some(msg!(
            "{}: nested deeper than {} levels; facts below that depth are not extracted",
            Text::raw(&shown),
            Text::num(match lang {
                Lang::TypeScript | Lang::Tsx | Lang::Vue | Lang::Svelte =>
                    lang::typescript::MAX_VISIT_DEPTH as u64,
                Lang::Ruby | Lang::Erb | Lang::Haml | Lang::Slim => lang::ruby::PRISM_MAX_DEPTH as u64,
            })
        ));
    }
    (facts, out)
}

thread_local! {
    static READ_BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The buffer this thread reads files into, handed back when dropped. It
/// only grows, so only its growth is zeroed: a zeroed buffer for every file
/// was 2% of a warm audit's instructions.
struct ReadBuf(Vec<u8>);

impl ReadBuf {
    fn take() -> ReadBuf {
        ReadBuf(READ_BUF.with(|b| std::mem::take(&mut *b.borrow_mut())))
    }
}

impl Drop for ReadBuf {
    fn drop(&mut self) {
        let buf = std::mem::take(&mut self.0);
        READ_BUF.with(|b| *b.borrow_mut() = buf);
    }
}

/// Read `f`, whose size was `len` when it was opened, into the start of
/// `buf` (grown as needed), then probe for bytes past it (the file grew);
/// how many bytes it holds. `read_to_end` would ask the file its size and
/// position again (an fstat and an lseek per file).
fn read_sized_into(mut f: std::fs::File, len: usize, buf: &mut Vec<u8>) -> std::io::Result<usize> {
    use std::io::Read as _;
    if buf.len() < len {
        buf.resize(len, 0);
    }
    let mut n = 0;
    while n < len {
        match f.read(&mut buf[n..len]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    if n == len {
        // A small probe: a file that grew is rare; the rest is then read to
        // its end.
        let mut probe = [0u8; 16];
        loop {
            match f.read(&mut probe) {
                Ok(0) => break,
                Ok(k) => {
                    buf.truncate(n);
                    buf.extend_from_slice(&probe[..k]);
                    f.read_to_end(buf)?;
                    n = buf.len();
                    break;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(n)
}

/// Is `rel` a Next.js config (`next.config.js`, `.mjs`, `.cjs`, `.ts`,
/// `.mts`)?
fn is_next_config(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.strip_prefix("next.config.")
        .is_some_and(|ext| matches!(ext, "js" | "mjs" | "cjs" | "ts" | "mts"))
}

/// UTF-16 files (with a BOM) are converted to UTF-8; line numbers are kept.
fn decode(mut bytes: Vec<u8>) -> Vec<u8> {
    match decode_in_place(&mut bytes) {
        std::borrow::Cow::Owned(text) => text,
        std::borrow::Cow::Borrowed(_) => bytes,
    }
}

/// `decode`, in place where it can be: UTF-16 is decoded into a new
/// buffer, a UTF-8 byte-order mark is blanked.
fn decode_in_place(bytes: &mut [u8]) -> std::borrow::Cow<'_, [u8]> {
    let utf16 = |bytes: &[u8], le: bool| -> Vec<u8> {
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16_lossy(&units).into_bytes()
    };
    match bytes.get(..2) {
        Some([0xFF, 0xFE]) => std::borrow::Cow::Owned(utf16(bytes, true)),
        Some([0xFE, 0xFF]) => std::borrow::Cow::Owned(utf16(bytes, false)),
        _ => {
            if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
                // Keep offsets simple: blank the BOM rather than shifting.
                bytes[..3].copy_from_slice(b"   ");
            }
            std::borrow::Cow::Borrowed(bytes)
        }
    }
}

fn is_binary(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(8192)].contains(&0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_sized_reads_what_the_file_holds_whatever_size_was_seen() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("f.rb");
        let text: Vec<u8> = (0..10_000u32).map(|i| b'a' + (i % 26) as u8).collect();
        std::fs::write(&p, &text).unwrap();
        let open = || std::fs::File::open(&p).unwrap();
        // Into an empty buffer, and into one holding an earlier file's
        // bytes (longer than this one).
        let read_sized = |len: usize| -> Vec<Vec<u8>> {
            [Vec::new(), vec![b'#'; 30_000]]
                .into_iter()
                .map(|mut buf| {
                    let n = read_sized_into(open(), len, &mut buf).unwrap();
                    buf[..n].to_vec()
                })
                .collect()
        };
        // As seen, grown since (the size seen is smaller), shrunk since.
        assert_eq!(read_sized(10_000), [text.clone(), text.clone()]);
        assert_eq!(read_sized(10), [text.clone(), text.clone()]);
        assert_eq!(read_sized(20_000), [text.clone(), text.clone()]);
        std::fs::write(&p, b"").unwrap();
        assert_eq!(read_sized(0), [b"", b""]);
    }

    /// `is_name` answers as `Interest::name` (which tries every name).
    #[test]
    fn is_name_is_interest_name() {
        let yaml = "version: 1\nphases:\n  - name: P\n    points:\n      - method: Invoice#send_reminder\n      - method: getTrackers\n      - method: refresh\n      - method: A#checkOwner\n      - method: ab\n";
        let plan = crate::plan::parse("p.yaml", yaml).unwrap();
        let pre = Prefilter::new(&plan);
        let probes = [
            "send_reminder",
            "send_reminders",
            "send_rem",
            "gteTracker",
            "getTracker",
            "refrash",
            "refresh",
            "reflash_all",
            "chekOwner",
            "checkOwners",
            "xcheckOwner",
            "ab",
            "abc",
            "",
            "a",
            "ref",
            "getTrackersAll",
            "Invoice",
            "zend_reminder",
            "send_reminde",
        ];
        for p in probes {
            assert_eq!(pre.is_name(p), pre.interest.name(p), "{p:?}");
        }
        assert!(pre.is_name("send_reminders") && pre.is_name("gteTracker") && !pre.is_name("send_rem"));
        // One to three random edits of the plan's names (substitutions,
        // insertions, deletions, swaps of neighbours): the same answers.
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let (mut close, mut far) = (0, 0);
        for _ in 0..3000 {
            let names = ["send_reminder", "getTrackers", "refresh", "checkOwner", "Invoice"];
            let mut b: Vec<u8> = names[next(names.len())].bytes().collect();
            for _ in 0..1 + next(3) {
                let c = b"aeinorst_ACHOT$"[next(15)];
                let at = next(b.len() + 1);
                match next(4) {
                    0 if at < b.len() => b[at] = c,
                    1 => b.insert(at, c),
                    2 if at < b.len() && b.len() > 1 => drop(b.remove(at)),
                    _ if at + 1 < b.len() => b.swap(at, at + 1),
                    _ => {}
                }
            }
            let p = String::from_utf8(b).unwrap();
            let want = pre.interest.name(&p);
            assert_eq!(pre.is_name(&p), want, "{p:?}");
            if want { close += 1 } else { far += 1 }
        }
        assert!(close > 300 && far > 300, "{close} close, {far} far");
    }

    /// A xorshift generator from `seed`: `next(n)` is below `n`.
    fn xorshift(mut seed: u64) -> impl FnMut(u64) -> usize {
        move |n| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n) as usize
        }
    }

    /// Every occurrence of every pattern, by the crate's NFA, sorted.
    fn every_occurrence(patterns: &[String], text: &[u8]) -> Vec<(usize, usize, usize)> {
        let nfa = AhoCorasick::new(patterns).unwrap();
        let mut v: Vec<_> = nfa
            .find_overlapping_iter(text)
            .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
            .collect();
        v.sort_unstable();
        v
    }

    /// What `scanner` reports, sorted.
    fn occurrences(scanner: &Scanner, text: &[u8]) -> Vec<(usize, usize, usize)> {
        let mut v = Vec::new();
        scanner.overlapping(text, |p, start, end| v.push((p, start, end)));
        v.sort_unstable();
        v
    }

    /// The scanner searches only the patterns that hold no other, and
    /// finds the others through them: at an offset (`current_user` through
    /// `user`), at the start of the text, twice in one pattern
    /// (`user_user`), inside each other (`users_path` holds `user` and
    /// `users`); and on pseudo-random texts and pattern sets over a small
    /// alphabet (overlaps everywhere, short patterns making it a DFA),
    /// exactly what the NFA finds.
    #[test]
    fn prefilter_finds_patterns_through_those_they_hold() {
        let patterns: Vec<String> = [
            "User",
            "class User",
            "current_user",
            "user",
            "user_id",
            "user_user",
            "users",
            "users_path",
        ]
        .map(String::from)
        .to_vec();
        let scanner = Scanner::new(&patterns);
        let searched: Vec<&str> = scanner
            .searched
            .iter()
            .map(|p| patterns[*p as usize].as_str())
            .collect();
        assert_eq!(searched, ["User", "user"]);
        assert!(matches!(&scanner.automaton, Automaton::Packed(_)));
        let text = b"user_user_id current_user.users_path\nclass User; class Users; xuser_userr users";
        assert_eq!(occurrences(&scanner, text), every_occurrence(&patterns, text));
        let mut next = xorshift(0x2545_f491_4f6c_dd1d);
        for round in 0..300 {
            let min = if round % 3 == 0 { 1 } else { 3 };
            let mut set = BTreeSet::new();
            for _ in 0..1 + next(40) {
                let len = min + next(5);
                set.insert(
                    (0..len)
                        .map(|_| [b'a', b'b', b'_'][next(3)] as char)
                        .collect::<String>(),
                );
            }
            let patterns: Vec<String> = set.into_iter().collect();
            let text: Vec<u8> = (0..next(200))
                .map(|_| [b'a', b'b', b'_', b' '][next(4)])
                .collect();
            let scanner = Scanner::new(&patterns);
            assert_eq!(
                occurrences(&scanner, &text),
                every_occurrence(&patterns, &text),
                "{patterns:?} in {:?}",
                String::from_utf8_lossy(&text)
            );
        }
    }

    /// The dense DFA finds every occurrence the crate's NFA finds, on
    /// pseudo-random pattern sets (prefixes and suffixes of each other,
    /// multi-byte characters, one-byte patterns) and texts that also hold
    /// bytes no pattern has (a lone UTF-8 lead byte, 0xff); and is refused
    /// for an empty pattern or past its size bound.
    #[test]
    fn dense_dfa_finds_what_the_nfa_finds() {
        let mut next = xorshift(0x9e37_79b9_7f4a_7c15);
        let pieces = ["a", "b", "\0", "\n", "é"];
        let text_bytes = [b'a', b'b', 0u8, b'\n', 0xc3, 0xa9, 0xff];
        for _ in 0..300 {
            let mut set = BTreeSet::new();
            for _ in 0..1 + next(60) {
                let len = 1 + next(6);
                set.insert(
                    (0..len)
                        .map(|_| pieces[next(pieces.len() as u64)])
                        .collect::<String>(),
                );
            }
            let patterns: Vec<String> = set.into_iter().collect();
            let text: Vec<u8> = (0..next(300))
                .map(|_| text_bytes[next(text_bytes.len() as u64)])
                .collect();
            let refs: Vec<&String> = patterns.iter().collect();
            let dense = Dense::new(&refs).unwrap();
            let mut got = Vec::new();
            dense.overlapping(&text, |p, s, e| got.push((p, s, e)));
            got.sort_unstable();
            assert_eq!(
                got,
                every_occurrence(&patterns, &text),
                "{patterns:?} in {text:?}"
            );
        }
        let empty = String::new();
        let a = "a".to_string();
        assert!(Dense::new(&[&a, &empty]).is_none());
        let big: Vec<String> = (0..DENSE_MAX_TRANSITIONS / 100)
            .map(|i| format!("{i:x}xyz"))
            .collect();
        let refs: Vec<&String> = big.iter().collect();
        assert!(Dense::new(&refs).is_none());
    }

    /// A plan of 400 points (over `HOLDERS_UP_TO` patterns: each method
    /// name's Rails spellings and `class Owner`) scans files with a DFA
    /// over every pattern, and finds what the NFA finds, overlapping
    /// patterns included.
    #[test]
    fn prefilter_of_a_large_plan_is_a_dfa() {
        let mut yaml = String::from("version: 1\nphases:\n  - name: P\n    points:\n");
        for i in 0..400 {
            yaml.push_str(&format!("      - method: Owner{i:03}#update_total_{i:03}\n"));
        }
        yaml.push_str("      - jsonb: settings\n      - env: USER_SETTINGS_URL\n");
        let plan = crate::plan::parse("p.yaml", &yaml).unwrap();
        let pre = Prefilter::new(&plan);
        assert!(pre.patterns.len() > 100, "{}", pre.patterns.len());
        let ac = pre.ac().unwrap();
        assert!(matches!(ac.automaton, Automaton::Dfa(_)), "{}", ac.searched.len());
        let text = b"class Owner007\n  def update_total_007; USER_SETTINGS_URL; user_settings; end\nend\n";
        let nfa = every_occurrence(&pre.patterns, text);
        assert!(nfa.len() >= 5, "{nfa:?}");
        assert_eq!(occurrences(ac, text), nfa);
        let (seen, _) = pre.mentions(text);
        let names: Vec<&str> = seen.iter().map(|i| pre.patterns[*i as usize].as_str()).collect();
        for n in [
            "class Owner007",
            "update_total_007",
            "USER_SETTINGS_URL",
            "settings",
        ] {
            assert!(names.contains(&n), "{n} in {names:?}");
        }
    }

    /// A plan of up to 144 patterns (that hold no other) of 3 bytes or
    /// more scans with the packed (SIMD) searchers, and finds every occurrence the NFA finds,
    /// overlapping ones (`settings` in `user_settings`, `USER_SETTINGS_URL`
    /// beside `SETTINGS`) and those of patterns in different chunks.
    #[test]
    fn prefilter_of_a_small_plan_is_packed() {
        let mut yaml = String::from("version: 1\nphases:\n  - name: P\n    points:\n");
        for i in 0..40 {
            yaml.push_str(&format!("      - method: Owner{i:03}#update_total_{i:03}\n"));
        }
        yaml.push_str("      - jsonb: settings\n      - env: USER_SETTINGS_URL\n      - env: SETTINGS\n");
        let plan = crate::plan::parse("p.yaml", &yaml).unwrap();
        let pre = Prefilter::new(&plan);
        assert!(pre.patterns.len() > PACKED_PATTERNS, "{}", pre.patterns.len());
        let ac = pre.ac().unwrap();
        assert!(
            matches!(&ac.automaton, Automaton::Packed(p) if p.chunks.len() > 1),
            "{}",
            ac.searched.len()
        );
        let text = b"class Owner007\n  def update_total_007; USER_SETTINGS_URL; user_settings; end\nend\nclass Owner011 < Owner001; update_total_011 update_total_001\n";
        let nfa = every_occurrence(&pre.patterns, text);
        assert!(nfa.len() >= 10, "{nfa:?}");
        assert_eq!(occurrences(ac, text), nfa);
        let (seen, _) = pre.mentions(text);
        let names: Vec<&str> = seen.iter().map(|i| pre.patterns[*i as usize].as_str()).collect();
        for n in [
            "class Owner007",
            "class Owner011",
            "update_total_007",
            "USER_SETTINGS_URL",
            "SETTINGS",
            "settings",
        ] {
            assert!(names.contains(&n), "{n} in {names:?}");
        }
    }
}

/// Warnings for a run that could not look at code: a plan whose `repos:`
/// selects nothing, a workspace or a repo without a source file.
fn nothing_scanned(plan: &Plan, repos: &[String], files: &[WalkedFile]) -> Vec<Text> {
    let mut out = Vec::new();
    if repos.is_empty() {
        out.push(match &plan.repos {
            Some(_) => msg!(
                "the plan's {} selects no repo of the workspace: nothing was scanned",
                Text::code("repos:")
            ),
            None => Text::ours("the workspace has no repo: nothing was scanned"),
        });
        return out;
    }
    let mut has_source = vec![false; repos.len()];
    for f in files {
        if f.class.lang.is_some() {
            has_source[f.repo as usize] = true;
        }
    }
    if !has_source.iter().any(|h| *h) {
        out.push(Text::ours(
            "no source file (Ruby, ERB, TypeScript, JavaScript) in the workspace: definitions and callers could not be checked",
        ));
    } else {
        for (r, h) in repos.iter().zip(&has_source) {
            if !*h {
                out.push(msg!(
                    "{}: no source file (Ruby, ERB, TypeScript, JavaScript); only its config files were read",
                    Text::raw(r)
                ));
            }
        }
    }
    out
}

/// Run a whole audit.
pub fn run(
    plan: &Plan,
    workspace_root: &Path,
    workspace_display: &str,
    opts: &Options,
) -> Result<Report, AuditError> {
    let start = Instant::now();
    let mut repos = workspace::discover(workspace_root)?;
    let single_repo = repos.len() == 1 && repos[0].path == workspace_root;
    let names: Vec<String> = repos.iter().map(|r| r.name.clone()).collect();
    plan.check_repos(&names)?;
    // An acceptance of `accepted-problem-expired` itself would never match.
    let codes: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| **c != Code::AcceptedProblemExpired)
        .map(|c| c.as_str())
        .collect();
    plan.check_accept_codes(&codes)?;
    if let Some(subset) = &plan.repos {
        repos.retain(|r| subset.contains(&r.name));
    }
    let classifier = Classifier::new(plan)?;
    // Ruby is parsed on these threads; Prism's parser recurses.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.max(1))
        .stack_size(WORKER_STACK_BYTES)
        .start_handler(|_| lang::mark_big_stack())
        .build()
        .map_err(|e| AuditError::Threads(opts.jobs, e.to_string()))?;
    let mut timings = Timings::default();
    let t = Instant::now();
    let walk = workspace::walk(&repos, &classifier, opts.jobs.max(1));
    timings.walk = t.elapsed();
    // Routes files first (they are few and small): the route tables tell
    // which helper names and controller actions make a file worth parsing.
    // A method of a controller may be an action, which its route calls.
    let wants_routes = plan.points.iter().any(|p| match p.kind {
        Kind::Route | Kind::Action | Kind::Webhook => true,
        Kind::Method => MethodName::parse(&p.name)
            .ok()
            .and_then(|mn| mn.owner)
            .is_some_and(|o| o.ends_with("Controller")),
        _ => false,
    });
    let t = Instant::now();
    let routes_files: Vec<(usize, lang::routes::RoutesFile)> = if wants_routes {
        pool.install(|| {
            walk.files
                .par_iter()
                .enumerate()
                .filter(|(_, f)| f.class.lang == Some(Lang::Ruby) && crate::routing::is_routes_file(&f.rel))
                .map(|(i, f)| {
                    let bytes = std::fs::read(&f.abs).map(decode).unwrap_or_default();
                    let r = if bytes.len() > MAX_PARSE_BYTES || is_binary(&bytes) {
                        lang::routes::RoutesFile::default()
                    } else {
                        lang::routes::extract(&bytes)
                    };
                    (i, r)
                })
                .collect()
        })
    } else {
        Vec::new()
    };
    let (route_table, words) = {
        let files: Vec<(u32, &str)> = routes_files
            .iter()
            .map(|(i, _)| (walk.files[*i].repo, walk.files[*i].rel.as_str()))
            .collect();
        let calls: Vec<&[crate::facts::RouteCall]> =
            routes_files.iter().map(|(_, r)| r.calls.as_slice()).collect();
        // Routes drawn on an engine that isolates a namespace
        // (`Spree::Core::Engine.routes.draw`, `isolate_namespace Spree` in
        // `lib/spree/core/engine.rb` of the same repo) lead to controllers
        // in that namespace.
        let modules: Vec<Option<String>> = routes_files
            .iter()
            .map(|(i, r)| {
                let engine = r.engine.as_deref()?;
                let want = format!("lib/{}.rb", crate::routing::underscore_path(engine));
                let repo = walk.files[*i].repo;
                let ef = walk
                    .files
                    .iter()
                    .find(|f| f.repo == repo && (f.rel == want || f.rel.ends_with(&format!("/{want}"))))?;
                let bytes = std::fs::read(&ef.abs).ok()?;
                let ns = lang::routes::isolated_namespace(&bytes)?;
                Some(crate::routing::underscore_path(&ns))
            })
            .collect();
        let standalone: Vec<bool> = routes_files.iter().map(|(_, r)| r.draws).collect();
        let mut table = crate::routing::workspace_table(&files, &calls, &modules, &standalone);
        // Back from indices into `routes_files` to file indices.
        for r in &mut table.routes {
            r.file = routes_files[r.file as usize].0 as u32;
        }
        for u in &mut table.unread {
            u.0 = routes_files[u.0 as usize].0 as u32;
        }
        let words = checks::route::prefilter_words(plan, &table.routes, |f| walk.files[f as usize].repo);
        (table, words)
    };
    timings.walk += t.elapsed();
    let pre = Prefilter::with_words(plan, &words);
    let mut env_names: BTreeSet<String> = BTreeSet::new();
    for p in &plan.points {
        if p.kind == Kind::Env || p.kind == Kind::Flag {
            env_names.insert(p.name.clone());
        }
        env_names.extend(p.env.iter().cloned());
    }
    let repo_names: Vec<String> = repos.iter().map(|r| r.name.clone()).collect();
    let langs: BTreeSet<Lang> = walk.files.iter().filter_map(|f| f.class.lang).collect();
    let langs: Vec<Lang> = langs.into_iter().collect();
    let t = Instant::now();
    pool.install(|| lang::warm_up(&langs));
    timings.queries = t.elapsed();
    let t = Instant::now();
    if let Some(p) = &opts.progress {
        p.start(walk.files.len() as u64);
    }
    // What the prefilter found in files of the same content under the same
    // patterns (an audit re-run after a fix).
    let seen = opts
        .cache
        .as_deref()
        .and_then(|c| pre.seen_key().map(|k| (k, c.seen(k, pre.patterns.len()))));
    let (mut facts, outcomes): (Vec<FileFacts>, Vec<Outcome>) = pool.install(|| {
        walk.files
            .par_iter()
            .map(|f| {
                let o = process(
                    f,
                    &repo_names[f.repo as usize],
                    &pre,
                    &env_names,
                    opts.cache.as_deref(),
                    seen.as_ref().map(|s| &s.1),
                );
                if let Some(p) = &opts.progress {
                    p.file_done();
                }
                o
            })
            .unzip()
    });
    if let Some(p) = &opts.progress {
        p.finish();
    }
    // Writing this run's entries as a pack (and evicting past the size
    // bound) runs beside the fact index and the checks, which do not read
    // the cache; it is done before the report is. Failing to evict, the
    // cache only grows.
    // The prefilter's findings go with them, when it scanned any file.
    let seen = seen.map(|(key, old)| {
        let scanned = outcomes.iter().any(|o| o.scanned);
        let records: Vec<cache::SeenRecord> = if scanned {
            outcomes
                .iter()
                .filter_map(|o| {
                    let key = o.seen_key?;
                    Some(if o.spelled.is_empty() {
                        (key, o.mentions.clone(), o.word_mentions.clone(), Vec::new())
                    } else {
                        let (p, lines) = o.spelled.iter().copied().unzip();
                        (key, p, Vec::new(), lines)
                    })
                })
                .collect()
        } else {
            Vec::new()
        };
        Arc::new((key, old, scanned, records))
    });
    let finishing = opts.cache.clone().map(|c| {
        let finish = move || {
            let t = Instant::now();
            if let Some(s) = &seen {
                let _ = c.store_seen(s.0, &s.1, s.2, &s.3);
            }
            let _ = c.finish();
            t.elapsed()
        };
        std::thread::Builder::new()
            .name("seamscan-cache-finish".into())
            .spawn(finish.clone())
            .map_err(|_| finish)
    });
    timings.files = t.elapsed();
    let mut stats = Stats {
        repos: repos.len(),
        ..Stats::default()
    };
    let mut warnings = walk.warnings.clone();
    warnings.extend(walk.notices.iter().cloned());
    let alerts = nothing_scanned(plan, &repo_names, &walk.files);
    warnings.extend(alerts.iter().cloned());
    let mut files = Vec::with_capacity(walk.files.len());
    let mut mentions = Vec::with_capacity(walk.files.len());
    let mut word_mentions = Vec::with_capacity(walk.files.len());
    let mut failed = BTreeSet::new();
    let mut unread_mentions = Vec::new();
    for (i, (wf, o)) in walk.files.into_iter().zip(outcomes).enumerate() {
        if wf.class.unread {
            let name = wf.rel.rsplit('/').next().unwrap_or(&wf.rel);
            if let Some(ext) = workspace::unread_kind(name).or(o.script.as_deref()) {
                *stats.unread_files.entry(ext.to_string()).or_insert(0) += 1;
            }
            for (p, line) in &o.spelled {
                unread_mentions.push((i as FileIdx, pre.patterns[*p as usize].clone(), *line));
            }
        }
        stats.files_scanned += usize::from(
            o.read && (wf.class.lang.is_some() || wf.class.config || wf.class.prisma || wf.class.vercel),
        );
        stats.files_parsed += usize::from(o.parsed);
        stats.files_skipped += usize::from(o.skipped);
        if o.failed {
            stats.parse_errors += 1;
            failed.insert(i as FileIdx);
        }
        timings.read += o.timing.read;
        timings.prefilter += o.timing.prefilter;
        timings.config_scan += o.timing.config_scan;
        timings.parse += o.timing.parse;
        timings.extract += o.timing.extract;
        timings.hash += o.timing.hash;
        timings.load += o.timing.load;
        timings.store += o.timing.store;
        stats.cache_hits += usize::from(o.cache_hit);
        stats.cache_misses += usize::from(o.cache_miss);
        if let Some(w) = o.warning {
            warnings.push(w);
        }
        files.push(FileMeta {
            repo: wf.repo,
            path: wf.rel,
            class: wf.class,
        });
        mentions.push(o.mentions);
        word_mentions.push(o.word_mentions);
    }
    let t = Instant::now();
    for (i, r) in routes_files {
        let ff = &mut facts[i];
        ff.routes = r.calls;
        ff.routes_unread = r.unread;
        if r.parse_error || r.too_deep {
            ff.parse_error |= r.parse_error;
            ff.too_deep |= r.too_deep;
            if failed.insert(i as FileIdx) {
                stats.parse_errors += 1;
                warnings.push(
                    format!(
                        "{}/{}: routes file with syntax errors or nested too deep (the routes of its valid parts are used)",
                        repo_names[files[i].repo as usize], files[i].path
                    )
                    .into(),
                );
            }
        }
    }
    let mut ix =
        pool.install(|| FactIndex::new(repo_names, files, facts, mentions, pre.patterns.clone(), failed));
    ix.unwalked = walk.warnings.clone();
    ix.unread_mentions = unread_mentions;
    ix.word_mentions = word_mentions;
    let servers = std::mem::take(&mut ix.routes);
    ix.routes = route_table.routes;
    ix.routes.extend(servers);
    ix.routes_unread = route_table.unread;
    timings.index = t.elapsed();
    timings.index_steps = ix.build_timings;
    let t = Instant::now();
    let findings = pool.install(|| checks::run(plan, &ix));
    timings.checks = t.elapsed();
    match finishing {
        Some(Ok(thread)) => timings.store += thread.join().unwrap_or_default(),
        Some(Err(finish)) => timings.store += finish(),
        None => {}
    }
    // Freeing the index (every file's facts: ~700k allocations on a warm
    // audit of 6,000 files) took 5-9% of a warm audit's instructions after
    // the findings were known. A process that exits next leaves it to the
    // operating system; otherwise a thread of its own frees it while the
    // report is written.
    if opts.exits_after {
        std::mem::forget(ix);
    } else {
        let _ = std::thread::Builder::new()
            .name("seamscan-free-index".into())
            .spawn(move || drop(ix));
    }
    let mut phase_points: Vec<(String, Vec<String>)> =
        plan.phases.iter().map(|p| (p.clone(), Vec::new())).collect();
    for p in &plan.points {
        if let Some((_, ids)) = phase_points.iter_mut().find(|(n, _)| *n == p.phase)
            && !ids.contains(&p.id())
        {
            ids.push(p.id());
        }
    }
    stats.elapsed_ms = start.elapsed().as_millis() as u64;
    let mut report = Report {
        title: plan.title().to_string(),
        plan: plan.path.clone(),
        workspace: workspace_display.to_string(),
        single_repo,
        phases: plan.phases.clone(),
        phase_points,
        stats,
        findings,
        warnings,
        alerts,
        fixed: None,
        timings,
    };
    report.sort();
    Ok(report)
}

/// What `index` did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IndexStats {
    pub repos: usize,
    /// Source files looked at (read and hashed).
    pub files: usize,
    /// Of those, already in the cache (every entry they need).
    pub hits: usize,
    /// Parsed and stored.
    pub stored: usize,
    /// Not parsed: unreadable, binary or over the parse limit.
    pub skipped: usize,
    /// Cache entries that could not be written.
    pub store_errors: usize,
}

/// `seamscan index`: fill `cache` with the facts of every source file of
/// the workspace, without a plan: the entries every plan's audit reads
/// (`Full`, and for Ruby also `Structure`, both from one parse).
pub fn index(workspace_root: &Path, cache: &Cache, opts: &Options) -> Result<IndexStats, AuditError> {
    let repos = workspace::discover(workspace_root)?;
    let classifier = Classifier::builtin();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.max(1))
        .stack_size(WORKER_STACK_BYTES)
        .start_handler(|_| lang::mark_big_stack())
        .build()
        .map_err(|e| AuditError::Threads(opts.jobs, e.to_string()))?;
    let walk = workspace::walk(&repos, &classifier, opts.jobs.max(1));
    let sources: Vec<(&WalkedFile, Lang)> = walk
        .files
        .iter()
        .filter_map(|f| f.class.lang.map(|l| (f, l)))
        .collect();
    if let Some(p) = &opts.progress {
        p.start(sources.len() as u64);
    }
    #[derive(Default)]
    struct One {
        hit: bool,
        stored: bool,
        skipped: bool,
        store_error: bool,
    }
    let done: Vec<One> = pool.install(|| {
        sources
            .par_iter()
            .map(|(f, lang)| {
                let mut one = One::default();
                let bytes = match std::fs::symlink_metadata(&f.abs) {
                    Ok(m) if m.len() <= MAX_READ_BYTES => std::fs::read(&f.abs).ok().map(decode),
                    _ => None,
                };
                match bytes {
                    Some(b) if b.len() <= MAX_PARSE_BYTES && !is_binary(&b) => {
                        let h = cache::content_hash(&b);
                        let full = cache.key(h, *lang, Mode::Full);
                        let structure = (*lang == Lang::Ruby).then(|| cache.key(h, *lang, Mode::Structure));
                        let have =
                            cache.load(full).is_some() && structure.is_none_or(|k| cache.load(k).is_some());
                        if have {
                            one.hit = true;
                        } else {
                            let everything = Interest::everything();
                            let (facts, ancestry) = if *lang == Lang::Ruby {
                                let (f, a, _) = lang::extract_ruby_with_structure(&b, &everything);
                                (f, Some(a))
                            } else {
                                (lang::extract(*lang, &b, &everything), None)
                            };
                            one.stored = true;
                            one.store_error |= cache.store(full, &facts).is_err();
                            if let (Some(k), Some(ancestry)) = (structure, ancestry) {
                                let s = FileFacts {
                                    ancestry,
                                    ..FileFacts::default()
                                };
                                one.store_error |= cache.store(k, &s).is_err();
                            }
                        }
                    }
                    _ => one.skipped = true,
                }
                if let Some(p) = &opts.progress {
                    p.file_done();
                }
                one
            })
            .collect()
    });
    if let Some(p) = &opts.progress {
        p.finish();
    }
    let written = cache.finish();
    let mut stats = IndexStats {
        repos: repos.len(),
        files: sources.len(),
        ..IndexStats::default()
    };
    for o in &done {
        stats.hits += usize::from(o.hit);
        stats.stored += usize::from(o.stored);
        stats.skipped += usize::from(o.skipped);
        stats.store_errors += usize::from(o.store_error || (o.stored && written.is_err()));
    }
    Ok(stats)
}
