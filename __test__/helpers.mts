// Shared by the test files: temporary directories, real tools, child
// processes (as root or as an unprivileged user) and /proc inspection.

import { execFileSync, spawnSync, type SpawnSyncOptions } from 'node:child_process'
import {
  chmodSync,
  constants,
  copyFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, parse } from 'node:path'
import { fileURLToPath } from 'node:url'

import type { ExecutionContext } from 'ava'

/**
 * The package root: the nearest directory above this file whose package.json
 * is sysix's (the tests also run compiled, from a folder under target/).
 */
export const ROOT = (() => {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== parse(dir).root; dir = dirname(dir)) {
    try {
      if (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name === 'sysix') {
        return dir
      }
    } catch {
      // No package.json here: look further up.
    }
  }
  throw new Error('the tests must run inside the sysix package')
})()

/**
 * How long a call that must not wait may take, in ms: what "at once" means
 * in the tests. A wait that ends at once (a woken thread, a refused call)
 * ends far within it even with both cores busy or under qemu; one that does
 * not ends only at its timeout, or never (which the test's own timeout
 * catches). Tests that measure it are `test.serial`: a concurrent test's
 * `spawnSync` holds the event loop (for seconds when the child is an
 * emulated Node), and the clock with it.
 */
export const AT_ONCE_MS = 5000

/** The uid and gid of `nobody`, for tests of what an unprivileged user may do. */
export const NOBODY = 65534

/** A fresh directory, removed when the test ends; writable by `nobody` too. */
export function tempDir(t: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'sysix-test-'))
  chmodSync(dir, 0o777)
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** Runs a real tool and returns its standard output; throws if it fails. */
export function tool(command: string, args: string[], options: { input?: string } = {}): string {
  return execFileSync(command, args, { encoding: 'utf8', input: options.input, stdio: ['pipe', 'pipe', 'pipe'] })
}

/** Whether every user may reach and read `path` (each directory above it searchable). */
function publiclyReadable(path: string, mode = constants.S_IROTH): boolean {
  for (let dir = dirname(path); dir !== parse(dir).root; dir = dirname(dir)) {
    if ((statSync(dir).mode & constants.S_IXOTH) === 0) {
      return false
    }
  }
  return (statSync(path).mode & mode) !== 0
}

let publicPackage: { root: string; node: string } | undefined

/**
 * A copy of the built package (and, if need be, of the Node binary) that
 * every user can read, for children that run as another user: a clone may
 * sit in a directory only its owner can enter (root's home, `mktemp -d`).
 * Made once per test process, removed when it exits.
 */
function publicCopy(): { root: string; node: string } {
  if (publicPackage === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'sysix-public-'))
    chmodSync(dir, 0o755)
    const root = join(dir, 'sysix')
    cpSync(join(ROOT, 'dist'), join(root, 'dist'), { recursive: true, filter: (source) => !source.endsWith('.d.ts') })
    copyFileSync(join(ROOT, 'package.json'), join(root, 'package.json'))
    let node = process.execPath
    if (!publiclyReadable(node, constants.S_IXOTH)) {
      node = join(dir, 'node')
      copyFileSync(process.execPath, node)
      chmodSync(node, 0o755)
    }
    execFileSync('chmod', ['-R', 'a+rX', dir])
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }))
    publicPackage = { root, node }
  }
  return publicPackage
}

/**
 * Runs `script` in a new Node process with `sysix` (this package, as a user
 * `require`s it) in scope, and returns what the script passes to `report()`,
 * decoded from JSON with bigints kept. Throws with the child's stderr if it
 * fails. With `uid`, the child runs as that user, on a copy of the package
 * it can read. The script sees `sysix`, `sysixRoot` (where it was loaded
 * from) and `report`.
 */
export function inChild<T = unknown>(script: string, options: SpawnSyncOptions & { uid?: number; nodeArgs?: string[] } = {}): T {
  const { uid, nodeArgs = [], ...spawnOptions } = options
  const { root, node } = uid === undefined ? { root: ROOT, node: process.execPath } : publicCopy()
  const prelude = `
    const sysixRoot = ${JSON.stringify(root)};
    const sysix = require(sysixRoot);
    const report = (value) => process.stdout.write(JSON.stringify(value, (_, v) => typeof v === 'bigint' ? { $bigint: String(v) } : v));
  `
  const result = spawnSync(node, [...nodeArgs, '-e', prelude + script], {
    encoding: 'utf8',
    timeout: 30_000,
    ...(uid === undefined ? {} : { uid, gid: uid, cwd: dirname(root) }),
    ...spawnOptions,
  })
  if (result.status !== 0) {
    throw new Error(`child failed (status ${result.status}, signal ${result.signal}): ${result.stderr}`)
  }
  return JSON.parse(String(result.stdout), (_, v) => (v && typeof v === 'object' && '$bigint' in v ? BigInt(v.$bigint) : v)) as T
}

/** The `flags` line of `/proc/self/fdinfo/<fd>`: the open file's status flags and close-on-exec. */
export function fdFlags(fd: number): number {
  const flags = /^flags:\s+(\d+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))
  if (!flags) {
    throw new Error(`no flags in /proc/self/fdinfo/${fd}`)
  }
  return parseInt(flags[1], 8)
}

/** `O_CLOEXEC` as fdinfo shows it (octal 02000000 on every Linux architecture but alpha, sparc, parisc). */
export const O_CLOEXEC = 0o2000000

/** Whether `fd` is open in this process. */
export function isOpen(fd: number): boolean {
  return existsSync(`/proc/self/fd/${fd}`)
}

/** How many descriptors this process has open. */
export function openFdCount(): number {
  return readdirSync('/proc/self/fd').length
}

/** Whether this process may create cgroups (root, with a writable cgroup v1 `cpu` hierarchy). */
export function cpuCgroupRoot(): string | undefined {
  const root = '/sys/fs/cgroup/cpu'
  const probe = spawnSync('test', ['-w', root])
  return probe.status === 0 && existsSync(join(root, 'cpu.cfs_quota_us')) ? root : undefined
}

/**
 * A prelude for child scripts that run with a one-thread libuv pool
 * (`UV_THREADPOOL_SIZE=1`): `holdPool()` occupies the only pool thread with
 * an `fs.open` of a FIFO that has no writer, so that Promise calls queue
 * behind it; `releasePool()` opens the FIFO's other end, which lets it finish.
 * Calls made in between run, in order, after the release.
 */
export function poolHolder(dir: string): string {
  return `
    const fs = require('fs');
    const fifo = ${JSON.stringify(join(dir, 'pool.fifo'))};
    require('child_process').execFileSync('mkfifo', [fifo]);
    let held;
    const holdPool = () => { held = new Promise((resolve) => fs.open(fifo, 'r', (error, fd) => { if (!error) fs.closeSync(fd); resolve(); })); };
    const releasePool = async () => { const fd = fs.openSync(fifo, fs.constants.O_RDWR | fs.constants.O_NONBLOCK); await held; fs.closeSync(fd); };
    const tick = () => new Promise((resolve) => setImmediate(resolve));
  `
}

/**
 * A C program, built with gcc, that runs a command under a real seccomp
 * filter answering an errno for one system call:
 * `wrapper <errno> <command> [args...]`, the call given by its number `nr`
 * (the generic numbers, which x86_64, aarch64 and riscv64 share for calls
 * since Linux 5.1: 425 `io_uring_setup`, 437 `openat2`).
 */
export function seccompWrapper(t: ExecutionContext, nr: number): string {
  const dir = tempDir(t)
  const source = join(dir, `refuse-${nr}.c`)
  writeFileSync(
    source,
    `#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>
int main(int argc, char **argv) {
  unsigned int answer = (unsigned int)atoi(argv[1]);
  struct sock_filter filter[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ${nr}, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (answer & SECCOMP_RET_DATA)),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog program = { sizeof filter / sizeof filter[0], filter };
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program)) return 126;
  execvp(argv[2], argv + 2);
  return 127;
}
`,
  )
  const binary = join(dir, `refuse-${nr}`)
  tool('gcc', ['-O2', '-o', binary, source])
  return binary
}
