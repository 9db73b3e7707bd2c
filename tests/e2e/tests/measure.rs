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
        // Only the demo exists: the first-run screen offers to open it. Interactive is when the
        // goals and the caseload are painted (see `in_page`), unlocking the demo included.
        app.el("firstrun-demo").await?;
        in_page(
            &app,
            r#"document.querySelector('[data-testid="firstrun-demo"]').click();"#,
            r#"document.querySelector('[data-testid="caseload"]') && document.querySelector('[data-testid^="goal-"]')"#,
        )
        .await?;
        let interactive = started.elapsed();
        app.el("overview").await?;
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
        // The front end's speed (JavaScriptCore runs without its JIT): search as you type, a
        // name's first two letters with the 150 ms pause after typing included, until the hits
        // are painted; then the first hit's profile with its timeline and ladder chart.
        app.click("nav-participants").await?;
        app.el("participant-search").await?;
        let search = in_page(
            &app,
            r#"const input = document.querySelector('[data-testid="participant-search"]');
               input.value = 'Am';
               input.dispatchEvent(new Event('input', { bubbles: true }));"#,
            r#"document.querySelector('[data-testid="participant-hit"]')"#,
        )
        .await?;
        let profile = in_page(
            &app,
            r#"document.querySelector('[data-testid="participant-hit"]').click();"#,
            r#"document.querySelector('[data-testid="ladder-chart"]') && document.querySelector('[data-testid="timeline"]')"#,
        )
        .await?;
        let speed = format!("search as you type {search} ms, a profile {profile} ms");
        println!("  {speed}");
        let line = format!("{line}; {speed}");
        lines.push(line);
        app.close().await?;
    }
    let out = root().join("target/bench-data");
    std::fs::create_dir_all(&out)?;
    std::fs::write(out.join("app.txt"), lines.join("\n") + "\n")?;
    Ok(())
}

/// Runs `action` in the page and returns the milliseconds until `ready` (a JavaScript
/// expression) holds and the frame showing it has been painted (the task after that frame's
/// animation callback). Timed in the page, so WebDriver's polling is not in the number.
async fn in_page(app: &App, action: &str, ready: &str) -> anyhow::Result<u64> {
    let script = format!(
        r#"const done = arguments[0];
           const t0 = performance.now();
           const ready = () => {ready};
           const seen = new MutationObserver(() => {{
             if (ready()) {{
               seen.disconnect();
               requestAnimationFrame(() => setTimeout(() => done(Math.round(performance.now() - t0)), 0));
             }}
           }});
           seen.observe(document.body, {{ childList: true, subtree: true }});
           {action}"#
    );
    let ms = app.client.execute_async(&script, vec![]).await?;
    ms.as_u64().ok_or_else(|| anyhow::anyhow!("the page answered {ms}, not a number of milliseconds"))
}
