//! The numbers `sysix/fs` takes and gives, for its `constants` object, from
//! the target's own headers (rustix and libc): `O_DIRECT` and friends differ
//! between architectures.

use napi_derive::napi;
use rustix::fs::inotify::{ReadFlags, WatchFlags};
use rustix::fs::{
    Access, FallocateFlags, MemfdFlags, OFlags, RenameFlags, ResolveFlags, SealFlags,
    StatVfsMountFlags, StatxAttributes, StatxFlags,
};
use rustix::io::ReadWriteFlags;

/// Declares the constants once: their names (as `fs.constants` spells
/// them), documentation and values.
macro_rules! constants {
    ($($(#[$doc:meta])* $name:literal $field:ident = $value:expr,)*) => {
        /// The flags and masks `sysix/fs` takes and reports, as numbers (like
        /// Node's `fs.constants`), with this architecture's values.
        #[napi(object, object_from_js = false)]
        pub struct FsConstants {
            $($(#[$doc])* #[napi(js_name = $name)] pub $field: f64,)*
        }

        crate::out::output_by_napi!(FsConstants => "FsConstants");

        crate::bindings! {
            /// `sysix/fs`'s `constants`.
            sync fs_constants() -> FsConstants {
                Ok(FsConstants { $($field: $value as f64,)* })
            }
        }
    };
}

constants! {
    /// Open for reading only.
    "O_RDONLY" o_rdonly = OFlags::RDONLY.bits(),
    /// Open for writing only.
    "O_WRONLY" o_wronly = OFlags::WRONLY.bits(),
    /// Open for reading and writing.
    "O_RDWR" o_rdwr = OFlags::RDWR.bits(),
    /// The access-mode bits.
    "O_ACCMODE" o_accmode = OFlags::ACCMODE.bits(),
    /// Create the file if it does not exist.
    "O_CREAT" o_creat = OFlags::CREATE.bits(),
    /// With `O_CREAT`: fail if it exists.
    "O_EXCL" o_excl = OFlags::EXCL.bits(),
    /// Do not make a terminal the controlling terminal.
    "O_NOCTTY" o_noctty = OFlags::NOCTTY.bits(),
    /// Truncate to length 0.
    "O_TRUNC" o_trunc = OFlags::TRUNC.bits(),
    /// Every write goes to the end.
    "O_APPEND" o_append = OFlags::APPEND.bits(),
    /// Never wait: `EAGAIN` instead.
    "O_NONBLOCK" o_nonblock = OFlags::NONBLOCK.bits(),
    /// Writes complete with their data on the device.
    // Not rustix's `OFlags::DSYNC`, which 1.1 defines as `O_SYNC`.
    "O_DSYNC" o_dsync = libc::O_DSYNC,
    /// Writes complete with data and metadata on the device.
    "O_SYNC" o_sync = OFlags::SYNC.bits(),
    /// Bypass the page cache (aligned I/O; see `dioMemAlign`).
    "O_DIRECT" o_direct = OFlags::DIRECT.bits(),
    /// Fail unless a directory.
    "O_DIRECTORY" o_directory = OFlags::DIRECTORY.bits(),
    /// Fail on a final symlink (`ELOOP`), or with `O_PATH` open the link itself.
    "O_NOFOLLOW" o_nofollow = OFlags::NOFOLLOW.bits(),
    /// Do not update the access time (owner or `CAP_FOWNER` only).
    "O_NOATIME" o_noatime = OFlags::NOATIME.bits(),
    /// Close on exec (sysix sets it on every descriptor).
    "O_CLOEXEC" o_cloexec = OFlags::CLOEXEC.bits(),
    /// A descriptor that only names the file (no reading or writing).
    "O_PATH" o_path = OFlags::PATH.bits(),
    /// An unnamed file in the directory given (name it with `linkat`).
    "O_TMPFILE" o_tmpfile = OFlags::TMPFILE.bits(),
    /// Signal-driven I/O.
    "O_ASYNC" o_async = OFlags::ASYNC.bits(),
    /// Offsets past 2 GiB allowed: the kernel sets it on every open sysix
    /// makes (on 64-bit architectures, on every open), and `fcntlGetFl`
    /// reports it. C headers of 64-bit systems define it as 0; this is the
    /// kernel's bit.
    "O_LARGEFILE" o_largefile = OFlags::LARGEFILE.bits(),
    /// `openat2`: stay beneath the directory (`EXDEV` otherwise).
    "RESOLVE_BENEATH" resolve_beneath = ResolveFlags::BENEATH.bits(),
    /// `openat2`: treat the directory as `/`.
    "RESOLVE_IN_ROOT" resolve_in_root = ResolveFlags::IN_ROOT.bits(),
    /// `openat2`: follow no symlink at all.
    "RESOLVE_NO_SYMLINKS" resolve_no_symlinks = ResolveFlags::NO_SYMLINKS.bits(),
    /// `openat2`: follow no magic link (`/proc/self/fd/N`, `/proc/self/root`).
    "RESOLVE_NO_MAGICLINKS" resolve_no_magiclinks = ResolveFlags::NO_MAGICLINKS.bits(),
    /// `openat2`: cross no mount point.
    "RESOLVE_NO_XDEV" resolve_no_xdev = ResolveFlags::NO_XDEV.bits(),
    /// `openat2`: only from the dentry cache (`EAGAIN` otherwise).
    "RESOLVE_CACHED" resolve_cached = ResolveFlags::CACHED.bits(),
    /// The current directory, as the directory of the `*at` calls.
    "AT_FDCWD" at_fdcwd = libc::AT_FDCWD,
    /// `access`: the file exists.
    "F_OK" f_ok = Access::EXISTS.bits(),
    /// `access`: it may be read.
    "R_OK" r_ok = Access::READ_OK.bits(),
    /// `access`: it may be written.
    "W_OK" w_ok = Access::WRITE_OK.bits(),
    /// `access`: it may be executed (or searched).
    "X_OK" x_ok = Access::EXEC_OK.bits(),
    /// The file-type bits of a mode.
    "S_IFMT" s_ifmt = libc::S_IFMT,
    /// A regular file.
    "S_IFREG" s_ifreg = libc::S_IFREG,
    /// A directory.
    "S_IFDIR" s_ifdir = libc::S_IFDIR,
    /// A symlink.
    "S_IFLNK" s_iflnk = libc::S_IFLNK,
    /// A FIFO.
    "S_IFIFO" s_ififo = libc::S_IFIFO,
    /// A socket.
    "S_IFSOCK" s_ifsock = libc::S_IFSOCK,
    /// A character device.
    "S_IFCHR" s_ifchr = libc::S_IFCHR,
    /// A block device.
    "S_IFBLK" s_ifblk = libc::S_IFBLK,
    /// `statx`: the file type.
    "STATX_TYPE" statx_type = StatxFlags::TYPE.bits(),
    /// `statx`: the permission bits.
    "STATX_MODE" statx_mode = StatxFlags::MODE.bits(),
    /// `statx`: the link count.
    "STATX_NLINK" statx_nlink = StatxFlags::NLINK.bits(),
    /// `statx`: the owner.
    "STATX_UID" statx_uid = StatxFlags::UID.bits(),
    /// `statx`: the group.
    "STATX_GID" statx_gid = StatxFlags::GID.bits(),
    /// `statx`: the access time.
    "STATX_ATIME" statx_atime = StatxFlags::ATIME.bits(),
    /// `statx`: the modification time.
    "STATX_MTIME" statx_mtime = StatxFlags::MTIME.bits(),
    /// `statx`: the change time.
    "STATX_CTIME" statx_ctime = StatxFlags::CTIME.bits(),
    /// `statx`: the inode number.
    "STATX_INO" statx_ino = StatxFlags::INO.bits(),
    /// `statx`: the size.
    "STATX_SIZE" statx_size = StatxFlags::SIZE.bits(),
    /// `statx`: the blocks allocated.
    "STATX_BLOCKS" statx_blocks = StatxFlags::BLOCKS.bits(),
    /// `statx`: everything `stat` reports.
    "STATX_BASIC_STATS" statx_basic_stats = StatxFlags::BASIC_STATS.bits(),
    /// `statx`: the birth time.
    "STATX_BTIME" statx_btime = StatxFlags::BTIME.bits(),
    /// `statx`: the mount id.
    "STATX_MNT_ID" statx_mnt_id = StatxFlags::MNT_ID.bits(),
    /// `statx`: the direct I/O alignments.
    "STATX_DIOALIGN" statx_dioalign = StatxFlags::DIOALIGN.bits(),
    /// `statx`: all of the basic fields and the birth time.
    "STATX_ALL" statx_all = StatxFlags::ALL.bits(),
    /// A compressed file.
    "STATX_ATTR_COMPRESSED" statx_attr_compressed = StatxAttributes::COMPRESSED.bits(),
    /// An immutable file (`chattr +i`).
    "STATX_ATTR_IMMUTABLE" statx_attr_immutable = StatxAttributes::IMMUTABLE.bits(),
    /// An append-only file (`chattr +a`).
    "STATX_ATTR_APPEND" statx_attr_append = StatxAttributes::APPEND.bits(),
    /// Not to be dumped (`chattr +d`).
    "STATX_ATTR_NODUMP" statx_attr_nodump = StatxAttributes::NODUMP.bits(),
    /// An encrypted file.
    "STATX_ATTR_ENCRYPTED" statx_attr_encrypted = StatxAttributes::ENCRYPTED.bits(),
    /// An automount trigger.
    "STATX_ATTR_AUTOMOUNT" statx_attr_automount = StatxAttributes::AUTOMOUNT.bits(),
    /// The root of a mount.
    "STATX_ATTR_MOUNT_ROOT" statx_attr_mount_root = StatxAttributes::MOUNT_ROOT.bits(),
    /// A file protected by fs-verity.
    "STATX_ATTR_VERITY" statx_attr_verity = StatxAttributes::VERITY.bits(),
    /// A file accessed directly (DAX).
    "STATX_ATTR_DAX" statx_attr_dax = StatxAttributes::DAX.bits(),
    /// Close on exec, as a descriptor flag.
    "FD_CLOEXEC" fd_cloexec = libc::FD_CLOEXEC,
    /// `preadv2`/`pwritev2`: poll for completion (polled I/O).
    "RWF_HIPRI" rwf_hipri = ReadWriteFlags::HIPRI.bits(),
    /// `pwritev2`: as `O_DSYNC`, for this write.
    "RWF_DSYNC" rwf_dsync = ReadWriteFlags::DSYNC.bits(),
    /// `pwritev2`: as `O_SYNC`, for this write.
    "RWF_SYNC" rwf_sync = ReadWriteFlags::SYNC.bits(),
    /// `preadv2`: fail with `EAGAIN` rather than wait for the device.
    "RWF_NOWAIT" rwf_nowait = ReadWriteFlags::NOWAIT.bits(),
    /// `pwritev2`: as `O_APPEND`, for this write.
    "RWF_APPEND" rwf_append = ReadWriteFlags::APPEND.bits(),
    /// inotify: read.
    "IN_ACCESS" in_access = WatchFlags::ACCESS.bits(),
    /// inotify: written.
    "IN_MODIFY" in_modify = WatchFlags::MODIFY.bits(),
    /// inotify: metadata changed.
    "IN_ATTRIB" in_attrib = WatchFlags::ATTRIB.bits(),
    /// inotify: a file open for writing was closed.
    "IN_CLOSE_WRITE" in_close_write = WatchFlags::CLOSE_WRITE.bits(),
    /// inotify: a file not open for writing was closed.
    "IN_CLOSE_NOWRITE" in_close_nowrite = WatchFlags::CLOSE_NOWRITE.bits(),
    /// inotify: either close.
    "IN_CLOSE" in_close = WatchFlags::CLOSE.bits(),
    /// inotify: opened.
    "IN_OPEN" in_open = WatchFlags::OPEN.bits(),
    /// inotify: renamed away from a watched directory.
    "IN_MOVED_FROM" in_moved_from = WatchFlags::MOVED_FROM.bits(),
    /// inotify: renamed into a watched directory.
    "IN_MOVED_TO" in_moved_to = WatchFlags::MOVED_TO.bits(),
    /// inotify: either half of a rename.
    "IN_MOVE" in_move = WatchFlags::MOVE.bits(),
    /// inotify: created in a watched directory.
    "IN_CREATE" in_create = WatchFlags::CREATE.bits(),
    /// inotify: deleted from a watched directory.
    "IN_DELETE" in_delete = WatchFlags::DELETE.bits(),
    /// inotify: the watched file itself was deleted.
    "IN_DELETE_SELF" in_delete_self = WatchFlags::DELETE_SELF.bits(),
    /// inotify: the watched file itself was moved.
    "IN_MOVE_SELF" in_move_self = WatchFlags::MOVE_SELF.bits(),
    /// inotify: every event.
    "IN_ALL_EVENTS" in_all_events = WatchFlags::ALL_EVENTS.bits(),
    /// inotify: watch only if a directory.
    "IN_ONLYDIR" in_onlydir = WatchFlags::ONLYDIR.bits(),
    /// inotify: do not follow a final symlink.
    "IN_DONT_FOLLOW" in_dont_follow = WatchFlags::DONT_FOLLOW.bits(),
    /// inotify: no events for children once unlinked.
    "IN_EXCL_UNLINK" in_excl_unlink = WatchFlags::EXCL_UNLINK.bits(),
    /// inotify: fail if the path is watched already.
    "IN_MASK_CREATE" in_mask_create = WatchFlags::MASK_CREATE.bits(),
    /// inotify: add to an existing watch's mask.
    "IN_MASK_ADD" in_mask_add = WatchFlags::MASK_ADD.bits(),
    /// inotify: one event, then the watch ends.
    "IN_ONESHOT" in_oneshot = WatchFlags::ONESHOT.bits(),
    /// inotify event: the filesystem was unmounted.
    "IN_UNMOUNT" in_unmount = ReadFlags::UNMOUNT.bits(),
    /// inotify event: events were lost.
    "IN_Q_OVERFLOW" in_q_overflow = ReadFlags::QUEUE_OVERFLOW.bits(),
    /// inotify event: the watch ended.
    "IN_IGNORED" in_ignored = ReadFlags::IGNORED.bits(),
    /// inotify event: about a directory.
    "IN_ISDIR" in_isdir = ReadFlags::ISDIR.bits(),
    /// `statfs` flags: mounted read-only.
    "ST_RDONLY" st_rdonly = StatVfsMountFlags::RDONLY.bits(),
    /// `statfs` flags: set-user-id bits ignored.
    "ST_NOSUID" st_nosuid = StatVfsMountFlags::NOSUID.bits(),
    /// `statfs` flags: device files refused.
    "ST_NODEV" st_nodev = StatVfsMountFlags::NODEV.bits(),
    /// `statfs` flags: no program may be executed.
    "ST_NOEXEC" st_noexec = StatVfsMountFlags::NOEXEC.bits(),
    /// `statfs` flags: writes are synchronous.
    "ST_SYNCHRONOUS" st_synchronous = StatVfsMountFlags::SYNCHRONOUS.bits(),
    /// `statfs` flags: access times not updated.
    "ST_NOATIME" st_noatime = StatVfsMountFlags::NOATIME.bits(),
    /// `statfs` flags: directory access times not updated.
    "ST_NODIRATIME" st_nodiratime = StatVfsMountFlags::NODIRATIME.bits(),
    /// `statfs` flags: access times updated relative to modification.
    "ST_RELATIME" st_relatime = StatVfsMountFlags::RELATIME.bits(),
    /// `renameat2`: fail if the new name exists.
    "RENAME_NOREPLACE" rename_noreplace = RenameFlags::NOREPLACE.bits(),
    /// `renameat2`: swap the two names.
    "RENAME_EXCHANGE" rename_exchange = RenameFlags::EXCHANGE.bits(),
    /// `renameat2`: leave a whiteout.
    "RENAME_WHITEOUT" rename_whiteout = RenameFlags::WHITEOUT.bits(),
    /// `fallocate`: do not change the file size.
    "FALLOC_FL_KEEP_SIZE" falloc_fl_keep_size = FallocateFlags::KEEP_SIZE.bits(),
    /// `fallocate`: free the range, leaving a hole (with `KEEP_SIZE`).
    "FALLOC_FL_PUNCH_HOLE" falloc_fl_punch_hole = FallocateFlags::PUNCH_HOLE.bits(),
    /// `fallocate`: remove the range, shifting the rest down.
    "FALLOC_FL_COLLAPSE_RANGE" falloc_fl_collapse_range = FallocateFlags::COLLAPSE_RANGE.bits(),
    /// `fallocate`: zero the range.
    "FALLOC_FL_ZERO_RANGE" falloc_fl_zero_range = FallocateFlags::ZERO_RANGE.bits(),
    /// `fallocate`: insert a hole, shifting the rest up.
    "FALLOC_FL_INSERT_RANGE" falloc_fl_insert_range = FallocateFlags::INSERT_RANGE.bits(),
    /// `memfd_create`: allow seals.
    "MFD_ALLOW_SEALING" mfd_allow_sealing = MemfdFlags::ALLOW_SEALING.bits(),
    /// `memfd_create`: back the file with huge pages.
    "MFD_HUGETLB" mfd_hugetlb = MemfdFlags::HUGETLB.bits(),
    /// Seal: no more seals.
    "F_SEAL_SEAL" f_seal_seal = SealFlags::SEAL.bits(),
    /// Seal: the file may not shrink.
    "F_SEAL_SHRINK" f_seal_shrink = SealFlags::SHRINK.bits(),
    /// Seal: the file may not grow.
    "F_SEAL_GROW" f_seal_grow = SealFlags::GROW.bits(),
    /// Seal: no writes at all.
    "F_SEAL_WRITE" f_seal_write = SealFlags::WRITE.bits(),
    /// Seal: no new writable mappings or writes (existing mappings stay).
    "F_SEAL_FUTURE_WRITE" f_seal_future_write = SealFlags::FUTURE_WRITE.bits(),
    /// `setxattr`: only create, fail if it exists.
    "XATTR_CREATE" xattr_create = rustix::fs::XattrFlags::CREATE.bits(),
    /// `setxattr`: only replace, fail if it does not exist.
    "XATTR_REPLACE" xattr_replace = rustix::fs::XattrFlags::REPLACE.bits(),
}
