//! Valid/invalid snippets per extraction rule: each test parses a small
//! source and checks the facts (names, owners, visibility, lines).

use super::extract;
use crate::facts::{Access, DefKind, FileFacts, Interest, KeyOp, Lang, Recv, Via};

fn interest(names: &[&str], columns: &[&str]) -> Interest {
    Interest::new(names, columns)
}

/// Facts are plan-independent: the tests look at the facts about `names`.
fn about(mut f: FileFacts, names: &[&str]) -> FileFacts {
    f.calls.retain(|c| names.contains(&c.name.as_str()));
    f.defs.retain(|d| names.contains(&d.name.as_str()));
    f
}

fn ruby(src: &str, names: &[&str]) -> FileFacts {
    about(extract(Lang::Ruby, src.as_bytes(), &interest(names, &[])), names)
}

fn ts(src: &str, names: &[&str]) -> FileFacts {
    extract(Lang::TypeScript, src.as_bytes(), &interest(names, &[]))
}

/// (owner, name, kind, access, line) of every definition.
fn defs(f: &FileFacts) -> Vec<(String, String, DefKind, Access, u32)> {
    let mut v: Vec<_> = f
        .defs
        .iter()
        .map(|d| {
            (
                d.owner.clone().unwrap_or_default(),
                d.name.clone(),
                d.kind,
                d.access,
                d.line,
            )
        })
        .collect();
    v.sort();
    v
}

fn access_of(f: &FileFacts, name: &str, kind: DefKind) -> Access {
    f.defs
        .iter()
        .find(|d| d.name == name && d.kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} def {name}: {:?}", f.defs))
        .access
}

/// (name, line, via) of every call.
fn calls(f: &FileFacts) -> Vec<(String, u32, Via)> {
    let mut v: Vec<_> = f
        .calls
        .iter()
        .map(|c| (c.name.to_string(), c.line, c.via))
        .collect();
    v.sort();
    v
}

/// `calls`, of these names only (TypeScript facts name every call).
fn calls_of(f: &FileFacts, names: &[&str]) -> Vec<(String, u32, Via)> {
    let mut v = calls(f);
    v.retain(|(n, _, _)| names.contains(&n.as_str()));
    v
}

#[test]
fn ruby_private_protected_public_sections() {
    let f = ruby(
        "class A\n  def a; end\n  private\n  def b; end\n  protected\n  def c; end\n  public\n  def d; end\nend\n",
        &["a", "b", "c", "d"],
    );
    assert_eq!(access_of(&f, "a", DefKind::Instance), Access::Public);
    assert_eq!(access_of(&f, "b", DefKind::Instance), Access::Private);
    assert_eq!(access_of(&f, "c", DefKind::Instance), Access::Protected);
    assert_eq!(access_of(&f, "d", DefKind::Instance), Access::Public);
}

#[test]
fn ruby_inline_and_symbol_visibility() {
    let f = ruby(
        "class A\n  private def a; end\n  def b; end\n  def c; end\n  private :b, :c\n  def e; end\n  protected def f; end\nend\n",
        &["a", "b", "c", "e", "f"],
    );
    assert_eq!(access_of(&f, "a", DefKind::Instance), Access::Private);
    assert_eq!(access_of(&f, "b", DefKind::Instance), Access::Private);
    assert_eq!(access_of(&f, "c", DefKind::Instance), Access::Private);
    assert_eq!(access_of(&f, "e", DefKind::Instance), Access::Public);
    assert_eq!(access_of(&f, "f", DefKind::Instance), Access::Protected);
    // `private :b` names are not callers.
    assert!(f.calls.is_empty(), "{:?}", f.calls);
}

#[test]
fn ruby_class_methods_and_private_sections() {
    let f = ruby(
        "class A\n  private\n  def self.pub; end\n  def self.hidden; end\n  private_class_method :hidden\n  class << self\n    def s1; end\n    private\n    def s2; end\n  end\nend\n",
        &["pub", "hidden", "s1", "s2"],
    );
    assert_eq!(access_of(&f, "pub", DefKind::Singleton), Access::Public);
    assert_eq!(access_of(&f, "hidden", DefKind::Singleton), Access::Private);
    assert_eq!(access_of(&f, "s1", DefKind::Singleton), Access::Public);
    assert_eq!(access_of(&f, "s2", DefKind::Singleton), Access::Private);
    assert!(f.defs.iter().all(|d| d.owner.as_deref() == Some("A")));
}

#[test]
fn ruby_module_function_and_attrs() {
    let f = ruby(
        "module M\n  module_function\n  def helper; end\nend\nclass B\n  attr_reader :open_attr\n  private\n  attr_accessor :secret\n  define_method(:dyn) { }\n  delegate :name, to: :owner\nend\n",
        &["helper", "open_attr", "secret", "secret=", "dyn", "name", "owner"],
    );
    assert_eq!(access_of(&f, "helper", DefKind::Singleton), Access::Public);
    assert_eq!(access_of(&f, "helper", DefKind::Instance), Access::Private);
    assert_eq!(access_of(&f, "open_attr", DefKind::Instance), Access::Public);
    assert_eq!(access_of(&f, "secret", DefKind::Instance), Access::Private);
    assert_eq!(access_of(&f, "secret=", DefKind::Instance), Access::Private);
    assert_eq!(access_of(&f, "dyn", DefKind::Instance), Access::Private);
    assert_eq!(access_of(&f, "name", DefKind::Instance), Access::Private);
    // `to: :owner` is a use of `owner`.
    assert_eq!(calls(&f), [("owner".to_string(), 10, Via::Symbol)]);
}

#[test]
fn ruby_nesting_reopening_and_struct() {
    let f = ruby(
        "module A\n  class B\n    def x; end\n  end\nend\nclass A::B\n  def y; end\nend\nPoint = Struct.new(:a) do\n  def z; end\nend\n",
        &["x", "y", "z"],
    );
    assert_eq!(
        defs(&f),
        [
            ("A::B".into(), "x".into(), DefKind::Instance, Access::Public, 3),
            ("A::B".into(), "y".into(), DefKind::Instance, Access::Public, 7),
            ("Point".into(), "z".into(), DefKind::Instance, Access::Public, 10),
        ]
    );
}

#[test]
fn ruby_parenless_calls_and_locals() {
    let f = ruby(
        "class J\n  def perform\n    render_all\n    other = 1\n    other\n    render_all.each { |x| x }\n    if ready?\n    end\n  end\n  def m(arg)\n    arg\n  end\nend\n",
        &["render_all", "other", "ready?", "arg"],
    );
    assert_eq!(
        calls(&f),
        [
            ("ready?".to_string(), 7, Via::Call),
            ("render_all".to_string(), 3, Via::Call),
            ("render_all".to_string(), 6, Via::Call),
        ]
    );
    assert!(
        f.calls
            .iter()
            .all(|c| c.recv == Recv::Implicit && c.owner.as_deref() == Some("J"))
    );
}

#[test]
fn ruby_receivers_are_resolved() {
    let f = ruby(
        "class Job\n  def perform\n    VideoRenderService.new.go\n    Other::Thing.go\n    svc = VideoRenderService.new\n    svc.go\n    self.go\n    video.go\n  end\nend\n",
        &["go"],
    );
    let recvs: Vec<(u32, Recv)> = f.calls.iter().map(|c| (c.line, c.recv.clone())).collect();
    assert_eq!(
        recvs,
        [
            (3, Recv::Const("VideoRenderService".into())),
            (4, Recv::Const("Other::Thing".into())),
            (6, Recv::Const("VideoRenderService".into())),
            (7, Recv::SelfRef),
            (8, Recv::Expr("video".into())),
        ]
    );
}

#[test]
fn ruby_symbol_references_and_dynamic_dispatch() {
    let f = ruby(
        "class C < ApplicationController\n  before_action :load_it, if: :ready?\n  def a\n    items.map(&:load_it)\n    send(:load_it)\n    public_send(\"load_it\")\n    send(name)\n    klass.constantize\n  end\nend\n",
        &["load_it", "ready?"],
    );
    assert_eq!(
        calls(&f),
        [
            ("load_it".to_string(), 2, Via::Symbol),
            ("load_it".to_string(), 4, Via::Symbol),
            ("load_it".to_string(), 5, Via::Symbol),
            ("load_it".to_string(), 6, Via::Symbol),
            ("ready?".to_string(), 2, Via::Symbol),
        ]
    );
    let dynamic: Vec<u32> = f.dynamic.iter().map(|d| d.line).collect();
    assert_eq!(dynamic, [7]);
    // `constantize` looks up a class, not a method (issue 12, 2.7).
    let reflection: Vec<u32> = f.reflection.iter().map(|d| d.line).collect();
    assert_eq!(reflection, [8]);
}

#[test]
fn ruby_env_reads_with_scopes() {
    let f = ruby(
        "class J\n  def perform\n    if ENV['FLAG'] == 'true'\n      go\n    end\n    ENV.fetch(\"URL\", nil)\n    ENV.key?('K')\n    ENV[name]\n  end\nend\n",
        &["go"],
    );
    let env: Vec<(String, u32)> = f.env_reads.iter().map(|e| (e.name.clone(), e.line)).collect();
    assert_eq!(env, [("FLAG".into(), 3), ("URL".into(), 6), ("K".into(), 7)]);
    assert_eq!(f.env_reads[0].scope, f.calls[0].scope);
    assert!(f.env_reads[0].scope.is_some());
}

#[test]
fn ruby_json_keys() {
    let src = "class V\n  store_accessor :metadata, :dur\n  def a\n    video.update!(metadata: { narration_url: u, 'timing' => t })\n    video.metadata['tts_url']\n    metadata[:x] = 1\n    metadata.dig('deep', 'er')\n    metadata.fetch(:f)\n    metadata[key]\n    create(metadata: params[:m])\n    where(\"metadata->>'sql_key' = ?\", 1)\n  end\nend\n";
    let f = extract(Lang::Ruby, src.as_bytes(), &interest(&[], &["metadata"]));
    let mut keys: Vec<(String, KeyOp, u32)> = f
        .json_keys
        .iter()
        .map(|k| (k.key.clone(), k.op, k.line))
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            ("deep".into(), KeyOp::Read, 7),
            ("dur".into(), KeyOp::Accessor, 2),
            ("f".into(), KeyOp::Read, 8),
            ("narration_url".into(), KeyOp::Write, 4),
            ("sql_key".into(), KeyOp::Read, 11),
            ("timing".into(), KeyOp::Write, 4),
            ("tts_url".into(), KeyOp::Read, 5),
            ("x".into(), KeyOp::Write, 6),
        ]
    );
    let opaque: Vec<(KeyOp, u32)> = f.json_opaque.iter().map(|o| (o.op, o.line)).collect();
    assert_eq!(opaque, [(KeyOp::Read, 9), (KeyOp::Write, 10)]);
}

#[test]
fn ruby_crlf_and_multiline_calls_keep_lines() {
    let f = ruby(
        "class A\r\n  def a\r\n    B.new\r\n      .go(\r\n        1)\r\n  end\r\nend\r\n",
        &["go"],
    );
    assert_eq!(calls(&f), [("go".to_string(), 4, Via::Call)]);
}

#[test]
fn ruby_syntax_errors_keep_valid_facts() {
    let f = ruby("class A\n  def good; end\n  def broken(\nend\n", &["good"]);
    assert!(f.parse_error);
    assert!(f.defs.iter().any(|d| d.name == "good"));
}

#[test]
fn erb_code_is_ruby_with_original_lines() {
    let src = "<h1><%= @video.title %></h1>\n<%# ready_for_render? in a comment %>\n<% if @video.ready_for_render? %>\n  <%= link_to 'x', render_path(@video) %>\n<% end %>\n";
    let names = ["ready_for_render?", "render_path"];
    let f = about(extract(Lang::Erb, src.as_bytes(), &interest(&names, &[])), &names);
    assert_eq!(
        calls(&f),
        [
            ("ready_for_render?".to_string(), 3, Via::Call),
            ("render_path".to_string(), 4, Via::Call)
        ]
    );
}

#[test]
fn ts_member_visibility() {
    let f = ts(
        "export class P {\n  private seek(t: number) {}\n  protected guard() {}\n  #hidden() {}\n  static make() {}\n  play() { this.seek(0) }\n  handler = () => {}\n}\n",
        &["seek", "guard", "hidden", "make", "play", "handler"],
    );
    assert_eq!(
        defs(&f),
        [
            (
                "P".into(),
                "guard".into(),
                DefKind::Instance,
                Access::Protected,
                3
            ),
            ("P".into(), "handler".into(), DefKind::Instance, Access::Public, 7),
            ("P".into(), "hidden".into(), DefKind::Instance, Access::Private, 4),
            ("P".into(), "make".into(), DefKind::Singleton, Access::Public, 5),
            ("P".into(), "play".into(), DefKind::Instance, Access::Public, 6),
            ("P".into(), "seek".into(), DefKind::Instance, Access::Private, 2),
        ]
    );
    assert_eq!(f.calls[0].recv, Recv::SelfRef);
}

#[test]
fn ts_exports() {
    let f = ts(
        "export function a() {}\nexport const b = () => 1;\nfunction c() {}\nfunction d() {}\nexport { d };\nfunction e() {}\nexport { e as f };\nconst g = async function () {};\nexport default g;\nfunction local() {}\nexport * from './other';\n",
        &["a", "b", "c", "d", "e", "f", "g", "local"],
    );
    let access = |n: &str| f.defs.iter().find(|d| d.name == n).unwrap().access;
    assert_eq!(access("a"), Access::Public);
    assert_eq!(access("b"), Access::Public);
    assert_eq!(access("c"), Access::ModuleLocal);
    assert_eq!(access("d"), Access::Public);
    assert_eq!(access("e"), Access::Public);
    assert_eq!(access("f"), Access::Public);
    assert_eq!(f.defs.iter().find(|d| d.name == "f").unwrap().line, 7);
    assert_eq!(access("g"), Access::Public);
    assert_eq!(access("local"), Access::ModuleLocal);
}

#[test]
fn js_commonjs_exports_and_requires() {
    let src =
        "function a() {}\nfunction b() {}\nmodule.exports = { a };\nconst { c } = require('./c');\nc();\n";
    let f = extract(Lang::Tsx, src.as_bytes(), &interest(&["a", "b", "c"], &[]));
    let access = |n: &str| f.defs.iter().find(|d| d.name == n).unwrap().access;
    assert_eq!(access("a"), Access::Public);
    assert_eq!(access("b"), Access::ModuleLocal);
    // `module.exports = { a }` exports `a`; it does not call it.
    assert_eq!(
        calls_of(&f, &["a", "b", "c"]),
        [("c".to_string(), 4, Via::Import), ("c".to_string(), 5, Via::Call)]
    );
}

#[test]
fn ts_calls_imports_optional_chaining_and_jsx() {
    let src = "import { fmt, other as alias } from '../lib/format';\nexport function Card({ v }: { v: V }) {\n  v.player?.seek(1);\n  v.cb?.();\n  api['seek'](2);\n  api[name]();\n  return <Widget onClick={fmt}>{fmt(v)}</Widget>;\n}\n";
    let f = extract(
        Lang::Tsx,
        src.as_bytes(),
        &interest(&["fmt", "other", "seek", "cb", "Widget"], &[]),
    );
    assert_eq!(
        calls_of(&f, &["fmt", "other", "seek", "cb", "Widget"]),
        [
            ("Widget".to_string(), 7, Via::Jsx),
            ("cb".to_string(), 4, Via::Call),
            ("fmt".to_string(), 1, Via::Import),
            ("fmt".to_string(), 7, Via::Call),
            ("fmt".to_string(), 7, Via::Reference),
            ("other".to_string(), 1, Via::Import),
            ("seek".to_string(), 3, Via::Call),
            ("seek".to_string(), 5, Via::Symbol),
        ]
    );
    assert_eq!(f.dynamic.len(), 1);
    assert_eq!(f.dynamic[0].line, 6);
}

#[test]
fn ts_env_reads() {
    let f = ts(
        "const a = process.env.API_BASE;\nconst b = process.env['PLAYER_CDN'];\nconst c = import.meta.env.VITE_X;\nconst { DB_URL, PORT = 3 } = process.env;\nconst d = other.env.NOPE;\n",
        &[],
    );
    let env: Vec<(String, u32)> = f.env_reads.iter().map(|e| (e.name.clone(), e.line)).collect();
    assert_eq!(
        env,
        [
            ("API_BASE".into(), 1),
            ("PLAYER_CDN".into(), 2),
            ("VITE_X".into(), 3),
            ("DB_URL".into(), 4),
            ("PORT".into(), 4)
        ]
    );
}

#[test]
fn ts_json_keys() {
    let src = "type V = { metadata?: { ttsUrl?: string } };\nconst a = video.metadata?.ttsUrl;\nconst b = video.metadata?.['narration_url'];\nconst { dur, x: y } = video.metadata;\nsave({ metadata: { written: 1, other } });\nvideo.metadata.assigned = 2;\nvideo.metadata.hasOwnProperty('q');\nconst c = video.metadata[k];\n";
    let f = extract(Lang::TypeScript, src.as_bytes(), &interest(&[], &["metadata"]));
    let mut keys: Vec<(String, KeyOp, u32)> = f
        .json_keys
        .iter()
        .map(|k| (k.key.clone(), k.op, k.line))
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            ("assigned".into(), KeyOp::Write, 6),
            ("dur".into(), KeyOp::Read, 4),
            ("narration_url".into(), KeyOp::Read, 3),
            ("other".into(), KeyOp::Write, 5),
            ("ttsUrl".into(), KeyOp::Read, 2),
            ("written".into(), KeyOp::Write, 5),
            ("x".into(), KeyOp::Read, 4),
        ]
    );
    assert_eq!(f.json_opaque.len(), 1);
    assert_eq!(f.json_opaque[0].line, 8);
}

#[test]
fn renames_are_recorded() {
    let f = ts(
        "function toTitle() {}\nexport { toTitle as titleCase };\n",
        &["toTitle"],
    );
    assert_eq!(f.renames, [("toTitle".to_string(), "titleCase".to_string(), 2)]);
    let f = ruby(
        "class A\n  def old; end\n  alias_method :new_name, :old\n  alias other old\nend\n",
        &["old"],
    );
    assert_eq!(
        f.renames,
        [
            ("old".to_string(), "new_name".to_string(), 3),
            ("old".to_string(), "other".to_string(), 4)
        ]
    );
}

// ---------------------------------------------------------------------------
// TypeScript/JavaScript on oxc (issue 13).

fn tsx(src: &str, names: &[&str]) -> FileFacts {
    extract(Lang::Tsx, src.as_bytes(), &interest(names, &[]))
}

#[test]
fn ts_imports_and_exports_are_recorded() {
    use crate::facts::Imported;
    let f = ts(
        "import fmt from './format';\nimport * as ns from './ns';\nimport { a as b } from './ab';\nimport type { T } from './t';\nconst formatDate = (d) => d;\nexport default formatDate;\nexport { formatDate as fd };\nexport function f() {}\nexport { x } from './x';\nexport * from './all';\n",
        &[],
    );
    let imports: Vec<(&str, Imported, &str, u32)> = f
        .imports
        .iter()
        .map(|i| (i.local.as_str(), i.imported.clone(), i.from.as_str(), i.line))
        .collect();
    assert_eq!(
        imports,
        [
            ("fmt", Imported::Default, "./format", 1),
            ("ns", Imported::Namespace, "./ns", 2),
            ("b", Imported::Name("a".into()), "./ab", 3),
        ]
    );
    let exports: Vec<(&str, Option<&str>, Option<&str>)> = f
        .exports
        .iter()
        .map(|e| (e.name.as_str(), e.local.as_deref(), e.from.as_deref()))
        .collect();
    assert_eq!(
        exports,
        [
            ("default", Some("formatDate"), None),
            ("fd", Some("formatDate"), None),
            ("f", Some("f"), None),
            ("x", Some("x"), Some("./x")),
            ("*", None, Some("./all")),
        ]
    );
}

#[test]
fn ts_reexports_and_exports_are_not_calls() {
    let f = ts(
        "function x() {}\nexport { x };\nexport default x;\nexport { y } from './y';\nexport { z as w } from './z';\n",
        &["x", "y", "z", "w"],
    );
    assert_eq!(calls_of(&f, &["x", "y", "z", "w"]), []);
    // The neighbour: a real call still counts.
    let f = ts("import { y } from './y';\ny();\n", &["y"]);
    assert_eq!(
        calls_of(&f, &["y"]),
        [("y".to_string(), 1, Via::Import), ("y".to_string(), 2, Via::Call)]
    );
}

#[test]
fn ts_type_positions_are_not_uses() {
    let f = ts(
        "import type { fn } from './f';\nimport { type Other } from './o';\ntype T = typeof fn;\nlet a: ReturnType<typeof fn>;\nconst b = c satisfies Fn;\nfunction g(p: Other): Other { return p as Other; }\ninterface I { m(): typeof fn }\n",
        &["fn", "Fn", "Other"],
    );
    assert_eq!(calls_of(&f, &["fn", "Fn", "Other"]), []);
    assert!(f.imports.is_empty(), "{:?}", f.imports);
    // A value use of the same name is a reference.
    let f = ts("import { fn } from './f';\nconst h = fn;\n", &["fn"]);
    assert_eq!(
        calls_of(&f, &["fn"]),
        [
            ("fn".to_string(), 1, Via::Import),
            ("fn".to_string(), 2, Via::Reference)
        ]
    );
}

#[test]
fn ts_classes_record_their_superclass() {
    let f = ts(
        "import { Base } from './base';\nexport class Sub extends Base<User> {}\nclass Plain {}\nclass Deep extends ns.Model {}\n",
        &[],
    );
    let classes: Vec<(&str, Option<&str>, u32)> = f
        .classes
        .iter()
        .map(|c| (c.name.as_str(), c.extends.as_deref(), c.line))
        .collect();
    assert_eq!(
        classes,
        [
            ("Sub", Some("Base"), 2),
            ("Plain", None, 3),
            ("Deep", Some("Model"), 4)
        ]
    );
}

#[test]
fn ts_abstract_members_and_overloads_are_one_definition() {
    let f = ts(
        "abstract class R<T> {\n  abstract name(): string;\n  find(id: number): T;\n  find(id: string): T;\n  find(id: any): T { return id; }\n}\n",
        &["name", "find"],
    );
    let d: Vec<(String, u32)> = f.defs.iter().map(|d| (d.name.clone(), d.line)).collect();
    assert_eq!(d, [("find".to_string(), 5), ("name".to_string(), 2)]);
    // Overloads without an implementation (a declaration): one definition,
    // at the first signature.
    let f = ts(
        "declare class X {\n  f(a: string): void;\n  f(a: number): void;\n}\n",
        &["f"],
    );
    let d: Vec<(String, u32)> = f.defs.iter().map(|d| (d.name.clone(), d.line)).collect();
    assert_eq!(d, [("f".to_string(), 2)]);
    // Interface methods and function-typed properties: definitions of the
    // interface, overloads once; other members are types.
    let f = ts(
        "export interface Repo<T> extends Base {\n  find(id: string): T;\n  find(id: number): T;\n  save: (t: T) => void;\n  count: number;\n}\n",
        &["find", "save", "count"],
    );
    let d: Vec<(String, Option<String>, u32)> = f
        .defs
        .iter()
        .map(|d| (d.name.clone(), d.owner.clone(), d.line))
        .collect();
    assert_eq!(
        d,
        [
            ("find".to_string(), Some("Repo".to_string()), 2),
            ("save".to_string(), Some("Repo".to_string()), 4)
        ]
    );
}

#[test]
fn js_commonjs_requires_and_exports() {
    use crate::facts::Imported;
    let f = tsx(
        "const { a: b, c } = require('./x');\nrequire('./y').fn();\nconst m = require('./m');\nm.go();\nmodule.exports = class Store {};\n",
        &["a", "b", "c", "fn", "go"],
    );
    let imports: Vec<(&str, Imported)> = f
        .imports
        .iter()
        .map(|i| (i.local.as_str(), i.imported.clone()))
        .collect();
    assert_eq!(
        imports,
        [
            ("b", Imported::Name("a".into())),
            ("c", Imported::Name("c".into())),
            ("m", Imported::Namespace)
        ]
    );
    let fn_call = f.calls.iter().find(|c| c.name == "fn").unwrap();
    assert_eq!(fn_call.recv, Recv::Module("./y".into()));
    assert_eq!(f.exports[0].name, "default");
    assert_eq!(f.exports[0].local.as_deref(), Some("Store"));
}

#[test]
fn tsx_valid_files_tree_sitter_misread_parse_cleanly() {
    let f = tsx(
        "const Title = styled.span<{ big: boolean }>`\n  font-size: ${(p) => (p.big ? 2 : 1)}em;\n`;\nconst el = <p>Tom & Jerry</p>;\nconst raw = String.raw`\\u{zz}`;\nTitle.track();\n",
        &["span", "track"],
    );
    assert!(!f.parse_error);
    assert_eq!(
        calls_of(&f, &["span", "track"]),
        [
            ("span".to_string(), 1, Via::Call),
            ("track".to_string(), 6, Via::Call)
        ]
    );
}

#[test]
fn ts_deep_nesting_does_not_overflow_a_small_stack() {
    // Test threads have small stacks; extraction must not rely on them.
    let parens = format!("{}client{}.fetchAll();\n", "(".repeat(10_000), ")".repeat(10_000));
    let f = ts(&parens, &["fetchAll"]);
    assert_eq!(
        calls_of(&f, &["fetchAll"]),
        [("fetchAll".to_string(), 1, Via::Call)]
    );
    assert_eq!(
        f.calls.iter().find(|c| c.name == "fetchAll").unwrap().recv,
        Recv::Expr("client".into())
    );
    for src in [
        format!("x = {}1{};", "[".repeat(10_000), "]".repeat(10_000)),
        format!("x = {}1{};", "{a: ".repeat(10_000), "}".repeat(10_000)),
        format!("{}go();{}", "function f() {".repeat(10_000), "}".repeat(10_000)),
        format!("{}{}", "class A { m() {".repeat(5_000), "}}".repeat(5_000)),
        format!("x = a{};", ".b()".repeat(10_000)),
        format!("x = {}a;", "!".repeat(100_000)),
    ] {
        let f = tsx(&src, &["go"]);
        assert!(f.too_deep, "{}", &src[..40]);
    }
}

/// 10,000 levels of every nesting shape, extracted from a thread with a
/// small stack: Prism's recursive parser runs on a big-stack thread of its
/// own and stops at its nesting limit (`too_deep`); the walk over the tree
/// is iterative, so left-deep trees (`a + 1 + 1 ...`, long call chains)
/// are walked whole, in linear time.
#[test]
fn ruby_deep_nesting_is_bounded() {
    let n = 10_000;
    let shapes = [
        ("paren", "(".repeat(n) + "Foo.new.bar" + &")".repeat(n), true),
        ("array", "[".repeat(n) + "Foo.new.bar" + &"]".repeat(n), true),
        ("hash", "{a: ".repeat(n) + "Foo.new.bar" + &"}".repeat(n), true),
        (
            "block",
            "foo { ".repeat(n) + "Foo.new.bar" + &" }".repeat(n),
            true,
        ),
        ("not", "!".repeat(n) + "Foo.new.bar", true),
        (
            "class",
            "class C\n".repeat(n) + "def deep\n Foo.new.bar\nend\n" + &"end\n".repeat(n),
            true,
        ),
        ("plus", "Foo.new.bar".to_string() + &" + 1".repeat(n), false),
        ("chain", "Foo.new".to_string() + &".bar".repeat(n), false),
    ];
    for (name, src, deep) in shapes {
        let h = std::thread::Builder::new()
            .stack_size(256 << 10)
            .spawn(move || {
                let t = std::time::Instant::now();
                let f = extract(Lang::Ruby, src.as_bytes(), &interest(&["bar"], &[]));
                (f, t.elapsed())
            })
            .unwrap();
        let (f, took) = h.join().unwrap_or_else(|_| panic!("{name}: panicked"));
        assert_eq!(f.too_deep, deep, "{name}");
        assert!(
            !f.parse_error,
            "{name}: nesting is reported as too deep, not as a syntax error"
        );
        // A hang guard (quadratic or runaway work), not a speed target.
        assert!(took.as_secs() < 120, "{name}: {took:?}");
        if !deep {
            let bars = f.calls.iter().filter(|c| c.name == "bar").count();
            assert_eq!(bars, if name == "chain" { n } else { 1 }, "{name}");
        }
    }
}

#[test]
fn ts_syntax_errors_keep_the_facts_around_them() {
    let f = ts(
        "export function before() {}\n\nfunction ((( {{{\n\nexport function after() {}\n",
        &["before", "after"],
    );
    assert!(f.parse_error);
    let d: Vec<(String, u32)> = f.defs.iter().map(|d| (d.name.clone(), d.line)).collect();
    assert_eq!(d, [("before".to_string(), 1), ("after".to_string(), 5)]);
}

#[test]
fn vue_and_svelte_components_hold_calls_on_their_lines() {
    let vue = "<template>\n  <button @click=\"tabs.reopen()\" :title=\"compute()\">{{ fmt(x) }}</button>\n  <p v-if=\"isOn('flag')\">on</p>\n</template>\n\n<script setup lang=\"ts\">\nimport { fmt } from './fmt';\nconst n = count();\n</script>\n";
    let names = ["reopen", "compute", "fmt", "isOn", "count"];
    let f = extract(Lang::Vue, vue.as_bytes(), &interest(&names, &[]));
    assert!(!f.parse_error);
    assert_eq!(
        calls_of(&f, &names),
        [
            ("compute".to_string(), 2, Via::Call),
            ("count".to_string(), 8, Via::Call),
            ("fmt".to_string(), 2, Via::Call),
            ("fmt".to_string(), 7, Via::Import),
            ("isOn".to_string(), 3, Via::Call),
            ("reopen".to_string(), 2, Via::Call),
        ]
    );
    let svelte = "<script>\n  import { go } from './api';\n</script>\n<button on:click={() => go(1)}>{label(x)}</button>\n{#if ready()}<p/>{/if}\n<style>\n  p { color: red; }\n</style>\n";
    let names = ["go", "label", "ready"];
    let f = extract(Lang::Svelte, svelte.as_bytes(), &interest(&names, &[]));
    assert_eq!(
        calls_of(&f, &names),
        [
            ("go".to_string(), 2, Via::Import),
            ("go".to_string(), 4, Via::Call),
            ("label".to_string(), 4, Via::Call),
            ("ready".to_string(), 5, Via::Call),
        ]
    );
}

#[test]
fn ts_env_config_objects_and_their_reads() {
    let f = ts(
        "export const env = z.object({ A: z.string() }).parse(process.env);\nconst plain = { A: 1 };\nexport default createEnv({ runtimeEnv: import.meta.env });\nfunction f() { const local = process.env; }\nconst x = cfg.API_URL;\nconst { PORT, lower } = cfg;\ncfg.WRITTEN = 1;\ndelete process.env.GONE;\nconst y = cfg.notEnvShaped;\n",
        &[],
    );
    assert_eq!(f.env_objects, ["env", "default"]);
    let reads: Vec<(&str, &str, u32)> = f
        .config_reads
        .iter()
        .map(|r| (r.object.as_str(), r.name.as_str(), r.line))
        .collect();
    assert_eq!(reads, [("cfg", "API_URL", 5), ("cfg", "PORT", 6)]);
    // `delete process.env.X` is not a read; `process.env.X` is.
    let f = ts("delete process.env.GONE;\nconst k = process.env.KEPT;\n", &[]);
    let env: Vec<(&str, u32)> = f.env_reads.iter().map(|e| (e.name.as_str(), e.line)).collect();
    assert_eq!(env, [("KEPT", 2)]);
}

#[test]
fn ruby_facts_do_not_depend_on_the_plan() {
    let src = "class A\n  def a; b; end\n  private\n  def b; ENV['X']; end\nend\nA.new.a\n";
    let none = extract(Lang::Ruby, src.as_bytes(), &interest(&[], &[]));
    let some = extract(Lang::Ruby, src.as_bytes(), &interest(&["a"], &[]));
    assert_eq!(none, some);
    assert_eq!(
        defs(&none),
        [
            ("A".into(), "a".into(), DefKind::Instance, Access::Public, 2),
            ("A".into(), "b".into(), DefKind::Instance, Access::Private, 4),
        ]
    );
    assert_eq!(
        calls(&none),
        [
            ("a".to_string(), 6, Via::Call),
            ("b".to_string(), 2, Via::Call),
            ("new".to_string(), 6, Via::Call)
        ]
    );
    // Serializable, for a fact cache.
    let json = serde_json::to_string(&none).unwrap();
    let back: FileFacts = serde_json::from_str(&json).unwrap();
    assert_eq!(back, none);
}

#[test]
fn erb_tags_on_one_line_are_separate_statements() {
    let src = "<% if ok? %><%= a_call %><% else %><%- other_call -%><% end %>\n<%# skipped_call %>\n<%= form_with do |f| %>\n  <%= f.text_field :x %>\n<% end %>\n";
    let f = extract(Lang::Erb, src.as_bytes(), &interest(&[], &[]));
    assert!(!f.parse_error, "{f:?}");
    let got = calls(&f);
    for want in [
        ("ok?", 1),
        ("a_call", 1),
        ("other_call", 1),
        ("form_with", 3),
        ("text_field", 4),
    ] {
        assert!(
            got.contains(&(want.0.to_string(), want.1, Via::Call)),
            "{want:?} in {got:?}"
        );
    }
    assert!(!got.iter().any(|c| c.0 == "skipped_call"), "{got:?}");
    // The blanked buffer is valid Ruby with the template's lines.
    let tree = super::parse(Lang::Erb, src.as_bytes(), None).unwrap();
    let spans: Vec<(usize, usize)> = super::erb_code_ranges(tree.root_node())
        .iter()
        .map(|r| (r.start_byte, r.end_byte))
        .collect();
    let buf = super::ruby::blank_template(src.as_bytes(), &spans);
    assert_eq!(buf.len(), src.len());
    assert_eq!(
        super::ruby::parse(&buf).errors().count(),
        0,
        "{}",
        String::from_utf8_lossy(&buf)
    );
}

#[test]
fn ruby_ancestry_facts() {
    use crate::facts::Rel;
    let f = extract(
        Lang::Ruby,
        b"module Shop\n  class Product < ApplicationRecord\n    include Stockable, Priced\n    prepend Audited\n    extend Finders\n    delegate_missing_to :target\n    def m; include NotHere; end\n  end\nend\nmodule Stockable\n  extend ActiveSupport::Concern\n  class_methods do\n    def low_stock; end\n  end\n  included do\n    def restock; end\n  end\n  extend self\nend\nPoint = Struct.new(:x) do\nend\n",
        &interest(&[], &[]),
    );
    let got: Vec<(String, Rel, String, String, u32)> = f
        .ancestry
        .iter()
        .map(|a| (a.owner.clone(), a.rel, a.target.clone(), a.scope.clone(), a.line))
        .collect();
    let want: Vec<(String, Rel, String, String, u32)> = [
        ("Shop", Rel::Module, "", "", 1),
        ("Shop::Product", Rel::Class, "ApplicationRecord", "Shop", 2),
        // `include A, B` searches A first: recorded as include B; include A.
        ("Shop::Product", Rel::Include, "Priced", "Shop::Product", 3),
        ("Shop::Product", Rel::Include, "Stockable", "Shop::Product", 3),
        ("Shop::Product", Rel::Prepend, "Audited", "Shop::Product", 4),
        ("Shop::Product", Rel::Extend, "Finders", "Shop::Product", 5),
        (
            "Shop::Product",
            Rel::DelegateMissing,
            "target",
            "Shop::Product",
            6,
        ),
        ("Stockable", Rel::Module, "", "", 10),
        (
            "Stockable",
            Rel::Extend,
            "ActiveSupport::Concern",
            "Stockable",
            11,
        ),
        ("Stockable::ClassMethods", Rel::Module, "", "Stockable", 12),
        ("Stockable", Rel::Extend, "::Stockable", "Stockable", 18),
        ("Point", Rel::Class, "", "", 20),
    ]
    .into_iter()
    .map(|(a, r, b, c, l)| (a.to_string(), r, b.to_string(), c.to_string(), l))
    .collect();
    assert_eq!(got, want);
    // Concern bodies: `class_methods` defines ClassMethods' instance methods,
    // `included do` the module's own.
    assert_eq!(
        defs(&about(f, &["low_stock", "restock"])),
        [
            (
                "Stockable".into(),
                "restock".into(),
                DefKind::Instance,
                Access::Public,
                16
            ),
            (
                "Stockable::ClassMethods".into(),
                "low_stock".into(),
                DefKind::Instance,
                Access::Public,
                13
            ),
        ]
    );
}

#[test]
fn ruby_rails_generated_methods() {
    let src = "class Order < ApplicationRecord\n  private\n  scope :recent, -> { where(x: 1) }\n  enum status: { pending: 0, paid: 1 }\n  enum :kind, [:digital], prefix: true\n  enum :tier, { gold: 0 }, suffix: :tier\n  has_many :line_items\n  has_many :categories\n  belongs_to :customer\n  has_one :invoice\n  alias_attribute :total, :amount_cents\n  attribute :coupon\n  store_accessor :settings, :theme\n  def recentish; end\nend\n";
    let f = extract(Lang::Ruby, src.as_bytes(), &interest(&[], &[]));
    let d = defs(&f);
    let has = |name: &str, kind: DefKind, line: u32| {
        assert!(
            d.iter().any(|x| x.0 == "Order"
                && x.1 == name
                && x.2 == kind
                && x.3 == Access::Public
                && x.4 == line),
            "{name} {kind:?} line {line} in {d:?}"
        );
    };
    has("recent", DefKind::Singleton, 3);
    for (n, k) in [
        ("pending?", DefKind::Instance),
        ("pending!", DefKind::Instance),
        ("pending", DefKind::Singleton),
        ("not_pending", DefKind::Singleton),
        ("paid?", DefKind::Instance),
    ] {
        has(n, k, 4);
    }
    has("statuses", DefKind::Singleton, 4);
    has("kind_digital?", DefKind::Instance, 5);
    has("gold_tier?", DefKind::Instance, 6);
    for n in ["line_items", "line_items=", "line_item_ids", "line_item_ids="] {
        has(n, DefKind::Instance, 7);
    }
    has("category_ids", DefKind::Instance, 8);
    for n in [
        "customer",
        "customer=",
        "build_customer",
        "create_customer",
        "create_customer!",
    ] {
        has(n, DefKind::Instance, 9);
    }
    has("build_invoice", DefKind::Instance, 10);
    for n in ["total", "total=", "total?"] {
        has(n, DefKind::Instance, 11);
    }
    has("coupon=", DefKind::Instance, 12);
    has("theme", DefKind::Instance, 13);
    has("theme=", DefKind::Instance, 13);
    // The section still applies to real methods; generated names are not
    // references to themselves.
    assert_eq!(access_of(&f, "recentish", DefKind::Instance), Access::Private);
    assert!(
        !f.calls
            .iter()
            .any(|c| c.name == "recent" || c.name == "line_items"),
        "{:?}",
        f.calls
    );
    // A polymorphic belongs_to has no class to build.
    let p = extract(
        Lang::Ruby,
        b"class C\n  belongs_to :owner, polymorphic: true\nend\n",
        &interest(&[], &[]),
    );
    assert!(p.defs.iter().any(|d| d.name == "owner"));
    assert!(!p.defs.iter().any(|d| d.name == "build_owner"), "{:?}", p.defs);
    // Neighbours: a receiver or a method body is not a class-body macro.
    let g = extract(
        Lang::Ruby,
        b"class A\n  def x\n    scope :nope\n  end\n  Foo.has_many :nope2\nend\n",
        &interest(&[], &[]),
    );
    assert!(!g.defs.iter().any(|d| d.name.starts_with("nope")), "{:?}", g.defs);
}

#[test]
fn haml_and_slim_views_hold_callers_with_their_lines() {
    let haml = "%h1= @video.title\n-# ready_for_render? in a comment\n- if @video.ready_for_render?\n  %a{href: render_path(@video)} Render\n";
    let names = ["ready_for_render?", "render_path"];
    let f = about(
        extract(Lang::Haml, haml.as_bytes(), &interest(&names, &[])),
        &names,
    );
    assert_eq!(
        calls(&f),
        [
            ("ready_for_render?".to_string(), 3, Via::Call),
            ("render_path".to_string(), 4, Via::Call)
        ]
    );
    let slim = "h1 = @video.title\n/ ready_for_render? in a comment\n- if @video.ready_for_render?\n  a href=render_path(@video) Render\n";
    let f = about(
        extract(Lang::Slim, slim.as_bytes(), &interest(&names, &[])),
        &names,
    );
    assert_eq!(
        calls(&f),
        [
            ("ready_for_render?".to_string(), 3, Via::Call),
            ("render_path".to_string(), 4, Via::Call)
        ]
    );
}

#[test]
fn ruby_singleton_and_explicit_owner_forms() {
    let f = ruby(
        "class A\n  def Other.x; end\n  def A.y; end\n  class << Other\n    def z; end\n  end\n  class << self\n    def s; end\n    class << self\n      def meta; end\n    end\n  end\nend\nmodule M\n  class N\n    def M.w; end\n  end\nend\n",
        &["x", "y", "z", "s", "meta", "w"],
    );
    assert_eq!(
        defs(&f),
        [
            (
                "#<Class:A>".into(),
                "meta".into(),
                DefKind::Singleton,
                Access::Public,
                10
            ),
            ("A".into(), "s".into(), DefKind::Singleton, Access::Public, 8),
            ("A".into(), "y".into(), DefKind::Singleton, Access::Public, 3),
            ("M".into(), "w".into(), DefKind::Singleton, Access::Public, 16),
            ("Other".into(), "x".into(), DefKind::Singleton, Access::Public, 2),
            ("Other".into(), "z".into(), DefKind::Singleton, Access::Public, 5),
        ]
    );
}

#[test]
fn ruby_aliases_take_the_original_visibility_and_owner() {
    let f = ruby(
        "class A\n  private def secret; end\n  alias hidden secret\n  alias_method :also_hidden, :secret\n  def open; end\n  alias_method :open2, :open\n  self.alias_method :open3, :open\n  private :open\n  class << self\n    def build; end\n    alias_method :make, :build\n  end\nend\nclass B\n  A.alias_method(:from_b, :open)\nend\n",
        &["hidden", "also_hidden", "open2", "open3", "make", "from_b"],
    );
    assert_eq!(
        defs(&f),
        [
            (
                "A".into(),
                "also_hidden".into(),
                DefKind::Instance,
                Access::Private,
                4
            ),
            // By the time B's body runs, `private :open` has run.
            (
                "A".into(),
                "from_b".into(),
                DefKind::Instance,
                Access::Private,
                15
            ),
            ("A".into(), "hidden".into(), DefKind::Instance, Access::Private, 3),
            ("A".into(), "make".into(), DefKind::Singleton, Access::Public, 11),
            // `open` was public when aliased; `private :open` came later.
            ("A".into(), "open2".into(), DefKind::Instance, Access::Public, 6),
            ("A".into(), "open3".into(), DefKind::Instance, Access::Public, 7),
        ]
    );
}

#[test]
fn ruby_visibility_applied_later() {
    let f = ruby(
        "class A\n  private def x; end\n  public :x\n  private attr_reader(:r)\n  private attr_accessor :a, :b\n  def later; end\n  protected :later\nend\nmodule M\n  module_function def helper; end\n  class << self\n    private :helper\n  end\n  module_function def open_helper; end\nend\n",
        &["x", "r", "a", "a=", "b", "later", "helper", "open_helper"],
    );
    assert_eq!(access_of(&f, "x", DefKind::Instance), Access::Public);
    assert_eq!(access_of(&f, "r", DefKind::Instance), Access::Private);
    assert_eq!(access_of(&f, "a", DefKind::Instance), Access::Private);
    assert_eq!(access_of(&f, "a=", DefKind::Instance), Access::Private);
    assert_eq!(access_of(&f, "b", DefKind::Instance), Access::Private);
    assert_eq!(access_of(&f, "later", DefKind::Instance), Access::Protected);
    assert_eq!(access_of(&f, "helper", DefKind::Singleton), Access::Private);
    assert_eq!(access_of(&f, "helper", DefKind::Instance), Access::Private);
    assert_eq!(access_of(&f, "open_helper", DefKind::Singleton), Access::Public);
    // Statements are facts too, for reopenings in other files.
    let full = extract(
        Lang::Ruby,
        b"class A\n  private :x, :y\n  private_class_method :z\nend\n",
        &interest(&[], &[]),
    );
    let v: Vec<(Option<String>, String, bool, Access, u32)> = full
        .visibility
        .iter()
        .map(|s| (s.owner.clone(), s.name.clone(), s.singleton, s.access, s.line))
        .collect();
    assert_eq!(
        v,
        [
            (Some("A".into()), "x".into(), false, Access::Private, 2),
            (Some("A".into()), "y".into(), false, Access::Private, 2),
            (Some("A".into()), "z".into(), true, Access::Private, 3),
        ]
    );
}

#[test]
fn ruby_send_over_a_literal_list_reaches_only_its_names() {
    let src = "class Proxy\n  FIELDS = %i[title body].freeze\n  FIELDS.each { |f| define_method(f) { @target.__send__(f) } }\n  def sync\n    %w[save_a save_b].each { |m| send(m) }\n    other.each { |m| send(m) }\n  end\nend\n";
    let f = extract(Lang::Ruby, src.as_bytes(), &interest(&[], &[]));
    let got = calls(&about(f.clone(), &["title", "body", "save_a", "save_b"]));
    assert_eq!(
        got,
        [
            ("body".to_string(), 3, Via::Symbol),
            ("save_a".to_string(), 5, Via::Symbol),
            ("save_b".to_string(), 5, Via::Symbol),
            ("title".to_string(), 3, Via::Symbol),
        ]
    );
    // define_method over the list defines each name.
    let d = defs(&about(f.clone(), &["title", "body"]));
    assert_eq!(d.len(), 2, "{d:?}");
    assert!(
        d.iter()
            .all(|x| x.0 == "Proxy" && x.2 == DefKind::Instance && x.4 == 3)
    );
    // Only the unbound `send(m)` is dynamic.
    let dynamic: Vec<u32> = f.dynamic.iter().map(|d| d.line).collect();
    assert_eq!(dynamic, [6]);
}

#[test]
fn generated_names_have_source_spellings() {
    let s = super::ruby::source_spellings;
    assert!(s("live?").contains(&"live".to_string()));
    assert!(s("build_author").contains(&"author".to_string()));
    assert!(s("line_item_ids").contains(&"line_item".to_string()));
    assert!(s("not_archived").contains(&"archived".to_string()));
    assert!(s("statuses").contains(&"status".to_string()));
    assert_eq!(s("go"), ["go"], "short variants would match every file");
}

#[test]
fn a_method_called_on_a_reflected_class_is_dynamic_dispatch_to_it() {
    let f = extract(
        Lang::Ruby,
        b"Object.const_get(\"#{kind}Report\").new.rows\nname.constantize\nFoo.new.rows\n",
        &interest(&[], &[]),
    );
    let dynamic: Vec<(String, u32)> = f.dynamic.iter().map(|d| (d.what.clone(), d.line)).collect();
    assert_eq!(
        dynamic,
        [("Object.const_get(\"#{kind}Report\").new.rows".to_string(), 1)]
    );
    let reflection: Vec<u32> = f.reflection.iter().map(|d| d.line).collect();
    assert_eq!(reflection, [1, 2]);
}

// ------------------------------------------------------------ jobs, events, flags (issue 16)

mod async_points {
    use super::ruby;
    use crate::facts::{ArgShape, EventRole, FlagRole};

    /// (class, method, positional count or None, keywords, queue, mailer method, line)
    type Row = (
        String,
        String,
        Option<usize>,
        Vec<String>,
        Option<String>,
        Option<String>,
        u32,
    );

    fn enqueues(src: &str) -> Vec<Row> {
        ruby(src, &[])
            .enqueues
            .into_iter()
            .map(|e| {
                (
                    e.class,
                    e.method,
                    e.args.map(|a| a.len()),
                    e.keywords,
                    e.queue,
                    e.mailer_method,
                    e.line,
                )
            })
            .collect()
    }

    fn row(class: &str, method: &str, n: Option<usize>, kw: &[&str], queue: Option<&str>, line: u32) -> Row {
        (
            class.into(),
            method.into(),
            n,
            kw.iter().map(|s| s.to_string()).collect(),
            queue.map(str::to_string),
            None,
            line,
        )
    }

    #[test]
    fn activejob_and_sidekiq_producers() {
        let src = "class A\n  def x(u)\n    ReportJob.perform_later(u.id, 'm')\n    ReportJob.set(queue: :low, wait: 5).perform_later(1)\n    Admin::SyncJob.perform_now(force: true)\n    SyncWorker.perform_async(*ids)\n    SyncWorker.perform_in(5.minutes, 1, 2)\n    SyncWorker.perform_bulk([[1], [2]])\n    self.class.perform_later\n    u.perform_later(1)\n  end\nend\n";
        assert_eq!(
            enqueues(src),
            [
                row("ReportJob", "perform_later", Some(2), &[], None, 3),
                row("ReportJob", "perform_later", Some(1), &[], Some("low"), 4),
                row("Admin::SyncJob", "perform_now", Some(0), &["force"], None, 5),
                row("SyncWorker", "perform_async", None, &[], None, 6),
                // perform_in's delay is not an argument of perform.
                row("SyncWorker", "perform_in", Some(2), &[], None, 7),
                row("SyncWorker", "perform_bulk", None, &[], None, 8),
                row("A", "perform_later", Some(0), &[], None, 9),
            ]
        );
    }

    #[test]
    fn bulk_client_and_mailer_producers() {
        let src = "ActiveJob.perform_all_later([AJob.new(1, 2), BJob.set(queue: 'q').new])\nSidekiq::Client.push('class' => 'HardWorker', 'args' => [1, 'a'], 'queue' => 'hi')\nSidekiq::Client.push('class' => HardWorker, 'args' => list)\nSidekiq::Client.enqueue_to(:crit, HardWorker, 7)\nUserMailer.welcome(u, x).deliver_later\nUserMailer.with(user: u).reset.deliver_now\n";
        let mail = |c: &str, m: &str, n, line| {
            let mut r = row(c, m, Some(n), &[], None, line);
            r.5 = Some(if line == 5 { "welcome" } else { "reset" }.into());
            r
        };
        let (w, r) = (
            mail("UserMailer", "deliver_later", 2, 5),
            mail("UserMailer", "deliver_now", 0, 6),
        );
        assert_eq!(
            enqueues(src),
            [
                row("AJob", "perform_all_later", Some(2), &[], None, 1),
                row("BJob", "perform_all_later", Some(0), &[], Some("q"), 1),
                row("HardWorker", "push", Some(2), &[], Some("hi"), 2),
                row("HardWorker", "push", None, &[], None, 3),
                row("HardWorker", "enqueue_to", Some(1), &[], Some("crit"), 4),
                w,
                r,
            ]
        );
    }

    #[test]
    fn string_keyed_hash_is_one_positional_argument() {
        let f = ruby(
            "W.perform_async('user_id' => 1, 'mode' => 'x')\nW.perform_async(user_id: 1)\n",
            &[],
        );
        let e = &f.enqueues[0];
        assert_eq!((e.args.as_ref().map(Vec::len), e.keywords.len()), (Some(1), 0));
        assert_eq!(e.args.as_ref().unwrap()[0].shape, ArgShape::Json);
        assert_eq!(f.enqueues[1].keywords, ["user_id"]);
    }

    #[test]
    fn instance_enqueue_and_inline_perform() {
        let src = "NotifyJob.new(hook, v: 1).enqueue(wait: 5)\njob = NotifyJob.new(hook)\njob.enqueue\nAfterJob.new(version: v).perform(version: v)\nx.enqueue\n";
        assert_eq!(
            enqueues(src),
            [
                row("NotifyJob", "enqueue", Some(1), &["v"], None, 1),
                row("NotifyJob", "enqueue", None, &[], None, 3),
                row("AfterJob", "perform", Some(0), &["version"], None, 4),
            ]
        );
    }

    #[test]
    fn long_set_chains_are_walked_without_recursion() {
        let mut src = String::from("ReportJob");
        src.push_str(".set(queue: :outer)");
        for _ in 0..50_000 {
            src.push_str(".set(wait: 1)");
        }
        src.push_str(".perform_later(1)\n");
        let rows = enqueues(&src);
        assert_eq!(rows.len(), 1, "{}", rows.len());
        assert_eq!(
            (rows[0].0.as_str(), rows[0].4.as_deref()),
            ("ReportJob", Some("outer"))
        );
    }

    #[test]
    fn classes_used_as_values() {
        let f = ruby(
            "class N\n  def mail_job\n    Mail::Liked\n  end\n  def x\n    enqueue(Mail::Shared, 1)\n    j = Mail::Other\n    h = { job: Mail::Fourth }\n    Mail::Called.perform_async(1)\n  end\nend\n",
            &[],
        );
        let got: Vec<(&str, u32)> = f.const_values.iter().map(|(c, l)| (c.as_str(), *l)).collect();
        assert_eq!(
            got,
            [
                ("Mail::Liked", 3),
                ("Mail::Shared", 6),
                ("Mail::Other", 7),
                ("Mail::Fourth", 8)
            ]
        );
    }

    #[test]
    fn argument_shapes() {
        let f = ruby(
            "u = User.find(1)\nW.perform_async(:a, Time.now, 1.day.ago, User.new, u, 'x', 3, [1, 'b'], {'k' => 1}, {k: 1}, u.id, v)\n",
            &[],
        );
        let shapes: Vec<ArgShape> = f.enqueues[0]
            .args
            .as_ref()
            .unwrap()
            .iter()
            .map(|a| a.shape)
            .collect();
        use ArgShape::*;
        assert_eq!(
            shapes,
            [
                Symbol, Time, Time, Object, Object, Json, Json, Json, Json, Symbol, Json, Unknown
            ]
        );
    }

    #[test]
    fn perform_signatures_and_queue_declarations() {
        let f = ruby(
            "class J < ApplicationJob\n  queue_as :reports\n  def perform(a, b = 1, *rest, c:, d: 2, **o)\n  end\nend\nclass W\n  include Sidekiq::Job\n  sidekiq_options retry: 3, queue: 'critical'\n  def perform(id); end\nend\nclass D < ApplicationJob\n  queue_as { :x }\n  def perform(...); end\nend\n",
            &[],
        );
        let p = &f
            .sigs
            .iter()
            .find(|s| s.owner.as_deref() == Some("J"))
            .unwrap()
            .params;
        assert_eq!((p.required, p.optional, p.rest, p.kwrest), (1, 1, true, true));
        assert_eq!(
            (p.required_kw.as_slice(), p.optional_kw.as_slice()),
            (&["c".to_string()][..], &["d".to_string()][..])
        );
        let d = &f
            .sigs
            .iter()
            .find(|s| s.owner.as_deref() == Some("D"))
            .unwrap()
            .params;
        assert!(d.rest && d.kwrest);
        let q: Vec<(String, Option<String>, u32)> = f
            .queue_decls
            .iter()
            .map(|q| (q.owner.clone(), q.queue.clone(), q.line))
            .collect();
        assert_eq!(
            q,
            [
                ("J".into(), Some("reports".into()), 2),
                ("W".into(), Some("critical".into()), 8),
                ("D".into(), None, 12)
            ]
        );
    }

    #[test]
    fn notifications_and_wisper_events() {
        let f = ruby(
            "ActiveSupport::Notifications.instrument('a.b', x: 1) { }\nActiveSupport::Notifications.subscribe('a.b') { }\nActiveSupport::Notifications.subscribe(/\\Aa\\./) { }\nNotifications.publish('c')\nclass P\n  include Wisper::Publisher\n  def call\n    broadcast(:done, 1)\n  end\nend\np.on(:done) { |x| x }\nfoo.on(:done)\nActiveSupport::Notifications.instrument(name)\n",
            &[],
        );
        let ev: Vec<(String, bool, EventRole, &str, u32)> = f
            .events
            .iter()
            .map(|e| (e.name.clone(), e.regex, e.role, e.via.as_str(), e.line))
            .collect();
        let n = "ActiveSupport::Notifications";
        assert_eq!(
            ev,
            [
                ("a.b".into(), false, EventRole::Emit, n, 1),
                ("a.b".into(), false, EventRole::Subscribe, n, 2),
                ("\\Aa\\.".into(), true, EventRole::Subscribe, n, 3),
                ("c".into(), false, EventRole::Emit, n, 4),
                ("done".into(), false, EventRole::Emit, "Wisper", 8),
                // `on` without a block is not a subscription.
                ("done".into(), false, EventRole::Subscribe, "Wisper", 11),
            ]
        );
    }

    #[test]
    fn flag_checks_definitions_and_hosted() {
        let f = ruby(
            "Flipper.enabled?(:a, u)\nFlipper[:b].enabled?\nFeature.enabled?(:c)\nFlipper.feature('d').enabled?\nFlipper.enable(:a)\nFlipper.add(:b)\nFlipper[:c].enable_percentage_of_actors(5)\nclient.variation('e-f', ctx, false)\nUNLEASH.is_enabled?('g')\nFlipper.enabled?(name)\nFlipper.disable(:h)\nfoo.enabled?(:i)\n",
            &[],
        );
        let got: Vec<(String, FlagRole, &str, u32)> = f
            .flags
            .iter()
            .map(|g| (g.name.clone(), g.role, g.via.as_str(), g.line))
            .collect();
        use FlagRole::*;
        assert_eq!(
            got,
            [
                ("a".into(), Check, "Flipper", 1),
                ("b".into(), Check, "Flipper", 2),
                ("c".into(), Check, "Feature", 3),
                ("d".into(), Check, "Flipper", 4),
                ("a".into(), Define, "Flipper", 5),
                ("b".into(), Define, "Flipper", 6),
                ("c".into(), Define, "Flipper", 7),
                ("e-f".into(), Hosted, "LaunchDarkly", 8),
                ("g".into(), Hosted, "Unleash", 9),
            ]
        );
    }

    #[test]
    fn typescript_event_emitters() {
        let f = super::ts(
            "class A {\n  @OnEvent('order.created')\n  handle(p: any) {}\n  run(e: EventEmitter2) {\n    this.eventEmitter.emit('order.created', {});\n    bus.on('order.paid', () => 1);\n    bus.once('x', f);\n    bus.emit(name);\n  }\n}\n",
            &[],
        );
        let got: Vec<(String, EventRole, &str, u32)> = f
            .events
            .iter()
            .map(|e| (e.name.clone(), e.role, e.via.as_str(), e.line))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "order.created".into(),
                    EventRole::Subscribe,
                    "@nestjs/event-emitter",
                    2
                ),
                ("order.created".into(), EventRole::Emit, "EventEmitter", 5),
                ("order.paid".into(), EventRole::Subscribe, "EventEmitter", 6),
                ("x".into(), EventRole::Subscribe, "EventEmitter", 7),
            ]
        );
    }
}

#[test]
fn ruby_symbols_that_name_templates_abilities_and_filters_are_not_calls() {
    let f = ruby(
        "class C < ApplicationController\n  before_action :load_it, only: :update\n  skip_before_action :auth, except: [:update, :show]\n  def update\n    authorize!(:new, Submission)\n    render :new, status: :unprocessable_entity\n    redirect_to :show\n    validates :x, if: :update\n  end\nend\n",
        &["update", "new", "show", "load_it", "auth", "unprocessable_entity"],
    );
    assert_eq!(
        calls(&f),
        // `skip_before_action :auth` names a callback it leaves out: no call.
        [
            ("load_it".to_string(), 2, Via::Symbol),
            ("update".to_string(), 8, Via::Symbol),
        ]
    );
}

#[test]
fn ts_locals_typed_by_new_take_the_last_declaration_before_the_call() {
    let f = ts(
        "function go(kind: string) {\n  if (kind === 'a') {\n    const parser = new AParser();\n    parser.convert(1);\n  }\n  if (kind === 'b') {\n    const parser = new BParser();\n    parser.convert(2);\n  }\n}\n",
        &["convert"],
    );
    let recvs: Vec<(u32, Recv)> = f
        .calls
        .iter()
        .filter(|c| c.name == "convert")
        .map(|c| (c.line, c.recv.clone()))
        .collect();
    assert_eq!(
        recvs,
        [
            (4, Recv::Const("AParser".into())),
            (8, Recv::Const("BParser".into()))
        ]
    );
}

#[test]
fn ts_calls_on_fields_typed_as_a_class_take_that_class() {
    let f = ts(
        "export class HealthController {\n  private db: DatabaseHealth;\n  constructor(private readonly storage: StorageHealth, other: Other) {}\n  check() {\n    this.storage.isHealthy();\n    this.db.isHealthy();\n    this.other.isHealthy();\n  }\n}\n",
        &["isHealthy"],
    );
    let recvs: Vec<(u32, Recv)> = f.calls.iter().map(|c| (c.line, c.recv.clone())).collect();
    assert_eq!(
        recvs,
        [
            (5, Recv::Const("StorageHealth".into())),
            (6, Recv::Const("DatabaseHealth".into())),
            (7, Recv::Expr("this.other".into())),
        ]
    );
}

// ------------------------------------------------------------ TypeScript jobs and flags (issue 16)

mod ts_async_points {
    use crate::facts::{BullRole, FlagRole, NameRef};

    fn lit(s: &str) -> Option<NameRef> {
        Some(NameRef::Lit(s.into()))
    }

    /// (role, queue, job, data keys, job names, via, line) of every BullMQ fact.
    #[allow(clippy::type_complexity)]
    fn bull(
        src: &str,
    ) -> Vec<(
        BullRole,
        Option<NameRef>,
        Option<NameRef>,
        Option<Vec<String>>,
        Vec<NameRef>,
        String,
        u32,
    )> {
        super::ts(src, &[])
            .bull
            .into_iter()
            .map(|u| (u.role, u.queue, u.job, u.data_keys, u.job_names, u.via, u.line))
            .collect()
    }

    fn keys(k: &[&str]) -> Option<Vec<String>> {
        Some(k.iter().map(|s| s.to_string()).collect())
    }

    /// Functions that read a job as processors do (for processors in
    /// other modules), and what a worker hands its job to.
    #[test]
    #[allow(clippy::type_complexity)]
    fn job_functions_and_processors_handing_the_job_on() {
        let src = "import { Worker } from 'bullmq';\n\
import { processImage } from './images';\n\
export async function processMail(job) {\n  if (job.name === 'welcome') {\n    return job.data.plan;\n  }\n  return audit(job);\n}\n\
function audit(job) {\n  return job.data.actor;\n}\n\
export function relay(job) {\n  return forward(job);\n}\n\
export function format(req) {\n  return validate(req);\n}\n\
new Worker('images', processImage);\n\
new Worker('mail', processMail);\n\
new Worker('relay', (job) => forward(job));\n";
        let f = super::ts(src, &[]);
        let fns: Vec<(String, u32, Vec<String>, Vec<NameRef>, Option<String>)> = f
            .job_fns
            .iter()
            .map(|j| {
                (
                    j.name.clone(),
                    j.line,
                    j.data_keys.clone(),
                    j.job_names.clone(),
                    j.delegate.clone(),
                )
            })
            .collect();
        // `processMail` gets `audit`'s read (same file); `relay` hands its
        // job to another module; `format(req)` is no job function.
        assert_eq!(
            fns,
            [
                (
                    "processMail".into(),
                    3,
                    vec!["actor".into()],
                    vec![NameRef::Lit("welcome".into())],
                    None
                ),
                ("audit".into(), 9, vec!["actor".into()], vec![], None),
                ("relay".into(), 12, vec![], vec![], Some("forward".into())),
            ]
        );
        let workers: Vec<(Option<NameRef>, Option<Vec<String>>, Option<String>)> = f
            .bull
            .iter()
            .map(|u| (u.queue.clone(), u.data_keys.clone(), u.processor.clone()))
            .collect();
        assert_eq!(
            workers,
            [
                (lit("images"), None, Some("processImage".into())),
                (lit("mail"), keys(&["actor"]), None),
                (lit("relay"), keys(&[]), Some("forward".into())),
            ]
        );
    }

    #[test]
    fn bullmq_queue_add_add_bulk_and_worker() {
        let src = "import { Queue, Worker } from 'bullmq';\n\
const mail = new Queue('mail', { connection });\n\
export async function signup(u) {\n  await mail.add('welcome', { userId: u.id, plan });\n}\n\
mail.addBulk([{ name: 'digest', data: { day } }, { name: 'reminder', data: payload }]);\n\
new Worker('mail', async (job) => {\n  switch (job.name) {\n    case 'welcome':\n      return send(job.data.userId);\n    case 'digest': {\n      const { day, tz } = job.data;\n    }\n  }\n});\n";
        assert_eq!(
            bull(src),
            [
                (
                    BullRole::Queue,
                    lit("mail"),
                    None,
                    None,
                    vec![],
                    "BullMQ".into(),
                    2
                ),
                (
                    BullRole::Add,
                    lit("mail"),
                    lit("welcome"),
                    keys(&["plan", "userId"]),
                    vec![],
                    "BullMQ".into(),
                    4
                ),
                (
                    BullRole::Add,
                    lit("mail"),
                    lit("digest"),
                    keys(&["day"]),
                    vec![],
                    "BullMQ".into(),
                    6
                ),
                (
                    BullRole::Add,
                    lit("mail"),
                    lit("reminder"),
                    None,
                    vec![],
                    "BullMQ".into(),
                    6
                ),
                (
                    BullRole::Worker,
                    lit("mail"),
                    None,
                    keys(&[]),
                    vec![NameRef::Lit("digest".into()), NameRef::Lit("welcome".into())],
                    "BullMQ".into(),
                    7
                ),
            ]
        );
        // Reads inside `case 'x':` belong to job `x`.
        let f = super::ts(src, &[]);
        assert_eq!(
            f.bull[4].job_keys,
            [
                (NameRef::Lit("digest".into()), keys(&["day", "tz"]).unwrap()),
                (NameRef::Lit("welcome".into()), keys(&["userId"]).unwrap()),
            ]
        );
        // The producer knows its enclosing function.
        let f = super::ts(src, &[]);
        let add = &f.bull[1];
        assert_eq!(f.scopes[add.scope.unwrap() as usize].name, "signup");
    }

    #[test]
    fn not_a_queue_without_the_library() {
        // A web worker, a Set, a p-queue: no BullMQ import, no facts.
        let src = "const w = new Worker('./w.js');\nconst s = new Set();\ns.add('x', 1);\nconst q = new Queue('q');\nq.add('a', {});\n";
        assert!(bull(src).is_empty());
        // `Set#add` in a file that does use BullMQ is still no producer.
        let src = "import { Queue } from 'bullmq';\nconst q = new Queue('q');\nconst s = new Set();\ns.add('x', 1);\nq.add('a', {});\n";
        assert_eq!(
            bull(src).iter().map(|u| (u.0, u.6)).collect::<Vec<_>>(),
            [(BullRole::Queue, 2), (BullRole::Add, 5)]
        );
    }

    #[test]
    fn constants_named_processors_and_class_properties() {
        let src = "import { Queue, Worker } from 'bullmq';\nimport { QUEUES } from './names';\n\
export const REPORTS = 'reports';\n\
class Jobs {\n  private q = new Queue(REPORTS);\n  private other: Queue;\n  constructor() { this.other = new Queue(QUEUES.EXPORTS); }\n  run() { this.q.add(JOB, { id }); this.other.add('csv', {}); }\n}\n\
async function handle(job: Job) { return job.data.id + job.data.month; }\n\
new Worker(REPORTS, handle);\nnew Worker('x', path.join(__dirname, 'p.js'));\n";
        let got = bull(src);
        assert_eq!(
            got.iter()
                .map(|u| (u.0, u.1.clone(), u.2.clone(), u.3.clone(), u.6))
                .collect::<Vec<_>>(),
            [
                (
                    BullRole::Queue,
                    Some(NameRef::Const("REPORTS".into())),
                    None,
                    None,
                    5
                ),
                (
                    BullRole::Queue,
                    Some(NameRef::Const("QUEUES.EXPORTS".into())),
                    None,
                    None,
                    7
                ),
                (
                    BullRole::Add,
                    Some(NameRef::Const("REPORTS".into())),
                    Some(NameRef::Const("JOB".into())),
                    keys(&["id"]),
                    8
                ),
                (
                    BullRole::Add,
                    Some(NameRef::Const("QUEUES.EXPORTS".into())),
                    lit("csv"),
                    keys(&[]),
                    8
                ),
                (
                    BullRole::Worker,
                    Some(NameRef::Const("REPORTS".into())),
                    None,
                    keys(&["id", "month"]),
                    11
                ),
                (BullRole::Worker, lit("x"), None, None, 12),
            ]
        );
        let f = super::ts(src, &[]);
        assert_eq!(f.str_consts, [("REPORTS".to_string(), "reports".to_string())]);
    }

    #[test]
    fn imported_queue_objects_are_left_to_the_index() {
        let src = "import { emailQueue } from './queues';\nimport { Worker } from 'bullmq';\nexport const go = () => emailQueue.add('send', { to });\n";
        assert_eq!(
            bull(src),
            [(
                BullRole::Add,
                Some(NameRef::Queue("emailQueue".into())),
                lit("send"),
                keys(&["to"]),
                vec![],
                "BullMQ".into(),
                3
            )]
        );
    }

    #[test]
    fn flow_producer_trees() {
        // A repeatable job scheduler's template.
        let src = "import { Queue } from 'bullmq';\nconst cron = new Queue(name('cron'));\ncron.upsertJobScheduler('daily', { every: 1000 }, { name: 'digest', data: { day } });\ncron.upsertJobScheduler('tick', { every: 5 });\n";
        assert_eq!(
            bull(src)
                .iter()
                .map(|u| (u.0, u.2.clone(), u.3.clone(), u.6))
                .collect::<Vec<_>>(),
            [
                (BullRole::Queue, None, None, 2),
                (BullRole::Add, lit("digest"), keys(&["day"]), 3),
                (BullRole::Add, None, keys(&[]), 4),
            ]
        );
        let src = "import { FlowProducer } from 'bullmq';\nconst flow = new FlowProducer();\n\
flow.add({\n  name: 'render',\n  queueName: 'renders',\n  data: { id },\n  children: [\n    { name: 'frame', queueName: 'frames', data: { n } },\n  ],\n});\n";
        assert_eq!(
            bull(src),
            [
                (
                    BullRole::Add,
                    lit("renders"),
                    lit("render"),
                    keys(&["id"]),
                    vec![],
                    "FlowProducer".into(),
                    3
                ),
                (
                    BullRole::Add,
                    lit("frames"),
                    lit("frame"),
                    keys(&["n"]),
                    vec![],
                    "FlowProducer".into(),
                    8
                ),
            ]
        );
    }

    #[test]
    fn bull_process_and_bee_queue() {
        let src = "import Queue from 'bull';\nconst audio = new Queue('audio');\n\
audio.process('transcode', 2, async ({ data }) => data.file);\naudio.add('transcode', { file });\n";
        assert_eq!(
            bull(src),
            [
                (
                    BullRole::Queue,
                    lit("audio"),
                    None,
                    None,
                    vec![],
                    "Bull".into(),
                    2
                ),
                (
                    BullRole::Worker,
                    lit("audio"),
                    lit("transcode"),
                    keys(&["file"]),
                    vec![],
                    "Bull".into(),
                    3
                ),
                (
                    BullRole::Add,
                    lit("audio"),
                    lit("transcode"),
                    keys(&["file"]),
                    vec![],
                    "Bull".into(),
                    4
                ),
            ]
        );
        let src = "const Queue = require('bee-queue');\nconst q = new Queue('thumbs');\nq.createJob({ src }).save();\nq.process(async (job) => job.data.src);\n";
        assert_eq!(
            bull(src),
            [
                (
                    BullRole::Queue,
                    lit("thumbs"),
                    None,
                    None,
                    vec![],
                    "bee-queue".into(),
                    2
                ),
                (
                    BullRole::Add,
                    lit("thumbs"),
                    None,
                    keys(&["src"]),
                    vec![],
                    "bee-queue".into(),
                    3
                ),
                (
                    BullRole::Worker,
                    lit("thumbs"),
                    None,
                    keys(&["src"]),
                    vec![],
                    "bee-queue".into(),
                    4
                ),
            ]
        );
    }

    #[test]
    fn nest_processors_and_injected_queues() {
        let src = "import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';\nimport { Queue } from 'bullmq';\n\
@Processor('audio')\nexport class AudioConsumer extends WorkerHost {\n  async process(job: Job) {\n    if (job.name === 'transcode') return job.data.file;\n  }\n}\n\
export class AudioService {\n  constructor(@InjectQueue('audio') private audioQueue: Queue) {}\n  go() { return this.audioQueue.add('transcode', { file: 'a' }); }\n}\n";
        assert_eq!(
            bull(src),
            [
                (
                    BullRole::Worker,
                    lit("audio"),
                    None,
                    keys(&[]),
                    vec![NameRef::Lit("transcode".into())],
                    "@nestjs/bullmq".into(),
                    5
                ),
                (
                    BullRole::Queue,
                    lit("audio"),
                    None,
                    None,
                    vec![],
                    "@nestjs/bullmq".into(),
                    10
                ),
                (
                    BullRole::Add,
                    lit("audio"),
                    lit("transcode"),
                    keys(&["file"]),
                    vec![],
                    "@nestjs/bullmq".into(),
                    11
                ),
            ]
        );
        let f = super::ts(src, &[]);
        assert_eq!(
            f.bull[0].job_keys,
            [(NameRef::Lit("transcode".into()), keys(&["file"]).unwrap())]
        );
        // A guard `if (job.name !== X) return;` tests the name too; the reads
        // after it are outside any branch.
        let src = "import { Processor } from '@nestjs/bullmq';\n@Processor(BILLING)\nexport class B {\n  async process(job: Job) {\n    if (job.name !== GENERATE_ALL) { return 0; }\n    return job.data.traceId;\n  }\n}\n";
        let f = super::ts(src, &[]);
        assert_eq!(f.bull[0].job_names, [NameRef::Const("GENERATE_ALL".into())]);
        assert_eq!(f.bull[0].data_keys, keys(&["traceId"]));
        assert!(f.bull[0].job_keys.is_empty());
    }

    /// (name, const, role, via, line)
    fn flags(src: &str) -> Vec<(String, Option<String>, FlagRole, String, u32)> {
        super::extract(
            crate::facts::Lang::Tsx,
            src.as_bytes(),
            &super::interest(&[], &[]),
        )
        .flags
        .into_iter()
        .map(|f| (f.name, f.const_ref.map(|c| c.name), f.role, f.via, f.line))
        .collect()
    }

    #[test]
    fn hosted_flag_checks() {
        let src = "const on = await ld.variation('new-pricing', ctx, false);\n\
client.boolVariation('dark', ctx, false);\n\
unleash.isEnabled('beta');\nconst v = useFlag('beta-ui');\n\
gb.isOn('checkout-v2');\nuseFeatureIsOn('search');\n\
await of.getBooleanValue('promo', false);\n\
isEnabled(FLAG);\nisEnabled(Flags.NEW);\nisEnabled(name);\nx.variation('y');\n\
function C() { const { fancyHeader } = useFlags(); const flags = useFlags(); return flags.myFlag; }\n";
        let hosted = |n: &str, via: &str, l: u32| (n.to_string(), None, FlagRole::Hosted, via.to_string(), l);
        let by_const = |c: &str, l: u32| {
            (
                String::new(),
                Some(c.to_string()),
                FlagRole::Hosted,
                "Unleash".to_string(),
                l,
            )
        };
        assert_eq!(
            flags(src),
            [
                hosted("new-pricing", "LaunchDarkly", 1),
                hosted("dark", "LaunchDarkly", 2),
                hosted("beta", "Unleash", 3),
                hosted("beta-ui", "Unleash", 4),
                hosted("checkout-v2", "GrowthBook", 5),
                hosted("search", "GrowthBook", 6),
                hosted("promo", "OpenFeature", 7),
                by_const("FLAG", 8),
                by_const("Flags.NEW", 9),
                hosted("fancyHeader", crate::facts::LD_REACT, 12),
                hosted("myFlag", crate::facts::LD_REACT, 12),
            ]
        );
    }

    #[test]
    fn string_constants_objects_and_enums() {
        let f = super::ts(
            "export const A = 'a';\nlet B = 'b';\nexport const Flags = { NEW: 'new-ui', N: 3 } as const;\nenum Q { Mail = 'mail', Other = 2 }\nfunction f() { const C = 'c'; }\n",
            &[],
        );
        let mut got = f.str_consts.clone();
        got.sort();
        let want: Vec<(String, String)> = [("A", "a"), ("Flags.NEW", "new-ui"), ("Q.Mail", "mail")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(got, want);
    }
}

/// (verb, url, prefix_var, client, owner, line) of every HTTP request.
fn requests(f: &FileFacts) -> Vec<(String, String, bool, String, Option<String>, u32)> {
    f.http_calls
        .iter()
        .map(|c| {
            (
                c.verb.clone(),
                c.url.clone(),
                c.prefix_var,
                c.client.clone(),
                c.owner.clone(),
                c.line,
            )
        })
        .collect()
}

#[test]
fn ts_fetch_and_axios_requests() {
    let f = ts(
        "import axios from 'axios';\nconst API_ROOT = 'https://api.example.com/api';\nexport async function load(id: string) {\n  await fetch(`${API_ROOT}/bookmarks/${id}`);\n  await fetch('/api/bookmarks', { method: 'post', body });\n  await axios.delete(`/api/bookmarks/${id}?force=1`);\n  await axios({ method: 'PATCH', url: API_ROOT + '/bookmarks/' + id });\n  await fetch(`${process.env.API_URL}/orders`);\n  await fetch(url);\n  await fetch('data.json');\n  const endpoint = `${import.meta.env.VITE_API}/tokens/${id}`;\n  await axios.delete(endpoint);\n}\nfunction other() {\n  return axios.get(endpoint);\n}\nconst base = 'https://api.test/api';\nexport function send(path, opts) {\n  return fetch(`${base}/${path}`, opts);\n}\n",
        &[],
    );
    let r = |v: &str, u: &str, p: bool, c: &str, l: u32| {
        (v.to_string(), u.to_string(), p, c.to_string(), None, l)
    };
    assert_eq!(
        requests(&f),
        [
            r(
                "GET",
                "https://api.example.com/api/bookmarks/:id",
                false,
                "fetch",
                4
            ),
            r("POST", "/api/bookmarks", false, "fetch", 5),
            r("DELETE", "/api/bookmarks/:id?force=1", false, "axios", 6),
            r(
                "PATCH",
                "https://api.example.com/api/bookmarks/:id",
                false,
                "axios",
                7
            ),
            r("GET", "/orders", true, "fetch", 8),
            // A function's own URL string; not another function's.
            r("DELETE", "/tokens/:id", true, "axios", 12),
        ]
    );
}

/// SWR keys are the URLs their fetchers GET (vercel/ai-chatbot's
/// `useSWR(result ? `/api/document?id=${id}` : null, fetcher)`); other
/// exports of `swr` and other hooks are no requests.
#[test]
fn ts_swr_keys_are_get_requests() {
    let f = ts(
        "import useSWR, { useSWRConfig } from 'swr';\nimport useSWRImmutable from 'swr/immutable';\nexport function D({ id, token }) {\n  const { data } = useSWR(id ? `/api/document?id=${id}` : null, fetcher);\n  useSWR(['/api/votes', token], fetcher);\n  useSWRImmutable('/api/models');\n  const { mutate } = useSWRConfig();\n  useMemo('/api/not', fetcher);\n  useSWR(key, fetcher);\n}\n",
        &[],
    );
    let got: Vec<(String, String, String, u32)> = f
        .http_calls
        .iter()
        .map(|c| (c.verb.clone(), c.url.clone(), c.client.clone(), c.line))
        .collect();
    let want = [
        ("GET", "/api/document?id=:id", "swr", 4),
        ("GET", "/api/votes", "swr", 5),
        ("GET", "/api/models", "swr", 6),
    ];
    let want: Vec<(String, String, String, u32)> = want
        .iter()
        .map(|(v, u, c, l)| (v.to_string(), u.to_string(), c.to_string(), *l))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn ts_client_instances_and_their_base_urls() {
    let f = ts(
        "import axios from 'axios';\nimport ky from 'ky';\nimport request from 'superagent';\nconst api = axios.create({ baseURL: '/api/v1' });\nconst k = ky.create({ prefixUrl: 'https://x.test/v2' });\nclass S {\n  constructor(private http: HttpClient) {}\n  one(id) { return this.http.get(`/teams/${id}`); }\n}\napi.post('/notes', { title });\nk.get('items');\nrequest.put('/api/notes/1');\nrouter.get('/notes', (req, res) => {});\nconst m = new Map();\nm.get('/x');\n",
        &[],
    );
    let owner = |o: &str| Some(o.to_string());
    assert_eq!(
        requests(&f),
        [
            (
                "GET".to_string(),
                "/teams/:id".to_string(),
                false,
                "HTTP client".to_string(),
                owner("http"),
                8
            ),
            (
                "POST".to_string(),
                "/notes".to_string(),
                false,
                "axios".to_string(),
                owner("api"),
                10
            ),
            (
                "GET".to_string(),
                "items".to_string(),
                false,
                "ky".to_string(),
                owner("k"),
                11
            ),
            (
                "PUT".to_string(),
                "/api/notes/1".to_string(),
                false,
                "superagent".to_string(),
                None,
                12
            ),
        ]
    );
    assert_eq!(
        f.http_bases,
        [
            ("api".to_string(), "/api/v1".to_string()),
            ("k".to_string(), "https://x.test/v2".to_string())
        ]
    );
    // `this.http` is an instance made elsewhere: its base is not here (the
    // URL itself has no prefix variable).
    let elsewhere: Vec<(bool, bool)> = f
        .http_calls
        .iter()
        .map(|c| (c.base_elsewhere, c.imported_instance))
        .collect();
    assert_eq!(
        elsewhere,
        [(true, false), (false, false), (false, false), (false, false)]
    );
}

/// A binding imported from another module and used like a client is
/// recorded as one that counts only if the import resolves to a client
/// instance; a parameter or a local object is not.
#[test]
fn ts_imported_bindings_used_like_clients() {
    let f = ts(
        "import { backend } from './http';\nimport { cache } from '@/cache';\nbackend.post('/orders', { sku });\ncache.get('/stock/1');\nfunction f(store) { return store.get('/x/1'); }\n",
        &[],
    );
    let got: Vec<(String, Option<String>, bool, bool)> = f
        .http_calls
        .iter()
        .map(|c| {
            (
                c.url.clone(),
                c.owner.clone(),
                c.base_elsewhere,
                c.imported_instance,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("/orders".to_string(), Some("backend".to_string()), true, true),
            ("/stock/1".to_string(), Some("cache".to_string()), true, true),
        ]
    );
}

#[test]
fn ruby_params_reads_as_dotted_keys() {
    let f = extract(
        Lang::Ruby,
        b"class PostsController < ApplicationController\n  def create\n    Post.create!(post_params)\n    notify(params[:notify], params.fetch(:source))\n  end\n\n  def post_params\n    params.require(:post).permit(:title, tags: [], address_attributes: [:city, { geo: [:lat] }])\n  end\n\n  def update\n    params.expect(post: [:body])\n    params[:meta][:ref]\n  end\nend\n",
        &interest(&[], &[]),
    );
    let reads: Vec<(String, String, u32)> = f
        .param_reads
        .iter()
        .map(|r| {
            (
                f.scopes[r.scope.unwrap() as usize].name.clone(),
                r.key.clone(),
                r.line,
            )
        })
        .collect();
    let r = |s: &str, k: &str, l: u32| (s.to_string(), k.to_string(), l);
    assert_eq!(
        reads,
        [
            r("create", "notify", 4),
            r("create", "source", 4),
            r("post_params", "post.title", 8),
            r("post_params", "post.tags", 8),
            r("post_params", "post.address_attributes", 8),
            r("post_params", "post.address_attributes.city", 8),
            r("post_params", "post.address_attributes.geo", 8),
            r("post_params", "post.address_attributes.geo.lat", 8),
            r("post_params", "post", 8),
            r("update", "post", 12),
            r("update", "post.body", 12),
            r("update", "meta.ref", 13),
            r("update", "meta", 13),
        ]
    );
    assert!(
        f.param_reads
            .iter()
            .all(|r| r.owner.as_deref() == Some("PostsController"))
    );
    // `require`, `fetch` without a default and `expect`'s roots raise when
    // the key is missing; `params[:x]` and permitted keys do not.
    let required: Vec<&str> = f
        .param_reads
        .iter()
        .filter(|r| r.required)
        .map(|r| r.key.as_str())
        .collect();
    assert_eq!(required, ["source", "post", "post"]);
}

#[test]
fn erb_forms_and_the_keys_they_send() {
    let f = extract(
        Lang::Erb,
        b"<%= form_with model: @post, url: publish_post_path(@post), method: :patch do |f| %>\n  <%= f.text_field :title %>\n  <%= f.fields_for :address do |a| %>\n    <%= a.text_field :city %>\n  <% end %>\n  <%= hidden_field_tag :source, 'web' %>\n  <%= text_field_tag 'post[slug]' %>\n  <%= f.submit 'Save', name: 'save' %><% end %>\n<%= button_to 'Go', go_path, params: { step: 2, meta: { ref: 'x' } } %>\n<%= form_for Comment.new do |c| %>\n  <%= c.text_area :body %>\n<% end %>\n",
        &interest(&[], &[]),
    );
    let forms: Vec<_> = f
        .form_sends
        .iter()
        .map(|s| {
            (
                s.route.clone(),
                s.model.clone(),
                s.verb.clone(),
                s.keys.clone(),
                s.line,
            )
        })
        .collect();
    let k = |v: &[(&str, u32)]| v.iter().map(|(k, l)| (k.to_string(), *l)).collect::<Vec<_>>();
    assert_eq!(
        forms,
        [
            (
                Some("publish_post".to_string()),
                None,
                "PATCH".to_string(),
                // `@post`'s class (its param key) is unknown: `*`.
                k(&[
                    ("*.title", 2),
                    ("*.address.city", 4),
                    ("source", 6),
                    ("post.slug", 7),
                    ("submit:save", 8)
                ]),
                1
            ),
            (
                Some("go".to_string()),
                None,
                "POST".to_string(),
                k(&[("step", 9), ("meta", 9), ("meta.ref", 9)]),
                9
            ),
            (
                None,
                Some("comment".to_string()),
                "POST".to_string(),
                k(&[("comment.body", 11)]),
                10
            ),
        ]
    );
}

/// (role, key, line) of every payload key, sorted.
fn payload(f: &FileFacts) -> Vec<(crate::facts::PayloadRole, String, u32)> {
    let mut v: Vec<_> = f
        .payload_keys
        .iter()
        .map(|k| (k.role, k.key.clone(), k.line))
        .collect();
    v.sort();
    v
}

#[test]
fn ruby_params_reads_and_strong_params() {
    use crate::facts::PayloadRole::ParamRead as R;
    let f = ruby(
        "class OrdersController < ApplicationController\n  def create\n    Order.create!(order_params)\n    x = params[:coupon][:code]\n    params.fetch(:notes, nil)\n  end\n\n  private\n\n  def order_params\n    params.require(:order).permit(:sku, :qty, items: [:sku, :qty], tags: [])\n  end\n\n  def other\n    params.expect(customer: [:email])\n    params.permit!\n  end\nend\n",
        &[],
    );
    assert_eq!(
        payload(&f),
        [
            (R, "*".to_string(), 16),
            (R, "coupon.code".to_string(), 4),
            (R, "customer.email".to_string(), 15),
            (R, "notes".to_string(), 5),
            (R, "order.items.qty".to_string(), 11),
            (R, "order.items.sku".to_string(), 11),
            (R, "order.qty".to_string(), 11),
            (R, "order.sku".to_string(), 11),
            (R, "order.tags".to_string(), 11),
        ]
    );
    // A hash that is not `params` is not a request key.
    let f = ruby("class A\n  def x\n    opts[:a][:b]\n  end\nend\n", &[]);
    assert!(f.payload_keys.is_empty(), "{:?}", f.payload_keys);
}

#[test]
fn ruby_renders_serializers_and_jbuilder() {
    use crate::facts::PayloadRole::Rendered as W;
    use crate::facts::RenderTarget as T;
    let f = ruby(
        "class OrdersController\n  def show\n    render json: { id: 1, customer: { email: c.email }, items: [{ sku: 1 }] }, status: :ok\n  end\n  def index\n    render json: @orders\n  end\n  def one\n    render json: @order, serializer: OrderSummarySerializer\n  end\n  def two\n    render json: @order.as_json(only: [:id, :total])\n  end\n  def three\n    render :edit\n    head :ok\n  end\nend\n",
        &[],
    );
    assert_eq!(
        payload(&f),
        [
            (W, "customer".to_string(), 3),
            (W, "customer.email".to_string(), 3),
            (W, "id".to_string(), 3),
            (W, "id".to_string(), 12),
            (W, "items".to_string(), 3),
            (W, "items[].sku".to_string(), 3),
            (W, "total".to_string(), 12),
        ]
    );
    let refs: Vec<_> = f
        .render_refs
        .iter()
        .map(|r| (r.target.clone(), r.prefix.clone(), r.line))
        .collect();
    assert_eq!(
        refs,
        [
            (T::Conventional("Order".into()), "[]".into(), 6),
            (T::Class("OrderSummarySerializer".into()), "".into(), 9),
            (T::Template("edit".into()), "".into(), 15),
            (T::NoBody, "".into(), 16),
        ]
    );
    let f = ruby(
        "json.id @order.id\njson.extract! @order, :number, :total\njson.customer do\n  json.email @order.customer.email\nend\njson.items @order.items do |i|\n  json.sku i.sku\nend\njson.partial! 'orders/address', address: @a\n",
        &[],
    );
    assert_eq!(
        payload(&f),
        [
            (W, "customer".to_string(), 3),
            (W, "customer.email".to_string(), 4),
            (W, "id".to_string(), 1),
            (W, "items".to_string(), 6),
            (W, "items[].sku".to_string(), 7),
            (W, "number".to_string(), 2),
            (W, "total".to_string(), 2),
        ]
    );
    assert_eq!(f.render_refs[0].target, T::Partial("orders/address".into()));
    let f = ruby(
        "class OrderSerializer < ActiveModel::Serializer\n  attributes :id, :total\n  attribute :placed_at, key: :created\n  has_many :line_items\nend\nclass Order < ApplicationRecord\n  has_many :line_items\nend\n",
        &[],
    );
    assert_eq!(
        payload(&f),
        [
            (W, "created".to_string(), 3),
            (W, "id".to_string(), 2),
            (W, "line_items".to_string(), 4),
            (W, "total".to_string(), 2),
        ]
    );
    assert_eq!(f.render_refs.len(), 1);
    assert_eq!(f.render_refs[0].target, T::Conventional("LineItem".into()));
    assert_eq!(f.render_refs[0].prefix, "line_items[]");
}

#[test]
fn ruby_client_bodies_and_response_reads() {
    use crate::facts::PayloadRole::{Received as G, Sent as S};
    let f = ruby(
        "class ShopClient\n  include HTTParty\n  def create(o)\n    resp = HTTParty.post(\"/api/orders\", body: { sku: o.sku, qty: 1 }.to_json, headers: {}, timeout: 5)\n    data = JSON.parse(resp.body)\n    data['order']['number']\n  end\n  def show(id)\n    r = HTTParty.get(\"/api/orders/#{id}\")\n    r.parsed_response['status']\n    HTTParty.get(\"/api/ping\")['ok']\n  end\n  def faraday\n    conn.post('/api/orders') do |req|\n      req.body = { note: 'x' }.to_json\n    end\n  end\nend\n",
        &[],
    );
    let keys: Vec<_> = f
        .payload_keys
        .iter()
        .map(|k| (k.role, k.key.clone(), k.line, k.call))
        .collect();
    assert_eq!(
        keys,
        [
            (S, "sku".to_string(), 4, Some(0)),
            (S, "qty".to_string(), 4, Some(0)),
            (G, "order.number".to_string(), 6, Some(0)),
            (G, "status".to_string(), 10, Some(1)),
            (G, "ok".to_string(), 11, Some(2)),
            (S, "note".to_string(), 15, Some(3)),
        ]
    );
    let kinds: Vec<_> = f.effects.iter().map(|e| (e.kind, e.line)).collect();
    use crate::facts::EffectKind::*;
    assert_eq!(kinds, [(HttpTimed, 4), (Http, 9), (Http, 11), (Http, 14)]);
}

#[test]
fn ruby_webhook_effects() {
    use crate::facts::EffectKind::*;
    let f = ruby(
        "class WebhooksController\n  def stripe\n    event = Stripe::Webhook.construct_event(request.body.read, sig, secret)\n    return head(:ok) if WebhookEvent.exists?(stripe_event_id: event.id)\n    Order.find(1).update!(paid: true)\n    PaymentJob.perform_later(event.id)\n    Mailer.paid(1).deliver_later\n  end\n  def github\n    expected = OpenSSL::HMAC.hexdigest('SHA256', secret, request.raw_post)\n    head :unauthorized unless ActiveSupport::SecurityUtils.secure_compare(expected, sig)\n  end\n  def bad\n    head :unauthorized unless request.headers['X-Signature'] == computed_signature\n  end\nend\n",
        &[],
    );
    let kinds: Vec<_> = f.effects.iter().map(|e| (e.kind, e.line)).collect();
    assert_eq!(
        kinds,
        [
            (Verify, 3),
            (Dedup, 4),
            (Write, 5),
            (Enqueue, 6),
            (Enqueue, 7),
            (Hmac, 10),
            (SecureCompare, 11),
            (PlainCompare, 14)
        ]
    );
    // A mailer delivery runs the mailer method.
    assert_eq!(f.effects[4].what, "Mailer#paid");
}

#[test]
fn ruby_webhook_checks_delegated_by_name_and_handoffs() {
    use crate::facts::EffectKind::*;
    let f = ruby(
        "class H\n  def plaid\n    client.validate_webhook!(sig, body)\n    PlaidItem::WebhookProcessor.new(body).process\n    provider.process_webhook_later(body, sig)\n    WebhookEvent.exists?(id: 1)\n  end\nend\n",
        &[],
    );
    let kinds: Vec<_> = f.effects.iter().map(|e| (e.kind, e.line)).collect();
    assert_eq!(kinds, [(Verify, 3), (Delegate, 4), (Delegate, 5)]);
}

#[test]
fn ts_server_payloads_and_webhook_effects() {
    use crate::facts::EffectKind::*;
    use crate::facts::PayloadRole::{ParamRead as R, Rendered as W};
    let f = ts(
        "app.post('/a', (req, res) => {\n  const { sku, address: { city } } = req.body;\n  const n = req.body.note.text;\n  res.status(201).json({ id: 1, items: [{ sku }] });\n});\nrouter.get('/b', (ctx) => {\n  ctx.body = { ok: true };\n});\nclass C {\n  @Post()\n  create(@Body('title') t: string) {\n    [1].map((x) => { return { inner: x }; });\n    return { created: true };\n  }\n}\napp.post('/h', async (req, res) => {\n  const sig = crypto.createHmac('sha256', k).update(req.body).digest('hex');\n  if (!crypto.timingSafeEqual(a, b)) return;\n  await eventsQueue.add('e', { eventId: 1 });\n  await prisma.event.create({ data: { eventId: 2 } });\n  stripe.webhooks.constructEvent(raw, sig, secret);\n});\n",
        &[],
    );
    assert_eq!(
        payload(&f),
        [
            (R, "address.city".to_string(), 2),
            (R, "note.text".to_string(), 3),
            (R, "sku".to_string(), 2),
            (R, "title".to_string(), 11),
            (W, "created".to_string(), 13),
            (W, "id".to_string(), 4),
            (W, "items".to_string(), 4),
            (W, "items[].sku".to_string(), 4),
            (W, "ok".to_string(), 7),
        ]
    );
    let kinds: Vec<_> = f.effects.iter().map(|e| (e.kind, e.line)).collect();
    assert_eq!(
        kinds,
        [
            (Hmac, 17),
            (SecureCompare, 18),
            (Enqueue, 19),
            (Write, 20),
            (Dedup, 20),
            (Verify, 21)
        ]
    );
    assert!(f.fn_spans.contains(&(16, 22)), "{:?}", f.fn_spans);
}

/// Fetch API bodies (Next.js route handlers, Hono): `const { a } = await
/// request.json()` reads `a`; a body read into a variable reads every key
/// (`*`), as `request.body` does in Rails.
#[test]
fn ts_fetch_request_json_reads() {
    use crate::facts::PayloadRole::ParamRead as R;
    let f = ts(
        "export async function PATCH(request: Request) {\n  const {\n    chatId,\n    type,\n  }: { chatId: string; type: string } =\n    await request.json();\n}\nexport async function POST(req: Request) {\n  const body = await req.json();\n  return body.x;\n}\napp.post('/h', async (c) => {\n  const { title } = await c.req.json();\n  return c.json({ ok: true });\n});\nconst data = await response.json();\n",
        &[],
    );
    assert_eq!(
        payload(&f)
            .into_iter()
            .filter(|(r, _, _)| *r == R)
            .collect::<Vec<_>>(),
        [
            (R, "*".to_string(), 9),
            (R, "chatId".to_string(), 3),
            (R, "title".to_string(), 13),
            (R, "type".to_string(), 4),
        ]
    );
}

#[test]
fn ruby_outbound_calls_with_urls_in_variables_and_their_timeouts() {
    use crate::facts::EffectKind::*;
    let f = ruby(
        "class N\n  def a\n    Faraday.post(Docuseal::URL, body.to_json, 'Content-Type' => 'x')\n  end\n  def b(u)\n    Faraday.post(u) do |req|\n      req.options.read_timeout = 15\n    end\n    HTTParty.get(u, timeout: 3)\n    Net::HTTP.get(URI(u))\n  end\nend\n",
        &[],
    );
    let kinds: Vec<_> = f.effects.iter().map(|e| (e.kind, e.line)).collect();
    assert_eq!(
        kinds,
        [(Http, 3), (Http, 6), (Timeout, 7), (HttpTimed, 9), (Http, 10)]
    );
    assert_eq!(f.effects[0].what, "POST Docuseal::URL (Faraday)");
}

#[test]
fn ruby_long_to_json_chains_in_a_render_are_bounded() {
    let chain = ".to_json".repeat(5_000);
    let src = format!("class C\n  def show\n    render json: {{ a: {{ b: 1 }}{chain} }}\n  end\nend\n");
    let f = ruby(&src, &[]);
    assert!(
        f.payload_keys.iter().any(|k| k.key == "a"),
        "{:?}",
        f.payload_keys
    );
}

#[test]
fn ts_client_response_reads_are_tied_to_their_request() {
    let f = ts(
        "import axios from 'axios';\n\
async function a(id) {\n\
  const res = await axios.get(`/api/orders/${id}`);\n\
  const items = res.data.order.items;\n\
  return [res.status, items.map((i) => i.sku), res.data.order.customer.email];\n\
}\n\
async function b() {\n\
  const r = await fetch('/api/me');\n\
  if (!r.ok) return null;\n\
  const { user, flags: { beta } } = await r.json();\n\
  return user.name;\n\
}\n\
function c() {\n\
  const res = helper();\n\
  return res.data.secret + items.length;\n\
}\n",
        &[],
    );
    let calls: Vec<(&str, u32)> = f.http_calls.iter().map(|c| (c.url.as_str(), c.line)).collect();
    assert_eq!(calls, [("/api/orders/:id", 3), ("/api/me", 8)]);
    let mut got: Vec<(Option<u32>, String, u32)> = f
        .payload_keys
        .iter()
        .filter(|k| k.role == crate::facts::PayloadRole::Received)
        .map(|k| (k.call, k.key.clone(), k.line))
        .collect();
    got.sort();
    // `res.status` of a response is no key, `items.map` is a method on the
    // `order.items` read whose callback reads elements, `helper()` is no
    // client, and `items` in `c` is not `a`'s local.
    assert_eq!(
        got,
        [
            (Some(0), "order.customer.email".to_string(), 5),
            (Some(0), "order.items".to_string(), 4),
            (Some(0), "order.items[].sku".to_string(), 5),
            (Some(1), "flags.beta".to_string(), 10),
            (Some(1), "user".to_string(), 10),
            (Some(1), "user.name".to_string(), 11),
        ]
    );
}

#[test]
fn ts_long_member_chains_on_a_response_are_bounded() {
    let chain = ".a".repeat(5000);
    let src = format!(
        "async function a() {{\n  const res = await fetch('/api/x');\n  const body = await res.json();\n  return body{chain};\n}}\n"
    );
    let f = ts(&src, &[]);
    assert_eq!(f.http_calls.len(), 1);
}

#[test]
fn ts_responses_of_clients_that_may_unwrap_them_are_not_read() {
    // An instance with a response interceptor in the module, and a client
    // made in another module (`api`): `res.data` may already be the body.
    let f = ts(
        "import axios from 'axios';\n\
import { api } from './api';\n\
const http = axios.create({ baseURL: '/api' });\n\
http.interceptors.response.use((r) => r.data);\n\
async function a() {\n\
  const res = await http.get('/orders');\n\
  const other = await api.get('/users');\n\
  const plain = await axios.get('/api/plain');\n\
  return [res.data.total, other.data.name, plain.data.ok];\n\
}\n",
        &[],
    );
    assert_eq!(f.http_calls.len(), 3);
    let got: Vec<(Option<u32>, &str)> = f
        .payload_keys
        .iter()
        .filter(|k| k.role == crate::facts::PayloadRole::Received)
        .map(|k| (k.call, k.key.as_str()))
        .collect();
    let plain = f
        .http_calls
        .iter()
        .position(|c| c.url == "/api/plain")
        .map(|i| i as u32);
    assert_eq!(got, [(plain, "ok")]);
}

#[test]
fn typescript_request_helpers_forward_their_path_to_a_client() {
    use crate::facts::{ArgRef::*, WrapperReturns as R, WrapperVerb as V};
    let f = ts(
        "const base = 'https://x.test/api';\n\
         async function send({ method, path, data }) {\n\
           const opts = { method, headers: {} };\n\
           if (data) opts.body = JSON.stringify(data);\n\
           const res = await fetch(`${base}/${path}`, opts);\n\
           return res.json();\n\
         }\n\
         export function get(path) { return send({ method: 'GET', path }); }\n\
         export const post = (path, data) => send({ method: 'POST', path, data });\n\
         export function raw(url) { return axios.get(API + url); }\n\
         export function notAHelper(path) { return path.length; }\n\
         const requests = { del: (url) => superagent.del(`${base}${url}`).then((r) => r.body) };\n\
         export default { get };\n",
        &[],
    );
    let w: Vec<_> = f
        .client_wrappers
        .iter()
        .map(|w| {
            (
                w.name.as_str(),
                w.path.clone(),
                w.verb.clone(),
                w.body.clone(),
                w.base.as_str(),
                w.base_var,
                w.returns,
                w.line,
            )
        })
        .collect();
    let base = "https://x.test/api/";
    assert_eq!(
        w,
        [
            (
                "default.get",
                Pos(0),
                V::Fixed("GET".into()),
                None,
                base,
                false,
                R::Body,
                8
            ),
            (
                "get",
                Pos(0),
                V::Fixed("GET".into()),
                None,
                base,
                false,
                R::Body,
                8
            ),
            (
                "post",
                Pos(0),
                V::Fixed("POST".into()),
                Some(Pos(1)),
                base,
                false,
                R::Body,
                9
            ),
            (
                "raw",
                Pos(0),
                V::Fixed("GET".into()),
                None,
                "",
                true,
                R::Response,
                10
            ),
            (
                "requests.del",
                Pos(0),
                V::Fixed("DELETE".into()),
                None,
                "https://x.test/api",
                false,
                R::Body,
                12
            ),
            (
                "send",
                Key(0, "path".into()),
                V::Arg(Key(0, "method".into())),
                Some(Key(0, "data".into())),
                base,
                false,
                R::Body,
                5
            ),
        ]
    );
}

#[test]
fn typescript_calls_that_may_reach_a_helper_keep_their_arguments_and_reads() {
    use crate::facts::CallArg;
    let f = ts(
        "import * as api from './api';\n\
         export async function load(slug) {\n\
           const { article } = await api.get(`articles/${slug}`, token);\n\
           const body = await api.post('users/login', { user: { email } });\n\
           t('not a path');\n\
           return [article.title, body.user.token];\n\
         }\n",
        &[],
    );
    let calls: Vec<_> = f
        .wrapper_calls
        .iter()
        .map(|c| (c.recv.as_deref(), c.name.as_str(), c.line, c.reads.clone()))
        .collect();
    assert_eq!(
        calls,
        [
            (
                Some("api"),
                "get",
                3,
                vec![
                    ("article".to_string(), false, 3),
                    ("article.title".to_string(), false, 6)
                ]
            ),
            (Some("api"), "post", 4, vec![("user.token".to_string(), false, 6)]),
        ]
    );
    assert_eq!(
        f.wrapper_calls[0].args[0],
        CallArg::Str {
            text: "articles/:slug".into(),
            lit: false,
            prefix_var: false
        }
    );
    // The body's keys with the lines they are written on.
    assert!(matches!(
        &f.wrapper_calls[1].args[1],
        CallArg::Object { keys, .. } if keys == &[("user".to_string(), 4), ("user.email".to_string(), 4)]
    ));
}

#[test]
fn typescript_reads_of_array_elements_are_keys_under_brackets() {
    use crate::facts::PayloadRole::Received as G;
    let f = ts(
        "import axios from 'axios';\n\
         export async function skus() {\n\
           const res = await axios.get('/api/items');\n\
           const a = res.data.items.map((i) => i.sku);\n\
           res.data.items.forEach(function (item) { return item.qty; });\n\
           for (const line of res.data.lines) { line.price; }\n\
           const first = res.data.items[0].name;\n\
           const { data } = await axios.get('/api/other');\n\
           data.rows.filter(({ id }) => id);\n\
           [1, 2].map((n) => n.toFixed);\n\
         }\n",
        &[],
    );
    let keys: Vec<_> = f
        .payload_keys
        .iter()
        .filter(|k| k.role == G)
        .map(|k| (k.key.as_str(), k.line, k.call))
        .collect();
    assert_eq!(
        keys,
        [
            ("items", 4, Some(0)),
            ("items", 5, Some(0)),
            ("items[].name", 7, Some(0)),
            ("items[].qty", 5, Some(0)),
            ("items[].sku", 4, Some(0)),
            ("lines", 6, Some(0)),
            ("lines[].price", 6, Some(0)),
            ("rows", 9, Some(1)),
            ("rows[].id", 9, Some(1)),
        ]
    );
}

#[test]
fn ruby_reads_of_array_elements_are_keys_under_brackets() {
    use crate::facts::PayloadRole::Received as G;
    let f = ruby(
        "class ShopClient\n  def skus\n    resp = HTTParty.get(\"/api/items\")\n    resp['items'].each { |i| i['sku'] }\n    data = JSON.parse(resp.body)\n    data['lines'].map do |line|\n      line['price']\n    end\n    data['items'][0]['name']\n  end\nend\n",
        &[],
    );
    let keys: Vec<_> = f
        .payload_keys
        .iter()
        .filter(|k| k.role == G)
        .map(|k| (k.key.as_str(), k.line, k.call))
        .collect();
    assert_eq!(
        keys,
        [
            ("items", 4, Some(0)),
            ("items[].sku", 4, Some(0)),
            ("lines", 6, Some(0)),
            ("lines[].price", 7, Some(0)),
            ("items[].name", 9, Some(0)),
        ]
    );
}

#[test]
fn typescript_a_helper_that_wraps_the_body_in_an_object_returns_no_body() {
    use crate::facts::WrapperReturns as R;
    // umami's `request(method, url, body)`: `{ ok, status, data }`, not the
    // body, so what callers read is not a response key.
    let f = ts(
        "export async function request(method, url, body) {\n\
           return fetch(url, { method, body }).then(async (res) => {\n\
             const data = await res.json();\n\
             return { ok: res.ok, status: res.status, data };\n\
           });\n\
         }\n",
        &[],
    );
    let w: Vec<_> = f
        .client_wrappers
        .iter()
        .map(|w| (w.name.as_str(), w.returns))
        .collect();
    assert_eq!(w, [("request", R::Unknown)]);
}

#[test]
fn typescript_promise_all_destructuring_reads_each_result() {
    let f = ts(
        "import * as api from './api';\n\
         export async function load(slug) {\n\
           const [{ article }, { comments }] = await Promise.all([\n\
             api.get(`articles/${slug}`),\n\
             api.get(`articles/${slug}/comments`),\n\
           ]);\n\
           return [article.title, comments];\n\
         }\n",
        &[],
    );
    let calls: Vec<_> = f
        .wrapper_calls
        .iter()
        .map(|c| (c.line, c.reads.clone()))
        .collect();
    assert_eq!(
        calls,
        [
            (
                4,
                vec![
                    ("article".to_string(), false, 3),
                    ("article.title".to_string(), false, 7)
                ]
            ),
            (5, vec![("comments".to_string(), false, 3)]),
        ]
    );
}

#[test]
fn typescript_a_path_constant_with_two_values_gives_a_call_for_each() {
    use crate::facts::CallArg;
    let f = ts(
        "import * as api from './api';\n\
         export async function load(tab, q) {\n\
           const endpoint = tab === 'feed' ? 'articles/feed' : 'articles';\n\
           const { articles } = await api.get(`${endpoint}?${q}`);\n\
           return articles;\n\
         }\n",
        &[],
    );
    let paths: Vec<_> = f
        .wrapper_calls
        .iter()
        .map(|c| match &c.args[0] {
            CallArg::Str { text, .. } => (text.as_str(), c.line, c.reads.len(), c.http_call),
            other => panic!("{other:?}"),
        })
        .collect();
    // `api.get` is a client call too, of either path that looks like one
    // (`articles/feed`; a bare word does not): each variant replaces its
    // own `http_calls` entry, if any, once the wrapper is found.
    assert_eq!(
        paths,
        [("articles/feed?:q", 4, 1, Some(0)), ("articles?:q", 4, 1, None)]
    );
}

#[test]
fn ts_env_functions_and_their_calls() {
    // A module-level function indexing `process.env` with its parameter is
    // an env function; one reading a fixed var, or a nested one, is not.
    let f = ts(
        "export const env = (name: string) => process?.env?.[name];\nexport function raw(n) { return process.env[n]; }\nconst base = (p) => process.env.BASE + p;\nfunction outer() { const inner = (k) => process.env[k]; return inner; }\nconst a = env('API_URL');\nconst b = base('NOT_A_READ');\nconst c = env('lower');\n",
        &[],
    );
    assert_eq!(f.env_objects, ["env", "raw"]);
    let reads: Vec<(&str, &str, u32)> = f
        .config_reads
        .iter()
        .map(|r| (r.object.as_str(), r.name.as_str(), r.line))
        .collect();
    assert_eq!(reads, [("env", "API_URL", 5), ("base", "NOT_A_READ", 6)]);
}
