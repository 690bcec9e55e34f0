//! Where a Ruby owner gets its methods: the one place that knows about
//! superclasses, `include` / `prepend` / `extend`, `ActiveSupport::Concern`
//! and `delegate_missing_to`. Built once per run from every file's
//! `Ancestry` facts (every reopening of a class, in any repo); the checks
//! ask it for an owner's method resolution order and whether one owner is
//! a kind of another.
//!
//! Constants are resolved the way Ruby does lexically: `C` named in the
//! body of `A::B` is `A::B::C`, else `A::C`, else the top-level `C`; a
//! constant found nowhere in the workspace (a gem's `ActiveRecord::Base`,
//! `Comparable`) is reported as unresolved rather than guessed.

use crate::facts::{FileFacts, FileIdx, Loc, Rel};
use rustc_hash::FxHashMap as HashMap;
use rustc_hash::FxHashSet as HashSet;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

/// Ancestor chains deeper than this are cut (cycles are also cut).
const MAX_DEPTH: usize = 64;

/// Which methods of an owner: its instance methods or its class methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Side {
    Instance,
    Singleton,
}

#[derive(Clone, Debug)]
struct Stmt {
    rel: Rel,
    target: String,
    scope: String,
    at: Loc,
}

#[derive(Debug, Default)]
pub struct ClassTable {
    /// Every declared class or module (lexical path) → where.
    decls: HashMap<String, Vec<Loc>>,
    /// Owner → its statements, in file then line order.
    stmts: HashMap<String, Vec<Stmt>>,
    /// Last path segment → declared owners ending with it.
    by_leaf: HashMap<String, Vec<String>>,
    /// Memo of `is_a` answers, by owner then ancestor: looked up by `&str`, so a
    /// hit allocates nothing (the method check asks ~35k times for a
    /// 1,000-point plan).
    memo: Mutex<HashMap<String, HashMap<String, bool>>>,
    /// Memo of the owners in each declared owner's instance lookup
    /// (`is_a` asks of the same owner for many ancestors: a 1,000-point
    /// plan's checks made 10,365 lookups, 14% of a warm audit).
    chains: Mutex<HashMap<String, std::sync::Arc<HashSet<String>>>>,
    /// Each file's repo (by file index), to keep apps apart.
    file_repo: Vec<u32>,
}

/// An owner's method resolution order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lookup {
    /// (owner, which of its methods, how it was reached: `Owner`,
    /// `include Stockable`, `superclass Base`, ...), first match wins.
    pub chain: Vec<(String, Side, String)>,
    /// Ancestors named in the workspace but defined outside it.
    pub unresolved: BTreeSet<String>,
    /// `delegate_missing_to` targets along the chain.
    pub delegate_missing: BTreeSet<String>,
}

fn leaf(s: &str) -> &str {
    crate::facts::path_rsegments(s).next().unwrap_or(s)
}

/// Modules whose inclusion is Rails' own machinery, not a method source to
/// report.
const MACHINERY: [&str; 2] = ["ActiveSupport::Concern", "Concern"];

/// `module Outer; class Other::Thing` names `Other` the way Ruby resolves
/// it: `Outer::Other` when that is declared in the workspace, else the
/// top-level `Other`. Extraction records lexical paths
/// (`Outer::Other::Thing`); this rewrites every owner path of every file
/// (definitions, calls, ancestry, visibility statements) to the resolved
/// one, once, before the index is built.
pub fn canonicalize(facts: &mut [FileFacts]) {
    let mut decls: HashSet<&str> = HashSet::default();
    for ff in facts.iter() {
        for a in &ff.ancestry {
            if matches!(a.rel, Rel::Class | Rel::Module) {
                decls.insert(&a.owner);
            }
        }
    }
    // Lexical path → resolved path, for compact declarations whose first
    // segment resolves outside the lexical scope.
    let mut map: BTreeMap<String, String> = BTreeMap::new();
    for ff in facts.iter() {
        for a in &ff.ancestry {
            if !matches!(a.rel, Rel::Class | Rel::Module) || a.scope.is_empty() {
                continue;
            }
            let Some(written) = a.owner.strip_prefix(&format!("{}::", a.scope)) else {
                continue;
            };
            let Some((first, rest)) = written.split_once("::") else {
                continue;
            };
            // The scopes `first` is looked up in, innermost first.
            let mut prefix = a.scope.as_str();
            let mut found: Option<String> = None;
            while !prefix.is_empty() {
                let cand = format!("{prefix}::{first}");
                if decls.contains(cand.as_str()) {
                    found = Some(cand);
                    break;
                }
                prefix = prefix.rsplit_once("::").map(|(p, _)| p).unwrap_or("");
            }
            let resolved = found.unwrap_or_else(|| first.to_string());
            let canonical = format!("{resolved}::{rest}");
            if canonical != a.owner {
                map.insert(a.owner.clone(), canonical);
            }
        }
    }
    if map.is_empty() {
        return;
    }
    // `o` with its longest mapped prefix (a path or a path inside it)
    // replaced, if it has one.
    let fixed = |o: &str| -> Option<String> {
        let mut cut = o.len();
        loop {
            if let Some(to) = map.get(&o[..cut]) {
                return Some(format!("{to}{}", &o[cut..]));
            }
            // Bytes, not `str::rfind`: its two-way searcher is set up on
            // every call (146k calls, 1.5% of a warm audit).
            match o.as_bytes()[..cut].windows(2).rposition(|w| w == b"::") {
                Some(i) => cut = i,
                None => return None,
            }
        }
    };
    let fix = |o: &mut String| {
        if let Some(f) = fixed(o) {
            *o = f;
        }
    };
    // Each file's owners apart from the others' (on the caller's pool).
    use rayon::prelude::*;
    facts.par_iter_mut().for_each(|ff| {
        for d in &mut ff.defs {
            if let Some(o) = d.owner.as_mut() {
                fix(o);
            }
        }
        for c in &mut ff.calls {
            if let Some(o) = c.owner.as_mut()
                && let Some(f) = fixed(o)
            {
                *o = f.into();
            }
        }
        for a in &mut ff.ancestry {
            fix(&mut a.owner);
            fix(&mut a.scope);
        }
        for v in &mut ff.visibility {
            if let Some(o) = v.owner.as_mut() {
                fix(o);
            }
        }
    });
}

impl ClassTable {
    /// `file_repo` holds each file's repo; two apps of a workspace each
    /// with a `User` keep their own statements (see `lookup_in`).
    pub fn build(facts: &[FileFacts], file_repo: Vec<u32>) -> ClassTable {
        let mut t = ClassTable {
            file_repo,
            ..ClassTable::default()
        };
        for (f, ff) in facts.iter().enumerate() {
            for a in &ff.ancestry {
                let at = Loc {
                    file: f as FileIdx,
                    line: a.line,
                };
                if matches!(a.rel, Rel::Class | Rel::Module) {
                    t.decls.entry(a.owner.clone()).or_default().push(at);
                }
                if !a.target.is_empty() {
                    t.stmts.entry(a.owner.clone()).or_default().push(Stmt {
                        rel: a.rel,
                        target: a.target.clone(),
                        scope: a.scope.clone(),
                        at,
                    });
                }
            }
        }
        for v in t.stmts.values_mut() {
            v.sort_by_key(|s| s.at);
        }
        // In byte order, as each leaf's owners are listed.
        let mut keys: Vec<&String> = t.decls.keys().collect();
        keys.sort_unstable();
        for k in keys {
            t.by_leaf.entry(leaf(k).to_string()).or_default().push(k.clone());
        }
        t
    }

    pub fn is_empty(&self) -> bool {
        self.decls.is_empty()
    }

    /// Where an owner is declared (every reopening).
    pub fn declared_at(&self, owner: &str) -> &[Loc] {
        self.decls.get(owner).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The declared owner spelled like `owner` but for letter case
    /// (`GitHubSecretScanningController` for the
    /// `GithubSecretScanningController` a route names when the app declares
    /// an acronym inflection), the first in byte order.
    pub fn declared_ignoring_case(&self, owner: &str) -> Option<String> {
        self.decls
            .keys()
            .filter(|k| k.eq_ignore_ascii_case(owner))
            .min()
            .cloned()
    }

    /// Declared owners a plan's (possibly partial) owner names: `Product`
    /// matches `Shop::Product`.
    pub fn owners_named(&self, name: &str) -> Vec<String> {
        let name = name.trim_start_matches("::");
        let Some(cands) = self.by_leaf.get(leaf(name)) else {
            return Vec::new();
        };
        cands
            .iter()
            // `name` is the declared path or a suffix of it by segments
            // (`UsersController` names `Admin::UsersController`), never a
            // longer path than the declaration (`Admin::UsersController` is
            // not the top-level `UsersController`).
            .filter(|c| {
                crate::facts::path_segment_count(c) >= crate::facts::path_segment_count(name)
                    && crate::facts::path_rsegments(c)
                        .zip(crate::facts::path_rsegments(name))
                        .all(|(a, b)| a == b)
            })
            .cloned()
            .collect()
    }

    /// The declared owner a constant written in `scope` names.
    pub fn resolve(&self, target: &str, scope: &str) -> Option<String> {
        self.resolve_in(target, scope, None)
    }

    fn repo_of(&self, l: &Loc) -> Option<u32> {
        self.file_repo.get(l.file as usize).copied()
    }

    /// Is `owner` declared in `repo`?
    pub fn declared_in(&self, owner: &str, repo: u32) -> bool {
        self.declared_at(owner)
            .iter()
            .any(|l| self.repo_of(l) == Some(repo))
    }

    /// `resolve`, for a statement of `repo`: a constant declared in that
    /// repo first (each app its own `Base`), else anywhere (a class of a
    /// gem or engine that another repo holds).
    fn resolve_in(&self, target: &str, scope: &str, repo: Option<u32>) -> Option<String> {
        let passes: &[Option<u32>] = match repo {
            Some(_) => &[repo, None],
            None => &[None],
        };
        for pass in passes {
            let declared = |c: &str| match pass {
                Some(r) => self.declared_in(c, *r),
                None => self.decls.contains_key(c),
            };
            if let Some(abs) = target.strip_prefix("::") {
                if declared(abs) {
                    return Some(abs.to_string());
                }
                continue;
            }
            let mut prefix = scope;
            while !prefix.is_empty() {
                let cand = format!("{prefix}::{target}");
                if declared(&cand) {
                    return Some(cand);
                }
                prefix = match prefix.rsplit_once("::") {
                    Some((p, _)) => p,
                    None => "",
                };
            }
            if declared(target) {
                return Some(target.to_string());
            }
        }
        None
    }

    /// The declared class or module a constant written inside `owner` (the
    /// call's lexical path) names, looked up as Ruby does: the lexical
    /// scopes, innermost first, then `owner`'s ancestors (`Result` in a
    /// subclass of `Flags::Base` is a declared `Flags::Base::Result`), then
    /// the top level.
    pub fn resolve_from(&self, target: &str, owner: &str) -> Option<String> {
        if target.starts_with("::") {
            return self.resolve(target, "");
        }
        // The lexical scopes (`resolve` falls back to the top level, which
        // comes after the ancestors here).
        if let Some(c) = self.resolve(target, owner).filter(|c| c != target) {
            return Some(c);
        }
        for (a, _, _) in self.lookup(owner, Side::Instance).chain.iter().skip(1) {
            let cand = format!("{a}::{target}");
            if self.decls.contains_key(&cand) {
                return Some(cand);
            }
        }
        self.decls.contains_key(target).then(|| target.to_string())
    }

    /// Does `repo` declare a class `owner` of its own, with its own
    /// superclass (`class User < ApplicationRecord`)? Another repo's plain
    /// `class User` beside it is another app's class; a plain `class
    /// BaseProduct` in a repo that does not give it a superclass reopens
    /// the class of the repo that does (a `core_ext` patch of an engine's
    /// model).
    pub fn own_in(&self, owner: &str, repo: u32) -> bool {
        self.stmts.get(owner).is_some_and(|v| {
            v.iter()
                .any(|s| s.rel == Rel::Class && self.repo_of(&s.at) == Some(repo))
        })
    }

    /// The statements of `owner`: with a repo that has a class of its own
    /// of that name (`own_in`), that repo's (another app's `User` is
    /// another class), else every one.
    fn stmts(&self, owner: &str, repo: Option<u32>) -> impl Iterator<Item = &Stmt> + Clone {
        let all = self.stmts.get(owner).map(Vec::as_slice).unwrap_or(&[]);
        let own = repo.filter(|r| self.own_in(owner, *r));
        all.iter()
            .filter(move |s| own.is_none_or(|r| self.repo_of(&s.at) == Some(r)))
    }

    fn superclass<'a>(&'a self, owner: &str, repo: Option<u32>) -> Option<&'a Stmt> {
        self.stmts(owner, repo).find(|s| s.rel == Rel::Class)
    }

    /// The method resolution order of `owner`'s instance or class methods.
    pub fn lookup(&self, owner: &str, side: Side) -> Lookup {
        self.lookup_in(owner, side, None)
    }

    /// `lookup` as the app in `repo` sees it: of the classes of a name
    /// declared in several repos, that repo's, with its own superclass and
    /// mixins.
    pub fn lookup_in(&self, owner: &str, side: Side, repo: Option<u32>) -> Lookup {
        let mut l = Lookup::default();
        let mut seen = BTreeSet::new();
        match side {
            Side::Instance => self.instance_chain(owner, owner, repo, 0, &mut seen, &mut l),
            Side::Singleton => self.singleton_chain(owner, owner, repo, 0, &mut seen, &mut l),
        }
        l
    }

    /// Mixins of `owner` with relation `rel`, most recent first (the order
    /// Ruby searches them).
    fn mixins<'a>(&'a self, owner: &str, rel: Rel, repo: Option<u32>) -> impl Iterator<Item = &'a Stmt> {
        let v: Vec<&Stmt> = self.stmts(owner, repo).filter(|s| s.rel == rel).collect();
        v.into_iter().rev()
    }

    fn instance_chain(
        &self,
        owner: &str,
        via: &str,
        repo: Option<u32>,
        depth: usize,
        seen: &mut BTreeSet<(String, Side)>,
        l: &mut Lookup,
    ) {
        if depth > MAX_DEPTH || !seen.insert((owner.to_string(), Side::Instance)) {
            return;
        }
        // The owner's statements, looked up once (as `mixins` and
        // `superclass` would each).
        let stmts: Vec<&Stmt> = self.stmts(owner, repo).collect();
        for s in stmts.iter().rev().filter(|s| s.rel == Rel::Prepend) {
            self.module_chain(s, "prepend", repo, depth, seen, l);
        }
        l.chain.push((owner.to_string(), Side::Instance, via.to_string()));
        for s in stmts.iter().filter(|s| s.rel == Rel::DelegateMissing) {
            l.delegate_missing.insert(format!("{owner} → {}", s.target));
        }
        for s in stmts.iter().rev().filter(|s| s.rel == Rel::Include) {
            self.module_chain(s, "include", repo, depth, seen, l);
        }
        if let Some(s) = stmts.iter().find(|s| s.rel == Rel::Class) {
            match self.resolve_in(&s.target, &s.scope, repo) {
                Some(sup) => {
                    let via = format!("superclass {sup}");
                    self.instance_chain(&sup, &via, repo, depth + 1, seen, l);
                }
                None => {
                    l.unresolved.insert(s.target.trim_start_matches("::").to_string());
                }
            }
        }
    }

    fn module_chain(
        &self,
        s: &Stmt,
        how: &str,
        repo: Option<u32>,
        depth: usize,
        seen: &mut BTreeSet<(String, Side)>,
        l: &mut Lookup,
    ) {
        let target = s.target.trim_start_matches("::");
        if MACHINERY.contains(&target) {
            return;
        }
        match self.resolve_in(&s.target, &s.scope, repo) {
            Some(m) => {
                let via = format!("{how} {m}");
                self.instance_chain(&m, &via, repo, depth + 1, seen, l);
            }
            None => {
                l.unresolved.insert(target.to_string());
            }
        }
    }

    fn singleton_chain(
        &self,
        owner: &str,
        via: &str,
        repo: Option<u32>,
        depth: usize,
        seen: &mut BTreeSet<(String, Side)>,
        l: &mut Lookup,
    ) {
        if depth > MAX_DEPTH || !seen.insert((owner.to_string(), Side::Singleton)) {
            return;
        }
        l.chain
            .push((owner.to_string(), Side::Singleton, via.to_string()));
        for s in self.mixins(owner, Rel::Extend, repo) {
            self.module_chain(s, "extend", repo, depth, seen, l);
        }
        // A concern's `class_methods do` (or a module's `ClassMethods`) is
        // extended onto every class that includes it.
        let includes: Vec<&Stmt> = self.mixins(owner, Rel::Include, repo).collect();
        for s in includes {
            if let Some(m) = self.resolve_in(&s.target, &s.scope, repo) {
                let cm = format!("{m}::ClassMethods");
                if self.decls.contains_key(&cm) {
                    let via = format!("include {m} (class methods)");
                    self.instance_chain(&cm, &via, repo, depth + 1, seen, l);
                }
            }
        }
        if let Some(s) = self.superclass(owner, repo) {
            match self.resolve_in(&s.target, &s.scope, repo) {
                Some(sup) => {
                    let via = format!("superclass {sup}");
                    self.singleton_chain(&sup, &via, repo, depth + 1, seen, l);
                }
                None => {
                    l.unresolved.insert(s.target.trim_start_matches("::").to_string());
                }
            }
        }
    }

    /// The owners in `owner`'s instance lookup (memoized).
    fn chain_owners(&self, owner: &str) -> std::sync::Arc<HashSet<String>> {
        if let Some(c) = self.chains.lock().ok().and_then(|m| m.get(owner).cloned()) {
            return c;
        }
        let l = self.lookup(owner, Side::Instance);
        let c = std::sync::Arc::new(
            l.chain
                .into_iter()
                .map(|(a, _, _)| a)
                .collect::<HashSet<String>>(),
        );
        if let Ok(mut m) = self.chains.lock() {
            m.insert(owner.to_string(), c.clone());
        }
        c
    }

    /// Is `owner` `is_a` any of `ancestors`? The same answer as asking
    /// `is_a` of each, with `owner`'s classes and lookups found once (a
    /// 1,000-point plan asked ~15,000 pairs of `is_a`, each a memo entry).
    pub fn is_a_any(&self, owner: &str, ancestors: &[String]) -> bool {
        if ancestors.is_empty() {
            return false;
        }
        let owners = if self.declared_at(owner).is_empty() {
            self.owners_named(owner)
        } else {
            vec![owner.to_string()]
        };
        owners.iter().any(|o| {
            let chain = self.chain_owners(o);
            ancestors.iter().any(|a| chain.contains(a))
        })
    }

    /// Is `owner` (a constant as written, possibly partial) `ancestor` or a
    /// class that inherits or includes it?
    pub fn is_a(&self, owner: &str, ancestor: &str) -> bool {
        if let Some(v) = self
            .memo
            .lock()
            .ok()
            .and_then(|m| m.get(owner).and_then(|a| a.get(ancestor)).copied())
        {
            return v;
        }
        // A declared class is that class, not every class whose path ends
        // with its name (`UsersController` is not `Admin::UsersController`).
        let owners = if self.declared_at(owner).is_empty() {
            self.owners_named(owner)
        } else {
            vec![owner.to_string()]
        };
        let v = owners.iter().any(|o| self.chain_owners(o).contains(ancestor));
        if let Ok(mut m) = self.memo.lock() {
            m.entry(owner.to_string())
                .or_default()
                .insert(ancestor.to_string(), v);
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Ancestry;

    fn a(owner: &str, rel: Rel, target: &str, scope: &str, line: u32) -> Ancestry {
        Ancestry {
            owner: owner.into(),
            rel,
            target: target.into(),
            scope: scope.into(),
            line,
        }
    }

    fn table(files: Vec<Vec<Ancestry>>) -> ClassTable {
        let facts: Vec<FileFacts> = files
            .into_iter()
            .map(|ancestry| FileFacts {
                ancestry,
                ..FileFacts::default()
            })
            .collect();
        let n = facts.len();
        ClassTable::build(&facts, vec![0; n])
    }

    fn chain(l: &Lookup) -> Vec<(&str, Side)> {
        l.chain.iter().map(|(o, s, _)| (o.as_str(), *s)).collect()
    }

    #[test]
    fn superclass_include_prepend_across_files() {
        let t = table(vec![
            vec![
                a("Base", Rel::Class, "ApplicationRecord", "", 1),
                a("Base", Rel::Include, "Stockable", "Base", 2),
                a("Base", Rel::Include, "Priced", "Base", 3),
            ],
            vec![
                a("Stockable", Rel::Module, "", "", 1),
                a("Priced", Rel::Module, "", "", 1),
            ],
            vec![
                a("Shop::Product", Rel::Class, "Base", "Shop", 1),
                a("Shop::Product", Rel::Prepend, "Audited", "Shop::Product", 2),
            ],
            vec![
                a("Shop", Rel::Module, "", "", 1),
                a("Audited", Rel::Module, "", "", 1),
                a("Base", Rel::Class, "", "", 9),
            ],
        ]);
        let l = t.lookup("Shop::Product", Side::Instance);
        assert_eq!(
            chain(&l),
            [
                ("Audited", Side::Instance),
                ("Shop::Product", Side::Instance),
                ("Base", Side::Instance),
                ("Priced", Side::Instance),
                ("Stockable", Side::Instance),
            ]
        );
        // ApplicationRecord is not declared anywhere: named, not guessed.
        assert_eq!(l.unresolved.iter().collect::<Vec<_>>(), ["ApplicationRecord"]);
        assert!(t.is_a("Product", "Stockable"));
        assert!(!t.is_a("Base", "Audited"));
        assert_eq!(t.owners_named("Product"), ["Shop::Product"]);
        // Each owner's lookup is made once, whatever the ancestors asked
        // of it; the answers are the lookup's.
        for anc in ["Audited", "Shop::Product", "Base", "Priced", "Stockable"] {
            assert!(t.is_a("Shop::Product", anc), "{anc}");
        }
        for anc in ["ApplicationRecord", "Shop", "Product"] {
            assert!(!t.is_a("Shop::Product", anc), "{anc}");
        }
        let chains = t.chains.lock().unwrap();
        let mut owners: Vec<&String> = chains.keys().collect();
        owners.sort();
        assert_eq!(owners, ["Base", "Shop::Product"]);
        drop(chains);
        // `is_a_any` answers what `is_a` answers of each ancestor, for
        // declared, partial and unknown owners.
        let names = [
            "Audited",
            "Shop::Product",
            "Product",
            "Base",
            "Priced",
            "Stockable",
            "ApplicationRecord",
            "Shop",
            "Nope",
        ];
        for owner in names {
            for n in 0..names.len() {
                for k in 0..=names.len() - n {
                    let ancestors: Vec<String> = names[n..n + k].iter().map(|s| s.to_string()).collect();
                    let each = ancestors.iter().any(|a| t.is_a(owner, a));
                    assert_eq!(t.is_a_any(owner, &ancestors), each, "{owner} {ancestors:?}");
                }
            }
        }
        assert!(t.is_a_any("Product", &["Nope".to_string(), "Priced".to_string()]));
        assert!(!t.is_a_any("Base", &["Audited".to_string(), "Shop".to_string()]));
    }

    #[test]
    fn concern_class_methods_and_extend() {
        let t = table(vec![vec![
            a("Stockable", Rel::Module, "", "", 1),
            a("Stockable", Rel::Extend, "ActiveSupport::Concern", "Stockable", 2),
            a("Stockable::ClassMethods", Rel::Module, "", "Stockable", 5),
            a("Finders", Rel::Module, "", "", 20),
            a("Product", Rel::Class, "", "", 30),
            a("Product", Rel::Include, "Stockable", "Product", 31),
            a("Product", Rel::Extend, "Finders", "Product", 32),
        ]]);
        let l = t.lookup("Product", Side::Singleton);
        assert_eq!(
            chain(&l),
            [
                ("Product", Side::Singleton),
                ("Finders", Side::Instance),
                ("Stockable::ClassMethods", Side::Instance),
            ]
        );
        assert!(l.unresolved.is_empty(), "{l:?}");
    }

    #[test]
    fn lexical_resolution_prefers_the_nearest_scope() {
        let t = table(vec![vec![
            a("Other", Rel::Class, "", "", 1),
            a("Outer", Rel::Module, "", "", 2),
            a("Outer::Thing", Rel::Class, "Other", "Outer", 3),
        ]]);
        assert_eq!(t.resolve("Other", "Outer").as_deref(), Some("Other"));
        let t2 = table(vec![vec![
            a("Other", Rel::Class, "", "", 1),
            a("Outer", Rel::Module, "", "", 2),
            a("Outer::Other", Rel::Class, "", "Outer", 3),
        ]]);
        assert_eq!(t2.resolve("Other", "Outer").as_deref(), Some("Outer::Other"));
        assert_eq!(t2.resolve("::Other", "Outer").as_deref(), Some("Other"));
    }

    #[test]
    fn compact_paths_resolve_like_ruby() {
        use crate::facts::{Access, Def, DefForm, DefKind};
        let def = |owner: &str| Def {
            name: "x".into(),
            owner: Some(owner.into()),
            kind: DefKind::Instance,
            form: DefForm::Def,
            access: Access::Public,
            line: 3,
        };
        let file = |ancestry: Vec<Ancestry>, defs: Vec<Def>| FileFacts {
            ancestry,
            defs,
            ..FileFacts::default()
        };
        // `module Outer; class Other::Thing` with only a top-level Other.
        let mut facts = vec![
            file(vec![a("Other", Rel::Class, "", "", 1)], vec![]),
            file(
                vec![
                    a("Outer", Rel::Module, "", "", 1),
                    a("Outer::Other::Thing", Rel::Class, "", "Outer", 2),
                    a(
                        "Outer::Other::Thing::Inner",
                        Rel::Class,
                        "",
                        "Outer::Other::Thing",
                        4,
                    ),
                ],
                vec![def("Outer::Other::Thing"), def("Outer::Other::Thing::Inner")],
            ),
        ];
        canonicalize(&mut facts);
        let owners: Vec<&str> = facts[1].defs.iter().filter_map(|d| d.owner.as_deref()).collect();
        assert_eq!(owners, ["Other::Thing", "Other::Thing::Inner"]);
        assert_eq!(facts[1].ancestry[1].owner, "Other::Thing");
        // With `Outer::Other` declared, the lexical path stands.
        let mut facts = vec![file(
            vec![
                a("Outer", Rel::Module, "", "", 1),
                a("Outer::Other", Rel::Module, "", "Outer", 2),
                a("Outer::Other::Thing", Rel::Class, "", "Outer", 5),
            ],
            vec![def("Outer::Other::Thing")],
        )];
        canonicalize(&mut facts);
        assert_eq!(facts[0].defs[0].owner.as_deref(), Some("Outer::Other::Thing"));
    }

    #[test]
    fn cycles_terminate() {
        let t = table(vec![vec![
            a("A", Rel::Module, "", "", 1),
            a("B", Rel::Module, "", "", 2),
            a("A", Rel::Include, "B", "A", 3),
            a("B", Rel::Include, "A", "B", 4),
        ]]);
        assert_eq!(
            chain(&t.lookup("A", Side::Instance)),
            [("A", Side::Instance), ("B", Side::Instance)]
        );
    }
}
