#!/usr/bin/env node
// `npm run test:cross:all`: build:cross then test:cross for every target in
// package.json's `napi.targets`, then the optional targets tried but not
// shipped (s390x, musl), one at a time (builds take both cores). Ends with
// a markdown table, also saved to target/cross-report.md, and one line
// `N passed, N failed` over everything.
//
//   node scripts/cross/all.mjs [triple...]   run only those targets; the
//                                            table shows the others from
//                                            their last records, marked so
//   --no-optional                            leave out s390x and musl
//   --report                                 run nothing, only the table
//
// The exit code counts the shipped targets only; optional ones are reported.

import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { sourceLabel } from './source.mjs'
import { ROOT, optionalTargets, shippedTargets } from './targets.mjs'
import { log } from './tools.mjs'

const RECORDS = join(ROOT, 'target', 'cross')

function record(triple, kind) {
  const file = join(RECORDS, `${triple}.${kind}.json`)
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null
}

function step(script, triple) {
  log(`=== ${script} ${triple}`)
  spawnSync(process.execPath, [join(ROOT, 'scripts', 'cross', script), triple], { stdio: 'inherit' })
}

const args = process.argv.slice(2)
const only = args.filter((a) => !a.startsWith('--'))
const targets = [...shippedTargets(), ...(args.includes('--no-optional') ? [] : optionalTargets())]
const reportOnly = args.includes('--report')
const toRun = reportOnly ? [] : targets.filter((t) => only.length === 0 || only.includes(t.triple))

const rows = []
for (const t of targets) {
  if (toRun.includes(t)) {
    for (const kind of ['build', 'check', 'test']) rmSync(join(RECORDS, `${t.triple}.${kind}.json`), { force: true })
    step('build.mjs', t.triple)
    const built = record(t.triple, 'build')
    if (built && !built.failed) step('test.mjs', t.triple)
  }
  const buildRecord = record(t.triple, 'build')
  rows.push({
    t,
    earlier: !reportOnly && !toRun.includes(t),
    buildRecord,
    checkRecord: record(t.triple, 'check'),
    testRecord: buildRecord && record(t.triple, 'test'),
  })
}

function buildCell({ buildRecord, checkRecord }) {
  if (!buildRecord) return 'not run'
  if (buildRecord.failed) return 'FAILED'
  const route = buildRecord.route.startsWith('cargo-zigbuild') ? `zig \`${buildRecord.route.split(' ').pop()}\`` : 'Debian gcc'
  return `${buildRecord.seconds} s, ${route}, check ${checkRecord?.ok ? 'ok' : 'FAILED'}`
}

function testCell({ testRecord }) {
  if (!testRecord) return 'not run'
  const { check, core, ava } = testRecord.parts
  const cell = (name, part) =>
    part ? `${name} ${part.passed}/${part.failed}${part.qemu?.length ? ` (+${part.qemu.length} qemu-caused)` : ''}` : null
  return [cell('ava', ava), cell('core', core), cell('check', check)].filter(Boolean).join(', ')
}

/** Every failed test of a row, as `part: title`. */
function failuresOf({ testRecord }) {
  return testRecord ? Object.entries(testRecord.parts).flatMap(([name, part]) => part.failures.map((f) => `${name}: ${f}`)) : []
}

/** The failures a row's run put down to qemu (with a confirming probe), as `title: reason`. */
function qemuCausedOf({ testRecord }) {
  return testRecord
    ? Object.values(testRecord.parts).flatMap((part) => (part.qemu ?? []).map(({ test, reason }) => `${test}: ${reason}`))
    : []
}

function notesCell(row) {
  const { t, earlier, buildRecord, checkRecord, testRecord } = row
  const notes = []
  if (t.optional) notes.push('optional (not in napi.targets)')
  if (earlier && buildRecord) notes.push(`from an earlier run (${buildRecord.at})`)
  if (buildRecord?.failed) notes.push(`build failed (${buildRecord.error}): the cargo errors are in its output`)
  if (!t.qemu) notes.push('native, no qemu')
  notes.push(...(buildRecord?.notes ?? []), ...(checkRecord?.problems ?? []))
  if (testRecord) notes.push(...testRecord.notExercised.map((n) => `not exercised: ${n}`))
  if (failuresOf(row).length) notes.push('failures listed below')
  if (qemuCausedOf(row).length) notes.push('qemu-caused failures listed below')
  return notes.join('. ').replaceAll('|', '\\|')
}

const lines = [
  `Cross build and emulated tests (${new Date().toISOString()}, Rust sources: ${sourceLabel()}). Tests are passed/failed.`,
  '',
  '| target | glibc floor | build | tests passed/failed under qemu | notes |',
  '|---|---|---|---|---|',
  ...rows.map(
    (row) =>
      `| ${row.t.triple} | ${row.checkRecord?.glibcFloor ?? (row.t.musl ? 'musl' : '?')} | ${buildCell(row)} | ${testCell(row)} | ${notesCell(row)} |`,
  ),
  '',
  ...rows
    .filter((row) => failuresOf(row).length > 0)
    .flatMap((row) => [`Failures on ${row.t.triple}:`, ...failuresOf(row).map((f) => `- ${f}`), '']),
  ...rows
    .filter((row) => qemuCausedOf(row).length > 0)
    .flatMap((row) => [
      `Failures on ${row.t.triple} caused by qemu itself (not counted; each reason confirmed by a probe that passes natively and fails emulated):`,
      ...qemuCausedOf(row).map((f) => `- ${f}`),
      '',
    ]),
]
const report = `${lines.join('\n')}\n`
writeFileSync(join(ROOT, 'target', 'cross-report.md'), report)
console.log(`\n${report}`)
log('saved to target/cross-report.md')

const counted = rows.filter((row) => !row.t.optional)
const passed = rows.reduce((n, row) => n + (row.testRecord?.passed ?? 0), 0)
const failed = rows.reduce((n, row) => n + (row.testRecord?.failed ?? 0) + (row.buildRecord?.failed ? 1 : 0), 0)
const shippedBad = counted.some(
  (row) => !row.buildRecord || row.buildRecord.failed || !row.checkRecord?.ok || !row.testRecord || row.testRecord.failed > 0,
)
console.log(`${passed} passed, ${failed} failed`)
process.exit(shippedBad ? 1 : 0)
