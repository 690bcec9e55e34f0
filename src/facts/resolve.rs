//! TypeScript/JavaScript module resolution, once per audit, over the merged
//! per-file facts: which definition an import-bound call reaches (default
//! exports, `import * as ns`, re-exports and `export *` barrels, relative
//! paths with index files and extensions, tsconfig `paths`/`baseUrl` with
//! `extends`, workspace packages by `package.json` name and entry points),
//! and each class's ancestors. The checks only query the result.
//!
//! Every chain (re-exports, tsconfig `extends`, superclasses) is followed
//! with a visited set and a hop bound, so cycles and deep chains end.

use super::{BullRole, FileFacts, FileIdx, FileMeta, Imported, Lang, ModuleConfig, NameRef};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::{BTreeMap, BTreeSet};

/// Re-export, `extends` and superclass chains longer than this are cut.
const MAX_HOPS: usize = 64;

/// Extensions a specifier without one may name, in TypeScript's order.
const EXTS: [&str; 10] = [
    "ts", "tsx", "d.ts", "js", "jsx", "mjs", "cjs", "mts", "cts", "vue",
];

#[derive(Debug, Default)]
pub struct Resolution {
    /// (file, call index) → (defining file, the definition's name), for
    /// calls bound to an import.
    pub calls: BTreeMap<(FileIdx, u32), (FileIdx, String)>,
    /// A definition's name → calls resolved to it under another name
    /// (`import fmt from`, `ns.default()`, `import { a as b }`).
    pub renamed_calls: BTreeMap<String, Vec<(FileIdx, u32)>>,
    /// Class name → its ancestors, nearest first.
    pub ancestors: BTreeMap<String, Vec<String>>,
    /// Every class name declared in TypeScript/JavaScript.
    pub classes: BTreeSet<String>,
    /// Env var → reads through an env config object (`env.X` where `env`
    /// is built from `process.env` in a visible module): (file, index into
    /// `config_reads`).
    pub env_reads: BTreeMap<String, Vec<(FileIdx, u32)>>,
    /// Queue, job and flag names held in constants or queue objects
    /// (`NameRef::Const` / `NameRef::Queue` in a file) → their string.
    pub names: BTreeMap<(FileIdx, NameRef), String>,
    /// (file, index into `bull`) of a processor whose function is in
    /// another module (or which hands the job to one) → what that
    /// function reads.
    pub processors: BTreeMap<(FileIdx, u32), ProcBody>,
    /// (file, instance binding) of client calls on an instance imported
    /// from another module → that instance's base URL there
    /// (`export const api = axios.create({ baseURL: '/api' })`).
    pub http_bases: BTreeMap<(FileIdx, String), String>,
    /// (file, index into `wrapper_calls`) → (file, index into
    /// `client_wrappers`): calls that reach a request helper of the same
    /// module or, through an import, of another.
    pub wrapper_calls: BTreeMap<(FileIdx, u32), (FileIdx, u32)>,
    /// (file, index into `dynamic`) of computed calls that reach no method
    /// of a workspace class: on a binding imported from a package outside
    /// the workspace (`tunnelAgent[method]()` after `import tunnelAgent from
    /// "tunnel-agent"`), or on an object literal of this module or of the
    /// module it is imported from (`services[name]()` after `import services
    /// from "./services"`, `const services = { web: () => ... }` there).
    pub no_method_dynamic: BTreeSet<(FileIdx, u32)>,
    /// (file, call index) of calls of a binding imported from a package
    /// outside the workspace (`copy(text)` after `import copy from
    /// "copy-to-clipboard"`, `_.get(o, k)` after `import _ from "lodash"`):
    /// calls of that package, never of a workspace definition.
    pub package_calls: BTreeSet<(FileIdx, u32)>,
}

/// What the function of another module that a processor is (or hands its
/// job to) reads, with job names as strings.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ProcBody {
    /// Where the function followed last is defined.
    pub file: FileIdx,
    pub line: u32,
    pub data_keys: Vec<String>,
    pub job_names: Vec<String>,
    pub job_keys: Vec<(String, Vec<String>)>,
}

/// Processor functions are followed this many modules deep.
const MAX_PROC_HOPS: usize = 8;

impl Resolution {
    /// Is `class` the class `other` or does it inherit from it?
    pub fn is_a(&self, class: &str, other: &str) -> bool {
        class == other
            || self
                .ancestors
                .get(class)
                .is_some_and(|a| a.iter().any(|c| c == other))
    }
}

pub(super) fn is_script(m: &FileMeta) -> bool {
    matches!(
        m.class.lang,
        Some(Lang::TypeScript | Lang::Tsx | Lang::Vue | Lang::Svelte)
    )
}

fn dir_of(path: &str) -> &str {
    // A byte loop: `rsplit_once('/')` costs a `memrchr` setup per call,
    // more than these short paths take to scan (asked per resolved import).
    path.bytes().rposition(|b| b == b'/').map_or("", |i| &path[..i])
}

/// `dir/rel` with `.` and `..` resolved (`a/b` + `../c/./d` → `a/c/d`);
/// `None` when it climbs above the root. Built in one buffer: this runs
/// several times for every import of every file.
fn join(dir: &str, rel: &str) -> Option<String> {
    let mut out = String::with_capacity(dir.len() + rel.len() + 1);
    for c in dir.split('/').chain(rel.split('/')) {
        match c {
            "" | "." => {}
            ".." => {
                if out.is_empty() {
                    return None;
                }
                out.truncate(out.rfind('/').unwrap_or(0));
            }
            c => {
                if !out.is_empty() {
                    out.push('/');
                }
                out.push_str(c);
            }
        }
    }
    Some(out)
}

/// Shards of `Resolver::memo`, so that the threads resolving files side by
/// side seldom wait for each other.
const MEMO_SHARDS: usize = 16;

/// (repo, importer's directory) → specifier → the file it names.
type Memo<'a> = HashMap<(u32, &'a str), HashMap<Box<str>, Option<FileIdx>>>;

pub(super) struct Resolver<'a> {
    files: &'a [FileMeta],
    facts: &'a [FileFacts],
    by_path: HashMap<(u32, &'a str), FileIdx>,
    /// (repo, directory) → module config files there.
    configs: HashMap<(u32, &'a str), Vec<(&'a str, &'a ModuleConfig)>>,
    /// Package name → (repo, directory, config).
    packages: BTreeMap<&'a str, (u32, &'a str, &'a ModuleConfig)>,
    /// `resolve`'s answers: they depend only on the importer's repo and
    /// directory and the specifier, and the files of a directory import
    /// the same modules (every call through an import, every re-export of
    /// a barrel asks again).
    memo: [std::sync::Mutex<Memo<'a>>; MEMO_SHARDS],
}

impl<'a> Resolver<'a> {
    pub(super) fn new(files: &'a [FileMeta], facts: &'a [FileFacts]) -> Self {
        let mut r = Resolver {
            files,
            facts,
            by_path: HashMap::default(),
            configs: HashMap::default(),
            packages: BTreeMap::new(),
            memo: Default::default(),
        };
        for (i, (m, f)) in files.iter().zip(facts).enumerate() {
            if is_script(m) {
                r.by_path.insert((m.repo, m.path.as_str()), i as FileIdx);
            }
            if let Some(mc) = &f.module_config {
                let (dir, name) = m.path.rsplit_once('/').unwrap_or(("", m.path.as_str()));
                r.configs.entry((m.repo, dir)).or_default().push((name, mc));
                if let Some(p) = &mc.package {
                    r.packages.entry(p.as_str()).or_insert((m.repo, dir, mc));
                }
            }
        }
        r
    }

    /// The facts of file `f`.
    pub(super) fn facts_of(&self, f: FileIdx) -> &'a FileFacts {
        &self.facts[f as usize]
    }

    /// The file a module path (without or with an extension) names.
    fn probe(&self, repo: u32, base: &str) -> Option<FileIdx> {
        let get = |p: &str| self.by_path.get(&(repo, p)).copied();
        if let Some(f) = get(base) {
            return Some(f);
        }
        // `./x.js` written for `x.ts` (ESM TypeScript).
        let stem = ["js", "jsx", "mjs", "cjs"]
            .iter()
            .find_map(|e| base.strip_suffix(e).and_then(|b| b.strip_suffix('.')))
            .unwrap_or(base);
        // One buffer for the candidates (this runs for every import of
        // every file: a `format!` each was 4% of a warm audit).
        let mut path = String::with_capacity(base.len() + 12);
        let mut candidate = |head: &str, sep: &str, e: &str| {
            path.clear();
            path.push_str(head);
            path.push_str(sep);
            path.push_str(e);
            get(&path)
        };
        EXTS.iter()
            .find_map(|e| candidate(stem, ".", e))
            .or_else(|| EXTS.iter().find_map(|e| candidate(base, "/index.", e)))
    }

    /// The nearest tsconfig/jsconfig at or above `dir`, as (its directory,
    /// config).
    fn tsconfig(&self, repo: u32, dir: &'a str) -> Option<(&'a str, &'a ModuleConfig)> {
        let mut d = dir;
        loop {
            if let Some(cs) = self.configs.get(&(repo, d)) {
                let mut named: Vec<&(&str, &ModuleConfig)> =
                    cs.iter().filter(|(n, _)| *n != "package.json").collect();
                named.sort_by_key(|(n, _)| (*n != "tsconfig.json", *n));
                if let Some((_, mc)) = named.first() {
                    return Some((d, mc));
                }
            }
            if d.is_empty() {
                return None;
            }
            d = dir_of(d);
        }
    }

    /// `paths`/`baseUrl` of a tsconfig, following `extends` (relative files
    /// only): (directory the paths are relative to, base url, paths).
    fn paths_of(&self, repo: u32, dir: &'a str, mc: &'a ModuleConfig) -> Option<(String, &'a ModuleConfig)> {
        let (mut dir, mut mc) = (dir.to_string(), mc);
        for _ in 0..MAX_HOPS {
            if !mc.paths.is_empty() || mc.base_url.is_some() {
                return Some((dir, mc));
            }
            let next = mc.extends.iter().find_map(|e| {
                if !e.starts_with('.') {
                    return None;
                }
                let p = join(&dir, e)?;
                let p = if p.ends_with(".json") {
                    p
                } else {
                    format!("{p}/tsconfig.json")
                };
                let (d, n) = p.rsplit_once('/').unwrap_or(("", p.as_str()));
                let cs = self.configs.get(&(repo, d))?;
                cs.iter()
                    .find(|(cn, _)| *cn == n)
                    .map(|(_, c)| (d.to_string(), *c))
            })?;
            dir = next.0;
            mc = next.1;
        }
        None
    }

    /// The file `spec` names when imported from `importer`.
    pub(super) fn resolve(&self, importer: FileIdx, spec: &str) -> Option<FileIdx> {
        let m = &self.files[importer as usize];
        let dir = dir_of(&m.path);
        let shard = {
            use std::hash::BuildHasher;
            &self.memo[rustc_hash::FxBuildHasher.hash_one((m.repo, dir, spec)) as usize % MEMO_SHARDS]
        };
        let known = shard
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&(m.repo, dir))
            .and_then(|specs| specs.get(spec).copied());
        if let Some(f) = known {
            return f;
        }
        let f = self.resolve_uncached(m, dir, spec);
        shard
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry((m.repo, dir))
            .or_default()
            .insert(spec.into(), f);
        f
    }

    /// `resolve` without the memo.
    fn resolve_uncached(&self, m: &'a FileMeta, dir: &'a str, spec: &str) -> Option<FileIdx> {
        if spec.starts_with('.') {
            return self.probe(m.repo, &join(dir, spec)?);
        }
        if let Some((tdir, tmc)) = self.tsconfig(m.repo, dir)
            && let Some((pdir, pmc)) = self.paths_of(m.repo, tdir, tmc)
        {
            let base = join(&pdir, pmc.base_url.as_deref().unwrap_or("."))?;
            for (pat, targets) in &pmc.paths {
                let star = match pat.split_once('*') {
                    Some((pre, suf)) => spec
                        .strip_prefix(pre)
                        .and_then(|r| r.strip_suffix(suf))
                        .map(str::to_string),
                    None if pat == spec => Some(String::new()),
                    None => None,
                };
                let Some(star) = star else { continue };
                for t in targets {
                    if let Some(p) = join(&base, &t.replace('*', &star))
                        && let Some(f) = self.probe(m.repo, &p)
                    {
                        return Some(f);
                    }
                }
            }
            if pmc.base_url.is_some()
                && let Some(p) = join(&base, spec)
                && let Some(f) = self.probe(m.repo, &p)
            {
                return Some(f);
            }
        }
        // SvelteKit's built-in `$lib` alias: `src/lib` of the nearest package.
        if let Some(rest) = spec.strip_prefix("$lib/") {
            let mut d = dir;
            loop {
                let is_package = self
                    .configs
                    .get(&(m.repo, d))
                    .is_some_and(|cs| cs.iter().any(|(n, _)| *n == "package.json"));
                if is_package {
                    return self.probe(m.repo, &join(d, &format!("src/lib/{rest}"))?);
                }
                if d.is_empty() {
                    break;
                }
                d = dir_of(d);
            }
        }
        self.package(spec)
    }

    /// A workspace package's entry point for `name` or `name/sub`.
    fn package(&self, spec: &str) -> Option<FileIdx> {
        let (name, sub) = self.packages.iter().rev().find_map(|(n, v)| {
            if spec == *n {
                Some((v, ".".to_string()))
            } else {
                spec.strip_prefix(n)
                    .and_then(|r| r.strip_prefix('/'))
                    .map(|r| (v, format!("./{r}")))
            }
        })?;
        let (repo, dir, mc) = *name;
        let sub_norm = sub.trim_start_matches("./");
        for (s, target) in &mc.entries {
            if s.trim_start_matches("./") != sub_norm && !(s == "." && sub == ".") {
                continue;
            }
            let Some(p) = join(dir, target) else { continue };
            if let Some(f) = self.probe(repo, &p) {
                return Some(f);
            }
            // Built output named, sources in the workspace: dist/x.js → src/x.
            let rel = target.trim_start_matches("./");
            for out in ["dist/", "lib/", "build/", "out/"] {
                if let Some(rest) = rel.strip_prefix(out) {
                    let rest = rest.strip_suffix(".d.ts").unwrap_or(rest);
                    if let Some(p) = join(dir, &format!("src/{rest}"))
                        && let Some(f) = self.probe(repo, &p)
                    {
                        return Some(f);
                    }
                }
            }
        }
        let rest = if sub == "." {
            "index".to_string()
        } else {
            sub_norm.to_string()
        };
        for p in [format!("src/{rest}"), rest.clone()] {
            if let Some(p) = join(dir, &p)
                && let Some(f) = self.probe(repo, &p)
            {
                return Some(f);
            }
        }
        None
    }

    /// The string a constant (`X`, `O.K`, `ns.X`) or a queue object
    /// (`emailQueue`) of module `file` holds, following imports and
    /// re-exports; `None` when it cannot be seen. A queue object whose
    /// name is computed (`new Queue(getQueueName('mail'))`) stands for
    /// itself as `binding.name`, so that `mailQueue.add(...)` and `new
    /// Worker(mailQueue.name, ...)` still meet.
    fn value(&self, file: FileIdx, r: &NameRef) -> Option<String> {
        self.value_at(file, r, 0)
    }

    fn value_at(&self, f: FileIdx, r: &NameRef, hops: usize) -> Option<String> {
        if hops > MAX_HOPS {
            return None;
        }
        let ff = &self.facts[f as usize];
        let (name, queue) = match r {
            NameRef::Lit(s) => return Some(s.clone()),
            NameRef::Const(c) => (c.as_str(), false),
            NameRef::Queue(q) => (q.as_str(), true),
        };
        let binding = |b: &str| {
            ff.bull
                .iter()
                .find(|u| u.role == BullRole::Queue && u.binding.as_deref() == Some(b))
        };
        // `mailQueue` (a producer's queue) or `mailQueue.name`.
        let object = if queue {
            Some(name)
        } else {
            name.strip_suffix(".name")
        };
        if let Some(b) = object
            && let Some(u) = binding(b)
        {
            let named = u.queue.as_ref().and_then(|q| self.value_at(f, q, hops + 1));
            return Some(named.unwrap_or_else(|| format!("{b}.name")));
        }
        if !queue && let Some((_, v)) = ff.str_consts.iter().find(|(n, _)| n == name) {
            return Some(v.clone());
        }
        let (head, rest) = match name.split_once('.') {
            Some((h, r)) => (h, Some(r)),
            None => (name, None),
        };
        let imp = ff.imports.iter().find(|i| i.local == head)?;
        let target = self.resolve(f, &imp.from)?;
        let (exported, rest) = match (&imp.imported, rest) {
            (Imported::Name(n), rest) => (n.clone(), rest.map(str::to_string)),
            (Imported::Default, rest) => ("default".to_string(), rest.map(str::to_string)),
            (Imported::Namespace, Some(rest)) => match rest.split_once('.') {
                Some((h, r)) => (h.to_string(), Some(r.to_string())),
                None => (rest.to_string(), None),
            },
            (Imported::Namespace, None) => return None,
        };
        let (tf, real) = self.export(target, &exported)?;
        let full = match rest {
            Some(rest) => format!("{real}.{rest}"),
            None => real,
        };
        let next = if queue {
            NameRef::Queue(full)
        } else {
            NameRef::Const(full)
        };
        self.value_at(tf, &next, hops + 1)
    }

    /// Where `name` exported from module `file` is defined: (file, local
    /// name), through re-exports, imports and `export *`.
    /// What processor `name` (a binding of module `f`, maybe imported,
    /// maybe handing the job on to another module) reads: the functions
    /// followed through imports, a bounded number of modules deep.
    fn processor(&self, f: FileIdx, name: &str) -> Option<ProcBody> {
        let mut out: Option<ProcBody> = None;
        let (mut at, mut binding) = (f, name.to_string());
        let mut seen: HashSet<(FileIdx, String)> = HashSet::default();
        for _ in 0..MAX_PROC_HOPS {
            let ff = &self.facts[at as usize];
            let Some(imp) = ff.imports.iter().find(|i| i.local == binding) else {
                break;
            };
            let exported = match &imp.imported {
                Imported::Name(n) => n.as_str(),
                Imported::Default => "default",
                Imported::Namespace => break,
            };
            let Some((t, real)) = self.resolve(at, &imp.from).and_then(|m| self.export(m, exported)) else {
                break;
            };
            if !seen.insert((t, real.clone())) {
                break;
            }
            let Some(jf) = self.facts[t as usize].job_fns.iter().find(|j| j.name == real) else {
                break;
            };
            let body = out.get_or_insert_with(ProcBody::default);
            body.file = t;
            body.line = jf.line;
            body.data_keys.extend(jf.data_keys.iter().cloned());
            body.job_names
                .extend(jf.job_names.iter().filter_map(|r| self.value(t, r)));
            for (r, keys) in &jf.job_keys {
                if let Some(n) = self.value(t, r) {
                    body.job_keys.push((n, keys.clone()));
                }
            }
            match &jf.delegate {
                Some(d) => (at, binding) = (t, d.clone()),
                None => break,
            }
        }
        if let Some(b) = &mut out {
            b.data_keys.sort();
            b.data_keys.dedup();
            b.job_names.sort();
            b.job_names.dedup();
            b.job_keys.sort();
        }
        out
    }

    pub(super) fn export(&self, file: FileIdx, name: &str) -> Option<(FileIdx, String)> {
        let mut stack: Vec<(FileIdx, String, usize)> = vec![(file, name.to_string(), 0)];
        let mut seen: HashSet<(FileIdx, String)> = HashSet::default();
        while let Some((f, n, hops)) = stack.pop() {
            if hops > MAX_HOPS || !seen.insert((f, n.clone())) {
                continue;
            }
            let ff = &self.facts[f as usize];
            if let Some(e) = ff.exports.iter().find(|e| e.name == n) {
                match (&e.from, &e.local) {
                    (Some(spec), local) => {
                        let local = local.clone().unwrap_or_else(|| n.clone());
                        if let Some(t) = self.resolve(f, spec) {
                            stack.push((t, local, hops + 1));
                        }
                    }
                    (None, Some(local)) => match ff.imports.iter().find(|i| i.local == *local) {
                        // export { a } after import { a } from './x'
                        Some(imp) => {
                            let Some(t) = self.resolve(f, &imp.from) else {
                                continue;
                            };
                            match &imp.imported {
                                Imported::Name(x) => stack.push((t, x.clone(), hops + 1)),
                                Imported::Default => stack.push((t, "default".to_string(), hops + 1)),
                                Imported::Namespace => {}
                            }
                        }
                        None => return Some((f, local.clone())),
                    },
                    // An anonymous default export: the module's `default`.
                    (None, None) => return Some((f, n.clone())),
                }
                continue;
            }
            if n != "default" {
                for e in ff.exports.iter().rev().filter(|e| e.name == "*") {
                    if let Some(spec) = &e.from
                        && let Some(t) = self.resolve(f, spec)
                    {
                        stack.push((t, n.clone(), hops + 1));
                    }
                }
            }
        }
        None
    }
}

/// What [`resolve`] finds in one file, merged in file order.
#[derive(Default)]
struct FileResolution {
    /// (call index, defining file, the definition's name).
    calls: Vec<(u32, FileIdx, String)>,
    /// Config reads (their indices) of env objects.
    env_reads: Vec<u32>,
    names: Vec<(NameRef, String)>,
    classes: Vec<String>,
    /// (class, parent) for each class that extends another.
    parents: Vec<(String, String)>,
    /// (index into `bull`, what its processor function reads).
    processors: Vec<(u32, ProcBody)>,
    /// (instance binding, base URL) of imported client instances.
    http_bases: Vec<(String, String)>,
    /// (wrapper call index, defining file, index into its
    /// `client_wrappers`).
    wrapper_calls: Vec<(u32, FileIdx, u32)>,
    /// Indices into `dynamic` of computed calls on a package import or an
    /// object literal.
    no_method_dynamic: Vec<u32>,
    /// Indices into `calls` of calls of a package import.
    package_calls: Vec<u32>,
}

/// Resolve one file's import-bound calls, env objects, constant names and
/// class parents.
fn resolve_file<'a>(r: &Resolver<'a>, fi: FileIdx, ff: &'a FileFacts) -> FileResolution {
    let facts = r.facts;
    let mut out = FileResolution::default();
    let imports: HashMap<&str, &super::Import> = ff.imports.iter().map(|i| (i.local.as_str(), i)).collect();
    // (module, exported name) → definition, cached per file.
    let mut cache: HashMap<(&'a str, &'a str), Option<(FileIdx, String)>> = HashMap::default();
    let mut lookup = |spec: &'a str, name: &'a str| -> Option<(FileIdx, String)> {
        cache
            .entry((spec, name))
            .or_insert_with(|| r.resolve(fi, spec).and_then(|t| r.export(t, name)))
            .clone()
    };
    for (ci, c) in ff.calls.iter().enumerate() {
        use super::{Recv, Via};
        let target = match (&c.recv, c.via) {
            (Recv::Module(spec), _) => lookup(spec, &c.name),
            (Recv::Implicit, Via::Call | Via::Jsx | Via::Reference) => match imports.get(c.name.as_str()) {
                Some(imp) => match &imp.imported {
                    Imported::Name(n) => lookup(&imp.from, n),
                    Imported::Default => lookup(&imp.from, "default"),
                    Imported::Namespace => None,
                },
                None => None,
            },
            (Recv::Expr(e), _) => match imports.get(e.as_str()) {
                Some(imp) if imp.imported == Imported::Namespace => lookup(&imp.from, &c.name),
                _ => None,
            },
            _ => None,
        };
        if let Some((tf, real)) = target {
            out.calls.push((ci as u32, tf, real));
            continue;
        }
        // The binding the call goes through, when it is an import.
        let spec = match (&c.recv, c.via) {
            (Recv::Module(spec), _) => Some(spec.as_str()),
            (Recv::Implicit, Via::Call | Via::Jsx | Via::Reference) => {
                imports.get(c.name.as_str()).map(|i| i.from.as_str())
            }
            (Recv::Expr(e), _) => imports.get(e.as_str()).map(|i| i.from.as_str()),
            _ => None,
        };
        if let Some(spec) = spec
            && !spec.starts_with('.')
            && !spec.starts_with('/')
            && r.resolve(fi, spec).is_none()
        {
            out.package_calls.push(ci as u32);
        }
    }
    for (di, d) in ff.dynamic.iter().enumerate() {
        // `binding[key]()`: the binding imported from a bare specifier
        // that names no file of the workspace (nor a workspace package), or
        // an object literal.
        let Some((root, _)) = d.what.split_once('[') else {
            continue;
        };
        let object_literal =
            |f: FileIdx, name: &str| facts[f as usize].object_literals.iter().any(|o| o == name);
        let no_method = match imports.get(root) {
            Some(imp) => match r.resolve(fi, &imp.from) {
                None => !imp.from.starts_with('.') && !imp.from.starts_with('/'),
                Some(t) => {
                    let export = match &imp.imported {
                        Imported::Name(n) => Some(n.as_str()),
                        Imported::Default => Some("default"),
                        Imported::Namespace => None,
                    };
                    export
                        .and_then(|e| r.export(t, e))
                        .is_some_and(|(tf, local)| object_literal(tf, &local))
                }
            },
            None => object_literal(fi, root),
        };
        if no_method {
            out.no_method_dynamic.push(di as u32);
        }
    }
    let wrapper_in = |f: FileIdx, name: &str| -> Option<u32> {
        facts[f as usize]
            .client_wrappers
            .iter()
            .position(|w| w.name == name)
            .map(|i| i as u32)
    };
    for (ci, c) in ff.wrapper_calls.iter().enumerate() {
        // The module's own helper first (`requests.get`, `send`).
        let own = match &c.recv {
            Some(r) => format!("{r}.{}", c.name),
            None => c.name.clone(),
        };
        let target = match wrapper_in(fi, &own) {
            Some(w) => Some((fi, w)),
            None => {
                let bound = c.recv.as_deref().unwrap_or(c.name.as_str());
                imports.get(bound).and_then(|imp| {
                    let (export, member): (&str, Option<&str>) = match (&imp.imported, &c.recv) {
                        (Imported::Namespace, Some(_)) => (c.name.as_str(), None),
                        (Imported::Namespace, None) => return None,
                        (Imported::Name(n), recv) => (n.as_str(), recv.as_ref().map(|_| c.name.as_str())),
                        (Imported::Default, recv) => ("default", recv.as_ref().map(|_| c.name.as_str())),
                    };
                    let (tf, real) = lookup(&imp.from, export)?;
                    let name = match member {
                        Some(m) => format!("{real}.{m}"),
                        None => real,
                    };
                    wrapper_in(tf, &name).map(|w| (tf, w))
                })
            }
        };
        if let Some((tf, w)) = target {
            out.wrapper_calls.push((ci as u32, tf, w));
        }
    }
    for (ri, read) in ff.config_reads.iter().enumerate() {
        let env_object = if ff.env_objects.contains(&read.object) {
            true
        } else {
            match imports.get(read.object.as_str()) {
                Some(imp) => {
                    let n = match &imp.imported {
                        Imported::Name(n) => n.as_str(),
                        Imported::Default => "default",
                        Imported::Namespace => continue,
                    };
                    lookup(&imp.from, n)
                        .is_some_and(|(tf, real)| facts[tf as usize].env_objects.contains(&real))
                }
                None => false,
            }
        };
        if env_object {
            out.env_reads.push(ri as u32);
        }
    }
    let refs = ff
        .bull
        .iter()
        .flat_map(|u| u.queue.iter().chain(&u.job).chain(&u.job_names))
        .cloned()
        .chain(
            ff.flags
                .iter()
                .filter_map(|g| g.const_ref.as_ref().map(|c| NameRef::Const(c.name.clone()))),
        );
    let mut seen: HashSet<NameRef> = HashSet::default();
    for n in refs {
        if matches!(n, NameRef::Lit(_)) || !seen.insert(n.clone()) {
            continue;
        }
        if let Some(v) = r.value(fi, &n) {
            out.names.push((n, v));
        }
    }
    for c in ff.http_calls.iter().filter(|c| c.base_elsewhere) {
        let Some(owner) = &c.owner else { continue };
        if out.http_bases.iter().any(|(o, _)| o == owner) {
            continue;
        }
        let Some(imp) = imports.get(owner.as_str()) else {
            continue;
        };
        let exported = match &imp.imported {
            Imported::Name(n) => n.as_str(),
            Imported::Default => "default",
            Imported::Namespace => continue,
        };
        if let Some((t, real)) = lookup(&imp.from, exported)
            && let Some((_, base)) = facts[t as usize].http_bases.iter().find(|(b, _)| *b == real)
        {
            out.http_bases.push((owner.clone(), base.clone()));
        }
    }
    for (bi, u) in ff.bull.iter().enumerate() {
        if let Some(p) = &u.processor
            && let Some(body) = r.processor(fi, p)
        {
            out.processors.push((bi as u32, body));
        }
    }
    for cd in &ff.classes {
        out.classes.push(cd.name.clone());
        let Some(ext) = &cd.extends else { continue };
        let parent = match imports.get(ext.as_str()) {
            Some(imp) => {
                let n = match &imp.imported {
                    Imported::Name(n) => n.as_str(),
                    Imported::Default => "default",
                    Imported::Namespace => continue,
                };
                lookup(&imp.from, n)
                    .map(|(_, real)| real)
                    .unwrap_or_else(|| ext.clone())
            }
            None => ext.clone(),
        };
        if parent != cd.name {
            out.parents.push((cd.name.clone(), parent));
        }
    }
    out
}

/// Resolve every import-bound call and every class's ancestors.
pub fn resolve(files: &[FileMeta], facts: &[FileFacts]) -> Resolution {
    use rayon::prelude::*;
    let r = Resolver::new(files, facts);
    // Files resolve independently (on the caller's pool); merged in file
    // order, so the first file wins wherever two claim the same thing.
    let per_file: Vec<Option<FileResolution>> = files
        .par_iter()
        .zip(facts)
        .enumerate()
        .map(|(fi, (m, ff))| is_script(m).then(|| resolve_file(&r, fi as FileIdx, ff)))
        .collect();
    let mut out = Resolution::default();
    let mut class_parent: BTreeMap<String, String> = BTreeMap::new();
    // Resolved calls come in key order (file, then call): built in one
    // pass, not inserted one by one (a search each, on the serial tail of
    // the index).
    let mut calls = Vec::new();
    for (fi, fr) in per_file.into_iter().enumerate() {
        let Some(fr) = fr else { continue };
        let fi = fi as FileIdx;
        for (ci, tf, real) in fr.calls {
            if real != facts[fi as usize].calls[ci as usize].name {
                out.renamed_calls.entry(real.clone()).or_default().push((fi, ci));
            }
            calls.push(((fi, ci), (tf, real)));
        }
        for ri in fr.env_reads {
            out.env_reads
                .entry(facts[fi as usize].config_reads[ri as usize].name.clone())
                .or_default()
                .push((fi, ri));
        }
        for (n, v) in fr.names {
            out.names.insert((fi, n), v);
        }
        for (ci, tf, w) in fr.wrapper_calls {
            out.wrapper_calls.insert((fi, ci), (tf, w));
        }
        out.classes.extend(fr.classes);
        for (bi, body) in fr.processors {
            out.processors.insert((fi, bi), body);
        }
        for (owner, base) in fr.http_bases {
            out.http_bases.insert((fi, owner), base);
        }
        for (class, parent) in fr.parents {
            class_parent.entry(class).or_insert(parent);
        }
        out.no_method_dynamic
            .extend(fr.no_method_dynamic.into_iter().map(|d| (fi, d)));
        out.package_calls
            .extend(fr.package_calls.into_iter().map(|c| (fi, c)));
    }
    out.calls = calls.into_iter().collect();
    for class in class_parent.keys() {
        let mut chain: Vec<String> = Vec::new();
        let mut cur = class;
        while let Some(p) = class_parent.get(cur) {
            if p == class || chain.contains(p) || chain.len() >= MAX_HOPS {
                break;
            }
            chain.push(p.clone());
            cur = p;
        }
        out.ancestors.insert(class.clone(), chain);
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::facts::{FileClass, Interest};

    #[test]
    fn dir_of_is_what_comes_before_the_last_slash() {
        for p in ["", "a", "a/b", "/a", "a/", "//", "é/ü/x.ts", "src/lib/index.ts"] {
            assert_eq!(dir_of(p), p.rsplit_once('/').map_or("", |(d, _)| d), "{p}");
        }
    }

    /// A one-repo workspace of (path, text) files, extracted as an audit
    /// would.
    pub(crate) fn ws(files: &[(&str, &str)]) -> (Vec<FileMeta>, Vec<FileFacts>) {
        let mut metas = Vec::new();
        let mut facts = Vec::new();
        for (path, text) in files {
            let name = path.rsplit('/').next().unwrap();
            let lang = crate::workspace::lang_of(name);
            let module_config = crate::workspace::is_module_config(name);
            let mut ff = match lang {
                Some(l) => crate::lang::extract(l, text.as_bytes(), &Interest::default()),
                None => FileFacts::default(),
            };
            if module_config {
                ff.module_config = crate::lang::modules::scan(name, text);
            }
            metas.push(FileMeta {
                repo: 0,
                path: path.to_string(),
                class: FileClass {
                    lang,
                    test: false,
                    config: false,
                    unread: false,
                    module_config,
                    prisma: false,
                    vercel: false,
                },
            });
            facts.push(ff);
        }
        (metas, facts)
    }

    #[test]
    fn join_resolves_dots_and_stops_at_the_root() {
        let j = |d, r| join(d, r);
        assert_eq!(j("a/b", "../c/./d").as_deref(), Some("a/c/d"));
        assert_eq!(j("a/b", "./x").as_deref(), Some("a/b/x"));
        assert_eq!(j("", "./x").as_deref(), Some("x"));
        assert_eq!(j("a", "..").as_deref(), Some(""));
        assert_eq!(j("a", "../..").as_deref(), None);
        assert_eq!(j("a//b/", "c/").as_deref(), Some("a/b/c"));
        assert_eq!(j("src", "../../x"), None);
    }

    /// The memo answers as resolving anew: files of one directory and of
    /// another asking for the same specifier get each their own file.
    #[test]
    fn resolve_memo_is_per_directory() {
        let (m, f) = ws(&[
            ("a/x.ts", "export const v = 1;"),
            ("b/x.ts", "export const v = 2;"),
            ("a/u.ts", "import { v } from './x';"),
            ("b/u.ts", "import { v } from './x';"),
        ]);
        let r = Resolver::new(&m, &f);
        for _ in 0..2 {
            assert_eq!(r.resolve(2, "./x"), Some(0));
            assert_eq!(r.resolve(3, "./x"), Some(1));
            assert_eq!(r.resolve(3, "./nothing"), None);
        }
    }

    /// (callee name, line) in `file` → (defining path, definition name).
    fn resolved(files: &[(&str, &str)], file: &str) -> Vec<(String, u32, String, String)> {
        let (m, f) = ws(files);
        let r = resolve(&m, &f);
        let fi = m.iter().position(|x| x.path == file).unwrap() as FileIdx;
        let mut out: Vec<_> = r
            .calls
            .iter()
            .filter(|((cf, _), _)| *cf == fi)
            .map(|((_, ci), (tf, name))| {
                let c = &f[fi as usize].calls[*ci as usize];
                (
                    c.name.to_string(),
                    c.line,
                    m[*tf as usize].path.clone(),
                    name.clone(),
                )
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn default_and_namespace_imports_reach_the_definition() {
        let files = [
            (
                "src/format.ts",
                "const formatDate = (d) => d;\nexport default formatDate;\n",
            ),
            ("src/slug.ts", "export default function slugify() {}\n"),
            (
                "src/use.ts",
                "import fmt from './format';\nimport * as ns from './slug';\nfmt(1);\nns.default();\nconst fmtx = 1;\n",
            ),
        ];
        assert_eq!(
            resolved(&files, "src/use.ts"),
            [
                ("default".into(), 4, "src/slug.ts".into(), "slugify".into()),
                ("fmt".into(), 3, "src/format.ts".into(), "formatDate".into()),
            ]
        );
        let (m, f) = ws(&files);
        let r = resolve(&m, &f);
        assert_eq!(r.renamed_calls["formatDate"].len(), 1);
    }

    #[test]
    fn imported_functions_passed_as_values_resolve() {
        let files = [
            (
                "src/format.ts",
                "const formatDate = (d) => d;\nexport default formatDate;\nexport function iso() {}\n",
            ),
            (
                "src/use.ts",
                "import fmt from './format';\nimport * as f from './format';\n[1].map(fmt);\nconst g = f.iso;\nconst local = 1;\n[local].map(String);\n",
            ),
        ];
        assert_eq!(
            resolved(&files, "src/use.ts"),
            [
                ("fmt".into(), 3, "src/format.ts".into(), "formatDate".into()),
                ("iso".into(), 4, "src/format.ts".into(), "iso".into()),
            ]
        );
    }

    #[test]
    fn barrels_and_cycles() {
        let files = [
            (
                "lib/index.ts",
                "export * from './a';\nexport { default as b } from './b';\n",
            ),
            ("lib/a.ts", "export * from './index';\nexport { x } from './x';\n"),
            ("lib/x.ts", "export function x() {}\n"),
            ("lib/b.ts", "export default function realB() {}\n"),
            (
                "app.ts",
                "import { x, b, nope } from './lib';\nx();\nb();\nnope();\n",
            ),
        ];
        assert_eq!(
            resolved(&files, "app.ts"),
            [
                ("b".into(), 1, "lib/b.ts".into(), "realB".into()),
                ("b".into(), 3, "lib/b.ts".into(), "realB".into()),
                ("x".into(), 1, "lib/x.ts".into(), "x".into()),
                ("x".into(), 2, "lib/x.ts".into(), "x".into()),
            ]
        );
    }

    #[test]
    fn tsconfig_paths_with_extends_and_workspace_packages() {
        let files = [
            (
                "tsconfig.base.json",
                "{ \"compilerOptions\": { \"paths\": { \"@lib/*\": [\"libs/*\"] } } }",
            ),
            (
                "apps/web/tsconfig.json",
                "{ // jsonc\n \"extends\": \"../../tsconfig.base.json\" }",
            ),
            ("libs/fmt.ts", "export function fmt() {}\n"),
            (
                "packages/api/package.json",
                "{ \"name\": \"@acme/api\", \"main\": \"dist/index.js\" }",
            ),
            ("packages/api/src/index.ts", "export function get() {}\n"),
            (
                "apps/web/main.ts",
                "import { fmt } from '@lib/fmt';\nimport { get } from '@acme/api';\nimport { other } from 'react';\nfmt();\nget();\nother();\n",
            ),
        ];
        assert_eq!(
            resolved(&files, "apps/web/main.ts"),
            [
                ("fmt".into(), 1, "libs/fmt.ts".into(), "fmt".into()),
                ("fmt".into(), 4, "libs/fmt.ts".into(), "fmt".into()),
                ("get".into(), 2, "packages/api/src/index.ts".into(), "get".into()),
                ("get".into(), 5, "packages/api/src/index.ts".into(), "get".into()),
            ]
        );
    }

    #[test]
    fn sveltekit_lib_alias() {
        let files = [
            ("package.json", "{ \"name\": \"app\" }"),
            ("src/lib/api.js", "export function get() {}\n"),
            (
                "src/routes/+page.server.js",
                "import * as api from '$lib/api.js';\napi.get();\n",
            ),
        ];
        assert_eq!(
            resolved(&files, "src/routes/+page.server.js"),
            [("get".into(), 2, "src/lib/api.js".into(), "get".into())]
        );
    }

    #[test]
    fn ancestors_follow_imports_and_stop_on_cycles() {
        let files = [
            ("base.ts", "export default class Repository<T> { findAll() {} }\n"),
            (
                "users.ts",
                "import Repo from './base';\nexport class Users extends Repo<User> {}\nexport class Admins extends Users {}\n",
            ),
            ("loop.ts", "class A extends B {}\nclass B extends A {}\n"),
        ];
        let (m, f) = ws(&files);
        let r = resolve(&m, &f);
        assert_eq!(r.ancestors["Admins"], ["Users", "Repository"]);
        assert!(r.is_a("Users", "Repository"));
        assert!(!r.is_a("Repository", "Users"));
        assert_eq!(r.ancestors["A"], ["B"]);
    }

    #[test]
    fn env_config_objects_resolve_through_imports() {
        let files = [
            (
                "src/env.ts",
                "export const env = schema.parse(process.env);
export const notEnv = { A: 1 };
",
            ),
            (
                "src/use.ts",
                "import { env, notEnv } from './env';
const a = env.API_URL;
const b = notEnv.OTHER;
const c = unknown.THIRD;
",
            ),
        ];
        let (m, f) = ws(&files);
        let r = resolve(&m, &f);
        assert_eq!(r.env_reads.keys().collect::<Vec<_>>(), ["API_URL"]);
        assert_eq!(r.env_reads["API_URL"], [(1, 0)]);
    }
}
