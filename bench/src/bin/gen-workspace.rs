//! Benchmark support: writes a deterministic multi-repo workspace of Ruby
//! (Rails) and TypeScript repos, and seamscan plans over it.
//!
//! ```sh
//! cargo run --release -p seamscan-bench --bin gen-workspace -- --repos 6 --files 20000 --seed 1 /tmp/ws \
//!     --plan-points 50 --plan-out /tmp/p50.yaml --worst-case-plan /tmp/worst.yaml
//! ```
//!
//! `--files` is the total number of files written (sources, views, tests,
//! config), spread evenly over the repos. The same arguments always give the
//! same bytes: one splitmix64 stream builds the model (repos, classes,
//! methods, env vars, JSON columns), and every file has its own stream
//! derived from the seed and its index. Plans are derived from the model
//! alone, so they can be written without the workspace (omit OUT), and the
//! first K points of a plan are the same for every larger K.

use clap::Parser;
use rayon::prelude::*;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Name of the marker file written at the workspace root.
const MARKER: &str = ".seamscan-gen";

#[derive(Parser, Debug)]
#[command(
    name = "gen-workspace",
    about = "Write a deterministic benchmark workspace and plans for seamscan"
)]
struct Args {
    /// Number of repos (Ruby/Rails and TypeScript, alternating).
    #[arg(long, default_value_t = 6)]
    repos: usize,
    /// Total number of files in the workspace, all kinds together.
    #[arg(long, default_value_t = 20_000)]
    files: usize,
    /// Seed of the generator.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Number of points of a distinctive-name plan; repeatable, paired in
    /// order with --plan-out.
    #[arg(long = "plan-points")]
    plan_points: Vec<usize>,
    /// Where to write the plan of the matching --plan-points.
    #[arg(long = "plan-out")]
    plan_out: Vec<PathBuf>,
    /// Write a 50-point plan whose names occur in nearly every file.
    #[arg(long = "worst-case-plan")]
    worst_case_plan: Option<PathBuf>,
    /// Replace OUT when it holds a workspace this tool generated earlier.
    #[arg(long)]
    force: bool,
    /// Directory to write the workspace to (omit to write plans only).
    out: Option<PathBuf>,
}

// ---------------------------------------------------------------- PRNG

/// splitmix64: tiny, fast, and the same on every platform.
#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64) -> Rng {
        let mut r = Rng(seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03));
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    fn w(&mut self, xs: &[&'static str]) -> &'static str {
        xs[self.below(xs.len())]
    }
    fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            let j = self.below(i + 1);
            xs.swap(i, j);
        }
    }
}

// ---------------------------------------------------------- vocabulary

const VERBS: &[&str] = &[
    "fetch",
    "sync",
    "build",
    "compute",
    "calculate",
    "resolve",
    "publish",
    "enqueue",
    "validate",
    "normalize",
    "refresh",
    "reconcile",
    "archive",
    "restore",
    "import",
    "export",
    "transform",
    "schedule",
    "dispatch",
    "notify",
    "summarize",
    "merge",
    "split",
    "apply",
    "revoke",
    "grant",
    "expire",
    "rotate",
    "encode",
    "decode",
    "serialize",
    "prepare",
    "finalize",
    "assign",
    "transfer",
    "capture",
    "refund",
    "charge",
    "approve",
    "reject",
    "track",
    "record",
    "load",
    "store",
    "purge",
    "reindex",
    "rebuild",
    "hydrate",
    "migrate",
    "upload",
    "download",
    "verify",
    "authorize",
    "format",
    "parse",
    "compose",
    "attach",
    "detach",
    "register",
    "lookup",
    "estimate",
    "allocate",
    "broadcast",
    "throttle",
];

const ADJS: &[&str] = &[
    "pending",
    "active",
    "recent",
    "stale",
    "primary",
    "default",
    "external",
    "internal",
    "daily",
    "weekly",
    "monthly",
    "partial",
    "full",
    "cached",
    "remote",
    "local",
    "draft",
    "published",
    "archived",
    "expired",
    "verified",
    "failed",
    "queued",
    "scheduled",
    "shared",
    "featured",
    "trending",
    "orphaned",
    "duplicate",
    "legacy",
    "bulk",
    "nightly",
    "preferred",
    "visible",
    "hidden",
    "pinned",
    "flagged",
    "unread",
    "overdue",
    "upcoming",
];

const NOUNS: &[&str] = &[
    "invoice",
    "ledger",
    "shipment",
    "account",
    "order",
    "payment",
    "customer",
    "subscription",
    "plan",
    "coupon",
    "refund",
    "report",
    "metric",
    "session",
    "token",
    "webhook",
    "document",
    "attachment",
    "thumbnail",
    "video",
    "frame",
    "asset",
    "playlist",
    "channel",
    "episode",
    "transcript",
    "caption",
    "narration",
    "voice",
    "audio",
    "image",
    "story",
    "comment",
    "vote",
    "tag",
    "badge",
    "member",
    "team",
    "workspace",
    "project",
    "task",
    "milestone",
    "release",
    "artifact",
    "package",
    "version",
    "dependency",
    "owner",
    "rubygem",
    "download",
    "mirror",
    "region",
    "tenant",
    "quota",
    "usage",
    "budget",
    "forecast",
    "alert",
    "incident",
    "notification",
    "message",
    "reply",
    "template",
    "layout",
    "theme",
    "widget",
    "dashboard",
    "chart",
    "series",
    "sample",
    "batch",
    "worker",
    "slot",
    "booking",
    "room",
    "venue",
    "ticket",
    "seat",
    "cart",
    "product",
    "variant",
    "price",
    "discount",
    "tax",
    "address",
    "carrier",
    "route",
    "driver",
    "vehicle",
    "trip",
    "fare",
    "zone",
    "tile",
    "marker",
    "layer",
    "collection",
    "folder",
    "revision",
    "snippet",
    "share",
    "invite",
    "profile",
    "avatar",
    "credential",
    "certificate",
    "domain",
    "endpoint",
    "feed",
    "digest",
    "summary",
    "schema",
    "field",
    "label",
    "ballot",
    "poll",
    "survey",
    "response",
    "question",
    "answer",
    "lesson",
    "course",
    "grade",
    "enrollment",
];

const SERVICE_SUFFIX: &[&str] = &[
    "Service",
    "Builder",
    "Processor",
    "Calculator",
    "Importer",
    "Exporter",
    "Notifier",
    "Resolver",
    "Client",
    "Gateway",
    "Presenter",
    "Policy",
    "Serializer",
    "Query",
    "Decorator",
    "Adapter",
    "Repository",
    "Validator",
];

const COMPONENT_SUFFIX: &[&str] = &[
    "Panel", "List", "Card", "Dialog", "Picker", "Form", "View", "Button", "Menu", "Header", "Sidebar",
    "Badge", "Table", "Toolbar", "Modal",
];

const ENV_SUFFIX: &[&str] = &[
    "URL", "TIMEOUT", "ENABLED", "API_KEY", "SECRET", "HOST", "PORT", "LIMIT", "BUCKET", "REGION", "TOKEN",
    "QUEUE", "RETRIES", "TTL",
];

const SHARED_ENV: &[&str] = &[
    "DATABASE_URL",
    "REDIS_URL",
    "LOG_LEVEL",
    "SENTRY_DSN",
    "SMTP_HOST",
    "S3_BUCKET",
];

const COLUMNS: &[&str] = &[
    "metadata",
    "settings",
    "payload",
    "preferences",
    "properties",
    "details",
];

const REPO_NAMES: &[&str] = &[
    "billing-service",
    "web-dashboard",
    "cms-api",
    "renderer",
    "analytics",
    "storefront",
    "notifications",
    "mobile-bff",
    "search-indexer",
    "media-pipeline",
    "admin-console",
    "auth-gateway",
];

const RUBY_PARAMS: &[&str] = &[
    "record", "user", "options", "attrs", "scope", "batch", "items", "id",
];
const TS_PARAMS: &[&str] = &[
    "input", "user", "options", "items", "id", "batch", "ctx", "record",
];

// ------------------------------------------------------------- helpers

fn pascal(s: &str) -> String {
    s.split('_')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

fn camel(s: &str) -> String {
    let p = pascal(s);
    let mut c = p.chars();
    match c.next() {
        Some(f) => f.to_ascii_lowercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

fn snake(s: &str) -> String {
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if ch.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

fn plural(s: &str) -> String {
    if s.ends_with('s') || s.ends_with('x') {
        format!("{s}es")
    } else if let Some(stem) = s.strip_suffix('y').filter(|st| !st.ends_with(['a', 'e', 'o'])) {
        format!("{stem}ies")
    } else {
        format!("{s}s")
    }
}

/// Relative import specifier from the file `from` to the file `to`
/// (both repo-relative, `to` without extension).
fn rel_import(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = from.split('/').collect();
    let from_dir = &from_dir[..from_dir.len() - 1];
    let to_parts: Vec<&str> = to.split('/').collect();
    let mut common = 0;
    while common < from_dir.len() && common + 1 < to_parts.len() && from_dir[common] == to_parts[common] {
        common += 1;
    }
    let ups = from_dir.len() - common;
    let mut s = if ups == 0 {
        "./".to_string()
    } else {
        "../".repeat(ups)
    };
    s.push_str(&to_parts[common..].join("/"));
    s
}

fn strip_ext(p: &str) -> &str {
    p.rsplit_once('.').map(|(a, _)| a).unwrap_or(p)
}

// --------------------------------------------------------------- model

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Lang {
    Ruby,
    Ts,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Model,
    Service,
    Job,
    Controller,
    Helper,
    Lib,
    Rake,
    View,
    Spec,
    TsService,
    TsUtil,
    TsStore,
    Component,
    Hook,
    Api,
    Legacy,
    TsTest,
    Config,
}

impl Kind {
    fn defines_class(self) -> bool {
        !matches!(
            self,
            Kind::Rake | Kind::View | Kind::Spec | Kind::TsTest | Kind::Config
        )
    }
    /// TS modules of plain functions rather than a class.
    fn functions(self) -> bool {
        matches!(
            self,
            Kind::TsUtil | Kind::Component | Kind::Hook | Kind::Api | Kind::Legacy
        )
    }
}

const RUBY_KINDS: &[(Kind, usize)] = &[
    (Kind::Model, 13),
    (Kind::Service, 17),
    (Kind::Job, 7),
    (Kind::Controller, 8),
    (Kind::Helper, 4),
    (Kind::Lib, 6),
    (Kind::Rake, 3),
    (Kind::View, 14),
    (Kind::Spec, 24),
    (Kind::Config, 4),
];

const TS_KINDS: &[(Kind, usize)] = &[
    (Kind::TsService, 18),
    (Kind::TsUtil, 14),
    (Kind::TsStore, 8),
    (Kind::Component, 20),
    (Kind::Hook, 6),
    (Kind::Api, 6),
    (Kind::Legacy, 5),
    (Kind::TsTest, 20),
    (Kind::Config, 3),
];

struct Method {
    name: String,
    private: bool,
    is_static: bool,
}

struct Class {
    repo: usize,
    kind: Kind,
    /// Ruby module (`Billing`) or empty.
    namespace: String,
    /// Leaf name: class, module, or (TS function modules) the file's stem.
    name: String,
    path: String,
    methods: Vec<Method>,
    /// JSON column this class reads and writes.
    column: usize,
    /// Env vars (indices into the repo's list) this class reads.
    env: Vec<usize>,
}

impl Class {
    fn full(&self) -> String {
        if self.namespace.is_empty() {
            self.name.clone()
        } else {
            format!("{}::{}", self.namespace, self.name)
        }
    }
}

struct Repo {
    name: String,
    lang: Lang,
    env: Vec<String>,
    /// Whether each env var is defined in this repo's config files.
    env_defined: Vec<bool>,
    classes: Vec<usize>,
}

enum What {
    Fixed(&'static str),
    Class(usize),
    /// A spec or test of a class.
    Test(usize),
    /// A view of a model or controller (the variant picks the template).
    View(usize, usize),
    Rake,
    Config,
}

struct FileSpec {
    repo: usize,
    path: String,
    what: What,
}

struct Model {
    seed: u64,
    repos: Vec<Repo>,
    classes: Vec<Class>,
    files: Vec<FileSpec>,
    /// JSON keys per column (snake case).
    keys: Vec<Vec<String>>,
}

const RUBY_FIXED: &[&str] = &[
    "Gemfile",
    "Rakefile",
    "config.ru",
    "README.md",
    ".gitignore",
    ".env.example",
    "Dockerfile",
    "docker-compose.yml",
    "config/database.yml",
    "config/settings.yml",
    "config/deploy/production.yaml",
    "config/routes.rb",
    "app/models/application_record.rb",
    "app/controllers/application_controller.rb",
    ".github/workflows/ci.yml",
];

const TS_FIXED: &[&str] = &[
    "package.json",
    "tsconfig.json",
    "README.md",
    ".gitignore",
    ".env.example",
    "Dockerfile",
    "docker-compose.yml",
    "config/default.json",
    "k8s/deployment.yaml",
    "src/index.ts",
    ".github/workflows/ci.yml",
];

fn weighted(rng: &mut Rng, table: &[(Kind, usize)]) -> Kind {
    let total: usize = table.iter().map(|(_, w)| w).sum();
    let mut x = rng.below(total);
    for (k, w) in table {
        if x < *w {
            return *k;
        }
        x -= w;
    }
    table[0].0
}

fn method_name(rng: &mut Rng, lang: Lang) -> String {
    let verb = *rng.pick(VERBS);
    let noun = *rng.pick(NOUNS);
    let words = if rng.chance(55) {
        format!("{verb}_{}_{noun}", rng.pick(ADJS))
    } else {
        format!("{verb}_{noun}")
    };
    match lang {
        Lang::Ruby => {
            let suffix = match rng.below(20) {
                0 => "!",
                1 => "?",
                _ => "",
            };
            format!("{words}{suffix}")
        }
        Lang::Ts => camel(&words),
    }
}

impl Model {
    fn build(seed: u64, nrepos: usize, nfiles: usize) -> Model {
        let mut rng = Rng::new(seed, 0);
        let nrepos = nrepos.max(1);
        let mut keys = Vec::new();
        for _ in COLUMNS {
            let n = rng.range(8, 18);
            let mut set = Vec::new();
            while set.len() < n {
                let k = format!(
                    "{}_{}",
                    rng.pick(NOUNS),
                    rng.pick(&["url", "id", "count", "at", "status", "name", "version", "enabled"])
                );
                if !set.contains(&k) {
                    set.push(k);
                }
            }
            keys.push(set);
        }
        let mut model = Model {
            seed,
            repos: Vec::new(),
            classes: Vec::new(),
            files: Vec::new(),
            keys,
        };
        for r in 0..nrepos {
            let base = REPO_NAMES[r % REPO_NAMES.len()];
            let name = if r < REPO_NAMES.len() {
                base.to_string()
            } else {
                format!("{base}-{}", r / REPO_NAMES.len() + 1)
            };
            let lang = if r % 2 == 0 { Lang::Ruby } else { Lang::Ts };
            let mut env = Vec::new();
            let n = rng.range(18, 36);
            while env.len() < n {
                let v = format!(
                    "{}_{}_{}",
                    rng.pick(NOUNS).to_ascii_uppercase(),
                    rng.pick(NOUNS).to_ascii_uppercase(),
                    rng.pick(ENV_SUFFIX)
                );
                if !env.contains(&v) {
                    env.push(v);
                }
            }
            env.extend(SHARED_ENV.iter().map(|s| s.to_string()));
            env.push(
                if lang == Lang::Ruby {
                    "RAILS_ENV"
                } else {
                    "NODE_ENV"
                }
                .to_string(),
            );
            let env_defined = env.iter().map(|_| rng.chance(80)).collect();
            model.repos.push(Repo {
                name,
                lang,
                env,
                env_defined,
                classes: Vec::new(),
            });
        }
        for r in 0..nrepos {
            let budget = nfiles / nrepos + usize::from(r < nfiles % nrepos);
            model.add_repo_files(&mut rng, r, budget);
        }
        model
    }

    fn add_repo_files(&mut self, rng: &mut Rng, r: usize, budget: usize) {
        let lang = self.repos[r].lang;
        let fixed = if lang == Lang::Ruby { RUBY_FIXED } else { TS_FIXED };
        for f in fixed.iter().take(budget) {
            self.files.push(FileSpec {
                repo: r,
                path: f.to_string(),
                what: What::Fixed(f),
            });
        }
        let slots = budget.saturating_sub(fixed.len());
        let table = if lang == Lang::Ruby { RUBY_KINDS } else { TS_KINDS };
        let kinds: Vec<Kind> = (0..slots).map(|_| weighted(rng, table)).collect();
        let mut names: HashSet<String> = HashSet::new();
        let mut paths: HashSet<String> = fixed.iter().map(|s| s.to_string()).collect();
        let mut class_slots = Vec::new();
        for (slot, kind) in kinds.iter().enumerate() {
            if !kind.defines_class() {
                continue;
            }
            let (ns, name, path) = loop {
                let (ns, name, path) = class_name(rng, *kind);
                let full = format!("{ns}::{name}");
                if !names.contains(&full) && !paths.contains(&path) {
                    names.insert(full);
                    paths.insert(path.clone());
                    break (ns, name, path);
                }
            };
            let nmethods = match kind {
                Kind::Component => rng.range(2, 4),
                Kind::Hook => rng.range(1, 3),
                Kind::Model => rng.range(6, 14),
                _ => rng.range(5, 12),
            };
            let mut methods: Vec<Method> = Vec::new();
            let mut mnames = HashSet::new();
            while methods.len() < nmethods {
                let name = match kind {
                    Kind::Component if methods.is_empty() => name.clone(),
                    Kind::Hook if methods.is_empty() => name.clone(),
                    Kind::Component => format!(
                        "handle{}",
                        pascal(&format!("{}_{}", rng.pick(VERBS), rng.pick(NOUNS)))
                    ),
                    _ => method_name(rng, lang),
                };
                if !mnames.insert(name.clone()) {
                    continue;
                }
                let first = methods.is_empty();
                // Public methods first, then a private section (Ruby) or
                // private members / module-local helpers (TS).
                let private = !first && methods.len() * 10 >= nmethods * 7 && rng.chance(85);
                let is_static = !private && !kind.functions() && rng.chance(15);
                methods.push(Method {
                    name,
                    private,
                    is_static,
                });
            }
            let ci = self.classes.len();
            let nenv = self.repos[r].env.len();
            let env = (0..rng.range(0, 3)).map(|_| rng.below(nenv)).collect();
            self.classes.push(Class {
                repo: r,
                kind: *kind,
                namespace: ns,
                name,
                path,
                methods,
                column: rng.below(COLUMNS.len()),
                env,
            });
            self.repos[r].classes.push(ci);
            class_slots.push((slot, ci));
        }
        let repo_classes = self.repos[r].classes.clone();
        let mut cursor = 0;
        for (slot, kind) in kinds.iter().enumerate() {
            let what = if kind.defines_class() {
                let ci = class_slots[cursor].1;
                debug_assert_eq!(class_slots[cursor].0, slot);
                cursor += 1;
                What::Class(ci)
            } else if repo_classes.is_empty() {
                What::Config
            } else {
                let target = *rng.pick(&repo_classes);
                match kind {
                    Kind::Spec | Kind::TsTest => What::Test(target),
                    Kind::View => What::View(target, rng.below(4)),
                    Kind::Rake => What::Rake,
                    _ => What::Config,
                }
            };
            let path = match &what {
                What::Class(ci) => self.classes[*ci].path.clone(),
                What::Test(ci) => test_path(&self.classes[*ci], &mut paths, rng),
                What::View(ci, _) => {
                    let c = &self.classes[*ci];
                    let dir = plural(&snake(&c.name).replace("_controller", ""));
                    unique(&mut paths, rng, |rng| {
                        let page = rng.pick(&[
                            "index", "show", "edit", "new", "_form", "_row", "_summary", "_sidebar",
                        ]);
                        format!("app/views/{dir}/{page}.html.erb")
                    })
                }
                What::Rake => unique(&mut paths, rng, |rng| {
                    format!("lib/tasks/{}_{}.rake", rng.pick(VERBS), rng.pick(NOUNS))
                }),
                What::Config => unique(&mut paths, rng, |rng| {
                    let n = rng.pick(NOUNS);
                    match (lang, rng.below(3)) {
                        (_, 0) => format!("config/{n}.yml"),
                        (_, 1) => format!(
                            "deploy/{n}-{}.yaml",
                            rng.pick(&["staging", "production", "canary"])
                        ),
                        _ => format!("config/locales/{n}.en.yml"),
                    }
                }),
                What::Fixed(_) => unreachable!(),
            };
            self.files.push(FileSpec { repo: r, path, what });
        }
    }
}

fn unique(paths: &mut HashSet<String>, rng: &mut Rng, mut make: impl FnMut(&mut Rng) -> String) -> String {
    for attempt in 0.. {
        let mut p = make(rng);
        if attempt > 20 {
            let (stem, ext) = p.split_once('.').unwrap_or((&p, ""));
            p = format!("{stem}_{attempt}.{ext}");
        }
        if paths.insert(p.clone()) {
            return p;
        }
    }
    unreachable!()
}

fn test_path(c: &Class, paths: &mut HashSet<String>, rng: &mut Rng) -> String {
    let path = c.path.clone();
    unique(paths, rng, |rng| {
        let n = rng.below(3);
        let extra = if n == 0 {
            String::new()
        } else {
            format!("_{}", rng.pick(NOUNS))
        };
        if let Some(rest) = path.strip_prefix("app/") {
            format!("spec/{}{extra}_spec.rb", strip_ext(rest))
        } else if let Some(rest) = path.strip_prefix("lib/") {
            format!("spec/lib/{}{extra}_spec.rb", strip_ext(rest))
        } else {
            let (stem, ext) = path.rsplit_once('.').unwrap_or((&path, "ts"));
            let ext = if ext == "js" { "ts" } else { ext };
            if rng.chance(50) {
                format!("{stem}{extra}.test.{ext}")
            } else {
                let stem = stem.strip_prefix("src/").unwrap_or(stem);
                format!("src/__tests__/{stem}{extra}.test.{ext}")
            }
        }
    })
}

/// (namespace, leaf name, path) for a new class of this kind.
fn class_name(rng: &mut Rng, kind: Kind) -> (String, String, String) {
    let n1 = *rng.pick(NOUNS);
    let n2 = *rng.pick(NOUNS);
    let two = rng.chance(60);
    let base = if two { format!("{n1}_{n2}") } else { n1.to_string() };
    match kind {
        Kind::Model => {
            let name = pascal(&base);
            let path = format!("app/models/{}.rb", snake(&name));
            (String::new(), name, path)
        }
        Kind::Service => {
            let name = format!("{}{}", pascal(&base), rng.pick(SERVICE_SUFFIX));
            if rng.chance(35) {
                let ns = pascal(rng.w(NOUNS));
                let path = format!("app/services/{}/{}.rb", snake(&ns), snake(&name));
                (ns, name, path)
            } else {
                let path = format!("app/services/{}.rb", snake(&name));
                (String::new(), name, path)
            }
        }
        Kind::Job => {
            let name = format!("{}{}Job", pascal(rng.w(VERBS)), pascal(&base));
            let path = format!("app/jobs/{}.rb", snake(&name));
            (String::new(), name, path)
        }
        Kind::Controller => {
            let name = format!("{}Controller", pascal(&plural(&base)));
            if rng.chance(30) {
                let path = format!("app/controllers/api/v1/{}.rb", snake(&name));
                ("Api::V1".to_string(), name, path)
            } else {
                let path = format!("app/controllers/{}.rb", snake(&name));
                (String::new(), name, path)
            }
        }
        Kind::Helper => {
            let name = format!("{}Helper", pascal(&base));
            let path = format!("app/helpers/{}.rb", snake(&name));
            (String::new(), name, path)
        }
        Kind::Lib => {
            let ns = pascal(n2);
            let name = format!("{}{}", pascal(n1), rng.pick(SERVICE_SUFFIX));
            let path = format!("lib/{}/{}.rb", snake(&ns), snake(&name));
            (ns, name, path)
        }
        Kind::TsService => {
            let name = format!("{}{}", pascal(&base), rng.pick(SERVICE_SUFFIX));
            let path = format!("src/services/{}.ts", camel(&snake(&name)));
            (String::new(), name, path)
        }
        Kind::TsStore => {
            let name = format!("{}Store", pascal(&plural(&base)));
            let path = format!("src/stores/{name}.ts");
            (String::new(), name, path)
        }
        Kind::TsUtil => {
            let name = camel(&base);
            let path = format!("src/utils/{name}.ts");
            (String::new(), name, path)
        }
        Kind::Component => {
            let adj = if rng.chance(30) {
                pascal(rng.w(ADJS))
            } else {
                String::new()
            };
            let name = format!("{adj}{}{}", pascal(&base), rng.pick(COMPONENT_SUFFIX));
            let dir = if rng.chance(40) {
                format!("src/components/{}", pascal(n1))
            } else {
                "src/components".into()
            };
            let path = format!("{dir}/{name}.tsx");
            (String::new(), name, path)
        }
        Kind::Hook => {
            let name = format!("use{}", pascal(&base));
            let path = format!("src/hooks/{name}.ts");
            (String::new(), name, path)
        }
        Kind::Api => {
            let name = format!("{}Routes", camel(&base));
            let path = format!("src/api/{name}.ts");
            (String::new(), name, path)
        }
        Kind::Legacy => {
            let name = camel(&base);
            let ext = rng.pick(&["js", "js", "mjs", "jsx", "cjs"]);
            let path = format!("src/legacy/{name}.{ext}");
            (String::new(), name, path)
        }
        _ => unreachable!("not a class kind"),
    }
}

// --------------------------------------------------------- file writer

/// A call site: the text of the call and, for TS, the import it needs.
struct Call {
    text: String,
    import: Option<(String, String)>,
}

struct Gen<'a> {
    m: &'a Model,
    rng: Rng,
    repo: usize,
    path: &'a str,
    imports: Vec<(String, String)>,
}

impl<'a> Gen<'a> {
    fn lang(&self) -> Lang {
        self.m.repos[self.repo].lang
    }

    /// A class to call into: usually this repo, sometimes another repo of
    /// the same language (cross-repo calls).
    fn target_class(&mut self) -> Option<&'a Class> {
        let m = self.m;
        let lang = self.lang();
        let repo = if self.rng.chance(18) && m.repos.len() > 1 {
            let same: Vec<usize> = (0..m.repos.len())
                .filter(|r| *r != self.repo && m.repos[*r].lang == lang && !m.repos[*r].classes.is_empty())
                .collect();
            if same.is_empty() {
                self.repo
            } else {
                *self.rng.pick(&same)
            }
        } else {
            self.repo
        };
        let cls = &m.repos[repo].classes;
        if cls.is_empty() {
            return None;
        }
        Some(&m.classes[*self.rng.pick(cls)])
    }

    fn args(&mut self) -> String {
        let params = if self.lang() == Lang::Ruby {
            RUBY_PARAMS
        } else {
            TS_PARAMS
        };
        let n = self.rng.below(3);
        (0..n)
            .map(|_| *self.rng.pick(params))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A call to a public method of another class (rarely a private one:
    /// the kind of bug seamscan exists to find).
    fn call_other(&mut self) -> Option<Call> {
        // Components are rendered (JSX), not called, outside other components.
        let in_component = self.path.ends_with(".tsx");
        let mut c = self.target_class()?;
        for _ in 0..3 {
            if c.kind != Kind::Component || in_component {
                break;
            }
            c = self.target_class()?;
        }
        if c.kind == Kind::Component && !in_component {
            return None;
        }
        let candidates: Vec<&Method> = c
            .methods
            .iter()
            .filter(|mt| !mt.private || self.rng.chance(3))
            .collect();
        if candidates.is_empty() {
            return None;
        }
        let mt = *self.rng.pick(&candidates);
        let args = self.args();
        let lang = self.lang();
        let full = c.full();
        let text = match lang {
            Lang::Ruby => {
                if mt.is_static {
                    format!("{full}.{}({args})", mt.name)
                } else {
                    match self.rng.below(4) {
                        0 if c.kind == Kind::Model => format!("{full}.find(id).{}({args})", mt.name),
                        1 => {
                            let var = snake(&c.name);
                            format!("{var} = {full}.new\n{var}.{}({args})", mt.name)
                        }
                        _ => format!("{full}.new({}).{}({args})", self.args(), mt.name),
                    }
                }
            }
            Lang::Ts => {
                if c.kind.functions() {
                    if c.kind == Kind::Component {
                        format!("{}({{}})", c.methods[0].name)
                    } else {
                        format!("{}({args})", mt.name)
                    }
                } else if mt.is_static {
                    format!("{full}.{}({args})", mt.name)
                } else if self.rng.chance(30) {
                    let var = camel(&snake(&c.name));
                    format!("const {var} = new {full}(this.db);\n{var}.{}({args})", mt.name)
                } else {
                    format!("new {full}(this.db).{}({args})", mt.name)
                }
            }
        };
        let import = if lang == Lang::Ts {
            let imported = if c.kind.functions() {
                if c.kind == Kind::Component {
                    c.methods[0].name.clone()
                } else {
                    mt.name.clone()
                }
            } else {
                c.name.clone()
            };
            let from = if c.repo == self.repo {
                rel_import(self.path, strip_ext(&c.path))
            } else {
                format!("@ws/{}/{}", self.m.repos[c.repo].name, strip_ext(&c.path))
            };
            Some((imported, from))
        } else {
            None
        };
        Some(Call { text, import })
    }

    fn env_var(&mut self, c: Option<&Class>) -> String {
        let r = &self.m.repos[self.repo];
        match c {
            Some(c) if !c.env.is_empty() && self.rng.chance(70) => r.env[*self.rng.pick(&c.env)].clone(),
            _ => r.env[self.rng.below(r.env.len())].clone(),
        }
    }

    fn key(&mut self, col: usize) -> String {
        let k = self.rng.pick(&self.m.keys[col]).clone();
        if self.lang() == Lang::Ts && self.rng.chance(60) {
            camel(&k)
        } else {
            k
        }
    }

    /// One Ruby statement (possibly several lines) for a method body.
    fn ruby_stmt(&mut self, c: &Class, out: &mut Vec<String>) {
        let col = COLUMNS[c.column];
        match self.rng.below(16) {
            0..=4 => {
                if let Some(call) = self.call_other() {
                    let mut lines: Vec<String> = call.text.lines().map(str::to_string).collect();
                    if let Some(last) = lines.last_mut()
                        && self.rng.chance(50)
                    {
                        *last = format!("result = {last}");
                    }
                    out.extend(lines);
                }
            }
            5 | 6 => {
                let mt = &c.methods[self.rng.below(c.methods.len())];
                let a = self.args();
                if mt.is_static {
                    out.push(format!("self.class.{}({a})", mt.name));
                } else if self.rng.chance(30) {
                    out.push(format!("self.{}({a})", mt.name));
                } else {
                    out.push(format!("{}({a})", mt.name));
                }
            }
            7 => {
                let var = self.env_var(Some(c));
                if let Some(call) = self.call_other() {
                    out.push(format!("if ENV['{var}'] == 'true'"));
                    out.extend(call.text.lines().map(|l| format!("  {l}")));
                    out.push("end".into());
                }
            }
            8 => {
                let var = self.env_var(Some(c));
                let v = snake(&var.to_ascii_lowercase());
                if self.rng.chance(50) {
                    out.push(format!("{v} = ENV.fetch(\"{var}\", \"30\").to_i"));
                } else {
                    out.push(format!(
                        "{v} = ENV[\"{var}\"].presence || Rails.configuration.x.default"
                    ));
                }
            }
            9 => {
                let (k1, k2) = (self.key(c.column), self.key(c.column));
                match self.rng.below(3) {
                    0 => out.push(format!(
                        "record.update!({col}: record.{col}.merge({k1}: value, {k2}: Time.current))"
                    )),
                    1 => out.push(format!("record.{col}['{k1}'] = options[:{k2}]")),
                    _ => {
                        out.push(format!("record.{col}[:{k1}] = user.id"));
                        out.push("record.save!".into());
                    }
                }
            }
            10 => {
                let k = self.key(c.column);
                match self.rng.below(3) {
                    0 => out.push(format!("value = record.{col}['{k}']")),
                    1 => out.push(format!("value = record.{col}.dig('{k}', 'id')")),
                    _ => out.push(format!("value = record.{col}.fetch(:{k}, nil)")),
                }
            }
            11 => out.push("Rails.logger.info(\"processing #{record.id} for #{user&.name}\")".into()),
            12 => {
                out.push("items.each do |item|".into());
                out.push("  next if item.nil? || item.id.blank?".into());
                out.push(format!(
                    "  item.update(status: :{}, name: item.name.to_s.strip)",
                    self.rng.pick(ADJS)
                ));
                out.push("end".into());
            }
            13 => out.push(format!(
                "ids = items.map(&:id).compact.uniq.first({})",
                self.rng.range(5, 500)
            )),
            14 => {
                out.push(format!(
                    "raise ArgumentError, \"missing {}\" if record.nil?",
                    self.rng.pick(NOUNS)
                ));
            }
            _ => {
                let mt = &c.methods[self.rng.below(c.methods.len())];
                if self.rng.chance(20) {
                    out.push(format!("public_send(:{}, record)", mt.name));
                } else {
                    out.push(format!("items.select(&:{}).size", mt.name));
                }
            }
        }
    }

    /// One TS statement for a method or function body.
    fn ts_stmt(&mut self, c: &Class, out: &mut Vec<String>) {
        let col = COLUMNS[c.column];
        let in_class = !c.kind.functions();
        match self.rng.below(15) {
            0..=4 => {
                if let Some(call) = self.call_other() {
                    if let Some(imp) = call.import {
                        self.imports.push(imp);
                    }
                    let mut lines: Vec<String> = call.text.lines().map(str::to_string).collect();
                    if let Some(last) = lines.last_mut() {
                        *last = if self.rng.chance(50) {
                            format!("const result{} = await {last};", self.rng.below(100))
                        } else {
                            format!("await {last};")
                        };
                    }
                    out.extend(lines);
                }
            }
            5 | 6 => {
                let mt = &c.methods[self.rng.below(c.methods.len())];
                let a = self.args();
                if in_class {
                    if mt.is_static {
                        out.push(format!("{}.{}({a});", c.name, mt.name));
                    } else {
                        out.push(format!("this.{}({a});", mt.name));
                    }
                } else if c.kind != Kind::Component || self.rng.chance(50) {
                    out.push(format!("{}({a});", mt.name));
                }
            }
            7 => {
                let var = self.env_var(Some(c));
                if let Some(call) = self.call_other() {
                    if let Some(imp) = call.import {
                        self.imports.push(imp);
                    }
                    out.push(format!("if (process.env.{var} === \"true\") {{"));
                    out.extend(call.text.lines().map(|l| format!("  {l};")));
                    out.push("}".into());
                }
            }
            8 => {
                let var = self.env_var(Some(c));
                let v = camel(&var.to_ascii_lowercase());
                if self.rng.chance(50) {
                    out.push(format!("const {v} = process.env[\"{var}\"] ?? \"\";"));
                } else {
                    out.push(format!("const {v} = Number(process.env.{var} || 30);"));
                }
            }
            9 => {
                let (k1, k2) = (self.key(c.column), self.key(c.column));
                if self.rng.chance(50) {
                    out.push(format!(
                        "await this.db.update(\"{}\", record.id, {{ {col}: {{ ...record.{col}, {k1}: input, {k2}: Date.now() }} }});",
                        plural(self.rng.w(NOUNS))
                    ));
                } else {
                    out.push(format!("record.{col}.{k1} = options.{k2};"));
                }
            }
            10 => {
                let k = self.key(c.column);
                match self.rng.below(3) {
                    0 => out.push(format!("const value = record.{col}.{k};")),
                    1 => out.push(format!("const value = record.{col}?.[\"{k}\"];")),
                    _ => out.push(format!("const {{ {k} }} = record.{col};")),
                }
            }
            11 => out.push("console.log(`processing ${record.id} for ${user?.name}`);".into()),
            12 => {
                out.push("const ids = items.map((item) => item.id).filter(Boolean);".into());
                out.push(format!("if (ids.length > {}) {{", self.rng.range(2, 200)));
                out.push("  return ids.slice(0, 10).map(String);".into());
                out.push("}".into());
            }
            13 => out.push(format!(
                "const next = await fetch(`/api/{}/${{id}}`).then((res) => res.json());",
                plural(self.rng.w(NOUNS))
            )),
            _ => out.push(format!(
                "if (!record) throw new Error(\"missing {}\");",
                self.rng.pick(NOUNS)
            )),
        }
    }

    fn body(&mut self, c: &Class, indent: &str) -> String {
        let n = self.rng.range(2, 6);
        let mut lines = Vec::new();
        for _ in 0..n {
            if self.lang() == Lang::Ruby {
                self.ruby_stmt(c, &mut lines);
            } else {
                self.ts_stmt(c, &mut lines);
            }
        }
        let mut s = String::new();
        for l in lines {
            let _ = writeln!(s, "{indent}{l}");
        }
        s
    }

    fn ruby_params(&mut self) -> String {
        match self.rng.below(4) {
            0 => String::new(),
            1 => "(record)".into(),
            2 => "(record, options = {})".into(),
            _ => "(user, items: [], **attrs)".into(),
        }
    }

    fn ts_params(&mut self) -> String {
        match self.rng.below(4) {
            0 => "".into(),
            1 => "record: Record<string, any>".into(),
            2 => "input: string, options: Options = {}".into(),
            _ => "user: User, items: Item[] = []".into(),
        }
    }

    // ----------------------------------------------------------- Ruby

    fn ruby_class(&mut self, c: &Class) -> String {
        let mut s = String::new();
        let mut ind = String::new();
        if !c.namespace.is_empty() {
            for ns in c.namespace.split("::") {
                let _ = writeln!(s, "{ind}module {ns}");
                ind.push_str("  ");
            }
        }
        let header = match c.kind {
            Kind::Model => format!("class {} < ApplicationRecord", c.name),
            Kind::Job => format!("class {} < ApplicationJob", c.name),
            Kind::Controller => format!("class {} < ApplicationController", c.name),
            Kind::Helper => format!("module {}", c.name),
            _ => format!("class {}", c.name),
        };
        let _ = writeln!(s, "{ind}# frozen_string_literal: true\n{ind}{header}");
        let i1 = format!("{ind}  ");
        let i2 = format!("{ind}    ");
        if c.kind == Kind::Model {
            let _ = writeln!(s, "{i1}belongs_to :{}", self.rng.pick(NOUNS));
            let _ = writeln!(
                s,
                "{i1}has_many :{}, dependent: :destroy",
                plural(self.rng.w(NOUNS))
            );
            let _ = writeln!(s, "{i1}validates :name, presence: true");
            let col = COLUMNS[c.column];
            let keys: Vec<String> = (0..3).map(|_| format!(":{}", self.key(c.column))).collect();
            let _ = writeln!(s, "{i1}store_accessor :{col}, {}", keys.join(", "));
            let _ = writeln!(
                s,
                "{i1}scope :recent, -> {{ where(created_at: 1.week.ago..).order(id: :desc) }}\n"
            );
        }
        if c.kind == Kind::Job {
            let _ = writeln!(
                s,
                "{i1}queue_as :{}\n",
                self.rng.pick(&["default", "low", "critical", "mailers"])
            );
        }
        if c.kind == Kind::Controller {
            let _ = writeln!(s, "{i1}before_action :authenticate_user!\n");
        }
        if !matches!(c.kind, Kind::Model | Kind::Helper | Kind::Controller) {
            let _ = writeln!(s, "{i1}attr_reader :record, :options\n");
            let _ = writeln!(s, "{i1}def initialize(record = nil, options = {{}})");
            let _ = writeln!(s, "{i2}@record = record\n{i2}@options = options\n{i1}end\n");
        }
        let mut in_private = false;
        for mt in &c.methods {
            if mt.private && !in_private {
                in_private = true;
                let _ = writeln!(s, "{i1}private\n");
            }
            let params = self.ruby_params();
            let prefix = if mt.is_static { "self." } else { "" };
            let _ = writeln!(s, "{i1}def {prefix}{}{params}", mt.name);
            s.push_str(&self.body(c, &i2));
            let ret = match self.rng.below(3) {
                0 => "record".to_string(),
                1 => format!("{{ id: record&.id, status: :{} }}", self.rng.pick(ADJS)),
                _ => "true".to_string(),
            };
            let _ = writeln!(s, "{i2}{ret}\n{i1}end\n");
        }
        if s.ends_with("\n\n") {
            s.pop();
        }
        let _ = writeln!(s, "{ind}end");
        while !ind.is_empty() {
            ind.truncate(ind.len() - 2);
            let _ = writeln!(s, "{ind}end");
        }
        s
    }

    fn ruby_spec(&mut self, c: &Class) -> String {
        let mut s = format!("require \"rails_helper\"\n\nRSpec.describe {} do\n", c.full());
        let _ = writeln!(s, "  let(:user) {{ create(:user, name: \"Ada\") }}");
        let _ = writeln!(s, "  let(:record) {{ build(:{}, id: 42) }}\n", snake(&c.name));
        let n = self.rng.range(2, 6).min(c.methods.len());
        for mt in c.methods.iter().filter(|m| !m.private).take(n) {
            let recv = if mt.is_static {
                "described_class".to_string()
            } else {
                "described_class.new(record)".to_string()
            };
            let _ = writeln!(
                s,
                "  describe \"{}{}\" do",
                if mt.is_static { "." } else { "#" },
                mt.name
            );
            for _ in 0..self.rng.range(1, 3) {
                let _ = writeln!(
                    s,
                    "    it \"{} the {}\" do",
                    self.rng.pick(VERBS),
                    self.rng.pick(NOUNS)
                );
                let _ = writeln!(s, "      result = {recv}.{}({})", mt.name, self.args());
                let _ = writeln!(s, "      expect(result).to be_present");
                let _ = writeln!(s, "      expect(record.id).to eq(42)");
                let _ = writeln!(s, "    end");
            }
            let _ = writeln!(s, "  end\n");
        }
        s.push_str("end\n");
        s
    }

    fn erb_view(&mut self, c: &Class, variant: usize) -> String {
        let var = snake(&c.name).replace("_controller", "");
        let mut s = String::new();
        let calls: Vec<&Method> = c.methods.iter().filter(|m| !m.is_static).collect();
        let _ = writeln!(s, "<% content_for :title, @{var}.name %>");
        let _ = writeln!(
            s,
            "<div class=\"{}-{}\">",
            var.replace('_', "-"),
            ["index", "show", "form", "row"][variant]
        );
        let _ = writeln!(s, "  <h1><%= @{var}.name %></h1>");
        for _ in 0..self.rng.range(3, 9) {
            match self.rng.below(6) {
                0 if !calls.is_empty() => {
                    let mt = self.rng.pick(&calls);
                    let _ = writeln!(s, "  <% if @{var}.{} %>", mt.name);
                    let _ = writeln!(
                        s,
                        "    <span class=\"badge\"><%= t(\".{}\") %></span>",
                        self.rng.pick(ADJS)
                    );
                    let _ = writeln!(s, "  <% end %>");
                }
                1 => {
                    let _ = writeln!(s, "  <% @items.each do |item| %>");
                    let _ = writeln!(
                        s,
                        "    <li id=\"item-<%= item.id %>\"><%= link_to item.name, item %></li>"
                    );
                    let _ = writeln!(s, "  <% end %>");
                }
                2 => {
                    let k = self.key(c.column);
                    let _ = writeln!(s, "  <p><%= @{var}.{}['{k}'] %></p>", COLUMNS[c.column]);
                }
                3 => {
                    let _ = writeln!(
                        s,
                        "  <%= render \"{}\", {var}: @{var} %>",
                        self.rng.pick(&["form", "row", "summary"])
                    );
                }
                4 => {
                    let _ = writeln!(
                        s,
                        "  <%# TODO: {} the {} %>",
                        self.rng.pick(VERBS),
                        self.rng.pick(NOUNS)
                    );
                }
                _ if !calls.is_empty() => {
                    let mt = self.rng.pick(&calls);
                    let _ = writeln!(s, "  <p><%= @{var}.{} %></p>", mt.name);
                }
                _ => {}
            }
        }
        let _ = writeln!(s, "  <%= link_to \"Back\", {}_path %>\n</div>", plural(&var));
        s
    }

    fn rake(&mut self) -> String {
        let ns = self.rng.pick(NOUNS);
        let mut s = format!("namespace :{ns} do\n");
        for _ in 0..self.rng.range(1, 4) {
            let _ = writeln!(
                s,
                "  desc \"{} {}\"",
                self.rng.pick(VERBS),
                plural(self.rng.w(NOUNS))
            );
            let _ = writeln!(s, "  task {}: :environment do", self.rng.pick(VERBS));
            for _ in 0..self.rng.range(1, 3) {
                if let Some(call) = self.call_other() {
                    for l in call.text.lines() {
                        let _ = writeln!(s, "    {l}");
                    }
                }
            }
            let _ = writeln!(s, "    puts \"done\"\n  end\n");
        }
        s.push_str("end\n");
        s
    }

    // ------------------------------------------------------------- TS

    fn ts_module(&mut self, c: &Class) -> String {
        let mut body = String::new();
        match c.kind {
            Kind::TsService | Kind::TsStore => {
                let _ = writeln!(body, "export class {} {{", c.name);
                if c.kind == Kind::TsStore {
                    let _ = writeln!(body, "  items: Map<string, Item> = new Map();");
                    let _ = writeln!(body, "  isLoading = false;\n");
                }
                let _ = writeln!(
                    body,
                    "  constructor(private readonly db: Database, private readonly logger = console) {{}}\n"
                );
                for mt in &c.methods {
                    let params = self.ts_params();
                    let mut mods = String::new();
                    if mt.private {
                        mods.push_str(if self.rng.chance(80) {
                            "private "
                        } else {
                            "protected "
                        });
                    } else if self.rng.chance(20) {
                        mods.push_str("public ");
                    }
                    if mt.is_static {
                        mods.push_str("static ");
                    }
                    let _ = writeln!(body, "  {mods}async {}({params}): Promise<Result> {{", mt.name);
                    let (record, items, id) = ("record", "items", "id");
                    let _ = writeln!(body, "    const {{ {record}, {items}, {id} }} = this.context();");
                    body.push_str(&self.body(c, "    "));
                    let _ = writeln!(body, "    return {{ ok: true, id: record.id }};\n  }}\n");
                }
                let _ = writeln!(
                    body,
                    "  private context(): Context {{\n    return {{ record: {{}}, items: [], id: \"\" }} as Context;\n  }}\n}}"
                );
            }
            Kind::Component => {
                let name = &c.methods[0].name;
                let _ = writeln!(
                    body,
                    "type {name}Props = {{\n  id: string;\n  title?: string;\n  items: Item[];\n}};\n"
                );
                for mt in c.methods.iter().skip(1) {
                    let _ = writeln!(
                        body,
                        "async function {}(record: Item, items: Item[], id: string) {{",
                        mt.name
                    );
                    body.push_str(&self.body(c, "  "));
                    let _ = writeln!(body, "  return items.filter((item) => item.id !== id);\n}}\n");
                }
                let _ = writeln!(
                    body,
                    "export function {name}({{ id, title, items }}: {name}Props) {{"
                );
                let _ = writeln!(
                    body,
                    "  const [selected, setSelected] = useState<string | null>(null);"
                );
                let _ = writeln!(body, "  const record = items.find((item) => item.id === id);");
                let _ = writeln!(body, "  useEffect(() => {{\n    setSelected(null);\n  }}, [id]);");
                let handlers: Vec<String> = c.methods.iter().skip(1).map(|m| m.name.clone()).collect();
                let mut children = String::new();
                for _ in 0..self.rng.range(0, 2) {
                    if let Some(call) = self.call_other()
                        && let Some((imp, from)) = call.import
                        && imp.chars().next().is_some_and(|ch| ch.is_ascii_uppercase())
                        && imp != *name
                    {
                        let _ = writeln!(children, "      <{imp} id={{id}} items={{items}} />");
                        self.imports.push((imp, from));
                    }
                }
                let _ = writeln!(
                    body,
                    "  return (\n    <div className=\"{}\" data-id={{id}}>",
                    snake(name).replace('_', "-")
                );
                let _ = writeln!(body, "      <h2>{{title ?? record?.name}}</h2>");
                body.push_str(&children);
                let _ = writeln!(body, "      <ul>\n        {{items.map((item) => (");
                let onclick = match handlers.first() {
                    Some(h) => format!("() => {h}(item, items, id)"),
                    None => "() => setSelected(item.id)".into(),
                };
                let _ = writeln!(
                    body,
                    "          <li key={{item.id}} onClick={{{onclick}}}>\n            {{item.name}}\n          </li>"
                );
                let _ = writeln!(body, "        ))}}\n      </ul>\n    </div>\n  );\n}}");
            }
            _ => {
                // Modules of functions: utils, hooks, API routes, legacy JS.
                let js = c.path.ends_with("js") || c.path.ends_with("jsx");
                for mt in &c.methods {
                    let export = if mt.private { "" } else { "export " };
                    let params = if js {
                        "record, items, id".to_string()
                    } else {
                        self.ts_params()
                    };
                    let ret = if js { "" } else { ": Promise<unknown>" };
                    let _ = writeln!(body, "{export}async function {}({params}){ret} {{", mt.name);
                    if !js && !params.contains("record") {
                        let _ = writeln!(
                            body,
                            "  const record = await loadRecord();\n  const items = record.items ?? [];\n  const id = record.id;"
                        );
                    }
                    body.push_str(&self.body(c, "  "));
                    let _ = writeln!(body, "  return {{ id: record.id, name: record.name }};\n}}\n");
                }
                if c.kind == Kind::Api {
                    let _ = writeln!(body, "export function register(router: Router) {{");
                    for mt in c.methods.iter().filter(|m| !m.private) {
                        let _ = writeln!(
                            body,
                            "  router.{}(\"/{}/:id\", {});",
                            self.rng.pick(&["get", "post", "put", "delete"]),
                            plural(self.rng.w(NOUNS)),
                            mt.name
                        );
                    }
                    let _ = writeln!(body, "}}");
                }
            }
        }
        let mut head = String::new();
        if c.kind == Kind::Component {
            head.push_str("import { useEffect, useState } from \"react\";\n");
        }
        if !c.path.ends_with("js") && !c.path.ends_with("jsx") {
            head.push_str(
                "import type { Database, Item, Options, Result, User, Context } from \"../types\";\n",
            );
        }
        self.imports.sort();
        self.imports.dedup();
        for (name, from) in &self.imports {
            if *name != c.name && !c.methods.iter().any(|m| m.name == *name) {
                let _ = writeln!(head, "import {{ {name} }} from \"{from}\";");
            }
        }
        head.push('\n');
        head + &body
    }

    fn ts_test(&mut self, c: &Class) -> String {
        let mut s = String::new();
        let import: Vec<String> = if c.kind.functions() {
            c.methods
                .iter()
                .filter(|m| !m.private)
                .map(|m| m.name.clone())
                .collect()
        } else {
            vec![c.name.clone()]
        };
        let _ = writeln!(s, "import {{ describe, expect, it }} from \"vitest\";");
        let _ = writeln!(
            s,
            "import {{ {} }} from \"{}\";\n",
            import.join(", "),
            rel_import(self.path, strip_ext(&c.path))
        );
        let _ = writeln!(s, "describe(\"{}\", () => {{", c.name);
        let _ = writeln!(
            s,
            "  const db = {{ update: async () => ({{ id: \"1\", name: \"test\" }}) }} as any;\n"
        );
        for mt in c.methods.iter().filter(|m| !m.private).take(self.rng.range(2, 6)) {
            let call = if c.kind == Kind::Component {
                format!("{}({{ id: \"1\", items: [] }})", mt.name)
            } else if c.kind.functions() {
                format!("await {}({})", mt.name, self.args())
            } else if mt.is_static {
                format!("await {}.{}({})", c.name, mt.name, self.args())
            } else {
                format!("await new {}(db).{}({})", c.name, mt.name, self.args())
            };
            let _ = writeln!(
                s,
                "  it(\"{}s the {}\", async () => {{",
                self.rng.pick(VERBS),
                self.rng.pick(NOUNS)
            );
            let _ = writeln!(s, "    const result = {call};");
            let _ = writeln!(s, "    expect(result).toBeDefined();\n  }});\n");
        }
        s.push_str("});\n");
        s
    }

    // --------------------------------------------------------- config

    fn fixed(&mut self, f: &str) -> String {
        let repo = &self.m.repos[self.repo];
        let defined: Vec<&String> = repo
            .env
            .iter()
            .zip(&repo.env_defined)
            .filter(|(_, d)| **d)
            .map(|(e, _)| e)
            .collect();
        let name = &repo.name;
        match f {
            "Gemfile" => "source \"https://rubygems.org\"\n\ngem \"rails\", \"~> 7.1\"\ngem \"pg\"\ngem \"sidekiq\"\ngem \"puma\"\n\ngroup :test do\n  gem \"rspec-rails\"\n  gem \"factory_bot_rails\"\nend\n".into(),
            "Rakefile" => "require_relative \"config/application\"\n\nRails.application.load_tasks\n".into(),
            "config.ru" => "require_relative \"config/environment\"\n\nrun Rails.application\nRails.application.load_server\n".into(),
            "README.md" => format!("# {name}\n\nGenerated by gen-workspace (seed {}).\n", self.m.seed),
            ".gitignore" => "/log/*\n/tmp/*\n/node_modules\n/dist\n*.local\n".into(),
            ".env.example" => {
                let mut s = String::new();
                for e in defined.iter().take(defined.len() / 2) {
                    let _ = writeln!(s, "{e}={}", self.rng.pick(&["true", "30", "https://example.test", "changeme"]));
                }
                s
            }
            "Dockerfile" => {
                let base = if repo.lang == Lang::Ruby { "ruby:3.3-slim" } else { "node:20-alpine" };
                let mut s = format!("FROM {base}\nWORKDIR /app\nCOPY . .\n");
                for e in defined.iter().skip(defined.len() / 2).take(3) {
                    let _ = writeln!(s, "ENV {e}=1");
                }
                s.push_str("CMD [\"bin/start\"]\n");
                s
            }
            "docker-compose.yml" => {
                let mut s = format!("services:\n  {name}:\n    build: .\n    environment:\n");
                for e in defined.iter().skip(defined.len() / 2 + 3) {
                    let _ = writeln!(s, "      - {e}=${{{e}}}");
                }
                s.push_str("  db:\n    image: postgres:16\n");
                s
            }
            "config/deploy/production.yaml" | "k8s/deployment.yaml" => {
                let mut s = format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  template:\n    spec:\n      containers:\n        - name: {name}\n          env:\n");
                for e in defined.iter().step_by(2) {
                    let _ = writeln!(s, "            - name: {e}\n              value: \"{}\"", self.rng.below(1000));
                }
                s
            }
            "config/database.yml" => "default: &default\n  adapter: postgresql\n  url: <%= ENV['DATABASE_URL'] %>\n\nproduction:\n  <<: *default\n".into(),
            "config/settings.yml" => {
                let mut s = String::from("defaults:\n");
                for e in repo.env.iter().take(6) {
                    let _ = writeln!(s, "  {}: <%= ENV['{e}'] %>", e.to_ascii_lowercase());
                }
                s
            }
            "config/routes.rb" => {
                let mut s = String::from("Rails.application.routes.draw do\n");
                for ci in repo.classes.iter().filter(|ci| self.m.classes[**ci].kind == Kind::Controller).take(40) {
                    let c = &self.m.classes[*ci];
                    let _ = writeln!(s, "  resources :{}", snake(&c.name).replace("_controller", ""));
                }
                s.push_str("end\n");
                s
            }
            "app/models/application_record.rb" => "class ApplicationRecord < ActiveRecord::Base\n  primary_abstract_class\nend\n".into(),
            "app/controllers/application_controller.rb" => "class ApplicationController < ActionController::Base\n  def current_user\n    @current_user ||= User.find_by(id: session[:user_id])\n  end\nend\n".into(),
            ".github/workflows/ci.yml" => {
                let mut s = String::from("name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    env:\n");
                for e in defined.iter().take(2) {
                    let _ = writeln!(s, "      {e}: test");
                }
                s.push_str("    steps:\n      - uses: actions/checkout@v4\n");
                s
            }
            "package.json" => format!("{{\n  \"name\": \"@ws/{name}\",\n  \"private\": true,\n  \"scripts\": {{ \"test\": \"vitest\" }},\n  \"dependencies\": {{ \"react\": \"^18.2.0\" }}\n}}\n"),
            "tsconfig.json" => "{\n  \"compilerOptions\": { \"strict\": true, \"jsx\": \"react-jsx\", \"target\": \"es2022\" }\n}\n".into(),
            "config/default.json" => {
                let mut s = String::from("{\n");
                let picked: Vec<String> = defined.iter().take(4).map(|e| format!("  \"{e}\": \"\"")).collect();
                s.push_str(&picked.join(",\n"));
                s.push_str("\n}\n");
                s
            }
            "src/index.ts" => {
                let mut s = String::from("import express from \"express\";\n\nconst app = express();\n");
                let _ = writeln!(s, "const port = Number(process.env.PORT ?? 3000);");
                s.push_str("app.listen(port, () => console.log(`listening on ${port}`));\n");
                s
            }
            _ => String::new(),
        }
    }

    fn config(&mut self) -> String {
        let repo = &self.m.repos[self.repo];
        let mut s = String::from("shared:\n");
        for _ in 0..self.rng.range(3, 12) {
            let e = &repo.env[self.rng.below(repo.env.len())];
            if self.rng.chance(50) {
                let _ = writeln!(s, "  {}: <%= ENV.fetch('{e}', '') %>", e.to_ascii_lowercase());
            } else {
                let _ = writeln!(s, "  {}: {}", self.rng.pick(NOUNS), self.rng.below(10_000));
            }
        }
        s
    }
}

fn render(m: &Model, idx: usize) -> String {
    let f = &m.files[idx];
    let mut g = Gen {
        m,
        rng: Rng::new(m.seed, 1 + idx as u64),
        repo: f.repo,
        path: &f.path,
        imports: Vec::new(),
    };
    match &f.what {
        What::Fixed(name) => g.fixed(name),
        What::Class(ci) => {
            let c = &m.classes[*ci];
            if c.path.ends_with(".rb") {
                g.ruby_class(c)
            } else {
                g.ts_module(c)
            }
        }
        What::Test(ci) => {
            let c = &m.classes[*ci];
            if f.path.ends_with(".rb") {
                g.ruby_spec(c)
            } else {
                g.ts_test(c)
            }
        }
        What::View(ci, v) => g.erb_view(&m.classes[*ci], *v),
        What::Rake => g.rake(),
        What::Config => g.config(),
    }
}

// --------------------------------------------------------------- plans

fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The name a plan gives a method of a class.
fn point_name(c: &Class, mt: &Method) -> String {
    if c.kind.functions() {
        mt.name.clone()
    } else if mt.is_static {
        format!("{}.{}", c.full(), mt.name)
    } else {
        format!("{}#{}", c.full(), mt.name)
    }
}

fn plan_yaml(m: &Model, k: usize) -> String {
    let mut rng = Rng::new(m.seed, 0x9_1a4);
    let mut methods: Vec<(usize, usize)> = Vec::new();
    for (ci, c) in m.classes.iter().enumerate() {
        for (mi, mt) in c.methods.iter().enumerate() {
            // Module-local TS helpers are not entry points a plan names.
            if !(c.kind.functions() && mt.private || c.kind == Kind::Component && mi > 0) {
                methods.push((ci, mi));
            }
        }
    }
    rng.shuffle(&mut methods);
    let mut envs: Vec<(usize, usize)> = Vec::new();
    for (r, repo) in m.repos.iter().enumerate() {
        for (i, e) in repo.env.iter().enumerate() {
            if !SHARED_ENV.contains(&e.as_str()) && e != "RAILS_ENV" && e != "NODE_ENV" {
                envs.push((r, i));
            }
        }
    }
    rng.shuffle(&mut envs);
    let mut jsonb: Vec<(usize, usize)> = m
        .classes
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind == Kind::Model || c.kind == Kind::TsStore)
        .map(|(ci, c)| (ci, c.column))
        .collect();
    rng.shuffle(&mut jsonb);
    let (mut mi, mut ei, mut ji) = (0, 0, 0);
    let mut s = format!(
        "# Generated by gen-workspace --repos {} --seed {} (plan of {k} distinctive points).\nversion: 1\nname: 'Benchmark plan: {k} points'\nphases:\n",
        m.repos.len(),
        m.seed
    );
    let mut seen = HashSet::new();
    let mut i = 0;
    let mut attempts = 0;
    while i < k && attempts < k * 20 {
        attempts += 1;
        if i % 25 == 0 && !s.ends_with("points:\n") {
            let _ = writeln!(
                s,
                "  - name: 'Phase {}: {} {}'\n    points:",
                i / 25 + 1,
                rng.pick(VERBS),
                plural(rng.w(NOUNS))
            );
        }
        let slot = i % 25;
        let mut line = String::new();
        let id;
        if (slot == 3 || slot == 13) && ei < envs.len() {
            let (r, e) = envs[ei];
            ei += 1;
            let name = &m.repos[r].env[e];
            id = format!("env:{name}");
            let _ = writeln!(line, "      - env: {name}");
        } else if slot == 20 && ji < jsonb.len() {
            let (ci, col) = jsonb[ji];
            ji += 1;
            let name = format!("{}.{}", m.classes[ci].name, COLUMNS[col]);
            id = format!("jsonb:{name}");
            let _ = writeln!(line, "      - jsonb: {name}");
        } else if mi < methods.len() {
            let (ci, mx) = methods[mi];
            mi += 1;
            let c = &m.classes[ci];
            let mt = &c.methods[mx];
            let name = point_name(c, mt);
            id = format!("method:{name}");
            let _ = writeln!(line, "      - method: {}", q(&name));
            if rng.chance(40) {
                let _ = writeln!(line, "        repo: {}", m.repos[c.repo].name);
            }
            if rng.chance(15) {
                let r = rng.below(m.repos.len());
                let _ = writeln!(line, "        callers: [{}]", m.repos[r].name);
            }
            if rng.chance(10) {
                let repo = &m.repos[c.repo];
                // The repo's own vars (the shared ones are last).
                let own = repo.env.len() - SHARED_ENV.len() - 1;
                let e = rng.below(own);
                let _ = writeln!(line, "        env: [{}]", repo.env[e]);
            }
        } else {
            break;
        }
        if seen.insert(id) {
            s.push_str(&line);
            i += 1;
        }
    }
    s
}

/// 50 points whose names occur in nearly every file of the workspace.
fn worst_case_yaml(m: &Model) -> String {
    let mut s = format!(
        "# Generated by gen-workspace --repos {} --seed {}: worst case, names in nearly every file.\nversion: 1\nname: 'Benchmark plan: worst case'\nphases:\n  - name: 'Common names'\n    points:\n",
        m.repos.len(),
        m.seed
    );
    const BARE: &[&str] = &[
        "new", "id", "name", "call", "to_s", "map", "each", "find", "update", "save", "items", "record",
        "user", "options", "then", "json", "log", "info", "filter", "length", "push", "fetch", "merge",
        "first", "size", "present?", "blank?", "render", "status", "value",
    ];
    for b in BARE {
        let _ = writeln!(s, "      - method: {}", q(b));
    }
    // Owner-qualified common names on the first classes of each kind.
    let mut n = 0;
    for c in &m.classes {
        if n >= 10 {
            break;
        }
        if let Some(mt) = c.methods.iter().find(|mt| !mt.private) {
            let owner = c.full();
            let generic = if c.kind.functions() {
                "map".to_string()
            } else {
                format!("{owner}#id")
            };
            if !c.kind.functions() {
                let _ = writeln!(s, "      - method: {}", q(&generic));
                let _ = writeln!(s, "      - method: {}", q(&point_name(c, mt)));
                n += 1;
            }
        }
    }
    for e in SHARED_ENV.iter().take(4).chain(["RAILS_ENV", "NODE_ENV"].iter()) {
        let _ = writeln!(s, "      - env: {e}");
    }
    for col in COLUMNS.iter().take(4) {
        let _ = writeln!(s, "      - jsonb: {col}");
    }
    s
}

// ---------------------------------------------------------------- main

fn write_workspace(m: &Model, out: &Path, args: &Args) -> Result<(u64, usize), String> {
    if out.exists() {
        let empty = std::fs::read_dir(out)
            .map_err(|e| format!("{}: {e}", out.display()))?
            .next()
            .is_none();
        if !empty {
            if !(args.force && out.join(MARKER).is_file()) {
                return Err(format!(
                    "{}: not empty (use --force to replace a workspace gen-workspace wrote)",
                    out.display()
                ));
            }
            std::fs::remove_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
        }
    }
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    std::fs::write(
        out.join(MARKER),
        format!(
            "--repos {} --files {} --seed {}\n",
            args.repos, args.files, args.seed
        ),
    )
    .map_err(|e| e.to_string())?;
    let bytes: Result<Vec<u64>, String> = (0..m.files.len())
        .into_par_iter()
        .map(|i| {
            let f = &m.files[i];
            let text = render(m, i);
            let path = out.join(&m.repos[f.repo].name).join(&f.path);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            std::fs::write(&path, &text).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(text.len() as u64)
        })
        .collect();
    let bytes = bytes?;
    Ok((bytes.iter().sum(), bytes.len()))
}

fn main() {
    let args = Args::parse();
    if args.plan_points.len() != args.plan_out.len() {
        eprintln!("gen-workspace: every --plan-points needs a --plan-out (and the other way round)");
        std::process::exit(2);
    }
    if args.out.is_none() && args.plan_out.is_empty() && args.worst_case_plan.is_none() {
        eprintln!("gen-workspace: nothing to do (give OUT, --plan-out or --worst-case-plan)");
        std::process::exit(2);
    }
    let model = Model::build(args.seed, args.repos, args.files);
    if let Some(out) = &args.out {
        match write_workspace(&model, out, &args) {
            Ok((bytes, files)) => {
                let sources = model
                    .files
                    .iter()
                    .filter(|f| matches!(f.what, What::Class(_)))
                    .count();
                eprintln!(
                    "gen-workspace: {} repos, {files} files ({sources} defining classes or modules), {bytes} bytes in {}",
                    model.repos.len(),
                    out.display()
                );
            }
            Err(e) => {
                eprintln!("gen-workspace: {e}");
                std::process::exit(1);
            }
        }
    }
    let mut plans: Vec<(PathBuf, String)> = args
        .plan_points
        .iter()
        .zip(&args.plan_out)
        .map(|(k, p)| (p.clone(), plan_yaml(&model, *k)))
        .collect();
    if let Some(p) = &args.worst_case_plan {
        plans.push((p.clone(), worst_case_yaml(&model)));
    }
    for (path, text) in plans {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            let _ = std::fs::create_dir_all(dir);
        }
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("gen-workspace: {}: {e}", path.display());
            std::process::exit(1);
        }
        eprintln!("gen-workspace: wrote {}", path.display());
    }
}
