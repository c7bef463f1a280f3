//! CPU counts, affinity and cgroup quota.

use napi_derive::napi;
use sysix_core::cpu;

use crate::num::saturate;

crate::bindings! {
    /// The CPUs this process may really use: affinity and cgroup quota applied.
    sync cpu_count() -> u32 {
        Ok(saturate(cpu::count()))
    }

    /// The number of physical cores of the machine.
    sync physical_cpu_count() -> u32 {
        Ok(saturate(cpu::physical_count()))
    }

    /// The CPUs the calling thread may run on, ascending.
    sync cpu_affinity() -> Vec<u32> {
        cpu::affinity().map(|cpus| cpus.into_iter().map(saturate).collect())
    }

    /// The tightest cgroup CPU quota over this process, or `null`.
    sync cpu_quota() -> Option<CpuQuota> {
        Ok(cpu::quota().map(CpuQuota::from))
    }
}

/// A CPU bandwidth limit set by a cgroup.
#[napi(object, object_from_js = false)]
pub struct CpuQuota {
    /// The cgroup version the limit comes from: 1 or 2.
    pub version: u32,
    /// The directory of the cgroup that sets the limit.
    pub cgroup: String,
    /// Microseconds of CPU time allowed per period, across all CPUs.
    pub quota_us: f64,
    /// The length of a period in microseconds.
    pub period_us: f64,
    /// `quotaUs / periodUs`: the quota as a number of CPUs.
    pub cpus: f64,
}

impl From<cpu::CpuQuota> for CpuQuota {
    fn from(quota: cpu::CpuQuota) -> Self {
        Self {
            version: quota.version.into(),
            cgroup: quota.cgroup.to_string_lossy().into_owned(),
            quota_us: quota.quota_us as f64,
            period_us: quota.period_us as f64,
            cpus: quota.cpus(),
        }
    }
}

crate::out::output_by_napi!(CpuQuota => "CpuQuota");
