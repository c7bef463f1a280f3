#!/usr/bin/env node
// The `sysix` command: `sysix info [--json]` prints what sysix sees here.

import { writeSync } from 'node:fs'

import type { SysixInfo } from '../index'
import { NO_BINDING } from '../lib/loader'
import { packageJson } from '../lib/package'

const USAGE = `Usage: sysix <command>

Commands:
  info [--json]   What sysix sees on this machine: CPUs and what limits them,
                  open-file limits, pipe sizes, the kernel, and the timestamps
                  the current directory's filesystem keeps.

Options:
  -h, --help      Show this help.
  -v, --version   Show sysix's version.`

/** `0-3,6,8,9` for `[0, 1, 2, 3, 6, 8, 9]`: runs of three or more as ranges, as `taskset -pc` writes CPU lists. */
export function cpuList(cpus: number[]): string {
  const ranges: string[] = []
  for (let i = 0; i < cpus.length; ) {
    let j = i
    while (j + 1 < cpus.length && cpus[j + 1] === cpus[j] + 1) {
      j++
    }
    ranges.push(j - i >= 2 ? `${cpus[i]}-${cpus[j]}` : cpus.slice(i, j + 1).join(','))
    i = j + 1
  }
  return ranges.join(',') || 'none'
}

function bytes(n: number | null): string {
  if (n === null) {
    return 'unknown'
  }
  const units = ['bytes', 'KiB', 'MiB', 'GiB']
  let unit = 0
  while (n >= 1024 && n % 1024 === 0 && unit < units.length - 1) {
    n /= 1024
    unit++
  }
  return `${n} ${units[unit]}`
}

/** `1 CPU`, `2 CPUs`, `1.5 CPUs`. */
function cpus(n: number): string {
  return `${n} ${n === 1 ? 'CPU' : 'CPUs'}`
}

function limit(n: number | null): string {
  return n === null ? 'unlimited' : String(n)
}

function yesNo(flag: boolean): string {
  return flag ? 'yes' : 'no'
}

/** The human-readable report. */
export function format(report: SysixInfo): string {
  const { runtime, kernel, cpu, openFiles, pipe, cwd, ioUringUnavailable } = report
  const quota = cpu.quota
    ? `${cpus(cpu.quota.cpus)} (${cpu.quota.quotaUs} of every ${cpu.quota.periodUs} µs, cgroup v${cpu.quota.version} ${cpu.quota.cgroup})`
    : 'none'
  const filesystem = cwd
    ? [
        `current dir     ${cwd.path}`,
        `  filesystem    ${cwd.fstype ?? 'unknown'}${cwd.mountPoint ? ` mounted on ${cwd.mountPoint}` : ''}`,
        `  birth times   ${yesNo(cwd.birthTimes)}`,
        `  ns timestamps ${yesNo(cwd.nanosecondTimes)}`,
      ]
    : ['current dir     cannot be read']
  return [
    `sysix ${report.sysix.version} on ${runtime.name} ${runtime.version} (Node-API ${runtime.napi ?? 'unknown'})`,
    `kernel          ${kernel.name} ${kernel.release} ${kernel.machine}`,
    `  io_uring      ${ioUringUnavailable === null ? 'used by batches (statxMany...)' : `unavailable (${ioUringUnavailable}): batches run on the threadpool`}`,
    `cpus            ${cpu.count} usable (cpuCount)`,
    `  physical      ${cpu.physical} cores`,
    `  affinity      ${cpuList(cpu.affinity)} (${cpus(cpu.affinity.length)})`,
    `  cgroup quota  ${quota}`,
    `  node          os.cpus().length ${cpu.nodeCpus}, os.availableParallelism() ${cpu.nodeAvailableParallelism}`,
    `open files      ${limit(openFiles.soft)} (hard limit ${limit(openFiles.hard)})`,
    `pipes           ${bytes(pipe.defaultCapacity)} by default, up to ${bytes(pipe.maxCapacity)} unprivileged`,
    ...filesystem,
  ].join('\n')
}

/**
 * Writes `text` and a newline to standard output, synchronously, so that a
 * failed write is seen: `false` on `EPIPE` (a reader such as `head` went
 * away, which is no error for a command that prints a report).
 */
function print(text: string, fd = 1): boolean {
  const data = Buffer.from(`${text}\n`)
  for (let offset = 0; offset < data.length; ) {
    try {
      offset += writeSync(fd, data, offset)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'EAGAIN') {
        continue
      }
      if (code === 'EPIPE') {
        return false
      }
      throw error
    }
  }
  return true
}

function usageError(message: string): number {
  print(`sysix: ${message}\n\n${USAGE}`, 2)
  return 2
}

/** Runs the command line `args`; returns the exit status. */
export function main(args: string[]): number {
  const [command, ...rest] = args
  if (command === undefined) {
    print(USAGE, 2)
    return 2
  }
  if (['-h', '--help', 'help', '-v', '--version'].includes(command)) {
    if (rest.length > 0) {
      return usageError(`unexpected argument '${rest[0]}'`)
    }
    print(command === '-v' || command === '--version' ? packageJson.version : USAGE)
    return 0
  }
  if (command !== 'info') {
    return usageError(`unknown command '${command}'`)
  }
  if (rest.includes('-h') || rest.includes('--help')) {
    print(USAGE)
    return 0
  }
  const unknown = rest.find((option) => option !== '--json')
  if (unknown !== undefined) {
    return usageError(`unknown option '${unknown}' for info`)
  }
  let info: () => SysixInfo
  try {
    // Loaded only here, so that help and the version need no binding.
    info = (require('../index') as typeof import('../index')).info
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== NO_BINDING) {
      throw error
    }
    print(`sysix: ${(error as Error).message}`, 2)
    return 1
  }
  const report = info()
  print(rest.length > 0 ? JSON.stringify(report, null, 2) : format(report))
  return 0
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2))
  } catch (error) {
    // A failed write of the report (ENOSPC on /dev/full, EIO): say so, fail.
    const { code, message } = error as NodeJS.ErrnoException
    try {
      print(`sysix: ${code ? `cannot write the report: ${message}` : message}`, 2)
    } catch {
      // Standard error is gone too: the exit status is all that is left.
    }
    process.exitCode = 1
  }
}
