//! Descriptor ownership: duplicating, checking and closing descriptors.
//!
//! Ownership itself is std's [`OwnedFd`] and [`BorrowedFd`] (the types
//! io-lifetimes gave to std): an `OwnedFd` closes exactly once, when dropped or
//! passed to [`close`].

use std::os::fd::{BorrowedFd, IntoRawFd, OwnedFd, RawFd};

use rustix::io::{fcntl_dupfd_cloexec, fcntl_getfd};

use crate::error::{Result, Syscall};

pub mod registry;

/// The lowest number [`dup`] hands out, so that a duplicate never lands on
/// standard input, output or error, as std's `try_clone_to_owned` does.
const FIRST_NON_STDIO_FD: RawFd = 3;

/// `fcntl(fd, F_DUPFD_CLOEXEC, 3)`—Duplicates a descriptor, close-on-exec.
///
/// # References
///  - [Linux `fcntl(2)`](https://man7.org/linux/man-pages/man2/fcntl.2.html)
pub fn dup(fd: BorrowedFd<'_>) -> Result<OwnedFd> {
    fcntl_dupfd_cloexec(fd, FIRST_NON_STDIO_FD).syscall("fcntl")
}

/// `fcntl(fd, F_GETFD)`—Checks that a descriptor number is open.
///
/// Fails with `EBADF` when it is not, without touching the descriptor.
///
/// # References
///  - [Linux `fcntl(2)`](https://man7.org/linux/man-pages/man2/fcntl.2.html)
pub fn check_open(fd: BorrowedFd<'_>) -> Result<()> {
    fcntl_getfd(fd).map(drop).syscall("fcntl")
}

/// `fstat(fd)`—The `(st_dev, st_ino)` of the file open on a descriptor.
///
/// # References
///  - [Linux `fstat(2)`](https://man7.org/linux/man-pages/man2/fstat.2.html)
pub fn identity(fd: BorrowedFd<'_>) -> Result<(u64, u64)> {
    let stat = rustix::fs::fstat(fd).syscall("fstat")?;
    // `st_dev` and `st_ino` are narrower than 64 bits on some 32-bit targets.
    #[allow(clippy::useless_conversion)]
    Ok((u64::from(stat.st_dev), u64::from(stat.st_ino)))
}

/// `close(fd)`—Closes a descriptor and reports what the kernel said.
///
/// Dropping an [`OwnedFd`] closes it too but ignores the result; this reports
/// it (`EIO` from a network filesystem, or `EBADF` when something closed the
/// number behind its owner's back). The descriptor is gone either way: Linux
/// frees the number before it reports any error, so a failed close must never
/// be retried.
///
/// # References
///  - [Linux `close(2)`](https://man7.org/linux/man-pages/man2/close.2.html)
pub fn close(fd: OwnedFd) -> Result<()> {
    let raw = fd.into_raw_fd();
    // SAFETY: `raw` came from an `OwnedFd` that gave up ownership just above,
    // so nothing else owns or will close this number.
    unsafe { rustix::io::try_close(raw) }.syscall("close")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustix::io::{Errno, FdFlags};
    use std::os::fd::{AsFd, AsRawFd};

    #[test]
    fn dup_is_cloexec_and_above_stdio() {
        let file = std::fs::File::open("/proc/self/status").unwrap();
        let copy = dup(file.as_fd()).unwrap();
        assert!(copy.as_raw_fd() >= FIRST_NON_STDIO_FD);
        assert!(fcntl_getfd(&copy).unwrap().contains(FdFlags::CLOEXEC));
    }

    #[test]
    fn close_reports_and_check_open_sees_it() {
        let opened = std::fs::File::open("/proc/self/status").unwrap();
        // A number far above the lowest free one, which is what the tests
        // running beside this one get when they open a file: closed, it
        // stays closed (the lowest free number would be reused at once).
        let file = rustix::io::fcntl_dupfd_cloexec(&opened, 256).unwrap();
        let raw = file.as_raw_fd();
        assert!(check_open(file.as_fd()).is_ok());
        close(file).unwrap();
        // SAFETY: only borrowed for the check, which fails without closing anything.
        let err = check_open(unsafe { BorrowedFd::borrow_raw(raw) }).unwrap_err();
        assert_eq!((err.errno, err.syscall), (Errno::BADF, "fcntl"));
    }
}
