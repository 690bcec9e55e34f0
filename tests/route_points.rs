//! `route:` points end to end on `fixtures/http-boundary` (a Rails app,
//! `shop`, and a Ruby client, `billing`) with `plans/http-boundary.yaml`:
//! every layer, caller kind and problem code the route check reports.

mod common;

use common::{Finding, Layer, audit, seamscan};
use std::path::Path;

fn report() -> common::Report {
    let (r, code, stderr) = audit(
        Path::new("plans/http-boundary.yaml"),
        Path::new("fixtures/http-boundary"),
        &[],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    r
}

fn layers(f: &Finding) -> Vec<(&str, bool, Vec<&str>)> {
    f.layers
        .as_ref()
        .unwrap()
        .iter()
        .map(|l: &Layer| {
            (
                l.layer.as_str(),
                l.found,
                l.locations.iter().map(String::as_str).collect(),
            )
        })
        .collect()
}

fn matches(f: &Finding) -> Vec<(String, String, bool)> {
    f.caller_matches
        .iter()
        .map(|c| (c.location.clone(), c.strength.clone(), c.test))
        .collect()
}

#[test]
fn a_routed_public_action_called_from_a_button_is_fine() {
    let r = report();
    let f = r.finding("route:POST /proposals/:id/transition_to_review");
    assert_eq!(f.risk, "none");
    assert_eq!(f.exists, Some(true));
    assert_eq!(
        layers(f),
        [
            ("route", true, vec!["shop/config/routes.rb:10"]),
            (
                "handler",
                true,
                vec!["shop/app/controllers/proposals_controller.rb:12"]
            ),
        ]
    );
    // `button_to` posts: the helper's verb matches.
    assert_eq!(
        matches(f),
        [(
            "shop/app/views/proposals/show.html.erb:3".to_string(),
            "helper".to_string(),
            false
        )]
    );
}

#[test]
fn a_private_action_is_a_missing_handler_layer() {
    let r = report();
    let f = r.finding("route:PATCH /proposals/:id/archive");
    assert_eq!(f.codes(), ["missing-layer"]);
    let m = &f.problem("missing-layer").message;
    assert!(
        m.starts_with("handler:") && m.contains("private") && m.contains("proposals_controller.rb:20"),
        "{m}"
    );
    assert_eq!(layers(f)[1], ("handler", false, vec![]));
    // `data: { turbo_method: :patch }` makes the link a PATCH.
    assert_eq!(f.callers_found, ["shop/app/views/proposals/show.html.erb:4"]);
}

#[test]
fn implicit_renders_and_concern_actions_are_handlers() {
    let r = report();
    let f = r.finding("route:GET /proposals/:id/preview");
    assert_eq!(f.risk, "none");
    let l = &f.layers.as_ref().unwrap()[1];
    assert!(l.found);
    assert_eq!(l.locations, ["shop/app/views/proposals/preview.html.erb:1"]);
    assert!(l.note.as_deref().unwrap().contains("renders its view implicitly"));
    // `search` comes from the Searchable concern; `/proposals/search` is
    // not `/proposals/:id` (the show route's helper is not a caller).
    let f = r.finding("route:GET /proposals/search");
    assert_eq!(
        layers(f),
        [
            ("route", true, vec!["shop/config/routes.rb:13"]),
            (
                "handler",
                true,
                vec!["shop/app/controllers/concerns/searchable.rb:4"]
            ),
        ]
    );
    assert_eq!(f.codes(), ["no-callers"]);
}

#[test]
fn missing_controllers_and_missing_routes() {
    let r = report();
    // A route drawn from config/routes/ops.rb, to a controller that does
    // not exist, requested with Net::HTTP from another repo.
    let f = r.finding("route:DELETE /ops/jobs/:id");
    assert_eq!(f.codes(), ["missing-layer"]);
    assert!(
        f.problem("missing-layer")
            .message
            .contains("no `Ops::JobsController`")
    );
    assert_eq!(layers(f)[0], ("route", true, vec!["shop/config/routes/ops.rb:2"]));
    assert_eq!(
        matches(f),
        [(
            "billing/app/services/shop_client.rb:17".to_string(),
            "path".to_string(),
            false
        )]
    );
    // A controller Rails itself provides is not missing.
    let f = r.finding("route:GET /manifest");
    assert_eq!(f.codes(), ["no-callers"]);
    let l = &f.layers.as_ref().unwrap()[1];
    assert!(
        l.found && l.note.as_deref().unwrap().contains("Rails::PwaController"),
        "{l:?}"
    );
    // A concern's route: located at the line inside `concern`.
    let f = r.finding("route:GET /proposals/:proposal_id/comments");
    assert_eq!(layers(f)[0], ("route", true, vec!["shop/config/routes.rb:5"]));
    assert_eq!(f.codes(), ["no-callers", "missing-layer"]);
    // No route at all: the route layer is missing; similar routes are named.
    let f = r.finding("route:GET /reports");
    assert_eq!(f.exists, Some(false));
    assert_eq!(f.codes(), ["missing-layer"]);
    assert!(
        f.problem("missing-layer")
            .message
            .contains("GET /admin/reports (shop/config/routes.rb:28)")
    );
    assert_eq!(layers(f), [("route", false, vec![]), ("handler", false, vec![])]);
}

#[test]
fn clients_in_other_repos_tests_and_expected_callers() {
    let r = report();
    // HTTParty with `base_uri ".../api"` and `self.class.get("/orders/#{id}")`.
    let f = r.finding("route:GET /api/orders/:id");
    assert_eq!(f.risk, "none");
    assert_eq!(f.callers_found, ["billing/app/services/shop_client.rb:8"]);
    // A prefix held in an env var: matched, with a lower strength; and
    // axios with a full URL from the TypeScript web app.
    let f = r.finding("route:POST /api/orders");
    // The axios body's `order.qty` is no key the handler permits (it
    // permits `order.quantity`): the route's payload says so, once.
    assert_eq!(f.codes(), ["request-key-sent-never-read"]);
    assert_eq!(f.risk, "low");
    assert!(
        f.problem("request-key-sent-never-read")
            .message
            .contains("`order.qty` is sent by web/src/orders.ts:4"),
        "{}",
        f.problem("request-key-sent-never-read").message
    );
    assert_eq!(
        matches(f),
        [
            (
                "billing/app/services/shop_client.rb:13".to_string(),
                "path-prefix-var".to_string(),
                false
            ),
            ("web/src/orders.ts:4".to_string(), "path".to_string(), false)
        ]
    );
    // Only a request spec posts to it.
    let f = r.finding("route:POST /admin/reports/:id/rebuild");
    assert_eq!(f.codes(), ["test-only-callers"]);
    assert_eq!(f.test_callers, ["shop/spec/requests/admin/reports_spec.rb:6"]);
    assert_eq!(
        layers(f)[1],
        (
            "handler",
            true,
            vec!["shop/app/controllers/admin/reports_controller.rb:7"]
        )
    );
    // `repo:` names the wrong repo; `accept:` covers no-callers.
    let f = r.finding("route:GET /ping");
    assert_eq!(f.codes(), ["no-callers", "missing-layer", "unexpected-location"]);
    assert!(f.problem("no-callers").accepted.is_some());
}

#[test]
fn layers_in_markdown_and_sarif_and_identical_at_any_jobs() {
    let run = |format: &str, jobs: &str| {
        let out = seamscan()
            .args([
                "audit",
                "--plan",
                "plans/http-boundary.yaml",
                "fixtures/http-boundary",
                "--quiet",
            ])
            .args(["--format", format, "-j", jobs])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let md = run("markdown", "2");
    assert!(md.contains("- layer `handler` ❌ missing"), "{md}");
    assert!(
        md.contains("- layer `route` ✅ found at `shop/config/routes/ops.rb:2`"),
        "{md}"
    );
    let sarif: serde_json::Value = serde_json::from_str(&run("sarif", "2")).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let archive = results
        .iter()
        .find(|r| {
            r["message"]["text"]
                .as_str()
                .unwrap()
                .starts_with("route:PATCH /proposals/:id/archive")
        })
        .unwrap();
    // Each layer's locations are related locations named after the layer.
    assert_eq!(archive["relatedLocations"][0]["message"]["text"], "route");
    let strip = |s: String| {
        s.lines()
            .filter(|l| !l.contains("elapsed_ms"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let one = strip(run("json", "1"));
    assert_eq!(one, strip(run("json", "2")));
    assert_eq!(one, strip(run("json", "8")));
}

// ------------------------------------------------------------ action points

#[test]
fn an_action_with_all_four_layers_is_fine() {
    let r = report();
    let f = r.finding("action:proposals#transition_to_review");
    // Every layer is there; only its policy rule is also `publish?`'s
    // (whitespace and a comment apart), which a human should confirm.
    assert_eq!(f.codes(), ["policy-copied-from-sibling"]);
    assert_eq!(f.risk, "low");
    let m = &f.problem("policy-copied-from-sibling").message;
    assert!(
        m.contains("proposal_policy.rb:2")
            && m.contains("`publish?` (shop/app/policies/proposal_policy.rb:10)"),
        "{m}"
    );
    assert_eq!(
        layers(f),
        [
            ("route", true, vec!["shop/config/routes.rb:10"]),
            ("policy", true, vec!["shop/app/policies/proposal_policy.rb:2"]),
            // The action, and `authorize` in the `before_action` that
            // covers it (`only: %i[transition_to_review archive]`).
            (
                "controller",
                true,
                vec![
                    "shop/app/controllers/proposals_controller.rb:12",
                    "shop/app/controllers/proposals_controller.rb:26"
                ]
            ),
            ("model", true, vec!["shop/app/models/proposal.rb:2"]),
        ]
    );
}

#[test]
fn each_missing_action_layer_is_named() {
    let r = report();
    // No policy class, and no `authorize` anywhere on the way.
    let f = r.finding("action:admin/reports#rebuild");
    let msgs: Vec<&str> = f.problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(f.codes(), ["missing-layer", "missing-layer"]);
    assert!(
        msgs.iter()
            .any(|m| m.starts_with("policy: no Admin::ReportPolicy or ReportPolicy")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.starts_with("controller:") && m.contains("never calls `authorize`")),
        "{msgs:?}"
    );
    assert_eq!(layers(f)[0], ("route", true, vec!["shop/config/routes.rb:29"]));
    // A private action and a private model method; the policy is there.
    let f = r.finding("action:proposals#archive");
    let msgs: Vec<&str> = f.problems.iter().map(|p| p.message.as_str()).collect();
    assert!(
        msgs.iter()
            .any(|m| m.starts_with("controller:") && m.contains("private")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.starts_with("model:") && m.contains("proposal.rb:8")),
        "{msgs:?}"
    );
    assert_eq!(
        layers(f)[1],
        ("policy", true, vec!["shop/app/policies/proposal_policy.rb:6"])
    );
    assert_eq!(f.access_modifier.as_deref(), Some("private"));
    // No route and no action; the policy rule exists, copied from
    // `transition_to_review?`.
    let f = r.finding("action:proposals#publish");
    assert_eq!(f.exists, Some(false));
    assert_eq!(
        f.codes(),
        ["missing-layer", "missing-layer", "policy-copied-from-sibling"]
    );
    assert_eq!(
        layers(f)[1],
        ("policy", true, vec!["shop/app/policies/proposal_policy.rb:10"])
    );
    // `archive?` (`user.admin?`) is no copy of anything.
    assert!(
        !r.finding("action:proposals#archive")
            .codes()
            .contains(&"policy-copied-from-sibling")
    );
    // A policy without the query method.
    let f = r.finding("action:proposals#search");
    assert!(
        f.problems
            .iter()
            .any(|p| p.message == "policy: ProposalPolicy has no `search?`"),
        "{:?}",
        f.problems
    );
    assert!(
        r.finding("action:proposals#publish")
            .problems
            .iter()
            .any(|p| p.message == "route: no route leads to `proposals#publish`")
    );
}

#[test]
fn express_routes_follow_mounts_across_modules_to_their_handlers() {
    let r = report();
    // `app.use('/api', api)` in server.ts, `api.use('/bookmark', bookmarks)`
    // in routes/index.ts, `router.route('/:id').get(bookmarks.show)` in
    // routes/bookmarks.ts; the handler is defined in controllers/.
    let f = r.finding("route:GET /api/bookmark/:id");
    assert_eq!(f.exists, Some(true));
    assert_eq!(
        layers(f),
        [
            ("route", true, vec!["notes-api/src/routes/bookmarks.ts:10"]),
            ("handler", true, vec!["notes-api/src/controllers/bookmarks.ts:7"]),
        ]
    );
    // `notes.get(`/bookmark/${id}`)` on an axios instance whose baseURL
    // ends in /api.
    assert_eq!(f.risk, "none");
    assert_eq!(
        matches(f),
        [("web/src/api.ts:10".to_string(), "path".to_string(), false)]
    );
    let f = r.finding("route:DELETE /api/bookmark/:id");
    // fetch(url, { method: 'DELETE' })
    assert_eq!(f.callers_found, ["web/src/api.ts:14"]);
    assert_eq!(
        layers(f),
        [
            ("route", true, vec!["notes-api/src/routes/bookmarks.ts:11"]),
            ("handler", true, vec!["notes-api/src/controllers/bookmarks.ts:11"]),
        ]
    );
}

#[test]
fn nest_routes_carry_the_global_prefix() {
    let r = report();
    let f = r.finding("route:GET /v2/products/:id");
    assert_eq!(
        layers(f),
        [
            (
                "route",
                true,
                vec!["catalog/src/products/products.controller.ts:5"]
            ),
            (
                "handler",
                true,
                vec!["catalog/src/products/products.controller.ts:6"]
            ),
        ]
    );
    // `${CATALOG_URL}/v2/products/${id}`: the prefix is an env var.
    assert_eq!(
        matches(f),
        [(
            "web/src/catalog.ts:4".to_string(),
            "path-prefix-var".to_string(),
            false
        )]
    );
    let f = r.finding("route:POST /v2/products");
    assert_eq!(
        layers(f)[1],
        (
            "handler",
            true,
            vec!["catalog/src/products/products.controller.ts:11"]
        )
    );
    assert_eq!(f.codes(), ["test-only-callers"]);
    assert_eq!(f.test_callers, ["web/src/__tests__/catalog.test.ts:4"]);
}

#[test]
fn a_plural_path_the_server_routes_singular_is_missing_with_the_singular_first() {
    let r = report();
    let f = r.finding("route:GET /api/bookmarks");
    assert_eq!(f.exists, Some(false));
    assert_eq!(f.codes(), ["missing-layer"]);
    let m = &f.problem("missing-layer").message;
    assert!(
        m.contains("similar: GET /api/bookmark (notes-api/src/routes/bookmarks.ts:7)"),
        "{m}"
    );
    // The client that asks for the plural is named.
    assert!(m.contains("but web/src/api.ts:6 requests it"), "{m}");
}

#[test]
fn params_a_form_or_a_json_client_never_sends() {
    let r = report();
    // `form_with model: [@proposal, Comment.new]` sends `comment[body]` and
    // `comment[author]`; `comment_params` (called from `create`) permits
    // `author_name`. `proposal_id` comes with the URL.
    let f = r.finding("action:comments#create");
    let m = &f.problem("params-key-never-sent").message;
    assert_eq!(
        f.codes()
            .iter()
            .filter(|c| **c == "params-key-never-sent")
            .count(),
        1
    );
    assert!(
        m.contains("reads `comment.author_name` (shop/app/controllers/comments_controller.rb:11)")
            && m.contains("shop/app/views/proposals/show.html.erb:5 sends `comment.body`, `comment.author`"),
        "{m}"
    );
    // The partial the form renders with its builder adds its fields.
    assert!(
        m.contains("`comment.email`") && m.contains("`source`") && m.contains("it is sent `comment.author`"),
        "{m}"
    );
    assert_eq!(f.problem("params-key-never-sent").risk, "high");
    // A JSON body `{ order: { sku, qty } }` from axios against
    // `params.require(:order).permit(:sku, :quantity)`.
    let f = r.finding("action:api/orders#create");
    // The same rename is not reported again as sent and never read.
    assert!(
        !f.codes().contains(&"request-key-sent-never-read"),
        "{:?}",
        f.codes()
    );
    let m = &f.problem("params-key-never-sent").message;
    assert!(
        m.contains("reads `order.quantity` (shop/app/controllers/api/orders_controller.rb:12)")
            && m.contains("web/src/orders.ts:4 sends"),
        "{m}"
    );
    assert_eq!(f.confidence, "high");
    // Nothing submits to `rebuild` with a body: its `params[:full]` is not
    // judged, and the finding says so with low confidence.
    let f = r.finding("action:admin/reports#rebuild");
    assert!(!f.codes().contains(&"params-key-never-sent"));
    assert_eq!(f.confidence, "low");
    assert!(
        f.notes.contains("form or JSON client") && f.notes.contains("`full`"),
        "{}",
        f.notes
    );
}

/// Client instances made in another module (issue 15): `axios.create({
/// baseURL })` exported from web/src/http.ts (default and named) and used
/// in web/src/orders.ts gets that module's base, so the match is a full
/// path, not a prefix held elsewhere; an import not named like a client
/// counts only when it resolves to a client instance (a `Map` does not).
#[test]
fn imported_client_instances_carry_their_base_url() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    common::write_files(
        &ws,
        &[
            ("api/package.json", "{ \"name\": \"api\" }"),
            (
                "api/src/server.ts",
                "import express from 'express';\nconst app = express();\nconst router = express.Router();\nrouter.post('/orders', (req, res) => {});\nrouter.get('/orders/:id', (req, res) => {});\nrouter.get('/stock/:id', (req, res) => {});\napp.use('/api', router);\n",
            ),
            ("web/package.json", "{ \"name\": \"web\" }"),
            (
                "web/src/http.ts",
                "import axios from 'axios';\nexport const backend = axios.create({ baseURL: '/api' });\nconst api = axios.create({ baseURL: '/api' });\nexport default api;\n",
            ),
            ("web/src/cache.ts", "export const cache = new Map();\n"),
            (
                "web/src/orders.ts",
                "import api from './http';\nimport { backend } from './http';\nimport { cache } from './cache';\nexport const create = () => api.post('/orders', { sku: 1 });\nexport const show = (id: string) => backend.get(`/orders/${id}`);\nexport const stock = () => cache.get('/stock/1');\n",
            ),
        ],
    );
    let plan = dir.path().join("plan.yaml");
    std::fs::write(
        &plan,
        "version: 1\nphases:\n  - name: P\n    points:\n      - route: POST /api/orders\n      - route: GET /api/orders/:id\n      - route: GET /api/stock/:id\n",
    )
    .unwrap();
    let (r, _, stderr) = audit(&plan, &ws, &[]);
    let f = r.finding("route:POST /api/orders");
    assert_eq!(
        matches(f),
        [("web/src/orders.ts:4".to_string(), "path".to_string(), false)],
        "{stderr}"
    );
    let f = r.finding("route:GET /api/orders/:id");
    assert_eq!(
        matches(f),
        [("web/src/orders.ts:5".to_string(), "path".to_string(), false)]
    );
    let f = r.finding("route:GET /api/stock/:id");
    assert!(f.callers_found.is_empty(), "{:?}", f.callers_found);
    assert_eq!(f.codes(), ["no-callers"]);
}

/// Ruby HTTP clients' request bodies are senders for
/// `params-key-never-sent` (issue 15): an HTTParty `body:` (through
/// `.to_json`) sends `refund.reason_code` where the action permits
/// `refund.reason`; a Faraday body argument sends `refund.note`, which is
/// unread but no rename of it.
#[test]
fn ruby_client_bodies_are_params_senders() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    common::write_files(
        &ws,
        &[
            ("shop/Gemfile", ""),
            (
                "shop/config/routes.rb",
                "Rails.application.routes.draw do\n  namespace :api do\n    resources :refunds, only: [:create]\n  end\nend\n",
            ),
            (
                "shop/app/controllers/api/refunds_controller.rb",
                "module Api\n  class RefundsController < ApplicationController\n    def create\n      Refund.create!(refund_params)\n    end\n\n    private\n\n    def refund_params\n      params.require(:refund).permit(:amount, :reason)\n    end\n  end\nend\n",
            ),
            ("billing/Gemfile", ""),
            (
                "billing/app/clients/shop_client.rb",
                "class ShopClient\n  include HTTParty\n  base_uri 'https://shop.test'\n\n  def refund(amount)\n    self.class.post('/api/refunds', body: { refund: { amount: amount, reason_code: 'late' } }.to_json)\n  end\nend\n",
            ),
            (
                "billing/app/clients/ledger.rb",
                "class Ledger\n  def conn\n    @conn ||= Faraday.new(url: 'https://shop.test')\n  end\n\n  def refund\n    conn.post('/api/refunds', { refund: { amount: 2, note: 'x' } })\n  end\nend\n",
            ),
        ],
    );
    let plan = dir.path().join("plan.yaml");
    std::fs::write(
        &plan,
        "version: 1\nphases:\n  - name: P\n    points:\n      - action: api/refunds#create\n",
    )
    .unwrap();
    let (r, _, stderr) = audit(&plan, &ws, &[]);
    let f = r.finding("action:api/refunds#create");
    assert!(f.has("params-key-never-sent"), "{:?} {stderr}", f.problems);
    let m = &f.problem("params-key-never-sent").message;
    assert!(
        m.contains("reads `refund.reason`")
            && m.contains("billing/app/clients/shop_client.rb:6 sends")
            && m.contains("billing/app/clients/ledger.rb:7 sends"),
        "{m}"
    );
    // The key that looks like its rename is named; `refund.note`, unread
    // too, is no rename of `reason`.
    assert!(m.contains("(it is sent `refund.reason_code` instead)"), "{m}");
    assert!(!f.notes.contains("no form or JSON client"), "{}", f.notes);
}

/// Next.js route handlers as in vercel/ai-chatbot (issue 15, real-app
/// false positives): a body destructured from `await request.json()` (with
/// a type annotation) is read, so only the key it does not destructure is
/// sent and never read; a body read into a variable reads every key; a
/// route module re-exporting NextAuth's handlers serves its verbs, and a
/// static route beside that catch-all serves its own path.
#[test]
fn next_handlers_read_request_json_and_re_exported_handlers_route() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    common::write_files(
        &ws,
        &[
            ("app/package.json", "{ \"name\": \"app\" }"),
            (
                "app/tsconfig.json",
                "{ \"compilerOptions\": { \"paths\": { \"@/*\": [\"./*\"] } } }",
            ),
            (
                "app/app/api/vote/route.ts",
                "export async function PATCH(request: Request) {\n  const {\n    chatId,\n    type,\n  }: { chatId: string; type: string } =\n    await request.json();\n  return Response.json({ chatId, type });\n}\n",
            ),
            (
                "app/app/api/chat/route.ts",
                "export async function POST(request: Request) {\n  const json = await request.json();\n  return Response.json(schema.parse(json));\n}\n",
            ),
            (
                "app/app/api/auth/[...nextauth]/route.ts",
                "export { GET, POST } from '@/auth';\n",
            ),
            (
                "app/auth.ts",
                "export const {\n  handlers: { GET, POST },\n} = NextAuth({});\n",
            ),
            (
                "app/app/api/auth/guest/route.ts",
                "export async function GET(request: Request) {\n  return Response.redirect('/');\n}\n",
            ),
            (
                "app/components/vote.tsx",
                "export async function vote(chatId: string, messageId: string) {\n  await fetch('/api/vote', { method: 'PATCH', body: JSON.stringify({ chatId, messageId, type: 'up' }) });\n  await fetch('/api/chat', { method: 'POST', body: JSON.stringify({ id: chatId, message: 'hi' }) });\n  await fetch('/api/auth/session');\n}\n",
            ),
        ],
    );
    let plan = dir.path().join("plan.yaml");
    std::fs::write(
        &plan,
        "version: 1\nphases:\n  - name: P\n    points:\n      - route: PATCH /api/vote\n      - route: POST /api/chat\n      - route: GET /api/auth/*nextauth\n      - route: GET /api/auth/guest\n",
    )
    .unwrap();
    let (r, _, stderr) = audit(&plan, &ws, &[]);
    // The static route, not the catch-all beside it, serves its path.
    let f = r.finding("route:GET /api/auth/guest");
    assert_eq!(
        layers(f)[0],
        ("route", true, vec!["app/app/api/auth/guest/route.ts:1"])
    );
    let f = r.finding("route:PATCH /api/vote");
    assert_eq!(f.codes(), ["request-key-sent-never-read"], "{stderr}");
    assert!(
        f.problem("request-key-sent-never-read")
            .message
            .starts_with("`messageId` is sent by app/components/vote.tsx:2"),
        "{}",
        f.problem("request-key-sent-never-read").message
    );
    let f = r.finding("route:POST /api/chat");
    assert!(f.problems.is_empty(), "{:?}", f.problems);
    let f = r.finding("route:GET /api/auth/*nextauth");
    assert_eq!(f.exists, Some(true));
    assert_eq!(
        layers(f),
        [
            ("route", true, vec!["app/app/api/auth/[...nextauth]/route.ts:1"]),
            ("handler", true, vec!["app/app/api/auth/[...nextauth]/route.ts:1"]),
        ]
    );
    assert_eq!(f.callers_found, ["app/components/vote.tsx:4"]);
}

/// A Fastify route whose path starts with a prefix from config
/// (fastify-realworld-example-app's `path: options.prefix + 'articles'`)
/// serves the planned `/api/...` path: it was reported missing before.
#[test]
fn fastify_routes_behind_a_config_prefix_exist() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    common::write_files(
        &ws,
        &[
            ("api/package.json", "{ \"name\": \"api\" }"),
            (
                "api/lib/routes/tags/index.js",
                "const fp = require('fastify-plugin')\nasync function tags (server, options, done) {\n  server.route({\n    method: 'GET',\n    path: options.prefix + 'tags',\n    handler: onGetTags\n  })\n  async function onGetTags (req, reply) {\n    return { tags: [] }\n  }\n}\nmodule.exports = fp(tags)\n",
            ),
        ],
    );
    let plan = dir.path().join("plan.yaml");
    std::fs::write(
        &plan,
        "version: 1\nphases:\n  - name: P\n    points:\n      - route: GET /api/tags\n",
    )
    .unwrap();
    let (r, _, stderr) = audit(&plan, &ws, &[]);
    let f = r.finding("route:GET /api/tags");
    assert_eq!(f.exists, Some(true), "{stderr}");
    assert_eq!(
        layers(f),
        [
            ("route", true, vec!["api/lib/routes/tags/index.js:3"]),
            ("handler", true, vec!["api/lib/routes/tags/index.js:8"]),
        ]
    );
}

/// A form whose fields are not visible (a Phlex-style view component
/// builds them with its own DSL, as feedbin's onboarding views do) may
/// send any key: beside it, an optional key read by the action is not
/// reported as never sent on the strength of another form's near-miss
/// field, and the finding says which sender was opaque, with low
/// confidence (issue 14: a high `params-key-never-sent` on feedbin).
#[test]
fn a_form_without_visible_fields_may_send_any_key() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    let mut files = vec![
        ("shop/Gemfile", ""),
        (
            "shop/config/routes.rb",
            "Rails.application.routes.draw do\n  resources :subscriptions, only: [:update]\nend\n",
        ),
        (
            "shop/app/controllers/subscriptions_controller.rb",
            "class SubscriptionsController < ApplicationController\n  def update\n    Subscription.find(params[:id]).update!(subscription_params)\n  end\n\n  private\n\n  def subscription_params\n    params.require(:subscription).permit(:title, :feed_url)\n  end\nend\n",
        ),
        (
            "shop/app/views/subscriptions/edit.html.erb",
            "<%= form_with model: @subscription do |f| %>\n  <%= f.text_field :title %>\n  <%= f.text_field :feed_uri %>\n<% end %>\n",
        ),
    ];
    let component = (
        "shop/app/views/subscriptions/show_view.rb",
        "class Subscriptions::ShowView < ApplicationView\n  def view_template\n    form_with url: subscription_path(@subscription), method: :patch do\n      render Subscriptions::FeedFields.new(feeds: @feeds)\n    end\n  end\nend\n",
    );
    let plan = dir.path().join("plan.yaml");
    std::fs::write(
        &plan,
        "version: 1\nphases:\n  - name: P\n    points:\n      - action: subscriptions#update\n",
    )
    .unwrap();
    // Without the component, the near miss is the likely rename.
    common::write_files(&ws, &files);
    let (r, _, stderr) = audit(&plan, &ws, &[]);
    let f = r.finding("action:subscriptions#update");
    assert!(f.has("params-key-never-sent"), "{:?} {stderr}", f.problems);
    assert!(
        f.problem("params-key-never-sent")
            .message
            .contains("it is sent `*.feed_uri` instead"),
        "{}",
        f.problem("params-key-never-sent").message
    );
    files.push(component);
    common::write_files(&ws, &files);
    let (r, _, stderr) = audit(&plan, &ws, &[]);
    let f = r.finding("action:subscriptions#update");
    assert!(!f.has("params-key-never-sent"), "{:?} {stderr}", f.problems);
    assert_eq!(f.confidence, "low");
    assert!(
        f.notes.contains("shop/app/views/subscriptions/show_view.rb:3 submits to `subscriptions#update` without fields seen here"),
        "{}",
        f.notes
    );
}

/// Next.js serves a static segment before a dynamic one: `POST
/// /api/reports/goal` is app/api/reports/goal/route.ts, not
/// app/api/reports/[reportId]/route.ts, which comes first in the table
/// (umami, issue 14); an id still goes to the dynamic route.
#[test]
fn next_static_segments_win_over_dynamic_ones() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    common::write_files(
        &ws,
        &[
            ("app/package.json", "{ \"name\": \"app\" }"),
            (
                "app/app/api/reports/[reportId]/route.ts",
                "export async function POST(request: Request) {\n  return Response.json({});\n}\n",
            ),
            (
                "app/app/api/reports/goal/route.ts",
                "export async function POST(request: Request) {\n  return Response.json({});\n}\n",
            ),
        ],
    );
    let plan = dir.path().join("plan.yaml");
    std::fs::write(
        &plan,
        "version: 1\nphases:\n  - name: P\n    points:\n      - route: POST /api/reports/goal\n      - route: POST /api/reports/:id\n",
    )
    .unwrap();
    let (r, _, stderr) = audit(&plan, &ws, &[]);
    let defs = |id: &str| -> Vec<String> {
        r.finding(id)
            .definitions
            .iter()
            .map(|d| d.location.clone())
            .collect()
    };
    assert_eq!(
        defs("route:POST /api/reports/goal"),
        ["app/app/api/reports/goal/route.ts:1"],
        "{stderr}"
    );
    assert_eq!(
        defs("route:POST /api/reports/:id"),
        ["app/app/api/reports/[reportId]/route.ts:1"]
    );
}
