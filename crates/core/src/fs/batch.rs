//! Many calls of one kind at once: `statx` of many paths, `pread`s and
//! `pwrite`s at many offsets, each with a result of its own.
//!
//! A batch runs on io_uring where the kernel allows it: every entry is
//! submitted through one ring of its own (set up in some 20 µs, closed as
//! the batch ends, so that no descriptor outlives it), up to 256 in the
//! kernel's hands at a time, and the batch returns when the last has
//! completed. Where io_uring is missing or
//! forbidden (kernels before 5.1, `kernel.io_uring_disabled`, a seccomp
//! filter, `SYSIX_IO_URING=0` in the environment), or for an entry whose
//! operation the ring does not know (kernels before 5.6 have no
//! `IORING_OP_STATX`), the same calls are made one after another on the
//! calling thread. Either way each entry's result is the one the system call
//! itself gives.

use std::ffi::CStr;
use std::io::IoSliceMut;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::OnceLock;

use rustix::fs::Statx;
use rustix::io::Errno;
use rustix::io_uring::{io_uring_ptr, io_uring_sqe, IoringOp};

use super::stat::{self, Stat, StatOptions};
use crate::error::{Error, Result};
use crate::uring::{Entry, Ring};

/// How a batch was run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// Through io_uring.
    IoUring,
    /// One call after another on the calling thread.
    Loop,
}

/// Whether io_uring may be tried at all: not when `SYSIX_IO_URING` is `0`
/// (as libuv's `UV_USE_IO_URING=0`), read once. The binding reads it as it
/// loads, on the main thread ([`read_environment`]): reading the
/// environment on a pool thread could race JavaScript setting a variable.
fn allowed() -> bool {
    *ALLOWED.get_or_init(|| std::env::var_os("SYSIX_IO_URING").is_none_or(|value| value != "0"))
}

static ALLOWED: OnceLock<bool> = OnceLock::new();

/// Reads `SYSIX_IO_URING`, once: call it on the thread that owns the
/// environment (the binding does, as it loads).
pub fn read_environment() {
    allowed();
}

/// Whether batches can use io_uring here, and if not, why: the error a
/// ring's setup gives (`EPERM` for `kernel.io_uring_disabled` or a seccomp
/// filter, `ENOSYS` for an old kernel, an emulator or a seccomp filter), or
/// `None` when `SYSIX_IO_URING=0` forbids it. Sets up a ring and closes it.
pub fn io_uring_available() -> std::result::Result<(), Option<Errno>> {
    if !allowed() {
        return Err(None);
    }
    Ring::new().map(drop).map_err(Some)
}

/// Runs `entries` on a ring of their own; `false` if none can be set up
/// (nothing was run then). A ring that fails mid-batch (see [`Ring::run`])
/// leaves the entries it did not run without a result.
fn on_ring<E: Entry>(entries: &mut [E]) -> bool {
    if !allowed() || entries.is_empty() {
        return false;
    }
    let Ok(mut ring) = Ring::new() else {
        return false;
    };
    let mut each: Vec<&mut dyn Entry> = entries.iter_mut().map(|e| e as &mut dyn Entry).collect();
    // SAFETY: each entry's memory (its path, its buffer) is owned by the
    // entry or borrowed by it for longer than this batch; the ring is
    // dropped (closed) only once `run` has returned.
    let _ = unsafe { ring.run(&mut each) };
    true
}

/// Whether a result from the ring means the ring could not do it, rather
/// than the call failing: an unknown opcode (`EINVAL` before 5.6 for
/// `statx`), an operation the file's kind refuses there (`EOPNOTSUPP`).
fn ring_refused(result: &Option<std::result::Result<u32, Errno>>) -> bool {
    matches!(
        result,
        None | Some(Err(Errno::INVAL | Errno::OPNOTSUPP | Errno::NOSYS))
    )
}

/// One `statx` of a batch: its path, its buffer, its result.
struct StatxEntry<'a> {
    dir: BorrowedFd<'a>,
    path: &'a CStr,
    options: StatOptions,
    /// Where the kernel writes: inline, the entries are not moved while
    /// the ring runs.
    buffer: Statx,
    result: Option<std::result::Result<u32, Errno>>,
}

impl Entry for StatxEntry<'_> {
    fn sqe(&mut self) -> io_uring_sqe {
        let mut sqe = io_uring_sqe {
            opcode: IoringOp::Statx,
            fd: self.dir.as_raw_fd(),
            ..Default::default()
        };
        sqe.addr_or_splice_off_in.addr = io_uring_ptr::new(self.path.as_ptr().cast_mut().cast());
        sqe.len.len = self.options.mask.bits();
        sqe.off_or_addr2.addr2 = io_uring_ptr::new((&raw mut self.buffer).cast());
        sqe.op_flags.statx_flags = self.options.at_flags();
        sqe
    }

    fn complete(&mut self, result: std::result::Result<u32, Errno>) {
        self.result = Some(result);
    }
}

/// A zeroed `struct statx` for the kernel to fill.
fn empty_statx() -> Statx {
    // SAFETY: `Statx` is plain integers (and bit flags over them): all
    // zeroes is a valid value.
    unsafe { std::mem::zeroed() }
}

/// `statx` of each path, relative to `dir`: a [`Stat`] or an error each, in
/// the order of `paths`, and how they were made.
///
/// # References
///  - [Linux `statx(2)`](https://man7.org/linux/man-pages/man2/statx.2.html)
///  - [Linux `io_uring_enter(2)`](https://man7.org/linux/man-pages/man2/io_uring_enter.2.html) (`IORING_OP_STATX`)
pub fn statx_many(
    dir: BorrowedFd<'_>,
    paths: &[&CStr],
    options: StatOptions,
) -> (Vec<Result<Stat>>, Engine) {
    let mut entries: Vec<StatxEntry<'_>> = paths
        .iter()
        .map(|&path| StatxEntry {
            dir,
            path,
            options,
            buffer: empty_statx(),
            result: None,
        })
        .collect();
    let engine = if on_ring(&mut entries) {
        Engine::IoUring
    } else {
        Engine::Loop
    };
    let stats = entries
        .iter()
        .map(|entry| {
            let path = Path::new(std::ffi::OsStr::from_bytes(entry.path.to_bytes()));
            match entry.result {
                Some(Ok(_)) => Ok(Stat::from_statx(&entry.buffer)),
                ref refused if ring_refused(refused) => stat::statx(dir, path, options),
                Some(Err(errno)) => Err(Error::new(errno, "statx").at(path)),
                None => unreachable!("ring_refused covers None"),
            }
        })
        .collect();
    (stats, engine)
}

/// One `pread` or `pwrite` of a batch.
struct IoEntry {
    op: IoringOp,
    fd: i32,
    data: *mut u8,
    len: usize,
    offset: u64,
    result: Option<std::result::Result<u32, Errno>>,
}

impl Entry for IoEntry {
    fn sqe(&mut self) -> io_uring_sqe {
        let mut sqe = io_uring_sqe {
            opcode: self.op,
            fd: self.fd,
            ..Default::default()
        };
        sqe.addr_or_splice_off_in.addr = io_uring_ptr::new(self.data.cast());
        // The kernel moves at most `MAX_RW_COUNT` (just under 2 GiB) in one
        // call anyway, and reports the short count.
        sqe.len.len = u32::try_from(self.len).unwrap_or(u32::MAX);
        sqe.off_or_addr2.off = self.offset;
        sqe
    }

    fn complete(&mut self, result: std::result::Result<u32, Errno>) {
        self.result = Some(result);
    }
}

/// A read of a batch: where, and into what.
pub struct Read<'a> {
    /// The file.
    pub fd: BorrowedFd<'a>,
    /// Where the bytes go.
    pub buffer: IoSliceMut<'a>,
    /// At what offset of the file.
    pub offset: u64,
}

/// A write of a batch: where, and what.
pub struct Write<'a> {
    /// The file.
    pub fd: BorrowedFd<'a>,
    /// The bytes.
    pub buffer: &'a [u8],
    /// At what offset of the file.
    pub offset: u64,
}

/// Whether every entry's descriptor is a file a position means something
/// for (a regular file or a block device). io_uring reads and writes a
/// pipe, socket or terminal at its current position, where `pread` and
/// `pwrite` fail with `ESPIPE`: batches on anything else take the loop,
/// which gives the system calls' own results.
fn positioned(entries: &[IoEntry]) -> bool {
    let mut checked = None;
    entries.iter().all(|entry| {
        if checked == Some(entry.fd) {
            return true;
        }
        checked = Some(entry.fd);
        // SAFETY: the entry's descriptor, borrowed by the batch for its length.
        let fd = unsafe { BorrowedFd::borrow_raw(entry.fd) };
        rustix::fs::fstat(fd).is_ok_and(|stat| {
            matches!(
                rustix::fs::FileType::from_raw_mode(stat.st_mode as _),
                rustix::fs::FileType::RegularFile | rustix::fs::FileType::BlockDevice
            )
        })
    })
}

/// Runs the entries, on the ring or else each by `fallback`, into results.
fn run_io(
    mut entries: Vec<IoEntry>,
    mut fallback: impl FnMut(usize) -> Result<usize>,
    syscall: &'static str,
) -> (Vec<Result<usize>>, Engine) {
    let engine = if positioned(&entries) && on_ring(&mut entries) {
        Engine::IoUring
    } else {
        Engine::Loop
    };
    let results = entries
        .iter()
        .enumerate()
        .map(|(i, entry)| match entry.result {
            Some(Ok(n)) => Ok(n as usize),
            ref refused if ring_refused(refused) => fallback(i),
            Some(Err(errno)) => Err(Error::new(errno, syscall)),
            None => unreachable!("ring_refused covers None"),
        })
        .collect();
    (results, engine)
}

/// `pread` of each read: the bytes each read (fewer than its buffer at the
/// end of the file), or its error, in order.
///
/// # References
///  - [Linux `pread(2)`](https://man7.org/linux/man-pages/man2/pread.2.html)
pub fn pread_many(reads: &mut [Read<'_>]) -> (Vec<Result<usize>>, Engine) {
    let entries = reads
        .iter_mut()
        .map(|read| IoEntry {
            op: IoringOp::Read,
            fd: read.fd.as_raw_fd(),
            data: read.buffer.as_mut_ptr(),
            len: read.buffer.len(),
            offset: read.offset,
            result: None,
        })
        .collect();
    run_io(
        entries,
        |i| {
            let read = &mut reads[i];
            super::io::preadv(read.fd, std::slice::from_mut(&mut read.buffer), read.offset)
        },
        "pread",
    )
}

/// `pwrite` of each write: the bytes each wrote, or its error, in order.
///
/// # References
///  - [Linux `pwrite(2)`](https://man7.org/linux/man-pages/man2/pwrite.2.html)
pub fn pwrite_many(writes: &[Write<'_>]) -> (Vec<Result<usize>>, Engine) {
    let entries = writes
        .iter()
        .map(|write| IoEntry {
            op: IoringOp::Write,
            fd: write.fd.as_raw_fd(),
            data: write.buffer.as_ptr().cast_mut(),
            len: write.buffer.len(),
            offset: write.offset,
            result: None,
        })
        .collect();
    run_io(
        entries,
        |i| super::io::pwrite(writes[i].fd, writes[i].buffer, writes[i].offset),
        "pwrite",
    )
}

#[cfg(test)]
mod tests {
    use std::ffi::CString;
    use std::fs;
    use std::os::fd::AsFd;
    use std::os::unix::ffi::OsStringExt;

    use rustix::fs::CWD;

    use super::*;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("sysix-batch-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir(&dir).unwrap();
        dir
    }

    #[test]
    fn statx_of_many_paths_matches_statx_of_each_and_names_each_failure() {
        let dir = scratch("statx");
        let mut paths = Vec::new();
        for i in 0..600 {
            let path = dir.join(format!("f{i}"));
            fs::write(&path, vec![0u8; i]).unwrap();
            paths.push(CString::new(path.into_os_string().into_vec()).unwrap());
        }
        paths.insert(
            300,
            CString::new(dir.join("missing").into_os_string().into_vec()).unwrap(),
        );
        let borrowed: Vec<&CStr> = paths.iter().map(CString::as_c_str).collect();
        let (stats, engine) = statx_many(CWD, &borrowed, StatOptions::all());
        assert_eq!(engine == Engine::IoUring, io_uring_available().is_ok());
        assert_eq!(stats.len(), 601);
        for (path, stat) in paths.iter().zip(&stats) {
            let path = Path::new(std::ffi::OsStr::from_bytes(path.to_bytes()));
            let one = stat::statx(CWD, path, StatOptions::all());
            match (stat, one) {
                (Ok(many), Ok(one)) => {
                    assert_eq!(
                        (many.ino, many.size, many.mtime),
                        (one.ino, one.size, one.mtime)
                    );
                }
                (Err(many), Err(one)) => assert_eq!(many, &one),
                (many, one) => panic!("{path:?}: {many:?} against {one:?}"),
            }
        }
        let missing = stats[300].as_ref().unwrap_err();
        assert_eq!((missing.errno, missing.syscall), (Errno::NOENT, "statx"));
        assert_eq!(missing.path.as_deref(), Some(dir.join("missing").as_path()));
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn reads_and_writes_at_many_offsets() {
        let dir = scratch("io");
        let file = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(dir.join("data"))
            .unwrap();
        let chunks: Vec<Vec<u8>> = (0..700u32).map(|i| vec![(i % 251) as u8; 100]).collect();
        let writes: Vec<Write<'_>> = chunks
            .iter()
            .enumerate()
            .map(|(i, chunk)| Write {
                fd: file.as_fd(),
                buffer: chunk,
                offset: i as u64 * 100,
            })
            .collect();
        let (written, _) = pwrite_many(&writes);
        assert!(written.iter().all(|n| *n.as_ref().unwrap() == 100));
        let mut buffers = vec![vec![0u8; 100]; 701];
        let mut reads: Vec<Read<'_>> = buffers
            .iter_mut()
            .enumerate()
            .map(|(i, buffer)| Read {
                fd: file.as_fd(),
                buffer: IoSliceMut::new(buffer),
                offset: i as u64 * 100,
            })
            .collect();
        let (read, _) = pread_many(&mut reads);
        drop(reads);
        assert_eq!(
            read[700].as_ref().unwrap(),
            &0,
            "past the end reads nothing"
        );
        for i in 0..700 {
            assert_eq!(read[i].as_ref().unwrap(), &100);
            assert_eq!(buffers[i], chunks[i]);
        }
        // A pipe has no positions: ESPIPE, as pread gives, not the pipe's
        // data (io_uring would read it at its current position), and a
        // write is refused the same way.
        let (reader, writer) = crate::pipe::pipe(rustix::pipe::PipeFlags::empty()).unwrap();
        rustix::io::write(&writer, b"data").unwrap();
        let mut one = [0u8; 4];
        let (failed, engine) = pread_many(&mut [Read {
            fd: reader.as_fd(),
            buffer: IoSliceMut::new(&mut one),
            offset: 0,
        }]);
        let failed = failed[0].as_ref().unwrap_err();
        assert_eq!(
            (failed.errno, failed.syscall, engine),
            (Errno::SPIPE, "pread", Engine::Loop)
        );
        assert_eq!(
            rustix::io::read(&reader, &mut one).unwrap(),
            4,
            "the data is still there"
        );
        let (failed, _) = pwrite_many(&[Write {
            fd: writer.as_fd(),
            buffer: b"more",
            offset: 0,
        }]);
        assert_eq!(failed[0].as_ref().unwrap_err().errno, Errno::SPIPE);
        fs::remove_dir_all(dir).unwrap();
    }
}
