//! CPU counts, affinity and cgroup quota.

use napi::Env;
use napi_derive::napi;
use sysix_core::cpu;

use crate::error::sync;
use crate::num::saturate;

/// The CPUs this process may really use: affinity and cgroup quota applied.
#[napi]
pub fn cpu_count() -> u32 {
    saturate(cpu::count())
}

/// The number of physical cores of the machine.
#[napi]
pub fn physical_cpu_count() -> u32 {
    saturate(cpu::physical_count())
}

/// The CPUs the calling thread may run on, ascending.
#[napi]
pub fn cpu_affinity(env: Env) -> napi::Result<Vec<u32>> {
    sync(&env, cpu::affinity()).map(|cpus| cpus.into_iter().map(saturate).collect())
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

/// The tightest cgroup CPU quota over this process, or `null`.
#[napi]
pub fn cpu_quota() -> Option<CpuQuota> {
    cpu::quota().map(CpuQuota::from)
}
