#!/usr/bin/env node
// `npm run build:cross -- <rust-triple>`: builds the release addon for one
// target and checks it.
//
// The build is plain cargo (napi-rs needs no CLI for a cross build; the
// typings come from the host build) with the host cargo driving Debian's
// rustc 1.85 (RUSTC), into target/cross. Two routes, tried in order:
//
//   zig  cargo-zigbuild with `<triple>.<glibc>`: zig links against that old
//        glibc's symbol versions, so the addon loads on old distributions
//        (2.17 for x86_64/aarch64/armv7/mips64el/s390x, 2.32 for ppc64le, whose
//        zig libunwind needs 2.32's IEEE-128 symbols, 2.27 for riscv64).
//   gcc  Debian's cross gcc: works everywhere, but Debian 12's glibc makes
//        the floor 2.34 (pthread_key_*, stat64).
//
// The workspace release profile applies as is (lto, strip). The result is
// copied to dist/sysix.<platform>.node, where the package's loader finds a
// local build, and its route and build time are recorded in
// target/cross/<triple>.build.json for all.mjs. SYSIX_CROSS_REF=<git ref>
// builds a snapshot of that commit instead of the working tree, into the
// snapshot's own dist/ (source.mjs).

import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

import { TARGET_DIR, cargoSetup } from './cargo.mjs'
import { check } from './check.mjs'
import { packageRoot, sourceLabel } from './source.mjs'
import { installGcc, installRustc, installStd, installZig } from './toolchain.mjs'
import { targetFromArgv } from './targets.mjs'
import { log, run, seconds } from './tools.mjs'

/** Tries to build with cargo-zigbuild; returns the route and the build's time, or throws. */
function buildWithZig(t, bin) {
  const { env, args } = cargoSetup(t)
  // zig targets glibc by a suffix on the triple; musl needs none.
  const zigTarget = t.glibc === null ? t.triple : `${t.triple}.${t.glibc}`
  const start = performance.now()
  run('cargo', ['zigbuild', '--release', '-p', 'sysix-node', '--target', zigTarget, ...args], {
    cwd: packageRoot(),
    env: { ...env, PATH: `${bin}:${process.env.PATH}` },
  })
  return { route: `cargo-zigbuild --target ${zigTarget}`, seconds: seconds(start) }
}

/** Builds with Debian's cross gcc as the linker; returns the route and the build's time, or throws. */
function buildWithGcc(t) {
  const linker = installGcc(t)
  const { env, args } = cargoSetup(t)
  env[`CARGO_TARGET_${t.envName}_LINKER`] = linker
  const start = performance.now()
  run('cargo', ['build', '--release', '-p', 'sysix-node', '--target', t.triple, ...args], { cwd: packageRoot(), env })
  return { route: `cargo build, linker ${linker}`, seconds: seconds(start) }
}

/**
 * Builds `t`, copies the addon into dist/ and checks it (check.mjs).
 * A zig build whose output fails the check counts as a failed zig build:
 * then Debian's gcc builds it. Returns the build record and the check.
 */
export function build(t) {
  log(`building ${t.triple} -> dist/sysix.${t.platform}.node (std: ${t.std})`)
  installRustc()
  installStd(t)
  const zig = installZig()
  packageRoot() // makes a SYSIX_CROSS_REF snapshot now, outside the timed builds
  const output = join(TARGET_DIR, t.triple, 'release', 'libsysix_node.so')
  // Each route times its cargo run only, not the first run's downloads.
  let built
  let checked
  const notes = []
  try {
    built = buildWithZig(t, zig)
    checked = check(t, output)
    if (!checked.ok) throw new Error(`its output fails the check: ${checked.problems.join('; ')}`)
  } catch (error) {
    log(`zig route failed for ${t.triple}: ${error.message}; falling back to Debian's gcc (the glibc floor will be Debian 12's)`)
    notes.push(`zig route failed (${error.message}), so Debian gcc was used`)
    built = buildWithGcc(t)
    checked = null
  }
  const { route, seconds: time } = built
  const dest = join(packageRoot(), 'dist', `sysix.${t.platform}.node`)
  mkdirSync(join(packageRoot(), 'dist'), { recursive: true })
  copyFileSync(output, dest)
  log(`built ${t.triple} by ${route} in ${time} s -> ${dest}`)
  checked ??= check(t, dest)
  const record = {
    triple: t.triple,
    platform: t.platform,
    source: sourceLabel(),
    failed: false,
    route,
    seconds: time,
    notes,
    artifact: dest,
    at: new Date().toISOString(),
  }
  writeFileSync(join(TARGET_DIR, `${t.triple}.build.json`), `${JSON.stringify(record, null, 2)}\n`)
  return { record, checked }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const t = targetFromArgv('build.mjs')
  try {
    process.exit(build(t).checked.ok ? 0 : 1)
  } catch (error) {
    console.error(`[cross] build of ${t.triple} failed: ${error.message}`)
    // Recorded too, so that all.mjs can tell a failed build from one not run.
    const record = {
      triple: t.triple,
      platform: t.platform,
      source: sourceLabel(),
      failed: true,
      error: error.message,
      at: new Date().toISOString(),
    }
    mkdirSync(TARGET_DIR, { recursive: true })
    writeFileSync(join(TARGET_DIR, `${t.triple}.build.json`), `${JSON.stringify(record, null, 2)}\n`)
    process.exit(1)
  }
}
