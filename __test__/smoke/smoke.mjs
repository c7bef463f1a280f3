// The smoke suite: every export of sysix, called on whatever JavaScript
// runtime runs this file, against the package as it ships. ava runs on
// neither Bun nor Deno, so this is plain ESM with nothing but `node:`
// builtins, and it runs the same on Node.
//
//   node __test__/smoke/smoke.mjs <packageRoot>
//   bun __test__/smoke/smoke.mjs <packageRoot>
//   deno run -A --quiet __test__/smoke/smoke.mjs <packageRoot>
//
// It resolves `<packageRoot>/package.json`'s `exports` for `.` and `./fs` as
// an ESM importer would and imports those files by URL (never lib/*.ts).
// Each case asserts what the call really does, with node:assert/strict;
// the table of cases names every export, and a case named `coverage` fails
// if the module exports a name the table does not cover, or the reverse.
// Output is TAP-like: `ok N - name` or `not ok N - name` followed by
// `  # ` lines with the error; the last line is `# smoke: P passed, F
// failed`, and the exit code is 0 only if F is 0 and P is not.
//
// scripts/runtimes.mjs and the ava suite run it: keep its command line and
// its last line as they are. For debugging, SYSIX_SMOKE_ONLY=<regexp> runs
// only the cases it matches, and SYSIX_SMOKE_FDS=1 notes after each case the
// descriptors opened and closed since the one before.

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

const BUN = process.versions.bun !== undefined
const DENO = process.versions.deno !== undefined
const RUNTIME = BUN ? `bun ${process.versions.bun}` : DENO ? `deno ${process.versions.deno}` : `node ${process.versions.node}`

/** node:worker_threads, or `null` on a runtime that lacks it (the worker case then says so). */
const threads = await import('node:worker_threads').catch(() => null)

/**
 * The conditions an ESM `import` of the package matches, as each runtime
 * sets them; `exports` is resolved in its own key order against these.
 */
const CONDITIONS = ['import', 'node', 'module-sync', 'node-addons', ...(BUN ? ['bun'] : []), ...(DENO ? ['deno'] : []), 'default']

/** Names an `import()` of a CommonJS module adds to its namespace: not sysix's exports, and not on every runtime. */
const INTEROP = ['default', '__esModule', 'module.exports']

const PER_CASE_MS = 10_000

/** What `/proc/self/fd` shows for descriptors sysix never makes. */
const RUNTIME_KINDS = /^(socket:|anon_inode:\[(eventfd|eventpoll|timerfd|signalfd)\])/

// ---------------------------------------------------------------------------
// Loading the package as it ships

/** The target of one `exports` entry for `conditions`: `{ target, via }` or `null`. */
function resolveTarget(entry, conditions) {
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
function resolveExport(root, pkg, subpath) {
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
async function loadFile(file) {
  try {
    return { module: await import(pathToFileURL(file).href), how: 'import', error: null }
  } catch (error) {
    return { module: createRequire(file)(file), how: 'require', error }
  }
}

/** Loads what `how` says, in a worker thread: the same way the main thread did. */
async function loadAs(file, how) {
  return how === 'import' ? await import(pathToFileURL(file).href) : createRequire(file)(file)
}

// ---------------------------------------------------------------------------
// Reporting

let count = 0
let passed = 0
let failed = 0

function print(line) {
  console.log(line)
}

/** The `  # ` lines that describe a failure: message, code and the like, the head of the stack. */
function describe(error) {
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

function report(name, error, notes) {
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

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const tick = () => new Promise((resolve) => setImmediate(resolve))

/** `promise`, or a rejection saying `what` after `ms`. */
function withTimeout(promise, ms, what) {
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** A way to force garbage collection on this runtime, or `null`. */
const gc = (() => {
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
async function settle(predicate, ms = 2000) {
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
function fdSnapshot() {
  const fds = new Map()
  for (const name of fs.readdirSync('/proc/self/fd')) {
    fds.set(Number(name), fdTarget(Number(name)))
  }
  return fds
}

/** How many descriptors this process has open. */
function fdCount() {
  return fs.readdirSync('/proc/self/fd').length
}

/** What descriptor `fd` refers to (`/proc/self/fd/N`), or `null` if it is not open. */
function fdTarget(fd) {
  try {
    return fs.readlinkSync(`/proc/self/fd/${fd}`)
  } catch {
    return null
  }
}

/** The descriptors opened and closed between two snapshots, for messages. */
function fdDiff(before, after) {
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
function exactTimes(file, { follow = true } = {}) {
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
function toNs(text) {
  const [seconds, fraction = ''] = text.split('.')
  return BigInt(seconds) * 1_000_000_000n + BigInt(fraction.padEnd(9, '0').slice(0, 9))
}

/** Device and inode of a path, as `fs.statSync` gives them. */
function pathIdentity(file) {
  const st = fs.statSync(file, { bigint: true })
  return { dev: st.dev, ino: st.ino }
}

/** A number that is surely not an open descriptor. */
const NOT_OPEN = 1_000_000

// ---------------------------------------------------------------------------
// The cases

/** The root module (`sysix`), the subpath module (`sysix/fs`), and how each was loaded. */
let S
let FS
let loaded

/**
 * I/O on a descriptor sysix made. Deno's node:fs takes only its own
 * resource ids, never a kernel descriptor it did not open (`EBADF`), so on
 * Deno these go through sysix's own readv/writev; elsewhere through node:fs
 * with the lent number, as the README shows.
 */
function writeTo(owned, data) {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data
  return DENO ? S.writevSync(owned, [bytes]) : fs.writeSync(owned.fd, bytes)
}

function readFrom(owned, size = 65536) {
  const buffer = Buffer.alloc(size)
  const n = DENO ? S.readvSync(owned, [buffer]) : fs.readSync(owned.fd, buffer)
  return buffer.subarray(0, n)
}

/** Device and inode of the file a descriptor sysix made has open (through sysix on Deno, see above). */
function fdIdentity(owned) {
  if (DENO) {
    const st = S.statxSync(owned)
    return { dev: st.dev, ino: st.ino }
  }
  const st = fs.fstatSync(typeof owned === 'number' ? owned : owned.fd, { bigint: true })
  return { dev: st.dev, ino: st.ino }
}

/** Everything one case may use: a fresh directory, cleanups that run even if it fails, notes. */
function context() {
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

let TMP

/**
 * One case per export, or per group of exports: the key lists the names it
 * covers, `, `-separated. The `coverage` case checks these names against
 * the module's.
 */
const exportCases = {
  // CommonJS interop names: present or not depending on how the runtime imports CommonJS.
  'default, __esModule, module.exports': async () => {
    // Bun answers `'__esModule' in namespace` with true without having it: look at the keys.
    const keys = Object.keys(S)
    const named = keys.filter((key) => !INTEROP.includes(key))
    if (keys.includes('default')) {
      const cjs = S.default
      assert.equal(typeof cjs, 'object', 'default is the CommonJS exports object')
      assert.deepEqual(Object.keys(cjs).sort(), named.sort(), 'default holds exactly the named exports')
      for (const key of named) {
        assert.equal(S[key], cjs[key], `${key} is the same value as default.${key}`)
      }
      if (keys.includes('module.exports')) {
        assert.equal(S['module.exports'], cjs)
      }
    } else {
      // Loaded with require (see the load case): the exports object itself.
      assert.equal(loaded.root.how, 'require', 'an import() namespace of a CommonJS module has a default export')
    }
    if (keys.includes('__esModule')) {
      assert.equal(S.__esModule, true)
    }
  },

  OwnedFd: async (t) => {
    const { OwnedFd } = S
    const file = t.file('owned.txt', 'owned data')
    assert.throws(() => new OwnedFd(), { name: 'TypeError', message: /Illegal constructor/ })

    let owned
    if (DENO) {
      // Deno's node:fs numbers cannot be adopted (see the fromRaw case): take one sysix opened.
      owned = t.own(S.openSync(file, 'r'))
    } else {
      const raw = fs.openSync(file, 'r')
      owned = t.own(OwnedFd.fromRaw(raw))
      assert.equal(owned.fd, raw, 'fromRaw keeps the number in the main thread')
    }
    assert.ok(owned instanceof OwnedFd)
    assert.equal(owned.closed, false)
    assert.ok(Number.isInteger(owned.fd) && owned.fd > 2)
    assert.deepEqual(fdIdentity(owned), pathIdentity(file))
    assert.equal(readFrom(owned).toString(), 'owned data')
    assert.equal(util.inspect(owned), `OwnedFd { fd: ${owned.fd} }`)

    const dup = t.own(owned.dup())
    assert.notEqual(dup.fd, owned.fd)
    assert.ok(dup.fd >= 3)
    assert.deepEqual(fdIdentity(dup), fdIdentity(owned))
    assert.equal(S.fcntlGetFd(dup) & S.constants.FD_CLOEXEC, S.constants.FD_CLOEXEC, 'dup() is close-on-exec')

    const borrowed = owned.borrow()
    assert.ok(borrowed instanceof S.BorrowedFd)
    assert.equal(borrowed.fd, owned.fd)

    const number = owned.fd
    owned.close()
    assert.equal(owned.closed, true)
    assert.equal(fdTarget(number), null, 'close() closed the descriptor')
    assert.throws(() => owned.fd, { code: 'EBADF' })
    assert.throws(() => borrowed.fd, { code: 'EBADF' })
    assert.throws(() => owned.dup(), { code: 'EBADF' })
    assert.throws(() => owned.borrow(), { code: 'EBADF' })
    assert.throws(() => owned.intoRaw(), { code: 'EBADF' })
    assert.throws(() => S.fileTimesSync(owned), { code: 'EBADF', message: /the OwnedFd passed as "target" is closed/ })
    owned.close()
    owned[Symbol.dispose]()
    assert.equal(util.inspect(owned), 'OwnedFd { closed }')
    assert.equal(dup.closed, false, 'a duplicate outlives the original')
    assert.deepEqual(fdIdentity(dup), pathIdentity(file))

    const disposed = S.openSync(file)
    const disposedNumber = disposed.fd
    disposed[Symbol.dispose]()
    assert.equal(disposed.closed, true)
    assert.equal(fdTarget(disposedNumber), null, 'Symbol.dispose closed it')

    const given = S.openSync(file)
    const raw = given.intoRaw()
    assert.equal(given.closed, true)
    assert.equal(fdTarget(raw), file, 'intoRaw() gives the descriptor up without closing it')
    const back = t.own(OwnedFd.fromRaw(raw))
    assert.equal(back.fd, raw, 'a number sysix handed out is adopted as it is, on every runtime')
    back.close()
    assert.equal(fdTarget(raw), null)

    if (DENO) {
      // On Deno any number sysix does not know is refused before the kernel is asked.
      assert.throws(() => OwnedFd.fromRaw(NOT_OPEN), { code: /^(EBADF|ERR_INVALID_ARG_VALUE)$/ })
    } else {
      assert.throws(() => OwnedFd.fromRaw(NOT_OPEN), { code: 'EBADF' })
    }
    assert.throws(() => OwnedFd.fromRaw(-1), { code: 'ERR_OUT_OF_RANGE' })
    assert.throws(() => OwnedFd.fromRaw('3'), { code: 'ERR_INVALID_ARG_TYPE' })
  },

  'BorrowedFd, borrowFd': async (t) => {
    const file = t.file('borrowed.txt', 'borrowed')
    assert.throws(() => new S.BorrowedFd(), { name: 'TypeError', message: /Illegal constructor/ })
    const stdout = S.borrowFd(1)
    assert.ok(stdout instanceof S.BorrowedFd)
    assert.equal(stdout.fd, 1)
    assert.equal(util.inspect(stdout), 'BorrowedFd { fd: 1 }')
    assert.throws(() => S.borrowFd(-1), { code: 'ERR_OUT_OF_RANGE' })
    assert.throws(() => S.borrowFd('1'), { code: 'ERR_INVALID_ARG_TYPE' })

    const owned = t.own(S.openSync(file))
    const number = owned.fd
    const borrowed = S.borrowFd(number)
    assert.equal(S.statxSync(borrowed).ino, pathIdentity(file).ino, 'sysix calls take a BorrowedFd')
    assert.equal(S.sameFileSync(borrowed, file), true)
    assert.equal(owned.closed, false)
    assert.equal(fdTarget(number), file, 'borrowing never closes')
    owned.close()
    assert.equal(borrowed.fd, number, 'a borrowed number is trusted, not checked')
  },

  'Pipe, pipe': async (t) => {
    const { constants } = S
    assert.throws(() => new S.Pipe(), { name: 'TypeError', message: /Illegal constructor/ })
    const p = t.own(S.pipe())
    assert.ok(p instanceof S.Pipe)
    assert.ok(p.reader instanceof S.OwnedFd && p.writer instanceof S.OwnedFd)
    assert.match(fdTarget(p.reader.fd), /^pipe:\[\d+\]$/)
    assert.equal(fdTarget(p.reader.fd), fdTarget(p.writer.fd), 'both ends are one pipe')
    assert.equal(S.fcntlGetFl(p.reader) & constants.O_ACCMODE, constants.O_RDONLY)
    assert.equal(S.fcntlGetFl(p.writer) & constants.O_ACCMODE, constants.O_WRONLY)
    assert.equal(S.fcntlGetFd(p.reader) & constants.FD_CLOEXEC, constants.FD_CLOEXEC)
    assert.equal(S.fcntlGetFd(p.writer) & constants.FD_CLOEXEC, constants.FD_CLOEXEC)
    assert.equal(S.statxSync(p.reader).type, 'fifo')

    assert.equal(writeTo(p.writer, 'through the pipe'), 16)
    assert.equal(readFrom(p.reader).toString(), 'through the pipe')
    p.writer.close()
    assert.equal(readFrom(p.reader).length, 0, 'end of file once the writer is closed')
    const numbers = [p.reader.fd]
    p[Symbol.dispose]()
    assert.equal(p.reader.closed, true)
    assert.equal(fdTarget(numbers[0]), null)
    p[Symbol.dispose]()

    const both = S.pipe()
    const ends = [both.reader.fd, both.writer.fd]
    both[Symbol.dispose]()
    assert.deepEqual(ends.map(fdTarget), [null, null], 'Symbol.dispose closes both ends')

    const nb = t.own(S.pipe({ nonBlocking: true }))
    assert.equal(S.fcntlGetFl(nb.reader) & constants.O_NONBLOCK, constants.O_NONBLOCK)
    assert.throws(() => S.readvSync(nb.reader, [Buffer.alloc(4)]), { code: 'EAGAIN' })

    const packets = t.own(S.pipe({ direct: true }))
    assert.equal(S.fcntlGetFl(packets.writer) & constants.O_DIRECT, constants.O_DIRECT)
    S.writevSync(packets.writer, [Buffer.from('one')])
    S.writevSync(packets.writer, [Buffer.from('two')])
    const buffer = Buffer.alloc(64)
    assert.equal(S.readvSync(packets.reader, [buffer]), 3, 'a read returns one packet')
    assert.equal(buffer.subarray(0, 3).toString(), 'one')

    assert.throws(() => S.pipe({ nonBlocking: 1 }), { code: 'ERR_INVALID_ARG_TYPE' })
  },

  'pipeCapacity, setPipeCapacity': async (t) => {
    const p = t.own(S.pipe())
    const capacity = S.pipeCapacity(p.reader)
    assert.equal(capacity, S.info().pipe.defaultCapacity)
    assert.equal(S.pipeCapacity(p.writer), capacity, 'one buffer for both ends')
    assert.equal(S.setPipeCapacity(p.writer, 100_000), 131072, 'rounded up to a power-of-two number of pages')
    assert.equal(S.pipeCapacity(p.reader), 131072)
    S.writevSync(p.writer, [Buffer.alloc(10_000)])
    assert.throws(() => S.setPipeCapacity(p.writer, 4096), { code: 'EBUSY', syscall: 'fcntl' })
    assert.throws(() => S.setPipeCapacity(p.writer, -1), { code: 'ERR_OUT_OF_RANGE' })
    const file = t.own(S.openSync(t.file('not-a-pipe', '')))
    assert.throws(() => S.pipeCapacity(file), { code: 'EBADF' })
  },

  'dupStdin, dupStdout, dupStderr': async () => {
    for (const [dup, std] of [
      [S.dupStdin, 0],
      [S.dupStdout, 1],
      [S.dupStderr, 2],
    ]) {
      const fd = dup()
      try {
        assert.ok(fd instanceof S.OwnedFd)
        assert.ok(fd.fd > 2)
        assert.equal(S.fcntlGetFd(fd) & S.constants.FD_CLOEXEC, S.constants.FD_CLOEXEC, `${dup.name} is close-on-exec`)
        assert.equal(fdTarget(fd.fd), fdTarget(std), `${dup.name} duplicates descriptor ${std}`)
        assert.equal(S.sameFileSync(fd, std), true)
      } finally {
        fd.close()
      }
    }
  },

  cpuCount: async () => {
    const n = S.cpuCount()
    assert.ok(Number.isInteger(n) && n >= 1, `cpuCount() = ${n}`)
    const affinity = S.cpuAffinity().length
    const quota = S.cpuQuota()
    assert.equal(
      n,
      Math.max(1, quota === null ? affinity : Math.min(affinity, Math.ceil(quota.cpus))),
      'affinity capped by the quota, rounded up',
    )
    assert.ok(n <= os.cpus().length)
    assert.equal(typeof os.availableParallelism, 'function')
    // availableParallelism applies affinity, and (libuv 1.49+) the quota rounded down.
    const available = os.availableParallelism()
    assert.ok(
      n <= (quota === null ? available : Math.max(available, Math.ceil(quota.cpus))),
      `cpuCount() ${n}, availableParallelism() ${available}`,
    )
  },

  physicalCpuCount: async () => {
    const n = S.physicalCpuCount()
    assert.ok(Number.isInteger(n) && n >= 1)
    assert.ok(n <= os.cpus().length, 'no more cores than logical CPUs')
    const cores = new Set()
    let physical = '0'
    for (const line of fs.readFileSync('/proc/cpuinfo', 'utf8').split('\n')) {
      const [key, value] = line.split(':').map((part) => part?.trim())
      if (key === 'physical id') {
        physical = value
      } else if (key === 'core id') {
        cores.add(`${physical}:${value}`)
      }
    }
    assert.equal(n, cores.size > 0 ? cores.size : S.cpuCount(), 'the distinct (physical id, core id) pairs of /proc/cpuinfo')
  },

  cpuAffinity: async () => {
    const cpus = S.cpuAffinity()
    assert.ok(Array.isArray(cpus) && cpus.length >= 1)
    assert.deepEqual(
      cpus,
      [...new Set(cpus)].sort((a, b) => a - b),
      'ascending, no repeats',
    )
    const status = fs.readFileSync('/proc/thread-self/status', 'utf8')
    const list = status.match(/^Cpus_allowed_list:\s*(.+)$/m)[1]
    const expected = list.split(',').flatMap((range) => {
      const [from, to = from] = range.split('-').map(Number)
      return Array.from({ length: to - from + 1 }, (_, i) => from + i)
    })
    assert.deepEqual(cpus, expected, `Cpus_allowed_list: ${list}`)
  },

  cpuQuota: async () => {
    const quota = S.cpuQuota()
    const lines = fs.readFileSync('/proc/self/cgroup', 'utf8').trim().split('\n')
    if (quota === null) {
      // No limit from the process's own cgroup, at least: check what is readable.
      for (const line of lines) {
        const [, controllers, group] = line.split(':')
        if (controllers === '') {
          const max = readOptional(path.join('/sys/fs/cgroup', group, 'cpu.max'))
          assert.ok(max === null || max.startsWith('max'), `cpu.max of ${group}: ${max}`)
        } else if (controllers.split(',').includes('cpu')) {
          for (const mount of ['/sys/fs/cgroup/cpu', '/sys/fs/cgroup/cpu,cpuacct']) {
            const us = readOptional(path.join(mount, group, 'cpu.cfs_quota_us'))
            assert.ok(us === null || Number(us) < 0, `cpu.cfs_quota_us of ${group}: ${us}`)
          }
        }
      }
      return
    }
    assert.ok(quota.version === 1 || quota.version === 2)
    assert.ok(fs.statSync(quota.cgroup).isDirectory(), quota.cgroup)
    assert.ok(quota.quotaUs > 0 && quota.periodUs > 0)
    assert.ok(Math.abs(quota.cpus - quota.quotaUs / quota.periodUs) < 1e-9)
    if (quota.version === 2) {
      assert.equal(readOptional(path.join(quota.cgroup, 'cpu.max')), `${quota.quotaUs} ${quota.periodUs}`)
    } else {
      assert.equal(Number(readOptional(path.join(quota.cgroup, 'cpu.cfs_quota_us'))), quota.quotaUs)
    }
  },

  FileId: async (t) => {
    const { FileId } = S
    const file = t.file('id.txt', 'identity')
    const link = t.file('hard')
    fs.linkSync(file, link)
    const symlink = t.file('soft')
    fs.symlinkSync(file, symlink)
    const other = t.file('other.txt', 'other')
    const { dev, ino } = pathIdentity(file)

    assert.throws(() => new FileId(), { name: 'TypeError', message: /Illegal constructor/ })
    const id = t.own(FileId.fromPath(file))
    assert.equal(id.dev, dev)
    assert.equal(id.ino, ino)
    assert.equal(util.inspect(id), `FileId { dev: ${dev}n, ino: ${ino}n }`)
    assert.equal(id.equals(t.own(FileId.fromPath(link))), true, 'a hard link')
    assert.equal(id.equals(t.own(FileId.fromPath(symlink))), true, 'a symlink, followed')
    assert.equal(id.equals(t.own(FileId.fromPath(pathToFileURL(file)))), true, 'a file: URL')
    assert.equal(id.equals(t.own(FileId.fromPath(other))), false)
    const fd = S.openSync(file)
    const fromFd = t.own(FileId.fromFd(fd))
    fd.close()
    assert.equal(fromFd.equals(id), true, 'fromFd holds its own duplicate')
    assert.throws(() => id.equals({}), { code: 'ERR_INVALID_ARG_TYPE' })
    assert.throws(() => FileId.fromPath(t.file('missing')), { code: 'ENOENT' })

    S.mkfifoatSync(S.AT_FDCWD, t.file('fifo'))
    assert.equal(t.own(FileId.fromPath(t.file('fifo'))).ino, pathIdentity(t.file('fifo')).ino, 'a FIFO, without blocking')

    for (const [std, n] of [
      ['stdin', 0],
      ['stdout', 1],
      ['stderr', 2],
    ]) {
      const a = t.own(FileId[std]())
      assert.equal(a.equals(t.own(FileId.fromFd(n))), true, `FileId.${std}() is descriptor ${n}`)
    }

    id.close()
    assert.equal(id.closed, true)
    assert.throws(() => id.ino, { code: 'EBADF' })
    assert.throws(() => id.dev, { code: 'EBADF' })
    assert.throws(() => fromFd.equals(id), { code: 'EBADF' })
    id.close()
    id[Symbol.dispose]()
    assert.equal(util.inspect(id), 'FileId { closed }')
    const disposed = FileId.fromPath(file)
    disposed[Symbol.dispose]()
    assert.equal(disposed.closed, true)
  },

  'sameFile, sameFileSync': async (t) => {
    const file = t.file('same.txt', 'x')
    const link = t.file('hard')
    fs.linkSync(file, link)
    const symlink = t.file('soft')
    fs.symlinkSync(file, symlink)
    const other = t.file('other.txt', 'y')
    const missing = t.file('missing')
    assert.equal(S.sameFileSync(file, link), true)
    assert.equal(S.sameFileSync(file, symlink), true)
    assert.equal(S.sameFileSync(file, other), false)
    assert.equal(S.sameFileSync(pathToFileURL(file), Buffer.from(link)), true)
    const fd = t.own(S.openSync(other))
    assert.equal(S.sameFileSync(fd, other), true)
    assert.equal(S.sameFileSync(file, fd), false)
    assert.equal(await S.sameFile(symlink, file), true)
    assert.equal(await S.sameFile(fd, file), false)
    assert.equal(await S.sameFile(fd.borrow(), other), true)
    assert.throws(() => S.sameFileSync(missing, file), { code: 'ENOENT', path: missing })
    await assert.rejects(S.sameFile(file, missing), { code: 'ENOENT', path: missing })
    assert.throws(() => S.sameFileSync({}, file), { code: 'ERR_INVALID_ARG_TYPE' })
  },

  'fileTimes, fileTimesSync': async (t) => {
    const file = t.file('times.txt', 'times')
    S.setFileTimesSync(file, { atime: 1_600_000_000_987_654_321n, mtime: 1_700_000_000_123_456_789n })
    const times = S.fileTimesSync(file)
    const exact = exactTimes(file)
    assert.equal(times.atimeNs, 1_600_000_000_987_654_321n)
    assert.equal(times.mtimeNs, 1_700_000_000_123_456_789n)
    assert.deepEqual({ atimeNs: times.atimeNs, mtimeNs: times.mtimeNs, ctimeNs: times.ctimeNs }, exact)
    assert.ok(times.birthtimeNs === null || typeof times.birthtimeNs === 'bigint')
    if (times.birthtimeNs !== null) {
      assert.ok(times.birthtimeNs <= times.ctimeNs)
    }
    const fd = t.own(S.openSync(file))
    assert.deepEqual(S.fileTimesSync(fd), times, 'by descriptor')
    assert.deepEqual(await S.fileTimes(file), times)
    assert.deepEqual(await S.fileTimes(fd), times)
    const symlink = t.file('link')
    fs.symlinkSync(file, symlink)
    assert.equal(S.fileTimesSync(symlink).mtimeNs, times.mtimeNs, 'follows symlinks')
    assert.equal((await S.fileTimes(symlink, { followSymlinks: false })).mtimeNs, exactTimes(symlink, { follow: false }).mtimeNs)
    assert.throws(() => S.fileTimesSync(t.file('missing')), { code: 'ENOENT', syscall: 'statx' })
    await assert.rejects(S.fileTimes(t.file('missing')), { code: 'ENOENT' })
  },

  'setFileTimes, setFileTimesSync': async (t) => {
    const file = t.file('set.txt', 'x')
    const { atimeNs } = exactTimes(file)
    S.setFileTimesSync(file, { mtime: 1_700_000_000_123_456_789n })
    assert.equal(exactTimes(file).mtimeNs, 1_700_000_000_123_456_789n)
    assert.equal(exactTimes(file).atimeNs, atimeNs, 'an atime left out stays')

    const fd = t.own(S.openSync(file, 'r+'))
    S.setFileTimesSync(fd, { atime: new Date(0) })
    assert.equal(exactTimes(file).atimeNs, 0n)
    assert.equal(exactTimes(file).mtimeNs, 1_700_000_000_123_456_789n)

    const before = BigInt(Date.now() - 2000) * 1_000_000n
    S.setFileTimesSync(file, { mtime: 'now' })
    const now = exactTimes(file).mtimeNs
    assert.ok(now >= before && now <= BigInt(Date.now() + 2000) * 1_000_000n, `'now' set ${now}`)

    await S.setFileTimes(file, { atime: 1234.5, mtime: 5_000_000_007n })
    assert.equal(exactTimes(file).atimeNs, 1_234_500_000n, 'a number is milliseconds')
    assert.equal(exactTimes(file).mtimeNs, 5_000_000_007n)
    await S.setFileTimes(fd, { mtime: 9n })
    assert.equal(exactTimes(file).mtimeNs, 9n)

    const symlink = t.file('link')
    fs.symlinkSync(file, symlink)
    S.setFileTimesSync(symlink, { mtime: 42_000_000_000n }, { followSymlinks: false })
    assert.equal(exactTimes(symlink, { follow: false }).mtimeNs, 42_000_000_000n, "the link's own time")
    assert.equal(exactTimes(file).mtimeNs, 9n, 'the target left alone')

    assert.throws(() => S.setFileTimesSync(file, {}), { code: 'ERR_INVALID_ARG_VALUE' })
    assert.throws(() => S.setFileTimesSync(file, { mtime: 'yesterday' }), { code: 'ERR_INVALID_ARG_VALUE' })
    assert.throws(() => S.setFileTimesSync(file, { mtime: Number.NaN }), { code: 'ERR_OUT_OF_RANGE' })
    await assert.rejects(S.setFileTimes(t.file('missing'), { mtime: 0n }), { code: 'ENOENT', syscall: 'utimensat' })
  },

  info: async () => {
    const info = S.info()
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
    assert.equal(info.sysix.version, pkg.version)
    const name = BUN ? 'bun' : DENO ? 'deno' : 'node'
    assert.equal(info.runtime.name, name)
    assert.equal(info.runtime.version, process.versions[name])
    assert.ok(info.runtime.napi === null || (Number.isInteger(info.runtime.napi) && info.runtime.napi >= 1))
    assert.equal(info.kernel.name, 'Linux')
    assert.equal(info.kernel.release, os.release())
    assert.equal(info.kernel.machine, os.machine())
    assert.equal(info.cpu.count, S.cpuCount())
    assert.equal(info.cpu.physical, S.physicalCpuCount())
    assert.deepEqual(info.cpu.affinity, S.cpuAffinity())
    assert.deepEqual(info.cpu.quota, S.cpuQuota())
    assert.equal(info.cpu.nodeCpus, os.cpus().length)
    assert.equal(info.cpu.nodeAvailableParallelism, os.availableParallelism())
    const limits = fs.readFileSync('/proc/self/limits', 'utf8').match(/^Max open files\s+(\S+)\s+(\S+)/m)
    const limit = (text) => (text === 'unlimited' ? null : Number(text))
    assert.deepEqual(info.openFiles, { soft: limit(limits[1]), hard: limit(limits[2]) })
    assert.equal(info.pipe.maxCapacity, Number(fs.readFileSync('/proc/sys/fs/pipe-max-size', 'utf8')))
    const p = S.pipe()
    assert.equal(info.pipe.defaultCapacity, S.pipeCapacity(p.reader))
    p[Symbol.dispose]()
    assert.equal(info.cwd?.path, process.cwd())
  },

  'AT_FDCWD, constants': async () => {
    const { constants } = S
    assert.equal(S.AT_FDCWD, -100)
    assert.equal(constants.AT_FDCWD, -100)
    assert.ok(Object.isFrozen(constants))
    for (const key of Object.keys(fs.constants)) {
      if (/^(O_|S_IF|[FRWX]_OK$)/.test(key) && key in constants) {
        assert.equal(constants[key], fs.constants[key], `constants.${key} is fs.constants.${key}`)
      }
    }
    // Values the kernel fixes on every architecture.
    const fixed = {
      FD_CLOEXEC: 1,
      IN_CREATE: 0x100,
      IN_CLOSE_WRITE: 0x8,
      IN_IGNORED: 0x8000,
      RENAME_NOREPLACE: 1,
      RENAME_EXCHANGE: 2,
      XATTR_CREATE: 1,
      XATTR_REPLACE: 2,
      F_SEAL_SEAL: 1,
      F_SEAL_WRITE: 8,
      STATX_SIZE: 0x200,
      RESOLVE_BENEATH: 0x08,
      RWF_NOWAIT: 0x8,
      MFD_ALLOW_SEALING: 2,
    }
    for (const [key, value] of Object.entries(fixed)) {
      assert.equal(constants[key], value, `constants.${key}`)
    }
    assert.ok(Number.isInteger(constants.O_PATH) && constants.O_PATH > 0)
    assert.equal(constants.O_TMPFILE & constants.O_DIRECTORY, constants.O_DIRECTORY, 'O_TMPFILE includes O_DIRECTORY')
  },

  'open, openSync': async (t) => {
    const { constants } = S
    const file = t.file('open.txt', 'opened')
    const fd = t.own(S.openSync(file))
    assert.ok(fd instanceof S.OwnedFd)
    assert.equal(readFrom(fd).toString(), 'opened')
    assert.equal(S.fcntlGetFd(fd) & constants.FD_CLOEXEC, constants.FD_CLOEXEC, 'close-on-exec')
    assert.equal(S.fcntlGetFl(fd) & constants.O_ACCMODE, constants.O_RDONLY, "'r' by default")

    const created = t.own(S.openSync(t.file('new.txt'), 'wx', 0o600))
    writeTo(created, 'new')
    assert.equal(fs.readFileSync(t.file('new.txt'), 'utf8'), 'new')
    assert.equal(fs.statSync(t.file('new.txt')).mode & 0o777, 0o600 & ~process.umask())
    assert.throws(() => S.openSync(t.file('new.txt'), 'wx'), { code: 'EEXIST', syscall: 'open', path: t.file('new.txt') })
    assert.throws(() => S.openSync(t.file('missing')), { code: 'ENOENT', path: t.file('missing') })
    assert.throws(() => S.openSync(file, 'bogus'), { code: 'ERR_INVALID_ARG_VALUE' })

    const pathOnly = t.own(S.openSync(file, constants.O_PATH))
    assert.equal(S.fcntlGetFl(pathOnly) & constants.O_PATH, constants.O_PATH, 'numeric flags Node cannot express')
    const tmp = t.own(S.openSync(t.dir, constants.O_TMPFILE | constants.O_RDWR, 0o600))
    assert.equal(S.statxSync(tmp).nlink, 0, 'O_TMPFILE: a file with no name')

    const promised = await S.open(file, 'r')
    t.own(promised)
    assert.ok(promised instanceof S.OwnedFd)
    assert.equal(readFrom(promised).toString(), 'opened')
    await assert.rejects(S.open(t.file('missing')), { code: 'ENOENT', path: t.file('missing') })
  },

  'openat, openatSync': async (t) => {
    const { constants } = S
    t.file('inside.txt', 'inside')
    const dir = t.own(S.openSync(t.dir, constants.O_RDONLY | constants.O_DIRECTORY))
    assert.equal(readFrom(t.own(S.openatSync(dir, 'inside.txt'))).toString(), 'inside')
    const made = t.own(S.openatSync(dir, 'made.txt', 'wx', 0o640))
    writeTo(made, 'made')
    assert.equal(fs.readFileSync(t.file('made.txt'), 'utf8'), 'made')
    assert.throws(() => S.openatSync(dir, 'made.txt', 'wx'), { code: 'EEXIST' })
    assert.equal(readFrom(t.own(S.openatSync(S.AT_FDCWD, t.file('inside.txt')))).toString(), 'inside')
    const promised = t.own(await S.openat(dir, 'inside.txt'))
    assert.equal(readFrom(promised).toString(), 'inside')
    await assert.rejects(S.openat(dir, 'missing'), { code: 'ENOENT' })
    await assert.rejects(S.openat(t.own(S.openSync(t.file('inside.txt'))), 'x'), { code: 'ENOTDIR' })
  },

  'openat2, openat2Sync': async (t) => {
    const { constants } = S
    const root = path.join(t.dir, 'root')
    fs.mkdirSync(root)
    fs.writeFileSync(path.join(root, 'in.txt'), 'in')
    fs.writeFileSync(t.file('out.txt'), 'out')
    fs.symlinkSync('../out.txt', path.join(root, 'up'))
    fs.symlinkSync('in.txt', path.join(root, 'link'))
    const dir = t.own(S.openSync(root, constants.O_RDONLY | constants.O_DIRECTORY))
    const beneath = { resolve: { beneath: true } }
    assert.equal(readFrom(t.own(S.openat2Sync(dir, 'in.txt', beneath))).toString(), 'in')
    assert.equal(readFrom(t.own(S.openat2Sync(dir, 'link', beneath))).toString(), 'in', 'a symlink inside is followed')
    for (const way of ['../out.txt', 'up', '/etc/hostname']) {
      assert.throws(() => S.openat2Sync(dir, way, beneath), { code: 'EXDEV', syscall: 'openat2' }, way)
    }
    assert.equal(readFrom(t.own(S.openat2Sync(dir, '../out.txt'))).toString(), 'out', 'no resolve limits: as openat')
    assert.throws(() => S.openat2Sync(dir, 'link', { resolve: { noSymlinks: true } }), { code: 'ELOOP' })
    assert.equal(readFrom(t.own(S.openat2Sync(dir, '/in.txt', { resolve: { inRoot: true } }))).toString(), 'in')
    const made = t.own(S.openat2Sync(dir, 'new.txt', { flags: 'wx', mode: 0o600, resolve: constants.RESOLVE_BENEATH }))
    assert.equal(S.statxSync(made).type, 'file')
    assert.equal(readFrom(t.own(await S.openat2(dir, 'in.txt', beneath))).toString(), 'in')
    await assert.rejects(S.openat2(dir, '../out.txt', beneath), { code: 'EXDEV' })
    assert.throws(() => S.openat2Sync(dir, 'in.txt', { resolve: { beneath: 1 } }), { code: 'ERR_INVALID_ARG_TYPE' })
  },

  Root: async (t) => {
    const { Root } = S
    const top = path.join(t.dir, 'top')
    fs.mkdirSync(path.join(top, 'sub'), { recursive: true })
    fs.writeFileSync(path.join(top, 'a.txt'), 'A')
    fs.writeFileSync(path.join(top, 'sub', 'b.txt'), 'B')
    fs.writeFileSync(t.file('outside.txt'), 'outside')
    fs.symlinkSync('../outside.txt', path.join(top, 'up'))
    fs.symlinkSync('/etc/hostname', path.join(top, 'abs'))
    fs.symlinkSync('sub/b.txt', path.join(top, 'in'))
    assert.throws(() => new Root(), { name: 'TypeError', message: /Illegal constructor/ })

    for (const options of [undefined, { openat2: false }]) {
      const root = t.own(Root.openSync(top, options))
      const label = options === undefined ? 'default resolver' : 'sysix resolver'
      assert.ok(root instanceof Root)
      assert.equal(typeof root.kernelResolution, 'boolean')
      if (options !== undefined) {
        assert.equal(root.kernelResolution, false)
      }
      assert.equal(readFrom(t.own(root.openSync('a.txt'))).toString(), 'A', label)
      assert.equal(readFrom(t.own(root.openSync('in'))).toString(), 'B', `${label}: a symlink inside is followed`)
      assert.equal(readFrom(t.own(root.openSync('sub/../a.txt'))).toString(), 'A', `${label}: .. inside`)
      for (const way of ['..', '../outside.txt', 'sub/../../outside.txt', '/etc/hostname', 'up', 'abs', 'sub/../up']) {
        assert.throws(() => root.openSync(way), { code: 'EXDEV' }, `${label}: ${way}`)
      }
      await assert.rejects(root.open('../outside.txt'), { code: 'EXDEV' }, label)
      assert.throws(() => root.mkdirSync('../escaped'), { code: 'EXDEV' }, label)
      assert.throws(() => root.renameSync('a.txt', '../moved'), { code: 'EXDEV' }, label)
      assert.throws(() => root.statSync('up'), { code: 'EXDEV' }, label)
      assert.equal(fs.existsSync(t.file('escaped')), false)
    }

    const root = t.own(await Root.open(top))
    assert.match(util.inspect(root), /^Root \{ fd: \d+, resolver: '(openat2|userspace)' \}$/)
    assert.equal(S.statxSync(root.fd).type, 'directory', 'fd: the directory, lent')
    assert.equal(S.statxSync(root.fd).ino, pathIdentity(top).ino)

    const opened = t.own(await root.open('made.txt', 'wx', 0o600))
    writeTo(opened, 'made')
    assert.equal(fs.readFileSync(path.join(top, 'made.txt'), 'utf8'), 'made')

    assert.equal(root.statSync('a.txt').ino, pathIdentity(path.join(top, 'a.txt')).ino)
    assert.equal(root.statSync('a.txt').size, 1n)
    assert.equal(root.statSync('in').type, 'file')
    assert.equal(root.lstatSync('in').type, 'symlink')
    assert.equal((await root.stat('in')).ino, pathIdentity(path.join(top, 'sub', 'b.txt')).ino)
    assert.equal((await root.lstat('up')).type, 'symlink', 'lstat of a link that leads out: the link itself')

    root.mkdirSync('made-dir')
    await root.mkdir('made-dir2', 0o700)
    assert.ok(fs.statSync(path.join(top, 'made-dir')).isDirectory())
    assert.equal(fs.statSync(path.join(top, 'made-dir2')).mode & 0o777, 0o700 & ~process.umask())
    const names = (entries) => entries.map((entry) => entry.name).sort()
    assert.deepEqual(names(root.readdirSync()), fs.readdirSync(top).sort())
    assert.deepEqual(names(root.readdirSync('sub')), ['b.txt'])
    const buffers = await root.readdir('sub', { encoding: 'buffer' })
    assert.ok(Buffer.isBuffer(buffers[0].name))
    assert.deepEqual(names(await root.readdir()), fs.readdirSync(top).sort())

    assert.equal(root.readlinkSync('up'), '../outside.txt')
    assert.equal(await root.readlink('abs'), '/etc/hostname')
    assert.deepEqual(root.readlinkSync('in', { encoding: 'buffer' }), Buffer.from('sub/b.txt'))
    root.symlinkSync('a.txt', 'l1')
    assert.equal(fs.readlinkSync(path.join(top, 'l1')), 'a.txt')
    await root.symlink('/sub/b.txt', 'l2')
    assert.equal(fs.readlinkSync(path.join(top, 'l2')), '/sub/b.txt', 'created as written')
    assert.throws(() => root.openSync('l2'), { code: 'EXDEV' }, 'an absolute symlink is not followed')

    root.linkSync('a.txt', 'hard')
    await root.link('a.txt', 'hard2')
    assert.equal(fs.statSync(path.join(top, 'a.txt')).nlink, 3)
    root.renameSync('hard', 'hard-renamed')
    await assert.rejects(root.rename('hard2', 'hard-renamed', { noReplace: true }), { code: 'EEXIST' })
    await root.rename('hard2', 'hard3')
    assert.ok(fs.existsSync(path.join(top, 'hard-renamed')) && fs.existsSync(path.join(top, 'hard3')))
    root.unlinkSync('hard-renamed')
    await root.unlink('hard3')
    assert.equal(fs.statSync(path.join(top, 'a.txt')).nlink, 1)
    assert.throws(() => root.unlinkSync('made-dir'), { code: 'EISDIR' })
    root.rmdirSync('made-dir')
    await root.rmdir('made-dir2')
    assert.equal(fs.existsSync(path.join(top, 'made-dir')) || fs.existsSync(path.join(top, 'made-dir2')), false)

    root.chmodSync('a.txt', 0o600)
    assert.equal(fs.statSync(path.join(top, 'a.txt')).mode & 0o777, 0o600)
    await root.chmod('in', 0o640)
    assert.equal(fs.statSync(path.join(top, 'sub', 'b.txt')).mode & 0o777, 0o640, 'chmod follows a symlink inside')

    root.setFileTimesSync('a.txt', { mtime: 5_000_000_001n })
    assert.equal(exactTimes(path.join(top, 'a.txt')).mtimeNs, 5_000_000_001n)
    await root.setFileTimes('in', { mtime: 6_000_000_002n }, { followSymlinks: false })
    assert.equal(exactTimes(path.join(top, 'in'), { follow: false }).mtimeNs, 6_000_000_002n)

    const sub = t.own(root.openRootSync('sub'))
    assert.equal(readFrom(t.own(sub.openSync('b.txt'))).toString(), 'B')
    assert.throws(() => sub.openSync('../a.txt'), { code: 'EXDEV' }, 'a sub-root is a root of its own')
    assert.equal(sub.kernelResolution, root.kernelResolution)
    const sub2 = t.own(await root.openRoot('sub'))
    assert.deepEqual(names(sub2.readdirSync()), ['b.txt'])
    await assert.rejects(root.openRoot('..'), { code: 'EXDEV' })

    root.close()
    assert.equal(root.closed, true)
    assert.throws(() => root.fd, { code: 'EBADF' })
    assert.throws(() => root.openSync('a.txt'), { code: 'EBADF' })
    await assert.rejects(async () => root.stat('a.txt'), { code: 'EBADF' })
    assert.equal(util.inspect(root), 'Root { closed }')
    root[Symbol.dispose]()
  },

  'STATX_LEN, StatxSlot, statx, statxSync': async (t) => {
    const { StatxSlot, STATX_LEN } = S
    const file = t.file('statx.txt', 'twelve bytes')
    const st = fs.statSync(file, { bigint: true })
    const x = S.statxSync(file)
    assert.equal(x.type, 'file')
    assert.equal(x.size, st.size)
    assert.equal(x.ino, st.ino)
    assert.equal(x.dev, st.dev)
    assert.equal(x.mode, Number(st.mode))
    assert.equal(x.nlink, Number(st.nlink))
    assert.equal(x.uid, Number(st.uid))
    assert.equal(x.gid, Number(st.gid))
    assert.equal(x.blocks, st.blocks)
    assert.equal(x.blksize, Number(st.blksize))
    assert.equal(x.mtimeNs, exactTimes(file).mtimeNs)
    assert.equal(x.mask & S.constants.STATX_BASIC_STATS, S.constants.STATX_BASIC_STATS)
    assert.equal(typeof x.attributes.immutable === 'boolean' || x.attributes.immutable === null, true)

    const fd = t.own(S.openSync(file))
    const byFd = S.statxSync(fd)
    assert.equal(byFd.ino, st.ino)
    assert.equal(byFd.size, st.size)
    const dir = t.own(S.openSync(t.dir, S.constants.O_RDONLY | S.constants.O_DIRECTORY))
    assert.equal(S.statxSync('statx.txt', { dirFd: dir }).ino, st.ino, 'relative to dirFd')
    assert.equal(S.statxSync(file, { mask: S.constants.STATX_SIZE }).mask & S.constants.STATX_SIZE, S.constants.STATX_SIZE)

    assert.ok(Number.isInteger(STATX_LEN))
    assert.ok(
      Object.values(StatxSlot).every((slot) => typeof slot !== 'number' || slot < STATX_LEN),
      'every slot fits',
    )
    const into = new BigInt64Array(STATX_LEN)
    assert.equal(S.statxSync(file, undefined, into), into, 'the into form returns its array')
    assert.equal(into[StatxSlot.Size], st.size)
    assert.equal(BigInt.asUintN(64, into[StatxSlot.Ino]), st.ino)
    assert.equal(Number(into[StatxSlot.Nlink]), Number(st.nlink))
    assert.equal(into[StatxSlot.NsFit], 1n)
    assert.equal(into[StatxSlot.MtimeNs], x.mtimeNs)

    const symlink = t.file('link')
    fs.symlinkSync(file, symlink)
    const promised = await S.statx(file)
    assert.equal(promised.ino, st.ino)
    assert.equal(promised.size, st.size)
    assert.equal((await S.statx(symlink, { followSymlinks: false })).type, 'symlink')
    assert.equal((await S.statx(symlink)).ino, st.ino)
    assert.throws(() => S.statxSync(t.file('missing')), { code: 'ENOENT', syscall: 'statx', path: t.file('missing') })
    await assert.rejects(S.statx(t.file('missing')), { code: 'ENOENT' })
  },

  'statfs, statfsSync': async (t) => {
    const s = S.statfsSync(t.dir)
    for (const key of ['type', 'bsize', 'frsize', 'namelen', 'flags']) {
      assert.equal(typeof s[key], 'number', key)
    }
    for (const key of ['blocks', 'bfree', 'bavail', 'files', 'ffree', 'fsid']) {
      assert.equal(typeof s[key], 'bigint', key)
    }
    const node = fs.statfsSync(t.dir, { bigint: true })
    assert.equal(BigInt(s.type), node.type)
    assert.equal(BigInt(s.bsize), node.bsize)
    assert.equal(s.blocks, node.blocks)
    assert.equal(s.files, node.files)
    assert.ok(s.bavail <= s.bfree && s.bfree <= s.blocks)
    const fd = t.own(S.openSync(t.dir, S.constants.O_RDONLY | S.constants.O_DIRECTORY))
    const byFd = S.statfsSync(fd)
    assert.equal(byFd.fsid, s.fsid)
    assert.equal(byFd.type, s.type)
    const promised = await S.statfs(t.dir)
    assert.equal(promised.fsid, s.fsid)
    assert.equal(promised.blocks, s.blocks)
    assert.equal((await S.statfs(fd)).type, s.type)
    assert.equal(S.statfsSync('/proc').type, 0x9fa0, 'procfs magic')
    assert.throws(() => S.statfsSync(t.file('missing')), { code: 'ENOENT' })
  },

  'access, accessSync': async (t) => {
    const { constants } = S
    const file = t.file('access.txt', 'x')
    fs.chmodSync(file, 0o644)
    S.accessSync(file)
    S.accessSync(file, constants.R_OK | constants.W_OK)
    assert.throws(() => S.accessSync(file, constants.X_OK), { code: 'EACCES', path: file }, 'no execute bit, even for root')
    assert.throws(() => S.accessSync(t.file('missing')), { code: 'ENOENT', path: t.file('missing') })
    const dangling = t.file('dangling')
    fs.symlinkSync('nowhere', dangling)
    assert.throws(() => S.accessSync(dangling), { code: 'ENOENT' })
    S.accessSync(dangling, constants.F_OK, { followSymlinks: false })
    const dir = t.own(S.openSync(t.dir, constants.O_RDONLY | constants.O_DIRECTORY))
    S.accessSync('access.txt', constants.R_OK, { dirFd: dir, eaccess: true })
    assert.equal(await S.access(file, constants.R_OK), undefined)
    await assert.rejects(S.access(file, constants.X_OK), { code: 'EACCES' })
    await assert.rejects(S.access(t.file('missing')), { code: 'ENOENT' })
  },

  'flock, flockSync': async (t) => {
    const file = t.file('flock', '')
    const a = t.own(S.openSync(file, 'r'))
    const b = t.own(S.openSync(file, 'r'))
    S.flockSync(a, 'exclusive')
    assert.throws(() => S.flockSync(b, 'exclusive', { nonBlocking: true }), { code: 'EAGAIN', syscall: 'flock' })
    await assert.rejects(S.flock(b, 'shared', { nonBlocking: true }), { code: 'EAGAIN' })
    const tool = spawnSync('flock', ['--nonblock', '--conflict-exit-code', '99', file, 'true'])
    if (tool.error === undefined) {
      assert.equal(tool.status, 99, 'flock(1) in another process sees the lock')
    } else {
      t.note(`flock(1) not run: ${tool.error.message}`)
    }

    const controller = new AbortController()
    const aborted = S.flock(b, 'exclusive', { signal: controller.signal })
    setTimeout(() => controller.abort(), 30)
    await assert.rejects(withTimeout(aborted, 5000, 'flock with an aborted signal'), { name: 'AbortError', code: 'ABORT_ERR' })
    await assert.rejects(S.flock(b, 'exclusive', { signal: AbortSignal.abort() }), { name: 'AbortError' })

    let settled = false
    const waiting = S.flock(b, 'shared').then(() => {
      settled = true
    })
    await sleep(30)
    assert.equal(settled, false, 'waits while the lock is held')
    await S.flock(a, 'unlock')
    await withTimeout(waiting, 5000, 'flock after the holder unlocked')
    assert.throws(() => S.flockSync(a, 'exclusive', { nonBlocking: true }), { code: 'EAGAIN' }, 'b holds it shared now')
    S.flockSync(a, 'shared')
    S.flockSync(b, 'unlock')
    S.flockSync(a, 'unlock')
    assert.throws(() => S.flockSync(a, 'sideways'), { code: 'ERR_INVALID_ARG_VALUE' })
  },

  'getLock, lock, lockSync': async (t) => {
    const file = t.file('ofd', 'x'.repeat(100))
    const a = t.own(S.openSync(file, 'r+'))
    const b = t.own(S.openSync(file, 'r+'))
    assert.equal(S.getLock(b, { type: 'write' }), null)
    S.lockSync(a, { type: 'write', start: 0, length: 10 })
    assert.deepEqual(S.getLock(b, { type: 'read', start: 5, length: 1 }), { type: 'write', start: 0, length: 10, pid: null })
    assert.equal(S.getLock(b, { type: 'write', start: 10, length: 5 }), null, 'outside the range')
    assert.throws(() => S.lockSync(b, { type: 'read', start: 0, length: 1 }), { code: 'EAGAIN' })
    S.lockSync(b, { type: 'write', start: 10, length: 10 })

    const controller = new AbortController()
    const aborted = S.lock(b, { type: 'write', start: 0, length: 1, wait: true, signal: controller.signal })
    setTimeout(() => controller.abort(), 30)
    await assert.rejects(withTimeout(aborted, 5000, 'lock with an aborted signal'), { name: 'AbortError', code: 'ABORT_ERR' })

    let settled = false
    const waiting = S.lock(b, { type: 'read', start: 0, length: 5, wait: true }).then(() => {
      settled = true
    })
    await sleep(30)
    assert.equal(settled, false)
    await S.lock(a, { type: 'unlock', start: 0, length: 10 })
    await withTimeout(waiting, 5000, 'lock after the holder unlocked')
    assert.deepEqual(S.getLock(a, { type: 'write', start: 0, length: 0 }), { type: 'read', start: 0, length: 5, pid: null })
    await assert.rejects(S.lock(a, { type: 'write', start: 12, length: 1 }), { code: 'EAGAIN' })
    S.lockSync(b, { type: 'unlock' })
    assert.equal(S.getLock(a, { type: 'write' }), null)
    assert.throws(() => S.lockSync(a, { type: 'both' }), { code: 'ERR_INVALID_ARG_VALUE' })
  },

  'fallocate, fallocateSync': async (t) => {
    const file = t.file('falloc')
    const fd = t.own(S.openSync(file, 'w+'))
    S.fallocateSync(fd, 0, 8192)
    assert.equal(S.statxSync(fd).size, 8192n)
    const blocks = S.statxSync(fd).blocks
    assert.ok(blocks >= 16n, `${blocks} blocks allocated`)
    S.fallocateSync(fd, 8192, 8192, { keepSize: true })
    assert.equal(S.statxSync(fd).size, 8192n, 'keepSize')
    assert.ok(S.statxSync(fd).blocks > blocks)
    S.pwriteSync(fd, Buffer.from('data'), 0)
    S.fallocateSync(fd, 0, 4096, { punchHole: true, keepSize: true })
    const back = Buffer.alloc(4, 1)
    S.preadSync(fd, back, 0)
    assert.deepEqual(back, Buffer.alloc(4), 'a punched hole reads as zeros')
    await S.fallocate(fd, 0, 16384)
    assert.equal(S.statxSync(fd).size, 16384n)
    await assert.rejects(S.fallocate(fd, 0, 10, { punchHole: true }), { code: /^(EINVAL|ENOTSUP)$/ }, 'punchHole needs keepSize')
  },

  fadviseSync: async (t) => {
    const fd = t.own(S.openSync(t.file('advice', 'x'.repeat(8192))))
    for (const advice of ['normal', 'sequential', 'random', 'willneed', 'dontneed', 'noreuse']) {
      assert.equal(S.fadviseSync(fd, 0, 0, advice), undefined, advice)
    }
    S.fadviseSync(fd, 4096n, 4096n, 'willneed')
    const p = t.own(S.pipe())
    assert.throws(() => S.fadviseSync(p.reader, 0, 0, 'normal'), { code: 'ESPIPE' })
    assert.throws(() => S.fadviseSync(fd, 0, 0, 'often'), { code: 'ERR_INVALID_ARG_VALUE' })
  },

  'fsync, fsyncSync, fdatasync, fdatasyncSync, syncfs, syncfsSync': async (t) => {
    const fd = t.own(S.openSync(t.file('sync'), 'w'))
    writeTo(fd, 'synced')
    assert.equal(S.fsyncSync(fd), undefined)
    assert.equal(S.fdatasyncSync(fd), undefined)
    assert.equal(S.syncfsSync(fd), undefined)
    assert.equal(await S.fsync(fd), undefined)
    assert.equal(await S.fdatasync(fd), undefined)
    assert.equal(await S.syncfs(fd), undefined)
    const p = t.own(S.pipe())
    assert.throws(() => S.fsyncSync(p.writer), { code: 'EINVAL', syscall: 'fsync' })
    await assert.rejects(S.fdatasync(p.writer), { code: 'EINVAL' })
    const closed = S.openSync(t.file('sync'))
    closed.close()
    assert.throws(() => S.fsyncSync(closed), { code: 'EBADF' })
    await assert.rejects(async () => S.fsync(closed), { code: 'EBADF' })
    await assert.rejects(async () => S.syncfs(closed), { code: 'EBADF' })
    assert.throws(() => S.syncfsSync(closed), { code: 'EBADF' })
    assert.throws(() => S.fdatasyncSync(closed), { code: 'EBADF' })
  },

  'ftruncate, ftruncateSync': async (t) => {
    const file = t.file('trunc', 'truncate me')
    const fd = t.own(S.openSync(file, 'r+'))
    S.ftruncateSync(fd, 3)
    assert.equal(fs.readFileSync(file, 'utf8'), 'tru')
    S.ftruncateSync(fd, 100n)
    assert.equal(fs.statSync(file).size, 100)
    await S.ftruncate(fd, 1)
    assert.equal(fs.readFileSync(file, 'utf8'), 't')
    await S.ftruncate(fd)
    assert.equal(fs.statSync(file).size, 0, 'length 0 by default')
    const readOnly = t.own(S.openSync(file, 'r'))
    assert.throws(() => S.ftruncateSync(readOnly, 1), { code: 'EINVAL' })
    assert.throws(() => S.ftruncateSync(fd, -1), { code: 'ERR_OUT_OF_RANGE' })
  },

  'copyFileRange, copyFileRangeSync': async (t) => {
    const src = t.own(S.openSync(t.file('src', 'hello world')))
    const dst = t.own(S.openSync(t.file('dst'), 'w+'))
    assert.equal(S.copyFileRangeSync(src, dst, 11), 11)
    assert.equal(fs.readFileSync(t.file('dst'), 'utf8'), 'hello world')
    assert.equal(S.copyFileRangeSync(src, dst, 10), 0, '0 at the end of the input')
    assert.equal(S.copyFileRangeSync(src, dst, 5, { inOffset: 6, outOffset: 20 }), 5)
    const back = Buffer.alloc(5)
    S.preadSync(dst, back, 20)
    assert.equal(back.toString(), 'world')
    const other = t.own(S.openSync(t.file('dst2'), 'w+'))
    assert.equal(await S.copyFileRange(src, other, 100, { inOffset: 0n, outOffset: 0n }), 11, 'a short copy at the end')
    assert.equal(fs.readFileSync(t.file('dst2'), 'utf8'), 'hello world')
    const both = t.own(S.openSync(t.file('dst2'), 'r+'))
    await assert.rejects(
      S.copyFileRange(both, both, 4, { inOffset: 0, outOffset: 2 }),
      { code: 'EINVAL' },
      'overlapping ranges of one file',
    )
    assert.throws(() => S.copyFileRangeSync(src, src, 1), { code: 'EBADF' }, 'a read-only output')
  },

  'sendfile, sendfileSync': async (t) => {
    const src = t.own(S.openSync(t.file('src', 'hello world')))
    const p = t.own(S.pipe())
    assert.equal(S.sendfileSync(p.writer, src, 5, { offset: 6 }), 5)
    assert.equal(readFrom(p.reader).toString(), 'world')
    assert.equal(await S.sendfile(p.writer, src, 100), 11, 'from the file position')
    assert.equal(readFrom(p.reader).toString(), 'hello world')
    assert.equal(await S.sendfile(p.writer, src, 100), 0, 'the position moved to the end')
    assert.equal(await S.sendfile(p.writer, src, 5, { offset: 0n }), 5)
    assert.equal(readFrom(p.reader).toString(), 'hello')
    const out = t.own(S.openSync(t.file('out'), 'w'))
    assert.throws(() => S.sendfileSync(out, p.reader, 1), { code: 'EINVAL' }, 'the input must be a file')
    assert.throws(() => S.sendfileSync(src, p.reader, 1), { code: 'EBADF' }, 'a read-only output')
  },

  'cloneFile, cloneFileSync': async (t) => {
    const src = t.own(S.openSync(t.file('src', 'cloned')))
    const dst = t.own(S.openSync(t.file('dst'), 'w'))
    const refused = /^(ENOTSUP|EOPNOTSUPP|EXDEV|EINVAL|ENOTTY)$/
    let syncOutcome
    try {
      S.cloneFileSync(src, dst)
      syncOutcome = 'cloned'
      assert.equal(fs.readFileSync(t.file('dst'), 'utf8'), 'cloned')
    } catch (error) {
      assert.match(String(error.code), refused, `cloneFileSync: ${error.message}`)
      assert.equal(error.syscall, 'ioctl')
      syncOutcome = error.code
      assert.equal(fs.readFileSync(t.file('dst'), 'utf8'), '', 'nothing copied')
    }
    const dst2 = t.own(S.openSync(t.file('dst2'), 'w'))
    const asyncOutcome = await S.cloneFile(src, dst2).then(
      () => 'cloned',
      (error) => error.code,
    )
    assert.equal(asyncOutcome, syncOutcome, 'the Promise form does as the synchronous one')
    t.note(`FICLONE on ${S.statfsSync(t.dir).type.toString(16)}: ${syncOutcome}`)
    const self = t.own(S.openSync(t.file('src'), 'r+'))
    await assert.rejects(S.cloneFile(self, self), { code: refused })
    assert.throws(() => S.cloneFileSync(dst, src), { code: 'EBADF' }, 'a read-only destination')
  },

  'seekData, seekHole, sparseMap, sparseMapSync': async (t) => {
    const fd = t.own(S.openSync(t.file('sparse'), 'w+'))
    const MiB = 1024 * 1024
    S.pwriteSync(fd, Buffer.alloc(4096, 'A'), 0)
    S.pwriteSync(fd, Buffer.alloc(4096, 'B'), MiB)
    S.fsyncSync(fd)
    const map = S.sparseMapSync(fd)
    const size = MiB + 4096
    const holes = map.length > 1
    if (holes) {
      assert.deepEqual(map, [
        { offset: 0, length: 4096 },
        { offset: MiB, length: 4096 },
      ])
      assert.equal(S.seekHole(fd, 0), 4096)
      assert.equal(S.seekData(fd, 4096), MiB)
    } else {
      t.note('this filesystem reports no holes')
      assert.deepEqual(map, [{ offset: 0, length: size }])
    }
    assert.equal(S.seekData(fd), 0)
    assert.equal(S.seekHole(fd, MiB), size, 'the end of the file counts as a hole')
    assert.equal(S.seekData(fd, size), null, 'nothing past the end')
    assert.equal(S.seekHole(fd, size + 1), null)
    assert.deepEqual(await S.sparseMap(fd), map)
    const p = t.own(S.pipe())
    assert.throws(() => S.seekData(p.reader, 0), { code: 'ESPIPE' })
    await assert.rejects(S.sparseMap(p.reader), { code: 'ESPIPE' })
  },

  'pread, preadSync, pwrite, pwriteSync': async (t) => {
    const file = t.file('prw', '0123456789')
    const fd = t.own(S.openSync(file, 'r+'))
    assert.equal(S.pwriteSync(fd, Buffer.from('ab'), 4), 2)
    assert.equal(fs.readFileSync(file, 'utf8'), '0123ab6789')
    const buffer = Buffer.alloc(4)
    assert.equal(S.preadSync(fd, buffer, 3n), 4)
    assert.equal(buffer.toString(), '3ab6')
    assert.equal(readFrom(fd).toString(), '0123ab6789', 'the file position did not move')
    assert.equal(await S.pwrite(fd, new Uint8Array([0x41, 0x42, 0x43]), 10), 3)
    const view = new Uint8Array(20)
    assert.equal(await S.pread(fd, view, 0), 13)
    assert.equal(Buffer.from(view.subarray(0, 13)).toString(), '0123ab6789ABC')
    assert.equal(S.preadSync(fd, Buffer.alloc(4), 100), 0, '0 at the end')
    const window = Buffer.from('xxxxxxxx')
    assert.equal(S.preadSync(fd, window.subarray(2, 4), 0), 2, 'a view is used where it lies')
    assert.equal(window.toString(), 'xx01xxxx')
    assert.throws(() => S.preadSync(fd, 'text', 0), { code: 'ERR_INVALID_ARG_TYPE' })
    const p = t.own(S.pipe())
    assert.throws(() => S.pwriteSync(p.writer, Buffer.from('x'), 0), { code: 'ESPIPE' })
    await assert.rejects(S.pread(p.reader, Buffer.alloc(1), 0), { code: 'ESPIPE' })
  },

  'readv, readvSync, writev, writevSync': async (t) => {
    const file = t.file('vec')
    const w = t.own(S.openSync(file, 'w'))
    const ef = Buffer.from('ef')
    assert.equal(S.writevSync(w, [Buffer.from('ab'), new Uint8Array([0x63, 0x64]), new DataView(ef.buffer, ef.byteOffset, 2)]), 6)
    assert.equal(fs.readFileSync(file, 'utf8'), 'abcdef')
    assert.equal(await S.writev(w, [Buffer.from('gh'), Buffer.alloc(0)]), 2, 'at the file position')
    assert.equal(fs.readFileSync(file, 'utf8'), 'abcdefgh')
    const r = t.own(S.openSync(file))
    const first = Buffer.alloc(3)
    const rest = new Uint16Array(4)
    assert.equal(S.readvSync(r, [first, rest]), 8)
    assert.equal(first.toString(), 'abc')
    assert.equal(Buffer.from(rest.buffer, 0, 5).toString(), 'defgh')
    assert.equal(await S.readv(r, [Buffer.alloc(4)]), 0, 'the position is at the end')
    const again = t.own(S.openSync(file))
    const views = [Buffer.alloc(2), Buffer.alloc(2)]
    assert.equal(await S.readv(again, views), 4)
    assert.equal(Buffer.concat(views).toString(), 'abcd')
    assert.throws(() => S.writevSync(w, Buffer.from('x')), { code: 'ERR_INVALID_ARG_TYPE' })
    assert.throws(() => S.writevSync(w, [Buffer.from('x'), 'y']), { code: 'ERR_INVALID_ARG_TYPE', message: /views\[1\]/ })
  },

  'preadv2, preadv2Sync, pwritev2, pwritev2Sync': async (t) => {
    const { constants } = S
    const file = t.file('v2', '')
    const fd = t.own(S.openSync(file, 'r+'))
    assert.equal(S.pwritev2Sync(fd, [Buffer.from('xy'), Buffer.from('z')], 0, { flags: constants.RWF_DSYNC }), 3)
    assert.equal(fs.readFileSync(file, 'utf8'), 'xyz')
    const buffer = Buffer.alloc(3)
    assert.equal(S.preadv2Sync(fd, [buffer], 0), 3)
    assert.equal(buffer.toString(), 'xyz')
    assert.equal(await S.pwritev2(fd, [Buffer.from('!')], 3), 1)
    assert.equal(S.pwritev2Sync(fd, [Buffer.from('END')], 0, { flags: constants.RWF_APPEND }), 3)
    assert.equal(fs.readFileSync(file, 'utf8'), 'xyz!END', 'RWF_APPEND writes at the end whatever the position')
    const head = Buffer.alloc(2)
    assert.equal(S.preadv2Sync(fd, [head], null), 2, 'null: at the file position')
    assert.equal(head.toString(), 'xy')
    const next = Buffer.alloc(2)
    assert.equal(await S.preadv2(fd, [next], null), 2)
    assert.equal(next.toString(), 'z!', 'the file position moved')
    const cached = Buffer.alloc(7)
    try {
      assert.equal(await S.preadv2(fd, [cached], 0, { flags: constants.RWF_NOWAIT }), 7)
      assert.equal(cached.toString(), 'xyz!END')
    } catch (error) {
      assert.equal(error.code, 'EAGAIN', 'RWF_NOWAIT reads the page cache or fails with EAGAIN')
    }
    await assert.rejects(
      S.pwritev2(fd, [Buffer.from('x')], 0, { flags: 0x4000_0000 }),
      { code: /^(ENOTSUP|EINVAL)$/ },
      'an unknown RWF_ flag',
    )
  },

  'dup2, dup3': async (t) => {
    const { constants } = S
    const fileA = t.file('a', 'A')
    const fileB = t.file('b', 'B')
    const a = t.own(S.openSync(fileA))
    const b = t.own(S.openSync(fileB))
    const bNumber = b.fd
    S.dup2(a, b)
    assert.equal(b.fd, bNumber)
    assert.deepEqual(fdIdentity(b), pathIdentity(fileA), 'the OwnedFd of newFd now has the file of fd')
    assert.equal(S.fcntlGetFd(b) & constants.FD_CLOEXEC, 0, 'dup2 leaves newFd inheritable')
    const c = t.own(S.openSync(fileB))
    S.dup3(a, c)
    assert.deepEqual(fdIdentity(c), pathIdentity(fileA))
    assert.equal(S.fcntlGetFd(c) & constants.FD_CLOEXEC, constants.FD_CLOEXEC, 'dup3: close-on-exec by default')
    S.dup3(a, c, { cloexec: false })
    assert.equal(S.fcntlGetFd(c) & constants.FD_CLOEXEC, 0)
    assert.throws(() => S.dup3(a, a), { code: 'EINVAL' })
    S.dup2(a, a)
    assert.equal(a.closed, false)
    assert.equal(readFrom(b).toString(), 'A')
  },

  'fcntlGetFd, fcntlSetFd, fcntlGetFl, fcntlSetFl': async (t) => {
    const { constants } = S
    const fd = t.own(S.openSync(t.file('fcntl', ''), 'r+'))
    assert.equal(S.fcntlGetFd(fd), constants.FD_CLOEXEC)
    S.fcntlSetFd(fd, 0)
    assert.equal(S.fcntlGetFd(fd), 0)
    S.fcntlSetFd(fd, constants.FD_CLOEXEC)
    assert.equal(S.fcntlGetFd(fd), constants.FD_CLOEXEC)
    const flags = S.fcntlGetFl(fd)
    assert.equal(flags & constants.O_ACCMODE, constants.O_RDWR)
    assert.equal(flags & constants.O_APPEND, 0)
    S.fcntlSetFl(fd, flags | constants.O_APPEND | constants.O_NONBLOCK)
    assert.equal(S.fcntlGetFl(fd) & (constants.O_APPEND | constants.O_NONBLOCK), constants.O_APPEND | constants.O_NONBLOCK)
    const dup = t.own(fd.dup())
    assert.equal(S.fcntlGetFl(dup) & constants.O_APPEND, constants.O_APPEND, 'status flags belong to the open file')
    assert.throws(() => S.fcntlSetFd(fd, 2), { code: 'ERR_OUT_OF_RANGE' })
  },

  fionread: async (t) => {
    const p = t.own(S.pipe())
    assert.equal(S.fionread(p.reader), 0)
    writeTo(p.writer, 'five!')
    assert.equal(S.fionread(p.reader), 5)
    const fd = t.own(S.openSync(t.file('ten', '0123456789')))
    assert.equal(S.fionread(fd), 10, 'of a file: the rest of it')
    S.preadSync(fd, Buffer.alloc(1), 0)
    readFrom(fd, 4)
    assert.equal(S.fionread(fd), 6)
  },

  'fchmodat, fchmodatSync': async (t) => {
    const file = t.file('mode', '')
    const dir = t.own(S.openSync(t.dir, S.constants.O_RDONLY | S.constants.O_DIRECTORY))
    S.fchmodatSync(dir, 'mode', 0o640)
    assert.equal(fs.statSync(file).mode & 0o777, 0o640)
    await S.fchmodat(S.AT_FDCWD, file, 0o604)
    assert.equal(fs.statSync(file).mode & 0o777, 0o604)
    const link = t.file('link')
    fs.symlinkSync('mode', link)
    try {
      S.fchmodatSync(dir, 'link', 0o600, { followSymlinks: false })
      assert.equal(fs.lstatSync(link).mode & 0o777, 0o600)
    } catch (error) {
      assert.match(error.code, /^(ENOTSUP|ENOSYS)$/, "a symlink's own mode: refused by most filesystems")
    }
    assert.equal(fs.statSync(file).mode & 0o777, 0o604, 'the target left alone')
    await assert.rejects(S.fchmodat(dir, 'missing', 0o600), { code: 'ENOENT' })
  },

  'fchownat, fchownatSync': async (t) => {
    const file = t.file('owner', '')
    const link = t.file('link')
    fs.symlinkSync('owner', link)
    const dir = t.own(S.openSync(t.dir, S.constants.O_RDONLY | S.constants.O_DIRECTORY))
    const { uid, gid } = fs.statSync(file)
    if (process.getuid() === 0) {
      S.fchownatSync(dir, 'owner', 65534, 65534)
      assert.deepEqual([fs.statSync(file).uid, fs.statSync(file).gid], [65534, 65534])
      S.fchownatSync(dir, 'owner', -1, gid)
      assert.deepEqual([fs.statSync(file).uid, fs.statSync(file).gid], [65534, gid], '-1 leaves the owner')
      await S.fchownat(S.AT_FDCWD, link, 65533, -1, { followSymlinks: false })
      assert.equal(fs.lstatSync(link).uid, 65533, "the link's own owner")
      assert.equal(fs.statSync(file).uid, 65534)
      await S.fchownat(dir, 'link', uid, gid)
      assert.equal(fs.statSync(file).uid, uid, 'follows the link by default')
    } else {
      S.fchownatSync(dir, 'owner', uid, gid)
      await S.fchownat(S.AT_FDCWD, link, -1, -1, { followSymlinks: false })
      assert.throws(() => S.fchownatSync(dir, 'owner', 0, -1), { code: 'EPERM' })
    }
    await assert.rejects(S.fchownat(dir, 'missing', -1, -1), { code: 'ENOENT' })
  },

  'linkat, linkatSync': async (t) => {
    const { constants } = S
    const file = t.file('orig', 'linked')
    const dir = t.own(S.openSync(t.dir, constants.O_RDONLY | constants.O_DIRECTORY))
    S.linkatSync(dir, 'orig', dir, 'hard')
    assert.equal(fs.statSync(file).nlink, 2)
    assert.equal(pathIdentity(t.file('hard')).ino, pathIdentity(file).ino)
    assert.throws(() => S.linkatSync(dir, 'orig', dir, 'hard'), { code: 'EEXIST' })
    fs.symlinkSync('orig', t.file('soft'))
    await S.linkat(S.AT_FDCWD, t.file('soft'), dir, 'of-link')
    assert.ok(fs.lstatSync(t.file('of-link')).isSymbolicLink(), 'a symlink is linked itself by default')
    await S.linkat(dir, 'soft', S.AT_FDCWD, t.file('of-target'), { followSymlinks: true })
    assert.equal(pathIdentity(t.file('of-target')).ino, pathIdentity(file).ino)

    const tmp = S.openSync(t.dir, constants.O_TMPFILE | constants.O_RDWR, 0o644)
    try {
      writeTo(tmp, 'from O_TMPFILE')
      S.linkatSync(tmp, '', S.AT_FDCWD, t.file('named'), { emptyPath: true })
      assert.equal(fs.readFileSync(t.file('named'), 'utf8'), 'from O_TMPFILE')
      assert.equal(S.statxSync(tmp).nlink, 1)
    } finally {
      tmp.close()
    }
  },

  'mkdirat, mkdiratSync': async (t) => {
    const dir = t.own(S.openSync(t.dir, S.constants.O_RDONLY | S.constants.O_DIRECTORY))
    S.mkdiratSync(dir, 'made', 0o750)
    assert.ok(fs.statSync(t.file('made')).isDirectory())
    assert.equal(fs.statSync(t.file('made')).mode & 0o777, 0o750 & ~process.umask())
    assert.throws(() => S.mkdiratSync(dir, 'made'), { code: 'EEXIST', syscall: 'mkdirat' })
    await S.mkdirat(S.AT_FDCWD, t.file('made2'))
    assert.ok(fs.statSync(t.file('made2')).isDirectory())
    await assert.rejects(S.mkdirat(dir, 'missing/sub'), { code: 'ENOENT' })
  },

  'mkfifoat, mkfifoatSync': async (t) => {
    const dir = t.own(S.openSync(t.dir, S.constants.O_RDONLY | S.constants.O_DIRECTORY))
    S.mkfifoatSync(dir, 'fifo', 0o600)
    assert.ok(fs.statSync(t.file('fifo')).isFIFO())
    assert.equal(S.statxSync(t.file('fifo')).type, 'fifo')
    assert.equal(fs.statSync(t.file('fifo')).mode & 0o777, 0o600)
    assert.throws(() => S.mkfifoatSync(dir, 'fifo'), { code: 'EEXIST' })
    await S.mkfifoat(S.AT_FDCWD, t.file('fifo2'))
    assert.ok(fs.statSync(t.file('fifo2')).isFIFO())
    const reader = t.own(S.openSync(t.file('fifo2'), S.constants.O_RDONLY | S.constants.O_NONBLOCK))
    const writer = t.own(S.openSync(t.file('fifo2'), 'w'))
    writeTo(writer, 'named pipe')
    assert.equal(readFrom(reader).toString(), 'named pipe')
  },

  'mknodat, mknodatSync': async (t) => {
    const { constants } = S
    const dir = t.own(S.openSync(t.dir, constants.O_RDONLY | constants.O_DIRECTORY))
    S.mknodatSync(dir, 'fifo', constants.S_IFIFO | 0o644)
    assert.equal(S.statxSync(t.file('fifo')).type, 'fifo')
    S.mknodatSync(dir, 'regular', constants.S_IFREG | 0o600)
    assert.equal(S.statxSync(t.file('regular')).type, 'file')
    assert.equal(fs.statSync(t.file('regular')).size, 0)
    await S.mknodat(S.AT_FDCWD, t.file('socket'), constants.S_IFSOCK | 0o600)
    assert.ok(fs.statSync(t.file('socket')).isSocket())
    if (process.getuid() === 0) {
      await S.mknodat(dir, 'null', constants.S_IFCHR | 0o600, 0x103)
      const null_ = S.statxSync(t.file('null'))
      assert.equal(null_.type, 'char')
      assert.deepEqual([null_.rdevMajor, null_.rdevMinor], [1, 3], 'the device /dev/null is')
    }
    await assert.rejects(S.mknodat(dir, 'fifo', constants.S_IFIFO | 0o644), { code: 'EEXIST' })
  },

  'readlinkat, readlinkatSync, symlinkat, symlinkatSync': async (t) => {
    const dir = t.own(S.openSync(t.dir, S.constants.O_RDONLY | S.constants.O_DIRECTORY))
    S.symlinkatSync('target/of/link', dir, 'link')
    assert.equal(fs.readlinkSync(t.file('link')), 'target/of/link')
    assert.equal(S.readlinkatSync(dir, 'link'), 'target/of/link')
    assert.deepEqual(S.readlinkatSync(S.AT_FDCWD, t.file('link'), { encoding: 'buffer' }), Buffer.from('target/of/link'))
    await S.symlinkat(Buffer.from([0x6e, 0xff, 0x6f]), S.AT_FDCWD, t.file('raw'))
    assert.deepEqual(await S.readlinkat(dir, 'raw', { encoding: 'buffer' }), Buffer.from([0x6e, 0xff, 0x6f]), 'bytes that are not UTF-8')
    assert.equal(await S.readlinkat(dir, 'link'), 'target/of/link')
    assert.throws(() => S.symlinkatSync('x', dir, 'link'), { code: 'EEXIST' })
    fs.writeFileSync(t.file('plain'), '')
    assert.throws(() => S.readlinkatSync(dir, 'plain'), { code: 'EINVAL', syscall: 'readlinkat' })
    await assert.rejects(S.readlinkat(dir, 'missing'), { code: 'ENOENT' })
  },

  'renameat2, renameat2Sync': async (t) => {
    const dir = t.own(S.openSync(t.dir, S.constants.O_RDONLY | S.constants.O_DIRECTORY))
    t.file('a', 'A')
    t.file('b', 'B')
    assert.throws(() => S.renameat2Sync(dir, 'a', dir, 'b', { noReplace: true }), { code: 'EEXIST', syscall: 'renameat2' })
    assert.equal(fs.readFileSync(t.file('b'), 'utf8'), 'B', 'noReplace replaced nothing')
    S.renameat2Sync(dir, 'a', dir, 'b', { exchange: true })
    assert.deepEqual([fs.readFileSync(t.file('a'), 'utf8'), fs.readFileSync(t.file('b'), 'utf8')], ['B', 'A'], 'exchanged')
    await S.renameat2(dir, 'a', S.AT_FDCWD, t.file('c'))
    assert.equal(fs.existsSync(t.file('a')), false)
    assert.equal(fs.readFileSync(t.file('c'), 'utf8'), 'B')
    await S.renameat2(dir, 'c', dir, 'd', { noReplace: true })
    assert.equal(fs.readFileSync(t.file('d'), 'utf8'), 'B')
    await assert.rejects(S.renameat2(dir, 'missing', dir, 'e', { exchange: true }), { code: 'ENOENT' })
  },

  'unlinkat, unlinkatSync': async (t) => {
    const dir = t.own(S.openSync(t.dir, S.constants.O_RDONLY | S.constants.O_DIRECTORY))
    t.file('file', '')
    fs.mkdirSync(t.file('sub'))
    assert.throws(() => S.unlinkatSync(dir, 'sub'), { code: 'EISDIR', syscall: 'unlinkat' })
    S.unlinkatSync(dir, 'file')
    assert.equal(fs.existsSync(t.file('file')), false)
    await S.unlinkat(S.AT_FDCWD, t.file('sub'), { removeDir: true })
    assert.equal(fs.existsSync(t.file('sub')), false)
    await assert.rejects(S.unlinkat(dir, 'file'), { code: 'ENOENT' })
  },

  'writeFileAtomic, writeFileAtomicSync': async (t) => {
    const file = t.file('atomic.json', 'old')
    S.writeFileAtomicSync(file, '{"new":true}')
    assert.equal(fs.readFileSync(file, 'utf8'), '{"new":true}')
    await S.writeFileAtomic(file, new Uint8Array([0x61, 0x62]), { mode: 0o600, fsync: false })
    assert.equal(fs.readFileSync(file, 'utf8'), 'ab')
    assert.equal(fs.statSync(file).mode & 0o777, 0o600 & ~process.umask())
    S.writeFileAtomicSync(t.file('fresh'), Buffer.from('created'))
    assert.equal(fs.readFileSync(t.file('fresh'), 'utf8'), 'created')
    assert.deepEqual(fs.readdirSync(t.dir).sort(), ['atomic.json', 'fresh'], 'no temporary name left behind')
    await assert.rejects(S.writeFileAtomic(t.file('missing/x'), 'x'), { code: 'ENOENT' })
    assert.throws(() => S.writeFileAtomicSync(file, 42), { code: 'ERR_INVALID_ARG_TYPE' })
  },

  'Dir, openDir, readdir, readdirSync': async (t) => {
    t.file('file', '')
    fs.mkdirSync(t.file('dir'))
    fs.symlinkSync('file', t.file('link'))
    S.mkfifoatSync(S.AT_FDCWD, t.file('fifo'))
    const typeOf = (st) =>
      st.isFile() ? 'file' : st.isDirectory() ? 'directory' : st.isSymbolicLink() ? 'symlink' : st.isFIFO() ? 'fifo' : '?'
    const expected = fs
      .readdirSync(t.dir)
      .map((name) => {
        const st = fs.lstatSync(path.join(t.dir, name), { bigint: true })
        return { name, ino: st.ino, type: typeOf(st) }
      })
      .sort((a, b) => a.name.localeCompare(b.name))
    const sorted = (entries) => [...entries].sort((a, b) => String(a.name).localeCompare(String(b.name)))
    assert.deepEqual(sorted(S.readdirSync(t.dir)), expected)
    const dirFd = t.own(S.openSync(t.dir, S.constants.O_RDONLY | S.constants.O_DIRECTORY))
    assert.deepEqual(sorted(S.readdirSync(dirFd)), expected, 'by descriptor')
    assert.deepEqual(sorted(await S.readdir(t.dir)), expected)
    const raw = S.readdirSync(t.dir, { encoding: 'buffer' })
    assert.ok(raw.every((entry) => Buffer.isBuffer(entry.name)))
    assert.deepEqual(raw.map((entry) => entry.name.toString()).sort(), ['dir', 'fifo', 'file', 'link'])
    assert.throws(() => S.readdirSync(t.file('file')), { code: 'ENOTDIR' })
    await assert.rejects(S.readdir(t.file('missing')), { code: 'ENOENT' })

    assert.throws(() => new S.Dir(), { name: 'TypeError', message: /Illegal constructor/ })
    const dir = await S.openDir(t.dir)
    t.own(dir)
    assert.ok(dir instanceof S.Dir)
    const seen = []
    for await (const entry of dir) {
      seen.push(entry)
    }
    assert.deepEqual(sorted(seen), expected)
    assert.equal(dir.closed, true, 'closed at the end of the iteration')

    const batches = await S.openDir(dirFd, { encoding: 'buffer' })
    t.own(batches)
    const batch = await batches.read()
    assert.ok(batch.length > 0 && Buffer.isBuffer(batch[0].name))
    while ((await batches.read()).length > 0) {
      // Read to the end.
    }
    assert.deepEqual(await batches.read(), [], 'empty at the end')
    batches.close()
    assert.equal(batches.closed, true)
    const unread = await S.openDir(t.dir)
    unread.close()
    await assert.rejects(unread.read(), { code: 'EBADF' }, 'reading a closed Dir')

    const broken = await S.openDir(t.dir)
    for await (const _ of broken) {
      break
    }
    assert.equal(broken.closed, true, 'closed on break')
    const disposed = await S.openDir(t.dir)
    await disposed[Symbol.asyncDispose]()
    assert.equal(disposed.closed, true)
  },

  'addSeals, getSeals, memfdCreate': async (t) => {
    const m = t.own(S.memfdCreate('sysix-smoke', { allowSealing: true }))
    assert.ok(m instanceof S.OwnedFd)
    assert.equal(fdTarget(m.fd), '/memfd:sysix-smoke (deleted)')
    assert.equal(S.fcntlGetFd(m) & S.constants.FD_CLOEXEC, S.constants.FD_CLOEXEC)
    assert.equal(S.pwriteSync(m, Buffer.from('sealed'), 0), 6)
    assert.equal(S.statxSync(m).size, 6n)
    assert.deepEqual(S.getSeals(m), [])
    S.addSeals(m, ['write', 'shrink', 'grow'])
    assert.deepEqual(S.getSeals(m).sort(), ['grow', 'shrink', 'write'])
    assert.throws(() => S.pwriteSync(m, Buffer.from('x'), 0), { code: 'EPERM' })
    assert.throws(() => S.ftruncateSync(m, 0), { code: 'EPERM' })
    const back = Buffer.alloc(6)
    S.preadSync(m, back, 0)
    assert.equal(back.toString(), 'sealed')
    S.addSeals(m, ['seal'])
    assert.throws(() => S.addSeals(m, ['futureWrite']), { code: 'EPERM' })

    const plain = t.own(S.memfdCreate('plain'))
    assert.deepEqual(S.getSeals(plain), ['seal'], 'without allowSealing it is sealed against seals')
    assert.throws(() => S.addSeals(plain, ['write']), { code: 'EPERM' })
    const file = t.own(S.openSync(t.file('not-memfd', '')))
    assert.deepEqual(S.getSeals(file), [], 'a file that is no memfd has none')
    assert.throws(() => S.memfdCreate('a\u0000b'), { code: 'ERR_INVALID_ARG_VALUE' })
    assert.throws(() => S.addSeals(m, ['bogus']), { code: 'ERR_INVALID_ARG_VALUE' })
  },

  'getxattr, getxattrSync, listxattr, listxattrSync, removexattr, removexattrSync, setxattr, setxattrSync': async (t) => {
    const file = t.file('xattr', '')
    try {
      S.setxattrSync(file, 'user.sysix', 'v1')
    } catch (error) {
      // tmpfs before Linux 6.6 has no user.* attributes: then every call says so.
      assert.equal(error.code, 'ENOTSUP', `setxattrSync: ${error.message}`)
      t.note(`user xattrs unsupported on ${t.dir}: checking that each call reports ENOTSUP`)
      await assert.rejects(S.setxattr(file, 'user.sysix', 'v1'), { code: 'ENOTSUP' })
      assert.throws(() => S.getxattrSync(file, 'user.sysix'), { code: /^(ENOTSUP|ENODATA)$/ })
      await assert.rejects(S.getxattr(file, 'user.sysix'), { code: /^(ENOTSUP|ENODATA)$/ })
      assert.throws(() => S.removexattrSync(file, 'user.sysix'), { code: /^(ENOTSUP|ENODATA)$/ })
      await assert.rejects(S.removexattr(file, 'user.sysix'), { code: /^(ENOTSUP|ENODATA)$/ })
      assert.ok(Array.isArray(S.listxattrSync(file)))
      assert.ok(Array.isArray(await S.listxattr(file)))
      return
    }
    assert.deepEqual(S.getxattrSync(file, 'user.sysix'), Buffer.from('v1'))
    const tool = spawnSync('getfattr', ['--only-values', '-n', 'user.sysix', file], { encoding: 'utf8' })
    if (tool.error === undefined && tool.status === 0) {
      assert.equal(tool.stdout, 'v1', 'getfattr(1) reads what setxattrSync wrote')
    }
    assert.ok(S.listxattrSync(file).includes('user.sysix'))
    assert.throws(() => S.setxattrSync(file, 'user.sysix', 'v2', { create: true }), { code: 'EEXIST' })
    assert.throws(() => S.setxattrSync(file, 'user.other', 'x', { replace: true }), { code: 'ENODATA' })
    const fd = t.own(S.openSync(file))
    await S.setxattr(fd, 'user.bytes', new Uint8Array([0, 1, 255]), { create: true })
    assert.deepEqual(await S.getxattr(file, 'user.bytes'), Buffer.from([0, 1, 255]))
    assert.deepEqual((await S.listxattr(fd)).filter((name) => name.startsWith('user.')).sort(), ['user.bytes', 'user.sysix'])
    S.removexattrSync(fd, 'user.bytes')
    await S.removexattr(file, 'user.sysix')
    assert.throws(() => S.getxattrSync(file, 'user.sysix'), { code: 'ENODATA', syscall: 'getxattr' })
    await assert.rejects(S.getxattr(fd, 'user.bytes'), { code: 'ENODATA' })
    assert.throws(() => S.removexattrSync(file, 'user.sysix'), { code: 'ENODATA' })
    await assert.rejects(S.removexattr(file, 'user.sysix'), { code: 'ENODATA' })
    assert.deepEqual(
      S.listxattrSync(file).filter((name) => name.startsWith('user.')),
      [],
    )
    const link = t.file('link')
    fs.symlinkSync('xattr', link)
    await S.setxattr(link, 'user.via-link', 'followed')
    assert.deepEqual(S.getxattrSync(file, 'user.via-link'), Buffer.from('followed'), 'a symlink is followed by default')
    assert.throws(
      () => S.setxattrSync(link, 'user.on-link', 'x', { followSymlinks: false }),
      { code: 'EPERM' },
      'user.* on a symlink itself',
    )
  },

  'inotifyAddWatch, inotifyInit, inotifyRemoveWatch, readInotifyEvents, readInotifyEventsSync': async (t) => {
    const { constants } = S
    const watcher = t.own(S.inotifyInit({ nonBlocking: true }))
    assert.ok(watcher instanceof S.OwnedFd)
    assert.equal(fdTarget(watcher.fd), 'anon_inode:inotify')
    assert.equal(S.fcntlGetFd(watcher) & constants.FD_CLOEXEC, constants.FD_CLOEXEC)
    const wd = S.inotifyAddWatch(watcher, t.dir, constants.IN_CREATE | constants.IN_CLOSE_WRITE)
    assert.ok(Number.isInteger(wd) && wd >= 1)
    assert.deepEqual(S.readInotifyEventsSync(watcher), [], 'nothing yet: a non-blocking instance returns no events')
    fs.writeFileSync(t.file('touched'), 'x')
    assert.ok(S.fionread(watcher) > 0)
    const events = S.readInotifyEventsSync(watcher)
    const created = events.find((event) => event.mask & constants.IN_CREATE)
    assert.deepEqual(created, { wd, mask: constants.IN_CREATE, cookie: 0, name: 'touched' })
    assert.ok(events.some((event) => event.mask & constants.IN_CLOSE_WRITE && event.name === 'touched'))
    fs.writeFileSync(t.file('bytes'), '')
    const raw = S.readInotifyEventsSync(watcher, { encoding: 'buffer' })
    assert.ok(raw.length > 0 && raw.every((event) => Buffer.isBuffer(event.name)))
    assert.equal(raw[0].name.toString(), 'bytes')

    const blocking = t.own(S.inotifyInit())
    const wd2 = S.inotifyAddWatch(blocking, t.dir, constants.IN_CREATE)
    const pending = S.readInotifyEvents(blocking)
    setTimeout(() => fs.writeFileSync(t.file('later'), ''), 30)
    const later = await withTimeout(pending, 5000, 'readInotifyEvents waiting for a file to be created')
    assert.deepEqual(later, [{ wd: wd2, mask: constants.IN_CREATE, cookie: 0, name: 'later' }])

    const controller = new AbortController()
    const aborted = S.readInotifyEvents(blocking, { signal: controller.signal })
    setTimeout(() => controller.abort(), 30)
    await assert.rejects(withTimeout(aborted, 5000, 'readInotifyEvents with an aborted signal'), { name: 'AbortError', code: 'ABORT_ERR' })

    S.inotifyRemoveWatch(watcher, wd)
    const last = S.readInotifyEventsSync(watcher)
    assert.ok(
      last.some((event) => event.wd === wd && event.mask & constants.IN_IGNORED),
      'IN_IGNORED ends the watch',
    )
    assert.throws(() => S.inotifyRemoveWatch(watcher, wd), { code: 'EINVAL' })
    assert.throws(() => S.inotifyAddWatch(watcher, t.file('missing'), constants.IN_CREATE), { code: 'ENOENT' })
  },
}

function readOptional(file) {
  try {
    return fs.readFileSync(file, 'utf8').trim()
  } catch {
    return null
  }
}

/** The ownership rules (README "Ownership rules"), each a case of its own. */
const ownershipCases = {
  'OwnedFd closes once: a number reused after close() is left alone': async (t) => {
    const first = t.file('first', 'first')
    const second = t.file('second', 'second')
    const owned = S.openSync(first)
    const number = owned.fd
    owned.close()
    // The lowest free number: most likely the one just closed.
    const other = fs.openSync(second, 'r')
    t.defer(() => fs.closeSync(other))
    if (other !== number) {
      t.note(`the new file got ${other}, not ${number}: the reuse was not exercised`)
    }
    owned.close()
    owned[Symbol.dispose]()
    assert.equal(fdTarget(other), second, 'closing again did not close the new file')
    assert.equal(fs.fstatSync(other, { bigint: true }).ino, pathIdentity(second).ino)

    if (DENO) {
      t.note("closing behind the owner's back needs fs.closeSync of a kernel descriptor, which Deno refuses: skipped")
      return
    }
    // Closed behind its owner's back, and the number registered again by another OwnedFd.
    const stale = S.openSync(first)
    const staleNumber = stale.fd
    fs.closeSync(staleNumber)
    const fresh = t.own(S.openSync(second))
    if (fresh.fd !== staleNumber) {
      t.note(`the new OwnedFd got ${fresh.fd}, not ${staleNumber}`)
    }
    try {
      stale.close()
    } catch (error) {
      assert.equal(error.code, 'EBADF', 'the stale owner may report EBADF, nothing else')
    }
    assert.equal(fresh.closed, false)
    assert.equal(fdTarget(fresh.fd), second, 'the stale owner did not close the file of the new owner')
  },

  'OwnedFd.fromRaw refuses a number an OwnedFd owns': async (t) => {
    const p = t.own(S.pipe())
    const number = p.reader.fd
    assert.throws(() => S.OwnedFd.fromRaw(number), {
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_VALUE',
      message: /already owned by an OwnedFd/,
    })
    assert.throws(() => S.OwnedFd.fromRaw(p.writer.fd), { code: 'ERR_INVALID_ARG_VALUE' })
    const root = t.own(S.Root.openSync(t.dir))
    assert.throws(() => S.OwnedFd.fromRaw(root.fd), { code: 'ERR_INVALID_ARG_VALUE' }, "a Root's descriptor")
    assert.equal(p.reader.closed, false)
    writeTo(p.writer, 'still mine')
    assert.equal(readFrom(p.reader).toString(), 'still mine')
    const moved = S.OwnedFd.fromRaw(p.reader.intoRaw())
    t.own(moved)
    assert.equal(moved.fd, number, 'intoRaw() then fromRaw() moves ownership')
    assert.equal(p.reader.closed, true)
    p.writer.close()
    assert.equal(readFrom(moved).length, 0)
  },

  'OwnedFd.fromRaw(fs.openSync(...)): adopted, or on Deno refused as a resource id': async (t) => {
    const file = t.file('raw', 'raw')
    const raw = fs.openSync(file, 'r')
    t.defer(() => fs.closeSync(raw))
    if (DENO) {
      assert.throws(() => S.OwnedFd.fromRaw(raw), {
        name: 'TypeError',
        code: 'ERR_INVALID_ARG_VALUE',
        message: /is a Deno resource id, not a kernel file descriptor/,
      })
      assert.equal(fdTarget(raw), file, 'refused, and left open')
      assert.equal(S.fileTimesSync(raw).mtimeNs, S.fileTimesSync(file).mtimeNs, 'a Deno number naming its own kernel descriptor is used')

      // The same, for a number sysix once handed out with intoRaw(), which
      // its new owner (a net.Socket) has closed since, and Deno has reused.
      const p = t.own(S.pipe())
      const handed = p.reader.fd
      const socket = p.reader.toSocket({ readable: true, writable: false })
      p.writer.close()
      socket.resume()
      await withTimeout(once(socket, 'close'), 5000, 'the socket closing at the end of the pipe')
      assert.equal(fdTarget(handed), null, 'the socket closed the number')
      const reused = fs.openSync(file, 'r')
      t.defer(() => fs.closeSync(reused))
      if (reused !== handed) {
        t.note(`Deno gave ${reused}, not ${handed}: the stale-number check was not exercised`)
        return
      }
      let adopted
      try {
        adopted = S.OwnedFd.fromRaw(reused)
      } catch (error) {
        assert.equal(error.code, 'ERR_INVALID_ARG_VALUE')
        assert.match(error.message, /Deno resource id/)
      }
      if (adopted !== undefined) {
        adopted.intoRaw() // Give it back to Deno unclosed.
        assert.fail(
          `fromRaw(${reused}) adopted a Deno resource id: sysix handed out ${handed} with intoRaw() earlier and still takes the number for a kernel descriptor it knows`,
        )
      }
      return
    }
    const owned = S.OwnedFd.fromRaw(raw)
    assert.equal(owned.fd, raw)
    assert.equal(fs.readFileSync(raw, 'utf8'), 'raw', 'node:fs uses the lent number')
    assert.throws(() => S.OwnedFd.fromRaw(raw), { code: 'ERR_INVALID_ARG_VALUE' }, 'one owner')
    assert.equal(owned.intoRaw(), raw, 'given back to node:fs, which closes it in the cleanup')
  },

  'intoRaw() while a Promise call uses the descriptor: EBUSY; close() waits for the call': async (t) => {
    const file = t.file('busy', '')
    const holder = t.own(S.openSync(file, 'r'))
    const waiter = t.own(S.openSync(file, 'r'))
    S.flockSync(holder, 'exclusive')
    const pending = S.flock(waiter, 'exclusive')
    await sleep(20)
    assert.throws(() => waiter.intoRaw(), { code: 'EBUSY', syscall: 'OwnedFd.intoRaw', message: /1 Promise call still uses descriptor/ })
    assert.equal(waiter.closed, false, 'still owned after the refusal')
    S.flockSync(holder, 'unlock')
    await withTimeout(pending, 5000, 'flock after the unlock')
    const number = waiter.intoRaw()
    assert.equal(fdTarget(number), file, 'given up once the call settled')
    S.OwnedFd.fromRaw(number).close()

    // close() during the call: the call still runs on its file, then the descriptor is closed.
    const again = S.openSync(file, 'r')
    const againNumber = again.fd
    S.flockSync(holder, 'exclusive')
    const waiting = S.flock(again, 'shared')
    await sleep(20)
    again.close()
    assert.equal(again.closed, true)
    assert.equal(fdTarget(againNumber), file, 'kept open while the call is in flight')
    S.flockSync(holder, 'unlock')
    await withTimeout(waiting, 5000, 'flock of a closed OwnedFd')
    assert.ok(await settle(() => fdTarget(againNumber) !== file, 2000), 'closed once the call settled')
  },

  'pipe() then reader.toSocket(): read to the end; the reused number is left alone': async (t) => {
    const file = t.file('reuse', 'reused')
    const p = t.own(S.pipe())
    const number = p.reader.fd
    const pipeName = fdTarget(number)
    const payload = 'line of the pipe\n'.repeat(2000)
    writeTo(p.writer, payload)
    p.writer.close()
    if (BUN) {
      // Bun's net.Socket ignores { fd } (oven-sh/bun#29141): sysix refuses rather than leak it.
      assert.throws(() => p.reader.toSocket({ readable: true, writable: false }), { code: 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM' })
      assert.equal(p.reader.closed, false, 'refused: the descriptor stays owned')
      assert.equal(fdTarget(number), pipeName)
      return
    }
    const socket = p.reader.toSocket({ readable: true, writable: false })
    t.defer(() => socket.destroy())
    assert.equal(p.reader.closed, true, 'the socket owns the descriptor now')
    assert.throws(() => p.reader.fd, { code: 'EBADF' })
    let data = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk) => {
      data += chunk
    })
    try {
      await withTimeout(once(socket, 'end'), 5000, 'the socket reading the pipe to its end')
    } finally {
      if (fdTarget(number) === pipeName) {
        // The runtime neither read it nor closed it: close it here, so that only this case fails.
        socket.destroy()
        await sleep(20)
        if (fdTarget(number) === pipeName) {
          S.OwnedFd.fromRaw(number).close()
          t.note(`the socket left descriptor ${number} (${pipeName}) open; closed it here`)
        }
      }
    }
    assert.equal(data, payload)
    if (!socket.destroyed) {
      await withTimeout(once(socket, 'close'), 5000, 'the socket closing')
    }
    assert.notEqual(fdTarget(number), pipeName, 'the socket closed the pipe')

    const reused = fs.openSync(file, 'r')
    t.defer(() => fs.closeSync(reused))
    if (reused !== number) {
      t.note(`the new file got ${reused}, not ${number}: the reuse was not exercised`)
    }
    p.reader.close()
    p.reader[Symbol.dispose]()
    p[Symbol.dispose]()
    await settle(() => false, 100)
    assert.equal(fdTarget(reused), file, 'nothing sysix did closed the new file')
    assert.equal(fs.fstatSync(reused, { bigint: true }).ino, pathIdentity(file).ino)

    const regular = t.own(S.openSync(file))
    const regularNumber = regular.fd
    let made
    try {
      made = regular.toSocket()
    } catch (error) {
      assert.equal(error.code, 'ERR_INVALID_FD_TYPE')
    }
    if (made !== undefined) {
      made.destroy()
      if (fdTarget(regularNumber) === file) {
        S.OwnedFd.fromRaw(regularNumber).close()
      }
      assert.fail('net.Socket took a regular file instead of refusing it with ERR_INVALID_FD_TYPE')
    }
    assert.equal(regular.closed, false, 'refused: the descriptor stays owned here')
    assert.equal(fdTarget(regular.fd), file)
  },

  'OwnedFd.toReadStream() and toWriteStream() hand the descriptor to a stream': async (t) => {
    const file = t.file('stream')
    const text = 'streamed through sysix'
    const leaks = []
    // Hands a new descriptor of `file` to a stream, uses the stream, and
    // checks that the stream closed the descriptor. Deno's node:fs cannot use
    // a kernel descriptor it did not open: there sysix may refuse the hand-over
    // instead, provided the descriptor stays owned here.
    const handOver = async (flags, method, options, use) => {
      const owned = t.own(S.openSync(file, flags))
      const number = owned.fd
      let stream
      try {
        stream = owned[method](options)
      } catch (error) {
        if (!DENO) {
          throw error
        }
        assert.equal(owned.closed, false, `${method} refused: the descriptor stays owned`)
        assert.equal(fdTarget(number), file)
        t.note(`${method} refused on Deno (${error.code}): ${error.message}`)
        return false
      }
      assert.equal(owned.closed, true, `${method}: the stream owns the descriptor now`)
      try {
        await use(stream)
      } finally {
        if (!(await settle(() => fdTarget(number) !== file, 1000))) {
          // Closed here, so that only this case fails.
          S.OwnedFd.fromRaw(number).close()
          leaks.push(number)
          t.note(`the stream of ${method}() left descriptor ${number} open; closed it here`)
        }
      }
      return true
    }
    const wrote = await handOver('w', 'toWriteStream', undefined, async (ws) => {
      ws.end(text)
      await withTimeout(finished(ws), 5000, 'the write stream finishing')
    })
    if (wrote) {
      assert.equal(fs.readFileSync(file, 'utf8'), text)
    } else {
      fs.writeFileSync(file, text)
    }
    await handOver('r', 'toReadStream', { encoding: 'utf8' }, async (rs) => {
      let read = ''
      for await (const chunk of rs) {
        read += chunk
      }
      assert.equal(read, text)
    })
    assert.deepEqual(leaks, [], 'each stream closed the descriptor it was given')
    const kept = t.own(S.openSync(file))
    // On Deno the runtime refusal comes first.
    const refused = DENO ? 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM' : 'ERR_INVALID_ARG_VALUE'
    assert.throws(() => kept.toReadStream({ autoClose: false }), { code: refused })
    assert.throws(() => kept.toWriteStream({ fd: 1 }), { code: refused })
    assert.equal(kept.closed, false, 'refused options leave it owned')
  },

  "worker_threads: a worker's descriptors are closed when it exits": async (t) => {
    assert.ok(threads !== null, 'node:worker_threads cannot be imported on this runtime')
    const before = fdSnapshot()
    const worker = new threads.Worker(new URL(import.meta.url), {
      workerData: { sysixSmoke: 'pipes', file: loaded.root.file, how: loaded.root.how, pipes: 50 },
    })
    const exited = once(worker, 'exit')
    t.defer(() => worker.terminate())
    const [report] = await withTimeout(once(worker, 'message'), 10_000, 'the worker making 50 pipes')
    assert.equal(report.made, 50)
    const during = fdCount()
    assert.ok(during - before.size >= 100, `${during - before.size} more descriptors while the worker held 50 pipes`)
    worker.postMessage('exit')
    const [code] = await withTimeout(exited, 10_000, 'the worker exiting')
    assert.equal(code, 0)
    const closed = await settle(() => fdCount() <= before.size, 3000)
    const open = report.fds.filter((fd) => fdTarget(fd)?.startsWith('pipe:'))
    assert.ok(
      closed,
      `${fdCount() - before.size} more descriptors than before the worker, after it exited; of its pipes, ${open.length} still open\n${fdDiff(before, fdSnapshot())}`,
    )
  },

  'garbage collection closes a dropped OwnedFd, with a SYSIX_UNCLOSED_FD warning': async (t) => {
    assert.ok(gc !== null, 'no way to force garbage collection on this runtime')
    const warnings = []
    const onWarning = (warning) => {
      if (warning.code === 'SYSIX_UNCLOSED_FD') {
        warnings.push(warning)
      }
    }
    process.on('warning', onWarning)
    t.defer(() => process.off('warning', onWarning))
    const numbers = (() => {
      const p = S.pipe()
      return [p.reader.fd, p.writer.fd]
    })()
    const pipeName = fdTarget(numbers[0])
    assert.match(pipeName, /^pipe:/)
    const collected = await settle(() => numbers.every((fd) => fdTarget(fd) !== pipeName) && warnings.length >= 2, 5000)
    assert.ok(
      collected,
      `after garbage collection: ${numbers.map((fd) => `${fd} -> ${fdTarget(fd)}`).join(', ')}; ${warnings.length} warnings`,
    )
    assert.match(warnings[0].message, /^Closing file descriptor \d+ on garbage collection$/)
  },
}

// ---------------------------------------------------------------------------
// Running

async function runCase(name, fn) {
  if (ONLY !== null && !ONLY.test(name) && name !== 'no descriptor leaked') {
    return
  }
  const t = context()
  let error
  try {
    await withTimeout(
      Promise.resolve().then(() => fn(t)),
      PER_CASE_MS,
      name,
    )
  } catch (caught) {
    error = caught ?? new Error(`threw ${caught}`)
  }
  await t.cleanup()
  if (process.env.SYSIX_SMOKE_FDS) {
    const now = fdSnapshot()
    const diff = fdDiff(lastFds ?? now, now)
    if (diff) t.notes.push(`descriptors since the last case:\n${diff}`)
    lastFds = now
  }
  report(name, error, t.notes)
}

let ROOT
/** For debugging: `SYSIX_SMOKE_ONLY=<regexp>` runs only the cases it matches (and the final check). */
const ONLY = process.env.SYSIX_SMOKE_ONLY ? new RegExp(process.env.SYSIX_SMOKE_ONLY) : null
let lastFds

async function main() {
  const script = fileURLToPath(import.meta.url)
  ROOT = path.resolve(process.argv[2] ?? path.join(path.dirname(script), '..', '..'))
  TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'sysix-smoke-'))
  print(`# sysix smoke suite on ${RUNTIME}, package ${ROOT}`)
  try {
    await run()
  } finally {
    fs.rmSync(TMP, { recursive: true, force: true })
  }
  print(`# smoke: ${passed} passed, ${failed} failed`)
  const code = failed === 0 && passed > 0 ? 0 : 1
  process.exitCode = code
  // A case that timed out may have left a handle behind: do not wait for it.
  setTimeout(() => process.exit(code), 200).unref()
}

async function run() {
  // Loading: the files package.json's exports give an ESM importer.
  let pkg
  const entries = {}
  try {
    pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
    for (const subpath of ['.', './fs']) {
      entries[subpath] = resolveExport(ROOT, pkg, subpath)
    }
  } catch (error) {
    report('load: resolve package.json exports', error, [])
    return
  }
  loaded = {}
  for (const [subpath, key] of [
    ['.', 'root'],
    ['./fs', 'fs'],
  ]) {
    const { file, condition } = entries[subpath]
    const notes = [`exports["${subpath}"] → ${path.relative(ROOT, file)} (condition ${condition})`]
    let result
    try {
      result = await loadFile(file)
    } catch (error) {
      report(`load ${subpath}: import()`, error, notes)
      return
    }
    loaded[key] = { file, how: result.how }
    if (result.error !== null) {
      notes.push(`import() failed, so the file was loaded with require() to run the other cases`)
    }
    report(`load ${subpath}: import() of ${path.relative(ROOT, file)}`, result.error ?? undefined, notes)
    if (key === 'root') {
      S = result.module
    } else {
      FS = result.module
    }
  }
  if (pkg.exports['./package.json'] !== undefined) {
    await runCase('load ./package.json: exports["./package.json"] is the package.json', async () => {
      assert.equal(resolveExport(ROOT, pkg, './package.json').file, path.join(ROOT, 'package.json'))
    })
  }

  await runCase('coverage', async () => {
    const covered = new Set(Object.keys(exportCases).flatMap((key) => key.split(', ')))
    const names = Object.keys(S)
    const missing = names.filter((name) => !covered.has(name))
    const extra = [...covered].filter((name) => !names.includes(name) && !INTEROP.includes(name))
    const fsNames = Object.keys(FS).filter((name) => !INTEROP.includes(name))
    const notInRoot = fsNames.filter((name) => !names.includes(name))
    const different = fsNames.filter((name) => names.includes(name) && FS[name] !== S[name])
    assert.ok(names.length > INTEROP.length, 'the root module exports something')
    assert.deepEqual(
      { missing, extra, notInRoot, different },
      { missing: [], extra: [], notInRoot: [], different: [] },
      'missing: exported, but no case covers it; extra: a case covers it, but it is not exported; ' +
        'notInRoot: exported by ./fs but not by the root; different: ./fs exports another value under the name',
    )
  })

  // Settle what the runtime opens once and keeps (a worker's first start,
  // child processes' signal pipe) before counting descriptors.
  spawnSync('true')
  // libuv opens /dev/null for good with its first stream (its spare descriptor for EMFILE).
  try {
    const server = net.createServer()
    server.listen(0, '127.0.0.1')
    await withTimeout(once(server, 'listening'), 5000, 'a warm-up server')
    server.close()
    await once(server, 'close')
  } catch {
    // Nothing to warm up, then.
  }
  // Bun duplicates a standard stream the first time it is used.
  process.stdout.write('')
  process.stderr.write('')
  // Deno makes a socket pair the first time a native thread settles a promise (a wait of sysix's own).
  const lockFile = path.join(TMP, 'warm-up')
  fs.writeFileSync(lockFile, '')
  const locked = S.openSync(lockFile)
  try {
    await S.flock(locked, 'exclusive')
  } catch {
    // The flock case reports it.
  } finally {
    locked.close()
  }
  if (threads !== null) {
    try {
      const worker = new threads.Worker(new URL(import.meta.url), { workerData: { sysixSmoke: 'warm-up' } })
      await withTimeout(once(worker, 'exit'), 10_000, 'a warm-up worker')
    } catch {
      // The worker case reports it.
    }
  }
  await settle(() => false, 100)
  const start = fdSnapshot()

  for (const [name, fn] of Object.entries(exportCases)) {
    await runCase(name, fn)
  }
  for (const [name, fn] of Object.entries(ownershipCases)) {
    await runCase(name, fn)
  }

  await runCase('no descriptor leaked', async (t) => {
    if (await settle(() => fdCount() === start.size, 3000)) {
      return
    }
    // Descriptors of kinds sysix never makes (sockets, event loops' eventfd
    // and epoll) that are no standard stream: the runtime's own, opened
    // lazily (Deno makes a socket pair at some point of a long run, and keeps
    // the eventfd and epoll of the last worker that exited). Counted apart.
    const std = new Set([0, 1, 2].map(fdTarget))
    const runtimes = (fds) => [...fds].filter(([, target]) => RUNTIME_KINDS.test(String(target)) && !std.has(target))
    const end = fdSnapshot()
    const ours = (fds) => fds.size - runtimes(fds).length
    assert.equal(ours(end), ours(start), `${end.size} descriptors open at the end, ${start.size} at the start:\n${fdDiff(start, end)}`)
    t.note(
      `${end.size} descriptors at the end, ${start.size} at the start, all the difference of kinds sysix never makes, the runtime's:\n${fdDiff(start, end)}`,
    )
  })
}

/** In a worker thread started by the worker case: make pipes, report them, keep them until told to exit. */
async function workerMain(data) {
  if (data.sysixSmoke === 'warm-up') {
    return
  }
  const sysix = await loadAs(data.file, data.how)
  // Held by a global, so that only the worker's exit can close them, never garbage collection.
  globalThis.sysixSmokePipes = []
  for (let i = 0; i < data.pipes; i++) {
    globalThis.sysixSmokePipes.push(sysix.pipe())
  }
  const fds = globalThis.sysixSmokePipes.flatMap((p) => [p.reader.fd, p.writer.fd])
  // Kept alive until the main thread has counted, then left to exit on its own.
  threads.parentPort.once('message', () => {})
  threads.parentPort.postMessage({ made: globalThis.sysixSmokePipes.length, fds })
}

if (threads !== null && !threads.isMainThread && threads.workerData?.sysixSmoke !== undefined) {
  await workerMain(threads.workerData)
} else {
  await main()
}
