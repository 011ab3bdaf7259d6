//! The 64 lower-case hex digits of a SHA-256 digest, as a call writes
//! three of them (the payload hash, the canonical request's hash, the
//! signature).
//!
//! Two digits a byte from a table, into a fixed array: the `hex` crate's
//! general encoder works a nibble at a time through a checked slice and
//! took a quarter of the signer's own instructions.

/// Each byte's two hex digits.
const PAIRS: [[u8; 2]; 256] = {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut pairs = [[0u8; 2]; 256];
    let mut b = 0;
    while b < 256 {
        pairs[b] = [DIGITS[b >> 4], DIGITS[b & 0x0f]];
        b += 1;
    }
    pairs
};

/// The hex digits of `digest`, a SHA-256 (32 bytes); a shorter input
/// leaves zeros after its digits, a longer one is cut at 32 bytes.
pub(super) fn digest_hex(digest: &[u8]) -> [u8; 64] {
    let mut hex = [0u8; 64];
    for (pair, &b) in hex.as_chunks_mut::<2>().0.iter_mut().zip(digest) {
        *pair = PAIRS[usize::from(b)];
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_is_written_as_the_hex_crate_writes_it() {
        let bytes: Vec<u8> = (0..=255).collect();
        for chunk in bytes.chunks(32) {
            assert_eq!(digest_hex(chunk).as_slice(), hex::encode(chunk).as_bytes());
        }
    }
}
