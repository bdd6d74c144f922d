import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** True when this module is the program being run (`npx tsx examples/x/main.ts`), not imported. */
export function isMain(metaUrl: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && pathToFileURL(resolve(entry)).href === metaUrl;
}
