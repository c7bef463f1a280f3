//! File identity. (A `FileId` is an `O_PATH` descriptor, or a duplicate, and
//! `fdIdentity`: see `lib/same_file.ts`.)

use sysix_core::same_file;

use crate::arg::Target;

crate::bindings! {
    /// Whether two paths or descriptors are the same file: same device and
    /// inode, the first held open while the second is looked up.
    pair same_file(a: Target, b: Target) -> bool {
        same_file::same_file(a.as_target(), b.as_target())
    }
}
