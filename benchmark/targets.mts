/**
 * The performance targets of sysix (from the project's issue on
 * performance), in one table, and their check against a run: each row names
 * a case (by id), what is compared and the limit.
 *
 *   vsNode   sysix's median ÷ Node core's (for Promise forms: fs.promises)  ≤ limit
 *   vsKoffi  sysix's median ÷ koffi calling libc                           ≤ limit
 *   vsC      sysix's median ÷ the C floor                                  ≤ limit
 *   overC    sysix's median − the C floor, in ns                           ≤ limit
 *   speedup  the named contender's median ÷ sysix's (throughput ratio)     ≥ limit
 *   heap     JS-heap bytes per call, rounded to a whole byte               ≤ limit
 *   rss      MB retained over the RSS check's calls: RSS growth outside    ≤ limit
 *            the JS heap, plus live JS objects (memory.mts)
 */

import { byKind, type CaseResult, type ContenderResult, contender, type RunResult } from './results.mjs'

export type Check = 'vsNode' | 'vsKoffi' | 'vsC' | 'overC' | 'speedup' | 'heap' | 'rss'

export interface Target {
  /** The target as the issue states it. */
  goal: string
  /** The case (or memory check) it applies to. */
  case: string
  check: Check
  limit: number
  /** For `speedup`: the contender sysix is compared with. */
  vs?: string
}

const rows = (goal: string, check: Check, limit: number, cases: string[], vs?: string): Target[] =>
  cases.map((id) => ({ goal, case: id, check, limit, vs }))

const NUMBER_OR_NOTHING = ['cpuCount', 'setFileTimesSync', 'flockSync', 'preadSync', 'pwriteSync']
const OBJECT = ['fileTimesSync', 'statxSync', 'sameFileSync', 'pipe']
const PROMISE = ['fileTimes', 'statx', 'setFileTimes', 'pread', 'fileTimes-all', 'statx-all', 'setFileTimes-all', 'pread-all']
const BATCH = ['statxMany', 'fileTimesMany', 'preadMany']

export const TARGETS: Target[] = [
  ...rows('sync calls ÷Node ≤ 0.95', 'vsNode', 0.95, [
    'cpuCount',
    'setFileTimesSync',
    'statxSync-into',
    'readdirSync',
    'preadSync',
    'pwriteSync',
  ]),
  ...rows('stat-like sync calls returning objects ÷Node ≤ 0.67', 'vsNode', 0.67, ['fileTimesSync', 'statxSync', 'sameFileSync']),
  // statxSync(path) has no koffi row: building its 25-field object through koffi would measure the object, not the call.
  ...rows('never slower than koffi: ÷koffi ≤ 1.00', 'vsKoffi', 1, [
    ...NUMBER_OR_NOTHING,
    'fileTimesSync',
    'sameFileSync',
    'pipe',
    'statxSync-into',
  ]),
  ...rows('calls returning a number or nothing: ≤ 40 ns over C', 'overC', 40, NUMBER_OR_NOTHING),
  ...rows('calls returning an object: ≤ 150 ns over C', 'overC', 150, OBJECT),
  ...rows('into forms: ≤ 60 ns over C', 'overC', 60, ['statxSync-into']),
  ...rows('readdirSync ≤ 1.15× C', 'vsC', 1.15, ['readdirSync']),
  ...rows('copy 1 MiB ≤ 1.00× fs.copyFileSync', 'vsNode', 1, ['copy']),
  ...rows('Promise forms ≤ 1.00× their fs.promises equivalent', 'vsNode', 1, PROMISE),
  ...rows('batch forms ≥ 3× the throughput of Promise.all of single sysix calls', 'speedup', 3, BATCH, 'all-sysix'),
  ...rows('batch forms ≥ 5× the throughput of Promise.all of fs.promises', 'speedup', 5, BATCH, 'all-node'),
  ...rows('into forms (and preadSync, which fills the caller’s buffer) allocate 0 bytes per call', 'heap', 0, [
    'statxSync-into',
    'preadSync',
  ]),
  ...rows('RSS within 5 MB after 10 million calls (memory retained)', 'rss', 5, [
    'cpuCount',
    'fileTimesSync',
    'statxSync-into',
    'sameFileSync',
    'flockSync',
    'pipe',
  ]),
]

export interface Verdict {
  target: Target
  /** The call, as the report names it. */
  call: string
  /** The measured value, or `undefined` when the run did not measure it. */
  value?: number
  met?: boolean
}

function measured(result: CaseResult, target: Target): number | undefined {
  const ours = result.contenders[0].ns.median
  const over = (other: ContenderResult | undefined) => other && ours / other.ns.median
  switch (target.check) {
    case 'vsNode':
      return over(byKind(result, 'node'))
    case 'vsKoffi':
      return over(byKind(result, 'koffi'))
    case 'vsC':
      return over(result.floor)
    case 'overC':
      return result.floor && ours - result.floor.ns.median
    case 'speedup': {
      const theirs = contender(result, target.vs ?? '')
      return theirs && theirs.ns.median / ours
    }
    default:
      return undefined
  }
}

/** Each target checked against the run, in the table's order. */
export function evaluate(run: RunResult): Verdict[] {
  return TARGETS.map((target) => {
    let call: string | undefined
    let value: number | undefined
    if (target.check === 'heap') {
      const row = run.heap.find((h) => h.id === target.case)
      call = row?.call
      value = row && Math.round(row.bytesPerCall)
    } else if (target.check === 'rss') {
      const row = run.rss.find((r) => r.id === target.case)
      call = row?.call
      value = row?.retainedMb
    } else {
      const result = run.cases.find((c) => c.id === target.case)
      call = result?.call
      value = result && measured(result, target)
    }
    const met = value === undefined ? undefined : target.check === 'speedup' ? value >= target.limit : value <= target.limit
    return { target, call: call ?? target.case, value, met }
  })
}
