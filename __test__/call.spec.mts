// The one call path (lib/call.ts, the binding's `bindings!`): every argument
// is read before any descriptor is resolved, and a descriptor closed by
// caller code that an argument runs (an options getter, a URL's `href`, an
// array element's getter, a FileHandle's `fd`) is refused with EBADF, never
// sent to the kernel as a number that now names another file. Every
// export that takes a descriptor is attacked so, in both forms, with each
// way its arguments can run caller code; the export list is checked against
// the module, so that a new export cannot be left out.

import * as fs from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

import test, { type ExecutionContext } from 'ava'

import * as sysix from 'sysix'
import { constants, Root } from 'sysix/fs'
import { inChild, ROOT, tempDir } from './helpers.mjs'

const { O_RDONLY, O_DIRECTORY } = constants

/** What an attack works on: the descriptor, and the victim that takes its number. */
interface Scene {
  /** The descriptor attacked (a file opened read-write, or a directory). */
  owned: sysix.OwnedFd | Root
  /** Its number before the attack. */
  number: number
  /** A second descriptor, of a file of its own, for calls that take two. */
  other: sysix.OwnedFd
  /** A path in the scene's own directory (never the victim's). */
  path: (name: string) => string
  /** Closes `owned` and opens the victim at its number. */
  poison: () => void
  poisoned: boolean
  /** What the victim holds now, to compare after the call. */
  snapshot: () => string
  /** Checks that the victim is untouched. */
  verify: () => void
}

type Kind = 'file' | 'dir' | 'root'

function scene(t: ExecutionContext, kind: Kind): Scene {
  const dir = tempDir(t)
  const path = (name: string) => join(dir, name)
  fs.writeFileSync(path('target'), 'target-content')
  fs.mkdirSync(path('tdir'))
  fs.writeFileSync(path('tdir/inside'), 'inside-target')
  const victimDir = join(dir, 'victim-dir')
  fs.mkdirSync(victimDir)
  fs.writeFileSync(join(victimDir, 'kept'), 'victim-kept')
  const victimFile = path('victim')
  fs.writeFileSync(victimFile, 'victim-content')
  const owned =
    kind === 'file'
      ? sysix.openSync(path('target'), 'r+')
      : kind === 'dir'
        ? sysix.openSync(path('tdir'), O_RDONLY | O_DIRECTORY)
        : Root.openSync(path('tdir'))
  const number = owned.fd
  const other = sysix.openSync(path('other'), 'w+')
  let victim: number | undefined
  const s: Scene = {
    verify: () => {},
    owned,
    number,
    other,
    path,
    poisoned: false,
    poison() {
      if (s.poisoned) {
        return
      }
      s.poisoned = true
      owned.close()
      const opened = kind === 'file' ? fs.openSync(victimFile, 'r+') : fs.openSync(victimDir, O_RDONLY | O_DIRECTORY)
      if (opened !== number) {
        // Not the lowest free number: put the victim on it, as a busy process would.
        sysix.dup2(opened, number)
        fs.closeSync(opened)
      }
      victim = number
    },
    snapshot() {
      const files = fs.readdirSync(victimDir).sort()
      const listing = files.map((name) => `${name}=${fs.readFileSync(join(victimDir, name), 'latin1')}`).join(',')
      const st = fs.statSync(victimFile, { bigint: true })
      const attributes = fs.readdirSync(dir).length
      return `${listing}|${fs.readFileSync(victimFile, 'latin1')}|${st.size}|${st.mtimeNs}|${st.mode}|${attributes}`
    },
  }
  const before = s.snapshot()
  s.verify = () => {
    if (victim !== undefined) {
      const pos = /^pos:\s+(\d+)$/m.exec(fs.readFileSync(`/proc/self/fdinfo/${victim}`, 'utf8'))?.[1]
      t.is(pos, '0', 'the victim descriptor was not read or written')
    }
    t.is(s.snapshot(), before, 'the victim is untouched')
  }
  t.teardown(() => {
    if (victim !== undefined) {
      fs.closeSync(victim)
    }
    other.close()
    if (!owned.closed) {
      owned.close()
    }
  })
  return s
}

/** An options object whose every property read runs caller code first (the attack). */
function options<T extends object>(s: Scene, base: T = {} as T): T {
  return new Proxy(base, {
    get(target, key) {
      s.poison()
      return Reflect.get(target, key)
    },
  })
}

/** A `file:` URL whose every property read runs caller code first. */
function url(s: Scene, path: string): URL {
  const real = pathToFileURL(path)
  return new Proxy(real, {
    get(target, key) {
      s.poison()
      const value = Reflect.get(target, key)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

/** An array whose first element is a getter that runs caller code first. */
function array<T>(s: Scene, items: T[]): T[] {
  const copy = [...items]
  const first = copy[0]
  Object.defineProperty(copy, 0, {
    get() {
      s.poison()
      return first
    },
  })
  return copy
}

/** A FileHandle-like object whose `fd` getter runs caller code first (closing another descriptor argument). */
function fileHandle(s: Scene, fd: number): sysix.FdLike {
  return {
    close: async () => {},
    get fd() {
      s.poison()
      return fd
    },
  } as unknown as sysix.FdLike
}

type Attack = (s: Scene, fd: sysix.FdLike) => unknown

const buffer = () => Buffer.from('attack!')

/**
 * Each descriptor-taking export, by the kind of descriptor it takes, with
 * each way its other arguments can run caller code. The sync and Promise
 * forms are listed apart.
 */
const ATTACKS: Record<string, [Kind, Record<string, Attack>]> = {
  sameFileSync: [
    'file',
    {
      url: (s, fd) => sysix.sameFileSync(fd, url(s, s.path('target'))),
      fileHandle: (s, fd) => sysix.sameFileSync(fd, fileHandle(s, s.other.fd)),
    },
  ],
  sameFile: [
    'file',
    { url: (s, fd) => sysix.sameFile(fd, url(s, s.path('target'))), fileHandle: (s, fd) => sysix.sameFile(fd, fileHandle(s, s.other.fd)) },
  ],
  fileTimesSync: ['file', { options: (s, fd) => sysix.fileTimesSync(fd, options(s)) }],
  fileTimes: ['file', { options: (s, fd) => sysix.fileTimes(fd, options(s)) }],
  setFileTimesSync: [
    'file',
    {
      times: (s, fd) => sysix.setFileTimesSync(fd, options(s, { mtime: 0 })),
      options: (s, fd) => sysix.setFileTimesSync(fd, { mtime: 0 }, options(s)),
    },
  ],
  setFileTimes: [
    'file',
    {
      times: (s, fd) => sysix.setFileTimes(fd, options(s, { mtime: 0 })),
      options: (s, fd) => sysix.setFileTimes(fd, { mtime: 0 }, options(s)),
    },
  ],
  statxSync: ['file', { options: (s, fd) => sysix.statxSync(fd, options(s)) }],
  statx: ['file', { options: (s, fd) => sysix.statx(fd, options(s)) }],
  'statxSync dirFd': [
    'dir',
    {
      url: (s, fd) => sysix.statxSync(url(s, 'inside'), { dirFd: fd }),
      options: (s, fd) => sysix.statxSync('inside', options(s, { dirFd: fd })),
    },
  ],
  'statx dirFd': ['dir', { url: (s, fd) => sysix.statx(url(s, 'inside'), { dirFd: fd }) }],
  'accessSync dirFd': [
    'dir',
    {
      url: (s, fd) => sysix.accessSync(url(s, 'inside'), 0, { dirFd: fd }),
      options: (s, fd) => sysix.accessSync('inside', 0, options(s, { dirFd: fd })),
    },
  ],
  'access dirFd': ['dir', { url: (s, fd) => sysix.access(url(s, 'inside'), 0, { dirFd: fd }) }],
  openatSync: ['dir', { url: (s, fd) => sysix.openatSync(fd, url(s, 'made'), 'w') }],
  openat: ['dir', { url: (s, fd) => sysix.openat(fd, url(s, 'made'), 'w') }],
  openat2Sync: [
    'dir',
    {
      url: (s, fd) => sysix.openat2Sync(fd, url(s, 'made'), { flags: 'w' }),
      options: (s, fd) => sysix.openat2Sync(fd, 'made', options(s, { flags: 'w' })),
    },
  ],
  openat2: ['dir', { options: (s, fd) => sysix.openat2(fd, 'made', options(s, { flags: 'w', resolve: { beneath: true } })) }],
  flockSync: ['file', { options: (s, fd) => sysix.flockSync(fd, 'exclusive', options(s)) }],
  flock: ['file', { options: (s, fd) => sysix.flock(fd, 'exclusive', options(s)) }],
  lockSync: ['file', { options: (s, fd) => sysix.lockSync(fd, options(s, { type: 'write' as const })) }],
  lock: ['file', { options: (s, fd) => sysix.lock(fd, options(s, { type: 'write' as const })) }],
  getLock: ['file', { options: (s, fd) => sysix.getLock(fd, options(s)) }],
  fallocateSync: ['file', { options: (s, fd) => sysix.fallocateSync(fd, 0, 4096, options(s)) }],
  fallocate: ['file', { options: (s, fd) => sysix.fallocate(fd, 0, 4096, options(s)) }],
  copyFileRangeSync: [
    'file',
    {
      options: (s, fd) => sysix.copyFileRangeSync(s.other, fd, 5, options(s, { outOffset: 0 })),
      fileHandle: (s, fd) => sysix.copyFileRangeSync(fileHandle(s, s.other.fd), fd, 5),
    },
  ],
  copyFileRange: [
    'file',
    {
      options: (s, fd) => sysix.copyFileRange(s.other, fd, 5, options(s, { outOffset: 0 })),
      fileHandle: (s, fd) => sysix.copyFileRange(fileHandle(s, s.other.fd), fd, 5),
    },
  ],
  sendfileSync: [
    'file',
    {
      options: (s, fd) => sysix.sendfileSync(fd, s.other, 5, options(s)),
      fileHandle: (s, fd) => sysix.sendfileSync(fd, fileHandle(s, s.other.fd), 5),
    },
  ],
  sendfile: ['file', { options: (s, fd) => sysix.sendfile(fd, s.other, 5, options(s)) }],
  cloneFileSync: ['file', { fileHandle: (s, fd) => sysix.cloneFileSync(fileHandle(s, s.other.fd), fd) }],
  cloneFile: ['file', { fileHandle: (s, fd) => sysix.cloneFile(fileHandle(s, s.other.fd), fd) }],
  readvSync: ['file', { array: (s, fd) => sysix.readvSync(fd, array(s, [Buffer.alloc(8)])) }],
  readv: ['file', { array: (s, fd) => sysix.readv(fd, array(s, [Buffer.alloc(8)])) }],
  writevSync: ['file', { array: (s, fd) => sysix.writevSync(fd, array(s, [buffer()])) }],
  writev: ['file', { array: (s, fd) => sysix.writev(fd, array(s, [buffer()])) }],
  'statxMany dirFd': [
    'dir',
    {
      array: (s, fd) => sysix.statxMany(array(s, ['inside']), { dirFd: fd }),
      url: (s, fd) => sysix.statxMany([url(s, 'inside')], { dirFd: fd }),
      options: (s, fd) => sysix.statxMany(['inside'], options(s, { dirFd: fd })),
    },
  ],
  preadMany: [
    'file',
    {
      array: (s, fd) => sysix.preadMany(fd, array(s, [{ view: Buffer.alloc(8), position: 0 }])),
      request: (s, fd) => sysix.preadMany(fd, [options(s, { view: Buffer.alloc(8), position: 0 })]),
    },
  ],
  pwriteMany: [
    'file',
    {
      array: (s, fd) => sysix.pwriteMany(fd, array(s, [{ view: Buffer.from('PWNED'), position: 0 }])),
      request: (s, fd) => sysix.pwriteMany(fd, [options(s, { view: Buffer.from('PWNED'), position: 0 })]),
    },
  ],
  preadv2Sync: [
    'file',
    {
      array: (s, fd) => sysix.preadv2Sync(fd, array(s, [Buffer.alloc(8)]), 0),
      options: (s, fd) => sysix.preadv2Sync(fd, [Buffer.alloc(8)], 0, options(s)),
    },
  ],
  preadv2: ['file', { options: (s, fd) => sysix.preadv2(fd, [Buffer.alloc(8)], 0, options(s)) }],
  pwritev2Sync: [
    'file',
    {
      array: (s, fd) => sysix.pwritev2Sync(fd, array(s, [buffer()]), 0),
      options: (s, fd) => sysix.pwritev2Sync(fd, [buffer()], 0, options(s, { flags: 0 })),
    },
  ],
  pwritev2: [
    'file',
    {
      array: (s, fd) => sysix.pwritev2(fd, array(s, [buffer()]), 0),
      options: (s, fd) => sysix.pwritev2(fd, [buffer()], 0, options(s, { flags: 0 })),
    },
  ],
  dup2: ['file', { fileHandle: (s, fd) => sysix.dup2(fileHandle(s, s.other.fd), fd) }],
  dup3: [
    'file',
    { options: (s, fd) => sysix.dup3(s.other, fd, options(s)), fileHandle: (s, fd) => sysix.dup3(fileHandle(s, s.other.fd), fd) },
  ],
  renameat2Sync: [
    'dir',
    {
      url: (s, fd) => sysix.renameat2Sync(fd, 'inside', fd, url(s, 'renamed')),
      options: (s, fd) => sysix.renameat2Sync(fd, 'inside', fd, 'renamed', options(s)),
    },
  ],
  renameat2: ['dir', { url: (s, fd) => sysix.renameat2(fd, url(s, 'inside'), fd, 'renamed') }],
  linkatSync: [
    'dir',
    {
      url: (s, fd) => sysix.linkatSync(fd, 'inside', fd, url(s, 'linked')),
      options: (s, fd) => sysix.linkatSync(fd, 'inside', fd, 'linked', options(s)),
    },
  ],
  linkat: ['dir', { options: (s, fd) => sysix.linkat(fd, 'inside', fd, 'linked', options(s)) }],
  symlinkatSync: ['dir', { url: (s, fd) => sysix.symlinkatSync('/etc/passwd', fd, url(s, 'link')) }],
  symlinkat: ['dir', { url: (s, fd) => sysix.symlinkat(url(s, '/etc/passwd'), fd, 'link') }],
  readlinkatSync: [
    'dir',
    { url: (s, fd) => sysix.readlinkatSync(fd, url(s, 'inside')), options: (s, fd) => sysix.readlinkatSync(fd, 'inside', options(s)) },
  ],
  readlinkat: ['dir', { url: (s, fd) => sysix.readlinkat(fd, url(s, 'inside')) }],
  mkdiratSync: ['dir', { url: (s, fd) => sysix.mkdiratSync(fd, url(s, 'made')) }],
  mkdirat: ['dir', { url: (s, fd) => sysix.mkdirat(fd, url(s, 'made')) }],
  mknodatSync: ['dir', { url: (s, fd) => sysix.mknodatSync(fd, url(s, 'made'), constants.S_IFIFO | 0o600) }],
  mknodat: ['dir', { url: (s, fd) => sysix.mknodat(fd, url(s, 'made'), constants.S_IFIFO | 0o600) }],
  mkfifoatSync: ['dir', { url: (s, fd) => sysix.mkfifoatSync(fd, url(s, 'made')) }],
  mkfifoat: ['dir', { url: (s, fd) => sysix.mkfifoat(fd, url(s, 'made')) }],
  unlinkatSync: [
    'dir',
    { url: (s, fd) => sysix.unlinkatSync(fd, url(s, 'kept')), options: (s, fd) => sysix.unlinkatSync(fd, 'kept', options(s)) },
  ],
  unlinkat: ['dir', { options: (s, fd) => sysix.unlinkat(fd, 'kept', options(s)) }],
  fchmodatSync: [
    'dir',
    {
      url: (s, fd) => sysix.fchmodatSync(fd, url(s, 'kept'), 0o600),
      options: (s, fd) => sysix.fchmodatSync(fd, 'kept', 0o600, options(s)),
    },
  ],
  fchmodat: ['dir', { options: (s, fd) => sysix.fchmodat(fd, 'kept', 0o600, options(s)) }],
  fchownatSync: [
    'dir',
    { url: (s, fd) => sysix.fchownatSync(fd, url(s, 'kept'), 1, 1), options: (s, fd) => sysix.fchownatSync(fd, 'kept', 1, 1, options(s)) },
  ],
  fchownat: ['dir', { options: (s, fd) => sysix.fchownat(fd, 'kept', 1, 1, options(s)) }],
  readdirSync: ['dir', { options: (s, fd) => sysix.readdirSync(fd, options(s)) }],
  readdir: ['dir', { options: (s, fd) => sysix.readdir(fd, options(s)) }],
  openDir: ['dir', { options: (s, fd) => sysix.openDir(fd, options(s)) }],
  addSeals: ['file', { array: (s, fd) => sysix.addSeals(fd, array(s, ['seal' as const])) }],
  getxattrSync: [
    'file',
    {
      name: (s, fd) => sysix.getxattrSync(fd, url(s, '/user.x') as never),
      options: (s, fd) => sysix.getxattrSync(fd, 'user.x', options(s)),
    },
  ],
  getxattr: ['file', { options: (s, fd) => sysix.getxattr(fd, 'user.x', options(s)) }],
  setxattrSync: ['file', { options: (s, fd) => sysix.setxattrSync(fd, 'user.attack', 'x', options(s)) }],
  setxattr: ['file', { options: (s, fd) => sysix.setxattr(fd, 'user.attack', 'x', options(s)) }],
  listxattrSync: ['file', { options: (s, fd) => sysix.listxattrSync(fd, options(s)) }],
  listxattr: ['file', { options: (s, fd) => sysix.listxattr(fd, options(s)) }],
  removexattrSync: ['file', { options: (s, fd) => sysix.removexattrSync(fd, 'user.x', options(s)) }],
  removexattr: ['file', { options: (s, fd) => sysix.removexattr(fd, 'user.x', options(s)) }],
  inotifyAddWatch: ['file', { url: (s, fd) => sysix.inotifyAddWatch(fd, url(s, s.path('target')), constants.IN_MODIFY) }],
  readInotifyEventsSync: ['file', { options: (s, fd) => sysix.readInotifyEventsSync(fd, options(s)) }],
  readInotifyEvents: ['file', { options: (s, fd) => sysix.readInotifyEvents(fd, options(s)) }],
}

/** Root methods: the Root itself is the descriptor; every path can be a URL. */
const ROOT_ATTACKS: Record<string, (s: Scene, root: Root) => unknown> = {
  openSync: (s, root) => root.openSync(url(s, 'made'), 'w'),
  open: (s, root) => root.open(url(s, 'made'), 'w'),
  openRootSync: (s, root) => root.openRootSync(url(s, '.')),
  openRoot: (s, root) => root.openRoot(url(s, '.')),
  statSync: (s, root) => root.statSync(url(s, 'inside')),
  stat: (s, root) => root.stat(url(s, 'inside')),
  lstatSync: (s, root) => root.lstatSync(url(s, 'inside')),
  lstat: (s, root) => root.lstat(url(s, 'inside')),
  mkdirSync: (s, root) => root.mkdirSync(url(s, 'made')),
  mkdir: (s, root) => root.mkdir(url(s, 'made')),
  readdirSync: (s, root) => root.readdirSync(url(s, '.')),
  readdir: (s, root) => root.readdir('.', options(s)),
  readlinkSync: (s, root) => root.readlinkSync(url(s, 'inside')),
  readlink: (s, root) => root.readlink(url(s, 'inside')),
  symlinkSync: (s, root) => root.symlinkSync('kept', url(s, 'link')),
  symlink: (s, root) => root.symlink(url(s, 'kept'), 'link'),
  linkSync: (s, root) => root.linkSync('inside', url(s, 'linked')),
  link: (s, root) => root.link(url(s, 'inside'), 'linked'),
  renameSync: (s, root) => root.renameSync('inside', 'renamed', options(s)),
  rename: (s, root) => root.rename(url(s, 'inside'), 'renamed'),
  unlinkSync: (s, root) => root.unlinkSync(url(s, 'kept')),
  unlink: (s, root) => root.unlink(url(s, 'kept')),
  rmdirSync: (s, root) => root.rmdirSync(url(s, 'sub')),
  rmdir: (s, root) => root.rmdir(url(s, 'sub')),
  chmodSync: (s, root) => root.chmodSync(url(s, 'kept'), 0o600),
  chmod: (s, root) => root.chmod(url(s, 'kept'), 0o600),
  setFileTimesSync: (s, root) => root.setFileTimesSync('kept', options(s, { mtime: 0 })),
  setFileTimes: (s, root) => root.setFileTimes(url(s, 'kept'), { mtime: 0 }),
}

/**
 * Exports that take a descriptor but nothing else that can run caller code
 * (their other arguments are numbers, strings or views, which run none), so
 * nothing can close the descriptor between its resolution and the call.
 */
const NO_CALLER_CODE_AFTER = [
  'pipeCapacity',
  'setPipeCapacity',
  'statfsSync',
  'statfs',
  'fadviseSync',
  'fsyncSync',
  'fsync',
  'fdatasyncSync',
  'fdatasync',
  'syncfsSync',
  'syncfs',
  'ftruncateSync',
  'ftruncate',
  'seekData',
  'seekHole',
  'sparseMapSync',
  'sparseMap',
  'preadSync',
  'pread',
  'pwriteSync',
  'pwrite',
  'fcntlGetFd',
  'fcntlSetFd',
  'fcntlGetFl',
  'fcntlSetFl',
  'fionread',
  'getSeals',
  'inotifyRemoveWatch',
]

/** Exports that take no descriptor at all. */
const NO_DESCRIPTOR = [
  'borrowFd',
  'fileTimesMany',
  'pipe',
  'dupStdin',
  'dupStdout',
  'dupStderr',
  'cpuAffinity',
  'cpuCount',
  'cpuQuota',
  'physicalCpuCount',
  'info',
  'open',
  'openSync',
  'writeFileAtomic',
  'writeFileAtomicSync',
  'memfdCreate',
  'inotifyInit',
]

/** Whether `error` is what an attacked call must end with: EBADF, or a TypeError. */
function refused(error: unknown): boolean {
  return error instanceof TypeError || (error as { code?: unknown })?.code === 'EBADF'
}

async function outcome(run: () => unknown): Promise<{ error?: unknown; value?: unknown }> {
  try {
    return { value: await run() }
  } catch (error) {
    return { error }
  }
}

function describeResult(result: { error?: unknown; value?: unknown }): string {
  return result.error === undefined ? `returned ${String(result.value)}` : `failed with ${String(result.error)}`
}

test('every export taking a descriptor is attacked below, or is listed with why it need not be', (t) => {
  const functions = Object.entries(sysix)
    .filter(([name, value]) => typeof value === 'function' && !/^[A-Z]/.test(name))
    .map(([name]) => name)
  const attacked = new Set(Object.keys(ATTACKS).map((key) => key.split(' ')[0]))
  const missing = functions.filter((name) => !attacked.has(name) && !NO_CALLER_CODE_AFTER.includes(name) && !NO_DESCRIPTOR.includes(name))
  t.deepEqual(missing, [], 'each function is attacked or listed')
  const rootMethods = Object.getOwnPropertyNames(Root.prototype).filter(
    (name) =>
      name !== 'constructor' && typeof Object.getOwnPropertyDescriptor(Root.prototype, name)?.value === 'function' && name !== 'close',
  )
  t.deepEqual(
    rootMethods.filter((name) => !(name in ROOT_ATTACKS)),
    [],
    'each Root method is attacked',
  )
})

for (const [name, [kind, vectors]] of Object.entries(ATTACKS)) {
  for (const [vector, attack] of Object.entries(vectors)) {
    for (const lent of ['OwnedFd', 'BorrowedFd'] as const) {
      test.serial(
        `${name} (${lent}): caller code in its ${vector} closes the descriptor and puts a victim on its number: refused`,
        async (t) => {
          const s = scene(t, kind)
          const owned = s.owned as sysix.OwnedFd
          const fd = lent === 'OwnedFd' ? owned : owned.borrow()
          const result = await outcome(() => attack(s, fd))
          t.true(s.poisoned, 'the caller code ran')
          t.true(refused(result.error), `${name} ${describeResult(result)}`)
          s.verify()
        },
      )
    }
  }
}

for (const [method, attack] of Object.entries(ROOT_ATTACKS)) {
  test.serial(
    `Root#${method}: caller code in its arguments closes the root and puts a victim directory on its number: refused`,
    async (t) => {
      const s = scene(t, 'root')
      fs.mkdirSync(s.path('tdir/sub'))
      const result = await outcome(() => attack(s, s.owned as Root))
      t.true(s.poisoned, 'the caller code ran')
      t.true(refused(result.error), `Root#${method} ${describeResult(result)}`)
      s.verify()
    },
  )
}

test.serial(
  'a real FileHandle closed by an options getter is refused (its close is asynchronous: the number may still be open)',
  async (t) => {
    const dir = tempDir(t)
    const file = join(dir, 'f')
    fs.writeFileSync(file, 'content')
    for (const form of ['sync', 'promise'] as const) {
      const handle = await fs.promises.open(file, 'r+')
      let closing: Promise<void> | undefined
      const poisoned = {
        get flags() {
          closing = handle.close()
          return 0
        },
      }
      const call = () =>
        form === 'sync'
          ? sysix.pwritev2Sync(handle, [Buffer.from('XX')], 0, poisoned)
          : sysix.pwritev2(handle, [Buffer.from('XX')], 0, poisoned)
      const result = await outcome(call)
      await closing
      t.like(result.error, { code: 'EBADF' }, form)
      t.regex(String((result.error as Error)?.message), /the FileHandle passed as "fd" is closed/)
    }
    t.is(fs.readFileSync(file, 'utf8'), 'content')
  },
)

test.serial('the issue: pwritev2Sync with a flags getter that closes the OwnedFd and opens a victim writes nothing there', (t) => {
  const dir = tempDir(t)
  const victim = join(dir, 'victim')
  fs.writeFileSync(victim, 'victim')
  const o = sysix.openSync(join(dir, 'mine'), 'w+')
  let victimFd = -1
  const error = t.throws(() =>
    sysix.pwritev2Sync(o, [Buffer.from('PWNED')], 0, {
      get flags() {
        o.close()
        victimFd = fs.openSync(victim, 'r+')
        return 0
      },
    }),
  )
  t.like(error, {
    code: 'EBADF',
    syscall: 'pwritev2Sync',
    message: 'EBADF: bad file descriptor, pwritev2Sync: the OwnedFd passed as "fd" is closed',
  })
  fs.closeSync(victimFd)
  t.is(fs.readFileSync(victim, 'utf8'), 'victim')
})

test('where no code may be generated from strings, the wrappers are the shared ones and keep the order', (t) => {
  // lib/call.ts writes a wrapper per binding with new Function (faster), and
  // falls back to one shared wrapper where a policy forbids that.
  const script = `
    const fs = require('node:fs')
    const dir = fs.mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'sysix-nogen-'))
    const victim = dir + '/victim'
    fs.writeFileSync(victim, 'victim')
    let generated
    try { new Function('return 1'); generated = true } catch (e) { generated = e.constructor.name }
    const o = sysix.openSync(dir + '/mine', 'w+')
    let code, victimFd = -1
    try {
      sysix.pwritev2Sync(o, [Buffer.from('PWNED')], 0, { get flags() { o.close(); victimFd = fs.openSync(victim, 'r+'); return 0 } })
    } catch (e) { code = e.code }
    fs.closeSync(victimFd)
    const wrapper = String(require(sysixRoot + '/dist/lib/binding.js').native.pwritev2Sync)
    report({ generated, code, victim: fs.readFileSync(victim, 'utf8'), shared: wrapper.startsWith('(a, b, c, d, e, f, g, h)'), stat: String(sysix.statxSync(dir).size > 0) })
    fs.rmSync(dir, { recursive: true })
  `
  const refused = inChild<Record<string, unknown>>(script, { nodeArgs: ['--disallow-code-generation-from-strings'] })
  t.deepEqual(refused, { generated: 'EvalError', code: 'EBADF', victim: 'victim', shared: true, stat: 'true' })
  const allowed = inChild<Record<string, unknown>>(script)
  t.deepEqual(allowed, { generated: true, code: 'EBADF', victim: 'victim', shared: false, stat: 'true' })
})

// ---------------------------------------------------------------------------
// The binding's exports

test('code that reaches into the addon and detaches its scratch memory gets errors, never a write to freed memory', (t) => {
  const out = inChild<{ before: string; after: string[]; into: string }>(`
    const internal = require(${JSON.stringify(join(ROOT, 'dist', 'lib', 'binding.js'))});
    const before = typeof sysix.statxSync('/').ino;
    const memory = internal.scratch.i64.buffer;
    structuredClone(memory, { transfer: [memory] });
    const after = [];
    for (const run of [() => sysix.statxSync('/'), () => sysix.fileTimesSync('/'), () => sysix.pipe(), () => sysix.FileId.fromPath('/')]) {
      try { run(); after.push('returned') } catch (error) { after.push(error.message) }
    }
    const into = new BigInt64Array(sysix.STATX_LEN);
    sysix.statxSync('/', {}, into);
    report({ before, after, into: typeof into[sysix.StatxSlot.Ino] });
  `)
  t.is(out.before, 'bigint')
  t.deepEqual(out.after, Array(4).fill("sysix's own scratch memory was detached"))
  t.is(out.into, 'bigint', 'calls given an array of their own still work')
})

test('every export the binding registers was made by bindings!, or is listed with its reason', (t) => {
  const addon = fs.readdirSync(join(ROOT, 'dist')).find((name) => /^sysix\..+\.node$/.test(name))
  t.truthy(addon, 'the build wrote an addon into dist/')
  const raw = createRequire(import.meta.url)(join(ROOT, 'dist', addon as string)) as Record<string, unknown> & {
    bindingTable(): { name: string; form: string; params: { kind: string }[] }[]
  }
  const table = raw.bindingTable()
  const made = new Set(table.map((entry) => entry.name))
  const notCalls: Record<string, string> = {
    VERSION: 'a constant: the version the loader checks against package.json',
    STATX_LEN: "a constant of the statx layout, napi-derive's",
    StatxSlot: "the statx layout, an enum of napi-derive's",
    scratch: "the environment's scratch memory, made as the addon loads, which synchronous calls given undefined fill",
  }
  const unexplained = Object.keys(raw).filter((name) => !made.has(name) && !(name in notCalls))
  t.deepEqual(unexplained, [], 'no export bypasses bindings!')
  t.deepEqual(
    Object.keys(notCalls).filter((name) => !(name in raw)),
    [],
    'the list of exceptions holds only exports that exist',
  )
  for (const entry of table) {
    t.is(typeof raw[entry.name], 'function', `${entry.name} is registered`)
    t.true(['sync', 'promise', 'wait'].includes(entry.form))
    // lib/call.ts resolves descriptors among the first three parameters only.
    t.true(
      entry.params.slice(3).every((param) => param.kind === 'plain'),
      `${entry.name} takes descriptors where lib/call.ts resolves them`,
    )
  }
  t.true(table.length > 100)
})
