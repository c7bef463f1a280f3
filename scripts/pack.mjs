#!/usr/bin/env node
// `npm run pack`: the npm packages exactly as they are published, packed
// into target/pack/:
//
//   sysix-<version>.tgz                 the main package: dist/**/*.js, the
//                                       typings, README, LICENSE, CHANGELOG,
//                                       and a manifest without scripts or
//                                       devDependencies (so installing it
//                                       runs nothing: no install-script
//                                       warning, no build)
//   sysix-<platform>-<version>.tgz      one per platform whose addon is in
//                                       dist/ (npm run build:cross), with
//                                       npm/<platform>/'s manifest (which
//                                       the napi-rs CLI writes: npm run
//                                       platforms) and README, and LICENSE
//
//   node scripts/pack.mjs [--local] [platform...]
//
// Only the platforms named (linux-x64-gnu, ...), if any. An addon that needs
// a newer glibc than its package promises (scripts/cross/targets.mjs'
// `glibc`, the README's platforms table) is refused: a host `npm run build`
// links against the host's glibc (2.34 on Debian 12), a release build
// (`npm run build:cross`, zig) against the promised floor. `--local` packs
// it anyway, for tests on this machine: such a tarball is not a release.
//
// The checkout's own package.json keeps `prepare` (so `npm install` in a
// clone builds the addon from source); the staged manifest drops it. The
// release workflow publishes these tarballs, never the checkout.

import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { compareVersions, glibcFloor, readElf } from './cross/elf.mjs'
import { shippedTargets } from './cross/targets.mjs'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const OUT = join(ROOT, 'target', 'pack')
const STAGE = join(OUT, 'stage')

/** Manifest fields that matter only in the checkout. */
const CHECKOUT_ONLY = ['scripts', 'devDependencies', 'allowScripts', 'ava', 'napi']

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))

function npm(args, cwd = ROOT) {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
}

/** The platforms whose addon is built: `dist/<binaryName>.<platform>.node`. */
function builtPlatforms() {
  const prefix = `${manifest.napi.binaryName}.`
  return readdirSync(join(ROOT, 'dist'))
    .filter((file) => file.startsWith(prefix) && file.endsWith('.node'))
    .map((file) => file.slice(prefix.length, -'.node'.length))
}

/** Stages the main package (the files npm would pack, a published manifest) and packs it. */
function packMain() {
  if (!existsSync(join(ROOT, 'dist', 'index.js'))) {
    throw new Error('dist/index.js is missing: run `npm run build` first')
  }
  // npm's own reading of `files` (plus README, LICENSE, package.json).
  const [{ files }] = JSON.parse(npm(['pack', '--dry-run', '--json', '--ignore-scripts']))
  const stage = join(STAGE, manifest.name)
  rmSync(stage, { recursive: true, force: true })
  for (const { path } of files) {
    mkdirSync(dirname(join(stage, path)), { recursive: true })
    copyFileSync(join(ROOT, path), join(stage, path))
  }
  const published = Object.fromEntries(Object.entries(manifest).filter(([key]) => !CHECKOUT_ONLY.includes(key)))
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(published, null, 2)}\n`)
  return pack(stage)
}

function pack(dir) {
  const [{ filename }] = JSON.parse(npm(['pack', dir, '--json', '--pack-destination', OUT]))
  return join(OUT, filename)
}

/**
 * Refuses `addon` if it needs a newer glibc than the package of `platform`
 * promises, unless `local`.
 */
function checkGlibc(platform, addon, local) {
  const target = shippedTargets().find((t) => t.platform === platform)
  const floor = glibcFloor(readElf(addon))
  if (!local && target?.glibc && floor !== null && compareVersions(floor, target.glibc) > 0) {
    throw new Error(
      `${addon} needs glibc ${floor}, but ${manifest.name}-${platform} promises ${target.glibc}: ` +
        `build it as a release is built (npm run build:cross -- ${target.triple}), ` +
        'or pass --local to pack it for this machine only',
    )
  }
}

/** Stages a platform package (its manifest and README, LICENSE, the addon) and packs it. */
function packPlatform(platform) {
  const addon = `${manifest.napi.binaryName}.${platform}.node`
  const stage = join(STAGE, `${manifest.name}-${platform}`)
  rmSync(stage, { recursive: true, force: true })
  mkdirSync(stage, { recursive: true })
  for (const file of ['package.json', 'README.md']) {
    copyFileSync(join(ROOT, 'npm', platform, file), join(stage, file))
  }
  copyFileSync(join(ROOT, 'LICENSE'), join(stage, 'LICENSE'))
  copyFileSync(join(ROOT, 'dist', addon), join(stage, addon))
  return pack(stage)
}

async function main() {
  const args = process.argv.slice(2)
  const local = args.includes('--local')
  const wanted = args.filter((arg) => arg !== '--local')
  const built = builtPlatforms()
  const platforms = wanted.length === 0 ? built : wanted
  for (const platform of platforms) {
    if (!built.includes(platform)) {
      throw new Error(`no addon for ${platform} in dist/ (built: ${built.join(', ') || 'none'}): run npm run build or build:cross`)
    }
  }
  mkdirSync(OUT, { recursive: true })
  // Checked first, so that a refusal packs nothing.
  for (const platform of platforms) {
    checkGlibc(platform, join(ROOT, 'dist', `${manifest.napi.binaryName}.${platform}.node`), local)
  }
  const tarballs = [packMain()]
  for (const platform of platforms) {
    tarballs.push(packPlatform(platform))
  }
  for (const tarball of tarballs) {
    console.log(tarball)
  }
}

try {
  await main()
} catch (error) {
  console.error(`pack: ${error.message}`)
  process.exitCode = 1
}
