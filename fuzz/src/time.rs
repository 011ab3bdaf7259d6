//! `timestamp` and `http_date`: the two time formats read off the wire.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, HeaderValue};
use sts_proto::error::{ErrorCode, Fault, ServiceError};
use sts_proto::time::{format_timestamp, from_unix, parse_timestamp, unix_seconds};
use sts_proto::{ResponseError, retry};

/// Input: the text of an ISO 8601 timestamp, as in `<Expiration>`.
///
/// What the parser accepts is compared with a second reading written here
/// from the grammar it documents, with the calendar done by the Julian day
/// number formula rather than the parser's; an accepted time must format
/// and parse back to itself (to the millisecond the format keeps).
pub fn timestamp(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = parse_timestamp(text);
    let expected = reference_timestamp(text);
    match (&parsed, expected) {
        (Ok(t), Some((secs, nanos))) => {
            assert_eq!(unix_seconds(*t), secs, "{text:?}");
            assert_eq!(subsec_nanos(*t), nanos, "{text:?}");
        }
        (Err(e), None) => {
            assert!(e.value.chars().count() <= 64);
            let _ = e.to_string();
        }
        (Ok(t), None) => panic!("{text:?} accepted as {t:?}, the grammar refuses it"),
        (Err(e), Some(_)) => panic!("{text:?} refused ({e}), the grammar accepts it"),
    }
    if let Ok(t) = parsed {
        let formatted = format_timestamp(t);
        let millis = Duration::from_millis(u64::from(subsec_nanos(t) / 1_000_000));
        let truncated = from_unix(unix_seconds(t), 0).map(|s| s + millis);
        // Years 0001 to 9998 print as four digits, whatever the offset did.
        let printable = (-62_135_596_800..253_370_764_800).contains(&unix_seconds(t));
        match parse_timestamp(&formatted) {
            Ok(back) => assert_eq!(Some(back), truncated, "{formatted:?}"),
            Err(e) => assert!(!printable, "{formatted:?} does not parse back: {e}"),
        }
    }
}

fn subsec_nanos(t: SystemTime) -> u32 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.subsec_nanos(),
        Err(e) => (1_000_000_000 - e.duration().subsec_nanos()) % 1_000_000_000,
    }
}

/// `YYYY-MM-DD(T|t| )hh:mm:ss([.,]d+)?(Z|z|[+-]hh:mm|[+-]hhmm)`, trimmed of
/// XML whitespace,
/// as Unix seconds and nanoseconds; `None` if the text does not match or a
/// field is out of range.
fn reference_timestamp(text: &str) -> Option<(i64, u32)> {
    let b = text.trim_matches([' ', '\t', '\n', '\r']).as_bytes();
    let digits = |s: &[u8]| -> Option<i64> {
        s.iter().try_fold(0i64, |acc, &d| {
            d.is_ascii_digit().then(|| acc * 10 + i64::from(d - b'0'))
        })
    };
    let field = |at: usize, len: usize| b.get(at..at + len).and_then(digits);
    let sep = |at: usize, ok: &[u8]| b.get(at).is_some_and(|c| ok.contains(c));
    let (year, month, day) = (field(0, 4)?, field(5, 2)?, field(8, 2)?);
    let (hour, minute, second) = (field(11, 2)?, field(14, 2)?, field(17, 2)?);
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
        return None;
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let max_day = *month_days.get(usize::try_from(month).ok()?.checked_sub(1)?)?;
    if day < 1 || day > max_day || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = &b[19..];
    let mut nanos = 0u32;
    if let [b'.' | b',', tail @ ..] = rest {
        let n = tail.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        let mut frac: Vec<u8> = tail[..n.min(9)].to_vec();
        frac.resize(9, b'0');
        nanos = u32::try_from(digits(&frac)?).ok()?;
        rest = &tail[n..];
    }
    let offset = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] | [sign @ (b'+' | b'-'), h1, h2, m1, m2] => {
            let (h, m) = (digits(&[*h1, *h2])?, digits(&[*m1, *m2])?);
            if h > 23 || m > 59 {
                return None;
            }
            if *sign == b'+' {
                h * 3600 + m * 60
            } else {
                -(h * 3600 + m * 60)
            }
        }
        _ => return None,
    };
    // The Julian day number of the civil date, less that of 1970-01-01.
    let a = (14 - month) / 12;
    let y = year + 4800 - a;
    let m = month + 12 * a - 3;
    let jdn = day + (153 * m + 2) / 5 + 365 * y + y / 4 - y / 100 + y / 400 - 32_045;
    let days = jdn - 2_440_588;
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset;
    // Representable on this platform: the parser says "not representable"
    // only beyond `SystemTime`'s range, which these years never reach.
    Some((secs, nanos))
}

/// The error codes the clock-skew check looks at, and one it ignores.
const CODES: [&str; 4] = [
    "RequestTimeTooSkewed",
    "SignatureDoesNotMatch",
    "AccessDenied",
    "RequestExpired",
];

/// Input: the value of a response's `Date` header.
///
/// Reads it as the clock-skew correction does, and checks that an offset
/// computed from it moves the signing clock onto the server's time (to the
/// millisecond), and that the skew decision follows the documented rule.
pub fn http_date(data: &[u8]) {
    let Ok(value) = HeaderValue::from_bytes(data) else {
        return;
    };
    let mut headers = HeaderMap::new();
    headers.insert(http::header::DATE, value);
    let Some(server) = retry::server_time(&headers) else {
        return;
    };
    // HTTP dates are whole seconds from 1970 on; they print back the same.
    let back = httpdate::parse_http_date(&httpdate::fmt_http_date(server));
    assert_eq!(back.ok(), Some(server));
    for local_secs in [0, 1_440_938_160, 1_440_938_160 + 239, 4_102_444_800] {
        let local = UNIX_EPOCH + Duration::from_secs(local_secs);
        let offset = retry::offset_millis(local, server);
        let moved = retry::apply_offset(local, offset);
        assert_eq!(moved, server, "offset {offset} from {local_secs}");
        for code in CODES {
            let mut service = ServiceError::new(ErrorCode::from_wire(code), 400);
            service.fault = Fault::Sender;
            let error = ResponseError::Service(service);
            let skew = retry::clock_skew(&error, &headers, local);
            let expected = if retry::CLOCK_SKEW_CODES.contains(&code) {
                Some(offset)
            } else if retry::MAYBE_CLOCK_SKEW_CODES.contains(&code) {
                let threshold = i64::try_from(retry::SKEW_THRESHOLD.as_millis()).unwrap_or(0);
                (offset.abs() >= threshold).then_some(offset)
            } else {
                None
            };
            assert_eq!(skew, expected, "{code} at offset {offset}");
        }
    }
}
