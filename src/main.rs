//! The `anjuan` command line.

fn main() {
    std::process::exit(anjuan::cli::main());
}
