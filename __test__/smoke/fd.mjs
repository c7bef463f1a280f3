// The smoke cases of fd (see smoke.mjs).

import {
  SMOKE,
  BUN,
  DENO,
  NOT_OPEN,
  S,
  assert,
  fdCount,
  fdDiff,
  fdIdentity,
  fdSnapshot,
  fdTarget,
  finished,
  fs,
  gc,
  loaded,
  once,
  pathIdentity,
  readFrom,
  settle,
  sleep,
  threads,
  util,
  withTimeout,
  writeTo,
} from './kit.mjs'

/** One case per export or group of exports: the key lists the names it covers, `, `-separated. */
export const cases = {
  OwnedFd: async (t) => {
    const { OwnedFd } = S
    const file = t.file('owned.txt', 'owned data')
    assert.throws(() => new OwnedFd(), { name: 'TypeError', message: /Illegal constructor/ })

    let owned
    if (DENO) {
      // Deno's node:fs numbers cannot be adopted (see the fromRaw case): take one sysix opened.
      owned = t.own(S.openSync(file, 'r'))
    } else {
      const raw = fs.openSync(file, 'r')
      owned = t.own(OwnedFd.fromRaw(raw))
      assert.equal(owned.fd, raw, 'fromRaw keeps the number in the main thread')
    }
    assert.ok(owned instanceof OwnedFd)
    assert.equal(owned.closed, false)
    assert.ok(Number.isInteger(owned.fd) && owned.fd > 2)
    assert.deepEqual(fdIdentity(owned), pathIdentity(file))
    assert.equal(readFrom(owned).toString(), 'owned data')
    assert.equal(util.inspect(owned), `OwnedFd { fd: ${owned.fd} }`)

    const dup = t.own(owned.dup())
    assert.notEqual(dup.fd, owned.fd)
    assert.ok(dup.fd >= 3)
    assert.deepEqual(fdIdentity(dup), fdIdentity(owned))
    assert.equal(S.fcntlGetFd(dup) & S.constants.FD_CLOEXEC, S.constants.FD_CLOEXEC, 'dup() is close-on-exec')

    const borrowed = owned.borrow()
    assert.ok(borrowed instanceof S.BorrowedFd)
    assert.equal(borrowed.fd, owned.fd)

    const number = owned.fd
    owned.close()
    assert.equal(owned.closed, true)
    assert.equal(fdTarget(number), null, 'close() closed the descriptor')
    assert.throws(() => owned.fd, { code: 'EBADF' })
    assert.throws(() => borrowed.fd, { code: 'EBADF' })
    assert.throws(() => owned.dup(), { code: 'EBADF' })
    assert.throws(() => owned.borrow(), { code: 'EBADF' })
    assert.throws(() => owned.intoRaw(), { code: 'EBADF' })
    assert.throws(() => S.fileTimesSync(owned), { code: 'EBADF', message: /the OwnedFd passed as "target" is closed/ })
    owned.close()
    owned[Symbol.dispose]()
    assert.equal(util.inspect(owned), 'OwnedFd { closed }')
    assert.equal(dup.closed, false, 'a duplicate outlives the original')
    assert.deepEqual(fdIdentity(dup), pathIdentity(file))

    const disposed = S.openSync(file)
    const disposedNumber = disposed.fd
    disposed[Symbol.dispose]()
    assert.equal(disposed.closed, true)
    assert.equal(fdTarget(disposedNumber), null, 'Symbol.dispose closed it')

    const given = S.openSync(file)
    const raw = given.intoRaw()
    assert.equal(given.closed, true)
    assert.equal(fdTarget(raw), file, 'intoRaw() gives the descriptor up without closing it')
    const back = t.own(OwnedFd.fromRaw(raw))
    assert.equal(back.fd, raw, 'a number sysix handed out is adopted as it is, on every runtime')
    back.close()
    assert.equal(fdTarget(raw), null)

    if (DENO) {
      // On Deno any number sysix does not know is refused before the kernel is asked.
      assert.throws(() => OwnedFd.fromRaw(NOT_OPEN), { code: /^(EBADF|ERR_INVALID_ARG_VALUE)$/ })
    } else {
      assert.throws(() => OwnedFd.fromRaw(NOT_OPEN), { code: 'EBADF' })
    }
    assert.throws(() => OwnedFd.fromRaw(-1), { code: 'ERR_OUT_OF_RANGE' })
    assert.throws(() => OwnedFd.fromRaw('3'), { code: 'ERR_INVALID_ARG_TYPE' })
  },
  'BorrowedFd, borrowFd': async (t) => {
    const file = t.file('borrowed.txt', 'borrowed')
    assert.throws(() => new S.BorrowedFd(), { name: 'TypeError', message: /Illegal constructor/ })
    const stdout = S.borrowFd(1)
    assert.ok(stdout instanceof S.BorrowedFd)
    assert.equal(stdout.fd, 1)
    assert.equal(util.inspect(stdout), 'BorrowedFd { fd: 1 }')
    assert.throws(() => S.borrowFd(-1), { code: 'ERR_OUT_OF_RANGE' })
    assert.throws(() => S.borrowFd('1'), { code: 'ERR_INVALID_ARG_TYPE' })

    const owned = t.own(S.openSync(file))
    const number = owned.fd
    const borrowed = S.borrowFd(number)
    assert.equal(S.statxSync(borrowed).ino, pathIdentity(file).ino, 'sysix calls take a BorrowedFd')
    assert.equal(S.sameFileSync(borrowed, file), true)
    assert.equal(owned.closed, false)
    assert.equal(fdTarget(number), file, 'borrowing never closes')
    owned.close()
    assert.equal(borrowed.fd, number, 'a borrowed number is trusted, not checked')
  },
}

/** The ownership rules (README "Ownership rules"), each a case of its own. */
export const ownership = {
  'OwnedFd closes once: a number reused after close() is left alone': async (t) => {
    const first = t.file('first', 'first')
    const second = t.file('second', 'second')
    const owned = S.openSync(first)
    const number = owned.fd
    owned.close()
    // The lowest free number: most likely the one just closed.
    const other = fs.openSync(second, 'r')
    t.defer(() => fs.closeSync(other))
    if (other !== number) {
      t.note(`the new file got ${other}, not ${number}: the reuse was not exercised`)
    }
    owned.close()
    owned[Symbol.dispose]()
    assert.equal(fdTarget(other), second, 'closing again did not close the new file')
    assert.equal(fs.fstatSync(other, { bigint: true }).ino, pathIdentity(second).ino)

    if (DENO) {
      t.note("closing behind the owner's back needs fs.closeSync of a kernel descriptor, which Deno refuses: skipped")
      return
    }
    // Closed behind its owner's back, and the number registered again by another OwnedFd.
    const stale = S.openSync(first)
    const staleNumber = stale.fd
    fs.closeSync(staleNumber)
    const fresh = t.own(S.openSync(second))
    if (fresh.fd !== staleNumber) {
      t.note(`the new OwnedFd got ${fresh.fd}, not ${staleNumber}`)
    }
    try {
      stale.close()
    } catch (error) {
      assert.equal(error.code, 'EBADF', 'the stale owner may report EBADF, nothing else')
    }
    assert.equal(fresh.closed, false)
    assert.equal(fdTarget(fresh.fd), second, 'the stale owner did not close the file of the new owner')
  },
  'OwnedFd.fromRaw refuses a number an OwnedFd owns': async (t) => {
    const p = t.own(S.pipe())
    const number = p.reader.fd
    assert.throws(() => S.OwnedFd.fromRaw(number), {
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_VALUE',
      message: /already owned by an OwnedFd/,
    })
    assert.throws(() => S.OwnedFd.fromRaw(p.writer.fd), { code: 'ERR_INVALID_ARG_VALUE' })
    const root = t.own(S.Root.openSync(t.dir))
    assert.throws(() => S.OwnedFd.fromRaw(root.fd), { code: 'ERR_INVALID_ARG_VALUE' }, "a Root's descriptor")
    assert.equal(p.reader.closed, false)
    writeTo(p.writer, 'still mine')
    assert.equal(readFrom(p.reader).toString(), 'still mine')
    const moved = S.OwnedFd.fromRaw(p.reader.intoRaw())
    t.own(moved)
    assert.equal(moved.fd, number, 'intoRaw() then fromRaw() moves ownership')
    assert.equal(p.reader.closed, true)
    p.writer.close()
    assert.equal(readFrom(moved).length, 0)
  },
  'OwnedFd.fromRaw(fs.openSync(...)): adopted, or on Deno refused as a resource id': async (t) => {
    const file = t.file('raw', 'raw')
    const raw = fs.openSync(file, 'r')
    t.defer(() => fs.closeSync(raw))
    if (DENO) {
      assert.throws(() => S.OwnedFd.fromRaw(raw), {
        name: 'TypeError',
        code: 'ERR_INVALID_ARG_VALUE',
        message: /is a Deno resource id, not a kernel file descriptor/,
      })
      assert.equal(fdTarget(raw), file, 'refused, and left open')
      assert.equal(S.fileTimesSync(raw).mtimeNs, S.fileTimesSync(file).mtimeNs, 'a Deno number naming its own kernel descriptor is used')

      // The same, for a number sysix once handed out with intoRaw(), which
      // its new owner (a net.Socket) has closed since, and Deno has reused.
      const p = t.own(S.pipe())
      const handed = p.reader.fd
      const socket = p.reader.toSocket({ readable: true, writable: false })
      p.writer.close()
      socket.resume()
      await withTimeout(once(socket, 'close'), 5000, 'the socket closing at the end of the pipe')
      assert.equal(fdTarget(handed), null, 'the socket closed the number')
      const reused = fs.openSync(file, 'r')
      t.defer(() => fs.closeSync(reused))
      if (reused !== handed) {
        t.note(`Deno gave ${reused}, not ${handed}: the stale-number check was not exercised`)
        return
      }
      let adopted
      try {
        adopted = S.OwnedFd.fromRaw(reused)
      } catch (error) {
        assert.equal(error.code, 'ERR_INVALID_ARG_VALUE')
        assert.match(error.message, /Deno resource id/)
      }
      if (adopted !== undefined) {
        adopted.intoRaw() // Give it back to Deno unclosed.
        assert.fail(
          `fromRaw(${reused}) adopted a Deno resource id: sysix handed out ${handed} with intoRaw() earlier and still takes the number for a kernel descriptor it knows`,
        )
      }
      return
    }
    const owned = S.OwnedFd.fromRaw(raw)
    assert.equal(owned.fd, raw)
    assert.equal(fs.readFileSync(raw, 'utf8'), 'raw', 'node:fs uses the lent number')
    assert.throws(() => S.OwnedFd.fromRaw(raw), { code: 'ERR_INVALID_ARG_VALUE' }, 'one owner')
    assert.equal(owned.intoRaw(), raw, 'given back to node:fs, which closes it in the cleanup')
  },
  'intoRaw() while a Promise call uses the descriptor: EBUSY; close() waits for the call': async (t) => {
    const file = t.file('busy', '')
    const holder = t.own(S.openSync(file, 'r'))
    const waiter = t.own(S.openSync(file, 'r'))
    S.flockSync(holder, 'exclusive')
    const pending = S.flock(waiter, 'exclusive')
    await sleep(20)
    assert.throws(() => waiter.intoRaw(), { code: 'EBUSY', syscall: 'OwnedFd.intoRaw', message: /1 Promise call still uses descriptor/ })
    assert.equal(waiter.closed, false, 'still owned after the refusal')
    S.flockSync(holder, 'unlock')
    await withTimeout(pending, 5000, 'flock after the unlock')
    const number = waiter.intoRaw()
    assert.equal(fdTarget(number), file, 'given up once the call settled')
    S.OwnedFd.fromRaw(number).close()

    // close() during a wait: the wait ends (EBADF), then the descriptor is closed.
    const again = S.openSync(file, 'r')
    const againNumber = again.fd
    S.flockSync(holder, 'exclusive')
    const waiting = S.flock(again, 'shared')
    await sleep(20)
    again.close()
    assert.equal(again.closed, true)
    await assert.rejects(withTimeout(waiting, 5000, 'flock of a closed OwnedFd'), {
      code: 'EBADF',
      syscall: 'flock',
      message: /closed while this call waited/,
    })
    assert.ok(await settle(() => fdTarget(againNumber) !== file, 2000), 'closed once the wait ended')
    S.flockSync(holder, 'unlock')
  },
  'pipe() then reader.toSocket(): read to the end; the reused number is left alone': async (t) => {
    const file = t.file('reuse', 'reused')
    const p = t.own(S.pipe())
    const number = p.reader.fd
    const pipeName = fdTarget(number)
    const payload = 'line of the pipe\n'.repeat(2000)
    writeTo(p.writer, payload)
    p.writer.close()
    if (BUN) {
      // Bun's net.Socket ignores { fd } (oven-sh/bun#29141): sysix refuses rather than leak it.
      assert.throws(() => p.reader.toSocket({ readable: true, writable: false }), { code: 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM' })
      assert.equal(p.reader.closed, false, 'refused: the descriptor stays owned')
      assert.equal(fdTarget(number), pipeName)
      return
    }
    const socket = p.reader.toSocket({ readable: true, writable: false })
    t.defer(() => socket.destroy())
    assert.equal(p.reader.closed, true, 'the socket owns the descriptor now')
    assert.throws(() => p.reader.fd, { code: 'EBADF' })
    let data = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk) => {
      data += chunk
    })
    try {
      await withTimeout(once(socket, 'end'), 5000, 'the socket reading the pipe to its end')
    } finally {
      if (fdTarget(number) === pipeName) {
        // The runtime neither read it nor closed it: close it here, so that only this case fails.
        socket.destroy()
        await sleep(20)
        if (fdTarget(number) === pipeName) {
          S.OwnedFd.fromRaw(number).close()
          t.note(`the socket left descriptor ${number} (${pipeName}) open; closed it here`)
        }
      }
    }
    assert.equal(data, payload)
    if (!socket.destroyed) {
      await withTimeout(once(socket, 'close'), 5000, 'the socket closing')
    }
    assert.notEqual(fdTarget(number), pipeName, 'the socket closed the pipe')

    const reused = fs.openSync(file, 'r')
    t.defer(() => fs.closeSync(reused))
    if (reused !== number) {
      t.note(`the new file got ${reused}, not ${number}: the reuse was not exercised`)
    }
    p.reader.close()
    p.reader[Symbol.dispose]()
    p[Symbol.dispose]()
    await settle(() => false, 100)
    assert.equal(fdTarget(reused), file, 'nothing sysix did closed the new file')
    assert.equal(fs.fstatSync(reused, { bigint: true }).ino, pathIdentity(file).ino)

    const regular = t.own(S.openSync(file))
    const regularNumber = regular.fd
    let made
    try {
      made = regular.toSocket()
    } catch (error) {
      assert.equal(error.code, 'ERR_INVALID_FD_TYPE')
    }
    if (made !== undefined) {
      made.destroy()
      if (fdTarget(regularNumber) === file) {
        S.OwnedFd.fromRaw(regularNumber).close()
      }
      assert.fail('net.Socket took a regular file instead of refusing it with ERR_INVALID_FD_TYPE')
    }
    assert.equal(regular.closed, false, 'refused: the descriptor stays owned here')
    assert.equal(fdTarget(regular.fd), file)
  },
  'OwnedFd.toReadStream() and toWriteStream() hand the descriptor to a stream': async (t) => {
    const file = t.file('stream')
    const text = 'streamed through sysix'
    const leaks = []
    // Hands a new descriptor of `file` to a stream, uses the stream, and
    // checks that the stream closed the descriptor. Deno's node:fs cannot use
    // a kernel descriptor it did not open: there sysix may refuse the hand-over
    // instead, provided the descriptor stays owned here.
    const handOver = async (flags, method, options, use) => {
      const owned = t.own(S.openSync(file, flags))
      const number = owned.fd
      let stream
      try {
        stream = owned[method](options)
      } catch (error) {
        if (!DENO) {
          throw error
        }
        assert.equal(owned.closed, false, `${method} refused: the descriptor stays owned`)
        assert.equal(fdTarget(number), file)
        t.note(`${method} refused on Deno (${error.code}): ${error.message}`)
        return false
      }
      assert.equal(owned.closed, true, `${method}: the stream owns the descriptor now`)
      try {
        await use(stream)
      } finally {
        if (!(await settle(() => fdTarget(number) !== file, 1000))) {
          // Closed here, so that only this case fails.
          S.OwnedFd.fromRaw(number).close()
          leaks.push(number)
          t.note(`the stream of ${method}() left descriptor ${number} open; closed it here`)
        }
      }
      return true
    }
    const wrote = await handOver('w', 'toWriteStream', undefined, async (ws) => {
      ws.end(text)
      await withTimeout(finished(ws), 5000, 'the write stream finishing')
    })
    if (wrote) {
      assert.equal(fs.readFileSync(file, 'utf8'), text)
    } else {
      fs.writeFileSync(file, text)
    }
    await handOver('r', 'toReadStream', { encoding: 'utf8' }, async (rs) => {
      let read = ''
      for await (const chunk of rs) {
        read += chunk
      }
      assert.equal(read, text)
    })
    assert.deepEqual(leaks, [], 'each stream closed the descriptor it was given')
    const kept = t.own(S.openSync(file))
    // On Deno the runtime refusal comes first.
    const refused = DENO ? 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM' : 'ERR_INVALID_ARG_VALUE'
    assert.throws(() => kept.toReadStream({ autoClose: false }), { code: refused })
    assert.throws(() => kept.toWriteStream({ fd: 1 }), { code: refused })
    assert.equal(kept.closed, false, 'refused options leave it owned')
  },

  "worker_threads: a worker's descriptors are closed when it exits": async (t) => {
    assert.ok(threads !== null, 'node:worker_threads cannot be imported on this runtime')
    const before = fdSnapshot()
    const worker = new threads.Worker(SMOKE, {
      workerData: { sysixSmoke: 'pipes', file: loaded.root.file, how: loaded.root.how, pipes: 50 },
    })
    const exited = once(worker, 'exit')
    t.defer(() => worker.terminate())
    const [report] = await withTimeout(once(worker, 'message'), 10_000, 'the worker making 50 pipes')
    assert.equal(report.made, 50)
    const during = fdCount()
    assert.ok(during - before.size >= 100, `${during - before.size} more descriptors while the worker held 50 pipes`)
    worker.postMessage('exit')
    const [code] = await withTimeout(exited, 10_000, 'the worker exiting')
    assert.equal(code, 0)
    const closed = await settle(() => fdCount() <= before.size, 3000)
    const open = report.fds.filter((fd) => fdTarget(fd)?.startsWith('pipe:'))
    assert.ok(
      closed,
      `${fdCount() - before.size} more descriptors than before the worker, after it exited; of its pipes, ${open.length} still open\n${fdDiff(before, fdSnapshot())}`,
    )
  },
  'garbage collection closes a dropped OwnedFd, with a SYSIX_UNCLOSED_FD warning': async (t) => {
    assert.ok(gc !== null, 'no way to force garbage collection on this runtime')
    const warnings = []
    const onWarning = (warning) => {
      if (warning.code === 'SYSIX_UNCLOSED_FD') {
        warnings.push(warning)
      }
    }
    process.on('warning', onWarning)
    t.defer(() => process.off('warning', onWarning))
    const numbers = (() => {
      const p = S.pipe()
      return [p.reader.fd, p.writer.fd]
    })()
    const pipeName = fdTarget(numbers[0])
    assert.match(pipeName, /^pipe:/)
    const collected = await settle(() => numbers.every((fd) => fdTarget(fd) !== pipeName) && warnings.length >= 2, 5000)
    assert.ok(
      collected,
      `after garbage collection: ${numbers.map((fd) => `${fd} -> ${fdTarget(fd)}`).join(', ')}; ${warnings.length} warnings`,
    )
    assert.match(warnings[0].message, /^Closing file descriptor \d+ on garbage collection$/)
  },
}
