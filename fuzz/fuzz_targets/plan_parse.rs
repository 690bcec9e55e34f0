//! The plan parser, and what the audit derives from a parsed plan (globs,
//! the name prefilter, repo checks). Any panic or hang is a bug; errors are
//! fine.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(plan) = seamscan::plan::parse("fuzz.yaml", text) else {
        return;
    };
    let _ = plan.check_repos(&["api".to_string(), "web".to_string()]);
    let _ = seamscan::workspace::Classifier::new(&plan);
    let pre = seamscan::audit::Prefilter::new(&plan);
    let _ = pre.mentions(text.as_bytes());
});
