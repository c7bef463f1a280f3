//! Extended attributes.

use napi::bindgen_prelude::AsyncTask;
use napi::Env;
use napi_derive::napi;
use sysix_core::fs::xattr::{self, XattrFlags};

use crate::arg::{HeldTarget, HeldView, PathArg, TargetArg, View};
use crate::copied::Bytes;
use crate::error::sync;
use crate::task::Blocking;

blocking_pair! {
    /// `getxattr`, `lgetxattr` or `fgetxattr`: the value.
    getxattr_sync / getxattr (
        target: TargetArg | HeldTarget = "string | Uint8Array | number",
        name: PathArg | PathArg = "string | Uint8Array",
        follow: bool | bool = "boolean",
    ) -> Bytes = "Buffer" / "Promise<Buffer>" => xattr::get(target.as_target(), name.as_path(), follow).map(Bytes)
}

blocking_pair! {
    /// `listxattr`, `llistxattr` or `flistxattr`: the names.
    listxattr_sync / listxattr (target: TargetArg | HeldTarget = "string | Uint8Array | number", follow: bool | bool = "boolean")
        -> Vec<Bytes> = "Array<Buffer>" / "Promise<Array<Buffer>>" =>
        xattr::list(target.as_target(), follow).map(|names| names.into_iter().map(Bytes).collect())
}

blocking_pair! {
    /// `removexattr`, `lremovexattr` or `fremovexattr`.
    removexattr_sync / removexattr (
        target: TargetArg | HeldTarget = "string | Uint8Array | number",
        name: PathArg | PathArg = "string | Uint8Array",
        follow: bool | bool = "boolean",
    ) -> () = "void" / "Promise<void>" => xattr::remove(target.as_target(), name.as_path(), follow)
}

/// `setxattr`, `lsetxattr` or `fsetxattr` with `XATTR_CREATE`/`XATTR_REPLACE`
/// flags (1 create, 2 replace).
#[napi]
pub fn setxattr_sync(
    env: Env,
    #[napi(ts_arg_type = "string | Uint8Array | number")] target: TargetArg,
    #[napi(ts_arg_type = "string | Uint8Array")] name: PathArg,
    #[napi(ts_arg_type = "ArrayBufferView")] value: View,
    flags: u32,
    follow: bool,
) -> napi::Result<()> {
    // SAFETY: the view is alive and JavaScript is paused for this call.
    let bytes = unsafe { value.as_slice() };
    let flags = XattrFlags::from_bits_retain(flags);
    sync(
        &env,
        xattr::set(target.as_target(), name.as_path(), bytes, flags, follow),
    )
}

/// `setxattrSync` on the threadpool.
#[napi(ts_return_type = "Promise<void>")]
pub fn setxattr(
    #[napi(ts_arg_type = "string | Uint8Array | number")] target: HeldTarget,
    #[napi(ts_arg_type = "string | Uint8Array")] name: PathArg,
    #[napi(ts_arg_type = "ArrayBufferView")] value: HeldView,
    flags: u32,
    follow: bool,
) -> AsyncTask<Blocking<()>> {
    let bytes = value.view;
    let flags = XattrFlags::from_bits_retain(flags);
    Blocking::spawn_holding(
        vec![value.reference],
        move || {
            // SAFETY: the reference held by the task keeps the view alive
            // until the promise settles.
            let value = unsafe { bytes.as_slice() };
            xattr::set(target.as_target(), name.as_path(), value, flags, follow)
        },
        Ok,
    )
}
