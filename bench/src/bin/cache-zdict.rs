//! Benchmark support: train the zstd dictionary the fact cache compresses
//! its entries with (`src/facts/entries.zdict`), and measure it.
//!
//! A cache entry is one file's facts (postcard, strings numbered in the
//! pack's shared strings), a few hundred bytes, compressed alone so that
//! any entry can be read without its neighbours. zstd spends most of the
//! time of so small a frame on its entropy tables, and most of the bytes
//! on describing them; a dictionary trained on entries gives both once.
//!
//! The training caches must be filled by `seamscan index` over real apps
//! that are NOT the benchmark's corpus (the evaluation cache is): the
//! dictionary is then measured on what it was not trained on.
//!
//! ```sh
//! seamscan index --cache-dir /tmp/trainA WS_A; seamscan index --cache-dir /tmp/trainB WS_B
//! seamscan index --cache-dir /tmp/eval BENCH_WS
//! cache-zdict /tmp/trainA /tmp/trainB --eval /tmp/eval --size 4096 [--write src/facts/entries.zdict]
//! ```
//!
//! It reads every pack of each cache directory (`facts-v<FORMAT>/*.pack`,
//! the layout `src/cache.rs` writes), decompresses each entry's payload
//! (with the shipped dictionary, or without one for a cache written before
//! it), then prints, for no dictionary, the shipped one and a new one of
//! `--size` bytes: the compressed bytes of the evaluation entries, and the
//! best of 5 compress and decompress times (zstd level 1, one thread).

use std::path::{Path, PathBuf};
use std::time::Instant;

const SHIPPED: &[u8] = include_bytes!("../../../src/facts/entries.zdict");
/// An entry's header: the payload's decoded length (u32) and checksum (u64).
const HEADER: usize = 12;
/// A pack's footer (see `src/cache.rs`): index offset, entry count, ...
const FOOTER: usize = 56;
/// An index record: key (16 bytes) and entry length (u32).
const RECORD: usize = 20;

/// The decoded payloads of every entry of every pack under `dir`.
fn payloads(dir: &Path) -> Vec<Vec<u8>> {
    let mut plain = zstd::bulk::Decompressor::new().expect("a zstd context");
    let mut shipped = zstd::bulk::Decompressor::with_dictionary(SHIPPED).expect("a zstd context");
    let mut out = Vec::new();
    let mut packs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .flat_map(|e| std::fs::read_dir(e.path()).into_iter().flatten().flatten())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "pack"))
        .collect();
    packs.sort();
    for p in packs {
        let b = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        let foot = &b[b.len() - FOOTER..];
        let index_at = u64::from_le_bytes(foot[0..8].try_into().unwrap()) as usize;
        let count = u64::from_le_bytes(foot[8..16].try_into().unwrap()) as usize;
        let mut at = 0;
        for i in 0..count {
            let rec = &b[index_at + i * RECORD..index_at + (i + 1) * RECORD];
            let n = u32::from_le_bytes(rec[16..20].try_into().unwrap()) as usize;
            let len = u32::from_le_bytes(b[at..at + 4].try_into().unwrap()) as usize;
            let z = &b[at + HEADER..at + n];
            let raw = plain
                .decompress(z, len)
                .ok()
                .filter(|r| r.len() == len)
                .or_else(|| shipped.decompress(z, len).ok())
                .unwrap_or_else(|| panic!("{}: entry {i} does not decompress", p.display()));
            out.push(raw);
            at += n;
        }
    }
    out
}

/// Compressed bytes of `entries` and the best of 5 compress / decompress
/// times (ms) with `dict` (empty: none).
fn measure(entries: &[Vec<u8>], dict: &[u8]) -> (usize, f64, f64) {
    let mut c = zstd::bulk::Compressor::with_dictionary(1, dict).expect("a zstd context");
    c.set_parameter(zstd::zstd_safe::CParameter::ContentSizeFlag(false))
        .unwrap();
    c.set_parameter(zstd::zstd_safe::CParameter::DictIdFlag(false))
        .unwrap();
    let mut d = zstd::bulk::Decompressor::with_dictionary(dict).expect("a zstd context");
    let (mut bytes, mut cms, mut dms) = (0, f64::MAX, f64::MAX);
    for _ in 0..5 {
        let t = Instant::now();
        let z: Vec<Vec<u8>> = entries.iter().map(|e| c.compress(e).unwrap()).collect();
        cms = cms.min(t.elapsed().as_secs_f64() * 1e3);
        bytes = z.iter().map(Vec::len).sum();
        let t = Instant::now();
        for (z, e) in z.iter().zip(entries) {
            let back = d.decompress(z, e.len()).unwrap();
            assert!(back == *e, "an entry does not round-trip");
        }
        dms = dms.min(t.elapsed().as_secs_f64() * 1e3);
    }
    (bytes, cms, dms)
}

fn main() {
    let usage = "usage: cache-zdict TRAIN_CACHE_DIR... --eval CACHE_DIR [--size BYTES] [--write PATH]";
    let mut args = std::env::args().skip(1);
    let (mut train, mut eval, mut size, mut write) = (Vec::new(), None, 4096usize, None);
    while let Some(a) = args.next() {
        let mut val = || args.next().unwrap_or_else(|| panic!("{usage}"));
        match a.as_str() {
            "--eval" => eval = Some(PathBuf::from(val())),
            "--size" => size = val().parse().expect("--size BYTES"),
            "--write" => write = Some(PathBuf::from(val())),
            _ if a.starts_with("--") => panic!("{usage}"),
            _ => train.push(PathBuf::from(a)),
        }
    }
    let eval = eval.expect(usage);
    assert!(!train.is_empty(), "{usage}");
    let samples: Vec<Vec<u8>> = train.iter().flat_map(|d| payloads(d)).collect();
    let entries = payloads(&eval);
    println!(
        "training: {} entries ({} bytes) of {}; evaluation: {} entries ({} bytes) of {}",
        samples.len(),
        samples.iter().map(Vec::len).sum::<usize>(),
        train
            .iter()
            .map(|d| d.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
        entries.len(),
        entries.iter().map(Vec::len).sum::<usize>(),
        eval.display()
    );
    let t = Instant::now();
    let dict = zstd::dict::from_samples(&samples, size).expect("training succeeds");
    let train_ms = t.elapsed().as_secs_f64() * 1e3;
    for (what, d) in [
        ("no dictionary", &[][..]),
        ("shipped dictionary", SHIPPED),
        ("new dictionary", &dict[..]),
    ] {
        let (bytes, cms, dms) = measure(&entries, d);
        println!(
            "{what} ({} bytes): {bytes} bytes compressed, compress {cms:.1} ms, decompress {dms:.1} ms",
            d.len()
        );
    }
    println!("trained in {train_ms:.0} ms");
    if let Some(p) = write {
        std::fs::write(&p, &dict).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        println!("wrote {}", p.display());
    }
}
