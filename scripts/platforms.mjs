#!/usr/bin/env node
// `npm run platforms`: regenerates the platform packages' manifests and the
// main package's `optionalDependencies` from package.json's `napi.targets`,
// the one list of targets. Both are committed; `npm run lint` fails when they
// are stale.
//
//   npm/<platform>/package.json   written by the napi-rs CLI (`napi create-npm-dirs`),
//                                 with `libc` set from the ABI for every target
//                                 (the CLI sets it only for an ABI of exactly
//                                 `gnu` or `musl`, so npm would install the
//                                 armv7 `gnueabihf` and mips64el `gnuabi64`
//                                 ones on musl)
//   optionalDependencies          one `sysix-<platform>` per target at this
//                                 version, named by the CLI's own target table
//                                 (`readNapiConfig`), as `napi pre-publish` writes
//                                 them at release, which needs every binary built

import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { readNapiConfig } from '@napi-rs/cli'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const manifest = join(ROOT, 'package.json')

execFileSync(join(ROOT, 'node_modules', '.bin', 'napi'), ['create-npm-dirs'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] })

const { targets, packageName } = await readNapiConfig(manifest)
for (const target of targets) {
  const file = join(ROOT, 'npm', target.platformArchABI, 'package.json')
  const text = readFileSync(file, 'utf8')
  const platform = JSON.parse(text)
  const libc = target.abi?.startsWith('gnu') ? ['glibc'] : target.abi?.startsWith('musl') ? ['musl'] : undefined
  if (libc !== undefined) {
    platform.libc = libc
  }
  const updated = `${JSON.stringify(platform, null, 2)}\n`
  if (updated !== text) {
    writeFileSync(file, updated)
  }
}
const text = readFileSync(manifest, 'utf8')
const pkg = JSON.parse(text)
// Sorted by name, as npm itself writes dependencies back when it installs.
pkg.optionalDependencies = Object.fromEntries(
  targets.map((target) => [`${packageName}-${target.platformArchABI}`, pkg.version]).sort(([a], [b]) => (a < b ? -1 : 1)),
)
const updated = `${JSON.stringify(pkg, null, 2)}\n`
if (updated !== text) {
  writeFileSync(manifest, updated)
  console.log('platforms: wrote optionalDependencies in package.json')
}
