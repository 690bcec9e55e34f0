//! `env:` points: read in code (exists), defined in config (wired).

use super::{Ctx, Merged};
use crate::facts::FileIdx;
use crate::findings::{CallerMatch, Code, ConfigEntry, DefinitionEvidence, Finding};
use crate::msg;
use crate::text::Text;
use std::collections::BTreeSet;

pub struct Wiring {
    pub wired: bool,
    pub read_at: Vec<String>,
    pub defined_at: Vec<String>,
    /// Why it is not wired (empty when it is).
    pub why: Text,
    pub test_reads: Vec<String>,
    /// Reads through an env config object (`env.X`): a weaker match.
    pub indirect: BTreeSet<String>,
    /// Every read that makes it unwired has a fallback value
    /// (`ENV.fetch("X", d)`, `process.env.X || d`): the code runs without it.
    pub fallback: bool,
}

/// Where `var` is read and defined, and whether every repo that reads it (in
/// non-test code) defines it in its own config or in a config-only repo.
pub fn wiring(ctx: &Ctx, var: &str) -> Wiring {
    let ix = ctx.ix;
    let reads: Vec<(FileIdx, u32)> = ix
        .env_reads_by_name
        .get(var)
        .map(|v| {
            v.iter()
                .map(|(f, i)| (*f, ix.facts[*f as usize].env_reads[*i as usize].line))
                .collect()
        })
        .unwrap_or_default();
    let with_fallback: BTreeSet<(FileIdx, u32)> = ix
        .env_reads_by_name
        .get(var)
        .map(|v| {
            v.iter()
                .map(|(f, i)| (*f, &ix.facts[*f as usize].env_reads[*i as usize]))
                .filter(|(_, r)| r.fallback)
                .map(|(f, r)| (f, r.line))
                .collect()
        })
        .unwrap_or_default();
    // `env.X` where `env` is built from `process.env` in a visible module.
    let indirect_reads: Vec<(FileIdx, u32)> = ix
        .resolution
        .env_reads
        .get(var)
        .map(|v| {
            v.iter()
                .map(|(f, i)| (*f, ix.facts[*f as usize].config_reads[*i as usize].line))
                .collect()
        })
        .unwrap_or_default();
    let indirect: BTreeSet<String> = indirect_reads.iter().map(|(f, l)| ctx.loc(*f, *l)).collect();
    let mut reads = reads;
    reads.extend(indirect_reads);
    reads.sort();
    reads.dedup();
    let defs: Vec<(FileIdx, u32)> = ix
        .config_defs_by_name
        .get(var)
        .map(|v| {
            v.iter()
                .map(|(f, i)| (*f, ix.facts[*f as usize].config_defs[*i as usize].line))
                .collect()
        })
        .unwrap_or_default();
    let mut read_at = Vec::new();
    let mut test_reads = Vec::new();
    let mut reading_repos = BTreeSet::new();
    for (f, l) in &reads {
        if ix.is_test(*f) {
            test_reads.push(ctx.loc(*f, *l));
        } else {
            read_at.push(ctx.loc(*f, *l));
            reading_repos.insert(ix.file(*f).repo);
        }
    }
    let defining_repos: BTreeSet<u32> = defs.iter().map(|(f, _)| ix.file(*f).repo).collect();
    let shared = defining_repos.iter().any(|r| ctx.config_only_repos.contains(r));
    let missing: Vec<&str> = reading_repos
        .iter()
        .filter(|r| !shared && !defining_repos.contains(r))
        .map(|r| ix.repos[*r as usize].as_str())
        .collect();
    let defined_at: Vec<String> = defs.iter().map(|(f, l)| ctx.loc(*f, *l)).collect();
    let wired = !defs.is_empty() && missing.is_empty();
    let unwired_reads: Vec<&(FileIdx, u32)> = reads
        .iter()
        .filter(|(f, _)| !ix.is_test(*f) && (defs.is_empty() || missing.contains(&ix.repo_of(*f))))
        .collect();
    let fallback =
        !wired && !unwired_reads.is_empty() && unwired_reads.iter().all(|r| with_fallback.contains(r));
    let why = if defs.is_empty() {
        Text::ours("is defined in no config file")
    } else if !missing.is_empty() {
        let elsewhere: Vec<&str> = defining_repos
            .iter()
            .map(|r| ix.repos[*r as usize].as_str())
            .collect();
        msg!(
            "is read in {} but defined only in the config of {}",
            Text::raw_list(&missing, ", "),
            Text::raw_list(&elsewhere, ", ")
        )
    } else {
        Text::default()
    };
    Wiring {
        wired,
        read_at,
        defined_at,
        why,
        test_reads,
        indirect,
        fallback,
    }
}

/// A var that is not wired but read only with a fallback value: say so (the
/// default may be what production needs, or may hide a missing setting).
fn fallback_note(f: &mut Finding, var: &str, w: &Wiring) {
    if w.fallback {
        f.extra_notes.push(msg!(
            "every read of {} that lacks its config has a fallback value ({}, {}, {}): the code runs without it",
            Text::code(var),
            Text::code("ENV.fetch(\"X\", d)"),
            Text::code("|| d"),
            Text::code("?? d")
        ));
    }
}

/// The code a var's setter runs: JavaScript/TypeScript, Ruby, or any.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SetFor {
    Script,
    Ruby,
    Any,
}

/// Vars that a toolchain or the operating system sets itself when it
/// builds, serves, tests or starts a process, for the code of its
/// language: (var, which code, who sets it).
const TOOLCHAIN_SET: &[(&str, SetFor, &str)] = &[
    (
        "NODE_ENV",
        SetFor::Script,
        "the JavaScript toolchain itself (Next.js, Vite, webpack and Jest set it when they build, serve or test)",
    ),
    (
        "NEXT_RUNTIME",
        SetFor::Script,
        "Next.js itself (`nodejs` or `edge`, for the runtime it loads the code in)",
    ),
    (
        "NEXT_PHASE",
        SetFor::Script,
        "Next.js itself (the build or server phase)",
    ),
    (
        "JEST_WORKER_ID",
        SetFor::Script,
        "Jest itself (each test worker's number)",
    ),
    (
        "VITEST",
        SetFor::Script,
        "Vitest itself (`true` while it runs the tests)",
    ),
    (
        "VITEST_POOL_ID",
        SetFor::Script,
        "Vitest itself (each test worker's pool)",
    ),
    (
        "VITEST_WORKER_ID",
        SetFor::Script,
        "Vitest itself (each test worker's number)",
    ),
    (
        "TEST_ENV_NUMBER",
        SetFor::Ruby,
        "parallel_tests itself (each test process's number)",
    ),
    (
        "PATH",
        SetFor::Any,
        "the operating system (every process inherits it)",
    ),
    (
        "HOME",
        SetFor::Any,
        "the operating system (the user's home directory)",
    ),
    ("USER", SetFor::Any, "the operating system (the user's name)"),
    ("SHELL", SetFor::Any, "the operating system (the user's shell)"),
    ("PWD", SetFor::Any, "the shell (the working directory)"),
    (
        "TMPDIR",
        SetFor::Any,
        "the operating system (the temporary directory)",
    ),
    (
        "HOSTNAME",
        SetFor::Any,
        "the shell or container runtime (the host's name)",
    ),
    // Hosting and CI platforms set these on their builds and deployments:
    // no config file of the repo defines them.
    ("VERCEL", SetFor::Any, VERCEL),
    ("VERCEL_ENV", SetFor::Any, VERCEL),
    ("VERCEL_URL", SetFor::Any, VERCEL),
    ("VERCEL_BRANCH_URL", SetFor::Any, VERCEL),
    ("VERCEL_PROJECT_PRODUCTION_URL", SetFor::Any, VERCEL),
    ("VERCEL_REGION", SetFor::Any, VERCEL),
    ("VERCEL_GIT_COMMIT_SHA", SetFor::Any, VERCEL),
    ("VERCEL_GIT_COMMIT_REF", SetFor::Any, VERCEL),
    ("NETLIFY", SetFor::Any, NETLIFY),
    ("NETLIFY_DEV", SetFor::Any, NETLIFY),
    ("DEPLOY_URL", SetFor::Any, NETLIFY),
    ("DEPLOY_PRIME_URL", SetFor::Any, NETLIFY),
    ("RENDER", SetFor::Any, RENDER),
    ("RENDER_EXTERNAL_URL", SetFor::Any, RENDER),
    ("RENDER_SERVICE_NAME", SetFor::Any, RENDER),
    ("RENDER_GIT_COMMIT", SetFor::Any, RENDER),
    ("FLY_APP_NAME", SetFor::Any, FLY),
    ("FLY_REGION", SetFor::Any, FLY),
    ("FLY_ALLOC_ID", SetFor::Any, FLY),
    ("FLY_MACHINE_ID", SetFor::Any, FLY),
    ("RAILWAY_ENVIRONMENT", SetFor::Any, RAILWAY),
    ("RAILWAY_PUBLIC_DOMAIN", SetFor::Any, RAILWAY),
    ("RAILWAY_STATIC_URL", SetFor::Any, RAILWAY),
    ("DYNO", SetFor::Any, "Heroku itself (the dyno's name)"),
    ("CF_PAGES", SetFor::Any, CF_PAGES),
    ("CF_PAGES_URL", SetFor::Any, CF_PAGES),
    ("CF_PAGES_BRANCH", SetFor::Any, CF_PAGES),
    ("K_SERVICE", SetFor::Any, "Cloud Run itself (the service's name)"),
    (
        "AWS_LAMBDA_FUNCTION_NAME",
        SetFor::Any,
        "AWS Lambda itself (the function's name)",
    ),
    (
        "GITHUB_ACTIONS",
        SetFor::Any,
        "GitHub Actions itself (`true` on its runners)",
    ),
];

const VERCEL: &str = "Vercel itself (on its builds and deployments)";
const NETLIFY: &str = "Netlify itself (on its builds and deployments)";
const RENDER: &str = "Render itself (on its services)";
const FLY: &str = "Fly.io itself (on its machines)";
const RAILWAY: &str = "Railway itself (on its deployments)";
const CF_PAGES: &str = "Cloudflare Pages itself (on its builds)";

/// A var that a toolchain sets (`NODE_ENV` read only in JavaScript or
/// TypeScript, `TEST_ENV_NUMBER` read only in Ruby) or the operating
/// system sets (`PATH`, `HOME`, read anywhere): no config need define it;
/// the verdict has confidence low and says who sets it.
fn toolchain_set(f: &mut Finding, var: &str, w: &Wiring) {
    let ext_of = |l: &String| {
        let path = l.rsplit_once(':').map_or(l.as_str(), |(p, _)| p);
        path.rsplit('.').next().unwrap_or("").to_string()
    };
    let script = |l: &String| {
        matches!(
            ext_of(l).as_str(),
            "ts" | "tsx" | "mts" | "cts" | "js" | "jsx" | "mjs" | "cjs" | "vue" | "svelte"
        )
    };
    let ruby = |l: &String| matches!(ext_of(l).as_str(), "rb" | "rake" | "erb" | "yml" | "yaml");
    let Some((_, set_for, who)) = TOOLCHAIN_SET.iter().find(|(v, _, _)| *v == var) else {
        return;
    };
    let all_of_lang = match set_for {
        SetFor::Script => w.read_at.iter().all(script),
        SetFor::Ruby => w.read_at.iter().all(ruby),
        SetFor::Any => true,
    };
    if !w.read_at.is_empty() && all_of_lang {
        f.low_confidence(msg!("{} is set by {}", Text::code(var), Text::ours_marked(who)));
    }
}

/// A var read only by Rake tasks (`ENV["VERSION"]` in `lib/tasks/*.rake`,
/// a `Rakefile`) is, by convention, given on the task's command line
/// (`rake vendor VERSION=1.2`), not deployed: the verdict has confidence low.
fn task_args(f: &mut Finding, var: &str, w: &Wiring) {
    let rake = |l: &String| {
        let path = l.rsplit_once(':').map_or(l.as_str(), |(p, _)| p);
        let file = path.rsplit('/').next().unwrap_or(path);
        file.ends_with(".rake") || file == "Rakefile"
    };
    if w.read_at.is_empty() || !w.read_at.iter().all(rake) {
        return;
    }
    f.low_confidence(msg!(
        "{} is read only by Rake tasks ({}): a task's vars are usually given on its command line ({}), not deployed",
        Text::code(var),
        Text::raw_list(&w.read_at, ", "),
        Text::code(format!("rake task {var}=...")),
    ));
}

/// A var that is not wired but that a dotenv file no config glob names
/// spells (`apps/web/.env.example` below the repo's root, where `.env*`
/// does not reach): it may be defined there, so the verdict has
/// confidence low and the note names the files.
fn unread_dotenv(ctx: &Ctx, f: &mut Finding, var: &str) {
    let at: Vec<String> = ctx
        .ix
        .unread_spelling(var)
        .into_iter()
        .filter(|l| {
            let path = l.rsplit_once(':').map_or(l.as_str(), |(p, _)| p);
            crate::workspace::unread_kind(path.rsplit('/').next().unwrap_or(path)) == Some("env")
        })
        .collect();
    if at.is_empty() {
        return;
    }
    f.low_confidence(msg!(
        "dotenv files that no config glob names spell {} ({}): if they define it, add them to the plan's {} globs",
        Text::code(var),
        Text::raw_list(&at, ", "),
        Text::code("config:")
    ));
}

/// Wire a point to env vars: a `config` entry per var, `config_wired`
/// (`true` only when every var is wired), and `config-not-wired` for each
/// var that is not. Nothing happens without vars (`config_wired` stays null).
pub fn wire(ctx: &Ctx, vars: &[String], f: &mut Finding) {
    if vars.is_empty() {
        return;
    }
    let mut all_wired = true;
    for v in vars {
        let w = wiring(ctx, v);
        if !w.wired {
            all_wired = false;
            f.problem(Code::ConfigNotWired, msg!("{} {}", Text::code(v), w.why.clone()));
            fallback_note(f, v, &w);
            unread_dotenv(ctx, f, v);
            toolchain_set(f, v, &w);
            task_args(f, v, &w);
        }
        f.config.push(ConfigEntry {
            name: v.clone(),
            read_at: w.read_at,
            defined_at: w.defined_at,
        });
    }
    f.config_wired = Some(all_wired);
}

/// `process.env.X` is a direct read; `env.X` through an env config object
/// matches by name only.
fn strength(w: &Wiring, loc: &str) -> &'static str {
    if w.indirect.contains(loc) {
        "name"
    } else {
        "receiver"
    }
}

pub fn check(m: &Merged, ctx: &Ctx) -> Finding {
    let mut f = Finding::new("env", &m.name);
    let w = wiring(ctx, &m.name);
    f.exists = Some(!w.read_at.is_empty());
    for r in &w.read_at {
        f.definitions.push(DefinitionEvidence {
            location: r.clone(),
            access: None,
        });
        f.callers_found.push(r.clone());
        f.caller_matches.push(CallerMatch {
            location: r.clone(),
            strength: strength(&w, r).into(),
            test: false,
        });
    }
    for r in &w.test_reads {
        f.test_callers.push(r.clone());
        f.caller_matches.push(CallerMatch {
            location: r.clone(),
            strength: strength(&w, r).into(),
            test: true,
        });
    }
    f.config_wired = Some(w.wired);
    match (w.read_at.is_empty(), w.defined_at.is_empty()) {
        (true, true) => {
            let extra = if w.test_reads.is_empty() {
                ""
            } else {
                " (only tests read it)"
            };
            f.problem(
                Code::MissingDefinition,
                msg!(
                    "no code reads {} and no config file defines it{}",
                    Text::code(&m.name),
                    Text::ours(extra)
                ),
            );
        }
        (true, false) => f.problem(
            Code::ConfigNeverRead,
            msg!(
                "{} is defined in config ({}) but no code reads it",
                Text::code(&m.name),
                Text::raw_list(&w.defined_at, ", ")
            ),
        ),
        (false, _) if !w.wired => {
            f.problem(
                Code::ConfigNotWired,
                msg!("{} {}", Text::code(&m.name), w.why.clone()),
            );
            fallback_note(&mut f, &m.name, &w);
            unread_dotenv(ctx, &mut f, &m.name);
            toolchain_set(&mut f, &m.name, &w);
            task_args(&mut f, &m.name, &w);
        }
        _ => {}
    }
    if let Some(repo) = &m.repo {
        let in_repo = w.read_at.iter().any(|r| r.starts_with(&format!("{repo}/")));
        if !in_repo && !w.read_at.is_empty() {
            f.problem(
                Code::UnexpectedLocation,
                msg!("planned in {} but read only elsewhere", Text::raw(repo)),
            );
        }
    }
    for repo in &m.callers {
        if !w.read_at.iter().any(|r| r.starts_with(&format!("{repo}/"))) {
            f.problem(
                Code::MissingExpectedCaller,
                msg!("{} never reads {}", Text::raw(repo), Text::code(&m.name)),
            );
        }
    }
    if f.has(Code::MissingDefinition) || f.has(Code::ConfigNeverRead) {
        ctx.unread_spelling(&mut f, &m.name);
        // Source that spells the name without a read seamscan recognises
        // (`config.get("X")`, a settings wrapper) may read it after all.
        let reading: BTreeSet<FileIdx> = ctx
            .ix
            .env_reads_by_name
            .get(&m.name)
            .map(|v| v.iter().map(|(fi, _)| *fi).collect())
            .unwrap_or_default();
        let spelled: Vec<String> = ctx
            .ix
            .files_mentioning(&m.name)
            .into_iter()
            .filter(|fi| {
                let meta = ctx.ix.file(*fi);
                meta.class.lang.is_some() && !meta.class.test && !reading.contains(fi)
            })
            .map(|fi| {
                let meta = ctx.ix.file(fi);
                format!("{}/{}", ctx.ix.repos[meta.repo as usize], meta.path)
            })
            .collect();
        if !spelled.is_empty() {
            f.low_confidence(msg!(
                "source files spell {} without a read seamscan recognises ({}, {}): {}",
                Text::code(&m.name),
                Text::code("ENV[...]"),
                Text::code("process.env..."),
                Text::raw_list(&spelled, ", ")
            ));
        }
    }
    f.config.push(ConfigEntry {
        name: m.name.clone(),
        read_at: w.read_at,
        defined_at: w.defined_at,
    });
    let failed = ctx.failed_mentioning(&[m.name.as_str()]);
    if !failed.is_empty() {
        f.confidence = crate::findings::Confidence::Low;
        f.verify.push(msg!(
            "files that mention it failed to parse: {}",
            Text::raw_list(&failed, ", ")
        ));
    }
    f.verify
        .push("env vars set outside the scanned repos (hosting dashboards, secret stores)".into());
    f
}
