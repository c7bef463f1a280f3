// The smoke cases of sysix/fs dir (see smoke.mjs).

import { S, assert, fs, path } from '../kit.mjs'

/** One case per export or group of exports: the key lists the names it covers, `, `-separated. */
export const cases = {
  'Dir, openDir, readdir, readdirSync': async (t) => {
    t.file('file', '')
    fs.mkdirSync(t.file('dir'))
    fs.symlinkSync('file', t.file('link'))
    S.mkfifoatSync(S.AT_FDCWD, t.file('fifo'))
    const typeOf = (st) =>
      st.isFile() ? 'file' : st.isDirectory() ? 'directory' : st.isSymbolicLink() ? 'symlink' : st.isFIFO() ? 'fifo' : '?'
    const expected = fs
      .readdirSync(t.dir)
      .map((name) => {
        const st = fs.lstatSync(path.join(t.dir, name), { bigint: true })
        return { name, ino: st.ino, type: typeOf(st) }
      })
      .sort((a, b) => a.name.localeCompare(b.name))
    const sorted = (entries) => [...entries].sort((a, b) => String(a.name).localeCompare(String(b.name)))
    assert.deepEqual(sorted(S.readdirSync(t.dir)), expected)
    const dirFd = t.own(S.openSync(t.dir, S.constants.O_RDONLY | S.constants.O_DIRECTORY))
    assert.deepEqual(sorted(S.readdirSync(dirFd)), expected, 'by descriptor')
    assert.deepEqual(sorted(await S.readdir(t.dir)), expected)
    const raw = S.readdirSync(t.dir, { encoding: 'buffer' })
    assert.ok(raw.every((entry) => Buffer.isBuffer(entry.name)))
    assert.deepEqual(raw.map((entry) => entry.name.toString()).sort(), ['dir', 'fifo', 'file', 'link'])
    assert.throws(() => S.readdirSync(t.file('file')), { code: 'ENOTDIR' })
    await assert.rejects(S.readdir(t.file('missing')), { code: 'ENOENT' })

    assert.throws(() => new S.Dir(), { name: 'TypeError', message: /Illegal constructor/ })
    const dir = await S.openDir(t.dir)
    t.own(dir)
    assert.ok(dir instanceof S.Dir)
    const seen = []
    for await (const entry of dir) {
      seen.push(entry)
    }
    assert.deepEqual(sorted(seen), expected)
    assert.equal(dir.closed, true, 'closed at the end of the iteration')

    const batches = await S.openDir(dirFd, { encoding: 'buffer' })
    t.own(batches)
    const batch = await batches.read()
    assert.ok(batch.length > 0 && Buffer.isBuffer(batch[0].name))
    while ((await batches.read()).length > 0) {
      // Read to the end.
    }
    assert.deepEqual(await batches.read(), [], 'empty at the end')
    batches.close()
    assert.equal(batches.closed, true)
    const unread = await S.openDir(t.dir)
    unread.close()
    await assert.rejects(unread.read(), { code: 'EBADF' }, 'reading a closed Dir')

    const broken = await S.openDir(t.dir)
    for await (const _ of broken) {
      break
    }
    assert.equal(broken.closed, true, 'closed on break')
    const disposed = await S.openDir(t.dir)
    await disposed[Symbol.asyncDispose]()
    assert.equal(disposed.closed, true)
  },
}
