//! Equality of the short byte strings a call compares by the dozen (element
//! names, close tags, the signing key's region and service), without a call
//! to `memcmp` for each.
//!
//! `a == b` on slices of unknown length is a call into the C library; for
//! names of a few bytes its setup costs more than the comparison, and a
//! call made about forty times compares names for 4% of its time that way.
//! Up to 16 bytes this compares at most two words, overlapping when the
//! length is not a multiple of the word; longer strings still go to
//! `memcmp`, which is faster there.

/// Whether `a` and `b` hold the same bytes.
#[inline]
pub(crate) fn short_eq(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    match n {
        0 => true,
        1..4 => a.iter().zip(b).all(|(x, y)| x == y),
        4..8 => word4(a, 0) == word4(b, 0) && word4(a, n - 4) == word4(b, n - 4),
        8..=16 => word8(a, 0) == word8(b, 0) && word8(a, n - 8) == word8(b, n - 8),
        _ => a == b,
    }
}

/// The four bytes of `s` at `at`, which the caller keeps in range.
#[inline(always)]
fn word4(s: &[u8], at: usize) -> u32 {
    s.get(at..at + 4)
        .and_then(|w| w.try_into().ok())
        .map_or(0, u32::from_ne_bytes)
}

/// The eight bytes of `s` at `at`, which the caller keeps in range.
#[inline(always)]
fn word8(s: &[u8], at: usize) -> u64 {
    s.get(at..at + 8)
        .and_then(|w| w.try_into().ok())
        .map_or(0, u64::from_ne_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_slice_equality_for_every_length_and_every_differing_byte() {
        for n in 0..40 {
            let a: Vec<u8> = (0..n).map(|i| b'a' + (i % 26) as u8).collect();
            assert!(short_eq(&a, &a.clone()), "length {n}");
            for at in 0..n {
                let mut b = a.clone();
                b[at] ^= 0x20;
                assert!(!short_eq(&a, &b), "length {n}, byte {at}");
                assert!(!short_eq(&b, &a), "length {n}, byte {at}");
            }
            for m in 0..40 {
                let b: Vec<u8> = a
                    .iter()
                    .copied()
                    .chain(std::iter::repeat(b'a'))
                    .take(m)
                    .collect();
                assert_eq!(short_eq(&a, &b), a == b, "lengths {n} and {m}");
            }
        }
    }
}
