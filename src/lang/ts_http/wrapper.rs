//! Generic request helpers in TypeScript/JavaScript clients, for the oxc
//! walk of `typescript` (through `Http`): a function, or a method of an
//! object bound at module level, whose body forwards its path argument
//! (after a base) into `fetch` / axios / ky / got / superagent, with a verb
//! that is fixed or given by an argument, is a `ClientWrapper`; so is a
//! function that forwards its arguments into such a helper of the same
//! module (at most `MAX_HOPS` such steps: `get(path)` → `send({ method:
//! 'GET', path })` → `fetch`). Calls that may reach one (`get('users')`,
//! `api.post('/users/login', { user })`) are kept as `WrapperCall`s with
//! their arguments and what is read from their results; `FactIndex` ties
//! them to the helper after module resolution. Nothing here descends the
//! tree on its own beyond a few bounded levels.

use super::{Http, Part, prop, url_parts, verb_of};
use crate::facts::{ArgRef, CallArg, ClientWrapper, WrapperCall, WrapperReturns, WrapperVerb};
use oxc::ast::ast::*;
use oxc::span::GetSpan;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// Helper-to-helper steps followed inside one module.
const MAX_HOPS: usize = 2;
/// How deep an argument's object literal is read.
const MAX_ARG_DEPTH: usize = 3;

/// A value in a helper's body, in terms of its parameters.
#[derive(Clone, Debug)]
enum Val {
    Param(ArgRef),
    Lit(String),
    Obj(Vec<(String, Val)>),
    Other,
}

/// `const opts = { method, body }` / `opts.body = JSON.stringify(data)`:
/// the request options a helper builds before its request.
#[derive(Clone, Debug, Default)]
struct Opts {
    method: Option<Val>,
    body: Option<Val>,
}

/// A helper's own request.
#[derive(Clone, Debug)]
struct Forward {
    base: Vec<Part>,
    path: ArgRef,
    verb: Val,
    body: Option<ArgRef>,
    client: String,
    span: (u32, u32),
    line: u32,
}

/// A call to another function of the module with the helper's
/// parameters among its arguments.
#[derive(Clone, Debug)]
struct Hop {
    name: String,
    args: Vec<Val>,
    span: (u32, u32),
    line: u32,
}

#[derive(Default)]
struct Frame {
    name: Option<String>,
    params: HashMap<String, ArgRef>,
    objects: HashMap<String, Opts>,
    forward: Option<Forward>,
    hops: Vec<Hop>,
    /// Spans of the calls it returns (`return send(...)`, an arrow's
    /// expression body): the call itself, not a chain on it
    /// (`fetch(u).then(...)` starts where `fetch(u)` does).
    returned: HashSet<(u32, u32)>,
    /// A return gives a parsed body (`res.json()`, `JSON.parse(text)`,
    /// `.then(r => r.data)`).
    returns_body: bool,
}

/// A function that forwards its parameters, at its end.
struct Record {
    name: String,
    forward: Option<Forward>,
    hops: Vec<Hop>,
    returned: HashSet<(u32, u32)>,
    returns_body: bool,
}

/// A call that may reach a helper, before module constants are known.
struct RawCall {
    recv: Option<String>,
    name: String,
    args: Vec<RawArg>,
    start: u32,
    line: u32,
}

#[derive(Clone)]
enum RawArg {
    Str(Vec<Part>, bool),
    Object(Vec<(String, u32)>, Vec<(String, RawArg)>),
    Other,
}

#[derive(Default)]
pub(in crate::lang) struct Wrappers {
    frames: Vec<Frame>,
    /// Object methods by their function's start: `requests.get`.
    names: HashMap<u32, String>,
    /// Module-level object properties that name a function: (`api.get`,
    /// `get`) of `const api = { get }`.
    aliases: Vec<(String, String)>,
    records: Vec<Record>,
    calls: Vec<RawCall>,
}

/// The parameters of a function by local name: `path` → `Pos(0)`, `{
/// method, path }` → `Key(0, "method")`, `Key(0, "path")`.
fn params_of(params: &FormalParameters) -> HashMap<String, ArgRef> {
    let mut out = HashMap::default();
    for (i, p) in params.items.iter().enumerate() {
        let i = i as u32;
        let pat = match &p.pattern {
            BindingPattern::AssignmentPattern(a) => &a.left,
            other => other,
        };
        match pat {
            BindingPattern::BindingIdentifier(b) => {
                out.insert(b.name.as_str().to_string(), ArgRef::Pos(i));
            }
            BindingPattern::ObjectPattern(o) => {
                for prop in &o.properties {
                    let Some(k) = prop.key.static_name() else { continue };
                    let local = match &prop.value {
                        BindingPattern::BindingIdentifier(b) => b.name.as_str(),
                        BindingPattern::AssignmentPattern(a) => match &a.left {
                            BindingPattern::BindingIdentifier(b) => b.name.as_str(),
                            _ => continue,
                        },
                        _ => continue,
                    };
                    out.insert(local.to_string(), ArgRef::Key(i, k.to_string()));
                }
            }
            _ => {}
        }
    }
    out
}

/// `await x`, `(x)`, `x as T`, `JSON.stringify(x)`: x.
fn unwrap_value<'e, 'a>(e: &'e Expression<'a>) -> &'e Expression<'a> {
    let mut e = e.get_inner_expression();
    for _ in 0..4 {
        match e {
            Expression::AwaitExpression(a) => e = a.argument.get_inner_expression(),
            Expression::CallExpression(c)
                if matches!(&c.callee, Expression::StaticMemberExpression(m) if m.property.name == "stringify")
                    && c.arguments.len() == 1 =>
            {
                match c.arguments[0].as_expression() {
                    Some(x) => e = x.get_inner_expression(),
                    None => break,
                }
            }
            _ => break,
        }
    }
    e
}

/// Does a returned expression give a parsed body?
fn gives_body(src: &str, e: &Expression) -> bool {
    let t = src
        .get(e.span().start as usize..e.span().end as usize)
        .unwrap_or("");
    let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    let l = t.to_ascii_lowercase();
    // The value returned must be the body itself: `res.json()`,
    // `.then(r => r.json())`, `text ? JSON.parse(text) : {}`, `res.data`,
    // `.then(responseBody)`; not an object built around it in a callback
    // (`.then(async r => ({ ok: r.ok, data: await r.json() }))`).
    l.ends_with(".json()")
        || l.ends_with(".json())")
        || (t.contains("JSON.parse(") && !t.contains("=>"))
        || l.ends_with(".data")
        || l.ends_with(".body")
        || l.ends_with("data)")
        || l.ends_with("body)")
        || matches!(e.get_inner_expression(), Expression::Identifier(i) if matches!(i.name.as_str(), "data" | "body" | "json"))
}

/// The rendered base of a helper: (text, starts with a value).
fn render_base(parts: &[Part]) -> (String, bool) {
    let mut out = String::new();
    let mut var = false;
    for (i, p) in parts.iter().enumerate() {
        match p {
            Part::Lit(s) => out.push_str(s),
            Part::Name(_) | Part::Opaque if i == 0 => var = true,
            Part::Name(n) => {
                out.push(':');
                out.push_str(n);
            }
            Part::Opaque => out.push_str(":param"),
        }
    }
    (out, var)
}

/// `Pos(i)` / `Key(i, k)` of a call's values.
fn pick<'v>(args: &'v [Val], r: &ArgRef) -> Option<&'v Val> {
    match r {
        ArgRef::Pos(i) => args.get(*i as usize),
        ArgRef::Key(i, k) => match args.get(*i as usize)? {
            Val::Obj(props) => props.iter().find(|(pk, _)| pk == k).map(|(_, v)| v),
            _ => None,
        },
    }
}

impl Wrappers {
    fn frame(&mut self) -> Option<&mut Frame> {
        self.frames.last_mut()
    }

    /// The parameter a local names, in the innermost function that has
    /// it (closures see their function's parameters): (frame index, ref).
    fn param(&self, name: &str) -> Option<(usize, ArgRef)> {
        self.frames
            .iter()
            .enumerate()
            .rev()
            .find_map(|(i, f)| f.params.get(name).map(|r| (i, r.clone())))
    }

    fn val(&self, e: &Expression, depth: usize) -> Val {
        match unwrap_value(e) {
            Expression::Identifier(i) => match self.param(i.name.as_str()) {
                Some((_, r)) => Val::Param(r),
                None => Val::Other,
            },
            Expression::StringLiteral(s) => Val::Lit(s.value.as_str().to_string()),
            Expression::ObjectExpression(o) if depth < MAX_ARG_DEPTH => Val::Obj(
                o.properties
                    .iter()
                    .filter_map(|p| match p {
                        ObjectPropertyKind::ObjectProperty(p) => {
                            let k = p.key.static_name()?.to_string();
                            Some((k, self.val(&p.value, depth + 1)))
                        }
                        _ => None,
                    })
                    .collect(),
            ),
            _ => Val::Other,
        }
    }

    /// The request options an expression is: an object literal, or a
    /// local built before the request.
    fn opts(&self, e: Option<&Expression>) -> Opts {
        match e.map(|e| e.get_inner_expression()) {
            Some(Expression::ObjectExpression(o)) => Opts {
                method: prop(o, "method").map(|m| self.val(m, 0)),
                body: prop(o, "body")
                    .or_else(|| prop(o, "json"))
                    .or_else(|| prop(o, "data"))
                    .map(|b| self.val(b, 0)),
            },
            Some(Expression::Identifier(i)) => self
                .frames
                .iter()
                .rev()
                .find_map(|f| f.objects.get(i.name.as_str()).cloned())
                .unwrap_or_default(),
            _ => Opts::default(),
        }
    }
}

impl Http {
    /// Entering a function: its name (a binding, an object method).
    pub(super) fn wrapper_enter(&mut self, name: Option<String>, start: u32, params: &FormalParameters) {
        let w = &mut self.wrappers;
        let name = w.names.get(&start).cloned().or(name);
        w.frames.push(Frame {
            name,
            params: params_of(params),
            ..Frame::default()
        });
    }

    pub(super) fn wrapper_leave(&mut self) {
        let Some(f) = self.wrappers.frames.pop() else {
            return;
        };
        if let Some(name) = f.name
            && (f.forward.is_some() || !f.hops.is_empty())
        {
            self.wrappers.records.push(Record {
                name,
                forward: f.forward,
                hops: f.hops,
                returned: f.returned,
                returns_body: f.returns_body,
            });
        }
    }

    /// `const opts = { method, headers }` in a function; `const api = {
    /// get(path) {...}, post: (path, body) => ... }` at module level.
    pub(in crate::lang) fn wrapper_declarator(&mut self, name: &str, init: &Expression) {
        let init = init.get_inner_expression();
        let Expression::ObjectExpression(o) = init else {
            return;
        };
        if self.wrappers.frames.is_empty() {
            self.name_object(name, o);
            return;
        }
        let opts = self.wrappers.opts(Some(init));
        if let Some(f) = self.wrappers.frame() {
            f.objects.insert(name.to_string(), opts);
        }
    }

    /// The functions of a module-level object literal, as `name.key`.
    pub(in crate::lang) fn name_object(&mut self, name: &str, o: &ObjectExpression) {
        for p in &o.properties {
            let ObjectPropertyKind::ObjectProperty(p) = p else {
                continue;
            };
            let Some(k) = p.key.static_name() else { continue };
            match p.value.get_inner_expression() {
                Expression::ArrowFunctionExpression(f) => {
                    self.wrappers.names.insert(f.span.start, format!("{name}.{k}"));
                }
                Expression::FunctionExpression(f) => {
                    self.wrappers.names.insert(f.span.start, format!("{name}.{k}"));
                }
                Expression::Identifier(i) => {
                    self.wrappers
                        .aliases
                        .push((format!("{name}.{k}"), i.name.as_str().to_string()));
                }
                _ => {}
            }
        }
    }

    /// `module.exports = { get: (path) => ... }`: functions by their
    /// exported names.
    pub(in crate::lang) fn name_object_exports(&mut self, o: &ObjectExpression) {
        for p in &o.properties {
            let ObjectPropertyKind::ObjectProperty(p) = p else {
                continue;
            };
            let Some(k) = p.key.static_name() else { continue };
            if let Expression::ArrowFunctionExpression(f) = p.value.get_inner_expression() {
                self.wrappers.names.insert(f.span.start, k.to_string());
            } else if let Expression::FunctionExpression(f) = p.value.get_inner_expression() {
                self.wrappers.names.insert(f.span.start, k.to_string());
            }
        }
    }

    /// `opts.body = JSON.stringify(data)`, `opts.method = method`.
    pub(in crate::lang) fn wrapper_assign(&mut self, target: &StaticMemberExpression, value: &Expression) {
        let Expression::Identifier(obj) = &target.object else {
            return;
        };
        let k = target.property.name.as_str();
        if !matches!(k, "method" | "body" | "json" | "data") {
            return;
        }
        let v = self.wrappers.val(value, 0);
        let w = &mut self.wrappers;
        let Some(f) = w
            .frames
            .iter_mut()
            .rev()
            .find(|f| f.objects.contains_key(obj.name.as_str()))
        else {
            return;
        };
        if let Some(o) = f.objects.get_mut(obj.name.as_str()) {
            if k == "method" {
                o.method = Some(v);
            } else {
                o.body = Some(v);
            }
        }
    }

    /// `return x` (or an arrow's expression body) in the current function.
    pub(in crate::lang) fn wrapper_return(&mut self, value: &Expression, src: &str) {
        let body = gives_body(src, value);
        let mut e = value.get_inner_expression();
        if let Expression::AwaitExpression(a) = e {
            e = a.argument.get_inner_expression();
        }
        let Some(f) = self.wrappers.frame() else { return };
        f.returns_body |= body;
        if let Expression::CallExpression(c) = e {
            f.returned.insert((c.span.start, c.span.end));
        }
    }

    /// A client request inside a function: a helper's forward when its
    /// URL holds one of the function's parameters.
    /// `shape`: `None` for `fetch(url, opts)` / `axios(config)`, `Some(verb)`
    /// for `client.get(url, body)`, `Some("REQUEST")` for
    /// `client.request(config)`.
    pub(super) fn wrapper_request(
        &mut self,
        it: &CallExpression,
        client: &str,
        verb: Option<&str>,
        line: u32,
    ) {
        if self.wrappers.frames.is_empty() {
            return;
        }
        let first = it.arguments.first().and_then(|a| a.as_expression());
        let second = it.arguments.get(1).and_then(|a| a.as_expression());
        let (url, opts, fixed) = match (verb, first) {
            (Some("REQUEST"), Some(Expression::ObjectExpression(o))) => {
                (prop(o, "url"), self.wrappers.opts(first), None)
            }
            (Some("REQUEST"), _) => return,
            (Some(v), Some(u)) => {
                let opts = match client {
                    "ky" | "got" => {
                        let o = self.wrappers.opts(second);
                        Opts { method: None, ..o }
                    }
                    _ => Opts {
                        method: None,
                        body: second.map(|b| self.wrappers.val(b, 0)),
                    },
                };
                (Some(u), opts, Some(v.to_string()))
            }
            (None, Some(Expression::ObjectExpression(o))) => {
                (prop(o, "url"), self.wrappers.opts(first), None)
            }
            (None, Some(u)) => (Some(u), self.wrappers.opts(second), None),
            _ => return,
        };
        let Some(url) = url else { return };
        let Some(mut parts) = url_parts(url, 0) else {
            return;
        };
        for local in self.fn_consts.iter().rev() {
            parts = Self::expand_with(&parts, local, 0);
        }
        // The first part that is a parameter is the path.
        let Some((i, fi, path)) = parts.iter().enumerate().find_map(|(i, p)| match p {
            Part::Name(n) => self.wrappers.param(n).map(|(fi, r)| (i, fi, r)),
            _ => None,
        }) else {
            return;
        };
        let verb = match (fixed, opts.method) {
            (Some(v), _) => Val::Lit(v),
            (None, Some(m)) => m,
            (None, None) => Val::Lit("GET".to_string()),
        };
        let body = match opts.body {
            Some(Val::Param(r)) => Some(r),
            _ => None,
        };
        // A client hook's function adds a base of its own, unknown here.
        let mut base = parts[..i].to_vec();
        if client == super::HOOK_CLIENT {
            base.insert(0, Part::Opaque);
        }
        let fwd = Forward {
            base,
            path,
            verb,
            body,
            client: client.to_string(),
            span: (it.span.start, it.span.end),
            line,
        };
        let f = &mut self.wrappers.frames[fi];
        if f.forward.is_none() {
            f.forward = Some(fwd);
        }
    }

    /// Any other call: a step into another helper of the module when it
    /// passes a parameter on; a call that may reach a helper when it is
    /// given a path.
    pub(super) fn wrapper_call(&mut self, it: &CallExpression, line: u32, ls: &[u32]) {
        let (recv, name) = match &it.callee {
            Expression::Identifier(i) => (None, i.name.as_str().to_string()),
            Expression::StaticMemberExpression(m) => match &m.object {
                Expression::Identifier(o) => (
                    Some(o.name.as_str().to_string()),
                    m.property.name.as_str().to_string(),
                ),
                _ => return,
            },
            _ => return,
        };
        if recv.is_none() && matches!(name.as_str(), "require" | "fetch") {
            return;
        }
        let vals: Vec<Val> = it
            .arguments
            .iter()
            .map(|a| a.as_expression().map_or(Val::Other, |e| self.wrappers.val(e, 0)))
            .collect();
        let passes_param = |v: &Val| match v {
            Val::Param(_) => true,
            Val::Obj(props) => props.iter().any(|(_, v)| matches!(v, Val::Param(_))),
            _ => false,
        };
        if vals.iter().any(passes_param)
            && let Some(f) = self.wrappers.frame()
        {
            let full = match &recv {
                Some(r) => format!("{r}.{name}"),
                None => name.clone(),
            };
            f.hops.push(Hop {
                name: full,
                args: vals,
                span: (it.span.start, it.span.end),
                line,
            });
        }
        // A path among the first arguments: a string with no spaces.
        let pathish = it.arguments.iter().take(3).any(|a| match a.as_expression() {
            Some(Expression::StringLiteral(s)) => {
                let v = s.value.as_str();
                !v.is_empty() && !v.contains(char::is_whitespace) && v.len() < 200
            }
            Some(Expression::TemplateLiteral(t)) => t
                .quasis
                .iter()
                .all(|q| !q.value.raw.contains(char::is_whitespace)),
            Some(Expression::BinaryExpression(b)) => b.operator == BinaryOperator::Addition,
            _ => false,
        });
        if !pathish {
            return;
        }
        let args: Vec<RawArg> = it
            .arguments
            .iter()
            .take(4)
            .map(|a| {
                a.as_expression()
                    .map_or(RawArg::Other, |e| self.raw_arg(e, 0, ls))
            })
            .collect();
        // A path built on a constant that holds one of two paths: a call
        // for each.
        let alt = args.iter().enumerate().find_map(|(i, a)| match a {
            RawArg::Str(parts, _) => parts.iter().find_map(|p| match p {
                Part::Name(n) => self
                    .fn_alts
                    .iter()
                    .rev()
                    .find_map(|m| m.get(n))
                    .map(|alts| (i, n.clone(), alts.clone())),
                _ => None,
            }),
            _ => None,
        });
        let variants: Vec<Vec<RawArg>> = match alt {
            Some((i, n, alts)) => alts
                .into_iter()
                .map(|alt| {
                    let mut a = args.clone();
                    if let RawArg::Str(parts, _) = &mut a[i] {
                        *parts = parts
                            .iter()
                            .flat_map(|p| match p {
                                Part::Name(x) if *x == n => alt.clone(),
                                other => vec![other.clone()],
                            })
                            .collect();
                    }
                    a
                })
                .collect(),
            None => vec![args],
        };
        for args in variants {
            self.wrappers.calls.push(RawCall {
                recv: recv.clone(),
                name: name.clone(),
                args,
                start: it.span.start,
                line,
            });
        }
    }

    fn raw_arg(&self, e: &Expression, depth: usize, ls: &[u32]) -> RawArg {
        let e = e.get_inner_expression();
        match e {
            Expression::StringLiteral(_)
            | Expression::TemplateLiteral(_)
            | Expression::BinaryExpression(_) => match url_parts(e, 0) {
                Some(mut parts) => {
                    for local in self.fn_consts.iter().rev() {
                        parts = Self::expand_with(&parts, local, 0);
                    }
                    RawArg::Str(parts, matches!(e, Expression::StringLiteral(_)))
                }
                None => RawArg::Other,
            },
            Expression::ObjectExpression(o) => {
                let mut keys = Vec::new();
                super::object_keys(e, "", 0, &mut keys);
                keys.sort();
                keys.dedup_by(|a, b| a.0 == b.0);
                let keys = keys
                    .into_iter()
                    .map(|(k, pos)| (k, super::line(ls, pos)))
                    .collect();
                let props = if depth < MAX_ARG_DEPTH {
                    o.properties
                        .iter()
                        .filter_map(|p| match p {
                            ObjectPropertyKind::ObjectProperty(p) => {
                                let k = p.key.static_name()?.to_string();
                                Some((k, self.raw_arg(&p.value, depth + 1, ls)))
                            }
                            _ => None,
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                RawArg::Object(keys, props)
            }
            _ => RawArg::Other,
        }
    }

    fn call_arg(&self, a: &RawArg) -> CallArg {
        match a {
            RawArg::Str(parts, lit) => match self.render(parts, true) {
                Some((text, prefix_var)) => CallArg::Str {
                    text,
                    lit: *lit,
                    prefix_var,
                },
                None => CallArg::Other,
            },
            RawArg::Object(keys, props) => CallArg::Object {
                keys: keys.clone(),
                props: props.iter().map(|(k, v)| (k.clone(), self.call_arg(v))).collect(),
            },
            RawArg::Other => CallArg::Other,
        }
    }

    /// The module's helpers (direct ones, then those that step into them,
    /// `MAX_HOPS` deep) and its calls that may reach a helper, with the
    /// reads of their results not already tied to a client call.
    pub(super) fn finish_wrappers(
        &mut self,
        facts: &mut crate::facts::FileFacts,
        reads: &HashMap<u32, Vec<(bool, String, u32)>>,
        http_at: &HashMap<u32, Vec<u32>>,
    ) {
        let records = std::mem::take(&mut self.wrappers.records);
        let mut found: Vec<ClientWrapper> = Vec::new();
        for r in &records {
            let Some(f) = &r.forward else { continue };
            let verb = match &f.verb {
                Val::Lit(v) => WrapperVerb::Fixed(v.to_ascii_uppercase()),
                Val::Param(p) => WrapperVerb::Arg(p.clone()),
                _ => WrapperVerb::Fixed("ANY".to_string()),
            };
            let (base, base_var) = render_base(&self.expand(&f.base, 0));
            found.push(ClientWrapper {
                name: r.name.clone(),
                path: f.path.clone(),
                verb,
                body: f.body.clone(),
                base,
                base_var,
                returns: if r.returns_body {
                    WrapperReturns::Body
                } else if r.returned.contains(&f.span) {
                    WrapperReturns::Response
                } else {
                    WrapperReturns::Unknown
                },
                client: f.client.clone(),
                line: f.line,
            });
        }
        for _ in 0..MAX_HOPS {
            let mut more = Vec::new();
            for r in &records {
                if r.forward.is_some() || found.iter().any(|w| w.name == r.name) {
                    continue;
                }
                let Some((hop, w)) = r
                    .hops
                    .iter()
                    .find_map(|h| found.iter().find(|w| w.name == h.name).map(|w| (h, w)))
                else {
                    continue;
                };
                let Some(Val::Param(path)) = pick(&hop.args, &w.path) else {
                    continue;
                };
                let verb = match &w.verb {
                    WrapperVerb::Fixed(v) => WrapperVerb::Fixed(v.clone()),
                    WrapperVerb::Arg(a) => match pick(&hop.args, a) {
                        Some(Val::Lit(v)) => WrapperVerb::Fixed(v.to_ascii_uppercase()),
                        Some(Val::Param(p)) => WrapperVerb::Arg(p.clone()),
                        _ => WrapperVerb::Fixed("ANY".to_string()),
                    },
                };
                let body = w.body.as_ref().and_then(|b| match pick(&hop.args, b) {
                    Some(Val::Param(p)) => Some(p.clone()),
                    _ => None,
                });
                let returns = if r.returned.contains(&hop.span) {
                    w.returns
                } else if r.returns_body {
                    WrapperReturns::Body
                } else {
                    WrapperReturns::Unknown
                };
                more.push(ClientWrapper {
                    name: r.name.clone(),
                    path: path.clone(),
                    verb,
                    body,
                    base: w.base.clone(),
                    base_var: w.base_var,
                    returns,
                    client: w.client.clone(),
                    line: hop.line,
                });
            }
            if more.is_empty() {
                break;
            }
            found.extend(more);
        }
        // `const api = { get, post }`: the object's names for them.
        for (alias, target) in std::mem::take(&mut self.wrappers.aliases) {
            if let Some(w) = found.iter().find(|w| w.name == target) {
                let mut w = w.clone();
                w.name = alias;
                found.push(w);
            }
        }
        found.sort_by(|a, b| a.name.cmp(&b.name).then(a.line.cmp(&b.line)));
        found.dedup_by(|a, b| a.name == b.name);
        facts.client_wrappers.extend(found);
        // One `http_calls` entry is replaced at most once (the variants of
        // a call share its start, and so do the entries of a request of a
        // constant holding one of two paths: each variant takes the next).
        let mut taken = HashSet::default();
        for c in std::mem::take(&mut self.wrappers.calls) {
            let args = c.args.iter().map(|a| self.call_arg(a)).collect();
            let http_call = http_at
                .get(&c.start)
                .and_then(|v| v.iter().copied().find(|i| taken.insert(*i)));
            facts.wrapper_calls.push(WrapperCall {
                recv: c.recv,
                name: c.name,
                args,
                reads: reads
                    .get(&c.start)
                    .map(|r| r.iter().map(|(json, k, l)| (k.clone(), *json, *l)).collect())
                    .unwrap_or_default(),
                http_call,
                line: c.line,
            });
        }
    }
}

/// A verb method name (`get`, `post`...) of a client: its verb.
pub(super) fn client_verb(method: &str) -> Option<&'static str> {
    verb_of(method).filter(|v| *v != "ANY")
}
