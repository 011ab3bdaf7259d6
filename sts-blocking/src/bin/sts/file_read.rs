//! Reading a `file://` value within a deadline. A regular file is read at
//! once; anything else (a FIFO, the pipe of a shell's process substitution
//! `file://<(…)`, `/dev/stdin`) is read as the AWS CLI reads it, but its
//! opening and reading wait on a writer that may never come. Every file is
//! therefore opened and read on a thread of its own, and waited for at
//! most [`UNATTENDED_WAIT`], or [`ATTENDED_WAIT`] when a person may be
//! typing into the terminal (the AWS CLI waits for ever). Checking the
//! type first and opening after would leave a moment in which the path
//! could become a FIFO.

use std::fs::File;
use std::io::{self, IsTerminal, Read};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

/// How long a pipe's writer is waited for when no one is at the terminal.
const UNATTENDED_WAIT: Duration = Duration::from_secs(60);

/// How long it is waited for when standard input is a terminal: a person
/// may be typing the value into `file:///dev/stdin`.
const ATTENDED_WAIT: Duration = Duration::from_secs(600);

/// The wait for a pipe's writer in this run.
pub(crate) fn writer_wait() -> Duration {
    match io::stdin().is_terminal() {
        true => ATTENDED_WAIT,
        false => UNATTENDED_WAIT,
    }
}

/// At most `max + 1` bytes of the file at `path` (one more than `max`, so
/// the caller can tell that it is too long), opened and read within
/// `wait`.
pub(crate) fn read_within(path: &Path, max: u64, wait: Duration) -> io::Result<Vec<u8>> {
    // On a thread of its own, which is left waiting if no writer comes:
    // the tool ends with the error soon after.
    let (done, result) = mpsc::channel();
    let owned = path.to_owned();
    std::thread::Builder::new()
        .name("file-value".to_owned())
        .spawn(move || {
            let read = File::open(&owned).and_then(|file| {
                let mut bytes = Vec::new();
                file.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
                Ok(bytes)
            });
            let _ = done.send(read);
        })?;
    match result.recv_timeout(wait) {
        Ok(read) => read,
        Err(_) => Err(io::Error::new(
            io::ErrorKind::TimedOut,
            format!(
                "it did not give all of its text within {} s (a pipe or FIFO that no one \
                 writes to, or a terminal that was not ended with Ctrl-D?)",
                wait.as_secs()
            ),
        )),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::scratch::ScratchDir;
    use std::time::Instant;

    /// A FIFO in a scratch folder of its own.
    fn fifo(name: &str) -> (ScratchDir, std::path::PathBuf) {
        let dir = ScratchDir::new(&format!("file-read-{name}"));
        let path = dir.0.join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .unwrap();
        assert!(made.success());
        (dir, path)
    }

    /// A FIFO no one writes to blocked the tool for ever; now it is an
    /// error at the deadline.
    #[test]
    fn a_fifo_without_a_writer_is_an_error_at_the_deadline() {
        let (_dir, path) = fifo("silent");
        let started = Instant::now();
        let e = read_within(&path, 1024, Duration::from_millis(300)).unwrap_err();
        let took = started.elapsed();
        assert_eq!(e.kind(), io::ErrorKind::TimedOut);
        assert!(
            e.to_string()
                .contains("did not give all of its text within"),
            "{e}"
        );
        assert!(took >= Duration::from_millis(300), "{took:?}");
        assert!(took < Duration::from_secs(5), "{took:?}");
    }

    /// A pipe with a writer reads as a file does (`file://<(…)`), within
    /// the same size cap.
    #[test]
    fn a_fifo_with_a_writer_is_read() {
        let (_dir, path) = fifo("written");
        let writer = {
            let path = path.clone();
            std::thread::spawn(move || std::fs::write(&path, "{\"Version\":\"2012-10-17\"}"))
        };
        let bytes = read_within(&path, 1024, Duration::from_secs(30)).unwrap();
        assert_eq!(bytes, b"{\"Version\":\"2012-10-17\"}");
        writer.join().unwrap().unwrap();
    }

    #[test]
    fn regular_files_are_read_to_one_byte_past_the_cap() {
        let wait = Duration::from_secs(30);
        let dir = ScratchDir::new("file-read-plain");
        let path = dir.0.join("plain");
        std::fs::write(&path, "0123456789").unwrap();
        assert_eq!(read_within(&path, 4, wait).unwrap(), b"01234");
        assert_eq!(read_within(&path, 64, wait).unwrap(), b"0123456789");
    }
}
