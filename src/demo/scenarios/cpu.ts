/**
 * 2. Heavy computation: blurring generated images in plain TypeScript, tens of
 * milliseconds each. Work that calculates. The pixels go to threads as
 * transferred buffers (moved, not copied); to processes they are copied.
 */
import { availableParallelism } from 'node:os';
import { tasks, type Executor } from '../../index.js';
import { taskModule } from '../task-url.js';
import { blurPixels, checksum, makeImage, type BlurInput } from '../tasks/image.js';
import { byWallTime, calculatesRule } from '../judge.js';
import { EXECUTOR_ROWS as X, executorRows, markRows, measuredRow, notAutoOrBaseline, setSpeedups } from './common.js';
import type { Row, Scenario, ScenarioOptions, ScenarioResult } from '../types.js';

const t = tasks<typeof import('../tasks/image.js')>(taskModule('image'));

/** Fresh inputs per run: transferring an image's buffer empties it on this side. */
function inputs(count: number, width: number, height: number): BlurInput[] {
  return Array.from({ length: count }, (_, i) => ({ ...makeImage(width, height, i + 1), radius: 4, passes: 3 }));
}

/** Every image submitted at once, each with its buffer in the transfer list. */
function blurAll(ex: Executor, images: BlurInput[]): Promise<Uint8Array[]> {
  return Promise.all(images.map((image) => ex.run(t.blur, image, { transfer: [image.pixels.buffer as ArrayBuffer] })));
}

export async function run({ quick = false, onStep = () => {} }: ScenarioOptions = {}): Promise<ScenarioResult> {
  const [count, width, height] = quick ? [8, 320, 240] : [48, 640, 480];
  const rows: Row[] = [];
  const sums: string[][] = [];
  const add = ({ row, value }: { row: Row; value: Uint8Array[] }) => {
    rows.push(row);
    sums.push(value.map(checksum));
  };

  // Compile the blur once first, so the first row does not pay for the JIT alone.
  blurPixels(makeImage(64, 64, 0), 4, 3);
  onStep('sequential');
  const plain = inputs(count, width, height);
  add(await measuredRow('sequential', async () => plain.map((image) => blurPixels(image, image.radius, image.passes))));
  let images: BlurInput[] = [];
  const decision = await executorRows([X.loop, X.threads, X.processes, X.auto], {
    task: t.blur,
    work: (ex) => blurAll(ex, images),
    measure: measuredRow,
    add,
    onStep,
    before: () => (images = inputs(count, width, height)), // transferring empties them: fresh ones each row
  });

  setSpeedups(rows, rows[0]!);
  const best = Math.min(...rows.map((r) => r.wallMs));
  markRows(rows, calculatesRule, (r) => byWallTime(r.wallMs, best), notAutoOrBaseline('sequential'));
  const same = (i: number) => sums[i]!.length === count && sums[i]!.every((s, k) => s === sums[0]![k]);
  return {
    id: 'cpu',
    title: 'Heavy computation',
    workload: `box-blurring ${count} generated ${width}×${height} RGBA images (3 passes, radius 4) in plain TypeScript`,
    rule: 'calculates → processes',
    columns: [],
    rows,
    auto: decision ?? null,
    checks: rows.slice(1).map((r, i) => ({ name: `${r.model} output = sequential`, ok: same(i + 1) })),
    notes: [
      'Each executor with its defaults; times include starting and closing its threads or processes.',
      `The guides send CPU work to processes because Python's threads share one lock; Node's worker threads run in parallel, ${availableParallelism()} cores here.`,
    ],
  };
}

export const scenario: Scenario = { id: 'cpu', title: 'Heavy computation', steps: 5, run };
