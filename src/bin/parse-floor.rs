//! Benchmark support: the raw parse floor. Walks a workspace the way
//! `seamscan audit` does (the `ignore` crate's parallel walker, `.gitignore`
//! and `.ignore` honoured without `.git`, hidden directories and
//! `node_modules`, `vendor`, `dist`, `build`, `tmp`, `coverage` skipped,
//! symlinks not followed) with the same number of threads, reads every
//! source file and only parses it with tree-sitter: Ruby for `.rb`/`.rake`
//! (and the other Ruby names seamscan knows), TypeScript for `.ts`, TSX for
//! `.tsx`/`.js`/`.jsx`/`.mjs`/`.cjs`, and ERB through the embedded-template
//! grammar with the Ruby code ranges re-parsed in place (as seamscan does;
//! `--no-erb` leaves ERB out). No queries, no facts: whatever an audit costs
//! above this is seamscan's own work.
//!
//! ```sh
//! parse-floor [--jobs N] [--no-erb] WORKSPACE
//! ```

use clap::Parser as _;
use std::cell::RefCell;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use tree_sitter::{Language, Node, Parser, Range};

const SKIP_DIRS: [&str; 6] = ["node_modules", "vendor", "dist", "build", "tmp", "coverage"];
/// seamscan does not parse source files larger than this.
const MAX_PARSE_BYTES: u64 = 4 * 1024 * 1024;

#[derive(clap::Parser, Debug)]
#[command(
    name = "parse-floor",
    about = "Walk a workspace and only parse its source files with tree-sitter"
)]
struct Args {
    /// Worker threads (default: all cores, like seamscan).
    #[arg(short, long)]
    jobs: Option<usize>,
    /// Do not parse ERB views.
    #[arg(long)]
    no_erb: bool,
    workspace: PathBuf,
}

// The same language table seamscan uses, so both walk the same files.
use seamscan::facts::Lang;
use seamscan::workspace::lang_of;

fn language(lang: Lang) -> Language {
    match lang {
        Lang::Ruby => tree_sitter_ruby::LANGUAGE.into(),
        Lang::Erb => tree_sitter_embedded_template::LANGUAGE.into(),
        Lang::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
        Lang::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
    }
}

/// One parser per language and thread.
#[derive(Default)]
struct Parsers {
    by_lang: Vec<(Lang, Parser)>,
}

impl Parsers {
    fn get(&mut self, lang: Lang) -> &mut Parser {
        let i = match self.by_lang.iter().position(|(l, _)| *l == lang) {
            Some(i) => i,
            None => {
                let mut p = Parser::new();
                p.set_language(&language(lang))
                    .expect("bundled grammar matches tree-sitter");
                self.by_lang.push((lang, p));
                self.by_lang.len() - 1
            }
        };
        &mut self.by_lang[i].1
    }
}

thread_local! {
    static PARSERS: RefCell<Parsers> = RefCell::new(Parsers::default());
}

#[derive(Default)]
struct Totals {
    files: AtomicU64,
    bytes: AtomicU64,
    nodes: AtomicU64,
    errors: AtomicU64,
    skipped: AtomicU64,
}

/// The Ruby code ranges of an ERB tree (children of the template root).
fn erb_code_ranges(root: Node) -> Vec<Range> {
    let mut out = Vec::new();
    let mut cursor = root.walk();
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

/// Parse one file; returns (root node count, had errors).
fn parse(lang: Lang, src: &[u8]) -> (u64, bool) {
    PARSERS.with(|p| {
        let mut p = p.borrow_mut();
        match lang {
            Lang::Erb => {
                let Some(tree) = p.get(Lang::Erb).parse(src, None) else {
                    return (0, true);
                };
                let ranges = erb_code_ranges(tree.root_node());
                let err = tree.root_node().has_error();
                let mut nodes = tree.root_node().descendant_count() as u64;
                if !ranges.is_empty() {
                    let ruby = p.get(Lang::Ruby);
                    if ruby.set_included_ranges(&ranges).is_ok() {
                        if let Some(t) = ruby.parse(src, None) {
                            nodes += t.root_node().descendant_count() as u64;
                        }
                        let _ = ruby.set_included_ranges(&[]);
                    }
                }
                (nodes, err)
            }
            _ => match p.get(lang).parse(src, None) {
                Some(t) => (t.root_node().descendant_count() as u64, t.root_node().has_error()),
                None => (0, true),
            },
        }
    })
}

fn main() {
    let args = Args::parse();
    let threads = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1))
        .max(1);
    if !args.workspace.is_dir() {
        eprintln!("parse-floor: {}: not a directory", args.workspace.display());
        std::process::exit(2);
    }
    let start = Instant::now();
    let totals = Totals::default();
    let no_erb = args.no_erb;
    let walker = ignore::WalkBuilder::new(&args.workspace)
        .hidden(false)
        .parents(false)
        .ignore(true)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .require_git(false)
        .follow_links(false)
        .threads(threads)
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            let n = e.file_name().to_string_lossy();
            // Hidden files and directories hold no source seamscan parses.
            !(n.starts_with('.')
                || (e.file_type().is_some_and(|t| t.is_dir()) && SKIP_DIRS.contains(&n.as_ref())))
        })
        .build_parallel();
    walker.run(|| {
        let totals = &totals;
        Box::new(move |res| {
            let Ok(e) = res else {
                return ignore::WalkState::Continue;
            };
            if !e.file_type().is_some_and(|t| t.is_file()) {
                return ignore::WalkState::Continue;
            }
            let Some(lang) = lang_of(&e.file_name().to_string_lossy()) else {
                return ignore::WalkState::Continue;
            };
            if no_erb && lang == Lang::Erb {
                return ignore::WalkState::Continue;
            }
            let Ok(bytes) = std::fs::read(e.path()) else {
                return ignore::WalkState::Continue;
            };
            if bytes.len() as u64 > MAX_PARSE_BYTES || bytes[..bytes.len().min(8192)].contains(&0) {
                totals.skipped.fetch_add(1, Ordering::Relaxed);
                return ignore::WalkState::Continue;
            }
            let (nodes, err) = parse(lang, &bytes);
            totals.files.fetch_add(1, Ordering::Relaxed);
            totals.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
            totals.nodes.fetch_add(nodes, Ordering::Relaxed);
            totals.errors.fetch_add(u64::from(err), Ordering::Relaxed);
            ignore::WalkState::Continue
        })
    });
    eprintln!(
        "parse-floor: {} files parsed ({} bytes, {} nodes, {} with syntax errors, {} skipped) with {threads} threads in {} ms",
        totals.files.load(Ordering::Relaxed),
        totals.bytes.load(Ordering::Relaxed),
        totals.nodes.load(Ordering::Relaxed),
        totals.errors.load(Ordering::Relaxed),
        totals.skipped.load(Ordering::Relaxed),
        start.elapsed().as_millis()
    );
}
