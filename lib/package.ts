// This package's own manifest, read once: its version, and the platform
// packages it ships (`optionalDependencies`), which the loader picks from.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/** The package root: `dist/lib/` is two levels below it. */
export const PACKAGE_ROOT = join(__dirname, '..', '..')

/** The parts of `package.json` sysix reads at run time. */
export interface PackageJson {
  name: string
  version: string
  optionalDependencies?: Record<string, string>
}

/** `package.json`, as published. */
export const packageJson = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as PackageJson
