// fs-ext, the flock most Node programs use today (a NAN addon built with
// node-gyp), as the benchmark's contender for flockSync. npm 11 skips its
// install script, so it is built here on first use, against the headers of
// the Node that runs the benchmark (node-gyp downloads nothing then).

import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)

interface FsExt {
  flockSync(fd: number, flags: 'sh' | 'ex' | 'un' | 'shnb' | 'exnb'): void
}

/** fs-ext's binding, built if need be, or `undefined` where it cannot be. */
export function fsExt(): FsExt | undefined {
  let root: string
  try {
    root = dirname(require.resolve('fs-ext/package.json'))
  } catch {
    return undefined
  }
  const addon = join(root, 'build', 'Release', 'fs_ext.node')
  if (!existsSync(addon)) {
    const prefix = join(dirname(process.execPath), '..')
    const npm = execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim()
    const gyp = join(npm, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')
    try {
      execFileSync(process.execPath, [gyp, 'rebuild', `--nodedir=${prefix}`], { cwd: root, stdio: 'ignore' })
    } catch {
      return undefined
    }
  }
  try {
    return require('fs-ext') as FsExt
  } catch {
    return undefined
  }
}
