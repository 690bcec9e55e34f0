//! The config-file scanner (env var definitions). Any panic is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::collections::BTreeSet;
use std::sync::LazyLock;

static NAMES: LazyLock<BTreeSet<String>> = LazyLock::new(|| {
    ["FEATURE_X", "multi_platform", "a"]
        .iter()
        .map(|s| s.to_string())
        .collect()
});

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = seamscan::lang::config::scan(&text, &NAMES);
});
