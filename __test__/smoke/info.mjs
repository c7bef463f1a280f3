// The smoke cases of info (see smoke.mjs).

import { BUN, DENO, ROOT, S, assert, fs, os, path } from './kit.mjs'

/** One case per export or group of exports: the key lists the names it covers, `, `-separated. */
export const cases = {
  info: async () => {
    const info = S.info()
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
    assert.equal(info.sysix.version, pkg.version)
    const name = BUN ? 'bun' : DENO ? 'deno' : 'node'
    assert.equal(info.runtime.name, name)
    assert.equal(info.runtime.version, process.versions[name])
    assert.ok(info.runtime.napi === null || (Number.isInteger(info.runtime.napi) && info.runtime.napi >= 1))
    assert.equal(info.kernel.name, 'Linux')
    assert.equal(info.kernel.release, os.release())
    assert.equal(info.kernel.machine, os.machine())
    assert.equal(info.cpu.count, S.cpuCount())
    assert.equal(info.cpu.physical, S.physicalCpuCount())
    assert.deepEqual(info.cpu.affinity, S.cpuAffinity())
    assert.deepEqual(info.cpu.quota, S.cpuQuota())
    assert.equal(info.cpu.nodeCpus, os.cpus().length)
    assert.equal(info.cpu.nodeAvailableParallelism, os.availableParallelism())
    const limits = fs.readFileSync('/proc/self/limits', 'utf8').match(/^Max open files\s+(\S+)\s+(\S+)/m)
    const limit = (text) => (text === 'unlimited' ? null : Number(text))
    assert.deepEqual(info.openFiles, { soft: limit(limits[1]), hard: limit(limits[2]) })
    assert.equal(info.pipe.maxCapacity, Number(fs.readFileSync('/proc/sys/fs/pipe-max-size', 'utf8')))
    const p = S.pipe()
    assert.equal(info.pipe.defaultCapacity, S.pipeCapacity(p.reader))
    p[Symbol.dispose]()
    assert.equal(info.cwd?.path, process.cwd())
  },
}
