// The smoke cases of sysix/fs memfd (see smoke.mjs).

import { S, assert, fdTarget } from '../kit.mjs'

/** One case per export or group of exports: the key lists the names it covers, `, `-separated. */
export const cases = {
  'addSeals, getSeals, memfdCreate': async (t) => {
    const m = t.own(S.memfdCreate('sysix-smoke', { allowSealing: true }))
    assert.ok(m instanceof S.OwnedFd)
    assert.equal(fdTarget(m.fd), '/memfd:sysix-smoke (deleted)')
    assert.equal(S.fcntlGetFd(m) & S.constants.FD_CLOEXEC, S.constants.FD_CLOEXEC)
    assert.equal(S.pwriteSync(m, Buffer.from('sealed'), 0), 6)
    assert.equal(S.statxSync(m).size, 6n)
    assert.deepEqual(S.getSeals(m), [])
    S.addSeals(m, ['write', 'shrink', 'grow'])
    assert.deepEqual(S.getSeals(m).sort(), ['grow', 'shrink', 'write'])
    assert.throws(() => S.pwriteSync(m, Buffer.from('x'), 0), { code: 'EPERM' })
    assert.throws(() => S.ftruncateSync(m, 0), { code: 'EPERM' })
    const back = Buffer.alloc(6)
    S.preadSync(m, back, 0)
    assert.equal(back.toString(), 'sealed')
    S.addSeals(m, ['seal'])
    assert.throws(() => S.addSeals(m, ['futureWrite']), { code: 'EPERM' })

    const plain = t.own(S.memfdCreate('plain'))
    assert.deepEqual(S.getSeals(plain), ['seal'], 'without allowSealing it is sealed against seals')
    assert.throws(() => S.addSeals(plain, ['write']), { code: 'EPERM' })
    const file = t.own(S.openSync(t.file('not-memfd', '')))
    assert.deepEqual(S.getSeals(file), [], 'a file that is no memfd has none')
    assert.throws(() => S.memfdCreate('a\u0000b'), { code: 'ERR_INVALID_ARG_VALUE' })
    assert.throws(() => S.addSeals(m, ['bogus']), { code: 'ERR_INVALID_ARG_VALUE' })
  },
}
