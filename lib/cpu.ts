// How many CPUs this process may use.

import type { CpuQuota } from '../binding'
import { native } from './binding'

export type { CpuQuota }

/**
 * The number of CPUs this process may really use: the CPUs in its affinity
 * mask (`taskset`, `sched_setaffinity`), capped by the tightest cgroup v1 or
 * v2 CPU quota over it ({@link cpuQuota}: its own cgroup's, a container's
 * `--cpus`, or an ancestor's, a Kubernetes pod's), a fractional quota
 * rounded up; at least 1. The quota is read once per process, the affinity
 * mask on every call. Size thread pools with this.
 *
 * `os.cpus().length` counts every CPU of the machine, and
 * `os.availableParallelism()` applies the quota only on Node versions whose
 * libuv reads cgroups (1.49 and later), rounding it down from 1.52.
 *
 * @example
 * ```ts
 * const workers = cpuCount() // 2 in a container limited to 2 CPUs
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/sched_getaffinity.2.html
 * @see https://docs.kernel.org/scheduler/sched-bwc.html
 */
export function cpuCount(): number {
  return native.cpuCount()
}

/**
 * The number of physical cores of the machine, from `/proc/cpuinfo`: every
 * core, whatever the affinity mask or quota, with SMT siblings counted once.
 * Where `/proc/cpuinfo` shows no topology (many ARM kernels) it is
 * {@link cpuCount}.
 *
 * @example
 * ```ts
 * physicalCpuCount() // 8 on a 16-thread machine
 * ```
 *
 */
export function physicalCpuCount(): number {
  return native.physicalCpuCount()
}

/**
 * The CPUs this thread may run on, ascending, as `taskset -p` shows them.
 *
 * @example
 * ```ts
 * cpuAffinity() // [0, 1] under taskset -c 0,1
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/sched_getaffinity.2.html
 */
export function cpuAffinity(): number[] {
  return native.cpuAffinity()
}

/**
 * The tightest cgroup CPU quota over this process, from its own cgroup up to
 * the root (cgroup v1 `cpu.cfs_quota_us`/`cpu.cfs_period_us`, or v2
 * `cpu.max`), or `null` where no cgroup limits CPU time.
 *
 * @example
 * ```ts
 * cpuQuota()?.cpus // 1.5 with a cgroup quota of 150000/100000
 * ```
 *
 * @see https://man7.org/linux/man-pages/man7/cgroups.7.html
 */
export function cpuQuota(): CpuQuota | null {
  return native.cpuQuota()
}
