// Bounds-checked flatbuffer primitives. Every offset read from the file is validated against the
// file length before it is followed, so a corrupt file yields a ModelError, never a RangeError.
// Layout reference: flatbuffers "internals" (root uoffset, vtable at table - soffset, uint16 slots).
import { ModelError } from '../errors.js';

export interface Table {
  /** Absolute position of the table (its soffset to the vtable). */
  readonly pos: number;
  readonly vtable: number;
  readonly vtableBytes: number;
  readonly tableBytes: number;
  /** Human-readable path, e.g. "subgraphs[0].tensors[3]", used in errors. */
  readonly where: string;
}

export interface VectorRef {
  /** Absolute position of the first element. */
  readonly start: number;
  readonly length: number;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export class FlatBufferReader {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly size: number;
  private readonly file?: string;

  constructor(bytes: Uint8Array, file?: string) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.size = bytes.byteLength;
    this.file = file;
  }

  fail(detail: string, location: { opIndex?: number; tensorIndex?: number } = {}): never {
    throw new ModelError(detail, { file: this.file, ...location });
  }

  private need(pos: number, bytes: number, what: string): void {
    if (!(pos >= 0 && pos + bytes <= this.size)) {
      this.fail(`${what}: ${bytes} byte(s) at offset ${pos} lie outside the ${this.size}-byte file`);
    }
  }

  u8(pos: number, what: string): number { this.need(pos, 1, what); return this.view.getUint8(pos); }
  i8(pos: number, what: string): number { this.need(pos, 1, what); return this.view.getInt8(pos); }
  u16(pos: number, what: string): number { this.need(pos, 2, what); return this.view.getUint16(pos, true); }
  i32(pos: number, what: string): number { this.need(pos, 4, what); return this.view.getInt32(pos, true); }
  u32(pos: number, what: string): number { this.need(pos, 4, what); return this.view.getUint32(pos, true); }
  f32(pos: number, what: string): number { this.need(pos, 4, what); return this.view.getFloat32(pos, true); }

  /** int64 as a JS number; values beyond 2^53 cannot be meaningful here and are refused. */
  i64(pos: number, what: string): number {
    this.need(pos, 8, what);
    const v = this.view.getBigInt64(pos, true);
    if (v > BigInt(MAX_SAFE) || v < -BigInt(MAX_SAFE)) this.fail(`${what}: 64-bit value ${v} is out of range`);
    return Number(v);
  }

  u64(pos: number, what: string): number {
    this.need(pos, 8, what);
    const v = this.view.getBigUint64(pos, true);
    if (v > BigInt(MAX_SAFE)) this.fail(`${what}: 64-bit value ${v} is out of range`);
    return Number(v);
  }

  /** Reads the table that starts at `pos` and validates its vtable. */
  tableAt(pos: number, where: string): Table {
    this.need(pos, 4, `${where} (table)`);
    const vtable = pos - this.view.getInt32(pos, true);
    this.need(vtable, 4, `${where} (vtable header)`);
    const vtableBytes = this.view.getUint16(vtable, true);
    const tableBytes = this.view.getUint16(vtable + 2, true);
    if (vtableBytes < 4 || vtableBytes % 2 !== 0) this.fail(`${where}: vtable size ${vtableBytes} is invalid`);
    this.need(vtable, vtableBytes, `${where} (vtable)`);
    if (tableBytes < 4) this.fail(`${where}: table size ${tableBytes} is invalid`);
    this.need(pos, tableBytes, `${where} (table body)`);
    return { pos, vtable, vtableBytes, tableBytes, where };
  }

  root(where: string): Table {
    return this.tableAt(this.u32(0, 'root offset'), where);
  }

  /** Absolute position of field `slot`, or 0 when absent. Checks that `bytes` fit inside the table. */
  field(t: Table, slot: number, bytes: number): number {
    const entry = 4 + 2 * slot;
    if (entry >= t.vtableBytes) return 0;
    const offset = this.view.getUint16(t.vtable + entry, true);
    if (offset === 0) return 0;
    if (offset + bytes > t.tableBytes) this.fail(`${t.where}: field ${slot} lies outside its table`);
    return t.pos + offset;
  }

  has(t: Table, slot: number): boolean { return this.field(t, slot, 1) !== 0; }

  fieldU8(t: Table, slot: number, dflt: number, name: string): number {
    const p = this.field(t, slot, 1); return p ? this.u8(p, `${t.where}.${name}`) : dflt;
  }
  fieldI8(t: Table, slot: number, dflt: number, name: string): number {
    const p = this.field(t, slot, 1); return p ? this.i8(p, `${t.where}.${name}`) : dflt;
  }
  fieldBool(t: Table, slot: number, dflt: boolean, name: string): boolean {
    const p = this.field(t, slot, 1); return p ? this.u8(p, `${t.where}.${name}`) !== 0 : dflt;
  }
  fieldI32(t: Table, slot: number, dflt: number, name: string): number {
    const p = this.field(t, slot, 4); return p ? this.i32(p, `${t.where}.${name}`) : dflt;
  }
  fieldU32(t: Table, slot: number, dflt: number, name: string): number {
    const p = this.field(t, slot, 4); return p ? this.u32(p, `${t.where}.${name}`) : dflt;
  }
  fieldF32(t: Table, slot: number, dflt: number, name: string): number {
    const p = this.field(t, slot, 4); return p ? this.f32(p, `${t.where}.${name}`) : dflt;
  }
  fieldU64(t: Table, slot: number, dflt: number, name: string): number {
    const p = this.field(t, slot, 8); return p ? this.u64(p, `${t.where}.${name}`) : dflt;
  }

  /** Follows the uoffset stored at `pos` (relative to `pos` itself). */
  private deref(pos: number, what: string): number {
    const target = pos + this.u32(pos, what);
    if (target >= this.size) this.fail(`${what}: offset points past the end of the file`);
    return target;
  }

  fieldTable(t: Table, slot: number, name: string): Table | null {
    const p = this.field(t, slot, 4);
    if (!p) return null;
    return this.tableAt(this.deref(p, `${t.where}.${name}`), `${t.where}.${name}`);
  }

  /** A vector of fixed-size elements; null when absent. The whole body is checked to fit. */
  fieldVector(t: Table, slot: number, elementBytes: number, name: string): VectorRef | null {
    const p = this.field(t, slot, 4);
    if (!p) return null;
    const what = `${t.where}.${name}`;
    const at = this.deref(p, what);
    const length = this.u32(at, `${what} (length)`);
    // Check against the remaining file before multiplying, so the product cannot be absurd.
    if (length > (this.size - at - 4) / elementBytes) {
      this.fail(`${what}: vector of ${length} element(s) of ${elementBytes} byte(s) exceeds the file`);
    }
    return { start: at + 4, length };
  }

  fieldString(t: Table, slot: number, name: string): string | null {
    const v = this.fieldVector(t, slot, 1, name);
    if (!v) return null;
    return decodeUtf8(this.bytes.subarray(v.start, v.start + v.length));
  }

  fieldI32Array(t: Table, slot: number, name: string): number[] | null {
    const v = this.fieldVector(t, slot, 4, name);
    if (!v) return null;
    const out = new Array<number>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = this.view.getInt32(v.start + 4 * i, true);
    return out;
  }

  fieldF32Array(t: Table, slot: number, name: string): Float32Array | null {
    const v = this.fieldVector(t, slot, 4, name);
    if (!v) return null;
    const out = new Float32Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = this.view.getFloat32(v.start + 4 * i, true);
    return out;
  }

  fieldI64Array(t: Table, slot: number, name: string): number[] | null {
    const v = this.fieldVector(t, slot, 8, name);
    if (!v) return null;
    const out = new Array<number>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = this.i64(v.start + 8 * i, `${t.where}.${name}[${i}]`);
    return out;
  }

  /** A vector of tables; each element is a uoffset relative to its own position. */
  fieldTables(t: Table, slot: number, name: string): Table[] {
    const v = this.fieldVector(t, slot, 4, name);
    if (!v) return [];
    const out = new Array<Table>(v.length);
    for (let i = 0; i < v.length; i++) {
      const where = `${t.where}.${name}[${i}]`;
      out[i] = this.tableAt(this.deref(v.start + 4 * i, where), where);
    }
    return out;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
function decodeUtf8(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}
