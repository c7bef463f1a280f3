// The smoke cases of sysix/fs stat (see smoke.mjs).

import { S, assert, exactTimes, fs } from '../kit.mjs'

/** One case per export or group of exports: the key lists the names it covers, `, `-separated. */
export const cases = {
  'STATX_LEN, StatxSlot, statx, statxSync': async (t) => {
    const { StatxSlot, STATX_LEN } = S
    const file = t.file('statx.txt', 'twelve bytes')
    const st = fs.statSync(file, { bigint: true })
    const x = S.statxSync(file)
    assert.equal(x.type, 'file')
    assert.equal(x.size, st.size)
    assert.equal(x.ino, st.ino)
    assert.equal(x.dev, st.dev)
    assert.equal(x.mode, Number(st.mode))
    assert.equal(x.nlink, Number(st.nlink))
    assert.equal(x.uid, Number(st.uid))
    assert.equal(x.gid, Number(st.gid))
    assert.equal(x.blocks, st.blocks)
    assert.equal(x.blksize, Number(st.blksize))
    assert.equal(x.mtimeNs, exactTimes(file).mtimeNs)
    assert.equal(x.mask & S.constants.STATX_BASIC_STATS, S.constants.STATX_BASIC_STATS)
    assert.equal(typeof x.attributes.immutable === 'boolean' || x.attributes.immutable === null, true)

    const fd = t.own(S.openSync(file))
    const byFd = S.statxSync(fd)
    assert.equal(byFd.ino, st.ino)
    assert.equal(byFd.size, st.size)
    const dir = t.own(S.openSync(t.dir, S.constants.O_RDONLY | S.constants.O_DIRECTORY))
    assert.equal(S.statxSync('statx.txt', { dirFd: dir }).ino, st.ino, 'relative to dirFd')
    assert.equal(S.statxSync(file, { mask: S.constants.STATX_SIZE }).mask & S.constants.STATX_SIZE, S.constants.STATX_SIZE)

    assert.ok(Number.isInteger(STATX_LEN))
    assert.ok(
      Object.values(StatxSlot).every((slot) => typeof slot !== 'number' || slot < STATX_LEN),
      'every slot fits',
    )
    const into = new BigInt64Array(STATX_LEN)
    assert.equal(S.statxSync(file, undefined, into), into, 'the into form returns its array')
    assert.equal(into[StatxSlot.Size], st.size)
    assert.equal(BigInt.asUintN(64, into[StatxSlot.Ino]), st.ino)
    assert.equal(Number(into[StatxSlot.Nlink]), Number(st.nlink))
    assert.equal(into[StatxSlot.NsFit], 1n)
    assert.equal(into[StatxSlot.MtimeNs], x.mtimeNs)

    const symlink = t.file('link')
    fs.symlinkSync(file, symlink)
    const promised = await S.statx(file)
    assert.equal(promised.ino, st.ino)
    assert.equal(promised.size, st.size)
    assert.equal((await S.statx(symlink, { followSymlinks: false })).type, 'symlink')
    assert.equal((await S.statx(symlink)).ino, st.ino)
    assert.throws(() => S.statxSync(t.file('missing')), { code: 'ENOENT', syscall: 'statx', path: t.file('missing') })
    await assert.rejects(S.statx(t.file('missing')), { code: 'ENOENT' })
  },
  'statfs, statfsSync': async (t) => {
    const s = S.statfsSync(t.dir)
    for (const key of ['type', 'bsize', 'frsize', 'namelen', 'flags']) {
      assert.equal(typeof s[key], 'number', key)
    }
    for (const key of ['blocks', 'bfree', 'bavail', 'files', 'ffree', 'fsid']) {
      assert.equal(typeof s[key], 'bigint', key)
    }
    const node = fs.statfsSync(t.dir, { bigint: true })
    assert.equal(BigInt(s.type), node.type)
    assert.equal(BigInt(s.bsize), node.bsize)
    assert.equal(s.blocks, node.blocks)
    assert.equal(s.files, node.files)
    assert.ok(s.bavail <= s.bfree && s.bfree <= s.blocks)
    const fd = t.own(S.openSync(t.dir, S.constants.O_RDONLY | S.constants.O_DIRECTORY))
    const byFd = S.statfsSync(fd)
    assert.equal(byFd.fsid, s.fsid)
    assert.equal(byFd.type, s.type)
    const promised = await S.statfs(t.dir)
    assert.equal(promised.fsid, s.fsid)
    assert.equal(promised.blocks, s.blocks)
    assert.equal((await S.statfs(fd)).type, s.type)
    assert.equal(S.statfsSync('/proc').type, 0x9fa0, 'procfs magic')
    assert.throws(() => S.statfsSync(t.file('missing')), { code: 'ENOENT' })
  },
  'access, accessSync': async (t) => {
    const { constants } = S
    const file = t.file('access.txt', 'x')
    fs.chmodSync(file, 0o644)
    S.accessSync(file)
    S.accessSync(file, constants.R_OK | constants.W_OK)
    assert.throws(() => S.accessSync(file, constants.X_OK), { code: 'EACCES', path: file }, 'no execute bit, even for root')
    assert.throws(() => S.accessSync(t.file('missing')), { code: 'ENOENT', path: t.file('missing') })
    const dangling = t.file('dangling')
    fs.symlinkSync('nowhere', dangling)
    assert.throws(() => S.accessSync(dangling), { code: 'ENOENT' })
    S.accessSync(dangling, constants.F_OK, { followSymlinks: false })
    const dir = t.own(S.openSync(t.dir, constants.O_RDONLY | constants.O_DIRECTORY))
    S.accessSync('access.txt', constants.R_OK, { dirFd: dir, eaccess: true })
    assert.equal(await S.access(file, constants.R_OK), undefined)
    await assert.rejects(S.access(file, constants.X_OK), { code: 'EACCES' })
    await assert.rejects(S.access(t.file('missing')), { code: 'ENOENT' })
  },
}
