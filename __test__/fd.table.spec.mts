// The states of the process-wide descriptor table, at the edges where a
// number is closed behind its owner's back, reused, handed between threads
// and registered again: no stale owner, lease or token ever closes, or
// keeps open, a descriptor that is not its own.

import * as fs from 'node:fs'
import { join } from 'node:path'

import test from 'ava'

import * as sysix from 'sysix'
import { inChild, isOpen, openFdCount, tempDir } from './helpers.mjs'

/** Device and inode of what `fd` has open, to tell files apart. */
function identity(fd: number): string {
  const st = fs.fstatSync(fd, { bigint: true })
  return `${st.dev}:${st.ino}`
}

test.serial('a stale OwnedFd cannot close a stranger, even 2^22 registrations later (tokens are never reused)', (t) => {
  const dir = tempDir(t)
  const stranger = join(dir, 'stranger')
  fs.writeFileSync(stranger, 'stranger')
  const stale = sysix.openSync('/dev/null')
  const number = stale.fd
  // Closed behind its owner's back: the number is free for the kernel to reuse.
  fs.closeSync(number)
  // Registrations enough to wrap a 22-bit token: pipes (two each), landing on the freed number first.
  for (let i = 0; i < 2 ** 21 - 1; i++) {
    sysix.pipe().close()
  }
  const owner = sysix.openSync(stranger)
  t.is(owner.fd, number, 'the stranger got the stale number')
  t.throws(() => stale.close(), { code: 'EBADF' })
  t.true(isOpen(number), "the stranger's descriptor is still open")
  t.is(fs.readFileSync(owner.fd, 'utf8'), 'stranger')
  owner.close()
  t.false(isOpen(number))
})

test.serial('a lease of a registration replaced under a pending call touches nothing of the new one', async (t) => {
  const dir = tempDir(t)
  const file = join(dir, 'replacement')
  fs.writeFileSync(file, 'new')
  const baseline = openFdCount()
  const { reader, writer } = sysix.pipe()
  const number = reader.fd
  const pending = sysix.readv(reader, [Buffer.alloc(4)])
  // The call waits for data on the pool, holding a lease. Now the number is
  // closed behind sysix's back, and sysix registers a new file on it.
  await new Promise((resolve) => setTimeout(resolve, 50))
  fs.closeSync(number)
  const replacement = sysix.openSync(file)
  t.is(replacement.fd, number)
  fs.writeSync(writer.fd, 'data')
  t.is(await pending, 4, 'the call finished on the pipe it held')
  replacement.close()
  t.false(isOpen(number), 'the new registration closed at once: no lease of the old one counted against it')
  writer.close()
  t.throws(() => reader.close(), { code: 'EBADF' }, 'the old owner owns nothing any more')
  t.is(openFdCount(), baseline)
})

test.serial(
  "a number given up with intoRaw(), closed by its new owner and reopened by a worker's fs: the worker takes a duplicate, and no descriptor of the main thread is closed",
  (t) => {
    const dir = tempDir(t)
    const result = inChild<{ sentinels: boolean[]; adoptedNumber: number; reopened: number; given: number; after: number; before: number }>(
      `const fs = require('fs');
     const { Worker } = require('worker_threads');
     const path = require('path');
     const dir = ${JSON.stringify(dir)};
     const identity = (fd) => { const s = fs.fstatSync(fd, { bigint: true }); return s.dev + ':' + s.ino; };
     (async () => {
       const warm = new Worker('', { eval: true }); await require('events').once(warm, 'exit');
       const before = fs.readdirSync('/proc/self/fd').length;
       // The worker first, so that what it opens for itself is open before the number is freed.
       const worker = new Worker(\`
         const fs = require('fs');
         const sysix = require(\${JSON.stringify(sysixRoot)});
         const { parentPort } = require('worker_threads');
         parentPort.once('message', () => {
           const reopened = fs.openSync(\${JSON.stringify(dir)} + '/worker-file', 'w');
           const adopted = sysix.OwnedFd.fromRaw(reopened);
           parentPort.postMessage({ reopened, adoptedNumber: adopted.fd });
           parentPort.once('message', () => process.exit(0));
         });
         parentPort.postMessage('ready');
       \`, { eval: true });
       await require('events').once(worker, 'message');
       fs.writeFileSync(path.join(dir, 'given'), 'given');
       const owned = sysix.openSync(path.join(dir, 'given'));
       const given = owned.intoRaw();
       fs.closeSync(given); // its new owner closes it
       worker.postMessage('open');
       const [seen] = await require('events').once(worker, 'message');
       // The main thread's files, one of them, if it can, on the number the worker first got.
       const sentinels = [];
       for (let i = 0; i < 8; i++) {
         fs.writeFileSync(path.join(dir, 's' + i), String(i));
         const fd = fs.openSync(path.join(dir, 's' + i), 'r');
         sentinels.push({ fd, id: identity(fd) });
       }
       worker.postMessage('exit');
       await require('events').once(worker, 'exit');
       await new Promise((r) => setTimeout(r, 100));
       const alive = sentinels.map(({ fd, id }) => { try { return identity(fd) === id; } catch { return false; } });
       for (const { fd } of sentinels) { try { fs.closeSync(fd); } catch {} }
       const after = fs.readdirSync('/proc/self/fd').length;
       report({ sentinels: alive, adoptedNumber: seen.adoptedNumber, reopened: seen.reopened, given, before, after });
     })();`,
    )
    t.is(result.reopened, result.given, "the worker's fs got the number given up before")
    t.not(result.adoptedNumber, result.reopened, 'the worker took a duplicate (Node forgets the number it opened)')
    t.deepEqual(result.sentinels, Array(8).fill(true), 'every descriptor of the main thread is still open on its own file')
    t.is(result.after, result.before, 'nothing leaked')
  },
)

test.serial(
  'a pending Promise call and a close() racing with 200 reopens of its number: the call keeps its file, nothing else is closed',
  async (t) => {
    const dir = tempDir(t)
    fs.writeFileSync(join(dir, 'held'), 'held content')
    const keep: { fd: number; id: string }[] = []
    for (let run = 0; run < 200; run++) {
      const held = sysix.openSync(join(dir, 'held'))
      const number = held.fd
      const buffer = Buffer.alloc(12)
      const pending = sysix.pread(held, buffer, 0)
      held.close()
      // Whatever opens now must not get the number while the call holds it.
      const other = fs.openSync(join(dir, 'held'), 'r')
      keep.push({ fd: other, id: identity(other) })
      t.not(other, number, 'the number stays taken while the call holds it')
      t.is(await pending, 12)
      t.is(buffer.toString(), 'held content')
    }
    for (const { fd, id } of keep) {
      t.is(identity(fd), id)
      fs.closeSync(fd)
    }
  },
)
