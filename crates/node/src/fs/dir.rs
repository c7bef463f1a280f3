//! Directory entries from `getdents64`, returned column by column (names,
//! types, inode numbers), which JavaScript zips into objects faster than
//! Node-API builds them.

use std::os::fd::AsFd;

use napi::bindgen_prelude::Either;
use napi_derive::napi;
use sysix_core::fs::dir::{self, Entry, FileType};

use crate::arg::{Dir, Fd, PathArg, Token};
use crate::out::{Bytes, NewFd, U64s};

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

crate::out::output_by_napi!(DirEntries => "DirEntries");

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
    raw: bool,
) -> sysix_core::Result<DirEntries> {
    let fd = dir::open(dir, path)?;
    dir::read_all(fd.as_fd()).map(|entries| columns(entries, raw))
}

crate::bindings! {
    /// Every entry of the directory at `path` (relative to `dir`; with an
    /// empty `path`, `dir` itself, read from its top).
    pair readdir(dir: Dir, path: PathArg, raw: bool) -> DirEntries {
        read(dir.as_fd(), path.as_path(), raw)
    }

    /// Opens a directory to read batch by batch (`openDir()`).
    promise opendir(dir: Dir, path: PathArg, token: Token) -> NewFd {
        dir::open(dir.as_fd(), path.as_path()).map(|fd| NewFd(fd, token))
    }

    /// The next batch of a directory opened with `opendir`: empty at the end.
    promise read_dir_batch(fd: Fd, raw: bool) -> DirEntries {
        dir::read_batch(fd.as_fd()).map(|entries| columns(entries, raw))
    }
}
