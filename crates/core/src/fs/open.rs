//! Opening files: `open`, `openat` and `openat2`, always close-on-exec.

use std::os::fd::{BorrowedFd, OwnedFd};
use std::path::Path;

use rustix::fs::{Mode, CWD};
pub use rustix::fs::{OFlags, ResolveFlags};

use crate::error::{Result, Syscall, WithPath};

/// The mode to create with: `mode` when the flags create a file, nothing
/// otherwise (`openat2` refuses a mode it would not use).
pub(crate) fn creation_mode_of(flags: OFlags, mode: u32) -> Mode {
    if flags.intersects(OFlags::CREATE) || flags.contains(OFlags::TMPFILE) {
        Mode::from_raw_mode(mode)
    } else {
        Mode::empty()
    }
}

/// `open(path, flags | O_CLOEXEC, mode)`—Opens a file.
///
/// # References
///  - [Linux `open(2)`](https://man7.org/linux/man-pages/man2/open.2.html)
pub fn open(path: &Path, flags: OFlags, mode: u32) -> Result<OwnedFd> {
    rustix::fs::openat(
        CWD,
        path,
        flags | OFlags::CLOEXEC,
        creation_mode_of(flags, mode),
    )
    .syscall("open")
    .with_path(Some(path))
}

/// `openat(dir, path, flags | O_CLOEXEC, mode)`—Opens a file relative to a
/// directory descriptor.
///
/// # References
///  - [Linux `openat(2)`](https://man7.org/linux/man-pages/man2/openat.2.html)
pub fn openat(dir: BorrowedFd<'_>, path: &Path, flags: OFlags, mode: u32) -> Result<OwnedFd> {
    rustix::fs::openat(
        dir,
        path,
        flags | OFlags::CLOEXEC,
        creation_mode_of(flags, mode),
    )
    .syscall("openat")
    .with_path(Some(path))
}

/// `openat2(dir, path, { flags | O_CLOEXEC, mode, resolve })`—Opens a file
/// relative to a directory descriptor, with limits on how the path resolves
/// (`RESOLVE_BENEATH`, `RESOLVE_IN_ROOT`, `RESOLVE_NO_SYMLINKS`, ...).
///
/// Linux 5.6 and later; `ENOSYS` before, or behind a seccomp filter that
/// refuses it.
///
/// # References
///  - [Linux `openat2(2)`](https://man7.org/linux/man-pages/man2/openat2.2.html)
pub fn openat2(
    dir: BorrowedFd<'_>,
    path: &Path,
    flags: OFlags,
    mode: u32,
    resolve: ResolveFlags,
) -> Result<OwnedFd> {
    rustix::fs::openat2(
        dir,
        path,
        flags | OFlags::CLOEXEC,
        creation_mode_of(flags, mode),
        resolve,
    )
    .syscall("openat2")
    .with_path(Some(path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustix::io::{fcntl_getfd, Errno, FdFlags};
    use std::os::fd::AsFd;

    #[test]
    fn descriptors_are_cloexec() {
        let fd = open(Path::new("/proc/self/status"), OFlags::RDONLY, 0).unwrap();
        assert!(fcntl_getfd(&fd).unwrap().contains(FdFlags::CLOEXEC));
        let dir = open(Path::new("/proc/self"), OFlags::PATH | OFlags::DIRECTORY, 0).unwrap();
        let at = openat(dir.as_fd(), Path::new("status"), OFlags::RDONLY, 0).unwrap();
        assert!(fcntl_getfd(&at).unwrap().contains(FdFlags::CLOEXEC));
    }

    #[test]
    fn beneath_refuses_dot_dot_with_exdev() {
        let dir = open(Path::new("/proc/self"), OFlags::PATH | OFlags::DIRECTORY, 0).unwrap();
        match openat2(
            dir.as_fd(),
            Path::new("../self/status"),
            OFlags::RDONLY,
            0,
            ResolveFlags::BENEATH,
        ) {
            Err(error) => {
                assert!(matches!(error.errno, Errno::XDEV | Errno::NOSYS), "{error}");
                assert_eq!(error.syscall, "openat2");
            }
            Ok(_) => panic!("escaped"),
        }
    }
}
