// The smoke cases of cpu (see smoke.mjs).

import { S, assert, fs, os, path, readOptional } from './kit.mjs'

/** One case per export or group of exports: the key lists the names it covers, `, `-separated. */
export const cases = {
  cpuCount: async () => {
    const n = S.cpuCount()
    assert.ok(Number.isInteger(n) && n >= 1, `cpuCount() = ${n}`)
    const affinity = S.cpuAffinity().length
    const quota = S.cpuQuota()
    assert.equal(
      n,
      Math.max(1, quota === null ? affinity : Math.min(affinity, Math.ceil(quota.cpus))),
      'affinity capped by the quota, rounded up',
    )
    assert.ok(n <= os.cpus().length)
    assert.equal(typeof os.availableParallelism, 'function')
    // availableParallelism applies affinity, and (libuv 1.49+) the quota rounded down.
    const available = os.availableParallelism()
    assert.ok(
      n <= (quota === null ? available : Math.max(available, Math.ceil(quota.cpus))),
      `cpuCount() ${n}, availableParallelism() ${available}`,
    )
  },
  physicalCpuCount: async () => {
    const n = S.physicalCpuCount()
    assert.ok(Number.isInteger(n) && n >= 1)
    assert.ok(n <= os.cpus().length, 'no more cores than logical CPUs')
    const cores = new Set()
    let physical = '0'
    for (const line of fs.readFileSync('/proc/cpuinfo', 'utf8').split('\n')) {
      const [key, value] = line.split(':').map((part) => part?.trim())
      if (key === 'physical id') {
        physical = value
      } else if (key === 'core id') {
        cores.add(`${physical}:${value}`)
      }
    }
    assert.equal(n, cores.size > 0 ? cores.size : S.cpuCount(), 'the distinct (physical id, core id) pairs of /proc/cpuinfo')
  },
  cpuAffinity: async () => {
    const cpus = S.cpuAffinity()
    assert.ok(Array.isArray(cpus) && cpus.length >= 1)
    assert.deepEqual(
      cpus,
      [...new Set(cpus)].sort((a, b) => a - b),
      'ascending, no repeats',
    )
    const status = fs.readFileSync('/proc/thread-self/status', 'utf8')
    const list = status.match(/^Cpus_allowed_list:\s*(.+)$/m)[1]
    const expected = list.split(',').flatMap((range) => {
      const [from, to = from] = range.split('-').map(Number)
      return Array.from({ length: to - from + 1 }, (_, i) => from + i)
    })
    assert.deepEqual(cpus, expected, `Cpus_allowed_list: ${list}`)
  },
  cpuQuota: async () => {
    const quota = S.cpuQuota()
    const lines = fs.readFileSync('/proc/self/cgroup', 'utf8').trim().split('\n')
    if (quota === null) {
      // No limit from the process's own cgroup, at least: check what is readable.
      for (const line of lines) {
        const [, controllers, group] = line.split(':')
        if (controllers === '') {
          const max = readOptional(path.join('/sys/fs/cgroup', group, 'cpu.max'))
          assert.ok(max === null || max.startsWith('max'), `cpu.max of ${group}: ${max}`)
        } else if (controllers.split(',').includes('cpu')) {
          for (const mount of ['/sys/fs/cgroup/cpu', '/sys/fs/cgroup/cpu,cpuacct']) {
            const us = readOptional(path.join(mount, group, 'cpu.cfs_quota_us'))
            assert.ok(us === null || Number(us) < 0, `cpu.cfs_quota_us of ${group}: ${us}`)
          }
        }
      }
      return
    }
    assert.ok(quota.version === 1 || quota.version === 2)
    assert.ok(fs.statSync(quota.cgroup).isDirectory(), quota.cgroup)
    assert.ok(quota.quotaUs > 0 && quota.periodUs > 0)
    assert.ok(Math.abs(quota.cpus - quota.quotaUs / quota.periodUs) < 1e-9)
    if (quota.version === 2) {
      assert.equal(readOptional(path.join(quota.cgroup, 'cpu.max')), `${quota.quotaUs} ${quota.periodUs}`)
    } else {
      assert.equal(Number(readOptional(path.join(quota.cgroup, 'cpu.cfs_quota_us'))), quota.quotaUs)
    }
  },
}
