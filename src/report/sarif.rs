//! `--format sarif`: SARIF 2.1.0 for code-scanning UIs. One rule per problem
//! code; each problem is a result located at the finding's first evidence
//! location (definition, else caller, else config or key location).
//! `message.text` is plain text with control characters shown as `\u{1b}`
//! (`text::terminal_text`); URIs are percent-encoded; no `message.markdown`.

use crate::findings::{BaselineState, Code, Finding, Report, Risk};
use crate::text;
use serde_json::{Value, json};
use std::io::Write;

const CODES: [Code; Code::ALL.len()] = Code::ALL;

/// PascalCase of a code, as code-scanning UIs show rule names.
fn rule_name(c: Code) -> String {
    c.as_str()
        .split('-')
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + cs.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// A description as a sentence: capitalised, with a full stop.
fn sentence(s: &str) -> String {
    let mut cs = s.chars();
    let mut out = match cs.next() {
        Some(f) => f.to_uppercase().collect::<String>() + cs.as_str(),
        None => String::new(),
    };
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

fn severity(r: Risk) -> &'static str {
    match r {
        Risk::High => "error",
        Risk::Medium => "warning",
        _ => "recommendation",
    }
}

fn level(r: Risk) -> &'static str {
    match r {
        Risk::High => "error",
        Risk::Medium => "warning",
        _ => "note",
    }
}

/// `repo/path:line` → (uri, line); the path is percent-encoded (RFC 3986)
/// so spaces, `|`, newlines and non-ASCII names stay valid URI references.
fn split(loc: &str) -> Option<(String, u64)> {
    let (path, line) = loc.rsplit_once(':')?;
    Some((encode_path(path), line.parse().ok()?))
}

pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn location(f: &Finding) -> Option<(String, u64)> {
    let candidates = f
        .definitions
        .iter()
        .map(|d| d.location.clone())
        .chain(
            f.layers
                .iter()
                .flatten()
                .flat_map(|l| l.locations.iter().cloned()),
        )
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
        )
        .chain(
            f.layers
                .iter()
                .flatten()
                .flat_map(|l| l.locations.iter().cloned()),
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
    // The earliest location the finding lists that the message quotes (a
    // word split would cut paths with spaces).
    let known = f
        .definitions
        .iter()
        .map(|d| &d.location)
        .chain(f.layers.iter().flatten().flat_map(|l| l.locations.iter()))
        .chain(f.callers_found.iter())
        .chain(f.test_callers.iter())
        .chain(
            f.config
                .iter()
                .flat_map(|c| c.read_at.iter().chain(c.defined_at.iter())),
        )
        .chain(
            f.keys
                .iter()
                .flatten()
                .flat_map(|k| k.read_at.iter().chain(k.written_at.iter())),
        )
        .chain(f.layers.iter().flatten().flat_map(|l| l.locations.iter()));
    let first = known
        .filter_map(|k| msg.find(k.as_str()).map(|i| (i, std::cmp::Reverse(k.len()), k)))
        .min()
        .map(|(_, _, k)| k);
    match first {
        Some(k) => split(k),
        None => location(f),
    }
}

pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let rules: Vec<Value> = CODES
        .iter()
        .map(|c| {
            json!({
                "id": c.as_str(),
                "name": rule_name(*c),
                "shortDescription": {"text": sentence(c.description())},
                "fullDescription": {"text": format!(
                    "{} Default risk: {}.", sentence(c.description()), c.risk().as_str()
                )},
                "help": {
                    "text": c.help(),
                    "markdown": format!(
                        "**{}** (risk {}): {}\n\n{}\n\nSee the Problem codes table of seamscan's docs/reference.md.",
                        c.as_str(), c.risk().as_str(), sentence(c.description()), c.help()
                    ),
                },
                "defaultConfiguration": {"level": level(c.risk())},
                "properties": {
                    "tags": c.tags(),
                    "problem.severity": severity(c.risk()),
                },
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
                "message": {"text": format!("{}: {}", text::line(&f.id), text::terminal_text(&p.message))},
                // The finding id and code only: stable across runs and
                // line moves (the message quotes locations, so it is not).
                "partialFingerprints": {"seamscanFinding/v1": format!("{}/{}", f.id, p.code.as_str())},
            });
            if let Some(b) = p.baseline {
                r["baselineState"] = json!(match b {
                    BaselineState::New => "new",
                    BaselineState::Unchanged => "unchanged",
                });
            }
            if let Some(a) = &p.accepted {
                // An `accept:` in the plan: an external suppression.
                r["suppressions"] = json!([{"kind": "external", "justification": text::line(&a.reason)}]);
            }
            if let Some((uri, line)) = problem_location(&p.message.plain(), f) {
                // URIs are relative to the workspace directory; in a
                // single-repo workspace that directory is the repo.
                let uri = match uri.split_once('/') {
                    Some((_, rest)) if report.single_repo => rest.to_string(),
                    _ => uri,
                };
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
                        "artifactLocation": {"uri": encode_path(&report.plan)},
                        "region": {"startLine": 1},
                    }
                }]);
            }
            // Each layer's evidence (producer, consumer, queue) as related
            // locations, so a code-scanning UI shows both ends.
            let related: Vec<Value> = f
                .layers
                .iter()
                .flatten()
                .flat_map(|l| l.locations.iter().map(move |loc| (l, loc)))
                .filter_map(|(l, loc)| {
                    let (uri, line) = split(loc)?;
                    let uri = match uri.split_once('/') {
                        Some((_, rest)) if report.single_repo => rest.to_string(),
                        _ => uri,
                    };
                    Some((l.layer.clone(), uri, line))
                })
                .enumerate()
                .map(|(i, (layer, uri, line))| {
                    json!({
                        "id": i,
                        "message": {"text": layer},
                        "physicalLocation": {
                            "artifactLocation": {"uri": uri, "uriBaseId": "WORKSPACE"},
                            "region": {"startLine": line.max(1)},
                        }
                    })
                })
                .collect();
            if !related.is_empty() {
                r["relatedLocations"] = json!(related);
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
            "originalUriBaseIds": {"WORKSPACE": {"description": {"text": "the audited workspace directory (the repo itself when the workspace is a single repo)"}}},
            "results": results,
        }]
    });
    text::json_to_writer(&mut *out, &log)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::encode_path;

    #[test]
    fn paths_are_percent_encoded() {
        assert_eq!(encode_path("api/app/with space.rb"), "api/app/with%20space.rb");
        assert_eq!(encode_path("a|b\nc"), "a%7Cb%0Ac");
        assert_eq!(encode_path("é.rb"), "%C3%A9.rb");
        assert_eq!(encode_path("web/src/a-b_c.ts"), "web/src/a-b_c.ts");
    }
}
