//! The plan file: YAML (version 1) → a validated `Plan`.
//!
//! Input: the plan's bytes and its display path. Output: `Plan`, or a
//! `PlanError` that names the file, line and column. Raw serde structs
//! (`Raw*`) are kept apart from the checked types. Nothing here touches the
//! workspace; repo names are checked by `Plan::check_repos`.

use serde::Deserialize;
use serde_saphyr::Spanned;
use std::fmt;

/// Plans larger than this are refused before parsing (bounded memory).
pub const MAX_PLAN_BYTES: usize = 8 * 1024 * 1024;

/// A plan error: `PATH:LINE:COLUMN: message` (line and column are 1-based;
/// 0 when unknown, and then omitted).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PlanError {
    pub path: String,
    pub line: u64,
    pub column: u64,
    pub message: String,
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}:{}: {}", self.path, self.line, self.column, self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// The kind of an integration point (the contract's kind keys).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Method,
    Env,
    Jsonb,
    Route,
    Job,
    Event,
    Flag,
    Action,
    Webhook,
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::Method,
        Kind::Env,
        Kind::Jsonb,
        Kind::Route,
        Kind::Job,
        Kind::Event,
        Kind::Flag,
        Kind::Action,
        Kind::Webhook,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Method => "method",
            Kind::Env => "env",
            Kind::Jsonb => "jsonb",
            Kind::Route => "route",
            Kind::Job => "job",
            Kind::Event => "event",
            Kind::Flag => "flag",
            Kind::Action => "action",
            Kind::Webhook => "webhook",
        }
    }
}

/// A method point's name split into its parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MethodName {
    /// `A::B` for `A::B#x`; `None` for a bare `x`.
    pub owner: Option<String>,
    pub name: String,
    /// `Owner.name` (class/static) rather than `Owner#name`.
    pub singleton: bool,
}

impl MethodName {
    pub fn parse(s: &str) -> Result<MethodName, String> {
        let s = s.trim();
        let (owner, name, singleton) = if let Some((o, n)) = s.rsplit_once('#') {
            (Some(o), n, false)
        } else if let Some((o, n)) = s.rsplit_once('.') {
            (Some(o), n, true)
        } else {
            (None, s, false)
        };
        if name.is_empty() {
            return Err(format!("method `{s}` has an empty method name"));
        }
        if name.chars().any(|c| c.is_whitespace() || "#.:()[]{}".contains(c)) {
            return Err(format!("method `{s}`: `{name}` is not a method name"));
        }
        if let Some(o) = owner {
            let bad = o.is_empty()
                || o.split("::").any(|seg| {
                    seg.is_empty() || !seg.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '$')
                });
            if bad {
                return Err(format!(
                    "method `{s}`: owner `{o}` is not a class or module name (expected `Owner#name`, `Owner.name` or `A::B#name`)"
                ));
            }
        }
        Ok(MethodName {
            owner: owner.map(str::to_string),
            name: name.to_string(),
            singleton,
        })
    }

    /// The last `::` segment of the owner (`B` for `A::B`).
    pub fn owner_leaf(&self) -> Option<&str> {
        self.owner.as_deref().map(|o| o.rsplit("::").next().unwrap_or(o))
    }
}

/// An `accept:` entry: a problem the plan's author accepted, with a reason
/// and an optional expiry date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accept {
    pub code: String,
    pub reason: String,
    /// `YYYY-MM-DD`; the acceptance holds through that day.
    pub until: Option<String>,
    /// Where the entry's `code` sits in the plan, for messages.
    pub line: u64,
    pub column: u64,
}

/// A validated integration point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Point {
    pub kind: Kind,
    pub name: String,
    pub repo: Option<String>,
    pub callers: Vec<String>,
    pub env: Vec<String>,
    pub note: Option<String>,
    pub accept: Vec<Accept>,
    pub model: Option<String>,
    pub phase: String,
    /// Where the point starts in the plan, for messages.
    pub line: u64,
    pub column: u64,
}

impl Point {
    /// The finding id: `kind:name`.
    pub fn id(&self) -> String {
        format!("{}:{}", self.kind.as_str(), self.name)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The path as the user gave it (used in errors and in the report).
    pub path: String,
    pub name: Option<String>,
    pub repos: Option<Vec<String>>,
    pub tests: Vec<String>,
    pub exclude: Vec<String>,
    pub config: Vec<String>,
    pub phases: Vec<String>,
    /// Every point of every phase, in plan order.
    pub points: Vec<Point>,
    repo_refs: Vec<(String, u64, u64)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlan {
    version: Option<Spanned<serde_saphyr_value::Scalar>>,
    name: Option<String>,
    repos: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    tests: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    config: Vec<String>,
    #[serde(default)]
    phases: Vec<Spanned<RawPhase>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPhase {
    name: Option<String>,
    #[serde(default)]
    points: Vec<Spanned<RawPoint>>,
}

/// A string or a list of strings. Untagged enums lose serde-saphyr's spans,
/// so positions come from the enclosing `Spanned` (see `Located`).
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

/// Where a list item sits: the list's own position, refined to the item's
/// column when the item is written on that same line.
fn item_position(text: &str, list: &serde_saphyr::Location, item: &str) -> (u64, u64) {
    let (line, col) = (list.line(), list.column());
    if let Some(l) = text.lines().nth(line.saturating_sub(1) as usize) {
        let start = (col.saturating_sub(1) as usize).min(l.len());
        if let Some(i) = l.get(start..).and_then(|rest| rest.find(item)) {
            let chars = l[..start + i].chars().count() as u64;
            return (line, chars + 1);
        }
    }
    (line, col)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPoint {
    method: Option<Spanned<String>>,
    env: Option<Spanned<OneOrMany>>,
    jsonb: Option<Spanned<String>>,
    route: Option<Spanned<String>>,
    job: Option<Spanned<String>>,
    event: Option<Spanned<String>>,
    flag: Option<Spanned<String>>,
    action: Option<Spanned<String>>,
    webhook: Option<Spanned<String>>,
    repo: Option<Spanned<String>>,
    callers: Option<Spanned<OneOrMany>>,
    note: Option<String>,
    accept: Option<Spanned<Vec<Spanned<RawAccept>>>>,
    model: Option<Spanned<String>>,
}

/// `{code, reason, until?}` (contract §6).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAccept {
    code: Spanned<String>,
    reason: Option<String>,
    until: Option<Spanned<String>>,
}

/// Is `s` a real calendar date written `YYYY-MM-DD`?
pub fn valid_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| {
        s.get(r)
            .filter(|t| t.bytes().all(|c| c.is_ascii_digit()))
            .and_then(|t| t.parse::<u32>().ok())
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// A version number that may be written `1` or `"1"`.
mod serde_saphyr_value {
    use serde::Deserialize;
    #[derive(Deserialize, Debug)]
    #[serde(untagged)]
    pub enum Scalar {
        Int(i64),
        Str(String),
        Float(f64),
        Bool(bool),
    }

    impl std::fmt::Display for Scalar {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            match self {
                Scalar::Int(i) => write!(f, "{i}"),
                Scalar::Str(s) => write!(f, "`{}`", s.escape_debug()),
                Scalar::Float(x) => write!(f, "{x}"),
                Scalar::Bool(b) => write!(f, "{b}"),
            }
        }
    }
}

fn err_at(path: &str, loc: &serde_saphyr::Location, message: impl Into<String>) -> PlanError {
    PlanError {
        path: path.to_string(),
        line: loc.line(),
        column: loc.column(),
        message: message.into(),
    }
}

/// Read a plan file: the text, or why not (without the path: callers
/// prefix it).
pub fn read(path: &std::path::Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read plan: {e}"))?;
    if meta.is_dir() {
        return Err("cannot read plan: is a directory".into());
    }
    if meta.len() > MAX_PLAN_BYTES as u64 {
        return Err(format!(
            "plan is {} bytes; plans larger than {} bytes are refused",
            meta.len(),
            MAX_PLAN_BYTES
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read plan: {e}"))?;
    String::from_utf8(bytes).map_err(|e| format!("plan is not UTF-8 (byte {})", e.utf8_error().valid_up_to()))
}

/// Parse and validate a plan. `path` is only used in messages.
pub fn parse(path: &str, text: &str) -> Result<Plan, PlanError> {
    let plain = |message: String| PlanError {
        path: path.to_string(),
        line: 0,
        column: 0,
        message,
    };
    if text.len() > MAX_PLAN_BYTES {
        return Err(plain(format!(
            "plan is {} bytes; plans larger than {} bytes are refused",
            text.len(),
            MAX_PLAN_BYTES
        )));
    }
    if text.trim_start_matches('\u{feff}').trim().is_empty() {
        return Err(PlanError {
            path: path.to_string(),
            line: 1,
            column: 1,
            message: "plan is empty (expected `version: 1` and `phases:`)".into(),
        });
    }
    let raw: RawPlan = serde_saphyr::from_str_with_options(text, yaml_options()).map_err(|e| {
        let (line, column) = e.location().map(|l| (l.line(), l.column())).unwrap_or((0, 0));
        PlanError {
            path: path.to_string(),
            line,
            column,
            message: clean_yaml_message(&e),
        }
    })?;
    check(path, text, raw)
}

fn yaml_options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    // A plan is small: refuse alias bombs and deep nesting early.
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    budget.max_depth = 64;
    budget.max_nodes = 1_000_000;
    budget.max_total_scalar_bytes = MAX_PLAN_BYTES;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options
}

/// serde-saphyr appends the location to its messages; we print it first.
fn clean_yaml_message(e: &serde_saphyr::Error) -> String {
    let opts = serde_saphyr::render_options! { snippets: serde_saphyr::SnippetMode::Off };
    let s = e.render_with_options(opts);
    let s = s.lines().next().unwrap_or("").trim().to_string();
    let s = match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    };
    // Budget breaches name internal counters; say what the plan did.
    let s = if s.contains("budget breached: Aliases") {
        "more than 1000 YAML aliases: refused (an alias bomb?)".to_string()
    } else if s.contains("budget breached") {
        format!(
            "plan refused: {} (plans are small; this looks like an alias bomb or runaway nesting)",
            s.trim_start_matches("budget breached: ")
        )
    } else {
        s
    };
    let s = s
        .replace("unknown field", "unknown key")
        .replace(
            "expected mapping start",
            "expected a mapping (`key: value` lines or `{key: value}`)",
        )
        .replace(
            "expected sequence start",
            "expected a list (`- item` lines or `[a, b]`)",
        );
    // Untagged enums name internal types; say what the plan may hold.
    let s = if s.contains("untagged enum OneOrMany") {
        "expected a string or a list of strings".to_string()
    } else if s.contains("untagged enum Scalar") {
        "expected a version number (`version: 1`)".to_string()
    } else {
        s
    };
    if s.is_empty() {
        "invalid YAML".to_string()
    } else {
        s
    }
}

fn check(path: &str, text: &str, raw: RawPlan) -> Result<Plan, PlanError> {
    let version_ok = match &raw.version {
        None => {
            return Err(PlanError {
                path: path.to_string(),
                line: 1,
                column: 1,
                message: "missing `version: 1`".into(),
            });
        }
        Some(v) => match &v.value {
            serde_saphyr_value::Scalar::Int(1) => true,
            serde_saphyr_value::Scalar::Str(s) => s.trim() == "1",
            _ => false,
        },
    };
    if !version_ok {
        let v = raw.version.as_ref().expect("checked above");
        return Err(err_at(
            path,
            &v.referenced,
            format!(
                "unsupported plan version {} (this seamscan reads version 1)",
                v.value
            ),
        ));
    }
    let mut repo_refs = Vec::new();
    let repos = raw.repos.map(|rs| {
        for r in &rs.value {
            let (l, c) = item_position(text, &rs.referenced, r);
            repo_refs.push((r.clone(), l, c));
        }
        rs.value
    });
    let mut phases = Vec::new();
    let mut points = Vec::new();
    for (pi, phase) in raw.phases.into_iter().enumerate() {
        let pname = phase
            .value
            .name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| format!("Phase {}", pi + 1));
        for p in phase.value.points {
            points.push(check_point(path, text, &pname, p, &mut repo_refs)?);
        }
        phases.push(pname);
    }
    if points.is_empty() {
        return Err(PlanError {
            path: path.to_string(),
            line: 1,
            column: 1,
            message: "plan has no points (expected `phases:` with `points:`)".into(),
        });
    }
    Ok(Plan {
        path: path.to_string(),
        name: raw.name,
        repos,
        tests: raw.tests,
        exclude: raw.exclude,
        config: raw.config,
        phases,
        points,
        repo_refs,
    })
}

fn check_point(
    path: &str,
    text: &str,
    phase: &str,
    sp: Spanned<RawPoint>,
    repo_refs: &mut Vec<(String, u64, u64)>,
) -> Result<Point, PlanError> {
    let at = sp.referenced;
    let p = sp.value;
    let mut kinds: Vec<(Kind, Spanned<String>)> = Vec::new();
    let single = [
        (Kind::Method, p.method),
        (Kind::Jsonb, p.jsonb),
        (Kind::Route, p.route),
        (Kind::Job, p.job),
        (Kind::Event, p.event),
        (Kind::Flag, p.flag),
        (Kind::Action, p.action),
        (Kind::Webhook, p.webhook),
    ];
    for (k, v) in single {
        if let Some(v) = v {
            kinds.push((k, v));
        }
    }
    // `env` is the kind key when it is the only one (and then names one var);
    // otherwise it lists the vars the point depends on.
    let mut env_list: Vec<String> = Vec::new();
    let mut env_at = at;
    match p.env {
        Some(e) if kinds.is_empty() => match e.value {
            OneOrMany::One(s) => kinds.push((Kind::Env, Spanned::new(s, e.referenced, e.defined))),
            OneOrMany::Many(_) => {
                return Err(err_at(
                    path,
                    &e.referenced,
                    "an `env:` point names one variable (write one point per variable)",
                ));
            }
        },
        Some(e) => {
            env_at = e.referenced;
            env_list = e.value.into_vec();
        }
        None => {}
    }
    let (kind, name) = match kinds.len() {
        0 => {
            return Err(err_at(
                path,
                &at,
                "point has no kind key (expected one of method, env, jsonb, route, job, event, flag, action, webhook)",
            ));
        }
        1 => kinds.pop().expect("one kind"),
        _ => {
            let names: Vec<_> = kinds.iter().map(|(k, _)| k.as_str()).collect();
            return Err(err_at(
                path,
                &kinds[1].1.referenced,
                format!(
                    "point has two kind keys ({}); a point has exactly one",
                    names.join(", ")
                ),
            ));
        }
    };
    let trimmed = name.value.trim().to_string();
    if trimmed.is_empty() {
        return Err(err_at(
            path,
            &name.referenced,
            format!("empty {} name", kind.as_str()),
        ));
    }
    validate_name(kind, &trimmed).map_err(|m| err_at(path, &name.referenced, m))?;
    for e in &env_list {
        if e.trim().is_empty() {
            return Err(err_at(path, &env_at, "empty env var name"));
        }
        validate_name(Kind::Env, e.trim()).map_err(|m| {
            let (line, column) = item_position(text, &env_at, e);
            PlanError {
                path: path.to_string(),
                line,
                column,
                message: m,
            }
        })?;
    }
    if let Some(m) = &p.model
        && kind != Kind::Action
    {
        return Err(err_at(
            path,
            &m.referenced,
            "`model` is only allowed on `action` points",
        ));
    }
    if let Some(m) = &p.model {
        match MethodName::parse(&m.value) {
            Ok(mn) if mn.owner.is_some() => {}
            Ok(_) => {
                return Err(err_at(
                    path,
                    &m.referenced,
                    format!("model `{}`: expected `Model#method`", m.value),
                ));
            }
            Err(e) => return Err(err_at(path, &m.referenced, e)),
        }
    }
    // An action's callers are its route's: they are checked on a `route:`
    // point.
    if kind == Kind::Action
        && let Some(c) = &p.callers
    {
        return Err(err_at(
            path,
            &c.referenced,
            "`callers` is not supported on `action` points: plan a `route:` point for the action's route to check who requests it",
        ));
    }
    // A webhook's caller is the sender, outside the workspace.
    if kind == Kind::Webhook
        && let Some(c) = &p.callers
    {
        return Err(err_at(
            path,
            &c.referenced,
            "`callers` is not supported on `webhook` points: the sender is outside the scanned repos",
        ));
    }
    let mut accept = Vec::new();
    for a in p.accept.map(|a| a.value).unwrap_or_default() {
        let at = a.referenced;
        let a = a.value;
        let code = a.code.value.trim().to_string();
        if code.is_empty() {
            return Err(err_at(path, &a.code.referenced, "empty `code` in `accept:`"));
        }
        let reason = match a.reason.map(|r| r.trim().to_string()) {
            Some(r) if !r.is_empty() => r,
            _ => {
                return Err(err_at(
                    path,
                    &at,
                    format!("`accept:` entry for `{code}` needs a `reason` (why the problem is acceptable)"),
                ));
            }
        };
        let until = match a.until {
            Some(u) => {
                let v = u.value.trim().to_string();
                if !valid_date(&v) {
                    return Err(err_at(
                        path,
                        &u.referenced,
                        format!("`until: {v}` is not a date (expected YYYY-MM-DD)"),
                    ));
                }
                Some(v)
            }
            None => None,
        };
        accept.push(Accept {
            code,
            reason,
            until,
            line: a.code.referenced.line(),
            column: a.code.referenced.column(),
        });
    }
    if let Some(r) = &p.repo {
        repo_refs.push((r.value.clone(), r.referenced.line(), r.referenced.column()));
    }
    let callers: Vec<String> = match p.callers {
        Some(c) => {
            let list = c.value.into_vec();
            for r in &list {
                let (l, col) = item_position(text, &c.referenced, r);
                repo_refs.push((r.clone(), l, col));
            }
            list
        }
        None => Vec::new(),
    };
    Ok(Point {
        kind,
        name: trimmed,
        repo: p.repo.map(|r| r.value),
        callers,
        env: env_list.into_iter().map(|e| e.trim().to_string()).collect(),
        note: p.note,
        accept,
        model: p.model.map(|m| m.value),
        phase: phase.to_string(),
        line: at.line(),
        column: at.column(),
    })
}

fn validate_name(kind: Kind, name: &str) -> Result<(), String> {
    match kind {
        Kind::Method => MethodName::parse(name).map(|_| ()),
        Kind::Env => {
            if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                Ok(())
            } else {
                Err(format!("env var `{name}` may only hold letters, digits and `_`"))
            }
        }
        Kind::Jsonb => {
            let col = name.rsplit('.').next().unwrap_or(name);
            if col.is_empty() || name.chars().any(char::is_whitespace) {
                Err(format!("jsonb `{name}`: expected `column` or `Model.column`"))
            } else {
                Ok(())
            }
        }
        Kind::Route | Kind::Webhook => RouteName::parse(name).map(|_| ()),
        Kind::Action => {
            let ok = name.split_once('#').is_some_and(|(c, a)| {
                !c.is_empty()
                    && c.chars()
                        .all(|x| x.is_ascii_alphanumeric() || x == '_' || x == '/')
                    && is_action_name(a)
            });
            if ok {
                Ok(())
            } else {
                Err(format!(
                    "action `{name}`: expected `controller#action`, as in `admin/reports#rebuild`"
                ))
            }
        }
        _ => Ok(()),
    }
}

/// A route point's name: `VERB /path`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteName {
    /// Upper case: `GET`, `POST`, `PUT`, `PATCH`, `DELETE`, `HEAD`,
    /// `OPTIONS`, or `ANY`.
    pub verb: String,
    pub path: String,
}

impl RouteName {
    pub const VERBS: [&'static str; 8] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"];

    pub fn parse(name: &str) -> Result<RouteName, String> {
        let mut it = name.split_whitespace();
        let (Some(verb), Some(path), None) = (it.next(), it.next(), it.next()) else {
            return Err(format!(
                "route `{name}`: expected `VERB /path`, as in `POST /orders/:id/cancel`"
            ));
        };
        let verb = verb.to_ascii_uppercase();
        if !RouteName::VERBS.contains(&verb.as_str()) {
            return Err(format!(
                "route `{name}`: unknown verb `{verb}` (expected one of {})",
                RouteName::VERBS.join(", ")
            ));
        }
        if !path.starts_with('/') {
            return Err(format!("route `{name}`: the path must start with `/`"));
        }
        Ok(RouteName {
            verb,
            path: path.to_string(),
        })
    }
}

impl Plan {
    /// Check that every repo the plan names exists in the workspace.
    pub fn check_repos(&self, known: &[String]) -> Result<(), PlanError> {
        for (name, line, column) in &self.repo_refs {
            if !known.iter().any(|k| k == name) {
                let list = if known.is_empty() {
                    "the workspace has no repos".to_string()
                } else {
                    format!("workspace repos: {}", known.join(", "))
                };
                return Err(PlanError {
                    path: self.path.clone(),
                    line: *line,
                    column: *column,
                    message: format!("unknown repo `{name}` ({list})"),
                });
            }
        }
        Ok(())
    }

    /// Check that every `accept:` entry names a problem code this version
    /// can report (`known`), as `check_repos` does for repo names.
    pub fn check_accept_codes(&self, known: &[&str]) -> Result<(), PlanError> {
        for p in &self.points {
            for a in &p.accept {
                if !known.contains(&a.code.as_str()) {
                    return Err(PlanError {
                        path: self.path.clone(),
                        line: a.line,
                        column: a.column,
                        message: format!(
                            "unknown problem code `{}` in `accept:` (expected one of {})",
                            a.code,
                            known.join(", ")
                        ),
                    });
                }
            }
        }
        Ok(())
    }

    /// Display title for reports.
    pub fn title(&self) -> &str {
        self.name.as_deref().unwrap_or("seamscan audit")
    }
}

/// A name an `action:` point accepts for its action: a Ruby method name
/// without `?`, `!` or `=` (those are no routable actions).
pub fn is_action_name(a: &str) -> bool {
    !a.is_empty() && a.chars().all(|x| x.is_ascii_alphanumeric() || x == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> PlanError {
        parse("p.yaml", text).unwrap_err()
    }

    #[test]
    fn parses_the_contract_example() {
        let plan = parse(
            "p.yaml",
            "version: 1\nname: X\nphases:\n  - name: A\n    points:\n      - method: Foo#bar\n        callers: [web]\n        env: [ENABLED]\n      - env: ENABLED\n      - jsonb: Video.metadata\n      - route: POST /a/:id\n",
        )
        .unwrap();
        assert_eq!(plan.points.len(), 4);
        assert_eq!(plan.points[0].kind, Kind::Method);
        assert_eq!(plan.points[0].env, vec!["ENABLED"]);
        assert_eq!(plan.points[0].callers, vec!["web"]);
        assert_eq!(plan.points[1].kind, Kind::Env);
        assert_eq!((plan.points[0].line, plan.points[0].column), (6, 9));
        assert_eq!(plan.points[3].kind, Kind::Route);
    }

    #[test]
    fn unknown_key_has_line_and_column() {
        let e = err("version: 1\nphases:\n  - points:\n      - method: a\n        calers: [x]\n");
        assert_eq!(e.line, 5, "{e}");
        assert!(e.message.contains("calers"), "{e}");
        assert!(e.to_string().starts_with("p.yaml:5:"), "{e}");
    }

    #[test]
    fn two_kind_keys() {
        let e = err("version: 1\nphases:\n  - points:\n      - method: a\n        job: B\n");
        assert_eq!((e.line, e.column), (5, 14), "{e}");
        assert!(e.message.contains("two kind keys"), "{e}");
    }

    #[test]
    fn empty_name() {
        let e = err("version: 1\nphases:\n  - points:\n      - method: ''\n");
        assert_eq!(e.line, 4, "{e}");
        assert!(e.message.contains("empty method name"), "{e}");
    }

    #[test]
    fn wrong_and_missing_version() {
        let e = err("version: 2\nphases: []\n");
        assert_eq!(e.line, 1);
        assert_eq!(
            e.message,
            "unsupported plan version 2 (this seamscan reads version 1)"
        );
        let e = err("version: '1.5'\nphases: []\n");
        assert!(e.message.starts_with("unsupported plan version `1.5`"), "{e}");
        let e = err("phases:\n  - points:\n      - method: a\n");
        assert!(e.message.contains("version"), "{e}");
    }

    #[test]
    fn bad_yaml_and_empty() {
        let e = err("version: 1\nphases: [\n");
        assert!(e.line >= 2, "{e}");
        let e = err("");
        assert!(e.message.contains("empty"), "{e}");
        let e = err("version: 1\nphases: []\n");
        assert!(e.message.contains("no points"), "{e}");
    }

    #[test]
    fn unknown_repo() {
        let plan = parse(
            "p.yaml",
            "version: 1\nrepos: [a]\nphases:\n  - points:\n      - method: x\n        callers: [a, zz]\n",
        )
        .unwrap();
        let e = plan.check_repos(&["a".to_string()]).unwrap_err();
        assert_eq!((e.line, e.column), (6, 22), "{e}");
        assert!(e.message.contains("unknown repo `zz`"), "{e}");
    }

    #[test]
    fn point_without_kind_and_bad_method_names() {
        let e = err("version: 1\nphases:\n  - points:\n      - note: hi\n");
        assert!(e.message.contains("no kind key"), "{e}");
        let e = err("version: 1\nphases:\n  - points:\n      - method: 'Foo#'\n");
        assert!(e.message.contains("empty method name"), "{e}");
        let e = err("version: 1\nphases:\n  - points:\n      - method: 'a b#c'\n");
        assert!(e.message.contains("owner"), "{e}");
    }

    #[test]
    fn alias_bomb_is_refused() {
        // Valid all the way: a phase of 100 points, aliased 5,000 times,
        // would be 500,000 points; the alias budget refuses it.
        let points: Vec<&str> = vec!["{method: a}"; 100];
        let mut s = format!(
            "version: 1\nphases:\n  - &p {{name: p0, points: [{}]}}\n",
            points.join(", ")
        );
        for _ in 1..5_000 {
            s.push_str("  - *p\n");
        }
        // The refusal names the 1,001st alias: the budget, not the time it
        // takes, is what is asserted (no timed assertions in tests).
        let e = err(&s);
        assert_eq!(
            e.message, "more than 1000 YAML aliases: refused (an alias bomb?)",
            "{e}"
        );
        assert_eq!(e.line, 1004, "{e}");
    }

    #[test]
    fn method_names() {
        let m = MethodName::parse("A::B#save!").unwrap();
        assert_eq!(m.owner.as_deref(), Some("A::B"));
        assert_eq!(m.owner_leaf(), Some("B"));
        assert_eq!(m.name, "save!");
        assert!(!m.singleton);
        let m = MethodName::parse("Video.find_ready?").unwrap();
        assert!(m.singleton);
        let m = MethodName::parse("formatDuration").unwrap();
        assert_eq!(m.owner, None);
    }
}
