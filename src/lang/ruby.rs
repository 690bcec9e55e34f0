//! Ruby (and the Ruby inside ERB) → `FileFacts`, on Prism, the parser Ruby
//! itself ships.
//!
//! One iterative walk over the tree (`prism_tree::children`, an explicit
//! stack) keeps a stack of lexical frames (class, `class << self`, method
//! body, block) and turns nodes into facts: definitions with their owner and
//! visibility (sections, `private def x`, `private :x`, resolved once the
//! whole file is seen), calls with what is known of their receiver, symbol
//! references, dynamic dispatch, env reads and JSON column keys. Facts do not
//! depend on the plan (every definition, call and env read is kept), except
//! JSON keys, which are only looked for on the plan's columns: any hash
//! access could be one.

#[path = "ruby_async.rs"]
mod async_points;
#[path = "ruby_http.rs"]
mod http;
#[path = "ruby_payload.rs"]
mod payload;

use super::prism_tree::children;
use super::{Builder, sql_keys_in, truncate};
use crate::facts::{
    Access, Ancestry, Call, ColumnDef, Def, DefForm, DefKind, Dynamic, EnvRead, Interest, JsonKey,
    JsonOpaque, KeyOp, Recv, Rel, Scope, Via,
};
use ruby_prism::{Node, ParseResult};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use std::rc::Rc;

/// Classes and modules nested deeper than this are not entered (their
/// owner paths would grow quadratically); the file is then `too_deep`.
pub const MAX_CLASS_NESTING: usize = 256;

/// Prism's own limit on expression nesting (`PRISM_DEPTH_MAXIMUM`): deeper
/// input stops the parse with a "nesting too deep" error.
pub const PRISM_MAX_DEPTH: usize = 10_000;

/// Class methods that return an instance of their receiver.
const INSTANCE_FACTORIES: [&str; 12] = [
    "new",
    "find",
    "find_by",
    "find_by!",
    "create",
    "create!",
    "first",
    "first!",
    "last",
    "find_or_create_by",
    "find_or_create_by!",
    "find_or_initialize_by",
];

/// Calls whose first argument names a method (or an ivar / constant).
const DYNAMIC_DISPATCH: [&str; 7] = [
    "send",
    "public_send",
    "__send__",
    "try",
    "method",
    "instance_method",
    "instance_variable_get",
];

/// Iterations whose block parameter takes each element of the receiver.
const ITERATIONS: [&str; 8] = [
    "each",
    "each_with_index",
    "each_with_object",
    "map",
    "flat_map",
    "filter_map",
    "select",
    "reject",
];

/// Calls whose literal string first argument names a method.
const SEND_STRING: [&str; 6] = ["send", "public_send", "__send__", "try", "method", "respond_to?"];

const JSON_METHODS: [&str; 29] = [
    // Hash readers that pass every key on (`**x.details.symbolize_keys`,
    // `x.details.to_json`): an opaque read. (`each`, `map`, `keys` are left
    // out: on any name, arrays and associations far more often, and every
    // one would be a fact in the cache.)
    "symbolize_keys",
    "deep_symbolize_keys",
    "stringify_keys",
    "deep_stringify_keys",
    "with_indifferent_access",
    "to_h",
    "to_hash",
    "to_json",
    "as_json",
    "each_pair",
    "transform_keys",
    "transform_values",
    "dig",
    "fetch",
    "key?",
    "has_key?",
    "include?",
    "delete",
    "store",
    "merge",
    "merge!",
    "deep_merge",
    "deep_merge!",
    "update",
    "reverse_merge",
    "slice",
    "values_at",
    "fetch_values",
    "except",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Vis {
    Public,
    Protected,
    Private,
    ModuleFunction,
}

fn vis_of(word: &str) -> Option<Vis> {
    Some(match word {
        "public" => Vis::Public,
        "protected" => Vis::Protected,
        "private" => Vis::Private,
        "module_function" => Vis::ModuleFunction,
        _ => return None,
    })
}

/// Parse Ruby source. The result borrows `src`.
pub fn parse(src: &[u8]) -> ParseResult<'_> {
    ruby_prism::parse(src)
}

/// What the parse said about the file as a whole.
#[derive(Clone, Copy, Debug, Default)]
pub struct ParseStatus {
    /// Syntax errors other than nesting.
    pub errors: bool,
    /// Prism stopped at its nesting limit.
    pub too_deep: bool,
}

pub fn status(result: &ParseResult<'_>) -> ParseStatus {
    let mut s = ParseStatus::default();
    for d in result.errors() {
        if d.message() == b"nesting too deep" {
            s.too_deep = true;
        } else {
            s.errors = true;
        }
    }
    s
}

/// Extract facts from a parse of `src`. Returns whether a part of the tree
/// was too deep to enter.
pub fn extract(result: &ParseResult<'_>, src: &[u8], interest: &Interest, b: &mut Builder) -> bool {
    walk_file(result, src, interest, b, true)
}

/// Only the file's structure: classes, modules and their ancestry
/// statements (for files that mention no plan name but may be a link in an
/// owner's ancestor chain). Returns whether a part was too deep.
pub fn extract_structure(result: &ParseResult<'_>, src: &[u8], b: &mut Builder) -> bool {
    walk_file(result, src, &Interest::default(), b, false)
}

fn walk_file(result: &ParseResult<'_>, src: &[u8], interest: &Interest, b: &mut Builder, full: bool) -> bool {
    let mut lines = Vec::with_capacity(src.len() / 32 + 1);
    for (i, c) in src.iter().enumerate() {
        if *c == b'\n' {
            lines.push(i as u32);
        }
    }
    let mut w = Walker {
        src,
        interest,
        full,
        json: full && interest.any_column(),
        b,
        newlines: lines,
        frames: vec![Frame {
            owner: None,
            singleton: false,
            vis: Vis::Public,
            vis_frame: 0,
            local_id: 0,
            fn_scope: None,
            in_def: false,
            class_depth: 0,
            bind: None,
            json_prefix: None,
        }],
        next_id: 1,
        consumed: HashSet::default(),
        method_symbols: HashSet::default(),
        json_recv: None,
        json_recv_class: None,
        json_roots: Vec::new(),
        attr_hashes: HashMap::default(),
        column_methods: HashMap::default(),
        inline: HashMap::default(),
        by_symbol: HashMap::default(),
        class_vis: HashMap::default(),
        pending_blocks: HashMap::default(),
        pending_bind: HashMap::default(),
        consts: HashMap::default(),
        typed: Vec::new(),
        env_fallback: HashSet::default(),
        raw_defs: Vec::new(),
        tables: Vec::new(),
        chain_links: HashSet::default(),
        http_vars: HashMap::default(),
        json_vars: HashMap::default(),
        pending_http: HashMap::default(),
        http_blocks: Vec::new(),
        pending_json: HashMap::default(),
        too_deep: false,
    };
    w.walk(result.node());
    w.finish();
    w.too_deep
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FrameKind {
    Class,
    Singleton,
    Def,
    Block,
}

struct Frame {
    /// Owner path of definitions made here (`A::B`).
    owner: Option<Rc<str>>,
    /// Definitions here are class methods (`class << self`, `class_methods do`).
    singleton: bool,
    /// The visibility a bare `private` / `public` section set.
    vis: Vis,
    /// The frame whose sections and `private :x` calls apply here (a method
    /// body uses its class's).
    vis_frame: u32,
    /// Local variables live in the nearest method or class body.
    local_id: u32,
    /// `facts.scopes` index of the nearest method body.
    fn_scope: Option<u32>,
    in_def: bool,
    class_depth: usize,
    /// A block parameter bound to the names of a literal list.
    bind: Option<Rc<(String, Vec<String>)>>,
    /// Jbuilder: the key path a `json.x do ... end` block writes under.
    json_prefix: Option<Rc<str>>,
}

/// A frame to open when the walk enters a given block.
#[derive(Clone)]
enum PendingBlock {
    /// `Point = Struct.new(...) do`: a class named `Point`.
    Class(String),
    /// `class_methods do`: the concern's `ClassMethods` module.
    ClassMethods,
}

struct RawDef {
    name: String,
    owner: Option<Rc<str>>,
    kind: DefKind,
    form: DefForm,
    line: u32,
    pos: u32,
    vis_frame: u32,
    section: Vis,
    inline: Option<Vis>,
    /// Top-level functions are public whatever the sections say.
    fixed: Option<Vis>,
    /// `alias new old`: takes the visibility `old` has at this point.
    alias_of: Option<String>,
}

enum Item<'pr> {
    Enter(Node<'pr>),
    Leave,
}

struct Walker<'a, 'b> {
    src: &'a [u8],
    interest: &'a Interest,
    /// Every fact, or only the structure (`extract_structure`).
    full: bool,
    json: bool,
    b: &'b mut Builder,
    /// Byte offsets of every `\n`, for line numbers.
    newlines: Vec<u32>,
    frames: Vec<Frame>,
    next_id: u32,
    /// Start offsets of symbols and strings already explained (definition
    /// names, visibility arguments): not references.
    consumed: HashSet<u32>,
    /// Start offsets of symbols inside a method body that name a method:
    /// given to a dispatch or reflection call (`send(:x)`, `method(:x)`,
    /// `respond_to?(:x)`) or passed as a block (`map(&:x)`). Any other
    /// symbol there is data (`invoke_callbacks(:destroy, :fails)`).
    method_symbols: HashSet<u32>,
    /// The receiver of the JSON column whose keys are being read (see
    /// `column_name`).
    json_recv: Option<String>,
    /// The constant the chain assigned to that receiver starts at, when the
    /// receiver is a local (`response = Fog::Storage.new(o).put_object(...)`
    /// then `response.data[:host]`: `Fog::Storage`).
    json_recv_class: Option<String>,
    /// (local scope, variable, offset, constant at the root of the value's
    /// call chain, if any) for every local assignment, while JSON columns
    /// are of interest.
    json_roots: Vec<(u32, String, u32, Option<String>)>,
    /// Start offset of a definition (or `attr_*` call) → visibility given by
    /// a modifier around it (`private def x`).
    inline: HashMap<u32, Vis>,
    /// (visibility frame, name, singleton?) → (offset, visibility) of
    /// `private :x` and friends, in source order.
    by_symbol: HashMap<(u32, String, bool), Vec<(u32, Vis)>>,
    /// (owner, name) → (offset, visibility) of statements about class
    /// methods (`private_class_method :x`, `private :x` in `class << self`).
    class_vis: HashMap<(String, String), Vec<(u32, Vis)>>,
    /// Block start offset → the frame it opens.
    pending_blocks: HashMap<u32, PendingBlock>,
    /// Block start offset → (parameter, names) for `LIST.each { |x| }`.
    pending_bind: HashMap<u32, Rc<(String, Vec<String>)>>,
    /// Constants assigned a literal list of names (`FIELDS = %i[a b]`).
    consts: HashMap<String, Rc<Vec<String>>>,
    /// (local scope, variable, offset, class) for `x = Const.new` and friends.
    typed: Vec<(u32, String, u32, String)>,
    /// Start offsets of `ENV[...]` reads on the left of `||` (or of
    /// `.presence ||`): reads with a fallback.
    env_fallback: HashSet<u32>,
    raw_defs: Vec<RawDef>,
    /// (block start, block end, table) of `create_table :t do |t|` and
    /// `change_table :t do |t|`, in the order the walk met them.
    tables: Vec<(u32, u32, String)>,
    /// (start, end) of receiver-chain links already read as part of a
    /// longer chain (`params[:a]` inside `params[:a][:b]`).
    chain_links: HashSet<(u32, u32)>,
    /// (local scope, variable) → the HTTP call whose response it holds.
    http_vars: HashMap<(u32, String), u32>,
    /// (local scope, variable) → (HTTP call, key prefix) of a parsed body.
    json_vars: HashMap<(u32, String), (u32, String)>,
    /// Start offset of an HTTP call not yet recorded → what waits for it.
    pending_http: HashMap<u32, Vec<payload::PendingHttp>>,
    /// (start, end, call) of the blocks of HTTP calls (`req.body =`).
    http_blocks: Vec<(u32, u32, u32)>,
    /// Block start offset → the jbuilder key path it writes under.
    pending_json: HashMap<u32, Rc<str>>,
    /// (local scope, variable) → (column, keys with their lines) of
    /// `attrs["column"] = { ... }`: a model's attributes built in a local
    /// before `record.update(attrs)`.
    attr_hashes: HashMap<(u32, String), Vec<ColumnHash>>,
    /// Methods whose body returns a JSON column (`def stored_params;
    /// Current.session.prev_params; end`) → (column, receiver).
    column_methods: HashMap<String, (String, Option<String>)>,
    too_deep: bool,
}

/// A JSON column's keys (with their lines) given in a hash literal.
type ColumnHash = (String, Vec<(String, u32)>);

/// Methods whose hash arguments are a model's attributes.
const ATTRIBUTE_METHODS: [&str; 20] = [
    "new",
    "create",
    "create!",
    "update",
    "update!",
    "update_columns",
    "assign_attributes",
    "attributes=",
    "build",
    "insert",
    "insert!",
    "upsert",
    "find_or_create_by",
    "find_or_create_by!",
    "find_or_initialize_by",
    "create_or_find_by",
    "first_or_create",
    "first_or_create!",
    "first_or_initialize",
    "create_with",
];

fn start(n: &Node<'_>) -> u32 {
    n.location().start()
}

/// Calls whose first symbol argument names a template, an ability or a
/// status, not a method (`render :new`, `authorize! :update, @x`).
const NON_METHOD_FIRST_SYMBOL: &[&str] = &[
    "render",
    "render_to_string",
    "redirect_to",
    "head",
    "authorize!",
    "can?",
    "cannot?",
    "can",
    "cannot",
    "respond_to",
    "t",
    "translate",
];

/// Calls whose symbol arguments name methods, inside a method body too.
const METHOD_SYMBOL_CALLS: &[&str] = &[
    "send",
    "public_send",
    "__send__",
    "try",
    "try!",
    "method",
    "public_method",
    "instance_method",
    "respond_to?",
    "define_method",
    "alias_method",
    "instance_exec",
    "delegate",
    "before_action",
    "after_action",
    "around_action",
    "helper_method",
    "validate",
    "before_save",
    "after_save",
    "after_commit",
    "set_callback",
];

/// Calls that take a callback out of a chain (`skip_before_action :m`):
/// their symbols name methods that are not called.
const SKIP_CALLBACKS: &[&str] = &[
    "skip_before_action",
    "skip_after_action",
    "skip_around_action",
    "skip_action_callback",
    "skip_before_filter",
    "skip_after_filter",
    "skip_callback",
];

/// URL builders whose arrays of symbols are route parts (`polymorphic_url(
/// [:edit, :admin, order])`: an action and a namespace), never methods.
const URL_ARRAY_CALLS: &[&str] = &[
    "polymorphic_url",
    "polymorphic_path",
    "edit_polymorphic_url",
    "edit_polymorphic_path",
    "new_polymorphic_url",
    "new_polymorphic_path",
    "url_for",
    "link_to",
    "link_to_if",
    "link_to_unless",
    "button_to",
    "redirect_to",
    "form_for",
    "form_with",
    "simple_form_for",
];

/// Calls on a receiver whose symbol arguments are hash keys or association
/// names, never methods.
const SYMBOL_KEY_CALLS: &[&str] = &[
    "[]",
    "[]=",
    "dig",
    "fetch",
    "key?",
    "has_key?",
    "delete",
    "require",
    "permit",
    "joins",
    "left_joins",
    "left_outer_joins",
    "includes",
    "preload",
    "eager_load",
    "references",
    "pluck",
    "order",
    "reorder",
    "group",
];

/// Option keys whose symbol values are not methods: callback filters
/// (`only: :update`), association and validation options, HTTP verbs and
/// statuses.
const NON_METHOD_KEYS: &[&[u8]] = &[
    b"only",
    b"except",
    b"on",
    b"via",
    b"status",
    b"format",
    b"formats",
    b"as",
    b"class_name",
    b"dependent",
    b"inverse_of",
    b"foreign_key",
    b"primary_key",
    b"through",
    b"source",
    b"source_type",
    b"foreign_type",
    b"counter_cache",
    b"scope",
    b"touch",
    b"autosave",
    b"type",
    b"default",
    b"null",
    b"index",
    b"action",
    b"controller",
    b"param",
    b"path",
];

fn utf8(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `:sym`, `:"sym"`, `sym:` (a hash label) or a plain string: its value.
fn literal_name(n: &Node<'_>) -> Option<String> {
    if let Some(s) = n.as_symbol_node() {
        return Some(utf8(s.unescaped()));
    }
    if let Some(s) = n.as_string_node() {
        return Some(utf8(s.unescaped()));
    }
    None
}

/// `:sym` or `:"sym"` written as a value (not a hash label, not a `%i[]`
/// element): a reference to a method name.
fn is_symbol_value(n: &ruby_prism::SymbolNode<'_>) -> bool {
    n.opening_loc().is_some_and(|o| o.as_slice().starts_with(b":"))
}

impl<'pr> Walker<'_, '_> {
    fn line(&self, pos: u32) -> u32 {
        self.newlines.partition_point(|&nl| nl < pos) as u32 + 1
    }

    fn line_of(&self, n: &Node<'_>) -> u32 {
        self.line(start(n))
    }

    fn text(&self, n: &Node<'_>) -> String {
        let l = n.location();
        utf8(self.src.get(l.start() as usize..l.end() as usize).unwrap_or(&[]))
    }

    /// A node's source for messages (`Recv::Expr`, dynamic calls): at most
    /// the first 256 bytes are read, so long receiver chains stay linear.
    fn short(&self, n: &Node<'_>) -> String {
        let l = n.location();
        let (s, e) = (
            l.start() as usize,
            (l.end() as usize).min(l.start() as usize + 256),
        );
        truncate(&String::from_utf8_lossy(self.src.get(s..e).unwrap_or(&[])))
    }

    fn top(&self) -> &Frame {
        self.frames.last().expect("the top frame is never popped")
    }

    /// The owner a constant names from here: `A` inside `class M::A` is
    /// `M::A`; anything else is taken as written.
    fn resolve_const(&self, written: &str) -> String {
        let written = written.trim_start_matches("::");
        if let Some(o) = self.top().owner.as_deref() {
            let last = o.rsplit("::").next().unwrap_or(o);
            if last == written || o == written || o.ends_with(&format!("::{written}")) {
                return o.to_string();
            }
        }
        written.to_string()
    }

    /// A class or module whose body is a block (`Point = Struct.new do`,
    /// `class_methods do`).
    fn declare(&mut self, owner: &str, rel: Rel, at: &Node<'_>) {
        let scope = self.top().owner.as_deref().unwrap_or("").to_string();
        let line = self.line_of(at);
        self.b.facts.ancestry.push(Ancestry {
            owner: owner.to_string(),
            rel,
            target: String::new(),
            scope,
            line,
        });
    }

    fn push_frame(&mut self, kind: FrameKind, owner: Option<Rc<str>>, singleton: bool) {
        let id = self.next_id;
        self.next_id += 1;
        let parent = self.top();
        let (vis_frame, local_id, in_def) = match kind {
            FrameKind::Def => (parent.vis_frame, id, true),
            FrameKind::Block => {
                if parent.in_def {
                    (parent.vis_frame, parent.local_id, true)
                } else {
                    (id, parent.local_id, false)
                }
            }
            _ => (id, id, false),
        };
        let class_depth = parent.class_depth + usize::from(kind == FrameKind::Class);
        let fn_scope = parent.fn_scope;
        let json_prefix = parent.json_prefix.clone();
        self.frames.push(Frame {
            owner,
            singleton,
            vis: Vis::Public,
            vis_frame,
            local_id,
            fn_scope,
            in_def,
            class_depth,
            bind: None,
            json_prefix,
        });
    }

    fn walk(&mut self, root: Node<'pr>) {
        let mut stack: Vec<Item<'pr>> = vec![Item::Enter(root)];
        let mut kids: Vec<Node<'pr>> = Vec::new();
        while let Some(item) = stack.pop() {
            match item {
                Item::Leave => {
                    self.frames.pop();
                }
                Item::Enter(n) => {
                    let before = self.frames.len();
                    let descend = self.enter(&n);
                    if self.frames.len() > before {
                        stack.push(Item::Leave);
                    }
                    if !descend {
                        continue;
                    }
                    kids.clear();
                    children(&n, &mut kids);
                    while let Some(k) = kids.pop() {
                        stack.push(Item::Enter(k));
                    }
                }
            }
        }
    }

    /// Handle one node on the way down; may open a frame. Returns whether
    /// to enter its children.
    fn enter(&mut self, n: &Node<'pr>) -> bool {
        match n {
            Node::ClassNode { .. } | Node::ModuleNode { .. } => {
                let path = match (n.as_class_node(), n.as_module_node()) {
                    (Some(c), _) => c.constant_path(),
                    (_, Some(m)) => m.constant_path(),
                    _ => return true,
                };
                let name = self.text(&path).trim_start_matches("::").to_string();
                if self.top().class_depth >= MAX_CLASS_NESTING {
                    self.too_deep = true;
                    return false;
                }
                let scope = self.top().owner.as_deref().unwrap_or("").to_string();
                let owner = match self.top().owner.as_deref() {
                    Some(o) => format!("{o}::{name}"),
                    None => name,
                };
                let (rel, target) = match n.as_class_node() {
                    Some(c) => (
                        Rel::Class,
                        c.superclass()
                            .filter(|s| {
                                s.as_constant_read_node().is_some() || s.as_constant_path_node().is_some()
                            })
                            .map(|s| self.text(&s))
                            .unwrap_or_default(),
                    ),
                    None => (Rel::Module, String::new()),
                };
                let line = self.line_of(n);
                self.b.facts.ancestry.push(Ancestry {
                    owner: owner.clone(),
                    rel,
                    target,
                    scope,
                    line,
                });
                self.push_frame(FrameKind::Class, Some(owner.into()), false);
            }
            Node::SingletonClassNode { .. } => {
                let Some(s) = n.as_singleton_class_node() else {
                    return true;
                };
                let e = s.expression();
                let parent = self.top();
                let owner = if e.as_self_node().is_some() {
                    if parent.singleton {
                        // `class << self` inside `class << self`: the
                        // singleton class's own singleton, another owner.
                        parent.owner.as_deref().map(|o| format!("#<Class:{o}>").into())
                    } else {
                        parent.owner.clone()
                    }
                } else if e.as_constant_read_node().is_some() || e.as_constant_path_node().is_some() {
                    let c = self.text(&e);
                    Some(self.resolve_const(&c).into())
                } else {
                    Some(format!("#<Class:{}>", self.short(&e)).into())
                };
                self.push_frame(FrameKind::Singleton, owner, true);
            }
            Node::DefNode { .. } => self.def(n),
            Node::BlockNode { .. } => {
                let pending = self.pending_blocks.remove(&start(n));
                match pending {
                    Some(PendingBlock::Class(name)) => {
                        let owner = match self.top().owner.as_deref() {
                            Some(o) => format!("{o}::{name}"),
                            None => name,
                        };
                        self.declare(&owner, Rel::Class, n);
                        self.push_frame(FrameKind::Class, Some(owner.into()), false);
                    }
                    Some(PendingBlock::ClassMethods) => {
                        // ActiveSupport::Concern defines these in
                        // `Owner::ClassMethods`, which every includer extends.
                        let owner = match self.top().owner.as_deref() {
                            Some(o) => format!("{o}::ClassMethods"),
                            None => "ClassMethods".to_string(),
                        };
                        self.declare(&owner, Rel::Module, n);
                        self.push_frame(FrameKind::Class, Some(owner.into()), false);
                    }
                    None => {
                        let (owner, singleton) = (self.top().owner.clone(), self.top().singleton);
                        self.push_frame(FrameKind::Block, owner, singleton);
                        let bind = self.pending_bind.remove(&start(n));
                        let json = self.pending_json.remove(&start(n));
                        if let Some(f) = self.frames.last_mut() {
                            f.bind = bind;
                            if json.is_some() {
                                f.json_prefix = json;
                            }
                        }
                    }
                }
            }
            Node::CallNode { .. } if !self.full => self.structure_call(n),
            Node::CallNode { .. } => self.call_node(n),
            Node::SuperNode { .. } if self.full => self.super_authorize(n),
            // `**details`: every key of the column is passed on.
            Node::AssocSplatNode { .. } if self.full => {
                if let Some(v) = n.as_assoc_splat_node().and_then(|a| a.value())
                    && let Some(col) = self.column_name(&v)
                {
                    self.opaque(&col, KeyOp::Read, start(n));
                }
            }
            Node::OrNode { .. } => {
                // `ENV["X"] || d`, `ENV["X"].presence || d`; in a chain
                // `ENV["A"].presence || ENV["B"].presence || d` (parsed
                // `(A || B) || d`) both have one.
                if let Some(o) = n.as_or_node() {
                    let mut operands = vec![o.left()];
                    let mut left = o.left();
                    while let Some(inner) = left.as_or_node() {
                        operands.push(inner.right());
                        left = inner.left();
                    }
                    for mut operand in operands {
                        if let Some(c) = operand.as_call_node()
                            && matches!(c.name().as_slice(), b"presence" | b"to_s" | b"to_i")
                            && let Some(r) = c.receiver()
                        {
                            operand = r;
                        }
                        if operand.as_call_node().is_some() {
                            self.env_fallback.insert(operand.location().start());
                        }
                    }
                }
            }
            Node::SymbolNode { .. } | Node::AliasMethodNode { .. } | Node::LocalVariableWriteNode { .. }
                if !self.full => {}
            Node::SymbolNode { .. } => {
                if let Some(s) = n.as_symbol_node()
                    && is_symbol_value(&s)
                    && !self.consumed.contains(&start(n))
                    && (!self.top().in_def || self.method_symbols.contains(&start(n)))
                {
                    let name = utf8(s.unescaped());
                    if !name.is_empty() {
                        self.call(name, Recv::Implicit, Via::Symbol, start(n));
                    }
                }
            }
            Node::AliasMethodNode { .. } => self.alias(n),
            Node::ConstantWriteNode { .. } => {
                // NEW_CHECKOUT = :new_checkout: a name a flag check may use.
                if let Some(w) = n.as_constant_write_node()
                    && !self.top().in_def
                    && let v = w.value()
                    && (v.as_symbol_node().is_some() || v.as_string_node().is_some())
                    && let Some(value) = literal_name(&v)
                {
                    let name = utf8(w.name().as_slice());
                    let path = match self.top().owner.as_deref() {
                        Some(o) => format!("{o}::{name}"),
                        None => name,
                    };
                    self.b.facts.str_consts.push((path, value));
                }
                if let Some(w) = n.as_constant_write_node()
                    && let Some(list) = self.literal_list(&w.value())
                {
                    self.consts.insert(utf8(w.name().as_slice()), Rc::new(list));
                }
                // Point = Struct.new(:a) do ... end (also Class.new / Data.define)
                if let Some(w) = n.as_constant_write_node()
                    && let Some(c) = w.value().as_call_node()
                    && let Some(r) = c.receiver()
                    && r.as_constant_read_node()
                        .is_some_and(|k| matches!(k.name().as_slice(), b"Struct" | b"Class" | b"Data"))
                    && let Some(block) = c.block()
                    && block.as_block_node().is_some()
                {
                    self.pending_blocks
                        .insert(start(&block), PendingBlock::Class(utf8(w.name().as_slice())));
                }
            }
            Node::LocalVariableWriteNode { .. } => {
                if let Some(w) = n.as_local_variable_write_node() {
                    self.const_value(&w.value());
                    self.payload_assign(utf8(w.name().as_slice()), &w.value());
                    if self.json {
                        let root = chain_root_const(&w.value()).map(|r| self.text(&r));
                        let local = self.top().local_id;
                        self.json_roots
                            .push((local, utf8(w.name().as_slice()), w.name_loc().start(), root));
                    }
                }
                if let Some(w) = n.as_local_variable_write_node()
                    && let Some(c) = w.value().as_call_node()
                    && let Some(r) = c.receiver()
                    && (r.as_constant_read_node().is_some() || r.as_constant_path_node().is_some())
                    && INSTANCE_FACTORIES.contains(&String::from_utf8_lossy(c.name().as_slice()).as_ref())
                {
                    let class = self.text(&r).trim_start_matches("::").to_string();
                    let local = self.top().local_id;
                    self.typed
                        .push((local, utf8(w.name().as_slice()), w.name_loc().start(), class));
                }
            }
            Node::AssocNode { .. } if self.full => {
                // `:author => x`: a hash key is data, not a method name
                // (its value may be one: `:to => :owner`).
                if let Some(a) = n.as_assoc_node()
                    && a.key().as_symbol_node().is_some()
                {
                    self.consumed.insert(start(&a.key()));
                }
                self.scheduled_class(n)
            }
            Node::StringNode { .. } if self.json => {
                if let Some(s) = n.as_string_node() {
                    let loc = s.content_loc();
                    let text = String::from_utf8_lossy(loc.as_slice());
                    if text.contains("->") {
                        let mut keys = sql_keys_in(&text, self.line(loc.start()), self.interest);
                        // An index expression in a schema's `create_table
                        // :t` block reads `t`'s column.
                        let at = loc.start();
                        if let Some((_, _, table)) =
                            self.tables.iter().rev().find(|(s, e, _)| *s <= at && at < *e)
                        {
                            for k in keys.iter_mut().filter(|k| k.recv.is_none()) {
                                k.recv = Some(table.clone());
                            }
                        }
                        self.b.facts.json_keys.extend(keys);
                    }
                }
            }
            Node::IndexOperatorWriteNode { .. }
            | Node::IndexOrWriteNode { .. }
            | Node::IndexAndWriteNode { .. }
                if self.json =>
            {
                let (recv, args) = if let Some(x) = n.as_index_operator_write_node() {
                    (x.receiver(), x.arguments())
                } else if let Some(x) = n.as_index_or_write_node() {
                    (x.receiver(), x.arguments())
                } else if let Some(x) = n.as_index_and_write_node() {
                    (x.receiver(), x.arguments())
                } else {
                    return true;
                };
                if let (Some(r), Some(a)) = (recv, args)
                    && let Some(col) = self.column_name(&r)
                    && let Some(k) = a.arguments().iter().next()
                {
                    // `column[k] ||= v` reads the key before it writes it.
                    let at = start(&k);
                    self.key(&col, &k, KeyOp::Update, at);
                }
            }
            _ => {}
        }
        true
    }

    fn def(&mut self, n: &Node<'pr>) {
        let Some(d) = n.as_def_node() else { return };
        let name = utf8(d.name().as_slice());
        let name_loc = d.name_loc();
        let line = self.line(name_loc.start());
        let pos = start(n);
        let loc = n.location();
        let (start_line, end_line) = (self.line(loc.start()), self.line(loc.end().saturating_sub(1)));
        let frame = self.top();
        let inline = self.inline.get(&pos).copied();
        let (owner, kind, form, singleton_key) = match d.receiver() {
            None => {
                let kind = if frame.singleton {
                    DefKind::Singleton
                } else if frame.owner.is_none() {
                    DefKind::Function
                } else {
                    DefKind::Instance
                };
                (frame.owner.clone(), kind, DefForm::Def, false)
            }
            Some(r) => {
                let owner = if r.as_constant_read_node().is_some() || r.as_constant_path_node().is_some() {
                    Some(self.resolve_const(&self.text(&r)).into())
                } else {
                    frame.owner.clone()
                };
                (owner, DefKind::Singleton, DefForm::ClassMethod, true)
            }
        };
        let section = if singleton_key { Vis::Public } else { frame.vis };
        let fixed = (kind == DefKind::Function).then_some(Vis::Public);
        let vis_frame = frame.vis_frame;
        self.raw_defs.push(RawDef {
            name: name.clone(),
            owner: owner.clone(),
            kind,
            form,
            line,
            pos,
            vis_frame,
            section,
            inline,
            fixed,
            alias_of: None,
        });
        if let (Some(o), Some(body)) = (&owner, d.body())
            && o.ends_with("Policy")
            && name.ends_with('?')
        {
            self.policy_body(o, &name, &body, line);
        }
        // `def stored_params; Current.session.prev_params; end`: a reader
        // of a JSON column, whose callers' keys are the column's.
        if self.json
            && d.parameters().is_none()
            && let Some(body) = d.body()
            && let Some(stmts) = body.as_statements_node()
            && let Some(last) = stmts.body().iter().last()
            && let Some(call) = last.as_call_node()
            && call.arguments().is_none()
            && call.block().is_none()
            && let Some(r) = call.receiver()
        {
            let col = utf8(call.name().as_slice());
            if self.interest.column(&col) {
                let recv = (r.as_self_node().is_none()).then(|| self.short(&r));
                self.column_methods.insert(name.clone(), (col, recv));
            }
        }
        let scope = self.b.facts.scopes.len() as u32;
        self.b.facts.scopes.push(Scope {
            name,
            start_line,
            end_line,
        });
        let singleton = kind == DefKind::Singleton;
        self.signature(&d, owner.as_deref().map(str::to_string), singleton, line);
        self.const_body(&d);
        self.push_frame(FrameKind::Def, owner, singleton);
        if let Some(f) = self.frames.last_mut() {
            f.fn_scope = Some(scope);
        }
    }

    /// A definition made by a macro (`attr_reader :x`, `define_method(:x)`,
    /// `alias_method :x, :y`, `delegate :x`) in the current frame.
    fn macro_def(
        &mut self,
        name: String,
        form: DefForm,
        at: u32,
        call_start: u32,
        forced: Option<Vis>,
        singleton: bool,
    ) {
        let frame = self.top();
        let singleton = singleton || frame.singleton;
        let kind = if singleton {
            DefKind::Singleton
        } else if frame.owner.is_none() {
            DefKind::Function
        } else {
            DefKind::Instance
        };
        let inline = forced.or_else(|| self.inline.get(&call_start).copied());
        self.raw_defs.push(RawDef {
            name,
            owner: frame.owner.clone(),
            kind,
            form,
            line: self.line(at),
            pos: call_start,
            vis_frame: frame.vis_frame,
            section: frame.vis,
            inline,
            fixed: None,
            alias_of: None,
        });
    }

    fn alias(&mut self, n: &Node<'pr>) {
        let Some(a) = n.as_alias_method_node() else { return };
        let (new, old) = (a.new_name(), a.old_name());
        self.consumed.insert(start(&new));
        self.consumed.insert(start(&old));
        let (Some(new_name), old_name) = (literal_name(&new), literal_name(&old)) else {
            return;
        };
        if let Some(old_name) = &old_name {
            if *old_name != new_name {
                self.b
                    .facts
                    .renames
                    .push((old_name.clone(), new_name.clone(), self.line_of(&old)));
            }
            // `alias new old` uses `old`.
            self.call(old_name.clone(), Recv::Implicit, Via::Symbol, start(&old));
        }
        let owner = self.top().owner.clone();
        let singleton = self.top().singleton;
        self.alias_def(new_name, old_name, owner, singleton, start(&new));
    }

    /// `new` defined as an alias of `old` on `owner`.
    fn alias_def(
        &mut self,
        new: String,
        old: Option<String>,
        owner: Option<Rc<str>>,
        singleton: bool,
        at: u32,
    ) {
        let frame = self.top();
        let kind = if singleton {
            DefKind::Singleton
        } else {
            DefKind::Instance
        };
        self.raw_defs.push(RawDef {
            name: new,
            owner,
            kind,
            form: DefForm::Alias,
            line: self.line(at),
            pos: at,
            vis_frame: frame.vis_frame,
            section: frame.vis,
            inline: None,
            fixed: None,
            alias_of: old,
        });
    }

    /// `self.alias_method :new, :old` / `Const.alias_method(:new, :old)`.
    fn alias_method_on(&mut self, recv: &Node<'pr>, args: &[Node<'pr>]) {
        let owner: Option<Rc<str>> = if recv.as_self_node().is_some() {
            self.top().owner.clone()
        } else if recv.as_constant_read_node().is_some() || recv.as_constant_path_node().is_some() {
            Some(self.resolve_const(&self.text(recv)).into())
        } else {
            return;
        };
        let (Some(new), Some(old)) = (args.first(), args.get(1)) else {
            return;
        };
        let (Some(new_name), Some(old_name)) = (literal_name(new), literal_name(old)) else {
            return;
        };
        self.consumed.insert(start(new));
        self.b
            .facts
            .renames
            .push((old_name.clone(), new_name.clone(), self.line_of(old)));
        let singleton = recv.as_self_node().is_some() && self.top().singleton;
        self.alias_def(new_name, Some(old_name), owner, singleton, start(new));
    }

    fn call(&mut self, name: String, recv: Recv, via: Via, pos: u32) {
        let frame = self.top();
        let call = Call {
            name: name.into(),
            recv,
            via,
            owner: frame.owner.as_deref().map(crate::facts::IStr::from),
            scope: frame.fn_scope,
            line: self.line(pos),
        };
        self.b.facts.calls.push(call);
    }

    fn receiver(&self, r: &Node<'_>) -> Recv {
        match r {
            Node::SelfNode { .. } => Recv::SelfRef,
            Node::ConstantReadNode { .. } | Node::ConstantPathNode { .. } => {
                Recv::Const(self.text(r).trim_start_matches("::").into())
            }
            Node::CallNode { .. } => {
                let Some(c) = r.as_call_node() else {
                    return Recv::Expr(self.short(r).into());
                };
                let name = c.name();
                let inner = c.receiver();
                if name.as_slice() == b"class" && inner.as_ref().is_some_and(|i| i.as_self_node().is_some()) {
                    return Recv::SelfRef;
                }
                match inner {
                    // Const.new.x, Const.find(id).x → an instance of Const.
                    Some(i)
                        if INSTANCE_FACTORIES
                            .contains(&String::from_utf8_lossy(name.as_slice()).as_ref())
                            && (i.as_constant_read_node().is_some()
                                || i.as_constant_path_node().is_some()) =>
                    {
                        Recv::Const(self.text(&i).trim_start_matches("::").into())
                    }
                    _ => Recv::Expr(self.short(r).into()),
                }
            }
            Node::LocalVariableReadNode { .. } => {
                // A local assigned from `Const.new` earlier in this body.
                let name = self.text(r);
                let local = self.top().local_id;
                let at = start(r);
                let typed = self
                    .typed
                    .iter()
                    .rev()
                    .find(|(s, v, p, _)| *s == local && *v == name && *p < at);
                match typed {
                    Some((_, _, _, class)) => Recv::Const(class.into()),
                    None => Recv::Expr(truncate(&name).into()),
                }
            }
            _ => Recv::Expr(self.short(r).into()),
        }
    }

    /// `include` / `prepend` / `extend` / `delegate_missing_to` /
    /// `class_methods do` in a class body, for `extract_structure`.
    fn structure_call(&mut self, n: &Node<'pr>) {
        let Some(c) = n.as_call_node() else { return };
        if c.receiver().is_some() || self.top().in_def {
            return;
        }
        let name = String::from_utf8_lossy(c.name().as_slice()).into_owned();
        let args: Vec<Node<'pr>> = c
            .arguments()
            .map(|a| a.arguments().iter().collect())
            .unwrap_or_default();
        match name.as_str() {
            "include" | "prepend" | "extend" => self.mixins(&name, &args, n),
            "delegate_missing_to" => {
                if let Some(t) = args.first().and_then(literal_name) {
                    self.relate(Rel::DelegateMissing, t, n);
                }
            }
            "class_methods" => {
                if let Some(block) = c.block()
                    && block.as_block_node().is_some()
                {
                    self.pending_blocks
                        .insert(start(&block), PendingBlock::ClassMethods);
                }
            }
            _ => {}
        }
    }

    /// Symbols that name something other than a method: the actions of a
    /// callback's `only:` / `except:`, a template (`render :new`), an
    /// ability (`authorize! :new, X`, `can? :update, x`), an association
    /// option (`class_name:`, `dependent: :destroy`). They are not calls.
    fn consume_non_method_symbols(&mut self, name: &str, has_recv: bool, args: &[Node<'pr>]) {
        // In a method body, the symbols that name methods (see
        // `method_symbols`): a dispatch call's, and conditions
        // (`if: :admin?`, `unless:`).
        for a in args {
            if let Some(h) = a.as_keyword_hash_node() {
                for e in h.elements().iter() {
                    if let Some(pair) = e.as_assoc_node()
                        && pair
                            .key()
                            .as_symbol_node()
                            .is_some_and(|k| matches!(k.unescaped(), b"if" | b"unless"))
                        && pair.value().as_symbol_node().is_some()
                    {
                        self.method_symbols.insert(start(&pair.value()));
                    }
                }
            }
        }
        if METHOD_SYMBOL_CALLS.contains(&name) {
            for a in args {
                if a.as_symbol_node().is_some() {
                    self.method_symbols.insert(start(a));
                } else if let Some(arr) = a.as_array_node() {
                    for e in arr.elements().iter() {
                        if e.as_symbol_node().is_some() {
                            self.method_symbols.insert(start(&e));
                        }
                    }
                }
            }
        }
        if !has_recv
            && NON_METHOD_FIRST_SYMBOL.contains(&name)
            && let Some(a) = args.first()
        {
            self.consume_symbols(a);
        }
        // A skipped callback (`skip_before_action :authorize_user`) names
        // the method to leave out: it calls nothing.
        if !has_recv && SKIP_CALLBACKS.contains(&name) {
            for a in args {
                if a.as_symbol_node().is_some() || a.as_array_node().is_some() {
                    self.consume_symbols(a);
                }
            }
        }
        // Hash keys (`row[:tag]`, `params.require(:tag)`) and association
        // names given to queries (`Tagging.joins(:tag)`) are not methods.
        if has_recv && SYMBOL_KEY_CALLS.contains(&name) {
            for a in args {
                self.consume_symbols(a);
            }
        }
        // Route parts in a URL builder's array (`[:edit, :admin, order]`,
        // also as `model:` / `url:`), on any receiver.
        if URL_ARRAY_CALLS.contains(&name) {
            for a in args {
                if a.as_array_node().is_some() {
                    self.consume_symbols(a);
                } else if let Some(h) = a.as_keyword_hash_node() {
                    for e in h.elements().iter() {
                        if let Some(pair) = e.as_assoc_node()
                            && pair.value().as_array_node().is_some()
                        {
                            self.consume_symbols(&pair.value());
                        }
                    }
                }
            }
        }
        for a in args {
            let Some(h) = a.as_keyword_hash_node() else {
                continue;
            };
            for e in h.elements().iter() {
                if let Some(pair) = e.as_assoc_node()
                    && let Some(k) = pair.key().as_symbol_node()
                    && NON_METHOD_KEYS.contains(&k.unescaped())
                {
                    self.consume_symbols(&pair.value());
                }
            }
        }
    }

    /// `:x` or `[:x, :y]`: marked as explained.
    fn consume_symbols(&mut self, n: &Node<'pr>) {
        if n.as_symbol_node().is_some() {
            self.consumed.insert(start(n));
        } else if let Some(arr) = n.as_array_node() {
            for e in arr.elements().iter() {
                if e.as_symbol_node().is_some() {
                    self.consumed.insert(start(&e));
                }
            }
        }
    }

    fn call_node(&mut self, n: &Node<'pr>) {
        let Some(c) = n.as_call_node() else { return };
        let name_bytes = c.name().as_slice();
        let name = String::from_utf8_lossy(name_bytes).into_owned();
        let recv = c.receiver();
        let args: Vec<Node<'pr>> = c
            .arguments()
            .map(|a| a.arguments().iter().collect())
            .unwrap_or_default();
        // `changeset[:author]`, `h.dig(:a, :b)`, `opts.fetch(:x)`: keys of
        // a hash, not method names.
        if recv.is_some()
            && matches!(
                name.as_str(),
                "[]" | "[]=" | "dig" | "fetch" | "key?" | "has_key?"
            )
        {
            let keys = if name == "[]=" {
                &args[..args.len().min(1)]
            } else {
                &args[..]
            };
            for a in keys {
                if a.as_symbol_node().is_some() {
                    self.consumed.insert(start(a));
                }
            }
        }
        if self.json {
            self.json_call(&c, &name, recv.as_ref(), &args);
            // `update(column: { k: v })`: attributes given to a model. A
            // `data:` key anywhere else (`render json: { data: ... }`, an
            // option) is not the column.
            if ATTRIBUTE_METHODS.contains(&name.as_str()) {
                // The model given the attributes: `DS::Toggle.new(data: {...})`
                // is a component's option, `sync.update(data: {...})` the
                // column's.
                self.json_recv = recv.as_ref().map(|r| self.short(r));
                self.json_recv_class = None;
                let local = self.top().local_id;
                for a in &args {
                    let Some(v) = a.as_local_variable_read_node() else {
                        continue;
                    };
                    let Some(held) = self.attr_hashes.get(&(local, utf8(v.name().as_slice()))) else {
                        continue;
                    };
                    for (column, keys) in held.clone() {
                        for (key, line) in keys {
                            self.b.facts.json_keys.push(JsonKey {
                                column: column.clone(),
                                key,
                                op: KeyOp::Write,
                                line,
                                recv: self.json_recv.clone(),
                                recv_class: None,
                            });
                        }
                    }
                }
                for a in &args {
                    let elements = match (a.as_keyword_hash_node(), a.as_hash_node()) {
                        (Some(h), _) => h.elements(),
                        (None, Some(h)) => h.elements(),
                        _ => continue,
                    };
                    for e in elements.iter() {
                        self.json_pair(&e);
                    }
                }
            }
        }
        let enqueues = self.b.facts.enqueues.len();
        self.async_call(&c, &name, recv.as_ref(), &args);
        if self.b.facts.enqueues.len() > enqueues {
            let e = &self.b.facts.enqueues[enqueues];
            // A mailer's `deliver_later` runs the mailer method.
            let what = match &e.mailer_method {
                Some(m) => format!("{}#{m}", e.class),
                None => e.class.clone(),
            };
            let line = e.line;
            self.enqueue_effect(what, line);
        }
        self.schema_call(&c, &name, recv.as_ref(), &args);
        self.consume_non_method_symbols(&name, recv.is_some(), &args);
        // `map(&:name)`: a method passed as a block.
        if let Some(b) = c.block().and_then(|b| b.as_block_argument_node())
            && let Some(e) = b.expression()
            && e.as_symbol_node().is_some()
        {
            self.method_symbols.insert(start(&e));
        }
        if self.full {
            let calls = self.b.facts.http_calls.len();
            self.http_call(&c, &name, recv.as_ref(), &args);
            let new_call = (self.b.facts.http_calls.len() > calls).then_some(calls as u32);
            self.payload_call(&c, &name, recv.as_ref(), &args, new_call);
        }
        // ENV['X'], ENV.fetch('X'), ENV.key?('X')
        if let Some(r) = &recv
            && r.as_constant_read_node()
                .is_some_and(|k| k.name().as_slice() == b"ENV")
            && matches!(name.as_str(), "[]" | "fetch" | "key?" | "has_key?" | "include?")
            && let Some(s) = args.first().and_then(|a| a.as_string_node())
        {
            let loc = s.content_loc();
            if loc.start() < loc.end() {
                let var = utf8(loc.as_slice());
                let scope = self.top().fn_scope;
                let line = self.line(loc.start());
                // `ENV.fetch("X", d)`, `ENV.fetch("X") { d }`, `ENV["X"] || d`.
                let fallback = (name == "fetch" && (args.len() > 1 || c.block().is_some()))
                    || self.env_fallback.contains(&c.location().start());
                self.b.facts.env_reads.push(EnvRead {
                    name: var,
                    scope,
                    line,
                    fallback,
                });
            }
        }
        if name == "alias_method"
            && let Some(r) = &recv
        {
            self.alias_method_on(r, &args);
        }
        if recv.is_none() {
            if self.directive(&c, &name, &args, n) {
                return;
            }
            if name == "class_methods"
                && let Some(block) = c.block()
                && block.as_block_node().is_some()
            {
                self.pending_blocks
                    .insert(start(&block), PendingBlock::ClassMethods);
            }
        }
        // send("x") and friends name a method in a string.
        if SEND_STRING.contains(&name.as_str())
            && let Some(s) = args.first().and_then(|a| a.as_string_node())
            && !s.unescaped().is_empty()
        {
            let at = s.content_loc().start();
            self.call(utf8(s.unescaped()), Recv::Implicit, Via::Symbol, at);
        }
        let at_line = self.line(c.message_loc().map(|l| l.start()).unwrap_or(start(n)));
        if DYNAMIC_DISPATCH.contains(&name.as_str())
            && let Some(a) = args.first()
        {
            // A literal that can name a method (`:"ba\u0000r"` cannot).
            let literal = (a.as_symbol_node().is_some() || a.as_string_node().is_some())
                && literal_name(a).is_some_and(|n| {
                    !n.is_empty() && !n.chars().any(|c| c.is_control() || c.is_whitespace())
                });
            if let Some(names) = self.bound_list(a) {
                // `%i[a b].each { |x| send(x) }`: only those names.
                let recv = match &recv {
                    Some(r) => self.receiver(r),
                    None => Recv::Implicit,
                };
                let at = c.message_loc().map(|l| l.start()).unwrap_or(start(n));
                for m in names.iter() {
                    self.call(m.clone(), recv.clone(), Via::Symbol, at);
                }
            } else if !literal {
                // On a constant (`Pdfium.public_send(getter)`): only that
                // class's methods can be reached, so the constant is kept.
                // So is a variable (`variant.send(attr)`): a variable named
                // after another class cannot reach the point.
                let variable = |r: &Node<'_>| {
                    r.as_local_variable_read_node().is_some()
                        || r.as_instance_variable_read_node().is_some()
                        || r.as_call_node().is_some_and(|c| {
                            c.receiver().is_none() && c.arguments().is_none() && c.block().is_none()
                        })
                };
                // And so is a plain chain (`plan.new.try(m)`,
                // `enterprise.connected_apps.public_send(m)`): the object it
                // ends on, not the code around it, is dispatched on.
                let chain = |r: &Node<'_>| {
                    r.as_call_node().is_some() && {
                        let t = self.short(r);
                        !t.ends_with("...")
                            && t.chars().all(|c| {
                                c.is_alphanumeric() || matches!(c, '_' | '.' | ':' | '@' | '?' | '!')
                            })
                    }
                };
                let what = match &recv {
                    Some(r) if matches!(self.receiver(r), Recv::Const(_)) || variable(r) || chain(r) => {
                        format!("{}.{name}({})", self.short(r), self.short(a))
                    }
                    _ => format!("{name}({})", self.short(a)),
                };
                self.b.facts.dynamic.push(Dynamic { what, line: at_line });
            }
        }
        // Constant lookups by name: not method dispatch.
        if matches!(name.as_str(), "constantize" | "safe_constantize") {
            self.b.facts.reflection.push(Dynamic {
                what: name.clone(),
                line: at_line,
            });
        }
        if name == "const_get"
            && let Some(a) = args.first()
            && a.as_symbol_node().is_none()
            && a.as_string_node().is_none()
        {
            let what = format!("const_get({})", self.short(a));
            self.b.facts.reflection.push(Dynamic { what, line: at_line });
        }
        // `LIST.each { |x| ... }` with a literal list: `x` is one of its names.
        if ITERATIONS.contains(&name.as_str())
            && let Some(r) = &recv
            && let Some(list) = self.literal_list(r)
            && let Some(block) = c.block().and_then(|b| b.as_block_node())
            && let Some(param) = first_block_param(&block)
        {
            self.pending_bind
                .insert(start(&block.as_node()), Rc::new((param, list)));
        }
        // The call itself: named calls only (not operators, `[]`, `foo.()`).
        let Some(msg) = c.message_loc() else { return };
        // A method called on a class looked up by name
        // (`Object.const_get("#{k}Report").new.rows`): dispatch to `rows`
        // whose receiver is unknown. Not an operator (`k.constantize <=
        // Base` compares classes).
        if let Some(r) = &recv
            && name_bytes
                .first()
                .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_' || *b >= 0x80)
            && !matches!(name.as_str(), "new" | "find" | "first" | "last" | "instance")
            && reflected(r)
        {
            let what = format!("{}.{name}", self.short(r));
            let line = self.line(msg.start());
            self.b.facts.dynamic.push(Dynamic { what, line });
        }
        let first = name_bytes.first().copied().unwrap_or(b'0');
        if !(first.is_ascii_alphabetic() || first == b'_' || first >= 0x80) {
            return;
        }
        let recv = match &recv {
            Some(r) => self.receiver(r),
            None => Recv::Implicit,
        };
        self.call(name, recv, Via::Call, msg.start());
    }

    /// Receiver-less class-body directives: visibility and definition
    /// macros. Returns true when the call is a visibility keyword (not
    /// itself a call of interest).
    fn directive(
        &mut self,
        c: &ruby_prism::CallNode<'pr>,
        name: &str,
        args: &[Node<'pr>],
        n: &Node<'pr>,
    ) -> bool {
        let call_start = start(n);
        match name {
            "private"
            | "protected"
            | "public"
            | "module_function"
            | "private_class_method"
            | "public_class_method" => {
                let (vis, singleton) = match name {
                    "private_class_method" => (Vis::Private, true),
                    "public_class_method" => (Vis::Public, true),
                    w => (vis_of(w).unwrap_or(Vis::Public), false),
                };
                if args.is_empty() {
                    if c.block().is_none()
                        && !singleton
                        && !self.top().in_def
                        && let Some(f) = self.frames.last_mut()
                    {
                        f.vis = vis;
                    }
                    return true;
                }
                let vis_frame = self.top().vis_frame;
                for a in args {
                    self.visibility_arg(a, vis, singleton, vis_frame);
                }
                return true;
            }
            _ => {}
        }
        // Class-body macros (not in a method body).
        if !self.top().in_def {
            match name {
                "include" | "prepend" | "extend" => {
                    self.mixins(name, args, n);
                    return false;
                }
                "delegate_missing_to" => {
                    if let Some(t) = args.first().and_then(literal_name) {
                        self.relate(Rel::DelegateMissing, t, n);
                    }
                    return false;
                }
                "field" => {
                    self.graphql_field(args);
                    return false;
                }
                _ => {}
            }
            if self.rails_macro(name, args, call_start) {
                return false;
            }
        }
        let symbols: Vec<(u32, String)> = args
            .iter()
            .filter(|a| a.as_symbol_node().is_some() || a.as_string_node().is_some())
            .filter_map(|a| literal_name(a).map(|s| (start(a), s)))
            .collect();
        let form = match name {
            "attr_reader" | "attr" | "attr_writer" | "attr_accessor" => DefForm::Attr,
            "define_method" | "define_singleton_method" => DefForm::DefineMethod,
            "alias_method" => DefForm::Alias,
            "delegate" | "def_delegators" | "def_delegator" => DefForm::Delegate,
            _ => return false,
        };
        let names: Vec<(u32, String)> = match name {
            "attr_reader" | "attr" => symbols.clone(),
            "attr_writer" => symbols.iter().map(|(p, s)| (*p, format!("{s}="))).collect(),
            "attr_accessor" => symbols
                .iter()
                .flat_map(|(p, s)| [(*p, s.clone()), (*p, format!("{s}="))])
                .collect(),
            "define_method" | "define_singleton_method" | "alias_method" => {
                // define_method(name) / alias_method(new, old): the first
                // argument is defined; `old` stays a reference.
                let first = match args.first() {
                    Some(a) if a.as_symbol_node().is_some() || a.as_string_node().is_some() => {
                        literal_name(a).map(|s| (start(a), s))
                    }
                    // FIELDS.each { |f| define_method(f) { ... } }
                    Some(a) if name != "alias_method" => {
                        if let Some(names) = self.bound_list(a) {
                            let form = DefForm::DefineMethod;
                            let singleton = name == "define_singleton_method";
                            for m in names {
                                self.macro_def(m, form, start(a), call_start, None, singleton);
                            }
                        }
                        None
                    }
                    _ => None,
                };
                if name == "alias_method"
                    && let (Some((_, new)), Some(old)) = (&first, args.get(1))
                    && let Some(old_name) = literal_name(old)
                {
                    self.b
                        .facts
                        .renames
                        .push((old_name, new.clone(), self.line_of(old)));
                }
                first.into_iter().collect()
            }
            "delegate" => symbols.clone(),
            "def_delegators" => symbols.iter().skip(1).cloned().collect(),
            "def_delegator" => {
                let pick = if symbols.len() >= 3 {
                    symbols.get(2)
                } else {
                    symbols.get(1)
                };
                pick.cloned().into_iter().collect()
            }
            _ => Vec::new(),
        };
        for (p, _) in &names {
            self.consumed.insert(*p);
        }
        let delegate_private = name == "delegate"
            && args.iter().any(|a| {
                a.as_keyword_hash_node().is_some_and(|h| {
                    h.elements().iter().any(|e| {
                        e.as_assoc_node().is_some_and(|p| {
                            literal_name(&p.key()).as_deref() == Some("private")
                                && p.value().as_true_node().is_some()
                        })
                    })
                })
            });
        let forced = delegate_private.then_some(Vis::Private);
        let singleton = name == "define_singleton_method";
        if name == "alias_method" {
            let old = args.get(1).and_then(literal_name);
            let (owner, singleton) = (self.top().owner.clone(), self.top().singleton);
            for (p, s) in names {
                self.alias_def(s, old.clone(), owner.clone(), singleton, p);
            }
            return false;
        }
        for (p, s) in names {
            self.macro_def(s, form, p, call_start, forced, singleton);
        }
        false
    }

    /// An ancestry statement about the current owner.
    fn relate(&mut self, rel: Rel, target: String, at: &Node<'_>) {
        let Some(owner) = self.top().owner.as_deref().map(str::to_string) else {
            return;
        };
        let line = self.line_of(at);
        self.b.facts.ancestry.push(Ancestry {
            scope: owner.clone(),
            owner,
            rel,
            target,
            line,
        });
    }

    /// `include A, B` / `prepend A` / `extend A` / `extend self`. `include
    /// A, B` puts A first in the ancestors, as `include B; include A` does,
    /// so the arguments are recorded last to first.
    fn mixins(&mut self, name: &str, args: &[Node<'pr>], n: &Node<'pr>) {
        let rel = match name {
            "include" => Rel::Include,
            "prepend" => Rel::Prepend,
            _ => Rel::Extend,
        };
        for a in args.iter().rev() {
            let target = if a.as_constant_read_node().is_some() || a.as_constant_path_node().is_some() {
                self.text(a)
            } else if a.as_self_node().is_some() {
                match self.top().owner.as_deref() {
                    Some(o) => format!("::{o}"),
                    None => continue,
                }
            } else {
                continue;
            };
            self.relate(rel, target, n);
        }
    }

    /// Methods Rails generates from class-body macros: `scope`, `enum`,
    /// associations, `alias_attribute`, `attribute`, `store_accessor`.
    /// Returns whether `name` was one of them.
    /// graphql-ruby: `field :hook_url, String` in the body of a class
    /// `XType` resolves by calling `hook_url` on the type's object, an `X`
    /// (a call on an instance of the constant `X`), or the method its
    /// `method:` option names. A field with `hash_key:`, `dig:`,
    /// `resolver:` or `resolver_method:` calls no method of the object.
    fn graphql_field(&mut self, args: &[Node<'pr>]) {
        let Some(owner) = self.top().owner.clone() else {
            return;
        };
        let leaf = owner.rsplit("::").next().unwrap_or(&owner);
        let Some(model) = leaf.strip_suffix("Type").filter(|m| !m.is_empty()) else {
            return;
        };
        let Some(first) = args.first().filter(|a| a.as_symbol_node().is_some()) else {
            return;
        };
        let Some(mut field) = literal_name(first) else {
            return;
        };
        let mut at = start(first);
        for a in args {
            let Some(h) = a.as_keyword_hash_node() else {
                continue;
            };
            for e in h.elements().iter() {
                let Some(x) = e.as_assoc_node() else { continue };
                match literal_name(&x.key()).as_deref() {
                    Some("method") => {
                        if let Some(m) = literal_name(&x.value()) {
                            field = m;
                            at = start(&x.value());
                        }
                    }
                    Some("hash_key" | "dig" | "resolver" | "resolver_method" | "function" | "resolve") => {
                        return;
                    }
                    _ => {}
                }
            }
        }
        self.call(field, Recv::Const(model.into()), Via::Call, at);
    }

    fn rails_macro(&mut self, name: &str, args: &[Node<'pr>], call_start: u32) -> bool {
        let first = args.first().and_then(|a| {
            (a.as_symbol_node().is_some() || a.as_string_node().is_some())
                .then(|| literal_name(a))
                .flatten()
                .map(|s| (start(a), s))
        });
        let mut out: Vec<(u32, String, bool)> = Vec::new(); // (at, name, class method?)
        match name {
            "scope" => {
                if let Some((p, s)) = first {
                    out.push((p, s, true));
                }
            }
            "has_many" | "has_and_belongs_to_many" => {
                if let Some((p, s)) = first {
                    let one = singular(&s);
                    out.push((p, format!("{s}="), false));
                    out.push((p, format!("{one}_ids"), false));
                    out.push((p, format!("{one}_ids="), false));
                    out.push((p, s, false));
                }
            }
            "has_one" | "belongs_to" => {
                if let Some((p, s)) = first {
                    // A polymorphic association has no class to build.
                    let polymorphic = args.iter().any(|a| {
                        a.as_keyword_hash_node().is_some_and(|h| {
                            h.elements().iter().any(|e| {
                                e.as_assoc_node().is_some_and(|x| {
                                    literal_name(&x.key()).as_deref() == Some("polymorphic")
                                        && x.value().as_true_node().is_some()
                                })
                            })
                        })
                    });
                    let forms: &[&str] = if polymorphic {
                        &["{}=", "reload_{}"]
                    } else {
                        &["{}=", "build_{}", "create_{}", "create_{}!", "reload_{}"]
                    };
                    for f in forms {
                        out.push((p, f.replace("{}", &s), false));
                    }
                    out.push((p, s, false));
                }
            }
            "alias_attribute" => {
                if let Some((p, s)) = first {
                    out.push((p, format!("{s}="), false));
                    out.push((p, format!("{s}?"), false));
                    out.push((p, s, false));
                }
            }
            "attribute" => {
                if let Some((p, s)) = first {
                    out.push((p, format!("{s}="), false));
                    out.push((p, s, false));
                }
            }
            "store_accessor" => {
                for a in args.iter().skip(1) {
                    if a.as_symbol_node().is_some() || a.as_string_node().is_some() {
                        let Some(s) = literal_name(a) else { continue };
                        out.push((start(a), format!("{s}="), false));
                        out.push((start(a), s, false));
                    }
                }
            }
            "enum" => self.enum_methods(args, &mut out),
            _ => return false,
        }
        for (p, _, _) in &out {
            self.consumed.insert(*p);
        }
        let owner = self.top().owner.clone();
        let vis_frame = self.top().vis_frame;
        for (p, s, class_method) in out {
            let kind = if class_method {
                DefKind::Singleton
            } else if owner.is_none() {
                DefKind::Function
            } else {
                DefKind::Instance
            };
            self.raw_defs.push(RawDef {
                name: s,
                owner: owner.clone(),
                kind,
                form: DefForm::Macro,
                line: self.line(p),
                pos: call_start,
                vis_frame,
                section: Vis::Public,
                inline: None,
                // Generated into a module of their own: public whatever
                // section they are written in.
                fixed: Some(Vis::Public),
                alias_of: None,
            });
        }
        true
    }

    /// `enum status: { active: 0 }`, `enum :status, { active: 0 }`,
    /// `enum :status, [:active]`, with `_prefix`/`_suffix` (or `prefix:`/
    /// `suffix:`): `active?`, `active!`, scopes `active` and `not_active`,
    /// and the class method `statuses`.
    fn enum_methods(&mut self, args: &[Node<'pr>], out: &mut Vec<(u32, String, bool)>) {
        let mut attr: Option<(u32, String)> = None;
        let mut values: Vec<(u32, String)> = Vec::new();
        let mut prefix: Option<String> = None;
        let mut suffix: Option<String> = None;
        let collect = |v: &Node<'pr>, values: &mut Vec<(u32, String)>| {
            if let Some(h) = v.as_hash_node() {
                for e in h.elements().iter() {
                    if let Some(a) = e.as_assoc_node()
                        && let Some(k) = literal_name(&a.key())
                    {
                        values.push((start(&a.key()), k));
                    }
                }
            } else if let Some(arr) = v.as_array_node() {
                for e in arr.elements().iter() {
                    if let Some(k) = literal_name(&e) {
                        values.push((start(&e), k));
                    }
                }
            }
        };
        let mut rest = args;
        if let Some(a) = args.first()
            && a.as_symbol_node().is_some()
            && let Some(s) = literal_name(a)
        {
            attr = Some((start(a), s));
            rest = &args[1..];
        }
        for a in rest {
            let elements: Vec<Node<'pr>> = if let Some(h) = a.as_keyword_hash_node() {
                h.elements().iter().collect()
            } else if a.as_hash_node().is_some() || a.as_array_node().is_some() {
                collect(a, &mut values);
                continue;
            } else {
                continue;
            };
            for e in elements {
                let Some(p) = e.as_assoc_node() else { continue };
                let Some(k) = literal_name(&p.key()) else { continue };
                let v = p.value();
                let opt = |v: &Node<'_>| -> Option<String> {
                    if v.as_true_node().is_some() {
                        Some(String::new())
                    } else {
                        literal_name(v)
                    }
                };
                match k.as_str() {
                    "_prefix" | "prefix" => prefix = opt(&v),
                    "_suffix" | "suffix" => suffix = opt(&v),
                    _ if k.starts_with('_') => {}
                    _ if attr.is_none() && (v.as_hash_node().is_some() || v.as_array_node().is_some()) => {
                        attr = Some((start(&p.key()), k));
                        collect(&v, &mut values);
                    }
                    _ => {}
                }
            }
        }
        let Some((ap, attr)) = attr else { return };
        let fix = |word: Option<&String>| word.map(|w| if w.is_empty() { attr.clone() } else { w.clone() });
        let (pre, suf) = (fix(prefix.as_ref()), fix(suffix.as_ref()));
        for (p, v) in values {
            let base = match (&pre, &suf) {
                (Some(a), Some(b)) => format!("{a}_{v}_{b}"),
                (Some(a), None) => format!("{a}_{v}"),
                (None, Some(b)) => format!("{v}_{b}"),
                (None, None) => v,
            };
            out.push((p, format!("{base}?"), false));
            out.push((p, format!("{base}!"), false));
            out.push((p, format!("not_{base}"), true));
            out.push((p, base, true));
        }
        out.push((ap, pluralize(&attr), true));
    }

    /// One argument of `private :a` / `private def x` / `private %i[a b]` /
    /// `private attr_reader :x`.
    fn visibility_arg(&mut self, a: &Node<'pr>, vis: Vis, singleton: bool, vis_frame: u32) {
        match a {
            Node::DefNode { .. } => {
                self.inline.insert(start(a), vis);
            }
            Node::CallNode { .. } => {
                // private attr_reader :x / private attr_accessor :a, :b
                if let Some(c) = a.as_call_node()
                    && c.receiver().is_none()
                    && matches!(
                        c.name().as_slice(),
                        b"attr_reader"
                            | b"attr_writer"
                            | b"attr_accessor"
                            | b"attr"
                            | b"define_method"
                            | b"delegate"
                    )
                {
                    self.inline.insert(start(a), vis);
                }
            }
            Node::SymbolNode { .. } | Node::StringNode { .. } => {
                if let Some(name) = literal_name(a) {
                    self.vis_statement(name, start(a), vis, singleton, vis_frame);
                }
            }
            Node::ArrayNode { .. } => {
                if let Some(arr) = a.as_array_node() {
                    for el in arr.elements().iter() {
                        if let Some(name) = literal_name(&el) {
                            self.vis_statement(name, start(&el), vis, singleton, vis_frame);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// `%i[a b]`, `["a", "b"]`, `%w[a b].freeze` or a constant assigned one
    /// earlier in the file: its names.
    fn literal_list(&self, n: &Node<'_>) -> Option<Vec<String>> {
        if let Some(arr) = n.as_array_node() {
            let names: Option<Vec<String>> = arr.elements().iter().map(|e| literal_name(&e)).collect();
            return names.filter(|v| !v.is_empty());
        }
        if let Some(c) = n.as_call_node()
            && c.name().as_slice() == b"freeze"
            && let Some(r) = c.receiver()
        {
            return self.literal_list(&r).filter(|_| r.as_array_node().is_some());
        }
        if let Some(k) = n.as_constant_read_node() {
            return self
                .consts
                .get(&utf8(k.name().as_slice()))
                .map(|v| v.as_ref().clone());
        }
        None
    }

    /// The names a local variable is bound to by an enclosing
    /// `LIST.each { |x| ... }` (looked up through at most 64 frames).
    fn bound_list(&self, n: &Node<'_>) -> Option<Vec<String>> {
        let l = n.as_local_variable_read_node()?;
        let name = utf8(l.name().as_slice());
        self.frames
            .iter()
            .rev()
            .take(64)
            .find_map(|f| f.bind.as_ref().filter(|b| b.0 == name))
            .map(|b| b.1.clone())
    }

    /// `private :name` (and friends) at offset `at`.
    fn vis_statement(&mut self, name: String, at: u32, vis: Vis, class_method: bool, vis_frame: u32) {
        self.consumed.insert(at);
        let owner = self.top().owner.as_deref().map(str::to_string);
        let singleton = class_method || self.top().singleton;
        if singleton {
            self.class_vis
                .entry((owner.clone().unwrap_or_default(), name.clone()))
                .or_default()
                .push((at, vis));
        }
        if !class_method {
            self.by_symbol
                .entry((vis_frame, name.clone(), false))
                .or_default()
                .push((at, vis));
        }
        let access = match vis {
            Vis::Public => Access::Public,
            Vis::Protected => Access::Protected,
            Vis::Private => Access::Private,
            Vis::ModuleFunction => return,
        };
        let line = self.line(at);
        self.b.facts.visibility.push(crate::facts::VisStmt {
            owner,
            name,
            singleton,
            access,
            line,
        });
    }

    /// The statements that can set `d`'s visibility, in source order.
    fn statements_for(&self, d: &RawDef) -> &[(u32, Vis)] {
        let v = if d.kind == DefKind::Singleton {
            self.class_vis
                .get(&(d.owner.as_deref().unwrap_or("").to_string(), d.name.clone()))
        } else {
            self.by_symbol.get(&(d.vis_frame, d.name.clone(), false))
        };
        v.map(Vec::as_slice).unwrap_or(&[])
    }

    /// `d`'s visibility counting only statements before `cutoff`; `base`
    /// (an alias's original) comes after statements made later about `d`.
    fn vis_at(&self, d: &RawDef, cutoff: u32, base: Option<Vis>) -> Vis {
        if let Some(v) = d.fixed {
            return v;
        }
        let syms: Vec<(u32, Vis)> = self
            .statements_for(d)
            .iter()
            .copied()
            .filter(|(p, _)| *p < cutoff)
            .collect();
        let after = syms.iter().rfind(|(p, _)| *p > d.pos).map(|x| x.1);
        after
            .or(base)
            .or(d.inline)
            .or_else(|| syms.last().map(|x| x.1))
            .unwrap_or(d.section)
    }

    /// Resolve visibility now that every `private :x` of the file is known,
    /// and emit the definitions in source order.
    fn finish(&mut self) {
        // `stored_params["q"]` was taken for a column of that name: it is
        // also the key of the column the method returns.
        if !self.column_methods.is_empty() {
            let through: Vec<JsonKey> = self
                .b
                .facts
                .json_keys
                .iter()
                .filter(|k| k.recv.is_none())
                .filter_map(|k| {
                    let (column, recv) = self.column_methods.get(&k.column)?;
                    Some(JsonKey {
                        column: column.clone(),
                        key: k.key.clone(),
                        op: k.op,
                        line: k.line,
                        recv: recv.clone(),
                        recv_class: None,
                    })
                })
                .collect();
            self.b.facts.json_keys.extend(through);
        }
        let raw = std::mem::take(&mut self.raw_defs);
        let mut resolved: Vec<Vis> = Vec::with_capacity(raw.len());
        for (i, d) in raw.iter().enumerate() {
            // An alias takes the visibility its original has at that point.
            let base = d.alias_of.as_ref().and_then(|old| {
                raw[..i]
                    .iter()
                    .rposition(|o| o.name == *old && o.owner == d.owner && o.kind == d.kind && o.pos < d.pos)
                    .map(|j| match resolved[j] {
                        Vis::ModuleFunction => Vis::Private,
                        _ => self.vis_at(&raw[j], d.pos, None),
                    })
            });
            resolved.push(self.vis_at(d, u32::MAX, base));
        }
        for (d, vis) in raw.into_iter().zip(resolved) {
            let owner = d.owner.as_deref().map(str::to_string);
            let access = match vis {
                Vis::Public => Access::Public,
                Vis::Protected => Access::Protected,
                Vis::Private => Access::Private,
                Vis::ModuleFunction => {
                    // The instance copy is private; the module copy is
                    // public unless `class << self; private :x; end` (or
                    // `private_class_method :x`) says otherwise later.
                    let later = self
                        .class_vis
                        .get(&(owner.clone().unwrap_or_default(), d.name.clone()))
                        .and_then(|v| v.iter().rfind(|(p, _)| *p > d.pos))
                        .map(|x| x.1);
                    let access = match later {
                        Some(Vis::Private) => Access::Private,
                        Some(Vis::Protected) => Access::Protected,
                        _ => Access::Public,
                    };
                    self.b.facts.defs.push(Def {
                        name: d.name.clone(),
                        owner: owner.clone(),
                        kind: DefKind::Singleton,
                        form: d.form,
                        access,
                        line: d.line,
                    });
                    Access::Private
                }
            };
            self.b.facts.defs.push(Def {
                name: d.name,
                owner,
                kind: d.kind,
                form: d.form,
                access,
                line: d.line,
            });
        }
    }

    // ---- JSON columns ----

    /// `x.column` or a bare `column` (the model's own attribute); a local
    /// variable or parameter merely named like the column is not it.
    fn column_name(&mut self, n: &Node<'_>) -> Option<String> {
        let c = n.as_call_node()?;
        let name = utf8(c.name().as_slice());
        if !self.interest.column(&name) {
            return None;
        }
        // What the column hangs off, for the keys that follow.
        self.json_recv = c.receiver().map(|r| self.short(&r));
        self.json_recv_class = c.receiver().and_then(|r| {
            let v = r.as_local_variable_read_node()?;
            let (local, at) = (self.top().local_id, start(&r));
            let var = utf8(v.name().as_slice());
            self.json_roots
                .iter()
                .rev()
                .find(|(s, n, p, _)| *s == local && *n == var && *p < at)
                .and_then(|(_, _, _, root)| root.clone())
        });
        Some(name)
    }

    fn key(&mut self, column: &str, k: &Node<'_>, op: KeyOp, at: u32) {
        if let Some(key) = literal_name(k) {
            let line = self.line_of(k);
            let recv = self.json_recv.clone();
            self.b.facts.json_keys.push(JsonKey {
                column: column.to_string(),
                key,
                op,
                line,
                recv,
                recv_class: self.json_recv_class.clone(),
            });
        } else {
            self.opaque(column, op, at);
        }
    }

    fn opaque(&mut self, column: &str, op: KeyOp, at: u32) {
        let line = self.line(at);
        self.b.facts.json_opaque.push(JsonOpaque {
            column: column.to_string(),
            op,
            line,
        });
    }

    fn hash_keys(&mut self, column: &str, elements: ruby_prism::NodeList<'_>, op: KeyOp) {
        for p in elements.iter() {
            match p.as_assoc_node() {
                Some(a) => self.key(column, &a.key(), op, start(&p)),
                None => self.opaque(column, op, start(&p)),
            }
        }
    }

    /// `update(column: { k: v })`, `{ column: {...} }`; `column: other`
    /// writes keys we cannot see; `column: nil` writes none.
    fn json_pair(&mut self, n: &Node<'_>) {
        let Some(p) = n.as_assoc_node() else { return };
        let key = p.key();
        let Some(col) = literal_name(&key).filter(|c| self.interest.column(c)) else {
            return;
        };
        let v = p.value();
        if let Some(h) = v.as_hash_node() {
            self.hash_keys(&col, h.elements(), KeyOp::Write);
        } else if let Some(args) = self.merged_hashes(&v) {
            // `update(metadata: metadata.merge(k: v))`: the merged keys are
            // written to the column given the new hash.
            for h in args {
                self.hash_keys(&col, h, KeyOp::Write);
            }
        } else if v.as_nil_node().is_none() {
            self.opaque(&col, KeyOp::Write, start(&key));
        }
    }

    /// The hash arguments of a non-mutating merge of a column
    /// (`metadata.merge(k: v)`, `data.deep_merge({ k: v })`), when every
    /// argument is a literal hash.
    fn merged_hashes<'a>(&self, v: &Node<'a>) -> Option<Vec<ruby_prism::NodeList<'a>>> {
        let c = v.as_call_node()?;
        let name = c.name();
        if !matches!(name.as_slice(), b"merge" | b"deep_merge" | b"reverse_merge") {
            return None;
        }
        let r = c.receiver()?.as_call_node()?;
        if !self.interest.column(&utf8(r.name().as_slice())) {
            return None;
        }
        let args = c.arguments()?;
        let mut out = Vec::new();
        for a in args.arguments().iter() {
            if let Some(h) = a.as_keyword_hash_node() {
                out.push(h.elements());
            } else if let Some(h) = a.as_hash_node() {
                out.push(h.elements());
            } else {
                return None;
            }
        }
        (!out.is_empty()).then_some(out)
    }

    /// Schema statements, whatever the plan names: the JSON columns a table
    /// declares (`create_table :receipts do |t| t.jsonb :data`,
    /// `add_column :receipts, :data, :jsonb`) and a model's
    /// `self.table_name = '...'`.
    fn schema_call(
        &mut self,
        c: &ruby_prism::CallNode<'_>,
        name: &str,
        recv: Option<&Node<'_>>,
        args: &[Node<'_>],
    ) {
        let json_type = |n: &Node<'_>| literal_name(n).is_some_and(|t| t == "jsonb" || t == "json");
        match (recv, name) {
            (None, "create_table" | "change_table") => {
                if let (Some(t), Some(block)) = (args.first().and_then(literal_name), c.block())
                    && block.as_block_node().is_some()
                {
                    let l = block.location();
                    self.tables.push((l.start(), l.end(), t));
                }
            }
            // add_column :receipts, :data, :jsonb
            (None, "add_column") if args.len() >= 3 && json_type(&args[2]) => {
                if let (Some(t), Some(col)) = (literal_name(&args[0]), literal_name(&args[1])) {
                    let line = self.line(start(&args[1]));
                    self.b.facts.column_defs.push(ColumnDef {
                        name: col,
                        table: Some(t),
                        line,
                    });
                }
            }
            // t.jsonb :data / t.json "data" / t.column :data, :jsonb
            (Some(r), "jsonb" | "json" | "column")
                if r.as_local_variable_read_node().is_some()
                    || r.as_call_node().is_some_and(|x| x.is_variable_call()) =>
            {
                if name == "column" && !args.get(1).is_some_and(json_type) {
                    return;
                }
                let Some(a) = args.first() else { return };
                let Some(col) = a
                    .as_symbol_node()
                    .filter(is_symbol_value)
                    .map(|s| utf8(s.unescaped()))
                    .or_else(|| a.as_string_node().map(|s| utf8(s.unescaped())))
                else {
                    return;
                };
                let at = start(a);
                // The innermost table block around the call.
                let table = self
                    .tables
                    .iter()
                    .rev()
                    .find(|(s, e, _)| *s <= at && at < *e)
                    .map(|(_, _, t)| t.clone());
                let line = self.line(at);
                self.b.facts.column_defs.push(ColumnDef {
                    name: col,
                    table,
                    line,
                });
            }
            // self.table_name = 'legacy_receipts' in a class body
            (Some(r), "table_name=") if r.as_self_node().is_some() && !self.top().in_def => {
                if let (Some(owner), Some(t)) =
                    (self.top().owner.clone(), args.first().and_then(literal_name))
                {
                    self.b.facts.table_names.push((owner.to_string(), t));
                }
            }
            _ => {}
        }
    }

    fn json_call(
        &mut self,
        c: &ruby_prism::CallNode<'_>,
        name: &str,
        recv: Option<&Node<'_>>,
        args: &[Node<'_>],
    ) {
        let at = c.message_loc().map(|l| l.start()).unwrap_or(c.location().start());
        match (recv, name) {
            // column['k'] (read), column['k'] = v (write)
            (Some(r), "[]" | "[]=") => {
                if let (Some(col), Some(k)) = (self.column_name(r), args.first()) {
                    let op = if name == "[]=" { KeyOp::Write } else { KeyOp::Read };
                    self.key(&col, k, op, start(k));
                } else if name == "[]="
                    && let Some(v) = r.as_local_variable_read_node()
                    && let [k, h] = args
                    && let Some(col) = literal_name(k).filter(|c| self.interest.column(c))
                    && let Some(h) = h.as_hash_node()
                {
                    // `attrs["column"] = { k: v }`: the column's keys, once
                    // `attrs` is given to a model (`record.update(attrs)`).
                    let keys: Vec<(String, u32)> = h
                        .elements()
                        .iter()
                        .filter_map(|e| {
                            let a = e.as_assoc_node()?;
                            let key = literal_name(&a.key())?;
                            Some((key, self.line_of(&a.key())))
                        })
                        .collect();
                    let local = self.top().local_id;
                    self.attr_hashes
                        .entry((local, utf8(v.name().as_slice())))
                        .or_default()
                        .push((col, keys));
                }
            }
            (Some(r), m) if JSON_METHODS.contains(&m) => {
                let Some(col) = self.column_name(r) else { return };
                match m {
                    "dig" | "fetch" | "key?" | "has_key?" | "include?" => {
                        if let Some(k) = args.first() {
                            self.key(&col, k, KeyOp::Read, at);
                        }
                    }
                    // Removing a key (an obsolete one, often) is neither a
                    // read that wants a writer nor a write that wants a
                    // reader.
                    "delete" => {
                        if let Some(k) = args.first() {
                            self.key(&col, k, KeyOp::Update, at);
                        }
                    }
                    "slice" | "values_at" | "fetch_values" => {
                        for k in args {
                            self.key(&col, k, KeyOp::Read, at);
                        }
                    }
                    "symbolize_keys"
                    | "deep_symbolize_keys"
                    | "stringify_keys"
                    | "deep_stringify_keys"
                    | "with_indifferent_access"
                    | "to_h"
                    | "to_hash"
                    | "to_json"
                    | "as_json"
                    | "each_pair"
                    | "transform_keys"
                    | "transform_values"
                    | "except" => self.opaque(&col, KeyOp::Read, at),
                    "store" => {
                        if let Some(k) = args.first() {
                            self.key(&col, k, KeyOp::Write, at);
                        }
                    }
                    // A merge that returns a new hash writes nothing to the
                    // column by itself (`render json: x.metadata.merge(k:
                    // 1)`); given to a writer, the writer's keys are the
                    // column's (`json_pair`, `x.metadata = ...` below).
                    "merge" | "deep_merge" | "reverse_merge" => {}
                    "merge!" | "deep_merge!" | "update" | "reverse_merge!" => {
                        for a in args {
                            if let Some(h) = a.as_keyword_hash_node() {
                                self.hash_keys(&col, h.elements(), KeyOp::Write);
                            } else if let Some(h) = a.as_hash_node() {
                                self.hash_keys(&col, h.elements(), KeyOp::Write);
                            } else {
                                self.opaque(&col, KeyOp::Write, at);
                            }
                        }
                    }
                    _ => {}
                }
            }
            // x.column = { k: v }
            (Some(r), m) if c.is_attribute_write() && m.ends_with('=') => {
                let col = &m[..m.len() - 1];
                if !self.interest.column(col) {
                    return;
                }
                let col = col.to_string();
                // The record written: `x.metadata = ...` is `x`'s column,
                // `self.metadata = ...` the class's own.
                self.json_recv = (r.as_self_node().is_none()).then(|| self.short(r));
                self.json_recv_class = None;
                if let Some(h) = args.first().and_then(|a| a.as_hash_node()) {
                    self.hash_keys(&col, h.elements(), KeyOp::Write);
                } else if let Some(hashes) = args.first().and_then(|a| self.merged_hashes(a)) {
                    for h in hashes {
                        self.hash_keys(&col, h, KeyOp::Write);
                    }
                } else if let Some(v) = args.first()
                    && v.as_nil_node().is_none()
                {
                    // `st.stripe_transaction = t`: keys we cannot see.
                    self.opaque(&col, KeyOp::Write, start(v));
                }
            }
            // store_accessor :column, :a, :b / store :column, accessors: [:a]
            (None, "store_accessor" | "store") => {
                let Some(col) = args.first().and_then(literal_name) else {
                    return;
                };
                if !self.interest.column(&col) {
                    return;
                }
                // The class's own column: no receiver (whatever call came
                // before, `OpenStruct.new({...})` in a constant).
                self.json_recv = None;
                self.json_recv_class = None;
                if name == "store_accessor" {
                    for k in &args[1..] {
                        if k.as_symbol_node().is_some() || k.as_string_node().is_some() {
                            self.key(&col, k, KeyOp::Accessor, start(k));
                        }
                    }
                } else {
                    for a in &args[1..] {
                        let Some(h) = a.as_keyword_hash_node() else {
                            continue;
                        };
                        for e in h.elements().iter() {
                            let Some(p) = e.as_assoc_node() else { continue };
                            if literal_name(&p.key()).as_deref() != Some("accessors") {
                                continue;
                            }
                            if let Some(arr) = p.value().as_array_node() {
                                for k in arr.elements().iter() {
                                    self.key(&col, &k, KeyOp::Accessor, start(&k));
                                }
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// The constant a call chain starts at (`Fog::Storage` for
/// `Fog::Storage.new(o).put_object(b)`, `Entry` for `Entry.where(x).first`).
fn chain_root_const<'a>(v: &Node<'a>) -> Option<Node<'a>> {
    let mut cur = v.as_call_node()?.receiver()?;
    for _ in 0..16 {
        if cur.as_constant_read_node().is_some() || cur.as_constant_path_node().is_some() {
            return Some(cur);
        }
        cur = cur.as_call_node()?.receiver()?;
    }
    None
}

/// Literal spellings a file must contain to define or call `name` in Ruby,
/// beyond the name itself: the words Rails generates methods from
/// (`live?` from `enum status: { live: 1 }`, `build_author` from
/// `belongs_to :author`, `line_item_ids` from `has_many :line_items`).
/// Variants shorter than 3 characters are left out (they would match
/// almost every file).
pub fn source_spellings(name: &str) -> Vec<String> {
    let mut out = vec![name.to_string()];
    let base = name.trim_end_matches(['?', '!', '=']);
    let mut bases = vec![base];
    if let Some(b) = base.strip_suffix("_ids") {
        bases.push(b);
    }
    for pre in ["build_", "create_", "reload_", "not_"] {
        if let Some(b) = base.strip_prefix(pre) {
            bases.push(b);
        }
    }
    for b in [base.strip_suffix("es"), base.strip_suffix('s')]
        .into_iter()
        .flatten()
    {
        bases.push(b);
    }
    for b in bases {
        if b.len() >= 3 && !out.iter().any(|o| o == b) {
            out.push(b.to_string());
        }
    }
    out
}

/// Is `n` a class looked up by name, possibly instantiated
/// (`const_get(x)`, `x.constantize.new`)? Follows at most 8 receivers.
fn reflected(n: &Node<'_>) -> bool {
    let mut cur = n.as_call_node();
    for _ in 0..8 {
        let Some(c) = cur else { return false };
        match c.name().as_slice() {
            b"const_get" | b"constantize" | b"safe_constantize" => return true,
            b"new" | b"find" | b"first" | b"last" | b"instance" => {}
            _ => return false,
        }
        cur = c.receiver().and_then(|r| r.as_call_node());
    }
    false
}

/// The first plain parameter of a block (`|x|`, `|x, i|`).
pub(super) fn first_block_param(b: &ruby_prism::BlockNode<'_>) -> Option<String> {
    let p = b.parameters()?.as_block_parameters_node()?.parameters()?;
    let first = p.requireds().iter().next()?;
    let r = first.as_required_parameter_node()?;
    Some(utf8(r.name().as_slice()))
}

/// `comments` → `comment`, `categories` → `category` (association id
/// readers); enough for the regular English plurals Rails apps name their
/// associations with.
fn singular(s: &str) -> String {
    if let Some(b) = s.strip_suffix("ies") {
        format!("{b}y")
    } else if let Some(b) = s.strip_suffix("sses") {
        format!("{b}ss")
    } else if let Some(b) = s.strip_suffix('s') {
        b.to_string()
    } else {
        s.to_string()
    }
}

/// `status` → `statuses`, `category` → `categories` (enum class methods).
fn pluralize(s: &str) -> String {
    if s.ends_with('s') || s.ends_with('x') || s.ends_with("ch") || s.ends_with("sh") {
        format!("{s}es")
    } else if let Some(b) = s.strip_suffix('y')
        && !b.ends_with(['a', 'e', 'i', 'o', 'u'])
    {
        format!("{b}ies")
    } else {
        format!("{s}s")
    }
}

/// One Ruby buffer for an ERB template: every byte outside the code ranges
/// blanked to a space (newlines kept, so lines stay exact), and a `;` where
/// each tag closes, so that consecutive tags on one line parse as separate
/// statements.
pub fn blank_template(src: &[u8], ranges: &[(usize, usize)]) -> Vec<u8> {
    let mut out: Vec<u8> = src
        .iter()
        .map(|&c| if c == b'\n' || c == b'\r' { c } else { b' ' })
        .collect();
    for &(s, e) in ranges {
        let (s, e) = (s.min(src.len()), e.min(src.len()));
        out[s..e].copy_from_slice(&src[s..e]);
        if e < out.len() && out[e] == b' ' {
            out[e] = b';';
        }
    }
    out
}
