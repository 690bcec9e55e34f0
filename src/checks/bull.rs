//! `job:` points on BullMQ / Bull / bee-queue (TypeScript/JavaScript): the
//! point names a job (`queue.add('welcome', ...)`) or a queue (`new
//! Queue('mail')`). Producers are the `add`s; consumers the processors on
//! the producers' queues (`new Worker`, `queue.process`, Nest
//! `@Processor`) that take that job; the queue layer shows where each
//! queue is declared and consumed. Checks: a queue nobody consumes, a
//! processor that dispatches on job names but not this one, and job data
//! keys a processor reads but a producer never sends.

use super::{Ctx, Merged};
use crate::facts::{BullRole, BullUse, FileIdx};
use crate::findings::{CallerMatch, Code, Confidence, DefinitionEvidence, Finding, Layer};
use crate::msg;
use crate::text::Text;
use std::collections::BTreeSet;

/// Does the workspace have BullMQ facts under this job or queue name?
pub fn names(ctx: &Ctx, name: &str) -> bool {
    ctx.ix.bull_by_job.contains_key(name) || ctx.ix.bull_by_queue.contains_key(name)
}

struct Use<'a> {
    file: FileIdx,
    /// Index into the file's `bull`.
    idx: u32,
    u: &'a BullUse,
    queue: Option<String>,
    job: Option<String>,
}

fn uses<'a>(ctx: &Ctx<'a>, hits: Option<&Vec<(FileIdx, u32)>>) -> Vec<Use<'a>> {
    let ix = ctx.ix;
    hits.into_iter()
        .flatten()
        .map(|(f, i)| {
            let u = &ix.facts[*f as usize].bull[*i as usize];
            Use {
                file: *f,
                idx: *i,
                u,
                queue: u.queue.as_ref().and_then(|r| ix.name_of(*f, r)),
                job: u.job.as_ref().and_then(|r| ix.name_of(*f, r)),
            }
        })
        .collect()
}

pub fn check(m: &Merged, ctx: &Ctx) -> Finding {
    let ix = ctx.ix;
    let name = m.name.as_str();
    let mut f = Finding::new("job", name);
    let by_job = uses(ctx, ix.bull_by_job.get(name));
    // A job name when something adds or processes a job so named; else a
    // queue name.
    let job_mode = by_job.iter().any(|u| u.u.role != BullRole::Queue);
    let by_queue = uses(ctx, ix.bull_by_queue.get(name));
    let pool = if job_mode { &by_job } else { &by_queue };
    let producers: Vec<&Use> = pool.iter().filter(|u| u.u.role == BullRole::Add).collect();
    let (live, tests): (Vec<&Use>, Vec<&Use>) = producers.iter().partition(|p| !ix.is_test(p.file));
    for (list, test) in [(&live, false), (&tests, true)] {
        for p in list {
            let loc = ctx.loc(p.file, p.u.line);
            if test {
                f.test_callers.push(loc.clone());
            } else {
                f.callers_found.push(loc.clone());
            }
            f.caller_matches.push(CallerMatch {
                location: loc,
                strength: "receiver".into(),
                test,
            });
        }
    }
    // The queues the job goes to.
    let mut queues: BTreeSet<String> = BTreeSet::new();
    let mut unknown_queue: Vec<String> = Vec::new();
    if job_mode {
        // Only tests enqueue it: their queues still show its consumer.
        let which = if live.is_empty() { &tests } else { &live };
        for p in which {
            match &p.queue {
                Some(q) => {
                    queues.insert(q.clone());
                }
                None => unknown_queue.push(ctx.loc(p.file, p.u.line)),
            }
        }
    } else {
        queues.insert(name.to_string());
    }
    // Processors on those queues (and named processors of the job).
    let mut workers: Vec<Use> = Vec::new();
    for q in &queues {
        workers.extend(
            uses(ctx, ix.bull_by_queue.get(q))
                .into_iter()
                .filter(|w| w.u.role == BullRole::Worker && !ix.is_test(w.file)),
        );
    }
    if job_mode {
        for w in by_job
            .iter()
            .filter(|w| w.u.role == BullRole::Worker && !ix.is_test(w.file))
        {
            if w.queue.is_none() || !queues.contains(w.queue.as_deref().unwrap_or("")) {
                workers.push(Use {
                    file: w.file,
                    idx: w.idx,
                    u: w.u,
                    queue: w.queue.clone(),
                    job: w.job.clone(),
                });
            }
        }
    }
    workers.sort_by_key(|w| (w.file, w.u.line));
    workers.dedup_by_key(|w| (w.file, w.u.line));
    // Which of them take this job: a named processor takes its name only;
    // a processor that dispatches on `job.name` takes the names it tests.
    let takes = |w: &Use| -> bool { !job_mode || takes_job(ix, w, name) };
    let (consumers, others): (Vec<&Use>, Vec<&Use>) = workers.iter().partition(|w| takes(w));
    for w in &consumers {
        f.definitions.push(DefinitionEvidence {
            location: ctx.loc(w.file, w.u.line),
            access: None,
        });
    }
    f.access_modifier = None;
    let declared: Vec<Use> = queues
        .iter()
        .flat_map(|q| ix.bull_by_queue.get(q).into_iter().flatten())
        .map(|(fi, i)| ((*fi, *i), &ix.facts[*fi as usize].bull[*i as usize]))
        .filter(|((fi, _), u)| u.role == BullRole::Queue && !ix.is_test(*fi))
        .map(|((fi, idx), u)| Use {
            file: fi,
            idx,
            u,
            queue: None,
            job: None,
        })
        .collect();
    f.exists =
        Some(!producers.is_empty() || !consumers.is_empty() || !declared.is_empty() || !by_job.is_empty());
    let consumer_locs: Vec<String> = f.definitions.iter().map(|d| d.location.clone()).collect();
    // Problems.
    if live.is_empty() && tests.is_empty() {
        f.problem(Code::NoCallers, msg!("nothing enqueues {}", Text::code(name)));
    } else if live.is_empty() {
        f.problem(
            Code::TestOnlyCallers,
            msg!(
                "only tests enqueue {} ({})",
                Text::code(name),
                Text::raw_list(&f.test_callers, ", ")
            ),
        );
    }
    // A queue wrapper (`enqueue(name, data) { return queue.add(name,
    // data) }`) hides the job names its callers pass.
    if live.is_empty() && (job_mode || by_queue.is_empty()) {
        let mut hidden: Vec<String> = Vec::new();
        for (fi, ff) in ix.facts.iter().enumerate() {
            let fi = fi as FileIdx;
            if ix.is_test(fi) {
                continue;
            }
            for u in &ff.bull {
                if u.role != BullRole::Add
                    || u.via == "bee-queue"
                    || u.job.as_ref().and_then(|r| ix.name_of(fi, r)).is_some()
                {
                    continue;
                }
                let within = u
                    .scope
                    .and_then(|s| ff.scopes.get(s as usize))
                    .map(|s| format!(" in `{}`", s.name))
                    .unwrap_or_default();
                hidden.push(format!("{}{within}", ctx.loc(fi, u.line)));
            }
        }
        if !hidden.is_empty() {
            f.low_confidence(msg!(
                "Some producers take the job name from a variable (a queue wrapper?), so their callers may enqueue {}: {}.",
                Text::code(name),
                Text::raw_list(&hidden, ", ")
            ));
        }
    }
    // In file order (the name map has none).
    let mut by_queue: Vec<(FileIdx, u32)> = ix.bull_by_queue.values().flatten().copied().collect();
    by_queue.sort_unstable();
    let all_workers: Vec<(FileIdx, &BullUse)> = by_queue
        .iter()
        .map(|(fi, i)| (*fi, &ix.facts[*fi as usize].bull[*i as usize]))
        .filter(|(fi, u)| u.role == BullRole::Worker && !ix.is_test(*fi))
        .collect();
    let mut queue_locs: Vec<String> = declared.iter().map(|d| ctx.loc(d.file, d.u.line)).collect();
    let mut queue_found = true;
    for q in &queues {
        let on_q: Vec<&Use> = workers.iter().filter(|w| w.queue.as_deref() == Some(q)).collect();
        queue_locs.extend(on_q.iter().map(|w| ctx.loc(w.file, w.u.line)));
        if !on_q.is_empty() || live.is_empty() {
            continue;
        }
        queue_found = false;
        if all_workers.is_empty() {
            continue;
        }
        let mut listened: Vec<String> = all_workers
            .iter()
            .filter_map(|(fi, u)| u.queue.as_ref().and_then(|r| ix.name_of(*fi, r)))
            .collect();
        listened.sort();
        listened.dedup();
        let at: Vec<String> = live
            .iter()
            .filter(|p| p.queue.as_deref() == Some(q) || !job_mode)
            .map(|p| ctx.loc(p.file, p.u.line))
            .collect();
        f.problem(
            Code::QueueNotConsumed,
            msg!(
                "queue {} (enqueued at {}) has no worker: the workers in the workspace listen to {}",
                Text::code(q),
                Text::raw_list(&at, ", "),
                Text::raw_list(&listened, ", ")
            ),
        );
    }
    if consumers.is_empty()
        && !live.is_empty()
        && !f.problems.iter().any(|p| p.code == Code::QueueNotConsumed)
    {
        if !others.is_empty() {
            let what: Vec<Text> = others
                .iter()
                .map(|w| {
                    let names = handled_names(ix, w);
                    msg!(
                        "{} ({})",
                        Text::raw(ctx.loc(w.file, w.u.line)),
                        Text::raw_list(&names, ", ")
                    )
                })
                .collect();
            f.problem(
                Code::MissingLayer,
                msg!(
                    "consumer: the processors of its queue handle other job names, not {}: {}",
                    Text::code(name),
                    Text::join(what, "; ")
                ),
            );
        } else if all_workers.is_empty() {
            f.problem(
                Code::MissingLayer,
                msg!(
                    "consumer: no BullMQ worker or processor in the workspace takes {} (a worker in an unscanned service would)",
                    Text::code(name)
                ),
            );
        } else if !unknown_queue.is_empty() && queues.is_empty() {
            f.low_confidence(Text::ours(
                "The producers' queue could not be read, so its worker was not found.",
            ));
            f.verify.push(msg!(
                "the queue of the producers at {} and its worker",
                Text::raw_list(&unknown_queue, ", ")
            ));
        }
    }
    // Job data: keys a processor reads (for the producer's job name) that
    // the producer does not send; in a queue point, jobs its processors do
    // not take.
    for p in &live {
        let job = if job_mode { Some(name) } else { p.job.as_deref() };
        let on_queue: Vec<&&Use> = consumers
            .iter()
            .filter(|w| w.queue.is_none() || p.queue.is_none() || w.queue == p.queue)
            .collect();
        let takers: Vec<&&Use> = on_queue
            .iter()
            .copied()
            .filter(|w| job.is_none_or(|j| takes_job(ix, w, j)))
            .collect();
        if !job_mode
            && takers.is_empty()
            && !on_queue.is_empty()
            && let Some(j) = job
        {
            let handled: BTreeSet<String> = on_queue.iter().flat_map(|w| handled_names(ix, w)).collect();
            let handled: Vec<String> = handled.into_iter().collect();
            f.problem(
                Code::MissingLayer,
                msg!(
                    "consumer: the producer at {} enqueues {} but the processors of {} take only {}",
                    Text::raw(ctx.loc(p.file, p.u.line)),
                    Text::code(j),
                    Text::code(name),
                    Text::raw_list(&handled, ", ")
                ),
            );
        }
        let Some(sent) = &p.u.data_keys else { continue };
        for w in takers {
            let Some(reads) = reads_for(ix, w, job) else {
                continue;
            };
            let missing: Vec<&String> = reads.iter().filter(|k| !sent.contains(k)).collect();
            if missing.is_empty() {
                continue;
            }
            let missing: Vec<Text> = missing
                .iter()
                .map(|k| Text::code(format!("job.data.{k}")))
                .collect();
            let sent: Vec<&str> = sent.iter().map(String::as_str).collect();
            f.problem(
                Code::JobArgumentsMismatch,
                msg!(
                    "the processor at {} reads {} but the producer at {} sends {}",
                    Text::raw(ctx.loc(w.file, w.u.line)),
                    Text::join(missing, ", "),
                    Text::raw(ctx.loc(p.file, p.u.line)),
                    if sent.is_empty() {
                        Text::ours("no data")
                    } else {
                        msg!("only {}", Text::raw_list(&sent, ", "))
                    }
                ),
            );
        }
    }
    let opaque: Vec<String> = live
        .iter()
        .filter(|p| p.u.data_keys.is_none())
        .map(|p| ctx.loc(p.file, p.u.line))
        .collect();
    if !opaque.is_empty()
        && consumers
            .iter()
            .any(|w| w.u.data_keys.as_ref().is_some_and(|k| !k.is_empty()))
    {
        f.verify.push(msg!(
            "the job data of producers that pass a variable or a spread: {}",
            Text::raw_list(&opaque, ", ")
        ));
    }
    let unseen: Vec<String> = consumers
        .iter()
        .filter(|w| w.u.data_keys.is_none())
        .map(|w| ctx.loc(w.file, w.u.line))
        .collect();
    if !unseen.is_empty() {
        f.verify.push(msg!(
            "processors whose body is not visible here (a sandboxed processor file, an imported function): {}",
            Text::raw_list(&unseen, ", ")
        ));
    }
    // Processors whose function is in another module, followed or not.
    let mut followed: Vec<String> = Vec::new();
    let mut unfollowed: Vec<String> = Vec::new();
    for w in &consumers {
        match (ix.resolution.processors.get(&(w.file, w.idx)), &w.u.processor) {
            (Some(b), _) => followed.push(format!(
                "{} -> {}",
                ctx.loc(w.file, w.u.line),
                ctx.loc(b.file, b.line)
            )),
            (None, Some(p)) => unfollowed.push(format!("{} (`{p}`)", ctx.loc(w.file, w.u.line))),
            (None, None) => {}
        }
    }
    if !unfollowed.is_empty() {
        // Their reads of the job data are not checked: said in the notes
        // even when nothing else is wrong.
        f.extra_notes.push(msg!(
            "processors that hand the job to code not followed here (a method of another object, a module outside the workspace), whose reads of the job data are not checked: {}",
            Text::raw_list(&unfollowed, ", ")
        ));
    }
    queue_locs.sort();
    queue_locs.dedup();
    f.layers = Some(vec![
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
            note: (!followed.is_empty()).then(|| {
                format!(
                    "processor functions followed into other modules: {}",
                    followed.join(", ")
                )
            }),
        },
        Layer {
            layer: "queue".into(),
            found: queue_found && !queues.is_empty(),
            locations: queue_locs,
            note: None,
        },
    ]);
    if let Some(repo) = &m.repo
        && !consumer_locs.is_empty()
        && !consumer_locs.iter().any(|l| l.starts_with(&format!("{repo}/")))
    {
        f.problem(
            Code::UnexpectedLocation,
            msg!("planned in {} but processed only elsewhere", Text::raw(repo)),
        );
    }
    for repo in &m.callers {
        if !f.callers_found.iter().any(|c| c.starts_with(&format!("{repo}/"))) {
            f.problem(
                Code::MissingExpectedCaller,
                msg!("{} never enqueues {}", Text::raw(repo), Text::code(name)),
            );
        }
    }
    super::env::wire(ctx, &m.env, &mut f);
    let failed = ctx.failed_mentioning(&[name]);
    if !failed.is_empty() {
        f.confidence = Confidence::Low;
        f.verify.push(msg!(
            "files that mention it failed to parse: {}",
            Text::raw_list(&failed, ", ")
        ));
    }
    f
}

/// Does processor `w` take jobs named `job`? A named processor takes its
/// name only; one that dispatches on `job.name` takes the names it tests.
fn takes_job(ix: &crate::facts::FactIndex, w: &Use, job: &str) -> bool {
    if let Some(j) = &w.job {
        return j == job;
    }
    let names = handled_names(ix, w);
    names.is_empty() || names.iter().any(|n| n == job)
}

/// The job names a processor tests (or is named for).
fn handled_names(ix: &crate::facts::FactIndex, w: &Use) -> Vec<String> {
    match &w.job {
        Some(j) => vec![j.clone()],
        None => {
            w.u.job_names
                .iter()
                .filter_map(|r| ix.name_of(w.file, r))
                .collect()
        }
    }
}

/// The keys processor `w` reads from the data of a job named `job`: the
/// reads outside every per-name branch, plus that name's branch.
fn reads_for(ix: &crate::facts::FactIndex, w: &Use, job: Option<&str>) -> Option<Vec<String>> {
    let mut keys = w.u.data_keys.clone()?;
    if let Some(j) = job {
        for (r, k) in &w.u.job_keys {
            if ix.name_of(w.file, r).as_deref() == Some(j) {
                keys.extend(k.iter().cloned());
            }
        }
    }
    keys.sort();
    keys.dedup();
    Some(keys)
}
