//! Benchmark support: the raw parse floor. Walks a workspace the way
//! `seamscan audit` does (the `ignore` crate's parallel walker, `.gitignore`
//! and `.ignore` honoured without `.git`, hidden directories and
//! `node_modules`, `vendor`, `dist`, `build`, `tmp`, `coverage` skipped,
//! symlinks not followed) with the same number of threads, reads every
//! source file and only parses it, exactly as an audit does
//! (`seamscan::lang::parse_only`): Ruby for `.rb`/`.rake` (and the other Ruby
//! names seamscan knows) with Prism, TypeScript for `.ts` and TSX for
//! `.tsx`/`.js`/`.jsx`/`.mjs`/`.cjs` with oxc, ERB through tree-sitter's
//! embedded-template grammar with its Ruby handed to Prism as one blanked
//! buffer, HAML and Slim as the Ruby seamscan makes of them, with Prism
//! (`--no-erb` leaves ERB out, `--ruby-only` parses only Ruby files). No
//! facts: whatever an audit costs above this is seamscan's own work.
//!
//! `--tree-sitter` parses the same files with tree-sitter instead (issue
//! 19 defines the index target against "parsing every file once with
//! tree-sitter"): Ruby with tree-sitter-ruby, TypeScript and TSX with
//! tree-sitter-typescript's grammars, ERB with embedded-template and then
//! its code nodes as one tree-sitter-ruby tree (included ranges), HAML and
//! Slim as the Ruby seamscan makes of them. These grammars are the bench
//! crate's own dependencies; seamscan itself does not parse with them.
//!
//! ```sh
//! parse-floor [--jobs N] [--no-erb] [--ruby-only] [--tree-sitter] WORKSPACE
//! ```

use clap::Parser as _;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

const SKIP_DIRS: [&str; 6] = ["node_modules", "vendor", "dist", "build", "tmp", "coverage"];
/// seamscan does not parse source files larger than this.
const MAX_PARSE_BYTES: u64 = seamscan::audit::MAX_PARSE_BYTES as u64;

#[derive(clap::Parser, Debug)]
#[command(
    name = "parse-floor",
    about = "Walk a workspace and only parse its source files"
)]
struct Args {
    /// Worker threads (default: all cores, like seamscan).
    #[arg(short, long)]
    jobs: Option<usize>,
    /// Do not parse ERB views.
    #[arg(long)]
    no_erb: bool,
    /// Parse only Ruby source files (`.rb`, `.rake`, ...).
    #[arg(long)]
    ruby_only: bool,
    /// Parse with tree-sitter's Ruby and TypeScript grammars instead of
    /// seamscan's parsers (Prism, oxc).
    #[arg(long)]
    tree_sitter: bool,
    workspace: PathBuf,
}

// The same language table and parser setup seamscan uses, so both walk
// and parse the same files the same way; tree-sitter stays inside
// `seamscan::lang`.
use seamscan::facts::Lang;
use seamscan::lang::parse_only;
use seamscan::workspace::lang_of;

#[derive(Default)]
struct Totals {
    files: AtomicU64,
    bytes: AtomicU64,
    nodes: AtomicU64,
    errors: AtomicU64,
    skipped: AtomicU64,
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
    let ruby_only = args.ruby_only;
    let tree_sitter = args.tree_sitter;
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
            // Vue and Svelte components are not part of the parse floor.
            if (no_erb && lang == Lang::Erb)
                || (ruby_only && lang != Lang::Ruby)
                || matches!(lang, Lang::Vue | Lang::Svelte)
            {
                return ignore::WalkState::Continue;
            }
            let Ok(bytes) = std::fs::read(e.path()) else {
                return ignore::WalkState::Continue;
            };
            if bytes.len() as u64 > MAX_PARSE_BYTES || bytes[..bytes.len().min(8192)].contains(&0) {
                totals.skipped.fetch_add(1, Ordering::Relaxed);
                return ignore::WalkState::Continue;
            }
            let (nodes, err) = if tree_sitter {
                TS.with(|p| p.borrow_mut().parse(lang, &bytes))
            } else {
                let parsed = parse_only(lang, &bytes);
                (parsed.nodes, parsed.error)
            };
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

thread_local! {
    static TS: std::cell::RefCell<TreeSitter> = std::cell::RefCell::new(TreeSitter::new());
}

/// One thread's tree-sitter parsers (`--tree-sitter`).
struct TreeSitter {
    ruby: tree_sitter::Parser,
    typescript: tree_sitter::Parser,
    tsx: tree_sitter::Parser,
    erb: tree_sitter::Parser,
}

impl TreeSitter {
    fn new() -> TreeSitter {
        let parser = |l: tree_sitter_language::LanguageFn| {
            let mut p = tree_sitter::Parser::new();
            p.set_language(&l.into()).expect("grammar of a compatible ABI");
            p
        };
        TreeSitter {
            ruby: parser(tree_sitter_ruby::LANGUAGE),
            typescript: parser(tree_sitter_typescript::LANGUAGE_TYPESCRIPT),
            tsx: parser(tree_sitter_typescript::LANGUAGE_TSX),
            erb: parser(tree_sitter_embedded_template::LANGUAGE),
        }
    }

    /// Parse `src` as `lang`: (nodes, had syntax errors).
    fn parse(&mut self, lang: Lang, src: &[u8]) -> (u64, bool) {
        let count = |t: Option<tree_sitter::Tree>| match t {
            Some(t) => (t.root_node().descendant_count() as u64, t.root_node().has_error()),
            None => (0, true),
        };
        match lang {
            Lang::Ruby => count(self.ruby.parse(src, None)),
            Lang::TypeScript => count(self.typescript.parse(src, None)),
            Lang::Tsx => count(self.tsx.parse(src, None)),
            Lang::Haml => count(self.ruby.parse(seamscan::lang::template::haml_ruby(src), None)),
            Lang::Slim => count(self.ruby.parse(seamscan::lang::template::slim_ruby(src), None)),
            Lang::Erb => {
                let Some(tree) = self.erb.parse(src, None) else {
                    return (0, true);
                };
                let root = tree.root_node();
                let mut ranges = Vec::new();
                let mut cursor = root.walk();
                for node in root.children(&mut cursor) {
                    let mut inner = node.walk();
                    ranges.extend(
                        node.children(&mut inner)
                            .filter(|c| c.kind() == "code")
                            .map(|c| c.range()),
                    );
                }
                let (mut nodes, mut err) = (root.descendant_count() as u64, root.has_error());
                if !ranges.is_empty() && self.ruby.set_included_ranges(&ranges).is_ok() {
                    let (n, e) = count(self.ruby.parse(src, None));
                    nodes += n;
                    err |= e;
                    let _ = self.ruby.set_included_ranges(&[]);
                }
                (nodes, err)
            }
            Lang::Vue | Lang::Svelte => (0, false),
        }
    }
}
