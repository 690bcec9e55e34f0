//! `event:` points: emitted (producers) and subscribed to (consumers) by
//! name; a regexp subscription that matches the name counts as a consumer
//! with low confidence.

use super::{Ctx, Merged};
use crate::facts::{EventRole, FileIdx};
use crate::findings::{CallerMatch, Code, Confidence, DefinitionEvidence, Finding, Layer};
use crate::msg;
use crate::text::Text;

/// Does a Ruby regexp source (as written between the slashes) match
/// `name`? `None` when it cannot be read as a regular expression here.
pub fn regex_matches(source: &str, name: &str) -> Option<bool> {
    // Ruby's `\A` / `\z` / `\Z` anchors are the regex crate's `\A` / `\z`.
    let source = source.replace("\\Z", "\\z");
    let re = regex::RegexBuilder::new(&source)
        .size_limit(1 << 20)
        .build()
        .ok()?;
    Some(re.is_match(name))
}

/// Libraries that emit ActiveSupport::Notifications events named
/// `event.library` (Rails' own and common gems): their events are emitted
/// outside the workspace.
const LIBRARY_EMITTERS: [&str; 20] = [
    "action_cable",
    "action_controller",
    "action_dispatch",
    "action_mailbox",
    "action_mailer",
    "action_view",
    "active_job",
    "active_record",
    "active_storage",
    "active_support",
    "railties",
    "rails",
    "good_job",
    "solid_queue",
    "sidekiq",
    "rack_attack",
    "rack",
    "graphql",
    "shoryuken",
    "faraday",
];

/// The library that emits `name`, when its suffix names one.
pub fn library_emitter(name: &str) -> Option<&'static str> {
    let (_, lib) = name.rsplit_once('.')?;
    LIBRARY_EMITTERS.iter().copied().find(|l| *l == lib)
}

/// Events the JavaScript runtime emits on its own objects: the DOM's (on
/// elements, `window`, `document`, workers, sockets) and Node's (streams,
/// processes, child processes, worker threads, servers).
const RUNTIME_EVENTS: [&str; 113] = [
    "abort",
    "afterprint",
    "animationend",
    "animationiteration",
    "animationstart",
    "beforeExit",
    "beforeinput",
    "beforeprint",
    "beforeunload",
    "blur",
    "canplay",
    "canplaythrough",
    "change",
    "click",
    "close",
    "compositionend",
    "compositionstart",
    "connect",
    "connection",
    "contextmenu",
    "copy",
    "cut",
    "data",
    "dblclick",
    "disconnect",
    "drag",
    "dragend",
    "dragenter",
    "dragleave",
    "dragover",
    "dragstart",
    "drain",
    "drop",
    "durationchange",
    "end",
    "ended",
    "error",
    "exit",
    "finish",
    "focus",
    "focusin",
    "focusout",
    "fullscreenchange",
    "hashchange",
    "input",
    "invalid",
    "keydown",
    "keypress",
    "keyup",
    "listening",
    "load",
    "loadeddata",
    "loadedmetadata",
    "loadend",
    "loadstart",
    "message",
    "messageerror",
    "mousedown",
    "mouseenter",
    "mouseleave",
    "mousemove",
    "mouseout",
    "mouseover",
    "mouseup",
    "offline",
    "online",
    "open",
    "pagehide",
    "pageshow",
    "paste",
    "pause",
    "pipe",
    "play",
    "playing",
    "pointercancel",
    "pointerdown",
    "pointerenter",
    "pointerleave",
    "pointermove",
    "pointerout",
    "pointerover",
    "pointerup",
    "popstate",
    "progress",
    "ratechange",
    "readable",
    "request",
    "reset",
    "resize",
    "response",
    "scroll",
    "scrollend",
    "seeked",
    "seeking",
    "select",
    "selectionchange",
    "spawn",
    "storage",
    "submit",
    "timeout",
    "timeupdate",
    "toggle",
    "touchcancel",
    "touchend",
    "touchmove",
    "touchstart",
    "transitionend",
    "uncaughtException",
    "unhandledRejection",
    "unload",
    "upgrade",
    "visibilitychange",
    "wheel",
];

/// Is `name` an event the runtime emits (`mousedown`, Node's `exit`), or
/// one with a jQuery namespace (`change.embed` is `change`)?
pub fn runtime_event(name: &str) -> bool {
    let base = name.split('.').next().unwrap_or(name);
    RUNTIME_EVENTS.contains(&base)
}

pub fn check(m: &Merged, ctx: &Ctx) -> Finding {
    let ix = ctx.ix;
    let mut f = Finding::new("event", &m.name);
    let mut emits: Vec<(FileIdx, u32, String)> = Vec::new();
    let mut subs: Vec<(FileIdx, u32, String)> = Vec::new();
    for (fi, i) in ix.events_by_name.get(&m.name).into_iter().flatten() {
        let e = &ix.facts[*fi as usize].events[*i as usize];
        let entry = (*fi, e.line, e.via.clone());
        match e.role {
            EventRole::Emit => emits.push(entry),
            EventRole::Subscribe => subs.push(entry),
        }
    }
    let mut by_pattern = Vec::new();
    let mut unreadable = Vec::new();
    for (fi, i) in &ix.event_patterns {
        let e = &ix.facts[*fi as usize].events[*i as usize];
        if e.role != EventRole::Subscribe {
            continue;
        }
        match regex_matches(&e.name, &m.name) {
            Some(true) => {
                by_pattern.push(format!("{} (/{}/)", ctx.loc(*fi, e.line), e.name));
                subs.push((*fi, e.line, format!("{} /{}/", e.via, e.name)));
            }
            Some(false) => {}
            None => unreadable.push(format!("{} (/{}/)", ctx.loc(*fi, e.line), e.name)),
        }
    }
    // Wisper listener objects: a public instance method named after an
    // event that Wisper broadcasts, on a `*Listener` / `*Subscriber` class
    // (the `subscribe(listener)` call is not tied to it: low confidence).
    let mut listeners = Vec::new();
    if emits.iter().any(|(_, _, via)| via == "Wisper") {
        for (fi, i) in ix.defs_by_name.get(&m.name).into_iter().flatten() {
            let d = &ix.facts[*fi as usize].defs[*i as usize];
            let owner = d.owner.as_deref().map(crate::facts::leaf).unwrap_or("");
            if d.kind == crate::facts::DefKind::Instance
                && d.access == crate::facts::Access::Public
                && (owner.ends_with("Listener") || owner.ends_with("Subscriber"))
            {
                listeners.push(ctx.loc(*fi, d.line));
                subs.push((*fi, d.line, format!("Wisper listener {owner}")));
            }
        }
    }
    let split = |v: &[(FileIdx, u32, String)]| -> (Vec<String>, Vec<String>) {
        let (mut live, mut test) = (Vec::new(), Vec::new());
        for (fi, line, _) in v {
            let loc = ctx.loc(*fi, *line);
            if ix.is_test(*fi) {
                test.push(loc);
            } else {
                live.push(loc);
            }
        }
        (live, test)
    };
    let (emit_live, emit_test) = split(&emits);
    let (sub_live, sub_test) = split(&subs);
    for l in &emit_live {
        f.callers_found.push(l.clone());
        f.caller_matches.push(CallerMatch {
            location: l.clone(),
            strength: "name".into(),
            test: false,
        });
    }
    for l in &emit_test {
        f.test_callers.push(l.clone());
        f.caller_matches.push(CallerMatch {
            location: l.clone(),
            strength: "name".into(),
            test: true,
        });
    }
    for l in &sub_live {
        f.definitions.push(DefinitionEvidence {
            location: l.clone(),
            access: None,
        });
    }
    f.exists = Some(!emit_live.is_empty() || !sub_live.is_empty());
    let name = &m.name;
    let library = library_emitter(name).filter(|_| emit_live.is_empty() && !sub_live.is_empty());
    // Subscribed to only in JavaScript/TypeScript under the name of a DOM or
    // Node event: the runtime emits it on its own objects (`$(el).on(
    // "mousedown")`, `worker.on("exit")`), which seamscan cannot tell from
    // an emitter of the workspace's.
    let runtime = emit_live.is_empty()
        && !sub_live.is_empty()
        && runtime_event(name)
        && subs
            .iter()
            .filter(|(fi, _, _)| !ix.is_test(*fi))
            .all(|(fi, _, via)| {
                via == "EventEmitter" && !matches!(ix.file(*fi).class.lang, Some(crate::facts::Lang::Ruby))
            });
    // Subscribed to in JavaScript/TypeScript only in repos where no code
    // emits any event (`emit('x')`): the objects listened to are a
    // library's (a map widget's `style.load`), whose events seamscan does
    // not see.
    let js_sub = |fi: FileIdx, via: &str| {
        via == "EventEmitter" && !matches!(ix.file(fi).class.lang, Some(crate::facts::Lang::Ruby))
    };
    let live_subs: Vec<&(FileIdx, u32, String)> = subs.iter().filter(|(fi, _, _)| !ix.is_test(*fi)).collect();
    let no_emitters = emit_live.is_empty()
        && !live_subs.is_empty()
        && live_subs.iter().all(|(fi, _, via)| js_sub(*fi, via))
        && {
            let repos: std::collections::BTreeSet<u32> =
                live_subs.iter().map(|(fi, _, _)| ix.file(*fi).repo).collect();
            !(0..ix.facts.len() as FileIdx).any(|fi| {
                repos.contains(&ix.file(fi).repo)
                    && !ix.is_test(fi)
                    && ix.facts[fi as usize]
                        .events
                        .iter()
                        .any(|e| e.role == EventRole::Emit && e.via == "EventEmitter")
            })
        };
    match (emit_live.is_empty(), sub_live.is_empty()) {
        (true, false) if runtime => {
            f.low_confidence(msg!(
                "{} is the name of a DOM or Node.js event: the browser or Node emits it on its own objects (elements, workers, streams, processes), so no emitter in the workspace is needed; seamscan cannot tell those subscriptions from ones on an emitter of the workspace's.",
                Text::code(name)
            ));
        }
        (true, false) if library.is_some() => {
            f.notes = msg!(
                "Emitted by {} (outside the workspace) and subscribed to at {}.",
                Text::code(library.unwrap_or_default()),
                Text::raw_list(&sub_live, ", ")
            );
        }
        (true, true) if emit_test.is_empty() && sub_test.is_empty() => {
            f.problem(
                Code::MissingDefinition,
                msg!("nothing emits or subscribes to {}", Text::code(name)),
            );
        }
        (true, _) if !emit_test.is_empty() => f.problem(
            Code::TestOnlyCallers,
            msg!(
                "only tests emit {} ({})",
                Text::code(name),
                Text::raw_list(&emit_test, ", ")
            ),
        ),
        (_, true) if !sub_test.is_empty() => f.problem(
            Code::TestOnlyCallers,
            msg!(
                "only tests subscribe to {} ({})",
                Text::code(name),
                Text::raw_list(&sub_test, ", ")
            ),
        ),
        (true, _) => f.problem(
            Code::MissingLayer,
            msg!(
                "producer: nothing emits {}, but it is subscribed to at {}",
                Text::code(name),
                Text::raw_list(&sub_live, ", ")
            ),
        ),
        (_, true) => f.problem(
            Code::MissingLayer,
            msg!(
                "consumer: {} is emitted at {} but nothing subscribes to it",
                Text::code(name),
                Text::raw_list(&emit_live, ", ")
            ),
        ),
        _ => {}
    }
    f.layers = Some(vec![
        Layer {
            layer: "producer".into(),
            found: !emit_live.is_empty() || library.is_some() || runtime,
            locations: emit_live.clone(),
            note: None,
        },
        Layer {
            layer: "consumer".into(),
            found: !sub_live.is_empty(),
            locations: sub_live.clone(),
            note: None,
        },
    ]);
    if no_emitters && !runtime && f.has(Code::MissingLayer) {
        f.low_confidence(msg!(
            "No code of {} emits any event with {}: the objects subscribed to are a library's or the runtime's, whose events seamscan does not see.",
            Text::raw_list(
                &live_subs
                    .iter()
                    .map(|(fi, _, _)| ix.repo_of(*fi).to_string())
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect::<Vec<_>>(),
                ", "
            ),
            Text::code("emit(...)")
        ));
    } else if !runtime
        && emit_live.is_empty()
        && !sub_live.is_empty()
        && library.is_none()
        && subs
            .iter()
            .filter(|(fi, _, _)| !ix.is_test(*fi))
            .all(|(_, _, via)| via == "EventEmitter" || via == "Wisper")
    {
        // `.on('x')` / `.once('x')` (Ruby's `x.on(:name) { }` too) is the
        // API of every emitter, the workspace's own and a library's alike
        // (an editor, a Y.Doc, a socket whose server emits the name from a
        // variable): nothing in the workspace emitting the literal name is
        // no evidence that nothing emits it.
        f.low_confidence(msg!(
            "Every subscription is an {} listener, which any emitter accepts: the object may be a library's (an editor, a document, a socket) or emit the name from a variable, which static analysis does not see.",
            Text::code(".on/.once")
        ));
    }
    if !by_pattern.is_empty() {
        f.confidence = Confidence::Low;
        f.verify.push(msg!(
            "subscriptions that match {} only by a regexp: {}",
            Text::code(name),
            Text::raw_list(&by_pattern, ", ")
        ));
    }
    if !listeners.is_empty() {
        f.low_confidence(Text::ours(
            "Wisper listener methods are matched by name and class suffix, not by their subscribe call.",
        ));
        f.verify.push(msg!(
            "that these listeners are subscribed to the publisher: {}",
            Text::raw_list(&listeners, ", ")
        ));
    }
    if !unreadable.is_empty() {
        f.confidence = Confidence::Low;
        f.verify.push(msg!(
            "regexp subscriptions that could not be read, which may match {}: {}",
            Text::code(name),
            Text::raw_list(&unreadable, ", ")
        ));
    }
    if let Some(repo) = &m.repo
        && !emit_live.is_empty()
        && !emit_live.iter().any(|l| l.starts_with(&format!("{repo}/")))
    {
        f.problem(
            Code::UnexpectedLocation,
            msg!("planned in {} but emitted only elsewhere", Text::raw(repo)),
        );
    }
    for repo in &m.callers {
        if !emit_live.iter().any(|c| c.starts_with(&format!("{repo}/"))) {
            f.problem(
                Code::MissingExpectedCaller,
                msg!("{} never emits {}", Text::raw(repo), Text::code(name)),
            );
        }
    }
    super::env::wire(ctx, &m.env, &mut f);
    let failed = ctx.failed_mentioning(&[name.as_str()]);
    if !failed.is_empty() {
        f.confidence = Confidence::Low;
        f.verify.push(msg!(
            "files that mention it failed to parse: {}",
            Text::raw_list(&failed, ", ")
        ));
    }
    f.verify
        .push("events whose name is built at run time (string interpolation, constants)".into());
    f
}

#[cfg(test)]
mod tests {
    use super::regex_matches;

    #[test]
    fn ruby_regexps() {
        assert_eq!(regex_matches("\\.rendered\\z", "video.rendered"), Some(true));
        assert_eq!(regex_matches("^sql\\.", "video.rendered"), Some(false));
        assert_eq!(regex_matches("(?<!x)y", "y"), None);
    }

    #[test]
    fn library_events() {
        use super::library_emitter;
        assert_eq!(
            library_emitter("process_action.action_controller"),
            Some("action_controller")
        );
        assert_eq!(library_emitter("throttle.rack_attack"), Some("rack_attack"));
        assert_eq!(library_emitter("order.placed"), None);
        assert_eq!(library_emitter("sidekiq"), None);
    }
}
