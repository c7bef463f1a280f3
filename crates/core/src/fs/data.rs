//! File data and space: allocation, advice, syncing, copying in the kernel,
//! cloning extents, and finding the data and holes of sparse files.

use std::os::fd::BorrowedFd;

use rustix::fs::SeekFrom;
pub use rustix::fs::{Advice, FallocateFlags};
use rustix::io::Errno;

use crate::error::{Error, Result, Syscall};

/// `fallocate(fd, flags, offset, length)`—Allocates, zeroes, punches,
/// collapses or inserts a byte range of a file.
///
/// # References
///  - [Linux `fallocate(2)`](https://man7.org/linux/man-pages/man2/fallocate.2.html)
pub fn fallocate(
    fd: BorrowedFd<'_>,
    offset: u64,
    length: u64,
    flags: FallocateFlags,
) -> Result<()> {
    rustix::fs::fallocate(fd, flags, offset, length).syscall("fallocate")
}

/// `posix_fadvise(fd, offset, length, advice)`—Tells the kernel how a range
/// will be read.
///
/// # References
///  - [Linux `posix_fadvise(2)`](https://man7.org/linux/man-pages/man2/posix_fadvise.2.html)
pub fn fadvise(fd: BorrowedFd<'_>, offset: u64, length: u64, advice: Advice) -> Result<()> {
    rustix::fs::fadvise(fd, offset, std::num::NonZeroU64::new(length), advice)
        .syscall("posix_fadvise")
}

/// `fsync(fd)`—Writes a file's data and metadata to its device.
///
/// # References
///  - [Linux `fsync(2)`](https://man7.org/linux/man-pages/man2/fsync.2.html)
pub fn fsync(fd: BorrowedFd<'_>) -> Result<()> {
    rustix::fs::fsync(fd).syscall("fsync")
}

/// `fdatasync(fd)`—Writes a file's data (and the metadata needed to read it).
///
/// # References
///  - [Linux `fdatasync(2)`](https://man7.org/linux/man-pages/man2/fdatasync.2.html)
pub fn fdatasync(fd: BorrowedFd<'_>) -> Result<()> {
    rustix::fs::fdatasync(fd).syscall("fdatasync")
}

/// `syncfs(fd)`—Writes everything of the filesystem holding the file.
///
/// # References
///  - [Linux `syncfs(2)`](https://man7.org/linux/man-pages/man2/syncfs.2.html)
pub fn syncfs(fd: BorrowedFd<'_>) -> Result<()> {
    rustix::fs::syncfs(fd).syscall("syncfs")
}

/// `ftruncate(fd, length)`—Cuts or extends a file to `length` bytes.
///
/// # References
///  - [Linux `ftruncate(2)`](https://man7.org/linux/man-pages/man2/ftruncate.2.html)
pub fn ftruncate(fd: BorrowedFd<'_>, length: u64) -> Result<()> {
    rustix::fs::ftruncate(fd, length).syscall("ftruncate")
}

/// `copy_file_range(in, in_offset, out, out_offset, length)`—Copies up to
/// `length` bytes in the kernel (reflinking where the filesystem can),
/// returning how many it copied (0 at the end of `input`). Without an
/// offset, that file's position is used and advanced.
///
/// # References
///  - [Linux `copy_file_range(2)`](https://man7.org/linux/man-pages/man2/copy_file_range.2.html)
pub fn copy_file_range(
    input: BorrowedFd<'_>,
    input_offset: Option<u64>,
    output: BorrowedFd<'_>,
    output_offset: Option<u64>,
    length: usize,
) -> Result<usize> {
    let (mut from, mut to) = (input_offset, output_offset);
    rustix::fs::copy_file_range(input, from.as_mut(), output, to.as_mut(), length)
        .syscall("copy_file_range")
}

/// `sendfile(out, in, offset, length)`—Copies up to `length` bytes from a
/// file to any descriptor (a socket, a pipe) in the kernel, returning how
/// many it copied.
///
/// # References
///  - [Linux `sendfile(2)`](https://man7.org/linux/man-pages/man2/sendfile.2.html)
pub fn sendfile(
    output: BorrowedFd<'_>,
    input: BorrowedFd<'_>,
    offset: Option<u64>,
    length: usize,
) -> Result<usize> {
    let mut offset = offset;
    rustix::fs::sendfile(output, input, offset.as_mut(), length).syscall("sendfile")
}

/// `ioctl(dest, FICLONE, src)`—Makes `dest` share all of `src`'s extents
/// (a reflink): an instant copy on Btrfs, XFS and others. Where the
/// filesystem cannot, this fails (`EOPNOTSUPP`, named `ENOTSUP` in Node; `EXDEV` across filesystems,
/// `EINVAL`); it never falls back to copying.
///
/// # References
///  - [Linux `ioctl_ficlone(2)`](https://man7.org/linux/man-pages/man2/ioctl_ficlone.2.html)
pub fn clone_file(source: BorrowedFd<'_>, dest: BorrowedFd<'_>) -> Result<()> {
    rustix::fs::ioctl_ficlone(dest, source).syscall("ioctl")
}

/// `lseek(fd, offset, SEEK_DATA)`—The first offset at or after `offset`
/// that holds data, or `None` past the last data.
///
/// # References
///  - [Linux `lseek(2)`](https://man7.org/linux/man-pages/man2/lseek.2.html)
pub fn seek_data(fd: BorrowedFd<'_>, offset: u64) -> Result<Option<u64>> {
    seek(fd, SeekFrom::Data(offset))
}

/// `lseek(fd, offset, SEEK_HOLE)`—The first offset at or after `offset` in a
/// hole (the end of the file counts as one), or `None` past the end.
pub fn seek_hole(fd: BorrowedFd<'_>, offset: u64) -> Result<Option<u64>> {
    seek(fd, SeekFrom::Hole(offset))
}

fn seek(fd: BorrowedFd<'_>, from: SeekFrom) -> Result<Option<u64>> {
    match rustix::fs::seek(fd, from) {
        Ok(offset) => Ok(Some(offset)),
        Err(Errno::NXIO) => Ok(None),
        Err(errno) => Err(Error::new(errno, "lseek")),
    }
}

/// A run of bytes that hold data in a sparse file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extent {
    /// Where it starts.
    pub offset: u64,
    /// How long it is.
    pub length: u64,
}

/// The data extents of a file, found with `SEEK_DATA` and `SEEK_HOLE`: what
/// `cp --sparse` and `tar -S` walk. On a filesystem that does not track
/// holes, the whole file is one extent. The file's position is moved.
pub fn sparse_map(fd: BorrowedFd<'_>) -> Result<Vec<Extent>> {
    let mut extents = Vec::new();
    let mut offset = 0;
    while let Some(start) = seek_data(fd, offset)? {
        let end = seek_hole(fd, start)?.unwrap_or(start);
        if end <= start {
            break;
        }
        extents.push(Extent {
            offset: start,
            length: end - start,
        });
        offset = end;
    }
    Ok(extents)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsFd;

    #[test]
    fn punched_holes_show_in_the_sparse_map() {
        let path = std::env::temp_dir().join(format!("sysix-sparse-{}", std::process::id()));
        std::fs::write(&path, vec![7u8; 3 << 20]).unwrap();
        let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        let punch = FallocateFlags::PUNCH_HOLE | FallocateFlags::KEEP_SIZE;
        match fallocate(file.as_fd(), 1 << 20, 1 << 20, punch) {
            Ok(()) => assert_eq!(
                sparse_map(file.as_fd()).unwrap(),
                [
                    Extent {
                        offset: 0,
                        length: 1 << 20
                    },
                    Extent {
                        offset: 2 << 20,
                        length: 1 << 20
                    }
                ]
            ),
            // A filesystem without holes (tmpfs has them; overlayfs may not).
            Err(error) => assert_eq!(error.errno, Errno::OPNOTSUPP),
        }
    }
}
