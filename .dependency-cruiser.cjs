// The layers of Jiayuan (docs/ARCHITECTURE.md "Layers"), checked by `npm run lint`:
//
//   contract/  ◀── platform/ ◀── engines/ ◀── modules/<name>/ ◀── modules/index.ts ◀── boot.ts, main.ts, cli/
//   contract/  ◀── web/
//
// An arrow points at what a layer may import. Tests (`*.test.ts`, test/, bench/, scripts/) drive
// the whole app and may import across layers; the rules apply to the code that ships.
// test/boundaries/ checks that a deliberate violation fails with these same rules.

/** Paths the rules do not constrain as importers: tests drive the whole app. */
const TESTS = ['\\.test\\.tsx?$', '^test/', '^bench/', '^scripts/'];
/** What every server layer may import besides itself: the contract and ambient declarations. */
const BASE = ['^src/contract/', '^src/server/types/'];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'contract-is-pure',
      comment:
        'src/contract/ is shared by server and web: schemas and code tables, no I/O, no server or web code.',
      severity: 'error',
      from: { path: '^src/contract/', pathNot: TESTS },
      to: { path: '^(src/server|src/web|test|bench|scripts)/' },
    },
    {
      name: 'platform-imports-no-engine-or-module',
      comment:
        'platform/ is below engines and modules: it gets the module list passed in (boot.ts, main.ts), never imports it.',
      severity: 'error',
      from: { path: '^src/server/platform/', pathNot: TESTS },
      to: { path: '^src/', pathNot: [...BASE, '^src/server/platform/'] },
    },
    {
      name: 'engines-import-platform-and-contract',
      comment:
        'An engine serves every module and knows none: it imports platform/, contract/ and the engines it builds on.',
      severity: 'error',
      from: { path: '^src/server/engines/', pathNot: TESTS },
      to: { path: '^src/', pathNot: [...BASE, '^src/server/platform/', '^src/server/engines/'] },
    },
    {
      name: 'module-imports-its-own-folder',
      comment:
        'A module imports platform/, engines/, contract/ and its own folder. Another module is reached through a ' +
        'declared hook or an engine (files, cases, figures), or through the database, never by import.',
      severity: 'error',
      from: { path: '^src/server/modules/([^/]+)/', pathNot: TESTS },
      to: {
        path: '^src/',
        pathNot: [...BASE, '^src/server/platform/', '^src/server/engines/', '^src/server/modules/$1/'],
      },
    },
    {
      name: 'module-list-only-at-the-top',
      comment: 'Only the entry points (main.ts, boot.ts, cli/) know the module list.',
      severity: 'error',
      from: { path: '^src/', pathNot: [...TESTS, '^src/server/(main|boot)\\.ts$', '^src/server/cli/'] },
      to: { path: '^src/server/modules/index\\.ts$' },
    },
    {
      name: 'web-imports-contract-only',
      comment: 'The web app shares only src/contract/ with the server.',
      severity: 'error',
      from: { path: '^src/web/', pathNot: TESTS },
      to: { path: '^(src/server|test|bench|scripts)/' },
    },
    {
      name: 'no-test-code-in-src',
      comment: 'Shipped code does not import test helpers, benches or scripts.',
      severity: 'error',
      from: { path: '^src/', pathNot: TESTS },
      to: { path: '^(test|bench|scripts)/' },
    },
    {
      name: 'no-circular-engines',
      comment:
        'Engines build on each other in one direction (calendar ◀ cases, figures, files, notifications).',
      severity: 'error',
      from: { path: '^src/server/engines/' },
      to: { path: '^src/server/engines/', circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import the checker cannot resolve is an import it cannot check.',
      severity: 'error',
      from: { path: '^(src|test/boundaries)/' },
      to: { couldNotResolve: true, dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    // TypeScript 7 has no JS compiler API for dependency-cruiser: @swc/core parses the .ts sources
    // exactly (type-only imports included). It cannot parse JSX, so the .tsx files (web pages, whose
    // imports all sit at the top) are checked by a second pass with acorn: .dependency-cruiser.tsx.cjs.
    parser: 'swc',
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['(^|/)node_modules/', '^dist/', '^data/', '\\.tsx$'] },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
    skipAnalysisNotInRules: true,
  },
};
