#!/usr/bin/env node
// `npm test`: every suite, then one line totalling them all.
//
//   cargo test   the Rust core and binding (unit tests against the kernel)
//   ava          the TypeScript tests in __test__/ against the built package
//
// Each suite's own output is shown as it runs; the last line is
// `N passed, N failed`. A suite that cannot run at all (a compile error, a
// crash) counts as one failure, so the total never hides it.

import { spawn } from 'node:child_process'

/** Runs a command, echoing its output, and resolves with its exit code and output. */
function run(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['inherit', 'pipe', 'pipe'] })
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
  {
    name: 'ava',
    command: ['npx', ['ava', '--tap']],
    count: (output) => ({
      passed: sum(output, /^# pass (\d+)$/gm),
      failed: sum(output, /^# fail (\d+)$/gm),
    }),
  },
]

let passed = 0
let failed = 0
for (const suite of suites) {
  console.log(`\n=== ${suite.name} ===`)
  const { code, output } = await run(...suite.command)
  const counts = suite.count(output)
  if (code !== 0 && counts.failed === 0) {
    console.error(`${suite.name} exited with code ${code} without a failing test: counted as one failure`)
    counts.failed = 1
  }
  passed += counts.passed
  failed += counts.failed
}

console.log(`\n${passed} passed, ${failed} failed`)
process.exitCode = failed === 0 && passed > 0 ? 0 : 1
