//! A directory nothing can escape: every path is resolved beneath it.
//!
//! After Go 1.24's `os.Root` and cap-std's `Dir`. A [`Root`] holds an
//! `O_PATH` descriptor of its directory and resolves each path given to it
//! relative to that descriptor, never above it: `..` at the top, absolute
//! paths, symlinks (absolute, or relative ones that climb out) and magic
//! links such as `/proc/self/root` fail with `EXDEV`, as the kernel's
//! `RESOLVE_BENEATH` fails them.
//!
//! Two resolvers give the same guarantees:
//! - [`Resolver::Kernel`]: `openat2(RESOLVE_BENEATH)` (Linux 5.6), which
//!   checks the whole walk atomically in the kernel.
//! - [`Resolver::Userspace`], where `openat2` is missing (older kernels, a
//!   seccomp filter answering `ENOSYS`): one component at a time with
//!   `openat(O_PATH | O_NOFOLLOW)` relative to directories already held
//!   open, reading each symlink and resolving its target the same way, and
//!   taking `..` as a step back to a directory held, never a lookup in the
//!   kernel (which a concurrent rename could turn into an escape).
//!
//! Operations on a name (mkdir, unlink, rename, symlink, link, readlink,
//! lstat) resolve the parent directory beneath the root and then make the
//! `*at` call on the final name, which the kernel resolves one component
//! deep. Operations that follow a final symlink (open, stat, chmod, setting
//! times) resolve the whole path to an `O_PATH` descriptor first and act on
//! that descriptor.

use std::collections::VecDeque;
use std::ffi::{OsStr, OsString};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};

use rustix::fs::{AtFlags, FileType, Mode, OFlags, RenameFlags, ResolveFlags, CWD};
use rustix::io::Errno;

use crate::error::{Error, Result, Syscall, WithPath};
use crate::times::SetTime;

/// How many symlinks one resolution may follow, as the kernel's `MAXSYMLINKS`.
const MAX_SYMLINKS: usize = 40;

/// How a [`Root`] resolves paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolver {
    /// `openat2(RESOLVE_BENEATH)`.
    Kernel,
    /// One component at a time, without `openat2`.
    Userspace,
}

/// Whether this kernel has `openat2`: 0 unknown, 1 yes, 2 no.
static OPENAT2: AtomicU8 = AtomicU8::new(0);

impl Resolver {
    /// The best resolver this kernel offers: [`Resolver::Kernel`] unless
    /// `openat2` answers `ENOSYS` (checked once per process).
    pub fn best() -> Self {
        let known = OPENAT2.load(Ordering::Relaxed);
        let has = if known == 0 {
            let probe = rustix::fs::openat2(
                CWD,
                "/",
                OFlags::PATH | OFlags::CLOEXEC,
                Mode::empty(),
                ResolveFlags::empty(),
            );
            let has = !matches!(probe, Err(Errno::NOSYS));
            OPENAT2.store(if has { 1 } else { 2 }, Ordering::Relaxed);
            has
        } else {
            known == 1
        };
        if has {
            Resolver::Kernel
        } else {
            Resolver::Userspace
        }
    }
}

/// A directory, and every path beneath it: a view of a directory
/// descriptor (from [`open_root`]) and the resolver to use.
#[derive(Debug, Clone, Copy)]
pub struct Root<'a> {
    dir: BorrowedFd<'a>,
    resolver: Resolver,
}

/// `open(dir, O_PATH | O_DIRECTORY)`—The descriptor of a directory to make
/// a [`Root`] of.
///
/// # References
///  - [Linux `open(2)`](https://man7.org/linux/man-pages/man2/open.2.html)
pub fn open_root(dir: &Path) -> Result<OwnedFd> {
    rustix::fs::openat(
        CWD,
        dir,
        OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .syscall("open")
    .with_path(Some(dir))
}

/// `EXDEV`, which the kernel answers for a path that would leave the root.
fn escapes(syscall: &'static str, path: &Path) -> Error {
    Error::new(Errno::XDEV, syscall).at(path)
}

/// Splits `path` into its parent and final name, refusing a final `.` or
/// `..` (or nothing), which name no entry of their parent.
fn split<'p>(path: &'p Path, syscall: &'static str) -> Result<(&'p Path, &'p OsStr)> {
    match path.components().next_back() {
        Some(Component::Normal(name)) => {
            let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
            Ok((parent.unwrap_or(Path::new(".")), name))
        }
        Some(Component::RootDir) => Err(escapes(syscall, path)),
        _ => Err(Error::new(Errno::INVAL, syscall).at(path)),
    }
}

/// `/proc/self/fd/N`: a path that reaches exactly the file an (`O_PATH`)
/// descriptor holds, for calls that take no descriptor.
fn proc_path(fd: BorrowedFd<'_>) -> PathBuf {
    use std::os::fd::AsRawFd;
    PathBuf::from(format!("/proc/self/fd/{}", fd.as_raw_fd()))
}

impl<'a> Root<'a> {
    /// The root at the directory `dir` refers to (any descriptor of a
    /// directory; [`open_root`] makes one), resolving with `resolver`.
    pub fn new(dir: BorrowedFd<'a>, resolver: Resolver) -> Self {
        Self { dir, resolver }
    }

    /// The resolver this root uses.
    pub fn resolver(&self) -> Resolver {
        self.resolver
    }

    /// Resolves `path` beneath the root to a descriptor opened with `flags`
    /// (and `mode` to create), following a final symlink unless `flags` has
    /// `O_NOFOLLOW`.
    ///
    /// # References
    ///  - [Linux `openat2(2)`](https://man7.org/linux/man-pages/man2/openat2.2.html)
    pub fn open_file(&self, path: &Path, flags: OFlags, mode: u32) -> Result<OwnedFd> {
        match self.resolver {
            Resolver::Kernel => {
                super::open::openat2(self.dir, path, flags, mode, ResolveFlags::BENEATH)
            }
            Resolver::Userspace => self.walk_open(path, flags, mode),
        }
    }

    /// An `O_PATH` descriptor of what `path` names, following a final
    /// symlink when `follow` is set.
    fn locate(&self, path: &Path, follow: bool, syscall: &'static str) -> Result<OwnedFd> {
        let mut flags = OFlags::PATH;
        flags.set(OFlags::NOFOLLOW, !follow);
        // Named after the operation, whichever call of the walk failed.
        self.open_file(path, flags, 0).map_err(|mut error| {
            error.syscall = syscall;
            error
        })
    }

    /// An `O_PATH` descriptor of the directory that holds `path`'s final
    /// name, and that name.
    fn parent<'p>(&self, path: &'p Path, syscall: &'static str) -> Result<(OwnedFd, &'p OsStr)> {
        let (parent, name) = split(path, syscall)?;
        let dir = self
            .locate(parent, true, syscall)
            .map_err(|error| error.at(path))?;
        Ok((dir, name))
    }

    /// `openat(O_PATH | O_NOFOLLOW)` one component at a time: see the module docs.
    fn walk_open(&self, path: &Path, flags: OFlags, mode: u32) -> Result<OwnedFd> {
        const SYSCALL: &str = "openat";
        let follow_last = !flags.contains(OFlags::NOFOLLOW);
        if path.is_absolute() {
            return Err(escapes(SYSCALL, path));
        }
        // Directories held open below the root, innermost last.
        let mut held: Vec<OwnedFd> = Vec::new();
        let mut queue: VecDeque<OsString> = components(path)?;
        let mut links = 0;
        while let Some(name) = queue.pop_front() {
            let current = held.last().map_or(self.dir, AsFd::as_fd);
            if name == ".." {
                if held.pop().is_none() {
                    return Err(escapes(SYSCALL, path));
                }
                continue;
            }
            let last = queue.is_empty();
            if last {
                // The final component, opened as asked but never through a
                // symlink: one is followed here, beneath the root.
                // O_DIRECTORY would refuse a symlink to a directory before it
                // could be followed: the type is checked below instead. (It is
                // part of O_TMPFILE, which keeps it.)
                let mut last_flags = flags | OFlags::NOFOLLOW | OFlags::CLOEXEC;
                let tmpfile = flags.contains(OFlags::TMPFILE);
                if !tmpfile {
                    last_flags.remove(OFlags::DIRECTORY);
                }
                match rustix::fs::openat(
                    current,
                    &name,
                    last_flags,
                    super::open::creation_mode_of(flags, mode),
                ) {
                    Ok(fd) => {
                        let kind = rustix::fs::fstat(&fd)
                            .map(|st| FileType::from_raw_mode(st.st_mode))
                            .syscall("fstat")?;
                        if kind == FileType::Symlink && follow_last {
                            // O_PATH | O_NOFOLLOW opened the link itself.
                            links += 1;
                            follow(&fd, &mut queue, links, path)?;
                            continue;
                        }
                        if flags.contains(OFlags::DIRECTORY)
                            && !tmpfile
                            && kind != FileType::Directory
                        {
                            return Err(Error::new(Errno::NOTDIR, SYSCALL).at(path));
                        }
                        return Ok(fd);
                    }
                    Err(Errno::LOOP) if follow_last => {
                        // A symlink, which O_NOFOLLOW refused to open.
                        let link = rustix::fs::openat(
                            current,
                            &name,
                            OFlags::PATH | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                            Mode::empty(),
                        )
                        .syscall(SYSCALL)
                        .with_path(Some(path))?;
                        links += 1;
                        follow(&link, &mut queue, links, path)?;
                        continue;
                    }
                    Err(errno) => return Err(Error::new(errno, SYSCALL).at(path)),
                }
            }
            let fd = rustix::fs::openat(
                current,
                &name,
                OFlags::PATH | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                Mode::empty(),
            )
            .syscall(SYSCALL)
            .with_path(Some(path))?;
            let kind = rustix::fs::fstat(&fd)
                .map(|st| FileType::from_raw_mode(st.st_mode))
                .syscall("fstat")?;
            match kind {
                FileType::Directory => held.push(fd),
                FileType::Symlink => {
                    links += 1;
                    follow(&fd, &mut queue, links, path)?;
                }
                _ => return Err(Error::new(Errno::NOTDIR, SYSCALL).at(path)),
            }
        }
        // The path named a directory already held (`.`, `a/..`, or nothing).
        let current = held.last().map_or(self.dir, AsFd::as_fd);
        rustix::fs::openat(
            current,
            ".",
            (flags | OFlags::CLOEXEC) & !OFlags::NOFOLLOW,
            super::open::creation_mode_of(flags, mode),
        )
        .syscall(SYSCALL)
        .with_path(Some(path))
    }

    /// `openat(O_RDONLY | O_DIRECTORY)`—The directory at `path`, for reading
    /// its entries.
    pub fn open_dir(&self, path: &Path) -> Result<OwnedFd> {
        self.open_file(path, OFlags::RDONLY | OFlags::DIRECTORY, 0)
    }

    /// An `O_PATH` descriptor of the directory `path` names, to make a
    /// [`Root`] beneath this one.
    pub fn open_root(&self, path: &Path) -> Result<OwnedFd> {
        self.open_file(path, OFlags::PATH | OFlags::DIRECTORY, 0)
    }

    /// `statx`—What `path` names, following a final symlink when `follow` is set.
    pub fn stat(&self, path: &Path, follow: bool) -> Result<super::stat::Stat> {
        if follow {
            let fd = self.locate(path, true, "statx")?;
            super::stat::statx(fd.as_fd(), Path::new(""), super::stat::StatOptions::fd())
                .with_path(Some(path))
        } else {
            let (dir, name) = self.parent(path, "statx")?;
            super::stat::statx(
                dir.as_fd(),
                Path::new(name),
                super::stat::StatOptions::no_follow(),
            )
            .map_err(|error| error.at(path))
        }
    }

    /// `mkdirat`—Creates a directory.
    pub fn mkdir(&self, path: &Path, mode: u32) -> Result<()> {
        let (dir, name) = self.parent(path, "mkdirat")?;
        rustix::fs::mkdirat(&dir, name, Mode::from_raw_mode(mode))
            .syscall("mkdirat")
            .with_path(Some(path))
    }

    /// `readlinkat`—The target of a symlink, as it is written.
    pub fn readlink(&self, path: &Path) -> Result<OsString> {
        let (dir, name) = self.parent(path, "readlinkat")?;
        rustix::fs::readlinkat(&dir, name, Vec::new())
            .map(|target| OsStr::from_bytes(target.as_bytes()).to_owned())
            .syscall("readlinkat")
            .with_path(Some(path))
    }

    /// `symlinkat`—Creates a symlink at `path` holding `target`, which is
    /// written as given: resolving it later through this root keeps it beneath.
    pub fn symlink(&self, target: &Path, path: &Path) -> Result<()> {
        let (dir, name) = self.parent(path, "symlinkat")?;
        rustix::fs::symlinkat(target, &dir, name)
            .syscall("symlinkat")
            .with_path(Some(path))
    }

    /// `linkat`—Creates a hard link `new` to the file `existing` names (not
    /// following a final symlink of `existing`, as `link(2)` does not).
    pub fn link(&self, existing: &Path, new: &Path) -> Result<()> {
        let (old_dir, old_name) = self.parent(existing, "linkat")?;
        let (new_dir, new_name) = self.parent(new, "linkat")?;
        rustix::fs::linkat(&old_dir, old_name, &new_dir, new_name, AtFlags::empty())
            .syscall("linkat")
            .map_err(|error| error.at(existing).to(new))
    }

    /// `renameat2`—Renames `from` to `to`, both beneath the root.
    pub fn rename(&self, from: &Path, to: &Path, flags: RenameFlags) -> Result<()> {
        let (old_dir, old_name) = self.parent(from, "renameat2")?;
        let (new_dir, new_name) = self.parent(to, "renameat2")?;
        let syscall = if flags.is_empty() {
            "renameat"
        } else {
            "renameat2"
        };
        rustix::fs::renameat_with(&old_dir, old_name, &new_dir, new_name, flags)
            .syscall(syscall)
            .map_err(|error| error.at(from).to(to))
    }

    /// `unlinkat`—Removes a name (not a directory).
    pub fn unlink(&self, path: &Path) -> Result<()> {
        let (dir, name) = self.parent(path, "unlinkat")?;
        rustix::fs::unlinkat(&dir, name, AtFlags::empty())
            .syscall("unlinkat")
            .with_path(Some(path))
    }

    /// `unlinkat(AT_REMOVEDIR)`—Removes an empty directory.
    pub fn rmdir(&self, path: &Path) -> Result<()> {
        let (dir, name) = self.parent(path, "unlinkat")?;
        rustix::fs::unlinkat(&dir, name, AtFlags::REMOVEDIR)
            .syscall("unlinkat")
            .with_path(Some(path))
    }

    /// `chmod`—Changes the mode of what `path` names, following a final
    /// symlink beneath the root (a symlink's own mode means nothing on Linux).
    pub fn chmod(&self, path: &Path, mode: u32) -> Result<()> {
        let fd = self.locate(path, true, "chmod")?;
        rustix::fs::chmodat(
            CWD,
            proc_path(fd.as_fd()),
            Mode::from_raw_mode(mode),
            AtFlags::empty(),
        )
        .syscall("chmod")
        .with_path(Some(path))
    }

    /// `utimensat`—Sets the access and modification times of what `path`
    /// names, of a final symlink itself unless `follow` is set.
    pub fn set_file_times(
        &self,
        path: &Path,
        accessed: SetTime,
        modified: SetTime,
        follow: bool,
    ) -> Result<()> {
        let times = crate::times::timestamps(accessed, modified);
        if follow {
            let fd = self.locate(path, true, "utimensat")?;
            rustix::fs::utimensat(CWD, proc_path(fd.as_fd()), &times, AtFlags::empty())
        } else {
            let (dir, name) = self.parent(path, "utimensat")?;
            rustix::fs::utimensat(&dir, name, &times, AtFlags::SYMLINK_NOFOLLOW)
        }
        .syscall("utimensat")
        .with_path(Some(path))
    }
}

/// The components of a relative path as names, `.` dropped, `..` kept.
fn components(path: &Path) -> Result<VecDeque<OsString>> {
    Ok(path
        .components()
        .filter_map(|component| match component {
            Component::Normal(name) => Some(name.to_owned()),
            Component::ParentDir => Some(OsString::from("..")),
            _ => None,
        })
        .collect())
}

/// Puts the target of the symlink `link` (an `O_PATH` descriptor) in front
/// of what remains to resolve; an absolute target leaves the root.
fn follow(link: &OwnedFd, queue: &mut VecDeque<OsString>, links: usize, path: &Path) -> Result<()> {
    if links > MAX_SYMLINKS {
        return Err(Error::new(Errno::LOOP, "openat").at(path));
    }
    let target = rustix::fs::readlinkat(link, "", Vec::new())
        .syscall("readlinkat")
        .with_path(Some(path))?;
    let target = Path::new(OsStr::from_bytes(target.as_bytes()));
    if target.is_absolute() {
        // Absolute symlinks and magic links (`/proc/self/root` reads as `/`).
        return Err(escapes("openat", path));
    }
    for name in components(target)?.into_iter().rev() {
        queue.push_front(name);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn tree(name: &str) -> PathBuf {
        let base = std::env::temp_dir().join(format!("sysix-root-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(base.join("root/dir")).unwrap();
        std::fs::write(base.join("outside"), b"secret").unwrap();
        std::fs::write(base.join("root/dir/inside"), b"ok").unwrap();
        symlink("../outside", base.join("root/up")).unwrap();
        symlink(base.join("outside"), base.join("root/absolute")).unwrap();
        symlink("dir/inside", base.join("root/relative")).unwrap();
        symlink("../dir/./inside", base.join("root/dir/sideways")).unwrap();
        base
    }

    fn read(root: &Root, path: &str) -> std::result::Result<String, Errno> {
        let fd = root
            .open_file(Path::new(path), OFlags::RDONLY, 0)
            .map_err(|e| e.errno)?;
        Ok(std::io::read_to_string(std::fs::File::from(fd)).unwrap())
    }

    #[test]
    fn both_resolvers_stay_beneath() {
        let base = tree("beneath");
        for resolver in [Resolver::best(), Resolver::Userspace] {
            let dir = open_root(&base.join("root")).unwrap();
            let root = Root::new(dir.as_fd(), resolver);
            assert_eq!(read(&root, "dir/inside"), Ok("ok".into()), "{resolver:?}");
            assert_eq!(read(&root, "relative"), Ok("ok".into()));
            assert_eq!(read(&root, "dir/sideways"), Ok("ok".into()));
            assert_eq!(read(&root, "dir/../dir/inside"), Ok("ok".into()));
            for escape in [
                "../outside",
                "up",
                "absolute",
                "dir/../../outside",
                "/etc/hostname",
            ] {
                assert_eq!(
                    read(&root, escape),
                    Err(Errno::XDEV),
                    "{resolver:?} {escape}"
                );
            }
            assert_eq!(read(&root, "missing"), Err(Errno::NOENT));
            assert_eq!(read(&root, "dir/inside/x"), Err(Errno::NOTDIR));
        }
        std::fs::remove_dir_all(base).unwrap();
    }

    #[test]
    fn names_are_resolved_in_their_parent() {
        let base = tree("names");
        for resolver in [Resolver::best(), Resolver::Userspace] {
            let dir = open_root(&base.join("root")).unwrap();
            let root = Root::new(dir.as_fd(), resolver);
            root.mkdir(Path::new("dir/new"), 0o755).unwrap();
            root.rename(
                Path::new("dir/new"),
                Path::new("renamed"),
                RenameFlags::empty(),
            )
            .unwrap();
            root.rmdir(Path::new("renamed")).unwrap();
            assert_eq!(root.readlink(Path::new("up")).unwrap(), "../outside");
            assert_eq!(
                root.mkdir(Path::new("up/x"), 0o755).unwrap_err().errno,
                Errno::XDEV,
                "a parent that climbs out"
            );
            // A name that is a symlink out is removed, not followed.
            root.symlink(Path::new("/etc"), Path::new("etc")).unwrap();
            root.unlink(Path::new("etc")).unwrap();
            assert!(base.join("outside").exists());
        }
        std::fs::remove_dir_all(base).unwrap();
    }
}
