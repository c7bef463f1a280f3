//! File identity.

use napi::bindgen_prelude::{AsyncTask, BigUint64ArraySlice};
use napi::Env;
use napi_derive::napi;
use sysix_core::same_file::{self, FileId};

use crate::arg::{HeldTarget, TargetArg};
use crate::error::{invalid_arg, sync};
use crate::fd::hand_over;
use crate::task::Blocking;

/// Writes an identity's device and inode numbers into `out` and hands over
/// the descriptor that holds its file, for the TypeScript `FileId` to own.
fn hand_over_id(env: &Env, id: FileId, mut out: BigUint64ArraySlice) -> napi::Result<i64> {
    // SAFETY: JavaScript is paused for the length of this synchronous call,
    // so nothing else reads or writes the array.
    let out = unsafe { out.as_mut() };
    let [dev, ino] = out else {
        return Err(invalid_arg("out must hold 2 bigints"));
    };
    (*dev, *ino) = (id.dev(), id.ino());
    hand_over(env, id.into_fd())
}

/// The identity of a path (following symlinks) or descriptor: writes
/// `[dev, ino]` into `out` and returns the handle of the descriptor holding
/// the file.
#[napi]
pub fn file_id_open(
    env: Env,
    #[napi(ts_arg_type = "string | Uint8Array | number")] target: TargetArg,
    #[napi(ts_arg_type = "BigUint64Array")] out: BigUint64ArraySlice,
) -> napi::Result<i64> {
    hand_over_id(&env, sync(&env, FileId::open(target.as_target()))?, out)
}

/// The identity of standard input (0), output (1) or error (2), as `fileIdOpen`.
#[napi]
pub fn file_id_std(
    env: Env,
    stream: u32,
    #[napi(ts_arg_type = "BigUint64Array")] out: BigUint64ArraySlice,
) -> napi::Result<i64> {
    let id = match stream {
        0 => FileId::stdin(),
        1 => FileId::stdout(),
        2 => FileId::stderr(),
        _ => return Err(invalid_arg("stream must be 0, 1 or 2")),
    };
    hand_over_id(&env, sync(&env, id)?, out)
}

/// Whether two paths or descriptors are the same file.
#[napi]
pub fn same_file_sync(
    env: Env,
    #[napi(ts_arg_type = "string | Uint8Array | number")] a: TargetArg,
    #[napi(ts_arg_type = "string | Uint8Array | number")] b: TargetArg,
) -> napi::Result<bool> {
    sync(&env, same_file::same_file(a.as_target(), b.as_target()))
}

/// `sameFileSync` on the threadpool.
#[napi(ts_return_type = "Promise<boolean>")]
pub fn same_file(
    #[napi(ts_arg_type = "string | Uint8Array | number")] a: HeldTarget,
    #[napi(ts_arg_type = "string | Uint8Array | number")] b: HeldTarget,
) -> AsyncTask<Blocking<bool>> {
    Blocking::spawn(move || same_file::same_file(a.as_target(), b.as_target()))
}
