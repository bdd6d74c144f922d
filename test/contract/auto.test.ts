import { defineContract } from './contract.js';

defineContract(new URL('./factories/auto.ts', import.meta.url));
