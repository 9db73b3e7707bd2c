//! indsats-desktop: the Tauri shell of the Indsats app.
//!
//! # Layout
//! - [`commands`]: the `#[tauri::command]`s the window calls. They translate [`dto`]s and call
//!   indsats-api; no SQL and no rules live here.
//! - [`dto`]: what crosses to the web view; its TypeScript declarations are generated
//!   (`ui/src/lib/bindings/`, checked by a test).
//! - [`state`]: the settings, the open session and the running job.
//! - [`sync`]: the background sync of the open store (its own connection; one sync at a time).
//! - [`os_lock`]: the operating system's session lock and sleep, which lock the app.
//! - [`error`]: this crate's failures, and how any failure is shown (a message in the user's
//!   language, the field it concerns).
//!
//! **Architecture invariant:** the window reaches the data only through these commands, and the
//! commands only through indsats-api, which audits every read of a person.

pub mod commands;
pub mod dto;
pub mod error;
pub mod os_lock;
pub mod state;
pub mod sync;

use tauri::Manager;

/// Builds and runs the app. Returns when the last window closes.
pub fn run() -> anyhow::Result<()> {
    let paths = state::Paths::discover()?;
    tauri::Builder::default()
        // One writer per store: a second start brings the running window forward instead.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.unminimize();
                let _ = w.set_focus();
            }
        }))
        .plugin(
            tauri_plugin_log::Builder::new()
                .level(log::LevelFilter::Info)
                .target(tauri_plugin_log::Target::new(tauri_plugin_log::TargetKind::LogDir { file_name: None }))
                .target(tauri_plugin_log::Target::new(tauri_plugin_log::TargetKind::Stderr))
                .build(),
        )
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_dialog::init())
        .manage(state::App::new(paths))
        .setup(|app| {
            let handle = app.handle().clone();
            os_lock::start(move |reason| handle.state::<state::App>().os_locked(reason));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::save_settings,
            commands::change_owner_role,
            commands::first_run,
            commands::read_strategy_file,
            commands::unlock,
            commands::unlock_keystore,
            commands::lock,
            commands::open_demo,
            commands::leave_demo,
            commands::cancel_job,
            commands::catalogue,
            commands::overview,
            commands::trends,
            commands::goals,
            commands::set_target,
            commands::indicator_participants,
            commands::initiatives,
            commands::initiative,
            commands::save_initiative,
            commands::link_initiative,
            commands::find_participants,
            commands::participant,
            commands::add_participant,
            commands::enrol,
            commands::end_enrolment,
            commands::close_case,
            commands::reopen_case,
            commands::unlink_initiative,
            commands::edit_participant,
            commands::write_note,
            commands::team_caseworkers,
            commands::hand_over,
            commands::participant_plan,
            commands::merge_cases,
            commands::backup_now,
            commands::backup_if_due,
            commands::import_file,
            commands::set_manual_value,
            commands::worklist,
            commands::correct_event,
            commands::remove_event,
            commands::edit_enrolment,
            commands::remove_enrolment,
            commands::record_progress,
            commands::drafts,
            commands::save_draft,
            commands::discard_draft,
            commands::audit_log,
            commands::audit_verify,
            commands::audit_sample,
            commands::audit_review,
            commands::audit_extract,
            commands::export_summary,
            commands::sync_status,
            commands::sync_now,
            commands::sync_target,
            commands::set_sync_target,
            commands::team,
            commands::conflicts,
            commands::resolve_conflict,
            commands::os_lock_watch,
        ])
        .run(tauri::generate_context!())?;
    Ok(())
}

#[cfg(test)]
mod bindings {
    use std::path::{Path, PathBuf};

    fn files(dir: &Path) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .filter(|e| e.path().extension().is_some_and(|x| x == "ts"))
                    .map(|e| (e.file_name().to_string_lossy().to_string(), std::fs::read_to_string(e.path()).unwrap_or_default()))
                    .collect()
            })
            .unwrap_or_default();
        out.sort();
        out
    }

    /// The TypeScript declarations in ui/src/lib/bindings are exactly what the Rust types give.
    /// `UPDATE_BINDINGS=1 cargo test -p indsats-desktop bindings` writes them anew.
    #[test]
    fn typescript_bindings_match_the_rust_types() {
        let committed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings");
        let fresh = tempfile::tempdir().unwrap();
        crate::dto::export_all(fresh.path()).unwrap();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            let _ = std::fs::remove_dir_all(&committed);
            std::fs::create_dir_all(&committed).unwrap();
            for (name, text) in files(fresh.path()) {
                std::fs::write(committed.join(name), text).unwrap();
            }
        }
        let (want, have) = (files(fresh.path()), files(&committed));
        assert!(!want.is_empty());
        assert_eq!(
            want.iter().map(|f| &f.0).collect::<Vec<_>>(),
            have.iter().map(|f| &f.0).collect::<Vec<_>>(),
            "run UPDATE_BINDINGS=1 cargo test -p indsats-desktop bindings"
        );
        for (w, h) in want.iter().zip(&have) {
            assert_eq!(w.1, h.1, "{} is stale: run UPDATE_BINDINGS=1 cargo test -p indsats-desktop bindings", w.0);
        }
    }
}
