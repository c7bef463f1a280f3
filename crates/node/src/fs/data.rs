//! File data and space.

use napi::Env;
use napi_derive::napi;
use sysix_core::fs::data::{self, Advice, Extent, FallocateFlags};

use crate::arg::{Fd, HeldFd, MaybeOffset, Offset};
use std::os::fd::AsFd;

blocking_pair! {
    /// `fallocate(fd, flags, offset, length)` with `FALLOC_FL_*` flags.
    fallocate_sync / fallocate (fd: Fd | HeldFd = "number", offset: Offset | Offset = "number | bigint", length: Offset | Offset = "number | bigint", flags: u32 | u32 = "number") -> () = "void" / "Promise<void>" =>
        data::fallocate(fd.as_fd(), offset.0, length.0, FallocateFlags::from_bits_retain(flags))
}

blocking_pair! {
    /// `fsync(fd)`.
    fsync_sync / fsync (fd: Fd | HeldFd = "number") -> () = "void" / "Promise<void>" => data::fsync(fd.as_fd())
}

blocking_pair! {
    /// `fdatasync(fd)`.
    fdatasync_sync / fdatasync (fd: Fd | HeldFd = "number") -> () = "void" / "Promise<void>" => data::fdatasync(fd.as_fd())
}

blocking_pair! {
    /// `syncfs(fd)`.
    syncfs_sync / syncfs (fd: Fd | HeldFd = "number") -> () = "void" / "Promise<void>" => data::syncfs(fd.as_fd())
}

blocking_pair! {
    /// `ftruncate(fd, length)`.
    ftruncate_sync / ftruncate (fd: Fd | HeldFd = "number", length: Offset | Offset = "number | bigint") -> () = "void" / "Promise<void>" =>
        data::ftruncate(fd.as_fd(), length.0)
}

/// `posix_fadvise(fd, offset, length, advice)`: advice 0 normal, 1 random,
/// 2 sequential, 3 willneed, 4 dontneed, 5 noreuse (as `POSIX_FADV_*`).
#[napi]
pub fn fadvise_sync(
    env: Env,
    #[napi(ts_arg_type = "number")] fd: Fd,
    #[napi(ts_arg_type = "number | bigint")] offset: Offset,
    #[napi(ts_arg_type = "number | bigint")] length: Offset,
    advice: u32,
) -> napi::Result<()> {
    let advice = match advice {
        0 => Advice::Normal,
        1 => Advice::Random,
        2 => Advice::Sequential,
        3 => Advice::WillNeed,
        4 => Advice::DontNeed,
        5 => Advice::NoReuse,
        _ => return Err(crate::error::invalid_arg("advice must be from 0 to 5")),
    };
    crate::error::sync(&env, data::fadvise(fd.as_fd(), offset.0, length.0, advice))
}

blocking_pair! {
    /// `copy_file_range(in, inOffset, out, outOffset, length)`: bytes copied.
    copy_file_range_sync / copy_file_range (
        input: Fd | HeldFd = "number",
        output: Fd | HeldFd = "number",
        length: Offset | Offset = "number | bigint",
        input_offset: MaybeOffset | MaybeOffset = "number | bigint | null",
        output_offset: MaybeOffset | MaybeOffset = "number | bigint | null",
    ) -> f64 = "number" / "Promise<number>" => data::copy_file_range(
        input.as_fd(),
        input_offset.0,
        output.as_fd(),
        output_offset.0,
        usize::try_from(length.0).unwrap_or(usize::MAX),
    )
    .map(|n| n as f64)
}

blocking_pair! {
    /// `sendfile(out, in, offset, length)`: bytes copied.
    sendfile_sync / sendfile (
        output: Fd | HeldFd = "number",
        input: Fd | HeldFd = "number",
        length: Offset | Offset = "number | bigint",
        offset: MaybeOffset | MaybeOffset = "number | bigint | null",
    ) -> f64 = "number" / "Promise<number>" =>
        data::sendfile(output.as_fd(), input.as_fd(), offset.0, usize::try_from(length.0).unwrap_or(usize::MAX)).map(|n| n as f64)
}

blocking_pair! {
    /// `ioctl(dest, FICLONE, src)`.
    clone_file_sync / clone_file (source: Fd | HeldFd = "number", dest: Fd | HeldFd = "number") -> () = "void" / "Promise<void>" =>
        data::clone_file(source.as_fd(), dest.as_fd())
}

blocking_pair! {
    /// `lseek(fd, offset, SEEK_DATA)`.
    seek_data_sync / seek_data (fd: Fd | HeldFd = "number", offset: Offset | Offset = "number | bigint") -> Option<f64> = "number | null" / "Promise<number | null>" =>
        data::seek_data(fd.as_fd(), offset.0).map(|o| o.map(|o| o as f64))
}

blocking_pair! {
    /// `lseek(fd, offset, SEEK_HOLE)`.
    seek_hole_sync / seek_hole (fd: Fd | HeldFd = "number", offset: Offset | Offset = "number | bigint") -> Option<f64> = "number | null" / "Promise<number | null>" =>
        data::seek_hole(fd.as_fd(), offset.0).map(|o| o.map(|o| o as f64))
}

/// A run of data in a sparse file.
#[napi(object, object_from_js = false)]
pub struct DataExtent {
    /// Where it starts.
    pub offset: f64,
    /// How long it is.
    pub length: f64,
}

fn extents(extents: Vec<Extent>) -> Vec<DataExtent> {
    extents
        .into_iter()
        .map(|e| DataExtent {
            offset: e.offset as f64,
            length: e.length as f64,
        })
        .collect()
}

blocking_pair! {
    /// The data extents of a file (`SEEK_DATA`/`SEEK_HOLE`).
    sparse_map_sync / sparse_map (fd: Fd | HeldFd = "number") -> Vec<DataExtent> = "Array<DataExtent>" / "Promise<Array<DataExtent>>" =>
        data::sparse_map(fd.as_fd()).map(extents)
}
