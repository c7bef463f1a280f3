// What `sysix info` reports: sysix's view of this machine and process.

import { availableParallelism, cpus } from 'node:os'

import type { CpuQuota, Filesystem, Kernel, Limit } from '../binding'
import { native } from './binding'

export type { CpuQuota, Filesystem, Kernel, Limit }

/** What {@link info} reports. */
export interface SysixInfo {
  /** This package. */
  sysix: { version: string }
  /** The JavaScript runtime sysix is loaded in. */
  runtime: {
    name: 'node' | 'bun' | 'deno'
    version: string
    /** The Node-API version the runtime implements. */
    napi: number | null
  }
  /** The running kernel, as `uname` shows it. */
  kernel: Kernel
  /** CPU counts, and what they come from. */
  cpu: {
    /** {@link cpuCount}: CPUs this process may use. */
    count: number
    /** {@link physicalCpuCount}. */
    physical: number
    /** {@link cpuAffinity}. */
    affinity: number[]
    /** {@link cpuQuota}. */
    quota: CpuQuota | null
    /** `os.cpus().length`: every CPU of the machine. */
    nodeCpus: number
    /** `os.availableParallelism()`. */
    nodeAvailableParallelism: number
  }
  /** `RLIMIT_NOFILE`: how many descriptors this process may have open. */
  openFiles: Limit
  /** Pipe buffer sizes in bytes. */
  pipe: {
    /** The capacity of a new pipe. */
    defaultCapacity: number | null
    /** `/proc/sys/fs/pipe-max-size`: the most an unprivileged process may set. */
    maxCapacity: number | null
  }
  /** The filesystem of the current directory, or `null` if it cannot be read (deleted, say). */
  cwd: Filesystem | null
}

function runtime(): SysixInfo['runtime'] {
  const versions = process.versions as NodeJS.ProcessVersions & { bun?: string; deno?: string }
  const napi = Number(versions.napi) || null
  if (versions.bun) {
    return { name: 'bun', version: versions.bun, napi }
  }
  if (versions.deno) {
    return { name: 'deno', version: versions.deno, napi }
  }
  return { name: 'node', version: versions.node, napi }
}

/** The current directory, or `null` once it has been deleted (`process.cwd()` then throws). */
function currentDir(): string | null {
  try {
    return process.cwd()
  } catch {
    return null
  }
}

/**
 * Everything sysix sees of this machine and process: CPU counts and what
 * limits them, descriptor limits, pipe sizes, the kernel, and what the
 * filesystem of the current directory records. `npx sysix info` prints it.
 */
export function info(): SysixInfo {
  const facts = native.nativeInfo(currentDir())
  const { version } = require('../package.json') as { version: string }
  return {
    sysix: { version },
    runtime: runtime(),
    kernel: facts.kernel,
    cpu: {
      count: facts.cpuCount,
      physical: facts.physicalCpuCount,
      affinity: facts.cpuAffinity,
      quota: facts.cpuQuota,
      nodeCpus: cpus().length,
      nodeAvailableParallelism: availableParallelism(),
    },
    openFiles: facts.openFileLimit,
    pipe: { defaultCapacity: facts.pipeCapacity, maxCapacity: facts.pipeMaxCapacity },
    cwd: facts.filesystem,
  }
}
