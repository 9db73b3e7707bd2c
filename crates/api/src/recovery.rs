//! A store whose key is kept in the operating system's keystore (the first run's "use the OS
//! keystore"). Its passphrase is a random **recovery code** that the person writes down once;
//! the keystore keeps it, so unlocking needs no typing, and the code unlocks the store when the
//! keystore is lost (a new laptop account, a reset keyring).
//!
//! 24 symbols of Crockford's base32 (120 bits), in six groups of four: `7KQ2-…`. Typed back,
//! case, spaces and dashes do not matter, and the letters people confuse with digits (O, I, L)
//! are read as the digits.

use rand::{RngCore, SeedableRng};

/// Crockford's base32 alphabet: no I, L, O or U.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Symbols in a code.
const SYMBOLS: usize = 24;

/// The code for 15 random bytes (120 bits).
pub fn code(random: &[u8; 15]) -> String {
    let mut bits: u128 = 0;
    for b in random {
        bits = (bits << 8) | u128::from(*b);
    }
    grouped((0..SYMBOLS).map(|i| char::from(ALPHABET[((bits >> (5 * (SYMBOLS - 1 - i))) & 31) as usize])))
}

/// Symbols in groups of four, joined by dashes.
fn grouped(symbols: impl Iterator<Item = char>) -> String {
    let mut out = String::with_capacity(SYMBOLS + SYMBOLS / 4);
    for (i, c) in symbols.enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        out.push(c);
    }
    out
}

/// A new code from the operating system's random source (key material, never a seeded RNG).
pub fn new_code() -> String {
    let mut random = [0u8; 15];
    rand_chacha::ChaCha20Rng::from_os_rng().fill_bytes(&mut random);
    code(&random)
}

/// A typed code in its written form, or `None` when it is not a code (wrong length or symbol).
pub fn normalise(typed: &str) -> Option<String> {
    let mut symbols = Vec::with_capacity(SYMBOLS);
    for c in typed.chars().filter(|c| !c.is_whitespace() && *c != '-') {
        let c = match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        if !c.is_ascii() || !ALPHABET.contains(&(c as u8)) {
            return None;
        }
        symbols.push(c);
    }
    if symbols.len() != SYMBOLS {
        return None;
    }
    Some(grouped(symbols.into_iter()))
}

/// The name of a store's key in the keystore: one per data folder.
pub fn key_name(dir: &std::path::Path) -> String {
    format!("store-key:{}", dir.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_120_bits_in_six_groups_and_read_back_however_typed() {
        assert_eq!(code(&[0; 15]), "0000-0000-0000-0000-0000-0000");
        assert_eq!(code(&[0xff; 15]), "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ");
        let c = code(&[0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x0f, 0xed, 0xcb, 0xa9, 0x87, 0x65, 0x43]);
        assert_eq!(c, "28T5-CY4T-QKFF-03ZD-SEMR-ESA3", "as Python's int.from_bytes gives it");
        assert_eq!(normalise(&c).as_deref(), Some(c.as_str()));
        assert_eq!(normalise(" 28t5 cy4t qkff o3zd semr esa3 ").as_deref(), Some(c.as_str()), "case, spaces, O for 0");
        assert_eq!(normalise("28T5CY4TQKFFOLZDSEMRESA3").as_deref(), Some("28T5-CY4T-QKFF-01ZD-SEMR-ESA3"), "L for 1");
        assert_eq!(normalise("28T5-CY4T-QKFF-03ZD-SEMR-ESA"), None, "too short");
        assert_eq!(normalise("28T5-CY4T-QKFF-03ZD-SEMR-ESAU"), None, "U is not a symbol");
        assert_eq!(normalise("correct horse battery staple"), None);
        let (a, b) = (new_code(), new_code());
        assert_ne!(a, b);
        assert_eq!(normalise(&a).as_deref(), Some(a.as_str()));
        assert_eq!(key_name(std::path::Path::new("/home/kim/.local/share/indsats")), "store-key:/home/kim/.local/share/indsats");
    }
}
