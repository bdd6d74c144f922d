/**
 * The CLI framework (src/cli/main.ts): every command answers an unknown flag
 * the same way (exit 2, one line naming it, a hint), and documents its output
 * and exit codes in --help.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('an unknown command or flag anywhere: exit 2, one line naming it, the same wording', async () => {
  const cases: Array<[string[], string]> = [
    [['--bogus'], 'boundwise: unknown option --bogus (options go after a command); see boundwise --help\n'],
    [['bogus'], 'boundwise: unknown command "bogus"; see boundwise --help\n'],
    [['classify', '--bogus', '--', 'true'], 'boundwise classify: unknown option --bogus; see boundwise classify --help\n'],
    [['watch', '--bogus', '--', 'true'], 'boundwise watch: unknown option --bogus; see boundwise watch --help\n'],
    [['demo', '--quick', '--bogus'], 'boundwise demo: unknown option --bogus; see boundwise demo --help\n'],
  ];
  const results = await Promise.all(cases.map(([args]) => cli(args)));
  for (const [i, r] of results.entries()) {
    assert.equal(r.stderr, cases[i]![1], cases[i]![0].join(' '));
    assert.equal(r.code, 2, cases[i]![0].join(' '));
    assert.equal(r.stdout, '');
  }
});

test('--help of classify and watch says where the report goes and every exit code, 126 and 127 included', async () => {
  const [classify, watch] = await Promise.all([cli(['classify', '--help']), cli(['watch', '--help'])]);
  for (const r of [classify, watch]) {
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Output:\n.*stderr/);
    assert.match(r.stdout, /--report <file>/);
    assert.match(r.stdout, /--json \[file\]/);
    assert.match(r.stdout, /Exit codes:\n/);
    for (const code of ['126', '127', '128\\+N', '2 ']) assert.match(r.stdout, new RegExp(`\\n  ${code}`));
  }
});
