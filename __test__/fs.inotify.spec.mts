// inotify: events made by real tools (touch, mv, mkdir, rm, Python), with
// their names, masks and rename cookies; Promise reads that wait on a thread
// of their own, never the libuv threadpool, and give up on an AbortSignal.

import { execFile, spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { promisify } from 'node:util'

import test, { type ExecutionContext } from 'ava'

import { OwnedFd } from 'sysix'
import {
  constants,
  fionread,
  type InotifyEvent,
  inotifyAddWatch,
  inotifyInit,
  inotifyRemoveWatch,
  readInotifyEvents,
  readInotifyEventsSync,
} from 'sysix/fs'
import { AT_ONCE_MS, O_CLOEXEC, fdFlags, inChild, tempDir, tool } from './helpers.mjs'

const run = promisify(execFile)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const { IN_CREATE, IN_CLOSE_WRITE, IN_MOVED_FROM, IN_MOVED_TO, IN_ISDIR, IN_IGNORED, IN_ATTRIB, IN_MODIFY, IN_DELETE_SELF } = constants
const DIR_MASK = IN_CREATE | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO

/** A watched directory: a non-blocking instance (closed at the end) and the watch. */
function watched(t: ExecutionContext, mask = DIR_MASK, nonBlocking = true) {
  const dir = tempDir(t)
  const fd = inotifyInit({ nonBlocking })
  t.teardown(() => fd.close())
  const wd = inotifyAddWatch(fd, dir, mask)
  return { dir, fd, wd }
}

/** Every event waiting on a non-blocking instance. */
function drain(fd: OwnedFd): InotifyEvent[] {
  const all: InotifyEvent[] = []
  for (let batch = readInotifyEventsSync(fd); batch.length > 0; batch = readInotifyEventsSync(fd)) {
    all.push(...batch)
  }
  return all
}

test.serial(
  'a non-blocking instance is close-on-exec and O_NONBLOCK, and reads no events at once; a blocking one is not O_NONBLOCK',
  (t) => {
    using fd = inotifyInit({ nonBlocking: true })
    t.true(fd instanceof OwnedFd)
    t.is(fdFlags(fd.fd) & O_CLOEXEC, O_CLOEXEC)
    t.is(fdFlags(fd.fd) & constants.O_NONBLOCK, constants.O_NONBLOCK)
    const start = performance.now()
    t.deepEqual(readInotifyEventsSync(fd), [])
    // At once, not after a wait.
    t.true(performance.now() - start < AT_ONCE_MS)
    t.is(fionread(fd), 0)
    using blocking = inotifyInit()
    t.is(fdFlags(blocking.fd) & constants.O_NONBLOCK, 0)
    t.is(fdFlags(blocking.fd) & O_CLOEXEC, O_CLOEXEC)
    t.is(readlinkTarget(blocking.fd), 'anon_inode:inotify')
  },
)

function readlinkTarget(fd: number): string {
  return tool('readlink', [`/proc/${process.pid}/fd/${fd}`]).trim()
}

test('touch makes IN_CREATE and IN_CLOSE_WRITE with its name; fionread counts the bytes waiting', (t) => {
  const { dir, fd, wd } = watched(t)
  t.true(wd >= 1)
  tool('touch', [join(dir, 'a')])
  // Each event is 16 bytes and the name padded with NULs to a multiple of 16.
  t.is(fionread(fd), 2 * (16 + 16))
  const events = drain(fd)
  t.deepEqual(events, [
    { wd, mask: IN_CREATE, cookie: 0, name: 'a' },
    { wd, mask: IN_CLOSE_WRITE, cookie: 0, name: 'a' },
  ])
  t.is(fionread(fd), 0)
})

test('mv makes IN_MOVED_FROM and IN_MOVED_TO that share one non-zero cookie; mkdir makes IN_CREATE | IN_ISDIR', (t) => {
  const { dir, fd, wd } = watched(t)
  writeFileSync(join(dir, 'old'), '')
  drain(fd)
  tool('mv', [join(dir, 'old'), join(dir, 'new')])
  tool('mv', [join(dir, 'new'), join(dir, 'newer')])
  tool('mkdir', [join(dir, 'sub')])
  const events = drain(fd)
  t.is(events.length, 5)
  const [from, to, from2, to2, made] = events
  t.like(from, { wd, mask: IN_MOVED_FROM, name: 'old' })
  t.like(to, { wd, mask: IN_MOVED_TO, name: 'new' })
  t.not(from.cookie, 0)
  t.is(from.cookie, to.cookie, 'the two halves of one rename')
  t.like(from2, { mask: IN_MOVED_FROM, name: 'new' })
  t.like(to2, { mask: IN_MOVED_TO, name: 'newer' })
  t.is(from2.cookie, to2.cookie)
  t.not(from2.cookie, from.cookie, 'another rename, another cookie')
  t.deepEqual(made, { wd, mask: IN_CREATE | IN_ISDIR, cookie: 0, name: 'sub' })
})

test('a watch on a file: its events carry no name; rm makes IN_DELETE_SELF then IN_IGNORED', (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'file')
  writeFileSync(path, '')
  using fd = inotifyInit({ nonBlocking: true })
  const wd = inotifyAddWatch(fd, path, IN_ATTRIB | IN_MODIFY | IN_DELETE_SELF)
  tool('touch', [path])
  tool('sh', ['-c', 'echo more >> "$1"', 'sh', path])
  tool('rm', [path])
  const events = drain(fd)
  t.deepEqual(events, [
    { wd, mask: IN_ATTRIB, cookie: 0, name: null },
    { wd, mask: IN_MODIFY, cookie: 0, name: null },
    { wd, mask: IN_ATTRIB, cookie: 0, name: null }, // the link count dropped
    { wd, mask: IN_DELETE_SELF, cookie: 0, name: null },
    { wd, mask: IN_IGNORED, cookie: 0, name: null },
  ])
})

test('more events than one read holds (64 KiB) come in several reads, none lost', (t) => {
  const { dir, fd } = watched(t, IN_CREATE)
  const count = 2000
  tool('python3', [
    '-c',
    `import os, sys\nfor i in range(${count}): open(os.path.join(sys.argv[1], 'file-with-a-longish-name-%05d' % i), 'w').close()`,
    dir,
  ])
  const first = readInotifyEventsSync(fd)
  t.true(first.length > 0 && first.length < count, `the first read took ${first.length}`)
  const all = [...first, ...drain(fd)]
  t.is(all.length, count)
  t.deepEqual(
    all.map((e) => e.name),
    Array.from({ length: count }, (_, i) => `file-with-a-longish-name-${String(i).padStart(5, '0')}`),
  )
})

test('inotifyRemoveWatch yields IN_IGNORED; removing it again is EINVAL; later changes make no event', (t) => {
  const { dir, fd, wd } = watched(t)
  inotifyRemoveWatch(fd, wd)
  t.deepEqual(drain(fd), [{ wd, mask: IN_IGNORED, cookie: 0, name: null }])
  t.like(
    t.throws(() => inotifyRemoveWatch(fd, wd)),
    { code: 'EINVAL', syscall: 'inotify_rm_watch' },
  )
  tool('touch', [join(dir, 'unseen')])
  t.deepEqual(drain(fd), [])
})

test('watching a path again returns the same wd; IN_MASK_CREATE then is EEXIST; IN_ONLYDIR on a file is ENOTDIR', (t) => {
  const { dir, fd, wd } = watched(t)
  t.is(inotifyAddWatch(fd, dir, IN_CREATE), wd)
  t.like(
    t.throws(() => inotifyAddWatch(fd, dir, IN_CREATE | constants.IN_MASK_CREATE)),
    { code: 'EEXIST', syscall: 'inotify_add_watch', path: dir },
  )
  writeFileSync(join(dir, 'f'), '')
  drain(fd)
  t.like(
    t.throws(() => inotifyAddWatch(fd, join(dir, 'f'), IN_CREATE | constants.IN_ONLYDIR)),
    { code: 'ENOTDIR', syscall: 'inotify_add_watch' },
  )
  t.like(
    t.throws(() => inotifyAddWatch(fd, join(dir, 'missing'), IN_CREATE)),
    { code: 'ENOENT', path: join(dir, 'missing') },
  )
})

test('argument checks: a zero mask, a negative wd, a signal that is no AbortSignal', async (t) => {
  const { dir, fd } = watched(t)
  t.throws(() => inotifyAddWatch(fd, dir, 0), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' })
  t.throws(() => inotifyAddWatch(fd, dir, 2 ** 32), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' })
  t.throws(() => inotifyRemoveWatch(fd, -1), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' })
  t.throws(() => inotifyInit({ nonBlocking: 1 as unknown as boolean }), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
  await t.throwsAsync(readInotifyEvents(fd, { signal: 'stop' as unknown as AbortSignal }), {
    instanceOf: TypeError,
    code: 'ERR_INVALID_ARG_TYPE',
  })
})

test('readInotifyEvents (Promise) waits, on a blocking instance too, and resolves when touch makes an event', async (t) => {
  for (const nonBlocking of [false, true]) {
    const { dir, fd, wd } = watched(t, IN_CREATE, nonBlocking)
    let settled = false
    const pending = readInotifyEvents(fd).finally(() => (settled = true))
    await sleep(100)
    t.false(settled, 'nothing happened yet')
    await run('touch', [join(dir, 'arrived')])
    t.deepEqual(await pending, [{ wd, mask: IN_CREATE, cookie: 0, name: 'arrived' }])
  }
})

test('a pending readInotifyEvents leaves the libuv threadpool free (UV_THREADPOOL_SIZE=1): fs.promises calls complete meanwhile', (t) => {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'readable'), 'file contents')
  const result = inChild<{ read: string; stat: string; names: (string | null)[][] }>(
    `const fs = require('fs');
     const dir = ${JSON.stringify(dir)};
     (async () => {
       const instances = [1, 2, 3].map(() => sysix.inotifyInit());
       instances.forEach((fd) => sysix.inotifyAddWatch(fd, dir, sysix.constants.IN_CREATE));
       const pending = instances.map((fd) => sysix.readInotifyEvents(fd));
       const timeout = (ms) => new Promise((resolve) => setTimeout(() => resolve('timed out'), ms));
       const read = await Promise.race([fs.promises.readFile(dir + '/readable', 'utf8'), timeout(5000)]);
       const stat = await Promise.race([fs.promises.stat(dir).then(() => 'stat done'), timeout(5000)]);
       fs.writeFileSync(dir + '/created', '');
       const names = (await Promise.all(pending)).map((events) => events.map((e) => e.name));
       report({ read, stat, names });
     })().catch((e) => { console.error(e); process.exit(1) });`,
    { env: { ...process.env, UV_THREADPOOL_SIZE: '1' } },
  )
  t.is(result.read, 'file contents')
  t.is(result.stat, 'stat done')
  t.deepEqual(result.names, [['created'], ['created'], ['created']])
})

test.serial(
  'an AbortSignal rejects a waiting readInotifyEvents promptly with AbortError (cause: the reason); the instance still works',
  async (t) => {
    const { dir, fd, wd } = watched(t, IN_CREATE, false)
    const controller = new AbortController()
    const reason = new Error('no longer needed')
    const pending = readInotifyEvents(fd, { signal: controller.signal })
    await sleep(50)
    const start = performance.now()
    controller.abort(reason)
    const error = (await t.throwsAsync(pending)) as Error & { code: string }
    const elapsed = performance.now() - start
    t.is(error.name, 'AbortError')
    t.is(error.code, 'ABORT_ERR')
    t.is(error.cause, reason)
    // Well under a second, as the abort wakes the waiting thread (a wait
    // that only polled for aborts, say each second, would fail); emulated
    // runs (qemu) of the busy suite take a few hundred milliseconds.
    t.true(elapsed < 1000, `rejected after ${elapsed.toFixed(1)} ms`)
    await run('touch', [join(dir, 'after')])
    t.deepEqual(await readInotifyEvents(fd), [{ wd, mask: IN_CREATE, cookie: 0, name: 'after' }], 'the event was left for the next read')
  },
)

test('abort() without a reason gives the signal its DOMException reason, as the cause', async (t) => {
  const { fd } = watched(t)
  const controller = new AbortController()
  const pending = readInotifyEvents(fd, { signal: controller.signal })
  await sleep(20)
  controller.abort()
  const error = (await t.throwsAsync(pending)) as Error & { code: string }
  t.like(error, { name: 'AbortError', code: 'ABORT_ERR' })
  t.is(error.cause, controller.signal.reason)
})

test.serial('a signal already aborted rejects at once, reading nothing: the events stay queued', async (t) => {
  const { dir, fd, wd } = watched(t, IN_CREATE)
  tool('touch', [join(dir, 'queued')])
  const reason = new Error('before')
  const start = performance.now()
  const error = (await t.throwsAsync(readInotifyEvents(fd, { signal: AbortSignal.abort(reason) }))) as Error & { code: string }
  // At once: no wait started.
  t.true(performance.now() - start < AT_ONCE_MS)
  t.like(error, { name: 'AbortError', code: 'ABORT_ERR' })
  t.is(error.cause, reason)
  t.deepEqual(readInotifyEventsSync(fd), [{ wd, mask: IN_CREATE, cookie: 0, name: 'queued' }])
})

test("encoding 'buffer' gives names as their raw bytes (not UTF-8 here); the default decodes them", async (t) => {
  const { dir, fd, wd } = watched(t, IN_CREATE)
  const name = Buffer.from([0xff, 0xfe, 0x71, 0xe9])
  const make = (suffix: string) =>
    spawnSync('python3', ['-c', `import os, sys; open(os.fsencode(sys.argv[1]) + b"/\\xff\\xfeq\\xe9${suffix}", "w").close()`, dir]).status
  t.is(make(''), 0)
  const raw = readInotifyEventsSync(fd, { encoding: 'buffer' })
  t.is(raw.length, 1)
  t.true(Buffer.isBuffer(raw[0].name))
  t.true(raw[0].name?.equals(name), raw[0].name?.toString('hex'))
  t.is(raw[0].wd, wd)

  const pending = readInotifyEvents(fd, { encoding: 'buffer' })
  t.is(make('2'), 0)
  const later = await pending
  t.true(later[0].name?.equals(Buffer.concat([name, Buffer.from('2')])))

  t.is(make('3'), 0)
  t.deepEqual(readInotifyEventsSync(fd), [{ wd, mask: IN_CREATE, cookie: 0, name: `${name.toString('utf8')}3` }])
})

/** The names of this process's threads that sysix starts for waits. */
function waitThreads(): string[] {
  return readdirSync('/proc/self/task')
    .map((task) => {
      try {
        return readFileSync(`/proc/self/task/${task}/comm`, 'utf8').trim()
      } catch {
        return ''
      }
    })
    .filter((name) => name.startsWith('sysix-'))
}

test.serial(
  'close() of an instance with a pending readInotifyEvents ends the wait at once: EBADF, saying so; no thread is left',
  async (t) => {
    const { fd } = watched(t, IN_CREATE, false)
    const pending = readInotifyEvents(fd)
    await sleep(50)
    t.true(waitThreads().includes('sysix-wait'))
    const start = performance.now()
    fd.close()
    const error = await t.throwsAsync(pending)
    t.like(error, { code: 'EBADF', errno: -9, syscall: 'poll' })
    t.regex(error.message, /^EBADF: bad file descriptor, poll: the descriptor was closed while this call waited on it$/)
    t.true(performance.now() - start < AT_ONCE_MS, 'at once')
    for (let i = 0; i < 100 && waitThreads().length > 0; i++) {
      await sleep(10)
    }
    t.deepEqual(waitThreads(), [], 'its threads exited')
  },
)

test.serial('a SIGTERM handler that closes its watcher lets the process exit on its own', (t) => {
  const dir = tempDir(t)
  const result = spawnSync(
    process.execPath,
    [
      '-e',
      `const { inotifyInit, inotifyAddWatch, readInotifyEvents, constants } = require(process.argv[1]);
       const fd = inotifyInit();
       inotifyAddWatch(fd, process.argv[2], constants.IN_CREATE);
       readInotifyEvents(fd).catch((error) => console.log('ended:', error.code));
       process.on('SIGTERM', () => fd.close());
       setTimeout(() => process.kill(process.pid, 'SIGTERM'), 200);`,
      join(import.meta.dirname, '..', 'dist', 'lib', 'fs'),
      dir,
    ],
    { encoding: 'utf8', timeout: 10_000 },
  )
  t.is(result.signal, null, 'not killed by the timeout: it exited')
  t.is(result.status, 0)
  t.is(result.stdout.trim(), 'ended: EBADF')
})

test.serial(
  'aborting one of several reads pending on one instance ends it; the others go on and get the events; no thread is left',
  async (t) => {
    const { dir, fd, wd } = watched(t, IN_CREATE, false)
    const controller = new AbortController()
    const aborted = readInotifyEvents(fd, { signal: controller.signal })
    const others = [readInotifyEvents(fd), readInotifyEvents(fd)]
    await sleep(50)
    controller.abort()
    await t.throwsAsync(aborted, { name: 'AbortError' })
    await run('touch', [join(dir, 'one')])
    // One of the two reads gets the event; the other waits for the next.
    const first = await Promise.race(others)
    t.deepEqual(first, [{ wd, mask: IN_CREATE, cookie: 0, name: 'one' }])
    await run('touch', [join(dir, 'two')])
    const both = await Promise.all(others)
    t.deepEqual(
      both
        .flat()
        .map((event) => event.name)
        .sort(),
      ['one', 'two'],
    )
    for (let i = 0; i < 100 && waitThreads().length > 0; i++) {
      await sleep(10)
    }
    t.deepEqual(waitThreads(), [], 'every wait and cancel thread exited')
  },
)

test.serial(
  'two reads pending on a blocking instance, one takes the events: aborting the other (now blocked in read) ends it',
  async (t) => {
    const { dir, fd } = watched(t, IN_CREATE, false)
    const controllers = [new AbortController(), new AbortController()]
    const reads = controllers.map((controller) => readInotifyEvents(fd, { signal: controller.signal }))
    const settled = reads.map((read, index) => read.then(() => index))
    await sleep(50)
    await run('touch', [join(dir, 'once')])
    // Both wake; one reads the event, the other finds none and waits again.
    const taker = await Promise.race(settled)
    await sleep(50)
    controllers[1 - taker].abort()
    await t.throwsAsync(reads[1 - taker], { name: 'AbortError' })
    for (let i = 0; i < 100 && waitThreads().length > 0; i++) {
      await sleep(10)
    }
    t.deepEqual(waitThreads(), [], 'no thread left re-signalling')
  },
)

test('a worker terminated while its reads wait: its threads exit and its descriptors close', (t) => {
  const dir = tempDir(t)
  const result = inChild<{ before: number; after: number; threads: string[] }>(
    `const { Worker } = require('worker_threads');
     const fs = require('fs');
     const count = () => fs.readdirSync('/proc/self/fd').length;
     const threads = () => fs.readdirSync('/proc/self/task').map((t) => { try { return fs.readFileSync('/proc/self/task/' + t + '/comm', 'utf8').trim(); } catch { return ''; } }).filter((n) => n.startsWith('sysix-'));
     (async () => {
       const warm = new Worker('', { eval: true }); await require('events').once(warm, 'exit');
       const before = count();
       const w = new Worker(\`
         const sysix = require(\${JSON.stringify(sysixRoot)});
         const fd = sysix.inotifyInit();
         sysix.inotifyAddWatch(fd, \${JSON.stringify(${JSON.stringify(dir)})}, sysix.constants.IN_CREATE);
         sysix.readInotifyEvents(fd); sysix.readInotifyEvents(fd);
         require('worker_threads').parentPort.postMessage('waiting');
       \`, { eval: true });
       await require('events').once(w, 'message');
       await new Promise((r) => setTimeout(r, 100));
       await w.terminate();
       for (let i = 0; i < 100 && threads().length > 0; i++) await new Promise((r) => setTimeout(r, 10));
       report({ before, after: count(), threads: threads() });
     })();`,
  )
  t.deepEqual(result.threads, [])
  t.is(result.after, result.before)
})
