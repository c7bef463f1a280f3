import { closeSync, fstatSync, openSync, promises as fsp, readSync, writeFileSync, writeSync } from 'node:fs'
import { Socket } from 'node:net'
import { join } from 'node:path'
import { inspect } from 'node:util'

import test from 'ava'

import {
  BorrowedFd,
  OwnedFd,
  Pipe,
  borrowFd,
  fileTimes,
  fileTimesSync,
  pipe,
  pipeCapacity,
  sameFile,
  sameFileSync,
  setFileTimesSync,
  type SystemError,
} from 'sysix'
import { O_CLOEXEC, fdFlags, isOpen, tempDir } from './helpers.mjs'

/** Whether `error` is sysix's own EBADF for a closed descriptor: `EBADF: bad file descriptor, <syscall>: <detail>`. */
function isEbadf(error: unknown, syscall: string, detail: string | RegExp = /closed/): boolean {
  const e = error as SystemError
  const prefix = `EBADF: bad file descriptor, ${syscall}: `
  const rest = e.message.slice(prefix.length)
  return (
    e.code === 'EBADF' &&
    e.errno === -9 &&
    e.syscall === syscall &&
    e.message.startsWith(prefix) &&
    (typeof detail === 'string' ? rest === detail : detail.test(rest))
  )
}

/** Resolves once `stream` has closed (at once if it already has). */
async function closed(stream: { closed: boolean; once: (event: 'close', listener: () => void) => unknown }): Promise<void> {
  if (!stream.closed) {
    await new Promise<void>((resolve) => stream.once('close', resolve))
  }
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
  t.like(
    t.throws(() => reader.close()),
    {
      code: 'EBADF',
      syscall: 'close',
      message: 'EBADF: bad file descriptor, close',
    },
  )
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

  t.true(
    isEbadf(
      t.throws(() => reader.fd),
      'OwnedFd.fd',
      'the OwnedFd is closed',
    ),
  )
  t.true(
    isEbadf(
      t.throws(() => pipeCapacity(reader)),
      'pipeCapacity',
      'the OwnedFd passed as "fd" is closed',
    ),
  )
  t.true(
    isEbadf(
      t.throws(() => fileTimesSync(reader)),
      'fileTimesSync',
      'the OwnedFd passed as "target" is closed',
    ),
  )
  t.true(
    isEbadf(
      t.throws(() => setFileTimesSync(reader, { mtime: 0 })),
      'setFileTimesSync',
      'the OwnedFd passed as "target" is closed',
    ),
  )
  t.true(
    isEbadf(
      t.throws(() => sameFileSync('/', reader)),
      'sameFileSync',
      'the OwnedFd passed as "b" is closed',
    ),
  )
  t.true(
    isEbadf(
      t.throws(() => reader.dup()),
      'OwnedFd.dup',
    ),
  )
  t.true(
    isEbadf(
      t.throws(() => reader.intoRaw()),
      'OwnedFd.intoRaw',
    ),
  )
  t.true(
    isEbadf(
      t.throws(() => reader.borrow()),
      'OwnedFd.borrow',
    ),
  )
  t.true(isEbadf(await t.throwsAsync(fileTimes(reader)), 'fileTimes', 'the OwnedFd passed as "target" is closed'))
  t.true(isEbadf(await t.throwsAsync(sameFile(reader, '/')), 'sameFile', 'the OwnedFd passed as "a" is closed'))

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
  t.true(
    isEbadf(
      t.throws(() => pipeCapacity(borrowed)),
      'pipeCapacity',
      'the BorrowedFd passed as "fd" borrows an OwnedFd that is closed',
    ),
  )

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
  t.true(
    isEbadf(
      t.throws(() => fileTimesSync(handle)),
      'fileTimesSync',
      'the FileHandle passed as "target" is closed',
    ),
  )
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

test.serial('toSocket hands a pipe end to net.Socket: a later close cannot hit the file that reuses its number', async (t) => {
  const dir = tempDir(t)
  const { reader, writer } = pipe()
  const number = reader.fd
  writeSync(writer.fd, 'streamed through libuv')
  writer.close()
  const socket = reader.toSocket({ readable: true, writable: false })
  t.true(reader.closed, 'the socket owns the descriptor now')
  let data = ''
  for await (const chunk of socket) {
    data += chunk
  }
  t.is(data, 'streamed through libuv')
  await closed(socket)
  t.false(isOpen(number), 'the socket closed it')

  // The defect this prevents: a second owner closing the number again.
  const log = openSync(join(dir, 'log.txt'), 'w')
  t.is(log, number, "the user's file reuses the number")
  reader.close()
  reader[Symbol.dispose]()
  t.notThrows(() => fstatSync(log), "the user's file is still open")
  closeSync(log)
})

test.serial('.fd lent to net.Socket is the hazard toSocket removes: the socket closes it behind its owner', async (t) => {
  const dir = tempDir(t)
  const { reader, writer } = pipe()
  writer.close()
  const number = reader.fd
  const socket = new Socket({ fd: reader.fd, readable: true, writable: false })
  for await (const _ of socket) {
    // drain to end-of-file
  }
  await closed(socket)
  const log = openSync(join(dir, 'log.txt'), 'w')
  t.is(log, number)
  // close() still believes it owns the number; the kernel closes the log file.
  t.notThrows(() => reader.close())
  t.throws(() => fstatSync(log), { code: 'EBADF' }, 'which is why the docs say intoRaw() or toSocket()')
})

test('toReadStream and toWriteStream give the stream the descriptor', async (t) => {
  const { reader, writer } = pipe()
  const numbers = [reader.fd, writer.fd]
  const output = writer.toWriteStream()
  const input = reader.toReadStream({ encoding: 'utf8' })
  t.true(reader.closed && writer.closed)
  output.end('through two streams')
  let data = ''
  for await (const chunk of input) {
    data += chunk
  }
  t.is(data, 'through two streams')
  await closed(input)
  t.false(numbers.some(isOpen), 'both streams closed their descriptors')
})

test('a descriptor a socket cannot take stays with its OwnedFd', (t) => {
  const owned = OwnedFd.fromRaw(openSync('/proc/self/status', 'r'))
  t.throws(() => owned.toSocket(), { code: 'ERR_INVALID_FD_TYPE' })
  t.false(owned.closed, 'still owned: nothing took it')
  t.notThrows(() => fstatSync(owned.fd))
  t.throws(() => owned.toReadStream({ autoClose: false }), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_VALUE' })
  t.throws(() => owned.toWriteStream({ fd: 3 } as never), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_VALUE' })
  t.false(owned.closed)
  owned.close()
})

test('fromRaw refuses a number another OwnedFd owns, and takes one given up with intoRaw', (t) => {
  const { reader, writer } = pipe()
  t.throws(() => OwnedFd.fromRaw(reader.fd), {
    instanceOf: TypeError,
    code: 'ERR_INVALID_ARG_VALUE',
    message: /^The argument 'fd' is already owned by an OwnedFd of this process/,
  })
  const raw = reader.intoRaw()
  const again = OwnedFd.fromRaw(raw)
  t.is(again.fd, raw)
  again.close()
  writer.close()
})

test.serial('a stale owner cannot close a number closed behind its back and owned again since', (t) => {
  const first = pipe()
  const number = first.reader.fd
  closeSync(number) // an I/O-safety bug in the caller
  const second = pipe()
  t.is(second.reader.fd, number, 'the new pipe got the number')
  t.like(
    t.throws(() => first.reader.close()),
    { code: 'EBADF', syscall: 'close' },
  )
  t.true(isOpen(number), "the new pipe's end survives the stale close")
  t.is(pipeCapacity(second.reader), pipeCapacity(second.writer))
  for (const end of [first.writer, second.reader, second.writer]) end.close()
})

test('a pipe is disposable: `using` closes both ends that are still open', (t) => {
  const p = pipe()
  t.true(p instanceof Pipe)
  const numbers = [p.reader.fd, p.writer.fd]
  p.writer.close()
  p[Symbol.dispose]()
  t.true(p.reader.closed && p.writer.closed)
  t.false(numbers.some(isOpen))
  t.notThrows(() => p[Symbol.dispose](), 'disposing twice does nothing')
  const { reader, writer } = pipe()
  t.true(reader instanceof OwnedFd && writer instanceof OwnedFd, 'the ends destructure')
  reader.close()
  writer.close()
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
