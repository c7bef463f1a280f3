//! `statx` (every field), `statfs` and `access`.
//!
//! `statx` writes into a caller's `BigInt64Array` in the [`StatxSlot`]
//! layout, from which JavaScript builds the result object (or which a hot
//! loop reads directly): building an object of two dozen fields through
//! Node-API costs more than the system call. File times are read the same
//! way: they are slots of this layout.

use std::os::fd::{AsFd, BorrowedFd};

use napi_derive::napi;
use sysix_core::fs::stat::{self, Access, FsStats, Stat, StatOptions, StatxFlags, Sync};
use sysix_core::Target;

use crate::arg::{Dir, I64Out, PathArg, Pick, Uint};

/// Where `statx` writes each field in the caller's `BigInt64Array`.
/// Unsigned fields are written as their bit pattern (read them with
/// `BigInt.asUintN(64, v)`); a field the kernel did not report is 0 (see
/// `Mask`, and `HasBtime`, `HasMntId`, `HasDioAlign`).
#[napi]
pub enum StatxSlot {
    /// The `STATX_*` fields the kernel reported.
    Mask,
    /// The device number (`st_dev`, glibc's `makedev` encoding).
    Dev,
    /// Its major number.
    DevMajor,
    /// Its minor number.
    DevMinor,
    /// The inode number.
    Ino,
    /// Type and permission bits.
    Mode,
    /// Hard links.
    Nlink,
    /// Owner.
    Uid,
    /// Group.
    Gid,
    /// The device a device file is (`st_rdev`).
    Rdev,
    /// Its major number.
    RdevMajor,
    /// Its minor number.
    RdevMinor,
    /// Size in bytes.
    Size,
    /// 512-byte blocks allocated.
    Blocks,
    /// Preferred I/O block size.
    Blksize,
    /// `STATX_ATTR_*` flags set.
    Attributes,
    /// `STATX_ATTR_*` flags the filesystem supports.
    AttributesMask,
    /// Access time, seconds.
    AtimeSec,
    /// Access time, nanoseconds.
    AtimeNsec,
    /// Modification time, seconds.
    MtimeSec,
    /// Modification time, nanoseconds.
    MtimeNsec,
    /// Change time, seconds.
    CtimeSec,
    /// Change time, nanoseconds.
    CtimeNsec,
    /// Birth time, seconds.
    BtimeSec,
    /// Birth time, nanoseconds.
    BtimeNsec,
    /// 1 when there is a birth time.
    HasBtime,
    /// The mount id.
    MntId,
    /// 1 when the mount id was reported.
    HasMntId,
    /// Direct I/O memory alignment.
    DioMemAlign,
    /// Direct I/O offset alignment.
    DioOffsetAlign,
    /// 1 when the direct I/O alignments were reported.
    HasDioAlign,
    /// The access time in nanoseconds since the epoch, when `NsFit` is 1.
    AtimeNs,
    /// The modification time in nanoseconds, when `NsFit` is 1.
    MtimeNs,
    /// The change time in nanoseconds, when `NsFit` is 1.
    CtimeNs,
    /// The birth time in nanoseconds, when `NsFit` is 1.
    BtimeNs,
    /// 1 when every time fits a 64-bit count of nanoseconds (years 1678 to
    /// 2262), so that the `*Ns` slots hold them; otherwise use the
    /// seconds and nanoseconds slots.
    NsFit,
}

/// How many `bigint`s `statx` writes (see [`StatxSlot`]).
#[napi]
pub const STATX_LEN: u32 = StatxSlot::NsFit as u32 + 1;

/// Writes `stat` into `out` in the [`StatxSlot`] layout.
pub(crate) fn fill(out: &mut [i64], stat: &Stat) -> sysix_core::Result<()> {
    if out.len() < STATX_LEN as usize {
        return Err(sysix_core::Error::new(sysix_core::Errno::INVAL, "statx"));
    }
    // Bit patterns: u64 fields above i64::MAX read back with BigInt.asUintN.
    let mut put = |slot: StatxSlot, value: u64| out[slot as usize] = value as i64;
    let btime = stat.btime.unwrap_or_default();
    put(StatxSlot::Mask, u64::from(stat.mask.bits()));
    put(StatxSlot::Dev, stat.dev());
    put(StatxSlot::DevMajor, u64::from(stat.dev_major));
    put(StatxSlot::DevMinor, u64::from(stat.dev_minor));
    put(StatxSlot::Ino, stat.ino);
    put(StatxSlot::Mode, u64::from(stat.mode));
    put(StatxSlot::Nlink, u64::from(stat.nlink));
    put(StatxSlot::Uid, u64::from(stat.uid));
    put(StatxSlot::Gid, u64::from(stat.gid));
    put(StatxSlot::Rdev, stat.rdev());
    put(StatxSlot::RdevMajor, u64::from(stat.rdev_major));
    put(StatxSlot::RdevMinor, u64::from(stat.rdev_minor));
    put(StatxSlot::Size, stat.size);
    put(StatxSlot::Blocks, stat.blocks);
    put(StatxSlot::Blksize, u64::from(stat.blksize));
    put(StatxSlot::Attributes, stat.attributes.bits());
    put(StatxSlot::AttributesMask, stat.attributes_mask.bits());
    let mut fit = true;
    for (time, sec, nsec, ns) in [
        (
            stat.atime,
            StatxSlot::AtimeSec,
            StatxSlot::AtimeNsec,
            StatxSlot::AtimeNs,
        ),
        (
            stat.mtime,
            StatxSlot::MtimeSec,
            StatxSlot::MtimeNsec,
            StatxSlot::MtimeNs,
        ),
        (
            stat.ctime,
            StatxSlot::CtimeSec,
            StatxSlot::CtimeNsec,
            StatxSlot::CtimeNs,
        ),
        (
            btime,
            StatxSlot::BtimeSec,
            StatxSlot::BtimeNsec,
            StatxSlot::BtimeNs,
        ),
    ] {
        put(sec, time.seconds as u64);
        put(nsec, u64::from(time.nanos));
        let whole = time
            .seconds
            .checked_mul(1_000_000_000)
            .and_then(|n| n.checked_add(i64::from(time.nanos)));
        fit &= whole.is_some();
        put(ns, whole.unwrap_or(0) as u64);
    }
    put(StatxSlot::NsFit, u64::from(fit));
    put(StatxSlot::HasBtime, u64::from(stat.btime.is_some()));
    put(StatxSlot::MntId, stat.mnt_id.unwrap_or(0));
    put(StatxSlot::HasMntId, u64::from(stat.mnt_id.is_some()));
    put(
        StatxSlot::DioMemAlign,
        u64::from(stat.dio_mem_align.unwrap_or(0)),
    );
    put(
        StatxSlot::DioOffsetAlign,
        u64::from(stat.dio_offset_align.unwrap_or(0)),
    );
    put(
        StatxSlot::HasDioAlign,
        u64::from(stat.dio_mem_align.is_some()),
    );
    Ok(())
}

/// What `statfs` reports of a filesystem.
#[napi(object, object_from_js = false)]
pub struct StatFs {
    /// The filesystem type, a magic number (`0xef53` for ext4).
    pub r#type: f64,
    /// The optimal transfer block size.
    pub bsize: f64,
    /// The fragment size, the unit of the block counts.
    pub frsize: f64,
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
    /// The filesystem id, as `stat -f` prints it (`%i`, in hex).
    pub fsid: u64,
    /// The longest file name.
    pub namelen: f64,
    /// Mount flags (`ST_RDONLY`, `ST_NOSUID`, ...).
    pub flags: f64,
}

impl From<FsStats> for StatFs {
    fn from(fs: FsStats) -> Self {
        Self {
            r#type: fs.fs_type as f64,
            bsize: fs.bsize as f64,
            frsize: fs.frsize as f64,
            blocks: fs.blocks,
            bfree: fs.bfree,
            bavail: fs.bavail,
            files: fs.files,
            ffree: fs.ffree,
            fsid: fs.fsid,
            namelen: fs.namelen as f64,
            flags: fs.flags as f64,
        }
    }
}

crate::out::output_by_napi!(StatFs => "StatFs");

crate::choices! {
    /// How `statx` synchronizes with a network filesystem.
    StatxSync: Sync {
        "as-stat" => Sync::AsStat,
        "force" => Sync::Force,
        "dont-sync" => Sync::DontSync,
    }
}

fn statx_of(
    dir: BorrowedFd<'_>,
    target: Target<'_>,
    mask: u32,
    follow: bool,
    sync: Sync,
) -> sysix_core::Result<Stat> {
    let mut options = StatOptions::all();
    options.mask = StatxFlags::from_bits_retain(mask);
    options.follow = follow;
    options.sync = sync;
    match target {
        Target::Path(path) => stat::statx(dir, path, options),
        Target::Fd(fd) => stat::statx(
            fd,
            std::path::Path::new(""),
            StatOptions {
                empty_path: true,
                ..options
            },
        ),
    }
}

crate::bindings! {
    /// `statx`: a path relative to `dir` (`AT_FDCWD` for the current
    /// directory), or a descriptor itself; fills `out` (the `StatxSlot` layout).
    pair statx(dir: Dir, target: crate::arg::Target, mask: Uint, follow: bool, sync: Pick<Sync>, out: I64Out) -> () {
        let stat = statx_of(dir.as_fd(), target.as_target(), mask.0, follow, sync.get())?;
        fill(out.as_mut(), &stat)
    }

    /// `statfs(path)` or `fstatfs(fd)`.
    pair statfs(target: crate::arg::Target) -> StatFs {
        stat::statfs(target.as_target()).map(StatFs::from)
    }

    /// `faccessat` or `faccessat2`.
    pair access(dir: Dir, path: PathArg, mode: Uint, effective: bool, follow: bool) -> () {
        let mode = Access::from_bits_retain(mode.0 as _);
        stat::access(dir.as_fd(), path.as_path(), mode, effective, follow)
    }
}
