// Anonymous pipes and duplicates of the standard streams.

import { native, scratch } from './binding'
import { type FdLike, newOwnedFd, type OwnedFd, ownedFromToken, takeTokens } from './fd'
import { INT32_MAX, validateBoolean, validateInteger, validateOptions } from './validate'

/** Options of {@link pipe}. */
export interface PipeOptions {
  /** Open both ends `O_NONBLOCK`: reads and writes that would wait fail with `EAGAIN`. Default `false`. */
  nonBlocking?: boolean
  /**
   * Packet mode (`O_DIRECT`, Linux 3.4): each write of up to `PIPE_BUF`
   * (4096) bytes is one packet, and each read returns at most one packet.
   * Default `false`.
   */
  direct?: boolean
}

const INTERNAL: unique symbol = Symbol('sysix.internal')

let makePipe: (reader: OwnedFd, writer: OwnedFd) => Pipe

/**
 * The two ends of a pipe. Destructure it (`const { reader, writer } = pipe()`)
 * to close each end on its own, or declare it with `using` to close both
 * ends that are still open when it goes out of scope.
 *
 * @example
 * ```ts
 * using p = pipe()
 * fs.writeSync(p.writer.fd, 'hello')
 * ```
 *
 */
export class Pipe implements Disposable {
  /** The end to read from. */
  readonly reader: OwnedFd
  /** The end to write to. */
  readonly writer: OwnedFd

  private constructor(token: typeof INTERNAL, reader: OwnedFd, writer: OwnedFd) {
    if (token !== INTERNAL) {
      throw new TypeError('Illegal constructor: use pipe()')
    }
    this.reader = reader
    this.writer = writer
  }

  static {
    makePipe = (reader, writer) => new Pipe(INTERNAL, reader, writer)
  }

  /**
   * Closes both ends that are still open (the reader first); a closed or
   * given-up end is left as it is. Throws the first error the kernel reports
   * (both ends are closed all the same).
   */
  close(): void {
    try {
      this.reader.close()
    } finally {
      this.writer.close()
    }
  }

  /** {@link Pipe.close}, for `using`. */
  [Symbol.dispose](): void {
    this.close()
  }
}

/** Where the binding writes a new pipe's two descriptor numbers. */
const ends = scratch.i32

/**
 * Creates an anonymous pipe. Both ends are close-on-exec, so a child process
 * gets only the end it is given as `stdio`, and the reader sees end-of-file
 * once every writer is closed. Node has no such call: `child_process`'s
 * `'pipe'` is a socketpair.
 *
 * @example Feed a child process, lending it the reading end:
 * ```ts
 * const { reader, writer } = pipe()
 * const child = spawn('sort', [], { stdio: [reader.fd, 'inherit', 'inherit'] })
 * reader.close() // spawn gave the child its own copy
 * fs.writeSync(writer.fd, 'b\na\n')
 * writer.close() // sort sees end-of-file
 * ```
 *
 * @example Read a pipe as a stream, handing the reading end over:
 * ```ts
 * using p = pipe()
 * const socket = p.reader.toSocket({ readable: true, writable: false })
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/pipe.2.html
 * @see https://man7.org/linux/man-pages/man7/pipe.7.html
 */
export function pipe(options?: PipeOptions): Pipe {
  const { nonBlocking, direct } = validateOptions(options)
  const flags = [validateBoolean(nonBlocking, 'options.nonBlocking', false), validateBoolean(direct, 'options.direct', false)] as const
  // The two ends are registered under this token and the next.
  const token = takeTokens(2)
  native.pipe(...flags, token, undefined)
  const [reader, writer] = [ends[0], ends[1]]
  return makePipe(ownedFromToken(reader, token), ownedFromToken(writer, token + 1))
}

/**
 * The capacity of a pipe's buffer in bytes (64 KiB by default): how much can
 * be written before a writer waits.
 *
 * @example
 * ```ts
 * const { reader } = pipe()
 * pipeCapacity(reader) // 65536
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/fcntl.2.html (`F_GETPIPE_SZ`)
 */
export function pipeCapacity(fd: FdLike): number {
  return native.pipeCapacity(fd)
}

/**
 * Resizes a pipe's buffer and returns the capacity the kernel chose: `bytes`
 * rounded up to a power-of-two number of pages. Beyond
 * `/proc/sys/fs/pipe-max-size` it needs `CAP_SYS_RESOURCE` (`EPERM`);
 * shrinking below what the pipe holds fails with `EBUSY`.
 *
 * @example
 * ```ts
 * setPipeCapacity(writer, 1 << 20) // 1048576
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/fcntl.2.html (`F_SETPIPE_SZ`)
 */
export function setPipeCapacity(fd: FdLike, bytes: number): number {
  return native.setPipeCapacity(fd, validateInteger(bytes, 'bytes', 0, INT32_MAX))
}

/**
 * A new descriptor for standard input, close-on-exec (os_pipe's `dup_stdin`).
 *
 * @example
 * ```ts
 * using input = dupStdin()
 * ```
 */
export function dupStdin(): OwnedFd {
  return newOwnedFd((token) => native.dupStdin(token))
}

/**
 * A new descriptor for standard output, close-on-exec (os_pipe's `dup_stdout`).
 *
 * @example
 * ```ts
 * using out = dupStdout()
 * out.toWriteStream().end('done\n')
 * ```
 */
export function dupStdout(): OwnedFd {
  return newOwnedFd((token) => native.dupStdout(token))
}

/**
 * A new descriptor for standard error, close-on-exec (os_pipe's `dup_stderr`).
 *
 * @example
 * ```ts
 * using err = dupStderr()
 * ```
 */
export function dupStderr(): OwnedFd {
  return newOwnedFd((token) => native.dupStderr(token))
}
