//! Issue #20: reports are safe to print and to post.
//!
//! One adversarial workspace, built at test time: a repo, directories and
//! files named with terminal escapes (OSC 0 and OSC 52, CSI, BEL, a C1 CSI,
//! a bidi override), backticks, `|`, link syntax and HTML, and code that
//! reads a JSON key and an env var named the same way. Every output format
//! and stderr are checked byte by byte for control characters, and the
//! Markdown is parsed (pulldown-cmark, CommonMark + GFM tables) to prove that
//! no scanned text lies outside a code span and nothing is a link, an image
//! or HTML. Every scanned name carries the marker `HOSTILE`.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_seamscan");

/// The repo that calls `Foo#bar`: OSC 52 (clipboard write), BEL, a C1 CSI.
const REPO: &str = "web\u{1b}]52;c;SE9TVElMRQ==\u{7}\u{9b}2JHOSTILE";
/// Caller files, relative to `REPO`.
const CALLERS: [&str; 6] = [
    // Retitle the window and clear the screen.
    "app/jobs/evil\u{1b}]0;pwned\u{7}\u{1b}[2J HOSTILE.rb",
    // Backticks that would close a naive code span.
    "app/jobs/tick`HOSTILE``x`.rb",
    // A live link and an image with an event handler, across directories.
    "app/a`](http:/evil.example/x) HOSTILE <img src=x onerror=alert(1)>.rb",
    // Table breakers and a newline.
    "app/jobs/pipe|cell|HOSTILE\nnext line.rb",
    // A bidi override and DEL.
    "app/jobs/bidi\u{202e}HOSTILE\u{7f}.rb",
    // Markdown block syntax at the start of a name.
    "app/jobs/# HOSTILE [x](javascript:alert(1)).rb",
];
/// A JSON key written and another read, and an env var read in the caller
/// that gates the call.
const KEY_WRITTEN: &str = "HOSTILE_w\u{1b}[31m`k`<b>x</b>";
const KEY_READ: &str = "HOSTILE_r\u{7}](http://evil.example)";
const ENV_VAR: &str = "HOSTILE_ENV\u{1b}]52;c;eA==\u{7}`|`<img src=x>";
/// A file that fails to parse: it goes to `warnings` and `verify`.
const BROKEN: &str = "app/jobs/broken\u{1b}[5mHOSTILE\u{85}.rb";

/// Characters that must never be written raw: C0 and C1 controls other than
/// newline and tab, DEL, and the bidi controls.
fn forbidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn assert_no_raw_controls(what: &str, bytes: &[u8]) {
    let s = std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{what} is not UTF-8: {e}"));
    if let Some((i, c)) = s.char_indices().find(|(_, c)| forbidden(*c)) {
        let from = s[..i].char_indices().rev().nth(60).map(|(j, _)| j).unwrap_or(0);
        panic!(
            "{what}: raw U+{:04X} at byte {i}, after {:?}",
            c as u32,
            &s[from..i]
        );
    }
}

/// How a name reads on one line once escaped (`\u{1b}`).
fn escaped(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if forbidden(c) || c == '\n' {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

struct Ws {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    plan: PathBuf,
}

fn write(path: &Path, bytes: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

/// YAML double-quoted string for `s`, control characters escaped (YAML
/// refuses raw C1 characters).
fn yaml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn hostile_ws() -> Ws {
    let tmp = tempfile::tempdir().unwrap();
    // The workspace directory itself is hostile too: its name is shown in
    // the Markdown header, the JSON and error messages.
    let root = tmp.path().join("ws\u{1b}]0;HOSTILE root\u{7}");
    write(
        &root.join("api/app/models/foo.rb"),
        "class Foo\n  def bar\n    1\n  end\n\n  private\n\n  def secret\n    2\n  end\nend\n",
    );
    let caller = format!(
        "class Job\n  def perform(video)\n    if ENV[\"{ENV_VAR}\"] == \"1\"\n      Foo.new.bar\n      Foo.new.secret\n    end\n  end\nend\n"
    );
    for c in CALLERS {
        write(&root.join(REPO).join(c), &caller);
    }
    write(
        &root.join(REPO).join("app/models/video.rb"),
        &format!(
            "class Video\n  def save_it\n    metadata[\"{KEY_WRITTEN}\"] = 1\n  end\n  def show\n    metadata[\"{KEY_READ}\"]\n  end\nend\n"
        ),
    );
    write(&root.join(REPO).join(BROKEN), "Foo.new.bar\ndef (((\n");
    // A server route and a params key named with escapes (issue 15).
    write(
        &root.join("api/server.js"),
        "const app = express();\napp.post('/hostile/HOSTILE\u{1b}[2J`|<b>x</b>', (req, res) => {});\n",
    );
    write(
        &root.join("api/app/controllers/hostiles_controller.rb"),
        "class HostilesController < ApplicationController\n  def create\n    params[:\"HOSTILE_p\\e]0;t\\a`|<img src=x>\"]\n  end\nend\n",
    );
    let plan = tmp.path().join("plan.yaml");
    fs::write(
        &plan,
        format!(
            "version: 1
name: Hostile <script>alert(1)</script> [t](http://e.example)
phases:
  - name: \"Phase ![i](http://e.example/i.png) | x\"
    points:
      - method: Foo#bar
        repo: api
        callers: [api, {repo}]
        note: \"see <img src=x onerror=alert(1)> and [here](http://e.example) `x`\"
      - method: Foo#missing
        accept: [{{code: missing-definition, reason: \"gone \\e]0;pwned\\a <img src=x onerror=alert(1)> [r](http://e.example)\"}}]
      - method: Foo#secret
      - jsonb: Video.metadata
      - method: \"Foo#a|b\"
      - route: \"POST /hostile\\e[31m/`x`|<b>HOSTILE</b>\"
      - action: hostiles#create
",
            repo = yaml_str(REPO)
        ),
    )
    .unwrap();
    Ws {
        _tmp: tmp,
        root,
        plan,
    }
}

fn run(args: &[&std::ffi::OsStr]) -> Output {
    let out = Command::new(BIN)
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    out
}

fn audit(ws: &Ws, extra: &[&str]) -> Output {
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "audit".as_ref(),
        "--plan".as_ref(),
        ws.plan.as_os_str(),
        ws.root.as_os_str(),
    ];
    if !extra.contains(&"-j") {
        args.extend([std::ffi::OsStr::new("-j"), std::ffi::OsStr::new("2")]);
    }
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    let out = run(&args);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn locations(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn json_escapes_control_characters_and_keeps_the_data() {
    let ws = hostile_ws();
    let out = audit(&ws, &["--timings"]);
    assert_no_raw_controls("JSON stdout", &out.stdout);
    assert_no_raw_controls("stderr (summary, --timings)", &out.stderr);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    // The data is unchanged for a JSON reader: the hostile names are there,
    // raw, once decoded.
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "method:Foo#bar")
        .unwrap();
    let callers = locations(&f["callers_found"]);
    for c in CALLERS {
        let want = format!("{REPO}/{c}:4");
        assert!(callers.contains(&want), "{want:?} not in {callers:?}");
    }
    assert_eq!(f["config"][0]["name"], ENV_VAR, "{f:#}");
    let j = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "jsonb:Video.metadata")
        .unwrap();
    let keys: Vec<&str> = j["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, [KEY_READ, KEY_WRITTEN]);
    // A server route's path in a route's message, a params key in an
    // action's notes: kept as data.
    let find = |id: &str| {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"].as_str().is_some_and(|i| i.starts_with(id)))
            .unwrap()
            .clone()
    };
    let r = find("route:POST /hostile");
    assert!(
        r["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("/hostile/HOSTILE\u{1b}[2J`|<b>x</b>"),
        "{r:#}"
    );
    let a = find("action:hostiles#create");
    assert!(
        a["notes"]
            .as_str()
            .unwrap()
            .contains("`HOSTILE_p\u{1b}]0;t\u{7}`|<img src=x>`"),
        "{a:#}"
    );
    assert!(
        locations(&v["warnings"])
            .iter()
            .any(|w| w.starts_with(&format!("{REPO}/{BROKEN}: syntax errors"))),
        "{}",
        v["warnings"]
    );
    // serde_json escapes C0; C1, DEL and bidi controls are escaped too.
    let text = String::from_utf8(out.stdout).unwrap();
    for esc in [
        "\\u001b]52;c;",
        "\\u0007",
        "\\u009b2J",
        "\\u202e",
        "\\u007f",
        "\\u0085",
    ] {
        assert!(text.contains(esc), "no {esc} in the JSON");
    }
}

/// Every piece of inline text in `md`, by where it is.
struct MdScan {
    code: Vec<String>,
    text: Vec<String>,
    live: Vec<String>,
}

fn scan_markdown(md: &str) -> MdScan {
    let mut s = MdScan {
        code: Vec::new(),
        text: Vec::new(),
        live: Vec::new(),
    };
    let mut head_cells = 0;
    let mut row_cells = 0;
    let mut in_head = false;
    for ev in Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match ev {
            Event::Code(c) => s.code.push(c.into_string()),
            Event::Text(t) => s.text.push(t.into_string()),
            Event::Html(h) | Event::InlineHtml(h) => s.live.push(format!("HTML {h}")),
            Event::Start(Tag::Link { dest_url, .. }) => s.live.push(format!("link {dest_url}")),
            Event::Start(Tag::Image { dest_url, .. }) => s.live.push(format!("image {dest_url}")),
            Event::Start(Tag::TableHead) => {
                in_head = true;
                head_cells = 0;
            }
            Event::End(TagEnd::TableHead) => in_head = false,
            Event::Start(Tag::TableRow) => row_cells = 0,
            Event::Start(Tag::TableCell) => {
                if in_head {
                    head_cells += 1;
                } else {
                    row_cells += 1;
                }
            }
            Event::End(TagEnd::TableRow) => {
                assert_eq!(row_cells, head_cells, "a table row lost or gained a cell:\n{md}")
            }
            _ => {}
        }
    }
    s
}

/// GitHub (cmark-gfm) splits a table row at every `|` not directly preceded
/// by a backslash, code spans included (pulldown-cmark keeps pipes inside
/// code spans, so it cannot check this): every row must have as many such
/// pipes as its table's header.
fn assert_gfm_rows_intact(md: &str) {
    let pipes = |l: &str| {
        let b = l.as_bytes();
        (0..b.len())
            .filter(|&i| b[i] == b'|' && (i == 0 || b[i - 1] != b'\\'))
            .count()
    };
    let mut header = None;
    for l in md.lines() {
        if !l.starts_with('|') {
            header = None;
            continue;
        }
        match header {
            None => header = Some(pipes(l)),
            Some(n) => assert_eq!(pipes(l), n, "row split differently from its header: {l:?}"),
        }
    }
}

#[test]
fn markdown_keeps_scanned_text_in_code_spans() {
    let ws = hostile_ws();
    let out = audit(&ws, &["--format", "markdown"]);
    assert_no_raw_controls("Markdown stdout", &out.stdout);
    assert_no_raw_controls("stderr", &out.stderr);
    let md = String::from_utf8(out.stdout).unwrap();
    assert_gfm_rows_intact(&md);
    let s = scan_markdown(&md);
    assert!(
        s.live.is_empty(),
        "live links, images or HTML: {:?}\n{md}",
        s.live
    );
    for t in &s.text {
        assert!(
            !t.contains("HOSTILE"),
            "scanned text outside a code span: {t:?}\n{md}"
        );
    }
    // Each caller location is one code span holding exactly the escaped
    // name: the fence and padding rules kept every backtick inside.
    for c in CALLERS {
        let want = escaped(&format!("{REPO}/{c}:4"));
        assert!(
            s.code.contains(&want),
            "no code span {want:?} in {:?}\n{md}",
            s.code
        );
    }
    for k in [KEY_READ, KEY_WRITTEN, ENV_VAR] {
        assert!(
            s.code.contains(&escaped(k)),
            "no code span for {k:?} in {:?}",
            s.code
        );
    }
    assert!(
        s.code
            .iter()
            .any(|c| c.starts_with(&escaped(&format!("{REPO}/{BROKEN}")))),
        "the broken file is not named in a code span: {:?}",
        s.code
    );
    // The plan's own prose is shown, inert.
    assert!(s.text.iter().any(|t| t.contains("onerror=alert(1)")), "{md}");
    // Route and action messages are seamscan's words around code spans:
    // the hostile key of a params read is one code span of its own, and
    // the words around it are plain text.
    assert!(
        s.code.contains(&escaped("HOSTILE_p\u{1b}]0;t\u{7}`|<img src=x>")),
        "{:?}",
        s.code
    );
    assert!(
        s.text.iter().any(|t| t.contains("no route serves")),
        "{:?}",
        s.text
    );
    // The point id with `|` stays in its cell (checked per row above) and
    // reads back whole.
    assert!(s.code.iter().any(|c| c == "method:Foo#a|b"), "{:?}", s.code);
    // Messages sort by their text whatever the thread count.
    for j in ["1", "8"] {
        let other = audit(&ws, &["--format", "markdown", "-j", j]);
        assert!(other.stdout == md.as_bytes(), "-j {j} differs from -j 2");
    }
}

#[test]
fn sarif_messages_are_plain_and_uris_encoded() {
    let ws = hostile_ws();
    let out = audit(&ws, &["--format", "sarif"]);
    assert_no_raw_controls("SARIF stdout", &out.stdout);
    assert_no_raw_controls("stderr", &out.stderr);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    let mut shown = 0;
    let mut suppressed = 0;
    for r in results {
        let text = r["message"]["text"].as_str().unwrap();
        // Decoded, the message still holds no control character: it is
        // escaped for display, not only for JSON.
        assert_no_raw_controls("SARIF message.text", text.as_bytes());
        assert!(r["message"].get("markdown").is_none());
        for sup in r["suppressions"].as_array().into_iter().flatten() {
            suppressed += 1;
            let why = sup["justification"].as_str().unwrap();
            assert_no_raw_controls("SARIF suppression", why.as_bytes());
            assert!(why.contains("gone \\u{1b}]0;pwned\\u{7}"), "{why:?}");
        }
        if text.contains("HOSTILE") {
            shown += 1;
        }
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(
            uri.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@%".contains(&b)),
            "not a percent-encoded URI: {uri:?}"
        );
    }
    assert!(shown > 0, "no result names the hostile files: {v:#}");
    assert_eq!(suppressed, 1, "the plan's accept: is a suppression");
    let all: Vec<&str> = results
        .iter()
        .map(|r| r["message"]["text"].as_str().unwrap())
        .collect();
    // `private in Foo but called from ...` names every caller.
    let want = escaped(&format!("{REPO}/{}:5", CALLERS[0]));
    assert!(all.iter().any(|t| t.contains(&want)), "{want:?} not in {all:#?}");
    let uris: Vec<&str> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(
        uris.iter()
            .any(|u| u.starts_with("web%1B%5D52;c;SE9TVElMRQ==%07%C2%9B2JHOSTILE/")),
        "{uris:?}"
    );
}

#[test]
fn errors_on_stderr_escape_plan_text_and_workspace_names() {
    let ws = hostile_ws();
    // A plan whose unknown key is an escape sequence.
    let bad = ws.plan.with_file_name("bad\u{1b}[2J.yaml");
    fs::write(
        &bad,
        "version: 1\nphases:\n  - points:\n      - method: Foo#bar\n        \"k\\e]0;pwned\\a\\x9b\": 1\n",
    )
    .unwrap();
    let out = run(&[
        "audit".as_ref(),
        "--plan".as_ref(),
        bad.as_os_str(),
        ws.root.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_no_raw_controls("plan error", &out.stderr);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("bad\\u{1b}[2J.yaml"), "{err}");
    assert!(err.contains("\\u{1b}]0;pwned\\u{7}\\u{9b}"), "{err}");
    // An unknown repo: the error lists the workspace's repos, one of which
    // is named with an escape sequence.
    fs::write(
        &bad,
        "version: 1\nphases:\n  - points:\n      - method: Foo#bar\n        callers: [nope]\n",
    )
    .unwrap();
    let out = run(&[
        "audit".as_ref(),
        "--plan".as_ref(),
        bad.as_os_str(),
        ws.root.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_no_raw_controls("unknown-repo error", &out.stderr);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains(&escaped(REPO)), "{err}");
    // A workspace that does not exist, named with an escape sequence.
    let missing = ws.root.with_file_name("gone\u{1b}]52;c;eA==\u{7}");
    let out = run(&[
        "audit".as_ref(),
        "--plan".as_ref(),
        ws.plan.as_os_str(),
        missing.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_no_raw_controls("workspace error", &out.stderr);
    // A command-line argument clap echoes back.
    let out = run(&[
        "audit".as_ref(),
        "--plan".as_ref(),
        ws.plan.as_os_str(),
        "--format".as_ref(),
        "x\u{1b}[2J".as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_no_raw_controls("usage error", &out.stderr);
}

/// A repo with config files only: the "no source file" alert names it on
/// stderr and in the warnings.
const CONFIG_REPO: &str = "cfg\u{1b}]52;c;eA==\u{7}HOSTILE";
/// An unread (Python) file in `api` that spells a method nothing calls: the
/// finding's notes and verify list name it.
const UNREAD: &str = "scripts/evil\u{1b}]0;pwned\u{7}`x`|HOSTILE [l](http:/e.example)/job.py";
/// A Ruby file in `api` that spells a JSON column only in a string: the
/// finding's notes name it.
const SPELLER: &str = "lib/evil\u{1b}[2J`HOSTILE`<b>x</b>.rb";

/// Outputs added by issue 14 (alerts on stderr, notes on what was not read)
/// name scanned repos and files too.
#[test]
fn alerts_and_notes_on_unread_files_stay_inert() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("ws");
    write(
        &root.join("api/app/models/foo.rb"),
        "class Foo\n  def refresh_all\n    1\n  end\nend\n",
    );
    write(&root.join("api").join(UNREAD), "import x\nx.refresh_all()\n");
    write(&root.join("api").join(SPELLER), "COLUMNS = [\"meta_data\"]\n");
    write(&root.join(CONFIG_REPO).join("config/settings.yml"), "a: 1\n");
    let plan = tmp.path().join("plan.yaml");
    fs::write(
        &plan,
        "version: 1\nphases:\n  - name: p\n    points:\n      - method: Foo#refresh_all\n      - jsonb: Video.meta_data\n",
    )
    .unwrap();
    let audit = |format: &str| {
        let out = run(&[
            "audit".as_ref(),
            "--plan".as_ref(),
            plan.as_os_str(),
            root.as_os_str(),
            "--format".as_ref(),
            format.as_ref(),
        ]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_no_raw_controls(&format!("{format} stdout"), &out.stdout);
        assert_no_raw_controls(&format!("stderr of {format}"), &out.stderr);
        out
    };
    let unread_loc = format!("api/{UNREAD}:2");
    let speller = format!("api/{SPELLER}");

    // JSON keeps the data; stderr shows the alert escaped.
    let out = audit("json");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let finding = |id: &str| {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == id)
            .unwrap_or_else(|| panic!("no {id} in {v:#}"))
            .clone()
    };
    let notes = finding("method:Foo#refresh_all")["notes"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(notes.contains(&unread_loc), "{notes:?}");
    let notes = finding("jsonb:Video.meta_data")["notes"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(notes.contains(&speller), "{notes:?}");
    let alert = format!("{CONFIG_REPO}: no source file");
    assert!(
        locations(&v["warnings"]).iter().any(|w| w.starts_with(&alert)),
        "{}",
        v["warnings"]
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(&format!(
            "seamscan: warning: {}: no source file",
            escaped(CONFIG_REPO)
        )),
        "{err}"
    );

    // Markdown: each name is one code span, nothing of it outside one.
    let out = audit("markdown");
    let md = String::from_utf8(out.stdout).unwrap();
    assert_gfm_rows_intact(&md);
    let s = scan_markdown(&md);
    assert!(
        s.live.is_empty(),
        "live links, images or HTML: {:?}\n{md}",
        s.live
    );
    for t in &s.text {
        assert!(
            !t.contains("HOSTILE"),
            "scanned text outside a code span: {t:?}\n{md}"
        );
    }
    // Our own words stay prose (a message built as one untrusted string
    // would be inert too, but one opaque code span).
    for ours in [
        "Files seamscan does not parse spell ",
        "Source files spell ",
        ": no source file (Ruby, ERB, TypeScript, JavaScript); only its config files were read",
        "whether the unparsed files that spell ",
    ] {
        assert!(
            s.text.iter().any(|t| t.contains(ours)),
            "{ours:?} is not prose in {:?}\n{md}",
            s.text
        );
    }
    for want in [escaped(&unread_loc), escaped(&speller), escaped(CONFIG_REPO)] {
        assert!(
            s.code.contains(&want),
            "no code span {want:?} in {:?}\n{md}",
            s.code
        );
    }

    // SARIF message texts are escaped for display.
    let out = audit("sarif");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    for r in v["runs"][0]["results"].as_array().unwrap() {
        assert_no_raw_controls(
            "SARIF message.text",
            r["message"]["text"].as_str().unwrap().as_bytes(),
        );
    }
}
