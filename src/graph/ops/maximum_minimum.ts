// MAXIMUM, MINIMUM with numpy broadcasting (tflite/kernels/maximum_minimum.cc). TFLite compares the stored
// values as they are, without rescaling, so quantized inputs must share the output's scale and zero point
// (the converter makes them so); any other pairing is refused rather than compared wrongly.
import { broadcastMaps, broadcastShape, requireQuantized } from '../op-utils.js';
import type { MemoryViews, OpContext, OpDefinition, OpStep } from '../types.js';

type Pick = 'max' | 'min';

/** A float32 scale as its shortest decimal that reads back as the same float32 (0.2, not 0.20000000298023224). */
function f32Text(v: number): string {
  for (let digits = 1; digits < 9; digits++) if (Math.fround(Number(v.toPrecision(digits))) === v) return String(Number(v.toPrecision(digits)));
  return String(v);
}

function prepareExtremum(ctx: OpContext, pick: Pick): OpStep {
  ctx.expectCounts(2, 2, 1);
  const a = ctx.input(0);
  const b = ctx.input(1);
  const out = ctx.output(0);
  if (a.dtype !== b.dtype) ctx.fail(`inputs have different types (${a.dtype}, ${b.dtype})`);
  ctx.expectDtype(out, a.dtype);
  const shape = broadcastShape(ctx, a.shape, b.shape);
  ctx.expectShape(out, shape);
  if (a.dtype === 'int8' || a.dtype === 'uint8') {
    for (const t of [a, b, out]) requireQuantized(ctx, t);
    for (const t of [a, b]) {
      if (t.scale !== out.scale || t.zeroPoint !== out.zeroPoint) {
        ctx.fail(`quantized input (scale ${f32Text(t.scale)}, zero point ${t.zeroPoint}) must share the output's (scale ${f32Text(out.scale)}, zero point ${out.zeroPoint})`, t.index);
      }
    }
  } else if (a.dtype !== 'float32' && a.dtype !== 'int32') {
    ctx.fail(`${a.dtype} inputs are not supported (float32, int8, uint8 or int32)`);
  }
  ctx.readInMemory(a);
  ctx.readInMemory(b);
  const n = out.elementCount;
  const [ia, ib] = broadcastMaps(a.shape, b.shape, shape);
  const wide = a.dtype === 'float32' || a.dtype === 'int32';
  const max = pick === 'max';
  return (v: MemoryViews) => {
    const x = a.dtype === 'float32' ? v.f32 : a.dtype === 'int32' ? v.i32 : a.dtype === 'int8' ? v.i8 : v.u8;
    const shift = wide ? 2 : 0;
    const pa = a.ptr >> shift, pb = b.ptr >> shift, po = out.ptr >> shift;
    return () => {
      for (let i = 0; i < n; i++) {
        const p = x[pa + (ia ? ia[i]! : i)]!;
        const q = x[pb + (ib ? ib[i]! : i)]!;
        // std::max / std::min: the first operand unless the second compares greater / smaller (NaN keeps p)
        x[po + i] = max ? (p < q ? q : p) : (q < p ? q : p);
      }
    };
  };
}

export const maximum: OpDefinition = { name: 'MAXIMUM', prepare: (ctx) => prepareExtremum(ctx, 'max') };
export const minimum: OpDefinition = { name: 'MINIMUM', prepare: (ctx) => prepareExtremum(ctx, 'min') };
