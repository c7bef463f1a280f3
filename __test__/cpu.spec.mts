import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'

import test from 'ava'

import { cpuAffinity, cpuCount, cpuQuota, physicalCpuCount } from 'sysix'
import { cpuList } from '../dist/bin/sysix.js'
import { ROOT, cpuCgroupRoot, tool } from './helpers.mjs'

interface Counts {
  count: number
  affinity: number[]
  quota: { version: number; cgroup: string; quotaUs: number; periodUs: number; cpus: number } | null
  nproc: number
  osCpus: number
  availableParallelism: number
}

/**
 * Runs Node after a shell `setup` (a move into a cgroup) and under a
 * `wrapper` command (taskset), reporting sysix's counts and others'.
 */
function countsUnder(setup: string, wrapper = ''): Counts {
  const script = `
    const s = require(${JSON.stringify(ROOT)});
    const os = require('os');
    const nproc = Number(require('child_process').execFileSync('nproc', { encoding: 'utf8' }));
    console.log(JSON.stringify({ count: s.cpuCount(), affinity: s.cpuAffinity(), quota: s.cpuQuota(), nproc,
      osCpus: os.cpus().length, availableParallelism: os.availableParallelism() }));`
  const result = spawnSync('sh', ['-c', `${setup} exec ${wrapper} "$0" -e "$1"`, process.execPath, script], { encoding: 'utf8' })
  if (result.status !== 0) {
    throw new Error(result.stderr)
  }
  return JSON.parse(result.stdout) as Counts
}

/** This process's affinity as Python's os.sched_getaffinity reports it. */
function pythonAffinity(pid: number): number[] {
  return JSON.parse(tool('python3', ['-c', `import os, json; print(json.dumps(sorted(os.sched_getaffinity(${pid}))))`]))
}

test('cpuAffinity matches taskset and Python; cpuCount matches nproc when no quota applies', (t) => {
  t.deepEqual(cpuAffinity(), pythonAffinity(process.pid))
  const list = tool('taskset', ['-pc', String(process.pid)])
    .trim()
    .split(': ')[1]
  t.is(list, cpuList(cpuAffinity()), 'and sysix info writes the list as taskset does')
  t.deepEqual(cpuList([0, 1, 2, 3, 6, 8, 9]), '0-3,6,8,9')
  if (cpuQuota() === null) {
    t.is(cpuCount(), Number(tool('nproc', []).trim()))
  } else {
    t.true(cpuCount() <= cpuAffinity().length)
  }
})

test('under taskset, every count follows the affinity mask but os.cpus()', (t) => {
  const all = cpuAffinity()
  const first = all[0]
  const counts = countsUnder('', `taskset -c ${first}`)
  t.is(counts.count, 1)
  t.deepEqual(counts.affinity, [first])
  t.is(counts.nproc, 1)
  t.is(counts.availableParallelism, 1)
  t.is(counts.osCpus, cpus().length, 'os.cpus() counts the machine, not the process')
})

test('physicalCpuCount matches the distinct cores lscpu lists', (t) => {
  const lines = tool('lscpu', ['-p=CORE,SOCKET,BOOK,DRAWER'])
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
  const cores = new Set(lines)
  t.is(physicalCpuCount(), cores.size)
  t.true(physicalCpuCount() <= cpus().length)
})

/** A cgroup v1 `cpu` child with `quota` µs per 100 ms, removed afterwards. */
function withQuotaCgroup(root: string, quotaUs: number, fn: (dir: string) => void): void {
  const dir = join(root, `sysix-test-${process.pid}-${quotaUs}`)
  mkdirSync(dir)
  try {
    writeFileSync(join(dir, 'cpu.cfs_period_us'), '100000')
    writeFileSync(join(dir, 'cpu.cfs_quota_us'), String(quotaUs))
    fn(dir)
  } finally {
    rmdirSync(dir)
  }
}

test('a cgroup CPU quota caps cpuCount, rounded up, where nproc and os.cpus() see the host', (t) => {
  const root = cpuCgroupRoot()
  if (root === undefined) {
    // Without permission to create cgroups, check the quota this process is under.
    const quota = cpuQuota()
    t.log('cannot create a cgroup here: checking the current one only')
    t.is(cpuCount(), quota === null ? cpuAffinity().length : Math.min(Math.max(1, Math.ceil(quota.cpus)), cpuAffinity().length))
    return
  }
  const host = cpuAffinity().length
  t.true(host >= 2, 'the quota test needs a machine with 2 or more CPUs')
  withQuotaCgroup(root, 50_000, (dir) => {
    const counts = countsUnder(`echo $$ > ${dir}/cgroup.procs &&`)
    t.is(counts.count, 1, 'half a CPU rounds up to 1')
    t.deepEqual(counts.quota, { version: 1, cgroup: dir, quotaUs: 50_000, periodUs: 100_000, cpus: 0.5 })
    t.is(counts.nproc, host, 'nproc ignores the quota')
    t.is(counts.osCpus, cpus().length)
    t.log(`Node ${process.version} os.availableParallelism() under a 0.5-CPU quota: ${counts.availableParallelism}`)
  })
  withQuotaCgroup(root, 150_000, (dir) => {
    const counts = countsUnder(`echo $$ > ${dir}/cgroup.procs &&`)
    t.is(counts.count, Math.min(2, host), '1.5 CPUs round up to 2')
    t.is(counts.quota?.cpus, 1.5)
  })
  withQuotaCgroup(root, 100_000, (dir) => {
    const counts = countsUnder(`echo $$ > ${dir}/cgroup.procs &&`, `taskset -c ${cpuAffinity()[0]}`)
    t.is(counts.count, 1, 'affinity and quota: the smaller wins')
  })
  withQuotaCgroup(root, 50_000, (dir) => {
    // The quota is read once per process; cpuQuota() reads it afresh.
    const script = `
      const s = require(${JSON.stringify(ROOT)});
      const before = [s.cpuCount(), s.cpuQuota().cpus];
      require('fs').writeFileSync(${JSON.stringify(join(dir, 'cpu.cfs_quota_us'))}, '-1');
      console.log(JSON.stringify({ before, after: [s.cpuCount(), s.cpuQuota()] }));`
    const result = spawnSync('sh', ['-c', `echo $$ > ${dir}/cgroup.procs && exec "$0" -e "$1"`, process.execPath, script], {
      encoding: 'utf8',
    })
    t.deepEqual(JSON.parse(result.stdout), { before: [1, 0.5], after: [1, null] })
  })
})

test('a quota set on an ancestor cgroup binds too, unlike num_cpus which reads only its own cgroup', (t) => {
  const root = cpuCgroupRoot()
  if (root === undefined) {
    t.log('cannot create a cgroup here: checking that cpuQuota matches the files of the current one')
    const quota = cpuQuota()
    const own = /^\d+:(?:[^:]*,)?cpu(?:,[^:]*)?:(.*)$/m.exec(readFileSync('/proc/self/cgroup', 'utf8'))
    t.is(
      quota === null,
      own === null || readFileSync(join(root ?? '/sys/fs/cgroup/cpu', own[1], 'cpu.cfs_quota_us'), 'utf8').trim() === '-1',
    )
    return
  }
  withQuotaCgroup(root, 50_000, (parent) => {
    const child = join(parent, 'inner')
    mkdirSync(child)
    try {
      const counts = countsUnder(`echo $$ > ${child}/cgroup.procs &&`)
      t.deepEqual(counts.quota, { version: 1, cgroup: parent, quotaUs: 50_000, periodUs: 100_000, cpus: 0.5 })
      t.is(counts.count, 1, "the parent's half CPU binds the child")
      t.is(counts.nproc, cpuAffinity().length)
    } finally {
      rmdirSync(child)
    }
  })
})
