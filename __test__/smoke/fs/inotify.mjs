// The smoke cases of sysix/fs inotify (see smoke.mjs).

import { S, assert, fdTarget, fs, withTimeout } from '../kit.mjs'

/** One case per export or group of exports: the key lists the names it covers, `, `-separated. */
export const cases = {
  'inotifyAddWatch, inotifyInit, inotifyRemoveWatch, readInotifyEvents, readInotifyEventsSync': async (t) => {
    const { constants } = S
    const watcher = t.own(S.inotifyInit({ nonBlocking: true }))
    assert.ok(watcher instanceof S.OwnedFd)
    assert.equal(fdTarget(watcher.fd), 'anon_inode:inotify')
    assert.equal(S.fcntlGetFd(watcher) & constants.FD_CLOEXEC, constants.FD_CLOEXEC)
    const wd = S.inotifyAddWatch(watcher, t.dir, constants.IN_CREATE | constants.IN_CLOSE_WRITE)
    assert.ok(Number.isInteger(wd) && wd >= 1)
    assert.deepEqual(S.readInotifyEventsSync(watcher), [], 'nothing yet: a non-blocking instance returns no events')
    fs.writeFileSync(t.file('touched'), 'x')
    assert.ok(S.fionread(watcher) > 0)
    const events = S.readInotifyEventsSync(watcher)
    const created = events.find((event) => event.mask & constants.IN_CREATE)
    assert.deepEqual(created, { wd, mask: constants.IN_CREATE, cookie: 0, name: 'touched' })
    assert.ok(events.some((event) => event.mask & constants.IN_CLOSE_WRITE && event.name === 'touched'))
    fs.writeFileSync(t.file('bytes'), '')
    const raw = S.readInotifyEventsSync(watcher, { encoding: 'buffer' })
    assert.ok(raw.length > 0 && raw.every((event) => Buffer.isBuffer(event.name)))
    assert.equal(raw[0].name.toString(), 'bytes')

    const blocking = t.own(S.inotifyInit())
    const wd2 = S.inotifyAddWatch(blocking, t.dir, constants.IN_CREATE)
    const pending = S.readInotifyEvents(blocking)
    setTimeout(() => fs.writeFileSync(t.file('later'), ''), 30)
    const later = await withTimeout(pending, 5000, 'readInotifyEvents waiting for a file to be created')
    assert.deepEqual(later, [{ wd: wd2, mask: constants.IN_CREATE, cookie: 0, name: 'later' }])

    const controller = new AbortController()
    const aborted = S.readInotifyEvents(blocking, { signal: controller.signal })
    setTimeout(() => controller.abort(), 30)
    await assert.rejects(withTimeout(aborted, 5000, 'readInotifyEvents with an aborted signal'), { name: 'AbortError', code: 'ABORT_ERR' })

    S.inotifyRemoveWatch(watcher, wd)
    const last = S.readInotifyEventsSync(watcher)
    assert.ok(
      last.some((event) => event.wd === wd && event.mask & constants.IN_IGNORED),
      'IN_IGNORED ends the watch',
    )
    assert.throws(() => S.inotifyRemoveWatch(watcher, wd), { code: 'EINVAL' })
    assert.throws(() => S.inotifyAddWatch(watcher, t.file('missing'), constants.IN_CREATE), { code: 'ENOENT' })
  },
}
