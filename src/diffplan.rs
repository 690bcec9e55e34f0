//! `seamscan plan --from-diff BASE..HEAD`: a draft plan of what a git range
//! introduced in each repo of a workspace. Input: the repos' git objects,
//! read with the `git` binary (`rev-parse`, `diff --name-only`, `cat-file`)
//! into memory. Output: plan YAML (version 1). Facts come from the audit's
//! own extractors (`lang::extract`) at both revisions and are diffed as
//! facts, not text. It never writes to a repo (not even an index lock).

use crate::facts::{
    Access, BullRole, DefKind, FileClass, FileFacts, FileMeta, Interest, KeyOp, Lang, NameRef, Rel,
};
use crate::lang;
use crate::workspace::{self, Classifier, WorkspaceError};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Stdio};

#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    #[error("`{0}` is not a range: expected BASE..HEAD (two revisions, two dots)")]
    BadRange(String),
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
    #[error("cannot run git: {0}")]
    NoGit(String),
}

/// A draft plan and the repos that were skipped.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Draft {
    pub yaml: String,
    /// `REPO_PATH: why`, one per skipped repo.
    pub skipped: Vec<String>,
    /// Points in the draft (0: the range introduced nothing to plan, and
    /// the draft has `phases: []`).
    pub points: usize,
}

/// What a range introduced in one repo.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Introduced {
    /// Plan names: `Owner#name`, `Owner.name`, `name`.
    pub methods: BTreeSet<String>,
    pub env: BTreeSet<String>,
    /// Column → keys newly written.
    pub json_writes: BTreeMap<String, BTreeSet<String>>,
    /// `VERB /path` of new Rails routes (to a controller action).
    pub routes: BTreeSet<String>,
    /// `controller#action`: new public methods of Rails controllers.
    pub actions: BTreeSet<String>,
    /// New job classes (ActiveJob, Sidekiq) and BullMQ job / queue names.
    pub jobs: BTreeSet<String>,
    /// Events newly emitted or subscribed to.
    pub events: BTreeSet<String>,
    /// Flags newly checked or defined in code.
    pub flags: BTreeSet<String>,
}

impl Introduced {
    fn is_empty(&self) -> bool {
        self.points() == 0
    }

    /// How many points the draft gets from it.
    pub fn points(&self) -> usize {
        self.methods.len()
            + self.env.len()
            + self.json_writes.len()
            + self.routes.len()
            + self.actions.len()
            + self.jobs.len()
            + self.events.len()
            + self.flags.len()
    }
}

/// Superclasses and mixins that make a Ruby class a background job.
const JOB_BASES: [&str; 6] = [
    "ApplicationJob",
    "ActiveJob::Base",
    "Sidekiq::Job",
    "Sidekiq::Worker",
    "ApplicationWorker",
    "Sidekiq::Worker::Options",
];

/// Split `BASE..HEAD`.
pub fn parse_range(range: &str) -> Result<(String, String), DiffError> {
    let bad = || DiffError::BadRange(range.to_string());
    let (base, head) = range.split_once("..").ok_or_else(bad)?;
    if base.is_empty()
        || head.is_empty()
        || head.starts_with('.')
        || base.starts_with('-')
        || head.starts_with('-')
    {
        return Err(bad());
    }
    Ok((base.to_string(), head.to_string()))
}

fn git(repo: &Path, args: &[&str]) -> Result<Option<Vec<u8>>, DiffError> {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        // Read-only: no optional index refresh (and its lock file).
        .env("GIT_OPTIONAL_LOCKS", "0")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .map_err(|e| DiffError::NoGit(e.to_string()))?;
    Ok(out.status.success().then_some(out.stdout))
}

/// Why a repo cannot be diffed, or `None`.
fn unusable(repo: &Path, base: &str, head: &str) -> Result<Option<String>, DiffError> {
    let top = git(repo, &["rev-parse", "--show-toplevel"])?;
    let is_root = top.is_some_and(|t| {
        let t = String::from_utf8_lossy(&t)
            .trim_end_matches(['\n', '\r'])
            .to_string();
        match (std::fs::canonicalize(&t), std::fs::canonicalize(repo)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
    });
    if !is_root {
        return Ok(Some("not a git checkout".into()));
    }
    for rev in [base, head] {
        if git(
            repo,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                "--end-of-options",
                &format!("{rev}^{{commit}}"),
            ],
        )?
        .is_none()
        {
            return Ok(Some(format!("lacks `{rev}` (range {base}..{head})")));
        }
    }
    Ok(None)
}

fn blob(repo: &Path, rev: &str, path: &str) -> Result<Option<Vec<u8>>, DiffError> {
    git(repo, &["cat-file", "blob", &format!("{rev}:{path}")])
}

/// The plan name of a definition, if it is a public entry point.
fn method_name(d: &crate::facts::Def) -> Option<String> {
    // Constructors are how objects are made, not entry points to plan;
    // nor are the accessors a Rails macro generates (`belongs_to
    // :template` gives `create_template`, which no one need call).
    if d.access != Access::Public
        || d.name == "initialize"
        || d.name == "constructor"
        || d.form == crate::facts::DefForm::Macro
    {
        return None;
    }
    Some(match (&d.owner, d.kind) {
        (Some(o), DefKind::Instance) => format!("{o}#{}", d.name),
        (Some(o), DefKind::Singleton) => format!("{o}.{}", d.name),
        (Some(o), DefKind::Function) => format!("{o}.{}", d.name),
        (None, _) => d.name.clone(),
    })
}

#[derive(Default)]
struct Side {
    actions: BTreeSet<String>,
    jobs: BTreeSet<String>,
    events: BTreeSet<String>,
    flags: BTreeSet<String>,
    methods: BTreeSet<String>,
    env: BTreeSet<String>,
    writes: BTreeSet<(String, String)>,
    /// Columns known to hold JSON: declared `t.json`/`t.jsonb` in a schema
    /// or migration, or given keys by `store_accessor`.
    json_columns: BTreeSet<String>,
}

impl Side {
    fn add(&mut self, path: &str, f: &FileFacts) {
        // Rails controllers: public instance methods are actions.
        let controller = path.ends_with("_controller.rb") && path.contains("app/controllers/");
        let mut actions: BTreeSet<(String, String)> = BTreeSet::new();
        if controller {
            for d in &f.defs {
                if let (Some(o), DefKind::Instance, Access::Public) = (&d.owner, d.kind, d.access)
                    && let Some(c) = crate::routing::controller_path(o)
                    // Abstract parents (`ApplicationController`,
                    // `Api::V1::BaseController`) are routed to by no one.
                    && !matches!(c.rsplit('/').next(), Some("application" | "base"))
                    // `store_referer!`, `admin?`: a filter or predicate, no
                    // action (a `method:` point instead).
                    && crate::plan::is_action_name(&d.name)
                {
                    actions.insert((o.clone(), d.name.clone()));
                    self.actions.insert(format!("{c}#{}", d.name));
                }
            }
        }
        // Ruby job classes: a job base in the file, or `perform` in
        // app/jobs, app/workers.
        let mut jobs: BTreeSet<String> = f
            .ancestry
            .iter()
            .filter(|a| {
                matches!(a.rel, Rel::Class | Rel::Include)
                    && JOB_BASES.contains(&a.target.trim_start_matches("::"))
            })
            .map(|a| a.owner.clone())
            .collect();
        if path.contains("app/jobs/") || path.contains("app/workers/") {
            jobs.extend(
                f.defs
                    .iter()
                    .filter(|d| d.name == "perform" && d.kind == DefKind::Instance)
                    .filter_map(|d| d.owner.clone()),
            );
        }
        self.jobs.extend(jobs.iter().cloned());
        // BullMQ: job names enqueued or processed by name, queues of new
        // workers (literal names only: constants need the workspace).
        // Names held in a constant of the same file are read too.
        let value = |c: &str| f.str_consts.iter().find(|(n, _)| n == c).map(|(_, v)| v.clone());
        for u in &f.bull {
            let lit = |r: &Option<NameRef>| match r {
                Some(NameRef::Lit(s)) => Some(s.clone()),
                Some(NameRef::Const(c)) => value(c),
                _ => None,
            };
            let name = match u.role {
                BullRole::Add => lit(&u.job).or_else(|| lit(&u.queue)),
                BullRole::Worker => lit(&u.job).or_else(|| lit(&u.queue)),
                BullRole::Queue => None,
            };
            self.jobs.extend(name);
        }
        self.events
            .extend(f.events.iter().filter(|e| !e.regex).map(|e| e.name.clone()));
        self.flags
            .extend(f.flags.iter().filter_map(|g| match &g.const_ref {
                None => Some(g.name.clone()).filter(|n| !n.is_empty()),
                Some(c) if c.scope.is_empty() => value(&c.name),
                Some(c) => value(&format!("{}::{}", c.scope, c.name)).or_else(|| value(&c.name)),
            }));
        self.json_columns
            .extend(f.column_defs.iter().map(|c| c.name.clone()));
        self.json_columns.extend(
            f.json_keys
                .iter()
                .filter(|k| k.op == KeyOp::Accessor)
                .map(|k| k.column.clone()),
        );
        // A controller action is an `action:` point and a job's `perform` a
        // `job:` point, not `method:` points.
        self.methods.extend(
            f.defs
                .iter()
                .filter(|d| match &d.owner {
                    Some(o) => {
                        let action = actions.contains(&(o.clone(), d.name.clone()));
                        let perform = d.name == "perform" && jobs.contains(o);
                        !(action || perform)
                    }
                    None => true,
                })
                .filter_map(method_name),
        );
        self.env.extend(f.env_reads.iter().map(|e| e.name.clone()));
        self.writes.extend(
            f.json_keys
                .iter()
                .filter(|k| matches!(k.op, KeyOp::Write | KeyOp::Accessor | KeyOp::Update))
                .map(|k| (k.column.clone(), k.key.clone())),
        );
    }
}

/// Rails schema files read at HEAD for JSON column declarations.
const SCHEMA_FILES: [&str; 1] = ["db/schema.rb"];

/// What `base..head` introduced in one git checkout, from the non-test
/// source files the range changed.
pub fn introduced(repo: &Path, base: &str, head: &str) -> Result<Introduced, DiffError> {
    let names = git(
        repo,
        &[
            "diff",
            "--name-only",
            "-z",
            "--no-renames",
            "--no-ext-diff",
            "--no-textconv",
            base,
            head,
            "--",
        ],
    )?
    .unwrap_or_default();
    let classifier = Classifier::builtin();
    let interest = Interest::everything();
    let (mut before, mut after) = (Side::default(), Side::default());
    for raw in names.split(|b| *b == 0).filter(|p| !p.is_empty()) {
        let Ok(path) = std::str::from_utf8(raw) else {
            continue;
        };
        let Some(class) = classifier.classify(path) else {
            continue;
        };
        let Some(lang) = class.lang else { continue };
        if class.test {
            continue;
        }
        for (rev, side) in [(base, &mut before), (head, &mut after)] {
            if let Some(bytes) = blob(repo, rev, path)?
                && bytes.len() <= crate::audit::MAX_PARSE_BYTES
                && !bytes.contains(&0)
            {
                side.add(path, &lang::extract(lang, &bytes, &interest));
            }
        }
    }
    // Without a declaration, `{data: {...}}` and `order: {date: :desc}`
    // look like JSON writes: only columns known to be JSON count. The
    // schema is read at HEAD even when the range did not change it.
    for schema in SCHEMA_FILES {
        if let Some(bytes) = blob(repo, head, schema)?
            && bytes.len() <= crate::audit::MAX_PARSE_BYTES
        {
            let facts = lang::extract(crate::facts::Lang::Ruby, &bytes, &interest);
            after
                .json_columns
                .extend(facts.column_defs.into_iter().map(|c| c.name));
        }
    }
    let routes_changed = names
        .split(|b| *b == 0)
        .filter_map(|p| std::str::from_utf8(p).ok())
        .any(crate::routing::is_routes_file);
    let (mut routes_before, mut routes_after) = if routes_changed {
        (routes_at(repo, base)?, routes_at(repo, head)?)
    } else {
        (BTreeSet::new(), BTreeSet::new())
    };
    // TypeScript/JavaScript routes: a route's full path may come from a
    // mount or a global prefix in a file the range did not touch, so the
    // tables are built from every script of the repo at both revisions.
    let ts_changed = names
        .split(|b| *b == 0)
        .filter_map(|p| std::str::from_utf8(p).ok())
        .filter_map(|p| classifier.classify(p))
        .any(|c| c.module_config || (is_script(&c) && !c.test));
    if ts_changed {
        let (b, a) = ts_routes(repo, base, head, &classifier)?;
        routes_before.extend(b.routes);
        routes_after.extend(a.routes);
        // A handler serves a `route:` point; it is no `method:` point (as
        // a Rails action is an `action:` point).
        after.methods.retain(|m| !a.handlers.contains(m));
    }
    let json_columns = after.json_columns.clone();
    after.writes.retain(|(col, _)| json_columns.contains(col));
    let mut out = Introduced {
        methods: after.methods.difference(&before.methods).cloned().collect(),
        env: after.env.difference(&before.env).cloned().collect(),
        routes: routes_after.difference(&routes_before).cloned().collect(),
        actions: after.actions.difference(&before.actions).cloned().collect(),
        jobs: after.jobs.difference(&before.jobs).cloned().collect(),
        events: after.events.difference(&before.events).cloned().collect(),
        flags: after.flags.difference(&before.flags).cloned().collect(),
        ..Introduced::default()
    };
    for (col, key) in after.writes.difference(&before.writes) {
        out.json_writes
            .entry(col.clone())
            .or_default()
            .insert(key.clone());
    }
    Ok(out)
}

/// The Rails routes (`VERB /path` to a controller action) of every routes
/// file at `rev`, interpreted as the audit does.
fn routes_at(repo: &Path, rev: &str) -> Result<BTreeSet<String>, DiffError> {
    let list = git(repo, &["ls-tree", "-r", "--name-only", "-z", rev])?.unwrap_or_default();
    let mut files: Vec<(u32, String)> = Vec::new();
    let mut calls: Vec<Vec<crate::facts::RouteCall>> = Vec::new();
    let mut standalone: Vec<bool> = Vec::new();
    for raw in list.split(|b| *b == 0) {
        let Ok(path) = std::str::from_utf8(raw) else {
            continue;
        };
        if !crate::routing::is_routes_file(path) {
            continue;
        }
        if let Some(bytes) = blob(repo, rev, path)?
            && bytes.len() <= crate::audit::MAX_PARSE_BYTES
            && !bytes.contains(&0)
        {
            files.push((0, path.to_string()));
            let r = lang::routes::extract(&bytes);
            standalone.push(r.draws);
            calls.push(r.calls);
        }
    }
    let files: Vec<(u32, &str)> = files.iter().map(|(r, p)| (*r, p.as_str())).collect();
    let calls: Vec<&[crate::facts::RouteCall]> = calls.iter().map(Vec::as_slice).collect();
    let table = crate::routing::workspace_table(&files, &calls, &[], &standalone);
    let mut out = BTreeSet::new();
    for r in table.routes {
        if !matches!(r.target, crate::routing::Target::Action { .. }) {
            continue;
        }
        for verb in r.verb.split('|').filter(|v| *v != "ANY") {
            out.insert(format!("{verb} {}", r.path));
        }
    }
    Ok(out)
}

fn is_script(c: &FileClass) -> bool {
    matches!(
        c.lang,
        Some(Lang::TypeScript | Lang::Tsx | Lang::Vue | Lang::Svelte)
    )
}

/// A file of a tree: (path, class, blob id, size).
type TreeFile = (String, FileClass, String, usize);

/// The non-test scripts and module configs (`package.json`, tsconfig) of
/// the tree at `rev`, from `git ls-tree`.
fn ts_tree(repo: &Path, rev: &str, classifier: &Classifier) -> Result<Vec<TreeFile>, DiffError> {
    let list = git(
        repo,
        &[
            "ls-tree",
            "-r",
            "-l",
            "-z",
            "--full-tree",
            "--end-of-options",
            rev,
        ],
    )?
    .unwrap_or_default();
    let mut out = Vec::new();
    // `<mode> <type> <oid> <size>\t<path>`
    for entry in list.split(|b| *b == 0) {
        let Ok(entry) = std::str::from_utf8(entry) else {
            continue;
        };
        let Some((head, path)) = entry.split_once('\t') else {
            continue;
        };
        let mut f = head.split_whitespace();
        let (Some(_mode), Some("blob"), Some(oid), Some(size)) = (f.next(), f.next(), f.next(), f.next())
        else {
            continue;
        };
        let Ok(size) = size.parse::<usize>() else {
            continue;
        };
        let Some(class) = classifier.classify(path) else {
            continue;
        };
        if (is_script(&class) && !class.test) || class.module_config {
            out.push((path.to_string(), class, oid.to_string(), size));
        }
    }
    Ok(out)
}

/// The contents of blobs, read through one `git cat-file --batch`.
fn blobs(repo: &Path, oids: &[&str]) -> Result<BTreeMap<String, Vec<u8>>, DiffError> {
    use std::io::{BufRead, BufReader, Read, Write};
    let mut out = BTreeMap::new();
    if oids.is_empty() {
        return Ok(out);
    }
    let mut child = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["cat-file", "--batch"])
        .env("GIT_OPTIONAL_LOCKS", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| DiffError::NoGit(e.to_string()))?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input: String = oids.iter().map(|o| format!("{o}\n")).collect();
    // Written from another thread, so a full stdout pipe cannot block it.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let mut reader = BufReader::new(child.stdout.take().expect("piped stdout"));
    let mut header = String::new();
    let io = |e: std::io::Error| DiffError::NoGit(e.to_string());
    loop {
        header.clear();
        if reader.read_line(&mut header).map_err(io)? == 0 {
            break;
        }
        // `<oid> <type> <size>` or `<oid> missing`.
        let mut f = header.split_whitespace();
        let (Some(oid), Some(_kind), Some(size)) = (f.next(), f.next(), f.next()) else {
            continue;
        };
        let Ok(size) = size.parse::<usize>() else {
            continue;
        };
        let mut body = vec![0; size + 1];
        reader.read_exact(&mut body).map_err(io)?;
        body.pop();
        out.insert(oid.to_string(), body);
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(out)
}

/// A TypeScript/JavaScript route table as the draft needs it.
#[derive(Default)]
struct TsRoutes {
    /// `VERB /path`.
    routes: BTreeSet<String>,
    /// Handlers as plan method names (`OrdersController#cancel`, `GET`).
    handlers: BTreeSet<String>,
}

/// The TypeScript/JavaScript server routes (`VERB /path`) of the repo at
/// `base` and at `head`, built as the audit builds them: each blob is read
/// and parsed once, even when both trees hold it.
fn ts_routes(
    repo: &Path,
    base: &str,
    head: &str,
    classifier: &Classifier,
) -> Result<(TsRoutes, TsRoutes), DiffError> {
    use rayon::prelude::*;
    let trees = [ts_tree(repo, base, classifier)?, ts_tree(repo, head, classifier)?];
    let wanted: BTreeSet<&str> = trees
        .iter()
        .flatten()
        .filter(|(_, _, _, size)| *size <= crate::audit::MAX_PARSE_BYTES)
        .map(|(_, _, oid, _)| oid.as_str())
        .collect();
    let wanted: Vec<&str> = wanted.into_iter().collect();
    let bytes = blobs(repo, &wanted)?;
    // A script's facts depend on its content and language only.
    let mut langs: BTreeMap<&str, Lang> = BTreeMap::new();
    for (_, class, oid, _) in trees.iter().flatten() {
        if let Some(l) = class.lang {
            langs.entry(oid.as_str()).or_insert(l);
        }
    }
    let parsed: BTreeMap<&str, FileFacts> = langs
        .par_iter()
        .filter_map(|(oid, lang)| {
            let b = bytes.get(*oid).filter(|b| !b.contains(&0))?;
            Some((*oid, lang::extract(*lang, b, &Interest::everything())))
        })
        .collect::<Vec<_>>()
        .into_iter()
        .collect();
    let table = |tree: &[TreeFile]| -> TsRoutes {
        let mut metas = Vec::new();
        let mut facts = Vec::new();
        for (path, class, oid, _) in tree {
            let ff = if class.module_config {
                // Read by its name (`package.json`, `tsconfig.json`).
                let Some(b) = bytes.get(oid.as_str()) else {
                    continue;
                };
                let name = path.rsplit('/').next().unwrap_or(path);
                FileFacts {
                    module_config: lang::modules::scan(name, &String::from_utf8_lossy(b)),
                    ..FileFacts::default()
                }
            } else {
                let Some(ff) = parsed.get(oid.as_str()) else {
                    continue;
                };
                ff.clone()
            };
            metas.push(FileMeta {
                repo: 0,
                path: path.clone(),
                class: *class,
            });
            facts.push(ff);
        }
        let mut out = TsRoutes::default();
        for r in crate::facts::server_routes(&metas, &facts) {
            for verb in r.verb.split('|') {
                out.routes.insert(format!("{verb} {}", r.path));
            }
            if let crate::routing::Target::Code { name: Some(n), .. } = r.target {
                out.handlers.insert(n);
            }
        }
        out
    };
    Ok((table(&trees[0]), table(&trees[1])))
}

fn q(s: &str) -> String {
    // A JSON string is a YAML double-quoted scalar.
    serde_json::to_string(s).expect("strings serialize")
}

/// Draft a plan for every repo of the workspace that has the range.
pub fn draft(ws: &Path, range: &str) -> Result<Draft, DiffError> {
    let (base, head) = parse_range(range)?;
    let repos = workspace::discover(ws)?;
    let mut out = Draft::default();
    let mut phases = String::new();
    for r in &repos {
        if let Some(why) = unusable(&r.path, &base, &head)? {
            out.skipped.push(format!("{}: {why}", r.path.display()));
            continue;
        }
        let intro = introduced(&r.path, &base, &head)?;
        if intro.is_empty() {
            continue;
        }
        out.points += intro.points();
        phases.push_str(&format!(
            "  - name: {}\n    points:\n",
            q(&format!("{}: {range}", r.name))
        ));
        for m in &intro.methods {
            phases.push_str(&format!(
                "      - method: {}\n        repo: {}\n",
                q(m),
                q(&r.name)
            ));
        }
        for e in &intro.env {
            phases.push_str(&format!("      - env: {}\n", q(e)));
        }
        for (kind, names) in [
            ("route", &intro.routes),
            ("action", &intro.actions),
            ("job", &intro.jobs),
            ("event", &intro.events),
            ("flag", &intro.flags),
        ] {
            for n in names {
                phases.push_str(&format!("      - {kind}: {}\n", q(n)));
            }
        }
        for (col, keys) in &intro.json_writes {
            let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
            phases.push_str(&format!(
                "      - jsonb: {}\n        note: {}\n",
                q(col),
                q(&format!("keys newly written in {}: {}", r.name, keys.join(", ")))
            ));
        }
    }
    out.yaml = format!(
        "# Draft plan: what {range} introduced (seamscan plan --from-diff).\n\
         # Keep the points that are integration points, add `callers:` and\n\
         # `env:`, then run: seamscan audit --plan THIS_FILE WORKSPACE\n\
         version: 1\nname: {}\nphases:{}",
        q(&format!("Changes in {range}")),
        if phases.is_empty() {
            " []\n".to_string()
        } else {
            format!("\n{phases}")
        }
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("main..HEAD").unwrap(), ("main".into(), "HEAD".into()));
        for bad in ["main", "..HEAD", "main..", "a...b", "-x..HEAD", "a..--output=x"] {
            assert!(parse_range(bad).is_err(), "{bad}");
        }
    }
}
