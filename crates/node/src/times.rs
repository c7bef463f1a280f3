//! File timestamps in nanoseconds.

use napi::bindgen_prelude::AsyncTask;
use napi::Env;
use napi_derive::napi;
use sysix_core::times;

use crate::arg::{nanos_from_file_time, TargetArg, TimeArg};
use crate::error::sync;
use crate::task::Blocking;

/// The timestamps of a file as `bigint` nanoseconds since the epoch.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct FileTimes {
    /// Last access.
    pub atime_ns: i128,
    /// Last modification.
    pub mtime_ns: i128,
    /// Last inode change.
    pub ctime_ns: i128,
    /// Creation, or `null` where the kernel or filesystem has none.
    pub birthtime_ns: Option<i128>,
}

impl From<times::FileTimes> for FileTimes {
    fn from(times: times::FileTimes) -> Self {
        Self {
            atime_ns: nanos_from_file_time(times.accessed),
            mtime_ns: nanos_from_file_time(times.modified),
            ctime_ns: nanos_from_file_time(times.changed),
            birthtime_ns: times.created.map(nanos_from_file_time),
        }
    }
}

fn file_times_impl(target: TargetArg, follow_symlinks: bool) -> sysix_core::Result<FileTimes> {
    times::file_times(target.as_target(), follow_symlinks).map(FileTimes::from)
}

/// `statx`—The timestamps of a file, by path or descriptor.
#[napi]
pub fn file_times_sync(
    env: Env,
    #[napi(ts_arg_type = "string | Uint8Array | number | NativeFd")] target: TargetArg,
    follow_symlinks: bool,
) -> napi::Result<FileTimes> {
    sync(&env, file_times_impl(target, follow_symlinks))
}

/// `statx` on the threadpool.
#[napi(ts_return_type = "Promise<FileTimes>")]
pub fn file_times(
    #[napi(ts_arg_type = "string | Uint8Array | number | NativeFd")] target: TargetArg,
    follow_symlinks: bool,
) -> AsyncTask<Blocking<FileTimes>> {
    Blocking::spawn(move || file_times_impl(target, follow_symlinks))
}

fn set_file_times_impl(
    target: TargetArg,
    atime: TimeArg,
    mtime: TimeArg,
    follow_symlinks: bool,
) -> sysix_core::Result<()> {
    times::set_file_times(target.as_target(), atime.0, mtime.0, follow_symlinks)
}

/// `utimensat`/`futimens`—Sets or keeps each of the access and modification times.
#[napi]
pub fn set_file_times_sync(
    env: Env,
    #[napi(ts_arg_type = "string | Uint8Array | number | NativeFd")] target: TargetArg,
    #[napi(ts_arg_type = "bigint | 'now' | undefined")] atime: TimeArg,
    #[napi(ts_arg_type = "bigint | 'now' | undefined")] mtime: TimeArg,
    follow_symlinks: bool,
) -> napi::Result<()> {
    sync(&env, set_file_times_impl(target, atime, mtime, follow_symlinks))
}

/// `utimensat`/`futimens` on the threadpool.
#[napi(ts_return_type = "Promise<void>")]
pub fn set_file_times(
    #[napi(ts_arg_type = "string | Uint8Array | number | NativeFd")] target: TargetArg,
    #[napi(ts_arg_type = "bigint | 'now' | undefined")] atime: TimeArg,
    #[napi(ts_arg_type = "bigint | 'now' | undefined")] mtime: TimeArg,
    follow_symlinks: bool,
) -> AsyncTask<Blocking<()>> {
    Blocking::spawn(move || set_file_times_impl(target, atime, mtime, follow_symlinks))
}
