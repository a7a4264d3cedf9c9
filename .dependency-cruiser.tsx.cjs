// The second pass of the boundary check (see .dependency-cruiser.cjs): the same rules over the
// .tsx files, which @swc/core as dependency-cruiser calls it cannot parse. acorn reads their
// imports (all at the top of each file) and skips the JSX it does not understand.
const base = require('./.dependency-cruiser.cjs');

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  ...base,
  options: {
    ...base.options,
    parser: 'acorn',
    exclude: { path: ['(^|/)node_modules/', '^dist/', '^data/'] },
  },
};
