//! Fingerprint of the code that turns a file into facts, for the fact
//! cache's key (`src/cache.rs`): every file under `src/lang/` and
//! `src/facts/`, `src/facts.rs`, and the versions of the parser crates in
//! `Cargo.lock`. A change to any of them (a new fact field, a fixed
//! extractor, a parser upgrade) gives new keys, so no stale entry is read.
//! And of the prefilter (`src/audit.rs`), for its cached findings.

use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// FNV-1a, 64 bits; two lanes with different offsets make 128.
fn fnv(h: &mut [u64; 2], bytes: &[u8]) {
    for b in bytes {
        for (lane, prime) in h.iter_mut().zip([0x100000001b3u64, 0x100000001b3u64]) {
            *lane ^= u64::from(*b);
            *lane = lane.wrapping_mul(prime);
        }
        h[1] = h[1].rotate_left(5);
    }
}

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let mut paths = Vec::new();
    for dir in ["src/lang", "src/facts"] {
        files(&root.join(dir), &mut paths);
        println!("cargo:rerun-if-changed={dir}");
    }
    paths.push(root.join("src/facts.rs"));
    println!("cargo:rerun-if-changed=src/facts.rs");
    println!("cargo:rerun-if-changed=Cargo.lock");
    paths.sort();
    let mut h = [0xcbf29ce484222325u64, 0x84222325cbf29ce4u64];
    for p in &paths {
        let rel = p.strip_prefix(&root).unwrap_or(p);
        fnv(&mut h, rel.to_string_lossy().replace('\\', "/").as_bytes());
        fnv(&mut h, &std::fs::read(p).unwrap_or_default());
    }
    // The parsers' versions (Cargo.lock: `name = "..."` then `version = "..."`).
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap_or_default();
    let mut name = "";
    let mut parsers = Vec::new();
    for line in lock.lines() {
        if let Some(n) = line.strip_prefix("name = ") {
            name = n.trim_matches('"');
        } else if let Some(v) = line.strip_prefix("version = ")
            && (name.starts_with("ruby-prism") || name.starts_with("oxc") || name.starts_with("tree-sitter"))
        {
            parsers.push(format!("{name}={}", v.trim_matches('"')));
        }
    }
    parsers.sort();
    fnv(&mut h, parsers.join(",").as_bytes());
    println!(
        "cargo:rustc-env=SEAMSCAN_FACTS_FINGERPRINT={:016x}{:016x}",
        h[0], h[1]
    );
    println!("cargo:rustc-env=SEAMSCAN_PARSERS={}", parsers.join(","));
    // The prefilter (`src/audit.rs`: how a file's bytes are decoded and
    // scanned for a plan's names), for the key of its cached findings.
    let mut h = [0xcbf29ce484222325u64, 0x84222325cbf29ce4u64];
    fnv(
        &mut h,
        &std::fs::read(root.join("src/audit.rs")).unwrap_or_default(),
    );
    println!("cargo:rerun-if-changed=src/audit.rs");
    println!(
        "cargo:rustc-env=SEAMSCAN_PREFILTER_FINGERPRINT={:016x}{:016x}",
        h[0], h[1]
    );
}
