// The smoke cases of sysix/fs io (see smoke.mjs).

import { S, assert, fdIdentity, fs, pathIdentity, readFrom, writeTo } from '../kit.mjs'

/** One case per export or group of exports: the key lists the names it covers, `, `-separated. */
export const cases = {
  'pread, preadSync, pwrite, pwriteSync': async (t) => {
    const file = t.file('prw', '0123456789')
    const fd = t.own(S.openSync(file, 'r+'))
    assert.equal(S.pwriteSync(fd, Buffer.from('ab'), 4), 2)
    assert.equal(fs.readFileSync(file, 'utf8'), '0123ab6789')
    const buffer = Buffer.alloc(4)
    assert.equal(S.preadSync(fd, buffer, 3n), 4)
    assert.equal(buffer.toString(), '3ab6')
    assert.equal(readFrom(fd).toString(), '0123ab6789', 'the file position did not move')
    assert.equal(await S.pwrite(fd, new Uint8Array([0x41, 0x42, 0x43]), 10), 3)
    const view = new Uint8Array(20)
    assert.equal(await S.pread(fd, view, 0), 13)
    assert.equal(Buffer.from(view.subarray(0, 13)).toString(), '0123ab6789ABC')
    assert.equal(S.preadSync(fd, Buffer.alloc(4), 100), 0, '0 at the end')
    const window = Buffer.from('xxxxxxxx')
    assert.equal(S.preadSync(fd, window.subarray(2, 4), 0), 2, 'a view is used where it lies')
    assert.equal(window.toString(), 'xx01xxxx')
    assert.throws(() => S.preadSync(fd, 'text', 0), { code: 'ERR_INVALID_ARG_TYPE' })
    const p = t.own(S.pipe())
    assert.throws(() => S.pwriteSync(p.writer, Buffer.from('x'), 0), { code: 'ESPIPE' })
    await assert.rejects(S.pread(p.reader, Buffer.alloc(1), 0), { code: 'ESPIPE' })
  },
  'readv, readvSync, writev, writevSync': async (t) => {
    const file = t.file('vec')
    const w = t.own(S.openSync(file, 'w'))
    const ef = Buffer.from('ef')
    assert.equal(S.writevSync(w, [Buffer.from('ab'), new Uint8Array([0x63, 0x64]), new DataView(ef.buffer, ef.byteOffset, 2)]), 6)
    assert.equal(fs.readFileSync(file, 'utf8'), 'abcdef')
    assert.equal(await S.writev(w, [Buffer.from('gh'), Buffer.alloc(0)]), 2, 'at the file position')
    assert.equal(fs.readFileSync(file, 'utf8'), 'abcdefgh')
    const r = t.own(S.openSync(file))
    const first = Buffer.alloc(3)
    const rest = new Uint16Array(4)
    assert.equal(S.readvSync(r, [first, rest]), 8)
    assert.equal(first.toString(), 'abc')
    assert.equal(Buffer.from(rest.buffer, 0, 5).toString(), 'defgh')
    assert.equal(await S.readv(r, [Buffer.alloc(4)]), 0, 'the position is at the end')
    const again = t.own(S.openSync(file))
    const views = [Buffer.alloc(2), Buffer.alloc(2)]
    assert.equal(await S.readv(again, views), 4)
    assert.equal(Buffer.concat(views).toString(), 'abcd')
    assert.throws(() => S.writevSync(w, Buffer.from('x')), { code: 'ERR_INVALID_ARG_TYPE' })
    assert.throws(() => S.writevSync(w, [Buffer.from('x'), 'y']), { code: 'ERR_INVALID_ARG_TYPE', message: /views\[1\]/ })
  },
  'preadv2, preadv2Sync, pwritev2, pwritev2Sync': async (t) => {
    const { constants } = S
    const file = t.file('v2', '')
    const fd = t.own(S.openSync(file, 'r+'))
    assert.equal(S.pwritev2Sync(fd, [Buffer.from('xy'), Buffer.from('z')], 0, { flags: constants.RWF_DSYNC }), 3)
    assert.equal(fs.readFileSync(file, 'utf8'), 'xyz')
    const buffer = Buffer.alloc(3)
    assert.equal(S.preadv2Sync(fd, [buffer], 0), 3)
    assert.equal(buffer.toString(), 'xyz')
    assert.equal(await S.pwritev2(fd, [Buffer.from('!')], 3), 1)
    assert.equal(S.pwritev2Sync(fd, [Buffer.from('END')], 0, { flags: constants.RWF_APPEND }), 3)
    assert.equal(fs.readFileSync(file, 'utf8'), 'xyz!END', 'RWF_APPEND writes at the end whatever the position')
    const head = Buffer.alloc(2)
    assert.equal(S.preadv2Sync(fd, [head], null), 2, 'null: at the file position')
    assert.equal(head.toString(), 'xy')
    const next = Buffer.alloc(2)
    assert.equal(await S.preadv2(fd, [next], null), 2)
    assert.equal(next.toString(), 'z!', 'the file position moved')
    const cached = Buffer.alloc(7)
    try {
      assert.equal(await S.preadv2(fd, [cached], 0, { flags: constants.RWF_NOWAIT }), 7)
      assert.equal(cached.toString(), 'xyz!END')
    } catch (error) {
      assert.equal(error.code, 'EAGAIN', 'RWF_NOWAIT reads the page cache or fails with EAGAIN')
    }
    await assert.rejects(
      S.pwritev2(fd, [Buffer.from('x')], 0, { flags: 0x4000_0000 }),
      { code: /^(ENOTSUP|EINVAL)$/ },
      'an unknown RWF_ flag',
    )
  },
  'dup2, dup3': async (t) => {
    const { constants } = S
    const fileA = t.file('a', 'A')
    const fileB = t.file('b', 'B')
    const a = t.own(S.openSync(fileA))
    const b = t.own(S.openSync(fileB))
    const bNumber = b.fd
    S.dup2(a, b)
    assert.equal(b.fd, bNumber)
    assert.deepEqual(fdIdentity(b), pathIdentity(fileA), 'the OwnedFd of newFd now has the file of fd')
    assert.equal(S.fcntlGetFd(b) & constants.FD_CLOEXEC, 0, 'dup2 leaves newFd inheritable')
    const c = t.own(S.openSync(fileB))
    S.dup3(a, c)
    assert.deepEqual(fdIdentity(c), pathIdentity(fileA))
    assert.equal(S.fcntlGetFd(c) & constants.FD_CLOEXEC, constants.FD_CLOEXEC, 'dup3: close-on-exec by default')
    S.dup3(a, c, { cloexec: false })
    assert.equal(S.fcntlGetFd(c) & constants.FD_CLOEXEC, 0)
    assert.throws(() => S.dup3(a, a), { code: 'EINVAL' })
    S.dup2(a, a)
    assert.equal(a.closed, false)
    assert.equal(readFrom(b).toString(), 'A')
  },
  'fcntlGetFd, fcntlSetFd, fcntlGetFl, fcntlSetFl': async (t) => {
    const { constants } = S
    const fd = t.own(S.openSync(t.file('fcntl', ''), 'r+'))
    assert.equal(S.fcntlGetFd(fd), constants.FD_CLOEXEC)
    S.fcntlSetFd(fd, 0)
    assert.equal(S.fcntlGetFd(fd), 0)
    S.fcntlSetFd(fd, constants.FD_CLOEXEC)
    assert.equal(S.fcntlGetFd(fd), constants.FD_CLOEXEC)
    const flags = S.fcntlGetFl(fd)
    assert.equal(flags & constants.O_ACCMODE, constants.O_RDWR)
    assert.equal(flags & constants.O_APPEND, 0)
    S.fcntlSetFl(fd, flags | constants.O_APPEND | constants.O_NONBLOCK)
    assert.equal(S.fcntlGetFl(fd) & (constants.O_APPEND | constants.O_NONBLOCK), constants.O_APPEND | constants.O_NONBLOCK)
    const dup = t.own(fd.dup())
    assert.equal(S.fcntlGetFl(dup) & constants.O_APPEND, constants.O_APPEND, 'status flags belong to the open file')
    assert.throws(() => S.fcntlSetFd(fd, 2), { code: 'ERR_OUT_OF_RANGE' })
  },
  fionread: async (t) => {
    const p = t.own(S.pipe())
    assert.equal(S.fionread(p.reader), 0)
    writeTo(p.writer, 'five!')
    assert.equal(S.fionread(p.reader), 5)
    const fd = t.own(S.openSync(t.file('ten', '0123456789')))
    assert.equal(S.fionread(fd), 10, 'of a file: the rest of it')
    S.preadSync(fd, Buffer.alloc(1), 0)
    readFrom(fd, 4)
    assert.equal(S.fionread(fd), 6)
  },
}
