// No console window beside the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> anyhow::Result<()> {
    // WebKitGTK's accelerated compositing costs about 100 MiB in the web process (measured with
    // the municipal demo: 386 → 289 MiB PSS for the app and its WebKit processes,
    // docs/BENCHMARKS.md) and gives a window of forms, tables and SVG charts nothing it needs.
    // A value set outside is kept (WEBKIT_DISABLE_COMPOSITING_MODE=0 turns compositing back on).
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        // SAFETY: the first statement of main, before any other thread exists.
        unsafe { std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1") };
    }
    indsats_desktop::run()
}
