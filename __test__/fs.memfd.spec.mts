// Anonymous memory files and their seals, checked with /proc/self/fd and
// fdinfo, Node's fs, and child processes (cat, sha256sum, Python) handed the
// file as standard input.

import { spawn, spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { closeSync, fstatSync, openSync as nodeOpen, readlinkSync, readSync, writeSync } from 'node:fs'
import { constants as osConstants } from 'node:os'

import test from 'ava'

import { OwnedFd, pipe } from 'sysix'
import { addSeals, constants, ftruncateSync, getSeals, memfdCreate, preadSync, pwriteSync } from 'sysix/fs'
import { O_CLOEXEC, fdFlags, isOpen } from './helpers.mjs'

const { errno } = osConstants

/** Runs a Python snippet with `fd` as its standard input; returns what it prints. */
function python(fd: number, code: string): string {
  const result = spawnSync('python3', ['-c', code], { stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`python3 failed: ${result.stderr}`)
  return result.stdout.trim()
}

test('memfdCreate returns an OwnedFd, close-on-exec, that /proc/self/fd shows as /memfd:<name> (deleted)', (t) => {
  const fd = memfdCreate('sysix-test')
  t.true(fd instanceof OwnedFd)
  t.is(readlinkSync(`/proc/self/fd/${fd.fd}`), '/memfd:sysix-test (deleted)')
  t.is(fdFlags(fd.fd) & O_CLOEXEC, O_CLOEXEC)
  t.is(fdFlags(fd.fd) & constants.O_ACCMODE, constants.O_RDWR)
  t.is(fstatSync(fd.fd).size, 0)
  t.true(fstatSync(fd.fd).isFile())
  const number = fd.fd
  fd.close()
  t.false(isOpen(number))
})

test('names: empty, spaces, UTF-8, and exactly 249 bytes are taken as given', (t) => {
  for (const name of ['', 'with space', 'é€😀', 'a'.repeat(249), `${'é'.repeat(124)}a`]) {
    using fd = memfdCreate(name)
    t.is(readlinkSync(`/proc/self/fd/${fd.fd}`), `/memfd:${name} (deleted)`)
  }
})

test('bad names and options are refused before the kernel: NUL, more than 249 bytes, not a string', (t) => {
  t.throws(() => memfdCreate('a\u0000b'), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_VALUE' })
  t.throws(() => memfdCreate('a'.repeat(250)), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_VALUE' })
  t.throws(() => memfdCreate('é'.repeat(125)), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_VALUE' }, '250 bytes in 125 characters')
  t.throws(() => memfdCreate(42 as unknown as string), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
  t.throws(() => memfdCreate(Buffer.from('x') as unknown as string), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
  t.throws(() => memfdCreate('x', { allowSealing: 'yes' as unknown as boolean }), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
  t.throws(() => memfdCreate('x', 'sealing' as unknown as object), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
})

test('a memfd is a file: Node fs writes and reads it, and it grows', (t) => {
  using fd = memfdCreate('data')
  const data = randomBytes(100_000)
  t.is(writeSync(fd.fd, data), data.length)
  t.is(fstatSync(fd.fd).size, data.length)
  const back = Buffer.alloc(data.length)
  t.is(readSync(fd.fd, back, 0, back.length, 0), data.length)
  t.true(back.equals(data))
  ftruncateSync(fd, 10)
  t.is(fstatSync(fd.fd).size, 10)
  const small = Buffer.alloc(20)
  t.is(preadSync(fd, small, 0), 10)
  t.true(small.subarray(0, 10).equals(data.subarray(0, 10)))
})

test('a child given the memfd as stdin reads its content: cat and sha256sum', (t) => {
  using fd = memfdCreate('for-the-child')
  const data = Buffer.from(`${'line of text\n'.repeat(1000)}the end\n`)
  // pwrite leaves the shared position at 0, where the child starts reading.
  t.is(pwriteSync(fd, data, 0), data.length)
  const cat = spawnSync('cat', [], { stdio: [fd.fd, 'pipe', 'inherit'] })
  t.is(cat.status, 0)
  t.true(cat.stdout.equals(data))
  // cat moved the position the processes share to the end: the next child
  // rewinds it with Python's lseek before sha256sum reads.
  const sum = spawnSync('sh', ['-c', 'python3 -c "import os; os.lseek(0, 0, 0)" && sha256sum'], {
    stdio: [fd.fd, 'pipe', 'inherit'],
    encoding: 'utf8',
  })
  t.is(sum.stdout.split(' ')[0], createHash('sha256').update(data).digest('hex'))
})

test('without allowSealing, getSeals is ["seal"] (as F_GET_SEALS says) and addSeals is EPERM, saying allowSealing is missing', (t) => {
  using fd = memfdCreate('unsealable')
  t.deepEqual(getSeals(fd), ['seal'])
  t.is(python(fd.fd, 'import fcntl; print(fcntl.fcntl(0, fcntl.F_GET_SEALS))'), String(constants.F_SEAL_SEAL))
  const error = t.throws(() => addSeals(fd, ['write']))
  t.like(error, { code: 'EPERM', errno: -errno.EPERM, syscall: 'fcntl' })
  t.regex(error?.message ?? '', /^EPERM: operation not permitted, fcntl: .*created with allowSealing/)
  t.deepEqual(getSeals(fd), ['seal'])
})

test('addSeals refused for other causes says which: a read-only descriptor, a file that is no memfd, a writable mapping (Python mmap) in the way of a write seal', async (t) => {
  using fd = memfdCreate('sealable', { allowSealing: true })
  writeSync(fd.fd, Buffer.alloc(4096))
  const readOnly = nodeOpen(`/proc/self/fd/${fd.fd}`, 'r')
  const { reader, writer } = pipe()
  t.teardown(() => {
    closeSync(readOnly)
    reader.close()
    writer.close()
  })
  t.regex(t.throws(() => addSeals(readOnly, ['grow']))?.message ?? '', /^EPERM: .*this one is read-only/)
  t.regex(t.throws(() => addSeals(reader, ['grow']))?.message ?? '', /^E(PERM|INVAL): .*only a memfd/)
  const mapper = spawn(
    'python3',
    [
      '-c',
      'import mmap, sys, time; m = mmap.mmap(0, 4096, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE); print("mapped", flush=True); time.sleep(60)',
    ],
    { stdio: [fd.fd, 'pipe', 'inherit'] },
  )
  t.teardown(() => mapper.kill('SIGKILL'))
  if (mapper.stdout === null) throw new Error('no stdout pipe')
  await once(mapper.stdout, 'data')
  const busy = t.throws(() => addSeals(fd, ['write']))
  t.like(busy, { code: 'EBUSY', syscall: 'fcntl' })
  t.regex(busy?.message ?? '', /writable shared mapping/)
  mapper.kill('SIGKILL')
  await once(mapper, 'close')
  addSeals(fd, ['write'])
  t.deepEqual(getSeals(fd), ['write'], 'once the mapping is gone, the seal is taken')
})

test("allowSealing: no seals at first; addSeals(['write', 'shrink', 'grow']) then writes and truncates fail EPERM; getSeals round-trips, as Python's F_GET_SEALS agrees", (t) => {
  using fd = memfdCreate('sealed', { allowSealing: true })
  t.deepEqual(getSeals(fd), [])
  writeSync(fd.fd, 'frozen contents')
  addSeals(fd, ['write', 'shrink', 'grow'])
  t.deepEqual(getSeals(fd), ['shrink', 'grow', 'write'])
  t.is(
    python(fd.fd, 'import fcntl; print(fcntl.fcntl(0, fcntl.F_GET_SEALS))'),
    String(constants.F_SEAL_WRITE | constants.F_SEAL_SHRINK | constants.F_SEAL_GROW),
  )
  t.throws(() => writeSync(fd.fd, 'more'), { code: 'EPERM' })
  t.throws(() => writeSync(fd.fd, 'x', 0), { code: 'EPERM' })
  t.like(
    t.throws(() => pwriteSync(fd, Buffer.from('x'), 0)),
    { code: 'EPERM', errno: -errno.EPERM, syscall: 'pwrite' },
  )
  t.like(
    t.throws(() => ftruncateSync(fd, 3)),
    { code: 'EPERM', syscall: 'ftruncate' },
  )
  t.like(
    t.throws(() => ftruncateSync(fd, 1000)),
    { code: 'EPERM', syscall: 'ftruncate' },
  )
  const back = Buffer.alloc(15)
  t.is(readSync(fd.fd, back, 0, 15, 0), 15)
  t.is(back.toString(), 'frozen contents')
  // The seals bind any process handed the file.
  t.is(
    python(fd.fd, 'import os\ntry:\n    os.pwrite(0, b"x", 0)\n    print("wrote")\nexcept PermissionError as e:\n    print(e.errno)'),
    String(errno.EPERM),
  )
})

test("seals one at a time: 'grow' lets writes inside the file through, 'shrink' lets it grow, 'seal' stops new seals", (t) => {
  using fd = memfdCreate('granular', { allowSealing: true })
  writeSync(fd.fd, '0123456789')
  addSeals(fd, ['grow'])
  t.is(pwriteSync(fd, Buffer.from('ab'), 2), 2, 'inside the file')
  t.throws(() => pwriteSync(fd, Buffer.from('xyz'), 9), { code: 'EPERM' }, 'past its end')
  t.throws(() => ftruncateSync(fd, 11), { code: 'EPERM' })
  ftruncateSync(fd, 8)
  t.is(fstatSync(fd.fd).size, 8)

  using other = memfdCreate('shrinkless', { allowSealing: true })
  writeSync(other.fd, '0123456789')
  addSeals(other, ['shrink'])
  ftruncateSync(other, 20)
  t.throws(() => ftruncateSync(other, 5), { code: 'EPERM' })
  addSeals(other, ['seal'])
  t.deepEqual(getSeals(other), ['seal', 'shrink'])
  t.like(
    t.throws(() => addSeals(other, ['write'])),
    { code: 'EPERM', syscall: 'fcntl' },
  )
  t.deepEqual(getSeals(other), ['seal', 'shrink'])
})

test("'futureWrite' stops new writes through the descriptor, where the kernel has it (Linux 5.1)", (t) => {
  using fd = memfdCreate('future', { allowSealing: true })
  writeSync(fd.fd, 'before')
  addSeals(fd, ['futureWrite'])
  t.deepEqual(getSeals(fd), ['futureWrite'])
  t.throws(() => writeSync(fd.fd, 'after'), { code: 'EPERM' })
  addSeals(fd, [])
  t.deepEqual(getSeals(fd), ['futureWrite'], 'no seal added by an empty list')
})

test('getSeals of a file that is not a memfd (a pipe, a /proc file) reports none, as documented', (t) => {
  const { reader, writer } = pipe()
  const status = nodeOpen('/proc/self/status', 'r')
  t.teardown(() => {
    reader.close()
    writer.close()
    closeSync(status)
  })
  t.deepEqual(getSeals(reader), [])
  t.deepEqual(getSeals(status), [])
})

test('addSeals argument checks: an unknown seal or a non-array is refused before the kernel', (t) => {
  using fd = memfdCreate('checks', { allowSealing: true })
  t.throws(() => addSeals(fd, ['bogus' as 'seal']), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_VALUE', message: /seals\[0\]/ })
  t.throws(() => addSeals(fd, 'write' as unknown as ['write']), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
  t.deepEqual(getSeals(fd), [])
})
