//! Extended attributes.

use sysix_core::fs::xattr::{self, XattrFlags};

use crate::arg::{Data, PathArg, Target, Uint};
use crate::out::Bytes;

crate::bindings! {
    /// `getxattr`, `lgetxattr` or `fgetxattr`: the value.
    pair getxattr(target: Target, name: PathArg, follow: bool) -> Bytes {
        xattr::get(target.as_target(), name.as_path(), follow).map(Bytes)
    }

    /// `setxattr`, `lsetxattr` or `fsetxattr` with `XATTR_CREATE` or
    /// `XATTR_REPLACE`.
    pair setxattr(target: Target, name: PathArg, value: Data, flags: Uint, follow: bool) -> () {
        xattr::set(target.as_target(), name.as_path(), value.as_slice(), XattrFlags::from_bits_retain(flags.0), follow)
    }

    /// `listxattr`, `llistxattr` or `flistxattr`: the names.
    pair listxattr(target: Target, follow: bool) -> Vec<Bytes> {
        xattr::list(target.as_target(), follow).map(|names| names.into_iter().map(Bytes).collect())
    }

    /// `removexattr`, `lremovexattr` or `fremovexattr`.
    pair removexattr(target: Target, name: PathArg, follow: bool) -> () {
        xattr::remove(target.as_target(), name.as_path(), follow)
    }
}
