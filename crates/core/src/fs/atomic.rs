//! Replacing a file whole or not at all, as the npm package
//! `write-file-atomic` does and as users of it expect: the data goes into a
//! temporary file beside the target, which is renamed over it.
//!
//! What is kept and what is not:
//! - **The target.** A path that is a symlink keeps the symlink: the file it
//!   names (followed to the end, as `realpath` does) is replaced. A dangling
//!   symlink gets its target created, as a shell redirection does.
//! - **Mode and owner.** A replaced file keeps its permission bits (set-id
//!   and sticky bits too) and, where the caller may (root), its owner and
//!   group, unless a mode is given. A new file gets the mode given, or
//!   `0o666`, less the umask.
//! - **Names.** The temporary name is `.<name>.<16 hex digits>.tmp`, the
//!   name cut to fit 255 bytes, the digits random: a name left by another
//!   process (with the same pid, as pid 1 in every container) is never in the
//!   way, and a taken name is drawn again.
//! - **Durability.** With `sync`, the file's data is on the device before the
//!   rename (`fsync`), and the new name after it (`fsync` of the directory):
//!   when the call returns, a crash leaves the new contents.
//! - **Errors** name the caller's path, never the temporary file's.

use std::ffi::{OsStr, OsString};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use rustix::fs::{AtFlags, FileType, Gid, Mode, OFlags, RenameFlags, Uid, CWD};
use rustix::io::Errno;

use crate::error::{Error, Result, Syscall, WithPath};

/// How many symlinks the target may be reached through.
const MAX_SYMLINKS: usize = 40;

/// How many temporary names are drawn before giving up (each is 64 random bits).
const NAME_ATTEMPTS: usize = 16;

/// The longest name the kernel takes.
const NAME_MAX: usize = 255;

/// The file a path names, its symlinks followed to the end: the directory
/// that holds it and its name there. Fails as `open(path, O_CREAT)` would
/// for a path that cannot name a file (`name/`: `EISDIR`; `name/.` of a
/// file: `ENOTDIR`; a directory: `EISDIR`).
fn target(path: &Path) -> Result<(PathBuf, OsString)> {
    let fail = |errno: Errno| Error::new(errno, "open").at(path);
    let mut current = path.to_path_buf();
    for _ in 0..MAX_SYMLINKS {
        let bytes = current.as_os_str().as_bytes();
        if bytes.is_empty() {
            return Err(fail(Errno::NOENT));
        }
        if bytes.ends_with(b"/") {
            return Err(fail(Errno::ISDIR));
        }
        let (parent, name) = match bytes.iter().rposition(|b| *b == b'/') {
            Some(0) => (PathBuf::from("/"), &bytes[1..]),
            Some(at) => (
                PathBuf::from(OsStr::from_bytes(&bytes[..at])),
                &bytes[at + 1..],
            ),
            None => (PathBuf::from("."), bytes),
        };
        if name == b"." || name == b".." {
            // A directory, if the parent is one.
            rustix::fs::openat(
                CWD,
                &parent,
                OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
                Mode::empty(),
            )
            .map_err(fail)?;
            return Err(fail(Errno::ISDIR));
        }
        match rustix::fs::statat(CWD, &current, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(st) if FileType::from_raw_mode(st.st_mode) == FileType::Symlink => {
                let link = rustix::fs::readlinkat(CWD, &current, Vec::new())
                    .syscall("readlinkat")
                    .with_path(Some(path))?;
                let link = PathBuf::from(OsString::from_vec(link.into_bytes()));
                current = if link.is_absolute() {
                    link
                } else {
                    parent.join(link)
                };
            }
            Ok(st) if FileType::from_raw_mode(st.st_mode) == FileType::Directory => {
                return Err(fail(Errno::ISDIR))
            }
            Ok(_) | Err(Errno::NOENT) => return Ok((parent, OsStr::from_bytes(name).to_owned())),
            Err(errno) => return Err(fail(errno)),
        }
    }
    Err(fail(Errno::LOOP))
}

/// A temporary name for `name`, `.<name>.<16 hex digits>.tmp`, the name cut
/// (at a character boundary where it is UTF-8) so that the whole fits
/// `NAME_MAX`.
fn temporary_name(name: &OsStr) -> std::result::Result<OsString, Errno> {
    let mut random = [0u8; 8];
    rustix::rand::getrandom(&mut random, rustix::rand::GetRandomFlags::empty())?;
    let suffix: String = random.iter().map(|b| format!("{b:02x}")).collect();
    let room = NAME_MAX - 1 - 1 - suffix.len() - ".tmp".len();
    let bytes = name.as_bytes();
    let mut cut = bytes.len().min(room);
    while cut > 0 && cut < bytes.len() && (bytes[cut] & 0b1100_0000) == 0b1000_0000 {
        cut -= 1; // within a UTF-8 sequence: back to its first byte
    }
    let mut out = b".".to_vec();
    out.extend_from_slice(&bytes[..cut]);
    out.push(b'.');
    out.extend_from_slice(suffix.as_bytes());
    out.extend_from_slice(b".tmp");
    Ok(OsString::from_vec(out))
}

/// Writes all of `data` at the file's position.
fn write_all(fd: BorrowedFd<'_>, mut data: &[u8]) -> std::result::Result<(), Errno> {
    while !data.is_empty() {
        match rustix::io::write(fd, data) {
            Ok(0) => return Err(Errno::IO),
            Ok(n) => data = &data[n..],
            Err(Errno::INTR) => continue,
            Err(errno) => return Err(errno),
        }
    }
    Ok(())
}

/// The mode and owner of the file being replaced, to keep; `None` when
/// there is none.
fn existing(dir: BorrowedFd<'_>, name: &OsStr) -> Option<(u32, u32, u32)> {
    let st = rustix::fs::statat(dir, name, AtFlags::empty()).ok()?;
    // `st_mode`'s width differs between architectures.
    #[allow(clippy::useless_conversion, clippy::unnecessary_cast)]
    let mode = u32::from(st.st_mode as u32) & 0o7777;
    Some((mode, st.st_uid, st.st_gid))
}

/// Where temporary names come from: [`temporary_name`], or a test's.
type Draw<'a> = dyn FnMut(&OsStr) -> std::result::Result<OsString, Errno> + 'a;

/// Draws temporary names for `name` until `take` succeeds with one, drawing
/// again while `take` finds the name taken (`EEXIST`).
fn claim<T>(
    name: &OsStr,
    draw: &mut Draw<'_>,
    mut take: impl FnMut(&OsStr) -> std::result::Result<T, Errno>,
) -> std::result::Result<(T, OsString), Errno> {
    for _ in 0..NAME_ATTEMPTS {
        let temp = draw(name)?;
        match take(&temp) {
            Ok(taken) => return Ok((taken, temp)),
            Err(Errno::EXIST) => continue,
            Err(errno) => return Err(errno),
        }
    }
    Err(Errno::EXIST)
}

/// A new file in `dir` to write the data into: an unnamed `O_TMPFILE` one
/// (which vanishes if the process dies while writing) where the kernel, the
/// filesystem and `/proc` (to give it a name) allow, else a named one.
fn temporary(
    dir: BorrowedFd<'_>,
    name: &OsStr,
    mode: u32,
    draw: &mut Draw<'_>,
) -> std::result::Result<(OwnedFd, Option<OsString>), Errno> {
    let mode = Mode::from_raw_mode(mode);
    if Path::new("/proc/self/fd").exists() {
        match rustix::fs::openat(
            dir,
            ".",
            OFlags::TMPFILE | OFlags::WRONLY | OFlags::CLOEXEC,
            mode,
        ) {
            Ok(file) => return Ok((file, None)),
            Err(Errno::OPNOTSUPP | Errno::ISDIR | Errno::INVAL | Errno::NOENT) => {}
            Err(errno) => return Err(errno),
        }
    }
    let (file, temp) = create_named(dir, name, mode, draw)?;
    Ok((file, Some(temp)))
}

/// A new file in `dir` with a temporary name.
fn create_named(
    dir: BorrowedFd<'_>,
    name: &OsStr,
    mode: Mode,
    draw: &mut Draw<'_>,
) -> std::result::Result<(OwnedFd, OsString), Errno> {
    let flags = OFlags::CREATE | OFlags::EXCL | OFlags::WRONLY | OFlags::CLOEXEC;
    claim(name, draw, |temp| {
        rustix::fs::openat(dir, temp, flags, mode)
    })
}

/// Gives the unnamed file `file` a temporary name in `dir` (through
/// `/proc/self/fd`, which needs no privilege).
fn name_unnamed(
    file: BorrowedFd<'_>,
    dir: BorrowedFd<'_>,
    name: &OsStr,
    draw: &mut Draw<'_>,
) -> std::result::Result<OsString, Errno> {
    let link =
        |temp: &OsStr| super::names::link_fd(file, dir, Path::new(temp)).map_err(|e| e.errno);
    claim(name, draw, link).map(|((), temp)| temp)
}

/// Replaces (or creates) the file at `path` with `data`, whole or not at
/// all: see the module's documentation. `mode` is the new file's mode (less
/// the umask); `None` keeps the replaced file's mode and owner, or gives a
/// new one `0o666` less the umask. With `sync`, the data and the new name are
/// on the device before this returns.
///
/// # References
///  - [Linux `open(2)`, `O_TMPFILE`](https://man7.org/linux/man-pages/man2/open.2.html)
///  - [Linux `rename(2)`](https://man7.org/linux/man-pages/man2/rename.2.html)
pub fn write_file_atomic(path: &Path, data: &[u8], mode: Option<u32>, sync: bool) -> Result<()> {
    replace(path, data, mode, sync, &mut temporary_name)
}

/// [`write_file_atomic`], with temporary names from `draw`.
fn replace(
    path: &Path,
    data: &[u8],
    mode: Option<u32>,
    sync: bool,
    draw: &mut Draw<'_>,
) -> Result<()> {
    let (parent, name) = target(path)?;
    let at = |syscall: &'static str| move |errno: Errno| Error::new(errno, syscall).at(path);
    let dir = rustix::fs::openat(
        CWD,
        &parent,
        OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(at("open"))?;
    let keep = if mode.is_none() {
        existing(dir.as_fd(), &name)
    } else {
        None
    };
    // A kept mode is set exactly, after creation; a new one less the umask.
    let create_mode = match (mode, keep) {
        (Some(mode), _) => mode,
        (None, Some(_)) => 0o600,
        (None, None) => 0o666,
    };
    let (file, mut named) = temporary(dir.as_fd(), &name, create_mode, draw).map_err(at("open"))?;
    let result = (|| {
        if let Some((mode, uid, gid)) = keep {
            // The owner only where permitted (root); the mode always.
            let _ = rustix::fs::fchown(&file, Some(Uid::from_raw(uid)), Some(Gid::from_raw(gid)));
            rustix::fs::fchmod(&file, Mode::from_raw_mode(mode)).map_err(at("fchmod"))?;
        }
        write_all(file.as_fd(), data).map_err(at("write"))?;
        if sync {
            rustix::fs::fsync(&file).map_err(at("fsync"))?;
        }
        if named.is_none() {
            named =
                Some(name_unnamed(file.as_fd(), dir.as_fd(), &name, draw).map_err(at("linkat"))?);
        }
        let temp = named.as_deref().unwrap_or_default();
        rustix::fs::renameat_with(&dir, temp, &dir, &name, RenameFlags::empty())
            .map_err(at("rename"))?;
        named = None;
        if sync {
            // The new name must be on the device too: sync the directory.
            let opened = rustix::fs::openat(
                &dir,
                ".",
                OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
                Mode::empty(),
            )
            .map_err(at("open"))?;
            rustix::fs::fsync(&opened).map_err(at("fsync"))?;
        }
        Ok(())
    })();
    if let Some(temp) = named {
        let _ = rustix::fs::unlinkat(&dir, &temp, AtFlags::empty());
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::{symlink, MetadataExt, PermissionsExt};

    fn dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("sysix-atomic-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).unwrap();
        dir
    }

    fn entries(dir: &Path) -> Vec<OsString> {
        let mut names: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_whole_keeping_the_mode_and_leaving_no_temporary_name() {
        let dir = dir("replace");
        let path = dir.join("secret");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        write_file_atomic(&path, b"new contents", None, true).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new contents");
        assert_eq!(std::fs::metadata(&path).unwrap().mode() & 0o7777, 0o600);
        write_file_atomic(&path, b"given", Some(0o640), false).unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().mode() & 0o777,
            0o640 & !umask()
        );
        assert_eq!(entries(&dir), [OsString::from("secret")]);
        std::fs::remove_dir_all(dir).unwrap();
    }

    fn umask() -> u32 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|l| l.starts_with("Umask:")).unwrap();
        u32::from_str_radix(line.split_whitespace().nth(1).unwrap(), 8).unwrap()
    }

    #[test]
    fn a_symlink_is_kept_and_its_target_replaced() {
        let dir = dir("symlink");
        std::fs::create_dir(dir.join("real")).unwrap();
        std::fs::write(dir.join("real/config"), "old").unwrap();
        symlink("real/config", dir.join("link")).unwrap();
        symlink("link", dir.join("chain")).unwrap();
        write_file_atomic(&dir.join("chain"), b"new", None, false).unwrap();
        assert!(std::fs::symlink_metadata(dir.join("chain"))
            .unwrap()
            .file_type()
            .is_symlink());
        assert!(std::fs::symlink_metadata(dir.join("link"))
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read(dir.join("real/config")).unwrap(), b"new");
        symlink("real/created", dir.join("dangling")).unwrap();
        write_file_atomic(&dir.join("dangling"), b"made", None, false).unwrap();
        assert_eq!(std::fs::read(dir.join("real/created")).unwrap(), b"made");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn long_names_fit_and_paths_that_name_no_file_fail_as_open_would() {
        let dir = dir("names");
        let long = "n".repeat(255);
        write_file_atomic(&dir.join(&long), b"x", None, false).unwrap();
        assert_eq!(std::fs::read(dir.join(&long)).unwrap(), b"x");
        let accents = "é".repeat(127); // 254 bytes, cut at a character boundary
        write_file_atomic(&dir.join(&accents), b"y", None, false).unwrap();
        std::fs::write(dir.join("plain"), "plain").unwrap();
        let errno = |p: &str| write_file_atomic(&dir.join(p), b"z", None, false).unwrap_err();
        assert_eq!(errno("plain/").errno, Errno::ISDIR);
        assert_eq!(errno("plain/.").errno, Errno::NOTDIR);
        assert_eq!(
            errno("plain/.").path.as_deref(),
            Some(dir.join("plain/.").as_path())
        );
        std::fs::create_dir(dir.join("sub")).unwrap();
        assert_eq!(errno("sub").errno, Errno::ISDIR);
        assert_eq!(errno("missing/x").errno, Errno::NOENT);
        assert_eq!(std::fs::read(dir.join("plain")).unwrap(), b"plain");
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// Names taken by others (left by a process that died, or by one with
    /// the same pid in another container) are drawn past, by both ways of
    /// naming the temporary file, and left alone.
    #[test]
    fn taken_temporary_names_are_drawn_again() {
        let dir = dir("taken");
        let path = dir.join("config");
        let taken: Vec<OsString> = (0..3)
            .map(|n| format!(".config.taken{n}.tmp").into())
            .collect();
        for name in &taken {
            std::fs::write(dir.join(name), "left behind").unwrap();
        }
        let drawing = || {
            let mut drawn = taken.clone().into_iter();
            move |name: &OsStr| drawn.next().map_or_else(|| temporary_name(name), Ok)
        };
        // Through O_TMPFILE and a link, as here, and by a named file, as
        // where O_TMPFILE or /proc is missing.
        replace(&path, b"written", None, false, &mut drawing()).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"written");
        let fd =
            rustix::fs::openat(CWD, &dir, OFlags::PATH | OFlags::DIRECTORY, Mode::empty()).unwrap();
        let (_, temp) = create_named(
            fd.as_fd(),
            OsStr::new("config"),
            Mode::from_raw_mode(0o600),
            &mut drawing(),
        )
        .unwrap();
        assert!(!taken.contains(&temp));
        std::fs::remove_file(dir.join(&temp)).unwrap();
        for name in &taken {
            assert_eq!(std::fs::read(dir.join(name)).unwrap(), b"left behind");
        }
        // Every name taken: EEXIST, after a bounded number of draws.
        let mut always = |_: &OsStr| Ok(taken[0].clone());
        assert_eq!(
            replace(&path, b"x", None, false, &mut always)
                .unwrap_err()
                .errno,
            Errno::EXIST
        );
        assert_eq!(std::fs::read(&path).unwrap(), b"written");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
