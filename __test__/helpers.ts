// Shared by the test files: temporary directories, real tools, child
// processes (as root or as an unprivileged user) and /proc inspection.

import { execFileSync, spawnSync, type SpawnSyncOptions } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import type { ExecutionContext } from 'ava'

/** The repository root, which is the package root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')

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

/**
 * Runs `script` in a new Node process with `sysix` (this package, as a user
 * `require`s it) in scope, and returns what the script passes to `report()`,
 * decoded from JSON with bigints kept. Throws with the child's stderr if it fails.
 */
export function inChild<T = unknown>(script: string, options: SpawnSyncOptions & { uid?: number } = {}): T {
  const prelude = `
    const sysix = require(${JSON.stringify(ROOT)});
    const report = (value) => process.stdout.write(JSON.stringify(value, (_, v) => typeof v === 'bigint' ? { $bigint: String(v) } : v));
  `
  const { uid, ...spawnOptions } = options
  const result = spawnSync(process.execPath, ['-e', prelude + script], {
    encoding: 'utf8',
    timeout: 30_000,
    ...(uid === undefined ? {} : { uid, gid: uid }),
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
