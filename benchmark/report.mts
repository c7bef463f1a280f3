/**
 * The benchmark's report in Markdown: what the console prints after a run,
 * and benchmark/RESULTS.md, one section per Node version (written by
 * `npm run bench` or `npm run bench:runtimes`, never by hand). Per run:
 *
 *   a summary, one row per call: sysix's median and its ratios to Node
 *   core, koffi, the existing addon and the C floor (below 1.00, sysix is
 *   faster), and its ns over C;
 *   the details, one row per contender: median, half the interquartile
 *   range, min and max over the rounds, and sysix ÷ it;
 *   the batches in ms per batch and the throughput ratio;
 *   the memory checks; and the targets, each met or missed, with the number.
 */

import { byKind, type CaseResult, type ContenderResult, type Group, type RunResult } from './results.mjs'
import type { Spread } from './runner.mjs'
import { type Check, evaluate, type Verdict } from './targets.mjs'

/** A duration with its unit: `312 ns`, `12.3 µs`, `3.05 ms`. */
export function formatNs(ns: number): string {
  const [value, unit] = ns < 1e3 ? [ns, 'ns'] : ns < 1e6 ? [ns / 1e3, 'µs'] : ns < 1e9 ? [ns / 1e6, 'ms'] : [ns / 1e9, 's']
  return `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)} ${unit}`
}

const ratio = (a: number, b: number | undefined) => (b === undefined ? '' : (a / b).toFixed(2))
const halfIqr = ({ q1, q3, median }: Spread) => `±${((50 * (q3 - q1)) / median).toFixed(1)}%`
const signedNs = (ns: number) => `${ns >= 0 ? '+' : '−'}${formatNs(Math.abs(ns))}`

/** A Markdown table, its columns padded so that it reads in a terminal too. */
export function table(header: string[], rows: string[][], right: boolean[] = []): string {
  const width = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (cells: string[]) => `| ${cells.map((c, i) => (right[i] ? c.padStart(width[i]) : c.padEnd(width[i]))).join(' | ')} |`
  const rule = `|${width.map((w, i) => `${'-'.repeat(w + 1)}${right[i] ? ':' : '-'}`).join('|')}|`
  return [line(header), rule, ...rows.map(line)].join('\n')
}

const SECTIONS: Record<Group, string> = {
  sync: 'Synchronous calls (ns per call)',
  promise: 'Promise forms, awaited one after another (latency, ns per call)',
  throughput: 'Promise forms, Promise.all over many items (throughput, ns per item)',
  batch: 'Batch calls (ms per batch)',
}

function summary(cases: CaseResult[]): string {
  const rows = cases.map((c) => {
    const ours = c.contenders[0].ns.median
    const median = (other: ContenderResult | undefined) => other?.ns.median
    return [
      c.call,
      formatNs(ours),
      ratio(ours, median(byKind(c, 'node'))),
      ratio(ours, median(byKind(c, 'koffi'))),
      ratio(ours, median(byKind(c, 'addon'))),
      ratio(ours, median(c.floor)),
      c.floor ? signedNs(ours - c.floor.ns.median) : '',
    ]
  })
  return table(['call', 'sysix', '÷Node', '÷koffi', '÷addon', '÷C', 'over C'], rows, [false, true, true, true, true, true, true])
}

function details(cases: CaseResult[]): string {
  const rows = cases.flatMap((c) => {
    const ours = c.contenders[0].ns.median
    return [...c.contenders, ...(c.floor ? [c.floor] : [])].map((it, i) => [
      i === 0 ? c.call : '',
      i === 0 ? `**sysix** ${it.name}` : it.kind === 'c' ? `C floor: ${it.name}` : it.name,
      formatNs(it.ns.median),
      halfIqr(it.ns),
      `${formatNs(it.ns.min)} … ${formatNs(it.ns.max)}`,
      i === 0 ? '' : ratio(ours, it.ns.median),
    ])
  })
  return table(['call', 'contender', 'median', '±½IQR', 'min … max', 'sysix ÷ it'], rows, [false, false, true, true, true, true])
}

function batchTable(cases: CaseResult[]): string {
  const rows = cases.flatMap((c) => {
    const ours = c.contenders[0].ns.median
    const items = c.items ?? 1
    return [...c.contenders, ...(c.floor ? [c.floor] : [])].map((it, i) => [
      i === 0 ? c.call : '',
      i === 0 ? '**sysix**' : it.kind === 'c' ? `C floor: ${it.name} (one thread, in turn)` : it.name,
      (it.ns.median / 1e6).toFixed(2),
      halfIqr(it.ns),
      Math.round(items / (it.ns.median / 1e9)).toLocaleString('en-US'),
      i === 0 ? '' : `${(it.ns.median / ours).toFixed(2)}×`,
    ])
  })
  return table(['batch', 'contender', 'ms/batch', '±½IQR', 'items/s', 'sysix speedup'], rows, [false, false, true, true, true, true])
}

function memory(run: RunResult, level: string): string {
  const parts: string[] = []
  if (run.heap.length > 0) {
    const rows = run.heap.map((h) => [h.call, h.calls.toLocaleString('en-US'), h.bytesPerCall.toFixed(2)])
    parts.push(`${level} JS heap allocated per call\n\n${table(['call', 'calls', 'bytes/call'], rows, [false, true, true])}`)
  }
  if (run.rss.length > 0) {
    const signed = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(2)}`
    const rows = run.rss.map((r) => [
      r.call,
      r.calls.toLocaleString('en-US'),
      r.seconds.toFixed(1),
      r.startMb.toFixed(1),
      r.endMb.toFixed(1),
      signed(r.growthMb),
      signed(r.heapMb),
      signed(r.retainedMb),
    ])
    const header = [
      'call',
      'calls',
      's',
      'RSS before (MB)',
      'RSS after',
      'RSS change',
      'of it JS heap pages',
      'retained (native + live JS)',
    ]
    const title = `${level} RSS after many calls (each reading after full collections)`
    parts.push(`${title}\n\n${table(header, rows, [false, true, true, true, true, true, true, true])}`)
  }
  return parts.join('\n\n')
}

const UNIT: Record<Check, (v: number) => string> = {
  vsNode: (v) => v.toFixed(2),
  vsKoffi: (v) => v.toFixed(2),
  vsC: (v) => `${v.toFixed(2)}×`,
  overC: (v) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(0)} ns`,
  speedup: (v) => `${v.toFixed(2)}×`,
  heap: (v) => `${v} B/call`,
  rss: (v) => `${v >= 0 ? '+' : ''}${v.toFixed(2)} MB`,
}

function targets(verdicts: Verdict[], showUnmeasured: boolean): string {
  const shown = verdicts.filter((v) => showUnmeasured || v.value !== undefined)
  const rows = shown.map(({ target, call, value, met }) => [
    target.goal,
    call,
    value === undefined ? '' : UNIT[target.check](value),
    `${target.check === 'speedup' ? '≥' : '≤'} ${UNIT[target.check](target.limit).replace('+', '')}`,
    met === undefined ? 'not measured' : met ? 'met' : '**missed**',
  ])
  const measured = shown.filter((v) => v.met !== undefined)
  const met = measured.filter((v) => v.met).length
  return `${table(['target', 'call', 'value', 'limit', 'verdict'], rows, [false, false, true, true, false])}\n\n${met} of ${measured.length} measured targets met.`
}

/** The environment line of a run. */
function environmentLines(run: RunResult): string {
  const e = run.environment
  const mode = e.quick ? 'quick run' : 'full run'
  const lines = [
    `- ${e.date}, Node ${e.node} (V8 ${e.v8}), ${e.arch}, sysix ${e.sysix}`,
    `- CPU: ${e.cpu}, ${e.cpus} CPUs available; kernel ${e.kernel}; load average at start ${e.load.join(' ')}`,
    `- ${mode}${e.only ? ` (only '${e.only}')` : ''}: ${e.settings.rounds} interleaved rounds, batches of ~${e.settings.batchMs} ms after ${e.settings.warmupMs} ms of warm-up; medians over rounds`,
    ...e.notes.map((n) => `- ${n}`),
  ]
  return lines.join('\n')
}

/** The report of one run, its headings at `level`. */
export function runMarkdown(run: RunResult, level = '##'): string {
  const parts = [environmentLines(run)]
  for (const group of ['sync', 'promise', 'throughput', 'batch'] as Group[]) {
    const cases = run.cases.filter((c) => c.group === group)
    if (cases.length === 0) continue
    const body = group === 'batch' ? batchTable(cases) : `${summary(cases)}\n\n${details(cases)}`
    parts.push(`${level} ${SECTIONS[group]}\n\n${body}`)
  }
  const mem = memory(run, level)
  if (mem) parts.push(mem)
  parts.push(`${level} Targets\n\n${targets(evaluate(run), run.environment.only === null)}`)
  return parts.join('\n\n')
}

/** sysix's median of each call on each Node: one table across versions. */
function acrossVersions(runs: RunResult[]): string {
  const calls = runs[0].cases.map((c) => c.id)
  const rows = calls.map((id) => {
    const first = runs[0].cases.find((c) => c.id === id)
    return [
      first?.call ?? id,
      ...runs.map((run) => {
        const c = run.cases.find((x) => x.id === id)
        const node = c && byKind(c, 'node')
        return c ? `${formatNs(c.contenders[0].ns.median)}${node ? ` (${ratio(c.contenders[0].ns.median, node.ns.median)})` : ''}` : ''
      }),
    ]
  })
  const header = ['call', ...runs.map((r) => `Node ${r.environment.node}`)]
  return table(header, rows, [false, ...runs.map(() => true)])
}

/** benchmark/RESULTS.md for one or more runs (one per Node version). */
export function resultsMarkdown(runs: RunResult[], command: string): string {
  const head = [
    '# Benchmark results',
    '',
    `Written by \`${command}\` (benchmark/bench.mts); do not edit by hand. Ratios are`,
    "sysix's median ÷ the other's: below 1.00, sysix is faster. Every contender of a",
    'case runs in the same process, interleaved: after warm-up, a number of rounds, in',
    'each of which every contender runs one timed batch, in a shuffled order. The C',
    'floor (benchmark/baseline/syscalls.c) makes the same system calls in a C loop.',
    '',
    '![ns per call, log scale](results.svg)',
  ].join('\n')
  const parts = [head]
  if (runs.length > 1) {
    parts.push(`## sysix across Node versions (median; ÷Node in brackets)\n\n${acrossVersions(runs)}`)
  }
  for (const run of runs) {
    parts.push(`## Node ${run.environment.node}\n\n${runMarkdown(run, '###')}`)
  }
  return `${parts.join('\n\n')}\n`
}
