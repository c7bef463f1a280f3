// The smoke cases of sysix/fs atomic file writes (see smoke.mjs).

import { S, assert, fs } from '../kit.mjs'

/** One case per export or group of exports: the key lists the names it covers, `, `-separated. */
export const cases = {
  'writeFileAtomic, writeFileAtomicSync': async (t) => {
    const file = t.file('atomic.json', 'old')
    fs.chmodSync(file, 0o600)
    S.writeFileAtomicSync(file, '{"new":true}')
    assert.equal(fs.readFileSync(file, 'utf8'), '{"new":true}')
    assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'the mode is kept')
    await S.writeFileAtomic(file, new Uint8Array([0x61, 0x62]), { mode: 0o640, fsync: false })
    assert.equal(fs.readFileSync(file, 'utf8'), 'ab')
    assert.equal(fs.statSync(file).mode & 0o777, 0o640 & ~process.umask())
    fs.symlinkSync('atomic.json', t.file('link'))
    await Promise.all([S.writeFileAtomic(t.file('link'), 'first'), S.writeFileAtomic(t.file('link'), '6869', 'hex')])
    assert.equal(fs.readlinkSync(t.file('link')), 'atomic.json', 'the symlink is kept')
    assert.equal(fs.readFileSync(file, 'utf8'), 'hi', 'the last call wins')
    S.writeFileAtomicSync(t.file('fresh'), Buffer.from('created'))
    assert.equal(fs.readFileSync(t.file('fresh'), 'utf8'), 'created')
    assert.deepEqual(fs.readdirSync(t.dir).sort(), ['atomic.json', 'fresh', 'link'], 'no temporary name left behind')
    await assert.rejects(S.writeFileAtomic(t.file('missing/x'), 'x'), { code: 'ENOENT', path: t.file('missing/x') })
    assert.throws(() => S.writeFileAtomicSync(file, 42), { code: 'ERR_INVALID_ARG_TYPE' })
  },
}
