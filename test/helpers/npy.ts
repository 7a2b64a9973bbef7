// Minimal .npy (NumPy format v1/v2/v3) reader for test fixtures: C-order, little-endian or 1-byte dtypes.
import { readFileSync } from 'node:fs';

export type NpyArray =
  | { dtype: 'uint8'; shape: number[]; data: Uint8Array }
  | { dtype: 'int8'; shape: number[]; data: Int8Array }
  | { dtype: 'int32'; shape: number[]; data: Int32Array }
  | { dtype: 'float32'; shape: number[]; data: Float32Array }
  | { dtype: 'float64'; shape: number[]; data: Float64Array };

const DESCR: Record<string, NpyArray['dtype']> = {
  '|u1': 'uint8', '<u1': 'uint8', '|i1': 'int8', '<i1': 'int8',
  '<i4': 'int32', '<f4': 'float32', '<f8': 'float64',
};

export function parseNpy(bytes: Uint8Array): NpyArray {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b)) throw new Error('not a .npy file');
  const major = bytes[6];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeStr = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeStr === undefined) throw new Error(`bad .npy header: ${header}`);
  if (fortran === 'True') throw new Error('.npy: Fortran order not supported');
  const dtype = DESCR[descr];
  if (!dtype) throw new Error(`.npy: unsupported dtype ${descr}`);
  const shape = shapeStr.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const off = start + headerLen;
  // copy so the typed array is aligned regardless of the header length
  const body = bytes.slice(off, off + count * BYTES[dtype]);
  if (body.length !== count * BYTES[dtype]) throw new Error('.npy: truncated data');
  switch (dtype) {
    case 'uint8': return { dtype, shape, data: new Uint8Array(body.buffer) };
    case 'int8': return { dtype, shape, data: new Int8Array(body.buffer) };
    case 'int32': return { dtype, shape, data: new Int32Array(body.buffer) };
    case 'float32': return { dtype, shape, data: new Float32Array(body.buffer) };
    case 'float64': return { dtype, shape, data: new Float64Array(body.buffer) };
  }
}

const BYTES: Record<NpyArray['dtype'], number> = { uint8: 1, int8: 1, int32: 4, float32: 4, float64: 8 };

export function readNpy(path: string): NpyArray {
  return parseNpy(new Uint8Array(readFileSync(path)));
}
