//! Plain data extracted from source and config files, and the merged index.
//!
//! Input: nothing (this module has no dependencies but serde). Output:
//! `FileFacts` per file, built by `lang` (serializable, for a fact cache),
//! and the `FactIndex` the checks read. Only files that mention a plan name
//! are parsed, so the model's size follows the plan, not the workspace;
//! within a file, Ruby facts are plan-independent (every definition, call
//! and env read), and `Interest` selects JSON columns and, for languages
//! that still filter, names. It never touches the file system.

pub(crate) mod compact;
mod resolve;
mod servers;
mod wrappers;

pub use resolve::{ProcBody, Resolution};
use serde::{Deserialize, Serialize};
/// The TypeScript/JavaScript server routes of a set of files (one repo
/// per `FileMeta::repo`), mounts and prefixes followed across modules.
pub use servers::routes as server_routes;
use std::collections::{BTreeMap, BTreeSet};

/// Index of a file in `FactIndex::files` (sorted by repo, then path).
pub type FileIdx = u32;

/// A place in the workspace: a file and a 1-based line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Loc {
    pub file: FileIdx,
    pub line: u32,
}

/// Visibility, ordered from the most to the least permissive, so `max` is the
/// strictest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Access {
    Public,
    Protected,
    /// TypeScript: a module-level function or const that is not exported.
    ModuleLocal,
    Private,
}

impl Access {
    /// The contract's name for it (`not exported` is reported as private).
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Public => "public",
            Access::Protected => "protected",
            Access::ModuleLocal | Access::Private => "private",
        }
    }
}

/// Which receiver a definition answers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum DefKind {
    /// Ruby instance method, TS instance member.
    Instance,
    /// Ruby `def self.x` / `class << self`, TS `static`.
    Singleton,
    /// A function outside any class (Ruby top-level `def`, TS function or
    /// const holding one).
    Function,
}

/// How a definition was written; used in messages and by the checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum DefForm {
    Def,
    Attr,
    DefineMethod,
    Delegate,
    Alias,
    ClassMethod,
    Field,
    Function,
    ConstFunction,
    /// TS: a module-level const whose value is computed by a call
    /// (`export const parse = flow(a, b)`, `debounce(fn)`): a function only
    /// if the call returns one. The checks use it only when nothing else
    /// defines the name, with low confidence.
    ConstValue,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Def {
    pub name: String,
    /// Enclosing class/module path, `A::B` in Ruby, the class name in TS.
    pub owner: Option<String>,
    pub kind: DefKind,
    pub form: DefForm,
    pub access: Access,
    pub line: u32,
}

/// What we know about the receiver of a call.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Recv {
    /// `foo()` / `foo` with no receiver.
    Implicit,
    /// `self.foo` / `this.foo`.
    SelfRef,
    /// `Const.foo`, `Const.new.foo`, `new Const().foo()`: the constant path.
    Const(String),
    /// Any other expression; its source text (truncated).
    Expr(String),
    /// An import: the module specifier it is imported from.
    Module(String),
}

/// How a use of a name was written, weakest evidence last.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Via {
    /// A real call expression (`a.b()`, `b(x)`, paren-less `b`).
    Call,
    /// `import { b } from './m'` or `export { b } from './m'`.
    Import,
    /// JSX element `<B />`.
    Jsx,
    /// A literal symbol or string naming the method: `send(:b)`, `&:b`,
    /// `before_action :b`, `if: :b`, `method(:b)`.
    Symbol,
    /// A reference that is not a call (`arr.map(fn)`, `this.handler`).
    Reference,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Call {
    pub name: String,
    pub recv: Recv,
    pub via: Via,
    /// Enclosing class/module path at the call site.
    pub owner: Option<String>,
    /// Enclosing function scope (index into `FileFacts::scopes`).
    pub scope: Option<u32>,
    pub line: u32,
}

/// A named function or method body, for "env vars read in the caller's body".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    pub name: String,
    pub start_line: u32,
    pub end_line: u32,
}

/// `send(var)`, `obj[name]()`, `const_get`, `constantize`, ...
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dynamic {
    pub what: String,
    pub line: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvRead {
    pub name: String,
    pub scope: Option<u32>,
    pub line: u32,
    /// The read has a fallback value (`ENV.fetch("X", 3000)`, `ENV["X"] ||
    /// d`, `process.env.X ?? d`): the code runs without the var.
    #[serde(default)]
    pub fallback: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum KeyOp {
    Write,
    Read,
    /// `store_accessor :column, :k`: both written and read.
    Accessor,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonKey {
    pub column: String,
    pub key: String,
    pub op: KeyOp,
    pub line: u32,
    /// What the column hangs off, as written (`video` for
    /// `video.metadata['k']`, `@order.customer` for
    /// `@order.customer.metadata`); `None` for a bare `metadata` (the
    /// model's own) or a hash given to a writer.
    #[serde(default)]
    pub recv: Option<String>,
    /// The class the receiver holds, when its declaration says so
    /// (TypeScript: `event` in `(event: MessageEvent) => event.data.x`;
    /// `this` in a class: that class).
    #[serde(default)]
    pub recv_class: Option<String>,
}

/// A JSON column accessed with a key or value we cannot read statically
/// (`metadata[k]`, `update(metadata: params[:m])`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonOpaque {
    pub column: String,
    pub op: KeyOp,
    pub line: u32,
}

/// An env var or flag defined in a config file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigDef {
    pub name: String,
    pub line: u32,
}

/// A JSON column declared in a schema: its name, its table when the
/// declaration names one, and where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnDef {
    pub name: String,
    pub table: Option<String>,
    pub line: u32,
}

/// How a Ruby class or module relates to another constant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Rel {
    /// `class Owner` (target empty, or the superclass for `class Owner < T`).
    Class,
    /// `module Owner` (target empty).
    Module,
    /// `include T` in the body of Owner.
    Include,
    /// `prepend T`.
    Prepend,
    /// `extend T`.
    Extend,
    /// `delegate_missing_to :t`: any method may be forwarded.
    DelegateMissing,
}

/// One statement about a Ruby owner's ancestors.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Ancestry {
    /// The class or module, by lexical path (`A::B`).
    pub owner: String,
    pub rel: Rel,
    /// The constant as written (`ApplicationRecord`, `::Foo`), or empty.
    pub target: String,
    /// The lexical path the constant is resolved from (`A` for
    /// `module A; class B < C`), empty at the top level.
    pub scope: String,
    pub line: u32,
}

/// `private :x` / `protected :x` / `public :x` / `private_class_method :x`
/// (Ruby): a visibility set after the definition, possibly in another file
/// that reopens the class.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct VisStmt {
    pub owner: Option<String>,
    pub name: String,
    /// Applies to the class method (`private_class_method`, or inside
    /// `class << self`).
    pub singleton: bool,
    pub access: Access,
    pub line: u32,
}

/// What a value passed to a job looks like (Sidekiq's arguments must be
/// JSON-native).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum ArgShape {
    /// A string, number, `nil`, boolean, or an array/hash of those with
    /// string keys.
    Json,
    /// A symbol (or a hash with symbol keys).
    Symbol,
    /// `Time.now`, `Date.today`, `1.day.ago`, ...
    Time,
    /// An object: `Const.new`, `Const.find(...)`, a local assigned from one.
    Object,
    /// Anything else (a variable, a call): judged by the checks, if at all.
    Unknown,
}

/// One argument of an enqueue, with its source text (truncated).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct JobArg {
    pub shape: ArgShape,
    pub text: String,
}

/// A job handed to a queue: `X.perform_later(a)`, `X.set(...).perform_later`,
/// `X.perform_async(a)`, `X.perform_in(t, a)`, `ActiveJob.perform_all_later`,
/// `Sidekiq::Client.push('class' => X)`, `Mailer.m(a).deliver_later`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Enqueue {
    /// The job (or mailer) class as written.
    pub class: String,
    /// The lexical owner path at the call (for resolving `class`).
    pub scope: String,
    /// `perform_later`, `perform_async`, `deliver_later`, `push`, ...
    pub method: String,
    /// The arguments `perform` (or the mailer method) receives, without
    /// `set(...)` options or `perform_in`'s delay; `None` when their number
    /// cannot be read (a splat, `perform_bulk`, a pushed variable).
    pub args: Option<Vec<JobArg>>,
    /// Keyword arguments passed (`k: v` at the end of the call).
    pub keywords: Vec<String>,
    /// A queue chosen at the call: `set(queue: :x)`, `'queue' => 'x'`.
    pub queue: Option<String>,
    /// `Mailer.m(...).deliver_later`: the mailer method `m`.
    pub mailer_method: Option<String>,
    pub line: u32,
}

/// The parameters a Ruby method accepts.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Params {
    pub required: u32,
    pub optional: u32,
    /// `*args` (or `...`).
    pub rest: bool,
    pub required_kw: Vec<String>,
    pub optional_kw: Vec<String>,
    /// `**opts` (or `...`).
    pub kwrest: bool,
}

/// A method's parameter list (Ruby `def`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Sig {
    pub owner: Option<String>,
    pub name: String,
    pub singleton: bool,
    pub params: Params,
    pub line: u32,
}

/// `QueueDecl::owner` of `config.action_mailer.deliver_later_queue_name = :x`.
pub const ACTION_MAILER: &str = "ActionMailer::Base";
/// `QueueDecl::owner` of `config.load_defaults X.Y` (the version in `queue`).
pub const RAILS_DEFAULTS: &str = "Rails.load_defaults";

/// `queue_as :x` / `sidekiq_options queue: 'x'` in a class body;
/// `self.deliver_later_queue_name = :x` in a mailer; also the two
/// app-wide settings above.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct QueueDecl {
    pub owner: String,
    /// `None` when the queue is computed (a block, a method call).
    pub queue: Option<String>,
    pub line: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum EventRole {
    Emit,
    Subscribe,
}

/// An event emitted or subscribed to by name.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EventUse {
    /// The event name, or the regexp's source when `regex`.
    pub name: String,
    pub regex: bool,
    pub role: EventRole,
    /// `ActiveSupport::Notifications`, `Wisper`, ...
    pub via: String,
    pub line: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum FlagRole {
    /// Checked in code (`Flipper.enabled?(:x)`).
    Check,
    /// Created or turned on in code (`Flipper.enable(:x)`, `Flipper.add(:x)`).
    Define,
    /// Checked through a hosted flag service (LaunchDarkly, Unleash): its
    /// definition lives in that service.
    Hosted,
}

/// `FlagUse::via` of LaunchDarkly's React SDK (`useFlags()`), whose keys are
/// camel-cased: `my-flag` is read as `myFlag`.
pub const LD_REACT: &str = "LaunchDarkly React";

/// A feature flag named in code.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FlagUse {
    pub name: String,
    pub role: FlagRole,
    /// `Flipper`, `Feature`, `LaunchDarkly`, `Unleash`.
    pub via: String,
    pub line: u32,
    /// The flag is named by this constant (`name` is empty): the fact
    /// index resolves it to its string value.
    #[serde(default)]
    pub const_ref: Option<ConstRef>,
}

/// A queue or job name as TypeScript code writes it: a string literal, a
/// constant (`QUEUE`, `Queues.EMAIL`, an enum member) the fact index
/// resolves across modules, or (for a producer) the binding of a queue
/// object (`emailQueue`, `this.queue`) created or imported elsewhere.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum NameRef {
    Lit(String),
    Const(String),
    Queue(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum BullRole {
    /// `new Queue('q')`, `@InjectQueue('q')`, `BullModule.registerQueue({ name })`:
    /// a queue is declared.
    Queue,
    /// `queue.add('job', data)`, `addBulk`, `FlowProducer#add`, bee-queue
    /// `createJob(data)`: a job is enqueued (producer).
    Add,
    /// `new Worker('q', processor)`, Bull `queue.process('job', fn)`,
    /// NestJS `@Processor('q')`: a processor takes the queue's jobs.
    Worker,
}

/// BullMQ / Bull / bee-queue in TypeScript or JavaScript.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BullUse {
    pub role: BullRole,
    /// The queue; `None` when it cannot be read.
    pub queue: Option<NameRef>,
    /// `Add`: the job name (`None` for bee-queue, or computed). `Worker`:
    /// Bull's named processor (`queue.process('job', fn)`, `@Process('job')`).
    pub job: Option<NameRef>,
    /// `Add`: the keys of the job data when it is an object literal
    /// (`None`: not visible, a spread or a variable). `Worker`: the keys
    /// the processor reads from `job.data` (`None`: processor not visible).
    pub data_keys: Option<Vec<String>>,
    /// `Worker`: the job names its processor dispatches on (`switch
    /// (job.name)`, `job.name === 'x'`); empty when it does not look.
    pub job_names: Vec<NameRef>,
    /// `Worker`: keys read from `job.data` inside the branch for one job
    /// name (`case 'a':`, `if (job.name === 'a') {...}`); `data_keys` then
    /// holds the reads outside every such branch.
    #[serde(default)]
    pub job_keys: Vec<(NameRef, Vec<String>)>,
    /// `BullMQ`, `Bull`, `bee-queue`, `FlowProducer`, `@nestjs/bullmq`.
    pub via: String,
    /// `Queue`: the variable or property holding the queue object
    /// (`emailQueue`, `this.queue`), for producers in other modules.
    #[serde(default)]
    pub binding: Option<String>,
    /// Enclosing function scope (index into `FileFacts::scopes`): which
    /// handler enqueues it.
    pub scope: Option<u32>,
    /// `Worker`: the function its processor is, or hands the job to, when
    /// that function is not in this file (`new Worker('q', processJob)`
    /// with `processJob` imported; `process(job) { return run(job) }`): a
    /// local binding the fact index follows through imports (`this.x.y`
    /// when it is a method of another object, which is not followed).
    #[serde(default)]
    pub processor: Option<String>,
    pub line: u32,
}

/// A function that reads a job the way a processor does (`job.data.k`,
/// `switch (job.name)`), so a processor in another module that is this
/// function, or hands the job to it, gets its reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobFn {
    /// The function's name in its module (`default` for an anonymous
    /// default export).
    pub name: String,
    pub line: u32,
    /// Keys read from the job data outside every per-name branch.
    pub data_keys: Vec<String>,
    /// Job names it dispatches on (constants resolved in its own module).
    pub job_names: Vec<NameRef>,
    pub job_keys: Vec<(NameRef, Vec<String>)>,
    /// A function of another module it hands the job to (a local binding).
    pub delegate: Option<String>,
}

/// A constant a flag check names instead of a literal:
/// `isEnabled(FLAG)`, `Flipper.enabled?(Flags::NEW_CHECKOUT)`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ConstRef {
    /// As written: `FLAG`, `Flags.NEW`, `Flags::NEW`.
    pub name: String,
    /// Ruby: the lexical owner path at the use (`A::B`), for resolution.
    pub scope: String,
}

/// A queue a worker configuration listens to (config files: `sidekiq.yml`
/// `:queues:`, `-q` flags, Solid Queue's `queues:`, GoodJob's queue lists).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct QueueListen {
    /// The queue; `*` for every queue, `prefix*` for a prefix; empty for a
    /// worker started without a queue list (it takes the default queue).
    pub queue: String,
    pub line: u32,
}

/// A literal value in a routes file (a call's argument), enough to
/// interpret the routing DSL without evaluating Ruby.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RVal {
    Str(String),
    Sym(String),
    Int(String),
    Bool(bool),
    Nil,
    List(Vec<RVal>),
    /// A hash literal, or the keyword arguments of a call (always last).
    Hash(Vec<(RVal, RVal)>),
    /// A constant (`Sidekiq::Web`, `AdminConstraint.new`): its source.
    Const(String),
    /// A lambda, a regexp, `redirect(...)` or any other expression: its
    /// source, truncated.
    Expr(String),
}

/// One call of the routing DSL (`resources`, `get`, `namespace`, `draw`...)
/// as written in a routes file, with the calls of its block.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RouteCall {
    pub name: String,
    pub args: Vec<RVal>,
    pub line: u32,
    /// The calls inside its `do ... end` block, when it has one.
    pub block: Option<Vec<RouteCall>>,
}

/// An HTTP request written in code: an HTTP client call (`HTTParty.get`,
/// `Faraday`, `Net::HTTP`, `RestClient`, a request spec's `post "/x"`) or a
/// literal path given to `link_to` / `button_to` / `form_with url:` /
/// `redirect_to`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HttpCall {
    /// `GET`, `POST`, ...; `ANY` when the code does not say.
    pub verb: String,
    /// The URL or path as written, each interpolation as `:param`.
    pub url: String,
    /// A leading part held in a variable or env var was stripped
    /// (`"#{API_URL}/orders"`, `ENV["API"] + "/orders"`).
    pub prefix_var: bool,
    /// What made the request (`HTTParty`, `Faraday`, `Net::HTTP`,
    /// `RestClient`, `link_to`, `request spec`...).
    pub client: String,
    /// Enclosing class/module path (where a `base_uri` applies).
    pub owner: Option<String>,
    /// The keys of the JSON body it sends, as dotted paths (`title`,
    /// `address.city`): `axios.post(url, { title })`,
    /// `fetch(url, { body: JSON.stringify({ title }) })`.
    #[serde(default)]
    pub body_keys: Vec<String>,
    /// Made on a client instance of another module (`api.get` with `api`
    /// imported, `this.http.get`): its base URL is that module's
    /// (`Resolution::http_bases` when the fact index finds it, else a
    /// prefix held elsewhere).
    #[serde(default)]
    pub base_elsewhere: bool,
    /// The instance is an import not named like a client: a request only
    /// when the import resolves to a client instance with a base URL.
    #[serde(default)]
    pub imported_instance: bool,
    pub line: u32,
}

/// A params key a Rails controller reads, as a dotted path:
/// `params[:notes]` → `notes`, `params.require(:proposal).permit(:title,
/// tags: [])` → `proposal`, `proposal.title`, `proposal.tags`,
/// `params.expect(proposal: [:title])`, `params.fetch(:q)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParamRead {
    pub owner: Option<String>,
    /// The enclosing method (`FileFacts::scopes` index).
    pub scope: Option<u32>,
    pub key: String,
    /// Read so that a missing key raises (`require`, `expect`, `fetch`
    /// without a default); `params[:x]` and permitted keys are optional.
    #[serde(default)]
    pub required: bool,
    pub line: u32,
}

/// What a form (`form_with` / `form_for` and its fields, `fields_for`,
/// `*_field_tag`) or a `button_to ... params:` sends, and where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormSend {
    /// The route name of a path helper target (`proposal` for
    /// `proposal_path(p)`).
    pub route: Option<String>,
    /// A literal URL target.
    pub url: Option<String>,
    /// `form_with model: @proposal` without `url:`: the model's param key
    /// (`proposal`), which targets `create` or `update`.
    pub model: Option<String>,
    /// The verb it submits with (`POST` unless `method:` says).
    pub verb: String,
    /// The keys sent (dotted paths: `proposal.notes`) and their lines. A
    /// form whose model is a variable (`form_with model: @edit_user`) sends
    /// under its model class's key, unknown here: `*` stands for it.
    pub keys: Vec<(String, u32)>,
    /// Partials rendered inside the form with its builder as a local
    /// (`render "stories/form", f: f`): (partial as written, the local's
    /// name there, the builder's key prefix).
    #[serde(default)]
    pub partials: Vec<(String, String, String)>,
    pub line: u32,
}

/// A form builder call in a template whose builder is a local given by the
/// renderer (`f.text_field :title` in a partial): (builder, key, line).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuilderField {
    pub builder: String,
    pub key: String,
    pub line: u32,
}

/// A TypeScript/JavaScript server framework that registers routes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Framework {
    /// Express, or any `router.get('/x', handler)` style router whose
    /// module imports no other framework.
    Express,
    Koa,
    Fastify,
    Hono,
    Nest,
    Next,
}

impl Framework {
    pub fn as_str(self) -> &'static str {
        match self {
            Framework::Express => "Express",
            Framework::Koa => "Koa",
            Framework::Fastify => "Fastify",
            Framework::Hono => "Hono",
            Framework::Nest => "NestJS",
            Framework::Next => "Next.js",
        }
    }
}

/// A route a TypeScript/JavaScript server registers: `router.get('/x', h)`,
/// `router.route('/x').post(h)`, `fastify.route({method, url, handler})`,
/// or a NestJS `@Get(':id')` method of a `@Controller('x')` class (its path
/// already joined to the controller's).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerRoute {
    pub framework: Framework,
    /// `GET`, `POST`, ...; `ANY` for `all`.
    pub verb: String,
    /// The path as written, each `${x}` as `:x`.
    pub path: String,
    /// The app or router it is registered on: a binding of this module
    /// (`router`, `app`; `this.app` as `app`). `None` for NestJS.
    pub on: Option<String>,
    /// When `on` is a parameter of an enclosing function (a Fastify plugin,
    /// `module.exports = (app) => {...}`): that function's binding name
    /// (`default` for an anonymous default export), by which a mount in
    /// another module reaches the route.
    pub plugin: Option<String>,
    /// The handler as written when it is not inline (`list`, `ctrl.list`);
    /// for NestJS the method name.
    pub handler: Option<String>,
    /// NestJS: the controller class.
    pub class: Option<String>,
    /// NestJS: the version (`@Controller({ version: '1' })`, `@Version('2')`),
    /// a path segment (`/v1`) when the app enables URI versioning.
    #[serde(default)]
    pub version: Option<String>,
    /// Where the handler is: the inline function, the handler argument, or
    /// the NestJS method's name.
    pub handler_line: u32,
    pub line: u32,
}

/// What a mount attaches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MountChild {
    /// A binding of this module (a router, a plugin function or an import).
    Binding(String),
    /// A module given inline: `require('./users')`, `import('./users')`.
    Module(String),
}

/// A router or plugin mounted under a prefix: `app.use('/api', router)`,
/// `app.route('/api', sub)` (Hono), `fastify.register(plugin, {prefix})`,
/// `parent.use('/x', child.routes())` (Koa), or a route-registering
/// function handed the app (`require('./routes')(app)`, prefix empty).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteMount {
    /// The app or router mounted on (see `ServerRoute::on`).
    pub on: Option<String>,
    /// See `ServerRoute::plugin`.
    pub plugin: Option<String>,
    pub prefix: String,
    pub child: MountChild,
    pub line: u32,
}

/// A router created with a prefix of its own: `new Router({ prefix: '/x' })`
/// (Koa), `new Hono().basePath('/x')`, `router.prefix('/x')`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouterPrefix {
    pub router: String,
    pub prefix: String,
    pub line: u32,
}

/// A Rails path or URL helper used (`proposal_path(p)`, `orders_url`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PathHelper {
    /// The route name (`proposal` for `proposal_path`).
    pub route: String,
    /// The verb the surrounding call implies (`link_to` GET, `button_to`
    /// POST, `method: :delete`...), `None` when it does not say.
    pub verb: Option<String>,
    pub line: u32,
}

/// `before_action :m, only: [...]` / `except:` in a controller body, or
/// `skip_before_action :m` / `skip_after_action :m` (`skip`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Callback {
    pub owner: String,
    /// The callback methods named (`before_action :a, :b`).
    pub methods: Vec<String>,
    /// `only:` actions (`None`: every action).
    pub only: Option<Vec<String>>,
    pub except: Vec<String>,
    pub line: u32,
    /// A `skip_before_action` / `skip_after_action`: the methods no longer
    /// run for the actions it covers.
    #[serde(default)]
    pub skip: bool,
}

/// A Pundit `authorize` call: `authorize @x`, `authorize @x, :publish?`,
/// `authorize @x, policy_class: P`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Authorize {
    pub owner: Option<String>,
    /// The enclosing method body (index into `FileFacts::scopes`).
    pub scope: Option<u32>,
    pub query: Option<String>,
    pub policy_class: Option<String>,
    pub line: u32,
    /// Pundit's `skip_authorization`: the action says it authorizes
    /// without a policy.
    #[serde(default)]
    pub skip: bool,
}

/// The body of a Pundit policy query method (`def update?` in a class
/// named `...Policy`), as a hash of its tokens, to spot copies.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PolicyBody {
    pub owner: String,
    pub name: String,
    /// Hash of the body's tokens (whitespace and comments ignored).
    pub hash: u64,
    /// How many tokens: a one-word body (`true`) is not worth reporting.
    pub tokens: u32,
    pub line: u32,
}

/// Which side of an HTTP payload a key belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum PayloadRole {
    /// A server reads it from the request (`params[:x]`, strong params).
    ParamRead,
    /// A server renders it in a response (`render json:`, jbuilder, a
    /// serializer's `attributes`).
    Rendered,
    /// A client sends it in a request body.
    Sent,
    /// A client reads it from a response.
    Received,
}

/// One payload key, as a dotted path (`customer.email`, `items[].sku`;
/// `[]` stands for the elements of an array). `*` means "every key": the
/// whole payload is read or sent as one value (`params.permit!`,
/// `body: payload` with a variable).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayloadKey {
    pub role: PayloadRole,
    pub key: String,
    /// Enclosing class/module path (a controller, a serializer).
    pub owner: Option<String>,
    /// Enclosing method body (index into `FileFacts::scopes`).
    pub scope: Option<u32>,
    /// `Sent` / `Received`: the request (index into `http_calls`).
    pub call: Option<u32>,
    pub line: u32,
}

/// A rewrite of payload key names the framework applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyFormat {
    /// Jbuilder renders keys in lowerCamel (`Jbuilder.key_format camelize:
    /// :lower` for the whole app, `json.key_format!` for one view).
    JbuilderCamelLower { global: bool },
    /// The controllers read request keys snake_cased
    /// (`params.deep_transform_keys!(&:underscore)`).
    ParamsUnderscore,
}

/// `tag_list` → `tagList`, per segment of a dotted key.
pub fn camel_lower_key(key: &str) -> String {
    key.split('.')
        .map(|seg| {
            let mut out = String::new();
            let mut up = false;
            for (i, ch) in seg.chars().enumerate() {
                if ch == '_' && i > 0 {
                    up = true;
                } else if up {
                    out.extend(ch.to_uppercase());
                    up = false;
                } else {
                    out.push(ch);
                }
            }
            out
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// `tagList` → `tag_list`, per segment of a dotted key.
pub fn underscore_key(key: &str) -> String {
    key.split('.')
        .map(|seg| {
            let mut out = String::new();
            for (i, ch) in seg.chars().enumerate() {
                if ch.is_uppercase() {
                    if i > 0 {
                        out.push('_');
                    }
                    out.extend(ch.to_lowercase());
                } else {
                    out.push(ch);
                }
            }
            out
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// Where a client wrapper takes a value from: its `n`th argument, or the
/// key `k` of an object given as its `n`th argument (`send({ method, path
/// })`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ArgRef {
    Pos(u32),
    Key(u32, String),
}

/// The verb of a client wrapper's request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WrapperVerb {
    Fixed(String),
    /// Given by the caller (`send({ method: 'GET', path })`).
    Arg(ArgRef),
}

/// What a client wrapper returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WrapperReturns {
    /// The parsed body (`return res.json()`, `JSON.parse(text)`,
    /// `.then(r => r.data)`).
    Body,
    /// The client's response itself (`return axios.get(url)`).
    Response,
    /// Something else, or nothing seamscan can see.
    Unknown,
}

/// A generic request helper: a function (or a method of an object bound
/// at module level, `requests.get`) that forwards its path argument,
/// after a base, to `fetch` / axios / ky / got / superagent, directly or
/// through at most two helpers of the same module (`get(path)` →
/// `send({ method: 'GET', path })` → `fetch`). Its call sites are client
/// calls (`FactIndex` ties them after module resolution).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientWrapper {
    /// The binding (`get`, `default`), or `object.method`.
    pub name: String,
    pub path: ArgRef,
    pub verb: WrapperVerb,
    /// The argument sent as the JSON body.
    pub body: Option<ArgRef>,
    /// The URL before the path, placeholders as `:name`.
    pub base: String,
    /// The base starts with a value held in a variable or env var.
    pub base_var: bool,
    pub returns: WrapperReturns,
    /// The client the request is made with (`fetch`, `axios`...).
    pub client: String,
    pub line: u32,
}

/// A value given to a call that may be a client wrapper's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CallArg {
    /// A string, template or `+` concatenation rendered as a path
    /// (placeholders as `:name`); `lit` when it is a plain string literal
    /// (a verb); `prefix_var` when it starts with a value.
    Str {
        text: String,
        lit: bool,
        prefix_var: bool,
    },
    /// An object literal: its keys as dotted paths with their lines (a
    /// body), and its top-level values (`send({ method: 'GET', path })`).
    Object {
        keys: Vec<(String, u32)>,
        props: Vec<(String, CallArg)>,
    },
    Other,
}

/// A call that may reach a client wrapper: `get('users')`, `api.post(...)`
/// on an import or a module-level object, with what is read from its
/// result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrapperCall {
    /// `api` of `api.get(...)`.
    pub recv: Option<String>,
    pub name: String,
    pub args: Vec<CallArg>,
    /// Keys read from the result: (key, read after `.json()`, line).
    pub reads: Vec<(String, bool, u32)>,
    /// The `http_calls` entry the walk already made of this call (a
    /// client named like one, `api.get`), replaced when a wrapper is found.
    pub http_call: Option<u32>,
    pub line: u32,
}

/// What a response is built from when it is not a literal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RenderTarget {
    /// A serializer class named at the render (`serializer: X`,
    /// `X.new(o)`, `XBlueprint.render(o)`, an association's
    /// `serializer:` / `blueprint:` / `resource:`).
    Class(String),
    /// A value whose serializer follows from its name by convention
    /// (`@order` → `OrderSerializer`, `OrderBlueprint`, `OrderResource`):
    /// the name, singular.
    Conventional(String),
    /// `render :show`, `render "orders/show"`, `render template:`: a view.
    Template(String),
    /// `json.partial! "orders/order"` (jbuilder).
    Partial(String),
    /// A value whose shape is not visible (`render json: result`): its
    /// source text.
    Opaque(String),
    /// `head :no_content`, `render plain:`: no JSON body.
    NoBody,
}

/// A response (or part of one) given by reference.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderRef {
    pub target: RenderTarget,
    /// The key path the referenced shape sits under (`order`, `items[]`,
    /// `[]`), empty at the top.
    pub prefix: String,
    pub owner: Option<String>,
    pub scope: Option<u32>,
    pub line: u32,
}

/// What a statement in a method body does, for webhooks and outbound
/// calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum EffectKind {
    /// A webhook signature check (`Stripe::Webhook.construct_event`, svix
    /// `verify`).
    Verify,
    /// `OpenSSL::HMAC.hexdigest` and friends: half of a hand-made check.
    Hmac,
    /// `secure_compare`: the other half.
    SecureCompare,
    /// `==` / `!=` on a signature or an HMAC (timing-unsafe).
    PlainCompare,
    /// A database write (`create!`, `update`, `save`, `destroy`).
    Write,
    /// An outbound HTTP call without a timeout at the call.
    Http,
    /// An outbound HTTP call with a timeout at the call.
    HttpTimed,
    /// A job enqueued (`what` is the class as written).
    Enqueue,
    /// A lookup or unique insert by the sender's event id.
    Dedup,
    /// A timeout set on a client (`default_timeout`, `Faraday.new(request:
    /// {timeout:})`, `http.read_timeout =`).
    Timeout,
    /// The payload handed to code of another class whose name speaks of
    /// webhooks (`provider.process_webhook_later(body, sig)`,
    /// `WebhookProcessor.new(body).process`): a check may happen there.
    Delegate,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Effect {
    pub kind: EffectKind,
    /// The call as written, short.
    pub what: String,
    pub owner: Option<String>,
    pub scope: Option<u32>,
    pub line: u32,
}

/// Everything extracted from one file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileFacts {
    #[serde(with = "compact::defs")]
    pub defs: Vec<Def>,
    #[serde(with = "compact::calls")]
    pub calls: Vec<Call>,
    pub scopes: Vec<Scope>,
    pub dynamic: Vec<Dynamic>,
    pub env_reads: Vec<EnvRead>,
    #[serde(with = "compact::json_keys")]
    pub json_keys: Vec<JsonKey>,
    pub json_opaque: Vec<JsonOpaque>,
    pub config_defs: Vec<ConfigDef>,
    /// `export { a as b }`, `alias_method :b, :a`, `alias b a`: (a, b, line)
    /// for interesting `a`. Callers may use `b`, which the plan does not name.
    pub renames: Vec<(String, String, u32)>,
    /// JSON columns declared in schema or migrations (`t.jsonb :metadata`
    /// inside `create_table :receipts`, `add_column :receipts, :data, :jsonb`),
    /// whatever the plan names.
    pub column_defs: Vec<ColumnDef>,
    /// `self.table_name = 'legacy_receipts'` in a Ruby class: (owner, table).
    #[serde(default)]
    pub table_names: Vec<(String, String)>,
    /// Ruby classes and modules: declarations, superclasses and mixins.
    #[serde(default)]
    pub ancestry: Vec<Ancestry>,
    /// Ruby visibility statements naming methods.
    #[serde(default)]
    pub visibility: Vec<VisStmt>,
    /// `const_get` / `constantize`: classes looked up by name (not method
    /// dispatch).
    #[serde(default)]
    pub reflection: Vec<Dynamic>,
    /// Ruby method parameter lists.
    #[serde(default)]
    pub sigs: Vec<Sig>,
    /// Jobs enqueued.
    #[serde(default)]
    pub enqueues: Vec<Enqueue>,
    /// Queues declared by job classes.
    #[serde(default)]
    pub queue_decls: Vec<QueueDecl>,
    /// Events emitted and subscribed to.
    #[serde(default)]
    pub events: Vec<EventUse>,
    /// Feature flags checked and defined in code.
    #[serde(default)]
    pub flags: Vec<FlagUse>,
    /// Queues worker configurations listen to (config files).
    #[serde(default)]
    pub queue_listens: Vec<QueueListen>,
    /// BullMQ / Bull / bee-queue queues, producers and processors.
    #[serde(default)]
    pub bull: Vec<BullUse>,
    /// Functions that read a job as processors do (for processors in
    /// other modules).
    #[serde(default)]
    pub job_fns: Vec<JobFn>,
    /// Module-level string constants: TS `const X = 'x'`, object members
    /// `const O = { K: 'x' }` as `O.K`, enum members `E.K`; Ruby
    /// `X = :x` / `X = 'x'` under its owner path (`Flags::X`). (name, value)
    #[serde(default)]
    pub str_consts: Vec<(String, String)>,
    /// TypeScript/JavaScript: keys of an object literal under an `env`
    /// property, (key, line). In a Next.js config (`next.config.*`) they
    /// define env vars (`env: { basePath }` inlines `process.env.basePath`).
    #[serde(default)]
    pub env_object_keys: Vec<(String, u32)>,
    /// Ruby: the file includes `Rails.application.routes.url_helpers` or
    /// calls a helper on it, so its bare `x_path` / `x_url` are route
    /// helpers wherever the file lives (not only in controllers, views,
    /// helpers, mailers and tests).
    #[serde(default)]
    pub url_helpers: bool,
    /// Constants used as values (an argument, a hash value, an assigned
    /// value, a method's whole body): a job class handed around to be
    /// enqueued through a variable. (name as written, line)
    #[serde(default)]
    pub const_values: Vec<(String, u32)>,
    /// Routes files (`config/routes.rb`, `config/routes/*.rb`): the routing
    /// DSL calls, in order, inside `routes.draw do ... end` (or at the top
    /// level of a file loaded with `draw(:name)`).
    #[serde(default)]
    pub routes: Vec<RouteCall>,
    /// Routing code the interpreter cannot read statically (routes drawn in
    /// a loop, helpers from gems), as `Dynamic` entries.
    #[serde(default)]
    pub routes_unread: Vec<Dynamic>,
    /// HTTP requests made from this file.
    #[serde(default)]
    pub http_calls: Vec<HttpCall>,
    /// `base_uri "..."` (HTTParty) and `Faraday.new(url: "...")` in a class
    /// body: (owner, URL).
    #[serde(default)]
    pub http_bases: Vec<(String, String)>,
    /// Params keys read in Rails controllers.
    #[serde(default)]
    pub param_reads: Vec<ParamRead>,
    /// Forms and `button_to` with the keys they send.
    #[serde(default)]
    pub form_sends: Vec<FormSend>,
    /// Form builder calls on a builder passed in as a partial's local.
    #[serde(default)]
    pub builder_fields: Vec<BuilderField>,
    /// TypeScript/JavaScript server routes registered in this module.
    #[serde(default)]
    pub server_routes: Vec<ServerRoute>,
    /// Routers and plugins mounted in this module.
    #[serde(default)]
    pub route_mounts: Vec<RouteMount>,
    /// Routers created with a prefix.
    #[serde(default)]
    pub router_prefixes: Vec<RouterPrefix>,
    /// NestJS `app.setGlobalPrefix('x')`: (prefix, line).
    #[serde(default)]
    pub global_prefixes: Vec<(String, u32)>,
    /// NestJS `app.enableVersioning({ type: VersioningType.URI })`: (the
    /// segment prefix, `v` unless `prefix:` says, the `defaultVersion`).
    #[serde(default)]
    pub uri_versioning: Vec<(String, Option<String>)>,
    /// Rails path/URL helpers used.
    #[serde(default)]
    pub path_helpers: Vec<PathHelper>,
    /// Controller `before_action` callbacks.
    #[serde(default)]
    pub callbacks: Vec<Callback>,
    /// Pundit `authorize` calls.
    #[serde(default)]
    pub authorizes: Vec<Authorize>,
    /// Bodies of policy query methods.
    #[serde(default)]
    pub policy_bodies: Vec<PolicyBody>,
    /// HTTP payload keys: read and rendered by servers, sent and read by
    /// clients.
    #[serde(default)]
    pub payload_keys: Vec<PayloadKey>,
    /// Responses given by reference (serializers, views, partials).
    #[serde(default)]
    pub render_refs: Vec<RenderRef>,
    /// Signature checks, writes, outbound calls, enqueues, dedup lookups
    /// and timeouts, by method body.
    #[serde(default)]
    pub effects: Vec<Effect>,
    /// Key name rewrites configured here (Jbuilder's `key_format`, params
    /// snake_cased by a callback).
    #[serde(default)]
    pub key_formats: Vec<KeyFormat>,
    /// TypeScript/JavaScript: keys of object literals given to a thrown
    /// error (`throw new HttpException(422, { errors: {...} })`), with
    /// their lines: what an error middleware may render.
    #[serde(default)]
    pub thrown_keys: Vec<(String, u32)>,
    /// TypeScript/JavaScript: lines of error middlewares registered here
    /// (`app.use((err, req, res, next) => ...)`).
    #[serde(default)]
    pub error_handlers: Vec<u32>,
    /// TypeScript/JavaScript generic request helpers defined here.
    #[serde(default)]
    pub client_wrappers: Vec<ClientWrapper>,
    /// Calls that may reach a request helper of this or another module.
    #[serde(default)]
    pub wrapper_calls: Vec<WrapperCall>,
    /// TypeScript/JavaScript: (first line, last line) of every function,
    /// sorted, to tie line-only payload facts to a route's handler.
    #[serde(default)]
    pub fn_spans: Vec<(u32, u32)>,
    /// The tree had syntax errors (facts from the valid parts are kept).
    pub parse_error: bool,
    /// The tree nests deeper than extraction looks; facts below that depth
    /// are missing.
    pub too_deep: bool,
    /// TypeScript/JavaScript: what the module imports, exports and which
    /// classes it defines (plan-independent).
    #[serde(default)]
    pub imports: Vec<Import>,
    #[serde(default)]
    pub exports: Vec<Export>,
    #[serde(default)]
    pub classes: Vec<ClassDef>,
    /// `package.json` / `tsconfig.json`: how module specifiers resolve.
    #[serde(default)]
    pub module_config: Option<ModuleConfig>,
    /// Module-level bindings built from `process.env` / `import.meta.env`
    /// (`default` for an anonymous default export): env config objects.
    #[serde(default)]
    pub env_objects: Vec<String>,
    /// Module-level `const` bindings initialised with an object literal
    /// (and declared nowhere else in the module).
    #[serde(default)]
    pub object_literals: Vec<String>,
    /// `obj.X` / `const { X } = obj` with an UPPER_SNAKE key: an env read
    /// when `obj` resolves to an env config object.
    #[serde(default)]
    pub config_reads: Vec<ConfigRead>,
}

/// A read of an UPPER_SNAKE key from a named object (see
/// `FileFacts::config_reads`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigRead {
    pub object: String,
    pub name: String,
    pub scope: Option<u32>,
    pub line: u32,
}

/// What an import binds its local name to.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Imported {
    /// `import { a } from`, `const { a } = require()`.
    Name(String),
    /// `import a from`.
    Default,
    /// `import * as a from`, `const a = require()`.
    Namespace,
}

/// A value import (type-only imports are not recorded).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Import {
    pub local: String,
    pub imported: Imported,
    /// The module specifier.
    pub from: String,
    pub line: u32,
}

/// A name the module exports: `local` (a binding of this module, or the
/// name imported from `from` for a re-export). `name` is `default` for the
/// default export and `*` for `export * from`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Export {
    pub name: String,
    pub local: Option<String>,
    pub from: Option<String>,
    pub line: u32,
}

/// A named class and the class it extends (a bare or imported name;
/// type arguments dropped).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassDef {
    pub name: String,
    pub extends: Option<String>,
    pub line: u32,
}

/// Module resolution settings from `package.json` or `tsconfig.json`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleConfig {
    /// `package.json` `name`.
    pub package: Option<String>,
    /// `package.json` `exports` / `main` / `module` / `types`: (subpath, target),
    /// subpath `.` for the package itself.
    pub entries: Vec<(String, String)>,
    /// `tsconfig.json` `compilerOptions.baseUrl`, relative to the file.
    pub base_url: Option<String>,
    /// `tsconfig.json` `compilerOptions.paths`: (pattern, targets).
    pub paths: Vec<(String, Vec<String>)>,
    /// `tsconfig.json` `extends` and `references[].path`.
    pub extends: Vec<String>,
}

/// Names the plan cares about; extraction keeps only facts about them.
#[derive(Clone, Debug, Default)]
pub struct Interest {
    /// Method names and owner constants (last `::` segment and full path).
    pub names: BTreeSet<String>,
    /// JSON column names.
    pub columns: BTreeSet<String>,
    /// The plan has `job` points: config files are scanned for the queues
    /// workers listen to.
    pub jobs: bool,
    /// Every name and every column (`seamscan plan --from-diff`, which
    /// does not know the names yet).
    pub all: bool,
}

impl Interest {
    /// An interest in exactly these method names and JSON columns.
    pub fn new(names: &[&str], columns: &[&str]) -> Interest {
        Interest {
            names: names.iter().map(|s| s.to_string()).collect(),
            columns: columns.iter().map(|s| s.to_string()).collect(),
            jobs: false,
            all: false,
        }
    }

    /// An interest in every name and column.
    pub fn everything() -> Interest {
        Interest {
            all: true,
            ..Interest::default()
        }
    }

    /// Is `s` a plan name, or close enough to one to be a typo of it (so
    /// that a misspelt definition can be suggested)?
    pub fn name(&self, s: &str) -> bool {
        self.all || self.names.contains(s) || self.names.iter().any(|n| close_names(n, s))
    }
    pub fn column(&self, s: &str) -> bool {
        self.all || self.columns.contains(s)
    }
    /// Whether any JSON column matters (JSON key extraction runs at all).
    pub fn any_column(&self) -> bool {
        self.all || !self.columns.is_empty()
    }
}

/// How code spells a class name `LineItem`: the constant, a Ruby variable
/// (`line_item`) and a TypeScript one (`lineItem`).
pub fn name_forms(leaf: &str) -> Vec<String> {
    let mut snake = String::with_capacity(leaf.len() + 4);
    for (i, c) in leaf.char_indices() {
        if c.is_uppercase() {
            let prev_lower = leaf[..i]
                .chars()
                .next_back()
                .is_some_and(|p| p.is_lowercase() || p.is_ascii_digit());
            let next_lower = leaf[i + c.len_utf8()..]
                .chars()
                .next()
                .is_some_and(|n| n.is_lowercase());
            let prev_upper = leaf[..i].chars().next_back().is_some_and(|p| p.is_uppercase());
            if i > 0 && (prev_lower || (prev_upper && next_lower)) {
                snake.push('_');
            }
            snake.extend(c.to_lowercase());
        } else {
            snake.push(c);
        }
    }
    let mut camel = String::with_capacity(leaf.len());
    let mut chars = leaf.chars();
    if let Some(first) = chars.next() {
        camel.extend(first.to_lowercase());
        camel.extend(chars);
    }
    let mut out = vec![leaf.to_string(), snake, camel];
    out.sort();
    out.dedup();
    out
}

/// The table Rails gives a model by default: `LineItem` → `line_items`,
/// `Category` → `categories` (the plural rules of `pluralize` that cover
/// most model names; `self.table_name` overrides it).
pub fn rails_table(model: &str) -> String {
    let leaf = model.rsplit("::").next().unwrap_or(model);
    let snake = name_forms(leaf)
        .into_iter()
        .find(|f| !f.chars().any(char::is_uppercase))
        .unwrap_or_else(|| leaf.to_lowercase());
    if snake.ends_with('s') || snake.ends_with('x') || snake.ends_with("ch") || snake.ends_with("sh") {
        format!("{snake}es")
    } else if let Some(b) = snake.strip_suffix('y')
        && !b.ends_with(['a', 'e', 'i', 'o', 'u'])
    {
        format!("{b}ies")
    } else {
        format!("{snake}s")
    }
}

/// Are two different names likely typos of each other? Both at least 6
/// bytes long and at most one edit apart (two from 10 bytes on), an edit
/// being an insertion, deletion, substitution or swap of neighbours.
/// Cheap for unrelated names: most are rejected by length, and the
/// distance stops as soon as two rows exceed the limit.
pub fn close_names(a: &str, b: &str) -> bool {
    const MIN: usize = 6;
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.len() < MIN || long.len() - short.len() > 2 {
        return false;
    }
    let k = if short.len() >= 10 { 2 } else { 1 };
    // One edit keeps the first or the last byte; so do two edits unless
    // they sit at both ends (a case given up for speed: this runs for
    // every identifier of every parsed file).
    if long.len() - short.len() > k || (short[0] != long[0] && short[short.len() - 1] != long[long.len() - 1])
    {
        return false;
    }
    if a == b {
        return false;
    }
    // A common prefix and suffix do not change the distance.
    let prefix = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    let suffix = short[prefix..]
        .iter()
        .rev()
        .zip(long[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (s, l) = (
        &short[prefix..short.len() - suffix],
        &long[prefix..long.len() - suffix],
    );
    osa_within(s, l, k)
}

/// Is the optimal string alignment distance of `s` and `l` (`s` not
/// longer) at most `k`? A cell comes from the row above (+0 or more) or
/// the one above that (+1), so once two rows are over `k` every later one
/// is. Rows live on the stack for names up to 63 bytes.
fn osa_within(s: &[u8], l: &[u8], k: usize) -> bool {
    const STACK: usize = 64;
    if l.len() >= STACK {
        return false;
    }
    let far = usize::MAX / 2;
    let mut prev2 = [far; STACK];
    let mut prev = [0usize; STACK];
    let mut cur = [0usize; STACK];
    for (j, c) in prev.iter_mut().enumerate().take(l.len() + 1) {
        *c = j;
    }
    let mut prev_over = false;
    for i in 1..=s.len() {
        cur[0] = i;
        let mut over = cur[0] > k;
        for j in 1..=l.len() {
            let cost = usize::from(s[i - 1] != l[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && s[i - 1] == l[j - 2] && s[i - 2] == l[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
            over &= d > k;
        }
        if over && prev_over {
            return false;
        }
        prev_over = over;
        prev2 = prev;
        prev = cur;
    }
    prev[l.len()] <= k
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Lang {
    Ruby,
    Erb,
    /// HAML and Slim views: their Ruby is extracted line by line.
    Haml,
    Slim,
    TypeScript,
    Tsx,
    /// Vue single-file component (`.vue`).
    Vue,
    /// Svelte component (`.svelte`).
    Svelte,
}

/// What a file is for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct FileClass {
    /// Parsed as source in this language.
    pub lang: Option<Lang>,
    /// Matches a test glob.
    pub test: bool,
    /// Matches a config glob: scanned for env var definitions.
    pub config: bool,
    /// Code or a template in a language seamscan does not parse (`.py`,
    /// `.hbs`, ...): only searched for the plan's names.
    #[serde(default)]
    pub unread: bool,
    /// `package.json` / `tsconfig*.json` / `jsconfig.json`: read for module
    /// resolution.
    #[serde(default)]
    pub module_config: bool,
    /// `*.prisma`: a Prisma schema, read for its `Json` fields.
    #[serde(default)]
    pub prisma: bool,
    /// `vercel.json`: read for its cron jobs (GET requests of their paths).
    #[serde(default)]
    pub vercel: bool,
}

/// A file of the workspace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileMeta {
    pub repo: u32,
    /// Path relative to the repo root, `/`-separated.
    pub path: String,
    pub class: FileClass,
}

/// Facts by name: (file, index into that file's list), in file order.
pub type NameMap = rustc_hash::FxHashMap<String, Vec<(FileIdx, u32)>>;

/// All facts of a run, indexed by name.
#[derive(Debug, Default)]
pub struct FactIndex {
    pub repos: Vec<String>,
    pub files: Vec<FileMeta>,
    pub facts: Vec<FileFacts>,
    /// Per file: plan names (indices into `patterns`) that occur in its bytes.
    pub mentions: Vec<Vec<u32>>,
    /// The prefilter's patterns (every name the plan is interested in).
    pub patterns: Vec<String>,
    pub defs_by_name: NameMap,
    pub calls_by_name: NameMap,
    pub env_reads_by_name: NameMap,
    pub config_defs_by_name: NameMap,
    pub json_by_column: NameMap,
    pub json_opaque_by_column: NameMap,
    pub column_defs_by_name: NameMap,
    /// Ruby owner path → the table its `self.table_name =` names.
    pub table_names: BTreeMap<String, String>,
    /// Ruby `private :x`-style statements, by method name.
    pub visibility_by_name: NameMap,
    /// Method signatures by method name.
    pub sigs_by_name: NameMap,
    /// Enqueues by the last `::` segment of the class as written.
    pub enqueues_by_class: NameMap,
    /// Queue declarations by the last `::` segment of their owner.
    pub queue_decls_by_owner: NameMap,
    /// Events by name (regexp subscriptions under their source).
    pub events_by_name: NameMap,
    /// Regexp subscriptions (every one: any may match a planned name).
    pub event_patterns: Vec<(FileIdx, u32)>,
    /// Flags by name (a flag named by a constant under the constant's
    /// value).
    pub flags_by_name: NameMap,
    /// BullMQ/Bull facts by resolved queue name, and by job name.
    pub bull_by_queue: NameMap,
    pub bull_by_job: NameMap,
    /// Every queue a worker configuration listens to.
    pub queue_listens: Vec<(FileIdx, u32)>,
    /// Constants used as values, by last `::` segment.
    pub const_values_by_leaf: NameMap,
    /// Files that failed to parse cleanly or could not be read.
    pub failed: BTreeSet<FileIdx>,
    /// Ruby classes and modules: superclasses, mixins, concerns.
    pub classes: crate::ancestors::ClassTable,
    /// Directories the walk could not enter (permission denied, loops):
    /// evidence may be missing anywhere.
    pub unwalked: Vec<crate::text::Text>,
    /// Plan names spelled (as whole words) in unread files: (file, name,
    /// first line), sorted.
    pub unread_mentions: Vec<(FileIdx, String, u32)>,
    /// Per file: the patterns it spells as words of their own (sorted
    /// indices into `patterns`); empty when not computed.
    pub word_mentions: Vec<Vec<u32>>,
    /// TypeScript/JavaScript imports and classes, resolved across files.
    pub resolution: Resolution,
    /// The Rails route tables of every app in the workspace, then the
    /// TypeScript/JavaScript servers' routes (`Route::file` is a
    /// `FileIdx`).
    pub routes: Vec<crate::routing::Route>,
    /// Routing code that could not be read: (file, line, what).
    pub routes_unread: Vec<(FileIdx, u32, String)>,
    /// Rails path helpers used, by route name.
    pub path_helpers_by_route: NameMap,
    /// Where building this index spent its time (for `--timings`).
    pub build_timings: IndexTimings,
    /// Defined names by (first byte, length) and (last byte, length), made
    /// on first use by `defs_close_to`.
    near_defs: std::sync::OnceLock<NearNames>,
}

/// Names by (first byte, length) and by (last byte, length): the only
/// places `close_names` can find a name close to another.
#[derive(Debug, Default)]
struct NearNames {
    by_first: rustc_hash::FxHashMap<(u8, usize), Vec<String>>,
    by_last: rustc_hash::FxHashMap<(u8, usize), Vec<String>>,
}

impl NearNames {
    fn new<'a>(names: impl Iterator<Item = &'a String>) -> NearNames {
        let mut n = NearNames::default();
        for name in names {
            if let (Some(f), Some(l)) = (name.bytes().next(), name.bytes().last()) {
                n.by_first.entry((f, name.len())).or_default().push(name.clone());
                n.by_last.entry((l, name.len())).or_default().push(name.clone());
            }
        }
        n
    }

    /// The names `close_names` finds close to `name`, sorted.
    fn close_to(&self, name: &str) -> Vec<&str> {
        let b = name.as_bytes();
        let (Some(first), Some(last)) = (b.first(), b.last()) else {
            return Vec::new();
        };
        let mut out: Vec<&str> = Vec::new();
        for len in b.len().saturating_sub(2)..=b.len() + 2 {
            for v in [self.by_first.get(&(*first, len)), self.by_last.get(&(*last, len))]
                .into_iter()
                .flatten()
            {
                out.extend(v.iter().map(String::as_str).filter(|n| close_names(n, name)));
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The steps of [`FactIndex::new`], for `--timings`.
#[derive(Clone, Copy, Debug, Default)]
pub struct IndexTimings {
    pub canonicalize: std::time::Duration,
    pub names: std::time::Duration,
    pub classes: std::time::Duration,
    pub resolve: std::time::Duration,
    pub servers: std::time::Duration,
    pub constants: std::time::Duration,
}

impl FactIndex {
    /// Defined names close to `name` (`close_names`: a likely typo), sorted.
    pub fn defs_close_to(&self, name: &str) -> Vec<&str> {
        self.near_defs
            .get_or_init(|| NearNames::new(self.defs_by_name.keys()))
            .close_to(name)
    }

    /// Build the name indexes. `files`, `facts` and `mentions` are parallel.
    pub fn new(
        repos: Vec<String>,
        files: Vec<FileMeta>,
        facts: Vec<FileFacts>,
        mentions: Vec<Vec<u32>>,
        patterns: Vec<String>,
        failed: BTreeSet<FileIdx>,
    ) -> FactIndex {
        let mut facts = facts;
        let mut bt = IndexTimings::default();
        let t = std::time::Instant::now();
        crate::ancestors::canonicalize(&mut facts);
        bt.canonicalize = t.elapsed();
        // The name maps, the class table, module resolution and the servers'
        // routes read the facts independently: build them side by side.
        fn timed<R>(f: impl FnOnce() -> R) -> (R, std::time::Duration) {
            let t = std::time::Instant::now();
            let r = f();
            (r, t.elapsed())
        }
        let ((names, (more, t_more)), ((classes, t_classes), ((resolution, t_resolve), (routes, t_servers)))) =
            rayon::join(
                || {
                    rayon::join(
                        || timed(|| FactIndex::name_maps(&facts)),
                        || timed(|| FactIndex::more_name_maps(&facts)),
                    )
                },
                || {
                    rayon::join(
                        || {
                            timed(|| {
                                crate::ancestors::ClassTable::build(
                                    &facts,
                                    files.iter().map(|f| f.repo).collect(),
                                )
                            })
                        },
                        || {
                            rayon::join(
                                || timed(|| resolve::resolve(&files, &facts)),
                                // TypeScript/JavaScript server routes; the
                                // audit puts the Rails tables before them.
                                || timed(|| servers::routes(&files, &facts)),
                            )
                        },
                    )
                },
            );
        let (names, t_names) = names;
        bt.names = t_names.max(t_more);
        bt.classes = t_classes;
        bt.resolve = t_resolve;
        bt.servers = t_servers;
        let mut ix = FactIndex {
            repos,
            files,
            facts,
            mentions,
            patterns,
            failed,
            classes,
            resolution,
            routes,
            visibility_by_name: more.visibility_by_name,
            sigs_by_name: more.sigs_by_name,
            enqueues_by_class: more.enqueues_by_class,
            queue_decls_by_owner: more.queue_decls_by_owner,
            events_by_name: more.events_by_name,
            event_patterns: more.event_patterns,
            flags_by_name: more.flags_by_name,
            queue_listens: more.queue_listens,
            const_values_by_leaf: more.const_values_by_leaf,
            path_helpers_by_route: more.path_helpers_by_route,
            ..names
        };
        // Processors whose function is in another module read what it reads.
        for (&(f, i), body) in &ix.resolution.processors {
            let u = &mut ix.facts[f as usize].bull[i as usize];
            let keys = u.data_keys.get_or_insert_with(Vec::new);
            keys.extend(body.data_keys.iter().cloned());
            keys.sort();
            keys.dedup();
            u.job_names
                .extend(body.job_names.iter().map(|n| NameRef::Lit(n.clone())));
            u.job_names.sort();
            u.job_names.dedup();
            u.job_keys.extend(
                body.job_keys
                    .iter()
                    .map(|(n, k)| (NameRef::Lit(n.clone()), k.clone())),
            );
            u.job_keys.sort();
        }
        // Calls to request helpers become client calls of their files.
        wrappers::tie(&mut ix.facts, &ix.resolution);
        let t = std::time::Instant::now();
        ix.index_named_by_constants();
        bt.constants = t.elapsed();
        ix.build_timings = bt;
        ix
    }

    /// Definitions, calls, env reads, config definitions, JSON keys and
    /// columns by name (only these fields of the result are set).
    fn name_maps(facts: &[FileFacts]) -> FactIndex {
        let mut ix = FactIndex::default();
        for (f, ff) in facts.iter().enumerate() {
            let f = f as FileIdx;
            for (i, d) in ff.defs.iter().enumerate() {
                push(&mut ix.defs_by_name, &d.name, f, i);
            }
            for (i, c) in ff.calls.iter().enumerate() {
                push(&mut ix.calls_by_name, &c.name, f, i);
            }
            for (i, e) in ff.env_reads.iter().enumerate() {
                push(&mut ix.env_reads_by_name, &e.name, f, i);
            }
            for (i, c) in ff.config_defs.iter().enumerate() {
                push(&mut ix.config_defs_by_name, &c.name, f, i);
            }
            for (i, k) in ff.json_keys.iter().enumerate() {
                push(&mut ix.json_by_column, &k.column, f, i);
            }
            for (i, k) in ff.json_opaque.iter().enumerate() {
                push(&mut ix.json_opaque_by_column, &k.column, f, i);
            }
            for (i, k) in ff.column_defs.iter().enumerate() {
                push(&mut ix.column_defs_by_name, &k.name, f, i);
            }
            for (owner, table) in &ff.table_names {
                // First file wins, in workspace order: deterministic.
                ix.table_names
                    .entry(owner.clone())
                    .or_insert_with(|| table.clone());
            }
        }
        ix
    }

    /// Visibility statements, signatures, jobs, events, flags, queues,
    /// constants and path helpers by name (only these fields are set).
    fn more_name_maps(facts: &[FileFacts]) -> FactIndex {
        let mut ix = FactIndex::default();
        for (f, ff) in facts.iter().enumerate() {
            let f = f as FileIdx;
            for (i, v) in ff.visibility.iter().enumerate() {
                push(&mut ix.visibility_by_name, &v.name, f, i);
            }
            for (i, s) in ff.sigs.iter().enumerate() {
                push(&mut ix.sigs_by_name, &s.name, f, i);
            }
            for (i, e) in ff.enqueues.iter().enumerate() {
                push(&mut ix.enqueues_by_class, leaf(&e.class), f, i);
            }
            for (i, q) in ff.queue_decls.iter().enumerate() {
                push(&mut ix.queue_decls_by_owner, leaf(&q.owner), f, i);
            }
            for (i, e) in ff.events.iter().enumerate() {
                if e.regex {
                    ix.event_patterns.push((f, i as u32));
                } else {
                    push(&mut ix.events_by_name, &e.name, f, i);
                }
            }
            for (i, g) in ff.flags.iter().enumerate() {
                if g.const_ref.is_none() {
                    push(&mut ix.flags_by_name, &g.name, f, i);
                }
            }
            for i in 0..ff.queue_listens.len() {
                ix.queue_listens.push((f, i as u32));
            }
            for (i, (c, _)) in ff.const_values.iter().enumerate() {
                push(&mut ix.const_values_by_leaf, leaf(c), f, i);
            }
            for (i, h) in ff.path_helpers.iter().enumerate() {
                push(&mut ix.path_helpers_by_route, &h.route, f as FileIdx, i);
            }
        }
        ix
    }

    /// The string a queue/job/flag name reference of file `f` stands for.
    pub fn name_of(&self, f: FileIdx, r: &NameRef) -> Option<String> {
        match r {
            NameRef::Lit(s) => Some(s.clone()),
            other => self.resolution.names.get(&(f, other.clone())).cloned(),
        }
    }

    /// Flags named by constants and BullMQ facts, by their resolved names
    /// (after module resolution).
    fn index_named_by_constants(&mut self) {
        // Ruby constants holding a name, by full path (first file wins).
        let mut ruby_consts: BTreeMap<&str, &str> = BTreeMap::new();
        for (f, ff) in self.facts.iter().enumerate() {
            if self.files[f].class.lang == Some(Lang::Ruby) {
                for (n, v) in &ff.str_consts {
                    ruby_consts.entry(n.as_str()).or_insert(v.as_str());
                }
            }
        }
        let mut flags: Vec<(String, FileIdx, usize)> = Vec::new();
        for (f, ff) in self.facts.iter().enumerate() {
            let fi = f as FileIdx;
            let ruby = self.files[f].class.lang == Some(Lang::Ruby);
            for (i, g) in ff.flags.iter().enumerate() {
                let Some(c) = &g.const_ref else { continue };
                let value = if ruby {
                    // Lexical scope first: `A::B` tries `A::B::X`, `A::X`, `X`.
                    let written = c.name.trim_start_matches("::");
                    let mut scope = if c.name.starts_with("::") {
                        ""
                    } else {
                        c.scope.as_str()
                    };
                    loop {
                        let full = if scope.is_empty() {
                            written.to_string()
                        } else {
                            format!("{scope}::{written}")
                        };
                        if let Some(v) = ruby_consts.get(full.as_str()) {
                            break Some(v.to_string());
                        }
                        if scope.is_empty() {
                            break None;
                        }
                        scope = scope.rsplit_once("::").map_or("", |(a, _)| a);
                    }
                } else {
                    self.name_of(fi, &NameRef::Const(c.name.clone()))
                };
                if let Some(v) = value {
                    flags.push((v, fi, i));
                }
            }
        }
        for (v, fi, i) in flags {
            push(&mut self.flags_by_name, &v, fi, i);
        }
        for v in self.flags_by_name.values_mut() {
            v.sort_unstable();
        }
        let mut by_queue: Vec<(String, FileIdx, usize)> = Vec::new();
        let mut by_job: Vec<(String, FileIdx, usize)> = Vec::new();
        for (f, ff) in self.facts.iter().enumerate() {
            let fi = f as FileIdx;
            for (i, u) in ff.bull.iter().enumerate() {
                let q = u.queue.as_ref().and_then(|r| self.name_of(fi, r));
                // A queue object whose name is computed stands for itself
                // (as `resolve` names it): `mailQueue.name`.
                let q = match (q, &u.binding) {
                    (None, Some(b)) if u.role == BullRole::Queue => Some(format!("{b}.name")),
                    (q, _) => q,
                };
                if let Some(q) = q {
                    by_queue.push((q, fi, i));
                }
                let job = u.job.as_ref().and_then(|r| self.name_of(fi, r));
                // A processor that dispatches on job names is found by
                // them too (its producers may hide the names in a wrapper).
                let mut dispatched: Vec<String> = u
                    .job_names
                    .iter()
                    .filter_map(|r| self.name_of(fi, r))
                    .filter(|n| Some(n) != job.as_ref())
                    .collect();
                dispatched.sort();
                dispatched.dedup();
                for j in job.into_iter().chain(dispatched) {
                    by_job.push((j, fi, i));
                }
            }
        }
        for (q, fi, i) in by_queue {
            push(&mut self.bull_by_queue, &q, fi, i);
        }
        for (j, fi, i) in by_job {
            push(&mut self.bull_by_job, &j, fi, i);
        }
    }

    pub fn file(&self, f: FileIdx) -> &FileMeta {
        &self.files[f as usize]
    }

    /// The file at `path` in repo `repo` (files are sorted by repo, then
    /// path).
    pub fn file_at(&self, repo: u32, path: &str) -> Option<FileIdx> {
        let i = self
            .files
            .partition_point(|m| (m.repo, m.path.as_str()) < (repo, path));
        self.files
            .get(i)
            .is_some_and(|m| m.repo == repo && m.path == path)
            .then_some(i as FileIdx)
    }

    /// The Ruby class a view component's template renders in: the class
    /// declared in the `.rb` file beside it (`orders/show/component.html.erb`
    /// and `component.rb`, `foo_component.html.erb` and `foo_component.rb`,
    /// or `foo_component/foo_component.html.erb` and `foo_component.rb`).
    pub fn sidecar_class(&self, f: FileIdx) -> Option<&str> {
        let m = self.file(f);
        let (dir, name) = m.path.rsplit_once('/').unwrap_or(("", &m.path));
        let stem = name.split('.').next().filter(|s| !s.is_empty())?;
        let join = |d: &str, s: &str| {
            if d.is_empty() {
                format!("{s}.rb")
            } else {
                format!("{d}/{s}.rb")
            }
        };
        let mut candidates = vec![join(dir, stem)];
        if let Some((parent, last)) = dir.rsplit_once('/')
            && last == stem
        {
            candidates.push(join(parent, stem));
        }
        let rb = candidates.iter().find_map(|p| self.file_at(m.repo, p))?;
        let camel: String = stem
            .split('_')
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|h| h.to_uppercase().chain(c).collect::<String>())
                    .unwrap_or_default()
            })
            .collect();
        let classes = || {
            self.facts[rb as usize]
                .ancestry
                .iter()
                .filter(|a| a.rel == Rel::Class)
        };
        classes()
            .find(|a| leaf(&a.owner) == camel)
            .or_else(|| classes().next())
            .map(|a| a.owner.as_str())
    }

    pub fn repo_of(&self, f: FileIdx) -> &str {
        &self.repos[self.files[f as usize].repo as usize]
    }

    /// `repo/path:line`, the form every location takes in reports.
    pub fn render(&self, loc: Loc) -> String {
        let m = self.file(loc.file);
        format!("{}/{}:{}", self.repos[m.repo as usize], m.path, loc.line)
    }

    /// The files whose bytes contain `name` (a prefilter pattern).
    pub fn files_mentioning(&self, name: &str) -> Vec<FileIdx> {
        let Some(i) = self.patterns.iter().position(|p| p == name) else {
            return Vec::new();
        };
        (0..self.files.len())
            .filter(|f| self.mentions[*f].binary_search(&(i as u32)).is_ok())
            .map(|f| f as FileIdx)
            .collect()
    }

    /// Does file `f` mention `name` (a prefilter pattern) in its bytes?
    pub fn mentions_name(&self, f: FileIdx, name: &str) -> bool {
        match self.patterns.iter().position(|p| p == name) {
            Some(i) => self.mentions[f as usize].binary_search(&(i as u32)).is_ok(),
            None => false,
        }
    }

    /// Does file `f` spell `name` (a prefilter pattern) as a word of its
    /// own, not inside a longer identifier (`Canvas` in `HTMLCanvasElement`)?
    pub fn mentions_word(&self, f: FileIdx, name: &str) -> bool {
        let Some(words) = self.word_mentions.get(f as usize) else {
            return self.mentions_name(f, name);
        };
        match self.patterns.iter().position(|p| p == name) {
            Some(i) => words.binary_search(&(i as u32)).is_ok(),
            None => false,
        }
    }

    pub fn is_test(&self, f: FileIdx) -> bool {
        self.file(f).class.test
    }

    /// Non-test unread files that spell `name`, as `repo/path:line`.
    pub fn unread_spelling(&self, name: &str) -> Vec<String> {
        self.unread_mentions
            .iter()
            .filter(|(f, n, _)| n == name && !self.is_test(*f))
            .map(|(f, _, line)| {
                self.render(Loc {
                    file: *f,
                    line: *line,
                })
            })
            .collect()
    }
}

/// `prefix` + `key` as a dotted path (`items` + `[]` is `items[]`).
pub fn join_key(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else if key.starts_with("[]") || key.is_empty() {
        format!("{prefix}{key}")
    } else {
        format!("{prefix}.{key}")
    }
}

/// A read of a client's own response as a body key: after `.json()` as
/// it is, otherwise under axios's `data` (`data.items` → `items`); `None`
/// for the response's other properties (`status`, `headers`).
pub fn client_key(json: bool, key: &str) -> Option<&str> {
    if json {
        Some(key)
    } else {
        key.strip_prefix("data.")
    }
}

/// Does a key name the sender's event id (`event_id`, `stripe_event_id`,
/// `delivery_id`, `idempotency_key`)?
pub fn is_event_id_key(k: &str) -> bool {
    let k = k.to_ascii_lowercase();
    [
        "event_id",
        "event_uid",
        "delivery_id",
        "webhook_id",
        "message_id",
        "idempotency_key",
        "external_id",
    ]
    .iter()
    .any(|s| k == *s || k.ends_with(&format!("_{s}")))
}

/// The last `::` segment of a constant path.
pub fn leaf(s: &str) -> &str {
    let s = s.trim_start_matches("::");
    s.rsplit("::").next().unwrap_or(s)
}

fn push(map: &mut NameMap, k: &str, f: FileIdx, i: usize) {
    match map.get_mut(k) {
        Some(v) => v.push((f, i as u32)),
        None => {
            map.insert(k.to_string(), vec![(f, i as u32)]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_forms_of_a_class() {
        assert_eq!(name_forms("LineItem"), ["LineItem", "lineItem", "line_item"]);
        assert_eq!(
            name_forms("HTTPClient"),
            ["HTTPClient", "hTTPClient", "http_client"]
        );
        assert_eq!(name_forms("User"), ["User", "user"]);
    }

    #[test]
    fn close_names_are_likely_typos() {
        assert!(close_names("render_for_all_platform", "render_for_all_platforms"));
        assert!(close_names("send_reminder", "send_reminders"));
        assert!(close_names("recieve_payment", "receive_payment"));
        assert!(close_names("checkOwner", "chekOwner"));
        assert!(
            close_names("getTrackers", "gteTracker"),
            "a swap and a deletion in a long name"
        );
        assert!(close_names("refresh", "refrash"));
        assert!(!close_names("refresh", "refresh"));
        assert!(!close_names("last", "lust"), "short names are never typos");
        assert!(!close_names("refresh", "reflash_all"));
        assert!(!close_names("refresh_totals", "refresh_titles_now"));
        assert!(!close_names("publish", "punish"), "two edits in a short name");
        let i = Interest::new(&["send_reminder"], &[]);
        assert!(i.name("send_reminder") && i.name("send_reminders") && !i.name("send_rem"));
    }
}
