//! Payload keys on `route` / `action` findings and `webhook` points end to
//! end on `fixtures/payload-webhooks` (a Rails API, `api`, with jbuilder
//! views, ActiveModel serializers, a `render json:` literal and three
//! webhooks; a Ruby client, `storefront-client`) with
//! `plans/payload-webhooks.yaml`: every key's sent/read site and every
//! code of contract §6.

mod common;

use common::{Finding, Layer, audit};
use std::path::Path;

fn report() -> common::Report {
    let (r, code, stderr) = audit(
        Path::new("plans/payload-webhooks.yaml"),
        Path::new("fixtures/payload-webhooks"),
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

const SHOW: &str = "api/app/views/api/orders/show.json.jbuilder";
const CUSTOMER: &str = "api/app/views/api/orders/_customer.json.jbuilder";
const CLIENT: &str = "storefront-client/app/services/orders_api.rb";

#[test]
fn a_key_renamed_in_a_jbuilder_partial_is_read_never_sent() {
    let r = report();
    let f = r.finding("route:GET /api/orders/:id");
    assert_eq!(f.codes(), ["response-key-read-never-sent"]);
    assert_eq!(f.risk, "high");
    let m = &f.problem("response-key-read-never-sent").message;
    assert!(
        m.contains("`customer.email` is read by storefront-client/app/services/orders_api.rb:9"),
        "{m}"
    );
    assert!(
        m.contains("likely renamed to `customer.email_address`, rendered at api/app/views/api/orders/_customer.json.jbuilder:2"),
        "{m}"
    );
    let s = |l: u32| format!("{SHOW}:{l}");
    let (s1, s6, s7) = (s(1), s(6), s(7));
    let c = |l: u32| format!("{CLIENT}:{l}");
    let (c8, c9, c10) = (c(8), c(9), c(10));
    let p = |l: u32| format!("{CUSTOMER}:{l}");
    let (p1, p2) = (p(1), p(2));
    assert_eq!(
        f.payload_keys("response"),
        [
            ("customer.email", vec![], vec![c9.as_str()]),
            ("customer.email_address", vec![p2.as_str()], vec![]),
            ("customer.name", vec![p1.as_str()], vec![]),
            ("id", vec![s1.as_str()], vec![]),
            ("items[].sku", vec![s6.as_str()], vec![c10.as_str()]),
            ("items[].unit_price", vec![s7.as_str()], vec![]),
            ("number", vec![s1.as_str()], vec![c8.as_str()]),
            ("status", vec![s1.as_str()], vec![]),
        ]
    );
    // The path's `:id` is not a body key.
    assert_eq!(f.payload_keys("request"), []);
}

#[test]
fn a_key_sent_that_strong_params_drop_is_sent_never_read() {
    let r = report();
    for id in ["route:POST /api/orders", "action:api/orders#create"] {
        let f = r.finding(id);
        assert_eq!(f.codes(), ["request-key-sent-never-read"], "{id}");
        assert_eq!(f.problem("request-key-sent-never-read").risk, "low");
        assert!(
            f.problem("request-key-sent-never-read")
                .message
                .contains("`order.gift_note` is sent by storefront-client/app/services/orders_api.rb:15 but Api::OrdersController#create never reads it"),
            "{}",
            f.problem("request-key-sent-never-read").message
        );
        let permit = "api/app/controllers/api/orders_controller.rb:39";
        let sent = "storefront-client/app/services/orders_api.rb:15";
        assert_eq!(
            f.payload_keys("request"),
            [
                ("order.gift_note", vec![sent], vec![]),
                ("order.quantity", vec![sent], vec![permit]),
                ("order.sku", vec![sent], vec![permit]),
            ],
            "{id}"
        );
        let lit = "api/app/controllers/api/orders_controller.rb:18";
        assert_eq!(
            f.payload_keys("response"),
            [
                ("id", vec![lit], vec![]),
                ("placed_at", vec![lit], vec![]),
                (
                    "status",
                    vec![lit],
                    vec!["storefront-client/app/services/orders_api.rb:16"]
                ),
            ],
            "{id}"
        );
    }
}

#[test]
fn a_serializer_found_by_convention_gives_the_shape_of_a_collection() {
    let r = report();
    let f = r.finding("route:GET /api/orders");
    assert_eq!(f.risk, "none");
    assert_eq!(f.confidence, "high");
    let o = "api/app/serializers/order_serializer.rb:2";
    let li = "api/app/serializers/line_item_serializer.rb:2";
    assert_eq!(
        f.payload_keys("response"),
        [
            ("[].currency", vec![o], vec![]),
            ("[].id", vec![o], vec![]),
            ("[].line_items[].quantity", vec![li], vec![]),
            (
                "[].line_items[].sku",
                vec![li],
                vec!["storefront-client/app/services/orders_api.rb:21"]
            ),
            ("[].total", vec![o], vec![]),
        ]
    );
    assert_eq!(
        f.payload_keys("request"),
        [(
            "account_id",
            vec![],
            vec!["api/app/controllers/api/orders_controller.rb:6"]
        )]
    );
}

#[test]
fn a_response_whose_shape_is_hidden_gives_no_problem_and_low_confidence() {
    let r = report();
    let f = r.finding("route:GET /api/orders/:id/summary");
    assert!(f.problems.is_empty(), "{:?}", f.codes());
    assert_eq!(f.confidence, "low");
    assert!(
        f.notes
            .contains("`SummaryBuilder.call(@order)` (api/app/controllers/api/orders_controller.rb:22)"),
        "{}",
        f.notes
    );
    assert_eq!(
        f.payload_keys("response"),
        [(
            "margin",
            vec![],
            vec!["storefront-client/app/services/orders_api.rb:25"]
        )]
    );
}

#[test]
fn a_stripe_webhook_verified_enqueued_and_deduplicated_in_its_job_is_fine() {
    let r = report();
    let f = r.finding("webhook:POST /webhooks/stripe");
    assert_eq!(f.risk, "none", "{:?}", f.codes());
    assert_eq!(f.confidence, "high");
    assert_eq!(
        layers(f),
        [
            ("route", true, vec!["api/config/routes.rb:7"]),
            (
                "handler",
                true,
                vec!["api/app/controllers/webhooks_controller.rb:5"]
            ),
            (
                "verification",
                true,
                vec!["api/app/controllers/webhooks_controller.rb:6"]
            ),
            (
                "enqueue",
                true,
                vec![
                    "api/app/controllers/webhooks_controller.rb:7",
                    "api/app/jobs/stripe_event_job.rb:4"
                ]
            ),
        ]
    );
}

#[test]
fn an_hmac_checked_in_a_before_action_verifies_but_nothing_dedups() {
    let r = report();
    let f = r.finding("webhook:POST /webhooks/github");
    assert_eq!(f.codes(), ["webhook-no-dedup"]);
    assert_eq!(f.risk, "low");
    assert_eq!(f.confidence, "low");
    assert_eq!(
        layers(f)[2],
        (
            "verification",
            true,
            vec![
                "api/app/controllers/webhooks_controller.rb:28",
                "api/app/controllers/webhooks_controller.rb:30"
            ]
        )
    );
}

#[test]
fn an_unverified_inline_webhook_has_every_problem() {
    let r = report();
    let f = r.finding("webhook:POST /webhooks/shipping");
    assert_eq!(
        f.codes(),
        [
            "webhook-unverified",
            "webhook-processed-inline",
            "outbound-call-without-timeout",
            "webhook-no-dedup"
        ]
    );
    let m = &f.problem("webhook-unverified").message;
    assert!(
        m.contains("plain `==` at api/app/controllers/webhooks_controller.rb:18 (timing-unsafe"),
        "{m}"
    );
    // The comment naming `Stripe::Webhook.construct_event` above `stripe`
    // is not a check, and the HMAC computed for the `==` is not one either.
    assert_eq!(layers(f)[2], ("verification", false, vec![]));
    assert!(
        f.problem("webhook-processed-inline").message.contains(
            "api/app/controllers/webhooks_controller.rb:20, api/app/controllers/webhooks_controller.rb:21"
        ),
        "{}",
        f.problem("webhook-processed-inline").message
    );
    assert!(
        f.problem("outbound-call-without-timeout")
            .message
            .contains("at api/app/controllers/webhooks_controller.rb:21"),
        "{}",
        f.problem("outbound-call-without-timeout").message
    );
}

#[test]
fn outbound_calls_without_a_timeout_in_jobs_and_methods() {
    let r = report();
    let job = r.finding("job:ShippingSyncJob");
    assert_eq!(job.codes(), ["outbound-call-without-timeout"]);
    assert!(
        job.problem("outbound-call-without-timeout")
            .message
            .contains("`ShippingSyncJob#perform` calls `POST https://carrier.example.com/shipments (HTTParty)` at api/app/jobs/shipping_sync_job.rb:6"),
        "{}",
        job.problem("outbound-call-without-timeout").message
    );
    let track = r.finding("method:CarrierClient#track");
    assert_eq!(track.codes(), ["outbound-call-without-timeout"]);
    assert!(
        track
            .problem("outbound-call-without-timeout")
            .message
            .contains("api/app/services/carrier_client.rb:10"),
    );
    // `timeout: 5` at the call.
    let quote = r.finding("method:CarrierClient#quote");
    assert!(quote.problems.is_empty(), "{:?}", quote.codes());
}

#[test]
fn only_route_and_action_findings_carry_a_payload() {
    let r = report();
    for f in &r.findings {
        assert_eq!(
            f.payload.is_some(),
            f.kind == "route" || f.kind == "action",
            "{}",
            f.id
        );
    }
}

#[test]
fn a_check_delegated_by_name_verifies_and_a_handoff_is_capped_and_doubted() {
    let r = report();
    // `plaid_client.validate_webhook!(header, body)`: a check by its name.
    let f = r.finding("webhook:POST /webhooks/plaid");
    assert_eq!(f.risk, "none", "{:?}", f.codes());
    assert_eq!(
        layers(f)[2],
        (
            "verification",
            true,
            vec!["api/app/controllers/partner_webhooks_controller.rb:4"]
        )
    );
    // `billing_provider.process_webhook_later(body, sig)`: the check may
    // be in code seamscan does not follow.
    let f = r.finding("webhook:POST /webhooks/billing");
    assert_eq!(f.codes(), ["webhook-unverified", "webhook-no-dedup"]);
    assert_eq!(f.problem("webhook-unverified").risk, "medium");
    assert_eq!(f.confidence, "low");
    assert!(
        f.notes.contains(
            "`billing_provider.process_webhook_later` (api/app/controllers/partner_webhooks_controller.rb:10)"
        ),
        "{}",
        f.notes
    );
}

#[test]
fn an_express_handler_renders_and_reads_keys_a_ruby_client_disagrees_with() {
    let r = report();
    let f = r.finding("route:POST /labels");
    assert_eq!(
        f.codes(),
        ["response-key-read-never-sent", "request-key-sent-never-read"]
    );
    let m = &f.problem("response-key-read-never-sent").message;
    assert!(
        m.contains("`tracking_number` is read by storefront-client/app/services/shipping_api.rb:6")
            && m.contains("likely renamed to `trackingNumber`, rendered at shipping-service/src/app.ts:11"),
        "{m}"
    );
    assert!(
        f.problem("request-key-sent-never-read")
            .message
            .starts_with("`service` is sent by storefront-client/app/services/shipping_api.rb:5"),
    );
    let app = |l: u32| format!("shipping-service/src/app.ts:{l}");
    let (a9, a10, a11) = (app(9), app(10), app(11));
    let sent = "storefront-client/app/services/shipping_api.rb:5";
    assert_eq!(
        f.payload_keys("request"),
        [
            ("carrier", vec![], vec![a10.as_str()]),
            ("orderNumber", vec![sent], vec![a9.as_str()]),
            ("service", vec![sent], vec![]),
            ("weight", vec![sent], vec![a9.as_str()]),
        ]
    );
    assert_eq!(
        f.payload_keys("response"),
        [
            ("carrier", vec![a11.as_str()], vec![]),
            ("labelId", vec![a11.as_str()], vec![]),
            ("trackingNumber", vec![a11.as_str()], vec![]),
            (
                "tracking_number",
                vec![],
                vec!["storefront-client/app/services/shipping_api.rb:6"]
            ),
            ("weight", vec![a11.as_str()], vec![]),
        ]
    );
}

#[test]
fn an_express_webhook_with_a_raw_body_hmac_and_timing_safe_equal_is_verified() {
    let r = report();
    let f = r.finding("webhook:POST /webhooks/carrier");
    assert_eq!(f.codes(), ["webhook-no-dedup"]);
    assert_eq!(
        layers(f),
        [
            ("route", true, vec!["shipping-service/src/app.ts:14"]),
            ("handler", true, vec!["shipping-service/src/app.ts:14"]),
            (
                "verification",
                true,
                vec!["shipping-service/src/app.ts:16", "shipping-service/src/app.ts:17"]
            ),
            ("enqueue", true, vec!["shipping-service/src/app.ts:21"]),
        ]
    );
    // No check in an Express handler that writes: capped, because
    // middleware before it is not read.
    let f = r.finding("webhook:POST /webhooks/returns");
    assert_eq!(
        f.codes(),
        [
            "webhook-unverified",
            "webhook-processed-inline",
            "webhook-no-dedup"
        ]
    );
    assert_eq!(f.problem("webhook-unverified").risk, "medium");
    assert_eq!(f.confidence, "low");
    assert!(
        f.problem("webhook-processed-inline")
            .message
            .contains("shipping-service/src/app.ts:26"),
    );
}

/// Found on rubygems.org: a plan of webhook points only still builds the
/// route tables (its routes were all "missing").
#[test]
fn a_plan_of_webhook_points_alone_finds_their_routes() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("webhooks.yaml");
    std::fs::write(
        &plan,
        "version: 1\nphases:\n  - name: w\n    points:\n      - webhook: POST /webhooks/stripe\n",
    )
    .unwrap();
    let (r, code, stderr) = audit(&plan, Path::new("fixtures/payload-webhooks"), &[]);
    assert_eq!(code, 0, "{stderr}");
    let f = r.finding("webhook:POST /webhooks/stripe");
    assert_eq!(f.risk, "none", "{:?}", f.codes());
    assert_eq!(layers(f)[0], ("route", true, vec!["api/config/routes.rb:7"]));
}

/// Found on rubygems.org: a controller named with an acronym inflection
/// (`GitHubSecretScanningController` for `github_secret_scanning`) is the
/// handler; HTTP basic authentication on the class verifies the sender.
#[test]
fn an_acronym_controller_with_basic_auth_is_a_verified_handler() {
    let r = report();
    let f = r.finding("webhook:POST /webhooks/github_app");
    assert_eq!(f.codes(), ["webhook-no-dedup"]);
    assert_eq!(
        layers(f)[1..3],
        [
            (
                "handler",
                true,
                vec!["api/app/controllers/git_hub_app_webhooks_controller.rb:5"]
            ),
            (
                "verification",
                true,
                vec!["api/app/controllers/git_hub_app_webhooks_controller.rb:3"]
            ),
        ]
    );
}

#[test]
fn typescript_clients_send_and_read_keys_and_a_rename_is_reported_once_per_finding() {
    let r = report();
    let web = |l: u32| format!("web/src/orders.ts:{l}");
    let (w5, w7, w11, w12, w13, w19, w22, w23) = (
        web(5),
        web(7),
        web(11),
        web(12),
        web(13),
        web(19),
        web(22),
        web(23),
    );
    let ctl = |l: u32| format!("api/app/controllers/api/orders_controller.rb:{l}");
    let (permit, render) = (ctl(28), ctl(29));
    for id in ["route:PATCH /api/orders/:id", "action:api/orders#update"] {
        let f = r.finding(id);
        // The bodies' leaves (axios's second argument, fetch's
        // `JSON.stringify`) are the request's sent keys, each at the line
        // it is written on; their parent `order` is not listed and covers
        // no read by itself.
        assert_eq!(
            f.payload_keys("request"),
            [
                ("order.delivery_notes", vec![], vec![permit.as_str()]),
                ("order.notes", vec![w5.as_str()], vec![]),
                (
                    "order.quantity",
                    vec![w11.as_str(), w19.as_str(), w5.as_str()],
                    vec![permit.as_str()]
                ),
            ],
            "{id}"
        );
        // `res.data.deliveryNote`; `const { data } = await axios...` then
        // `const { id: orderId } = data` and `data.deliveryNotes.trim()`;
        // `await res.json()` of a fetch and `body.deliveryNotes.length`;
        // `(await axios.patch(...)).data.status`.
        assert_eq!(
            f.payload_keys("response"),
            [
                ("deliveryNote", vec![], vec![w7.as_str()]),
                (
                    "deliveryNotes",
                    vec![render.as_str()],
                    vec![w13.as_str(), w23.as_str()]
                ),
                ("id", vec![render.as_str()], vec![w12.as_str()]),
                ("status", vec![], vec![w22.as_str()]),
            ],
            "{id}"
        );
        let reads: Vec<&str> = f
            .problems
            .iter()
            .filter(|p| p.code == "response-key-read-never-sent")
            .map(|p| p.message.as_str())
            .collect();
        assert_eq!(reads.len(), 2, "{id}: {reads:?}");
        assert!(
            reads[0].contains("`deliveryNote` is read by web/src/orders.ts:7 but Api::OrdersController#update never sends it (likely renamed to `deliveryNotes`"),
            "{}",
            reads[0]
        );
        assert!(
            reads[1].contains("`status` is read by web/src/orders.ts:22"),
            "{}",
            reads[1]
        );
    }
    // The route has no params check: the sent side reports the rename.
    let route = r.finding("route:PATCH /api/orders/:id");
    assert_eq!(
        route.codes(),
        [
            "response-key-read-never-sent",
            "response-key-read-never-sent",
            "request-key-sent-never-read"
        ]
    );
    let m = &route.problem("request-key-sent-never-read").message;
    assert!(
        m.contains(
            "`order.notes` is sent by web/src/orders.ts:5 but Api::OrdersController#update never reads it"
        ) && m.contains("likely renamed: the server reads `order.delivery_notes`"),
        "{m}"
    );
    // On the action, params-key-never-sent already names `order.notes` as
    // the likely rename: the same rename is not reported again.
    let action = r.finding("action:api/orders#update");
    assert_eq!(
        action.codes(),
        [
            "params-key-never-sent",
            "response-key-read-never-sent",
            "response-key-read-never-sent"
        ]
    );
    let m = &action.problem("params-key-never-sent").message;
    assert!(
        m.contains("reads `order.delivery_notes`") && m.contains("it is sent `order.notes` instead"),
        "{m}"
    );
    assert!(
        !m.contains("order.order"),
        "a body under the model's key is not wrapped again: {m}"
    );
}
