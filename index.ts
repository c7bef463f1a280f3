// sysix: the operating-system calls Node core leaves out.
//
// Each area lives in its own module under lib/; this file is the public
// surface. See README.md for the guide and the API reference.

export { BorrowedFd, OwnedFd, borrowFd } from './lib/fd'
export type { FdLike, PathOrFd } from './lib/fd'
export type { Mode, PathLike } from './lib/validate'
export type { NodeError, SystemError } from './lib/errors'

export { Pipe, dupStderr, dupStdin, dupStdout, pipe, pipeCapacity, setPipeCapacity } from './lib/pipe'
export type { PipeOptions } from './lib/pipe'

export { cpuAffinity, cpuCount, cpuQuota, physicalCpuCount } from './lib/cpu'
export type { CpuQuota } from './lib/cpu'

export { FileId, sameFile, sameFileSync } from './lib/same_file'

export { fileTimes, fileTimesMany, fileTimesSync, setFileTimes, setFileTimesSync } from './lib/times'
export type { FileTimes, FileTimesOptions, SetFileTimes, TimeLike } from './lib/times'

export { info } from './lib/info'
export type { CpuInfo, Filesystem, Kernel, Limit, PipeInfo, SysixInfo } from './lib/info'

export * from './lib/fs/index'
