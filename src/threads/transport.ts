/**
 * Threads as pool workers: one `Worker` per slot, running ./worker.(ts|js).
 * Under tsx the workers inherit the parent's `--import tsx` through execArgv, so
 * TypeScript task modules load in them as they do in the parent.
 */
import { MessageChannel, Worker, receiveMessageOnPort, type ResourceLimits } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { ExitInfo, Transport, WorkerChannel, WorkerEvents } from '../pool/channel.js';
import type { FromWorker } from '../pool/protocol.js';

// The entry sits next to this file, as .ts when running from source under tsx.
const entry = new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url);

/**
 * Node 20 does not run `--import` preloads in worker threads, so a loader such as
 * tsx would be missing there and TypeScript task modules would not load. The
 * worker starts from this small script instead: it imports the same preloads
 * (a no-op where Node already did, as the module cache holds them) and then
 * the entry.
 */
const registersInWorkers = Number(process.versions.node.split('.')[0]) >= 22;

/** Where tsx's register() lives, when a preload is tsx (by name or by file URL, as the tsx CLI passes it). */
function tsxApi(preload: string): string | undefined {
  const at = preload.indexOf('/node_modules/tsx/');
  if (at >= 0) return `${preload.slice(0, at)}/node_modules/tsx/dist/esm/api/index.mjs`;
  if (preload === 'tsx' || preload.startsWith('tsx/')) {
    try {
      const pkg = createRequire(`${process.cwd()}/`).resolve('tsx/package.json');
      return pathToFileURL(`${pkg.slice(0, -'package.json'.length)}dist/esm/api/index.mjs`).href;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function bootstrap(execArgv: string[]): string {
  const preloads: string[] = [];
  for (let k = 0; k < execArgv.length; k++) {
    const arg = execArgv[k] as string;
    if (arg === '--import' && execArgv[k + 1]) preloads.push(execArgv[++k] as string);
    else if (arg.startsWith('--import=')) preloads.push(arg.slice('--import='.length));
  }
  // tsx registers itself in worker threads only on Node >= 22; on 20 we do it for it, and
  // only when a TypeScript module is actually loaded: registering costs a worker
  // hundreds of milliseconds at start-up, which JavaScript tasks should not pay.
  const api = registersInWorkers ? undefined : preloads.map(tsxApi).find(Boolean);
  const eager = preloads.filter((p) => !api || !tsxApi(p));
  return `(async () => {
    const { pathToFileURL } = await import('node:url');
    for (const p of ${JSON.stringify(eager)}) {
      await import(p.startsWith('.') || p.startsWith('/') ? pathToFileURL(p).href : p);
    }
    const api = ${JSON.stringify(api ?? null)};
    if (api) {
      let registering;
      globalThis[Symbol.for('boundwise.registerTypeScript')] = () => (registering ??= import(api).then((m) => m.register()));
      if (${JSON.stringify(entry.href.endsWith('.ts'))}) await globalThis[Symbol.for('boundwise.registerTypeScript')]();
    }
    await import(${JSON.stringify(entry.href)});
  })().catch((error) => { process.nextTick(() => { throw error; }); });`;
}

export interface ThreadTransportOptions {
  resourceLimits: ResourceLimits | undefined;
  env: Record<string, string | undefined> | undefined;
  execArgv: string[] | undefined;
  workerData: unknown;
  /** Ask each thread for its heap used with every answer (maxMemoryMb). */
  reportHeap: boolean;
}

export class ThreadTransport implements Transport {
  readonly kind = 'threads' as const;
  constructor(private readonly options: ThreadTransportOptions) {}

  spawn(id: number, events: WorkerEvents): WorkerChannel {
    const o = this.options;
    const worker = new Worker(bootstrap(o.execArgv ?? process.execArgv), {
      eval: true,
      workerData: o.workerData,
      ...(o.resourceLimits && { resourceLimits: o.resourceLimits }),
      ...(o.env && { env: o.env }),
      ...(o.execArgv && { execArgv: o.execArgv }),
    });
    let lastError: unknown;
    // Answers come on a port of our own rather than the worker's: unlike the Worker object, a
    // MessagePort can be read synchronously (poll), so a caller in the middle of a long
    // synchronous burst can still see a probe's result.
    const { port1: answers, port2 } = new MessageChannel();
    answers.on('message', events.message);
    worker.postMessage(o.reportHeap ? { t: 'port', port: port2, w: id, h: true } : { t: 'port', port: port2, w: id }, [port2]);
    worker.on('error', (error) => (lastError = error));
    const poll = (): boolean => {
      let any = false;
      for (let m = receiveMessageOnPort(answers); m !== undefined; m = receiveMessageOnPort(answers)) {
        events.message(m.message as FromWorker);
        any = true;
      }
      return any;
    };
    worker.on('exit', (code) => {
      // What it answered before it died is already in the port (posting is synchronous): take it
      // first, since 'exit' and the port's own events are not ordered with each other.
      poll();
      answers.close();
      const info: ExitInfo = { code, signal: null };
      if (lastError !== undefined) info.error = lastError;
      if ((lastError as { code?: string } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY') info.oom = true;
      events.exit(info);
    });
    return {
      label: `thread ${worker.threadId}`,
      send: (message, transfer) => worker.postMessage(message, transfer),
      terminate: () => void worker.terminate(),
      ref: () => {
        worker.ref();
        answers.ref();
      },
      unref: () => {
        worker.unref();
        answers.unref();
      },
      poll,
    };
  }
}
