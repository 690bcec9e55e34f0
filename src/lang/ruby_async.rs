//! The Ruby visitor's async and config boundary facts: jobs enqueued and
//! their queues, method parameter lists, events emitted and subscribed to,
//! and feature flags checked or defined. Like the rest of the visitor these
//! are plan-independent facts of the file's one parse.

use super::{Walker, literal_name, start, utf8};
use crate::facts::{
    ArgShape, Enqueue, EventRole, EventUse, FlagRole, FlagUse, JobArg, Params, QueueDecl, Sig,
};
use ruby_prism::{CallNode, Node};

/// Class methods that hand a job to its queue (or run it: `perform_now`).
const ENQUEUE: [&str; 8] = [
    "perform_later",
    "perform_now",
    "perform_async",
    "perform_in",
    "perform_at",
    "perform_bulk",
    "perform_inline",
    "perform_sync",
];

/// `Mailer.m(...).deliver_later` and friends.
const DELIVER: [&str; 4] = ["deliver_later", "deliver_later!", "deliver_now", "deliver_now!"];

/// Flipper / Feature methods that create a flag or turn it on.
const FLAG_DEFINE: [&str; 7] = [
    "enable",
    "add",
    "enable_actor",
    "enable_group",
    "enable_percentage_of_actors",
    "enable_percentage_of_time",
    "enable_expression",
];

const FLAG_CHECK: [&str; 2] = ["enabled?", "disabled?"];

/// Calls whose result is a time, not a JSON value.
const TIME_CALLS: [&str; 6] = ["ago", "from_now", "since", "until", "yesterday", "tomorrow"];

/// Calls that turn a value into a JSON-native one.
const TO_JSON: [&str; 7] = ["id", "to_s", "to_i", "to_f", "to_json", "to_param", "iso8601"];

/// Class methods that return a record.
const FINDERS: [&str; 10] = [
    "new",
    "find",
    "find_by",
    "find_by!",
    "create",
    "create!",
    "first",
    "last",
    "take",
    "find_or_create_by",
];

fn is_const(n: &Node<'_>) -> bool {
    n.as_constant_read_node().is_some() || n.as_constant_path_node().is_some()
}

fn keyword_name(bytes: &[u8]) -> String {
    utf8(bytes).trim_end_matches(':').to_string()
}

impl<'pr> Walker<'_, '_> {
    /// A constant's text without a leading `::`.
    fn const_text(&self, n: &Node<'_>) -> String {
        self.text(n).trim_start_matches("::").to_string()
    }

    /// Record a `def`'s parameter list.
    pub(super) fn signature(
        &mut self,
        d: &ruby_prism::DefNode<'pr>,
        owner: Option<String>,
        singleton: bool,
        line: u32,
    ) {
        let mut p = Params::default();
        if let Some(ps) = d.parameters() {
            p.required = (ps.requireds().iter().count() + ps.posts().iter().count()) as u32;
            p.optional = ps.optionals().iter().count() as u32;
            p.rest = ps.rest().is_some_and(|r| r.as_rest_parameter_node().is_some());
            for k in ps.keywords().iter() {
                if let Some(r) = k.as_required_keyword_parameter_node() {
                    p.required_kw.push(keyword_name(r.name().as_slice()));
                } else if let Some(o) = k.as_optional_keyword_parameter_node() {
                    p.optional_kw.push(keyword_name(o.name().as_slice()));
                }
            }
            match ps.keyword_rest() {
                Some(k) if k.as_forwarding_parameter_node().is_some() => {
                    p.rest = true;
                    p.kwrest = true;
                }
                Some(k) if k.as_keyword_rest_parameter_node().is_some() => p.kwrest = true,
                _ => {}
            }
        }
        self.b.facts.sigs.push(Sig {
            owner,
            name: utf8(d.name().as_slice()),
            singleton,
            params: p,
            line,
        });
    }

    /// The shape of one argument value.
    fn arg_shape(&self, n: &Node<'_>, depth: usize) -> ArgShape {
        if depth > 8 {
            return ArgShape::Unknown;
        }
        match n {
            Node::StringNode { .. }
            | Node::InterpolatedStringNode { .. }
            | Node::IntegerNode { .. }
            | Node::FloatNode { .. }
            | Node::NilNode { .. }
            | Node::TrueNode { .. }
            | Node::FalseNode { .. } => ArgShape::Json,
            Node::SymbolNode { .. } | Node::InterpolatedSymbolNode { .. } => ArgShape::Symbol,
            Node::ArrayNode { .. } => {
                let Some(a) = n.as_array_node() else {
                    return ArgShape::Unknown;
                };
                let mut worst = ArgShape::Json;
                for e in a.elements().iter() {
                    let s = self.arg_shape(&e, depth + 1);
                    if s != ArgShape::Json && (worst == ArgShape::Json || s != ArgShape::Unknown) {
                        worst = s;
                    }
                }
                worst
            }
            Node::HashNode { .. } | Node::KeywordHashNode { .. } => {
                let elements = match (n.as_hash_node(), n.as_keyword_hash_node()) {
                    (Some(h), _) => h.elements(),
                    (_, Some(h)) => h.elements(),
                    _ => return ArgShape::Unknown,
                };
                let mut worst = ArgShape::Json;
                for e in elements.iter() {
                    let Some(pair) = e.as_assoc_node() else {
                        return ArgShape::Unknown;
                    };
                    if pair.key().as_symbol_node().is_some() {
                        return ArgShape::Symbol;
                    }
                    let s = self.arg_shape(&pair.value(), depth + 1);
                    if s != ArgShape::Json && (worst == ArgShape::Json || s != ArgShape::Unknown) {
                        worst = s;
                    }
                }
                worst
            }
            Node::CallNode { .. } => {
                let Some(c) = n.as_call_node() else {
                    return ArgShape::Unknown;
                };
                let name = utf8(c.name().as_slice());
                if TO_JSON.contains(&name.as_str()) {
                    return ArgShape::Json;
                }
                if TIME_CALLS.contains(&name.as_str()) {
                    return ArgShape::Time;
                }
                let Some(r) = c.receiver() else {
                    return ArgShape::Unknown;
                };
                if is_const(&r) {
                    let k = self.const_text(&r);
                    if matches!(k.as_str(), "Time" | "Date" | "DateTime")
                        && matches!(
                            name.as_str(),
                            "now" | "current" | "today" | "parse" | "at" | "new"
                        )
                    {
                        return ArgShape::Time;
                    }
                    if FINDERS.contains(&name.as_str()) {
                        return ArgShape::Object;
                    }
                }
                // Time.zone.now
                if let Some(inner) = r.as_call_node()
                    && inner.name().as_slice() == b"zone"
                    && matches!(name.as_str(), "now" | "today" | "parse" | "at")
                {
                    return ArgShape::Time;
                }
                ArgShape::Unknown
            }
            Node::LocalVariableReadNode { .. } => {
                if let crate::facts::Recv::Const(_) = self.receiver(n) {
                    ArgShape::Object
                } else {
                    ArgShape::Unknown
                }
            }
            _ => ArgShape::Unknown,
        }
    }

    /// Positional arguments and keyword names of an argument list; `None`
    /// for the positional list when a splat or `...` hides the count.
    fn job_args(&self, args: &[Node<'pr>]) -> (Option<Vec<JobArg>>, Vec<String>) {
        let mut out = Vec::new();
        let mut keywords = Vec::new();
        let mut known = true;
        for (i, a) in args.iter().enumerate() {
            if a.as_splat_node().is_some() || a.as_forwarding_arguments_node().is_some() {
                known = false;
                continue;
            }
            // `k: v` at the end are keywords; `'k' => v` is a positional hash.
            if i + 1 == args.len()
                && let Some(h) = a.as_keyword_hash_node()
                && h.elements().iter().all(|e| {
                    e.as_assoc_node()
                        .is_none_or(|p| p.key().as_symbol_node().is_some())
                })
            {
                for e in h.elements().iter() {
                    match e.as_assoc_node().and_then(|p| literal_name(&p.key())) {
                        Some(k) => keywords.push(k),
                        None => known = false,
                    }
                }
                continue;
            }
            out.push(JobArg {
                shape: self.arg_shape(a, 0),
                text: self.short(a),
            });
        }
        (known.then_some(out), keywords)
    }

    /// `queue: :x` (or `'queue' => 'x'`) in a keyword hash argument.
    fn queue_option(&self, args: &[Node<'pr>]) -> Option<Option<String>> {
        for a in args {
            let elements = match (a.as_keyword_hash_node(), a.as_hash_node()) {
                (Some(h), _) => h.elements(),
                (_, Some(h)) => h.elements(),
                _ => continue,
            };
            for e in elements.iter() {
                if let Some(p) = e.as_assoc_node()
                    && literal_name(&p.key()).as_deref() == Some("queue")
                {
                    let v = p.value();
                    let q = (v.as_symbol_node().is_some() || v.as_string_node().is_some())
                        .then(|| literal_name(&v))
                        .flatten();
                    return Some(q);
                }
            }
        }
        None
    }

    fn enqueue(
        &mut self,
        class: String,
        method: &str,
        args: &[Node<'pr>],
        queue: Option<String>,
        mailer: Option<String>,
        at: u32,
    ) {
        let (mut positional, keywords) = self.job_args(args);
        if method == "perform_in" || method == "perform_at" {
            positional = positional.map(|mut v| {
                if !v.is_empty() {
                    v.remove(0);
                }
                v
            });
        }
        if method == "perform_bulk" {
            positional = None;
        }
        let scope = self.top().owner.as_deref().unwrap_or("").to_string();
        let line = self.line(at);
        self.b.facts.enqueues.push(Enqueue {
            class,
            scope,
            method: method.to_string(),
            args: positional,
            keywords,
            queue,
            mailer_method: mailer,
            line,
        });
    }

    /// The class a producer's receiver names: `X`, `X.set(...)` (any number
    /// of them, walked iteratively), `self`, `self.class`; with the queue
    /// the outermost `set(queue:)` chose.
    fn job_receiver(&self, r: &Node<'pr>) -> Option<(String, Option<String>)> {
        let owner = || self.top().owner.as_deref().map(str::to_string);
        let mut queue: Option<String> = None;
        let mut cur: Option<Node<'pr>> = None;
        loop {
            let n = cur.as_ref().unwrap_or(r);
            if is_const(n) {
                return Some((self.const_text(n), queue));
            }
            if n.as_self_node().is_some() {
                return owner().map(|o| (o, queue));
            }
            let c = n.as_call_node()?;
            let inner = c.receiver()?;
            match c.name().as_slice() {
                b"set" => {
                    if queue.is_none() {
                        let args: Vec<Node<'pr>> = c
                            .arguments()
                            .map(|a| a.arguments().iter().collect())
                            .unwrap_or_default();
                        queue = self.queue_option(&args).flatten();
                    }
                    cur = Some(inner);
                }
                b"class" if inner.as_self_node().is_some() => return owner().map(|o| (o, queue)),
                _ => return None,
            }
        }
    }

    /// A constant used as a value (not a receiver, not a declaration).
    pub(super) fn const_value(&mut self, n: &Node<'pr>) {
        if is_const(n) {
            let name = self.const_text(n);
            let line = self.line_of(n);
            self.b.facts.const_values.push((name, line));
        }
    }

    /// `def mail_job = Workers::Mail::Liked` / a body that is one constant.
    pub(super) fn const_body(&mut self, d: &ruby_prism::DefNode<'pr>) {
        let Some(body) = d.body() else { return };
        if is_const(&body) {
            self.const_value(&body);
        } else if let Some(st) = body.as_statements_node() {
            let items: Vec<Node<'pr>> = st.body().iter().collect();
            if let [only] = items.as_slice() {
                self.const_value(only);
            }
        }
    }

    /// Jobs, events and flags in one call (`call_node` calls this for
    /// every call).
    pub(super) fn async_call(
        &mut self,
        c: &CallNode<'pr>,
        name: &str,
        recv: Option<&Node<'pr>>,
        args: &[Node<'pr>],
    ) {
        for a in args {
            self.const_value(a);
        }
        let at = c.message_loc().map(|l| l.start()).unwrap_or(c.location().start());
        match recv {
            Some(r) => self.async_method(c, name, r, args, at),
            None => self.async_bare(c, name, args, at),
        }
    }

    fn async_method(&mut self, c: &CallNode<'pr>, name: &str, r: &Node<'pr>, args: &[Node<'pr>], at: u32) {
        // The queue mail goes to: `self.deliver_later_queue_name = :x` in
        // a mailer, `config.action_mailer.deliver_later_queue_name = :x`.
        if name == "deliver_later_queue_name=" {
            let owner = if r.as_self_node().is_some() && !self.top().in_def {
                self.top().owner.as_deref().map(str::to_string)
            } else if r
                .as_call_node()
                .is_some_and(|a| a.name().as_slice() == b"action_mailer")
            {
                Some(crate::facts::ACTION_MAILER.to_string())
            } else {
                None
            };
            if let Some(owner) = owner {
                let queue = args.first().and_then(|v| {
                    (v.as_symbol_node().is_some() || v.as_string_node().is_some())
                        .then(|| literal_name(v))
                        .flatten()
                });
                let line = self.line(at);
                self.b.facts.queue_decls.push(QueueDecl { owner, queue, line });
            }
            return;
        }
        // `config.load_defaults 7.1`: decides ActionMailer's default queue.
        if name == "load_defaults"
            && let Some(v) = args.first()
            && (v.as_float_node().is_some() || v.as_integer_node().is_some() || v.as_string_node().is_some())
        {
            let text = utf8(v.location().as_slice());
            let version = text.trim_matches(|c| c == '"' || c == '\'').to_string();
            let line = self.line(at);
            self.b.facts.queue_decls.push(QueueDecl {
                owner: crate::facts::RAILS_DEFAULTS.to_string(),
                queue: Some(version),
                line,
            });
            return;
        }
        if ENQUEUE.contains(&name) {
            if let Some((class, queue)) = self.job_receiver(r) {
                self.enqueue(class, name, args, queue, None, at);
            }
            return;
        }
        // `X.new(a).enqueue(wait: 1)` / `job = X.new(a); job.enqueue` and
        // `X.new.perform(a)` (run inline).
        if matches!(name, "enqueue" | "perform") {
            let built = r
                .as_call_node()
                .filter(|n| n.name().as_slice() == b"new")
                .and_then(|n| n.receiver().filter(is_const).map(|k| (self.const_text(&k), n)));
            match (built, name) {
                (Some((class, n)), "enqueue") => {
                    let nargs: Vec<Node<'pr>> = n
                        .arguments()
                        .map(|a| a.arguments().iter().collect())
                        .unwrap_or_default();
                    self.enqueue(class, name, &nargs, None, None, at);
                }
                (Some((class, _)), _) => self.enqueue(class, name, args, None, None, at),
                (None, "enqueue") if r.as_local_variable_read_node().is_some() => {
                    if let crate::facts::Recv::Const(class) = self.receiver(r) {
                        self.enqueue(class.to_string(), name, &[], None, None, at);
                        if let Some(e) = self.b.facts.enqueues.last_mut() {
                            e.args = None;
                        }
                    }
                }
                _ => {}
            }
            return;
        }
        if DELIVER.contains(&name) {
            // Mailer.m(a).deliver_later / Mailer.with(p).m(a).deliver_later
            if let Some(m) = r.as_call_node()
                && let Some(mr) = m.receiver()
            {
                let mailer = if is_const(&mr) {
                    Some(self.const_text(&mr))
                } else {
                    mr.as_call_node()
                        .filter(|w| w.name().as_slice() == b"with")
                        .and_then(|w| w.receiver())
                        .filter(is_const)
                        .map(|k| self.const_text(&k))
                };
                if let Some(mailer) = mailer {
                    let margs: Vec<Node<'pr>> = m
                        .arguments()
                        .map(|a| a.arguments().iter().collect())
                        .unwrap_or_default();
                    let method = utf8(m.name().as_slice());
                    // `deliver_later(queue: :x)` picks the queue.
                    let queue = if name.starts_with("deliver_later") {
                        self.queue_option(args).flatten()
                    } else {
                        None
                    };
                    self.enqueue(mailer, name, &margs, queue, Some(method), at);
                }
            }
            return;
        }
        let rtext = if is_const(r) {
            self.const_text(r)
        } else {
            String::new()
        };
        // ActiveJob.perform_all_later([A.new(1), B.new(2)])
        if name == "perform_all_later" && rtext == "ActiveJob" {
            let listed: Vec<Node<'pr>> = match args.first().and_then(|a| a.as_array_node()) {
                Some(a) => a.elements().iter().collect(),
                None => Vec::new(),
            };
            let items: &[Node<'pr>] = if listed.is_empty() { args } else { &listed };
            for it in items {
                if let Some(n) = it.as_call_node()
                    && n.name().as_slice() == b"new"
                    && let Some(k) = n.receiver()
                    && let Some((class, queue)) = self.job_receiver(&k)
                {
                    let nargs: Vec<Node<'pr>> = n
                        .arguments()
                        .map(|a| a.arguments().iter().collect())
                        .unwrap_or_default();
                    self.enqueue(class, name, &nargs, queue, None, start(it));
                }
            }
            return;
        }
        // Sidekiq::Client.push('class' => X, 'args' => [...], 'queue' => 'q')
        if rtext.ends_with("Sidekiq::Client") || rtext == "Sidekiq::Client" {
            self.sidekiq_client(name, args, at);
            return;
        }
        if rtext.ends_with("Notifications") {
            let role = match name {
                "instrument" | "publish" | "publish_event" => Some(EventRole::Emit),
                "subscribe" | "monotonic_subscribe" | "subscribed" => Some(EventRole::Subscribe),
                _ => None,
            };
            if let Some(role) = role
                && let Some(a) = args.first()
            {
                self.event(a, role, "ActiveSupport::Notifications");
            }
            return;
        }
        // Wisper: `publisher.on(:x) { }`
        if name == "on"
            && c.block().is_some()
            && let Some(a) = args.first()
            && a.as_symbol_node().is_some()
        {
            self.event(a, EventRole::Subscribe, "Wisper");
            return;
        }
        self.flag_call(name, r, &rtext, args, at);
    }

    fn sidekiq_client(&mut self, name: &str, args: &[Node<'pr>], at: u32) {
        match name {
            "push" | "push_bulk" => {
                let Some(h) = args.first() else { return };
                let elements = match (h.as_keyword_hash_node(), h.as_hash_node()) {
                    (Some(h), _) => h.elements(),
                    (_, Some(h)) => h.elements(),
                    _ => return,
                };
                let (mut class, mut job_args, mut queue) = (None, None, None);
                for e in elements.iter() {
                    let Some(p) = e.as_assoc_node() else { continue };
                    let v = p.value();
                    match literal_name(&p.key()).as_deref() {
                        Some("class") => {
                            class = if is_const(&v) {
                                Some(self.const_text(&v))
                            } else {
                                v.as_string_node().map(|s| utf8(s.unescaped()))
                            }
                        }
                        Some("args") if name == "push" => {
                            job_args = v.as_array_node().map(|a| a.elements().iter().collect::<Vec<_>>())
                        }
                        Some("queue") => queue = literal_name(&v),
                        _ => {}
                    }
                }
                let Some(class) = class else { return };
                let (positional, _) = match &job_args {
                    Some(a) => self.job_args(a),
                    None => (None, Vec::new()),
                };
                let scope = self.top().owner.as_deref().unwrap_or("").to_string();
                let line = self.line(at);
                self.b.facts.enqueues.push(Enqueue {
                    class,
                    scope,
                    method: name.to_string(),
                    args: positional,
                    keywords: Vec::new(),
                    queue,
                    mailer_method: None,
                    line,
                });
            }
            // Sidekiq::Client.enqueue(X, *args) / enqueue_to(queue, X, *args)
            // / enqueue_in(interval, X, *args)
            "enqueue" | "enqueue_to" | "enqueue_in" | "enqueue_to_in" => {
                let skip = match name {
                    "enqueue" => 0,
                    "enqueue_to" | "enqueue_in" => 1,
                    _ => 2,
                };
                let Some(k) = args.get(skip).filter(|k| is_const(k)) else {
                    return;
                };
                let class = self.const_text(k);
                let queue = if name.starts_with("enqueue_to") {
                    args.first().and_then(literal_name)
                } else {
                    None
                };
                self.enqueue(class, "perform_async", &args[skip + 1..], queue, None, at);
                if let Some(e) = self.b.facts.enqueues.last_mut() {
                    e.method = name.to_string();
                }
            }
            _ => {}
        }
    }

    fn event(&mut self, a: &Node<'pr>, role: EventRole, via: &str) {
        let (name, regex) = if let Some(r) = a.as_regular_expression_node() {
            (utf8(r.unescaped()), true)
        } else if a.as_symbol_node().is_some() || a.as_string_node().is_some() {
            match literal_name(a) {
                Some(n) => (n, false),
                None => return,
            }
        } else {
            return;
        };
        if name.is_empty() {
            return;
        }
        let line = self.line_of(a);
        self.b.facts.events.push(EventUse {
            name,
            regex,
            role,
            via: via.to_string(),
            line,
        });
    }

    fn flag(&mut self, name: String, role: FlagRole, via: &str, at: u32) {
        if name.is_empty() {
            return;
        }
        let line = self.line(at);
        self.b.facts.flags.push(FlagUse {
            name,
            role,
            via: via.to_string(),
            line,
            const_ref: None,
        });
    }

    fn flag_call(&mut self, name: &str, r: &Node<'pr>, rtext: &str, args: &[Node<'pr>], at: u32) {
        let literal = |a: Option<&Node<'pr>>| {
            a.filter(|a| a.as_symbol_node().is_some() || a.as_string_node().is_some())
                .and_then(literal_name)
        };
        let role = if FLAG_CHECK.contains(&name) {
            Some(FlagRole::Check)
        } else if FLAG_DEFINE.contains(&name) {
            Some(FlagRole::Define)
        } else {
            None
        };
        let lib = |t: &str| {
            let l = crate::facts::leaf(t);
            (l == "Flipper" || l == "Feature").then(|| l.to_string())
        };
        // Flipper.enabled?(:x) / Feature.enable(:x)
        if let Some(role) = role
            && let Some(via) = lib(rtext)
        {
            if let Some(n) = literal(args.first()) {
                self.flag(n, role, &via, at);
            } else if let Some(k) = args.first().filter(|a| is_const(a)) {
                // Flipper.enabled?(Flags::NEW_CHECKOUT): resolved by the index.
                let name = self.const_text(k);
                let scope = self.top().owner.as_deref().unwrap_or("").to_string();
                let line = self.line(at);
                self.b.facts.flags.push(FlagUse {
                    name: String::new(),
                    role,
                    via,
                    line,
                    const_ref: Some(crate::facts::ConstRef { name, scope }),
                });
            }
            return;
        }
        // Flipper[:x].enabled? / Flipper.feature(:x).enable
        if let Some(role) = role
            && let Some(inner) = r.as_call_node()
            && matches!(inner.name().as_slice(), b"[]" | b"feature")
            && let Some(k) = inner.receiver()
            && is_const(&k)
            && let Some(via) = lib(&self.const_text(&k))
        {
            let iargs: Vec<Node<'pr>> = inner
                .arguments()
                .map(|a| a.arguments().iter().collect())
                .unwrap_or_default();
            if let Some(n) = literal(iargs.first()) {
                self.flag(n, role, &via, at);
            }
            return;
        }
        // Hosted services: LaunchDarkly `client.variation('x', context,
        // default)`, Unleash `UNLEASH.is_enabled?('x')`.
        let hosted = match name {
            "variation" | "variation_detail" | "bool_variation" if args.len() >= 2 => Some("LaunchDarkly"),
            "is_enabled?" | "is_disabled?" => Some("Unleash"),
            _ => None,
        };
        if let Some(via) = hosted
            && let Some(a) = args.first()
            && let Some(s) = a.as_string_node()
        {
            self.flag(utf8(s.unescaped()), FlagRole::Hosted, via, at);
        }
    }

    /// `class: "ReportJob"` in a hash (GoodJob's `config.good_job.cron`,
    /// sidekiq-cron's `Sidekiq::Cron::Job.create`): a scheduled producer.
    pub(super) fn scheduled_class(&mut self, n: &Node<'pr>) {
        let Some(p) = n.as_assoc_node() else { return };
        self.const_value(&p.value());
        let key = p.key();
        if key.as_symbol_node().is_none() || literal_name(&key).as_deref() != Some("class") {
            return;
        }
        let v = p.value();
        let Some(s) = v.as_string_node() else { return };
        let class = utf8(s.unescaped());
        if !crate::lang::config::is_const_path(&class) {
            return;
        }
        let at = start(&v);
        self.enqueue(class, "schedule", &[], None, None, at);
        if let Some(e) = self.b.facts.enqueues.last_mut() {
            e.args = None;
        }
    }

    /// Receiver-less calls: `queue_as`, `sidekiq_options`, Wisper's
    /// `broadcast` / `publish`, a class's own `emit(:x)`.
    fn async_bare(&mut self, c: &CallNode<'pr>, name: &str, args: &[Node<'pr>], at: u32) {
        match name {
            "queue_as" | "sidekiq_options" if !self.top().in_def => {
                let Some(owner) = self.top().owner.as_deref().map(str::to_string) else {
                    return;
                };
                let queue = if name == "queue_as" {
                    match args.first() {
                        Some(a) if a.as_symbol_node().is_some() || a.as_string_node().is_some() => {
                            Some(literal_name(a))
                        }
                        Some(_) => Some(None),
                        None if c.block().is_some() => Some(None),
                        None => None,
                    }
                } else {
                    self.queue_option(args)
                };
                if let Some(queue) = queue {
                    let line = self.line(at);
                    self.b.facts.queue_decls.push(QueueDecl { owner, queue, line });
                }
            }
            "broadcast" | "publish" => {
                if let Some(a) = args.first()
                    && (a.as_symbol_node().is_some() || a.as_string_node().is_some())
                {
                    self.event(a, EventRole::Emit, "Wisper");
                }
            }
            // A class's own emitter (`emit(:output_text, chunk)` beside a
            // `def on(event, &block)`), heard through `responder.on(:x) { }`.
            "emit" => {
                if let Some(a) = args.first()
                    && (a.as_symbol_node().is_some() || a.as_string_node().is_some())
                {
                    self.event(a, EventRole::Emit, "emit");
                }
            }
            _ => {}
        }
    }
}
