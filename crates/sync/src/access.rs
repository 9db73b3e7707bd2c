//! Access bundles, version 1 (docs/sync.md, "The access log"): a contiguous run of one device's
//! audit rows, for the team leads' devices and the escrow only, never for caseworkers.
//!
//! ```text
//! jsonl = header line ‖ one line per audit row          (every line ends in '\n')
//! z     = zstd(level 3, jsonl)
//! inner = b"IDSA1" ‖ ed25519_sign(device key, b"IDSA1" ‖ z) ‖ z
//! file  = age(inner) to every team lead's device and the escrow (binary age format)
//! id    = first 16 hex digits of SHA-256(inner)
//! name  = {team}/access/{device}/{from:012}-{to:012}-{id}.access
//! ```
//!
//! The signed header carries the device's audit chain: `prev`, the hash of the row before the
//! first (64 zeros before the device's first row), and `head`, the hash of the last. [`open`]
//! computes the chain again over the rows and refuses a bundle whose rows do not lead from
//! `prev` to `head`; the store then checks the chain against the rows the lead already holds
//! (`Store::receive_access`), so a device's log cut or altered after a lead had it is found.
//! Audit rows never change, so sealing the same rows again gives the same id and name.

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::SyncError;
use crate::audience;
use crate::bundle::{self, MAX_PLAINTEXT, ZSTD_LEVEL, malformed};
use crate::keys::DeviceKeys;
use crate::team::{Roster, is_segment};
use indsats_store::{AuditEntry, AuditRecord, chain_hash};

/// The header's `format`.
pub const ACCESS_FORMAT: &str = "indsats-access/1";
/// The first bytes of `inner`, and of the signed message.
pub const MAGIC: &[u8; 5] = b"IDSA1";
/// The most audit rows in one access bundle.
pub const MAX_ROWS: u32 = 50_000;
const SIG_LEN: usize = 64;
const INNER_MIN: usize = MAGIC.len() + SIG_LEN;

/// An access bundle's first line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessHeader {
    pub format: String,
    pub team: String,
    pub device: String,
    pub from: u64,
    pub to: u64,
    pub count: u64,
    /// Hex SHA-256 of the row before `from` (64 zeros before the first row).
    pub prev: String,
    /// Hex SHA-256 of row `to`: the device's audit chain head when it sealed the bundle.
    pub head: String,
}

impl AccessHeader {
    fn check(&self) -> Result<(), SyncError> {
        if self.format != ACCESS_FORMAT {
            return Err(malformed(format!("format {:?}, expected {ACCESS_FORMAT:?}", self.format)));
        }
        if !is_segment(&self.team) || !is_segment(&self.device) {
            return Err(malformed("team or device is not a valid name"));
        }
        if self.from == 0 || self.to < self.from || self.count != self.to - self.from + 1 {
            return Err(malformed(format!("from {}, to {}, count {} do not agree", self.from, self.to, self.count)));
        }
        if !is_hash(&self.prev) || !is_hash(&self.head) {
            return Err(malformed("prev or head is not a hash"));
        }
        Ok(())
    }
}

fn is_hash(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// One audit row, with short keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Line {
    s: u64,
    a: String,
    u: String,
    r: String,
    x: String,
    j: Option<String>,
    p: String,
    d: String,
}

/// A sealed access bundle, ready to put on the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedAccess {
    pub bytes: Vec<u8>,
    pub id: String,
    pub name: String,
    pub to: u64,
}

/// An access bundle that decrypted, verified and whose rows lead from `prev` to `head`.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenedAccess {
    pub header: AccessHeader,
    /// The hash of the row before the first (the header's `prev` as bytes).
    pub anchor: Vec<u8>,
    pub records: Vec<AuditRecord>,
    pub id: String,
}

/// Who reads access bundles: every team lead's device (and the roster's lead), and the escrow.
pub fn recipients(roster: &Roster) -> Result<Vec<age::x25519::Recipient>, SyncError> {
    let mut out = Vec::new();
    for d in roster.devices.iter().filter(|d| audience::reads_all(roster, d)) {
        out.push(d.age_recipient()?);
    }
    out.push(crate::keys::parse_recipient(&roster.escrow)?);
    Ok(out)
}

/// The name on the target.
pub fn name(team: &str, device: &str, from: u64, to: u64, id: &str) -> String {
    format!("{team}/access/{device}/{from:012}-{to:012}-{id}.access")
}

/// An access bundle's name read back: (team, device, from, to, id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessName {
    pub team: String,
    pub device: String,
    pub from: u64,
    pub to: u64,
    pub id: String,
}

impl AccessName {
    pub fn path(&self) -> String {
        name(&self.team, &self.device, self.from, self.to, &self.id)
    }
}

/// Reads `{team}/access/{device}/{from:012}-{to:012}-{id}.access`; `None` for anything else.
pub fn parse_name(path: &str) -> Option<AccessName> {
    let mut parts = path.split('/');
    let (team, access, device, file) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || access != "access" || !is_segment(team) || !is_segment(device) {
        return None;
    }
    let stem = file.strip_suffix(".access")?;
    let mut fields = stem.split('-');
    let (from, to, id) = (fields.next()?, fields.next()?, fields.next()?);
    if fields.next().is_some() || from.len() != 12 || to.len() != 12 || !bundle::is_bundle_id(id) {
        return None;
    }
    if !from.bytes().all(|b| b.is_ascii_digit()) || !to.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (from, to): (u64, u64) = (from.parse().ok()?, to.parse().ok()?);
    if from == 0 || to < from {
        return None;
    }
    Some(AccessName { team: team.to_string(), device: device.to_string(), from, to, id: id.to_string() })
}

/// Seals `records` (this device's audit rows, contiguous; `anchor` the hash of the row before
/// the first) to `recipients` (use [`recipients`]).
pub fn seal(
    team: &str,
    device: &str,
    anchor: &[u8],
    records: &[AuditRecord],
    keys: &DeviceKeys,
    recipients: &[age::x25519::Recipient],
) -> Result<SealedAccess, SyncError> {
    let (Some(first), Some(last)) = (records.first(), records.last()) else {
        return Err(malformed("an access bundle holds at least one row"));
    };
    let mut prev = anchor.to_vec();
    for (i, r) in records.iter().enumerate() {
        if r.seq != first.seq + i as i64 {
            return Err(malformed("audit rows are not contiguous"));
        }
        prev = chain_hash(&prev, r.seq, &r.at, &r.entry);
    }
    let seq = |s: i64| u64::try_from(s).map_err(|_| malformed("audit seq below 1"));
    let header = AccessHeader {
        format: ACCESS_FORMAT.into(),
        team: team.into(),
        device: device.into(),
        from: seq(first.seq)?,
        to: seq(last.seq)?,
        count: records.len() as u64,
        prev: hex::encode(anchor),
        head: hex::encode(&prev),
    };
    header.check()?;
    let json_err = |e: serde_json::Error| malformed(e.to_string());
    let mut jsonl = Zeroizing::new(Vec::with_capacity(256 + records.len() * 200));
    serde_json::to_writer(&mut *jsonl, &header).map_err(json_err)?;
    jsonl.push(b'\n');
    for r in records {
        let e = &r.entry;
        let line = Line {
            s: seq(r.seq)?,
            a: r.at.clone(),
            u: e.user.clone(),
            r: e.role.clone(),
            x: e.action.clone(),
            j: e.subject.clone(),
            p: e.purpose.clone(),
            d: e.detail.clone(),
        };
        serde_json::to_writer(&mut *jsonl, &line).map_err(json_err)?;
        jsonl.push(b'\n');
        if jsonl.len() > MAX_PLAINTEXT {
            return Err(malformed("too many audit rows for one bundle"));
        }
    }
    let z = Zeroizing::new(zstd::bulk::compress(&jsonl, ZSTD_LEVEL).map_err(|e| malformed(format!("compression: {e}")))?);
    drop(jsonl);
    let mut signed = Zeroizing::new(Vec::with_capacity(MAGIC.len() + z.len()));
    signed.extend_from_slice(MAGIC);
    signed.extend_from_slice(&z);
    let sig = keys.sign(&signed);
    drop(signed);
    let mut inner = Zeroizing::new(Vec::with_capacity(INNER_MIN + z.len()));
    inner.extend_from_slice(MAGIC);
    inner.extend_from_slice(&sig.to_bytes());
    inner.extend_from_slice(&z);
    let id = bundle::bundle_id(&inner);
    let bytes = bundle::encrypt(&inner, recipients)?;
    Ok(SealedAccess { bytes, name: name(team, device, header.from, header.to, &id), id, to: header.to })
}

/// Opens an access bundle: decrypts it, verifies the signature with its device's key on
/// `roster`, checks the team, the rows' order and that they lead from `prev` to `head`.
pub fn open(bytes: &[u8], identity: &age::x25519::Identity, roster: &Roster) -> Result<OpenedAccess, SyncError> {
    let inner = bundle::decrypt(bytes, identity)?;
    if inner.len() < INNER_MIN || &inner[..MAGIC.len()] != MAGIC {
        return Err(malformed("not an Indsats access bundle"));
    }
    let sig_bytes: [u8; SIG_LEN] = inner[MAGIC.len()..INNER_MIN].try_into().map_err(|_| SyncError::Tampered)?;
    let sig = ed25519_dalek::Signature::from_bytes(&sig_bytes);
    let z = &inner[INNER_MIN..];
    let claimed: AccessHeader = bundle::peek_line(z)?;
    claimed.check()?;
    let device = roster.device(&claimed.device).ok_or_else(|| SyncError::UnknownDevice { device: claimed.device.clone() })?;
    let key = device.verifying_key()?;
    let mut signed = Zeroizing::new(Vec::with_capacity(MAGIC.len() + z.len()));
    signed.extend_from_slice(MAGIC);
    signed.extend_from_slice(z);
    key.verify_strict(&signed, &sig).map_err(|_| SyncError::Tampered)?;
    drop(signed);

    let jsonl = bundle::decompress(z)?;
    let Some(body) = jsonl.strip_suffix(b"\n") else {
        return Err(malformed("the last line is not terminated"));
    };
    let mut lines = body.split(|&b| b == b'\n');
    let header: AccessHeader =
        serde_json::from_slice(lines.next().ok_or_else(|| malformed("no header line"))?).map_err(|e| malformed(format!("header: {e}")))?;
    if header != claimed {
        return Err(malformed("header differs between reads"));
    }
    if header.team != roster.name {
        return Err(SyncError::WrongTeam { expected: roster.name.clone(), found: header.team });
    }
    let anchor = hex::decode(&header.prev).map_err(|_| malformed("prev is not a hash"))?;
    let mut prev = anchor.clone();
    let mut records = Vec::with_capacity(usize::try_from(header.count).unwrap_or(0).min(jsonl.len() / 32 + 1));
    for (i, line) in lines.enumerate() {
        let l: Line = serde_json::from_slice(line).map_err(|e| malformed(format!("audit row {}: {e}", i + 1)))?;
        if l.s != header.from + i as u64 {
            return Err(malformed(format!("audit row {} has seq {}, expected {}", i + 1, l.s, header.from + i as u64)));
        }
        let seq = i64::try_from(l.s).map_err(|_| malformed("audit seq beyond 2^63"))?;
        let entry = AuditEntry { user: l.u, role: l.r, action: l.x, subject: l.j, purpose: l.p, detail: l.d };
        prev = chain_hash(&prev, seq, &l.a, &entry);
        records.push(AuditRecord { seq, at: l.a, entry });
    }
    if records.len() as u64 != header.count {
        return Err(malformed(format!("{} audit rows, the header says {}", records.len(), header.count)));
    }
    if hex::encode(&prev) != header.head {
        return Err(malformed("the audit rows do not lead to the chain head the header names"));
    }
    Ok(OpenedAccess { header, anchor, records, id: bundle::bundle_id(&inner) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_and_others_do_not() {
        let n = name("team-a", "dev-1", 1, 20, "0123456789abcdef");
        assert_eq!(n, "team-a/access/dev-1/000000000001-000000000020-0123456789abcdef.access");
        let p = parse_name(&n).unwrap();
        assert_eq!((p.from, p.to, p.device.as_str()), (1, 20, "dev-1"));
        assert_eq!(p.path(), n);
        for bad in [
            "team-a/bundles/dev-1/000000000001-000000000020-0123456789abcdef.bundle",
            "team-a/access/dev-1/000000000001-000000000020-0123456789abcdef.bundle",
            "team-a/access/dev-1/000000000020-000000000001-0123456789abcdef.access",
            "team-a/access/dev-1/x/000000000001-000000000020-0123456789abcdef.access",
        ] {
            assert_eq!(parse_name(bad), None, "{bad}");
        }
    }
}
