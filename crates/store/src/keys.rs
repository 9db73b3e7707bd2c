//! The database key and how it is kept.
//!
//! A random 256-bit key encrypts the database (SQLCipher, raw key: no second KDF on open). The key
//! is stored only wrapped: XChaCha20-Poly1305 under a key derived from the user's passphrase with
//! Argon2id, in `key.json` beside the database. A wrong passphrase fails the AEAD tag, so it is
//! told apart from a damaged database. Changing the passphrase re-wraps the key; the database is
//! never re-encrypted. The key material comes from the OS's CSPRNG, never from a seeded generator.

use std::fs;
use std::io::Write;
use std::path::Path;

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use crate::error::StoreError;

/// 16 KiB pages (fewer page splits and per-page MACs than SQLCipher's 4 KiB for our rows) and
/// HMAC-SHA256 page authentication (SHA-NI makes it far cheaper than SQLCipher 4's default
/// SHA-512, and it is a sound MAC). Changing either needs a migration that exports the database.
pub const CIPHER_SETTINGS: &str = "PRAGMA cipher_page_size = 16384; PRAGMA cipher_hmac_algorithm = HMAC_SHA256;";

/// The file that holds the wrapped key.
pub const KEY_FILE: &str = "key.json";
const AAD: &[u8] = b"indsats database key v1";
/// The shortest passphrase accepted.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// Argon2id cost. Stored with the wrapped key, so stronger defaults apply to new keys only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub m_cost_kib: u32,
    pub t_cost: u32,
    pub p_cost: u32,
}

impl KdfParams {
    /// For people: 64 MiB, 3 passes (OWASP's Argon2id recommendation or stronger).
    pub const INTERACTIVE: KdfParams = KdfParams { m_cost_kib: 64 * 1024, t_cost: 3, p_cost: 1 };
    /// For tests and benchmarks only: cheap, still Argon2id.
    pub const FAST_INSECURE: KdfParams = KdfParams { m_cost_kib: 256, t_cost: 1, p_cost: 1 };
}

/// The database key, wiped from memory when dropped.
pub struct DbKey(Zeroizing<[u8; 32]>);

impl DbKey {
    /// A fresh key from the OS's random source.
    pub fn generate() -> Result<DbKey, StoreError> {
        let mut k = Zeroizing::new([0u8; 32]);
        getrandom::fill(k.as_mut()).map_err(|e| StoreError::Entropy(e.to_string()))?;
        Ok(DbKey(k))
    }

    /// The same key again (for a second connection to the same store).
    pub(crate) fn duplicate(&self) -> DbKey {
        DbKey(Zeroizing::new(*self.0))
    }

    /// A key for another purpose (`label`), derived from this one with HMAC-SHA256.
    pub(crate) fn derive(&self, label: &[u8]) -> Zeroizing<[u8; 32]> {
        use hmac::Mac;
        let mut m = <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(self.0.as_ref()).expect("HMAC takes a key of any length");
        m.update(label);
        Zeroizing::new(m.finalize().into_bytes().into())
    }

    /// The SQLCipher pragma value: a raw key, so SQLCipher does not run its own KDF.
    /// The pragmas that key a connection: the raw key (SQLCipher runs no KDF of its own) and the
    /// cipher settings, which are not stored in the encrypted header and so are set on every
    /// open. For the store, and for tools that open the database directly (tests, benchmarks).
    pub fn sqlcipher_pragma(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("PRAGMA key = \"x'{}'\"; {}", hex::encode(self.0.as_ref()), CIPHER_SETTINGS))
    }
}

#[derive(Serialize, Deserialize)]
struct KeyFile {
    version: u32,
    kdf: String,
    params: KdfParams,
    salt: String,
    nonce: String,
    wrapped: String,
}

fn derive(passphrase: &str, salt: &[u8], p: KdfParams) -> Result<Zeroizing<[u8; 32]>, StoreError> {
    let params =
        Params::new(p.m_cost_kib, p.t_cost, p.p_cost, Some(32)).map_err(|e| StoreError::KeyFile(format!("bad KDF parameters: {e}")))?;
    let mut out = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase.as_bytes(), salt, out.as_mut())
        .map_err(|e| StoreError::KeyFile(format!("key derivation failed: {e}")))?;
    Ok(out)
}

/// Checks a new passphrase's length.
pub fn check_passphrase(passphrase: &str) -> Result<(), StoreError> {
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(StoreError::PassphraseTooShort { min: MIN_PASSPHRASE_CHARS });
    }
    Ok(())
}

/// Wraps `key` under `passphrase` and writes the key file atomically (temp file, fsync, rename).
pub fn write_wrapped(dir: &Path, key: &DbKey, passphrase: &str, params: KdfParams) -> Result<(), StoreError> {
    check_passphrase(passphrase)?;
    let mut salt = [0u8; 16];
    let mut nonce = [0u8; 24];
    getrandom::fill(&mut salt).map_err(|e| StoreError::Entropy(e.to_string()))?;
    getrandom::fill(&mut nonce).map_err(|e| StoreError::Entropy(e.to_string()))?;
    let kek = derive(passphrase, &salt, params)?;
    let cipher = XChaCha20Poly1305::new(kek.as_ref().into());
    let wrapped = cipher
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: key.0.as_ref(), aad: AAD })
        .map_err(|_| StoreError::KeyFile("encryption failed".into()))?;
    let file = KeyFile {
        version: 1,
        kdf: "argon2id".into(),
        params,
        salt: hex::encode(salt),
        nonce: hex::encode(nonce),
        wrapped: hex::encode(wrapped),
    };
    let json = serde_json::to_vec_pretty(&file).map_err(|e| StoreError::KeyFile(e.to_string()))?;
    let path = dir.join(KEY_FILE);
    let tmp = dir.join(format!("{KEY_FILE}.tmp"));
    let io = |e: std::io::Error| StoreError::from_io(dir, e);
    {
        let mut f = fs::File::create(&tmp).map_err(io)?;
        f.write_all(&json).map_err(io)?;
        f.sync_all().map_err(io)?;
    }
    fs::rename(&tmp, &path).map_err(io)?;
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Unwraps the key with `passphrase`. A wrong passphrase is [`StoreError::WrongPassphrase`].
pub fn read_wrapped(dir: &Path, passphrase: &str) -> Result<DbKey, StoreError> {
    let path = dir.join(KEY_FILE);
    let bytes = fs::read(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => StoreError::NotInitialised { dir: dir.to_path_buf() },
        _ => StoreError::from_io(dir, e),
    })?;
    unwrap_key_file(&bytes, passphrase)
}

/// Unwraps the key held by the bytes of a key file (as in a backup) with `passphrase`.
pub(crate) fn unwrap_key_file(bytes: &[u8], passphrase: &str) -> Result<DbKey, StoreError> {
    let file: KeyFile = serde_json::from_slice(bytes).map_err(|e| StoreError::KeyFile(e.to_string()))?;
    if file.version != 1 || file.kdf != "argon2id" {
        return Err(StoreError::KeyFile(format!("unknown key file version {} ({})", file.version, file.kdf)));
    }
    let unhex = |s: &str| hex::decode(s).map_err(|e| StoreError::KeyFile(e.to_string()));
    let salt = unhex(&file.salt)?;
    let nonce = unhex(&file.nonce)?;
    let wrapped = unhex(&file.wrapped)?;
    if nonce.len() != 24 {
        return Err(StoreError::KeyFile("nonce has the wrong length".into()));
    }
    let kek = derive(passphrase, &salt, file.params)?;
    let cipher = XChaCha20Poly1305::new(kek.as_ref().into());
    let mut plain =
        cipher.decrypt(XNonce::from_slice(&nonce), Payload { msg: &wrapped, aad: AAD }).map_err(|_| StoreError::WrongPassphrase)?;
    if plain.len() != 32 {
        plain.zeroize();
        return Err(StoreError::KeyFile("the wrapped key has the wrong length".into()));
    }
    let mut k = Zeroizing::new([0u8; 32]);
    k.copy_from_slice(&plain);
    plain.zeroize();
    Ok(DbKey(k))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_unwrap_and_rewrap() {
        let dir = tempfile::tempdir().unwrap();
        let key = DbKey::generate().unwrap();
        write_wrapped(dir.path(), &key, "correct horse", KdfParams::FAST_INSECURE).unwrap();
        let back = read_wrapped(dir.path(), "correct horse").unwrap();
        assert_eq!(back.0.as_ref(), key.0.as_ref());
        assert!(matches!(read_wrapped(dir.path(), "wrong horse"), Err(StoreError::WrongPassphrase)));
        write_wrapped(dir.path(), &back, "battery staple", KdfParams::FAST_INSECURE).unwrap();
        assert!(matches!(read_wrapped(dir.path(), "correct horse"), Err(StoreError::WrongPassphrase)));
        assert_eq!(read_wrapped(dir.path(), "battery staple").unwrap().0.as_ref(), key.0.as_ref());
        // The key file holds no trace of the key itself.
        let text = fs::read_to_string(dir.path().join(KEY_FILE)).unwrap();
        assert!(!text.contains(&hex::encode(key.0.as_ref())));
    }

    #[test]
    fn short_passphrases_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let key = DbKey::generate().unwrap();
        assert!(matches!(
            write_wrapped(dir.path(), &key, "kort", KdfParams::FAST_INSECURE),
            Err(StoreError::PassphraseTooShort { min: 8 })
        ));
        assert!(!dir.path().join(KEY_FILE).exists());
    }
}
