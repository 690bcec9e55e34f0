//! `job:` points: the job class and its `perform` (consumer), the code that
//! enqueues it (producers), argument counts and Sidekiq-safe argument
//! values, and whether a worker listens to its queue.

use super::{Ctx, Merged};
use crate::ancestors::Side;
use crate::facts::{ArgShape, Enqueue, FileIdx, Params, Sig, leaf};
use crate::findings::{CallerMatch, Code, Confidence, DefinitionEvidence, Finding, Layer};
use crate::msg;
use crate::text::Text;

/// What kind of class a job point names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flavor {
    ActiveJob,
    Sidekiq,
    Mailer,
    /// Defines `perform` but reaches no known job base in the workspace.
    Unknown,
}

/// Sidekiq's own producers (ActiveJob's go through GlobalID).
const SIDEKIQ_PRODUCERS: [&str; 9] = [
    "perform_async",
    "perform_in",
    "perform_at",
    "perform_bulk",
    "push",
    "enqueue",
    "enqueue_to",
    "enqueue_in",
    "enqueue_to_in",
];

/// The default queue of ActiveJob and Sidekiq.
const DEFAULT_QUEUE: &str = "default";

/// Does a worker listening to `listen` take jobs from `queue`?
pub fn listens_to(listen: &str, queue: &str) -> bool {
    match listen {
        "*" => true,
        "" => queue == DEFAULT_QUEUE,
        l => match l.strip_suffix('*') {
            Some(prefix) => queue.starts_with(prefix),
            None => l == queue,
        },
    }
}

fn arguments(n: usize) -> Text {
    if n == 1 {
        Text::ours("1 argument")
    } else {
        msg!("{} arguments", Text::num(n as u64))
    }
}

/// Why `args` (and `keywords`) cannot call a method with `p`, if they
/// cannot. Sidekiq passes keywords as one positional hash.
pub fn arity_problem(p: &Params, args: usize, keywords: &[String], sidekiq: bool) -> Option<Text> {
    let kw_params = !sidekiq && (!p.required_kw.is_empty() || !p.optional_kw.is_empty() || p.kwrest);
    let n = args + usize::from(!keywords.is_empty() && !kw_params);
    let max = p.required + p.optional;
    if n < p.required as usize || (!p.rest && n > max as usize) {
        let takes = if p.rest {
            msg!("at least {}", Text::num(p.required.into()))
        } else if p.optional == 0 {
            Text::num(p.required.into())
        } else {
            msg!("{} to {}", Text::num(p.required.into()), Text::num(max.into()))
        };
        return Some(msg!(
            "passes {} but {} takes {}",
            arguments(n),
            Text::code("perform"),
            takes
        ));
    }
    if kw_params {
        let missing: Vec<&str> = p
            .required_kw
            .iter()
            .filter(|k| !keywords.contains(k))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            let missing: Vec<Text> = missing.iter().map(|k| Text::code(format!("{k}:"))).collect();
            return Some(msg!(
                "does not pass the required keyword {}",
                Text::join(missing, ", ")
            ));
        }
        if !p.kwrest
            && let Some(k) = keywords
                .iter()
                .find(|k| !p.required_kw.contains(k) && !p.optional_kw.contains(k))
        {
            return Some(msg!("passes the unknown keyword {}", Text::code(format!("{k}:"))));
        }
    }
    None
}

/// `@user` / `user` / `current_user` → `User`.
fn camelize(text: &str) -> Option<String> {
    let t = text.trim_start_matches('@');
    let t = t.strip_prefix("current_").unwrap_or(t);
    if t.is_empty()
        || !t
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return None;
    }
    Some(
        t.split('_')
            .filter(|w| !w.is_empty())
            .map(|w| {
                let mut c = w.chars();
                match c.next() {
                    Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                    None => String::new(),
                }
            })
            .collect(),
    )
}

struct Producer<'a> {
    file: FileIdx,
    e: &'a Enqueue,
}

pub fn check(m: &Merged, ctx: &Ctx) -> Finding {
    let ix = ctx.ix;
    let mut f = Finding::new("job", &m.name);
    let (class, mailer_method) = match m.name.split_once(['#', '.']) {
        Some((c, meth)) => (c.trim_start_matches("::"), Some(meth)),
        None => (m.name.trim_start_matches("::"), None),
    };
    let owners = ix.classes.owners_named(class);
    if owners.is_empty() && super::bull::names(ctx, &m.name) {
        return super::bull::check(m, ctx);
    }
    // The class's ancestry decides what it is.
    let mut flavor = Flavor::Unknown;
    let mut chains: Vec<(String, Vec<String>)> = Vec::new();
    for o in &owners {
        let l = ix.classes.lookup(o, Side::Instance);
        let mut names: Vec<String> = l.chain.iter().map(|(a, _, _)| a.clone()).collect();
        let is = |n: &[&str]| {
            names.iter().any(|a| n.contains(&a.as_str()))
                || l.unresolved.iter().any(|a| n.contains(&a.as_str()))
        };
        if is(&["ActiveJob::Base", "ApplicationJob"]) {
            flavor = Flavor::ActiveJob;
        } else if is(&["Sidekiq::Job", "Sidekiq::Worker"]) && flavor != Flavor::ActiveJob {
            flavor = Flavor::Sidekiq;
        } else if is(&["ActionMailer::Base", "ApplicationMailer"]) && flavor == Flavor::Unknown {
            flavor = Flavor::Mailer;
        }
        names.dedup();
        chains.push((o.clone(), names));
    }
    if mailer_method.is_some() && owners.iter().any(|o| o.ends_with("Mailer")) && flavor == Flavor::Unknown {
        flavor = Flavor::Mailer;
    }
    // Consumer: `perform` (or the mailer method) on the class or an ancestor.
    let method = match (flavor, mailer_method) {
        (_, Some(mm)) => mm,
        _ => "perform",
    };
    let mut consumers: Vec<(FileIdx, &Sig)> = Vec::new();
    for (_, chain) in &chains {
        let found = chain.iter().find_map(|a| {
            let hits: Vec<(FileIdx, &Sig)> = ix
                .sigs_by_name
                .get(method)
                .into_iter()
                .flatten()
                .map(|(fi, i)| (*fi, &ix.facts[*fi as usize].sigs[*i as usize]))
                .filter(|(_, s)| !s.singleton && s.owner.as_deref() == Some(a.as_str()))
                .collect();
            (!hits.is_empty()).then_some(hits)
        });
        consumers.extend(found.into_iter().flatten());
    }
    consumers.sort_by_key(|(fi, s)| (*fi, s.line));
    consumers.dedup_by_key(|(fi, s)| (*fi, s.line));
    // Producers: enqueues whose class resolves to one of the owners.
    let mut producers: Vec<Producer> = Vec::new();
    for (fi, i) in ix.enqueues_by_class.get(leaf(class)).into_iter().flatten() {
        let e = &ix.facts[*fi as usize].enqueues[*i as usize];
        let written = e.class.trim_start_matches("::");
        let names_it = match ix.classes.resolve(&e.class, &e.scope) {
            Some(o) => owners.contains(&o),
            // Not declared in the workspace: the written path must fit.
            None => written.rsplit("::").zip(class.rsplit("::")).all(|(a, b)| a == b),
        };
        let method_fits = match mailer_method {
            Some(mm) => e.mailer_method.as_deref() == Some(mm),
            None => e.mailer_method.is_none() || flavor == Flavor::Mailer,
        };
        if names_it && method_fits {
            producers.push(Producer { file: *fi, e });
        }
    }
    let (live, tests): (Vec<&Producer>, Vec<&Producer>) = producers.iter().partition(|p| !ix.is_test(p.file));
    for p in &live {
        let loc = ctx.loc(p.file, p.e.line);
        f.callers_found.push(loc.clone());
        f.caller_matches.push(CallerMatch {
            location: loc,
            strength: "receiver".into(),
            test: false,
        });
    }
    for p in &tests {
        let loc = ctx.loc(p.file, p.e.line);
        f.test_callers.push(loc.clone());
        f.caller_matches.push(CallerMatch {
            location: loc,
            strength: "receiver".into(),
            test: true,
        });
    }
    for (fi, s) in &consumers {
        f.definitions.push(DefinitionEvidence {
            location: ctx.loc(*fi, s.line),
            access: None,
        });
    }
    f.access_modifier = None;
    f.exists = Some(!owners.is_empty());
    let consumer_locs: Vec<String> = f.definitions.iter().map(|d| d.location.clone()).collect();
    let mut layers = vec![
        Layer {
            layer: "producer".into(),
            found: !live.is_empty(),
            locations: f.callers_found.clone(),
            note: None,
        },
        Layer {
            layer: "consumer".into(),
            found: !consumers.is_empty(),
            locations: consumer_locs.clone(),
            note: None,
        },
    ];
    let mut notes: Vec<Text> = Vec::new();
    if owners.is_empty() {
        let extra = if producers.is_empty() {
            Text::default()
        } else {
            let mut all: Vec<String> = f.callers_found.iter().chain(&f.test_callers).cloned().collect();
            all.sort();
            msg!(" (it is enqueued at {})", Text::raw_list(&all, ", "))
        };
        // `send-receipt`, `mail`: not a class name, so a BullMQ job or
        // queue was meant.
        let class_like = class.starts_with(|c: char| c.is_ascii_uppercase())
            && class
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':');
        let what = if class_like {
            msg!("no class {} is declared{}", Text::code(class), extra)
        } else {
            msg!(
                "no BullMQ job or queue named {} is added, processed or declared (nor a job class of that name){}",
                Text::code(&m.name),
                extra
            )
        };
        f.problem(Code::MissingDefinition, what);
    } else if consumers.is_empty() && flavor == Flavor::Unknown {
        f.problem(
            Code::MissingDefinition,
            msg!(
                "{} is declared but is not a job: no {}, and no ActiveJob or Sidekiq ancestor in the workspace",
                Text::code(class),
                Text::code(method)
            ),
        );
    } else if consumers.is_empty() {
        f.problem(
            Code::MissingLayer,
            msg!(
                "consumer: {} defines no {} (nor do its ancestors in the workspace)",
                Text::code(class),
                Text::code(method)
            ),
        );
    }
    let not_a_job = consumers.is_empty() && flavor == Flavor::Unknown;
    // The class handed around as a value (`def mail_job = Mail::Liked`,
    // `enqueue(Mail::Liked, id)`): a producer may enqueue it through a
    // variable, which names no class.
    let mut as_value: Vec<String> = Vec::new();
    for (fi, i) in ix.const_values_by_leaf.get(leaf(class)).into_iter().flatten() {
        let (written, line) = &ix.facts[*fi as usize].const_values[*i as usize];
        let fits = written
            .trim_start_matches("::")
            .rsplit("::")
            .zip(class.rsplit("::"))
            .all(|(a, b)| a == b);
        if fits && !ix.is_test(*fi) {
            as_value.push(ctx.loc(*fi, *line));
        }
    }
    as_value.sort();
    as_value.dedup();
    if !owners.is_empty() && !not_a_job {
        if live.is_empty() && !as_value.is_empty() {
            f.dynamic_callers = Some(as_value.clone());
            f.low_confidence(Text::ours(
                "Only references to the class as a value were found, not a producer naming it.",
            ));
            f.problem(
                Code::DynamicCallersOnly,
                msg!(
                    "nothing enqueues {} by name, but the class is used as a value at {}: a producer may enqueue it through a variable",
                    Text::code(&m.name),
                    Text::raw_list(&as_value, ", ")
                ),
            );
        } else if live.is_empty() && tests.is_empty() {
            f.problem(Code::NoCallers, msg!("nothing enqueues {}", Text::code(&m.name)));
        } else if live.is_empty() {
            f.problem(
                Code::TestOnlyCallers,
                msg!(
                    "only tests enqueue {} ({})",
                    Text::code(&m.name),
                    Text::raw_list(&f.test_callers, ", ")
                ),
            );
        }
        // A deploy hook or a cron script seamscan does not parse
        // (`rails runner "RefillCacheJob.perform_later"`) may enqueue it.
        if live.is_empty() {
            ctx.unread_spelling(&mut f, &m.name);
        }
    }
    // Arguments against `perform`'s parameters.
    let sidekiq = flavor == Flavor::Sidekiq;
    let mut unknown_args = Vec::new();
    if let Some((cf, sig)) = consumers.first() {
        let consumer_at = ctx.loc(*cf, sig.line);
        for p in &live {
            let at = ctx.loc(p.file, p.e.line);
            let Some(args) = &p.e.args else {
                unknown_args.push(at);
                continue;
            };
            if let Some(why) = arity_problem(&sig.params, args.len(), &p.e.keywords, sidekiq) {
                f.problem(
                    Code::JobArgumentsMismatch,
                    msg!(
                        "the producer at {} {} ({} at {})",
                        Text::raw(&at),
                        why,
                        Text::code(method),
                        Text::raw(&consumer_at)
                    ),
                );
            }
        }
    }
    if !unknown_args.is_empty() {
        f.verify.push(msg!(
            "the arguments of producers whose count cannot be read (splats, bulk): {}",
            Text::raw_list(&unknown_args, ", ")
        ));
    }
    // Sidekiq's arguments must survive a JSON round trip.
    if sidekiq {
        for p in live
            .iter()
            .filter(|p| SIDEKIQ_PRODUCERS.contains(&p.e.method.as_str()))
        {
            let at = ctx.loc(p.file, p.e.line);
            for a in p.e.args.iter().flatten() {
                let what = match a.shape {
                    ArgShape::Symbol => Some(Text::ours("a symbol")),
                    ArgShape::Time => Some(Text::ours("a time")),
                    ArgShape::Object => Some(Text::ours("an object")),
                    ArgShape::Json => None,
                    ArgShape::Unknown => camelize(&a.text)
                        .filter(|k| {
                            ix.classes.is_a(k, "ApplicationRecord")
                                || ix.classes.is_a(k, "ActiveRecord::Base")
                        })
                        .map(|k| msg!("what looks like a {} record", Text::code(k))),
                };
                if let Some(what) = what {
                    f.problem(
                        Code::JobArgumentsNotSerializable,
                        msg!(
                            "the producer at {} passes {} ({}); Sidekiq arguments must be JSON-native: pass an id or a string",
                            Text::raw(&at),
                            what,
                            Text::code(&a.text)
                        ),
                    );
                }
            }
            if !p.e.keywords.is_empty() {
                f.problem(
                    Code::JobArgumentsNotSerializable,
                    msg!(
                        "the producer at {} passes keyword arguments ({}); Sidekiq turns them into a hash with string keys",
                        Text::raw(&at),
                        Text::raw_list(&p.e.keywords, ", ")
                    ),
                );
            }
        }
    }
    // Queues.
    // Workers of the job's own repos (and of config-only repos) take its
    // jobs; another service's sidekiq.yml does not.
    let repos: std::collections::BTreeSet<u32> = owners
        .iter()
        .flat_map(|o| ix.classes.declared_at(o))
        .map(|l| ix.file(l.file).repo)
        .collect();
    if flavor == Flavor::Mailer {
        // Only `deliver_later` goes through a queue.
        let later: Vec<&Producer> = live
            .iter()
            .filter(|p| p.e.method.starts_with("deliver_later"))
            .copied()
            .collect();
        if !later.is_empty() {
            match mailer_queue(ctx, &repos) {
                Some(fallback) => {
                    queue_layer(ctx, &chains, &repos, &later, fallback, &mut f, &mut layers, &mut notes)
                }
                None => notes.push(Text::ours_marked(
                    "mail goes to ActionMailer's `deliver_later` queue, which `config.load_defaults` decides (6.1 and later: `default`, earlier: `mailers`); neither it nor `deliver_later_queue_name` is visible, so the queue was not checked",
                )),
            }
        }
    } else if !owners.is_empty() && !not_a_job {
        let fallback = (DEFAULT_QUEUE.to_string(), None);
        queue_layer(
            ctx,
            &chains,
            &repos,
            &live,
            fallback,
            &mut f,
            &mut layers,
            &mut notes,
        );
    }
    f.layers = Some(layers);
    if owners.len() > 1 {
        f.confidence = Confidence::Low;
        f.verify.push(msg!(
            "several classes are named {}: {}",
            Text::code(class),
            Text::raw_list(&owners, ", ")
        ));
    }
    if let Some(repo) = &m.repo
        && !consumer_locs.is_empty()
        && !consumer_locs.iter().any(|l| l.starts_with(&format!("{repo}/")))
    {
        f.problem(
            Code::UnexpectedLocation,
            msg!(
                "planned in {} but {} is defined only elsewhere",
                Text::raw(repo),
                Text::code(method)
            ),
        );
    }
    for repo in &m.callers {
        if !f.callers_found.iter().any(|c| c.starts_with(&format!("{repo}/"))) {
            f.problem(
                Code::MissingExpectedCaller,
                msg!("{} never enqueues {}", Text::raw(repo), Text::code(&m.name)),
            );
        }
    }
    for (o, chain) in &chains {
        let b = super::effects::body(ix, chain, &[method.to_string()], super::effects::HOPS, None);
        super::effects::report_untimed(ctx, &b, &format!("`{o}#{method}`"), &mut f);
    }
    super::env::wire(ctx, &m.env, &mut f);
    let failed = ctx.failed_mentioning(&[leaf(class)]);
    if !failed.is_empty() {
        f.confidence = Confidence::Low;
        f.verify.push(msg!(
            "files that mention it failed to parse: {}",
            Text::raw_list(&failed, ", ")
        ));
    }
    if !notes.is_empty() && f.problems.is_empty() {
        f.notes = msg!("Checked: no problem found; {}.", Text::join(notes, "; "));
    } else if !notes.is_empty() {
        f.verify.extend(notes);
    }
    f
}

/// ActionMailer's queue for `deliver_later` in `repos`, and where it is
/// decided: `config.action_mailer.deliver_later_queue_name` (production's
/// first), else `config.load_defaults` (6.1 and later: ActiveJob's
/// `default`; earlier: `mailers`). `None` when neither is visible.
fn mailer_queue(ctx: &Ctx, repos: &std::collections::BTreeSet<u32>) -> Option<(String, Option<String>)> {
    use crate::facts::{ACTION_MAILER, RAILS_DEFAULTS};
    let ix = ctx.ix;
    let decls = |owner: &str| {
        let mut v: Vec<(FileIdx, &crate::facts::QueueDecl)> = ix
            .queue_decls_by_owner
            .get(leaf(owner))
            .into_iter()
            .flatten()
            .map(|(fi, i)| (*fi, &ix.facts[*fi as usize].queue_decls[*i as usize]))
            .filter(|(fi, q)| {
                let r = ix.file(*fi).repo;
                q.owner == owner
                    && !ix.is_test(*fi)
                    && (repos.contains(&r) || ctx.config_only_repos.contains(&r))
            })
            .collect();
        v.sort_by_key(|(fi, q)| {
            (
                !ix.file(*fi).path.contains("environments/production"),
                *fi,
                q.line,
            )
        });
        v
    };
    if let Some((fi, q)) = decls(ACTION_MAILER).first() {
        return q.queue.clone().map(|name| (name, Some(ctx.loc(*fi, q.line))));
    }
    let (fi, q) = *decls(RAILS_DEFAULTS).first()?;
    let version = q.queue.as_deref()?;
    let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    let name = if (major, minor) >= (6, 1) {
        DEFAULT_QUEUE
    } else {
        "mailers"
    };
    Some((name.to_string(), Some(ctx.loc(fi, q.line))))
}

/// The job's queue(s): declared (`queue_as`, `sidekiq_options queue:`,
/// `set(queue:)`, for mail `self.deliver_later_queue_name =`), else
/// `fallback` (the queue and where it is decided), against the queues
/// worker configurations listen to.
#[allow(clippy::too_many_arguments)]
fn queue_layer(
    ctx: &Ctx,
    chains: &[(String, Vec<String>)],
    repos: &std::collections::BTreeSet<u32>,
    live: &[&Producer],
    fallback: (String, Option<String>),
    f: &mut Finding,
    layers: &mut Vec<Layer>,
    notes: &mut Vec<Text>,
) {
    let ix = ctx.ix;
    // (queue, where it is chosen); `None` queue = computed.
    let mut queues: Vec<(Option<String>, Option<String>)> = Vec::new();
    for (_, chain) in chains {
        let decl = chain.iter().find_map(|a| {
            ix.queue_decls_by_owner
                .get(leaf(a))
                .into_iter()
                .flatten()
                .map(|(fi, i)| (*fi, &ix.facts[*fi as usize].queue_decls[*i as usize]))
                .filter(|(_, q)| q.owner == *a)
                .max_by_key(|(fi, q)| (*fi, q.line))
        });
        match decl {
            Some((fi, q)) => queues.push((q.queue.clone(), Some(ctx.loc(fi, q.line)))),
            None => queues.push((Some(fallback.0.clone()), fallback.1.clone())),
        }
    }
    for p in live {
        if let Some(q) = &p.e.queue {
            queues.push((Some(q.clone()), Some(ctx.loc(p.file, p.e.line))));
        }
    }
    queues.sort();
    queues.dedup();
    let listens: Vec<(String, String)> = ix
        .queue_listens
        .iter()
        .filter(|(fi, _)| {
            let r = ix.file(*fi).repo;
            repos.contains(&r) || ctx.config_only_repos.contains(&r)
        })
        .map(|(fi, i)| {
            let q = &ix.facts[*fi as usize].queue_listens[*i as usize];
            (q.queue.clone(), ctx.loc(*fi, q.line))
        })
        .collect();
    let computed: Vec<String> = queues
        .iter()
        .filter(|(q, _)| q.is_none())
        .filter_map(|(_, at)| at.clone())
        .collect();
    if !computed.is_empty() {
        f.verify
            .push(msg!("the queue computed at {}", Text::raw_list(&computed, ", ")));
    }
    if listens.is_empty() {
        notes.push(Text::ours_marked(
            "no worker configuration is visible (sidekiq.yml `:queues:`, `sidekiq -q` in a Procfile or deploy file, Solid Queue's queue.yml, GoodJob queues), so its queue was not checked",
        ));
        return;
    }
    let mut found = true;
    let mut locations = Vec::new();
    for (q, at) in &queues {
        let Some(q) = q else { continue };
        if let Some(at) = at {
            locations.push(at.clone());
        }
        let by: Vec<&String> = listens
            .iter()
            .filter(|(l, _)| listens_to(l, q))
            .map(|(_, at)| at)
            .collect();
        if by.is_empty() {
            found = false;
            let mut configs: Vec<&str> = listens
                .iter()
                .map(|(_, at)| at.rsplit_once(':').map(|(file, _)| file).unwrap_or(at))
                .collect();
            configs.sort();
            configs.dedup();
            let chosen = match at {
                Some(at) => msg!("chosen at {}", Text::raw(at)),
                None => Text::ours("the default queue"),
            };
            f.problem(
                Code::QueueNotConsumed,
                msg!(
                    "queue {} ({}) is not one any worker listens to (worker configuration in {})",
                    Text::code(q),
                    chosen,
                    Text::raw_list(&configs, ", ")
                ),
            );
        } else {
            locations.extend(by.into_iter().cloned());
        }
    }
    layers.push(Layer {
        layer: "queue".into(),
        found,
        locations,
        note: None,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(required: u32, optional: u32, rest: bool, req_kw: &[&str], opt_kw: &[&str]) -> Params {
        Params {
            required,
            optional,
            rest,
            required_kw: req_kw.iter().map(|s| s.to_string()).collect(),
            optional_kw: opt_kw.iter().map(|s| s.to_string()).collect(),
            kwrest: false,
        }
    }

    #[test]
    fn arity_positional_optional_splat() {
        let p = params(1, 1, false, &[], &[]);
        assert!(arity_problem(&p, 1, &[], false).is_none());
        assert!(arity_problem(&p, 2, &[], false).is_none());
        assert_eq!(
            arity_problem(&p, 3, &[], false).map(|t| t.plain()).as_deref(),
            Some("passes 3 arguments but `perform` takes 1 to 2")
        );
        assert!(arity_problem(&p, 0, &[], false).is_some());
        let splat = params(1, 0, true, &[], &[]);
        assert!(arity_problem(&splat, 5, &[], false).is_none());
        assert!(arity_problem(&splat, 0, &[], false).is_some());
    }

    #[test]
    fn arity_keywords() {
        let p = params(1, 0, false, &["mode"], &["force"]);
        let kw = |k: &[&str]| k.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(arity_problem(&p, 1, &kw(&["mode"]), false).is_none());
        assert!(arity_problem(&p, 1, &kw(&["mode", "force"]), false).is_none());
        assert!(
            arity_problem(&p, 1, &kw(&[]), false)
                .unwrap()
                .plain()
                .contains("required keyword `mode:`")
        );
        assert!(
            arity_problem(&p, 1, &kw(&["mode", "x"]), false)
                .unwrap()
                .plain()
                .contains("unknown keyword `x:`")
        );
        // No keyword parameters: the keywords are one more positional hash.
        let two = params(2, 0, false, &[], &[]);
        assert!(arity_problem(&two, 1, &kw(&["a"]), false).is_none());
        // Sidekiq: keywords are always a positional hash.
        assert!(arity_problem(&p, 1, &kw(&["mode"]), true).is_some());
    }

    #[test]
    fn queue_listening() {
        assert!(listens_to("*", "reports"));
        assert!(listens_to("", "default"));
        assert!(!listens_to("", "reports"));
        assert!(listens_to("real_time*", "real_time_x"));
        assert!(!listens_to("critical", "reports"));
    }
}
