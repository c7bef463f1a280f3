//! What a call acts on: a path or an open descriptor.

use std::os::fd::BorrowedFd;
use std::path::Path;

/// The file a call acts on, named by a path or by an open descriptor.
///
/// Most calls accept either, like Node's `fs.stat` and `fs.fstat` rolled into
/// one; the descriptor form never resolves a path, so it cannot race with a
/// rename.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    /// A path, resolved against the current directory.
    Path(&'a Path),
    /// An open descriptor.
    Fd(BorrowedFd<'a>),
}

impl Target<'_> {
    /// The path, when the target is one; used to name it in errors.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Target::Path(path) => Some(path),
            Target::Fd(_) => None,
        }
    }
}
