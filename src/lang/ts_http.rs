//! HTTP servers in TypeScript/JavaScript, for the oxc walk of `typescript`:
//! route registrations (Express, Koa `@koa/router`, Fastify, Hono), mounts
//! (`app.use('/api', router)`, `app.route('/api', sub)`,
//! `fastify.register(plugin, { prefix })`), router prefixes, NestJS
//! controllers and `setGlobalPrefix`. It looks at the nodes the walk visits
//! anyway and never descends more than a few bounded levels on its own.
//!
//! A call counts as a route only on an app or router: a binding made by a
//! framework's constructor (`express()`, `Router()`, `new Hono()`...), or a
//! name such as `app`, `router`, `server`, `fastify` or `*Router`, so that
//! `axios.get('/x', config)` or `map.get('/x')` is no route. Mounts are
//! resolved across modules by `facts::servers`.

use crate::facts::{Framework, MountChild, RouteMount, RouterPrefix, ServerRoute};
use oxc::ast::ast::*;
use oxc::span::GetSpan;
use rustc_hash::FxHashMap as HashMap;

mod wrapper;

/// Method names of routers and the verb each registers.
const VERBS: [(&str, &str); 9] = [
    ("get", "GET"),
    ("post", "POST"),
    ("put", "PUT"),
    ("patch", "PATCH"),
    ("delete", "DELETE"),
    ("del", "DELETE"),
    ("options", "OPTIONS"),
    ("head", "HEAD"),
    ("all", "ANY"),
];

/// The client of request functions destructured from a client hook
/// (`const { get, del } = useApi()`), whose base URL is unknown.
const HOOK_CLIENT: &str = "HTTP client function";

/// NestJS method decorators and their verbs.
const NEST_VERBS: [(&str, &str); 9] = [
    ("Get", "GET"),
    ("Post", "POST"),
    ("Put", "PUT"),
    ("Patch", "PATCH"),
    ("Delete", "DELETE"),
    ("Options", "OPTIONS"),
    ("Head", "HEAD"),
    ("Search", "SEARCH"),
    ("All", "ANY"),
];

/// Functions and classes that make an app or a router.
const CTORS: [&str; 7] = [
    "express",
    "Router",
    "Hono",
    "OpenAPIHono",
    "Fastify",
    "fastify",
    "Koa",
];

/// Chains (`router.route('/x').get(a).post(b)`, wrappers around a handler)
/// are followed this far.
const MAX_CHAIN: usize = 64;

fn verb_of(method: &str) -> Option<&'static str> {
    VERBS.iter().find(|(m, _)| *m == method).map(|(_, v)| *v)
}

/// The framework a module specifier belongs to.
fn framework_of(spec: &str) -> Option<Framework> {
    match spec {
        "express" => Some(Framework::Express),
        "koa" | "koa-router" | "@koa/router" => Some(Framework::Koa),
        "fastify" | "fastify-plugin" => Some(Framework::Fastify),
        s if s == "hono" || s.starts_with("hono/") || s == "@hono/zod-openapi" => Some(Framework::Hono),
        _ => None,
    }
}

/// Names that hold an app or a router by convention.
fn routerish_name(name: &str) -> bool {
    matches!(
        name,
        "app" | "router" | "server" | "fastify" | "instance" | "routes" | "route" | "api_router"
    ) || ["Router", "router", "App", "Routes", "routes", "Server"]
        .iter()
        .any(|s| name.len() > s.len() && name.ends_with(s))
}

/// `'/x'` or a template literal (`${id}` as `:id`); `None` when a template
/// starts with an expression (a prefix the walk cannot know).
fn path_of(e: &Expression) -> Option<String> {
    match e {
        Expression::StringLiteral(s) => Some(s.value.as_str().to_string()),
        Expression::TemplateLiteral(t) => template_path(t),
        _ => None,
    }
}

fn template_path(t: &TemplateLiteral) -> Option<String> {
    let mut out = String::new();
    for (i, q) in t.quasis.iter().enumerate() {
        out.push_str(q.value.raw.as_str());
        if let Some(e) = t.expressions.get(i) {
            if out.is_empty() {
                return None;
            }
            let name = match e {
                Expression::Identifier(id) => id.name.as_str().to_string(),
                Expression::StaticMemberExpression(m) => m.property.name.as_str().to_string(),
                _ => "param".to_string(),
            };
            out.push(':');
            out.push_str(&name);
        }
    }
    Some(out)
}

fn arg_path(a: &Argument) -> Option<String> {
    a.as_expression().and_then(path_of)
}

/// A server route's path, also when it starts with a prefix held in a
/// variable (`options.prefix + 'articles'`, `` `${prefix}/articles` ``,
/// fastify-realworld-example-app): the prefix becomes one placeholder
/// segment named after the variable (`/:prefix/articles`), which matches
/// a one-segment prefix such as `/api`. A value glued to the text after
/// it (`` `${config.id}.logout` ``) is part of one segment (`/:id.logout`).
fn route_path(e: &Expression) -> Option<String> {
    if let Some(p) = path_of(e) {
        return Some(p);
    }
    let var = |x: &Expression| -> Option<String> {
        match x.without_parentheses() {
            Expression::Identifier(i) => Some(i.name.as_str().to_string()),
            Expression::StaticMemberExpression(m) => Some(m.property.name.as_str().to_string()),
            _ => None,
        }
    };
    let (name, rest) = match e.without_parentheses() {
        Expression::BinaryExpression(b) if b.operator == BinaryOperator::Addition => {
            (var(&b.left)?, path_of(&b.right)?)
        }
        Expression::TemplateLiteral(t)
            if t.quasis.first().is_some_and(|q| q.value.raw.is_empty()) && !t.expressions.is_empty() =>
        {
            let name = var(&t.expressions[0])?;
            let mut rest = String::new();
            for (i, q) in t.quasis.iter().enumerate().skip(1) {
                rest.push_str(q.value.raw.as_str());
                if let Some(x) = t.expressions.get(i) {
                    rest.push(':');
                    rest.push_str(&var(x).unwrap_or_else(|| "param".to_string()));
                }
            }
            (name, rest)
        }
        _ => return None,
    };
    if rest.is_empty() || rest.contains(char::is_whitespace) {
        return None;
    }
    // `${config.id}.logout`: the value and the text after it are one
    // segment (`/:id.logout`), not a prefix segment of its own (a prefix
    // before a word, `options.prefix + 'articles'`, ends with its `/`).
    if rest.starts_with(['.', '-', '_', '~']) {
        return Some(format!("/:{name}{rest}"));
    }
    Some(format!("/:{name}/{}", rest.trim_start_matches('/')))
}

/// A server path: starts with `/`, or is `*` or empty.
fn server_path(p: &str) -> bool {
    p.is_empty() || p.starts_with('/') || p == "*"
}

/// The binding an app/router expression names: `router`, `this.app` → `app`.
fn binding_of<'e>(e: &'e Expression) -> Option<&'e str> {
    match e.without_parentheses() {
        Expression::Identifier(i) => Some(i.name.as_str()),
        Expression::StaticMemberExpression(m) if matches!(m.object, Expression::ThisExpression(_)) => {
            Some(m.property.name.as_str())
        }
        _ => None,
    }
}

/// A module given inline: `require('./x')`, `import('./x')`, `(await
/// import('./x')).default`.
fn module_of(e: &Expression) -> Option<String> {
    match e.without_parentheses() {
        Expression::CallExpression(c) => match (&c.callee, c.arguments.first()) {
            (Expression::Identifier(f), Some(Argument::StringLiteral(s))) if f.name == "require" => {
                Some(s.value.as_str().to_string())
            }
            _ => None,
        },
        Expression::ImportExpression(i) => match &i.source {
            Expression::StringLiteral(s) => Some(s.value.as_str().to_string()),
            _ => None,
        },
        Expression::AwaitExpression(a) => module_of(&a.argument),
        Expression::StaticMemberExpression(m) if m.property.name == "default" => module_of(&m.object),
        _ => None,
    }
}

/// A mounted child: a binding, `child.routes()` (Koa), or a module.
fn child_of(e: &Expression) -> Option<MountChild> {
    if let Some(spec) = module_of(e) {
        return Some(MountChild::Module(spec));
    }
    match e.without_parentheses() {
        Expression::Identifier(i) => Some(MountChild::Binding(i.name.as_str().to_string())),
        Expression::CallExpression(c) => match &c.callee {
            Expression::StaticMemberExpression(m)
                if matches!(m.property.name.as_str(), "routes" | "middleware") =>
            {
                binding_of(&m.object).map(|b| MountChild::Binding(b.to_string()))
            }
            _ => None,
        },
        _ => None,
    }
}

/// The handler a route argument names: (name when not inline, offset).
fn handler_of(e: &Expression) -> Option<(Option<String>, u32)> {
    let mut e = e.without_parentheses();
    for _ in 0..MAX_CHAIN {
        match e {
            Expression::ArrowFunctionExpression(f) => return Some((None, f.span.start)),
            Expression::FunctionExpression(f) => return Some((None, f.span.start)),
            Expression::Identifier(i) => return Some((Some(i.name.as_str().to_string()), i.span.start)),
            Expression::StaticMemberExpression(m) => {
                let obj = match &m.object {
                    Expression::Identifier(i) => i.name.as_str(),
                    Expression::ThisExpression(_) => "this",
                    _ => return Some((None, m.span.start)),
                };
                return Some((
                    Some(format!("{obj}.{}", m.property.name.as_str())),
                    m.property.span.start,
                ));
            }
            // `ctrl.list.bind(ctrl)`, `asyncHandler(list)`, `wrap(async (req, res) => ...)`.
            Expression::CallExpression(c) => {
                if let Expression::StaticMemberExpression(m) = &c.callee
                    && m.property.name == "bind"
                {
                    e = m.object.without_parentheses();
                    continue;
                }
                match c.arguments.iter().rev().find_map(|a| a.as_expression()) {
                    Some(inner) => e = inner.without_parentheses(),
                    None => return Some((None, c.span.start)),
                }
            }
            _ => return None,
        }
    }
    None
}

/// An object literal's property by key.
pub(super) fn prop<'o, 'a>(o: &'o ObjectExpression<'a>, key: &str) -> Option<&'o Expression<'a>> {
    o.properties.iter().find_map(|p| match p {
        ObjectPropertyKind::ObjectProperty(p) => match &p.key {
            PropertyKey::StaticIdentifier(k) if k.name == key => Some(&p.value),
            PropertyKey::StringLiteral(k) if k.value == key => Some(&p.value),
            _ => None,
        },
        _ => None,
    })
}

/// One or more strings: `'x'` or `['x', 'y']`.
fn strings_of(e: &Expression) -> Vec<String> {
    match e.without_parentheses() {
        Expression::ArrayExpression(a) => a
            .elements
            .iter()
            .filter_map(|el| el.as_expression().and_then(path_of))
            .collect(),
        other => path_of(other).into_iter().collect(),
    }
}

/// A NestJS version: `'1'`, `['1', '2']` (the first), not
/// `VERSION_NEUTRAL`.
fn version_of(e: &Expression) -> Option<String> {
    match e.without_parentheses() {
        Expression::StringLiteral(s) => Some(s.value.as_str().to_string()),
        Expression::NumericLiteral(n) => Some(
            n.raw
                .as_ref()
                .map_or_else(|| n.value.to_string(), |r| r.to_string()),
        ),
        Expression::ArrayExpression(a) => a
            .elements
            .iter()
            .find_map(|el| el.as_expression().and_then(version_of)),
        _ => None,
    }
}

/// `/a` + `b` → `/a/b`, as a router joins a prefix and a path.
pub fn join_paths(prefix: &str, path: &str) -> String {
    let mut out = String::new();
    for part in [prefix, path] {
        for seg in part.split('/').filter(|s| !s.is_empty()) {
            out.push('/');
            out.push_str(seg);
        }
    }
    if out.is_empty() { "/".to_string() } else { out }
}

/// `@Name(args)` or `@Name`: the decorator's name and arguments.
pub(super) fn decorator_call<'d, 'a>(d: &'d Decorator<'a>) -> Option<(&'d str, &'d [Argument<'a>])> {
    match &d.expression {
        Expression::CallExpression(c) => match &c.callee {
            Expression::Identifier(id) => Some((id.name.as_str(), &c.arguments[..])),
            _ => None,
        },
        Expression::Identifier(id) => Some((id.name.as_str(), &[])),
        _ => None,
    }
}

/// The walk's server facts.
#[derive(Default)]
pub(super) struct Http {
    routes: Vec<ServerRoute>,
    /// Framework hints per route (`None`: the module's).
    route_frameworks: Vec<Option<Framework>>,
    mounts: Vec<RouteMount>,
    prefixes: Vec<RouterPrefix>,
    global: Vec<(String, u32)>,
    versioning: Vec<(String, Option<String>)>,
    /// Bindings made by a framework's constructor.
    routers: HashMap<String, Option<Framework>>,
    /// Router constructor calls (`Router()` in `const api = Router().use(a)`)
    /// by their start: the binding the chain on them is assigned to.
    ctor_names: HashMap<u32, String>,
    /// Function binding names by the function node's start.
    fn_names: HashMap<u32, String>,
    /// Enclosing functions: (binding name, parameter names).
    stack: Vec<(Option<String>, Vec<String>)>,
    /// The first framework the module imports.
    imported: Option<Framework>,
    /// Bindings that are HTTP clients (imports of `axios`, `ky`...,
    /// instances) and which client.
    client_locals: HashMap<String, &'static str>,
    /// Bindings imported from other modules (not client libraries): maybe
    /// client instances made there.
    imported_locals: rustc_hash::FxHashSet<String>,
    /// Bindings made by `axios.create` / `ky.create` / `got.extend`.
    client_instances: rustc_hash::FxHashSet<String>,
    /// Request functions destructured from a client made elsewhere
    /// (`const { get, del } = useApi()`), with their verbs.
    verb_fns: HashMap<String, &'static str>,
    /// Module-level string constants, as URL parts.
    url_consts: HashMap<String, Vec<Part>>,
    /// Per enclosing function, its string constants.
    fn_consts: Vec<HashMap<String, Vec<Part>>>,
    /// Per enclosing function, its constants that hold one of two paths
    /// (`const endpoint = feed ? 'articles/feed' : 'articles'`).
    fn_alts: Vec<HashMap<String, Vec<Vec<Part>>>>,
    /// Instance base URLs: (binding, parts).
    bases: Vec<(String, Vec<Part>)>,
    client_calls: Vec<RawClientCall>,
    /// The start of the call `client_call` is looking at.
    call_start: u32,
    /// What clients read from responses (issue 17).
    pub responses: super::ts_response::Responses,
    /// Generic request helpers and the calls that may reach them.
    wrappers: wrapper::Wrappers,
    /// Strings and templates that may spell a URL path, with their lines.
    mentions: Vec<(Vec<Part>, u32)>,
}

fn line(ls: &[u32], pos: u32) -> u32 {
    ls.partition_point(|s| *s <= pos) as u32
}

impl Http {
    /// A module import (`import`/`require`).
    pub fn import(&mut self, from: &str) {
        if self.imported.is_none() {
            self.imported = framework_of(from);
        }
    }

    /// The function starting at `start` is bound to `name`.
    pub fn name_function(&mut self, start: u32, name: &str) {
        self.fn_names.insert(start, name.to_string());
    }

    /// Entering a function (its own name, or the binding it was given).
    pub fn enter_function(&mut self, id: Option<&str>, start: u32, params: &FormalParameters, ls: &[u32]) {
        let name = id
            .map(str::to_string)
            .or_else(|| self.fn_names.get(&start).cloned());
        self.wrapper_enter(name.clone(), start, params);
        self.responses.enter_function(start, params, ls);
        let params = params
            .items
            .iter()
            .filter_map(|p| match &p.pattern {
                BindingPattern::BindingIdentifier(b) => Some(b.name.as_str().to_string()),
                _ => None,
            })
            .collect();
        self.stack.push((name, params));
        self.fn_consts.push(HashMap::default());
        self.fn_alts.push(HashMap::default());
    }

    pub fn leave_function(&mut self) {
        self.wrapper_leave();
        self.stack.pop();
        self.fn_consts.pop();
        self.fn_alts.pop();
        self.responses.leave_function();
    }

    /// The enclosing function's binding whose parameter `on` is.
    fn plugin_of(&self, on: &str) -> Option<String> {
        self.stack
            .iter()
            .rev()
            .find(|(_, params)| params.iter().any(|p| p == on))
            .and_then(|(name, _)| name.clone())
    }

    fn is_param(&self, on: &str) -> bool {
        self.stack
            .iter()
            .any(|(_, params)| params.iter().any(|p| p == on))
    }

    /// The app or router a receiver is: a binding, or the constructor call
    /// at the base of a chain assigned to one (`Router().use(a)`).
    fn on_of(&self, e: &Expression) -> Option<String> {
        if let Some(b) = binding_of(e) {
            return Some(b.to_string());
        }
        let mut e = e.without_parentheses();
        for _ in 0..MAX_CHAIN {
            match e {
                Expression::CallExpression(c) => match &c.callee {
                    Expression::StaticMemberExpression(m) if !CTORS.contains(&m.property.name.as_str()) => {
                        e = m.object.without_parentheses()
                    }
                    _ => break,
                },
                _ => break,
            }
        }
        self.ctor_names.get(&e.span().start).cloned()
    }

    fn routerish(&self, name: &str) -> bool {
        self.routers.contains_key(name) || routerish_name(name)
    }

    /// `const x = <init>`: app and router constructors, their prefixes.
    pub fn declarator(&mut self, name: &str, init: &Expression, ls: &[u32]) {
        let mut e = init.without_parentheses();
        if let Expression::AwaitExpression(a) = e {
            e = a.argument.without_parentheses();
        }
        // Down a chain of calls on the new router: `new Hono().basePath('/api')`,
        // `Router().use(a).use(b)`.
        let mut prefix = None;
        for _ in 0..MAX_CHAIN {
            let Expression::CallExpression(c) = e else { break };
            let Expression::StaticMemberExpression(m) = &c.callee else {
                break;
            };
            if CTORS.contains(&m.property.name.as_str()) {
                // `express.Router()` itself.
                break;
            }
            if m.property.name == "basePath"
                && let Some(p) = c.arguments.first().and_then(arg_path)
            {
                prefix = Some((p, c.span.start));
            }
            e = m.object.without_parentheses();
        }
        let (callee, args) = match e {
            Expression::CallExpression(c) => (&c.callee, &c.arguments),
            Expression::NewExpression(n) => (&n.callee, &n.arguments),
            _ => return,
        };
        let ctor = match callee {
            Expression::Identifier(i) => i.name.as_str(),
            Expression::StaticMemberExpression(m) => m.property.name.as_str(),
            _ => return,
        };
        let framework = match ctor {
            "express" => Some(Framework::Express),
            "Router" if matches!(e, Expression::NewExpression(_)) => Some(Framework::Koa),
            "Router" => self.imported.or(Some(Framework::Express)),
            "Hono" | "OpenAPIHono" => Some(Framework::Hono),
            "Fastify" | "fastify" => Some(Framework::Fastify),
            "Koa" => Some(Framework::Koa),
            _ => return,
        };
        self.routers.insert(name.to_string(), framework);
        self.ctor_names.insert(e.span().start, name.to_string());
        // `new Router({ prefix: '/x' })`
        if let Some(Argument::ObjectExpression(o)) = args.first()
            && let Some(p) = prop(o, "prefix").and_then(path_of)
        {
            prefix = Some((p, o.span.start));
        }
        if let Some((p, pos)) = prefix {
            self.prefixes.push(RouterPrefix {
                router: name.to_string(),
                prefix: p,
                line: line(ls, pos),
            });
        }
    }

    /// A call: a route registration, a mount, a prefix.
    pub fn call(&mut self, it: &CallExpression, ls: &[u32]) {
        match &it.callee {
            Expression::StaticMemberExpression(m) => self.member_call(it, m, ls),
            // `require('./routes')(app)`, `registerRoutes(app)`.
            callee => {
                let child = match callee {
                    Expression::Identifier(i) => Some(MountChild::Binding(i.name.as_str().to_string())),
                    other => module_of(other).map(MountChild::Module),
                };
                let Some(child) = child else { return };
                for a in &it.arguments {
                    if let Some(on) = a.as_expression().and_then(binding_of)
                        && self.routerish(on)
                    {
                        let (on, plugin) = (on.to_string(), self.plugin_of(on));
                        self.mounts.push(RouteMount {
                            on: Some(on),
                            plugin,
                            prefix: String::new(),
                            child: child.clone(),
                            line: line(ls, it.span.start),
                        });
                    }
                }
            }
        }
    }

    fn member_call(&mut self, it: &CallExpression, m: &StaticMemberExpression, ls: &[u32]) {
        let method = m.property.name.as_str();
        let at = line(ls, m.property.span.start);
        match method {
            "setGlobalPrefix" => {
                // A literal, or a string constant (`const globalPrefix = "api";
                // app.setGlobalPrefix(globalPrefix)`).
                let first = it.arguments.first();
                let p = first
                    .and_then(arg_path)
                    .or_else(|| match first.and_then(|a| a.as_expression()) {
                        Some(Expression::Identifier(i)) => self.const_string(i.name.as_str()),
                        _ => None,
                    });
                if let Some(p) = p {
                    self.global.push((p, at));
                }
                return;
            }
            "enableVersioning" => {
                if let Some(Argument::ObjectExpression(o)) = it.arguments.first()
                    && prop(o, "type").is_some_and(|t| match t {
                        Expression::StaticMemberExpression(m) => m.property.name == "URI",
                        Expression::NumericLiteral(n) => n.value == 0.0,
                        _ => false,
                    })
                {
                    let prefix = match prop(o, "prefix") {
                        Some(Expression::BooleanLiteral(b)) if !b.value => String::new(),
                        Some(e) => path_of(e).unwrap_or_else(|| "v".to_string()),
                        None => "v".to_string(),
                    };
                    let default = prop(o, "defaultVersion").and_then(version_of);
                    self.versioning.push((prefix, default));
                }
                return;
            }
            "prefix" => {
                if let Some(on) = binding_of(&m.object)
                    && self.routerish(on)
                    && let Some(p) = it.arguments.first().and_then(arg_path)
                {
                    self.prefixes.push(RouterPrefix {
                        router: on.to_string(),
                        prefix: p,
                        line: at,
                    });
                }
                return;
            }
            "use" | "register" | "route" => {
                self.mount_or_route(it, m, method, at, ls);
                return;
            }
            _ => {}
        }
        let Some(verb) = verb_of(method) else { return };
        // The base of the chain: `router.route('/x').get(h)`,
        // `app.get('/a', h).post('/b', h)` (Hono).
        let mut path_from_route = None;
        let mut base = &m.object;
        for _ in 0..MAX_CHAIN {
            match base.without_parentheses() {
                Expression::CallExpression(c) => match &c.callee {
                    Expression::StaticMemberExpression(bm) if bm.property.name == "route" => {
                        if path_from_route.is_none() {
                            path_from_route = c.arguments.first().and_then(arg_path);
                        }
                        base = &bm.object;
                    }
                    Expression::StaticMemberExpression(bm)
                        if verb_of(bm.property.name.as_str()).is_some() || bm.property.name == "use" =>
                    {
                        base = &bm.object;
                    }
                    _ => break,
                },
                _ => break,
            }
        }
        let Some(on) = self.on_of(base) else { return };
        let on = on.as_str();
        if !self.routerish(on) {
            return;
        }
        let (path, handlers) = match path_from_route {
            Some(p) => (p, &it.arguments[..]),
            None => {
                let Some(first) = it
                    .arguments
                    .first()
                    .and_then(|a| a.as_expression())
                    .and_then(route_path)
                else {
                    return;
                };
                // Koa's named routes: `router.get('name', '/path', h)`.
                match it.arguments.get(1).and_then(arg_path) {
                    Some(second) if !server_path(&first) && server_path(&second) => {
                        (second, &it.arguments[2..])
                    }
                    _ => (first, &it.arguments[1..]),
                }
            }
        };
        if !server_path(&path) {
            return;
        }
        let Some((handler, pos)) = handlers
            .last()
            .and_then(|a| a.as_expression())
            .and_then(handler_of)
        else {
            return;
        };
        let hint = self.routers.get(on).copied().flatten();
        self.push_route(verb, path, on, handler, pos, at, ls, hint);
    }

    #[allow(clippy::too_many_arguments)]
    fn push_route(
        &mut self,
        verb: &str,
        path: String,
        on: &str,
        handler: Option<String>,
        pos: u32,
        at: u32,
        ls: &[u32],
        hint: Option<Framework>,
    ) {
        let hint = hint.or_else(|| (on == "fastify" && self.is_param(on)).then_some(Framework::Fastify));
        self.routes.push(ServerRoute {
            framework: Framework::Express,
            verb: verb.to_string(),
            path,
            on: Some(on.to_string()),
            plugin: self.plugin_of(on),
            handler,
            class: None,
            version: None,
            handler_line: line(ls, pos),
            line: at,
        });
        self.route_frameworks.push(hint);
    }

    /// `app.use('/api', router)`, `app.route('/api', sub)` (Hono),
    /// `router.route({ method, url, handler })` (Fastify),
    /// `fastify.register(plugin, { prefix })`.
    fn mount_or_route(
        &mut self,
        it: &CallExpression,
        m: &StaticMemberExpression,
        method: &str,
        at: u32,
        ls: &[u32],
    ) {
        let Some(on) = self.on_of(&m.object) else { return };
        let on = on.as_str();
        if !self.routerish(on) {
            return;
        }
        let args: Vec<&Expression> = it.arguments.iter().filter_map(|a| a.as_expression()).collect();
        let mut children: Vec<MountChild> = Vec::new();
        let mut prefix = String::new();
        match method {
            "route" => {
                if let [Expression::ObjectExpression(o)] = args.as_slice() {
                    // Fastify's full declaration.
                    let Some(url) = prop(o, "url").or_else(|| prop(o, "path")).and_then(route_path) else {
                        return;
                    };
                    let verbs: Vec<String> = prop(o, "method").map(strings_of).unwrap_or_default();
                    let (handler, pos) = prop(o, "handler")
                        .and_then(handler_of)
                        .unwrap_or((None, o.span.start));
                    let hint = self
                        .routers
                        .get(on)
                        .copied()
                        .flatten()
                        .or(Some(Framework::Fastify));
                    for v in verbs {
                        let v = v.to_ascii_uppercase();
                        let v = if v == "ALL" { "ANY".to_string() } else { v };
                        self.push_route(&v, url.clone(), on, handler.clone(), pos, at, ls, hint);
                    }
                    return;
                }
                // Hono: `app.route('/api', sub)`.
                let [p, child] = args.as_slice() else { return };
                let Some(p) = path_of(p) else { return };
                prefix = p;
                children.extend(child_of(child));
            }
            "use" => {
                // koa-mount: `app.use(mount('/mcp', mcpApp))` is
                // `app.use('/mcp', mcpApp)`; `mount(app)` mounts at the root.
                let mounted: Vec<&Expression>;
                let args = match args.as_slice() {
                    [Expression::CallExpression(c)]
                        if matches!(&c.callee, Expression::Identifier(i) if i.name == "mount")
                            && (1..=2).contains(&c.arguments.len()) =>
                    {
                        mounted = c.arguments.iter().filter_map(|a| a.as_expression()).collect();
                        &mounted
                    }
                    _ => &args,
                };
                let mut rest = &args[..];
                if let Some(p) = rest.first().and_then(|e| path_of(e)) {
                    prefix = p;
                    rest = &rest[1..];
                }
                children.extend(rest.iter().filter_map(|e| child_of(e)));
            }
            _ => {
                // register(plugin, { prefix })
                let Some(child) = args.first().and_then(|e| child_of(e)) else {
                    return;
                };
                if let Some(Expression::ObjectExpression(o)) = args.get(1).map(|e| e.without_parentheses())
                    && let Some(p) = prop(o, "prefix").and_then(path_of)
                {
                    prefix = p;
                }
                children.push(child);
            }
        }
        if !server_path(&prefix) {
            return;
        }
        let plugin = self.plugin_of(on);
        for child in children {
            self.mounts.push(RouteMount {
                on: Some(on.to_string()),
                plugin: plugin.clone(),
                prefix: prefix.clone(),
                child,
                line: at,
            });
        }
    }

    /// A NestJS `@Controller(...)` class: one route per decorated method.
    pub fn class(&mut self, it: &Class, ls: &[u32]) {
        let Some(args) = it.decorators.iter().find_map(|d| {
            decorator_call(d)
                .filter(|(n, _)| *n == "Controller")
                .map(|(_, a)| a)
        }) else {
            return;
        };
        let mut version = None;
        let prefixes: Vec<String> = match args.first().and_then(|a| a.as_expression()) {
            None => vec![String::new()],
            Some(Expression::ObjectExpression(o)) => {
                version = prop(o, "version").and_then(version_of);
                match prop(o, "path") {
                    Some(p) => strings_of(p),
                    None => vec![String::new()],
                }
            }
            Some(e) => strings_of(e),
        };
        let class = it.id.as_ref().map(|i| i.name.as_str().to_string());
        for el in &it.body.body {
            let ClassElement::MethodDefinition(md) = el else {
                continue;
            };
            let Some((name, npos)) = (match &md.key {
                PropertyKey::StaticIdentifier(i) => Some((i.name.as_str().to_string(), i.span.start)),
                PropertyKey::StringLiteral(s) => Some((s.value.as_str().to_string(), s.span.start)),
                _ => None,
            }) else {
                continue;
            };
            let version = md
                .decorators
                .iter()
                .find_map(|d| {
                    decorator_call(d)
                        .filter(|(n, _)| *n == "Version")
                        .map(|(_, a)| a.first().and_then(|a| a.as_expression()).and_then(version_of))
                })
                .unwrap_or_else(|| version.clone());
            for d in &md.decorators {
                let Some((dn, dargs)) = decorator_call(d) else {
                    continue;
                };
                let Some(verb) = NEST_VERBS.iter().find(|(n, _)| *n == dn).map(|(_, v)| *v) else {
                    continue;
                };
                let paths = match dargs.first().and_then(|a| a.as_expression()) {
                    None => vec![String::new()],
                    Some(e) => strings_of(e),
                };
                for prefix in &prefixes {
                    for p in &paths {
                        self.routes.push(ServerRoute {
                            framework: Framework::Nest,
                            verb: verb.to_string(),
                            path: join_paths(prefix, p),
                            on: None,
                            plugin: None,
                            handler: Some(name.clone()),
                            class: class.clone(),
                            version: version.clone(),
                            handler_line: line(ls, npos),
                            line: line(ls, d.span.start),
                        });
                        self.route_frameworks.push(Some(Framework::Nest));
                    }
                }
            }
        }
    }

    /// A string literal that may spell a URL path (see
    /// `FileFacts::url_mentions`).
    pub fn mention_string(&mut self, value: &str, pos: u32, ls: &[u32]) {
        if self.mentions.len() < MAX_MENTIONS && urlish(value) {
            self.mentions
                .push((vec![Part::Lit(value.to_string())], line(ls, pos)));
        }
    }

    /// A template literal that may spell a URL path, after a value too
    /// (`` `${origin}/s/${id}` ``); the enclosing functions' constants are
    /// spliced in.
    pub fn mention_template(&mut self, t: &TemplateLiteral, ls: &[u32]) {
        if self.mentions.len() >= MAX_MENTIONS {
            return;
        }
        // `${base}/${id}`: a base held in a constant may be a path.
        if !t.quasis.iter().any(|q| q.value.raw.contains('/')) {
            return;
        }
        let mut parts = template_parts(t);
        for local in self.fn_consts.iter().rev() {
            parts = Self::expand_with(&parts, local, 0);
        }
        self.mentions.push((parts, line(ls, t.span.start)));
    }

    /// Into the file's facts: each URL once, where it is first spelled
    /// (a mention is evidence; one per file is enough).
    pub fn finish(mut self, facts: &mut crate::facts::FileFacts) {
        self.finish_clients(facts);
        for (parts, line) in std::mem::take(&mut self.mentions) {
            let Some((url, prefix_var)) = self.render(&parts, false) else {
                continue;
            };
            if url.len() <= 512
                && (urlish(&url) || (prefix_var && url.starts_with('/')))
                && !facts.url_mentions.iter().any(|m| m.url == url)
            {
                facts.url_mentions.push(crate::facts::UrlMention {
                    url,
                    prefix_var,
                    line,
                });
            }
        }
        let module = self.imported.unwrap_or(Framework::Express);
        for (mut r, hint) in self.routes.into_iter().zip(self.route_frameworks) {
            r.framework = hint.unwrap_or(module);
            facts.server_routes.push(r);
        }
        facts.route_mounts.extend(self.mounts);
        facts.router_prefixes.extend(self.prefixes);
        facts.global_prefixes.extend(self.global);
        facts.uri_versioning.extend(self.versioning);
    }
}

/// Modules whose default or named export is an HTTP client, and its name.
fn client_module(spec: &str) -> Option<&'static str> {
    match spec {
        "axios" => Some("axios"),
        "ky" | "ky-universal" => Some("ky"),
        "got" => Some("got"),
        "superagent" => Some("superagent"),
        "ofetch" => Some("fetch"),
        "node-fetch" | "cross-fetch" | "isomorphic-fetch" | "undici" => Some("fetch"),
        "swr" | "swr/immutable" => Some("swr"),
        _ => None,
    }
}

/// The URL an SWR key names: the key itself, the first element of an
/// array key (`[url, token]`), either branch of a conditional key
/// (`id ? `/api/x?id=${id}` : null`), the last operand of `a && b && url`.
fn swr_key<'e, 'a>(e: &'e Expression<'a>) -> Option<&'e Expression<'a>> {
    let mut e = e.without_parentheses();
    for _ in 0..4 {
        match e {
            Expression::ConditionalExpression(c) => {
                let url = |x: &Expression| {
                    matches!(
                        x.without_parentheses(),
                        Expression::StringLiteral(_)
                            | Expression::TemplateLiteral(_)
                            | Expression::ArrayExpression(_)
                    )
                };
                e = if url(&c.consequent) {
                    c.consequent.without_parentheses()
                } else {
                    c.alternate.without_parentheses()
                };
            }
            Expression::ArrayExpression(a) => {
                e = a.elements.first()?.as_expression()?.without_parentheses();
            }
            // `enabled && id && `/api/x/${id}``: the key when it is set.
            Expression::LogicalExpression(l) if l.operator == LogicalOperator::And => {
                e = l.right.without_parentheses();
            }
            _ => return Some(e),
        }
    }
    None
}

/// Names that hold an HTTP client instance by convention (Angular's
/// `this.http`, `apiClient`, `$axios`...): their base URL is set elsewhere.
fn clientish_name(name: &str) -> bool {
    matches!(
        name,
        "http"
            | "httpClient"
            | "client"
            | "api"
            | "apiClient"
            | "$axios"
            | "$http"
            | "$api"
            | "axiosInstance"
            | "request"
            | "agent"
    ) || ["Api", "Client", "Http", "Axios"]
        .iter()
        .any(|s| name.len() > s.len() && name.ends_with(s))
}

/// Variables that hold a whole path or URL, not one segment.
const PATH_NAMES: [&str; 9] = [
    "path", "url", "endpoint", "route", "uri", "href", "pathname", "resource", "input",
];

/// One piece of a URL expression.
#[derive(Clone, Debug)]
enum Part {
    Lit(String),
    /// An identifier (a module constant, or a value: a placeholder).
    Name(String),
    /// `process.env.X`, `import.meta.env.X`, a call...: a value.
    Opaque,
}

/// The pieces of a URL expression: literals, templates, `+`.
/// A string, a template literal or a `+` concatenation: a path, or one
/// of the branches of a conditional path.
fn pathish(e: &Expression) -> bool {
    pathish_within(e, 0)
}

/// `pathish`, a conditional of paths too (`a ? `/x` : b ? `/y` : '/z'`),
/// at most 8 levels deep.
fn pathish_within(e: &Expression, depth: usize) -> bool {
    match e.without_parentheses() {
        Expression::StringLiteral(_) | Expression::TemplateLiteral(_) | Expression::BinaryExpression(_) => {
            true
        }
        Expression::ConditionalExpression(c) if depth < 8 => {
            pathish_within(&c.consequent, depth + 1) && pathish_within(&c.alternate, depth + 1)
        }
        _ => false,
    }
}

fn url_parts(e: &Expression, depth: usize) -> Option<Vec<Part>> {
    if depth > 16 {
        return None;
    }
    match e.without_parentheses() {
        Expression::StringLiteral(s) => Some(vec![Part::Lit(s.value.as_str().to_string())]),
        Expression::TemplateLiteral(t) => Some(template_parts(t)),
        Expression::BinaryExpression(b) if b.operator == BinaryOperator::Addition => {
            let mut l = url_parts(&b.left, depth + 1)?;
            l.extend(url_parts(&b.right, depth + 1)?);
            Some(l)
        }
        other => Some(vec![value_part(other)]),
    }
}

/// A template literal's pieces: its text, each `${x}` a value.
fn template_parts(t: &TemplateLiteral) -> Vec<Part> {
    let mut out = Vec::new();
    for (i, q) in t.quasis.iter().enumerate() {
        let raw = q
            .value
            .cooked
            .as_ref()
            .map_or(q.value.raw.as_str(), |c| c.as_str());
        if !raw.is_empty() {
            out.push(Part::Lit(raw.to_string()));
        }
        if let Some(x) = t.expressions.get(i) {
            out.push(value_part(x));
        }
    }
    out
}

/// At most this many URL mentions are kept per file.
const MAX_MENTIONS: usize = 256;

/// Could this text start or hold a URL path (`/s/`, `https://x/y`, a
/// relative `api/configs/actions` that a client's base URL completes)?
fn urlish(s: &str) -> bool {
    let b = s.as_bytes();
    // A media type (`application/json`, `image/png`) is no path.
    let media = || {
        s.split_once('/').is_some_and(|(t, _)| {
            matches!(
                t,
                "application"
                    | "text"
                    | "image"
                    | "audio"
                    | "video"
                    | "font"
                    | "multipart"
                    | "model"
                    | "message"
            )
        })
    };
    let relative = || {
        b.first().is_some_and(u8::is_ascii_lowercase)
            && s.contains('/')
            && !media()
            && !s.ends_with('/')
            && s.bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'/' | b'-' | b'_' | b':'))
    };
    (b.len() > 1 && b[0] == b'/' && (b[1].is_ascii_alphanumeric() || b[1] == b':'))
        || s.contains("://")
        || relative()
}

fn value_part(e: &Expression) -> Part {
    match e.without_parentheses() {
        Expression::Identifier(i) => Part::Name(i.name.as_str().to_string()),
        Expression::StaticMemberExpression(m) => {
            let env = matches!(&m.object, Expression::StaticMemberExpression(o) if o.property.name == "env");
            if env {
                Part::Opaque
            } else {
                Part::Name(m.property.name.as_str().to_string())
            }
        }
        _ => Part::Opaque,
    }
}

/// A client call seen by the walk, its URL resolved at the end (module
/// constants may be declared after the call's function).
struct RawClientCall {
    verb: String,
    parts: Vec<Part>,
    client: String,
    /// The instance binding (`api` of `api.get`), whose base applies.
    owner: Option<String>,
    /// An instance whose base URL is set in another module.
    base_elsewhere: bool,
    /// The instance is an import not named like a client.
    imported_instance: bool,
    /// The JSON body's keys, each with its line.
    body_keys: Vec<(String, u32)>,
    line: u32,
    /// The call expression's start (ties response reads to it).
    start: u32,
}

/// The keys of an object literal as dotted paths, each with its
/// property's start (nested objects a few levels deep; spreads and
/// computed keys are not followed).
fn object_keys(e: &Expression, prefix: &str, depth: usize, out: &mut Vec<(String, u32)>) {
    let Expression::ObjectExpression(o) = e.without_parentheses() else {
        return;
    };
    for p in &o.properties {
        let ObjectPropertyKind::ObjectProperty(p) = p else {
            continue;
        };
        let key = match &p.key {
            PropertyKey::StaticIdentifier(k) => k.name.as_str().to_string(),
            PropertyKey::StringLiteral(k) => k.value.as_str().to_string(),
            _ => continue,
        };
        let path = if prefix.is_empty() {
            key
        } else {
            format!("{prefix}.{key}")
        };
        if depth < 3 && matches!(p.value.without_parentheses(), Expression::ObjectExpression(_)) {
            object_keys(&p.value, &path, depth + 1, out);
        }
        out.push((path, p.span.start));
    }
}

/// The body object of a request: `JSON.stringify({...})`, or `{...}`.
fn body_keys(e: Option<&Expression>) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    let Some(mut e) = e.map(|e| e.without_parentheses()) else {
        return out;
    };
    if let Expression::CallExpression(c) = e
        && let Expression::StaticMemberExpression(m) = &c.callee
        && m.property.name == "stringify"
        && let Some(a) = c.arguments.first().and_then(|a| a.as_expression())
    {
        e = a.without_parentheses();
    }
    object_keys(e, "", 0, &mut out);
    out.sort();
    out.dedup_by(|a, b| a.0 == b.0);
    out
}

/// A request body's leaf keys as `Sent` payload keys of `http_calls[call]`,
/// at their lines.
pub(super) fn push_sent(facts: &mut crate::facts::FileFacts, call: u32, keys: &[(String, u32)]) {
    for (k, l) in keys {
        if keys.iter().any(|(o, _)| o.starts_with(&format!("{k}."))) {
            continue;
        }
        facts.payload_keys.push(crate::facts::PayloadKey {
            role: crate::facts::PayloadRole::Sent,
            key: k.clone(),
            owner: None,
            scope: None,
            call: Some(call),
            line: *l,
        });
    }
}

/// The `method:` of an options object: `Some(verb)`, `ANY` when it is not
/// a literal, `None` when absent.
fn method_of(o: &ObjectExpression) -> Option<String> {
    let m = prop(o, "method")?;
    Some(match m.without_parentheses() {
        Expression::StringLiteral(s) => s.value.as_str().to_ascii_uppercase(),
        _ => "ANY".to_string(),
    })
}

impl Http {
    /// `import x from 'axios'`, `const x = require('ky')`: a client binding.
    pub fn import_binding(&mut self, local: &str, from: &str) {
        if let Some(c) = client_module(from) {
            self.client_locals.insert(local.to_string(), c);
        } else {
            self.imported_locals.insert(local.to_string());
        }
    }

    /// `const NAME = '...'` at module level: a URL constant; `const api =
    /// axios.create({ baseURL })`: a client instance and its base.
    pub fn client_declarator(&mut self, name: &str, init: &Expression) {
        self.wrapper_declarator(name, init);
        let init = init.without_parentheses();
        // `const endpoint = feed ? 'articles/feed' : 'articles'` in a
        // function: either path.
        if let Expression::ConditionalExpression(c) = init
            && let Some(local) = self.fn_consts.last()
        {
            let pathish = |e: &Expression| {
                matches!(
                    e.without_parentheses(),
                    Expression::StringLiteral(_) | Expression::TemplateLiteral(_)
                )
            };
            if pathish(&c.consequent)
                && pathish(&c.alternate)
                && let (Some(a), Some(b)) = (url_parts(&c.consequent, 0), url_parts(&c.alternate, 0))
            {
                let alts = vec![Self::expand_with(&a, local, 0), Self::expand_with(&b, local, 0)];
                if let Some(m) = self.fn_alts.last_mut() {
                    m.insert(name.to_string(), alts);
                }
            }
            return;
        }
        if matches!(
            init,
            Expression::StringLiteral(_) | Expression::TemplateLiteral(_) | Expression::BinaryExpression(_)
        ) && let Some(parts) = url_parts(init, 0)
        {
            // A function's own string (`const endpoint = `${BASE}/x``) is
            // spliced into the requests it makes after it.
            match self.fn_consts.last_mut() {
                Some(local) => {
                    let parts = Self::expand_with(&parts, local, 0);
                    local.insert(name.to_string(), parts);
                }
                None => {
                    self.url_consts.insert(name.to_string(), parts);
                }
            }
            return;
        }
        if !self.stack.is_empty() {
            return;
        }
        // axios.create({ baseURL }), ky.create/extend({ prefixUrl }), got.extend(...)
        if let Expression::CallExpression(c) = init
            && let Expression::StaticMemberExpression(m) = &c.callee
            && matches!(m.property.name.as_str(), "create" | "extend")
            && let Some(client) = binding_of(&m.object).and_then(|b| self.client_of(b))
        {
            self.client_locals.insert(name.to_string(), client);
            self.client_instances.insert(name.to_string());
            if let Some(Argument::ObjectExpression(o)) = c.arguments.first()
                && let Some(base) = prop(o, "baseURL")
                    .or_else(|| prop(o, "prefixUrl"))
                    .or_else(|| prop(o, "baseUrl"))
                && let Some(parts) = url_parts(base, 0)
            {
                self.bases.push((name.to_string(), parts));
            }
        }
    }

    /// `const { get, post, del: remove } = useApi()`: request functions of
    /// a client made elsewhere (a hook or object named like one: `api`,
    /// `client`, `http`, `fetch`, `request`), whose base URL is unknown.
    pub fn client_destructure(&mut self, p: &ObjectPattern, init: &Expression) {
        let mut source = init.without_parentheses();
        if let Expression::AwaitExpression(a) = source {
            source = a.argument.without_parentheses();
        }
        let name = match source {
            Expression::CallExpression(c) => match &c.callee {
                Expression::Identifier(i) => i.name.as_str(),
                Expression::StaticMemberExpression(m) => m.property.name.as_str(),
                _ => return,
            },
            Expression::Identifier(i) => i.name.as_str(),
            _ => return,
        };
        let lower = name.to_ascii_lowercase();
        if !["api", "client", "http", "fetch", "request"]
            .iter()
            .any(|w| lower.contains(w))
        {
            return;
        }
        for bp in &p.properties {
            let Some(key) = bp.key.static_name() else { continue };
            let verb = match key.as_ref() {
                "get" => "GET",
                "post" => "POST",
                "put" => "PUT",
                "patch" => "PATCH",
                "del" | "delete" => "DELETE",
                _ => continue,
            };
            if let BindingPattern::BindingIdentifier(id) = &bp.value {
                self.verb_fns.insert(id.name.as_str().to_string(), verb);
            }
        }
    }

    /// The client a binding is: an import of a client module, an instance.
    fn client_of(&self, b: &str) -> Option<&'static str> {
        if let Some(c) = self.client_locals.get(b) {
            return Some(c);
        }
        // `import { axios } from "./libs/axios"`: a binding of another
        // module named like the package (an instance made there), not the
        // package itself.
        if self.imported_locals.contains(b) {
            return None;
        }
        match b {
            "axios" => Some("axios"),
            "ky" => Some("ky"),
            "got" => Some("got"),
            "superagent" => Some("superagent"),
            _ => None,
        }
    }

    /// A client request: `fetch(url, { method })`, `axios.get(url)`,
    /// `axios({ method, url })`, `api.post(url, body)` on an instance,
    /// `ky.get`, `got.post`, `superagent.get`.
    pub fn client_call(&mut self, it: &CallExpression, ls: &[u32]) {
        // The request's own line in a chain (`api\n  .post(url)`).
        let at = match &it.callee {
            Expression::StaticMemberExpression(m) => line(ls, m.property.span.start),
            _ => line(ls, it.span.start),
        };
        // A request made with a known client may be a request helper's
        // own; any other call may reach one.
        match self.known_request(it) {
            Some((client, verb)) => self.wrapper_request(it, client, verb, at),
            None => self.wrapper_call(it, at, ls),
        }
        self.client_call_at(it, ls, at);
    }

    /// A request made with a known client: (client, `None` for
    /// `fetch(url, opts)` / `axios(config)`, the verb of `client.get(...)`,
    /// `REQUEST` for `client.request(config)`).
    fn known_request(&self, it: &CallExpression) -> Option<(&'static str, Option<&'static str>)> {
        match &it.callee {
            Expression::Identifier(f) => {
                let name = f.name.as_str();
                if matches!(name, "fetch" | "$fetch" | "ofetch") {
                    Some(("fetch", None))
                } else if let Some(verb) = self.verb_fns.get(name).copied() {
                    // `del(path)` with `del` from `useApi()`.
                    Some((HOOK_CLIENT, Some(verb)))
                } else {
                    self.client_of(name).map(|c| (c, None))
                }
            }
            Expression::StaticMemberExpression(m) => {
                let method = m.property.name.as_str();
                if method == "fetch"
                    && matches!(&m.object, Expression::Identifier(o) if o.name == "window" || o.name == "globalThis")
                {
                    return Some(("fetch", None));
                }
                let recv = binding_of(&m.object)?;
                if self.routers.contains_key(recv) {
                    return None;
                }
                let client = self.client_of(recv)?;
                if method == "request" {
                    return Some((client, Some("REQUEST")));
                }
                wrapper::client_verb(method).map(|v| (client, Some(v)))
            }
            _ => None,
        }
    }

    fn client_call_at(&mut self, it: &CallExpression, ls: &[u32], at: u32) {
        self.call_start = it.span.start;
        self.responses.call(it);
        let first = it.arguments.first().and_then(|a| a.as_expression());
        let options = |i: usize| match it.arguments.get(i) {
            Some(Argument::ObjectExpression(o)) => Some(&**o),
            _ => None,
        };
        match &it.callee {
            // fetch(url, opts), axios(url | config), ky(url, opts), got(url, opts)
            Expression::Identifier(f) => {
                let name = f.name.as_str();
                // `get(`/links/${id}`)` with `get` from `useApi()`.
                if let Some(verb) = self.verb_fns.get(name).copied() {
                    let Some(u) = first else { return };
                    let body = match it.arguments.get(1).and_then(|a| a.as_expression()) {
                        Some(e) if matches!(verb, "POST" | "PUT" | "PATCH") => body_keys(Some(e)),
                        _ => Vec::new(),
                    };
                    self.push_client(verb.to_string(), u, HOOK_CLIENT, None, true, false, body, at, ls);
                    return;
                }
                let client = if matches!(name, "fetch" | "$fetch" | "ofetch") {
                    "fetch"
                } else if let Some(c) = self.client_of(name) {
                    c
                } else {
                    return;
                };
                // SWR (`useSWR(key, fetcher)`, also `useSWRImmutable`): the
                // key is the URL its fetcher GETs, by convention.
                if client == "swr" {
                    if matches!(name, "useSWR" | "useSWRImmutable")
                        && let Some(url) = first.and_then(swr_key)
                    {
                        self.push_client(
                            "GET".to_string(),
                            url,
                            "swr",
                            None,
                            false,
                            false,
                            Vec::new(),
                            at,
                            ls,
                        );
                    }
                    return;
                }
                let (url, verb) = match first {
                    Some(Expression::ObjectExpression(o)) => (prop(o, "url"), method_of(o)),
                    Some(u) => (Some(u), options(1).and_then(method_of)),
                    None => return,
                };
                let Some(url) = url else { return };
                let verb = verb.unwrap_or_else(|| "GET".to_string());
                let owner = self.client_instances.contains(name).then(|| name.to_string());
                // `{ body: JSON.stringify({...}) }`, `{ json: {...} }`, axios's `{ data }`.
                let opts = match first {
                    Some(Expression::ObjectExpression(o)) => Some(&**o),
                    _ => options(1),
                };
                let body = body_keys(opts.and_then(|o| {
                    prop(o, "body")
                        .or_else(|| prop(o, "json"))
                        .or_else(|| prop(o, "data"))
                }));
                self.push_client(verb, url, client, owner, false, false, body, at, ls);
            }
            Expression::StaticMemberExpression(m) => {
                let method = m.property.name.as_str();
                // window.fetch / globalThis.fetch
                if method == "fetch"
                    && matches!(&m.object, Expression::Identifier(o) if o.name == "window" || o.name == "globalThis")
                {
                    let Some(u) = first else { return };
                    let verb = options(1)
                        .and_then(method_of)
                        .unwrap_or_else(|| "GET".to_string());
                    let body = body_keys(options(1).and_then(|o| prop(o, "body")));
                    self.push_client(verb, u, "fetch", None, false, false, body, at, ls);
                    return;
                }
                let Some(recv) = binding_of(&m.object) else { return };
                if self.routers.contains_key(recv) {
                    return;
                }
                let known = self.client_of(recv);
                let instance = self.client_instances.contains(recv);
                // An instance made in another module (`this.http`, `api`),
                // or an imported binding that may be one (the fact index
                // decides).
                let imported = known.is_none()
                    && !clientish_name(recv)
                    && matches!(m.object.without_parentheses(), Expression::Identifier(_))
                    && self.imported_locals.contains(recv);
                let elsewhere =
                    known.is_none() && (clientish_name(recv) || imported) && !self.is_param_router(recv);
                // A message queue or scheduler that calls a URL back
                // (Upstash QStash's `qstash.publishJSON({ url:
                // `${APP}/api/cron/x` })`, `client.trigger({ url })`,
                // `client.schedule({ destination })`): a request of the
                // path, with the verb its `method:` says, else any.
                if known.is_none()
                    && let Some(Expression::ObjectExpression(o)) = first
                    && publisher_method(method)
                    && let Some(url) = prop(o, "url").or_else(|| prop(o, "destination"))
                {
                    let verb = method_of(o).unwrap_or_else(|| "ANY".to_string());
                    self.push_client(verb, url, "URL callback", None, false, false, Vec::new(), at, ls);
                    return;
                }
                if known.is_none() && !elsewhere {
                    return;
                }

                let client = known.unwrap_or("HTTP client");
                let owner = (instance || elsewhere).then(|| recv.to_string());
                if method == "request" {
                    let Some(Expression::ObjectExpression(o)) = first else {
                        return;
                    };
                    let Some(url) = prop(o, "url") else { return };
                    let verb = method_of(o).unwrap_or_else(|| "GET".to_string());
                    let body = body_keys(prop(o, "data").or_else(|| prop(o, "json")));
                    self.push_client(verb, url, client, owner, elsewhere, imported, body, at, ls);
                    return;
                }
                let Some(verb) = verb_of(method).filter(|v| *v != "ANY") else {
                    return;
                };
                let Some(u) = first else { return };
                // A server's `api.get('/x', handler)` is no request.
                if it.arguments.iter().skip(1).any(|a| {
                    matches!(
                        a,
                        Argument::ArrowFunctionExpression(_) | Argument::FunctionExpression(_)
                    )
                }) {
                    return;
                }
                // axios's `post(url, data)`; ky's and got's `post(url, { json })`.
                let second = it.arguments.get(1).and_then(|a| a.as_expression());
                let body = match (client, second) {
                    ("ky" | "got", Some(Expression::ObjectExpression(o))) => body_keys(prop(o, "json")),
                    // A client made elsewhere (`api.post(url, { json: payload })`,
                    // `api` a ky or got instance of another module): a `json:`
                    // key is ky's and got's body option, not a body key.
                    ("HTTP client", Some(Expression::ObjectExpression(o))) if prop(o, "json").is_some() => {
                        body_keys(prop(o, "json"))
                    }
                    (_, Some(e)) if matches!(verb, "POST" | "PUT" | "PATCH") => body_keys(Some(e)),
                    _ => Vec::new(),
                };
                self.push_client(
                    verb.to_string(),
                    u,
                    client,
                    owner,
                    elsewhere,
                    imported,
                    body,
                    at,
                    ls,
                );
            }
            _ => {}
        }
    }

    /// A parameter named like a router (`(app) => app.get(...)`): no client.
    fn is_param_router(&self, name: &str) -> bool {
        self.is_param(name) && routerish_name(name)
    }

    #[allow(clippy::too_many_arguments)]
    fn push_client(
        &mut self,
        verb: String,
        url: &Expression,
        client: &str,
        owner: Option<String>,
        elsewhere: bool,
        imported: bool,
        body_keys: Vec<(String, u32)>,
        at: u32,
        ls: &[u32],
    ) {
        // `fetch(invite ? `/api/invites?e=${e}` : `/api/users?id=${id}`)`:
        // a request of either path (nested conditionals, 8 paths at most).
        let mut urls = vec![url];
        let mut i = 0;
        while i < urls.len() {
            match urls[i].without_parentheses() {
                Expression::ConditionalExpression(c)
                    if urls.len() < 8 && pathish(&c.consequent) && pathish(&c.alternate) =>
                {
                    urls[i] = &c.consequent;
                    urls.push(&c.alternate);
                }
                _ => i += 1,
            }
        }
        let body_keys: Vec<(String, u32)> =
            body_keys.into_iter().map(|(k, pos)| (k, line(ls, pos))).collect();
        let mut all_parts = Vec::new();
        for url in urls {
            let Some(parts) = url_parts(url, 0) else {
                continue;
            };
            // A constant of the function that holds one of two paths
            // (`const url = v ? `${base}/docs/${s}/${v}` : `${base}/docs/${s}``,
            // then `fetch(url)`): a request of each.
            let alt = parts.iter().find_map(|p| match p {
                Part::Name(n) => self
                    .fn_alts
                    .iter()
                    .rev()
                    .find_map(|m| m.get(n))
                    .map(|a| (n.clone(), a.clone())),
                _ => None,
            });
            match alt {
                Some((n, alts)) => {
                    for alt in alts {
                        all_parts.push(
                            parts
                                .iter()
                                .flat_map(|p| match p {
                                    Part::Name(x) if *x == n => alt.clone(),
                                    other => vec![other.clone()],
                                })
                                .collect::<Vec<Part>>(),
                        );
                    }
                }
                None => all_parts.push(parts),
            }
        }
        for mut parts in all_parts {
            for local in self.fn_consts.iter().rev() {
                parts = Self::expand_with(&parts, local, 0);
            }
            self.client_calls.push(RawClientCall {
                verb: verb.clone(),
                parts,
                client: client.to_string(),
                owner: owner.clone(),
                base_elsewhere: elsewhere,
                imported_instance: imported,
                body_keys: body_keys.clone(),
                line: at,
                start: self.call_start,
            });
        }
    }

    /// The literal value of a string constant of the enclosing functions or
    /// the module, when it has one.
    fn const_string(&self, name: &str) -> Option<String> {
        let parts = self
            .fn_consts
            .iter()
            .rev()
            .find_map(|c| c.get(name))
            .or_else(|| self.url_consts.get(name))?;
        match parts.as_slice() {
            [Part::Lit(s)] => Some(s.clone()),
            _ => None,
        }
    }

    /// The strings of `consts` spliced into `parts` (a few levels deep).
    fn expand_with(parts: &[Part], consts: &HashMap<String, Vec<Part>>, depth: usize) -> Vec<Part> {
        let mut out = Vec::new();
        for p in parts {
            match p {
                Part::Name(n) if depth < 4 && consts.contains_key(n) => {
                    out.extend(Self::expand_with(&consts[n], consts, depth + 1));
                }
                other => out.push(other.clone()),
            }
        }
        out
    }

    /// Module constants spliced into `parts` (a few levels deep).
    fn expand(&self, parts: &[Part], depth: usize) -> Vec<Part> {
        let mut out = Vec::new();
        for p in parts {
            match p {
                Part::Name(n) if depth < 4 && self.url_consts.contains_key(n) => {
                    out.extend(self.expand(&self.url_consts[n], depth + 1));
                }
                other => out.push(other.clone()),
            }
        }
        out
    }

    /// A URL as matched against routes: (path with `:name` placeholders,
    /// whether a leading value was stripped); `None` when it holds no path.
    fn render(&self, parts: &[Part], relative_ok: bool) -> Option<(String, bool)> {
        let parts = self.expand(parts, 0);
        let mut out = String::new();
        let mut prefix_var = false;
        for (i, p) in parts.iter().enumerate() {
            match p {
                Part::Lit(s) => out.push_str(s),
                Part::Name(_) | Part::Opaque if i == 0 => prefix_var = true,
                // `${base}/${path}`: a whole path in a variable (a generic
                // request helper) names no route.
                Part::Name(n)
                    if PATH_NAMES.contains(&n.as_str()) && (out.ends_with('/') || out.is_empty()) =>
                {
                    return None;
                }
                Part::Name(n) => {
                    out.push(':');
                    out.push_str(n);
                }
                Part::Opaque => out.push_str(":param"),
            }
        }
        if out.is_empty() || !(relative_ok || out.contains('/')) || out.contains(char::is_whitespace) {
            return None;
        }
        Some((out, prefix_var))
    }

    /// The client calls and bases, into the file's facts.
    fn finish_clients(&mut self, facts: &mut crate::facts::FileFacts) {
        let mut by_start: HashMap<u32, u32> = HashMap::default();
        // Every call start that made an `http_calls` entry.
        let mut http_at: HashMap<u32, Vec<u32>> = HashMap::default();
        for c in std::mem::take(&mut self.client_calls) {
            // `k.get('items')` on an instance with a base URL.
            let based = c
                .owner
                .as_ref()
                .is_some_and(|o| self.bases.iter().any(|(b, _)| b == o));
            let Some((url, prefix_var)) = self.render(&c.parts, based) else {
                continue;
            };
            // What a client made in another module returns is not seen
            // (a response interceptor may unwrap `.data`), nor what an
            // instance of this module returns when the module installs an
            // interceptor: their responses' reads are not tied to keys.
            let unwrapped = c.base_elsewhere || (c.owner.is_some() && self.responses.intercepted());
            if !unwrapped {
                by_start.entry(c.start).or_insert(facts.http_calls.len() as u32);
            }
            http_at
                .entry(c.start)
                .or_default()
                .push(facts.http_calls.len() as u32);
            // The body's leaves, each where it is written (an object sent
            // whole covers no read by itself).
            let idx = facts.http_calls.len() as u32;
            push_sent(facts, idx, &c.body_keys);
            facts.http_calls.push(crate::facts::HttpCall {
                verb: c.verb,
                url,
                prefix_var,
                client: c.client,
                owner: c.owner,
                body_keys: c.body_keys.into_iter().map(|(k, _)| k).collect(),
                base_elsewhere: c.base_elsewhere,
                imported_instance: c.imported_instance,
                line: c.line,
            });
        }
        // What clients read from the responses of these calls; the rest
        // may be reads of what a request helper returns.
        let mut rest: HashMap<u32, Vec<(bool, String, u32)>> = HashMap::default();
        for (start, json, key, line) in self.responses.finish() {
            match by_start.get(&start) {
                Some(&call) => {
                    if let Some(key) = crate::facts::client_key(json, &key) {
                        facts.payload_keys.push(crate::facts::PayloadKey {
                            role: crate::facts::PayloadRole::Received,
                            key: key.to_string(),
                            owner: None,
                            scope: None,
                            call: Some(call),
                            line,
                        });
                    }
                }
                None => rest.entry(start).or_default().push((json, key, line)),
            }
        }
        self.finish_wrappers(facts, &rest, &http_at);
        for (owner, parts) in std::mem::take(&mut self.bases) {
            if let Some((base, false)) = self.render(&parts, false) {
                facts.http_bases.push((owner, base));
            }
        }
    }
}

/// A method that hands a URL to a service that calls it later: a queue's
/// `publish` / `publishJSON` / `enqueue`, a scheduler's `schedule`, a
/// workflow's `trigger`.
fn publisher_method(method: &str) -> bool {
    ["publish", "enqueue", "schedule", "trigger"]
        .iter()
        .any(|p| method.starts_with(p))
}
