// A program written as a user of sysix would write it, in TypeScript 5.2+:
// `package.spec.ts` type-checks it against the published typings (through
// node_modules/sysix, as an installed package), compiles it and runs it.

import { spawnSync } from 'node:child_process'
import { closeSync, openSync, readSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'

import {
  FileId,
  OwnedFd,
  borrowFd,
  cpuAffinity,
  cpuCount,
  cpuQuota,
  fileTimes,
  fileTimesSync,
  info,
  physicalCpuCount,
  pipe,
  pipeCapacity,
  sameFileSync,
  setFileTimesSync,
  type CpuQuota,
  type FdLike,
  type FileTimes,
  type Pipe,
  type SysixInfo,
  type SystemError,
  type TimeLike,
} from 'sysix'

async function main(dir: string): Promise<Record<string, unknown>> {
  const path = join(dir, 'file')
  writeFileSync(path, 'data')

  let escaped: OwnedFd
  {
    using fd = OwnedFd.fromRaw(openSync(path, 'r'))
    escaped = fd
    const buffer = Buffer.alloc(4)
    readSync(fd.fd, buffer)
  }

  const ends: Pipe = pipe({ nonBlocking: false })
  {
    using reader = ends.reader
    using writer = ends.writer
    writeSync(writer.fd, 'x')
  }

  const when: TimeLike = new Date(0)
  setFileTimesSync(path, { mtime: when, atime: 1_500_000_000n })
  const times: FileTimes = fileTimesSync(path, { followSymlinks: true })
  const asyncTimes: FileTimes = await fileTimes(path)

  const capacityPipe = pipe()
  const target: FdLike = capacityPipe.reader
  const capacity: number = pipeCapacity(target)
  capacityPipe.reader.close()
  capacityPipe.writer.close()

  let same: boolean
  {
    using a = FileId.fromPath(path)
    using b = FileId.fromFd(borrowFd(openSync(path, 'r')))
    same = a.equals(b) && sameFileSync(path, Buffer.from(path))
  }

  let code: string | undefined
  try {
    fileTimesSync(join(dir, 'missing'))
  } catch (error) {
    code = (error as SystemError).code
  }

  const quota: CpuQuota | null = cpuQuota()
  const report: SysixInfo = info()
  const child = spawnSync('true')
  closeSync(openSync(path, 'r'))

  return {
    disposed: escaped.closed,
    mtimeNs: String(times.mtimeNs),
    atimeNs: String(asyncTimes.atimeNs),
    capacity,
    same,
    code,
    cpus: cpuCount() === report.cpu.count && physicalCpuCount() >= 1 && cpuAffinity().length >= 1,
    quota: quota === null ? null : typeof quota.cpus,
    child: child.status,
  }
}

main(process.argv[2]).then((result) => console.log(JSON.stringify(result)))
