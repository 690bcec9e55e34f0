//! `job`, `event` and `flag` points (issue 16) end to end: the bundled
//! fixture (`plans/async-boundaries.yaml`) with every layer and problem
//! code, worker configuration forms, plan keys on these kinds, and the
//! Markdown and SARIF renderings of layers.

mod common;

use common::{Finding, Report, audit, seamscan, write_files};
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn fixture() -> Report {
    let (r, code, stderr) = audit(
        &Path::new(ROOT).join("plans/async-boundaries.yaml"),
        &Path::new(ROOT).join("fixtures/async-boundaries"),
        &[],
    );
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(r.stats.parse_errors, 0);
    r
}

fn layer<'a>(f: &'a Finding, name: &str) -> (bool, Vec<&'a str>) {
    let l = f
        .layers
        .as_ref()
        .unwrap_or_else(|| panic!("{}: no layers", f.id))
        .iter()
        .find(|l| l.layer == name)
        .unwrap_or_else(|| panic!("{}: no {name} layer", f.id));
    (l.found, l.locations.iter().map(String::as_str).collect())
}

const CHECKOUT: &str = "shop/app/services/checkout.rb";

#[test]
fn jobs_layers_arguments_and_queues() {
    let r = fixture();
    // A clean ActiveJob: producer, consumer, and a consumed queue.
    let f = r.finding("job:InvoiceJob");
    assert_eq!(f.access_modifier, None);
    assert!(f.definitions.iter().all(|d| d.access.is_none()));
    assert_eq!(f.risk, "none", "{:?}", f.problems);
    assert_eq!(
        layer(f, "producer"),
        (true, vec!["shop/app/services/checkout.rb:5"])
    );
    assert_eq!(
        layer(f, "consumer"),
        (true, vec!["shop/app/jobs/invoice_job.rb:4"])
    );
    assert_eq!(
        layer(f, "queue"),
        (
            true,
            vec!["shop/app/jobs/invoice_job.rb:2", "shop/config/sidekiq.yml:3"]
        )
    );
    // perform(order_id, resend: false): perform_later(id), set(wait:)...
    // with a keyword, perform_all_later([ReceiptJob.new(id)]) all fit; the
    // set(queue: :low) producer picks a queue no worker listens to.
    let f = r.finding("job:ReceiptJob");
    assert_eq!(f.codes(), ["queue-not-consumed"]);
    assert_eq!(
        layer(f, "producer").1,
        (6..=9).map(|l| format!("{CHECKOUT}:{l}")).collect::<Vec<_>>()
    );
    assert!(
        f.problem("queue-not-consumed")
            .message
            .contains("`low` (chosen at shop/app/services/checkout.rb:8)")
    );
    // One argument for perform(account_id, month); `queue_as :reports`.
    let f = r.finding("job:ReportJob");
    assert_eq!(f.codes(), ["job-arguments-mismatch", "queue-not-consumed"]);
    let m = &f.problem("job-arguments-mismatch").message;
    assert!(
        m.contains(&format!("{CHECKOUT}:10 passes 1 argument but `perform` takes 2")),
        "{m}"
    );
    assert!(m.contains("shop/app/jobs/report_job.rb:4"), "{m}");
    assert_eq!(layer(f, "queue"), (false, vec!["shop/app/jobs/report_job.rb:2"]));
    // Sidekiq: a User record and a symbol; perform_in's delay is not an
    // argument; Sidekiq::Client.push counts.
    let f = r.finding("job:SyncWorker");
    assert_eq!(f.risk, "medium");
    assert_eq!(
        f.codes(),
        ["job-arguments-not-serializable", "job-arguments-not-serializable"]
    );
    let msgs: Vec<&str> = f.problems.iter().map(|p| p.message.as_str()).collect();
    assert!(
        msgs.iter().any(|m| m.contains("a `User` record (`user`)")),
        "{msgs:?}"
    );
    assert!(msgs.iter().any(|m| m.contains("a symbol (`:full`)")), "{msgs:?}");
    assert!(
        msgs.iter().all(|m| m.contains(&format!("{CHECKOUT}:11"))),
        "{msgs:?}"
    );
    assert_eq!(layer(f, "producer").1.len(), 3);
    assert_eq!(
        layer(f, "queue"),
        (
            true,
            vec!["shop/app/workers/sync_worker.rb:3", "shop/config/sidekiq.yml:3"]
        )
    );
    // Only a spec enqueues it; nothing at all; no perform; no class.
    assert_eq!(r.finding("job:CleanupJob").codes(), ["test-only-callers"]);
    assert_eq!(
        r.finding("job:CleanupJob").test_callers,
        ["shop/spec/jobs/cleanup_job_spec.rb:3"]
    );
    assert_eq!(r.finding("job:OrphanJob").codes(), ["no-callers"]);
    let f = r.finding("job:HalfJob");
    assert_eq!(f.codes(), ["missing-layer"]);
    assert!(f.problem("missing-layer").message.starts_with("consumer:"));
    assert_eq!(layer(f, "consumer"), (false, vec![]));
    let f = r.finding("job:GhostJob");
    assert_eq!(f.exists, Some(false));
    assert_eq!(f.codes(), ["missing-definition"]);
    // Run only by a scheduler (sidekiq-cron's schedule.yml).
    let f = r.finding("job:NightlyJob");
    assert_eq!(f.risk, "none", "{:?}", f.problems);
    assert_eq!(layer(f, "producer"), (true, vec!["shop/config/schedule.yml:3"]));
    // Returned by a method and enqueued through it: dynamic, not no-callers.
    let f = r.finding("job:ShippedMailWorker");
    assert_eq!(
        (f.codes(), f.confidence.as_str()),
        (vec!["dynamic-callers-only"], "low")
    );
    assert_eq!(
        f.dynamic_callers.as_deref(),
        Some(&["shop/app/models/shipped_notification.rb:3".to_string()][..])
    );
    // A class that is not a job: one missing-definition, no no-callers.
    let f = r.finding("job:Checkout");
    assert_eq!(f.codes(), ["missing-definition"]);
    assert!(f.problems[0].message.contains("is not a job"), "{:?}", f.problems);
    assert!(f.layers.as_ref().unwrap().iter().all(|l| l.layer != "queue"));
    // A mailer's deliver_later: the mailer method is the consumer.
    let f = r.finding("job:OrderMailer#shipped");
    assert_eq!(f.risk, "none", "{:?}", f.problems);
    assert_eq!(
        layer(f, "consumer"),
        (true, vec!["shop/app/mailers/order_mailer.rb:2"])
    );
    assert_eq!(
        layer(f, "producer"),
        (true, vec!["shop/app/services/checkout.rb:16"])
    );
    // `config.load_defaults 7.1`: mail goes to ActiveJob's `default`.
    assert_eq!(
        layer(f, "queue"),
        (
            true,
            vec!["shop/config/application.rb:3", "shop/config/sidekiq.yml:4"]
        )
    );
    // `self.deliver_later_queue_name = :admin_mail`: no worker takes it.
    let f = r.finding("job:AdminMailer#alert");
    assert_eq!(f.codes(), ["queue-not-consumed"]);
    assert_eq!(
        layer(f, "queue"),
        (false, vec!["shop/app/mailers/admin_mailer.rb:2"])
    );
}

const MAILER: &str = "class ApplicationMailer < ActionMailer::Base\nend\n\nclass UserMailer < ApplicationMailer\n  def welcome(u)\n    mail(to: u)\n  end\nend\n";

#[test]
fn mailer_queues() {
    let files = |app: &'static str, producer: &'static str| {
        let mut v = vec![
            ("app/Gemfile", ""),
            ("app/app/mailers/user_mailer.rb", MAILER),
            ("app/app/services/signup.rb", producer),
            ("app/config/sidekiq.yml", ":queues:\n  - default\n"),
        ];
        if !app.is_empty() {
            v.push(("app/config/application.rb", app));
        }
        v
    };
    let later = "class Signup\n  def call(u)\n    UserMailer.welcome(u).deliver_later\n  end\nend\n";
    // Rails before 6.1: the `mailers` queue, which sidekiq.yml lacks.
    let w = ws(&files(
        "module App\n  class Application < Rails::Application\n    config.load_defaults 6.0\n  end\nend\n",
        later,
    ));
    let (r, code, _) = run(&w, "      - job: UserMailer#welcome\n", &[]);
    assert_eq!(code, 1);
    let f = r.finding("job:UserMailer#welcome");
    assert_eq!(f.codes(), ["queue-not-consumed"]);
    assert!(
        f.problem("queue-not-consumed")
            .message
            .contains("queue `mailers` (chosen at app/config/application.rb:3)"),
        "{}",
        f.problem("queue-not-consumed").message
    );
    // An app-wide setting wins over the defaults.
    let w = ws(&files(
        "module App\n  class Application < Rails::Application\n    config.load_defaults 6.0\n    config.action_mailer.deliver_later_queue_name = :default\n  end\nend\n",
        later,
    ));
    let (r, code, _) = run(&w, "      - job: UserMailer#welcome\n", &[]);
    assert_eq!(code, 0, "{:?}", r.finding("job:UserMailer#welcome").problems);
    // `deliver_later(queue: :urgent)` at the call.
    let w = ws(&files(
        "module App\n  class Application < Rails::Application\n    config.load_defaults 7.0\n  end\nend\n",
        "class Signup\n  def call(u)\n    UserMailer.welcome(u).deliver_later(queue: :urgent)\n  end\nend\n",
    ));
    let (r, _, _) = run(&w, "      - job: UserMailer#welcome\n", &[]);
    let f = r.finding("job:UserMailer#welcome");
    assert!(
        f.problem("queue-not-consumed")
            .message
            .contains("queue `urgent` (chosen at app/app/services/signup.rb:3)"),
        "{:?}",
        f.problems
    );
    // Neither load_defaults nor a setting visible: not guessed.
    let w = ws(&files("", later));
    let (r, code, _) = run(&w, "      - job: UserMailer#welcome\n", &[]);
    assert_eq!(code, 0);
    let f = r.finding("job:UserMailer#welcome");
    assert!(f.notes.contains("`config.load_defaults` decides"), "{}", f.notes);
    // `deliver_now` goes through no queue.
    let w = ws(&files(
        "module App\n  class Application < Rails::Application\n    config.load_defaults 6.0\n  end\nend\n",
        "class Signup\n  def call(u)\n    UserMailer.welcome(u).deliver_now\n  end\nend\n",
    ));
    let (r, code, _) = run(&w, "      - job: UserMailer#welcome\n", &[]);
    assert_eq!(code, 0, "{:?}", r.finding("job:UserMailer#welcome").problems);
}

#[test]
fn events_both_sides() {
    let r = fixture();
    let init = "shop/config/initializers/notifications.rb";
    let f = r.finding("event:order.placed");
    assert_eq!((f.risk.as_str(), f.confidence.as_str()), ("none", "high"));
    assert_eq!(
        layer(f, "producer"),
        (true, vec!["shop/app/services/checkout.rb:17"])
    );
    assert_eq!(layer(f, "consumer").1, vec![format!("{init}:1")]);
    let f = r.finding("event:order.refunded");
    assert_eq!(f.codes(), ["missing-layer"]);
    assert!(f.problem("missing-layer").message.starts_with("consumer:"));
    let f = r.finding("event:cache.expired");
    assert_eq!(f.codes(), ["missing-layer"]);
    assert!(f.problem("missing-layer").message.starts_with("producer:"));
    // Subscribed only through /\Apayment\./: found, low confidence.
    let f = r.finding("event:payment.captured");
    assert_eq!((f.risk.as_str(), f.confidence.as_str()), ("none", "low"));
    assert_eq!(layer(f, "consumer").1, vec![format!("{init}:9")]);
    assert_eq!(r.finding("event:order.audited").codes(), ["test-only-callers"]);
    // A Wisper listener object's method: found, by name, low confidence.
    let f = r.finding("event:refund_issued");
    assert_eq!(
        (f.risk.as_str(), f.confidence.as_str()),
        ("none", "low"),
        "{:?}",
        f.problems
    );
    assert_eq!(
        layer(f, "consumer"),
        (true, vec!["shop/app/listeners/refund_listener.rb:2"])
    );
    // TypeScript: EventEmitter2 emit and NestJS @OnEvent.
    let f = r.finding("event:invoice.sent");
    assert_eq!(f.risk, "none", "{:?}", f.problems);
    assert_eq!(layer(f, "producer"), (true, vec!["notifier/src/invoices.ts:9"]));
    assert_eq!(layer(f, "consumer"), (true, vec!["notifier/src/invoices.ts:13"]));
    let f = r.finding("event:invoice.voided");
    assert_eq!(f.codes(), ["missing-layer"]);
    // Rails emits it: subscribed only, and that is fine.
    let f = r.finding("event:process_action.action_controller");
    assert_eq!(f.risk, "none", "{:?}", f.problems);
    assert!(f.notes.contains("Emitted by `action_controller`"), "{}", f.notes);
    assert_eq!(layer(f, "producer"), (true, vec![]));
    // Wisper: broadcast(:x) and publisher.on(:x) { }.
    let f = r.finding("event:order_shipped");
    assert_eq!(f.risk, "none", "{:?}", f.problems);
    assert_eq!(
        layer(f, "consumer").1,
        vec!["shop/app/controllers/orders_controller.rb:4"]
    );
}

#[test]
fn flags_checked_and_defined() {
    let r = fixture();
    let f = r.finding("flag:new_checkout");
    assert_eq!((f.risk.as_str(), f.config_wired), ("none", Some(true)));
    assert_eq!(f.config[0].defined_at, ["shop/config/features.yml:2"]);
    assert_eq!(f.config[0].read_at, ["shop/app/services/checkout.rb:21"]);
    // Flipper[:x].enabled?, created in db/seeds.rb.
    let f = r.finding("flag:dark_mode");
    assert_eq!((f.risk.as_str(), f.config_wired), ("none", Some(true)));
    assert_eq!(f.config[0].defined_at, ["shop/db/seeds.rb:1"]);
    let f = r.finding("flag:beta_reports");
    assert_eq!(
        (f.codes(), f.config_wired),
        (vec!["config-not-wired"], Some(false))
    );
    let f = r.finding("flag:unused_banner");
    assert_eq!(f.codes(), ["config-never-read"]);
    assert_eq!(f.exists, Some(false));
    // LaunchDarkly: defined in the service, not a false config-not-wired.
    let f = r.finding("flag:ld-pricing");
    assert_eq!((f.risk.as_str(), f.config_wired), ("none", None));
    assert!(f.notes.contains("LaunchDarkly"), "{}", f.notes);
}

const SIGNUP: &str = "notifier/src/signup.ts";
const WORKERS: &str = "notifier/src/workers.ts";

#[test]
fn bullmq_jobs_queues_and_job_data() {
    let r = fixture();
    // Enqueued on a queue object imported from another module, whose name
    // is a constant (`new Queue(QUEUES.MAIL)`); processed in `case
    // 'welcome':`, which reads `job.data.plan` the producer never sends.
    let f = r.finding("job:welcome");
    assert_eq!(f.codes(), ["job-arguments-mismatch"]);
    assert_eq!(layer(f, "producer"), (true, vec!["notifier/src/signup.ts:4"]));
    assert_eq!(layer(f, "consumer"), (true, vec!["notifier/src/workers.ts:4"]));
    assert_eq!(
        layer(f, "queue"),
        (
            true,
            vec!["notifier/src/queues.ts:5", "notifier/src/workers.ts:4"]
        )
    );
    assert_eq!(
        f.problem("job-arguments-mismatch").message,
        format!(
            "the processor at {WORKERS}:4 reads `job.data.plan` but the producer at {SIGNUP}:4 sends only userId"
        )
    );
    // A named processor function (`new Worker('reports', monthlyReport)`).
    let f = r.finding("job:monthly");
    assert_eq!(
        (f.risk.as_str(), f.codes().len()),
        ("none", 0),
        "{:?}",
        f.problems
    );
    assert_eq!(layer(f, "consumer"), (true, vec!["notifier/src/workers.ts:17"]));
    // The processor of its queue switches on other job names.
    let f = r.finding("job:digest");
    assert_eq!(f.codes(), ["missing-layer"]);
    assert!(
        f.problem("missing-layer")
            .message
            .contains("not `digest`: notifier/src/workers.ts:4 (reset, welcome)"),
        "{}",
        f.problem("missing-layer").message
    );
    // No worker listens to `exports`.
    let f = r.finding("job:csv");
    assert_eq!(f.codes(), ["queue-not-consumed"]);
    assert_eq!(layer(f, "queue"), (false, vec!["notifier/src/queues.ts:7"]));
    assert!(
        f.problem("queue-not-consumed")
            .message
            .contains("queue `exports` (enqueued at notifier/src/signup.ts:14) has no worker: the workers in the workspace listen to auditQueue.name, mail, reports")
    );
    // A queue whose name is computed (`new Queue(queueName('audit'))`):
    // `auditQueue.add` and `new Worker(auditQueue.name, ...)` still meet.
    let f = r.finding("job:audit-log");
    assert_eq!(
        (f.risk.as_str(), f.codes().len()),
        ("none", 0),
        "{:?}",
        f.problems
    );
    assert_eq!(layer(f, "consumer"), (true, vec!["notifier/src/workers.ts:27"]));
    assert_eq!(
        layer(f, "queue"),
        (
            true,
            vec!["notifier/src/queues.ts:10", "notifier/src/workers.ts:27"]
        )
    );
    // Nothing anywhere: the message speaks of BullMQ, not of a class.
    let f = r.finding("job:send-sms");
    assert_eq!(f.codes(), ["missing-definition"]);
    assert!(
        f.problems[0]
            .message
            .starts_with("no BullMQ job or queue named `send-sms` is added, processed or declared"),
        "{}",
        f.problems[0].message
    );
    // Only a test enqueues it.
    let f = r.finding("job:reset");
    assert_eq!(f.codes(), ["test-only-callers"]);
    assert_eq!(f.test_callers, ["notifier/src/__tests__/reset.test.ts:4"]);
    // A queue as the point: every producer on it, per job name.
    let f = r.finding("job:mail");
    assert_eq!(f.codes(), ["missing-layer", "job-arguments-mismatch"]);
    assert_eq!(
        layer(f, "producer").1,
        ["notifier/src/signup.ts:4", "notifier/src/signup.ts:5"]
    );
    assert!(
        f.problem("missing-layer")
            .message
            .contains("the producer at notifier/src/signup.ts:5 enqueues `digest` but the processors of `mail` take only reset, welcome")
    );
}

#[test]
fn flags_through_constants_and_hosted_sdks() {
    let r = fixture();
    // Flipper.enabled?(Flags::GIFT_WRAP), `GIFT_WRAP = :gift_wrap` in
    // another file, seeded in db/seeds.rb.
    let f = r.finding("flag:gift_wrap");
    assert_eq!((f.risk.as_str(), f.config_wired), ("none", Some(true)));
    assert_eq!(f.config[0].read_at, ["shop/app/services/gift_wrap.rb:4"]);
    assert_eq!(f.config[0].defined_at, ["shop/db/seeds.rb:2"]);
    // ld.variation(FLAGS.NEW_INVOICE, ...) with the object imported.
    let f = r.finding("flag:new-invoice-layout");
    assert_eq!((f.risk.as_str(), f.config_wired), ("none", None));
    assert_eq!(f.config[0].read_at, ["notifier/src/receipts.ts:4"]);
    assert!(f.notes.contains("LaunchDarkly"), "{}", f.notes);
    // unleash.isEnabled(SMS_RECEIPTS)
    let f = r.finding("flag:sms-receipts");
    assert_eq!(f.config[0].read_at, ["notifier/src/receipts.ts:7"]);
    assert!(f.notes.contains("Unleash"), "{}", f.notes);
    // LaunchDarkly React: `promo-banner` is read as `promoBanner`.
    let f = r.finding("flag:promo-banner");
    assert_eq!(f.exists, Some(true));
    assert_eq!(f.config[0].read_at, ["notifier/src/Banner.tsx:4"]);
}

struct Ws {
    _dir: tempfile::TempDir,
    root: PathBuf,
    ws: PathBuf,
}

fn ws(files: &[(&str, &str)]) -> Ws {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let ws = root.join("ws");
    write_files(&ws, files);
    Ws { _dir: dir, root, ws }
}

fn run(w: &Ws, points: &str, extra: &[&str]) -> (Report, i32, String) {
    let p = w.root.join("plan.yaml");
    std::fs::write(
        &p,
        format!("version: 1\nphases:\n  - name: P\n    points:\n{points}"),
    )
    .unwrap();
    audit(&p, &w.ws, extra)
}

const JOB: &str = "class ApplicationJob < ActiveJob::Base\nend\n\nclass MailJob < ApplicationJob\n  queue_as :mail\n  def perform(id)\n    id\n  end\nend\n";
const PRODUCER: &str = "class Signup\n  def call(u)\n    MailJob.perform_later(u.id)\n  end\nend\n";

#[test]
fn without_worker_configuration_the_queue_is_not_guessed() {
    let w = ws(&[
        ("app/Gemfile", ""),
        ("app/app/jobs/mail_job.rb", JOB),
        ("app/app/services/signup.rb", PRODUCER),
    ]);
    let (r, code, _) = run(&w, "      - job: MailJob\n", &[]);
    assert_eq!(code, 0);
    let f = r.finding("job:MailJob");
    assert!(f.problems.is_empty(), "{:?}", f.problems);
    assert!(
        f.notes.contains("no worker configuration is visible"),
        "{}",
        f.notes
    );
    assert!(f.layers.as_ref().unwrap().iter().all(|l| l.layer != "queue"));
}

#[test]
fn another_services_workers_do_not_take_the_job() {
    // `other` runs Sidekiq on `default` only; `app` shows no worker config.
    let w = ws(&[
        ("app/Gemfile", ""),
        ("app/app/jobs/mail_job.rb", JOB),
        ("app/app/services/signup.rb", PRODUCER),
        ("other/Gemfile", ""),
        ("other/config/sidekiq.yml", ":queues:\n  - default\n"),
    ]);
    let (r, _, _) = run(&w, "      - job: MailJob\n", &[]);
    let f = r.finding("job:MailJob");
    assert!(f.problems.is_empty(), "{:?}", f.problems);
    assert!(
        f.notes.contains("no worker configuration is visible"),
        "{}",
        f.notes
    );
    // A config-only (infrastructure) repo's workers count for every repo.
    let w = ws(&[
        ("app/Gemfile", ""),
        ("app/app/jobs/mail_job.rb", JOB),
        ("app/app/services/signup.rb", PRODUCER),
        (
            "infra/k8s/worker.yaml",
            "command: [\"bundle\", \"exec\", \"sidekiq\", \"-q\", \"default\"]\n",
        ),
    ]);
    let (r, _, _) = run(&w, "      - job: MailJob\n", &[]);
    let f = r.finding("job:MailJob");
    assert_eq!(f.codes(), ["queue-not-consumed"]);
    assert!(
        f.problem("queue-not-consumed")
            .message
            .contains("infra/k8s/worker.yaml")
    );
}

#[test]
fn worker_configuration_forms() {
    // Procfile -q, compose command, Solid Queue, GoodJob: each listens to
    // `mail` in its own workspace; a bare `sidekiq` takes only `default`.
    for (path, text, consumed) in [
        (
            "app/Procfile",
            "worker: bundle exec sidekiq -q mail -q default\n",
            true,
        ),
        ("app/Procfile", "worker: bundle exec sidekiq\n", false),
        (
            "ops/docker-compose.yml",
            "services:\n  worker:\n    command: bundle exec sidekiq -q critical -q mail\n",
            true,
        ),
        (
            "app/config/queue.yml",
            "production:\n  workers:\n    - queues: \"*\"\n",
            true,
        ),
        (
            "app/config/queue.yml",
            "production:\n  workers:\n    - queues: [default]\n",
            false,
        ),
        (
            "app/Procfile",
            "worker: bundle exec good_job start --queues=mail:2;default\n",
            true,
        ),
    ] {
        let w = ws(&[
            ("app/Gemfile", ""),
            ("app/app/jobs/mail_job.rb", JOB),
            ("app/app/services/signup.rb", PRODUCER),
            (path, text),
        ]);
        let (r, _, _) = run(&w, "      - job: MailJob\n", &[]);
        let f = r.finding("job:MailJob");
        assert_eq!(
            !f.has("queue-not-consumed"),
            consumed,
            "{path}: {text:?} {:?}",
            f.problems
        );
        let q = f
            .layers
            .as_ref()
            .unwrap()
            .iter()
            .find(|l| l.layer == "queue")
            .unwrap();
        assert_eq!(q.found, consumed, "{path}");
    }
}

#[test]
fn plan_keys_on_jobs_events_and_flags() {
    let w = ws(&[
        ("app/Gemfile", ""),
        ("app/.env.example", "MAIL_KEY=1\n"),
        ("app/app/jobs/mail_job.rb", JOB),
        ("app/app/services/signup.rb", PRODUCER),
        (
            "app/app/services/notify.rb",
            "class Notify\n  def call\n    ActiveSupport::Notifications.instrument('signed.up')\n    Flipper.enabled?(:welcome)\n  end\nend\n",
        ),
        ("web/Gemfile", ""),
        ("web/app/x.rb", "class X\nend\n"),
    ]);
    let points = "      - job: MailJob\n        repo: web\n        callers: [app, web]\n        env: [MAIL_KEY]\n      - event: signed.up\n        callers: [web]\n        accept: [{code: missing-layer, reason: \"audited elsewhere\"}]\n      - flag: welcome\n        repo: web\n        accept: [{code: config-not-wired, reason: \"seeded by ops\"}]\n";
    let (r, code, stderr) = run(&w, points, &["--fail-on", "never"]);
    assert_eq!(code, 0, "{stderr}");
    let f = r.finding("job:MailJob");
    assert!(f.has("unexpected-location"), "{:?}", f.problems);
    let missing: Vec<&str> = f
        .problems
        .iter()
        .filter(|p| p.code == "missing-expected-caller")
        .map(|p| p.message.as_str())
        .collect();
    assert_eq!(missing, ["web never enqueues `MailJob`"]);
    assert_eq!(f.config_wired, Some(true));
    // Its own env finding: defined, though no code reads it.
    assert_eq!(r.finding("env:MAIL_KEY").codes(), ["config-never-read"]);
    let f = r.finding("event:signed.up");
    assert!(f.problem("missing-layer").accepted.is_some());
    assert!(f.has("missing-expected-caller"));
    let f = r.finding("flag:welcome");
    assert!(f.problem("config-not-wired").accepted.is_some());
    assert!(f.has("unexpected-location"));
}

#[test]
fn markdown_and_sarif_show_layers() {
    let plan = Path::new(ROOT).join("plans/async-boundaries.yaml");
    let fx = Path::new(ROOT).join("fixtures/async-boundaries");
    let out = seamscan()
        .args(["audit", "--quiet", "--format", "markdown", "--plan"])
        .arg(&plan)
        .arg(&fx)
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(
        md.contains("- Layer queue: **missing**: `shop/app/jobs/report_job.rb:2`"),
        "{md}"
    );
    assert!(md.contains("- Layer consumer: **missing**"), "{md}");
    let out = seamscan()
        .args(["audit", "--quiet", "--format", "sarif", "--plan"])
        .arg(&plan)
        .arg(&fx)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    let mismatch = results
        .iter()
        .find(|r| r["ruleId"] == "job-arguments-mismatch")
        .expect("a job-arguments-mismatch result");
    assert_eq!(
        mismatch["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "shop/app/services/checkout.rb"
    );
    let related: Vec<String> = mismatch["relatedLocations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["message"]["text"].as_str().unwrap().to_string())
        .collect();
    assert!(related.contains(&"producer".to_string()) && related.contains(&"consumer".to_string()));
}

/// BullMQ processors whose function is in another module (issue 16): a
/// worker given an imported function (through a re-export), a Nest
/// processor handing the job to an imported function, one handing it to an
/// injected service (named to verify, not followed), and a queue wrapper
/// that hides the job names its callers pass.
#[test]
fn bullmq_processors_in_other_modules() {
    let w = ws(&[
        ("svc/package.json", "{ \"name\": \"svc\" }"),
        (
            "svc/src/queues.ts",
            "import { Queue } from 'bullmq';\nexport const mail = new Queue('mail');\nexport const reports = new Queue('reports');\nexport const audit = new Queue('audit');\n",
        ),
        (
            "svc/src/signup.ts",
            "import { mail, reports, audit } from './queues';\nexport async function signup(id: string) {\n  await mail.add('welcome', { userId: id });\n  await mail.add('digest', { userId: id, day: 1 });\n  await reports.add('weekly', { week: 1 });\n  await reports.add('monthly', {});\n  await audit.add('log', { x: 1 });\n}\n",
        ),
        (
            "svc/src/worker.ts",
            "import { Worker } from 'bullmq';\nimport { processMail } from './jobs';\nnew Worker('mail', processMail);\n",
        ),
        ("svc/src/jobs/index.ts", "export { processMail } from './mail';\n"),
        (
            "svc/src/jobs/mail.ts",
            "import { Job } from 'bullmq';\nconst DIGEST = 'digest';\nexport async function processMail(job: Job) {\n  switch (job.name) {\n    case 'welcome':\n      return job.data.plan;\n    case DIGEST:\n      return job.data.day;\n  }\n}\n",
        ),
        (
            "svc/src/reports.processor.ts",
            "import { Processor, WorkerHost } from '@nestjs/bullmq';\nimport { Job } from 'bullmq';\nimport { buildReport } from './reports';\n\n@Processor('reports')\nexport class ReportsProcessor extends WorkerHost {\n  async process(job: Job) {\n    return buildReport(job);\n  }\n}\n",
        ),
        (
            "svc/src/reports.ts",
            "import { Job } from 'bullmq';\nexport async function buildReport(job: Job) {\n  if (job.name === 'monthly') {\n    return job.data.month;\n  }\n}\n",
        ),
        (
            "svc/src/audit.processor.ts",
            "import { Processor, WorkerHost } from '@nestjs/bullmq';\nimport { Job } from 'bullmq';\n\n@Processor('audit')\nexport class AuditProcessor extends WorkerHost {\n  constructor(private svc: AuditService) {\n    super();\n  }\n  async process(job: Job) {\n    return this.svc.handle(job);\n  }\n}\n",
        ),
        (
            "svc/src/job-service.ts",
            "import { Queue } from 'bullmq';\nconst tasks = new Queue('tasks');\nexport class JobService {\n  enqueue(name: string, data: object) {\n    return tasks.add(name, data);\n  }\n}\n",
        ),
        (
            "svc/src/tasks.worker.ts",
            "import { Worker } from 'bullmq';\nnew Worker('tasks', async (job) => {\n  if (job.name === 'resize') {\n    return job.data.width;\n  }\n});\n",
        ),
    ]);
    let (r, _, stderr) = run(
        &w,
        "      - job: welcome\n      - job: digest\n      - job: weekly\n      - job: monthly\n      - job: log\n      - job: resize\n",
        &[],
    );
    // The imported processor's dispatch and reads count.
    let f = r.finding("job:welcome");
    assert_eq!(f.codes(), ["job-arguments-mismatch"], "{stderr}");
    assert!(
        f.problem("job-arguments-mismatch")
            .message
            .contains("reads `job.data.plan` but the producer at svc/src/signup.ts:3 sends only userId"),
        "{}",
        f.problem("job-arguments-mismatch").message
    );
    let consumer = f
        .layers
        .as_ref()
        .unwrap()
        .iter()
        .find(|l| l.layer == "consumer")
        .unwrap();
    assert_eq!(consumer.locations, ["svc/src/worker.ts:3"]);
    assert_eq!(
        consumer.note.as_deref(),
        Some(
            "processor functions followed into other modules: svc/src/worker.ts:3 -> svc/src/jobs/mail.ts:3"
        )
    );
    assert!(!f.notes.contains("not visible"), "{}", f.notes);
    // A job name held in a constant of the processor's module.
    let f = r.finding("job:digest");
    assert!(f.problems.is_empty(), "{:?}", f.problems);
    // A Nest processor handing the job to an imported function that
    // dispatches on the name.
    let f = r.finding("job:weekly");
    assert_eq!(f.codes(), ["missing-layer"]);
    assert!(
        f.problem("missing-layer")
            .message
            .contains("not `weekly`: svc/src/reports.processor.ts:7 (monthly)"),
        "{}",
        f.problem("missing-layer").message
    );
    let f = r.finding("job:monthly");
    assert_eq!(f.codes(), ["job-arguments-mismatch"]);
    assert!(
        f.problem("job-arguments-mismatch")
            .message
            .contains("reads `job.data.month`"),
        "{}",
        f.problem("job-arguments-mismatch").message
    );
    // Handed to a method of an injected service: named, not followed.
    let f = r.finding("job:log");
    assert!(f.problems.is_empty(), "{:?}", f.problems);
    assert!(
        f.notes.contains(
            "Processors that hand the job to code not followed here (a method of another object, a module outside the workspace), whose reads of the job data are not checked: svc/src/audit.processor.ts:9 (`this.svc.handle`)."
        ),
        "{}",
        f.notes
    );
    assert_eq!(f.notes.matches("Processors that hand").count(), 1);
    // A queue wrapper: nothing enqueues `resize` by name, but a wrapper
    // may; the finding says so with low confidence.
    let f = r.finding("job:resize");
    assert_eq!(f.codes(), ["no-callers"]);
    assert_eq!(f.definitions[0].location, "svc/src/tasks.worker.ts:2");
    assert_eq!(f.confidence, "low");
    assert!(
        f.notes.contains("svc/src/job-service.ts:5 in `enqueue`"),
        "{}",
        f.notes
    );
}
