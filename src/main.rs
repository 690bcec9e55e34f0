fn main() {
    std::process::exit(seamscan::cli::main_with_args(std::env::args_os()));
}
