//! What TypeScript / JavaScript clients read from a response, tied to the
//! request that got it: `const res = await axios.get(url)` then
//! `res.data.a.b`; `const { data } = await axios.post(...)`;
//! `(await axios.get(url)).data.x`; `const res = await fetch(url)` then
//! `const body = await res.json()` and `body.a`; destructuring of a body
//! (`const { a, b } = data`) and one more local hop (`const items =
//! data.items`). Property chains and destructuring within the function
//! (and the closures inside it). Keys are resolved against the file's
//! client calls at the end of the walk (`Http::finish_clients`), by the
//! call expression's start.

use oxc::ast::ast::*;
use oxc::span::GetSpan;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// How deep a property chain is followed.
const MAX_CHAIN: usize = 12;

/// Properties of values, not keys of the payload.
const NOT_KEYS: [&str; 3] = ["length", "constructor", "prototype"];

#[derive(Clone, Debug)]
enum Bind {
    /// The result of a call (a client's response, or what a request
    /// helper returns), by the call's start, or a key path inside it.
    Result(u32, String),
    /// The body a fetch response's `.json()` gives, or a key inside it.
    Json(u32, String),
}

/// A key read: (call start, read after `.json()`, key, line, chain root
/// start). Keys are relative to the call's result (`data.items` of an
/// axios response) or to its `.json()` body; `finish` of `ts_http` reads
/// them as the call's client or helper returns.
type Read = (u32, bool, String, u32, u32);

#[derive(Default)]
pub struct Responses {
    /// Function ids, innermost last (0 is the module).
    fns: Vec<u32>,
    next_fn: u32,
    locals: HashMap<(u32, String), Bind>,
    /// Member expressions that are a call's callee (`data.items.map`).
    callees: HashSet<u32>,
    reads: Vec<Read>,
    /// Callbacks given to an array method of a response's array
    /// (`items.map(i => ...)`), by the function's start: what their first
    /// parameter is (an element).
    elements: HashMap<u32, Bind>,
    /// The module installs a response interceptor
    /// (`x.interceptors.response.use(...)`, ky's `hooks: { afterResponse }`).
    intercepted: bool,
}

fn line(ls: &[u32], pos: u32) -> u32 {
    ls.partition_point(|s| *s <= pos) as u32
}

/// `await x`, `(x)`, `x as T`: x.
fn inner<'e, 'a>(e: &'e Expression<'a>) -> &'e Expression<'a> {
    let mut e = e.get_inner_expression();
    for _ in 0..4 {
        match e {
            Expression::AwaitExpression(a) => e = a.argument.get_inner_expression(),
            _ => break,
        }
    }
    e
}

fn join(prefix: &str, k: &str) -> String {
    if prefix.is_empty() || k.starts_with("[]") {
        format!("{prefix}{k}")
    } else {
        format!("{prefix}.{k}")
    }
}

/// Array methods whose callback gets the elements first.
const ELEMENT_METHODS: [&str; 9] = [
    "map",
    "forEach",
    "filter",
    "find",
    "findLast",
    "some",
    "every",
    "flatMap",
    "findIndex",
];

/// An element of the array a value is (`items` → `items[]`).
fn element(b: Bind) -> Bind {
    match b {
        Bind::Result(c, p) => Bind::Result(c, join(&p, "[]")),
        Bind::Json(c, p) => Bind::Json(c, join(&p, "[]")),
    }
}

/// `x[0]`: an element.
fn is_index(m: &ComputedMemberExpression) -> bool {
    matches!(m.expression, Expression::NumericLiteral(_))
}

impl Responses {
    /// Entering a function; a callback of an array method over a
    /// response's array binds its first parameter to an element.
    pub fn enter_function(&mut self, start: u32, params: &FormalParameters, ls: &[u32]) {
        self.next_fn += 1;
        self.fns.push(self.next_fn);
        if let Some(v) = self.elements.remove(&start)
            && let Some(p) = params.items.first()
        {
            self.bind(&p.pattern, v, ls, 0);
        }
    }

    /// `for (const item of data.items)`: `item` is an element.
    pub fn for_of(&mut self, left: &ForStatementLeft, right: &Expression, ls: &[u32]) {
        let ForStatementLeft::VariableDeclaration(d) = left else {
            return;
        };
        let Some(decl) = d.declarations.first() else {
            return;
        };
        if let Some(v) = self.value_of(right) {
            self.bind(&decl.id, element(v), ls, 0);
        }
    }

    pub fn leave_function(&mut self) {
        self.fns.pop();
    }

    fn here(&self) -> u32 {
        self.fns.last().copied().unwrap_or(0)
    }

    /// A local's binding, from the innermost function out (closures see
    /// their function's locals).
    fn lookup(&self, name: &str) -> Option<&Bind> {
        std::iter::once(0)
            .chain(self.fns.iter().copied())
            .rev()
            .find_map(|f| self.locals.get(&(f, name.to_string())))
    }

    /// What an expression is: a response, a body (or a key in it).
    fn value_of(&self, e: &Expression) -> Option<Bind> {
        self.value_at(e, 0)
    }

    /// `value_of`, at most `MAX_CHAIN` members and calls deep.
    fn value_at(&self, e: &Expression, depth: usize) -> Option<Bind> {
        if depth > MAX_CHAIN {
            return None;
        }
        match inner(e) {
            Expression::Identifier(i) => self.lookup(i.name.as_str()).cloned(),
            // `res.json()` on a fetch response: its body.
            Expression::CallExpression(c) => match &c.callee {
                Expression::StaticMemberExpression(m) if m.property.name == "json" => {
                    match self.value_at(&m.object, depth + 1) {
                        Some(Bind::Result(call, p)) if p.is_empty() => Some(Bind::Json(call, String::new())),
                        _ => None,
                    }
                }
                // Any other call may be a client call or a request
                // helper's: checked at the end.
                _ => Some(Bind::Result(c.span.start, String::new())),
            },
            Expression::ComputedMemberExpression(m) if is_index(m) => {
                self.value_at(&m.object, depth + 1).map(element)
            }
            Expression::StaticMemberExpression(m) => {
                let k = m.property.name.as_str();
                if NOT_KEYS.contains(&k) {
                    return None;
                }
                match self.value_at(&m.object, depth + 1)? {
                    Bind::Result(call, p) => Some(Bind::Result(call, join(&p, k))),
                    Bind::Json(call, p) => Some(Bind::Json(call, join(&p, k))),
                }
            }
            _ => None,
        }
    }

    /// `const x = init` / `const { a, b: { c } } = init`.
    pub fn declarator(&mut self, id: &BindingPattern, init: &Expression, ls: &[u32]) {
        // `const [a, { b }] = await Promise.all([get(x), get(y)])`: each
        // element is the result of its call.
        if let BindingPattern::ArrayPattern(p) = id
            && let Expression::CallExpression(c) = inner(init)
            && let Expression::StaticMemberExpression(m) = &c.callee
            && matches!(&m.object, Expression::Identifier(o) if o.name == "Promise")
            && matches!(m.property.name.as_str(), "all" | "allSettled")
            && let Some(Argument::ArrayExpression(a)) = c.arguments.first()
        {
            for (el, pat) in a.elements.iter().zip(p.elements.iter()) {
                if let (Some(e), Some(pat)) = (el.as_expression(), pat)
                    && let Some(v) = self.value_of(e)
                {
                    self.bind(pat, v, ls, 0);
                }
            }
            return;
        }
        if let Some(v) = self.value_of(init) {
            self.bind(id, v, ls, 0);
        }
    }

    /// Binds a pattern to a value; an object pattern over a body reads its
    /// keys (nested patterns a few levels deep, only their leaves).
    fn bind(&mut self, id: &BindingPattern, v: Bind, ls: &[u32], depth: usize) {
        let f = self.here();
        match id {
            BindingPattern::BindingIdentifier(b) => {
                self.locals.insert((f, b.name.as_str().to_string()), v);
            }
            BindingPattern::ObjectPattern(p) if depth < 4 => {
                for prop in &p.properties {
                    let Some(k) = prop.key.static_name() else {
                        continue;
                    };
                    let k = k.to_string();
                    let (call, json, p) = match &v {
                        Bind::Result(call, p) => (*call, false, p),
                        Bind::Json(call, p) => (*call, true, p),
                    };
                    let key = join(p, &k);
                    if !matches!(prop.value, BindingPattern::ObjectPattern(_)) {
                        self.reads.push((
                            call,
                            json,
                            key.clone(),
                            line(ls, prop.span.start),
                            prop.span.start,
                        ));
                    }
                    let sub = if json {
                        Bind::Json(call, key)
                    } else {
                        Bind::Result(call, key)
                    };
                    self.bind(&prop.value, sub, ls, depth + 1);
                }
            }
            _ => {}
        }
    }

    /// A call: its callee member is a method, not a key.
    pub fn call(&mut self, it: &CallExpression) {
        if let Expression::StaticMemberExpression(m) = &it.callee {
            self.callees.insert(m.span.start);
            if ELEMENT_METHODS.contains(&m.property.name.as_str())
                && let Some(cb) = it.arguments.first()
                && let Some(start) = match cb {
                    Argument::ArrowFunctionExpression(f) => Some(f.span.start),
                    Argument::FunctionExpression(f) => Some(f.span.start),
                    _ => None,
                }
                && let Some(v) = self.value_of(&m.object)
            {
                self.elements.insert(start, element(v));
            }
        }
    }

    pub fn intercepted(&self) -> bool {
        self.intercepted
    }

    /// `x.a.b`: a read of `a.b` under what `x` is.
    pub fn member(&mut self, it: &StaticMemberExpression, ls: &[u32]) {
        if matches!(it.property.name.as_str(), "interceptors" | "afterResponse") {
            self.intercepted = true;
        }
        let mut segs = vec![it.property.name.as_str()];
        let mut obj = &it.object;
        for _ in 0..MAX_CHAIN {
            match obj.without_parentheses() {
                Expression::StaticMemberExpression(m) => {
                    segs.push(m.property.name.as_str());
                    obj = &m.object;
                }
                _ => break,
            }
        }
        segs.reverse();
        let root = obj.without_parentheses();
        if self.callees.contains(&it.span.start) {
            segs.pop();
        }
        let (call, json, prefix) = match self.value_of(root) {
            Some(Bind::Result(call, p)) => (call, false, p),
            Some(Bind::Json(call, p)) => (call, true, p),
            None => return,
        };
        let segs: Vec<&str> = segs
            .iter()
            .copied()
            .take_while(|s| !NOT_KEYS.contains(s))
            .collect();
        if segs.is_empty() {
            return;
        }
        let key = join(&prefix, &segs.join("."));
        self.reads
            .push((call, json, key, line(ls, it.span.start), root.span().start));
    }

    /// The reads per call start: per chain only its longest key (`a.b`,
    /// not also `a`), sorted and deduplicated: (call start, after
    /// `.json()`, key, line).
    pub fn finish(&mut self) -> Vec<(u32, bool, String, u32)> {
        let reads = std::mem::take(&mut self.reads);
        let mut longest: HashMap<u32, usize> = HashMap::default();
        for (i, r) in reads.iter().enumerate() {
            let e = longest.entry(r.4).or_insert(i);
            if r.2.len() > reads[*e].2.len() {
                *e = i;
            }
        }
        let mut out: Vec<(u32, bool, String, u32)> = reads
            .iter()
            .enumerate()
            .filter(|(i, r)| longest.get(&r.4) == Some(i))
            .map(|(_, r)| (r.0, r.1, r.2.clone(), r.3))
            .collect();
        out.sort();
        out.dedup();
        out
    }
}
