//! Name resolution for the default transport, cached.
//!
//! ureq resolves the host of every request before it looks for a pooled
//! connection, and when the request has a timeout it does so on a thread
//! of its own, so that a stuck `getaddrinfo` cannot outlive the timeout.
//! For a client that sends every call to the same STS host over a kept-alive
//! connection that is one thread spawned (and one lookup) per call, which
//! measured here costs several times the rest of the call. This resolver
//! keeps each answer for [`TTL`] and only asks the system resolver (through
//! ureq's, with its timeout) on a miss.

use std::collections::HashMap;
use std::fmt;
use std::io;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// How long an answer is reused. Long enough that a busy client resolves
/// rarely, short enough that it follows a DNS change within a minute.
pub(crate) const TTL: Duration = Duration::from_secs(30);

/// Hosts remembered at most; the cache starts over when it is full.
const MAX_HOSTS: usize = 64;

/// ureq's resolver behind a small time-limited cache.
#[derive(Default)]
pub(crate) struct CachingResolver {
    inner: DefaultResolver,
    cache: Mutex<HashMap<String, (Instant, ResolvedSocketAddrs)>>,
}

impl fmt::Debug for CachingResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hosts = self.cache.lock().map_or(0, |c| c.len());
        f.debug_struct("CachingResolver")
            .field("hosts", &hosts)
            .finish_non_exhaustive()
    }
}

impl Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        // Scheme and authority: the port (explicit or the scheme's) is part
        // of the answer.
        let key = format!(
            "{}://{}",
            uri.scheme_str().unwrap_or_default(),
            uri.authority().map(|a| a.as_str()).unwrap_or_default()
        );
        let now = Instant::now();
        {
            let cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some((at, addrs)) = cache.get(&key)
                && now.duration_since(*at) < TTL
            {
                return Ok(addrs.clone());
            }
        }
        // Failures are not kept: the next call asks again.
        let addrs = self
            .inner
            .resolve(uri, config, timeout)
            .map_err(|e| match e {
                ureq::Error::Io(source) => ureq::Error::Io(io::Error::new(
                    source.kind(),
                    ResolveFailed {
                        host: uri.host().unwrap_or_default().to_owned(),
                        source,
                    },
                )),
                other => other,
            })?;
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        if cache.len() >= MAX_HOSTS {
            cache.clear();
        }
        cache.insert(key, (now, addrs.clone()));
        Ok(addrs)
    }
}

/// A name the system resolver could not resolve, with its error.
///
/// ureq's resolver hands the system's failure on as a bare
/// [`ureq::Error::Io`] of no particular kind, which reads like a
/// connection that broke; this wrapper lets the transport tell that no
/// connection could be made at all (a typo'd region's host, no DNS), while
/// the system's own words stay in the message.
#[derive(Debug)]
pub(crate) struct ResolveFailed {
    host: String,
    source: io::Error,
}

impl fmt::Display for ResolveFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot resolve {}: {}", self.host, self.source)
    }
}

impl std::error::Error for ResolveFailed {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_reused_and_failures_are_not() {
        let resolver = CachingResolver::default();
        let config = Config::default();
        let uri: Uri = "http://127.0.0.1:9/".parse().unwrap();
        let first = resolver
            .resolve(&uri, &config, NextTimeout::default())
            .unwrap();
        assert_eq!(first.len(), 1);
        assert_eq!(first[0], "127.0.0.1:9".parse().unwrap());
        assert_eq!(resolver.cache.lock().unwrap().len(), 1);
        let again = resolver
            .resolve(&uri, &config, NextTimeout::default())
            .unwrap();
        assert_eq!(again[0], first[0]);

        let other: Uri = "https://127.0.0.1/".parse().unwrap();
        let https = resolver
            .resolve(&other, &config, NextTimeout::default())
            .unwrap();
        assert_eq!(https[0], "127.0.0.1:443".parse().unwrap());
        assert_eq!(resolver.cache.lock().unwrap().len(), 2);

        let bad: Uri = "http://no-such-host.invalid/".parse().unwrap();
        assert!(
            resolver
                .resolve(&bad, &config, NextTimeout::default())
                .is_err()
        );
        assert_eq!(resolver.cache.lock().unwrap().len(), 2);
    }
}
