/**
 * How one value crosses between the pool and a child (frames.ts puts it in a
 * frame): the structured clone of `fork({ serialization: 'advanced' })` —
 * V8's serializer, with Node's own handling of typed arrays and other host
 * objects (copied from Node's lib/internal/child_process/serialization.js, so
 * values arrive exactly as they did over the IPC channel) — except for the
 * small values most tasks take and return: undefined, null, booleans, numbers
 * and short strings are a tag and their bytes. Those need no serializer: a V8
 * serializer and deserializer are native objects made for one message each,
 * about half the CPU of a no-op task's round trip spent outside the kernel.
 *
 * Strings go as UTF-16 code units, which keeps lone surrogates (UTF-8 would
 * replace them); long ones go through V8, which writes Latin-1 text in one byte
 * a character.
 */
import { DefaultDeserializer, DefaultSerializer } from 'node:v8';
import { types } from 'node:util';

const UNDEFINED = 0;
const NULL = 1;
const TRUE = 2;
const FALSE = 3;
const NUMBER = 4;
const STRING = 5;
const V8 = 6;

/** Longest string written directly (in UTF-16 code units); longer ones go through V8. */
const SHORT_STRING = 256;

// Node's ChildProcessSerializer: a host object that is not a typed array crosses as a plain copy of its own properties.
const ARRAY_BUFFER_VIEW = 0;
const NOT_ARRAY_BUFFER_VIEW = 1;

// Node's hooks for host objects, which @types/node does not declare.
const HostSerializer = DefaultSerializer as unknown as new () => DefaultSerializer & { _writeHostObject(object: object): void };
const HostDeserializer = DefaultDeserializer as unknown as new (buffer: Buffer) => DefaultDeserializer & { _readHostObject(): unknown };

class Serializer extends HostSerializer {
  override _writeHostObject(object: object): void {
    if (types.isArrayBufferView(object)) {
      this.writeUint32(ARRAY_BUFFER_VIEW);
      super._writeHostObject(object);
      return;
    }
    this.writeUint32(NOT_ARRAY_BUFFER_VIEW);
    this.writeValue({ ...object });
  }
}

class Deserializer extends HostDeserializer {
  override _readHostObject(): unknown {
    if (this.readUint32() === ARRAY_BUFFER_VIEW) return super._readHostObject();
    return this.readValue();
  }
}

/** Bytes `value` takes after its tag when written directly, or -1 when it goes through V8. */
export function directSize(value: unknown): number {
  switch (typeof value) {
    case 'number':
      return 8;
    case 'string':
      return value.length <= SHORT_STRING ? value.length * 2 : -1;
    case 'boolean':
    case 'undefined':
      return 0;
    default:
      return value === null ? 0 : -1;
  }
}

/** Write a value whose directSize() is not -1, tag first, at `at`; `buf` has room for it. */
export function writeDirect(buf: Buffer, at: number, value: unknown): void {
  switch (typeof value) {
    case 'number':
      buf[at] = NUMBER;
      buf.writeDoubleLE(value, at + 1);
      return;
    case 'string':
      buf[at] = STRING;
      buf.write(value, at + 1, 'utf16le');
      return;
    case 'boolean':
      buf[at] = value ? TRUE : FALSE;
      return;
    default:
      buf[at] = value === null ? NULL : UNDEFINED;
  }
}

/**
 * `head` followed by the V8 tag and `value` through V8's serializer, in one new buffer.
 * Throws synchronously (a DataCloneError) for a value that cannot be cloned.
 */
export function serializeAfter(head: Uint8Array, value: unknown): Buffer {
  const ser = new Serializer();
  ser.writeRawBytes(head);
  ser.writeUint32(V8); // one byte: a varint below 128
  ser.writeHeader();
  ser.writeValue(value);
  return ser.releaseBuffer();
}

/**
 * The value written at `buf[at…end)` by writeDirect() or serializeAfter(). `copy`: `buf` will be
 * written over (a reused read buffer), so what V8 reads is copied first: a typed array in the
 * value is a view of the bytes it was read from.
 */
export function readValue(buf: Buffer, at: number, end: number, copy = false): unknown {
  switch (buf[at]) {
    case NUMBER:
      return buf.readDoubleLE(at + 1);
    case STRING:
      return buf.toString('utf16le', at + 1, end);
    case TRUE:
      return true;
    case FALSE:
      return false;
    case NULL:
      return null;
    case UNDEFINED:
      return undefined;
    default: {
      const bytes = buf.subarray(at + 1, end);
      // An unpooled copy: a view must not share its buffer with unrelated Buffers of this process.
      const des = new Deserializer(copy ? Buffer.from(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)) : bytes);
      des.readHeader();
      return des.readValue();
    }
  }
}
