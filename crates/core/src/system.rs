//! The kernel this process runs on.

use rustix::system::uname;

/// The running kernel, as `uname(2)` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Kernel {
    /// The kernel's name (`Linux`).
    pub name: String,
    /// Its release (`6.1.0-18-amd64`), as `uname -r` prints it.
    pub release: String,
    /// The hardware it runs on (`x86_64`), as `uname -m` prints it.
    pub machine: String,
}

/// `uname()`—The running kernel's name, release and machine.
///
/// # References
///  - [Linux `uname(2)`](https://man7.org/linux/man-pages/man2/uname.2.html)
pub fn kernel() -> Kernel {
    let names = uname();
    let text = |s: &std::ffi::CStr| s.to_string_lossy().into_owned();
    Kernel {
        name: text(names.sysname()),
        release: text(names.release()),
        machine: text(names.machine()),
    }
}
