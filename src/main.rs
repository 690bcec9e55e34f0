// mimalloc: the audit allocates and frees millions of small strings and
// vectors (facts decoded from the cache, syntax trees, name maps); glibc's
// malloc/free were a fifth of a warm audit's CPU (perf).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(seamscan::cli::main_with_args(std::env::args_os()));
}
