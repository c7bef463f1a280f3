// The smoke cases of package (see smoke.mjs).

import { INTEROP, S, assert, loaded } from './kit.mjs'

/** One case per export or group of exports: the key lists the names it covers, `, `-separated. */
export const cases = {
  // CommonJS interop names: present or not depending on how the runtime imports CommonJS.
  'default, __esModule, module.exports': async () => {
    // Bun answers `'__esModule' in namespace` with true without having it: look at the keys.
    const keys = Object.keys(S)
    const named = keys.filter((key) => !INTEROP.includes(key))
    if (keys.includes('default')) {
      const cjs = S.default
      assert.equal(typeof cjs, 'object', 'default is the CommonJS exports object')
      assert.deepEqual(Object.keys(cjs).sort(), named.sort(), 'default holds exactly the named exports')
      for (const key of named) {
        assert.equal(S[key], cjs[key], `${key} is the same value as default.${key}`)
      }
      if (keys.includes('module.exports')) {
        assert.equal(S['module.exports'], cjs)
      }
    } else {
      // Loaded with require (see the load case): the exports object itself.
      assert.equal(loaded.root.how, 'require', 'an import() namespace of a CommonJS module has a default export')
    }
    if (keys.includes('__esModule')) {
      assert.equal(S.__esModule, true)
    }
  },
}
