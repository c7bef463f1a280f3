//! Setting file timestamps to the nanosecond: [filetime]'s `FileTime` values,
//! set with `utimensat`/`futimens`. They are read with the one `statx` of
//! [`crate::fs::stat`].
//!
//! filetime's own setters take whole pairs of times and, by path, open the
//! file (which blocks on a FIFO and needs read or write permission). So this
//! module keeps filetime's type and its meaning (seconds and nanoseconds
//! since the Unix epoch, Unix-style, before 1970 included) and makes the
//! calls `touch(1)` makes: a path is never opened, and each time may be set,
//! set to the kernel's "now", or left alone.
//!
//! [filetime]: https://docs.rs/filetime

pub use filetime::FileTime;
use rustix::fs::{futimens, utimensat, AtFlags, Timespec, Timestamps, CWD, UTIME_NOW, UTIME_OMIT};

use crate::error::{Result, Syscall, WithPath};
use crate::Target;

/// What to do with one timestamp when setting times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetTime {
    /// Leave it as it is (`UTIME_OMIT`).
    Omit,
    /// Set it to the kernel's current time (`UTIME_NOW`); unlike an explicit
    /// time this needs only write permission, not ownership.
    Now,
    /// Set it to this time.
    At(FileTime),
}

/// `utimensat(path)` or `futimens(fd)`—Sets the access and modification times
/// of a file, each to a time, to now, or not at all.
///
/// A path is never opened, so this works on a FIFO without blocking and on a
/// file its owner cannot read or write. With `follow_symlinks` false a
/// symlink's own times are set. The filesystem stores what it can: times
/// beyond its range are clamped and its granularity may drop nanoseconds.
///
/// # References
///  - [Linux `utimensat(2)`](https://man7.org/linux/man-pages/man2/utimensat.2.html)
pub fn set_file_times(
    target: Target<'_>,
    accessed: SetTime,
    modified: SetTime,
    follow_symlinks: bool,
) -> Result<()> {
    let times = timestamps(accessed, modified);
    match target {
        Target::Path(path) => utimensat(CWD, path, &times, at_flags(follow_symlinks))
            .syscall("utimensat")
            .with_path(Some(path)),
        Target::Fd(fd) => futimens(fd, &times).syscall("futimens"),
    }
}

/// The `utimensat` argument for setting (or omitting) two times.
pub(crate) fn timestamps(accessed: SetTime, modified: SetTime) -> Timestamps {
    Timestamps {
        last_access: timespec(accessed),
        last_modification: timespec(modified),
    }
}

fn timespec(time: SetTime) -> Timespec {
    match time {
        SetTime::Omit => Timespec {
            tv_sec: 0,
            tv_nsec: UTIME_OMIT,
        },
        SetTime::Now => Timespec {
            tv_sec: 0,
            tv_nsec: UTIME_NOW,
        },
        SetTime::At(time) => Timespec {
            tv_sec: time.unix_seconds(),
            tv_nsec: time.nanoseconds().into(),
        },
    }
}

fn at_flags(follow_symlinks: bool) -> AtFlags {
    if follow_symlinks {
        AtFlags::empty()
    } else {
        AtFlags::SYMLINK_NOFOLLOW
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::stat::{self, StatOptions};
    use crate::Errno;
    use std::path::{Path, PathBuf};

    /// The access and modification times, as `statx` reads them.
    fn times_of(path: &Path, follow: bool) -> (FileTime, FileTime) {
        let options = if follow {
            StatOptions::all()
        } else {
            StatOptions::no_follow()
        };
        let st = stat::statx(CWD, path, options).unwrap();
        let time = |t: stat::Time| FileTime::from_unix_time(t.seconds, t.nanos);
        (time(st.atime), time(st.mtime))
    }

    fn temp_file(name: &str) -> PathBuf {
        let path = std::env::temp_dir().join(format!("sysix-core-{name}-{}", std::process::id()));
        let _ = std::fs::remove_file(&path);
        std::fs::write(&path, b"").unwrap();
        path
    }

    #[test]
    fn set_then_read_is_exact_before_1970_and_after_2038() {
        let path = temp_file("exact");
        for (secs, nanos) in [
            (-1_234_567_890, 123_456_789),
            (4_102_444_800, 999_999_999),
            (0, 1),
        ] {
            let time = FileTime::from_unix_time(secs, nanos);
            set_file_times(
                Target::Path(&path),
                SetTime::At(time),
                SetTime::At(time),
                true,
            )
            .unwrap();
            assert_eq!(times_of(&path, true), (time, time));
        }
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn omitted_time_is_left_alone() {
        let path = temp_file("omit");
        let a = FileTime::from_unix_time(1_000_000_000, 5);
        let m = FileTime::from_unix_time(1_500_000_000, 7);
        set_file_times(Target::Path(&path), SetTime::At(a), SetTime::At(m), true).unwrap();
        set_file_times(Target::Path(&path), SetTime::Omit, SetTime::Now, true).unwrap();
        let (accessed, modified) = times_of(&path, true);
        assert_eq!(accessed, a);
        assert!(modified > m);
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn symlink_times_without_following() {
        let path = temp_file("target");
        let link = path.with_extension("link");
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&path, &link).unwrap();
        let time = FileTime::from_unix_time(86_400, 42);
        set_file_times(
            Target::Path(&link),
            SetTime::At(time),
            SetTime::At(time),
            false,
        )
        .unwrap();
        assert_eq!(times_of(&link, false).1, time);
        assert_ne!(times_of(&link, true).1, time);
        std::fs::remove_file(link).unwrap();
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn missing_file_names_the_call_and_path() {
        let missing = std::path::Path::new("/nonexistent/sysix");
        let err =
            set_file_times(Target::Path(missing), SetTime::Now, SetTime::Now, true).unwrap_err();
        assert_eq!((err.errno, err.syscall), (Errno::NOENT, "utimensat"));
        assert_eq!(err.path.as_deref(), Some(missing));
    }
}
