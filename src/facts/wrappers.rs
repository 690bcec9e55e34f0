//! Calls to generic request helpers as client calls, once per audit after
//! module resolution: each `WrapperCall` that reaches a `ClientWrapper`
//! becomes an `HttpCall` of its file (the helper's base joined to the path
//! argument, the verb fixed or given, the body argument's keys), and what
//! the call site reads from the result becomes its `Received` keys when
//! the helper returns the parsed body (or the client's response, read as
//! a client's). A call the walk already took for a client by its name
//! (`api.get`) is replaced, not counted twice.

use super::{ArgRef, CallArg, ClientWrapper, FileFacts, HttpCall, PayloadKey, PayloadRole, WrapperCall};
use super::{WrapperReturns, WrapperVerb, resolve::Resolution};

/// A request made through a helper: the request, the body's keys and the
/// keys read back, with their lines.
type Made = (HttpCall, Vec<(String, u32)>, Vec<(String, u32)>);

/// A call's argument a helper takes a value from.
fn pick<'a>(args: &'a [CallArg], r: &ArgRef) -> Option<&'a CallArg> {
    match r {
        ArgRef::Pos(i) => args.get(*i as usize),
        ArgRef::Key(i, k) => match args.get(*i as usize)? {
            CallArg::Object { props, .. } => props.iter().find(|(pk, _)| pk == k).map(|(_, v)| v),
            _ => None,
        },
    }
}

/// The request a call of `w` makes, and the keys it reads back.
fn request(c: &WrapperCall, w: &ClientWrapper) -> Option<Made> {
    let Some(CallArg::Str { text, prefix_var, .. }) = pick(&c.args, &w.path) else {
        return None;
    };
    let (url, prefix_var) = if text.contains("://") {
        (text.clone(), false)
    } else if *prefix_var {
        // The path itself starts with a value: only its rest is known.
        (text.clone(), true)
    } else {
        let url = match (w.base.ends_with('/'), text.starts_with('/')) {
            (true, true) => format!("{}{}", w.base, &text[1..]),
            (false, false) if !w.base.is_empty() => format!("{}/{text}", w.base),
            _ => format!("{}{text}", w.base),
        };
        (url, w.base_var)
    };
    let verb = match &w.verb {
        WrapperVerb::Fixed(v) => v.clone(),
        WrapperVerb::Arg(a) => match pick(&c.args, a) {
            Some(CallArg::Str { text, lit: true, .. }) => text.to_ascii_uppercase(),
            _ => "ANY".to_string(),
        },
    };
    let body = match w.body.as_ref().and_then(|b| pick(&c.args, b)) {
        Some(CallArg::Object { keys, .. }) => keys.clone(),
        _ => Vec::new(),
    };
    let reads = c
        .reads
        .iter()
        .filter_map(|(k, json, line)| {
            let k = match w.returns {
                WrapperReturns::Body if !json => Some(k.as_str()),
                WrapperReturns::Response => crate::facts::client_key(*json, k),
                _ => None,
            }?;
            Some((k.to_string(), *line))
        })
        .collect();
    Some((
        HttpCall {
            verb,
            url,
            prefix_var,
            client: format!("{} via {}", w.client, w.name),
            owner: None,
            body_keys: body.iter().map(|(k, _)| k.clone()).collect(),
            base_elsewhere: false,
            imported_instance: false,
            line: c.line,
        },
        body,
        reads,
    ))
}

/// Tie every resolved helper call into its file's `http_calls` and
/// `payload_keys`.
pub(super) fn tie(facts: &mut [FileFacts], res: &Resolution) {
    let mut made: Vec<(usize, u32, Made)> = Vec::new();
    for (&(fi, ci), &(tf, wi)) in &res.wrapper_calls {
        let c = &facts[fi as usize].wrapper_calls[ci as usize];
        let w = &facts[tf as usize].client_wrappers[wi as usize];
        if let Some(m) = request(c, w) {
            made.push((fi as usize, ci, m));
        }
    }
    for (fi, ci, (call, body, reads)) in made {
        let ff = &mut facts[fi];
        let idx = match ff.wrapper_calls[ci as usize].http_call {
            Some(i) => {
                ff.http_calls[i as usize] = call;
                // What the walk took for the body of a client call is the
                // helper's to say.
                ff.payload_keys
                    .retain(|k| !(k.call == Some(i) && k.role == PayloadRole::Sent));
                i
            }
            None => {
                ff.http_calls.push(call);
                (ff.http_calls.len() - 1) as u32
            }
        };
        // The body's leaves, where each is written.
        for (key, line) in &body {
            if body.iter().any(|(o, _)| o.starts_with(&format!("{key}."))) {
                continue;
            }
            ff.payload_keys.push(PayloadKey {
                role: PayloadRole::Sent,
                key: key.clone(),
                owner: None,
                scope: None,
                call: Some(idx),
                line: *line,
            });
        }
        for (key, line) in reads {
            ff.payload_keys.push(PayloadKey {
                role: PayloadRole::Received,
                key,
                owner: None,
                scope: None,
                call: Some(idx),
                line,
            });
        }
    }
}
