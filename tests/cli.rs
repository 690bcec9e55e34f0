//! End-to-end tests: the built binary on the bundled fixtures.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

fn seamscan() -> Command {
    let mut c = Command::cargo_bin("seamscan").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c.env("RUST_BACKTRACE", "0");
    c
}

fn audit_json(plan: &str, ws: &str, extra: &[&str]) -> (Value, i32) {
    let out = seamscan()
        .args(["audit", "--plan", plan, ws, "--quiet"])
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty() || !stderr.contains("panicked"), "{stderr}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    (v, out.status.code().unwrap())
}

fn finding<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("no finding {id}"))
}

fn codes(f: &Value) -> Vec<String> {
    f["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_string())
        .collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

const PLAN: &str = "plans/render-pipeline.yaml";
const WS: &str = "fixtures/render-pipeline";

#[test]
fn render_pipeline_findings() {
    let (v, code) = audit_json(PLAN, WS, &[]);
    assert_eq!(code, 1, "high findings exit 1");
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["tool"]["name"], "seamscan");
    assert_eq!(v["stats"]["repos"], 4);
    assert_eq!(v["stats"]["parse_errors"], 0);

    let f = finding(&v, "method:VideoRenderService#render_for_all_platforms");
    assert_eq!(codes(f), ["private-entry-point", "config-not-wired"]);
    assert_eq!(f["risk"], "high");
    assert_eq!(f["access_modifier"], "private");
    assert_eq!(
        f["definitions"][0]["location"],
        "renderer/app/services/video_render_service.rb:14"
    );
    assert_eq!(
        strings(&f["callers_found"]),
        ["cms-service/app/jobs/render_job.rb:8"]
    );
    assert_eq!(f["config_wired"], false);
    assert_eq!(f["config"][0]["name"], "MULTI_PLATFORM_RENDERING_ENABLED");
    assert_eq!(
        strings(&f["config"][0]["read_at"]),
        ["cms-service/app/jobs/render_job.rb:7"]
    );
    assert_eq!(
        strings(&f["config"][0]["defined_at"]),
        ["renderer/docker-compose.yml:7"]
    );
    assert_eq!(strings(&f["phases"]).len(), 2, "named in two phases: one finding");
    assert_eq!(f["caller_matches"][0]["match"], "receiver");

    let f = finding(&v, "method:VideoRenderService#trigger_render");
    assert_eq!(codes(f), ["unexpected-location"]);
    assert_eq!(f["config_wired"], true);

    let f = finding(&v, "method:VideoRenderService#render_preview");
    assert_eq!(codes(f), ["missing-definition"]);
    assert_eq!(f["exists"], false);

    let f = finding(&v, "method:VideoRenderService.supported_platforms");
    assert!(codes(f).is_empty(), "def self. after private stays public");
    assert_eq!(f["access_modifier"], "public");

    let f = finding(&v, "method:Video#ready_for_render?");
    assert!(codes(f).is_empty());
    assert_eq!(
        strings(&f["callers_found"]),
        ["cms-service/app/views/videos/show.html.erb:3"]
    );

    assert_eq!(codes(finding(&v, "method:Video#publish!")), ["no-callers"]);
    let f = finding(&v, "method:Video#recompute_checksum");
    assert!(codes(f).is_empty(), "private method called internally is fine");
    assert_eq!(f["access_modifier"], "private");
    assert_eq!(
        codes(finding(&v, "method:NarrationReport#rows")),
        ["missing-expected-caller"]
    );
    let f = finding(&v, "method:LegacyExporter#export_all");
    assert_eq!(codes(f), ["test-only-callers"]);
    assert_eq!(
        strings(&f["test_callers"]),
        ["cms-service/spec/services/legacy_exporter_spec.rb:6"]
    );

    let f = finding(&v, "method:Player#seek");
    assert_eq!(codes(f), ["private-entry-point"]);
    assert!(
        f["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("web/src/services/remote.ts:5")
    );
    let f = finding(&v, "method:slugify");
    assert_eq!(codes(f), ["private-entry-point"]);
    // The file's call, not its import line.
    assert_eq!(strings(&f["callers_found"]), ["web/src/pages/share.ts:4"]);
    let f = finding(&v, "method:titleCase");
    assert!(codes(f).is_empty());
    assert_eq!(f["definitions"][0]["location"], "web/src/lib/format.ts:18");
    let f = finding(&v, "method:formatDuration");
    assert!(codes(f).is_empty());
    assert_eq!(strings(&f["test_callers"]), ["web/src/lib/format.test.ts:5"]);

    assert_eq!(
        codes(finding(&v, "env:MULTI_PLATFORM_RENDERING_ENABLED")),
        ["config-not-wired"]
    );
    assert_eq!(codes(finding(&v, "env:PLAYER_CDN")), ["config-not-wired"]);
    assert_eq!(
        codes(finding(&v, "env:UNUSED_FEATURE_TOGGLE")),
        ["config-never-read"]
    );
    for ok in [
        "env:NARRATION_BUCKET",
        "env:NEXT_PUBLIC_API_BASE",
        "env:RENDER_QUEUE_URL",
    ] {
        let f = finding(&v, ok);
        assert!(codes(f).is_empty(), "{ok}");
        assert_eq!(f["config_wired"], true, "{ok}");
    }

    let f = finding(&v, "jsonb:Video.metadata");
    assert_eq!(
        codes(f),
        [
            "json-key-read-never-written",
            "json-key-read-never-written",
            "json-key-written-never-read"
        ]
    );
    let keys = f["keys"].as_array().unwrap();
    let key = |k: &str| keys.iter().find(|e| e["key"] == k).unwrap();
    assert_eq!(
        strings(&key("narration_url")["written_at"]),
        ["cms-service/app/controllers/narrations_controller.rb:8"]
    );
    assert_eq!(
        strings(&key("narration_url")["read_at"]),
        ["web/src/components/VideoCard.tsx:19"]
    );
    assert_eq!(
        strings(&key("tts_url")["read_at"]),
        ["analytics-service/app/services/narration_report.rb:10"]
    );
    assert_eq!(
        strings(&key("ttsUrl")["read_at"]),
        ["web/src/components/VideoCard.tsx:18"]
    );
    assert_eq!(
        strings(&key("checksum")["written_at"]),
        ["cms-service/app/models/video.rb:20"]
    );
    assert!(strings(&key("checksum")["read_at"]).is_empty());

    // Routes are audited: cms-service routes only GET /videos/:id.
    let f = finding(&v, "route:POST /videos/:id/render");
    assert_eq!(f["exists"], false);
    assert_eq!(f["problems"][0]["code"], "missing-layer");
    assert_eq!(f["layers"][0]["layer"], "route");
    assert_eq!(f["layers"][0]["found"], false);

    // Sorted by risk, then id; summary adds up.
    let order = ["high", "medium", "low", "none"];
    let findings = v["findings"].as_array().unwrap();
    for w in findings.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        let (ra, rb) = (
            order.iter().position(|r| *r == a["risk"]).unwrap(),
            order.iter().position(|r| *r == b["risk"]).unwrap(),
        );
        assert!(ra < rb || (ra == rb && a["id"].as_str() < b["id"].as_str()));
    }
    let s = &v["summary"];
    let total: u64 = order.iter().map(|r| s[r].as_u64().unwrap()).sum();
    assert_eq!(total as usize, findings.len());
    assert_eq!(findings.len(), 21);
}

#[test]
fn output_is_identical_across_job_counts() {
    let run = |j: &str| {
        let out = seamscan()
            .args(["audit", "--plan", PLAN, WS, "--quiet", "-j", j])
            .output()
            .unwrap();
        let mut v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["stats"]["elapsed_ms"] = Value::Null;
        serde_json::to_string_pretty(&v).unwrap()
    };
    let one = run("1");
    assert_eq!(one, run("8"));
    assert_eq!(one, run("2"));
}

#[test]
fn fail_on_levels() {
    let (_, code) = audit_json(PLAN, WS, &["--fail-on", "never"]);
    assert_eq!(code, 0);
    let (_, code) = audit_json(
        "plans/single-repo.yaml",
        "fixtures/single-repo",
        &["--fail-on", "high"],
    );
    assert_eq!(code, 1);
}

#[test]
fn single_repo_honours_gitignore_without_git() {
    let (v, _) = audit_json("plans/single-repo.yaml", "fixtures/single-repo", &[]);
    assert_eq!(v["stats"]["repos"], 1);
    let f = finding(&v, "method:User#activate!");
    assert_eq!(
        strings(&f["callers_found"]),
        ["single-repo/app/services/signup.rb:7"]
    );
    assert_eq!(codes(finding(&v, "method:User#deactivate!")), ["no-callers"]);
}

#[test]
fn markdown_report() {
    let out = seamscan()
        .args(["audit", "--plan", PLAN, WS, "--quiet", "--format", "markdown"])
        .output()
        .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.starts_with("# Multi-platform rendering\n"));
    assert!(md.contains("| risk | findings |"));
    assert!(
        md.contains(
            "| `method:VideoRenderService#render_for_all_platforms` | ✅ | ❌ | ✅ | ❌ | high | high |"
        ),
        "{md}"
    );
    assert!(md.contains("- **private-entry-point** (high): private in `VideoRenderService` but called from `cms-service/app/jobs/render_job.rb:8`"));
    assert!(md.contains("Verify by hand"));
}

#[test]
fn sarif_report_is_valid_json_with_rules() {
    let out = seamscan()
        .args(["audit", "--plan", PLAN, WS, "--quiet", "--format", "sarif"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "private-entry-point"
        && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            == "cms-service/app/jobs/render_job.rb"));
}

fn plan_error(plan_text: &str, ws: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("plan.yaml");
    std::fs::write(&p, plan_text).unwrap();
    let out = seamscan()
        .args(["audit", "--plan", p.to_str().unwrap(), ws])
        .output()
        .unwrap();
    assert!(out.stdout.is_empty());
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn plan_errors_exit_2_with_position() {
    let (code, err) = plan_error(
        "version: 1\nphases:\n  - points:\n      - method: a\n        calers: [x]\n",
        WS,
    );
    assert_eq!(code, 2);
    assert!(err.contains("plan.yaml:5:"), "{err}");
    assert!(err.contains("calers"), "{err}");
    let (code, err) = plan_error(
        "version: 1\nphases:\n  - points:\n      - method: a\n        callers: [nope]\n",
        WS,
    );
    assert_eq!(code, 2);
    assert!(err.contains("plan.yaml:5:19: unknown repo `nope`"), "{err}");
    let (code, err) = plan_error("version: 3\nphases: []\n", WS);
    assert_eq!(code, 2);
    assert!(err.contains("plan.yaml:1:"), "{err}");
    let (code, err) = plan_error(
        "version: 1\nphases:\n  - points:\n      - method: a\n",
        "no/such/dir",
    );
    assert_eq!(code, 2);
    assert!(err.contains("no/such/dir"), "{err}");
    assert!(!err.contains("panicked"));
}

#[test]
fn missing_plan_file() {
    let out = seamscan()
        .args(["audit", "--plan", "nope.yaml", WS])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.yaml"));
}

#[test]
fn every_plan_names_its_workspace() {
    for e in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("plans")).unwrap() {
        let p = e.unwrap().path();
        let text = std::fs::read_to_string(&p).unwrap();
        let first = text.lines().next().unwrap();
        let ws = first
            .strip_prefix("# workspace: ")
            .unwrap_or_else(|| panic!("{}", p.display()));
        assert!(Path::new(env!("CARGO_MANIFEST_DIR")).join(ws).is_dir(), "{ws}");
    }
}

/// Issue 13: a TypeScript monorepo read as knip would read it (default
/// imports, barrels, tsconfig paths, workspace packages, type-only uses,
/// inheritance from a generic base class, Vue and Svelte callers).
#[test]
fn ts_monorepo_findings() {
    let (v, code) = audit_json("plans/ts-monorepo.yaml", "fixtures/ts-monorepo", &[]);
    assert_eq!(code, 1, "validateUser has no callers (high)");
    assert_eq!(v["stats"]["parse_errors"], 0, "{}", v["warnings"]);
    let at = |p: &str| format!("ts-monorepo/packages/{p}");
    let callers = |id: &str| strings(&finding(&v, id)["callers_found"]);
    // Default export, re-exported as `default as formatDate`, called as
    // fmt() through the @shared/* path and from a Vue template.
    assert_eq!(
        callers("method:formatDate"),
        [
            at("web/src/components/UserTable.vue:4"),
            at("web/src/lib/dates.ts:5"),
        ]
    );
    // Re-exports in api.ts and index.ts are not callers; `api.slugify()`
    // through `import * as api from '@acme/backend'` is.
    assert_eq!(
        callers("method:slugify"),
        [at("web/src/components/UserTable.vue:5")]
    );
    assert_eq!(
        callers("method:exportCsv"),
        [at("web/src/components/UserTable.vue:8")]
    );
    assert_eq!(
        callers("method:download"),
        [at("web/src/components/UserTable.vue:8"),]
    );
    // `typeof validateUser` and an import used only there: no caller.
    let f = finding(&v, "method:validateUser");
    assert_eq!(codes(f), ["no-callers"]);
    // Inherited from Repository<T>; AuditLog's own findAll() is not a call.
    let f = finding(&v, "method:UserRepository#findAll");
    assert!(codes(f).is_empty(), "{f:#}");
    assert_eq!(f["definitions"][0]["location"], at("backend/src/repository.ts:4"));
    assert_eq!(
        strings(&f["callers_found"]),
        [
            at("backend/src/repository.ts:11"),
            at("backend/src/users.ts:14"),
            at("web/src/components/Counter.svelte:7"),
        ]
    );
    assert_eq!(
        callers("method:Repository#count"),
        [at("web/src/components/Counter.svelte:6")]
    );
}

/// Sections 2.1, 2.2, 2.5, 2.6 and 2.7 of issue 12: methods a Rails model gets from
/// its superclasses (across repos), concerns and Rails macros, and callers
/// in HAML and Slim views.
#[test]
fn rails_ancestry_findings() {
    let (v, code) = audit_json("plans/rails-ancestry.yaml", "fixtures/rails-ancestry", &[]);
    assert_eq!(code, 1, "a private entry point and a missing method are high");
    assert_eq!(v["stats"]["parse_errors"], 0);
    let core = "core/app/models";
    let ctl = "shop/app/controllers/products_controller.rb";
    let cases: [(&str, String, &str, Vec<String>); 11] = [
        // A concern's instance method, via BaseProduct in the other repo.
        (
            "method:Product#in_stock?",
            format!("{core}/concerns/stockable.rb:14"),
            "public",
            vec![
                format!("{ctl}:4"),
                "shop/app/views/products/_card.html.haml:3".into(),
            ],
        ),
        // A concern's class_methods block.
        (
            "method:Product.low_stock_threshold",
            format!("{core}/concerns/stockable.rb:9"),
            "public",
            vec![format!("{ctl}:5")],
        ),
        // A class method of ApplicationRecord; `self.class.image_service`
        // inside Store is a caller too.
        (
            "method:Store.image_service",
            format!("{core}/application_record.rb:4"),
            "public",
            vec![format!("{ctl}:6"), "shop/app/models/store.rb:3".into()],
        ),
        // Defined on the base class, called on the subclass.
        (
            "method:BaseProduct#price_label",
            format!("{core}/base_product.rb:4"),
            "public",
            vec![
                "shop/app/controllers/gift_cards_controller.rb:4".into(),
                format!("{ctl}:7"),
            ],
        ),
        // Through DigitalProduct, whose file names no planned method.
        (
            "method:GiftCard#price_label",
            format!("{core}/base_product.rb:4"),
            "public",
            vec!["shop/app/controllers/gift_cards_controller.rb:4".into()],
        ),
        // Rails-generated: has_many reader, enum predicate, scope.
        (
            "method:Product#reviews",
            "shop/app/models/product.rb:2".into(),
            "public",
            vec!["shop/app/views/products/show.html.erb:4".into()],
        ),
        (
            "method:Product#live?",
            "shop/app/models/product.rb:3".into(),
            "public",
            vec!["shop/app/views/products/show.html.erb:2".into()],
        ),
        (
            "method:Product.featured",
            "shop/app/models/product.rb:4".into(),
            "public",
            vec![format!("{ctl}:8")],
        ),
        // Section 2.6: HAML and Slim views hold callers, with their lines.
        (
            "method:Product#display_name",
            "shop/app/models/product.rb:6".into(),
            "public",
            vec!["shop/app/views/products/_card.html.haml:2".into()],
        ),
        (
            "method:ProductsHelper#stock_label",
            "shop/app/helpers/products_helper.rb:2".into(),
            "public",
            vec!["shop/app/views/products/_card.html.haml:4".into()],
        ),
        (
            "method:Store#logo_url",
            "shop/app/models/store.rb:2".into(),
            "public",
            vec!["shop/app/views/stores/show.html.slim:1".into()],
        ),
    ];
    for (id, def, access, callers) in cases {
        let f = finding(&v, id);
        assert_eq!(f["exists"], true, "{id}: {f:#}");
        assert_eq!(f["definitions"][0]["location"], def.as_str(), "{id}");
        assert_eq!(f["definitions"][0]["access"], access, "{id}");
        assert_eq!(strings(&f["callers_found"]), callers, "{id}");
        assert_eq!(codes(f), Vec::<String>::new(), "{id}");
        assert_eq!(f["confidence"], "high", "{id}");
    }
    // Private in the concern, called with a receiver from a job.
    let f = finding(&v, "method:Product#restock_quietly");
    assert_eq!(f["exists"], true);
    assert_eq!(f["access_modifier"], "private");
    assert_eq!(codes(f), ["private-entry-point"]);
    // Section 2.5: public in core, made private by a reopening in shop.
    let f = finding(&v, "method:BaseProduct#sku_code");
    assert_eq!(
        f["definitions"][0]["location"],
        "core/app/models/base_product.rb:8"
    );
    assert_eq!(f["access_modifier"], "private");
    assert_eq!(codes(f), ["private-entry-point"]);
    // Section 2.7: `constantize` is not a dynamic caller of every method the
    // file names (the points above that products_controller.rb calls stay
    // high), only of the method called on the class it looks up; and a
    // class nowhere in the workspace may be reached through it.
    let f = finding(&v, "method:SalesReport#generate_pdf");
    assert_eq!(f["exists"], false);
    assert_eq!(strings(&f["dynamic_callers"]), [format!("{ctl}:10")]);
    assert_eq!(f["confidence"], "low");
    let f = finding(&v, "method:BaseProduct#price_label");
    assert_eq!(strings(&f["dynamic_callers"]), Vec::<String>::new());
    // Nowhere in the workspace, and an ancestor is a gem's: honest, low.
    let f = finding(&v, "method:Product#archive_everything");
    assert_eq!(f["exists"], false);
    assert_eq!(f["confidence"], "low");
    let md = seamscan()
        .args([
            "audit",
            "--plan",
            "plans/rails-ancestry.yaml",
            "fixtures/rails-ancestry",
        ])
        .args(["--quiet", "--format", "markdown"])
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(
        md.contains("`Product` inherits or includes `ActiveRecord::Base` from outside the scanned repos"),
        "{md}"
    );
    assert!(
        md.contains("classes are looked up by computed name near it (`shop/app/controllers/products_controller.rb:10 (constantize)`): `SalesReport` may be one"),
        "{md}"
    );
}

/// Issue 18: every problem in Markdown is followed by its code's help
/// sentence, and every JSON problem carries it.
#[test]
fn every_problem_shows_its_help() {
    let out = seamscan()
        .args([
            "audit",
            "--plan",
            "plans/render-pipeline.yaml",
            "fixtures/render-pipeline",
            "--format",
            "markdown",
            "--quiet",
        ])
        .output()
        .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = md.lines().collect();
    let mut n = 0;
    for (i, l) in lines.iter().enumerate() {
        let Some(rest) = l.strip_prefix("- **") else {
            continue;
        };
        let code = rest.split("**").next().unwrap();
        let c = seamscan::findings::Code::ALL
            .into_iter()
            .find(|c| c.as_str() == code)
            .unwrap_or_else(|| panic!("unknown code {code}"));
        assert_eq!(lines[i + 1], format!("  - Help: {}", c.help()), "after {l}");
        n += 1;
    }
    assert!(n >= 10, "{n} problems");
    let (json, _) = audit_json("plans/render-pipeline.yaml", "fixtures/render-pipeline", &[]);
    for f in json["findings"].as_array().unwrap() {
        for p in f["problems"].as_array().unwrap() {
            let c = seamscan::findings::Code::ALL
                .into_iter()
                .find(|c| c.as_str() == p["code"])
                .unwrap();
            assert_eq!(p["help"], c.help());
        }
    }
}
