//! `--format markdown`: a report a reviewer reads top to bottom.

use crate::findings::{Confidence, Finding, Report, Risk};
use std::collections::BTreeMap;
use std::io::Write;

/// Escape text for a Markdown table cell or line: no `|`, no newlines, no
/// raw HTML.
pub fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\n' | '\r' => out.push(' '),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// A code span that survives backticks in the text.
fn code(s: &str) -> String {
    let c = cell(s);
    if c.contains('`') {
        format!("`` {c} ``")
    } else {
        format!("`{c}`")
    }
}

fn mark(ok: Option<bool>) -> &'static str {
    match ok {
        Some(true) => "✅",
        Some(false) => "❌",
        None => "—",
    }
}

fn steps(f: &Finding) -> [Option<bool>; 4] {
    use crate::findings::Code::*;
    let exists = f.exists;
    if exists.is_none() {
        return [None; 4];
    }
    let reachable = match f.kind.as_str() {
        "method" if exists == Some(true) => Some(!f.has(PrivateEntryPoint)),
        _ => None,
    };
    let called = match f.kind.as_str() {
        "method" | "env" if exists == Some(true) => Some(
            !(f.has(NoCallers)
                || f.has(TestOnlyCallers)
                || f.has(DynamicCallersOnly)
                || f.has(MissingExpectedCaller)),
        ),
        "jsonb" => Some(!f.has(JsonKeyReadNeverWritten)),
        _ => None,
    };
    [exists, reachable, called, f.config_wired]
}

pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let s = report.summary();
    writeln!(out, "# {}", cell(&report.title))?;
    writeln!(out)?;
    writeln!(
        out,
        "seamscan {} audit of `{}` with plan `{}`: {} repos, {} files scanned, {} parsed, {} parse errors.",
        env!("CARGO_PKG_VERSION"),
        cell(&report.workspace),
        cell(&report.plan),
        report.stats.repos,
        report.stats.files_scanned,
        report.stats.files_parsed,
        report.stats.parse_errors
    )?;
    writeln!(out)?;
    writeln!(out, "## Summary")?;
    writeln!(out)?;
    writeln!(out, "| risk | findings |")?;
    writeln!(out, "|---|---|")?;
    for (r, n) in [
        ("high", s.high),
        ("medium", s.medium),
        ("low", s.low),
        ("none", s.none),
    ] {
        writeln!(out, "| {r} | {n} |")?;
    }
    writeln!(out)?;
    let by_id: BTreeMap<&str, &Finding> = report.findings.iter().map(|f| (f.id.as_str(), f)).collect();
    for (phase, ids) in &report.phase_points {
        writeln!(out, "## {}", cell(phase))?;
        writeln!(out)?;
        writeln!(
            out,
            "| point | exists | reachable | called | wired | risk | confidence |"
        )?;
        writeln!(out, "|---|---|---|---|---|---|---|")?;
        for id in ids {
            let Some(f) = by_id.get(id.as_str()) else { continue };
            let [e, r, c, w] = steps(f);
            writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                code(&f.id),
                mark(e),
                mark(r),
                mark(c),
                mark(w),
                f.risk.as_str(),
                if f.confidence == Confidence::Low {
                    "low"
                } else {
                    "high"
                }
            )?;
        }
        writeln!(out)?;
    }
    writeln!(
        out,
        "Marks: ✅ passes, ❌ fails, — not applicable or not audited."
    )?;
    writeln!(out)?;
    writeln!(out, "## Findings")?;
    writeln!(out)?;
    let mut any = false;
    for f in report
        .findings
        .iter()
        .filter(|f| f.risk >= Risk::Low || f.exists.is_none() || !f.problems.is_empty())
    {
        any = true;
        writeln!(out, "### {} {}", f.risk.as_str().to_uppercase(), code(&f.id))?;
        writeln!(out)?;
        writeln!(out, "{}", cell(&f.notes))?;
        writeln!(out)?;
        if let Some(n) = &f.plan_note {
            writeln!(out, "Plan note: {}", cell(n))?;
            writeln!(out)?;
        }
        for p in &f.problems {
            let accepted = match &p.accepted {
                Some(a) => format!(
                    " (accepted by the plan{}: {})",
                    a.until
                        .as_deref()
                        .map(|u| format!(" until {u}"))
                        .unwrap_or_default(),
                    cell(&a.reason)
                ),
                None => String::new(),
            };
            writeln!(
                out,
                "- **{}** ({}): {}{accepted}",
                p.code.as_str(),
                p.risk.as_str(),
                cell(&p.message)
            )?;
        }
        let list = |label: &str, v: &[String], out: &mut dyn Write| -> std::io::Result<()> {
            if !v.is_empty() {
                let shown: Vec<String> = v.iter().take(20).map(|s| code(s)).collect();
                let more = if v.len() > 20 {
                    format!(" and {} more", v.len() - 20)
                } else {
                    String::new()
                };
                writeln!(out, "- {label}: {}{more}", shown.join(", "))?;
            }
            Ok(())
        };
        let defs: Vec<String> = f
            .definitions
            .iter()
            .map(|d| match &d.access {
                Some(a) => format!("{} ({a})", d.location),
                None => d.location.clone(),
            })
            .collect();
        list("Definitions", &defs, out)?;
        if f.keys.is_none() {
            list("Callers", &f.callers_found, out)?;
        }
        list("Test callers", &f.test_callers, out)?;
        let dynamic: Vec<String> = f
            .dynamic_call_sites
            .iter()
            .flatten()
            .map(|d| format!("{} ({})", d.location, d.code))
            .collect();
        list("Dynamic dispatch", &dynamic, out)?;
        for c in &f.config {
            list(&format!("`{}` read at", cell(&c.name)), &c.read_at, out)?;
            list(&format!("`{}` defined at", cell(&c.name)), &c.defined_at, out)?;
        }
        if let Some(keys) = &f.keys {
            for k in keys {
                writeln!(
                    out,
                    "- key {}: written at {}; read at {}",
                    code(&k.key),
                    if k.written_at.is_empty() {
                        "nowhere".into()
                    } else {
                        k.written_at
                            .iter()
                            .map(|s| code(s))
                            .collect::<Vec<_>>()
                            .join(", ")
                    },
                    if k.read_at.is_empty() {
                        "nowhere".into()
                    } else {
                        k.read_at.iter().map(|s| code(s)).collect::<Vec<_>>().join(", ")
                    }
                )?;
            }
        }
        if !f.verify.is_empty() {
            writeln!(out, "- Verify by hand: {}", cell(&f.verify.join("; ")))?;
        }
        writeln!(out)?;
    }
    if !any {
        writeln!(out, "No finding at risk low or above.")?;
        writeln!(out)?;
    }
    if !report.warnings.is_empty() {
        writeln!(out, "## Warnings")?;
        writeln!(out)?;
        for w in &report.warnings {
            writeln!(out, "- {}", cell(w))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_never_break_tables() {
        assert_eq!(cell("a|b\nc"), "a\\|b c");
        assert_eq!(cell("<x>"), "&lt;x&gt;");
        assert_eq!(code("a`b"), "`` a`b ``");
    }
}
