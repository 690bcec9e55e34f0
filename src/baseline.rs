//! `--baseline OLD.json`: compare this run's problems with an earlier JSON
//! report. Problems are keyed by (finding id, problem code), never by line
//! numbers or messages, so an edit above a finding does not make it new.
//! Input: the old report's text; output: `baseline` on each problem and the
//! report's `fixed` list. Reads nothing but the given text.

use crate::findings::{BaselineState, FixedProblem, Report};
use serde::Deserialize;
use std::collections::BTreeSet;

/// The (finding id, code) pairs of a baseline report.
#[derive(Debug, Default)]
pub struct Baseline {
    keys: BTreeSet<(String, String)>,
}

#[derive(Deserialize)]
struct OldReport {
    schema_version: u32,
    findings: Vec<OldFinding>,
}

#[derive(Deserialize)]
struct OldFinding {
    id: String,
    problems: Vec<OldProblem>,
}

#[derive(Deserialize)]
struct OldProblem {
    code: String,
}

impl Baseline {
    /// Parse a `--format json` report; the error says what was expected.
    pub fn parse(text: &str) -> Result<Baseline, String> {
        let old: OldReport = serde_json::from_str(text)
            .map_err(|e| format!("not a seamscan JSON report (`seamscan audit --format json`): {e}"))?;
        if old.schema_version != 1 {
            return Err(format!(
                "unsupported report schema_version {} (expected 1)",
                old.schema_version
            ));
        }
        let keys = old
            .findings
            .into_iter()
            .flat_map(|f| {
                let id = f.id;
                f.problems.into_iter().map(move |p| (id.clone(), p.code))
            })
            .collect();
        Ok(Baseline { keys })
    }

    /// Mark every problem `new` or `unchanged` and list the baseline's
    /// problems that are gone as `fixed` (sorted by id, then code).
    pub fn apply(&self, report: &mut Report) {
        let mut now = BTreeSet::new();
        for f in &mut report.findings {
            for p in &mut f.problems {
                let key = (f.id.clone(), p.code.as_str().to_string());
                p.baseline = Some(if self.keys.contains(&key) {
                    BaselineState::Unchanged
                } else {
                    BaselineState::New
                });
                now.insert(key);
            }
        }
        report.fixed = Some(
            self.keys
                .difference(&now)
                .map(|(id, code)| FixedProblem {
                    id: id.clone(),
                    code: code.clone(),
                })
                .collect(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::{Code, Finding};

    #[test]
    fn keyed_by_id_and_code_not_message() {
        let b = Baseline::parse(
            r#"{"schema_version": 1, "findings": [
                {"id": "method:a", "problems": [{"code": "no-callers", "message": "at x.rb:1"}]},
                {"id": "method:b", "problems": [{"code": "no-callers"}]}]}"#,
        )
        .unwrap();
        let mut r = Report::default();
        let mut a = Finding::new("method", "a");
        a.problem(Code::NoCallers, "at x.rb:7");
        a.problem(Code::PrivateEntryPoint, "new one");
        r.findings.push(a);
        b.apply(&mut r);
        let states: Vec<_> = r.findings[0].problems.iter().map(|p| p.baseline).collect();
        assert_eq!(states, [Some(BaselineState::Unchanged), Some(BaselineState::New)]);
        assert_eq!(
            r.fixed.unwrap(),
            [FixedProblem {
                id: "method:b".into(),
                code: "no-callers".into()
            }]
        );
    }

    #[test]
    fn refuses_what_is_not_a_report() {
        assert!(
            Baseline::parse("[]")
                .unwrap_err()
                .contains("not a seamscan JSON report")
        );
        assert!(
            Baseline::parse(r#"{"schema_version": 2, "findings": []}"#)
                .unwrap_err()
                .contains("schema_version 2")
        );
    }
}
