// The smoke cases of sysix/fs batches (see smoke.mjs).

import { S, assert, exactTimes, fs } from '../kit.mjs'

/** One case per export or group of exports: the key lists the names it covers, `, `-separated. */
export const cases = {
  statxMany: async (t) => {
    const files = [t.file('many-a', 'a'), t.file('many-b', 'bb')]
    const missing = `${t.dir}/many-missing`
    const [a, b, gone] = await S.statxMany([...files, missing])
    assert.equal(a.size, 1n)
    assert.equal(b.ino, fs.statSync(files[1], { bigint: true }).ino)
    assert.ok(gone instanceof Error)
    assert.equal(gone.code, 'ENOENT')
    assert.equal(gone.path, missing)
    assert.deepEqual(await S.statxMany([]), [])
  },
  fileTimesMany: async (t) => {
    const file = t.file('times-many', 'x')
    const [times] = await S.fileTimesMany([file])
    assert.equal(times.mtimeNs, exactTimes(file).mtimeNs)
  },
  'preadMany, pwriteMany': async (t) => {
    const fd = t.own(S.openSync(t.file('io-many', ''), 'r+'))
    const written = await S.pwriteMany(fd, [
      { view: Buffer.from('head'), position: 0 },
      { view: Buffer.from('tail'), position: 8 },
    ])
    assert.deepEqual(written, [4, 4])
    const views = [Buffer.alloc(4), Buffer.alloc(4), Buffer.alloc(4)]
    const read = await S.preadMany(
      fd,
      views.map((view, i) => ({ view, position: i * 8 })),
    )
    assert.deepEqual(read, [4, 4, 0])
    assert.equal(`${views[0]}${views[1]}`, 'headtail')
  },
}
