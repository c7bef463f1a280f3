// The smoke cases of sysix/fs root (see smoke.mjs).

import { S, assert, exactTimes, fs, path, pathIdentity, readFrom, util, writeTo } from '../kit.mjs'

/** One case per export or group of exports: the key lists the names it covers, `, `-separated. */
export const cases = {
  Root: async (t) => {
    const { Root } = S
    const top = path.join(t.dir, 'top')
    fs.mkdirSync(path.join(top, 'sub'), { recursive: true })
    fs.writeFileSync(path.join(top, 'a.txt'), 'A')
    fs.writeFileSync(path.join(top, 'sub', 'b.txt'), 'B')
    fs.writeFileSync(t.file('outside.txt'), 'outside')
    fs.symlinkSync('../outside.txt', path.join(top, 'up'))
    fs.symlinkSync('/etc/hostname', path.join(top, 'abs'))
    fs.symlinkSync('sub/b.txt', path.join(top, 'in'))
    assert.throws(() => new Root(), { name: 'TypeError', message: /Illegal constructor/ })

    for (const options of [undefined, { openat2: false }]) {
      const root = t.own(Root.openSync(top, options))
      const label = options === undefined ? 'default resolver' : 'sysix resolver'
      assert.ok(root instanceof Root)
      assert.equal(typeof root.kernelResolution, 'boolean')
      if (options !== undefined) {
        assert.equal(root.kernelResolution, false)
      }
      assert.equal(readFrom(t.own(root.openSync('a.txt'))).toString(), 'A', label)
      assert.equal(readFrom(t.own(root.openSync('in'))).toString(), 'B', `${label}: a symlink inside is followed`)
      assert.equal(readFrom(t.own(root.openSync('sub/../a.txt'))).toString(), 'A', `${label}: .. inside`)
      for (const way of ['..', '../outside.txt', 'sub/../../outside.txt', '/etc/hostname', 'up', 'abs', 'sub/../up']) {
        assert.throws(() => root.openSync(way), { code: 'EXDEV' }, `${label}: ${way}`)
      }
      await assert.rejects(root.open('../outside.txt'), { code: 'EXDEV' }, label)
      assert.throws(() => root.mkdirSync('../escaped'), { code: 'EXDEV' }, label)
      assert.throws(() => root.renameSync('a.txt', '../moved'), { code: 'EXDEV' }, label)
      assert.throws(() => root.statSync('up'), { code: 'EXDEV' }, label)
      assert.equal(fs.existsSync(t.file('escaped')), false)
    }

    const root = t.own(await Root.open(top))
    assert.match(util.inspect(root), /^Root \{ fd: \d+, resolver: '(openat2|userspace)' \}$/)
    assert.equal(S.statxSync(root.fd).type, 'directory', 'fd: the directory, lent')
    assert.equal(S.statxSync(root.fd).ino, pathIdentity(top).ino)

    const opened = t.own(await root.open('made.txt', 'wx', 0o600))
    writeTo(opened, 'made')
    assert.equal(fs.readFileSync(path.join(top, 'made.txt'), 'utf8'), 'made')

    assert.equal(root.statSync('a.txt').ino, pathIdentity(path.join(top, 'a.txt')).ino)
    assert.equal(root.statSync('a.txt').size, 1n)
    assert.equal(root.statSync('in').type, 'file')
    assert.equal(root.lstatSync('in').type, 'symlink')
    assert.equal((await root.stat('in')).ino, pathIdentity(path.join(top, 'sub', 'b.txt')).ino)
    assert.equal((await root.lstat('up')).type, 'symlink', 'lstat of a link that leads out: the link itself')

    root.mkdirSync('made-dir')
    await root.mkdir('made-dir2', 0o700)
    assert.ok(fs.statSync(path.join(top, 'made-dir')).isDirectory())
    assert.equal(fs.statSync(path.join(top, 'made-dir2')).mode & 0o777, 0o700 & ~process.umask())
    const names = (entries) => entries.map((entry) => entry.name).sort()
    assert.deepEqual(names(root.readdirSync()), fs.readdirSync(top).sort())
    assert.deepEqual(names(root.readdirSync('sub')), ['b.txt'])
    const buffers = await root.readdir('sub', { encoding: 'buffer' })
    assert.ok(Buffer.isBuffer(buffers[0].name))
    assert.deepEqual(names(await root.readdir()), fs.readdirSync(top).sort())

    assert.equal(root.readlinkSync('up'), '../outside.txt')
    assert.equal(await root.readlink('abs'), '/etc/hostname')
    assert.deepEqual(root.readlinkSync('in', { encoding: 'buffer' }), Buffer.from('sub/b.txt'))
    root.symlinkSync('a.txt', 'l1')
    assert.equal(fs.readlinkSync(path.join(top, 'l1')), 'a.txt')
    await root.symlink('/sub/b.txt', 'l2')
    assert.equal(fs.readlinkSync(path.join(top, 'l2')), '/sub/b.txt', 'created as written')
    assert.throws(() => root.openSync('l2'), { code: 'EXDEV' }, 'an absolute symlink is not followed')

    root.linkSync('a.txt', 'hard')
    await root.link('a.txt', 'hard2')
    assert.equal(fs.statSync(path.join(top, 'a.txt')).nlink, 3)
    root.renameSync('hard', 'hard-renamed')
    await assert.rejects(root.rename('hard2', 'hard-renamed', { noReplace: true }), { code: 'EEXIST' })
    await root.rename('hard2', 'hard3')
    assert.ok(fs.existsSync(path.join(top, 'hard-renamed')) && fs.existsSync(path.join(top, 'hard3')))
    root.unlinkSync('hard-renamed')
    await root.unlink('hard3')
    assert.equal(fs.statSync(path.join(top, 'a.txt')).nlink, 1)
    assert.throws(() => root.unlinkSync('made-dir'), { code: 'EISDIR' })
    root.rmdirSync('made-dir')
    await root.rmdir('made-dir2')
    assert.equal(fs.existsSync(path.join(top, 'made-dir')) || fs.existsSync(path.join(top, 'made-dir2')), false)

    root.chmodSync('a.txt', 0o600)
    assert.equal(fs.statSync(path.join(top, 'a.txt')).mode & 0o777, 0o600)
    await root.chmod('in', 0o640)
    assert.equal(fs.statSync(path.join(top, 'sub', 'b.txt')).mode & 0o777, 0o640, 'chmod follows a symlink inside')

    root.setFileTimesSync('a.txt', { mtime: 5_000_000_001n })
    assert.equal(exactTimes(path.join(top, 'a.txt')).mtimeNs, 5_000_000_001n)
    await root.setFileTimes('in', { mtime: 6_000_000_002n }, { followSymlinks: false })
    assert.equal(exactTimes(path.join(top, 'in'), { follow: false }).mtimeNs, 6_000_000_002n)

    const sub = t.own(root.openRootSync('sub'))
    assert.equal(readFrom(t.own(sub.openSync('b.txt'))).toString(), 'B')
    assert.throws(() => sub.openSync('../a.txt'), { code: 'EXDEV' }, 'a sub-root is a root of its own')
    assert.equal(sub.kernelResolution, root.kernelResolution)
    const sub2 = t.own(await root.openRoot('sub'))
    assert.deepEqual(names(sub2.readdirSync()), ['b.txt'])
    await assert.rejects(root.openRoot('..'), { code: 'EXDEV' })

    root.close()
    assert.equal(root.closed, true)
    assert.throws(() => root.fd, { code: 'EBADF' })
    assert.throws(() => root.openSync('a.txt'), { code: 'EBADF' })
    await assert.rejects(async () => root.stat('a.txt'), { code: 'EBADF' })
    assert.equal(util.inspect(root), 'Root { closed }')
    root[Symbol.dispose]()
  },
}
