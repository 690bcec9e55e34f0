//! The Rails route table, computed statically from the routing DSL calls of
//! a routes file (`facts::RouteCall`), the way `rails routes` prints it.
//!
//! A transcription of ActionDispatch 6.1's `Routing::Mapper` (`scope`,
//! `namespace`, `resources`, `resource`, `nested`, `member`, `collection`,
//! `match`, `add_route`, `name_for_action`, `Mapper.normalize_path`): the
//! same scope frames with the same lookups and merges, so that paths,
//! controllers and route names come out as Rails builds them. It needs no
//! parser and reads no file: `draw(:name)` asks the caller for the calls of
//! `config/routes/name.rb`. Code the DSL cannot express statically (routes
//! drawn in a loop, a gem's helper such as `devise_for`, `match` without
//! `via:`) is reported in `Table::unread`, never guessed.

use crate::facts::{RVal, RouteCall};
use crate::inflect::{pluralize, singularize};
use rustc_hash::FxHashSet as HashSet;
use std::collections::BTreeMap;
use std::rc::Rc;

/// What a route leads to.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// `controller#action` (the controller path, `admin/reports`).
    Action { controller: String, action: String },
    /// `redirect(...)`.
    Redirect,
    /// A Rack app or an engine (`mount`, `to: SomeApp`): its source text.
    Mounted(String),
    /// A TypeScript/JavaScript handler (Express, Koa, Fastify, Hono,
    /// NestJS, Next.js): the function or method that serves the route, its
    /// name when it has one, and where it is (a file index and line).
    Code {
        framework: crate::facts::Framework,
        name: Option<String>,
        file: u32,
        line: u32,
    },
}

impl Target {
    /// As `rails routes` prints it.
    pub fn display(&self) -> String {
        match self {
            Target::Action { controller, action } => format!("{controller}#{action}"),
            Target::Redirect => "(redirect)".to_string(),
            Target::Mounted(_) => "(mounted app)".to_string(),
            Target::Code { framework, name, .. } => match name {
                Some(n) => format!("{} handler {n}", framework.as_str()),
                None => format!("{} inline handler", framework.as_str()),
            },
        }
    }
}

/// One row of the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    /// `GET`, `GET|POST`, ... or `ANY` (`via: :all`, `mount`).
    pub verb: String,
    /// The path without `(.:format)`, as Rails prints it (`/photos/:id`,
    /// optional segments in parentheses).
    pub path: String,
    pub target: Target,
    /// The route's name (`photo`: helpers `photo_path`, `photo_url`).
    pub name: Option<String>,
    /// The caller's id of the file the route is written in.
    pub file: u32,
    pub line: u32,
}

impl Route {
    /// The line `rails-routes` prints for it (tab-separated).
    pub fn table_line(&self) -> String {
        let mut s = format!("{}\t{}\t{}", self.verb, self.path, self.target.display());
        if let Some(n) = &self.name {
            s.push('\t');
            s.push_str(n);
        }
        s
    }
}

/// The routes of one application, and what could not be read.
#[derive(Clone, Debug, Default)]
pub struct Table {
    pub routes: Vec<Route>,
    /// (file, line, what) for code the interpreter could not follow.
    pub unread: Vec<(u32, u32, String)>,
}

/// Loads the calls of `config/routes/NAME.rb` for `draw(:NAME)`.
pub type Loader<'a> = dyn Fn(&str) -> Option<(u32, &'a [RouteCall])> + 'a;

/// Interpret the calls of a routes file (`file` is the caller's id for it).
pub fn table<'a>(file: u32, calls: &'a [RouteCall], load: &Loader<'a>) -> Table {
    let mut m = Mapper {
        frames: vec![Frame::default()],
        names: HashSet::default(),
        out: Table::default(),
        concerns: BTreeMap::new(),
        file,
        load,
        draw_depth: 0,
    };
    m.run(calls);
    m.out
}

const MAX_DRAW_DEPTH: usize = 16;
const CANONICAL_ACTIONS: [&str; 6] = ["index", "create", "new", "show", "update", "destroy"];
const RESOURCE_OPTIONS: [&str; 7] = ["as", "controller", "path", "only", "except", "param", "concerns"];

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Level {
    #[default]
    None,
    Resources,
    Resource,
    Nested,
    Collection,
    Member,
    New,
    Root,
}

#[derive(Debug)]
struct Resource {
    name: String,
    path: String,
    controller: String,
    param: String,
    singleton: bool,
    shallow: bool,
    only: Option<Vec<String>>,
    except: Option<Vec<String>>,
}

impl Resource {
    fn new(entity: &str, singleton: bool, shallow: bool, opts: &Opts) -> Resource {
        let name = opts.str("as").unwrap_or_else(|| entity.to_string());
        let plural = if singleton { pluralize(&name) } else { name.clone() };
        Resource {
            path: opts.str("path").unwrap_or_else(|| entity.to_string()),
            controller: opts.str("controller").unwrap_or_else(|| {
                if singleton {
                    // `SingletonResource` pluralizes the entity name...
                    pluralize(entity)
                } else {
                    entity.to_string()
                }
            }),
            param: opts.str("param").unwrap_or_else(|| "id".to_string()),
            singleton,
            shallow,
            only: opts.get("only").map(names_of),
            except: opts.get("except").map(names_of),
            name: if singleton { name } else { plural },
        }
    }
    fn plural(&self) -> String {
        if self.singleton {
            pluralize(&self.name)
        } else {
            self.name.clone()
        }
    }
    fn singular(&self) -> String {
        if self.singleton {
            self.name.clone()
        } else {
            singularize(&self.name)
        }
    }
    fn collection_name(&self) -> String {
        if self.singleton {
            return self.singular();
        }
        let (s, p) = (self.singular(), self.plural());
        if s == p { format!("{p}_index") } else { p }
    }
    fn member_scope(&self) -> String {
        if self.singleton {
            self.path.clone()
        } else {
            format!("{}/:{}", self.path, self.param)
        }
    }
    fn nested_scope(&self) -> String {
        if self.singleton {
            self.path.clone()
        } else {
            format!("{}/:{}_{}", self.path, self.singular(), self.param)
        }
    }
    fn actions(&self) -> Vec<&str> {
        let defaults: &[&str] = if self.singleton {
            &["show", "create", "update", "destroy", "new", "edit"]
        } else {
            &["index", "create", "new", "show", "update", "destroy", "edit"]
        };
        let available: Vec<&str> = match &self.only {
            Some(o) => o.iter().map(|s| s.as_str()).collect(),
            None => defaults.to_vec(),
        };
        match &self.except {
            Some(e) => available
                .into_iter()
                .filter(|a| !e.iter().any(|x| x == a))
                .collect(),
            None => available,
        }
    }
    fn has(&self, action: &str) -> bool {
        self.actions().contains(&action)
    }
}

/// One scope frame: a key is looked up in the innermost frame that sets
/// it. `Some(None)` is a key set to nil (a shallow scope's path).
#[derive(Clone, Debug, Default)]
struct Frame {
    level: Level,
    path: Option<Option<String>>,
    as_: Option<Option<String>>,
    module: Option<String>,
    controller: Option<String>,
    action: Option<String>,
    shallow: Option<bool>,
    shallow_path: Option<String>,
    shallow_prefix: Option<String>,
    format: Option<RVal>,
    via: Option<RVal>,
    to: Option<RVal>,
    path_names: Option<Vec<(String, String)>>,
    action_options: Option<Opts>,
    resource: Option<Rc<Resource>>,
    /// `with_options`: options merged into every call inside.
    with_options: Option<Opts>,
}

/// Keyword options of a call, in order (symbol keys as `Sym`, string keys
/// as `Str`).
#[derive(Clone, Debug, Default)]
struct Opts(Vec<(RVal, RVal)>);

fn key_is(k: &RVal, name: &str) -> bool {
    matches!(k, RVal::Sym(s) if s == name)
}

fn text_of(v: &RVal) -> Option<String> {
    match v {
        RVal::Str(s) | RVal::Sym(s) => Some(s.clone()),
        RVal::Int(s) => Some(s.clone()),
        _ => None,
    }
}

fn names_of(v: &RVal) -> Vec<String> {
    match v {
        RVal::List(l) => l.iter().filter_map(text_of).collect(),
        other => text_of(other).into_iter().collect(),
    }
}

fn truthy(v: &RVal) -> bool {
    !matches!(v, RVal::Nil | RVal::Bool(false))
}

impl Opts {
    fn get(&self, k: &str) -> Option<&RVal> {
        self.0.iter().find(|(key, _)| key_is(key, k)).map(|(_, v)| v)
    }
    fn has(&self, k: &str) -> bool {
        self.get(k).is_some()
    }
    fn str(&self, k: &str) -> Option<String> {
        self.get(k).and_then(text_of)
    }
    fn remove(&mut self, k: &str) -> Option<RVal> {
        let i = self.0.iter().position(|(key, _)| key_is(key, k))?;
        Some(self.0.remove(i).1)
    }
    fn set(&mut self, k: &str, v: RVal) {
        match self.0.iter_mut().find(|(key, _)| key_is(key, k)) {
            Some(e) => e.1 = v,
            None => self.0.push((RVal::Sym(k.to_string()), v)),
        }
    }
    fn set_default(&mut self, k: &str, v: RVal) {
        if !self.has(k) {
            self.0.push((RVal::Sym(k.to_string()), v));
        }
    }
}

/// `extract_options!`: a trailing hash is the options.
fn split(args: &[RVal]) -> (Vec<RVal>, Opts) {
    match args.split_last() {
        Some((RVal::Hash(h), rest)) => (rest.to_vec(), Opts(h.clone())),
        _ => (args.to_vec(), Opts::default()),
    }
}

/// `Journey::Router::Utils.normalize_path` then `Mapper.normalize_path`.
pub fn normalize_path(path: &str) -> String {
    let mut p = String::with_capacity(path.len() + 1);
    p.push('/');
    for c in path.chars() {
        if c == '/' && p.ends_with('/') {
            continue;
        }
        p.push(c);
    }
    if p != "/" && p.ends_with('/') {
        p.pop();
    }
    // `/(` (and `/((`, with an optional `/` after) becomes `(/`.
    let b: Vec<char> = p.chars().collect();
    let mut out = String::with_capacity(p.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == '/' && b.get(i + 1) == Some(&'(') {
            let mut j = i + 1;
            while b.get(j) == Some(&'(') {
                j += 1;
            }
            out.extend(&b[i + 1..j]);
            out.push('/');
            i = if b.get(j) == Some(&'/') { j + 1 } else { j };
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    // A path of optional segments only keeps a leading `/`.
    if all_optional(&out)
        && let Some(rest) = out.strip_prefix('(')
    {
        let opens = 1 + rest.chars().take_while(|c| *c == '(').count();
        if out[opens..].starts_with('/') {
            out = format!("/{}{}", &out[..opens], &out[opens + 1..]);
        }
    }
    out
}

/// `^(\(+[^)]+\))(\(+/:[^)]+\))*$`
fn all_optional(p: &str) -> bool {
    let b = p.as_bytes();
    let group = |i: usize, need_param: bool| -> Option<usize> {
        let mut j = i;
        while b.get(j) == Some(&b'(') {
            j += 1;
        }
        if j == i {
            return None;
        }
        if need_param {
            if b.get(j) != Some(&b'/') || b.get(j + 1) != Some(&b':') {
                return None;
            }
            j += 2;
        }
        let start = j;
        while j < b.len() && b[j] != b')' {
            j += 1;
        }
        if j == start || j >= b.len() {
            return None;
        }
        Some(j + 1)
    };
    let Some(mut i) = group(0, false) else {
        return false;
    };
    while i < b.len() {
        match group(i, true) {
            Some(j) => i = j,
            None => return false,
        }
    }
    true
}

fn normalize_name(name: &str) -> String {
    normalize_path(name)[1..].replace('/', "_")
}

/// The controller path of a controller class (the inverse of
/// `controller_class`): `Admin::ReportsController` → `admin/reports`.
pub fn controller_path(class: &str) -> Option<String> {
    let base = class.trim_start_matches("::").strip_suffix("Controller")?;
    if base.is_empty() || base.ends_with("::") {
        return None;
    }
    Some(
        base.split("::")
            .map(underscore_const)
            .collect::<Vec<_>>()
            .join("/"),
    )
}

/// `ActiveSupport::Inflector.underscore` of a constant path, `/` → `_`.
/// `Spree::Core::Engine` → `spree/core/engine` (the path Rails loads it
/// from).
pub fn underscore_path(c: &str) -> String {
    c.trim_start_matches("::")
        .split("::")
        .map(underscore_const)
        .collect::<Vec<_>>()
        .join("/")
}

fn underscore_const(c: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = c.trim_start_matches("::").chars().collect();
    for (i, ch) in chars.iter().enumerate() {
        if *ch == ':' {
            if out.ends_with('_') || chars.get(i + 1) != Some(&':') {
                continue;
            }
            out.push('_');
            continue;
        }
        if ch.is_uppercase() {
            let prev = if i > 0 { chars.get(i - 1) } else { None };
            let next = chars.get(i + 1);
            if let Some(p) = prev
                && *p != ':'
                && (p.is_lowercase() || p.is_ascii_digit() || next.is_some_and(|n| n.is_lowercase()))
            {
                out.push('_');
            }
            out.extend(ch.to_lowercase());
        } else {
            out.push(*ch);
        }
    }
    out
}

/// What `match` was given as the route's path or action.
#[derive(Clone, Debug)]
enum PathArg {
    Str(String),
    Sym(String),
}

impl PathArg {
    fn text(&self) -> &str {
        match self {
            PathArg::Str(s) | PathArg::Sym(s) => s,
        }
    }
}

struct Mapper<'a, 'l> {
    frames: Vec<Frame>,
    names: HashSet<String>,
    out: Table,
    concerns: BTreeMap<String, (u32, &'a [RouteCall])>,
    file: u32,
    load: &'l Loader<'a>,
    draw_depth: usize,
}

macro_rules! lookup {
    ($self:ident, $field:ident) => {
        $self.frames.iter().rev().find_map(|f| f.$field.clone())
    };
}

impl<'a> Mapper<'a, '_> {
    fn level(&self) -> Level {
        self.frames.last().map(|f| f.level).unwrap_or_default()
    }
    fn scope_path(&self) -> Option<String> {
        lookup!(self, path).flatten()
    }
    fn scope_as(&self) -> Option<String> {
        lookup!(self, as_).flatten()
    }
    fn resource(&self) -> Option<Rc<Resource>> {
        lookup!(self, resource)
    }
    fn resource_scope(&self) -> bool {
        matches!(self.level(), Level::Resources | Level::Resource)
    }
    fn push(&mut self, mut f: Frame) {
        f.level = self.level();
        self.frames.push(f);
    }
    fn push_level(&mut self, level: Level) {
        self.frames.push(Frame {
            level,
            ..Frame::default()
        });
    }
    fn push_path(&mut self, p: &str) {
        let merged = normalize_path(&format!("{}/{}", self.scope_path().unwrap_or_default(), p));
        self.push(Frame {
            path: Some(Some(merged)),
            ..Frame::default()
        });
    }
    fn shallow(&self) -> bool {
        self.resource().is_some_and(|r| !r.singleton) && lookup!(self, shallow).unwrap_or(false)
    }
    fn push_shallow_scope(&mut self) {
        let f = Frame {
            as_: Some(lookup!(self, shallow_prefix)),
            path: Some(lookup!(self, shallow_path)),
            ..Frame::default()
        };
        self.push(f);
    }
    fn unread(&mut self, line: u32, what: String) {
        self.out.unread.push((self.file, line, what));
    }

    fn run(&mut self, calls: &'a [RouteCall]) {
        for c in calls {
            self.call(c);
        }
    }

    fn block(&mut self, c: &'a RouteCall) {
        if let Some(b) = &c.block {
            self.run(b);
        }
    }

    /// The call's arguments, with the options of enclosing `with_options`.
    fn args(&self, c: &RouteCall) -> (Vec<RVal>, Opts) {
        let (pos, mut opts) = split(&c.args);
        for f in self.frames.iter().rev() {
            if let Some(w) = &f.with_options {
                for (k, v) in &w.0 {
                    if !opts.0.iter().any(|(k2, _)| k2 == k) {
                        opts.0.push((k.clone(), v.clone()));
                    }
                }
            }
        }
        (pos, opts)
    }

    fn call(&mut self, c: &'a RouteCall) {
        let base = self.frames.len();
        let (pos, opts) = self.args(c);
        match c.name.as_str() {
            "resources" | "resource" => {
                let names: Vec<String> = pos.iter().flat_map(names_of).collect();
                self.resources(c.name == "resource", names, opts, c);
            }
            "namespace" => match pos.first().and_then(text_of) {
                Some(name) => self.namespace(&name, opts, c),
                None => self.unread(c.line, "`namespace` without a literal name".to_string()),
            },
            "scope" => {
                self.scope(pos, opts);
                self.block(c);
            }
            "controller" => match pos.first().and_then(text_of) {
                Some(name) => {
                    self.push(Frame {
                        controller: Some(name),
                        ..Frame::default()
                    });
                    if !opts.0.is_empty() {
                        self.scope(Vec::new(), opts);
                    }
                    self.block(c);
                }
                None => self.unread(c.line, "`controller` without a literal name".to_string()),
            },
            "constraints" | "defaults" => {
                // Neither changes a path or a name; the routes inside count.
                self.block(c);
            }
            "shallow" => {
                self.push(Frame {
                    shallow: Some(true),
                    ..Frame::default()
                });
                self.block(c);
            }
            "with_options" => {
                self.push(Frame {
                    with_options: Some(opts),
                    ..Frame::default()
                });
                self.block(c);
            }
            "member" | "collection" | "new" | "nested" => {
                if !self.resource_scope() {
                    self.unread(c.line, format!("`{}` outside a resource", c.name));
                } else {
                    self.enter(&c.name);
                    self.block(c);
                }
            }
            "get" | "post" | "patch" | "put" | "delete" | "options" | "head" | "match" => {
                let mut opts = opts;
                if c.name != "match" {
                    opts.set("via", RVal::Sym(c.name.clone()));
                }
                self.match_(pos, opts, c.line);
            }
            "root" => self.root(pos, opts, c.line),
            "mount" => self.mount(pos, opts, c.line),
            "concern" => {
                if let (Some(name), Some(b)) = (pos.first().and_then(text_of), &c.block) {
                    self.concerns.insert(name, (self.file, b.as_slice()));
                } else {
                    self.unread(c.line, "`concern` without a literal name and a block".to_string());
                }
            }
            "concerns" => {
                let names: Vec<String> = pos.iter().flat_map(names_of).collect();
                self.concerns(&names, c.line);
            }
            "draw" => match pos.first().and_then(text_of) {
                Some(name) => self.draw(&name, c.line),
                None => self.unread(c.line, "`draw` with a computed name".to_string()),
            },
            // Named URL helpers and settings: no route.
            "direct"
            | "resolve"
            | "default_url_options"
            | "default_url_options="
            | "require"
            | "require_relative"
            | "puts"
            | "raise" => {}
            other => self.unread(
                c.line,
                format!("`{other}` (not part of the Rails routing DSL: a gem's helper?)"),
            ),
        }
        self.frames.truncate(base);
    }

    fn concerns(&mut self, names: &[String], line: u32) {
        for n in names {
            match self.concerns.get(n).copied() {
                Some((file, calls)) => {
                    let saved = std::mem::replace(&mut self.file, file);
                    self.run(calls);
                    self.file = saved;
                }
                None => self.unread(line, format!("concern `{n}` is not defined before its use")),
            }
        }
    }

    fn draw(&mut self, name: &str, line: u32) {
        if self.draw_depth >= MAX_DRAW_DEPTH {
            self.unread(line, format!("`draw(:{name})` nests too deep"));
            return;
        }
        match (self.load)(name) {
            Some((file, calls)) => {
                let saved = std::mem::replace(&mut self.file, file);
                self.draw_depth += 1;
                self.run(calls);
                self.draw_depth -= 1;
                self.file = saved;
            }
            None => self.unread(line, format!("`draw(:{name})`: no config/routes/{name}.rb")),
        }
    }

    /// `member`, `collection`, `new`, `nested`: push their frames.
    fn enter(&mut self, kind: &str) {
        let Some(res) = self.resource() else { return };
        match kind {
            "member" => {
                self.push_level(Level::Member);
                if self.shallow() {
                    self.push_shallow_scope();
                }
                self.push_path(&res.member_scope());
            }
            "collection" => {
                self.push_level(Level::Collection);
                self.push_path(&res.path);
            }
            "new" => {
                self.push_level(Level::New);
                let new = self.action_path("new");
                self.push_path(&format!("{}/{}", res.path, new));
            }
            _ => {
                self.push_level(Level::Nested);
                let depth = self
                    .frames
                    .iter()
                    .filter(|f| f.resource.as_ref().is_some_and(|r| r.shallow))
                    .count();
                if self.shallow() && depth >= 1 {
                    self.push_shallow_scope();
                }
                self.push_path(&res.nested_scope());
                let as_ = merge_as(self.scope_as(), Some(res.singular()));
                self.push(Frame {
                    as_: Some(as_),
                    ..Frame::default()
                });
            }
        }
    }

    fn action_path(&self, name: &str) -> String {
        lookup!(self, path_names)
            .and_then(|p| p.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
            .unwrap_or_else(|| name.to_string())
    }

    /// `scope(*args, options)`: one frame with the merged values.
    fn scope(&mut self, pos: Vec<RVal>, mut opts: Opts) {
        if !pos.is_empty() {
            let p: Vec<String> = pos.iter().flat_map(names_of).collect();
            opts.set("path", RVal::Str(p.join("/")));
        }
        if self.level() != Level::Nested {
            if let Some(p) = opts.get("path").cloned() {
                opts.set_default("shallow_path", p);
            }
            if let Some(a) = opts.get("as").cloned() {
                opts.set_default("shallow_prefix", a);
            }
        }
        let mut f = Frame::default();
        if opts.has("only") || opts.has("except") {
            let mut ao = Opts::default();
            for k in ["only", "except"] {
                if let Some(v) = opts.remove(k) {
                    ao.set(k, v);
                }
            }
            f.action_options = Some(ao);
        }
        if let Some(v) = opts.remove("path") {
            f.path = Some(Some(normalize_path(&format!(
                "{}/{}",
                self.scope_path().unwrap_or_default(),
                text_of(&v).unwrap_or_default()
            ))));
        }
        if let Some(v) = opts.remove("shallow_path") {
            f.shallow_path = Some(normalize_path(&format!(
                "{}/{}",
                lookup!(self, shallow_path).unwrap_or_default(),
                text_of(&v).unwrap_or_default()
            )));
        }
        if let Some(v) = opts.remove("as") {
            f.as_ = Some(merge_as(self.scope_as(), text_of(&v)));
        }
        if let Some(v) = opts.remove("shallow_prefix") {
            f.shallow_prefix = merge_as(lookup!(self, shallow_prefix), text_of(&v));
        }
        if let Some(v) = opts.remove("module") {
            let child = text_of(&v);
            f.module = match (lookup!(self, module), child) {
                (Some(p), Some(c)) => Some(format!("{p}/{c}")),
                (None, c) => c,
                (Some(p), None) => Some(format!("{p}/")),
            };
        }
        if let Some(v) = opts.remove("controller") {
            f.controller = text_of(&v);
        }
        if let Some(v) = opts.remove("action") {
            f.action = text_of(&v);
        }
        if let Some(RVal::Hash(h)) = opts.remove("path_names") {
            let mut merged = lookup!(self, path_names).unwrap_or_default();
            for (k, v) in h {
                if let (Some(k), Some(v)) = (text_of(&k), text_of(&v)) {
                    merged.retain(|(k2, _)| *k2 != k);
                    merged.push((k, v));
                }
            }
            f.path_names = Some(merged);
        }
        if let Some(v) = opts.remove("shallow") {
            f.shallow = Some(truthy(&v));
        }
        f.via = opts.remove("via");
        f.format = opts.remove("format");
        f.to = opts.remove("to");
        self.push(f);
    }

    fn namespace(&mut self, name: &str, mut opts: Opts, c: &'a RouteCall) {
        // Inside `resource(s)`, a namespace nests under the member.
        if self.resource_scope() {
            self.enter("nested");
        }
        let as_ = opts.get("as").cloned().unwrap_or(RVal::Str(name.to_string()));
        let path = opts.remove("path").unwrap_or(RVal::Str(name.to_string()));
        let mut scope = Opts::default();
        scope.set("module", RVal::Str(name.to_string()));
        scope.set("as", as_.clone());
        scope.set("shallow_path", path.clone());
        scope.set("shallow_prefix", as_);
        for (k, v) in opts.0 {
            if let RVal::Sym(k) = &k {
                scope.set(k, v);
            }
        }
        self.push_path(&text_of(&path).unwrap_or_default());
        self.scope(Vec::new(), scope);
        self.block(c);
    }

    fn resources(&mut self, singleton: bool, names: Vec<String>, mut opts: Opts, c: &'a RouteCall) {
        if names.len() > 1 {
            for n in names {
                let base = self.frames.len();
                self.resources(singleton, vec![n], opts.clone(), c);
                self.frames.truncate(base);
            }
            return;
        }
        let Some(name) = names.into_iter().next() else {
            self.unread(c.line, format!("`{}` without a literal name", c.name));
            return;
        };
        if opts.get("shallow").is_some_and(truthy) {
            opts.remove("shallow");
            self.push(Frame {
                shallow: Some(true),
                ..Frame::default()
            });
            return self.resources(singleton, vec![name], opts, c);
        }
        if self.resource_scope() {
            self.enter("nested");
            return self.resources(singleton, vec![name], opts, c);
        }
        let mut scope_opts = Opts::default();
        let mut res_opts = Opts::default();
        for (k, v) in opts.0 {
            match &k {
                RVal::Sym(s) if RESOURCE_OPTIONS.contains(&s.as_str()) => res_opts.0.push((k, v)),
                // A regexp option is a constraint on its segment.
                _ if matches!(&v, RVal::Expr(e) if e.starts_with('/') || e.starts_with("%r")) => {}
                _ => scope_opts.0.push((k, v)),
            }
        }
        if !scope_opts.0.is_empty() {
            self.scope(Vec::new(), scope_opts);
            return self.resources(singleton, vec![name], res_opts, c);
        }
        let mut opts = res_opts;
        self.push_level(if singleton {
            Level::Resource
        } else {
            Level::Resources
        });
        if !opts.has("only")
            && !opts.has("except")
            && let Some(ao) = lookup!(self, action_options)
        {
            for (k, v) in ao.0 {
                opts.0.push((k, v));
            }
        }
        let shallow = lookup!(self, shallow).unwrap_or(false);
        let res = Rc::new(Resource::new(&name, singleton, shallow, &opts));
        self.push(Frame {
            resource: Some(res.clone()),
            ..Frame::default()
        });
        self.push(Frame {
            controller: Some(res.controller.clone()),
            ..Frame::default()
        });
        self.block(c);
        if let Some(cs) = opts.get("concerns") {
            let names = names_of(cs);
            self.concerns(&names, c.line);
        }
        let line = c.line;
        let default = |m: &mut Self, kind: &str, routes: &[(&str, &str)]| {
            let base = m.frames.len();
            m.enter(kind);
            for (verb, action) in routes {
                let mut o = Opts::default();
                o.set("via", RVal::Sym(verb.to_string()));
                m.match_(vec![RVal::Sym(action.to_string())], o, line);
            }
            m.frames.truncate(base);
        };
        let member: Vec<(&str, &str)> = [
            ("get", "edit"),
            ("get", "show"),
            ("patch", "update"),
            ("put", "update"),
            ("delete", "destroy"),
        ]
        .into_iter()
        .filter(|(_, a)| res.has(a))
        .collect();
        if !singleton {
            let coll: Vec<(&str, &str)> = [("get", "index"), ("post", "create")]
                .into_iter()
                .filter(|(_, a)| res.has(a))
                .collect();
            default(self, "collection", &coll);
            if res.has("new") {
                default(self, "new", &[("get", "new")]);
            }
            default(self, "member", &member);
        } else {
            if res.has("new") {
                default(self, "new", &[("get", "new")]);
            }
            default(self, "member", &member);
            if res.has("create") {
                default(self, "collection", &[("post", "create")]);
            }
        }
    }

    fn root(&mut self, pos: Vec<RVal>, mut opts: Opts, line: u32) {
        match pos.first() {
            Some(RVal::Str(to)) => opts.set("to", RVal::Str(to.clone())),
            Some(_) => {
                self.unread(line, "`root` with a computed target".to_string());
                return;
            }
            None => {}
        }
        let mut o = Opts::default();
        o.set("as", RVal::Sym("root".to_string()));
        o.set("via", RVal::Sym("get".to_string()));
        for (k, v) in opts.0 {
            if let RVal::Sym(k) = &k {
                o.set(k, v);
            }
        }
        if self.level() == Level::Resources
            && let Some(res) = self.resource()
        {
            self.push_level(Level::Root);
            self.push_path(&res.path);
        }
        self.match_(vec![RVal::Str("/".to_string())], o, line);
    }

    fn mount(&mut self, pos: Vec<RVal>, mut opts: Opts, line: u32) {
        let (app, path) = match pos.first() {
            Some(app) => (app.clone(), opts.remove("at")),
            None => {
                // `mount App => '/path'`: the first key that is an app.
                match opts
                    .0
                    .iter()
                    .position(|(k, _)| matches!(k, RVal::Const(_) | RVal::Expr(_)))
                {
                    Some(i) => {
                        let (k, v) = opts.0.remove(i);
                        (k, Some(v))
                    }
                    None => {
                        self.unread(line, "`mount` without an app".to_string());
                        return;
                    }
                }
            }
        };
        let Some(path) = path.as_ref().and_then(text_of) else {
            self.unread(line, "`mount` without a literal mount point".to_string());
            return;
        };
        let app_text = match &app {
            RVal::Const(c) | RVal::Expr(c) => c.clone(),
            other => text_of(other).unwrap_or_default(),
        };
        if !opts.has("as") {
            // `app_name`: a class is named after itself (an instance,
            // `Foo.new`, has no name).
            if let RVal::Const(c) = &app
                && !c.contains('.')
            {
                opts.set("as", RVal::Str(underscore_const(c)));
            }
        }
        opts.set_default("via", RVal::Sym("all".to_string()));
        opts.set("to", RVal::Const(app_text));
        opts.set("format", RVal::Bool(false));
        let path = if path.starts_with('/') {
            path
        } else {
            format!("/{path}")
        };
        self.match_(vec![RVal::Str(path)], opts, line);
    }

    /// `match(path, *rest, options)`.
    fn match_(&mut self, pos: Vec<RVal>, mut opts: Opts, line: u32) {
        let paths: Vec<RVal> = if pos.is_empty() {
            // `get 'path' => 'c#a', as: :x`
            let Some(i) = opts.0.iter().position(|(k, _)| matches!(k, RVal::Str(_))) else {
                self.unread(line, "route without a path".to_string());
                return;
            };
            let (path, to) = opts.0.remove(i);
            match to {
                RVal::Sym(a) => opts.set("action", RVal::Sym(a)),
                RVal::Str(s) if s.contains('#') => opts.set("to", RVal::Str(s)),
                RVal::Str(s) => opts.set("controller", RVal::Str(s)),
                other => opts.set("to", other),
            }
            vec![path]
        } else {
            pos.into_iter()
                .flat_map(|p| match p {
                    RVal::List(l) => l,
                    other => vec![other],
                })
                .collect()
        };
        opts.remove("defaults");
        self.map_match(paths, opts, line);
    }

    fn map_match(&mut self, paths: Vec<RVal>, mut opts: Opts, line: u32) {
        if let Some(t) = lookup!(self, to) {
            opts.set_default("to", t);
        }
        if let (Some(c), Some(a)) = (lookup!(self, controller), lookup!(self, action)) {
            opts.set_default("to", RVal::Str(format!("{c}#{a}")));
        }
        let controller = opts
            .remove("controller")
            .and_then(|c| text_of(&c))
            .or_else(|| lookup!(self, controller));
        let option_path = opts.remove("path").and_then(|p| text_of(&p));
        let mut to = opts.remove("to");
        let via = opts.remove("via").or_else(|| lookup!(self, via));
        let formatted = opts.remove("format").or_else(|| lookup!(self, format));
        opts.remove("anchor");
        opts.remove("constraints");
        let mut strings = Vec::new();
        let mut symbols = Vec::new();
        for p in paths {
            match p {
                RVal::Str(s) => strings.push(s),
                RVal::Sym(s) => symbols.push(s),
                other => self.unread(line, format!("route path `{other:?}` is not a literal")),
            }
        }
        for s in strings {
            to = to_from_path(&s, to, opts.get("action"));
            let ctx = RouteCtx {
                controller: controller.clone(),
                opts: opts.clone(),
                path: Some(s.clone()),
                to: to.clone(),
                via: via.clone(),
                formatted: formatted.clone(),
                line,
            };
            self.decomposed(PathArg::Str(s), ctx);
        }
        for s in symbols {
            let ctx = RouteCtx {
                controller: controller.clone(),
                opts: opts.clone(),
                path: option_path.clone(),
                to: to.clone(),
                via: via.clone(),
                formatted: formatted.clone(),
                line,
            };
            self.decomposed(PathArg::Sym(s), ctx);
        }
    }

    fn decomposed(&mut self, action: PathArg, mut ctx: RouteCtx) {
        let base = self.frames.len();
        if let Some(on) = ctx.opts.remove("on") {
            match text_of(&on).as_deref() {
                Some(k @ ("member" | "collection" | "new")) if self.resource().is_some() => {
                    self.enter(k);
                    self.decomposed(action, ctx);
                }
                _ => self.unread(ctx.line, format!("`on: {on:?}` outside a resource")),
            }
        } else {
            match self.level() {
                Level::Resources => {
                    self.enter("nested");
                    self.decomposed(action, ctx);
                }
                Level::Resource => {
                    self.enter("member");
                    self.decomposed(action, ctx);
                }
                _ => self.add_route(action, ctx),
            }
        }
        self.frames.truncate(base);
    }

    fn canonical(&self, action: &str) -> bool {
        matches!(self.level(), Level::Collection | Level::Member | Level::New)
            && CANONICAL_ACTIONS.contains(&action)
    }

    fn add_route(&mut self, action: PathArg, mut ctx: RouteCtx) {
        let action_s = action.text().to_string();
        let path = match &ctx.path {
            Some(p) => format!("{}/{}", self.scope_path().unwrap_or_default(), p),
            None if self.canonical(&action_s) => self.scope_path().unwrap_or_default(),
            None => format!(
                "{}/{}",
                self.scope_path().unwrap_or_default(),
                self.action_path(&action_s)
            ),
        };
        let mut default_action = ctx
            .opts
            .remove("action")
            .and_then(|a| text_of(&a))
            .or_else(|| lookup!(self, action));
        let word = !action_s.is_empty()
            && action_s
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '/');
        let action_opt = if word {
            if default_action.is_none() && !action_s.contains('/') {
                default_action = Some(action_s.replace('-', "_"));
            }
            Some(action_s.clone())
        } else {
            None
        };
        let name = match ctx.opts.remove("as") {
            Some(RVal::Nil) | Some(RVal::Bool(false)) => None,
            Some(v) => self.name_for_action(text_of(&v), action_opt.as_deref()),
            None => self.name_for_action(None, action_opt.as_deref()),
        };
        let mut path = normalize_path(&path);
        if let Some(p) = path.strip_suffix("(.:format)") {
            path = p.to_string();
        }
        if matches!(ctx.formatted, Some(RVal::Bool(true))) {
            path.push_str(".:format");
        }
        let target = match &ctx.to {
            Some(RVal::Str(s)) if s.contains('#') => {
                let (c, a) = s.split_once('#').unwrap_or((s, ""));
                Target::Action {
                    controller: self.with_module(c),
                    action: a.to_string(),
                }
            }
            Some(RVal::Expr(e)) if e.starts_with("redirect") => Target::Redirect,
            Some(RVal::Const(c)) | Some(RVal::Expr(c)) => Target::Mounted(c.clone()),
            Some(other) => {
                self.unread(
                    ctx.line,
                    format!("`to: {other:?}` is neither `controller#action` nor an app"),
                );
                return;
            }
            // No controller: the scope's module stands for it
            // (`namespace :webhooks do post "stripe" end`).
            None => match (
                ctx.controller
                    .clone()
                    .or_else(|| lookup!(self, module).map(|_| String::new())),
                &default_action,
            ) {
                (Some(c), Some(a)) => Target::Action {
                    controller: self.with_module(&c),
                    action: a.clone(),
                },
                _ => {
                    self.unread(ctx.line, format!("route `{path}` names no controller or action"));
                    return;
                }
            },
        };
        let verb = match ctx.via.take() {
            Some(v) => {
                let verbs: Vec<String> = names_of(&v).iter().map(|s| s.to_uppercase()).collect();
                if verbs.is_empty() || verbs.iter().any(|v| v == "ALL") {
                    "ANY".to_string()
                } else {
                    verbs.join("|")
                }
            }
            None => {
                self.unread(ctx.line, format!("`match '{path}'` without `via:`"));
                return;
            }
        };
        if let Some(n) = &name {
            self.names.insert(n.clone());
        }
        self.out.routes.push(Route {
            verb,
            path,
            target,
            name,
            file: self.file,
            line: ctx.line,
        });
    }

    fn with_module(&self, controller: &str) -> String {
        if let Some(c) = controller.strip_prefix('/') {
            return c.to_string();
        }
        match lookup!(self, module) {
            Some(m) if controller.is_empty() => m,
            Some(m) => format!("{m}/{controller}"),
            None => controller.to_string(),
        }
    }

    fn name_for_action(&self, as_: Option<String>, action: Option<&str>) -> Option<String> {
        let prefix = match (&as_, action) {
            (Some(a), _) => Some(a.clone()),
            (None, Some(a)) if !self.canonical(a) => Some(a.to_string()),
            _ => None,
        }
        .filter(|p| p != "/" && !p.is_empty())
        .map(|p| normalize_name(&p.replace('-', "_")));
        let name_prefix = self.scope_as();
        let (mut collection, mut member) = (None, None);
        if let Some(r) = self.resource() {
            if as_.is_none() && action.is_none() {
                return None;
            }
            collection = Some(r.collection_name());
            member = Some(r.singular());
        }
        let parts: Vec<Option<String>> = match self.level() {
            Level::Nested => vec![name_prefix, prefix],
            Level::Collection => vec![prefix, name_prefix, collection],
            Level::New => vec![prefix, Some("new".to_string()), name_prefix, member],
            Level::Member => vec![prefix, name_prefix, member],
            Level::Root => vec![name_prefix, collection, prefix],
            _ => vec![name_prefix, member, prefix],
        };
        let candidate = parts
            .into_iter()
            .flatten()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("_");
        if candidate.is_empty() {
            return None;
        }
        if as_.is_none() {
            let ok_start = candidate.starts_with(|c: char| c == '_' || c.is_ascii_alphabetic());
            if !ok_start || self.names.contains(&candidate) {
                return None;
            }
        }
        Some(candidate)
    }
}

struct RouteCtx {
    controller: Option<String>,
    opts: Opts,
    path: Option<String>,
    to: Option<RVal>,
    via: Option<RVal>,
    formatted: Option<RVal>,
    line: u32,
}

fn merge_as(parent: Option<String>, child: Option<String>) -> Option<String> {
    match parent {
        Some(p) => Some(format!("{p}_{}", child.unwrap_or_default())),
        None => child,
    }
}

/// `get 'photos/search'` means `photos#search` (`get_to_from_path`).
fn to_from_path(path: &str, to: Option<RVal>, action: Option<&RVal>) -> Option<RVal> {
    if to.is_some() || action.is_some() {
        return to;
    }
    let p = path.strip_suffix("(.:format)").unwrap_or(path);
    let q = p.strip_prefix('/').unwrap_or(p);
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    let (first, rest) = q.split_once('/')?;
    if first.is_empty()
        || !first.chars().all(word)
        || rest.is_empty()
        || !rest.chars().all(|c| word(c) || c == '/')
    {
        return None;
    }
    let (c, a) = q.rsplit_once('/')?;
    Some(RVal::Str(format!("{c}#{a}").replace('-', "_")))
}

/// Is this a routes file: `config/routes.rb`, a file under
/// `config/routes/` (loaded with `draw`), or another `config/*routes*.rb`
/// (loaded through `config.paths["config/routes.rb"]`)? Engines' routes
/// (`engines/x/config/routes.rb`) count too.
pub fn is_routes_file(path: &str) -> bool {
    if !path.ends_with(".rb") {
        return false;
    }
    let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
    (dir == "config" || dir.ends_with("/config")) && file.contains("routes")
        || path.starts_with("config/routes/")
        || path.contains("/config/routes/")
}

/// A routes file that is drawn into another (`config/routes/x.rb`): its
/// name for `draw` and the directory its app's `config/` is in.
fn drawn_name(path: &str) -> Option<(&str, &str)> {
    let i = path
        .find("config/routes/")
        .filter(|&i| i == 0 || path[..i].ends_with('/'))?;
    let name = path[i + "config/routes/".len()..].strip_suffix(".rb")?;
    Some((&path[..i], name))
}

/// The route tables of a workspace: every main routes file (one per app,
/// plus extra files loaded through `config.paths`) interpreted with
/// `draw(:name)` resolved to `config/routes/name.rb` of the same repo and
/// app. `files` and `calls` are parallel (the fact index's files);
/// `Route::file` is an index into them. `modules` (parallel too, or empty):
/// the module of the isolated engine a file draws its routes on
/// (`isolate_namespace Spree` → `spree`), which scopes its controllers as
/// Rails' `default_scope` does (`api/users` → `spree/api/users`).
///
/// A file of `config/routes/` is drawn into another by `draw(:name)`,
/// unless it draws its routes itself (`standalone[i]`: an app that loads
/// several route files through `config.paths["config/routes.rb"]`, or an
/// engine's routes reopened by the app, `Spree::Core::Engine.routes.draw`
/// in `config/routes/spree.rb`).
pub fn workspace_table(
    files: &[(u32, &str)],
    calls: &[&[RouteCall]],
    modules: &[Option<String>],
    standalone: &[bool],
) -> Table {
    let mut out = Table::default();
    // The names some file draws (`draw(:admin)`), by repo: a partial that
    // also wraps itself in `routes.draw` is still drawn there, not twice.
    let mut drawn: HashSet<(u32, String)> = HashSet::default();
    for (i, (repo, _)) in files.iter().enumerate() {
        let mut stack: Vec<&RouteCall> = calls[i].iter().collect();
        while let Some(c) = stack.pop() {
            if c.name == "draw"
                && let Some(RVal::Sym(n) | RVal::Str(n)) = c.args.first()
            {
                drawn.insert((*repo, n.clone()));
            }
            stack.extend(c.block.iter().flatten());
        }
    }
    for (i, (repo, path)) in files.iter().enumerate() {
        let partial = drawn_name(path).is_some_and(|(_, name)| {
            !standalone.get(i).copied().unwrap_or(false) || drawn.contains(&(*repo, name.to_string()))
        });
        if !is_routes_file(path) || partial {
            continue;
        }
        let prefix = match path.rfind("config/") {
            Some(j) => &path[..j],
            None => "",
        };
        let load = |name: &str| {
            files.iter().enumerate().find_map(|(j, (r, p))| {
                (r == repo && drawn_name(p) == Some((prefix, name))).then(|| (j as u32, calls[j]))
            })
        };
        let module = modules.get(i).and_then(Option::as_ref);
        let scope = |module: &str, block: Vec<RouteCall>| RouteCall {
            name: "scope".to_string(),
            args: vec![RVal::Hash(vec![(
                RVal::Sym("module".to_string()),
                RVal::Str(module.to_string()),
            )])],
            line: block.first().map_or(1, |c| c.line),
            block: Some(block),
        };
        let scoped: Vec<RouteCall>;
        let own: &[RouteCall] = if calls[i]
            .iter()
            .any(|c| c.name == crate::lang::routes::ENGINE_DRAW)
        {
            // An app's routes and an engine's in one file: only the
            // engine's are in its isolated namespace.
            scoped = calls[i]
                .iter()
                .flat_map(|c| match (&c.block, module) {
                    (Some(b), Some(m)) if c.name == crate::lang::routes::ENGINE_DRAW => {
                        vec![scope(m, b.clone())]
                    }
                    (Some(b), None) if c.name == crate::lang::routes::ENGINE_DRAW => b.clone(),
                    _ => vec![c.clone()],
                })
                .collect();
            &scoped
        } else {
            match module {
                Some(m) => {
                    scoped = vec![scope(m, calls[i].to_vec())];
                    &scoped
                }
                None => calls[i],
            }
        };
        let t = table(i as u32, own, &load);
        out.routes.extend(t.routes);
        out.unread.extend(t.unread);
    }
    out
}

/// A path as segments for matching: scheme and host, query, fragment,
/// `(.:format)` and trailing slashes dropped.
pub fn segments(url: &str) -> Vec<&str> {
    let mut p = url;
    if let Some(i) = p.find("://") {
        p = &p[i + 3..];
        p = p.find('/').map(|j| &p[j..]).unwrap_or("");
    }
    if let Some(i) = p.find(['?', '#']) {
        p = &p[..i];
    }
    let p = p.strip_suffix("(.:format)").unwrap_or(p);
    p.split('/').filter(|s| !s.is_empty()).collect()
}

/// A segment that stands for any value: `:id`, `*path`, `{id}`, `[id]`,
/// `[...slug]`, `${id}`, `#{id}`.
pub fn is_placeholder(s: &str) -> bool {
    s.starts_with(':')
        || s.starts_with('*')
        || s.starts_with('{')
        || s.starts_with('[')
        || s.starts_with("${")
        || s.starts_with("#{")
}

/// The variants of a route path with its optional groups taken or left
/// (`/photos(/:page)` → `/photos`, `/photos/:page`); at most 16.
pub fn expand_optional(path: &str) -> Vec<String> {
    let Some(open) = path.find('(') else {
        return vec![path.to_string()];
    };
    // The matching close paren.
    let mut depth = 0;
    let mut close = None;
    for (i, c) in path[open..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    close = Some(open + i);
                    break;
                }
            }
            _ => {}
        }
    }
    let Some(close) = close else {
        return vec![path.to_string()];
    };
    let mut out = Vec::new();
    for with in [
        format!("{}{}", &path[..open], &path[close + 1..]),
        format!(
            "{}{}{}",
            &path[..open],
            &path[open + 1..close],
            &path[close + 1..]
        ),
    ] {
        for v in expand_optional(&with) {
            if out.len() < 16 && !out.contains(&v) {
                out.push(v);
            }
        }
    }
    out
}

/// Do two paths match segment by segment (a placeholder matches any
/// segment; a glob `*x` matches the rest)? With `suffix`, `client` may be
/// the tail of `route` (its prefix was held in a variable).
pub fn paths_match(route: &str, client: &str, suffix: bool) -> bool {
    let c = segments(client);
    expand_optional(route).iter().any(|r| {
        let r = segments(r);
        if segs_match(&r, &c) {
            return true;
        }
        // The client's path may be the end of the route's; that end must
        // hold a literal segment of its own.
        if !suffix || c.is_empty() || c.len() >= r.len() {
            return false;
        }
        let tail = &r[r.len() - c.len()..];
        tail.iter().any(|s| !is_placeholder(s)) && segs_match(tail, &c)
    })
}

/// Does the route serve `planned` only by taking one of its literal
/// segments as a placeholder's value (`/rooms/:id` for `/rooms/closeds`)?
/// The route's path helpers then fill that placeholder with a record, not
/// with the literal: they request other paths.
pub fn fills_literal(route: &str, planned: &str) -> bool {
    let p = segments(planned);
    let mut matched = false;
    for r in expand_optional(route) {
        let r = segments(&r);
        if !segs_match(&r, &p) {
            continue;
        }
        matched = true;
        let same_shape = r
            .iter()
            .zip(p.iter())
            .all(|(rs, ps)| !is_placeholder(rs) || is_placeholder(ps));
        if same_shape && !r.iter().any(|s| s.starts_with('*')) {
            return false;
        }
    }
    matched
}

/// Is the route declared with the planned path itself: segment by
/// segment a placeholder where `planned` has one, the same literal where
/// it has a literal (one of the route's optional variants)?
pub fn same_path(route: &str, planned: &str) -> bool {
    let p = segments(planned);
    expand_optional(route).iter().any(|r| {
        let r = segments(r);
        r.len() == p.len()
            && r.iter().zip(p.iter()).all(|(rs, ps)| {
                if is_placeholder(rs) || is_placeholder(ps) {
                    is_placeholder(rs) && is_placeholder(ps) && !rs.starts_with('*') && !ps.starts_with('*')
                } else {
                    rs == ps
                }
            })
    })
}

/// How many segments of a client path stand for the same thing in the
/// route, the paths aligned at their ends: a placeholder where the route
/// has one, a literal equal to the route's. `articles/:slug` is closer to
/// `/articles/:slug` (2) than to `/articles/feed` (1); `articles/feed`
/// closer to `/articles/feed` (2) than to `/articles/:slug` (1).
pub fn placeholders_aligned(route: &str, client: &str) -> usize {
    let (r, c) = (segments(route), segments(client));
    r.iter()
        .rev()
        .zip(c.iter().rev())
        .enumerate()
        .filter(|(i, (rs, cs))| {
            (is_placeholder(rs) && is_placeholder(cs))
                || (!is_placeholder(rs) && (*rs == *cs || (*i == 0 && format_stem(cs) == Some(**rs))))
        })
        .count()
}

/// Are the route's segments before a client path aligned at its end all
/// literals (`/api` of `/api/users/:userId` for `/users/:id`), so that the
/// unknown base the client's path was joined to can be a fixed one? A base
/// such as `/api/teams/:teamId` would hold a value of its own.
pub fn literal_base(route: &str, client: &str) -> bool {
    let (r, c) = (segments(route), segments(client));
    r.len() >= c.len() && r[..r.len() - c.len()].iter().all(|s| !is_placeholder(s))
}

/// The extensions a format segment (`(.:format)`) is spelled with: the
/// formats Rails registers (`Mime::Type`) and the usual custom ones. Any
/// other suffix is part of the path (`/users.delete`, `/api/auth.info` are
/// RPC-style names, not `/users` in a format).
const FORMATS: [&str; 45] = [
    "atom", "bmp", "css", "csv", "geojson", "gif", "gpx", "gz", "gzip", "htm", "html", "ics", "jpeg", "jpg",
    "js", "json", "jsonld", "kml", "m4a", "md", "mp3", "mp4", "ndjson", "ogg", "otf", "pdf", "png", "rss",
    "svg", "text", "tif", "tiff", "ttf", "txt", "vcf", "webm", "webp", "woff", "woff2", "xls", "xlsx", "xml",
    "yaml", "yml", "zip",
];

/// A client's last segment with a format extension (`map.json`,
/// `feed.rss`): the segment a Rails route (`(.:format)`) matches it with.
fn format_stem(seg: &str) -> Option<&str> {
    if is_placeholder(seg) {
        return None;
    }
    let (stem, ext) = seg.rsplit_once('.')?;
    (!stem.is_empty() && !stem.contains(['$', '#', '{', ':']) && FORMATS.contains(&ext)).then_some(stem)
}

fn segs_match(r: &[&str], c: &[&str]) -> bool {
    // Placeholders alone do not tie a client to a route: some literal
    // segment must be the same on both sides (`"/#{path}"` or a prefix
    // variable followed by `/#{id}` names no route), unless the route has
    // no literal segment at all.
    let last = |i: usize, rs: &str, cs: &str| i + 1 == c.len() && format_stem(cs) == Some(rs);
    let anchored = r.iter().zip(c.iter()).enumerate().any(|(i, (rs, cs))| {
        !is_placeholder(rs)
            && !is_placeholder(cs)
            && !rs.starts_with(':')
            && !cs.starts_with(':')
            && (seg_match(rs, cs) || last(i, rs, cs))
    });
    if !anchored && r.iter().any(|s| !is_placeholder(s)) {
        return false;
    }
    for (i, rs) in r.iter().enumerate() {
        if rs.starts_with('*') {
            return c.len() > i;
        }
        let Some(cs) = c.get(i) else { return false };
        if !seg_match(rs, cs) && !last(i, rs, cs) {
            return false;
        }
    }
    r.len() == c.len()
}

/// One segment: equal, or a whole placeholder on either side, or a
/// segment with an embedded parameter (`~:user`, `v:param.json`) whose
/// literal prefix the other side starts with.
fn seg_match(rs: &str, cs: &str) -> bool {
    if rs == cs || is_placeholder(rs) || is_placeholder(cs) {
        return true;
    }
    let prefix = |s: &'_ str| -> Option<String> {
        let i = s.find(':').or_else(|| s.find("${")).or_else(|| s.find("#{"))?;
        Some(s[..i].to_string())
    };
    match (prefix(rs), prefix(cs)) {
        (Some(p), Some(q)) => p.starts_with(&q) || q.starts_with(&p),
        (Some(p), None) => cs.starts_with(&p),
        (None, Some(q)) => rs.starts_with(&q) && !q.is_empty(),
        (None, None) => false,
    }
}

/// `admin/reports` → `Admin::ReportsController`.
pub fn controller_class(controller: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for seg in controller.split('/') {
        let camel: String = seg
            .split('_')
            .map(|w| {
                let mut c = w.chars();
                match c.next() {
                    Some(f) => f.to_uppercase().chain(c).collect::<String>(),
                    None => String::new(),
                }
            })
            .collect();
        out.push(camel);
    }
    format!("{}Controller", out.join("::"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_paths_like_rails() {
        assert_eq!(normalize_path("//photos//"), "/photos");
        assert_eq!(normalize_path(""), "/");
        assert_eq!(normalize_path("/(/:locale)/photos"), "(/:locale)/photos");
        assert_eq!(normalize_path("/(:locale)"), "/(:locale)");
        assert_eq!(
            normalize_path("/(/:locale)(/:platform)"),
            "/(:locale)(/:platform)"
        );
        assert_eq!(normalize_path("/photos(/:page)"), "/photos(/:page)");
        assert_eq!(normalize_name("/admin/x-y"), "admin/x-y".replace('/', "_"));
    }

    #[test]
    fn paths_match_segment_by_segment() {
        assert!(paths_match(
            "/proposals/:id/transition_to_review",
            "/proposals/42/transition_to_review",
            false
        ));
        assert!(paths_match(
            "/proposals/:id",
            "https://shop.test/proposals/:param?x=1",
            false
        ));
        assert!(paths_match("/proposals/:id", "/proposals/${id}/", false));
        assert!(!paths_match("/proposals/:id", "/proposal/1", false));
        assert!(!paths_match("/api/orders/:id", "/orders/:param", false));
        assert!(paths_match("/api/orders/:id", "/orders/:param", true));
        assert!(paths_match("/photos(/:page)", "/photos", false));
        assert!(paths_match("/photos(/:page)", "/photos/2", false));
        assert!(paths_match("/files/*path", "/files/a/b", false));
        assert!(!paths_match("/files/*path", "/files", false));
        // A client path of placeholders only names no route.
        assert!(!paths_match("/jobs", "/:param", false));
        assert!(!paths_match("/jobs", "/~:param", false));
        assert!(paths_match("/~:user", "/~:param", false));
        assert!(paths_match("/~:user/threads", "/~alice/threads", false));
        assert!(paths_match("/:id", "/:param", false));
        // A prefix variable, then only a value: no literal segment in common.
        assert!(!paths_match("/comments/:id", "/user", true));
        assert!(!paths_match("/hats/:id/doff", "/tickers/:param", true));
        assert!(paths_match("/api/orders/:id", "/orders/:param", true));
        // A format extension on the last segment (Rails' `(.:format)`).
        assert!(paths_match("/api/0.6/map", "/api/${v}/map.json?bbox=1", false));
        assert!(!paths_match("/api/0.6/map", "/api/${v}/map.json/x", false));
        // Only a format's extension: `/users.delete` is an RPC-style path.
        assert!(paths_match("/users", "/users.csv", false));
        assert!(!paths_match("/users", "/users.delete", false));
        assert!(!paths_match("/api/auth", "/api/auth.info", false));
        assert_eq!(placeholders_aligned("/api/0.6/map", "/api/${v}/map.json"), 2);
        assert_eq!(placeholders_aligned("/api/users/:id", "/api/${v}/map.json"), 1);
        assert_eq!(
            controller_class("admin/report_runs"),
            "Admin::ReportRunsController"
        );
        assert_eq!(
            controller_path("Admin::ReportRunsController").as_deref(),
            Some("admin/report_runs")
        );
        assert_eq!(controller_path("HTTPController").as_deref(), Some("http"));
        assert_eq!(controller_path("Controller"), None);
        assert_eq!(controller_path("Admin::Report"), None);
        assert!(is_routes_file("config/routes.rb"));
        assert!(is_routes_file("config/routes/admin.rb"));
        assert!(is_routes_file("engines/blog/config/routes.rb"));
        assert!(is_routes_file("config/api_routes.rb"));
        assert!(!is_routes_file("app/models/route.rb"));
        assert_eq!(drawn_name("config/routes/admin.rb"), Some(("", "admin")));
        assert_eq!(
            drawn_name("engines/x/config/routes/a/b.rb"),
            Some(("engines/x/", "a/b"))
        );
    }

    #[test]
    fn constant_names_are_underscored() {
        assert_eq!(underscore_const("Sidekiq::Web"), "sidekiq_web");
        assert_eq!(
            underscore_const("GraphiQL::Rails::Engine"),
            "graphi_ql_rails_engine"
        );
        assert_eq!(underscore_const("ActionCable"), "action_cable");
    }

    #[test]
    fn shorthand_paths_name_their_action() {
        assert_eq!(
            to_from_path("photos/search", None, None),
            Some(RVal::Str("photos#search".into()))
        );
        assert_eq!(
            to_from_path("/a/b-c/d", None, None),
            Some(RVal::Str("a/b_c#d".into()))
        );
        assert_eq!(to_from_path("/about", None, None), None);
        assert_eq!(to_from_path("photos/:id", None, None), None);
    }
}
