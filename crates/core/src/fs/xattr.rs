//! Extended attributes: `user.*`, `trusted.*`, `security.*` name–value
//! pairs, by path (following symlinks or not) or by descriptor.

use std::path::Path;

pub use rustix::fs::XattrFlags;
use rustix::io::Errno;

use crate::error::{Error, Result, WithPath};
use crate::Target;

/// How many times a value is read again when it grew between asking its
/// size and reading it.
const RETRIES: usize = 8;

/// Reads a value whose size `query` tells and `read` reads, growing the
/// buffer while the value outgrows it (`ERANGE`).
fn read_sized(
    syscall: &'static str,
    query: impl Fn() -> rustix::io::Result<usize>,
    read: impl Fn(&mut [u8]) -> rustix::io::Result<usize>,
) -> Result<Vec<u8>> {
    for _ in 0..RETRIES {
        let size = query().map_err(|errno| Error::new(errno, syscall))?;
        let mut buffer = vec![0u8; size];
        match read(&mut buffer) {
            Ok(len) => {
                buffer.truncate(len);
                return Ok(buffer);
            }
            Err(Errno::RANGE) => continue,
            Err(errno) => return Err(Error::new(errno, syscall)),
        }
    }
    Err(Error::new(Errno::RANGE, syscall))
}

/// `getxattr`, `lgetxattr` or `fgetxattr`—The value of an attribute.
///
/// # References
///  - [Linux `getxattr(2)`](https://man7.org/linux/man-pages/man2/getxattr.2.html)
pub fn get(target: Target<'_>, name: &Path, follow: bool) -> Result<Vec<u8>> {
    match target {
        Target::Path(path) if follow => read_sized(
            "getxattr",
            || rustix::fs::getxattr_query(path, name),
            |buffer| rustix::fs::getxattr(path, name, buffer),
        ),
        Target::Path(path) => read_sized(
            "lgetxattr",
            || rustix::fs::lgetxattr_query(path, name),
            |buffer| rustix::fs::lgetxattr(path, name, buffer),
        ),
        Target::Fd(fd) => read_sized(
            "fgetxattr",
            || rustix::fs::fgetxattr_query(fd, name),
            |buffer| rustix::fs::fgetxattr(fd, name, buffer),
        ),
    }
    .with_path(target.path())
}

/// `setxattr`, `lsetxattr` or `fsetxattr`—Sets an attribute; with
/// `XATTR_CREATE` only a new one, with `XATTR_REPLACE` only an existing one.
///
/// # References
///  - [Linux `setxattr(2)`](https://man7.org/linux/man-pages/man2/setxattr.2.html)
pub fn set(
    target: Target<'_>,
    name: &Path,
    value: &[u8],
    flags: XattrFlags,
    follow: bool,
) -> Result<()> {
    let (result, syscall) = match target {
        Target::Path(path) if follow => {
            (rustix::fs::setxattr(path, name, value, flags), "setxattr")
        }
        Target::Path(path) => (rustix::fs::lsetxattr(path, name, value, flags), "lsetxattr"),
        Target::Fd(fd) => (rustix::fs::fsetxattr(fd, name, value, flags), "fsetxattr"),
    };
    result
        .map_err(|errno| Error::new(errno, syscall))
        .with_path(target.path())
}

/// `listxattr`, `llistxattr` or `flistxattr`—The names of a file's attributes.
///
/// # References
///  - [Linux `listxattr(2)`](https://man7.org/linux/man-pages/man2/listxattr.2.html)
pub fn list(target: Target<'_>, follow: bool) -> Result<Vec<Vec<u8>>> {
    let names = match target {
        Target::Path(path) if follow => read_sized(
            "listxattr",
            || rustix::fs::listxattr_query(path),
            |buffer| rustix::fs::listxattr(path, buffer),
        ),
        Target::Path(path) => read_sized(
            "llistxattr",
            || rustix::fs::llistxattr_query(path),
            |buffer| rustix::fs::llistxattr(path, buffer),
        ),
        Target::Fd(fd) => read_sized(
            "flistxattr",
            || rustix::fs::flistxattr_query(fd),
            |buffer| rustix::fs::flistxattr(fd, buffer),
        ),
    }
    .with_path(target.path())?;
    Ok(names
        .split(|byte| *byte == 0)
        .filter(|name| !name.is_empty())
        .map(<[u8]>::to_vec)
        .collect())
}

/// `removexattr`, `lremovexattr` or `fremovexattr`—Removes an attribute.
///
/// # References
///  - [Linux `removexattr(2)`](https://man7.org/linux/man-pages/man2/removexattr.2.html)
pub fn remove(target: Target<'_>, name: &Path, follow: bool) -> Result<()> {
    let (result, syscall) = match target {
        Target::Path(path) if follow => (rustix::fs::removexattr(path, name), "removexattr"),
        Target::Path(path) => (rustix::fs::lremovexattr(path, name), "lremovexattr"),
        Target::Fd(fd) => (rustix::fs::fremovexattr(fd, name), "fremovexattr"),
    };
    result
        .map_err(|errno| Error::new(errno, syscall))
        .with_path(target.path())
}
