//! File identity.

use napi::bindgen_prelude::AsyncTask;
use napi::Env;
use napi_derive::napi;
use sysix_core::same_file::{self, FileId};

use crate::arg::TargetArg;
use crate::error::sync;
use crate::task::Blocking;

/// The native side of `FileId`: the identity, with the file held open.
#[napi]
pub struct NativeFileId {
    id: Option<FileId>,
    dev: u64,
    ino: u64,
}

impl From<FileId> for NativeFileId {
    fn from(id: FileId) -> Self {
        Self {
            dev: id.dev(),
            ino: id.ino(),
            id: Some(id),
        }
    }
}

#[napi]
impl NativeFileId {
    /// The device number, `st_dev`.
    #[napi(getter)]
    pub fn dev(&self) -> u64 {
        self.dev
    }

    /// The inode number, `st_ino`.
    #[napi(getter)]
    pub fn ino(&self) -> u64 {
        self.ino
    }

    /// Whether `close()` has been called.
    #[napi(getter)]
    pub fn closed(&self) -> bool {
        self.id.is_none()
    }

    /// Lets go of the file; a no-op once closed.
    #[napi]
    pub fn close(&mut self) {
        self.id = None;
    }
}

/// The identity of a path (following symlinks) or descriptor.
#[napi]
pub fn file_id_open(
    env: Env,
    #[napi(ts_arg_type = "string | Uint8Array | number | NativeFd")] target: TargetArg,
) -> napi::Result<NativeFileId> {
    sync(&env, FileId::open(target.as_target())).map(NativeFileId::from)
}

/// The identity of standard input (0), output (1) or error (2).
#[napi]
pub fn file_id_std(env: Env, stream: u32) -> napi::Result<NativeFileId> {
    let id = match stream {
        0 => FileId::stdin(),
        1 => FileId::stdout(),
        2 => FileId::stderr(),
        _ => return Err(crate::error::invalid_arg("stream must be 0, 1 or 2")),
    };
    sync(&env, id).map(NativeFileId::from)
}

fn same_file_impl(a: TargetArg, b: TargetArg) -> sysix_core::Result<bool> {
    same_file::same_file(a.as_target(), b.as_target())
}

/// Whether two paths or descriptors are the same file.
#[napi]
pub fn same_file_sync(
    env: Env,
    #[napi(ts_arg_type = "string | Uint8Array | number | NativeFd")] a: TargetArg,
    #[napi(ts_arg_type = "string | Uint8Array | number | NativeFd")] b: TargetArg,
) -> napi::Result<bool> {
    sync(&env, same_file_impl(a, b))
}

/// `sameFileSync` on the threadpool.
#[napi(ts_return_type = "Promise<boolean>")]
pub fn same_file(
    #[napi(ts_arg_type = "string | Uint8Array | number | NativeFd")] a: TargetArg,
    #[napi(ts_arg_type = "string | Uint8Array | number | NativeFd")] b: TargetArg,
) -> AsyncTask<Blocking<bool>> {
    Blocking::spawn(move || same_file_impl(a, b))
}
