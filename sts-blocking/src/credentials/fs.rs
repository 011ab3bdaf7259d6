//! The file system, as the providers see it: the real one, or a map in tests.

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

/// Reads whole files, and replaces the few that providers write back (the
/// SSO and login token caches). The providers touch files only through
/// this trait.
pub trait Fs: Send + Sync + fmt::Debug {
    /// The file's bytes. A missing file is an error of kind
    /// [`io::ErrorKind::NotFound`]; a file longer than `limit` bytes is an
    /// error of kind [`io::ErrorKind::InvalidData`]. An implementation
    /// must not block for ever (see [`RealFs`]).
    fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>>;

    /// Replaces the file at `path` with `contents` so that a reader sees
    /// either the old file or the new one, never a part (the token caches
    /// are read by other programs, such as the AWS CLI, at any moment), and
    /// so that only the owner can read it: the caches hold tokens.
    ///
    /// The default refuses with [`io::ErrorKind::Unsupported`]: a file
    /// system that cannot write keeps working for every provider that only
    /// reads, and a refreshed token is then used without being cached.
    fn write_atomic(&self, path: &Path, contents: &[u8]) -> io::Result<()> {
        let _ = (path, contents);
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "this file system is read-only",
        ))
    }
}

// Shared and boxed file systems are file systems; each method is passed
// on, so that a file system that writes still writes.
impl<T: Fs + ?Sized> Fs for std::sync::Arc<T> {
    fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        (**self).read(path, limit)
    }

    fn write_atomic(&self, path: &Path, contents: &[u8]) -> io::Result<()> {
        (**self).write_atomic(path, contents)
    }
}

impl<T: Fs + ?Sized> Fs for Box<T> {
    fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        (**self).read(path, limit)
    }

    fn write_atomic(&self, path: &Path, contents: &[u8]) -> io::Result<()> {
        (**self).write_atomic(path, contents)
    }
}

/// The real file system.
///
/// Reads only regular files (symbolic links followed), at most `limit`
/// bytes of them. A directory is an error of kind
/// [`io::ErrorKind::IsADirectory`]; anything else is an error of kind
/// [`io::ErrorKind::InvalidInput`] before it is opened: opening a FIFO
/// blocks until something writes to it, and a terminal or a device may
/// never stop giving bytes or never give any. The one exception is
/// `/dev/null` (as in `AWS_CONFIG_FILE=/dev/null`), which reads as empty.
///
/// The file type is checked on the path, then the file is opened without
/// blocking (`O_NONBLOCK`, so that a path swapped for a FIFO in between
/// cannot hold up the `open`), then the type is checked again on the
/// opened file. The bytes are read into one buffer of the file's size, so
/// that no partial copy of a secret is left behind by a growing buffer.
#[derive(Debug, Clone, Copy, Default)]
pub struct RealFs;

impl Fs for RealFs {
    fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        if is_dev_null(&check_type(std::fs::metadata(path)?)?)? {
            return Ok(Vec::new());
        }
        let file = open_without_blocking(path)?;
        let metadata = check_type(file.metadata()?)?;
        if is_dev_null(&metadata)? {
            return Ok(Vec::new());
        }
        let expected = usize::try_from(metadata.len().min(limit)).unwrap_or(0);
        let mut bytes = Vec::with_capacity(expected.saturating_add(1));
        file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > limit {
            zeroize::Zeroize::zeroize(&mut bytes);
            return Err(too_large(limit));
        }
        Ok(bytes)
    }

    fn write_atomic(&self, path: &Path, contents: &[u8]) -> io::Result<()> {
        replace_file(path, contents)
    }
}

/// Opens `path` for reading; on Unix with `O_NONBLOCK`, which makes opening
/// a FIFO return at once and changes nothing for a regular file.
fn open_without_blocking(path: &Path) -> io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
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
            return Err(directory());
        } else {
            "not a regular file"
        };
        Err(special(what))
    }
    #[cfg(not(unix))]
    Err(if kind.is_dir() {
        directory()
    } else {
        special("not a regular file")
    })
}

/// A directory where a file was expected: of its own kind, as the
/// operating system reports it, so that callers can tell it from a file
/// this reader refuses to read.
fn directory() -> io::Error {
    io::Error::new(io::ErrorKind::IsADirectory, "it is a directory")
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

/// Creates a temporary file beside `path` (mode 0600 on Unix, created anew:
/// never an existing file or a link), writes and syncs it, then renames it
/// over `path`. The parent directory is created (mode 0700 on Unix) when
/// missing, as the AWS CLI does for `~/.aws/sso/cache`.
fn replace_file(path: &Path, contents: &[u8]) -> io::Result<()> {
    replace_file_named(path, contents, unguessable_suffix)
}

/// A suffix for a temporary file's name that another process (two
/// containers' `sts`, each process 1, sharing `~/.aws`) does not pick too
/// and a local user cannot plant first: the process id, a counter, and a
/// hash keyed by std's per-process random keys.
fn unguessable_suffix() -> String {
    use std::hash::BuildHasher;
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let id = std::process::id();
    let noise = std::hash::RandomState::new().hash_one((id, n));
    format!("{id}.{noise:016x}")
}

/// [`replace_file`] with the temporary file's suffixes from `suffix`: a
/// name that is taken is passed over, and left alone (it is another
/// writer's), up to eight times.
fn replace_file_named(
    path: &Path,
    contents: &[u8],
    mut suffix: impl FnMut() -> String,
) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"))?;
    if !dir.exists() {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut tries = 0;
    let (mut file, temp) = loop {
        let mut temp_name = std::ffi::OsString::from(".");
        temp_name.push(name);
        temp_name.push(format!(".{}.tmp", suffix()));
        let temp = dir.join(temp_name);
        match options.open(&temp) {
            Ok(file) => break (file, temp),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && tries < 7 => tries += 1,
            Err(e) => return Err(e),
        }
    };
    // Only the file this call made is removed on failure.
    let written = (|| {
        file.write_all(contents)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

fn too_large(limit: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("the file is larger than {limit} bytes"),
    )
}

/// Files held in memory, by path. `Debug` lists the paths only.
///
/// Clones share the files, so a test can hand one to a provider and look at
/// what the provider wrote back through another ([`MapFs::get`]).
#[derive(Clone, Default)]
pub struct MapFs {
    files: Arc<Mutex<HashMap<PathBuf, Vec<u8>>>>,
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

    /// Adds or replaces the file at `path` (in every clone).
    pub fn insert(&mut self, path: impl Into<PathBuf>, contents: impl Into<Vec<u8>>) {
        self.lock().insert(path.into(), contents.into());
    }

    /// Removes the file at `path` (in every clone).
    pub fn remove(&mut self, path: impl AsRef<Path>) {
        self.lock().remove(path.as_ref());
    }

    /// The paths of its files, in order.
    pub fn paths(&self) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = self.lock().keys().cloned().collect();
        paths.sort();
        paths
    }

    /// The bytes of the file at `path`, if there is one.
    pub fn get(&self, path: impl AsRef<Path>) -> Option<Vec<u8>> {
        self.lock().get(path.as_ref()).cloned()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, Vec<u8>>> {
        self.files.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Fs for MapFs {
    fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        match self.lock().get(path) {
            Some(bytes) if bytes.len() as u64 > limit => Err(too_large(limit)),
            Some(bytes) => Ok(bytes.clone()),
            None => Err(io::Error::new(io::ErrorKind::NotFound, "no such file")),
        }
    }

    fn write_atomic(&self, path: &Path, contents: &[u8]) -> io::Result<()> {
        self.lock().insert(path.to_owned(), contents.to_vec());
        Ok(())
    }
}

impl fmt::Debug for MapFs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let files = self.lock();
        let mut paths: Vec<&PathBuf> = files.keys().collect();
        paths.sort();
        f.debug_tuple("MapFs").field(&paths).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A new empty folder `sts-NAME-PID` in the temporary directory,
    /// removed when dropped, so also when an assertion fails before the
    /// test's end.
    struct ScratchDir(PathBuf);

    impl ScratchDir {
        fn new(name: &str) -> ScratchDir {
            let dir = std::env::temp_dir().join(format!("sts-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            ScratchDir(dir)
        }
    }

    impl Drop for ScratchDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[cfg(unix)]
    #[test]
    fn write_atomic_replaces_the_file_owner_only_and_leaves_no_temporary() {
        use std::os::unix::fs::PermissionsExt;
        let dir = ScratchDir::new("fs-write");
        let path = dir.0.join("cache").join("token.json");
        RealFs.write_atomic(&path, b"first").unwrap();
        RealFs.write_atomic(&path, b"second").unwrap();
        assert_eq!(RealFs.read(&path, 100).unwrap(), b"second");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let dir_mode = std::fs::metadata(path.parent().unwrap())
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(dir_mode, 0o700);
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["token.json"]);
    }

    /// A temporary name another writer holds (two containers' `sts`, each
    /// process 1, on one `~/.aws`) is passed over and left alone: it was
    /// deleted, so that writer's rename failed and neither cache write
    /// landed. Suffixes are unguessable, so the clash is forced here.
    #[test]
    fn a_temporary_name_in_use_is_passed_over_and_left_alone() {
        let dir = ScratchDir::new("fs-clash");
        let path = dir.0.join("token.json");
        let theirs = dir.0.join(".token.json.1.0.tmp");
        std::fs::write(&theirs, b"theirs").unwrap();
        let mut suffixes = ["1.0", "1.1"].into_iter().map(str::to_owned);
        let written = replace_file_named(&path, b"ours", || suffixes.next().unwrap());
        let (ours, kept) = (std::fs::read(&path), std::fs::read(&theirs));
        // Every name taken: an error, and still nothing of theirs removed.
        let taken = replace_file_named(&path, b"again", || "1.0".to_owned());
        let still = std::fs::read(&theirs);
        written.unwrap();
        assert_eq!(ours.unwrap(), b"ours");
        assert_eq!(kept.unwrap(), b"theirs");
        assert_eq!(taken.unwrap_err().kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(still.unwrap(), b"theirs");
        assert_ne!(unguessable_suffix(), unguessable_suffix());
    }

    #[test]
    fn map_fs_clones_share_what_is_written() {
        let fs = MapFs::new();
        let seen = fs.clone();
        fs.write_atomic(Path::new("/a"), b"x").unwrap();
        assert_eq!(seen.get("/a").unwrap(), b"x");
    }

    /// The race the second type check cannot close: a path that is a FIFO
    /// by the time it is opened. The open must return, not wait for a
    /// writer (the test would hang on a blocking open).
    #[cfg(unix)]
    #[test]
    fn opening_a_fifo_does_not_block() {
        let dir = ScratchDir::new("fs-fifo");
        let fifo = dir.0.join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let (done, wait) = std::sync::mpsc::channel();
        let path = fifo.clone();
        std::thread::spawn(move || {
            let opened = open_without_blocking(&path).map(|f| f.metadata().map(|m| m.file_type()));
            done.send(opened.is_ok()).ok();
        });
        let opened = wait.recv_timeout(std::time::Duration::from_secs(5));
        assert_eq!(opened, Ok(true), "the open blocked or failed");
    }

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
        let dir = ScratchDir::new("fs-test");
        let path = dir.0.join("f");
        std::fs::write(&path, b"0123456789").unwrap();
        assert_eq!(RealFs.read(&path, 10).unwrap().len(), 10);
        assert_eq!(
            RealFs.read(&path, 9).unwrap_err().kind(),
            io::ErrorKind::InvalidData
        );
        assert_eq!(
            RealFs.read(&dir.0.join("missing"), 9).unwrap_err().kind(),
            io::ErrorKind::NotFound
        );
    }
}
