//! HTTP payloads and webhook effects in TypeScript/JavaScript servers, for
//! the oxc walk of `typescript`. Server renders: `res.json({...})`,
//! `res.status(201).send({...})`, `reply.send({...})`, Hono `c.json({...})`,
//! `ctx.body = {...}`, `NextResponse.json({...})` / `Response.json({...})`,
//! and a class method's returned object literal (NestJS). Server reads:
//! `req.body.x`, `const { a, b } = req.body`, `ctx.request.body.x`,
//! `const { a } = await request.json()` (Next.js, Hono `c.req.json()`; a
//! body read into a variable reads every key), NestJS `@Body('x')`. Effects: `crypto.createHmac`, `timingSafeEqual`,
//! `stripe.webhooks.constructEvent`, svix `verify`, queue `add`, writes
//! and dedup lookups by event id. Facts carry only lines: the checks tie
//! them to a handler through the function spans recorded here
//! (`FileFacts::fn_spans`). Every descent is depth-bounded.

use crate::facts::{
    Effect, EffectKind, FileFacts, PayloadKey, PayloadRole, RenderRef, RenderTarget, join_key,
};
use oxc::ast::ast::*;
use oxc::span::{GetSpan, Span};
use rustc_hash::FxHashSet as HashSet;

/// How deep an object literal or a member chain is read.
const MAX_DEPTH: usize = 12;

/// Receivers whose `.json(...)` / `.send(...)` is a response.
const RESPONDERS: [&str; 7] = ["res", "response", "reply", "c", "ctx", "NextResponse", "Response"];

/// ORM calls that write.
const WRITES: [&str; 12] = [
    "create",
    "createMany",
    "update",
    "updateMany",
    "upsert",
    "delete",
    "deleteMany",
    "save",
    "insert",
    "insertOne",
    "updateOne",
    "remove",
];

fn line(ls: &[u32], pos: u32) -> u32 {
    ls.partition_point(|s| *s <= pos) as u32
}

fn snake(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn key_of(k: &PropertyKey) -> Option<String> {
    match k {
        PropertyKey::StaticIdentifier(i) => Some(i.name.as_str().to_string()),
        PropertyKey::StringLiteral(s) => Some(s.value.as_str().to_string()),
        _ => None,
    }
}

/// The name at the base of a receiver chain (`res` in
/// `res.status(201).json`).
fn base_name<'e>(e: &'e Expression) -> Option<&'e str> {
    let mut e = e.without_parentheses();
    for _ in 0..MAX_DEPTH {
        match e {
            Expression::Identifier(i) => return Some(i.name.as_str()),
            Expression::CallExpression(c) => match &c.callee {
                Expression::StaticMemberExpression(m) => e = m.object.without_parentheses(),
                _ => return None,
            },
            Expression::StaticMemberExpression(m) => e = m.object.without_parentheses(),
            _ => return None,
        }
    }
    None
}

/// The source text of an expression, short.
fn text(src: &str, s: Span) -> String {
    let t = src.get(s.start as usize..s.end as usize).unwrap_or("");
    let t: String = t.chars().take(80).collect();
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[derive(Default)]
pub struct Payload {
    /// (start line, end line, is a class method) of the functions being
    /// walked.
    stack: Vec<(u32, u32, bool)>,
    spans: Vec<(u32, u32)>,
    keys: Vec<PayloadKey>,
    refs: Vec<RenderRef>,
    effects: Vec<Effect>,
    /// Member expressions already read as part of a longer chain.
    seen: HashSet<Span>,
    /// Start of the function that is the value of a class method.
    method: Option<u32>,
    thrown: Vec<(String, u32)>,
    error_handlers: Vec<u32>,
}

impl Payload {
    /// The function starting at `start` is a class method's body.
    pub fn mark_method(&mut self, start: u32) {
        self.method = Some(start);
    }

    pub fn enter_function(&mut self, span: Span, ls: &[u32]) {
        let method = self.method.take_if(|m| *m == span.start).is_some();
        let s = (line(ls, span.start), line(ls, span.end.saturating_sub(1)));
        self.spans.push(s);
        self.stack.push((s.0, s.1, method));
    }

    pub fn leave_function(&mut self) {
        self.stack.pop();
    }

    fn key(&mut self, role: PayloadRole, key: String, line: u32) {
        if key.is_empty() {
            return;
        }
        self.keys.push(PayloadKey {
            role,
            key,
            owner: None,
            scope: None,
            call: None,
            line,
        });
    }

    fn effect(&mut self, kind: EffectKind, what: String, line: u32) {
        self.effects.push(Effect {
            kind,
            what,
            owner: None,
            scope: None,
            line,
        });
    }

    /// The keys of a rendered value; anything but a literal is a hidden
    /// shape.
    fn rendered(&mut self, e: &Expression, src: &str, ls: &[u32]) {
        let mut out = Vec::new();
        let mut hidden = false;
        shape(e, "", 0, ls, &mut out, &mut hidden);
        for (k, l) in out {
            self.key(PayloadRole::Rendered, k, l);
        }
        if hidden {
            self.refs.push(RenderRef {
                target: RenderTarget::Opaque(text(src, e.span())),
                prefix: String::new(),
                owner: None,
                scope: None,
                line: line(ls, e.span().start),
            });
        }
    }

    pub fn call(&mut self, it: &CallExpression, src: &str, ls: &[u32]) {
        let at = line(ls, it.span.start);
        // `parseRequest(request, schema)`: a Fetch API request handed to a
        // helper, which may read its body where seamscan does not follow
        // (`HANDED_OFF`). Only `request` and Hono's `c.req`: Express's `req`
        // goes to auth helpers far more often, and its body is read as
        // `req.body.x` in the handler.
        let fetch_request = |e: &Expression| match e.without_parentheses() {
            Expression::Identifier(i) => i.name == "request",
            other => is_fetch_request(other) && !matches!(other, Expression::Identifier(_)),
        };
        if it
            .arguments
            .iter()
            .filter_map(|a| a.as_expression())
            .any(fetch_request)
        {
            self.key(PayloadRole::ParamRead, crate::facts::HANDED_OFF.to_string(), at);
        }
        // `Schema.safeParse(req.body)`, `createLink(ctx.request.body)`: the
        // body itself handed to a function, which may read any key of it
        // (not a digest's `update(req.body)` nor a logger's `info`).
        let inert = matches!(&it.callee, Expression::StaticMemberExpression(m)
            if matches!(m.property.name.as_str(), "update" | "digest" | "log" | "info" | "warn" | "error" | "debug" | "trace"));
        if !inert
            && it.arguments.iter().filter_map(|a| a.as_expression()).any(|a| {
                matches!(a.without_parentheses(), Expression::StaticMemberExpression(m)
                    if m.property.name == "body" && is_request(&m.object))
            })
        {
            self.key(PayloadRole::ParamRead, "*".to_string(), at);
        }
        let Expression::StaticMemberExpression(m) = &it.callee else {
            if let Expression::Identifier(i) = &it.callee {
                match i.name.as_str() {
                    "timingSafeEqual" => self.effect(EffectKind::SecureCompare, "timingSafeEqual".into(), at),
                    "createHmac" => self.effect(EffectKind::Hmac, "createHmac".into(), at),
                    _ => {}
                }
            }
            return;
        };
        let prop = m.property.name.as_str();
        // `await request.json()` (Next.js, the Fetch API, Hono's
        // `c.req.json()`) not destructured where it is read: its keys are
        // read through a variable, so every key counts as read.
        if matches!(prop, "json" | "formData") && it.arguments.is_empty() && is_fetch_request(&m.object) {
            if !self.seen.contains(&it.span) {
                self.key(PayloadRole::ParamRead, "*".to_string(), at);
            }
            return;
        }
        let recv = text(src, m.object.span());
        let base = base_name(&m.object);
        if matches!(prop, "json" | "send") && base.is_some_and(|b| RESPONDERS.contains(&b)) {
            if let Some(a) = it.arguments.first().and_then(|a| a.as_expression()) {
                self.rendered(a, src, ls);
            }
            return;
        }
        let what = format!("{recv}.{prop}");
        match prop {
            "timingSafeEqual" => self.effect(EffectKind::SecureCompare, what.clone(), at),
            "createHmac" => self.effect(EffectKind::Hmac, what.clone(), at),
            "constructEvent" | "constructEventAsync" if recv.contains("webhooks") => {
                self.effect(EffectKind::Verify, what.clone(), at)
            }
            "verify" | "verifySignature" | "verifyWebhook"
                if {
                    let l = recv.to_ascii_lowercase();
                    l.contains("webhook") || l.contains("svix") || l == "wh" || l.contains("signature")
                } =>
            {
                self.effect(EffectKind::Verify, what.clone(), at)
            }
            "add" | "addBulk" if recv.to_ascii_lowercase().contains("queue") => {
                self.effect(EffectKind::Enqueue, what.clone(), at)
            }
            _ => {}
        }
        let crypto = {
            let l = recv.to_ascii_lowercase();
            l.contains("hmac") || l.contains("hash") || l.contains("cipher") || l.contains("crypto")
        };
        if WRITES.contains(&prop) && !crypto && !base.is_some_and(|b| RESPONDERS.contains(&b) || b == "req") {
            self.effect(EffectKind::Write, what.clone(), at);
        }
        let dedup = matches!(
            prop,
            "findUnique"
                | "findFirst"
                | "findOne"
                | "findOneBy"
                | "exists"
                | "count"
                | "create"
                | "insert"
                | "upsert"
        ) && it
            .arguments
            .iter()
            .filter_map(|a| a.as_expression())
            .any(|e| has_event_id_key(e, 0));
        if dedup {
            self.effect(EffectKind::Dedup, what, at);
        }
    }

    /// `x.a.b` on a request body.
    pub fn member(&mut self, it: &StaticMemberExpression, ls: &[u32]) {
        if self.seen.contains(&it.span) {
            return;
        }
        if matches!(
            it.property.name.as_str(),
            "toString" | "valueOf" | "length" | "hasOwnProperty" | "constructor"
        ) {
            return;
        }
        let mut path = Vec::new();
        let mut e: &Expression = &it.object;
        path.push(it.property.name.as_str().to_string());
        let mut links = Vec::new();
        for _ in 0..MAX_DEPTH {
            match e.without_parentheses() {
                Expression::StaticMemberExpression(m) => {
                    links.push(m.span);
                    if m.property.name == "body" && is_request(&m.object) {
                        path.reverse();
                        self.seen.extend(links);
                        self.key(PayloadRole::ParamRead, path.join("."), line(ls, it.span.start));
                        return;
                    }
                    path.push(m.property.name.as_str().to_string());
                    e = &m.object;
                }
                _ => return,
            }
        }
    }

    /// `const { a, b: { c } } = req.body`, `= await request.json()`.
    pub fn destructure(&mut self, pat: &BindingPattern, init: &Expression, ls: &[u32]) {
        let mut init = init.without_parentheses();
        // `= req.body ?? {}`, `= req.body || {}`.
        if let Expression::LogicalExpression(l) = init
            && matches!(l.operator, LogicalOperator::Coalesce | LogicalOperator::Or)
            && matches!(l.right.without_parentheses(), Expression::ObjectExpression(_))
        {
            init = l.left.without_parentheses();
        }
        if let Expression::AwaitExpression(a) = init {
            init = a.argument.without_parentheses();
        }
        if let Expression::CallExpression(c) = init
            && let Expression::StaticMemberExpression(m) = &c.callee
            && m.property.name == "json"
            && c.arguments.is_empty()
            && is_fetch_request(&m.object)
        {
            if matches!(pat, BindingPattern::ObjectPattern(_)) {
                self.seen.insert(c.span);
                let mut out = Vec::new();
                pattern_keys(pat, "", 0, ls, &mut out);
                for (k, l) in out {
                    self.key(PayloadRole::ParamRead, k, l);
                }
            }
            return;
        }
        let Expression::StaticMemberExpression(m) = init else {
            return;
        };
        if m.property.name != "body" || !is_request(&m.object) {
            return;
        }
        let mut out = Vec::new();
        pattern_keys(pat, "", 0, ls, &mut out);
        for (k, l) in out {
            self.key(PayloadRole::ParamRead, k, l);
        }
    }

    /// `ctx.body = {...}` (Koa).
    pub fn assign(&mut self, target: &StaticMemberExpression, value: &Expression, src: &str, ls: &[u32]) {
        if target.property.name == "body"
            && matches!(&target.object, Expression::Identifier(i) if i.name == "ctx")
        {
            self.rendered(value, src, ls);
        }
    }

    /// `return {...}` in a class method (NestJS handlers).
    pub fn ret(&mut self, value: &Expression, src: &str, ls: &[u32]) {
        if self.stack.last().is_some_and(|(_, _, method)| *method)
            && matches!(value.without_parentheses(), Expression::ObjectExpression(_))
        {
            self.rendered(value, src, ls);
        }
    }

    /// `throw new X(..., { errors: {...} })`: the error's payload keys.
    pub fn throw(&mut self, value: &Expression, ls: &[u32]) {
        let Expression::NewExpression(n) = value.without_parentheses() else {
            return;
        };
        for a in &n.arguments {
            let Some(e) = a.as_expression() else { continue };
            if matches!(e.without_parentheses(), Expression::ObjectExpression(_)) {
                let mut out = Vec::new();
                let mut hidden = false;
                shape(e, "", 0, ls, &mut out, &mut hidden);
                self.thrown.extend(out);
            }
        }
    }

    /// `app.use((err, req, res, next) => ...)`: an error middleware.
    pub fn error_middleware(&mut self, it: &CallExpression, ls: &[u32]) {
        let Expression::StaticMemberExpression(m) = &it.callee else {
            return;
        };
        if m.property.name != "use" {
            return;
        }
        let four = |p: &FormalParameters| p.items.len() == 4;
        if it.arguments.iter().any(|a| match a {
            Argument::ArrowFunctionExpression(f) => four(&f.params),
            Argument::FunctionExpression(f) => four(&f.params),
            _ => false,
        }) {
            self.error_handlers.push(line(ls, it.span.start));
        }
    }

    /// `@Body('x')` on a parameter.
    pub fn body_param(&mut self, key: &str, pos: u32, ls: &[u32]) {
        self.key(PayloadRole::ParamRead, key.to_string(), line(ls, pos));
    }

    pub fn finish(self, facts: &mut FileFacts) {
        facts.payload_keys.extend(self.keys);
        facts.render_refs.extend(self.refs);
        facts.effects.extend(self.effects);
        facts.thrown_keys.extend(self.thrown);
        facts.error_handlers.extend(self.error_handlers);
        let mut spans = self.spans;
        spans.sort();
        spans.dedup();
        facts.fn_spans.extend(spans);
    }
}

/// A Fetch API request whose body `.json()` reads: `request`, `req`,
/// Hono's `c.req`.
fn is_fetch_request(e: &Expression) -> bool {
    match e.without_parentheses() {
        Expression::Identifier(i) => matches!(i.name.as_str(), "req" | "request"),
        Expression::StaticMemberExpression(m) => {
            m.property.name == "req" && matches!(&m.object, Expression::Identifier(i) if i.name == "c")
        }
        _ => false,
    }
}

/// `req.body` / `request.body` / `ctx.request.body`.
fn is_request(e: &Expression) -> bool {
    match e.without_parentheses() {
        Expression::Identifier(i) => matches!(i.name.as_str(), "req" | "request"),
        Expression::StaticMemberExpression(m) => {
            m.property.name == "request" && matches!(&m.object, Expression::Identifier(i) if i.name == "ctx")
        }
        _ => false,
    }
}

fn shape(
    e: &Expression,
    prefix: &str,
    depth: usize,
    ls: &[u32],
    out: &mut Vec<(String, u32)>,
    hidden: &mut bool,
) {
    if depth > MAX_DEPTH {
        return;
    }
    match e.without_parentheses() {
        Expression::ObjectExpression(o) => {
            for p in &o.properties {
                match p {
                    ObjectPropertyKind::ObjectProperty(p) => {
                        let Some(k) = key_of(&p.key) else { continue };
                        let key = join_key(prefix, &k);
                        out.push((key.clone(), line(ls, p.span.start)));
                        match p.value.without_parentheses() {
                            Expression::ObjectExpression(_) | Expression::ArrayExpression(_) => {
                                shape(&p.value, &key, depth + 1, ls, out, hidden)
                            }
                            _ => {}
                        }
                    }
                    ObjectPropertyKind::SpreadProperty(_) => *hidden = true,
                }
            }
        }
        Expression::ArrayExpression(a) => {
            let p = join_key(prefix, "[]");
            for el in &a.elements {
                if let Some(Expression::ObjectExpression(_)) =
                    el.as_expression().map(|x| x.without_parentheses())
                {
                    shape(el.as_expression().unwrap_or(e), &p, depth + 1, ls, out, hidden);
                }
            }
        }
        _ => *hidden = true,
    }
}

fn pattern_keys(p: &BindingPattern, prefix: &str, depth: usize, ls: &[u32], out: &mut Vec<(String, u32)>) {
    if depth > MAX_DEPTH {
        return;
    }
    match p {
        BindingPattern::ObjectPattern(o) => {
            for prop in &o.properties {
                let Some(k) = key_of(&prop.key) else { continue };
                let key = join_key(prefix, &k);
                match &prop.value {
                    BindingPattern::ObjectPattern(_) => pattern_keys(&prop.value, &key, depth + 1, ls, out),
                    _ => out.push((key, line(ls, prop.span.start))),
                }
            }
        }
        BindingPattern::AssignmentPattern(a) => pattern_keys(&a.left, prefix, depth + 1, ls, out),
        _ => {}
    }
}

fn has_event_id_key(e: &Expression, depth: usize) -> bool {
    if depth > 3 {
        return false;
    }
    let Expression::ObjectExpression(o) = e.without_parentheses() else {
        return false;
    };
    o.properties.iter().any(|p| match p {
        ObjectPropertyKind::ObjectProperty(p) => {
            key_of(&p.key).is_some_and(|k| crate::facts::is_event_id_key(&snake(&k)))
                || has_event_id_key(&p.value, depth + 1)
        }
        _ => false,
    })
}
