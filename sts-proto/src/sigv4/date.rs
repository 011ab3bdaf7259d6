//! The signing time as SigV4 writes it.

use std::time::SystemTime;

use super::SigningError;
use crate::time::UtcFields;

/// `YYYYMMDDTHHMMSSZ`, whose first eight characters are the scope date.
///
/// Written by hand rather than with `format!` because it is on the path of
/// every signature and is just sixteen digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct AmzDate(String);

impl AmzDate {
    pub(super) fn new(time: SystemTime) -> Result<Self, SigningError> {
        let f = UtcFields::from_time(time);
        let year = u32::try_from(f.year)
            .ok()
            .filter(|y| *y <= 9999)
            .ok_or(SigningError::TimeOutOfRange)?;
        let mut s = String::with_capacity(16);
        push_digits(&mut s, year, 4);
        push_digits(&mut s, f.month, 2);
        push_digits(&mut s, f.day, 2);
        s.push('T');
        push_digits(&mut s, f.hour, 2);
        push_digits(&mut s, f.minute, 2);
        push_digits(&mut s, f.second, 2);
        s.push('Z');
        Ok(Self(s))
    }

    /// `YYYYMMDD`.
    pub(super) fn date(&self) -> &str {
        self.0.get(..8).unwrap_or_default()
    }

    /// `YYYYMMDDTHHMMSSZ`.
    pub(super) fn stamp(&self) -> &str {
        &self.0
    }

    /// The stamp as an owned string, to become a header value without a copy.
    pub(super) fn into_stamp(self) -> String {
        self.0
    }
}

fn push_digits(out: &mut String, value: u32, width: u32) {
    for place in (0..width).rev() {
        let digit = value / 10u32.pow(place) % 10;
        out.push(char::from(b'0' + digit as u8));
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
