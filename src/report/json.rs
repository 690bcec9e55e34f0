//! `--format json`: the contract's schema_version 1.

use crate::findings::{Finding, Report, Stats, Summary};
use serde::Serialize;
use std::io::Write;

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Wire<'a> {
    schema_version: u32,
    tool: Tool,
    plan: &'a str,
    workspace: &'a str,
    stats: &'a Stats,
    summary: Summary,
    findings: &'a [Finding],
    warnings: &'a [String],
}

pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let wire = Wire {
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
    };
    serde_json::to_writer_pretty(&mut *out, &wire)?;
    out.write_all(b"\n")
}
