//! Calendar arithmetic and the two timestamp formats STS speaks.
//!
//! `sts-proto` never reads the clock: every function here takes the time it
//! works on. The civil-date conversion is Howard Hinnant's `days_from_civil`
//! algorithm, which is exact over the whole proleptic Gregorian calendar and
//! small enough that pulling in a date-time crate for it would not pay.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A timestamp that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid timestamp {value:?}: {reason}")]
#[non_exhaustive]
pub struct TimestampError {
    /// The text given (truncated to 64 characters).
    pub value: String,
    /// What was wrong with it.
    pub reason: &'static str,
}

/// Seconds since the Unix epoch, negative before it.
pub fn unix_seconds(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => {
            let d = e.duration();
            let secs = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
            // -0.5 s is in second -1.
            if d.subsec_nanos() > 0 {
                -secs - 1
            } else {
                -secs
            }
        }
    }
}

/// The `SystemTime` for whole Unix seconds plus nanoseconds, if representable.
pub fn from_unix(secs: i64, nanos: u32) -> Option<SystemTime> {
    if secs >= 0 {
        UNIX_EPOCH.checked_add(Duration::new(secs.unsigned_abs(), nanos))
    } else {
        UNIX_EPOCH
            .checked_sub(Duration::from_secs(secs.unsigned_abs()))?
            .checked_add(Duration::from_nanos(u64::from(nanos)))
    }
}

/// Days since 1970-01-01 for a proleptic Gregorian date.
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a day count since 1970-01-01.
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A UTC instant split into calendar fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct UtcFields {
    pub(crate) year: i64,
    pub(crate) month: u32,
    pub(crate) day: u32,
    pub(crate) hour: u32,
    pub(crate) minute: u32,
    pub(crate) second: u32,
    pub(crate) nanos: u32,
}

impl UtcFields {
    pub(crate) fn from_time(t: SystemTime) -> Self {
        let secs = unix_seconds(t);
        let nanos = match t.duration_since(UNIX_EPOCH) {
            Ok(d) => d.subsec_nanos(),
            Err(e) => (1_000_000_000 - e.duration().subsec_nanos()) % 1_000_000_000,
        };
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400) as u32;
        let (year, month, day) = civil_from_days(days);
        Self {
            year,
            month,
            day,
            hour: rem / 3600,
            minute: rem % 3600 / 60,
            second: rem % 60,
            nanos,
        }
    }
}

/// `YYYYMMDD` and `YYYYMMDDTHHMMSSZ`, the two date forms SigV4 signs,
/// written the obvious way: the oracle the signer's faster formatting is
/// tested against.
#[cfg(test)]
pub(crate) fn amz_date(t: SystemTime) -> (String, String) {
    let f = UtcFields::from_time(t);
    let date = format!("{:04}{:02}{:02}", f.year, f.month, f.day);
    let stamp = format!("{date}T{:02}{:02}{:02}Z", f.hour, f.minute, f.second);
    (date, stamp)
}

/// An ISO 8601 UTC timestamp, `2011-07-15T23:28:33Z`, with milliseconds
/// only when the instant has a fraction of a second.
pub fn format_timestamp(t: SystemTime) -> String {
    Iso8601(t).to_string()
}

/// Displays a `SystemTime` as [`format_timestamp`] does, without allocating.
#[derive(Debug, Clone, Copy)]
pub struct Iso8601(pub SystemTime);

impl fmt::Display for Iso8601 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let u = UtcFields::from_time(self.0);
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            u.year, u.month, u.day, u.hour, u.minute, u.second
        )?;
        if u.nanos != 0 {
            write!(f, ".{:03}", u.nanos / 1_000_000)?;
        }
        f.write_str("Z")
    }
}

/// Reads an ISO 8601 / RFC 3339 timestamp as STS and credential sources
/// write them: `2011-07-15T23:28:33Z`, `2011-07-15T23:28:33.359Z`, or with
/// an offset `+hh:mm` / `-hh:mm` (also `+hhmm`) in place of `Z`; with
/// XML's whitespace around it, as around any value of an answer.
pub fn parse_timestamp(text: &str) -> Result<SystemTime, TimestampError> {
    let err = |reason| TimestampError {
        value: text.chars().take(64).collect(),
        reason,
    };
    // Other spaces (U+00A0) are not a timestamp's.
    let b = text.trim_matches(crate::xml::XML_SPACE).as_bytes();
    if b.len() < 20 {
        return Err(err("too short for YYYY-MM-DDThh:mm:ssZ"));
    }
    let num = |range: std::ops::Range<usize>| -> Result<u32, TimestampError> {
        let digits = &b[range];
        if !digits.iter().all(u8::is_ascii_digit) {
            return Err(err("expected digits"));
        }
        Ok(digits
            .iter()
            .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0')))
    };
    let year = num(0..4)?;
    if b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' {
        return Err(err("expected YYYY-MM-DDThh:mm:ss"));
    }
    if b[16] != b':' {
        return Err(err("expected YYYY-MM-DDThh:mm:ss"));
    }
    let month = num(5..7)?;
    let day = num(8..10)?;
    let hour = num(11..13)?;
    let minute = num(14..16)?;
    let second = num(17..19)?;
    if !(1..=12).contains(&month) {
        return Err(err("month out of range"));
    }
    if day == 0 || day > days_in_month(i64::from(year), month) {
        return Err(err("day out of range"));
    }
    // 60 is a leap second; it is folded into the next minute below.
    if hour > 23 || minute > 59 || second > 60 {
        return Err(err("time of day out of range"));
    }
    let mut i = 19;
    let mut nanos = 0u32;
    if b[i] == b'.' || b[i] == b',' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            if i - start < 9 {
                nanos = nanos * 10 + u32::from(b[i] - b'0');
            }
            i += 1;
        }
        let digits = i - start;
        if digits == 0 {
            return Err(err("empty fraction of a second"));
        }
        for _ in digits..9 {
            nanos *= 10;
        }
    }
    let offset_secs: i64 = match b.get(i) {
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(&sign @ (b'+' | b'-')) => {
            let rest = &b[i + 1..];
            let (h, m) = match rest.len() {
                5 if rest[2] == b':' => (num(i + 1..i + 3)?, num(i + 4..i + 6)?),
                4 => (num(i + 1..i + 3)?, num(i + 3..i + 5)?),
                _ => return Err(err("expected a +hh:mm offset")),
            };
            if h > 23 || m > 59 {
                return Err(err("offset out of range"));
            }
            let s = i64::from(h * 3600 + m * 60);
            if sign == b'+' { s } else { -s }
        }
        _ => return Err(err("expected Z or a +hh:mm offset after the time")),
    };
    let days = days_from_civil(i64::from(year), month, day);
    let secs = days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second)
        - offset_secs;
    from_unix(secs, nanos).ok_or_else(|| err("not representable"))
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64, nanos: u32) -> SystemTime {
        from_unix(secs, nanos).unwrap()
    }

    #[test]
    fn civil_round_trip_over_four_centuries() {
        for days in (-800_000..800_000).step_by(97) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn amz_date_of_the_test_suite_instant() {
        // 2015-08-30T12:36:00Z, the SigV4 suite's fixed time.
        let (d, s) = amz_date(at(1_440_938_160, 0));
        assert_eq!(d, "20150830");
        assert_eq!(s, "20150830T123600Z");
    }

    #[test]
    fn parses_the_forms_sts_sends() {
        assert_eq!(
            parse_timestamp("2011-07-15T23:28:33Z").unwrap(),
            at(1_310_772_513, 0)
        );
        assert_eq!(
            parse_timestamp("2011-07-15T23:28:33.359Z").unwrap(),
            at(1_310_772_513, 359_000_000)
        );
        assert_eq!(
            parse_timestamp("2011-07-16T01:28:33+02:00").unwrap(),
            at(1_310_772_513, 0)
        );
        assert_eq!(
            parse_timestamp("2011-07-15T18:28:33-0500").unwrap(),
            at(1_310_772_513, 0)
        );
        assert_eq!(
            parse_timestamp("2011-07-15T23:28:33.123456789123Z").unwrap(),
            at(1_310_772_513, 123_456_789)
        );
    }

    #[test]
    fn rejects_malformed_timestamps() {
        for bad in [
            "",
            "2011-07-15",
            "2011-07-15T23:28:33",
            "2011-13-15T23:28:33Z",
            "2011-02-29T23:28:33Z",
            "2011-07-15T24:28:33Z",
            "2011-07-15T23:28:33.Z",
            "2011-07-15T23:28:33+2:00",
            "2011-07-15T23:28:33Zjunk",
            "２011-07-15T23:28:33Z",
            "2011-07-15T23:28:33+24:00",
            // Only XML's whitespace is trimmed.
            "\u{a0}2011-07-15T23:28:33Z",
            "2011-07-15T23:28:33Z\u{2028}",
        ] {
            assert!(parse_timestamp(bad).is_err(), "{bad:?} was accepted");
        }
        assert!(parse_timestamp(" \t\n\r2011-07-15T23:28:33Z\r\n").is_ok());
        assert!(parse_timestamp("2012-02-29T00:00:00Z").is_ok());
    }

    #[test]
    fn formats_iso8601() {
        assert_eq!(
            format_timestamp(at(1_310_772_513, 0)),
            "2011-07-15T23:28:33Z"
        );
        assert_eq!(
            format_timestamp(at(1_310_772_513, 359_000_000)),
            "2011-07-15T23:28:33.359Z"
        );
        assert_eq!(format_timestamp(at(-1, 0)), "1969-12-31T23:59:59Z");
    }

    /// Why `parse_timestamp` refuses `text`.
    fn reason(text: &str) -> &'static str {
        parse_timestamp(text).unwrap_err().reason
    }

    #[test]
    fn known_instants_format_and_parse_back() {
        // January (which the day count files under the year before), leap
        // days, the century rules, and both ends of the years four digits
        // can write.
        for (secs, text) in [
            (0, "1970-01-01T00:00:00Z"),
            (-1, "1969-12-31T23:59:59Z"),
            (1_706_702_400, "2024-01-31T12:00:00Z"),
            (951_782_400, "2000-02-29T00:00:00Z"),
            (951_868_800, "2000-03-01T00:00:00Z"),
            (-2_203_891_201, "1900-02-28T23:59:59Z"),
            (-2_203_891_200, "1900-03-01T00:00:00Z"),
            (4_107_542_400, "2100-03-01T00:00:00Z"),
            (253_402_300_799, "9999-12-31T23:59:59Z"),
            (-62_167_219_200, "0000-01-01T00:00:00Z"),
        ] {
            assert_eq!(format_timestamp(at(secs, 0)), text, "{secs}");
            assert_eq!(parse_timestamp(text), Ok(at(secs, 0)), "{text}");
        }
    }

    #[test]
    fn instants_before_the_epoch_keep_their_fraction() {
        // -0.75 s is 250 ms into second -1.
        let t = at(-1, 250_000_000);
        assert_eq!(unix_seconds(t), -1);
        assert_eq!(format_timestamp(t), "1969-12-31T23:59:59.250Z");
        assert_eq!(parse_timestamp("1969-12-31T23:59:59.250Z"), Ok(t));
        // -100.5 s is in second -101; -100 s exactly is second -100.
        assert_eq!(unix_seconds(at(-101, 500_000_000)), -101);
        assert_eq!(unix_seconds(at(-100, 0)), -100);
    }

    #[test]
    fn days_past_the_end_of_their_month_are_refused() {
        for bad in [
            "2011-04-31",
            "2011-06-31",
            "2011-09-31",
            "2011-11-31",
            "2011-07-32",
            "2011-07-00",
            "2011-02-29",
            "1900-02-29",
            "2100-02-29",
        ] {
            let text = format!("{bad}T00:00:00Z");
            assert_eq!(reason(&text), "day out of range", "{text}");
        }
        for good in [
            "2011-01-31",
            "2011-03-31",
            "2011-04-30",
            "2011-12-31",
            "2011-02-28",
            "2024-02-29",
            "2000-02-29",
            "1600-02-29",
        ] {
            let text = format!("{good}T00:00:00Z");
            assert!(parse_timestamp(&text).is_ok(), "{text}");
        }
    }

    #[test]
    fn times_of_day_at_their_bounds() {
        assert_eq!(
            parse_timestamp("2011-07-15T23:59:59Z"),
            Ok(at(1_310_774_399, 0))
        );
        // A leap second is read as the first second of the next minute.
        assert_eq!(
            parse_timestamp("2011-07-15T23:59:60Z"),
            Ok(at(1_310_774_400, 0))
        );
        for bad in [
            "2011-07-15T24:00:00Z",
            "2011-07-15T23:60:00Z",
            "2011-07-15T23:59:61Z",
        ] {
            assert_eq!(reason(bad), "time of day out of range", "{bad}");
        }
    }

    #[test]
    fn each_separator_is_checked() {
        for bad in [
            "2011/07-15T23:28:33Z",
            "2011-07/15T23:28:33Z",
            "2011-07-15_23:28:33Z",
            "2011-07-15T23.28:33Z",
            "2011-07-15T23:28.33Z",
        ] {
            assert_eq!(reason(bad), "expected YYYY-MM-DDThh:mm:ss", "{bad}");
        }
        // RFC 3339 allows a lower-case t and z, and a space for the T.
        for good in ["2011-07-15t23:28:33z", "2011-07-15 23:28:33Z"] {
            assert_eq!(parse_timestamp(good), Ok(at(1_310_772_513, 0)), "{good}");
        }
    }

    #[test]
    fn fractions_of_a_second() {
        for (text, nanos) in [
            ("2011-07-15T23:28:33.5Z", 500_000_000),
            ("2011-07-15T23:28:33,359Z", 359_000_000),
            ("2011-07-15T23:28:33.123456789Z", 123_456_789),
            // Digits past the ninth are cut, not rounded.
            ("2011-07-15T23:28:33.0000000019Z", 1),
        ] {
            assert_eq!(
                parse_timestamp(text),
                Ok(at(1_310_772_513, nanos)),
                "{text}"
            );
        }
        assert_eq!(
            reason("2011-07-15T23:28:33.5"),
            "expected Z or a +hh:mm offset after the time"
        );
    }

    #[test]
    fn offsets_at_their_bounds() {
        for text in [
            "2011-07-16T04:58:33+05:30",
            "2011-07-16T04:58:33+0530",
            "2011-07-15T17:58:33-05:30",
            "2011-07-16T23:27:33+23:59",
            "2011-07-14T23:29:33-23:59",
        ] {
            assert_eq!(parse_timestamp(text), Ok(at(1_310_772_513, 0)), "{text}");
        }
        for bad in ["2011-07-15T23:28:33+00:60", "2011-07-15T23:28:33-24:00"] {
            assert_eq!(reason(bad), "offset out of range", "{bad}");
        }
        for bad in [
            "2011-07-15T23:28:33+02x00",
            "2011-07-15T23:28:33+020",
            "2011-07-15T23:28:33+02:000",
        ] {
            assert_eq!(reason(bad), "expected a +hh:mm offset", "{bad}");
        }
    }
}
