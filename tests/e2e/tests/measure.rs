//! `make bench-app`: the release app with the municipal demo (5,000 synthetic participants):
//! cold start to an interactive overview, and the memory (PSS) of the app and its WebKit
//! processes. Ignored in `make test` (it is a measurement, not a check); the numbers go to
//! target/bench-data/app.txt and docs/BENCHMARKS.md.

use std::time::{Duration, Instant};

use indsats_e2e::*;

#[tokio::test(flavor = "multi_thread")]
#[ignore = "a measurement: run by `make bench-app`"]
async fn cold_start_and_memory_with_the_municipal_demo() -> anyhow::Result<()> {
    let home = tempfile::tempdir()?;
    // Make the demo once (not measured), then close the app.
    {
        let app = App::launch(home.path()).await?;
        app.fill("firstrun-user", "Mette Testesen").await?;
        app.select("firstrun-role", "team_lead").await?;
        app.click("firstrun-demo").await?;
        app.el("overview").await?;
        app.wait_text("caseload", "").await?;
        app.close().await?;
    }
    let mut lines = Vec::new();
    for run in 1..=3 {
        let started = Instant::now();
        let app = App::launch(home.path()).await?;
        let window = started.elapsed();
        // Only the demo exists: the first-run screen offers to open it.
        app.click("firstrun-demo").await?;
        app.el("overview").await?;
        // Interactive: the goals and the caseload are on screen.
        app.el("caseload").await?;
        app.all("[data-testid^=\"goal-\"]").await?;
        let interactive = started.elapsed();
        // Let the trend charts load and the processes settle before reading memory.
        tokio::time::sleep(Duration::from_secs(3)).await;
        if run == 1 {
            // The README's picture of the overview.
            app.screenshot("overview-demo").await?;
        }
        let pid = app.pid().ok_or_else(|| anyhow::anyhow!("no app process"))?;
        let mut total = 0;
        let mut parts = Vec::new();
        for p in process_tree(pid) {
            let kib = pss_kib(p);
            total += kib;
            parts.push(format!("{} {} MiB", comm(p), kib / 1024));
        }
        let line = format!(
            "run {run}: window {} ms, interactive overview {} ms (includes unlocking); PSS {} MiB ({})",
            window.as_millis(),
            interactive.as_millis(),
            total / 1024,
            parts.join(", ")
        );
        println!("{line}");
        if run == 1 && std::env::var_os("INDSATS_MEASURE_DETAIL").is_some() {
            for p in process_tree(pid) {
                println!("  {} ({p}): {}", comm(p), pss_by_mapping(p, 8).join(", "));
            }
        }
        lines.push(line);
        app.close().await?;
    }
    let out = root().join("target/bench-data");
    std::fs::create_dir_all(&out)?;
    std::fs::write(out.join("app.txt"), lines.join("\n") + "\n")?;
    Ok(())
}
