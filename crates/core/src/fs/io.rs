//! Reads and writes at positions and into many buffers at once, in the
//! caller's memory, and the descriptor-level controls: `dup2`/`dup3`,
//! descriptor and status flags, bytes waiting to be read.

use std::io::{IoSlice, IoSliceMut};
use std::mem::ManuallyDrop;
use std::os::fd::{BorrowedFd, FromRawFd, OwnedFd, RawFd};

pub use rustix::fs::OFlags;
use rustix::io::{DupFlags, Errno};
pub use rustix::io::{FdFlags, ReadWriteFlags};

use crate::error::{Result, Syscall};

/// `pread(fd, buffer, offset)`—Reads at `offset` without moving the file
/// position, returning how many bytes it read (0 at the end).
///
/// # References
///  - [Linux `pread(2)`](https://man7.org/linux/man-pages/man2/pread.2.html)
pub fn pread(fd: BorrowedFd<'_>, buffer: &mut [u8], offset: u64) -> Result<usize> {
    rustix::io::pread(fd, buffer, offset).syscall("pread")
}

/// `preadv(fd, buffers, offset)`—[`pread`] into memory that must not be
/// borrowed as one Rust slice (a view other threads may touch): [`readv`]
/// at `offset`, without moving the file position. Its errors name `pread`,
/// the call it stands for.
///
/// # References
///  - [Linux `preadv(2)`](https://man7.org/linux/man-pages/man2/preadv.2.html)
pub fn preadv(fd: BorrowedFd<'_>, buffers: &mut [IoSliceMut<'_>], offset: u64) -> Result<usize> {
    rustix::io::preadv(fd, buffers, offset).syscall("pread")
}

/// `pwrite(fd, buffer, offset)`—Writes at `offset` without moving the file
/// position, returning how many bytes it wrote.
///
/// # References
///  - [Linux `pwrite(2)`](https://man7.org/linux/man-pages/man2/pwrite.2.html)
pub fn pwrite(fd: BorrowedFd<'_>, buffer: &[u8], offset: u64) -> Result<usize> {
    rustix::io::pwrite(fd, buffer, offset).syscall("pwrite")
}

/// `readv(fd, buffers)`—Reads at the file position into several buffers in
/// turn, returning how many bytes it read in all.
///
/// # References
///  - [Linux `readv(2)`](https://man7.org/linux/man-pages/man2/readv.2.html)
pub fn readv(fd: BorrowedFd<'_>, buffers: &mut [IoSliceMut<'_>]) -> Result<usize> {
    rustix::io::readv(fd, buffers).syscall("readv")
}

/// `writev(fd, buffers)`—Writes several buffers in turn, returning how many
/// bytes it wrote in all.
///
/// # References
///  - [Linux `writev(2)`](https://man7.org/linux/man-pages/man2/writev.2.html)
pub fn writev(fd: BorrowedFd<'_>, buffers: &[IoSlice<'_>]) -> Result<usize> {
    rustix::io::writev(fd, buffers).syscall("writev")
}

/// `preadv2(fd, buffers, offset, flags)`—[`readv`] at `offset` (at the file
/// position when `None`), with `RWF_NOWAIT` (fail with `EAGAIN` rather than
/// wait for the device), `RWF_HIPRI` and the like. Where the kernel has no
/// `preadv2` (`ENOSYS`: qemu-user, some seccomp filters), empty `flags` fall
/// back to `preadv`/`readv`, as glibc's do; flags stay `ENOSYS`.
///
/// # References
///  - [Linux `preadv2(2)`](https://man7.org/linux/man-pages/man2/preadv2.2.html)
pub fn preadv2(
    fd: BorrowedFd<'_>,
    buffers: &mut [IoSliceMut<'_>],
    offset: Option<u64>,
    flags: ReadWriteFlags,
) -> Result<usize> {
    // An offset of -1 means the file position; rustix takes it as u64::MAX.
    match rustix::io::preadv2(fd, buffers, offset.unwrap_or(u64::MAX), flags) {
        // Without the call (qemu-user, seccomp filters of old container
        // runtimes), no flags means plain preadv/readv, as glibc does.
        Err(Errno::NOSYS) if flags.is_empty() => match offset {
            Some(offset) => rustix::io::preadv(fd, buffers, offset),
            None => rustix::io::readv(fd, buffers),
        },
        result => result,
    }
    .syscall("preadv2")
}

/// `pwritev2(fd, buffers, offset, flags)`—[`writev`] at `offset` (at the
/// file position when `None`), with `RWF_DSYNC`, `RWF_APPEND` and the like.
/// Without `pwritev2` in the kernel, empty `flags` fall back to
/// `pwritev`/`writev`, as glibc's do.
///
/// # References
///  - [Linux `pwritev2(2)`](https://man7.org/linux/man-pages/man2/pwritev2.2.html)
pub fn pwritev2(
    fd: BorrowedFd<'_>,
    buffers: &[IoSlice<'_>],
    offset: Option<u64>,
    flags: ReadWriteFlags,
) -> Result<usize> {
    match rustix::io::pwritev2(fd, buffers, offset.unwrap_or(u64::MAX), flags) {
        // As in preadv2: no flags needs no pwritev2.
        Err(Errno::NOSYS) if flags.is_empty() => match offset {
            Some(offset) => rustix::io::pwritev(fd, buffers, offset),
            None => rustix::io::writev(fd, buffers),
        },
        result => result,
    }
    .syscall("pwritev2")
}

/// `dup3(fd, target, flags)`—Makes descriptor number `target` refer to the
/// open file `fd` refers to, closing what `target` referred to before, in
/// one step; `target` is close-on-exec when `cloexec` is set. `dup2` is
/// this without `cloexec` (and does nothing when `fd` is `target`, where
/// `dup3` fails with `EINVAL`).
///
/// The caller answers for `target`: whoever owned the file it referred to
/// loses it.
///
/// # References
///  - [Linux `dup(2)`](https://man7.org/linux/man-pages/man2/dup.2.html)
pub fn dup3(fd: BorrowedFd<'_>, target: RawFd, cloexec: bool) -> Result<()> {
    let flags = if cloexec {
        DupFlags::CLOEXEC
    } else {
        DupFlags::empty()
    };
    replace(fd, target, flags).syscall("dup3")
}

/// `dup2(fd, target)`—[`dup3`] without close-on-exec, except that `fd` and
/// `target` may be equal: then nothing changes, but `fd` must be open.
///
/// # References
///  - [Linux `dup(2)`](https://man7.org/linux/man-pages/man2/dup.2.html)
pub fn dup2(fd: BorrowedFd<'_>, target: RawFd) -> Result<()> {
    if std::os::fd::AsRawFd::as_raw_fd(&fd) == target {
        return rustix::io::fcntl_getfd(fd).map(drop).syscall("dup2");
    }
    replace(fd, target, DupFlags::empty()).syscall("dup2")
}

fn replace(fd: BorrowedFd<'_>, target: RawFd, flags: DupFlags) -> rustix::io::Result<()> {
    // SAFETY: rustix takes the target as an `OwnedFd` it replaces in place;
    // this one is never dropped (`ManuallyDrop`), so nothing is closed here
    // that dup3 does not itself replace, and ownership of `target` stays
    // with the caller.
    let mut owned = ManuallyDrop::new(unsafe { OwnedFd::from_raw_fd(target) });
    rustix::io::dup3(fd, &mut owned, flags)
}

/// `fcntl(fd, F_GETFD)`—The descriptor's flags (`FD_CLOEXEC`).
///
/// # References
///  - [Linux `fcntl(2)`](https://man7.org/linux/man-pages/man2/fcntl.2.html)
pub fn fd_flags(fd: BorrowedFd<'_>) -> Result<FdFlags> {
    rustix::io::fcntl_getfd(fd).syscall("fcntl")
}

/// `fcntl(fd, F_SETFD, flags)`—Sets the descriptor's flags.
pub fn set_fd_flags(fd: BorrowedFd<'_>, flags: FdFlags) -> Result<()> {
    rustix::io::fcntl_setfd(fd, flags).syscall("fcntl")
}

/// `fcntl(fd, F_GETFL)`—The open file's access mode and status flags
/// (`O_RDWR`, `O_NONBLOCK`, `O_APPEND`, ...).
pub fn status_flags(fd: BorrowedFd<'_>) -> Result<OFlags> {
    rustix::fs::fcntl_getfl(fd).syscall("fcntl")
}

/// `fcntl(fd, F_SETFL, flags)`—Sets the status flags Linux lets change
/// (`O_APPEND`, `O_ASYNC`, `O_DIRECT`, `O_NOATIME`, `O_NONBLOCK`); the
/// others are ignored.
pub fn set_status_flags(fd: BorrowedFd<'_>, flags: OFlags) -> Result<()> {
    rustix::fs::fcntl_setfl(fd, flags).syscall("fcntl")
}

/// `ioctl(fd, FIONREAD)`—How many bytes can be read without waiting (a
/// pipe, a socket, a terminal, an inotify descriptor; the rest of a file).
///
/// # References
///  - [Linux `ioctl_tty(2)`](https://man7.org/linux/man-pages/man2/TIOCINQ.2const.html)
pub fn fionread(fd: BorrowedFd<'_>) -> Result<u64> {
    // rustix's own `ioctl_fionread` reads the kernel's `int` as unsigned,
    // so a negative count (a position past a file's end) would come back
    // as a huge one; ask for the `int` itself.
    const FIONREAD: rustix::ioctl::Opcode = linux_raw_sys::ioctl::FIONREAD as _;
    // SAFETY: FIONREAD's argument is a pointer to one `int` it writes,
    // which is what this getter passes and reads back.
    let count =
        unsafe { rustix::ioctl::ioctl(fd, rustix::ioctl::Getter::<FIONREAD, libc::c_int>::new()) }
            .syscall("ioctl")?;
    // Past the end of a file the kernel answers with a negative count.
    Ok(u64::try_from(count).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::{AsFd, AsRawFd};

    #[test]
    fn vectors_and_positions() {
        let (reader, writer) = crate::pipe::pipe(rustix::pipe::PipeFlags::empty()).unwrap();
        let written = writev(
            writer.as_fd(),
            &[IoSlice::new(b"hello "), IoSlice::new(b"world")],
        )
        .unwrap();
        assert_eq!(written, 11);
        assert_eq!(fionread(reader.as_fd()).unwrap(), 11);
        let (mut a, mut b) = ([0u8; 5], [0u8; 6]);
        let read = readv(
            reader.as_fd(),
            &mut [IoSliceMut::new(&mut a), IoSliceMut::new(&mut b)],
        )
        .unwrap();
        assert_eq!((read, &a, &b), (11, b"hello", b" world"));
        assert_eq!(
            pread(reader.as_fd(), &mut a, 0).unwrap_err().errno,
            rustix::io::Errno::SPIPE
        );
    }

    #[test]
    fn dup3_replaces_a_number_in_one_step() {
        let (reader, writer) = crate::pipe::pipe(rustix::pipe::PipeFlags::empty()).unwrap();
        let (other, _other_writer) = crate::pipe::pipe(rustix::pipe::PipeFlags::empty()).unwrap();
        dup3(reader.as_fd(), other.as_raw_fd(), true).unwrap();
        assert!(fd_flags(other.as_fd()).unwrap().contains(FdFlags::CLOEXEC));
        rustix::io::write(&writer, b"x").unwrap();
        assert_eq!(
            fionread(other.as_fd()).unwrap(),
            1,
            "the number now reads the first pipe"
        );
        assert_eq!(
            dup3(reader.as_fd(), reader.as_raw_fd(), true)
                .unwrap_err()
                .errno,
            rustix::io::Errno::INVAL
        );
        assert_eq!(
            dup3(reader.as_fd(), reader.as_raw_fd(), false)
                .unwrap_err()
                .errno,
            rustix::io::Errno::INVAL,
            "dup3 refuses equal numbers whatever the flags"
        );
        dup2(reader.as_fd(), reader.as_raw_fd()).unwrap();
    }
}
