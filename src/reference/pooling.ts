// Test oracle: TFLite reference pooling (reference_ops / reference_integer_ops pooling.h), written
// as the plain per-output loops with per-tap bounds checks. Not used at run time.

export interface PoolReferenceArgs {
  input: Float32Array | Int8Array;
  /** NHWC. */
  shape: [number, number, number, number];
  filterH: number;
  filterW: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
  outH: number;
  outW: number;
  kind: 'max' | 'average';
  activationMin: number;
  activationMax: number;
}

export function poolReference(a: PoolReferenceArgs): number[] {
  const [batch, inH, inW, depth] = a.shape;
  const quantized = a.input instanceof Int8Array;
  const out: number[] = [];
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < a.outH; oy++) {
      for (let ox = 0; ox < a.outW; ox++) {
        for (let c = 0; c < depth; c++) {
          const y0 = oy * a.strideH - a.padTop;
          const x0 = ox * a.strideW - a.padLeft;
          let acc = a.kind === 'max' ? (quantized ? -128 : -Infinity) : 0;
          let count = 0;
          for (let fy = 0; fy < a.filterH; fy++) {
            for (let fx = 0; fx < a.filterW; fx++) {
              const y = y0 + fy, x = x0 + fx;
              if (y < 0 || y >= inH || x < 0 || x >= inW) continue;
              const v = a.input[((b * inH + y) * inW + x) * depth + c]!;
              if (a.kind === 'max') acc = Math.max(acc, v);
              else acc = quantized ? acc + v : Math.fround(acc + v);
              count++;
            }
          }
          let r = acc;
          if (a.kind === 'average') {
            if (quantized) r = (acc > 0 ? Math.trunc((acc + Math.trunc(count / 2)) / count) : Math.trunc((acc - Math.trunc(count / 2)) / count)) | 0;
            else r = Math.fround(acc / count);
          }
          out.push(Math.min(a.activationMax, Math.max(a.activationMin, r)));
        }
      }
    }
  }
  return out;
}
