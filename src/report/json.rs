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
struct Wire<'a> {
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
    findings: &'a [Finding],
    warnings: &'a [Text],
    /// With `--baseline`: problems of the baseline report (by finding id
    /// and code) that this run no longer has.
    #[serde(skip_serializing_if = "Option::is_none")]
    fixed: Option<&'a [FixedProblem]>,
}

fn wire(report: &Report) -> Wire<'_> {
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
        findings: &report.findings,
        warnings: &report.warnings,
        fixed: report.fixed.as_deref(),
    }
}

pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    // Into memory first, then one write: serde_json writes a token at a
    // time, each through `dyn Write` (a 1,000-point report is ~2.4 MB).
    let mut buf = Vec::with_capacity(1 << 16);
    text::json_to_writer(&mut buf, &wire(report))?;
    buf.push(b'\n');
    out.write_all(&buf)
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
