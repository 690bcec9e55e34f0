//! `--format sarif`: SARIF 2.1.0 for code-scanning UIs. One rule per problem
//! code; each problem is a result located at the finding's first evidence
//! location (definition, else caller, else config or key location).

use crate::findings::{Code, Finding, Report, Risk};
use serde_json::{Value, json};
use std::io::Write;

const CODES: [Code; 12] = [
    Code::MissingDefinition,
    Code::PrivateEntryPoint,
    Code::NoCallers,
    Code::TestOnlyCallers,
    Code::MissingExpectedCaller,
    Code::JsonKeyReadNeverWritten,
    Code::ConfigNotWired,
    Code::DynamicCallersOnly,
    Code::UnexpectedLocation,
    Code::JsonKeyWrittenNeverRead,
    Code::AmbiguousDefinition,
    Code::ConfigNeverRead,
];

fn level(r: Risk) -> &'static str {
    match r {
        Risk::High => "error",
        Risk::Medium => "warning",
        _ => "note",
    }
}

/// `repo/path:line` → (uri, line).
fn split(loc: &str) -> Option<(String, u64)> {
    let (path, line) = loc.rsplit_once(':')?;
    Some((path.to_string(), line.parse().ok()?))
}

fn location(f: &Finding) -> Option<(String, u64)> {
    let candidates = f
        .definitions
        .iter()
        .map(|d| d.location.clone())
        .chain(f.callers_found.iter().cloned())
        .chain(f.test_callers.iter().cloned())
        .chain(
            f.config
                .iter()
                .flat_map(|c| c.read_at.iter().chain(c.defined_at.iter()).cloned()),
        )
        .chain(
            f.keys
                .iter()
                .flatten()
                .flat_map(|k| k.read_at.iter().chain(k.written_at.iter()).cloned()),
        );
    for c in candidates {
        if let Some(s) = split(&c) {
            return Some(s);
        }
    }
    None
}

/// The location a problem's message names first, else the finding's.
fn problem_location(msg: &str, f: &Finding) -> Option<(String, u64)> {
    for word in msg.split([' ', ',', '(', ')']) {
        if let Some((p, l)) = split(word)
            && p.contains('/')
        {
            return Some((p, l));
        }
    }
    location(f)
}

pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let rules: Vec<Value> = CODES
        .iter()
        .map(|c| {
            json!({
                "id": c.as_str(),
                "name": c.as_str(),
                "shortDescription": {"text": c.description()},
                "defaultConfiguration": {"level": level(c.risk())},
            })
        })
        .collect();
    let mut results = Vec::new();
    for f in &report.findings {
        for p in &f.problems {
            let rule_index = CODES.iter().position(|c| *c == p.code).unwrap_or(0);
            let mut r = json!({
                "ruleId": p.code.as_str(),
                "ruleIndex": rule_index,
                "level": level(p.risk),
                "message": {"text": format!("{}: {}", f.id, p.message)},
                "partialFingerprints": {"seamscanId": format!("{}/{}", f.id, p.code.as_str())},
            });
            if let Some((uri, line)) = problem_location(&p.message, f) {
                r["locations"] = json!([{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri, "uriBaseId": "WORKSPACE"},
                        "region": {"startLine": line.max(1)},
                    }
                }]);
            } else {
                // SARIF consumers need a location; point at the plan.
                r["locations"] = json!([{
                    "physicalLocation": {
                        "artifactLocation": {"uri": report.plan},
                        "region": {"startLine": 1},
                    }
                }]);
            }
            results.push(r);
        }
    }
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "seamscan",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "originalUriBaseIds": {"WORKSPACE": {"description": {"text": "the audited workspace"}}},
            "results": results,
        }]
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}
