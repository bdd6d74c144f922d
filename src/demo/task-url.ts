/**
 * The URL of a demo task module. Threads and child processes load tasks by URL,
 * so it must name the file that exists: `.ts` when the demo runs from source
 * under tsx, `.js` when it runs compiled from dist/ (`npx boundwise demo`).
 */
const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

export function taskModule(name: string): URL {
  return new URL(`./tasks/${name}${ext}`, import.meta.url);
}
