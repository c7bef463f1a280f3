//! Anonymous files in memory, and seals that freeze what they may become.

use std::os::fd::{BorrowedFd, OwnedFd};

pub use rustix::fs::{MemfdFlags, SealFlags};

use rustix::fs::OFlags;
use rustix::io::Errno;

use crate::error::{Error, Result, Syscall};

/// `memfd_create(name, flags | MFD_CLOEXEC)`—An anonymous file that lives in
/// memory until its last descriptor closes. `name` shows in
/// `/proc/self/fd` as `memfd:<name>`.
///
/// # References
///  - [Linux `memfd_create(2)`](https://man7.org/linux/man-pages/man2/memfd_create.2.html)
pub fn memfd_create(name: &std::ffi::CStr, flags: MemfdFlags) -> Result<OwnedFd> {
    rustix::fs::memfd_create(name, flags | MemfdFlags::CLOEXEC).syscall("memfd_create")
}

/// `fcntl(fd, F_ADD_SEALS, seals)`—Adds seals to a memfd created with
/// `MFD_ALLOW_SEALING`: no more seals, shrinking, growing, writing.
///
/// # References
///  - [Linux `memfd_create(2)`, "File sealing"](https://man7.org/linux/man-pages/man2/memfd_create.2.html)
pub fn add_seals(fd: BorrowedFd<'_>, seals: SealFlags) -> Result<()> {
    rustix::fs::fcntl_add_seals(fd, seals).map_err(|errno| {
        let error = Error::new(errno, "fcntl");
        let sealable = rustix::fs::fcntl_get_seals(fd) != Err(Errno::INVAL);
        let read_only = rustix::fs::fcntl_getfl(fd).is_ok_and(|f| f & OFlags::RWMODE == OFlags::RDONLY);
        match errno {
            Errno::PERM | Errno::INVAL if !sealable => {
                error.because("only a memfd (or another shmem file) can be sealed")
            }
            Errno::PERM if read_only => error.because(
                "seals are added through a descriptor open for writing, and this one is read-only",
            ),
            Errno::PERM => error.because(
                "this file takes no more seals: a memfd takes seals only if it was created with allowSealing, and none after the 'seal' seal",
            ),
            Errno::BUSY => {
                error.because("a write seal needs the file to have no writable shared mapping")
            }
            _ => error,
        }
    })
}

/// `fcntl(fd, F_GET_SEALS)`—The seals a file has: none for a file that
/// cannot be sealed (anything but a memfd or a shmem file), where the
/// kernel answers `EINVAL`.
pub fn get_seals(fd: BorrowedFd<'_>) -> Result<SealFlags> {
    match rustix::fs::fcntl_get_seals(fd) {
        Err(rustix::io::Errno::INVAL) => Ok(SealFlags::empty()),
        result => result.syscall("fcntl"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsFd;

    #[test]
    fn a_sealed_memfd_refuses_writes() {
        let fd = memfd_create(c"sysix-test", MemfdFlags::ALLOW_SEALING).unwrap();
        rustix::io::write(&fd, b"data").unwrap();
        add_seals(
            fd.as_fd(),
            SealFlags::WRITE | SealFlags::SHRINK | SealFlags::GROW,
        )
        .unwrap();
        assert!(get_seals(fd.as_fd()).unwrap().contains(SealFlags::WRITE));
        assert_eq!(
            rustix::io::pwrite(&fd, b"x", 0).unwrap_err(),
            rustix::io::Errno::PERM
        );
    }

    /// Each refusal of `F_ADD_SEALS` says what to do instead.
    #[test]
    fn refused_seals_say_why() {
        let detail = |fd: BorrowedFd<'_>| {
            add_seals(fd, SealFlags::GROW)
                .unwrap_err()
                .detail
                .unwrap_or_default()
        };
        let unsealable = memfd_create(c"sysix-test", MemfdFlags::empty()).unwrap();
        assert!(detail(unsealable.as_fd()).contains("allowSealing"));
        let sealable = memfd_create(c"sysix-test", MemfdFlags::ALLOW_SEALING).unwrap();
        let magic = format!(
            "/proc/self/fd/{}",
            std::os::fd::AsRawFd::as_raw_fd(&sealable)
        );
        let reader = std::fs::File::open(magic).unwrap();
        assert!(detail(reader.as_fd()).contains("read-only"));
        let plain = std::fs::File::open("/proc/self/status").unwrap();
        assert!(detail(plain.as_fd()).contains("only a memfd"));
        add_seals(sealable.as_fd(), SealFlags::GROW).unwrap();
    }
}
