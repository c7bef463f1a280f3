// The package as npm publishes it: `npm run pack` stages and packs the main
// package and this machine's platform package; a fresh project installs both
// with plain `npm install` (no Rust toolchain on PATH) and uses sysix from
// CommonJS, ESM, TypeScript and its CLI.

import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { delimiter, join } from 'node:path'

import test from 'ava'

import { ROOT, tempDir } from './helpers.mjs'

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
const PLATFORM = 'linux-x64-gnu'
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')

const RUST = /^(cargo|rustc|rustdoc|rustup)(-|$)/

/**
 * PATH with no Rust toolchain on it: the install must not need one. A
 * directory that holds cargo or rustc among other tools (Debian puts
 * rustc in /usr/bin) is replaced by a mirror of symlinks without them.
 */
function pathWithoutRust(mirrorRoot: string): string {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => existsSync(dir))
    .map((dir, i) => {
      const names = readdirSync(dir)
      if (!names.some((name) => RUST.test(name))) {
        return dir
      }
      const mirror = join(mirrorRoot, String(i))
      mkdirSync(mirror)
      for (const name of names.filter((name) => !RUST.test(name))) {
        symlinkSync(join(dir, name), join(mirror, name))
      }
      return mirror
    })
    .join(delimiter)
}

// Packs once for every test in this file (the packing itself is the first test's subject).
const packed = (() => {
  // --local: this machine's build (npm run build) needs the host's glibc.
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts', 'pack.mjs'), '--local', PLATFORM], { encoding: 'utf8' })
  const tarballs = result.stdout
    .trim()
    .split('\n')
    .filter((line) => line.endsWith('.tgz'))
  return { ...result, tarballs }
})()

test.serial('npm run pack makes the main package and the platform package', (t) => {
  t.is(packed.status, 0, packed.stderr)
  t.deepEqual(
    packed.tarballs.map((tarball) => tarball.split('/').pop()),
    [`sysix-${manifest.version}.tgz`, `sysix-${PLATFORM}-${manifest.version}.tgz`],
  )
  const files = execFileSync('tar', ['-tzf', packed.tarballs[0]], { encoding: 'utf8' }).trim().split('\n').sort()
  t.true(files.includes('package/LICENSE'), 'LICENSE is published')
  t.true(files.includes('package/index.d.ts') && files.includes('package/fs.d.ts'), 'the typings are published')
  t.true(files.includes('package/dist/index.js') && files.includes('package/dist/lib/fs/index.js'))
  t.deepEqual(
    files.filter((file) => !/^package\/dist\/.*\.js$/.test(file)),
    ['package/CHANGELOG.md', 'package/LICENSE', 'package/README.md', 'package/fs.d.ts', 'package/index.d.ts', 'package/package.json'],
    'nothing but the built JavaScript, the typings and the documents: no sources, no binaries',
  )
  const published = JSON.parse(execFileSync('tar', ['-xzOf', packed.tarballs[0], 'package/package.json'], { encoding: 'utf8' }))
  t.is(published.scripts, undefined, 'no scripts at all, so none runs at install')
  t.is(published.devDependencies, undefined)
  t.deepEqual(published.peerDependenciesMeta?.['@types/node'], { optional: true }, '@types/node is an optional peer')
  t.is(published.optionalDependencies?.[`sysix-${PLATFORM}`], manifest.version, 'the platform package at the same version')

  const platform = execFileSync('tar', ['-tzf', packed.tarballs[1]], { encoding: 'utf8' }).trim().split('\n').sort()
  t.deepEqual(platform, ['package/LICENSE', 'package/README.md', 'package/package.json', `package/sysix.${PLATFORM}.node`])
  const platformManifest = JSON.parse(execFileSync('tar', ['-xzOf', packed.tarballs[1], 'package/package.json'], { encoding: 'utf8' }))
  t.deepEqual([platformManifest.os, platformManifest.cpu, platformManifest.libc], [['linux'], ['x64'], ['glibc']])
})

test.serial('npm run pack refuses an addon that needs a newer glibc than its package promises (readelf says which)', (t) => {
  const addon = join(ROOT, 'dist', `sysix.${PLATFORM}.node`)
  const needed = execFileSync('readelf', ['-V', '-W', addon], { encoding: 'utf8' })
    .match(/GLIBC_[\d.]+/g)
    ?.map((v) => v.slice('GLIBC_'.length))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .pop()
  const promised = /^\| x86_64 +\| `sysix-linux-x64-gnu` +\| ([\d.]+)/m.exec(readFileSync(join(ROOT, 'README.md'), 'utf8'))?.[1]
  t.truthy(promised, 'the README promises a floor')
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts', 'pack.mjs'), PLATFORM], { encoding: 'utf8' })
  if (needed !== undefined && promised !== undefined && needed.localeCompare(promised, 'en', { numeric: true }) > 0) {
    t.is(result.status, 1)
    t.regex(
      result.stderr,
      new RegExp(`needs glibc ${needed.replaceAll('.', '\\.')}, but sysix-${PLATFORM} promises 2\\.17: build it as a release is built`),
    )
    t.is(result.stdout, '', 'nothing packed')
  } else {
    t.is(result.status, 0, `a build within the floor (${needed}) packs: ${result.stderr}`)
  }
})

test('every platform package declares its C library: npm skips it as an optional dependency on musl, installs it on glibc', (t) => {
  for (const platform of readdirSync(join(ROOT, 'npm'))) {
    const dir = tempDir(t)
    const platformManifest = JSON.parse(readFileSync(join(ROOT, 'npm', platform, 'package.json'), 'utf8'))
    t.deepEqual(platformManifest.libc, ['glibc'], platform)
    const tarball = execFileSync('npm', ['pack', join(ROOT, 'npm', platform), '--pack-destination', dir, '--silent'], {
      encoding: 'utf8',
    }).trim()
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({
        name: 'consumer',
        version: '1.0.0',
        private: true,
        optionalDependencies: { [platformManifest.name]: `file:./${tarball}` },
      }),
    )
    const installed = (libc: string) => {
      rmSync(join(dir, 'node_modules'), { recursive: true, force: true })
      rmSync(join(dir, 'package-lock.json'), { force: true })
      const install = spawnSync(
        'npm',
        ['install', '--os=linux', `--cpu=${platformManifest.cpu[0]}`, `--libc=${libc}`, '--no-audit', '--no-fund'],
        {
          cwd: dir,
          encoding: 'utf8',
        },
      )
      t.is(install.status, 0, install.stderr)
      return existsSync(join(dir, 'node_modules', platformManifest.name))
    }
    t.false(installed('musl'), `${platform} skipped on musl`)
    t.true(installed('glibc'), `${platform} installed on glibc`)
  }
})

test.serial('a fresh project installs both with plain npm install, without warnings or a Rust toolchain, and uses sysix every way', (t) => {
  t.is(packed.status, 0, packed.stderr)
  const dir = tempDir(t)
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }))
  const env = { ...process.env, PATH: pathWithoutRust(tempDir(t)), npm_config_audit: 'false', npm_config_fund: 'false' }
  t.falsy(spawnSync('sh', ['-c', 'command -v cargo; command -v rustc'], { env, encoding: 'utf8' }).stdout, 'no cargo or rustc on the PATH')
  const install = spawnSync('npm', ['install', ...packed.tarballs], { cwd: dir, env, encoding: 'utf8' })
  t.is(install.status, 0, install.stderr)
  const output = install.stdout + install.stderr
  t.notRegex(output, /warn/i, `npm install printed a warning:\n${output}`)
  t.notRegex(output, /script/i)
  t.deepEqual(
    readdirSync(join(dir, 'node_modules'))
      .filter((name) => !name.startsWith('.'))
      .sort(),
    ['sysix', `sysix-${PLATFORM}`],
  )

  const run = (file: string) => execFileSync(process.execPath, [file], { cwd: dir, env, encoding: 'utf8' }).trim()

  // CommonJS: the addon is the platform package's, not a local build.
  writeFileSync(
    join(dir, 'use.cjs'),
    `const { pipe, cpuCount } = require('sysix')
     const { statxSync } = require('sysix/fs')
     const p = pipe(); p.close()
     const maps = require('node:fs').readFileSync('/proc/self/maps', 'utf8')
     console.log(JSON.stringify({ cpus: cpuCount(), size: String(statxSync('package.json').size), addon: maps.match(/\\S+\\.node$/m)[0] }))`,
  )
  const cjs = JSON.parse(run('use.cjs'))
  t.is(cjs.addon, join(dir, 'node_modules', `sysix-${PLATFORM}`, `sysix.${PLATFORM}.node`))
  t.is(cjs.size, String(readFileSync(join(dir, 'package.json')).length))
  t.true(cjs.cpus >= 1)

  // ESM, both entry points.
  writeFileSync(
    join(dir, 'use.mjs'),
    `import { OwnedFd, cpuCount } from 'sysix'
     import { Root, constants } from 'sysix/fs'
     const root = Root.openSync('.')
     const fd = root.openSync('package.json', constants.O_RDONLY)
     console.log(fd instanceof OwnedFd && cpuCount() >= 1)
     fd.close(); root.close()`,
  )
  t.is(run('use.mjs'), 'true')

  // TypeScript, strict, with @types/node available (the optional peer).
  copyFileSync(join(ROOT, '__test__', 'consumer', 'usage.ts'), join(dir, 'usage.ts'))
  writeFileSync(
    join(dir, 'fs-usage.ts'),
    "import { statxSync, type Statx } from 'sysix/fs'\nconst s: Statx = statxSync('package.json')\nconsole.log(s.size > 0n)\n",
  )
  const config = JSON.parse(readFileSync(join(ROOT, '__test__', 'consumer', 'tsconfig.json'), 'utf8'))
  config.files = ['usage.ts', 'fs-usage.ts']
  config.compilerOptions.typeRoots = [join(ROOT, 'node_modules', '@types')]
  config.compilerOptions.types = ['node']
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(config))
  const compiled = spawnSync(process.execPath, [TSC, '-p', dir], { env, encoding: 'utf8' })
  t.is(compiled.status, 0, compiled.stdout + compiled.stderr)
  t.is(run('fs-usage.js'), 'true')
  // TypeScript's older resolution (node10, many CommonJS projects) ignores
  // `exports`: it finds sysix/fs's typings as fs.d.ts at the package root.
  const legacy = { ...config, compilerOptions: { ...config.compilerOptions, module: 'CommonJS', moduleResolution: 'Node10', noEmit: true } }
  writeFileSync(join(dir, 'tsconfig.node10.json'), JSON.stringify(legacy))
  const compiledLegacy = spawnSync(process.execPath, [TSC, '-p', join(dir, 'tsconfig.node10.json')], { env, encoding: 'utf8' })
  t.is(compiledLegacy.status, 0, compiledLegacy.stdout + compiledLegacy.stderr)

  // The CLI, as npx finds it.
  const info = spawnSync('npx', ['sysix', 'info', '--json'], { cwd: dir, env, encoding: 'utf8' })
  t.is(info.status, 0, info.stderr)
  t.is(JSON.parse(info.stdout).sysix.version, manifest.version)
})
