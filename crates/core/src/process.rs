//! Process resource limits.

use rustix::process::{getrlimit, Resource};

/// A resource limit: the soft limit in force and the hard ceiling it may be
/// raised to. `None` means unlimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limit {
    /// The limit in force (`rlim_cur`).
    pub soft: Option<u64>,
    /// The most the soft limit may be raised to without privilege (`rlim_max`).
    pub hard: Option<u64>,
}

/// `getrlimit(RLIMIT_NOFILE)`—How many descriptors this process may have open.
///
/// # References
///  - [Linux `getrlimit(2)`](https://man7.org/linux/man-pages/man2/getrlimit.2.html)
pub fn open_file_limit() -> Limit {
    let limit = getrlimit(Resource::Nofile);
    Limit {
        soft: limit.current,
        hard: limit.maximum,
    }
}
