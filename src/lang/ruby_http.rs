//! The HTTP side of Ruby calls: requests made with HTTP clients
//! (`HTTParty`, `Faraday`, `Net::HTTP`, `RestClient`, a request spec's
//! `post "/x"`), Rails path/URL helpers (`proposal_path(p)`) with the verb
//! the surrounding `link_to` / `button_to` / `form_with` / `redirect_to`
//! implies, and client base URLs (`base_uri`, `Faraday.new(url:)`).
//! Part of the one walk of `ruby.rs`: called for every call node.

use super::{Walker, utf8};
use crate::facts::{
    Authorize, BuilderField, Callback, FormSend, HttpCall, ParamRead, PathHelper, PolicyBody,
};
use ruby_prism::Node;

pub(super) const VERBS: [&str; 6] = ["get", "post", "put", "patch", "delete", "head"];

/// Receivers that are HTTP client libraries.
const CLIENTS: [&str; 7] = [
    "HTTParty",
    "Faraday",
    "RestClient",
    "Typhoeus",
    "HTTP",
    "Excon",
    "HTTPX",
];

/// Calls whose argument is a link or form target, and the verb they imply.
const LINKERS: [(&str, &str); 7] = [
    ("link_to", "GET"),
    ("link_to_if", "GET"),
    ("link_to_unless", "GET"),
    ("button_to", "POST"),
    ("form_with", "POST"),
    ("form_for", "POST"),
    ("redirect_to", "GET"),
];

/// Form builder methods that send a field named by their first argument.
const FIELD_HELPERS: [&str; 28] = [
    "text_field",
    "text_area",
    "textarea",
    "email_field",
    "password_field",
    "hidden_field",
    "number_field",
    "telephone_field",
    "phone_field",
    "url_field",
    "search_field",
    "color_field",
    "range_field",
    "date_field",
    "time_field",
    "datetime_field",
    "datetime_local_field",
    "month_field",
    "week_field",
    "file_field",
    "check_box",
    "checkbox",
    "radio_button",
    "select",
    "collection_select",
    "collection_check_boxes",
    "collection_radio_buttons",
    "rich_text_area",
];

/// Form builder variables in scope: (name, the key prefix of its fields).
type Builders = std::rc::Rc<Vec<(String, String)>>;

/// A form's fields are looked for this many nodes deep into its block.
const MAX_FORM_NODES: usize = 20_000;

/// `proposal[notes]` → `proposal.notes`.
fn bracket_key(s: &str) -> String {
    s.replace("][", ".")
        .replace('[', ".")
        .replace(']', "")
        .trim_end_matches('.')
        .to_string()
}

/// `main_app`, the application's routes seen from an engine's view or
/// controller: `main_app.locale_path(l)` is the helper `locale_path`.
fn main_app(r: &Node<'_>) -> bool {
    r.as_call_node().is_some_and(|c| {
        c.receiver().is_none()
            && c.arguments().is_none()
            && c.block().is_none()
            && c.name().as_slice() == b"main_app"
    })
}

/// `foo_path` / `foo_url` → `foo`.
fn helper_route(name: &str) -> Option<&str> {
    let stem = name.strip_suffix("_path").or_else(|| name.strip_suffix("_url"))?;
    (!stem.is_empty() && stem.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')).then_some(stem)
}

fn looks_like_url(s: &str, strict: bool) -> bool {
    if s.starts_with('/') || s.starts_with("http://") || s.starts_with("https://") || s.starts_with(':') {
        return true;
    }
    // Faraday-style relative paths (`"orders/1"`) on a client receiver.
    !strict && s.contains('/') && !s.contains(char::is_whitespace)
}

impl<'pr> Walker<'_, '_> {
    /// Look at one call for HTTP facts.
    pub(super) fn http_call(
        &mut self,
        c: &ruby_prism::CallNode<'pr>,
        name: &str,
        recv: Option<&Node<'pr>>,
        args: &[Node<'pr>],
    ) {
        let line = self.line(c.message_loc().map(|l| l.start()).unwrap_or(c.location().start()));
        let implicit = recv.is_none_or(|r| r.as_self_node().is_some());
        if let Some(r) = recv {
            self.param_read(name, r, args, line);
        }
        // `include Rails.application.routes.url_helpers`: the file's bare
        // helpers are route helpers wherever it lives;
        // `Rails.application.routes.url_helpers.x_url` is one anywhere.
        let url_helpers = |w: &Self, n: &Node<'pr>| w.short(n).ends_with("url_helpers");
        if implicit && name == "include" && args.iter().any(|a| url_helpers(self, a)) {
            self.b.facts.url_helpers = true;
        }
        if let Some(r) = recv
            && url_helpers(self, r)
            && let Some(route) = helper_route(name)
        {
            self.b.facts.url_helpers = true;
            self.b.facts.path_helpers.push(PathHelper {
                route: route.to_string(),
                verb: None,
                line,
            });
            return;
        }
        self.builder_field(name, recv, args, line);
        if (implicit || recv.is_some_and(|r| main_app(r)))
            && let Some(route) = helper_route(name)
        {
            self.b.facts.path_helpers.push(PathHelper {
                route: route.to_string(),
                verb: None,
                line,
            });
            return;
        }
        if implicit && let Some((_, default)) = LINKERS.iter().find(|(n, _)| *n == name) {
            self.linker(c, name, default, args);
            return;
        }
        if implicit {
            self.verb_of_helpers(name, args);
        }
        let skip = matches!(name, "skip_before_action" | "skip_after_action");
        if implicit
            && (skip
                || matches!(
                    name,
                    "before_action" | "prepend_before_action" | "append_before_action"
                ))
        {
            if let Some(owner) = self.top().owner.as_deref().map(str::to_string) {
                let methods: Vec<String> = args.iter().filter_map(|a| self.symbol_or_string(a)).collect();
                let list = |n: Option<Node<'pr>>| -> Option<Vec<String>> {
                    let n = n?;
                    if let Some(a) = n.as_array_node() {
                        return Some(
                            a.elements()
                                .iter()
                                .filter_map(|e| self.symbol_or_string(&e))
                                .collect(),
                        );
                    }
                    self.symbol_or_string(&n).map(|s| vec![s])
                };
                let only = args.iter().find_map(|a| list(self.kwarg(a, "only")));
                let except = args
                    .iter()
                    .find_map(|a| list(self.kwarg(a, "except")))
                    .unwrap_or_default();
                if !methods.is_empty() {
                    self.b.facts.callbacks.push(Callback {
                        owner,
                        methods,
                        only,
                        except,
                        line,
                        skip,
                    });
                }
            }
            return;
        }
        // CanCanCan's `authorize! :show, @user` / `authorize! action,
        // model_class` checks an ability (an action, then a subject), not a
        // Pundit policy (`authorize record`) or an Action Policy one
        // (`authorize! record, to: :show?`).
        let positional = args.iter().filter(|a| a.as_keyword_hash_node().is_none()).count();
        let cancan = name == "authorize!"
            && (args.first().is_some_and(|a| a.as_symbol_node().is_some()) || positional >= 2);
        if implicit && name == "skip_authorization" && args.is_empty() {
            self.b.facts.authorizes.push(Authorize {
                owner: self.top().owner.as_deref().map(str::to_string),
                scope: self.top().fn_scope,
                query: None,
                policy_class: None,
                record: None,
                line,
                skip: true,
            });
            return;
        }
        if implicit && matches!(name, "authorize" | "authorize!") && !cancan {
            self.pundit_authorize(args, line);
            return;
        }
        if implicit && name == "base_uri" {
            if let Some((url, _)) = args.first().and_then(|a| self.url_template(a)) {
                let owner = self.top().owner.as_deref().unwrap_or("").to_string();
                self.b.facts.http_bases.push((owner, url));
            }
            return;
        }
        let recv_const = recv.and_then(|r| {
            (r.as_constant_read_node().is_some() || r.as_constant_path_node().is_some())
                .then(|| self.text(r).trim_start_matches("::").to_string())
        });
        // Faraday.new(url: "...") / Faraday.new("...")
        if name == "new" && recv_const.as_deref() == Some("Faraday") {
            let url = args.iter().find_map(|a| {
                self.kwarg(a, "url")
                    .and_then(|v| self.url_template(&v))
                    .or_else(|| self.url_template(a))
            });
            if let Some((url, _)) = url {
                let owner = self.top().owner.as_deref().unwrap_or("").to_string();
                self.b.facts.http_bases.push((owner, url));
            }
            return;
        }
        // Net::HTTP::Post.new(uri)
        if name == "new"
            && let Some(k) = &recv_const
            && let Some(v) = k.strip_prefix("Net::HTTP::")
            && VERBS.contains(&v.to_ascii_lowercase().as_str())
        {
            if let Some(a) = args.first() {
                self.request(&v.to_ascii_uppercase(), a, "Net::HTTP", line);
            }
            return;
        }
        // Net::HTTP.get(URI(...)), Net::HTTP.post(URI(...), body)
        if recv_const.as_deref() == Some("Net::HTTP") {
            let verb = match name {
                "get" | "get_response" | "get_print" => "GET",
                "post" | "post_form" => "POST",
                _ => return,
            };
            if let Some(a) = args.first() {
                self.request(verb, a, "Net::HTTP", line);
            }
            return;
        }
        // RestClient::Request.execute(method: :post, url: "...")
        if name == "execute" && recv_const.as_deref() == Some("RestClient::Request") {
            let method = args.iter().find_map(|a| self.kwarg(a, "method"));
            let url = args.iter().find_map(|a| self.kwarg(a, "url"));
            if let (Some(m), Some(u)) = (method, url) {
                let verb = self.symbol_or_string(&m).map(|s| s.to_ascii_uppercase());
                self.request(verb.as_deref().unwrap_or("ANY"), &u, "RestClient", line);
            }
            return;
        }
        if !VERBS.contains(&name) {
            return;
        }
        let Some(a) = args.first() else { return };
        let client = match (&recv_const, recv) {
            (Some(k), _) if CLIENTS.contains(&k.as_str()) => k.clone(),
            (Some(_), _) => return,
            // `get "/x"` in a request spec, `self.class.get` with HTTParty.
            (None, None) => "request".to_string(),
            (None, Some(r)) if r.as_self_node().is_some() => "request".to_string(),
            (None, Some(r)) => {
                let t = self.text(r);
                if t == "self.class" {
                    "HTTParty".to_string()
                } else {
                    t
                }
            }
        };
        let strict = recv_const.is_none() && implicit;
        match self.url_template(a) {
            Some((url, prefix_var)) if prefix_var || looks_like_url(&url, strict) => {
                self.b.facts.http_calls.push(HttpCall {
                    verb: name.to_ascii_uppercase(),
                    url,
                    prefix_var,
                    client,
                    owner: self.top().owner.as_deref().map(str::to_string),
                    body_keys: Vec::new(),
                    base_elsewhere: false,
                    imported_instance: false,
                    line,
                });
            }
            _ => {}
        }
    }

    fn request(&mut self, verb: &str, url: &Node<'pr>, client: &str, line: u32) {
        if let Some((url, prefix_var)) = self.url_template(url) {
            self.b.facts.http_calls.push(HttpCall {
                verb: verb.to_string(),
                url,
                prefix_var,
                client: client.to_string(),
                owner: self.top().owner.as_deref().map(str::to_string),
                body_keys: Vec::new(),
                base_elsewhere: false,
                imported_instance: false,
                line,
            });
        }
    }

    /// Path helpers given to calls that say which verb requests them:
    /// `visit x_path` (a system test: GET), `redirect_back(fallback_location:
    /// x_path)`, `assert_redirected_to x_path`, `have_current_path(x_path)`,
    /// and `delete x_path(x)` in an integration test or request spec.
    fn verb_of_helpers(&mut self, name: &str, args: &[Node<'pr>]) {
        let verb = match name {
            "visit"
            | "redirect_back"
            | "redirect_back_or_to"
            | "assert_redirected_to"
            | "have_current_path"
            | "assert_current_path"
            | "assert_no_current_path" => "GET".to_string(),
            v if VERBS.contains(&v) => v.to_ascii_uppercase(),
            _ => return,
        };
        let mut targets: Vec<Node<'pr>> = args
            .first()
            .map(super::super::prism_tree::own)
            .into_iter()
            .collect();
        if name == "redirect_back" {
            targets.extend(args.iter().find_map(|a| self.kwarg(a, "fallback_location")));
        }
        // `cond ? template_path(t) : root_path`: both branches.
        let mut i = 0;
        while i < targets.len() && targets.len() < 8 {
            if let Some(n) = targets[i].as_if_node() {
                let branches = [
                    n.statements().and_then(|b| b.body().iter().last()),
                    n.subsequent()
                        .and_then(|e| e.as_else_node())
                        .and_then(|e| e.statements())
                        .and_then(|b| b.body().iter().last()),
                ];
                targets.extend(branches.into_iter().flatten());
            } else if let Some(p) = targets[i].as_parentheses_node()
                && let Some(b) = p.body()
            {
                targets.extend(b.as_statements_node().and_then(|b| b.body().iter().last()));
            }
            i += 1;
        }
        for t in &targets {
            self.verbed_helper(t, &verb);
        }
    }

    /// `t` is a bare path helper (`proposal_path(p)`): a request of its
    /// route with `verb`. Is it one?
    fn verbed_helper(&mut self, t: &Node<'pr>, verb: &str) -> bool {
        let Some(h) = t
            .as_call_node()
            .filter(|h| h.receiver().is_none_or(|r| main_app(&r)))
        else {
            return false;
        };
        let name = utf8(h.name().as_slice());
        let Some(route) = helper_route(&name) else {
            return false;
        };
        let line = self.line(h.location().start());
        self.b.facts.path_helpers.push(PathHelper {
            route: route.to_string(),
            verb: Some(verb.to_string()),
            line,
        });
        true
    }

    /// `link_to "x", target, method: :delete`, `button_to`, `form_with
    /// url:`, `redirect_to target`.
    fn linker(&mut self, c: &ruby_prism::CallNode<'pr>, name: &str, default: &str, args: &[Node<'pr>]) {
        let with_block = c.block().is_some_and(|b| b.as_block_node().is_some());
        let target = match name {
            "form_with" | "form_for" => args.iter().find_map(|a| self.kwarg(a, "url")),
            "redirect_to" => args.first().map(super::super::prism_tree::own),
            // `link_to_if cond, "x", target`
            "link_to_if" | "link_to_unless" => args
                .get(if with_block { 1 } else { 2 })
                .map(super::super::prism_tree::own),
            _ => args
                .get(if with_block { 0 } else { 1 })
                .map(super::super::prism_tree::own),
        };
        let verb = args
            .iter()
            .find_map(|a| {
                self.kwarg(a, "method").or_else(|| {
                    self.kwarg(a, "data").and_then(|d| {
                        self.kwarg(&d, "turbo_method")
                            .or_else(|| self.kwarg(&d, "method"))
                    })
                })
            })
            .and_then(|m| self.symbol_or_string(&m))
            .map(|s| s.to_ascii_uppercase())
            .unwrap_or_else(|| default.to_string());
        if matches!(name, "form_with" | "form_for" | "button_to") {
            self.form_send(c, name, args, target.as_ref(), &verb);
        }
        // A record, or an array of records and symbols (`link_to "x",
        // @ip_pool, method: :delete`, `[:edit, @ip_pool]`, `form_for
        // @ip_pool`, `form_with model: @ip_pool`): Rails' polymorphic route,
        // named after the records' variables. A form of a record without a
        // `method:` updates it when it is saved and creates it when new.
        let explicit = args.iter().any(|a| self.kwarg(a, "method").is_some());
        let record = match (name, &target) {
            ("form_for", None) => args.first().map(super::super::prism_tree::own),
            ("form_with", None) => args.iter().find_map(|a| self.kwarg(a, "model")),
            (_, Some(t)) => Some(super::super::prism_tree::own(t)),
            _ => None,
        };
        if let Some(r) = record
            && let Some(parts) = self.polymorphic_parts(&r)
        {
            let line = self.line(r.location().start());
            let route = parts.join("_");
            if matches!(name, "form_for" | "form_with") && !explicit {
                let mut plural = parts.clone();
                if let Some(last) = plural.last_mut() {
                    *last = crate::inflect::pluralize(last);
                }
                for (route, verb) in [(route, "PATCH"), (plural.join("_"), "POST")] {
                    self.b.facts.path_helpers.push(PathHelper {
                        route,
                        verb: Some(verb.to_string()),
                        line,
                    });
                }
            } else {
                self.b.facts.path_helpers.push(PathHelper {
                    route,
                    verb: Some(verb.clone()),
                    line,
                });
            }
        }
        let Some(t) = target else { return };
        if self.verbed_helper(&t, &verb) {
            // A form of a record with its own `url:` and no `method:`
            // (`form_with model: @origin, url: mod_origin_path(...)`)
            // updates the record when it is saved: PATCH as well as POST.
            let model = match name {
                "form_with" => args.iter().any(|a| self.kwarg(a, "model").is_some()),
                "form_for" => true,
                _ => false,
            };
            if model && !explicit && verb == "POST" {
                self.verbed_helper(&t, "PATCH");
            }
            return;
        }
        if let Some((url, prefix_var)) = self.url_template(&t)
            && (prefix_var || looks_like_url(&url, true))
        {
            let line = self.line(t.location().start());
            self.b.facts.http_calls.push(HttpCall {
                verb,
                url,
                prefix_var,
                client: name.to_string(),
                owner: self.top().owner.as_deref().map(str::to_string),
                body_keys: Vec::new(),
                base_elsewhere: false,
                imported_instance: false,
                line,
            });
        }
    }

    /// The params path a receiver chain reads (`params` → [],
    /// `params.require(:w)` → [w], `params[:a][:b]` → [a, b]); `None` when
    /// it does not start at `params`.
    fn params_path(&self, n: &Node<'pr>) -> Option<Vec<String>> {
        let mut keys = Vec::new();
        let mut cur = super::super::prism_tree::own(n);
        for _ in 0..32 {
            let c = cur.as_call_node()?;
            let name = utf8(c.name().as_slice());
            match (name.as_str(), c.receiver()) {
                ("params", None) => {
                    keys.reverse();
                    return Some(keys);
                }
                ("[]" | "fetch" | "require" | "dig", Some(r)) => {
                    let first = c.arguments().and_then(|a| a.arguments().iter().next());
                    keys.push(self.symbol_or_string(&first?)?);
                    cur = r;
                }
                ("permit" | "to_unsafe_h" | "to_h" | "permit!", Some(r)) => cur = r,
                _ => return None,
            }
        }
        None
    }

    /// `params[:x]`, `params.fetch(:x)`, `params.require(:w).permit(:a, c: [])`,
    /// `params.expect(w: [:a])`: the keys a controller reads.
    fn param_read(&mut self, name: &str, recv: &Node<'pr>, args: &[Node<'pr>], line: u32) {
        let Some(base) = self.params_path(recv) else {
            return;
        };
        let mut keys: Vec<String> = Vec::new();
        let required = match name {
            "[]" | "fetch" | "require" | "dig" => {
                // `dig("a", "b")` reads `a` and `a.b`.
                let n = if name == "dig" { args.len() } else { 1 };
                let mut p = base.clone();
                for a in args.iter().take(n) {
                    let Some(k) = self.symbol_or_string(a) else { break };
                    p.push(k);
                    keys.push(p.join("."));
                }
                name == "require" || (name == "fetch" && args.len() == 1)
            }
            "permit" | "expect" => {
                for a in args {
                    self.permitted(a, &base, 0, &mut keys);
                }
                // `expect(w: [:a])` requires `w`; its inner keys are permitted.
                if name == "expect" {
                    let roots: Vec<String> = keys
                        .iter()
                        .filter(|k| k.matches('.').count() == base.len())
                        .cloned()
                        .collect();
                    let (owner, scope) = (
                        self.top().owner.as_deref().map(str::to_string),
                        self.top().fn_scope,
                    );
                    for key in roots {
                        keys.retain(|k| *k != key);
                        self.b.facts.param_reads.push(ParamRead {
                            owner: owner.clone(),
                            scope,
                            key,
                            required: true,
                            line,
                        });
                    }
                }
                false
            }
            _ => return,
        };
        let (owner, scope) = (
            self.top().owner.as_deref().map(str::to_string),
            self.top().fn_scope,
        );
        for key in keys {
            self.b.facts.param_reads.push(ParamRead {
                owner: owner.clone(),
                scope,
                key,
                required,
                line,
            });
        }
    }

    /// The keys a `permit` / `expect` argument names under `base`.
    fn permitted(&self, n: &Node<'pr>, base: &[String], depth: usize, out: &mut Vec<String>) {
        if depth > 6 {
            return;
        }
        let join = |k: &str| {
            let mut p = base.to_vec();
            p.push(k.to_string());
            p
        };
        if let Some(k) = self.symbol_or_string(n) {
            out.push(join(&k).join("."));
        } else if let Some(a) = n.as_array_node() {
            for e in a.elements().iter() {
                self.permitted(&e, base, depth + 1, out);
            }
        } else {
            let elements = match (n.as_keyword_hash_node(), n.as_hash_node()) {
                (Some(h), _) => h.elements(),
                (None, Some(h)) => h.elements(),
                _ => return,
            };
            for e in elements.iter() {
                let Some(pair) = e.as_assoc_node() else { continue };
                let Some(k) = self.symbol_or_string(&pair.key()) else {
                    continue;
                };
                let p = join(&k);
                out.push(p.join("."));
                self.permitted(&pair.value(), &p, depth + 1, out);
            }
        }
    }

    /// The keys of a hash literal as dotted paths (values that are hashes
    /// are followed a few levels deep).
    fn sent_keys(&self, n: &Node<'pr>, prefix: &str, depth: usize, out: &mut Vec<String>) {
        let elements = match (n.as_keyword_hash_node(), n.as_hash_node()) {
            (Some(h), _) => h.elements(),
            (None, Some(h)) => h.elements(),
            _ => return,
        };
        for e in elements.iter() {
            let Some(pair) = e.as_assoc_node() else { continue };
            let Some(k) = self.symbol_or_string(&pair.key()) else {
                continue;
            };
            let path = if prefix.is_empty() {
                k
            } else {
                format!("{prefix}.{k}")
            };
            out.push(path.clone());
            if depth < 4 {
                self.sent_keys(&pair.value(), &path, depth + 1, out);
            }
        }
    }

    /// The param key of a form's model: `@proposal`, `proposal`,
    /// `[@proposal, @comment]` (the last), `Proposal.new`, `:proposal`.
    fn model_key(&self, n: &Node<'pr>) -> Option<String> {
        if let Some(v) = n.as_instance_variable_read_node() {
            return Some(utf8(v.name().as_slice()).trim_start_matches('@').to_string());
        }
        if let Some(v) = n.as_local_variable_read_node() {
            return Some(utf8(v.name().as_slice()));
        }
        if let Some(a) = n.as_array_node() {
            return a.elements().iter().last().and_then(|e| self.model_key(&e));
        }
        if let Some(c) = n.as_call_node() {
            if c.name().as_slice() == b"new"
                && let Some(r) = c.receiver()
            {
                let t = self.text(&r);
                let leaf = t.rsplit("::").next().unwrap_or(&t);
                return Some(crate::facts::name_forms(leaf).last().cloned().unwrap_or_default());
            }
            // `current_user`, `proposal` as a method call.
            if c.receiver().is_none() && c.arguments().is_none() {
                return Some(utf8(c.name().as_slice()));
            }
            return None;
        }
        self.symbol_or_string(n)
    }

    /// A form (`form_with` / `form_for` with its block) or `button_to
    /// ... params:`: where it submits and the keys it sends.
    fn form_send(
        &mut self,
        c: &ruby_prism::CallNode<'pr>,
        name: &str,
        args: &[Node<'pr>],
        target: Option<&Node<'pr>>,
        verb: &str,
    ) {
        let line = self.line(c.location().start());
        // Targets: a helper, a literal, or both branches of `cond ? a : b`.
        let mut targets: Vec<(Option<String>, Option<String>)> = Vec::new();
        if let Some(t) = target {
            let branches: Vec<Node<'pr>> = match t.as_if_node() {
                Some(i) => {
                    let mut v = Vec::new();
                    if let Some(s) = i.statements().and_then(|s| s.body().iter().last()) {
                        v.push(s);
                    }
                    if let Some(e) = i.subsequent().and_then(|e| e.as_else_node())
                        && let Some(s) = e.statements().and_then(|s| s.body().iter().last())
                    {
                        v.push(s);
                    }
                    v
                }
                None => vec![super::super::prism_tree::own(t)],
            };
            for b in &branches {
                if let Some(h) = b.as_call_node()
                    && h.receiver().is_none()
                    && let Some(r) = helper_route(&utf8(h.name().as_slice()))
                {
                    targets.push((Some(r.to_string()), None));
                } else if let Some((u, _)) = self.url_template(b) {
                    targets.push((None, Some(u)));
                }
            }
        }
        let mut keys: Vec<(String, u32)> = Vec::new();
        let mut partials = Vec::new();
        let mut model = None;
        if name == "button_to" {
            if let Some(p) = args.iter().find_map(|a| self.kwarg(a, "params")) {
                let mut out = Vec::new();
                self.sent_keys(&p, "", 0, &mut out);
                keys.extend(out.into_iter().map(|k| (k, line)));
            }
        } else {
            let model_arg = match name {
                "form_for" => args
                    .first()
                    .filter(|a| a.as_keyword_hash_node().is_none())
                    .map(super::super::prism_tree::own),
                _ => args.iter().find_map(|a| self.kwarg(a, "model")),
            };
            let model_key = model_arg.as_ref().and_then(|m| self.model_key(m));
            // `Comment.new` and `:comment` name the param key; `@edit_user`
            // holds a model whose class (and key) is unknown here: `*`.
            let exact = model_arg.as_ref().is_some_and(|m| {
                let last = m
                    .as_array_node()
                    .and_then(|a| a.elements().iter().last())
                    .unwrap_or_else(|| super::super::prism_tree::own(m));
                self.symbol_or_string(&last).is_some()
                    || last.as_call_node().is_some_and(|c| c.name().as_slice() == b"new")
            });
            let scope = args
                .iter()
                .find_map(|a| self.kwarg(a, "scope").or_else(|| self.kwarg(a, "as")))
                .and_then(|s| self.symbol_or_string(&s))
                .or_else(|| {
                    model_key
                        .as_ref()
                        .map(|k| if exact { k.clone() } else { "*".to_string() })
                });
            // No readable `url:`: the model's create or update.
            if targets.is_empty() {
                model = model_key;
            }
            if let Some(b) = c.block().and_then(|b| b.as_block_node()) {
                self.form_fields(&b, scope.unwrap_or_default(), &mut keys, &mut partials);
            }
        }
        if targets.is_empty() {
            if keys.is_empty() && model.is_none() {
                return;
            }
            targets.push((None, None));
        }
        for (route, url) in targets {
            self.b.facts.form_sends.push(FormSend {
                route,
                url,
                model: model.clone(),
                verb: verb.to_string(),
                keys: keys.clone(),
                partials: partials.clone(),
                line,
            });
        }
    }

    /// `f.text_field :title` where `f` is no local of this template (a
    /// partial's local given by the form that renders it).
    fn builder_field(&mut self, name: &str, recv: Option<&Node<'pr>>, args: &[Node<'pr>], line: u32) {
        // `text_area_tag :comment` anywhere in a template: sent by the form
        // that renders it (builder "").
        let Some(recv) = recv else {
            if let Some(stem) = name.strip_suffix("_tag")
                && (FIELD_HELPERS.contains(&stem) || stem == "select")
                && let Some(k) = args.first().and_then(|a| self.symbol_or_string(a))
            {
                self.b.facts.builder_fields.push(BuilderField {
                    builder: String::new(),
                    key: bracket_key(&k),
                    line,
                });
            }
            return;
        };
        let Some(r) = recv.as_call_node() else { return };
        if r.receiver().is_some() || r.arguments().is_some() || r.block().is_some() {
            return;
        }
        let key = if FIELD_HELPERS.contains(&name) {
            args.first().and_then(|a| self.symbol_or_string(a))
        } else if matches!(name, "submit" | "button") {
            Some(format!(
                "submit:{}",
                args.iter()
                    .find_map(|a| self.kwarg(a, "name"))
                    .and_then(|n| self.symbol_or_string(&n))
                    .unwrap_or_else(|| "commit".to_string())
            ))
        } else {
            None
        };
        if let Some(key) = key {
            self.b.facts.builder_fields.push(BuilderField {
                builder: utf8(r.name().as_slice()),
                key,
                line,
            });
        }
    }

    /// The fields of a form block: `f.text_field :x` (under the form's
    /// scope), `f.fields_for :assoc do |g|` (nested), `*_field_tag :x`.
    fn form_fields(
        &self,
        block: &ruby_prism::BlockNode<'pr>,
        scope: String,
        out: &mut Vec<(String, u32)>,
        partials: &mut Vec<(String, String, String)>,
    ) {
        let Some(param) = super::first_block_param(block) else {
            return;
        };
        let under = |prefix: &str, k: &str| {
            if prefix.is_empty() {
                bracket_key(k)
            } else {
                format!("{prefix}.{}", bracket_key(k))
            }
        };
        // (node, builder variables in scope: (name, prefix))
        let mut stack: Vec<(Node<'pr>, Builders)> = Vec::new();
        let env = std::rc::Rc::new(vec![(param, scope)]);
        if let Some(body) = block.body() {
            stack.push((body, env));
        }
        let mut seen = 0;
        let mut kids = Vec::new();
        while let Some((n, env)) = stack.pop() {
            seen += 1;
            if seen > MAX_FORM_NODES {
                break;
            }
            let mut child_env = env.clone();
            if let Some(c) = n.as_call_node() {
                let name = utf8(c.name().as_slice());
                let first = c.arguments().and_then(|a| a.arguments().iter().next());
                let key = first.as_ref().and_then(|a| self.symbol_or_string(a));
                let builder = c
                    .receiver()
                    .and_then(|r| r.as_local_variable_read_node().map(|v| utf8(v.name().as_slice())))
                    .and_then(|v| env.iter().rev().find(|(n, _)| *n == v).map(|(_, p)| p.clone()));
                let line = self.line(c.location().start());
                // The submit button's name (`commit` unless `name:` says).
                let submit_name = || {
                    c.arguments()
                        .and_then(|a| a.arguments().iter().find_map(|a| self.kwarg(&a, "name")))
                        .and_then(|n| self.symbol_or_string(&n))
                        .unwrap_or_else(|| "commit".to_string())
                };
                if name == "render" && c.receiver().is_none() {
                    // render "x/form", f: f / render partial: "x/form", locals: { f: f }
                    let args: Vec<Node<'pr>> = c
                        .arguments()
                        .map(|a| a.arguments().iter().collect())
                        .unwrap_or_default();
                    let partial = args
                        .iter()
                        .find_map(|a| self.kwarg(a, "partial"))
                        .and_then(|p| self.symbol_or_string(&p))
                        .or_else(|| args.first().and_then(|a| self.symbol_or_string(a)));
                    let locals: Vec<Node<'pr>> = args
                        .iter()
                        .map(|a| {
                            self.kwarg(a, "locals")
                                .unwrap_or_else(|| super::super::prism_tree::own(a))
                        })
                        .collect();
                    if let Some(partial) = partial {
                        for l in &locals {
                            let elements = match (l.as_keyword_hash_node(), l.as_hash_node()) {
                                (Some(h), _) => h.elements(),
                                (None, Some(h)) => h.elements(),
                                _ => continue,
                            };
                            for e in elements.iter() {
                                let Some(pair) = e.as_assoc_node() else { continue };
                                let Some(local) = self.symbol_or_string(&pair.key()) else {
                                    continue;
                                };
                                let value = pair.value();
                                let Some(v) = value.as_local_variable_read_node() else {
                                    continue;
                                };
                                let v = utf8(v.name().as_slice());
                                if let Some((_, prefix)) = env.iter().rev().find(|(n, _)| *n == v) {
                                    partials.push((partial.clone(), local, prefix.clone()));
                                }
                            }
                        }
                    }
                }
                // `f.hidden_field :code, name: :invitation_code`: the name wins.
                let named = c
                    .arguments()
                    .and_then(|a| a.arguments().iter().find_map(|a| self.kwarg(&a, "name")))
                    .and_then(|n| self.symbol_or_string(&n));
                match (builder, key) {
                    (Some(prefix), Some(k)) if FIELD_HELPERS.contains(&name.as_str()) => match named {
                        Some(n) => out.push((bracket_key(&n), line)),
                        None => out.push((under(&prefix, &k), line)),
                    },
                    (Some(_), _) if matches!(name.as_str(), "submit" | "button") => {
                        out.push((format!("submit:{}", submit_name()), line));
                    }
                    (None, _) if c.receiver().is_none() && name == "submit_tag" => {
                        out.push((format!("submit:{}", submit_name()), line));
                    }
                    (Some(prefix), Some(k)) if name == "fields_for" => {
                        if let Some(b) = c.block().and_then(|b| b.as_block_node())
                            && let Some(p) = super::first_block_param(&b)
                        {
                            let mut e = (*env).clone();
                            e.push((p, under(&prefix, &k)));
                            child_env = std::rc::Rc::new(e);
                        }
                    }
                    (None, Some(k))
                        if c.receiver().is_none() && name.ends_with("_tag") && name != "form_tag" =>
                    {
                        let stem = &name[..name.len() - 4];
                        if FIELD_HELPERS.contains(&stem) || stem == "select" {
                            out.push((bracket_key(&k), line));
                        }
                    }
                    _ => {}
                }
            }
            kids.clear();
            super::super::prism_tree::children(&n, &mut kids);
            for k in kids.drain(..).rev() {
                stack.push((k, child_env.clone()));
            }
        }
    }

    /// A policy query method's body as a token hash (identifiers,
    /// literals and punctuation; whitespace and `#` comments dropped).
    /// `super(:dropbox_files)` in a controller's own `def authorize` (run
    /// as `before_action :authorize`) is Pundit's `authorize` with those
    /// arguments.
    pub(super) fn super_authorize(&mut self, n: &Node<'pr>) {
        let Some(sup) = n.as_super_node() else { return };
        let in_authorize = self
            .top()
            .fn_scope
            .and_then(|s| self.b.facts.scopes.get(s as usize))
            .is_some_and(|s| s.name == "authorize");
        if !in_authorize || self.top().owner.is_none() {
            return;
        }
        let args: Vec<Node<'pr>> = sup
            .arguments()
            .map(|a| a.arguments().iter().collect())
            .unwrap_or_default();
        if args.first().is_some_and(|a| a.as_keyword_hash_node().is_none()) {
            let line = self.line_of(n);
            self.pundit_authorize(&args, line);
        }
    }

    /// Pundit's `authorize record, :query?, policy_class: P` with these
    /// arguments, in the current method.
    fn pundit_authorize(&mut self, args: &[Node<'pr>], line: u32) {
        let query = args.get(1).and_then(|a| self.symbol_or_string(a));
        let policy_class = args
            .iter()
            .find_map(|a| self.kwarg(a, "policy_class"))
            .map(|p| self.text(&p).trim_start_matches("::").to_string());
        let record = args
            .first()
            .filter(|a| a.as_keyword_hash_node().is_none())
            .map(|a| self.text(a).to_string());
        self.b.facts.authorizes.push(Authorize {
            owner: self.top().owner.as_deref().map(str::to_string),
            scope: self.top().fn_scope,
            query,
            policy_class,
            record,
            line,
            skip: false,
        });
    }

    pub(super) fn policy_body(&mut self, owner: &str, name: &str, body: &Node<'_>, line: u32) {
        use std::hash::{Hash, Hasher};
        let l = body.location();
        let text = utf8(self.src.get(l.start() as usize..l.end() as usize).unwrap_or(&[]));
        let mut h = std::collections::hash_map::DefaultHasher::new();
        let mut tokens = 0u32;
        for line in text.lines() {
            let code = line.split(" #").next().unwrap_or(line);
            if code.trim_start().starts_with('#') {
                continue;
            }
            let mut word = String::new();
            for c in code.chars() {
                if c.is_alphanumeric() || c == '_' || c == '@' || c == '?' || c == '!' {
                    word.push(c);
                    continue;
                }
                if !word.is_empty() {
                    word.hash(&mut h);
                    tokens += 1;
                    word.clear();
                }
                if !c.is_whitespace() {
                    c.hash(&mut h);
                    tokens += 1;
                }
            }
            if !word.is_empty() {
                word.hash(&mut h);
                tokens += 1;
            }
        }
        self.b.facts.policy_bodies.push(PolicyBody {
            owner: owner.to_string(),
            name: name.to_string(),
            hash: h.finish(),
            tokens,
            line,
        });
    }

    pub(super) fn symbol_or_string(&self, n: &Node<'_>) -> Option<String> {
        n.as_symbol_node()
            .map(|s| utf8(s.unescaped()))
            .or_else(|| n.as_string_node().map(|s| utf8(s.unescaped())))
    }

    /// The route name parts of a polymorphic target: a record variable
    /// (`@ip_pool`, `ip_pool`) or an array of them and symbols (`[:edit,
    /// :admin, @order]` → `edit`, `admin`, `order`); `None` for anything
    /// else (a path helper, a string, a call with arguments).
    fn polymorphic_parts(&self, n: &Node<'pr>) -> Option<Vec<String>> {
        let record = |n: &Node<'pr>| -> Option<String> {
            if let Some(v) = n.as_instance_variable_read_node() {
                return Some(utf8(v.name().as_slice()).trim_start_matches('@').to_string());
            }
            if let Some(v) = n.as_local_variable_read_node() {
                return Some(utf8(v.name().as_slice()));
            }
            // A bare method that returns a record (`organization`, a
            // controller's helper method).
            if let Some(c) = n.as_call_node()
                && c.receiver().is_none()
                && c.arguments().is_none()
                && c.block().is_none()
            {
                let name = utf8(c.name().as_slice());
                return name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
                    .then_some(name);
            }
            None
        };
        if let Some(a) = n.as_array_node() {
            let mut parts = Vec::new();
            let mut records = 0;
            for e in a.elements().iter() {
                if let Some(s) = e.as_symbol_node() {
                    parts.push(utf8(s.unescaped()));
                } else if let Some(r) = record(&e) {
                    records += 1;
                    parts.push(r);
                } else {
                    return None;
                }
            }
            return (records > 0).then_some(parts);
        }
        record(n).map(|r| vec![r])
    }

    /// The value of `key:` in a hash or keyword-hash node.
    pub(super) fn kwarg(&self, n: &Node<'pr>, key: &str) -> Option<Node<'pr>> {
        let elements = if let Some(h) = n.as_keyword_hash_node() {
            h.elements()
        } else if let Some(h) = n.as_hash_node() {
            h.elements()
        } else {
            return None;
        };
        elements.iter().find_map(|e| {
            let a = e.as_assoc_node()?;
            let k = a.key();
            let s = k.as_symbol_node()?;
            (s.unescaped() == key.as_bytes()).then(|| a.value())
        })
    }

    /// A URL as written: literal text, each interpolation as `:param`; a
    /// leading interpolation or `x + "..."` is a prefix held elsewhere,
    /// dropped (the bool says so). `URI("...")` and `URI.parse` are looked
    /// through.
    fn url_template(&self, n: &Node<'_>) -> Option<(String, bool)> {
        if let Some(s) = n.as_string_node() {
            return Some((utf8(s.unescaped()), false));
        }
        if let Some(s) = n.as_interpolated_string_node() {
            let mut out = String::new();
            let mut prefix_var = false;
            for (i, p) in s.parts().iter().enumerate() {
                if let Some(t) = p.as_string_node() {
                    out.push_str(&utf8(t.unescaped()));
                } else if i == 0 {
                    prefix_var = true;
                } else {
                    out.push_str(":param");
                }
            }
            return Some((out, prefix_var));
        }
        let c = n.as_call_node()?;
        let name = c.name();
        let args: Vec<Node<'_>> = c
            .arguments()
            .map(|a| a.arguments().iter().collect())
            .unwrap_or_default();
        match name.as_slice() {
            b"URI" if c.receiver().is_none() => self.url_template(args.first()?),
            b"parse" if c.receiver().is_some_and(|r| self.text(&r) == "URI") => {
                self.url_template(args.first()?)
            }
            b"join" if c.receiver().is_some_and(|r| self.text(&r) == "URI") => {
                self.url_template(args.last()?).map(|(u, _)| (u, true))
            }
            b"+" => {
                let (u, _) = self.url_template(args.first()?)?;
                let literal_left = c.receiver().is_some_and(|r| r.as_string_node().is_some());
                if literal_left {
                    let (l, p) = self.url_template(&c.receiver()?)?;
                    Some((format!("{l}{u}"), p))
                } else {
                    Some((u, true))
                }
            }
            _ => None,
        }
    }
}
