//! Issue #7, properties: the output is byte-identical whatever `--jobs` is
//! and from one run to the next (`stats.elapsed_ms` and the fact cache's
//! `cache_hits`/`cache_misses` aside), on the bundled
//! fixtures and on generated workspaces; and an audit never writes to the
//! workspace.

use assert_cmd::Command;
use proptest::prelude::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const FORMATS: [&str; 3] = ["json", "markdown", "sarif"];
/// Job counts compared; the first one is run twice.
const JOBS: [&str; 4] = ["1", "2", "8", "1"];

/// `"elapsed_ms": 12` → `"elapsed_ms": 0`, and the same for the fact
/// cache's `cache_hits` and `cache_misses` (one run fills the cache the
/// next one reads); everything else untouched.
fn blank_elapsed(mut out: Vec<u8>) -> Vec<u8> {
    for key in [
        &b"\"elapsed_ms\": "[..],
        b"\"cache_hits\": ",
        b"\"cache_misses\": ",
    ] {
        if let Some(i) = out.windows(key.len()).position(|w| w == key) {
            let start = i + key.len();
            let end = start + out[start..].iter().take_while(|b| b.is_ascii_digit()).count();
            out.splice(start..end, *b"0");
        }
    }
    out
}

/// One run of the built binary; returns (exit code, stdout with
/// `elapsed_ms` blanked).
fn run_bin(plan: &Path, ws: &Path, jobs: &str, format: &str) -> (i32, Vec<u8>) {
    let out = Command::cargo_bin("seamscan")
        .expect("binary")
        .args(["audit", "--plan"])
        .arg(plan)
        .arg(ws)
        .args(["--quiet", "-j", jobs, "--format", format])
        .env("RUST_BACKTRACE", "0")
        .timeout(Duration::from_secs(60))
        .output()
        .expect("run seamscan");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = out
        .status
        .code()
        .unwrap_or_else(|| panic!("killed: {:?} {stderr}", out.status));
    assert!(code == 0 || code == 1, "exit {code}: {stderr}");
    (code, blank_elapsed(out.stdout))
}

/// Every job count in `JOBS` gives the same bytes: JSON from separate
/// processes (run concurrently), Markdown and SARIF in-process (a process
/// start costs most of a second in a debug build).
fn assert_deterministic(plan: &Path, ws: &Path) {
    let scratch = tempfile::tempdir().expect("tempdir");
    for format in FORMATS {
        let outs: Vec<(i32, Vec<u8>)> = if format == "json" {
            std::thread::scope(|s| {
                let hs: Vec<_> = JOBS
                    .iter()
                    .map(|j| s.spawn(move || run_bin(plan, ws, j, format)))
                    .collect();
                hs.into_iter().map(|h| h.join().expect("thread")).collect()
            })
        } else {
            JOBS.iter()
                .map(|j| run_in_process(plan, ws, scratch.path(), j, format))
                .collect()
        };
        for (j, o) in JOBS.iter().zip(&outs).skip(1) {
            assert_eq!(o.0, outs[0].0, "exit code with -j {j} ({format})");
            if o.1 != outs[0].1 {
                panic!(
                    "{format} output differs between -j {} and -j {j} on {}:\n{}",
                    JOBS[0],
                    ws.display(),
                    first_difference(&outs[0].1, &o.1)
                );
            }
        }
        if format == "json" {
            let v: Value = serde_json::from_slice(&outs[0].1).expect("JSON");
            check_invariants(&v);
        }
    }
}

/// The first differing line of two outputs, for messages.
fn first_difference(a: &[u8], b: &[u8]) -> String {
    let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    for (i, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        if x != y {
            return format!("line {}:\n- {x}\n+ {y}", i + 1);
        }
    }
    format!("lengths {} vs {}", a.len(), b.len())
}

/// `^[^/]+/.+:[0-9]+$`: a repo, a path inside it, a 1-based line, nothing
/// after it.
pub fn is_location(l: &str) -> bool {
    let Some((path, line)) = l.rsplit_once(':') else {
        return false;
    };
    let Some((repo, rest)) = path.split_once('/') else {
        return false;
    };
    !repo.is_empty()
        && !rest.is_empty()
        && !line.is_empty()
        && line.bytes().all(|b| b.is_ascii_digit())
        && line.parse::<u64>().is_ok_and(|n| n >= 1)
}

#[test]
fn location_format() {
    assert!(is_location("web/src/a.ts:12"));
    assert!(is_location("api/app/models/a b.rb:1"));
    assert!(!is_location("api/app/models/report.rb:42 (const_get(kind))"));
    assert!(!is_location("api/app/models/report.rb"));
    assert!(!is_location("report.rb:4"));
    assert!(!is_location("api/x.rb:0"));
}

/// Contract invariants of a JSON report: location lists sorted, free of
/// duplicates and shaped `repo/path:line`; findings sorted by risk, then id;
/// one finding per id; the summary adds up.
fn check_invariants(v: &Value) {
    let findings = v["findings"].as_array().expect("findings");
    let order = ["high", "medium", "low", "none"];
    let rank = |f: &Value| {
        order
            .iter()
            .position(|r| *r == f["risk"])
            .unwrap_or_else(|| panic!("risk {}", f["risk"]))
    };
    for w in findings.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        assert!(
            (rank(a), a["id"].as_str()) < (rank(b), b["id"].as_str()),
            "findings out of order or duplicated: {} then {}",
            a["id"],
            b["id"]
        );
    }
    let total: u64 = order
        .iter()
        .map(|r| v["summary"][r].as_u64().expect("summary"))
        .sum();
    assert_eq!(total as usize, findings.len());
    fn locs(v: &Value) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    if matches!(
                        k.as_str(),
                        "callers_found"
                            | "test_callers"
                            | "dynamic_callers"
                            | "read_at"
                            | "defined_at"
                            | "written_at"
                            | "locations"
                    ) && !x.is_null()
                    {
                        let list: Vec<&str> = x
                            .as_array()
                            .expect("list")
                            .iter()
                            .map(|s| s.as_str().expect("string"))
                            .collect();
                        for w in list.windows(2) {
                            assert!(w[0] < w[1], "{k} not sorted or has duplicates: {list:?}");
                        }
                        for l in &list {
                            assert!(is_location(l), "{k}: `{l}` is not repo/path:line");
                        }
                    }
                    if k == "location" {
                        let l = x.as_str().expect("location is a string");
                        assert!(is_location(l), "{k}: `{l}` is not repo/path:line");
                    }
                    locs(x);
                }
            }
            Value::Array(a) => a.iter().for_each(locs),
            _ => {}
        }
    }
    locs(&v["findings"]);
}

#[test]
fn fixtures_are_deterministic_across_jobs_and_runs() {
    // Every bundled plan, on the workspace its first line names.
    let mut plans: Vec<_> = std::fs::read_dir(Path::new(ROOT).join("plans"))
        .expect("plans/")
        .map(|e| e.expect("entry").path())
        .collect();
    plans.sort();
    assert!(plans.len() >= 2);
    for plan in plans {
        let text = std::fs::read_to_string(&plan).expect("plan");
        let ws = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# workspace: "))
            .unwrap_or_else(|| panic!("{} names no workspace", plan.display()));
        assert_deterministic(&plan, &Path::new(ROOT).join(ws));
    }
}

// ---------------------------------------------------------------------------
// Generated workspaces
// ---------------------------------------------------------------------------

const PLAN: &str = "version: 1
name: Generated
phases:
  - name: A
    points:
      - method: Foo#bar
        callers: [api, web]
      - method: Video.find_ready
      - method: helper
        env: [FEATURE_X]
      - env: FEATURE_X
      - env: OTHER_FLAG
      - jsonb: Video.metadata
  - name: B
    points:
      - method: Foo#bar
      - route: POST /videos/:id/render
";

const REPOS: [&str; 3] = ["api", "web", "worker"];
const DIRS: [&str; 8] = [
    "app/models",
    "app/jobs",
    "app/views/videos",
    "src",
    "src/lib",
    "spec",
    "lib/generated",
    "node_modules/x",
];
const RUBY: [&[u8]; 16] = [
    b"class Foo\n  def bar\n    1\n  end\nend\n",
    b"class Foo\n  private\n\n  def bar; end\nend\n",
    b"Foo.new.bar\n",
    b"Foo.new.bar if ENV['FEATURE_X'] == 'true'\n",
    b"send(:bar)\n",
    b"obj.public_send(name)\n",
    b"x = video.metadata['tts_url']\n",
    b"video.update(metadata: { narration_url: 1 })\n",
    b"def helper\n  ENV.fetch('FEATURE_X')\nend\n",
    b"def (((\n",
    b"helper\n",
    b"Video.find_ready\n",
    b"class Video\n  def self.find_ready; end\n  store_accessor :metadata, :checksum\nend\n",
    b"# caf\xe9 \xff\n",
    b"Object.const_get(name).bar\n",
    b"module A\n  class Foo\n    def bar; end\n  end\nend\n",
];
const TS: [&[u8]; 12] = [
    b"export class Foo { bar() { return 1; } }\n",
    b"class Foo { private bar() {} }\n",
    b"new Foo().bar();\n",
    b"if (process.env.FEATURE_X) { helper(); }\n",
    b"export function helper() { return 1; }\n",
    b"const u = video.metadata.ttsUrl;\n",
    b"save({ metadata: { tts_url: 1 } });\n",
    b"import { helper } from './lib';\n",
    b"function ((( {\n",
    b"obj[name]();\n",
    b"const el = <Foo bar={1} />;\n",
    b"export const helper = () => process.env.OTHER_FLAG;\n",
];
const ERB: [&[u8]; 4] = [
    b"<%= @foo.bar %>\n",
    b"<% helper %>\n",
    b"<p>text</p>\n",
    b"<%= video.metadata['tts_url'] %>\n",
];
const CONFIG: [&[u8]; 4] = [
    b"FEATURE_X=1\n",
    b"# FEATURE_X=0\n",
    b"OTHER_FLAG=2\n",
    b"export FEATURE_X=true\n",
];
const EXTS: [&str; 6] = ["rb", "ts", "tsx", "js", "html.erb", "env"];

/// One generated file: repo, directory, name, extension (indices into the
/// tables above) and its lines (indices into the snippet table of its kind).
type FileSpec = (usize, usize, usize, usize, Vec<usize>);

fn write_workspace(root: &Path, files: &[FileSpec]) {
    for (repo, dir, name, ext, lines) in files {
        let repo = REPOS[*repo % REPOS.len()];
        let ext = EXTS[*ext % EXTS.len()];
        let (rel, table): (String, &[&[u8]]) = match ext {
            "env" => (format!("{repo}/.env"), &CONFIG),
            "rb" => (format!("{repo}/{}/f{name}.rb", DIRS[*dir % DIRS.len()]), &RUBY),
            "html.erb" => (
                format!("{repo}/{}/f{name}.html.erb", DIRS[*dir % DIRS.len()]),
                &ERB,
            ),
            _ => (format!("{repo}/{}/f{name}.{ext}", DIRS[*dir % DIRS.len()]), &TS),
        };
        let mut content = Vec::new();
        for l in lines {
            content.extend_from_slice(table[*l % table.len()]);
        }
        let p = root.join(rel);
        fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        let mut f = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&p)
            .expect("open");
        std::io::Write::write_all(&mut f, &content).expect("write");
    }
    // Every repo exists and holds source; something is git-ignored.
    for r in REPOS {
        let base = root.join(r).join("lib/base.rb");
        fs::create_dir_all(base.parent().expect("parent")).expect("mkdir");
        fs::write(
            base,
            "module Base
end
",
        )
        .expect("write");
    }
    fs::write(root.join("web/.gitignore"), "lib/generated/\n").expect("write");
}

fn file_spec() -> impl Strategy<Value = FileSpec> {
    (
        0..REPOS.len(),
        0..DIRS.len(),
        0..4usize,
        0..EXTS.len(),
        prop::collection::vec(0..16usize, 1..6),
    )
}

/// A deterministic file list (xorshift), for the binary-level test.
fn seeded_files(n: usize, seed: u64) -> Vec<FileSpec> {
    let mut x = seed | 1;
    let mut next = |m: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % m as u64) as usize
    };
    (0..n)
        .map(|_| {
            let lines = (0..1 + next(8)).map(|_| next(16)).collect();
            (next(3), next(DIRS.len()), next(40), next(EXTS.len()), lines)
        })
        .collect()
}

struct Generated {
    _tmp: tempfile::TempDir,
    plan: PathBuf,
    ws: PathBuf,
}

fn generate(files: &[FileSpec]) -> Generated {
    let tmp = tempfile::tempdir().expect("tempdir");
    let ws = tmp.path().join("ws");
    let plan = tmp.path().join("plan.yaml");
    fs::write(&plan, PLAN).expect("plan");
    write_workspace(&ws, files);
    Generated { _tmp: tmp, plan, ws }
}

#[test]
fn generated_workspace_is_deterministic_across_jobs_and_runs() {
    let g = generate(&seeded_files(400, 0x5eed));
    assert_deterministic(&g.plan, &g.ws);
}

/// In-process run through the CLI entry point (the binary's `main`), so a
/// property case costs milliseconds, not a process start.
fn run_in_process(plan: &Path, ws: &Path, scratch: &Path, jobs: &str, format: &str) -> (i32, Vec<u8>) {
    let out = scratch.join(format!("out-{jobs}-{format}"));
    let args: Vec<&std::ffi::OsStr> = vec![
        "seamscan".as_ref(),
        "audit".as_ref(),
        "--plan".as_ref(),
        plan.as_os_str(),
        ws.as_os_str(),
        "--quiet".as_ref(),
        "-j".as_ref(),
        jobs.as_ref(),
        "--format".as_ref(),
        format.as_ref(),
        "--output".as_ref(),
        out.as_os_str(),
    ];
    let code = seamscan::cli::main_with_args(args);
    let bytes = fs::read(&out).unwrap_or_default();
    let _ = fs::remove_file(&out);
    (code, blank_elapsed(bytes))
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 16,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_workspaces_are_deterministic(files in prop::collection::vec(file_spec(), 1..24)) {
        let g = generate(&files);
        for format in FORMATS {
            let first = run_in_process(&g.plan, &g.ws, g._tmp.path(), JOBS[0], format);
            prop_assert!(first.0 == 0 || first.0 == 1, "exit {}", first.0);
            prop_assert!(!first.1.is_empty());
            for j in &JOBS[1..] {
                let other = run_in_process(&g.plan, &g.ws, g._tmp.path(), j, format);
                prop_assert_eq!(first.0, other.0);
                prop_assert!(
                    first.1 == other.1,
                    "{} output differs between -j {} and -j {}:\n{}",
                    format, JOBS[0], j, first_difference(&first.1, &other.1)
                );
            }
            if format == "json" {
                let v: Value = serde_json::from_slice(&first.1).expect("JSON");
                check_invariants(&v);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Read-only
// ---------------------------------------------------------------------------

#[derive(Debug, PartialEq, Eq)]
struct Entry {
    kind: &'static str,
    mode: u32,
    len: u64,
    mtime: Option<SystemTime>,
    /// File content, or a symlink's target.
    content: Vec<u8>,
}

/// Every entry under `root` (symlinks not followed), with its metadata and
/// content.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Entry> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(p) = stack.pop() {
        let m = fs::symlink_metadata(&p).expect("metadata");
        let ft = m.file_type();
        let (kind, content) = if ft.is_symlink() {
            (
                "symlink",
                fs::read_link(&p)
                    .expect("readlink")
                    .into_os_string()
                    .into_encoded_bytes(),
            )
        } else if ft.is_dir() {
            if let Ok(rd) = fs::read_dir(&p) {
                for e in rd {
                    stack.push(e.expect("entry").path());
                }
            }
            ("dir", Vec::new())
        } else if ft.is_file() {
            ("file", fs::read(&p).unwrap_or_default())
        } else {
            ("other", Vec::new())
        };
        out.insert(
            p.strip_prefix(root).expect("prefix").to_path_buf(),
            Entry {
                kind,
                mode: m.mode(),
                len: m.len(),
                mtime: m.modified().ok(),
                content,
            },
        );
    }
    out
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for e in fs::read_dir(from).expect("read_dir") {
        let e = e.expect("entry");
        let t = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_tree(&e.path(), &t);
        } else {
            fs::copy(e.path(), &t).expect("copy");
        }
    }
}

#[test]
fn an_audit_never_writes_to_the_workspace() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let ws = tmp.path().join("ws");
    // The fixtures, plus hostile extras: a syntax error, a symlink out, a
    // git-ignored directory, a hidden directory, a config directory.
    copy_tree(&Path::new(ROOT).join("fixtures/render-pipeline"), &ws);
    fs::write(
        ws.join("renderer/app/services/broken.rb"),
        "class VideoRenderService\n  def render_for_all_platforms(\n",
    )
    .expect("write");
    std::os::unix::fs::symlink(tmp.path(), ws.join("web/src/outside")).expect("symlink");
    fs::write(ws.join("web/.gitignore"), "generated/\n").expect("write");
    fs::create_dir_all(ws.join("web/generated")).expect("mkdir");
    fs::write(ws.join("web/generated/x.ts"), "slugify('a');\n").expect("write");
    fs::create_dir_all(ws.join("web/.github/workflows")).expect("mkdir");
    fs::write(ws.join("web/.github/workflows/ci.yml"), "env:\n  PLAYER_CDN: x\n").expect("write");
    let plan = Path::new(ROOT).join("plans/render-pipeline.yaml");
    let out_file = tmp.path().join("report.out");

    // Let a coarse file-system clock tick, so a rewrite would show.
    std::thread::sleep(Duration::from_millis(20));
    let before = snapshot(&ws);
    run_bin(&plan, &ws, "1", "json");
    run_bin(&plan, &ws, "4", "markdown");
    let out = Command::cargo_bin("seamscan")
        .expect("binary")
        .args(["audit", "--plan"])
        .arg(&plan)
        .arg(&ws)
        .args(["--format", "sarif", "--output"])
        .arg(&out_file)
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("run");
    assert!(out.status.code().is_some_and(|c| c == 0 || c == 1));
    assert!(fs::metadata(&out_file).is_ok_and(|m| m.len() > 0));
    let after = snapshot(&ws);
    let created: Vec<_> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    assert!(created.is_empty(), "created in the workspace: {created:?}");
    let removed: Vec<_> = before.keys().filter(|k| !after.contains_key(*k)).collect();
    assert!(removed.is_empty(), "removed from the workspace: {removed:?}");
    for (p, b) in &before {
        assert_eq!(b, &after[p], "{} changed", p.display());
    }
}
