//! TypeScript, TSX and JavaScript → `FileFacts`.
//!
//! Driven by `queries/typescript/*.scm` (shared by the TS and TSX grammars;
//! JavaScript is parsed with TSX). Class member visibility comes from
//! `private`/`protected`/`#name`; module-level functions are module-local
//! unless exported (`export function`, `export { a as b }`, `export default`,
//! CommonJS `module.exports`).

use super::query::{Compiled, get};
use super::scope::{Entry, ScopeKind, ScopeTable};
use super::{Builder, line_of, node_text, sql_keys, string_literal, truncate};
use crate::facts::{
    Access, Call, Def, DefForm, DefKind, Dynamic, EnvRead, Interest, JsonKey, JsonOpaque, KeyOp, Lang, Recv,
    Via,
};
use std::collections::HashSet;
use std::sync::LazyLock;
use tree_sitter::Node;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cap {
    ScopeClass,
    ScopeClassName,
    ScopeObject,
    ScopeObjectName,
    DefMethod,
    DefMethodName,
    DefField,
    DefFieldName,
    DefFunction,
    DefFunctionName,
    DefConst,
    DefConstName,
    DefPair,
    DefPairName,
    ExportDeclaration,
    ExportDefault,
    ExportLocal,
    ExportReexport,
    ExportSource,
    ExportCommonjs,
    ExportCommonjsName,
    ImportSpecifier,
    ImportSource,
    ImportRequirePattern,
    CallName,
    CallReceiver,
    CallComputedReceiver,
    CallComputedIndex,
    CallJsx,
    CallJsxClosing,
    RefMember,
    RefIdentifier,
    LocalTypedName,
    LocalTypedClass,
    EnvBase,
    EnvName,
    EnvNameString,
    EnvPattern,
    JsonMemberColumn,
    JsonMemberKey,
    JsonSubscriptColumn,
    JsonSubscriptKey,
    JsonPairColumn,
    JsonPairObject,
    JsonDestructurePattern,
    JsonDestructureColumn,
    JsonSql,
}

/// Every capture name `parse_cap` maps (checked against the queries).
#[cfg(test)]
pub const CAPTURE_NAMES: [&str; 47] = [
    "scope.class",
    "scope.class.name",
    "scope.object",
    "scope.object.name",
    "def.method",
    "def.method.name",
    "def.field",
    "def.field.name",
    "def.function",
    "def.function.name",
    "def.const",
    "def.const.name",
    "def.pair",
    "def.pair.name",
    "export.declaration",
    "export.default",
    "export.local",
    "export.reexport",
    "export.source",
    "export.commonjs",
    "export.commonjs_name",
    "import.specifier",
    "import.source",
    "import.require_pattern",
    "call.name",
    "call.receiver",
    "call.computed.receiver",
    "call.computed.index",
    "call.jsx",
    "call.jsx_closing",
    "ref.member",
    "ref.identifier",
    "local.typed.name",
    "local.typed.class",
    "env.base",
    "env.name",
    "env.name_string",
    "env.pattern",
    "json.member.column",
    "json.member.key",
    "json.subscript.column",
    "json.subscript.key",
    "json.pair.column",
    "json.pair.object",
    "json.destructure.pattern",
    "json.destructure.column",
    "json.sql",
];

fn parse_cap(name: &str) -> Option<Cap> {
    use Cap::*;
    Some(match name {
        "scope.class" => ScopeClass,
        "scope.class.name" => ScopeClassName,
        "scope.object" => ScopeObject,
        "scope.object.name" => ScopeObjectName,
        "def.method" => DefMethod,
        "def.method.name" => DefMethodName,
        "def.field" => DefField,
        "def.field.name" => DefFieldName,
        "def.function" => DefFunction,
        "def.function.name" => DefFunctionName,
        "def.const" => DefConst,
        "def.const.name" => DefConstName,
        "def.pair" => DefPair,
        "def.pair.name" => DefPairName,
        "export.declaration" => ExportDeclaration,
        "export.default" => ExportDefault,
        "export.local" => ExportLocal,
        "export.reexport" => ExportReexport,
        "export.source" => ExportSource,
        "export.commonjs" => ExportCommonjs,
        "export.commonjs_name" => ExportCommonjsName,
        "import.specifier" => ImportSpecifier,
        "import.source" => ImportSource,
        "import.require_pattern" => ImportRequirePattern,
        "call.name" => CallName,
        "call.receiver" => CallReceiver,
        "call.computed.receiver" => CallComputedReceiver,
        "call.computed.index" => CallComputedIndex,
        "call.jsx" => CallJsx,
        "call.jsx_closing" => CallJsxClosing,
        "ref.member" => RefMember,
        "ref.identifier" => RefIdentifier,
        "local.typed.name" => LocalTypedName,
        "local.typed.class" => LocalTypedClass,
        "env.base" => EnvBase,
        "env.name" => EnvName,
        "env.name_string" => EnvNameString,
        "env.pattern" => EnvPattern,
        "json.member.column" => JsonMemberColumn,
        "json.member.key" => JsonMemberKey,
        "json.subscript.column" => JsonSubscriptColumn,
        "json.subscript.key" => JsonSubscriptKey,
        "json.pair.column" => JsonPairColumn,
        "json.pair.object" => JsonPairObject,
        "json.destructure.pattern" => JsonDestructurePattern,
        "json.destructure.column" => JsonDestructureColumn,
        "json.sql" => JsonSql,
        _ => return None,
    })
}

pub const SOURCES: [(&str, &str); 6] = [
    ("scopes.scm", include_str!("../../queries/typescript/scopes.scm")),
    (
        "definitions.scm",
        include_str!("../../queries/typescript/definitions.scm"),
    ),
    (
        "modules.scm",
        include_str!("../../queries/typescript/modules.scm"),
    ),
    ("calls.scm", include_str!("../../queries/typescript/calls.scm")),
    ("env.scm", include_str!("../../queries/typescript/env.scm")),
    ("json.scm", include_str!("../../queries/typescript/json.scm")),
];

pub static TS_QUERY: LazyLock<Compiled<Cap>> = LazyLock::new(|| {
    Compiled::new(
        &tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
        &SOURCES,
        parse_cap,
    )
});
/// TSX (and JavaScript) add the JSX patterns.
pub const JSX_SOURCE: (&str, &str) = ("jsx.scm", include_str!("../../queries/typescript/jsx.scm"));

pub static TSX_QUERY: LazyLock<Compiled<Cap>> = LazyLock::new(|| {
    let mut sources = SOURCES.to_vec();
    sources.push(JSX_SOURCE);
    Compiled::new(&tree_sitter_typescript::LANGUAGE_TSX.into(), &sources, parse_cap)
});

/// Is a (non-scope) match worth keeping for this plan? See `ruby::keep`.
fn keep(m: &[(Cap, Node)], src: &[u8], interest: &Interest) -> bool {
    let name = |n: Node| {
        let t = std::str::from_utf8(&src[n.start_byte()..n.end_byte()]).unwrap_or("");
        t.trim_start_matches('#')
    };
    let (c0, n0) = m[0];
    match c0 {
        Cap::RefIdentifier | Cap::RefMember | Cap::CallJsx | Cap::CallJsxClosing => interest.name(name(n0)),
        Cap::CallReceiver | Cap::CallName => get(m, Cap::CallName).is_some_and(|n| interest.name(name(n))),
        Cap::JsonSql => !interest.columns.is_empty() && name(n0).contains("->"),
        Cap::JsonMemberColumn
        | Cap::JsonMemberKey
        | Cap::JsonSubscriptColumn
        | Cap::JsonSubscriptKey
        | Cap::JsonPairColumn
        | Cap::JsonPairObject
        | Cap::JsonDestructurePattern
        | Cap::JsonDestructureColumn => !interest.columns.is_empty(),
        _ => true,
    }
}

/// A module-level definition waiting for export information.
struct Pending {
    def: Def,
    /// Start byte of the declaration statement (to match `export` wrappers).
    decl_start: usize,
    module_level: bool,
}

pub fn extract(lang: Lang, root: Node, src: &[u8], interest: &Interest, b: &mut Builder) {
    let q = if lang == Lang::TypeScript {
        &*TS_QUERY
    } else {
        &*TSX_QUERY
    };
    let mut matches: Vec<Vec<(Cap, Node)>> = Vec::new();
    let mut raw_scopes: Vec<Entry> = Vec::new();
    let mut object_scopes: HashSet<usize> = HashSet::new();
    q.for_each(root, src, |m| {
        let scope = Entry::of;
        let named = |c: Cap| {
            get(m, c)
                .map(|n| node_text(n, src).into_owned())
                .unwrap_or_default()
        };
        if let Some(n) = get(m, Cap::ScopeClass) {
            raw_scopes.push(scope(ScopeKind::Class, named(Cap::ScopeClassName), n));
            return;
        }
        if let Some(n) = get(m, Cap::ScopeObject) {
            object_scopes.insert(n.start_byte());
            raw_scopes.push(scope(ScopeKind::Class, named(Cap::ScopeObjectName), n));
            return;
        }
        for (def, name) in [
            (Cap::DefMethod, Cap::DefMethodName),
            (Cap::DefField, Cap::DefFieldName),
            (Cap::DefFunction, Cap::DefFunctionName),
            (Cap::DefConst, Cap::DefConstName),
            (Cap::DefPair, Cap::DefPairName),
        ] {
            if let Some(n) = get(m, def) {
                raw_scopes.push(scope(ScopeKind::Function, named(name), n));
            }
        }
        if keep(m, src, interest) {
            matches.push(m.to_vec());
        }
    });
    let table = ScopeTable::build(raw_scopes);
    let mut ts = Ts {
        src,
        interest,
        table: &table,
        b,
        consumed: HashSet::new(),
        pending: Vec::new(),
        exported_names: HashSet::new(),
        exported_decls: HashSet::new(),
        object_scopes,
        typed: Vec::new(),
    };
    ts.run(&matches);
}

struct Ts<'a, 'b> {
    src: &'a [u8],
    interest: &'a Interest,
    table: &'a ScopeTable,
    b: &'b mut Builder,
    consumed: HashSet<usize>,
    pending: Vec<Pending>,
    exported_names: HashSet<String>,
    exported_decls: HashSet<usize>,
    /// Start bytes of `const x = { ... }` object scopes.
    object_scopes: HashSet<usize>,
    /// (function scope, variable, class) for `const x = new C()` and
    /// `(x: C) =>`.
    typed: Vec<(Option<usize>, String, String)>,
}

impl<'t> Ts<'_, '_> {
    fn text(&self, n: Node) -> String {
        node_text(n, self.src).into_owned()
    }

    fn name_of(&self, n: Node) -> String {
        match n.kind() {
            "string" => string_literal(n, self.src)
                .map(|s| s.into_owned())
                .unwrap_or_default(),
            "private_property_identifier" => self.text(n).trim_start_matches('#').to_string(),
            _ => self.text(n),
        }
    }

    /// The innermost function scope-table entry around `pos`.
    fn fn_entry(&self, pos: usize) -> Option<usize> {
        self.table.function_at(pos)
    }

    /// The next function entry enclosing entry `i`.
    fn outer_fn(&self, i: usize) -> Option<usize> {
        let mut cur = self.table.entries[i].parent;
        while let Some(j) = cur {
            if self.table.entries[j].kind == ScopeKind::Function {
                return Some(j);
            }
            cur = self.table.entries[j].parent;
        }
        None
    }

    fn function_scope(&mut self, pos: usize) -> Option<u32> {
        self.b.function_scope(self.table, pos)
    }

    fn run(&mut self, matches: &[Vec<(Cap, Node<'t>)>]) {
        // Pass 1: definitions and module structure.
        for m in matches {
            self.definition(m);
            self.module(m);
        }
        // Resolve exports of module-level definitions.
        for p in std::mem::take(&mut self.pending) {
            let mut d = p.def;
            if p.module_level {
                let exported =
                    self.exported_decls.contains(&p.decl_start) || self.exported_names.contains(&d.name);
                d.access = if exported {
                    Access::Public
                } else {
                    Access::ModuleLocal
                };
            }
            self.b.facts.defs.push(d);
        }
        // Pass 2: calls and references.
        for m in matches {
            if let (Some(var), Some(class)) = (get(m, Cap::LocalTypedName), get(m, Cap::LocalTypedClass)) {
                let scope = self.fn_entry(var.start_byte());
                self.typed.push((scope, self.text(var), self.text(class)));
            }
        }
        for m in matches {
            self.calls(m);
        }
        for m in matches {
            self.references(m);
            self.env(m);
            self.json(m);
        }
    }

    fn definition(&mut self, m: &[(Cap, Node<'t>)]) {
        let pairs = [
            (Cap::DefMethod, Cap::DefMethodName),
            (Cap::DefField, Cap::DefFieldName),
            (Cap::DefFunction, Cap::DefFunctionName),
            (Cap::DefConst, Cap::DefConstName),
            (Cap::DefPair, Cap::DefPairName),
        ];
        for (dc, nc) in pairs {
            let (Some(def), Some(name_node)) = (get(m, dc), get(m, nc)) else {
                continue;
            };
            self.consumed.insert(name_node.id());
            let name = self.name_of(name_node);
            if !self.interest.name(&name) {
                continue;
            }
            let ctx = self
                .table
                .context(self.table.enclosing(name_node.start_byte(), def.start_byte()));
            let member = matches!(dc, Cap::DefMethod | Cap::DefField | Cap::DefPair);
            if member && ctx.owner.is_none() {
                // A method of an anonymous object literal: not addressable.
                continue;
            }
            let (mut access, mut is_static) = (Access::Public, false);
            if member {
                let mut c = def.walk();
                for ch in def.children(&mut c) {
                    match ch.kind() {
                        "accessibility_modifier" => {
                            access = match self.text(ch).as_str() {
                                "private" => Access::Private,
                                "protected" => Access::Protected,
                                _ => Access::Public,
                            }
                        }
                        "static" => is_static = true,
                        _ => {}
                    }
                }
                if name_node.kind() == "private_property_identifier" {
                    access = Access::Private;
                }
            }
            let in_function = ctx.function.is_some();
            let kind = if !member {
                DefKind::Function
            } else if is_static || dc == Cap::DefPair || self.is_object_owner(ctx.class_scope) {
                DefKind::Singleton
            } else {
                DefKind::Instance
            };
            let form = match dc {
                Cap::DefMethod => DefForm::Def,
                Cap::DefField => DefForm::Field,
                Cap::DefFunction => DefForm::Function,
                Cap::DefConst => DefForm::ConstFunction,
                _ => DefForm::Field,
            };
            // The statement an `export` would wrap.
            let decl = if dc == Cap::DefConst {
                def.parent().map(|p| p.start_byte()).unwrap_or(def.start_byte())
            } else {
                def.start_byte()
            };
            let module_level = !member && ctx.owner.is_none() && !in_function;
            let owner = if member { ctx.owner } else { None };
            self.pending.push(Pending {
                def: Def {
                    name,
                    owner,
                    kind,
                    form,
                    access,
                    line: line_of(name_node),
                },
                decl_start: decl,
                module_level,
            });
            if !module_level && !member {
                // A function nested in another function: not reachable from
                // outside; recorded as module-local.
                if let Some(p) = self.pending.last_mut() {
                    p.def.access = Access::ModuleLocal;
                }
            }
        }
    }

    fn is_object_owner(&self, class_scope: Option<usize>) -> bool {
        // Object-literal owners (`const api = {...}`) are called as `api.x()`.
        class_scope.is_some_and(|i| self.object_scopes.contains(&self.table.entries[i].start))
    }

    fn module(&mut self, m: &[(Cap, Node<'t>)]) {
        if let Some(d) = get(m, Cap::ExportDeclaration) {
            self.exported_decls.insert(d.start_byte());
            // export class C / export default class: the class body's methods
            // stay governed by their own modifiers.
        }
        if let Some(n) = get(m, Cap::ExportDefault) {
            self.consumed.insert(n.id());
            self.exported_names.insert(self.text(n));
        }
        if let Some(spec) = get(m, Cap::ExportLocal) {
            let name = spec.child_by_field_name("name");
            let alias = spec.child_by_field_name("alias");
            if let Some(n) = name {
                self.consumed.insert(n.id());
                self.exported_names.insert(self.name_of(n));
            }
            if let Some(a) = alias {
                self.consumed.insert(a.id());
                // export { toTitle as titleCase }: `titleCase` is defined here.
                let public = self.name_of(a);
                if let Some(n) = name {
                    let local = self.name_of(n);
                    if self.interest.name(&local) && local != public {
                        self.b.facts.renames.push((local, public.clone(), line_of(a)));
                    }
                }
                if self.interest.name(&public) {
                    self.pending.push(Pending {
                        def: Def {
                            name: public,
                            owner: None,
                            kind: DefKind::Function,
                            form: DefForm::Alias,
                            access: Access::Public,
                            line: line_of(a),
                        },
                        decl_start: usize::MAX,
                        module_level: false,
                    });
                }
            }
        }
        // `export { a } from './m'` passes `a` on; it is not a call of it
        // (an export statement, ESM or CommonJS, never is). Importers of
        // this module still count as callers.
        if let (Some(spec), Some(_)) = (get(m, Cap::ExportReexport), get(m, Cap::ExportSource)) {
            if let Some(n) = spec.child_by_field_name("name") {
                self.consumed.insert(n.id());
            }
            if let Some(a) = spec.child_by_field_name("alias") {
                self.consumed.insert(a.id());
            }
        }
        // CommonJS exports export the names they list; they never call them
        // (so the identifiers they hold are consumed, not references).
        if let Some(value) = get(m, Cap::ExportCommonjs) {
            match value.kind() {
                "identifier" => {
                    self.consumed.insert(value.id());
                    self.exported_names.insert(self.text(value));
                }
                "object" => {
                    let mut c = value.walk();
                    for p in value.named_children(&mut c) {
                        let key = match p.kind() {
                            "shorthand_property_identifier" => Some(p),
                            "pair" => p.child_by_field_name("key"),
                            _ => None,
                        };
                        if let Some(k) = key {
                            self.consumed.insert(k.id());
                            self.exported_names.insert(self.name_of(k));
                        }
                        if p.kind() == "pair"
                            && let Some(v) = p
                                .child_by_field_name("value")
                                .filter(|v| v.kind() == "identifier")
                        {
                            self.consumed.insert(v.id());
                            self.exported_names.insert(self.text(v));
                        }
                    }
                }
                _ => {}
            }
        }
        if let Some(n) = get(m, Cap::ExportCommonjsName) {
            // `exports.x = x` / `module.exports.x = x`: `x` is exported
            // under the property's name; a plain identifier on the right is
            // the local being exported, not a call of it.
            self.consumed.insert(n.id());
            self.exported_names.insert(self.text(n));
            let value = n
                .parent()
                .and_then(|lhs| lhs.parent())
                .filter(|a| a.kind() == "assignment_expression")
                .and_then(|a| a.child_by_field_name("right"))
                .filter(|v| v.kind() == "identifier");
            if let Some(v) = value {
                self.consumed.insert(v.id());
                self.exported_names.insert(self.text(v));
            }
        }
        if let (Some(spec), Some(src)) = (get(m, Cap::ImportSpecifier), get(m, Cap::ImportSource)) {
            let from = string_literal(src, self.src)
                .map(|s| s.into_owned())
                .unwrap_or_default();
            if let Some(n) = spec.child_by_field_name("name") {
                self.consumed.insert(n.id());
                let name = self.name_of(n);
                if self.interest.name(&name) {
                    self.push_call(name, Recv::Module(from), Via::Import, n);
                }
            }
            if let Some(a) = spec.child_by_field_name("alias") {
                self.consumed.insert(a.id());
            }
        }
        if let (Some(pat), Some(src)) = (get(m, Cap::ImportRequirePattern), get(m, Cap::ImportSource)) {
            let from = string_literal(src, self.src)
                .map(|s| s.into_owned())
                .unwrap_or_default();
            let mut c = pat.walk();
            let kids: Vec<Node> = pat.named_children(&mut c).collect();
            for p in kids {
                let key = match p.kind() {
                    "shorthand_property_identifier_pattern" => Some(p),
                    "pair_pattern" => p.child_by_field_name("key"),
                    _ => None,
                };
                if let Some(k) = key {
                    self.consumed.insert(k.id());
                    let name = self.name_of(k);
                    if self.interest.name(&name) {
                        self.push_call(name, Recv::Module(from.clone()), Via::Import, k);
                    }
                }
            }
        }
    }

    fn push_call(&mut self, name: String, recv: Recv, via: Via, at: Node) {
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

    fn receiver(&self, r: Node) -> Recv {
        // `((((x))))` is `x`: unwrapped in a loop, never by recursion (a
        // crafted file nests thousands deep).
        let mut r = r;
        while r.kind() == "parenthesized_expression" {
            match r.named_child(0) {
                Some(inner) => r = inner,
                None => return Recv::Expr(String::new()),
            }
        }
        match r.kind() {
            "this" | "super" => Recv::SelfRef,
            "identifier" => {
                let t = self.text(r);
                if t.chars().next().is_some_and(|c| c.is_ascii_uppercase()) {
                    return Recv::Const(t);
                }
                // A variable or parameter typed as a class in this function
                // (or an enclosing one).
                let mut scope = self.fn_entry(r.start_byte());
                loop {
                    if let Some((_, _, class)) = self.typed.iter().find(|(s, v, _)| *s == scope && *v == t) {
                        return Recv::Const(class.clone());
                    }
                    match scope {
                        Some(i) => scope = self.outer_fn(i),
                        None => return Recv::Expr(t),
                    }
                }
            }
            "new_expression" => match r.child_by_field_name("constructor") {
                Some(c) if c.kind() == "identifier" => Recv::Const(self.text(c)),
                _ => Recv::Expr(truncate(&self.text(r))),
            },
            _ => Recv::Expr(truncate(&self.text(r))),
        }
    }

    fn calls(&mut self, m: &[(Cap, Node<'t>)]) {
        if let Some(name_node) = get(m, Cap::CallName) {
            self.consumed.insert(name_node.id());
            let name = self.name_of(name_node);
            if self.interest.name(&name) {
                let recv = get(m, Cap::CallReceiver)
                    .map(|r| self.receiver(r))
                    .unwrap_or(Recv::Implicit);
                self.push_call(name, recv, Via::Call, name_node);
            }
        }
        if let (Some(r), Some(idx)) = (get(m, Cap::CallComputedReceiver), get(m, Cap::CallComputedIndex)) {
            match (idx.kind(), string_literal(idx, self.src)) {
                ("string", Some(name)) => {
                    let name = name.into_owned();
                    if self.interest.name(&name) {
                        let recv = self.receiver(r);
                        self.push_call(name, recv, Via::Symbol, idx);
                    }
                }
                _ => self.b.facts.dynamic.push(Dynamic {
                    what: format!("{}[{}]()", truncate(&self.text(r)), truncate(&self.text(idx))),
                    line: line_of(idx),
                }),
            }
        }
        if let Some(n) = get(m, Cap::CallJsxClosing) {
            self.consumed.insert(n.id());
        }
        if let Some(n) = get(m, Cap::CallJsx) {
            self.consumed.insert(n.id());
            let name = self.text(n);
            if self.interest.name(&name) {
                self.push_call(name, Recv::Implicit, Via::Jsx, n);
            }
        }
    }

    fn references(&mut self, m: &[(Cap, Node<'t>)]) {
        if let Some(n) = get(m, Cap::RefMember) {
            if self.consumed.contains(&n.id()) {
                return;
            }
            let name = self.text(n);
            if self.interest.name(&name) {
                let recv = n
                    .parent()
                    .and_then(|p| p.child_by_field_name("object"))
                    .map(|o| self.receiver(o))
                    .unwrap_or(Recv::Implicit);
                self.consumed.insert(n.id());
                self.push_call(name, recv, Via::Reference, n);
            }
        }
        if let Some(n) = get(m, Cap::RefIdentifier) {
            if self.consumed.contains(&n.id()) {
                return;
            }
            let name = self.text(n);
            if self.interest.name(&name) {
                self.push_call(name, Recv::Implicit, Via::Reference, n);
            }
        }
    }

    fn env(&mut self, m: &[(Cap, Node<'t>)]) {
        let Some(base) = get(m, Cap::EnvBase) else { return };
        let b = self.text(base);
        if b != "process" && b != "import.meta" {
            return;
        }
        let mut names: Vec<(String, Node)> = Vec::new();
        if let Some(n) = get(m, Cap::EnvName) {
            names.push((self.text(n), n));
        }
        if let Some(n) = get(m, Cap::EnvNameString)
            && let Some(s) = string_literal(n, self.src)
        {
            names.push((s.into_owned(), n));
        }
        if let Some(p) = get(m, Cap::EnvPattern) {
            let mut c = p.walk();
            for k in p.named_children(&mut c) {
                let key = match k.kind() {
                    "shorthand_property_identifier_pattern" => Some(k),
                    "pair_pattern" => k.child_by_field_name("key"),
                    "object_assignment_pattern" => k.child_by_field_name("left"),
                    _ => None,
                };
                if let Some(k) = key {
                    names.push((self.name_of(k), k));
                }
            }
        }
        for (name, n) in names {
            let scope = self.function_scope(n.start_byte());
            self.b.facts.env_reads.push(EnvRead {
                name,
                scope,
                line: line_of(n),
            });
        }
    }

    fn key(&mut self, column: &str, k: Node, op: KeyOp) {
        let key = match k.kind() {
            "property_identifier"
            | "shorthand_property_identifier"
            | "shorthand_property_identifier_pattern" => Some(self.text(k)),
            "string" => string_literal(k, self.src).map(|s| s.into_owned()),
            _ => None,
        };
        match key {
            Some(key) => self.b.facts.json_keys.push(JsonKey {
                column: column.to_string(),
                key,
                op,
                line: line_of(k),
            }),
            None => self.b.facts.json_opaque.push(JsonOpaque {
                column: column.to_string(),
                op,
                line: line_of(k),
            }),
        }
    }

    /// Read or write, from the access expression's parent.
    fn access_op(&self, access: Option<Node>) -> Option<KeyOp> {
        let Some(a) = access else { return Some(KeyOp::Read) };
        let Some(p) = a.parent() else {
            return Some(KeyOp::Read);
        };
        match p.kind() {
            "assignment_expression" | "augmented_assignment_expression"
                if p.child_by_field_name("left").map(|l| l.id()) == Some(a.id()) =>
            {
                Some(KeyOp::Write)
            }
            // column.hasOwnProperty('x'): a method call on the object, not a key.
            "call_expression" if p.child_by_field_name("function").map(|f| f.id()) == Some(a.id()) => None,
            _ => Some(KeyOp::Read),
        }
    }

    fn json(&mut self, m: &[(Cap, Node<'t>)]) {
        if let (Some(col), Some(key)) = (get(m, Cap::JsonMemberColumn), get(m, Cap::JsonMemberKey)) {
            let c = self.text(col);
            if self.interest.column(&c)
                && let Some(op) = self.access_op(key.parent())
            {
                self.key(&c, key, op);
            }
        }
        if let (Some(col), Some(key)) = (get(m, Cap::JsonSubscriptColumn), get(m, Cap::JsonSubscriptKey)) {
            let c = self.text(col);
            if self.interest.column(&c)
                && let Some(op) = self.access_op(key.parent())
            {
                self.key(&c, key, op);
            }
        }
        if let (Some(col), Some(obj)) = (get(m, Cap::JsonPairColumn), get(m, Cap::JsonPairObject)) {
            let c = self.name_of(col);
            if self.interest.column(&c) {
                let mut cur = obj.walk();
                let kids: Vec<Node> = obj.named_children(&mut cur).collect();
                for p in kids {
                    match p.kind() {
                        "pair" => {
                            if let Some(k) = p.child_by_field_name("key") {
                                self.key(&c, k, KeyOp::Write);
                            }
                        }
                        "shorthand_property_identifier" => self.key(&c, p, KeyOp::Write),
                        "comment" => {}
                        _ => self.b.facts.json_opaque.push(JsonOpaque {
                            column: c.clone(),
                            op: KeyOp::Write,
                            line: line_of(p),
                        }),
                    }
                }
            }
        }
        if let (Some(pat), Some(col)) = (
            get(m, Cap::JsonDestructurePattern),
            get(m, Cap::JsonDestructureColumn),
        ) {
            let c = self.text(col);
            if self.interest.column(&c) {
                let mut cur = pat.walk();
                let kids: Vec<Node> = pat.named_children(&mut cur).collect();
                for k in kids {
                    match k.kind() {
                        "shorthand_property_identifier_pattern" => self.key(&c, k, KeyOp::Read),
                        "pair_pattern" => {
                            if let Some(key) = k.child_by_field_name("key") {
                                self.key(&c, key, KeyOp::Read);
                            }
                        }
                        "object_assignment_pattern" => {
                            if let Some(key) = k.child_by_field_name("left") {
                                self.key(&c, key, KeyOp::Read);
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        if let Some(s) = get(m, Cap::JsonSql) {
            let keys = sql_keys(s, self.src, self.interest);
            self.b.facts.json_keys.extend(keys);
        }
    }
}
