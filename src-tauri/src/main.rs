// No console window beside the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> anyhow::Result<()> {
    #[cfg(target_os = "linux")]
    lean_webkit();
    indsats_desktop::run()
}

/// WebKitGTK settings for a form-and-table app on an office laptop, set before any thread or
/// WebKit process starts (both processes read them from the environment).
///
/// - Accelerated compositing off: pages are painted by the CPU into the window instead of
///   through an OpenGL/DMA-BUF compositor. Saves about 100 MiB across the app and its web
///   process, and sidesteps the blank or flickering windows WebKitGTK's GPU paths give on some
///   drivers.
/// - JavaScriptCore without its JIT compilers: the front end is small and spends its time
///   waiting on the Rust side; the interpreter saves about 15 MiB more. Cold start is unchanged.
///
/// Measured in docs/BENCHMARKS.md ("Memory of the window"). A value already in the environment
/// wins, so IT can switch either back (`WEBKIT_DISABLE_COMPOSITING_MODE=0`, `JSC_useJIT=1`).
#[cfg(target_os = "linux")]
fn lean_webkit() {
    for (key, value) in [("WEBKIT_DISABLE_COMPOSITING_MODE", "1"), ("JSC_useJIT", "0")] {
        if std::env::var_os(key).is_none() {
            // SAFETY: called first thing in `main`, before any other thread exists, so nothing
            // can read the environment while it changes.
            unsafe { std::env::set_var(key, value) };
        }
    }
}
