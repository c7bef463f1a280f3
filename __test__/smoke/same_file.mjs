// The smoke cases of same_file (see smoke.mjs).

import { S, assert, fs, pathIdentity, pathToFileURL, util } from './kit.mjs'

/** One case per export or group of exports: the key lists the names it covers, `, `-separated. */
export const cases = {
  FileId: async (t) => {
    const { FileId } = S
    const file = t.file('id.txt', 'identity')
    const link = t.file('hard')
    fs.linkSync(file, link)
    const symlink = t.file('soft')
    fs.symlinkSync(file, symlink)
    const other = t.file('other.txt', 'other')
    const { dev, ino } = pathIdentity(file)

    assert.throws(() => new FileId(), { name: 'TypeError', message: /Illegal constructor/ })
    const id = t.own(FileId.fromPath(file))
    assert.equal(id.dev, dev)
    assert.equal(id.ino, ino)
    assert.equal(util.inspect(id), `FileId { dev: ${dev}n, ino: ${ino}n }`)
    assert.equal(id.equals(t.own(FileId.fromPath(link))), true, 'a hard link')
    assert.equal(id.equals(t.own(FileId.fromPath(symlink))), true, 'a symlink, followed')
    assert.equal(id.equals(t.own(FileId.fromPath(pathToFileURL(file)))), true, 'a file: URL')
    assert.equal(id.equals(t.own(FileId.fromPath(other))), false)
    const fd = S.openSync(file)
    const fromFd = t.own(FileId.fromFd(fd))
    fd.close()
    assert.equal(fromFd.equals(id), true, 'fromFd holds its own duplicate')
    assert.throws(() => id.equals({}), { code: 'ERR_INVALID_ARG_TYPE' })
    assert.throws(() => FileId.fromPath(t.file('missing')), { code: 'ENOENT' })

    S.mkfifoatSync(S.AT_FDCWD, t.file('fifo'))
    assert.equal(t.own(FileId.fromPath(t.file('fifo'))).ino, pathIdentity(t.file('fifo')).ino, 'a FIFO, without blocking')

    for (const [std, n] of [
      ['stdin', 0],
      ['stdout', 1],
      ['stderr', 2],
    ]) {
      const a = t.own(FileId[std]())
      assert.equal(a.equals(t.own(FileId.fromFd(n))), true, `FileId.${std}() is descriptor ${n}`)
    }

    id.close()
    assert.equal(id.closed, true)
    assert.throws(() => id.ino, { code: 'EBADF' })
    assert.throws(() => id.dev, { code: 'EBADF' })
    assert.throws(() => fromFd.equals(id), { code: 'EBADF' })
    id.close()
    id[Symbol.dispose]()
    assert.equal(util.inspect(id), 'FileId { closed }')
    const disposed = FileId.fromPath(file)
    disposed[Symbol.dispose]()
    assert.equal(disposed.closed, true)
  },
  'sameFile, sameFileSync': async (t) => {
    const file = t.file('same.txt', 'x')
    const link = t.file('hard')
    fs.linkSync(file, link)
    const symlink = t.file('soft')
    fs.symlinkSync(file, symlink)
    const other = t.file('other.txt', 'y')
    const missing = t.file('missing')
    assert.equal(S.sameFileSync(file, link), true)
    assert.equal(S.sameFileSync(file, symlink), true)
    assert.equal(S.sameFileSync(file, other), false)
    assert.equal(S.sameFileSync(pathToFileURL(file), Buffer.from(link)), true)
    const fd = t.own(S.openSync(other))
    assert.equal(S.sameFileSync(fd, other), true)
    assert.equal(S.sameFileSync(file, fd), false)
    assert.equal(await S.sameFile(symlink, file), true)
    assert.equal(await S.sameFile(fd, file), false)
    assert.equal(await S.sameFile(fd.borrow(), other), true)
    assert.throws(() => S.sameFileSync(missing, file), { code: 'ENOENT', path: missing })
    await assert.rejects(S.sameFile(file, missing), { code: 'ENOENT', path: missing })
    assert.throws(() => S.sameFileSync({}, file), { code: 'ERR_INVALID_ARG_TYPE' })
  },
}
