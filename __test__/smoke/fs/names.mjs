// The smoke cases of sysix/fs names (see smoke.mjs).

import { S, assert, fs, pathIdentity, readFrom, writeTo } from '../kit.mjs'

/** One case per export or group of exports: the key lists the names it covers, `, `-separated. */
export const cases = {
  'fchmodat, fchmodatSync': async (t) => {
    const file = t.file('mode', '')
    const dir = t.own(S.openSync(t.dir, S.constants.O_RDONLY | S.constants.O_DIRECTORY))
    S.fchmodatSync(dir, 'mode', 0o640)
    assert.equal(fs.statSync(file).mode & 0o777, 0o640)
    await S.fchmodat(S.AT_FDCWD, file, 0o604)
    assert.equal(fs.statSync(file).mode & 0o777, 0o604)
    const link = t.file('link')
    fs.symlinkSync('mode', link)
    try {
      S.fchmodatSync(dir, 'link', 0o600, { followSymlinks: false })
      assert.equal(fs.lstatSync(link).mode & 0o777, 0o600)
    } catch (error) {
      assert.match(error.code, /^(ENOTSUP|ENOSYS)$/, "a symlink's own mode: refused by most filesystems")
    }
    assert.equal(fs.statSync(file).mode & 0o777, 0o604, 'the target left alone')
    await assert.rejects(S.fchmodat(dir, 'missing', 0o600), { code: 'ENOENT' })
  },
  'fchownat, fchownatSync': async (t) => {
    const file = t.file('owner', '')
    const link = t.file('link')
    fs.symlinkSync('owner', link)
    const dir = t.own(S.openSync(t.dir, S.constants.O_RDONLY | S.constants.O_DIRECTORY))
    const { uid, gid } = fs.statSync(file)
    if (process.getuid() === 0) {
      S.fchownatSync(dir, 'owner', 65534, 65534)
      assert.deepEqual([fs.statSync(file).uid, fs.statSync(file).gid], [65534, 65534])
      S.fchownatSync(dir, 'owner', -1, gid)
      assert.deepEqual([fs.statSync(file).uid, fs.statSync(file).gid], [65534, gid], '-1 leaves the owner')
      await S.fchownat(S.AT_FDCWD, link, 65533, -1, { followSymlinks: false })
      assert.equal(fs.lstatSync(link).uid, 65533, "the link's own owner")
      assert.equal(fs.statSync(file).uid, 65534)
      await S.fchownat(dir, 'link', uid, gid)
      assert.equal(fs.statSync(file).uid, uid, 'follows the link by default')
    } else {
      S.fchownatSync(dir, 'owner', uid, gid)
      await S.fchownat(S.AT_FDCWD, link, -1, -1, { followSymlinks: false })
      assert.throws(() => S.fchownatSync(dir, 'owner', 0, -1), { code: 'EPERM' })
    }
    await assert.rejects(S.fchownat(dir, 'missing', -1, -1), { code: 'ENOENT' })
  },
  'linkat, linkatSync': async (t) => {
    const { constants } = S
    const file = t.file('orig', 'linked')
    const dir = t.own(S.openSync(t.dir, constants.O_RDONLY | constants.O_DIRECTORY))
    S.linkatSync(dir, 'orig', dir, 'hard')
    assert.equal(fs.statSync(file).nlink, 2)
    assert.equal(pathIdentity(t.file('hard')).ino, pathIdentity(file).ino)
    assert.throws(() => S.linkatSync(dir, 'orig', dir, 'hard'), { code: 'EEXIST' })
    fs.symlinkSync('orig', t.file('soft'))
    await S.linkat(S.AT_FDCWD, t.file('soft'), dir, 'of-link')
    assert.ok(fs.lstatSync(t.file('of-link')).isSymbolicLink(), 'a symlink is linked itself by default')
    await S.linkat(dir, 'soft', S.AT_FDCWD, t.file('of-target'), { followSymlinks: true })
    assert.equal(pathIdentity(t.file('of-target')).ino, pathIdentity(file).ino)

    const tmp = S.openSync(t.dir, constants.O_TMPFILE | constants.O_RDWR, 0o644)
    try {
      writeTo(tmp, 'from O_TMPFILE')
      S.linkatSync(tmp, '', S.AT_FDCWD, t.file('named'), { emptyPath: true })
      assert.equal(fs.readFileSync(t.file('named'), 'utf8'), 'from O_TMPFILE')
      assert.equal(S.statxSync(tmp).nlink, 1)
    } finally {
      tmp.close()
    }
  },
  'mkdirat, mkdiratSync': async (t) => {
    const dir = t.own(S.openSync(t.dir, S.constants.O_RDONLY | S.constants.O_DIRECTORY))
    S.mkdiratSync(dir, 'made', 0o750)
    assert.ok(fs.statSync(t.file('made')).isDirectory())
    assert.equal(fs.statSync(t.file('made')).mode & 0o777, 0o750 & ~process.umask())
    assert.throws(() => S.mkdiratSync(dir, 'made'), { code: 'EEXIST', syscall: 'mkdirat' })
    await S.mkdirat(S.AT_FDCWD, t.file('made2'))
    assert.ok(fs.statSync(t.file('made2')).isDirectory())
    await assert.rejects(S.mkdirat(dir, 'missing/sub'), { code: 'ENOENT' })
  },
  'mkfifoat, mkfifoatSync': async (t) => {
    const dir = t.own(S.openSync(t.dir, S.constants.O_RDONLY | S.constants.O_DIRECTORY))
    S.mkfifoatSync(dir, 'fifo', 0o600)
    assert.ok(fs.statSync(t.file('fifo')).isFIFO())
    assert.equal(S.statxSync(t.file('fifo')).type, 'fifo')
    assert.equal(fs.statSync(t.file('fifo')).mode & 0o777, 0o600)
    assert.throws(() => S.mkfifoatSync(dir, 'fifo'), { code: 'EEXIST' })
    await S.mkfifoat(S.AT_FDCWD, t.file('fifo2'))
    assert.ok(fs.statSync(t.file('fifo2')).isFIFO())
    const reader = t.own(S.openSync(t.file('fifo2'), S.constants.O_RDONLY | S.constants.O_NONBLOCK))
    const writer = t.own(S.openSync(t.file('fifo2'), 'w'))
    writeTo(writer, 'named pipe')
    assert.equal(readFrom(reader).toString(), 'named pipe')
  },
  'mknodat, mknodatSync': async (t) => {
    const { constants } = S
    const dir = t.own(S.openSync(t.dir, constants.O_RDONLY | constants.O_DIRECTORY))
    S.mknodatSync(dir, 'fifo', constants.S_IFIFO | 0o644)
    assert.equal(S.statxSync(t.file('fifo')).type, 'fifo')
    S.mknodatSync(dir, 'regular', constants.S_IFREG | 0o600)
    assert.equal(S.statxSync(t.file('regular')).type, 'file')
    assert.equal(fs.statSync(t.file('regular')).size, 0)
    await S.mknodat(S.AT_FDCWD, t.file('socket'), constants.S_IFSOCK | 0o600)
    assert.ok(fs.statSync(t.file('socket')).isSocket())
    if (process.getuid() === 0) {
      await S.mknodat(dir, 'null', constants.S_IFCHR | 0o600, 0x103)
      const null_ = S.statxSync(t.file('null'))
      assert.equal(null_.type, 'char')
      assert.deepEqual([null_.rdevMajor, null_.rdevMinor], [1, 3], 'the device /dev/null is')
    }
    await assert.rejects(S.mknodat(dir, 'fifo', constants.S_IFIFO | 0o644), { code: 'EEXIST' })
  },
  'readlinkat, readlinkatSync, symlinkat, symlinkatSync': async (t) => {
    const dir = t.own(S.openSync(t.dir, S.constants.O_RDONLY | S.constants.O_DIRECTORY))
    S.symlinkatSync('target/of/link', dir, 'link')
    assert.equal(fs.readlinkSync(t.file('link')), 'target/of/link')
    assert.equal(S.readlinkatSync(dir, 'link'), 'target/of/link')
    assert.deepEqual(S.readlinkatSync(S.AT_FDCWD, t.file('link'), { encoding: 'buffer' }), Buffer.from('target/of/link'))
    await S.symlinkat(Buffer.from([0x6e, 0xff, 0x6f]), S.AT_FDCWD, t.file('raw'))
    assert.deepEqual(await S.readlinkat(dir, 'raw', { encoding: 'buffer' }), Buffer.from([0x6e, 0xff, 0x6f]), 'bytes that are not UTF-8')
    assert.equal(await S.readlinkat(dir, 'link'), 'target/of/link')
    assert.throws(() => S.symlinkatSync('x', dir, 'link'), { code: 'EEXIST' })
    fs.writeFileSync(t.file('plain'), '')
    assert.throws(() => S.readlinkatSync(dir, 'plain'), { code: 'EINVAL', syscall: 'readlinkat' })
    await assert.rejects(S.readlinkat(dir, 'missing'), { code: 'ENOENT' })
  },
  'renameat2, renameat2Sync': async (t) => {
    const dir = t.own(S.openSync(t.dir, S.constants.O_RDONLY | S.constants.O_DIRECTORY))
    t.file('a', 'A')
    t.file('b', 'B')
    assert.throws(() => S.renameat2Sync(dir, 'a', dir, 'b', { noReplace: true }), { code: 'EEXIST', syscall: 'renameat2' })
    assert.equal(fs.readFileSync(t.file('b'), 'utf8'), 'B', 'noReplace replaced nothing')
    S.renameat2Sync(dir, 'a', dir, 'b', { exchange: true })
    assert.deepEqual([fs.readFileSync(t.file('a'), 'utf8'), fs.readFileSync(t.file('b'), 'utf8')], ['B', 'A'], 'exchanged')
    await S.renameat2(dir, 'a', S.AT_FDCWD, t.file('c'))
    assert.equal(fs.existsSync(t.file('a')), false)
    assert.equal(fs.readFileSync(t.file('c'), 'utf8'), 'B')
    await S.renameat2(dir, 'c', dir, 'd', { noReplace: true })
    assert.equal(fs.readFileSync(t.file('d'), 'utf8'), 'B')
    await assert.rejects(S.renameat2(dir, 'missing', dir, 'e', { exchange: true }), { code: 'ENOENT' })
  },
  'unlinkat, unlinkatSync': async (t) => {
    const dir = t.own(S.openSync(t.dir, S.constants.O_RDONLY | S.constants.O_DIRECTORY))
    t.file('file', '')
    fs.mkdirSync(t.file('sub'))
    assert.throws(() => S.unlinkatSync(dir, 'sub'), { code: 'EISDIR', syscall: 'unlinkat' })
    S.unlinkatSync(dir, 'file')
    assert.equal(fs.existsSync(t.file('file')), false)
    await S.unlinkat(S.AT_FDCWD, t.file('sub'), { removeDir: true })
    assert.equal(fs.existsSync(t.file('sub')), false)
    await assert.rejects(S.unlinkat(dir, 'file'), { code: 'ENOENT' })
  },
}
