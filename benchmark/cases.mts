/**
 * What the benchmark measures: every public hot call of sysix beside its
 * alternatives, the first contender of each case being sysix's call itself:
 *
 *   sync        the synchronous calls against Node core, koffi calling libc
 *               and an existing addon (fs-ext), with the C loop of
 *               baseline/syscalls.c as the floor
 *   promise     the Promise forms awaited one after another (latency)
 *               against fs.promises
 *   throughput  the same Promise forms, `Promise.all` over N items
 *   batch       the batch calls (statxMany, fileTimesMany, preadMany) against
 *               `Promise.all` of the single sysix call and of fs.promises;
 *               a batch call is measured only where this build exports it
 *
 * and the hot synchronous calls whose memory is checked (`heapCalls`,
 * `rssCalls`). Every contender gets the same arguments, made once: the
 * benchmark measures the call, not the making of its arguments.
 */

import { copyFileSync, promises as fsp, readdirSync as nodeReaddir, readSync, statSync, utimesSync, writeSync } from 'node:fs'
import { availableParallelism } from 'node:os'

import * as sysixModule from 'sysix'
import { cpuCount, fileTimes, fileTimesSync, pipe, sameFileSync, setFileTimes, setFileTimesSync } from 'sysix'
import * as fsModule from 'sysix/fs'
import {
  constants,
  copyFileRangeSync,
  flockSync,
  ftruncateSync,
  openSync,
  pread,
  preadSync,
  pwriteSync,
  readdirSync,
  STATX_LEN,
  statx,
  statxSync,
} from 'sysix/fs'
import { BLOCK, ENTRIES, type Fixture, READS } from './fixture.mjs'
import type { fsExt } from './fs-ext.mjs'
import type { koffiCalls } from './koffi.mjs'
import type { Group } from './results.mjs'
import type { Contender, Kind, Mode } from './runner.mjs'

export interface Case {
  /** Short and stable: what `--only`, the targets and the JSON name it by. */
  id: string
  call: string
  group: Group
  mode: Mode
  /** sysix's call first. */
  contenders: Contender[]
  /** Items per operation of a batch case. */
  items?: number
  /** Its floor among the C program's cases. */
  c?: string
  /** Rejects unless sysix's call does its job: a batch call reports failures per item instead of throwing. */
  verify?: () => Promise<void>
}

/** A hot synchronous call whose memory is checked. */
export interface HotCall {
  id: string
  call: string
  run: () => unknown
}

interface Batches {
  statxMany?: (paths: string[]) => Promise<unknown>
  fileTimesMany?: (paths: string[]) => Promise<unknown>
  preadMany?: (fd: unknown, reads: { view: NodeJS.ArrayBufferView; position: number }[]) => Promise<unknown>
}

/** The batch calls this build of sysix exports (they are new: older builds lack them). */
function batches(): Batches {
  const exports = { ...sysixModule, ...fsModule } as Record<string, unknown>
  const found: Record<string, unknown> = {}
  for (const name of ['statxMany', 'fileTimesMany', 'preadMany']) {
    if (typeof exports[name] === 'function') found[name] = exports[name]
  }
  return found as Batches
}

const entry = (id: string, name: string, kind: Kind, run: (i: number) => unknown): Contender => ({ id, name, kind, run })
const present = <T,>(value: T | undefined | false): value is T => value !== undefined && value !== false

type Ffi = NonNullable<ReturnType<typeof koffiCalls>>
type Ext = NonNullable<ReturnType<typeof fsExt>>

/** The times every setter sets, the same for every contender. */
const times = { atime: 1_000_000_000n, mtime: 2_000_000_000n }

/** The synchronous sysix calls, shared by the cases and the memory checks. */
function syncCalls(f: Fixture) {
  const into = new BigInt64Array(STATX_LEN)
  const block = Buffer.alloc(BLOCK)
  const written = Buffer.alloc(BLOCK, 1)
  return {
    block,
    written,
    cpuCount: () => cpuCount(),
    fileTimesSync: () => fileTimesSync(f.file),
    setFileTimesSync: () => setFileTimesSync(f.file, times),
    pipe: () => {
      const { reader, writer } = pipe()
      reader.close()
      writer.close()
    },
    sameFileSync: () => sameFileSync(f.file, f.file),
    statxSync: () => statxSync(f.file),
    statxInto: () => statxSync(f.file, undefined, into),
    flock: () => {
      flockSync(f.lockFd, 'exclusive')
      flockSync(f.lockFd, 'unlock')
    },
    preadSync: () => preadSync(f.dataFd, block, 0),
    pwriteSync: () => pwriteSync(f.scratchFd, written, 0),
  }
}

/**
 * A whole-file copy made of sysix calls, the ones fs.copyFileSync makes of
 * its own (libuv's copyfile): the size from the source, the destination
 * opened without O_TRUNC and truncated, then copy_file_range from an input
 * offset for exactly the bytes left. (Opening with O_TRUNC, or asking for
 * more bytes than are left, measurably slows Linux's copy on ext4.)
 */
function copyWithSysix(f: Fixture): void {
  using input = openSync(f.source, 'r')
  const size = Number(statxSync(input, { mask: constants.STATX_SIZE }).size)
  using output = openSync(f.dest, constants.O_WRONLY | constants.O_CREAT, 0o644)
  ftruncateSync(output, 0)
  for (let offset = 0; offset < size; ) {
    offset += copyFileRangeSync(input, output, size - offset, { inOffset: offset })
  }
}

function syncCases(f: Fixture, ffi: Ffi | undefined, ext: Ext | undefined): Case[] {
  const s = syncCalls(f)
  const { block, written } = s
  const raw = new Uint8Array(256)
  const bigStat = () => statSync(f.file, { bigint: true })
  const node = (name: string, run: () => unknown) => entry('node', name, 'node', run)
  const koffi = (name: string, run: (ffi: Ffi) => () => unknown) => ffi && entry('koffi', `koffi: ${name}`, 'koffi', run(ffi))
  const sync = (id: string, call: string, run: () => unknown, c: string | undefined, ...others: (Contender | undefined)[]): Case => ({
    id,
    call,
    group: 'sync',
    mode: 'sync',
    contenders: [entry('sysix', call, 'sysix', run), ...others.filter(present)],
    c,
  })
  return [
    sync(
      'cpuCount',
      'cpuCount()',
      s.cpuCount,
      'sched_getaffinity',
      node('os.availableParallelism()', () => availableParallelism()),
      koffi('sched_getaffinity + popcount', (k) => () => k.cpuCount()),
    ),
    sync(
      'fileTimesSync',
      'fileTimesSync(path)',
      s.fileTimesSync,
      'statx',
      node('fs.statSync(path, { bigint: true })', bigStat),
      koffi('statx + the same object', (k) => () => k.fileTimes(f.file)),
    ),
    sync(
      'setFileTimesSync',
      'setFileTimesSync(path, { atime, mtime })',
      s.setFileTimesSync,
      'utimensat',
      node('fs.utimesSync(path, atime, mtime)', () => utimesSync(f.file, 1, 2)),
      koffi('utimensat', (k) => () => k.setFileTimes(f.file, times.atime, times.mtime)),
    ),
    sync(
      'pipe',
      'pipe() + close both',
      s.pipe,
      'pipe2+close',
      koffi('pipe2 + close + close', (k) => () => k.pipeAndClose()),
    ),
    sync(
      'sameFileSync',
      'sameFileSync(path, path)',
      s.sameFileSync,
      'same_file',
      node('two fs.statSync(path, { bigint: true }) compared', () => {
        const a = bigStat()
        const b = bigStat()
        return a.dev === b.dev && a.ino === b.ino
      }),
      koffi('open O_PATH + fstat + fstatat + close', (k) => () => k.sameFile(f.file, f.file)),
    ),
    sync('statxSync', 'statxSync(path)', s.statxSync, 'statx_all', node('fs.statSync(path, { bigint: true })', bigStat)),
    sync(
      'statxSync-into',
      'statxSync(path, undefined, into)',
      s.statxInto,
      'statx_all',
      node('fs.statSync(path, { bigint: true })', bigStat),
      koffi('statx into a Uint8Array', (k) => () => k.statxInto(f.file, raw)),
    ),
    sync(
      'readdirSync',
      `readdirSync(${ENTRIES.toLocaleString('en-US')} entries)`,
      () => readdirSync(f.bigDir),
      'getdents64',
      node('fs.readdirSync(dir, { withFileTypes: true })', () => nodeReaddir(f.bigDir, { withFileTypes: true })),
    ),
    sync(
      'copy',
      'copy 1 MiB: openSync + copyFileRangeSync',
      () => copyWithSysix(f),
      'copy_file_range',
      node('fs.copyFileSync(src, dest)', () => copyFileSync(f.source, f.dest)),
    ),
    sync(
      'flockSync',
      "flockSync(fd, 'exclusive') + 'unlock'",
      s.flock,
      'flock',
      ext &&
        entry('addon', "fs-ext: flockSync(fd, 'ex') + 'un'", 'addon', () => {
          ext.flockSync(f.nodeLockFd, 'ex')
          ext.flockSync(f.nodeLockFd, 'un')
        }),
      koffi('flock + flock', (k) => () => k.flockPair(f.nodeLockFd)),
    ),
    sync(
      'preadSync',
      'preadSync(fd, buf, 0) (4 KiB)',
      s.preadSync,
      'pread',
      node('fs.readSync(fd, buf, 0, 4096, 0)', () => readSync(f.nodeDataFd, block, 0, BLOCK, 0)),
      koffi('pread', (k) => () => k.pread(f.nodeDataFd, block, 0)),
    ),
    sync(
      'pwriteSync',
      'pwriteSync(fd, buf, 0) (4 KiB)',
      s.pwriteSync,
      'pwrite',
      node('fs.writeSync(fd, buf, 0, 4096, 0)', () => writeSync(f.nodeScratchFd, written, 0, BLOCK, 0)),
      koffi('pwrite', (k) => () => k.pwrite(f.nodeScratchFd, written, 0)),
    ),
  ]
}

function promiseCases(f: Fixture, items: number): Case[] {
  const block = Buffer.alloc(BLOCK)
  const blocks = Array.from({ length: READS }, () => Buffer.alloc(BLOCK))
  const path = (i: number) => f.entries[i % ENTRIES]
  const at = (i: number) => (i % READS) * BLOCK
  const n = items.toLocaleString('en-US')
  const pair = (
    id: string,
    call: string,
    group: Group,
    ours: (i: number) => unknown,
    name: string,
    theirs: (i: number) => unknown,
  ): Case => ({
    id,
    call,
    group,
    mode: group === 'throughput' ? 'throughput' : 'latency',
    contenders: [entry('sysix', call, 'sysix', ours), entry('node', name, 'node', theirs)],
  })
  return [
    pair(
      'fileTimes',
      'await fileTimes(path)',
      'promise',
      () => fileTimes(f.file),
      'await fs.promises.stat(path, { bigint: true })',
      () => fsp.stat(f.file, { bigint: true }),
    ),
    pair(
      'statx',
      'await statx(path)',
      'promise',
      () => statx(f.file),
      'await fs.promises.stat(path, { bigint: true })',
      () => fsp.stat(f.file, { bigint: true }),
    ),
    pair(
      'setFileTimes',
      'await setFileTimes(path, { atime, mtime })',
      'promise',
      () => setFileTimes(f.file, times),
      'await fs.promises.utimes(path, atime, mtime)',
      () => fsp.utimes(f.file, 1, 2),
    ),
    pair(
      'pread',
      'await pread(fd, buf, 0) (4 KiB)',
      'promise',
      () => pread(f.dataFd, block, 0),
      'await fileHandle.read(buf, 0, 4096, 0)',
      () => f.dataHandle.read(block, 0, BLOCK, 0),
    ),
    {
      id: 'fileTimes-fd',
      call: 'await fileTimes(ownedFd) (leased)',
      group: 'promise',
      mode: 'latency',
      contenders: [
        entry('sysix', 'await fileTimes(ownedFd) (leased)', 'sysix', () => fileTimes(f.owned)),
        entry('number', 'await fileTimes(number) (duplicated)', 'sysix', () => fileTimes(f.plainFd)),
      ],
    },
    pair(
      'fileTimes-all',
      `Promise.all(${n} × fileTimes(path))`,
      'throughput',
      (i) => fileTimes(path(i)),
      `Promise.all(${n} × fs.promises.stat(path, { bigint: true }))`,
      (i) => fsp.stat(path(i), { bigint: true }),
    ),
    pair(
      'statx-all',
      `Promise.all(${n} × statx(path))`,
      'throughput',
      (i) => statx(path(i)),
      `Promise.all(${n} × fs.promises.stat(path, { bigint: true }))`,
      (i) => fsp.stat(path(i), { bigint: true }),
    ),
    pair(
      'setFileTimes-all',
      `Promise.all(${n} × setFileTimes(path, times))`,
      'throughput',
      (i) => setFileTimes(path(i), times),
      `Promise.all(${n} × fs.promises.utimes(path, atime, mtime))`,
      (i) => fsp.utimes(path(i), 1, 2),
    ),
    pair(
      'pread-all',
      `Promise.all(${n} × pread(fd, buf, position))`,
      'throughput',
      (i) => pread(f.dataFd, blocks[i % READS], at(i)),
      `Promise.all(${n} × fileHandle.read(buf, 0, 4096, position))`,
      (i) => f.dataHandle.read(blocks[i % READS], 0, BLOCK, at(i)),
    ),
  ]
}

function batchCases(f: Fixture, notes: string[]): Case[] {
  const api = batches()
  const blocks = Array.from({ length: READS }, () => Buffer.alloc(BLOCK))
  const reads = blocks.map((view, i) => ({ view, position: i * BLOCK }))
  const paths = f.entries
  const n = ENTRIES.toLocaleString('en-US')
  const statAll = () => Promise.all(paths.map((p) => fsp.stat(p, { bigint: true })))
  const cases: Case[] = []
  const batch = (id: string, call: string, items: number, c: string, ours: () => Promise<unknown>, ...others: Contender[]) =>
    cases.push({
      id,
      call,
      group: 'batch',
      mode: 'batch',
      items,
      c,
      contenders: [entry('sysix', call, 'sysix', ours), ...others],
      verify: async () => {
        const results = await ours()
        const failed = Array.isArray(results) ? results.find((r) => r instanceof Error) : 'not an array'
        if (!Array.isArray(results) || results.length !== items || failed !== undefined) {
          throw new Error(`${call} did not do its job: ${failed ?? `${(results as unknown[]).length} results`}`)
        }
      },
    })
  const { statxMany, fileTimesMany, preadMany } = api
  if (statxMany) {
    batch(
      'statxMany',
      `await statxMany(${n} paths)`,
      ENTRIES,
      'statx_many',
      () => statxMany(paths),
      entry('all-sysix', 'Promise.all(paths.map((p) => statx(p)))', 'sysix', () => Promise.all(paths.map((p) => statx(p)))),
      entry('all-node', 'Promise.all(paths.map((p) => fs.promises.stat(p, { bigint: true })))', 'node', statAll),
    )
  }
  if (fileTimesMany) {
    batch(
      'fileTimesMany',
      `await fileTimesMany(${n} paths)`,
      ENTRIES,
      'times_many',
      () => fileTimesMany(paths),
      entry('all-sysix', 'Promise.all(paths.map((p) => fileTimes(p)))', 'sysix', () => Promise.all(paths.map((p) => fileTimes(p)))),
      entry('all-node', 'Promise.all(paths.map((p) => fs.promises.stat(p, { bigint: true })))', 'node', statAll),
    )
  }
  if (preadMany) {
    batch(
      'preadMany',
      `await preadMany(fd, ${READS.toLocaleString('en-US')} × 4 KiB)`,
      READS,
      'pread_many',
      () => preadMany(f.dataFd, reads),
      entry('all-sysix', 'Promise.all(reads.map(({ view, position }) => pread(fd, view, position)))', 'sysix', () =>
        Promise.all(reads.map(({ view, position }) => pread(f.dataFd, view, position))),
      ),
      entry('all-node', 'Promise.all(reads.map(({ view, position }) => fileHandle.read(view, 0, 4096, position)))', 'node', () =>
        Promise.all(reads.map(({ view, position }) => f.dataHandle.read(view, 0, BLOCK, position))),
      ),
    )
  }
  const missing = ['statxMany', 'fileTimesMany', 'preadMany'].filter((name) => !(name in api))
  if (missing.length > 0) {
    notes.push(
      `${missing.join(', ')}: not exported by this build of sysix, so ${missing.length === 1 ? 'its' : 'their'} batch rows are left out`,
    )
  }
  return cases
}

/** Every case, in the report's order. */
export function makeCases(f: Fixture, ffi: Ffi | undefined, ext: Ext | undefined, items: number, notes: string[]): Case[] {
  return [...syncCases(f, ffi, ext), ...promiseCases(f, items), ...batchCases(f, notes)]
}

/** The calls whose JS-heap allocation per call is measured; the ones that fill the caller's memory must allocate nothing. */
export function heapCalls(f: Fixture): HotCall[] {
  const s = syncCalls(f)
  return [
    { id: 'statxSync-into', call: 'statxSync(path, undefined, into)', run: s.statxInto },
    { id: 'preadSync', call: 'preadSync(fd, buf, 0)', run: s.preadSync },
    { id: 'pwriteSync', call: 'pwriteSync(fd, buf, 0)', run: s.pwriteSync },
    { id: 'cpuCount', call: 'cpuCount()', run: s.cpuCount },
    { id: 'flockSync', call: "flockSync(fd, 'exclusive') + 'unlock'", run: s.flock },
    { id: 'setFileTimesSync', call: 'setFileTimesSync(path, { atime, mtime })', run: s.setFileTimesSync },
    { id: 'fileTimesSync', call: 'fileTimesSync(path) (returns an object)', run: s.fileTimesSync },
    { id: 'statxSync', call: 'statxSync(path) (returns an object)', run: s.statxSync },
  ]
}

/** The calls made many times over for the RSS check. */
export function rssCalls(f: Fixture): HotCall[] {
  const s = syncCalls(f)
  return [
    { id: 'cpuCount', call: 'cpuCount()', run: s.cpuCount },
    { id: 'fileTimesSync', call: 'fileTimesSync(path)', run: s.fileTimesSync },
    { id: 'statxSync-into', call: 'statxSync(path, undefined, into)', run: s.statxInto },
    { id: 'sameFileSync', call: 'sameFileSync(path, path)', run: s.sameFileSync },
    { id: 'flockSync', call: "flockSync(fd, 'exclusive') + 'unlock'", run: s.flock },
    { id: 'pipe', call: 'pipe() + close both', run: s.pipe },
  ]
}
