/**
 * benchmark/results.svg, drawn by hand (no dependency): one panel per run
 * (Node version), in it one group per call, one horizontal bar per
 * contender, the median ns per operation on a log scale (batch calls: per
 * batch), a thin line from the fastest to the slowest round, and the C
 * floor as a red tick across the group. Colours by kind, with a legend.
 */

import type { CaseResult, RunResult } from './results.mjs'
import type { Kind } from './runner.mjs'
import { formatNs } from './report.mjs'

const WIDTH = 1160
const LABEL = 430
const RIGHT = 90
const BAR = 13
const GAP = 4
const TITLE = 20
const AXIS = 46

const COLOURS: Record<Kind, string> = { sysix: '#1f63b4', node: '#2c9f48', koffi: '#f28e1c', addon: '#8d5cc4', c: '#d62728' }
const ALTERNATIVE = '#8fb5e0'
const LEGEND: [string, string][] = [
  ['sysix', COLOURS.sysix],
  ['sysix, another form', ALTERNATIVE],
  ['Node core', COLOURS.node],
  ['koffi → libc', COLOURS.koffi],
  ['existing addon (fs-ext)', COLOURS.addon],
]

const xml = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`)
const clip = (text: string, max = 70) => (text.length > max ? `${text.slice(0, max - 1)}…` : text)

const UNIT_NAMES: Record<string, string> = { sync: '', promise: ' (latency)', throughput: ' (per item)', batch: ' (per batch)' }

function panel(run: RunResult, top: number): { svg: string[]; height: number } {
  const all = run.cases.flatMap((c) => [...c.contenders, ...(c.floor ? [c.floor] : [])].flatMap((x) => [x.ns.min, x.ns.max]))
  const low = 10 ** Math.floor(Math.log10(Math.max(1, Math.min(...all))))
  const high = 10 ** Math.ceil(Math.log10(Math.max(...all)))
  const x = (ns: number) =>
    LABEL + ((Math.log10(Math.max(ns, low)) - Math.log10(low)) / (Math.log10(high) - Math.log10(low))) * (WIDTH - LABEL - RIGHT)
  const out: string[] = []
  out.push(
    `<text x="10" y="${top + 18}" class="h">Node ${xml(run.environment.node)}: ns per call, log scale (${xml(run.environment.date.slice(0, 10))})</text>`,
  )
  let y = top + AXIS
  const groups: { c: CaseResult; y: number }[] = []
  for (const c of run.cases) {
    groups.push({ c, y })
    y += TITLE + c.contenders.length * (BAR + GAP) + GAP
  }
  // Decades: grid lines and labels.
  for (let ns = low; ns <= high; ns *= 10) {
    out.push(`<line x1="${x(ns).toFixed(1)}" y1="${top + AXIS - 6}" x2="${x(ns).toFixed(1)}" y2="${y}" class="grid"/>`)
    out.push(`<text x="${x(ns).toFixed(1)}" y="${top + AXIS - 10}" class="tick">${xml(formatNs(ns).replace(/\.0+ /, ' '))}</text>`)
  }
  for (const { c, y: gy } of groups) {
    out.push(`<text x="10" y="${gy + 14}" class="call">${xml(clip(c.call + (UNIT_NAMES[c.group] ?? ''), 62))}</text>`)
    c.contenders.forEach((it, i) => {
      const by = gy + TITLE + i * (BAR + GAP)
      const colour = i > 0 && it.kind === 'sysix' ? ALTERNATIVE : COLOURS[it.kind]
      const end = x(it.ns.median)
      const label = i === 0 ? `sysix: ${it.name}` : it.name
      out.push(`<text x="${LABEL - 8}" y="${by + BAR - 2}" class="name">${xml(clip(label))}</text>`)
      out.push(`<rect x="${LABEL}" y="${by}" width="${Math.max(1, end - LABEL).toFixed(1)}" height="${BAR}" fill="${colour}"/>`)
      out.push(
        `<line x1="${x(it.ns.min).toFixed(1)}" y1="${by + BAR / 2}" x2="${x(it.ns.max).toFixed(1)}" y2="${by + BAR / 2}" class="range"/>`,
      )
      out.push(
        `<text x="${(Math.max(end, x(it.ns.max)) + 4).toFixed(1)}" y="${by + BAR - 2}" class="value">${xml(formatNs(it.ns.median))}</text>`,
      )
    })
    if (c.floor) {
      const fx = x(c.floor.ns.median).toFixed(1)
      const bottom = gy + TITLE + c.contenders.length * (BAR + GAP) - GAP
      out.push(`<line x1="${fx}" y1="${gy + TITLE - 4}" x2="${fx}" y2="${bottom + 2}" class="floor"/>`)
      out.push(`<text x="${fx}" y="${gy + TITLE - 6}" class="floorlabel">C ${xml(formatNs(c.floor.ns.median))}</text>`)
    }
  }
  return { svg: out, height: y - top + 10 }
}

/** The chart of one or more runs, as SVG text. */
export function resultsSvg(runs: RunResult[]): string {
  const body: string[] = []
  let y = 40
  const legend = LEGEND.map(([name, colour], i) => {
    const lx = 10 + i * 200
    return `<rect x="${lx}" y="12" width="12" height="12" fill="${colour}"/><text x="${lx + 17}" y="22" class="legend">${xml(name)}</text>`
  })
  const cx = 10 + LEGEND.length * 200
  legend.push(`<line x1="${cx + 6}" y1="9" x2="${cx + 6}" y2="27" class="floor"/><text x="${cx + 14}" y="22" class="legend">C floor</text>`)
  for (const run of runs) {
    const { svg, height } = panel(run, y)
    body.push(...svg)
    y += height + 10
  }
  const style = [
    'text { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; fill: #222 }',
    '.h { font-size: 15px; font-weight: 600 }',
    '.call { font-size: 12.5px; font-weight: 600 }',
    '.name { font-size: 11px; text-anchor: end }',
    '.value, .tick, .legend { font-size: 11px }',
    '.value, .floorlabel { paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round }',
    '.tick { text-anchor: middle; fill: #555 }',
    '.grid { stroke: #ddd; stroke-width: 1 }',
    '.range { stroke: #111; stroke-width: 1; opacity: 0.6 }',
    '.floor { stroke: #d62728; stroke-width: 2 }',
    '.floorlabel { font-size: 10px; fill: #d62728; text-anchor: middle }',
  ].join('\n')
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}" role="img">`,
    '<title>sysix benchmark: ns per call by contender, log scale</title>',
    `<style>\n${style}\n</style>`,
    `<rect width="${WIDTH}" height="${y}" fill="#fff"/>`,
    ...legend,
    ...body,
    '</svg>',
    '',
  ].join('\n')
}
