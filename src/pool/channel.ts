/**
 * What the pool needs from one worker, whatever it is (a thread or a child
 * process). Transports implement it; the pool never touches Worker or
 * ChildProcess directly.
 */
import type { TransferListItem } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './protocol.js';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The error that killed it (uncaught exception, failed start), if known. */
  error?: unknown;
  /** Ran out of memory (resourceLimits for threads). */
  oom?: boolean;
  /** The last lines it wrote to stderr, when captured. */
  stderr?: string[];
}

export interface WorkerEvents {
  message(message: FromWorker): void;
  exit(info: ExitInfo): void;
}

export interface WorkerChannel {
  /** "thread 3", "process 4121": used in error messages. */
  readonly label: string;
  /** Throws synchronously when the message cannot be cloned. */
  send(message: ToWorker, transfer?: TransferListItem[]): void;
  /** Stop it now (a thread is terminated; a process gets SIGTERM, then SIGKILL). `exit` follows. */
  terminate(): void;
  /** Let an idle worker not keep the process alive; ref it again when busy. */
  ref(): void;
  unref(): void;
  /**
   * Handle, now, the answers that have already arrived (threads only: a process's
   * socket is read by the event loop). Returns whether there were any.
   */
  poll?(): boolean;
  /** Resident memory in MB, when the transport can tell (for recycling). */
  memoryMb?(): number | undefined;
}

export interface Transport {
  readonly kind: 'threads' | 'processes';
  spawn(id: number, events: WorkerEvents): WorkerChannel;
}
