//! `method:` points: exists, reachable, called, wired.

use super::{Ctx, Merged};
use crate::ancestors::{ClassTable, Side};
use crate::facts::{Access, Call, Def, DefForm, DefKind, FileIdx, Lang, Recv, Rel, Via, name_forms};
use crate::findings::{CallerMatch, Code, Confidence, DefinitionEvidence, DynamicSite, Finding, Risk};
use crate::msg;
use crate::plan::MethodName;
use crate::text::Text;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::BTreeSet;

/// Names so common that a name-only match says little.
const COMMON: [&str; 40] = [
    "call", "new", "save", "update", "create", "find", "perform", "run", "execute", "get", "set", "to_s",
    "each", "map", "render", "show", "index", "delete", "destroy", "process", "handle", "build", "init",
    "start", "stop", "load", "reset", "send", "open", "close", "read", "write", "add", "remove", "clear",
    "toString", "then", "apply", "parse", "format",
];

/// Does a definition's owner path match the plan's owner (`A::B` matches
/// `X::A::B`, and `B` matches `A::B`)?
pub fn owner_matches(def_owner: &str, plan_owner: &str) -> bool {
    crate::facts::path_rsegments(def_owner)
        .zip(crate::facts::path_rsegments(plan_owner))
        .all(|(d, p)| d == p)
}

/// How closely a definition's owner matches the plan's: the same path (0),
/// the plan's path inside a namespace (1), a shorter path that the plan's
/// ends with (2), an ancestor (3).
fn owner_rank(def_owner: Option<&str>, plan_owner: &str) -> u8 {
    match def_owner {
        Some(d) if d == plan_owner => 0,
        Some(d)
            if owner_matches(d, plan_owner)
                && crate::facts::path_segment_count(d) > crate::facts::path_segment_count(plan_owner) =>
        {
            1
        }
        Some(d) if owner_matches(d, plan_owner) => 2,
        _ => 3,
    }
}

/// Does the Ruby constant `k`, written inside `call_owner`, name a class
/// nested in that class's lexical scopes or ancestors that is none of
/// `owners` and descends from none of them (`Result.new` in a subclass of
/// `Flags::Base`, which declares its own `Result`, is not the top-level
/// `Result`'s)?
fn names_other_nested(
    classes: &crate::ancestors::ClassTable,
    k: &str,
    call_owner: Option<&str>,
    owners: &[&str],
) -> bool {
    let Some(co) = call_owner else { return false };
    match classes.resolve_from(k, co) {
        Some(t) if t.contains("::") && t != k.trim_start_matches("::") => {
            // A declared owner is that class; a partial name (`Child` for
            // `Partners::Child`) matches the classes ending with it.
            !owners.iter().any(|o| {
                t == *o || (classes.declared_at(o).is_empty() && owner_matches(&t, o)) || classes.is_a(&t, o)
            })
        }
        _ => false,
    }
}

fn leaf(owner: &str) -> &str {
    crate::facts::path_rsegments(owner).next().unwrap_or(owner)
}

fn local_spec(spec: &str) -> bool {
    spec.starts_with('.') || spec.starts_with("~/") || spec.starts_with("@/")
}

/// What `classify` needs about a point's definitions, computed once per
/// point so that classifying a call costs O(1) (common names have
/// thousands of definitions and tens of thousands of calls).
struct DefIndex<'a> {
    /// (file, line) of every matching definition.
    sites: HashSet<(FileIdx, u32)>,
    files: HashSet<FileIdx>,
    repos: HashSet<u32>,
    /// Owner paths of the matching definitions, by last segment.
    owners_by_leaf: HashMap<&'a str, Vec<&'a str>>,
    /// Owner paths of the other definitions of the name (other classes
    /// that define their own method of that name), by last segment.
    others_by_leaf: HashMap<&'a str, Vec<&'a str>>,
    /// How code spells the planned owner (`LineItem`, `line_item`,
    /// `lineItem`), and the other owners that define the name.
    owner_forms: Vec<String>,
    other_leaves: Vec<&'a str>,
    /// How code spells each of `other_leaves` (`names_class`), made once
    /// per point instead of once per call asked about.
    other_forms: Vec<ClassForms>,
    module_fn: bool,
    /// Files where any definition of the name (matching or not) is a
    /// function.
    fn_files_all: HashSet<FileIdx>,
    /// (repo → files) of matching definitions, and of all definitions.
    by_repo: HashMap<u32, Vec<FileIdx>>,
    all_by_repo: HashMap<u32, Vec<FileIdx>>,
    /// The module each file imports the name from.
    imports: HashMap<FileIdx, &'a str>,
    resolution: &'a crate::facts::Resolution,
    classes: &'a ClassTable,
    /// Declared owners a call's owner or receiver may descend from to reach
    /// the point: the plan's owner, else the definitions' owners.
    ancestors: Vec<String>,
    /// Every matching definition's owner is a Ruby class (not a module that
    /// a test or helper could include).
    owner_is_class: bool,
    /// (repo, owner's last segment) of the other definitions.
    other_owner_repos: HashSet<(u32, &'a str)>,
    /// The repos that declare a class of the planned owner's name.
    owner_decl_repos: HashSet<u32>,
    /// For an instance-method point: the owner or one of its ancestors also
    /// defines a class method of the name (`default_schedule` in `class <<
    /// self` and as an instance method), which class-level calls reach.
    singleton_twin: bool,
    /// A point the plan gives no owner, whose Ruby definitions all have
    /// one: those owners (empty otherwise), and whether every one of
    /// those definitions is a class method.
    ruby_owners: Vec<(&'a str, bool)>,
    ruby_all_singleton: bool,
}

impl<'a> DefIndex<'a> {
    fn new(
        ctx: &Ctx<'a>,
        mn: &MethodName,
        defs: &[(FileIdx, &'a Def)],
        all: &[(FileIdx, &'a Def)],
        others: &[(FileIdx, &'a Def)],
        calls: &[(FileIdx, &'a Call)],
    ) -> Self {
        let ix = ctx.ix;
        let owner_leaf = mn.owner.as_deref().map(leaf);
        let owner_forms = owner_leaf.map(name_forms).unwrap_or_default();
        let mut other_leaves: Vec<&str> = others
            .iter()
            .filter_map(|(_, d)| d.owner.as_deref().map(leaf))
            .filter(|l| Some(*l) != owner_leaf)
            .collect();
        other_leaves.sort();
        other_leaves.dedup();
        let mut others_by_leaf: HashMap<&str, Vec<&str>> = HashMap::default();
        for (_, d) in others {
            if let Some(o) = d.owner.as_deref() {
                let v = others_by_leaf.entry(leaf(o)).or_default();
                if !v.contains(&o) {
                    v.push(o);
                }
            }
        }
        // A call on (or inside) a class that inherits or includes the
        // point's owner reaches the point; with no owner in the plan, one
        // that inherits a definition's owner.
        let mut ancestors: Vec<String> = match &mn.owner {
            // Only those that are, or inherit, a class that defines the
            // point (`UsersController` names `Admin::UsersController` too,
            // which inherits another `edit`), when the definitions are
            // declared Ruby classes.
            Some(o) => {
                let named = ix.classes.owners_named(o);
                let def_owners: Vec<&str> = defs.iter().filter_map(|(_, d)| d.owner.as_deref()).collect();
                let reaching: Vec<String> = named
                    .iter()
                    .filter(|a| def_owners.iter().any(|d| *a == d || ix.classes.is_a(a, d)))
                    .cloned()
                    .collect();
                if !def_owners.is_empty()
                    && def_owners.iter().all(|d| !ix.classes.declared_at(d).is_empty())
                    && !reaching.is_empty()
                {
                    reaching
                } else {
                    named
                }
            }
            None => defs.iter().filter_map(|(_, d)| d.owner.clone()).collect(),
        };
        ancestors.sort();
        ancestors.dedup();
        let mut owners_by_leaf: HashMap<&str, Vec<&str>> = HashMap::default();
        let mut by_repo: HashMap<u32, Vec<FileIdx>> = HashMap::default();
        for (fi, d) in defs {
            if let Some(o) = d.owner.as_deref() {
                let v = owners_by_leaf.entry(leaf(o)).or_default();
                if !v.contains(&o) {
                    v.push(o);
                }
            }
            let v = by_repo.entry(ix.file(*fi).repo).or_default();
            if !v.contains(fi) {
                v.push(*fi);
            }
        }
        let mut all_by_repo: HashMap<u32, Vec<FileIdx>> = HashMap::default();
        for (fi, _) in all.iter().chain(others) {
            let v = all_by_repo.entry(ix.file(*fi).repo).or_default();
            if !v.contains(fi) {
                v.push(*fi);
            }
        }
        let mut imports = HashMap::default();
        for (fi, c) in calls {
            if let Recv::Module(spec) = &c.recv {
                imports.entry(*fi).or_insert(spec.as_str());
            }
        }
        // Nothing defines the point: its owner, when the plan names a
        // declared Ruby class (`AppPackageIntegration.post` missing: a bare
        // `post(...)` in a controller spec is the spec's own request).
        let owner_is_class = if defs.is_empty() {
            mn.owner.as_deref().is_some_and(|o| is_ruby_class(ix, o))
        } else {
            defs.iter().all(|(fi, d)| {
                d.owner.as_deref().is_some_and(|o| {
                    let ancestry = &ix.facts[*fi as usize].ancestry;
                    ancestry.iter().any(|a| a.owner == o && a.rel == Rel::Class)
                        && !ancestry.iter().any(|a| a.owner == o && a.rel == Rel::Module)
                })
            })
        };
        let other_owner_repos = others
            .iter()
            .filter_map(|(fi, d)| Some((ix.file(*fi).repo, leaf(d.owner.as_deref()?))))
            .collect();
        let singleton_twin = !mn.singleton
            && all.iter().chain(others.iter()).any(|(_, d)| {
                d.kind == DefKind::Singleton
                    && d.owner.as_deref().is_some_and(|o| {
                        ancestors
                            .iter()
                            .any(|a| a == o || ix.classes.is_a(a, o) || owner_matches(a, o))
                    })
            });
        let ruby_defs: Vec<(FileIdx, &Def)> = defs
            .iter()
            .filter(|(fi, _)| family(ctx, *fi) == Some(Family::Ruby))
            .map(|(fi, d)| (*fi, *d))
            .collect();
        let ruby_owners: Vec<(&str, bool)> =
            if mn.owner.is_none() && ruby_defs.iter().all(|(_, d)| d.owner.is_some()) {
                ruby_defs
                    .iter()
                    .filter_map(|(_, d)| Some((d.owner.as_deref()?, d.access == Access::Public)))
                    .collect()
            } else {
                Vec::new()
            };
        let owner_decl_repos = mn
            .owner
            .as_deref()
            .map(|o| {
                ix.classes
                    .owners_named(o)
                    .iter()
                    .flat_map(|c| {
                        ix.classes
                            .declared_at(c)
                            .iter()
                            .map(|l| ix.file(l.file).repo)
                            .filter(|r| ix.classes.own_in(c, *r))
                    })
                    .collect()
            })
            .unwrap_or_default();
        DefIndex {
            owner_decl_repos,
            ruby_all_singleton: !ruby_owners.is_empty()
                && ruby_defs.iter().all(|(_, d)| d.kind == DefKind::Singleton),
            ruby_owners,
            singleton_twin,
            owner_is_class,
            other_owner_repos,
            sites: defs.iter().map(|(fi, d)| (*fi, d.line)).collect(),
            files: defs.iter().map(|(fi, _)| *fi).collect(),
            repos: defs.iter().map(|(fi, _)| ix.file(*fi).repo).collect(),
            owners_by_leaf,
            others_by_leaf,
            owner_forms,
            other_forms: other_leaves.iter().map(|l| ClassForms::of(l)).collect(),
            other_leaves,
            module_fn: defs.iter().any(|(_, d)| d.kind == DefKind::Function),
            fn_files_all: all
                .iter()
                .filter(|(_, d)| d.kind == DefKind::Function)
                .map(|(fi, _)| *fi)
                .collect(),
            by_repo,
            all_by_repo,
            imports,
            resolution: &ix.resolution,
            classes: &ix.classes,
            ancestors,
        }
    }

    /// Is a call made inside one of the definitions' owners (or a class
    /// that inherits or includes one)?
    fn inside(&self, call_owner: Option<&str>) -> bool {
        let Some(co) = call_owner else { return false };
        // Exactly another class that defines the name (`MessagesController`
        // for `Api::V1::MessagesController#m`): that class's own method.
        let exact = |m: &HashMap<&str, Vec<&str>>| m.get(leaf(co)).is_some_and(|os| os.contains(&co));
        if exact(&self.others_by_leaf) && !exact(&self.owners_by_leaf) {
            return false;
        }
        // A shorter path (`UsersController` around a call, for
        // `Admin::UsersController`) is the owner only when no class of its
        // own is declared under it; a longer one (`SolidusAdmin::
        // UsersController` around a call, for the top-level
        // `UsersController`) only when the owner is not a declared class
        // (another class otherwise, reached only by inheriting it).
        self.owners_by_leaf.get(leaf(co)).is_some_and(|os| {
            os.iter().any(|o| {
                let (cn, on) = (crate::facts::path_segment_count(co), crate::facts::path_segment_count(o));
                owner_matches(co, o)
                    && (cn == on
                        || (cn > on && self.classes.declared_at(o).is_empty())
                        || (cn < on && self.classes.declared_at(co).is_empty()))
            })
        })
            // In a subclass (TypeScript/JavaScript): `this.m()` reaches the
            // ancestor's `m`.
            || self
                .resolution
                .ancestors
                .get(leaf(co))
                .is_some_and(|a| a.iter().any(|c| self.owners_by_leaf.contains_key(c.as_str())))
            || self.descends(co)
    }

    /// Does the constant `k` name a class that inherits or includes the
    /// point's owner or a definition's owner?
    fn descends(&self, k: &str) -> bool {
        self.classes.is_a_any(k, &self.ancestors)
    }

    /// Does the class around a call define its own method of the name (so
    /// that an implicit or `self`/`this` call there is that class's)?
    ///
    /// A method inherited from a superclass or mixin of that class which
    /// defines the name counts as its own too (`family` bare in
    /// `Registry::TransactionResource < Registry` is `Registry#family`).
    fn own_method(&self, call_owner: Option<&str>) -> bool {
        let Some(co) = call_owner else { return false };
        self.others_by_leaf
            .get(leaf(co))
            .is_some_and(|os| os.iter().any(|o| *o == co || owner_matches(co, o)))
            || self.others_by_leaf.values().flatten().any(|o| {
                *o != co
                    && (self.classes.is_a(co, o)
                        || (leaf(o) != leaf(co) && self.resolution.is_a(leaf(co), leaf(o))))
            })
    }

    /// Does a receiver's text name another class that defines the method
    /// (`account.classification` when `Account` has its own
    /// `classification`), and not the planned owner?
    fn receiver_names_other(&self, recv: &str, owner_leaf: &str) -> bool {
        let last = receiver_var(recv);
        if last.is_empty() || names_class_in(self.classes, self.resolution, last, owner_leaf) {
            return false;
        }
        // A superclass of the owner (`registry.action_executors` for
        // `Rule::Registry::TransactionResource`) may hold the owner.
        self.other_leaves.iter().zip(&self.other_forms).any(|(l, forms)| {
            (forms.named_by(last, l) || is_word_suffix(last, l))
                && !self
                    .others_by_leaf
                    .get(l)
                    .is_some_and(|os| os.iter().any(|o| self.overridden_in(o)))
        })
    }

    /// Is a receiver's variable named after a superclass of the owner that
    /// defines the method too (`registry.executors`)?
    fn names_ancestor(&self, recv: &str) -> bool {
        let last = receiver_var(recv);
        !last.is_empty()
            && self.other_leaves.iter().zip(&self.other_forms).any(|(l, forms)| {
                forms.named_by(last, l)
                    && self
                        .others_by_leaf
                        .get(l)
                        .is_some_and(|os| os.iter().any(|o| self.overridden_in(o)))
            })
    }

    /// Is `k` a superclass or mixin of the point's owner, so that a call of
    /// the name made there may dispatch to the owner's override (the
    /// template method pattern: `rows.count > max_row_count` in `Import`
    /// runs `AccountImport#max_row_count` for an account import)?
    fn overridden_in(&self, k: &str) -> bool {
        // The declared owners (Ruby's class table), and the definitions'
        // owners (TypeScript classes are not in that table).
        let defined = self.owners_by_leaf.values().flatten().copied();
        self.ancestors.iter().map(String::as_str).chain(defined).any(|o| {
            leaf(o) != leaf(k) && (self.classes.is_a(o, k) || self.resolution.is_a(leaf(o), leaf(k)))
        })
    }

    /// Does file `fi` spell the planned owner (as a constant or a variable)?
    fn mentions_owner(&self, ix: &crate::facts::FactIndex, fi: FileIdx) -> bool {
        self.owner_forms.iter().any(|f| ix.mentions_word(fi, f))
    }

    /// The defining file (among `files`) an import in `fi` resolves to.
    fn resolve(
        ix: &crate::facts::FactIndex,
        files: Option<&Vec<FileIdx>>,
        importer: &str,
        spec: &str,
    ) -> Option<FileIdx> {
        files?
            .iter()
            .find(|df| import_resolves(importer, spec, &ix.file(**df).path))
            .copied()
    }
}

fn is_ts(ctx: &Ctx, f: FileIdx) -> bool {
    matches!(
        ctx.ix.file(f).class.lang,
        Some(Lang::TypeScript | Lang::Tsx | Lang::Vue | Lang::Svelte)
    )
}

/// The language family of a source file: a Ruby method is never called from
/// TypeScript nor the reverse (that boundary is HTTP, the `route` kind).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Family {
    Ruby,
    Script,
}

fn family(ctx: &Ctx, f: FileIdx) -> Option<Family> {
    match ctx.ix.file(f).class.lang? {
        Lang::TypeScript | Lang::Tsx | Lang::Vue | Lang::Svelte => Some(Family::Script),
        Lang::Ruby | Lang::Erb | Lang::Haml | Lang::Slim => Some(Family::Ruby),
    }
}

/// Roots that every model (or object) has: a method of a model is not
/// presumed to override one of theirs, else every dead model method would
/// lose its confidence. Their conventional hooks are in `hooks`.
const PLAIN_ROOTS: [&str; 4] = ["ActiveRecord::Base", "ApplicationRecord", "Object", "BasicObject"];

/// Ancestors of the definitions' owners that the workspace names but does
/// not define (`Devise::SessionsController`, `ActiveJob::Base`, a NestJS
/// `ThrottlerGuard` imported from a package): a method there may override
/// one of theirs. Ruby from the ancestor resolver; TypeScript from the
/// `extends` chain, whose end is outside when no scanned file declares it.
/// A TypeScript/JavaScript module function that nothing calls, while
/// non-test code of its repo calls a member of that name on a receiver
/// seamscan cannot resolve (`m.mappedElement("node")`, with `m` a module
/// loaded at run time by `import()`): that receiver may be this module,
/// so the verdict has confidence low and names the calls.
fn module_members_unresolved(ctx: &Ctx, defs: &[(FileIdx, &Def)], name: &str, f: &mut Finding) {
    let ix = ctx.ix;
    let script = |fi: FileIdx| is_ts(ctx, fi);
    if defs.is_empty()
        || !defs
            .iter()
            .all(|(fi, d)| d.owner.is_none() && d.kind == DefKind::Function && script(*fi))
    {
        return;
    }
    let repos: BTreeSet<&str> = defs.iter().map(|(fi, _)| ix.repo_of(*fi)).collect();
    let mut at: Vec<String> = Vec::new();
    for (fi, i) in ix.calls_by_name.get(name).map(Vec::as_slice).unwrap_or(&[]) {
        let c = &ix.facts[*fi as usize].calls[*i as usize];
        if c.via == Via::Call
            && matches!(c.recv, Recv::Expr(_))
            && script(*fi)
            && !ix.is_test(*fi)
            && repos.contains(ix.repo_of(*fi))
        {
            at.push(ctx.loc(*fi, c.line));
        }
    }
    let Some(at) = first_sites(at) else { return };
    f.low_confidence(msg!(
        "code calls a member named {} on receivers seamscan cannot resolve ({}): one may be this module, loaded at run time",
        Text::code(name),
        Text::raw_list(&at, ", ")
    ));
}

/// A method of a TypeScript/JavaScript object literal (`export const
/// queryPersister = { persistClient: async (c) => {...} }`) that nothing
/// calls, while non-test code hands the object itself on as a value
/// (`{ persister: queryPersister }`, `register(queryPersister)`): whatever
/// receives it (a library, often) may call the method, so the verdict has
/// confidence low and names where the object goes.
fn object_handed_on(ctx: &Ctx, defs: &[(FileIdx, &Def)], name: &str, f: &mut Finding) {
    let ix = ctx.ix;
    let object_member = |fi: FileIdx, d: &Def| {
        is_ts(ctx, fi)
            && d.kind == DefKind::Singleton
            && d.owner
                .as_ref()
                .is_some_and(|o| !ix.facts[fi as usize].classes.iter().any(|c| &c.name == o))
    };
    if defs.is_empty() || !defs.iter().all(|(fi, d)| object_member(*fi, d)) {
        return;
    }
    let mut at: Vec<String> = Vec::new();
    for (dfi, d) in defs {
        let Some(owner) = d.owner.as_deref() else { continue };
        let def_path = &ix.file(*dfi).path;
        let member_prefix = format!("{owner}.");
        for (fi, i) in ix.calls_by_name.get(owner).map(Vec::as_slice).unwrap_or(&[]) {
            let facts = &ix.facts[*fi as usize];
            let c = &facts.calls[*i as usize];
            if c.via != Via::Reference || c.recv != Recv::Implicit || ix.is_test(*fi) || !is_ts(ctx, *fi) {
                continue;
            }
            // The object of this module, or imported from it.
            let ours = *fi == *dfi
                || (ix.repo_of(*fi) == ix.repo_of(*dfi)
                    && facts.imports.iter().any(|imp| {
                        imp.local == owner
                            && imp.imported == crate::facts::Imported::Name(owner.to_string())
                            && import_resolves(&ix.file(*fi).path, &imp.from, def_path)
                    }));
            // `queryPersister.removeClient()` on the line: a member use, not
            // the object handed on.
            let member_use = facts.calls.iter().any(|o| {
                o.line == c.line
                    && matches!(&o.recv, Recv::Expr(e) | Recv::Const(e)
                        if e == owner || e.starts_with(&member_prefix))
            });
            if ours && !member_use {
                at.push(ctx.loc(*fi, c.line));
            }
        }
    }
    let Some(at) = first_sites(at) else { return };
    f.low_confidence(msg!(
        "its object is handed on as a value ({}): whatever receives it may call {}",
        Text::raw_list(&at, ", "),
        Text::code(name)
    ));
}

/// Call sites for a note: sorted, each once, the first five; `None` when
/// there are none.
fn first_sites(mut at: Vec<String>) -> Option<Vec<String>> {
    at.sort();
    at.dedup();
    at.truncate(5);
    (!at.is_empty()).then_some(at)
}

fn external_ancestors(ctx: &Ctx, defs: &[(FileIdx, &Def)], singleton: bool) -> BTreeSet<String> {
    let ix = ctx.ix;
    let side = if singleton {
        Side::Singleton
    } else {
        Side::Instance
    };
    let mut out = BTreeSet::new();
    let mut ts_declared: Option<BTreeSet<&str>> = None;
    for (fi, d) in defs {
        let Some(owner) = d.owner.as_deref() else { continue };
        match family(ctx, *fi) {
            Some(Family::Ruby) => {
                for o in ix.classes.owners_named(owner) {
                    out.extend(
                        ix.classes
                            .lookup(&o, side)
                            .unresolved
                            .into_iter()
                            .filter(|a| !PLAIN_ROOTS.contains(&a.as_str())),
                    );
                }
            }
            Some(Family::Script) => {
                let Some(chain) = ix.resolution.ancestors.get(leaf(owner)) else {
                    continue;
                };
                let declared = ts_declared.get_or_insert_with(|| {
                    ix.facts
                        .iter()
                        .flat_map(|ff| ff.classes.iter().map(|c| c.name.as_str()))
                        .collect()
                });
                out.extend(chain.iter().filter(|c| !declared.contains(c.as_str())).cloned());
            }
            None => {}
        }
    }
    out
}

fn kind_matches(ctx: &Ctx, f: FileIdx, d: &Def, mn: &MethodName) -> bool {
    let Some(owner) = &mn.owner else { return true };
    let Some(def_owner) = &d.owner else { return false };
    // `Sub#m` exists when an ancestor of `Sub` defines `m`.
    let inherited = is_ts(ctx, f) && ctx.ix.resolution.is_a(leaf(owner), leaf(def_owner));
    if !owner_matches(def_owner, owner) && !inherited {
        return false;
    }
    if mn.singleton {
        d.kind == DefKind::Singleton || (is_ts(ctx, f) && d.kind == DefKind::Instance)
    } else {
        d.kind == DefKind::Instance
    }
}

fn describe(d: &Def) -> String {
    let sep = if d.kind == DefKind::Singleton { "." } else { "#" };
    match &d.owner {
        Some(o) => format!("{o}{sep}{}", d.name),
        None => d.name.clone(),
    }
}

/// Strip a file extension and a trailing `/index`.
fn module_path(path: &str) -> String {
    let no_ext = match path.rsplit_once('.') {
        Some((a, _)) if !a.ends_with('/') && !a.is_empty() => a,
        _ => path,
    };
    no_ext.strip_suffix("/index").unwrap_or(no_ext).to_string()
}

fn normalize(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out.join("/")
}

/// Does an import specifier in `importer` point at `def_path` (same repo)?
pub fn import_resolves(importer: &str, spec: &str, def_path: &str) -> bool {
    let target = module_path(def_path);
    if spec.starts_with('.') {
        let dir = importer.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        let joined = normalize(&format!("{dir}/{spec}"));
        return module_path(&joined) == target || joined == target;
    }
    // Path aliases: `@/lib/x`, `~/lib/x`, `src/lib/x`, `#lib/x`.
    let rest = spec
        .strip_prefix("@/")
        .or_else(|| spec.strip_prefix("~/"))
        .or_else(|| spec.strip_prefix('#'))
        .unwrap_or(spec);
    let rest = module_path(rest);
    !rest.is_empty() && (target == rest || target.ends_with(&format!("/{rest}")))
}

struct Caller<'a> {
    file: FileIdx,
    call: &'a Call,
    strength: &'static str,
    /// Outside the definition's class (or file, for module functions) with
    /// an explicit receiver, or imported from another file.
    outside_explicit: bool,
    /// The defining file an import resolves to, when it resolves.
    target: Option<FileIdx>,
}

pub fn check(m: &Merged, ctx: &Ctx) -> Finding {
    let ix = ctx.ix;
    let mut f = Finding::new("method", &m.name);
    let mn = match MethodName::parse(&m.name) {
        Ok(mn) => mn,
        Err(e) => {
            f.problem(Code::MissingDefinition, Text::raw(e));
            return f;
        }
    };
    let all: Vec<(FileIdx, &Def)> = ix
        .defs_by_name
        .get(&mn.name)
        .map(|v| {
            v.iter()
                .map(|(fi, i)| (*fi, &ix.facts[*fi as usize].defs[*i as usize]))
                .collect()
        })
        .unwrap_or_default();
    // A const computed by a call (`export const parse = flow(a, b)`) may
    // hold a function: it stands in only when nothing else defines the name.
    let computed_only = !all.is_empty() && all.iter().all(|(_, d)| d.form == DefForm::ConstValue);
    let all: Vec<(FileIdx, &Def)> = if computed_only {
        all
    } else {
        all.into_iter()
            .filter(|(_, d)| d.form != DefForm::ConstValue)
            .collect()
    };
    let (test_defs, all): (Vec<_>, Vec<_>) = all.into_iter().partition(|(fi, _)| ix.is_test(*fi));
    let mut defs: Vec<(FileIdx, &Def)> = all
        .iter()
        .filter(|(fi, d)| kind_matches(ctx, *fi, d, &mn))
        .cloned()
        .collect();
    // The most specific owners win: `TemplatesController` is the top-level
    // class, not `Api::TemplatesController`, when both exist; a qualified
    // `Api::V1::MessagesController` is never the top-level
    // `MessagesController` when the qualified one exists.
    if let Some(po) = &mn.owner
        && let Some(best) = defs.iter().map(|(_, d)| owner_rank(d.owner.as_deref(), po)).min()
    {
        defs.retain(|(_, d)| owner_rank(d.owner.as_deref(), po) == best);
    }
    let near: Vec<Text> = all
        .iter()
        .filter(|(fi, d)| !kind_matches(ctx, *fi, d, &mn))
        .map(|(fi, d)| {
            msg!(
                "{} at {}",
                Text::raw(describe(d)),
                Text::raw(ctx.loc(*fi, d.line))
            )
        })
        .collect();

    // Not defined on the owner itself: its superclasses, mixins and concerns
    // (Ruby), in method resolution order. In the planned repo first: when
    // another app's class of the owner's name defines the method but the
    // planned repo's class only inherits it, the inherited one is the point.
    let mut inherited: Option<(String, String)> = None;
    let mut ancestry_low: Vec<Text> = Vec::new();
    let planned_repo = m.repo.as_deref().and_then(|r| ctx.repo_index(r));
    let mut elsewhere_defs: Vec<(FileIdx, &Def)> = Vec::new();
    if let (Some(r), Some(po)) = (planned_repo, &mn.owner)
        && !defs.is_empty()
        && !defs.iter().any(|(fi, _)| ix.file(*fi).repo == r)
        && ix
            .classes
            .owners_named(po)
            .iter()
            .any(|o| ix.classes.own_in(o, r))
    {
        elsewhere_defs = std::mem::take(&mut defs);
    }
    if defs.is_empty()
        && let Some(po) = &mn.owner
    {
        let side = if mn.singleton {
            Side::Singleton
        } else {
            Side::Instance
        };
        let mut outside: BTreeSet<String> = BTreeSet::new();
        let mut forwards: BTreeSet<String> = BTreeSet::new();
        let mut owners = ix.classes.owners_named(po);
        if let Some(r) = planned_repo {
            // The planned repo's classes first.
            owners.sort_by_key(|o| !ix.classes.declared_in(o, r));
        }
        'owners: for o in owners {
            // As the app that declares it sees it (each app its own `User`).
            let repo = planned_repo.filter(|r| ix.classes.own_in(&o, *r)).or_else(|| {
                let at = ix.classes.declared_at(&o);
                let first = at.first().map(|l| ix.file(l.file).repo)?;
                at.iter().all(|l| ix.file(l.file).repo == first).then_some(first)
            });
            let l = ix.classes.lookup_in(&o, side, repo);
            for (anc, s, via) in &l.chain {
                let kind = match s {
                    Side::Instance => DefKind::Instance,
                    Side::Singleton => DefKind::Singleton,
                };
                // The ancestor's definitions in that app, unless the app does
                // not declare it (a gem or engine in another repo).
                let here = repo.filter(|r| ix.classes.own_in(anc, *r));
                let found: Vec<(FileIdx, &Def)> = all
                    .iter()
                    .filter(|(fi, d)| {
                        d.kind == kind
                            && d.owner.as_deref() == Some(anc.as_str())
                            && here.is_none_or(|r| ix.file(*fi).repo == r)
                    })
                    .cloned()
                    .collect();
                if !found.is_empty() {
                    defs = found;
                    inherited = Some((o.clone(), via.clone()));
                    break 'owners;
                }
            }
            outside.extend(l.unresolved);
            forwards.extend(l.delegate_missing);
        }
        if inherited.is_none() {
            if !outside.is_empty() {
                ancestry_low.push(msg!(
                    "{} inherits or includes {} from outside the scanned repos (a gem?): {} may be defined there",
                    Text::code(po.as_str()),
                    Text::join(outside.iter().map(|o| Text::code(o.as_str())), ", "),
                    Text::code(mn.name.as_str())
                ));
            }
            if !forwards.is_empty() {
                let forwards: Vec<String> = forwards.into_iter().collect();
                ancestry_low.push(msg!(
                    "{} may be forwarded by delegate_missing_to ({})",
                    Text::code(mn.name.as_str()),
                    Text::raw_list(&forwards, ", ")
                ));
            }
        }
    }

    if defs.is_empty() && !elsewhere_defs.is_empty() {
        defs = elsewhere_defs;
    }

    // A class nowhere in the workspace may still be reached by a computed
    // name (`const_get`, `constantize`) near the point.
    if defs.is_empty()
        && let Some(po) = &mn.owner
        && ix.classes.owners_named(po).is_empty()
    {
        let mut at: Vec<String> = Vec::new();
        for (fi, facts) in ix.facts.iter().enumerate() {
            let fi = fi as FileIdx;
            if facts.reflection.is_empty() || ix.is_test(fi) || !ix.mentions_name(fi, &mn.name) {
                continue;
            }
            at.extend(
                facts
                    .reflection
                    .iter()
                    .map(|r| format!("{} ({})", ctx.loc(fi, r.line), r.what)),
            );
        }
        if !at.is_empty() {
            ancestry_low.push(msg!(
                "classes are looked up by computed name near it ({}): {} may be one",
                Text::raw_list(&at, ", "),
                Text::code(po.as_str())
            ));
        }
    }

    if let Some((owner, _)) = &inherited
        && let Some(repo) = &m.repo
    {
        // Inherited: the owner must be declared in the planned repo; the
        // body may live anywhere (a base class or concern in another repo).
        let declared: BTreeSet<&str> = ix
            .classes
            .declared_at(owner)
            .iter()
            .map(|l| ix.repo_of(l.file))
            .collect();
        if !declared.contains(repo.as_str()) && !declared.is_empty() {
            f.problem(
                Code::UnexpectedLocation,
                format!(
                    "planned in {repo} but `{owner}` is declared only in {}",
                    declared.into_iter().collect::<Vec<_>>().join(", ")
                ),
            );
        }
    } else if let Some(repo) = &m.repo {
        let in_repo: Vec<_> = defs
            .iter()
            .filter(|(fi, _)| ix.repo_of(*fi) == repo)
            .cloned()
            .collect();
        if in_repo.is_empty() && !defs.is_empty() {
            let elsewhere: BTreeSet<&str> = defs.iter().map(|(fi, _)| ix.repo_of(*fi)).collect();
            f.problem(
                Code::UnexpectedLocation,
                msg!(
                    "planned in {} but defined only in {}",
                    Text::raw(repo),
                    Text::raw_list(&elsewhere.into_iter().collect::<Vec<_>>(), ", ")
                ),
            );
        } else if !in_repo.is_empty() {
            defs = in_repo;
        }
    }

    // Visibility set in another file that reopens the class (`private :x`):
    // it names an existing method, so it runs after the definition and
    // wins; several files that disagree cannot be ordered, so the strictest
    // is reported with low confidence.
    let mut reopened: Vec<(usize, Def)> = Vec::new();
    for (k, (fi, d)) in defs.iter().enumerate() {
        if d.owner.is_none() {
            continue;
        }
        let singleton = d.kind == DefKind::Singleton;
        let mut set: BTreeSet<Access> = BTreeSet::new();
        let mut at: Vec<String> = Vec::new();
        for (gj, i) in ix
            .visibility_by_name
            .get(&mn.name)
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            let s = &ix.facts[*gj as usize].visibility[*i as usize];
            if *gj != *fi && s.owner == d.owner && s.singleton == singleton {
                set.insert(s.access);
                at.push(format!("{} {}", s.access.as_str(), ctx.loc(*gj, s.line)));
            }
        }
        let Some(strictest) = set.iter().max().copied() else {
            continue;
        };
        if set.len() > 1 {
            ancestry_low.push(msg!(
                "{} has its visibility set in several files whose load order is unknown ({}): the strictest is reported",
                Text::code(mn.name.as_str()),
                Text::raw_list(&at, ", ")
            ));
        }
        let mut patched = (*d).clone();
        patched.access = strictest;
        reopened.push((k, patched));
    }
    for (k, d) in &reopened {
        defs[*k].1 = d;
    }

    f.exists = Some(!defs.is_empty());
    for (fi, d) in &defs {
        f.definitions.push(DefinitionEvidence {
            location: ctx.loc(*fi, d.line),
            access: Some(d.access.as_str().to_string()),
        });
    }
    let def_locs: BTreeSet<(FileIdx, u32)> = defs.iter().map(|(fi, d)| (*fi, d.line)).collect();
    if def_locs.len() > 1 {
        let locs: Vec<String> = def_locs.iter().map(|(fi, l)| ctx.loc(*fi, *l)).collect();
        f.problem(
            Code::AmbiguousDefinition,
            msg!(
                "{} definitions match {}: {}",
                Text::num(locs.len() as u64),
                Text::code(&m.name),
                Text::raw_list(&locs, ", ")
            ),
        );
    }
    // Same owner, close name: a typo in the plan or in the code.
    let typos: Vec<Text> = if defs.is_empty() && mn.owner.is_some() {
        // In file order (the name map has none).
        let mut close: Vec<(FileIdx, u32)> = ix
            .defs_close_to(&mn.name)
            .into_iter()
            .flat_map(|name| ix.defs_by_name.get(name).into_iter().flatten().copied())
            .collect();
        close.sort_unstable();
        close
            .iter()
            .map(|(fi, i)| (*fi, &ix.facts[*fi as usize].defs[*i as usize]))
            .filter(|(fi, d)| !ix.is_test(*fi) && kind_matches(ctx, *fi, d, &mn))
            .map(|(fi, d)| msg!("{} at {}", Text::raw(describe(d)), Text::raw(ctx.loc(fi, d.line))))
            .collect()
    } else {
        Vec::new()
    };
    if defs.is_empty() {
        let similar: Vec<Text> = typos.iter().chain(near.iter()).cloned().collect();
        let mut msg = msg!("no definition of {} found", Text::code(&m.name));
        if !similar.is_empty() {
            msg.push(msg!(" (similar: {})", Text::join(similar, ", ")));
        } else if !test_defs.is_empty() {
            msg.push(Text::ours(" outside test code"));
        }
        f.problem(Code::MissingDefinition, msg);
        if !typos.is_empty() {
            f.low_confidence(msg!(
                "the same owner defines a method with a close name ({}): a typo in the plan or in the code?",
                Text::join(typos, ", ")
            ));
        }
        if !near.is_empty() && mn.owner.is_some() {
            // A superclass, an included module or a concern may be where
            // the owner gets it: static analysis does not follow those.
            f.confidence = Confidence::Low;
            f.verify.push(msg!(
                "{} is defined elsewhere ({}): check whether the owner inherits or includes it",
                Text::code(&mn.name),
                Text::join(near, ", ")
            ));
        }
    }

    // Callers.
    let def_sites: HashSet<(FileIdx, u32)> = defs.iter().map(|(fi, d)| (*fi, d.line)).collect();
    // The language(s) the point is defined in: calls from the other one
    // are a different method that happens to share the name.
    let families: BTreeSet<Family> = defs.iter().filter_map(|(fi, _)| family(ctx, *fi)).collect();
    let same_family =
        |fi: FileIdx| families.is_empty() || family(ctx, fi).is_some_and(|fam| families.contains(&fam));
    let other_public_defs = all
        .iter()
        .any(|(fi, d)| !def_sites.contains(&(*fi, d.line)) && d.access == Access::Public && same_family(*fi));
    // Calls by this name, and calls resolved to it under another name
    // (`import fmt from`, `ns.default()`).
    let indexed: Vec<(FileIdx, u32)> = ix
        .calls_by_name
        .get(&mn.name)
        .into_iter()
        .chain(ix.resolution.renamed_calls.get(&mn.name))
        .flatten()
        .copied()
        .filter(|(fi, _)| same_family(*fi))
        .collect();
    let calls: Vec<(FileIdx, &Call)> = indexed
        .iter()
        .map(|(fi, i)| (*fi, &ix.facts[*fi as usize].calls[*i as usize]))
        .collect();
    let others: Vec<(FileIdx, &Def)> = all
        .iter()
        .chain(test_defs.iter())
        .filter(|(fi, d)| !def_sites.contains(&(*fi, d.line)) && same_family(*fi))
        .cloned()
        .collect();
    let di = DefIndex::new(ctx, &mn, &defs, &all, &others, &calls);
    // Files defining the name (test helpers too: `check` of an e2e
    // `lib.ts`): an import resolved to one of them that is not the point's
    // calls that other definition.
    let all_files: HashSet<FileIdx> = all.iter().chain(test_defs.iter()).map(|(fi, _)| *fi).collect();
    let mut callers: Vec<Caller> = Vec::new();
    for (&(fi, i), (_, c)) in indexed.iter().zip(calls.iter().copied()) {
        if c.via == Via::Import && is_ts(ctx, fi) && !import_used(ix, fi, c) {
            // Imported but named only in types or re-exported: not a use.
            continue;
        }
        if ix.resolution.package_calls.contains(&(fi, i)) {
            // A package's function or object (`copy` from
            // "copy-to-clipboard"), not the workspace's.
            continue;
        }
        let resolved = ix.resolution.calls.get(&(fi, i));
        let cl = match resolved {
            Some(r) => {
                resolved_caller(ix, &mn, &di, &all_files, fi, c, r).or_else(|| classify(ctx, &mn, &di, fi, c))
            }
            None => classify(ctx, &mn, &di, fi, c),
        };
        if let Some(cl) = cl {
            callers.push(cl);
        }
    }

    // A name that unrelated classes define too (`author` on `Issue`,
    // `Journal` and `Changeset`; `get` on a TypeScript `Storage` and the
    // stores): a call on a receiver whose class is not known
    // (`parent.author`, `list.map(&:author)`, `users.get(id)`) may be any of
    // theirs, so it is no caller of this owner (it is named below when
    // nothing else calls the point). A receiver named after the owner
    // (`changeset.author`) stays.
    if let Some(owner) = &mn.owner {
        let rival = all.iter().any(|(fi, d)| {
            !def_sites.contains(&(*fi, d.line))
                && d.access == Access::Public
                && same_family(*fi)
                && d.owner.as_deref().is_some_and(|o| {
                    !owner_matches(o, owner) && !di.descends(o) && !ix.classes.is_a(owner, o)
                })
        });
        if rival {
            callers.retain(|c| {
                if family(ctx, c.file).is_none() {
                    return true;
                }
                match &c.call.recv {
                    Recv::Expr(text) => {
                        !matches!(c.strength, "name" | "symbol")
                            || names_class_in(&ix.classes, &ix.resolution, receiver_var(text), leaf(owner))
                            || (family(ctx, c.file) == Some(Family::Ruby)
                                && receiver_names_heir(ctx, &di, text, ix.file(c.file).repo))
                    }
                    // `list.map(&:author)` outside the owner: a symbol.
                    Recv::Implicit => c.strength != "symbol" || di.inside(c.call.owner.as_deref()),
                    // A receiver of a class that is not the owner's
                    // (`new Map().get(k)`, `router: Router`), tied by name
                    // only.
                    Recv::Const(_) => !matches!(c.strength, "name" | "symbol"),
                    _ => true,
                }
            });
        }
    }

    // Ruby runs `initialize` when `Owner.new` (or a subclass's `new`) is
    // called: those are its callers.
    if mn.name == "initialize" && families.contains(&Family::Ruby) {
        let owners: Vec<&str> = defs.iter().filter_map(|(_, d)| d.owner.as_deref()).collect();
        for (fi, i) in ix.calls_by_name.get("new").into_iter().flatten() {
            let c = &ix.facts[*fi as usize].calls[*i as usize];
            if let Recv::Const(k) = &c.recv
                && family(ctx, *fi) == Some(Family::Ruby)
                && (owners.iter().any(|o| owner_matches(k, o)) || di.descends(k))
                && !names_other_nested(&ix.classes, k, c.owner.as_deref(), &owners)
            {
                callers.push(Caller {
                    file: *fi,
                    call: c,
                    strength: "receiver",
                    outside_explicit: false,
                    target: None,
                });
            } else if let Recv::Expr(t) = &c.recv
                && family(ctx, *fi) == Some(Family::Ruby)
                && owners.iter().any(|o| {
                    let flat = |s: &str| s.to_ascii_lowercase().replace('_', "");
                    flat(t).contains(&flat(leaf(o)))
                })
            {
                // A class held in a setting named after the owner
                // (`Spree::Config.order_cancellations_class.new(self)`):
                // tied by name only.
                callers.push(Caller {
                    file: *fi,
                    call: c,
                    strength: "name",
                    outside_explicit: false,
                    target: None,
                });
            }
        }
    }

    // A public controller method that a route leads to is an action: Rails
    // calls it for each request to the route, which is its caller.
    // A TypeScript/JavaScript handler (a NestJS controller method, a
    // function an Express router registers) has its route as caller.
    let served: Vec<(FileIdx, u32)> = ix
        .routes
        .iter()
        .filter(|r| {
            matches!(&r.target, crate::routing::Target::Code { name, file, line, .. }
            if defs.iter().any(|(fi, d)| {
                *fi == *file && (*line == d.line || name.as_deref() == Some(d.name.as_str()))
            }))
        })
        .map(|r| (r.file, r.line))
        .collect();
    let routed: Vec<(FileIdx, u32)> = if mn.owner.is_some() && !mn.singleton {
        let actions: Vec<(&str, u32)> = defs
            .iter()
            .filter(|(fi, d)| d.access == Access::Public && family(ctx, *fi) == Some(Family::Ruby))
            .filter_map(|(fi, d)| Some((d.owner.as_deref()?, ix.file(*fi).repo)))
            .collect();
        ix.routes
            .iter()
            .filter(|r| {
                matches!(&r.target, crate::routing::Target::Action { controller, action }
                if *action == mn.name
                    && actions.iter().any(|(o, repo)| {
                        *repo == ix.file(r.file).repo && crate::routing::controller_class(controller) == *o
                    }))
            })
            .map(|r| (r.file, r.line))
            .collect()
    } else {
        Vec::new()
    };
    let routed: Vec<(FileIdx, u32)> = routed
        .into_iter()
        .chain(served)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    for (fi, line) in &routed {
        let loc = ctx.loc(*fi, *line);
        if f.callers_found.contains(&loc) {
            continue;
        }
        f.callers_found.push(loc.clone());
        f.caller_matches.push(CallerMatch {
            location: loc,
            strength: "route".to_string(),
            test: false,
        });
    }

    // A job's `perform` runs when the job is enqueued (`X.perform_later`,
    // `X.perform_async`, `X.set(...).perform_later`): those are its callers.
    let mut enqueue_callers = 0usize;
    if mn.name == "perform" && !mn.singleton && families.contains(&Family::Ruby) {
        let owners: Vec<&str> = defs.iter().filter_map(|(_, d)| d.owner.as_deref()).collect();
        let mut enqueued = BTreeSet::new();
        for (fi, facts) in ix.facts.iter().enumerate() {
            let fi = fi as FileIdx;
            if family(ctx, fi) != Some(Family::Ruby) {
                continue;
            }
            for e in facts.enqueues.iter().filter(|e| e.mailer_method.is_none()) {
                let class = ix
                    .classes
                    .resolve(&e.class, &e.scope)
                    .unwrap_or_else(|| e.class.trim_start_matches("::").to_string());
                if owners.iter().any(|o| *o == class || owner_matches(o, &class)) {
                    enqueued.insert((fi, e.line));
                }
            }
        }
        for (fi, line) in enqueued {
            let loc = ctx.loc(fi, line);
            let test = ix.is_test(fi);
            let list = if test {
                &mut f.test_callers
            } else {
                &mut f.callers_found
            };
            if list.contains(&loc) {
                continue;
            }
            list.push(loc.clone());
            enqueue_callers += usize::from(!test);
            f.caller_matches.push(CallerMatch {
                location: loc,
                strength: "enqueue".to_string(),
                test,
            });
        }
    }

    // An import line is a use of the point only in a file where no call
    // of it is seen (the binding given as a value: `{ handler: fn }`); a
    // file that calls it lists its calls, not the import.
    let calling_files: HashSet<FileIdx> = callers
        .iter()
        .filter(|c| c.call.via != Via::Import)
        .map(|c| c.file)
        .collect();
    callers.retain(|c| c.call.via != Via::Import || !calling_files.contains(&c.file));
    let mut strong_or_weak = BTreeSet::new();
    for c in &callers {
        let loc = ctx.loc(c.file, c.call.line);
        let test = ix.is_test(c.file);
        if test {
            f.test_callers.push(loc.clone());
        } else {
            f.callers_found.push(loc.clone());
            strong_or_weak.insert(c.strength);
        }
        f.caller_matches.push(CallerMatch {
            location: loc,
            strength: c.strength.to_string(),
            test,
        });
    }

    // Dynamic dispatch near the point: in the files that define it (`send`
    // on self or siblings) or that spell its name (`%w[a b].each { send(_1) }`).
    let names: Vec<&str> = vec![mn.name.as_str()];
    let def_files: BTreeSet<FileIdx> = defs.iter().map(|(fi, _)| *fi).collect();
    // Where dispatch can reach the point from: the repos that define it,
    // else those that declare its owner, else the planned repo; a class
    // nowhere in the workspace may be looked up anywhere.
    let declared: Vec<FileIdx> = match &mn.owner {
        Some(po) if defs.is_empty() => ix
            .classes
            .owners_named(po)
            .iter()
            .flat_map(|o| ix.classes.declared_at(o).iter().map(|l| l.file))
            .collect(),
        _ => Vec::new(),
    };
    let def_repos: Option<BTreeSet<u32>> = if !defs.is_empty() {
        Some(defs.iter().map(|(fi, _)| ix.file(*fi).repo).collect())
    } else if !declared.is_empty() {
        Some(declared.iter().map(|fi| ix.file(*fi).repo).collect())
    } else {
        m.repo
            .as_deref()
            .and_then(|r| ctx.repo_index(r))
            .map(|r| BTreeSet::from([r]))
    };
    let declared_families: BTreeSet<Family> = declared.iter().filter_map(|fi| family(ctx, *fi)).collect();
    let mut dynamic_callers = Vec::new();
    let mut dynamic_sites = Vec::new();
    for &fi in &ctx.dynamic_files {
        let facts = &ix.facts[fi as usize];
        // Dynamic dispatch in the other language, or in another repo (another
        // process), cannot reach the point; nor can it reach a point that is
        // not defined.
        if (def_files.contains(&fi) || ix.mentions_name(fi, &mn.name))
            && same_family(fi)
            && (declared_families.is_empty()
                || family(ctx, fi).is_some_and(|fam| declared_families.contains(&fam)))
            && def_repos.as_ref().is_none_or(|r| r.contains(&ix.file(fi).repo))
            && mn.name != "initialize"
        {
            for (_, d) in facts.dynamic.iter().enumerate().filter(|(i, d)| {
                !ix.resolution.no_method_dynamic.contains(&(fi, *i as u32))
                    && may_name(&d.what, &mn.name)
                    && !reads_a_variable(&d.what)
                    && !dispatch_cannot_reach(ctx, fi, d.line, &d.what, &mn, &di)
            }) {
                let location = ctx.loc(fi, d.line);
                dynamic_callers.push(location.clone());
                dynamic_sites.push(DynamicSite {
                    location,
                    code: d.what.clone(),
                });
            }
        }
    }
    dynamic_callers.sort();
    dynamic_callers.dedup();
    dynamic_sites.sort();

    // Reachability.
    let strictest = defs.iter().map(|(_, d)| d.access).max();
    f.access_modifier = Some(
        strictest
            .map(|a| a.as_str().to_string())
            .unwrap_or_else(|| "unknown".to_string()),
    );
    if !defs.is_empty() {
        let restricted: Vec<&(FileIdx, &Def)> =
            defs.iter().filter(|(_, d)| d.access != Access::Public).collect();
        if !restricted.is_empty() {
            // (location, resolved): resolved when the receiver or import
            // ties the call to the owner, or the plan names its repo.
            let mut blocked: Vec<(String, bool)> = Vec::new();
            let any_public = defs.iter().any(|(_, d)| d.access == Access::Public);
            // Visibility binds within a language: a Ruby caller is not
            // stopped by a TypeScript function's missing export.
            let restricted_families: Vec<Option<Family>> =
                restricted.iter().map(|(fi, _)| family(ctx, *fi)).collect();
            for c in callers
                .iter()
                .filter(|c| c.outside_explicit && !ix.is_test(c.file))
                .filter(|c| restricted_families.contains(&family(ctx, c.file)))
            {
                match c.target {
                    // An import that resolves to a definition: blocked only
                    // when that definition is the restricted one.
                    Some(tf) if !restricted.iter().any(|(df, _)| *df == tf) => continue,
                    Some(_) => {}
                    // A name-only match may reach another public definition.
                    None if c.strength == "name" && (other_public_defs || any_public) => continue,
                    None if c.strength == "import" && any_public => continue,
                    None => {}
                }
                let resolved = !weak(c.strength) || m.callers.iter().any(|r| r == ix.repo_of(c.file));
                blocked.push((ctx.loc(c.file, c.call.line), resolved));
            }
            blocked.sort();
            blocked.dedup();
            if !blocked.is_empty() {
                let (fi, d) = restricted[0];
                let what = match d.access {
                    Access::ModuleLocal => Text::ours("not exported from"),
                    a => msg!("{} in", Text::ours(a.as_str())),
                };
                let place = match &d.owner {
                    Some(o) if d.access != Access::ModuleLocal => o.clone(),
                    _ => ctx.loc(*fi, d.line).to_string(),
                };
                let locs: Vec<&str> = blocked.iter().map(|(l, _)| l.as_str()).collect();
                let msg = msg!(
                    "{} {} but called from {}",
                    what,
                    Text::raw(place),
                    Text::raw_list(&locs, ", ")
                );
                if blocked.iter().any(|(_, resolved)| *resolved) {
                    f.problem(Code::PrivateEntryPoint, msg);
                } else {
                    // Only name matches: `token.last(4)` may be Array#last.
                    f.problem_capped(
                        Code::PrivateEntryPoint,
                        Risk::Medium,
                        msg!("{} (receivers not resolved: matched by name only)", msg),
                    );
                    f.low_confidence(msg!(
                        "every call that the visibility would block matches {} by name only; \
                         their receivers may be other objects",
                        Text::code(&mn.name)
                    ));
                }
            }
        }
    }

    let non_test: Vec<&Caller> = callers.iter().filter(|c| !ix.is_test(c.file)).collect();
    if !routed.is_empty() {
        let at: Vec<String> = routed.iter().map(|(fi, l)| ctx.loc(*fi, *l)).collect();
        f.verify.push(msg!(
            "{} is a controller action: the routes at {} lead to it",
            Text::code(&m.name),
            Text::raw_list(&at, ", ")
        ));
    }
    // A function the framework calls because of the file that exports it
    // (a Next.js `proxy.ts`'s `proxy`, a `route.ts`'s `POST`).
    // So is a page's default export (Next.js renders it).
    let convention = |defs: &[(FileIdx, &Def)]| {
        defs.iter().find_map(|(fi, d)| {
            if family(ctx, *fi) != Some(Family::Script) {
                return None;
            }
            let path = &ix.file(*fi).path;
            super::hooks::file_convention(&d.name, path).or_else(|| {
                ix.facts[*fi as usize]
                    .exports
                    .iter()
                    .any(|e| {
                        e.name == "default" && e.from.is_none() && e.local.as_deref() == Some(d.name.as_str())
                    })
                    .then(|| super::hooks::default_export_convention(path))
                    .flatten()
            })
        })
    };
    if !defs.is_empty() && non_test.is_empty() && routed.is_empty() && enqueue_callers == 0 {
        if !f.test_callers.is_empty() {
            f.problem(
                Code::TestOnlyCallers,
                msg!(
                    "only test code calls it ({})",
                    Text::raw_list(&f.test_callers, ", ")
                ),
            );
        } else if !dynamic_sites.is_empty() {
            let shown = dynamic_sites
                .iter()
                .map(|d| msg!("{} ({})", Text::raw(&d.location), Text::raw(&d.code)));
            f.problem(
                Code::DynamicCallersOnly,
                msg!(
                    "no static caller; only dynamic dispatch could reach it ({})",
                    Text::join(shown, ", ")
                ),
            );
            if let Some(who) = families
                .iter()
                .find_map(|fam| super::hooks::caller_of(&mn.name, *fam == Family::Ruby))
                .or_else(|| convention(&defs))
            {
                f.low_confidence(msg!(
                    "{} is a hook that {} calls: the framework calls it, not the scanned code",
                    Text::code(&mn.name),
                    Text::ours_marked(who)
                ));
            }
        } else {
            f.problem(
                Code::NoCallers,
                msg!("nothing calls {} in the scanned repos", Text::code(&m.name)),
            );
            // A framework hook: called by convention, from outside the code.
            let hook = families
                .iter()
                .find_map(|fam| super::hooks::caller_of(&mn.name, *fam == Family::Ruby))
                .or_else(|| convention(&defs));
            if let Some(who) = hook {
                f.low_confidence(msg!(
                    "{} is a hook that {} calls: the framework calls it, not the scanned code",
                    Text::code(&mn.name),
                    Text::ours_marked(who)
                ));
            } else {
                module_members_unresolved(ctx, &defs, &mn.name, &mut f);
                object_handed_on(ctx, &defs, &mn.name, &mut f);
                let external = external_ancestors(ctx, &defs, mn.singleton);
                if !external.is_empty() {
                    f.low_confidence(msg!(
                        "{} is defined in a class whose ancestors {} are outside the scanned repos: \
                         it may override one of their methods, which the framework may call",
                        Text::code(&mn.name),
                        Text::join(external.iter().map(Text::code), ", ")
                    ));
                }
            }
        }
    }
    for repo in &m.callers {
        let calls_from_repo = non_test.iter().any(|c| ix.repo_of(c.file) == repo);
        if !calls_from_repo {
            f.problem(
                Code::MissingExpectedCaller,
                msg!("{} never calls {}", Text::raw(repo), Text::code(&m.name)),
            );
        }
    }

    if f.has(Code::NoCallers) || f.has(Code::TestOnlyCallers) || f.has(Code::MissingDefinition) {
        ctx.unread_spelling(&mut f, &mn.name);
    }
    // Non-test calls of the name that no caller counted, and that may reach
    // the point after all: they lower a `no-callers` verdict's confidence.
    if f.has(Code::NoCallers) || f.has(Code::TestOnlyCallers) {
        let counted: BTreeSet<(FileIdx, u32)> = callers.iter().map(|c| (c.file, c.call.line)).collect();
        // Their sorted locations, when `keep` picks them.
        let uncounted = |keep: &dyn Fn(FileIdx, &Call) -> bool| -> Vec<String> {
            let mut at: Vec<String> = calls
                .iter()
                .filter(|(fi, c)| {
                    !ix.is_test(*fi)
                        && c.via == Via::Call
                        && !counted.contains(&(*fi, c.line))
                        && keep(*fi, c)
                })
                .map(|(fi, c)| ctx.loc(*fi, c.line))
                .collect();
            at.sort();
            at.dedup();
            at
        };
        // On receivers that resolve to nothing (`klass.x` where `klass` is
        // a constantized name), set aside because their file never spells
        // the owner.
        let unresolved = if mn.owner.is_some() {
            uncounted(&|fi, c| {
                same_family(fi)
                    && (matches!(&c.recv, Recv::Expr(t) if {
                        let var = receiver_var(t);
                        let class = crate::inflect::camelize(var);
                        var.starts_with(|ch: char| ch.is_ascii_lowercase())
                            && !t.starts_with("this")
                            && ix.classes.owners_named(&class).is_empty()
                            && !ix.resolution.classes.contains(&class)
                    }) || matches!(&c.recv, Recv::Const(k) if value_const(k)))
            })
        } else {
            Vec::new()
        };
        if !unresolved.is_empty() {
            let shown: Vec<String> = unresolved.iter().take(5).cloned().collect();
            f.low_confidence(msg!(
                "calls of {} on receivers seamscan cannot resolve may reach it ({} in all): {}",
                Text::code(&mn.name),
                Text::raw(unresolved.len().to_string()),
                Text::raw_list(&shown, ", ")
            ));
        }
        // Bare, inside methods of other Ruby classes that neither define
        // nor inherit the name in the workspace: a block there may run on
        // another object (`process { markdownify }` under `instance_exec`).
        let bare = if families.contains(&Family::Ruby) {
            uncounted(&|fi, c| {
                c.recv == Recv::Implicit
                    && c.scope.is_some()
                    && c.owner.is_some()
                    && family(ctx, fi) == Some(Family::Ruby)
                    && !di.own_method(c.owner.as_deref())
            })
        } else {
            Vec::new()
        };
        if !bare.is_empty() {
            let shown: Vec<String> = bare.iter().take(5).cloned().collect();
            f.low_confidence(msg!(
                "bare calls of {} in other classes may run it on another object from a block \
                 ({}) ({} in all): {}",
                Text::code(&mn.name),
                Text::code("instance_exec"),
                Text::raw(bare.len().to_string()),
                Text::raw_list(&shown, ", ")
            ));
        }
    }

    // Wiring: the planned env vars, else the vars read in the callers' bodies.
    let vars: Vec<String> = if !m.env.is_empty() {
        m.env.clone()
    } else {
        let mut vs = BTreeSet::new();
        for c in non_test.iter().filter(|c| c.call.via != Via::Import) {
            let facts = &ix.facts[c.file as usize];
            for e in &facts.env_reads {
                if e.scope == c.call.scope {
                    vs.insert(e.name.clone());
                }
            }
        }
        vs.into_iter().collect()
    };
    super::env::wire(ctx, &vars, &mut f);

    // Renamed exports and aliases: callers may use a name the plan does not.
    let renames: Vec<Text> = defs
        .iter()
        .flat_map(|(fi, _)| {
            ix.facts[*fi as usize]
                .renames
                .iter()
                .filter(|(local, _, _)| *local == mn.name)
                .map(move |(_, public, line)| {
                    msg!("{} ({})", Text::code(public), Text::raw(ctx.loc(*fi, *line)))
                })
        })
        .collect();

    // Confidence.
    let mut low = ancestry_low;
    if computed_only && !defs.is_empty() {
        f.low_confidence(Text::ours(
            "defined only as a const computed by a call, which may not return a function",
        ));
    }
    if !renames.is_empty() {
        low.push(msg!(
            "also reachable as {}: callers under that name are not counted",
            Text::join(renames, ", ")
        ));
    }
    if !dynamic_callers.is_empty() {
        low.push(Text::ours("dynamic dispatch near the point"));
    }
    f.dynamic_callers = Some(dynamic_callers);
    f.dynamic_call_sites = Some(dynamic_sites);
    let failed = ctx.failed_mentioning(&names);
    if !failed.is_empty() {
        low.push(msg!(
            "files that mention it failed to parse: {}",
            Text::raw_list(&failed, ", ")
        ));
    }
    let only_weak = !non_test.is_empty() && non_test.iter().all(|c| weak(c.strength));
    let common = COMMON.contains(&mn.name.as_str()) || other_public_defs;
    if only_weak && common {
        low.push(msg!(
            "{} is a common name and every caller matched by name only",
            Text::code(&mn.name)
        ));
    }
    // An owner-qualified point whose every caller is tied to it by name
    // alone: no receiver resolved or named after the owner (`family.x` for
    // `Family#x`), no call from inside the owner, no import.
    if let Some(owner) = &mn.owner
        && !non_test.is_empty()
        && !non_test.iter().any(|c| match c.strength {
            "receiver" | "internal" | "import" => true,
            "name" => {
                matches!(&c.call.recv, Recv::Expr(t) if names_class_in(&ix.classes, &ix.resolution, receiver_var(t), leaf(owner)))
            }
            "symbol" => di.inside(c.call.owner.as_deref()),
            _ => false,
        })
        && !(only_weak && common)
    {
        f.low_confidence(msg!(
            "no caller is tied to {}: every one matches {} by name or a literal symbol only",
            Text::raw(owner),
            Text::code(&mn.name)
        ));
    }
    if !low.is_empty() {
        f.confidence = Confidence::Low;
        f.verify.extend(low);
    }
    if non_test.is_empty() || f.has(Code::NoCallers) {
        f.verify
            .push("callers outside the scanned repos (other services, scripts, consoles)".into());
    }
    // Outbound HTTP calls in the method's own body.
    let mut owners: Vec<String> = all
        .iter()
        .filter_map(|(_, d)| d.owner.clone())
        .filter(|o| mn.owner.as_deref().is_none_or(|p| owner_matches(o, p)))
        .collect();
    owners.sort();
    owners.dedup();
    for o in owners {
        let b = super::effects::Body {
            chain: vec![o.clone()],
            names: [mn.name.clone()].into_iter().collect(),
            repo: None,
        };
        super::effects::report_untimed(ctx, &b, &format!("`{o}#{}`", mn.name), &mut f);
    }
    f
}

/// A type of the browser or of JavaScript itself (`lib.dom.d.ts`,
/// `lib.es*.d.ts`): a value of it is never an instance of a workspace
/// class.
fn platform_type(t: &str) -> bool {
    let element = |p: &str| t.strip_prefix(p).is_some_and(|r| r.ends_with("Element"));
    element("HTML")
        || element("SVG")
        || element("MathML")
        || matches!(
            t,
            "Element"
                | "Node"
                | "Document"
                | "DocumentFragment"
                | "Window"
                | "Text"
                | "Range"
                | "Selection"
                | "CanvasRenderingContext2D"
                | "OffscreenCanvas"
                | "ImageBitmap"
                | "ImageData"
                | "WebGLRenderingContext"
                | "WebGL2RenderingContext"
                | "Blob"
                | "File"
                | "FileReader"
                | "FormData"
                | "Headers"
                | "URL"
                | "URLSearchParams"
                | "WebSocket"
                | "Worker"
                | "Storage"
                | "MutationObserver"
                | "ResizeObserver"
                | "IntersectionObserver"
                | "AbortController"
                | "Map"
                | "Set"
                | "WeakMap"
                | "WeakSet"
                | "Array"
                | "Promise"
                | "Date"
                | "RegExp"
                | "String"
                | "Number"
                | "Uint8Array"
                | "ArrayBuffer"
        )
}

/// A Ruby constant that holds a value rather than naming a class or a
/// module: SCREAMING_SNAKE with an underscore (`SIGNUP_IP_LIMITER`).
fn value_const(k: &str) -> bool {
    let l = leaf(k);
    l.contains('_')
        && l.chars().any(|c| c.is_ascii_uppercase())
        && l.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// The variable a receiver's text ends with: `family` for
/// `Current.family`, `account` for `@account`, `entry` for `txn&.entry`.
/// Is a Ruby receiver a variable named after a class of `repo` that
/// includes or inherits the point's owner (`security` for the concern
/// `Security::Provided` that `Security` includes)?
fn receiver_names_heir(ctx: &Ctx, di: &DefIndex, recv: &str, repo: u32) -> bool {
    let var = receiver_var(recv);
    if !var.starts_with(|ch: char| ch.is_ascii_lowercase()) {
        return false;
    }
    let class = crate::inflect::camelize(var);
    ctx.ix.classes.owners_named(&class).into_iter().any(|k| {
        di.descends(&k)
            && !di.ancestors.contains(&k)
            && ctx
                .ix
                .classes
                .declared_at(&k)
                .iter()
                .any(|l| ctx.ix.file(l.file).repo == repo)
    })
}

/// Methods every Ruby object has (`Object`, `Kernel` and Active Support's
/// core extensions): `x.blank?` on a value seamscan cannot resolve is that
/// method, not a workspace class's of the same name.
const OBJECT_METHODS: [&str; 28] = [
    "blank?",
    "present?",
    "presence",
    "nil?",
    "to_s",
    "to_h",
    "to_a",
    "to_i",
    "to_f",
    "to_json",
    "as_json",
    "to_param",
    "to_query",
    "inspect",
    "dup",
    "clone",
    "freeze",
    "frozen?",
    "tap",
    "then",
    "try",
    "try!",
    "in?",
    "is_a?",
    "kind_of?",
    "respond_to?",
    "instance_of?",
    "hash",
];

/// Could a Ruby receiver that seamscan does not resolve (`Recv::Expr`) hold
/// the point's owner? Not for a method every object has, unless the
/// receiver is named after the owner (`report.to_s` for `Report#to_s`). For
/// a class method (`ImageUtils.blank?`), only a variable can hold the
/// class (`klass`, `@model`, `type.constantize`): an index
/// (`field['conditions']`), a literal or a chain's result is a value.
fn ruby_may_hold_owner(ctx: &Ctx, mn: &MethodName, recv: &str) -> bool {
    let named = || {
        mn.owner
            .as_deref()
            .is_some_and(|o| names_class_in(&ctx.ix.classes, &ctx.ix.resolution, receiver_var(recv), leaf(o)))
    };
    if OBJECT_METHODS.contains(&mn.name.as_str()) && !named() {
        return false;
    }
    if mn.singleton {
        let variable = recv
            .trim_start_matches(['@', '$'])
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
            && !recv.is_empty();
        return variable || recv.ends_with("constantize") || recv.ends_with("class") || named();
    }
    true
}

pub(super) fn receiver_var(recv: &str) -> &str {
    recv.trim_end_matches("()")
        .rsplit(['.', ' ', '(', '['])
        .next()
        .unwrap_or(recv)
        .trim_start_matches(['@', '$', '&'])
        .trim_end_matches(['?', '!', '&'])
}

/// Is `var` a variable named after class `leaf` (`account`,
/// `created_account`, `@account`, `currentUser`, `user`)?
pub(super) fn names_class(var: &str, leaf: &str) -> bool {
    ClassForms::of(leaf).named_by(var, leaf)
}

/// What `names_class` compares a variable with, for one class leaf.
struct ClassForms {
    /// `name_forms` of the leaf.
    forms: Vec<String>,
    /// `_` and its snake_case form (`_line_item`), which a variable may end
    /// with (`first_line_item`).
    snake_suffix: Option<String>,
}

impl ClassForms {
    fn of(leaf: &str) -> ClassForms {
        let forms = name_forms(leaf);
        let snake_suffix = forms
            .iter()
            .find(|f| f.contains('_') || f.chars().all(|c| !c.is_uppercase()))
            .map(|s| format!("_{s}"));
        ClassForms { forms, snake_suffix }
    }

    /// `names_class(var, leaf)` for the leaf these are the forms of.
    fn named_by(&self, var: &str, leaf: &str) -> bool {
        self.forms.iter().any(|f| var == f)
            || self.snake_suffix.as_deref().is_some_and(|s| var.ends_with(s))
            || (var.len() > leaf.len() && var.ends_with(leaf))
    }
}

/// Does a dynamic site read an instance variable rather than call a method
/// (`instance_variable_get("@#{item}")`)?
fn reads_a_variable(what: &str) -> bool {
    let head = what.split('(').next().unwrap_or(what);
    let name = head.rsplit('.').next().unwrap_or(head).trim();
    matches!(name, "instance_variable_get" | "instance_variable_set")
}

/// Is `owner` declared as a Ruby class (not a module, which any class may
/// include)?
fn is_ruby_class(ix: &crate::facts::FactIndex, owner: &str) -> bool {
    let decls = ix.classes.declared_at(owner);
    !decls.is_empty()
        && decls.iter().all(|l| {
            ix.facts[l.file as usize]
                .ancestry
                .iter()
                .filter(|a| a.owner == owner)
                .all(|a| a.rel != Rel::Module)
        })
}

/// Directories of a Rails test tree whose files test the class their path
/// names (`spec/models/agents/webhook_agent_spec.rb`: `Agents::WebhookAgent`).
const TEST_KINDS: [&str; 16] = [
    "models",
    "controllers",
    "lib",
    "services",
    "jobs",
    "workers",
    "mailers",
    "helpers",
    "presenters",
    "serializers",
    "policies",
    "decorators",
    "forms",
    "queries",
    "components",
    "channels",
];

/// The class a Ruby test file tests, by Rails' layout
/// (`test/controllers/users_controller_test.rb`: `UsersController`), when
/// the workspace declares it.
fn test_subject(ix: &crate::facts::FactIndex, path: &str) -> Option<String> {
    let rest = ["spec/", "test/"].iter().find_map(|d| {
        path.strip_prefix(d)
            .or_else(|| path.find(&format!("/{d}")).map(|i| &path[i + 1 + d.len()..]))
    })?;
    let (kind, rest) = rest.split_once('/')?;
    if !TEST_KINDS.contains(&kind) {
        return None;
    }
    let stem = rest
        .strip_suffix("_spec.rb")
        .or_else(|| rest.strip_suffix("_test.rb"))?;
    let class = stem
        .split('/')
        .map(crate::inflect::camelize)
        .collect::<Vec<_>>()
        .join("::");
    if !ix.classes.declared_at(&class).is_empty() {
        return Some(class);
    }
    // `spec/lib/x_spec.rb` for `Lib::X` or a namespaced class: one match only.
    match ix.classes.owners_named(&class).as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}

/// Is a call in a Ruby test file (outside the owner) another class's:
/// - a bare call (the example group's or test case's own helper, a fixture
///   accessor such as `agents(:bob)`) for a method of a class, which only
///   an instance of that class can call bare;
/// - a weak match in a file that tests another class, unrelated to the
///   owner (`patch :update` in `UsersControllerTest` for
///   `Admin::UsersController#update`), unless the receiver names the owner;
/// - a call on the subject (`agent`, `@agent`, `subject`, bare) in a file
///   that tests a subclass of the owner which overrides the method
///   (`agent.receive_web_request` in `webhook_agent_spec.rb` runs
///   `Agents::WebhookAgent#receive_web_request`).
fn test_call_elsewhere(ctx: &Ctx, di: &DefIndex, fi: FileIdx, c: &Call, owner: &str, strength: &str) -> bool {
    let ix = ctx.ix;
    let bare = c.recv == Recv::Implicit && c.via == Via::Call;
    if bare && di.owner_is_class {
        return true;
    }
    let Some(subject) = test_subject(ix, &ix.file(fi).path) else {
        return false;
    };

    let names_owner = |t: &str| names_class_in(&ix.classes, &ix.resolution, receiver_var(t), leaf(owner));
    // Declared paths, compared whole (`UsersController` is no
    // `Admin::UsersController`).
    let is_a = |class: &str, ancestor: &str| {
        class == ancestor
            || ix
                .classes
                .lookup(class, Side::Instance)
                .chain
                .iter()
                .any(|(a, _, _)| a == ancestor)
    };
    // The plan's owner as declared, else the declared owners it may name.
    let owners: Vec<&str> = if ix.classes.declared_at(owner).is_empty() {
        di.ancestors.iter().map(String::as_str).collect()
    } else {
        vec![owner]
    };
    let related = owners.iter().any(|o| is_a(&subject, o) || is_a(o, &subject));
    if !related {
        return matches!(strength, "name" | "symbol" | "reference")
            && !matches!(&c.recv, Recv::Expr(t) if names_owner(t));
    }
    // The subject descends from the owner: does it (or a class between)
    // override the method?
    let overrides = di
        .others_by_leaf
        .values()
        .flatten()
        .any(|o| !owners.iter().any(|a| is_a(a, o)) && is_a(&subject, o));
    overrides
        && match &c.recv {
            Recv::Implicit | Recv::SelfRef => true,
            Recv::Expr(t) => receiver_var(t) == "subject" || names_owner(t),
            _ => false,
        }
}

/// The lowercase words of an identifier (`action_executor`,
/// `actionExecutor`, `ActionExecutor` → `action`, `executor`).
pub(super) fn words(s: &str) -> Vec<String> {
    name_forms(s)
        .into_iter()
        .find(|f| f.chars().all(|c| !c.is_uppercase()))
        .unwrap_or_else(|| s.to_ascii_lowercase())
        .split('_')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

thread_local! {
    // `words` of the receivers and class names asked about on this thread:
    // a 1,000-point plan asks `is_word_suffix` of the same few hundred
    // thousands of times (it was 2% of a warm audit's instructions).
    static WORDS: std::cell::RefCell<HashMap<String, Vec<String>>> = std::cell::RefCell::new(HashMap::default());
}
/// Entries past which the `WORDS` memo starts over (a long-lived server).
const WORDS_MEMO_MAX: usize = 1 << 16;

/// `f` of the `words` of `a` and of `b`, memoized.
fn with_words<R>(a: &str, b: &str, f: impl FnOnce(&[String], &[String]) -> R) -> R {
    WORDS.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= WORDS_MEMO_MAX {
            m.clear();
        }
        for s in [a, b] {
            if !m.contains_key(s) {
                m.insert(s.to_string(), words(s));
            }
        }
        f(&m[a], &m[b])
    })
}

/// Is `var` the last whole words of class `leaf`'s name, but not all of it
/// (`executor` for `ActionExecutor`)?
fn is_word_suffix(var: &str, leaf: &str) -> bool {
    with_words(var, leaf, |v, l| {
        !v.is_empty() && v.len() < l.len() && l.ends_with(v)
    })
}

/// Does `var` name class `leaf` (`names_class`) rather than a longer class
/// of the workspace that it names by more of its words (`action_executor`
/// is an `ActionExecutor` when one exists, not an `Executor`)?
pub(super) fn names_class_in(
    classes: &ClassTable,
    resolution: &crate::facts::Resolution,
    var: &str,
    leaf: &str,
) -> bool {
    if !names_class(var, leaf) {
        return false;
    }
    let (v, l) = (words(var), words(leaf).len());
    (l + 1..=v.len()).all(|k| {
        let class = crate::inflect::camelize(&v[v.len() - k..].join("_"));
        classes.owners_named(&class).is_empty() && !resolution.classes.contains(&class)
    })
}

/// Calls that run a method named at run time on their receiver.
const SENDS: [&str; 5] = ["send", "public_send", "__send__", "try", "try!"];
/// Calls that look a method up by a name given at run time.
const LOOKUPS: [&str; 3] = ["method", "public_method", "instance_method"];

/// Can a Ruby dynamic dispatch site in file `fi` not reach the point's
/// method, by what its receiver says?
/// - on a constant that is not the owner nor a class that inherits or
///   includes it (`Pdfium.public_send(getter)` for `TemplatesController#new`);
/// - on a variable named after another class of the workspace
///   (`submitter.try(field)` for `MfaSetupController#new`);
/// - on `self` (no receiver) in a file none of whose classes is the owner,
///   inherits from it or is one of its ancestors (`send(setting[:path])` in
///   `SettingsHelper` for `BudgetsController#index`).
fn dispatch_cannot_reach(
    ctx: &Ctx,
    fi: FileIdx,
    line: u32,
    what: &str,
    mn: &MethodName,
    di: &DefIndex,
) -> bool {
    // `window[name]()`, `document[k]()`, `console[level]()`: a member of a
    // platform object, never a workspace class's method; of the globals,
    // `window` / `globalThis` / `self` may hold a function a script put
    // there, so only they may reach a module function.
    if family(ctx, fi) == Some(Family::Script)
        && let Some(obj) = what
            .strip_suffix("]()")
            .and_then(|w| w.split_once('['))
            .map(|(o, _)| o.trim_end_matches('?').trim_end_matches('.'))
    {
        let global = matches!(obj, "window" | "globalThis" | "self");
        let platform = matches!(
            obj,
            "document" | "navigator" | "console" | "Math" | "JSON" | "localStorage" | "sessionStorage"
        );
        if platform || (global && mn.owner.is_some()) {
            return true;
        }
    }
    let Some(owner) = &mn.owner else {
        // A point the plan gives no owner, whose Ruby definitions all have
        // one: the site reaches it only if it can reach one of them.
        return family(ctx, fi) == Some(Family::Ruby)
            && !di.ruby_owners.is_empty()
            && di.ruby_owners.iter().all(|(o, _)| {
                let owned = MethodName {
                    owner: Some(o.to_string()),
                    name: mn.name.clone(),
                    singleton: di.ruby_all_singleton,
                };
                dispatch_cannot_reach(ctx, fi, line, what, &owned, di)
            });
    };
    let ix = ctx.ix;
    let head = dispatch_head(what);
    let head = head.as_str();
    // A class method (`ProjectQuery.visible`) is not an instance method:
    // `instance_method(x)` never finds it, and a dispatch on a variable
    // reaches it only when the variable holds a class (`klass.send(x)`,
    // `model_class.public_send(x)`), not an object (`obj.send(attr)`).
    if mn.singleton && family(ctx, fi) == Some(Family::Ruby) {
        let last = head.rsplit('.').next().unwrap_or(head);
        if matches!(last, "instance_method" | "public_instance_method") {
            return true;
        }
        if let Some((recv, m)) = head.rsplit_once('.')
            && (SENDS.contains(&m) || matches!(m, "method" | "public_method"))
        {
            // An object just made (`plan.new.try(m)`, `K.new.send(m)`).
            if recv.ends_with(".new") {
                return true;
            }
            let var = receiver_var(recv);
            // A relation of the owner's records (`event.plans` for
            // `Plan.popular`) answers its class methods too.
            let relation = recv.contains('.')
                && crate::inflect::camelize(&crate::inflect::singularize(var)) == leaf(owner);
            let holds_class = relation
                || ["class", "klass", "model", "type", "const", "scope"]
                    .iter()
                    .any(|w| var.contains(w));
            if var.starts_with(|ch: char| ch.is_ascii_lowercase()) && recv != "self" && !holds_class {
                return true;
            }
        }
    }
    // TypeScript `obj[key]()` / `this.obj[key]()`: a property of `obj`, so
    // a method of the owner only when `obj` may hold an owner. Not when
    // its name names another class of the workspace, unrelated to the
    // owner (`this.marks[mark.type.name]()`: a `Mark`'s, or a map of them,
    // never a `GroupMentionedEmail`).
    if family(ctx, fi) == Some(Family::Script)
        && let Some(obj) = what
            .strip_suffix("]()")
            .and_then(|w| w.split_once('['))
            .map(|(o, _)| o)
    {
        let var = obj.strip_prefix("this.").unwrap_or(obj);
        if var.is_empty() || !var.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '$')) {
            return false;
        }
        if names_class_in(&ix.classes, &ix.resolution, var, leaf(owner)) {
            return false;
        }
        let related = |c: &str| {
            owner_matches(c, owner)
                || di.descends(c)
                || ix.classes.is_a(owner, c)
                || ix.resolution.is_a(leaf(owner), leaf(c))
                || ix.resolution.is_a(leaf(c), leaf(owner))
        };
        let named: Vec<String> = [var.to_string(), crate::inflect::singularize(var)]
            .iter()
            .map(|v| crate::inflect::camelize(v))
            .flat_map(|class| {
                let mut all = ix.classes.owners_named(&class);
                if ix.resolution.classes.contains(&class) {
                    all.push(class);
                }
                all
            })
            .collect();
        return !named.is_empty() && !named.iter().any(|c| related(c));
    }
    let dispatch = |m: &str| SENDS.contains(&m);
    let constant = |k: &str| {
        k.split("::").all(|seg| {
            seg.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && seg.chars().all(|c| c.is_alphanumeric() || c == '_')
        })
    };
    match head.rsplit_once('.') {
        // `K.public_send(x)` or `K.new.public_send(x)`: the constant `K`.
        Some((recv, m)) if dispatch(m) => {
            let k = recv.strip_suffix(".new").unwrap_or(recv);
            if constant(k) {
                return !owner_matches(k, owner) && !di.descends(k);
            }
            let var = receiver_var(k);
            // Rails makes a controller for each request; no other object
            // holds one (`existing.public_send(field)` in a service is no
            // dispatch of `LedgersController#show`), but for a test's
            // `controller` / `@controller`.
            if family(ctx, fi) == Some(Family::Ruby)
                && leaf(owner).ends_with("Controller")
                && recv != "self"
                && !var.to_ascii_lowercase().contains("controller")
            {
                return true;
            }
            let class = crate::inflect::camelize(var);
            !var.is_empty()
                && !names_class_in(&ix.classes, &ix.resolution, var, leaf(owner))
                && !ix.classes.owners_named(&class).is_empty()
                && !ix
                    .classes
                    .owners_named(&class)
                    .iter()
                    .any(|c| di.descends(c) || ix.classes.is_a(owner, c))
        }
        Some(_) => false,
        // `send(x)`, `method(x)`: on the object the code runs in.
        None if (dispatch(head) || matches!(head, "method" | "public_method"))
            && family(ctx, fi) == Some(Family::Ruby) =>
        {
            let facts = &ix.facts[fi as usize];
            let related = |c: &str| owner_matches(c, owner) || di.descends(c) || ix.classes.is_a(owner, c);
            // The class the `send` runs in (its call on the same line),
            // else every class of the file: `send(attribute)` in
            // `Repository` cannot reach `ScmFetchError#x` declared above it.
            if let Some(o) = facts
                .calls
                .iter()
                .find(|c| {
                    c.line == line && c.name == head && matches!(c.recv, Recv::Implicit | Recv::SelfRef)
                })
                .and_then(|c| c.owner.as_deref())
            {
                return !related(o);
            }
            let classes: BTreeSet<&str> = facts
                .defs
                .iter()
                .filter_map(|d| d.owner.as_deref())
                .chain(facts.ancestry.iter().map(|a| a.owner.as_str()))
                .collect();
            !classes.is_empty()
                && !classes
                    .iter()
                    .any(|c| owner_matches(c, owner) || di.descends(c) || ix.classes.is_a(owner, c))
        }
        None => false,
    }
}

/// The calls of a dynamic site up to its first argument list, the
/// arguments of a `new` before it dropped: `K.new(a: 1).send(x)` is
/// `K.new.send`, `object.send(mode)` is `object.send`, `send(x)` is
/// `send`.
fn dispatch_head(what: &str) -> String {
    let mut out = String::new();
    let mut rest = what;
    while let Some(i) = rest.find('(') {
        out.push_str(&rest[..i]);
        if !out.ends_with(".new") {
            return out;
        }
        // Skip the constructor's arguments (balanced; a truncated text ends here).
        let mut depth = 0usize;
        let close = rest[i..].char_indices().find_map(|(j, c)| {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i + j);
                    }
                }
                _ => {}
            }
            None
        });
        match close {
            Some(j) => rest = &rest[j + 1..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// Could a dynamic dispatch site (`send("#{view}_series")`,
/// `obj[`get${k}`]()`, as extraction writes it) call `name`? Its name is
/// an interpolated string whose literal parts must fit `name`: leading text
/// a prefix, trailing text a suffix, the rest inside. Anything else (a
/// variable, a truncated text, reflection) may.
fn may_name(what: &str, name: &str) -> bool {
    // A method called on a class looked up by name
    // (`Object.const_get(..).new.rows`): exactly that method.
    if (what.contains("const_get(") || what.contains("constantize"))
        && let Some((_, tail)) = what.rsplit_once('.')
        && !tail.is_empty()
        && tail
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '?' | '!'))
    {
        return tail == name;
    }
    let Some(open) = what.find(['(', '[']) else {
        return true;
    };
    // Method dispatch only: `const_get("#{kind}Report")` names a class.
    let head = what[..open].rsplit(['.', ' ']).next().unwrap_or("");
    if what.as_bytes()[open] == b'(' && !SENDS.contains(&head) && !LOOKUPS.contains(&head) {
        return true;
    }
    let arg = what[open + 1..].trim_end_matches("()");
    let arg = arg
        .strip_suffix(')')
        .or_else(|| arg.strip_suffix(']'))
        .unwrap_or(arg);
    let arg = arg.split(',').next().unwrap_or(arg).trim();
    let arg = arg.strip_prefix(':').unwrap_or(arg);
    let (body, hole_open) = if let Some(b) = arg.strip_prefix('"').and_then(|a| a.strip_suffix('"')) {
        (b, "#{")
    } else if let Some(b) = arg.strip_prefix('`').and_then(|a| a.strip_suffix('`')) {
        (b, "${")
    } else {
        return true;
    };
    if !body.contains(hole_open) {
        return true;
    }
    // Literal parts between the interpolations (no nested braces).
    let mut parts: Vec<&str> = Vec::new();
    let mut rest = body;
    loop {
        match rest.find(hole_open) {
            Some(i) => {
                parts.push(&rest[..i]);
                match rest[i..].find('}') {
                    Some(j) => rest = &rest[i + j + 1..],
                    None => return true,
                }
            }
            None => {
                parts.push(rest);
                break;
            }
        }
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    let mut at = 0;
    if !name.starts_with(first) || !name.ends_with(last) || first.len() + last.len() > name.len() {
        return false;
    }
    for p in &parts[1..parts.len() - 1] {
        match name[at.max(first.len())..].find(p) {
            Some(i) => at = at.max(first.len()) + i + p.len(),
            None => return false,
        }
    }
    true
}

/// `db/migrate/*.rb`, `db/schema.rb`, `db/cable_schema.rb` (at any depth).
fn is_schema_file(path: &str) -> bool {
    let in_db = |dir: &str| path.starts_with(dir) || path.contains(&format!("/{dir}"));
    in_db("db/migrate/") || (in_db("db/") && path.ends_with("schema.rb"))
}

/// A match by name alone (receiver unresolved) or a mere reference.
fn weak(strength: &str) -> bool {
    matches!(strength, "name" | "reference")
}

/// Is the binding an import call `c` of file `fi` creates used as a value
/// in that file (called, referenced, or used in a template)? Without an
/// import fact to tell the local name, it is assumed used.
fn import_used(ix: &crate::facts::FactIndex, fi: FileIdx, c: &Call) -> bool {
    let facts = &ix.facts[fi as usize];
    let Some(imp) = facts
        .imports
        .iter()
        .find(|i| i.line == c.line && i.imported == crate::facts::Imported::Name(c.name.to_string()))
    else {
        return true;
    };
    facts.calls.iter().any(|o| {
        o.via != Via::Import
            && (o.name == imp.local || matches!(&o.recv, Recv::Expr(e) if *e == imp.local || e.starts_with(&format!("{}.", imp.local))))
    })
}

/// What a call resolved through imports (see `facts::resolve`) says.
enum Resolved<'a> {
    /// A call of one of the point's definitions.
    Caller(Caller<'a>),
    /// A call of another definition.
    Other,
    /// Resolved to a file without a definition of the name: fall back to
    /// matching by name.
    Unknown,
}

impl<'a> Resolved<'a> {
    fn or_else(self, fallback: impl FnOnce() -> Option<Caller<'a>>) -> Option<Caller<'a>> {
        match self {
            Resolved::Caller(c) => Some(c),
            Resolved::Other => None,
            Resolved::Unknown => fallback(),
        }
    }
}

/// A call whose import resolves to `(file, name)`.
fn resolved_caller<'a>(
    ix: &crate::facts::FactIndex,
    mn: &MethodName,
    di: &DefIndex,
    all_files: &HashSet<FileIdx>,
    fi: FileIdx,
    c: &'a Call,
    (tf, real): &(FileIdx, String),
) -> Resolved<'a> {
    // `export { toTitle as titleCase }`: a call of `toTitle` is one of
    // `titleCase` too.
    let alias = |ix: &crate::facts::FactIndex| {
        ix.facts[*tf as usize]
            .renames
            .iter()
            .any(|(local, public, _)| local == real && *public == mn.name)
    };
    if *real != mn.name && alias(ix) {
        return Resolved::Caller(Caller {
            file: fi,
            call: c,
            strength: "import",
            outside_explicit: *tf != fi,
            target: Some(*tf),
        });
    }
    if *real != mn.name {
        return if all_files.contains(tf) {
            Resolved::Other
        } else {
            Resolved::Unknown
        };
    }
    if di.files.contains(tf) {
        Resolved::Caller(Caller {
            file: fi,
            call: c,
            strength: if *tf == fi { "internal" } else { "import" },
            outside_explicit: *tf != fi,
            target: Some(*tf),
        })
    } else if all_files.contains(tf) {
        // Imported from another module's same-named definition.
        Resolved::Other
    } else {
        Resolved::Unknown
    }
}

/// How a call relates to the point; `None` when it provably is not a call of
/// the point (a receiver that is another constant, a local function of the
/// same name in another file).
fn classify<'a>(ctx: &Ctx, mn: &MethodName, di: &DefIndex, fi: FileIdx, c: &'a Call) -> Option<Caller<'a>> {
    let ix = ctx.ix;
    let path = &ix.file(fi).path;
    let repo = ix.file(fi).repo;
    // The definition line itself is not a call.
    if c.via == Via::Symbol && di.sites.contains(&(fi, c.line)) {
        return None;
    }
    let inside = di.inside(c.owner.as_deref());
    // An implicit or `self`/`this` call inside another class that defines
    // its own method of the name calls that method, not the point.
    let implicit = matches!(c.recv, Recv::SelfRef) || (c.recv == Recv::Implicit && c.via != Via::Jsx);
    if implicit && !inside && di.own_method(c.owner.as_deref()) {
        // ...unless that class is an ancestor of the owner, whose override
        // the call may dispatch to.
        if c.owner.as_deref().is_some_and(|co| di.overridden_in(co)) {
            return Some(Caller {
                file: fi,
                call: c,
                strength: "dispatch",
                outside_explicit: false,
                target: None,
            });
        }
        return None;
    }
    // Ruby: `x.new(...)` / `K.new` is `Class#new` (it runs `initialize`),
    // never an instance method named `new` (a controller's `new` action):
    // `user_class.new(params)` is no caller of `UsersController#new`.
    if mn.name == "new"
        && !mn.singleton
        && c.via == Via::Call
        && matches!(c.recv, Recv::Expr(_) | Recv::Const(_))
        && family(ctx, fi) == Some(Family::Ruby)
    {
        return None;
    }
    // Ruby: a call on `x.class` (or `self.class`) is a call on a class: a
    // class method (`record.class.name` is `Module#name`), never an
    // instance method of a planned owner.
    if mn.owner.is_some()
        && !mn.singleton
        && c.via == Via::Call
        && matches!(&c.recv, Recv::Expr(t) if t == "class" || t.ends_with(".class"))
        && family(ctx, fi) == Some(Family::Ruby)
    {
        return None;
    }
    // A Builder or Jbuilder template's `xml.name` / `json.name` writes an
    // element or a key called `name`: no method call.
    if (path.ends_with(".builder") || path.ends_with(".jbuilder"))
        && matches!(&c.recv, Recv::Expr(t) if t == "xml" || t == "json")
    {
        return None;
    }
    // A view component's template renders in the component (the class of
    // the `.rb` beside it): an implicit call there is a method of that
    // class, its ancestors or mixins, not of an unrelated owner
    // (`form_id` in `orders/show/email/component.html.erb` is that
    // component's own `form_id`).
    if mn.owner.is_some()
        && c.recv == Recv::Implicit
        && c.via == Via::Call
        && matches!(ix.file(fi).class.lang, Some(Lang::Erb | Lang::Haml | Lang::Slim))
        && let Some(k) = ix.sidecar_class(fi)
    {
        if !(di.inside(Some(k)) || di.descends(k)) {
            return None;
        }
        return Some(Caller {
            file: fi,
            call: c,
            strength: "internal",
            outside_explicit: false,
            target: None,
        });
    }
    // A call made on a class (in a class body, outside any method, or on a
    // constant) runs its class method of the name, when there is one
    // (`default_schedule "never"` in an agent's body), not the instance
    // method.
    if mn.owner.is_some()
        && di.singleton_twin
        && family(ctx, fi) == Some(Family::Ruby)
        && c.via == Via::Call
        && ((c.recv == Recv::Implicit && c.scope.is_none())
            || matches!(&c.recv, Recv::Const(k) if !value_const(k)))
    {
        return None;
    }
    // A bare call in a Ruby class runs a method of that class, its
    // ancestors or its mixins: in a class unrelated to the owner (`chapters`
    // in `Entry` for `Embed#chapters`), it is not the point. So does a
    // symbol in the class body (`skip_before_action :authorize` in
    // `UsersController` is not `Admin::UsersController#authorize`).
    if let Some(owner) = &mn.owner
        && c.recv == Recv::Implicit
        && (c.via == Via::Call || (c.via == Via::Symbol && c.scope.is_none()))
        && !inside
        && family(ctx, fi) == Some(Family::Ruby)
        && let Some(co) = c.owner.as_deref()
        && di.owner_is_class
        && is_ruby_class(ix, co)
        && !di.descends(co)
        && !di.overridden_in(co)
        && !ix.classes.declared_at(owner).is_empty()
    {
        return None;
    }
    // A point the plan gives no owner, whose Ruby definitions all have one
    // (`check` defined in `class << self` of `Redmine::IMAP`): a call on a
    // constant reaches it only on one of those owners (or an heir), and a
    // bare call in a class outside them only when that class can inherit
    // it: not a class method, nor an instance method of a class the
    // caller's class is not (Capybara's `check 'Remember me'` in a system
    // test). A bare call in a block may run on another self
    // (`fetcher.instance_eval { qualifies? }`).
    if !di.ruby_owners.is_empty() && family(ctx, fi) == Some(Family::Ruby) && c.via == Via::Call {
        // Does a constant (or the class around a call) reach a definition,
        // and a public one?
        let reached = |k: &str| {
            let mut hits = di
                .ruby_owners
                .iter()
                .filter(|(o, _)| owner_matches(k, o) || ix.classes.is_a(k, o));
            hits.next().map(|(_, public)| *public || hits.any(|(_, p)| *p))
        };
        let reaches = |k: &str| reached(k).is_some();
        match &c.recv {
            // A class or module of the workspace; another constant (an
            // object such as `AppConfig`, a gem's class) is not known.
            Recv::Const(k) if !value_const(k) && !ix.classes.owners_named(k).is_empty() => {
                // `module_function` makes a public class method of a
                // private instance method.
                let public = reached(k)?;
                return Some(Caller {
                    file: fi,
                    call: c,
                    strength: "receiver",
                    outside_explicit: !inside && !public,
                    target: None,
                });
            }
            Recv::Implicit
                if !inside
                    && c.owner
                        .as_deref()
                        .is_some_and(|co| !reaches(co) && !di.overridden_in(co))
                    && (di.ruby_all_singleton || di.owner_is_class) =>
            {
                return None;
            }
            _ => {}
        }
    }
    let same_file_def = di.files.contains(&fi);
    let module_fn = di.module_fn;
    // A module function of another repo is reached only through an import
    // (a package): a bare or member call of the name in a repo that defines
    // none and imports none (`progressBar` in another app's vendored
    // script) is not it.
    if mn.owner.is_none()
        && module_fn
        && is_ts(ctx, fi)
        && !di.repos.contains(&repo)
        && !di.imports.contains_key(&fi)
        && !matches!(c.recv, Recv::Module(_))
    {
        return None;
    }
    // A module function of TypeScript is called bare or through an import
    // (`ns.fn()` resolves to it): a property of another object
    // (`labels.resetWebsite`) is not it, nor a member of a global or a
    // class that is no import of the file and defines no point
    // (`Math.random()` for a module's `random`).
    if mn.owner.is_none()
        && module_fn
        && is_ts(ctx, fi)
        && c.via != Via::Symbol
        && match &c.recv {
            Recv::Expr(t) => !t.starts_with("this"),
            Recv::Const(k) => {
                !di.owners_by_leaf.contains_key(leaf(k))
                    && !ix.facts[fi as usize].imports.iter().any(|i| i.local == *k)
            }
            _ => false,
        }
    {
        return None;
    }
    // TypeScript and JavaScript have no implicit receiver: a bare call or a
    // call of an imported binding (`create()` after `import { create } from
    // "zustand"`) is a function's, never a class method's; nor is a call on
    // a property of `this` inside the owner (`this.prisma.user.create()` in
    // `UserService`).
    if mn.owner.is_some()
        && !module_fn
        && matches!(ix.file(fi).class.lang, Some(Lang::TypeScript | Lang::Tsx))
        && c.via != Via::Symbol
        && (matches!(c.recv, Recv::Implicit | Recv::Module(_))
            || (inside && matches!(&c.recv, Recv::Expr(t) if t.starts_with("this."))))
    {
        return None;
    }
    let mut target: Option<FileIdx> = None;
    let (strength, outside_explicit): (&'static str, bool) = match &c.recv {
        Recv::Module(spec) => {
            // A relative or aliased import never crosses repos.
            if local_spec(spec) && !di.repos.contains(&repo) {
                return None;
            }
            target = DefIndex::resolve(ix, di.by_repo.get(&repo), path, spec);
            let resolved = target.is_some();
            // An import of another module's same-named export is not ours.
            if !resolved && DefIndex::resolve(ix, di.all_by_repo.get(&repo), path, spec).is_some() {
                return None;
            }
            (if resolved { "import" } else { "name" }, !same_file_def)
        }
        // A SCREAMING_SNAKE constant (`SIGNUP_IP_LIMITER =
        // RateLimiter.new(...)`) holds a value, not a class: the call is
        // tied to the point by its name only.
        Recv::Const(k) if value_const(k) && family(ctx, fi) == Some(Family::Ruby) => ("name", !inside),
        Recv::Const(k) => {
            // TypeScript: a type imported under another name (`import type
            // { BaseJobProvider as JobClientProvider }`) is that class.
            let renamed = is_ts(ctx, fi)
                .then(|| {
                    ix.facts[fi as usize]
                        .imports
                        .iter()
                        .find_map(|i| match &i.imported {
                            crate::facts::Imported::Name(n) if i.local == *k && n != k => Some(n.as_str()),
                            _ => None,
                        })
                })
                .flatten();
            let k: &str = renamed.unwrap_or(k);
            if let Some(o) = &mn.owner {
                // `new Sub().m()` / `Sub.new.m` calls `Base#m` when `Sub`
                // inherits (or, in Ruby, includes) it.
                let inherits = (is_ts(ctx, fi) && di.resolution.is_a(leaf(k), leaf(o))) || di.descends(k);
                if family(ctx, fi) == Some(Family::Ruby)
                    && names_other_nested(&ix.classes, k, c.owner.as_deref(), &[o])
                {
                    return None;
                }
                if leaf(k) != leaf(o) && !owner_matches(k, o) && !inherits {
                    // TypeScript: a field or parameter typed as a base class
                    // of the owner, or as an interface (no class of that
                    // name), may hold the owner.
                    if !is_ts(ctx, fi) {
                        return None;
                    }
                    if di.resolution.is_a(leaf(o), leaf(k)) {
                        // Dispatched to the owner's override.
                        ("receiver", !inside)
                    } else if platform_type(leaf(k)) && !di.resolution.classes.contains(leaf(k)) {
                        // A browser or language type (`HTMLCanvasElement`,
                        // `Map`): `canvas.toDataURL()` on a DOM canvas is
                        // no call of a workspace class's `toDataURL`.
                        return None;
                    } else if !di.resolution.classes.contains(leaf(k)) {
                        ("name", !inside)
                    } else {
                        return None;
                    }
                } else {
                    ("receiver", !inside)
                }
            } else {
                ("name", !inside && !same_file_def)
            }
        }
        Recv::SelfRef => {
            if inside {
                ("internal", false)
            } else if is_ts(ctx, fi)
                && mn.owner.is_some()
                && c.owner.as_deref().is_some_and(|co| di.overridden_in(co))
            {
                // `this.m()` in a superclass of the owner (an abstract
                // `m` it declares, or none): the template method pattern
                // dispatches it to the owner's override.
                ("dispatch", false)
            } else if is_ts(ctx, fi) && mn.owner.is_some() && c.owner.is_some() {
                // `this.m()` in a TypeScript class that neither is nor
                // inherits from the point's owner: that class's own `m`.
                return None;
            } else {
                ("name", false)
            }
        }
        Recv::Implicit => {
            let internal = inside || (module_fn && same_file_def);
            match c.via {
                Via::Symbol => ("symbol", false),
                Via::Jsx => (
                    if internal { "internal" } else { "name" },
                    module_fn && !same_file_def,
                ),
                Via::Reference if !internal => ("reference", module_fn && !same_file_def),
                _ if internal => ("internal", false),
                _ => {
                    // An implicit call in another file of a function defined
                    // elsewhere: if this file defines its own, it is that one.
                    if di.fn_files_all.contains(&fi) && !same_file_def {
                        return None;
                    }
                    let import = di.imports.get(&fi).copied();
                    // Imported from a module of this repo that defines
                    // another function of the same name: not ours. A module
                    // that defines none (a barrel: `export * from`) may
                    // re-export ours.
                    if let Some(spec) = import {
                        target = DefIndex::resolve(ix, di.by_repo.get(&repo), path, spec);
                        if target.is_none()
                            && DefIndex::resolve(ix, di.all_by_repo.get(&repo), path, spec).is_some()
                        {
                            return None;
                        }
                    }
                    let imported = import.is_some();
                    // A local import that reaches no definition (a barrel
                    // re-exporting it) ties the call to the name only.
                    let resolved = target.is_some() || import.is_some_and(|s| !local_spec(s));
                    (
                        if imported && resolved { "import" } else { "name" },
                        module_fn && imported,
                    )
                }
            }
        }
        Recv::Expr(t) => {
            if c.via == Via::Symbol {
                ("symbol", false)
            } else if family(ctx, fi) == Some(Family::Ruby) && !ruby_may_hold_owner(ctx, mn, t) {
                return None;
            } else {
                ("name", !inside)
            }
        }
    };
    // Rails mixes every helper module into every view: an implicit call in
    // an ERB, HAML or Slim view is a call on an object that includes
    // `SomethingHelper`, without spelling it.
    let view_helper = c.recv == Recv::Implicit
        && c.via == Via::Call
        && mn.owner.as_deref().is_some_and(|o| leaf(o).ends_with("Helper"))
        && matches!(ix.file(fi).class.lang, Some(Lang::Erb | Lang::Haml | Lang::Slim));
    // An implicit call in a view is the view's: a helper, a controller's
    // `helper_method`, a view component's method, or a partial's local
    // (`options[:label]`), never a model's method.
    if c.recv == Recv::Implicit
        && c.via == Via::Call
        && !view_helper
        && matches!(ix.file(fi).class.lang, Some(Lang::Erb | Lang::Haml | Lang::Slim))
        && mn.owner.as_deref().is_some_and(|o| {
            !["Helper", "Controller", "Component"]
                .iter()
                .any(|k| leaf(o).ends_with(k))
        })
    {
        return None;
    }
    let (strength, outside_explicit) = if view_helper {
        ("internal", false)
    } else {
        (strength, outside_explicit)
    };
    // Another app of the workspace with its own class of the owner's name
    // that defines the method (two Rails apps with an
    // `Admin::UsersController#update` each): its calls are its own.
    if let Some(owner) = &mn.owner
        && !di.repos.contains(&repo)
        && di.other_owner_repos.contains(&(repo, leaf(owner)))
    {
        return None;
    }
    // ...or that declares its own class of the owner's name while the
    // definitions' apps declare theirs (two apps' `User`, one including the
    // point's concern): a Ruby call there reaches its own app's class.
    if mn.owner.is_some()
        && family(ctx, fi) == Some(Family::Ruby)
        && !di.repos.contains(&repo)
        && di.owner_decl_repos.contains(&repo)
        && di.repos.iter().any(|r| di.owner_decl_repos.contains(r))
    {
        return None;
    }
    if let Some(owner) = &mn.owner
        && ix.is_test(fi)
        && family(ctx, fi) == Some(Family::Ruby)
        && !inside
        && test_call_elsewhere(ctx, di, fi, c, owner, strength)
    {
        return None;
    }
    // A weak match for a planned owner: not a call of it when the receiver
    // is named after another class that defines the method, nor in a file
    // that never spells the owner (`params[:status]`, `response.status`,
    // `change_column_null :users, :first_name` for `Submitter#status`...).
    if let Some(owner) = &mn.owner
        && matches!(strength, "name" | "symbol" | "reference")
        && !matches!(c.recv, Recv::Module(_))
    {
        if let Recv::Expr(text) = &c.recv
            && di.receiver_names_other(text, leaf(owner))
        {
            return None;
        }
        // A receiver named after a superclass of the owner may hold it.
        let names_ancestor = matches!(&c.recv, Recv::Expr(text) if di.names_ancestor(text));
        if names_ancestor {
            return Some(Caller {
                file: fi,
                call: c,
                strength: "dispatch",
                outside_explicit,
                target,
            });
        }
        // A Ruby receiver variable named after a class of the workspace
        // unrelated to the owner holds that class (`entry.data` for
        // `IframeEmbed::Instagram#data`, `data` being `Entry`'s column);
        // one named after a class that includes or inherits the owner
        // holds an heir (`security.import_provider_prices` for the concern
        // `Security::Provided` of `Security`), whether or not the file
        // spells the owner.
        let mut names_heir = false;
        if let Recv::Expr(text) = &c.recv
            && family(ctx, fi) == Some(Family::Ruby)
        {
            let var = receiver_var(text);
            let class = crate::inflect::camelize(var);
            // Classes of the call's own app: another repo's `Report` says
            // nothing about casa's `report`.
            let named: Vec<String> = ix
                .classes
                .owners_named(&class)
                .into_iter()
                .filter(|k| {
                    ix.classes
                        .declared_at(k)
                        .iter()
                        .any(|l| ix.file(l.file).repo == repo)
                })
                .collect();
            if var.starts_with(|ch: char| ch.is_ascii_lowercase())
                && !named.is_empty()
                && !names_class_in(&ix.classes, &ix.resolution, var, leaf(owner))
                // `report` may hold a `MetricsReport`: the last words of
                // the owner's name.
                && !is_word_suffix(var, leaf(owner))
                && !named.iter().any(|k| di.descends(k) || ix.classes.is_a(owner, k))
            {
                return None;
            }
            names_heir = receiver_names_heir(ctx, di, text, repo);
        }
        if !inside && !same_file_def && !names_heir && !di.mentions_owner(ix, fi) {
            return None;
        }
    }
    // A literal symbol in a migration or a schema names a column.
    if c.via == Via::Symbol && is_schema_file(path) {
        return None;
    }
    Some(Caller {
        file: fi,
        call: c,
        strength,
        outside_explicit,
        target,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_match_by_suffix() {
        assert!(owner_matches(
            "Renderer::VideoRenderService",
            "VideoRenderService"
        ));
        assert!(owner_matches(
            "VideoRenderService",
            "Renderer::VideoRenderService"
        ));
        assert!(!owner_matches("Other::Video", "VideoRenderService"));
        assert!(owner_matches("A::B", "A::B"));
        assert!(!owner_matches("A::B", "C::B"));
    }

    #[test]
    fn dynamic_sites_that_cannot_name_the_method() {
        assert!(may_name("Object.const_get(\"#{k}Report\").new.rows", "rows"));
        assert!(!may_name("Object.const_get(\"#{k}Report\").new.rows", "build"));
        assert!(!may_name("send(\"#{view}_series\")", "classification"));
        assert!(may_name("send(\"#{view}_series\")", "balance_series"));
        assert!(!may_name("send(\"#{attr}=\", value)", "lock"));
        assert!(may_name("send(\"#{attr}=\", value)", "total="));
        assert!(may_name("public_send(\"render_#{kind}\")", "render_csv"));
        assert!(!may_name("public_send(\"render_#{kind}\")", "rows"));
        assert!(may_name("send(name)", "rows"));
        assert!(
            may_name("const_get(\"#{kind}Report\")", "rows"),
            "reflection names classes"
        );
        assert!(!may_name("this[`get${key}`]()", "checkOwner"));
        assert!(may_name("this[`get${key}`]()", "getTracker"));
        assert!(may_name("table[name]()", "rows"));
        assert!(may_name("send(\"#{a}_#{b}\")", "x_y"));
        assert!(!may_name("send(\"a#{x}b#{y}c\")", "abc_no"));
    }

    #[test]
    fn resolves_imports() {
        assert!(import_resolves(
            "src/components/VideoCard.tsx",
            "../lib/format",
            "src/lib/format.ts"
        ));
        assert!(import_resolves("src/a.ts", "./lib", "src/lib/index.ts"));
        assert!(import_resolves(
            "src/pages/x.ts",
            "@/lib/format",
            "src/lib/format.ts"
        ));
        assert!(!import_resolves("src/a.ts", "./other", "src/lib/format.ts"));
        assert!(!import_resolves("src/a.ts", "react", "src/lib/format.ts"));
    }
}
