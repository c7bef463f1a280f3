//! What a file and a filesystem are: `statx` with every field, `statfs`,
//! and `access`.

use std::os::fd::BorrowedFd;
use std::path::Path;

pub use rustix::fs::{Access, StatxAttributes, StatxFlags};
use rustix::fs::{AtFlags, StatxTimestamp};
use rustix::io::Errno;

use crate::error::{Error, Result, Syscall, WithPath};

/// A time as `statx` reports it: seconds and nanoseconds since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Time {
    /// Seconds since the epoch (negative before 1970).
    pub seconds: i64,
    /// Nanoseconds within the second.
    pub nanos: u32,
}

impl From<StatxTimestamp> for Time {
    fn from(time: StatxTimestamp) -> Self {
        Self {
            seconds: time.tv_sec,
            nanos: time.tv_nsec,
        }
    }
}

/// Everything `statx` reports of a file. A field the kernel or the
/// filesystem did not report (see [`Stat::mask`]) is `None` where it may be
/// missing in practice, and 0 otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stat {
    /// The fields the kernel filled (`STATX_*`).
    pub mask: StatxFlags,
    /// The major number of the device holding the file.
    pub dev_major: u32,
    /// Its minor number.
    pub dev_minor: u32,
    /// The inode number.
    pub ino: u64,
    /// The file type and permission bits (`st_mode`).
    pub mode: u32,
    /// How many hard links the file has.
    pub nlink: u32,
    /// The owner.
    pub uid: u32,
    /// The group.
    pub gid: u32,
    /// The major number of the device a device file is.
    pub rdev_major: u32,
    /// Its minor number.
    pub rdev_minor: u32,
    /// The size in bytes.
    pub size: u64,
    /// 512-byte blocks allocated.
    pub blocks: u64,
    /// The preferred block size for I/O.
    pub blksize: u32,
    /// `STATX_ATTR_*` flags set on the file.
    pub attributes: StatxAttributes,
    /// Which of the `STATX_ATTR_*` flags this filesystem supports.
    pub attributes_mask: StatxAttributes,
    /// Last access.
    pub atime: Time,
    /// Last modification.
    pub mtime: Time,
    /// Last status change.
    pub ctime: Time,
    /// Creation, where the filesystem records it.
    pub btime: Option<Time>,
    /// The id of the mount holding the file (`STATX_MNT_ID`, Linux 5.8).
    pub mnt_id: Option<u64>,
    /// The alignment direct I/O needs of memory buffers (`STATX_DIOALIGN`,
    /// Linux 6.1; 0 when the file does not support direct I/O).
    pub dio_mem_align: Option<u32>,
    /// The alignment direct I/O needs of file offsets and lengths.
    pub dio_offset_align: Option<u32>,
}

impl Default for Stat {
    fn default() -> Self {
        Self {
            mask: StatxFlags::empty(),
            dev_major: 0,
            dev_minor: 0,
            ino: 0,
            mode: 0,
            nlink: 0,
            uid: 0,
            gid: 0,
            rdev_major: 0,
            rdev_minor: 0,
            size: 0,
            blocks: 0,
            blksize: 0,
            attributes: StatxAttributes::empty(),
            attributes_mask: StatxAttributes::empty(),
            atime: Time::default(),
            mtime: Time::default(),
            ctime: Time::default(),
            btime: None,
            mnt_id: None,
            dio_mem_align: None,
            dio_offset_align: None,
        }
    }
}

impl Stat {
    /// The device number, encoded as glibc's `makedev` (what `st_dev` holds).
    pub fn dev(&self) -> u64 {
        rustix::fs::makedev(self.dev_major, self.dev_minor)
    }

    /// The device number of a device file (`st_rdev`).
    pub fn rdev(&self) -> u64 {
        rustix::fs::makedev(self.rdev_major, self.rdev_minor)
    }
}

/// How `statx` synchronizes with a remote filesystem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sync {
    /// Whatever `stat` does (`AT_STATX_SYNC_AS_STAT`).
    #[default]
    AsStat,
    /// Ask the server for fresh attributes (`AT_STATX_FORCE_SYNC`).
    Force,
    /// Use what is cached (`AT_STATX_DONT_SYNC`).
    DontSync,
}

/// The options of [`statx`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatOptions {
    /// The fields wanted (`STATX_*`); the kernel may report more.
    pub mask: StatxFlags,
    /// Follow a final symlink.
    pub follow: bool,
    /// The path is empty and the directory descriptor is the file (`AT_EMPTY_PATH`).
    pub empty_path: bool,
    /// How to synchronize with a remote filesystem.
    pub sync: Sync,
}

impl StatOptions {
    /// Every field, following symlinks.
    pub fn all() -> Self {
        Self {
            mask: StatxFlags::ALL | StatxFlags::MNT_ID | StatxFlags::DIOALIGN,
            follow: true,
            empty_path: false,
            sync: Sync::AsStat,
        }
    }

    /// Every field, of a final symlink itself.
    pub fn no_follow() -> Self {
        Self {
            follow: false,
            ..Self::all()
        }
    }

    /// Every field of the file a descriptor is open on.
    pub fn fd() -> Self {
        Self {
            empty_path: true,
            ..Self::all()
        }
    }

    pub(crate) fn at_flags(&self) -> AtFlags {
        let mut flags = match self.sync {
            Sync::AsStat => AtFlags::STATX_SYNC_AS_STAT,
            Sync::Force => AtFlags::STATX_FORCE_SYNC,
            Sync::DontSync => AtFlags::STATX_DONT_SYNC,
        };
        flags.set(AtFlags::SYMLINK_NOFOLLOW, !self.follow);
        flags.set(AtFlags::EMPTY_PATH, self.empty_path);
        flags
    }
}

impl Stat {
    /// What the kernel's `struct statx` says, as a [`Stat`].
    pub(crate) fn from_statx(stx: &rustix::fs::Statx) -> Self {
        let reported = StatxFlags::from_bits_retain(stx.stx_mask);
        Stat {
            mask: reported,
            dev_major: stx.stx_dev_major,
            dev_minor: stx.stx_dev_minor,
            ino: stx.stx_ino,
            mode: u32::from(stx.stx_mode),
            nlink: stx.stx_nlink,
            uid: stx.stx_uid,
            gid: stx.stx_gid,
            rdev_major: stx.stx_rdev_major,
            rdev_minor: stx.stx_rdev_minor,
            size: stx.stx_size,
            blocks: stx.stx_blocks,
            blksize: stx.stx_blksize,
            attributes: stx.stx_attributes,
            attributes_mask: stx.stx_attributes_mask,
            atime: stx.stx_atime.into(),
            mtime: stx.stx_mtime.into(),
            ctime: stx.stx_ctime.into(),
            btime: reported
                .contains(StatxFlags::BTIME)
                .then(|| stx.stx_btime.into()),
            mnt_id: reported
                .contains(StatxFlags::MNT_ID)
                .then_some(stx.stx_mnt_id),
            dio_mem_align: reported
                .contains(StatxFlags::DIOALIGN)
                .then_some(stx.stx_dio_mem_align),
            dio_offset_align: reported
                .contains(StatxFlags::DIOALIGN)
                .then_some(stx.stx_dio_offset_align),
        }
    }
}

/// `statx(dir, path, flags, mask)`—Everything the kernel knows of a file.
///
/// On kernels without `statx` (before 4.11, or behind a seccomp filter
/// that refuses it) this falls back to `fstatat`, which reports the basic
/// fields only (no birth time, mount id or alignments).
///
/// # References
///  - [Linux `statx(2)`](https://man7.org/linux/man-pages/man2/statx.2.html)
pub fn statx(dir: BorrowedFd<'_>, path: &Path, options: StatOptions) -> Result<Stat> {
    let path_for_errors = (!options.empty_path).then_some(path);
    match rustix::fs::statx(dir, path, options.at_flags(), options.mask) {
        Ok(stx) => Ok(Stat::from_statx(&stx)),
        Err(Errno::NOSYS) => stat_without_statx(dir, path, options).with_path(path_for_errors),
        Err(errno) => Err(Error::new(errno, "statx")).with_path(path_for_errors),
    }
}

/// `fstatat`—The fallback of [`statx`] for kernels without it.
// The widths of `struct stat`'s fields differ between architectures.
#[allow(clippy::unnecessary_cast, clippy::useless_conversion)]
fn stat_without_statx(dir: BorrowedFd<'_>, path: &Path, options: StatOptions) -> Result<Stat> {
    let mut flags = AtFlags::empty();
    flags.set(AtFlags::SYMLINK_NOFOLLOW, !options.follow);
    flags.set(AtFlags::EMPTY_PATH, options.empty_path);
    let st = rustix::fs::statat(dir, path, flags).syscall("fstatat")?;
    let dev = u64::from(st.st_dev);
    let rdev = u64::from(st.st_rdev);
    let time = |seconds, nanos| Time {
        seconds: seconds as i64,
        nanos: nanos as u32,
    };
    Ok(Stat {
        mask: StatxFlags::BASIC_STATS,
        dev_major: rustix::fs::major(dev),
        dev_minor: rustix::fs::minor(dev),
        ino: st.st_ino as u64,
        mode: st.st_mode as u32,
        nlink: st.st_nlink as u32,
        uid: st.st_uid,
        gid: st.st_gid,
        rdev_major: rustix::fs::major(rdev),
        rdev_minor: rustix::fs::minor(rdev),
        size: st.st_size as u64,
        blocks: st.st_blocks as u64,
        blksize: st.st_blksize as u32,
        atime: time(st.st_atime, st.st_atime_nsec),
        mtime: time(st.st_mtime, st.st_mtime_nsec),
        ctime: time(st.st_ctime, st.st_ctime_nsec),
        ..Stat::default()
    })
}

/// What `statfs` reports of a filesystem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct FsStats {
    /// Its type, a magic number (`EXT4_SUPER_MAGIC` is `0xef53`).
    pub fs_type: u64,
    /// The optimal transfer block size.
    pub bsize: u64,
    /// The fragment size, in which the block counts are given.
    pub frsize: u64,
    /// Blocks in all.
    pub blocks: u64,
    /// Free blocks.
    pub bfree: u64,
    /// Free blocks an unprivileged user may use.
    pub bavail: u64,
    /// Inodes in all.
    pub files: u64,
    /// Free inodes.
    pub ffree: u64,
    /// The filesystem id, as `stat -f --format=%i` prints it (in hex).
    pub fsid: u64,
    /// The longest file name.
    pub namelen: u64,
    /// Mount flags (`ST_RDONLY`, `ST_NOSUID`, ...), as `statvfs` reports them.
    pub flags: u64,
}

/// `statfs(path)` or `fstatfs(fd)`—What a filesystem holds and has free.
///
/// # References
///  - [Linux `statfs(2)`](https://man7.org/linux/man-pages/man2/statfs.2.html)
// The widths of `struct statfs`'s fields differ between architectures.
#[allow(clippy::unnecessary_cast, clippy::useless_conversion)]
pub fn statfs(target: crate::Target<'_>) -> Result<FsStats> {
    let st = match target {
        crate::Target::Path(path) => rustix::fs::statfs(path)
            .syscall("statfs")
            .with_path(Some(path))?,
        crate::Target::Fd(fd) => rustix::fs::fstatfs(fd).syscall("fstatfs")?,
    };
    // `f_fsid` is two `int`s: one 64-bit id, the first above the second, as
    // coreutils `stat -f` prints it (glibc's `statvfs` puts them the other
    // way round).
    // SAFETY: `__kernel_fsid_t` is two plain `int`s with no invalid values.
    let [high, low]: [i32; 2] = unsafe { std::mem::transmute(st.f_fsid) };
    Ok(FsStats {
        fs_type: st.f_type as u64,
        bsize: st.f_bsize as u64,
        frsize: st.f_frsize as u64,
        blocks: st.f_blocks as u64,
        bfree: st.f_bfree as u64,
        bavail: st.f_bavail as u64,
        files: st.f_files as u64,
        ffree: st.f_ffree as u64,
        fsid: (u64::from(high as u32) << 32) | u64::from(low as u32),
        namelen: st.f_namelen as u64,
        // The kernel sets ST_VALID (0x20) to say the field is filled;
        // statvfs(3) drops it, and so does this.
        flags: st.f_flags as u64 & !0x20,
    })
}

/// `faccessat(dir, path, mode, flags)`—Whether this process may access a file
/// (`F_OK` exists, `R_OK`, `W_OK`, `X_OK`), by its real ids or, with
/// `effective`, its effective ones (`AT_EACCESS`).
///
/// # References
///  - [Linux `access(2)`](https://man7.org/linux/man-pages/man2/access.2.html)
pub fn access(
    dir: BorrowedFd<'_>,
    path: &Path,
    mode: Access,
    effective: bool,
    follow: bool,
) -> Result<()> {
    let mut flags = AtFlags::empty();
    flags.set(AtFlags::EACCESS, effective);
    flags.set(AtFlags::SYMLINK_NOFOLLOW, !follow);
    let syscall = if flags.is_empty() {
        "faccessat"
    } else {
        "faccessat2"
    };
    rustix::fs::accessat(dir, path, mode, flags)
        .syscall(syscall)
        .with_path(Some(path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustix::fs::CWD;

    #[test]
    fn statx_of_proc_has_no_birth_and_knows_its_mount() {
        let stat = statx(CWD, Path::new("/proc/self/status"), StatOptions::all()).unwrap();
        assert_eq!(stat.btime, None);
        assert_eq!(stat.size, 0);
        let root = statx(CWD, Path::new("/"), StatOptions::all()).unwrap();
        assert_eq!(root.mode & 0o170000, 0o040000, "a directory");
        assert_eq!(
            root.ino,
            std::fs::metadata("/")
                .map(|m| std::os::unix::fs::MetadataExt::ino(&m))
                .unwrap()
        );
    }

    #[test]
    fn statfs_of_proc_is_procfs() {
        let fs = statfs(crate::Target::Path(Path::new("/proc"))).unwrap();
        assert_eq!(fs.fs_type, 0x9fa0, "PROC_SUPER_MAGIC");
    }

    #[test]
    fn access_reports_enoent() {
        let err = access(
            CWD,
            Path::new("/nonexistent/sysix"),
            Access::EXISTS,
            false,
            true,
        )
        .unwrap_err();
        assert_eq!((err.errno, err.syscall), (Errno::NOENT, "faccessat"));
    }
}
