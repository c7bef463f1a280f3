// The smoke cases of sysix/fs lock (see smoke.mjs).

import { S, assert, sleep, spawnSync, withTimeout } from '../kit.mjs'

/** One case per export or group of exports: the key lists the names it covers, `, `-separated. */
export const cases = {
  'flock, flockSync': async (t) => {
    const file = t.file('flock', '')
    const a = t.own(S.openSync(file, 'r'))
    const b = t.own(S.openSync(file, 'r'))
    assert.equal(S.flockSync(a, 'exclusive'), true)
    assert.equal(S.flockSync(b, 'exclusive', { nonBlocking: true }), false, 'held: false at once')
    assert.equal(await S.flock(b, 'shared', { nonBlocking: true }), false)
    const tool = spawnSync('flock', ['--nonblock', '--conflict-exit-code', '99', file, 'true'])
    if (tool.error === undefined) {
      assert.equal(tool.status, 99, 'flock(1) in another process sees the lock')
    } else {
      t.note(`flock(1) not run: ${tool.error.message}`)
    }

    const controller = new AbortController()
    const aborted = S.flock(b, 'exclusive', { signal: controller.signal })
    setTimeout(() => controller.abort(), 30)
    await assert.rejects(withTimeout(aborted, 5000, 'flock with an aborted signal'), { name: 'AbortError', code: 'ABORT_ERR' })
    await assert.rejects(S.flock(b, 'exclusive', { signal: AbortSignal.abort() }), { name: 'AbortError' })

    let settled = false
    const waiting = S.flock(b, 'shared').then(() => {
      settled = true
    })
    await sleep(30)
    assert.equal(settled, false, 'waits while the lock is held')
    await S.flock(a, 'unlock')
    await withTimeout(waiting, 5000, 'flock after the holder unlocked')
    assert.equal(S.flockSync(a, 'exclusive', { nonBlocking: true }), false, 'b holds it shared now')
    S.flockSync(a, 'shared')
    S.flockSync(b, 'unlock')
    S.flockSync(a, 'unlock')
    assert.throws(() => S.flockSync(a, 'sideways'), { code: 'ERR_INVALID_ARG_VALUE' })
  },
  'getLock, lock, lockSync': async (t) => {
    const file = t.file('ofd', 'x'.repeat(100))
    const a = t.own(S.openSync(file, 'r+'))
    const b = t.own(S.openSync(file, 'r+'))
    assert.equal(S.getLock(b, { type: 'write' }), null)
    S.lockSync(a, { type: 'write', start: 0, length: 10 })
    assert.deepEqual(S.getLock(b, { type: 'read', start: 5, length: 1 }), { type: 'write', start: 0, length: 10, pid: null })
    assert.equal(S.getLock(b, { type: 'write', start: 10, length: 5 }), null, 'outside the range')
    assert.equal(S.lockSync(b, { type: 'read', start: 0, length: 1, nonBlocking: true }), false)
    assert.equal(S.lockSync(b, { type: 'write', start: 10, length: 10 }), true)

    const controller = new AbortController()
    const aborted = S.lock(b, { type: 'write', start: 0, length: 1, signal: controller.signal })
    setTimeout(() => controller.abort(), 30)
    await assert.rejects(withTimeout(aborted, 5000, 'lock with an aborted signal'), { name: 'AbortError', code: 'ABORT_ERR' })

    let settled = false
    const waiting = S.lock(b, { type: 'read', start: 0, length: 5 }).then(() => {
      settled = true
    })
    await sleep(30)
    assert.equal(settled, false)
    await S.lock(a, { type: 'unlock', start: 0, length: 10 })
    await withTimeout(waiting, 5000, 'lock after the holder unlocked')
    assert.deepEqual(S.getLock(a, { type: 'write', start: 0, length: 0 }), { type: 'read', start: 0, length: 5, pid: null })
    assert.equal(await S.lock(a, { type: 'write', start: 12, length: 1, nonBlocking: true }), false)
    S.lockSync(b, { type: 'unlock' })
    assert.equal(S.getLock(a, { type: 'write' }), null)
    assert.throws(() => S.lockSync(a, { type: 'both' }), { code: 'ERR_INVALID_ARG_VALUE' })
  },
}
