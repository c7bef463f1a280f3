//! File identity: are two paths or descriptors the same file? By way of
//! [same-file]'s `Handle`, opened so that it never blocks or needs read access.
//!
//! [same-file]: https://docs.rs/same-file

use std::fs::File;
use std::os::fd::{FromRawFd, IntoRawFd, OwnedFd};

use rustix::fs::{open, statat, AtFlags, Mode, OFlags, CWD};
use same_file::Handle;

use crate::error::{Result, Syscall, WithPath};
use crate::{fd, pipe, Target};

/// The identity of an open file: its device and inode numbers, with the file
/// held open so that the inode cannot be freed and its number reused while
/// the identity is compared.
///
/// A path is opened with `O_PATH`: that needs no permission on the file
/// itself and never blocks, so FIFOs, sockets, devices and unreadable files
/// work (same-file's own `Handle::from_path` opens for reading and would block
/// on a FIFO or fail on an unreadable file). A descriptor is duplicated, so
/// the identity holds the file even after that descriptor is closed.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct FileId(Handle);

impl FileId {
    /// `open(path, O_PATH | O_CLOEXEC)` or `fcntl(fd, F_DUPFD_CLOEXEC)`, then
    /// `fstat`—The identity of the file a path (following symlinks) or a
    /// descriptor refers to.
    ///
    /// # References
    ///  - [Linux `open(2)`](https://man7.org/linux/man-pages/man2/open.2.html)
    pub fn open(target: Target<'_>) -> Result<Self> {
        let owned = match target {
            Target::Path(path) => open(path, OFlags::PATH | OFlags::CLOEXEC, Mode::empty())
                .syscall("open")
                .map_err(|e| e.at(path))?,
            Target::Fd(borrowed) => fd::dup(borrowed)?,
        };
        Self::hold(owned).with_path(target.path())
    }

    /// The identity of standard input, held through a duplicate of fd 0.
    pub fn stdin() -> Result<Self> {
        Self::hold(pipe::dup_stdin()?)
    }

    /// The identity of standard output, held through a duplicate of fd 1.
    pub fn stdout() -> Result<Self> {
        Self::hold(pipe::dup_stdout()?)
    }

    /// The identity of standard error, held through a duplicate of fd 2.
    pub fn stderr() -> Result<Self> {
        Self::hold(pipe::dup_stderr()?)
    }

    fn hold(owned: OwnedFd) -> Result<Self> {
        Handle::from_file(File::from(owned))
            .map(Self)
            .syscall("fstat")
    }

    /// The device number (`st_dev`), as `stat(1)`'s `%d` and Node's
    /// `Stats.dev` show it.
    pub fn dev(&self) -> u64 {
        self.0.dev()
    }

    /// The inode number (`st_ino`).
    pub fn ino(&self) -> u64 {
        self.0.ino()
    }

    /// Gives up the identity, returning the descriptor that held the file.
    pub fn into_fd(self) -> OwnedFd {
        // SAFETY: the handle was made by `hold` from a descriptor it owns
        // (never by same-file's `Handle::stdin` and kin, which borrow fds
        // 0 to 2), and `into_raw_fd` gives up that ownership.
        unsafe { OwnedFd::from_raw_fd(self.0.into_raw_fd()) }
    }
}

/// Whether `a` and `b` are the same file: same device, same inode.
///
/// Symlinks are followed. A file deleted between the two lookups cannot be
/// mistaken for a new one that got its inode number: when both are paths the
/// first is held open (as a [`FileId`]) while the second is looked up; a
/// descriptor holds its file by itself. Looking the second up without holding
/// it is safe, since nothing happens after that lookup.
pub fn same_file(a: Target<'_>, b: Target<'_>) -> Result<bool> {
    match (a, b) {
        (Target::Path(_), Target::Path(_)) => {
            let first = FileId::open(a)?;
            Ok((first.dev(), first.ino()) == identity(b)?)
        }
        _ => Ok(identity(a)? == identity(b)?),
    }
}

/// `fstatat` or `fstat`—The `(st_dev, st_ino)` of a file, not held open.
///
/// The kernel's `st_dev` encoding is glibc's `makedev`, which std uses for
/// the `statx` behind [`FileId::dev`], so the two compare.
fn identity(target: Target<'_>) -> Result<(u64, u64)> {
    let stat = match target {
        Target::Path(path) => statat(CWD, path, AtFlags::empty())
            .syscall("stat")
            .with_path(Some(path))?,
        Target::Fd(fd) => return fd::identity(fd),
    };
    // `st_dev` and `st_ino` are narrower than 64 bits on some 32-bit targets.
    #[allow(clippy::useless_conversion)]
    Ok((u64::from(stat.st_dev), u64::from(stat.st_ino)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsFd;
    use std::path::Path;

    fn temp_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("sysix-core-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).unwrap();
        dir
    }

    #[test]
    fn links_and_descriptors_are_the_same_file() {
        let dir = temp_dir("same");
        let a = dir.join("a");
        std::fs::write(&a, b"x").unwrap();
        std::os::unix::fs::symlink(&a, dir.join("sym")).unwrap();
        std::fs::hard_link(&a, dir.join("hard")).unwrap();
        std::fs::write(dir.join("other"), b"x").unwrap();
        let file = File::open(&a).unwrap();

        let path = |p: &str| dir.join(p);
        assert!(same_file(Target::Path(&a), Target::Path(&path("sym"))).unwrap());
        assert!(same_file(Target::Path(&a), Target::Path(&path("hard"))).unwrap());
        assert!(same_file(Target::Fd(file.as_fd()), Target::Path(&a)).unwrap());
        assert!(!same_file(Target::Path(&a), Target::Path(&path("other"))).unwrap());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn fifo_neither_blocks_nor_fails() {
        let dir = temp_dir("fifo");
        let fifo = dir.join("fifo");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::FileType::Fifo,
            Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        let id = FileId::open(Target::Path(&fifo)).unwrap();
        assert_eq!(id, FileId::open(Target::Path(&fifo)).unwrap());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn missing_path_names_open_and_the_path() {
        let missing = Path::new("/nonexistent/sysix");
        let err = FileId::open(Target::Path(missing)).unwrap_err();
        assert_eq!(err.errno, rustix::io::Errno::NOENT);
        assert_eq!(err.syscall, "open");
        assert_eq!(err.path.as_deref(), Some(missing));
    }

    #[test]
    fn identity_encodes_dev_as_same_file_handle_does() {
        // A directory of its own (not "/", which qemu-user's -L prefix maps
        // to the target's sysroot for some calls and not for others).
        let dir = temp_dir("identity");
        let id = FileId::open(Target::Path(&dir)).unwrap();
        assert_eq!(identity(Target::Path(&dir)).unwrap(), (id.dev(), id.ino()));
        std::fs::remove_dir_all(&dir).unwrap();
        let proc = Path::new("/proc/self/status");
        let id = FileId::open(Target::Path(proc)).unwrap();
        assert_eq!(identity(Target::Path(proc)).unwrap(), (id.dev(), id.ino()));
    }

    #[test]
    fn identity_survives_the_descriptor_it_came_from() {
        let file = File::open("/proc/self/exe").unwrap();
        let id = FileId::open(Target::Fd(file.as_fd())).unwrap();
        drop(file);
        assert_eq!(
            id,
            FileId::open(Target::Path(Path::new("/proc/self/exe"))).unwrap()
        );
    }
}
