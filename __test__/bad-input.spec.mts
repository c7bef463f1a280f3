// Every export fed wrong types, NaN, huge and negative numbers, empty and
// NUL-containing paths: each call must throw (or reject) a TypeError, a
// RangeError or a system error, and never abort, hang or leak.

import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { inspect } from 'node:util'

import test from 'ava'

import * as sysix from 'sysix'
import { openFdCount, tempDir } from './helpers.mjs'

const BAD_VALUES: unknown[] = [
  undefined,
  null,
  NaN,
  Infinity,
  -Infinity,
  -1,
  -0.5,
  1.5,
  2 ** 31,
  2 ** 53,
  Number.MAX_VALUE,
  -(2 ** 63),
  0n,
  -1n,
  2n ** 64n,
  '',
  'a\u0000b',
  '\u0000',
  'x'.repeat(5000),
  '/nonexistent/sysix',
  Buffer.from('a\u0000b'),
  Buffer.alloc(0),
  new Uint8Array(0),
  new URL('http://example.com/'),
  new URL('file:///a%2fb'),
  new Date(NaN),
  {},
  [],
  [1, 2],
  () => 1,
  Symbol('s'),
  true,
  { fd: -1, close() {} },
  { fd: 'x', close() {} },
  Object.create(null),
  new Proxy({}, {}),
]

/** The error classes a refused call may raise. */
function acceptable(error: unknown): boolean {
  if (error instanceof TypeError || error instanceof RangeError) {
    return typeof (error as { code?: unknown }).code === 'string'
  }
  const system = error as { code?: unknown; errno?: unknown; syscall?: unknown }
  return error instanceof Error && typeof system.code === 'string' && typeof system.errno === 'number' && typeof system.syscall === 'string'
}

type AnyFn = (...args: never[]) => unknown

const functions = Object.entries(sysix).filter(([, value]) => typeof value === 'function' && !/^[A-Z]/.test(value.name)) as [
  string,
  AnyFn,
][]
const statics: [string, AnyFn][] = [
  ['OwnedFd.fromRaw', sysix.OwnedFd.fromRaw as AnyFn],
  ['FileId.fromPath', sysix.FileId.fromPath as AnyFn],
  ['FileId.fromFd', sysix.FileId.fromFd as AnyFn],
  ['Root.openSync', sysix.Root.openSync as AnyFn],
  ['Root.open', sysix.Root.open as AnyFn],
]

/** Releases what a call made, whatever it is: an owner of descriptors, a pipe, a directory. */
function release(value: unknown): void {
  if (value && typeof value === 'object') {
    const { [Symbol.dispose]: dispose, close } = value as { [Symbol.dispose]?: () => void; close?: () => void }
    if (typeof dispose === 'function') {
      dispose.call(value)
    } else if (typeof close === 'function') {
      close.call(value)
    }
  }
}

test('a NUL byte in a path is ERR_INVALID_ARG_VALUE, as in Node', (t) => {
  for (const path of ['a\u0000b', Buffer.from('a\u0000b')]) {
    for (const call of [() => sysix.fileTimesSync(path), () => sysix.sameFileSync(path, '/'), () => sysix.FileId.fromPath(path)]) {
      const error = t.throws(call, { instanceOf: TypeError, code: 'ERR_INVALID_ARG_VALUE' })
      t.regex(error.message, /^The argument '(target|a|path)' must be a string, Uint8Array, or URL without null bytes\. Received /)
    }
  }
})

test('every export is covered', (t) => {
  t.true(functions.length >= 15, functions.map(([name]) => name).join(', '))
})

// Serial: each counts the process's descriptors.
for (const [name, fn] of [...functions, ...statics]) {
  test.serial(`${name} refuses bad input cleanly`, async (t) => {
    // The first argument, where bad input is elsewhere: a directory of this
    // test's own, so a call that runs harms nothing (never a shared one
    // such as /tmp, which qemu-user's -L prefix can even remap).
    const scratch = join(tempDir(t), 'dir')
    mkdirSync(scratch)
    const fdsBefore = openFdCount()
    let calls = 0
    const arities = Math.max(fn.length, 1)
    for (const bad of BAD_VALUES) {
      for (let position = 0; position < arities + 1; position++) {
        const args: unknown[] = Array.from({ length: arities + 1 }, (_, i) => (i === position ? bad : i === 0 ? scratch : undefined))
        calls++
        try {
          const result = fn(...(args as never[]))
          if (result instanceof Promise) {
            release(
              await result.then(
                (value) => value,
                (error) => t.true(acceptable(error), `${name}(#${position}: ${inspect(bad)}) rejected with ${inspect(error)}`),
              ),
            )
          } else {
            release(result)
          }
        } catch (error) {
          t.true(acceptable(error), `${name}(#${position}: ${inspect(bad)}) threw ${inspect(error)}`)
        }
      }
    }
    t.true(calls > 0)
    t.is(openFdCount(), fdsBefore, 'no descriptor leaked')
  })
}
