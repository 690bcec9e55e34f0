//! `seamscan schema` describes every report seamscan writes (issue 18):
//! each fixture's JSON report, a report with accepted problems, one with a
//! baseline, and every `--format jsonl` line validate against the schema
//! derived from the Rust types; and the schema is strict enough to refuse a
//! report with a missing or unknown field.

mod common;

use common::{seamscan, write_files};
use serde_json::Value;

fn schema(extra: &[&str]) -> jsonschema::Validator {
    let out = seamscan().arg("schema").args(extra).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        s["$schema"], "https://json-schema.org/draft/2020-12/schema",
        "draft 2020-12"
    );
    jsonschema::validator_for(&s).expect("a valid JSON Schema")
}

fn run(args: &[&str]) -> Vec<u8> {
    let out = seamscan().args(args).arg("--quiet").output().unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn assert_valid(v: &jsonschema::Validator, doc: &Value, what: &str) {
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

const FIXTURES: [(&str, &str); 2] = [
    ("plans/render-pipeline.yaml", "fixtures/render-pipeline"),
    ("plans/single-repo.yaml", "fixtures/single-repo"),
];

#[test]
fn every_fixture_report_validates() {
    let v = schema(&[]);
    for (plan, ws) in FIXTURES {
        let report: Value = serde_json::from_slice(&run(&["audit", "--plan", plan, ws])).unwrap();
        assert!(!report["findings"].as_array().unwrap().is_empty());
        assert_valid(&v, &report, plan);
    }
}

#[test]
fn accepted_and_baseline_reports_validate() {
    let v = schema(&[]);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_files(
        root,
        &[
            ("ws/api/Gemfile", ""),
            ("ws/api/app/a.rb", "class A\n  def lonely\n  end\nend\n"),
            (
                "plan.yaml",
                "version: 1\nphases:\n  - name: P\n    points:\n      - method: A#lonely\n        accept: [{code: no-callers, reason: console, until: 2999-01-01}]\n      - method: A#gone\n",
            ),
            (
                "old.json",
                r#"{"schema_version": 1, "findings": [{"id": "method:A#old", "problems": [{"code": "no-callers"}]}]}"#,
            ),
        ],
    );
    let plan = root.join("plan.yaml");
    let ws = root.join("ws");
    let old = root.join("old.json");
    let args = |extra: &[&str]| -> Vec<String> {
        let mut a: Vec<String> = ["audit", "--plan", plan.to_str().unwrap(), ws.to_str().unwrap()]
            .iter()
            .map(|s| s.to_string())
            .collect();
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let plain: Value =
        serde_json::from_slice(&run(&args(&[]).iter().map(String::as_str).collect::<Vec<_>>())).unwrap();
    assert!(plain.to_string().contains("\"accepted\""));
    assert_valid(&v, &plain, "accepted");
    let with_base: Value = serde_json::from_slice(&run(&args(&["--baseline", old.to_str().unwrap()])
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()))
    .unwrap();
    assert_eq!(with_base["fixed"][0]["id"], "method:A#old");
    assert_valid(&v, &with_base, "baseline");
}

#[test]
fn every_jsonl_line_is_a_finding_of_the_report() {
    let finding = schema(&["--finding"]);
    for (plan, ws) in FIXTURES {
        let lines = run(&["audit", "--plan", plan, ws, "--format", "jsonl"]);
        let report: Value = serde_json::from_slice(&run(&["audit", "--plan", plan, ws])).unwrap();
        let text = String::from_utf8(lines).unwrap();
        assert!(text.ends_with('\n'));
        let parsed: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        for (i, f) in parsed.iter().enumerate() {
            assert_valid(&finding, f, &format!("{plan} line {}", i + 1));
        }
        // The same objects as `findings`, in the same order (elapsed_ms
        // lives in stats, so findings are identical between runs).
        assert_eq!(&Value::Array(parsed), &report["findings"]);
    }
}

#[test]
fn the_schema_refuses_a_missing_or_unknown_field() {
    let v = schema(&[]);
    let (plan, ws) = FIXTURES[0];
    let report: Value = serde_json::from_slice(&run(&["audit", "--plan", plan, ws])).unwrap();
    let mut missing = report.clone();
    missing["findings"][0]["problems"][0]
        .as_object_mut()
        .unwrap()
        .remove("help");
    assert!(!v.is_valid(&missing), "a problem without help passes");
    let mut unknown = report.clone();
    unknown["findings"][0]["surprise"] = Value::Bool(true);
    assert!(!v.is_valid(&unknown), "an unknown finding field passes");
    let mut bad_code = report;
    bad_code["findings"][0]["problems"][0]["code"] = "no-such-code".into();
    assert!(!v.is_valid(&bad_code), "an unknown problem code passes");
}
