// sysix/fs: the file-system calls Node's fs lacks, and Root, a directory
// nothing can escape. Each group lives in its own module; this is the
// subpath's public surface (everything is also exported by `sysix`).

export { AT_FDCWD, constants } from './common'

export { preadMany, pwriteMany, statxMany } from './batch'
export type { ReadRequest, WriteRequest } from './batch'
export type { FileType, NameEncoding, OpenFlags } from './common'

export { open, openat, openat2, openat2Sync, openatSync, openSync } from './open'
export type { Openat2Options, ResolveOptions } from './open'

export { Root } from './root'
export type { RootOptions } from './root'

export { access, accessSync, STATX_LEN, StatxSlot, statfs, statfsSync, statx, statxSync } from './stat'
export type { AccessOptions, StatFs, Statx, StatxAttributes, StatxOptions } from './stat'

export { flock, flockSync, getLock, lock, lockSync } from './lock'
export type { FlockOperation, FlockOptions, LockHolder, LockOptions, LockType } from './lock'

export {
  cloneFile,
  cloneFileSync,
  copyFileRange,
  copyFileRangeSync,
  fadviseSync,
  fallocate,
  fallocateSync,
  fdatasync,
  fdatasyncSync,
  fsync,
  fsyncSync,
  ftruncate,
  ftruncateSync,
  seekData,
  seekHole,
  sendfile,
  sendfileSync,
  sparseMap,
  sparseMapSync,
  syncfs,
  syncfsSync,
} from './data'
export type { Advice, CopyFileRangeOptions, DataExtent, FallocateOptions } from './data'

export {
  dup2,
  dup3,
  fcntlGetFd,
  fcntlGetFl,
  fcntlSetFd,
  fcntlSetFl,
  fionread,
  pread,
  preadSync,
  preadv2,
  preadv2Sync,
  pwrite,
  pwriteSync,
  pwritev2,
  pwritev2Sync,
  readv,
  readvSync,
  writev,
  writevSync,
} from './io'
export type { ReadWrite2Options, View } from './io'

export {
  fchmodat,
  fchmodatSync,
  fchownat,
  fchownatSync,
  linkat,
  linkatSync,
  mkdirat,
  mkdiratSync,
  mkfifoat,
  mkfifoatSync,
  mknodat,
  mknodatSync,
  readlinkat,
  readlinkatSync,
  renameat2,
  renameat2Sync,
  symlinkat,
  symlinkatSync,
  unlinkat,
  unlinkatSync,
} from './names'
export type { LinkOptions, RenameOptions } from './names'

export { writeFileAtomic, writeFileAtomicSync } from './atomic'
export type { WriteFileAtomicOptions } from './atomic'

export { Dir, openDir, readdir, readdirSync } from './dir'
export type { Dirent, ReaddirOptions } from './dir'

export { addSeals, getSeals, memfdCreate } from './memfd'
export type { MemfdOptions, Seal } from './memfd'

export { getxattr, getxattrSync, listxattr, listxattrSync, removexattr, removexattrSync, setxattr, setxattrSync } from './xattr'
export type { SetXattrOptions, XattrOptions } from './xattr'

export { inotifyAddWatch, inotifyInit, inotifyRemoveWatch, readInotifyEvents, readInotifyEventsSync } from './inotify'
export type { InotifyEvent } from './inotify'
