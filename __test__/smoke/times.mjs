// The smoke cases of times (see smoke.mjs).

import { S, assert, exactTimes, fs } from './kit.mjs'

/** One case per export or group of exports: the key lists the names it covers, `, `-separated. */
export const cases = {
  'fileTimes, fileTimesSync': async (t) => {
    const file = t.file('times.txt', 'times')
    S.setFileTimesSync(file, { atime: 1_600_000_000_987_654_321n, mtime: 1_700_000_000_123_456_789n })
    const times = S.fileTimesSync(file)
    const exact = exactTimes(file)
    assert.equal(times.atimeNs, 1_600_000_000_987_654_321n)
    assert.equal(times.mtimeNs, 1_700_000_000_123_456_789n)
    assert.deepEqual({ atimeNs: times.atimeNs, mtimeNs: times.mtimeNs, ctimeNs: times.ctimeNs }, exact)
    assert.ok(times.birthtimeNs === null || typeof times.birthtimeNs === 'bigint')
    if (times.birthtimeNs !== null) {
      assert.ok(times.birthtimeNs <= times.ctimeNs)
    }
    const fd = t.own(S.openSync(file))
    assert.deepEqual(S.fileTimesSync(fd), times, 'by descriptor')
    assert.deepEqual(await S.fileTimes(file), times)
    assert.deepEqual(await S.fileTimes(fd), times)
    const symlink = t.file('link')
    fs.symlinkSync(file, symlink)
    assert.equal(S.fileTimesSync(symlink).mtimeNs, times.mtimeNs, 'follows symlinks')
    assert.equal((await S.fileTimes(symlink, { followSymlinks: false })).mtimeNs, exactTimes(symlink, { follow: false }).mtimeNs)
    assert.throws(() => S.fileTimesSync(t.file('missing')), { code: 'ENOENT', syscall: 'statx' })
    await assert.rejects(S.fileTimes(t.file('missing')), { code: 'ENOENT' })
  },
  'setFileTimes, setFileTimesSync': async (t) => {
    const file = t.file('set.txt', 'x')
    const { atimeNs } = exactTimes(file)
    S.setFileTimesSync(file, { mtime: 1_700_000_000_123_456_789n })
    assert.equal(exactTimes(file).mtimeNs, 1_700_000_000_123_456_789n)
    assert.equal(exactTimes(file).atimeNs, atimeNs, 'an atime left out stays')

    const fd = t.own(S.openSync(file, 'r+'))
    S.setFileTimesSync(fd, { atime: new Date(0) })
    assert.equal(exactTimes(file).atimeNs, 0n)
    assert.equal(exactTimes(file).mtimeNs, 1_700_000_000_123_456_789n)

    const before = BigInt(Date.now() - 2000) * 1_000_000n
    S.setFileTimesSync(file, { mtime: 'now' })
    const now = exactTimes(file).mtimeNs
    assert.ok(now >= before && now <= BigInt(Date.now() + 2000) * 1_000_000n, `'now' set ${now}`)

    await S.setFileTimes(file, { atime: 1234.5, mtime: 5_000_000_007n })
    assert.equal(exactTimes(file).atimeNs, 1_234_500_000n, 'a number is milliseconds')
    assert.equal(exactTimes(file).mtimeNs, 5_000_000_007n)
    await S.setFileTimes(fd, { mtime: 9n })
    assert.equal(exactTimes(file).mtimeNs, 9n)

    const symlink = t.file('link')
    fs.symlinkSync(file, symlink)
    S.setFileTimesSync(symlink, { mtime: 42_000_000_000n }, { followSymlinks: false })
    assert.equal(exactTimes(symlink, { follow: false }).mtimeNs, 42_000_000_000n, "the link's own time")
    assert.equal(exactTimes(file).mtimeNs, 9n, 'the target left alone')

    assert.throws(() => S.setFileTimesSync(file, {}), { code: 'ERR_INVALID_ARG_VALUE' })
    assert.throws(() => S.setFileTimesSync(file, { mtime: 'yesterday' }), { code: 'ERR_INVALID_ARG_VALUE' })
    assert.throws(() => S.setFileTimesSync(file, { mtime: Number.NaN }), { code: 'ERR_OUT_OF_RANGE' })
    await assert.rejects(S.setFileTimes(t.file('missing'), { mtime: 0n }), { code: 'ENOENT', syscall: 'utimensat' })
  },
}
