//! SARIF locations resolve to real files: every result's URI, resolved
//! against its `uriBaseId` (the audited workspace directory), names a file
//! that exists and has the reported line, for a multi-repo workspace and
//! for a workspace that is itself one repo (issue 11: that one pointed a
//! directory too deep).

mod common;

use common::seamscan;
use serde_json::Value;
use std::path::Path;

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// Resolve every located result and open its file; returns how many.
fn check_uris(plan: &str, ws: &str) -> usize {
    let out = seamscan()
        .args(["audit", "--plan", plan, ws, "--format", "sarif", "--quiet"])
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    let run = &log["runs"][0];
    assert!(run["originalUriBaseIds"]["WORKSPACE"].is_object());
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join(ws);
    let mut n = 0;
    for r in run["results"].as_array().unwrap() {
        let loc = &r["locations"][0]["physicalLocation"];
        let art = &loc["artifactLocation"];
        if art["uriBaseId"] != "WORKSPACE" {
            continue;
        }
        let uri = art["uri"].as_str().unwrap();
        let file = base.join(percent_decode(uri));
        let text = std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("{uri} resolves to {}: {e}", file.display()));
        let line = loc["region"]["startLine"].as_u64().unwrap() as usize;
        assert!(
            line >= 1 && line <= text.lines().count(),
            "{uri}:{line} is past the end"
        );
        n += 1;
    }
    n
}

#[test]
fn multi_repo_uris_resolve_against_the_workspace() {
    let n = check_uris("plans/render-pipeline.yaml", "fixtures/render-pipeline");
    assert!(n >= 10, "{n} located results");
}

#[test]
fn single_repo_uris_resolve_against_the_workspace() {
    let n = check_uris("plans/single-repo.yaml", "fixtures/single-repo");
    assert!(n >= 1, "{n} located results");
}

fn sarif(plan: &str, ws: &str) -> Value {
    let out = seamscan()
        .args(["audit", "--plan", plan, ws, "--format", "sarif", "--quiet"])
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(0 | 1)));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn official_schema() -> jsonschema::Validator {
    let text = include_str!("data/sarif-schema-2.1.0.json");
    // `run.language`'s pattern has a bare `]`: a literal in ECMA-262 (web
    // compatibility, Annex B), a syntax error for the validator's regex
    // engine. Escaping it keeps the same meaning.
    let bare = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    assert!(text.contains(bare), "the vendored schema changed");
    let text = text.replace(bare, r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#);
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

/// Issue 18: every log validates against the official SARIF 2.1.0 schema.
#[test]
fn logs_validate_against_the_official_sarif_schema() {
    let v = official_schema();
    for (plan, ws) in [
        ("plans/render-pipeline.yaml", "fixtures/render-pipeline"),
        ("plans/single-repo.yaml", "fixtures/single-repo"),
    ] {
        let log = sarif(plan, ws);
        let errors: Vec<String> = v
            .iter_errors(&log)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{plan}: {errors:#?}");
    }
    // And the schema does refuse a broken log (the check can fail).
    let mut broken = sarif("plans/single-repo.yaml", "fixtures/single-repo");
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!v.is_valid(&broken));
}

/// Issue 18: every rule carries what code scanning shows, and every result
/// has `help` through its rule and a fingerprint of id and code only.
#[test]
fn rules_explain_themselves_and_results_are_fingerprinted() {
    let log = sarif("plans/render-pipeline.yaml", "fixtures/render-pipeline");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), seamscan::findings::Code::ALL.len());
    for (r, c) in rules.iter().zip(seamscan::findings::Code::ALL) {
        assert_eq!(r["id"], c.as_str());
        for field in ["shortDescription", "fullDescription"] {
            assert!(
                !r[field]["text"].as_str().unwrap().is_empty(),
                "{} {field}",
                c.as_str()
            );
        }
        assert_eq!(r["help"]["text"], c.help());
        assert!(r["help"]["markdown"].as_str().unwrap().contains(c.help()));
        assert!(!r["properties"]["tags"].as_array().unwrap().is_empty());
    }
    for res in run["results"].as_array().unwrap() {
        let rule = &rules[res["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], res["ruleId"]);
        let fp = res["partialFingerprints"]["seamscanFinding/v1"].as_str().unwrap();
        assert!(
            fp.ends_with(&format!("/{}", res["ruleId"].as_str().unwrap())),
            "{fp}"
        );
        assert!(!fp.contains(".rb:") && !fp.contains(".ts:"), "a line in {fp}");
    }
}
