// The package as a user meets it: installed under node_modules, imported
// from ESM and CommonJS, type-checked by tsc, run through its `sysix` command,
// and described by its README.

import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, lstatSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

import test, { type ExecutionContext } from 'ava'

import * as sysix from '../index.js'
import { ROOT, tempDir, tool } from './helpers.js'

const require = createRequire(import.meta.url)
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
/** The package's exports, as `require('sysix')` has them. */
const EXPORTS = Object.keys(require(ROOT)).sort()

/** A fresh project with sysix installed in its node_modules (linked, as `npm install ../sysix` does). */
function project(t: ExecutionContext): string {
  const dir = tempDir(t)
  mkdirSync(join(dir, 'node_modules'))
  symlinkSync(ROOT, join(dir, 'node_modules', 'sysix'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true }))
  return dir
}

function node(args: string[], cwd: string): string {
  return execFileSync(process.execPath, args, { cwd, encoding: 'utf8' })
}

test('CommonJS and ESM see the same named exports', (t) => {
  const dir = project(t)
  writeFileSync(
    join(dir, 'esm.mjs'),
    `import * as esm from 'sysix';
     import { pipe, cpuCount } from 'sysix';
     import { createRequire } from 'node:module';
     const cjs = createRequire(import.meta.url)('sysix');
     const { reader, writer } = pipe();
     reader.close(); writer.close();
     console.log(JSON.stringify({
       esm: Object.keys(esm).filter((k) => k !== 'default' && k !== '__esModule').sort(),
       cjs: Object.keys(cjs).sort(),
       sameObjects: esm.OwnedFd === cjs.OwnedFd,
       cpus: cpuCount(),
     }));`,
  )
  const result = JSON.parse(node(['esm.mjs'], dir))
  t.deepEqual(result.esm, result.cjs)
  t.deepEqual(result.cjs, EXPORTS)
  t.true(result.sameObjects, 'one copy of each class: no dual-package hazard')
  t.is(result.cpus, sysix.cpuCount())

  writeFileSync(join(dir, 'cjs.cjs'), `const { pipe } = require('sysix'); const p = pipe(); console.log(p.reader.fd > 2); p.reader.close(); p.writer.close();`)
  t.is(node(['cjs.cjs'], dir).trim(), 'true')
})

test('a TypeScript user program type-checks against the typings, and `using` closes', (t) => {
  const dir = project(t)
  copyFileSync(join(ROOT, '__test__', 'consumer', 'usage.ts'), join(dir, 'usage.ts'))
  const config = JSON.parse(readFileSync(join(ROOT, '__test__', 'consumer', 'tsconfig.json'), 'utf8'))
  config.compilerOptions.typeRoots = [join(ROOT, 'node_modules', '@types')]
  config.compilerOptions.types = ['node']
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(config))
  const compiled = spawnSync(process.execPath, [TSC, '-p', dir], { encoding: 'utf8' })
  t.is(compiled.status, 0, compiled.stdout + compiled.stderr)

  const data = tempDir(t)
  const probe = sysix.pipe()
  const capacity = sysix.pipeCapacity(probe.reader)
  probe.reader.close()
  probe.writer.close()
  const result = JSON.parse(node(['usage.js', data], dir))
  t.deepEqual(result, {
    disposed: true,
    mtimeNs: '0',
    atimeNs: '1500000000',
    capacity,
    same: true,
    code: 'ENOENT',
    cpus: true,
    quota: sysix.cpuQuota() === null ? null : 'number',
    child: 0,
  })
})

test('a type error in user code is caught by the typings', (t) => {
  const dir = project(t)
  writeFileSync(
    join(dir, 'wrong.ts'),
    `import { setFileTimesSync, pipe } from 'sysix';
     setFileTimesSync('/x', { mtime: 'yesterday' });
     pipe({ nonblocking: true });`,
  )
  const result = spawnSync(
    process.execPath,
    [TSC, '--noEmit', '--strict', '--module', 'node16', '--target', 'es2022', '--typeRoots', join(ROOT, 'node_modules', '@types'), join(dir, 'wrong.ts')],
    { encoding: 'utf8' },
  )
  t.not(result.status, 0)
  t.regex(result.stdout, /wrong\.ts\(2,.*TS2322/)
  t.regex(result.stdout, /wrong\.ts\(3,.*TS2561|wrong\.ts\(3,.*TS2353/)
})

test('the whole project type-checks (tsc --noEmit)', (t) => {
  const result = spawnSync(process.execPath, [TSC, '--noEmit', '-p', join(ROOT, 'tsconfig.json')], { encoding: 'utf8' })
  t.is(result.status, 0, result.stdout + result.stderr)
})

test('the addon imports only Node-API and the C library: no libuv, V8 or Node internals', (t) => {
  const addon = readdirSync(ROOT).find((name) => /^sysix\..+\.node$/.test(name))
  t.truthy(addon, 'the build left a sysix.<target>.node next to the package')
  const imports = tool('nm', ['-D', '--undefined-only', join(ROOT, addon!)])
    .split('\n')
    .map((line) => line.trim().split(/\s+/).pop() ?? '')
    .filter(Boolean)
  t.true(imports.some((symbol) => symbol.startsWith('napi_')))
  t.deepEqual(
    imports.filter((symbol) => /^(uv_|_ZN2v8|_ZN4node|node_module_register)/.test(symbol)),
    [],
    'Bun panics on libuv symbols it lacks; V8 and Node internals tie the addon to one Node version',
  )
})

test('without its native binding, sysix says what is missing; SYSIX_NATIVE_PATH points at one', (t) => {
  const dir = tempDir(t)
  mkdirSync(join(dir, 'lib'))
  for (const file of ['index.js', 'package.json', ...readdirSync(join(ROOT, 'lib')).filter((f) => f.endsWith('.js')).map((f) => `lib/${f}`)]) {
    copyFileSync(join(ROOT, file), join(dir, file))
  }
  const load = (env: NodeJS.ProcessEnv) =>
    spawnSync(process.execPath, ['-e', 'console.log(require(".").cpuCount())'], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } })
  const missing = load({})
  t.not(missing.status, 0)
  t.regex(missing.stderr, /Cannot load sysix's native binding for linux-x64-gnu: tried .*sysix\.linux-x64-gnu\.node and sysix-linux-x64-gnu/)
  const addon = readdirSync(ROOT).find((name) => /^sysix\..+\.node$/.test(name))!
  const found = load({ SYSIX_NATIVE_PATH: join(ROOT, addon) })
  t.is(found.status, 0, found.stderr)
  t.is(Number(found.stdout), sysix.cpuCount())
})

test('`sysix info` prints what sysix and real tools see', (t) => {
  const text = node([join(ROOT, 'bin', 'sysix.js'), 'info'], ROOT)
  t.regex(text, new RegExp(`^kernel +Linux ${tool('uname', ['-r']).trim().replace(/[.+]/g, '\\$&')} `, 'm'))
  t.regex(text, new RegExp(`^cpus +${sysix.cpuCount()} usable`, 'm'))
  t.regex(text, new RegExp(`os\\.cpus\\(\\)\\.length ${require('node:os').cpus().length}`))
  t.regex(text, new RegExp(`^open files +${tool('sh', ['-c', 'ulimit -n']).trim()} \\(hard limit ${tool('sh', ['-c', 'ulimit -Hn']).trim()}\\)`, 'm'))
  t.regex(text, new RegExp(`filesystem +${tool('findmnt', ['-n', '-o', 'FSTYPE', '-T', ROOT]).trim()} mounted on ${tool('findmnt', ['-n', '-o', 'TARGET', '-T', ROOT]).trim()}`))
})

test('`sysix info --json` matches info() and the system', (t) => {
  const report = JSON.parse(node([join(ROOT, 'bin', 'sysix.js'), 'info', '--json'], ROOT)) as sysix.SysixInfo
  const direct = sysix.info()
  t.deepEqual(report.cpu, direct.cpu)
  t.deepEqual(report.kernel, {
    name: tool('uname', ['-s']).trim(),
    release: tool('uname', ['-r']).trim(),
    machine: tool('uname', ['-m']).trim(),
  })
  t.is(report.sysix.version, JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version)
  t.deepEqual(report.runtime, { name: 'node', version: process.versions.node, napi: Number(process.versions.napi) })
  t.deepEqual(report.openFiles, {
    soft: Number(tool('sh', ['-c', 'ulimit -n'])),
    hard: Number(tool('sh', ['-c', 'ulimit -Hn'])),
  })
  t.is(report.pipe.maxCapacity, Number(readFileSync('/proc/sys/fs/pipe-max-size', 'utf8')))
  t.is(report.pipe.defaultCapacity, Number(tool('python3', ['-c', 'import os, fcntl; r, w = os.pipe(); print(fcntl.fcntl(r, fcntl.F_GETPIPE_SZ))'])))
  t.is(report.cwd?.path, ROOT)
  t.is(report.cwd?.fstype, tool('findmnt', ['-n', '-o', 'FSTYPE', '-T', ROOT]).trim())
  t.is(report.cwd?.birthTimes, tool('stat', ['--format=%W', ROOT]).trim() !== '0')
  const subsecond = (path: string): boolean => {
    const stats = lstatSync(path, { bigint: true })
    return [stats.atimeNs, stats.mtimeNs, stats.ctimeNs].some((ns) => ns % 1_000_000_000n !== 0n)
  }
  const sample = [ROOT, ...readdirSync(ROOT).slice(0, 32).map((name) => join(ROOT, name))]
  t.is(report.cwd?.nanosecondTimes, sample.some(subsecond))
})

test('`sysix info` still reports from a current directory that was deleted', (t) => {
  const dir = tempDir(t)
  const gone = join(dir, 'gone')
  mkdirSync(gone)
  const script = `process.chdir(${JSON.stringify(gone)}); require('fs').rmdirSync(${JSON.stringify(gone)});
    const { info } = require(${JSON.stringify(ROOT)});
    const report = info();
    console.log(JSON.stringify({ cwd: report.cwd, count: report.cpu.count }));`
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' })
  t.is(result.status, 0, result.stderr)
  t.deepEqual(JSON.parse(result.stdout), { cwd: null, count: sysix.cpuCount() })
  const cli = spawnSync('sh', ['-c', `mkdir "$1" && cd "$1" && rmdir "$1" && exec "$2" "$3" info`, 'sh', gone, process.execPath, join(ROOT, 'bin', 'sysix.js')], {
    encoding: 'utf8',
  })
  t.is(cli.status, 0, cli.stderr)
  t.regex(cli.stdout, /^current dir +cannot be read$/m)
})

test('`sysix` without a command, or with an unknown one, prints usage and fails', (t) => {
  for (const args of [[], ['frobnicate'], ['info', '--yaml']]) {
    const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'sysix.js'), ...args], { encoding: 'utf8' })
    t.is(result.status, 2, args.join(' '))
    t.regex(result.stderr, /Usage: sysix <command>/)
  }
  const help = spawnSync(process.execPath, [join(ROOT, 'bin', 'sysix.js'), '--help'], { encoding: 'utf8' })
  t.is(help.status, 0)
  t.regex(help.stdout, /info \[--json\]/)
})

test('the README documents every export, and nothing that is not one', (t) => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const reference = readme.slice(readme.indexOf('## API reference'))
  t.true(reference.length > 100, 'README.md has an API reference section')
  const documented = new Set([...reference.matchAll(/^### `(?:new )?([A-Za-z]+)/gm)].map((m) => m[1]))
  t.deepEqual([...documented].sort(), EXPORTS)
  for (const name of ['OwnedFd', 'BorrowedFd', 'FileId']) {
    const cls = (sysix as unknown as Record<string, { prototype: object }>)[name]
    const members = Object.getOwnPropertyNames(cls.prototype).filter((m) => m !== 'constructor')
    const statics = Object.getOwnPropertyNames(cls).filter((m) => !['length', 'name', 'prototype'].includes(m))
    for (const member of [...members, ...statics]) {
      t.true(reference.includes(`.${member}`), `${name}.${member} is documented`)
    }
  }
})
