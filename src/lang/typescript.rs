//! TypeScript, TSX and JavaScript → `FileFacts`, on oxc.
//!
//! One `Visit` over oxc's AST collects definitions, calls, imports and
//! exports, env reads and JSON keys with their byte offsets; a second step
//! nests the scopes (`scope::ScopeTable`) and gives each fact its owner,
//! function scope and line. Class member visibility comes from
//! `private`/`protected`/`#name`; module-level functions are module-local
//! unless exported (`export function`, `export { a as b }`, `export default`,
//! CommonJS `module.exports` / `exports.x`). An export is never a caller.
//! Types are not walked: a name in a type position is not a use.
//!
//! The walk is depth-bounded (`MAX_VISIT_DEPTH`); the parser's own
//! recursion is bounded by the caller (`super::nesting`).

use super::scope::{Entry, ScopeKind, ScopeTable};
use super::{Builder, sql_keys_in, truncate};
use crate::facts::{
    Access, Call, ClassDef, ColumnDef, Def, DefForm, DefKind, Dynamic, EnvRead, Export, Import, Imported,
    Interest, JsonKey, JsonOpaque, KeyOp, Lang, Recv, Via,
};
use oxc::allocator::Allocator;
use oxc::ast::ast::*;
use oxc::ast_visit::{Visit, walk};
use oxc::parser::{ParseOptions, Parser};
use oxc::span::{GetSpan, SourceType, Span};
use oxc::syntax::scope::ScopeFlags;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// AST levels the fact walk descends; deeper subtrees are skipped and the
/// file is marked `too_deep`.
pub const MAX_VISIT_DEPTH: usize = 1500;

fn source_type(lang: Lang) -> SourceType {
    match lang {
        Lang::TypeScript => SourceType::ts(),
        _ => SourceType::tsx(),
    }
    .with_unambiguous(true)
}

fn options() -> ParseOptions {
    ParseOptions {
        allow_return_outside_function: true,
        ..ParseOptions::default()
    }
}

/// Parse only; whether `src` parsed without errors.
pub fn parse_only(lang: Lang, src: &str) -> bool {
    let alloc = Allocator::default();
    let ret = Parser::new(&alloc, src, source_type(lang))
        .with_options(options())
        .parse();
    !ret.panicked && ret.diagnostics.is_empty()
}

/// Attempts at recovering facts from a file oxc cannot parse to the end.
const RECOVERY_ATTEMPTS: usize = 16;

/// Parse `src` with oxc and add its facts to `b`. Returns whether the source
/// parsed without errors. The caller guarantees a stack deep enough for the
/// source's nesting.
///
/// oxc stops at the first unrecoverable syntax error and returns no tree.
/// The facts of the valid parts are then recovered by blanking the
/// top-level statement around the error (from the last line starting in
/// column 0 before it to the next such line after it; newlines are kept, so
/// lines stay true) and parsing again.
pub fn extract(lang: Lang, src: &str, interest: &Interest, b: &mut Builder) -> bool {
    let (source_type, options) = (source_type(lang), options());
    let mut text: std::borrow::Cow<str> = std::borrow::Cow::Borrowed(src);
    let mut clean = true;
    for _ in 0..RECOVERY_ATTEMPTS {
        let alloc = Allocator::default();
        let ret = Parser::new(&alloc, &text, source_type)
            .with_options(options)
            .parse();
        clean &= ret.diagnostics.is_empty();
        if !ret.panicked {
            let mut v = V::new(&text, interest);
            v.visit_program(&ret.program);
            if v.too_deep {
                b.facts.too_deep = true;
            }
            v.finish(b);
            return clean && !ret.panicked;
        }
        let at = ret
            .diagnostics
            .iter()
            .filter_map(|d| d.labels.first().map(|l| l.offset() as usize))
            .min()
            .unwrap_or(text.len());
        match blank_statement_around(&text, at) {
            Some(t) => text = std::borrow::Cow::Owned(t),
            None => break,
        }
    }
    false
}

/// `text` with the top-level statement around byte `at` blanked (see
/// `extract`), or `None` when nothing is left to blank.
fn blank_statement_around(text: &str, at: usize) -> Option<String> {
    let bytes = text.as_bytes();
    let at = at.min(bytes.len());
    let starts_statement = |i: usize| {
        (i == 0 || bytes[i - 1] == b'\n') && bytes.get(i).is_some_and(|b| !b.is_ascii_whitespace())
    };
    // The last column-0 line at or before `at`.
    let line_start = bytes[..at].iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let mut start = line_start;
    while start > 0 && !starts_statement(start) {
        start = bytes[..start - 1]
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
    }
    // The next column-0 line after the error's line.
    let mut end = bytes[at..]
        .iter()
        .position(|b| *b == b'\n')
        .map_or(bytes.len(), |i| at + i + 1);
    while end < bytes.len() && !starts_statement(end) {
        end = bytes[end..]
            .iter()
            .position(|b| *b == b'\n')
            .map_or(bytes.len(), |i| end + i + 1);
    }
    if bytes[start..end].iter().all(|b| b.is_ascii_whitespace()) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..start]);
    out.extend(
        text[start..end]
            .chars()
            .map(|c| if c == '\n' { '\n' } else { ' ' }),
    );
    out.push_str(&text[end..]);
    Some(out)
}

/// A receiver as seen during the walk; identifiers are resolved against
/// typed locals once scopes are known.
enum RawRecv {
    Implicit,
    SelfRef,
    Const(String),
    Expr(String),
    Module(String),
    /// A lowercase identifier at this offset.
    Ident(String, u32),
}

struct RawCall {
    name: String,
    recv: RawRecv,
    via: Via,
    pos: u32,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum DefShape {
    /// A class (or object-literal) method.
    Method,
    /// A class field holding a function.
    Field,
    /// An object-literal property holding a function.
    Pair,
    Function,
    ConstFunction,
    /// A const whose value is a call's result (kept at module level only).
    ConstCall,
}

struct RawDef {
    name: String,
    shape: DefShape,
    access: Access,
    is_static: bool,
    /// Start of the definition node (its own scope) and of its name.
    def_start: u32,
    name_pos: u32,
    /// Start of the statement an `export` would wrap.
    decl_start: u32,
}

struct V<'s> {
    src: &'s str,
    interest: &'s Interest,
    line_starts: Vec<u32>,
    depth: usize,
    too_deep: bool,
    entries: Vec<Entry>,
    object_scopes: HashSet<usize>,
    defs: Vec<RawDef>,
    /// `export { e as f }`: (public name, line).
    alias_defs: Vec<(String, u32)>,
    /// js-routes helpers called (`Routes.purchase_path(id)`), with the verb
    /// of the request they are the URL of, when it says.
    path_helpers: Vec<crate::facts::PathHelper>,
    calls: Vec<RawCall>,
    env: Vec<(String, u32)>,
    /// Names imported under another name, types too (`import type {
    /// BaseJobProvider as JobClientProvider }`): local → imported.
    renamed_imports: HashMap<String, String>,
    /// Keys of an object literal under an `env` property (`env: { basePath
    /// }`): (key, line).
    env_object_keys: Vec<(String, u32)>,
    /// Spans of `process.env.X` on the left of `||` / `??`: reads with a
    /// fallback.
    env_fallback: HashSet<Span>,
    /// Positions (as in `env`) of the reads with a fallback.
    env_fallback_at: HashSet<u32>,
    /// A JSON column's name destructured from an object (`const {
    /// metadata } = video`) → that object's text: the receiver of the
    /// local's key accesses.
    column_aliases: HashMap<String, String>,
    /// Callees (as written) of the calls whose arguments are being walked.
    callees_text: Vec<String>,
    /// Starts of the `data:` properties that are a Prisma write's argument
    /// (`prisma.resume.create({ data: {...} })`).
    prisma_args: HashSet<u32>,
    /// The `where:` filters of Prisma calls.
    prisma_filters: Vec<Span>,
    /// Names destructured from a parameter declared as a type: (offset,
    /// name, the declared types joined by `|`).
    param_members: Vec<(u32, String, String)>,
    /// (index into `json_keys`, offset) of keys whose receiver is a plain
    /// variable or `this`.
    json_recv_at: Vec<(usize, u32)>,
    /// Parameter and local names of the functions being walked, innermost
    /// last: a bare name bound there is that binding, not a module
    /// function.
    params: Vec<HashSet<String>>,
    /// Locals destructured from a call's result (`const { feed } =
    /// useSearchIndex(q)`): (local, member, the call's text, `params` depth
    /// where bound). A bare call of one is a call of that member.
    members: Vec<(String, String, String, usize)>,
    /// (offset, variable, class) for `const x = new C()` and `(x: C) =>`.
    typed: Vec<(u32, String, String)>,
    /// Identifier offsets already accounted for (call names, definitions,
    /// import and export names): not references.
    consumed: HashSet<u32>,
    /// Spans of member expressions that are called or assigned to, or
    /// deleted.
    callees: HashSet<Span>,
    writes: HashSet<Span>,
    /// Member accesses read and written in one step (`m.k ??= v`,
    /// `m[k] += 1`): a subset of `writes`.
    updates: HashSet<Span>,
    deleted: HashSet<Span>,
    exported_decls: HashSet<u32>,
    exported_names: HashSet<String>,
    /// Start of the variable declaration being walked.
    decl_start: u32,
    /// The variable declaration being walked is a `const`.
    decl_const: bool,
    dynamic: Vec<Dynamic>,
    /// Node `EventEmitter` / `@nestjs/event-emitter` events (issue 16).
    events: Vec<crate::facts::EventUse>,
    json_keys: Vec<JsonKey>,
    json_opaque: Vec<JsonOpaque>,
    renames: Vec<(String, String, u32)>,
    imports: Vec<Import>,
    exports: Vec<Export>,
    classes: Vec<ClassDef>,
    /// TypeORM `@Column('jsonb')` properties of `@Entity()` classes.
    column_defs: Vec<ColumnDef>,
    /// The `@Entity()` class being walked.
    entity: Option<String>,
    /// The class being walked, and the fields of classes typed as a class
    /// (`constructor(private readonly users: UserService)`, `private
    /// users: UserService;`): (class, field, type).
    class_now: Option<String>,
    fields: Vec<(String, String, String)>,
    /// Bodiless methods of the class being walked.
    signatures: Vec<RawDef>,
    /// Local names bound by imports: their uses are facts whatever the plan
    /// names (`arr.map(fmt)` after `import fmt from`).
    import_locals: HashSet<String>,
    /// Bindings that may hold an env config object: (name, value span).
    env_candidates: Vec<(String, Span)>,
    /// Starts of `const` initialisers that are object literals.
    object_inits: Vec<u32>,
    /// Functions that may read the env var they are given: (name, start of
    /// their function scope).
    env_fn_candidates: Vec<(String, u32)>,
    /// Offsets of `process.env` / `import.meta.env` expressions.
    env_uses: Vec<u32>,
    /// Offsets of `process.env[name]` with a computed (not literal) key.
    env_index_uses: Vec<u32>,
    /// (object, key, offset) of UPPER_SNAKE member reads.
    config_reads: Vec<(String, String, u32)>,
    /// HTTP servers: routes, mounts, prefixes (issue 15).
    http: super::ts_http::Http,
    /// Queues, jobs, hosted flags and string constants (issue 16).
    asyncs: super::ts_async::Raw,
    /// HTTP payloads and webhook effects (issue 17).
    payload: super::ts_payload::Payload,
}

/// `DATABASE_URL`, `PORT`: an env-var-shaped key.
fn env_shaped(k: &str) -> bool {
    k.len() >= 2
        && k.starts_with(|c: char| c.is_ascii_uppercase())
        && k.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

fn is_function(e: &Expression) -> bool {
    matches!(
        e,
        Expression::ArrowFunctionExpression(_) | Expression::FunctionExpression(_)
    )
}

fn access_of(a: Option<TSAccessibility>) -> Access {
    match a {
        Some(TSAccessibility::Private) => Access::Private,
        Some(TSAccessibility::Protected) => Access::Protected,
        _ => Access::Public,
    }
}

/// A property key's name: identifiers, `#private` (without `#`) and string
/// literals; `None` for computed keys.
fn key_name(k: &PropertyKey) -> Option<(String, u32, bool)> {
    match k {
        PropertyKey::StaticIdentifier(i) => Some((i.name.as_str().to_string(), i.span.start, false)),
        PropertyKey::PrivateIdentifier(i) => Some((i.name.as_str().to_string(), i.span.start, true)),
        PropertyKey::StringLiteral(s) => Some((s.value.as_str().to_string(), s.span.start, false)),
        _ => None,
    }
}

fn export_name(n: &ModuleExportName) -> (String, u32) {
    match n {
        ModuleExportName::IdentifierName(i) => (i.name.as_str().to_string(), i.span.start),
        ModuleExportName::IdentifierReference(i) => (i.name.as_str().to_string(), i.span.start),
        ModuleExportName::StringLiteral(s) => (s.value.as_str().to_string(), s.span.start),
    }
}

/// `process.env` or `import.meta.env`.
fn is_env_object(e: &Expression) -> bool {
    let Expression::StaticMemberExpression(m) = e else {
        return false;
    };
    if m.property.name.as_str() != "env" {
        return false;
    }
    match &m.object {
        Expression::Identifier(i) => i.name.as_str() == "process",
        Expression::ImportMeta(_) => true,
        _ => false,
    }
}

/// `require('spec')`: the specifier.
fn require_of<'e>(c: &'e CallExpression) -> Option<&'e str> {
    match (&c.callee, c.arguments.first()) {
        (Expression::Identifier(f), Some(Argument::StringLiteral(s))) if f.name.as_str() == "require" => {
            Some(s.value.as_str())
        }
        _ => None,
    }
}

/// The name a class heritage or export names: `Base`, `ns.Base` → `Base`.
fn last_name<'e>(e: &'e Expression) -> Option<&'e str> {
    match e {
        Expression::Identifier(i) => Some(i.name.as_str()),
        Expression::StaticMemberExpression(m) => Some(m.property.name.as_str()),
        _ => None,
    }
}

/// The name of the member a JSON key hangs off: `x.column` or `column`.
fn column_of<'e>(e: &'e Expression) -> Option<&'e str> {
    match e {
        Expression::StaticMemberExpression(m) => Some(m.property.name.as_str()),
        Expression::Identifier(i) => Some(i.name.as_str()),
        _ => None,
    }
}

/// The names a function's parameters bind directly (`request`, `x = 1`,
/// `...rest`); destructured names are left out.
fn param_names(params: &FormalParameters) -> HashSet<String> {
    let mut out = HashSet::default();
    let mut push = |p: &BindingPattern| match p {
        BindingPattern::BindingIdentifier(id) => {
            out.insert(id.name.as_str().to_string());
        }
        BindingPattern::AssignmentPattern(a) => {
            if let BindingPattern::BindingIdentifier(id) = &a.left {
                out.insert(id.name.as_str().to_string());
            }
        }
        _ => {}
    };
    for item in &params.items {
        push(&item.pattern);
    }
    if let Some(rest) = &params.rest {
        push(&rest.rest.argument);
    }
    out
}

/// What a JSON column hangs off: `x` in `x.column`.
fn column_recv<'e, 'a>(e: &'e Expression<'a>) -> Option<&'e Expression<'a>> {
    match e {
        Expression::StaticMemberExpression(m) => Some(&m.object),
        _ => None,
    }
}

/// The Rails route a js-routes helper call names: `Routes.purchase_path(id)`
/// or `Routes.purchase_url(id)` is route `purchase`.
fn js_route_helper(c: &CallExpression) -> Option<String> {
    let Expression::StaticMemberExpression(m) = &c.callee else {
        return None;
    };
    if !matches!(&m.object, Expression::Identifier(o) if o.name.as_str() == "Routes") {
        return None;
    }
    let name = m.property.name.as_str();
    let route = name.strip_suffix("_path").or_else(|| name.strip_suffix("_url"))?;
    (!route.is_empty()).then(|| route.to_string())
}

/// `js_route_helper` of an expression that is such a call.
fn js_route_in(e: &Expression) -> Option<(String, u32)> {
    match e.without_parentheses() {
        Expression::CallExpression(c) => js_route_helper(c).map(|r| (r, c.span.start)),
        _ => None,
    }
}

/// The verb a request options object spells (`method: "POST"`).
fn method_of(o: &ObjectExpression) -> Option<String> {
    match super::ts_http::prop(o, "method")? {
        Expression::StringLiteral(s) => Some(s.value.as_str().to_ascii_uppercase()),
        _ => None,
    }
}

impl<'s> V<'s> {
    /// js-routes (`Routes.x_path(...)`, Rails' route helpers in
    /// JavaScript): each call is a path helper of route `x`; one that is
    /// the URL of a request whose options spell the verb (`request({
    /// method: "POST", url: Routes.x_path(id) })`, `fetch(Routes.x_path(),
    /// { method: "DELETE" })`) is recorded with that verb too.
    fn js_routes(&mut self, it: &CallExpression) {
        if let Some(route) = js_route_helper(it) {
            let line = self.line(it.span.start);
            self.path_helpers.push(crate::facts::PathHelper {
                route,
                verb: None,
                line,
            });
        }
        let arg = |i: usize| it.arguments.get(i).and_then(|a| a.as_expression());
        let with_verb = match (arg(0), arg(1)) {
            (Some(Expression::ObjectExpression(o)), _) => super::ts_http::prop(o, "url")
                .and_then(js_route_in)
                .zip(method_of(o)),
            (Some(u), Some(Expression::ObjectExpression(o))) => js_route_in(u).zip(method_of(o)),
            _ => None,
        };
        if let Some(((route, at), verb)) = with_verb {
            let line = self.line(at);
            self.path_helpers.push(crate::facts::PathHelper {
                route,
                verb: Some(verb),
                line,
            });
        }
    }

    fn new(src: &'s str, interest: &'s Interest) -> Self {
        let mut line_starts = vec![0u32];
        for (i, b) in src.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i as u32 + 1);
            }
        }
        V {
            src,
            interest,
            line_starts,
            depth: 0,
            too_deep: false,
            entries: Vec::new(),
            object_scopes: HashSet::default(),
            defs: Vec::new(),
            alias_defs: Vec::new(),
            path_helpers: Vec::new(),
            calls: Vec::new(),
            env: Vec::new(),
            renamed_imports: HashMap::default(),
            env_object_keys: Vec::new(),
            env_fallback: HashSet::default(),
            env_fallback_at: HashSet::default(),
            column_aliases: HashMap::default(),
            callees_text: Vec::new(),
            prisma_args: Default::default(),
            prisma_filters: Vec::new(),
            param_members: Vec::new(),
            json_recv_at: Vec::new(),
            params: Vec::new(),
            members: Vec::new(),
            typed: Vec::new(),
            consumed: HashSet::default(),
            callees: HashSet::default(),
            writes: HashSet::default(),
            updates: HashSet::default(),
            deleted: HashSet::default(),
            exported_decls: HashSet::default(),
            exported_names: HashSet::default(),
            decl_start: 0,
            decl_const: false,
            dynamic: Vec::new(),
            json_keys: Vec::new(),
            json_opaque: Vec::new(),
            renames: Vec::new(),
            events: Vec::new(),
            imports: Vec::new(),
            exports: Vec::new(),
            classes: Vec::new(),
            column_defs: Vec::new(),
            entity: None,
            class_now: None,
            fields: Vec::new(),
            signatures: Vec::new(),
            import_locals: HashSet::default(),
            env_candidates: Vec::new(),
            object_inits: Vec::new(),
            env_fn_candidates: Vec::new(),
            env_uses: Vec::new(),
            env_index_uses: Vec::new(),
            config_reads: Vec::new(),
            http: super::ts_http::Http::default(),
            asyncs: Default::default(),
            payload: super::ts_payload::Payload::default(),
        }
    }

    fn import(&mut self, local: &str, imported: Imported, from: &str, pos: u32) {
        self.http.import(from);
        self.http.import_binding(local, from);
        self.import_locals.insert(local.to_string());
        let line = self.line(pos);
        self.imports.push(Import {
            local: local.to_string(),
            imported,
            from: from.to_string(),
            line,
        });
    }

    fn export(&mut self, name: &str, local: Option<&str>, from: Option<&str>, pos: u32) {
        let line = self.line(pos);
        self.exports.push(Export {
            name: name.to_string(),
            local: local.map(str::to_string),
            from: from.map(str::to_string),
            line,
        });
    }

    /// `emitter.emit('x')` (producer), `emitter.on/once/addListener('x')`
    /// (consumer), `@OnEvent('x')` (NestJS consumer): string-literal names.
    fn event_call(&mut self, it: &CallExpression<'_>) {
        use crate::facts::{EventRole, EventUse};
        let Some(Argument::StringLiteral(lit)) = it.arguments.first() else {
            return;
        };
        let (role, via) = match &it.callee {
            Expression::StaticMemberExpression(m) => match m.property.name.as_str() {
                "emit" | "emitAsync" => (EventRole::Emit, "EventEmitter"),
                "on" | "once" | "addListener" | "prependListener" | "prependOnceListener" => {
                    (EventRole::Subscribe, "EventEmitter")
                }
                _ => return,
            },
            Expression::Identifier(id) if id.name == "OnEvent" => {
                (EventRole::Subscribe, "@nestjs/event-emitter")
            }
            _ => return,
        };
        let name = lit.value.to_string();
        if name.is_empty() {
            return;
        }
        let line = self.line(lit.span.start);
        self.events.push(EventUse {
            name,
            regex: false,
            role,
            via: via.to_string(),
            line,
        });
    }

    fn line(&self, pos: u32) -> u32 {
        self.line_starts.partition_point(|s| *s <= pos) as u32
    }

    fn text(&self, span: Span) -> &'s str {
        self.src.get(span.start as usize..span.end as usize).unwrap_or("")
    }

    fn scope(&mut self, kind: ScopeKind, name: String, span: Span) {
        self.entries.push(Entry {
            start: span.start as usize,
            end: span.end as usize,
            kind,
            name,
            parent: None,
            start_line: self.line(span.start),
            end_line: self.line(span.end),
        });
    }

    fn call(&mut self, name: String, recv: RawRecv, via: Via, pos: u32) {
        // `parseRequest(request)` in `GET(request: Request)`: the parameter,
        // not the module's `request` function.
        if matches!(recv, RawRecv::Implicit)
            && matches!(via, Via::Call | Via::Reference | Via::Jsx)
            && self.params.iter().any(|ps| ps.contains(name.as_str()))
        {
            return;
        }
        // `feed(docs)` after `const { feed } = useSearchIndex(q)`: the
        // member `feed` of what the call returned.
        if matches!(recv, RawRecv::Implicit)
            && matches!(via, Via::Call | Via::Reference)
            && let Some((_, member, text, _)) = self.members.iter().rev().find(|m| m.0 == name)
        {
            let (name, recv) = (member.clone(), RawRecv::Expr(text.clone()));
            self.calls.push(RawCall { name, recv, via, pos });
            return;
        }
        self.calls.push(RawCall { name, recv, via, pos });
    }

    /// `const { a, b: c } = f(x)` (also awaited): `a` and `c` are members
    /// `a` and `b` of `f(x)`'s result. Not `require(...)` (a module's
    /// exports) nor a destructuring with a default or a rest.
    fn bind_members(&mut self, p: &ObjectPattern, init: &Expression) {
        let call = match init.get_inner_expression() {
            Expression::AwaitExpression(a) => a.argument.get_inner_expression(),
            e => e,
        };
        let Expression::CallExpression(c) = call else {
            return;
        };
        if matches!(&c.callee, Expression::Identifier(i) if i.name == "require") {
            return;
        }
        let text = truncate(self.text(c.span));
        let depth = self.params.len();
        for prop in &p.properties {
            let (Some(member), BindingPattern::BindingIdentifier(local)) =
                (prop.key.static_name(), &prop.value)
            else {
                continue;
            };
            self.members.push((
                local.name.as_str().to_string(),
                member.to_string(),
                text.clone(),
                depth,
            ));
        }
    }

    /// Forget the members bound in the function being left.
    fn leave_members(&mut self) {
        let depth = self.params.len();
        self.members.retain(|m| m.3 <= depth);
    }

    /// Enter one AST level; false (and `too_deep`) past the bound.
    fn enter(&mut self) -> bool {
        if self.depth >= MAX_VISIT_DEPTH {
            self.too_deep = true;
            return false;
        }
        self.depth += 1;
        true
    }

    fn receiver(&self, e: &Expression) -> RawRecv {
        let mut e = e;
        // Parentheses around a receiver, iteratively.
        while let Expression::ParenthesizedExpression(p) = e {
            e = &p.expression;
        }
        match e {
            Expression::ThisExpression(_) | Expression::Super(_) => RawRecv::SelfRef,
            Expression::Identifier(i) => {
                let t = i.name.as_str();
                if t.chars().next().is_some_and(|c| c.is_ascii_uppercase()) {
                    RawRecv::Const(t.to_string())
                } else {
                    RawRecv::Ident(t.to_string(), i.span.start)
                }
            }
            // `el.current` of a `useRef<T>()`: typed where the ref is.
            Expression::StaticMemberExpression(m)
                if m.property.name == "current"
                    && !m.optional
                    && matches!(m.object, Expression::Identifier(_)) =>
            {
                let t = self.text(m.span);
                RawRecv::Ident(t.to_string(), m.span.start)
            }
            Expression::CallExpression(c) if require_of(c).is_some() => {
                RawRecv::Module(require_of(c).unwrap_or_default().to_string())
            }
            Expression::NewExpression(n) => match &n.callee {
                Expression::Identifier(c) => RawRecv::Const(c.name.as_str().to_string()),
                _ => RawRecv::Expr(truncate(self.text(n.span))),
            },
            other => RawRecv::Expr(truncate(self.text(other.span()))),
        }
    }

    /// A call through `callee` (a call expression's callee or a tagged
    /// template's tag).
    fn callee(&mut self, callee: &Expression) {
        match callee {
            Expression::Identifier(i) => {
                self.consumed.insert(i.span.start);
                self.call(
                    i.name.as_str().to_string(),
                    RawRecv::Implicit,
                    Via::Call,
                    i.span.start,
                );
            }
            Expression::StaticMemberExpression(m) => {
                self.callees.insert(m.span);
                self.consumed.insert(m.property.span.start);
                let recv = self.receiver(&m.object);
                self.call(
                    m.property.name.as_str().to_string(),
                    recv,
                    Via::Call,
                    m.property.span.start,
                );
            }
            Expression::PrivateFieldExpression(m) => {
                self.callees.insert(m.span);
                let recv = self.receiver(&m.object);
                self.call(
                    m.field.name.as_str().to_string(),
                    recv,
                    Via::Call,
                    m.field.span.start,
                );
            }
            Expression::ComputedMemberExpression(m) => {
                self.callees.insert(m.span);
                match &m.expression {
                    Expression::StringLiteral(s) => {
                        let recv = self.receiver(&m.object);
                        self.call(s.value.as_str().to_string(), recv, Via::Symbol, s.span.start);
                    }
                    // A well-known symbol (`obj[Symbol.iterator]()`) or a
                    // number (`handlers[0]()`) names no method of a class:
                    // no dynamic dispatch of one.
                    Expression::StaticMemberExpression(k) if matches!(&k.object, Expression::Identifier(i) if i.name == "Symbol") =>
                        {}
                    Expression::NumericLiteral(_) => {}
                    idx => {
                        let what = format!(
                            "{}[{}]()",
                            truncate(self.text(m.object.span())),
                            truncate(self.text(idx.span()))
                        );
                        let line = self.line(idx.span().start);
                        self.dynamic.push(Dynamic { what, line });
                    }
                }
            }
            _ => {}
        }
    }

    /// A Prisma write, `<client>.<model>.create({ data: {...} })` (also
    /// `update`, `upsert`, `createMany`...): the first argument's `data`
    /// (and an upsert's `create` / `update`) is Prisma's argument, whose
    /// keys are the model's columns, not a JSON column named `data`.
    /// Drizzle tables: `sqliteTable("chatMessages", { metadata: text("metadata",
    /// { mode: "json" }) })`, `pgTable("users", (t) => ({ prefs: t.jsonb() }))`,
    /// `mysqlTable`: JSON columns of the model the table's name gives, by
    /// their property names (what queries and rows use).
    fn drizzle_table(&mut self, it: &CallExpression<'_>) {
        let Expression::Identifier(f) = &it.callee else {
            return;
        };
        if !matches!(
            f.name.as_str(),
            "sqliteTable" | "pgTable" | "mysqlTable" | "singlestoreTable"
        ) {
            return;
        }
        let Some(Argument::StringLiteral(table)) = it.arguments.first() else {
            return;
        };
        let columns = match it.arguments.get(1) {
            Some(Argument::ObjectExpression(o)) => Some(&**o),
            Some(Argument::ArrowFunctionExpression(a)) => {
                match a.get_expression().map(|e| e.without_parentheses()) {
                    Some(Expression::ObjectExpression(o)) => Some(&**o),
                    _ => None,
                }
            }
            _ => None,
        };
        let Some(columns) = columns else { return };
        for p in &columns.properties {
            if let ObjectPropertyKind::ObjectProperty(p) = p
                && let Some((name, pos, false)) = key_name(&p.key)
                && drizzle_json_column(&p.value)
            {
                let line = self.line(pos);
                // The model a row is: `chatMessages` → `ChatMessage`.
                let model = crate::inflect::camelize(&crate::inflect::singularize(table.value.as_str()));
                self.column_defs.push(ColumnDef {
                    name,
                    table: Some(model),
                    line,
                });
            }
        }
    }

    fn prisma_payloads(&mut self, it: &CallExpression<'_>) {
        let Expression::StaticMemberExpression(m) = it.callee.without_parentheses() else {
            return;
        };
        let Expression::StaticMemberExpression(model) = m.object.without_parentheses() else {
            return;
        };
        let op = m.property.name.as_str();
        if !(PRISMA_WRITES.contains(&op) || PRISMA_QUERIES.contains(&op))
            || !model.property.name.starts_with(|c: char| c.is_ascii_lowercase())
        {
            return;
        }
        let Some(Argument::ObjectExpression(o)) = it.arguments.first() else {
            return;
        };
        for p in &o.properties {
            if let ObjectPropertyKind::ObjectProperty(p) = p
                && !p.method
                && let Some((k, _, false)) = key_name(&p.key)
            {
                if PRISMA_WRITES.contains(&op)
                    && (k == "data" || (op == "upsert" && (k == "create" || k == "update")))
                {
                    self.prisma_args.insert(p.span.start);
                    // `data: { data: dto.data }`, `data: { data }`: the whole
                    // column written from a value whose keys are not seen.
                    if let Expression::ObjectExpression(cols) = p.value.without_parentheses() {
                        for c in &cols.properties {
                            if let ObjectPropertyKind::ObjectProperty(c) = c
                                && let Some((col, pos, false)) = key_name(&c.key)
                                && self.interest.column(&col)
                                && !matches!(c.value.without_parentheses(), Expression::ObjectExpression(_))
                            {
                                self.json_key(&col, None, None, pos, KeyOp::Write);
                            }
                        }
                    }
                } else if k == "where" {
                    // `where: { triggers: { array_contains: [x] } }`: a
                    // filter on the column, nothing written.
                    self.prisma_filters.push(p.value.span());
                }
            }
        }
    }

    fn json_key(
        &mut self,
        column: &str,
        recv: Option<String>,
        name: Option<(String, u32)>,
        at: u32,
        op: KeyOp,
    ) {
        match name {
            Some((key, pos)) => {
                // A receiver that is a plain variable or `this`: its class
                // is looked up once scopes are known (`finish`).
                if recv.as_deref().is_some_and(|r| {
                    !r.is_empty() && r.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '$')
                }) {
                    self.json_recv_at.push((self.json_keys.len(), at));
                }
                self.json_keys.push(JsonKey {
                    column: column.to_string(),
                    key,
                    op,
                    line: self.line(pos),
                    recv,
                    recv_class: None,
                })
            }
            None => self.json_opaque.push(JsonOpaque {
                column: column.to_string(),
                op,
                line: self.line(at),
            }),
        }
    }

    /// The keys of an object literal written to `column` on `recv`; a
    /// spread or computed member writes keys that are not seen.
    fn object_keys_written(&mut self, column: &str, recv: Option<String>, o: &ObjectExpression<'_>) {
        for p in &o.properties {
            match p {
                ObjectPropertyKind::ObjectProperty(p) if !p.method && p.kind == PropertyKind::Init => {
                    let key = match key_name(&p.key) {
                        Some((k, pos, false)) => Some((k, pos)),
                        _ => None,
                    };
                    self.json_key(column, recv.clone(), key, p.span.start, KeyOp::Write);
                }
                other => self.json_key(column, None, None, other.span().start, KeyOp::Write),
            }
        }
    }

    /// `record.column = { k: v }` (also as either branch of `c ? {..} :
    /// null` or the fallback of `a ?? {..}`): the literal's keys are
    /// written to the column of `record`; any other value but `null` /
    /// `undefined` writes keys that are not seen.
    fn column_assign(&mut self, column: &str, object: &Expression<'_>, right: &Expression<'_>) {
        let recv = Some(truncate(self.text(object.span())));
        let mut stack = vec![right.without_parentheses()];
        let mut budget = 16;
        while let Some(e) = stack.pop() {
            budget -= 1;
            if budget == 0 {
                break;
            }
            match e {
                Expression::ObjectExpression(o) => self.object_keys_written(column, recv.clone(), o),
                Expression::ConditionalExpression(c) => {
                    stack.push(c.alternate.without_parentheses());
                    stack.push(c.consequent.without_parentheses());
                }
                Expression::LogicalExpression(l) => {
                    stack.push(l.right.without_parentheses());
                    stack.push(l.left.without_parentheses());
                }
                Expression::NullLiteral(_) => {}
                Expression::Identifier(i) if i.name == "undefined" => {}
                other => self.json_key(column, None, None, other.span().start, KeyOp::Write),
            }
        }
    }

    /// Read, write, or neither (a method called on the column) for a member
    /// access spanning `span`.
    fn access_op(&self, span: Span) -> Option<KeyOp> {
        if self.updates.contains(&span) || self.deleted.contains(&span) {
            Some(KeyOp::Update)
        } else if self.writes.contains(&span) {
            Some(KeyOp::Write)
        } else if self.callees.contains(&span) {
            None
        } else {
            Some(KeyOp::Read)
        }
    }

    fn sql(&mut self, span: Span, inner: Span) {
        if !self.interest.any_column() {
            return;
        }
        let text = self.text(inner);
        if text.contains("->") {
            let keys = sql_keys_in(text, self.line(span.start), self.interest);
            self.json_keys.extend(keys);
        }
    }

    /// Static keys of an object pattern: (name, offset), or `None` for a
    /// computed key.
    fn pattern_keys(p: &ObjectPattern) -> Vec<(Option<String>, u32)> {
        p.properties
            .iter()
            .map(|bp| match key_name(&bp.key) {
                Some((n, pos, false)) => (Some(n), pos),
                _ => (None, bp.span.start),
            })
            .collect()
    }

    /// Turn the walk's raw facts into `FileFacts`.
    fn finish(mut self, b: &mut Builder) {
        let table = ScopeTable::build(self.entries.clone());
        let ctx_of = |pos: u32, own: u32| table.context(table.enclosing(pos as usize, own as usize));
        for d in &self.defs {
            let ctx = ctx_of(d.name_pos, d.def_start);
            let member = matches!(d.shape, DefShape::Method | DefShape::Field | DefShape::Pair);
            if member && ctx.owner.is_none() {
                // A method of an anonymous object literal: not addressable.
                continue;
            }
            let object_owner = ctx
                .class_scope
                .is_some_and(|i| self.object_scopes.contains(&table.entries[i].start));
            // A method of an object literal inside a function of a class
            // (`new Plugin({ props: { decorations() {} } })` in a method) is
            // no member of that class: the object is anonymous.
            if member && ctx.function.is_some() && !object_owner {
                continue;
            }
            let kind = if !member {
                DefKind::Function
            } else if d.is_static || d.shape == DefShape::Pair || object_owner {
                DefKind::Singleton
            } else {
                DefKind::Instance
            };
            let form = match d.shape {
                DefShape::Method => DefForm::Def,
                DefShape::Function => DefForm::Function,
                DefShape::ConstFunction => DefForm::ConstFunction,
                DefShape::ConstCall => DefForm::ConstValue,
                DefShape::Field | DefShape::Pair => DefForm::Field,
            };
            let module_level = !member && ctx.owner.is_none() && ctx.function.is_none();
            if d.shape == DefShape::ConstCall && !module_level {
                continue;
            }
            let access = if member {
                d.access
            } else if module_level
                && (self.exported_decls.contains(&d.decl_start) || self.exported_names.contains(&d.name))
            {
                Access::Public
            } else {
                // Not exported, or nested in a function: not reachable from
                // outside.
                Access::ModuleLocal
            };
            b.facts.defs.push(Def {
                name: d.name.clone(),
                owner: if member { ctx.owner } else { None },
                kind,
                form,
                access,
                line: self.line(d.name_pos),
            });
        }
        b.facts.path_helpers.append(&mut self.path_helpers);
        for (name, line) in &self.alias_defs {
            b.facts.defs.push(Def {
                name: name.clone(),
                owner: None,
                kind: DefKind::Function,
                form: DefForm::Alias,
                access: Access::Public,
                line: *line,
            });
        }
        let outer_fn = |i: usize| {
            let mut cur = table.entries[i].parent;
            while let Some(j) = cur {
                if table.entries[j].kind == ScopeKind::Function {
                    return Some(j);
                }
                cur = table.entries[j].parent;
            }
            None
        };
        let typed: Vec<(Option<usize>, &str, &str, u32)> = self
            .typed
            .iter()
            .map(|(pos, v, c)| (table.function_at(*pos as usize), v.as_str(), c.as_str(), *pos))
            .collect();
        // The class a variable or parameter named `t` is typed as at `pos`,
        // in this function (or an enclosing one): of several declarations
        // of the name in the function (`const parser = new A()` in one
        // block, `new B()` in the next), the last one before `pos`.
        let typed_at = |t: &str, pos: u32| -> Option<&str> {
            let mut scope = table.function_at(pos as usize);
            loop {
                let same = || typed.iter().filter(|(s, v, _, _)| *s == scope && *v == t);
                let found = same()
                    .filter(|(_, _, _, at)| *at <= pos)
                    .max_by_key(|(_, _, _, at)| *at)
                    .or_else(|| same().next());
                if let Some((_, _, class, _)) = found {
                    return Some(class);
                }
                scope = outer_fn(scope?);
            }
        };
        // JSON keys on a typed variable, or on `this` in a class.
        for (i, pos) in std::mem::take(&mut self.json_recv_at) {
            let k = &mut self.json_keys[i];
            let recv = k.recv.as_deref().unwrap_or("");
            k.recv_class = if recv == "this" {
                table.context(table.innermost(pos as usize)).owner
            } else {
                typed_at(recv, pos).map(str::to_string).or_else(|| {
                    // A name destructured from a typed parameter of this
                    // function (or an enclosing one): `Types.name`.
                    let mut scope = table.function_at(pos as usize);
                    loop {
                        if let Some((_, _, types)) = self
                            .param_members
                            .iter()
                            .find(|(at, v, _)| v == recv && table.function_at(*at as usize) == scope)
                        {
                            return Some(format!("{types}.{recv}"));
                        }
                        scope = outer_fn(scope?);
                    }
                })
            };
        }
        // Module-level variables typed as a class, in declaration order (a
        // component's template calls methods on them).
        b.module_typed = typed
            .iter()
            .filter(|(scope, _, _, _)| scope.is_none())
            .map(|(_, v, c, _)| (v.to_string(), c.to_string()))
            .collect();
        // Bare calls, for env functions that wrap another (below).
        let bare_calls: Vec<(String, u32)> = self
            .calls
            .iter()
            .filter(|c| matches!(c.recv, RawRecv::Implicit) && c.via == Via::Call)
            .map(|c| (c.name.clone(), c.pos))
            .collect();
        for c in std::mem::take(&mut self.calls) {
            let recv = match c.recv {
                RawRecv::Implicit => Recv::Implicit,
                RawRecv::SelfRef => Recv::SelfRef,
                RawRecv::Const(s) => Recv::Const(s.into()),
                RawRecv::Expr(s) => Recv::Expr(s.into()),
                RawRecv::Module(s) => Recv::Module(s.into()),
                RawRecv::Ident(t, pos) => match typed_at(&t, pos) {
                    Some(class) => Recv::Const(class.into()),
                    None => Recv::Expr(t.into()),
                },
            };
            let ctx = table.context(table.innermost(c.pos as usize));
            // `this.users.create()` where `users` is a field typed as a
            // class: a call on that class.
            let recv = match recv {
                Recv::Expr(t) => match (t.strip_prefix("this."), ctx.owner.as_deref()) {
                    (Some(field), Some(owner)) => self
                        .fields
                        .iter()
                        .find(|(c, f, _)| owner.rsplit("::").next() == Some(c.as_str()) && f == field)
                        .map(|(_, _, ty)| Recv::Const(self.renamed_imports.get(ty).unwrap_or(ty).into()))
                        .unwrap_or(Recv::Expr(t)),
                    _ => Recv::Expr(t),
                },
                r => r,
            };
            let scope = b.function_scope(&table, c.pos as usize);
            b.facts.calls.push(Call {
                name: c.name.into(),
                recv,
                via: c.via,
                owner: ctx.owner.map(crate::facts::IStr::from),
                scope,
                line: self.line(c.pos),
            });
        }
        for (name, pos) in std::mem::take(&mut self.env) {
            let scope = b.function_scope(&table, pos as usize);
            b.facts.env_reads.push(EnvRead {
                name,
                scope,
                line: self.line(pos),
                fallback: self.env_fallback_at.contains(&pos),
            });
        }
        b.facts.dynamic.extend(std::mem::take(&mut self.dynamic));
        b.facts.json_keys.extend(std::mem::take(&mut self.json_keys));
        b.facts.json_opaque.extend(std::mem::take(&mut self.json_opaque));
        b.facts.renames.extend(std::mem::take(&mut self.renames));
        b.facts.events.extend(std::mem::take(&mut self.events));
        let mut env_objects: Vec<String> = Vec::new();
        for (name, span) in &self.env_candidates {
            let module_level = table.function_at(span.start as usize).is_none();
            let built_from_env = self.env_uses.iter().any(|p| span.start <= *p && *p < span.end);
            if module_level && built_from_env && !env_objects.contains(name) {
                env_objects.push(name.clone());
            }
        }
        // Module-level `const x = { ... }` (`as const`, `satisfies`, typed),
        // the only declaration of its name in the module.
        let mut object_literals: Vec<String> = Vec::new();
        for (name, span) in &self.env_candidates {
            let all_object = self
                .env_candidates
                .iter()
                .filter(|(n, _)| n == name)
                .all(|(_, sp)| {
                    table.function_at(sp.start as usize).is_none() && self.object_inits.contains(&sp.start)
                });
            if all_object && !object_literals.contains(name) && self.object_inits.contains(&span.start) {
                object_literals.push(name.clone());
            }
        }
        b.facts.object_literals = object_literals;
        // A module-level function that indexes `process.env` with a computed
        // key (`const env = (name) => process.env[name]`): its calls with an
        // env-shaped literal (`env('API_URL')`) read that var, resolved as
        // the reads of an env object are.
        for (name, start) in &self.env_fn_candidates {
            let start = *start as usize;
            let Some(i) = table
                .function_at(start)
                .filter(|i| table.entries[*i].start == start)
            else {
                continue;
            };
            let mut up = table.entries[i].parent;
            let mut module_level = true;
            while let Some(j) = up {
                module_level &= table.entries[j].kind != ScopeKind::Function;
                up = table.entries[j].parent;
            }
            let indexes_env = self
                .env_index_uses
                .iter()
                .any(|p| table.function_at(*p as usize) == Some(i));
            if module_level && indexes_env && !env_objects.contains(name) {
                env_objects.push(name.clone());
            }
        }
        // A module-level function that calls an env function of this file
        // (`const requireEnv = (v) => { const value = env(v); ... }`) reads
        // the var its caller names too; to a fixed point, for wrappers of
        // wrappers.
        loop {
            let before = env_objects.len();
            for (name, start) in &self.env_fn_candidates {
                if env_objects.contains(name) {
                    continue;
                }
                let start = *start as usize;
                let Some(i) = table
                    .function_at(start)
                    .filter(|i| table.entries[*i].start == start && table.entries[*i].parent.is_none())
                else {
                    continue;
                };
                let end = table.entries[i].end;
                let wraps = bare_calls.iter().any(|(callee, pos)| {
                    (start..end).contains(&(*pos as usize)) && callee != name && env_objects.contains(callee)
                });
                if wraps {
                    env_objects.push(name.clone());
                }
            }
            if env_objects.len() == before {
                break;
            }
        }
        b.facts.env_objects.extend(env_objects);
        for (object, name, pos) in std::mem::take(&mut self.config_reads) {
            let scope = b.function_scope(&table, pos as usize);
            b.facts.config_reads.push(crate::facts::ConfigRead {
                object,
                name,
                scope,
                line: self.line(pos),
            });
        }
        let line_starts = &self.line_starts;
        let line = |pos: u32| line_starts.partition_point(|s| *s <= pos) as u32;
        self.asyncs.finish(&table, &self.imports, &self.typed, line, b);
        b.facts.env_object_keys.extend(self.env_object_keys);
        b.facts.imports.extend(self.imports);
        b.facts.exports.extend(self.exports);
        b.facts.classes.extend(self.classes);
        b.facts.column_defs.extend(self.column_defs);
        self.http.finish(&mut b.facts);
        self.payload.finish(&mut b.facts);
    }
}

/// `fn visit_x(&mut self, it: &X<'a>)` that walks `it` only while the
/// depth bound allows (see `enter`), for each recursive path of the AST.
macro_rules! depth_bounded {
    ($($visit:ident($ty:ident) => $walk:ident;)*) => {
        $(
            fn $visit(&mut self, it: &$ty<'a>) {
                if self.enter() {
                    walk::$walk(self, it);
                    self.depth -= 1;
                }
            }
        )*
    };
}

impl<'a> Visit<'a> for V<'_> {
    // Depth bounds on every recursive path.
    depth_bounded! {
        visit_expression(Expression) => walk_expression;
        visit_statement(Statement) => walk_statement;
        visit_jsx_element(JSXElement) => walk_jsx_element;
        visit_jsx_fragment(JSXFragment) => walk_jsx_fragment;
        visit_jsx_member_expression(JSXMemberExpression) => walk_jsx_member_expression;
        visit_binding_pattern(BindingPattern) => walk_binding_pattern;
        visit_assignment_target(AssignmentTarget) => walk_assignment_target;
        visit_ts_qualified_name(TSQualifiedName) => walk_ts_qualified_name;
        visit_ts_namespace_declaration(TSNamespaceDeclaration) => walk_ts_namespace_declaration;
    }

    // Types are not uses: not walked.
    fn visit_ts_type(&mut self, _: &TSType<'a>) {}
    fn visit_ts_type_annotation(&mut self, _: &TSTypeAnnotation<'a>) {}
    fn visit_ts_type_parameter_instantiation(&mut self, _: &TSTypeParameterInstantiation<'a>) {}
    fn visit_ts_type_parameter_declaration(&mut self, _: &TSTypeParameterDeclaration<'a>) {}
    /// An interface's methods (`find(id: string): T;`, `find: (id) => T;`)
    /// are definitions of the interface (a plan may name the contract);
    /// the rest of it is types, not uses.
    fn visit_ts_interface_declaration(&mut self, it: &TSInterfaceDeclaration<'a>) {
        let name = it.id.name.as_str().to_string();
        self.consumed.insert(it.id.span.start);
        self.scope(ScopeKind::Class, name, it.body.span);
        let mut seen: HashSet<String> = HashSet::default();
        for sig in &it.body.body {
            let (key, start) = match sig {
                TSSignature::TSMethodSignature(m) if m.kind == TSMethodSignatureKind::Method => {
                    (&m.key, m.span.start)
                }
                TSSignature::TSPropertySignature(p)
                    if p.type_annotation
                        .as_ref()
                        .is_some_and(|t| matches!(t.type_annotation, TSType::TSFunctionType(_))) =>
                {
                    (&p.key, p.span.start)
                }
                _ => continue,
            };
            let Some((name, pos, _)) = key_name(key) else {
                continue;
            };
            self.consumed.insert(pos);
            // Overloads: one definition, at the first signature.
            if !seen.insert(name.clone()) {
                continue;
            }
            self.defs.push(RawDef {
                name,
                shape: DefShape::Method,
                access: Access::Public,
                is_static: false,
                def_start: start,
                name_pos: pos,
                decl_start: start,
            });
        }
    }
    fn visit_ts_type_alias_declaration(&mut self, _: &TSTypeAliasDeclaration<'a>) {}
    fn visit_ts_class_implements(&mut self, _: &TSClassImplements<'a>) {}

    fn visit_class(&mut self, it: &Class<'a>) {
        self.http.class(it, &self.line_starts);
        if let Some(id) = &it.id {
            let line = self.line(id.span.start);
            self.classes.push(ClassDef {
                name: id.name.as_str().to_string(),
                extends: it.heritage_expression().and_then(last_name).map(str::to_string),
                line,
            });
            self.consumed.insert(id.span.start);
            self.scope(ScopeKind::Class, id.name.as_str().to_string(), it.body.span);
        }
        let (defs_before, sigs_before) = (self.defs.len(), self.signatures.len());
        let entity = it
            .id
            .as_ref()
            .filter(|_| it.decorators.iter().any(|d| is_model_decorator(d)))
            .map(|id| id.name.as_str().to_string());
        for d in &it.decorators {
            if let Some((name, args)) = decorator_call(d)
                && let Some(("Processor", q)) =
                    super::ts_async::nest_queue_decorator(&self.imports, name, args)
            {
                self.asyncs.processor_class(q, it.body.span, d.span.start);
            }
        }
        let outer = std::mem::replace(&mut self.entity, entity);
        let outer_class = std::mem::replace(
            &mut self.class_now,
            it.id.as_ref().map(|id| id.name.as_str().to_string()),
        );
        walk::walk_class(self, it);
        self.entity = outer;
        self.class_now = outer_class;
        // Abstract members and overload signatures: one definition each,
        // unless the class implements the method.
        let sigs = self.signatures.split_off(sigs_before);
        let mut seen: HashSet<String> = HashSet::default();
        for d in sigs {
            let implemented = self.defs[defs_before..]
                .iter()
                .any(|o| o.shape == DefShape::Method && o.name == d.name && o.is_static == d.is_static);
            if !implemented && seen.insert(d.name.clone()) {
                self.defs.push(d);
            }
        }
    }

    fn visit_method_definition(&mut self, it: &MethodDefinition<'a>) {
        if let Some((name, pos, private)) = key_name(&it.key) {
            self.consumed.insert(pos);
            let def = RawDef {
                name: name.clone(),
                shape: DefShape::Method,
                access: if private {
                    Access::Private
                } else {
                    access_of(it.accessibility)
                },
                is_static: it.r#static,
                def_start: it.span.start,
                name_pos: pos,
                decl_start: it.span.start,
            };
            if it.value.body.is_some() {
                self.payload.mark_method(it.value.span.start);
                self.scope(ScopeKind::Function, name, it.span);
                self.defs.push(def);
            } else {
                // Overload signatures and abstract members have no body.
                self.signatures.push(def);
            }
        }
        let imports = &self.imports;
        self.asyncs.method(it, |d| {
            let (name, args) = decorator_call(d)?;
            let (which, job) = super::ts_async::nest_queue_decorator(imports, name, args)?;
            Some((which.to_string(), job))
        });
        walk::walk_method_definition(self, it);
    }

    fn visit_property_definition(&mut self, it: &PropertyDefinition<'a>) {
        // `private users: UserService;` / `@Inject() users: UserService`.
        if let Some(class) = &self.class_now
            && let PropertyKey::StaticIdentifier(k) = &it.key
            && let Some(t) = &it.type_annotation
            && let TSType::TSTypeReference(r) = &t.type_annotation
            && r.type_arguments.is_none()
            && let TSTypeName::IdentifierReference(c) = &r.type_name
        {
            self.fields.push((
                class.clone(),
                k.name.as_str().to_string(),
                c.name.as_str().to_string(),
            ));
        }
        // @Column('jsonb') / @Column({ type: 'json' }) in an @Entity() class,
        // @Column(DataType.JSONB) in a sequelize-typescript @Table class.
        if let Some(entity) = &self.entity
            && it.decorators.iter().any(|d| {
                decorator_call(d).is_some_and(|(n, args)| n == "Column" && args.iter().any(is_json_type))
            })
            && let Some((name, pos, _)) = key_name(&it.key)
        {
            let table = Some(entity.clone());
            let line = self.line(pos);
            self.column_defs.push(ColumnDef { name, table, line });
        }
        if let Some((name, _, _)) = key_name(&it.key) {
            if let Some(value) = &it.value {
                self.asyncs.bind(format!("this.{name}"), value);
            }
            for d in &it.decorators {
                if let Some((dn, args)) = decorator_call(d)
                    && let Some(("InjectQueue", Some(q))) =
                        super::ts_async::nest_queue_decorator(&self.imports, dn, args)
                {
                    self.asyncs.inject(&format!("this.{name}"), q, d.span.start);
                }
            }
        }
        if let Some(value) = &it.value
            && is_function(value)
            && let Some((name, pos, private)) = key_name(&it.key)
        {
            self.consumed.insert(pos);
            self.scope(ScopeKind::Function, name.clone(), it.span);
            self.defs.push(RawDef {
                name,
                shape: DefShape::Field,
                access: if private {
                    Access::Private
                } else {
                    access_of(it.accessibility)
                },
                is_static: it.r#static,
                def_start: it.span.start,
                name_pos: pos,
                decl_start: it.span.start,
            });
        }
        walk::walk_property_definition(self, it);
    }

    fn visit_function(&mut self, it: &Function<'a>, flags: ScopeFlags) {
        if it.r#type == FunctionType::FunctionDeclaration
            && it.body.is_some()
            && let Some(id) = &it.id
        {
            let name = id.name.as_str().to_string();
            self.env_fn_candidates.push((name.clone(), it.span.start));
            self.consumed.insert(id.span.start);
            self.scope(ScopeKind::Function, name.clone(), it.span);
            self.asyncs.function(&name, it.span, &it.params);
            self.defs.push(RawDef {
                name,
                shape: DefShape::Function,
                access: Access::Public,
                is_static: false,
                def_start: it.span.start,
                name_pos: id.span.start,
                decl_start: it.span.start,
            });
        }
        self.http.enter_function(
            it.id.as_ref().map(|i| i.name.as_str()),
            it.span.start,
            &it.params,
            &self.line_starts,
        );
        self.payload.enter_function(it.span, &self.line_starts);
        self.params.push(param_names(&it.params).into_iter().collect());
        walk::walk_function(self, it, flags);
        self.params.pop();
        self.leave_members();
        self.payload.leave_function();
        self.http.leave_function();
    }

    fn visit_arrow_function_expression(&mut self, it: &ArrowFunctionExpression<'a>) {
        self.http
            .enter_function(None, it.span.start, &it.params, &self.line_starts);
        if let Some(e) = it.get_expression() {
            self.http.wrapper_return(e, self.src);
        }
        self.payload.enter_function(it.span, &self.line_starts);
        self.params.push(param_names(&it.params).into_iter().collect());
        walk::walk_arrow_function_expression(self, it);
        self.params.pop();
        self.leave_members();
        self.payload.leave_function();
        self.http.leave_function();
    }

    fn visit_variable_declaration(&mut self, it: &VariableDeclaration<'a>) {
        let saved = (self.decl_start, self.decl_const);
        self.decl_start = it.span.start;
        self.decl_const = it.kind == VariableDeclarationKind::Const;
        walk::walk_variable_declaration(self, it);
        (self.decl_start, self.decl_const) = saved;
    }

    fn visit_variable_declarator(&mut self, it: &VariableDeclarator<'a>) {
        // A local of a function (`const request = new Request(url)`)
        // shadows a module function of its name for the rest of that
        // function, as a parameter does. (At module level the declaration
        // may be the module function itself.)
        if let BindingPattern::BindingIdentifier(id) = &it.id
            && let Some(names) = self.params.last_mut()
        {
            names.insert(id.name.as_str().to_string());
        }
        if let Some(init) = &it.init {
            self.payload.destructure(&it.id, init, &self.line_starts);
            self.http.responses.declarator(&it.id, init, &self.line_starts);
        }
        if let (BindingPattern::BindingIdentifier(id), Some(init)) = (&it.id, &it.init) {
            if is_function(init) {
                self.env_fn_candidates
                    .push((id.name.as_str().to_string(), it.span.start));
            }
            self.env_candidates
                .push((id.name.as_str().to_string(), init.span()));
            if self.decl_const && matches!(init.get_inner_expression(), Expression::ObjectExpression(_)) {
                self.object_inits.push(init.span().start);
            }
            self.http.declarator(id.name.as_str(), init, &self.line_starts);
            self.http.client_declarator(id.name.as_str(), init);
            if is_function(init) {
                self.http.name_function(init.span().start, id.name.as_str());
            }
            let name = id.name.as_str();
            self.asyncs.bind(name.to_string(), init);
            if self.decl_const {
                self.asyncs.constant(name, init, id.span.start);
            }
            match init.get_inner_expression() {
                Expression::ArrowFunctionExpression(f) => self.asyncs.function(name, f.span, &f.params),
                Expression::FunctionExpression(f) => self.asyncs.function(name, f.span, &f.params),
                _ => {}
            }
        }
        if let Some(init) = &it.init {
            self.asyncs.use_flags(&it.id, init);
            if let BindingPattern::ObjectPattern(p) = &it.id {
                self.asyncs.destructure(p, init);
                self.http.client_destructure(p, init);
                self.bind_members(p, init);
            }
        }
        if let (BindingPattern::BindingIdentifier(id), Some(init)) = (&it.id, &it.init) {
            let name = id.name.as_str();
            if let Some(class) = declared_class(it.type_annotation.as_deref(), init) {
                // `const x: T = ...`, `new T()`, `y as T`, and DOM lookups
                // (`document.createElement('canvas')`): a value of that class.
                self.typed.push((id.span.start, name.to_string(), class));
            } else if let Some(held) = ref_of(init) {
                // `const el = useRef<HTMLCanvasElement>(null)`: `el.current`
                // holds one.
                self.typed.push((id.span.start, format!("{name}.current"), held));
            }
        }
        match (&it.id, &it.init) {
            (BindingPattern::BindingIdentifier(id), Some(init)) => {
                let name = id.name.as_str().to_string();
                if is_function(init) {
                    self.consumed.insert(id.span.start);
                    self.scope(ScopeKind::Function, name.clone(), it.span);
                    self.defs.push(RawDef {
                        name,
                        shape: DefShape::ConstFunction,
                        access: Access::Public,
                        is_static: false,
                        def_start: it.span.start,
                        name_pos: id.span.start,
                        decl_start: self.decl_start,
                    });
                } else if let Expression::CallExpression(c) = init.without_parentheses()
                    && !matches!(&c.callee, Expression::Identifier(r) if r.name == "require")
                {
                    // `export const parse = flow(a, b)`: maybe a function.
                    self.consumed.insert(id.span.start);
                    self.defs.push(RawDef {
                        name,
                        shape: DefShape::ConstCall,
                        access: Access::Public,
                        is_static: false,
                        def_start: it.span.start,
                        name_pos: id.span.start,
                        decl_start: self.decl_start,
                    });
                    walk::walk_variable_declarator(self, it);
                    return;
                } else if let Expression::ObjectExpression(o) = init {
                    self.object_scopes.insert(o.span.start as usize);
                    self.scope(ScopeKind::Class, name, o.span);
                } else if let Expression::CallExpression(c) = init
                    && let Some(from) = require_of(c)
                {
                    // const x = require('./x'): the module object.
                    let from = from.to_string();
                    self.import(&name, Imported::Namespace, &from, id.span.start);
                }
            }
            (BindingPattern::ObjectPattern(p), Some(init)) => {
                let keys = Self::pattern_keys(p);
                // const { metadata } = video: `metadata` holds video's column.
                if let Expression::Identifier(_) | Expression::StaticMemberExpression(_) = init {
                    for (k, _) in &keys {
                        if let Some(k) = k
                            && self.interest.column(k)
                        {
                            let object = truncate(self.text(init.span()));
                            self.column_aliases.insert(k.clone(), object);
                        }
                    }
                }
                if is_env_object(init) {
                    for (k, pos) in &keys {
                        if let Some(k) = k {
                            self.env.push((k.clone(), *pos));
                        }
                    }
                } else if let Expression::CallExpression(c) = init
                    && let Some(from) = require_of(c)
                {
                    let from = from.to_string();
                    for bp in &p.properties {
                        // const { a: b } = require('./x'): `b` is `a`.
                        if let Some((name, _, false)) = key_name(&bp.key) {
                            let local = match &bp.value {
                                BindingPattern::BindingIdentifier(l) => l.name.as_str().to_string(),
                                BindingPattern::AssignmentPattern(a) => match &a.left {
                                    BindingPattern::BindingIdentifier(l) => l.name.as_str().to_string(),
                                    _ => name.clone(),
                                },
                                _ => name.clone(),
                            };
                            self.import(&local, Imported::Name(name), &from, bp.span.start);
                        }
                    }
                    for (k, pos) in keys {
                        if let Some(k) = k {
                            self.consumed.insert(pos);
                            self.call(k, RawRecv::Module(from.clone()), Via::Import, pos);
                        }
                    }
                } else if let Expression::Identifier(o) = init
                    && o.name.as_str() != "process"
                {
                    // const { API_URL } = env
                    for (k, pos) in keys.into_iter() {
                        if let Some(k) = k.filter(|k| env_shaped(k)) {
                            self.config_reads.push((o.name.as_str().to_string(), k, pos));
                        }
                    }
                } else if let Expression::StaticMemberExpression(m) = init {
                    let column = m.property.name.as_str();
                    if self.interest.column(column) {
                        let column = column.to_string();
                        let recv = Some(truncate(self.text(m.object.span())));
                        for (k, pos) in keys {
                            self.json_key(&column, recv.clone(), k.map(|k| (k, pos)), pos, KeyOp::Read);
                        }
                    }
                }
            }
            _ => {}
        }
        walk::walk_variable_declarator(self, it);
    }

    fn visit_formal_parameter(&mut self, it: &FormalParameter<'a>) {
        if let BindingPattern::BindingIdentifier(id) = &it.pattern {
            for d in &it.decorators {
                if let Some((dn, args)) = decorator_call(d)
                    && let Some(("InjectQueue", Some(q))) =
                        super::ts_async::nest_queue_decorator(&self.imports, dn, args)
                {
                    self.asyncs.inject(id.name.as_str(), q, d.span.start);
                }
            }
        }
        // NestJS `@Body('x')`: the handler reads that key.
        for d in &it.decorators {
            if let Some(("Body", args)) = decorator_call(d)
                && let Some(Argument::StringLiteral(k)) = args.first()
            {
                self.payload
                    .body_param(k.value.as_str(), k.span.start, &self.line_starts);
            }
        }
        // `({ active, over }: DragOverEvent | DragEndEvent)`: members of
        // the declared types.
        if let BindingPattern::ObjectPattern(o) = &it.pattern
            && let Some(t) = &it.type_annotation
        {
            let refs: Vec<&TSType> = match &t.type_annotation {
                TSType::TSUnionType(u) => u.types.iter().collect(),
                other => vec![other],
            };
            let names: Option<Vec<&str>> = refs
                .iter()
                .map(|t| match t {
                    TSType::TSTypeReference(r) => match &r.type_name {
                        TSTypeName::IdentifierReference(c) => Some(c.name.as_str()),
                        TSTypeName::QualifiedName(q) => Some(q.right.name.as_str()),
                        _ => None,
                    },
                    _ => None,
                })
                .collect();
            if let Some(names) = names {
                let types = names.join("|");
                for p in &o.properties {
                    if let BindingPattern::BindingIdentifier(id) = &p.value {
                        self.param_members
                            .push((id.span.start, id.name.as_str().to_string(), types.clone()));
                    }
                }
            }
        }
        if let BindingPattern::BindingIdentifier(id) = &it.pattern
            && let Some(t) = &it.type_annotation
            && let TSType::TSTypeReference(r) = &t.type_annotation
            && r.type_arguments.is_none()
            && let TSTypeName::IdentifierReference(c) = &r.type_name
        {
            self.typed.push((
                id.span.start,
                id.name.as_str().to_string(),
                c.name.as_str().to_string(),
            ));
            // A parameter property is a field of the class too.
            if (it.accessibility.is_some() || it.readonly)
                && let Some(class) = &self.class_now
            {
                self.fields.push((
                    class.clone(),
                    id.name.as_str().to_string(),
                    c.name.as_str().to_string(),
                ));
            }
        }
        walk::walk_formal_parameter(self, it);
    }

    fn visit_object_property(&mut self, it: &ObjectProperty<'a>) {
        let is_method = it.method || it.kind != PropertyKind::Init;
        if let Some((name, pos, _)) = key_name(&it.key) {
            let plain_key = matches!(it.key, PropertyKey::StaticIdentifier(_));
            if is_method || (plain_key && is_function(&it.value)) {
                self.consumed.insert(pos);
                self.scope(ScopeKind::Function, name.clone(), it.span);
                self.defs.push(RawDef {
                    name: name.clone(),
                    shape: if is_method {
                        DefShape::Method
                    } else {
                        DefShape::Pair
                    },
                    access: Access::Public,
                    is_static: false,
                    def_start: it.span.start,
                    name_pos: pos,
                    decl_start: it.span.start,
                });
            }
            // A bundler's define (esbuild and Vite `define: {
            // 'process.env.SENTRY_DSN': ... }`, webpack's `DefinePlugin`):
            // the build sets the var, kept whole for the audit to tell
            // from `env:` keys.
            if let Some(var) = name
                .strip_prefix("process.env.")
                .or_else(|| name.strip_prefix("import.meta.env."))
                && !var.is_empty()
                && var.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            {
                let line = self.line(pos);
                self.env_object_keys.push((name.clone(), line));
            }
            // env: { basePath, API_URL: x }: keys that a build tool may
            // define as env vars (Next.js inlines next.config's `env`).
            if name == "env"
                && let Expression::ObjectExpression(o) = &it.value
            {
                for p in &o.properties {
                    if let ObjectPropertyKind::ObjectProperty(p) = p
                        && !p.method
                        && p.kind == PropertyKind::Init
                        && let Some((k, pos, false)) = key_name(&p.key)
                    {
                        let line = self.line(pos);
                        self.env_object_keys.push((k, line));
                    }
                }
            }
            // { column: { key: v } }: keys written to a JSON column (but
            // Prisma's own `data:` argument holds the columns, not keys).
            if let Expression::ObjectExpression(o) = &it.value
                && self.interest.column(&name)
                && !self.prisma_args.contains(&it.span.start)
                && !self
                    .prisma_filters
                    .iter()
                    .any(|f| f.start <= it.span.start && it.span.end <= f.end)
            {
                // Given to a call (its callee is the receiver, which must
                // name the model); in no call at all (`defaultValues =
                // {...}`), the literal's own name.
                let recv = self.callees_text.last().cloned().or_else(|| Some(name.clone()));
                self.object_keys_written(&name, recv, o);
            }
        }
        walk::walk_object_property(self, it);
    }

    fn visit_call_expression(&mut self, it: &CallExpression<'a>) {
        self.event_call(it);
        self.js_routes(it);
        self.http.call(it, &self.line_starts);
        self.asyncs.call(it);
        if let Expression::Identifier(c) = &it.callee
            && c.name.starts_with(|ch: char| ch.is_ascii_uppercase())
        {
            self.asyncs.construct(&it.callee, &it.arguments, it.span.start);
        }
        self.http.client_call(it, &self.line_starts);
        self.payload.call(it, self.src, &self.line_starts);
        self.payload.error_middleware(it, &self.line_starts);
        // `env('API_URL')`: a read when `env` turns out to be an env
        // function (see `env_fn_candidates`).
        if let Expression::Identifier(f) = &it.callee
            && !matches!(f.name.as_str(), "process" | "require")
            && (1..=2).contains(&it.arguments.len())
            && let Some(Argument::StringLiteral(lit)) = it.arguments.first()
            && env_shaped(lit.value.as_str())
        {
            self.config_reads.push((
                f.name.as_str().to_string(),
                lit.value.as_str().to_string(),
                lit.span.start,
            ));
        }
        self.callee(&it.callee);
        self.drizzle_table(it);
        self.prisma_payloads(it);
        // The callee around the arguments: what an object literal with a
        // JSON column's key is given to (`prisma.report.create({ data: {
        // parameters: {...} } })`).
        self.callees_text.push(truncate(self.text(it.callee.span())));
        walk::walk_call_expression(self, it);
        self.callees_text.pop();
    }

    fn visit_new_expression(&mut self, it: &NewExpression<'a>) {
        self.asyncs.construct(&it.callee, &it.arguments, it.span.start);
        walk::walk_new_expression(self, it);
    }

    fn visit_for_of_statement(&mut self, it: &ForOfStatement<'a>) {
        self.http.responses.for_of(&it.left, &it.right, &self.line_starts);
        walk::walk_for_of_statement(self, it);
    }

    fn visit_switch_statement(&mut self, it: &SwitchStatement<'a>) {
        self.asyncs.switch(it);
        walk::walk_switch_statement(self, it);
    }

    fn visit_if_statement(&mut self, it: &IfStatement<'a>) {
        self.asyncs.if_statement(it);
        walk::walk_if_statement(self, it);
    }

    fn visit_binary_expression(&mut self, it: &BinaryExpression<'a>) {
        self.asyncs.binary(it);
        walk::walk_binary_expression(self, it);
    }

    fn visit_ts_enum_declaration(&mut self, it: &TSEnumDeclaration<'a>) {
        self.asyncs.enumeration(it);
        walk::walk_ts_enum_declaration(self, it);
    }

    fn visit_tagged_template_expression(&mut self, it: &TaggedTemplateExpression<'a>) {
        self.callee(&it.tag);
        walk::walk_tagged_template_expression(self, it);
    }

    fn visit_assignment_expression(&mut self, it: &AssignmentExpression<'a>) {
        match &it.left {
            AssignmentTarget::StaticMemberExpression(m)
                if matches!(m.object, Expression::ThisExpression(_)) =>
            {
                self.asyncs.bind(format!("this.{}", m.property.name), &it.right);
            }
            AssignmentTarget::AssignmentTargetIdentifier(i) => {
                self.asyncs.bind(i.name.as_str().to_string(), &it.right);
            }
            _ => {}
        }
        match &it.left {
            AssignmentTarget::StaticMemberExpression(m) => {
                self.payload.assign(m, &it.right, self.src, &self.line_starts);
                self.http.wrapper_assign(m, &it.right);
                self.writes.insert(m.span);
                if it.operator != AssignmentOperator::Assign {
                    self.updates.insert(m.span);
                }
                let prop = m.property.name.as_str();
                if it.operator == AssignmentOperator::Assign && self.interest.column(prop) {
                    self.column_assign(prop, &m.object, &it.right);
                }
                let module_exports = |e: &Expression| {
                    matches!(e, Expression::StaticMemberExpression(o)
                        if o.property.name.as_str() == "exports"
                            && matches!(&o.object, Expression::Identifier(i) if i.name.as_str() == "module"))
                };
                let is_module = matches!(&m.object, Expression::Identifier(i) if i.name.as_str() == "module");
                if is_module && prop == "exports" {
                    // module.exports = { a, b: c } / module.exports = a /
                    // module.exports = class A {}
                    match &it.right {
                        Expression::ObjectExpression(o) => {
                            // `module.exports = { get: (path) => ... }`:
                            // request helpers by their exported names.
                            self.http.name_object_exports(o);
                            for p in &o.properties {
                                if let ObjectPropertyKind::ObjectProperty(p) = p
                                    && let Some((k, pos, _)) = key_name(&p.key)
                                {
                                    let local = match &p.value {
                                        Expression::Identifier(v) => {
                                            self.consumed.insert(v.span.start);
                                            self.exported_names.insert(v.name.as_str().to_string());
                                            Some(v.name.as_str())
                                        }
                                        _ => None,
                                    };
                                    self.exported_names.insert(k.clone());
                                    self.export(&k, local, None, pos);
                                }
                            }
                        }
                        Expression::Identifier(v) => {
                            self.consumed.insert(v.span.start);
                            self.exported_names.insert(v.name.as_str().to_string());
                            self.export("default", Some(v.name.as_str()), None, v.span.start);
                        }
                        Expression::ClassExpression(c) => {
                            let local = c.id.as_ref().map(|i| i.name.as_str());
                            self.export("default", local, None, c.span.start);
                        }
                        Expression::FunctionExpression(f) => {
                            let local = f.id.as_ref().map(|i| i.name.as_str());
                            self.export("default", local, None, f.span.start);
                            if local.is_none() {
                                self.http.name_function(f.span.start, "default");
                            }
                        }
                        Expression::ArrowFunctionExpression(f) => {
                            self.export("default", None, None, f.span.start);
                            self.http.name_function(f.span.start, "default");
                        }
                        _ => {}
                    }
                } else if matches!(&m.object, Expression::Identifier(i) if i.name.as_str() == "exports")
                    || module_exports(&m.object)
                {
                    // exports.x = x / module.exports.x = y: neither side is
                    // a use.
                    self.consumed.insert(m.property.span.start);
                    self.exported_names.insert(prop.to_string());
                    let local = match &it.right {
                        Expression::Identifier(v) => {
                            self.consumed.insert(v.span.start);
                            self.exported_names.insert(v.name.as_str().to_string());
                            Some(v.name.as_str())
                        }
                        _ => None,
                    };
                    self.export(prop, local, None, m.property.span.start);
                }
            }
            AssignmentTarget::ComputedMemberExpression(m) => {
                self.writes.insert(m.span);
                if it.operator != AssignmentOperator::Assign {
                    self.updates.insert(m.span);
                }
            }
            _ => {}
        }
        walk::walk_assignment_expression(self, it);
    }

    fn visit_unary_expression(&mut self, it: &UnaryExpression<'a>) {
        if it.operator == UnaryOperator::Delete {
            self.deleted.insert(it.argument.span());
        }
        walk::walk_unary_expression(self, it);
    }

    fn visit_throw_statement(&mut self, it: &ThrowStatement<'a>) {
        self.payload.throw(&it.argument, &self.line_starts);
        walk::walk_throw_statement(self, it);
    }

    fn visit_return_statement(&mut self, it: &ReturnStatement<'a>) {
        if let Some(a) = &it.argument {
            self.payload.ret(a, self.src, &self.line_starts);
            self.http.wrapper_return(a, self.src);
        }
        walk::walk_return_statement(self, it);
    }

    fn visit_static_member_expression(&mut self, it: &StaticMemberExpression<'a>) {
        self.asyncs.member(it);
        self.payload.member(it, &self.line_starts);
        self.http.responses.member(it, &self.line_starts);
        let name = it.property.name.as_str();
        let pos = it.property.span.start;
        if name == "env"
            && match &it.object {
                Expression::Identifier(i) => i.name.as_str() == "process",
                Expression::ImportMeta(_) => true,
                _ => false,
            }
        {
            self.env_uses.push(it.span.start);
        }
        if let Expression::Identifier(o) = &it.object
            && o.name.as_str() != "process"
            && env_shaped(name)
            && !self.writes.contains(&it.span)
            && !self.deleted.contains(&it.span)
        {
            self.config_reads
                .push((o.name.as_str().to_string(), name.to_string(), pos));
        }
        if is_env_object(&it.object) {
            // `process.env.X = value` sets the var for the process: no read.
            if !self.deleted.contains(&it.span) && !self.writes.contains(&it.span) {
                if self.env_fallback.contains(&it.span) {
                    self.env_fallback_at.insert(pos);
                }
                self.env.push((name.to_string(), pos));
            }
        } else if !self.consumed.contains(&pos)
            && (self.interest.name(name)
                || matches!(&it.object, Expression::Identifier(o) if self.import_locals.contains(o.name.as_str())))
        {
            // A method used without being called: onClick={this.save}.
            let recv = self.receiver(&it.object);
            self.call(name.to_string(), recv, Via::Reference, pos);
        }
        // `files.length`: the length of a JSON array, no key.
        if let Some(column) = column_of(&it.object)
            && self.interest.column(column)
            && name != "length"
            && let Some(op) = self.access_op(it.span)
        {
            let column = column.to_string();
            // A bare `metadata.x` is a local or a parameter named like the
            // column: its receiver is itself, unless it was destructured
            // from an object (`const { metadata } = video`).
            let recv = column_recv(&it.object)
                .map(|o| truncate(self.text(o.span())))
                .or_else(|| self.column_aliases.get(&column).cloned())
                .or_else(|| Some(column.clone()));
            self.json_key(&column, recv, Some((name.to_string(), pos)), pos, op);
        }
        walk::walk_static_member_expression(self, it);
    }

    fn visit_logical_expression(&mut self, it: &LogicalExpression<'a>) {
        if matches!(it.operator, LogicalOperator::Or | LogicalOperator::Coalesce) {
            self.env_fallback.insert(it.left.without_parentheses().span());
        }
        walk::walk_logical_expression(self, it);
    }

    fn visit_computed_member_expression(&mut self, it: &ComputedMemberExpression<'a>) {
        if is_env_object(&it.object) {
            if !matches!(it.expression, Expression::StringLiteral(_)) {
                self.env_index_uses.push(it.span.start);
            }
            if let Expression::StringLiteral(s) = &it.expression
                && !self.deleted.contains(&it.span)
            {
                if self.env_fallback.contains(&it.span) {
                    self.env_fallback_at.insert(s.span.start);
                }
                self.env.push((s.value.as_str().to_string(), s.span.start));
            }
        } else if let Some(column) = column_of(&it.object)
            && self.interest.column(column)
            && let Some(op) = self.access_op(it.span)
        {
            let column = column.to_string();
            let key = match &it.expression {
                Expression::StringLiteral(s) => Some((s.value.as_str().to_string(), s.span.start)),
                _ => None,
            };
            let recv = column_recv(&it.object)
                .map(|o| truncate(self.text(o.span())))
                .or_else(|| self.column_aliases.get(&column).cloned())
                .or_else(|| Some(column.clone()));
            self.json_key(&column, recv, key, it.expression.span().start, op);
        }
        walk::walk_computed_member_expression(self, it);
    }

    fn visit_identifier_reference(&mut self, it: &IdentifierReference<'a>) {
        let name = it.name.as_str();
        if !self.consumed.contains(&it.span.start)
            && (self.interest.name(name) || self.import_locals.contains(name))
        {
            self.call(name.to_string(), RawRecv::Implicit, Via::Reference, it.span.start);
        }
    }

    fn visit_jsx_opening_element(&mut self, it: &JSXOpeningElement<'a>) {
        let name = match &it.name {
            JSXElementName::Identifier(i) => Some((i.name.as_str(), i.span.start)),
            JSXElementName::IdentifierReference(i) => Some((i.name.as_str(), i.span.start)),
            _ => None,
        };
        if let Some((name, pos)) = name {
            self.consumed.insert(pos);
            self.call(name.to_string(), RawRecv::Implicit, Via::Jsx, pos);
        }
        walk::walk_jsx_opening_element(self, it);
    }

    fn visit_jsx_closing_element(&mut self, _: &JSXClosingElement<'a>) {
        // The closing tag repeats the name; it is not another use.
    }

    fn visit_string_literal(&mut self, it: &StringLiteral<'a>) {
        self.http
            .mention_string(it.value.as_str(), it.span.start, &self.line_starts);
        let inner = Span::new(
            it.span.start + 1,
            it.span.end.saturating_sub(1).max(it.span.start + 1),
        );
        self.sql(it.span, inner);
    }

    fn visit_template_literal(&mut self, it: &TemplateLiteral<'a>) {
        self.http.mention_template(it, &self.line_starts);
        walk::walk_template_literal(self, it);
    }

    fn visit_template_element(&mut self, it: &TemplateElement<'a>) {
        self.sql(it.span, it.span);
    }

    fn visit_import_declaration(&mut self, it: &ImportDeclaration<'a>) {
        let from = it.source.value.as_str().to_string();
        let type_only = it.import_kind.is_type();
        for s in it.specifiers.iter().flatten() {
            match s {
                ImportDeclarationSpecifier::ImportSpecifier(s) => {
                    let (name, pos) = export_name(&s.imported);
                    self.consumed.insert(pos);
                    self.consumed.insert(s.local.span.start);
                    if s.local.name.as_str() != name {
                        self.renamed_imports
                            .insert(s.local.name.as_str().to_string(), name.clone());
                    }
                    // `import type` is not a use.
                    if !type_only && !s.import_kind.is_type() {
                        self.import(s.local.name.as_str(), Imported::Name(name.clone()), &from, pos);
                        self.call(name, RawRecv::Module(from.clone()), Via::Import, pos);
                    }
                }
                ImportDeclarationSpecifier::ImportDefaultSpecifier(s) => {
                    self.consumed.insert(s.local.span.start);
                    if !type_only {
                        self.import(s.local.name.as_str(), Imported::Default, &from, s.span.start);
                    }
                }
                ImportDeclarationSpecifier::ImportNamespaceSpecifier(s) => {
                    self.consumed.insert(s.local.span.start);
                    if !type_only {
                        self.import(s.local.name.as_str(), Imported::Namespace, &from, s.span.start);
                    }
                }
            }
        }
    }

    fn visit_export_declaration(&mut self, it: &ExportDeclaration<'a>) {
        self.exported_decls.insert(it.declaration.span().start);
        match &it.declaration {
            Declaration::FunctionDeclaration(f) => {
                if let Some(id) = &f.id {
                    self.export(id.name.as_str(), Some(id.name.as_str()), None, id.span.start);
                }
            }
            Declaration::ClassDeclaration(c) => {
                if let Some(id) = &c.id {
                    self.export(id.name.as_str(), Some(id.name.as_str()), None, id.span.start);
                }
            }
            Declaration::VariableDeclaration(v) => {
                for d in &v.declarations {
                    if let BindingPattern::BindingIdentifier(id) = &d.id {
                        self.export(id.name.as_str(), Some(id.name.as_str()), None, id.span.start);
                    }
                }
            }
            _ => {}
        }
        walk::walk_export_declaration(self, it);
    }

    fn visit_export_default_declaration(&mut self, it: &ExportDefaultDeclaration<'a>) {
        let pos = it.span.start;
        match &it.declaration {
            ExportDefaultDeclarationKind::FunctionDeclaration(f) => {
                self.exported_decls.insert(f.span.start);
                if f.id.is_none() {
                    self.http.name_function(f.span.start, "default");
                }
                self.export("default", f.id.as_ref().map(|i| i.name.as_str()), None, pos);
            }
            ExportDefaultDeclarationKind::ClassDeclaration(c) => {
                self.export("default", c.id.as_ref().map(|i| i.name.as_str()), None, pos);
            }
            ExportDefaultDeclarationKind::Identifier(i) => {
                self.consumed.insert(i.span.start);
                self.exported_names.insert(i.name.as_str().to_string());
                self.export("default", Some(i.name.as_str()), None, pos);
            }
            ExportDefaultDeclarationKind::TSInterfaceDeclaration(_) => {}
            other => {
                if let Some(e) = other.as_expression() {
                    self.env_candidates.push(("default".to_string(), e.span()));
                    self.http.name_function(e.span().start, "default");
                    // `export default Router().use('/api', api)`
                    self.http.declarator("default", e, &self.line_starts);
                    // `export default { get(path) {...} }`
                    self.http.wrapper_declarator("default", e);
                }
                self.export("default", None, None, pos)
            }
        }
        walk::walk_export_default_declaration(self, it);
    }

    fn visit_ts_export_assignment(&mut self, it: &TSExportAssignment<'a>) {
        if let Expression::Identifier(i) = &it.expression {
            self.consumed.insert(i.span.start);
            self.exported_names.insert(i.name.as_str().to_string());
            self.export("default", Some(i.name.as_str()), None, i.span.start);
        }
        walk::walk_ts_export_assignment(self, it);
    }

    fn visit_export_named_declaration(&mut self, it: &ExportNamedDeclaration<'a>) {
        for s in &it.specifiers {
            let (local, lpos) = export_name(&s.local);
            let (public, ppos) = export_name(&s.exported);
            self.consumed.insert(lpos);
            self.consumed.insert(ppos);
            if !it.export_kind.is_type() && !s.export_kind.is_type() {
                self.export(&public, Some(&local), None, ppos);
            }
            self.exported_names.insert(local.clone());
            if public != local && public != "default" {
                // export { toTitle as titleCase }: `titleCase` is defined here.
                let line = self.line(ppos);
                self.renames.push((local, public.clone(), line));
                self.alias_defs.push((public, line));
            }
        }
    }

    fn visit_export_from_declaration(&mut self, it: &ExportFromDeclaration<'a>) {
        let from = it.source.value.as_str().to_string();
        for s in &it.specifiers {
            let (name, pos) = export_name(&s.local);
            let (public, ppos) = export_name(&s.exported);
            self.consumed.insert(pos);
            self.consumed.insert(ppos);
            // A re-export is not a use: calls through it are, once
            // resolved (see `facts::resolve`).
            if !it.export_kind.is_type() && !s.export_kind.is_type() {
                self.export(&public, Some(&name), Some(&from), ppos);
            }
        }
    }

    fn visit_export_all_declaration(&mut self, it: &ExportAllDeclaration<'a>) {
        if !it.export_kind.is_type() {
            let from = it.source.value.as_str().to_string();
            let name = it.exported.as_ref().map_or("*".to_string(), |n| export_name(n).0);
            self.export(&name, None, Some(&from), it.span.start);
        }
    }
}

use super::ts_http::decorator_call;

/// Prisma client methods that read, filtered by `where`.
const PRISMA_QUERIES: [&str; 11] = [
    "findMany",
    "findFirst",
    "findFirstOrThrow",
    "findUnique",
    "findUniqueOrThrow",
    "delete",
    "deleteMany",
    "count",
    "aggregate",
    "groupBy",
    "exists",
];

/// Prisma client methods that take the written columns as `data`.
const PRISMA_WRITES: [&str; 7] = [
    "create",
    "createMany",
    "createManyAndReturn",
    "update",
    "updateMany",
    "updateManyAndReturn",
    "upsert",
];

/// The class a declared variable holds, when its declaration says:
/// a type annotation naming a class (`const x: Foo = ...`), `new Foo()`,
/// `y as Foo`, or a DOM lookup (`document.createElement('canvas')`,
/// `document.querySelector(s)`), whose value is an element of the
/// browser's, never a class of the workspace.
fn declared_class(annotation: Option<&TSTypeAnnotation<'_>>, init: &Expression<'_>) -> Option<String> {
    let named = |t: &TSType<'_>| match t {
        TSType::TSTypeReference(r) if r.type_arguments.is_none() => match &r.type_name {
            TSTypeName::IdentifierReference(c) => Some(c.name.as_str().to_string()),
            _ => None,
        },
        _ => None,
    };
    if let Some(a) = annotation {
        return named(&a.type_annotation);
    }
    match init.without_parentheses() {
        Expression::NewExpression(n) => match &n.callee {
            Expression::Identifier(c) => Some(c.name.as_str().to_string()),
            _ => None,
        },
        Expression::TSAsExpression(a) => named(&a.type_annotation),
        Expression::CallExpression(c) => match c.callee.without_parentheses() {
            Expression::StaticMemberExpression(m)
                if matches!(&m.object, Expression::Identifier(d) if d.name == "document")
                    && matches!(
                        m.property.name.as_str(),
                        "createElement"
                            | "createElementNS"
                            | "getElementById"
                            | "querySelector"
                            | "elementFromPoint"
                    ) =>
            {
                Some(if m.property.name == "createElement" {
                    "HTMLElement".to_string()
                } else {
                    "Element".to_string()
                })
            }
            _ => None,
        },
        _ => None,
    }
}

/// `useRef<T>(...)` (React): the class its `current` holds.
fn ref_of(init: &Expression<'_>) -> Option<String> {
    let Expression::CallExpression(c) = init.without_parentheses() else {
        return None;
    };
    let callee = match &c.callee {
        Expression::Identifier(i) => i.name.as_str(),
        Expression::StaticMemberExpression(m) => m.property.name.as_str(),
        _ => return None,
    };
    if callee != "useRef" {
        return None;
    }
    match c.type_arguments.as_ref()?.params.first()? {
        TSType::TSTypeReference(r) if r.type_arguments.is_none() => match &r.type_name {
            TSTypeName::IdentifierReference(t) => Some(t.name.as_str().to_string()),
            _ => None,
        },
        _ => None,
    }
}

/// A Drizzle column builder that stores JSON: `json("x")`, `jsonb("x")`,
/// `text("x", { mode: "json" })`, `blob("x", { mode: "json" })`, the
/// callback form's `t.jsonb()`, under any chain of modifiers
/// (`.$type<T>().notNull()`).
fn drizzle_json_column(e: &Expression<'_>) -> bool {
    let mut e = e.without_parentheses();
    for _ in 0..16 {
        let Expression::CallExpression(c) = e else {
            return false;
        };
        let name = match &c.callee {
            Expression::Identifier(i) => i.name.as_str(),
            Expression::StaticMemberExpression(m) => match m.object.without_parentheses() {
                // A modifier on a builder: look at the builder.
                inner @ Expression::CallExpression(_) => {
                    e = inner;
                    continue;
                }
                _ => m.property.name.as_str(),
            },
            _ => return false,
        };
        return match name {
            "json" | "jsonb" => true,
            "text" | "blob" => c.arguments.iter().any(|a| match a {
                Argument::ObjectExpression(o) => o.properties.iter().any(|p| match p {
                    ObjectPropertyKind::ObjectProperty(p) => {
                        matches!(&p.key, PropertyKey::StaticIdentifier(k) if k.name == "mode")
                            && matches!(&p.value, Expression::StringLiteral(v) if v.value == "json")
                    }
                    _ => false,
                }),
                _ => false,
            }),
            _ => false,
        };
    }
    false
}

/// A class decorator that makes the class a database model: TypeORM's
/// `@Entity()`, sequelize-typescript's `@Table({ tableName })` or bare
/// `@Table`.
fn is_model_decorator(d: &Decorator<'_>) -> bool {
    decorator_call(d).is_some_and(|(n, _)| n == "Entity" || n == "Table")
        || matches!(&d.expression, Expression::Identifier(i) if i.name == "Table")
}

/// A column type argument naming JSON: TypeORM's `'jsonb'`, `'json'`,
/// sequelize's `DataType.JSONB` / `DataTypes.JSON`, or an options object
/// with such a `type`.
fn is_json_type(a: &Argument<'_>) -> bool {
    let json = |e: &Expression<'_>| match e {
        Expression::StringLiteral(s) => s.value == "jsonb" || s.value == "json",
        Expression::StaticMemberExpression(m) => {
            matches!(&m.object, Expression::Identifier(o) if o.name == "DataType" || o.name == "DataTypes")
                && (m.property.name == "JSONB" || m.property.name == "JSON")
        }
        _ => false,
    };
    match a {
        Argument::StringLiteral(s) => s.value == "jsonb" || s.value == "json",
        Argument::StaticMemberExpression(_) => a.as_expression().is_some_and(json),
        Argument::ObjectExpression(o) => o.properties.iter().any(|p| match p {
            ObjectPropertyKind::ObjectProperty(p) => {
                matches!(&p.key, PropertyKey::StaticIdentifier(k) if k.name == "type") && json(&p.value)
            }
            _ => false,
        }),
        _ => false,
    }
}
