//! How many CPUs this process may use: the affinity mask and the cgroup CPU
//! quota, counted as [num_cpus] counts them and laid bare.
//!
//! [num_cpus]: https://docs.rs/num_cpus

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rustix::thread::{sched_getaffinity, CpuSet};

use crate::error::{Result, Syscall};
use crate::mountinfo::Mount;

/// The number of CPUs this process may really use: the CPUs in the calling
/// thread's affinity mask (`sched_getaffinity`), capped by the cgroup CPU
/// quota over the process (see [`quota`]), a fractional quota rounded up as
/// [`num_cpus::get`] rounds it; at least 1.
///
/// The quota is read once per process, as num_cpus reads it; the affinity
/// mask on every call, so `taskset -p` on a running process is seen.
///
/// This is num_cpus's answer made cheaper and stricter: num_cpus tests the
/// 1024 bits of the mask one by one on every call (about 300 ns here, which
/// made this slower than Node's `os.availableParallelism()`), where a
/// population count takes a few; and it reads only the process's own cgroup,
/// where a limit set on an ancestor (a Kubernetes pod, a systemd slice)
/// binds just as well. Should the mask be unreadable, num_cpus answers.
///
/// # References
///  - [Linux `sched_getaffinity(2)`](https://man7.org/linux/man-pages/man2/sched_getaffinity.2.html)
pub fn count() -> usize {
    static QUOTA_CPUS: OnceLock<Option<usize>> = OnceLock::new();
    let quota = *QUOTA_CPUS.get_or_init(|| quota().map(|q| q.cpus().ceil() as usize));
    let affinity =
        sched_getaffinity(None).map_or_else(|_| num_cpus::get(), |set| set.count() as usize);
    quota.map_or(affinity, |cpus| cpus.min(affinity)).max(1)
}

/// The number of physical cores ([`num_cpus::get_physical`]).
///
/// It counts distinct `(physical id, core id)` pairs in `/proc/cpuinfo` for
/// the whole machine, ignoring affinity and quotas; where `/proc/cpuinfo` has
/// no topology (many ARM kernels) it falls back to [`count`].
pub fn physical_count() -> usize {
    num_cpus::get_physical()
}

/// `sched_getaffinity(0)`—The CPUs the calling thread may run on, ascending.
///
/// # References
///  - [Linux `sched_getaffinity(2)`](https://man7.org/linux/man-pages/man2/sched_getaffinity.2.html)
pub fn affinity() -> Result<Vec<usize>> {
    let set = sched_getaffinity(None).syscall("sched_getaffinity")?;
    Ok((0..CpuSet::MAX_CPU)
        .filter(|&cpu| set.is_set(cpu))
        .collect())
}

/// A CPU bandwidth limit set by a cgroup.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CpuQuota {
    /// The cgroup version the limit comes from: 1 or 2.
    pub version: u8,
    /// The directory of the cgroup that sets the limit.
    pub cgroup: PathBuf,
    /// Microseconds of CPU time allowed per period, across all CPUs.
    pub quota_us: u64,
    /// The length of a period in microseconds.
    pub period_us: u64,
}

impl CpuQuota {
    /// The quota as a number of CPUs (`quota / period`), possibly fractional.
    pub fn cpus(&self) -> f64 {
        self.quota_us as f64 / self.period_us as f64
    }
}

/// The tightest cgroup CPU quota over this process: its own cgroup's or an
/// ancestor's, cgroup v1's `cpu` controller first, then v2's `cpu.max`.
///
/// `None` when no cgroup on the way up to the hierarchy's root limits CPU
/// time, or when the hierarchy is not visible (no `/proc`, no mount).
///
/// A cgroup v1 `cpu` hierarchy is used when one is mounted and the process
/// is in it; otherwise the cgroup v2 hierarchy.
///
/// # References
///  - [Linux `cgroups(7)`](https://man7.org/linux/man-pages/man7/cgroups.7.html)
///  - [cgroup v1 CFS bandwidth](https://docs.kernel.org/scheduler/sched-bwc.html)
///  - [cgroup v2 `cpu.max`](https://docs.kernel.org/admin-guide/cgroup-v2.html#cpu-interface-files)
pub fn quota() -> Option<CpuQuota> {
    let cgroups = fs::read_to_string("/proc/self/cgroup").ok()?;
    let mountinfo = fs::read_to_string("/proc/self/mountinfo").ok()?;
    quota_from(&cgroups, &mountinfo, |path| fs::read_to_string(path).ok())
}

/// [`quota`] over given `/proc/self/cgroup` and `/proc/self/mountinfo` texts,
/// reading cgroup files through `read`.
fn quota_from(
    cgroups: &str,
    mountinfo: &str,
    read: impl Fn(&Path) -> Option<String>,
) -> Option<CpuQuota> {
    let mounts: Vec<Mount<'_>> = mountinfo.lines().filter_map(Mount::parse).collect();
    let v1 = cgroups.lines().find_map(|line| {
        let mut fields = line.splitn(3, ':');
        let (_id, controllers, path) = (fields.next()?, fields.next()?, fields.next()?);
        controllers.split(',').any(|c| c == "cpu").then_some(path)
    });
    if let Some(path) = v1 {
        let mount = mounts
            .iter()
            .find(|m| m.fstype == "cgroup" && m.has_option("cpu"))?;
        return tightest(mount, path, |dir| {
            let quota = read_number(&read, &dir.join("cpu.cfs_quota_us"))?;
            let period = read_number(&read, &dir.join("cpu.cfs_period_us"))?;
            // -1 means no limit; it does not parse as a u64.
            Some((quota.parse().ok()?, period.parse().ok()?))
        })
        .map(|(cgroup, quota_us, period_us)| CpuQuota {
            version: 1,
            cgroup,
            quota_us,
            period_us,
        });
    }
    let path = cgroups.lines().find_map(|line| line.strip_prefix("0::"))?;
    let mount = mounts.iter().find(|m| m.fstype == "cgroup2")?;
    tightest(mount, path, |dir| {
        let max = read_number(&read, &dir.join("cpu.max"))?;
        let (quota, period) = max.split_once(' ')?;
        // "max" means no limit; it does not parse as a u64.
        Some((quota.parse().ok()?, period.trim().parse().ok()?))
    })
    .map(|(cgroup, quota_us, period_us)| CpuQuota {
        version: 2,
        cgroup,
        quota_us,
        period_us,
    })
}

/// Walks from the cgroup at `path` up to the root of `mount`, returning the
/// directory with the smallest `quota / period` that `limit` reads.
fn tightest(
    mount: &Mount<'_>,
    path: &str,
    limit: impl Fn(&Path) -> Option<(u64, u64)>,
) -> Option<(PathBuf, u64, u64)> {
    // Inside a cgroup namespace the mount's root is the process's own view;
    // a path outside it cannot be reached through this mount.
    let relative = Path::new(path).strip_prefix(&mount.root).ok()?;
    let mut dir = mount.point.join(relative);
    let mut best: Option<(PathBuf, u64, u64)> = None;
    loop {
        if let Some((quota, period)) = limit(&dir).filter(|&(_, period)| period > 0) {
            let tighter = best.as_ref().is_none_or(|&(_, q, p)| {
                u128::from(quota) * u128::from(p) < u128::from(q) * u128::from(period)
            });
            if tighter {
                best = Some((dir.clone(), quota, period));
            }
        }
        if dir == mount.point || !dir.pop() {
            return best;
        }
    }
}

fn read_number(read: impl Fn(&Path) -> Option<String>, path: &Path) -> Option<String> {
    read(path).map(|text| text.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const V1_MOUNTINFO: &str = "\
25 1 254:0 / / rw,relatime - ext4 /dev/vda rw
30 25 0:26 / /sys/fs/cgroup rw - tmpfs tmpfs rw,mode=755
31 30 0:27 / /sys/fs/cgroup/cpu rw,relatime shared:9 - cgroup cgroup rw,cpu
32 30 0:28 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
33 30 0:29 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
";

    fn files(entries: &[(&str, &str)]) -> impl Fn(&Path) -> Option<String> {
        let map: HashMap<PathBuf, String> = entries
            .iter()
            .map(|(path, text)| (PathBuf::from(path), format!("{text}\n")))
            .collect();
        move |path| map.get(path).cloned()
    }

    #[test]
    fn v1_quota_of_own_cgroup() {
        let cgroups = "2:cpuacct:/\n1:cpu:/job\n0::/\n";
        let read = files(&[
            ("/sys/fs/cgroup/cpu/job/cpu.cfs_quota_us", "50000"),
            ("/sys/fs/cgroup/cpu/job/cpu.cfs_period_us", "100000"),
            ("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "-1"),
            ("/sys/fs/cgroup/cpu/cpu.cfs_period_us", "100000"),
        ]);
        let quota = quota_from(cgroups, V1_MOUNTINFO, read).unwrap();
        assert_eq!(quota.version, 1);
        assert_eq!(quota.cgroup, Path::new("/sys/fs/cgroup/cpu/job"));
        assert_eq!((quota.quota_us, quota.period_us), (50_000, 100_000));
        assert_eq!(quota.cpus(), 0.5);
    }

    #[test]
    fn v1_controller_listed_with_others_and_ancestor_tighter() {
        let cgroups = "3:cpu,cpuacct:/a/b\n0::/\n";
        let mountinfo =
            "31 30 0:27 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n";
        let read = files(&[
            ("/sys/fs/cgroup/cpu,cpuacct/a/b/cpu.cfs_quota_us", "300000"),
            ("/sys/fs/cgroup/cpu,cpuacct/a/b/cpu.cfs_period_us", "100000"),
            ("/sys/fs/cgroup/cpu,cpuacct/a/cpu.cfs_quota_us", "150000"),
            ("/sys/fs/cgroup/cpu,cpuacct/a/cpu.cfs_period_us", "100000"),
        ]);
        let quota = quota_from(cgroups, mountinfo, read).unwrap();
        assert_eq!(quota.cgroup, Path::new("/sys/fs/cgroup/cpu,cpuacct/a"));
        assert_eq!(quota.cpus(), 1.5);
    }

    #[test]
    fn v1_unlimited_is_none() {
        let read = files(&[
            ("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "-1"),
            ("/sys/fs/cgroup/cpu/cpu.cfs_period_us", "100000"),
        ]);
        assert_eq!(quota_from("1:cpu:/\n0::/\n", V1_MOUNTINFO, read), None);
    }

    #[test]
    fn v2_quota_with_namespaced_root() {
        let cgroups = "0::/\n";
        let mountinfo = "40 30 0:30 /kubepods/pod1 /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n";
        let read = files(&[("/sys/fs/cgroup/cpu.max", "max 100000")]);
        assert_eq!(quota_from(cgroups, mountinfo, &read), None);

        let cgroups = "0::/kubepods/pod1/box\n";
        let read = files(&[
            ("/sys/fs/cgroup/box/cpu.max", "250000 100000"),
            ("/sys/fs/cgroup/cpu.max", "max 100000"),
        ]);
        let quota = quota_from(cgroups, mountinfo, read).unwrap();
        assert_eq!(quota.version, 2);
        assert_eq!(quota.cgroup, Path::new("/sys/fs/cgroup/box"));
        assert_eq!(quota.cpus(), 2.5);
    }

    #[test]
    fn count_agrees_with_affinity_and_num_cpus() {
        let cpus = affinity().unwrap();
        assert!(!cpus.is_empty());
        assert!(cpus.windows(2).all(|w| w[0] < w[1]));
        match quota() {
            None => assert_eq!(count(), cpus.len()),
            Some(q) => assert_eq!(count(), (q.cpus().ceil() as usize).clamp(1, cpus.len())),
        }
        // num_cpus reads only the process's own cgroup: it agrees unless an
        // ancestor sets a tighter limit.
        assert!(count() <= num_cpus::get());
    }
}
