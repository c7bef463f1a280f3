// sysix on the other runtimes, in `npm test`: the smoke suite (which calls
// every export) on Bun and Deno, and proof that a run in a checkout loads
// the compiled JavaScript that the package ships, not the TypeScript
// sources beside it. `npm run test:runtimes` runs the full matrix.

import { spawnSync } from 'node:child_process'
import { appendFileSync, cpSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

import test, { type ExecutionContext } from 'ava'

import { ROOT, tempDir } from './helpers.mjs'

/** A runtime of scripts/runtimes.mjs, which fetches them and knows how each runs the smoke suite. */
interface Runtime {
  name: string
  label: string
  kind: 'node' | 'bun' | 'deno'
}

const { RUNTIMES, runtimeBinary, smokeCommand } = (await import(pathToFileURL(join(ROOT, 'scripts', 'runtimes.mjs')).href)) as {
  RUNTIMES: Runtime[]
  runtimeBinary: (runtime: Runtime) => { path: string; version: string }
  smokeCommand: (runtime: Runtime, path: string, root?: string) => [string, string[]]
}

function runtime(name: string): Runtime {
  const found = RUNTIMES.find((r) => r.name === name)
  if (found === undefined) {
    throw new Error(`no runtime ${name}`)
  }
  return found
}

/** Runs the smoke suite on a runtime against the package at `root`; its summary counts and output. */
function smoke(t: ExecutionContext, which: Runtime, root = ROOT) {
  const { path, version } = runtimeBinary(which)
  const [command, args] = smokeCommand(which, path, root)
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', timeout: 120_000 })
  const output = `${result.stdout}${result.stderr}`
  const summary = /^# smoke: (\d+) passed, (\d+) failed$/m.exec(result.stdout)
  t.log(`${which.label} ${version}: ${summary?.[0] ?? 'no summary'}`)
  return { status: result.status, passed: Number(summary?.[1] ?? 0), failed: Number(summary?.[2] ?? -1), output }
}

for (const name of ['bun', 'deno']) {
  test(`the smoke suite passes on ${runtime(name).label}: every export called`, (t) => {
    const result = smoke(t, runtime(name))
    const failures = result.output
      .split('\n')
      .filter((line) => line.startsWith('not ok') || line.startsWith('  #'))
      .join('\n')
    t.is(result.failed, 0, failures || result.output.slice(-2000))
    t.true(result.passed > 50, 'the suite ran')
    t.is(result.status, 0)
  })
}

test('Bun in a checkout runs the compiled JavaScript: a broken source does not matter, a broken build does', (t) => {
  // A copy of the checkout as a contributor has it after `npm run build`:
  // the manifest, the TypeScript sources and the build output.
  const copy = join(tempDir(t), 'sysix')
  mkdirSync(copy)
  for (const entry of ['package.json', 'index.ts', 'lib', 'dist']) {
    cpSync(join(ROOT, entry), join(copy, entry), { recursive: true })
  }
  const bun = runtime('bun')
  const breakage = "\nthrow new Error('this file must not be loaded')\n"

  appendFileSync(join(copy, 'lib', 'cpu.ts'), breakage)
  appendFileSync(join(copy, 'index.ts'), breakage)
  const sourcesBroken = smoke(t, bun, copy)
  t.is(sourcesBroken.failed, 0, sourcesBroken.output.slice(-2000))
  t.is(sourcesBroken.status, 0)

  appendFileSync(join(copy, 'dist', 'lib', 'cpu.js'), breakage)
  const buildBroken = smoke(t, bun, copy)
  t.not(buildBroken.status, 0, 'a broken build fails')
  t.regex(buildBroken.output, /this file must not be loaded/)
})
