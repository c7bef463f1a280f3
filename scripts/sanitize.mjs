#!/usr/bin/env node
// `npm run test:asan`: sysix's own code under AddressSanitizer.
//
//   1. the Rust core's tests (the descriptor table, waits and their
//      interruption, every system call wrapper), built with
//      -Zsanitizer=address, which links the sanitizer into the test binary;
//   2. the addon built the same way, loaded by an ordinary Node with LLVM's
//      ASan runtime preloaded (Node itself is not instrumented; the addon's
//      every access is), running the smoke suite (every export) and the ava
//      files that stress the call path: JavaScript memory transferred and
//      collected under Promise calls, descriptors closed and reused by
//      getters, leases, waits, workers, and the bad-input fuzz.
//
// Sanitizers are unstable in Rust: this uses Debian's rustc-web 1.85 (the
// cross-compiler, which .ci/run installs) with RUSTC_BOOTSTRAP=1, and the
// ASan runtime of Debian's libclang-rt-19-dev, LLVM 19 as that rustc is.
// It installs both if they are missing. Leak checking is off: Node
// allocates for good at exit. Miri cannot run here (it ships only with
// rustup's nightly toolchains, which this machine cannot download, and no
// registry packages it); see CONTRIBUTING.md.

import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'

const ROOT = new URL('..', import.meta.url).pathname
const RUSTC = process.env.SYSIX_MSRV_RUSTC ?? '/usr/bin/rustc'
const MSRV = '1.85.0+dfsg3-1~deb12u3'
const RUNTIME_DIR = '/usr/lib/llvm-19/lib/clang/19/lib/linux'
const RUNTIME = `${RUNTIME_DIR}/libclang_rt.asan-x86_64.so`
const TARGET = 'x86_64-unknown-linux-gnu'
const TARGET_DIR = join(ROOT, 'target', 'asan')
const ADDON = join(TARGET_DIR, 'sysix.asan.node')

/** The ava files that stress what the sanitizer watches. */
const AVA_FILES = [
  'memory',
  'call',
  'fd.table',
  'fd.async',
  'fd.threads',
  'fd',
  'fs.io',
  'fs.inotify',
  'fs.lock',
  'fs.xattr',
  'fs.root',
  'bad-input',
].map((name) => `__test__/${name}.spec.mts`)

function run(command, args, env = {}) {
  console.log(`\n$ ${command} ${args.join(' ')}`)
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } })
  return result.status ?? 1
}

function install() {
  const missing = []
  if (!existsSync(RUSTC)) {
    missing.push(`rustc-web=${MSRV}`, `libstd-rust-web-dev=${MSRV}`, `libstd-rust-web-1.85=${MSRV}`)
  }
  if (!existsSync(RUNTIME)) {
    missing.push('libclang-rt-19-dev')
  }
  if (missing.length > 0) {
    run('apt-get', ['update', '-qq'])
    if (run('apt-get', ['install', '-y', '-qq', ...missing], { DEBIAN_FRONTEND: 'noninteractive' }) !== 0) {
      throw new Error(`cannot install ${missing.join(' ')}`)
    }
  }
}

/** ASan's options: stop at the first error, with the report; Node's own allocations live until exit. */
const ASAN_OPTIONS = 'detect_leaks=0:halt_on_error=1:abort_on_error=1'

install()
const sanitized = { RUSTC, RUSTC_BOOTSTRAP: '1', RUSTFLAGS: '-Zsanitizer=address', CARGO_TARGET_DIR: TARGET_DIR }
const failures = []
// Debian's rustc ships no ASan runtime of its own to link test binaries
// with: they link LLVM's (-Zexternal-clangrt), which runs first, preloaded.
const coreTests = {
  ...sanitized,
  RUSTFLAGS: `-Zsanitizer=address -Zexternal-clangrt -Clink-arg=${RUNTIME} -Clink-arg=-Wl,-rpath,${RUNTIME_DIR}`,
  CARGO_TARGET_DIR: `${TARGET_DIR}-core`,
  [`CARGO_TARGET_${TARGET.toUpperCase().replaceAll('-', '_')}_RUNNER`]: `env LD_PRELOAD=${RUNTIME} ASAN_OPTIONS=${ASAN_OPTIONS}`,
}
if (run('cargo', ['test', '-p', 'sysix-core', '--lib', '--target', TARGET], coreTests) !== 0) {
  failures.push('the Rust core under ASan')
}
if (run('cargo', ['build', '-p', 'sysix-node', '--target', TARGET], sanitized) !== 0) {
  throw new Error('the addon did not build with -Zsanitizer=address')
}
copyFileSync(join(TARGET_DIR, TARGET, 'debug', 'libsysix_node.so'), ADDON)
const preload = { LD_PRELOAD: RUNTIME, ASAN_OPTIONS, SYSIX_NATIVE_PATH: ADDON }
if (run(process.execPath, ['__test__/smoke/smoke.mjs', ROOT], preload) !== 0) {
  failures.push('the smoke suite under ASan')
}
// One file at a time: the sanitizer slows every call, and timing bounds hold only without load.
// The 2^22 registrations of the token test take minutes under the sanitizer
// (an unoptimized build); what they exercise, the table's tokens, runs in
// the core's tests above.
if (run('npx', ['ava', '--serial', '--concurrency=1', '--timeout=10m', '--match=!*2^22*', ...AVA_FILES], preload) !== 0) {
  failures.push('the ava files under ASan')
}
if (failures.length > 0) {
  console.error(`\nASan: failed: ${failures.join('; ')}`)
  process.exit(1)
}
console.log('\nASan: the Rust core, the smoke suite and the stress files ran clean')
