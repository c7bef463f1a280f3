// The cargo environment shared by the cross build and the cross core tests:
// the host (rustup) cargo driving Debian's rustc 1.85, into target/cross.

import { join } from 'node:path'

import { RUSTC, installGcc, installRustc, installStd } from './toolchain.mjs'
import { ROOT } from './targets.mjs'

export const TARGET_DIR = join(ROOT, 'target', 'cross')

/**
 * The environment and extra cargo arguments for `t`; `buildStd` is the
 * -Zbuild-std crate list (a release cdylib needs std and panic_abort; tests
 * need the default set, which includes the test harness).
 */
export function cargoSetup(t, buildStd = 'std,panic_abort') {
  const env = { RUSTC, CARGO_TARGET_DIR: TARGET_DIR }
  const args = []
  if (t.std === 'build-std') {
    // -Zbuild-std is unstable: Debian's stable rustc allows it with RUSTC_BOOTSTRAP.
    env.RUSTC_BOOTSTRAP = '1'
    args.push(buildStd === null ? '-Zbuild-std' : `-Zbuild-std=${buildStd}`)
  }
  if (t.rustflags.length > 0) {
    env[`CARGO_TARGET_${t.envName}_RUSTFLAGS`] = t.rustflags.join(' ')
    // rustix's experimental-asm cfg enables unstable features.
    env.RUSTC_BOOTSTRAP = '1'
  }
  return { env, args }
}

/**
 * Installs what `cargo test` for `t` needs and returns its environment:
 * Debian's gcc links the test binaries (their glibc floor does not matter),
 * and `runner` (e.g. `timeout 900`) runs each, through qemu when foreign.
 */
export function cargoTestSetup(t, runner) {
  installRustc()
  installStd(t)
  const linker = installGcc(t)
  const { env, args } = cargoSetup(t, null)
  env[`CARGO_TARGET_${t.envName}_LINKER`] = linker
  env[`CARGO_TARGET_${t.envName}_RUNNER`] = t.qemu ? `${runner} ${t.qemuBinary} -L ${t.sysroot}` : runner
  return { env, args }
}
