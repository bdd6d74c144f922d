// Public exports only. Everything else is internal and may change.
export * from './errors.js';
