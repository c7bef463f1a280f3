/**
 * `npm run bench`: every public hot call of sysix beside its alternatives
 * (Node core, koffi calling libc, an existing addon, the C loop making the
 * same system calls), in one process, interleaved (runner.mts); then the
 * memory checks; prints the report (report.mts) and, on a full run, rewrites
 * benchmark/RESULTS.md and benchmark/results.svg. Flags: options.mts.
 * `npm run bench:runtimes` runs it on every Node major (runtimes.mts).
 */

import { writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'

import { CFloor } from './baseline.mjs'
import { type Case, heapCalls, makeCases, rssCalls } from './cases.mjs'
import { makeFixture } from './fixture.mjs'
import { fsExt } from './fs-ext.mjs'
import { koffiCalls } from './koffi.mjs'
import { heapPerCall, rssAfter } from './memory.mjs'
import { chosen, parseOptions, withoutNode } from './options.mjs'
import { resultsMarkdown, runMarkdown } from './report.mjs'
import { type CaseResult, environment, machineBusySeconds, type RunResult } from './results.mjs'
import { measure, type Settings } from './runner.mjs'
import { benchUnder, nodeBinary } from './runtimes.mjs'
import { resultsSvg } from './svg.mjs'

const RESULTS = fileURLToPath(new URL('RESULTS.md', import.meta.url))
const SVG = fileURLToPath(new URL('results.svg', import.meta.url))

const log = (line: string) => process.stderr.write(`${line}\n`)

async function measureCase(c: Case, settings: Settings, floor: CFloor | undefined): Promise<CaseResult> {
  const started = performance.now()
  await c.verify?.()
  const contenders = c.c && floor ? [...c.contenders, floor.contender(c.c)] : c.contenders
  const measured = await measure(c.mode, contenders, settings)
  log(`  ${c.call}: ${((performance.now() - started) / 1000).toFixed(1)} s`)
  const results = contenders.map(({ id, name, kind }, i) => ({ id, name, kind, ns: measured[i].ns, iterations: measured[i].iterations }))
  return {
    id: c.id,
    call: c.call,
    group: c.group,
    mode: c.mode,
    items: c.items,
    contenders: results.filter((r) => r.kind !== 'c'),
    floor: results.find((r) => r.kind === 'c'),
  }
}

/**
 * How busy the rest of the machine was while this run measured: the CPU
 * time the machine spent busy, less this process's and the C floor's.
 */
function othersNote(busy: { machine: number; ours: NodeJS.CpuUsage; since: number }, floorCpu: number): string {
  const { user, system } = process.cpuUsage(busy.ours)
  const others = Math.max(0, machineBusySeconds() - busy.machine - (user + system) / 1e6 - floorCpu)
  const seconds = (performance.now() - busy.since) / 1000
  const share = (100 * others) / (seconds * availableParallelism())
  return `other processes used ${others.toFixed(1)} CPU-s over the ${seconds.toFixed(1)} s of measurement (${share.toFixed(0)}% of the machine)${share > 5 ? ': expect noise' : ''}`
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const options = parseOptions(args)
  if (options.node !== undefined) {
    const { path, version } = await nodeBinary(options.node)
    log(`running the benchmark on Node ${version} (${path})`)
    process.exitCode = benchUnder(path, withoutNode(args))
    return
  }
  const started = performance.now()
  const notes: string[] = []
  const env = environment(options.quick, options.only, options.settings, notes)
  if (env.load[0] > 0.5) notes.push(`the machine was not idle (load average ${env.load[0]} at the start): expect noise`)
  const fixture = await makeFixture()
  try {
    const ffi = koffiCalls()
    if (ffi === undefined) notes.push('koffi is not available here (x86_64 Linux only): its rows are left out')
    const ext = fsExt()
    if (ext === undefined) notes.push('fs-ext could not be built here (node-gyp and the Node headers): its flock row is left out')
    const cases = makeCases(fixture, ffi, ext, options.settings.items, notes).filter((c) => chosen(options.only, c.id, c.call))
    log(`${cases.length} cases, ${options.settings.rounds} rounds each${options.quick ? ' (quick)' : ''}`)
    const floor = cases.some((c) => c.c) ? CFloor.start(fixture, notes) : undefined
    const busy = { machine: machineBusySeconds(), ours: process.cpuUsage(), since: performance.now() }
    const results: CaseResult[] = []
    let floorCpu = 0
    try {
      for (const c of cases) results.push(await measureCase(c, options.settings, floor))
    } finally {
      floorCpu = floor?.cpuSeconds() ?? 0
      floor?.close()
    }
    const heap = heapCalls(fixture)
      .filter((call) => chosen(options.only, call.id, call.call))
      .map((call) => heapPerCall(call, options.quick ? 50_000 : 100_000))
    const rss = options.rss
      ? rssCalls(fixture)
          .filter((call) => chosen(options.only, call.id, call.call))
          .map((call) => {
            log(`  RSS: ${options.rssCalls.toLocaleString('en-US')} × ${call.call}`)
            return rssAfter(call, options.rssCalls)
          })
      : []
    notes.push(othersNote(busy, floorCpu))
    const run: RunResult = { environment: env, cases: results, heap, rss }
    console.log(`\n${runMarkdown(run)}\n`)
    if (options.json !== undefined) {
      writeFileSync(options.json, `${JSON.stringify(run, null, 2)}\n`)
      log(`results written to ${options.json}`)
    }
    if (options.write) {
      writeFileSync(RESULTS, resultsMarkdown([run], 'npm run bench'))
      writeFileSync(SVG, resultsSvg([run]))
      log('benchmark/RESULTS.md and benchmark/results.svg rewritten')
    }
    log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  } finally {
    await fixture.close()
  }
}

await main()
