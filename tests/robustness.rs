//! Issue #7: robust under hostile and huge input.
//!
//! Every case builds its workspace or plan in a temp dir, runs the built
//! binary under a wall-clock limit and an address-space limit (`ulimit -v`),
//! and asserts the exit code, the message, that nothing panicked and that the
//! process was not killed (stack overflow, out of memory, time-out). Crashes
//! found by the fuzzers (`fuzz/`) are kept at the end as library-level tests.

use assert_cmd::Command;
use serde_json::Value;
use std::ffi::OsString;
use std::fs;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_seamscan");

/// Limits for one run: wall-clock seconds and address space in MiB.
#[derive(Clone, Copy, Debug)]
struct Limits {
    secs: u64,
    mem_mb: u64,
}

const LIMITS: Limits = Limits {
    secs: 30,
    mem_mb: 2048,
};

struct Run {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
    elapsed: Duration,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}); stderr: {}; stdout starts: {:?}",
                self.stderr,
                String::from_utf8_lossy(&self.stdout[..self.stdout.len().min(300)])
            )
        })
    }

    fn text(&self) -> String {
        String::from_utf8(self.stdout.clone()).expect("stdout is UTF-8")
    }
}

/// Run the binary with `args` under `lim`; assert it exited by itself, in
/// time, without a panic.
fn run(args: &[OsString], stdin: Option<Vec<u8>>, lim: Limits) -> Run {
    run_as(None, args, stdin, lim)
}

/// `run`, as user `uid` (group `uid`, no supplementary groups) when given.
fn run_as(uid: Option<u32>, args: &[OsString], stdin: Option<Vec<u8>>, lim: Limits) -> Run {
    let mut std_cmd = std::process::Command::new("sh");
    if let Some(id) = uid {
        use std::os::unix::process::CommandExt;
        // std drops supplementary groups when root switches user.
        std_cmd.uid(id).gid(id);
    }
    let mut c = Command::from_std(std_cmd);
    c.arg("-c")
        .arg("ulimit -v \"$1\" || exit 99; shift; exec \"$@\"")
        .arg("sh")
        .arg((lim.mem_mb * 1024).to_string())
        .arg(BIN)
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .timeout(Duration::from_secs(lim.secs));
    if let Some(input) = stdin {
        c.write_stdin(input);
    }
    let start = Instant::now();
    let out = c.output().expect("spawn sh");
    let elapsed = start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !stderr.contains("panicked"),
        "seamscan panicked (args {args:?}):\n{stderr}"
    );
    let Some(code) = out.status.code() else {
        let why = if elapsed >= Duration::from_secs(lim.secs) {
            "timed out"
        } else {
            "killed (stack overflow or out-of-memory abort?)"
        };
        panic!(
            "seamscan {why}: signal {:?} after {elapsed:?} (limits: {lim:?}); args {args:?}; \
             stderr:\n{stderr}",
            out.status.signal()
        );
    };
    assert_ne!(code, 99, "could not set the memory limit");
    assert_ne!(code, 101, "exit 101 is a panic: {stderr}");
    assert!(
        elapsed < Duration::from_secs(lim.secs),
        "took {elapsed:?}, limit {lim:?}"
    );
    Run {
        code,
        stdout: out.stdout,
        stderr,
        elapsed,
    }
}

fn os(s: impl Into<OsString>) -> OsString {
    s.into()
}

/// `seamscan audit --plan PLAN WS --quiet` (+ `-j 2` unless `extra` sets it).
fn audit(plan: &Path, ws: &Path, extra: &[&str], lim: Limits) -> Run {
    audit_as(None, plan, ws, extra, lim)
}

fn audit_as(uid: Option<u32>, plan: &Path, ws: &Path, extra: &[&str], lim: Limits) -> Run {
    let mut args = vec![os("audit"), os("--plan"), os(plan), os(ws), os("--quiet")];
    if !extra.iter().any(|a| *a == "-j" || *a == "--jobs") {
        args.extend([os("-j"), os("2")]);
    }
    args.extend(extra.iter().map(os));
    run_as(uid, &args, None, lim)
}

fn finding<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("no finding {id} in {v:#}"))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|s| s.as_str().expect("string").to_string())
        .collect()
}

fn warnings(v: &Value) -> Vec<String> {
    strings(&v["warnings"])
}

fn stat(v: &Value, name: &str) -> u64 {
    v["stats"][name]
        .as_u64()
        .unwrap_or_else(|| panic!("no stats.{name} in {}", v["stats"]))
}

fn codes(f: &Value) -> Vec<String> {
    f["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| p["code"].as_str().expect("code").to_string())
        .collect()
}

const BASE_PLAN: &str = "version: 1
name: Robustness
phases:
  - name: P
    points:
      - method: Foo#bar
        repo: api
        callers: [web]
";

const FOO_RB: &str = "class Foo\n  def bar\n    1\n  end\nend\n";
const JOB_RB: &str = "class Job\n  def perform\n    Foo.new.bar\n  end\nend\n";
const JOB_LOC: &str = "web/app/jobs/job.rb:3";

/// A temp dir holding `ws/` (two repos, `api` defines `Foo#bar`, `web`
/// calls it) and `plan.yaml` next to it (outside the workspace).
struct Ws {
    tmp: tempfile::TempDir,
    root: PathBuf,
    plan: PathBuf,
}

impl Ws {
    fn new() -> Ws {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().join("ws");
        let plan = tmp.path().join("plan.yaml");
        let ws = Ws { tmp, root, plan };
        ws.file("api/app/models/foo.rb", FOO_RB);
        ws.file("web/app/jobs/job.rb", JOB_RB);
        ws.set_plan(BASE_PLAN);
        ws
    }

    /// Write a file under the workspace (parents created).
    fn file(&self, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.root.join(rel);
        fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        fs::write(&p, bytes).expect("write");
        p
    }

    /// A TypeScript `Foo#bar` beside the Ruby one, for tests whose callers
    /// are TypeScript (a Ruby method is never called from TypeScript).
    fn ts_twin(&self) {
        self.file(
            "api/src/foo.ts",
            "export class Foo {\n  bar() {\n    return 1;\n  }\n}\n",
        );
    }

    fn set_plan(&self, text: &str) {
        fs::write(&self.plan, text).expect("write plan");
    }

    fn audit(&self, extra: &[&str]) -> Run {
        audit(&self.plan, &self.root, extra, LIMITS)
    }

    fn audit_json(&self, extra: &[&str]) -> (Value, i32) {
        let r = self.audit(extra);
        (r.json(), r.code)
    }
}

// ---------------------------------------------------------------------------
// Workspace content
// ---------------------------------------------------------------------------

/// A deterministic byte soup (xorshift), with NUL bytes.
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

#[test]
fn base_workspace_is_clean() {
    let ws = Ws::new();
    let (v, code) = ws.audit_json(&[]);
    assert_eq!(code, 0, "{v:#}");
    let f = finding(&v, "method:Foo#bar");
    assert_eq!(strings(&f["callers_found"]), [JOB_LOC]);
    assert_eq!(f["risk"], "none");
    assert_eq!(f["confidence"], "high");
    assert_eq!(stat(&v, "parse_errors"), 0);
    assert!(warnings(&v).is_empty(), "{v:#}");
}

#[test]
fn binary_files_with_source_extensions_are_skipped() {
    let ws = Ws::new();
    let mut blob = b"Foo.new.bar\n".to_vec();
    blob.extend(noise(64 * 1024, 7));
    blob[20] = 0;
    for name in [
        "web/app/jobs/blob.rb",
        "web/src/blob.ts",
        "web/src/blob.tsx",
        "web/app/views/blob.html.erb",
    ] {
        ws.file(name, &blob);
    }
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend(b"Foo.new.bar");
    png.extend(noise(4096, 3));
    ws.file("web/src/image.js", &png);
    // Binary config files are scanned as text without failing.
    ws.file("web/config/blob.yml", &blob);
    ws.file("web/.env", &blob);

    let (v, code) = ws.audit_json(&[]);
    assert_eq!(code, 0, "{v:#}");
    let f = finding(&v, "method:Foo#bar");
    assert_eq!(
        strings(&f["callers_found"]),
        [JOB_LOC],
        "binary files are not parsed"
    );
    assert_eq!(stat(&v, "files_skipped"), 5, "{}", v["stats"]);
    let w = warnings(&v);
    for name in [
        "web/app/jobs/blob.rb",
        "web/src/blob.ts",
        "web/src/blob.tsx",
        "web/app/views/blob.html.erb",
        "web/src/image.js",
    ] {
        assert!(
            w.iter().any(|x| x.contains(name) && x.contains("binary")),
            "{name} not named as binary in {w:?}"
        );
    }
}

#[test]
fn nul_bytes_after_the_binary_sniff_window() {
    // A NUL past the first 8 KiB: the file is parsed; whatever is reported
    // from it must carry the right line numbers.
    let ws = Ws::new();
    let mut rb = String::new();
    for _ in 0..300 {
        rb.push_str("# padding padding padding padding\n");
    }
    rb.push_str("s = \"a\0b\"\n"); // line 301
    rb.push_str("Foo.new.bar\n"); // line 302
    ws.file("web/app/jobs/late_nul.rb", rb.replace("# padding", "#"));
    let mut ts = String::new();
    for _ in 0..300 {
        ts.push_str("// padding padding padding padding\n");
    }
    ts.push_str("const s = \"a\0b\";\n"); // line 301
    ts.push_str("new Foo().bar();\n"); // line 302
    ws.file("web/src/late_nul.ts", &ts);
    // NUL in the middle of an identifier and a lone NUL file.
    ws.file("web/app/jobs/nul_ident.rb", "Foo.new.ba\0r\nFoo.new.bar\n");
    ws.file("web/app/jobs/only_nul.rb", "\0");

    let (v, code) = ws.audit_json(&[]);
    assert_eq!(code, 0, "{v:#}");
    let callers = strings(&finding(&v, "method:Foo#bar")["callers_found"]);
    assert!(callers.contains(&JOB_LOC.to_string()), "{callers:?}");
    for c in &callers {
        if c.starts_with("web/app/jobs/late_nul.rb:") || c.starts_with("web/src/late_nul.ts:") {
            assert!(c.ends_with(":302"), "wrong line: {c}");
        }
    }
}

#[test]
fn invalid_utf8_keeps_facts_and_line_numbers() {
    let ws = Ws::new();
    ws.ts_twin();
    ws.file(
        "web/app/jobs/latin1.rb",
        b"# caf\xe9 \xff\xfe\xc0\x80 comment\ns = \"\xe9t\xe9 \xed\xa0\x80\"\nFoo.new.bar\n",
    );
    ws.file(
        "web/src/latin1.ts",
        b"// caf\xe9\nconst s = \"\xff\xfe\x80\";\nnew Foo().bar();\n",
    );
    // Invalid UTF-8 inside the definition file too.
    ws.file(
        "api/app/models/foo.rb",
        b"# \xff\nclass Foo\n  X = \"\xc3\x28\"\n  def bar\n    1\n  end\nend\n",
    );
    let (v, code) = ws.audit_json(&[]);
    assert_eq!(code, 0, "{v:#}");
    let f = finding(&v, "method:Foo#bar");
    assert_eq!(f["definitions"][0]["location"], "api/app/models/foo.rb:4");
    assert_eq!(
        strings(&f["callers_found"]),
        [JOB_LOC, "web/app/jobs/latin1.rb:3", "web/src/latin1.ts:3"]
    );
}

fn utf16(text: &str, le: bool) -> Vec<u8> {
    let mut out = if le { vec![0xFF, 0xFE] } else { vec![0xFE, 0xFF] };
    for u in text.encode_utf16() {
        out.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
    }
    out
}

#[test]
fn utf16_and_utf8_boms_are_decoded() {
    let ws = Ws::new();
    ws.ts_twin();
    let rb = "# encoding: utf-16 ü\n\nFoo.new.bar\n";
    ws.file("web/app/jobs/utf16le.rb", utf16(rb, true));
    ws.file("web/app/jobs/utf16be.rb", utf16(rb, false));
    ws.file("web/app/jobs/bom8.rb", format!("\u{feff}{rb}"));
    ws.file("web/src/utf16.ts", utf16("// ü\n\nnew Foo().bar();\n", true));
    // Truncated UTF-16 (odd length) and a lone BOM must not trip anything.
    let mut odd = utf16("Foo.new.bar\n", true);
    odd.push(b'x');
    ws.file("web/app/jobs/odd.rb", odd);
    ws.file("web/app/jobs/lone_bom.rb", [0xFF, 0xFE]);
    ws.file("web/app/jobs/one_byte.rb", [0xFF]);

    let (v, code) = ws.audit_json(&[]);
    assert_eq!(code, 0, "{v:#}");
    let callers = strings(&finding(&v, "method:Foo#bar")["callers_found"]);
    for want in [
        "web/app/jobs/utf16le.rb:3",
        "web/app/jobs/utf16be.rb:3",
        "web/app/jobs/bom8.rb:3",
        "web/src/utf16.ts:3",
        "web/app/jobs/odd.rb:1",
    ] {
        assert!(callers.contains(&want.to_string()), "{want} not in {callers:?}");
    }
}

#[test]
fn crlf_line_endings_keep_line_numbers() {
    let ws = Ws::new();
    ws.file(
        "api/src/crlf.ts",
        "export class Crlf {\n  baz() {\n    return 1;\n  }\n}\n",
    );
    let crlf = |s: &str| s.replace('\n', "\r\n");
    ws.file(
        "api/app/models/crlf_model.rb",
        crlf(
            "# frozen_string_literal: true\n\nclass Crlf\n  # comment\n  def baz\n    ENV['FEATURE_X']\n  end\nend\n",
        ),
    );
    ws.file(
        "web/app/jobs/crlf_job.rb",
        crlf(
            "class CrlfJob\n  def perform\n\n    if ENV['FEATURE_X'] == 'true'\n      Crlf.new.baz\n    end\n  end\nend\n",
        ),
    );
    ws.file(
        "web/src/crlf.ts",
        crlf("// header\nimport { thing } from './x';\n\nexport function go() {\n  return new Crlf().baz();\n}\n"),
    );
    ws.file(
        "web/app/views/crlf/show.html.erb",
        crlf("<h1>x</h1>\n<p>\n<%= @crlf.baz %>\n</p>\n"),
    );
    ws.file("web/.env", crlf("# comment\nFEATURE_X=1\n"));
    ws.file(
        "web/docker-compose.yml",
        crlf("services:\n  web:\n    environment:\n      - FEATURE_X=1\n"),
    );
    ws.file("api/.env", crlf("FEATURE_X=0\n"));
    // The plan itself has CRLF line endings.
    ws.set_plan(&crlf(
        "version: 1\nphases:\n  - name: P\n    points:\n      - method: Crlf#baz\n        repo: api\n        callers: [web]\n      - env: FEATURE_X\n",
    ));

    let (v, code) = ws.audit_json(&[]);
    assert_eq!(code, 0, "{v:#}");
    let f = finding(&v, "method:Crlf#baz");
    assert_eq!(
        f["definitions"][0]["location"], "api/app/models/crlf_model.rb:5",
        "{f:#}"
    );
    let callers = strings(&f["callers_found"]);
    for want in [
        "web/app/jobs/crlf_job.rb:5",
        "web/src/crlf.ts:5",
        "web/app/views/crlf/show.html.erb:3",
    ] {
        assert!(callers.contains(&want.to_string()), "{want} not in {callers:?}");
    }
    let e = finding(&v, "env:FEATURE_X");
    assert!(codes(e).is_empty(), "{e:#}");
    assert_eq!(e["config_wired"], true, "{e:#}");
    let c = &e["config"][0];
    assert_eq!(c["name"], "FEATURE_X");
    assert_eq!(
        strings(&c["defined_at"]),
        ["api/.env:1", "web/.env:2", "web/docker-compose.yml:4"]
    );
    assert_eq!(
        strings(&c["read_at"]),
        ["api/app/models/crlf_model.rb:6", "web/app/jobs/crlf_job.rb:4"]
    );
}

#[test]
fn crlf_plan_errors_have_the_right_line() {
    let ws = Ws::new();
    ws.set_plan("version: 1\r\nphases:\r\n  - points:\r\n      - method: a\r\n        calers: [x]\r\n");
    let r = ws.audit(&[]);
    assert_eq!(r.code, 2);
    let want = format!("seamscan: {}:5:", ws.plan.display());
    assert!(r.stderr.starts_with(&want), "{}", r.stderr);
    assert!(r.stderr.contains("calers"), "{}", r.stderr);
}

#[test]
fn minified_bundle_of_20_mb_is_skipped_quickly() {
    let ws = Ws::new();
    let chunk = "x.bar(a);var b=function(c){return c+1},d=[1,2,3].map(function(e){return e*2});";
    let target = 20 * 1024 * 1024;
    let mut s = String::with_capacity(target + 128);
    s.push_str("!function(){var a=1;");
    while s.len() < target {
        s.push_str(chunk);
    }
    s.push_str("}();");
    ws.file("web/public/bundle.js", &s);
    drop(s);
    let r = audit(
        &ws.plan,
        &ws.root,
        &[],
        Limits {
            secs: 30,
            mem_mb: 1024,
        },
    );
    let v = r.json();
    assert_eq!(r.code, 0, "{v:#}");
    assert_eq!(stat(&v, "files_skipped"), 1);
    assert_eq!(stat(&v, "parse_errors"), 1, "README: counted in parse_errors");
    let w = warnings(&v);
    assert!(
        w.iter()
            .any(|x| x.contains("web/public/bundle.js") && x.contains("not parsed")),
        "{w:?}"
    );
    let f = finding(&v, "method:Foo#bar");
    assert_eq!(strings(&f["callers_found"]), [JOB_LOC]);
    assert_eq!(
        f["confidence"], "low",
        "a relevant file that was not parsed lowers the confidence"
    );
}

/// A one-line 2 MB bundle under the parse limit is parsed, with the right
/// line (1).
#[test]
fn one_line_bundle_under_the_parse_limit_is_parsed() {
    let ws = Ws::new();
    ws.ts_twin();
    let chunk = "var b=function(c){return c+1},d=[1,2,3].map(function(e){return e*2});";
    let mut s = String::from("!function(){var a=1;new Foo().bar();");
    while s.len() < 2 * 1024 * 1024 {
        s.push_str(chunk);
    }
    s.push_str("}();");
    ws.file("web/public/app.js", &s);
    let r = ws.audit(&[]);
    let v = r.json();
    assert_eq!(r.code, 0, "{v:#}");
    assert_eq!(
        strings(&finding(&v, "method:Foo#bar")["callers_found"]),
        [JOB_LOC, "web/public/app.js:1"]
    );
}

const DEPTH: usize = 10_000;

fn nest(open: &str, inner: &str, close: &str) -> String {
    let mut s = String::with_capacity((open.len() + close.len()) * DEPTH + inner.len());
    for _ in 0..DEPTH {
        s.push_str(open);
    }
    s.push_str(inner);
    for _ in 0..DEPTH {
        s.push_str(close);
    }
    s
}

#[test]
fn ten_thousand_levels_of_nesting_do_not_overflow_the_stack() {
    let ws = Ws::new();
    let rb = [
        "# deep".to_string(),
        format!("x = {}", nest("(", "Foo.new.bar", ")")),
        format!("y = {}", nest("[", "Foo.new.bar", "]")),
        format!("z = {}", nest("{a: ", "Foo.new.bar", "}")),
        format!("w = {}", nest("foo { ", "Foo.new.bar", " }")),
        format!("v = {}", nest("!", "Foo.new.bar", "")),
        format!("u = Foo.new.bar{}", " + 1".repeat(DEPTH)),
    ]
    .join("\n");
    ws.file("web/app/jobs/deep.rb", rb + "\n");
    ws.file(
        "web/app/jobs/deep_modules.rb",
        nest("module M\n", "def deep\n  Foo.new.bar\nend\n", "end\n"),
    );
    let ts = [
        "// deep".to_string(),
        format!("const a = {};", nest("(", "new Foo().bar()", ")")),
        format!("const b = {};", nest("[", "new Foo().bar()", "]")),
        format!("const c = {};", nest("{a: ", "new Foo().bar()", "}")),
        format!("const d = {};", nest("() => ", "new Foo().bar()", "")),
        format!("const e = {};", nest("!", "new Foo().bar()", "")),
        format!("const f = new Foo().bar(){};", " + 1".repeat(DEPTH)),
    ]
    .join("\n");
    ws.file("web/src/deep.ts", ts + "\n");
    ws.file(
        "web/src/deep_functions.ts",
        nest("function f() {\n", "new Foo().bar();\n", "}\n"),
    );
    ws.file(
        "web/src/Deep.tsx",
        format!(
            "// deep\nconst g = {};\n",
            nest("<div>", "{new Foo().bar()}", "</div>")
        ),
    );
    let r = audit(
        &ws.plan,
        &ws.root,
        &["-j", "1"],
        Limits {
            secs: 60,
            mem_mb: 2048,
        },
    );
    let v = r.json();
    assert_eq!(r.code, 0, "{:#}", v["findings"]);
    // Matches start at most `MAX_START_DEPTH` (400) levels deep: tree-sitter's
    // matcher is quadratic in nesting depth. The calls buried 10,000 levels
    // down are not extracted, and the audit says so instead of hanging: every
    // deep file is named in `warnings`, counted in `parse_errors`, and the
    // point's confidence is low.
    let warnings = strings(&v["warnings"]);
    for f in [
        "web/app/jobs/deep.rb",
        "web/app/jobs/deep_modules.rb",
        "web/src/deep.ts",
        "web/src/deep_functions.ts",
        "web/src/Deep.tsx",
    ] {
        assert!(
            warnings
                .iter()
                .any(|w| w.starts_with(f) && w.contains("nested deeper than")),
            "{f} not reported as too deep: {warnings:?}"
        );
    }
    assert!(v["stats"]["parse_errors"].as_u64().unwrap() >= 5);
    assert_eq!(finding(&v, "method:Foo#bar")["confidence"], "low");
}

/// `a.b.c.d...` 10,000 calls long: a left-deep tree. Must stay linear: the
/// other nesting shapes above take well under a second in a debug build.
#[test]
fn ten_thousand_chained_calls_in_bounded_time() {
    let ws = Ws::new();
    ws.ts_twin();
    ws.file(
        "web/app/jobs/chain.rb",
        format!("# chain\nFoo.new{}\n", ".bar".repeat(DEPTH)),
    );
    ws.file(
        "web/src/chain.ts",
        format!("// chain\nconst g = new Foo(){};\n", ".bar()".repeat(DEPTH)),
    );
    let r = audit(
        &ws.plan,
        &ws.root,
        &["-j", "2"],
        Limits {
            secs: 10,
            mem_mb: 2048,
        },
    );
    let v = r.json();
    assert_eq!(r.code, 0, "{:#}", v["findings"]);
    let callers = strings(&finding(&v, "method:Foo#bar")["callers_found"]);
    for w in ["web/app/jobs/chain.rb:2", "web/src/chain.ts:2"] {
        assert!(callers.contains(&w.to_string()), "{w} not in {callers:?}");
    }
}

#[test]
fn ruby_syntax_errors_keep_the_valid_facts() {
    let ws = Ws::new();
    ws.file(
        "api/app/models/foo.rb",
        "class Foo\n  def bar\n    1\n  end\n\n  def broken(\n    ))) end end {{{\n  @@@\nend\n",
    );
    ws.file(
        "api/app/models/baz.rb",
        "class Baz\n  def qux\n    2\n  end\nend\n",
    );
    ws.file("web/app/jobs/qux_job.rb", "Baz.new.qux\n");
    ws.set_plan(&format!(
        "{BASE_PLAN}      - method: Baz#qux\n        repo: api\n        callers: [web]\n"
    ));
    let (v, code) = ws.audit_json(&[]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(stat(&v, "parse_errors"), 1, "{}", v["stats"]);
    let w = warnings(&v);
    assert!(
        w.iter()
            .any(|x| x.contains("api/app/models/foo.rb") && x.contains("syntax error")),
        "{w:?}"
    );
    let f = finding(&v, "method:Foo#bar");
    assert_eq!(f["exists"], true);
    assert_eq!(f["definitions"][0]["location"], "api/app/models/foo.rb:2");
    assert_eq!(strings(&f["callers_found"]), [JOB_LOC]);
    assert_eq!(f["confidence"], "low", "depends on a file that failed to parse");
    let g = finding(&v, "method:Baz#qux");
    assert_eq!(g["confidence"], "high", "does not depend on it: {g:#}");
    assert_eq!(strings(&g["callers_found"]), ["web/app/jobs/qux_job.rb:1"]);
}

#[test]
fn typescript_syntax_errors_keep_the_valid_facts() {
    let ws = Ws::new();
    ws.ts_twin();
    ws.file(
        "web/src/broken.ts",
        "export function go() {\n  return new Foo().bar();\n}\n\nfunction ((( {{{ ]]] <<< \n",
    );
    let (v, code) = ws.audit_json(&[]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(stat(&v, "parse_errors"), 1);
    let f = finding(&v, "method:Foo#bar");
    assert_eq!(strings(&f["callers_found"]), [JOB_LOC, "web/src/broken.ts:2"]);
    assert_eq!(f["confidence"], "low");
}

fn symlink(target: impl AsRef<Path>, link: &Path) {
    fs::create_dir_all(link.parent().expect("parent")).expect("mkdir");
    std::os::unix::fs::symlink(target, link).expect("symlink");
}

#[test]
fn symlink_loops_are_not_followed() {
    let ws = Ws::new();
    let app = ws.root.join("web/app");
    symlink("..", &app.join("loop"));
    symlink(".", &app.join("jobs/here"));
    symlink("self.rb", &app.join("self.rb"));
    symlink("b.rb", &app.join("a.rb"));
    symlink("a.rb", &app.join("b.rb"));
    symlink(&ws.root, &app.join("root"));
    let r = ws.audit(&[]);
    let v = r.json();
    assert_eq!(r.code, 0, "{v:#}");
    // A hang guard only (symlink loops must not be followed forever); speed
    // is measured in bench/, never asserted here.
    assert!(r.elapsed < Duration::from_secs(120), "{:?}", r.elapsed);
    assert_eq!(
        strings(&finding(&v, "method:Foo#bar")["callers_found"]),
        [JOB_LOC]
    );
    assert_eq!(stat(&v, "files_scanned"), 2, "{}", v["stats"]);
}

#[test]
fn symlinks_out_of_the_workspace_are_not_followed() {
    let ws = Ws::new();
    let outside = ws.tmp.path().join("outside");
    fs::create_dir_all(outside.join("app")).expect("mkdir");
    fs::write(outside.join("app/evil.rb"), "Foo.new.bar\n").expect("write");
    fs::write(outside.join("Gemfile"), "").expect("write");
    let app = ws.root.join("web/app");
    symlink(&outside, &app.join("ext"));
    symlink(outside.join("app/evil.rb"), &app.join("evil.rb"));
    symlink("../../../outside/app/evil.rb", &app.join("relative_evil.rb"));
    // Devices behind source names: following them would hang or flood.
    symlink("/dev/zero", &app.join("zero.rb"));
    symlink("/dev/urandom", &app.join("random.ts"));
    symlink("/dev/stdin", &app.join("stdin.rb"));
    symlink("/etc/passwd", &ws.root.join("web/.env"));
    // A repo that is a symlink is not a repo.
    symlink(&outside, &ws.root.join("linked"));
    let r = ws.audit(&[]);
    let v = r.json();
    assert_eq!(r.code, 0, "{v:#}");
    assert_eq!(stat(&v, "repos"), 2, "{}", v["stats"]);
    let f = finding(&v, "method:Foo#bar");
    assert_eq!(strings(&f["callers_found"]), [JOB_LOC]);
    assert_eq!(stat(&v, "files_scanned"), 2, "{}", v["stats"]);
    assert!(!r.text().contains("evil"), "{}", r.text());
}

#[test]
fn fifos_and_sockets_with_source_names_do_not_block() {
    let ws = Ws::new();
    let st = std::process::Command::new("mkfifo")
        .arg(ws.root.join("web/app/jobs/pipe.rb"))
        .arg(ws.root.join("web/.env"))
        .status()
        .expect("mkfifo");
    assert!(st.success());
    let _sock = std::os::unix::net::UnixListener::bind(ws.root.join("web/app/jobs/sock.rb")).expect("bind");
    let r = audit(
        &ws.plan,
        &ws.root,
        &[],
        Limits {
            secs: 20,
            mem_mb: 2048,
        },
    );
    let v = r.json();
    assert_eq!(r.code, 0, "{v:#}");
    assert_eq!(
        strings(&finding(&v, "method:Foo#bar")["callers_found"]),
        [JOB_LOC]
    );
}

/// Restores permissions so the temp dir can be removed.
struct Chmod(Vec<(PathBuf, u32)>);

impl Drop for Chmod {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        for (p, mode) in &self.0 {
            let _ = fs::set_permissions(p, fs::Permissions::from_mode(*mode));
        }
    }
}

fn chmod(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(p, fs::Permissions::from_mode(mode)).expect("chmod");
}

/// Who runs seamscan so that permission bits apply: the test's own user
/// when it is not privileged (`None`); `nobody` (65534) when the tests run
/// as root (as in CI), which cannot be denied a read. Either way the
/// permission assertions run.
fn unprivileged(ws: &Ws) -> Option<u32> {
    let probe = ws.tmp.path().join("probe");
    fs::write(&probe, "x").expect("write");
    chmod(&probe, 0o000);
    let privileged = fs::read(&probe).is_ok();
    fs::remove_file(&probe).expect("rm");
    if !privileged {
        return None;
    }
    // `nobody` must reach the workspace and the plan.
    chmod(ws.tmp.path(), 0o755);
    let ok = run_as(Some(65534), &[os("--version")], None, LIMITS);
    assert_eq!(ok.code, 0, "cannot run seamscan as nobody: {}", ok.stderr);
    Some(65534)
}

#[test]
fn unreadable_files_and_directories_are_warned_and_skipped() {
    let ws = Ws::new();
    let secret = ws.file("web/app/jobs/secret.rb", "Foo.new.bar\n");
    ws.file("web/app/locked/inner.rb", "Foo.new.bar\n");
    let locked = ws.root.join("web/app/locked");
    let secret_cfg = ws.file("web/.env", "FOO=1\n");
    let uid = unprivileged(&ws);
    let _restore = Chmod(vec![
        (secret.clone(), 0o644),
        (locked.clone(), 0o755),
        (secret_cfg.clone(), 0o644),
    ]);
    chmod(&secret, 0o000);
    chmod(&secret_cfg, 0o000);
    chmod(&locked, 0o000);

    let r = audit_as(uid, &ws.plan, &ws.root, &[], LIMITS);
    let v = r.json();
    assert_eq!(r.code, 0, "{v:#}");
    let callers = strings(&finding(&v, "method:Foo#bar")["callers_found"]);
    assert!(
        callers.contains(&JOB_LOC.to_string()),
        "the scan goes on: {callers:?}"
    );
    let w = warnings(&v);
    let denied = |name: &str| {
        w.iter()
            .any(|x| x.contains(name) && x.to_lowercase().contains("permission denied"))
    };
    assert!(denied("web/app/jobs/secret.rb"), "{w:?}");
    assert!(denied("web/.env"), "{w:?}");
    assert!(denied("web/app/locked"), "{w:?}");
    assert_eq!(callers, [JOB_LOC], "nothing read from unreadable places");
    assert!(
        stat(&v, "parse_errors") + stat(&v, "files_skipped") >= 1,
        "the unreadable source file is counted: {}",
        v["stats"]
    );
    // The locked directory may hide callers: confidence says so.
    assert!(
        w.iter().any(|x| x.starts_with("cannot walk: web/app/locked")),
        "walk warnings name repo/path: {w:?}"
    );
    assert_eq!(finding(&v, "method:Foo#bar")["confidence"], "low");
}

#[test]
fn unreadable_repo_and_workspace() {
    let ws = Ws::new();
    let web = ws.root.join("web");
    let uid = unprivileged(&ws);
    let _restore = Chmod(vec![(web.clone(), 0o755), (ws.root.clone(), 0o755)]);
    chmod(&web, 0o000);
    let r = audit_as(uid, &ws.plan, &ws.root, &[], LIMITS);
    // The repo is still listed (its name is known), its content is not.
    let v = r.json();
    assert_eq!(r.code, 1, "Foo#bar has no caller left: {v:#}");
    assert!(
        warnings(&v)
            .iter()
            .any(|x| x.contains("web") && x.to_lowercase().contains("permission denied")),
        "{v:#}"
    );
    chmod(&web, 0o755);
    chmod(&ws.root, 0o000);
    let r = audit_as(uid, &ws.plan, &ws.root, &[], LIMITS);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr.contains(&ws.root.display().to_string())
            && r.stderr.to_lowercase().contains("permission denied"),
        "{}",
        r.stderr
    );
}

/// A source file over the read limit (64 MiB; sparse here, so it costs no
/// disk) is not read: skipped, with a warning that gives its size, and the
/// audit goes on.
#[test]
fn a_file_over_the_read_limit_is_not_read() {
    let ws = Ws::new();
    let big = ws.file("web/app/models/huge.rb", "class Huge; end\n");
    fs::OpenOptions::new()
        .write(true)
        .open(&big)
        .and_then(|f| f.set_len(64 * 1024 * 1024 + 1))
        .expect("grow");
    let (v, code) = ws.audit_json(&[]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(stat(&v, "files_skipped"), 1, "{}", v["stats"]);
    let w = warnings(&v);
    assert!(
        w.iter().any(|x| x.contains("web/app/models/huge.rb")
            && x.contains("not read (67108865 bytes is over the 67108864-byte limit)")),
        "{w:?}"
    );
    let callers = strings(&finding(&v, "method:Foo#bar")["callers_found"]);
    assert!(callers.contains(&JOB_LOC.to_string()), "{callers:?}");
}

/// Files deleted between the walk and the read cannot be placed there
/// deterministically from outside; a thread creates and deletes files while
/// audits run, and every run must still succeed with the stable facts.
#[test]
fn files_vanishing_during_the_scan() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let ws = Ws::new();
    for i in 0..300 {
        ws.file(&format!("web/app/stable/s{i}.rb"), "# nothing\n");
    }
    let churn = ws.root.join("web/app/churn");
    fs::create_dir_all(&churn).expect("mkdir");
    let stop = Arc::new(AtomicBool::new(false));
    let t = {
        let stop = stop.clone();
        let churn = churn.clone();
        std::thread::spawn(move || {
            let mut i = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let d = churn.join(format!("d{}", i % 7));
                let _ = fs::create_dir_all(&d);
                let p = d.join(format!("c{}.rb", i % 50));
                let _ = fs::write(&p, "Foo.new.bar\n");
                if i.is_multiple_of(3) {
                    let _ = fs::remove_file(&p);
                }
                if i.is_multiple_of(101) {
                    let _ = fs::remove_dir_all(&d);
                }
                i += 1;
            }
        })
    };
    for _ in 0..3 {
        let r = ws.audit(&[]);
        let v = r.json();
        assert_eq!(r.code, 0, "{v:#}");
        let callers = strings(&finding(&v, "method:Foo#bar")["callers_found"]);
        assert!(callers.contains(&JOB_LOC.to_string()), "{callers:?}");
        for w in warnings(&v) {
            assert!(w.contains("web/app/churn"), "unexpected warning {w}");
        }
    }
    stop.store(true, Ordering::Relaxed);
    t.join().expect("churn thread");
}

#[test]
fn hundred_thousand_empty_files() {
    let ws = Ws::new();
    let t0 = Instant::now();
    let base = ws.root.join("web/app/gen");
    let dirs: Vec<PathBuf> = (0..100).map(|d| base.join(format!("d{d:03}"))).collect();
    std::thread::scope(|s| {
        for chunk in dirs.chunks(25) {
            s.spawn(move || {
                for d in chunk {
                    fs::create_dir_all(d).expect("mkdir");
                    for f in 0..1000 {
                        fs::File::create(d.join(format!("f{f:03}.rb"))).expect("create");
                    }
                }
            });
        }
    });
    eprintln!("created in {:?}", t0.elapsed());
    let r = audit(
        &ws.plan,
        &ws.root,
        &[],
        Limits {
            secs: 60,
            mem_mb: 2048,
        },
    );
    let v = r.json();
    assert_eq!(r.code, 0, "{}", v["stats"]);
    assert_eq!(stat(&v, "files_scanned"), 100_002, "{}", v["stats"]);
    assert_eq!(stat(&v, "files_parsed"), 2, "{}", v["stats"]);
    assert_eq!(
        strings(&finding(&v, "method:Foo#bar")["callers_found"]),
        [JOB_LOC]
    );
    eprintln!("100,000 files: {:?}", r.elapsed);
}

/// Names a file system allows and a report must survive.
const WEIRD_NAMES: [&str; 8] = [
    "with space.rb",
    "pipe|in|name.rb",
    "new\nline.rb",
    "tab\tand\rcr.rb",
    "quote\"back\\slash`tick.rb",
    "<b>html</b>&amp.rb",
    "ünïcödé 日本語 🦀.rb",
    "- [x] *md* # _x_.rb",
];

#[test]
fn weird_file_names_are_escaped_in_json_and_markdown() {
    let ws = Ws::new();
    let mut want = vec![JOB_LOC.to_string()];
    for (i, n) in WEIRD_NAMES.iter().enumerate() {
        let dir = if i % 2 == 0 {
            "app/jobs"
        } else {
            "app/odd dir|x\ny"
        };
        ws.file(&format!("web/{dir}/{n}"), "Foo.new.bar\n");
        want.push(format!("web/{dir}/{n}:1"));
    }
    // A weird name that also fails to parse: it goes to the warnings.
    ws.file("web/app/jobs/broken|na\nme.rb", "Foo.new.bar\ndef (((\n");
    want.push("web/app/jobs/broken|na\nme.rb:1".to_string());
    want.sort();
    // `callers: [web, api]`: api never calls it, so the finding is high and
    // the Markdown report lists every caller.
    ws.set_plan(
        "version: 1
name: \"Title | with pipe\\nand newline <script>\"
phases:
  - name: \"Phase | one\\nsecond line\"
    points:
      - method: Foo#bar
        repo: api
        callers: [web, api]
        note: \"note | with\\nnewline\"
      - method: \"Foo#a|b\"
      - event: \"a|b\\n| x |\"
",
    );
    let (v, code) = ws.audit_json(&[]);
    assert_eq!(code, 1, "{v:#}");
    let f = finding(&v, "method:Foo#bar");
    assert_eq!(strings(&f["callers_found"]), want);
    assert!(
        warnings(&v)
            .iter()
            .any(|w| w.contains("web/app/jobs/broken|na\nme.rb")),
        "{v:#}"
    );

    let r = ws.audit(&["--format", "markdown"]);
    assert_eq!(r.code, 1);
    let md = r.text();
    assert_markdown_tables_intact(&md);
    for line in md.lines() {
        for frag in ["line.rb", "and\rcr", "me.rb", "second line", "newline", "y/"] {
            assert!(
                !line.starts_with(frag),
                "a newline in a name broke a line: {line:?}\n{md}"
            );
        }
        assert!(!line.contains('\r'), "raw CR in {line:?}");
    }
    // The plan's HTML is escaped; names from the repos are code spans,
    // where `<b>` and `|` are literal text (issue #20's suite parses this).
    assert!(!md.contains("<script>"), "raw HTML:\n{md}");
    assert!(
        md.contains("`web/app/odd dir|x\\u{a}y/<b>html</b>&amp.rb:1`"),
        "{md}"
    );
    // Every caller is listed (escaped), none lost.
    assert!(
        md.contains("`web/app/odd dir|x\\u{a}y/pipe|in|name.rb:1`"),
        "{md}"
    );
    assert!(md.contains("ünïcödé 日本語 🦀.rb"), "{md}");
}

/// Each table row has as many unescaped `|` as its header and no row is cut
/// by a newline.
fn assert_markdown_tables_intact(md: &str) {
    let pipes = |l: &str| {
        let b = l.as_bytes();
        (0..b.len())
            .filter(|&i| b[i] == b'|' && (i == 0 || b[i - 1] != b'\\'))
            .count()
    };
    let lines: Vec<&str> = md.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].starts_with('|') {
            let want = pipes(lines[i]);
            while i < lines.len() && !lines[i].is_empty() {
                assert!(
                    lines[i].starts_with('|') && lines[i].ends_with('|'),
                    "table row cut by a newline: {:?}\n{md}",
                    lines[i]
                );
                assert_eq!(
                    pipes(lines[i]),
                    want,
                    "table row with a stray `|`: {:?}\n{md}",
                    lines[i]
                );
                i += 1;
            }
        }
        i += 1;
    }
}

#[test]
fn weird_file_names_give_valid_sarif_uris() {
    // One uncalled method per weird file: one SARIF result located in each.
    let ws = Ws::new();
    let mut plan = String::from("version: 1\nphases:\n  - points:\n");
    for (i, n) in WEIRD_NAMES.iter().enumerate() {
        ws.file(
            &format!("api/app/models/{n}"),
            format!("class Foo\n  def m{i}\n  end\nend\n"),
        );
        plan.push_str(&format!("      - method: Foo#m{i}\n"));
    }
    ws.set_plan(&plan);
    let r = ws.audit(&["--format", "sarif"]);
    assert_eq!(r.code, 1, "no-callers is high: {}", r.text());
    let v = r.json();
    let mut bad = Vec::new();
    for res in v["runs"][0]["results"].as_array().expect("results") {
        for l in res["locations"].as_array().into_iter().flatten() {
            let uri = l["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .expect("uri");
            let valid = uri
                .bytes()
                .all(|b| b.is_ascii_graphic() && !b"\"<>\\^`{|}".contains(&b));
            if !valid {
                bad.push(uri.to_string());
            }
        }
    }
    assert!(
        bad.is_empty(),
        "SARIF uris that are not valid URI references (RFC 3986: percent-encode them): {bad:?}"
    );
}

#[test]
fn non_utf8_file_names() {
    use std::os::unix::ffi::OsStrExt;
    let ws = Ws::new();
    let dir = ws.root.join("web/app/jobs");
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.rb");
    fs::write(dir.join(name), "Foo.new.bar\n").expect("write");
    let r = ws.audit(&[]);
    let v = r.json();
    assert_eq!(r.code, 0, "{v:#}");
    let callers = strings(&finding(&v, "method:Foo#bar")["callers_found"]);
    assert_eq!(callers.len(), 2, "{callers:?}");
    assert!(
        callers.contains(&"web/app/jobs/caf\u{fffd}.rb:1".to_string()),
        "{callers:?}"
    );
    let md = ws.audit(&["--format", "markdown"]);
    assert_eq!(md.code, 0);
    String::from_utf8(md.stdout).expect("Markdown is UTF-8");
}

#[test]
fn very_long_paths() {
    let ws = Ws::new();
    let mut rel = String::from("web/app");
    for i in 0..15 {
        rel.push('/');
        rel.push_str(&format!("{i:02}{}", "d".repeat(198)));
    }
    rel.push('/');
    rel.push_str(&"f".repeat(250));
    rel.push_str(".rb");
    ws.file(&rel, "\n\nFoo.new.bar\n");
    let (v, code) = ws.audit_json(&[]);
    assert_eq!(code, 0, "{v:#}");
    let callers = strings(&finding(&v, "method:Foo#bar")["callers_found"]);
    let mut want = vec![JOB_LOC.to_string(), format!("{rel}:3")];
    want.sort();
    assert_eq!(callers, want);
}

#[test]
fn paths_longer_than_path_max() {
    // Built with relative `cd`s: the absolute path exceeds PATH_MAX (4096).
    let ws = Ws::new();
    let seg = "e".repeat(200);
    let script = format!(
        "cd web/app && for i in $(seq 1 25); do mkdir {seg} && cd {seg} || exit 1; done && \
         printf 'Foo.new.bar\\n' > deep.rb"
    );
    // bash, not sh: dash cannot `cd` below PATH_MAX.
    let st = match std::process::Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(&ws.root)
        .status()
    {
        Ok(st) => st,
        Err(e) => {
            eprintln!("note: no bash ({e}), test skipped");
            return;
        }
    };
    assert!(st.success());
    let (v, code) = ws.audit_json(&[]);
    assert_eq!(code, 0, "{v:#}");
    let callers = strings(&finding(&v, "method:Foo#bar")["callers_found"]);
    assert!(callers.contains(&JOB_LOC.to_string()));
    let found = callers.iter().any(|c| c.ends_with("/deep.rb:1"));
    let warned = warnings(&v).iter().any(|w| w.contains(&seg));
    assert!(found || warned, "neither found nor warned: {v:#}");
}

// ---------------------------------------------------------------------------
// Plans
// ---------------------------------------------------------------------------

/// Run with a plan text; return the run (stdout must be empty on exit 2).
fn plan_run(text: &[u8], lim: Limits) -> (Run, Ws) {
    let ws = Ws::new();
    fs::write(&ws.plan, text).expect("write plan");
    let r = audit(&ws.plan, &ws.root, &[], lim);
    if r.code == 2 {
        assert!(r.stdout.is_empty(), "exit 2 with output");
    }
    (r, ws)
}

/// The run failed with exit 2 and `seamscan: PLAN[:LINE:COL]: message`.
fn assert_plan_error(r: &Run, ws: &Ws, pos: Option<(u64, u64)>, needle: &str) {
    assert_eq!(r.code, 2, "stderr: {}", r.stderr);
    let prefix = match pos {
        Some((l, c)) => format!("seamscan: {}:{l}:{c}: ", ws.plan.display()),
        None => format!("seamscan: {}", ws.plan.display()),
    };
    assert!(
        r.stderr.starts_with(&prefix),
        "want prefix {prefix:?}, got {:?}",
        r.stderr
    );
    assert!(
        r.stderr.to_lowercase().contains(&needle.to_lowercase()),
        "want {needle:?} in {:?}",
        r.stderr
    );
    assert_eq!(r.stderr.lines().count(), 1, "one line: {:?}", r.stderr);
}

/// Plan text, expected `line:column` (if any), expected word in the message.
type PlanCase<'a> = (&'a [u8], Option<(u64, u64)>, &'a str);

#[test]
fn empty_and_degenerate_plans() {
    let cases: [PlanCase; 9] = [
        (b"", Some((1, 1)), "empty"),
        (b"   \n\n\t\n", Some((1, 1)), "empty"),
        (b"\xef\xbb\xbf", Some((1, 1)), ""),
        (b"# only a comment\n", Some((1, 1)), "version"),
        (b"---\n", None, ""),
        (b"~\n", None, ""),
        (b"[]\n", Some((1, 1)), ""),
        (b"42\n", Some((1, 1)), ""),
        (b"version: 1\n", Some((1, 1)), "no points"),
    ];
    for (text, pos, needle) in cases {
        let (r, ws) = plan_run(text, LIMITS);
        assert_plan_error(&r, &ws, pos, needle);
    }
}

#[test]
fn plan_that_is_not_utf8_or_not_a_file() {
    let (r, ws) = plan_run(b"version: 1\nname: caf\xe9\n", LIMITS);
    assert_plan_error(&r, &ws, None, "UTF-8");
    let ws = Ws::new();
    let dir = ws.tmp.path().join("dir.yaml");
    fs::create_dir(&dir).expect("mkdir");
    let r = audit(&dir, &ws.root, &[], LIMITS);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("dir.yaml"), "{}", r.stderr);
}

fn billion_laughs(prefix: &str, top: &str) -> String {
    let mut s = String::from(prefix);
    s.push_str("l0: &l0 \"lol\"\n");
    for i in 1..=9 {
        let refs = vec![format!("*l{}", i - 1); 10].join(", ");
        s.push_str(&format!("l{i}: &l{i} [{refs}]\n"));
    }
    s.push_str(top);
    s
}

#[test]
fn yaml_bombs_are_rejected_fast_with_bounded_memory() {
    let lim = Limits {
        secs: 10,
        mem_mb: 512,
    };
    let points = "phases:\n  - points:\n      - method: Foo#bar\n";
    // A classic billion laughs needs anchors under keys a plan does not
    // have, or nested lists where a plan has strings: refused by that, at
    // the first offending key or list, before anything expands.
    let refused_early = [
        (
            billion_laughs(&format!("version: 1\n{points}"), ""),
            "unknown key `l0`",
        ),
        (
            billion_laughs("version: 1\n", "phases: *l9\n"),
            "unknown key `l0`",
        ),
        (
            "version: 1\ntests: [&l0 lol, &l1 [*l0, *l0, *l0], &l2 [*l1, *l1, *l1]]\nphases: []\n"
                .to_string(),
            "expected string",
        ),
    ];
    for (b, why) in &refused_early {
        let (r, ws) = plan_run(b.as_bytes(), lim);
        assert_plan_error(&r, &ws, None, why);
    }
    // Aliases in places a plan allows: a phase (or a point) aliased 100,000
    // times. The alias budget refuses them.
    let phase = format!(
        "  - &p {{name: p, points: [{}]}}\n",
        vec!["{method: Foo#bar}"; 100].join(", ")
    );
    let bombs = [
        format!("version: 1\nphases:\n{phase}{}", "  - *p\n".repeat(100_000)),
        format!(
            "version: 1\nphases:\n  - points: [&a {{method: Foo#bar}}{}]\n",
            ", *a".repeat(100_000)
        ),
    ];
    for b in &bombs {
        let (r, ws) = plan_run(b.as_bytes(), lim);
        assert_plan_error(&r, &ws, None, "more than 1000 YAML aliases");
    }
    // Deep nesting: no stack overflow.
    for (open, close) in [("[", "]"), ("{a: ", "}"), ("- ", "")] {
        let mut s = String::from("version: 1\nphases: ");
        if open == "- " {
            s.push('\n');
            for i in 0..20_000 {
                s.push_str(&" ".repeat(i % 200));
                s.push_str("- \n");
            }
        } else {
            s.push_str(&open.repeat(100_000));
            s.push_str(&close.repeat(100_000));
            s.push('\n');
        }
        let (r, ws) = plan_run(s.as_bytes(), lim);
        assert_plan_error(&r, &ws, None, "");
    }
}

#[test]
fn ten_thousand_points() {
    let ws = Ws::new();
    let mut plan = String::from("version: 1\nphases:\n  - name: many\n    points:\n");
    for i in 0..10_000 {
        match i % 3 {
            0 => plan.push_str(&format!("      - method: Foo#m{i}\n")),
            1 => plan.push_str(&format!("      - env: VAR_{i}\n")),
            _ => plan.push_str(&format!("      - jsonb: Model.col{i}\n")),
        }
    }
    plan.push_str("      - method: Foo#bar\n");
    ws.set_plan(&plan);
    ws.file("api/app/models/many.rb", {
        let mut s = String::from("class Foo\n");
        for i in (0..10_000).step_by(3) {
            s.push_str(&format!("  def m{i}; ENV['VAR_{}']; end\n", i + 1));
        }
        s.push_str("end\n");
        s
    });
    let r = audit(
        &ws.plan,
        &ws.root,
        &[],
        Limits {
            secs: 60,
            mem_mb: 2048,
        },
    );
    let v = r.json();
    assert_eq!(r.code, 1, "no callers: high");
    assert_eq!(v["findings"].as_array().expect("findings").len(), 10_001);
    let f = finding(&v, "method:Foo#m9999");
    assert_eq!(codes(f), ["no-callers"]);
    assert_eq!(f["definitions"][0]["location"], "api/app/models/many.rb:3335");
    assert!(codes(finding(&v, "method:Foo#bar")).is_empty());
    eprintln!("10,000 points: {:?}", r.elapsed);
}

#[test]
fn duplicate_points_make_one_finding() {
    let ws = Ws::new();
    ws.set_plan(
        "version: 1
phases:
  - name: A
    points:
      - method: Foo#bar
        callers: [web, web]
        env: [X_ON, X_ON]
      - method: Foo#bar
      - method: \" Foo#bar \"
      - env: X_ON
      - env: X_ON
  - name: B
    points:
      - method: Foo#bar
  - name: A
    points:
      - method: Foo#bar
",
    );
    let (v, code) = ws.audit_json(&["--fail-on", "never"]);
    assert_eq!(code, 0);
    let ids: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert!(ids.contains(&"method:Foo#bar") && ids.contains(&"env:X_ON"));
    let f = finding(&v, "method:Foo#bar");
    let phases = strings(&f["phases"]);
    let mut dedup = phases.clone();
    dedup.dedup();
    assert_eq!(phases, dedup, "phases listed once each");
    assert_eq!(strings(&f["callers_found"]), [JOB_LOC]);
    let names: Vec<&Value> = f["config"]
        .as_array()
        .expect("config")
        .iter()
        .map(|c| &c["name"])
        .collect();
    assert_eq!(names, ["X_ON"], "one config entry per var");
    let e = finding(&v, "env:X_ON");
    assert_eq!(strings(&e["phases"]), ["A"]);
}

#[test]
fn regex_metacharacters_in_names_are_literal() {
    let ws = Ws::new();
    ws.file(
        "api/app/models/meta.rb",
        "class Foo\n  def bar?\n  end\n  def ba\n  end\nend\nclass Video\n  def x\n    metadata['k']\n  end\nend\n",
    );
    ws.file("web/app/jobs/meta_job.rb", "Foo.new.bar?\nFoo.new.bbr\n");
    ws.set_plan(
        "version: 1
phases:
  - points:
      - method: \"ba*\"
      - method: \"b.*\"
      - method: \"Foo#b|r\"
      - method: \"Foo#^bar$\"
      - method: \"Foo#ba+\"
      - method: \"Foo#b\\\\w+\"
      - method: \"Foo#bar?\"
      - method: Foo#bar
      - jsonb: \"Video.meta.*\"
      - jsonb: \"meta+data\"
      - jsonb: \"(meta)data\"
      - route: \"GET /a(.*)b[\"
      - flag: \"a|b\"
",
    );
    let r = ws.audit(&[]);
    if r.code == 2 {
        // Refusing a name is fine if the message is clear.
        assert!(r.stderr.contains(&ws.plan.display().to_string()), "{}", r.stderr);
        return;
    }
    let v = r.json();
    assert_eq!(r.code, 1, "{v:#}");
    for id in [
        "method:ba*",
        "method:Foo#b|r",
        "method:Foo#^bar$",
        "method:Foo#ba+",
        "method:Foo#b\\w+",
        "jsonb:meta+data",
        "jsonb:(meta)data",
    ] {
        let f = finding(&v, id);
        assert_ne!(f["exists"], true, "{id} matched something: {f:#}");
        assert!(
            f["callers_found"].as_array().is_none_or(|a| a.is_empty()),
            "{id}: {f:#}"
        );
    }
    let q = finding(&v, "method:Foo#bar?");
    assert_eq!(q["definitions"][0]["location"], "api/app/models/meta.rb:2");
    assert_eq!(strings(&q["callers_found"]), ["web/app/jobs/meta_job.rb:1"]);
    let b = finding(&v, "method:Foo#bar");
    assert_eq!(b["definitions"].as_array().expect("defs").len(), 1, "{b:#}");
    assert_eq!(strings(&b["callers_found"]), [JOB_LOC]);
}

#[test]
fn non_string_scalars_in_plans() {
    let head = "version: 1\nphases:\n  - points:\n";
    // Refused with a position and a message a user understands.
    let refused: [(String, (u64, u64)); 9] = [
        (format!("{head}      - method: null\n"), (4, 9)),
        (format!("{head}      - method: ~\n"), (4, 9)),
        (format!("{head}      - method: [a, b]\n"), (4, 17)),
        (format!("{head}      - method: {{a: b}}\n"), (4, 17)),
        (format!("{head}      - method: x\n        callers: 5\n"), (5, 18)),
        (format!("{head}      - method: x\n        env: [1, 2]\n"), (5, 14)),
        (
            format!("{head}      - method: x\n        env: {{A: 1}}\n"),
            (5, 14),
        ),
        (
            format!("version: 1\nrepos: yes\n{}      - method: x\n", &head[11..]),
            (2, 8),
        ),
        (
            format!("version: true\n{}      - method: x\n", &head[11..]),
            (1, 10),
        ),
    ];
    let mut unclear = Vec::new();
    for (text, (l, c)) in &refused {
        let (r, ws) = plan_run(text.as_bytes(), LIMITS);
        assert_plan_error(&r, &ws, Some((*l, *c)), "");
        let internal = ["untagged enum", "OneOrMany", "Raw", "serde"];
        if internal.iter().any(|i| r.stderr.contains(i)) {
            unclear.push(format!("{text:?} -> {:?}", r.stderr));
        }
    }
    assert!(
        unclear.is_empty(),
        "messages expose internal type names instead of saying what was expected:\n{}",
        unclear.join("\n")
    );
    // Scalars that read naturally as strings are accepted, as strings.
    for (text, id, note, code) in [
        (format!("{head}      - method: 123\n"), "method:123", None, 1),
        (
            format!("{head}      - method: x\n        note: 3.5\n"),
            "method:x",
            Some("3.5"),
            1,
        ),
        (
            format!("version: \"1\"\nname: 5\n{}      - method: x\n", &head[11..]),
            "method:x",
            None,
            1,
        ),
    ] {
        let (r, _ws) = plan_run(text.as_bytes(), LIMITS);
        assert_eq!(r.code, code, "{text:?}: {}", r.stderr);
        let v = r.json();
        let f = finding(&v, id);
        assert_eq!(f["plan_note"].as_str(), note, "{text:?}");
        if id.starts_with("method:") {
            assert_eq!(f["problems"][0]["code"], "missing-definition", "{text:?}");
        } else {
            assert_eq!(f["exists"], Value::Null, "{text:?}: not audited");
        }
    }
}

#[test]
fn fifty_megabyte_plan_is_refused_quickly() {
    let lim = Limits {
        secs: 15,
        mem_mb: 1024,
    };
    let mut big = String::from("version: 1\nphases:\n  - points:\n");
    let line = "      - method: Foo#bar\n        note: \"0123456789012345678901234567890123456789\"\n";
    while big.len() < 50 * 1024 * 1024 {
        big.push_str(line);
    }
    let (r, ws) = plan_run(big.as_bytes(), lim);
    assert_plan_error(&r, &ws, None, "bytes");
    // The same plan on a pipe (no size known in advance).
    let args = [
        os("audit"),
        os("--plan"),
        os("/dev/stdin"),
        os(&ws.root),
        os("--quiet"),
    ];
    let r = run(&args, Some(big.into_bytes()), lim);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr.starts_with("seamscan: /dev/stdin") && r.stderr.contains("bytes"),
        "{}",
        r.stderr
    );
}

#[test]
fn plans_just_under_the_size_limit_are_handled() {
    // Parsed (or refused by a budget) in bounded time and memory: a 7 MiB
    // scalar, and 1 MiB of points.
    let lim = Limits {
        secs: 30,
        mem_mb: 2048,
    };
    let huge_note = format!(
        "version: 1\nphases:\n  - points:\n      - method: Foo#bar\n        note: \"{}\"\n",
        "n".repeat(7 * 1024 * 1024)
    );
    let mut many = String::from("version: 1\nphases:\n  - points:\n      - method: Foo#bar\n");
    let mut i = 0;
    while many.len() < 1024 * 1024 {
        many.push_str(&format!(
            "      - method: Foo#m{i}\n        note: \"{}\"\n",
            "n".repeat(100)
        ));
        i += 1;
    }
    for (text, code) in [(huge_note, 0), (many, 1)] {
        let (r, ws) = plan_run(text.as_bytes(), lim);
        if r.code == 2 {
            assert_plan_error(&r, &ws, None, "");
        } else {
            assert_eq!(r.code, code, "{}", r.stderr);
            r.json();
        }
    }
}

// ---------------------------------------------------------------------------
// Fuzz regressions: inputs found by `cargo fuzz` (see fuzz/README.md), run
// through the same library functions. The first campaign (plan_parse,
// extract_ruby, extract_tsx, extract_erb: 150 s each; config_scan: 90 s)
// found no crash; the cases below are edge inputs of the same shapes.
// ---------------------------------------------------------------------------

fn interest() -> seamscan::facts::Interest {
    seamscan::facts::Interest::new(
        &[
            "Foo",
            "bar",
            "render",
            "Video",
            "find_ready",
            "helper",
            "call",
            "perform",
        ],
        &["metadata", "settings"],
    )
}

/// One file's facts about the interesting names (Ruby facts are
/// plan-independent), rendered compactly: `def NAME ACCESS@LINE`,
/// `call NAME@LINE`, `key COLUMN.KEY OP@LINE`, `dynamic@LINE`, sorted.
fn rendered(f: &seamscan::facts::FileFacts) -> Vec<String> {
    let names = interest().names;
    let mut v: Vec<String> = Vec::new();
    v.extend(
        f.defs
            .iter()
            .filter(|d| names.contains(&d.name))
            .map(|d| format!("def {} {:?}@{}", d.name, d.access, d.line)),
    );
    v.extend(
        f.calls
            .iter()
            .filter(|c| names.contains(c.name.as_str()))
            .map(|c| format!("call {}@{}", c.name, c.line)),
    );
    v.extend(
        f.json_keys
            .iter()
            .map(|k| format!("key {}.{} {:?}@{}", k.column, k.key, k.op, k.line)),
    );
    v.extend(f.dynamic.iter().map(|d| format!("dynamic@{}", d.line)));
    v.sort();
    v
}

/// Inputs the fuzzers crashed on. A well-formed input must give exactly the
/// facts listed; an input with syntax errors must say so (`parse_error`),
/// whatever it salvages (error recovery is the parser's business).
#[test]
fn fuzz_regressions_extract() {
    use seamscan::facts::Lang;
    const BROKEN: Option<&[&str]> = None;
    type Case<'a> = (Lang, &'a [u8], Option<&'a [&'a str]>);
    let cases: &[Case] = &[
        (Lang::Ruby, b"", Some(&[])),
        (Lang::Ruby, b"\xff\xfe\x00", BROKEN),
        // An unterminated heredoc is a syntax error in Ruby (Prism, like
        // `ruby -c`, says so); the key in its body is still read.
        (Lang::Ruby, b"x = <<~SQL\n  metadata->>'k'\n", BROKEN),
        (
            Lang::Ruby,
            b"x = <<~SQL\n  metadata->>'k'\nSQL\n",
            Some(&["key metadata.k Read@2"]),
        ),
        (Lang::Ruby, b"metadata->>'", BROKEN),
        (Lang::Ruby, b"def bar(\n=begin\n", BROKEN),
        (Lang::Ruby, b"private def bar; end; private :bar, :", BROKEN),
        (Lang::Ruby, b"class << self\n  def bar", BROKEN),
        (Lang::Ruby, b"Foo.new.bar\n__END__\n\xff", Some(&["call bar@1"])),
        // A symbol holding a NUL is not the name `bar`: dynamic dispatch.
        (Lang::Ruby, b"send(:\"ba\\u0000r\")", Some(&["dynamic@1"])),
        (
            Lang::Ruby,
            b"delegate :bar, to: :x, private: true",
            Some(&["def bar Private@1"]),
        ),
        (Lang::Ruby, b"metadata['\xe9'] = 1\nmetadata.dig(", BROKEN),
        (Lang::Tsx, b"", Some(&[])),
        (Lang::Tsx, b"`${`${`${", BROKEN),
        (Lang::Tsx, b"<Foo bar={<Foo bar={", BROKEN),
        (Lang::Tsx, b"class Foo { #bar() {} static bar", BROKEN),
        (Lang::Tsx, b"import { bar as } from", BROKEN),
        (
            Lang::Tsx,
            b"x.metadata?.['\xe9']",
            Some(&["key metadata.\u{fffd} Read@1"]),
        ),
        (Lang::Tsx, b"process.env[`A${b}`]", Some(&[])),
        (Lang::TypeScript, b"<Foo>bar()</Foo>", BROKEN),
        (Lang::Erb, b"<%", BROKEN),
        (Lang::Erb, b"<%= %><%= %>", Some(&[])),
        (Lang::Erb, b"<%# <%= Foo.new.bar %>", Some(&[])),
        (Lang::Erb, b"<%% %%><%= \xff %>", Some(&[])),
        (Lang::Erb, b"<%= @foo.bar -%>\r\n<% end %>", Some(&["call bar@1"])),
    ];
    for (lang, input, want) in cases {
        let facts = seamscan::lang::extract(*lang, input, &interest());
        for c in &facts.calls {
            assert!(c.line >= 1, "{lang:?} {input:?}: line 0");
        }
        match want {
            Some(w) => {
                assert!(!facts.parse_error, "{lang:?} {input:?} is well-formed");
                assert_eq!(
                    rendered(&facts),
                    *w,
                    "{lang:?} {:?}",
                    String::from_utf8_lossy(input)
                );
            }
            None => assert!(
                facts.parse_error,
                "{lang:?} {input:?}: syntax errors not reported"
            ),
        }
    }
}

/// Plans the fuzzer found; each must give the outcome listed: a plan error
/// (with its position), or a plan whose repo or glob check fails, or a
/// plan that is fine.
#[test]
fn fuzz_regressions_plan() {
    enum Want {
        PlanError(&'static str),
        UnknownRepo(&'static str),
        BadGlob(&'static str),
        Fine,
    }
    use Want::*;
    let head = "version: 1\nphases:\n  - points:\n";
    let cases: Vec<(String, Want)> = vec![
        (
            format!("{head}      - method: \"#\"\n"),
            PlanError("fuzz.yaml:4:17: method `#` has an empty method name"),
        ),
        (
            format!("{head}      - method: \"::#a\"\n"),
            PlanError("fuzz.yaml:4:17: method `::#a`: owner `::`"),
        ),
        (
            format!("{head}      - method: \"A::::B#a\"\n"),
            PlanError("fuzz.yaml:4:17: method `A::::B#a`: owner"),
        ),
        (format!("{head}      - method: \"\\u00e9.\\u00e9\"\n"), Fine),
        (
            format!("{head}      - jsonb: \".\"\n"),
            PlanError("fuzz.yaml:4:16: jsonb `.`"),
        ),
        (
            format!("{head}      - env: \"\"\n"),
            PlanError("fuzz.yaml:4:14: empty env name"),
        ),
        (
            "version: 1\ntests: [\"[\"]\nphases:\n  - points:\n      - method: a\n".to_string(),
            BadGlob("invalid glob `[`"),
        ),
        (
            "version: 1\nexclude: [\"{a,{b\"]\nphases:\n  - points:\n      - method: a\n".to_string(),
            BadGlob("invalid glob `{a,{b`"),
        ),
        (
            format!("{head}      - method: a\n        callers: [\"\\u00e9\"]\n"),
            UnknownRepo("fuzz.yaml:5:18: unknown repo `\u{e9}`"),
        ),
        (
            format!("{head}      - method: a\n        env: [\"\\t\"]\n"),
            PlanError("fuzz.yaml:5:14: empty env var name"),
        ),
        (
            "&a version: 1\n".to_string(),
            PlanError("fuzz.yaml:1:1: plan has no points"),
        ),
        (
            "version: !!binary AQ==\n".to_string(),
            PlanError("unsupported plan version"),
        ),
        (
            "? version\n: 1\n".to_string(),
            PlanError("fuzz.yaml:1:1: plan has no points"),
        ),
        (
            "version: 1\n<<: {phases: []}\n".to_string(),
            PlanError("fuzz.yaml:1:1: plan has no points"),
        ),
    ];
    for (text, want) in &cases {
        let parsed = seamscan::plan::parse("fuzz.yaml", text);
        match (parsed, want) {
            (Err(e), PlanError(m)) => assert!(
                e.to_string().starts_with(m) || e.to_string().contains(m),
                "{text:?}: {e}"
            ),
            (Err(e), _) => panic!("{text:?}: unexpected plan error {e}"),
            (Ok(_), PlanError(m)) => panic!("{text:?}: accepted, expected {m}"),
            (Ok(plan), want) => {
                let repos = plan.check_repos(&["api".to_string()]);
                let globs = seamscan::workspace::Classifier::new(&plan);
                let pre = seamscan::audit::Prefilter::new(&plan);
                assert!(
                    !pre.patterns.is_empty(),
                    "{text:?}: the point's name is looked for"
                );
                let all = pre.patterns.join(" ");
                assert_eq!(
                    pre.mentions(all.as_bytes()).0.len(),
                    pre.patterns.len(),
                    "{text:?}"
                );
                match want {
                    UnknownRepo(m) => assert!(repos.unwrap_err().to_string().starts_with(m), "{text:?}"),
                    BadGlob(m) => {
                        let e = globs.err().expect("glob error").to_string();
                        assert!(e.starts_with("fuzz.yaml: ") && e.contains(m), "{text:?}: {e}");
                    }
                    Fine => {
                        assert!(repos.is_ok() && globs.is_ok(), "{text:?}");
                    }
                    PlanError(_) => unreachable!(),
                }
            }
        }
    }
}

/// Config lines the fuzzer found: only a real assignment is a definition.
#[test]
fn fuzz_regressions_config_scan() {
    let names: std::collections::BTreeSet<String> =
        ["FEATURE_X", "a"].iter().map(|s| s.to_string()).collect();
    for (text, want) in [
        ("", None),
        ("=", None),
        ("export =", None),
        ("ENV", None),
        ("ARG ", None),
        ("- =x", None),
        ("\"\":", None),
        ("name:", None),
        ("  - name: \n    value:", None),
        ("FEATURE_X=\u{e9}\r\n", Some("FEATURE_X")),
        ("\u{feff}FEATURE_X=1", Some("FEATURE_X")),
        ("${FEATURE_X:-1}", None),
    ] {
        let defs = seamscan::lang::config::scan(text, &names);
        let got: Vec<(&str, u32)> = defs.iter().map(|d| (d.name.as_str(), d.line)).collect();
        let want: Vec<(&str, u32)> = want.into_iter().map(|n| (n, 1)).collect();
        assert_eq!(got, want, "{text:?}");
    }
}
