// Which copy of the package the cross scripts build and test.
//
// By default the checkout itself: its Rust sources are built, the .node
// lands in its dist/ (next to the host build's JavaScript), and its tests run.
//
// With SYSIX_CROSS_REF=<git ref> in the environment: a clean `git archive`
// snapshot of that commit under target/cross-src/<commit>/, made into a
// complete package (node_modules linked to the checkout's, its JavaScript
// built into its own dist/ by its own `npm run build:ts`). Builds and tests then use
// that copy only, so they are reproducible and unaffected by edits (or
// `npm run build`s) going on in the working tree meanwhile. Nothing in git
// is changed.

import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'

import { ROOT } from './targets.mjs'
import { capture, log, run } from './tools.mjs'

let cached

/** The package directory (with Cargo.toml, package.json, dist/) to build and test. */
export function packageRoot() {
  if (cached !== undefined) return cached
  const ref = process.env.SYSIX_CROSS_REF
  if (!ref) {
    cached = ROOT
    return cached
  }
  const commit = capture('git', ['rev-parse', '--verify', `${ref}^{commit}`], { cwd: ROOT }).trim()
  const dir = join(ROOT, 'target', 'cross-src', commit.slice(0, 12))
  if (!existsSync(join(dir, 'package.json'))) {
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    run('sh', ['-c', `git archive ${commit} | tar -x -C '${dir}'`], { cwd: ROOT })
  }
  if (!existsSync(join(dir, 'node_modules'))) symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'))
  if (!existsSync(join(dir, 'dist', 'binding.d.ts'))) {
    // The JavaScript half of `npm run build`, as that commit defines it
    // (its last step puts the binding's typings into dist/).
    run('npm', ['run', 'build:ts'], { cwd: dir })
  }
  log(`package: ${ref} = ${commit.slice(0, 12)}, a snapshot in ${dir} (not the working tree)`)
  cached = dir
  return cached
}

/** A line for reports: which sources were built and tested. */
export function sourceLabel() {
  const ref = process.env.SYSIX_CROSS_REF
  if (!ref) return 'working tree'
  return `${ref} (${capture('git', ['rev-parse', '--short=12', `${ref}^{commit}`], { cwd: ROOT }).trim()})`
}
