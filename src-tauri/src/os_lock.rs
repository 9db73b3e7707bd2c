//! Locks the app when the operating system locks the session or the laptop goes to sleep.
//!
//! On Linux these are D-Bus signals: logind's `PrepareForSleep(true)` and the session's `Lock` on
//! the system bus, and the desktop's screensaver `ActiveChanged(true)` on the session bus (GNOME
//! and the freedesktop name). The core tells the window through the channel it gave
//! ([`crate::commands::os_lock_watch`]); the window saves its drafts and locks as it does when
//! idle. A bus that is not there (no logind, no desktop) is simply not watched. Anyone on a bus
//! may send such a signal: the worst it can do is lock the app, so the sender is not checked.

use futures_util::StreamExt;
use zbus::{Connection, MatchRule, MessageStream, message::Type};

/// Why the operating system asked for the lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Sleep,
    SessionLock,
    ScreenSaver,
}

impl Reason {
    pub fn code(self) -> &'static str {
        match self {
            Self::Sleep => "sleep",
            Self::SessionLock => "session_lock",
            Self::ScreenSaver => "screensaver",
        }
    }
}

/// One signal that means "lock": its interface, its name, the reason, and whether it says so
/// only with a `true` argument.
struct Signal {
    interface: &'static str,
    member: &'static str,
    reason: Reason,
    when_true: bool,
}

/// The system bus's signals.
const SYSTEM: &[Signal] = &[
    Signal { interface: "org.freedesktop.login1.Manager", member: "PrepareForSleep", reason: Reason::Sleep, when_true: true },
    Signal { interface: "org.freedesktop.login1.Session", member: "Lock", reason: Reason::SessionLock, when_true: false },
];

/// The session bus's signals.
const SESSION: &[Signal] = &[
    Signal { interface: "org.gnome.ScreenSaver", member: "ActiveChanged", reason: Reason::ScreenSaver, when_true: true },
    Signal { interface: "org.freedesktop.ScreenSaver", member: "ActiveChanged", reason: Reason::ScreenSaver, when_true: true },
];

/// The lock signals on `conn` (`system`: the system bus's, else the session bus's), subscribed
/// to when this returns.
pub struct Watch {
    signals: &'static [Signal],
    streams: futures_util::stream::SelectAll<MessageStream>,
}

impl Watch {
    pub async fn subscribe(conn: &Connection, system: bool) -> zbus::Result<Watch> {
        let signals = if system { SYSTEM } else { SESSION };
        let mut streams = Vec::with_capacity(signals.len());
        for s in signals {
            let rule = MatchRule::builder().msg_type(Type::Signal).interface(s.interface)?.member(s.member)?.build();
            streams.push(MessageStream::for_match_rule(rule, conn, Some(16)).await?);
        }
        Ok(Watch { signals, streams: futures_util::stream::select_all(streams) })
    }

    /// Calls `on_lock` for each lock signal until the bus goes away.
    pub async fn run(mut self, on_lock: impl Fn(Reason)) {
        while let Some(msg) = self.streams.next().await {
            let Ok(msg) = msg else { continue };
            let header = msg.header();
            let (Some(interface), Some(member)) = (header.interface(), header.member()) else { continue };
            let Some(s) = self.signals.iter().find(|s| s.interface == interface.as_str() && s.member == member.as_str()) else {
                continue;
            };
            if s.when_true && !msg.body().deserialize::<bool>().unwrap_or(false) {
                continue;
            }
            on_lock(s.reason);
        }
    }
}

/// Watches the system and the session bus in the background, calling `on_lock` for each lock.
pub fn start(on_lock: impl Fn(Reason) + Clone + Send + Sync + 'static) {
    for system in [true, false] {
        let on_lock = on_lock.clone();
        tauri::async_runtime::spawn(async move {
            let bus = if system { "system" } else { "session" };
            let conn = if system { Connection::system().await } else { Connection::session().await };
            let Ok(conn) = conn else {
                log::info!("os lock: no {bus} bus to watch");
                return;
            };
            match Watch::subscribe(&conn, system).await {
                Ok(w) => w.run(on_lock).await,
                Err(e) => log::info!("os lock: cannot watch the {bus} bus: {e}"),
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    /// A private bus of our own (dbus-daemon, from `make deps`), ended when dropped.
    struct Bus {
        child: std::process::Child,
        address: String,
    }

    impl Bus {
        fn start() -> Bus {
            let mut child = Command::new("dbus-daemon")
                .args(["--session", "--nofork", "--print-address=1"])
                .stdout(Stdio::piped())
                .spawn()
                .expect("dbus-daemon (the dbus package) runs");
            let mut line = String::new();
            BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
            Bus { child, address: line.trim().to_string() }
        }

        async fn connect(&self) -> Connection {
            zbus::connection::Builder::address(self.address.as_str()).unwrap().build().await.unwrap()
        }
    }

    impl Drop for Bus {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    /// Sends signals on a private bus as logind and a screensaver would, and collects what the
    /// watchers of both kinds of bus report.
    #[test]
    fn sleep_a_session_lock_and_the_screensaver_lock_the_app_and_waking_does_not() {
        let bus = Bus::start();
        let seen = Arc::new(Mutex::new(Vec::new()));
        tauri::async_runtime::block_on(async {
            let watcher = bus.connect().await;
            for system in [true, false] {
                let seen = seen.clone();
                let w = Watch::subscribe(&watcher, system).await.unwrap();
                tauri::async_runtime::spawn(async move { w.run(move |r| seen.lock().unwrap().push(r)).await });
            }
            let sender = bus.connect().await;
            let emit = |iface: &'static str, member: &'static str, arg: Option<bool>| {
                let sender = sender.clone();
                async move {
                    match arg {
                        Some(b) => sender.emit_signal(None::<&str>, "/org/freedesktop/login1", iface, member, &b).await.unwrap(),
                        None => sender.emit_signal(None::<&str>, "/org/freedesktop/login1/session/_31", iface, member, &()).await.unwrap(),
                    }
                }
            };
            emit("org.freedesktop.login1.Manager", "PrepareForSleep", Some(false)).await;
            emit("org.freedesktop.login1.Manager", "PrepareForSleep", Some(true)).await;
            emit("org.freedesktop.login1.Session", "Unlock", None).await;
            emit("org.freedesktop.login1.Session", "Lock", None).await;
            emit("org.gnome.ScreenSaver", "ActiveChanged", Some(false)).await;
            emit("org.freedesktop.ScreenSaver", "ActiveChanged", Some(true)).await;
            for _ in 0..50 {
                if seen.lock().unwrap().len() >= 3 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        });
        // Each signal once (the streams of different signals may interleave in any order).
        let mut seen: Vec<&str> = seen.lock().unwrap().iter().map(|r| r.code()).collect();
        seen.sort_unstable();
        assert_eq!(seen, vec!["screensaver", "session_lock", "sleep"], "waking, unlocking and a screensaver ending lock nothing");
    }
}
