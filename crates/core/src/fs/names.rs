//! Names in directories: the `*at` calls relative to a directory descriptor,
//! the atomic renames of `renameat2`.

use std::os::fd::{AsRawFd, BorrowedFd};
use std::path::{Path, PathBuf};

pub use rustix::fs::RenameFlags;
use rustix::fs::{AtFlags, FileType, Gid, Mode, OFlags, Uid, CWD};
use rustix::io::Errno;

use crate::error::{Result, Syscall, WithPath};

/// `renameat2(old_dir, old, new_dir, new, flags)`—Renames `old` to `new`:
/// with `RENAME_NOREPLACE` only if `new` does not exist, with
/// `RENAME_EXCHANGE` swapping the two atomically.
///
/// # References
///  - [Linux `rename(2)`](https://man7.org/linux/man-pages/man2/rename.2.html)
pub fn renameat2(
    old_dir: BorrowedFd<'_>,
    old: &Path,
    new_dir: BorrowedFd<'_>,
    new: &Path,
    flags: RenameFlags,
) -> Result<()> {
    let syscall = if flags.is_empty() {
        "renameat"
    } else {
        "renameat2"
    };
    rustix::fs::renameat_with(old_dir, old, new_dir, new, flags)
        .syscall(syscall)
        .map_err(|error| error.at(old).to(new))
}

/// `linkat(old_dir, old, new_dir, new, flags)`—Creates a hard link. With
/// `follow`, a final symlink of `old` is followed (`AT_SYMLINK_FOLLOW`);
/// with `empty_path`, `old` is empty and `old_dir` is the file itself
/// (`AT_EMPTY_PATH`: how an `O_TMPFILE` file gets a name; it needs
/// `CAP_DAC_READ_SEARCH`, so [`link_fd`] is usually the way).
///
/// # References
///  - [Linux `link(2)`](https://man7.org/linux/man-pages/man2/link.2.html)
pub fn linkat(
    old_dir: BorrowedFd<'_>,
    old: &Path,
    new_dir: BorrowedFd<'_>,
    new: &Path,
    follow: bool,
    empty_path: bool,
) -> Result<()> {
    let mut flags = AtFlags::empty();
    flags.set(AtFlags::SYMLINK_FOLLOW, follow);
    flags.set(AtFlags::EMPTY_PATH, empty_path);
    rustix::fs::linkat(old_dir, old, new_dir, new, flags)
        .syscall("linkat")
        .map_err(|error| {
            if empty_path {
                error.at(new)
            } else {
                error.at(old).to(new)
            }
        })
}

/// `linkat(AT_FDCWD, "/proc/self/fd/N", new_dir, new, AT_SYMLINK_FOLLOW)`—
/// Gives the file a descriptor holds a name, without the privilege
/// `AT_EMPTY_PATH` needs: how an `O_TMPFILE` file is published.
pub fn link_fd(fd: BorrowedFd<'_>, new_dir: BorrowedFd<'_>, new: &Path) -> Result<()> {
    let magic = PathBuf::from(format!("/proc/self/fd/{}", fd.as_raw_fd()));
    rustix::fs::linkat(CWD, &magic, new_dir, new, AtFlags::SYMLINK_FOLLOW)
        .syscall("linkat")
        .with_path(Some(new))
}

/// `symlinkat(target, dir, path)`—Creates a symlink at `path` holding `target`.
///
/// # References
///  - [Linux `symlink(2)`](https://man7.org/linux/man-pages/man2/symlink.2.html)
pub fn symlinkat(target: &Path, dir: BorrowedFd<'_>, path: &Path) -> Result<()> {
    rustix::fs::symlinkat(target, dir, path)
        .syscall("symlinkat")
        .map_err(|error| error.at(target).to(path))
}

/// `readlinkat(dir, path)`—What a symlink holds, as raw bytes.
///
/// # References
///  - [Linux `readlink(2)`](https://man7.org/linux/man-pages/man2/readlink.2.html)
pub fn readlinkat(dir: BorrowedFd<'_>, path: &Path) -> Result<Vec<u8>> {
    rustix::fs::readlinkat(dir, path, Vec::new())
        .map(|target| target.into_bytes())
        .syscall("readlinkat")
        .with_path(Some(path))
}

/// `mkdirat(dir, path, mode)`—Creates a directory.
///
/// # References
///  - [Linux `mkdir(2)`](https://man7.org/linux/man-pages/man2/mkdir.2.html)
pub fn mkdirat(dir: BorrowedFd<'_>, path: &Path, mode: u32) -> Result<()> {
    rustix::fs::mkdirat(dir, path, Mode::from_raw_mode(mode))
        .syscall("mkdirat")
        .with_path(Some(path))
}

/// `mknodat(dir, path, mode, dev)`—Creates a file of the type `mode` names
/// (`S_IFREG`, `S_IFIFO`, `S_IFSOCK`, and with privilege `S_IFCHR`,
/// `S_IFBLK` for device `dev`).
///
/// # References
///  - [Linux `mknod(2)`](https://man7.org/linux/man-pages/man2/mknod.2.html)
pub fn mknodat(dir: BorrowedFd<'_>, path: &Path, mode: u32, dev: u64) -> Result<()> {
    // A mode without a type creates a regular file, as mknod(2) says.
    let kind = if mode & libc::S_IFMT == 0 {
        FileType::RegularFile
    } else {
        FileType::from_raw_mode(mode)
    };
    rustix::fs::mknodat(dir, path, kind, Mode::from_raw_mode(mode), dev)
        .syscall("mknodat")
        .with_path(Some(path))
}

/// `mkfifoat(dir, path, mode)`—Creates a FIFO (a named pipe).
///
/// # References
///  - [Linux `mkfifo(3)`](https://man7.org/linux/man-pages/man3/mkfifo.3.html)
pub fn mkfifoat(dir: BorrowedFd<'_>, path: &Path, mode: u32) -> Result<()> {
    rustix::fs::mknodat(dir, path, FileType::Fifo, Mode::from_raw_mode(mode), 0)
        .syscall("mknodat")
        .with_path(Some(path))
}

/// `unlinkat(dir, path, flags)`—Removes a name, or an empty directory with
/// `remove_dir` (`AT_REMOVEDIR`).
///
/// # References
///  - [Linux `unlink(2)`](https://man7.org/linux/man-pages/man2/unlink.2.html)
pub fn unlinkat(dir: BorrowedFd<'_>, path: &Path, remove_dir: bool) -> Result<()> {
    let flags = if remove_dir {
        AtFlags::REMOVEDIR
    } else {
        AtFlags::empty()
    };
    rustix::fs::unlinkat(dir, path, flags)
        .syscall("unlinkat")
        .with_path(Some(path))
}

/// `fchmodat(dir, path, mode, flags)`—Changes a file's mode. Without
/// following a last symlink (`follow` false) this is `fchmodat2` (Linux
/// 6.6; before it, and under qemu-user, the same done through `O_PATH` and
/// `/proc/self/fd`, as glibc does): a regular file's mode changes, while
/// most filesystems refuse to change a symlink's own mode (`ENOTSUP`).
///
/// # References
///  - [Linux `chmod(2)`](https://man7.org/linux/man-pages/man2/chmod.2.html)
pub fn fchmodat(dir: BorrowedFd<'_>, path: &Path, mode: u32, follow: bool) -> Result<()> {
    if follow {
        return rustix::fs::chmodat(dir, path, Mode::from_raw_mode(mode), AtFlags::empty())
            .syscall("fchmodat")
            .with_path(Some(path));
    }
    match fchmodat2(dir, path, mode, libc::AT_SYMLINK_NOFOLLOW) {
        Err(Errno::NOSYS) => chmod_nofollow_by_proc(dir, path, mode),
        result => result,
    }
    .syscall("fchmodat2")
    .with_path(Some(path))
}

/// `fchmodat2`'s work where the kernel lacks it (before Linux 6.6, and
/// under qemu-user), as glibc does it: open the name itself (`O_PATH`,
/// not following a symlink), refuse a symlink (`EOPNOTSUPP`, what
/// `fchmodat2` answers on most filesystems), and change the mode of what
/// was opened through its `/proc/self/fd` entry, so a name swapped in
/// between is never followed. Without `/proc` that is `EOPNOTSUPP` too.
fn chmod_nofollow_by_proc(dir: BorrowedFd<'_>, path: &Path, mode: u32) -> rustix::io::Result<()> {
    let file = rustix::fs::openat(
        dir,
        path,
        OFlags::PATH | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    if FileType::from_raw_mode(rustix::fs::fstat(&file)?.st_mode) == FileType::Symlink {
        return Err(Errno::OPNOTSUPP);
    }
    let proc_path = format!("/proc/self/fd/{}", file.as_raw_fd());
    match rustix::fs::chmod(proc_path.as_str(), Mode::from_raw_mode(mode)) {
        Err(Errno::NOENT) => Err(Errno::OPNOTSUPP),
        result => result,
    }
}

/// `fchmodat2(dir, path, mode, flags)` (Linux 6.6), which takes
/// `AT_SYMLINK_NOFOLLOW` and `AT_EMPTY_PATH`: rustix refuses the first
/// without asking the kernel.
pub(crate) fn fchmodat2(
    dir: BorrowedFd<'_>,
    path: &Path,
    mode: u32,
    flags: libc::c_int,
) -> rustix::io::Result<()> {
    let path = std::ffi::CString::new(std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str()))
        .map_err(|_| Errno::INVAL)?;
    // SAFETY: fchmodat2 takes a directory descriptor (open for the call),
    // a NUL-terminated path (alive for the call), a mode and flags; it
    // reads the path and writes nothing.
    let result = unsafe {
        libc::syscall(
            linux_raw_sys::general::__NR_fchmodat2 as libc::c_long,
            libc::c_long::from(dir.as_raw_fd()),
            path.as_ptr(),
            mode as libc::c_long, // 12 bits of permissions: fits any c_long
            libc::c_long::from(flags),
        )
    };
    if result == -1 {
        Err(Errno::from_io_error(&std::io::Error::last_os_error()).unwrap_or(Errno::IO))
    } else {
        Ok(())
    }
}

/// `fchownat(dir, path, uid, gid, flags)`—Changes a file's owner and group;
/// `None` leaves one as it is.
///
/// # References
///  - [Linux `chown(2)`](https://man7.org/linux/man-pages/man2/chown.2.html)
pub fn fchownat(
    dir: BorrowedFd<'_>,
    path: &Path,
    uid: Option<u32>,
    gid: Option<u32>,
    follow: bool,
) -> Result<()> {
    let flags = if follow {
        AtFlags::empty()
    } else {
        AtFlags::SYMLINK_NOFOLLOW
    };
    rustix::fs::chownat(
        dir,
        path,
        uid.map(Uid::from_raw),
        gid.map(Gid::from_raw),
        flags,
    )
    .syscall("fchownat")
    .with_path(Some(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("sysix-names-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).unwrap();
        dir
    }

    #[test]
    fn exchange_and_noreplace() {
        let dir = dir("rename");
        std::fs::write(dir.join("a"), "A").unwrap();
        std::fs::write(dir.join("b"), "B").unwrap();
        let (a, b) = (dir.join("a"), dir.join("b"));
        let err = renameat2(CWD, &a, CWD, &b, RenameFlags::NOREPLACE).unwrap_err();
        assert_eq!(
            (err.errno, err.dest.as_deref()),
            (Errno::EXIST, Some(b.as_path()))
        );
        renameat2(CWD, &a, CWD, &b, RenameFlags::EXCHANGE).unwrap();
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "B");
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "A");
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// The fallback for kernels without `fchmodat2` does what `fchmodat2`
    /// does here: a file's mode changes, a symlink's own is refused and its
    /// target is left alone, a missing name is `ENOENT`.
    #[test]
    fn chmod_without_fchmodat2_matches_fchmodat2() {
        use std::os::unix::fs::PermissionsExt;
        let dir = dir("chmod");
        let file = dir.join("file");
        std::fs::write(&file, "").unwrap();
        std::os::unix::fs::symlink(&file, dir.join("link")).unwrap();
        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o7777;
        chmod_nofollow_by_proc(CWD, &file, 0o751).unwrap();
        assert_eq!(mode(&file), 0o751);
        let by_syscall = fchmodat2(CWD, &dir.join("link"), 0o600, libc::AT_SYMLINK_NOFOLLOW);
        let by_proc = chmod_nofollow_by_proc(CWD, &dir.join("link"), 0o600);
        assert_eq!(by_proc, Err(Errno::OPNOTSUPP));
        if by_syscall != Err(Errno::NOSYS) {
            assert_eq!(by_proc, by_syscall);
        }
        assert_eq!(mode(&file), 0o751, "the target is never changed");
        assert_eq!(
            chmod_nofollow_by_proc(CWD, &dir.join("missing"), 0o600),
            Err(Errno::NOENT)
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
