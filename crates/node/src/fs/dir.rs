//! Directory entries from `getdents64`, returned column by column (names,
//! types, inode numbers), which JavaScript zips into objects faster than
//! Node-API builds them.

use napi::bindgen_prelude::{AsyncTask, Either};
use napi::Env;
use napi_derive::napi;
use sysix_core::fs::dir::{self, Entry, FileType};

use crate::arg::{DirArg, Fd, HeldDir, HeldFd, PathArg};
use crate::copied::{Bytes, U64s};
use crate::env::owner;
use crate::error::sync;
use crate::fd::{hand_over, hand_over_to};
use crate::task::Blocking;

/// Directory entries, column by column: building one JavaScript string of
/// all the names, which JavaScript splits, is several times faster than
/// building a string per name through Node-API.
#[napi(object, object_from_js = false)]
pub struct DirEntries {
    /// The names joined by `/` (which no name contains): a string (bytes
    /// that are not UTF-8 become U+FFFD), or a Buffer of the raw bytes.
    #[napi(ts_type = "string | Buffer")]
    pub names: Either<String, Bytes>,
    /// Each entry's type: the `S_IF*` bits of a mode shifted right by 12,
    /// 0 where the directory does not record it.
    #[napi(ts_type = "Buffer")]
    pub kinds: Bytes,
    /// Each entry's inode number.
    #[napi(ts_type = "BigUint64Array")]
    pub inos: U64s,
}

/// Splits entries into columns; `raw` keeps names as bytes.
pub(crate) fn columns(entries: Vec<Entry>, raw: bool) -> DirEntries {
    let kinds = Bytes(
        entries
            .iter()
            .map(|e| {
                if e.kind == FileType::Unknown {
                    0
                } else {
                    (e.kind.as_raw_mode() >> 12) as u8
                }
            })
            .collect(),
    );
    let inos = U64s(entries.iter().map(|e| e.ino).collect());
    let joined = entries
        .iter()
        .map(|e| e.name.as_slice())
        .collect::<Vec<_>>()
        .join(&b'/');
    let names = if raw {
        Either::B(Bytes(joined))
    } else {
        Either::A(match String::from_utf8(joined) {
            Ok(text) => text,
            Err(error) => String::from_utf8_lossy(error.as_bytes()).into_owned(),
        })
    };
    DirEntries { names, kinds, inos }
}

fn read(
    dir: std::os::fd::BorrowedFd<'_>,
    path: &std::path::Path,
) -> sysix_core::Result<Vec<Entry>> {
    let fd = dir::open(dir, path)?;
    dir::read_all(std::os::fd::AsFd::as_fd(&fd))
}

/// Every entry of the directory at `path` (relative to `dir`; with an
/// empty `path`, `dir` itself, read from its top).
#[napi]
pub fn readdir_sync(
    env: Env,
    #[napi(ts_arg_type = "number")] dir: DirArg,
    #[napi(ts_arg_type = "string | Uint8Array")] path: PathArg,
    raw: bool,
) -> napi::Result<DirEntries> {
    sync(&env, read(dir.as_fd(), path.as_path())).map(|entries| columns(entries, raw))
}

/// `readdirSync` on the threadpool.
#[napi(ts_return_type = "Promise<DirEntries>")]
pub fn readdir(
    #[napi(ts_arg_type = "number")] dir: HeldDir,
    #[napi(ts_arg_type = "string | Uint8Array")] path: PathArg,
    raw: bool,
) -> AsyncTask<Blocking<Vec<Entry>, DirEntries>> {
    Blocking::spawn_then(
        move || read(dir.as_fd(), path.as_path()),
        move |entries| Ok(columns(entries, raw)),
    )
}

/// Opens a directory to read batch by batch: returns a handle.
#[napi]
pub fn opendir_sync(
    env: Env,
    #[napi(ts_arg_type = "number")] dir: DirArg,
    #[napi(ts_arg_type = "string | Uint8Array")] path: PathArg,
) -> napi::Result<i64> {
    hand_over(&env, sync(&env, dir::open(dir.as_fd(), path.as_path()))?)
}

/// `opendirSync` on the threadpool.
#[napi(ts_return_type = "Promise<number>")]
pub fn opendir(
    env: Env,
    #[napi(ts_arg_type = "number")] dir: HeldDir,
    #[napi(ts_arg_type = "string | Uint8Array")] path: PathArg,
) -> napi::Result<AsyncTask<Blocking<std::os::fd::OwnedFd, i64>>> {
    let owner = owner(&env)?;
    Ok(Blocking::spawn_then(
        move || dir::open(dir.as_fd(), path.as_path()),
        move |fd| Ok(hand_over_to(owner, fd)),
    ))
}

/// The next batch of a directory opened with `opendir`: empty at the end.
#[napi]
pub fn read_dir_batch_sync(
    env: Env,
    #[napi(ts_arg_type = "number")] fd: Fd,
    raw: bool,
) -> napi::Result<DirEntries> {
    sync(&env, dir::read_batch(fd.borrow())).map(|entries| columns(entries, raw))
}

/// `readDirBatchSync` on the threadpool.
#[napi(ts_return_type = "Promise<DirEntries>")]
pub fn read_dir_batch(
    #[napi(ts_arg_type = "number")] fd: HeldFd,
    raw: bool,
) -> AsyncTask<Blocking<Vec<Entry>, DirEntries>> {
    Blocking::spawn_then(
        move || dir::read_batch(std::os::fd::AsFd::as_fd(&fd)),
        move |entries| Ok(columns(entries, raw)),
    )
}
