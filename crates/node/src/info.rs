//! What `sysix info` reports, in the shape `info()` returns it: the
//! TypeScript layer adds only what JavaScript knows (the runtime and Node's
//! own CPU counts).

use std::path::Path;

use napi_derive::napi;
use sysix_core::info;

use crate::cpu::CpuQuota;
use crate::num::saturate;

/// The running kernel, as `uname` shows it.
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
    /// The directory asked about (lossily decoded when its name is not UTF-8).
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

/// CPU counts, and what they come from.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct CpuInfo {
    /// `cpuCount()`: the CPUs this process may use.
    pub count: u32,
    /// `physicalCpuCount()`.
    pub physical: u32,
    /// `cpuAffinity()`.
    pub affinity: Vec<u32>,
    /// `cpuQuota()`.
    pub quota: Option<CpuQuota>,
}

/// Pipe buffer sizes in bytes.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct PipeInfo {
    /// The capacity of a new pipe.
    pub default_capacity: Option<u32>,
    /// `/proc/sys/fs/pipe-max-size`: the most an unprivileged process may set.
    pub max_capacity: Option<u32>,
}

/// What sysix sees of the machine and of this process.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct MachineInfo {
    /// The running kernel.
    pub kernel: Kernel,
    /// CPU counts, and what they come from.
    pub cpu: CpuInfo,
    /// `RLIMIT_NOFILE`: how many descriptors this process may have open.
    pub open_files: Limit,
    /// Pipe buffer sizes.
    pub pipe: PipeInfo,
    /// Whether batches (`statxMany` and the like) run on io_uring: `null`
    /// if they do, or why not (`EPERM`: `kernel.io_uring_disabled` or a
    /// seccomp filter; `ENOSYS`: an old kernel, an emulator or a seccomp
    /// filter; `SYSIX_IO_URING=0`).
    pub io_uring_unavailable: Option<String>,
    /// The filesystem of the current directory, or `null` if there is no
    /// current directory (it was deleted) or it cannot be read.
    pub cwd: Option<Filesystem>,
}

crate::out::output_by_napi!(MachineInfo => "MachineInfo");

crate::bindings! {
    /// Gathers what `sysix info` prints. The current directory is looked up
    /// as `.`, so a name that is not UTF-8 is found all the same; its lossy
    /// name is only shown.
    sync machine_info() -> MachineInfo {
        Ok(gather())
    }
}

fn gather() -> MachineInfo {
    let cwd = std::env::current_dir().ok();
    let info = info::info(cwd.as_ref().map(|_| Path::new(".")));
    let limit = |n: Option<u64>| n.map(|n| n as f64);
    MachineInfo {
        kernel: Kernel {
            name: info.kernel.name,
            release: info.kernel.release,
            machine: info.kernel.machine,
        },
        cpu: CpuInfo {
            count: saturate(info.cpu_count),
            physical: saturate(info.physical_cpu_count),
            affinity: info.affinity.into_iter().map(saturate).collect(),
            quota: info.cpu_quota.map(CpuQuota::from),
        },
        open_files: Limit {
            soft: limit(info.open_file_limit.soft),
            hard: limit(info.open_file_limit.hard),
        },
        pipe: PipeInfo {
            default_capacity: info.pipe_capacity.map(saturate),
            max_capacity: info.pipe_max_capacity.map(saturate),
        },
        io_uring_unavailable: match sysix_core::fs::batch::io_uring_available() {
            Ok(()) => None,
            Err(None) => Some("SYSIX_IO_URING=0".to_owned()),
            Err(Some(errno)) => {
                let (code, description) = crate::errno::describe(errno);
                Some(format!("{code}: {description}"))
            }
        },
        cwd: cwd
            .zip(info.filesystem.and_then(Result::ok))
            .map(|(dir, fs)| Filesystem {
                path: dir.to_string_lossy().into_owned(),
                fstype: fs.fstype,
                mount_point: fs.mount_point.map(|p| p.to_string_lossy().into_owned()),
                birth_times: fs.birth_times,
                nanosecond_times: fs.nanosecond_times,
            }),
    }
}
