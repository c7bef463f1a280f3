/**
 * The benchmark's command line:
 *
 *   npm run bench -- [--quick] [--only TEXT] [--json FILE] [--node MAJOR]
 *                    [--rss] [--rss-calls N] [--write | --no-write]
 *
 *   --quick        a run under a minute: fewer rounds, shorter batches, no RSS check
 *   --only TEXT    only the cases whose id or call contains TEXT (case-insensitive)
 *   --json FILE    also write the results as JSON
 *   --node MAJOR   run the benchmark under that Node (20, 22, 24, 26), fetched
 *                  from npm into target/runtimes/ by scripts/runtimes.mjs
 *   --rss          the RSS check even in a --quick or --only run (a full run makes it)
 *   --rss-calls N  calls per function in the RSS check (default 10,000,000)
 *   --write        rewrite benchmark/RESULTS.md and results.svg whatever the run
 *   --no-write     never rewrite them (a full run does by default)
 */

import type { Settings } from './runner.mjs'

export interface Options {
  quick: boolean
  only: string | undefined
  json: string | undefined
  node: string | undefined
  rss: boolean
  rssCalls: number
  write: boolean
  settings: Settings
}

const QUICK: Settings = { rounds: 9, warmupMs: 30, batchMs: 8, items: 1000 }
const FULL: Settings = { rounds: 21, warmupMs: 250, batchMs: 25, items: 1000 }

export function parseOptions(argv: string[]): Options {
  const flags = new Set<string>()
  const values = new Map<string, string>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const [, name, inline] = /^(--[^=]+)(?:=(.*))?$/s.exec(arg) ?? [arg, arg, undefined]
    if (['--only', '--json', '--node', '--rss-calls'].includes(name)) {
      const value = inline ?? argv[++i]
      if (value === undefined) {
        throw new Error(`${name} needs a value`)
      }
      values.set(name, value)
    } else if (['--quick', '--rss', '--write', '--no-write'].includes(arg)) {
      flags.add(arg)
    } else {
      throw new Error(`unknown argument ${arg}; see benchmark/options.mts`)
    }
  }
  const quick = flags.has('--quick')
  const only = values.get('--only')
  return {
    quick,
    only,
    json: values.get('--json'),
    node: values.get('--node'),
    rss: flags.has('--rss') || (!quick && only === undefined),
    rssCalls: Number(values.get('--rss-calls') ?? 10_000_000),
    write: flags.has('--write') || (!flags.has('--no-write') && !quick && only === undefined),
    settings: quick ? QUICK : FULL,
  }
}

/** The arguments without `--node MAJOR`: what a re-run under another Node gets. */
export function withoutNode(argv: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--node') {
      i++
    } else if (!argv[i].startsWith('--node=')) {
      out.push(argv[i])
    }
  }
  return out
}

/** Whether a case is chosen by `--only`. */
export const chosen = (only: string | undefined, ...names: string[]) =>
  only === undefined || names.some((name) => name.toLowerCase().includes(only.toLowerCase()))
