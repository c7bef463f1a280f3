// The package as a user meets it: installed under node_modules, imported
// from ESM and CommonJS, type-checked by tsc, run through its `sysix` command,
// and described by its README.

import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { machine } from 'node:os'
import { basename, join, resolve } from 'node:path'

import test, { type ExecutionContext } from 'ava'

import * as sysix from 'sysix'
import { ROOT, tempDir, tool } from './helpers.mjs'

const require = createRequire(import.meta.url)
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
/** The `sysix` command, as npm links it. */
const CLI = join(ROOT, 'dist', 'bin', 'sysix.js')
/**
 * The local build of the addon for this machine (dist/ may also hold cross
 * builds), or the one SYSIX_NATIVE_PATH names (a platform not shipped).
 */
const ADDON = await (async () => {
  if (process.env.SYSIX_NATIVE_PATH) return resolve(process.env.SYSIX_NATIVE_PATH)
  const { candidatePlatforms, currentHost, shippedPlatforms } = await import('../dist/lib/loader.js')
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
  const built = candidatePlatforms(currentHost(), shippedPlatforms(pkg))
    .map((platform) => join(ROOT, 'dist', `sysix.${platform}.node`))
    .find((path) => existsSync(path))
  if (built === undefined) {
    throw new Error('no local build of the addon for this machine in dist/: run npm run build')
  }
  return built
})()
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
       // Node 23 and later add 'module.exports' to a CommonJS module's namespace.
       esm: Object.keys(esm).filter((k) => !['default', '__esModule', 'module.exports'].includes(k)).sort(),
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

  writeFileSync(
    join(dir, 'cjs.cjs'),
    `const { pipe } = require('sysix'); const p = pipe(); console.log(p.reader.fd > 2); p.reader.close(); p.writer.close();`,
  )
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
    [
      TSC,
      '--noEmit',
      '--strict',
      '--module',
      'node16',
      '--target',
      'es2022',
      '--typeRoots',
      join(ROOT, 'node_modules', '@types'),
      join(dir, 'wrong.ts'),
    ],
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
  const imports = tool('nm', ['-D', '--undefined-only', ADDON])
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

/** A copy of the package's JavaScript and manifest, without any native binding. */
function packageWithoutBinding(t: ExecutionContext): string {
  const dir = tempDir(t)
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true, filter: (source) => !source.endsWith('.node') })
  copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'))
  return dir
}

function loadIn(cwd: string, env: NodeJS.ProcessEnv, script = 'console.log(require(process.argv[1]).cpuCount())') {
  // Only the SYSIX_NATIVE_PATH a test sets: not one this run inherited.
  return spawnSync(process.execPath, ['-e', script, cwd], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, SYSIX_NATIVE_PATH: undefined, ...env },
  })
}

test('the loader picks the platform package for the running platform, glibc or musl', async (t) => {
  const { candidatePlatforms, shippedPlatforms } = await import('../dist/lib/loader.js')
  const shipped = [
    'linux-x64-gnu',
    'linux-x64-musl',
    'linux-arm64-gnu',
    'linux-arm-gnueabihf',
    'linux-ppc64-gnu',
    'linux-mips64el-gnuabi64',
  ]
  const pick = (arch: string, libc: 'glibc' | 'musl' | null, platform = 'linux') => candidatePlatforms({ platform, arch, libc }, shipped)
  t.deepEqual(pick('x64', 'glibc'), ['linux-x64-gnu'])
  t.deepEqual(pick('x64', 'musl'), ['linux-x64-musl'])
  t.deepEqual(pick('x64', null), ['linux-x64-gnu', 'linux-x64-musl'], 'an unknown C library tries both, glibc first')
  t.deepEqual(pick('arm', 'glibc'), ['linux-arm-gnueabihf'])
  t.deepEqual(pick('arm', 'musl'), [], 'no musl build for armv7: a clear error rather than a glibc binary')
  t.deepEqual(pick('ppc64', 'glibc'), ['linux-ppc64-gnu'])
  t.deepEqual(pick('mips64el', 'glibc'), ['linux-mips64el-gnuabi64'])
  t.deepEqual(pick('arm64', 'glibc', 'darwin'), [])
  t.deepEqual(pick('ia32', 'glibc'), [])
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
  t.deepEqual(
    shippedPlatforms(pkg).map((platform) => `sysix-${platform}`),
    Object.keys(pkg.optionalDependencies),
    'the platforms are the optional dependencies',
  )
})

test('the loader sees the C library this process runs on', async (t) => {
  const { detectLibc } = await import('../dist/lib/loader.js')
  const report = process.report.getReport() as { header: { glibcVersionRuntime?: string } }
  t.is(detectLibc(), report.header.glibcVersionRuntime === undefined ? 'musl' : 'glibc')
})

test('without a binding for the platform, one error names the platform, each place tried and what to do', async (t) => {
  const { loadBinding } = await import('../dist/lib/loader.js')
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
  const dir = packageWithoutBinding(t)
  const error = t.throws(() => loadBinding(pkg, { platform: 'linux', arch: 'arm64', libc: 'glibc' }, dir))
  t.regex(error.message, /^sysix cannot load its native binding for linux-arm64 \(glibc\)\. Tried:$/m)
  t.regex(error.message, /^ {2}- .*dist\/sysix\.linux-arm64-gnu\.node \(a local build\): not built$/m)
  t.regex(error.message, /^ {2}- sysix-linux-arm64-gnu \(the platform package\): not installed$/m)
  t.regex(error.message, /optional dependenc.*npm install.*SYSIX_NATIVE_PATH/s)
  const other = t.throws(() => loadBinding(pkg, { platform: 'darwin', arch: 'arm64', libc: null }, dir))
  const shipped = Object.keys(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).optionalDependencies).map((name) =>
    name.replace(/^sysix-/, ''),
  )
  t.true(shipped.includes('linux-x64-gnu') && shipped.includes('linux-arm64-gnu'))
  t.true(other.message.startsWith(`sysix has no native binding for darwin-arm64. It ships one for ${shipped.join(', ')}. `), other.message)
  const musl = t.throws(() => loadBinding(pkg, { platform: 'linux', arch: 'arm', libc: 'musl' }, dir))
  t.regex(musl.message, /no native binding for linux-arm \(musl\)/)
})

test('the loader finds the platform package npm installed', (t) => {
  const dir = packageWithoutBinding(t)
  const platform = basename(ADDON).slice('sysix.'.length, -'.node'.length)
  const pkgDir = join(dir, 'node_modules', `sysix-${platform}`)
  mkdirSync(pkgDir, { recursive: true })
  copyFileSync(ADDON, join(pkgDir, basename(ADDON)))
  writeFileSync(join(pkgDir, 'package.json'), JSON.stringify({ name: `sysix-${platform}`, version: '0.1.0', main: basename(ADDON) }))
  const loaded = loadIn(dir, {})
  t.is(loaded.status, 0, loaded.stderr)
  t.is(Number(loaded.stdout), sysix.cpuCount())
  const missing = loadIn(packageWithoutBinding(t), {})
  t.not(missing.status, 0)
  t.regex(missing.stderr, new RegExp(`sysix-${platform} \\(the platform package\\): not installed`))
})

/** The ELF machine of a shared object (e_machine, in the file's byte order). */
function elfMachine(path: string): number {
  const header = readFileSync(path).subarray(0, 20)
  return header[5] === 1 ? header.readUInt16LE(18) : header.readUInt16BE(18)
}

/** A Node-API addon of another package in node_modules, one for this machine if there is one. */
function otherAddon(): { path: string; sameMachine: boolean } {
  const found: string[] = []
  const walk = (dir: string, depth: number) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory() && depth > 0) walk(path, depth - 1)
      else if (entry.isFile() && entry.name.endsWith('.node')) found.push(path)
    }
  }
  walk(join(ROOT, 'node_modules'), 2)
  const addons = found.filter((path) => !basename(path).startsWith('sysix'))
  if (addons.length === 0) throw new Error('no Node-API addon of another package in node_modules')
  const same = addons.find((path) => elfMachine(path) === elfMachine(ADDON))
  return { path: same ?? addons[0], sameMachine: same !== undefined }
}

test('SYSIX_NATIVE_PATH loads a .node file, resolved from the current directory, and nothing else', (t) => {
  const dir = packageWithoutBinding(t)
  copyFileSync(ADDON, join(dir, 'custom.node'))
  const relative = loadIn(dir, { SYSIX_NATIVE_PATH: './custom.node' })
  t.is(relative.status, 0, relative.stderr)
  t.is(Number(relative.stdout), sysix.cpuCount())
  t.is(loadIn(dir, { SYSIX_NATIVE_PATH: join(dir, 'custom.node') }).status, 0)

  const marker = join(dir, 'ran')
  writeFileSync(join(dir, 'evil.js'), `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran')`)
  const refusals: [string, RegExp][] = [
    ['./evil.js', /SYSIX_NATIVE_PATH=\.\/evil\.js \(.*evil\.js\) must name a \.node file: sysix loads nothing else from it/],
    ['fs', /SYSIX_NATIVE_PATH=fs .* must name a \.node file/],
    ['./missing.node', /SYSIX_NATIVE_PATH=\.\/missing\.node .* cannot be loaded: ENOENT/],
  ]
  // Another package's Node-API addon: built for this machine it loads and is
  // refused as not sysix's; built for another (the x86_64 ones npm installed,
  // when this runs emulated) the dynamic loader refuses it.
  const other = otherAddon()
  const name = basename(other.path).replaceAll('.', '\\.')
  refusals.push([
    other.path,
    other.sameMachine
      ? new RegExp(`SYSIX_NATIVE_PATH=.*${name} .*is not a sysix native binding`)
      : new RegExp(`SYSIX_NATIVE_PATH=.*${name} .*cannot be loaded`),
  ])
  mkdirSync(join(dir, 'folder.node'))
  refusals.push(['folder.node', /SYSIX_NATIVE_PATH=folder\.node .* must name a \.node file, not a directory/])
  for (const [value, message] of refusals) {
    const result = loadIn(dir, { SYSIX_NATIVE_PATH: value })
    t.not(result.status, 0, value)
    t.regex(result.stderr, message, value)
  }
  t.false(existsSync(marker), 'no JavaScript ran')
})

test('`sysix info` prints what sysix and real tools see', (t) => {
  const text = node([CLI, 'info'], ROOT)
  t.regex(text, new RegExp(`^kernel +Linux ${tool('uname', ['-r']).trim().replace(/[.+]/g, '\\$&')} `, 'm'))
  t.regex(text, new RegExp(`^cpus +${sysix.cpuCount()} usable`, 'm'))
  t.regex(text, new RegExp(`os\\.cpus\\(\\)\\.length ${require('node:os').cpus().length}`))
  t.regex(
    text,
    new RegExp(`^open files +${tool('sh', ['-c', 'ulimit -n']).trim()} \\(hard limit ${tool('sh', ['-c', 'ulimit -Hn']).trim()}\\)`, 'm'),
  )
  t.regex(
    text,
    new RegExp(
      `filesystem +${tool('findmnt', ['-n', '-o', 'FSTYPE', '-T', ROOT]).trim()} mounted on ${tool('findmnt', ['-n', '-o', 'TARGET', '-T', ROOT]).trim()}`,
    ),
  )
})

test('`sysix info` counts one CPU as one CPU (taskset -c 0)', (t) => {
  const text = execFileSync('taskset', ['-c', '0', process.execPath, CLI, 'info'], { encoding: 'utf8' })
  t.regex(text, /^ {2}affinity +0 \(1 CPU\)$/m)
  t.regex(text, /^cpus +1 usable/m)
})

test('`sysix info --json` matches info() and the system', (t) => {
  const report = JSON.parse(node([CLI, 'info', '--json'], ROOT)) as sysix.SysixInfo
  const direct = sysix.info()
  t.deepEqual(report.cpu, direct.cpu)
  t.deepEqual(report.kernel, {
    name: tool('uname', ['-s']).trim(),
    release: tool('uname', ['-r']).trim(),
    // Node's own uname(2): under qemu-user the uname(1) binary is the
    // host's, while this process (and sysix in it) is the emulated machine.
    machine: machine(),
  })
  t.is(report.sysix.version, JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version)
  t.deepEqual(report.runtime, { name: 'node', version: process.versions.node, napi: Number(process.versions.napi) })
  t.deepEqual(report.openFiles, {
    soft: Number(tool('sh', ['-c', 'ulimit -n'])),
    hard: Number(tool('sh', ['-c', 'ulimit -Hn'])),
  })
  t.is(report.pipe.maxCapacity, Number(readFileSync('/proc/sys/fs/pipe-max-size', 'utf8')))
  t.is(
    report.pipe.defaultCapacity,
    Number(tool('python3', ['-c', 'import os, fcntl; r, w = os.pipe(); print(fcntl.fcntl(r, fcntl.F_GETPIPE_SZ))'])),
  )
  t.is(report.cwd?.path, ROOT)
  t.is(report.cwd?.fstype, tool('findmnt', ['-n', '-o', 'FSTYPE', '-T', ROOT]).trim())
  t.is(report.cwd?.birthTimes, tool('stat', ['--format=%W', ROOT]).trim() !== '0')
  const subsecond = (path: string): boolean => {
    const stats = lstatSync(path, { bigint: true })
    return [stats.atimeNs, stats.mtimeNs, stats.ctimeNs].some((ns) => ns % 1_000_000_000n !== 0n)
  }
  const sample = [
    ROOT,
    ...readdirSync(ROOT)
      .slice(0, 32)
      .map((name) => join(ROOT, name)),
  ]
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
  const cli = spawnSync('sh', ['-c', `mkdir "$1" && cd "$1" && rmdir "$1" && exec "$2" "$3" info`, 'sh', gone, process.execPath, CLI], {
    encoding: 'utf8',
  })
  t.is(cli.status, 0, cli.stderr)
  t.regex(cli.stdout, /^current dir +cannot be read$/m)
})

test("`npx sysix info` with no usable binding prints the loader's message, not a stack trace; help and version need no binding", (t) => {
  const dir = packageWithoutBinding(t)
  const cli = join(dir, 'dist', 'bin', 'sysix.js')
  const env = { ...process.env, SYSIX_NATIVE_PATH: undefined }
  const result = spawnSync(process.execPath, [cli, 'info'], { encoding: 'utf8', env })
  t.is(result.status, 1)
  t.is(result.stdout, '')
  t.regex(result.stderr, /^sysix: sysix cannot load its native binding for linux-\w+ \(\w+\)\. Tried:\n/)
  t.regex(result.stderr, /SYSIX_NATIVE_PATH to a sysix \.node file\.\n$/)
  t.notRegex(result.stderr, /^\s+at /m, 'no stack trace')
  const broken = spawnSync(process.execPath, [cli, 'info', '--json'], {
    encoding: 'utf8',
    env: { ...env, SYSIX_NATIVE_PATH: join(dir, 'missing.node') },
  })
  t.is(broken.status, 1)
  t.regex(broken.stderr, /^sysix: SYSIX_NATIVE_PATH=.*missing\.node cannot be loaded: ENOENT/)
  t.notRegex(broken.stderr, /^\s+at /m)
  const version = spawnSync(process.execPath, [cli, '--version'], { encoding: 'utf8', env })
  t.is(version.status, 0, version.stderr)
  t.is(version.stdout.trim(), JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version)
})

test('`sysix` without a command, or with an unknown one, prints usage and fails', (t) => {
  for (const args of [[], ['frobnicate'], ['info', '--yaml']]) {
    const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' })
    t.is(result.status, 2, args.join(' '))
    t.regex(result.stderr, /Usage: sysix <command>/)
  }
  const help = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' })
  t.is(help.status, 0)
  t.regex(help.stdout, /info \[--json\]/)
})

test('`sysix info` fails when it cannot write its report, and stays quiet when the reader goes away', (t) => {
  const full = spawnSync('sh', ['-c', '"$0" "$1" info > /dev/full', process.execPath, CLI], { encoding: 'utf8' })
  t.is(full.status, 1, 'ENOSPC is a failure')
  t.regex(full.stderr, /^sysix: cannot write the report: ENOSPC: no space left on device, write$/m)
  // `true` exits without reading, long before Node has started: the write
  // meets a pipe with no reader (EPIPE).
  const pipefail = spawnSync('bash', ['-o', 'pipefail', '-c', '"$0" "$1" info --json | true', process.execPath, CLI], { encoding: 'utf8' })
  t.is(pipefail.stderr, '', 'EPIPE: nothing to say')
  t.is(pipefail.status, 0, 'a reader that stops early is no error')
})

test('`sysix` checks its arguments: help for info, no stray arguments', (t) => {
  const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' })
  for (const args of [['info', '--help'], ['info', '-h'], ['help']]) {
    const result = run(...args)
    t.is(result.status, 0, args.join(' '))
    t.regex(result.stdout, /^Usage: sysix <command>/m)
  }
  for (const args of [
    ['-v', 'extra'],
    ['--help', 'extra'],
    ['info', '--json', 'extra'],
  ]) {
    const result = run(...args)
    t.is(result.status, 2, args.join(' '))
    t.regex(result.stderr, /^sysix: (unexpected argument|unknown option) 'extra'/m)
  }
  t.is(run('--version').stdout.trim(), JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version)
})

test('`sysix info` in a directory whose name is not UTF-8 still describes its filesystem', (t) => {
  const dir = tempDir(t)
  const name = Buffer.concat([Buffer.from(`${dir}/caf`), Buffer.from([0xe9])])
  mkdirSync(name)
  const result = spawnSync('sh', ['-c', 'cd "$(printf "%s/caf\\351" "$0")" && exec "$1" "$2" info --json', dir, process.execPath, CLI], {
    encoding: 'utf8',
  })
  t.is(result.status, 0, result.stderr)
  const report = JSON.parse(result.stdout) as sysix.SysixInfo
  t.is(report.cwd?.fstype, tool('findmnt', ['-n', '-o', 'FSTYPE', '-T', dir]).trim())
  t.is(report.cwd?.path, `${dir}/caf\ufffd`, 'the name is shown lossily')
})

test('the API reference (docs/api, from the typings) documents every export and class member, each export with an example', (t) => {
  // Markdown escapes underscores in headings (`AT\_FDCWD`).
  const reference = readFileSync(join(ROOT, 'docs', 'api', 'README.md'), 'utf8').replace(/^(#+ .*)$/gm, (heading) =>
    heading.replaceAll('\\', ''),
  )
  const documented = new Set([...reference.matchAll(/^### ([A-Za-z_][A-Za-z0-9_]*)/gm)].map(([, name]) => name))
  t.deepEqual(
    EXPORTS.filter((name) => !documented.has(name)),
    [],
    'every export has an entry',
  )
  // Each entry's section, up to the next entry: an `Example` heading in it.
  const sections = reference.split(/^(?=### )/m)
  const withoutExample = EXPORTS.filter((name) => {
    const section = sections.find((text) => new RegExp(`^### ${name}(?![A-Za-z0-9_])`).test(text))
    return section === undefined || !/^#{4,5} Examples?$/m.test(section)
  })
  t.deepEqual(withoutExample, [], 'every export has an example')
  for (const name of ['OwnedFd', 'BorrowedFd', 'FileId', 'Pipe', 'Root', 'Dir']) {
    const cls = (sysix as unknown as Record<string, { prototype: object }>)[name]
    const section = sections.find((text) => text.startsWith(`### ${name}\n`)) ?? ''
    const members = Object.getOwnPropertyNames(cls.prototype).filter((m) => m !== 'constructor')
    const statics = Object.getOwnPropertyNames(cls).filter((m) => !['length', 'name', 'prototype'].includes(m))
    for (const member of [...members, ...statics]) {
      t.regex(section, new RegExp(`^##### (?:static )?${member}(?![A-Za-z0-9_])`, 'm'), `${name}.${member} is documented`)
    }
  }
})
