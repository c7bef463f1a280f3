//! Anonymous pipes and the standard streams, by way of [os_pipe] and rustix.
//!
//! [os_pipe]: https://docs.rs/os_pipe

use std::os::fd::{BorrowedFd, OwnedFd};

pub use rustix::pipe::PipeFlags;
use rustix::pipe::{fcntl_getpipe_size, fcntl_setpipe_size, pipe_with};

use crate::error::{Result, Syscall};

/// `pipe2(O_CLOEXEC | flags)`—Creates an anonymous pipe, returning its
/// `(reader, writer)` ends.
///
/// Both ends are close-on-exec whatever `flags` holds, so a child process only
/// gets the end it is handed as stdio. With no extra flags this is
/// [`os_pipe::pipe`]; `NONBLOCK` and `DIRECT` (packet mode, where each write is
/// one message) need `pipe2` itself, which rustix calls.
///
/// # References
///  - [Linux `pipe(2)`](https://man7.org/linux/man-pages/man2/pipe.2.html)
///  - [Linux `pipe(7)`](https://man7.org/linux/man-pages/man7/pipe.7.html)
pub fn pipe(flags: PipeFlags) -> Result<(OwnedFd, OwnedFd)> {
    if flags.is_empty() {
        let (reader, writer) = os_pipe::pipe().syscall("pipe2")?;
        return Ok((reader.into(), writer.into()));
    }
    pipe_with(flags | PipeFlags::CLOEXEC).syscall("pipe2")
}

/// `fcntl(fd, F_GETPIPE_SZ)`—The capacity of a pipe's buffer, in bytes.
///
/// # References
///  - [Linux `fcntl(2)`](https://man7.org/linux/man-pages/man2/fcntl.2.html)
pub fn capacity(fd: BorrowedFd<'_>) -> Result<usize> {
    fcntl_getpipe_size(fd).syscall("fcntl")
}

/// `fcntl(fd, F_SETPIPE_SZ, bytes)`—Resizes a pipe's buffer and returns the
/// capacity the kernel chose.
///
/// The kernel rounds `bytes` up to a power-of-two number of pages. Going past
/// `/proc/sys/fs/pipe-max-size` needs `CAP_SYS_RESOURCE` (`EPERM`), and
/// shrinking below what the pipe holds fails with `EBUSY`.
///
/// # References
///  - [Linux `fcntl(2)`](https://man7.org/linux/man-pages/man2/fcntl.2.html)
pub fn set_capacity(fd: BorrowedFd<'_>, bytes: usize) -> Result<usize> {
    fcntl_setpipe_size(fd, bytes).syscall("fcntl")
}

/// The largest capacity an unprivileged process may give a pipe
/// (`/proc/sys/fs/pipe-max-size`), when `/proc` shows it.
///
/// # References
///  - [Linux `pipe(7)`](https://man7.org/linux/man-pages/man7/pipe.7.html)
pub fn max_capacity() -> Option<usize> {
    std::fs::read_to_string("/proc/sys/fs/pipe-max-size")
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Duplicates standard input ([`os_pipe::dup_stdin`]), close-on-exec.
pub fn dup_stdin() -> Result<OwnedFd> {
    os_pipe::dup_stdin().map(OwnedFd::from).syscall("fcntl")
}

/// Duplicates standard output ([`os_pipe::dup_stdout`]), close-on-exec.
pub fn dup_stdout() -> Result<OwnedFd> {
    os_pipe::dup_stdout().map(OwnedFd::from).syscall("fcntl")
}

/// Duplicates standard error ([`os_pipe::dup_stderr`]), close-on-exec.
pub fn dup_stderr() -> Result<OwnedFd> {
    os_pipe::dup_stderr().map(OwnedFd::from).syscall("fcntl")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::os::fd::AsFd;

    #[test]
    fn ends_are_cloexec_and_connected() {
        for flags in [PipeFlags::empty(), PipeFlags::NONBLOCK] {
            let (reader, writer) = pipe(flags).unwrap();
            for end in [&reader, &writer] {
                let fd_flags = rustix::io::fcntl_getfd(end).unwrap();
                assert!(fd_flags.contains(rustix::io::FdFlags::CLOEXEC));
            }
            let mut w = std::fs::File::from(writer);
            w.write_all(b"hello").unwrap();
            drop(w);
            let mut got = String::new();
            std::fs::File::from(reader)
                .read_to_string(&mut got)
                .unwrap();
            assert_eq!(got, "hello");
        }
    }

    #[test]
    fn nonblocking_read_of_empty_pipe_fails_with_eagain() {
        let (reader, _writer) = pipe(PipeFlags::NONBLOCK).unwrap();
        let err = rustix::io::read(&reader, &mut [0u8; 1]).unwrap_err();
        assert_eq!(err, rustix::io::Errno::AGAIN);
    }

    #[test]
    fn direct_pipe_keeps_message_boundaries() {
        let (reader, writer) = pipe(PipeFlags::DIRECT).unwrap();
        rustix::io::write(&writer, b"one").unwrap();
        rustix::io::write(&writer, b"three").unwrap();
        let mut buf = [0u8; 64];
        assert_eq!(rustix::io::read(&reader, &mut buf).unwrap(), 3);
        assert_eq!(rustix::io::read(&reader, &mut buf).unwrap(), 5);
    }

    #[test]
    fn capacity_can_be_resized() {
        let (reader, _writer) = pipe(PipeFlags::empty()).unwrap();
        let page = rustix::param::page_size();
        let got = set_capacity(reader.as_fd(), page * 3).unwrap();
        assert_eq!(
            got,
            page * 4,
            "rounded up to a power-of-two number of pages"
        );
        assert_eq!(capacity(reader.as_fd()).unwrap(), got);
    }

    #[test]
    fn capacity_of_a_non_pipe_is_ebadf() {
        let file = std::fs::File::open("/proc/self/status").unwrap();
        let err = capacity(file.as_fd()).unwrap_err();
        assert_eq!(err.errno, rustix::io::Errno::BADF);
        assert_eq!(err.syscall, "fcntl");
    }
}
