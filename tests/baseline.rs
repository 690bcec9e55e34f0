//! `--baseline OLD.json` (issue 18): a round trip in which one problem is
//! fixed, one is added and a finding's line moves; `--fail-on` counts only
//! new problems; a bad baseline is an error naming the file.

mod common;

use common::{Fixed, audit, seamscan, write_files};
use std::path::Path;

const PLAN: &str = "version: 1\nphases:\n  - name: P\n    points:\n      - method: A#one\n      - method: A#two\n      - method: A#gone\n";

fn setup(root: &Path) {
    write_files(
        root,
        &[
            ("plan.yaml", PLAN),
            ("ws/api/Gemfile", ""),
            (
                "ws/api/app/a.rb",
                "class A\n  def one\n  end\n\n  def two\n  end\nend\n",
            ),
            (
                "ws/api/app/b.rb",
                "class B\n  def run(a)\n    a.two\n  end\nend\n",
            ),
        ],
    );
}

fn problems(r: &common::Report) -> Vec<(String, String, Option<String>)> {
    let mut v: Vec<_> = r
        .findings
        .iter()
        .flat_map(|f| {
            f.problems
                .iter()
                .map(|p| (f.id.clone(), p.code.clone(), p.baseline.clone()))
        })
        .collect();
    v.sort();
    v
}

#[test]
fn round_trip_fixed_added_and_moved() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    setup(root);
    let plan = root.join("plan.yaml");
    let ws = root.join("ws");
    let (first, code, _) = audit(&plan, &ws, &[]);
    assert_eq!(code, 1);
    assert!(first.fixed.is_none(), "no fixed list without --baseline");
    assert!(
        first
            .findings
            .iter()
            .flat_map(|f| &f.problems)
            .all(|p| p.baseline.is_none())
    );
    let base = root.join("base.json");
    let out = seamscan()
        .args(["audit", "--quiet", "--plan"])
        .arg(&plan)
        .arg(&ws)
        .arg("--output")
        .arg(&base)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));

    // Move `one` down five lines, drop the only caller of `two`, and
    // define and call `gone`.
    write_files(
        root,
        &[
            (
                "ws/api/app/a.rb",
                "# a\n# b\n# c\n# d\n# e\nclass A\n  def one\n  end\n\n  def two\n  end\n\n  def gone\n  end\nend\n",
            ),
            (
                "ws/api/app/b.rb",
                "class B\n  def run(a)\n    a.gone\n  end\nend\n",
            ),
        ],
    );
    let base_arg = base.to_str().unwrap();
    let (second, code, _) = audit(&plan, &ws, &["--baseline", base_arg]);
    assert_eq!(
        problems(&second),
        [
            (
                "method:A#one".into(),
                "no-callers".into(),
                Some("unchanged".into())
            ),
            ("method:A#two".into(), "no-callers".into(), Some("new".into())),
        ]
    );
    assert_eq!(
        second.fixed.unwrap(),
        [Fixed {
            id: "method:A#gone".into(),
            code: "missing-definition".into()
        }]
    );
    assert_eq!(code, 1, "a new high problem fails");

    // Against a baseline that has both problems, nothing is new: exit 0
    // although high problems remain; the same baseline without --baseline
    // still fails.
    let base2 = root.join("base2.json");
    std::fs::write(
        &base2,
        seamscan()
            .args(["audit", "--quiet", "--plan"])
            .arg(&plan)
            .arg(&ws)
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let (third, code, _) = audit(&plan, &ws, &["--baseline", base2.to_str().unwrap()]);
    assert_eq!(code, 0, "only unchanged problems: {:?}", problems(&third));
    assert_eq!(third.fixed.unwrap(), []);
    assert_eq!(audit(&plan, &ws, &[]).1, 1);
    // Markdown says which problems are new and lists the fixed ones.
    let md = seamscan()
        .args([
            "audit",
            "--quiet",
            "--format",
            "markdown",
            "--baseline",
            base_arg,
            "--plan",
        ])
        .arg(&plan)
        .arg(&ws)
        .output()
        .unwrap();
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(md.contains("**no-callers** (high) *(new)*"), "{md}");
    assert!(
        md.contains("## Fixed since the baseline\n\n- `method:A#gone` `missing-definition`"),
        "{md}"
    );
    // SARIF carries the state as baselineState.
    let sarif = seamscan()
        .args([
            "audit",
            "--quiet",
            "--format",
            "sarif",
            "--baseline",
            base_arg,
            "--plan",
        ])
        .arg(&plan)
        .arg(&ws)
        .output()
        .unwrap();
    let log: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let mut states: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["baselineState"].as_str().unwrap())
        .collect();
    states.sort();
    assert_eq!(states, ["new", "unchanged"]);
}

#[test]
fn a_bad_baseline_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    setup(root);
    write_files(
        root,
        &[
            ("not-json.json", "{ nope"),
            ("sarif.json", r#"{"version": "2.1.0", "runs": []}"#),
            ("v2.json", r#"{"schema_version": 2, "findings": []}"#),
        ],
    );
    for (name, expect) in [
        ("missing.json", "cannot read baseline"),
        ("not-json.json", "not a seamscan JSON report"),
        ("sarif.json", "not a seamscan JSON report"),
        ("v2.json", "unsupported report schema_version 2"),
    ] {
        let path = root.join(name);
        let out = seamscan()
            .args(["audit", "--plan"])
            .arg(root.join("plan.yaml"))
            .arg(root.join("ws"))
            .arg("--baseline")
            .arg(&path)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(
            err.starts_with(&format!("seamscan: {}: ", path.display())) && err.contains(expect),
            "{name}: {err}"
        );
        assert!(out.stdout.is_empty());
    }
}
