//! Directory entries straight from `getdents64`: names as bytes, inode
//! numbers and types, with no `stat` per entry.

use std::mem::MaybeUninit;
use std::os::fd::{BorrowedFd, OwnedFd};
use std::path::Path;

pub use rustix::fs::FileType;
use rustix::fs::{Mode, OFlags, RawDir};

use crate::error::{Error, Result, Syscall, WithPath};

/// One entry of a directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its name, as the bytes the filesystem holds.
    pub name: Vec<u8>,
    /// Its inode number.
    pub ino: u64,
    /// Its type, as the directory records it; `Unknown` on filesystems that
    /// do not (then only a `stat` tells).
    pub kind: FileType,
}

/// The size of the buffer each `getdents64` call fills.
const BUFFER: usize = 32 * 1024;

/// `openat(dir, path, O_RDONLY | O_DIRECTORY)`—Opens a directory to read.
/// With `path` empty or `.`, `dir` itself is opened anew, so that reading
/// starts at the top and leaves `dir`'s own position alone (an `O_PATH`
/// descriptor works too).
pub fn open(dir: BorrowedFd<'_>, path: &Path) -> Result<OwnedFd> {
    let path = if path.as_os_str().is_empty() {
        Path::new(".")
    } else {
        path
    };
    rustix::fs::openat(
        dir,
        path,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .syscall("open")
    .with_path(Some(path))
}

/// `getdents64`—The next entries of an open directory, one call's worth,
/// without `.` and `..`; none once the directory has been read to its end.
///
/// # References
///  - [Linux `getdents64(2)`](https://man7.org/linux/man-pages/man2/getdents64.2.html)
pub fn read_batch(fd: BorrowedFd<'_>) -> Result<Vec<Entry>> {
    let mut buffer = vec![MaybeUninit::uninit(); BUFFER];
    let mut entries = Vec::new();
    let mut raw = RawDir::new(fd, &mut buffer);
    while let Some(entry) = raw.next() {
        let entry = entry.map_err(|errno| Error::new(errno, "getdents64"))?;
        let name = entry.file_name().to_bytes();
        if name != b"." && name != b".." {
            entries.push(Entry {
                name: name.to_vec(),
                ino: entry.ino(),
                kind: entry.file_type(),
            });
        }
        // Another entry would take another getdents64 call; stop at one
        // call's worth, unless it held only `.` and `..`.
        if raw.is_buffer_empty() && !entries.is_empty() {
            break;
        }
    }
    Ok(entries)
}

/// Every entry of an open directory from its position on.
pub fn read_all(fd: BorrowedFd<'_>) -> Result<Vec<Entry>> {
    let mut all = Vec::new();
    loop {
        let batch = read_batch(fd)?;
        if batch.is_empty() {
            return Ok(all);
        }
        all.extend(batch);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustix::fs::CWD;
    use std::os::fd::AsFd;

    #[test]
    fn reads_every_entry_in_batches() {
        let dir = std::env::temp_dir().join(format!("sysix-dir-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).unwrap();
        for i in 0..3000 {
            std::fs::write(dir.join(format!("entry-{i:05}-{}", "x".repeat(40))), "").unwrap();
        }
        std::fs::create_dir(dir.join("sub")).unwrap();
        let fd = open(CWD, &dir).unwrap();
        let first = read_batch(fd.as_fd()).unwrap();
        assert!(
            !first.is_empty() && first.len() < 3001,
            "a batch is one call's worth"
        );
        let mut all = first;
        all.extend(read_all(fd.as_fd()).unwrap());
        assert_eq!(all.len(), 3001);
        let sub = all.iter().find(|e| e.name == b"sub").unwrap();
        assert_eq!(sub.kind, FileType::Directory);
        assert!(read_batch(fd.as_fd()).unwrap().is_empty());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
