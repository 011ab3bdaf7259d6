//! The file system, as the providers see it: the real one, or a map in tests.

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Reads whole files. The providers read profile files and token files
/// only through this trait.
pub trait Fs: Send + Sync + fmt::Debug {
    /// The file's bytes. A missing file is an error of kind
    /// [`io::ErrorKind::NotFound`]; a file longer than `limit` bytes is an
    /// error of kind [`io::ErrorKind::InvalidData`]. An implementation
    /// must not block for ever (see [`RealFs`]).
    fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>>;
}

/// The real file system.
///
/// Reads only regular files (symbolic links followed), at most `limit`
/// bytes of them. Anything else is an error of kind
/// [`io::ErrorKind::InvalidInput`] before it is opened: opening a FIFO
/// blocks until something writes to it, and a terminal or a device may
/// never stop giving bytes or never give any. The one exception is
/// `/dev/null` (as in `AWS_CONFIG_FILE=/dev/null`), which reads as empty.
///
/// The file type is checked on the path and again on the opened file,
/// in case the path was replaced in between. A path replaced by a FIFO in
/// that instant can still block the `open` itself: std has no way to open
/// without blocking short of `O_NONBLOCK`, which this crate cannot name
/// without a dependency on `libc`.
#[derive(Debug, Clone, Copy, Default)]
pub struct RealFs;

impl Fs for RealFs {
    fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        if is_dev_null(&check_type(std::fs::metadata(path)?)?)? {
            return Ok(Vec::new());
        }
        let file = std::fs::File::open(path)?;
        if is_dev_null(&check_type(file.metadata()?)?)? {
            return Ok(Vec::new());
        }
        let mut bytes = Vec::new();
        file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > limit {
            return Err(too_large(limit));
        }
        Ok(bytes)
    }
}

/// `metadata` if it is that of a regular file or of a character device
/// (which [`is_dev_null`] then narrows to `/dev/null`); else why not.
fn check_type(metadata: std::fs::Metadata) -> io::Result<std::fs::Metadata> {
    let kind = metadata.file_type();
    if kind.is_file() {
        return Ok(metadata);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let what = if kind.is_fifo() {
            "a FIFO (named pipe)"
        } else if kind.is_socket() {
            "a socket"
        } else if kind.is_block_device() {
            "a block device"
        } else if kind.is_char_device() {
            return Ok(metadata);
        } else if kind.is_dir() {
            "a directory"
        } else {
            "not a regular file"
        };
        Err(special(what))
    }
    #[cfg(not(unix))]
    Err(special(if kind.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }))
}

/// Whether `metadata` (of a regular file or a character device) is that
/// of `/dev/null`; any other character device is refused.
fn is_dev_null(metadata: &std::fs::Metadata) -> io::Result<bool> {
    if metadata.file_type().is_file() {
        return Ok(false);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if std::fs::metadata("/dev/null").is_ok_and(|null| null.rdev() == metadata.rdev()) {
            return Ok(true);
        }
    }
    Err(special("a character device (a terminal or other device)"))
}

fn special(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "it is {what}; only regular files are read, since reading anything else can \
             block for ever"
        ),
    )
}

fn too_large(limit: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("the file is larger than {limit} bytes"),
    )
}

/// Files held in memory, by path. `Debug` lists the paths only.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct MapFs {
    files: HashMap<PathBuf, Vec<u8>>,
}

impl MapFs {
    /// An empty file system.
    pub fn new() -> Self {
        Self::default()
    }

    /// The same file system with a file at `path`.
    pub fn with_file(mut self, path: impl Into<PathBuf>, contents: impl Into<Vec<u8>>) -> Self {
        self.insert(path, contents);
        self
    }

    /// Adds or replaces the file at `path`.
    pub fn insert(&mut self, path: impl Into<PathBuf>, contents: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), contents.into());
    }

    /// Removes the file at `path`.
    pub fn remove(&mut self, path: impl AsRef<Path>) {
        self.files.remove(path.as_ref());
    }
}

impl Fs for MapFs {
    fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        match self.files.get(path) {
            Some(bytes) if bytes.len() as u64 > limit => Err(too_large(limit)),
            Some(bytes) => Ok(bytes.clone()),
            None => Err(io::Error::new(io::ErrorKind::NotFound, "no such file")),
        }
    }
}

impl fmt::Debug for MapFs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut paths: Vec<&PathBuf> = self.files.keys().collect();
        paths.sort();
        f.debug_tuple("MapFs").field(&paths).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_fs_reads_and_limits() {
        let fs = MapFs::new().with_file("/a", "hello");
        assert_eq!(fs.read(Path::new("/a"), 5).unwrap(), b"hello");
        assert_eq!(
            fs.read(Path::new("/a"), 4).unwrap_err().kind(),
            io::ErrorKind::InvalidData
        );
        assert_eq!(
            fs.read(Path::new("/b"), 4).unwrap_err().kind(),
            io::ErrorKind::NotFound
        );
        assert!(!format!("{fs:?}").contains("hello"));
    }

    #[test]
    fn real_fs_limits() {
        let dir = std::env::temp_dir().join(format!("sts-fs-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("f");
        std::fs::write(&path, b"0123456789").unwrap();
        assert_eq!(RealFs.read(&path, 10).unwrap().len(), 10);
        assert_eq!(
            RealFs.read(&path, 9).unwrap_err().kind(),
            io::ErrorKind::InvalidData
        );
        assert_eq!(
            RealFs.read(&dir.join("missing"), 9).unwrap_err().kind(),
            io::ErrorKind::NotFound
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
