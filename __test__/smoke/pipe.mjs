// The smoke cases of pipe (see smoke.mjs).

import { S, assert, fdTarget, readFrom, writeTo } from './kit.mjs'

/** One case per export or group of exports: the key lists the names it covers, `, `-separated. */
export const cases = {
  'Pipe, pipe': async (t) => {
    const { constants } = S
    assert.throws(() => new S.Pipe(), { name: 'TypeError', message: /Illegal constructor/ })
    const p = t.own(S.pipe())
    assert.ok(p instanceof S.Pipe)
    assert.ok(p.reader instanceof S.OwnedFd && p.writer instanceof S.OwnedFd)
    assert.match(fdTarget(p.reader.fd), /^pipe:\[\d+\]$/)
    assert.equal(fdTarget(p.reader.fd), fdTarget(p.writer.fd), 'both ends are one pipe')
    assert.equal(S.fcntlGetFl(p.reader) & constants.O_ACCMODE, constants.O_RDONLY)
    assert.equal(S.fcntlGetFl(p.writer) & constants.O_ACCMODE, constants.O_WRONLY)
    assert.equal(S.fcntlGetFd(p.reader) & constants.FD_CLOEXEC, constants.FD_CLOEXEC)
    assert.equal(S.fcntlGetFd(p.writer) & constants.FD_CLOEXEC, constants.FD_CLOEXEC)
    assert.equal(S.statxSync(p.reader).type, 'fifo')

    assert.equal(writeTo(p.writer, 'through the pipe'), 16)
    assert.equal(readFrom(p.reader).toString(), 'through the pipe')
    p.writer.close()
    assert.equal(readFrom(p.reader).length, 0, 'end of file once the writer is closed')
    const numbers = [p.reader.fd]
    p[Symbol.dispose]()
    assert.equal(p.reader.closed, true)
    assert.equal(fdTarget(numbers[0]), null)
    p[Symbol.dispose]()

    const both = S.pipe()
    const ends = [both.reader.fd, both.writer.fd]
    both[Symbol.dispose]()
    assert.deepEqual(ends.map(fdTarget), [null, null], 'Symbol.dispose closes both ends')

    const nb = t.own(S.pipe({ nonBlocking: true }))
    assert.equal(S.fcntlGetFl(nb.reader) & constants.O_NONBLOCK, constants.O_NONBLOCK)
    assert.throws(() => S.readvSync(nb.reader, [Buffer.alloc(4)]), { code: 'EAGAIN' })

    const packets = t.own(S.pipe({ direct: true }))
    assert.equal(S.fcntlGetFl(packets.writer) & constants.O_DIRECT, constants.O_DIRECT)
    S.writevSync(packets.writer, [Buffer.from('one')])
    S.writevSync(packets.writer, [Buffer.from('two')])
    const buffer = Buffer.alloc(64)
    assert.equal(S.readvSync(packets.reader, [buffer]), 3, 'a read returns one packet')
    assert.equal(buffer.subarray(0, 3).toString(), 'one')

    assert.throws(() => S.pipe({ nonBlocking: 1 }), { code: 'ERR_INVALID_ARG_TYPE' })
  },
  'pipeCapacity, setPipeCapacity': async (t) => {
    const p = t.own(S.pipe())
    const capacity = S.pipeCapacity(p.reader)
    assert.equal(capacity, S.info().pipe.defaultCapacity)
    assert.equal(S.pipeCapacity(p.writer), capacity, 'one buffer for both ends')
    assert.equal(S.setPipeCapacity(p.writer, 100_000), 131072, 'rounded up to a power-of-two number of pages')
    assert.equal(S.pipeCapacity(p.reader), 131072)
    S.writevSync(p.writer, [Buffer.alloc(10_000)])
    assert.throws(() => S.setPipeCapacity(p.writer, 4096), { code: 'EBUSY', syscall: 'fcntl' })
    assert.throws(() => S.setPipeCapacity(p.writer, -1), { code: 'ERR_OUT_OF_RANGE' })
    const file = t.own(S.openSync(t.file('not-a-pipe', '')))
    assert.throws(() => S.pipeCapacity(file), { code: 'EBADF' })
  },
  'dupStdin, dupStdout, dupStderr': async () => {
    for (const [dup, std] of [
      [S.dupStdin, 0],
      [S.dupStdout, 1],
      [S.dupStderr, 2],
    ]) {
      const fd = dup()
      try {
        assert.ok(fd instanceof S.OwnedFd)
        assert.ok(fd.fd > 2)
        assert.equal(S.fcntlGetFd(fd) & S.constants.FD_CLOEXEC, S.constants.FD_CLOEXEC, `${dup.name} is close-on-exec`)
        assert.equal(fdTarget(fd.fd), fdTarget(std), `${dup.name} duplicates descriptor ${std}`)
        assert.equal(S.sameFileSync(fd, std), true)
      } finally {
        fd.close()
      }
    }
  },
}
