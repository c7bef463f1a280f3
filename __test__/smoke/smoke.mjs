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
//
// The cases live in one file per area, named as lib/ names them (fd.mjs,
// pipe.mjs, fs/lock.mjs...); kit.mjs holds what they share.

import {
  FS,
  INTEROP,
  PER_CASE_MS,
  ROOT,
  RUNTIME,
  RUNTIME_KINDS,
  S,
  TMP,
  assert,
  context,
  fdCount,
  fdDiff,
  fdSnapshot,
  fdTarget,
  fileURLToPath,
  fs,
  loadAs,
  loadFile,
  net,
  once,
  os,
  path,
  print,
  report,
  resolveExport,
  setLoaded,
  setRoot,
  setTmp,
  settle,
  spawnSync,
  tally,
  threads,
  withTimeout,
} from './kit.mjs'
import * as area_package from './package.mjs'
import * as area_fd from './fd.mjs'
import * as area_pipe from './pipe.mjs'
import * as area_cpu from './cpu.mjs'
import * as area_same_file from './same_file.mjs'
import * as area_times from './times.mjs'
import * as area_info from './info.mjs'
import * as area_fs_open from './fs/open.mjs'
import * as area_fs_root from './fs/root.mjs'
import * as area_fs_stat from './fs/stat.mjs'
import * as area_fs_lock from './fs/lock.mjs'
import * as area_fs_data from './fs/data.mjs'
import * as area_fs_io from './fs/io.mjs'
import * as area_fs_names from './fs/names.mjs'
import * as area_fs_atomic from './fs/atomic.mjs'
import * as area_fs_dir from './fs/dir.mjs'
import * as area_fs_memfd from './fs/memfd.mjs'
import * as area_fs_xattr from './fs/xattr.mjs'
import * as area_fs_inotify from './fs/inotify.mjs'
import * as area_fs_batch from './fs/batch.mjs'

/** Every area's cases, in order. */
const AREAS = [
  area_package,
  area_fd,
  area_pipe,
  area_cpu,
  area_same_file,
  area_times,
  area_info,
  area_fs_open,
  area_fs_root,
  area_fs_stat,
  area_fs_batch,
  area_fs_lock,
  area_fs_data,
  area_fs_io,
  area_fs_names,
  area_fs_atomic,
  area_fs_dir,
  area_fs_memfd,
  area_fs_xattr,
  area_fs_inotify,
]
const exportCases = Object.assign({}, ...AREAS.map((area) => area.cases))
const ownershipCases = Object.assign({}, ...AREAS.map((area) => area.ownership ?? {}))

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

/** For debugging: `SYSIX_SMOKE_ONLY=<regexp>` runs only the cases it matches (and the final check). */
const ONLY = process.env.SYSIX_SMOKE_ONLY ? new RegExp(process.env.SYSIX_SMOKE_ONLY) : null
let lastFds

async function main() {
  const script = fileURLToPath(import.meta.url)
  setRoot(path.resolve(process.argv[2] ?? path.join(path.dirname(script), '..', '..')))
  setTmp(fs.mkdtempSync(path.join(os.tmpdir(), 'sysix-smoke-')))
  print(`# sysix smoke suite on ${RUNTIME}, package ${ROOT}`)
  try {
    await run()
  } finally {
    fs.rmSync(TMP, { recursive: true, force: true })
  }
  const { passed, failed } = tally()
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
  const how = {}
  let root
  let fsModule
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
    how[key] = { file, how: result.how }
    if (result.error !== null) {
      notes.push(`import() failed, so the file was loaded with require() to run the other cases`)
    }
    report(`load ${subpath}: import() of ${path.relative(ROOT, file)}`, result.error ?? undefined, notes)
    if (key === 'root') {
      root = result.module
    } else {
      fsModule = result.module
    }
  }
  setLoaded(root, fsModule, how)
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
