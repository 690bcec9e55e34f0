//! Checks: plan points + `FactIndex` → `Finding`s, one file per point kind.
//!
//! Input: the plan and the merged facts. Output: one finding per id, every
//! planned point included. Never touches tree-sitter or the file system.

mod action;
mod bull;
pub mod effects;
mod env;
mod event;
mod flag;
mod hooks;
mod job;
mod jsonb;
mod method;
mod payload;
pub mod route;
mod webhook;

use crate::facts::{FactIndex, FileIdx, Loc};
use crate::findings::{Accepted, Code, Confidence, Finding, Problem};
use crate::msg;
use crate::plan::{Accept, Kind, Plan, Point};
use crate::text::Text;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// Points that share an id, merged: phases, callers and env lists unioned.
#[derive(Clone, Debug)]
pub struct Merged {
    pub kind: Kind,
    pub name: String,
    pub phases: Vec<String>,
    pub repo: Option<String>,
    pub callers: Vec<String>,
    pub env: Vec<String>,
    pub note: Option<String>,
    /// The `accept:` entries of every point with this id.
    pub accept: Vec<Accept>,
    /// `model: Model#method` (action points).
    pub model: Option<String>,
}

pub fn merge(plan: &Plan) -> Vec<Merged> {
    let mut by_id: BTreeMap<String, Merged> = BTreeMap::new();
    let mut add = |p: &Point| {
        let e = by_id.entry(p.id()).or_insert_with(|| Merged {
            kind: p.kind,
            name: p.name.clone(),
            phases: Vec::new(),
            repo: None,
            callers: Vec::new(),
            env: Vec::new(),
            note: None,
            accept: Vec::new(),
            model: None,
        });
        e.phases.push(p.phase.clone());
        if e.model.is_none() {
            e.model = p.model.clone();
        }
        for a in &p.accept {
            if !e.accept.contains(a) {
                e.accept.push(a.clone());
            }
        }
        if e.repo.is_none() {
            e.repo = p.repo.clone();
        }
        e.callers.extend(p.callers.iter().cloned());
        e.env.extend(p.env.iter().cloned());
        if e.note.is_none() {
            e.note = p.note.clone();
        }
    };
    for p in &plan.points {
        add(p);
    }
    // Every env var named in an `env:` list gets its own env finding.
    let listed: Vec<(String, String)> = plan
        .points
        .iter()
        .flat_map(|p| p.env.iter().map(move |e| (e.clone(), p.phase.clone())))
        .collect();
    for (var, phase) in listed {
        let e = by_id.entry(format!("env:{var}")).or_insert_with(|| Merged {
            kind: Kind::Env,
            name: var.clone(),
            phases: Vec::new(),
            repo: None,
            callers: Vec::new(),
            env: Vec::new(),
            note: None,
            accept: Vec::new(),
            model: None,
        });
        e.phases.push(phase);
    }
    let mut out: Vec<Merged> = by_id.into_values().collect();
    for m in &mut out {
        for v in [&mut m.phases, &mut m.callers, &mut m.env] {
            v.sort();
            v.dedup();
        }
    }
    out
}

/// Shared helpers over the index.
pub struct Ctx<'a> {
    pub ix: &'a FactIndex,
    /// Repos that hold no source file (infrastructure/deploy repos): their
    /// config counts for every repo.
    pub config_only_repos: BTreeSet<u32>,
    /// Files outside tests that dispatch dynamically (`facts.dynamic`), in
    /// file order: each method point looks at them.
    pub dynamic_files: Vec<crate::facts::FileIdx>,
}

impl<'a> Ctx<'a> {
    pub fn new(ix: &'a FactIndex) -> Ctx<'a> {
        let mut has_source = vec![false; ix.repos.len()];
        for f in &ix.files {
            if f.class.lang.is_some() {
                has_source[f.repo as usize] = true;
            }
        }
        let config_only_repos = has_source
            .iter()
            .enumerate()
            .filter(|(_, h)| !**h)
            .map(|(i, _)| i as u32)
            .collect();
        let dynamic_files = (0..ix.facts.len() as crate::facts::FileIdx)
            .filter(|fi| !ix.facts[*fi as usize].dynamic.is_empty() && !ix.is_test(*fi))
            .collect();
        Ctx {
            ix,
            config_only_repos,
            dynamic_files,
        }
    }

    pub fn loc(&self, file: FileIdx, line: u32) -> String {
        self.ix.render(Loc { file, line })
    }

    /// Routing code seamscan cannot read (`devise_for`, routes drawn in a
    /// loop) in the repos `apps` holds (every repo when empty), as
    /// `location (what)`.
    pub fn unread_routing(&self, apps: &[u32]) -> Vec<String> {
        self.ix
            .routes_unread
            .iter()
            .filter(|(fi, _, _)| apps.is_empty() || apps.contains(&self.ix.file(*fi).repo))
            .map(|(fi, line, what)| format!("{} ({what})", self.loc(*fi, *line)))
            .collect()
    }

    pub fn repo_index(&self, name: &str) -> Option<u32> {
        self.ix.repos.iter().position(|r| r == name).map(|i| i as u32)
    }

    /// Why a missing definition may only mean that nothing was scanned: no
    /// repo holds a source file, or the point's repo holds none.
    pub fn nothing_scanned(&self, repo: Option<&str>) -> Option<Text> {
        if self.ix.repos.is_empty() {
            return Some(msg!(
                "nothing was scanned: the workspace (or the plan's {}) has no repo",
                Text::code("repos:")
            ));
        }
        if self.config_only_repos.len() == self.ix.repos.len() {
            return Some(Text::ours(
                "nothing was scanned: the workspace holds no source file",
            ));
        }
        let repo = repo?;
        match self.repo_index(repo) {
            None => Some(msg!(
                "the repo {} was not scanned (the plan's {} leaves it out)",
                Text::code(repo),
                Text::code("repos:")
            )),
            Some(r) if self.config_only_repos.contains(&r) => Some(msg!(
                "the repo {} holds no source file: nothing there was scanned",
                Text::code(repo)
            )),
            Some(_) => None,
        }
    }

    /// A verdict that rests on the absence of callers or readers: if files
    /// seamscan does not read spell `name`, lower the confidence and name
    /// them.
    pub fn unread_spelling(&self, f: &mut Finding, name: &str) {
        let at = self.ix.unread_spelling(name);
        if at.is_empty() {
            return;
        }
        f.low_confidence(msg!(
            "files seamscan does not parse spell {}: {}",
            Text::code(name),
            first_few(&at)
        ));
        f.verify.push(msg!(
            "whether the unparsed files that spell {} use it: {}",
            Text::code(name),
            Text::raw_list(&at, ", ")
        ));
    }

    /// Did a file that mentions `name` fail to parse?
    pub fn failed_mentioning(&self, names: &[&str]) -> Vec<String> {
        let mut out = Vec::new();
        for &f in &self.ix.failed {
            if names.iter().any(|n| self.ix.mentions_name(f, n)) {
                let m = self.ix.file(f);
                out.push(format!("{}/{}", self.ix.repos[m.repo as usize], m.path));
            }
        }
        out
    }
}

/// Run every check; one finding per id.
pub fn run(plan: &Plan, ix: &FactIndex) -> Vec<Finding> {
    run_on(plan, ix, &today())
}

/// `run` as if today were `today` (`YYYY-MM-DD`, for `accept: until`).
pub fn run_on(plan: &Plan, ix: &FactIndex, today: &str) -> Vec<Finding> {
    let ctx = Ctx::new(ix);
    let merged = merge(plan);
    // Points are independent: check them in parallel; the indexed collect
    // keeps plan order, so the result does not depend on the thread count.
    merged.par_iter().map(|m| check_one(m, &ctx, ix, today)).collect()
}

/// Today's date in UTC, `YYYY-MM-DD` (Howard Hinnant's civil-from-days).
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    civil_date(secs / 86_400)
}

fn civil_date(days_since_epoch: u64) -> String {
    let z = days_since_epoch as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Mark the problems the plan accepted; an expired entry, or one that
/// matches no problem, becomes an `accepted-problem-expired` problem.
fn apply_accept(f: &mut Finding, accept: &[Accept], today: &str) {
    let mut extra = Vec::new();
    for a in accept {
        // ISO dates compare as strings; `until` is the last accepted day.
        let expired = a.until.as_deref().is_some_and(|u| u < today);
        let matching: Vec<&mut Problem> = f
            .problems
            .iter_mut()
            .filter(|p| p.code.as_str() == a.code)
            .collect();
        if expired {
            let still = if matching.is_empty() {
                "; it matches no problem any more"
            } else {
                ""
            };
            extra.push(Problem::new(
                Code::AcceptedProblemExpired,
                msg!(
                    "the acceptance of {} expired on {} (\"{}\"){}",
                    Text::code(&a.code),
                    Text::raw(a.until.as_deref().unwrap_or("")),
                    Text::raw(&a.reason),
                    Text::ours(still)
                ),
            ));
        } else if matching.is_empty() {
            extra.push(Problem::new(
                Code::AcceptedProblemExpired,
                msg!(
                    "{} of {} (\"{}\") matches no problem any more: remove it",
                    Text::code("accept:"),
                    Text::code(&a.code),
                    Text::raw(&a.reason)
                ),
            ));
        } else {
            for p in matching {
                p.accepted = Some(Accepted {
                    reason: a.reason.clone(),
                    until: a.until.clone(),
                });
            }
        }
    }
    f.problems.extend(extra);
}

fn check_one(m: &Merged, ctx: &Ctx, ix: &FactIndex, today: &str) -> Finding {
    let mut f = match m.kind {
        Kind::Method => method::check(m, ctx),
        Kind::Env => env::check(m, ctx),
        Kind::Jsonb => jsonb::check(m, ctx),
        Kind::Job => job::check(m, ctx),
        Kind::Event => event::check(m, ctx),
        Kind::Flag => flag::check(m, ctx),
        Kind::Route => route::check(m, ctx),
        Kind::Action => action::check(m, ctx),
        Kind::Webhook => webhook::check(m, ctx),
    };
    if f.has(Code::MissingDefinition)
        && let Some(why) = ctx.nothing_scanned(m.repo.as_deref())
    {
        f.low_confidence(why);
    }
    apply_accept(&mut f, &m.accept, today);
    if !ix.unwalked.is_empty() && f.exists.is_some() {
        f.confidence = Confidence::Low;
        f.verify.push(msg!(
            "parts of the workspace could not be read: {}",
            Text::join(ix.unwalked.iter().cloned(), "; ")
        ));
    }
    f.phases = m.phases.clone();
    f.plan_note = m.note.clone();
    f.finish();
    if f.notes.is_empty() {
        f.notes = default_note(&f);
    }
    for n in &f.extra_notes {
        f.notes.push(Text::ours(" "));
        f.notes.push(sentence(n.clone()));
    }
    f
}

/// `text` as a sentence: capitalised (when it starts with our own words,
/// never a name), ending with a full stop.
fn sentence(text: Text) -> Text {
    if text.is_empty() {
        return text;
    }
    let stop = !text.plain().ends_with(['.', '!', '?']);
    let mut s = text.capitalize();
    if stop {
        s.push(Text::ours("."));
    }
    s
}

/// The first five locations of `items`, and how many more there are:
/// `a, b, c, d, e and 3 more`.
fn first_few(items: &[String]) -> Text {
    const SHOWN: usize = 5;
    let mut t = Text::raw_list(&items[..items.len().min(SHOWN)], ", ");
    if items.len() > SHOWN {
        t.push(msg!(" and {} more", Text::num((items.len() - SHOWN) as u64)));
    }
    t
}

fn default_note(f: &Finding) -> Text {
    let note = match f.problems.iter().find(|p| p.accepted.is_none()) {
        Some(p) => {
            let more = f.problems.iter().filter(|p| p.accepted.is_none()).count() - 1;
            if more > 0 {
                msg!(
                    "{} (and {} more problem{}).",
                    p.message.clone(),
                    Text::num(more as u64),
                    Text::ours(if more == 1 { "" } else { "s" })
                )
            } else {
                msg!("{}.", p.message.clone())
            }
        }
        None if !f.problems.is_empty() => Text::ours("Checked: every problem found is accepted by the plan."),
        None => Text::ours("Checked: no problem found."),
    };
    // Only our own first word is capitalised, never a repo or file name.
    note.capitalize()
}

#[cfg(test)]
mod tests {
    use super::civil_date;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(11_016), "2000-02-29");
        assert_eq!(civil_date(20_454), "2026-01-01");
        assert_eq!(civil_date(20_513), "2026-03-01");
    }
}
