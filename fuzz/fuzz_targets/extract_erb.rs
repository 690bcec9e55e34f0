//! Fact extraction from one file parsed as `Lang::Erb`. Any panic or hang is
//! a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seamscan::facts::{Interest, Lang};
use std::sync::LazyLock;

static INTEREST: LazyLock<Interest> = LazyLock::new(|| {
    Interest::new(
        &[
            "Foo",
            "bar",
            "render",
            "Video",
            "find_ready",
            "helper",
            "call",
            "perform",
        ],
        &["metadata", "settings"],
    )
});

fuzz_target!(|data: &[u8]| {
    let _ = seamscan::lang::extract(Lang::Erb, data, &INTEREST);
});
