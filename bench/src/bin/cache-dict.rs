//! Benchmark support: would a dictionary shipped with seamscan shrink the
//! fact cache? (Measured for issue 19 and rejected: see bench/README.md,
//! "Fact cache"; the cache shares strings per pack instead,
//! `src/facts/compact.rs`.)
//!
//! A cache entry writes each file's calls, definitions and JSON keys as a
//! table of the file's distinct strings (names, owners, receiver texts,
//! columns) plus columns of indices. Those tables repeat across files, and
//! zstd compresses one entry at a time. This tool extracts the facts of a
//! training workspace (real apps that are NOT the benchmark's corpus) and
//! of an evaluation workspace, then estimates what the evaluation's tables
//! take compressed (zstd-1 of each file's tables, as postcard) with a list
//! of the training tables' strings that save the most (files x length),
//! for each of `--sizes`; and, with `--zdict BYTES`, what whole entries take
//! with a zstd dictionary of that size trained on the training entries.
//!
//! ```sh
//! cache-dict TRAIN_WS --eval BENCH_WS --sizes 1024,8192,32768 --zdict 112640
//! ```

use rayon::prelude::*;
use seamscan::facts::{FileFacts, Interest, Lang, Recv};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn facts_of(ws: &Path) -> Vec<FileFacts> {
    let repos = seamscan::workspace::discover(ws).expect("a readable workspace");
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
    sources
        .par_iter()
        .map(|(b, l)| seamscan::lang::extract(*l, b, &Interest::everything()))
        .collect()
}

/// A file's string tables as the cache writes them: distinct strings of
/// its calls, of its definitions, of its JSON keys (in order of first use).
fn tables(f: &FileFacts) -> [Vec<&str>; 3] {
    fn push<'a>(t: &mut Vec<&'a str>, seen: &mut std::collections::HashSet<&'a str>, s: &'a str) {
        if seen.insert(s) {
            t.push(s);
        }
    }
    let mut out: [Vec<&str>; 3] = Default::default();
    let mut seen = std::collections::HashSet::new();
    for c in &f.calls {
        push(&mut out[0], &mut seen, &c.name);
        if let Recv::Const(x) | Recv::Expr(x) | Recv::Module(x) = &c.recv {
            push(&mut out[0], &mut seen, x);
        }
        if let Some(o) = &c.owner {
            push(&mut out[0], &mut seen, o);
        }
    }
    seen.clear();
    for d in &f.defs {
        push(&mut out[1], &mut seen, &d.name);
        if let Some(o) = &d.owner {
            push(&mut out[1], &mut seen, o);
        }
    }
    seen.clear();
    for k in &f.json_keys {
        for s in [
            Some(&k.column),
            Some(&k.key),
            k.recv.as_ref(),
            k.recv_class.as_ref(),
        ]
        .into_iter()
        .flatten()
        {
            push(&mut out[2], &mut seen, s);
        }
    }
    out
}

/// The `n` strings that save the most, most frequent first.
fn train(facts: &[FileFacts], n: usize) -> Vec<String> {
    let mut df: HashMap<&str, u32> = HashMap::new();
    for f in facts {
        let mut seen = std::collections::HashSet::new();
        for t in tables(f) {
            for s in t {
                if seen.insert(s) {
                    *df.entry(s).or_default() += 1;
                }
            }
        }
    }
    // A line per string: none with a line break; a string held by one
    // file saves nothing.
    let mut cands: Vec<(&str, u32)> = df
        .into_iter()
        .filter(|(s, n)| *n >= 2 && !s.is_empty() && !s.contains(['\n', '\r']))
        .collect();
    cands.sort_by(|a, b| {
        let gain = |(s, n): &(&str, u32)| u64::from(*n) * s.len() as u64;
        gain(b).cmp(&gain(a)).then_with(|| a.0.cmp(b.0))
    });
    cands.truncate(n);
    cands.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    cands.into_iter().map(|(s, _)| s.to_string()).collect()
}

/// zstd-1 bytes of every file's tables, written as strings (`dict` empty)
/// or as references into `dict` plus the strings it lacks.
fn table_bytes(facts: &[FileFacts], dict: &[String]) -> usize {
    let index: HashMap<&str, u32> = dict
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i as u32))
        .collect();
    let mut c = zstd::bulk::Compressor::new(1).unwrap();
    facts
        .iter()
        .map(|f| {
            let mut raw = Vec::new();
            for t in tables(f) {
                let refs: Vec<u32> = t.iter().map(|s| index.get(s).map_or(0, |i| i + 1)).collect();
                let own: Vec<&str> = t.iter().copied().filter(|s| !index.contains_key(s)).collect();
                if !dict.is_empty() {
                    raw.extend(postcard::to_stdvec(&refs).unwrap());
                }
                raw.extend(postcard::to_stdvec(&own).unwrap());
            }
            c.compress(&raw).unwrap().len()
        })
        .sum()
}

/// zstd-1 bytes of every file's whole entry (postcard of its facts),
/// without and with a zstd dictionary of `size` bytes trained on `train`'s
/// entries; compress and decompress ms.
fn zdict_eval(train: &[FileFacts], other: &[FileFacts], size: usize) {
    let enc =
        |f: &[FileFacts]| -> Vec<Vec<u8>> { f.iter().map(|f| postcard::to_stdvec(f).unwrap()).collect() };
    let (tr, ot) = (enc(train), enc(other));
    let t = std::time::Instant::now();
    let dict = zstd::dict::from_samples(&tr, size).unwrap();
    let train_ms = t.elapsed().as_secs_f64() * 1e3;
    for d in [&[][..], &dict[..]] {
        let mut c = zstd::bulk::Compressor::with_dictionary(1, d).unwrap();
        let mut x = zstd::bulk::Decompressor::with_dictionary(d).unwrap();
        let t = std::time::Instant::now();
        let z: Vec<Vec<u8>> = ot.iter().map(|p| c.compress(p).unwrap()).collect();
        let cms = t.elapsed().as_secs_f64() * 1e3;
        let t = std::time::Instant::now();
        for (z, p) in z.iter().zip(&ot) {
            std::hint::black_box(x.decompress(z, p.len()).unwrap());
        }
        let dms = t.elapsed().as_secs_f64() * 1e3;
        println!(
            "zstd-1, dictionary of {} bytes (trained in {train_ms:.0} ms): {:.0} kB, compress {cms:.0} ms, decompress {dms:.0} ms",
            d.len(),
            z.iter().map(Vec::len).sum::<usize>() as f64 / 1e3
        );
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut train_ws = None;
    let mut eval = None;
    let mut sizes = vec![1024usize, 4096, 8192, 16384, 32768];
    let mut zdict = None;
    while let Some(a) = args.next() {
        let mut val = || args.next().unwrap_or_else(|| panic!("{a} needs a value"));
        match a.as_str() {
            "--eval" => eval = Some(PathBuf::from(val())),
            "--zdict" => zdict = Some(val().parse::<usize>().expect("--zdict BYTES")),
            "--sizes" => {
                sizes = val()
                    .split(',')
                    .map(|s| s.parse().expect("--sizes N,N"))
                    .collect()
            }
            _ if train_ws.is_none() => train_ws = Some(PathBuf::from(&a)),
            _ => panic!("usage: cache-dict TRAIN_WS --eval WS [--sizes N,N] [--zdict BYTES]"),
        }
    }
    let train_ws = train_ws.expect("usage: cache-dict TRAIN_WS --eval WS [--sizes N,N] [--zdict BYTES]");
    let facts = facts_of(&train_ws);
    println!("trained on {} files of {}", facts.len(), train_ws.display());
    let ws = eval.expect("usage: cache-dict TRAIN_WS --eval WS [--sizes N,N] [--zdict BYTES]");
    {
        let other = facts_of(&ws);
        if let Some(z) = zdict {
            zdict_eval(&facts, &other, z);
        }
        let base = table_bytes(&other, &[]);
        println!(
            "{}: {} files; string tables, zstd-1 per file: {:.0} kB without shared strings",
            ws.display(),
            other.len(),
            base as f64 / 1e3
        );
        for n in sizes {
            let dict = train(&facts, n);
            let file: usize = dict.iter().map(|s| s.len() + 1).sum();
            let b = table_bytes(&other, &dict);
            println!(
                "  {n:>6} strings ({:.0} kB file): {:.0} kB ({:+.0} kB)",
                file as f64 / 1e3,
                b as f64 / 1e3,
                (b as f64 - base as f64) / 1e3
            );
        }
    }
}
