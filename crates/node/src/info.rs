//! What `sysix info` reports.

use std::path::PathBuf;

use napi_derive::napi;
use sysix_core::info;

use crate::cpu::CpuQuota;
use crate::num::saturate;

/// The running kernel.
#[napi(object, object_from_js = false)]
pub struct Kernel {
    /// `uname -s`.
    pub name: String,
    /// `uname -r`.
    pub release: String,
    /// `uname -m`.
    pub machine: String,
}

/// A resource limit; `null` means unlimited.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct Limit {
    /// The limit in force.
    pub soft: Option<f64>,
    /// The ceiling the soft limit may be raised to.
    pub hard: Option<f64>,
}

/// The filesystem holding a directory.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct Filesystem {
    /// The directory asked about.
    pub path: String,
    /// Its type as the mount table names it.
    pub fstype: Option<String>,
    /// Where it is mounted.
    pub mount_point: Option<String>,
    /// Whether it records creation times.
    pub birth_times: bool,
    /// Whether sub-second times were seen on the directory or its entries.
    pub nanosecond_times: bool,
}

/// Everything sysix sees of the machine and this process.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct NativeInfo {
    /// The running kernel.
    pub kernel: Kernel,
    /// `cpuCount()`.
    pub cpu_count: u32,
    /// `physicalCpuCount()`.
    pub physical_cpu_count: u32,
    /// `cpuAffinity()`.
    pub cpu_affinity: Vec<u32>,
    /// `cpuQuota()`.
    pub cpu_quota: Option<CpuQuota>,
    /// `RLIMIT_NOFILE`.
    pub open_file_limit: Limit,
    /// The capacity a new pipe gets.
    pub pipe_capacity: Option<u32>,
    /// `/proc/sys/fs/pipe-max-size`.
    pub pipe_max_capacity: Option<u32>,
    /// The filesystem of the directory asked about, or `null` if there was
    /// none or it cannot be read.
    pub filesystem: Option<Filesystem>,
}

/// Gathers what `sysix info` prints, describing the filesystem of `dir`.
#[napi]
pub fn native_info(dir: Option<String>) -> NativeInfo {
    let dir = dir.map(PathBuf::from);
    let info = info::info(dir.as_deref());
    let text = |path: PathBuf| path.to_string_lossy().into_owned();
    NativeInfo {
        kernel: Kernel {
            name: info.kernel.name,
            release: info.kernel.release,
            machine: info.kernel.machine,
        },
        cpu_count: saturate(info.cpu_count),
        physical_cpu_count: saturate(info.physical_cpu_count),
        cpu_affinity: info.affinity.into_iter().map(saturate).collect(),
        cpu_quota: info.cpu_quota.map(CpuQuota::from),
        open_file_limit: Limit {
            soft: info.open_file_limit.soft.map(|n| n as f64),
            hard: info.open_file_limit.hard.map(|n| n as f64),
        },
        pipe_capacity: info.pipe_capacity.map(saturate),
        pipe_max_capacity: info.pipe_max_capacity.map(saturate),
        filesystem: dir
            .zip(info.filesystem.and_then(Result::ok))
            .map(|(dir, fs)| Filesystem {
                path: text(dir),
                fstype: fs.fstype,
                mount_point: fs.mount_point.map(text),
                birth_times: fs.birth_times,
                nanosecond_times: fs.nanosecond_times,
            }),
    }
}
