// Loads the native binding for this machine.
//
// Like napi-rs's generated loader, but only for the targets sysix builds
// (Linux on x64, arm64, armv7, ppc64le, riscv64 and mips64el, glibc): a
// `sysix.<target>.node` next to the package (built by `npm install` from a
// clone) first, then the `sysix-<target>` package npm installs as an optional
// dependency. `SYSIX_NATIVE_PATH` names a file to load instead, for
// emulators and custom builds.

import { join } from 'node:path'

import type * as Binding from '../binding'

/** The npm platform package suffix of each `process.arch` sysix builds for. */
const TARGETS: Partial<Record<string, string>> = {
  x64: 'linux-x64-gnu',
  arm64: 'linux-arm64-gnu',
  arm: 'linux-arm-gnueabihf',
  ppc64: 'linux-ppc64-gnu',
  riscv64: 'linux-riscv64-gnu',
  mips64el: 'linux-mips64el-gnuabi64',
}

/** Whether this process runs on musl libc (checked only to explain a failure: it is slow). */
function isMusl(): boolean {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined
  return report?.header !== undefined && report.header.glibcVersionRuntime === undefined
}

function load(): typeof Binding {
  const explicit = process.env.SYSIX_NATIVE_PATH
  if (explicit) {
    return require(explicit) as typeof Binding
  }
  const target = process.platform === 'linux' ? TARGETS[process.arch] : undefined
  if (target === undefined) {
    throw new Error(`sysix has no native build for ${process.platform}-${process.arch}; it supports Linux on ${Object.keys(TARGETS).join(', ')}`)
  }
  const candidates = [join(__dirname, '..', `sysix.${target}.node`), `sysix-${target}`]
  const failures: unknown[] = []
  for (const candidate of candidates) {
    try {
      return require(candidate) as typeof Binding
    } catch (error) {
      failures.push(error)
    }
  }
  if (isMusl()) {
    throw new AggregateError(failures, `sysix has no build for musl libc yet (linux-${process.arch}); it needs glibc`)
  }
  throw new AggregateError(
    failures,
    `Cannot load sysix's native binding for ${target}: tried ${candidates.join(' and ')}. ` +
      `Installing from npm brings it in as the optional dependency sysix-${target} (check that optional dependencies were not omitted); ` +
      'a clone builds it with `npm install`.',
  )
}

/** The native binding. Internal: the modules of `lib/` wrap it. */
export const native = load()
