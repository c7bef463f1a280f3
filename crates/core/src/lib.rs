//! The system-call core of sysix, free of any JavaScript engine.
//!
//! One module per kernel area, mirroring [rustix]: each function does one job
//! with the seed crates (rustix, filetime, os_pipe, num_cpus, same-file) and
//! returns plain Rust values or an [`Error`] that names the failed call and
//! the paths involved. The Node-API binding (`crates/node`) only converts
//! arguments and results; everything that touches the kernel lives here, so it
//! can be tested with `cargo test` on any target, qemu included.
//!
//! Every descriptor this crate creates is close-on-exec.
//!
//! [rustix]: https://docs.rs/rustix

pub mod cpu;
mod error;
pub mod fd;
pub mod fs;
pub mod info;
mod mountinfo;
pub mod pipe;
pub mod process;
pub mod same_file;
pub mod system;
mod target;
pub mod times;
mod uring;
pub mod wait;

pub use error::{Error, Result};
pub use rustix::io::Errno;
pub use target::Target;
