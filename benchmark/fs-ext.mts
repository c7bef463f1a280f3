/**
 * fs-ext, the flock most Node programs use today (a NAN addon built with
 * node-gyp), as the benchmark's contender for flockSync. npm 11 skips its
 * install script, so it is built here on first use, against the headers of
 * the Node that runs the benchmark (node-gyp downloads nothing then). A NAN
 * addon is tied to one Node ABI, so each ABI gets its own copy, built under
 * target/bench/fs-ext/abi<N>/ (a run under `--node 22` builds its own).
 */

import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')

interface FsExt {
  flockSync(fd: number, flags: 'sh' | 'ex' | 'un' | 'shnb' | 'exnb'): void
}

/** fs-ext's binding, built if need be, or `undefined` where it cannot be. */
export function fsExt(): FsExt | undefined {
  let source: string
  try {
    source = dirname(require.resolve('fs-ext/package.json'))
  } catch {
    return undefined
  }
  const root = join(ROOT, 'target', 'bench', 'fs-ext', `abi${process.versions.modules}`)
  if (!existsSync(join(root, 'build', 'Release', 'fs_ext.node'))) {
    mkdirSync(root, { recursive: true })
    cpSync(source, root, { recursive: true, filter: (path) => !path.includes(`${source}/build`) })
    const prefix = join(dirname(process.execPath), '..')
    const npm = execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim()
    const gyp = join(npm, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')
    // binding.gyp finds NAN's headers with `node -e "require('nan')"`: from the
    // project's node_modules. `npm run` exports npm_config_nodedir (the Node
    // npm runs on), which node-gyp would take over --nodedir: none of npm's.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('npm_config_')))
    env.NODE_PATH = join(ROOT, 'node_modules')
    try {
      execFileSync(process.execPath, [gyp, 'rebuild', `--nodedir=${prefix}`], { cwd: root, stdio: 'ignore', env })
    } catch {
      return undefined
    }
  }
  try {
    return require(join(root, 'fs-ext.js')) as FsExt
  } catch {
    return undefined
  }
}
