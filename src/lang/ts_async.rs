//! BullMQ / Bull / bee-queue jobs, hosted feature-flag checks and
//! module-level string constants in TypeScript/JavaScript, for the oxc
//! visitor (`typescript.rs`), which calls in here from its `visit_*`
//! methods. Raw observations (with byte offsets) are kept during the walk
//! and turned into `BullUse` / `FlagUse` / `str_consts` facts by `finish`,
//! once the file's imports, bindings and functions are all known.
//!
//! Queue classes count only when imported from a queue library (`bullmq`,
//! `bull`, `bee-queue`; Nest's decorators from `@nestjs/bull*`), so a web
//! `new Worker(url)` or a `Set#add` is no job. Names held in constants stay
//! `NameRef::Const`, resolved across modules by the fact index.

use super::Builder;
use super::scope::ScopeTable;
use crate::facts::{BullRole, BullUse, ConstRef, FlagRole, FlagUse, Import, Imported, NameRef};
use oxc::ast::ast::*;
use oxc::span::{GetSpan, Span};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// Flow trees (`children:`) deeper than this are not read.
const MAX_FLOW_DEPTH: usize = 64;
/// A processor handing its job on is followed this many calls deep.
const MAX_DELEGATION: usize = 4;

use crate::facts::LD_REACT;

/// A processor function's first parameter.
#[derive(Clone, Debug)]
enum Param {
    /// `(job) => ...`: reads are `job.data.k`, names `job.name`.
    Job(String),
    /// `({ data }) => ...` / `({ data: d })`: reads are `d.k`.
    Data(String),
    None,
}

#[derive(Clone, Debug)]
enum Proc {
    /// An inline function: its span and first parameter.
    Inline(Span, Param),
    /// A function named by an identifier (declared in this file, maybe).
    Named(String),
    /// A path to a sandboxed processor file, or anything else.
    Opaque,
    /// No processor argument (a Nest class processor's method is found
    /// later).
    Absent,
}

#[derive(Debug)]
struct RawNew {
    /// The class's local name (`Queue`, `Worker`, `Bull`).
    class: String,
    queue: Option<NameRef>,
    proc: Proc,
    pos: u32,
}

#[derive(Debug)]
struct RawAdd {
    /// The receiver: `q`, `this.q`, `this.deps.q`.
    recv: String,
    job: Option<NameRef>,
    data_keys: Option<Vec<String>>,
    /// Explicit queue (a flow node's `queueName`).
    queue: Option<NameRef>,
    /// `add` on a FlowProducer (only then `queue` is set).
    flow: bool,
    /// bee-queue's `createJob(data)`.
    create_job: bool,
    pos: u32,
}

#[derive(Debug)]
struct RawProcess {
    recv: String,
    job: Option<NameRef>,
    proc: Proc,
    pos: u32,
}

/// Raw observations of one file's walk.
#[derive(Debug, Default)]
pub(super) struct Raw {
    news: Vec<RawNew>,
    adds: Vec<RawAdd>,
    processes: Vec<RawProcess>,
    /// New-expression (or call) start → the binding it is assigned to
    /// (`q`, `this.q`).
    bindings: HashMap<u32, String>,
    /// Functions declared by name: (name, span, first parameter).
    fns: Vec<(String, Span, Param)>,
    /// `X.data.k` (var `X.data`), `data.k` (var `data`), destructuring.
    data_reads: Vec<(String, String, u32)>,
    /// `switch (X.name) case 'a'`, `X.name === 'a'`: (X, name, offset).
    name_tests: Vec<(String, NameRef, u32)>,
    /// The code run for one job name: a `case` or an `if`'s consequent:
    /// (X, name, span).
    name_branches: Vec<(String, NameRef, Span)>,
    /// `@InjectQueue('q') private q: Queue`: (binding, queue, offset).
    injected: Vec<(String, NameRef, u32)>,
    /// `@Processor('q') class`: (queue, class span, offset).
    processor_classes: Vec<(Option<NameRef>, Span, u32)>,
    /// Methods of classes: `@Process('job')` or named `process`: (job,
    /// method span, first parameter, decorated, offset).
    methods: Vec<(Option<NameRef>, Span, Param, bool, u32)>,
    /// (name or constant, role, via, offset).
    flags: Vec<(NameRef, FlagRole, &'static str, u32)>,
    /// Bindings of `useFlags()` (LaunchDarkly React).
    flag_objects: HashSet<String>,
    /// (name, value, offset) of string constants (module level is decided
    /// in `finish`).
    consts: Vec<(String, String, u32)>,
    /// Calls handing a variable on as their first argument: (callee as
    /// written, `f` / `this.svc.run`; the variable; offset).
    passes: Vec<(String, String, u32)>,
}

/// A string literal or a template without expressions.
fn literal(e: &Expression) -> Option<String> {
    match e.get_inner_expression() {
        Expression::StringLiteral(s) => Some(s.value.as_str().to_string()),
        Expression::TemplateLiteral(t) if t.expressions.is_empty() => {
            Some(t.quasis.iter().map(|q| q.value.raw.as_str()).collect())
        }
        _ => None,
    }
}

/// `A`, `A.B`, `A.B.C` (identifiers only).
fn dotted(e: &Expression) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    let mut cur = e.get_inner_expression();
    for _ in 0..8 {
        match cur {
            Expression::Identifier(i) => {
                parts.push(i.name.as_str());
                parts.reverse();
                return Some(parts.join("."));
            }
            Expression::StaticMemberExpression(m) => {
                parts.push(m.property.name.as_str());
                cur = m.object.get_inner_expression();
            }
            _ => return None,
        }
    }
    None
}

/// A name given as a literal or a constant.
fn name_ref(e: &Expression) -> Option<NameRef> {
    if let Some(s) = literal(e) {
        return (!s.is_empty()).then_some(NameRef::Lit(s));
    }
    dotted(e).map(NameRef::Const)
}

fn arg_name(a: Option<&Argument>) -> Option<NameRef> {
    a.and_then(|a| a.as_expression()).and_then(name_ref)
}

/// The receiver of a call as a binding: `q`, `this.q`, `this.a.q`.
fn recv_text(e: &Expression) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    let mut cur = e.get_inner_expression();
    for _ in 0..8 {
        match cur {
            Expression::Identifier(i) => {
                parts.push(i.name.as_str());
                break;
            }
            Expression::ThisExpression(_) => {
                parts.push("this");
                break;
            }
            Expression::StaticMemberExpression(m) => {
                parts.push(m.property.name.as_str());
                cur = m.object.get_inner_expression();
            }
            Expression::PrivateFieldExpression(m) => {
                parts.push(m.field.name.as_str());
                cur = m.object.get_inner_expression();
            }
            _ => return None,
        }
    }
    parts.reverse();
    (!parts.is_empty()).then(|| parts.join("."))
}

fn key_of(k: &PropertyKey) -> Option<String> {
    match k {
        PropertyKey::StaticIdentifier(i) => Some(i.name.as_str().to_string()),
        PropertyKey::StringLiteral(s) => Some(s.value.as_str().to_string()),
        _ => None,
    }
}

/// The keys of an object literal: `None` with a spread, a computed key or
/// anything but an object literal (`undefined` / absent: no keys).
fn object_keys(e: Option<&Expression>) -> Option<Vec<String>> {
    let Some(e) = e else { return Some(Vec::new()) };
    match e.get_inner_expression() {
        Expression::ObjectExpression(o) => {
            let mut keys = Vec::new();
            for p in &o.properties {
                match p {
                    ObjectPropertyKind::ObjectProperty(p) if !p.computed => keys.push(key_of(&p.key)?),
                    _ => return None,
                }
            }
            keys.sort();
            keys.dedup();
            Some(keys)
        }
        Expression::Identifier(i) if i.name == "undefined" => Some(Vec::new()),
        _ => None,
    }
}

fn prop<'e, 'a>(o: &'e ObjectExpression<'a>, key: &str) -> Option<&'e Expression<'a>> {
    o.properties.iter().find_map(|p| match p {
        ObjectPropertyKind::ObjectProperty(p) if !p.computed && key_of(&p.key).as_deref() == Some(key) => {
            Some(&p.value)
        }
        _ => None,
    })
}

fn first_param(params: &FormalParameters) -> Param {
    let Some(p) = params.items.first() else {
        return Param::None;
    };
    match &p.pattern {
        BindingPattern::BindingIdentifier(id) => Param::Job(id.name.as_str().to_string()),
        BindingPattern::ObjectPattern(o) => o
            .properties
            .iter()
            .find_map(|bp| match (key_of(&bp.key).as_deref(), &bp.value) {
                (Some("data"), BindingPattern::BindingIdentifier(l)) => {
                    Some(Param::Data(l.name.as_str().to_string()))
                }
                _ => None,
            })
            .unwrap_or(Param::None),
        _ => Param::None,
    }
}

/// A processor argument.
fn proc_of(a: Option<&Argument>) -> Proc {
    let Some(e) = a.and_then(|a| a.as_expression()) else {
        return Proc::Absent;
    };
    match e.get_inner_expression() {
        Expression::ArrowFunctionExpression(f) => Proc::Inline(f.span, first_param(&f.params)),
        Expression::FunctionExpression(f) => Proc::Inline(f.span, first_param(&f.params)),
        Expression::Identifier(i) => Proc::Named(i.name.as_str().to_string()),
        _ => Proc::Opaque,
    }
}

/// What a queue library's import binds a local name to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Queue(&'static str),
    Worker(&'static str),
    Flow,
}

/// Is `spec` a queue library (or Nest's wrapper of one)?
fn bull_lib(spec: &str) -> Option<&'static str> {
    match spec {
        "bullmq" | "bullmq-pro" | "@taskforcesh/bullmq-pro" => Some("BullMQ"),
        "bull" => Some("Bull"),
        "bee-queue" => Some("bee-queue"),
        "@nestjs/bullmq" => Some("@nestjs/bullmq"),
        "@nestjs/bull" => Some("@nestjs/bull"),
        _ => None,
    }
}

fn classes(imports: &[Import]) -> HashMap<&str, Class> {
    let mut out = HashMap::default();
    for i in imports {
        let Some(lib) = bull_lib(&i.from) else { continue };
        let class = match (lib, &i.imported) {
            ("BullMQ", Imported::Name(n)) if n == "Queue" => Class::Queue(lib),
            ("BullMQ", Imported::Name(n)) if n == "Worker" => Class::Worker(lib),
            ("BullMQ", Imported::Name(n)) if n == "FlowProducer" => Class::Flow,
            ("Bull" | "bee-queue", Imported::Default | Imported::Namespace) => Class::Queue(lib),
            _ => continue,
        };
        out.insert(i.local.as_str(), class);
    }
    out
}

/// Is `name` (a decorator) imported from `@nestjs/bull*`?
fn nest_decorator(imports: &[Import], local: &str, name: &str) -> bool {
    imports.iter().any(|i| {
        i.local == local
            && i.from.starts_with("@nestjs/bull")
            && matches!(&i.imported, Imported::Name(n) if n == name)
    })
}

impl Raw {
    /// `new C(args)` or `C(args)` (Bull without `new`).
    pub fn construct(&mut self, callee: &Expression, args: &[Argument], start: u32) {
        let Expression::Identifier(c) = callee.get_inner_expression() else {
            return;
        };
        self.news.push(RawNew {
            class: c.name.as_str().to_string(),
            queue: arg_name(args.first()),
            proc: proc_of(args.get(1)),
            pos: start,
        });
    }

    /// `const q = new Queue(...)`, `this.q = ...`, `q = ...` (a property).
    pub fn bind(&mut self, binding: String, init: &Expression) {
        match init.get_inner_expression() {
            Expression::NewExpression(n) => {
                self.bindings.insert(n.span.start, binding);
            }
            Expression::CallExpression(c) => {
                self.bindings.insert(c.span.start, binding);
            }
            Expression::AwaitExpression(a) => {
                if let Expression::CallExpression(c) = a.argument.get_inner_expression() {
                    self.bindings.insert(c.span.start, binding);
                }
            }
            _ => {}
        }
    }

    pub fn function(&mut self, name: &str, span: Span, params: &FormalParameters) {
        self.fns.push((name.to_string(), span, first_param(params)));
    }

    /// A method of a class (Nest processors).
    pub fn method(
        &mut self,
        it: &MethodDefinition,
        decorator: impl Fn(&Decorator) -> Option<(String, Option<NameRef>)>,
    ) {
        let process = it
            .decorators
            .iter()
            .find_map(|d| decorator(d).filter(|(n, _)| n == "Process"));
        let named_process = matches!(&it.key, PropertyKey::StaticIdentifier(k) if k.name == "process");
        if process.is_none() && !named_process {
            return;
        }
        let decorated = process.is_some();
        let job = process.and_then(|(_, j)| j);
        self.methods.push((
            job,
            it.span,
            first_param(&it.value.params),
            decorated,
            it.span.start,
        ));
    }

    /// `@Processor('q')` / `@Processor({ name: 'q' })` on a class.
    pub fn processor_class(&mut self, queue: Option<NameRef>, body: Span, pos: u32) {
        self.processor_classes.push((queue, body, pos));
    }

    /// `@InjectQueue('q') q: Queue` (parameter or property).
    pub fn inject(&mut self, binding: &str, queue: NameRef, pos: u32) {
        self.injected.push((binding.to_string(), queue, pos));
    }

    /// Calls: producers (`add`, `addBulk`, `createJob`), Bull processors
    /// (`process`), flag checks.
    pub fn call(&mut self, it: &CallExpression) {
        let args = &it.arguments[..];
        if let Some(Expression::Identifier(a)) = args
            .first()
            .and_then(|a| a.as_expression())
            .map(|e| e.get_inner_expression())
            && let Some(callee) = recv_text(&it.callee)
        {
            self.passes
                .push((callee, a.name.as_str().to_string(), it.span.start));
        }
        match &it.callee {
            Expression::StaticMemberExpression(m) => {
                let method = m.property.name.as_str();
                let pos = m.property.span.start;
                self.flag_call(method, args, pos);
                let Some(recv) = recv_text(&m.object) else { return };
                let arg = |i: usize| args.get(i).and_then(|a| a.as_expression());
                match method {
                    "add" => match arg(0).map(|e| e.get_inner_expression()) {
                        Some(Expression::ObjectExpression(o)) => self.flow(&recv, o),
                        _ => self.adds.push(RawAdd {
                            recv,
                            job: arg_name(args.first()),
                            data_keys: object_keys(arg(1)),
                            queue: None,
                            flow: false,
                            create_job: false,
                            pos,
                        }),
                    },
                    "addBulk" => {
                        if let Some(Expression::ArrayExpression(a)) = arg(0).map(|e| e.get_inner_expression())
                        {
                            for el in &a.elements {
                                if let Some(Expression::ObjectExpression(o)) =
                                    el.as_expression().map(|e| e.get_inner_expression())
                                {
                                    if prop(o, "queueName").is_some() {
                                        self.flow(&recv, o);
                                        continue;
                                    }
                                    self.adds.push(RawAdd {
                                        recv: recv.clone(),
                                        job: prop(o, "name").and_then(name_ref),
                                        data_keys: object_keys(prop(o, "data")),
                                        queue: None,
                                        flow: false,
                                        create_job: false,
                                        pos: o.span.start,
                                    });
                                }
                            }
                        }
                    }
                    // A repeatable job: `upsertJobScheduler(id, repeat,
                    // { name, data })` (BullMQ 5).
                    "upsertJobScheduler" if args.len() >= 2 => {
                        let template = match arg(2).map(|e| e.get_inner_expression()) {
                            Some(Expression::ObjectExpression(o)) => Some(o),
                            _ => None,
                        };
                        self.adds.push(RawAdd {
                            recv,
                            job: template.and_then(|o| prop(o, "name")).and_then(name_ref),
                            data_keys: match template {
                                Some(o) => object_keys(prop(o, "data")),
                                None if args.len() == 2 => Some(Vec::new()),
                                None => None,
                            },
                            queue: None,
                            flow: false,
                            create_job: false,
                            pos,
                        });
                    }
                    "createJob" => self.adds.push(RawAdd {
                        recv,
                        job: None,
                        data_keys: object_keys(arg(0)),
                        queue: None,
                        flow: false,
                        create_job: true,
                        pos,
                    }),
                    "process" if !args.is_empty() => {
                        let job = arg_name(args.first()).filter(|_| args.len() >= 2);
                        self.processes.push(RawProcess {
                            recv,
                            job,
                            proc: proc_of(args.last()),
                            pos,
                        });
                    }
                    _ => {}
                }
            }
            Expression::Identifier(f) => {
                self.flag_call(f.name.as_str(), args, f.span.start);
            }
            _ => {}
        }
    }

    /// A FlowProducer job tree: `{ name, queueName, data, children: [...] }`.
    fn flow(&mut self, recv: &str, root: &ObjectExpression) {
        let mut stack: Vec<(&ObjectExpression, usize)> = vec![(root, 0)];
        while let Some((o, depth)) = stack.pop() {
            self.adds.push(RawAdd {
                recv: recv.to_string(),
                job: prop(o, "name").and_then(name_ref),
                data_keys: object_keys(prop(o, "data")),
                queue: prop(o, "queueName").and_then(name_ref),
                flow: true,
                create_job: false,
                pos: o.span.start,
            });
            if depth >= MAX_FLOW_DEPTH {
                continue;
            }
            if let Some(Expression::ArrayExpression(a)) =
                prop(o, "children").map(|e| e.get_inner_expression())
            {
                for el in a.elements.iter().rev() {
                    if let Some(Expression::ObjectExpression(c)) =
                        el.as_expression().map(|e| e.get_inner_expression())
                    {
                        stack.push((c, depth + 1));
                    }
                }
            }
        }
    }

    /// Hosted flag services' checks: LaunchDarkly `variation('x', ...)`,
    /// Unleash `isEnabled('x')` / `useFlag('x')`, GrowthBook `isOn('x')` /
    /// `useFeatureIsOn('x')`, OpenFeature `getBooleanValue('x', ...)`.
    fn flag_call(&mut self, name: &str, args: &[Argument], _pos: u32) {
        let via = match name {
            "variation"
            | "variationDetail"
            | "boolVariation"
            | "boolVariationDetail"
            | "stringVariation"
            | "numberVariation"
            | "jsonVariation"
                if args.len() >= 2 =>
            {
                "LaunchDarkly"
            }
            "isEnabled" | "useFlag" | "useFlagEnabled" | "getVariant" | "useVariant" => "Unleash",
            "isOn" | "isOff" | "useFeatureIsOn" | "useFeatureValue" | "getFeatureValue" | "useFeature"
            | "evalFeature" => "GrowthBook",
            "getBooleanValue"
            | "getBooleanDetails"
            | "getStringValue"
            | "getNumberValue"
            | "getObjectValue"
            | "useBooleanFlagValue"
            | "useStringFlagValue"
            | "useNumberFlagValue"
                if args.len() >= 2 =>
            {
                "OpenFeature"
            }
            _ => return,
        };
        let Some(e) = args.first().and_then(|a| a.as_expression()) else {
            return;
        };
        let Some(r) = name_ref(e) else { return };
        // A constant must look like one (`FLAG`, `Flags.NEW`), not any
        // variable that happens to be passed.
        if let NameRef::Const(c) = &r
            && !c
                .split('.')
                .next_back()
                .is_some_and(|l| l.chars().next().is_some_and(|ch| ch.is_ascii_uppercase()))
        {
            return;
        }
        self.flags.push((r, FlagRole::Hosted, via, e.span().start));
    }

    /// `const flags = useFlags()` / `const { a, b } = useFlags()`.
    pub fn use_flags(&mut self, id: &BindingPattern, init: &Expression) {
        let Expression::CallExpression(c) = init.get_inner_expression() else {
            return;
        };
        if !matches!(&c.callee, Expression::Identifier(f) if f.name == "useFlags") {
            return;
        }
        match id {
            BindingPattern::BindingIdentifier(b) => {
                self.flag_objects.insert(b.name.as_str().to_string());
            }
            BindingPattern::ObjectPattern(o) => {
                for bp in &o.properties {
                    if let Some(k) = key_of(&bp.key) {
                        self.flags
                            .push((NameRef::Lit(k), FlagRole::Hosted, LD_REACT, bp.span.start));
                    }
                }
            }
            _ => {}
        }
    }

    /// Member reads: `flags.myFlag` (a `useFlags()` binding), `job.data.k`,
    /// `data.k`.
    pub fn member(&mut self, it: &StaticMemberExpression) {
        let key = it.property.name.as_str();
        match it.object.get_inner_expression() {
            Expression::Identifier(o) if self.flag_objects.contains(o.name.as_str()) => {
                self.flags.push((
                    NameRef::Lit(key.to_string()),
                    FlagRole::Hosted,
                    LD_REACT,
                    it.property.span.start,
                ));
            }
            Expression::Identifier(o) if o.name == "data" => {
                self.data_reads
                    .push(("data".into(), key.to_string(), it.property.span.start));
            }
            Expression::StaticMemberExpression(d) if d.property.name == "data" => {
                if let Expression::Identifier(j) = d.object.get_inner_expression() {
                    self.data_reads.push((
                        format!("{}.data", j.name),
                        key.to_string(),
                        it.property.span.start,
                    ));
                }
            }
            _ => {}
        }
    }

    /// `const { a, b } = job.data` / `= data`.
    pub fn destructure(&mut self, p: &ObjectPattern, init: &Expression) {
        let var = match init.get_inner_expression() {
            Expression::Identifier(o) if o.name == "data" => "data".to_string(),
            Expression::StaticMemberExpression(d) if d.property.name == "data" => {
                match d.object.get_inner_expression() {
                    Expression::Identifier(j) => format!("{}.data", j.name),
                    _ => return,
                }
            }
            _ => return,
        };
        for bp in &p.properties {
            if let Some(k) = key_of(&bp.key) {
                self.data_reads.push((var.clone(), k, bp.span.start));
            }
        }
    }

    /// `switch (job.name) { case 'a': ... }`.
    pub fn switch(&mut self, it: &SwitchStatement) {
        let Some(var) = name_subject(&it.discriminant) else {
            return;
        };
        for c in &it.cases {
            if let Some(r) = c.test.as_ref().and_then(name_ref) {
                self.name_tests.push((var.clone(), r.clone(), c.span.start));
                self.name_branches.push((var.clone(), r, c.span));
            }
        }
    }

    /// `job.name === 'a'` (either side, `==` too; `!==` guards count as
    /// testing the name).
    pub fn binary(&mut self, it: &BinaryExpression) {
        if let Some((var, r)) = name_compare(it, true) {
            self.name_tests.push((var, r, it.span.start));
        }
    }

    /// `if (job.name === 'a') { ... }`: the consequent runs for `a`.
    pub fn if_statement(&mut self, it: &IfStatement) {
        if let Expression::BinaryExpression(b) = it.test.get_inner_expression()
            && let Some((var, r)) = name_test(b)
        {
            self.name_branches.push((var, r, it.consequent.span()));
        }
    }

    /// `const X = 'x'`, `const O = { K: 'x' }` (`O.K`): candidates for
    /// module-level string constants.
    pub fn constant(&mut self, name: &str, init: &Expression, pos: u32) {
        if let Some(v) = literal(init) {
            self.consts.push((name.to_string(), v, pos));
            return;
        }
        if let Expression::ObjectExpression(o) = init.get_inner_expression() {
            for p in &o.properties {
                if let ObjectPropertyKind::ObjectProperty(p) = p
                    && !p.computed
                    && let Some(k) = key_of(&p.key)
                    && let Some(v) = literal(&p.value)
                {
                    self.consts.push((format!("{name}.{k}"), v, pos));
                }
            }
        }
    }

    /// `enum E { K = 'x' }`.
    pub fn enumeration(&mut self, it: &TSEnumDeclaration) {
        let name = it.id.name.as_str();
        for m in &it.body.members {
            let k = match &m.id {
                TSEnumMemberName::Identifier(i) => i.name.as_str().to_string(),
                TSEnumMemberName::String(s) | TSEnumMemberName::ComputedString(s) => {
                    s.value.as_str().to_string()
                }
                _ => continue,
            };
            if let Some(v) = m.initializer.as_ref().and_then(literal) {
                self.consts.push((format!("{name}.{k}"), v, it.span.start));
            }
        }
    }

    /// Facts, once the walk is over. `typed` holds (variable, class) of
    /// typed parameters and `new C()` locals.
    pub fn finish(
        &self,
        table: &ScopeTable,
        imports: &[Import],
        typed: &[(u32, String, String)],
        line: impl Fn(u32) -> u32,
        b: &mut Builder,
    ) {
        // String constants: module level only.
        for (name, value, pos) in &self.consts {
            if table.function_at(*pos as usize).is_none()
                && !b.facts.str_consts.iter().any(|(n, _)| n == name)
            {
                b.facts.str_consts.push((name.clone(), value.clone()));
            }
        }
        for (r, role, via, pos) in self.flags.iter().cloned() {
            let (name, const_ref) = match r {
                NameRef::Lit(s) => (s, None),
                NameRef::Const(c) | NameRef::Queue(c) => (
                    String::new(),
                    Some(ConstRef {
                        name: c,
                        scope: String::new(),
                    }),
                ),
            };
            b.facts.flags.push(FlagUse {
                name,
                role,
                via: via.to_string(),
                line: line(pos),
                const_ref,
            });
        }
        self.job_fns(&line, b);
        let classes = classes(imports);
        if classes.is_empty()
            && self.injected.is_empty()
            && self.processor_classes.is_empty()
            && self.adds.is_empty()
        {
            return;
        }
        // binding → (queue, library)
        let mut queues: HashMap<String, (Option<NameRef>, &'static str)> = HashMap::default();
        let mut flows: HashSet<String> = HashSet::default();
        let mut out: Vec<(BullUse, u32)> = Vec::new();
        for n in &self.news {
            let Some(class) = classes.get(n.class.as_str()) else {
                continue;
            };
            let binding = self.bindings.get(&n.pos).cloned();
            match *class {
                Class::Queue(lib) => {
                    if let Some(bnd) = &binding {
                        queues.insert(bnd.clone(), (n.queue.clone(), lib));
                    }
                    worker_free_queue(&mut out, n.queue.clone(), lib, binding, n.pos);
                }
                Class::Worker(lib) => out.push((self.worker(n.queue.clone(), None, &n.proc, lib), n.pos)),
                Class::Flow => {
                    if let Some(bnd) = binding {
                        flows.insert(bnd);
                    }
                }
            }
        }
        for (binding, q, pos) in &self.injected {
            queues.insert(binding.clone(), (Some(q.clone()), "@nestjs/bullmq"));
            worker_free_queue(
                &mut out,
                Some(q.clone()),
                "@nestjs/bullmq",
                Some(binding.clone()),
                *pos,
            );
        }
        // Typed as a queue class (`private queue: Queue`): a queue, name
        // unknown.
        let typed_queue = |recv: &str| -> Option<&'static str> {
            let var = recv.strip_prefix("this.").unwrap_or(recv);
            typed.iter().find_map(|(_, v, c)| match classes.get(c.as_str()) {
                Some(Class::Queue(lib)) if v == var => Some(*lib),
                _ => None,
            })
        };
        let lookup = |recv: &str| -> Option<(Option<NameRef>, &'static str)> {
            if let Some(q) = queues.get(recv) {
                return Some(q.clone());
            }
            // `this.q` bound in a constructor and used as `q`, or the
            // reverse.
            let other = match recv.strip_prefix("this.") {
                Some(r) => r.to_string(),
                None => format!("this.{recv}"),
            };
            queues.get(&other).cloned()
        };
        for p in &self.processes {
            let (queue, lib) = match lookup(&p.recv) {
                Some(q) => q,
                None => match typed_queue(&p.recv) {
                    Some(lib) => (None, lib),
                    None => continue,
                },
            };
            out.push((self.worker(queue, p.job.clone(), &p.proc, lib), p.pos));
        }
        // Nest class processors: one worker per `@Process` method (or the
        // `process` method of a WorkerHost).
        for (queue, body, pos) in &self.processor_classes {
            let methods: Vec<&(Option<NameRef>, Span, Param, bool, u32)> = self
                .methods
                .iter()
                .filter(|(_, s, ..)| body.start <= s.start && s.end <= body.end)
                .collect();
            if methods.is_empty() {
                out.push((
                    self.worker(queue.clone(), None, &Proc::Absent, "@nestjs/bullmq"),
                    *pos,
                ));
            }
            for (job, span, param, decorated, mpos) in methods {
                let via = if *decorated {
                    "@nestjs/bull"
                } else {
                    "@nestjs/bullmq"
                };
                let proc = Proc::Inline(*span, param.clone());
                out.push((self.worker(queue.clone(), job.clone(), &proc, via), *mpos));
            }
        }
        let import_locals: HashSet<&str> = imports.iter().map(|i| i.local.as_str()).collect();
        for a in &self.adds {
            let head = a.recv.split('.').next().unwrap_or(&a.recv);
            let (queue, via) = if a.flow {
                if !flows.contains(&a.recv) && !flows.contains(a.recv.strip_prefix("this.").unwrap_or("")) {
                    continue;
                }
                (a.queue.clone(), "FlowProducer")
            } else if let Some((q, lib)) = lookup(&a.recv) {
                if a.create_job != (lib == "bee-queue") {
                    continue;
                }
                (q, lib)
            } else if let Some(lib) = typed_queue(&a.recv) {
                (None, lib)
            } else if import_locals.contains(head) && head == a.recv && !a.create_job {
                // An imported queue object: the fact index resolves it.
                (Some(NameRef::Queue(a.recv.clone())), "BullMQ")
            } else {
                continue;
            };
            out.push((
                BullUse {
                    role: BullRole::Add,
                    queue,
                    job: a.job.clone(),
                    data_keys: a.data_keys.clone(),
                    job_names: Vec::new(),
                    job_keys: Vec::new(),
                    via: via.to_string(),
                    binding: None,
                    scope: None,
                    processor: None,
                    line: 0,
                },
                a.pos,
            ));
        }
        out.sort_by_key(|(_, pos)| *pos);
        for (mut u, pos) in out {
            u.line = line(pos);
            if u.role == BullRole::Add {
                u.scope = b.function_scope(table, pos as usize);
            }
            b.facts.bull.push(u);
        }
    }

    /// A processor (`Worker` use) with what its body reads.
    fn worker(&self, queue: Option<NameRef>, job: Option<NameRef>, proc: &Proc, via: &str) -> BullUse {
        let mut processor = None;
        let body = match proc {
            Proc::Inline(s, p) => Some((*s, p.clone())),
            Proc::Named(n) => {
                let local = self.local_fn(n);
                if local.is_none() {
                    // Imported (or a method): the fact index follows it.
                    processor = Some(n.clone());
                }
                local
            }
            Proc::Opaque | Proc::Absent => None,
        };
        let (data_keys, job_names, job_keys) = match body {
            Some((span, param)) => {
                let (reads, delegate) = self.followed(span, &param);
                processor = delegate;
                reads
            }
            None => (None, Vec::new(), Vec::new()),
        };
        BullUse {
            role: BullRole::Worker,
            queue,
            job,
            data_keys,
            job_names,
            job_keys,
            via: via.to_string(),
            binding: None,
            scope: None,
            processor,
            line: 0,
        }
    }

    /// A function declared in this file by name: (span, first parameter).
    fn local_fn(&self, name: &str) -> Option<(Span, Param)> {
        self.fns
            .iter()
            .find(|(f, _, _)| f == name)
            .map(|(_, s, p)| (*s, p.clone()))
    }

    /// The function a body hands its job to (`run(job)`, `this.svc.run(job)`),
    /// the first such call outside a per-name branch.
    fn delegate(&self, span: Span, p: &Param) -> Option<String> {
        let Param::Job(j) = p else { return None };
        // Inside a branch for one job name, the callee's reads would be
        // that name's only: such calls are not followed.
        let in_branch = |pos: u32| {
            self.name_branches
                .iter()
                .any(|(v, _, s)| v == j && s.start <= pos && pos < s.end)
        };
        self.passes
            .iter()
            .filter(|(_, a, pos)| a == j && span.start <= *pos && *pos < span.end && !in_branch(*pos))
            .min_by_key(|(_, _, pos)| *pos)
            .map(|(c, _, _)| c.clone())
    }

    /// What a processor body reads, with the reads of the functions of
    /// this file it hands the job to (a few hops), and the function of
    /// another module it hands the job to, if any.
    #[allow(clippy::type_complexity)]
    fn followed(
        &self,
        span: Span,
        p: &Param,
    ) -> (
        (Option<Vec<String>>, Vec<NameRef>, Vec<(NameRef, Vec<String>)>),
        Option<String>,
    ) {
        let mut reads = self.body(span, p);
        let mut at = (span, p.clone());
        let mut seen: Vec<u32> = vec![span.start];
        for _ in 0..MAX_DELEGATION {
            let Some(d) = self.delegate(at.0, &at.1) else {
                return (reads, None);
            };
            let Some((s, q)) = self.local_fn(&d).filter(|(s, _)| !seen.contains(&s.start)) else {
                return (reads, Some(d));
            };
            seen.push(s.start);
            let (k, n, jk) = self.body(s, &q);
            if let (Some(all), Some(k)) = (&mut reads.0, k) {
                all.extend(k);
                all.sort();
                all.dedup();
            }
            reads.1.extend(n);
            reads.1.sort();
            reads.1.dedup();
            reads.2.extend(jk);
            reads.2.sort();
            at = (s, q);
        }
        (reads, None)
    }

    /// Functions that read a job as processors do, for processors in other
    /// modules: a `job.data` read or a `job.name` test in the function (or
    /// the functions of this file it hands the job to), or a parameter
    /// named like a job handed to another module's function.
    fn job_fns(&self, line: &impl Fn(u32) -> u32, b: &mut Builder) {
        if self.data_reads.is_empty() && self.name_tests.is_empty() && self.passes.is_empty() {
            return;
        }
        // Variables read like a job (`X.data.k`, `X.name === 'a'`): a
        // function whose parameter is none of them, nor named like a job,
        // is skipped without looking at its body.
        let read_vars: HashSet<&str> = self.data_reads.iter().map(|(v, _, _)| v.as_str()).collect();
        let tested: HashSet<&str> = self.name_tests.iter().map(|(v, _, _)| v.as_str()).collect();
        for (name, span, param) in &self.fns {
            let job_like = match param {
                Param::Job(j) => {
                    let like = j.to_ascii_lowercase().contains("job");
                    if !like
                        && !tested.contains(j.as_str())
                        && !read_vars.contains(format!("{j}.data").as_str())
                    {
                        continue;
                    }
                    like
                }
                Param::Data(d) => {
                    if !read_vars.contains(d.as_str()) {
                        continue;
                    }
                    true
                }
                Param::None => continue,
            };
            let ((keys, names, job_keys), delegate) = self.followed(*span, param);
            let keys = keys.unwrap_or_default();
            let reads = !keys.is_empty() || !names.is_empty() || !job_keys.is_empty();
            if !(reads || (job_like && delegate.is_some())) {
                continue;
            }
            b.facts.job_fns.push(crate::facts::JobFn {
                name: name.clone(),
                line: line(span.start),
                data_keys: keys,
                job_names: names,
                job_keys,
                delegate,
            });
        }
    }

    /// What a processor body reads from the job data (outside any branch
    /// for one job name, and inside each), and which job names it tests.
    #[allow(clippy::type_complexity)]
    fn body(
        &self,
        span: Span,
        p: &Param,
    ) -> (Option<Vec<String>>, Vec<NameRef>, Vec<(NameRef, Vec<String>)>) {
        let inside = |pos: u32| span.start <= pos && pos < span.end;
        let (data_var, job_var) = match p {
            Param::Job(j) => (format!("{j}.data"), Some(j.as_str())),
            Param::Data(d) => (d.clone(), None),
            Param::None => return (None, Vec::new(), Vec::new()),
        };
        let branches: Vec<&(String, NameRef, Span)> = self
            .name_branches
            .iter()
            .filter(|(v, _, s)| Some(v.as_str()) == job_var && inside(s.start))
            .collect();
        let mut common: Vec<String> = Vec::new();
        let mut per_job: Vec<(NameRef, Vec<String>)> = Vec::new();
        for (_, k, pos) in self
            .data_reads
            .iter()
            .filter(|(v, _, pos)| *v == data_var && inside(*pos))
        {
            // The innermost branch holding the read.
            let branch = branches
                .iter()
                .filter(|(_, _, s)| s.start <= *pos && *pos < s.end)
                .min_by_key(|(_, _, s)| s.end - s.start);
            match branch {
                Some((_, r, _)) => match per_job.iter_mut().find(|(n, _)| n == r) {
                    Some((_, keys)) => keys.push(k.clone()),
                    None => per_job.push((r.clone(), vec![k.clone()])),
                },
                None => common.push(k.clone()),
            }
        }
        common.sort();
        common.dedup();
        for (_, keys) in &mut per_job {
            keys.sort();
            keys.dedup();
        }
        per_job.sort();
        let mut names: Vec<NameRef> = self
            .name_tests
            .iter()
            .filter(|(v, _, pos)| Some(v.as_str()) == job_var && inside(*pos))
            .map(|(_, r, _)| r.clone())
            .collect();
        names.sort();
        names.dedup();
        (Some(common), names, per_job)
    }
}

/// A queue declared (`new Queue('q')`, `@InjectQueue('q')`).
fn worker_free_queue(
    out: &mut Vec<(BullUse, u32)>,
    queue: Option<NameRef>,
    via: &str,
    binding: Option<String>,
    pos: u32,
) {
    out.push((
        BullUse {
            role: BullRole::Queue,
            queue,
            job: None,
            data_keys: None,
            job_names: Vec::new(),
            job_keys: Vec::new(),
            via: via.to_string(),
            binding,
            scope: None,
            processor: None,
            line: 0,
        },
        pos,
    ));
}

/// `job.name === 'a'` (either side, `==` too): (`job`, `a`).
fn name_test(it: &BinaryExpression) -> Option<(String, NameRef)> {
    name_compare(it, false)
}

/// `job.name === 'a'`, or with `negated` also `job.name !== 'a'` (a guard
/// that turns other jobs away).
fn name_compare(it: &BinaryExpression, negated: bool) -> Option<(String, NameRef)> {
    let eq = matches!(
        it.operator,
        BinaryOperator::StrictEquality | BinaryOperator::Equality
    );
    let ne = matches!(
        it.operator,
        BinaryOperator::StrictInequality | BinaryOperator::Inequality
    );
    if !(eq || negated && ne) {
        return None;
    }
    for (a, b) in [(&it.left, &it.right), (&it.right, &it.left)] {
        if let Some(var) = name_subject(a)
            && let Some(r) = name_ref(b)
        {
            return Some((var, r));
        }
    }
    None
}

/// `job.name` → `job`.
fn name_subject(e: &Expression) -> Option<String> {
    match e.get_inner_expression() {
        Expression::StaticMemberExpression(m) if m.property.name == "name" => {
            match m.object.get_inner_expression() {
                Expression::Identifier(j) => Some(j.name.as_str().to_string()),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `@Processor('q')`, `@Processor({ name: 'q' })`, `@InjectQueue('q')`
/// imported from `@nestjs/bull*`: the decorator's name and queue.
pub(super) fn nest_queue_decorator(
    imports: &[Import],
    name: &str,
    args: &[Argument],
) -> Option<(&'static str, Option<NameRef>)> {
    let which = ["Processor", "InjectQueue", "Process"]
        .into_iter()
        .find(|w| nest_decorator(imports, name, w))?;
    let first = args.first().and_then(|a| a.as_expression());
    let q = match first.map(|e| e.get_inner_expression()) {
        Some(Expression::ObjectExpression(o)) => prop(o, "name").and_then(name_ref),
        Some(e) => name_ref(e),
        None => None,
    };
    Some((which, q))
}
