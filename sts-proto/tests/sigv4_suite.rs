//! The AWS SigV4 test suites in `testdata/`, run through `sts_proto::sigv4`.
//!
//! Three copies are run (see `testdata/SOURCES.md`, sections 1 to 3):
//!
//! - `sigv4/`: botocore's copy of the classic suite, 34 cases, comparing
//!   `.creq`, `.sts`, `.authz` and `.sreq` byte for byte;
//! - `sigv4-crt/v4/`: aws-c-auth's suite, 38 cases, each signed twice (header
//!   and presigned URL) and compared on all four expected files;
//! - `sigv4-extra/`: smithy-rs's two double-encoding cases.
//!
//! The adaptations this harness makes, each for a reason stated where it is
//! made:
//!
//! - Raw spaces in a request line (`normalize-path/get-space`, CRT
//!   `get-space-*`): `http::Uri` cannot hold a space, so the harness sends
//!   `%20`, which is the suite's single encoding of the space done by the
//!   harness instead of the signer; those cases run with `double_encode` off
//!   so that the signer does not encode it a second time, and the signed
//!   request is printed with the space put back.
//! - Header-name case: `http` stores names in lower case; the signed request
//!   is printed with each original header line as it was in the input, and
//!   the headers the signer adds with the spelling the suite uses.
//!
//! Every case is run; none is skipped. The counts are printed, and the test
//! fails if a suite directory is missing or holds fewer cases than expected.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use http::Request;
use sts_proto::Credentials;
use sts_proto::sigv4::{
    self, SessionTokenMode, SigningKey, SigningOutput, SigningParams, SigningSettings,
};
use sts_proto::time::parse_timestamp;

const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const SUITE_TIME: &str = "2015-08-30T12:36:00Z";

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata")
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn time(text: &str) -> SystemTime {
    parse_timestamp(text).unwrap()
}

/// One header of a raw request: name as written, value with continuation
/// lines joined, and the exact text (all its lines) for reprinting.
#[derive(Debug)]
struct RawHeader {
    name: String,
    value: String,
    text: String,
}

/// A request as written in a suite file.
#[derive(Debug)]
struct RawRequest {
    method: String,
    target: String,
    version: Option<String>,
    headers: Vec<RawHeader>,
    body: Vec<u8>,
}

impl RawRequest {
    /// Reads the suite's request format: a request line whose target may
    /// hold spaces, `Name:value` lines (repeated names allowed) where a
    /// line starting with whitespace continues the previous value, then
    /// optionally a blank line and the body.
    fn parse(text: &str) -> Self {
        let (head, body) = match text.split_once("\n\n") {
            Some((head, body)) => (head, body),
            None => (text.strip_suffix('\n').unwrap_or(text), ""),
        };
        let mut lines = head.split('\n');
        let request_line = lines.next().unwrap();
        let (method, rest) = request_line.split_once(' ').unwrap();
        let (target, version) = match rest.rsplit_once(' ') {
            Some((target, version)) if version.starts_with("HTTP/") => {
                (target, Some(version.to_owned()))
            }
            _ => (rest, None),
        };
        let mut headers: Vec<RawHeader> = Vec::new();
        for line in lines {
            if line.starts_with([' ', '\t']) {
                let last = headers.last_mut().expect("continuation before any header");
                last.value.push_str(line);
                last.text.push('\n');
                last.text.push_str(line);
            } else {
                let (name, value) = line.split_once(':').expect("header line without ':'");
                headers.push(RawHeader {
                    name: name.to_owned(),
                    value: value.to_owned(),
                    text: line.to_owned(),
                });
            }
        }
        Self {
            method: method.to_owned(),
            target: target.to_owned(),
            version,
            headers,
            body: body.as_bytes().to_vec(),
        }
    }

    /// Whether the request line holds a raw space (see the module docs).
    fn has_raw_space(&self) -> bool {
        self.target.contains(' ')
    }

    fn to_http(&self) -> Request<Vec<u8>> {
        let mut builder = Request::builder()
            .method(self.method.as_str())
            .uri(self.target.replace(' ', "%20"));
        for header in &self.headers {
            builder = builder.header(header.name.as_str(), header.value.as_str());
        }
        builder.body(self.body.clone()).unwrap()
    }
}

/// How a suite prints a signed request.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// botocore: `Authorization: ` with a space, lines joined by `\n`, a
    /// blank line only before a body, no final newline.
    Botocore,
    /// aws-c-auth: `Authorization:` without a space, every header line
    /// ends in `\n`, then a blank line and the body.
    Crt,
}

/// The spelling the suites give the headers the signer adds.
fn display_name(name: &str) -> &str {
    match name {
        "host" => "Host",
        "authorization" => "Authorization",
        "x-amz-date" => "X-Amz-Date",
        "x-amz-security-token" => "X-Amz-Security-Token",
        // aws-c-auth prints this one in lower case.
        "x-amz-content-sha256" => "x-amz-content-sha256",
        other => panic!("the signer added an unexpected header {other:?}"),
    }
}

/// Prints `signed` the way the suite's signed-request files are written.
fn render(signed: &Request<Vec<u8>>, raw: &RawRequest, layout: Layout) -> String {
    let mut target = signed.uri().path_and_query().unwrap().as_str().to_owned();
    if raw.has_raw_space() {
        target = target.replace("%20", " ");
    }
    let mut lines = vec![match &raw.version {
        Some(version) => format!("{} {target} {version}", signed.method()),
        None => format!("{} {target}", signed.method()),
    }];
    let mut used = vec![false; raw.headers.len()];
    for (name, value) in signed.headers() {
        let original = raw.headers.iter().enumerate().position(|(i, h)| {
            !used[i]
                && h.name.eq_ignore_ascii_case(name.as_str())
                && h.value.as_bytes() == value.as_bytes()
        });
        match original {
            Some(i) => {
                used[i] = true;
                lines.push(raw.headers[i].text.clone());
            }
            None => {
                let space = if name == "authorization" && layout == Layout::Botocore {
                    " "
                } else {
                    ""
                };
                lines.push(format!(
                    "{}:{space}{}",
                    display_name(name.as_str()),
                    value.to_str().unwrap()
                ));
            }
        }
    }
    assert!(
        used.iter().all(|u| *u),
        "the signer dropped or changed a header of the request"
    );
    let body = String::from_utf8(signed.body().clone()).unwrap();
    match layout {
        Layout::Botocore if body.is_empty() => lines.join("\n"),
        Layout::Botocore => format!("{}\n\n{body}", lines.join("\n")),
        Layout::Crt => format!("{}\n\n{body}", lines.join("\n")),
    }
}

/// Collects mismatches so that one run reports every failing case.
#[derive(Default)]
struct Report {
    ran: usize,
    skipped: Vec<String>,
    notes: Vec<String>,
    failures: Vec<String>,
}

impl Report {
    fn compare(&mut self, case: &str, what: &str, got: &str, want: &str) {
        if got != want {
            self.failures.push(format!(
                "{case}: {what} differs\n--- want\n{want}\n--- got\n{got}\n---"
            ));
        }
    }
}

fn sign_header(raw: &RawRequest, params: &SigningParams<'_>) -> (Request<Vec<u8>>, SigningOutput) {
    let mut request = raw.to_http();
    let key = SigningKey::derive(params).unwrap();
    let output = sigv4::sign(&mut request, params, &key).unwrap();
    (request, output)
}

fn authorization(request: &Request<Vec<u8>>) -> &str {
    request.headers()["authorization"].to_str().unwrap()
}

/// Finds every `<dir>/<name>/<name>.req` below `root`.
fn botocore_cases(root: &Path, found: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for dir in entries.into_iter().filter(|p| p.is_dir()) {
        let name = dir.file_name().unwrap().to_str().unwrap().to_owned();
        if dir.join(format!("{name}.req")).is_file() {
            found.push(dir);
        } else {
            botocore_cases(&dir, found);
        }
    }
}

fn run_botocore(report: &mut Report) -> usize {
    let root = testdata().join("sigv4");
    let mut cases = Vec::new();
    botocore_cases(&root, &mut cases);
    // The token the `post-sts-token` cases use is given only in prose.
    let readme = read(&root.join("post-sts-token/readme.txt"));
    let sts_token = readme
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap()
        .trim()
        .to_owned();
    assert!(
        sts_token.starts_with("AQoDYXdzEPT"),
        "unexpected readme layout"
    );

    for dir in &cases {
        let name = dir.file_name().unwrap().to_str().unwrap();
        let file = |ext: &str| read(&dir.join(format!("{name}.{ext}")));
        let raw = RawRequest::parse(&file("req"));
        let creq = file("creq");
        let mut settings = SigningSettings::default();
        // botocore takes the token from the canonical request, the one
        // place the suite states it (see SOURCES.md).
        let mut token = creq
            .lines()
            .find_map(|l| l.strip_prefix("x-amz-security-token:"))
            .map(str::to_owned);
        if name == "post-sts-header-after" {
            token = Some(sts_token.clone());
            settings.session_token = SessionTokenMode::AddedAfterSigning;
        }
        if raw.has_raw_space() {
            settings.double_encode = false;
            report.notes.push(format!(
                "sigv4/{name}: raw space sent as %20, signed without double encoding"
            ));
        }
        let credentials = Credentials::new(ACCESS_KEY_ID, SECRET, token.map(Into::into));
        let params = SigningParams::new(&credentials, "us-east-1", "service", time(SUITE_TIME))
            .with_settings(settings);
        let (signed, output) = sign_header(&raw, &params);
        let case = format!("sigv4/{name}");
        report.compare(
            &case,
            "canonical request",
            output.canonical_request(),
            &creq,
        );
        report.compare(
            &case,
            "string to sign",
            output.string_to_sign(),
            &file("sts"),
        );
        report.compare(
            &case,
            "authorization",
            authorization(&signed),
            &file("authz"),
        );
        let mut sreq = file("sreq");
        if name == "get-vanilla-with-session-token" {
            // A defect of the data: this `.sreq` carries the session token
            // rotated by 24 characters where the signature belongs, while
            // `.authz` (and the CRT copy of the case) have the signature
            // that `.sts` produces. The rest of the file is compared.
            let garbled =
                "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
            assert!(
                sreq.contains(garbled),
                "the known defect of {case} is gone; drop this fix-up"
            );
            sreq = sreq.replace(garbled, &format!("Signature={}", output.signature()));
            report.notes.push(format!(
                "{case}: .sreq has a garbled signature (data defect); compared the rest"
            ));
        }
        report.compare(
            &case,
            "signed request",
            &render(&signed, &raw, Layout::Botocore),
            &sreq,
        );
        report.ran += 1;
    }
    cases.len()
}

/// The fields of a CRT `context.json` this harness uses.
struct Context {
    token: Option<String>,
    expires_in: u64,
    normalize: bool,
    region: String,
    service: String,
    sign_body: bool,
    timestamp: String,
    omit_session_token: bool,
}

impl Context {
    fn read(path: &Path) -> Self {
        let json: serde_json::Value = serde_json::from_str(&read(path)).unwrap();
        let credentials = &json["credentials"];
        assert_eq!(credentials["access_key_id"], ACCESS_KEY_ID);
        assert_eq!(credentials["secret_access_key"], SECRET);
        Self {
            token: credentials["token"].as_str().map(str::to_owned),
            expires_in: json["expiration_in_seconds"].as_u64().unwrap(),
            normalize: json["normalize"].as_bool().unwrap(),
            region: json["region"].as_str().unwrap().to_owned(),
            service: json["service"].as_str().unwrap().to_owned(),
            sign_body: json["sign_body"].as_bool().unwrap(),
            timestamp: json["timestamp"].as_str().unwrap().to_owned(),
            omit_session_token: json["omit_session_token"].as_bool().unwrap_or(false),
        }
    }
}

fn run_crt(report: &mut Report) -> usize {
    let root = testdata().join("sigv4-crt/v4");
    let mut cases: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("context.json").is_file())
        .collect();
    cases.sort();
    for dir in &cases {
        let name = dir.file_name().unwrap().to_str().unwrap();
        let file = |f: &str| read(&dir.join(f));
        let context = Context::read(&dir.join("context.json"));
        let raw = RawRequest::parse(&file("request.txt"));
        let mut settings = SigningSettings {
            normalize_path: context.normalize,
            // aws-c-auth signs the body's hash into x-amz-content-sha256
            // exactly when it is asked to sign the body.
            content_sha256_header: context.sign_body,
            ..SigningSettings::default()
        };
        if context.omit_session_token {
            settings.session_token = SessionTokenMode::AddedAfterSigning;
        }
        if raw.has_raw_space() {
            settings.double_encode = false;
            report.notes.push(format!(
                "crt/{name}: raw space sent as %20, signed without double encoding"
            ));
        }
        let credentials =
            Credentials::new(ACCESS_KEY_ID, SECRET, context.token.clone().map(Into::into));
        let params = SigningParams::new(
            &credentials,
            &context.region,
            &context.service,
            time(&context.timestamp),
        )
        .with_settings(settings);

        let case = format!("crt/{name} (header)");
        let (signed, output) = sign_header(&raw, &params);
        report.compare(
            &case,
            "canonical request",
            output.canonical_request(),
            &file("header-canonical-request.txt"),
        );
        report.compare(
            &case,
            "string to sign",
            output.string_to_sign(),
            &file("header-string-to-sign.txt"),
        );
        report.compare(
            &case,
            "signature",
            output.signature(),
            &file("header-signature.txt"),
        );
        report.compare(
            &case,
            "signed request",
            &render(&signed, &raw, Layout::Crt),
            &file("header-signed-request.txt"),
        );
        report.ran += 1;

        let case = format!("crt/{name} (query)");
        let mut presigned = raw.to_http();
        let key = SigningKey::derive(&params).unwrap();
        let output = sigv4::presign(
            &mut presigned,
            &params,
            Duration::from_secs(context.expires_in),
            &key,
        )
        .unwrap();
        report.compare(
            &case,
            "canonical request",
            output.canonical_request(),
            &file("query-canonical-request.txt"),
        );
        report.compare(
            &case,
            "string to sign",
            output.string_to_sign(),
            &file("query-string-to-sign.txt"),
        );
        report.compare(
            &case,
            "signature",
            output.signature(),
            &file("query-signature.txt"),
        );
        report.compare(
            &case,
            "signed request",
            &render(&presigned, &raw, Layout::Crt),
            &file("query-signed-request.txt"),
        );
        report.ran += 1;
    }
    cases.len()
}

fn run_extra(report: &mut Report) -> usize {
    let root = testdata().join("sigv4-extra");
    let credentials = Credentials::new(ACCESS_KEY_ID, SECRET, None);
    let when = time("2021-05-11T15:40:45Z");

    // Fully comparable: smithy-rs signed it with the suite's key.
    let dir = root.join("double-url-encode");
    let raw = RawRequest::parse(&read(&dir.join("request.txt")));
    let params = SigningParams::new(&credentials, "us-east-2", "lambda", when);
    let (signed, output) = sign_header(&raw, &params);
    let case = "extra/double-url-encode";
    report.compare(
        case,
        "canonical request",
        output.canonical_request(),
        &read(&dir.join("header-canonical-request.txt")),
    );
    // This copy's files end in a newline, unlike the other suites'.
    let sts = read(&dir.join("header-string-to-sign.txt"));
    report.compare(
        case,
        "string to sign",
        output.string_to_sign(),
        sts.strip_suffix('\n').unwrap(),
    );
    // Its signed request has no HTTP version on the request line and a
    // final newline; otherwise it is botocore's layout.
    let mut expected_sreq = read(&dir.join("header-signed-request.txt"));
    assert_eq!(expected_sreq.pop(), Some('\n'));
    let shown = RawRequest {
        version: None,
        ..RawRequest::parse(&read(&dir.join("request.txt")))
    };
    report.compare(
        case,
        "signed request",
        &render(&signed, &shown, Layout::Botocore),
        &expected_sreq,
    );
    report.ran += 1;

    // Only the canonical request is comparable: the signed-request file
    // was made with another date (20150830) and access key (ANOTREAL) than
    // the canonical request (20210511), and no string to sign is given.
    let dir = root.join("double-encode-path");
    let raw = RawRequest::parse(&read(&dir.join("request.txt")));
    let params = SigningParams::new(&credentials, "us-east-1", "execute-api", when);
    let (_, output) = sign_header(&raw, &params);
    let case = "extra/double-encode-path";
    report.compare(
        case,
        "canonical request",
        output.canonical_request(),
        &read(&dir.join("header-canonical-request.txt")),
    );
    report.notes.push(format!(
        "{case}: canonical request only (the other files disagree with it)"
    ));
    report.ran += 1;
    2
}

#[test]
fn sigv4_test_suites() {
    let mut report = Report::default();
    let botocore = run_botocore(&mut report);
    let crt = run_crt(&mut report);
    let extra = run_extra(&mut report);

    let mut summary = String::new();
    let _ = writeln!(
        summary,
        "sigv4 suites: {botocore} botocore cases, {crt} aws-c-auth cases (x2: header + query), {extra} smithy-rs cases"
    );
    let _ = writeln!(
        summary,
        "ran {} signings, skipped {}",
        report.ran,
        report.skipped.len()
    );
    for skipped in &report.skipped {
        let _ = writeln!(summary, "  skipped {skipped}");
    }
    for note in &report.notes {
        let _ = writeln!(summary, "  note: {note}");
    }
    println!("{summary}");
    eprintln!("{summary}");

    // Fewer cases than SOURCES.md lists means data went missing; the test
    // must not pass by running nothing.
    assert_eq!(botocore, 34, "testdata/sigv4 should hold 34 cases");
    assert_eq!(crt, 38, "testdata/sigv4-crt/v4 should hold 38 cases");
    assert_eq!(report.ran, 34 + 2 * 38 + 2);
    assert!(
        report.failures.is_empty(),
        "{} mismatches:\n{}",
        report.failures.len(),
        report.failures.join("\n")
    );
}
