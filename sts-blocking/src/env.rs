//! Where configuration comes from: the process environment, or a map in tests.

use std::collections::HashMap;
use std::fmt;

/// A source of environment variables.
///
/// The client and the credential providers read the environment only
/// through this trait, so tests (and programs that keep configuration
/// elsewhere) can supply their own.
pub trait Env: Send + Sync + fmt::Debug {
    /// The variable's value, if set and valid Unicode.
    fn get(&self, name: &str) -> Option<String>;

    /// The variable's value, unless unset or blank; the AWS SDKs treat a
    /// blank variable as unset.
    fn get_nonempty(&self, name: &str) -> Option<String> {
        self.get(name).filter(|v| !v.trim().is_empty())
    }
}

// Shared and boxed environments are environments; each method is passed
// on, so that one an implementation overrides stays overridden.
impl<T: Env + ?Sized> Env for std::sync::Arc<T> {
    fn get(&self, name: &str) -> Option<String> {
        (**self).get(name)
    }

    fn get_nonempty(&self, name: &str) -> Option<String> {
        (**self).get_nonempty(name)
    }
}

impl<T: Env + ?Sized> Env for Box<T> {
    fn get(&self, name: &str) -> Option<String> {
        (**self).get(name)
    }

    fn get_nonempty(&self, name: &str) -> Option<String> {
        (**self).get_nonempty(name)
    }
}

/// The process environment.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn get(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
}

/// A fixed set of variables.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct MapEnv(HashMap<String, String>);

impl MapEnv {
    /// An environment holding `vars`.
    pub fn new<K: Into<String>, V: Into<String>>(vars: impl IntoIterator<Item = (K, V)>) -> Self {
        Self(
            vars.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }

    /// Sets `name` to `value`, replacing what it held.
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.insert(name.into(), value.into());
    }

    /// Removes `name`.
    pub fn remove(&mut self, name: &str) {
        self.0.remove(name);
    }
}

impl Env for MapEnv {
    fn get(&self, name: &str) -> Option<String> {
        self.0.get(name).cloned()
    }
}

impl fmt::Debug for MapEnv {
    /// Names only: values may be secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<&String> = self.0.keys().collect();
        names.sort();
        f.debug_tuple("MapEnv").field(&names).finish()
    }
}
