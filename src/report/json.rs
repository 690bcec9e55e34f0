//! `--format json`: the contract's schema_version 1, and `--format jsonl`
//! (one finding per line). Strings are escaped by `text::json_to_writer`
//! (and its one-line form): no raw control character reaches the output.
//! `schema()` is the report's JSON Schema, derived from the same wire types
//! by schemars (never hand-maintained).

use crate::findings::{Finding, FixedProblem, Report, Stats, Summary};
use crate::text::{self, Text};
use schemars::JsonSchema;
use serde::Serialize;
use std::io::Write;

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

/// A seamscan JSON report (`seamscan audit --format json`).
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields, title = "seamscan report, schema_version 1")]
struct Wire<'a, F = &'a [Finding]> {
    /// Always 1; fields are only ever added within a version.
    #[schemars(extend("const" = 1))]
    schema_version: u32,
    tool: Tool,
    /// The plan path as given on the command line.
    plan: &'a str,
    /// The workspace path as given on the command line.
    workspace: &'a str,
    stats: &'a Stats,
    /// Number of findings per risk.
    summary: Summary,
    /// One per point id, sorted by risk (high first), then id in byte order.
    findings: F,
    warnings: &'a [Text],
    /// With `--baseline`: problems of the baseline report (by finding id
    /// and code) that this run no longer has.
    #[serde(skip_serializing_if = "Option::is_none")]
    fixed: Option<&'a [FixedProblem]>,
}

fn wire(report: &Report) -> Wire<'_> {
    wire_with(report, &report.findings)
}

fn wire_with<F>(report: &Report, findings: F) -> Wire<'_, F> {
    Wire {
        schema_version: 1,
        tool: Tool {
            name: "seamscan",
            version: env!("CARGO_PKG_VERSION"),
        },
        plan: &report.plan,
        workspace: &report.workspace,
        stats: &report.stats,
        summary: report.summary(),
        findings,
        warnings: &report.warnings,
        fixed: report.fixed.as_deref(),
    }
}

pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    // Into memory first, then one write: serde_json writes a token at a
    // time, each through `dyn Write` (a 1,000-point report is ~2.4 MB).
    let mut buf = Vec::with_capacity(1 << 16);
    text::json_to_writer(&mut buf, &wire_with(report, &[] as &[Finding]))?;
    if !report.findings.is_empty() {
        buf = splice_findings(buf, &report.findings)?;
    }
    buf.push(b'\n');
    out.write_all(&buf)
}

/// `rendered` (the report with no findings) with `findings` put in their
/// array, byte for byte as one serde_json pass would lay them out. The
/// findings are rendered side by side (a 1,000-point report's took ~40M
/// instructions on one thread), each as an element of the top-level
/// object's array: two levels deep.
fn splice_findings(rendered: Vec<u8>, findings: &[Finding]) -> std::io::Result<Vec<u8>> {
    use rayon::prelude::*;
    // A JSON string holds no raw newline: this is the top-level key.
    const EMPTY: &[u8] = b"\n  \"findings\": []";
    let at = rendered
        .windows(EMPTY.len())
        .position(|w| w == EMPTY)
        .ok_or_else(|| std::io::Error::other("report without its findings key"))?
        + EMPTY.len()
        - 1;
    let parts: Vec<Vec<u8>> = findings
        .par_iter()
        .map(|f| {
            let mut one = Vec::with_capacity(1 << 10);
            one.extend_from_slice(b"\n    ");
            text::json_to_writer_nested(&mut one, f, 2)?;
            Ok(one)
        })
        .collect::<std::io::Result<_>>()?;
    let size = parts.iter().map(|p| p.len() + 1).sum::<usize>();
    let mut out = Vec::with_capacity(rendered.len() + size + 4);
    out.extend_from_slice(&rendered[..at]);
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(p);
    }
    out.extend_from_slice(b"\n  ");
    out.extend_from_slice(&rendered[at..]);
    Ok(out)
}

/// The report as a JSON value (the MCP `audit` tool's structured content).
pub fn to_value(report: &Report) -> serde_json::Value {
    serde_json::to_value(wire(report)).expect("a report always serializes")
}

/// `--format jsonl`: one finding per line, the same objects as `findings`,
/// and nothing else.
pub fn write_lines(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    for f in &report.findings {
        text::json_line_to_writer(&mut *out, f)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// The JSON Schema (draft 2020-12) of the report.
pub fn schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Wire<'static>)).expect("a schema serializes")
}

/// The JSON Schema of one `--format jsonl` line (a finding).
pub fn finding_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Finding)).expect("a schema serializes")
}

/// The report's schema inside another generator (the MCP `audit` tool's
/// output schema), its definitions added to that generator.
pub fn report_json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
    <Wire<'static> as JsonSchema>::json_schema(g)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::{Code, Problem};

    /// What one serde_json pass over the whole report writes.
    fn one_pass(report: &Report) -> Vec<u8> {
        let mut buf = Vec::new();
        text::json_to_writer(&mut buf, &wire(report)).unwrap();
        buf.push(b'\n');
        buf
    }

    #[test]
    fn findings_rendered_side_by_side_are_laid_out_as_one_pass() {
        let mut report = Report {
            plan: "p \"findings\": []\n.yaml".into(),
            warnings: vec![Text::raw("w\n  \"findings\": []")],
            ..Report::default()
        };
        let mut out = Vec::new();
        write(&report, &mut out).unwrap();
        assert_eq!(out, one_pass(&report), "no findings");
        for i in 0..40 {
            let mut f = Finding::new("method", &format!("A#b{i}\n  \"findings\": []\u{9b}"));
            if i % 3 == 0 {
                f.problems
                    .push(Problem::new(Code::NoCallers, Text::raw("none\n\t{}")));
            }
            f.phases = vec![format!("phase {i}")];
            report.findings.push(f);
        }
        let mut out = Vec::new();
        write(&report, &mut out).unwrap();
        let text = String::from_utf8(out.clone()).unwrap();
        assert!(text.contains("\n    {\n      \"id\": \"method:A#b0"), "{text}");
        assert_eq!(out, one_pass(&report));
        // Still valid JSON with every finding in order.
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["findings"].as_array().unwrap().len(), 40);
        assert_eq!(
            v["findings"][39]["integration_point"],
            "A#b39\n  \"findings\": []\u{9b}"
        );
    }
}
