//! Setting file timestamps in nanoseconds. (They are read with `statx`,
//! whose layout `StatxSlot` holds them.)

use sysix_core::times;

use crate::arg::{Target, TimeArg};

crate::bindings! {
    /// `utimensat`/`futimens`—Sets or keeps each of the access and
    /// modification times of a path or descriptor.
    pair set_file_times(target: Target, atime: TimeArg, mtime: TimeArg, follow_symlinks: bool) -> () {
        times::set_file_times(target.as_target(), atime.0, mtime.0, follow_symlinks)
    }
}
