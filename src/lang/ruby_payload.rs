//! HTTP payloads and webhook effects in Ruby, part of the one walk of
//! `ruby.rs`. Server side: keys a controller reads from `params` (chains,
//! strong params), responses it renders (`render json:` literals,
//! serializers by name or convention, views), jbuilder views (`json.x`,
//! `json.extract!`, blocks, `json.array!`, partials) and serializer class
//! bodies (ActiveModel::Serializers, Blueprinter, Alba). Client side: the
//! body an HTTP client call sends (HTTParty `body:`, Faraday's second
//! argument or `req.body =`, Net::HTTP `req.body =`) and the keys read from
//! its response (`JSON.parse(resp.body)['a']['b']`, `resp.parsed_response`,
//! `resp['x']`, through one local variable). Effects: signature checks,
//! writes, outbound calls, enqueues, dedup lookups and client timeouts, by
//! method body. Every descent into a value is depth-bounded.

use super::{Walker, start, utf8};
use crate::facts::{
    Effect, EffectKind, KeyFormat, PayloadKey, PayloadRole, RenderRef, RenderTarget, is_event_id_key,
    join_key,
};
use ruby_prism::{CallNode, Node};
use std::rc::Rc;

/// How deep a hash literal, a receiver chain or a permit list is read.
const MAX_SHAPE_DEPTH: usize = 12;

/// Calls that write to the database.
const WRITES: [&str; 22] = [
    "create",
    "create!",
    "update",
    "update!",
    "save",
    "save!",
    "destroy",
    "destroy!",
    "update_all",
    "update_column",
    "update_columns",
    "update_attribute",
    "insert",
    "insert!",
    "insert_all",
    "insert_all!",
    "upsert",
    "upsert_all",
    "increment!",
    "decrement!",
    "toggle!",
    "destroy_all",
];

/// Lookups and inserts that deduplicate when keyed by an event id.
const DEDUP_CALLS: [&str; 14] = [
    "find_by",
    "find_by!",
    "exists?",
    "where",
    "find_or_create_by",
    "find_or_create_by!",
    "create_or_find_by",
    "create_or_find_by!",
    "find_or_initialize_by",
    "create",
    "create!",
    "insert",
    "upsert",
    "insert_all",
];

/// Receivers whose `update`/`delete`/`save` are not database writes.
const NOT_MODELS: [&str; 8] = [
    "params", "session", "cookies", "headers", "flash", "response", "request", "ENV",
];

/// Linkers and request specs: not outbound calls.
const NOT_OUTBOUND: [&str; 9] = [
    "link_to",
    "link_to_if",
    "link_to_unless",
    "button_to",
    "form_with",
    "form_for",
    "redirect_to",
    "request",
    "request spec",
];

/// The name a value is known by: `@articles`, `articles`,
/// `article.user` → `user`.
fn value_name(n: &Node<'_>) -> Option<String> {
    if let Some(v) = n.as_instance_variable_read_node() {
        return Some(utf8(v.name().as_slice()));
    }
    if let Some(v) = n.as_local_variable_read_node() {
        return Some(utf8(v.name().as_slice()));
    }
    n.as_call_node().map(|c| utf8(c.name().as_slice()))
}

/// Enumerable methods whose block gets the elements first.
const ELEMENT_METHODS: [&str; 12] = [
    "each",
    "map",
    "collect",
    "select",
    "filter",
    "reject",
    "find",
    "detect",
    "flat_map",
    "each_with_index",
    "filter_map",
    "sum",
];

/// A pending link to an HTTP call recorded later in the walk (the call is
/// a descendant of the node that names it).
pub(super) enum PendingHttp {
    /// `resp = HTTParty.get(...)`: (local scope, variable).
    Var(u32, String),
    /// `data = JSON.parse(HTTParty.get(...).body)`: (local scope,
    /// variable, key prefix).
    JsonVar(u32, String, String),
    /// `HTTParty.get(url)['x']`: (key, line).
    Read(String, u32),
}

/// One step of a receiver chain.
enum Step {
    Key(String),
    Permit(Vec<String>),
    All,
}

/// What the bottom of a receiver chain is.
enum Base {
    /// `params` in a controller.
    Params,
    /// A response of HTTP call `idx`, parsed, with a prefix.
    Response(u32, String),
    /// A response of the HTTP call starting at this offset (not recorded
    /// yet), with a prefix.
    PendingResponse(u32, String),
}

fn is_const(n: &Node<'_>) -> bool {
    n.as_constant_read_node().is_some() || n.as_constant_path_node().is_some()
}

fn call_args<'pr>(c: &CallNode<'pr>) -> Vec<Node<'pr>> {
    c.arguments()
        .map(|a| a.arguments().iter().collect())
        .unwrap_or_default()
}

fn key_name(n: &Node<'_>) -> Option<String> {
    if let Some(s) = n.as_symbol_node() {
        return Some(utf8(s.unescaped()));
    }
    if let Some(s) = n.as_string_node() {
        return Some(utf8(s.unescaped()));
    }
    if n.as_integer_node().is_some() {
        return Some("[]".to_string());
    }
    None
}

/// The serializer-ish class suffixes whose class bodies list rendered keys.
fn is_serializer_class(owner: &str) -> bool {
    let leaf = owner.rsplit("::").next().unwrap_or(owner);
    ["Serializer", "Blueprint", "Blueprinter", "Resource"]
        .iter()
        .any(|s| leaf.ends_with(s) && leaf.len() > s.len())
}

impl<'pr> Walker<'_, '_> {
    fn ctx_owner(&self) -> Option<String> {
        self.top().owner.as_deref().map(str::to_string)
    }

    fn push_key(&mut self, role: PayloadRole, key: String, call: Option<u32>, line: u32) {
        if key.is_empty() {
            return;
        }
        let owner = self.ctx_owner();
        let scope = self.top().fn_scope;
        self.b.facts.payload_keys.push(PayloadKey {
            role,
            key,
            owner,
            scope,
            call,
            line,
        });
    }

    fn push_ref(&mut self, target: RenderTarget, prefix: String, line: u32) {
        let owner = self.ctx_owner();
        let scope = self.top().fn_scope;
        self.b.facts.render_refs.push(RenderRef {
            target,
            prefix,
            owner,
            scope,
            line,
        });
    }

    fn effect(&mut self, kind: EffectKind, what: String, line: u32) {
        let owner = self.ctx_owner();
        let scope = self.top().fn_scope;
        self.b.facts.effects.push(Effect {
            kind,
            what,
            owner,
            scope,
            line,
        });
    }

    /// `x = <value>` for a local: remember HTTP responses and parsed
    /// bodies held in it.
    pub(super) fn payload_assign(&mut self, name: String, value: &Node<'pr>) {
        let local = self.top().local_id;
        let Some(c) = value.as_call_node() else {
            // `x = y` copies what `y` holds.
            if let Some(r) = value.as_local_variable_read_node() {
                let from = (local, utf8(r.name().as_slice()));
                if let Some(i) = self.http_vars.get(&from).copied() {
                    self.http_vars.insert((local, name), i);
                } else if let Some(v) = self.json_vars.get(&from).cloned() {
                    self.json_vars.insert((local, name), v);
                }
            }
            return;
        };
        // `res = http.request(req)`: the response of `req`.
        if c.name().as_slice() == b"request"
            && let Some(a) = call_args(&c).first()
            && let Some(r) = a.as_local_variable_read_node()
            && let Some(i) = self.http_vars.get(&(local, utf8(r.name().as_slice()))).copied()
        {
            self.http_vars.insert((local, name), i);
            return;
        }
        let (steps, base, _) = self.chain(value, false);
        // `resp = HTTParty.get(...)` holds the response, not a parsed body.
        let raw_call = steps.is_empty()
            && super::http::VERBS.contains(&String::from_utf8_lossy(c.name().as_slice()).as_ref());
        match base {
            _ if raw_call => {}
            Some(Base::Response(i, p)) => {
                let (path, _) = self.steps_path(&p, &steps);
                self.json_vars.insert((local, name), (i, path));
                return;
            }
            Some(Base::PendingResponse(at, p)) => {
                let (path, _) = self.steps_path(&p, &steps);
                self.pending_http
                    .entry(at)
                    .or_default()
                    .push(PendingHttp::JsonVar(local, name, path));
                return;
            }
            _ => {}
        }
        self.pending_http
            .entry(start(value))
            .or_default()
            .push(PendingHttp::Var(local, name));
    }

    /// `camelize: :lower` among a call's keyword arguments.
    fn camel_lower(&self, a: &Node<'pr>) -> bool {
        self.kwarg(a, "camelize")
            .and_then(|v| v.as_symbol_node().map(|s| utf8(s.unescaped())))
            .is_some_and(|s| s == "lower")
    }

    /// `resp['items'].each { |i| i['sku'] }`: the block's first parameter
    /// is an element of a response's array (`items[]`).
    fn element_block(&mut self, c: &CallNode<'pr>, name: &str, recv: Option<&Node<'pr>>) {
        if !ELEMENT_METHODS.contains(&name) {
            return;
        }
        let (Some(recv), Some(block)) = (recv, c.block().and_then(|b| b.as_block_node())) else {
            return;
        };
        let Some(param) = block
            .parameters()
            .and_then(|p| p.as_block_parameters_node())
            .and_then(|p| p.parameters())
            .and_then(|p| p.requireds().iter().next())
            .and_then(|p| p.as_required_parameter_node())
            .map(|p| utf8(p.name().as_slice()))
        else {
            return;
        };
        let local = self.top().local_id;
        let (steps, base, _) = self.chain(recv, false);
        match base {
            Some(Base::Response(i, p)) => {
                let (path, _) = self.steps_path(&p, &steps);
                self.json_vars.insert((local, param), (i, join_key(&path, "[]")));
            }
            Some(Base::PendingResponse(at, p)) => {
                let (path, _) = self.steps_path(&p, &steps);
                self.pending_http
                    .entry(at)
                    .or_default()
                    .push(PendingHttp::JsonVar(local, param, join_key(&path, "[]")));
            }
            _ => {}
        }
    }

    /// The HTTP call starting at `at` was recorded as `http_calls[idx]`.
    fn http_recorded(&mut self, at: u32, idx: u32) {
        let Some(pending) = self.pending_http.remove(&at) else {
            return;
        };
        for p in pending {
            match p {
                PendingHttp::Var(l, n) => {
                    self.http_vars.insert((l, n), idx);
                }
                PendingHttp::JsonVar(l, n, prefix) => {
                    self.json_vars.insert((l, n), (idx, prefix));
                }
                PendingHttp::Read(key, line) => self.push_key(PayloadRole::Received, key, Some(idx), line),
            }
        }
    }

    fn steps_path(&self, prefix: &str, steps: &[Step]) -> (String, Option<Vec<String>>) {
        let mut path = prefix.to_string();
        for s in steps {
            match s {
                Step::Key(k) => path = join_key(&path, k),
                Step::Permit(keys) => {
                    return (
                        path.clone(),
                        Some(keys.iter().map(|k| join_key(&path, k)).collect()),
                    );
                }
                Step::All => return (path.clone(), Some(vec![join_key(&path, "*")])),
            }
        }
        (path, None)
    }

    /// Walk down a receiver chain of `[]` / `fetch` / `dig` / `require` /
    /// `permit` / `expect` to its base. Returns the steps from the base
    /// up, the base, and the (start, end) of every chain link below the
    /// top (they are part of this chain, not chains of their own).
    fn chain(&self, top: &Node<'pr>, server: bool) -> (Vec<Step>, Option<Base>, Vec<(u32, u32)>) {
        let mut steps: Vec<Step> = Vec::new();
        let mut links = Vec::new();
        let mut cur = super::super::prism_tree::own(top);
        for depth in 0..MAX_SHAPE_DEPTH {
            let Some(c) = cur.as_call_node() else { break };
            let name = c.name();
            let name = name.as_slice();
            let args = call_args(&c);
            let Some(recv) = c.receiver() else {
                if name == b"params" && args.is_empty() && server {
                    steps.reverse();
                    return (steps, Some(Base::Params), links);
                }
                break;
            };
            if depth > 0 {
                let l = c.location();
                links.push((l.start(), l.end()));
            }
            match name {
                b"[]" | b"fetch" | b"require" | b"key?" | b"has_key?" => {
                    // `items[0]`: an element.
                    let index = name == b"[]" && args.first().is_some_and(|a| a.as_integer_node().is_some());
                    let k = if index {
                        Some("[]".to_string())
                    } else {
                        args.first().and_then(key_name)
                    };
                    let Some(k) = k else {
                        return (Vec::new(), None, links);
                    };
                    steps.push(Step::Key(k));
                }
                b"dig" => {
                    let mut ks = Vec::new();
                    for a in &args {
                        let Some(k) = key_name(a) else {
                            return (Vec::new(), None, links);
                        };
                        ks.push(k);
                    }
                    for k in ks.into_iter().rev() {
                        steps.push(Step::Key(k));
                    }
                }
                b"permit" | b"expect" if server => {
                    let mut keys = Vec::new();
                    for a in &args {
                        self.permit_spec(a, "", 0, &mut keys);
                    }
                    steps.clear();
                    steps.push(Step::Permit(keys));
                }
                b"permit!" | b"to_unsafe_h" | b"to_unsafe_hash" if server => {
                    steps.clear();
                    steps.push(Step::All);
                }
                _ => {
                    if server {
                        break;
                    }
                    // Client side: the base itself.
                    steps.reverse();
                    let base = self.response_base(&cur);
                    return (steps, base, links);
                }
            }
            cur = recv;
        }
        if server {
            return (Vec::new(), None, links);
        }
        steps.reverse();
        let base = self.response_base(&cur);
        (steps, base, links)
    }

    /// What a parsed HTTP response is, at the bottom of a chain.
    fn response_base(&self, n: &Node<'pr>) -> Option<Base> {
        let local = self.top().local_id;
        if let Some(r) = n.as_local_variable_read_node() {
            let k = (local, utf8(r.name().as_slice()));
            if let Some((i, p)) = self.json_vars.get(&k) {
                return Some(Base::Response(*i, p.clone()));
            }
            // HTTParty responses answer `[]` themselves.
            return self.http_vars.get(&k).map(|i| Base::Response(*i, String::new()));
        }
        let c = n.as_call_node()?;
        let name = c.name();
        let args = call_args(&c);
        match name.as_slice() {
            // JSON.parse(resp.body), JSON.parse(HTTParty.get(u).body)
            b"parse" | b"load" | b"decode"
                if c.receiver().is_some_and(|r| {
                    matches!(
                        self.text(&r).as_str(),
                        "JSON" | "::JSON" | "Oj" | "MultiJson" | "ActiveSupport::JSON"
                    )
                }) =>
            {
                let a = args.first()?;
                let body = a.as_call_node()?;
                if !matches!(body.name().as_slice(), b"body" | b"read_body" | b"to_s") {
                    return None;
                }
                self.http_value(&body.receiver()?)
            }
            // resp.parsed_response, resp.body (Faraday's JSON middleware)
            b"parsed_response" | b"body" => self.http_value(&c.receiver()?),
            _ => {
                // `HTTParty.get(url)['x']`: the call itself.
                if c.receiver().is_some_and(|r| is_const(&r))
                    && super::http::VERBS.contains(&String::from_utf8_lossy(name.as_slice()).as_ref())
                {
                    return Some(Base::PendingResponse(start(n), String::new()));
                }
                None
            }
        }
    }

    /// A response: a variable holding one, or an HTTP call expression.
    fn http_value(&self, n: &Node<'pr>) -> Option<Base> {
        let local = self.top().local_id;
        if let Some(r) = n.as_local_variable_read_node() {
            return self
                .http_vars
                .get(&(local, utf8(r.name().as_slice())))
                .map(|i| Base::Response(*i, String::new()));
        }
        let c = n.as_call_node()?;
        let verb = String::from_utf8_lossy(c.name().as_slice()).into_owned();
        (c.receiver().is_some() && super::http::VERBS.contains(&verb.as_str()))
            .then(|| Base::PendingResponse(start(n), String::new()))
    }

    /// The keys of a strong-params spec: `:a`, `b: [:c]`, `d: []`, `e: {}`.
    fn permit_spec(&self, n: &Node<'pr>, prefix: &str, depth: usize, out: &mut Vec<String>) {
        if depth > MAX_SHAPE_DEPTH {
            return;
        }
        if let Some(k) = n.as_symbol_node().map(|s| utf8(s.unescaped())) {
            out.push(join_key(prefix, &k));
            return;
        }
        if let Some(k) = n.as_string_node().map(|s| utf8(s.unescaped())) {
            out.push(join_key(prefix, &k));
            return;
        }
        if let Some(a) = n.as_array_node() {
            for e in a.elements().iter() {
                self.permit_spec(&e, prefix, depth + 1, out);
            }
            return;
        }
        let elements = match (n.as_keyword_hash_node(), n.as_hash_node()) {
            (Some(h), _) => h.elements(),
            (None, Some(h)) => h.elements(),
            _ => return,
        };
        for e in elements.iter() {
            let Some(a) = e.as_assoc_node() else { continue };
            let Some(k) = key_name(&a.key()) else { continue };
            let key = join_key(prefix, &k);
            let v = a.value();
            let empty = v
                .as_array_node()
                .is_some_and(|x| x.elements().iter().next().is_none())
                || v.as_hash_node()
                    .is_some_and(|x| x.elements().iter().next().is_none());
            if empty {
                out.push(key);
            } else {
                self.permit_spec(&v, &key, depth + 1, out);
            }
        }
    }

    /// Called for every call node of a full walk, after the HTTP facts:
    /// `new_call` is the `http_calls` index this node added, if any.
    pub(super) fn payload_call(
        &mut self,
        c: &CallNode<'pr>,
        name: &str,
        recv: Option<&Node<'pr>>,
        args: &[Node<'pr>],
        new_call: Option<u32>,
    ) {
        let n = c.as_node();
        let at = c.message_loc().map(|l| l.start()).unwrap_or(start(&n));
        let line = self.line(at);
        if let Some(idx) = new_call {
            self.client_call(c, args, idx, line);
        }
        self.effects_of(c, name, recv, args, line);
        if new_call.is_none() {
            self.unlisted_request(c, name, recv, args, line);
        }
        self.element_block(c, name, recv);
        let loc = n.location();
        let seen = self.chain_links.contains(&(loc.start(), loc.end()));
        // Chains: params reads (server) and response reads (client).
        if !seen
            && matches!(
                name,
                "[]" | "fetch"
                    | "dig"
                    | "require"
                    | "permit"
                    | "expect"
                    | "permit!"
                    | "key?"
                    | "has_key?"
                    | "to_unsafe_h"
            )
        {
            let in_class = self.top().owner.is_some();
            let (mut steps, mut base, mut links) = self.chain(&n, in_class);
            if base.is_none() && in_class {
                (steps, base, links) = self.chain(&n, false);
            }
            match base {
                Some(Base::Params) => {
                    self.chain_links.extend(links);
                    let (path, permitted) = self.steps_path("", &steps);
                    match permitted {
                        Some(keys) => {
                            for k in keys {
                                let k = if k == "*" || k.ends_with(".*") {
                                    k.trim_end_matches(".*").trim_end_matches('*').to_string()
                                } else {
                                    k
                                };
                                let k = if k.is_empty() { "*".to_string() } else { k };
                                self.push_key(PayloadRole::ParamRead, k, None, line);
                            }
                        }
                        None => self.push_key(PayloadRole::ParamRead, path, None, line),
                    }
                }
                Some(Base::Response(i, p)) if !steps.is_empty() => {
                    self.chain_links.extend(links);
                    let (path, _) = self.steps_path(&p, &steps);
                    self.push_key(PayloadRole::Received, path, Some(i), line);
                }
                Some(Base::PendingResponse(s, p)) if !steps.is_empty() => {
                    self.chain_links.extend(links);
                    let (path, _) = self.steps_path(&p, &steps);
                    self.pending_http
                        .entry(s)
                        .or_default()
                        .push(PendingHttp::Read(path, line));
                }
                _ => {}
            }
        }
        // The raw request body: the server reads every key itself.
        if recv.is_some_and(|r| {
            r.as_call_node()
                .is_some_and(|rc| rc.name().as_slice() == b"request" && rc.receiver().is_none())
        }) && matches!(name, "raw_post" | "body")
            && self.top().owner.is_some()
        {
            self.push_key(PayloadRole::ParamRead, "*".to_string(), None, line);
        }
        // `req.body = {...}.to_json` on a request object or in a client block.
        if matches!(name, "body=" | "set_form_data" | "form_data=")
            && let Some(r) = recv
            && let Some(v) = args.first()
        {
            let local = self.top().local_id;
            let idx = r
                .as_local_variable_read_node()
                .and_then(|v| self.http_vars.get(&(local, utf8(v.name().as_slice()))).copied())
                .or_else(|| {
                    self.http_blocks
                        .iter()
                        .rev()
                        .find(|(s, e, _)| *s <= at && at < *e)
                        .map(|(_, _, i)| *i)
                });
            if let Some(idx) = idx {
                self.sent_body(v, idx);
            }
        }
        if recv.is_none() && self.top().in_def {
            match name {
                "render" => self.render(args, line),
                "head" => self.push_ref(RenderTarget::NoBody, String::new(), line),
                "respond_with" => {
                    if let Some(a) = args.first() {
                        let t = self.value_target(a);
                        self.push_ref(t.0, t.1, line);
                    }
                }
                _ => {}
            }
        }
        // `json.x` in a view, also on a block's own `json` (`json.article
        // do |json| ... end`).
        if let Some(r) = recv
            && self.top().owner.is_none()
            && (r.as_call_node().is_some_and(|j| {
                j.name().as_slice() == b"json"
                    && j.receiver().is_none()
                    && j.arguments().is_none()
                    && j.block().is_none()
            }) || r
                .as_local_variable_read_node()
                .is_some_and(|v| v.name().as_slice() == b"json"))
        {
            if name == "key_format!" && args.iter().any(|a| self.camel_lower(a)) {
                self.b
                    .facts
                    .key_formats
                    .push(KeyFormat::JbuilderCamelLower { global: false });
            }
            self.jbuilder(c, name, args, line);
        }
        // `Jbuilder.key_format camelize: :lower` (an initializer): every
        // view of the app renders lowerCamel keys.
        if name == "key_format"
            && recv.is_some_and(|r| matches!(self.text(r).as_str(), "Jbuilder" | "::Jbuilder"))
            && args.iter().any(|a| self.camel_lower(a))
        {
            self.b
                .facts
                .key_formats
                .push(KeyFormat::JbuilderCamelLower { global: true });
        }
        // `params.deep_transform_keys!(&:underscore)` (a before_action):
        // the app reads camelCase request keys as snake_case.
        if matches!(
            name,
            "deep_transform_keys!" | "deep_transform_keys" | "transform_keys!"
        ) && recv.is_some_and(|r| self.text(r).contains("params"))
            && {
                let t = self.text(&c.as_node());
                t.contains("underscore") || t.contains("snakecase")
            }
        {
            self.b.facts.key_formats.push(KeyFormat::ParamsUnderscore);
        }
        if recv.is_none()
            && !self.top().in_def
            && let Some(owner) = self.top().owner.clone()
            && is_serializer_class(&owner)
        {
            self.serializer_macro(name, args, line);
        }
    }

    /// An HTTP client call whose URL is not a literal (`Faraday.post(url)`,
    /// `HTTParty.get(Config::URL)`): not a route's caller, but an outbound
    /// call all the same, with or without a timeout.
    fn unlisted_request(
        &mut self,
        c: &CallNode<'pr>,
        name: &str,
        recv: Option<&Node<'pr>>,
        args: &[Node<'pr>],
        line: u32,
    ) {
        let Some(r) = recv.filter(|r| is_const(r)) else {
            return;
        };
        let k = self.text(r);
        let k = k.trim_start_matches("::");
        let client = [
            "HTTParty",
            "Faraday",
            "RestClient",
            "Typhoeus",
            "HTTP",
            "Excon",
            "HTTPX",
        ]
        .contains(&k);
        let net = k == "Net::HTTP" && matches!(name, "get" | "get_response" | "post" | "post_form" | "start");
        if !(net || (client && super::http::VERBS.contains(&name))) {
            return;
        }
        if net && name == "start" && c.block().is_none() {
            return;
        }
        let timed = args.iter().any(|a| {
            ["timeout", "read_timeout", "open_timeout"]
                .iter()
                .any(|key| self.kwarg(a, key).is_some())
        });
        let url = args.first().map(|a| self.short(a)).unwrap_or_default();
        let what = format!("{} {url} ({k})", name.to_ascii_uppercase());
        self.effect(
            if timed {
                EffectKind::HttpTimed
            } else {
                EffectKind::Http
            },
            what,
            line,
        );
    }

    /// The body a client call sends, its block, and its timeout.
    fn client_call(&mut self, c: &CallNode<'pr>, args: &[Node<'pr>], idx: u32, line: u32) {
        self.http_recorded(start(&c.as_node()), idx);
        let client = self.b.facts.http_calls[idx as usize].client.clone();
        if NOT_OUTBOUND.contains(&client.as_str()) {
            return;
        }
        let timed = args.iter().any(|a| {
            ["timeout", "read_timeout", "open_timeout"]
                .iter()
                .any(|k| self.kwarg(a, k).is_some())
        });
        let what = self.b.facts.http_calls[idx as usize].clone();
        self.effect(
            if timed {
                EffectKind::HttpTimed
            } else {
                EffectKind::Http
            },
            format!("{} {} ({})", what.verb, what.url, what.client),
            line,
        );
        if let Some(b) = c.block().filter(|b| b.as_block_node().is_some()) {
            let l = b.location();
            self.http_blocks.push((l.start(), l.end(), idx));
        }
        let body = args.iter().find_map(|a| {
            self.kwarg(a, "body")
                .or_else(|| self.kwarg(a, "json"))
                .or_else(|| self.kwarg(a, "form"))
                .or_else(|| self.kwarg(a, "payload"))
        });
        let body = body.or_else(|| {
            // Faraday `conn.post(path, body, headers)`, RestClient.post(url,
            // payload), Net::HTTP.post(uri, body).
            let a = args.get(1)?;
            (a.as_keyword_hash_node().is_none() && client != "HTTParty")
                .then(|| super::super::prism_tree::own(a))
        });
        if let Some(b) = body {
            self.sent_body(&b, idx);
        }
    }

    fn sent_body(&mut self, v: &Node<'pr>, idx: u32) {
        let mut keys = Vec::new();
        let mut refs = Vec::new();
        self.shape(v, "", 0, false, &mut keys, &mut refs);
        if keys.is_empty() && !refs.is_empty() {
            let line = self.line_of(v);
            self.push_key(PayloadRole::Sent, "*".to_string(), Some(idx), line);
        }
        for (k, line) in keys {
            self.push_key(PayloadRole::Sent, k, Some(idx), line);
        }
    }

    /// Keys of a value: hash literals (nested), arrays of them, looked
    /// through `.to_json` / `JSON.generate`; anything else becomes a
    /// reference (`render`) under its prefix.
    #[allow(clippy::too_many_arguments)]
    fn shape(
        &self,
        v: &Node<'pr>,
        prefix: &str,
        depth: usize,
        render: bool,
        keys: &mut Vec<(String, u32)>,
        refs: &mut Vec<(RenderTarget, String, u32)>,
    ) {
        if depth > MAX_SHAPE_DEPTH {
            return;
        }
        let elements = match (v.as_keyword_hash_node(), v.as_hash_node()) {
            (Some(h), _) => Some(h.elements()),
            (None, Some(h)) => Some(h.elements()),
            _ => None,
        };
        if let Some(elements) = elements {
            for e in elements.iter() {
                if let Some(a) = e.as_assoc_node() {
                    let Some(k) = a
                        .key()
                        .as_symbol_node()
                        .map(|s| utf8(s.unescaped()))
                        .or_else(|| a.key().as_string_node().map(|s| utf8(s.unescaped())))
                    else {
                        continue;
                    };
                    let key = join_key(prefix, &k);
                    keys.push((key.clone(), self.line_of(&e)));
                    let val = a.value();
                    if self.nested(&val, render) {
                        self.shape(&val, &key, depth + 1, render, keys, refs);
                    }
                } else if e.as_assoc_splat_node().is_some() {
                    refs.push((
                        RenderTarget::Opaque(self.short(&e)),
                        prefix.to_string(),
                        self.line_of(&e),
                    ));
                }
            }
            return;
        }
        if let Some(a) = v.as_array_node() {
            let p = join_key(prefix, "[]");
            for e in a.elements().iter() {
                if e.as_hash_node().is_some() {
                    self.shape(&e, &p, depth + 1, render, keys, refs);
                }
            }
            return;
        }
        if let Some(c) = v.as_call_node() {
            let name = c.name();
            let args = call_args(&c);
            let recv = c.receiver();
            match name.as_slice() {
                b"to_json"
                | b"as_json"
                | b"serializable_hash"
                | b"serialize"
                | b"to_h"
                | b"deep_stringify_keys"
                | b"stringify_keys"
                | b"compact"
                | b"with_indifferent_access"
                    if recv.is_some() =>
                {
                    let Some(r) = recv else { return };
                    // `x.as_json(only: [...])` lists the keys.
                    let only = args.iter().find_map(|a| self.kwarg(a, "only"));
                    if let Some(only) = only {
                        let mut list = Vec::new();
                        self.permit_spec(&only, prefix, depth + 1, &mut list);
                        let extra = args.iter().find_map(|a| self.kwarg(a, "methods"));
                        if let Some(m) = extra {
                            self.permit_spec(&m, prefix, depth + 1, &mut list);
                        }
                        let line = self.line_of(v);
                        keys.extend(list.into_iter().map(|k| (k, line)));
                        return;
                    }
                    if r.as_hash_node().is_some() || r.as_array_node().is_some() || r.as_call_node().is_some()
                    {
                        self.shape(&r, prefix, depth + 1, render, keys, refs);
                    } else if render {
                        let (t, p) = self.value_target(&r);
                        refs.push((t, join_key(prefix, &p), self.line_of(v)));
                    } else {
                        refs.push((
                            RenderTarget::Opaque(self.short(v)),
                            prefix.to_string(),
                            self.line_of(v),
                        ));
                    }
                    return;
                }
                b"generate" | b"dump" | b"encode"
                    if recv
                        .as_ref()
                        .is_some_and(|r| matches!(self.text(r).as_str(), "JSON" | "Oj" | "MultiJson")) =>
                {
                    if let Some(a) = args.first() {
                        self.shape(a, prefix, depth + 1, render, keys, refs);
                    }
                    return;
                }
                _ => {}
            }
        }
        let (t, p) = if render {
            self.value_target(v)
        } else {
            (RenderTarget::Opaque(self.short(v)), String::new())
        };
        refs.push((t, join_key(prefix, &p), self.line_of(v)));
    }

    /// Is a hash value a shape of its own (a literal, a serialized value),
    /// rather than a leaf?
    fn nested(&self, val: &Node<'pr>, render: bool) -> bool {
        // Looks through a bounded chain of `.to_json` / `.as_json` / ...
        let mut val = super::super::prism_tree::own(val);
        for _ in 0..MAX_SHAPE_DEPTH {
            if val.as_hash_node().is_some() || val.as_array_node().is_some() {
                return true;
            }
            let Some(c) = val.as_call_node() else { return false };
            let Some(r) = c.receiver() else { return false };
            let through = matches!(
                c.name().as_slice(),
                b"to_json"
                    | b"as_json"
                    | b"serializable_hash"
                    | b"serialize"
                    | b"to_h"
                    | b"deep_stringify_keys"
                    | b"stringify_keys"
                    | b"compact"
                    | b"with_indifferent_access"
            );
            if through && call_args(&c).iter().any(|a| self.kwarg(a, "only").is_some()) {
                return true;
            }
            if through {
                val = r;
                continue;
            }
            return self.nested_leaf(&val, render);
        }
        false
    }

    /// The end of a chain `nested` looks through.
    fn nested_leaf(&self, val: &Node<'pr>, render: bool) -> bool {
        let Some(c) = val.as_call_node() else { return false };
        let Some(r) = c.receiver() else { return false };
        match c.name().as_slice() {
            b"generate" | b"dump" | b"encode" => {
                matches!(self.text(&r).as_str(), "JSON" | "Oj" | "MultiJson")
            }
            _ => render && matches!(self.value_target(val).0, RenderTarget::Class(_)),
        }
    }

    /// The serializer a rendered value goes through: `X.new(o)`,
    /// `XBlueprint.render(o)`, or by convention from its name (`@orders`:
    /// `Order`, under `[]`). Returns the target and a key suffix (`[]` for
    /// a collection).
    fn value_target(&self, v: &Node<'pr>) -> (RenderTarget, String) {
        if let Some(c) = v.as_call_node()
            && let Some(r) = c.receiver()
            && is_const(&r)
        {
            let class = self.text(&r).trim_start_matches("::").to_string();
            let name = c.name();
            if is_serializer_class(&class)
                && matches!(
                    name.as_slice(),
                    b"new" | b"render" | b"render_as_hash" | b"render_as_json" | b"serialize"
                )
            {
                return (RenderTarget::Class(class), String::new());
            }
            // `Order.find(id)`, `Order.all`, `Order.where(...)`.
            let many = matches!(
                name.as_slice(),
                b"all" | b"where" | b"order" | b"limit" | b"includes"
            );
            if matches!(
                name.as_slice(),
                b"find" | b"find_by" | b"find_by!" | b"first" | b"last" | b"create" | b"create!"
            ) || many
            {
                return (
                    RenderTarget::Conventional(class),
                    if many { "[]".to_string() } else { String::new() },
                );
            }
        }
        // `Serializer.new(o).serializable_hash` is looked through by `shape`.
        let name = if let Some(i) = v.as_instance_variable_read_node() {
            Some(utf8(i.name().as_slice()).trim_start_matches('@').to_string())
        } else {
            v.as_local_variable_read_node().map(|l| utf8(l.name().as_slice()))
        };
        match name {
            Some(n) => {
                let single = super::singular(&n);
                let many = single != n;
                (
                    RenderTarget::Conventional(camel(&single)),
                    if many { "[]".to_string() } else { String::new() },
                )
            }
            None => (RenderTarget::Opaque(self.short(v)), String::new()),
        }
    }

    /// `render json: ...`, `render :show`, `render template:`.
    fn render(&mut self, args: &[Node<'pr>], line: u32) {
        let mut explicit: Option<(String, bool)> = None;
        let mut json = None;
        for a in args {
            if let Some(s) = self.kwarg(a, "serializer").filter(is_const) {
                explicit = Some((self.text(&s).trim_start_matches("::").to_string(), false));
            }
            if let Some(s) = self.kwarg(a, "each_serializer").filter(is_const) {
                explicit = Some((self.text(&s).trim_start_matches("::").to_string(), true));
            }
            if json.is_none() {
                json = self.kwarg(a, "json");
            }
        }
        if let Some(j) = json {
            if let Some((class, each)) = explicit {
                self.push_ref(
                    RenderTarget::Class(class),
                    if each { "[]" } else { "" }.to_string(),
                    line,
                );
                return;
            }
            let mut keys = Vec::new();
            let mut refs = Vec::new();
            self.shape(&j, "", 0, true, &mut keys, &mut refs);
            for (k, l) in keys {
                self.push_key(PayloadRole::Rendered, k, None, l);
            }
            for (t, p, l) in refs {
                self.push_ref(t, p, l);
            }
            return;
        }
        let template = args.iter().find_map(|a| {
            self.symbol_or_string(a).or_else(|| {
                ["template", "action"]
                    .iter()
                    .find_map(|k| self.kwarg(a, k).and_then(|v| self.symbol_or_string(&v)))
            })
        });
        if let Some(t) = template {
            self.push_ref(RenderTarget::Template(t), String::new(), line);
            return;
        }
        if args.iter().any(|a| {
            ["plain", "html", "body", "nothing", "xml", "file", "inline"]
                .iter()
                .any(|k| self.kwarg(a, k).is_some())
        }) {
            self.push_ref(RenderTarget::NoBody, String::new(), line);
        }
    }

    /// One jbuilder statement: `json.x v`, `json.x do`, `json.extract!`,
    /// `json.array!`, `json.partial!`, `json.merge!`, `json.set!`.
    fn jbuilder(&mut self, c: &CallNode<'pr>, name: &str, args: &[Node<'pr>], line: u32) {
        let prefix = self.top().json_prefix.as_deref().unwrap_or("").to_string();
        let block = c.block().filter(|b| b.as_block_node().is_some());
        let block_at = block.as_ref().map(|b| start(b));
        let open = |w: &mut Self, p: String| {
            if let Some(b) = block_at {
                w.pending_json.insert(b, Rc::from(p.as_str()));
            }
        };
        match name {
            "extract!" | "call" => {
                for a in args.iter().skip(1) {
                    if let Some(k) = key_name(a) {
                        self.push_key(PayloadRole::Rendered, join_key(&prefix, &k), None, line);
                    }
                }
            }
            "array!" => {
                let p = join_key(&prefix, "[]");
                let partial = args
                    .iter()
                    .find_map(|a| self.kwarg(a, "partial"))
                    .and_then(|v| self.symbol_or_string(&v));
                if let Some(partial) = partial {
                    self.push_ref(RenderTarget::Partial(partial), p.clone(), line);
                }
                for a in args.iter().skip(1) {
                    if let Some(k) = key_name(a) {
                        self.push_key(PayloadRole::Rendered, join_key(&p, &k), None, line);
                    }
                }
                open(self, p);
            }
            "partial!" => {
                let partial = args.first().and_then(|a| {
                    self.symbol_or_string(a)
                        .or_else(|| self.kwarg(a, "partial").and_then(|v| self.symbol_or_string(&v)))
                });
                match partial {
                    Some(p) => self.push_ref(RenderTarget::Partial(p), prefix, line),
                    None => self.push_ref(RenderTarget::Opaque("json.partial!".to_string()), prefix, line),
                }
            }
            "merge!" => {
                if let Some(a) = args.first() {
                    let mut keys = Vec::new();
                    let mut refs = Vec::new();
                    self.shape(a, &prefix, 0, true, &mut keys, &mut refs);
                    for (k, l) in keys {
                        self.push_key(PayloadRole::Rendered, k, None, l);
                    }
                }
            }
            "set!" => {
                if let Some(k) = args.first().and_then(key_name) {
                    let key = join_key(&prefix, &k);
                    self.push_key(PayloadRole::Rendered, key.clone(), None, line);
                    let many = args.len() > 1;
                    open(self, if many { join_key(&key, "[]") } else { key });
                }
            }
            "cache!" | "cache_if!" | "cache_root!" => open(self, prefix),
            n if n.ends_with('!') || n.ends_with('=') || n.ends_with('?') => {}
            key => {
                let k = join_key(&prefix, key);
                self.push_key(PayloadRole::Rendered, k.clone(), None, line);
                // `json.items @items, :sku, :qty` / `json.items @items do |i|`:
                // a collection. `json.author article.user, partial: 'x', as:
                // :user` renders one object or a collection, as the value
                // is: a plural name is taken for a collection.
                let partial_only = args.len() == 2
                    && args[1].as_keyword_hash_node().is_some()
                    && self.kwarg(&args[1], "partial").is_some();
                let collection = if partial_only {
                    value_name(&args[0]).is_some_and(|n| {
                        n.ends_with('s') && !n.ends_with("ss") && !n.ends_with("us") && !n.ends_with("is")
                    })
                } else {
                    args.len() > 1 || (block.is_some() && !args.is_empty())
                };
                if collection {
                    let p = join_key(&k, "[]");
                    for a in args.iter().skip(1) {
                        if let Some(f) = key_name(a) {
                            self.push_key(PayloadRole::Rendered, join_key(&p, &f), None, line);
                        }
                    }
                    let partial = args
                        .iter()
                        .find_map(|a| self.kwarg(a, "partial"))
                        .and_then(|v| self.symbol_or_string(&v));
                    if let Some(partial) = partial {
                        self.push_ref(RenderTarget::Partial(partial), p.clone(), line);
                    }
                    open(self, p);
                } else {
                    if partial_only
                        && let Some(partial) = self
                            .kwarg(&args[1], "partial")
                            .and_then(|v| self.symbol_or_string(&v))
                    {
                        self.push_ref(RenderTarget::Partial(partial), k.clone(), line);
                    }
                    open(self, k);
                }
            }
        }
    }

    /// `attributes :a, :b`, `attribute :a`, `fields`, `field`, `identifier`,
    /// associations, in a serializer's class body.
    fn serializer_macro(&mut self, name: &str, args: &[Node<'pr>], line: u32) {
        match name {
            "attributes" | "fields" => {
                for a in args {
                    if let Some(k) = key_name(a) {
                        self.push_key(PayloadRole::Rendered, k, None, line);
                    }
                }
            }
            "attribute" | "field" | "identifier" | "meta" => {
                let renamed = args
                    .iter()
                    .find_map(|a| self.kwarg(a, "key").or_else(|| self.kwarg(a, "name")))
                    .and_then(|v| key_name(&v));
                if let Some(k) = renamed.or_else(|| args.first().and_then(key_name)) {
                    self.push_key(PayloadRole::Rendered, k, None, line);
                }
            }
            "has_many" | "has_one" | "belongs_to" | "many" | "one" | "association" | "nested" => {
                let Some(k) = args.first().and_then(key_name) else {
                    return;
                };
                let key = args
                    .iter()
                    .find_map(|a| self.kwarg(a, "key").or_else(|| self.kwarg(a, "name")))
                    .and_then(|v| key_name(&v))
                    .unwrap_or(k.clone());
                self.push_key(PayloadRole::Rendered, key.clone(), None, line);
                let many = matches!(name, "has_many" | "many")
                    || (name == "association" && super::singular(&k) != k);
                let prefix = if many { join_key(&key, "[]") } else { key };
                let class = args.iter().find_map(|a| {
                    ["serializer", "blueprint", "resource"]
                        .iter()
                        .find_map(|o| self.kwarg(a, o))
                        .filter(is_const)
                        .map(|v| self.text(&v).trim_start_matches("::").to_string())
                });
                let target = match class {
                    Some(c) => RenderTarget::Class(c),
                    None => RenderTarget::Conventional(camel(&super::singular(&k))),
                };
                self.push_ref(target, prefix, line);
            }
            _ => {}
        }
    }

    /// Webhook and outbound-call effects of one call.
    fn effects_of(
        &mut self,
        c: &CallNode<'pr>,
        name: &str,
        recv: Option<&Node<'pr>>,
        args: &[Node<'pr>],
        line: u32,
    ) {
        let rtext = recv.map(|r| self.short(r)).unwrap_or_default();
        let rconst = recv.is_some_and(is_const);
        let short = || format!("{}{}{name}", rtext, if rtext.is_empty() { "" } else { "." });
        match name {
            "construct_event" | "verify_header" if rtext.contains("Stripe") => {
                self.effect(EffectKind::Verify, short(), line);
            }
            "verify" | "verify!" | "verify_signature" | "valid?"
                if {
                    let l = rtext.to_ascii_lowercase();
                    l.contains("webhook") || l.contains("svix") || l.contains("signature")
                } =>
            {
                self.effect(EffectKind::Verify, short(), line);
            }
            // `client.validate_webhook!(header, body)`, `verify_signature!`:
            // a check delegated by name.
            n if (n.contains("verify") || n.contains("valid"))
                && (n.contains("webhook") || n.contains("signature") || n.contains("hmac")) =>
            {
                self.effect(EffectKind::Verify, short(), line);
            }
            // A shared secret or token checked in the request: as good as a
            // signature for the sender's identity.
            "http_basic_authenticate_with"
            | "authenticate_or_request_with_http_basic"
            | "authenticate_with_http_basic"
            | "authenticate_or_request_with_http_token"
            | "authenticate_with_http_token"
                if recv.is_none() =>
            {
                self.effect(EffectKind::Verify, short(), line);
            }
            "secure_compare"
            | "secure_compare!"
            | "fixed_length_secure_compare"
            | "variable_size_secure_compare" => {
                self.effect(EffectKind::SecureCompare, short(), line);
            }
            "==" | "!=" | "eql?" | "equal?" => {
                let both = format!(
                    "{rtext} {}",
                    args.first().map(|a| self.short(a)).unwrap_or_default()
                )
                .to_ascii_lowercase();
                if both.contains("signature") || both.contains("hmac") || both.contains("digest") {
                    let text = self.short(&c.as_node());
                    self.effect(EffectKind::PlainCompare, text, line);
                }
            }
            "default_timeout" if recv.is_none() => self.effect(EffectKind::Timeout, short(), line),
            "timeout=" | "read_timeout=" | "open_timeout=" | "write_timeout=" => {
                self.effect(EffectKind::Timeout, short(), line)
            }
            "timeout" if rtext == "HTTP" => self.effect(EffectKind::Timeout, short(), line),
            _ => {}
        }
        let verified = self
            .b
            .facts
            .effects
            .last()
            .is_some_and(|e| e.kind == EffectKind::Verify && e.line == line);
        if !verified
            && recv.is_some()
            && !matches!(name, "new" | "[]" | "headers")
            && (name.contains("webhook")
                || (rtext.to_ascii_lowercase().contains("webhook")
                    && matches!(
                        name,
                        "process"
                            | "process!"
                            | "call"
                            | "handle"
                            | "handle!"
                            | "perform"
                            | "run"
                            | "dispatch"
                    )))
            && !rtext.starts_with("request")
        {
            self.effect(EffectKind::Delegate, format!("{}.{name}", rtext), line);
        }
        if rtext == "OpenSSL::HMAC" || rtext == "::OpenSSL::HMAC" {
            self.effect(EffectKind::Hmac, short(), line);
        }
        if matches!(name, "new" | "start")
            && matches!(rtext.as_str(), "Faraday" | "Net::HTTP" | "Faraday::Connection")
            && args.iter().any(|a| {
                ["timeout", "read_timeout", "open_timeout"]
                    .iter()
                    .any(|k| self.kwarg(a, k).is_some())
                    || self.kwarg(a, "request").is_some_and(|r| {
                        ["timeout", "read_timeout", "open_timeout"]
                            .iter()
                            .any(|k| self.kwarg(&r, k).is_some())
                    })
            })
        {
            self.effect(EffectKind::Timeout, short(), line);
        }
        let not_model =
            NOT_MODELS.contains(&rtext.as_str()) || rtext.starts_with("Rails.") || rtext.starts_with("ENV");
        if recv.is_some() && !not_model && (WRITES.contains(&name) || (name == "delete" && rconst)) {
            self.effect(EffectKind::Write, short(), line);
        }
        if DEDUP_CALLS.contains(&name) {
            let keyed = args.iter().any(|a| {
                let elements = match (a.as_keyword_hash_node(), a.as_hash_node()) {
                    (Some(h), _) => h.elements(),
                    (None, Some(h)) => h.elements(),
                    _ => return false,
                };
                elements.iter().any(|e| {
                    let Some(x) = e.as_assoc_node() else { return false };
                    // Keyed by an event id, or by a value taken from one
                    // (`sendgrid_id: events.pluck(:sg_event_id)`).
                    let v = self.short(&x.value()).to_ascii_lowercase();
                    key_name(&x.key()).is_some_and(|k| is_event_id_key(&k))
                        || v.contains("event_id")
                        || v.contains("event.id")
                        || v.contains("delivery_id")
                })
            });
            if keyed {
                self.effect(EffectKind::Dedup, short(), line);
            }
        }
    }

    /// An enqueue the async walk just recorded, as an effect of this body.
    pub(super) fn enqueue_effect(&mut self, class: String, line: u32) {
        self.effect(EffectKind::Enqueue, class, line);
    }
}

/// `line_item` → `LineItem`.
fn camel(s: &str) -> String {
    s.split('_')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}
