import { defineContract } from './contract.js';

defineContract(new URL('./factories/threads.ts', import.meta.url));
