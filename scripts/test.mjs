#!/usr/bin/env node
// `npm test`: every suite, then one line totalling them all.
//
//   cargo test   the Rust core and binding (unit tests against the kernel)
//   ava          the TypeScript tests in __test__/ against the built package
//   msrv         with SYSIX_MSRV_RUSTC set (CI sets it to Debian's Rust
//                1.85, the cross-compilers' version): the workspace builds
//                and its tests pass with that compiler too; one test
//   cross        with SYSIX_CROSS_TEST=<rust triple> set (CI sets it to
//                aarch64-unknown-linux-gnu): build:cross, then test:cross,
//                the whole suite under qemu on that architecture's Node; a
//                build that fails counts as one failure
//
// Each suite's own output is shown as it runs; the last line is
// `N passed, N failed`. A suite that cannot run at all (a compile error, a
// crash) counts as one failure, so the total never hides it.

import { spawn } from 'node:child_process'

/** Runs a command, echoing its output, and resolves with its exit code and output. */
function run(command, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['inherit', 'pipe', 'pipe'], env: { ...process.env, ...env } })
    let output = ''
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk)
      output += chunk
    })
    child.stderr.on('data', (chunk) => {
      process.stderr.write(chunk)
      output += chunk
    })
    child.on('error', (error) => resolve({ code: 127, output: String(error) }))
    child.on('close', (code, signal) => resolve({ code: code ?? 128, signal, output }))
  })
}

function sum(output, pattern) {
  return [...output.matchAll(pattern)].reduce((total, match) => total + Number(match[1]), 0)
}

const suites = [
  {
    name: 'cargo test',
    command: ['cargo', ['test', '--workspace', '--color', 'never']],
    count: (output) => ({
      passed: sum(output, /^test result: \w+\. (\d+) passed/gm),
      failed: sum(output, /^test result: \w+\. \d+ passed; (\d+) failed/gm),
    }),
  },
  process.env.SYSIX_MSRV_RUSTC && {
    name: `msrv (${process.env.SYSIX_MSRV_RUSTC})`,
    command: ['cargo', ['test', '--workspace', '--lib', '--color', 'never', '--target-dir', 'target/msrv']],
    env: { RUSTC: process.env.SYSIX_MSRV_RUSTC },
    count: (_output, code) => ({ passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1 }),
  },
  {
    name: 'ava',
    command: ['npx', ['ava', '--tap']],
    count: (output) => ({
      passed: sum(output, /^# pass (\d+)$/gm),
      failed: sum(output, /^# fail (\d+)$/gm),
    }),
  },
  process.env.SYSIX_CROSS_TEST && {
    name: `cross (${process.env.SYSIX_CROSS_TEST}, under qemu)`,
    command: ['sh', ['-c', 'node scripts/cross/build.mjs "$0" && node scripts/cross/test.mjs "$0"', process.env.SYSIX_CROSS_TEST]],
    // test.mjs ends with its own total of the check, the Rust core's tests and ava.
    count: (output) => {
      const total = [...output.matchAll(/^(\d+) passed, (\d+) failed$/gm)].at(-1)
      return { passed: Number(total?.[1] ?? 0), failed: Number(total?.[2] ?? 0) }
    },
  },
]

let passed = 0
let failed = 0
for (const suite of suites.filter(Boolean)) {
  console.log(`\n=== ${suite.name} ===`)
  const { code, output } = await run(...suite.command, suite.env)
  const counts = suite.count(output, code)
  if (code !== 0 && counts.failed === 0) {
    console.error(`${suite.name} exited with code ${code} without a failing test: counted as one failure`)
    counts.failed = 1
  }
  passed += counts.passed
  failed += counts.failed
}

console.log(`\n${passed} passed, ${failed} failed`)
process.exitCode = failed === 0 && passed > 0 ? 0 : 1
