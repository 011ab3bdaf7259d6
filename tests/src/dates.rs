//! The two date formats of an STS exchange, for servers that answer with a
//! chosen `Date` and tests that read a request's `x-amz-date`.

use std::time::SystemTime;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01, as (year, month, day).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `t` as an HTTP `Date` (IMF-fixdate), as a server sends it.
pub fn http_date(t: SystemTime) -> String {
    let secs = sts_proto::time::unix_seconds(t);
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][days.rem_euclid(7) as usize];
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][(m - 1) as usize];
    format!(
        "{weekday}, {d:02} {month} {y} {:02}:{:02}:{:02} GMT",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

/// Seconds since the epoch of an `x-amz-date` (`20150830T123600Z`).
/// Panics on anything else: a test's request must carry a valid one.
pub fn amz_date_seconds(s: &str) -> i64 {
    assert!(
        s.len() == 16 && s.as_bytes()[8] == b'T' && s.ends_with('Z'),
        "not an x-amz-date: {s:?}"
    );
    let n = |r: std::ops::Range<usize>| {
        s[r].parse::<i64>()
            .unwrap_or_else(|_| panic!("not an x-amz-date: {s:?}"))
    };
    days_from_civil(n(0..4), n(4..6), n(6..8)) * 86_400
        + n(9..11) * 3600
        + n(11..13) * 60
        + n(13..15)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn both_formats_of_one_instant() {
        // The instant of the SigV4 test suite.
        let t = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
        assert_eq!(http_date(t), "Sun, 30 Aug 2015 12:36:00 GMT");
        assert_eq!(amz_date_seconds("20150830T123600Z"), 1_440_938_160);
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(http_date(leap), "Tue, 29 Feb 2000 00:00:00 GMT");
        assert_eq!(amz_date_seconds("20000229T000000Z"), 951_782_400);
    }
}
