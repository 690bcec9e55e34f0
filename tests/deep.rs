//! Adversarial nesting: 10,000 levels of parentheses, member chains, nested
//! literals and nested scopes around a *planned* name, in Ruby, ERB and
//! TypeScript. Extraction must really walk them (the name is planned, so the
//! prefilter lets the file through), and the audit must still produce a
//! report: the file may count as a parse error and lower the confidence,
//! but nothing may crash (issue 11: `((((client)))).fetchAll()` overflowed
//! the stack and aborted the whole audit).

mod common;

use common::{audit, write_files};

const N: usize = 10_000;

fn rep(s: &str, n: usize) -> String {
    s.repeat(n)
}

/// Audit one file holding `body` under `path` in a one-repo workspace and
/// check that a complete report comes out.
fn survives(path: &str, body: &str, method: &str) {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    let marker = if path.ends_with(".ts") || path.ends_with(".tsx") {
        ("app/package.json", "{}")
    } else {
        ("app/Gemfile", "")
    };
    let defs = if path.ends_with(".ts") || path.ends_with(".tsx") {
        (
            "app/src/client.ts",
            "export class Client {\n  fetchAll() { return 1 }\n}\n",
        )
    } else {
        (
            "app/app/models/client.rb",
            "class Client\n  def fetch_all; end\nend\n",
        )
    };
    write_files(&ws, &[marker, defs, (path, body), ("other/README.md", "x")]);
    let plan = dir.path().join("plan.yaml");
    std::fs::write(
        &plan,
        format!(
            "version: 1\nphases:\n  - points:\n      - method: {method}\n      - jsonb: metadata\n      - env: DEEP_FLAG\n"
        ),
    )
    .unwrap();
    let (r, code, stderr) = audit(&plan, &ws.join("app"), &[]);
    assert!(code == 0 || code == 1, "exit {code}: {stderr}");
    assert_eq!(r.findings.len(), 3, "{stderr}");
    let f = r.finding(&format!("method:{method}"));
    assert_eq!(f.exists, Some(true), "the definition in the other file is found");
    // Either the deep file was read to the end, or it is named as a parse
    // error and the point that it mentions has low confidence.
    if r.stats.parse_errors > 0 {
        assert!(
            r.warnings
                .iter()
                .any(|w| w.contains(path.trim_start_matches("app/"))),
            "{:?}",
            r.warnings
        );
        assert_eq!(
            f.confidence, "low",
            "{path}: a failed file that mentions the point lowers confidence"
        );
    }
    assert!(r.stats.files_parsed >= 2, "{:?}", r.stats);
}

fn ts(body: String) {
    survives("app/src/deep.ts", &body, "Client#fetchAll");
}

fn ruby(body: String) {
    survives("app/app/services/deep.rb", &body, "Client#fetch_all");
}

fn erb(code: String) {
    survives(
        "app/app/views/deep/show.html.erb",
        &format!("<p>\n<%= {code} %>\n</p>\n"),
        "Client#fetch_all",
    );
}

// ---------------------------------------------------------------- TypeScript

#[test]
fn ts_parenthesized_receiver() {
    ts(format!(
        "const client = new Client();\n{}client{}.fetchAll();\n",
        rep("(", N),
        rep(")", N)
    ));
}

#[test]
fn ts_member_chain() {
    ts(format!("client{}.fetchAll();\n", rep(".next", N)));
}

#[test]
fn ts_call_chain() {
    ts(format!("client{};\n", rep(".fetchAll()", N)));
}

#[test]
fn ts_nested_arrays() {
    ts(format!(
        "const x = {}client.fetchAll(){};\n",
        rep("[", N),
        rep("]", N)
    ));
}

#[test]
fn ts_nested_objects() {
    ts(format!(
        "const x = {}metadata: {{ k: client.fetchAll() }}{};\n",
        rep("{ a: ", N),
        rep(" }", N)
    ));
}

#[test]
fn ts_nested_functions() {
    ts(format!(
        "{}client.fetchAll();{}\n",
        rep("function f() {\n", N),
        rep("}\n", N)
    ));
}

#[test]
fn ts_nested_arrows_and_blocks() {
    ts(format!(
        "const f = {}client.fetchAll(){};\n",
        rep("() => ", N),
        ""
    ));
    ts(format!("{}client.fetchAll();{}\n", rep("{ ", N), rep(" }", N)));
}

#[test]
fn ts_nested_classes() {
    ts(format!(
        "{}fetchAll() {{ return 1 }}{}\n",
        rep("class A { m() { return class B { ", N),
        rep(" } } }", N)
    ));
}

// ---------------------------------------------------------------- Ruby

#[test]
fn ruby_parenthesized_receiver() {
    ruby(format!(
        "client = Client.new\n{}client{}.fetch_all\n",
        rep("(", N),
        rep(")", N)
    ));
}

#[test]
fn ruby_member_chain() {
    ruby(format!("client{}.fetch_all\n", rep(".next", N)));
    ruby(format!("client{}\n", rep(".fetch_all", N)));
}

#[test]
fn ruby_nested_literals() {
    ruby(format!("x = {}client.fetch_all{}\n", rep("[", N), rep("]", N)));
    ruby(format!(
        "video.update(metadata: {}k: client.fetch_all{})\n",
        rep("{ a: ", N),
        rep(" }", N)
    ));
}

#[test]
fn ruby_nested_blocks_and_lambdas() {
    ruby(format!(
        "{}client.fetch_all\n{}",
        rep("x do\n", N),
        rep("end\n", N)
    ));
    ruby(format!(
        "f = {}client.fetch_all{}\n",
        rep("-> { ", N),
        rep(" }", N)
    ));
}

#[test]
fn ruby_nested_modules_and_defs() {
    ruby(format!(
        "{}def fetch_all; end\n{}",
        rep("module M\n", N),
        rep("end\n", N)
    ));
    ruby(format!(
        "{}client.fetch_all\n{}",
        rep("def a\n", N),
        rep("end\n", N)
    ));
    ruby(format!(
        "{}def fetch_all; end\n{}",
        rep("class C\n", N),
        rep("end\n", N)
    ));
}

#[test]
fn erb_nested_scopes_across_tags() {
    // Blocks opened in one tag and closed in later ones, 10,000 deep.
    let body = format!(
        "{}<%= client.fetch_all %>\n{}",
        rep("<% items.each do |i| %>\n", N),
        rep("<% end %>\n", N)
    );
    survives("app/app/views/deep/list.html.erb", &body, "Client#fetch_all");
}

// ---------------------------------------------------------------- ERB

#[test]
fn erb_parenthesized_receiver() {
    erb(format!("{}client{}.fetch_all", rep("(", N), rep(")", N)));
}

#[test]
fn erb_member_chain() {
    erb(format!("client{}.fetch_all", rep(".next", N)));
}

#[test]
fn erb_nested_literals() {
    erb(format!("{}client.fetch_all{}", rep("[", N), rep("]", N)));
    erb(format!(
        "{{ metadata: {}k: client.fetch_all{} }}",
        rep("{ a: ", N),
        rep(" }", N)
    ));
}

#[test]
fn erb_nested_blocks() {
    erb(format!("{}client.fetch_all{}", rep("x { ", N), rep(" }", N)));
}
