// A small flatbuffer writer for tests: builds TFLite files from plain descriptions, so tests can make
// exact, minimal and deliberately malformed models without TensorFlow. Children are written after
// their parents, so every uoffset points forward as the format requires.

export type Scalar = 'u8' | 'i8' | 'bool' | 'i16' | 'u16' | 'i32' | 'u32' | 'f32' | 'i64' | 'u64';
export type Field =
  | { scalar: Scalar; value: number | bigint | boolean }
  | { table: Table }
  | { string: string }
  | { vector: Scalar; values: (number | bigint)[] }
  | { bytes: Uint8Array; align?: number }
  | { tables: Table[] };
/** Slot id → field; missing slots are absent. */
export type Table = (Field | undefined)[];

const SIZE: Record<Scalar, number> = { u8: 1, i8: 1, bool: 1, i16: 2, u16: 2, i32: 4, u32: 4, f32: 4, i64: 8, u64: 8 };

class Writer {
  bytes = new Uint8Array(1024);
  view = new DataView(this.bytes.buffer);
  size = 0;

  private ensure(n: number) {
    if (this.size + n <= this.bytes.length) return;
    let cap = this.bytes.length;
    while (cap < this.size + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.bytes);
    this.bytes = next;
    this.view = new DataView(next.buffer);
  }

  align(a: number, offsetWithin = 0) {
    while ((this.size + offsetWithin) % a !== 0) this.put('u8', 0);
  }

  reserve(n: number): number {
    this.ensure(n);
    const at = this.size;
    this.size += n;
    return at;
  }

  put(kind: Scalar, value: number | bigint | boolean, at = this.reserve(SIZE[kind])): number {
    const v = this.view;
    switch (kind) {
      case 'u8': case 'bool': v.setUint8(at, Number(value)); break;
      case 'i8': v.setInt8(at, Number(value)); break;
      case 'i16': v.setInt16(at, Number(value), true); break;
      case 'u16': v.setUint16(at, Number(value), true); break;
      case 'i32': v.setInt32(at, Number(value), true); break;
      case 'u32': v.setUint32(at, Number(value), true); break;
      case 'f32': v.setFloat32(at, Number(value), true); break;
      case 'i64': v.setBigInt64(at, BigInt(value), true); break;
      case 'u64': v.setBigUint64(at, BigInt(value), true); break;
    }
    return at;
  }

  patchOffset(fieldPos: number, target: number) {
    this.view.setUint32(fieldPos, target - fieldPos, true);
  }

  /** Writes a table (vtable first), then its children; returns the table position. */
  table(fields: Table): number {
    // Inline layout: 4-byte soffset, then fields largest-first so each stays naturally aligned.
    const present = fields.map((f, slot) => ({ f, slot })).filter((x) => x.f !== undefined) as { f: Field; slot: number }[];
    const inlineSize = (f: Field) => ('scalar' in f ? SIZE[f.scalar] : 4);
    present.sort((a, b) => inlineSize(b.f) - inlineSize(a.f));
    const offsets = new Map<number, number>();
    let cursor = 4;
    for (const { f, slot } of present) {
      const s = inlineSize(f);
      cursor = Math.ceil(cursor / s) * s;
      offsets.set(slot, cursor);
      cursor += s;
    }
    const tableBytes = Math.ceil(cursor / 4) * 4;
    const vtableBytes = 4 + 2 * fields.length;
    this.align(2);
    const vtable = this.reserve(vtableBytes);
    this.put('u16', vtableBytes, vtable);
    this.put('u16', tableBytes, vtable + 2);
    for (let slot = 0; slot < fields.length; slot++) this.put('u16', offsets.get(slot) ?? 0, vtable + 4 + 2 * slot);
    this.align(8);
    const pos = this.reserve(tableBytes);
    this.view.setInt32(pos, pos - vtable, true);
    const children: { at: number; f: Field }[] = [];
    for (const { f, slot } of present) {
      const at = pos + offsets.get(slot)!;
      if ('scalar' in f) this.put(f.scalar, f.value, at);
      else children.push({ at, f });
    }
    for (const { at, f } of children) this.patchOffset(at, this.child(f));
    return pos;
  }

  child(f: Field): number {
    if ('table' in f) return this.table(f.table);
    if ('string' in f) {
      const utf8 = new TextEncoder().encode(f.string);
      this.align(4);
      const at = this.put('u32', utf8.length);
      const body = this.reserve(utf8.length + 1);
      this.bytes.set(utf8, body);
      return at;
    }
    if ('bytes' in f) {
      this.align(f.align ?? 16, 4);
      const at = this.put('u32', f.bytes.length);
      const body = this.reserve(f.bytes.length);
      this.bytes.set(f.bytes, body);
      return at;
    }
    if ('vector' in f) {
      const s = SIZE[f.vector];
      this.align(Math.max(4, s), 4);
      const at = this.put('u32', f.values.length);
      for (const v of f.values) this.put(f.vector, v);
      return at;
    }
    if (!('tables' in f)) throw new Error('scalar fields are written inline');
    // Vector of tables: offsets first, tables after.
    this.align(4);
    const at = this.put('u32', f.tables.length);
    const slots = f.tables.map(() => this.reserve(4));
    f.tables.forEach((t, i) => this.patchOffset(slots[i]!, this.table(t)));
    return at;
  }
}

/** Serialises a root table with a 4-character file identifier. */
export function buildFlatbuffer(root: Table, identifier = 'TFL3'): Uint8Array {
  const w = new Writer();
  const rootField = w.reserve(4);
  for (const c of identifier) w.put('u8', c.charCodeAt(0));
  w.patchOffset(rootField, w.table(root));
  return w.bytes.slice(0, w.size);
}

// ---- TFLite model descriptions -------------------------------------------------------------------

export interface TensorSpec {
  shape: number[];
  type?: number;
  buffer?: number;
  name?: string;
  quantization?: { scale: number[]; zeroPoint: (number | bigint)[]; quantizedDimension?: number };
  isVariable?: boolean;
  /** Writes an (empty) SparsityParameters table. */
  sparse?: boolean;
}
export interface OperatorSpec {
  opcodeIndex: number;
  inputs: number[];
  outputs: number[];
  optionsType?: number;
  options?: Table;
}
export interface OpcodeSpec { builtin?: number; deprecated?: number; custom?: string; version?: number }
export interface BufferSpec { data?: Uint8Array; offset?: bigint; size?: bigint }
export interface ModelSpec {
  opcodes: OpcodeSpec[];
  tensors: TensorSpec[];
  operators: OperatorSpec[];
  inputs: number[];
  outputs: number[];
  buffers?: BufferSpec[];
  signatures?: { key: string; inputs: [string, number][]; outputs: [string, number][] }[];
  metadata?: { name: string; buffer: number }[];
  version?: number;
}

const s = (scalar: Scalar, value: number | bigint | boolean): Field => ({ scalar, value });

export function tfliteTable(m: ModelSpec): Table {
  const tensor = (t: TensorSpec): Table => [
    { vector: 'i32', values: t.shape },
    t.type !== undefined ? s('i8', t.type) : undefined,
    t.buffer !== undefined ? s('u32', t.buffer) : undefined,
    t.name !== undefined ? { string: t.name } : undefined,
    t.quantization ? {
      table: [undefined, undefined, { vector: 'f32', values: t.quantization.scale }, { vector: 'i64', values: t.quantization.zeroPoint },
        undefined, undefined, t.quantization.quantizedDimension !== undefined ? s('i32', t.quantization.quantizedDimension) : undefined],
    } : undefined,
    t.isVariable ? s('bool', true) : undefined,
    t.sparse ? { table: [] } : undefined,
  ];
  const op = (o: OperatorSpec): Table => [
    s('u32', o.opcodeIndex), { vector: 'i32', values: o.inputs }, { vector: 'i32', values: o.outputs },
    o.optionsType !== undefined ? s('u8', o.optionsType) : undefined,
    o.options ? { table: o.options } : undefined,
  ];
  const opcode = (c: OpcodeSpec): Table => [
    c.deprecated !== undefined ? s('i8', c.deprecated) : undefined,
    c.custom !== undefined ? { string: c.custom } : undefined,
    c.version !== undefined ? s('i32', c.version) : undefined,
    c.builtin !== undefined ? s('i32', c.builtin) : undefined,
  ];
  const buffer = (b: BufferSpec): Table => [
    b.data ? { bytes: b.data } : undefined,
    b.offset !== undefined ? s('u64', b.offset) : undefined,
    b.size !== undefined ? s('u64', b.size) : undefined,
  ];
  return [
    s('u32', m.version ?? 3),
    { tables: m.opcodes.map(opcode) },
    { tables: [[
      { tables: m.tensors.map(tensor) }, { vector: 'i32', values: m.inputs }, { vector: 'i32', values: m.outputs },
      { tables: m.operators.map(op) }, { string: 'main' },
    ]] },
    { string: 'test model' },
    { tables: (m.buffers ?? [{}]).map(buffer) },
    undefined,
    m.metadata ? { tables: m.metadata.map((x) => [{ string: x.name }, s('u32', x.buffer)]) } : undefined,
    m.signatures ? {
      tables: m.signatures.map((sig) => [
        { tables: sig.inputs.map(([name, idx]) => [{ string: name }, s('u32', idx)]) },
        { tables: sig.outputs.map(([name, idx]) => [{ string: name }, s('u32', idx)]) },
        { string: sig.key }, undefined, s('u32', 0),
      ]),
    } : undefined,
  ];
}

export function buildTflite(m: ModelSpec): Uint8Array {
  return buildFlatbuffer(tfliteTable(m));
}

export function float32Bytes(values: number[]): Uint8Array {
  return new Uint8Array(new Float32Array(values).buffer);
}
export function int32Bytes(values: number[]): Uint8Array {
  return new Uint8Array(new Int32Array(values).buffer);
}
