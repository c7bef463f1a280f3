//! What kind of filesystem holds a directory, and which timestamps it keeps.

use std::fs;
use std::path::{Path, PathBuf};

use rustix::fs::{statx, AtFlags, StatxFlags, StatxTimestamp, CWD};

use crate::error::{Result, Syscall, WithPath};
use crate::mountinfo::Mount;

/// What sysix can tell about the filesystem that holds a directory.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Filesystem {
    /// Its type as the mount table names it (`ext4`, `tmpfs`, `xfs`, ...).
    pub fstype: Option<String>,
    /// Where it is mounted.
    pub mount_point: Option<PathBuf>,
    /// Whether it records creation times (`statx` reports `STATX_BTIME`).
    pub birth_times: bool,
    /// Whether it keeps sub-second timestamps, as seen on the directory and
    /// its first entries: some time among them has a non-zero nanosecond
    /// part. Nothing is written to find out, so a filesystem whose files all
    /// happen to carry whole-second times reads as `false`.
    pub nanosecond_times: bool,
}

/// How many directory entries [`filesystem_of`] looks at for sub-second times.
const ENTRIES_SAMPLED: usize = 32;

/// `statx(dir, STATX_MNT_ID | STATX_BTIME)` and `/proc/self/mountinfo`—The
/// filesystem holding `dir`, read without writing anything.
///
/// # References
///  - [Linux `statx(2)`](https://man7.org/linux/man-pages/man2/statx.2.html)
///  - [Linux `proc_pid_mountinfo(5)`](https://man7.org/linux/man-pages/man5/proc_pid_mountinfo.5.html)
pub fn filesystem_of(dir: &Path) -> Result<Filesystem> {
    let mask = StatxFlags::BASIC_STATS | StatxFlags::BTIME | StatxFlags::MNT_ID;
    let stx = statx(CWD, dir, AtFlags::empty(), mask)
        .syscall("statx")
        .with_path(Some(dir))?;
    let reported = StatxFlags::from_bits_retain(stx.stx_mask);
    let mountinfo = fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    let mounts: Vec<Mount<'_>> = mountinfo.lines().filter_map(Mount::parse).collect();
    let id = reported
        .contains(StatxFlags::MNT_ID)
        .then_some(stx.stx_mnt_id);
    let path = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_owned());
    let mount = mount_of(&mounts, id, (stx.stx_dev_major, stx.stx_dev_minor), &path);
    let has_nanos = |t: &StatxTimestamp| t.tv_nsec != 0;
    let own_nanos = [stx.stx_atime, stx.stx_mtime, stx.stx_ctime]
        .iter()
        .any(has_nanos);
    let nanosecond_times = own_nanos
        || fs::read_dir(dir).is_ok_and(|entries| {
            entries.flatten().take(ENTRIES_SAMPLED).any(|entry| {
                statx(
                    CWD,
                    entry.path(),
                    AtFlags::SYMLINK_NOFOLLOW,
                    StatxFlags::BASIC_STATS,
                )
                .is_ok_and(|e| {
                    [e.stx_atime, e.stx_mtime, e.stx_ctime]
                        .iter()
                        .any(has_nanos)
                })
            })
        });
    Ok(Filesystem {
        fstype: mount.map(|m| m.fstype.to_owned()),
        mount_point: mount.map(|m| m.point.clone()),
        birth_times: reported.contains(StatxFlags::BTIME),
        nanosecond_times,
    })
}

/// The mount holding `path`: the one with its id; without one (before Linux
/// 5.8, or an emulator that reports the bit but leaves the id 0), the
/// deepest mount of its device above it.
fn mount_of<'m, 'a>(
    mounts: &'m [Mount<'a>],
    id: Option<u64>,
    dev: (u32, u32),
    path: &Path,
) -> Option<&'m Mount<'a>> {
    id.and_then(|id| mounts.iter().find(|m| m.id == id))
        .or_else(|| {
            mounts
                .iter()
                .filter(|m| m.dev == dev && path.starts_with(&m.point))
                .max_by_key(|m| m.point.components().count())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mount_is_found_by_id_or_else_by_device_and_path() {
        let table = "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n\
                     30 22 0:25 / /tmp rw - tmpfs tmpfs rw\n\
                     31 22 8:1 /srv /data rw - ext4 /dev/sda1 rw\n";
        let mounts: Vec<Mount<'_>> = table.lines().filter_map(Mount::parse).collect();
        let id = |m: Option<&Mount<'_>>| m.map(|m| m.id);
        assert_eq!(
            id(mount_of(&mounts, Some(30), (0, 25), Path::new("/tmp/x"))),
            Some(30)
        );
        // No id, or an id no line has: the deepest mount of the device.
        assert_eq!(
            id(mount_of(&mounts, None, (8, 1), Path::new("/data/a"))),
            Some(31)
        );
        assert_eq!(
            id(mount_of(&mounts, Some(0), (8, 1), Path::new("/home"))),
            Some(22)
        );
        assert_eq!(
            id(mount_of(&mounts, None, (0, 25), Path::new("/home"))),
            None
        );
    }

    #[test]
    fn proc_is_procfs_without_birth_times() {
        let fs = filesystem_of(Path::new("/proc")).unwrap();
        assert_eq!(fs.fstype.as_deref(), Some("proc"));
        assert_eq!(fs.mount_point.as_deref(), Some(Path::new("/proc")));
        assert!(!fs.birth_times);
    }

    #[test]
    fn missing_directory_is_enoent() {
        let err = filesystem_of(Path::new("/nonexistent/sysix")).unwrap_err();
        assert_eq!(err.errno, rustix::io::Errno::NOENT);
    }
}
