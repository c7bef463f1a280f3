/**
 * The same jobs done by calling libc through koffi, the fastest general FFI
 * for Node: what a user gets today without a purpose-built addon. Struct
 * layouts are x86_64 Linux's. (Passing a buffer as `void *` or as
 * `_Out_ uint8_t *` measured the same here.)
 */

import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

type KoffiFunction = (...args: unknown[]) => number
interface Koffi {
  load(name: string): { func(signature: string): KoffiFunction }
}

const AT_FDCWD = -100
const O_PATH = 0o10000000
const O_CLOEXEC = 0o2000000
const STATX_TIMES = 0x20 | 0x40 | 0x80 | 0x800 // ATIME | MTIME | CTIME | BTIME
const STATX_BTIME = 0x800
/** `STATX_ALL | STATX_MNT_ID | STATX_DIOALIGN`: every field, as `statxSync` asks. */
const STATX_EVERY = 0xfff | 0x1000 | 0x2000
const LOCK_EX = 2
const LOCK_UN = 8

/** The koffi versions of the benchmarked calls, or `undefined` off x86_64 Linux or without koffi. */
export function koffiCalls() {
  if (process.arch !== 'x64' || process.platform !== 'linux') {
    return undefined
  }
  let koffi: Koffi
  try {
    koffi = require('koffi') as Koffi
  } catch {
    return undefined
  }
  const libc = koffi.load('libc.so.6')
  const schedGetaffinity = libc.func('int sched_getaffinity(int pid, size_t size, _Out_ uint8_t *mask)')
  const statx = libc.func('int statx(int dirfd, const char *path, int flags, unsigned int mask, _Out_ uint8_t *buf)')
  const utimensat = libc.func('int utimensat(int dirfd, const char *path, const int64_t *times, int flags)')
  const pipe2 = libc.func('int pipe2(_Out_ int32_t *fds, int flags)')
  const close = libc.func('int close(int fd)')
  const open = libc.func('int open(const char *path, int flags)')
  const fstat = libc.func('int fstat(int fd, _Out_ uint8_t *buf)')
  const fstatat = libc.func('int fstatat(int dirfd, const char *path, _Out_ uint8_t *buf, int flags)')
  const statxInPlace = libc.func('int statx(int dirfd, const char *path, int flags, unsigned int mask, void *buf)')
  const flock = libc.func('int flock(int fd, int operation)')
  const pread = libc.func('int64_t pread(int fd, void *buf, size_t count, int64_t offset)')
  const pwrite = libc.func('int64_t pwrite(int fd, const void *buf, size_t count, int64_t offset)')

  const mask = Buffer.alloc(128)
  const stx = Buffer.alloc(256)
  const times = new BigInt64Array(4)
  const fds = new Int32Array(2)
  const st1 = Buffer.alloc(144)
  const st2 = Buffer.alloc(144)
  const ns = (offset: number): bigint => stx.readBigInt64LE(offset) * 1_000_000_000n + BigInt(stx.readUInt32LE(offset + 8))

  return {
    cpuCount(): number {
      if (schedGetaffinity(0, mask.length, mask) !== 0) throw new Error('sched_getaffinity')
      let count = 0
      for (const byte of mask) {
        for (let bits = byte; bits !== 0; bits &= bits - 1) count++
      }
      return count
    },
    fileTimes(path: string) {
      if (statx(AT_FDCWD, path, 0, STATX_TIMES, stx) !== 0) throw new Error('statx')
      return {
        atimeNs: ns(64),
        mtimeNs: ns(112),
        ctimeNs: ns(96),
        birthtimeNs: stx.readUInt32LE(0) & STATX_BTIME ? ns(80) : null,
      }
    },
    setFileTimes(path: string, atimeNs: bigint, mtimeNs: bigint): void {
      times[0] = atimeNs / 1_000_000_000n
      times[1] = atimeNs % 1_000_000_000n
      times[2] = mtimeNs / 1_000_000_000n
      times[3] = mtimeNs % 1_000_000_000n
      if (utimensat(AT_FDCWD, path, times, 0) !== 0) throw new Error('utimensat')
    },
    pipeAndClose(): void {
      if (pipe2(fds, O_CLOEXEC) !== 0) throw new Error('pipe2')
      close(fds[0])
      close(fds[1])
    },
    /** statx of every field into the caller's buffer: the `into` form's job. */
    statxInto(path: string, into: Uint8Array): Uint8Array {
      if (statxInPlace(AT_FDCWD, path, 0, STATX_EVERY, into) !== 0) throw new Error('statx')
      return into
    },
    flockPair(fd: number): void {
      if (flock(fd, LOCK_EX) !== 0 || flock(fd, LOCK_UN) !== 0) throw new Error('flock')
    },
    pread(fd: number, view: Uint8Array, position: number): number {
      const n = pread(fd, view, view.byteLength, position)
      if (n < 0) throw new Error('pread')
      return n
    },
    pwrite(fd: number, view: Uint8Array, position: number): number {
      const n = pwrite(fd, view, view.byteLength, position)
      if (n < 0) throw new Error('pwrite')
      return n
    },
    sameFile(a: string, b: string): boolean {
      const held = open(a, O_PATH | O_CLOEXEC)
      if (held < 0) throw new Error('open')
      try {
        if (fstat(held, st1) !== 0 || fstatat(AT_FDCWD, b, st2, 0) !== 0) throw new Error('stat')
        return st1.readBigUInt64LE(0) === st2.readBigUInt64LE(0) && st1.readBigUInt64LE(8) === st2.readBigUInt64LE(8)
      } finally {
        close(held)
      }
    },
  }
}
