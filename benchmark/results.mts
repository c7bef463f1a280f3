/**
 * What one benchmark run produces, the shape of its JSON (`--json FILE`)
 * and what the report and the SVG are made from: the environment, and per
 * case its contenders with ns per operation (median and spread over the
 * interleaved rounds), the C floor, and the memory checks.
 */

import { readFileSync } from 'node:fs'
import { availableParallelism, loadavg, release } from 'node:os'

import type { Kind, Mode, Settings, Spread } from './runner.mjs'

/** The part of the report a case belongs to. */
export type Group = 'sync' | 'promise' | 'throughput' | 'batch'

export interface ContenderResult {
  id: string
  name: string
  kind: Kind
  ns: Spread
  /** Operations per timed batch. */
  iterations: number
}

export interface CaseResult {
  id: string
  /** The sysix call, as the report shows it. */
  call: string
  group: Group
  mode: Mode
  /** The first is sysix's call itself, the others its alternatives. */
  contenders: ContenderResult[]
  /** Items per operation of a batch case. */
  items?: number
  /** The C loop making the same system calls, when there is one (`kind: 'c'`). */
  floor?: ContenderResult
}

/** JS-heap bytes one call allocates, over a loop without collection. */
export interface HeapResult {
  id: string
  call: string
  calls: number
  bytesPerCall: number
}

/** The resident set before and after many calls, each after full collections. */
export interface RssResult {
  id: string
  call: string
  calls: number
  seconds: number
  startMb: number
  endMb: number
  growthMb: number
  /** Of the growth, the JS heap's committed pages (V8 sizing its heap). */
  heapMb: number
  /** What the calls retained: native memory (RSS outside the JS heap) plus live JS objects. */
  retainedMb: number
}

export interface Environment {
  date: string
  node: string
  v8: string
  arch: string
  cpu: string
  cpus: number
  kernel: string
  sysix: string
  /** The load average as the run began: above the CPU count, expect noise. */
  load: number[]
  quick: boolean
  only: string | null
  settings: Settings
  /** What could not be measured here, and why. */
  notes: string[]
}

export interface RunResult {
  environment: Environment
  cases: CaseResult[]
  heap: HeapResult[]
  rss: RssResult[]
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => /^(model name|Model|cpu model|uarch)\s*:/.test(l))
    return line?.split(':')[1].trim() ?? 'unknown'
  } catch {
    return 'unknown'
  }
}

export function environment(quick: boolean, only: string | undefined, settings: Settings, notes: string[]): Environment {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
  return {
    date: new Date().toISOString(),
    node: process.version,
    v8: process.versions.v8,
    arch: process.arch,
    cpu: cpuModel(),
    cpus: availableParallelism(),
    kernel: release(),
    sysix: pkg.version,
    load: loadavg().map((l) => Math.round(l * 100) / 100),
    quick,
    only: only ?? null,
    settings,
    notes,
  }
}

/** CPU-seconds the machine has spent busy since boot (/proc/stat, in USER_HZ = 100 ticks), or 0 where unreadable. */
export function machineBusySeconds(): number {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number)
    const [user, nice, system, , , irq, softirq, steal] = ticks
    return (user + nice + system + irq + softirq + steal) / 100
  } catch {
    return 0
  }
}

/** CPU-seconds process `pid` has used (/proc/<pid>/stat), or 0 where unreadable. */
export function processCpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return 0
  }
}

/** A case's contender by id, or its C floor as `c`. */
export function contender(result: CaseResult, id: string): ContenderResult | undefined {
  return id === 'c' ? result.floor : result.contenders.find((c) => c.id === id)
}

/** The first contender of a kind, other than sysix's own call. */
export function byKind(result: CaseResult, kind: Kind): ContenderResult | undefined {
  return kind === 'c' ? result.floor : result.contenders.slice(1).find((c) => c.kind === kind)
}
