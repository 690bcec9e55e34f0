//! Ruby (and the Ruby inside ERB) → `FileFacts`.
//!
//! Driven by `queries/ruby/*.scm`; this file turns captures into facts:
//! owners from the scope table, visibility from `private`/`protected`
//! sections, inline modifiers and symbol lists, and paren-less calls told
//! apart from local variables. It keeps only facts whose names the plan is
//! interested in (env reads are always kept).

use super::query::{Compiled, get};
use super::scope::{Entry, ScopeKind, ScopeTable};
use super::{Builder, line_of, node_text, sql_keys, string_literal, truncate};
use crate::facts::{
    Access, Call, Def, DefForm, DefKind, Dynamic, EnvRead, Interest, JsonKey, JsonOpaque, KeyOp, Recv, Via,
};
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;
use tree_sitter::Node;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cap {
    ScopeClass,
    ScopeClassName,
    ScopeModule,
    ScopeModuleName,
    ScopeSingletonClass,
    ScopeStruct,
    ScopeStructName,
    ScopeClassMethods,
    DefMethod,
    DefMethodName,
    DefSingleton,
    DefSingletonName,
    DefMacroKind,
    DefMacroArgs,
    DefAlias,
    DefAliasName,
    VisSection,
    VisCall,
    VisCallArgs,
    CallReceiver,
    CallName,
    RefIdentifier,
    RefSymbol,
    RefSendString,
    LocalAssign,
    LocalParam,
    LocalTypedName,
    LocalTypedClass,
    LocalTypedMethod,
    DynMethod,
    DynArgument,
    DynReflection,
    EnvName,
    JsonIndexColumn,
    JsonIndexKey,
    JsonMethodColumn,
    JsonMethodName,
    JsonMethodArguments,
    JsonPairColumn,
    JsonPair,
    JsonAssignColumn,
    JsonAssignHash,
    JsonStoreMethod,
    JsonStoreArguments,
    JsonSchemaColumn,
    JsonSql,
}

/// Every capture name `parse_cap` maps (checked against the queries).
#[cfg(test)]
pub const CAPTURE_NAMES: [&str; 46] = [
    "scope.class",
    "scope.class.name",
    "scope.module",
    "scope.module.name",
    "scope.singleton_class",
    "scope.struct",
    "scope.struct.name",
    "scope.class_methods",
    "def.method",
    "def.method.name",
    "def.singleton",
    "def.singleton.name",
    "def.macro.kind",
    "def.macro.args",
    "def.alias",
    "def.alias.name",
    "visibility.section",
    "visibility.call",
    "visibility.call.args",
    "call.receiver",
    "call.name",
    "ref.identifier",
    "ref.symbol",
    "ref.send_string",
    "local.assign",
    "local.param",
    "local.typed.name",
    "local.typed.class",
    "local.typed.method",
    "dynamic.method",
    "dynamic.argument",
    "dynamic.reflection",
    "env.name",
    "json.index.column",
    "json.index.key",
    "json.method.column",
    "json.method.name",
    "json.method.arguments",
    "json.pair.column",
    "json.pair",
    "json.assign.column",
    "json.assign.hash",
    "json.store.method",
    "json.store.arguments",
    "json.schema.column",
    "json.sql",
];

fn parse_cap(name: &str) -> Option<Cap> {
    use Cap::*;
    Some(match name {
        "scope.class" => ScopeClass,
        "scope.class.name" => ScopeClassName,
        "scope.module" => ScopeModule,
        "scope.module.name" => ScopeModuleName,
        "scope.singleton_class" => ScopeSingletonClass,
        "scope.struct" => ScopeStruct,
        "scope.struct.name" => ScopeStructName,
        "scope.class_methods" => ScopeClassMethods,
        "def.method" => DefMethod,
        "def.method.name" => DefMethodName,
        "def.singleton" => DefSingleton,
        "def.singleton.name" => DefSingletonName,
        "def.macro.kind" => DefMacroKind,
        "def.macro.args" => DefMacroArgs,
        "def.alias" => DefAlias,
        "def.alias.name" => DefAliasName,
        "visibility.section" => VisSection,
        "visibility.call" => VisCall,
        "visibility.call.args" => VisCallArgs,
        "call.receiver" => CallReceiver,
        "call.name" => CallName,
        "ref.identifier" => RefIdentifier,
        "ref.symbol" => RefSymbol,
        "ref.send_string" => RefSendString,
        "local.assign" => LocalAssign,
        "local.param" => LocalParam,
        "local.typed.name" => LocalTypedName,
        "local.typed.class" => LocalTypedClass,
        "local.typed.method" => LocalTypedMethod,
        "dynamic.method" => DynMethod,
        "dynamic.argument" => DynArgument,
        "dynamic.reflection" => DynReflection,
        "env.name" => EnvName,
        "json.index.column" => JsonIndexColumn,
        "json.index.key" => JsonIndexKey,
        "json.method.column" => JsonMethodColumn,
        "json.method.name" => JsonMethodName,
        "json.method.arguments" => JsonMethodArguments,
        "json.pair.column" => JsonPairColumn,
        "json.pair" => JsonPair,
        "json.assign.column" => JsonAssignColumn,
        "json.assign.hash" => JsonAssignHash,
        "json.store.method" => JsonStoreMethod,
        "json.store.arguments" => JsonStoreArguments,
        "json.schema.column" => JsonSchemaColumn,
        "json.sql" => JsonSql,
        _ => return None,
    })
}

pub const SOURCES: [(&str, &str); 7] = [
    ("scopes.scm", include_str!("../../queries/ruby/scopes.scm")),
    (
        "definitions.scm",
        include_str!("../../queries/ruby/definitions.scm"),
    ),
    (
        "visibility.scm",
        include_str!("../../queries/ruby/visibility.scm"),
    ),
    ("calls.scm", include_str!("../../queries/ruby/calls.scm")),
    ("dynamic.scm", include_str!("../../queries/ruby/dynamic.scm")),
    ("env.scm", include_str!("../../queries/ruby/env.scm")),
    ("json.scm", include_str!("../../queries/ruby/json.scm")),
];

pub static QUERY: LazyLock<Compiled<Cap>> =
    LazyLock::new(|| Compiled::new(&tree_sitter_ruby::LANGUAGE.into(), &SOURCES, parse_cap));

/// Class methods that return an instance of their receiver.
const INSTANCE_FACTORIES: [&str; 12] = [
    "new",
    "find",
    "find_by",
    "find_by!",
    "create",
    "create!",
    "first",
    "first!",
    "last",
    "find_or_create_by",
    "find_or_create_by!",
    "find_or_initialize_by",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Vis {
    Public,
    Protected,
    Private,
    ModuleFunction,
}

fn vis_of(word: &str) -> Option<Vis> {
    Some(match word {
        "public" => Vis::Public,
        "protected" => Vis::Protected,
        "private" => Vis::Private,
        "module_function" => Vis::ModuleFunction,
        _ => return None,
    })
}

/// Symbol or plain string literal text (`:a` → `a`, `"a"` → `a`).
fn symbol_text<'a>(n: Node, src: &'a [u8]) -> Option<std::borrow::Cow<'a, str>> {
    match n.kind() {
        "simple_symbol" => {
            let t = node_text(n, src);
            Some(match t {
                std::borrow::Cow::Borrowed(s) => std::borrow::Cow::Borrowed(s.trim_start_matches(':')),
                std::borrow::Cow::Owned(s) => std::borrow::Cow::Owned(s.trim_start_matches(':').to_string()),
            })
        }
        "hash_key_symbol" | "identifier" | "constant" => Some(node_text(n, src)),
        "string" | "delimited_symbol" => string_literal(n, src),
        _ => None,
    }
}

/// Is a (non-scope) match worth keeping for this plan? Name-bearing matches
/// only when the name is interesting; JSON ones only when the plan has
/// columns. Cheap: one text comparison, no allocation.
fn keep(m: &[(Cap, Node)], src: &[u8], interest: &Interest) -> bool {
    let name = |n: Node| std::str::from_utf8(&src[n.start_byte()..n.end_byte()]).unwrap_or("");
    let (c0, n0) = m[0];
    match c0 {
        Cap::RefIdentifier | Cap::LocalAssign | Cap::LocalParam | Cap::RefSendString => {
            interest.name(name(n0))
        }
        Cap::RefSymbol => interest.name(name(n0).trim_start_matches(':')),
        Cap::CallReceiver | Cap::CallName => get(m, Cap::CallName).is_some_and(|n| interest.name(name(n))),
        Cap::JsonSql => !interest.columns.is_empty() && name(n0).contains("->"),
        Cap::JsonIndexColumn
        | Cap::JsonIndexKey
        | Cap::JsonMethodColumn
        | Cap::JsonMethodName
        | Cap::JsonMethodArguments
        | Cap::JsonPair
        | Cap::JsonPairColumn
        | Cap::JsonAssignColumn
        | Cap::JsonAssignHash
        | Cap::JsonSchemaColumn => !interest.columns.is_empty(),
        _ => true,
    }
}

/// Extract facts from a parsed Ruby tree.
pub fn extract(root: Node, src: &[u8], interest: &Interest, b: &mut Builder) {
    let q = &*QUERY;
    let mut matches: Vec<Vec<(Cap, Node)>> = Vec::new();
    let mut raw_scopes: Vec<Entry> = Vec::new();
    q.for_each(root, src, |m| {
        let (c0, n0) = m[0];
        let scope = Entry::of;
        let named = |c: Cap| {
            get(m, c)
                .map(|n| node_text(n, src).into_owned())
                .unwrap_or_default()
        };
        match c0 {
            Cap::ScopeClass | Cap::ScopeClassName => {
                if let Some(n) = get(m, Cap::ScopeClass) {
                    raw_scopes.push(scope(ScopeKind::Class, named(Cap::ScopeClassName), n));
                }
            }
            Cap::ScopeModule | Cap::ScopeModuleName => {
                if let Some(n) = get(m, Cap::ScopeModule) {
                    raw_scopes.push(scope(ScopeKind::Class, named(Cap::ScopeModuleName), n));
                }
            }
            Cap::ScopeSingletonClass => raw_scopes.push(scope(ScopeKind::Singleton, String::new(), n0)),
            Cap::ScopeClassMethods => raw_scopes.push(scope(ScopeKind::Singleton, String::new(), n0)),
            Cap::ScopeStruct | Cap::ScopeStructName => {
                if let Some(n) = get(m, Cap::ScopeStruct) {
                    raw_scopes.push(scope(ScopeKind::Class, named(Cap::ScopeStructName), n));
                }
            }
            Cap::DefMethod | Cap::DefMethodName => {
                if let Some(n) = get(m, Cap::DefMethod) {
                    raw_scopes.push(scope(ScopeKind::Function, named(Cap::DefMethodName), n));
                }
                matches.push(m.to_vec());
            }
            Cap::DefSingleton | Cap::DefSingletonName => {
                if let Some(n) = get(m, Cap::DefSingleton) {
                    raw_scopes.push(scope(ScopeKind::Function, named(Cap::DefSingletonName), n));
                }
                matches.push(m.to_vec());
            }
            _ => {
                // Only keep what can matter: most matches are identifiers
                // and calls of names the plan does not mention.
                if keep(m, src, interest) {
                    matches.push(m.to_vec());
                }
            }
        }
    });
    let table = ScopeTable::build(raw_scopes);
    let mut rb = Ruby {
        src,
        interest,
        table: &table,
        b,
        consumed: HashSet::new(),
        sections: Vec::new(),
        inline: HashMap::new(),
        by_symbol: HashMap::new(),
        locals: Vec::new(),
        typed: Vec::new(),
    };
    rb.visibility(&matches);
    rb.definitions(&matches);
    rb.rest(&matches);
}

struct Ruby<'a, 'b> {
    src: &'a [u8],
    interest: &'a Interest,
    table: &'a ScopeTable,
    b: &'b mut Builder,
    /// Node ids of identifiers and symbols already explained (definition
    /// names, visibility arguments, call names, locals).
    consumed: HashSet<usize>,
    /// (class scope, byte offset, visibility) of section markers.
    sections: Vec<(Option<usize>, usize, Vis)>,
    /// Definition node start → visibility for `private def x`.
    inline: HashMap<usize, Vis>,
    /// (class scope, name, singleton?) → visibility for `private :x`.
    by_symbol: HashMap<(Option<usize>, String, bool), Vis>,
    /// (function-or-class scope, name, offset) of local variables.
    locals: Vec<(Option<usize>, String, usize)>,
    /// (scope, variable, offset, class) for `x = Const.new` and friends.
    typed: Vec<(Option<usize>, String, usize, String)>,
}

impl<'t> Ruby<'_, '_> {
    fn text(&self, n: Node) -> std::borrow::Cow<'_, str> {
        node_text(n, self.src)
    }

    fn class_scope_at(&self, pos: usize) -> Option<usize> {
        self.table.context(self.table.innermost(pos)).class_scope
    }

    /// The innermost scope (a method body, else a class body) that holds
    /// local variables at `pos`; blocks share their method's locals.
    fn local_scope_at(&self, pos: usize) -> Option<usize> {
        self.table.innermost(pos)
    }

    fn visibility(&mut self, matches: &[Vec<(Cap, Node<'t>)>]) {
        for m in matches {
            if let Some(n) = get(m, Cap::VisSection) {
                let word = self.text(n).into_owned();
                if let Some(v) = vis_of(&word) {
                    // A section marker directly in a class body (not in a method).
                    let inner = self.table.innermost(n.start_byte());
                    let in_fn = inner.is_some_and(|i| self.table.entries[i].kind == ScopeKind::Function);
                    if !in_fn {
                        self.sections
                            .push((self.class_scope_at(n.start_byte()), n.start_byte(), v));
                    }
                    self.consumed.insert(n.id());
                }
            }
            if let (Some(word_node), Some(args)) = (get(m, Cap::VisCall), get(m, Cap::VisCallArgs)) {
                let word = self.text(word_node).into_owned();
                self.consumed.insert(word_node.id());
                let class = self.class_scope_at(word_node.start_byte());
                let (vis, singleton) = match word.as_str() {
                    "private_class_method" => (Vis::Private, true),
                    "public_class_method" => (Vis::Public, true),
                    w => match vis_of(w) {
                        Some(v) => (v, false),
                        None => continue,
                    },
                };
                let mut c = args.walk();
                for a in args.named_children(&mut c) {
                    match a.kind() {
                        "method" | "singleton_method" => {
                            self.inline.insert(a.start_byte(), vis);
                        }
                        "simple_symbol" | "string" => {
                            if let Some(name) = symbol_text(a, self.src) {
                                self.by_symbol.insert((class, name.into_owned(), singleton), vis);
                            }
                            self.consumed.insert(a.id());
                        }
                        "array" => {
                            let mut c2 = a.walk();
                            for el in a.named_children(&mut c2) {
                                if let Some(name) = symbol_text(el, self.src) {
                                    self.by_symbol.insert((class, name.into_owned(), singleton), vis);
                                    self.consumed.insert(el.id());
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        self.sections.sort_by_key(|s| s.1);
    }

    /// Visibility of an instance-side definition at `pos` in class scope
    /// `class` (sections, then inline and symbol overrides).
    fn resolve(
        &self,
        class: Option<usize>,
        name: &str,
        pos: usize,
        def_start: usize,
        singleton: bool,
    ) -> Vis {
        if let Some(v) = self.inline.get(&def_start) {
            return *v;
        }
        if let Some(v) = self.by_symbol.get(&(class, name.to_string(), singleton)) {
            return *v;
        }
        self.sections
            .iter()
            .rev()
            .find(|(c, p, _)| *c == class && *p < pos)
            .map(|s| s.2)
            .unwrap_or(Vis::Public)
    }

    fn push_def(
        &mut self,
        name: &str,
        owner: Option<String>,
        kind: DefKind,
        form: DefForm,
        vis: Vis,
        line: u32,
    ) {
        let access = match vis {
            Vis::Public => Access::Public,
            Vis::Protected => Access::Protected,
            Vis::Private => Access::Private,
            Vis::ModuleFunction => {
                // The instance copy is private; the module copy is public.
                self.b.facts.defs.push(Def {
                    name: name.to_string(),
                    owner: owner.clone(),
                    kind: DefKind::Singleton,
                    form,
                    access: Access::Public,
                    line,
                });
                Access::Private
            }
        };
        self.b.facts.defs.push(Def {
            name: name.to_string(),
            owner,
            kind,
            form,
            access,
            line,
        });
    }

    fn definitions(&mut self, matches: &[Vec<(Cap, Node<'t>)>]) {
        for m in matches {
            if let (Some(def), Some(name)) = (get(m, Cap::DefMethod), get(m, Cap::DefMethodName)) {
                self.consumed.insert(name.id());
                let n = self.text(name).into_owned();
                if !self.interest.name(&n) {
                    continue;
                }
                let ctx = self
                    .table
                    .context(self.table.enclosing(name.start_byte(), def.start_byte()));
                let kind = if ctx.singleton {
                    DefKind::Singleton
                } else if ctx.owner.is_none() {
                    DefKind::Function
                } else {
                    DefKind::Instance
                };
                let vis = if kind == DefKind::Function {
                    Vis::Public
                } else {
                    self.resolve(ctx.class_scope, &n, def.start_byte(), def.start_byte(), false)
                };
                self.push_def(&n, ctx.owner, kind, DefForm::Def, vis, line_of(name));
            }
            if let (Some(def), Some(name)) = (get(m, Cap::DefSingleton), get(m, Cap::DefSingletonName)) {
                self.consumed.insert(name.id());
                let n = self.text(name).into_owned();
                if !self.interest.name(&n) {
                    continue;
                }
                let ctx = self
                    .table
                    .context(self.table.enclosing(name.start_byte(), def.start_byte()));
                let vis = match self.inline.get(&def.start_byte()) {
                    Some(v) => *v,
                    None => self
                        .by_symbol
                        .get(&(ctx.class_scope, n.clone(), true))
                        .copied()
                        .unwrap_or(Vis::Public),
                };
                self.push_def(
                    &n,
                    ctx.owner,
                    DefKind::Singleton,
                    DefForm::ClassMethod,
                    vis,
                    line_of(name),
                );
            }
            if let (Some(kind), Some(args)) = (get(m, Cap::DefMacroKind), get(m, Cap::DefMacroArgs)) {
                self.macro_def(kind, args);
            }
            if let (Some(alias), Some(name)) = (get(m, Cap::DefAlias), get(m, Cap::DefAliasName)) {
                self.consumed.insert(name.id());
                let n = symbol_text(name, self.src)
                    .map(|s| s.into_owned())
                    .unwrap_or_default();
                if let Some(old) = alias.child_by_field_name("alias") {
                    let old_name = symbol_text(old, self.src)
                        .map(|s| s.into_owned())
                        .unwrap_or_default();
                    if self.interest.name(&old_name) && old_name != n {
                        self.b.facts.renames.push((old_name, n.clone(), line_of(old)));
                    }
                }
                if self.interest.name(&n) {
                    let ctx = self.table.context(self.table.innermost(name.start_byte()));
                    let kind = if ctx.singleton {
                        DefKind::Singleton
                    } else {
                        DefKind::Instance
                    };
                    let vis = self.resolve(ctx.class_scope, &n, name.start_byte(), usize::MAX, false);
                    self.push_def(&n, ctx.owner, kind, DefForm::Alias, vis, line_of(name));
                }
            }
        }
    }

    fn macro_def(&mut self, kind_node: Node<'t>, args: Node<'t>) {
        let kind = self.text(kind_node).into_owned();
        let ctx = self.table.context(self.table.innermost(kind_node.start_byte()));
        let mut c = args.walk();
        let items: Vec<Node> = args.named_children(&mut c).collect();
        let symbols: Vec<(Node, String)> = items
            .iter()
            .filter(|a| matches!(a.kind(), "simple_symbol" | "string"))
            .filter_map(|a| symbol_text(*a, self.src).map(|s| (*a, s.into_owned())))
            .collect();
        for (n, _) in &symbols {
            self.consumed.insert(n.id());
        }
        let (names, form): (Vec<(Node, String)>, DefForm) = match kind.as_str() {
            "attr_reader" | "attr" => (symbols, DefForm::Attr),
            "attr_writer" => (
                symbols.into_iter().map(|(n, s)| (n, format!("{s}="))).collect(),
                DefForm::Attr,
            ),
            "attr_accessor" => (
                symbols
                    .into_iter()
                    .flat_map(|(n, s)| [(n, s.clone()), (n, format!("{s}="))])
                    .collect(),
                DefForm::Attr,
            ),
            "define_method" | "define_singleton_method" | "alias_method" => {
                // define_method(name) / alias_method(new, old): the first
                // argument is defined; `old` is a reference.
                if let Some((n, s)) = symbols.first().cloned() {
                    if let Some((old, old_name)) = symbols.get(1) {
                        self.consumed.remove(&old.id());
                        if self.interest.name(old_name) {
                            self.b
                                .facts
                                .renames
                                .push((old_name.clone(), s.clone(), line_of(*old)));
                        }
                    }
                    let form = if kind == "alias_method" {
                        DefForm::Alias
                    } else {
                        DefForm::DefineMethod
                    };
                    (vec![(n, s)], form)
                } else {
                    (Vec::new(), DefForm::DefineMethod)
                }
            }
            "delegate" => (symbols, DefForm::Delegate),
            "def_delegators" => (symbols.into_iter().skip(1).collect(), DefForm::Delegate),
            "def_delegator" => {
                let pick = if symbols.len() >= 3 {
                    symbols.get(2)
                } else {
                    symbols.get(1)
                };
                (pick.cloned().into_iter().collect(), DefForm::Delegate)
            }
            _ => (Vec::new(), DefForm::Def),
        };
        let delegate_private = kind == "delegate"
            && items.iter().any(|p| {
                p.kind() == "pair"
                    && p.child_by_field_name("key")
                        .and_then(|k| symbol_text(k, self.src))
                        .as_deref()
                        == Some("private")
                    && p.child_by_field_name("value").map(|v| v.kind()) == Some("true")
            });
        for (n, name) in names {
            if !self.interest.name(&name) {
                continue;
            }
            let singleton = ctx.singleton || kind == "define_singleton_method";
            let dkind = if singleton {
                DefKind::Singleton
            } else if ctx.owner.is_none() {
                DefKind::Function
            } else {
                DefKind::Instance
            };
            let vis = if delegate_private {
                Vis::Private
            } else {
                self.resolve(ctx.class_scope, &name, kind_node.start_byte(), usize::MAX, false)
            };
            self.push_def(&name, ctx.owner.clone(), dkind, form, vis, line_of(n));
        }
    }

    fn call(&mut self, name: String, recv: Recv, via: Via, at: Node) {
        let pos = at.start_byte();
        let ctx = self.table.context(self.table.innermost(pos));
        let scope = self.function_scope(pos);
        self.b.facts.calls.push(Call {
            name,
            recv,
            via,
            owner: ctx.owner,
            scope,
            line: line_of(at),
        });
    }

    fn function_scope(&mut self, pos: usize) -> Option<u32> {
        self.b.function_scope(self.table, pos)
    }

    fn receiver(&self, r: Node) -> Recv {
        match r.kind() {
            "self" => Recv::SelfRef,
            "constant" | "scope_resolution" => Recv::Const(self.text(r).trim_start_matches("::").to_string()),
            "call" if self.text(r) == "self.class" => Recv::SelfRef,
            "call" => {
                // Const.new.x → an instance of Const.
                let is_new = r
                    .child_by_field_name("method")
                    .is_some_and(|m| self.text(m) == "new");
                match r.child_by_field_name("receiver") {
                    Some(inner) if is_new && matches!(inner.kind(), "constant" | "scope_resolution") => {
                        Recv::Const(self.text(inner).trim_start_matches("::").to_string())
                    }
                    _ => Recv::Expr(truncate(&self.text(r))),
                }
            }
            "identifier" => {
                // A local assigned from `Const.new` earlier in this body.
                let name = self.text(r);
                let scope = self.local_scope_at(r.start_byte());
                let typed = self
                    .typed
                    .iter()
                    .rev()
                    .find(|(s, v, p, _)| *s == scope && *v == name && *p < r.start_byte());
                match typed {
                    Some((_, _, _, class)) => Recv::Const(class.clone()),
                    None => Recv::Expr(truncate(&name)),
                }
            }
            _ => Recv::Expr(truncate(&self.text(r))),
        }
    }

    fn rest(&mut self, matches: &[Vec<(Cap, Node<'t>)>]) {
        // Locals first: they decide whether a bare identifier is a call.
        for m in matches {
            if let (Some(var), Some(class), Some(method)) = (
                get(m, Cap::LocalTypedName),
                get(m, Cap::LocalTypedClass),
                get(m, Cap::LocalTypedMethod),
            ) && INSTANCE_FACTORIES.contains(&self.text(method).as_ref())
            {
                let scope = self.local_scope_at(var.start_byte());
                let class = self.text(class).trim_start_matches("::").to_string();
                self.typed
                    .push((scope, self.text(var).into_owned(), var.start_byte(), class));
            }
            for (c, n) in m {
                if matches!(c, Cap::LocalAssign | Cap::LocalParam) {
                    self.consumed.insert(n.id());
                    let name = self.text(*n).into_owned();
                    if self.interest.name(&name) {
                        let scope = self.local_scope_at(n.start_byte());
                        self.locals.push((scope, name, n.start_byte()));
                    }
                }
            }
        }
        for m in matches {
            if let Some(name) = get(m, Cap::CallName) {
                self.consumed.insert(name.id());
                let n = self.text(name).into_owned();
                if self.interest.name(&n) {
                    let recv = get(m, Cap::CallReceiver)
                        .map(|r| self.receiver(r))
                        .unwrap_or(Recv::Implicit);
                    self.call(n, recv, Via::Call, name);
                }
            }
        }
        for m in matches {
            let (c0, n0) = m[0];
            match c0 {
                Cap::RefIdentifier => {
                    if self.consumed.contains(&n0.id()) {
                        continue;
                    }
                    let n = self.text(n0).into_owned();
                    if !self.interest.name(&n) {
                        continue;
                    }
                    let scope = self.local_scope_at(n0.start_byte());
                    let is_local = self
                        .locals
                        .iter()
                        .any(|(s, name, p)| *s == scope && *name == n && *p <= n0.start_byte());
                    if !is_local {
                        self.call(n, Recv::Implicit, Via::Call, n0);
                    }
                }
                Cap::RefSymbol => {
                    if self.consumed.contains(&n0.id()) {
                        continue;
                    }
                    if let Some(n) = symbol_text(n0, self.src) {
                        let n = n.into_owned();
                        if self.interest.name(&n) {
                            self.call(n, Recv::Implicit, Via::Symbol, n0);
                        }
                    }
                }
                Cap::RefSendString => {
                    let n = self.text(n0).into_owned();
                    if self.interest.name(&n) {
                        self.call(n, Recv::Implicit, Via::Symbol, n0);
                    }
                }
                Cap::DynMethod => {
                    let arg = get(m, Cap::DynArgument);
                    let literal = arg.is_some_and(|a| {
                        symbol_text(a, self.src).is_some()
                            && a.kind() != "identifier"
                            && a.kind() != "constant"
                    });
                    if !literal {
                        let what = format!(
                            "{}({})",
                            self.text(n0),
                            arg.map(|a| truncate(&self.text(a))).unwrap_or_default()
                        );
                        self.b.facts.dynamic.push(Dynamic {
                            what,
                            line: line_of(n0),
                        });
                    }
                }
                Cap::DynReflection => {
                    let what = self.text(n0).into_owned();
                    self.b.facts.dynamic.push(Dynamic {
                        what,
                        line: line_of(n0),
                    });
                }
                Cap::EnvName => {
                    let name = self.text(n0).into_owned();
                    let scope = self.function_scope(n0.start_byte());
                    self.b.facts.env_reads.push(EnvRead {
                        name,
                        scope,
                        line: line_of(n0),
                    });
                }
                Cap::JsonIndexColumn => self.json_index(m),
                Cap::JsonMethodColumn => self.json_method(m),
                Cap::JsonPair | Cap::JsonPairColumn => {
                    let (Some(pair), Some(col)) = (get(m, Cap::JsonPair), get(m, Cap::JsonPairColumn)) else {
                        continue;
                    };
                    let Some(c) = symbol_text(col, self.src).filter(|c| self.interest.column(c)) else {
                        continue;
                    };
                    let c = c.into_owned();
                    match pair.child_by_field_name("value") {
                        Some(h) if h.kind() == "hash" => self.hash_keys(&c, h, KeyOp::Write),
                        // `column: nil` writes nothing.
                        Some(v) if v.kind() == "nil" => {}
                        _ => self.opaque(&c, KeyOp::Write, col),
                    }
                }
                Cap::JsonAssignColumn => {
                    if let (Some(col), Some(h)) = (get(m, Cap::JsonAssignColumn), get(m, Cap::JsonAssignHash))
                    {
                        let c = self.text(col).into_owned();
                        if self.interest.column(&c) {
                            self.hash_keys(&c, h, KeyOp::Write);
                        }
                    }
                }
                Cap::JsonStoreMethod => self.json_store(m),
                Cap::JsonSchemaColumn => {
                    if let Some(c) = symbol_text(n0, self.src).filter(|c| self.interest.column(c)) {
                        let name = c.into_owned();
                        self.b.facts.column_defs.push(crate::facts::ConfigDef {
                            name,
                            line: line_of(n0),
                        });
                    }
                }
                Cap::JsonSql => {
                    let keys = sql_keys(n0, self.src, self.interest);
                    self.b.facts.json_keys.extend(keys);
                }
                _ => {}
            }
        }
    }

    fn column_name(&self, n: Node) -> Option<String> {
        let name = match n.kind() {
            "identifier" => self.text(n).into_owned(),
            "call" => self.text(n.child_by_field_name("method")?).into_owned(),
            _ => return None,
        };
        self.interest.column(&name).then_some(name)
    }

    fn key(&mut self, column: &str, k: Node, op: KeyOp, at: Node) {
        match k.kind() {
            "simple_symbol" | "string" | "hash_key_symbol" => {
                if let Some(key) = symbol_text(k, self.src) {
                    self.b.facts.json_keys.push(JsonKey {
                        column: column.to_string(),
                        key: key.into_owned(),
                        op,
                        line: line_of(k),
                    });
                    return;
                }
                self.opaque(column, op, at);
            }
            _ => self.opaque(column, op, at),
        }
    }

    fn opaque(&mut self, column: &str, op: KeyOp, at: Node) {
        self.b.facts.json_opaque.push(JsonOpaque {
            column: column.to_string(),
            op,
            line: line_of(at),
        });
    }

    fn json_index(&mut self, m: &[(Cap, Node<'t>)]) {
        let (Some(col), Some(key)) = (get(m, Cap::JsonIndexColumn), get(m, Cap::JsonIndexKey)) else {
            return;
        };
        let Some(c) = self.column_name(col) else { return };
        let elem = col.parent();
        let write = elem
            .and_then(|e| {
                let p = e.parent()?;
                let is_lhs = matches!(p.kind(), "assignment" | "operator_assignment")
                    && p.child_by_field_name("left").map(|l| l.id()) == Some(e.id());
                Some(is_lhs)
            })
            .unwrap_or(false);
        self.key(&c, key, if write { KeyOp::Write } else { KeyOp::Read }, key);
    }

    fn json_method(&mut self, m: &[(Cap, Node<'t>)]) {
        let (Some(col), Some(name), Some(args)) = (
            get(m, Cap::JsonMethodColumn),
            get(m, Cap::JsonMethodName),
            get(m, Cap::JsonMethodArguments),
        ) else {
            return;
        };
        let Some(c) = self.column_name(col) else { return };
        let method = self.text(name).into_owned();
        let mut cur = args.walk();
        let items: Vec<Node> = args.named_children(&mut cur).collect();
        match method.as_str() {
            "dig" | "fetch" | "key?" | "has_key?" | "include?" | "delete" => {
                if let Some(k) = items.first() {
                    self.key(&c, *k, KeyOp::Read, name);
                }
            }
            "slice" | "values_at" | "fetch_values" => {
                for k in items {
                    self.key(&c, k, KeyOp::Read, name);
                }
            }
            "store" => {
                if let Some(k) = items.first() {
                    self.key(&c, *k, KeyOp::Write, name);
                }
            }
            "merge" | "merge!" | "deep_merge" | "deep_merge!" | "update" | "reverse_merge" => {
                for a in items {
                    match a.kind() {
                        "pair" => {
                            if let Some(k) = a.child_by_field_name("key") {
                                self.key(&c, k, KeyOp::Write, name);
                            }
                        }
                        "hash" => self.hash_keys(&c, a, KeyOp::Write),
                        _ => self.opaque(&c, KeyOp::Write, name),
                    }
                }
            }
            _ => {}
        }
    }

    fn hash_keys(&mut self, column: &str, h: Node, op: KeyOp) {
        let mut cur = h.walk();
        let items: Vec<Node> = h.named_children(&mut cur).collect();
        for p in items {
            match p.kind() {
                "pair" => {
                    if let Some(k) = p.child_by_field_name("key") {
                        self.key(column, k, op, p);
                    }
                }
                "comment" => {}
                _ => self.opaque(column, op, p),
            }
        }
    }

    fn json_store(&mut self, m: &[(Cap, Node<'t>)]) {
        let (Some(method), Some(args)) = (get(m, Cap::JsonStoreMethod), get(m, Cap::JsonStoreArguments))
        else {
            return;
        };
        let mut cur = args.walk();
        let items: Vec<Node> = args.named_children(&mut cur).collect();
        let Some(first) = items.first() else { return };
        let Some(c) = symbol_text(*first, self.src).map(|s| s.into_owned()) else {
            return;
        };
        if !self.interest.column(&c) {
            return;
        }
        if self.text(method) == "store_accessor" {
            for k in &items[1..] {
                if matches!(k.kind(), "simple_symbol" | "string") {
                    self.key(&c, *k, KeyOp::Accessor, *k);
                }
            }
        } else {
            for p in &items[1..] {
                let is_accessors = p.kind() == "pair"
                    && p.child_by_field_name("key")
                        .and_then(|k| symbol_text(k, self.src))
                        .as_deref()
                        == Some("accessors");
                if let (true, Some(arr)) = (is_accessors, p.child_by_field_name("value")) {
                    let mut c2 = arr.walk();
                    let ks: Vec<Node> = arr.named_children(&mut c2).collect();
                    for k in ks {
                        self.key(&c, k, KeyOp::Accessor, k);
                    }
                }
            }
        }
    }
}
