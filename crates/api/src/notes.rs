//! Journal notes (notatpligt, offentlighedsloven § 13): what was said in a conversation, or any
//! fact of a case worth writing down. A note is written by the case's caseworker or a team lead,
//! kept in the encrypted store, synced with its case, shown on the timeline, and never in a
//! management export. A saved note is corrected by a new version; the earlier ones stay visible.

use indsats_core::ids::*;
use indsats_core::model::JournalNote;
use indsats_core::validate;

use crate::error::{ApiError, Result};
use crate::session::Session;

/// The longest note (about ten pages).
pub const NOTE_MAX: usize = 20_000;

/// A note as the timeline shows it: its current version, and the earlier ones (oldest first).
#[derive(Debug, Clone, PartialEq)]
pub struct NoteThread {
    pub current: JournalNote,
    pub earlier: Vec<JournalNote>,
}

/// A note found by [`Session::search_notes`], with its case.
#[derive(Debug, Clone, PartialEq)]
pub struct NoteHit {
    pub pseudonym: String,
    pub note: JournalNote,
}

impl Session {
    /// Writes a note on a participant's case, or on one of its events; with `replaces`, a new
    /// version of a note (its current one: an earlier version cannot be corrected twice).
    pub fn write_note(
        &mut self,
        participant: ParticipantId,
        event: Option<EventId>,
        replaces: Option<NoteId>,
        text: &str,
    ) -> Result<NoteId> {
        self.require_case(participant)?;
        let text = validate::required_text("text", text, NOTE_MAX)?;
        let event = {
            let r = self.store.read();
            r.participant(participant)?;
            let event = match (event, replaces) {
                (Some(e), _) => Some(e),
                // A new version stays where the note was.
                (None, Some(old)) => r.note(old)?.event,
                (None, None) => None,
            };
            if let Some(e) = event
                && r.event(e)?.participant != participant
            {
                return Err(ApiError::NoteElsewhere);
            }
            if let Some(old) = replaces {
                if r.note(old)?.participant != participant {
                    return Err(ApiError::NoteElsewhere);
                }
                if r.note_replaced(old)? {
                    return Err(ApiError::NoteNotCurrent);
                }
            }
            event
        };
        let id = self.new_id(NoteId::new);
        let note = JournalNote { id, participant, event, replaces, text, written_by: self.user().name.clone(), written_at: self.now() };
        let action = if replaces.is_some() { "note.correct" } else { "note.write" };
        // The audit row names the note, never its text.
        self.audited(action, Some(participant.to_string()), "sagsbehandling", id.to_string(), |tx| tx.insert_note(&note))?;
        Ok(id)
    }

    /// The current versions of the notes in the acting person's own caseload whose text holds
    /// `query`, newest first. An audited search: the term and the cases shown.
    pub fn search_notes(&mut self, query: &str, limit: u32, purpose: &str) -> Result<Vec<NoteHit>> {
        let purpose = validate::required_text("purpose", purpose, 200)?;
        let q = query.trim();
        if q.is_empty() {
            return Ok(Vec::new());
        }
        let me = self.user().name.clone();
        let hits: Vec<NoteHit> =
            self.store.read().search_notes(&me, q, limit)?.into_iter().map(|(note, pseudonym)| NoteHit { pseudonym, note }).collect();
        let detail = indsats_store::shown_detail("", hits.iter().map(|h| h.pseudonym.as_str()));
        self.audited("note.search", Some(q.to_string()), &purpose, detail, |_| Ok(()))?;
        Ok(hits)
    }
}

/// Threads a case's notes, oldest first: each current version with the versions it replaced.
pub(crate) fn threads(all: Vec<JournalNote>) -> Vec<NoteThread> {
    use std::collections::HashMap;
    let replaced: HashMap<NoteId, &JournalNote> = all.iter().filter_map(|n| n.replaces.map(|r| (r, n))).collect();
    let by_id: HashMap<NoteId, &JournalNote> = all.iter().map(|n| (n.id, n)).collect();
    let mut out: Vec<NoteThread> = all
        .iter()
        .filter(|n| !replaced.contains_key(&n.id))
        .map(|current| {
            let mut earlier = Vec::new();
            let mut at = current.replaces;
            // A chain never loops (each version is newer than the one it replaces), but a
            // bound keeps a bad sync from hanging the profile.
            while let Some(id) = at
                && earlier.len() < all.len()
            {
                let Some(n) = by_id.get(&id) else { break };
                earlier.push((*n).clone());
                at = n.replaces;
            }
            earlier.reverse();
            NoteThread { current: current.clone(), earlier }
        })
        .collect();
    // By when the note was first written.
    out.sort_by_key(|t| t.earlier.first().unwrap_or(&t.current).written_at);
    out
}
