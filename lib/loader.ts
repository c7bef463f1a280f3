// Finds and loads the native binding for this machine.
//
// In order: the file `SYSIX_NATIVE_PATH` names (a `.node` file, for
// emulators and custom builds; nothing else); a local build next to the
// compiled JavaScript (`dist/sysix.<platform>.node`, which `npm install`
// makes in a clone); the platform package npm installed as an optional
// dependency (`sysix-<platform>`). The platforms are those `package.json`
// lists as optional dependencies, so the list lives in one place.

import { existsSync, readFileSync, statSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'

import type * as Binding from '../binding'
import { PACKAGE_ROOT, type PackageJson } from './package'

/** What the loader needs to know of the running process. */
export interface Host {
  /** `process.platform`. */
  platform: string
  /** `process.arch`. */
  arch: string
  /** The C library this process runs on, or `null` if it cannot be told. */
  libc: 'glibc' | 'musl' | null
}

/**
 * The C library this process runs on, read from the libraries it has mapped
 * (`/proc/self/maps`): musl's is its loader `ld-musl-*.so.1`, glibc's is
 * `libc.so.6`. Unlike `/usr/bin/ldd` (absent on NixOS, lying in an AppImage)
 * this is the process itself.
 */
export function detectLibc(): 'glibc' | 'musl' | null {
  let maps: string
  try {
    maps = readFileSync('/proc/self/maps', 'latin1')
  } catch {
    return null
  }
  if (/\/ld-musl-[^/\s]*\.so\.1$|\/libc\.musl-[^/\s]*\.so\.1$/m.test(maps)) {
    return 'musl'
  }
  if (/\/libc\.so\.6$|\/libc-2\.\d+\.so$/m.test(maps)) {
    return 'glibc'
  }
  return null
}

/** The platforms (`linux-x64-gnu`, ...) `pkg` ships a platform package for. */
export function shippedPlatforms(pkg: PackageJson): string[] {
  const prefix = `${pkg.name}-`
  return Object.keys(pkg.optionalDependencies ?? {})
    .filter((name) => name.startsWith(prefix))
    .map((name) => name.slice(prefix.length))
}

/**
 * The platforms whose binding can run on `host`, best first: its OS and
 * architecture, and its C library's ABI (`gnu*` for glibc, `musl*` for
 * musl; both, glibc first, when the C library is unknown).
 */
export function candidatePlatforms(host: Host, shipped: string[]): string[] {
  const ofArch = shipped.filter((platform) => platform.startsWith(`${host.platform}-${host.arch}-`))
  const abi = (platform: string) => platform.slice(`${host.platform}-${host.arch}-`.length)
  const gnu = ofArch.filter((platform) => abi(platform).startsWith('gnu'))
  const musl = ofArch.filter((platform) => abi(platform).startsWith('musl'))
  return host.libc === 'glibc' ? gnu : host.libc === 'musl' ? musl : [...gnu, ...musl]
}

/** One place the loader looked, and what it found there. */
interface Attempt {
  what: string
  outcome: string
}

/** Loads a `.node` file, never anything else: `process.dlopen` runs no JavaScript. */
function dlopen(path: string): typeof Binding {
  const module = { exports: {} as typeof Binding }
  process.dlopen(module, path)
  return module.exports
}

/** Checks that `binding` is sysix's, of this version; `source` says where it came from. */
function checkBinding(binding: typeof Binding, pkg: PackageJson, source: string): typeof Binding {
  const version = (binding as { VERSION?: unknown }).VERSION
  if (typeof version !== 'string' || typeof binding.cpuCount !== 'function') {
    throw new Error(`${source} is not a sysix native binding: it lacks sysix's exports`)
  }
  if (version !== pkg.version) {
    throw new Error(`${source} is the binding of sysix ${version}, but this is sysix ${pkg.version}: rebuild or reinstall it`)
  }
  return binding
}

/** Loads the file `SYSIX_NATIVE_PATH` names, resolved from the current directory. */
function loadExplicit(value: string, pkg: PackageJson): typeof Binding {
  const path = isAbsolute(value) ? value : resolve(process.cwd(), value)
  const named = `SYSIX_NATIVE_PATH=${value}${path === value ? '' : ` (${path})`}`
  if (!path.endsWith('.node')) {
    throw new Error(`${named} must name a .node file: sysix loads nothing else from it`)
  }
  let isFile = false
  try {
    isFile = statSync(path).isFile()
  } catch (error) {
    throw new Error(`${named} cannot be loaded: ${(error as Error).message}`, { cause: error })
  }
  if (!isFile) {
    throw new Error(`${named} must name a .node file, not a directory or a device`)
  }
  let binding: typeof Binding
  try {
    binding = dlopen(path)
  } catch (error) {
    throw new Error(`${named} cannot be loaded: ${(error as Error).message}`, { cause: error })
  }
  return checkBinding(binding, pkg, named)
}

/** The host as this process sees it. */
export function currentHost(): Host {
  return {
    platform: process.platform,
    arch: process.arch,
    libc: process.platform === 'linux' ? detectLibc() : null,
  }
}

/** The `code` of every error the loader throws: no usable binding was found. */
export const NO_BINDING = 'ERR_SYSIX_NO_BINDING'

/**
 * Loads sysix's native binding for `host`, or throws one error (its `code`
 * {@link NO_BINDING}) that names the platform, every place tried and what
 * to do. `root` is the package's directory, where local builds and
 * platform packages are looked for.
 */
export function loadBinding(pkg: PackageJson, host: Host = currentHost(), root: string = PACKAGE_ROOT): typeof Binding {
  try {
    return findBinding(pkg, host, root)
  } catch (error) {
    throw Object.assign(error as Error, { code: NO_BINDING })
  }
}

function findBinding(pkg: PackageJson, host: Host, root: string): typeof Binding {
  const explicit = process.env.SYSIX_NATIVE_PATH
  if (explicit !== undefined && explicit !== '') {
    return loadExplicit(explicit, pkg)
  }
  const shipped = shippedPlatforms(pkg)
  const candidates = candidatePlatforms(host, shipped)
  const libc = host.libc === null ? '' : ` (${host.libc})`
  if (candidates.length === 0) {
    throw new Error(
      `sysix has no native binding for ${host.platform}-${host.arch}${libc}. ` +
        `It ships one for ${shipped.join(', ')}. ` +
        'Elsewhere, build one from source in a clone of sysix with `npm install` (needs Rust 1.85 or later) ' +
        'and point SYSIX_NATIVE_PATH at the .node file it writes to dist/.',
    )
  }
  const attempts: Attempt[] = []
  for (const platform of candidates) {
    const local = join(root, 'dist', `${pkg.name}.${platform}.node`)
    if (existsSync(local)) {
      try {
        return checkBinding(dlopen(local), pkg, local)
      } catch (error) {
        attempts.push({ what: `${local} (a local build)`, outcome: `failed to load: ${(error as Error).message}` })
      }
    } else {
      attempts.push({ what: `${local} (a local build)`, outcome: 'not built' })
    }
    const name = `${pkg.name}-${platform}`
    let main: string
    try {
      main = require.resolve(name, { paths: [root] })
    } catch {
      attempts.push({ what: `${name} (the platform package)`, outcome: 'not installed' })
      continue
    }
    try {
      return checkBinding(dlopen(main), pkg, name)
    } catch (error) {
      attempts.push({ what: `${name} (the platform package)`, outcome: `failed to load: ${(error as Error).message}` })
    }
  }
  throw new Error(
    `sysix cannot load its native binding for ${host.platform}-${host.arch}${libc}. Tried:\n` +
      attempts.map(({ what, outcome }) => `  - ${what}: ${outcome}`).join('\n') +
      `\nnpm installs the platform package as an optional dependency of ${pkg.name}: reinstall without omitting ` +
      'optional dependencies (no --omit=optional; a lock file made on another platform can drop it, npm/cli#4828). ' +
      'Or build from source in a clone of sysix with `npm install` (needs Rust 1.85 or later), ' +
      'or set SYSIX_NATIVE_PATH to a sysix .node file.',
  )
}
