//! The guard that keeps every test off the network: cargo runs each test
//! binary through `scripts/no-network.sh` (`.cargo/config.toml`), which
//! gives it a network namespace with loopback only. The default credential
//! chain ends at EC2 instance metadata (169.254.169.254) and container
//! credentials (169.254.170.2); this proves that a test which forgets to
//! switch those off still cannot send them a packet.

use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// The interfaces this process can see, from `/proc/net/dev` (which, unlike
/// `/sys/class/net`, shows the reader's own namespace).
fn interfaces() -> Vec<String> {
    let text = std::fs::read_to_string("/proc/net/dev").expect("/proc/net/dev");
    text.lines()
        .skip(2)
        .filter_map(|l| l.split(':').next())
        .map(|name| name.trim().to_owned())
        .collect()
}

fn inside_guard() -> bool {
    std::env::var("STS_NO_NETWORK").as_deref() == Ok("inside")
}

#[test]
fn tests_run_with_loopback_as_the_only_interface() {
    if !inside_guard() {
        sts_tests::tools::skip(
            "this test binary was not run through scripts/no-network.sh \
             (run it with `cargo test`, which uses .cargo/config.toml's runner)",
        );
        return;
    }
    assert_eq!(interfaces(), ["lo"], "a test can see a real network");
}

#[test]
fn link_local_metadata_addresses_are_unreachable_at_once() {
    if !inside_guard() {
        sts_tests::tools::skip("not inside scripts/no-network.sh; sending nothing");
        return;
    }
    assert_eq!(
        interfaces(),
        ["lo"],
        "refusing to connect: a real network is visible"
    );
    // Safe only because the check above proved there is no route: inside the
    // namespace these connections fail locally, before any packet exists.
    for addr in [
        "169.254.169.254:80",
        "169.254.170.2:80",
        "[fd00:ec2::254]:80",
        "[fd00:ec2::23]:80",
    ] {
        let addr: SocketAddr = addr.parse().unwrap();
        let started = Instant::now();
        let err = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).unwrap_err();
        assert!(
            started.elapsed() < Duration::from_millis(100),
            "{addr}: took {:?} ({err})",
            started.elapsed()
        );
    }
}

#[test]
fn loopback_works_inside_the_guard() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    TcpStream::connect(addr).expect("loopback must work for the tests' own servers");
}
