import type { CAC } from 'cac';

/** Every CLI command registers itself here; one import per command file. */
export const commands: Array<(cli: CAC) => void> = [];
