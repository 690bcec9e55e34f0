//! Benchmark support: the measurements behind the fact cache's choices
//! (`src/cache.rs`). Extracts the facts of every source file of a workspace
//! as the cache stores them (`Interest::everything`), then times, on one
//! thread, the content hash (xxh3-128 vs BLAKE3) and the entry encoding
//! (postcard vs bincode, both through serde: encoded bytes, encode and
//! decode time), and where the compressed bytes are (per fact; the calls'
//! strings). rkyv is not measured: it needs its own derive on every fact
//! struct, which every new fact field would have to carry.
//!
//! ```sh
//! cache-formats WORKSPACE
//! ```

use rayon::prelude::*;
use seamscan::facts::{FileFacts, Interest, Lang};
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let ws = PathBuf::from(
        std::env::args_os()
            .nth(1)
            .expect("usage: cache-formats WORKSPACE"),
    );
    let repos = seamscan::workspace::discover(&ws).expect("a readable workspace");
    let classifier = seamscan::workspace::Classifier::builtin();
    let walk = seamscan::workspace::walk(&repos, &classifier, 2);
    let sources: Vec<(Vec<u8>, Lang)> = walk
        .files
        .iter()
        .filter_map(|f| {
            let lang = f.class.lang?;
            let b = std::fs::read(&f.abs).ok()?;
            (b.len() <= seamscan::audit::MAX_PARSE_BYTES && !b[..b.len().min(8192)].contains(&0))
                .then_some((b, lang))
        })
        .collect();
    let bytes: usize = sources.iter().map(|(b, _)| b.len()).sum();
    let t = Instant::now();
    let facts: Vec<FileFacts> = sources
        .par_iter()
        .map(|(b, l)| seamscan::lang::extract(*l, b, &Interest::everything()))
        .collect();
    println!(
        "{} source files, {:.1} MB; extract (all threads) {:.0} ms",
        sources.len(),
        bytes as f64 / 1e6,
        t.elapsed().as_secs_f64() * 1e3
    );
    // Which facts take the room (their JSON length, as a proxy).
    let mut share: std::collections::BTreeMap<String, usize> = Default::default();
    for f in &facts {
        if let serde_json::Value::Object(m) = serde_json::to_value(f).unwrap() {
            for (k, v) in m {
                *share.entry(k).or_default() += v.to_string().len();
            }
        }
    }
    let mut share: Vec<(String, usize)> = share.into_iter().collect();
    share.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    let total: usize = share.iter().map(|(_, n)| n).sum();
    let top: Vec<String> = share
        .iter()
        .take(8)
        .map(|(k, n)| format!("{k} {:.0}%", 100.0 * *n as f64 / total as f64))
        .collect();
    println!("largest facts (share of JSON): {}", top.join(", "));
    call_strings(&facts);
    zstd_share(&facts);
    let mb_s = |secs: f64| bytes as f64 / 1e6 / secs;
    let t = Instant::now();
    let mut x = 0u128;
    for (b, _) in &sources {
        x ^= xxhash_rust::xxh3::xxh3_128(b);
    }
    let s = t.elapsed().as_secs_f64();
    println!("hash xxh3-128: {:.1} ms ({:.0} MB/s) [{x:x}]", s * 1e3, mb_s(s));
    let t = Instant::now();
    let mut y = [0u8; 32];
    for (b, _) in &sources {
        let h = blake3::hash(b);
        for (a, c) in y.iter_mut().zip(h.as_bytes()) {
            *a ^= c;
        }
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "hash blake3:   {:.1} ms ({:.0} MB/s) [{:x}]",
        s * 1e3,
        mb_s(s),
        y[0]
    );

    let t = Instant::now();
    let pc: Vec<Vec<u8>> = facts.iter().map(|f| postcard::to_stdvec(f).unwrap()).collect();
    let enc = t.elapsed().as_secs_f64();
    let t = Instant::now();
    for e in &pc {
        let f: FileFacts = postcard::from_bytes(e).unwrap();
        std::hint::black_box(f);
    }
    let dec = t.elapsed().as_secs_f64();
    let size: usize = pc.iter().map(Vec::len).sum();
    println!(
        "postcard: {:.1} MB ({:.1}% of source), encode {:.0} ms, decode {:.0} ms",
        size as f64 / 1e6,
        100.0 * size as f64 / bytes as f64,
        enc * 1e3,
        dec * 1e3
    );
    // The postcard payloads compressed.
    let everything_default: usize = facts
        .iter()
        .zip(&sources)
        .map(|(_, (b, l))| {
            postcard::to_stdvec(&seamscan::lang::extract(*l, b, &Interest::default()))
                .unwrap()
                .len()
        })
        .sum();
    println!(
        "postcard, facts of no plan name (Interest::default, for comparison): {:.1} MB",
        everything_default as f64 / 1e6
    );
    let t = Instant::now();
    let lz: Vec<Vec<u8>> = pc.iter().map(|p| lz4_flex::compress_prepend_size(p)).collect();
    let enc = t.elapsed().as_secs_f64();
    let t = Instant::now();
    for e in &lz {
        std::hint::black_box(lz4_flex::decompress_size_prepended(e).unwrap());
    }
    let dec = t.elapsed().as_secs_f64();
    let size: usize = lz.iter().map(Vec::len).sum();
    println!(
        "postcard+lz4_flex: {:.1} MB ({:.1}% of source), compress {:.0} ms, decompress {:.0} ms",
        size as f64 / 1e6,
        100.0 * size as f64 / bytes as f64,
        enc * 1e3,
        dec * 1e3
    );
    // One compression and one decompression context, reused (as
    // src/cache.rs keeps one per thread).
    for level in [1, 3] {
        let mut c = zstd::bulk::Compressor::new(level).unwrap();
        let mut d = zstd::bulk::Decompressor::new().unwrap();
        let t = Instant::now();
        let z: Vec<Vec<u8>> = pc.iter().map(|p| c.compress(p).unwrap()).collect();
        let enc = t.elapsed().as_secs_f64();
        let t = Instant::now();
        for (e, p) in z.iter().zip(&pc) {
            std::hint::black_box(d.decompress(e, p.len()).unwrap());
        }
        let dec = t.elapsed().as_secs_f64();
        let size: usize = z.iter().map(Vec::len).sum();
        println!(
            "postcard+zstd-{level}: {:.1} MB ({:.1}% of source), compress {:.0} ms, decompress {:.0} ms",
            size as f64 / 1e6,
            100.0 * size as f64 / bytes as f64,
            enc * 1e3,
            dec * 1e3
        );
    }
    let cfg = bincode::config::standard();
    let t = Instant::now();
    let bc: Vec<Vec<u8>> = facts
        .iter()
        .map(|f| bincode::serde::encode_to_vec(f, cfg).unwrap())
        .collect();
    let enc = t.elapsed().as_secs_f64();
    let t = Instant::now();
    for e in &bc {
        let (f, _): (FileFacts, usize) = bincode::serde::decode_from_slice(e, cfg).unwrap();
        std::hint::black_box(f);
    }
    let dec = t.elapsed().as_secs_f64();
    let size: usize = bc.iter().map(Vec::len).sum();
    println!(
        "bincode:  {:.1} MB ({:.1}% of source), encode {:.0} ms, decode {:.0} ms",
        size as f64 / 1e6,
        100.0 * size as f64 / bytes as f64,
        enc * 1e3,
        dec * 1e3
    );
}

/// Where the bytes of the calls' strings are (distinct per file).
fn call_strings(facts: &[FileFacts]) {
    use seamscan::facts::Recv;
    let mut by: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    let mut calls = 0;
    let mut bare_refs = 0;
    for f in facts {
        bare_refs += f
            .calls
            .iter()
            .filter(|c| c.via == seamscan::facts::Via::Reference && c.recv == Recv::Implicit)
            .count();
        let mut seen = std::collections::HashSet::new();
        calls += f.calls.len();
        for c in &f.calls {
            let mut add = |k: &'static str, s: &str| {
                let e = by.entry(k).or_default();
                e.0 += s.len();
                if seen.insert(s.to_string()) {
                    e.1 += s.len();
                }
            };
            add("name", &c.name);
            if let Some(o) = &c.owner {
                add("owner", o);
            }
            match &c.recv {
                Recv::Const(x) => add("const", x),
                Recv::Expr(x) => add("expr", x),
                Recv::Module(x) => add("module", x),
                _ => {}
            }
        }
    }
    println!(
        "calls {calls} (bare references, which a plan that names none of them drops: {bare_refs}); string bytes (all, distinct per file): {by:?}"
    );
}

/// The compressed bytes each fact takes: the total (zstd-1 of postcard)
/// less the total with that fact emptied.
#[allow(clippy::type_complexity)]
fn zstd_share(facts: &[FileFacts]) {
    let size = |f: &FileFacts| {
        zstd::bulk::compress(&postcard::to_stdvec(f).unwrap(), 1)
            .unwrap()
            .len()
    };
    let total: usize = facts.iter().map(size).sum();
    let clears: Vec<(&str, fn(&mut FileFacts))> = vec![
        ("defs", |f: &mut FileFacts| f.defs = Default::default()),
        ("calls", |f: &mut FileFacts| f.calls = Default::default()),
        ("scopes", |f: &mut FileFacts| f.scopes = Default::default()),
        ("dynamic", |f: &mut FileFacts| f.dynamic = Default::default()),
        ("env_reads", |f: &mut FileFacts| f.env_reads = Default::default()),
        ("json_keys", |f: &mut FileFacts| f.json_keys = Default::default()),
        ("json_opaque", |f: &mut FileFacts| {
            f.json_opaque = Default::default()
        }),
        ("sigs", |f: &mut FileFacts| f.sigs = Default::default()),
        ("const_values", |f: &mut FileFacts| {
            f.const_values = Default::default()
        }),
        ("effects", |f: &mut FileFacts| f.effects = Default::default()),
        ("payload_keys", |f: &mut FileFacts| {
            f.payload_keys = Default::default()
        }),
        ("wrapper_calls", |f: &mut FileFacts| {
            f.wrapper_calls = Default::default()
        }),
        ("fn_spans", |f: &mut FileFacts| f.fn_spans = Default::default()),
        ("imports", |f: &mut FileFacts| f.imports = Default::default()),
        ("exports", |f: &mut FileFacts| f.exports = Default::default()),
        ("classes", |f: &mut FileFacts| f.classes = Default::default()),
        ("object_literals", |f: &mut FileFacts| {
            f.object_literals = Default::default()
        }),
        ("http_calls", |f: &mut FileFacts| {
            f.http_calls = Default::default()
        }),
        ("callbacks", |f: &mut FileFacts| f.callbacks = Default::default()),
        ("str_consts", |f: &mut FileFacts| {
            f.str_consts = Default::default()
        }),
        ("ancestry", |f: &mut FileFacts| f.ancestry = Default::default()),
        ("visibility", |f: &mut FileFacts| {
            f.visibility = Default::default()
        }),
    ];
    let mut out: Vec<(usize, &str)> = clears
        .iter()
        .map(|(name, clear)| {
            let without: usize = facts
                .iter()
                .map(|f| {
                    let mut f = f.clone();
                    clear(&mut f);
                    size(&f)
                })
                .sum();
            (total - without, *name)
        })
        .collect();
    out.sort_by_key(|x| std::cmp::Reverse(x.0));
    let shown: Vec<String> = out
        .iter()
        .map(|(n, k)| format!("{k} {:.0} kB", *n as f64 / 1e3))
        .collect();
    println!(
        "zstd-1 {:.0} kB; of which (total less the total without it): {}",
        total as f64 / 1e3,
        shown.join(", ")
    );
}
