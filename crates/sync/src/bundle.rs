//! Bundles, version 1 (docs/sync.md, "Bundle, version 1"): a contiguous run of one device's
//! change-log rows, as JSON lines → zstd (level 3) → signed with the device's ed25519 key →
//! encrypted with age to every device on the roster and to the escrow.
//!
//! ```text
//! jsonl = header line ‖ one line per change          (every line ends in '\n')
//! z     = zstd(level 3, jsonl)
//! inner = b"IDSB1" ‖ ed25519_sign(device key, b"IDSB1" ‖ z) ‖ z
//! file  = age(inner) to every roster recipient and the escrow (binary age format)
//! id    = first 16 hex digits of SHA-256(inner)
//! name  = {team}/bundles/{device}/{from:012}-{to:012}-{id}.bundle          (for the team)
//!       | {team}/bundles/{device}/{from:012}-{to:012}-{id}.{aud}.bundle    (for a caseload)
//! ```
//!
//! A bundle of one caseworker's caseload has `aud` (the caseload's tag, [`crate::audience`]) in
//! its header and its name, and is encrypted only to that caseworker's devices, the team leads'
//! and the escrow; the team's own rows go to everyone and have no `aud`.
//!
//! [`seal`] makes a file, [`open`] decrypts it, verifies it against the roster and checks that
//! the header and the changes agree; [`check_next`] says whether it is the next bundle of its
//! device's chain. Nothing here applies anything.
//!
//! The id is a function of the plaintext and the device's key only (zstd and ed25519 are
//! deterministic; age's randomness is outside `inner`), so sealing the same changes again gives
//! the same id and the same name.

use std::io::{Read, Write};

use ed25519_dalek::Signature;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::SyncError;
use crate::keys::DeviceKeys;
use crate::team::{Roster, is_segment};

/// The header's `format`.
pub const BUNDLE_FORMAT: &str = "indsats-bundle/1";
/// The first bytes of `inner`, and of the signed message.
pub const MAGIC: &[u8; 5] = b"IDSB1";
/// The zstd level of docs/sync.md.
pub const ZSTD_LEVEL: i32 = 3;
/// The largest plaintext (JSON lines) a bundle may hold: [`seal`] refuses more and [`open`]
/// stops reading there. Split a device's pending changes into bundles of at most
/// [`RECOMMENDED_MAX_CHANGES`] rows and this is never reached.
pub const MAX_PLAINTEXT: usize = 1 << 30;
/// A bundle size that seals in well under a second and opens in well under half a gigabyte of
/// memory.
pub const RECOMMENDED_MAX_CHANGES: usize = 100_000;
/// The longest header line [`open`] reads before the signature is checked.
const MAX_HEADER: usize = 64 * 1024;
/// zstd's window at level 3 is at most 2^21 bytes; refuse frames asking for more than 2^24,
/// so a hostile file cannot make the decoder allocate much before its signature is checked.
const ZSTD_WINDOW_LOG_MAX: u32 = 24;
const SIG_LEN: usize = 64;
const INNER_MIN: usize = MAGIC.len() + SIG_LEN;

/// What a change does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    /// A new row; `v` is the whole row as JSON text.
    Insert,
    /// One field; `f` names it and `v` is its new value as JSON text.
    Update,
    /// A tombstone.
    Delete,
}

impl Op {
    /// The change log's `op` text.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Insert => "insert",
            Self::Update => "update",
            Self::Delete => "delete",
        }
    }

    /// From the change log's `op` text.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "insert" => Some(Self::Insert),
            "update" => Some(Self::Update),
            "delete" => Some(Self::Delete),
            _ => None,
        }
    }
}

/// One change-log row, with the short keys of docs/sync.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// The device's sequence number.
    pub s: u64,
    /// The HLC timestamp.
    pub h: u64,
    /// The table.
    pub t: String,
    /// The row id.
    pub r: String,
    /// insert, update or delete.
    pub o: Op,
    /// The field of an update (`null` otherwise).
    pub f: Option<String>,
    /// The row (insert) or the field's new value (update) as JSON text; `null` for a delete.
    pub v: Option<String>,
    /// The write this change replaced where it was made, `[hlc, "device"]`: a receiver tells a
    /// sequential edit from a concurrent one by it. Absent for inserts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub b: Option<(u64, String)>,
    /// A carried change (a handed-over case's history, docs/sync.md "Handing a case over"): the
    /// device that made it, whose seq `s` is. Absent for the bundle's own device's changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub d: Option<String>,
}

impl Change {
    /// Whether this is a change of another device that the bundle carries.
    pub fn is_carried(&self) -> bool {
        self.d.is_some()
    }
}

/// A bundle's first line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub format: String,
    pub team: String,
    pub device: String,
    /// The first change's `s`.
    pub from: u64,
    /// The last change's `s`.
    pub to: u64,
    /// The id of this device's previous bundle, or empty for its first.
    pub prev: String,
    /// The number of changes: `to - from + 1`.
    pub count: u64,
    /// Whose caseload the changes are ([`crate::audience::tag`]); absent: the team's own rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<String>,
    /// A handover: the caseload the bundle's cases leave ([`crate::audience::tag`]), whose
    /// devices it is encrypted to as well, so that the old caseworker's laptop learns that the
    /// case has moved. Absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left: Option<String>,
}

impl Header {
    /// The header for `changes` (which must be non-empty and contiguous): `from`, `to` and
    /// `count` are taken from them.
    pub fn new(team: impl Into<String>, device: impl Into<String>, prev: impl Into<String>, changes: &[Change]) -> Result<Self, SyncError> {
        let mut own = changes.iter().filter(|c| !c.is_carried());
        let (Some(first), Some(last)) = (own.next(), changes.iter().rfind(|c| !c.is_carried())) else {
            return Err(malformed("a bundle holds at least one change of its own device"));
        };
        let header = Self {
            format: BUNDLE_FORMAT.to_string(),
            team: team.into(),
            device: device.into(),
            from: first.s,
            to: last.s,
            prev: prev.into(),
            count: changes.iter().filter(|c| !c.is_carried()).count() as u64,
            aud: None,
            left: None,
        };
        header.check()?;
        check_changes(&header, changes)?;
        Ok(header)
    }

    /// The same header for the caseload with tag `aud` (`None`: the team).
    pub fn for_audience(mut self, aud: Option<String>) -> Result<Self, SyncError> {
        self.aud = aud;
        self.check()?;
        Ok(self)
    }

    /// The same header for a handover out of the caseload with tag `left`.
    pub fn leaving(mut self, left: Option<String>) -> Result<Self, SyncError> {
        self.left = left;
        self.check()?;
        Ok(self)
    }

    /// Checks the header on its own: format, names usable as path segments, `prev` empty or a
    /// bundle id, `aud` absent or a tag, and `from ≥ 1`, `to ≥ from`, `count = to − from + 1`.
    pub fn check(&self) -> Result<(), SyncError> {
        if self.format != BUNDLE_FORMAT {
            return Err(malformed(format!("format {:?}, expected {BUNDLE_FORMAT:?}", self.format)));
        }
        if !is_segment(&self.team) || !is_segment(&self.device) {
            return Err(malformed("team or device is not a valid name"));
        }
        if !self.prev.is_empty() && !is_bundle_id(&self.prev) {
            return Err(malformed("prev is not a bundle id"));
        }
        if self.aud.as_deref().is_some_and(|a| !crate::audience::is_tag(a)) {
            return Err(malformed("aud is not a caseload tag"));
        }
        if self.left.as_deref().is_some_and(|a| !crate::audience::is_tag(a)) || (self.left.is_some() && self.aud.is_none()) {
            return Err(malformed("left is not a caseload tag of a caseload's bundle"));
        }
        if self.from == 0 || self.to < self.from || self.count != self.to - self.from + 1 {
            return Err(malformed(format!("from {}, to {}, count {} do not agree", self.from, self.to, self.count)));
        }
        Ok(())
    }

    /// The name on the target of this bundle with id `id`.
    pub fn name(&self, id: &str) -> String {
        let n = BundleName {
            team: self.team.clone(),
            device: self.device.clone(),
            from: self.from,
            to: self.to,
            id: id.to_string(),
            aud: self.aud.clone(),
        };
        n.path()
    }
}

/// A sealed bundle, ready to put on the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedBundle {
    /// The file (binary age).
    pub bytes: Vec<u8>,
    /// The bundle id: 16 hex digits.
    pub id: String,
    /// The name on the target.
    pub name: String,
}

/// A bundle that decrypted, verified and is consistent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedBundle {
    pub header: Header,
    pub changes: Vec<Change>,
    /// The bundle id: 16 hex digits.
    pub id: String,
}

/// Seals `changes` (the header's device's, contiguous from `header.from` to `header.to`) with
/// that device's keys, encrypted to `recipients` (use [`Roster::recipients`]: every device and
/// the escrow).
pub fn seal(
    header: &Header,
    changes: &[Change],
    keys: &DeviceKeys,
    recipients: &[age::x25519::Recipient],
) -> Result<SealedBundle, SyncError> {
    header.check()?;
    check_changes(header, changes)?;
    if recipients.is_empty() {
        return Err(malformed("no recipients"));
    }

    let mut jsonl = Zeroizing::new(Vec::with_capacity(256 + changes.len() * 320));
    let json_err = |e: serde_json::Error| malformed(e.to_string());
    serde_json::to_writer(&mut *jsonl, header).map_err(json_err)?;
    jsonl.push(b'\n');
    for c in changes {
        serde_json::to_writer(&mut *jsonl, c).map_err(json_err)?;
        jsonl.push(b'\n');
        if jsonl.len() > MAX_PLAINTEXT {
            return Err(malformed(format!("more than {MAX_PLAINTEXT} bytes: split the changes into smaller bundles")));
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
    drop(z);
    let id = bundle_id(&inner);

    let bytes = encrypt(&inner, recipients)?;
    let name = header.name(&id);
    Ok(SealedBundle { bytes, id, name })
}

/// Opens a bundle: decrypts it with `identity`, reads the header's device, verifies the
/// signature with that device's key on `roster`, and checks that the team is the roster's and
/// that the header and the changes agree. Nothing is returned unless all of that holds.
///
/// Errors: [`SyncError::NotForUs`] (not encrypted to this identity),
/// [`SyncError::Tampered`] (damaged or altered, or signed by another key than the roster's for
/// that device), [`SyncError::UnknownDevice`], [`SyncError::WrongTeam`],
/// [`SyncError::Malformed`].
pub fn open(bytes: &[u8], identity: &age::x25519::Identity, roster: &Roster) -> Result<OpenedBundle, SyncError> {
    let inner = decrypt(bytes, identity)?;
    if inner.len() < INNER_MIN || &inner[..MAGIC.len()] != MAGIC {
        return Err(malformed("not an Indsats bundle"));
    }
    let sig_bytes: [u8; SIG_LEN] = inner[MAGIC.len()..INNER_MIN].try_into().map_err(|_| SyncError::Tampered)?;
    let sig = Signature::from_bytes(&sig_bytes);
    let z = &inner[INNER_MIN..];

    // Who says they made it: read only the header line, with a bounded decoder.
    let claimed = peek_header(z)?;
    let (device, last) = roster.author(&claimed.device).ok_or_else(|| SyncError::UnknownDevice { device: claimed.device.clone() })?;
    if let Some(last) = last
        && claimed.to > last
    {
        return Err(SyncError::Retired { device: claimed.device.clone(), last });
    }
    let key = device.verifying_key()?;
    let mut signed = Zeroizing::new(Vec::with_capacity(MAGIC.len() + z.len()));
    signed.extend_from_slice(MAGIC);
    signed.extend_from_slice(z);
    key.verify_strict(&signed, &sig).map_err(|_| SyncError::Tampered)?;
    drop(signed);

    // Signed by a device on the roster: now read all of it.
    let jsonl = decompress(z)?;
    let (header, changes) = parse_jsonl(&jsonl)?;
    if header != claimed {
        return Err(malformed("header differs between reads"));
    }
    if header.team != roster.name {
        return Err(SyncError::WrongTeam { expected: roster.name.clone(), found: header.team });
    }
    Ok(OpenedBundle { header, changes, id: bundle_id(&inner) })
}

/// The same bundle encrypted to other recipients: decrypts it with `identity` and encrypts the
/// signed inner bytes, untouched, to `recipients`. The id and the device's signature stay what
/// they were, so the new file opens and verifies exactly like the old one. The team lead uses
/// this to let a device that joined later read bundles sealed before it was on the roster.
pub fn reencrypt(bytes: &[u8], identity: &age::x25519::Identity, recipients: &[age::x25519::Recipient]) -> Result<Vec<u8>, SyncError> {
    let inner = decrypt(bytes, identity)?;
    if inner.len() < INNER_MIN || &inner[..MAGIC.len()] != MAGIC {
        return Err(malformed("not an Indsats bundle"));
    }
    if recipients.is_empty() {
        return Err(malformed("no recipients"));
    }
    encrypt(&inner, recipients)
}

/// Whether a bundle file is encrypted to `identity`, reading only its age header: a device
/// passes a bundle for another caseload only when it is not (so a renamed file cannot make it
/// skip a bundle meant for it). [`SyncError::Tampered`] if the header is damaged.
pub fn addressed_to(bytes: &[u8], identity: &age::x25519::Identity) -> Result<bool, SyncError> {
    let decryptor = age::Decryptor::new_buffered(bytes).map_err(|_| SyncError::Tampered)?;
    match decryptor.decrypt(std::iter::once(identity as &dyn age::Identity)) {
        Ok(_) => Ok(true),
        Err(age::DecryptError::NoMatchingKeys) => Ok(false),
        Err(_) => Err(SyncError::Tampered),
    }
}

/// Any file (a management export) encrypted with age to `recipients` (binary age format).
pub fn encrypt_file(bytes: &[u8], recipients: &[age::x25519::Recipient]) -> Result<Vec<u8>, SyncError> {
    if recipients.is_empty() {
        return Err(malformed("no recipients"));
    }
    encrypt(bytes, recipients)
}

/// Where the lead puts `name` (a bundle's path) re-encrypted for `device`.
pub fn rekeyed_name(name: &BundleName, device: &str) -> String {
    format!("{}/rekeyed/{device}/{}/{:012}-{:012}-{}.bundle", name.team, name.device, name.from, name.to, name.id)
}

/// Where `device` asks the lead for `name` re-encrypted to it (an empty file).
pub fn request_name(name: &BundleName, device: &str) -> String {
    let aud = name.aud.as_deref().map(|a| format!(".{a}")).unwrap_or_default();
    format!("{}/requests/{device}/{}-{:012}-{:012}-{}{aud}", name.team, name.device, name.from, name.to, name.id)
}

/// Reads a request's path back: (the asking device, the bundle asked for).
pub fn parse_request(path: &str) -> Option<(String, BundleName)> {
    let mut parts = path.split('/');
    let (team, requests, asker, file) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || requests != "requests" || !is_segment(team) || !is_segment(asker) {
        return None;
    }
    // A device id may hold dots; the bundle id ends in hex digits, so a dot after it is the tag's.
    let (file, aud) = match file.rsplit_once('.') {
        Some((f, a)) if crate::audience::is_tag(a) => (f, Some(a.to_string())),
        _ => (file, None),
    };
    let mut tail = file.rsplitn(4, '-');
    let (id, to, from, device) = (tail.next()?, tail.next()?, tail.next()?, tail.next()?);
    if !is_bundle_id(id) || !is_segment(device) || from.len() != 12 || to.len() != 12 {
        return None;
    }
    let (from, to) = (from.parse().ok()?, to.parse().ok()?);
    Some((asker.to_string(), BundleName { team: team.to_string(), device: device.to_string(), from, to, id: id.to_string(), aud }))
}

/// What to do with a verified bundle, given the last bundle applied from its device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// It continues the chain: apply it, then record (`to`, id) as the device's last applied.
    Apply,
    /// Its changes are already applied: skip it.
    AlreadyApplied,
    /// Bundles are missing before it: wait until the one starting at `expected_from` arrives.
    Gap { expected_from: u64 },
    /// It does not continue the chain that was applied (its `prev` or its range disagrees):
    /// apply nothing from it and show it to a person.
    Fork,
}

/// Where `header` (of the bundle with id `id`) stands in its device's chain.
/// `last_applied` is the `to` and id of the last bundle applied from that device, or `None`.
pub fn check_next(last_applied: Option<(u64, &str)>, header: &Header, id: &str) -> Next {
    let (last_to, last_id) = last_applied.unwrap_or((0, ""));
    if header.to < last_to {
        return Next::AlreadyApplied;
    }
    if header.to == last_to && last_applied.is_some() {
        return if id == last_id { Next::AlreadyApplied } else { Next::Fork };
    }
    // header.to > last_to from here.
    let expected_from = last_to + 1;
    if header.from > expected_from {
        return Next::Gap { expected_from };
    }
    if header.from < expected_from {
        return Next::Fork;
    }
    if header.prev == last_id { Next::Apply } else { Next::Fork }
}

/// The name on the target of a bundle for the whole team:
/// `{team}/bundles/{device}/{from:012}-{to:012}-{id}.bundle` ([`BundleName::path`] for any).
pub fn bundle_name(team: &str, device: &str, from: u64, to: u64, id: &str) -> String {
    format!("{team}/bundles/{device}/{from:012}-{to:012}-{id}.bundle")
}

/// A bundle's name, read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleName {
    pub team: String,
    pub device: String,
    pub from: u64,
    pub to: u64,
    pub id: String,
    /// The caseload's tag, for a caseload's bundle.
    pub aud: Option<String>,
}

impl BundleName {
    /// The path on the target.
    pub fn path(&self) -> String {
        let stem = bundle_name(&self.team, &self.device, self.from, self.to, &self.id);
        match &self.aud {
            Some(a) => format!("{}.{a}.bundle", stem.trim_end_matches(".bundle")),
            None => stem,
        }
    }
}

/// Reads `{team}/bundles/{device}/{from:012}-{to:012}-{id}[.{aud}].bundle`; `None` for anything else
/// (other files on the target are not bundles). The name is only a hint for listing and
/// ordering: the signed header inside is what counts.
pub fn parse_name(name: &str) -> Option<BundleName> {
    let mut parts = name.split('/');
    let (team, bundles, device, file) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || bundles != "bundles" || !is_segment(team) || !is_segment(device) {
        return None;
    }
    let stem = file.strip_suffix(".bundle")?;
    let (stem, aud) = match stem.split_once('.') {
        Some((s, a)) if crate::audience::is_tag(a) => (s, Some(a.to_string())),
        Some(_) => return None,
        None => (stem, None),
    };
    let mut fields = stem.split('-');
    let (from, to, id) = (fields.next()?, fields.next()?, fields.next()?);
    if fields.next().is_some() || from.len() != 12 || to.len() != 12 || !is_bundle_id(id) {
        return None;
    }
    if !from.bytes().all(|b| b.is_ascii_digit()) || !to.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (from, to) = (from.parse().ok()?, to.parse().ok()?);
    if from == 0 || to < from {
        return None;
    }
    Some(BundleName { team: team.to_string(), device: device.to_string(), from, to, id: id.to_string(), aud })
}

/// Whether `s` looks like a bundle id: 16 lower-case hex digits.
pub fn is_bundle_id(s: &str) -> bool {
    s.len() == 16 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

pub(crate) fn malformed(detail: impl Into<String>) -> SyncError {
    SyncError::Malformed { detail: detail.into() }
}

/// The changes agree with the header: as many as `count`, numbered `from..=to` in order.
/// The device's own changes run from `from` to `to` without a gap; a carried change names a
/// valid device and, when it is the bundle's own device, comes before its run.
fn check_changes(header: &Header, changes: &[Change]) -> Result<(), SyncError> {
    let own = changes.iter().filter(|c| !c.is_carried()).count() as u64;
    if own != header.count {
        return Err(malformed(format!("{own} changes, the header says {}", header.count)));
    }
    for (i, c) in changes.iter().filter(|c| !c.is_carried()).enumerate() {
        if c.s != header.from + i as u64 {
            return Err(malformed(format!("change {} has seq {}, expected {}", i + 1, c.s, header.from + i as u64)));
        }
    }
    for c in changes.iter().filter_map(|c| c.d.as_deref().map(|d| (d, c))) {
        let (d, c) = c;
        if !is_segment(d) || (d == header.device && c.s >= header.from) {
            return Err(malformed(format!("the carried change {} of {d:?} is not another device's or an earlier one", c.s)));
        }
    }
    Ok(())
}

pub(crate) fn bundle_id(inner: &[u8]) -> String {
    let digest = Sha256::digest(inner);
    hex::encode(&digest[..8])
}

pub(crate) fn encrypt(inner: &[u8], recipients: &[age::x25519::Recipient]) -> Result<Vec<u8>, SyncError> {
    let encryptor = age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
        .map_err(|e| malformed(format!("encryption: {e}")))?;
    let mut out = Vec::with_capacity(inner.len() + 256 + recipients.len() * 128 + inner.len() / 4096);
    let mut w = encryptor.wrap_output(&mut out).map_err(|e| malformed(format!("encryption: {e}")))?;
    w.write_all(inner).map_err(|e| malformed(format!("encryption: {e}")))?;
    w.finish().map_err(|e| malformed(format!("encryption: {e}")))?;
    Ok(out)
}

pub(crate) fn decrypt(bytes: &[u8], identity: &age::x25519::Identity) -> Result<Zeroizing<Vec<u8>>, SyncError> {
    let map = |e: age::DecryptError| match e {
        age::DecryptError::NoMatchingKeys => SyncError::NotForUs,
        _ => SyncError::Tampered,
    };
    let decryptor = age::Decryptor::new_buffered(bytes).map_err(map)?;
    let mut reader = decryptor.decrypt(std::iter::once(identity as &dyn age::Identity)).map_err(map)?;
    let mut inner = Zeroizing::new(Vec::with_capacity(bytes.len()));
    reader.read_to_end(&mut inner).map_err(|_| SyncError::Tampered)?;
    Ok(inner)
}

pub(crate) fn decoder(z: &[u8]) -> Result<zstd::stream::read::Decoder<'static, &[u8]>, SyncError> {
    let mut d = zstd::stream::read::Decoder::with_buffer(z).map_err(|e| malformed(format!("decompression: {e}")))?;
    d.window_log_max(ZSTD_WINDOW_LOG_MAX).map_err(|e| malformed(format!("decompression: {e}")))?;
    Ok(d)
}

/// The header line, reading at most [`MAX_HEADER`] bytes of plaintext.
fn peek_header(z: &[u8]) -> Result<Header, SyncError> {
    let header: Header = peek_line(z)?;
    header.check()?;
    Ok(header)
}

/// The first line of the compressed JSON lines `z`, reading at most [`MAX_HEADER`] bytes.
pub(crate) fn peek_line<T: serde::de::DeserializeOwned>(z: &[u8]) -> Result<T, SyncError> {
    let mut d = decoder(z)?;
    let mut buf = Zeroizing::new(Vec::with_capacity(512));
    let mut chunk = [0u8; 512];
    loop {
        let n = d.read(&mut chunk).map_err(|_| malformed("the header could not be read"))?;
        if n == 0 {
            return Err(malformed("no header line"));
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.iter().position(|&b| b == b'\n') {
            return serde_json::from_slice(&buf[..end]).map_err(|e| malformed(format!("header: {e}")));
        }
        if buf.len() > MAX_HEADER {
            return Err(malformed("the header line is too long"));
        }
    }
}

pub(crate) fn decompress(z: &[u8]) -> Result<Zeroizing<Vec<u8>>, SyncError> {
    let d = decoder(z)?;
    let mut out = Zeroizing::new(Vec::with_capacity(z.len().saturating_mul(6).min(MAX_PLAINTEXT)));
    d.take(MAX_PLAINTEXT as u64 + 1).read_to_end(&mut out).map_err(|e| malformed(format!("decompression: {e}")))?;
    if out.len() > MAX_PLAINTEXT {
        return Err(malformed(format!("more than {MAX_PLAINTEXT} bytes")));
    }
    Ok(out)
}

fn parse_jsonl(jsonl: &[u8]) -> Result<(Header, Vec<Change>), SyncError> {
    let Some(body) = jsonl.strip_suffix(b"\n") else {
        return Err(malformed("the last line is not terminated"));
    };
    let mut lines = body.split(|&b| b == b'\n');
    let first = lines.next().ok_or_else(|| malformed("no header line"))?;
    let header: Header = serde_json::from_slice(first).map_err(|e| malformed(format!("header: {e}")))?;
    header.check()?;
    let cap = usize::try_from(header.count).unwrap_or(0).min(jsonl.len() / 32 + 1);
    let mut changes = Vec::with_capacity(cap);
    for (i, line) in lines.enumerate() {
        let c: Change = serde_json::from_slice(line).map_err(|e| malformed(format!("change {}: {e}", i + 1)))?;
        changes.push(c);
    }
    check_changes(&header, &changes)?;
    Ok((header, changes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(from: u64, to: u64, prev: &str) -> Header {
        Header {
            format: BUNDLE_FORMAT.into(),
            team: "t".into(),
            device: "d".into(),
            from,
            to,
            prev: prev.into(),
            count: to - from + 1,
            aud: None,
            left: None,
        }
    }

    const A: &str = "0123456789abcdef";
    const B: &str = "fedcba9876543210";
    const C: &str = "00000000000000aa";

    #[test]
    fn chain() {
        assert_eq!(check_next(None, &header(1, 10, ""), A), Next::Apply);
        assert_eq!(check_next(None, &header(11, 20, A), B), Next::Gap { expected_from: 1 });
        assert_eq!(check_next(None, &header(1, 10, B), A), Next::Fork);
        assert_eq!(check_next(Some((10, A)), &header(11, 20, A), B), Next::Apply);
        assert_eq!(check_next(Some((10, A)), &header(1, 10, ""), A), Next::AlreadyApplied);
        assert_eq!(check_next(Some((20, B)), &header(1, 10, ""), A), Next::AlreadyApplied);
        assert_eq!(check_next(Some((10, A)), &header(21, 30, B), C), Next::Gap { expected_from: 11 });
        assert_eq!(check_next(Some((10, A)), &header(11, 20, C), B), Next::Fork);
        assert_eq!(check_next(Some((10, A)), &header(1, 10, ""), C), Next::Fork);
        assert_eq!(check_next(Some((10, A)), &header(5, 20, A), B), Next::Fork);
    }

    #[test]
    fn names() {
        let n = parse_name("team/bundles/dev/000000000101-000000000250-0123456789abcdef.bundle").unwrap();
        assert_eq!(n, BundleName { team: "team".into(), device: "dev".into(), from: 101, to: 250, id: A.into(), aud: None });
        assert_eq!(n.path(), "team/bundles/dev/000000000101-000000000250-0123456789abcdef.bundle");
        let caseload = "team/bundles/dev/000000000101-000000000250-0123456789abcdef.fedcba9876543210.bundle";
        let c = parse_name(caseload).unwrap();
        assert_eq!(c.aud.as_deref(), Some(B));
        assert_eq!(c.path(), caseload);
        let with_aud = header(101, 250, "").for_audience(Some(B.into())).unwrap();
        assert_eq!(with_aud.name(A), "t/bundles/d/000000000101-000000000250-0123456789abcdef.fedcba9876543210.bundle");
        assert!(header(1, 2, "").for_audience(Some("anna".into())).is_err());
        // Requests name the caseload too, so that the lead finds the file.
        let (asker, back) = parse_request(&request_name(&c, "dev-new")).unwrap();
        assert_eq!((asker.as_str(), back), ("dev-new", c));
        let (_, back) = parse_request(&request_name(&n, "dev-new")).unwrap();
        assert_eq!(back, n);
        assert_eq!(bundle_name("team", "dev", 101, 250, A), "team/bundles/dev/000000000101-000000000250-0123456789abcdef.bundle");
        assert_eq!(header(101, 250, "").name(A), "t/bundles/d/000000000101-000000000250-0123456789abcdef.bundle");
        for bad in [
            "team/bundles/dev/000000000101-000000000250-0123456789abcdef.bundl",
            "team/bundle/dev/000000000101-000000000250-0123456789abcdef.bundle",
            "team/bundles/dev/x/000000000101-000000000250-0123456789abcdef.bundle",
            "team/bundles/dev/00000000101-000000000250-0123456789abcdef.bundle",
            "team/bundles/dev/000000000250-000000000101-0123456789abcdef.bundle",
            "team/bundles/dev/000000000000-000000000101-0123456789abcdef.bundle",
            "team/bundles/dev/000000000101-000000000250-0123456789ABCDEF.bundle",
            "team/bundles/dev/000000000101-000000000250-0123456789abcde.bundle",
            "team/bundles/dev/+00000000101-000000000250-0123456789abcdef.bundle",
            "team/bundles/../000000000101-000000000250-0123456789abcdef.bundle",
            "team/bundles/dev/000000000101-000000000250-0123456789abcdef.anna.bundle",
            "team/bundles/dev/000000000101-000000000250-0123456789abcdef..bundle",
            "team/bundles/dev/000000000101-000000000250-0123456789abcdef.fedcba9876543210.x.bundle",
            "team/team.json",
            "",
        ] {
            assert_eq!(parse_name(bad), None, "{bad}");
        }
    }

    #[test]
    fn header_checks() {
        let c = |s| Change { s, h: 1, t: "x".into(), r: "r".into(), o: Op::Delete, f: None, v: None, b: None, d: None };
        assert!(Header::new("t", "d", "", &[]).is_err());
        assert!(Header::new("t", "d", "", &[c(1), c(3)]).is_err());
        assert!(Header::new("t", "d", "nope", &[c(1)]).is_err());
        assert!(Header::new("t/x", "d", "", &[c(1)]).is_err());
        assert!(Header::new("t", "d", "", &[c(0)]).is_err());
        let h = Header::new("t", "d", A, &[c(7), c(8)]).unwrap();
        assert_eq!((h.from, h.to, h.count), (7, 8, 2));
    }

    #[test]
    fn change_json_uses_the_short_keys() {
        let c = Change {
            s: 101,
            h: 7383920034816,
            t: "progress_event".into(),
            r: "r1".into(),
            o: Op::Insert,
            f: None,
            v: Some("{}".into()),
            b: None,
            d: None,
        };
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            r#"{"s":101,"h":7383920034816,"t":"progress_event","r":"r1","o":"insert","f":null,"v":"{}"}"#
        );
        for op in [Op::Insert, Op::Update, Op::Delete] {
            assert_eq!(Op::parse(op.as_str()), Some(op));
        }
        let h = header(101, 250, "");
        assert_eq!(
            serde_json::to_string(&h).unwrap(),
            r#"{"format":"indsats-bundle/1","team":"t","device":"d","from":101,"to":250,"prev":"","count":150}"#
        );
    }
}
