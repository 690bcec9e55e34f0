//! Behaviour no other test covered (issue 11): every built-in config glob,
//! the default skipped directories, `--fail-on medium` and `low`,
//! `dynamic-callers-only` and `ambiguous-definition`, through the binary on
//! small workspaces made in temp dirs.

mod common;

use common::{Report, audit, write_files};
use std::path::{Path, PathBuf};

fn plan_file(dir: &Path, points: &[String]) -> PathBuf {
    let p = dir.join("plan.yaml");
    let mut s = String::from("version: 1\nphases:\n  - points:\n");
    for pt in points {
        s.push_str(&format!("      - {pt}\n"));
    }
    std::fs::write(&p, s).unwrap();
    p
}

/// (path in repo `svc`, contents, the var it defines at line `line`).
const CONFIG_FILES: [(&str, &str, &str, u32); 22] = [
    (".env", "V_ENV=1\n", "V_ENV", 1),
    (".env.production", "export V_ENV_PROD=1\n", "V_ENV_PROD", 1),
    ("config/app/settings.yml", "V_CONFIG: 1\n", "V_CONFIG", 1),
    ("config/x.toml", "V_TOML = \"1\"\n", "V_TOML", 1),
    ("ops/main.tf", "locals {}\nV_TF = \"1\"\n", "V_TF", 2),
    ("ops/prod.tfvars", "V_TFVARS = \"1\"\n", "V_TFVARS", 1),
    (
        "Dockerfile.prod",
        "FROM ruby\nENV V_DOCKERFILE=1\n",
        "V_DOCKERFILE",
        2,
    ),
    (
        "docker/api.Dockerfile",
        "ARG V_DOCKERFILE_SUFFIX\n",
        "V_DOCKERFILE_SUFFIX",
        1,
    ),
    (
        "docker/web.dockerfile",
        "ENV V_DOCKERFILE_LOWER 1\n",
        "V_DOCKERFILE_LOWER",
        1,
    ),
    (
        "docker-compose.override.yml",
        "services:\n  app:\n    environment:\n      - V_COMPOSE=1\n",
        "V_COMPOSE",
        4,
    ),
    (
        "deploy2/compose.yaml",
        "services:\n  app:\n    environment:\n      V_COMPOSE2: 1\n",
        "V_COMPOSE2",
        4,
    ),
    (".github/workflows/ci.yml", "env:\n  V_GHA: 1\n", "V_GHA", 2),
    (
        "k8s/deployment.yaml",
        "env:\n  - name: V_K8S\n    value: \"1\"\n",
        "V_K8S",
        2,
    ),
    ("helm/values.yaml", "V_HELM: 1\n", "V_HELM", 1),
    ("charts/app/values.yaml", "V_CHARTS: 1\n", "V_CHARTS", 1),
    ("deploy/prod.env", "V_DEPLOY=1\n", "V_DEPLOY", 1),
    (
        "infrastructure/vars.yml",
        "V_INFRASTRUCTURE: 1\n",
        "V_INFRASTRUCTURE",
        1,
    ),
    ("infra/vars.json", "{\"V_INFRA\": \"1\"}\n", "V_INFRA", 1),
    (
        "app.json",
        "{\"env\": {\"V_APPJSON\": {\"value\": \"1\"}}}\n",
        "V_APPJSON",
        1,
    ),
    ("fly.toml", "[env]\n  V_FLY = \"1\"\n", "V_FLY", 2),
    (
        "render.yaml",
        "envVars:\n  - key: V_RENDER\n    value: 1\n",
        "V_RENDER",
        2,
    ),
    (
        "Procfile",
        "web: V_PROCFILE=1 bundle exec puma\n",
        "V_PROCFILE",
        1,
    ),
];

#[test]
fn every_builtin_config_glob_defines_env_vars() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    let mut files: Vec<(&str, String)> = CONFIG_FILES
        .iter()
        .map(|(p, c, _, _)| (*p, c.to_string()))
        .collect();
    // Not config: `app.json` below the root, a `.env` in a subdirectory,
    // a YAML file outside every config glob.
    files.push(("sub/app.json", "{\"V_NOT_ROOT\": 1}\n".into()));
    files.push(("sub/.env", "V_NOT_ROOT_ENV=1\n".into()));
    files.push(("notes/vars.yml", "V_NOT_CONFIG: 1\n".into()));
    let mut reader = String::new();
    let mut points = Vec::new();
    let mut vars: Vec<&str> = CONFIG_FILES.iter().map(|(_, _, v, _)| *v).collect();
    vars.extend(["V_NOT_ROOT", "V_NOT_ROOT_ENV", "V_NOT_CONFIG"]);
    for v in &vars {
        reader.push_str(&format!("ENV['{v}']\n"));
        points.push(format!("env: {v}"));
    }
    files.push(("Gemfile", String::new()));
    files.push(("app/reader.rb", reader));
    let pairs: Vec<(String, &str)> = files
        .iter()
        .map(|(p, c)| (format!("svc/{p}"), c.as_str()))
        .collect();
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(p, c)| (p.as_str(), *c)).collect();
    write_files(&ws, &pairs);
    let (r, _, stderr) = audit(&plan_file(dir.path(), &points), &ws, &[]);
    for (path, _, var, line) in CONFIG_FILES {
        let f = r.finding(&format!("env:{var}"));
        assert_eq!(f.config_wired, Some(true), "{var} in {path}: {stderr}");
        assert_eq!(f.config[0].defined_at, [format!("svc/{path}:{line}")], "{var}");
    }
    for var in ["V_NOT_ROOT", "V_NOT_ROOT_ENV", "V_NOT_CONFIG"] {
        let f = r.finding(&format!("env:{var}"));
        assert_eq!(
            f.config_wired,
            Some(false),
            "{var} is not defined by a config file"
        );
        assert!(
            f.config[0].defined_at.is_empty(),
            "{var}: {:?}",
            f.config[0].defined_at
        );
    }
}

#[test]
fn default_skipped_directories_are_not_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    let mut files = vec![
        ("api/Gemfile", ""),
        (
            "api/app/models/report.rb",
            "class Report\n  def build_it; end\nend\n",
        ),
        ("api/app/jobs/real.rb", "Report.new.build_it\n"),
    ];
    let skipped = [
        "node_modules",
        "vendor",
        "dist",
        "build",
        "tmp",
        "coverage",
        ".cache",
    ];
    let paths: Vec<String> = skipped.iter().map(|d| format!("api/{d}/x/caller.rb")).collect();
    for p in &paths {
        files.push((p.as_str(), "Report.new.build_it\n"));
    }
    write_files(&ws, &files);
    let (r, code, _) = audit(
        &plan_file(dir.path(), &["method: Report#build_it".into()]),
        &ws,
        &[],
    );
    assert_eq!(code, 0);
    let f = r.finding("method:Report#build_it");
    assert_eq!(
        f.callers_found,
        ["api/app/jobs/real.rb:1"],
        "skipped: {skipped:?}"
    );
    // Only the model, the caller and the Gemfile were read.
    assert_eq!(r.stats.files_scanned, 3, "{:?}", r.stats);
}

/// A workspace whose worst finding has the given risk.
fn risk_workspace(dir: &Path, worst: &str) -> (PathBuf, PathBuf) {
    let ws = dir.join("ws");
    let mut files = vec![("api/Gemfile", ""), ("api/app/a.rb", "ENV['READ_ONLY']\n")];
    let point = match worst {
        // Read in code, defined nowhere: config-not-wired.
        "medium" => "env: READ_ONLY",
        // Defined in config, read nowhere: config-never-read.
        "low" => {
            files.push(("api/.env", "UNREAD=1\n"));
            "env: UNREAD"
        }
        _ => unreachable!(),
    };
    write_files(&ws, &files);
    (plan_file(dir, &[point.into()]), ws)
}

#[test]
fn fail_on_medium_and_low() {
    let dir = tempfile::tempdir().unwrap();
    let (plan, ws) = risk_workspace(dir.path(), "medium");
    for (level, want) in [("high", 0), ("medium", 1), ("low", 1), ("never", 0)] {
        let (r, code, _) = audit(&plan, &ws, &["--fail-on", level]);
        assert_eq!(r.summary.medium, 1);
        assert_eq!(code, want, "medium finding, --fail-on {level}");
    }
    let dir = tempfile::tempdir().unwrap();
    let (plan, ws) = risk_workspace(dir.path(), "low");
    for (level, want) in [("high", 0), ("medium", 0), ("low", 1), ("never", 0)] {
        let (r, code, _) = audit(&plan, &ws, &["--fail-on", level]);
        assert_eq!(r.summary.low, 1);
        assert_eq!(code, want, "low finding, --fail-on {level}");
    }
}

fn run(files: &[(&str, &str)], points: &[&str]) -> Report {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    write_files(&ws, files);
    let points: Vec<String> = points.iter().map(|p| p.to_string()).collect();
    let (r, _, stderr) = audit(&plan_file(dir.path(), &points), &ws, &["--fail-on", "never"]);
    assert!(stderr.is_empty(), "{stderr}");
    r
}

#[test]
fn dynamic_callers_only() {
    let r = run(
        &[
            ("api/Gemfile", ""),
            (
                "api/app/services/sync.rb",
                "class Sync\n  def pull_rows; end\nend\n",
            ),
            (
                "api/app/jobs/sync_job.rb",
                "class SyncJob\n  STEPS = %w[pull_rows]\n  def perform(step)\n    Sync.new.public_send(step)\n  end\nend\n",
            ),
        ],
        &["method: Sync#pull_rows"],
    );
    let f = r.finding("method:Sync#pull_rows");
    assert_eq!(f.codes(), ["dynamic-callers-only"]);
    assert_eq!(f.risk, "medium");
    assert_eq!(f.confidence, "low");
    let dynamic = f
        .dynamic_callers
        .as_deref()
        .expect("a method has dynamic_callers");
    assert_eq!(dynamic, ["api/app/jobs/sync_job.rb:4"], "{dynamic:?}");
    let sites = f.dynamic_call_sites.as_deref().expect("and dynamic_call_sites");
    assert_eq!(sites[0].location, "api/app/jobs/sync_job.rb:4");
    assert_eq!(sites[0].code, "Sync.new.public_send(step)");
    assert!(f.callers_found.is_empty());
}

#[test]
fn ambiguous_definition() {
    let r = run(
        &[
            ("api/Gemfile", ""),
            ("api/app/a.rb", "class A\n  def shared_step; end\nend\n"),
            ("api/app/b.rb", "class B\n  def shared_step; end\nend\n"),
            ("api/app/c.rb", "A.new.shared_step\n"),
        ],
        &["method: shared_step", "method: A#shared_step"],
    );
    let f = r.finding("method:shared_step");
    assert_eq!(f.codes(), ["ambiguous-definition"]);
    assert_eq!(f.risk, "low");
    let m = &f.problems[0].message;
    assert!(
        m.contains("api/app/a.rb:2") && m.contains("api/app/b.rb:2"),
        "{m}"
    );
    // With the owner, the name is not ambiguous.
    assert!(r.finding("method:A#shared_step").problems.is_empty());
}
