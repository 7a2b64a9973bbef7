// Test oracle: TFLite broadcasting binary ops (reference_ops BroadcastBinaryFunction, and the int8
// AddFunc / MulElementwise of reference_integer_ops), evaluated per output coordinate.
import { f32, multiplyByQuantizedMultiplier, quantizeMultiplier } from '../graph/fixed-point.js';

export type BinaryKind = 'add' | 'sub' | 'mul';

/** Index of the input element that output coordinate `coord` reads under numpy broadcasting. */
function sourceIndex(coord: number[], shape: readonly number[]): number {
  const offset = coord.length - shape.length;
  let index = 0;
  for (let d = 0; d < shape.length; d++) index = index * shape[d]! + (shape[d] === 1 ? 0 : coord[d + offset]!);
  return index;
}

function forEachCoordinate(shape: readonly number[], fn: (coord: number[]) => void): void {
  const n = shape.reduce((a, b) => a * b, 1);
  const coord = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    fn(coord);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++coord[d]! < shape[d]!) break;
      coord[d] = 0;
    }
  }
}

export function binaryFloatReference(kind: BinaryKind, a: Float32Array, aShape: number[], b: Float32Array, bShape: number[], outShape: number[]): number[] {
  const out: number[] = [];
  forEachCoordinate(outShape, (c) => {
    const x = a[sourceIndex(c, aShape)]!, y = b[sourceIndex(c, bShape)]!;
    out.push(f32(kind === 'add' ? x + y : kind === 'sub' ? x - y : x * y));
  });
  return out;
}

export interface QuantParams { scale: number; zeroPoint: number }

export function binaryInt8Reference(
  kind: BinaryKind, a: Int8Array, aShape: number[], aq: QuantParams, b: Int8Array, bShape: number[], bq: QuantParams,
  outShape: number[], oq: QuantParams,
): number[] {
  const out: number[] = [];
  if (kind === 'mul') {
    const [m, shift] = quantizeMultiplier(f32(f32(aq.scale * bq.scale) / oq.scale));
    forEachCoordinate(outShape, (c) => {
      const x = a[sourceIndex(c, aShape)]! - aq.zeroPoint, y = b[sourceIndex(c, bShape)]! - bq.zeroPoint;
      out.push(Math.min(127, Math.max(-128, oq.zeroPoint + multiplyByQuantizedMultiplier(x * y, m, shift))));
    });
    return out;
  }
  const twiceMax = 2 * Math.max(aq.scale, bq.scale);
  const [m1, s1] = quantizeMultiplier(aq.scale / twiceMax);
  const [m2, s2] = quantizeMultiplier(bq.scale / twiceMax);
  const [mo, so] = quantizeMultiplier(twiceMax / (2 ** 20 * oq.scale));
  forEachCoordinate(outShape, (c) => {
    const x = multiplyByQuantizedMultiplier((a[sourceIndex(c, aShape)]! - aq.zeroPoint) * 2 ** 20, m1, s1);
    const y = multiplyByQuantizedMultiplier((b[sourceIndex(c, bShape)]! - bq.zeroPoint) * 2 ** 20, m2, s2);
    const raw = multiplyByQuantizedMultiplier(kind === 'add' ? x + y : x - y, mo, so) + oq.zeroPoint;
    out.push(Math.min(127, Math.max(-128, raw)));
  });
  return out;
}
