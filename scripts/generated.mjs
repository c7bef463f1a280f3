#!/usr/bin/env node
// `npm run lint:generated`: the generated files that are committed must be
// what the sources generate. Regenerates them (a build, then the platform
// manifests) and fails, listing them, if any changed. In CI, on a clean
// clone, that means the commit carries stale generated files.
//
//   binding.d.ts                napi-rs and scripts/binding-typings.mjs, from the
//                               Rust binding (build:native)
//   index.d.ts, fs.d.ts         scripts/typings.mjs, from the TypeScript (build:ts)
//   docs/api/README.md          TypeDoc, from index.d.ts (npm run docs)
//   package.json (optionalDependencies), npm/*/package.json
//                               scripts/platforms.mjs, from napi.targets

import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')

function generatedFiles() {
  const npm = readdirSync(join(ROOT, 'npm')).map((dir) => join('npm', dir, 'package.json'))
  return ['binding.d.ts', 'index.d.ts', 'fs.d.ts', join('docs', 'api', 'README.md'), 'package.json', ...npm].filter((file) =>
    existsSync(join(ROOT, file)),
  )
}

function snapshot() {
  return new Map(generatedFiles().map((file) => [file, readFileSync(join(ROOT, file), 'utf8')]))
}

const before = snapshot()
const run = (command, args) => execFileSync(command, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] })
run('npm', ['run', '--silent', 'build'])
run('npm', ['run', '--silent', 'docs'])
run(process.execPath, [join(ROOT, 'scripts', 'platforms.mjs')])
const after = snapshot()

const stale = [...new Set([...before.keys(), ...after.keys()])].filter((file) => before.get(file) !== after.get(file))
if (stale.length > 0) {
  console.error(`generated files were stale and have been regenerated: ${stale.join(', ')}\ncommit them with the change that made them.`)
  process.exit(1)
}
console.log(`generated files are up to date: ${[...after.keys()].join(', ')}`)
