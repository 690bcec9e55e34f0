//! Find the repos of a workspace, walk them, and classify every file.
//!
//! Input: the workspace root and the plan's globs. Output: a list of files
//! sorted by (repo, path), each classified as source (with its language),
//! test and/or config. Walking honours `.gitignore`/`.ignore` even without a
//! `.git` directory, never follows symlinks, and never writes anything.

use crate::facts::{FileClass, Lang};
use crate::plan::Plan;
use crate::text::Text;
use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Directory names skipped by default (besides hidden ones).
pub const SKIP_DIRS: [&str; 6] = ["node_modules", "vendor", "dist", "build", "tmp", "coverage"];

/// Files at a root that mark a single project (a copied repo without `.git`).
const PROJECT_MARKERS: [&str; 6] = [
    "Gemfile",
    "package.json",
    "Rakefile",
    "config.ru",
    "tsconfig.json",
    "deno.json",
];

/// Dotenv templates: committed files by convention, read even when a
/// gitignore pattern such as `.env.*` matches them (in a tree without
/// `.git`, where git cannot say what is tracked).
pub const DOTENV_TEMPLATES: [&str; 4] = [".env.example", ".env.sample", ".env.template", ".env.dist"];

pub const BUILTIN_TESTS: [&str; 13] = [
    "**/spec/**",
    "**/test/**",
    "**/tests/**",
    // A monorepo's test packages: `packages/integration-tests/`,
    // `packages/api_tests/`.
    "**/*-tests/**",
    "**/*_tests/**",
    "**/__tests__/**",
    "**/__mocks__/**",
    "**/*_spec.rb",
    "**/*_test.rb",
    "**/*.{test,spec}.{ts,tsx,js,jsx,mjs,cjs}",
    "**/cypress/**",
    "**/e2e/**",
    "features/**",
];

pub const BUILTIN_CONFIG: [&str; 20] = [
    ".env*",
    "**/config/**/*.{yml,yaml,json,toml}",
    "**/*.tf",
    "**/*.tfvars",
    "**/Dockerfile*",
    "**/*.Dockerfile",
    "**/*.dockerfile",
    "**/docker-compose*.{yml,yaml}",
    "**/compose*.{yml,yaml}",
    "**/.github/workflows/*",
    "**/k8s/**",
    "**/helm/**",
    "**/charts/**",
    "**/deploy/**",
    "**/infrastructure/**",
    "**/infra/**",
    "app.json",
    "fly.toml",
    "render.yaml",
    "Procfile*",
];

#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    #[error("{path}: cannot read workspace: {source}")]
    Unreadable { path: String, source: std::io::Error },
    #[error("{path}: workspace is not a directory")]
    NotADir { path: String },
    #[error("{path}: invalid glob `{glob}` in plan: {message}")]
    BadGlob {
        path: String,
        glob: String,
        message: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repo {
    pub name: String,
    pub path: PathBuf,
}

/// A file found by the walk.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct WalkedFile {
    pub repo: u32,
    pub rel: String,
    pub abs: PathBuf,
    pub class: FileClass,
}

#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<WalkedFile>,
    /// Paths that could not be walked (permission denied, vanished, loops).
    pub warnings: Vec<Text>,
    /// Other things the user should know about the walk (git could not
    /// list tracked files); they do not mean evidence is missing.
    pub notices: Vec<Text>,
}

/// Find the repos of `root` as the contract says.
pub fn discover(root: &Path) -> Result<Vec<Repo>, WorkspaceError> {
    let display = root.display().to_string();
    let meta = std::fs::metadata(root).map_err(|source| WorkspaceError::Unreadable {
        path: display.clone(),
        source,
    })?;
    if !meta.is_dir() {
        return Err(WorkspaceError::NotADir { path: display });
    }
    let entries = std::fs::read_dir(root).map_err(|source| WorkspaceError::Unreadable {
        path: display.clone(),
        source,
    })?;
    let mut subdirs = Vec::new();
    let mut single = false;
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if name == ".git" || PROJECT_MARKERS.contains(&name.as_str()) {
            single = true;
        }
        let is_dir = e.file_type().map(|t| t.is_dir()).unwrap_or(false);
        if is_dir && !name.starts_with('.') && !SKIP_DIRS.contains(&name.as_str()) {
            subdirs.push((name, e.path()));
        }
    }
    subdirs.sort();
    if !single && !subdirs.iter().any(|(_, p)| holds_source(p)) {
        single = true;
    }
    if single {
        let canon = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let name = canon
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "workspace".to_string());
        return Ok(vec![Repo {
            name,
            path: root.to_path_buf(),
        }]);
    }
    Ok(subdirs
        .into_iter()
        .map(|(name, path)| Repo { name, path })
        .collect())
}

/// Does this directory hold at least one source file (stops at the first)?
fn holds_source(dir: &Path) -> bool {
    let walker = ignore::WalkBuilder::new(dir)
        .standard_filters(true)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|e| {
            let n = e.file_name().to_string_lossy();
            e.depth() == 0 || !SKIP_DIRS.contains(&n.as_ref())
        })
        .build();
    for e in walker.flatten() {
        if e.file_type().is_some_and(|t| t.is_file()) && lang_of(&e.file_name().to_string_lossy()).is_some() {
            return true;
        }
    }
    false
}

/// Extensions of code and templates that can call a method or read an env
/// var but that seamscan does not parse. Such files are counted by
/// extension (`stats.unread_files`) and searched for the plan's names, so
/// a verdict that rests on the absence of callers can say what was not read.
const UNREAD_CODE: [&str; 41] = [
    "py",
    "go",
    "java",
    "kt",
    "kts",
    "scala",
    "groovy",
    "php",
    "cs",
    "swift",
    "rs",
    "ex",
    "exs",
    "erl",
    "clj",
    "dart",
    "lua",
    "pl",
    "pm",
    "cr",
    "coffee",
    "elm",
    "sh",
    "bash",
    "astro",
    "gjs",
    "gts",
    "haml",
    "slim",
    "hbs",
    "handlebars",
    "mustache",
    "liquid",
    "ejs",
    "njk",
    "twig",
    "jinja",
    "j2",
    "pug",
    "html",
    "htm",
];

/// The extension of a file that holds code seamscan does not parse.
pub fn unread_ext(name: &str) -> Option<&str> {
    if lang_of(name).is_some() {
        return None;
    }
    let (_, ext) = name.rsplit_once('.')?;
    UNREAD_CODE.contains(&ext).then_some(ext)
}

/// What `stats.unread_files` counts an unread file under: its extension,
/// or `env` for a dotenv file (`.env`, `.env.example`, `env.sample`) that no
/// config glob names, such as `apps/web/.env.example` below a repo's root.
pub fn unread_kind(name: &str) -> Option<&str> {
    unread_ext(name).or_else(|| is_dotenv(name).then_some("env"))
}

/// A name with no extension that is no known file of a language or tool
/// (`bin/setup`, `hatchbox/post-deploy`): an executable script when its
/// first line is a shebang, which only reading it tells.
pub fn maybe_script(name: &str) -> bool {
    !name.contains('.') && lang_of(name).is_none()
}

/// The interpreter a shebang line names (`#!/bin/bash` is `bash`,
/// `#!/usr/bin/env ruby` is `ruby`): what `stats.unread_files` counts an
/// extensionless script under. `None` when `bytes` opens with no shebang.
pub fn shebang(bytes: &[u8]) -> Option<String> {
    let rest = bytes.strip_prefix(b"#!")?;
    let line = rest.split(|b| *b == b'\n').next().unwrap_or(rest);
    let line = String::from_utf8_lossy(line);
    let mut words = line.split_whitespace();
    let mut prog = words.next()?.rsplit('/').next()?.to_string();
    if prog == "env" {
        prog = words.find(|w| !w.starts_with('-'))?.to_string();
    }
    let prog = prog
        .trim_end_matches(|c: char| c.is_ascii_digit() || c == '.')
        .to_string();
    (!prog.is_empty()
        && prog
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
    .then_some(prog)
}

/// `.env`, `.env.example`, `.env.production.local`..., and the templates
/// and files named without the leading dot (`env.sample`, `env.example`,
/// `docker.env`), which no built-in config glob names.
fn is_dotenv(name: &str) -> bool {
    name == ".env"
        || name.starts_with(".env.")
        || name
            .strip_prefix("env.")
            .is_some_and(|t| ["example", "sample", "template", "dist", "local"].contains(&t))
        || name
            .strip_suffix(".env")
            .is_some_and(|stem| !stem.is_empty() && !stem.starts_with('.'))
}

/// The language of a source file, by name.
pub fn lang_of(name: &str) -> Option<Lang> {
    if name.ends_with(".d.ts") || name.ends_with(".min.js") {
        return None;
    }
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext {
        "rb" | "rake" | "ru" | "gemspec" | "jbuilder" | "builder" => Some(Lang::Ruby),
        "erb" => Some(Lang::Erb),
        "haml" => Some(Lang::Haml),
        "slim" => Some(Lang::Slim),
        "ts" | "mts" | "cts" => Some(Lang::TypeScript),
        "tsx" | "js" | "jsx" | "mjs" | "cjs" => Some(Lang::Tsx),
        "vue" => Some(Lang::Vue),
        "svelte" => Some(Lang::Svelte),
        _ => match name {
            "Rakefile" | "Gemfile" | "Guardfile" | "Capfile" | "Brewfile" => Some(Lang::Ruby),
            _ => None,
        },
    }
}

/// `package.json`, `tsconfig*.json`, `jsconfig.json`: how TypeScript and
/// JavaScript module specifiers resolve.
pub fn is_module_config(name: &str) -> bool {
    name == "package.json"
        || name == "jsconfig.json"
        || (name.starts_with("tsconfig") && name.ends_with(".json"))
}

/// Turns repo-relative paths into `FileClass`es.
pub struct Classifier {
    tests: GlobSet,
    exclude: GlobSet,
    config: GlobSet,
    /// Hidden or skipped directory names that a config glob names literally
    /// (`.github`): walked, but only for config files.
    config_dirs: BTreeSet<String>,
}

fn build_set(plan_path: &str, globs: &[&str]) -> Result<GlobSet, WorkspaceError> {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        b.add(glob(plan_path, g)?);
    }
    b.build().map_err(|e| WorkspaceError::BadGlob {
        path: plan_path.to_string(),
        glob: globs.join(", "),
        message: e.to_string(),
    })
}

fn glob(plan_path: &str, g: &str) -> Result<Glob, WorkspaceError> {
    GlobBuilder::new(g)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .map_err(|e| WorkspaceError::BadGlob {
            path: plan_path.to_string(),
            glob: g.to_string(),
            message: e.kind().to_string(),
        })
}

impl Classifier {
    pub fn new(plan: &Plan) -> Result<Classifier, WorkspaceError> {
        Classifier::with_globs(&plan.path, &plan.tests, &plan.exclude, &plan.config)
    }

    /// The built-in test and config globs only (no plan).
    pub fn builtin() -> Classifier {
        Classifier::with_globs("(built-in globs)", &[], &[], &[]).expect("the built-in globs compile")
    }

    fn with_globs(
        origin: &str,
        extra_tests: &[String],
        exclude: &[String],
        extra_config: &[String],
    ) -> Result<Classifier, WorkspaceError> {
        let tests: Vec<&str> = BUILTIN_TESTS
            .iter()
            .copied()
            .chain(extra_tests.iter().map(String::as_str))
            .collect();
        let config: Vec<&str> = BUILTIN_CONFIG
            .iter()
            .copied()
            .chain(extra_config.iter().map(String::as_str))
            .collect();
        let exclude: Vec<&str> = exclude.iter().map(String::as_str).collect();
        let mut config_dirs = BTreeSet::new();
        for g in &config {
            for comp in g.split('/') {
                let literal = !comp.contains(['*', '?', '[', '{']);
                if literal && (comp.starts_with('.') || SKIP_DIRS.contains(&comp)) && !comp.is_empty() {
                    config_dirs.insert(comp.to_string());
                }
            }
        }
        Ok(Classifier {
            tests: build_set(origin, &tests)?,
            exclude: build_set(origin, &exclude)?,
            config: build_set(origin, &config)?,
            config_dirs,
        })
    }

    /// Whether the walk descends into a directory with this name.
    fn enter_dir(&self, name: &str) -> bool {
        !(name.starts_with('.') || SKIP_DIRS.contains(&name)) || self.config_dirs.contains(name)
    }

    /// Classify a repo-relative path; `None` means the file is not scanned.
    pub fn classify(&self, rel: &str) -> Option<FileClass> {
        // One candidate (the path split into name, extension and
        // directories) for the three glob sets, not one per set.
        let candidate = globset::Candidate::new(rel);
        if self.exclude.is_match_candidate(&candidate) {
            return None;
        }
        let name = rel.rsplit('/').next().unwrap_or(rel);
        // Under a hidden or skipped directory (or itself hidden): config only.
        let restricted = rel
            .split('/')
            .any(|c| c.starts_with('.') || SKIP_DIRS.contains(&c));
        let config = self.config.is_match_candidate(&candidate) && !is_translation(rel);
        let lang = if restricted { None } else { lang_of(name) };
        // A dotenv file that no config glob names (`.env*` is the root's
        // only: `apps/web/.env.example` in a monorepo) is not config, but
        // a var it spells is not silently missing either: unread.
        let dir_restricted = rel.rsplit_once('/').is_some_and(|(dir, _)| {
            dir.split('/')
                .any(|c| c.starts_with('.') || SKIP_DIRS.contains(&c))
        });
        // An extensionless file may be a script (its shebang decides once
        // it is read), also under a config glob (`deploy/post-deploy`).
        let unread = (!restricted && unread_ext(name).is_some())
            || (!config && !dir_restricted && is_dotenv(name))
            || (!restricted && maybe_script(name));
        let module_config = !restricted && is_module_config(name);
        let prisma = !restricted && name.ends_with(".prisma");
        let vercel = !restricted && name == "vercel.json";
        if lang.is_none() && !config && !unread && !module_config && !prisma && !vercel {
            return None;
        }
        Some(FileClass {
            lang,
            test: (lang.is_some() || unread) && self.tests.is_match_candidate(&candidate),
            config,
            unread,
            module_config,
            prisma,
            vercel,
        })
    }
}

/// A translation file (`config/locales/en.yml`, `config/i18n/fr.json`):
/// its keys are messages (`CI: Côte d'Ivoire`), not settings.
fn is_translation(rel: &str) -> bool {
    let data = [".yml", ".yaml", ".json"].iter().any(|e| rel.ends_with(e));
    data && rel
        .split('/')
        .any(|c| matches!(c, "locales" | "locale" | "i18n" | "translations"))
}

/// Checkouts whose `git ls-files` starts before the walk (the rest run one
/// at a time after it).
const MAX_EARLY_LISTINGS: usize = 16;

/// Walk every repo in parallel; the result is sorted by (repo, path).
///
/// Ignore files decide what is skipped, with git's own exception: in a
/// checkout (the repo has its own `.git`) a file git tracks is scanned
/// whatever `.gitignore` says; elsewhere the dotenv templates
/// (`DOTENV_TEMPLATES`) are read even when a gitignore pattern matches them.
pub fn walk(repos: &[Repo], classifier: &Classifier, threads: usize) -> Walk {
    // `git ls-files` of the first checkouts runs while the walk does (of
    // the others, after it: a workspace of thousands of repos must not
    // start thousands of processes at once).
    let mut listings: Vec<Option<Result<Option<std::process::Child>, String>>> = repos
        .iter()
        .take(MAX_EARLY_LISTINGS)
        .map(|r| Some(start_tracked_files(&r.path)))
        .collect();
    listings.resize_with(repos.len(), || None);
    let out = Mutex::new(Walk::default());
    let dirs_seen: Mutex<Vec<(u32, String)>> = Mutex::new(Vec::new());
    // Outside a git checkout, the dotenv templates an ignore rule hides are
    // looked for in each directory as the walk enters it (on the walker's
    // threads: four lookups in each of a thousand directories were ~6 ms
    // on the audit's serial path).
    let probe: Vec<bool> = repos
        .iter()
        .map(|r| std::fs::symlink_metadata(r.path.join(".git")).is_err())
        .collect();
    let templates_seen: Mutex<Vec<(u32, String)>> = Mutex::new(Vec::new());
    // One walker over every repo: its threads go from one repo to the
    // next without waiting for the last directory of each.
    let roots: HashMap<&Path, u32> = repos
        .iter()
        .enumerate()
        .map(|(ri, r)| (r.path.as_path(), ri as u32))
        .collect();
    let root_bytes: HashMap<&[u8], u32> = repos
        .iter()
        .enumerate()
        .filter_map(|(ri, r)| Some((path_bytes(&r.path)?, ri as u32)))
        .collect();
    if let Some(first) = repos.first() {
        let mut builder = ignore::WalkBuilder::new(&first.path);
        for r in &repos[1..] {
            builder.add(&r.path);
        }
        let walker = builder
            .hidden(false)
            .parents(false)
            .ignore(true)
            .git_ignore(true)
            .git_global(false)
            .git_exclude(true)
            .require_git(false)
            .follow_links(false)
            .threads(threads)
            .filter_entry({
                let dirs: BTreeSet<String> = classifier.config_dirs.clone();
                move |e| {
                    if e.depth() == 0 {
                        return true;
                    }
                    let is_dir = e.file_type().is_some_and(|t| t.is_dir());
                    if !is_dir {
                        return true;
                    }
                    let n = e.file_name().to_string_lossy();
                    !(n.starts_with('.') || SKIP_DIRS.contains(&n.as_ref())) || dirs.contains(n.as_ref())
                }
            })
            .build_parallel();
        walker.run(|| {
            let out = &out;
            let dirs_seen = &dirs_seen;
            let probe = &probe;
            let templates_seen = &templates_seen;
            let roots = &roots;
            let root_bytes = &root_bytes;
            let mut sink = Sink {
                out,
                dirs_seen,
                local: Vec::new(),
                warnings: Vec::new(),
                dirs: Vec::new(),
                templates_seen,
                templates: Vec::new(),
            };
            Box::new(move |res| {
                match res {
                    Ok(e) => {
                        let Some((ri, rel)) = split_root(e.path(), e.depth(), roots, root_bytes) else {
                            return ignore::WalkState::Continue;
                        };
                        if e.file_type().is_some_and(|t| t.is_file()) {
                            if let Some(class) = classifier.classify(&rel) {
                                sink.local.push(WalkedFile {
                                    repo: ri,
                                    rel,
                                    abs: e.path().to_path_buf(),
                                    class,
                                });
                            }
                        } else if e.file_type().is_some_and(|t| t.is_dir()) {
                            if probe[ri as usize] {
                                for t in DOTENV_TEMPLATES {
                                    if std::fs::symlink_metadata(e.path().join(t)).is_ok() {
                                        let at = if rel.is_empty() {
                                            t.to_string()
                                        } else {
                                            format!("{rel}/{t}")
                                        };
                                        sink.templates.push((ri, at));
                                    }
                                }
                            }
                            sink.dirs.push((ri, rel));
                        }
                    }
                    Err(err) => sink.warnings.push(walk_error(&err, repos)),
                }
                ignore::WalkState::Continue
            })
        });
    }
    let dirs = std::mem::take(&mut *dirs_seen.lock().unwrap_or_else(|e| e.into_inner()));
    let mut templates_of: Vec<Vec<String>> = vec![Vec::new(); repos.len()];
    for (r, t) in std::mem::take(&mut *templates_seen.lock().unwrap_or_else(|e| e.into_inner())) {
        templates_of[r as usize].push(t);
    }
    let mut w = out.into_inner().unwrap_or_else(|e| e.into_inner());
    // Per repo, in one pass each (not a pass over every file per repo: a
    // workspace may hold thousands of repos).
    let mut dirs_of: Vec<Vec<String>> = vec![Vec::new(); repos.len()];
    for (r, d) in dirs {
        dirs_of[r as usize].push(d);
    }
    let mut extras = Vec::new();
    {
        let mut walked: Vec<HashSet<&str>> = vec![HashSet::default(); repos.len()];
        for f in &w.files {
            walked[f.repo as usize].insert(f.rel.as_str());
        }
        for ((ri, repo), listing) in repos.iter().enumerate().zip(listings) {
            let listing = listing.unwrap_or_else(|| start_tracked_files(&repo.path));
            dirs_of[ri].sort();
            templates_of[ri].sort();
            let found = probe[ri].then_some(templates_of[ri].as_slice());
            let (extra, warning) = unignored(
                repo,
                ri as u32,
                classifier,
                &walked[ri],
                (&dirs_of[ri], found),
                listing,
            );
            extras.extend(extra);
            w.notices.extend(warning);
        }
    }
    w.files.extend(extras);
    playwright_tests(&mut w.files);
    w.files.sort();
    w.files.dedup();
    w.warnings.sort();
    w.warnings.dedup();
    w
}

/// Code under the `testDir` a Playwright config of its repo names
/// (`testDir: "./apps/web/playwright"` in `playwright.config.ts`, relative to
/// the config) is test code, helpers included: Playwright runs it.
fn playwright_tests(files: &mut [WalkedFile]) {
    let mut dirs: Vec<(u32, String)> = Vec::new();
    for f in files.iter() {
        let name = f.rel.rsplit('/').next().unwrap_or(&f.rel);
        if !name.starts_with("playwright.config.") || f.class.lang.is_none() {
            continue;
        }
        let Some(text) = std::fs::metadata(&f.abs)
            .ok()
            .filter(|m| m.len() <= 1 << 20)
            .and_then(|_| std::fs::read_to_string(&f.abs).ok())
        else {
            continue;
        };
        let Some(dir) = crate::lang::config::playwright_test_dir(&text) else {
            continue;
        };
        let base = f.rel.rsplit_once('/').map_or("", |(d, _)| d);
        if let Some(d) = join_rel(base, &dir).filter(|d| !d.is_empty()) {
            dirs.push((f.repo, format!("{d}/")));
        }
    }
    if dirs.is_empty() {
        return;
    }
    for f in files.iter_mut() {
        if (f.class.lang.is_some() || f.class.unread)
            && dirs
                .iter()
                .any(|(r, d)| *r == f.repo && f.rel.starts_with(d.as_str()))
        {
            f.class.test = true;
        }
    }
}

/// `base` joined with a relative `path` (`./a`, `../b`), normalized; `None`
/// when it leaves the repo or is absolute.
fn join_rel(base: &str, path: &str) -> Option<String> {
    if path.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = base.split('/').filter(|c| !c.is_empty()).collect();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            c => parts.push(c),
        }
    }
    Some(parts.join("/"))
}

/// Files the ignore rules hid but that are committed: tracked files of a
/// git checkout, else dotenv templates in the walked directories (`dirs`;
/// those the walk found there already, when it looked). Each is still
/// subject to the directory skips, the plan's `exclude`, `.ignore` files
/// and the classifier.
fn unignored(
    repo: &Repo,
    ri: u32,
    classifier: &Classifier,
    walked: &HashSet<&str>,
    (dirs, found): (&[String], Option<&[String]>),
    listing: Result<Option<std::process::Child>, String>,
) -> (Vec<WalkedFile>, Option<Text>) {
    let root = &repo.path;
    let (candidates, warning): (Vec<String>, Option<Text>) = match listing.and_then(finish_tracked_files) {
        Ok(Some(tracked)) => (tracked, None),
        other => {
            let warning = other.err().map(|e| {
                crate::msg!(
                    "{}: cannot list the files git tracks ({}); git-ignored files are skipped even if committed",
                    Text::raw(&repo.name),
                    Text::raw(e)
                )
            });
            let mut c = Vec::new();
            match found {
                Some(found) => c.extend(found.iter().cloned()),
                None => {
                    for d in dirs {
                        for t in DOTENV_TEMPLATES {
                            c.push(if d.is_empty() {
                                t.to_string()
                            } else {
                                format!("{d}/{t}")
                            });
                        }
                    }
                }
            }
            (c, warning)
        }
    };
    let mut ignore_files = IgnoreFiles::default();
    let mut out = Vec::new();
    for rel in candidates {
        if walked.contains(rel.as_str()) {
            continue;
        }
        let mut comps: Vec<&str> = rel.split('/').collect();
        comps.pop();
        if !comps.iter().all(|c| classifier.enter_dir(c)) {
            continue;
        }
        // Regular files only: no symlinks, no submodules. Outside a
        // checkout most candidates (a template name in every directory)
        // do not exist: asked first, that spares classifying them (5,000
        // instructions each, on the main thread).
        let abs = root.join(&rel);
        if !std::fs::symlink_metadata(&abs).is_ok_and(|m| m.file_type().is_file()) {
            continue;
        }
        let Some(class) = classifier.classify(&rel) else {
            continue;
        };
        if ignore_files.ignored(root, &rel) {
            continue;
        }
        out.push(WalkedFile {
            repo: ri,
            rel,
            abs,
            class,
        });
    }
    (out, warning)
}

/// `git ls-files` of `root`, started, when `root` is a checkout of its own
/// (`.git` is there); `Ok(None)` when it is not. It only reads the index
/// (optional locks off); `finish_tracked_files` reads what it lists.
fn start_tracked_files(root: &Path) -> Result<Option<std::process::Child>, String> {
    if std::fs::symlink_metadata(root.join(".git")).is_err() {
        return Ok(None);
    }
    std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["ls-files", "-z", "--cached"])
        .env("GIT_OPTIONAL_LOCKS", "0")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map(Some)
        .map_err(|e| format!("git: {e}"))
}

/// The files git tracks, relative to the repo's root, as listed by a
/// `start_tracked_files` child.
fn finish_tracked_files(child: Option<std::process::Child>) -> Result<Option<Vec<String>>, String> {
    let Some(child) = child else { return Ok(None) };
    let out = child.wait_with_output().map_err(|e| format!("git: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(err
            .lines()
            .next()
            .unwrap_or("git ls-files failed")
            .trim()
            .to_string());
    }
    Ok(Some(
        out.stdout
            .split(|b| *b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect(),
    ))
}

/// `.ignore` files (ripgrep's, not git's: they still apply to tracked
/// files), loaded on demand per directory.
#[derive(Default)]
struct IgnoreFiles {
    by_dir: HashMap<String, Option<ignore::gitignore::Gitignore>>,
}

impl IgnoreFiles {
    fn ignored(&mut self, root: &Path, rel: &str) -> bool {
        // The deepest `.ignore` with a verdict decides.
        let parts: Vec<&str> = rel.split('/').collect();
        for depth in (0..parts.len()).rev() {
            let dir = parts[..depth].join("/");
            let gi = self.by_dir.entry(dir.clone()).or_insert_with(|| {
                let path = root.join(&dir).join(".ignore");
                if !path.is_file() {
                    return None;
                }
                let mut b = ignore::gitignore::GitignoreBuilder::new(root.join(&dir));
                b.add(&path);
                b.build().ok()
            });
            if let Some(gi) = gi {
                let m = gi.matched_path_or_any_parents(root.join(rel), false);
                if m.is_ignore() {
                    return true;
                }
                if m.is_whitelist() {
                    return false;
                }
            }
        }
        false
    }
}

/// Per-thread buffer, merged into the shared result when the thread is done.
struct Sink<'a> {
    out: &'a Mutex<Walk>,
    dirs_seen: &'a Mutex<Vec<(u32, String)>>,
    local: Vec<WalkedFile>,
    warnings: Vec<Text>,
    /// Directories walked (repo, repo-relative path, `""` for the root).
    dirs: Vec<(u32, String)>,
    templates_seen: &'a Mutex<Vec<(u32, String)>>,
    /// Dotenv templates found in them (repo, repo-relative path).
    templates: Vec<(u32, String)>,
}

impl Drop for Sink<'_> {
    fn drop(&mut self) {
        let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
        out.files.append(&mut self.local);
        out.warnings.append(&mut self.warnings);
        drop(out);
        let mut dirs = self.dirs_seen.lock().unwrap_or_else(|e| e.into_inner());
        dirs.append(&mut self.dirs);
        drop(dirs);
        let mut templates = self.templates_seen.lock().unwrap_or_else(|e| e.into_inner());
        templates.append(&mut self.templates);
    }
}

/// The repo a walked path is under and its repo-relative path, `/`
/// separated. The root it was walked from is `depth` components up from
/// it. A clean UTF-8 path (as the walker joins them) is split on its bytes;
/// any other goes through `Path`'s components (whose parsing, repeated per
/// ancestor, and hashing cost more than the rest of the walk's callback).
fn split_root(
    path: &Path,
    depth: usize,
    roots: &HashMap<&Path, u32>,
    root_bytes: &HashMap<&[u8], u32>,
) -> Option<(u32, String)> {
    if let Some(fast) = path_bytes(path).and_then(|b| split_root_bytes(b, depth, root_bytes)) {
        return Some(fast);
    }
    let root = path.ancestors().nth(depth)?;
    let ri = *roots.get(root)?;
    let rel = path.strip_prefix(root).ok()?;
    Some((ri, rel_string(rel)))
}

/// `split_root` of a path's bytes: `None` unless the last `depth`
/// components are plain UTF-8 names (no empty, `.` or `..` one) and what
/// is left is a root's path, byte for byte.
fn split_root_bytes(b: &[u8], depth: usize, root_bytes: &HashMap<&[u8], u32>) -> Option<(u32, String)> {
    let mut cut = b.len();
    for _ in 0..depth {
        cut = b[..cut].iter().rposition(|&c| c == b'/')?;
    }
    let (root, rel) = if depth == 0 {
        (b, &b[..0])
    } else {
        (&b[..cut], &b[cut + 1..])
    };
    let ri = *root_bytes.get(root)?;
    let rel = std::str::from_utf8(rel).ok()?;
    if depth > 0 && rel.split('/').any(|c| c.is_empty() || c == "." || c == "..") {
        return None;
    }
    Some((ri, rel.to_string()))
}

#[cfg(unix)]
fn path_bytes(p: &Path) -> Option<&[u8]> {
    use std::os::unix::ffi::OsStrExt;
    Some(p.as_os_str().as_bytes())
}

#[cfg(not(unix))]
fn path_bytes(_: &Path) -> Option<&[u8]> {
    None
}

fn rel_string(p: &Path) -> String {
    let mut s = String::new();
    for (i, c) in p.components().enumerate() {
        if i > 0 {
            s.push('/');
        }
        s.push_str(&c.as_os_str().to_string_lossy());
    }
    s
}

/// A walk error as `repo/path: cause`, like every other location.
fn walk_error(err: &ignore::Error, repos: &[Repo]) -> Text {
    let mut msg = err.to_string();
    // The path of the repo it is under, as the repo's name (the longest
    // root that leads it: one repo's root may be another's prefix).
    let under = repos
        .iter()
        .filter(|r| {
            let prefix = r.path.display().to_string();
            let at_root = msg.strip_prefix(&prefix).is_some_and(|rest| {
                !rest.starts_with(|c: char| c.is_alphanumeric() || c == '_' || c == '-' || c == '.')
            });
            at_root || msg.contains(&format!("{prefix}/"))
        })
        .max_by_key(|r| r.path.as_os_str().len());
    if let Some(repo) = under {
        let prefix = repo.path.display().to_string();
        msg = match msg.strip_prefix(&prefix) {
            Some(rest) => format!("{}{rest}", repo.name),
            None => msg.replace(&format!("{prefix}/"), &format!("{}/", repo.name)),
        };
    }
    crate::msg!("cannot walk: {}", Text::raw(msg))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classifier(extra_tests: &[&str], extra_config: &[&str], exclude: &[&str]) -> Classifier {
        let mut plan =
            crate::plan::parse("p.yaml", "version: 1\nphases:\n  - points:\n      - method: x\n").unwrap();
        plan.tests = extra_tests.iter().map(|s| s.to_string()).collect();
        plan.config = extra_config.iter().map(|s| s.to_string()).collect();
        plan.exclude = exclude.iter().map(|s| s.to_string()).collect();
        Classifier::new(&plan).unwrap()
    }

    #[test]
    fn split_root_on_bytes_is_the_split_on_components() {
        let repos = [
            PathBuf::from("/w/app"),
            PathBuf::from("/w/app-web"),
            PathBuf::from("/w/trailing/"),
            PathBuf::from("rel/repo"),
        ];
        let roots: HashMap<&Path, u32> = repos
            .iter()
            .enumerate()
            .map(|(i, r)| (r.as_path(), i as u32))
            .collect();
        let bytes: HashMap<&[u8], u32> = repos
            .iter()
            .enumerate()
            .filter_map(|(i, r)| Some((path_bytes(r)?, i as u32)))
            .collect();
        let slow = |p: &Path, depth: usize| {
            let root = p.ancestors().nth(depth)?;
            Some((*roots.get(root)?, rel_string(p.strip_prefix(root).ok()?)))
        };
        let cases: &[(&str, usize, bool)] = &[
            ("/w/app", 0, true),
            ("/w/app/a.rb", 1, true),
            ("/w/app-web/src/x/y.ts", 3, true),
            ("rel/repo/lib/é.rb", 2, true),
            // Not split on bytes: the components route gives the answer.
            ("/w/trailing/a.rb", 1, false),
            ("/w/app/./a.rb", 2, false),
            ("/w/app//b/a.rb", 2, false),
            ("/w/app/../app/a.rb", 3, false),
            // No root is there.
            ("/w/other/a.rb", 1, false),
            ("/w/app/a.rb", 2, false),
            ("/w/app/a.rb", 9, false),
        ];
        for (p, depth, fast) in cases {
            let path = Path::new(p);
            assert_eq!(
                path_bytes(path)
                    .and_then(|b| split_root_bytes(b, *depth, &bytes))
                    .is_some(),
                *fast && cfg!(unix),
                "{p} at depth {depth}"
            );
            assert_eq!(
                split_root(path, *depth, &roots, &bytes),
                slow(path, *depth),
                "{p} at depth {depth}"
            );
        }
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let odd = Path::new(std::ffi::OsStr::from_bytes(b"/w/app/\xffx.rb"));
            assert_eq!(split_root_bytes(path_bytes(odd).unwrap(), 1, &bytes), None);
            assert_eq!(
                split_root(odd, 1, &roots, &bytes),
                Some((0, "\u{fffd}x.rb".to_string()))
            );
        }
    }

    #[test]
    fn one_walk_over_every_repo_keeps_each_repos_files_and_ignore_rules() {
        let d = tempfile::tempdir().unwrap();
        // `app` is a prefix of `app-web`'s name: each file is still its own
        // repo's, and `app`'s `.gitignore` is not `app-web`'s.
        let write = |rel: &str, text: &str| {
            let p = d.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        write("app/.gitignore", "generated.rb\n");
        write("app/generated.rb", "class G; end\n");
        write("app/models/user.rb", "class User; end\n");
        write("app-web/generated.rb", "class G; end\n");
        write("app-web/src/a.ts", "export const a = 1;\n");
        let repos: Vec<Repo> = ["app", "app-web"]
            .iter()
            .map(|n| Repo {
                name: n.to_string(),
                path: d.path().join(n),
            })
            .collect();
        let w = walk(&repos, &classifier(&[], &[], &[]), 2);
        let files: Vec<(u32, &str)> = w.files.iter().map(|f| (f.repo, f.rel.as_str())).collect();
        assert_eq!(
            files,
            vec![(0, "app/models/user.rb"), (1, "generated.rb"), (1, "src/a.ts")]
                .into_iter()
                .map(|(r, p)| (r, p.strip_prefix("app/").unwrap_or(p)))
                .collect::<Vec<_>>()
        );
        assert!(w.warnings.is_empty(), "{:?}", w.warnings);
    }

    /// More checkouts than `MAX_EARLY_LISTINGS`: the git listing of each
    /// (started before the walk or after it) still brings back its
    /// committed, git-ignored file.
    #[test]
    fn every_checkout_is_listed_however_many() {
        let d = tempfile::tempdir().unwrap();
        let git = |dir: &Path, args: &[&str]| {
            std::process::Command::new("git")
                .arg("-C")
                .arg(dir)
                .args(args)
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .output()
                .is_ok_and(|o| o.status.success())
        };
        let n = MAX_EARLY_LISTINGS + 3;
        let mut repos = Vec::new();
        for i in 0..n {
            let root = d.path().join(format!("r{i:02}"));
            std::fs::create_dir_all(root.join("gen")).unwrap();
            std::fs::write(root.join(".gitignore"), "gen/\n").unwrap();
            std::fs::write(root.join("gen/kept.rb"), "class K; end\n").unwrap();
            assert!(git(&root, &["init", "-q"]), "git is needed for this test");
            assert!(git(&root, &["add", "-f", ".gitignore", "gen/kept.rb"]));
            repos.push(Repo {
                name: format!("r{i:02}"),
                path: root,
            });
        }
        let w = walk(&repos, &classifier(&[], &[], &[]), 2);
        let kept: Vec<u32> = w
            .files
            .iter()
            .filter(|f| f.rel == "gen/kept.rb")
            .map(|f| f.repo)
            .collect();
        assert_eq!(kept, (0..n as u32).collect::<Vec<_>>(), "{:?}", w.notices);
        assert!(w.notices.is_empty(), "{:?}", w.notices);
    }

    #[test]
    fn classifies_sources_tests_and_config() {
        let c = classifier(&["**/qa/**"], &["ops/**"], &["**/legacy/**"]);
        let src = c.classify("app/models/user.rb").unwrap();
        assert_eq!(src.lang, Some(Lang::Ruby));
        assert!(!src.test && !src.config);
        assert!(c.classify("spec/models/user_spec.rb").unwrap().test);
        assert!(c.classify("src/a.test.tsx").unwrap().test);
        assert!(c.classify("lib/qa/x.rb").unwrap().test);
        assert!(c.classify("features/steps.rb").unwrap().test);
        assert!(!c.classify("src/features/x.ts").unwrap().test);
        assert!(c.classify("app/legacy/x.rb").is_none());
        assert!(c.classify(".env").unwrap().config);
        assert!(c.classify(".env.example").unwrap().config);
        assert!(c.classify("config/settings.yml").unwrap().config);
        assert!(c.classify("config/deep/x.json").unwrap().config);
        // Translations are messages, not settings (`CI: Côte d'Ivoire`).
        assert!(c.classify("core/config/locales/en.yml").is_none());
        assert!(c.classify("config/i18n/fr.json").is_none());
        assert!(c.classify("ops/anything").unwrap().config);
        assert!(c.classify(".github/workflows/ci.yml").unwrap().config);
        assert!(c.classify("docker-compose.yml").unwrap().config);
        assert!(c.classify("Procfile.dev").unwrap().config);
        assert!(c.classify("app.json").unwrap().config);
        assert!(c.classify("sub/app.json").is_none());
        assert_eq!(
            c.classify("app/views/a/show.html.erb").unwrap().lang,
            Some(Lang::Erb)
        );
        assert_eq!(c.classify("src/a.ts").unwrap().lang, Some(Lang::TypeScript));
        assert_eq!(c.classify("src/a.jsx").unwrap().lang, Some(Lang::Tsx));
        assert!(c.classify("src/a.d.ts").is_none());
        assert!(c.classify("README.md").is_none());
        // Source under a hidden directory is not scanned.
        assert!(c.classify(".github/scripts/x.js").is_none());
        assert!(c.enter_dir(".github") && !c.enter_dir(".cache") && !c.enter_dir("node_modules"));
    }
}
