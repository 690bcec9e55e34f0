//! Every plan key does what the docs say, or is refused (issue 11): `accept:`
//! on every audited kind, `repo`/`callers`/`env` on `jsonb` points, keys on
//! kinds that are not audited yet, and the version message.

mod common;

use common::{Accepted, Report, audit, seamscan, write_files};
use std::path::{Path, PathBuf};

struct Ws {
    _dir: tempfile::TempDir,
    root: PathBuf,
    ws: PathBuf,
}

/// Two repos: `api` (Ruby) writes `metadata['a']` and reads `ENV['API_KEY']`
/// (defined in its .env.example); `web` (TS) reads `metadata.a` and
/// `metadata.b`; `Report#unused` is called by nothing.
fn workspace() -> Ws {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let ws = root.join("ws");
    write_files(
        &ws,
        &[
            ("api/Gemfile", ""),
            ("api/.env.example", "API_KEY=x\n"),
            (
                "api/app/models/report.rb",
                "class Report\n  def unused\n    1\n  end\n\n  def save_it(video)\n    video.metadata['a'] = ENV['API_KEY']\n  end\nend\n",
            ),
            ("web/package.json", "{}"),
            (
                "web/src/show.ts",
                "export function show(v: any) {\n  return [v.metadata.a, v.metadata.b, process.env.WEB_ONLY];\n}\n",
            ),
        ],
    );
    Ws { _dir: dir, root, ws }
}

fn plan(w: &Ws, points: &str) -> PathBuf {
    let p = w.root.join("plan.yaml");
    std::fs::write(
        &p,
        format!("version: 1\nphases:\n  - name: P\n    points:\n{points}"),
    )
    .unwrap();
    p
}

fn run(points: &str, extra: &[&str]) -> (Report, i32) {
    let w = workspace();
    let p = plan(&w, points);
    let (r, code, _) = audit(&p, &w.ws, extra);
    (r, code)
}

/// The audit must refuse the plan: exit 2, `PLAN:line:column: ...` on stderr.
fn refused(points: &str) -> (String, u64, u64) {
    let w = workspace();
    let p = plan(&w, points);
    let out = seamscan()
        .args(["audit", "--plan"])
        .arg(&p)
        .arg(&w.ws)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty(), "no report on a refused plan");
    let shown = p.display().to_string();
    let rest = stderr
        .trim()
        .strip_prefix("seamscan: ")
        .and_then(|s| s.strip_prefix(shown.as_str()))
        .and_then(|s| s.strip_prefix(':'))
        .unwrap_or_else(|| panic!("expected `seamscan: {shown}:LINE:COL: ...`, got {stderr}"));
    let mut parts = rest.splitn(3, ':');
    let line: u64 = parts
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("{stderr}"));
    let col: u64 = parts
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("{stderr}"));
    (parts.next().unwrap().trim().to_string(), line, col)
}

// ---------------------------------------------------------------- accept

#[test]
fn accepted_problem_is_marked_and_does_not_fail_the_audit() {
    let points = "      - method: Report#unused\n";
    let (r, code) = run(points, &[]);
    assert_eq!(code, 1, "no-callers is high");
    assert_eq!(r.finding("method:Report#unused").codes(), ["no-callers"]);

    let points = "      - method: Report#unused\n        accept: [{code: no-callers, reason: \"called from the console\", until: 2999-12-31}]\n";
    let (r, code) = run(points, &[]);
    assert_eq!(code, 0, "an accepted problem does not count for --fail-on");
    let f = r.finding("method:Report#unused");
    assert_eq!(f.codes(), ["no-callers"], "the problem stays listed");
    assert_eq!(
        f.problem("no-callers").accepted,
        Some(Accepted {
            reason: "called from the console".into(),
            until: Some("2999-12-31".into())
        })
    );
    assert_eq!(f.risk, "none");
    assert_eq!(r.summary.high, 0);
    // Markdown says so; SARIF marks the result as suppressed.
    let w = workspace();
    let p = plan(&w, points);
    for (format, needle) in [
        (
            "markdown",
            "(accepted by the plan until 2999-12-31: called from the console)",
        ),
        ("sarif", "\"justification\": \"called from the console\""),
    ] {
        let out = seamscan()
            .args(["audit", "--quiet", "--format", format, "--plan"])
            .arg(&p)
            .arg(&w.ws)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains(needle), "{format}: {text}");
    }
    // Without `until` it holds indefinitely.
    let points = "      - method: Report#unused\n        accept:\n          - code: no-callers\n            reason: console\n";
    let (r, code) = run(points, &["--fail-on", "low"]);
    assert_eq!(code, 0);
    assert_eq!(
        r.finding("method:Report#unused")
            .problem("no-callers")
            .accepted
            .as_ref()
            .unwrap()
            .until,
        None
    );
}

#[test]
fn expired_acceptance_is_a_low_problem_and_no_longer_accepts() {
    let points = "      - method: Report#unused\n        accept: [{code: no-callers, reason: console, until: 2001-01-31}]\n";
    let (r, code) = run(points, &[]);
    assert_eq!(code, 1);
    let f = r.finding("method:Report#unused");
    assert_eq!(f.codes(), ["no-callers", "accepted-problem-expired"]);
    assert!(f.problem("no-callers").accepted.is_none());
    let p = f.problem("accepted-problem-expired");
    assert_eq!(p.risk, "low");
    assert!(p.message.contains("2001-01-31"), "{}", p.message);
    assert_eq!(f.risk, "high");
}

#[test]
fn acceptance_that_matches_no_problem_is_reported() {
    let points =
        "      - env: API_KEY\n        accept: [{code: config-not-wired, reason: set in the dashboard}]\n";
    let (r, code) = run(points, &["--fail-on", "low"]);
    assert_eq!(
        code, 1,
        "the low accepted-problem-expired counts for --fail-on low"
    );
    let f = r.finding("env:API_KEY");
    assert_eq!(f.codes(), ["accepted-problem-expired"]);
    assert!(
        f.problems[0].message.contains("matches no problem"),
        "{}",
        f.problems[0].message
    );
    assert_eq!(f.risk, "low");
}

#[test]
fn accept_works_on_env_and_jsonb_points() {
    let points = "      - env: WEB_ONLY\n        accept: [{code: config-not-wired, reason: injected by the CDN}]\n      - jsonb: metadata\n        accept:\n          - {code: json-key-read-never-written, reason: b is written by a partner}\n";
    let (r, code) = run(points, &[]);
    assert_eq!(code, 0, "both problems accepted");
    let env = r.finding("env:WEB_ONLY");
    assert_eq!(env.codes(), ["config-not-wired"]);
    assert_eq!(
        env.problems[0].accepted.as_ref().unwrap().reason,
        "injected by the CDN"
    );
    assert_eq!(env.risk, "none");
    let j = r.finding("jsonb:metadata");
    let p = j.problem("json-key-read-never-written");
    assert_eq!(p.accepted.as_ref().unwrap().reason, "b is written by a partner");
    assert_eq!(j.risk, "none");
}

#[test]
fn bad_accept_entries_are_refused_with_their_position() {
    let (m, l, c) =
        refused("      - method: Report#unused\n        accept: [{code: no-caller, reason: x}]\n");
    assert_eq!((l, c), (6, 25), "{m}");
    assert!(m.contains("unknown problem code `no-caller`"), "{m}");
    let (m, l, _) = refused("      - method: Report#unused\n        accept: [no-callers]\n");
    assert_eq!(l, 6, "{m}");
    let (m, l, _) = refused("      - method: Report#unused\n        accept:\n          - code: no-callers\n");
    assert_eq!(l, 7, "{m}");
    assert!(m.contains("reason"), "{m}");
    let (m, l, _) = refused(
        "      - method: Report#unused\n        accept: [{code: no-callers, reason: x, until: 2027-02-30}]\n",
    );
    assert_eq!(l, 6, "{m}");
    assert!(m.contains("not a date"), "{m}");
    let (m, _, _) =
        refused("      - method: Report#unused\n        accept: [{code: no-callers, reason: x, by: me}]\n");
    assert!(m.contains("unknown key `by`") || m.contains("by"), "{m}");
}

// ---------------------------------------------------------------- jsonb keys

#[test]
fn jsonb_env_list_wires_the_point() {
    let (r, _) = run("      - jsonb: metadata\n        env: [API_KEY]\n", &[]);
    let f = r.finding("jsonb:metadata");
    assert_eq!(f.config_wired, Some(true));
    assert_eq!(f.config.len(), 1);
    assert_eq!(f.config[0].name, "API_KEY");
    assert_eq!(f.config[0].defined_at, ["api/.env.example:1"]);
    assert!(!f.codes().contains(&"config-not-wired"));
    r.finding("env:API_KEY");

    let (r, _) = run("      - jsonb: metadata\n        env: [API_KEY, WEB_ONLY]\n", &[]);
    let f = r.finding("jsonb:metadata");
    assert!(f.config_wired.is_some());
    assert_eq!(f.config[0].name, "API_KEY");
    assert_eq!(
        f.config.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        ["API_KEY", "WEB_ONLY"]
    );
    assert!(f.problem("config-not-wired").message.contains("WEB_ONLY"));
}

#[test]
fn jsonb_repo_is_the_repo_that_declares_or_writes_the_column() {
    let (r, _) = run("      - jsonb: metadata\n        repo: api\n", &[]);
    assert!(
        !r.finding("jsonb:metadata")
            .codes()
            .contains(&"unexpected-location")
    );
    let (r, _) = run("      - jsonb: metadata\n        repo: web\n", &[]);
    let p = r.finding("jsonb:metadata").problem("unexpected-location");
    assert_eq!(p.risk, "medium");
    assert!(p.message.contains("api"), "{}", p.message);
}

#[test]
fn jsonb_callers_must_read_or_write_the_column() {
    let (r, _) = run("      - jsonb: metadata\n        callers: [api, web]\n", &[]);
    assert!(
        !r.finding("jsonb:metadata")
            .codes()
            .contains(&"missing-expected-caller")
    );
    let w = workspace();
    write_files(
        &w.ws,
        &[("admin/Gemfile", ""), ("admin/app/x.rb", "class X; end\n")],
    );
    let p = plan(&w, "      - jsonb: metadata\n        callers: [admin, web]\n");
    let (r, _, _) = audit(&p, &w.ws, &[]);
    let f = r.finding("jsonb:metadata");
    let missing: Vec<&str> = f
        .problems
        .iter()
        .filter(|p| p.code == "missing-expected-caller")
        .map(|p| p.message.as_str())
        .collect();
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert!(missing[0].starts_with("admin "), "{missing:?}");
}

// ---------------------------------------------------------------- webhooks

#[test]
fn webhook_points_refuse_callers_and_check_their_name() {
    let (m, l, c) = refused("      - webhook: POST /hooks/stripe\n        callers: [api]\n");
    assert_eq!((l, c), (6, 18), "{m}");
    assert!(
        m.contains("`callers` is not supported on `webhook` points"),
        "{m}"
    );
    let (m, l, _) = refused("      - webhook: 404\n");
    assert_eq!(l, 5, "{m}");
    assert!(m.contains("404"), "{m}");
}

#[test]
fn action_points_take_a_model_and_a_checked_name() {
    let (r, code) = run(
        "      - action: admin/videos#create\n        model: Video#save\n        repo: api\n        env: [API_KEY]\n",
        &["--fail-on", "never"],
    );
    assert_eq!(code, 0);
    let f = r.finding("action:admin/videos#create");
    let names: Vec<&str> = f
        .layers
        .as_ref()
        .unwrap()
        .iter()
        .map(|l| l.layer.as_str())
        .collect();
    assert_eq!(names, ["route", "policy", "controller", "model"]);
    assert!(f.config_wired.is_some());
    assert_eq!(f.config[0].name, "API_KEY");
    assert!(r.finding("env:API_KEY").exists.is_some());
    for (points, says) in [
        ("      - action: videos\n", "expected `controller#action`"),
        (
            "      - action: \"videos#cre ate\"\n",
            "expected `controller#action`",
        ),
        (
            "      - action: videos#create\n        model: save\n",
            "expected `Model#method`",
        ),
        (
            "      - action: videos#create\n        callers: [api]\n",
            "plan a `route:` point",
        ),
    ] {
        let (m, _, _) = refused(points);
        assert!(m.contains(says), "{points}: {m}");
    }
}

#[test]
fn route_points_take_every_key_and_a_checked_name() {
    let (r, code) = run(
        "      - route: post /a\n        repo: api\n        callers: [api]\n        env: [API_KEY]\n        accept: [{code: no-callers, reason: x}]\n",
        &["--fail-on", "never"],
    );
    assert_eq!(code, 0);
    let f = r.finding("route:post /a");
    assert_eq!(f.exists, Some(false));
    assert!(f.layers.is_some());
    for (name, says) in [
        ("POST", "expected `VERB /path`"),
        ("FETCH /a", "unknown verb `FETCH`"),
        ("GET a/b", "must start with `/`"),
    ] {
        let (m, l, _) = refused(&format!("      - route: {name}\n"));
        assert_eq!(l, 5, "{m}");
        assert!(m.contains(says), "{name}: {m}");
    }
    let (m, _, _) = refused("      - route: GET /a\n        model: Video#save\n");
    assert!(m.contains("only allowed on `action`"), "{m}");
}

#[test]
fn webhook_points_take_repo_env_accept_and_a_note() {
    let (r, _code) = run(
        "      - webhook: POST /hooks/stripe\n        note: later\n        repo: api\n        env: [API_KEY]\n        accept: [{code: missing-layer, reason: x}]\n",
        &["--fail-on", "never"],
    );
    let f = r.finding("webhook:POST /hooks/stripe");
    assert_eq!(f.exists, Some(false));
    assert_eq!(f.plan_note.as_deref(), Some("later"));
    assert!(
        f.problems
            .iter()
            .all(|p| p.code != "missing-layer" || p.accepted.is_some())
    );
    assert_eq!(f.config.len(), 1);
}

#[test]
fn wrong_version_says_which() {
    let w = workspace();
    let p = w.root.join("v2.yaml");
    std::fs::write(&p, "version: 2\nphases:\n  - points:\n      - method: a\n").unwrap();
    let out = seamscan()
        .args(["audit", "--plan"])
        .arg(&p)
        .arg(&w.ws)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains(":1:10: unsupported plan version 2 (this seamscan reads version 1)"),
        "{stderr}"
    );
    let _ = Path::new("");
}
