//! Replacing a file whole or not at all.

use sysix_core::fs::atomic;

use crate::arg::{Data, Int, PathArg};

crate::bindings! {
    /// Replaces `path` with `data`, whole or not at all; a `mode` of -1
    /// keeps the replaced file's mode and owner.
    pair write_file_atomic(path: PathArg, data: Data, mode: Int, fsync: bool) -> () {
        atomic::write_file_atomic(path.as_path(), data.as_slice(), u32::try_from(mode.0).ok(), fsync)
    }
}
