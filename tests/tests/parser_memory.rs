//! Every parser's memory and time per input byte, on adversarial shapes.
//!
//! The design bound: a parser's extra heap is at most 8× its input plus
//! 1 MiB, and its time is linear in the input. Each parser that reads
//! outside text (responses and error documents, profile files,
//! `credential_process` output, endpoint URLs and regions, timestamps and
//! HTTP dates) runs on generated shapes that have broken such bounds before
//! or plausibly could (very long names, values and text runs, many
//! siblings, attributes, keys, sections or entities, deep nesting, things
//! left unterminated), at 64 KiB, 256 KiB and 1 MiB. Every cell must stay
//! under the bound, and neither the heap per input byte nor the time per
//! input byte may grow with the size: a quadratic parser passes the bound
//! at 64 KiB and fails it, or the growth check, at 1 MiB.
//!
//! The heap is counted by a global allocator that records the peak of live
//! bytes (`peak_alloc`, so no `unsafe` here); it is process-wide, so the
//! tests of this file take turns. The input is built before the peak is
//! reset, and the parser's result is alive at its end, so what is measured
//! is what parsing adds, result included. Times are the thread's CPU time,
//! the minimum of a few runs, and are compared only when the largest run
//! is long enough to time, so a loaded machine does not fail the test but a
//! quadratic parser (16× more time per byte from 64 KiB to 1 MiB) does.
//!
//! `cargo test -p sts-tests --test parser_memory -- --nocapture` prints the
//! table: parser, shape, size, peak heap over input size, time.

#![forbid(unsafe_code)]

use std::hint::black_box;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use http::{HeaderMap, HeaderValue};
use peak_alloc::PeakAlloc;
use sts_blocking::credentials::parse_process_output;
use sts_blocking::profile;
use sts_proto::endpoint::EndpointConfig;
use sts_proto::operation;
use sts_proto::ops::AssumeRole;
use sts_proto::retry;
use sts_proto::time::parse_timestamp;
use sts_proto::xml::XmlLimits;

#[global_allocator]
static HEAP: PeakAlloc = PeakAlloc;

/// One test at a time: the counter is global.
static TURN: Mutex<()> = Mutex::new(());

fn my_turn() -> MutexGuard<'static, ()> {
    TURN.lock().unwrap_or_else(|e| e.into_inner())
}

const KIB: usize = 1024;
const MIB: usize = 1024 * KIB;
const SIZES: [usize; 3] = [64 * KIB, 256 * KIB, MIB];
/// The bound: extra heap at most `HEAP_PER_BYTE` × input + `HEAP_SLACK`.
const HEAP_PER_BYTE: usize = 8;
const HEAP_SLACK: usize = MIB;
/// Heap per input byte at 1 MiB may exceed that at 64 KiB by this factor
/// plus [`HEAP_RATIO_SLACK`]: allowance for where a doubling buffer
/// happens to stand, far below the 16× of a quadratic parser.
const HEAP_RATIO_GROWTH: f64 = 1.5;
const HEAP_RATIO_SLACK: f64 = 0.25;
/// Time per input byte at 1 MiB may be at most this many times that at
/// 64 KiB; linear is 1, quadratic 16.
const TIME_GROWTH: f64 = 4.0;
/// A 1 MiB run shorter than this is not compared: timer and scheduler
/// noise would dominate, and nothing quadratic is that fast.
const TIME_FLOOR: Duration = Duration::from_millis(5);
/// Runs per cell; the fastest counts.
const RUNS: usize = 3;

/// Cells known to break the heap bound, by parser and shape, with why.
/// Their time and the growth of their heap per byte are still checked, and
/// the test fails once they keep the bound, so that the entry goes.
const KNOWN_OVER: &[(&str, &str)] = &[];

/// What a parser is given: bytes, or a header map built from them
/// beforehand (a `Date` header arrives already in one).
struct Input {
    bytes: Vec<u8>,
    headers: HeaderMap,
}

impl Input {
    fn text(&self) -> &str {
        std::str::from_utf8(&self.bytes).unwrap_or_default()
    }
}

/// An input shape: its name, and how to build it at (at most) a size.
type Shape = (&'static str, fn(usize) -> Vec<u8>);

/// A parser under test, as the public API offers it.
struct Parser {
    name: &'static str,
    run: fn(&Input),
    shapes: &'static [Shape],
    /// Whether the input goes into a `Date` header first.
    as_date_header: bool,
}

/// One measured cell.
struct Cell {
    size: usize,
    peak: usize,
    time: Duration,
}

impl Cell {
    fn heap_per_byte(&self) -> f64 {
        self.peak as f64 / self.size as f64
    }

    fn time_per_byte(&self) -> f64 {
        self.time.as_secs_f64() / self.size as f64
    }
}

/// Runs `run` on `input` [`RUNS`] times: the highest heap peak it adds,
/// the shortest time.
fn measure(run: fn(&Input), input: &Input) -> (usize, Duration) {
    let mut peak = 0;
    let mut time = Duration::MAX;
    for _ in 0..RUNS {
        let before = HEAP.current_usage();
        HEAP.reset_peak_usage();
        let started = Clock::start();
        run(input);
        time = time.min(started.elapsed());
        peak = peak.max(HEAP.peak_usage().saturating_sub(before));
    }
    (peak, time)
}

/// The thread's CPU time where the system gives it (Linux and the other
/// Unix systems do), else the wall clock: CPU time leaves out the time the
/// thread waited while other work ran, which the wall clock counts.
enum Clock {
    Cpu(cpu_time::ThreadTime),
    Wall(Instant),
}

impl Clock {
    fn start() -> Self {
        match cpu_time::ThreadTime::try_now() {
            Ok(t) => Self::Cpu(t),
            Err(_) => Self::Wall(Instant::now()),
        }
    }

    fn elapsed(&self) -> Duration {
        match self {
            Self::Cpu(t) => t.try_elapsed().unwrap_or_default(),
            Self::Wall(t) => t.elapsed(),
        }
    }
}

fn input_for(parser: &Parser, bytes: Vec<u8>) -> Input {
    let mut headers = HeaderMap::new();
    if parser.as_date_header {
        let value = HeaderValue::from_bytes(&bytes).expect("a valid header value");
        headers.insert(http::header::DATE, value);
    }
    Input { bytes, headers }
}

/// Measures every shape of `parser` at every size, prints a row for each
/// cell, and returns what broke a bound.
fn check(parser: &Parser) -> Vec<String> {
    let mut failures = Vec::new();
    for (shape, make) in parser.shapes {
        let known_over = KNOWN_OVER.contains(&(parser.name, shape));
        let mut over = false;
        let mut cells = Vec::new();
        for target in SIZES {
            let bytes = make(target);
            assert!(
                bytes.len() <= target && bytes.len() > target * 9 / 10,
                "{shape}: built {} bytes for {target}",
                bytes.len()
            );
            let input = input_for(parser, bytes);
            let (peak, time) = measure(parser.run, &input);
            let cell = Cell {
                size: input.bytes.len(),
                peak,
                time,
            };
            let over_bound = cell.peak > HEAP_PER_BYTE * cell.size + HEAP_SLACK;
            over |= over_bound;
            eprintln!(
                "{:<22} {:<36} {:>5} KiB  heap {:>6.2}×  {:>9.3} ms{}",
                parser.name,
                shape,
                cell.size / KIB,
                cell.heap_per_byte(),
                cell.time.as_secs_f64() * 1000.0,
                match (over_bound, known_over) {
                    (true, true) => "  over (known)",
                    (true, false) => "  OVER",
                    _ => "",
                }
            );
            if over_bound && !known_over {
                failures.push(format!(
                    "{} / {shape} at {} bytes: {} bytes of heap at the peak",
                    parser.name, cell.size, cell.peak
                ));
            }
            cells.push(cell);
        }
        if known_over && !over {
            failures.push(format!(
                "{} / {shape} keeps the bound now: take it out of KNOWN_OVER",
                parser.name
            ));
        }
        let (small, large) = (&cells[0], &cells[cells.len() - 1]);
        if large.heap_per_byte() > small.heap_per_byte() * HEAP_RATIO_GROWTH + HEAP_RATIO_SLACK {
            failures.push(format!(
                "{} / {shape}: heap per byte grows from {:.2} to {:.2}",
                parser.name,
                small.heap_per_byte(),
                large.heap_per_byte()
            ));
        }
        let growth = large.time_per_byte() / small.time_per_byte().max(f64::MIN_POSITIVE);
        if large.time >= TIME_FLOOR && growth > TIME_GROWTH {
            failures.push(format!(
                "{} / {shape}: time per byte grows {growth:.1}× ({:?} at {} bytes, {:?} at {})",
                parser.name, small.time, small.size, large.time, large.size
            ));
        }
    }
    failures
}

// ---- building inputs ----

/// `head`, then `unit` as often as fits in `size` with `tail`, then `tail`.
fn fill(head: &str, unit: &str, tail: &str, size: usize) -> Vec<u8> {
    let room = size.saturating_sub(head.len() + tail.len());
    [head, &unit.repeat(room / unit.len()), tail]
        .concat()
        .into_bytes()
}

/// `head`, then `unit(0)`, `unit(1)`, … while they fit in `size` with `tail`.
fn fill_with(head: &str, unit: impl Fn(usize) -> String, tail: &str, size: usize) -> Vec<u8> {
    let mut out = head.to_owned();
    for i in 0.. {
        let next = unit(i);
        if out.len() + next.len() + tail.len() > size {
            break;
        }
        out.push_str(&next);
    }
    out.push_str(tail);
    out.into_bytes()
}

/// `head`, `before`, `x`s filling the rest of `size`, `after`, `tail`:
/// one long name or value.
fn long_name(head: &str, before: &str, after: &str, tail: &str, size: usize) -> Vec<u8> {
    let fixed = head.len() + before.len() + after.len() + tail.len();
    let name = "x".repeat(size.saturating_sub(fixed));
    [head, before, &name, after, tail].concat().into_bytes()
}

// ---- responses and error documents ----

const XML_HEAD: &str = "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
                        <AssumeRoleResult>";
const XML_TAIL: &str = "</AssumeRoleResult>\
                        <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>\
                        </AssumeRoleResponse>";

/// One long element name above as many small children as the element cap
/// allows: the shape of a 1 MB body that once took 3.9 GiB, because every
/// child's path repeated the long name.
fn xml_long_name_many_children(size: usize) -> Vec<u8> {
    let children = "<a>1</a>".repeat((XmlLimits::default().max_elements - 8).min(size / 32));
    let fixed = XML_HEAD.len() + XML_TAIL.len() + children.len() + "<></>".len();
    let name = "N".repeat(size.saturating_sub(fixed) / 2);
    format!("{XML_HEAD}<{name}>{children}</{name}>{XML_TAIL}").into_bytes()
}

fn xml_long_root_name(size: usize) -> Vec<u8> {
    let fixed = "<><A>1</A></>".len();
    let name = "R".repeat(size.saturating_sub(fixed) / 2);
    format!("<{name}><A>1</A></{name}>").into_bytes()
}

fn xml_long_text(size: usize) -> Vec<u8> {
    fill(
        &format!("{XML_HEAD}<Credentials><AccessKeyId>A</AccessKeyId><SessionToken>"),
        "t",
        &format!("</SessionToken></Credentials>{XML_TAIL}"),
        size,
    )
}

fn xml_many_long_leaves(size: usize) -> Vec<u8> {
    let leaves = XmlLimits::default().max_elements - 8;
    let text = "t".repeat(size.saturating_sub(XML_HEAD.len() + XML_TAIL.len()) / leaves - 7);
    let body = format!(
        "{XML_HEAD}{}{XML_TAIL}",
        format!("<a>{text}</a>").repeat(leaves)
    );
    body.into_bytes()
}

fn xml_long_attribute(size: usize) -> Vec<u8> {
    long_name(XML_HEAD, "<A v=\"", "\">1</A>", XML_TAIL, size)
}

fn xml_many_attributes(size: usize) -> Vec<u8> {
    fill(
        &format!("{XML_HEAD}<A"),
        " a=\"1\"",
        &format!(">1</A>{XML_TAIL}"),
        size,
    )
}

fn xml_many_siblings(size: usize) -> Vec<u8> {
    fill(XML_HEAD, "<a/>", XML_TAIL, size)
}

fn xml_deep_nesting(size: usize) -> Vec<u8> {
    let depth = (size - XML_HEAD.len() - XML_TAIL.len()) / 7;
    format!(
        "{XML_HEAD}{}{}{XML_TAIL}",
        "<a>".repeat(depth),
        "</a>".repeat(depth)
    )
    .into_bytes()
}

fn xml_many_entities(size: usize) -> Vec<u8> {
    fill(
        &format!("{XML_HEAD}<A>"),
        "&amp;&#x41;&lt;&#128512;",
        &format!("</A>{XML_TAIL}"),
        size,
    )
}

fn xml_crlf_text(size: usize) -> Vec<u8> {
    fill(
        &format!("{XML_HEAD}<A>"),
        "x\r\n\r",
        &format!("</A>{XML_TAIL}"),
        size,
    )
}

fn xml_long_cdata(size: usize) -> Vec<u8> {
    fill(
        &format!("{XML_HEAD}<A><![CDATA["),
        "c",
        &format!("]]></A>{XML_TAIL}"),
        size,
    )
}

fn xml_many_comments(size: usize) -> Vec<u8> {
    fill(XML_HEAD, "<!--c-->", XML_TAIL, size)
}

fn xml_mixed_content(size: usize) -> Vec<u8> {
    // Text that is kept until a child element turns up, again and again.
    let children = ((XmlLimits::default().max_elements - 8) / 2).min(size / 32);
    let text = "t".repeat((size - XML_HEAD.len() - XML_TAIL.len()) / children - 12);
    let body = format!(
        "{XML_HEAD}{}{XML_TAIL}",
        format!("<a>{text}<b/></a>").repeat(children)
    );
    body.into_bytes()
}

fn xml_unterminated_comment(size: usize) -> Vec<u8> {
    fill(&format!("{XML_HEAD}<!--"), "c", "", size)
}

fn xml_unterminated_tag(size: usize) -> Vec<u8> {
    fill(&format!("{XML_HEAD}<A"), "x", "", size)
}

fn xml_unterminated_attribute(size: usize) -> Vec<u8> {
    fill(&format!("{XML_HEAD}<A v=\""), "x", "", size)
}

fn xml_unterminated_cdata(size: usize) -> Vec<u8> {
    fill(&format!("{XML_HEAD}<A><![CDATA["), "x", "", size)
}

fn xml_mismatched_long_names(size: usize) -> Vec<u8> {
    let name = "M".repeat((size - XML_HEAD.len() - XML_TAIL.len() - 5) / 2);
    format!("{XML_HEAD}<{name}></{name}X{XML_TAIL}").into_bytes()
}

fn xml_error_long_message(size: usize) -> Vec<u8> {
    fill(
        "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>",
        "m",
        "</Message></Error><RequestId>r</RequestId></ErrorResponse>",
        size,
    )
}

fn xml_error_long_code(size: usize) -> Vec<u8> {
    fill(
        "<ErrorResponse><Error><Type>Sender</Type><Code>",
        "C",
        "</Code></Error><RequestId>r</RequestId></ErrorResponse>",
        size,
    )
}

fn not_xml(size: usize) -> Vec<u8> {
    fill("", "not xml ", "", size)
}

const XML_SHAPES: &[Shape] = &[
    ("long name, 4088 children", xml_long_name_many_children),
    ("long root name", xml_long_root_name),
    ("long text", xml_long_text),
    ("4088 long leaves", xml_many_long_leaves),
    ("long attribute value", xml_long_attribute),
    ("many attributes", xml_many_attributes),
    ("many siblings", xml_many_siblings),
    ("deep nesting", xml_deep_nesting),
    ("many references", xml_many_entities),
    ("CR line ends", xml_crlf_text),
    ("long CDATA", xml_long_cdata),
    ("many comments", xml_many_comments),
    ("text dropped for children", xml_mixed_content),
    ("unterminated comment", xml_unterminated_comment),
    ("unterminated tag", xml_unterminated_tag),
    ("unterminated attribute", xml_unterminated_attribute),
    ("unterminated CDATA", xml_unterminated_cdata),
    ("mismatched long names", xml_mismatched_long_names),
    ("error, long message", xml_error_long_message),
    ("error, long code", xml_error_long_code),
    ("not XML", not_xml),
];

fn parse_response(status: u16) -> impl Fn(&Input) {
    move |input: &Input| {
        let _ = black_box(operation::parse::<AssumeRole>(
            status,
            &input.headers,
            &input.bytes,
        ));
    }
}

fn assume_role_200(input: &Input) {
    parse_response(200)(input);
}

fn assume_role_400(input: &Input) {
    parse_response(400)(input);
}

// ---- profile files ----

fn profile_long_key(size: usize) -> Vec<u8> {
    long_name("[default]\n", "k", " = v\n", "", size)
}

fn profile_long_value(size: usize) -> Vec<u8> {
    long_name("[default]\n", "aws_session_token = ", "\n", "", size)
}

fn profile_long_section_name(size: usize) -> Vec<u8> {
    long_name("", "[profile ", "]\n", "region = eu-west-1\n", size)
}

fn profile_many_sections(size: usize) -> Vec<u8> {
    fill_with("", |i| format!("[profile p{i:x}]\n"), "", size)
}

fn profile_many_sections_with_property(size: usize) -> Vec<u8> {
    fill_with("", |i| format!("[profile p{i:x}]\nregion=r\n"), "", size)
}

fn profile_many_bare_sections(size: usize) -> Vec<u8> {
    fill_with("", |i| format!("[p{i:x}]\n"), "", size)
}

fn profile_many_bare_sections_with_property(size: usize) -> Vec<u8> {
    fill_with("", |i| format!("[p{i:x}]\nregion=r\n"), "", size)
}

fn profile_many_properties(size: usize) -> Vec<u8> {
    fill_with("[default]\n", |i| format!("k{i:x}=v\n"), "", size)
}

fn profile_many_sub_properties(size: usize) -> Vec<u8> {
    fill_with("[default]\ns3 =\n", |i| format!(" k{i:x}=v\n"), "", size)
}

fn profile_long_continuation(size: usize) -> Vec<u8> {
    fill("[default]\na = b\n", " c\n", "", size)
}

fn profile_many_comments(size: usize) -> Vec<u8> {
    fill("[default]\n", "#c\n", "", size)
}

fn profile_same_section_repeated(size: usize) -> Vec<u8> {
    fill("", "[default]\nregion = r\n", "", size)
}

fn profile_same_property_repeated(size: usize) -> Vec<u8> {
    fill("[default]\n", "region = r\n", "", size)
}

fn profile_invalid_names(size: usize) -> Vec<u8> {
    fill_with("", |i| format!("[profile !{i:x}]\n!=v\n"), "", size)
}

fn profile_unterminated_section(size: usize) -> Vec<u8> {
    fill("[profile ", "x", "", size)
}

fn profile_blank_lines(size: usize) -> Vec<u8> {
    fill("[default]\n", " \t\n", "", size)
}

const PROFILE_SHAPES: &[Shape] = &[
    ("long key", profile_long_key),
    ("long value", profile_long_value),
    ("long section name", profile_long_section_name),
    ("many sections", profile_many_sections),
    (
        "many sections, a property each",
        profile_many_sections_with_property,
    ),
    ("many bare sections", profile_many_bare_sections),
    (
        "many bare sections, a property each",
        profile_many_bare_sections_with_property,
    ),
    ("many properties", profile_many_properties),
    ("many sub-properties", profile_many_sub_properties),
    ("long continuation", profile_long_continuation),
    ("many comments", profile_many_comments),
    ("one section repeated", profile_same_section_repeated),
    ("one property repeated", profile_same_property_repeated),
    ("invalid names", profile_invalid_names),
    ("unterminated section", profile_unterminated_section),
    ("blank lines", profile_blank_lines),
];

fn profile_config(input: &Input) {
    let _ = black_box(profile::parse(input.text(), ""));
}

fn profile_credentials(input: &Input) {
    let _ = black_box(profile::parse("", input.text()));
}

// ---- credential_process output ----

const JSON_HEAD: &str = r#"{"Version": 1, "AccessKeyId": "AKID", "SecretAccessKey": "S", "#;

fn json_deep_objects(size: usize) -> Vec<u8> {
    let depth = size / 6;
    [r#"{"a":"#.repeat(depth), "1".into(), "}".repeat(depth)]
        .concat()
        .into_bytes()
}

fn json_deep_arrays(size: usize) -> Vec<u8> {
    [&JSON_HEAD[..JSON_HEAD.len() - 2], r#", "X": "#]
        .concat()
        .into_bytes()
        .into_iter()
        .chain(std::iter::repeat_n(b'[', size / 2 - 80))
        .chain(std::iter::repeat_n(b']', size / 2 - 80))
        .chain(*b"}")
        .collect()
}

fn json_long_secret(size: usize) -> Vec<u8> {
    fill(
        r#"{"Version": 1, "AccessKeyId": "AKID", "SecretAccessKey": ""#,
        "s",
        r#""}"#,
        size,
    )
}

fn json_long_escaped_secret(size: usize) -> Vec<u8> {
    fill(
        r#"{"Version": 1, "AccessKeyId": "AKID", "SecretAccessKey": ""#,
        r"\u0041\n",
        r#""}"#,
        size,
    )
}

fn json_long_ignored_string(size: usize) -> Vec<u8> {
    fill(&format!(r#"{JSON_HEAD}"Other": ""#), "o", r#""}"#, size)
}

fn json_many_keys(size: usize) -> Vec<u8> {
    fill_with(JSON_HEAD, |i| format!(r#""k{i:x}":1,"#), r#""z":1}"#, size)
}

fn json_many_numbers(size: usize) -> Vec<u8> {
    fill(&format!(r#"{JSON_HEAD}"X": [0"#), ",1", "]}", size)
}

fn json_many_strings(size: usize) -> Vec<u8> {
    fill(&format!(r#"{JSON_HEAD}"X": [""#), r#"",""#, r#""]}"#, size)
}

fn json_many_objects(size: usize) -> Vec<u8> {
    fill(&format!(r#"{JSON_HEAD}"X": [{{}}"#), ",{}", "]}", size)
}

fn json_repeated_key(size: usize) -> Vec<u8> {
    fill(JSON_HEAD, r#""SessionToken": "t","#, r#""z":1}"#, size)
}

fn json_unterminated_string(size: usize) -> Vec<u8> {
    fill(&format!(r#"{JSON_HEAD}"SessionToken": ""#), "t", "", size)
}

fn json_whitespace(size: usize) -> Vec<u8> {
    fill(JSON_HEAD, " ", r#""z":1}"#, size)
}

const JSON_SHAPES: &[Shape] = &[
    ("deep objects", json_deep_objects),
    ("deep arrays", json_deep_arrays),
    ("long secret", json_long_secret),
    ("long escaped secret", json_long_escaped_secret),
    ("long ignored string", json_long_ignored_string),
    ("many keys", json_many_keys),
    ("many numbers", json_many_numbers),
    ("many strings", json_many_strings),
    ("many objects", json_many_objects),
    ("one key repeated", json_repeated_key),
    ("unterminated string", json_unterminated_string),
    ("whitespace", json_whitespace),
];

fn credential_process(input: &Input) {
    let _ = black_box(parse_process_output(&input.bytes));
}

// ---- endpoints ----

fn url_long_host(size: usize) -> Vec<u8> {
    fill("https://", "a.", "com", size)
}

fn url_long_path(size: usize) -> Vec<u8> {
    fill("https://sts.example.com", "/p", "/", size)
}

fn url_long_port(size: usize) -> Vec<u8> {
    fill("https://sts.example.com:", "4", "", size)
}

fn url_long_userinfo(size: usize) -> Vec<u8> {
    fill("https://", "u", "@sts.example.com", size)
}

fn url_many_escapes(size: usize) -> Vec<u8> {
    fill("https://sts.example.com/", "%41", "", size)
}

fn url_not_a_url(size: usize) -> Vec<u8> {
    fill("", "x ", "", size)
}

const URL_SHAPES: &[Shape] = &[
    ("long host", url_long_host),
    ("long path", url_long_path),
    ("long port", url_long_port),
    ("long userinfo", url_long_userinfo),
    ("many escapes", url_many_escapes),
    ("not a URL", url_not_a_url),
];

fn endpoint_url(input: &Input) {
    let config = EndpointConfig::new().with_endpoint(input.text());
    let _ = black_box(config.resolve());
}

fn region_long(size: usize) -> Vec<u8> {
    fill("us-", "e", "-1", size)
}

fn region_bad_characters(size: usize) -> Vec<u8> {
    fill("us-", "é", "-1", size)
}

const REGION_SHAPES: &[Shape] = &[
    ("long region", region_long),
    ("non-ASCII region", region_bad_characters),
];

fn endpoint_region(input: &Input) {
    let config = EndpointConfig::new().with_region(input.text());
    let _ = black_box(config.resolve());
}

// ---- timestamps and HTTP dates ----

fn timestamp_long_fraction(size: usize) -> Vec<u8> {
    fill("2011-07-15T23:28:33.", "1", "Z", size)
}

fn timestamp_padded(size: usize) -> Vec<u8> {
    let half = size / 2 - 16;
    format!(
        "{}2011-07-15T23:28:33Z{}",
        " ".repeat(half),
        " ".repeat(half)
    )
    .into_bytes()
}

fn timestamp_long_offset(size: usize) -> Vec<u8> {
    fill("2011-07-15T23:28:33+", "0", "", size)
}

fn timestamp_garbage(size: usize) -> Vec<u8> {
    fill("", "9", "", size)
}

const TIMESTAMP_SHAPES: &[Shape] = &[
    ("long fraction", timestamp_long_fraction),
    ("padded", timestamp_padded),
    ("long offset", timestamp_long_offset),
    ("digits", timestamp_garbage),
];

fn timestamp(input: &Input) {
    let _ = black_box(parse_timestamp(input.text()));
}

fn date_padded(size: usize) -> Vec<u8> {
    let half = size / 2 - 16;
    format!(
        "{}Sun, 06 Nov 1994 08:49:37 GMT{}",
        " ".repeat(half),
        " ".repeat(half)
    )
    .into_bytes()
}

fn date_long_garbage(size: usize) -> Vec<u8> {
    fill("Sun, 06 Nov 1994 08:49:37 GMT", "x", "", size)
}

const DATE_SHAPES: &[Shape] = &[
    ("padded", date_padded),
    ("trailing garbage", date_long_garbage),
];

fn http_date(input: &Input) {
    let _ = black_box(retry::server_time(&input.headers));
}

const PARSERS: &[Parser] = &[
    Parser {
        name: "AssumeRole, HTTP 200",
        run: assume_role_200,
        shapes: XML_SHAPES,
        as_date_header: false,
    },
    Parser {
        name: "AssumeRole, HTTP 400",
        run: assume_role_400,
        shapes: XML_SHAPES,
        as_date_header: false,
    },
    Parser {
        name: "config file",
        run: profile_config,
        shapes: PROFILE_SHAPES,
        as_date_header: false,
    },
    Parser {
        name: "credentials file",
        run: profile_credentials,
        shapes: PROFILE_SHAPES,
        as_date_header: false,
    },
    Parser {
        name: "credential_process",
        run: credential_process,
        shapes: JSON_SHAPES,
        as_date_header: false,
    },
    Parser {
        name: "endpoint URL",
        run: endpoint_url,
        shapes: URL_SHAPES,
        as_date_header: false,
    },
    Parser {
        name: "endpoint region",
        run: endpoint_region,
        shapes: REGION_SHAPES,
        as_date_header: false,
    },
    Parser {
        name: "timestamp",
        run: timestamp,
        shapes: TIMESTAMP_SHAPES,
        as_date_header: false,
    },
    Parser {
        name: "HTTP Date header",
        run: http_date,
        shapes: DATE_SHAPES,
        as_date_header: true,
    },
];

#[test]
fn every_parser_is_linear_in_memory_and_time() {
    let _turn = my_turn();
    let mut failures = Vec::new();
    for parser in PARSERS {
        failures.extend(check(parser));
    }
    assert!(
        failures.is_empty(),
        "over the bound of {HEAP_PER_BYTE}× the input + {} MiB, or growing with the input:\n{}",
        HEAP_SLACK / MIB,
        failures.join("\n")
    );
}

/// The shape of the original report, on its own: in a 1,046,005-byte
/// response, one long element name above 4,090 small children. Each
/// child's path used to repeat the name, so a name left open (about 1 MB)
/// reached a 3.9 GiB heap peak and a closed one (half that, as the name is
/// written twice) 2 GiB, at every status, before the reader refused or
/// accepted the document.
#[test]
fn a_long_name_above_thousands_of_children_is_linear() {
    let _turn = my_turn();
    const SIZE: usize = 1_046_005;
    let children = "<a/>".repeat(4090);
    let fixed = XML_HEAD.len() + children.len();
    let name = "N".repeat(SIZE - fixed - "<>".len());
    let left_open = format!("{XML_HEAD}<{name}>{children}");
    let name = &name[..(SIZE - fixed - XML_TAIL.len() - "<></>".len()) / 2];
    let closed = format!("{XML_HEAD}<{name}>{children}</{name}>{XML_TAIL}");
    for (what, body) in [("left open", left_open), ("closed", closed)] {
        assert!(
            body.len() <= SIZE && body.len() > SIZE - 2,
            "{}",
            body.len()
        );
        let input = Input {
            bytes: body.into_bytes(),
            headers: HeaderMap::new(),
        };
        for (status, run) in [(200, assume_role_200 as fn(&Input)), (400, assume_role_400)] {
            let (peak, time) = measure(run, &input);
            eprintln!(
                "long name {what} above 4,090 children, HTTP {status}: {peak} bytes at the peak, {time:?}"
            );
            assert!(
                peak <= HEAP_PER_BYTE * input.bytes.len() + HEAP_SLACK,
                "{what}, HTTP {status}: {peak} bytes at the peak for {} bytes",
                input.bytes.len()
            );
            assert!(
                time < Duration::from_secs(2),
                "{what}, HTTP {status}: {time:?}"
            );
        }
    }
}

/// A stand-in parser that reads a prefix of its input for every 4 KiB of
/// it: quadratic in time, 16× more per byte at 1 MiB than at 64 KiB.
fn quadratic_time(input: &Input) {
    let bytes = &input.bytes;
    let mut sum = 0u64;
    for end in (0..bytes.len()).step_by(4 * KIB) {
        sum = bytes[..end]
            .iter()
            .fold(sum, |s, &b| s.wrapping_add(u64::from(b)));
    }
    black_box(sum);
}

/// A stand-in parser that keeps a copy of its input for every 64 KiB of
/// it: quadratic in memory, 16 copies at 1 MiB.
fn quadratic_heap(input: &Input) {
    let copies: Vec<Vec<u8>> = (0..input.bytes.len() / (64 * KIB))
        .map(|_| input.bytes.clone())
        .collect();
    black_box(copies);
}

fn letters(size: usize) -> Vec<u8> {
    vec![b'a'; size]
}

/// The checks above can fail: a parser quadratic in time, or in memory,
/// is reported, however loaded the machine (time is the thread's own).
#[test]
fn a_quadratic_parser_is_caught() {
    let _turn = my_turn();
    for (run, want) in [
        (quadratic_time as fn(&Input), "time per byte grows"),
        (quadratic_heap, "of heap at the peak"),
    ] {
        let parser = Parser {
            name: "quadratic stand-in",
            run,
            shapes: &[("letters", letters)],
            as_date_header: false,
        };
        let failures = check(&parser);
        assert!(
            failures.iter().any(|f| f.contains(want)),
            "{want:?} not among {failures:?}"
        );
    }
}
