// File data and space, checked against the kernel through coreutils stat,
// truncate and dd, util-linux fallocate, fincore and cp, Python's os.lseek,
// and Node's own fs: allocation and holes, advice, syncing, in-kernel copies,
// cloning and sparse maps.

import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  closeSync,
  constants as fsConstants,
  copyFileSync,
  fstatSync,
  openSync as nodeOpen,
  readFileSync,
  readSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import { constants as osConstants } from 'node:os'
import { join } from 'node:path'

import test, { type ExecutionContext } from 'ava'

import { pipe } from 'sysix'
import {
  cloneFile,
  cloneFileSync,
  constants,
  copyFileRange,
  copyFileRangeSync,
  type DataExtent,
  fadviseSync,
  fallocate,
  fallocateSync,
  fdatasync,
  fdatasyncSync,
  fsync,
  fsyncSync,
  ftruncate,
  ftruncateSync,
  memfdCreate,
  openSync,
  seekData,
  seekHole,
  sendfile,
  sendfileSync,
  sparseMap,
  sparseMapSync,
  syncfs,
  syncfsSync,
} from 'sysix/fs'
import { tempDir, tool } from './helpers.mjs'

const MiB = 1024 * 1024
const { errno } = osConstants

/** A file in a fresh directory holding `data`, and its path. */
function fileWith(t: ExecutionContext, data: string | Buffer = '', name = 'file'): string {
  const path = join(tempDir(t), name)
  writeFileSync(path, data)
  return path
}

/** `stat --format=%b`: the 512-byte blocks the file has allocated. */
const blocks = (path: string): number => Number(tool('stat', ['--format=%b', path]))

/** `stat -f --format=%T`: the type of the filesystem holding `path` (`tmpfs`, `ext2/ext3`, `xfs`...). */
const fsType = (path: string): string => tool('stat', ['-f', '--format=%T', path]).trim()

/** A descriptor number no process has open (far above any RLIMIT_NOFILE). */
const NOT_OPEN = 1_000_000

/** The data extents of `path` as Python's `os.lseek` with `SEEK_DATA`/`SEEK_HOLE` finds them. */
function pythonSparseMap(path: string): DataExtent[] {
  const script = `
import errno, json, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
size = os.fstat(fd).st_size
out, off = [], 0
while off < size:
    try:
        start = os.lseek(fd, off, os.SEEK_DATA)
    except OSError as e:
        if e.errno == errno.ENXIO:
            break
        raise
    end = os.lseek(fd, start, os.SEEK_HOLE)
    out.append({'offset': start, 'length': end - start})
    off = end
print(json.dumps(out))
`
  return JSON.parse(tool('python3', ['-c', script, path]))
}

/** Python's answer to `os.lseek(fd, offset, SEEK_DATA or SEEK_HOLE)`: an offset, or null for ENXIO. */
function pythonSeek(path: string, offset: number, whence: 'SEEK_DATA' | 'SEEK_HOLE'): number | null {
  const script = `
import errno, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
try:
    print(os.lseek(fd, int(sys.argv[2]), os.${whence}))
except OSError as e:
    if e.errno != errno.ENXIO:
        raise
    print('null')
`
  return JSON.parse(tool('python3', ['-c', script, path, String(offset)]))
}

/**
 * Runs util-linux `fallocate` with `args` on `path`: `null` when it
 * succeeds, else the errno name its message gives (`ENOTSUP` for "Operation
 * not supported", as Node names errno 95; `EINVAL`...).
 */
function fallocateTool(path: string, args: string[]): string | null {
  const result = spawnSync('fallocate', [...args, path], { encoding: 'utf8' })
  if (result.status === 0) {
    return null
  }
  const messages: Record<string, string> = {
    'Operation not supported': 'ENOTSUP',
    'Invalid argument': 'EINVAL',
    'Bad file descriptor': 'EBADF',
    'No space left on device': 'ENOSPC',
  }
  const found = Object.entries(messages).find(([text]) => result.stderr.includes(text))
  if (found === undefined) {
    throw new Error(`fallocate(1) failed in an unexpected way: ${result.stderr}`)
  }
  return found[1]
}

/** The file's bytes, as Node's fs reads them. */
const contents = (path: string): Buffer => readFileSync(path)

test('fallocateSync grows the file and allocates its blocks, which read as zeros', (t) => {
  const path = fileWith(t)
  using fd = openSync(path, 'r+')
  t.is(blocks(path), 0)
  fallocateSync(fd, 0, MiB)
  t.is(fstatSync(fd.fd).size, MiB)
  t.is(Number(tool('stat', ['--format=%s', path])), MiB)
  t.true(blocks(path) >= MiB / 512, `at least 1 MiB allocated, stat says ${blocks(path)} blocks`)
  t.true(contents(path).equals(Buffer.alloc(MiB)))
  // Allocating inside the file changes nothing of its size.
  fallocateSync(fd, 4096, 4096)
  t.is(fstatSync(fd.fd).size, MiB)
})

test('fallocate (Promise) with a bigint range past the end grows the file to offset + length', async (t) => {
  const path = fileWith(t, 'abc')
  using fd = openSync(path, 'r+')
  await fallocate(fd, 8192n, 4096n)
  t.is(statSync(path).size, 12288)
  t.is(contents(path).subarray(0, 3).toString(), 'abc', 'the data before stays')
})

test('keepSize allocates blocks without changing the size', (t) => {
  const path = fileWith(t, 'x')
  using fd = openSync(path, 'r+')
  const before = blocks(path)
  fallocateSync(fd, 0, MiB, { keepSize: true })
  t.is(statSync(path).size, 1)
  t.true(blocks(path) >= before + MiB / 512 - 8, `blocks went from ${before} to ${blocks(path)}`)
})

test('punchHole with keepSize frees the range: stat blocks drop, it reads as zeros, and SEEK_DATA/SEEK_HOLE see the hole', async (t) => {
  const path = fileWith(t, Buffer.alloc(3 * MiB, 7))
  using fd = openSync(path, 'r+')
  fsyncSync(fd)
  const before = blocks(path)
  t.true(before >= (3 * MiB) / 512)

  fallocateSync(fd, MiB, MiB, { punchHole: true, keepSize: true })
  const after = blocks(path)
  t.true(Math.abs(before - after - MiB / 512) <= 8, `1 MiB (2048 blocks) freed: ${before} -> ${after}`)
  t.is(statSync(path).size, 3 * MiB, 'the size is kept')
  const data = contents(path)
  t.true(data.subarray(0, MiB).equals(Buffer.alloc(MiB, 7)))
  t.true(data.subarray(MiB, 2 * MiB).equals(Buffer.alloc(MiB)), 'the hole reads as zeros')
  t.true(data.subarray(2 * MiB).equals(Buffer.alloc(MiB, 7)))

  const expected = [
    { offset: 0, length: MiB },
    { offset: 2 * MiB, length: MiB },
  ]
  t.deepEqual(sparseMapSync(fd), expected)
  t.deepEqual(await sparseMap(fd), expected)
  t.deepEqual(pythonSparseMap(path), expected, 'Python sees the same map')
  t.is(seekHole(fd, 0), MiB)
  t.is(seekData(fd, MiB), 2 * MiB)
  t.is(seekData(fd, MiB + 100), 2 * MiB)
  t.is(seekHole(fd, 2 * MiB), 3 * MiB, 'the end of the file counts as a hole')
})

test('punchHole without keepSize is refused before the call, saying why (the kernel would say EOPNOTSUPP)', async (t) => {
  const path = fileWith(t, Buffer.alloc(8192, 1))
  using fd = openSync(path, 'r+')
  for (const call of [() => fallocateSync(fd, 0, 4096, { punchHole: true }), () => fallocate(fd, 0, 4096, { punchHole: true })]) {
    const error = await t.throwsAsync(async () => call(), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_VALUE' })
    t.regex(error.message, /must set keepSize with punchHole/)
  }
  t.true(contents(path).equals(Buffer.alloc(8192, 1)), 'nothing was punched')
  const raw = spawnSync('fallocate', ['--punch-hole', '--offset', '0', '--length', '4096', path], { encoding: 'utf8' })
  t.is(raw.status, 0, 'fallocate(1) punches with keep-size implied, as sysix does when asked with keepSize')
  fallocateSync(fd, 4096, 4096, { punchHole: true, keepSize: true })
  t.true(contents(path).equals(Buffer.alloc(8192, 0)), 'both halves are holes now')
})

test('a zero length or a zero-length file range is EINVAL from the kernel', (t) => {
  const path = fileWith(t, 'data')
  using fd = openSync(path, 'r+')
  t.like(
    t.throws(() => fallocateSync(fd, 0, 0)),
    { code: 'EINVAL', errno: -errno.EINVAL, syscall: 'fallocate', message: 'EINVAL: invalid argument, fallocate' },
  )
})

test('fallocate on a read-only descriptor is EBADF; on a pipe ESPIPE', async (t) => {
  const path = fileWith(t, 'data')
  using ro = openSync(path, 'r')
  t.like(
    t.throws(() => fallocateSync(ro, 0, 4096)),
    { code: 'EBADF', syscall: 'fallocate' },
  )
  const { reader, writer } = pipe()
  t.like(await t.throwsAsync(fallocate(writer, 0, 4096)), { code: 'ESPIPE', syscall: 'fallocate' })
  reader.close()
  writer.close()
})

test('zeroRange zeroes the range, keeps the rest and the size, or fails as fallocate(1) does', (t) => {
  const dir = tempDir(t)
  const data = Buffer.alloc(65536, 0x5a)
  const ours = join(dir, 'ours')
  const theirs = join(dir, 'theirs')
  writeFileSync(ours, data)
  writeFileSync(theirs, data)
  const expected = fallocateTool(theirs, ['--zero-range', '--offset', '4096', '--length', '8192'])
  using fd = openSync(ours, 'r+')
  if (expected === null) {
    fallocateSync(fd, 4096, 8192, { zeroRange: true })
    const got = contents(ours)
    t.is(got.length, 65536)
    t.true(got.subarray(4096, 12288).equals(Buffer.alloc(8192)), 'the range reads as zeros')
    t.true(got.subarray(0, 4096).equals(data.subarray(0, 4096)))
    t.true(got.subarray(12288).equals(data.subarray(12288)))
    t.true(got.equals(contents(theirs)), 'as fallocate --zero-range left its copy')
  } else {
    t.like(
      t.throws(() => fallocateSync(fd, 4096, 8192, { zeroRange: true })),
      { code: expected, syscall: 'fallocate' },
    )
    t.true(contents(ours).equals(data))
  }
})

/** A file of four 64 KiB units, filled with 1, 2, 3 and 4, and its twin for fallocate(1). */
function fourUnits(t: ExecutionContext): { ours: string; theirs: string; unit: number; data: Buffer } {
  const dir = tempDir(t)
  const unit = 65536
  const data = Buffer.concat([1, 2, 3, 4].map((n) => Buffer.alloc(unit, n)))
  const ours = join(dir, 'ours')
  const theirs = join(dir, 'theirs')
  writeFileSync(ours, data)
  writeFileSync(theirs, data)
  return { ours, theirs, unit, data }
}

test('collapseRange removes a block-aligned range and shifts the rest down, exactly as fallocate(1) does (or fails as it does)', (t) => {
  const { ours, theirs, unit, data } = fourUnits(t)
  const expected = fallocateTool(theirs, ['--collapse-range', '--offset', String(unit), '--length', String(unit)])
  using fd = openSync(ours, 'r+')
  if (expected === null) {
    fallocateSync(fd, unit, unit, { collapseRange: true })
    const got = contents(ours)
    t.is(got.length, 3 * unit)
    t.true(got.equals(Buffer.concat([data.subarray(0, unit), data.subarray(2 * unit)])), 'units 1, 3, 4')
    t.true(got.equals(contents(theirs)))
  } else {
    t.log(`this filesystem (${fsType(ours)}) refuses FALLOC_FL_COLLAPSE_RANGE: ${expected}`)
    t.like(
      t.throws(() => fallocateSync(fd, unit, unit, { collapseRange: true })),
      { code: expected, syscall: 'fallocate' },
    )
    t.true(contents(ours).equals(data))
  }
})

test('collapseRange that is not block-aligned, or reaches the end of the file, fails as fallocate(1) does', (t) => {
  const { ours, theirs, unit, data } = fourUnits(t)
  using fd = openSync(ours, 'r+')
  for (const [offset, length] of [
    [100, unit],
    [2 * unit, 2 * unit],
  ]) {
    const expected = fallocateTool(theirs, ['--collapse-range', '--offset', String(offset), '--length', String(length)])
    t.not(expected, null, 'the kernel refuses this on every filesystem')
    t.like(
      t.throws(() => fallocateSync(fd, offset, length, { collapseRange: true })),
      {
        code: expected ?? 'none',
        errno: -errno[(expected ?? 'EINVAL') as keyof typeof errno],
        syscall: 'fallocate',
      },
    )
  }
  t.true(contents(ours).equals(data))
})

test('insertRange opens a hole at a block-aligned offset and shifts the rest up, exactly as fallocate(1) does (or fails as it does)', (t) => {
  const { ours, theirs, unit, data } = fourUnits(t)
  const expected = fallocateTool(theirs, ['--insert-range', '--offset', String(unit), '--length', String(unit)])
  using fd = openSync(ours, 'r+')
  if (expected === null) {
    fallocateSync(fd, unit, unit, { insertRange: true })
    const got = contents(ours)
    t.is(got.length, 5 * unit)
    t.true(got.equals(Buffer.concat([data.subarray(0, unit), Buffer.alloc(unit), data.subarray(unit)])))
    t.true(got.equals(contents(theirs)))
    t.deepEqual(sparseMapSync(fd), pythonSparseMap(ours))
  } else {
    t.like(
      t.throws(() => fallocateSync(fd, unit, unit, { insertRange: true })),
      { code: expected, syscall: 'fallocate' },
    )
    t.true(contents(ours).equals(data))
  }
})

test('fallocate on a memfd (tmpfs): collapse and insert are EOPNOTSUPP, punching works', (t) => {
  using fd = memfdCreate('fallocate')
  writeSync(fd.fd, Buffer.alloc(4 * 65536, 9))
  t.like(
    t.throws(() => fallocateSync(fd, 65536, 65536, { collapseRange: true })),
    { errno: -errno.EOPNOTSUPP, syscall: 'fallocate' },
  )
  t.like(
    t.throws(() => fallocateSync(fd, 65536, 65536, { insertRange: true })),
    { errno: -errno.EOPNOTSUPP, syscall: 'fallocate' },
  )
  fallocateSync(fd, 65536, 65536, { punchHole: true, keepSize: true })
  t.deepEqual(sparseMapSync(fd), [
    { offset: 0, length: 65536 },
    { offset: 2 * 65536, length: 2 * 65536 },
  ])
})

test('fallocate argument checks', (t) => {
  const path = fileWith(t)
  using fd = openSync(path, 'r+')
  t.throws(() => fallocateSync(fd, -1, 10), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' })
  t.throws(() => fallocateSync(fd, 0, 1.5), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' })
  t.throws(() => fallocateSync(fd, 0, 10, { keepSize: 'yes' as unknown as boolean }), {
    instanceOf: TypeError,
    code: 'ERR_INVALID_ARG_TYPE',
  })
  t.throws(() => fallocateSync(fd, '0' as unknown as number, 10), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
  t.is(statSync(path).size, 0, 'nothing reached the kernel')
})

test("fadviseSync takes every advice; dontneed drops the file's pages from the cache and willneed reads them in, as fincore(1) sees", (t) => {
  const path = fileWith(t, randomBytes(MiB))
  using fd = openSync(path, 'r+')
  for (const advice of ['normal', 'random', 'sequential', 'noreuse'] as const) {
    fadviseSync(fd, 0, 0, advice)
    fadviseSync(fd, 4096n, 8192n, advice)
  }
  fsyncSync(fd)
  const resident = () => Number(tool('fincore', ['--bytes', '--noheadings', '--output', 'RES', path]).trim())
  t.is(resident(), MiB, 'just written: all in the page cache')
  fadviseSync(fd, 0, 0, 'dontneed')
  if (fsType(path) === 'tmpfs') {
    // tmpfs pages are the file itself: the advice is accepted and ignored.
    t.is(resident(), MiB)
  } else {
    t.is(resident(), 0, 'clean pages dropped')
    fadviseSync(fd, 0, 0, 'willneed')
    t.is(resident(), MiB, 'read in again')
  }
})

test('fadviseSync: an unknown advice is ERR_INVALID_ARG_VALUE; a pipe is ESPIPE from the kernel', (t) => {
  const path = fileWith(t, 'x')
  using fd = openSync(path, 'r')
  t.throws(() => fadviseSync(fd, 0, 0, 'often' as 'normal'), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_VALUE' })
  t.throws(() => fadviseSync(fd, 0, 0, 3 as unknown as 'normal'), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_VALUE' })
  t.throws(() => fadviseSync(fd, -1, 0, 'normal'), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' })
  const { reader, writer } = pipe()
  t.like(
    t.throws(() => fadviseSync(reader, 0, 0, 'sequential')),
    { code: 'ESPIPE', errno: -errno.ESPIPE, syscall: 'posix_fadvise' },
  )
  reader.close()
  writer.close()
})

test('fsync, fdatasync and syncfs succeed on files, read-only ones and directories, sync and Promise', async (t) => {
  const path = fileWith(t, 'synced')
  using rw = openSync(path, 'r+')
  using ro = openSync(path, 'r')
  using dir = openSync(join(path, '..'), constants.O_RDONLY | constants.O_DIRECTORY)
  const number = nodeOpen(path, 'r')
  t.teardown(() => closeSync(number))
  for (const fd of [rw, ro, dir, number]) {
    t.is(fsyncSync(fd), undefined)
    t.is(fdatasyncSync(fd), undefined)
    t.is(syncfsSync(fd), undefined)
    t.is(await fsync(fd), undefined)
    t.is(await fdatasync(fd), undefined)
    t.is(await syncfs(fd), undefined)
  }
  t.is(readFileSync(path, 'utf8'), 'synced')
})

test('fsync and fdatasync of a pipe are EINVAL, as fsync(2) documents; syncfs of its pseudo-filesystem succeeds', async (t) => {
  const { reader, writer } = pipe()
  t.like(
    t.throws(() => fsyncSync(reader)),
    { code: 'EINVAL', errno: -errno.EINVAL, syscall: 'fsync', message: 'EINVAL: invalid argument, fsync' },
  )
  t.like(
    t.throws(() => fdatasyncSync(writer)),
    { code: 'EINVAL', syscall: 'fdatasync' },
  )
  t.like(await t.throwsAsync(fsync(writer)), { code: 'EINVAL', syscall: 'fsync' })
  t.like(await t.throwsAsync(fdatasync(reader)), { code: 'EINVAL', syscall: 'fdatasync' })
  t.notThrows(() => syncfsSync(reader))
  reader.close()
  writer.close()
})

test('syncing an O_PATH descriptor or a number nothing has open is EBADF', async (t) => {
  const path = fileWith(t, 'x')
  using opath = openSync(path, constants.O_PATH)
  for (const fd of [opath, NOT_OPEN]) {
    t.like(
      t.throws(() => fsyncSync(fd)),
      { code: 'EBADF', errno: -errno.EBADF, syscall: 'fsync' },
    )
    t.like(
      t.throws(() => fdatasyncSync(fd)),
      { code: 'EBADF', syscall: 'fdatasync' },
    )
    t.like(
      t.throws(() => syncfsSync(fd)),
      { code: 'EBADF', syscall: 'syncfs' },
    )
  }
  t.like(await t.throwsAsync(fsync(opath)), { code: 'EBADF', syscall: 'fsync' })
  t.like(await t.throwsAsync(syncfs(opath)), { code: 'EBADF', syscall: 'syncfs' })
})

test('ftruncateSync cuts and extends; ftruncate (Promise) too; the default length is 0', async (t) => {
  const path = fileWith(t, 'hello world')
  using fd = openSync(path, 'r+')
  ftruncateSync(fd, 5)
  t.is(readFileSync(path, 'utf8'), 'hello')
  t.is(tool('stat', ['--format=%s', path]).trim(), '5')
  ftruncateSync(fd, 8n)
  t.true(readFileSync(path).equals(Buffer.from('hello\0\0\0')), 'extended with zeros')
  await ftruncate(fd, 2 * MiB)
  t.is(statSync(path).size, 2 * MiB)
  t.is(blocks(path) < 64, true, 'an extension is a hole, not allocated')
  await ftruncate(fd)
  t.is(statSync(path).size, 0)
  ftruncateSync(fd, 3)
  ftruncateSync(fd)
  t.is(statSync(path).size, 0)
})

test('ftruncate of a read-only descriptor is EINVAL; of a pipe EINVAL; bad lengths are refused before the kernel', async (t) => {
  const path = fileWith(t, 'keep')
  using ro = openSync(path, 'r')
  t.like(
    t.throws(() => ftruncateSync(ro, 1)),
    { code: 'EINVAL', errno: -errno.EINVAL, syscall: 'ftruncate' },
  )
  t.like(await t.throwsAsync(ftruncate(ro, 1)), { code: 'EINVAL', syscall: 'ftruncate' })
  const { reader, writer } = pipe()
  t.like(
    t.throws(() => ftruncateSync(writer, 0)),
    { code: 'EINVAL', syscall: 'ftruncate' },
  )
  reader.close()
  writer.close()
  using rw = openSync(path, 'r+')
  t.throws(() => ftruncateSync(rw, -1), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' })
  t.throws(() => ftruncateSync(rw, 2n ** 63n), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' })
  t.throws(() => ftruncateSync(rw, null as unknown as number), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
  t.is(readFileSync(path, 'utf8'), 'keep')
})

test('copyFileRangeSync with both offsets copies there and moves neither file position', (t) => {
  const dir = tempDir(t)
  const src = join(dir, 'src')
  const dst = join(dir, 'dst')
  writeFileSync(src, 'abcdefghij')
  writeFileSync(dst, '')
  const input = nodeOpen(src, 'r')
  const output = nodeOpen(dst, 'r+')
  t.teardown(() => {
    closeSync(input)
    closeSync(output)
  })
  t.is(copyFileRangeSync(input, output, 5, { inOffset: 2, outOffset: 10 }), 5)
  t.true(readFileSync(dst).equals(Buffer.concat([Buffer.alloc(10), Buffer.from('cdefg')])))
  const buffer = Buffer.alloc(3)
  t.is(readSync(input, buffer, 0, 3, null), 3)
  t.is(buffer.toString(), 'abc', "the input's position is still 0")
  writeSync(output, 'XY', null)
  t.is(readFileSync(dst).subarray(0, 2).toString(), 'XY', "the output's position is still 0")
})

test('copyFileRangeSync without offsets reads and writes at, and advances, both positions', (t) => {
  const dir = tempDir(t)
  const src = join(dir, 'src')
  const dst = join(dir, 'dst')
  writeFileSync(src, 'abcdefghij')
  writeFileSync(dst, '')
  const input = nodeOpen(src, 'r')
  const output = nodeOpen(dst, 'r+')
  t.teardown(() => {
    closeSync(input)
    closeSync(output)
  })
  readSync(input, Buffer.alloc(3), 0, 3, null) // input position 3
  t.is(copyFileRangeSync(input, output, 4), 4)
  t.is(readFileSync(dst, 'utf8'), 'defg')
  const rest = Buffer.alloc(10)
  t.is(readSync(input, rest, 0, 10, null), 3)
  t.is(rest.subarray(0, 3).toString(), 'hij', 'the input position moved by 4')
  writeSync(output, '!', null)
  t.is(readFileSync(dst, 'utf8'), 'defg!', 'the output position moved by 4')
  // One offset given, the other not: only the positioned side stays.
  t.is(copyFileRangeSync(input, output, 2, { inOffset: 0 }), 2)
  t.is(readFileSync(dst, 'utf8'), 'defg!ab')
  t.is(readSync(input, rest, 0, 10, null), 0, 'input still at its end')
})

test('copyFileRange returns 0 at the end of the input; a big file copies whole in a loop, byte for byte', async (t) => {
  const dir = tempDir(t)
  const src = join(dir, 'src')
  const dst = join(dir, 'dst')
  const data = randomBytes(3 * MiB + 123)
  writeFileSync(src, data)
  writeFileSync(dst, '')
  using input = openSync(src, 'r')
  using output = openSync(dst, 'r+')
  t.is(copyFileRangeSync(input, output, 10, { inOffset: data.length, outOffset: 0 }), 0)
  t.is(await copyFileRange(input, output, 10, { inOffset: data.length + 5, outOffset: 0 }), 0)
  let copied = 0
  for (;;) {
    const n = await copyFileRange(input, output, 2n ** 40n, { inOffset: copied, outOffset: copied })
    if (n === 0) break
    copied += n
  }
  t.is(copied, data.length)
  t.true(readFileSync(dst).equals(data), 'the same bytes as Node reads from the source')
  t.is(copyFileRangeSync(input, output, MiB), MiB, 'from position 0 when no offset is given')
  t.true(readFileSync(dst).equals(data))
})

test('copyFileRange refuses what copy_file_range(2) documents: a pipe (EINVAL), an O_APPEND output (EBADF), overlapping ranges of one file (EINVAL)', async (t) => {
  const path = fileWith(t, 'x'.repeat(8192))
  const { reader, writer } = pipe()
  using file = openSync(path, 'r+')
  t.like(
    t.throws(() => copyFileRangeSync(reader, file, 10)),
    { code: 'EINVAL', errno: -errno.EINVAL, syscall: 'copy_file_range' },
  )
  t.like(await t.throwsAsync(copyFileRange(file, writer, 10, { inOffset: 0 })), { code: 'EINVAL', syscall: 'copy_file_range' })
  reader.close()
  writer.close()
  const appended = join(path, '..', 'appended')
  writeFileSync(appended, '')
  using append = openSync(appended, 'a')
  t.like(
    t.throws(() => copyFileRangeSync(file, append, 10, { inOffset: 0 })),
    { code: 'EBADF', syscall: 'copy_file_range' },
  )
  t.like(
    t.throws(() => copyFileRangeSync(file, file, 4096, { inOffset: 0, outOffset: 100 })),
    { code: 'EINVAL', syscall: 'copy_file_range' },
  )
  t.is(readFileSync(appended, 'utf8'), '')
  t.throws(() => copyFileRangeSync(file, file, 1, { inOffset: -1 }), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' })
  t.throws(() => copyFileRangeSync(file, file, 1, { outOffset: '0' as unknown as number }), {
    instanceOf: TypeError,
    code: 'ERR_INVALID_ARG_TYPE',
  })
  t.throws(() => copyFileRangeSync(file, file, 1, 'x' as unknown as object), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
})

test('sendfileSync into a pipe: from an offset it leaves the position; without one it reads at and moves it', async (t) => {
  const path = fileWith(t, 'hello world')
  using file = openSync(path, 'r')
  const { reader, writer } = pipe()
  t.teardown(() => {
    reader.close()
    writer.close()
  })
  const buffer = Buffer.alloc(64)
  t.is(sendfileSync(writer, file, 5, { offset: 6 }), 5)
  t.is(readSync(reader.fd, buffer), 5)
  t.is(buffer.subarray(0, 5).toString(), 'world')
  t.is(readSync(file.fd, buffer, 0, 5, null), 5)
  t.is(buffer.subarray(0, 5).toString(), 'hello', 'the position was still 0')

  t.is(sendfileSync(writer, file, 3n), 3, 'from position 5')
  t.is(readSync(reader.fd, buffer), 3)
  t.is(buffer.subarray(0, 3).toString(), ' wo')
  t.is(await sendfile(writer, file, 100), 3, 'the rest: position 8 to the end')
  t.is(readSync(reader.fd, buffer), 3)
  t.is(buffer.subarray(0, 3).toString(), 'rld')
  t.is(sendfileSync(writer, file, 100), 0, 'at the end of the input')
  t.is(await sendfile(writer, file, 4, { offset: 0 }), 4)
  t.is(readSync(reader.fd, buffer), 4)
  t.is(buffer.subarray(0, 4).toString(), 'hell')
})

test('sendfile from a descriptor not open for reading is EBADF; argument checks', (t) => {
  const path = fileWith(t, 'data')
  using wo = openSync(path, 'w')
  const { reader, writer } = pipe()
  t.like(
    t.throws(() => sendfileSync(writer, wo, 4)),
    { code: 'EBADF', errno: -errno.EBADF, syscall: 'sendfile' },
  )
  t.throws(() => sendfileSync(writer, wo, 4, { offset: -2 }), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' })
  t.throws(() => sendfileSync(writer, wo, 4.5), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' })
  reader.close()
  writer.close()
})

test('cloneFileSync shares extents where cp --reflink=always can; elsewhere it fails with a documented code and copies nothing', async (t) => {
  const dir = tempDir(t)
  const src = join(dir, 'src')
  const dst = join(dir, 'dst')
  const data = randomBytes(256 * 1024)
  writeFileSync(src, data)
  writeFileSync(dst, 'old destination')
  const reflink = spawnSync('cp', ['--reflink=always', src, join(dir, 'cp-copy')], { encoding: 'utf8' })
  using input = openSync(src, 'r')
  using output = openSync(dst, 'r+')
  if (reflink.status === 0) {
    cloneFileSync(input, output)
    t.true(readFileSync(dst).equals(data))
  } else {
    t.log(`no reflinks on ${fsType(dir)}: ${reflink.stderr.trim()}`)
    const error = t.throws(() => cloneFileSync(input, output)) as Error & { code: string; errno: number; syscall: string }
    t.is(error.syscall, 'ioctl')
    t.true([-errno.EOPNOTSUPP, -errno.EXDEV, -errno.EINVAL].includes(error.errno), `${error.code}`)
    // Node's own FICLONE (copyFile with COPYFILE_FICLONE_FORCE) meets the same refusal.
    const node = t.throws(() => copyFileSync(src, join(dir, 'node-copy'), fsConstants.COPYFILE_FICLONE_FORCE)) as Error & { code: string }
    t.is(error.code, node.code)
    t.like(await t.throwsAsync(cloneFile(input, output)), { code: error.code, syscall: 'ioctl' })
    t.is(readFileSync(dst, 'utf8'), 'old destination', 'never a silent copy')
    t.is(statSync(dst).size, 15)
  }
})

test('cloneFileSync across mounts is EXDEV, to a read-only destination EBADF, and leaves the destination alone', (t) => {
  const path = fileWith(t, 'destination')
  using memfd = memfdCreate('clone-source')
  writeSync(memfd.fd, 'memfd data')
  using dest = openSync(path, 'r+')
  t.like(
    t.throws(() => cloneFileSync(memfd, dest)),
    { code: 'EXDEV', errno: -errno.EXDEV, syscall: 'ioctl' },
  )
  const other = join(path, '..', 'other')
  writeFileSync(other, 'source')
  using src = openSync(other, 'r')
  using ro = openSync(path, 'r')
  t.like(
    t.throws(() => cloneFileSync(src, ro)),
    { code: 'EBADF', syscall: 'ioctl' },
  )
  t.is(readFileSync(path, 'utf8'), 'destination')
})

test('sparseMap of a file made sparse with truncate and dd conv=notrunc matches Python os.lseek SEEK_DATA/SEEK_HOLE', async (t) => {
  const path = join(tempDir(t), 'sparse')
  tool('truncate', ['-s', '10M', path])
  const dd = (seek: number, count: number) =>
    tool('dd', ['if=/dev/urandom', `of=${path}`, 'bs=4096', `seek=${seek}`, `count=${count}`, 'conv=notrunc,fsync', 'status=none'])
  dd(256, 16) // 1 MiB, 64 KiB
  dd(1024, 1) // 4 MiB, 4 KiB
  dd(2559, 1) // the last 4 KiB
  using fd = openSync(path, 'r')
  const expected = pythonSparseMap(path)
  t.true(expected.length >= 1)
  t.deepEqual(sparseMapSync(fd), expected)
  t.deepEqual(await sparseMap(fd), expected)
  if (expected.length > 1) {
    // The filesystem tracks holes: the data is where dd wrote it.
    t.deepEqual(expected, [
      { offset: MiB, length: 65536 },
      { offset: 4 * MiB, length: 4096 },
      { offset: 10 * MiB - 4096, length: 4096 },
    ])
  }
  const whole = readFileSync(path)
  t.is(whole.length, 10 * MiB)
  const covered = expected.reduce((sum, e) => sum + e.length, 0)
  let nonZero = 0
  for (const e of expected) {
    nonZero += whole.subarray(e.offset, e.offset + e.length).filter((b) => b !== 0).length
  }
  t.is(nonZero, whole.filter((b) => b !== 0).length, 'every non-zero byte lies in an extent')
  t.true(covered <= whole.length)
  for (const offset of [0, MiB - 1, MiB, MiB + 65535, MiB + 65536, 5 * MiB, 10 * MiB - 1, 10 * MiB, 11 * MiB]) {
    t.is(seekData(fd, offset), pythonSeek(path, offset, 'SEEK_DATA'), `SEEK_DATA from ${offset}`)
    t.is(seekHole(fd, offset), pythonSeek(path, offset, 'SEEK_HOLE'), `SEEK_HOLE from ${offset}`)
  }
})

test('sparseMap of an empty file is empty, of a dense file one extent; seekData moves the position', (t) => {
  const dir = tempDir(t)
  const empty = join(dir, 'empty')
  const dense = join(dir, 'dense')
  writeFileSync(empty, '')
  writeFileSync(dense, 'dense data')
  using e = openSync(empty, 'r')
  using d = openSync(dense, 'r')
  t.deepEqual(sparseMapSync(e), [])
  t.deepEqual(sparseMapSync(d), [{ offset: 0, length: 10 }])
  t.is(seekData(d, 6), 6)
  const buffer = Buffer.alloc(10)
  t.is(readSync(d.fd, buffer, 0, 10, null), 4)
  t.is(buffer.subarray(0, 4).toString(), 'data', 'read from where SEEK_DATA left the position')
  t.is(seekData(d, 10), null, 'ENXIO at the end')
  t.is(seekHole(d, 11), null)
  t.throws(() => seekData(d, -1), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' })
})

test('sparseMap and seekData of a pipe are ESPIPE', async (t) => {
  const { reader, writer } = pipe()
  t.like(
    t.throws(() => sparseMapSync(reader)),
    { code: 'ESPIPE', errno: -errno.ESPIPE, syscall: 'lseek' },
  )
  t.like(await t.throwsAsync(sparseMap(writer)), { code: 'ESPIPE', syscall: 'lseek' })
  t.like(
    t.throws(() => seekHole(reader, 0)),
    { code: 'ESPIPE', syscall: 'lseek' },
  )
  reader.close()
  writer.close()
})
