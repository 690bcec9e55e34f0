//! `seamscan plan --from-diff BASE..HEAD` (issue 18) on git repositories
//! built inside the test: the draft lists what the range introduced (new
//! public methods and exported functions, env reads, JSON key writes) as
//! facts, not text; it parses as a plan and audits; repos that are not git
//! checkouts or lack the range are named on stderr and skipped; nothing in
//! the repos changes.

mod common;

use common::{seamscan, write_files};
use std::path::Path;
use std::process::Command;

fn git(repo: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn commit(repo: &Path, files: &[(&str, &str)], msg: &str) {
    write_files(repo, files);
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", msg]);
}

/// A snapshot of every file under `root` (path → bytes), .git included.
fn snapshot(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                stack.push(p);
            } else {
                out.push((p.display().to_string(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

struct Ws {
    _dir: tempfile::TempDir,
    ws: std::path::PathBuf,
}

/// `api` (Ruby, git): the range adds `Billing#charge` (public),
/// `Billing#helper` (private) and a constructor, moves `Billing#old` down
/// (not new), reads `ENV['STRIPE_KEY']`, writes `metadata['plan']` (a jsonb
/// column of db/schema.rb) and `options: {retries: 3}` (not a declared
/// JSON column, so not a JSON write); a test file adds a
/// method that must not appear. `web` (TS, git) exports `fetchInvoice` and
/// keeps a local `format`. `docs` is not a git checkout; `legacy` is a git
/// repo without the base branch.
fn workspace() -> Ws {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    let api = ws.join("api");
    std::fs::create_dir_all(&api).unwrap();
    git(&api, &["init", "-q", "-b", "main"]);
    commit(
        &api,
        &[
            ("Gemfile", ""),
            ("app/billing.rb", "class Billing\n  def old\n    1\n  end\nend\n"),
            (
                "db/schema.rb",
                "ActiveRecord::Schema.define do\n  create_table :accounts do |t|\n    t.jsonb :metadata\n  end\nend\n",
            ),
        ],
        "base",
    );
    git(&api, &["checkout", "-q", "-b", "feature"]);
    commit(
        &api,
        &[
            (
                "app/billing.rb",
                "class Billing\n  # moved\n\n  def initialize(x)\n    @x = x\n  end\n\n  def charge(acct)\n    key = ENV['STRIPE_KEY']\n    acct.metadata['plan'] = 'pro'\n    acct.update(options: {retries: 3})\n    helper\n  end\n\n  def old\n    1\n  end\n\n  private\n\n  def helper\n  end\nend\n",
            ),
            (
                "spec/billing_spec.rb",
                "class BillingSpec\n  def only_in_tests\n  end\nend\n",
            ),
        ],
        "feature",
    );
    let web = ws.join("web");
    std::fs::create_dir_all(&web).unwrap();
    git(&web, &["init", "-q", "-b", "main"]);
    commit(
        &web,
        &[
            ("package.json", "{}"),
            ("src/api.ts", "export function ping() {}\n"),
        ],
        "base",
    );
    git(&web, &["checkout", "-q", "-b", "feature"]);
    commit(
        &web,
        &[(
            "src/api.ts",
            "export function ping() {}\nfunction format(x: string) { return x; }\nexport async function fetchInvoice(id: string) {\n  return format(process.env.API_URL + id);\n}\n",
        )],
        "feature",
    );
    write_files(&ws, &[("docs/app/notes.rb", "class Notes\nend\n")]);
    let legacy = ws.join("legacy");
    std::fs::create_dir_all(&legacy).unwrap();
    git(&legacy, &["init", "-q", "-b", "trunk"]);
    commit(&legacy, &[("Gemfile", ""), ("lib/a.rb", "def a; end\n")], "only");
    Ws { _dir: dir, ws }
}

#[test]
fn draft_lists_what_the_range_introduced_and_audits() {
    let w = workspace();
    let before = snapshot(&w.ws);
    let out = seamscan()
        .args(["plan", "--from-diff", "main..feature"])
        .arg(&w.ws)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let yaml = String::from_utf8(out.stdout).unwrap();
    let expected = "version: 1\nname: \"Changes in main..feature\"\nphases:\n  - name: \"api: main..feature\"\n    points:\n      - method: \"Billing#charge\"\n        repo: \"api\"\n      - env: \"STRIPE_KEY\"\n      - jsonb: \"metadata\"\n        note: \"keys newly written in api: plan\"\n  - name: \"web: main..feature\"\n    points:\n      - method: \"fetchInvoice\"\n        repo: \"web\"\n      - env: \"API_URL\"\n";
    let body: String = yaml
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(body, expected);
    // Skipped repos are named on stderr.
    let docs = w.ws.join("docs");
    let legacy = w.ws.join("legacy");
    assert!(
        stderr.contains(&format!(
            "seamscan: {}: not a git checkout; skipped",
            docs.display()
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("seamscan: {}: lacks `main`", legacy.display())),
        "{stderr}"
    );
    // Nothing in the workspace changed, .git directories included.
    assert!(snapshot(&w.ws) == before, "the workspace changed");
    // The draft is a plan: audit the workspace with it.
    let plan = w._dir.path().join("draft.yaml");
    std::fs::write(&plan, &yaml).unwrap();
    let (report, _, _) = common::audit(&plan, &w.ws, &[]);
    let ids: Vec<&str> = report.findings.iter().map(|f| f.id.as_str()).collect();
    for id in [
        "method:Billing#charge",
        "method:fetchInvoice",
        "env:STRIPE_KEY",
        "env:API_URL",
        "jsonb:metadata",
    ] {
        assert!(ids.contains(&id), "{id} not in {ids:?}");
    }
    assert_eq!(report.finding("method:Billing#charge").definitions.len(), 1);
}

#[test]
fn output_file_and_an_empty_range() {
    let w = workspace();
    let api = w.ws.join("api");
    let out_file = w._dir.path().join("p.yaml");
    let out = seamscan()
        .args(["plan", "--from-diff", "feature..feature", "--output"])
        .arg(&out_file)
        .arg(&api)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    let yaml = std::fs::read_to_string(&out_file).unwrap();
    assert!(yaml.ends_with("phases: []\n"), "{yaml}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("feature..feature introduced no public method"));
}

#[test]
fn errors_exit_2() {
    let w = workspace();
    for (args, expect) in [
        (vec!["plan", "--from-diff", "main"], "is not a range"),
        (vec!["plan", "--from-diff", "a...b"], "is not a range"),
        (vec!["plan"], "--from-diff"),
    ] {
        let out = seamscan().args(&args).arg(&w.ws).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(expect), "{args:?}: {err}");
    }
    let out = seamscan()
        .args(["plan", "--from-diff", "main..feature"])
        .arg(w.ws.join("missing"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing: cannot read workspace"));
}

/// Routes, actions, jobs, events and flags (issue 18 with issue 16's and
/// 15's kinds): a route added to config/routes.rb, its controller action
/// (not a `method:` point; an abstract base controller's public method is
/// no action, nor is a public `store_referer!`: a `method:` point), a new ActiveJob class (its `perform` not a
/// `method:` point), a new Notifications event and Flipper flag; in a
/// TypeScript repo a new BullMQ job, a new EventEmitter event and an
/// Unleash flag. What the base already had is not proposed again.
#[test]
fn draft_proposes_routes_actions_jobs_events_and_flags() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    let shop = ws.join("shop");
    std::fs::create_dir_all(&shop).unwrap();
    git(&shop, &["init", "-q", "-b", "main"]);
    commit(
        &shop,
        &[
            ("Gemfile", ""),
            (
                "config/routes.rb",
                "Rails.application.routes.draw do\n  resources :orders, only: [:index]\nend\n",
            ),
            (
                "app/controllers/orders_controller.rb",
                "class OrdersController < ApplicationController\n  def index\n    Flipper.enabled?(:old_list)\n  end\nend\n",
            ),
            (
                "app/jobs/old_job.rb",
                "class OldJob < ApplicationJob\n  def perform\n  end\nend\n",
            ),
        ],
        "base",
    );
    git(&shop, &["checkout", "-q", "-b", "feature"]);
    commit(
        &shop,
        &[
            (
                "config/routes.rb",
                "Rails.application.routes.draw do\n  resources :orders, only: [:index, :create]\nend\n",
            ),
            (
                "app/controllers/orders_controller.rb",
                "class OrdersController < ApplicationController\n  def index\n    Flipper.enabled?(:old_list)\n  end\n\n  def create\n    if Flipper.enabled?(:quick_order)\n      RefundJob.perform_later(1)\n    end\n    ActiveSupport::Notifications.instrument('order.created')\n  end\n\n  def store_referer!\n  end\n\n  private\n\n  def order_params\n  end\nend\n",
            ),
            (
                "app/controllers/api/base_controller.rb",
                "module Api\n  class BaseController < ApplicationController\n    def render_error\n    end\n  end\nend\n",
            ),
            (
                "app/jobs/refund_job.rb",
                "class RefundJob < ApplicationJob\n  def perform(id)\n  end\nend\n",
            ),
            // The accessors Rails macros generate (`create_customer`,
            // `items=`, the scope `open`) are no entry points to plan.
            (
                "app/models/order.rb",
                "class Order < ApplicationRecord\n  belongs_to :customer\n  has_many :items\n  scope :open, -> { where(open: true) }\n\n  def total\n  end\nend\n",
            ),
        ],
        "feature",
    );
    let web = ws.join("web");
    std::fs::create_dir_all(&web).unwrap();
    git(&web, &["init", "-q", "-b", "main"]);
    commit(
        &web,
        &[("package.json", "{}"), ("src/mail.ts", "export const x = 1;\n")],
        "base",
    );
    git(&web, &["checkout", "-q", "-b", "feature"]);
    commit(
        &web,
        &[(
            "src/mail.ts",
            "import { Queue } from 'bullmq';\nexport const x = 1;\nconst q = new Queue('mail');\nconst PDF = 'pdf-receipts';\nexport async function receipt(bus: any, unleash: any) {\n  if (unleash.isEnabled('receipts-v2')) await q.add('send-receipt', { id: 1 });\n  if (unleash.isEnabled(PDF)) bus.emit('receipt.sent');\n}\n",
        )],
        "feature",
    );
    let out = seamscan()
        .args(["plan", "--from-diff", "main..feature"])
        .arg(&ws)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let yaml = String::from_utf8(out.stdout).unwrap();
    let body: String = yaml
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    let expected = "version: 1\nname: \"Changes in main..feature\"\nphases:\n  - name: \"shop: main..feature\"\n    points:\n      - method: \"Api::BaseController#render_error\"\n        repo: \"shop\"\n      - method: \"Order#total\"\n        repo: \"shop\"\n      - method: \"OrdersController#store_referer!\"\n        repo: \"shop\"\n      - route: \"POST /orders\"\n      - action: \"orders#create\"\n      - job: \"RefundJob\"\n      - event: \"order.created\"\n      - flag: \"quick_order\"\n  - name: \"web: main..feature\"\n    points:\n      - method: \"receipt\"\n        repo: \"web\"\n      - job: \"send-receipt\"\n      - event: \"receipt.sent\"\n      - flag: \"pdf-receipts\"\n      - flag: \"receipts-v2\"\n";
    assert_eq!(body, expected);
    // The draft audits.
    let plan = dir.path().join("draft.yaml");
    std::fs::write(&plan, &yaml).unwrap();
    let (report, _, _) = common::audit(&plan, &ws, &[]);
    let f = report.finding("job:RefundJob");
    assert_eq!(f.callers_found, ["shop/app/controllers/orders_controller.rb:8"]);
    let f = report.finding("job:send-receipt");
    assert_eq!(f.callers_found, ["web/src/mail.ts:6"]);
    let f = report.finding("route:POST /orders");
    assert_eq!(f.exists, Some(true));
}

/// TypeScript routes (issue 18 item 5 with issue 15's servers): a route's
/// full path comes from files the range did not touch. `api` mounts its
/// users router at `/api` in src/app.ts, importing it through a tsconfig
/// `paths` alias; the range only adds a route to the router file and a
/// Next.js route file. `svc` has a NestJS global prefix in src/main.ts;
/// the range only adds a method to the controller. Routes the base already
/// served are not proposed, nor routes of test files, and handlers are not
/// `method:` points. A range that moves a mount proposes every route under
/// the new prefix.
#[test]
fn draft_proposes_typescript_routes_with_prefixes_from_untouched_files() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    let api = ws.join("api");
    std::fs::create_dir_all(&api).unwrap();
    git(&api, &["init", "-q", "-b", "main"]);
    let app_ts = "import express from 'express';\nimport { users } from '@/routes/users';\nconst app = express();\napp.use('/api', users);\napp.listen(3000);\n";
    commit(
        &api,
        &[
            ("package.json", "{ \"name\": \"api\" }"),
            (
                "tsconfig.json",
                "{ \"compilerOptions\": { \"baseUrl\": \".\", \"paths\": { \"@/*\": [\"src/*\"] } } }",
            ),
            ("src/app.ts", app_ts),
            (
                "src/routes/users.ts",
                "import { Router } from 'express';\nexport const users = Router();\nusers.get('/users', list);\nfunction list(req: any, res: any) {}\n",
            ),
        ],
        "base",
    );
    git(&api, &["checkout", "-q", "-b", "feature"]);
    commit(
        &api,
        &[
            (
                "src/routes/users.ts",
                "import { Router } from 'express';\nexport const users = Router();\nusers.get('/users', list);\nusers.post('/users/:id/ban', ban);\nfunction list(req: any, res: any) {}\nfunction ban(req: any, res: any) {}\n",
            ),
            (
                "src/routes/users.test.ts",
                "import { Router } from 'express';\nconst r = Router();\nr.get('/only-in-tests', (req, res) => {});\n",
            ),
            (
                "app/api/health/route.ts",
                "export async function GET(req: Request) {\n  return new Response('ok');\n}\n",
            ),
        ],
        "feature",
    );
    let svc = ws.join("svc");
    std::fs::create_dir_all(&svc).unwrap();
    git(&svc, &["init", "-q", "-b", "main"]);
    commit(
        &svc,
        &[
            ("package.json", "{ \"name\": \"svc\" }"),
            (
                "src/main.ts",
                "async function bootstrap() {\n  const app = await NestFactory.create(AppModule);\n  app.setGlobalPrefix('v2');\n}\n",
            ),
            (
                "src/orders.controller.ts",
                "@Controller('orders')\nexport class OrdersController {\n  @Get()\n  list() {}\n}\n",
            ),
        ],
        "base",
    );
    git(&svc, &["checkout", "-q", "-b", "feature"]);
    commit(
        &svc,
        &[(
            "src/orders.controller.ts",
            "@Controller('orders')\nexport class OrdersController {\n  @Get()\n  list() {}\n\n  @Post(':id/cancel')\n  cancel() {}\n\n  total() {}\n}\n",
        )],
        "feature",
    );
    let draft = |range: &str| -> String {
        let out = seamscan()
            .args(["plan", "--from-diff", range])
            .arg(&ws)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        String::from_utf8(out.stdout).unwrap()
    };
    let before = snapshot(&ws);
    let yaml = draft("main..feature");
    let body: String = yaml
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    let expected = "version: 1\nname: \"Changes in main..feature\"\nphases:\n  - name: \"api: main..feature\"\n    points:\n      - route: \"GET /api/health\"\n      - route: \"POST /api/users/:id/ban\"\n  - name: \"svc: main..feature\"\n    points:\n      - method: \"OrdersController#total\"\n        repo: \"svc\"\n      - route: \"POST /v2/orders/:id/cancel\"\n";
    assert_eq!(body, expected);
    assert!(snapshot(&ws) == before, "the workspace changed");
    // The draft audits: the routes exist where the range put them.
    let plan = dir.path().join("draft.yaml");
    std::fs::write(&plan, &yaml).unwrap();
    let (report, _, _) = common::audit(&plan, &ws, &[]);
    for id in [
        "route:GET /api/health",
        "route:POST /api/users/:id/ban",
        "route:POST /v2/orders/:id/cancel",
    ] {
        assert_eq!(report.finding(id).exists, Some(true), "{id}");
    }
    // Moving the mount (a change to src/app.ts only) makes every route of
    // the router new (`svc` lacks the tag and is skipped).
    git(&api, &["tag", "v1"]);
    commit(
        &api,
        &[("src/app.ts", &app_ts.replace("'/api'", "'/api/v2'"))],
        "move",
    );
    let yaml = draft("v1..HEAD");
    assert!(
        yaml.contains(
            "      - route: \"GET /api/v2/users\"\n      - route: \"POST /api/v2/users/:id/ban\"\n"
        ),
        "{yaml}"
    );
    assert!(!yaml.contains("health"), "{yaml}");
}
