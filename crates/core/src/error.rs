//! The error type shared by every module: an errno, the call that failed and
//! the paths it was given.

use std::fmt;
use std::path::{Path, PathBuf};

use rustix::io::Errno;

/// A failed system call.
///
/// It carries what Node's `fs` errors carry: the errno, the name of the call
/// (`syscall`), and the path and destination path when there were any.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Error {
    /// The error number the kernel returned.
    pub errno: Errno,
    /// The name of the system call that failed, as its man page names it.
    pub syscall: &'static str,
    /// The path the call was given, if any.
    pub path: Option<PathBuf>,
    /// The second path of a two-path call (`rename`, `link`), if any.
    pub dest: Option<PathBuf>,
    /// What sysix knows of the cause, when it knows more than the error
    /// number says: what happened and what to do.
    pub detail: Option<&'static str>,
}

/// The result of a sysix call.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// An error of `syscall` with `errno` and no path.
    pub fn new(errno: Errno, syscall: &'static str) -> Self {
        Self {
            errno,
            syscall,
            path: None,
            dest: None,
            detail: None,
        }
    }

    /// The same error, saying what sysix knows of its cause.
    #[must_use]
    pub fn because(mut self, detail: &'static str) -> Self {
        self.detail = Some(detail);
        self
    }

    /// The same error, naming the path the call was given.
    #[must_use]
    pub fn at(mut self, path: &Path) -> Self {
        self.path = Some(path.to_owned());
        self
    }

    /// The same error, naming the second path of a two-path call
    /// (`rename`, `link`), as Node's `dest`.
    #[must_use]
    pub fn to(mut self, dest: &Path) -> Self {
        self.dest = Some(dest.to_owned());
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, {}", self.errno, self.syscall)?;
        if let Some(path) = &self.path {
            write!(f, " '{}'", path.display())?;
        }
        if let Some(dest) = &self.dest {
            write!(f, " -> '{}'", dest.display())?;
        }
        if let Some(detail) = self.detail {
            write!(f, ": {detail}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// Names the system call behind a result, turning its error into an [`Error`].
pub(crate) trait Syscall<T> {
    /// Attaches the name of the call that produced this result.
    fn syscall(self, name: &'static str) -> Result<T>;
}

impl<T> Syscall<T> for rustix::io::Result<T> {
    #[inline]
    fn syscall(self, name: &'static str) -> Result<T> {
        self.map_err(|errno| Error::new(errno, name))
    }
}

impl<T> Syscall<T> for std::io::Result<T> {
    #[inline]
    fn syscall(self, name: &'static str) -> Result<T> {
        // Every error the seed crates return on Linux comes from the kernel
        // and carries an errno; EIO stands in for one that does not.
        self.map_err(|e| Error::new(Errno::from_io_error(&e).unwrap_or(Errno::IO), name))
    }
}

/// Names the path a failed call was given, when it was given one.
pub(crate) trait WithPath<T> {
    /// Attaches `path`, if any, to this result's error.
    fn with_path(self, path: Option<&Path>) -> Result<T>;
}

impl<T> WithPath<T> for Result<T> {
    #[inline]
    fn with_path(self, path: Option<&Path>) -> Result<T> {
        self.map_err(|e| match path {
            Some(path) => e.at(path),
            None => e,
        })
    }
}
