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
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};

use rustix::fs::{AtFlags, FileType, Mode, OFlags, RenameFlags, ResolveFlags, CWD};
use rustix::io::Errno;

use crate::error::{Error, Result, Syscall, WithPath};
use crate::times::SetTime;

/// How many symlinks one resolution may follow, as the kernel's `MAXSYMLINKS`.
const MAX_SYMLINKS: usize = 40;

/// How many times `openat2` is asked again when it answers `EAGAIN` (a
/// rename somewhere on the machine while it resolved `..`), as openat2(2)
/// says to, before the walk takes over.
const OPENAT2_RETRIES: usize = 8;

/// What the kernel's resolution is limited by: beneath the root, and never
/// through a magic link (`/proc/self/fd/N`, `/proc/self/root`).
const BENEATH: ResolveFlags = ResolveFlags::BENEATH.union(ResolveFlags::NO_MAGICLINKS);

/// What an error of a path that leaves the root says.
const ESCAPES: &str =
    "the path leads out of the root (an absolute path, `..` above its top, or a symlink out of it): pass a path that stays beneath it";

/// What an error of a path through a magic link says.
const MAGIC: &str =
    "a magic link (such as /proc/self/root or /proc/self/fd/N) is never followed beneath a root";

/// How a [`Root`] resolves paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolver {
    /// `openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)`.
    Kernel,
    /// One component at a time, without `openat2`.
    Userspace,
}

/// Whether this kernel has `openat2`: 0 unknown, 1 yes, 2 no.
static OPENAT2: AtomicU8 = AtomicU8::new(0);

impl Resolver {
    /// The best resolver this process can use: [`Resolver::Kernel`] unless
    /// `openat2` answers `ENOSYS` (a kernel before 5.6) or `EPERM` (what
    /// seccomp filters of container runtimes and allow-lists answer for a
    /// call they do not know), asked once per process.
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
            let has = !matches!(probe, Err(Errno::NOSYS | Errno::PERM));
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
    Error::new(Errno::XDEV, syscall).at(path).because(ESCAPES)
}

/// An error of the root's own: `EXDEV` says what it means beneath a root.
fn explained(error: Error) -> Error {
    if error.errno == Errno::XDEV && error.detail.is_none() {
        error.because(ESCAPES)
    } else {
        error
    }
}

/// The final component of a path, as the `*at` calls see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Last<'p> {
    /// A name, and whether slashes followed it (`name/`): then it must be a
    /// directory, and a symlink there is followed.
    Name(&'p OsStr, bool),
    /// `.` (`dir/.`).
    Dot,
    /// `..` (`dir/..`).
    DotDot,
}

/// Splits `path` into what leads to its final component (`.` for nothing)
/// and that component, as the kernel parses it: trailing slashes and a final
/// `.` are kept, where `Path::components` would drop them. An empty path is
/// `ENOENT`; an absolute one leaves the root.
fn split<'p>(path: &'p Path, syscall: &'static str) -> Result<(&'p Path, Last<'p>)> {
    let bytes = path.as_os_str().as_bytes();
    if bytes.is_empty() {
        return Err(Error::new(Errno::NOENT, syscall).at(path));
    }
    if bytes[0] == b'/' {
        return Err(escapes(syscall, path));
    }
    let trimmed = bytes.len() - bytes.iter().rev().take_while(|b| **b == b'/').count();
    let (lead, last) = match bytes[..trimmed].iter().rposition(|b| *b == b'/') {
        Some(at) => (&bytes[..at], &bytes[at + 1..trimmed]),
        None => (&b""[..], &bytes[..trimmed]),
    };
    let parent = if lead.is_empty() {
        Path::new(".")
    } else {
        Path::new(OsStr::from_bytes(lead))
    };
    let last = match last {
        b"." => Last::Dot,
        b".." => Last::DotDot,
        name => Last::Name(OsStr::from_bytes(name), trimmed < bytes.len()),
    };
    Ok((parent, last))
}

/// The final component as the `*at` calls take it: as written, with a
/// trailing slash when it had one.
fn written(last: Last<'_>) -> OsString {
    match last {
        Last::Name(name, trailing) => {
            let mut written = name.to_owned();
            if trailing {
                written.push("/");
            }
            written
        }
        Last::Dot => ".".into(),
        Last::DotDot => "..".into(),
    }
}

/// `/proc/self/fd/N`: a path that reaches exactly the file an (`O_PATH`)
/// descriptor holds, for calls that take no descriptor (on kernels that
/// take `AT_EMPTY_PATH` for them, it is not needed).
fn proc_path(fd: BorrowedFd<'_>) -> PathBuf {
    PathBuf::from(format!("/proc/self/fd/{}", fd.as_raw_fd()))
}

/// A call that reaches the file an `O_PATH` descriptor holds through
/// `/proc/self/fd`, failed: without `/proc` mounted, it says so.
fn without_proc(error: Error) -> Error {
    if error.errno == Errno::NOENT && !Path::new("/proc/self/fd").exists() {
        error.because("/proc is not mounted, and this kernel reaches a file a Root resolved only through /proc/self/fd (Linux 6.6 and later do not need it)")
    } else {
        error
    }
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
    /// `O_NOFOLLOW` (and the path no trailing slash, which always follows).
    /// Both resolvers give the same results for every flag: the final open
    /// is made with the flags asked (`O_DIRECTORY` included), so a FIFO or a
    /// device is never opened where a directory is wanted.
    ///
    /// # References
    ///  - [Linux `openat2(2)`](https://man7.org/linux/man-pages/man2/openat2.2.html)
    pub fn open_file(&self, path: &Path, flags: OFlags, mode: u32) -> Result<OwnedFd> {
        if self.resolver == Resolver::Kernel {
            for _ in 0..OPENAT2_RETRIES {
                match super::open::openat2(self.dir, path, flags, mode, BENEATH) {
                    Err(error) if error.errno == Errno::AGAIN => continue,
                    result => return result.map_err(explained),
                }
            }
        }
        self.walk_open(path, flags, mode).map_err(explained)
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
    /// component, and that component.
    fn parent<'p>(&self, path: &'p Path, syscall: &'static str) -> Result<(OwnedFd, Last<'p>)> {
        let (parent, last) = split(path, syscall)?;
        let dir = self
            .locate(parent, true, syscall)
            .map_err(|error| error.at(path))?;
        Ok((dir, last))
    }

    /// `openat(O_PATH | O_NOFOLLOW)` one component at a time: see the module docs.
    fn walk_open(&self, path: &Path, flags: OFlags, mode: u32) -> Result<OwnedFd> {
        const SYSCALL: &str = "openat";
        let error = |errno: Errno| Error::new(errno, SYSCALL).at(path);
        check_flags(flags).map_err(error)?;
        let Components {
            names: mut queue,
            trailing_slash: mut trailing,
            dot_last,
        } = components(path, SYSCALL)?;
        // Directories held open below the root, innermost last.
        let mut held: Vec<OwnedFd> = Vec::new();
        let mut links = 0;
        while let Some(name) = queue.pop_front() {
            let current = held.last().map_or(self.dir, AsFd::as_fd);
            if name == ".." {
                if held.pop().is_none() {
                    return Err(escapes(SYSCALL, path));
                }
                continue;
            }
            if !queue.is_empty() || dot_last {
                // A directory on the way: opened as a path only (never a FIFO
                // or device opened for real), never through a symlink.
                let fd = rustix::fs::openat(
                    current,
                    &name,
                    OFlags::PATH | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                    Mode::empty(),
                )
                .map_err(error)?;
                match file_type(&fd)? {
                    FileType::Directory => held.push(fd),
                    FileType::Symlink => {
                        links += 1;
                        follow(&fd, &mut queue, links, path)?;
                    }
                    _ => return Err(error(Errno::NOTDIR)),
                }
                continue;
            }
            // The final component: opened as asked, but never through a
            // symlink (one is followed here, beneath the root). A trailing
            // slash makes it a directory, followed if it is a symlink.
            let follow_last = !flags.contains(OFlags::NOFOLLOW) || trailing;
            if trailing && flags.contains(OFlags::CREATE) {
                return Err(error(Errno::ISDIR));
            }
            let mut last_flags = flags | OFlags::NOFOLLOW | OFlags::CLOEXEC;
            last_flags.set(
                OFlags::DIRECTORY,
                flags.contains(OFlags::DIRECTORY) || trailing,
            );
            match rustix::fs::openat(
                current,
                &name,
                last_flags,
                super::open::creation_mode_of(flags, mode),
            ) {
                Ok(fd) => {
                    if follow_last && file_type(&fd)? == FileType::Symlink {
                        // O_PATH | O_NOFOLLOW opened the link itself.
                        links += 1;
                        trailing |= follow(&fd, &mut queue, links, path)?;
                        continue;
                    }
                    return Ok(fd);
                }
                // A symlink, which O_NOFOLLOW refused to open (ELOOP), or
                // O_DIRECTORY refused as not a directory (ENOTDIR): followed
                // here when it may be.
                Err(errno @ (Errno::LOOP | Errno::NOTDIR)) if follow_last => {
                    let link = rustix::fs::openat(
                        current,
                        &name,
                        OFlags::PATH | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                        Mode::empty(),
                    )
                    .map_err(error)?;
                    if file_type(&link)? != FileType::Symlink {
                        return Err(error(errno));
                    }
                    links += 1;
                    trailing |= follow(&link, &mut queue, links, path)?;
                }
                Err(errno) => return Err(error(errno)),
            }
        }
        // The path named a directory already held (`.`, `a/.`, `a/..`),
        // which O_CREAT cannot create: EEXIST with O_EXCL, else EISDIR, as
        // the kernel answers.
        if flags.contains(OFlags::CREATE) && !flags.contains(OFlags::TMPFILE) {
            return Err(error(if flags.contains(OFlags::EXCL) {
                Errno::EXIST
            } else {
                Errno::ISDIR
            }));
        }
        let current = held.last().map_or(self.dir, AsFd::as_fd);
        rustix::fs::openat(
            current,
            ".",
            (flags | OFlags::CLOEXEC) & !OFlags::NOFOLLOW,
            super::open::creation_mode_of(flags, mode),
        )
        .map_err(error)
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

    /// `statx`—What `path` names, following a final symlink when `follow`
    /// is set (or the path ends with a slash, which follows one).
    pub fn stat(&self, path: &Path, follow: bool) -> Result<super::stat::Stat> {
        let (dir, last) = self.parent(path, "statx")?;
        match last {
            Last::Name(name, false) if !follow => super::stat::statx(
                dir.as_fd(),
                Path::new(name),
                super::stat::StatOptions::no_follow(),
            )
            .map_err(|error| error.at(path)),
            // `.`, `..` and `name/` are directories, which nothing follows
            // to; a followed name is resolved beneath the root.
            _ => {
                let fd = self.locate(path, true, "statx")?;
                super::stat::statx(fd.as_fd(), Path::new(""), super::stat::StatOptions::fd())
                    .with_path(Some(path))
            }
        }
    }

    /// `mkdirat`—Creates a directory.
    pub fn mkdir(&self, path: &Path, mode: u32) -> Result<()> {
        let (dir, last) = self.parent(path, "mkdirat")?;
        rustix::fs::mkdirat(&dir, written(last), Mode::from_raw_mode(mode))
            .syscall("mkdirat")
            .with_path(Some(path))
    }

    /// `readlinkat`—The target of a symlink, as it is written.
    pub fn readlink(&self, path: &Path) -> Result<OsString> {
        let (dir, last) = self.parent(path, "readlinkat")?;
        let Last::Name(name, false) = last else {
            // `name/` follows a symlink, to something that is not one.
            self.locate(path, true, "readlinkat")?;
            return Err(Error::new(Errno::INVAL, "readlinkat").at(path));
        };
        rustix::fs::readlinkat(&dir, name, Vec::new())
            .map(|target| OsStr::from_bytes(target.as_bytes()).to_owned())
            .syscall("readlinkat")
            .with_path(Some(path))
    }

    /// `symlinkat`—Creates a symlink at `path` holding `target`, which is
    /// written as given: resolving it later through this root keeps it beneath.
    pub fn symlink(&self, target: &Path, path: &Path) -> Result<()> {
        let (dir, last) = self.parent(path, "symlinkat")?;
        rustix::fs::symlinkat(target, &dir, written(last))
            .syscall("symlinkat")
            .with_path(Some(path))
    }

    /// `linkat`—Creates a hard link `new` to the file `existing` names (not
    /// following a final symlink of `existing`, as `link(2)` does not).
    pub fn link(&self, existing: &Path, new: &Path) -> Result<()> {
        let (old_dir, old_last) = self.parent(existing, "linkat")?;
        let (new_dir, new_last) = self.parent(new, "linkat")?;
        let Last::Name(old_name, false) = old_last else {
            // `name/`, `.` and `..` are directories (or nothing): what link(2)
            // answers for one, once it is found beneath the root.
            self.locate(existing, true, "linkat")
                .map_err(|error| error.to(new))?;
            return Err(Error::new(Errno::PERM, "linkat").at(existing).to(new));
        };
        rustix::fs::linkat(
            &old_dir,
            old_name,
            &new_dir,
            written(new_last),
            AtFlags::empty(),
        )
        .syscall("linkat")
        .map_err(|error| error.at(existing).to(new))
    }

    /// `renameat2`—Renames `from` to `to`, both beneath the root.
    pub fn rename(&self, from: &Path, to: &Path, flags: RenameFlags) -> Result<()> {
        let (old_dir, old_last) = self.parent(from, "renameat2")?;
        let (new_dir, new_last) = self.parent(to, "renameat2")?;
        let syscall = if flags.is_empty() {
            "renameat"
        } else {
            "renameat2"
        };
        rustix::fs::renameat_with(
            &old_dir,
            written(old_last),
            &new_dir,
            written(new_last),
            flags,
        )
        .syscall(syscall)
        .map_err(|error| error.at(from).to(to))
    }

    /// `unlinkat`—Removes a name (not a directory).
    pub fn unlink(&self, path: &Path) -> Result<()> {
        let (dir, last) = self.parent(path, "unlinkat")?;
        rustix::fs::unlinkat(&dir, written(last), AtFlags::empty())
            .syscall("unlinkat")
            .with_path(Some(path))
    }

    /// `unlinkat(AT_REMOVEDIR)`—Removes an empty directory.
    pub fn rmdir(&self, path: &Path) -> Result<()> {
        let (dir, last) = self.parent(path, "unlinkat")?;
        rustix::fs::unlinkat(&dir, written(last), AtFlags::REMOVEDIR)
            .syscall("unlinkat")
            .with_path(Some(path))
    }

    /// `chmod`—Changes the mode of what `path` names, following a final
    /// symlink beneath the root (a symlink's own mode means nothing on
    /// Linux): `fchmodat2(AT_EMPTY_PATH)` on the descriptor the resolution
    /// gave (Linux 6.6), else through `/proc/self/fd`.
    pub fn chmod(&self, path: &Path, mode: u32) -> Result<()> {
        let fd = self.locate(path, true, "chmod")?;
        match super::names::fchmodat2(fd.as_fd(), Path::new(""), mode, libc::AT_EMPTY_PATH) {
            Err(Errno::NOSYS | Errno::INVAL) => rustix::fs::chmodat(
                CWD,
                proc_path(fd.as_fd()),
                Mode::from_raw_mode(mode),
                AtFlags::empty(),
            )
            .syscall("chmod")
            .map_err(without_proc),
            result => result.syscall("chmod"),
        }
        .with_path(Some(path))
    }

    /// `utimensat`—Sets the access and modification times of what `path`
    /// names, of a final symlink itself unless `follow` is set (or the path
    /// ends with a slash): `AT_EMPTY_PATH` on the descriptor the resolution
    /// gave, else through `/proc/self/fd`.
    pub fn set_file_times(
        &self,
        path: &Path,
        accessed: SetTime,
        modified: SetTime,
        follow: bool,
    ) -> Result<()> {
        let times = crate::times::timestamps(accessed, modified);
        let (dir, last) = self.parent(path, "utimensat")?;
        if let (Last::Name(name, false), false) = (last, follow) {
            return rustix::fs::utimensat(&dir, name, &times, AtFlags::SYMLINK_NOFOLLOW)
                .syscall("utimensat")
                .with_path(Some(path));
        }
        let fd = self.locate(path, true, "utimensat")?;
        match rustix::fs::utimensat(&fd, "", &times, AtFlags::EMPTY_PATH) {
            Err(Errno::INVAL | Errno::NOENT) => {
                rustix::fs::utimensat(CWD, proc_path(fd.as_fd()), &times, AtFlags::empty())
                    .syscall("utimensat")
                    .map_err(without_proc)
            }
            result => result.syscall("utimensat"),
        }
        .with_path(Some(path))
    }
}

fn file_type(fd: &OwnedFd) -> Result<FileType> {
    rustix::fs::fstat(fd)
        .map(|st| FileType::from_raw_mode(st.st_mode))
        .syscall("fstat")
}

/// A relative path as the walk takes it.
struct Components {
    /// Its names, `.` dropped, `..` kept.
    names: VecDeque<OsString>,
    /// It ends with a slash after its final name (`dir/`): that name must be
    /// a directory, and a symlink there is followed.
    trailing_slash: bool,
    /// It ends with `.` (`dir/.`): its final name is a directory on the way,
    /// and the path names that directory itself.
    dot_last: bool,
}

/// Splits a relative path as the kernel walks it. An empty path is
/// `ENOENT`; an absolute one leaves the root.
fn components(path: &Path, syscall: &'static str) -> Result<Components> {
    let bytes = path.as_os_str().as_bytes();
    if bytes.is_empty() {
        return Err(Error::new(Errno::NOENT, syscall).at(path));
    }
    if bytes[0] == b'/' {
        return Err(escapes(syscall, path));
    }
    let trimmed = &bytes[..bytes.len() - bytes.iter().rev().take_while(|b| **b == b'/').count()];
    let final_part = trimmed.rsplit(|b| *b == b'/').next().unwrap_or(b"");
    let names = trimmed
        .split(|b| *b == b'/')
        .filter(|p| !p.is_empty() && *p != b".")
        .map(|p| OsStr::from_bytes(p).to_owned())
        .collect();
    Ok(Components {
        names,
        trailing_slash: trimmed.len() < bytes.len() && final_part != b"." && final_part != b"..",
        dot_last: final_part == b".",
    })
}

/// What `openat2` refuses before it resolves anything, which a plain
/// `openat` would take: the walk refuses the same, so that both resolvers
/// answer alike. `O_PATH` takes no flag but `O_DIRECTORY`, `O_NOFOLLOW`
/// and `O_CLOEXEC`; `O_CREAT` and `O_DIRECTORY` never go together.
fn check_flags(flags: OFlags) -> std::result::Result<(), Errno> {
    let path_flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    if flags.contains(OFlags::PATH) && !path_flags.contains(flags) {
        return Err(Errno::INVAL);
    }
    if flags.contains(OFlags::CREATE)
        && flags.contains(OFlags::DIRECTORY)
        && !flags.contains(OFlags::TMPFILE)
    {
        return Err(Errno::INVAL);
    }
    Ok(())
}

/// Whether the symlink `link` (an `O_PATH` descriptor) holding `target` is
/// a magic link: one of procfs's per-process links (`fd/N`, `cwd`, `root`,
/// `exe`, `ns/*`), which read as absolute paths or as `type:[id]`. procfs's
/// plain links (`self`, `thread-self`, `mounts`) read as relative paths.
// `f_type`'s width differs between architectures.
#[allow(clippy::unnecessary_cast)]
fn is_magic(link: &OwnedFd, target: &[u8]) -> bool {
    const PROC_SUPER_MAGIC: i64 = 0x9fa0;
    let on_proc = rustix::fs::fstatfs(link).is_ok_and(|fs| fs.f_type as i64 == PROC_SUPER_MAGIC);
    on_proc && (target.first() == Some(&b'/') || target.windows(2).any(|w| w == b":["))
}

/// Puts the target of the symlink `link` (an `O_PATH` descriptor) in front
/// of what remains to resolve; an absolute target leaves the root, and a
/// magic link is refused (`ELOOP`), as `RESOLVE_NO_MAGICLINKS` refuses it.
/// Returns whether the target ends with a slash or `.` (a directory, if the
/// link was the final component).
fn follow(
    link: &OwnedFd,
    queue: &mut VecDeque<OsString>,
    links: usize,
    path: &Path,
) -> Result<bool> {
    if links > MAX_SYMLINKS {
        return Err(Error::new(Errno::LOOP, "openat").at(path));
    }
    let target = rustix::fs::readlinkat(link, "", Vec::new())
        .syscall("readlinkat")
        .with_path(Some(path))?;
    let target = target.as_bytes();
    if is_magic(link, target) {
        return Err(Error::new(Errno::LOOP, "openat").at(path).because(MAGIC));
    }
    if target.first() == Some(&b'/') {
        return Err(escapes("openat", path));
    }
    let target = components(Path::new(OsStr::from_bytes(target)), "openat")?;
    for name in target.names.into_iter().rev() {
        queue.push_front(name);
    }
    Ok(target.trailing_slash || target.dot_last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::{symlink, MetadataExt};

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

    /// A tree of every kind of entry, for the differential tests.
    fn kinds(name: &str) -> PathBuf {
        let base =
            std::env::temp_dir().join(format!("sysix-root-kinds-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(base.join("root/dir")).unwrap();
        std::fs::create_dir_all(base.join("outside-dir")).unwrap();
        std::fs::write(base.join("root/file"), b"content").unwrap();
        std::fs::write(base.join("root/dir/inside"), b"inside").unwrap();
        rustix::fs::mknodat(
            CWD,
            base.join("root/fifo"),
            FileType::Fifo,
            Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        symlink("file", base.join("root/link_file")).unwrap();
        symlink("dir", base.join("root/link_dir")).unwrap();
        symlink("dir/", base.join("root/link_dir_slash")).unwrap();
        symlink("file/", base.join("root/link_file_slash")).unwrap();
        symlink("missing", base.join("root/dangling")).unwrap();
        symlink("../outside-dir", base.join("root/out")).unwrap();
        base
    }

    /// What opening did: the type and contents it found (and left), or the error.
    fn outcome(root: &Root, base: &Path, path: &str, flags: OFlags) -> String {
        // Never waiting on the FIFO (O_PATH takes no other flag).
        let flags = if flags.contains(OFlags::PATH) {
            flags
        } else {
            flags | OFlags::NONBLOCK
        };
        let opened = root.open_file(Path::new(path), flags, 0o600);
        let found = match &opened {
            Ok(fd) => format!("{:?}", file_type(fd).unwrap()),
            Err(error) => format!("{:?}", error.errno),
        };
        let file = std::fs::read(base.join("root/file")).unwrap();
        let listing: Vec<_> = std::fs::read_dir(base.join("root"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        format!("{found} file={} entries={}", file.len(), listing.len())
    }

    #[test]
    fn both_resolvers_give_the_same_results_for_every_flag_and_path_form() {
        let paths = [
            "file",
            "file/",
            "file/.",
            "dir",
            "dir/",
            "dir/.",
            "dir/..",
            "link_file",
            "link_file/",
            "link_dir",
            "link_dir/",
            "link_dir_slash",
            "link_file_slash",
            "fifo",
            "fifo/",
            "missing",
            "missing/",
            "dangling",
            "dangling/",
            "",
            ".",
            "./",
            "out",
            "out/",
            "dir//inside",
            "./dir/./inside",
        ];
        let flag_sets = [
            OFlags::RDONLY,
            OFlags::RDONLY | OFlags::DIRECTORY,
            OFlags::PATH,
            OFlags::PATH | OFlags::NOFOLLOW,
            OFlags::PATH | OFlags::DIRECTORY,
            OFlags::RDONLY | OFlags::NOFOLLOW,
            OFlags::WRONLY | OFlags::TRUNC,
            OFlags::RDWR | OFlags::TRUNC | OFlags::DIRECTORY,
            OFlags::CREATE | OFlags::WRONLY,
            OFlags::CREATE | OFlags::DIRECTORY,
            OFlags::CREATE | OFlags::EXCL | OFlags::WRONLY,
            OFlags::PATH | OFlags::RDWR,
            OFlags::TMPFILE | OFlags::WRONLY,
        ];
        let mut differences = Vec::new();
        for path in paths {
            for flags in flag_sets {
                let results: Vec<String> = [Resolver::Kernel, Resolver::Userspace]
                    .into_iter()
                    .map(|resolver| {
                        let base = kinds(&format!("{}-{}", resolver as u8, path.len()));
                        let dir = open_root(&base.join("root")).unwrap();
                        let root = Root::new(dir.as_fd(), resolver);
                        let result = outcome(&root, &base, path, flags);
                        std::fs::remove_dir_all(base).unwrap();
                        result
                    })
                    .collect();
                if results[0] != results[1] {
                    differences.push(format!(
                        "{path:?} {flags:?}: kernel {} userspace {}",
                        results[0], results[1]
                    ));
                }
            }
        }
        assert!(differences.is_empty(), "{}", differences.join("\n"));
    }

    #[test]
    fn trailing_slashes_and_dots_behave_as_the_kernel_says() {
        for resolver in [Resolver::best(), Resolver::Userspace] {
            let base = kinds("trailing");
            let dir = open_root(&base.join("root")).unwrap();
            let root = Root::new(dir.as_fd(), resolver);
            std::fs::create_dir(base.join("root/sub")).unwrap();
            let errno = |result: Result<()>| result.map_err(|e| e.errno);
            assert_eq!(
                errno(root.rmdir(Path::new("sub/."))),
                Err(Errno::INVAL),
                "{resolver:?}"
            );
            assert!(base.join("root/sub").exists());
            assert_eq!(errno(root.unlink(Path::new("file/"))), Err(Errno::NOTDIR));
            assert_eq!(
                errno(root.rename(Path::new("file/"), Path::new("moved"), RenameFlags::empty())),
                Err(Errno::NOTDIR)
            );
            assert!(base.join("root/file").exists());
            // lstat of `link/` describes the directory the link names...
            let dir_ino = std::fs::metadata(base.join("root/dir")).unwrap().ino();
            assert_eq!(
                root.stat(Path::new("link_dir/"), false).unwrap().ino,
                dir_ino
            );
            assert_eq!(
                root.stat(Path::new("link_dir"), false).unwrap().mode & 0o170000,
                0o120000
            );
            // ...and a link out of the root fails, whatever the slash says.
            assert_eq!(
                root.stat(Path::new("out/"), false).unwrap_err().errno,
                Errno::XDEV
            );
            assert_eq!(
                root.readlink(Path::new("out/")).unwrap_err().errno,
                Errno::XDEV
            );
            // `.` is the root itself, followed or not.
            let root_ino = std::fs::metadata(base.join("root")).unwrap().ino();
            assert_eq!(root.stat(Path::new("."), true).unwrap().ino, root_ino);
            assert_eq!(root.stat(Path::new("."), false).unwrap().ino, root_ino);
            assert_eq!(
                root.stat(Path::new(""), false).unwrap_err().errno,
                Errno::NOENT
            );
            assert_eq!(errno(root.rmdir(Path::new("sub/"))), Ok(()));
            std::fs::remove_dir_all(base).unwrap();
        }
    }

    #[test]
    fn escapes_say_what_happened() {
        let base = tree("messages");
        for resolver in [Resolver::best(), Resolver::Userspace] {
            let dir = open_root(&base.join("root")).unwrap();
            let root = Root::new(dir.as_fd(), resolver);
            for escape in ["../outside", "/etc/hostname", "up"] {
                let error = root
                    .open_file(Path::new(escape), OFlags::RDONLY, 0)
                    .unwrap_err();
                assert_eq!(error.errno, Errno::XDEV);
                assert_eq!(error.detail, Some(ESCAPES), "{resolver:?} {escape}");
            }
        }
        std::fs::remove_dir_all(base).unwrap();
    }
}
