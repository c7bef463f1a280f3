// File locks, contended by util-linux flock(1), Python's fcntl.lockf, a
// second Node process and the same process's other open files; waits never
// occupy the libuv threadpool and give up on an AbortSignal.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, promises as fsp, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import test, { type ExecutionContext } from 'ava'

import { OwnedFd } from 'sysix'
import { constants, flock, flockSync, getLock, lock, lockSync, openSync } from 'sysix/fs'
import { AT_ONCE_MS, inChild, tempDir } from './helpers.mjs'

function lockFile(t: ExecutionContext): string {
  const path = join(tempDir(t), 'lock')
  writeFileSync(path, 'x'.repeat(4096))
  return path
}

/** Whether util-linux `flock -n` can take the lock now (exit 0), in a process of its own. */
function flockFree(path: string, shared = false): boolean {
  return spawnSync('flock', [shared ? '-s' : '-x', '-n', path, 'true']).status === 0
}

/**
 * Resolves once `child` has printed `word`, leaving its output open (and
 * read): closing it would make the child's next write fail, and Python's
 * `print` writes a line's newline apart from its text.
 */
function printed(child: ChildProcess, word: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = ''
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk
      if (output.includes(word)) resolve()
    })
    child.on('exit', (code, signal) => reject(new Error(`${child.spawnfile} exited (${signal ?? code}) before printing ${word}`)))
  })
}

/** A process that holds a lock until killed, started once it holds it (it prints `held`). */
async function holder(t: ExecutionContext, command: string, args: string[]): Promise<ChildProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  t.teardown(() => child.kill('SIGKILL'))
  await printed(child, 'held')
  return child
}

// -o: the lock stays with flock(1) itself, so that killing it releases the lock.
const flockHolder = (t: ExecutionContext, path: string) => holder(t, 'flock', ['-x', '-o', path, 'sh', '-c', 'echo held; exec sleep 60'])

/** A Python process holding a POSIX lockf write lock on [start, start + length). */
const lockfHolder = (t: ExecutionContext, path: string, start: number, length: number) =>
  holder(t, 'python3', [
    '-c',
    `import fcntl, os, sys, time
f = open(${JSON.stringify(path)}, 'r+')
fcntl.lockf(f, fcntl.LOCK_EX, ${length}, ${start})
print('held', flush=True)
time.sleep(60)`,
  ])

test('flockSync: an exclusive lock shuts flock(1) out until unlocked; shared locks share', (t) => {
  const path = lockFile(t)
  using fd = openSync(path, 'r')
  flockSync(fd, 'exclusive')
  t.false(flockFree(path), 'flock -n fails while we hold it')
  flockSync(fd, 'shared')
  t.true(flockFree(path, true), 'a shared lock admits flock -s')
  t.false(flockFree(path), 'but not flock -x')
  flockSync(fd, 'unlock')
  t.true(flockFree(path))
})

test.serial('flockSync nonBlocking against a lock flock(1) holds: false at once, true once it is free', async (t) => {
  const path = lockFile(t)
  const other = await flockHolder(t, path)
  using fd = openSync(path, 'r')
  const started = Date.now()
  t.false(flockSync(fd, 'exclusive', { nonBlocking: true }))
  t.false(await flock(fd, 'shared', { nonBlocking: true }))
  t.true(Date.now() - started < AT_ONCE_MS, 'at once')
  other.kill('SIGKILL')
  await once(other, 'exit')
  t.true(flockSync(fd, 'exclusive', { nonBlocking: true }))
  t.false(flockFree(path), 'and the lock is held')
  t.true(flockSync(fd, 'unlock'))
})

test('flock waits for flock(1) to let go, then holds the lock', async (t) => {
  const path = lockFile(t)
  const other = await flockHolder(t, path)
  using fd = openSync(path, 'r')
  let taken = false
  const waiting = flock(fd, 'exclusive').then(() => (taken = true))
  await new Promise((resolve) => setTimeout(resolve, 100))
  t.false(taken, 'still waiting')
  other.kill('SIGKILL')
  await waiting
  t.true(taken)
  t.false(flockFree(path), 'now we hold it')
})

test.serial('16 waiting flocks leave the libuv threadpool free: fs.promises.readFile still completes', async (t) => {
  const path = lockFile(t)
  const other = await flockHolder(t, path)
  const fds = Array.from({ length: 16 }, () => openSync(path, 'r'))
  t.teardown(() => {
    for (const fd of fds) fd.close()
  })
  const order: number[] = []
  const waits = fds.map((fd, i) =>
    flock(fd, 'exclusive').then(() => {
      order.push(i)
      flockSync(fd, 'unlock')
    }),
  )
  await new Promise((resolve) => setTimeout(resolve, 100))
  const started = Date.now()
  const reads = await Promise.all(Array.from({ length: 8 }, () => fsp.readFile(path, 'utf8')))
  const elapsed = Date.now() - started
  t.is(reads.length, 8)
  t.true(elapsed < 2000, `readFile took ${elapsed} ms with 16 locks waiting`)
  t.is(order.length, 0, 'none took the lock while flock(1) held it')
  other.kill('SIGKILL')
  await Promise.all(waits)
  t.is(order.length, 16, 'each took it in turn once it was free')
})

test.serial('a waiting flock gives up on its AbortSignal: AbortError with the reason, and no lock taken', async (t) => {
  const path = lockFile(t)
  const other = await flockHolder(t, path)
  using fd = openSync(path, 'r')
  const controller = new AbortController()
  const waiting = flock(fd, 'exclusive', { signal: controller.signal })
  await new Promise((resolve) => setTimeout(resolve, 50))
  const reason = new Error('no longer needed')
  const aborted = Date.now()
  controller.abort(reason)
  const error = await t.throwsAsync(waiting, { name: 'AbortError', message: 'The operation was aborted' })
  t.is((error as Error & { code: string }).code, 'ABORT_ERR')
  t.is(error.cause, reason)
  t.true(Date.now() - aborted < AT_ONCE_MS, 'promptly: the abort wakes the wait')
  other.kill('SIGKILL')
  await once(other, 'exit')
  t.true(flockFree(path), 'the abandoned wait did not take the lock')
  const already = AbortSignal.abort('before')
  await t.throwsAsync(flock(fd, 'exclusive', { signal: already }), { name: 'AbortError' })
  await t.throwsAsync(flock(fd, 'exclusive', { signal: 'yes' as never }), { instanceOf: TypeError })
})

test("byte-range locks: Python lockf sees ours, getLock reports Python's with its pid", async (t) => {
  const path = lockFile(t)
  using fd = openSync(path, 'r+')
  lockSync(fd, { type: 'write', start: 0, length: 10 })
  const probe = spawnSync(
    'python3',
    [
      '-c',
      `import fcntl, sys
f = open(${JSON.stringify(path)}, 'r+')
def attempt(start, length):
    try:
        fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB, length, start)
        fcntl.lockf(f, fcntl.LOCK_UN, length, start)
        return 'free'
    except OSError:
        return 'held'
print(attempt(0, 10), attempt(5, 1), attempt(10, 10))`,
    ],
    { encoding: 'utf8' },
  )
  t.is(probe.stdout.trim(), 'held held free')
  const python = await lockfHolder(t, path, 100, 20)
  const holder = getLock(fd, { type: 'read', start: 0, length: 0 })
  t.deepEqual(holder, { type: 'write', start: 100, length: 20, pid: python.pid })
  t.is(getLock(fd, { type: 'write', start: 0, length: 50 }), null, 'our own lock is not in our way')
  t.false(lockSync(fd, { type: 'read', start: 110, length: 1, nonBlocking: true }))
  let taken = false
  const waiting = lock(fd, { type: 'write', start: 105, length: 5 }).then(() => (taken = true))
  await new Promise((resolve) => setTimeout(resolve, 100))
  t.false(taken)
  python.kill('SIGKILL')
  await waiting
  t.true(taken)
})

test('locks of two opens of one file in one process contend (they belong to the open file, not the process)', (t) => {
  const path = lockFile(t)
  using a = openSync(path, 'r+')
  using b = openSync(path, 'r+')
  t.true(lockSync(a, { type: 'write', start: 0, length: 100 }))
  t.false(lockSync(b, { type: 'write', start: 50, length: 1, nonBlocking: true }))
  t.deepEqual(getLock(b, { type: 'read', start: 0, length: 0 }), { type: 'write', start: 0, length: 100, pid: null })
  const dup = a.dup()
  t.true(lockSync(dup, { type: 'write', start: 0, length: 1, nonBlocking: true }), 'a duplicate shares the open file and its locks')
  dup.close()
  t.false(lockSync(b, { type: 'read', start: 0, length: 1, nonBlocking: true }), 'closing a duplicate drops nothing')
  lockSync(a, { type: 'unlock', start: 0, length: 0 })
  t.true(lockSync(b, { type: 'write', start: 0, length: 0, nonBlocking: true }))
})

test('a second Node process contends for a byte range, and a waiting lock gives up on abort', async (t) => {
  const path = lockFile(t)
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const { lockSync, openSync } = require(process.argv[1] + '/dist/lib/fs');
       const fd = openSync(process.argv[2], 'r+');
       lockSync(fd, { type: 'write', start: 1 << 30, length: 1 << 20 });
       console.log('held');
       setTimeout(() => {}, 60000);`,
      join(import.meta.dirname, '..'),
      path,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  t.teardown(() => child.kill('SIGKILL'))
  await printed(child, 'held')
  using fd = openSync(path, 'r+')
  t.like(getLock(fd, { type: 'read', start: 0, length: 0 }), { type: 'write', start: 1 << 30, length: 1 << 20, pid: null })
  const controller = new AbortController()
  const waiting = lock(fd, { type: 'read', start: (1 << 30) + 5, length: 1, signal: controller.signal })
  setTimeout(() => controller.abort(), 50)
  await t.throwsAsync(waiting, { name: 'AbortError' })
  child.kill('SIGKILL')
  await once(child, 'exit')
  t.true(lockSync(fd, { type: 'write', start: 1 << 30, length: 1, nonBlocking: true }), 'free once the other process is gone')
})

test('a worker terminated while it waits for a lock: the wait ends and its descriptors close', (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'lock')
  writeFileSync(path, '')
  const result = inChild<{ before: number; after: number }>(
    `const { Worker } = require('worker_threads');
     const fs = require('fs');
     const count = () => fs.readdirSync('/proc/self/fd').length;
     (async () => {
       const warm = new Worker('', { eval: true }); await require('events').once(warm, 'exit');
       const holder = require('child_process').spawn('flock', ['-x', ${JSON.stringify(path)}, 'sleep', '60'], { stdio: 'ignore' });
       await new Promise((r) => setTimeout(r, 200));
       const before = count();
       const w = new Worker(\`
         const { flock, openSync } = require(\${JSON.stringify(sysixRoot + '/dist/lib/fs')});
         const fd = openSync(\${JSON.stringify(${JSON.stringify(path)})}, 'r');
         flock(fd, 'exclusive');
         require('worker_threads').parentPort.postMessage('waiting');
       \`, { eval: true });
       await require('events').once(w, 'message');
       await new Promise((r) => setTimeout(r, 100));
       await w.terminate();
       await new Promise((r) => setTimeout(r, 100));
       const after = count();
       holder.kill('SIGKILL');
       report({ before, after });
     })();`,
  )
  t.is(result.after, result.before)
})

test('bad arguments are refused before any system call', async (t) => {
  const path = lockFile(t)
  using fd = OwnedFd.fromRaw(openSync(path, 'r').intoRaw())
  t.throws(() => flockSync(fd, 'everything' as never), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_VALUE' })
  t.throws(() => lockSync(fd, { type: 'write', start: -1 }), { instanceOf: RangeError })
  t.throws(() => lockSync(fd, { type: 'write', length: 2n ** 63n }), { instanceOf: RangeError })
  t.throws(() => lockSync(fd, {} as never), { instanceOf: TypeError })
  await t.throwsAsync(lock(fd, { type: 'read', signal: {} as never }), { instanceOf: TypeError })
})

test('a lock the descriptor cannot take (write on read-only, read on write-only, any on O_PATH) is EBADF saying why, sync and Promise', async (t) => {
  const path = lockFile(t)
  using reader = openSync(path, 'r')
  using writer = openSync(path, 'w')
  using pathOnly = openSync(path, constants.O_PATH)
  for (const [fd, call, pattern] of [
    [
      reader,
      () => lockSync(reader, { type: 'write' }),
      /^EBADF: bad file descriptor, fcntl: a write lock needs a descriptor open for writing.*O_RDWR/,
    ],
    [reader, () => lock(reader, { type: 'write' }), /a write lock needs a descriptor open for writing/],
    [reader, () => lock(reader, { type: 'write', nonBlocking: true }), /a write lock needs a descriptor open for writing/],
    [writer, () => lockSync(writer, { type: 'read', nonBlocking: true }), /a read lock needs a descriptor open for reading/],
    [pathOnly, () => flockSync(pathOnly, 'shared'), /^EBADF: bad file descriptor, flock: an O_PATH descriptor cannot take locks/],
    [pathOnly, () => flock(pathOnly, 'exclusive'), /an O_PATH descriptor cannot take locks/],
  ] as const) {
    const error = await t.throwsAsync(async () => call())
    t.like(error, { code: 'EBADF' })
    t.regex(error.message, pattern)
    t.false(fd.closed, 'the descriptor stays open')
  }
  t.true(flockFree(path), 'no lock was taken')
  t.true(lockSync(reader, { type: 'read' }), 'the lock its mode allows is taken')
})

test('a signal that is no AbortSignal is refused even when nothing would wait; getLock needs no options', async (t) => {
  const path = lockFile(t)
  using fd = openSync(path, 'r+')
  const bad = { signal: 'soon' as unknown as AbortSignal }
  await t.throwsAsync(flock(fd, 'exclusive', { nonBlocking: true, ...bad }), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
  await t.throwsAsync(flock(fd, 'unlock', bad), { code: 'ERR_INVALID_ARG_TYPE' })
  await t.throwsAsync(lock(fd, { type: 'write', ...bad }), { code: 'ERR_INVALID_ARG_TYPE' })
  t.true(flockFree(path), 'the refused calls took no lock')
  t.is(getLock(fd), null, 'no lock in the way: the defaults are a write lock over the whole file')
})

test.serial('closing the descriptor ends a waiting flock or lock at once: EBADF, saying the descriptor was closed', async (t) => {
  const path = lockFile(t)
  const other = await flockHolder(t, path)
  const python = await lockfHolder(t, path, 0, 10)
  for (const [name, start] of [
    ['flock', (fd: ReturnType<typeof openSync>) => flock(fd, 'exclusive')],
    ['lock', (fd: ReturnType<typeof openSync>) => lock(fd, { type: 'write', start: 0, length: 10 })],
  ] as const) {
    const fd = openSync(path, 'r+')
    const number = fd.fd
    const waiting = start(fd)
    await new Promise((resolve) => setTimeout(resolve, 50))
    const closed = Date.now()
    fd.close()
    const error = await t.throwsAsync(waiting)
    t.like(error, { code: 'EBADF', syscall: name === 'flock' ? 'flock' : 'fcntl' }, name)
    t.regex(error.message, /the descriptor was closed while this call waited on it/)
    t.true(Date.now() - closed < AT_ONCE_MS, `${name}: at once`)
    t.false(existsSync(`/proc/self/fd/${number}`), `${name}: and the descriptor is closed`)
  }
  other.kill('SIGKILL')
  python.kill('SIGKILL')
})

test('lock() waits by default, as flock() does; a signal never turns the wait into EAGAIN; wait: is refused with the way to say it', async (t) => {
  const path = lockFile(t)
  const python = await lockfHolder(t, path, 0, 10)
  using fd = openSync(path, 'r+')
  const controller = new AbortController()
  let settled = false
  const waiting = lock(fd, { type: 'write', start: 0, length: 10, signal: controller.signal }).then(
    () => (settled = true),
    (error) => {
      settled = true
      throw error
    },
  )
  await new Promise((resolve) => setTimeout(resolve, 100))
  t.false(settled, 'a signal given: still waiting, no EAGAIN')
  python.kill('SIGKILL')
  t.true(await waiting)
  t.throws(() => lockSync(fd, { type: 'read', wait: true } as never), {
    code: 'ERR_INVALID_ARG_VALUE',
    message: /lock\(\) waits by default, as flock\(\) does; pass nonBlocking: true not to wait/,
  })
})
