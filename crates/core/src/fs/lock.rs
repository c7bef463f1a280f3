//! File locks: whole-file `flock` locks and byte-range locks of an open file
//! description (`F_OFD_SETLK`), which, unlike POSIX `fcntl` locks, belong to
//! the open file rather than the process, so that closing another
//! descriptor of the file does not drop them and threads can contend.
//!
//! Waiting for a lock is unbounded: the waiting forms take a
//! [`Cancel`] and run on a wait thread of their own
//! ([`crate::wait`]).

use std::os::fd::{AsRawFd, BorrowedFd};

use rustix::fs::{FlockOperation, OFlags};
use rustix::io::Errno;

use crate::error::{Error, Result};
use crate::wait::{Cancel, Interrupted, Mode, Waited};

/// What `flock` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flock {
    /// A shared lock (`LOCK_SH`): any number of holders.
    Shared,
    /// An exclusive lock (`LOCK_EX`): one holder.
    Exclusive,
    /// Releases the lock this open file holds (`LOCK_UN`).
    Unlock,
}

impl Flock {
    fn operation(self, wait: bool) -> FlockOperation {
        match (self, wait) {
            (Flock::Shared, true) => FlockOperation::LockShared,
            (Flock::Shared, false) => FlockOperation::NonBlockingLockShared,
            (Flock::Exclusive, true) => FlockOperation::LockExclusive,
            (Flock::Exclusive, false) => FlockOperation::NonBlockingLockExclusive,
            (Flock::Unlock, _) => FlockOperation::Unlock,
        }
    }
}

/// `flock(fd, operation)`—Takes or releases a whole-file lock on the open
/// file `fd` refers to, waiting for it unless `wait` is false (then a held
/// lock is `EWOULDBLOCK`, which Linux spells `EAGAIN`).
///
/// # References
///  - [Linux `flock(2)`](https://man7.org/linux/man-pages/man2/flock.2.html)
pub fn flock(fd: BorrowedFd<'_>, lock: Flock, wait: bool) -> Result<()> {
    loop {
        match rustix::fs::flock(fd, lock.operation(wait)) {
            Err(Errno::INTR) => continue,
            other => return other.map_err(|errno| explained(fd, None, Error::new(errno, "flock"))),
        }
    }
}

/// [`flock`] that waits until the lock is taken or the wait is called off.
pub fn flock_wait(fd: BorrowedFd<'_>, lock: Flock, cancel: &Cancel) -> Waited<()> {
    cancel
        .retry(|mode| rustix::fs::flock(fd, lock.operation(mode == Mode::Block)))
        .map_err(|interrupted| {
            interrupted
                .named("flock")
                .map(|error| explained(fd, None, error))
        })
}

/// `error`, saying why when it is the `EBADF` of a descriptor whose access
/// mode cannot take the lock (`kind`, for a byte-range lock): the one cause
/// of `EBADF` an open descriptor can have here.
fn explained(fd: BorrowedFd<'_>, kind: Option<RangeLock>, error: Error) -> Error {
    if error.errno != Errno::BADF {
        return error;
    }
    let Ok(flags) = rustix::fs::fcntl_getfl(fd) else {
        return error;
    };
    let access = flags & OFlags::RWMODE;
    if flags.contains(OFlags::PATH) {
        error
            .because("an O_PATH descriptor cannot take locks: open the file for reading or writing")
    } else if kind == Some(RangeLock::Write) && access == OFlags::RDONLY {
        error.because("a write lock needs a descriptor open for writing, and this one is read-only: open the file with O_RDWR")
    } else if kind == Some(RangeLock::Read) && access == OFlags::WRONLY {
        error.because("a read lock needs a descriptor open for reading, and this one is write-only: open the file with O_RDWR")
    } else {
        error
    }
}

/// The kind of a byte-range lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeLock {
    /// A read (shared) lock, `F_RDLCK`.
    Read,
    /// A write (exclusive) lock, `F_WRLCK`.
    Write,
    /// No lock: releases one (`F_UNLCK`).
    Unlock,
}

impl RangeLock {
    fn raw(self) -> libc::c_short {
        // The constants are small on every architecture.
        (match self {
            RangeLock::Read => libc::F_RDLCK,
            RangeLock::Write => libc::F_WRLCK,
            RangeLock::Unlock => libc::F_UNLCK,
        }) as libc::c_short
    }

    fn from_raw(raw: libc::c_short) -> Option<Self> {
        match libc::c_int::from(raw) {
            libc::F_RDLCK => Some(RangeLock::Read),
            libc::F_WRLCK => Some(RangeLock::Write),
            libc::F_UNLCK => Some(RangeLock::Unlock),
            _ => None,
        }
    }
}

/// A byte range: `length` bytes from `start`; a length of 0 reaches to the
/// end of the file, however far it grows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    /// The first byte.
    pub start: u64,
    /// How many bytes; 0 for all the rest.
    pub length: u64,
}

/// A lock that stands in the way, as `F_OFD_GETLK` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holder {
    /// Its kind.
    pub kind: RangeLock,
    /// The range it covers.
    pub range: Range,
    /// The process holding it, for a POSIX (`fcntl`) lock; `None` for an
    /// open-file-description lock, which no single process holds.
    pub pid: Option<i32>,
}

/// The `fcntl` system call that takes a 64-bit `struct flock`: `fcntl64` on
/// 32-bit targets (so that offsets past 2 GiB work on armv7), `fcntl` on
/// 64-bit ones. glibc's own `fcntl64` wrapper would need glibc 2.28.
#[cfg(target_pointer_width = "32")]
const SYS_FCNTL: libc::c_long = libc::SYS_fcntl64;
#[cfg(target_pointer_width = "64")]
const SYS_FCNTL: libc::c_long = libc::SYS_fcntl;

fn range_fields(range: Range) -> std::result::Result<(libc::off64_t, libc::off64_t), Errno> {
    let start = libc::off64_t::try_from(range.start).map_err(|_| Errno::INVAL)?;
    let length = libc::off64_t::try_from(range.length).map_err(|_| Errno::INVAL)?;
    Ok((start, length))
}

/// `fcntl(fd, command, &flock)` with a 64-bit `struct flock`.
fn ofd_fcntl(
    fd: BorrowedFd<'_>,
    command: libc::c_int,
    lock: &mut libc::flock64,
) -> std::result::Result<(), Errno> {
    // SAFETY: `fd` is open for the call; `lock` is a valid, initialised
    // `struct flock64` that the kernel reads and (for F_OFD_GETLK) writes,
    // which is what this command takes on this architecture (see SYS_FCNTL).
    let result = unsafe {
        libc::syscall(
            SYS_FCNTL,
            libc::c_long::from(fd.as_raw_fd()),
            libc::c_long::from(command),
            lock as *mut libc::flock64,
        )
    };
    if result == -1 {
        Err(Errno::from_raw_os_error(
            std::io::Error::last_os_error()
                .raw_os_error()
                .unwrap_or(libc::EIO),
        ))
    } else {
        Ok(())
    }
}

fn flock64(kind: RangeLock, range: Range) -> std::result::Result<libc::flock64, Errno> {
    let (start, length) = range_fields(range)?;
    // SAFETY: `struct flock64` is plain integers; zero is a valid value of each.
    let mut lock: libc::flock64 = unsafe { std::mem::zeroed() };
    lock.l_type = kind.raw();
    lock.l_whence = libc::SEEK_SET as libc::c_short;
    lock.l_start = start;
    lock.l_len = length;
    lock.l_pid = 0; // required for the OFD commands
    Ok(lock)
}

/// `fcntl(fd, F_OFD_SETLK or F_OFD_SETLKW, { kind, range })`—Takes or
/// releases a byte-range lock of the open file `fd` refers to. Without
/// `wait`, a conflicting lock is `EAGAIN`.
///
/// # References
///  - [Linux `fcntl(2)`, "Open file description locks"](https://man7.org/linux/man-pages/man2/fcntl.2.html)
pub fn lock_range(fd: BorrowedFd<'_>, kind: RangeLock, range: Range, wait: bool) -> Result<()> {
    let mut lock = flock64(kind, range).map_err(|errno| Error::new(errno, "fcntl"))?;
    let command = if wait {
        libc::F_OFD_SETLKW
    } else {
        libc::F_OFD_SETLK
    };
    loop {
        match ofd_fcntl(fd, command, &mut lock) {
            Err(Errno::INTR) => continue,
            other => {
                return other.map_err(|errno| explained(fd, Some(kind), Error::new(errno, "fcntl")))
            }
        }
    }
}

/// [`lock_range`] that waits until the lock is taken or the wait is called off.
pub fn lock_range_wait(
    fd: BorrowedFd<'_>,
    kind: RangeLock,
    range: Range,
    cancel: &Cancel,
) -> Waited<()> {
    let lock =
        flock64(kind, range).map_err(|errno| Interrupted::Failed(Error::new(errno, "fcntl")))?;
    cancel
        .retry(|mode| {
            let command = if mode == Mode::Block {
                libc::F_OFD_SETLKW
            } else {
                libc::F_OFD_SETLK
            };
            ofd_fcntl(fd, command, &mut lock.clone())
        })
        .map_err(|interrupted| {
            interrupted
                .named("fcntl")
                .map(|error| explained(fd, Some(kind), error))
        })
}

/// `fcntl(fd, F_OFD_GETLK, { kind, range })`—The first lock that would stop
/// this open file from taking `kind` on `range`, or `None`.
///
/// # References
///  - [Linux `fcntl(2)`](https://man7.org/linux/man-pages/man2/fcntl.2.html)
pub fn get_lock(fd: BorrowedFd<'_>, kind: RangeLock, range: Range) -> Result<Option<Holder>> {
    let mut lock = flock64(kind, range).map_err(|errno| Error::new(errno, "fcntl"))?;
    ofd_fcntl(fd, libc::F_OFD_GETLK, &mut lock).map_err(|errno| Error::new(errno, "fcntl"))?;
    let kind = RangeLock::from_raw(lock.l_type).ok_or_else(|| Error::new(Errno::INVAL, "fcntl"))?;
    if kind == RangeLock::Unlock {
        return Ok(None);
    }
    // The kernel reports non-negative offsets and lengths.
    Ok(Some(Holder {
        kind,
        range: Range {
            start: lock.l_start.unsigned_abs(),
            length: lock.l_len.unsigned_abs(),
        },
        pid: (lock.l_pid > 0).then_some(lock.l_pid),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsFd;

    fn temp_file(name: &str) -> std::fs::File {
        let path = std::env::temp_dir().join(format!("sysix-lock-{name}-{}", std::process::id()));
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(true)
            .read(true)
            .write(true)
            .open(&path)
            .unwrap();
        std::fs::remove_file(path).unwrap();
        file
    }

    #[test]
    fn flock_conflicts_between_open_files_not_descriptors() {
        let file = temp_file("flock");
        let other = std::fs::File::open(format!("/proc/self/fd/{}", file.as_raw_fd())).unwrap();
        flock(file.as_fd(), Flock::Exclusive, false).unwrap();
        let dup = crate::fd::dup(file.as_fd()).unwrap();
        flock(dup.as_fd(), Flock::Exclusive, false).unwrap();
        assert_eq!(
            flock(other.as_fd(), Flock::Shared, false)
                .unwrap_err()
                .errno,
            Errno::AGAIN
        );
        flock(file.as_fd(), Flock::Unlock, false).unwrap();
        flock(other.as_fd(), Flock::Shared, false).unwrap();
    }

    #[test]
    fn ofd_ranges_conflict_and_report_their_holder() {
        let file = temp_file("ofd");
        let other = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(format!("/proc/self/fd/{}", file.as_raw_fd()))
            .unwrap();
        let range = Range {
            start: 1 << 40,
            length: 10,
        };
        lock_range(file.as_fd(), RangeLock::Write, range, false).unwrap();
        assert_eq!(
            lock_range(other.as_fd(), RangeLock::Read, range, false)
                .unwrap_err()
                .errno,
            Errno::AGAIN
        );
        let holder = get_lock(
            other.as_fd(),
            RangeLock::Read,
            Range {
                start: 0,
                length: 0,
            },
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            (holder.kind, holder.range, holder.pid),
            (RangeLock::Write, range, None)
        );
        assert_eq!(
            get_lock(file.as_fd(), RangeLock::Write, range).unwrap(),
            None,
            "its own lock"
        );
        lock_range(
            other.as_fd(),
            RangeLock::Read,
            Range {
                start: 0,
                length: 100,
            },
            false,
        )
        .unwrap();
        lock_range(file.as_fd(), RangeLock::Unlock, range, false).unwrap();
        lock_range(other.as_fd(), RangeLock::Write, range, false).unwrap();
    }

    /// The `EBADF` of a lock the descriptor's access mode cannot take says so.
    #[test]
    fn locks_the_access_mode_refuses_say_why() {
        let file = temp_file("access");
        let magic = format!("/proc/self/fd/{}", file.as_raw_fd());
        let reader = std::fs::File::open(&magic).unwrap();
        let writer = std::fs::OpenOptions::new()
            .write(true)
            .open(&magic)
            .unwrap();
        let range = Range {
            start: 0,
            length: 1,
        };
        let error = lock_range(reader.as_fd(), RangeLock::Write, range, false).unwrap_err();
        assert_eq!((error.errno, error.syscall), (Errno::BADF, "fcntl"));
        assert!(
            error
                .to_string()
                .contains("read-only: open the file with O_RDWR"),
            "{error}"
        );
        let error = lock_range(writer.as_fd(), RangeLock::Read, range, false).unwrap_err();
        assert!(error.to_string().contains("write-only"), "{error}");
        let path = rustix::fs::open(&magic, OFlags::PATH, rustix::fs::Mode::empty()).unwrap();
        let error = flock(path.as_fd(), Flock::Exclusive, false).unwrap_err();
        assert!(error.to_string().contains("O_PATH"), "{error}");
        lock_range(reader.as_fd(), RangeLock::Read, range, false).unwrap();
    }
}
