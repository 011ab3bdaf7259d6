//! Reading bytes that may hold secrets without leaving copies behind.

use std::io::{self, Read};

/// Bytes that are wiped when dropped, with [`sts_proto::secret::wipe`]: a
/// `memset` where `zeroize::Zeroizing` writes byte by byte, which on a
/// typical response body cost 4% of a whole call.
pub(crate) struct Wiped(pub(crate) Vec<u8>);

impl std::ops::Deref for Wiped {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl std::ops::DerefMut for Wiped {
    fn deref_mut(&mut self) -> &mut [u8] {
        &mut self.0
    }
}

impl Drop for Wiped {
    fn drop(&mut self) {
        sts_proto::secret::wipe(&mut self.0);
    }
}

/// Reads to the end into one buffer of `expected` bytes, growing it (when
/// the length was not known, or was wrong) by copying into a larger buffer
/// and wiping the old one, so that no copy of a secret (an answer's secret
/// key, a `credential_process`'s output) is left behind in freed memory, on
/// success or on error. `Read::read_to_end` would leave each smaller buffer
/// it outgrew.
pub(crate) fn read_to_end(mut reader: impl Read, expected: usize) -> io::Result<Vec<u8>> {
    // One spare byte: the read that finds the end needs room to return 0.
    let mut buf = Wiped(vec![0u8; expected.saturating_add(1)]);
    let mut len = 0;
    loop {
        if len == buf.len() {
            let mut bigger = Wiped(vec![0u8; len.saturating_mul(2).max(4096)]);
            bigger[..len].copy_from_slice(&buf[..len]);
            buf = bigger;
        }
        match reader.read(&mut buf[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let mut out = std::mem::take(&mut buf.0);
    out.truncate(len);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hands out at most `step` bytes a read.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(out.len()).min(self.data.len());
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    #[test]
    fn reads_everything_whatever_the_length_hint() {
        let data: Vec<u8> = (0..10_000u32).map(|i| i as u8).collect();
        for expected in [0, 1, 99, 9_999, 10_000, 20_000] {
            for step in [1, 7, 4096, 100_000] {
                let got = read_to_end(Trickle { data: &data, step }, expected).unwrap();
                assert_eq!(got, data, "expected {expected}, step {step}");
            }
        }
    }
}
