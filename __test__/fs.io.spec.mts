// Reads and writes in place, in the caller's Buffer, TypedArray or DataView,
// at positions and into many views at once, and the descriptor-level
// controls (dup2/dup3, fcntl flags, FIONREAD), checked with Node's fs,
// /proc/self/fdinfo and Python's fcntl.

import { spawnSync } from 'node:child_process'
import {
  closeSync,
  constants as fsConstants,
  openSync as nodeOpen,
  readFileSync,
  readlinkSync,
  readSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import { constants as osConstants } from 'node:os'
import { join } from 'node:path'

import test, { type ExecutionContext } from 'ava'

import { pipe } from 'sysix'
import {
  constants,
  dup2,
  dup3,
  fcntlGetFd,
  fcntlGetFl,
  fcntlSetFd,
  fcntlSetFl,
  fionread,
  openSync,
  pread,
  preadSync,
  preadv2,
  preadv2Sync,
  pwrite,
  pwriteSync,
  pwritev2,
  pwritev2Sync,
  readv,
  readvSync,
  writev,
  writevSync,
} from 'sysix/fs'
import { O_CLOEXEC, fdFlags, inChild, isOpen, poolHolder, tempDir, tool } from './helpers.mjs'

declare const gc: () => void

const { errno } = osConstants

/** A file holding `data` in a fresh directory, open with Node's fs as `flags`. */
function openWith(t: ExecutionContext, data: string | Buffer, flags = 'r+'): { path: string; fd: number } {
  const path = join(tempDir(t), 'file')
  writeFileSync(path, data)
  const fd = nodeOpen(path, flags)
  t.teardown(() => closeSync(fd))
  return { path, fd }
}

/** Reads `length` bytes at the file position with Node's fs (`position: null`), moving it. */
function readHere(fd: number, length: number): string {
  const buffer = Buffer.alloc(length)
  const n = readSync(fd, buffer, 0, length, null)
  return buffer.subarray(0, n).toString('latin1')
}

/** The bytes a view covers, as a Buffer over the same memory. */
const bytes = (view: NodeJS.ArrayBufferView): Buffer => Buffer.from(view.buffer, view.byteOffset, view.byteLength)

/** `ioctl(FIONREAD)` by Python, on the open file it is given as standard input. */
function pythonFionread(fd: number): number {
  const result = spawnSync(
    'python3',
    ['-c', 'import array, fcntl, termios; a = array.array("i", [0]); fcntl.ioctl(0, termios.FIONREAD, a, True); print(a[0])'],
    { stdio: [fd, 'pipe', 'inherit'], encoding: 'utf8' },
  )
  if (result.status !== 0) {
    throw new Error(`python3 failed: ${result.status}`)
  }
  return Number(result.stdout)
}

test('preadSync into a Buffer at a position, leaving the file position where it was', (t) => {
  const { fd } = openWith(t, '0123456789abcdef')
  t.is(readHere(fd, 2), '01')
  const buffer = Buffer.alloc(6, '.')
  t.is(preadSync(fd, buffer, 10), 6)
  t.is(buffer.toString(), 'abcdef')
  t.is(preadSync(fd, buffer, 4n), 6, 'a bigint position')
  t.is(buffer.toString(), '456789')
  t.is(readHere(fd, 3), '234', 'the position is still 2')
  t.is(preadSync(fd, buffer, 14), 2, 'a short read at the end')
  t.is(buffer.toString(), 'ef6789')
  t.is(preadSync(fd, buffer, 16), 0, '0 at the end of the file')
  t.is(preadSync(fd, buffer, 2 ** 40), 0)
  t.is(preadSync(fd, Buffer.alloc(0), 0), 0)
})

test('preadSync into a Uint8Array subarray fills exactly its bytes, not those around it', (t) => {
  const { fd } = openWith(t, 'ABCDEFGH')
  const whole = new Uint8Array(16).fill(0xee)
  const part = whole.subarray(5, 9)
  t.is(part.byteOffset, 5)
  t.is(preadSync(fd, part, 2), 4)
  t.deepEqual([...whole], [...Array(5).fill(0xee), ...Buffer.from('CDEF'), ...Array(7).fill(0xee)])
})

test('preadSync into an Int32Array and into a DataView over part of an ArrayBuffer: their bytes, in place', (t) => {
  const data = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16])
  const { fd } = openWith(t, data)
  const ints = new Int32Array(3).fill(-1)
  t.is(preadSync(fd, ints, 4), 12)
  t.true(bytes(ints).equals(data.subarray(4, 16)))
  t.is(ints[0], new Int32Array(new Uint8Array(data.subarray(4, 8)).buffer)[0], 'the file bytes in the platform order, unconverted')

  const offsetInts = new Int32Array(new ArrayBuffer(16), 8, 1)
  t.is(preadSync(fd, offsetInts, 0), 4)
  t.true(bytes(offsetInts).equals(data.subarray(0, 4)))
  t.true(Buffer.from(offsetInts.buffer, 0, 8).equals(Buffer.alloc(8)), 'nothing before byteOffset')

  const memory = new ArrayBuffer(16)
  new Uint8Array(memory).fill(0xee)
  const view = new DataView(memory, 4, 6)
  t.is(preadSync(fd, view, 1), 6)
  t.deepEqual([...new Uint8Array(memory)], [0xee, 0xee, 0xee, 0xee, 2, 3, 4, 5, 6, 7, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee])
})

test('pwriteSync from a Buffer, a subarray, an Int32Array and a DataView writes exactly their bytes where asked', (t) => {
  const { path, fd } = openWith(t, '................')
  readHere(fd, 3)
  t.is(pwriteSync(fd, Buffer.from('AB'), 0), 2)
  t.is(pwriteSync(fd, new Uint8Array(Buffer.from('xxCDxx')).subarray(2, 4), 2), 2)
  const ints = new Int32Array([0x31323334, 0x35363738])
  t.is(pwriteSync(fd, ints, 4n), 8)
  const memory = new Uint8Array(Buffer.from('__EF__'))
  t.is(pwriteSync(fd, new DataView(memory.buffer, memory.byteOffset + 2, 2), 12), 2)
  const expected = Buffer.concat([Buffer.from('ABCD'), bytes(ints), Buffer.from('EF..')])
  t.true(readFileSync(path).equals(expected), readFileSync(path).toString('latin1'))
  t.is(readHere(fd, 2), expected.subarray(3, 5).toString('latin1'), 'the position is still 3')
  t.is(pwriteSync(fd, Buffer.from('Z'), 20), 1, 'past the end: a hole between')
  t.true(readFileSync(path).equals(Buffer.concat([expected, Buffer.alloc(4), Buffer.from('Z')])))
})

test('pwriteSync to an O_APPEND file appends whatever the position, as pwrite(2) says of Linux', (t) => {
  const { path, fd } = openWith(t, 'start', 'a')
  t.is(pwriteSync(fd, Buffer.from('-end'), 0), 4)
  t.is(readFileSync(path, 'utf8'), 'start-end')
})

test('pread and pwrite (Promise) read and write in place', async (t) => {
  const { path, fd } = openWith(t, 'hello, world')
  const memory = new Uint8Array(12).fill(0x2e)
  t.is(await pread(fd, memory.subarray(2, 7), 7), 5)
  t.is(Buffer.from(memory).toString(), '..world.....')
  t.is(await pwrite(fd, new DataView(memory.buffer, 2, 5), 0), 5)
  t.is(readFileSync(path, 'utf8'), 'world, world')
  using owned = openSync(path, 'r')
  const buffer = Buffer.alloc(5)
  t.is(await pread(owned, buffer, 0n), 5)
  t.is(buffer.toString(), 'world')
  t.is(readHere(fd, 5), 'world', 'the position never moved')
})

test('pread and pwrite on a pipe are ESPIPE; on a write-only or read-only descriptor EBADF', async (t) => {
  const { reader, writer } = pipe()
  t.like(
    t.throws(() => preadSync(reader, Buffer.alloc(1), 0)),
    { code: 'ESPIPE', errno: -errno.ESPIPE, syscall: 'pread' },
  )
  t.like(await t.throwsAsync(pwrite(writer, Buffer.from('x'), 0)), { code: 'ESPIPE', syscall: 'pwrite' })
  reader.close()
  writer.close()
  const { fd } = openWith(t, 'data', 'r')
  t.like(
    t.throws(() => pwriteSync(fd, Buffer.from('x'), 0)),
    { code: 'EBADF', errno: -errno.EBADF, syscall: 'pwrite' },
  )
})

test('64-bit positions reach the kernel whole: past 4 GiB a write lands there; at 2^62 the kernel says EFBIG', async (t) => {
  const { path, fd } = openWith(t, 'start')
  const far = 2n ** 32n + 5n
  t.is(pwriteSync(fd, Buffer.from('far'), far), 3)
  t.is(tool('stat', ['--format=%s', path]).trim(), String(far + 3n), 'stat(1) sees the size')
  const back = Buffer.alloc(5)
  t.is(readSync(fd, back, 0, 5, 0), 5)
  t.is(back.toString(), 'start', 'nothing written at a truncated offset')
  t.is(await pread(fd, back, Number(far)), 3)
  t.is(back.subarray(0, 3).toString(), 'far')
  t.like(
    t.throws(() => pwriteSync(fd, Buffer.from('x'), 2n ** 62n)),
    { code: 'EFBIG', errno: -errno.EFBIG, syscall: 'pwrite' },
  )
  t.is(preadSync(fd, back, 2n ** 62n), 0)
  t.throws(() => preadSync(fd, back, 2n ** 63n), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' })
})

test('pread/pwrite argument checks', (t) => {
  const { path, fd } = openWith(t, 'data')
  t.throws(() => preadSync(fd, 'text' as unknown as Buffer, 0), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
  t.throws(() => preadSync(fd, new ArrayBuffer(4) as unknown as Buffer, 0), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
  t.throws(() => preadSync(fd, Buffer.alloc(1), -1), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' })
  t.throws(() => pwriteSync(fd, Buffer.alloc(1), 0.5), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' })
  t.throws(() => pwriteSync(fd, Buffer.alloc(1), '0' as unknown as number), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
  t.throws(() => pwriteSync(-1, Buffer.alloc(1), 0), { instanceOf: RangeError })
  t.is(readFileSync(path, 'utf8'), 'data')
})

test('position null reads and writes at the file position and moves it, as Node fs.readSync/writeSync take it', async (t) => {
  const { path, fd } = openWith(t, 'abcdef')
  const two = Buffer.alloc(2)
  t.is(preadSync(fd, two, null), 2)
  t.is(two.toString(), 'ab')
  t.is(await pread(fd, two, null), 2)
  t.is(two.toString(), 'cd', 'the position moved')
  t.is(pwriteSync(fd, Buffer.from('XY'), null), 2)
  t.is(await pwrite(fd, Buffer.from('!'), undefined as unknown as null), 1)
  t.is(readFileSync(path, 'utf8'), 'abcdXY!')
  t.is(preadSync(fd, two, 0), 2, 'a position still reads there')
  t.is(two.toString(), 'ab')
})

test('writevSync writes several views in turn at the file position and moves it; readvSync reads them back in turn', (t) => {
  const { path, fd } = openWith(t, '')
  const memory = new Uint8Array(Buffer.from('..cd..'))
  const shorts = new Uint16Array([0x6665]) // its two bytes in the platform order
  const views = [Buffer.from('ab'), memory.subarray(2, 4), shorts, new DataView(new TextEncoder().encode('-gh-').buffer, 1, 2)]
  t.is(writevSync(fd, views), 8)
  const expected = Buffer.concat(views.map(bytes))
  t.true(readFileSync(path).equals(expected))
  writeSync(fd, '!', null)
  t.true(readFileSync(path).equals(Buffer.concat([expected, Buffer.from('!')])), 'the position moved past what writev wrote')
  t.is(writevSync(fd, []), 0)

  const { fd: reading } = openWith(t, 'ABCDEFGHIJ', 'r')
  const a = Buffer.alloc(2)
  const arena = new Uint8Array(8).fill(0xee)
  const b = arena.subarray(3, 6)
  const c = new DataView(new ArrayBuffer(10), 6, 4)
  t.is(readvSync(reading, [a, b, c]), 9)
  t.is(a.toString(), 'AB')
  t.deepEqual([...arena], [0xee, 0xee, 0xee, 0x43, 0x44, 0x45, 0xee, 0xee])
  t.true(bytes(c).equals(Buffer.from('FGHI')))
  t.is(readHere(reading, 5), 'J', 'the position moved by 9')
  t.is(readvSync(reading, [Buffer.alloc(4)]), 0)
})

test('readv and writev (Promise), on a pipe', async (t) => {
  const { reader, writer } = pipe()
  t.teardown(() => {
    reader.close()
    writer.close()
  })
  t.is(await writev(writer, [Buffer.from('one '), new Uint8Array(Buffer.from('two'))]), 7)
  const first = Buffer.alloc(4)
  const second = Buffer.alloc(10)
  t.is(await readv(reader, [first, second]), 7)
  t.is(first.toString(), 'one ')
  t.is(second.subarray(0, 3).toString(), 'two')
})

test('readv/writev argument checks name the bad view', (t) => {
  const { fd } = openWith(t, 'x')
  t.throws(() => readvSync(fd, Buffer.alloc(1) as unknown as Buffer[]), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
  t.throws(() => writevSync(fd, [Buffer.alloc(1), 'two' as unknown as Buffer]), {
    instanceOf: TypeError,
    code: 'ERR_INVALID_ARG_TYPE',
    message: /"views\[1\]"/,
  })
})

test('preadv2Sync with a position leaves the file position; with null it reads at and moves it', async (t) => {
  const { fd } = openWith(t, 'abcdefghijkl', 'r')
  const a = Buffer.alloc(2)
  const b = Buffer.alloc(3)
  t.is(preadv2Sync(fd, [a, b], 4), 5)
  t.is(a.toString() + b.toString(), 'efghi')
  t.is(readHere(fd, 1), 'a', 'position 0 still')
  t.is(preadv2Sync(fd, [a, b], null), 5)
  t.is(a.toString() + b.toString(), 'bcdef', 'read at position 1')
  t.is(readHere(fd, 1), 'g', 'moved to 6, then 7')
  t.is(await preadv2(fd, [a], null), 2)
  t.is(a.toString(), 'hi')
  t.is(await preadv2(fd, [a], 0n), 2)
  t.is(a.toString(), 'ab')
  t.is(readHere(fd, 10), 'jkl')
})

test('pwritev2Sync with a position leaves the file position; with null it writes at and moves it', async (t) => {
  const { path, fd } = openWith(t, '..........')
  readHere(fd, 2)
  t.is(pwritev2Sync(fd, [Buffer.from('AB'), Buffer.from('C')], 6), 3)
  t.is(readFileSync(path, 'utf8'), '......ABC.')
  t.is(pwritev2Sync(fd, [Buffer.from('xy')], null), 2)
  t.is(readFileSync(path, 'utf8'), '..xy..ABC.', 'written at position 2')
  t.is(await pwritev2(fd, [Buffer.from('z')], null), 1)
  t.is(readFileSync(path, 'utf8'), '..xyz.ABC.', 'and the position moved to 4')
  t.is(await pwritev2(fd, [Buffer.from('0')], 0), 1)
  t.is(readHere(fd, 10), '.ABC.', 'position 5')
  t.is(readFileSync(path, 'utf8'), '0.xyz.ABC.')
})

test('pwritev2 with RWF_APPEND appends whatever the position; with null it moves the position to the end', (t) => {
  const { path, fd } = openWith(t, 'base')
  t.is(pwritev2Sync(fd, [Buffer.from('+1')], 0, { flags: constants.RWF_APPEND }), 2)
  t.is(readFileSync(path, 'utf8'), 'base+1')
  t.is(readHere(fd, 2), 'ba', 'the position (0) did not move')
  t.is(pwritev2Sync(fd, [Buffer.from('+2')], null, { flags: constants.RWF_APPEND }), 2)
  t.is(readFileSync(path, 'utf8'), 'base+1+2')
  t.is(readHere(fd, 2), '', 'the position is at the end now')
})

test('preadv2 with RWF_NOWAIT: a cached file reads (or EAGAIN/EOPNOTSUPP); an empty pipe is EAGAIN instead of a wait', (t) => {
  const { fd } = openWith(t, 'cached data')
  const buffer = Buffer.alloc(11)
  try {
    t.is(preadv2Sync(fd, [buffer], 0, { flags: constants.RWF_NOWAIT }), 11)
    t.is(buffer.toString(), 'cached data')
  } catch (error) {
    t.true([-errno.EAGAIN, -errno.EOPNOTSUPP].includes((error as { errno: number }).errno), String(error))
  }
  const { reader, writer } = pipe()
  t.like(
    t.throws(() => preadv2Sync(reader, [buffer], null, { flags: constants.RWF_NOWAIT })),
    {
      code: 'EAGAIN',
      errno: -errno.EAGAIN,
      syscall: 'preadv2',
    },
  )
  writeSync(writer.fd, 'ready')
  t.is(preadv2Sync(reader, [buffer], null, { flags: constants.RWF_NOWAIT }), 5)
  t.is(buffer.subarray(0, 5).toString(), 'ready')
  reader.close()
  writer.close()
})

test('an RWF_* bit the kernel does not know is EOPNOTSUPP from the kernel; a bad flags option is refused before', (t) => {
  const { path, fd } = openWith(t, 'same')
  t.like(
    t.throws(() => pwritev2Sync(fd, [Buffer.from('x')], 0, { flags: 0x40000000 })),
    {
      errno: -errno.EOPNOTSUPP,
      syscall: 'pwritev2',
    },
  )
  t.like(
    t.throws(() => preadv2Sync(fd, [Buffer.alloc(1)], 0, { flags: 0x40000000 })),
    { errno: -errno.EOPNOTSUPP, syscall: 'preadv2' },
  )
  t.is(readFileSync(path, 'utf8'), 'same')
  t.throws(() => pwritev2Sync(fd, [Buffer.from('x')], 0, { flags: -1 }), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' })
  t.throws(() => preadv2Sync(fd, [Buffer.alloc(1)], 0, { flags: '1' as unknown as number }), {
    instanceOf: TypeError,
    code: 'ERR_INVALID_ARG_TYPE',
  })
  t.throws(() => preadv2Sync(fd, [Buffer.alloc(1)], -3), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' })
})

test.serial('dup2 makes a plain number refer to the other file, not close-on-exec, sharing its position and status flags', (t) => {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'A'), 'AAAAAAAA')
  writeFileSync(join(dir, 'B'), 'BBBBBBBB')
  const a = nodeOpen(join(dir, 'A'), 'r')
  const b = nodeOpen(join(dir, 'B'), 'r')
  t.teardown(() => {
    closeSync(a)
    closeSync(b)
  })
  t.is(fdFlags(b) & O_CLOEXEC, O_CLOEXEC, 'libuv opened it close-on-exec')
  dup2(a, b)
  t.is(readlinkSync(`/proc/self/fd/${b}`), join(dir, 'A'))
  t.is(fdFlags(b) & O_CLOEXEC, 0, 'dup2 clears close-on-exec')
  t.is(fcntlGetFd(b), 0)
  t.is(readHere(a, 3), 'AAA')
  t.is(readHere(b, 10), 'AAAAA', 'one open file: the position moved for both')
  fcntlSetFl(a, fcntlGetFl(a) | constants.O_NONBLOCK)
  t.is(fdFlags(b) & constants.O_NONBLOCK, constants.O_NONBLOCK, 'status flags belong to the open file')
  // dup2 onto itself does nothing, but checks the number.
  dup2(b, b)
  t.true(isOpen(b))
  t.like(
    t.throws(() => dup2(1_000_000, b)),
    { code: 'EBADF', errno: -errno.EBADF, syscall: 'dup2' },
  )
  t.is(readlinkSync(`/proc/self/fd/${b}`), join(dir, 'A'), 'a failed dup2 leaves the number as it was')
})

test.serial("dup2 onto an OwnedFd's number: the OwnedFd owns the new file and closes it", (t) => {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'A'), 'from A')
  writeFileSync(join(dir, 'B'), 'from B')
  using a = openSync(join(dir, 'A'), 'r')
  const owned = openSync(join(dir, 'B'), 'r')
  const number = owned.fd
  dup2(a, owned)
  t.is(owned.fd, number)
  t.is(readHere(owned.fd, 10), 'from A')
  owned.close()
  t.false(isOpen(number))
  t.true(isOpen(a.fd))
})

test.serial('dup3 sets close-on-exec by default (fdinfo shows O_CLOEXEC), not with cloexec: false; the same number is EINVAL', (t) => {
  const { fd: source } = openWith(t, 'source')
  const target = nodeOpen('/dev/null', 'r')
  t.teardown(() => closeSync(target))
  fcntlSetFd(target, 0)
  t.is(fdFlags(target) & O_CLOEXEC, 0)
  dup3(source, target)
  t.is(fdFlags(target) & O_CLOEXEC, O_CLOEXEC)
  t.is(fcntlGetFd(target), constants.FD_CLOEXEC)
  t.is(readHere(target, 10), 'source')
  dup3(source, target, { cloexec: false })
  t.is(fdFlags(target) & O_CLOEXEC, 0)
  t.like(
    t.throws(() => dup3(source, source)),
    { code: 'EINVAL', errno: -errno.EINVAL, syscall: 'dup3' },
  )
  t.throws(() => dup2(source, -1), { instanceOf: RangeError })
  t.throws(() => dup2(source, 'x' as unknown as number), { instanceOf: TypeError })
})

test.serial('dup3 with cloexec: false is still dup3(2): the same number is EINVAL, and errors name dup3', (t) => {
  const { fd: source } = openWith(t, 'source')
  const target = nodeOpen('/dev/null', 'r')
  t.teardown(() => closeSync(target))
  t.like(
    t.throws(() => dup3(source, source, { cloexec: false })),
    { code: 'EINVAL', errno: -errno.EINVAL, syscall: 'dup3' },
    "dup3 never has dup2's exception",
  )
  t.like(
    t.throws(() => dup3(1_000_000, target, { cloexec: false })),
    { code: 'EBADF', syscall: 'dup3' },
  )
  t.like(
    t.throws(() => dup3(1_000_000, target)),
    { code: 'EBADF', syscall: 'dup3' },
  )
})

test.serial('dup3 refuses a cloexec option that is not a boolean, as every other boolean option is refused', (t) => {
  const { fd: source } = openWith(t, 'source')
  const target = nodeOpen('/dev/null', 'r')
  t.teardown(() => closeSync(target))
  t.throws(() => dup3(source, target, { cloexec: 1 as unknown as boolean }), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
  t.throws(() => dup3(source, target, { cloexec: 'yes' as unknown as boolean }), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
  t.is(readlinkSync(`/proc/self/fd/${target}`), '/dev/null', 'nothing was duplicated')
})

test('fcntlGetFd/fcntlSetFd read and set FD_CLOEXEC as /proc/self/fdinfo shows it', (t) => {
  const path = join(tempDir(t), 'f')
  writeFileSync(path, '')
  using fd = openSync(path, 'r')
  t.is(fcntlGetFd(fd), constants.FD_CLOEXEC, 'sysix opens everything close-on-exec')
  fcntlSetFd(fd, 0)
  t.is(fcntlGetFd(fd), 0)
  t.is(fdFlags(fd.fd) & O_CLOEXEC, 0)
  fcntlSetFd(fd, constants.FD_CLOEXEC)
  t.is(fdFlags(fd.fd) & O_CLOEXEC, O_CLOEXEC)
  t.throws(() => fcntlSetFd(fd, 2), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' })
  t.throws(() => fcntlSetFd(fd, '1' as unknown as number), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
  t.like(
    t.throws(() => fcntlGetFd(1_000_000)),
    { code: 'EBADF', syscall: 'fcntl' },
  )
})

test('fcntlGetFl gives the access mode; fcntlSetFl toggles O_NONBLOCK and O_APPEND, seen in fdinfo and in behaviour', (t) => {
  const { path, fd } = openWith(t, 'abc')
  t.is(fcntlGetFl(fd) & constants.O_ACCMODE, constants.O_RDWR)
  const { fd: ro } = openWith(t, 'x', 'r')
  t.is(fcntlGetFl(ro) & constants.O_ACCMODE, constants.O_RDONLY)
  const { fd: appending } = openWith(t, 'x', 'a')
  t.is(fcntlGetFl(appending) & constants.O_APPEND, constants.O_APPEND)
  t.is(fcntlGetFl(appending) & constants.O_ACCMODE, constants.O_WRONLY)

  fcntlSetFl(fd, fcntlGetFl(fd) | constants.O_APPEND)
  t.is(fdFlags(fd) & constants.O_APPEND, constants.O_APPEND)
  t.is(fcntlGetFl(fd) & constants.O_APPEND, constants.O_APPEND)
  writeSync(fd, 'Z', 0)
  t.is(readFileSync(path, 'utf8'), 'abcZ', 'with O_APPEND, even a positioned write appends')
  fcntlSetFl(fd, fcntlGetFl(fd) & ~constants.O_APPEND)
  t.is(fdFlags(fd) & constants.O_APPEND, 0)
  writeSync(fd, 'Y', 0)
  t.is(readFileSync(path, 'utf8'), 'YbcZ')
  fcntlSetFl(ro, constants.O_RDWR)
  t.is(fcntlGetFl(ro) & constants.O_ACCMODE, constants.O_RDONLY, 'the access mode cannot change')

  const { reader, writer } = pipe()
  fcntlSetFl(reader, fcntlGetFl(reader) | constants.O_NONBLOCK)
  t.is(fdFlags(reader.fd) & constants.O_NONBLOCK, constants.O_NONBLOCK)
  t.throws(() => readSync(reader.fd, Buffer.alloc(1)), { code: 'EAGAIN' })
  fcntlSetFl(reader, fcntlGetFl(reader) & ~constants.O_NONBLOCK)
  t.is(fdFlags(reader.fd) & constants.O_NONBLOCK, 0)
  t.is(fcntlGetFl(reader) & constants.O_NONBLOCK, 0)
  t.is(constants.O_NONBLOCK, fsConstants.O_NONBLOCK)
  t.throws(() => fcntlSetFl(fd, -1), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' })
  reader.close()
  writer.close()
})

test('fionread of a pipe counts the bytes waiting, as Python fcntl.ioctl(FIONREAD) does', (t) => {
  const { reader, writer } = pipe()
  t.is(fionread(reader), 0)
  t.is(pythonFionread(reader.fd), 0)
  writeSync(writer.fd, 'hello')
  writeSync(writer.fd, Buffer.alloc(1000, 1))
  t.is(fionread(reader), 1005)
  t.is(pythonFionread(reader.fd), 1005)
  readSync(reader.fd, Buffer.alloc(5))
  t.is(fionread(reader.fd), 1000)
  t.is(pythonFionread(reader.fd), 1000)
  reader.close()
  writer.close()
})

test('fionread of a file is what is left after its position, as Python sees it', (t) => {
  const { fd } = openWith(t, 'x'.repeat(100), 'r')
  t.is(fionread(fd), 100)
  t.is(pythonFionread(fd), 100)
  readHere(fd, 30)
  t.is(fionread(fd), 70)
  t.is(pythonFionread(fd), 70)
  readHere(fd, 100)
  t.is(fionread(fd), 0)
})

test('fionread of a file whose position is past its end is never a huge count', (t) => {
  const { fd } = openWith(t, 'x'.repeat(100), 'r')
  // Python moves the position of the open file both processes share.
  spawnSync('python3', ['-c', 'import os; os.lseek(0, 150, os.SEEK_SET)'], { stdio: [fd, 'inherit', 'inherit'] })
  const kernel = pythonFionread(fd)
  t.is(kernel, -50, 'the kernel reports size - position')
  const n = fionread(fd)
  t.true(n === 0 || n === kernel, `nothing can be read: got ${n}`)
})

/** Runs `script` in a child with a one-thread pool and `holdPool`/`releasePool` in scope. */
function withHeldPool<T>(dir: string, script: string): T {
  return inChild<T>(`${poolHolder(dir)} (async () => { ${script} })().catch((e) => { console.error(e); process.exit(1) });`, {
    env: { ...process.env, UV_THREADPOOL_SIZE: '1' },
    nodeArgs: ['--expose-gc', '--no-warnings'],
  })
}

test('a Promise pread keeps the file it was given when the number is closed and reused while it waits', (t) => {
  const dir = tempDir(t)
  const a = join(dir, 'A')
  const b = join(dir, 'B')
  writeFileSync(a, 'AAAA')
  writeFileSync(b, 'BBBB')
  const result = withHeldPool<{ n: number; text: string; reused: boolean; written: number }>(
    dir,
    `const number = fs.openSync(${JSON.stringify(a)}, 'r+');
     holdPool();
     const view = Buffer.alloc(4);
     const reading = sysix.pread(number, view, 0);
     const writing = sysix.pwrite(number, Buffer.from('aa'), 4);
     fs.closeSync(number);
     const other = fs.openSync(${JSON.stringify(b)}, 'r+');
     await releasePool();
     const n = await reading;
     const written = await writing;
     report({ n, text: view.toString(), reused: other === number, written });`,
  )
  t.true(result.reused, 'B took the number while the calls were queued')
  t.is(result.n, 4)
  t.is(result.text, 'AAAA', "A's bytes, not B's")
  t.is(result.written, 2)
  t.is(readFileSync(a, 'utf8'), 'AAAAaa')
  t.is(readFileSync(b, 'utf8'), 'BBBB', 'B untouched')
})

test('the view of a Promise pread is not collected while the call is pending, and is afterwards', (t) => {
  const dir = tempDir(t)
  const a = join(dir, 'A')
  writeFileSync(a, Buffer.alloc(65536, 0x41))
  const result = withHeldPool<{ n: number; whilePending: string[]; after: string[] }>(
    dir,
    `const collected = [];
     const registry = new FinalizationRegistry((tag) => collected.push(tag));
     const number = fs.openSync(${JSON.stringify(a)}, 'r');
     holdPool();
     let memory = new ArrayBuffer(65536);
     let view = new Uint8Array(memory, 10);
     registry.register(memory, 'memory');
     registry.register(view, 'view');
     const pending = sysix.pread(number, view, 0);
     memory = null;
     view = null;
     for (let i = 0; i < 10; i++) { gc(); await tick(); }
     const whilePending = [...collected];
     await releasePool();
     const n = await pending;
     for (let i = 0; i < 20 && collected.length < 2; i++) { gc(); await tick(); }
     report({ n, whilePending, after: [...collected].sort() });`,
  )
  t.deepEqual(result.whilePending, [], 'held by the call')
  t.is(result.n, 65536 - 10)
  t.deepEqual(result.after, ['memory', 'view'], 'released once the call settled (so the check above could see a collection)')
})

test('a readv blocked on a pipe on the threadpool keeps its views through garbage collection and fills them', async (t) => {
  const { reader, writer } = pipe()
  t.teardown(() => {
    reader.close()
    writer.close()
  })
  const collected: string[] = []
  const registry = new FinalizationRegistry<string>((tag) => collected.push(tag))
  let first: Uint8Array | null = new Uint8Array(4)
  let second: DataView | null = new DataView(new ArrayBuffer(8), 2, 4)
  registry.register(first, 'first')
  registry.register(second.buffer, 'second')
  const firstRef = new WeakRef(first)
  const secondRef = new WeakRef(second)
  const pending = readv(reader, [first, second])
  first = null
  second = null
  for (let i = 0; i < 10; i++) {
    gc()
    await new Promise((resolve) => setImmediate(resolve))
  }
  t.deepEqual(collected, [], 'neither view collected while the read waits')
  writeSync(writer.fd, 'abcdefgh')
  t.is(await pending, 8)
  const a = firstRef.deref()
  const b = secondRef.deref()
  if (a !== undefined && b !== undefined) {
    t.is(Buffer.from(a).toString(), 'abcd')
    t.is(bytes(b).toString(), 'efgh')
  }
})
