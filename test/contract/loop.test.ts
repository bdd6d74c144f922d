import { defineContract } from './contract.js';

defineContract(new URL('./factories/loop.ts', import.meta.url));
