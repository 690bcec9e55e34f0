//! Issue #19: the fact cache. The report is byte-identical with and without
//! it (every fixture, a generated workspace, a cache warmed by another plan
//! or by `seamscan index`); an edit that keeps a file's size and mtime is
//! seen; corrupt entries and concurrent runs give the right report; the
//! cache is never inside the workspace; `index` and `cache clean` do what
//! they say. Every run names its own `--cache-dir` (a temp dir).

mod common;

use common::seamscan;
use std::path::{Path, PathBuf};

/// The JSON report with the fields that may differ between runs
/// (`elapsed_ms`, `cache_hits`, `cache_misses`) blanked, and those two.
fn run(plan: &Path, ws: &Path, cache: Option<&Path>, extra: &[&str]) -> (String, u64, u64) {
    let mut c = seamscan();
    c.arg("audit").arg("--plan").arg(plan).arg(ws).arg("--quiet");
    c.args(["--fail-on", "never"]);
    match cache {
        Some(d) => c.arg("--cache-dir").arg(d),
        None => c.arg("--no-cache"),
    };
    let out = c.args(extra).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let text = String::from_utf8(out.stdout).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let hits = v["stats"]["cache_hits"].as_u64().unwrap();
    let misses = v["stats"]["cache_misses"].as_u64().unwrap();
    let mut masked = String::new();
    for line in text.lines() {
        let t = line.trim_start();
        if !(t.starts_with("\"elapsed_ms\"")
            || t.starts_with("\"cache_hits\"")
            || t.starts_with("\"cache_misses\""))
        {
            masked.push_str(line);
            masked.push('\n');
        }
    }
    (masked, hits, misses)
}

/// Every bundled plan with its fixture (named in its first line).
fn plans() -> Vec<(PathBuf, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for e in std::fs::read_dir(root.join("plans")).unwrap() {
        let p = e.unwrap().path();
        let text = std::fs::read_to_string(&p).unwrap();
        let ws = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# workspace: "))
            .unwrap_or_else(|| panic!("{} names no workspace", p.display()));
        out.push((p, root.join(ws.trim())));
    }
    out.sort();
    assert!(out.len() >= 5, "{out:?}");
    out
}

#[test]
fn every_fixture_is_identical_without_cache_cold_and_warm() {
    for (plan, ws) in plans() {
        let dir = tempfile::tempdir().unwrap();
        let (none, h0, m0) = run(&plan, &ws, None, &[]);
        assert_eq!((h0, m0), (0, 0), "--no-cache neither reads nor writes");
        let (cold, h1, m1) = run(&plan, &ws, Some(dir.path()), &[]);
        let (warm, h2, m2) = run(&plan, &ws, Some(dir.path()), &[]);
        assert_eq!(none, cold, "{}: cold cache differs", plan.display());
        assert_eq!(none, warm, "{}: warm cache differs", plan.display());
        // Files of the same content share an entry: the cold run may
        // already hit.
        assert!(m1 > 0, "{}", plan.display());
        assert_eq!(
            (h2, m2),
            (h1 + m1, 0),
            "{}: the second run only hits",
            plan.display()
        );
    }
}

#[test]
fn a_cache_filled_by_another_plan_or_by_index_gives_the_same_reports() {
    // Another plan: other names, another JSON column, no method of the
    // fixture's plan (its Ruby files then need other entries).
    let t = tempfile::tempdir().unwrap();
    let other = t.path().join("other.yaml");
    std::fs::write(
        &other,
        "version: 1\nphases:\n  - name: X\n    points:\n      - env: DATABASE_URL\n      - jsonb: Record.settings\n      - method: Widget#data\n",
    )
    .unwrap();
    for (plan, ws) in plans() {
        let (none, _, _) = run(&plan, &ws, None, &[]);
        let (other_none, _, _) = run(&other, &ws, None, &[]);
        let dir = tempfile::tempdir().unwrap();
        let (a, _, _) = run(&other, &ws, Some(dir.path()), &[]);
        let (b, _, _) = run(&plan, &ws, Some(dir.path()), &[]);
        let (c, _, misses) = run(&other, &ws, Some(dir.path()), &[]);
        assert_eq!(other_none, a, "{}", plan.display());
        assert_eq!(none, b, "{}", plan.display());
        assert_eq!(other_none, c, "{}", plan.display());
        assert_eq!(misses, 0, "{}", plan.display());
        // Filled by `index` alone: no plan ever ran on it.
        let fresh = tempfile::tempdir().unwrap();
        let out = seamscan()
            .arg("index")
            .arg(&ws)
            .arg("--cache-dir")
            .arg(fresh.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let (indexed, hits, misses) = run(&plan, &ws, Some(fresh.path()), &[]);
        assert_eq!(none, indexed, "{}", plan.display());
        assert_eq!(misses, 0, "{}: index left files to parse", plan.display());
        assert!(hits > 0, "{}", plan.display());
        let (indexed, _, misses) = run(&other, &ws, Some(fresh.path()), &[]);
        assert_eq!(other_none, indexed, "{}", plan.display());
        assert_eq!(misses, 0, "{}", plan.display());
    }
}

/// A workspace of two Rails apps and a TypeScript client, `n` files each,
/// with calls, JSON column keys (also through SQL), env reads and
/// ancestry; the same seed gives the same files.
fn generate(root: &Path, n: usize) -> PathBuf {
    let plan = root.join("plan.yaml");
    let ws = root.join("ws");
    let mut files: Vec<(String, String)> = Vec::new();
    for i in 0..n {
        let next = (i * 7 + 3) % n;
        files.push((
            format!("api/app/models/thing{i}.rb"),
            format!(
                "class Thing{i} < Base{b}\n  include Mixin{m}\n  def run_{i}\n    Thing{next}.new.run_{next} if ENV['FLAG_{e}'] == 'true'\n    self.payload['key_{i}'] = 1\n    where(\"payload->>'sql_{i}' = ?\", 1)\n    meta.dig('other_{i}')\n  end\n\n  private\n\n  def helper_{i}\n    payload.fetch('read_{i}')\n  end\nend\n",
                b = i % 3,
                m = i % 4,
                e = i % 5
            ),
        ));
        files.push((
            format!("worker/app/jobs/job{i}.rb"),
            format!(
                "class Job{i} < ApplicationJob\n  def perform(id)\n    Thing{i}.new.run_{i}\n    Thing{i}.new.helper_{i}\n    record.update(payload: {{ done_{i}: true }})\n  end\nend\n"
            ),
        ));
        files.push((
            format!("client/src/mod{i}.ts"),
            format!(
                "import {{ run{next} }} from './mod{next}';\nexport function run{i}(x: any) {{\n  const k = process.env.API_{e};\n  x.payload.key_{i} = 2;\n  const {{ a_{i} }} = x.payload;\n  return [run{next}].map(f => f).concat(x.meta.other_{i});\n}}\n",
                e = i % 5
            ),
        ));
    }
    files.push(("api/app/models/base0.rb".into(), "class Base0; end\n".into()));
    files.push((
        "api/config/application.yml".into(),
        "FLAG_0: 'true'\nFLAG_3: x\n".into(),
    ));
    for (p, c) in &files {
        let path = ws.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, c).unwrap();
    }
    let mut yaml = String::from("version: 1\nphases:\n  - name: P\n    points:\n");
    for i in (0..n).step_by(5) {
        yaml.push_str(&format!(
            "      - method: Thing{i}#run_{i}\n      - method: Thing{i}#helper_{i}\n"
        ));
        yaml.push_str(&format!("      - method: run{i}\n        repo: client\n"));
    }
    yaml.push_str("      - jsonb: Thing0.payload\n      - env: FLAG_1\n      - env: API_2\n");
    std::fs::write(&plan, yaml).unwrap();
    plan
}

#[test]
fn a_generated_workspace_is_identical_with_and_without_cache() {
    let t = tempfile::tempdir().unwrap();
    let plan = generate(t.path(), 40);
    let ws = t.path().join("ws");
    let dir = t.path().join("cache");
    let (none, _, _) = run(&plan, &ws, None, &[]);
    assert!(
        none.contains("sql_0"),
        "the generated plan reaches SQL keys: {none}"
    );
    let (cold, _, m) = run(&plan, &ws, Some(&dir), &["-j", "2"]);
    let (warm, h, _) = run(&plan, &ws, Some(&dir), &["-j", "1"]);
    assert_eq!(none, cold);
    assert_eq!(none, warm);
    assert_eq!(h, m);
    assert_eq!(m, 121, "every source file of the workspace");
}

#[test]
fn an_edit_that_keeps_size_and_mtime_is_seen() {
    let t = tempfile::tempdir().unwrap();
    let plan = generate(t.path(), 10);
    let ws = t.path().join("ws");
    let dir = t.path().join("cache");
    let (before, _, _) = run(&plan, &ws, Some(&dir), &[]);
    assert!(before.contains("api/app/models/thing0.rb:3"), "{before}");
    // Same length, same modification time: `run_0` becomes `rux_0`.
    let f = ws.join("api/app/models/thing0.rb");
    let meta = std::fs::metadata(&f).unwrap();
    let text = std::fs::read_to_string(&f)
        .unwrap()
        .replace("def run_0", "def rux_0");
    std::fs::write(&f, &text).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&f)
        .unwrap()
        .set_modified(meta.modified().unwrap())
        .unwrap();
    assert_eq!(std::fs::metadata(&f).unwrap().len(), meta.len());
    let (after, _, misses) = run(&plan, &ws, Some(&dir), &[]);
    let (none, _, _) = run(&plan, &ws, None, &[]);
    assert_eq!(after, none);
    assert_ne!(after, before, "the renamed definition changes the report");
    assert_eq!(misses, 1, "only the edited file is parsed again");
}

/// The prefilter's findings cached for a plan (`.seen` files), with their
/// bytes.
fn seen_files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    with_extension(dir, "seen")
        .into_iter()
        .map(|p| {
            let b = std::fs::read(&p).unwrap();
            (p, b)
        })
        .collect()
}

#[test]
fn a_plans_prefilter_findings_are_kept_by_content_and_rebuilt_when_corrupt() {
    let t = tempfile::tempdir().unwrap();
    let plan = generate(t.path(), 10);
    let ws = t.path().join("ws");
    let dir = t.path().join("cache");
    let (none, _, _) = run(&plan, &ws, None, &[]);
    let (first, _, _) = run(&plan, &ws, Some(&dir), &[]);
    assert_eq!(first, none);
    let seen = seen_files(&dir);
    assert_eq!(seen.len(), 1, "one blob for the plan's patterns");
    // Nothing to scan again: the blob is not rewritten.
    let (again, _, _) = run(&plan, &ws, Some(&dir), &[]);
    assert_eq!(again, none);
    assert_eq!(seen_files(&dir), seen);
    // Another plan has its own.
    let other = t.path().join("other.yaml");
    std::fs::write(
        &other,
        "version: 1\nphases:\n  - name: X\n    points:\n      - method: Thing3#run_3\n",
    )
    .unwrap();
    let (other_none, _, _) = run(&other, &ws, None, &[]);
    let (other_cached, _, _) = run(&other, &ws, Some(&dir), &[]);
    assert_eq!(other_cached, other_none);
    assert_eq!(seen_files(&dir).len(), 2);
    // A corrupt blob is ignored, and written again.
    std::fs::write(&seen[0].0, b"not findings").unwrap();
    let (after, _, _) = run(&plan, &ws, Some(&dir), &[]);
    assert_eq!(after, none);
    assert!(seen_files(&dir).contains(&seen[0]), "rebuilt as it was");
    // A changed file is scanned again (its new content has no findings
    // yet), and the blob follows the workspace.
    let f = ws.join("api/app/models/thing0.rb");
    let text = std::fs::read_to_string(&f)
        .unwrap()
        .replace("def run_0", "def rux_0");
    std::fs::write(&f, text).unwrap();
    let (edited_none, _, _) = run(&plan, &ws, None, &[]);
    let (edited, _, _) = run(&plan, &ws, Some(&dir), &[]);
    assert_eq!(edited, edited_none);
    assert_ne!(edited, none);
    assert!(!seen_files(&dir).contains(&seen[0]), "rewritten");
}

#[test]
fn added_removed_and_moved_files_between_runs() {
    let t = tempfile::tempdir().unwrap();
    let plan = generate(t.path(), 10);
    let ws = t.path().join("ws");
    let dir = t.path().join("cache");
    run(&plan, &ws, Some(&dir), &[]);
    // A new caller of a planned method, a removed job, a file moved (same
    // content, another path and repo-relative place).
    std::fs::write(
        ws.join("api/app/models/added.rb"),
        "class Added
  def go
    Thing0.new.run_0
    payload['added_key']
  end
end
",
    )
    .unwrap();
    std::fs::remove_file(ws.join("worker/app/jobs/job5.rb")).unwrap();
    std::fs::create_dir_all(ws.join("worker/app/jobs/moved")).unwrap();
    std::fs::rename(
        ws.join("worker/app/jobs/job0.rb"),
        ws.join("worker/app/jobs/moved/job0.rb"),
    )
    .unwrap();
    let (none, _, _) = run(&plan, &ws, None, &[]);
    assert!(none.contains("api/app/models/added.rb:3"), "{none}");
    assert!(none.contains("worker/app/jobs/moved/job0.rb"), "{none}");
    assert!(!none.contains("job5.rb"), "{none}");
    let (after, _, misses) = run(&plan, &ws, Some(&dir), &[]);
    assert_eq!(after, none);
    assert_eq!(misses, 1, "only the added file is parsed; the moved one is a hit");
    let (again, _, misses) = run(&plan, &ws, Some(&dir), &["-j", "1"]);
    assert_eq!(again, none);
    assert_eq!(misses, 0);
}

/// Every file under `dir`'s subdirectories.
fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.parent() != Some(dir) && p.file_name().is_some_and(|n| n != "size") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The files under `dir`'s subdirectories named `*.ext`.
fn with_extension(dir: &Path, ext: &str) -> Vec<PathBuf> {
    entries(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect()
}

/// The pack files under `dir`.
fn packs(dir: &Path) -> Vec<PathBuf> {
    with_extension(dir, "pack")
}

#[test]
fn corrupt_packs_are_rebuilt_and_the_report_is_right() {
    let t = tempfile::tempdir().unwrap();
    let plan = generate(t.path(), 10);
    let ws = t.path().join("ws");
    let (none, _, _) = run(&plan, &ws, None, &[]);
    for case in 0..3 {
        let dir = t.path().join(format!("cache{case}"));
        let (_, _, stored) = run(&plan, &ws, Some(&dir), &[]);
        assert_eq!(stored, 31);
        let p = packs(&dir);
        assert_eq!(p.len(), 1, "one pack per run");
        let bytes = std::fs::read(&p[0]).unwrap();
        let bad = match case {
            // Truncated: the whole pack is ignored.
            0 => bytes[..bytes.len() / 2].to_vec(),
            // Bytes flipped inside entries (every 256th byte before the
            // pack's shared strings, whose offset is at 40 in the 56-byte
            // footer): those entries are ignored. Two flips at fixed
            // fractions of the pack could land in a duplicate entry and go
            // unseen, depending on the layout.
            1 => {
                let mut b = bytes.clone();
                let footer = b.len() - 56;
                let strings = u64::from_le_bytes(b[footer + 40..footer + 48].try_into().unwrap()) as usize;
                assert!(strings > 128 && strings < footer);
                for at in (128..strings).step_by(256) {
                    b[at] ^= 0xff;
                }
                b
            }
            // Not a pack at all.
            _ => b"not a pack".to_vec(),
        };
        std::fs::write(&p[0], bad).unwrap();
        let (after, hits, misses) = run(&plan, &ws, Some(&dir), &[]);
        assert_eq!(after, none, "case {case}");
        assert!(misses > 0, "case {case}");
        if case != 1 {
            assert_eq!((hits, misses), (0, 31), "case {case}");
        }
        let (again, _, misses) = run(&plan, &ws, Some(&dir), &[]);
        assert_eq!(again, none, "case {case}");
        assert_eq!(misses, 0, "case {case}: rebuilt");
    }
}

#[test]
fn concurrent_audits_share_a_cache() {
    let t = tempfile::tempdir().unwrap();
    let plan = generate(t.path(), 60);
    let ws = t.path().join("ws");
    let (none, _, _) = run(&plan, &ws, None, &[]);
    for round in 0..3 {
        let dir = t.path().join(format!("cache{round}"));
        let handles: Vec<_> = (0..3)
            .map(|_| {
                let (plan, ws, dir) = (plan.clone(), ws.clone(), dir.clone());
                std::thread::spawn(move || run(&plan, &ws, Some(&dir), &[]).0)
            })
            .collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), none, "round {round}");
        }
        let (warm, _, misses) = run(&plan, &ws, Some(&dir), &[]);
        assert_eq!(warm, none);
        assert_eq!(misses, 0);
        // No temporary file is left behind.
        assert!(
            entries(&dir)
                .iter()
                .all(|p| !p.to_string_lossy().contains(".tmp."))
        );
    }
}

/// Every path under `root`, with its length and mtime.
fn snapshot(root: &Path) -> Vec<(PathBuf, u64, std::time::SystemTime)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let m = std::fs::symlink_metadata(&p).unwrap();
            if m.is_dir() {
                stack.push(p.clone());
            }
            out.push((p, m.len(), m.modified().unwrap()));
        }
    }
    out.sort();
    out
}

#[test]
fn the_cache_is_never_inside_the_workspace() {
    let t = tempfile::tempdir().unwrap();
    let plan = generate(t.path(), 3);
    let ws = t.path().join("ws");
    let before = snapshot(&ws);
    // Named inside a repo: an error, nothing written.
    let out = seamscan()
        .arg("audit")
        .arg("--plan")
        .arg(&plan)
        .arg(&ws)
        .arg("--cache-dir")
        .arg(ws.join("api/.cache"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("inside the workspace"), "{stderr}");
    let out = seamscan()
        .arg("index")
        .arg(&ws)
        .arg("--cache-dir")
        .arg(ws.join("x/../api/c"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // The default location inside the workspace: a warning, no cache.
    let out = seamscan()
        .arg("audit")
        .arg("--plan")
        .arg(&plan)
        .arg(&ws)
        .args(["--fail-on", "never"])
        .env("XDG_CACHE_HOME", ws.join("api"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("running without the cache"), "{stderr}");
    assert_eq!(snapshot(&ws), before, "the workspace was written to");
}

#[test]
fn the_default_location_is_xdg_cache_home() {
    let t = tempfile::tempdir().unwrap();
    let plan = generate(t.path(), 3);
    let ws = t.path().join("ws");
    let xdg = t.path().join("xdg");
    let out = seamscan()
        .arg("audit")
        .arg("--plan")
        .arg(&plan)
        .arg(&ws)
        .args(["--fail-on", "never", "--quiet"])
        .env("XDG_CACHE_HOME", &xdg)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(packs(&xdg.join("seamscan")).len(), 1);
    // Else ~/.cache.
    let home = t.path().join("home");
    let out = seamscan()
        .arg("index")
        .arg(&ws)
        .env_remove("XDG_CACHE_HOME")
        .env("HOME", &home)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(packs(&home.join(".cache/seamscan")).len(), 1);
}

#[test]
fn index_then_clean() {
    let t = tempfile::tempdir().unwrap();
    let plan = generate(t.path(), 5);
    let ws = t.path().join("ws");
    let dir = t.path().join("cache");
    let index = || {
        let out = seamscan()
            .arg("index")
            .arg(&ws)
            .arg("--cache-dir")
            .arg(&dir)
            .args(["-j", "2"])
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let first = index();
    assert!(first.contains("indexed 16 source files of 3 repos"), "{first}");
    assert!(
        first.contains("0 already cached, 16 parsed and stored"),
        "{first}"
    );
    let second = index();
    assert!(second.contains("16 already cached, 0 parsed"), "{second}");
    let (_, hits, misses) = run(&plan, &ws, Some(&dir), &[]);
    assert_eq!((hits, misses), (16, 0));
    let out = seamscan()
        .args(["cache", "clean", "--cache-dir"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    // 16 facts entries and 11 Ruby structure entries.
    assert!(stderr.contains("removed 27 cache entries"), "{stderr}");
    assert!(entries(&dir).is_empty());
    let (_, hits, misses) = run(&plan, &ws, Some(&dir), &[]);
    assert_eq!((hits, misses), (0, 16));
}

#[test]
fn timings_show_the_cache_steps() {
    let t = tempfile::tempdir().unwrap();
    let plan = generate(t.path(), 3);
    let ws = t.path().join("ws");
    let out = seamscan()
        .arg("audit")
        .arg("--plan")
        .arg(&plan)
        .arg(&ws)
        .args(["--fail-on", "never", "--quiet", "--timings", "--cache-dir"])
        .arg(t.path().join("c"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    for step in ["cache hash ", "load ", "store "] {
        assert!(stderr.contains(step), "{stderr}");
    }
}
