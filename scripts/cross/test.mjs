#!/usr/bin/env node
// `npm run test:cross -- <rust-triple>`: tests a cross-built addon
// (dist/sysix.<platform>.node, from build:cross) on this x86_64 machine,
// under qemu-user for foreign architectures. Three parts:
//
//   check  the addon's ELF header and dynamic symbols (check.mjs);
//   core   `cargo test -p sysix-core` for the target, the test binaries run
//          by qemu (real syscalls, through qemu's translation);
//   ava    the package's own test suite, run by that architecture's
//          official Node (from npm) under qemu, against dist/; for riscv64,
//          which npm has no Node for, Debian 13's (debian.mjs). Not for
//          mips64el (Debian's newest is Node 18) or musl (no Node at all).
//
// How the suite runs under emulation: the tests spawn `process.execPath`
// (ava's workers, the tests' own children), so qemu is registered with
// binfmt_misc and every foreign child runs emulated too; QEMU_LD_PREFIX
// points qemu at Debian's cross libc (/usr/<gnu-triple>). The TypeScript
// loader the suite normally uses (@oxc-node/core) has no foreign builds, so
// the tests are compiled to JavaScript with the host tsc, into
// target/cross-test/ inside the package (they import the package by its own
// name and find its root by walking up), and ava runs them with a config
// file of its own. x86_64 runs the same compiled suite natively, as the
// baseline that tells emulation artifacts from harness ones.
//
// Ends with one line `N passed, N failed`. The record for all.mjs goes to
// target/cross/<triple>.test.json, the full outputs beside it
// (<triple>.tap, <triple>.core.log).

import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'

import { check } from './check.mjs'
import { debianNode } from './debian.mjs'
import { cargoTestSetup } from './cargo.mjs'
import { packageRoot, sourceLabel } from './source.mjs'
import { ROOT, target, targetFromArgv } from './targets.mjs'
import { aptInstall, aptInstallBackports, capture, installedVersion, log, run, runTee, seconds } from './tools.mjs'

/** Where the TAP and cargo logs go, with the records all.mjs reads. */
const LOGS = join(ROOT, 'target', 'cross')
const NODE_DIR = join(ROOT, 'target', 'cross-node')
const BINFMT = '/proc/sys/fs/binfmt_misc'

/** How long one emulated run may take before `timeout` ends it. */
const AVA_TIMEOUT_S = 90 * 60
const CORE_TEST_TIMEOUT_S = 15 * 60

/** The qemu Debian 12's backports carry: the first here with openat2 (7.2 has not). */
const QEMU_MINIMUM = '1:10.0'

/**
 * Installs qemu and the target's runtime libraries, registers qemu with
 * binfmt_misc, and returns the environment emulated programs need.
 */
function setupQemu(t) {
  // Debian 12's own qemu (7.2) lacks system calls sysix makes: openat2,
  // preadv2/pwritev2 and fchmodat2 are ENOSYS there. Its backports carry
  // qemu 10.0, which has openat2; preadv2/pwritev2 and fchmodat2 it still
  // lacks (sysix falls back where it can; QEMU_LIMITS lists the rest).
  aptInstallBackports(['qemu-user-static'], QEMU_MINIMUM)
  aptInstall([`libc6-${t.debArch}-cross`, `libstdc++6-${t.debArch}-cross`, ...t.runtimeLibs])
  if (!existsSync(join(BINFMT, 'register'))) {
    run('mount', ['-t', 'binfmt_misc', 'binfmt_misc', BINFMT])
  }
  const entry = join(BINFMT, `qemu-${t.qemu}`)
  const conf = `/usr/lib/binfmt.d/qemu-${t.qemu}.conf`
  if (existsSync(entry)) {
    const interpreter = readFileSync(entry, 'utf8').match(/^interpreter (.*)$/m)?.[1]
    if (interpreter === undefined || !existsSync(interpreter)) {
      log(`binfmt entry ${entry} points at a missing ${interpreter}: replacing it`)
      writeFileSync(entry, '-1')
    } else if (!readFileSync(entry, 'utf8').startsWith('enabled')) {
      log(`enabling binfmt entry ${entry}`)
      writeFileSync(entry, '1')
    }
  }
  // With flag F the kernel keeps the qemu it opened at registration: after
  // an upgrade, emulated programs still run the old one until the entry is
  // registered again. qemu prints its version when QEMU_VERSION is set, so
  // running any target program (the cross libc runs as a program) says
  // which qemu binfmt_misc really uses.
  const wanted = capture(`qemu-${t.qemu}`, ['--version']).split('\n')[0]
  const used = () => capture(join(t.sysroot, 'lib', 'libc.so.6'), [], { env: { QEMU_VERSION: '1' }, allowFail: true }).split('\n')[0]
  if (existsSync(entry) && used() !== wanted) {
    log(`binfmt_misc runs "${used()}", not the installed "${wanted}": registering it again`)
    writeFileSync(entry, '-1')
  }
  if (!existsSync(entry)) {
    log(`registering ${conf} with binfmt_misc`)
    writeFileSync(join(BINFMT, 'register'), readFileSync(conf, 'utf8').trim())
  }
  if (used() !== wanted) throw new Error(`binfmt_misc runs "${used()}" for ${t.qemu}, not the installed "${wanted}"`)
  const status = readFileSync(entry, 'utf8').split('\n')
  log(`binfmt qemu-${t.qemu} (${wanted}): ${status.filter((l) => /^(enabled|interpreter|flags)/.test(l)).join(', ')}`)
  // qemu's -L prefix shadows every absolute path that exists under it, "/"
  // included: a file an emulated program once created there (a rename onto
  // "/tmp" lands in <sysroot>/tmp) then hides the real /tmp. Debian's cross
  // packages put only directories at the top; remove stray files.
  for (const entry of readdirSync(t.sysroot, { withFileTypes: true })) {
    if (entry.isFile()) {
      log(`removing ${join(t.sysroot, entry.name)}: a stray file that would shadow /${entry.name} under qemu`)
      rmSync(join(t.sysroot, entry.name))
    }
  }
  const env = { QEMU_LD_PREFIX: t.sysroot }
  // With the multiarch libc6:<arch> installed, qemu finds the cross ld.so
  // under the prefix but that libc under /lib/<gnu>, a mismatched pair
  // (Node hangs or crashes). These scripts never install it; if something
  // else did, pin the library path to the cross libc.
  if (installedVersion(`libc6:${t.debArch}`) !== null) {
    log(`libc6:${t.debArch} is installed: pinning the emulated library path to ${t.sysroot}/lib`)
    env.QEMU_SET_ENV = `LD_LIBRARY_PATH=${t.sysroot}/lib`
  }
  return env
}

/**
 * The target's Node and the environment it runs in: the official binary
 * from npm (`npm pack`), unpacked under target/cross-node/ and run with
 * `env`; or Debian's, with the sysroot it was unpacked into as qemu's prefix.
 */
function foreignNode(t, env) {
  if (t.node.debian) {
    const { node, sysroot } = debianNode(t)
    return { node, env: { ...env, QEMU_LD_PREFIX: sysroot } }
  }
  return { node: npmNode(t), env }
}

/** The target's official Node binary, from npm (`npm pack`), unpacked under target/cross-node/. */
function npmNode(t) {
  const { name, version } = t.node
  const dir = join(NODE_DIR, `${name}-${version}`)
  const node = join(dir, 'package', 'bin', 'node')
  if (!existsSync(node)) {
    mkdirSync(dir, { recursive: true })
    run('npm', ['pack', `${name}@${version}`, '--pack-destination', dir], { cwd: dir })
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))
    run('tar', ['-xzf', join(dir, tarball), '-C', dir])
    rmSync(join(dir, tarball))
  }
  return node
}

/**
 * Suites about this x86_64 machine rather than the target: the packed
 * x86_64 platform package, and the x86_64 Bun and Deno from npm. They run
 * in npm test, natively.
 */
const HOST_ONLY = ['pack.spec.mjs', 'runtimes.spec.mjs']

/**
 * Compiles the test suite to JavaScript with the host tsc, into
 * target/cross-test/__test__ of the package under test, and writes the ava
 * config that runs it; returns a note if tsc reported type errors.
 */
function compileTests() {
  const pkg = packageRoot()
  const testDir = join(pkg, 'target', 'cross-test')
  const out = join(testDir, '__test__')
  rmSync(out, { recursive: true, force: true })
  mkdirSync(testDir, { recursive: true })
  // The tests import '../dist/...' relative to themselves: from
  // target/cross-test/__test__ that must reach the package's dist/ too.
  if (!existsSync(join(testDir, 'dist'))) symlinkSync(join('..', '..', 'dist'), join(testDir, 'dist'))
  const tsconfig = {
    extends: '../../tsconfig.json',
    compilerOptions: {
      rootDir: '../../__test__',
      outDir: '__test__',
      noEmit: false,
      declaration: false,
      sourceMap: false,
      incremental: false,
    },
    include: ['../../__test__/*.mts'],
  }
  writeFileSync(join(testDir, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`)
  // tsc emits even with type errors; they are reported, not fatal (the
  // suite itself then shows what breaks).
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
  const status = run(process.execPath, [tsc, '-p', join(testDir, 'tsconfig.json')], { allowFail: true })
  const specs = readdirSync(out).filter((f) => f.endsWith('.spec.mjs'))
  log(`compiled ${specs.length} test files into ${out}${status === 0 ? '' : ' (tsc reported type errors, see above)'}`)
  if (specs.length === 0) throw new Error('no test files compiled')
  const config = `// Written by scripts/cross/test.mjs: the compiled suite, run by a Node
// without the TypeScript loader (package.json's ava config uses it).
export default {
  files: ['${relative(pkg, out)}/*.spec.mjs', ${HOST_ONLY.map((spec) => `'!${relative(pkg, out)}/${spec}'`).join(', ')}],
  nodeArguments: ['--expose-gc'],
  workerThreads: false,
  timeout: '10m',
}
`
  writeFileSync(join(testDir, 'ava.config.mjs'), config)
  return status === 0 ? null : 'tsc reported type errors in the tests'
}

/**
 * What qemu-user itself cannot do, that tests meet. A failing test is put
 * down to qemu, and not counted as failed, only when its title matches an
 * entry here and the entry's probe shows the limit on this machine: the
 * probe (a CommonJS program given `fs`, sysix/fs as `sysfs` and its path as
 * `fsModule`, and a scratch directory `dir`) succeeds run natively by this
 * Node and fails run by the emulated one. Each such failure is listed with
 * its reason. No test is changed.
 */
const QEMU_LIMITS = [
  {
    reason:
      "qemu 10.0's linux-user has no preadv2/pwritev2 ('Unknown syscall'): RWF_* flags cannot reach the kernel (sysix falls back to preadv/pwritev only when there are no flags)",
    tests: [
      /^fs\.io › pwritev2 with RWF_APPEND/,
      /^fs\.io › preadv2 with RWF_NOWAIT/,
      /^fs\.io › an RWF_\* bit the kernel does not know/,
      // Its example reads with RWF_NOWAIT.
      /^readme › README example: sysix\/fs: reads and writes into your own buffers$/,
    ],
    probe: `const fd = sysfs.openSync(dir + '/f', sysfs.constants.O_RDWR | sysfs.constants.O_CREAT, 0o600)
            sysfs.pwritev2Sync(fd, [Buffer.from('x')], 0, { flags: sysfs.constants.RWF_DSYNC })`,
  },
  {
    reason:
      "qemu passes the host's /proc/self/fdinfo through untranslated: its flags are x86_64's O_* bits (O_DIRECT, O_LARGEFILE differ), not the target's",
    tests: [/^fs\.open › O_DIRECT and O_SYNC reach the open file/, /^fs\.open › constants\.O_LARGEFILE is the bit the kernel sets/],
    probe: `const fd = sysfs.openSync(dir, sysfs.constants.O_RDONLY)
            const flags = parseInt(fs.readFileSync('/proc/self/fdinfo/' + fd.fd, 'utf8').match(/^flags:\\s*(\\d+)/m)[1], 8)
            if ((flags & sysfs.constants.O_LARGEFILE) === 0) throw new Error('fdinfo flags ' + flags.toString(8) + ' lack O_LARGEFILE')`,
  },
  {
    reason:
      "qemu 10.0's linux-user has no fchmodat2 (Linux 6.6): without /proc, Root#chmod has no other way to a file it resolved, and says so",
    tests: [/^fs\.root › without \/proc mounted/],
    probe: `fs.writeFileSync(dir + '/f', '')
            const child = 'const { Root } = require(' + JSON.stringify(fsModule) + '); Root.openSync(' + JSON.stringify(dir) + ").chmodSync('f', 0o600)"
            require('node:child_process').execFileSync('unshare', ['-m', 'sh', '-c', 'umount -R /proc && exec "$0" -e "$1"', process.execPath, child], { stdio: 'ignore' })`,
  },
  {
    reason: "qemu's statx copies only the fields it knows: stx_mnt_id arrives as 0",
    tests: [/^fs\.stat › the mount id is the one \/proc\/self\/mountinfo/],
    probe: `const id = sysfs.statxSync('/').mntId
            if (!id) throw new Error('mount id ' + id)`,
  },
]

/** Whether `probe` succeeds with `node` (and `env`): exit 0 within a minute. */
function probeSucceeds(node, env, probe) {
  const dir = mkdtempSync(join(tmpdir(), 'sysix-qemu-probe-'))
  try {
    const fsModule = join(packageRoot(), 'dist', 'lib', 'fs', 'index.js')
    const program = `const fs = require('node:fs'); const fsModule = ${JSON.stringify(fsModule)}; const sysfs = require(fsModule); const dir = ${JSON.stringify(dir)}\n${probe}`
    return spawnSync(node, ['-e', program], { env: { ...process.env, ...env }, stdio: 'ignore', timeout: 60_000 }).status === 0
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * The environment that lets this machine's Node load the package under
 * test: none when its dist/ holds a host build; for a snapshot
 * (SYSIX_CROSS_REF), whose dist/ holds only the cross build, the working
 * tree's host build through SYSIX_NATIVE_PATH.
 */
function hostBinding() {
  const addon = `sysix.${target('x86_64-unknown-linux-gnu').platform}.node`
  if (existsSync(join(packageRoot(), 'dist', addon)) || !existsSync(join(ROOT, 'dist', addon))) return {}
  return { SYSIX_NATIVE_PATH: join(ROOT, 'dist', addon) }
}

/**
 * Moves the failures that QEMU_LIMITS explains, with a confirming probe,
 * from `result.failures` to `result.qemu` (title and reason).
 */
function explainQemuFailures(result, node, env) {
  result.qemu = []
  const confirmed = new Map()
  for (const title of [...result.failures]) {
    const limit = QEMU_LIMITS.find((entry) => entry.tests.some((re) => re.test(title)))
    if (limit === undefined) continue
    if (!confirmed.has(limit)) {
      const native = probeSucceeds(process.execPath, hostBinding(), limit.probe)
      const emulated = probeSucceeds(node, env, limit.probe)
      confirmed.set(limit, native && !emulated)
      const why = !native
        ? ': its probe fails natively too (or cannot load the host build in dist/)'
        : emulated
          ? ': its probe passes emulated'
          : ''
      log(`qemu limit ${native && !emulated ? 'confirmed' : `NOT confirmed${why}, so its failures count`}: ${limit.reason}`)
    }
    if (!confirmed.get(limit)) continue
    result.failures.splice(result.failures.indexOf(title), 1)
    result.failed -= 1
    result.qemu.push({ test: title, reason: limit.reason })
  }
}

/** Counts from ava's TAP output. */
function parseTap(output) {
  const count = (name) => Number(output.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? 0)
  const failures = [...output.matchAll(/^not ok \d+ - (.*?)(?: # .*)?$/gm)].map((m) => m[1])
  const summary = /^# tests \d+$/m.test(output)
  // Without ava's summary (a crash), the results it printed are the counts.
  const passedLines = output.match(/^ok \d+ - /gm)?.length ?? 0
  return {
    passed: summary ? count('pass') : passedLines,
    failed: summary ? count('fail') : failures.length,
    skipped: count('skip') + count('todo'),
    failures,
    summary,
  }
}

/** Runs the compiled ava suite with `node`; returns its counts. */
async function runAva(t, node, baseEnv) {
  const note = compileTests()
  const env = { ...baseEnv }
  const notes = note ? [note] : []
  // The loader only looks for the platforms the package ships (its
  // optionalDependencies); a target tried but not shipped is loaded the way
  // the loader offers for custom builds.
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8'))
  if (!Object.keys(pkg.optionalDependencies ?? {}).includes(`sysix-${t.platform}`)) {
    env.SYSIX_NATIVE_PATH = join(packageRoot(), 'dist', `sysix.${t.platform}.node`)
    notes.push(`${t.platform} is not shipped: loaded through SYSIX_NATIVE_PATH`)
  }
  const version = capture('timeout', ['120', node, '--version'], { env }).trim()
  log(`running the test suite with ${relative(ROOT, node) || node} (${version}, ${t.qemu ? `qemu-${t.qemu} via binfmt_misc` : 'native'})`)
  const start = performance.now()
  const ava = join(ROOT, 'node_modules', 'ava', 'entrypoints', 'cli.mjs')
  const config = join(packageRoot(), 'target', 'cross-test', 'ava.config.mjs')
  const { code, output } = await runTee('timeout', [String(AVA_TIMEOUT_S), node, ava, '--config', config, '--tap'], {
    cwd: packageRoot(),
    env,
    logFile: join(LOGS, `${t.triple}.tap`),
  })
  const result = { ...parseTap(output), seconds: seconds(start), node: version, notes }
  if (!result.summary || (code !== 0 && result.failed === 0)) {
    // A crash or a timeout (exit 124) is a failure, never a silent pass.
    result.failed += 1
    result.failures.push(`ava exited ${code}${code === 124 ? ' (timed out)' : ''} without a clean summary`)
  }
  if (t.qemu) explainQemuFailures(result, node, env)
  return result
}

/** `cargo test -p sysix-core` for the target, run under qemu; returns its counts. */
async function runCore(t) {
  const { env, args } = cargoTestSetup(t, `timeout ${CORE_TEST_TIMEOUT_S}`)
  const start = performance.now()
  const cargoArgs = ['test', '-p', 'sysix-core', '--tests', '--target', t.triple, '--color', 'never', ...args]
  const { code, output } = await runTee('cargo', cargoArgs, { cwd: packageRoot(), env, logFile: join(LOGS, `${t.triple}.core.log`) })
  const sum = (re) => [...output.matchAll(re)].reduce((n, m) => n + Number(m[1]), 0)
  const result = {
    passed: sum(/^test result: \w+\. (\d+) passed/gm),
    failed: sum(/^test result: \w+\. \d+ passed; (\d+) failed/gm),
    skipped: sum(/^test result: .*; (\d+) ignored/gm),
    failures: [...output.matchAll(/^test (\S+) \.\.\. FAILED$/gm)].map((m) => m[1]),
    seconds: seconds(start),
  }
  if (code !== 0 && result.failed === 0) {
    result.failed += 1
    result.failures.push(`cargo test exited ${code} without failing a test (build error or crash)`)
  }
  return result
}

async function main() {
  const t = targetFromArgv('test.mjs')
  mkdirSync(LOGS, { recursive: true })
  log(`testing ${t.triple} (${t.platform}); Rust sources: ${sourceLabel()}`)
  const env = t.qemu ? setupQemu(t) : {}
  const parts = {}

  const checked = check(t)
  parts.check = { passed: checked.ok ? 1 : 0, failed: checked.ok ? 0 : 1, skipped: 0, failures: checked.problems ?? [] }

  parts.core = await runCore(t)

  const runner = t.node ? foreignNode(t, env) : t.qemu === null && !t.musl ? { node: process.execPath, env } : null
  if (runner !== null && checked.problems?.[0] !== 'not built') {
    parts.ava = await runAva(t, runner.node, runner.env)
  }

  const where = t.qemu ? `under qemu-${t.qemu}` : 'natively'
  const exercised = ['the addon ELF header and dynamic symbol table (check.mjs)', `sysix-core's Rust tests ${where}`]
  if (parts.ava) exercised.push(`the package's ava suite (napi binding and TypeScript layer), by Node ${parts.ava.node} ${where}`)
  const why = t.musl
    ? 'npm and Debian have no musl Node'
    : `npm has no Node binary for ${t.platform}, and Debian none that sysix supports (mips64el's newest is Node 18)`
  const notExercised = parts.ava ? [] : [`the napi binding and the TypeScript layer (${why}: the .node was never loaded)`]
  console.log(`\n${t.triple}:`)
  console.log(`  exercised: ${exercised.join('; ')}`)
  if (notExercised.length) console.log(`  NOT exercised: ${notExercised.join('; ')}`)
  for (const [name, part] of Object.entries(parts)) {
    const skipped = part.skipped ? `, ${part.skipped} skipped` : ''
    const time = part.seconds ? ` in ${part.seconds} s` : ''
    console.log(`  ${name}: ${part.passed} passed, ${part.failed} failed${skipped}${time}`)
    for (const note of part.notes ?? []) console.log(`    note: ${note}`)
    for (const failure of part.failures) console.log(`    FAILED ${failure}`)
    for (const { test, reason } of part.qemu ?? []) console.log(`    qemu-caused, not counted: ${test}\n      because ${reason}`)
  }
  const qemuCaused = Object.values(parts).reduce((n, part) => n + (part.qemu?.length ?? 0), 0)
  if (qemuCaused) console.log(`  ${qemuCaused} failed because of qemu itself (each listed above with the reason its probe confirmed)`)
  const total = (key) => Object.values(parts).reduce((n, part) => n + part[key], 0)
  const record = {
    triple: t.triple,
    source: sourceLabel(),
    parts,
    exercised,
    notExercised,
    passed: total('passed'),
    failed: total('failed'),
    at: new Date().toISOString(),
  }
  writeFileSync(join(LOGS, `${t.triple}.test.json`), `${JSON.stringify(record, null, 2)}\n`)
  console.log(`${record.passed} passed, ${record.failed} failed`)
  process.exit(record.failed === 0 ? 0 : 1)
}

await main()
