/**
 * The C floor: baseline/syscalls.c, compiled with `cc -O2` for the run and
 * kept running over the fixture, answering batch requests on a pipe. Each
 * case's C loop is a contender like the others (kind `c`), its batches timed
 * by C's own clock and run in the same interleaved rounds as the JavaScript
 * contenders: a machine that slows down meanwhile slows the floor too.
 */

import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import type { Fixture } from './fixture.mjs'
import { processCpuSeconds } from './results.mjs'
import type { Contender } from './runner.mjs'

const PROGRAM = fileURLToPath(new URL('baseline/syscalls.c', import.meta.url))

export class CFloor {
  readonly #child: ChildProcessWithoutNullStreams
  readonly #waiting: ((line: string) => void)[] = []
  #buffer = ''

  private constructor(binary: string, f: Fixture) {
    this.#child = spawn(binary, [f.file, f.bigDir, f.source, f.dest, f.data, f.scratch])
    this.#child.stdout.setEncoding('utf8')
    this.#child.stdout.on('data', (chunk: string) => {
      this.#buffer += chunk
      for (let end = this.#buffer.indexOf('\n'); end >= 0; end = this.#buffer.indexOf('\n')) {
        const line = this.#buffer.slice(0, end)
        this.#buffer = this.#buffer.slice(end + 1)
        this.#waiting.shift()?.(line)
      }
    })
  }

  /** The floor, compiled and started; `undefined`, with a note, where there is no C compiler. */
  static start(f: Fixture, notes: string[]): CFloor | undefined {
    const binary = join(f.dir, 'syscalls')
    try {
      execFileSync('cc', ['-O2', '-o', binary, PROGRAM], { stdio: ['ignore', 'inherit', 'inherit'] })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw error
      }
      notes.push('no C compiler (cc): the C floor is left out')
      return undefined
    }
    return new CFloor(binary, f)
  }

  /** Nanoseconds `k` iterations of the C case `name` took. */
  batch(name: string, k: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#waiting.push((line) => (line === 'unknown' ? reject(new Error(`no C case ${name}`)) : resolve(Number(line))))
      this.#child.stdin.write(`${name} ${k}\n`)
    })
  }

  /** The C case `name` as a contender of its case. */
  contender(name: string): Contender {
    return { id: 'c', name, kind: 'c', run: () => undefined, batch: (k) => this.batch(name, k) }
  }

  /** CPU-seconds the program has used so far. */
  cpuSeconds(): number {
    return processCpuSeconds(this.#child.pid)
  }

  /** Ends the program (it exits at the end of its input). */
  close(): void {
    this.#child.stdin.end()
  }
}
