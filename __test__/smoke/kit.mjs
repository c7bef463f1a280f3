// What every area of the smoke suite shares: how the package is loaded,
// reporting, and the helpers the cases use. smoke.mjs runs the cases.

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { once } from 'node:events'
import * as fs from 'node:fs'
import { createRequire } from 'node:module'
import * as net from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { finished } from 'node:stream/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'
import * as util from 'node:util'
import * as v8 from 'node:v8'
import * as vm from 'node:vm'

export { assert, spawnSync, once, fs, createRequire, net, os, path, finished, fileURLToPath, pathToFileURL, util, v8, vm }

export const BUN = process.versions.bun !== undefined
export const DENO = process.versions.deno !== undefined
export const RUNTIME = BUN ? `bun ${process.versions.bun}` : DENO ? `deno ${process.versions.deno}` : `node ${process.versions.node}`

/** node:worker_threads, or `null` on a runtime that lacks it (the worker case then says so). */
export const threads = await import('node:worker_threads').catch(() => null)

/**
 * The conditions an ESM `import` of the package matches, as each runtime
 * sets them; `exports` is resolved in its own key order against these.
 */
export const CONDITIONS = ['import', 'node', 'module-sync', 'node-addons', ...(BUN ? ['bun'] : []), ...(DENO ? ['deno'] : []), 'default']

/** Names an `import()` of a CommonJS module adds to its namespace: not sysix's exports, and not on every runtime. */
export const INTEROP = ['default', '__esModule', 'module.exports']

export const PER_CASE_MS = 10_000

/** What `/proc/self/fd` shows for descriptors sysix never makes. */
export const RUNTIME_KINDS = /^(socket:|anon_inode:\[(eventfd|eventpoll|timerfd|signalfd)\])/

// ---------------------------------------------------------------------------
// Loading the package as it ships

/** The target of one `exports` entry for `conditions`: `{ target, via }` or `null`. */
export function resolveTarget(entry, conditions) {
  if (typeof entry === 'string') {
    return { target: entry, via: [] }
  }
  if (Array.isArray(entry)) {
    for (const item of entry) {
      const found = resolveTarget(item, conditions)
      if (found !== null) {
        return found
      }
    }
    return null
  }
  if (entry !== null && typeof entry === 'object') {
    for (const [key, value] of Object.entries(entry)) {
      if (conditions.includes(key)) {
        const found = resolveTarget(value, conditions)
        if (found !== null) {
          return { target: found.target, via: [key, ...found.via] }
        }
      }
    }
  }
  return null
}

/** The file `exports[subpath]` of the package at `root` gives an ESM importer: `{ file, condition }`. */
export function resolveExport(root, pkg, subpath) {
  let map = pkg.exports
  if (map === undefined) {
    throw new Error(`${root}/package.json has no "exports"`)
  }
  if (typeof map === 'string' || Array.isArray(map) || !Object.keys(map).some((key) => key.startsWith('.'))) {
    map = { '.': map }
  }
  if (!(subpath in map)) {
    throw new Error(`package.json "exports" has no "${subpath}" (it has ${Object.keys(map).join(', ')})`)
  }
  const found = resolveTarget(map[subpath], CONDITIONS)
  if (found === null) {
    throw new Error(
      `no condition of exports["${subpath}"] (${JSON.stringify(map[subpath])}) matches an ESM importer (${CONDITIONS.join(', ')})`,
    )
  }
  if (!found.target.startsWith('./')) {
    throw new Error(`exports["${subpath}"] resolves to ${found.target}, which is not a path inside the package`)
  }
  const file = path.resolve(root, found.target)
  if (!file.startsWith(root + path.sep)) {
    throw new Error(`exports["${subpath}"] resolves to ${file}, outside the package`)
  }
  return { file, condition: found.via.length === 0 ? '(a string)' : found.via.join(' > ') }
}

/**
 * Loads a resolved file with `import()`, as the package's users do. If that
 * fails, the failure is kept for the `load` case to report, and the file is
 * loaded with `require` instead so that every other case still runs.
 */
export async function loadFile(file) {
  try {
    return { module: await import(pathToFileURL(file).href), how: 'import', error: null }
  } catch (error) {
    return { module: createRequire(file)(file), how: 'require', error }
  }
}

/** Loads what `how` says, in a worker thread: the same way the main thread did. */
export async function loadAs(file, how) {
  return how === 'import' ? await import(pathToFileURL(file).href) : createRequire(file)(file)
}

// ---------------------------------------------------------------------------
// Reporting

let count = 0
let passed = 0
let failed = 0

/** How many cases passed and failed so far. */
export function tally() {
  return { passed, failed }
}

export function print(line) {
  console.log(line)
}

/** The `  # ` lines that describe a failure: message, code and the like, the head of the stack. */
export function describe(error) {
  if (error === null || typeof error !== 'object') {
    return [`thrown: ${util.inspect(error)}`]
  }
  const lines = []
  const message = String(error.message ?? '').split('\n')
  lines.push(`${error.name ?? 'Error'}: ${message[0]}`, ...message.slice(1, 40))
  const fields = ['code', 'errno', 'syscall', 'path', 'dest'].filter((key) => error[key] !== undefined)
  if (fields.length > 0) {
    lines.push(fields.map((key) => `${key}: ${util.inspect(error[key])}`).join(', '))
  }
  if (error.cause !== undefined) {
    lines.push(`cause: ${util.inspect(error.cause, { depth: 1 }).split('\n')[0]}`)
  }
  const stack = String(error.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 5)
    .map((line) => line.trim())
  lines.push(...stack)
  return lines
}

export function report(name, error, notes) {
  count++
  if (error === undefined) {
    passed++
    print(`ok ${count} - ${name}`)
  } else {
    failed++
    print(`not ok ${count} - ${name}`)
    for (const line of describe(error).flatMap((text) => text.split('\n'))) {
      print(`  # ${line}`)
    }
  }
  for (const note of notes) {
    const [first, ...rest] = String(note).split('\n')
    print(`  # note: ${first}`)
    for (const line of rest) {
      print(`  #   ${line}`)
    }
  }
}

// ---------------------------------------------------------------------------
// Helpers

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
export const tick = () => new Promise((resolve) => setImmediate(resolve))

/** `promise`, or a rejection saying `what` after `ms`. */
export function withTimeout(promise, ms, what) {
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** A way to force garbage collection on this runtime, or `null`. */
export const gc = (() => {
  if (typeof globalThis.gc === 'function') {
    return () => globalThis.gc()
  }
  if (typeof globalThis.Bun?.gc === 'function') {
    return () => globalThis.Bun.gc(true)
  }
  try {
    v8.setFlagsFromString('--expose-gc')
    const collect = vm.runInNewContext('gc')
    if (typeof collect === 'function') {
      return collect
    }
  } catch {
    // No way to collect on demand: cases that need one say so.
  }
  return null
})()

/** Collects and lets finalizers run, until `predicate()` holds or `ms` pass; returns whether it held. */
export async function settle(predicate, ms = 2000) {
  const end = Date.now() + ms
  for (;;) {
    gc?.()
    await tick()
    if (predicate()) {
      return true
    }
    if (Date.now() > end) {
      return false
    }
    await sleep(20)
  }
}

/** The descriptors this process has open, number to what `/proc/self/fd` shows. */
export function fdSnapshot() {
  const fds = new Map()
  for (const name of fs.readdirSync('/proc/self/fd')) {
    fds.set(Number(name), fdTarget(Number(name)))
  }
  return fds
}

/** How many descriptors this process has open. */
export function fdCount() {
  return fs.readdirSync('/proc/self/fd').length
}

/** What descriptor `fd` refers to (`/proc/self/fd/N`), or `null` if it is not open. */
export function fdTarget(fd) {
  try {
    return fs.readlinkSync(`/proc/self/fd/${fd}`)
  } catch {
    return null
  }
}

/** The descriptors opened and closed between two snapshots, for messages. */
export function fdDiff(before, after) {
  const lines = []
  for (const [fd, target] of after) {
    if (before.get(fd) !== target) {
      lines.push(`+ ${fd} -> ${target}`)
    }
  }
  for (const [fd, target] of before) {
    if (after.get(fd) !== target) {
      lines.push(`- ${fd} -> ${target}`)
    }
  }
  return lines.join('\n')
}

/**
 * Exact nanosecond times of `file`. Node's and Bun's `fs.statSync(p, { bigint:
 * true })` give them; Deno's rounds them to milliseconds, so there
 * coreutils' `stat` is asked.
 */
export function exactTimes(file, { follow = true } = {}) {
  if (!DENO) {
    const st = follow ? fs.statSync(file, { bigint: true }) : fs.lstatSync(file, { bigint: true })
    return { atimeNs: st.atimeNs, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs }
  }
  const args = [...(follow ? ['-L'] : []), '--format=%.9X %.9Y %.9Z', file]
  const result = spawnSync('stat', args, { encoding: 'utf8' })
  if (result.status !== 0) {
    throw new Error(`stat ${args.join(' ')} failed: ${result.error ?? result.stderr}`)
  }
  const [atimeNs, mtimeNs, ctimeNs] = result.stdout.trim().split(' ').map(toNs)
  return { atimeNs, mtimeNs, ctimeNs }
}

/** `"1700000000.123456789"` as nanoseconds. */
export function toNs(text) {
  const [seconds, fraction = ''] = text.split('.')
  return BigInt(seconds) * 1_000_000_000n + BigInt(fraction.padEnd(9, '0').slice(0, 9))
}

/** Device and inode of a path, as `fs.statSync` gives them. */
export function pathIdentity(file) {
  const st = fs.statSync(file, { bigint: true })
  return { dev: st.dev, ino: st.ino }
}

/** A number that is surely not an open descriptor. */
export const NOT_OPEN = 1_000_000

// ---------------------------------------------------------------------------
// The cases

/** The root module (`sysix`), the subpath module (`sysix/fs`), and how each was loaded. */
/** The package's root module and `sysix/fs`, once loaded (live bindings), and how each was loaded. */
export let S
export let FS
export let loaded

/** Sets what `run()` loaded. */
export function setLoaded(root, fsModule, how) {
  S = root
  FS = fsModule
  loaded = how
}

/**
 * I/O on a descriptor sysix made. Deno's node:fs takes only its own
 * resource ids, never a kernel descriptor it did not open (`EBADF`), so on
 * Deno these go through sysix's own readv/writev; elsewhere through node:fs
 * with the lent number, as the README shows.
 */
export function writeTo(owned, data) {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data
  return DENO ? S.writevSync(owned, [bytes]) : fs.writeSync(owned.fd, bytes)
}

export function readFrom(owned, size = 65536) {
  const buffer = Buffer.alloc(size)
  const n = DENO ? S.readvSync(owned, [buffer]) : fs.readSync(owned.fd, buffer)
  return buffer.subarray(0, n)
}

/** Device and inode of the file a descriptor sysix made has open (through sysix on Deno, see above). */
export function fdIdentity(owned) {
  if (DENO) {
    const st = S.statxSync(owned)
    return { dev: st.dev, ino: st.ino }
  }
  const st = fs.fstatSync(typeof owned === 'number' ? owned : owned.fd, { bigint: true })
  return { dev: st.dev, ino: st.ino }
}

/** Everything one case may use: a fresh directory, cleanups that run even if it fails, notes. */
export function context() {
  const dir = fs.mkdtempSync(path.join(TMP, 'case-'))
  const cleanups = []
  const notes = []
  return {
    dir,
    notes,
    /** `dir/name`, written with `content` if given. */
    file(name, content) {
      const file = path.join(dir, name)
      if (content !== undefined) {
        fs.writeFileSync(file, content)
      }
      return file
    },
    defer(fn) {
      cleanups.push(fn)
    },
    /** Closes `thing` (an OwnedFd, FileId, Root, Dir or Pipe) when the case ends. */
    own(thing) {
      cleanups.push(() => (typeof thing.close === 'function' ? thing.close() : thing[Symbol.dispose]()))
      return thing
    },
    note(text) {
      notes.push(text)
    },
    async cleanup() {
      for (const fn of cleanups.reverse()) {
        try {
          await fn()
        } catch {
          // A cleanup of a case that failed may fail too: its failure is what counts.
        }
      }
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** The directory every case's own directory is made in. */
export let TMP

/** Sets it. */
export function setTmp(dir) {
  TMP = dir
}

/** The package under test, as smoke.mjs was told. */
export let ROOT

/** Sets it. */
export function setRoot(dir) {
  ROOT = dir
}

/** smoke.mjs, which runs a worker's side of the worker case. */
export const SMOKE = new URL('./smoke.mjs', import.meta.url)

export function readOptional(file) {
  try {
    return fs.readFileSync(file, 'utf8').trim()
  } catch {
    return null
  }
}
