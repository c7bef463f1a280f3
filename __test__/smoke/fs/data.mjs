// The smoke cases of sysix/fs data (see smoke.mjs).

import { S, assert, fs, readFrom, writeTo } from '../kit.mjs'

/** One case per export or group of exports: the key lists the names it covers, `, `-separated. */
export const cases = {
  'fallocate, fallocateSync': async (t) => {
    const file = t.file('falloc')
    const fd = t.own(S.openSync(file, 'w+'))
    S.fallocateSync(fd, 0, 8192)
    assert.equal(S.statxSync(fd).size, 8192n)
    const blocks = S.statxSync(fd).blocks
    assert.ok(blocks >= 16n, `${blocks} blocks allocated`)
    S.fallocateSync(fd, 8192, 8192, { keepSize: true })
    assert.equal(S.statxSync(fd).size, 8192n, 'keepSize')
    assert.ok(S.statxSync(fd).blocks > blocks)
    S.pwriteSync(fd, Buffer.from('data'), 0)
    S.fallocateSync(fd, 0, 4096, { punchHole: true, keepSize: true })
    const back = Buffer.alloc(4, 1)
    S.preadSync(fd, back, 0)
    assert.deepEqual(back, Buffer.alloc(4), 'a punched hole reads as zeros')
    await S.fallocate(fd, 0, 16384)
    assert.equal(S.statxSync(fd).size, 16384n)
    await assert.rejects(
      S.fallocate(fd, 0, 10, { punchHole: true }),
      { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' },
      'punchHole needs keepSize',
    )
  },
  fadviseSync: async (t) => {
    const fd = t.own(S.openSync(t.file('advice', 'x'.repeat(8192))))
    for (const advice of ['normal', 'sequential', 'random', 'willneed', 'dontneed', 'noreuse']) {
      assert.equal(S.fadviseSync(fd, 0, 0, advice), undefined, advice)
    }
    S.fadviseSync(fd, 4096n, 4096n, 'willneed')
    const p = t.own(S.pipe())
    assert.throws(() => S.fadviseSync(p.reader, 0, 0, 'normal'), { code: 'ESPIPE' })
    assert.throws(() => S.fadviseSync(fd, 0, 0, 'often'), { code: 'ERR_INVALID_ARG_VALUE' })
  },
  'fsync, fsyncSync, fdatasync, fdatasyncSync, syncfs, syncfsSync': async (t) => {
    const fd = t.own(S.openSync(t.file('sync'), 'w'))
    writeTo(fd, 'synced')
    assert.equal(S.fsyncSync(fd), undefined)
    assert.equal(S.fdatasyncSync(fd), undefined)
    assert.equal(S.syncfsSync(fd), undefined)
    assert.equal(await S.fsync(fd), undefined)
    assert.equal(await S.fdatasync(fd), undefined)
    assert.equal(await S.syncfs(fd), undefined)
    const p = t.own(S.pipe())
    assert.throws(() => S.fsyncSync(p.writer), { code: 'EINVAL', syscall: 'fsync' })
    await assert.rejects(S.fdatasync(p.writer), { code: 'EINVAL' })
    const closed = S.openSync(t.file('sync'))
    closed.close()
    assert.throws(() => S.fsyncSync(closed), { code: 'EBADF' })
    await assert.rejects(async () => S.fsync(closed), { code: 'EBADF' })
    await assert.rejects(async () => S.syncfs(closed), { code: 'EBADF' })
    assert.throws(() => S.syncfsSync(closed), { code: 'EBADF' })
    assert.throws(() => S.fdatasyncSync(closed), { code: 'EBADF' })
  },
  'ftruncate, ftruncateSync': async (t) => {
    const file = t.file('trunc', 'truncate me')
    const fd = t.own(S.openSync(file, 'r+'))
    S.ftruncateSync(fd, 3)
    assert.equal(fs.readFileSync(file, 'utf8'), 'tru')
    S.ftruncateSync(fd, 100n)
    assert.equal(fs.statSync(file).size, 100)
    await S.ftruncate(fd, 1)
    assert.equal(fs.readFileSync(file, 'utf8'), 't')
    await S.ftruncate(fd)
    assert.equal(fs.statSync(file).size, 0, 'length 0 by default')
    const readOnly = t.own(S.openSync(file, 'r'))
    assert.throws(() => S.ftruncateSync(readOnly, 1), { code: 'EINVAL' })
    assert.throws(() => S.ftruncateSync(fd, -1), { code: 'ERR_OUT_OF_RANGE' })
  },
  'copyFileRange, copyFileRangeSync': async (t) => {
    const src = t.own(S.openSync(t.file('src', 'hello world')))
    const dst = t.own(S.openSync(t.file('dst'), 'w+'))
    assert.equal(S.copyFileRangeSync(src, dst, 11), 11)
    assert.equal(fs.readFileSync(t.file('dst'), 'utf8'), 'hello world')
    assert.equal(S.copyFileRangeSync(src, dst, 10), 0, '0 at the end of the input')
    assert.equal(S.copyFileRangeSync(src, dst, 5, { inOffset: 6, outOffset: 20 }), 5)
    const back = Buffer.alloc(5)
    S.preadSync(dst, back, 20)
    assert.equal(back.toString(), 'world')
    const other = t.own(S.openSync(t.file('dst2'), 'w+'))
    assert.equal(await S.copyFileRange(src, other, 100, { inOffset: 0n, outOffset: 0n }), 11, 'a short copy at the end')
    assert.equal(fs.readFileSync(t.file('dst2'), 'utf8'), 'hello world')
    const both = t.own(S.openSync(t.file('dst2'), 'r+'))
    await assert.rejects(
      S.copyFileRange(both, both, 4, { inOffset: 0, outOffset: 2 }),
      { code: 'EINVAL' },
      'overlapping ranges of one file',
    )
    assert.throws(() => S.copyFileRangeSync(src, src, 1), { code: 'EBADF' }, 'a read-only output')
  },
  'sendfile, sendfileSync': async (t) => {
    const src = t.own(S.openSync(t.file('src', 'hello world')))
    const p = t.own(S.pipe())
    assert.equal(S.sendfileSync(p.writer, src, 5, { offset: 6 }), 5)
    assert.equal(readFrom(p.reader).toString(), 'world')
    assert.equal(await S.sendfile(p.writer, src, 100), 11, 'from the file position')
    assert.equal(readFrom(p.reader).toString(), 'hello world')
    assert.equal(await S.sendfile(p.writer, src, 100), 0, 'the position moved to the end')
    assert.equal(await S.sendfile(p.writer, src, 5, { offset: 0n }), 5)
    assert.equal(readFrom(p.reader).toString(), 'hello')
    const out = t.own(S.openSync(t.file('out'), 'w'))
    assert.throws(() => S.sendfileSync(out, p.reader, 1), { code: 'EINVAL' }, 'the input must be a file')
    assert.throws(() => S.sendfileSync(src, p.reader, 1), { code: 'EBADF' }, 'a read-only output')
  },
  'cloneFile, cloneFileSync': async (t) => {
    const src = t.own(S.openSync(t.file('src', 'cloned')))
    const dst = t.own(S.openSync(t.file('dst'), 'w'))
    const refused = /^(ENOTSUP|EOPNOTSUPP|EXDEV|EINVAL|ENOTTY)$/
    let syncOutcome
    try {
      S.cloneFileSync(src, dst)
      syncOutcome = 'cloned'
      assert.equal(fs.readFileSync(t.file('dst'), 'utf8'), 'cloned')
    } catch (error) {
      assert.match(String(error.code), refused, `cloneFileSync: ${error.message}`)
      assert.equal(error.syscall, 'ioctl')
      syncOutcome = error.code
      assert.equal(fs.readFileSync(t.file('dst'), 'utf8'), '', 'nothing copied')
    }
    const dst2 = t.own(S.openSync(t.file('dst2'), 'w'))
    const asyncOutcome = await S.cloneFile(src, dst2).then(
      () => 'cloned',
      (error) => error.code,
    )
    assert.equal(asyncOutcome, syncOutcome, 'the Promise form does as the synchronous one')
    t.note(`FICLONE on ${S.statfsSync(t.dir).type.toString(16)}: ${syncOutcome}`)
    const self = t.own(S.openSync(t.file('src'), 'r+'))
    await assert.rejects(S.cloneFile(self, self), { code: refused })
    assert.throws(() => S.cloneFileSync(dst, src), { code: 'EBADF' }, 'a read-only destination')
  },
  'seekData, seekHole, sparseMap, sparseMapSync': async (t) => {
    const fd = t.own(S.openSync(t.file('sparse'), 'w+'))
    const MiB = 1024 * 1024
    S.pwriteSync(fd, Buffer.alloc(4096, 'A'), 0)
    S.pwriteSync(fd, Buffer.alloc(4096, 'B'), MiB)
    S.fsyncSync(fd)
    const map = S.sparseMapSync(fd)
    const size = MiB + 4096
    const holes = map.length > 1
    if (holes) {
      assert.deepEqual(map, [
        { offset: 0, length: 4096 },
        { offset: MiB, length: 4096 },
      ])
      assert.equal(S.seekHole(fd, 0), 4096)
      assert.equal(S.seekData(fd, 4096), MiB)
    } else {
      t.note('this filesystem reports no holes')
      assert.deepEqual(map, [{ offset: 0, length: size }])
    }
    assert.equal(S.seekData(fd), 0)
    assert.equal(S.seekHole(fd, MiB), size, 'the end of the file counts as a hole')
    assert.equal(S.seekData(fd, size), null, 'nothing past the end')
    assert.equal(S.seekHole(fd, size + 1), null)
    assert.deepEqual(await S.sparseMap(fd), map)
    const p = t.own(S.pipe())
    assert.throws(() => S.seekData(p.reader, 0), { code: 'ESPIPE' })
    await assert.rejects(S.sparseMap(p.reader), { code: 'ESPIPE' })
  },
}
