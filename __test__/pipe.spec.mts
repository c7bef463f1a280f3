import { type ChildProcessByStdio, spawn, spawnSync } from 'node:child_process'
import type { Readable } from 'node:stream'
import { constants } from 'node:os'
import { closeSync, constants as fsConstants, openSync, readSync, readlinkSync, writeSync } from 'node:fs'

import test from 'ava'

import { dupStderr, dupStdin, dupStdout, fcntlGetFl, pipe, pipeCapacity, sameFileSync, setPipeCapacity } from 'sysix'
import { NOBODY, O_CLOEXEC, fdFlags, inChild, isOpen } from './helpers.mjs'

/** `fcntl(fd, F_GETPIPE_SZ)` by Python, on the pipe end it is given as standard input. */
function pythonPipeSize(fd: number): number {
  const result = spawnSync('python3', ['-c', 'import fcntl; print(fcntl.fcntl(0, fcntl.F_GETPIPE_SZ))'], {
    stdio: [fd, 'pipe', 'inherit'],
    encoding: 'utf8',
  })
  return Number(result.stdout)
}

test('both ends are close-on-exec and connected', (t) => {
  const { reader, writer } = pipe()
  t.is(fdFlags(reader.fd) & O_CLOEXEC, O_CLOEXEC)
  t.is(fdFlags(writer.fd) & O_CLOEXEC, O_CLOEXEC)
  t.is(fdFlags(reader.fd) & fsConstants.O_NONBLOCK, 0)
  t.is(writeSync(writer.fd, 'ping'), 4)
  const buffer = Buffer.alloc(16)
  t.is(readSync(reader.fd, buffer), 4)
  t.is(buffer.subarray(0, 4).toString(), 'ping')
  writer.close()
  t.is(readSync(reader.fd, buffer), 0, 'end-of-file once the last writer is closed')
  reader.close()
})

test('nonBlocking: reading an empty pipe fails with EAGAIN instead of waiting', (t) => {
  const { reader, writer } = pipe({ nonBlocking: true })
  t.is(fdFlags(reader.fd) & fsConstants.O_NONBLOCK, fsConstants.O_NONBLOCK)
  t.is(fdFlags(writer.fd) & fsConstants.O_NONBLOCK, fsConstants.O_NONBLOCK)
  t.is(fdFlags(reader.fd) & O_CLOEXEC, O_CLOEXEC)
  t.throws(() => readSync(reader.fd, Buffer.alloc(1)), { code: 'EAGAIN' })
  reader.close()
  writer.close()
})

test('direct: each write is one packet', (t) => {
  const { reader, writer } = pipe({ direct: true, nonBlocking: false })
  // fcntl(F_GETFL), not fdinfo: under qemu-user, fdinfo shows the host
  // kernel's flag encoding, while F_GETFL is translated to this machine's.
  t.is(fcntlGetFl(writer) & fsConstants.O_DIRECT, fsConstants.O_DIRECT, 'packet mode is a property of the write end')
  writeSync(writer.fd, 'one')
  writeSync(writer.fd, 'three')
  const buffer = Buffer.alloc(64)
  t.is(readSync(reader.fd, buffer), 3)
  t.is(readSync(reader.fd, buffer), 5)
  reader.close()
  writer.close()

  const plain = pipe()
  writeSync(plain.writer.fd, 'one')
  writeSync(plain.writer.fd, 'three')
  t.is(readSync(plain.reader.fd, buffer), 8, 'a plain pipe is a byte stream')
  plain.reader.close()
  plain.writer.close()
})

test('capacity agrees with Python fcntl and follows setPipeCapacity', (t) => {
  const { reader, writer } = pipe()
  t.is(pipeCapacity(reader), pythonPipeSize(reader.fd))
  t.is(pipeCapacity(writer.fd), pipeCapacity(reader))

  const page = Number(spawnSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).stdout)
  t.is(setPipeCapacity(writer, page + 1), 2 * page, 'rounded up to a power-of-two number of pages')
  t.is(setPipeCapacity(writer, 3 * page), 4 * page)
  t.is(pipeCapacity(reader), 4 * page, 'both ends share the buffer')
  t.is(pythonPipeSize(reader.fd), 4 * page)
  reader.close()
  writer.close()
})

test('shrinking below the bytes a pipe holds fails with EBUSY', (t) => {
  const { reader, writer } = pipe()
  writeSync(writer.fd, Buffer.alloc(3 * 4096))
  t.throws(() => setPipeCapacity(writer, 4096), {
    code: 'EBUSY',
    message: 'EBUSY: resource busy or locked, fcntl',
  })
  reader.close()
  writer.close()
})

test('past pipe-max-size an unprivileged process gets EPERM', (t) => {
  const result = inChild<{ code: string; syscall: string }>(
    `const { reader } = sysix.pipe();
     try { sysix.setPipeCapacity(reader, 64 * 1024 * 1024); report({ code: 'none' }) }
     catch (e) { report({ code: e.code, syscall: e.syscall }) }`,
    { uid: NOBODY },
  )
  t.deepEqual(result, { code: 'EPERM', syscall: 'fcntl' })
})

test('the capacity of something that is not a pipe is EBADF, named after fcntl', (t) => {
  const fd = openSync('/proc/self/status', 'r')
  t.like(
    t.throws(() => pipeCapacity(fd)),
    {
      code: 'EBADF',
      errno: -constants.errno.EBADF,
      syscall: 'fcntl',
      message: 'EBADF: bad file descriptor, fcntl',
    },
  )
  closeSync(fd)
})

test('as spawn stdio, the child gets only its end: EOF arrives when the parent closes the writer', async (t) => {
  const { reader, writer } = pipe()
  const child = spawn('sort', [], { stdio: [reader.fd, 'pipe', 'inherit'] }) as ChildProcessByStdio<null, Readable, null>
  reader.close() // the child has its own copy now
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk))
  writeSync(writer.fd, 'pear\napple\nfig\n')
  writer.close()
  // Had the child inherited the writer too, it would wait forever for EOF.
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  t.is(code, 0)
  t.is(output, 'apple\nfig\npear\n')
})

test('a child sees no pipe end it was not given', (t) => {
  const ours = pipe()
  const given = pipe()
  // The child is given one end, as its fd 3. Its fds 0 to 2 depend on how this process is run
  // (stderr may be a pipe or a socket), so the test looks for the two pipes by their inodes.
  const result = spawnSync('sh', ['-c', 'ls -l /proc/$$/fd'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit', given.writer.fd],
  })
  const ourPipe = readlinkSync(`/proc/self/fd/${ours.reader.fd}`)
  const givenPipe = readlinkSync(`/proc/self/fd/${given.writer.fd}`)
  t.regex(ourPipe, /^pipe:\[\d+\]$/)
  t.not(ourPipe, givenPipe)
  t.true(result.stdout.includes(` 3 -> ${givenPipe}\n`), 'the child holds the end it was given as fd 3')
  t.false(result.stdout.includes(ourPipe), 'neither end of the other pipe leaked into the child')
  for (const end of [ours.reader, ours.writer, given.reader, given.writer]) end.close()
})

test('dupStdin/dupStdout/dupStderr are close-on-exec duplicates of fds 0, 1, 2', (t) => {
  for (const [dup, fd] of [
    [dupStdin, 0],
    [dupStdout, 1],
    [dupStderr, 2],
  ] as const) {
    const copy = dup()
    t.true(copy.fd > 2)
    t.is(fdFlags(copy.fd) & O_CLOEXEC, O_CLOEXEC)
    t.true(sameFileSync(copy, fd))
    copy.close()
    t.true(isOpen(fd), 'closing the duplicate leaves the stream open')
  }
})

test('pipe options are checked', (t) => {
  t.throws(() => pipe({ nonBlocking: 1 as unknown as boolean }), {
    instanceOf: TypeError,
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'The "options.nonBlocking" property must be of type boolean. Received type number (1)',
  })
  t.throws(() => pipe('x' as never), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
  const { reader, writer } = pipe(null as never)
  t.throws(() => setPipeCapacity(writer, -1), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' })
  t.throws(() => setPipeCapacity(writer, 2 ** 31), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' })
  t.throws(() => setPipeCapacity(writer, 4096.5), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' })
  t.throws(() => setPipeCapacity(writer, '4096' as never), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
  t.throws(() => pipeCapacity({} as never), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
  reader.close()
  writer.close()
})
