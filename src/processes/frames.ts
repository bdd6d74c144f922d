/**
 * The messages between the pool and a child (pool/protocol.ts) as frames on a
 * byte stream: a 4-byte big-endian length, a kind, then the fields.
 *
 *   [length u32][kind u8] …
 *     RUN   [flags u8][id f64][task u32][input]   { t: 'run', id, m, n, i, p?, c?, a? }
 *     OK    [id f64][value]                       { t: 'ok', id, v }
 *     TASK  [task u32][m length u32][m][n]        says which module and export `task` names (UTF-16)
 *     READY                                       { t: 'ready' }
 *     OTHER [message]                             anything else, cloned whole
 *   (values: values.ts, one tag byte first)
 *
 * A no-op task costs two messages, a run and its answer, so those two have a
 * form of their own: a run names its task by a number the writer gave it in a
 * TASK frame, the first time, instead of repeating the module's URL; and its
 * input, like the answer's value, is written directly when it is a small
 * value. A child that starts and runs a task with a small input and output
 * (what bench/processes.ts (c) times) never needs V8's serializer. Every other
 * message is cloned as a whole, as the IPC channel would.
 *
 * The reader waits for a frame's last byte before it reads it; a large frame
 * that arrives in many chunks is copied, chunk by chunk as they arrive, into one
 * buffer of its size.
 */
import type { FromWorker, ToWorker } from '../pool/protocol.js';
import { directSize, readValue, serializeAfter, writeDirect } from './values.js';

type Message = ToWorker | FromWorker;

const OTHER = 0;
const RUN = 1;
const OK = 2;
const TASK = 3;
const READY = 4;

const PROFILE = 1;
const COPY_COST = 2;
const SAY_ASYNC = 4;

/** Bytes before a run's input: length, kind, flags, id, task. */
const RUN_HEAD = 4 + 1 + 1 + 8 + 4;
/** Bytes before an answer's value: length, kind, id. */
const OK_HEAD = 4 + 1 + 8;

/** Turns messages into frames; one per direction of one child (it numbers the tasks it has named). */
export class FrameWriter {
  /** Module → export → number, for the tasks this writer has named in a TASK frame. */
  private readonly tasks = new Map<string, Map<string, number>>();
  private named = 0;
  /** Header scratch for frames whose value goes through V8 (copied by the serializer). */
  private readonly head = Buffer.alloc(RUN_HEAD);

  /** The frame(s) of `message`; throws synchronously when a value in it cannot be cloned. */
  encode(message: Message): Buffer {
    if (message.t === 'run') return this.run(message);
    if (message.t === 'ok' && message.p === undefined && message.h === undefined) return this.ok(message.id, message.v);
    if (message.t === 'ready') return Buffer.from([0, 0, 0, 1, READY]);
    return frame(this.head.subarray(0, 5), OTHER, message);
  }

  private run(message: Extract<ToWorker, { t: 'run' }>): Buffer {
    const byName = this.tasks.get(message.m);
    let task = byName?.get(message.n);
    let named: Buffer | undefined;
    if (task === undefined) {
      task = this.named;
      named = taskFrame(task, message.m, message.n);
    }
    const flags = (message.p ? PROFILE : 0) | (message.c ? COPY_COST : 0) | (message.a ? SAY_ASYNC : 0);
    const size = directSize(message.i);
    let out: Buffer;
    if (size >= 0) {
      out = Buffer.allocUnsafe(RUN_HEAD + 1 + size);
      runHead(out, flags, message.id, task);
      writeDirect(out, RUN_HEAD, message.i);
      out.writeUInt32BE(out.length - 4, 0);
    } else {
      runHead(this.head, flags, message.id, task);
      out = frame(this.head, RUN, message.i);
    }
    // Named only once the run could be written (its input may not clone).
    if (named) {
      if (byName) byName.set(message.n, task);
      else this.tasks.set(message.m, new Map([[message.n, task]]));
      this.named++;
      return Buffer.concat([named, out]);
    }
    return out;
  }

  private ok(id: number, value: unknown): Buffer {
    const size = directSize(value);
    if (size < 0) {
      this.head.writeDoubleLE(id, 5);
      return frame(this.head.subarray(0, OK_HEAD), OK, value);
    }
    const out = Buffer.allocUnsafe(OK_HEAD + 1 + size);
    out.writeUInt32BE(OK_HEAD - 4 + 1 + size, 0);
    out[4] = OK;
    out.writeDoubleLE(id, 5);
    writeDirect(out, OK_HEAD, value);
    return out;
  }
}

function taskFrame(task: number, m: string, n: string): Buffer {
  const out = Buffer.allocUnsafe(13 + 2 * (m.length + n.length));
  out.writeUInt32BE(out.length - 4, 0);
  out[4] = TASK;
  out.writeUInt32BE(task, 5);
  out.writeUInt32BE(m.length, 9);
  out.write(m, 13, 'utf16le');
  out.write(n, 13 + 2 * m.length, 'utf16le');
  return out;
}

function runHead(buf: Buffer, flags: number, id: number, task: number): void {
  buf[4] = RUN;
  buf[5] = flags;
  buf.writeDoubleLE(id, 6);
  buf.writeUInt32BE(task, 14);
}

/** `head` (its first 5 bytes: length, kind) and `value` through V8, the length filled in. */
function frame(head: Buffer, kind: number, value: unknown): Buffer {
  head[4] = kind;
  const out = serializeAfter(head, value);
  out.writeUInt32BE(out.length - 4, 0);
  return out;
}

/** Turns a byte stream back into messages, each handed to `onMessage` as soon as its frame is complete. */
export class FrameReader<In extends Message = Message> {
  /** A frame longer than what has arrived of it: its bytes so far, in a buffer of its full size. */
  private frame: Buffer | undefined;
  private filled = 0;
  /** The first bytes (fewer than 4) of a length that a chunk cut. */
  private cut: Buffer | undefined;
  /** The tasks the other side has named, by number. */
  private readonly tasks: Array<[string, string]> = [];

  /**
   * `reused`: each chunk given to push() is written over afterwards (net.Socket's `onread`
   * buffer), so whatever outlives the call is copied out of it.
   */
  constructor(
    private readonly onMessage: (message: In) => void,
    private readonly reused = false,
  ) {}

  push(chunk: Buffer): void {
    let buf = chunk;
    let at = 0;
    if (this.cut) {
      buf = Buffer.concat([this.cut, chunk]);
      this.cut = undefined;
    }
    const frame = this.frame;
    if (frame) {
      // Each chunk is copied into place as it arrives (still in the cache), not all at the end.
      at = Math.min(buf.length, frame.length - this.filled);
      buf.copy(frame, this.filled, 0, at);
      this.filled += at;
      if (this.filled < frame.length) return;
      this.frame = undefined;
      this.deliver(frame, 4, frame.length, false);
    }
    while (buf.length - at >= 4) {
      const end = at + 4 + buf.readUInt32BE(at);
      if (end > buf.length) {
        // Unpooled: a typed array read from it must not share its buffer with unrelated Buffers.
        this.frame = Buffer.allocUnsafeSlow(end - at);
        this.filled = buf.copy(this.frame, 0, at);
        return;
      }
      this.deliver(buf, at + 4, end, this.reused);
      at = end;
    }
    if (at < buf.length) this.cut = this.reused ? Buffer.from(buf.subarray(at)) : buf.subarray(at);
  }

  private deliver(buf: Buffer, at: number, end: number, copy: boolean): void {
    const message = this.decode(buf, at, end, copy);
    if (message) this.onMessage(message as In);
  }

  private decode(buf: Buffer, at: number, end: number, copy: boolean): Message | undefined {
    switch (buf[at]) {
      case RUN: {
        const flags = buf[at + 1] as number;
        const [m, n] = this.tasks[buf.readUInt32BE(at + 10)] as [string, string];
        const message: Extract<ToWorker, { t: 'run' }> = { t: 'run', id: buf.readDoubleLE(at + 2), m, n, i: readValue(buf, at + 14, end, copy) };
        if (flags & PROFILE) message.p = true;
        if (flags & COPY_COST) message.c = true;
        if (flags & SAY_ASYNC) message.a = true;
        return message;
      }
      case OK:
        return { t: 'ok', id: buf.readDoubleLE(at + 1), v: readValue(buf, at + 9, end, copy) };
      case TASK: {
        const mEnd = at + 9 + 2 * buf.readUInt32BE(at + 5);
        this.tasks[buf.readUInt32BE(at + 1)] = [buf.toString('utf16le', at + 9, mEnd), buf.toString('utf16le', mEnd, end)];
        return undefined;
      }
      case READY:
        return { t: 'ready' };
      default:
        return readValue(buf, at + 1, end, copy) as Message;
    }
  }
}
