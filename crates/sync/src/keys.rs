//! A device's keys: an ed25519 signing key (it signs the device's bundles, and the roster when
//! the device is the team lead) and an age x25519 identity (bundles are encrypted to it).
//!
//! Both secrets are made from randomness the caller passes in; nothing here touches files or
//! the store. The public forms go on the roster: the signing key as base64 of its 32 bytes, the
//! identity as its `age1…` recipient.
//!
//! The secret form for the store is [`DeviceKeys::to_secret_bytes`]: 64 bytes, the ed25519 seed
//! then the x25519 secret. The store keeps it encrypted; [`DeviceKeys::to_secret_string`] is the
//! same bytes as text (`INDSATS-DEVICE-KEYS-1:` and base64) for a backup or a keystore entry.

use std::fmt;
use std::str::FromStr;

use age::secrecy::ExposeSecret;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use bech32::{FromBase32, ToBase32, Variant};
use ed25519_dalek::{Signature, SigningKey, VerifyingKey};
use rand::CryptoRng;
use zeroize::{Zeroize, Zeroizing};

use crate::SyncError;

/// The length of [`DeviceKeys::to_secret_bytes`].
pub const SECRET_LEN: usize = 64;

const SECRET_STRING_PREFIX: &str = "INDSATS-DEVICE-KEYS-1:";
/// age's bech32 prefix for an x25519 secret key (lower case; age writes it in upper case).
const AGE_SECRET_HRP: &str = "age-secret-key-";

/// One device's secret keys.
pub struct DeviceKeys {
    signing: SigningKey,
    identity: age::x25519::Identity,
}

impl DeviceKeys {
    /// New keys from the caller's cryptographic random source: 32 bytes for the ed25519 seed,
    /// then 32 bytes for the x25519 secret.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut seed = Zeroizing::new([0u8; 32]);
        rng.fill_bytes(&mut seed[..]);
        let mut x = Zeroizing::new([0u8; 32]);
        rng.fill_bytes(&mut x[..]);
        let signing = SigningKey::from_bytes(&seed);
        // 32 bytes always make a valid x25519 secret (it is clamped when used).
        let identity = identity_from_bytes(&x).unwrap_or_else(|_| age::x25519::Identity::generate());
        Self { signing, identity }
    }

    /// Keys from their parts (for example an identity read from an age key file).
    pub fn from_parts(signing: SigningKey, identity: age::x25519::Identity) -> Self {
        Self { signing, identity }
    }

    /// The ed25519 signing key.
    pub fn signing_key(&self) -> &SigningKey {
        &self.signing
    }

    /// The age identity bundles to this device are opened with.
    pub fn identity(&self) -> &age::x25519::Identity {
        &self.identity
    }

    /// The public signing key.
    pub fn verifying_key(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }

    /// The public signing key as the roster writes it: base64 (standard, padded) of 32 bytes.
    pub fn sign_key_base64(&self) -> String {
        encode_sign_key(&self.verifying_key())
    }

    /// The age recipient bundles to this device are encrypted to.
    pub fn recipient(&self) -> age::x25519::Recipient {
        self.identity.to_public()
    }

    /// The recipient as the roster writes it: `age1…`.
    pub fn recipient_string(&self) -> String {
        self.recipient().to_string()
    }

    /// Signs `message` with the device's key.
    pub fn sign(&self, message: &[u8]) -> Signature {
        use ed25519_dalek::Signer;
        self.signing.sign(message)
    }

    /// The secrets as 64 bytes: the ed25519 seed, then the x25519 secret. Keep them encrypted.
    pub fn to_secret_bytes(&self) -> Result<Zeroizing<[u8; SECRET_LEN]>, SyncError> {
        let mut out = Zeroizing::new([0u8; SECRET_LEN]);
        out[..32].copy_from_slice(self.signing.as_bytes());
        let x = identity_to_bytes(&self.identity)?;
        out[32..].copy_from_slice(&x[..]);
        Ok(out)
    }

    /// Keys from [`DeviceKeys::to_secret_bytes`].
    pub fn from_secret_bytes(bytes: &[u8]) -> Result<Self, SyncError> {
        if bytes.len() != SECRET_LEN {
            return Err(SyncError::BadKey { what: "device secret keys (length)" });
        }
        let mut seed = Zeroizing::new([0u8; 32]);
        seed.copy_from_slice(&bytes[..32]);
        let mut x = Zeroizing::new([0u8; 32]);
        x.copy_from_slice(&bytes[32..]);
        Ok(Self { signing: SigningKey::from_bytes(&seed), identity: identity_from_bytes(&x)? })
    }

    /// The secrets as text: `INDSATS-DEVICE-KEYS-1:` and base64 of [`DeviceKeys::to_secret_bytes`].
    pub fn to_secret_string(&self) -> Result<Zeroizing<String>, SyncError> {
        let bytes = self.to_secret_bytes()?;
        let mut s = String::with_capacity(SECRET_STRING_PREFIX.len() + 88);
        s.push_str(SECRET_STRING_PREFIX);
        B64.encode_string(&bytes[..], &mut s);
        Ok(Zeroizing::new(s))
    }

    /// Keys from [`DeviceKeys::to_secret_string`].
    pub fn from_secret_string(s: &str) -> Result<Self, SyncError> {
        let b64 = s.trim().strip_prefix(SECRET_STRING_PREFIX).ok_or(SyncError::BadKey { what: "device secret keys (prefix)" })?;
        let bytes = Zeroizing::new(B64.decode(b64).map_err(|_| SyncError::BadKey { what: "device secret keys (base64)" })?);
        Self::from_secret_bytes(&bytes)
    }
}

impl fmt::Debug for DeviceKeys {
    /// Only the public forms: a secret never reaches a log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceKeys").field("sign_key", &self.sign_key_base64()).field("recipient", &self.recipient_string()).finish()
    }
}

/// A signing key's fingerprint as people compare it over the phone: the first 80 bits of its
/// SHA-256, in five groups of four hex digits ("3F2A 9C01 …").
pub fn fingerprint(key: &VerifyingKey) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(key.as_bytes());
    let hex = hex::encode_upper(&digest[..10]);
    hex.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
}

/// A signing key in the roster's form: base64 (standard, padded) of its 32 bytes.
pub fn encode_sign_key(key: &VerifyingKey) -> String {
    B64.encode(key.as_bytes())
}

/// Reads a signing key in the roster's form. Refuses keys of the wrong length, points not on
/// the curve and weak (small-order) keys.
pub fn parse_sign_key(s: &str) -> Result<VerifyingKey, SyncError> {
    let bytes = B64.decode(s.trim()).map_err(|_| SyncError::BadKey { what: "signing key (base64)" })?;
    let arr: [u8; 32] = bytes.as_slice().try_into().map_err(|_| SyncError::BadKey { what: "signing key (length)" })?;
    let key = VerifyingKey::from_bytes(&arr).map_err(|_| SyncError::BadKey { what: "signing key (not a point)" })?;
    if key.is_weak() {
        return Err(SyncError::BadKey { what: "signing key (weak)" });
    }
    Ok(key)
}

/// A signature in the roster's form: base64 (standard, padded) of its 64 bytes.
pub fn encode_signature(sig: &Signature) -> String {
    B64.encode(sig.to_bytes())
}

/// Reads a signature in the roster's form.
pub fn parse_signature(s: &str) -> Option<Signature> {
    let bytes = B64.decode(s.trim()).ok()?;
    let arr: [u8; 64] = bytes.as_slice().try_into().ok()?;
    Some(Signature::from_bytes(&arr))
}

/// Reads an `age1…` recipient.
pub fn parse_recipient(s: &str) -> Result<age::x25519::Recipient, SyncError> {
    age::x25519::Recipient::from_str(s.trim()).map_err(|_| SyncError::BadKey { what: "age recipient" })
}

/// An age identity from its 32 secret bytes, through its bech32 text form (the only
/// constructor age offers besides `generate`, which reads the OS's random source itself).
fn identity_from_bytes(bytes: &[u8; 32]) -> Result<age::x25519::Identity, SyncError> {
    let mut text = Zeroizing::new(
        bech32::encode(AGE_SECRET_HRP, bytes.to_base32(), Variant::Bech32).map_err(|_| SyncError::BadKey { what: "age identity" })?,
    );
    let id = age::x25519::Identity::from_str(&text).map_err(|_| SyncError::BadKey { what: "age identity" });
    text.zeroize();
    id
}

/// The 32 secret bytes of an age identity, from its bech32 text form.
fn identity_to_bytes(identity: &age::x25519::Identity) -> Result<Zeroizing<[u8; 32]>, SyncError> {
    let text = identity.to_string();
    let (hrp, data, variant) = bech32::decode(text.expose_secret()).map_err(|_| SyncError::BadKey { what: "age identity" })?;
    if hrp != AGE_SECRET_HRP || variant != Variant::Bech32 {
        return Err(SyncError::BadKey { what: "age identity" });
    }
    let bytes = Zeroizing::new(Vec::<u8>::from_base32(&data).map_err(|_| SyncError::BadKey { what: "age identity" })?);
    let mut out = Zeroizing::new([0u8; 32]);
    if bytes.len() != 32 {
        return Err(SyncError::BadKey { what: "age identity (length)" });
    }
    out.copy_from_slice(&bytes);
    Ok(out)
}

/// What an escrow signature is over, before the message: keeps it apart from any other use of
/// the key.
const ESCROW_SIGN_CONTEXT: &[u8] = b"indsats-escrow-sign/1\n";

/// The signing key that IT's escrow identity stands for, in the XEdDSA way: the identity's
/// clamped x25519 scalar signs as an ed25519 key, whose Montgomery form is the escrow's `age1…`
/// recipient. So the escrow needs no second secret, and every roster already names the key
/// ([`is_escrow_key`]). It signs only the roster that replaces a lost lead (docs/sync.md, "A lost
/// lead laptop").
pub struct EscrowSigner {
    secret: ed25519_dalek::hazmat::ExpandedSecretKey,
    public: VerifyingKey,
}

impl EscrowSigner {
    /// The signer of an escrow identity (`AGE-SECRET-KEY-1…`, as IT keeps it).
    pub fn new(identity: &age::x25519::Identity) -> Result<Self, SyncError> {
        use sha2::Digest;
        let scalar = identity_to_bytes(identity)?;
        // The nonce prefix: from the secret, apart from every other use of it.
        let mut prefix = sha2::Sha512::new();
        prefix.update(b"indsats-escrow-nonce/1");
        prefix.update(scalar.as_slice());
        let prefix = prefix.finalize();
        let mut expanded = Zeroizing::new([0u8; 64]);
        expanded[..32].copy_from_slice(scalar.as_slice());
        expanded[32..].copy_from_slice(&prefix[..32]);
        // Clamps the scalar as x25519 does, so that its public point is the recipient's.
        let secret = ed25519_dalek::hazmat::ExpandedSecretKey::from_bytes(&expanded);
        let public = VerifyingKey::from(&secret);
        Ok(Self { secret, public })
    }

    /// The signer from the text of an identity file: the first `AGE-SECRET-KEY-1…` line (age
    /// writes comments above it).
    pub fn from_identity_file(text: &str) -> Result<Self, SyncError> {
        Self::new(&identity_from_file(text)?)
    }

    /// The escrow's signing key (on the roster, in a recovery's handover).
    pub fn verifying_key(&self) -> VerifyingKey {
        self.public
    }

    /// The escrow's `age1…` recipient.
    pub fn recipient(&self) -> String {
        let u = self.public.to_montgomery().to_bytes();
        bech32::encode("age", u.to_base32(), Variant::Bech32).unwrap_or_default()
    }

    /// Signs a message as the escrow.
    pub fn sign(&self, message: &[u8]) -> Signature {
        let framed = [ESCROW_SIGN_CONTEXT, message].concat();
        ed25519_dalek::hazmat::raw_sign::<sha2::Sha512>(&self.secret, &framed, &self.public)
    }
}

/// The identity in the text of an age identity file: its first `AGE-SECRET-KEY-1…` line (age
/// writes comments above it).
pub fn identity_from_file(text: &str) -> Result<age::x25519::Identity, SyncError> {
    let line =
        text.lines().map(str::trim).find(|l| l.starts_with("AGE-SECRET-KEY-1")).ok_or(SyncError::BadKey { what: "escrow identity" })?;
    age::x25519::Identity::from_str(line).map_err(|_| SyncError::BadKey { what: "escrow identity" })
}

/// Whether `key` is the signing key of the escrow whose recipient is `recipient`.
pub fn is_escrow_key(key: &VerifyingKey, recipient: &str) -> bool {
    let Ok(r) = parse_recipient(recipient) else { return false };
    let Ok((hrp, data, Variant::Bech32)) = bech32::decode(&r.to_string()) else { return false };
    let Ok(u) = Vec::<u8>::from_base32(&data) else { return false };
    hrp == "age" && !key.is_weak() && key.to_montgomery().to_bytes().as_slice() == u.as_slice()
}

/// Checks an escrow signature made by [`EscrowSigner::sign`].
pub fn verify_escrow(key: &VerifyingKey, message: &[u8], sig: &Signature) -> bool {
    let framed = [ESCROW_SIGN_CONTEXT, message].concat();
    key.verify_strict(&framed, sig).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn keys(seed: u64) -> DeviceKeys {
        DeviceKeys::generate(&mut rand_chacha::ChaCha20Rng::seed_from_u64(seed))
    }

    #[test]
    fn the_escrow_signs_with_its_identity_and_its_recipient_names_the_key() {
        for seed in 0..16 {
            let escrow = keys(100 + seed);
            let signer = EscrowSigner::new(escrow.identity()).unwrap();
            assert_eq!(signer.recipient(), escrow.recipient_string(), "the key's Montgomery form is the recipient");
            assert!(is_escrow_key(&signer.verifying_key(), &escrow.recipient_string()));
            assert!(!is_escrow_key(&signer.verifying_key(), &keys(200 + seed).recipient_string()), "another escrow's");
            assert!(
                !is_escrow_key(&escrow.verifying_key(), &escrow.recipient_string()),
                "the device's own signing key is not the escrow's"
            );
            let sig = signer.sign(b"roster v7");
            assert!(verify_escrow(&signer.verifying_key(), b"roster v7", &sig));
            assert!(!verify_escrow(&signer.verifying_key(), b"roster v8", &sig));
            assert!(signer.verifying_key().verify_strict(b"roster v7", &sig).is_err(), "an escrow signature is only one in its context");
        }
        let file = format!(
            "# created: 2026-01-01\n# public key: {}\n{}\n",
            keys(7).recipient_string(),
            keys(7).identity().to_string().expose_secret()
        );
        assert_eq!(EscrowSigner::from_identity_file(&file).unwrap().recipient(), keys(7).recipient_string());
        assert!(EscrowSigner::from_identity_file("# nothing here\n").is_err());
    }

    #[test]
    fn generation_is_driven_by_the_rng() {
        let a = keys(1);
        let b = keys(1);
        let c = keys(2);
        assert_eq!(a.sign_key_base64(), b.sign_key_base64());
        assert_eq!(a.recipient_string(), b.recipient_string());
        assert_ne!(a.sign_key_base64(), c.sign_key_base64());
        assert_ne!(a.recipient_string(), c.recipient_string());
        assert!(a.recipient_string().starts_with("age1"));
        assert_eq!(a.sign_key_base64().len(), 44);
    }

    #[test]
    fn secrets_round_trip() {
        let a = keys(3);
        let bytes = a.to_secret_bytes().unwrap();
        let b = DeviceKeys::from_secret_bytes(&bytes[..]).unwrap();
        assert_eq!(a.sign_key_base64(), b.sign_key_base64());
        assert_eq!(a.recipient_string(), b.recipient_string());
        let s = a.to_secret_string().unwrap();
        assert!(s.starts_with(SECRET_STRING_PREFIX));
        let c = DeviceKeys::from_secret_string(&s).unwrap();
        assert_eq!(a.recipient_string(), c.recipient_string());
        assert_eq!(&c.to_secret_bytes().unwrap()[..], &bytes[..]);
        // The age identity is the one age itself would print for those bytes.
        let again = age::x25519::Identity::from_str(a.identity().to_string().expose_secret()).unwrap();
        assert_eq!(again.to_public().to_string(), a.recipient_string());
    }

    #[test]
    fn bad_secrets_are_refused() {
        assert!(DeviceKeys::from_secret_bytes(&[0u8; 63]).is_err());
        assert!(DeviceKeys::from_secret_string("INDSATS-DEVICE-KEYS-1:!!").is_err());
        assert!(DeviceKeys::from_secret_string("nope").is_err());
    }

    #[test]
    fn public_forms_parse() {
        let a = keys(4);
        assert_eq!(parse_sign_key(&a.sign_key_base64()).unwrap(), a.verifying_key());
        assert_eq!(parse_recipient(&a.recipient_string()).unwrap().to_string(), a.recipient_string());
        assert!(parse_sign_key("AAAA").is_err());
        // The identity point is weak.
        let mut id = [0u8; 32];
        id[0] = 1;
        assert!(parse_sign_key(&B64.encode(id)).is_err());
        assert!(parse_recipient("age1nope").is_err());
        let sig = a.sign(b"hello");
        assert_eq!(parse_signature(&encode_signature(&sig)), Some(sig));
        assert_eq!(parse_signature("AAAA"), None);
    }

    #[test]
    fn debug_shows_no_secret() {
        let a = keys(5);
        let text = format!("{a:?}");
        let secret = a.to_secret_string().unwrap();
        assert!(!text.contains(&secret[SECRET_STRING_PREFIX.len()..]));
        assert!(text.contains(&a.recipient_string()));
    }
}
