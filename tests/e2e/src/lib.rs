//! The end-to-end harness: starts tauri-driver (which starts WebKitWebDriver, which starts the
//! real app binary with its embedded front end) for one scenario at a time, and drives the window
//! through WebDriver by the `data-testid`s the screens carry.
//!
//! It needs a display (the Makefile runs the tests under `xvfb-run`), the app built with its
//! front end embedded (`make e2e` builds it), tauri-driver (the per-user tools cache, `~/.cache/indsats/tools`) and Debian's
//! WebKitWebDriver. When one is missing the tests fail with a message saying what to run; they
//! never skip.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

mod keyring;
pub mod xwd;
pub use keyring::Keyring;

use anyhow::{Context, Result, anyhow, bail};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};

/// The date the app believes it is (so that dates in screenshots and checks are stable).
pub const TODAY: &str = "2026-11-25";
pub const PASSPHRASE: &str = "korrekt hest batteri";

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn app_binary() -> PathBuf {
    std::env::var_os("INDSATS_E2E_APP").map(PathBuf::from).unwrap_or_else(|| root().join("target/debug/indsats-desktop"))
}

fn tauri_driver() -> PathBuf {
    std::env::var_os("TAURI_DRIVER").map(PathBuf::from).unwrap_or_else(|| {
        // Where `make e2e-deps` puts it (Makefile: TOOLS_CACHE).
        let cache = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")));
        cache.unwrap_or_default().join("indsats/tools/tauri-driver-2.1.0/bin/tauri-driver")
    })
}

pub fn screenshot_dir() -> PathBuf {
    root().join("target/e2e-screenshots")
}

/// A running tauri-driver; killed with everything it started when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // tauri-driver leads its own process group: WebKitWebDriver and the app go with it.
        let pgid = self.child.id() as i32;
        let _ = Command::new("kill").args(["-KILL", "--", &format!("-{pgid}")]).status();
        let _ = self.child.wait();
    }
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl Driver {
    fn start(home: &Path, extra_env: &[(&str, &str)]) -> Result<Driver> {
        use std::os::unix::process::CommandExt;
        let app = app_binary();
        if !app.exists() {
            bail!("the app is not built at {}: run `make e2e` (it builds the app with its front end embedded)", app.display());
        }
        let driver = tauri_driver();
        if !driver.exists() {
            bail!("tauri-driver is not installed at {}: run `make e2e-deps`", driver.display());
        }
        if !Path::new("/usr/bin/WebKitWebDriver").exists() {
            bail!("WebKitWebDriver is missing: install Debian's webkit2gtk-driver (`make deps` does)");
        }
        if std::env::var_os("DISPLAY").is_none() {
            bail!("no display: run the end-to-end tests under xvfb-run (`make e2e` does)");
        }
        let port = free_port()?;
        let native = free_port()?;
        let mut cmd = Command::new(&driver);
        cmd.args(["--port", &port.to_string(), "--native-port", &native.to_string(), "--native-driver", "/usr/bin/WebKitWebDriver"])
            .env("INDSATS_HOME", home)
            .env("INDSATS_TODAY", TODAY)
            .env("INDSATS_FAST_KDF", "1")
            .env("LANG", "C.UTF-8")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .process_group(0);
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().with_context(|| format!("starting {}", driver.display()))?;
        let d = Driver { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                bail!("tauri-driver did not listen on port {port} within 20 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(d)
    }
}

/// The app in its window, and the WebDriver session driving it.
pub struct App {
    pub client: Client,
    _driver: Driver,
    pub home: PathBuf,
}

const WAIT: Duration = Duration::from_secs(30);

fn tid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

impl App {
    /// Starts the app with its data under `home`.
    pub async fn launch(home: &Path) -> Result<App> {
        Self::launch_with(home, &[]).await
    }

    pub async fn launch_with(home: &Path, env: &[(&str, &str)]) -> Result<App> {
        std::fs::create_dir_all(home)?;
        let driver = Driver::start(home, env)?;
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert("tauri:options".into(), serde_json::json!({ "application": app_binary() }));
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", driver.port))
            .await
            .context("starting a WebDriver session with the app")?;
        let app = App { client, _driver: driver, home: home.to_path_buf() };
        app.wait_ready().await?;
        Ok(app)
    }

    /// Waits until the window has rendered its first screen.
    async fn wait_ready(&self) -> Result<()> {
        let deadline = Instant::now() + WAIT;
        loop {
            let found = self.client.find(Locator::Css("[data-testid]")).await;
            if found.is_ok() {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("the window showed nothing within {WAIT:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The element with `data-testid`, waiting for it to appear.
    pub async fn el(&self, id: &str) -> Result<Element> {
        self.client
            .wait()
            .at_most(WAIT)
            .every(Duration::from_millis(50))
            .for_element(Locator::Css(&tid(id)))
            .await
            .with_context(|| format!("no element [data-testid={id}]"))
    }

    /// Whether an element is there now (no waiting).
    pub async fn has(&self, id: &str) -> bool {
        self.client.find(Locator::Css(&tid(id))).await.is_ok()
    }

    pub async fn all(&self, css: &str) -> Result<Vec<Element>> {
        Ok(self.client.find_all(Locator::Css(css)).await?)
    }

    /// Clicks an element; found again and retried a few times when the window re-rendered it
    /// between finding and clicking (a stale element).
    pub async fn click(&self, id: &str) -> Result<()> {
        let mut last = None;
        for _ in 0..5 {
            match self.el(id).await?.click().await {
                Ok(_) => return Ok(()),
                Err(e) => last = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        // Say what is in the way.
        let over = self
            .js(
                r#"const e = document.querySelector(`[data-testid="${arguments[0]}"]`);
                   if (!e) return 'gone';
                   const r = e.getBoundingClientRect();
                   const top = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
                   return top ? top.outerHTML.slice(0, 300) : 'nothing at its centre';"#,
                vec![id.into()],
            )
            .await
            .unwrap_or_default();
        Err(anyhow!("clicking {id}: {last:?}; at its centre: {over}"))
    }

    /// Clears a field and types into it.
    pub async fn fill(&self, id: &str, text: &str) -> Result<()> {
        let e = self.el(id).await?;
        e.clear().await.with_context(|| format!("clearing {id}"))?;
        e.send_keys(text).await.with_context(|| format!("typing into {id}"))?;
        Ok(())
    }

    /// Picks an option of a `<select>` by its value.
    pub async fn select(&self, id: &str, value: &str) -> Result<()> {
        let e = self.el(id).await?;
        e.select_by_value(value).await.with_context(|| format!("choosing {value} in {id}"))?;
        Ok(())
    }

    pub async fn text(&self, id: &str) -> Result<String> {
        Ok(self.el(id).await?.text().await?)
    }

    /// Waits until the element's text contains `needle`.
    pub async fn wait_text(&self, id: &str, needle: &str) -> Result<String> {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok(e) = self.client.find(Locator::Css(&tid(id))).await {
                let t = e.text().await.unwrap_or_default();
                if t.contains(needle) {
                    return Ok(t);
                }
                if Instant::now() > deadline {
                    bail!("[data-testid={id}] never contained {needle:?}; it says: {t}");
                }
            } else if Instant::now() > deadline {
                bail!("[data-testid={id}] never appeared (waiting for {needle:?})");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Sends keys to whatever has the focus (keyboard-only scenarios).
    pub async fn keys(&self, text: &str) -> Result<()> {
        let active = self.client.active_element().await?;
        active.send_keys(text).await?;
        Ok(())
    }

    /// Runs a script in the window and returns its value.
    pub async fn js(&self, script: &str, args: Vec<serde_json::Value>) -> Result<serde_json::Value> {
        Ok(self.client.execute(script, args).await?)
    }

    /// Saves a PNG of the window in target/e2e-screenshots, taken from the X server after two
    /// animation frames (so the last change is painted). Not WebDriver's screenshot: with
    /// compositing off it can wait forever for a frame (see `xwd`).
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        self.client
            .execute_async(
                "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            )
            .await?;
        let image = tokio::task::spawn_blocking(|| xwd::capture("Indsats")).await??;
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.png"));
        xwd::write_png(&image, &path)?;
        Ok(path)
    }

    /// Runs axe-core over the window as it is now; returns the serious and critical violations
    /// as readable lines.
    pub async fn axe(&self) -> Result<Vec<String>> {
        let source = std::fs::read_to_string(root().join("ui/node_modules/axe-core/axe.min.js"))
            .context("axe-core is missing: run `npm ci` in ui/ (`make ui-deps` does)")?;
        let loaded = self.js("return typeof window.axe === 'object';", vec![]).await?;
        if loaded != serde_json::Value::Bool(true) {
            // Evaluated as a function body: the CSP forbids adding a <script>, WebDriver does not.
            self.js(&format!("{source}\nwindow.axe = axe; return true;"), vec![]).await?;
        }
        let result = self
            .client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                   window.axe.run(document, { resultTypes: ['violations'] })
                     .then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                        .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' — ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))))
                     .catch(e => done(['axe failed: ' + e]));"#,
                vec![],
            )
            .await?;
        let list = result.as_array().ok_or_else(|| anyhow!("axe returned {result}"))?;
        Ok(list.iter().map(|v| v.as_str().unwrap_or_default().to_string()).collect())
    }

    /// The app's process (and none other): found by its binary and its data folder.
    pub fn pid(&self) -> Option<u32> {
        app_pids(&self.home).into_iter().next()
    }

    /// Kills the app with SIGKILL, as a crash or a power cut would.
    pub fn kill_app(&self) -> Result<()> {
        let pid = self.pid().ok_or_else(|| anyhow!("the app's process was not found"))?;
        let status = Command::new("kill").args(["-KILL", &pid.to_string()]).status()?;
        if !status.success() {
            bail!("could not kill {pid}");
        }
        Ok(())
    }

    pub async fn close(self) -> Result<()> {
        let _ = self.client.close().await;
        Ok(())
    }

    // ---- Steps that several scenarios share ----------------------------------------------------

    /// The first run: a passphrase, typed twice, and the default strategy.
    pub async fn first_run(&self, user: &str) -> Result<()> {
        self.fill("firstrun-passphrase", PASSPHRASE).await?;
        self.fill("firstrun-repeat", PASSPHRASE).await?;
        self.fill("firstrun-user", user).await?;
        self.select("firstrun-role", "team_lead").await?;
        self.click("firstrun-create").await?;
        self.el("overview").await?;
        Ok(())
    }

    pub async fn unlock(&self, passphrase: &str) -> Result<()> {
        self.fill("unlock-passphrase", passphrase).await?;
        self.click("unlock-submit").await?;
        Ok(())
    }
}

/// Processes running the app binary with `INDSATS_HOME=home`.
pub fn app_pids(home: &Path) -> Vec<u32> {
    let app = app_binary().canonicalize().unwrap_or_else(|_| app_binary());
    let want = home.display().to_string();
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir("/proc") else { return out };
    for e in rd.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else { continue };
        let exe = std::fs::read_link(e.path().join("exe")).ok();
        if exe.as_deref() != Some(app.as_path()) {
            continue;
        }
        if env_of(pid, "INDSATS_HOME").as_deref() == Some(want.as_str()) {
            out.push(pid);
        }
    }
    out
}

/// A process and all its descendants.
pub fn process_tree(pid: u32) -> Vec<u32> {
    let mut parents: Vec<(u32, u32)> = Vec::new();
    if let Ok(rd) = std::fs::read_dir("/proc") {
        for e in rd.flatten() {
            let Some(p) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else { continue };
            let stat = std::fs::read_to_string(e.path().join("stat")).unwrap_or_default();
            // The parent is the 2nd field after the command name in parentheses.
            if let Some(ppid) = stat.rsplit_once(')').and_then(|x| x.1.split_whitespace().nth(1)).and_then(|x| x.parse::<u32>().ok()) {
                parents.push((p, ppid));
            }
        }
    }
    let mut tree = vec![pid];
    let mut i = 0;
    while i < tree.len() {
        let parent = tree[i];
        tree.extend(parents.iter().filter(|(_, pp)| *pp == parent).map(|(p, _)| *p));
        i += 1;
    }
    tree
}

/// Proportional set size of a process, in KiB (from smaps_rollup).
pub fn pss_kib(pid: u32) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
    text.lines().find(|l| l.starts_with("Pss:")).and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse().ok()).unwrap_or(0)
}

/// Where a process's PSS lies: the `top` largest mappings by name (anonymous memory as
/// `[anon]`), each "name N MiB". For `INDSATS_MEASURE_DETAIL=1 make bench-app`.
pub fn pss_by_mapping(pid: u32, top: usize) -> Vec<String> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps")).unwrap_or_default();
    let mut by: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
    let mut name = String::new();
    for line in text.lines() {
        let mut f = line.split_whitespace();
        let first = f.next().unwrap_or("");
        if first.contains('-') && first.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            // A mapping's header: address perms offset dev inode [path].
            let path = f.nth(4).unwrap_or("[anon]");
            name = path.rsplit('/').next().unwrap_or(path).to_string();
        } else if first == "Pss:" {
            *by.entry(name.clone()).or_default() += f.next().and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
        }
    }
    let mut v: Vec<_> = by.into_iter().collect();
    v.sort_by_key(|b| std::cmp::Reverse(b.1));
    v.into_iter().take(top).map(|(n, k)| format!("{n} {} MiB", k / 1024)).collect()
}

/// A variable of the environment a process was started with.
pub fn env_of(pid: u32, key: &str) -> Option<String> {
    let environ = std::fs::read(format!("/proc/{pid}/environ")).ok()?;
    let prefix = format!("{key}=");
    environ.split(|b| *b == 0).find_map(|kv| kv.strip_prefix(prefix.as_bytes())).map(|v| String::from_utf8_lossy(v).into_owned())
}

/// The name of a process.
pub fn comm(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default().trim().to_string()
}
