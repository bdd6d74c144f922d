import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/watch/${name}`, import.meta.url));
export const registerTs = fileURLToPath(new URL('../../src/watch/register.ts', import.meta.url));
export const cliTs = fileURLToPath(new URL('../../src/cli/bin.ts', import.meta.url));

export interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a process to its own end (no kill, no timeout of ours: exiting by itself is part of what is tested). */
export function run(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** `node --import tsx --import register.ts <fixture> …args` */
export const watched = (name: string, args: string[] = [], env: Record<string, string> = {}) =>
  run(['--import', 'tsx', '--import', registerTs, fixture(name), ...args], env);
