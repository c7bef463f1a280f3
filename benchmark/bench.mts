// `npm run bench`: sysix against Node core doing the same job, against koffi
// calling libc (the general FFI route), and against a C loop making the same
// system calls (the floor). Prints ns per operation and ratios; a ratio below
// 1.00 means sysix is faster.

import { execFileSync } from 'node:child_process'
import {
  closeSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync as nodeOpen,
  readdirSync as nodeReaddir,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { Bench } from 'tinybench'

import { cpuCount, fileTimes, fileTimesSync, OwnedFd, pipe, sameFileSync, setFileTimesSync } from 'sysix'
import { constants, copyFileRangeSync, flockSync, ftruncateSync, openSync, readdirSync, STATX_LEN, statxSync } from 'sysix/fs'
import { fsExt } from './fs-ext.mjs'
import { koffiCalls } from './koffi.mjs'

const dir = mkdtempSync(join(tmpdir(), 'sysix-bench-'))
const file = join(dir, 'file')
writeFileSync(file, '')
const bigDir = join(dir, 'many')
mkdirSync(bigDir)
for (let i = 0; i < 10_000; i++) writeFileSync(join(bigDir, `entry-${i}`), '')
const source = join(dir, 'source')
writeFileSync(source, Buffer.alloc(1 << 20, 7))
const dest = join(dir, 'dest')
const into = new BigInt64Array(STATX_LEN)
const lockFd = openSync(file, 'r')
const nodeLockFd = nodeOpen(file, 'r')
const ext = fsExt()
if (ext === undefined) {
  console.warn('fs-ext could not be built here (node-gyp and Node headers): its flock column is left out')
}
const owned = OwnedFd.fromRaw(nodeOpen(file, 'r'))
const plainFd = nodeOpen(file, 'r')

/**
 * A whole-file copy made of sysix calls, the ones fs.copyFileSync makes of
 * its own (libuv's copyfile): the size from the source, the destination
 * opened without O_TRUNC and truncated, then copy_file_range from an input
 * offset for exactly the bytes left. (Opening with O_TRUNC, or asking for
 * more bytes than are left, measurably slows Linux's copy on ext4.)
 */
function copyWithSysix(): void {
  using input = openSync(source, 'r')
  const size = Number(statxSync(input, { mask: constants.STATX_SIZE }).size)
  using output = openSync(dest, constants.O_WRONLY | constants.O_CREAT, 0o644)
  ftruncateSync(output, 0)
  for (let offset = 0; offset < size; ) {
    offset += copyFileRangeSync(input, output, size - offset, { inOffset: offset })
  }
}

interface Case {
  name: string
  sysix: () => unknown
  node?: { name: string; run: () => unknown }
  koffi?: () => unknown
  /** The contender when it is neither Node core nor koffi (fs-ext, or sysix itself another way). */
  other?: { name: string; run: () => unknown }
  c?: string
}

const ffi = koffiCalls()
if (ffi === undefined) {
  console.warn('koffi is not available here: its column is left out')
}

// The same times for every call and every contender: the benchmark measures
// the call, not the making of its arguments.
const times = { atime: 1_000_000_000n, mtime: 2_000_000_000n }
const cases: Case[] = [
  {
    name: 'cpuCount()',
    sysix: () => cpuCount(),
    node: { name: 'os.availableParallelism()', run: () => availableParallelism() },
    koffi: ffi && (() => ffi.cpuCount()),
    c: 'sched_getaffinity',
  },
  {
    name: 'fileTimesSync(path)',
    sysix: () => fileTimesSync(file),
    node: { name: 'fs.statSync(path, { bigint: true })', run: () => statSync(file, { bigint: true }) },
    koffi: ffi && (() => ffi.fileTimes(file)),
    c: 'statx',
  },
  {
    name: 'setFileTimesSync(path, { atime, mtime })',
    sysix: () => setFileTimesSync(file, times),
    node: { name: 'fs.utimesSync(path, atime, mtime)', run: () => utimesSync(file, 1, 2) },
    koffi: ffi && (() => ffi.setFileTimes(file, times.atime, times.mtime)),
    c: 'utimensat',
  },
  {
    name: 'pipe() + close both',
    sysix: () => {
      const { reader, writer } = pipe()
      reader.close()
      writer.close()
    },
    koffi: ffi && (() => ffi.pipeAndClose()),
    c: 'pipe2+close',
  },
  {
    name: 'sameFileSync(path, path)',
    sysix: () => sameFileSync(file, file),
    node: {
      name: 'two fs.statSync(path, { bigint: true }) compared',
      run: () => {
        const a = statSync(file, { bigint: true })
        const b = statSync(file, { bigint: true })
        return a.dev === b.dev && a.ino === b.ino
      },
    },
    koffi: ffi && (() => ffi.sameFile(file, file)),
    c: 'same_file',
  },
  {
    name: 'statxSync(path)',
    sysix: () => statxSync(file),
    node: { name: 'fs.statSync(path, { bigint: true })', run: () => statSync(file, { bigint: true }) },
    c: 'statx_all',
  },
  {
    name: 'statxSync(path, {}, into)',
    sysix: () => statxSync(file, undefined, into),
    node: { name: 'fs.statSync(path, { bigint: true })', run: () => statSync(file, { bigint: true }) },
    c: 'statx_all',
  },
  {
    name: 'readdirSync(10,000 entries)',
    sysix: () => readdirSync(bigDir),
    node: { name: 'fs.readdirSync(d, { withFileTypes: true })', run: () => nodeReaddir(bigDir, { withFileTypes: true }) },
    c: 'getdents64',
  },
  {
    name: 'copy 1 MiB: openSync + copyFileRangeSync',
    sysix: copyWithSysix,
    node: { name: 'fs.copyFileSync(src, dest)', run: () => copyFileSync(source, dest) },
    c: 'copy_file_range',
  },
  {
    name: "flockSync(fd, 'exclusive') + 'unlock'",
    sysix: () => {
      flockSync(lockFd, 'exclusive')
      flockSync(lockFd, 'unlock')
    },
    other: ext && {
      name: "fs-ext flockSync(fd, 'ex') + 'un'",
      run: () => {
        ext.flockSync(nodeLockFd, 'ex')
        ext.flockSync(nodeLockFd, 'un')
      },
    },
    c: 'flock',
  },
  {
    name: 'await fileTimes(ownedFd) (leased)',
    sysix: () => fileTimes(owned),
    other: { name: 'await fileTimes(number) (duplicated)', run: () => fileTimes(plainFd) },
  },
]

/** ns/op of each C case, or an empty map if there is no C compiler. */
function cBaseline(): Map<string, number> {
  const program = join(dirname(fileURLToPath(import.meta.url)), 'baseline', 'syscalls.c')
  const binary = join(dir, 'syscalls')
  try {
    execFileSync('cc', ['-O2', '-o', binary, program], { stdio: ['ignore', 'inherit', 'inherit'] })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw error
    }
    console.warn('no C compiler (cc): the C column is left out')
    return new Map()
  }
  const lines = execFileSync(binary, [file, bigDir, source, dest], { encoding: 'utf8' }).trim().split('\n')
  return new Map(lines.map((line) => [line.split(' ')[0], Number(line.split(' ')[1])]))
}

const bench = new Bench({ time: 1500, warmupTime: 300 })
for (const { name, sysix, node, koffi, other } of cases) {
  bench.add(`sysix ${name}`, sysix)
  if (node && !bench.getTask(`node ${node.name}`)) {
    bench.add(`node ${node.name}`, node.run)
  }
  if (koffi) {
    bench.add(`koffi ${name}`, koffi)
  }
  if (other) {
    bench.add(`other ${other.name}`, other.run)
  }
}
await bench.run()
const c = cBaseline()

const nsPerOp = (name: string): number => {
  const task = bench.getTask(name)
  const latency = task?.result && 'latency' in task.result ? task.result.latency : undefined
  if (!latency) {
    throw new Error(`no result for ${name}`)
  }
  // The median: one descheduled sample on a busy machine moves a mean, not a median.
  return (latency.p50 ?? latency.mean) * 1e6
}

const ratio = (ours: number, theirs: number | undefined): string => (theirs ? (ours / theirs).toFixed(2) : '')
const rows = cases.map(({ name, node, koffi, other, c: cName }) => {
  const ours = nsPerOp(`sysix ${name}`)
  const versus = node ?? other
  const viaOther = versus ? nsPerOp(`${node ? 'node' : 'other'} ${versus.name}`) : undefined
  const viaKoffi = koffi ? nsPerOp(`koffi ${name}`) : undefined
  const floor = cName ? c.get(cName) : undefined
  return {
    sysix: name,
    ns: ours.toFixed(0),
    'compared with': versus?.name ?? '(none)',
    'its ns': viaOther?.toFixed(0) ?? '',
    ratio: ratio(ours, viaOther),
    'koffi ns': viaKoffi?.toFixed(0) ?? '',
    '÷ koffi': ratio(ours, viaKoffi),
    'C ns': floor?.toFixed(0) ?? '',
    '÷ C': ratio(ours, floor),
  }
})
console.log(`Node ${process.version}, ${process.arch}, ${availableParallelism()} CPUs`)
console.table(rows)
lockFd.close()
closeSync(nodeLockFd)
owned.close()
closeSync(plainFd)
rmSync(dir, { recursive: true, force: true })
