//! The `anjuan` command line.

fn main() {
    tune_allocator();
    std::process::exit(anjuan::cli::main());
}

/// Fixes glibc's mmap threshold at 256 KiB.
///
/// By default glibc raises the threshold each time a large mapped block is freed (up to
/// 32 MiB); from then on blocks of up to that size come from the threads' arenas, where they
/// fragment with whatever else is live and stay resident. The peak RSS of one and the same
/// 1,000-volume build measured anywhere from 34 to 94 MB from run to run. A fixed threshold
/// turns that adjustment off: blocks from 256 KiB up (font subsetting, PDF buffers) are
/// mapped and given back whole, and the peak is 27–29 MB in every run, with no time cost
/// measured in A/B runs (benches/RESULTS.md). `MALLOC_MMAP_THRESHOLD_` set in the
/// environment still wins.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_allocator() {
    if std::env::var_os("MALLOC_MMAP_THRESHOLD_").is_none() {
        // SAFETY: mallopt only sets an allocator parameter; no other thread exists yet.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_allocator() {}
