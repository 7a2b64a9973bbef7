// Linear-memory bump allocator. Memory grows only here (load time); kernels never allocate.

/** Bytes kept free past the last allocation: a few kernels read (never use) up to 15 bytes past a tensor. */
const TAIL_SLACK = 64;

export class BumpAllocator {
  private top: number;
  private readonly base: number;

  constructor(private readonly memory: WebAssembly.Memory, heapBase: number) {
    this.base = alignUp(heapBase, 16);
    this.top = this.base;
  }

  alloc(bytes: number): number {
    if (!Number.isInteger(bytes) || bytes < 0) throw new RangeError(`alloc: bytes must be a non-negative integer, got ${bytes}`);
    const ptr = this.top;
    const end = alignUp(ptr + Math.max(bytes, 1), 16);
    const need = end + TAIL_SLACK;
    if (need > 0xffff_ffff) throw new RangeError(`alloc: ${bytes} bytes exceed the 4 GiB wasm32 address space`);
    const have = this.memory.buffer.byteLength;
    if (need > have) this.memory.grow(Math.ceil((need - have) / 65536));
    this.top = end;
    return ptr;
  }

  /** Copies typed-array (or buffer) bytes into fresh linear memory; returns their address. */
  place(data: ArrayBufferView | ArrayBuffer): number {
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const ptr = this.alloc(bytes.byteLength);
    new Uint8Array(this.memory.buffer, ptr, bytes.byteLength).set(bytes);
    return ptr;
  }

  get allocatedBytes(): number {
    return this.top - this.base;
  }
}

export function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}
