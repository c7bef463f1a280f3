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
//                                       dist/ (npm run build, build:cross),
//                                       copied into npm/<platform>/, whose
//                                       manifest the napi-rs CLI writes
//                                       (npm run platforms)
//
//   node scripts/pack.mjs [platform...]   only those platforms (linux-x64-gnu, ...)
//
// The checkout's own package.json keeps `prepare` (so `npm install` in a
// clone builds the addon from source); the staged manifest drops it. The
// release workflow publishes these tarballs, never the checkout.

import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

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

async function main() {
  const wanted = process.argv.slice(2)
  const built = builtPlatforms()
  const platforms = wanted.length === 0 ? built : wanted
  for (const platform of platforms) {
    if (!built.includes(platform)) {
      throw new Error(`no addon for ${platform} in dist/ (built: ${built.join(', ') || 'none'}): run npm run build or build:cross`)
    }
  }
  mkdirSync(OUT, { recursive: true })
  // Each platform package gets its addon. (The napi-rs CLI's `artifacts`
  // does this too, but insists on every target and also writes binaries
  // into the package root, which this package's loader does not use.)
  for (const platform of platforms) {
    const addon = `${manifest.napi.binaryName}.${platform}.node`
    copyFileSync(join(ROOT, 'dist', addon), join(ROOT, 'npm', platform, addon))
  }
  const tarballs = [packMain()]
  for (const platform of platforms) {
    tarballs.push(pack(join(ROOT, 'npm', platform)))
  }
  for (const tarball of tarballs) {
    console.log(tarball)
  }
}

await main()
