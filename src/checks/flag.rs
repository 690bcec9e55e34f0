//! `flag:` points: checked in code (exists) and defined somewhere (wired):
//! a config file (YAML/JSON feature lists, env-style definitions) or code
//! that creates or turns it on (`Flipper.enable(:x)`, `Flipper.add(:x)` in
//! seeds, migrations, initializers). A flag checked only through a hosted
//! service (LaunchDarkly, Unleash) is defined in that service.

use super::{Ctx, Merged};
use crate::facts::{FileIdx, FlagRole, LD_REACT};
use crate::findings::{CallerMatch, Code, Confidence, ConfigEntry, DefinitionEvidence, Finding};
use crate::msg;
use crate::text::Text;
use std::collections::BTreeSet;

/// An i18n file: `config/locales/**`, `locale/**`, `i18n/**`.
pub fn is_locale_file(path: &str) -> bool {
    path.split('/')
        .rev()
        .skip(1)
        .any(|d| matches!(d, "locales" | "locale" | "i18n" | "translations"))
}

/// A flag key as LaunchDarkly's React SDK exposes it (lodash `camelCase`):
/// `my-flag` → `myFlag`, `NEW_UI` → `newUi`.
pub fn camel_case(key: &str) -> String {
    let mut out = String::new();
    for (i, w) in key
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .enumerate()
    {
        let lower = w.to_ascii_lowercase();
        // A word already in camel case (`myFlag`) keeps its humps.
        let w = if w.chars().any(|c| c.is_ascii_lowercase()) {
            w.to_string()
        } else {
            lower
        };
        let mut cs = w.chars();
        if let Some(c) = cs.next() {
            if i == 0 {
                out.push(c.to_ascii_lowercase());
            } else {
                out.push(c.to_ascii_uppercase());
            }
            out.extend(cs);
        }
    }
    out
}

pub fn check(m: &Merged, ctx: &Ctx) -> Finding {
    let ix = ctx.ix;
    let name = &m.name;
    let mut f = Finding::new("flag", name);
    let mut checks: Vec<(FileIdx, u32)> = Vec::new();
    let mut test_checks: Vec<String> = Vec::new();
    let mut hosted: BTreeSet<String> = BTreeSet::new();
    let mut defs: Vec<(FileIdx, u32)> = Vec::new();
    // LaunchDarkly's React SDK reads `my-flag` as `flags.myFlag`.
    let camel = camel_case(name);
    let react = ix
        .flags_by_name
        .get(&camel)
        .filter(|_| camel != *name)
        .into_iter()
        .flatten()
        .filter(|(fi, i)| ix.facts[*fi as usize].flags[*i as usize].via == LD_REACT);
    for (fi, i) in ix.flags_by_name.get(name).into_iter().flatten().chain(react) {
        let u = &ix.facts[*fi as usize].flags[*i as usize];
        let test = ix.is_test(*fi);
        match u.role {
            FlagRole::Check | FlagRole::Hosted if test => test_checks.push(ctx.loc(*fi, u.line)),
            FlagRole::Check => checks.push((*fi, u.line)),
            FlagRole::Hosted => {
                hosted.insert(u.via.clone());
                checks.push((*fi, u.line));
            }
            FlagRole::Define if !test => defs.push((*fi, u.line)),
            FlagRole::Define => {}
        }
    }
    for (fi, i) in ix.config_defs_by_name.get(name).into_iter().flatten() {
        // Translations (`config/locales/en.yml`) have keys, not flags.
        if is_locale_file(&ix.file(*fi).path) {
            continue;
        }
        defs.push((*fi, ix.facts[*fi as usize].config_defs[*i as usize].line));
    }
    let read_at: Vec<String> = checks.iter().map(|(fi, l)| ctx.loc(*fi, *l)).collect();
    let defined_at: Vec<String> = defs.iter().map(|(fi, l)| ctx.loc(*fi, *l)).collect();
    for r in &read_at {
        f.definitions.push(DefinitionEvidence {
            location: r.clone(),
            access: None,
        });
        f.callers_found.push(r.clone());
        f.caller_matches.push(CallerMatch {
            location: r.clone(),
            strength: "receiver".into(),
            test: false,
        });
    }
    for r in &test_checks {
        f.test_callers.push(r.clone());
        f.caller_matches.push(CallerMatch {
            location: r.clone(),
            strength: "receiver".into(),
            test: true,
        });
    }
    f.exists = Some(!read_at.is_empty());
    // Every repo that checks it must define it (in its own files or in a
    // repo that holds only configuration), as for env vars.
    let reading: BTreeSet<u32> = checks.iter().map(|(fi, _)| ix.file(*fi).repo).collect();
    let defining: BTreeSet<u32> = defs.iter().map(|(fi, _)| ix.file(*fi).repo).collect();
    let shared = defining.iter().any(|r| ctx.config_only_repos.contains(r));
    let missing: Vec<&str> = reading
        .iter()
        .filter(|r| !shared && !defining.contains(r))
        .map(|r| ix.repos[*r as usize].as_str())
        .collect();
    let only_hosted = !hosted.is_empty() && defs.is_empty();
    match (read_at.is_empty(), defined_at.is_empty()) {
        _ if only_hosted => {
            f.config_wired = None;
            let services: Vec<&str> = hosted.iter().map(String::as_str).collect();
            f.notes = msg!(
                "Checked through {} at {}: the flag is defined in that service, not in the repos; check it there.",
                Text::raw_list(&services, ", "),
                Text::raw_list(&read_at, ", ")
            );
            f.verify.push(msg!(
                "that {} exists and is served in {}",
                Text::code(name),
                Text::raw_list(&services, ", ")
            ));
        }
        (true, true) => {
            f.config_wired = Some(false);
            let extra = if test_checks.is_empty() {
                ""
            } else {
                " (only tests check it)"
            };
            f.problem(
                Code::MissingDefinition,
                msg!(
                    "no code checks {} and nothing defines it{}",
                    Text::code(name),
                    Text::ours(extra)
                ),
            );
        }
        (true, false) => {
            f.config_wired = Some(true);
            f.problem(
                Code::ConfigNeverRead,
                msg!(
                    "{} is defined ({}) but no code checks it",
                    Text::code(name),
                    Text::raw_list(&defined_at, ", ")
                ),
            );
        }
        (false, true) => {
            f.config_wired = Some(false);
            f.problem(
                Code::ConfigNotWired,
                msg!(
                    "{} is checked but no config file, seed, migration or initializer defines it",
                    Text::code(name)
                ),
            );
        }
        (false, false) if !missing.is_empty() => {
            f.config_wired = Some(false);
            let elsewhere: Vec<&str> = defining.iter().map(|r| ix.repos[*r as usize].as_str()).collect();
            f.problem(
                Code::ConfigNotWired,
                msg!(
                    "{} is checked in {} but defined only in {}",
                    Text::code(name),
                    Text::raw_list(&missing, ", "),
                    Text::raw_list(&elsewhere, ", ")
                ),
            );
        }
        (false, false) => f.config_wired = Some(true),
    }
    if let Some(repo) = &m.repo
        && !read_at.is_empty()
        && !read_at.iter().any(|r| r.starts_with(&format!("{repo}/")))
    {
        f.problem(
            Code::UnexpectedLocation,
            msg!("planned in {} but checked only elsewhere", Text::raw(repo)),
        );
    }
    for repo in &m.callers {
        if !read_at.iter().any(|r| r.starts_with(&format!("{repo}/"))) {
            f.problem(
                Code::MissingExpectedCaller,
                msg!("{} never checks {}", Text::raw(repo), Text::code(name)),
            );
        }
    }
    f.config.push(ConfigEntry {
        name: name.clone(),
        read_at,
        defined_at,
    });
    if !m.env.is_empty() {
        let flag_wired = f.config_wired;
        super::env::wire(ctx, &m.env, &mut f);
        if let (Some(a), Some(b)) = (flag_wired, f.config_wired) {
            f.config_wired = Some(a && b);
        }
    }
    let failed = ctx.failed_mentioning(&[name.as_str()]);
    if !failed.is_empty() {
        f.confidence = Confidence::Low;
        f.verify.push(msg!(
            "files that mention it failed to parse: {}",
            Text::raw_list(&failed, ", ")
        ));
    }
    f.verify
        .push("flags created at run time (an admin UI, a console, a flag service's dashboard)".into());
    f
}

#[cfg(test)]
mod tests {
    #[test]
    fn launchdarkly_react_camel_case() {
        use super::camel_case;
        assert_eq!(camel_case("my-flag"), "myFlag");
        assert_eq!(camel_case("promo_banner"), "promoBanner");
        assert_eq!(camel_case("NEW_UI"), "newUi");
        assert_eq!(camel_case("dark.mode-v2"), "darkModeV2");
        assert_eq!(camel_case("myFlag"), "myFlag");
    }

    #[test]
    fn locale_files() {
        use super::is_locale_file;
        assert!(is_locale_file("config/locales/en.yml"));
        assert!(is_locale_file("config/locales/admin/de.yml"));
        assert!(!is_locale_file("config/features.yml"));
        assert!(!is_locale_file("config/locales.yml"));
    }
}
