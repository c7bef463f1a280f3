// What `sysix info` reports: sysix's view of this machine and process. The
// binding gathers it in its final shape (`MachineInfo`); this adds what only
// JavaScript knows.

import { availableParallelism, cpus } from 'node:os'

import type { CpuInfo, CpuQuota, Filesystem, Kernel, Limit, MachineInfo, PipeInfo } from '../binding'
import { native } from './binding'
import { packageJson } from './package'

export type { CpuInfo, CpuQuota, Filesystem, Kernel, Limit, PipeInfo }

/** What {@link info} reports: the binding's view of the machine (kernel, CPUs, limits, pipes, the current directory's filesystem), with what JavaScript knows added. */
export interface SysixInfo extends MachineInfo {
  /** This package. */
  sysix: {
    /** Its version. */
    version: string
  }
  /** The JavaScript runtime sysix is loaded in. */
  runtime: {
    /** Which runtime. */
    name: 'node' | 'bun' | 'deno'
    /** Its version. */
    version: string
    /** The Node-API version the runtime implements. */
    napi: number | null
  }
  /** CPU counts, what they come from, and what Node says. */
  cpu: CpuInfo & {
    /** `os.cpus().length`: every CPU of the machine. */
    nodeCpus: number
    /** `os.availableParallelism()`. */
    nodeAvailableParallelism: number
  }
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

/**
 * Everything sysix sees of this machine and process: CPU counts and what
 * limits them, descriptor limits, pipe sizes, the kernel, and what the
 * filesystem of the current directory records. `npx sysix info` prints it.
 *
 * @example
 * ```ts
 * console.log(info().cpu.count, info().kernel.release)
 * ```
 *
 */
export function info(): SysixInfo {
  const machine = native.machineInfo()
  return {
    sysix: { version: packageJson.version },
    runtime: runtime(),
    ...machine,
    cpu: { ...machine.cpu, nodeCpus: cpus().length, nodeAvailableParallelism: availableParallelism() },
  }
}
