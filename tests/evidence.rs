//! Issue 14: evidence an agent can act on. The `storefront` fixture (a Rails
//! API and a TypeScript client with colliding names) end to end, and
//! tempdir workspaces for the cases a committed fixture cannot hold (a git
//! checkout, an empty workspace).

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

fn seamscan() -> Command {
    let mut c = Command::cargo_bin("seamscan").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c.env("RUST_BACKTRACE", "0");
    c
}

/// (report, exit code, stderr)
fn audit(plan: &Path, ws: &Path) -> (Value, i32, String) {
    let out = seamscan()
        .args(["audit", "--plan"])
        .arg(plan)
        .arg(ws)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    (v, out.status.code().unwrap(), stderr)
}

fn finding<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("no finding {id} in {v:#}"))
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
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

fn storefront() -> Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (v, code, _) = audit(
        &root.join("plans/storefront.yaml"),
        &root.join("fixtures/storefront"),
    );
    assert_eq!(code, 1);
    v
}

/// Write `files` (path, contents) under a fresh temp dir.
fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (p, text) in files {
        let p = dir.path().join(p);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

fn plan_file(dir: &Path, text: &str) -> std::path::PathBuf {
    let p = dir.join("plan.yaml");
    std::fs::write(&p, text).unwrap();
    p
}

/// The report of a plan with these points (YAML lines under `points:`)
/// over `ws`.
fn audit_points(ws: &Path, points: &str) -> Value {
    let plan = plan_file(
        ws,
        &format!("version: 1\nname: t\nphases:\n  - name: p\n    points:\n{points}"),
    );
    audit(&plan, ws).0
}

/// The `location` of each of a finding's definitions.
fn definition_locations(f: &Value) -> Vec<String> {
    f["definitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["location"].as_str().unwrap().to_string())
        .collect()
}

// Item 2: a private method named `last`, "called" only as `x.last` on
// receivers that are not resolved, is not a high verdict.
#[test]
fn name_only_private_entry_point_is_medium_and_low_confidence() {
    let v = storefront();
    let f = finding(&v, "method:PaymentToken#last");
    assert_eq!(codes(f), ["private-entry-point"]);
    assert_eq!(f["problems"][0]["risk"], "medium");
    assert_eq!(f["risk"], "medium");
    assert_eq!(f["confidence"], "low");
    let msg = f["problems"][0]["message"].as_str().unwrap();
    assert!(msg.contains("api/app/services/checkout.rb:9"), "{msg}");
    assert!(msg.contains("receivers not resolved"), "{msg}");
    assert!(f["notes"].as_str().unwrap().contains("by name only"), "{f:#}");
}

// Item 2, the other side: a receiver resolved to the owner, or a caller
// in a repo the plan names, keeps the verdict high.
#[test]
fn resolved_or_planned_callers_keep_private_entry_point_high() {
    let ws = tree(&[
        (
            "svc/app/models/token.rb",
            "class Token\n  private\n\n  def digits\n    1\n  end\nend\n",
        ),
        (
            "web/app/a.rb",
            "class A\n  def x\n    Token.new.digits\n  end\nend\n",
        ),
        (
            "cli/lib/b.rb",
            "class B\n  def y(token)\n    token.digits\n  end\nend\n",
        ),
    ]);
    let plan = plan_file(
        ws.path(),
        "version: 1\nphases:\n  - points:\n      - method: Token#digits\n",
    );
    let (v, _, _) = audit(&plan, ws.path());
    let f = finding(&v, "method:Token#digits");
    assert_eq!(codes(f), ["private-entry-point"]);
    assert_eq!(f["risk"], "high", "Token.new.digits is resolved: {f:#}");

    // Only the name match, but in the repo the plan says calls it.
    std::fs::remove_file(ws.path().join("web/app/a.rb")).unwrap();
    let plan = plan_file(
        ws.path(),
        "version: 1\nphases:\n  - points:\n      - method: Token#digits\n        callers: [cli]\n",
    );
    let (v, _, _) = audit(&plan, ws.path());
    let f = finding(&v, "method:Token#digits");
    assert_eq!(codes(f), ["private-entry-point"]);
    assert_eq!(f["risk"], "high", "{f:#}");
}

// Item 3: implicit, `self.` and `this.` calls inside a class that defines
// its own method of that name are that class's.
#[test]
fn implicit_and_self_calls_belong_to_the_enclosing_class() {
    let v = storefront();
    let f = finding(&v, "method:Invoice#refresh_totals");
    assert_eq!(codes(f), ["no-callers"], "{f:#}");
    assert!(strings(&f["callers_found"]).is_empty());

    // `cart.add` is Cart's own `add`; `params[:add]` in a file that never
    // spells `Invoice` is not about invoices.
    let f = finding(&v, "method:Invoice#add");
    assert_eq!(
        strings(&f["callers_found"]),
        ["api/app/services/billing.rb:4"],
        "{f:#}"
    );

    // A symbol in a migration names a column, not the method.
    let f = finding(&v, "method:Invoice#total");
    assert_eq!(
        strings(&f["callers_found"]),
        ["api/app/controllers/invoices_controller.rb:8"],
        "{f:#}"
    );

    let f = finding(&v, "method:OwnershipGuard#checkOwner");
    assert!(codes(f).is_empty(), "{f:#}");
    assert_eq!(
        strings(&f["callers_found"]),
        ["client/src/guards/ownership.guard.ts:7"],
        "ProjectPolicy's this.checkOwner is its own method"
    );
}

// Item 5: no callers across languages.
#[test]
fn no_callers_across_languages() {
    let v = storefront();
    let f = finding(&v, "method:Invoice.current");
    assert_eq!(
        strings(&f["callers_found"]),
        ["api/app/controllers/invoices_controller.rb:3"],
        "the TS `invoices.current()` is not a caller of the Ruby method"
    );
    // Dynamic dispatch in TypeScript cannot reach a Ruby method.
    let f = finding(&v, "method:SalesReport#rows");
    assert_eq!(
        strings(&f["dynamic_callers"]),
        ["api/app/services/report_builder.rb:3"],
        "{f:#}"
    );
    let f = finding(&v, "method:InvoiceStore#refresh_totals");
    assert_eq!(
        strings(&f["callers_found"]),
        ["client/src/pages/dashboard.ts:5"],
        "Ruby refresh_totals calls are not callers of the TS method"
    );
}

// Item 6: a dotenv template matched by `.gitignore` in a tree without
// `.git`, and `prod.Dockerfile`, are config.
#[test]
fn committed_templates_and_dockerfile_variants_are_config() {
    let v = storefront();
    let f = finding(&v, "env:PAYMENTS_API_KEY");
    assert!(codes(f).is_empty(), "{f:#}");
    assert_eq!(f["config_wired"], true);
    assert_eq!(strings(&f["config"][0]["defined_at"]), ["api/.env.example:2"]);
    let f = finding(&v, "env:STOREFRONT_API_URL");
    assert_eq!(f["config_wired"], true, "{f:#}");
    assert_eq!(
        strings(&f["config"][0]["defined_at"]),
        ["client/prod.Dockerfile:2"]
    );

    let ws = tree(&[
        ("svc/app/a.rb", "X = ENV['A_VAR'] + ENV['B_VAR'] + ENV['C_VAR']\n"),
        ("svc/Dockerfile.prod", "ENV A_VAR=1\n"),
        ("svc/deploy.dockerfile", "ENV B_VAR=1\n"),
        ("svc/ops/web.Dockerfile", "ENV C_VAR=1\n"),
    ]);
    let plan = plan_file(
        ws.path(),
        "version: 1\nphases:\n  - points:\n      - env: A_VAR\n      - env: B_VAR\n      - env: C_VAR\n",
    );
    let (v, _, _) = audit(&plan, ws.path());
    for var in ["A_VAR", "B_VAR", "C_VAR"] {
        let f = finding(&v, &format!("env:{var}"));
        assert_eq!(f["config_wired"], true, "{f:#}");
    }
}

fn git(dir: &Path, args: &[&str]) -> bool {
    std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@t")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@t")
        .output()
        .is_ok_and(|o| o.status.success())
}

// Item 6: in a git checkout, a tracked file is scanned whatever
// `.gitignore` says; an ignored untracked one is not.
#[test]
fn tracked_files_are_scanned_whatever_gitignore_says() {
    let ws = tree(&[
        ("svc/.gitignore", ".env.*\ngenerated/\n"),
        ("svc/.env.example", "A_VAR=\n"),
        ("svc/.env.local", "B_VAR=1\n"),
        (
            "svc/app/a.rb",
            "class A\n  def x\n    ENV['A_VAR'] + ENV['B_VAR']\n  end\nend\n",
        ),
        (
            "svc/generated/kept.rb",
            "class K\n  def y\n    A.new.x\n  end\nend\n",
        ),
        (
            "svc/generated/dropped.rb",
            "class D\n  def z\n    A.new.x\n  end\nend\n",
        ),
        ("svc/.ignore", "generated/dropped.rb\n"),
        ("svc/Gemfile", "source 'https://rubygems.org'\n"),
    ]);
    let svc = ws.path().join("svc");
    assert!(git(&svc, &["init", "-q"]), "git is needed for this test");
    assert!(git(&svc, &["add", "."]));
    assert!(git(
        &svc,
        &[
            "add",
            "-f",
            ".env.example",
            "generated/kept.rb",
            "generated/dropped.rb"
        ]
    ));
    let before = std::fs::read_dir(svc.join(".git")).unwrap().count();
    let plan = plan_file(
        ws.path(),
        "version: 1\nphases:\n  - points:\n      - method: A#x\n      - env: A_VAR\n      - env: B_VAR\n",
    );
    let (v, _, stderr) = audit(&plan, &svc);
    assert!(!stderr.contains("cannot list"), "{stderr}");
    let f = finding(&v, "env:A_VAR");
    assert_eq!(strings(&f["config"][0]["defined_at"]), ["svc/.env.example:1"]);
    let f = finding(&v, "env:B_VAR");
    assert!(
        strings(&f["config"][0]["defined_at"]).is_empty(),
        "untracked and ignored: {f:#}"
    );
    let f = finding(&v, "method:A#x");
    assert_eq!(
        strings(&f["callers_found"]),
        ["svc/generated/kept.rb:3"],
        "tracked + gitignored is scanned; `.ignore` still applies: {f:#}"
    );
    assert_eq!(
        std::fs::read_dir(svc.join(".git")).unwrap().count(),
        before,
        "nothing written to the repo"
    );
}

// Item 8: every location field is exactly `repo/path:line`; the code of a
// dynamic dispatch site is a separate field; fields that mean nothing for
// a kind are null.
#[test]
fn dynamic_sites_are_split_and_meaningless_fields_are_null() {
    let v = storefront();
    let f = finding(&v, "method:SalesReport#rows");
    assert_eq!(
        strings(&f["dynamic_callers"]),
        ["api/app/services/report_builder.rb:3"]
    );
    let site = &f["dynamic_call_sites"][0];
    assert_eq!(site["location"], "api/app/services/report_builder.rb:3");
    assert!(site["code"].as_str().unwrap().contains("const_get"), "{site}");
    assert_eq!(f["confidence"], "low");
    assert_eq!(f["keys"], Value::Null);
    assert_eq!(f["layers"], Value::Null);
    assert_eq!(f["access_modifier"], "public");

    let f = finding(&v, "env:PAYMENTS_API_KEY");
    assert_eq!(f["access_modifier"], Value::Null);
    assert_eq!(f["dynamic_callers"], Value::Null);
    assert_eq!(f["dynamic_call_sites"], Value::Null);
    assert_eq!(f["keys"], Value::Null);
    assert_eq!(f["definitions"][0]["access"], Value::Null);
}

// Item 1: unread code is counted by extension, and a verdict that rests on
// the absence of callers says which unread files spell the name.
#[test]
fn unread_files_are_counted_and_named() {
    let v = storefront();
    assert_eq!(v["stats"]["unread_files"]["py"], 1, "{}", v["stats"]);
    let f = finding(&v, "method:Invoice#refresh_totals");
    assert_eq!(codes(f), ["no-callers"]);
    assert_eq!(f["confidence"], "low", "{f:#}");
    assert!(
        f["notes"]
            .as_str()
            .unwrap()
            .contains("api/scripts/reconcile.py:6"),
        "{f:#}"
    );

    // A whole-word spelling only; and a verdict that does not rest on the
    // absence of callers is not touched.
    let ws = tree(&[
        (
            "api/app/models/a.rb",
            "class A\n  def sync\n  end\n  def other\n  end\nend\n",
        ),
        ("api/app/b.rb", "A.new.other\n"),
        ("tools/x.py", "def resync():\n    pass\n"),
        ("tools/y.hbs", "{{other}}\n"),
    ]);
    let plan = plan_file(
        ws.path(),
        "version: 1\nphases:\n  - points:\n      - method: A#sync\n      - method: A#other\n",
    );
    let (v, _, _) = audit(&plan, ws.path());
    assert_eq!(v["stats"]["unread_files"]["py"], 1);
    assert_eq!(v["stats"]["unread_files"]["hbs"], 1);
    let f = finding(&v, "method:A#sync");
    assert_eq!(codes(f), ["no-callers"]);
    assert_eq!(f["confidence"], "high", "`resync` is not `sync`: {f:#}");
    let f = finding(&v, "method:A#other");
    assert!(codes(f).is_empty());
    assert_eq!(f["confidence"], "high", "{f:#}");
}

// Item 1, for env vars: a source file that spells the name without a read
// seamscan recognises lowers the confidence of "no code reads it".
#[test]
fn env_spelled_without_a_recognised_read_is_low_confidence() {
    let ws = tree(&[
        (
            "server/src/auth.module.ts",
            "export const clientId = (config: ConfigService) =>\n  config.getOrThrow(\"GITHUB_CLIENT_ID\");\n",
        ),
        ("server/package.json", "{}\n"),
        ("server/src/main.ts", "export const port = process.env.PORT;\n"),
    ]);
    let plan = plan_file(
        ws.path(),
        "version: 1\nphases:\n  - points:\n      - env: GITHUB_CLIENT_ID\n      - env: UNUSED_VAR\n",
    );
    let (v, _, _) = audit(&plan, &ws.path().join("server"));
    let f = finding(&v, "env:GITHUB_CLIENT_ID");
    assert_eq!(codes(f), ["missing-definition"]);
    assert_eq!(f["confidence"], "low", "{f:#}");
    assert!(
        f["notes"].as_str().unwrap().contains("server/src/auth.module.ts"),
        "{f:#}"
    );
    assert_eq!(finding(&v, "env:UNUSED_VAR")["confidence"], "high");
}

// Item 9: an empty workspace, a plan whose `repos:` selects nothing, and a
// repo without source warn on stderr and in `warnings`; a missing
// definition there has confidence low.
#[test]
fn nothing_scanned_is_said() {
    let ws = tree(&[
        ("api/app/a.rb", "class A\n  def x\n  end\nend\n"),
        ("infra/.env", "FOO=1\n"),
        ("empty/README.md", "nothing\n"),
    ]);
    let root = ws.path();
    let check = |plan_text: &str, dir: &Path, id: &str, warning: &str| {
        let plan = plan_file(root, plan_text);
        let (v, _, stderr) = audit(&plan, dir);
        assert!(stderr.contains(warning), "stderr: {stderr}");
        assert!(
            strings(&v["warnings"]).iter().any(|w| w.contains(warning)),
            "{}",
            v["warnings"]
        );
        let f = finding(&v, id);
        assert_eq!(codes(f), ["missing-definition"]);
        assert_eq!(f["confidence"], "low", "{f:#}");
        v
    };
    let ws_dir = root.to_path_buf();
    check(
        "version: 1\nrepos: []\nphases:\n  - points:\n      - method: A#y\n",
        &ws_dir,
        "method:A#y",
        "selects no repo",
    );
    check(
        "version: 1\nphases:\n  - points:\n      - method: A#y\n        repo: infra\n",
        &ws_dir,
        "method:A#y",
        "infra: no source file",
    );
    check(
        "version: 1\nphases:\n  - points:\n      - method: A#y\n      - env: BAR\n",
        &root.join("empty"),
        "env:BAR",
        "no source file (Ruby, ERB, TypeScript, JavaScript) in the workspace",
    );
    // A missing definition in a scanned repo stays high confidence.
    let plan = plan_file(
        root,
        "version: 1\nphases:\n  - points:\n      - method: A#y\n        repo: api\n",
    );
    let (v, _, _) = audit(&plan, &ws_dir);
    assert_eq!(finding(&v, "method:A#y")["confidence"], "high");
}

// Item 7: a close name on the same owner gets the "similar:" hint and low
// confidence, also when the plan's name is not a substring of the code's;
// a framework hook with no caller is low confidence with a note.
#[test]
fn typos_and_framework_hooks() {
    let v = storefront();
    let f = finding(&v, "method:Invoice#send_reminder");
    assert_eq!(codes(f), ["missing-definition"]);
    assert_eq!(f["confidence"], "low");
    let msg = f["problems"][0]["message"].as_str().unwrap();
    assert!(
        msg.contains("similar: Invoice#send_reminders at api/app/models/invoice.rb:12"),
        "{msg}"
    );
    let f = finding(&v, "method:ApiThrottlerGuard#getTracker");
    assert_eq!(codes(f), ["no-callers"]);
    assert_eq!(f["confidence"], "low");
    assert!(
        f["notes"].as_str().unwrap().contains("the framework calls it"),
        "{f:#}"
    );

    let ws = tree(&[
        (
            "api/app/models/invoice.rb",
            "class Invoice\n  def receive_payment\n  end\nend\n",
        ),
        (
            "api/app/models/user.rb",
            "class User\n  def devise_mailer\n    Mailer\n  end\n  def archive_later\n  end\nend\n",
        ),
        (
            "api/app/models/other.rb",
            "class Other\n  def recieve_payment\n  end\nend\n",
        ),
    ]);
    let plan = plan_file(
        ws.path(),
        "version: 1\nphases:\n  - points:\n      - method: Invoice#recieve_payment\n      - method: User#devise_mailer\n      - method: User#archive_later\n",
    );
    let (v, _, _) = audit(&plan, ws.path());
    let f = finding(&v, "method:Invoice#recieve_payment");
    assert_eq!(f["confidence"], "low");
    let msg = f["problems"][0]["message"].as_str().unwrap();
    assert!(
        msg.contains("Invoice#receive_payment at api/app/models/invoice.rb:2"),
        "{msg}"
    );
    let f = finding(&v, "method:User#devise_mailer");
    assert_eq!(codes(f), ["no-callers"]);
    assert_eq!(f["confidence"], "low", "{f:#}");
    assert!(f["notes"].as_str().unwrap().contains("Devise"), "{f:#}");
    let f = finding(&v, "method:User#archive_later");
    assert_eq!(codes(f), ["no-callers"]);
    assert_eq!(f["confidence"], "high", "not a hook: {f:#}");
}

// Item 4 (the check-level part): for `jsonb: Model.column`, key accesses
// count only in files that spell the model, so a generic `data` column
// shared by two models (and axios' `res.data`) keeps to the planned one.
#[test]
fn json_keys_of_a_shared_column_keep_to_their_model() {
    let v = storefront();
    let f = finding(&v, "jsonb:Receipt.data");
    assert!(codes(f).is_empty(), "{f:#}");
    let keys: Vec<&str> = f["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["pages", "pdf_url"], "{f:#}");
    let pdf = &f["keys"][1];
    assert_eq!(strings(&pdf["written_at"]), ["api/app/models/receipt.rb:5"]);
    assert_eq!(
        strings(&pdf["read_at"]),
        [
            "api/app/models/receipt.rb:9",
            "api/app/services/receipt_mailer_service.rb:3"
        ]
    );
}

// Item 4, guarding the fallback: a column accessed only in a concern that
// never spells the model is not "missing", and a column spelled only in a
// form seamscan does not read is a missing definition of low confidence.
#[test]
fn json_column_of_a_model_used_only_through_a_concern() {
    let ws = tree(&[
        ("app/Gemfile", "source 'https://rubygems.org'\n"),
        (
            "app/app/models/concerns/lockable.rb",
            "module Lockable\n  def lock_attr(attr)\n    locked_attributes[attr.to_s] = Time.current\n  end\nend\n",
        ),
        (
            "app/app/models/account.rb",
            "class Account\n  include Lockable\nend\n",
        ),
        (
            "app/db/schema.rb",
            "ActiveRecord::Schema[7.1].define do\n  create_table \"sessions\" do |t|\n    t.send(:jsonb, \"preferences\")\n  end\nend\n",
        ),
    ]);
    let plan = plan_file(
        ws.path(),
        "version: 1\nphases:\n  - points:\n      - jsonb: Account.locked_attributes\n      - jsonb: Session.preferences\n",
    );
    let (v, _, _) = audit(&plan, &ws.path().join("app"));
    let f = finding(&v, "jsonb:Account.locked_attributes");
    assert_eq!(f["exists"], true, "{f:#}");
    assert!(codes(f).is_empty(), "{f:#}");
    assert_eq!(f["confidence"], "low");
    assert!(
        f["notes"]
            .as_str()
            .unwrap()
            .contains("app/app/models/concerns/lockable.rb"),
        "{f:#}"
    );
    let f = finding(&v, "jsonb:Session.preferences");
    assert_eq!(codes(f), ["missing-definition"]);
    assert_eq!(f["confidence"], "low", "{f:#}");
    assert!(f["notes"].as_str().unwrap().contains("app/db/schema.rb"), "{f:#}");
}

// Item 2, for verdicts without a problem: callers tied to the owner only by
// name or by a symbol outside its class give confidence low; a receiver
// named after the owner (`template.folder_name`) keeps it high.
#[test]
fn callers_tied_by_name_only_lower_the_confidence() {
    let files = |caller: &'static str| {
        tree(&[
            ("app/Gemfile", "source 'https://rubygems.org'\n"),
            (
                "app/app/models/template.rb",
                "class Template\n  def folder_name\n    folder&.name\n  end\nend\n",
            ),
            ("app/app/controllers/templates_controller.rb", caller),
        ])
    };
    let plan = "version: 1\nphases:\n  - points:\n      - method: Template#folder_name\n";
    let weak = files(
        "class TemplatesController\n  def create\n    Template.create!(folder: Folder.find_by(name: params[:folder_name]))\n    current_user.folder_name\n  end\nend\n",
    );
    let (v, _, _) = audit(&plan_file(weak.path(), plan), &weak.path().join("app"));
    let f = finding(&v, "method:Template#folder_name");
    assert!(codes(f).is_empty(), "{f:#}");
    assert_eq!(f["confidence"], "low", "{f:#}");
    assert!(
        f["notes"]
            .as_str()
            .unwrap()
            .contains("o caller is tied to Template"),
        "{f:#}"
    );

    let named = files(
        "class TemplatesController\n  def show\n    template = Template.find(params[:id])\n    render json: template.folder_name\n  end\nend\n",
    );
    let (v, _, _) = audit(&plan_file(named.path(), plan), &named.path().join("app"));
    let f = finding(&v, "method:Template#folder_name");
    assert_eq!(f["confidence"], "high", "{f:#}");
}

// Item 4, definitions: a JSON column is defined by the schema of its own
// table (`create_table`, `change_table`, `add_column`, string or symbol
// names, `self.table_name`), not by the same column name on another table.
#[test]
fn json_column_definitions_belong_to_their_table() {
    let ws = tree(&[
        ("app/Gemfile", "source 'https://rubygems.org'\n"),
        (
            "app/app/models/receipt.rb",
            "class Receipt < ApplicationRecord\n  def pages\n    data['pages']\n  end\nend\n",
        ),
        (
            "app/app/models/line_item.rb",
            "class LineItem < ApplicationRecord\n  self.table_name = 'legacy_items'\n  def size\n    data['size']\n  end\nend\n",
        ),
        (
            "app/app/models/integration.rb",
            "class Integration < ApplicationRecord\n  def token\n    data['token']\n  end\nend\n",
        ),
        (
            "app/db/schema.rb",
            "ActiveRecord::Schema[7.1].define do\n  create_table \"receipts\" do |t|\n    t.jsonb \"data\"\n  end\n  create_table :integrations do |t|\n    t.string :name\n  end\n  create_table :line_items do |t|\n    t.jsonb :data\n  end\n  create_table :legacy_items do |t|\n    t.column :data, :json\n  end\nend\n",
        ),
        (
            "app/db/migrate/20240101000000_add_data_to_integrations.rb",
            "class AddDataToIntegrations < ActiveRecord::Migration[7.1]\n  def change\n    add_column :integrations, :data, :jsonb\n  end\nend\n",
        ),
    ]);
    let plan = plan_file(
        ws.path(),
        "version: 1\nphases:\n  - points:\n      - jsonb: Receipt.data\n      - jsonb: Integration.data\n      - jsonb: LineItem.data\n",
    );
    let (v, _, _) = audit(&plan, &ws.path().join("app"));
    let defs = |id: &str| -> Vec<String> {
        finding(&v, id)["definitions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["location"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(defs("jsonb:Receipt.data"), ["app/db/schema.rb:3"]);
    assert_eq!(
        defs("jsonb:Integration.data"),
        ["app/db/migrate/20240101000000_add_data_to_integrations.rb:3"]
    );
    assert_eq!(
        defs("jsonb:LineItem.data"),
        ["app/db/schema.rb:12"],
        "self.table_name"
    );
}

// Item 7, the rest: a method with no callers in a class whose superclass
// lies outside the workspace (Devise, ActiveJob, a NestJS guard from a
// package) may override a method the framework calls: confidence low, and
// the note names the ancestor. A model under ApplicationRecord keeps high.
#[test]
fn methods_under_external_ancestors_have_low_confidence() {
    let ws = tree(&[
        ("api/Gemfile", "source 'https://rubygems.org'\n"),
        (
            "api/app/controllers/users/sessions_controller.rb",
            "module Users\n  class SessionsController < Devise::SessionsController\n    def after_sign_out_path_for(scope)\n      root_path\n    end\n  end\nend\n",
        ),
        (
            "api/app/jobs/sync_job.rb",
            "class SyncJob < ActiveJob::Base\n  def reschedule_at(time, attempts)\n    time\n  end\nend\n",
        ),
        (
            "api/app/models/application_record.rb",
            "class ApplicationRecord < ActiveRecord::Base\n  self.abstract_class = true\nend\n",
        ),
        (
            "api/app/models/user.rb",
            "class User < ApplicationRecord\n  def archive_later\n  end\nend\n",
        ),
        ("web/package.json", "{\"name\": \"web\"}\n"),
        (
            "web/src/api.guard.ts",
            "import { ThrottlerGuard } from '@nestjs/throttler';\n\nexport class ApiGuard extends ThrottlerGuard {\n  protected async getErrorMessage(): Promise<string> {\n    return 'slow down';\n  }\n}\n",
        ),
        (
            "web/src/plain.ts",
            "export class Plain {\n  getErrorMessage(): string {\n    return 'x';\n  }\n}\n",
        ),
    ]);
    let plan = plan_file(
        ws.path(),
        "version: 1\nphases:\n  - points:\n      - method: Users::SessionsController#after_sign_out_path_for\n      - method: SyncJob#reschedule_at\n      - method: User#archive_later\n      - method: ApiGuard#getErrorMessage\n      - method: Plain#getErrorMessage\n",
    );
    let (v, _, _) = audit(&plan, ws.path());
    for (id, ancestor) in [
        (
            "method:Users::SessionsController#after_sign_out_path_for",
            "Devise::SessionsController",
        ),
        ("method:SyncJob#reschedule_at", "ActiveJob::Base"),
        ("method:ApiGuard#getErrorMessage", "ThrottlerGuard"),
    ] {
        let f = finding(&v, id);
        assert_eq!(codes(f), ["no-callers"], "{f:#}");
        assert_eq!(f["confidence"], "low", "{f:#}");
        let notes = f["notes"].as_str().unwrap();
        assert!(notes.contains(ancestor) && notes.contains("framework"), "{notes}");
    }
    for id in ["method:User#archive_later", "method:Plain#getErrorMessage"] {
        let f = finding(&v, id);
        assert_eq!(codes(f), ["no-callers"], "{f:#}");
        assert_eq!(f["confidence"], "high", "no external ancestor: {f:#}");
    }
}

// Item 4, TypeScript: a TypeORM `@Column('jsonb')` on an `@Entity()` class
// and a Prisma `Json` field belong to their entity or model.
#[test]
fn typeorm_and_prisma_json_columns_belong_to_their_model() {
    let ws = tree(&[
        ("api/package.json", "{\"name\": \"api\"}\n"),
        (
            "api/src/receipt.entity.ts",
            "import { Entity, Column } from 'typeorm';\n\n@Entity('receipts')\nexport class Receipt {\n  @Column('jsonb')\n  data: Record<string, unknown>;\n}\n\n@Entity()\nexport class Integration {\n  @Column({ type: 'json', nullable: true })\n  data: unknown;\n\n  @Column()\n  label: string;\n}\n\nexport class NotAnEntity {\n  @Column('jsonb')\n  data: unknown;\n}\n",
        ),
        ("db/package.json", "{\"name\": \"db\"}\n"),
        (
            "db/prisma/schema.prisma",
            "model Account {\n  id   Int   @id\n  data Json?\n}\n\nmodel Receipt {\n  id   Int  @id\n}\n",
        ),
    ]);
    let plan = plan_file(
        ws.path(),
        "version: 1\nphases:\n  - points:\n      - jsonb: Receipt.data\n      - jsonb: Integration.data\n      - jsonb: Account.data\n",
    );
    let (v, _, _) = audit(&plan, ws.path());
    let defs = |id: &str| -> Vec<String> {
        finding(&v, id)["definitions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["location"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(defs("jsonb:Receipt.data"), ["api/src/receipt.entity.ts:6"]);
    assert_eq!(defs("jsonb:Integration.data"), ["api/src/receipt.entity.ts:12"]);
    assert_eq!(defs("jsonb:Account.data"), ["db/prisma/schema.prisma:3"]);
    assert_eq!(finding(&v, "jsonb:Account.data")["exists"], true);
}

// Item 4, accesses: in a file that spells the model, a local variable or
// parameter named `data` and a `data:` key of a hash that is not given to
// a model are not the column; `receipt.data[...]` and
// `Receipt.create(data: {...})` are.
#[test]
fn json_column_names_on_locals_and_options_are_not_the_column() {
    let ws = tree(&[
        ("app/Gemfile", "source 'https://rubygems.org'\n"),
        (
            "app/app/controllers/receipts_controller.rb",
            "class ReceiptsController < ApplicationController\n  def show(data)\n    receipt = Receipt.find(params[:id])\n    data['from_param']\n    payload = receipt.data['pages']\n    render json: { data: { from_render: 1 } }\n  end\n\n  def create\n    data = params[:receipt]\n    data['local_key'] = 1\n    Receipt.create!(data: { pdf_url: 'x', pages: 1 })\n  end\nend\n",
        ),
    ]);
    let plan = plan_file(
        ws.path(),
        "version: 1\nphases:\n  - points:\n      - jsonb: Receipt.data\n",
    );
    let (v, _, _) = audit(&plan, &ws.path().join("app"));
    let f = finding(&v, "jsonb:Receipt.data");
    let keys: Vec<&str> = f["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["pages", "pdf_url"], "{f:#}");
}

/// Two Rails apps: namespaced controllers sharing a name with top-level ones,
/// routed actions, a constructor, and dynamic dispatch in the other app.
fn rails_pair() -> tempfile::TempDir {
    tree(&[
        (
            "app1/config/routes.rb",
            "Rails.application.routes.draw do\n  resources :templates, only: [:show]\n  namespace :api do\n    resources :templates, only: :show\n  end\nend\n",
        ),
        (
            "app1/app/controllers/templates_controller.rb",
            "class TemplatesController < ApplicationController\n  def show\n    render :show\n  end\nend\n",
        ),
        (
            "app1/app/controllers/api/templates_controller.rb",
            "module Api\n  class TemplatesController < ApplicationController\n    def show\n    end\n  end\nend\n",
        ),
        (
            "app1/app/controllers/submitters_controller.rb",
            "class SubmittersController < ApplicationController\n  before_action :load_submitter, only: :update\n  def update\n    authorize!(:update, Submitter)\n    render :update\n  end\n\n  private\n\n  def load_submitter\n  end\nend\n",
        ),
        (
            "app1/app/controllers/messages_controller.rb",
            "class MessagesController < ApplicationController\n  def create\n    message_params\n  end\n\n  private\n\n  def message_params\n  end\nend\n",
        ),
        (
            "app1/app/controllers/api/v1/messages_controller.rb",
            "module Api\n  module V1\n    class MessagesController < ApplicationController\n      def create\n        message_params\n      end\n\n      private\n\n      def message_params\n      end\n    end\n  end\nend\n",
        ),
        (
            "app1/app/models/provider/synth.rb",
            "module Provider\n  class Synth\n    def initialize(key)\n      @key = key\n    end\n  end\nend\n",
        ),
        (
            "app1/app/models/registry.rb",
            "class Registry\n  def synth\n    Provider::Synth.new(key)\n  end\nend\n",
        ),
        (
            "app1/lib/pdf.rb",
            "class Pdf\n  # show\n  def run(getter)\n    Pdf.public_send(getter)\n  end\nend\n",
        ),
        (
            "app1/app/helpers/settings_helper.rb",
            "module SettingsHelper\n  def go(setting)\n    # show\n    send(setting[:path])\n  end\nend\n",
        ),
        (
            "app1/app/models/submitter.rb",
            "class Submitter < ApplicationRecord\nend\n",
        ),
        (
            "app1/lib/fill.rb",
            "class Fill\n  def value(submitter, field)\n    # show\n    submitter.try(field)\n  end\nend\n",
        ),
        (
            "app2/lib/dispatch.rb",
            "class Dispatch\n  def run(name)\n    # update show initialize message_params\n    send(name)\n  end\nend\n",
        ),
    ])
}

// A plan's owner names one class: the top-level `TemplatesController` is not
// `Api::TemplatesController`, and `Api::V1::MessagesController` is not the
// top-level `MessagesController`.
#[test]
fn the_most_specific_owner_wins() {
    let ws = rails_pair();
    let v = audit_points(
        ws.path(),
        "      - method: TemplatesController#show\n      - method: Api::V1::MessagesController#message_params\n",
    );
    let f = finding(&v, "method:TemplatesController#show");
    assert_eq!(
        definition_locations(f),
        ["app1/app/controllers/templates_controller.rb:2"]
    );
    let f = finding(&v, "method:Api::V1::MessagesController#message_params");
    assert_eq!(
        definition_locations(f),
        ["app1/app/controllers/api/v1/messages_controller.rb:10"]
    );
    assert!(!codes(f).contains(&"ambiguous-definition".to_string()), "{f:#}");
    // The top-level controller's implicit call is of its own method.
    assert_eq!(
        strings(&f["callers_found"]),
        ["app1/app/controllers/api/v1/messages_controller.rb:5"]
    );
}

// A routed public controller method has the router as its caller; an
// unrouted one has none, whatever symbols spell its name (`only: :update`,
// `render :update`, `authorize!(:update, ...)`), and dynamic dispatch in
// another app does not reach it.
#[test]
fn routed_actions_are_called_and_filter_symbols_are_not_calls() {
    let ws = rails_pair();
    let v = audit_points(
        ws.path(),
        "      - method: TemplatesController#show\n      - method: SubmittersController#update\n",
    );
    let f = finding(&v, "method:TemplatesController#show");
    assert_eq!(codes(f), Vec::<String>::new(), "{f:#}");
    assert_eq!(strings(&f["callers_found"]), ["app1/config/routes.rb:2"]);
    // `Pdf.public_send(getter)` can only reach `Pdf`'s methods,
    // `submitter.try(field)` a `Submitter`'s, a helper's `send` the view's.
    assert_eq!(strings(&f["dynamic_callers"]), Vec::<String>::new());
    let f = finding(&v, "method:SubmittersController#update");
    assert_eq!(codes(f), ["no-callers"], "{f:#}");
    assert_eq!(strings(&f["callers_found"]), Vec::<String>::new());
    assert_eq!(strings(&f["dynamic_callers"]), Vec::<String>::new());
}

// A bare `send` runs on the object of the class around it: in
// `Repository`, it cannot reach a method of `ScmFetchError`, declared in the
// same file (redmine); inside the owner it may.
#[test]
fn a_bare_send_reaches_only_its_own_class() {
    let ws = tree(&[(
        "app/app/models/repository.rb",
        "class ScmFetchError < StandardError\n  def extra_info\n    \"x\"\n  end\n\n  def info_of(name)\n    send(name)\n  end\nend\n\nclass Repository < ApplicationRecord\n  def check(attribute)\n    send(attribute).to_s\n  end\nend\n",
    )]);
    let v = audit_points(ws.path(), "      - method: ScmFetchError#extra_info\n");
    let f = finding(&v, "method:ScmFetchError#extra_info");
    assert_eq!(
        strings(&f["dynamic_callers"]),
        ["app/app/models/repository.rb:7"],
        "{f:#}"
    );
}

// A symbol that is a hash key (`:author => x`, `changeset[:author]`,
// `h.dig(:author)`) is data, not a method name (redmine's git adapter was a
// caller of `Changeset#author`); a symbol handed to `send` or a hash
// value (`:to => :author`) still names the method.
#[test]
fn hash_key_symbols_are_not_method_names() {
    let ws = tree(&[
        (
            "app/app/models/changeset.rb",
            "class Changeset < ApplicationRecord\n  delegate :name, :to => :author\n\n  def author\n    \"x\"\n  end\n\n  def who\n    send(:author)\n  end\nend\n",
        ),
        (
            "app/lib/adapter.rb",
            "class Adapter\n  def revision(changeset)\n    Revision.new(:author => changeset[:author], :who => changeset.dig(:author))\n  end\nend\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - method: Changeset#author\n");
    let f = finding(&v, "method:Changeset#author");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/app/models/changeset.rb:2", "app/app/models/changeset.rb:9"],
        "{f:#}"
    );
}

// `author` is defined by `Issue` and by `Changeset`: `parent.author` on a
// receiver of unknown class may be either, so it is no caller of
// `Changeset#author` (redmine's tests called `parent.author` on issues);
// when nothing else calls it, the no-callers verdict has low confidence and
// names those calls. A receiver named after the owner stays a caller.
#[test]
fn calls_of_a_name_rival_classes_define_need_a_known_receiver() {
    let ws = tree(&[
        (
            "app/app/models/issue.rb",
            "class Issue < ApplicationRecord\n  def author\n    1\n  end\nend\n",
        ),
        (
            "app/app/models/changeset.rb",
            "class Changeset < ApplicationRecord\n  def author\n    2\n  end\n\n  def committer\n    3\n  end\nend\n",
        ),
        (
            "app/app/models/report.rb",
            "class Report\n  # changesets and issues\n  def rows(parent, changeset)\n    [parent.author, changeset.committer]\n  end\n\n  def all(list)\n    list.map(&:author)\n  end\nend\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - method: Changeset#author\n      - method: Changeset#committer\n",
    );
    let f = finding(&v, "method:Changeset#author");
    assert!(strings(&f["callers_found"]).is_empty(), "{f:#}");
    assert_eq!(codes(f), ["no-callers"], "{f:#}");
    assert_eq!(f["confidence"], "low", "{f:#}");
    assert!(
        f["notes"]
            .as_str()
            .unwrap()
            .contains("app/app/models/report.rb:4"),
        "{f:#}"
    );
    let f = finding(&v, "method:Changeset#committer");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/app/models/report.rb:4"],
        "{f:#}"
    );
}

// A test file that imports `check` from a test helper defining its own
// `check` calls that helper, not the point (openpanel's e2e `lib.ts`
// beside the app's `check`).
#[test]
fn an_import_of_a_test_helpers_same_named_function_is_not_a_call() {
    let ws = tree(&[
        ("app/package.json", "{ \"name\": \"app\" }"),
        (
            "app/src/util.ts",
            "export function check(x: number) {\n  return x > 0;\n}\n",
        ),
        (
            "app/src/main.ts",
            "import { check } from './util';\nexport const ok = check(1);\n",
        ),
        (
            "app/e2e/lib.ts",
            "export function check(name: string, ok: boolean) {\n  if (!ok) throw new Error(name);\n}\n",
        ),
        (
            "app/e2e/run.ts",
            "import { check } from './lib';\ncheck('works', true);\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - method: check\n");
    let f = finding(&v, "method:check");
    assert_eq!(strings(&f["callers_found"]), ["app/src/main.ts:2"], "{f:#}");
    assert!(strings(&f["test_callers"]).is_empty(), "{f:#}");
}

// A class method (`ProjectQuery.visible`) is reached by a dispatch on a
// class (`klass.send(name)`) or inside its class, never by one on an
// object (`obj.send(attr)`), by `instance_method`, or by a bare `method(x)`
// in an unrelated class (redmine: 17 dynamic callers, 6 of 30 sampled
// locations wrong).
#[test]
fn class_methods_are_dispatched_on_classes() {
    let ws = tree(&[
        (
            "app/app/models/project_query.rb",
            "class ProjectQuery < Query\n  def self.visible(*)\n    all\n  end\n\n  def self.pick(name)\n    send(name)\n  end\nend\n",
        ),
        (
            "app/app/helpers/application_helper.rb",
            "module ApplicationHelper\n  # visible\n  def show(obj, attr, klass, name)\n    obj.send(attr)\n    klass.send(name)\n    self.class.instance_method(name)\n  end\nend\n",
        ),
        (
            "app/lib/red_cloth.rb",
            "class RedCloth\n  # visible\n  def rules(rule)\n    method(rule).call\n  end\nend\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - method: ProjectQuery.visible\n");
    let f = finding(&v, "method:ProjectQuery.visible");
    assert_eq!(
        strings(&f["dynamic_callers"]),
        [
            "app/app/helpers/application_helper.rb:5",
            "app/app/models/project_query.rb:7"
        ],
        "{f:#}"
    );
}

// A call on `x.class` is a call on a class: `record.class.name` is
// `Module#name`, no caller of the instance method `Application#name`
// (Doorkeeper's `model.class.name` in openstreetmap-website).
#[test]
fn calls_on_a_class_are_not_instance_method_calls() {
    let ws = tree(&[
        (
            "app/app/models/application.rb",
            "class Application < ApplicationRecord\n  def name\n    'x'\n  end\nend\n",
        ),
        (
            "app/app/controllers/apps_controller.rb",
            "class AppsController < ApplicationController\n  def show\n    @application = Application.find(params[:id])\n    label = @application.class.name\n    render plain: @application.name + label\n  end\nend\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - method: Application#name\n");
    let f = finding(&v, "method:Application#name");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/app/controllers/apps_controller.rb:5"],
        "{f:#}"
    );
}

// `store_accessor :settings, ...` declares keys of the class's own column,
// whatever call came before it in the class body (`OpenStruct.new({...})`
// in a constant left its receiver on the keys, so feedbin's
// `SupportedSharingService` settings keys were `Entry.settings` keys).
#[test]
fn store_accessors_belong_to_their_class() {
    let ws = tree(&[
        (
            "app/app/models/entry.rb",
            "class Entry < ApplicationRecord\n  store :settings, accessors: [:media_image], coder: JSON\nend\n",
        ),
        (
            "app/app/models/sharing_service.rb",
            "class SharingService < ApplicationRecord\n  SERVICES = [\n    OpenStruct.new({ html_options: {\"data-x\" => \"show_entry\"} })\n  ].freeze\n\n  store_accessor :settings, :api_token\nend\n",
        ),
        (
            "app/db/schema.rb",
            "ActiveRecord::Schema.define(version: 1) do\n  create_table \"entries\" do |t|\n    t.jsonb \"settings\"\n  end\n  create_table \"sharing_services\" do |t|\n    t.jsonb \"settings\"\n  end\nend\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - jsonb: Entry.settings\n");
    let f = finding(&v, "jsonb:Entry.settings");
    let keys: Vec<&str> = f["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["media_image"], "{f:#}");
}

// A field typed with a class imported under another name (`import type {
// BaseJobProvider as JobClientProvider }`) holds that class: its
// `startCron()` is not `JobClient#startCron` (documenso).
#[test]
fn fields_typed_by_a_renamed_import_hold_that_class() {
    let ws = tree(&[
        ("app/package.json", "{ \"name\": \"app\" }"),
        (
            "app/src/jobs/base.ts",
            "export abstract class BaseJobProvider {\n  public startCron(): void {}\n}\n",
        ),
        (
            "app/src/jobs/client.ts",
            "import type { BaseJobProvider as JobClientProvider } from './base';\n\nexport class JobClient {\n  private _provider: JobClientProvider;\n\n  public startCron() {\n    this._provider.startCron();\n  }\n}\n",
        ),
        (
            "app/src/main.ts",
            "import { JobClient } from './jobs/client';\n\nnew JobClient().startCron();\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - method: JobClient#startCron\n");
    let f = finding(&v, "method:JobClient#startCron");
    assert_eq!(strings(&f["callers_found"]), ["app/src/main.ts:3"], "{f:#}");
}

// A browser object is no instance of a workspace class: a DOM canvas
// (`document.createElement('canvas')`, a `useRef<HTMLCanvasElement>`, a
// field typed `HTMLCanvasElement`) has its own `toDataURL`, which is not
// `Canvas#toDataURL` (documenso), however the variable is named.
#[test]
fn dom_objects_are_not_workspace_classes() {
    let ws = tree(&[
        ("app/package.json", "{ \"name\": \"app\" }"),
        (
            "app/src/canvas.ts",
            "export class Canvas {\n  private readonly $canvas: HTMLCanvasElement;\n\n  public toDataURL(type?: string): string {\n    return this.$canvas.toDataURL(type);\n  }\n}\n",
        ),
        (
            "app/src/draw.tsx",
            "import { useRef } from 'react';\nimport { Canvas } from './canvas';\n\nexport const Draw = () => {\n  const $el = useRef<HTMLCanvasElement>(null);\n  const save = () => $el.current.toDataURL();\n  return save;\n};\n\nexport function thumbnail(): string {\n  const canvas = document.createElement('canvas');\n  return canvas.toDataURL('image/jpeg');\n}\n\nexport function sign(pad: Canvas): string {\n  return pad.toDataURL();\n}\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - method: Canvas#toDataURL\n");
    let f = finding(&v, "method:Canvas#toDataURL");
    assert_eq!(strings(&f["callers_found"]), ["app/src/draw.tsx:16"], "{f:#}");
}

// A point the plan gives no owner, whose Ruby definitions all have one (a
// class method `check` of `Mail::Imap`): `Mail::Imap.check` is a caller
// tied to it by its receiver; Capybara's bare `check 'Remember me'` in a
// system test cannot reach a class method of an unrelated module, and a
// script's module-local `check` function does not make the Ruby caller a
// private entry point (redmine).
#[test]
fn owner_less_points_are_reached_through_their_owners() {
    let ws = tree(&[
        (
            "app/lib/mail/imap.rb",
            "module Mail\n  module Imap\n    class << self\n      def check(options = {})\n        options\n      end\n    end\n  end\nend\n",
        ),
        (
            "app/lib/tasks/email.rake",
            "task :receive do\n  Mail::Imap.check(host: 'x')\nend\n",
        ),
        (
            "app/test/system/login_test.rb",
            "class LoginTest < ApplicationSystemTestCase\n  def test_login\n    check 'Remember me'\n  end\nend\n",
        ),
        (
            "app/app/assets/javascripts/form.js",
            "function setup() {\n  var check = function() { return 1; };\n  check();\n}\n",
        ),
        (
            "app/app/helpers/repositories_helper.rb",
            "module RepositoriesHelper\n  # check\n  def field(view, name)\n    send(name)\n    view.send(name)\n    Setting.send(name)\n  end\nend\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - method: check\n");
    let f = finding(&v, "method:check");
    // Dispatch on a helper's self, on an object or on another constant
    // cannot reach a class method of `Mail::Imap`.
    assert_eq!(strings(&f["dynamic_callers"]), Vec::<String>::new(), "{f:#}");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/lib/tasks/email.rake:2"],
        "{f:#}"
    );
    assert_eq!(strings(&f["test_callers"]), Vec::<String>::new(), "{f:#}");
    assert!(!codes(f).contains(&"private-entry-point".to_string()), "{f:#}");
    let m = &f["caller_matches"][0];
    assert_eq!(m["match"], "receiver", "{f:#}");
}

// An owner-less point: a `module_function` method called on its module is
// public there (no private-entry-point), a constant that is no class of
// the workspace (`AppConfig`, an object) is not ruled out, and a bare call
// in another class's block (`process { markdownify }`, run by
// `instance_exec`) leaves `no-callers` with low confidence, naming it.
#[test]
fn owner_less_points_module_functions_and_blocks() {
    let ws = tree(&[
        (
            "app/lib/accounts.rb",
            "module Accounts\n  module_function\n\n  def normalize_timezone(tz)\n    tz\n  end\nend\n",
        ),
        (
            "app/app/controllers/setup_controller.rb",
            "class SetupController < ApplicationController\n  def create\n    Accounts.normalize_timezone(params[:tz])\n  end\nend\n",
        ),
        (
            "app/lib/renderer.rb",
            "class Renderer\n  class Processor\n    def markdownify\n      1\n    end\n  end\n\n  def html\n    process { markdownify }\n  end\nend\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - method: normalize_timezone\n      - method: markdownify\n",
    );
    let f = finding(&v, "method:normalize_timezone");
    assert!(codes(f).is_empty(), "{f:#}");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/app/controllers/setup_controller.rb:3"],
        "{f:#}"
    );
    let f = finding(&v, "method:markdownify");
    assert_eq!(codes(f), ["no-callers"], "{f:#}");
    assert_eq!(f["confidence"], "low", "{f:#}");
    assert!(
        f["notes"].as_str().unwrap().contains("app/lib/renderer.rb:9"),
        "{f:#}"
    );
}

// A module function `random` is called bare or through an import, never
// as a member of a global (`Math.random()`, umami); a namespace import's
// member still is.
#[test]
fn globals_members_are_not_module_functions() {
    let ws = tree(&[
        ("app/package.json", "{ \"name\": \"app\" }"),
        (
            "app/src/lib/generate.ts",
            "export function random(min: number, max: number) {\n  return min + max;\n}\n",
        ),
        (
            "app/src/seed.ts",
            "import * as Gen from './lib/generate';\nexport const a = Math.random() * 10;\nexport const b = Gen.random(1, 2);\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - method: random\n");
    let f = finding(&v, "method:random");
    assert_eq!(strings(&f["callers_found"]), ["app/src/seed.ts:3"], "{f:#}");
}

// The template method pattern in TypeScript: `this.processPage()` in an
// abstract base class (default-exported, generic) dispatches to a
// subclass's override, so the override is not `no-callers` (outline's
// APIImportTask and BaseEmail).
#[test]
fn ts_base_class_calls_dispatch_to_overrides() {
    let ws = tree(&[
        ("app/package.json", "{ \"name\": \"app\" }"),
        (
            "app/src/Base.ts",
            "export default abstract class BaseTask<T> {\n  public async run(x: T) {\n    return this.processPage(x);\n  }\n\n  protected abstract processPage(x: T): Promise<void>;\n}\n",
        ),
        (
            "app/src/Markdown.ts",
            "import BaseTask from './Base';\n\nexport default class MarkdownTask extends BaseTask<string> {\n  protected async processPage(x: string) {\n    return;\n  }\n}\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - method: MarkdownTask#processPage\n");
    let f = finding(&v, "method:MarkdownTask#processPage");
    assert!(codes(f).is_empty(), "{f:#}");
    assert_eq!(strings(&f["callers_found"]), ["app/src/Base.ts:3"], "{f:#}");
    assert_eq!(f["caller_matches"][0]["match"], "dispatch", "{f:#}");
}

// `initialize` runs when `Owner.new` is called.
#[test]
fn new_calls_initialize() {
    let ws = rails_pair();
    let v = audit_points(ws.path(), "      - method: Provider::Synth#initialize\n");
    let f = finding(&v, "method:Provider::Synth#initialize");
    assert_eq!(codes(f), Vec::<String>::new(), "{f:#}");
    assert_eq!(strings(&f["callers_found"]), ["app1/app/models/registry.rb:3"]);
    assert_eq!(strings(&f["dynamic_callers"]), Vec::<String>::new());
}

// TypeScript has no implicit receiver: `create()` imported from a package,
// or `this.prisma.user.create()` inside the owner, is not `UserService#create`.
#[test]
fn ts_bare_and_imported_calls_are_not_class_methods() {
    let ws = tree(&[
        (
            "server/src/user.service.ts",
            "export class UserService {\n  constructor(private prisma: any) {}\n  create(d: object) {\n    return this.prisma.user.create(d);\n  }\n}\n",
        ),
        (
            "server/src/auth.service.ts",
            "import { UserService } from './user.service';\nexport class AuthService {\n  constructor(private users: UserService) {}\n  go() {\n    return this.users.create({});\n  }\n}\n",
        ),
        (
            "client/src/store.ts",
            "import { create } from 'zustand';\nexport const useStore = create(() => ({}));\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - method: UserService#create\n");
    let f = finding(&v, "method:UserService#create");
    assert_eq!(
        strings(&f["callers_found"]),
        ["server/src/auth.service.ts:5"],
        "{f:#}"
    );
}

// A NestJS controller method with a route decorator is called by the
// framework for each request: its route is its caller.
#[test]
fn nest_route_handlers_are_called_by_their_route() {
    let ws = tree(&[
        (
            "api/src/resume.controller.ts",
            "import { Controller, Get } from '@nestjs/common';\n\n@Controller('resume')\nexport class ResumeController {\n  @Get()\n  findAll() {\n    return [];\n  }\n\n  helper() {\n    return 1;\n  }\n}\n",
        ),
        ("api/package.json", "{\"name\": \"api\"}\n"),
    ]);
    let v = audit_points(
        ws.path(),
        "      - method: ResumeController#findAll\n      - method: ResumeController#helper\n",
    );
    let f = finding(&v, "method:ResumeController#findAll");
    assert_eq!(codes(f), Vec::<String>::new(), "{f:#}");
    assert_eq!(strings(&f["callers_found"]), ["api/src/resume.controller.ts:5"]);
    let f = finding(&v, "method:ResumeController#helper");
    assert_eq!(codes(f), ["no-callers"], "{f:#}");
}

// A JSON column's keys come from receivers that can hold the model: in the
// model's own repo and language, files about it; elsewhere (another app, a
// front end) only receivers named after it. A hash given to another class
// (`Toggle.new(data: {...})`) or a column on a variable named after another
// class (`integration.data`) is not the column.
#[test]
fn json_keys_keep_to_receivers_of_the_model() {
    let ws = tree(&[
        (
            "api/db/schema.rb",
            "ActiveRecord::Schema[7.1].define(version: 1) do\n  create_table \"syncs\" do |t|\n    t.jsonb \"data\"\n  end\n  create_table \"integrations\" do |t|\n    t.jsonb \"data\"\n  end\nend\n",
        ),
        (
            "api/app/models/sync.rb",
            "class Sync < ApplicationRecord\n  def window\n    data[\"window\"]\n  end\nend\n",
        ),
        (
            "api/app/models/integration.rb",
            "class Integration < ApplicationRecord\nend\n",
        ),
        (
            "api/app/components/toggle.rb",
            "class Toggle\n  def initialize(data:)\n  end\nend\n",
        ),
        (
            "api/app/jobs/sync_job.rb",
            "class SyncJob\n  def perform(sync, integration)\n    sync.update(data: { \"window\" => 1, \"status\" => 2 })\n    integration.data[\"token\"]\n    Toggle.new(data: { \"target\" => \"x\" })\n  end\nend\n",
        ),
        (
            "web/src/resume.ts",
            "export function certs(resume: any) {\n  return resume.data.Certifications;\n}\n",
        ),
        (
            "web/src/sync.ts",
            "export const windowOf = (sync: any) => sync.data.window;\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - jsonb: Sync.data\n");
    let f = finding(&v, "jsonb:Sync.data");
    let keys = key_table(f);
    assert_eq!(
        keys,
        [
            (
                "status".to_string(),
                vec![],
                vec!["api/app/jobs/sync_job.rb:3".to_string()]
            ),
            (
                "window".to_string(),
                vec![
                    "api/app/models/sync.rb:3".to_string(),
                    "web/src/sync.ts:1".to_string()
                ],
                vec!["api/app/jobs/sync_job.rb:3".to_string()]
            ),
        ],
        "{f:#}"
    );
}

// A NestJS service injected as a field: a call on a field typed as the
// owner is the owner's; one typed as another workspace class is not; one
// typed as a base class or an interface may be (a name match).
#[test]
fn ts_injected_fields_type_their_calls() {
    let ws = tree(&[
        (
            "api/src/health.ts",
            "export class StorageHealth {\n  isHealthy() { return true; }\n}\nexport class DatabaseHealth {\n  isHealthy() { return true; }\n}\nexport abstract class Repo {\n  abstract find(): number;\n}\nexport class PgRepo extends Repo {\n  find() { return 1; }\n}\n",
        ),
        (
            "api/src/health.controller.ts",
            "import { StorageHealth, DatabaseHealth, Repo } from './health';\nexport class HealthController {\n  constructor(private readonly storage: StorageHealth, private readonly repo: Repo) {}\n  check() {\n    this.storage.isHealthy();\n    return this.repo.find();\n  }\n}\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - method: DatabaseHealth#isHealthy\n      - method: StorageHealth#isHealthy\n      - method: PgRepo#find\n",
    );
    let f = finding(&v, "method:DatabaseHealth#isHealthy");
    assert_eq!(strings(&f["callers_found"]), Vec::<String>::new(), "{f:#}");
    let f = finding(&v, "method:StorageHealth#isHealthy");
    assert_eq!(strings(&f["callers_found"]), ["api/src/health.controller.ts:5"]);
    let f = finding(&v, "method:PgRepo#find");
    assert_eq!(strings(&f["callers_found"]), ["api/src/health.controller.ts:6"]);
}

// An `action` point planned in one app finds that app's controller, not
// another app's of the same name; an app without Pundit policies has no
// policy layer to miss.
#[test]
fn actions_keep_to_their_app_and_pundit_is_not_assumed() {
    let ws = tree(&[
        (
            "shop/config/routes.rb",
            "Rails.application.routes.draw do\n  resources :sessions, only: [:create]\nend\n",
        ),
        (
            "shop/app/controllers/sessions_controller.rb",
            "class SessionsController < ApplicationController\n  def create\n  end\nend\n",
        ),
        (
            "admin/config/routes.rb",
            "Rails.application.routes.draw do\n  resources :sessions, only: [:create]\nend\n",
        ),
        (
            "admin/app/controllers/sessions_controller.rb",
            "class SessionsController < ApplicationController\n\n  def create\n    authorize :session\n  end\nend\n",
        ),
        (
            "admin/app/policies/session_policy.rb",
            "class SessionPolicy\n  def create?\n    true\n  end\nend\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - action: sessions#create\n        repo: shop\n");
    let f = finding(&v, "action:sessions#create");
    assert_eq!(codes(f), Vec::<String>::new(), "{f:#}");
    let controller = f["layers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["layer"] == "controller")
        .unwrap();
    assert_eq!(
        strings(&controller["locations"]),
        ["shop/app/controllers/sessions_controller.rb:2"]
    );
    // shop uses no Pundit: its action is the whole controller layer
    // (docuseal's `settings#index` was `found: false` beside its location).
    assert_eq!(controller["found"], true, "{f:#}");
}

// A bare name in a view is a helper, a partial's local or the component's,
// never a model's method (`options[:label]` in a partial for
// `Rule::Action#options`).
#[test]
fn bare_names_in_views_are_not_model_methods() {
    let ws = tree(&[
        (
            "app/app/models/rule/action.rb",
            "class Rule::Action < ApplicationRecord\n  def options\n    []\n  end\nend\n",
        ),
        (
            "app/app/views/shared/_field.html.erb",
            "<%= form.label options[:label], data: { action: \"click\" } %>\n",
        ),
        (
            "app/app/views/rules/_action.html.erb",
            "<%= form.select :value, action.options %>\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - method: Rule::Action#options\n");
    let f = finding(&v, "method:Rule::Action#options");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/app/views/rules/_action.html.erb:1"],
        "{f:#}"
    );
}

// A call in a superclass that defines the method too may dispatch to a
// subclass's override (the template method pattern), and a receiver named
// after the superclass may hold the subclass.
#[test]
fn calls_in_a_superclass_reach_the_override() {
    let ws = tree(&[
        (
            "app/app/models/import.rb",
            "class Import < ApplicationRecord\n  def max_row_count\n    10\n  end\n\n  def too_big?\n    rows.count > max_row_count\n  end\nend\n",
        ),
        (
            "app/app/models/account_import.rb",
            "class AccountImport < Import\n  def max_row_count\n    50\n  end\nend\n",
        ),
        (
            "app/app/models/registry.rb",
            "class Registry\n  def executors\n    []\n  end\nend\n",
        ),
        (
            "app/app/models/registry/transaction_resource.rb",
            "class Registry::TransactionResource < Registry\n  def executors\n    [1]\n  end\nend\n",
        ),
        (
            "app/app/models/rule.rb",
            "class Rule < ApplicationRecord\n  def executors\n    registry.executors\n  end\nend\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - method: AccountImport#max_row_count\n      - method: Registry::TransactionResource#executors\n",
    );
    let f = finding(&v, "method:AccountImport#max_row_count");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/app/models/import.rb:7"],
        "{f:#}"
    );
    assert!(!codes(f).contains(&"no-callers".to_string()));
    let f = finding(&v, "method:Registry::TransactionResource#executors");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/app/models/rule.rb:3"],
        "{f:#}"
    );
}

// Receivers name a class by whole words, and only a class that exists:
// `executor` is no `Rule::Action` (it is the tail of `ActionExecutor`,
// which defines its own `options`), `action_executor` is an
// `ActionExecutor` rather than an `Executor` when both exist, and a bare
// call in a class whose superclass defines the name is the superclass's.
#[test]
fn receivers_name_classes_by_whole_words() {
    let ws = tree(&[
        (
            "app/app/models/rule/action.rb",
            "class Rule::Action < ApplicationRecord\n  def options\n    executor.options\n  end\n\n  def executor\n    Rule::ActionExecutor.new\n  end\nend\n",
        ),
        (
            "app/app/models/rule/action_executor.rb",
            "class Rule::ActionExecutor\n  def options\n    []\n  end\n\n  def family\n    @family\n  end\n\n  def run\n    1\n  end\nend\n",
        ),
        (
            "app/app/models/executor.rb",
            "class Executor\n  def run\n    2\n  end\nend\n",
        ),
        (
            "app/app/models/rule/registry.rb",
            "class Rule::Registry\n  def family\n    @family\n  end\nend\n",
        ),
        (
            "app/app/models/rule/registry/transaction_resource.rb",
            "class Rule::Registry::TransactionResource < Rule::Registry\n  def scope\n    family.transactions\n  end\n\n  def executors\n    [Rule::ActionExecutor.new]\n  end\nend\n",
        ),
        (
            "app/app/models/rule.rb",
            "class Rule < ApplicationRecord\n  def go(action_executor, action)\n    action_executor.run\n    action.options\n  end\nend\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - method: Rule::Action#options\n      - method: Rule::ActionExecutor#family\n      - method: Executor#run\n",
    );
    let f = finding(&v, "method:Rule::Action#options");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/app/models/rule.rb:4"],
        "{f:#}"
    );
    let f = finding(&v, "method:Rule::ActionExecutor#family");
    assert!(
        strings(&f["callers_found"]).is_empty(),
        "`family` in a subclass of Registry is Registry#family: {f:#}"
    );
    let f = finding(&v, "method:Executor#run");
    assert!(
        strings(&f["callers_found"]).is_empty(),
        "`action_executor.run` is ActionExecutor#run: {f:#}"
    );
}

// A path helper counts as a request of the route whose verb the code
// around it shows: `visit`, an `href`, `redirect_back` are GETs,
// `button_to ... method: :delete` a DELETE; a helper with no visible verb
// is no caller of a route other than GET (`data-path=`, a `return_to:`
// value: feedbin and huginn), only named in the notes of its no-callers
// verdict, which then has low confidence; a method
// of the file named like a helper is not one; and a catch-all route
// (`match "*path"`) is neither the definition nor the path of a route
// that the app defines.
#[test]
fn path_helpers_count_for_the_verb_they_show() {
    let ws = tree(&[
        (
            "app/config/routes.rb",
            "Rails.application.routes.draw do\n  match \"*path\", to: \"errors#not_found\", via: :all\n  resources :templates\nend\n",
        ),
        (
            "app/app/controllers/templates_controller.rb",
            "class TemplatesController < ApplicationController\n  def show; end\n  def update; end\n  def destroy\n    redirect_back(fallback_location: template_path(@template))\n  end\nend\n",
        ),
        (
            "app/app/controllers/errors_controller.rb",
            "class ErrorsController < ApplicationController\n  def not_found; end\nend\n",
        ),
        (
            "app/app/views/templates/index.html.erb",
            "<a href=\"<%= template_path(t) %>\">open</a>\n",
        ),
        (
            "app/app/views/templates/show.html.erb",
            "<%= button_to \"Delete\", template_path(@template), method: :delete %>\n",
        ),
        (
            "app/app/views/templates/edit.html.erb",
            "<div data-path=\"<%= template_path(@template) %>\"></div>\n",
        ),
        (
            "app/app/models/agent.rb",
            "class Agent\n  def check\n    HTTParty.get(template_url)\n    HTTParty.delete(\"https://api.example.com/v1/items/3\")\n  end\n\n  def template_url\n    \"https://example.com\"\n  end\nend\n",
        ),
        (
            "app/spec/system/templates_spec.rb",
            "RSpec.describe \"templates\" do\n  it \"opens\" do\n    visit template_path(template)\n  end\nend\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - route: DELETE /templates/:id\n      - route: GET /templates/:id\n      - route: PATCH /templates/:id\n",
    );
    let f = finding(&v, "route:DELETE /templates/:id");
    assert_eq!(definition_locations(f), ["app/config/routes.rb:3"], "{f:#}");
    // The `data-path` helper says no verb: not a caller of DELETE.
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/app/views/templates/show.html.erb:1"],
        "{f:#}"
    );
    assert!(strings(&f["test_callers"]).is_empty(), "{f:#}");
    assert!(
        f["notes"]
            .as_str()
            .unwrap()
            .contains("verb the code does not show"),
        "{f:#}"
    );
    let f = finding(&v, "route:GET /templates/:id");
    assert_eq!(
        strings(&f["callers_found"]),
        [
            "app/app/controllers/templates_controller.rb:5",
            "app/app/views/templates/edit.html.erb:1",
            "app/app/views/templates/index.html.erb:1",
        ],
        "{f:#}"
    );
    assert_eq!(
        strings(&f["test_callers"]),
        ["app/spec/system/templates_spec.rb:3"],
        "{f:#}"
    );
    // Only a verbless helper: no caller, with low confidence and the
    // helper named.
    let f = finding(&v, "route:PATCH /templates/:id");
    assert!(strings(&f["callers_found"]).is_empty(), "{f:#}");
    assert_eq!(codes(f), ["no-callers"], "{f:#}");
    assert_eq!(f["confidence"], "low", "{f:#}");
    assert!(
        f["notes"]
            .as_str()
            .unwrap()
            .contains("app/app/views/templates/edit.html.erb:1"),
        "{f:#}"
    );
}

// Rails gives route helpers to controllers, views, helpers, mailers and
// tests: a bare `feed_url` in a model is its attribute (feedbin's
// `feed_url =~ youtube_prefix` was a caller of PATCH and GET
// /feeds/:id); a model that includes the url helpers, or a job that calls
// one on `Rails.application.routes.url_helpers`, requests the route.
#[test]
fn route_helpers_only_where_rails_provides_them() {
    let ws = tree(&[
        (
            "app/config/routes.rb",
            "Rails.application.routes.draw do\n  resources :feeds\nend\n",
        ),
        (
            "app/app/controllers/feeds_controller.rb",
            "class FeedsController < ApplicationController\n  def show; end\nend\n",
        ),
        (
            "app/app/models/feed.rb",
            "class Feed < ApplicationRecord\n  def youtube?\n    feed_url =~ /youtube/\n  end\nend\n",
        ),
        (
            "app/app/models/share.rb",
            "class Share\n  include Rails.application.routes.url_helpers\n\n  def link(feed)\n    feed_url(feed)\n  end\nend\n",
        ),
        (
            "app/app/jobs/notify_job.rb",
            "class NotifyJob < ApplicationJob\n  def perform(feed)\n    Rails.application.routes.url_helpers.feed_path(feed)\n  end\nend\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - route: GET /feeds/:id\n");
    let f = finding(&v, "route:GET /feeds/:id");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/app/jobs/notify_job.rb:3", "app/app/models/share.rb:5"],
        "{f:#}"
    );
}

// A bare call in a nested class whose superclass defines the name
// (`boolify` in `StreamAgent::Worker < LongRunnable::Worker`) is that
// superclass's, not the planned `Agent#boolify`.
#[test]
fn bare_calls_in_a_class_inheriting_its_own_definition() {
    let ws = tree(&[
        (
            "app/app/models/agent.rb",
            "class Agent < ActiveRecord::Base\n  include LongRunnable\n\n  def boolify(v)\n    v == \"true\"\n  end\nend\n",
        ),
        (
            "app/app/concerns/long_runnable.rb",
            "module LongRunnable\n  class Worker\n    def boolify(value)\n      value\n    end\n  end\nend\n",
        ),
        (
            "app/app/models/agents/stream_agent.rb",
            "module Agents\n  class StreamAgent < Agent\n    def check\n      boolify(options[:x])\n    end\n\n    class Worker < LongRunnable::Worker\n      def handle(status)\n        boolify(agent.options[:y])\n      end\n    end\n  end\nend\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - method: Agent#boolify\n");
    let f = finding(&v, "method:Agent#boolify");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/app/models/agents/stream_agent.rb:4"],
        "{f:#}"
    );
}

// Calls in Ruby tests keep to the class the test is about: a bare call in
// a spec is the example group's (`agents(:bob)`, a fixture accessor), a
// controller test's `patch :update` is its own controller's, and a call on
// the subject of a spec for a subclass that overrides the method runs the
// override. A second app with its own class of the owner's name calls its
// own method.
#[test]
fn test_calls_keep_to_the_class_under_test() {
    let ws = tree(&[
        (
            "hub/lib/agents_exporter.rb",
            "class AgentsExporter\n  def agents\n    []\n  end\n\n  def as_json\n    agents.map(&:id)\n  end\nend\n",
        ),
        (
            "hub/spec/lib/agents_exporter_spec.rb",
            "describe AgentsExporter do\n  it \"exports\" do\n    exporter = AgentsExporter.new\n    Link.create!(source_id: agents(:bob).id)\n    expect(exporter.agents).to eq([])\n  end\nend\n",
        ),
        (
            "hub/app/models/agent.rb",
            "class Agent < ActiveRecord::Base\n  def receive_web_request(params)\n    nil\n  end\nend\n",
        ),
        (
            "hub/app/models/agents/webhook_agent.rb",
            "module Agents\n  class WebhookAgent < Agent\n    def receive_web_request(params)\n      [\"ok\", 200]\n    end\n  end\nend\n",
        ),
        (
            "hub/spec/models/agents/webhook_agent_spec.rb",
            "describe Agents::WebhookAgent do\n  it \"answers\" do\n    out = agent.receive_web_request({})\n  end\nend\n",
        ),
        (
            "hub/spec/models/agent_spec.rb",
            "describe Agent do\n  it \"ignores\" do\n    expect(agent.receive_web_request({})).to be_nil\n  end\nend\n",
        ),
        (
            "hub/app/controllers/admin/users_controller.rb",
            "class Admin::UsersController < ApplicationController\n  def update\n    head :ok\n  end\nend\n",
        ),
        (
            "hub/app/controllers/users_controller.rb",
            "class UsersController < ApplicationController\n  def update\n    head :ok\n  end\nend\n",
        ),
        (
            "hub/test/controllers/users_controller_test.rb",
            "class UsersControllerTest < ActionController::TestCase\n  test \"update\" do\n    patch :update, params: {id: 1}\n  end\nend\n",
        ),
        (
            "reader/app/controllers/admin/users_controller.rb",
            "class Admin::UsersController < ApplicationController\n  def update\n    head :ok\n  end\n\n  def edit\n    update\n  end\nend\n",
        ),
        (
            "reader/app/controllers/sessions_controller.rb",
            "class SessionsController < ApplicationController\n  def create\n    Admin::UsersController.new.update\n  end\nend\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - method: AgentsExporter#agents\n        repo: hub\n      - method: Agent#receive_web_request\n        repo: hub\n      - method: Admin::UsersController#update\n        repo: hub\n",
    );
    let f = finding(&v, "method:AgentsExporter#agents");
    assert_eq!(
        strings(&f["test_callers"]),
        ["hub/spec/lib/agents_exporter_spec.rb:5"],
        "{f:#}"
    );
    let f = finding(&v, "method:Agent#receive_web_request");
    assert_eq!(
        strings(&f["test_callers"]),
        ["hub/spec/models/agent_spec.rb:3"],
        "{f:#}"
    );
    let f = finding(&v, "method:Admin::UsersController#update");
    assert!(strings(&f["test_callers"]).is_empty(), "{f:#}");
    assert!(
        !strings(&f["callers_found"])
            .iter()
            .any(|l| l.starts_with("reader/")),
        "{f:#}"
    );
}

// A JSON key written through an association named after another model
// (`migration.account_migration_items.create!(data: {...})`, also through a
// scope: `.failed.create!`) is that model's column, not a key of
// `AuthenticationToken.data`.
#[test]
fn json_keys_through_a_plural_association_keep_to_its_model() {
    let ws = tree(&[
        (
            "app/db/migrate/20200101000000_create_tokens.rb",
            "class CreateTokens < ActiveRecord::Migration[6.0]\n  def change\n    create_table :authentication_tokens do |t|\n      t.jsonb :data, default: {}\n    end\n    create_table :account_migration_items do |t|\n      t.jsonb :data, default: {}\n    end\n  end\nend\n",
        ),
        (
            "app/app/models/authentication_token.rb",
            "class AuthenticationToken < ApplicationRecord\n  store_accessor :data, :device\nend\n",
        ),
        (
            "app/app/models/account_migration_item.rb",
            "class AccountMigrationItem < ApplicationRecord\nend\n",
        ),
        (
            "app/db/seeds.rb",
            "token = AuthenticationToken.create!(data: {device: \"ios\"})\nmigration.account_migration_items.create!(data: {\n  title: \"Daring Fireball\"\n})\nuser.authentication_tokens.create!(data: {device: \"mac\"})\nmigration.account_migration_items.failed.create!(data: {feed_url: \"x\"})\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - jsonb: AuthenticationToken.data\n");
    let f = finding(&v, "jsonb:AuthenticationToken.data");
    let keys: Vec<&str> = f["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["device"], "{f:#}");
    let k = &f["keys"][0];
    assert_eq!(
        strings(&k["written_at"]),
        [
            "app/app/models/authentication_token.rb:2",
            "app/db/seeds.rb:1",
            "app/db/seeds.rb:5"
        ],
        "{f:#}"
    );
}

// A bare `data["k"]` is `self.data`: in a class that is not the model
// (`Entry`, which has its own `data` column and mentions `Embed`; a plain
// `IframeEmbed` with `attr_reader :data`) it is not a key of `Embed.data`.
#[test]
fn bare_json_keys_in_another_class_are_its_own() {
    let ws = tree(&[
        (
            "app/db/migrate/20200101000000_create_embeds.rb",
            "class CreateEmbeds < ActiveRecord::Migration[6.0]\n  def change\n    create_table :embeds do |t|\n      t.jsonb :data, default: {}\n    end\n    create_table :entries do |t|\n      t.jsonb :data, default: {}\n    end\n  end\nend\n",
        ),
        (
            "app/app/models/embed.rb",
            "class Embed < ApplicationRecord\n  def title\n    data[\"title\"]\n  end\nend\n",
        ),
        (
            "app/app/models/entry.rb",
            "class Entry < ApplicationRecord\n  def color\n    data[\"placeholder_color\"]\n  end\n\n  def embed\n    Embed.find_by(entry_id: id)\n  end\nend\n",
        ),
        (
            "app/app/models/iframe_embed.rb",
            "class IframeEmbed\n  attr_reader :data\n\n  def author\n    data[\"author_name\"]\n  end\n\n  def record\n    Embed.new\n  end\nend\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - jsonb: Embed.data\n");
    let f = finding(&v, "jsonb:Embed.data");
    let keys: Vec<&str> = f["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["title"], "{f:#}");
}

// A catch-all route in one app (`match "*path"`) is not the definition of
// a route that another app of the workspace defines.
#[test]
fn a_catch_all_route_does_not_define_another_apps_route() {
    let ws = tree(&[
        (
            "reader/config/routes.rb",
            "Rails.application.routes.draw do\n  match \"*path\", to: \"errors#not_found\", via: :all\nend\n",
        ),
        (
            "reader/app/controllers/errors_controller.rb",
            "class ErrorsController < ApplicationController\n  def not_found; end\nend\n",
        ),
        (
            "stats/src/app/api/boards/route.ts",
            "export async function POST(request: Request) {\n  return Response.json({});\n}\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - route: POST /api/boards\n");
    let f = finding(&v, "route:POST /api/boards");
    assert_eq!(
        definition_locations(f),
        ["stats/src/app/api/boards/route.ts:1"],
        "{f:#}"
    );
}

// A file that imports the point and calls it lists the call, not the
// import line (umami's `import { getShareByCode, ... }` was listed beside
// its call); a file that only hands the binding on still shows a use.
#[test]
fn import_lines_are_not_callers_beside_the_calls() {
    let ws = tree(&[
        ("app/package.json", "{ \"name\": \"app\" }"),
        (
            "app/src/lib/share.ts",
            "export async function getShareByCode(code: string) {\n  return code;\n}\n",
        ),
        (
            "app/src/api/route.ts",
            "import { getShareByCode, other } from '../lib/share';\n\nexport async function GET() {\n  return getShareByCode('x');\n}\n",
        ),
        (
            "app/src/api/table.ts",
            "import { getShareByCode } from '../lib/share';\n\nexport const loaders = { share: getShareByCode };\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - method: getShareByCode\n");
    let f = finding(&v, "method:getShareByCode");
    let callers: Vec<&str> = f["callers_found"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(callers.contains(&"app/src/api/route.ts:4"), "{f:#}");
    assert!(!callers.contains(&"app/src/api/route.ts:1"), "{f:#}");
    assert!(
        callers.iter().any(|c| c.starts_with("app/src/api/table.ts:")),
        "{f:#}"
    );
}

// Next.js inlines the `env` of its config (`env: { basePath }` in
// next.config.ts) as `process.env.basePath`: those keys are defined env
// vars (umami's `basePath` was "defined in no config file", confidence
// high). An `env` object anywhere else defines nothing.
#[test]
fn next_config_env_keys_define_env_vars() {
    let ws = tree(&[
        (
            "web/next.config.ts",
            "const basePath = process.env.BASE_PATH || '';\nexport default {\n  env: {\n    basePath,\n    'apiUrl': process.env.API,\n  },\n};\n",
        ),
        (
            "web/src/app.tsx",
            "export function App() {\n  return fetch(`${process.env.basePath}${process.env.apiUrl}${process.env.other}`);\n}\n",
        ),
        (
            "web/src/settings.ts",
            "export const settings = { env: { other: 1 } };\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - env: basePath\n      - env: apiUrl\n      - env: other\n",
    );
    for (var, line) in [("basePath", 4), ("apiUrl", 5)] {
        let f = finding(&v, &format!("env:{var}"));
        assert_eq!(f["config_wired"], true, "{f:#}");
        assert_eq!(
            f["config"][0]["defined_at"],
            serde_json::json!([format!("web/next.config.ts:{line}")]),
            "{f:#}"
        );
    }
    let f = finding(&v, "env:other");
    assert_eq!(f["config_wired"], false, "{f:#}");
    assert_eq!(codes(f), ["config-not-wired"], "{f:#}");
}

// A package.json script's environment prefix sets the var for its command
// (`cross-env NODE_ENV=production next build`, `PORT=3001 next dev`):
// documenso's NODE_ENV was config-not-wired with high confidence. A word
// after the command (`echo X=1`) defines nothing.
#[test]
fn package_json_scripts_define_their_env_prefix() {
    let ws = tree(&[
        (
            "web/package.json",
            "{\n  \"name\": \"web\",\n  \"scripts\": {\n    \"build\": \"cross-env NODE_ENV=production next build\",\n    \"dev\": \"rm -rf .next && PORT=3001 next dev\",\n    \"say\": \"echo LATER=1\",\n    \"test\": \"export PLAYWRIGHT=True && playwright test\"\n  }\n}\n",
        ),
        (
            "web/src/app.ts",
            "export const mode = process.env.NODE_ENV;\nexport const port = process.env.PORT;\nexport const later = process.env.LATER;\nexport const e2e = process.env.PLAYWRIGHT;\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - env: NODE_ENV\n      - env: PORT\n      - env: LATER\n      - env: PLAYWRIGHT\n",
    );
    // ai-chatbot's `"test": "export PLAYWRIGHT=True && pnpm exec playwright test"`.
    for (var, line) in [("NODE_ENV", 4), ("PORT", 5), ("PLAYWRIGHT", 7)] {
        let f = finding(&v, &format!("env:{var}"));
        assert_eq!(f["config_wired"], true, "{f:#}");
        assert_eq!(
            f["config"][0]["defined_at"],
            serde_json::json!([format!("web/package.json:{line}")]),
            "{f:#}"
        );
    }
    let f = finding(&v, "env:LATER");
    assert_eq!(f["config_wired"], false, "{f:#}");
}

// A catch-all at an app's root matches every path: alone it is no route of
// a planned path (feedbin's `match "*path", to: "errors#not_found"` was the
// "definition" of huginn's `POST /services`). The point is missing, with
// low confidence and the catch-all named; a glob under a static prefix is
// a route of its family all the same.
#[test]
fn a_root_catch_all_alone_is_no_route_of_a_planned_path() {
    let ws = tree(&[
        (
            "reader/config/routes.rb",
            "Rails.application.routes.draw do\n  get \"files/*rest\", to: \"files#show\"\n  match \"*path\", to: \"errors#not_found\", via: :all\nend\n",
        ),
        (
            "reader/app/controllers/errors_controller.rb",
            "class ErrorsController < ApplicationController\n  def not_found; end\nend\n",
        ),
        (
            "reader/app/controllers/files_controller.rb",
            "class FilesController < ApplicationController\n  def show; end\nend\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - route: POST /services\n      - route: GET /files/a/b\n      - route: GET /*path\n",
    );
    let f = finding(&v, "route:POST /services");
    assert_eq!(f["exists"], false, "{f:#}");
    assert!(definition_locations(f).is_empty(), "{f:#}");
    assert_eq!(f["confidence"], "low", "{f:#}");
    let notes = f["notes"].as_str().unwrap();
    assert!(
        notes.contains("Only a catch-all route matches POST /services")
            && notes.contains("reader/config/routes.rb:3"),
        "{f:#}"
    );
    let f = finding(&v, "route:GET /files/a/b");
    assert_eq!(definition_locations(f), ["reader/config/routes.rb:2"], "{f:#}");
    // A planned glob is served by the glob route.
    let f = finding(&v, "route:GET /*path");
    assert_eq!(definition_locations(f), ["reader/config/routes.rb:3"], "{f:#}");
}

// A bare call in a Ruby class unrelated to the owner is that class's own
// (`chapters` in `Entry`, a column of its table, is no call of
// `Embed#chapters`); `instance_variable_get("@#{x}")` reads a variable and
// calls nothing; a property of another object (`labels.resetWebsite`) is
// not a TypeScript module function.
#[test]
fn calls_that_cannot_reach_the_point() {
    let ws = tree(&[
        (
            "app/app/models/embed.rb",
            "class Embed < ApplicationRecord\n  def chapters\n    data[\"chapters\"]\n  end\n\n  def image_url\n    data[\"image\"]\n  end\nend\n",
        ),
        (
            "app/app/models/entry.rb",
            "class Entry < ApplicationRecord\n  def titles\n    chapters.map(&:title)\n  end\n\n  def embed\n    Embed.find_by(entry_id: id)\n  end\nend\n",
        ),
        (
            "app/app/models/podcast.rb",
            "class Podcast < ApplicationRecord\n  def titles\n    embed.chapters\n  end\nend\n",
        ),
        (
            "app/app/components/application_component.rb",
            "class ApplicationComponent\n  ITEMS = %i[image_url]\n  ITEMS.each do |item|\n    define_method \"#{item}?\" do\n      instance_variable_get(\"@#{item}\").present?\n    end\n  end\nend\n",
        ),
        (
            "web/src/queries/website.ts",
            "export async function resetWebsite(websiteId: string) {\n  return websiteId;\n}\n",
        ),
        (
            "web/src/components/WebsiteData.tsx",
            "import { labels } from './messages';\n\nexport function WebsiteData() {\n  return <Form label={labels.resetWebsite} />;\n}\n",
        ),
        (
            "web/src/app/api/reset/route.ts",
            "import { resetWebsite } from '../../../queries/website';\n\nexport async function POST() {\n  await resetWebsite('1');\n}\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - method: Embed#chapters\n      - method: Embed#image_url\n      - method: resetWebsite\n        repo: web\n",
    );
    let f = finding(&v, "method:Embed#chapters");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/app/models/podcast.rb:3"],
        "{f:#}"
    );
    let f = finding(&v, "method:Embed#image_url");
    assert!(strings(&f["dynamic_callers"]).is_empty(), "{f:#}");
    let f = finding(&v, "method:resetWebsite");
    assert!(
        !strings(&f["callers_found"])
            .iter()
            .any(|l| l.contains("WebsiteData")),
        "{f:#}"
    );
    assert!(
        strings(&f["callers_found"])
            .iter()
            .any(|l| l == "web/src/app/api/reset/route.ts:4"),
        "{f:#}"
    );
}

// An env var missing from config but read only with a fallback value
// (`ENV.fetch("X", d)`, `ENV["X"] || d`, `process.env.X ?? d`) is said to
// be so in the finding's notes; a read without one is not.
#[test]
fn env_reads_with_a_fallback_are_said() {
    let ws = tree(&[
        (
            "api/config/puma.rb",
            "port ENV.fetch(\"PORT\", 3000)\nhost = ENV[\"ASSET_HOST\"].presence || \"localhost\"\nkey = ENV[\"SECRET_KEY\"]\n",
        ),
        (
            "web/src/config.ts",
            "export const maxAge = process.env.CORS_MAX_AGE || '86400';\nexport const db = process.env['GEO_DB'] ?? '/tmp/geo';\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - env: PORT\n      - env: ASSET_HOST\n      - env: SECRET_KEY\n      - env: CORS_MAX_AGE\n      - env: GEO_DB\n",
    );
    for (id, said) in [
        ("env:PORT", true),
        ("env:ASSET_HOST", true),
        ("env:SECRET_KEY", false),
        ("env:CORS_MAX_AGE", true),
        ("env:GEO_DB", true),
    ] {
        let f = finding(&v, id);
        assert!(codes(f).contains(&"config-not-wired".to_string()), "{f:#}");
        assert_eq!(
            f["notes"].as_str().unwrap().contains("fallback value"),
            said,
            "{f:#}"
        );
    }
}

// A call made on a class (in a class body outside any method, or on a
// constant) runs the class method of the name when the owner has one, not
// the instance method; a receiver variable named after an unrelated class
// of the workspace (`entry.data`) holds that class.
#[test]
fn class_level_calls_and_receivers_named_after_other_classes() {
    let ws = tree(&[
        (
            "app/app/models/agent.rb",
            "class Agent < ApplicationRecord\n  def default_schedule\n    @schedule\n  end\n\n  class << self\n    def default_schedule(schedule = nil)\n      @default_schedule = schedule unless schedule.nil?\n      @default_schedule\n    end\n  end\nend\n",
        ),
        (
            "app/app/models/agents/email_agent.rb",
            "module Agents\n  class EmailAgent < Agent\n    default_schedule \"never\"\n\n    def check\n      default_schedule\n    end\n  end\nend\n",
        ),
        (
            "app/app/models/report.rb",
            "class Report\n  def schedule\n    Agents::EmailAgent.default_schedule\n  end\nend\n",
        ),
        (
            "app/app/models/entry.rb",
            "class Entry < ApplicationRecord\nend\n",
        ),
        (
            "app/app/models/instagram.rb",
            "class Instagram\n  def data\n    {}\n  end\nend\n",
        ),
        (
            "app/app/presenters/entry_presenter.rb",
            "class EntryPresenter\n  def video(entry, instagram)\n    entry.data[\"youtube_video_id\"]\n    instagram.data\n    Instagram.new\n  end\nend\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - method: Agent#default_schedule\n      - method: Instagram#data\n",
    );
    let f = finding(&v, "method:Agent#default_schedule");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/app/models/agents/email_agent.rb:6"],
        "{f:#}"
    );
    let f = finding(&v, "method:Instagram#data");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/app/presenters/entry_presenter.rb:4"],
        "{f:#}"
    );
}

// A job's `perform` is called where the job is enqueued (`perform_later`,
// `perform_async`); a method with no caller but calls of its name on
// receivers that resolve to nothing (`klass.request_access`, `klass` a
// constantized name) has confidence low, the calls named.
#[test]
fn enqueued_jobs_and_unresolved_receivers() {
    let ws = tree(&[
        (
            "app/app/jobs/reemit_job.rb",
            "class ReemitJob < ActiveJob::Base\n  def perform(agent_id)\n    agent_id\n  end\nend\n",
        ),
        (
            "app/app/jobs/save_page.rb",
            "class SavePage\n  include Sidekiq::Worker\n\n  def perform(url)\n    url\n  end\nend\n",
        ),
        (
            "app/app/controllers/agents_controller.rb",
            "class AgentsController < ApplicationController\n  def reemit\n    ReemitJob.perform_later(params[:id])\n    SavePage.perform_async(params[:url])\n  end\n\n  def share\n    klass = params[:service].constantize\n    klass.request_access(params[:token])\n  end\nend\n",
        ),
        (
            "app/app/models/share/raindrop.rb",
            "class Share::Raindrop\n  def request_access(token)\n    token\n  end\nend\n",
        ),
        (
            "app/test/models/share/raindrop_test.rb",
            "class RaindropTest < ActiveSupport::TestCase\n  test \"access\" do\n    Share::Raindrop.new.request_access(\"t\")\n  end\nend\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - method: ReemitJob#perform\n      - method: SavePage#perform\n      - method: Share::Raindrop#request_access\n",
    );
    let f = finding(&v, "method:ReemitJob#perform");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/app/controllers/agents_controller.rb:3"],
        "{f:#}"
    );
    assert!(codes(f).is_empty(), "{f:#}");
    let f = finding(&v, "method:SavePage#perform");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/app/controllers/agents_controller.rb:4"],
        "{f:#}"
    );
    let f = finding(&v, "method:Share::Raindrop#request_access");
    assert_eq!(codes(f), ["test-only-callers"], "{f:#}");
    assert_eq!(f["confidence"], "low", "{f:#}");
    assert!(
        f["notes"]
            .as_str()
            .unwrap()
            .contains("app/app/controllers/agents_controller.rb:9"),
        "{f:#}"
    );
}

// A module function of one repo is reached from another only through an
// import: a call of the name in another app's script that imports nothing
// of it is not a caller.
#[test]
fn module_functions_are_not_called_from_another_repo_without_an_import() {
    let ws = tree(&[
        (
            "stats/scripts/seed.ts",
            "export function progressBar(done: number) {\n  return done;\n}\n\nprogressBar(1);\n",
        ),
        (
            "reader/app/assets/javascripts/lib/turbolinks.js",
            "function start() {\n  this.progressBar();\n  progressBar();\n}\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - method: progressBar\n        repo: stats\n");
    let f = finding(&v, "method:progressBar");
    assert_eq!(strings(&f["callers_found"]), ["stats/scripts/seed.ts:5"], "{f:#}");
}

// A symbol that is a hash key (`row[:tag]`, `params.require(:tag)`) or an
// association given to a query (`Tagging.joins(:tag)`) names no method.
#[test]
fn hash_keys_and_query_associations_are_not_method_symbols() {
    let ws = tree(&[
        (
            "app/app/models/feed.rb",
            "class Feed < ApplicationRecord\n  def tag(name)\n    name\n  end\nend\n",
        ),
        (
            "app/app/models/import.rb",
            "class Import < ApplicationRecord\n  def tags(feeds)\n    feeds.filter_map { _1[:tag] }\n    Tagging.joins(:tag).where(feed_id: 1)\n    params.require(:tag)\n    Feed.first.tag(\"x\")\n  end\nend\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - method: Feed#tag\n");
    let f = finding(&v, "method:Feed#tag");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/app/models/import.rb:6"],
        "{f:#}"
    );
}

// A model's attributes built in a local hash before `record.update(attrs)`
// (feedbin's EntryUpdate: `update["original"] = {...}` then
// `@original_entry.update(update)`) write the column's keys; a hash of the
// same shape never given to a model writes nothing (issue 14: a high
// `json-key-read-never-written` for `Entry.original`).
#[test]
fn attribute_hashes_built_in_a_local_write_the_column() {
    let ws = tree(&[
        (
            "app/db/schema.rb",
            "ActiveRecord::Schema[7.1].define(version: 1) do\n  create_table \"entries\" do |t|\n    t.jsonb \"original\"\n  end\nend\n",
        ),
        (
            "app/app/models/entry.rb",
            "class Entry < ApplicationRecord\n  def original_content\n    original[\"content\"]\n  end\nend\n",
        ),
        (
            "app/app/jobs/entry_update.rb",
            "class EntryUpdate\n  def create(entry, data)\n    update = data.slice(\"title\")\n    if entry.original.nil?\n      update[\"original\"] = {\n        \"content\" => entry.content,\n        \"title\" => entry.title,\n      }\n    end\n    entry.update(update)\n  end\n\n  def preview(entry)\n    shown = {}\n    shown[\"original\"] = { \"summary\" => entry.summary }\n    shown\n  end\nend\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - jsonb: Entry.original\n");
    let f = finding(&v, "jsonb:Entry.original");
    let keys = key_table(f);
    assert_eq!(
        keys,
        [
            (
                "content".to_string(),
                vec!["app/app/models/entry.rb:3".to_string()],
                vec!["app/app/jobs/entry_update.rb:6".to_string()]
            ),
            (
                "title".to_string(),
                vec![],
                vec!["app/app/jobs/entry_update.rb:7".to_string()]
            ),
        ],
        "{f:#}"
    );
    let codes: Vec<&str> = f["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert!(!codes.contains(&"json-key-read-never-written"), "{f:#}");
}

/// (key, read_at, written_at) of a jsonb finding's `keys`.
fn key_table(f: &Value) -> Vec<(String, Vec<String>, Vec<String>)> {
    f["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["key"].as_str().unwrap().to_string(),
                strings(&k["read_at"]),
                strings(&k["written_at"]),
            )
        })
        .collect()
}

// TypeScript has no implicit `self`: a bare `parameters.type` is a local or
// a parameter that merely shares the column's name (umami's report
// components, in files that spell `Share` only inside `isSharePage`), not
// `Share.parameters`; one destructured from a share (`const { parameters }
// = share`) holds the column. An object literal `{ parameters: {...} }` is
// the column's only when given to a call that names the model
// (`prisma.share.update`), not a request body or a form's defaults
// (issue 14's last sample).
#[test]
fn typescript_locals_named_like_a_column_are_not_the_column() {
    let ws = tree(&[
        (
            "app/prisma/schema.prisma",
            "model Share {\n  id         String @id\n  parameters Json\n}\n",
        ),
        (
            "app/src/share.ts",
            "export function shareKind(share: Share) {\n  const { parameters } = share;\n  return parameters.kind;\n}\nexport const save = (share: Share) => prisma.share.update({ data: { parameters: { kind: 'a' } } });\n",
        ),
        (
            "app/src/goal.tsx",
            "const isSharePage = true;\nexport function Goal({ parameters }: any) {\n  return parameters?.type === 'path' && isSharePage;\n}\nexport const run = () => post('/shares/run', { parameters: { extra: 1 } });\nexport const defaults = { parameters: { draft: true } };\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - jsonb: Share.parameters\n");
    let f = finding(&v, "jsonb:Share.parameters");
    assert_eq!(
        key_table(f),
        [(
            "kind".to_string(),
            vec!["app/src/share.ts:3".to_string()],
            vec!["app/src/share.ts:5".to_string()]
        )],
        "{f:#}"
    );
    assert!(f["notes"].as_str().unwrap().contains("app/src/goal.tsx"), "{f:#}");
}

// A symbol in a class body names a method of that class: `skip_before_action
// :authorize` in `UsersController` is not a caller of
// `Admin::UsersController#authorize` (an unrelated class of feedbin), while
// `before_action :authorize` in `Admin::UsersController` is (issue 14's
// last sample).
#[test]
fn class_body_symbols_keep_to_their_class() {
    let ws = tree(&[
        (
            "app/app/controllers/application_controller.rb",
            "class ApplicationController < ActionController::Base\nend\n",
        ),
        (
            "app/app/controllers/users_controller.rb",
            "class UsersController < ApplicationController\n  skip_before_action :authorize, only: [:new]\n\n  def new\n  end\nend\n",
        ),
        (
            "app/app/controllers/admin/users_controller.rb",
            "class Admin::UsersController < ApplicationController\n  before_action :authorize\n\n  def index\n  end\n\n  private\n\n  def authorize\n    head :forbidden\n  end\nend\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - method: Admin::UsersController#authorize\n");
    let f = finding(&v, "method:Admin::UsersController#authorize");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/app/controllers/admin/users_controller.rb:2"],
        "{f:#}"
    );
}

// A function's parameter shadows a module function of the same name: in
// `GET(request: Request)`, `parseRequest(request)` and `request.url` use the
// parameter, not `request` of lib/fetch.ts (umami's route handlers: 158
// false references, issue 14); so does a function's local (`const request
// = new Request(url)`); a call through the import still counts.
#[test]
fn parameters_shadow_module_functions() {
    let ws = tree(&[
        (
            "web/src/lib/fetch.ts",
            "export async function request(url: string) {\n  return fetch(url);\n}\n",
        ),
        (
            "web/src/app/api/route.ts",
            "import { parseRequest } from '../../lib/parse';\nexport async function GET(request: Request) {\n  const url = new URL(request.url);\n  return parseRequest(request, url);\n}\nexport const POST = async (request: Request) => parseRequest(request);\n",
        ),
        (
            "web/src/lib/parse.ts",
            "export function parseRequest(r: Request, u?: URL) {\n  return r;\n}\nexport function rebuild(url: string) {\n  const request = new Request(url);\n  return request.url;\n}\n",
        ),
        (
            "web/src/client.ts",
            "import { request } from './lib/fetch';\nexport const load = () => request('/api');\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - method: request\n");
    let f = finding(&v, "method:request");
    assert_eq!(strings(&f["callers_found"]), ["web/src/client.ts:2"], "{f:#}");
}

// A view component's template renders in the class of the `.rb` beside it:
// `form_id` in `orders/email/component.html.erb` is that component's own
// `form_id`, not `Categories::New::Component#form_id` (solidus admin: 30
// false callers of one component's `form_id`, issue 14); the owner's own
// template, and one of a subclass, still call it.
#[test]
fn view_component_templates_call_their_own_component() {
    let ws = tree(&[
        (
            "shop/app/components/base_component.rb",
            "class BaseComponent < ViewComponent::Base\nend\n",
        ),
        (
            "shop/app/components/categories/new/component.rb",
            "class Categories::New::Component < BaseComponent\n  def form_id\n    \"category-form\"\n  end\nend\n",
        ),
        (
            "shop/app/components/categories/new/component.html.erb",
            "<form id=\"<%= form_id %>\"></form>\n",
        ),
        (
            "shop/app/components/categories/edit/component.rb",
            "class Categories::Edit::Component < Categories::New::Component\nend\n",
        ),
        (
            "shop/app/components/categories/edit/component.html.erb",
            "<form id=\"<%= form_id %>\"></form>\n",
        ),
        (
            "shop/app/components/orders/email/component.rb",
            "class Orders::Email::Component < BaseComponent\n  def form_id\n    \"email-form\"\n  end\nend\n",
        ),
        (
            "shop/app/components/orders/email/component.html.erb",
            "<form id=\"<%= form_id %>\"></form>\n<%= render Button.new(form: form_id) %>\n",
        ),
        (
            "shop/app/components/orders/note_component.rb",
            "class Orders::NoteComponent < BaseComponent\nend\n",
        ),
        (
            "shop/app/components/orders/note_component.html.erb",
            "<p><%= form_id %></p>\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - method: Categories::New::Component#form_id\n");
    let f = finding(&v, "method:Categories::New::Component#form_id");
    assert_eq!(
        strings(&f["callers_found"]),
        [
            "shop/app/components/categories/edit/component.html.erb:1",
            "shop/app/components/categories/new/component.html.erb:1"
        ],
        "{f:#}"
    );
}

// A variable named after another model with a column of the same name
// holds that model: in a file that spells `Recipient`, `envelope.authOptions
// ?.globalAccessAuth` is `Envelope.authOptions` (documenso: a high
// json-key-read-never-written on `Recipient.authOptions`, issue 14), and
// so does one whose last words name it (`createdDirectEnvelope`), while
// `recipient.authOptions?.accessAuth` is the planned column.
#[test]
fn receivers_named_after_another_model_with_the_column() {
    let ws = tree(&[
        (
            "app/prisma/schema.prisma",
            "model Envelope {\n  id          String @id\n  authOptions Json\n}\n\nmodel Recipient {\n  id          String @id\n  authOptions Json\n}\n",
        ),
        (
            "app/src/copy.ts",
            "export function copy(envelope: Envelope, recipient: Recipient) {\n  return {\n    global: envelope.authOptions?.globalAccessAuth,\n    access: recipient.authOptions?.accessAuth,\n  };\n}\nexport const direct = (createdDirectEnvelope: Envelope) => createdDirectEnvelope.authOptions?.globalActionAuth;\nexport const add = () => prisma.recipient.create({ data: { authOptions: { accessAuth: [] } } });\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - jsonb: Recipient.authOptions\n");
    let f = finding(&v, "jsonb:Recipient.authOptions");
    assert_eq!(
        key_table(f),
        [(
            "accessAuth".to_string(),
            vec!["app/src/copy.ts:4".to_string()],
            vec!["app/src/copy.ts:8".to_string()]
        )],
        "{f:#}"
    );
    assert!(codes(f).is_empty(), "{f:#}");
}

// A path without a host goes to the server that served the page: in a repo
// that serves a route of that path itself (`/api/0.6/:id`),
// `fetch(`/api/${v}/${id}`)` is that route, not another repo's
// `GET /api/users/:id`; and a format
// extension on the last segment (`map.json`) names the route Rails serves
// with `(.:format)` (`/api/0.6/map`), which is closer than a placeholder
// (openstreetmap's map and notes layers were callers of solidus's
// `GET /api/users/:id`, issue 14).
#[test]
fn same_origin_paths_and_format_extensions_keep_to_their_route() {
    let ws = tree(&[
        (
            "shop/config/routes.rb",
            "Rails.application.routes.draw do\n  namespace :api do\n    resources :users, only: [:show]\n  end\nend\n",
        ),
        (
            "shop/app/controllers/api/users_controller.rb",
            "class Api::UsersController < ApplicationController\n  def show\n  end\nend\n",
        ),
        (
            "maps/config/routes.rb",
            "Rails.application.routes.draw do\n  scope \"api/0.6\" do\n    get \"map\" => \"maps#show\"\n  end\n  get \"api/0.6/:id\" => \"things#show\"\nend\n",
        ),
        (
            "maps/app/assets/javascripts/layers.js",
            "function load(v, id) {\n  fetch(`/api/${v}/${id}`);\n}\n",
        ),
        (
            "web/src/data.js",
            "export function load(v, id) {\n  fetch(`/api/${v}/map.json?bbox=1`);\n  return fetch('/api/users/' + id);\n}\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - route: GET /api/users/:id\n");
    let f = finding(&v, "route:GET /api/users/:id");
    assert_eq!(strings(&f["callers_found"]), ["web/src/data.js:3"], "{f:#}");
}

// Routes drawn on an engine that isolates a namespace lead to controllers
// in that namespace (Rails' `default_scope`): `namespace :api { resources
// :users }` drawn on `Shop::Core::Engine` (with `isolate_namespace Shop`) is
// `Shop::Api::UsersController` (solidus: a high missing-layer "no
// Api::UsersController" on `GET /api/users/:id`, issue 14); routes drawn on
// the application are not scoped.
#[test]
fn engine_routes_lead_to_the_isolated_namespace() {
    let ws = tree(&[
        (
            "shop/core/lib/shop/core/engine.rb",
            "module Shop\n  module Core\n    class Engine < ::Rails::Engine\n      isolate_namespace Shop\n    end\n  end\nend\n",
        ),
        (
            "shop/api/config/routes.rb",
            "Shop::Core::Engine.routes.draw do\n  namespace :api do\n    resources :users, only: [:show]\n  end\nend\n",
        ),
        (
            "shop/api/app/controllers/shop/api/users_controller.rb",
            "class Shop::Api::UsersController < ActionController::Base\n  def show\n    render json: {}\n  end\nend\n",
        ),
        (
            "blog/config/routes.rb",
            "Rails.application.routes.draw do\n  resources :posts, only: [:show]\nend\n",
        ),
        (
            "blog/app/controllers/posts_controller.rb",
            "class PostsController < ActionController::Base\n  def show\n    render json: {}\n  end\nend\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - route: GET /api/users/:id\n      - action: shop/api/users#show\n        repo: shop\n      - route: GET /posts/:id\n",
    );
    for id in [
        "route:GET /api/users/:id",
        "action:shop/api/users#show",
        "route:GET /posts/:id",
    ] {
        let f = finding(&v, id);
        assert!(!codes(f).contains(&"missing-layer".to_string()), "{f:#}");
    }
}

// A key problem whose accesses are all on receivers that only the file ties
// to the model (`body.authOptions?.globalAccessAuth` in a file that spells
// `Recipient`: a request body) is name-only evidence: medium at most, with
// low confidence and a note (documenso: a high json-key-read-never-written,
// issue 14). A read on a receiver named after the model keeps its risk.
#[test]
fn key_problems_on_unresolved_receivers_are_not_high() {
    let files = |reader: &'static str| {
        tree(&[
            (
                "app/prisma/schema.prisma",
                "model Recipient {\n  id          String @id\n  authOptions Json\n}\n",
            ),
            (
                "app/src/create.ts",
                "export const add = () => prisma.recipient.create({ data: { authOptions: { accessAuth: [] } } });\nexport const access = (recipient: Recipient) => recipient.authOptions?.accessAuth;\n",
            ),
            ("app/src/api.ts", reader),
        ])
    };
    let ws = files(
        "export function create(input: TCreateRecipient) {\n  const r: Recipient | null = null;\n  return input.authOptions?.globalAccessAuth;\n}\n",
    );
    let v = audit_points(ws.path(), "      - jsonb: Recipient.authOptions\n");
    let f = finding(&v, "jsonb:Recipient.authOptions");
    assert_eq!(codes(f), ["json-key-read-never-written"], "{f:#}");
    assert_eq!(f["problems"][0]["risk"], "medium", "{f:#}");
    assert_eq!(f["confidence"], "low", "{f:#}");
    assert!(f["notes"].as_str().unwrap().contains("not resolved"), "{f:#}");
    let ws = files(
        "export function create(recipient: Recipient) {\n  return recipient.authOptions?.globalAccessAuth;\n}\n",
    );
    let v = audit_points(ws.path(), "      - jsonb: Recipient.authOptions\n");
    let f = finding(&v, "jsonb:Recipient.authOptions");
    assert_eq!(codes(f), ["json-key-read-never-written"], "{f:#}");
    assert_eq!(f["problems"][0]["risk"], "high", "{f:#}");
    assert_eq!(f["confidence"], "high", "{f:#}");
}

// CanCanCan's `authorize! :show, @user` checks an ability, not a policy: an
// app that authorizes that way has no policy layer to miss (solidus: a
// missing-layer "no Spree::Api::UserPolicy or UserPolicy", issue 14), while
// Pundit's `authorize @user` still asks for `UserPolicy`.
#[test]
fn cancan_abilities_are_not_pundit_policies() {
    let ws = |call: &str| {
        tree(&[
            (
                "shop/config/routes.rb",
                "Rails.application.routes.draw do\n  resources :users, only: [:show]\nend\n",
            ),
            (
                "shop/app/controllers/users_controller.rb",
                &format!(
                    "class UsersController < ActionController::Base\n  def show\n    @user = User.find(params[:id])\n    {call}\n  end\nend\n"
                ),
            ),
        ])
    };
    let points = "      - action: users#show\n        repo: shop\n";
    for call in ["authorize! :show, @user", "authorize! action_name.to_sym, @user"] {
        let cancan = ws(call);
        let v = audit_points(cancan.path(), points);
        let f = finding(&v, "action:users#show");
        assert!(!codes(f).contains(&"missing-layer".to_string()), "{call}: {f:#}");
    }
    let pundit = ws("authorize @user");
    let v = audit_points(pundit.path(), points);
    let f = finding(&v, "action:users#show");
    assert!(codes(f).contains(&"missing-layer".to_string()), "{f:#}");
}

// The symbols of a URL builder's array are route parts (an action, a
// namespace), not methods: `polymorphic_url([:edit, :admin, object])` in an
// admin base controller is no caller of `UsersController#edit` (solidus,
// issue 14), nor is `link_to "Edit", [:edit, user]`; `send(:edit)` is.
#[test]
fn url_builder_arrays_are_not_method_symbols() {
    let ws = tree(&[
        (
            "app/app/controllers/users_controller.rb",
            "class UsersController < ApplicationController\n  def edit\n  end\nend\n",
        ),
        (
            "app/app/controllers/admin/resource_controller.rb",
            "class Admin::ResourceController < ApplicationController\n  def edit_url(object)\n    routes_proxy.polymorphic_url([:edit, :admin, object], {})\n  end\nend\n",
        ),
        (
            "app/app/views/users/show.html.erb",
            "<%= link_to \"Edit\", [:edit, @user] %>\n",
        ),
        (
            "app/app/controllers/users/copies_controller.rb",
            "class Users::CopiesController < UsersController\n  def create\n    send(:edit)\n    redirect_to polymorphic_url([:edit, :admin, @user])\n  end\n\n  def show\n    link_to \"Edit\", [:edit, @user]\n  end\nend\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - method: UsersController#edit\n");
    let f = finding(&v, "method:UsersController#edit");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/app/controllers/users/copies_controller.rb:3"],
        "{f:#}"
    );
}

// A plan's owner reaches its point through the declared classes it names
// that are (or inherit) a class defining the method: for `UsersController
// #edit` defined in the top-level `UsersController`, `Admin::UsersController`
// (which inherits `edit` from `Admin::ResourceController`) is another class,
// so a call in `Admin::ResourceController` is not a dispatch to the point
// (solidus's admin ResourceController for the storefront's
// `UsersController#edit`, issue 14).
#[test]
fn owners_named_by_suffix_reach_the_point_only_through_its_definition() {
    let ws = tree(&[
        (
            "app/app/controllers/users_controller.rb",
            "class UsersController < ApplicationController\n  def edit\n  end\nend\n",
        ),
        (
            "app/app/controllers/admin/resource_controller.rb",
            "class Admin::ResourceController < ApplicationController\n  def edit\n  end\n\n  def again\n    send(:edit)\n  end\nend\n",
        ),
        (
            "app/app/controllers/admin/users_controller.rb",
            "class Admin::UsersController < Admin::ResourceController\nend\n",
        ),
        (
            "app/app/controllers/users/copies_controller.rb",
            "class Users::CopiesController < UsersController\n  def create\n    edit\n  end\nend\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - method: UsersController#edit\n");
    let f = finding(&v, "method:UsersController#edit");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/app/controllers/users/copies_controller.rb:3"],
        "{f:#}"
    );
}

// A longer path around a call is another class than a declared shorter
// owner: a bare `edit` in `Admin::UsersController` (which does not inherit
// the top-level `UsersController`) is not a call of `UsersController#edit`,
// while one in a subclass is (solidus's `SolidusAdmin::UsersController` and
// `Spree::Api::UsersController` for the storefront's `UsersController`,
// issue 14).
#[test]
fn a_longer_path_around_a_call_is_another_class() {
    let ws = tree(&[
        (
            "app/app/controllers/users_controller.rb",
            "class UsersController < ApplicationController\n  def edit\n  end\nend\n",
        ),
        (
            "app/app/controllers/admin/users_controller.rb",
            "class Admin::UsersController < ApplicationController\n  def update\n    edit\n  end\nend\n",
        ),
        (
            "app/app/controllers/users/copies_controller.rb",
            "class Users::CopiesController < UsersController\n  def create\n    edit\n  end\nend\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - method: UsersController#edit\n");
    let f = finding(&v, "method:UsersController#edit");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/app/controllers/users/copies_controller.rb:3"],
        "{f:#}"
    );
}

// Ruby's `x.new(...)` is `Class#new` (it runs `initialize`), never an
// instance method named `new`: `user_class.new(params)` and
// `component("a").new(user:)` in a `UsersController` are no callers of the
// `new` action (solidus, issue 14); a bare `new` in a subclass is.
#[test]
fn ruby_dot_new_is_no_call_of_an_action_named_new() {
    let ws = tree(&[
        (
            "app/app/controllers/users_controller.rb",
            "class UsersController < ApplicationController\n  def new\n  end\n\n  def create\n    @user = user_class.new(params)\n    render component(\"users/form\").new(user: @user)\n    @copy = UsersController.new\n  end\nend\n",
        ),
        (
            "app/app/controllers/users/copies_controller.rb",
            "class Users::CopiesController < UsersController\n  def create\n    new\n  end\nend\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - method: UsersController#new\n");
    let f = finding(&v, "method:UsersController#new");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/app/controllers/users/copies_controller.rb:3"],
        "{f:#}"
    );
}

// A hash-rocket key (`Trace.new(:tagstring => params[:tagstring])`) names a
// key or an attribute, as a `tagstring:` label does, not a method: no
// caller of `Trace#tagstring` (openstreetmap's traces controller, issue 14);
// a symbol value (`:if => :tagstring`) still names one.
#[test]
fn hash_rocket_keys_are_not_method_symbols() {
    let ws = tree(&[
        (
            "app/app/models/trace.rb",
            "class Trace < ApplicationRecord\n  validates :name, :presence => true, :if => :tagstring\n\n  def tagstring\n    tags.join(\", \")\n  end\nend\n",
        ),
        (
            "app/app/controllers/traces_controller.rb",
            "class TracesController < ApplicationController\n  def create\n    @trace = Trace.new(:name => \"x\",\n                       :tagstring => params[:trace][:tagstring])\n  end\nend\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - method: Trace#tagstring\n");
    let f = finding(&v, "method:Trace#tagstring");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/app/models/trace.rb:2"],
        "{f:#}"
    );
}

// `process.env.X = value` sets the var for the process: it is no read of
// `X` (documenso's prisma helper copies DATABASE_URL into
// NEXT_PRIVATE_DIRECT_DATABASE_URL).
#[test]
fn env_assignments_are_not_reads() {
    let ws = tree(&[
        ("app/package.json", "{ \"name\": \"app\" }"),
        (
            "app/src/helper.ts",
            "export const setup = () => {\n  process.env.DIRECT_DATABASE_URL = process.env.DATABASE_URL;\n  return process.env.DIRECT_DATABASE_URL;\n};\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - env: DIRECT_DATABASE_URL\n");
    let f = finding(&v, "env:DIRECT_DATABASE_URL");
    assert_eq!(strings(&f["callers_found"]), ["app/src/helper.ts:3"], "{f:#}");
}

// An env function (`export const env = (name) => process.env[name]`, the way
// documenso reads every var) reads the var its callers name: `env('X')` in
// another module that imports it is a read of `X`, so `X` defined in
// `.env.example` is not `config-never-read` (issue 14); a function that
// reads a fixed var does not make its string arguments env reads.
#[test]
fn env_functions_read_the_var_they_are_given() {
    let ws = tree(&[
        ("app/.env.example", "NEXT_PUBLIC_BILLING=true\nUNUSED_VAR=1\n"),
        (
            "app/packages/lib/env.ts",
            "export const env = (variable: string) => {\n  return typeof process !== 'undefined' ? process?.env?.[variable] : undefined;\n};\nexport const base = (p: string) => process.env.BASE_URL + p;\nexport const requireEnv = (variable: string) => {\n  const value = env(variable);\n  if (!value) throw new Error(variable);\n  return value;\n};\n",
        ),
        (
            "app/packages/lib/app.ts",
            "import { env, base, requireEnv } from './env';\nexport const IS_BILLING = () => env('NEXT_PUBLIC_BILLING') === 'true';\nexport const page = () => base('UNUSED_VAR');\nexport const id = () => requireEnv('CSC_CLIENT_ID');\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - env: NEXT_PUBLIC_BILLING\n      - env: UNUSED_VAR\n      - env: CSC_CLIENT_ID\n",
    );
    // A function that calls an env function with its own argument
    // (`requireEnv`, documenso) reads the var its callers name too.
    let f = finding(&v, "env:CSC_CLIENT_ID");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/packages/lib/app.ts:4"],
        "{f:#}"
    );
    let f = finding(&v, "env:NEXT_PUBLIC_BILLING");
    assert!(codes(f).is_empty(), "{f:#}");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/packages/lib/app.ts:2"],
        "{f:#}"
    );
    let f = finding(&v, "env:UNUSED_VAR");
    assert_eq!(codes(f), ["config-never-read"], "{f:#}");
}

// A file spells the owner only where its name is a word of its own:
// `HTMLCanvasElement` and `loadImageOntoCanvas` do not spell `Canvas`, so
// `$el.current.getContext('2d')` there (the DOM's canvas) is no caller of
// `Canvas#getContext` (documenso's signature pad, issue 14); a receiver in
// a file that imports `Canvas` still is.
#[test]
fn owners_are_spelled_by_whole_words() {
    let ws = tree(&[
        (
            "app/src/canvas.ts",
            "export class Canvas {\n  public getContext() {\n    return null;\n  }\n}\n",
        ),
        (
            "app/src/draw.tsx",
            "import { useRef } from 'react';\nconst loadImageOntoCanvas = (img: any) => img;\nexport function Draw() {\n  const $el = useRef<HTMLCanvasElement>(null);\n  const ctx = $el.current.getContext('2d');\n  return loadImageOntoCanvas(ctx);\n}\n",
        ),
        (
            "app/src/pad.ts",
            "import { Canvas } from './canvas';\nexport function pad(pad: Canvas, other: any) {\n  return other.getContext();\n}\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - method: Canvas#getContext\n");
    let f = finding(&v, "method:Canvas#getContext");
    assert_eq!(strings(&f["callers_found"]), ["app/src/pad.ts:3"], "{f:#}");
}

// Inside a method body a symbol names a method only where it is given to a
// dispatch or reflection call (`send(:destroy)`, `respond_to?`), passed as
// a block (`&:destroy`) or as a condition (`if: :x`): `invoke_callbacks(
// :destroy, :fails)` is data, no caller of `ResourceController#destroy`
// (solidus's admin users controller, issue 14).
#[test]
fn symbols_in_method_bodies_name_methods_only_where_dispatched() {
    let ws = tree(&[
        (
            "app/app/controllers/resource_controller.rb",
            "class ResourceController < ApplicationController\n  def destroy\n  end\nend\n",
        ),
        (
            "app/app/controllers/users_controller.rb",
            "class UsersController < ResourceController\n  def purge\n    invoke_callbacks(:destroy, :fails)\n    send(:destroy)\n  end\nend\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - method: ResourceController#destroy\n");
    let f = finding(&v, "method:ResourceController#destroy");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/app/controllers/users_controller.rb:4"],
        "{f:#}"
    );
}

// `Way.find(id).tags` is a call on a `Way` (as `Way.new.tags` is), no
// caller of `Changeset#tags`; and a Builder or Jbuilder template's
// `xml.tags` / `json.tags` writes an element or a key, no method call
// (openstreetmap's API views and tests, issue 14).
#[test]
fn finder_receivers_and_builder_elements() {
    let ws = tree(&[
        (
            "app/app/models/changeset.rb",
            "class Changeset < ApplicationRecord\n  def tags\n    {}\n  end\nend\n",
        ),
        (
            "app/app/models/way.rb",
            "class Way < ApplicationRecord\n  def tags\n    {}\n  end\nend\n",
        ),
        (
            "app/app/views/api/changesets/_changeset.xml.builder",
            "xml.changeset do\n  xml.tags do\n    xml.count changeset.tags.size\n  end\nend\n",
        ),
        (
            "app/app/views/api/changesets/_changeset.json.jbuilder",
            "json.tags do\n  json.size changeset.tags.size\nend\n",
        ),
        (
            "app/test/integration/changeset_upload_test.rb",
            "class ChangesetUploadTest < ActionDispatch::IntegrationTest\n  def test_upload\n    assert_equal 0, Way.find(1).tags.size\n    assert_equal 0, Changeset.find(1).tags.size\n  end\nend\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - method: Changeset#tags\n");
    let f = finding(&v, "method:Changeset#tags");
    assert_eq!(
        strings(&f["callers_found"]),
        [
            "app/app/views/api/changesets/_changeset.json.jbuilder:2",
            "app/app/views/api/changesets/_changeset.xml.builder:3"
        ],
        "{f:#}"
    );
    assert_eq!(
        strings(&f["test_callers"]),
        ["app/test/integration/changeset_upload_test.rb:4"],
        "{f:#}"
    );
}

// A dynamic call on a variable keeps its receiver (`variant.send(attr)`):
// named after a class of the workspace unrelated to the owner, it cannot
// reach `UserCreator#create` (solidus's stock items view, issue 14);
// `resource.public_send(attr)` names no class and may.
#[test]
fn dynamic_calls_on_variables_named_after_other_classes() {
    let ws = tree(&[
        (
            "app/app/models/variant.rb",
            "class Variant < ApplicationRecord\nend\n",
        ),
        (
            "app/app/services/user_creator.rb",
            "class UserCreator\n  # create\n  def create\n  end\nend\n",
        ),
        (
            "app/app/views/stock/_row.html.erb",
            "<%# create %>\n<%= variant.send(attr[:name]) %>\n<%= resource.public_send(attr) %>\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - method: UserCreator#create\n");
    let f = finding(&v, "method:UserCreator#create");
    assert_eq!(
        strings(&f["dynamic_callers"]),
        ["app/app/views/stock/_row.html.erb:3"],
        "{f:#}"
    );
}

// A SCREAMING_SNAKE constant holds a value: `SIGNUP_LIMITER.allow?(ip)`
// after `SIGNUP_LIMITER = RateLimiter.new(...)` may call `RateLimiter#allow?`,
// so `no-callers` there has confidence low and names the call
// (openstreetmap: a high no-callers, issue 14); and a class held in a
// setting named after the owner (`Config.order_cancellations_class
// .new(self)`) runs `OrderCancellations#initialize`, tied by name only
// (solidus: a high test-only-callers).
#[test]
fn value_constants_and_class_settings_reach_the_point_by_name() {
    let ws = tree(&[
        (
            "app/lib/rate_limiter.rb",
            "class RateLimiter\n  def allow?(key)\n    true\n  end\nend\n",
        ),
        (
            "app/config/initializers/rate_limits.rb",
            "SIGNUP_LIMITER = RateLimiter.new(10)\n",
        ),
        (
            "app/app/controllers/users_controller.rb",
            "class UsersController < ApplicationController\n  def create\n    head :forbidden unless SIGNUP_LIMITER.allow?(request.remote_ip)\n  end\nend\n",
        ),
        (
            "app/app/models/order_cancellations.rb",
            "class OrderCancellations\n  def initialize(order)\n    @order = order\n  end\nend\n",
        ),
        (
            "app/app/models/order.rb",
            "class Order < ApplicationRecord\n  def cancellations\n    @cancellations ||= Config.order_cancellations_class.new(self)\n  end\nend\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - method: RateLimiter#allow?\n      - method: OrderCancellations#initialize\n",
    );
    let f = finding(&v, "method:RateLimiter#allow?");
    assert_eq!(f["confidence"], "low", "{f:#}");
    assert!(
        f["notes"]
            .as_str()
            .unwrap()
            .contains("app/app/controllers/users_controller.rb:3"),
        "{f:#}"
    );
    let f = finding(&v, "method:OrderCancellations#initialize");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/app/models/order.rb:3"],
        "{f:#}"
    );
    assert_eq!(f["confidence"], "low", "{f:#}");
}

// A request body is what a client sent, not a record of the model:
// `body.authOptions?.globalActionAuth` and `const { authOptions } =
// args.body` in a file that spells `Recipient` are not keys of
// `Recipient.authOptions` (documenso's API v1, issue 14).
#[test]
fn request_bodies_are_not_the_column() {
    let ws = tree(&[
        (
            "app/prisma/schema.prisma",
            "model Recipient {\n  id          String @id\n  authOptions Json\n}\n",
        ),
        (
            "app/src/api.ts",
            "export const create = (body: any, args: any, recipient: Recipient) => {\n  const a = body.authOptions?.globalActionAuth;\n  const { authOptions } = args.body;\n  const b = authOptions?.signingAuth;\n  return recipient.authOptions?.actionAuth;\n};\nexport const add = () => prisma.recipient.create({ data: { authOptions: { actionAuth: [] } } });\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - jsonb: Recipient.authOptions\n");
    let f = finding(&v, "jsonb:Recipient.authOptions");
    assert_eq!(
        key_table(f),
        [(
            "actionAuth".to_string(),
            vec!["app/src/api.ts:5".to_string()],
            vec!["app/src/api.ts:7".to_string()]
        )],
        "{f:#}"
    );
}

// A route with a placeholder where the planned path has a literal
// (`/docs/:lang` for `GET /docs/intro`) is requested only by clients of the
// planned path; a route of placeholders only (`get '/:lang'`) is a
// catch-all: chaskiq's made `@conn.get "/databases"` (DigitalOcean's API)
// a caller of `GET /organizations`, with a `response-key-read-never-sent`
// of high confidence. And only a format's extension stands for Rails'
// `(.:format)`: outline's `client.post("/users.delete")` was a caller of
// postal's `POST /users`.
#[test]
fn clients_request_the_planned_path_and_real_formats() {
    let ws = tree(&[
        (
            "web/config/routes.rb",
            "Rails.application.routes.draw do\n  resources :users, only: [:create]\n  get '/:lang' => 'articles#show'\n  get '/docs/:lang' => 'articles#show'\nend\n",
        ),
        (
            "web/app/controllers/articles_controller.rb",
            "class ArticlesController < ApplicationController\n  def show\n    render json: { lang: params[:lang] }\n  end\nend\n",
        ),
        (
            "web/app/controllers/users_controller.rb",
            "class UsersController < ApplicationController\n  def create\n    head :ok\n  end\nend\n",
        ),
        (
            "web/app/services/cloud_api.rb",
            "class CloudApi\n  def databases\n    response = @conn.get \"/docs/databases\"\n    JSON.parse(response.body)[\"databases\"]\n  end\nend\n",
        ),
        (
            "front/src/api.ts",
            "export async function load(client: any) {\n  await fetch(\"/docs/intro\");\n  await client.post(\"/users.delete\");\n  await client.post(\"/users.json\");\n  await fetch(\"/organizations\");\n}\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - route: GET /docs/intro\n      - route: POST /users\n      - route: GET /organizations\n",
    );
    let f = finding(&v, "route:GET /docs/intro");
    assert_eq!(definition_locations(f), ["web/config/routes.rb:4"], "{f:#}");
    assert_eq!(strings(&f["callers_found"]), ["front/src/api.ts:2"], "{f:#}");
    assert!(
        !codes(f).contains(&"response-key-read-never-sent".to_string()),
        "{f:#}"
    );
    let f = finding(&v, "route:POST /users");
    assert_eq!(strings(&f["callers_found"]), ["front/src/api.ts:4"], "{f:#}");
    let f = finding(&v, "route:GET /organizations");
    assert_eq!(f["exists"], false, "{f:#}");
    assert_eq!(f["confidence"], "low", "{f:#}");
    assert!(
        f["notes"]
            .as_str()
            .unwrap()
            .contains("nly a catch-all route matches GET /organizations"),
        "{f:#}"
    );
}

// A dynamic site reaches the point's owner only when its receiver may hold
// one: `Dashboard.new(app: a).send(kind)` is a `Dashboard`'s (chaskiq's
// was a possible caller of `Agents::SessionsController#create`; here a
// service's `create`, since no object holds a controller); in
// TypeScript, `this.marks[name]()` calls a property of what a field named
// after another class holds (outline's markdown serializer was a possible
// caller of an email's `render`), `tunnelAgent[method]()` a property of a
// package's module, and `services[name]()` one of an object literal, here
// or in the module it is imported from (outline's `main.ts`).
#[test]
fn dynamic_sites_on_another_class_do_not_reach_the_owner() {
    let ws = tree(&[
        (
            "app/app/services/session_starter.rb",
            "class SessionStarter\n  def create\n    :ok\n  end\nend\n",
        ),
        (
            "app/app/graphql/app_type.rb",
            "class AppType\n  def stats(kind, mode)\n    Dashboard.new(app: object, range: 1).send(kind)\n    object.send(mode)\n    Session.create\n  end\nend\n",
        ),
        (
            "app/app/models/dashboard.rb",
            "class Dashboard\n  def initialize(app:, range:)\n    @app = app\n  end\nend\n",
        ),
        (
            "web/src/mark.ts",
            "export class Mark {\n  toMarkdown() {\n    return \"\";\n  }\n}\n",
        ),
        (
            "web/src/strike.ts",
            "import { Mark } from \"./mark\";\nexport class Strike extends Mark {\n  toMarkdown() {\n    return \"~~\";\n  }\n}\n",
        ),
        (
            "web/src/mention_email.ts",
            "export class MentionEmail {\n  render() {\n    return \"<p/>\";\n  }\n  toMarkdown() {\n    return \"\";\n  }\n}\n",
        ),
        (
            "web/src/serializer.ts",
            "import tunnelAgent from \"tunnel-agent\";\nexport class SerializerState {\n  marks: any;\n  constructor(marks: any) {\n    this.marks = marks;\n  }\n  write(name: string, method: string, registry: any) {\n    this.marks[name]();\n    tunnelAgent[method]();\n    registry[name]();\n    services[name]();\n    handlers[name]();\n    return this.render();\n  }\n  render() {\n    return \"\";\n  }\n  toMarkdown() {\n    return \"\";\n  }\n}\nimport services from \"./services\";\nconst handlers = { a: () => 1 };\n",
        ),
        (
            "web/src/services.ts",
            "const services = {\n  web: () => import(\"./web\"),\n} as const;\n\nexport default services;\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - method: SessionStarter#create\n      - method: MentionEmail#render\n      - method: Strike#toMarkdown\n",
    );
    let f = finding(&v, "method:SessionStarter#create");
    assert_eq!(
        strings(&f["dynamic_callers"]),
        ["app/app/graphql/app_type.rb:4"],
        "{f:#}"
    );
    let f = finding(&v, "method:MentionEmail#render");
    assert_eq!(
        strings(&f["dynamic_callers"]),
        ["web/src/serializer.ts:10"],
        "{f:#}"
    );
    // A field named after the owner's superclass may hold one.
    let f = finding(&v, "method:Strike#toMarkdown");
    let dynamic = strings(&f["dynamic_callers"]);
    assert!(dynamic.contains(&"web/src/serializer.ts:8".to_string()), "{f:#}");
    assert!(!dynamic.contains(&"web/src/serializer.ts:9".to_string()), "{f:#}");
}

// A point nothing defines, on a declared Ruby class: a bare call in a test
// is still the test's own helper (chaskiq's controller specs' `post(...)`
// were test callers of a missing `AppPackageIntegration.post`).
#[test]
fn bare_test_calls_are_no_callers_of_a_missing_class_method() {
    let ws = tree(&[
        (
            "app/app/models/widget.rb",
            "class Widget < ApplicationRecord\n  def size\n    1\n  end\nend\n\nclass WidgetPresenter\n  def self.post(url)\n    url\n  end\nend\n",
        ),
        (
            "app/spec/controllers/hooks_controller_spec.rb",
            "RSpec.describe HooksController do\n  it \"posts\" do\n    widget = Widget.create\n    response = post(:process_event, params: { id: widget.id })\n    expect(response).to be_ok\n  end\nend\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - method: Widget.post\n");
    let f = finding(&v, "method:Widget.post");
    assert_eq!(codes(f), ["missing-definition"], "{f:#}");
    assert_eq!(strings(&f["test_callers"]), Vec::<String>::new(), "{f:#}");
    assert_eq!(f["caller_matches"], serde_json::json!([]), "{f:#}");
}

// Item 4, sequelize-typescript: `@Column(DataType.JSONB)` in a `@Table`
// class declares that model's JSON column (outline's
// `Integration.settings` had no definition, and a Ruby app's `settings`
// keys stood in for its keys).
#[test]
fn sequelize_json_columns_belong_to_their_model() {
    let ws = tree(&[
        ("api/package.json", "{\"name\": \"api\"}\n"),
        (
            "api/server/models/Integration.ts",
            "import { Column, DataType, Table, Model } from \"sequelize-typescript\";\n\n@Table({ tableName: \"integrations\", modelName: \"integration\" })\nclass Integration extends Model {\n  @Column(DataType.JSONB)\n  settings: Record<string, unknown>;\n\n  @Column(DataType.STRING)\n  service: string;\n}\n\nexport default Integration;\n",
        ),
        (
            "api/server/models/Team.ts",
            "import { Column, DataType, Table, Model } from \"sequelize-typescript\";\n\n@Table\nclass Team extends Model {\n  @Column({ type: DataType.JSON, allowNull: true })\n  settings: Record<string, unknown>;\n}\n\nexport class Form {\n  @Column(DataType.JSONB)\n  settings: unknown;\n}\n\nexport default Team;\n",
        ),
        (
            "api/server/commands/link.ts",
            "import Integration from \"../models/Integration\";\n\nexport async function link(id: string) {\n  const integration = await Integration.findByPk(id);\n  integration.settings = { url: \"https://x\" };\n  return integration.settings.url;\n}\n",
        ),
        (
            "rails/app/models/app_package.rb",
            "class AppPackage < ApplicationRecord\n  store :settings, accessors: [:api_url], coder: JSON\nend\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - jsonb: Integration.settings\n      - jsonb: Team.settings\n",
    );
    let f = finding(&v, "jsonb:Integration.settings");
    assert_eq!(
        definition_locations(f),
        ["api/server/models/Integration.ts:6"],
        "{f:#}"
    );
    let keys: Vec<&str> = f["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["url"], "{f:#}");
    let f = finding(&v, "jsonb:Team.settings");
    assert_eq!(definition_locations(f), ["api/server/models/Team.ts:6"], "{f:#}");
}

// A workflow's `name: CI` is no definition of the env var `CI` (chaskiq's
// `.github/workflows/ruby.yml:3` was); the Actions runner sets `CI` for
// every step, so a workflow defines it at its `runs-on:`. A `name:` entry
// with a `value` still defines its var.
#[test]
fn workflow_names_are_no_env_definitions_but_actions_set_ci() {
    let ws = tree(&[
        (
            "web/.github/workflows/ruby.yml",
            "# the build\n\nname: CI\non:\n  push:\njobs:\n  test:\n    name: LINT\n    runs-on: ubuntu-latest\n",
        ),
        (
            "web/config/environments/test.rb",
            "Rails.application.configure do\n  config.eager_load = ENV[\"CI\"].present?\n  config.x = ENV[\"LINT\"]\n  config.y = ENV[\"API_KEY\"]\nend\n",
        ),
        ("web/k8s/deploy.yml", "env:\n  - name: API_KEY\n    value: x\n"),
    ]);
    let v = audit_points(
        ws.path(),
        "      - env: CI\n      - env: LINT\n      - env: API_KEY\n",
    );
    let defined = |id: &str| strings(&finding(&v, id)["config"][0]["defined_at"]);
    assert_eq!(defined("env:CI"), ["web/.github/workflows/ruby.yml:9"]);
    assert_eq!(defined("env:LINT"), Vec::<String>::new());
    assert_eq!(defined("env:API_KEY"), ["web/k8s/deploy.yml:2"]);
}

// TypeScript too: a name that unrelated classes define (`get` on `Storage`
// and on a store) is called on an unresolved receiver (`ui.set(...)`,
// `users.get(id)`) or on an instance of another class (`new Map().get(k)`,
// a koa `Router`) by name only: no caller of the owner (outline's
// `Storage#get` had 120 such callers).
#[test]
fn ts_calls_of_a_name_rival_classes_define_need_a_known_receiver() {
    let ws = tree(&[
        (
            "web/src/storage.ts",
            "export class Storage {\n  get(key: string) {\n    return localStorage.getItem(key);\n  }\n}\n",
        ),
        (
            "web/src/users_store.ts",
            "export class UsersStore {\n  get(id: string) {\n    return id;\n  }\n}\n",
        ),
        (
            "web/src/app.ts",
            "import Router from \"koa-router\";\nimport { Storage } from \"./storage\";\n\nexport function boot(users: any) {\n  const storage = new Storage();\n  const theme = storage.get(\"theme\");\n  const user = users.get(\"1\");\n  const cache = new Map();\n  const hit = cache.get(\"k\");\n  const router = new Router();\n  router.get(\"/health\", () => 1);\n  return [theme, user, hit];\n}\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - method: Storage#get\n");
    let f = finding(&v, "method:Storage#get");
    assert_eq!(strings(&f["callers_found"]), ["web/src/app.ts:6"], "{f:#}");
}

// A call of a binding imported from a package outside the workspace is that
// package's (outline's `copy(color)` after `import copy from
// "copy-to-clipboard"` was a caller of its own `copy`); an import of the
// workspace's module stays.
#[test]
fn calls_of_package_imports_are_not_workspace_calls() {
    let ws = tree(&[
        (
            "web/src/copy.ts",
            "export function copy<T>(value: T): T {\n  return value;\n}\n",
        ),
        (
            "web/src/picker.ts",
            "import copy from \"copy-to-clipboard\";\nimport * as _ from \"lodash\";\nexport function pick(color: string) {\n  copy(color);\n  return _.copy(color);\n}\n",
        ),
        (
            "web/src/editor.ts",
            "import { copy } from \"./copy\";\nexport function edit(doc: object) {\n  return copy(doc);\n}\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - method: copy\n");
    let f = finding(&v, "method:copy");
    assert_eq!(strings(&f["callers_found"]), ["web/src/editor.ts:3"], "{f:#}");
}

// graphql-ruby: `field :hook_url` in `Types::AppPackageIntegrationType`
// resolves by calling `hook_url` on the type's object, an
// `AppPackageIntegration` (chaskiq's was `no-callers` with confidence
// high); `method:` names the method called instead, and `hash_key:` calls
// none.
#[test]
fn graphql_fields_call_their_models_methods() {
    let ws = tree(&[
        (
            "app/app/graphql/types/widget_type.rb",
            "module Types\n  class WidgetType < Types::BaseObject\n    field :hook_url, String, null: true do\n      def visible?(context)\n        true\n      end\n    end\n    field :label, String, null: true, method: :title\n    field :size, Integer, hash_key: :size\n  end\nend\n",
        ),
        (
            "app/app/models/widget.rb",
            "class Widget < ApplicationRecord\n  def hook_url\n    \"x\"\n  end\n\n  def title\n    \"t\"\n  end\n\n  def size\n    1\n  end\nend\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - method: Widget#hook_url\n      - method: Widget#title\n      - method: Widget#size\n",
    );
    let callers = |id: &str| strings(&finding(&v, id)["callers_found"]);
    assert_eq!(
        callers("method:Widget#hook_url"),
        ["app/app/graphql/types/widget_type.rb:3"]
    );
    assert_eq!(
        callers("method:Widget#title"),
        ["app/app/graphql/types/widget_type.rb:8"]
    );
    assert_eq!(callers("method:Widget#size"), Vec::<String>::new());
}

// Policies of ActionPolicy (`AppPolicy < ActionPolicy::Base`, used by
// GraphQL) are not Pundit's: an action that never calls `authorize` in
// such an app misses no layer (chaskiq's `widgets#show` had two
// `missing-layer` problems of confidence high).
#[test]
fn action_policy_policies_are_not_pundit_layers() {
    let ws = tree(&[
        (
            "app/config/routes.rb",
            "Rails.application.routes.draw do\n  resources :widgets, only: [:show]\nend\n",
        ),
        (
            "app/app/controllers/widgets_controller.rb",
            "class WidgetsController < ApplicationController\n  def show\n    head :ok\n  end\nend\n",
        ),
        (
            "app/app/policies/app_policy.rb",
            "class AppPolicy < ActionPolicy::Base\n  def index?\n    true\n  end\nend\n",
        ),
        (
            "app/app/policies/role_policy.rb",
            "class RolePolicy < AppPolicy\n  def show?\n    true\n  end\nend\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - action: widgets#show\n");
    let f = finding(&v, "action:widgets#show");
    assert_eq!(codes(f), Vec::<String>::new(), "{f:#}");
}

// Policy objects in `app/policies/` that an app builds itself
// (`AdminUserPolicy.new(user).invite?`) are no Pundit: in a repo where no
// class includes `Pundit` and nothing calls `authorize`, an action misses
// no `authorize` call and no policy (theodinproject's `paths#show` had two
// `missing-layer` problems of confidence high). The same controller in an
// app that includes Pundit still misses both.
#[test]
fn plain_policy_objects_are_not_pundit() {
    let app = |include: &str| {
        tree(&[
            (
                "app/config/routes.rb",
                "Rails.application.routes.draw do\n  resources :paths, only: [:show]\nend\n",
            ),
            (
                "app/app/controllers/application_controller.rb",
                &format!("class ApplicationController < ActionController::Base\n{include}end\n"),
            ),
            (
                "app/app/controllers/paths_controller.rb",
                "class PathsController < ApplicationController\n  def show\n    head :ok\n  end\nend\n",
            ),
            (
                "app/app/policies/admin_user_policy.rb",
                "class AdminUserPolicy\n  def initialize(admin_user)\n    @admin_user = admin_user\n  end\n\n  def invite?\n    true\n  end\nend\n",
            ),
            (
                "app/app/controllers/invitations_controller.rb",
                "class InvitationsController < ApplicationController\n  def create\n    return if AdminUserPolicy.new(current_user).invite?\n  end\nend\n",
            ),
        ])
    };
    let ws = app("");
    let v = audit_points(ws.path(), "      - action: paths#show\n");
    let f = finding(&v, "action:paths#show");
    assert_eq!(codes(f), Vec::<String>::new(), "{f:#}");
    let ws = app("  include Pundit::Authorization\n");
    let v = audit_points(ws.path(), "      - action: paths#show\n");
    let f = finding(&v, "action:paths#show");
    assert_eq!(codes(f), ["missing-layer", "missing-layer"], "{f:#}");
}

// An action that opts out of Pundit's `verify_authorized` check
// (`skip_after_action :verify_authorized` in an ancestor, as hcb's
// `Admin::BaseController` does, or `skip_authorization` in its body) uses no
// policy: no `missing-layer` for the policy or the `authorize` call, a note
// and a question instead. An action of the same app without either still
// misses its layers. The request keys an action reads come from its own
// app: another app's `ApplicationController` (every Rails app has one)
// and its callbacks are another class. `skip_before_action :m` takes `m`'s
// body out of the actions it covers.
#[test]
fn pundit_opt_outs_and_params_read_by_another_apps_controller() {
    let ws = tree(&[
        (
            "bank/config/routes.rb",
            "Rails.application.routes.draw do\n  get 'admin/ach', to: 'admin#ach'\n  resources :reports, only: [:show]\n  resources :items, only: [:index]\nend\n",
        ),
        (
            "bank/app/controllers/application_controller.rb",
            "class ApplicationController < ActionController::Base\n  include Pundit::Authorization\n  after_action :verify_authorized\n  before_action :load_user\n\n  def load_user\n    params[:user_token]\n  end\nend\n",
        ),
        (
            "bank/app/controllers/admin/base_controller.rb",
            "module Admin\n  class BaseController < ApplicationController\n    skip_after_action :verify_authorized\n  end\nend\n",
        ),
        (
            "bank/app/controllers/admin_controller.rb",
            "class AdminController < Admin::BaseController\n  skip_before_action :load_user, only: :ach\n\n  def ach\n    @q = params[:q]\n  end\nend\n",
        ),
        (
            "bank/app/controllers/reports_controller.rb",
            "class ReportsController < ApplicationController\n  def show\n    skip_authorization\n  end\nend\n",
        ),
        (
            "bank/app/controllers/items_controller.rb",
            "class ItemsController < ApplicationController\n  def index\n  end\nend\n",
        ),
        (
            "bank/app/policies/application_policy.rb",
            "class ApplicationPolicy\n  def index?\n    false\n  end\nend\n",
        ),
        (
            "chat/app/controllers/application_controller.rb",
            "class ApplicationController < ActionController::Base\n  before_action :authenticate\n\n  def authenticate\n    params[:bot_key]\n  end\nend\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - action: admin#ach\n        repo: bank\n      - action: reports#show\n        repo: bank\n      - action: items#index\n        repo: bank\n",
    );
    for (id, at) in [
        (
            "action:admin#ach",
            "bank/app/controllers/admin/base_controller.rb:3",
        ),
        (
            "action:reports#show",
            "bank/app/controllers/reports_controller.rb:3",
        ),
    ] {
        let f = finding(&v, id);
        assert_eq!(codes(f), Vec::<String>::new(), "{f:#}");
        let policy = f["layers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["layer"] == "policy")
            .unwrap();
        let note = policy["note"].as_str().unwrap_or_default();
        assert!(note.contains("skips Pundit") && note.contains(at), "{f:#}");
    }
    let f = finding(&v, "action:items#index");
    assert_eq!(codes(f), ["missing-layer", "missing-layer"], "{f:#}");
    let f = finding(&v, "action:admin#ach");
    let read: Vec<&str> = f["payload"]["request"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key"].as_str().unwrap())
        .collect();
    assert_eq!(read, ["q"], "{f:#}");
    // `skip_before_action :load_user` keeps `load_user`'s reads out of
    // `ach`; `items#index` still runs it.
    let f = finding(&v, "action:items#index");
    assert_eq!(f["payload"]["request"][0]["key"], "user_token", "{f:#}");
}

// A merge that returns a new hash (`info.merge(k: v)`) writes nothing to
// the column by itself; given to a writer, its keys are written to the
// column of the record the writer is called on. hcb's
// `event.wires.build(recipient_information: recipient_information.merge({
// purpose_code: ... }))` in `LegalEntity::PayoutMethod::Wire` wrote
// `purpose_code` to the top-level `Wire`'s column, not to its own.
#[test]
fn merged_column_hashes_belong_to_the_record_written() {
    let ws = tree(&[
        (
            "bank/db/schema.rb",
            "ActiveRecord::Schema.define do\n  create_table \"payouts\" do |t|\n    t.jsonb \"info\"\n  end\n  create_table \"wires\" do |t|\n    t.jsonb \"info\"\n  end\nend\n",
        ),
        (
            "bank/app/models/wire.rb",
            "class Wire < ApplicationRecord\n  belongs_to :event\nend\n",
        ),
        (
            "bank/app/models/payout.rb",
            "class Payout < ApplicationRecord\n  def create_transfer(event)\n    event.wires.build(info: info.merge({ purpose: 1 }))\n  end\n\n  def seen!\n    update(info: info.merge(seen: true))\n  end\n\n  def stamp!\n    self.info = info.merge(stamped: true)\n  end\n\n  def as_json(*)\n    info.merge(extra: 1)\n  end\n\n  def seen?\n    info[\"seen\"] || info[\"stamped\"] || info[\"purpose\"]\n  end\nend\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - jsonb: Payout.info\n");
    let f = finding(&v, "jsonb:Payout.info");
    let written: Vec<(String, Vec<String>)> = f["keys"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| !k["written_at"].as_array().unwrap().is_empty())
        .map(|k| (k["key"].as_str().unwrap().to_string(), strings(&k["written_at"])))
        .collect();
    assert_eq!(
        written,
        [
            (
                "seen".to_string(),
                vec!["bank/app/models/payout.rb:7".to_string()]
            ),
            (
                "stamped".to_string(),
                vec!["bank/app/models/payout.rb:11".to_string()]
            ),
        ],
        "{f:#}"
    );
}

// A route that serves the planned path only by taking a literal as a
// placeholder's value (Rails matches once-campfire's `GET /rooms/closeds`
// with `resources :rooms`' `/rooms/:id`, declared first) is the planned
// path's route, but its helpers (`room_url(room)`) request a record's
// path, not the planned one: they are no callers. The helper of the route
// declared with the planned path itself still is.
#[test]
fn helpers_of_a_placeholder_route_do_not_request_a_literal_path() {
    let ws = tree(&[
        (
            "chat/config/routes.rb",
            "Rails.application.routes.draw do\n  resources :rooms\n  namespace :rooms do\n    resources :closeds\n  end\nend\n",
        ),
        (
            "chat/app/controllers/rooms_controller.rb",
            "class RoomsController < ApplicationController\n  def show\n  end\n\n  def update\n    redirect_to room_url(@room)\n  end\nend\n",
        ),
        (
            "chat/app/views/rooms/show.html.erb",
            "<%= link_to 'Closed', rooms_closeds_path %>\n<%= link_to 'Room', room_path(@room) %>\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - route: GET /rooms/closeds\n        repo: chat\n",
    );
    let f = finding(&v, "route:GET /rooms/closeds");
    assert_eq!(
        strings(&f["callers_found"]),
        ["chat/app/views/rooms/show.html.erb:1"],
        "{f:#}"
    );
}

// A JSON key read in SQL belongs to the table that qualifies the column
// (`payouts.info->>'k'`) or, in a schema's index expression, to the
// `create_table` it is in: hcb's `raw_pending_stripe_transactions` index on
// `stripe_transaction -> 'card'` was a read of `RawStripeTransaction`'s
// column of the same name.
#[test]
fn sql_key_reads_belong_to_their_table() {
    let ws = tree(&[
        (
            "bank/db/schema.rb",
            "ActiveRecord::Schema.define do\n  create_table \"payouts\" do |t|\n    t.jsonb \"info\"\n    t.index \"((info ->> 'own'::text))\", name: \"a\"\n  end\n  create_table \"pending_payouts\" do |t|\n    t.jsonb \"info\"\n    t.index \"((info ->> 'pending'::text))\", name: \"b\"\n  end\nend\n",
        ),
        (
            "bank/app/models/payout.rb",
            "class Payout < ApplicationRecord\n  scope :by_kind, -> { where(\"payouts.info->>'kind' = ?\", 1) }\n  scope :by_other, -> { joins(:pending).where(\"pending_payouts.info->>'other' = ?\", 1) }\nend\n",
        ),
        (
            "bank/app/models/pending_payout.rb",
            "class PendingPayout < ApplicationRecord\nend\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - jsonb: Payout.info\n");
    let f = finding(&v, "jsonb:Payout.info");
    let read: Vec<&str> = f["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key"].as_str().unwrap())
        .collect();
    assert_eq!(read, ["kind", "own"], "{f:#}");
}

// Rails makes a controller for each request and no other object holds one:
// a dynamic dispatch on a variable outside the controller
// (`existing.public_send(field)` in hcb's payout service) is no possible
// call of a controller action; `controller.send(action)` still is.
#[test]
fn dispatches_on_objects_do_not_reach_controller_actions() {
    let ws = tree(&[
        (
            "bank/config/routes.rb",
            "Rails.application.routes.draw do\n  resources :ledgers, only: [:show]\nend\n",
        ),
        (
            "bank/app/controllers/ledgers_controller.rb",
            "class LedgersController < ApplicationController\n  def show\n  end\nend\n",
        ),
        (
            "bank/app/services/update.rb",
            "class Update\n  def run(existing, field)\n    existing.public_send(field) # show it masked\n  end\nend\n",
        ),
        (
            "bank/lib/dispatch.rb",
            "class Dispatch\n  def run(controller, action)\n    controller.send(action) # show\n  end\nend\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - method: LedgersController#show\n        repo: bank\n",
    );
    let f = finding(&v, "method:LedgersController#show");
    let sites: Vec<&str> = f["dynamic_call_sites"]
        .as_array()
        .map(|a| a.iter().map(|s| s["location"].as_str().unwrap()).collect())
        .unwrap_or_default();
    assert!(!sites.contains(&"bank/app/services/update.rb:3"), "{f:#}");
    assert!(sites.contains(&"bank/lib/dispatch.rb:3"), "{f:#}");
}

// A plan's `Wire` is the class declared as `Wire`, whose table is `wires`,
// not a namespaced `LegalEntity::Wire` with `self.table_name =
// "user_wires"` (hcb's `jsonb: Wire.recipient_information` was declared on
// `user_payout_method_wires`).
#[test]
fn a_models_table_is_its_own_not_a_namesakes() {
    let ws = tree(&[
        (
            "bank/db/schema.rb",
            "ActiveRecord::Schema.define do\n  create_table \"user_wires\" do |t|\n    t.jsonb \"info\"\n  end\n  create_table \"wires\" do |t|\n    t.jsonb \"info\"\n  end\nend\n",
        ),
        ("bank/app/models/wire.rb", "class Wire < ApplicationRecord\nend\n"),
        (
            "bank/app/models/legal_entity/wire.rb",
            "module LegalEntity\n  class Wire < ApplicationRecord\n    self.table_name = \"user_wires\"\n\n    def label\n      info[\"label\"]\n    end\n  end\nend\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - jsonb: Wire.info\n");
    let f = finding(&v, "jsonb:Wire.info");
    assert_eq!(definition_locations(f), ["bank/db/schema.rb:6"], "{f:#}");
}

// Next.js calls the functions some files export by convention: a root
// `proxy.ts`'s `proxy` (ai-chatbot's was `no-callers` with confidence
// high). Nothing in the code calls them: the
// verdict stays, with low confidence and a note naming Next.js. The same
// name in another file is an ordinary function.
#[test]
fn next_js_file_conventions_are_framework_calls() {
    let ws = tree(&[
        (
            "web/proxy.ts",
            "import { NextResponse } from \"next/server\";\nexport async function proxy(request: Request) {\n  return NextResponse.next();\n}\n",
        ),
        (
            "web/app/api/chat/route.ts",
            "export async function POST(request: Request) {\n  return new Response(\"ok\");\n}\n",
        ),
        ("web/lib/agent.ts", "export function relay() {\n  return 1;\n}\n"),
    ]);
    let v = audit_points(
        ws.path(),
        "      - method: proxy\n        repo: web\n      - method: POST\n        repo: web\n      - method: relay\n        repo: web\n",
    );
    let f = finding(&v, "method:proxy");
    assert_eq!(codes(f), ["no-callers"], "{f:#}");
    assert_eq!(f["confidence"], "low", "{f:#}");
    assert!(
        f["notes"].as_str().unwrap().contains("Next.js (middleware)"),
        "{f:#}"
    );
    // The route table already calls a route handler.
    let f = finding(&v, "method:POST");
    assert_eq!(
        strings(&f["callers_found"]),
        ["web/app/api/chat/route.ts:1"],
        "{f:#}"
    );
    let f = finding(&v, "method:relay");
    assert_eq!(f["confidence"], "high", "{f:#}");
}

// A receiver variable named after a class holds that class only when the
// class is of the call's own app, and not when the variable is the last
// words of the owner's name: casa's `report.contacts_this_month` (a
// `MetricsReport`) was no call because hcb declares `Reimbursement::Report`
// (`no-callers` with confidence high).
#[test]
fn receivers_named_after_classes_of_another_app_or_the_owners_last_word() {
    let ws = tree(&[
        (
            "bank/app/models/stats.rb",
            "class Stats < ApplicationRecord\nend\n",
        ),
        (
            "casa/app/models/report.rb",
            "class Report < ApplicationRecord\nend\n",
        ),
        (
            "casa/app/models/metrics_report.rb",
            "class MetricsReport\n  def contacts_this_month\n    1\n  end\nend\n",
        ),
        (
            "casa/app/models/digest.rb",
            "class Digest\n  def total\n    1\n  end\nend\n",
        ),
        (
            "casa/app/controllers/analytics_controller.rb",
            "class AnalyticsController < ApplicationController\n  def index\n    kpis(MetricsReport.new, Digest.new)\n  end\n\n  def kpis(report, stats)\n    report.contacts_this_month + stats.total\n  end\nend\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - method: MetricsReport#contacts_this_month\n        repo: casa\n      - method: Digest#total\n        repo: casa\n",
    );
    for id in ["method:Digest#total", "method:MetricsReport#contacts_this_month"] {
        let f = finding(&v, id);
        assert_eq!(
            strings(&f["callers_found"]),
            ["casa/app/controllers/analytics_controller.rb:7"],
            "{f:#}"
        );
    }
}

// A computed call on a platform object (`document[k]()`, `console[level]()`)
// is never a workspace method's call; one on `window` / `globalThis` may
// reach a module function a script put there, never a class's method.
#[test]
fn computed_calls_on_platform_objects() {
    let ws = tree(&[
        (
            "web/src/widget.ts",
            "export class Widget {\n  mount() {\n    return 1;\n  }\n}\nexport function boot() {\n  return 2;\n}\n",
        ),
        (
            "web/src/dispatch.ts",
            "// mount, boot\nexport function run(name: string, k: string) {\n  window[name]();\n  document[k]();\n  console[k]();\n  globalThis[name]();\n}\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - method: Widget#mount\n      - method: boot\n");
    let sites = |id: &str| -> Vec<String> {
        let f = finding(&v, id);
        f["dynamic_call_sites"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|s| s["location"].as_str().unwrap().to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(sites("method:Widget#mount"), Vec::<String>::new());
    assert_eq!(
        sites("method:boot"),
        ["web/src/dispatch.ts:3", "web/src/dispatch.ts:6"]
    );
}

// Assigning a whole value to a JSON column (`st.stripe_transaction = t`,
// hcb's import of Stripe's objects) writes keys seamscan cannot see: a key
// read and never written is then not a confident finding.
#[test]
fn assigning_a_whole_value_to_a_column_is_an_opaque_write() {
    let ws = tree(&[
        (
            "bank/db/schema.rb",
            "ActiveRecord::Schema.define do\n  create_table \"charges\" do |t|\n    t.jsonb \"payload\"\n  end\nend\n",
        ),
        (
            "bank/app/models/charge.rb",
            "class Charge < ApplicationRecord\n  def amount\n    payload[\"amount\"]\n  end\nend\n",
        ),
        (
            "bank/app/services/import.rb",
            "class Import\n  def run(remote)\n    Charge.new.tap do |charge|\n      charge.payload = remote\n    end\n  end\nend\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - jsonb: Charge.payload\n");
    let f = finding(&v, "jsonb:Charge.payload");
    assert_eq!(codes(f), ["json-key-read-never-written"], "{f:#}");
    assert_eq!(f["confidence"], "low", "{f:#}");
}

// `skip_before_action :authorize_user` leaves the callback out of a
// controller's actions: it names the method without calling it
// (human-essentials' `ApplicationController#authorize_user` listed three
// skips as callers beside its `before_action`).
#[test]
fn skipped_callbacks_are_not_callers() {
    let ws = tree(&[
        (
            "app/app/controllers/application_controller.rb",
            "class ApplicationController < ActionController::Base\n  before_action :authorize_user\n\n  def authorize_user\n    head :forbidden unless current_user\n  end\n\n  def load_org\n    @org = current_user.org\n  end\nend\n",
        ),
        (
            "app/app/controllers/static_controller.rb",
            "class StaticController < ApplicationController\n  skip_before_action :authorize_user\n  skip_before_action :load_org, only: [:index]\n\n  def index\n  end\nend\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - method: ApplicationController#authorize_user\n      - method: ApplicationController#load_org\n",
    );
    let f = finding(&v, "method:ApplicationController#authorize_user");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/app/controllers/application_controller.rb:2"],
        "{f:#}"
    );
    let f = finding(&v, "method:ApplicationController#load_org");
    assert_eq!(strings(&f["callers_found"]), Vec::<String>::new(), "{f:#}");
}

// Ruby looks a constant up in the lexical scopes of the code and then in
// the ancestors of its class: `Result.new` in a subclass of `Flags::Base`,
// which declares its own `Result`, builds `Flags::Base::Result`, not the
// top-level `Result` (theodinproject's flag actions were callers of
// human-essentials' `Result#initialize`). Elsewhere `Result` is the
// top-level class.
#[test]
fn constants_resolve_through_lexical_scopes_and_ancestors() {
    let ws = tree(&[
        (
            "app/app/models/result.rb",
            "class Result\n  def initialize(value:)\n    @value = value\n  end\n\n  def self.ok\n    new(value: 1)\n  end\nend\n",
        ),
        (
            "app/app/models/flags/base.rb",
            "class Flags::Base\n  class Result\n    def initialize(success:)\n      @success = success\n    end\n\n    def self.ok\n      new(success: true)\n    end\n  end\nend\n",
        ),
        (
            "app/app/models/flags/ban.rb",
            "class Flags::Ban < Flags::Base\n  def perform\n    Result.new(success: true)\n    Result.ok\n  end\nend\n",
        ),
        (
            "app/app/services/import.rb",
            "class Import\n  def run\n    Result.new(value: 2)\n    Result.ok\n  end\nend\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - method: Result#initialize\n      - method: Result.ok\n",
    );
    let f = finding(&v, "method:Result#initialize");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/app/services/import.rb:3"],
        "{f:#}"
    );
    let f = finding(&v, "method:Result.ok");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/app/services/import.rb:4"],
        "{f:#}"
    );
}

// A Rails table whose model no class of its app declares is a library's
// (public_activity's `activities`, whose `PublicActivity::Activity` lives
// in the gem and is written through `create_activity(params: {...})`):
// a key read and never written there is confidence low, with a note
// (theodinproject's `Activity.parameters` had two such problems of
// confidence high). Another app's `Activity` is not its model; once the
// app declares the class, the verdict is confident again.
#[test]
fn tables_of_a_librarys_model_are_written_by_the_library() {
    let ws = tree(&[
        (
            "learn/db/schema.rb",
            "ActiveRecord::Schema.define do\n  create_table \"activities\" do |t|\n    t.jsonb \"parameters\", default: {}\n  end\nend\n",
        ),
        (
            "learn/app/models/admin_user.rb",
            "class AdminUser < ApplicationRecord\n  include PublicActivity::Common\nend\n",
        ),
        (
            "learn/app/views/public_activity/admin_user/_invited.html.erb",
            "<%= activity.parameters.fetch('name') %>\n",
        ),
        (
            "learn/app/services/audit_log.rb",
            "class AuditLog\n  def record(user)\n    Activity.create!(parameters: { \"actor\" => user.id })\n  end\nend\n",
        ),
        (
            "crm/app/models/activity.rb",
            "class Activity < ApplicationRecord\nend\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - jsonb: Activity.parameters\n");
    let f = finding(&v, "jsonb:Activity.parameters");
    assert_eq!(
        codes(f),
        ["json-key-read-never-written", "json-key-written-never-read"],
        "{f:#}"
    );
    assert_eq!(f["confidence"], "low", "{f:#}");
    assert!(f["notes"].as_str().unwrap().contains("library"), "{f:#}");
    std::fs::write(
        ws.path().join("learn/app/models/activity.rb"),
        "class Activity < ApplicationRecord\nend\n",
    )
    .unwrap();
    let v = audit_points(ws.path(), "      - jsonb: Activity.parameters\n");
    let f = finding(&v, "jsonb:Activity.parameters");
    assert_eq!(
        codes(f),
        ["json-key-read-never-written", "json-key-written-never-read"],
        "{f:#}"
    );
    assert_eq!(f["confidence"], "high", "{f:#}");
}

// Prisma's own `data:` argument holds the model's columns: in
// `prisma.resume.create({ data: { title, data: {...} } })` only the inner
// `data` is the JSON column `Resume.data`, and `title` is no key of it
// (Reactive-Resume's resume service listed `title`, `slug`, `userId` and
// `data` as keys of `Resume.data`). A `where:` filter writes nothing
// (dub's `where: { triggers: { array_contains: [event] } }` was a key
// written never read).
#[test]
fn prisma_data_argument_is_not_a_json_column() {
    let ws = tree(&[
        (
            "app/prisma/schema.prisma",
            "model Resume {\n  id    String @id\n  title String\n  data  Json   @default(\"{}\")\n}\n",
        ),
        (
            "app/src/resume.service.ts",
            "export class ResumeService {\n  constructor(private prisma: PrismaService) {}\n\n  create(title: string) {\n    return this.prisma.resume.create({\n      data: { title, slug: title, data: { basics: { name: title } } },\n    });\n  }\n\n  rename(id: string, title: string) {\n    return this.prisma.resume.update({ where: { id }, data: { title } });\n  }\n\n  upsert(id: string) {\n    return this.prisma.resume.upsert({\n      where: { id },\n      create: { title: id },\n      update: { locked: true },\n    });\n  }\n\n  tagged() {\n    return this.prisma.resume.findMany({ where: { data: { array_contains: [\"x\"] } } });\n  }\n\n  basics(id: string) {\n    return this.prisma.resume.findUnique({ where: { id } }).then((resume) => resume.data.basics);\n  }\n}\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - jsonb: Resume.data\n");
    let f = finding(&v, "jsonb:Resume.data");
    let keys: Vec<(String, Vec<String>, Vec<String>)> = f["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["key"].as_str().unwrap().to_string(),
                strings(&k["written_at"]),
                strings(&k["read_at"]),
            )
        })
        .collect();
    assert_eq!(
        keys,
        [(
            "basics".to_string(),
            vec!["app/src/resume.service.ts:6".to_string()],
            vec!["app/src/resume.service.ts:27".to_string()]
        )],
        "{f:#}"
    );
}

// A TypeScript receiver's declaration decides whose `data` it is: a
// parameter declared as a type that does not name the model (`event:
// MessageEvent`), a name destructured from one (`({ over }: DragOverEvent)`,
// unless its name ties it: `({ resume }: Props)`) and `this` in another class (`this.files` in a handler
// class with its own `files` field) hold no record of the model, even in a
// file that spells it; a parameter declared as the model's type does. The
// `length` of a JSON array is no key (dub's `program.applicationRequirements?.length`
// was a key read never written).
#[test]
fn declared_receivers_of_other_types_hold_no_json_column() {
    let ws = tree(&[
        (
            "app/prisma/schema.prisma",
            "model Resume {\n  id    String @id\n  data  Json\n  files Json?\n}\n",
        ),
        (
            "app/src/builder.tsx",
            "import type { ResumeDto } from \"./dto\";\n\nexport const onMessage = (event: MessageEvent) => {\n  if (event.data.type === \"ZOOM_IN\") zoom();\n};\n\nexport const sections = (resume: ResumeDto) => resume.data.sections;\n\nexport const title = (r: ResumeDto) => r.data.basics;\n\nexport const onDrag = ({ active, over }: DragOverEvent | DragEndEvent) => over.data.current;\n\nexport const Layout = ({ resume }: Props) => resume.data.metadata;\n",
        ),
        (
            "app/src/submission.ts",
            "export class ResumeUploadHandler {\n  private files: Record<string, File>;\n\n  check() {\n    return this.files.cover === undefined;\n  }\n}\n\nexport const cover = (resume: Resume) => resume.files.cover;\n\nexport const count = (resume: Resume) => resume.files?.length;\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - jsonb: Resume.data\n      - jsonb: Resume.files\n",
    );
    let keys = |id: &str| -> Vec<(String, Vec<String>)> {
        finding(&v, id)["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| (k["key"].as_str().unwrap().to_string(), strings(&k["read_at"])))
            .collect()
    };
    assert_eq!(
        keys("jsonb:Resume.data"),
        [
            ("basics".to_string(), vec!["app/src/builder.tsx:9".to_string()]),
            ("metadata".to_string(), vec!["app/src/builder.tsx:13".to_string()]),
            ("sections".to_string(), vec!["app/src/builder.tsx:7".to_string()]),
        ]
    );
    assert_eq!(
        keys("jsonb:Resume.files"),
        [("cover".to_string(), vec!["app/src/submission.ts:9".to_string()])]
    );
}

// `import { axios } from "../libs/axios"` is the instance that module made
// (`_axios.create({ baseURL: "/api" })`), not the package: its requests
// get that base (Reactive-Resume's client requests `/resume/${id}` on it,
// and `GET /api/resume/:id` was `no-callers` with confidence high).
#[test]
fn an_instance_named_like_its_package_keeps_its_base() {
    let ws = tree(&[
        (
            "app/apps/server/src/main.ts",
            "import { NestFactory } from \"@nestjs/core\";\nimport { AppModule } from \"./app.module\";\n\nasync function bootstrap() {\n  const app = await NestFactory.create(AppModule);\n  app.setGlobalPrefix(\"api\");\n  await app.listen(3000);\n}\nbootstrap();\n",
        ),
        (
            "app/apps/server/src/resume/resume.controller.ts",
            "import { Controller, Get, Param } from \"@nestjs/common\";\n\n@Controller(\"resume\")\nexport class ResumeController {\n  @Get(\":id\")\n  findOne(@Param(\"id\") id: string) {\n    return { id };\n  }\n}\n",
        ),
        (
            "app/apps/client/src/libs/axios.ts",
            "import _axios from \"axios\";\n\nexport const axios = _axios.create({ baseURL: \"/api\", withCredentials: true });\n",
        ),
        (
            "app/apps/client/src/services/resume.ts",
            "import { axios } from \"../libs/axios\";\n\nexport const findResumeById = async (data: { id: string }) => {\n  const response = await axios.get(`/resume/${data.id}`);\n  return response.data;\n};\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - route: GET /api/resume/:id\n");
    let f = finding(&v, "route:GET /api/resume/:id");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/apps/client/src/services/resume.ts:4"],
        "{f:#}"
    );
    assert_eq!(codes(f), Vec::<String>::new());
}

// A request whose URL is a conditional (`fetch(invite ? `/api/invites?e=x`
// : `/api/users?id=y`, { method: "DELETE" })`) requests either path, and an
// SWR key guarded by `&&` (`enabled && id && `/api/x/${id}/count${qs}``)
// is that URL (dub's `DELETE /api/partner-profile/users` and `GET
// /api/programs/:programId/submitted-leads/count` were `no-callers` with
// confidence high).
#[test]
fn conditional_urls_and_guarded_swr_keys_are_requests() {
    let ws = tree(&[
        (
            "web/app/api/users/route.ts",
            "export async function DELETE(req: Request) {\n  return Response.json({});\n}\n",
        ),
        (
            "web/app/api/programs/[programId]/leads/count/route.ts",
            "export const GET = async (req: Request) => Response.json({ count: 1 });\n",
        ),
        (
            "web/ui/remove-user.tsx",
            "export const remove = async (isInvite: boolean, email: string, id: string) => {\n  await fetch(\n    isInvite\n      ? `/api/invites?email=${email}`\n      : `/api/users?userId=${id}`,\n    { method: \"DELETE\" },\n  );\n};\n",
        ),
        (
            "web/lib/swr/use-leads-count.ts",
            "import useSWR from \"swr\";\n\nexport function useLeadsCount(enabled: boolean, programId: string, qs: string) {\n  const { data } = useSWR(\n    enabled &&\n      programId &&\n      `/api/programs/${programId}/leads/count${qs}`,\n    fetcher,\n  );\n  return data;\n}\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - route: DELETE /api/users\n      - route: GET /api/programs/:programId/leads/count\n",
    );
    let f = finding(&v, "route:DELETE /api/users");
    assert_eq!(
        strings(&f["callers_found"]),
        ["web/ui/remove-user.tsx:2"],
        "{f:#}"
    );
    let f = finding(&v, "route:GET /api/programs/:programId/leads/count");
    assert_eq!(
        strings(&f["callers_found"]),
        ["web/lib/swr/use-leads-count.ts:4"],
        "{f:#}"
    );
}

// `.env*` names the dotenv files at a repo's root only; one below it
// (`apps/web/.env.example` in a monorepo) is not config, but it is not
// silently skipped either: it counts as unread (`env`), and a var it
// spells that no config defines is `config-not-wired` with confidence low
// and a note naming it (dub's TINYBIRD_API_KEY was "defined in no config
// file" with confidence high).
#[test]
fn nested_dotenv_files_are_unread_not_missing() {
    let ws = tree(&[
        ("app/.env.example", "ROOT_KEY=1\n"),
        ("app/apps/web/.env.example", "# Tinybird\nTINYBIRD_API_KEY=\n"),
        (
            "app/apps/web/lib/tinybird.ts",
            "export const key = process.env.TINYBIRD_API_KEY;\nexport const root = process.env.ROOT_KEY;\nexport const other = process.env.OTHER_KEY;\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - env: TINYBIRD_API_KEY\n      - env: ROOT_KEY\n      - env: OTHER_KEY\n",
    );
    assert_eq!(v["stats"]["unread_files"]["env"], 1, "{:#}", v["stats"]);
    let f = finding(&v, "env:TINYBIRD_API_KEY");
    assert_eq!(codes(f), ["config-not-wired"]);
    assert_eq!(f["confidence"], "low", "{f:#}");
    assert!(
        f["notes"]
            .as_str()
            .unwrap()
            .contains("app/apps/web/.env.example:2"),
        "{f:#}"
    );
    let f = finding(&v, "env:ROOT_KEY");
    assert_eq!(codes(f), Vec::<String>::new(), "{f:#}");
    let f = finding(&v, "env:OTHER_KEY");
    assert_eq!(codes(f), ["config-not-wired"]);
    assert_eq!(f["confidence"], "high", "{f:#}");
}

// Dotenv files named without the leading dot (`env.sample` at a Rails
// app's root, `docker.env`) are no config glob's either: they count as
// unread `env` files, and a var they spell is `config-not-wired` with
// confidence low and a note (theodinproject's GOOGLE_CLIENT_SECRET, in its
// `env.sample`, was "defined only in the config of formbricks" with
// confidence high).
#[test]
fn dotless_dotenv_files_are_unread_not_missing() {
    let ws = tree(&[
        ("learn/Gemfile", "gem 'dotenv-rails'\n"),
        (
            "learn/env.sample",
            "GOOGLE_CLIENT_ID: 1234\nGOOGLE_CLIENT_SECRET: 1234\n",
        ),
        ("learn/deploy.env", "SMTP_PASSWORD=x\n"),
        (
            "learn/config/initializers/devise.rb",
            "ID = ENV['GOOGLE_CLIENT_ID']\nSECRET = ENV['GOOGLE_CLIENT_SECRET']\nSMTP = ENV['SMTP_PASSWORD']\nOTHER = ENV['OTHER_KEY']\n",
        ),
        ("web/.env.example", "GOOGLE_CLIENT_SECRET=\n"),
        (
            "web/src/auth.ts",
            "export const secret = process.env.GOOGLE_CLIENT_SECRET;\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - env: GOOGLE_CLIENT_SECRET\n      - env: SMTP_PASSWORD\n      - env: OTHER_KEY\n",
    );
    assert_eq!(v["stats"]["unread_files"]["env"], 2, "{:#}", v["stats"]);
    for (id, at) in [
        ("env:GOOGLE_CLIENT_SECRET", "learn/env.sample:2"),
        ("env:SMTP_PASSWORD", "learn/deploy.env:1"),
    ] {
        let f = finding(&v, id);
        assert_eq!(codes(f), ["config-not-wired"], "{f:#}");
        assert_eq!(f["confidence"], "low", "{f:#}");
        assert!(f["notes"].as_str().unwrap().contains(at), "{f:#}");
    }
    let f = finding(&v, "env:OTHER_KEY");
    assert_eq!(codes(f), ["config-not-wired"]);
    assert_eq!(f["confidence"], "high", "{f:#}");
}

// The `testDir` a Playwright config names is test code, its helpers
// included (formbricks' `apps/web/playwright/utils/helper.ts` read
// `params.welcomeCard.headline` as a key of `Survey.welcomeCard`, and its
// `gotoSurveyList` helper was `test-only-callers` with confidence high).
#[test]
fn a_playwright_test_dir_is_test_code() {
    let ws = tree(&[
        (
            "web/playwright.config.ts",
            "import { defineConfig } from \"@playwright/test\";\n\nexport default defineConfig({\n  testDir: \"./apps/web/playwright\",\n  workers: 1,\n});\n",
        ),
        (
            "web/packages/database/schema.prisma",
            "model Survey {\n  id          String @id\n  welcomeCard Json\n}\n",
        ),
        (
            "web/apps/web/playwright/utils/helper.ts",
            "export const createSurvey = async (params: CreateSurveyParams) => params.welcomeCard.headline;\n\nexport async function gotoSurveyList(page: Page) {\n  await page.goto(\"/\");\n}\n",
        ),
        (
            "web/apps/web/playwright/survey.spec.ts",
            "import { gotoSurveyList } from \"./utils/helper\";\n\ntest(\"list\", async ({ page }) => {\n  await gotoSurveyList(page);\n});\n",
        ),
        (
            "web/apps/web/modules/survey/welcome.tsx",
            "export const shown = (survey: TSurvey) => survey.welcomeCard.enabled;\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - jsonb: Survey.welcomeCard\n      - method: gotoSurveyList\n",
    );
    let f = finding(&v, "jsonb:Survey.welcomeCard");
    let keys: Vec<String> = f["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(keys, ["enabled"], "{f:#}");
    // A helper of the test suite is no application code.
    let f = finding(&v, "method:gotoSurveyList");
    assert_eq!(codes(f), ["missing-definition"], "{f:#}");
    assert!(
        f["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("outside test code"),
        "{f:#}"
    );
}

// Vercel requests the path of each of a `vercel.json`'s cron jobs with a
// GET on its schedule (dub's `GET /api/cron/streams/update-click-stats`
// was `no-callers` with confidence high); a cron is no POST. And
// `main_app.locale_path(l)` in an engine's view is the app's route helper
// (openfoodnetwork's `GET /locales/:id` was `no-callers`, high).
#[test]
fn vercel_crons_and_main_app_helpers_are_requests() {
    let ws = tree(&[
        (
            "web/vercel.json",
            "{\n  \"crons\": [\n    {\n      \"path\": \"/api/cron/stats\",\n      \"schedule\": \"* * * * *\"\n    },\n    { \"path\": \"/api/cron/clean?all=1\", \"schedule\": \"0 8 * * *\" }\n  ]\n}\n",
        ),
        (
            "web/app/api/cron/stats/route.ts",
            "export async function GET(req: Request) {\n  return Response.json({});\n}\n",
        ),
        (
            "web/app/api/cron/clean/route.ts",
            "export async function POST(req: Request) {\n  return Response.json({});\n}\n",
        ),
        (
            "shop/config/routes.rb",
            "Rails.application.routes.draw do\n  resources :locales, only: [:show]\nend\n",
        ),
        (
            "shop/app/controllers/locales_controller.rb",
            "class LocalesController < ApplicationController\n  def show\n    head :ok\n  end\nend\n",
        ),
        (
            "shop/app/views/shared/_languages.html.haml",
            "%ul\n  - %w[en fr].each do |l|\n    %li= link_to l, main_app.locale_path(l)\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - route: GET /api/cron/stats\n      - route: POST /api/cron/clean\n      - route: GET /locales/:id\n",
    );
    let callers = |id: &str| strings(&finding(&v, id)["callers_found"]);
    assert_eq!(callers("route:GET /api/cron/stats"), ["web/vercel.json:4"]);
    assert_eq!(callers("route:POST /api/cron/clean"), Vec::<String>::new());
    assert_eq!(
        callers("route:GET /locales/:id"),
        ["shop/app/views/shared/_languages.html.haml:3"]
    );
}

// A TypeScript file spells the model only as a word of its own: the
// package name `@reactive-resume/utils` and the hook `useResumeStore` are
// no mention of `Resume`, so an unresolved `a.data.language` there is not
// `Resume.data` (Reactive-Resume's translation service sorts languages by
// it), while `state.resume.data.sections` is.
#[test]
fn ts_files_spell_the_model_as_a_word() {
    let ws = tree(&[
        (
            "app/prisma/schema.prisma",
            "model Resume {\n  id   String @id\n  data Json\n}\n",
        ),
        (
            "app/src/translation.service.ts",
            "import { languages } from \"@reactive-resume/utils\";\nimport { useResumeStore } from \"./store\";\n\nexport const sorted = (data: any[]) =>\n  data.sort((a, b) => a.data.language.localeCompare(b.data.language));\n",
        ),
        (
            "app/src/sections.tsx",
            "export const Sections = () => useStore((state) => state.resume.data.sections);\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - jsonb: Resume.data\n");
    let f = finding(&v, "jsonb:Resume.data");
    let keys: Vec<String> = f["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(keys, ["sections"], "{f:#}");
}

// Nor does a TypeScript file spell the model in a comment, in a path
// (`@/app/workspaces/[id]/settings/workspace/...`) or at the head of an
// i18n key (`t("workspace.workflows.title")`): formbricks' workflow
// editor read `node.config.to` and `trigger?.config.surveyId`, which
// are no keys of `Workspace.config`, in files that spell "workspace" only
// so. A file that names the model in code still counts.
#[test]
fn comments_paths_and_i18n_keys_do_not_spell_the_model() {
    let ws = tree(&[
        (
            "app/prisma/schema.prisma",
            "model Workspace {\n  id     String @id\n  config Json\n}\n",
        ),
        (
            "app/src/workflows/registry.ts",
            "import { Modal } from \"@/app/workspaces/[workspaceId]/settings/workspace/modal\";\n\n// Shown in the workspace survey list.\nexport const summary = (node, t) =>\n  node.config.to ? t(\"workspace.workflows.send\", { to: node.config.to }) : \"\";\n",
        ),
        (
            "app/src/settings/channel.tsx",
            "export const channel = (workspace) => workspace.config.channel;\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - jsonb: Workspace.config\n");
    let f = finding(&v, "jsonb:Workspace.config");
    let keys: Vec<String> = f["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(keys, ["channel"], "{f:#}");
}

// In TypeScript the column's name as a property of an object held in
// another property (`step.node.config.to`, `executable.data.trigger.config`)
// is that object's member, even in a file that spells the model in code
// (formbricks' workflow runner, which checks `workspace.id`, read `to` and
// `surveyId` as keys of `Workspace.config`); a property named after the
// model (`props.workspace.config`) is the model's.
#[test]
fn properties_of_other_objects_are_not_the_column() {
    let ws = tree(&[
        (
            "app/prisma/schema.prisma",
            "model Workspace {\n  id     String @id\n  config Json\n}\n",
        ),
        (
            "app/src/runner.ts",
            "export const run = (workspace: { id: string }, step, executable) => {\n  const input = { to: step.node.config.to, id: workspace.id };\n  const { surveyId } = executable.data.trigger.config;\n  return props.workspace.config.channel;\n};\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - jsonb: Workspace.config\n");
    let f = finding(&v, "jsonb:Workspace.config");
    let keys: Vec<String> = f["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(keys, ["channel"], "{f:#}");
}

// A Prisma write of the whole column from a value (`data: { data }`,
// `data: { data: dto.data }`) writes keys seamscan cannot see: a key read
// but never written is then confidence low (Reactive-Resume's `basics`, read on `state.resume.data`, was
// json-key-read-never-written with confidence high).
#[test]
fn prisma_whole_column_writes_are_opaque() {
    let ws = tree(&[
        (
            "app/prisma/schema.prisma",
            "model Resume {\n  id   String @id\n  data Json\n}\n",
        ),
        (
            "app/src/resume.service.ts",
            "export class ResumeService {\n  create(title: string, data: object) {\n    return this.prisma.resume.create({ data: { title, data } });\n  }\n\n  update(id: string, dto: { data: object }) {\n    return this.prisma.resume.update({ where: { id }, data: { data: dto.data } });\n  }\n}\n",
        ),
        (
            "app/src/basics.tsx",
            "export const Basics = () => useStore((state) => state.resume.data.basics);\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - jsonb: Resume.data\n");
    let f = finding(&v, "jsonb:Resume.data");
    assert_eq!(codes(f), ["json-key-read-never-written"], "{f:#}");
    assert_eq!(f["confidence"], "low", "{f:#}");
}

// Other vars a toolchain sets for its own language's code: Next.js's
// `NEXT_RUNTIME` (formbricks' instrumentation reads it; it was
// `config-not-wired` with confidence high) and parallel_tests'
// `TEST_ENV_NUMBER` in a Rails app's test config. Read in the other
// language, they are ordinary vars.
#[test]
fn vars_set_by_next_js_and_parallel_tests() {
    let ws = tree(&[
        (
            "web/instrumentation.ts",
            "export async function register() {\n  if (process.env.NEXT_RUNTIME === \"nodejs\") await import(\"./sentry\");\n}\n",
        ),
        (
            "api/config/environments/test.rb",
            "Rails.application.configure do\n  port = 3001 + ENV['TEST_ENV_NUMBER'].to_i\nend\n",
        ),
        (
            "api/config/database.yml",
            "test:\n  database: api_test<%= ENV['TEST_ENV_NUMBER'] %>\n",
        ),
        ("ops/.env.example", "OTHER=1\n"),
    ]);
    let v = audit_points(
        ws.path(),
        "      - env: NEXT_RUNTIME\n      - env: TEST_ENV_NUMBER\n",
    );
    for (id, who) in [
        ("env:NEXT_RUNTIME", "Next.js"),
        ("env:TEST_ENV_NUMBER", "parallel_tests"),
    ] {
        let f = finding(&v, id);
        assert_eq!(codes(f), ["config-not-wired"], "{f:#}");
        assert_eq!(f["confidence"], "low", "{f:#}");
        assert!(f["notes"].as_str().unwrap().contains(who), "{f:#}");
    }
    std::fs::write(
        ws.path().join("web/port.ts"),
        "export const n = process.env.TEST_ENV_NUMBER;\n",
    )
    .unwrap();
    let v = audit_points(ws.path(), "      - env: TEST_ENV_NUMBER\n");
    let f = finding(&v, "env:TEST_ENV_NUMBER");
    assert_eq!(f["confidence"], "high", "{f:#}");
}

// `NODE_ENV` read only in JavaScript/TypeScript is set by the toolchain
// (Next.js, Vite, webpack, Jest): not defined in any config it is still
// `config-not-wired`, with confidence low and a note (ai-chatbot's
// NODE_ENV was "read in ai-chatbot but defined only in the config of hcb"
// with confidence high). A Ruby read of it is an ordinary var.
#[test]
fn node_env_is_set_by_the_js_toolchain() {
    let ws = tree(&[
        (
            "web/lib/constants.ts",
            "export const dev = process.env.NODE_ENV === \"development\";\n",
        ),
        ("api/config/app.rb", "MODE = ENV[\"NODE_ENV\"]\n"),
        ("ops/.env.example", "OTHER=1\n"),
    ]);
    let v = audit_points(ws.path(), "      - env: NODE_ENV\n        repo: web\n");
    let f = finding(&v, "env:NODE_ENV");
    assert_eq!(codes(f), ["config-not-wired"], "{f:#}");
    assert_eq!(f["confidence"], "high", "{f:#}");
    std::fs::remove_file(ws.path().join("api/config/app.rb")).unwrap();
    let v = audit_points(ws.path(), "      - env: NODE_ENV\n        repo: web\n");
    let f = finding(&v, "env:NODE_ENV");
    assert_eq!(codes(f), ["config-not-wired"], "{f:#}");
    assert_eq!(f["confidence"], "low", "{f:#}");
    assert!(f["notes"].as_str().unwrap().contains("toolchain"), "{f:#}");
}

// A dispatch on a chain keeps its receiver: `plan.new.try(method)` runs an
// instance method of an object just made, never the class method
// `Plan.popularities` (hcb: a possible dynamic caller of a class method,
// issue 14), and its code is shown whole; a dispatch on an association
// (`event.plans.public_send(scope)`) may still reach it.
#[test]
fn dispatches_on_chains_keep_their_receiver() {
    let ws = tree(&[
        (
            "bank/app/models/plan.rb",
            "class Plan < ApplicationRecord\n  def self.popularities\n    {}\n  end\n\n  def self.that(method)\n    available.select { |plan| plan.new.try(method) } # popularities\n  end\nend\n",
        ),
        (
            "bank/app/models/event.rb",
            "class Event < ApplicationRecord\n  def pick(scope)\n    self.plans.public_send(scope) # popularities\n  end\nend\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - method: Plan.popularities\n        repo: bank\n",
    );
    let f = finding(&v, "method:Plan.popularities");
    let sites: Vec<(String, String)> = f["dynamic_call_sites"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| {
                    (
                        s["location"].as_str().unwrap().into(),
                        s["code"].as_str().unwrap().into(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        sites,
        [(
            "bank/app/models/event.rb:3".to_string(),
            "self.plans.public_send(scope)".to_string()
        )],
        "{f:#}"
    );
}

// A receiver abbreviated to a model's initials holds that model: in a
// file that names both, `@rpst.stripe_transaction["reason"]` reads
// `RawPendingStripeTransaction`'s column, not `RawStripeTransaction`'s
// of the same name, and `rst.stripe_transaction["memo"]` reads the
// latter's (hcb, issue 14).
#[test]
fn receivers_abbreviated_to_a_models_initials() {
    let ws = tree(&[
        (
            "bank/db/schema.rb",
            "ActiveRecord::Schema.define do\n  create_table \"raw_stripe_transactions\" do |t|\n    t.jsonb \"stripe_transaction\"\n  end\n  create_table \"raw_pending_stripe_transactions\" do |t|\n    t.jsonb \"stripe_transaction\"\n  end\nend\n",
        ),
        (
            "bank/app/models/raw_stripe_transaction.rb",
            "class RawStripeTransaction < ApplicationRecord\nend\n",
        ),
        (
            "bank/app/models/raw_pending_stripe_transaction.rb",
            "class RawPendingStripeTransaction < ApplicationRecord\nend\n",
        ),
        (
            "bank/app/jobs/decline_job.rb",
            "class DeclineJob < ApplicationJob\n  def perform(id)\n    @rpst = RawPendingStripeTransaction.find(id)\n    RawStripeTransaction.all.each do |rst|\n      puts rst.stripe_transaction[\"memo\"]\n    end\n    @rpst.stripe_transaction[\"reason\"]\n  end\nend\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - jsonb: RawStripeTransaction.stripe_transaction\n",
    );
    let f = finding(&v, "jsonb:RawStripeTransaction.stripe_transaction");
    let read: Vec<&str> = f["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key"].as_str().unwrap())
        .collect();
    assert_eq!(read, ["memo"], "{f:#}");
}

// An operator on a class looked up by name compares classes
// (`plan.constantize <= Plans::Affiliate` in hcb's view): no dispatch
// site of `Plans::Affiliate#new`; a method called on it
// (`plan.constantize.describe`) still is one of the class method.
#[test]
fn operators_on_constantized_classes_dispatch_nothing() {
    let ws = tree(&[
        (
            "bank/app/models/plans/affiliate.rb",
            "module Plans\n  class Affiliate\n    def new\n    end\n\n    def self.describe\n    end\n  end\nend\n",
        ),
        (
            "bank/app/views/plans/_form.html.erb",
            "<%# new describe %>\n<% unless event.plan.constantize <= Plans::Affiliate %>\n  <%= event.plan.constantize.describe %>\n<% end %>\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - method: Plans::Affiliate#new\n      - method: Plans::Affiliate.describe\n",
    );
    let f = finding(&v, "method:Plans::Affiliate#new");
    assert_eq!(strings(&f["dynamic_callers"]), Vec::<String>::new(), "{f:#}");
    let f = finding(&v, "method:Plans::Affiliate.describe");
    assert_eq!(
        strings(&f["dynamic_callers"]),
        ["bank/app/views/plans/_form.html.erb:3"],
        "{f:#}"
    );
}

// Two apps of a workspace each with a `User`: each app's class has its own
// superclass and mixins. `User#greet` planned in `a` is the `Greeting`
// that a's `User` includes, not b's `Base#greet`, and b's calls are b's
// own (before, another app's `User` answered for a's and the point was
// "defined only in c", confidence high); planned in `b`, it is b's
// `Base#greet`.
#[test]
fn each_app_resolves_its_own_class_of_a_shared_name() {
    let ws = tree(&[
        (
            "a/app/models/user.rb",
            "class User < ApplicationRecord\n  include Greeting\nend\n",
        ),
        (
            "a/app/models/greeting.rb",
            "module Greeting\n  def greet\n  end\nend\n",
        ),
        (
            "a/app/services/welcome.rb",
            "class Welcome\n  def run\n    User.first.greet\n  end\nend\n",
        ),
        ("b/app/models/user.rb", "class User < Base\nend\n"),
        ("b/app/models/base.rb", "class Base\n  def greet\n  end\nend\n"),
        (
            "b/app/services/hi.rb",
            "class Hi\n  def run\n    User.find(1).greet\n  end\nend\n",
        ),
        // A third app whose `User` defines its own `greet`.
        ("c/app/models/user.rb", "class User\n  def greet\n  end\nend\n"),
    ]);
    for (repo, def, caller) in [
        ("a", "a/app/models/greeting.rb:2", "a/app/services/welcome.rb:3"),
        ("b", "b/app/models/base.rb:2", "b/app/services/hi.rb:3"),
    ] {
        let v = audit_points(
            ws.path(),
            &format!("      - method: User#greet\n        repo: {repo}\n"),
        );
        let f = finding(&v, "method:User#greet");
        assert_eq!(definition_locations(f), [def], "{f:#}");
        assert_eq!(strings(&f["callers_found"]), [caller], "{f:#}");
        assert_eq!(codes(f), Vec::<String>::new(), "{f:#}");
    }
}

// A column that no scanned code writes at all (hcb's
// `RawIncreaseTransaction.increase_transaction`, an API payload whose
// importer is gone) has its keys read and never written, but that is no
// drift seamscan can check: confidence low with a note. One written key
// beside them makes the unwritten read a drift again (high).
#[test]
fn keys_of_a_column_nothing_writes_are_low_confidence() {
    let files = |writer: &str| {
        tree(&[
            (
                "bank/db/schema.rb",
                "ActiveRecord::Schema.define do\n  create_table \"raw_transfers\" do |t|\n    t.jsonb \"payload\"\n  end\nend\n",
            ),
            (
                "bank/app/models/raw_transfer.rb",
                &format!(
                    "class RawTransfer < ApplicationRecord\n  def category\n    payload.dig(\"source\", \"category\")\n  end\n{writer}end\n"
                ),
            ),
        ])
    };
    let ws = files("");
    let v = audit_points(ws.path(), "      - jsonb: RawTransfer.payload\n");
    let f = finding(&v, "jsonb:RawTransfer.payload");
    assert_eq!(codes(f), ["json-key-read-never-written"], "{f:#}");
    assert_eq!(f["confidence"], "low", "{f:#}");
    assert!(
        f["notes"]
            .as_str()
            .unwrap()
            .contains("No scanned code writes `payload` at all"),
        "{f:#}"
    );
    let ws = files("\n  def stamp\n    payload[\"stamped\"] = true\n  end\n");
    let v = audit_points(ws.path(), "      - jsonb: RawTransfer.payload\n");
    let f = finding(&v, "jsonb:RawTransfer.payload");
    assert_eq!(f["confidence"], "high", "{f:#}");
}

// An app that loads several route files (`config.paths["config/routes.rb"]
// = %w(config/routes/api.rb config/routes.rb config/routes/spree.rb)`):
// a file of `config/routes/` that draws its routes itself is a route set,
// not a partial for `draw(:name)`, and one file may draw the app's routes
// and an engine's (openfoodnetwork's `spree.rb`: `POST /api_keys` was
// "no route serves", confidence high). Only the engine's routes are in its
// isolated namespace; a partial drawn with `draw(:admin)` is read once;
// `devise_for` is routing seamscan cannot read, so an action only it may
// route (`omniauth_callbacks#failure`) has no route with confidence low.
#[test]
fn route_files_that_draw_themselves_and_engine_draws_in_one_file() {
    let ws = tree(&[
        (
            "shop/lib/spree/core/engine.rb",
            "module Spree\n  module Core\n    class Engine < ::Rails::Engine\n      isolate_namespace Spree\n    end\n  end\nend\n",
        ),
        (
            "shop/config/routes.rb",
            "Shop::Application.routes.draw do\n  draw :admin\n  mount Spree::Core::Engine, at: \"/\"\nend\n",
        ),
        (
            "shop/config/routes/admin.rb",
            "namespace :admin do\n  resources :reports, only: [:index]\nend\n",
        ),
        (
            "shop/config/routes/spree.rb",
            "Shop::Application.routes.draw do\n  scope module: \"spree\" do\n    resources :orders, only: [:show]\n  end\nend\n\nSpree::Core::Engine.routes.draw do\n  devise_for :spree_user, controllers: { omniauth_callbacks: \"omniauth_callbacks\" }\n  resources :api_keys, only: [:create]\nend\n",
        ),
        (
            "shop/app/controllers/spree/api_keys_controller.rb",
            "module Spree\n  class ApiKeysController < ApplicationController\n    def create\n    end\n  end\nend\n",
        ),
        (
            "shop/app/controllers/spree/orders_controller.rb",
            "module Spree\n  class OrdersController < ApplicationController\n    def show\n    end\n  end\nend\n",
        ),
        (
            "shop/app/controllers/admin/reports_controller.rb",
            "module Admin\n  class ReportsController < ApplicationController\n    def index\n    end\n  end\nend\n",
        ),
        (
            "shop/app/controllers/omniauth_callbacks_controller.rb",
            "class OmniauthCallbacksController < Devise::OmniauthCallbacksController\n  def failure\n    super\n  end\nend\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - route: POST /api_keys\n      - route: GET /orders/:id\n      - route: GET /admin/reports\n      - action: omniauth_callbacks#failure\n",
    );
    let f = finding(&v, "route:POST /api_keys");
    assert_eq!(
        definition_locations(f),
        ["shop/config/routes/spree.rb:9"],
        "{f:#}"
    );
    assert!(!codes(f).contains(&"missing-layer".to_string()), "{f:#}");
    let f = finding(&v, "route:GET /orders/:id");
    assert_eq!(
        definition_locations(f),
        ["shop/config/routes/spree.rb:3"],
        "{f:#}"
    );
    assert!(!codes(f).contains(&"missing-layer".to_string()), "{f:#}");
    let f = finding(&v, "route:GET /admin/reports");
    assert_eq!(
        definition_locations(f),
        ["shop/config/routes/admin.rb:2"],
        "{f:#}"
    );
    let f = finding(&v, "action:omniauth_callbacks#failure");
    assert_eq!(codes(f), ["missing-layer"], "{f:#}");
    assert_eq!(f["confidence"], "low", "{f:#}");
}

// Routing code seamscan cannot read lowers the confidence of route and
// action verdicts in its own app only: openfoodnetwork's `devise_for` made
// dub's Next.js route `no-callers` and a Rails blog's unrouted action low.
#[test]
fn unread_routing_code_lowers_confidence_in_its_own_app_only() {
    let ws = tree(&[
        (
            "shop/config/routes.rb",
            "Rails.application.routes.draw do\n  devise_for :users\n  resources :orders, only: [:index]\nend\n",
        ),
        (
            "blog/config/routes.rb",
            "Rails.application.routes.draw do\n  resources :posts, only: [:index]\nend\n",
        ),
        (
            "blog/app/controllers/posts_controller.rb",
            "class PostsController < ApplicationController\n  def index\n  end\n\n  def archive\n  end\nend\n",
        ),
        (
            "shop/app/controllers/sessions_controller.rb",
            "class SessionsController < ApplicationController\n  def failure\n  end\nend\n",
        ),
        (
            "web/app/api/ping/route.ts",
            "export async function POST() {\n  return Response.json({});\n}\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - route: POST /api/ping\n        repo: web\n      - action: posts#archive\n        repo: blog\n      - action: sessions#failure\n        repo: shop\n",
    );
    let f = finding(&v, "route:POST /api/ping");
    assert_eq!(codes(f), ["no-callers"], "{f:#}");
    assert_eq!(f["confidence"], "high", "{f:#}");
    let f = finding(&v, "action:posts#archive");
    assert!(codes(f).contains(&"missing-layer".to_string()), "{f:#}");
    assert_eq!(f["confidence"], "high", "{f:#}");
    let f = finding(&v, "action:sessions#failure");
    assert_eq!(f["confidence"], "low", "{f:#}");
}

// A queue or scheduler that calls a URL back requests its path: dub's
// `qstash.publishJSON({ url: `${APP_DOMAIN}/api/cron/links/invalidate` })`
// calls `POST /api/cron/links/invalidate` (it was `no-callers`, confidence
// high); a `method:` in the message decides the verb; an object with a
// `url` given to any other call (`track({ url })`) requests nothing.
#[test]
fn urls_handed_to_queues_and_schedulers_request_the_route() {
    let ws = tree(&[
        (
            "web/app/api/cron/links/invalidate/route.ts",
            "export async function POST(req: Request) {\n  return Response.json({});\n}\n",
        ),
        (
            "web/app/api/cron/links/refresh/route.ts",
            "export async function POST(req: Request) {\n  return Response.json({});\n}\n",
        ),
        (
            "web/lib/actions/delete-discount.ts",
            "import { qstash } from \"@/lib/cron\";\n\nexport async function deleteDiscount(id: string) {\n  await qstash.publishJSON({\n    url: `${APP_DOMAIN}/api/cron/links/invalidate`,\n    body: { id },\n  });\n  await qstash.publishJSON({ url: `${APP_DOMAIN}/api/cron/links/refresh`, method: \"GET\" });\n  track({ url: `${APP_DOMAIN}/api/cron/links/refresh` });\n}\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - route: POST /api/cron/links/invalidate\n      - route: POST /api/cron/links/refresh\n",
    );
    let f = finding(&v, "route:POST /api/cron/links/invalidate");
    assert_eq!(
        strings(&f["callers_found"]),
        ["web/lib/actions/delete-discount.ts:4"],
        "{f:#}"
    );
    let f = finding(&v, "route:POST /api/cron/links/refresh");
    assert_eq!(codes(f), ["no-callers"], "{f:#}");
}

// Request functions destructured from a client hook (umami's `const { get,
// del } = useApi()`, whose base `/api` is set inside the hook) request
// their path with that verb; the match is `path-prefix-var`. Before, `GET
// /api/links/:linkId/shares` was `no-callers` (confidence high once
// another app's unread routing no longer lowered it). A `get` from a store
// requests nothing; and a request whose base is unknown, in a repo that
// serves a route ending with its path, is its own server's (umami's
// `get(`/users/${id}`)` was a caller of huginn's `GET /users/:id`).
#[test]
fn request_functions_destructured_from_a_client_hook() {
    let ws = tree(&[
        (
            "web/src/app/api/links/[linkId]/shares/route.ts",
            "export async function GET(req: Request) {\n  return Response.json([]);\n}\n",
        ),
        (
            "web/src/app/api/links/[linkId]/route.ts",
            "export async function DELETE(req: Request) {\n  return Response.json({});\n}\n",
        ),
        (
            "web/src/hooks/useLinkShares.ts",
            "export function useLinkShares(linkId: string) {\n  const { get, del } = useApi();\n  const { get: read } = useStore();\n  read(`/links/${linkId}`);\n  del(`/links/${linkId}`);\n  get(`/users/${linkId}`);\n  return get(`/links/${linkId}/shares`);\n}\n",
        ),
        (
            "web/src/app/api/users/[userId]/route.ts",
            "export async function GET(req: Request) {\n  return Response.json({});\n}\n",
        ),
        (
            "rails/config/routes.rb",
            "Rails.application.routes.draw do\n  resources :users, only: [:show]\nend\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - route: GET /api/links/:linkId/shares\n      - route: DELETE /api/links/:linkId\n      - route: GET /api/links/:linkId\n      - route: GET /users/:id\n        repo: rails\n      - route: GET /api/users/:userId\n",
    );
    let f = finding(&v, "route:GET /api/links/:linkId/shares");
    assert_eq!(
        strings(&f["callers_found"]),
        ["web/src/hooks/useLinkShares.ts:7"],
        "{f:#}"
    );
    assert_eq!(f["caller_matches"][0]["match"], "path-prefix-var", "{f:#}");
    // A base held elsewhere, in a repo that serves a route ending with the
    // path: its own server's, not another app's `GET /users/:id`.
    let f = finding(&v, "route:GET /api/users/:userId");
    assert_eq!(
        strings(&f["callers_found"]),
        ["web/src/hooks/useLinkShares.ts:6"],
        "{f:#}"
    );
    let f = finding(&v, "route:GET /users/:id");
    assert!(strings(&f["callers_found"]).is_empty(), "{f:#}");
    let f = finding(&v, "route:DELETE /api/links/:linkId");
    assert_eq!(
        strings(&f["callers_found"]),
        ["web/src/hooks/useLinkShares.ts:5"],
        "{f:#}"
    );
    let f = finding(&v, "route:GET /api/links/:linkId");
    assert!(strings(&f["callers_found"]).is_empty(), "{f:#}");
}

// A route named like a webhook or callback endpoint is called by a service
// outside the scanned repos (dub's `POST /api/intercom/webhook/health-check`
// was `no-callers`, confidence high): `no-callers` with confidence low and
// a note; so is one served from a Next.js route group for old URLs
// (formbricks' `app/(redirects)/...`). Other routes keep their confidence.
#[test]
fn webhook_and_callback_routes_without_callers_are_low_confidence() {
    let ws = tree(&[
        (
            "web/app/api/intercom/webhook/health-check/route.ts",
            "export async function POST(req: Request) {\n  return Response.json({});\n}\n",
        ),
        (
            "web/app/api/auth/callback/route.ts",
            "export async function GET(req: Request) {\n  return Response.json({});\n}\n",
        ),
        (
            "web/app/api/reports/route.ts",
            "export async function POST(req: Request) {\n  return Response.json({});\n}\n",
        ),
        (
            "web/app/(redirects)/environments/[environmentId]/[...path]/route.ts",
            "import { redirect } from \"next/navigation\";\n\nexport const GET = async () => {\n  return redirect(\"/workspaces\");\n};\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - route: POST /api/intercom/webhook/health-check\n      - route: GET /api/auth/callback\n      - route: GET /environments/:environmentId/*path\n      - route: POST /api/reports\n",
    );
    for (id, confidence) in [
        ("route:POST /api/intercom/webhook/health-check", "low"),
        ("route:GET /api/auth/callback", "low"),
        ("route:GET /environments/:environmentId/*path", "low"),
        ("route:POST /api/reports", "high"),
    ] {
        let f = finding(&v, id);
        assert_eq!(codes(f), ["no-callers"], "{f:#}");
        assert_eq!(f["confidence"], confidence, "{f:#}");
    }
}

// Rails' polymorphic routes: a record or an array of records and symbols
// given to `link_to` / `button_to` / `redirect_to` / `form_for` /
// `form_with model:` is a request of the route named after them (postal's
// `form_for @ip_pool` and `link_to "Delete", [@ip_pool], method: :delete`:
// PATCH and DELETE /ip_pools/:id were `no-callers`, confidence high). A
// form without `method:` updates a saved record or creates a new one.
#[test]
fn polymorphic_record_targets_request_their_routes() {
    let ws = tree(&[
        (
            "mail/config/routes.rb",
            "Rails.application.routes.draw do\n  resources :ip_pools do\n    resources :ip_addresses\n  end\n  resources :servers, only: [:destroy]\n  resources :organizations do\n    resources :credentials, only: [:destroy]\n  end\nend\n",
        ),
        (
            "mail/app/views/credentials/_form.html.haml",
            "= link_to \"Delete credential\", [organization, @credential], :method => :delete\n",
        ),
        (
            "mail/app/views/ip_pools/_form.html.haml",
            "= form_for @ip_pool, :remote => true do |f|\n  = f.text_field :name\n= link_to \"Delete IP pool\", [@ip_pool], :method => :delete\n= link_to ip.ipv4, [:edit, @ip_pool, :ip_address]\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - route: PATCH /ip_pools/:id\n      - route: POST /ip_pools\n      - route: DELETE /ip_pools/:id\n      - route: GET /ip_pools/:ip_pool_id/ip_addresses/:id/edit\n      - route: DELETE /servers/:id\n      - route: DELETE /organizations/:organization_id/credentials/:id\n",
    );
    for (id, at) in [
        (
            "route:PATCH /ip_pools/:id",
            "mail/app/views/ip_pools/_form.html.haml:1",
        ),
        (
            "route:POST /ip_pools",
            "mail/app/views/ip_pools/_form.html.haml:1",
        ),
        (
            "route:DELETE /ip_pools/:id",
            "mail/app/views/ip_pools/_form.html.haml:3",
        ),
        (
            "route:DELETE /organizations/:organization_id/credentials/:id",
            "mail/app/views/credentials/_form.html.haml:1",
        ),
    ] {
        let f = finding(&v, id);
        assert_eq!(strings(&f["callers_found"]), [at], "{f:#}");
    }
    let f = finding(&v, "route:DELETE /servers/:id");
    assert!(codes(f).contains(&"no-callers".to_string()), "{f:#}");
}

// An event subscribed to only with `.on('x')` (the API of every emitter) and
// emitted by no literal in the workspace may be emitted by a library object
// (tiptap's `editor.on('transaction')`, a Y.Doc's `update`) or by a server
// that emits the name from a variable (`socketio.emit(event.name)`): outline
// and docuseal had these as a missing producer with confidence high. A
// NestJS `@OnEvent` consumer names the app's own bus and stays high.
#[test]
fn events_heard_only_through_generic_listeners_are_low_confidence_without_producer() {
    let ws = tree(&[
        (
            "web/src/editor.ts",
            "export function mount(editor: any) {\n  editor.on(\"transaction\", () => {});\n}\n",
        ),
        (
            "web/src/socket.ts",
            "export function listen(socket: any) {\n  socket.on(\"users.promote\", () => {});\n}\n",
        ),
        (
            "api/src/server.ts",
            "export function push(io: any, event: { name: string }) {\n  io.to(\"room\").emit(event.name, {});\n}\n",
        ),
        (
            "api/src/listener.ts",
            "import { OnEvent } from \"@nestjs/event-emitter\";\n\nexport class Listener {\n  @OnEvent(\"order.paid\")\n  handle() {}\n}\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - event: transaction\n      - event: users.promote\n      - event: order.paid\n",
    );
    for (id, confidence) in [
        ("event:transaction", "low"),
        ("event:users.promote", "low"),
        ("event:order.paid", "high"),
    ] {
        let f = finding(&v, id);
        assert_eq!(codes(f), ["missing-layer"], "{f:#}");
        assert_eq!(f["confidence"], confidence, "{f:#}");
    }
}

// A bare JSON column (`jsonb: metadata`, as `plan --from-diff` drafts
// them) that one model alone declares in the planned repo is that model's
// column: keys on receivers of other files are not its own. Declared by
// several models (maybe's `data` on sessions, syncs and issues), the finding
// says the keys mix (confidence low), a view component's `data:` attributes
// (`Toggle.new(data: { action: ... })`) are not the column, and another
// repo's `res.data.users` is another database's (outline's, in one
// workspace with maybe).
#[test]
fn bare_json_columns_belong_to_the_models_that_declare_them() {
    let ws = tree(&[
        (
            "app/db/schema.rb",
            "ActiveRecord::Schema.define do\n  create_table \"sessions\" do |t|\n    t.jsonb \"data\"\n  end\n  create_table \"syncs\" do |t|\n    t.jsonb \"data\"\n  end\n  create_table \"videos\" do |t|\n    t.jsonb \"metadata\"\n  end\nend\n",
        ),
        (
            "app/app/models/session.rb",
            "class Session < ApplicationRecord\n  def set_tab(v)\n    data[\"tab\"] = v\n  end\n\n  def tab\n    data[\"tab\"]\n  end\nend\n",
        ),
        ("app/app/models/sync.rb", "class Sync < ApplicationRecord\nend\n"),
        (
            "app/app/models/video.rb",
            "class Video < ApplicationRecord\n  def narrate(url)\n    metadata[\"tts_url\"] = url\n  end\n\n  def narration\n    metadata[\"tts_url\"]\n  end\nend\n",
        ),
        (
            "app/app/services/report.rb",
            "class Report\n  def stamp(r)\n    r.metadata[\"title\"] = 1\n  end\nend\n",
        ),
        (
            "app/app/components/toggle.rb",
            "class Toggle\n  def initialize(data: {})\n    @data = data\n  end\nend\n",
        ),
        (
            "app/app/views/budgets/edit.html.erb",
            "<%= render Toggle.new(data: { action: \"change->x#y\" }) %>\n",
        ),
        (
            "web/src/users.ts",
            "export async function load(api: any) {\n  const res = await api.get(\"/users\");\n  return res.data.users;\n}\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - jsonb: metadata\n        repo: app\n      - jsonb: data\n        repo: app\n",
    );
    let keys = |f: &Value| -> Vec<String> {
        f["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["key"].as_str().unwrap().to_string())
            .collect()
    };
    let meta = finding(&v, "jsonb:metadata");
    assert_eq!(keys(meta), ["tts_url"], "{meta:#}");
    assert!(
        meta["notes"].as_str().unwrap().contains("`Video.metadata`"),
        "{meta:#}"
    );
    let data = finding(&v, "jsonb:data");
    assert_eq!(keys(data), ["tab"], "{data:#}");
    assert_eq!(data["confidence"], "low", "{data:#}");
    assert!(
        data["notes"]
            .as_str()
            .unwrap()
            .contains("several models (`Session`, `Sync`)"),
        "{data:#}"
    );
}

// TypeScript: a whole object assigned to a record's JSON column writes its
// keys, also as a branch of `c ? {...} : null` (outline's
// `revision.sourceMetadata = authType ? { authType } : null`, whose
// `authType` was "read but never written").
#[test]
fn objects_assigned_to_a_typescript_json_column_write_their_keys() {
    let ws = tree(&[
        (
            "api/src/models/Revision.ts",
            "import { Column, DataType, Table, Model } from \"sequelize-typescript\";\n\n@Table\nexport class Revision extends Model {\n  @Column(DataType.JSONB)\n  sourceMetadata: { authType?: string; via?: string } | null;\n\n  static build(revision: Revision, authType?: string) {\n    revision.sourceMetadata = authType ? { authType } : null;\n  }\n}\n",
        ),
        (
            "api/src/presenters/revision.ts",
            "import { Revision } from \"../models/Revision\";\n\nexport function present(revision: Revision) {\n  return { authType: revision.sourceMetadata?.authType, via: revision.sourceMetadata?.via };\n}\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - jsonb: Revision.sourceMetadata\n");
    let f = finding(&v, "jsonb:Revision.sourceMetadata");
    let keys: Vec<(String, usize, usize)> = f["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["key"].as_str().unwrap().to_string(),
                k["written_at"].as_array().unwrap().len(),
                k["read_at"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(
        keys,
        [("authType".to_string(), 1, 1), ("via".to_string(), 0, 1)],
        "{f:#}"
    );
    assert_eq!(codes(f), ["json-key-read-never-written"], "{f:#}");
}

// A class's own emitter (`emit(:output_text, chunk)` with listeners it
// keeps itself) produces the event its callers hear through
// `responder.on(:output_text) { }` (maybe's assistant: missing producer at
// confidence high); a Ruby `.on(:x)` heard with no emitter at all is as
// blind as a TypeScript one. And keys read through a method that returns
// the column (`def stored_params; Current.session.prev_params; end`, then
// `stored_params["q"]`) are reads of it (maybe's
// `prev_transaction_page_params` was "written, never read", high).
#[test]
fn ruby_own_emitters_and_keys_read_through_a_column_reader() {
    let ws = tree(&[
        (
            "app/app/models/responder.rb",
            "class Responder\n  def on(event, &block)\n    listeners[event] << block\n  end\n\n  def respond\n    emit(:output_text, \"hi\")\n  end\n\n  private\n\n  def emit(event, payload = nil)\n    listeners[event].each { |b| b.call(payload) }\n  end\nend\n",
        ),
        (
            "app/app/models/assistant.rb",
            "class Assistant\n  def answer(responder)\n    responder.on(:output_text) { |t| puts t }\n    responder.on(:heartbeat) { |t| puts t }\n  end\nend\n",
        ),
        (
            "app/db/schema.rb",
            "ActiveRecord::Schema.define do\n  create_table \"sessions\" do |t|\n    t.jsonb \"prev_params\"\n  end\nend\n",
        ),
        (
            "app/app/models/session.rb",
            "class Session < ApplicationRecord\nend\n",
        ),
        (
            "app/app/controllers/transactions_controller.rb",
            "class TransactionsController < ApplicationController\n  def index\n    Current.session.update!(prev_params: { q: params[:q], page: params[:page] })\n    redirect_to root_path if stored_params[\"q\"].present?\n  end\n\n  private\n\n  def stored_params\n    Current.session.prev_params\n  end\nend\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - event: output_text\n      - event: heartbeat\n      - jsonb: Session.prev_params\n",
    );
    let f = finding(&v, "event:output_text");
    assert_eq!(codes(f), Vec::<String>::new(), "{f:#}");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/app/models/responder.rb:7"],
        "{f:#}"
    );
    let f = finding(&v, "event:heartbeat");
    assert_eq!(codes(f), ["missing-layer"], "{f:#}");
    assert_eq!(f["confidence"], "low", "{f:#}");
    let f = finding(&v, "jsonb:Session.prev_params");
    assert_eq!(codes(f), ["json-key-written-never-read"], "{f:#}");
    assert!(
        f["problems"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("`page`"),
        "{f:#}"
    );
}

// A bare `jsonb: data` point (no model) is the column of every class whose
// table declares it or that declares its keys (`store :settings, accessors:
// [...]`), and so is `Model.data` of its model: a Ruby key access counts
// only where it can hold one of them. feedbin's `render X::Component.new
// data: {capsule: "true"}` (an HTML option), `response.data[:host]` on a
// Fog response, a presenter's own `settings[...]` and a plain class with
// `attr_reader :data` were printed as the column's keys.
#[test]
fn keys_of_a_bare_column_belong_to_the_classes_that_have_it() {
    let ws = tree(&[
        (
            "app/db/migrate/1_create_entries.rb",
            "class CreateEntries < ActiveRecord::Migration[7.0]\n  def change\n    create_table :entries do |t|\n      t.jsonb :data\n    end\n  end\nend\n",
        ),
        (
            "app/app/models/entry.rb",
            "class Entry < ApplicationRecord\n  def clip_id\n    data[\"clip_id\"]\n  end\nend\n",
        ),
        (
            "app/app/models/user.rb",
            "class User < ApplicationRecord\n  store :settings, accessors: [:font], coder: JSON\nend\n",
        ),
        (
            "app/app/models/card_data.rb",
            "class CardData\n  attr_reader :data\n  def title\n    data[\"title\"]\n  end\nend\n",
        ),
        (
            "app/app/presenters/user_presenter.rb",
            "class UserPresenter\n  def settings\n    @settings ||= {}\n  end\n  def width\n    settings[\"width\"]\n  end\nend\n",
        ),
        (
            "app/app/components/pill_component.rb",
            "class PillComponent\n  def initialize(data: {})\n  end\nend\n",
        ),
        (
            "app/app/jobs/upload_job.rb",
            "class UploadJob\n  def perform(id)\n    entry = Entry.find(id)\n    entry.data[\"clip_id\"] = 1\n    response = Cloud::Storage.new(region: 1).put_object(\"b\")\n    response.data[:host]\n  end\nend\n",
        ),
        (
            "app/app/views/entries/show.html.erb",
            "<%= render PillComponent.new(class: \"x\", data: {capsule: \"true\"}) %>\n<%= @entry.data[\"clip_id\"] %>\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - jsonb: data\n      - jsonb: settings\n      - jsonb: Entry.data\n",
    );
    for id in ["jsonb:data", "jsonb:Entry.data"] {
        let f = finding(&v, id);
        let keys: Vec<&str> = f["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["key"].as_str().unwrap())
            .collect();
        assert_eq!(keys, ["clip_id"], "{f:#}");
        assert!(codes(f).is_empty(), "{f:#}");
        assert_eq!(f["confidence"], "high", "{f:#}");
    }
    let f = finding(&v, "jsonb:settings");
    let keys: Vec<&str> = f["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["font"], "{f:#}");
    assert!(
        f["notes"].as_str().unwrap().contains("user_presenter.rb"),
        "{f:#}"
    );
}

// An event subscribed to in JavaScript/TypeScript under the name of a DOM
// or Node.js event is emitted by the runtime on its own objects: jQuery's
// `$(el).on("mousedown")` (and namespaced `change.embed`), a worker's
// `exit` and `message`. They were `missing-layer` (nothing emits it) or
// `test-only-callers` with confidence high (openstreetmap-website, logto).
#[test]
fn dom_and_node_events_are_emitted_by_the_runtime() {
    let ws = tree(&[
        (
            "web/app/assets/javascripts/map.js",
            "$(document).ready(function () {\n  $(\"#map\").on(\"mousedown\", function () {});\n  $(\"#embed\").on(\"change.embed\", function () {});\n  bus.on(\"route.planned\", function () {});\n  bus.emit(\"route.cleared\");\n});\n",
        ),
        (
            "maps/app/javascript/zones.js",
            "const map = new Widget.Map();\nmap.once(\"style.load\", () => {});\n",
        ),
        (
            "core/src/pool.ts",
            "export const watch = (worker: Worker) => {\n  worker.on('exit', () => {});\n  worker.on('message', () => {});\n};\n",
        ),
        (
            "core/src/pool.test.ts",
            "it('posts', () => {\n  fakeWorker.emit('message', { ok: true });\n});\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - event: mousedown\n      - event: change.embed\n      - event: exit\n      - event: message\n      - event: route.planned\n      - event: style.load\n",
    );
    for id in [
        "event:mousedown",
        "event:change.embed",
        "event:exit",
        "event:message",
    ] {
        let f = finding(&v, id);
        assert!(codes(f).is_empty(), "{f:#}");
        assert_eq!(f["confidence"], "low", "{f:#}");
    }
    // Not a runtime name, but heard only through `.on`, which any emitter
    // (a library's too) accepts: still missing its producer, at low
    // confidence (see
    // `events_heard_only_through_generic_listeners_are_low_confidence_without_producer`).
    let f = finding(&v, "event:route.planned");
    assert_eq!(codes(f), ["missing-layer"], "{f:#}");
    assert_eq!(f["confidence"], "low", "{f:#}");
    // A repo that emits no event at all listens only to a library's objects.
    let f = finding(&v, "event:style.load");
    assert_eq!(codes(f), ["missing-layer"], "{f:#}");
    assert_eq!(f["confidence"], "low", "{f:#}");
}

// Rails' `resource(s)` update is one statement serving PATCH and PUT: a
// form that PATCHes it requests the PUT route's action too (feedbin's
// `form_with url: onboarding_subscriptions_path, method: :patch`; PUT
// /onboarding/subscriptions was `no-callers`, confidence high).
#[test]
fn patch_requests_reach_the_put_route_of_the_same_statement() {
    let ws = tree(&[
        (
            "app/config/routes.rb",
            "Rails.application.routes.draw do\n  namespace :welcome do\n    resource :feeds, only: [:update]\n  end\nend\n",
        ),
        (
            "app/app/controllers/welcome/feeds_controller.rb",
            "class Welcome::FeedsController < ApplicationController\n  def update\n  end\nend\n",
        ),
        (
            "app/app/views/welcome/show.html.erb",
            "<%= form_with url: welcome_feeds_path, method: :patch do |f| %>\n<% end %>\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - route: PUT /welcome/feeds\n      - route: PATCH /welcome/feeds\n",
    );
    for id in ["route:PUT /welcome/feeds", "route:PATCH /welcome/feeds"] {
        let f = finding(&v, id);
        assert_eq!(
            strings(&f["callers_found"]),
            ["app/app/views/welcome/show.html.erb:1"],
            "{f:#}"
        );
        assert!(codes(f).is_empty(), "{f:#}");
    }
}

// koa-mount: `app.use(mount("/oauth", oauth))` mounts the Koa app `oauth`
// (and its router's routes) under `/oauth`, as `app.use("/oauth", router)`
// does. outline's OAuth and MCP routes were served at `/register` and `/`.
#[test]
fn koa_mount_prefixes_the_mounted_apps_routes() {
    let ws = tree(&[
        (
            "api/package.json",
            "{\"dependencies\": {\"koa\": \"2\", \"koa-mount\": \"4\", \"koa-router\": \"12\"}}\n",
        ),
        (
            "api/src/web.ts",
            "import Koa from \"koa\";\nimport mount from \"koa-mount\";\nimport oauth from \"./oauth\";\n\nconst app = new Koa();\napp.use(mount(\"/oauth\", oauth));\nexport default app;\n",
        ),
        (
            "api/src/oauth.ts",
            "import Koa from \"koa\";\nimport Router from \"koa-router\";\n\nconst app = new Koa();\nconst router = new Router();\nrouter.post(\"/register\", async (ctx) => {\n  ctx.body = {};\n});\napp.use(router.routes());\nexport default app;\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - route: POST /oauth/register\n");
    let f = finding(&v, "route:POST /oauth/register");
    assert_eq!(f["exists"], true, "{f:#}");
    assert_eq!(definition_locations(f), ["api/src/oauth.ts:6"], "{f:#}");
}

// A bare column's models come from the planned repo's schema: in another
// repo, a receiver merely named like one of them is that app's own record
// (docuseal's `event.data['phone']` and a DOM `event.data.type` were counted
// as keys of outline's `Event.data`).
#[test]
fn bare_column_models_keep_to_their_repo() {
    let ws = tree(&[
        (
            "api/db/schema.rb",
            "ActiveRecord::Schema.define do\n  create_table \"events\" do |t|\n    t.jsonb \"data\"\n  end\nend\n",
        ),
        (
            "api/app/models/event.rb",
            "class Event < ApplicationRecord\n  def phone\n    data[\"phone\"]\n  end\nend\n",
        ),
        (
            "api/app/services/recorder.rb",
            "class Recorder\n  def record(phone)\n    Event.create!(data: { phone: phone })\n  end\nend\n",
        ),
        (
            "other/app/lib/audit_trail.rb",
            "class AuditTrail\n  def name(event)\n    event.data[\"signer\"]\n  end\nend\n",
        ),
        (
            "other/app/javascript/picker.js",
            "export function handler(event) {\n  return event.data.type;\n}\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - jsonb: data\n        repo: api\n");
    let f = finding(&v, "jsonb:data");
    let keys: Vec<&str> = f["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["phone"], "{f:#}");
    assert!(codes(f).is_empty(), "{f:#}");
}

// A route nothing requests but whose URL the workspace hands out (an OAuth
// server's `registration_endpoint: `${origin}/oauth/register``, a share link
// built as `/s/${id}`) is requested from outside the code: its `no-callers`
// is low confidence and names where the URL is spelled. A path spelled only
// in another repo without a host is that repo's own, and a route nothing
// spells stays high.
#[test]
fn routes_whose_url_is_handed_out_are_low_confidence() {
    let ws = tree(&[
        (
            "api/package.json",
            "{\"dependencies\": {\"koa\": \"2\", \"koa-router\": \"12\"}}\n",
        ),
        (
            "api/src/routes.ts",
            "import Router from \"koa-router\";\n\nconst router = new Router();\nrouter.post(\"/oauth/register\", async (ctx) => {\n  ctx.body = {};\n});\nrouter.get(\"/s/:shareId\", async (ctx) => {\n  ctx.body = {};\n});\nrouter.get(\"/internal/stats\", async (ctx) => {\n  ctx.body = {};\n});\nexport default router;\n",
        ),
        (
            "api/src/metadata.ts",
            "export function metadata(origin: string) {\n  return {\n    registration_endpoint: `${origin}/oauth/register`,\n  };\n}\n",
        ),
        (
            "web/src/links.ts",
            "export const statsPage = \"/internal/stats\";\n",
        ),
        (
            "api/src/share.ts",
            "export function shareUrl(id: string) {\n  return `/s/${id}`;\n}\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - route: POST /oauth/register\n      - route: GET /s/:shareId\n      - route: GET /internal/stats\n",
    );
    let f = finding(&v, "route:POST /oauth/register");
    assert_eq!(codes(f), ["no-callers"], "{f:#}");
    assert_eq!(f["confidence"], "low", "{f:#}");
    assert!(
        f["notes"].as_str().unwrap().contains("api/src/metadata.ts:3"),
        "{f:#}"
    );
    let f = finding(&v, "route:GET /s/:shareId");
    assert_eq!(f["confidence"], "low", "{f:#}");
    assert!(
        f["notes"].as_str().unwrap().contains("api/src/share.ts:2"),
        "{f:#}"
    );
    // `/internal/stats` without a host in `web` is web's own page.
    let f = finding(&v, "route:GET /internal/stats");
    assert_eq!(codes(f), ["no-callers"], "{f:#}");
    assert_eq!(f["confidence"], "high", "{f:#}");
}

// A route path that starts with a value glued to text (`${config.id}.logout`,
// outline's OIDC logout) is one segment, `/:id.logout`: it serves
// `/auth/oidc.logout`, not `/auth/:id/.logout`.
#[test]
fn a_value_glued_to_a_route_paths_text_is_one_segment() {
    let ws = tree(&[
        (
            "api/package.json",
            "{\"dependencies\": {\"koa\": \"2\", \"koa-router\": \"12\"}}\n",
        ),
        (
            "api/src/oidc.ts",
            "import Router from \"koa-router\";\n\nexport function oidcRouter(config: { id: string }) {\n  const router = new Router({ prefix: \"/auth\" });\n  router.get(`${config.id}.logout`, async (ctx) => {\n    ctx.redirect(\"/\");\n  });\n  return router;\n}\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - route: GET /auth/oidc.logout\n");
    let f = finding(&v, "route:GET /auth/oidc.logout");
    assert_eq!(f["exists"], true, "{f:#}");
    assert_eq!(definition_locations(f), ["api/src/oidc.ts:5"], "{f:#}");
}

// A namespace of routes none of which anything in the workspace requests
// (feedbin's `/v2` API for its mobile apps) is served to clients outside
// the scanned repos: a `no-callers` in it is low confidence. One whose
// sibling a view links to stays high, and so does one whose plan names the
// repo that should request it.
#[test]
fn a_namespace_nothing_requests_is_low_confidence() {
    let ws = tree(&[
        (
            "app/config/routes.rb",
            "Rails.application.routes.draw do\n  namespace :v2 do\n    resources :feeds, only: [:show]\n    resources :tags, only: [:index, :create]\n  end\n  namespace :admin do\n    resources :reports, only: [:index, :show, :destroy]\n  end\nend\n",
        ),
        (
            "app/app/controllers/v2/feeds_controller.rb",
            "class V2::FeedsController < ApplicationController\n  def show\n    render json: {}\n  end\nend\n",
        ),
        (
            "app/app/controllers/v2/tags_controller.rb",
            "class V2::TagsController < ApplicationController\n  def index; end\n\n  def create\n    render json: {}, location: v2_tags_url\n  end\nend\n",
        ),
        (
            "app/app/controllers/admin/reports_controller.rb",
            "class Admin::ReportsController < ApplicationController\n  def index; end\n  def show; end\n  def destroy; end\nend\n",
        ),
        (
            "app/app/views/admin/reports/index.html.erb",
            "<%= link_to \"Report\", admin_report_path(1) %>\n",
        ),
        ("web/src/main.ts", "export const x = 1;\n"),
    ]);
    let v = audit_points(
        ws.path(),
        "      - route: GET /v2/feeds/:id\n      - route: DELETE /admin/reports/:id\n      - route: GET /v2/tags\n        callers: [web]\n",
    );
    let f = finding(&v, "route:GET /v2/feeds/:id");
    assert_eq!(codes(f), ["no-callers"], "{f:#}");
    assert_eq!(f["confidence"], "low", "{f:#}");
    assert!(
        f["notes"]
            .as_str()
            .unwrap()
            .contains("any of the 3 routes under /v2"),
        "{f:#}"
    );
    let f = finding(&v, "route:DELETE /admin/reports/:id");
    assert_eq!(codes(f), ["no-callers"], "{f:#}");
    assert_eq!(f["confidence"], "high", "{f:#}");
    let f = finding(&v, "route:GET /v2/tags");
    assert_eq!(f["confidence"], "high", "{f:#}");
}

// A member of a hook's result, destructured and called bare (outline's
// `const { feed } = useSearchIndex(q); feed(docs)`), is a call of that
// member, not of a module function `feed`: `UseSearchIndex#feed` was
// `no-callers`, confidence high. A renamed member (`{ reset: clear }`) is the
// member's call too.
#[test]
fn destructured_members_of_a_calls_result_are_its_members_calls() {
    let ws = tree(&[
        (
            "web/src/useSearchIndex.ts",
            "export interface UseSearchIndex {\n  feed: (docs: string[]) => void;\n  reset: () => void;\n}\n\nexport function useSearchIndex(q: string): UseSearchIndex {\n  return { feed: (docs) => {}, reset: () => {} };\n}\n",
        ),
        (
            "web/src/Search.tsx",
            "import { useSearchIndex } from \"./useSearchIndex\";\n\nexport function Search({ q, docs }: { q: string; docs: string[] }) {\n  const { feed, reset: clear } = useSearchIndex(q);\n  feed(docs);\n  clear();\n  return null;\n}\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - method: UseSearchIndex#feed\n      - method: UseSearchIndex#reset\n",
    );
    let f = finding(&v, "method:UseSearchIndex#feed");
    assert_eq!(strings(&f["callers_found"]), ["web/src/Search.tsx:5"], "{f:#}");
    let f = finding(&v, "method:UseSearchIndex#reset");
    assert_eq!(strings(&f["callers_found"]), ["web/src/Search.tsx:6"], "{f:#}");
}

// A function in an anonymous object literal inside a class's method
// (outline's `new Plugin({ props: { decorations: (state) => ... } })` in
// `CommentGutter#plugins`) is no member of the class: `CommentGutter.decorations`
// was defined, and `no-callers` with confidence high.
#[test]
fn object_literal_functions_in_a_method_are_not_the_classs_members() {
    let ws = tree(&[(
        "web/src/CommentGutter.ts",
        "import { Plugin } from \"prosemirror-state\";\n\nexport default class CommentGutter {\n  get plugins() {\n    return [\n      new Plugin({\n        props: {\n          decorations: (state: unknown) => null,\n        },\n      }),\n    ];\n  }\n\n  render() {\n    return null;\n  }\n}\n\nexport const api = {\n  decorate() {\n    return 1;\n  },\n};\n",
    )]);
    let v = audit_points(
        ws.path(),
        "      - method: CommentGutter.decorations\n      - method: CommentGutter#render\n",
    );
    let f = finding(&v, "method:CommentGutter.decorations");
    assert_eq!(f["exists"], false, "{f:#}");
    let f = finding(&v, "method:CommentGutter#render");
    assert_eq!(f["exists"], true, "{f:#}");
}

// `x.blank?` on a value seamscan cannot resolve is Active Support's
// `Object#blank?`, not docuseal's `ImageUtils.blank?` (a module_function):
// 26 such calls, in files that use `ImageUtils` otherwise, were listed as
// its callers.
#[test]
fn ruby_object_methods_and_class_methods_need_a_receiver_that_can_hold_them() {
    let ws = tree(&[
        (
            "app/lib/image_utils.rb",
            "module ImageUtils\n  module_function\n\n  def load(data)\n    data\n  end\n\n  def blank?(image)\n    image.nil?\n  end\nend\n",
        ),
        (
            "app/app/controllers/attachments_controller.rb",
            "class AttachmentsController < ApplicationController\n  def create\n    return head(:unprocessable_entity) if ImageUtils.blank?(image)\n\n    head :ok\n  end\nend\n",
        ),
        (
            "app/lib/fields.rb",
            "class Fields\n  def skip?(field, text_fields, data)\n    return true if field['conditions'].blank?\n    return true if text_fields.blank?\n\n    ImageUtils.load(data)\n  end\nend\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - method: ImageUtils.blank?\n");
    let f = finding(&v, "method:ImageUtils.blank?");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/app/controllers/attachments_controller.rb:3"],
        "{f:#}"
    );
}

// A relative path built from a module constant (logto's `const
// actionsApiPath = 'api/configs/actions'` and `${actionsApiPath}/${type}`
// handed to SWR) spells the route's URL: its `no-callers` is low. A
// request in a chain is located at its own line (`axios\n  .post(...)`),
// not at the chain's first.
#[test]
fn relative_paths_from_constants_and_chained_requests() {
    let ws = tree(&[
        (
            "app/package.json",
            "{\"dependencies\": {\"koa\": \"2\", \"koa-router\": \"12\", \"axios\": \"1\"}}\n",
        ),
        (
            "app/src/routes.ts",
            "import Router from \"koa-router\";\n\nconst router = new Router();\nrouter.get(\"/configs/actions/:actionType\", async (ctx) => {\n  ctx.body = {};\n});\nrouter.post(\"/configs/actions\", async (ctx) => {\n  ctx.body = {};\n});\nexport default router;\n",
        ),
        (
            "app/src/console/utils.ts",
            "const actionsApiPath = \"configs/actions\";\n\nexport const actionPath = (type: string) =>\n  `${actionsApiPath}/${type}`;\n",
        ),
        (
            "app/src/console/client.ts",
            "import axios from \"axios\";\n\nexport function create() {\n  return axios\n    .post(\"/configs/actions\", {})\n    .then((r) => r.data);\n}\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - route: GET /configs/actions/:actionType\n      - route: POST /configs/actions\n",
    );
    let f = finding(&v, "route:GET /configs/actions/:actionType");
    assert_eq!(f["confidence"], "low", "{f:#}");
    assert!(
        f["notes"]
            .as_str()
            .unwrap()
            .contains("app/src/console/utils.ts:4"),
        "{f:#}"
    );
    let f = finding(&v, "route:POST /configs/actions");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/src/console/client.ts:5"],
        "{f:#}"
    );
}

// A receiver named after a class that includes the point's concern holds
// an heir of it (maybe's `Security.online.find_each do |security|
// security.import_provider_prices(...)` for `Security::Provided`, which
// `Security` includes): a caller, though the file never spells the concern
// and another class defines a method of the name. It was `no-callers`,
// confidence high.
#[test]
fn receivers_named_after_a_concerns_includer_call_it() {
    let ws = tree(&[
        (
            "app/app/models/security/provided.rb",
            "module Security::Provided\n  extend ActiveSupport::Concern\n\n  def import_provider_prices(start_date:)\n    Security::Price::Importer.new(security: self).import_provider_prices\n  end\nend\n",
        ),
        (
            "app/app/models/security.rb",
            "class Security < ApplicationRecord\n  include Provided\nend\n",
        ),
        (
            "app/app/models/security/price/importer.rb",
            "class Security::Price::Importer\n  def initialize(security:)\n    @security = security\n  end\n\n  def import_provider_prices\n    1\n  end\nend\n",
        ),
        (
            "app/app/models/market_data_importer.rb",
            "class MarketDataImporter\n  def import_all(security)\n    security.import_provider_prices(start_date: 1)\n  end\nend\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - method: Security::Provided#import_provider_prices\n",
    );
    let f = finding(&v, "method:Security::Provided#import_provider_prices");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/app/models/market_data_importer.rb:3"],
        "{f:#}"
    );
    assert!(codes(f).is_empty(), "{f:#}");
}

// A Ruby receiver named after a class that includes a concern holds the
// concern's method, though the calling file never spells the concern
// (rubygems.org: `user.issue_password_reset!` in a mailer, for
// `PasswordResettable#issue_password_reset!` that `User` includes, was
// `no-callers` at confidence high).
#[test]
fn receiver_named_after_an_includer_calls_the_concerns_method() {
    let ws = tree(&[
        (
            "app/app/models/concerns/resettable.rb",
            "module Resettable\n  extend ActiveSupport::Concern\n\n  def issue_reset!\n    SecureRandom.hex\n  end\nend\n",
        ),
        (
            "app/app/models/member.rb",
            "class Member < ApplicationRecord\n  include Resettable\nend\n",
        ),
        (
            "app/app/mailers/reset_mailer.rb",
            "class ResetMailer < ApplicationMailer\n  def reset(member)\n    @token = member.issue_reset!\n  end\nend\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - method: Resettable#issue_reset!\n");
    let f = finding(&v, "method:Resettable#issue_reset!");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/app/mailers/reset_mailer.rb:3"],
        "{f:#}"
    );
    assert!(codes(f).is_empty(), "{f:#}");
}

// Vars the operating system gives every process (`PATH` read in any
// language) and Vitest's `VITEST` (read in TypeScript) need no config:
// `config-not-wired` has confidence low and says who sets them (lobsters'
// dbconsole initializer prepending to `PATH`, hoppscotch's
// `process.env.VITEST === "true"`). A var of the app stays high.
#[test]
fn os_and_vitest_set_vars_are_low_confidence() {
    let ws = tree(&[
        (
            "app/config/initializers/console.rb",
            "ENV[\"PATH\"] = \"/app/bin:#{ENV[\"PATH\"]}\"\nENV[\"APP_SECRET\"]\n",
        ),
        (
            "web/src/cage.ts",
            "export const inTest = process.env.VITEST === \"true\";\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - env: PATH\n      - env: VITEST\n      - env: APP_SECRET\n",
    );
    for id in ["env:PATH", "env:VITEST"] {
        let f = finding(&v, id);
        assert_eq!(codes(f), ["config-not-wired"], "{f:#}");
        assert_eq!(f["confidence"], "low", "{f:#}");
        assert!(f["notes"].as_str().unwrap().contains("is set by"), "{f:#}");
    }
    let f = finding(&v, "env:APP_SECRET");
    assert_eq!(f["confidence"], "high", "{f:#}");
}

// A Ruby operator method (`<=>`) is called by its operator and by the core
// library (`sort`, `Comparable`), never by name: `no-callers` on it has
// confidence low and says so (rubygems.org's
// `CompactIndex::GemVersionMethods#<=>` was high).
#[test]
fn ruby_operator_methods_are_framework_hooks() {
    let ws = tree(&[(
        "app/lib/version_row.rb",
        "class VersionRow\n  def <=>(other)\n    number <=> other.number\n  end\n\n  def unused_helper\n  end\nend\n",
    )]);
    let v = audit_points(
        ws.path(),
        "      - method: \"VersionRow#<=>\"\n      - method: VersionRow#unused_helper\n",
    );
    let f = finding(&v, "method:VersionRow#<=>");
    assert_eq!(codes(f), ["no-callers"], "{f:#}");
    assert_eq!(f["confidence"], "low", "{f:#}");
    assert!(f["notes"].as_str().unwrap().contains("sort"), "{f:#}");
    let f = finding(&v, "method:VersionRow#unused_helper");
    assert_eq!(f["confidence"], "high", "{f:#}");
}

// An extensionless script that opens with a shebang is unread code: counted
// under its interpreter and searched for the plan's names, so a job that
// only tests enqueue in the parsed code but a deploy hook enqueues
// (lobsters' `hatchbox/post-deploy`: `rails runner
// "RefillStoryPageCacheJob.perform_later"`) has confidence low. A file with
// no shebang (`LICENSE`) is no script.
#[test]
fn shebang_scripts_are_unread_code() {
    let ws = tree(&[
        (
            "app/app/jobs/refill_cache_job.rb",
            "class RefillCacheJob < ApplicationJob\n  queue_as :default\n\n  def perform\n  end\nend\n",
        ),
        (
            "app/spec/jobs/refill_cache_job_spec.rb",
            "RSpec.describe RefillCacheJob do\n  it \"runs\" do\n    RefillCacheJob.perform_now\n  end\nend\n",
        ),
        (
            "app/deploy/post-deploy",
            "#!/bin/bash\nset -e\nbundle exec rails runner \"RefillCacheJob.perform_later\"\n",
        ),
        ("app/LICENSE", "RefillCacheJob is mentioned here by accident.\n"),
    ]);
    let v = audit_points(ws.path(), "      - job: RefillCacheJob\n");
    assert_eq!(v["stats"]["unread_files"]["bash"], 1, "{}", v["stats"]);
    let f = finding(&v, "job:RefillCacheJob");
    assert_eq!(codes(f), ["test-only-callers"], "{f:#}");
    assert_eq!(f["confidence"], "low", "{f:#}");
    let notes = f["notes"].as_str().unwrap();
    assert!(notes.contains("app/deploy/post-deploy:3"), "{f:#}");
    assert!(!notes.contains("LICENSE"), "{f:#}");
}

// A request through a function's constant that holds one of two URLs
// (`const url = v ? `${base}/docs/${s}/${v}` : `${base}/docs/${s}``, then
// `fetch(url)`) requests both (hoppscotch's published-docs client; its
// routes were `no-callers` at confidence high).
#[test]
fn fetch_of_a_conditional_url_constant_requests_both() {
    let ws = tree(&[
        (
            "api/package.json",
            "{\"dependencies\": {\"@nestjs/core\": \"10\", \"@nestjs/common\": \"10\"}}\n",
        ),
        (
            "api/src/docs.controller.ts",
            "import { Controller, Get, Param } from '@nestjs/common';\n\n@Controller('v1/docs')\nexport class DocsController {\n  @Get(':slug')\n  latest(@Param('slug') slug: string) {\n    return { slug };\n  }\n\n  @Get(':slug/:version')\n  pinned(@Param('slug') slug: string) {\n    return { slug };\n  }\n}\n",
        ),
        (
            "web/src/docs.ts",
            "export const getDoc = async (slug: string, version?: string) => {\n  const base = import.meta.env.VITE_API_URL || \"\";\n  const url = version\n    ? `${base}/docs/${slug}/${version}`\n    : `${base}/docs/${slug}`;\n  const res = await fetch(url);\n  return res.json();\n};\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - route: GET /v1/docs/:slug\n      - route: GET /v1/docs/:slug/:version\n",
    );
    for id in ["route:GET /v1/docs/:slug", "route:GET /v1/docs/:slug/:version"] {
        let f = finding(&v, id);
        assert_eq!(strings(&f["callers_found"]), ["web/src/docs.ts:6"], "{f:#}");
        assert!(codes(f).is_empty(), "{f:#}");
    }
}

// A form of a record with its own `url:` and no `method:` PATCHes the url
// once the record is saved (lobsters' `form_with model: @origin, url:
// mod_origin_path(identifier: ...)` left `PATCH /mod/origins/:identifier`
// `no-callers` at confidence high).
#[test]
fn form_of_a_record_with_a_url_also_patches() {
    let ws = tree(&[
        (
            "app/config/routes.rb",
            "Rails.application.routes.draw do\n  namespace :mod do\n    resources :sources, param: :identifier, only: %i[edit update]\n  end\nend\n",
        ),
        (
            "app/app/controllers/mod/sources_controller.rb",
            "class Mod::SourcesController < ApplicationController\n  def edit\n  end\n\n  def update\n  end\nend\n",
        ),
        (
            "app/app/views/mod/sources/edit.html.erb",
            "<%= form_with model: @source, url: mod_source_path(identifier: @source.identifier) do |f| %>\n  <%= f.submit %>\n<% end %>\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - route: PATCH /mod/sources/:identifier\n");
    let f = finding(&v, "route:PATCH /mod/sources/:identifier");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/app/views/mod/sources/edit.html.erb:1"],
        "{f:#}"
    );
    assert!(codes(f).is_empty(), "{f:#}");
}

// A TypeScript call keyed by a well-known symbol or a number
// (`Object.entries(h)[Symbol.iterator]()`) names no method: it is no
// dynamic call site of a class's method (hoppscotch's
// `TauriStoreManager.on` listed six of them).
#[test]
fn symbol_keyed_calls_are_no_dynamic_dispatch() {
    let ws = tree(&[
        (
            "web/src/store.ts",
            "export class StoreManager {\n  on(key: string) {\n    return key;\n  }\n}\n",
        ),
        (
            "web/src/fetch.ts",
            "export function entries(h: Record<string, string>) {\n  const it = Object.entries(h)[Symbol.iterator]();\n  const first = handlers[0]();\n  return [it, first];\n}\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - method: StoreManager#on\n");
    let f = finding(&v, "method:StoreManager#on");
    assert_eq!(codes(f), ["no-callers"], "{f:#}");
    assert!(
        f["dynamic_call_sites"].as_array().is_none_or(|a| a.is_empty()),
        "{f:#}"
    );
}

// A Prisma model's column lives in its package: in a monorepo's front-end
// package, a receiver not named after the model (`node.data.data.id` of a
// tree component, in a file that imports the model's type) is no read of
// the column; one named after it still is (hoppscotch's
// `TeamCollection.data`: its tree components' `node.data` gave most keys).
#[test]
fn prisma_columns_keep_to_their_package() {
    let ws = tree(&[
        ("mono/package.json", "{\"private\": true}\n"),
        (
            "mono/packages/backend/package.json",
            "{\"name\": \"backend\", \"dependencies\": {\"@prisma/client\": \"5\"}}\n",
        ),
        (
            "mono/packages/backend/prisma/schema.prisma",
            "model Folder {\n  id   String @id\n  data Json?\n}\n",
        ),
        (
            "mono/packages/backend/src/folder.service.ts",
            "export async function rename(prisma: any, id: string) {\n  const folder = await prisma.folder.findUnique({ where: { id } });\n  return folder.data.title;\n}\n",
        ),
        ("mono/packages/web/package.json", "{\"name\": \"web\"}\n"),
        (
            "mono/packages/web/src/tree.ts",
            "import type { Folder } from \"./types\";\n\nexport function label(node: any, folder: Folder) {\n  return [node.data.data.id, folder.data.title];\n}\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - jsonb: Folder.data\n");
    let f = finding(&v, "jsonb:Folder.data");
    let keys: Vec<&str> = f["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["title"], "{f:#}");
    let reads = strings(&f["keys"][0]["read_at"]);
    assert!(
        reads.contains(&"mono/packages/web/src/tree.ts:4".to_string()),
        "{f:#}"
    );
}

// Pundit finds the policy from the authorized record's class, not the
// controller's name: `authorize @membership, :destroy?` in
// `organizations/members` is `MembershipPolicy#destroy?`, and `authorize
// @transfer.organization, :add_gem?` is `OrganizationPolicy#add_gem?`
// (rubygems.org: both were "policy: no MemberPolicy / ConfirmationPolicy"
// at confidence high).
#[test]
fn pundit_policy_follows_the_authorized_record() {
    let ws = tree(&[
        (
            "app/config/routes.rb",
            "Rails.application.routes.draw do\n  resources :members, only: [:destroy]\n  resources :confirmations, only: [:update]\nend\n",
        ),
        (
            "app/app/controllers/application_controller.rb",
            "class ApplicationController < ActionController::Base\n  include Pundit::Authorization\nend\n",
        ),
        (
            "app/app/controllers/members_controller.rb",
            "class MembersController < ApplicationController\n  def destroy\n    authorize @membership, :destroy?\n    @membership.destroy!\n  end\nend\n",
        ),
        (
            "app/app/controllers/confirmations_controller.rb",
            "class ConfirmationsController < ApplicationController\n  def update\n    authorize @transfer.organization, :add_gem?\n  end\nend\n",
        ),
        (
            "app/app/policies/application_policy.rb",
            "class ApplicationPolicy\n  def initialize(user, record)\n    @user = user\n    @record = record\n  end\nend\n",
        ),
        (
            "app/app/policies/membership_policy.rb",
            "class MembershipPolicy < ApplicationPolicy\n  def destroy?\n    true\n  end\nend\n",
        ),
        (
            "app/app/policies/organization_policy.rb",
            "class OrganizationPolicy < ApplicationPolicy\n  def add_gem?\n    true\n  end\nend\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - action: members#destroy\n      - action: confirmations#update\n",
    );
    for (id, at) in [
        ("action:members#destroy", "app/app/policies/membership_policy.rb"),
        (
            "action:confirmations#update",
            "app/app/policies/organization_policy.rb",
        ),
    ] {
        let f = finding(&v, id);
        assert!(codes(f).is_empty(), "{f:#}");
        let policy = f["layers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["layer"] == "policy")
            .unwrap();
        assert_eq!(policy["found"], true, "{f:#}");
        assert!(strings(&policy["locations"])[0].starts_with(at), "{f:#}");
    }
}

// An app that includes Pundit but never enforces `verify_authorized`
// authorizes only some actions (rubygems.org's `pages#index`,
// `passwords#reset`): an action without `authorize` still misses the
// layer, but with confidence low. Where `after_action :verify_authorized`
// runs, the missing `authorize` stays high.
#[test]
fn selective_pundit_apps_give_low_confidence_missing_authorize() {
    let files = |enforce: &str| {
        tree(&[
            (
                "app/config/routes.rb",
                "Rails.application.routes.draw do\n  resources :pages, only: [:index]\n  resources :gems, only: [:show]\nend\n",
            ),
            (
                "app/app/controllers/application_controller.rb",
                &format!(
                    "class ApplicationController < ActionController::Base\n  include Pundit::Authorization\n{enforce}end\n"
                ),
            ),
            (
                "app/app/controllers/pages_controller.rb",
                "class PagesController < ApplicationController\n  def index; end\nend\n",
            ),
            (
                "app/app/controllers/gems_controller.rb",
                "class GemsController < ApplicationController\n  def show\n    authorize @gem\n  end\nend\n",
            ),
            (
                "app/app/policies/gem_policy.rb",
                "class GemPolicy < ApplicationPolicy\n  def show?\n    true\n  end\nend\n",
            ),
        ])
    };
    let ws = files("");
    let v = audit_points(ws.path(), "      - action: pages#index\n");
    let f = finding(&v, "action:pages#index");
    assert!(codes(f).contains(&"missing-layer".to_string()), "{f:#}");
    assert_eq!(f["confidence"], "low", "{f:#}");
    let ws = files("  after_action :verify_authorized\n");
    let v = audit_points(ws.path(), "      - action: pages#index\n");
    let f = finding(&v, "action:pages#index");
    assert!(codes(f).contains(&"missing-layer".to_string()), "{f:#}");
    assert_eq!(f["confidence"], "high", "{f:#}");
}

// A hook that forwards its path parameter into a request function of a
// client hook (umami's `useDeleteQuery(path)` → `const { del } = useApi();
// del(path)`) is a request helper whose base is unknown: its callers in
// other modules request their path with its verb. Before, umami's `DELETE
// /api/users/:userId` was `no-callers` at confidence high. And a path whose
// base is unknown (`get(`/users/${id}`)`) is the route it ends with after a
// literal base (`/api/users/:userId`), not one whose rest holds a
// placeholder (`/api/teams/:teamId/users/:userId`, equally aligned).
#[test]
fn hooks_forwarding_to_client_hook_functions_are_request_helpers() {
    let ws = tree(&[
        (
            "web/src/app/api/users/[userId]/route.ts",
            "export async function GET(req: Request) {\n  return Response.json({});\n}\nexport async function DELETE(req: Request) {\n  return Response.json({});\n}\n",
        ),
        (
            "web/src/app/api/teams/[teamId]/users/[userId]/route.ts",
            "export async function GET(req: Request) {\n  return Response.json({});\n}\nexport async function DELETE(req: Request) {\n  return Response.json({});\n}\n",
        ),
        (
            "web/src/hooks/useDeleteQuery.ts",
            "import { useApi } from './useApi';\nexport function useDeleteQuery(path: string, params?: object) {\n  const { del, useMutation } = useApi();\n  return useMutation({\n    mutationFn: () => del(path, params),\n  });\n}\n",
        ),
        (
            "web/src/admin/UserDeleteForm.tsx",
            "import { useDeleteQuery } from '../hooks/useDeleteQuery';\nexport function UserDeleteForm({ userId }) {\n  const { mutateAsync } = useDeleteQuery(`/users/${userId}`);\n  return <button onClick={() => mutateAsync()}>Delete</button>;\n}\n",
        ),
        (
            "web/src/hooks/useUserQuery.ts",
            "export function useUserQuery(userId: string) {\n  const { get } = useApi();\n  return get(`/users/${userId}`);\n}\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - route: DELETE /api/users/:userId\n      - route: GET /api/users/:userId\n      - route: GET /api/teams/:teamId/users/:userId\n",
    );
    let f = finding(&v, "route:DELETE /api/users/:userId");
    assert_eq!(
        strings(&f["callers_found"]),
        ["web/src/admin/UserDeleteForm.tsx:3"],
        "{f:#}"
    );
    assert_eq!(f["caller_matches"][0]["match"], "path-prefix-var", "{f:#}");
    let f = finding(&v, "route:GET /api/users/:userId");
    assert_eq!(
        strings(&f["callers_found"]),
        ["web/src/hooks/useUserQuery.ts:3"],
        "{f:#}"
    );
    let f = finding(&v, "route:GET /api/teams/:teamId/users/:userId");
    assert!(strings(&f["callers_found"]).is_empty(), "{f:#}");
}

// Pundit names a symbol's policy as the symbol is spelt (`authorize
// :analytics, :index?` is `AnalyticsPolicy#index?`), not singular: casa's
// `analytics#index` was "policy: no AnalyticPolicy or AnalyticPolicy",
// missing-layer high. A record's policy stays its class's (`authorize
// @reports` is `ReportPolicy`), and no candidate is named twice.
#[test]
fn pundit_symbol_records_name_their_policy_as_spelt() {
    let ws = tree(&[
        (
            "app/config/routes.rb",
            "Rails.application.routes.draw do\n  resources :analytics, only: [:index]\n  resources :reports, only: [:index]\nend\n",
        ),
        (
            "app/app/controllers/application_controller.rb",
            "class ApplicationController < ActionController::Base\n  include Pundit::Authorization\n  after_action :verify_authorized\nend\n",
        ),
        (
            "app/app/controllers/analytics_controller.rb",
            "class AnalyticsController < ApplicationController\n  def index\n    authorize :analytics, :index?\n  end\nend\n",
        ),
        (
            "app/app/controllers/reports_controller.rb",
            "class ReportsController < ApplicationController\n  def index\n    authorize @reports\n  end\nend\n",
        ),
        (
            "app/app/policies/application_policy.rb",
            "class ApplicationPolicy\n  def initialize(user, record)\n    @user = user\n    @record = record\n  end\nend\n",
        ),
        (
            "app/app/policies/analytics_policy.rb",
            "class AnalyticsPolicy < ApplicationPolicy\n  def index?\n    true\n  end\nend\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - action: analytics#index\n      - action: reports#index\n",
    );
    let f = finding(&v, "action:analytics#index");
    assert!(codes(f).is_empty(), "{f:#}");
    let f = finding(&v, "action:reports#index");
    assert_eq!(codes(f), ["missing-layer"], "{f:#}");
    let msg = f["problems"][0]["message"].as_str().unwrap();
    assert_eq!(msg, "policy: no ReportPolicy in the workspace", "{f:#}");
}

// `get "/(*path)"` (an optional glob at the root, Rails' spelling of
// "anything, or nothing") is a catch-all like `/*path`: gumroad's
// host-constrained 404 and redirect catch-alls near the top of its routes
// were taken for the definitions of `GET /r/:id` and `POST
// /purchases/:id/change_can_contact`, whose own routes come later.
#[test]
fn optional_root_globs_are_catch_alls() {
    let ws = tree(&[
        (
            "app/config/routes.rb",
            "Rails.application.routes.draw do\n  constraints(host: /analytics/) do\n    get \"/(*path)\", to: \"application#e404_page\"\n  end\n  constraints(host_with_port: SHORT) do\n    match \"/(*path)\" => redirect { |_p, r| r.fullpath }, via: [:get, :post]\n  end\n  resources :purchases, only: [:update] do\n    member do\n      post :change_can_contact\n    end\n  end\n  get \"/r/:id\", to: \"url_redirects#show\"\nend\n",
        ),
        (
            "app/app/controllers/url_redirects_controller.rb",
            "class UrlRedirectsController < ApplicationController\n  def show\n  end\nend\n",
        ),
        (
            "app/app/controllers/purchases_controller.rb",
            "class PurchasesController < ApplicationController\n  def change_can_contact\n  end\nend\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - route: GET /r/:id\n      - route: POST /purchases/:id/change_can_contact\n",
    );
    let f = finding(&v, "route:GET /r/:id");
    assert_eq!(definition_locations(f), ["app/config/routes.rb:13"], "{f:#}");
    let f = finding(&v, "route:POST /purchases/:id/change_can_contact");
    assert_eq!(definition_locations(f), ["app/config/routes.rb:10"], "{f:#}");
}

// Pundit's array form names a namespaced policy: `authorize [:settings,
// :team, @team_invitation]` is `Settings::Team::TeamInvitationPolicy`
// (gumroad's `settings/team/invitations#restore` was "policy: no
// Settings::Team::InvitationPolicy or InvitationPolicy", missing-layer).
#[test]
fn pundit_array_records_name_a_namespaced_policy() {
    let ws = tree(&[
        (
            "app/config/routes.rb",
            "Rails.application.routes.draw do\n  namespace :settings do\n    namespace :team do\n      resources :invitations, only: [] do\n        put :restore, on: :member\n      end\n    end\n  end\nend\n",
        ),
        (
            "app/app/controllers/application_controller.rb",
            "class ApplicationController < ActionController::Base\n  include Pundit::Authorization\n  after_action :verify_authorized\nend\n",
        ),
        (
            "app/app/controllers/settings/team/invitations_controller.rb",
            "class Settings::Team::InvitationsController < ApplicationController\n  def restore\n    authorize [:settings, :team, @team_invitation]\n  end\nend\n",
        ),
        (
            "app/app/policies/application_policy.rb",
            "class ApplicationPolicy\n  def initialize(user, record)\n    @user = user\n    @record = record\n  end\nend\n",
        ),
        (
            "app/app/policies/settings/team/team_invitation_policy.rb",
            "class Settings::Team::TeamInvitationPolicy < ApplicationPolicy\n  def restore?\n    true\n  end\nend\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - action: settings/team/invitations#restore\n");
    let f = finding(&v, "action:settings/team/invitations#restore");
    assert!(codes(f).is_empty(), "{f:#}");
}

// A MySQL/SQLite JSON path in SQL (`details->'$.purchases[*].product_id'`)
// reads its first member, `purchases`: gumroad's `AudienceMember.details`
// had four `json-key-read-never-written` for keys named
// `$.purchases[*].product_id` and the like, whose `purchases` is written.
#[test]
fn sql_json_paths_read_their_first_member() {
    let ws = tree(&[
        (
            "app/db/schema.rb",
            "ActiveRecord::Schema.define do\n  create_table \"audience_members\" do |t|\n    t.json \"details\"\n  end\nend\n",
        ),
        (
            "app/app/models/audience_member.rb",
            "class AudienceMember < ApplicationRecord\n  scope :bought, ->(id) { where(\"JSON_CONTAINS(details->'$.purchases[*].product_id', ?)\", id) }\n  scope :named, ->(n) { where(\"details->>'$.\\\"full name\\\"' = ?\", n) }\n  def refresh(purchases)\n    details[\"purchases\"] = purchases\n    details[\"full name\"] = \"x\"\n  end\nend\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - jsonb: AudienceMember.details\n");
    let f = finding(&v, "jsonb:AudienceMember.details");
    assert!(codes(f).is_empty(), "{f:#}");
    let keys: Vec<String> = f["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(keys, ["full name", "purchases"], "{f:#}");
}

// js-routes puts Rails' route helpers in JavaScript (`Routes.x_path(id)`):
// a call is a path helper of route `x`, with the verb of the request it is
// the URL of when the request's options spell it. gumroad's front end calls
// its routes this way 446 times; `POST /purchases/:id/change_can_contact`
// was `no-callers`.
#[test]
fn js_routes_helpers_call_their_rails_routes() {
    let ws = tree(&[
        (
            "app/config/routes.rb",
            "Rails.application.routes.draw do\n  resources :purchases, only: [:update] do\n    member do\n      post :change_can_contact\n      get :receipt\n      delete :refund\n    end\n  end\nend\n",
        ),
        (
            "app/app/controllers/purchases_controller.rb",
            "class PurchasesController < ApplicationController\n  def change_can_contact\n  end\n  def receipt\n  end\n  def refund\n  end\nend\n",
        ),
        (
            "app/app/javascript/data/customers.ts",
            "export const setContact = (purchaseId: string, canContact: boolean) =>\n  request({\n    method: \"POST\",\n    accept: \"json\",\n    url: Routes.change_can_contact_purchase_path(purchaseId, { can_contact: canContact }),\n  });\nexport const open = (id: string) => {\n  window.location.href = Routes.receipt_purchase_url(id);\n};\nexport const refundLink = (id: string) => Routes.refund_purchase_path(id);\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - route: POST /purchases/:id/change_can_contact\n      - route: GET /purchases/:id/receipt\n      - route: DELETE /purchases/:id/refund\n",
    );
    let f = finding(&v, "route:POST /purchases/:id/change_can_contact");
    assert!(codes(f).is_empty(), "{f:#}");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/app/javascript/data/customers.ts:5"],
        "{f:#}"
    );
    let f = finding(&v, "route:GET /purchases/:id/receipt");
    assert_eq!(
        strings(&f["callers_found"]),
        ["app/app/javascript/data/customers.ts:8"],
        "{f:#}"
    );
    // A helper whose verb the code does not show is no DELETE request.
    let f = finding(&v, "route:DELETE /purchases/:id/refund");
    assert!(strings(&f["callers_found"]).is_empty(), "{f:#}");
}

// A request function of a client hook inside a helper that builds the path
// around its parameter (umami's `useResultQuery(type)` → `post(`/reports/${type}`)`)
// requests `/reports/<argument>` under the hook's unknown base; and a
// nested conditional URL (`get(teamId ? `/teams/${teamId}/websites` : userId
// ? `/users/${userId}/websites` : '/me/websites')`) requests each path. Both
// were `no-callers` at confidence high in umami.
#[test]
fn client_hook_helpers_with_a_base_and_nested_conditional_urls() {
    let ws = tree(&[
        (
            "web/src/app/api/reports/performance/route.ts",
            "export async function POST(req: Request) {\n  return Response.json({});\n}\n",
        ),
        (
            "web/src/app/api/users/[userId]/websites/route.ts",
            "export async function GET(req: Request) {\n  return Response.json([]);\n}\n",
        ),
        (
            "web/src/app/api/me/websites/route.ts",
            "export async function GET(req: Request) {\n  return Response.json([]);\n}\n",
        ),
        (
            "web/src/hooks/useResultQuery.ts",
            "import { useApi } from './useApi';\nexport function useResultQuery(type: string, params?: object) {\n  const { post, useQuery } = useApi();\n  return useQuery({\n    queryFn: () => post(`/reports/${type}`, { type, params }),\n  });\n}\n",
        ),
        (
            "web/src/reports/Performance.tsx",
            "import { useResultQuery } from '../hooks/useResultQuery';\nexport function Performance() {\n  const { data } = useResultQuery('performance', { websiteId: 1 });\n  return data;\n}\n",
        ),
        (
            "web/src/hooks/useUserWebsitesQuery.ts",
            "export function useUserWebsitesQuery(userId?: string, teamId?: string) {\n  const { get } = useApi();\n  return get(\n    teamId\n      ? `/teams/${teamId}/websites`\n      : userId\n        ? `/users/${userId}/websites`\n        : '/me/websites',\n  );\n}\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - route: POST /api/reports/performance\n      - route: GET /api/users/:userId/websites\n      - route: GET /api/me/websites\n",
    );
    // The helper's own request (`/reports/:type`) is one too, by its end.
    let f = finding(&v, "route:POST /api/reports/performance");
    assert_eq!(
        strings(&f["callers_found"]),
        [
            "web/src/hooks/useResultQuery.ts:5",
            "web/src/reports/Performance.tsx:3"
        ],
        "{f:#}"
    );
    for id in [
        "route:GET /api/users/:userId/websites",
        "route:GET /api/me/websites",
    ] {
        let f = finding(&v, id);
        assert_eq!(
            strings(&f["callers_found"]),
            ["web/src/hooks/useUserWebsitesQuery.ts:3"],
            "{f:#}"
        );
    }
}

// A hosting platform sets its own vars on its builds and deployments
// (umami's `process.env.NETLIFY`, next to its `netlify.toml`; Vercel's
// `VERCEL_URL`): their `config-not-wired` is low confidence and says who
// sets them. A var of the app stays high.
#[test]
fn platform_set_env_vars_need_no_config() {
    let ws = tree(&[
        (
            "web/next.config.ts",
            "const onNetlify = process.env.NETLIFY;\nconst host = process.env.VERCEL_URL;\nconst secret = process.env.APP_SECRET;\nexport default { onNetlify, host, secret };\n",
        ),
        ("web/netlify.toml", "[build]\n  command = \"next build\"\n"),
    ]);
    let v = audit_points(
        ws.path(),
        "      - env: NETLIFY\n      - env: VERCEL_URL\n      - env: APP_SECRET\n",
    );
    for (id, who) in [("env:NETLIFY", "Netlify"), ("env:VERCEL_URL", "Vercel")] {
        let f = finding(&v, id);
        assert_eq!(codes(f), ["config-not-wired"], "{f:#}");
        assert_eq!(f["confidence"], "low", "{f:#}");
        assert!(f["notes"].as_str().unwrap().contains(who), "{f:#}");
    }
    let f = finding(&v, "env:APP_SECRET");
    assert_eq!(f["confidence"], "high", "{f:#}");
}

// A controller's own `authorize` that calls Pundit's through `super(...)`,
// run as `before_action :authorize`, authorizes every action it covers,
// with the policy its arguments name (gumroad's `DropboxFilesController`:
// `def authorize; super(:dropbox_files); end` is `DropboxFilesPolicy`).
// `dropbox_files#create` was missing-layer ("never calls authorize", "no
// DropboxFilePolicy").
#[test]
fn controller_authorize_overrides_calling_super_are_pundit() {
    let ws = tree(&[
        (
            "app/config/routes.rb",
            "Rails.application.routes.draw do\n  resources :dropbox_files, only: [:create]\nend\n",
        ),
        (
            "app/app/controllers/application_controller.rb",
            "class ApplicationController < ActionController::Base\n  include Pundit::Authorization\n  after_action :verify_authorized\nend\n",
        ),
        (
            "app/app/controllers/dropbox_files_controller.rb",
            "class DropboxFilesController < ApplicationController\n  before_action :authorize\n\n  def create\n    render json: {}\n  end\n\n  private\n    def authorize\n      super(:dropbox_files)\n    end\nend\n",
        ),
        (
            "app/app/policies/application_policy.rb",
            "class ApplicationPolicy\n  def initialize(user, record)\n    @user = user\n    @record = record\n  end\nend\n",
        ),
        (
            "app/app/policies/dropbox_files_policy.rb",
            "class DropboxFilesPolicy < ApplicationPolicy\n  def create?\n    true\n  end\nend\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - action: dropbox_files#create\n");
    let f = finding(&v, "action:dropbox_files#create");
    assert!(codes(f).is_empty(), "{f:#}");
}

// Two models share a JSON column's name (`seller_profiles.json_data`,
// `seller_profile_sections.json_data`): a receiver named by the last words
// of the other model (`section.json_data["text"]`) holds that model, not
// the planned one (gumroad's `SellerProfile.json_data` listed
// `section.json_data["text"]` as a read of its key `text`). A generic
// name (`record`) decides nothing.
#[test]
fn receivers_named_by_another_models_last_words_hold_it() {
    let ws = tree(&[
        (
            "app/db/schema.rb",
            "ActiveRecord::Schema.define do\n  create_table \"seller_profiles\" do |t|\n    t.json \"json_data\"\n  end\n  create_table \"seller_profile_sections\" do |t|\n    t.json \"json_data\"\n  end\nend\n",
        ),
        (
            "app/app/models/seller_profile.rb",
            "class SellerProfile < ApplicationRecord\n  def tabs\n    json_data[\"tabs\"]\n  end\n  def set_tabs(t)\n    json_data[\"tabs\"] = t\n  end\nend\n",
        ),
        (
            "app/app/models/seller_profile_section.rb",
            "class SellerProfileSection < ApplicationRecord\nend\n",
        ),
        (
            "app/app/controllers/profile_sections_controller.rb",
            "class ProfileSectionsController < ApplicationController\n  def update\n    seller_profile = SellerProfile.find(params[:id])\n    section = seller_profile.sections.find(params[:section_id])\n    content = section.json_data[\"text\"]\n    tabs = record.json_data[\"tabs\"]\n  end\nend\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - jsonb: SellerProfile.json_data\n");
    let f = finding(&v, "jsonb:SellerProfile.json_data");
    let keys: Vec<String> = f["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(keys, ["tabs"], "{f:#}");
    assert!(codes(f).is_empty(), "{f:#}");
}

// A JSON column passed on whole (`**x.details.symbolize_keys`, `**details`,
// `x.details.to_json`) reads every key it holds, keys unknown: its keys
// written and never read otherwise are confidence low, with the reads
// named (gumroad's `CartProduct.accepted_offer_details`: two keys
// `json-key-written-never-read` at confidence high, read by a presenter's
// `**cart_product.accepted_offer_details.symbolize_keys`).
#[test]
fn json_columns_passed_on_whole_are_opaque_reads() {
    let ws = tree(&[
        (
            "app/db/schema.rb",
            "ActiveRecord::Schema.define do\n  create_table \"cart_products\" do |t|\n    t.json \"accepted_offer_details\"\n  end\n  create_table \"receipts\" do |t|\n    t.json \"details\"\n  end\nend\n",
        ),
        (
            "app/app/models/cart_product.rb",
            "class CartProduct < ApplicationRecord\nend\n",
        ),
        (
            "app/app/models/receipt.rb",
            "class Receipt < ApplicationRecord\n  def fill\n    self.details = { total: 1 }\n  end\n  def props\n    { **details }\n  end\nend\n",
        ),
        (
            "app/app/controllers/carts_controller.rb",
            "class CartsController < ApplicationController\n  def update\n    cart_product = CartProduct.find(params[:id])\n    cart_product.accepted_offer_details = { original_product_id: 1 }\n  end\nend\n",
        ),
        (
            "app/app/presenters/cart_presenter.rb",
            "class CartPresenter\n  def props(cart_product)\n    { **cart_product.accepted_offer_details.symbolize_keys }\n  end\nend\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - jsonb: CartProduct.accepted_offer_details\n      - jsonb: Receipt.details\n",
    );
    for id in [
        "jsonb:CartProduct.accepted_offer_details",
        "jsonb:Receipt.details",
    ] {
        let f = finding(&v, id);
        assert_eq!(codes(f), ["json-key-written-never-read"], "{f:#}");
        assert_eq!(f["confidence"], "low", "{f:#}");
    }
    // Markdown names the reads to verify by hand.
    let out = seamscan()
        .args(["audit", "--format", "markdown", "--fail-on", "never", "--no-cache", "--plan"])
        .arg(plan_file(
            ws.path(),
            "version: 1\nphases:\n  - name: p\n    points:\n      - jsonb: CartProduct.accepted_offer_details\n",
        ))
        .arg(ws.path())
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(
        md.contains("reads whose keys are not literal: `app/app/presenters/cart_presenter.rb:3`"),
        "{md}"
    );
}

// A Next.js handler that hands its request to a helper and reads no key
// itself (umami's `const { body } = await parseRequest(request, schema)`)
// has its body read where seamscan does not follow: no key sent to it is
// `request-key-sent-never-read` (umami's `POST /api/boards` had three, at
// confidence high, for keys its zod schema and handler read). A handler
// that reads its own keys still answers for the rest.
#[test]
fn handlers_handing_their_request_to_a_helper_read_any_key() {
    let ws = tree(&[
        (
            "web/src/app/api/boards/route.ts",
            "export async function POST(request: Request) {\n  const { auth, body, error } = await parseRequest(request, schema);\n  return Response.json(await createBoard(body));\n}\n",
        ),
        (
            "web/src/app/api/links/route.ts",
            "export async function POST(request: Request) {\n  const session = await getSession(request);\n  const { name } = await request.json();\n  return Response.json({ name });\n}\n",
        ),
        (
            "web/src/boards/BoardProvider.tsx",
            "export async function save(teamId: string) {\n  await fetch('/api/boards', { method: 'POST', body: JSON.stringify({ type: 'mixed', teamId }) });\n  await fetch('/api/links', { method: 'POST', body: JSON.stringify({ name: 'a', slug: 'b' }) });\n}\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - route: POST /api/boards\n      - route: POST /api/links\n",
    );
    let f = finding(&v, "route:POST /api/boards");
    assert!(codes(f).is_empty(), "{f:#}");
    let f = finding(&v, "route:POST /api/links");
    assert_eq!(codes(f), ["request-key-sent-never-read"], "{f:#}");
    assert!(
        f["problems"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("`slug` is sent"),
        "{f:#}"
    );
}

// A module function that nothing calls by import, while its repo calls a
// member of that name on a receiver seamscan cannot resolve (osm's
// `part: m => m.mappedElement("node")`, `m` a module loaded by `import()`),
// is `no-callers` at confidence low, naming those calls. One with no such
// member call stays high.
#[test]
fn module_functions_called_as_members_of_unresolved_receivers() {
    let ws = tree(&[
        (
            "web/app/modules/element.js",
            "export function mappedElement(type) {\n  return type;\n}\nexport function unusedHelper() {\n  return 1;\n}\n",
        ),
        (
            "web/app/index.js",
            "const routes = {\n  \"/node/:id\": { module: \"element\", part: m => m.mappedElement(\"node\") },\n};\nexport function load(path) {\n  return import(`./modules/${routes[path].module}.js`).then(routes[path].part);\n}\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - method: mappedElement\n      - method: unusedHelper\n",
    );
    let f = finding(&v, "method:mappedElement");
    assert_eq!(codes(f), ["no-callers"], "{f:#}");
    assert_eq!(f["confidence"], "low", "{f:#}");
    assert!(
        f["notes"].as_str().unwrap().contains("web/app/index.js:2"),
        "{f:#}"
    );
    let f = finding(&v, "method:unusedHelper");
    assert_eq!(codes(f), ["no-callers"], "{f:#}");
    assert_eq!(f["confidence"], "high", "{f:#}");
}

// A client instance made in another module (`authedApi`, a ky or got
// instance): `api.post(url, { json: payload })` sends the body `payload`,
// not a body key `json`; `{ json: { name, slug } }` sends `name` and `slug`.
// Code in a monorepo's test package (`packages/integration-tests/`) is test
// code: its requests are test callers.
#[test]
fn ky_json_option_of_a_client_made_elsewhere_is_the_body() {
    let ws = tree(&[
        (
            "api/src/routes/configs.ts",
            "import Router from '@koa/router';\nconst router = new Router();\nrouter.patch('/configs/cimd', async (ctx) => {\n  const { enabled } = ctx.request.body;\n  ctx.body = { enabled };\n});\nrouter.post('/configs/links', async (ctx) => {\n  const { name } = ctx.request.body;\n  ctx.body = { name };\n});\nexport default router;\n",
        ),
        (
            "api/src/client/api.ts",
            "import ky from 'ky';\nexport const authedApi = ky.extend({ timeout: 5000 });\n",
        ),
        (
            "api/src/client/configs.ts",
            "import { authedApi } from './api';\nexport const patchCimd = (payload: Record<string, unknown>) => authedApi.patch('/configs/cimd', { json: payload }).json();\nexport const addLink = (name: string) => authedApi.post('/configs/links', { json: { name, slug: 'x' } }).json();\n",
        ),
        (
            "api/packages/integration-tests/src/api/configs.ts",
            "import { authedApi } from '../../../../src/client/api';\nexport const patchAgain = () => authedApi.patch('/configs/cimd', { json: { enabled: true } });\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - route: PATCH /configs/cimd\n      - route: POST /configs/links\n",
    );
    let f = finding(&v, "route:PATCH /configs/cimd");
    assert!(codes(f).is_empty(), "{f:#}");
    assert_eq!(
        strings(&f["callers_found"]),
        ["api/src/client/configs.ts:2"],
        "{f:#}"
    );
    assert_eq!(
        strings(&f["test_callers"]),
        ["api/packages/integration-tests/src/api/configs.ts:2"],
        "{f:#}"
    );
    let f = finding(&v, "route:POST /configs/links");
    assert_eq!(codes(f), ["request-key-sent-never-read"], "{f:#}");
    assert!(
        f["problems"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("`slug` is sent"),
        "{f:#}"
    );
}

// A bundler's define sets a var at build time: `define: {
// 'process.env.SENTRY_DSN': ... }` in an esbuild config (Vite's and
// webpack's DefinePlugin the same) wires `SENTRY_DSN` there. A Ruby chain
// `ENV['A'].presence || ENV['B'].presence || d` gives both reads a fallback.
#[test]
fn bundler_defines_wire_env_vars_and_or_chains_fall_back() {
    let ws = tree(&[
        (
            "web/app/javascript/esbuild.js",
            "require('esbuild').build({\n  entryPoints: ['app/javascript/application.tsx'],\n  define: {\n    'process.env.SENTRY_DSN': `\"${process.argv[2] || ''}\"`,\n  },\n});\n",
        ),
        (
            "web/app/javascript/boot.tsx",
            "if (process.env.SENTRY_DSN) {\n  init({ dsn: process.env.SENTRY_DSN, release: process.env.RELEASE_SHA });\n}\n",
        ),
        (
            "web/config/application.rb",
            "module Web\n  class Application < Rails::Application\n    config.secret_key_base =\n      ENV['APP_SECRET_TOKEN'].presence ||\n      ENV['SECRET_KEY_BASE'].presence ||\n      'dev'\n  end\nend\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - env: SENTRY_DSN\n      - env: RELEASE_SHA\n      - env: SECRET_KEY_BASE\n      - env: APP_SECRET_TOKEN\n",
    );
    let f = finding(&v, "env:SENTRY_DSN");
    assert!(codes(f).is_empty(), "{f:#}");
    assert_eq!(
        strings(&f["config"][0]["defined_at"]),
        ["web/app/javascript/esbuild.js:4"],
        "{f:#}"
    );
    let f = finding(&v, "env:RELEASE_SHA");
    assert_eq!(codes(f), ["config-not-wired"], "{f:#}");
    for var in ["SECRET_KEY_BASE", "APP_SECRET_TOKEN"] {
        let f = finding(&v, &format!("env:{var}"));
        assert_eq!(codes(f), ["config-not-wired"], "{f:#}");
        assert!(
            f["notes"].as_str().unwrap().contains("has a fallback value"),
            "{f:#}"
        );
    }
}

// `column[k] ||= v` and `column[k] += 1` read the key before they write
// it, and `column.delete(k)` removes an (often obsolete) key: none of them is
// a write nobody reads or a read nobody writes. TypeScript's `m.k ??= v`,
// `m[k] += 1` and `delete m.k` the same.
#[test]
fn read_modify_writes_and_deletes_of_json_keys_are_both() {
    let ws = tree(&[
        (
            "app/db/schema.rb",
            "ActiveRecord::Schema.define do\n  create_table :agents do |t|\n    t.jsonb :memory\n  end\nend\n",
        ),
        (
            "app/app/models/agent.rb",
            "class Agent < ApplicationRecord\nend\n",
        ),
        (
            "app/app/models/agents/mail_agent.rb",
            "module Agents\n  class MailAgent < Agent\n    def check\n      opts = { since: (memory[:last_checked_at] ||= 0) }\n      memory['runs'] += 1\n      memory.delete('seen')\n      memory['token'] = opts\n      memory['stale']\n    end\n  end\nend\n",
        ),
        (
            "web/src/agent.ts",
            "export function tick(agent: Agent) {\n  agent.memory.count ??= 0;\n  delete agent.memory.old;\n}\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - jsonb: Agent.memory\n");
    let f = finding(&v, "jsonb:Agent.memory");
    let mut got: Vec<String> = f["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            p["message"]
                .as_str()
                .unwrap()
                .split('`')
                .nth(1)
                .unwrap()
                .to_string()
        })
        .collect();
    got.sort();
    assert_eq!(got, ["stale", "token"], "{f:#}");
}

// A method of an object literal that nothing calls, while code hands the
// object itself on (`persister: queryPersister`, for a library to call
// `persistClient`), is `no-callers` at confidence low naming where it goes;
// an object only used through its members stays high.
#[test]
fn object_literal_members_of_objects_handed_on() {
    let ws = tree(&[
        ("m/package.json", "{}"),
        (
            "m/lib/persister.ts",
            "export const queryPersister = {\n  persistClient: async (client) => {\n    save(client);\n  },\n  removeClient: async () => {},\n};\nexport const unusedStore = {\n  flush: async () => {},\n  size: 0,\n};\n",
        ),
        (
            "m/app/layout.tsx",
            "import { queryPersister } from \"../lib/persister\";\nexport function Root() {\n  return <Provider persistOptions={{ persister: queryPersister }} />;\n}\n",
        ),
        (
            "m/app/auth.ts",
            "import { queryPersister, unusedStore } from \"../lib/persister\";\nexport async function logout() {\n  await queryPersister.removeClient?.();\n  return unusedStore.size;\n}\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - method: queryPersister.persistClient\n      - method: unusedStore.flush\n",
    );
    let f = finding(&v, "method:queryPersister.persistClient");
    assert_eq!(codes(f), ["no-callers"], "{f:#}");
    assert_eq!(f["confidence"], "low", "{f:#}");
    assert!(
        f["notes"]
            .as_str()
            .unwrap()
            .contains("handed on as a value (m/app/layout.tsx:3)"),
        "{f:#}"
    );
    let f = finding(&v, "method:unusedStore.flush");
    assert_eq!(codes(f), ["no-callers"], "{f:#}");
    assert_eq!(f["confidence"], "high", "{f:#}");
}

// A Next.js handler that destructures `req.body ?? {}` reads those keys; one
// that hands `req.body` to a function (`Schema.safeParse(req.body)`) may
// read any key there.
#[test]
fn bodies_defaulted_or_handed_to_a_function_are_read() {
    let ws = tree(&[
        (
            "web/pages/api/auth/apple.ts",
            "export default async function apple(req, res) {\n  const { identityToken, name } = req.body ?? {};\n  res.json({ ok: identityToken && name });\n}\n",
        ),
        (
            "web/pages/api/links/archive.ts",
            "export default async function archive(req, res) {\n  const parsed = ArchiveSchema.safeParse(req.body);\n  const { linkIds } = parsed.data;\n  res.json({ linkIds });\n}\n",
        ),
        (
            "web/pages/api/notes.ts",
            "export default async function notes(req, res) {\n  const { title } = req.body;\n  res.json({ title });\n}\n",
        ),
        (
            "web/lib/client.ts",
            "export async function go() {\n  await fetch('/api/auth/apple', { method: 'POST', body: JSON.stringify({ identityToken: 't', name: 'n' }) });\n  await fetch('/api/links/archive', { method: 'DELETE', body: JSON.stringify({ linkIds: [1] }) });\n  await fetch('/api/notes', { method: 'POST', body: JSON.stringify({ title: 't', color: 'c' }) });\n}\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - route: POST /api/auth/apple\n      - route: DELETE /api/links/archive\n      - route: POST /api/notes\n",
    );
    let f = finding(&v, "route:POST /api/auth/apple");
    assert!(codes(f).is_empty(), "{f:#}");
    let f = finding(&v, "route:DELETE /api/links/archive");
    assert!(codes(f).is_empty(), "{f:#}");
    let f = finding(&v, "route:POST /api/notes");
    assert_eq!(codes(f), ["request-key-sent-never-read"], "{f:#}");
}

// Drizzle tables declare JSON columns (`text("metadata", { mode: "json" })`,
// `jsonb("prefs")`, `t.jsonb()` in the callback form): `metadata` is then
// `ChatMessage`'s column, and a `metadata: {...}` given to a call that names
// no model (`saveAsset({ metadata: { contentType } })`) is not its key.
#[test]
fn drizzle_tables_declare_json_columns() {
    let ws = tree(&[
        (
            "app/packages/db/schema.ts",
            "import { sqliteTable, text } from 'drizzle-orm/sqlite-core';\nimport { pgTable, jsonb } from 'drizzle-orm/pg-core';\nexport const chatMessages = sqliteTable('chatMessages', {\n  id: text('id').primaryKey(),\n  metadata: text('metadata', { mode: 'json' }).$type<unknown>(),\n});\nexport const users = pgTable('users', (t) => ({\n  prefs: t.jsonb().notNull(),\n  name: t.text(),\n}));\n",
        ),
        (
            "app/apps/workers/assets.ts",
            "export async function store(userId: string, contentType: string) {\n  await saveAsset({ userId, metadata: { contentType } });\n}\n",
        ),
        (
            "app/apps/web/chat.ts",
            "import { chatMessages } from '../../packages/db/schema';\nexport async function add(db, chatMessage) {\n  await db.insert(chatMessages).values({ metadata: { model: 'gpt' } });\n  return chatMessage.metadata.model;\n}\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - jsonb: metadata\n      - jsonb: User.prefs\n");
    let f = finding(&v, "jsonb:metadata");
    assert_eq!(
        strings(
            &f["definitions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["location"].clone())
                .collect::<Value>()
        ),
        ["app/packages/db/schema.ts:5"],
        "{f:#}"
    );
    let keys: Vec<&str> = f["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["model"], "{f:#}");
    let f = finding(&v, "jsonb:User.prefs");
    assert_eq!(
        strings(
            &f["definitions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["location"].clone())
                .collect::<Value>()
        ),
        ["app/packages/db/schema.ts:8"],
        "{f:#}"
    );
}

// A var read only by Rake tasks is given on the task's command line (`rake
// vendor VERSION=1.2`): its `config-not-wired` has confidence low and says
// so. One also read by app code stays high.
#[test]
fn vars_read_only_by_rake_tasks_are_task_arguments() {
    let ws = tree(&[
        ("app/Gemfile", ""),
        (
            "app/lib/tasks/vendor.rake",
            "task :vendor do |_, args|\n  version = args[:version] || ENV[\"VERSION\"]\n  puts ENV[\"API_TOKEN\"]\nend\n",
        ),
        (
            "app/app/models/client.rb",
            "class Client\n  def token\n    ENV[\"API_TOKEN\"]\n  end\nend\n",
        ),
    ]);
    let v = audit_points(ws.path(), "      - env: VERSION\n      - env: API_TOKEN\n");
    let f = finding(&v, "env:VERSION");
    assert_eq!(codes(f), ["config-not-wired"], "{f:#}");
    assert_eq!(f["confidence"], "low", "{f:#}");
    assert!(
        f["notes"]
            .as_str()
            .unwrap()
            .contains("read only by Rake tasks (app/lib/tasks/vendor.rake:2)"),
        "{f:#}"
    );
    let f = finding(&v, "env:API_TOKEN");
    assert_eq!(codes(f), ["config-not-wired"], "{f:#}");
    assert_eq!(f["confidence"], "high", "{f:#}");
}

// Next.js renders a page's default export: a pages-router page (under
// `pages/`) or an app-router `page.tsx` / `layout.tsx` that nothing imports
// is `no-callers` at confidence low naming Next.js; a named export of the
// same page that nothing calls stays high.
#[test]
fn next_pages_default_exports_are_rendered_by_the_framework() {
    let ws = tree(&[
        ("web/package.json", "{}"),
        (
            "web/apps/web/pages/settings/background-jobs.tsx",
            "export const getServerSideProps = async () => ({ redirect: { destination: '/admin', permanent: false } });\nexport default function BackgroundJobsRedirect() {\n  return null;\n}\nexport function unusedHelper() {\n  return 1;\n}\n",
        ),
        (
            "web/apps/site/app/dashboard/layout.tsx",
            "export default function DashboardLayout({ children }) {\n  return children;\n}\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - method: BackgroundJobsRedirect\n      - method: DashboardLayout\n      - method: unusedHelper\n",
    );
    for (id, who) in [
        ("method:BackgroundJobsRedirect", "Next.js (pages router)"),
        ("method:DashboardLayout", "Next.js (app router)"),
    ] {
        let f = finding(&v, id);
        assert_eq!(codes(f), ["no-callers"], "{f:#}");
        assert_eq!(f["confidence"], "low", "{f:#}");
        assert!(f["notes"].as_str().unwrap().contains(who), "{f:#}");
    }
    let f = finding(&v, "method:unusedHelper");
    assert_eq!(f["confidence"], "high", "{f:#}");
}

// A route that only tests request, whose path an API description in the
// workspace spells as a URI template relative to its base (a tRPC/OpenAPI
// operation `path: '/envelope/{envelopeId}/download'` for the route served
// under `/api/v1`), is documented for clients outside the code: its
// `test-only-callers` has confidence low and names the description
// (documenso's public v2 API: test-only-callers with confidence high).
#[test]
fn routes_described_by_an_openapi_path_are_public() {
    let ws = tree(&[
        (
            "api/src/server.ts",
            "import express from 'express';\nconst app = express();\napp.get('/api/v1/envelope/:envelopeId/download', (req, res) => res.send('pdf'));\napp.get('/api/v1/envelope/:envelopeId/preview', (req, res) => res.send('png'));\n",
        ),
        (
            "api/src/meta/download.types.ts",
            "export const downloadMeta = {\n  openapi: {\n    method: 'GET',\n    path: '/envelope/{envelopeId}/download',\n    summary: 'Download an envelope',\n  },\n};\n",
        ),
        (
            "api/src/meta/document.types.ts",
            "export const documentMeta = {\n  openapi: {\n    method: 'GET',\n    path: '/document/{documentId}/preview',\n  },\n};\n",
        ),
        (
            "api/e2e/download.spec.ts",
            "test('downloads', async () => {\n  await fetch('/api/v1/envelope/1/download');\n  await fetch('/api/v1/envelope/1/preview');\n});\n",
        ),
    ]);
    let v = audit_points(
        ws.path(),
        "      - route: GET /api/v1/envelope/:envelopeId/download\n      - route: GET /api/v1/envelope/:envelopeId/preview\n",
    );
    let f = finding(&v, "route:GET /api/v1/envelope/:envelopeId/download");
    assert_eq!(codes(f), ["test-only-callers"], "{f:#}");
    assert_eq!(f["confidence"], "low", "{f:#}");
    assert!(
        f["notes"]
            .as_str()
            .unwrap()
            .contains("api/src/meta/download.types.ts:4"),
        "{f:#}"
    );
    // Segment by segment: `/document/{documentId}/preview` is not the end
    // of `/api/v1/envelope/:envelopeId/preview`; tests alone request it.
    let f = finding(&v, "route:GET /api/v1/envelope/:envelopeId/preview");
    assert_eq!(codes(f), ["test-only-callers"], "{f:#}");
    assert_eq!(f["confidence"], "high", "{f:#}");
}
