//! Parsing an AssumeRole response with a 1 KiB session token, against a
//! baseline in the same run: a bare quick-xml event scan of the same bytes,
//! the least a parser built on quick-xml (as this reader once was) must do.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use http::HeaderMap;
use quick_xml::events::Event;
use quick_xml::reader::Reader;
use sts_proto::operation::parse;
use sts_proto::ops::AssumeRole;

fn response() -> Vec<u8> {
    let token: String = "IQoJb3JpZ2luX2VjEOz/////////wEaCXVzLWVhc3QtMSJHMEUCIQ"
        .chars()
        .cycle()
        .take(1024)
        .collect();
    format!(
        r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <SourceIdentity>alice</SourceIdentity>
    <AssumedRoleUser>
      <AssumedRoleId>AROA3XFRBF535PLBIFPI4:s3-access-example</AssumedRoleId>
      <Arn>arn:aws:sts::123456789012:assumed-role/xaccounts3access/s3-access-example</Arn>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAJEXAMPLEXEG2JICEA</AccessKeyId>
      <SecretAccessKey>9drTJvcXLB89EXAMPLELB8923FB892xMFI</SecretAccessKey>
      <SessionToken>{token}</SessionToken>
      <Expiration>2019-11-09T13:34:41Z</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>
"#
    )
    .into_bytes()
}

/// Reads every event and touches every text, as any parser must.
fn bare_scan(body: &[u8]) -> usize {
    let text = std::str::from_utf8(body).unwrap_or_default();
    let mut reader = Reader::from_str(text);
    let mut n = 0;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) | Err(_) => return n,
            Ok(Event::Text(t)) => n += t.len(),
            Ok(_) => n += 1,
        }
    }
}

fn bench(c: &mut Criterion) {
    let body = response();
    let headers = HeaderMap::new();
    assert!(parse::<AssumeRole>(200, &headers, &body).is_ok());
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("baseline_quick_xml_scan", |b| {
        b.iter(|| bare_scan(black_box(&body)))
    });
    group.bench_function("assume_role_response", |b| {
        b.iter(|| parse::<AssumeRole>(200, black_box(&headers), black_box(&body)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
