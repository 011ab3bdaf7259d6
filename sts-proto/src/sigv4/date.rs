//! The signing time as SigV4 writes it.

use std::cell::Cell;
use std::time::SystemTime;

use super::SigningError;
use crate::time::{UtcFields, unix_seconds};

/// `YYYYMMDDTHHMMSSZ`, whose first eight characters are the scope date.
///
/// Written by hand rather than with `format!`, and kept on the stack,
/// because it is on the path of every signature (made for the key check and
/// the signature alike) and is just sixteen digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct AmzDate([u8; 16]);

thread_local! {
    /// The second last written and its stamp: a thread that signs often
    /// signs many times a second, and the calendar arithmetic costs more
    /// than the rest of the stamp's handling.
    static LAST: Cell<(i64, [u8; 16])> = const { Cell::new((i64::MIN, [0; 16])) };
}

impl AmzDate {
    pub(super) fn new(time: SystemTime) -> Result<Self, SigningError> {
        let second = unix_seconds(time);
        if let Ok((last, stamp)) = LAST.try_with(Cell::get)
            && last == second
        {
            return Ok(Self(stamp));
        }
        let date = Self::write(time)?;
        // During the thread's exit there is no slot: nothing is kept.
        let _ = LAST.try_with(|l| l.set((second, date.0)));
        Ok(date)
    }

    /// The stamp of `time`, worked out.
    fn write(time: SystemTime) -> Result<Self, SigningError> {
        let f = UtcFields::from_time(time);
        let year = u32::try_from(f.year)
            .ok()
            .filter(|y| *y <= 9999)
            .ok_or(SigningError::TimeOutOfRange)?;
        let mut s = [0u8; 16];
        put_digits(&mut s[0..4], year);
        put_digits(&mut s[4..6], f.month);
        put_digits(&mut s[6..8], f.day);
        s[8] = b'T';
        put_digits(&mut s[9..11], f.hour);
        put_digits(&mut s[11..13], f.minute);
        put_digits(&mut s[13..15], f.second);
        s[15] = b'Z';
        Ok(Self(s))
    }

    /// `YYYYMMDD`.
    pub(super) fn date(&self) -> &str {
        self.stamp().get(..8).unwrap_or_default()
    }

    /// `YYYYMMDDTHHMMSSZ`.
    pub(super) fn stamp(&self) -> &str {
        // Digits, `T` and `Z` are ASCII, so this never falls back.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

/// Writes the last `out.len()` decimal digits of `value`.
fn put_digits(out: &mut [u8], mut value: u32) {
    for slot in out.iter_mut().rev() {
        *slot = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::from_unix;

    #[test]
    fn formats_like_the_time_module() {
        for secs in [
            0,
            1_440_938_160,
            951_782_400,
            4_102_444_799,
            -62_167_219_200,
        ] {
            let t = from_unix(secs, 999_999_999).unwrap();
            let (date, stamp) = crate::time::amz_date(t);
            let ours = AmzDate::new(t).unwrap();
            assert_eq!(ours.date(), date);
            assert_eq!(ours.stamp(), stamp);
        }
    }

    #[test]
    fn a_kept_stamp_is_the_one_written_for_that_second() {
        // Each time twice in a row (the second from the kept stamp), and
        // times a second apart and within one second, in both orders.
        for (secs, nanos) in [
            (1_440_938_160, 0),
            (1_440_938_160, 999_999_999),
            (1_440_938_161, 0),
            (1_440_938_160, 500),
            (-1, 999_999_999),
            (0, 0),
            (-1, 0),
            (4_102_444_799, 1),
        ] {
            let t = from_unix(secs, nanos).unwrap();
            let written = AmzDate::write(t).unwrap();
            assert_eq!(AmzDate::new(t).unwrap(), written, "{secs}.{nanos}");
            assert_eq!(AmzDate::new(t).unwrap(), written, "{secs}.{nanos} again");
        }
        // A refused time is refused whatever was kept before it.
        let year_10000 = from_unix(253_402_300_800, 0).unwrap();
        assert_eq!(AmzDate::new(year_10000), Err(SigningError::TimeOutOfRange));
        assert_eq!(AmzDate::new(year_10000), Err(SigningError::TimeOutOfRange));
    }

    #[test]
    fn rejects_years_that_do_not_fit_four_digits() {
        let before_year_0 = from_unix(-62_167_219_201, 0).unwrap();
        assert_eq!(
            AmzDate::new(before_year_0),
            Err(SigningError::TimeOutOfRange)
        );
        let year_10000 = from_unix(253_402_300_800, 0).unwrap();
        assert_eq!(AmzDate::new(year_10000), Err(SigningError::TimeOutOfRange));
        let last_second = from_unix(253_402_300_799, 0).unwrap();
        assert_eq!(
            AmzDate::new(last_second).unwrap().stamp(),
            "99991231T235959Z"
        );
    }
}
