import { defineContract } from './contract.js';

defineContract(new URL('./factories/processes.ts', import.meta.url));
