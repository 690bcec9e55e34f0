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
