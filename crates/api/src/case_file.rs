//! A participant's case as an encrypted file, for a caseworker's own use (handing a case over):
//! JSON (`indsats-case/1`) encrypted with age to a passphrase (scrypt). Any age tool opens it
//! (`age -d case.age`); [`open`] does the same here.
//!
//! age draws its own salt and nonce from the operating system: the one place where Indsats does
//! not pass randomness in, because a file key must never be predictable.

use std::io::{Read, Write};

use age::secrecy::SecretString;
use serde_json::{Value, json};

use crate::error::{ApiError, Result};
use crate::views::ParticipantView;
use indsats_core::model::Code;

/// The case as JSON: the profile, the enrolments, the timeline, the ladder, the journal notes
/// (every version) and the corrections.
pub fn to_json(v: &ParticipantView, exported_at: &str, exported_by: &str) -> Value {
    let p = &v.participant;
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string());
    json!({
        "format": "indsats-case/1",
        "exported_at": exported_at,
        "exported_by": exported_by,
        "participant": {
            "id": p.id.to_string(),
            "pseudonym": p.pseudonym,
            "name": p.name,
            "cpr": p.cpr.as_ref().map(|c| c.digits().to_string()),
            "birth_year": p.birth_year,
            "origin": p.origin.code(),
            "arrival_date": date(p.arrival_date),
            "programme": p.programme.code(),
            "programme_start": date(p.programme_start),
            "programme_end": date(p.programme_end),
            "caseworker": p.caseworker,
            "case_closed": date(p.case_closed),
        },
        "target_group": v.target_group.map(|(g, d)| json!({"code": g.code(), "since": d.to_string()})),
        "ladder_step": v.ladder_step,
        "ladder_history": v.ladder_history.iter().map(|(d, s)| json!({"date": d.to_string(), "step": s})).collect::<Vec<_>>(),
        "enrolments": v.enrolments.iter().map(|(e, title)| json!({
            "id": e.id.to_string(),
            "initiative": e.initiative.to_string(),
            "initiative_title": title,
            "start": e.start.to_string(),
            "end": date(e.end),
            "outcome": e.outcome.map(|o| o.code()),
        })).collect::<Vec<_>>(),
        "events": v.events.iter().map(|e| json!({
            "id": e.id.to_string(),
            "date": e.date.to_string(),
            "type": e.details.type_code(),
            "details": serde_json::to_value(&e.details).unwrap_or(Value::Null),
            "recorded_by": e.recorded_by,
            "recorded_at": e.recorded_at.to_rfc3339(),
        })).collect::<Vec<_>>(),
        "notes": v.notes.iter().flat_map(|t| t.earlier.iter().chain(std::iter::once(&t.current))).map(|n| json!({
            "id": n.id.to_string(),
            "event": n.event.map(|e| e.to_string()),
            "replaces": n.replaces.map(|r| r.to_string()),
            "text": n.text,
            "written_by": n.written_by,
            "written_at": n.written_at.to_rfc3339(),
        })).collect::<Vec<_>>(),
        "corrections": v.corrections.iter().map(|c| json!({
            "id": c.id.to_string(),
            "target": c.target.table(),
            "target_id": c.target_id,
            "kind": c.kind.code(),
            "changes": c.changes.iter().map(|f| json!({"field": f.field, "from": f.from, "to": f.to})).collect::<Vec<_>>(),
            "reason": c.reason,
            "made_by": c.made_by,
            "made_at": c.made_at.to_rfc3339(),
        })).collect::<Vec<_>>(),
    })
}

/// Encrypts `plain` to `passphrase`. `work_factor` is scrypt's log2(N); `None` lets age pick
/// about one second's work on this machine.
pub fn seal(plain: &[u8], passphrase: &str, work_factor: Option<u8>) -> Result<Vec<u8>> {
    let mut recipient = age::scrypt::Recipient::new(SecretString::from(passphrase.to_string()));
    if let Some(n) = work_factor.filter(|n| (1..64).contains(n)) {
        recipient.set_work_factor(n);
    }
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient)).map_err(|_| ApiError::CaseFile("encrypted"))?;
    let mut out = Vec::with_capacity(plain.len() + 256);
    let mut w = encryptor.wrap_output(&mut out).map_err(|_| ApiError::CaseFile("encrypted"))?;
    w.write_all(plain).map_err(|_| ApiError::CaseFile("encrypted"))?;
    w.finish().map_err(|_| ApiError::CaseFile("encrypted"))?;
    Ok(out)
}

/// Decrypts a case file with its passphrase.
pub fn open(sealed: &[u8], passphrase: &str) -> Result<Vec<u8>> {
    let identity = age::scrypt::Identity::new(SecretString::from(passphrase.to_string()));
    let decryptor = age::Decryptor::new(sealed).map_err(|_| ApiError::CaseFile("opened"))?;
    let mut r = decryptor.decrypt(std::iter::once(&identity as &dyn age::Identity)).map_err(|_| ApiError::CaseFile("opened"))?;
    let mut plain = Vec::new();
    r.read_to_end(&mut plain).map_err(|_| ApiError::CaseFile("opened"))?;
    Ok(plain)
}
