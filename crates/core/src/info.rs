//! Everything `sysix info` reports about this machine, gathered in one call.

use std::path::Path;

use crate::cpu::{self, CpuQuota};
use crate::fs::{self, Filesystem};
use crate::pipe::{self, PipeFlags};
use crate::process::{self, Limit};
use crate::system::{self, Kernel};

/// What sysix sees of the machine and of this process.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Info {
    /// The running kernel.
    pub kernel: Kernel,
    /// [`cpu::count`].
    pub cpu_count: usize,
    /// [`cpu::physical_count`].
    pub physical_cpu_count: usize,
    /// [`cpu::affinity`], or empty where it failed.
    pub affinity: Vec<usize>,
    /// [`cpu::quota`].
    pub cpu_quota: Option<CpuQuota>,
    /// [`process::open_file_limit`].
    pub open_file_limit: Limit,
    /// The capacity a new pipe gets.
    pub pipe_capacity: Option<usize>,
    /// [`pipe::max_capacity`].
    pub pipe_max_capacity: Option<usize>,
    /// The filesystem holding the directory asked about, if one was.
    pub filesystem: Option<crate::Result<Filesystem>>,
}

/// Gathers [`Info`], with `dir` the directory whose filesystem to describe.
pub fn info(dir: Option<&Path>) -> Info {
    let pipe_capacity = pipe::pipe(PipeFlags::empty())
        .and_then(|(reader, _writer)| pipe::capacity(std::os::fd::AsFd::as_fd(&reader)))
        .ok();
    Info {
        kernel: system::kernel(),
        cpu_count: cpu::count(),
        physical_cpu_count: cpu::physical_count(),
        affinity: cpu::affinity().unwrap_or_default(),
        cpu_quota: cpu::quota(),
        open_file_limit: process::open_file_limit(),
        pipe_capacity,
        pipe_max_capacity: pipe::max_capacity(),
        filesystem: dir.map(fs::filesystem_of),
    }
}
