// Benchmarks measure the package as users get it: the compiled JavaScript in
// dist/ (built by `npm run bench`), with JavaScript task modules, so that no
// TypeScript loader runs in the workers.
export * from '../../dist/index.js';
