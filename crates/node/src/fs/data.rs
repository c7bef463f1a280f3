//! File data and space.

use std::os::fd::AsFd;

use napi_derive::napi;
use sysix_core::fs::data::{self, Advice, Extent, FallocateFlags};

use crate::arg::{Fd, MaybeOffset, Offset, Pick, Uint};
use crate::out::{Count, Position};

crate::choices! {
    /// How a range of a file will be read (`POSIX_FADV_*`).
    Advice: Advice {
        "normal" => Advice::Normal,
        "random" => Advice::Random,
        "sequential" => Advice::Sequential,
        "willneed" => Advice::WillNeed,
        "dontneed" => Advice::DontNeed,
        "noreuse" => Advice::NoReuse,
    }
}

/// A run of data in a sparse file.
#[napi(object, object_from_js = false)]
pub struct DataExtent {
    /// Where it starts.
    pub offset: f64,
    /// How long it is.
    pub length: f64,
}

crate::out::output_by_napi!(DataExtent => "DataExtent");

fn extents(extents: Vec<Extent>) -> Vec<DataExtent> {
    extents
        .into_iter()
        .map(|e| DataExtent {
            offset: e.offset as f64,
            length: e.length as f64,
        })
        .collect()
}

crate::bindings! {
    /// `fallocate(fd, flags, offset, length)` with `FALLOC_FL_*` flags.
    pair fallocate(fd: Fd, offset: Offset, length: Offset, flags: Uint) -> () {
        data::fallocate(fd.as_fd(), offset.0, length.0, FallocateFlags::from_bits_retain(flags.0))
    }

    /// `posix_fadvise(fd, offset, length, advice)`.
    sync fadvise_sync(fd: Fd, offset: Offset, length: Offset, advice: Pick<Advice>) -> () {
        data::fadvise(fd.as_fd(), offset.0, length.0, advice.get())
    }

    /// `fsync(fd)`.
    pair fsync(fd: Fd) -> () {
        data::fsync(fd.as_fd())
    }

    /// `fdatasync(fd)`.
    pair fdatasync(fd: Fd) -> () {
        data::fdatasync(fd.as_fd())
    }

    /// `syncfs(fd)`.
    pair syncfs(fd: Fd) -> () {
        data::syncfs(fd.as_fd())
    }

    /// `ftruncate(fd, length)`.
    pair ftruncate(fd: Fd, length: Offset) -> () {
        data::ftruncate(fd.as_fd(), length.0)
    }

    /// `copy_file_range(inFd, inOffset, outFd, outOffset, length)`: bytes copied.
    pair copy_file_range(in_fd: Fd, out_fd: Fd, length: Offset, in_offset: MaybeOffset, out_offset: MaybeOffset) -> Count {
        data::copy_file_range(in_fd.as_fd(), in_offset.0, out_fd.as_fd(), out_offset.0, length.as_len()).map(Count)
    }

    /// `sendfile(outFd, inFd, offset, length)`: bytes copied.
    pair sendfile(out_fd: Fd, in_fd: Fd, length: Offset, offset: MaybeOffset) -> Count {
        data::sendfile(out_fd.as_fd(), in_fd.as_fd(), offset.0, length.as_len()).map(Count)
    }

    /// `ioctl(destFd, FICLONE, srcFd)`.
    pair clone_file(src_fd: Fd, dest_fd: Fd) -> () {
        data::clone_file(src_fd.as_fd(), dest_fd.as_fd())
    }

    /// `lseek(fd, offset, SEEK_DATA)`: the offset, or `null` past the last data.
    sync seek_data(fd: Fd, offset: Offset) -> Option<Position> {
        data::seek_data(fd.as_fd(), offset.0).map(|o| o.map(Position))
    }

    /// `lseek(fd, offset, SEEK_HOLE)`: the offset, or `null` past the end.
    sync seek_hole(fd: Fd, offset: Offset) -> Option<Position> {
        data::seek_hole(fd.as_fd(), offset.0).map(|o| o.map(Position))
    }

    /// The data extents of a file (`SEEK_DATA`/`SEEK_HOLE`).
    pair sparse_map(fd: Fd) -> Vec<DataExtent> {
        data::sparse_map(fd.as_fd()).map(extents)
    }
}
