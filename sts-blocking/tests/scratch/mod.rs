//! Scratch folders for the tests that need real files (a FIFO, a marker a
//! background process would leave), removed when the test ends, pass or
//! fail. The workspace's other tests have `sts_tests::ScratchDir`;
//! `sts-tests` depends on this crate, so this one has its own.

#![allow(dead_code)]

use std::ops::Deref;
use std::path::{Path, PathBuf};

/// A new empty folder `sts-NAME-PID` in the temporary directory (`TMPDIR`),
/// removed with everything in it when dropped: a `remove_dir_all` at a
/// test's end is never reached when an assertion before it fails, while a
/// drop runs as the panic unwinds.
pub(crate) struct ScratchDir(PathBuf);

impl ScratchDir {
    /// `name` is the test's own; a leftover of an earlier, killed process
    /// with the same id is removed first.
    pub(crate) fn new(name: &str) -> ScratchDir {
        let dir = std::env::temp_dir().join(format!("sts-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        ScratchDir(dir)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Deref for ScratchDir {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
