import { closeSync, fstatSync, openSync, promises as fsp, readSync, writeFileSync, writeSync } from 'node:fs'
import { Socket } from 'node:net'
import { join } from 'node:path'
import { inspect } from 'node:util'

import test from 'ava'

import {
  BorrowedFd,
  OwnedFd,
  borrowFd,
  fileTimes,
  fileTimesSync,
  pipe,
  pipeCapacity,
  setFileTimesSync,
  type SystemError,
} from '../index.js'
import { O_CLOEXEC, fdFlags, isOpen, tempDir } from './helpers.js'

function isEbadf(error: unknown, syscall: string): boolean {
  const e = error as SystemError
  return e.code === 'EBADF' && e.errno === -9 && e.syscall === syscall && e.message === `EBADF: bad file descriptor, ${syscall}`
}

test('fromRaw takes ownership of a descriptor from fs.openSync and closes it once', (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'f')
  writeFileSync(path, 'hello')
  const raw = openSync(path, 'r')
  const owned = OwnedFd.fromRaw(raw)
  t.is(owned.fd, raw)
  t.false(owned.closed)
  const buffer = Buffer.alloc(5)
  t.is(readSync(owned.fd, buffer), 5)
  t.is(buffer.toString(), 'hello')

  owned.close()
  t.true(owned.closed)
  t.false(isOpen(raw))
  t.throws(() => fstatSync(raw), { code: 'EBADF' })
  t.notThrows(() => owned.close(), 'closing again does nothing')
})

test('close reports what the kernel says, once, and the object is closed anyway', (t) => {
  const { reader, writer } = pipe()
  const raw = reader.fd
  closeSync(raw) // behind its owner's back: an I/O-safety bug in the caller
  t.like(t.throws(() => reader.close()), {
    code: 'EBADF',
    syscall: 'close',
    message: 'EBADF: bad file descriptor, close',
  })
  t.true(reader.closed)
  t.notThrows(() => reader.close(), 'the second close does nothing')
  writer.close()
})

test('fromRaw refuses a number that is not open, and bad arguments', (t) => {
  const { reader } = pipe()
  const free = reader.fd
  reader.close()
  t.throws(() => OwnedFd.fromRaw(free), {
    code: 'EBADF',
    message: 'EBADF: bad file descriptor, fcntl',
  })
  t.throws(() => OwnedFd.fromRaw(-1), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' })
  t.throws(() => OwnedFd.fromRaw(1.5), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' })
  t.throws(() => OwnedFd.fromRaw(2 ** 31), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' })
  t.throws(() => OwnedFd.fromRaw('3' as unknown as number), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
})

test('OwnedFd cannot be constructed directly', (t) => {
  const Ctor = OwnedFd as unknown as new (...args: unknown[]) => OwnedFd
  t.throws(() => new Ctor(), { instanceOf: TypeError, message: /Illegal constructor/ })
  const Borrowed = BorrowedFd as unknown as new (...args: unknown[]) => BorrowedFd
  t.throws(() => new Borrowed(Symbol('x'), 1), { instanceOf: TypeError, message: /Illegal constructor/ })
})

test.serial('a closed OwnedFd never reaches the kernel, even once its number is reused', async (t) => {
  const dir = tempDir(t)
  const { reader, writer } = pipe()
  const stale = reader.fd
  reader.close()

  // The kernel hands out the lowest free number: the one just freed.
  const victimPath = join(dir, 'victim')
  writeFileSync(victimPath, '')
  const victim = openSync(victimPath, 'r+')
  t.is(victim, stale, 'the number was reused')
  const before = fileTimesSync(victimPath)

  t.true(isEbadf(t.throws(() => reader.fd), 'fd'))
  t.true(isEbadf(t.throws(() => pipeCapacity(reader)), 'pipeCapacity'))
  t.true(isEbadf(t.throws(() => fileTimesSync(reader)), 'fileTimesSync'))
  t.true(isEbadf(t.throws(() => setFileTimesSync(reader, { mtime: 0 })), 'setFileTimesSync'))
  t.true(isEbadf(t.throws(() => reader.dup()), 'dup'))
  t.true(isEbadf(t.throws(() => reader.intoRaw()), 'intoRaw'))
  t.true(isEbadf(t.throws(() => reader.borrow()), 'borrow'))
  t.true(isEbadf(await t.throwsAsync(fileTimes(reader)), 'fileTimes'))

  t.deepEqual(fileTimesSync(victimPath), before, 'the file that reused the number is untouched')
  t.true(isOpen(victim))
  closeSync(victim)
  writer.close()
})

test('dup gives a close-on-exec descriptor of the same open file', (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'f')
  writeFileSync(path, 'abcdef')
  const owned = OwnedFd.fromRaw(openSync(path, 'r'))
  const copy = owned.dup()
  t.not(copy.fd, owned.fd)
  t.true(copy.fd >= 3)
  t.is(fdFlags(copy.fd) & O_CLOEXEC, O_CLOEXEC)

  const buffer = Buffer.alloc(3)
  readSync(owned.fd, buffer)
  readSync(copy.fd, buffer)
  t.is(buffer.toString(), 'def', 'the offset is shared: it is the same open file')

  owned.close()
  t.true(isOpen(copy.fd), 'the duplicate outlives the original')
  copy.close()
})

test('intoRaw gives up ownership without closing', (t) => {
  const { reader, writer } = pipe()
  const raw = writer.intoRaw()
  t.true(writer.closed)
  t.true(isOpen(raw))
  writeSync(raw, 'x')
  t.is(readSync(reader.fd, Buffer.alloc(1)), 1)
  closeSync(raw)
  reader.close()
})

test('Symbol.dispose closes, as `using` calls it', (t) => {
  const { reader, writer } = pipe()
  const fds = [reader.fd, writer.fd]
  reader[Symbol.dispose]()
  writer[Symbol.dispose]()
  t.true(reader.closed && writer.closed)
  t.false(fds.some(isOpen))
})

test('BorrowedFd never closes and follows its owner', (t) => {
  const { reader, writer } = pipe()
  const borrowed = reader.borrow()
  t.true(borrowed instanceof BorrowedFd)
  t.is(borrowed.fd, reader.fd)
  t.is(pipeCapacity(borrowed), pipeCapacity(reader))
  reader.close()
  t.throws(() => borrowed.fd, { code: 'EBADF' })
  t.true(isEbadf(t.throws(() => pipeCapacity(borrowed)), 'pipeCapacity'))

  const plain = borrowFd(writer.fd)
  t.is(plain.fd, writer.fd)
  t.is(pipeCapacity(plain), pipeCapacity(writer))
  t.true(isOpen(writer.fd), 'using a borrowed number leaves it open')
  writer.close()
  t.throws(() => borrowFd(-1), { instanceOf: RangeError })
  t.throws(() => borrowFd(NaN), { instanceOf: RangeError })
})

test('a Node FileHandle is accepted wherever a descriptor is', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'f')
  writeFileSync(path, '')
  const handle = await fsp.open(path, 'r+')
  setFileTimesSync(handle, { mtime: 1_000_000_000_123_456_789n })
  t.is(fileTimesSync(handle).mtimeNs, 1_000_000_000_123_456_789n)
  t.is((await fileTimes(handle)).mtimeNs, 1_000_000_000_123_456_789n)
  await handle.close()
  t.true(isEbadf(t.throws(() => fileTimesSync(handle)), 'fileTimesSync'))
})

test('inspect shows the number or that it is closed', (t) => {
  const { reader, writer } = pipe()
  t.is(inspect(reader), `OwnedFd { fd: ${reader.fd} }`)
  t.is(inspect(reader.borrow()), `BorrowedFd { fd: ${reader.fd} }`)
  const borrowed = reader.borrow()
  reader.close()
  writer.close()
  t.is(inspect(reader), 'OwnedFd { closed }')
  t.is(inspect(borrowed), 'BorrowedFd { closed }')
})

test('a pipe end works as net.Socket({ fd }) once ownership moves to it', async (t) => {
  const { reader, writer } = pipe()
  const socket = new Socket({ fd: reader.intoRaw(), readable: true, writable: false })
  const received = new Promise<string>((resolve, reject) => {
    let data = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk) => (data += chunk))
    socket.on('end', () => resolve(data))
    socket.on('error', reject)
  })
  writeSync(writer.fd, 'streamed through libuv')
  writer.close()
  t.is(await received, 'streamed through libuv')
  socket.destroy()
})

test.serial('closing while a threadpool call is in flight waits for it, then closes', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'f')
  writeFileSync(path, '')
  const owned = OwnedFd.fromRaw(openSync(path, 'r'))
  const raw = owned.fd
  const pending = Promise.all(Array.from({ length: 32 }, () => fileTimes(owned)))
  owned.close()
  t.true(owned.closed)
  const results = await pending
  t.is(results.length, 32)
  t.deepEqual(results[0], fileTimesSync(path), 'every call saw the file it was given')
  t.false(isOpen(raw), 'the descriptor was closed once the calls finished')
})
