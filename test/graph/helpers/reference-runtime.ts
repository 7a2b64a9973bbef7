// Test-only KernelRuntime in plain TS over a WebAssembly.Memory, following TFLite's reference
// kernels. It lets the op layer be tested before (and independently of) the wasm kernels.
// Not shipped: the real runtime is src/kernels/runtime.ts.
import type {
  ConvGeometry, DepthwiseGeometry, FcGeometry, FloatParams, HybridParams, KernelRuntime, PreparedOp, QuantizedParams,
} from '../../../src/kernels/api.js';
import { f32, multiplyByQuantizedMultiplier, quantizeMultiplier, roundHalfAway } from '../../../src/graph/fixed-point.js';
import { quantizeStaticRef } from '../../../src/reference/quantization.js';

const PAGE = 65536;


export function createReferenceRuntime(): KernelRuntime {
  const memory = new WebAssembly.Memory({ initial: 1 });
  let top = 16;
  const alloc = (bytes: number): number => {
    const ptr = Math.ceil(top / 16) * 16;
    top = ptr + Math.max(bytes, 0);
    const need = Math.ceil(top / PAGE) - memory.buffer.byteLength / PAGE;
    if (need > 0) memory.grow(need);
    return ptr;
  };
  const f = () => new Float32Array(memory.buffer);
  const i8 = () => new Int8Array(memory.buffer);

  // Generic conv over a tap function; depthwise maps output channel → input channel.
  function convLoop(g: ConvGeometry, dw: number, body: (b: number, oy: number, ox: number, oc: number, taps: (fn: (inIndex: number, wIndex: number) => void) => void) => void) {
    for (let b = 0; b < g.batch; b++) for (let oy = 0; oy < g.outH; oy++) for (let ox = 0; ox < g.outW; ox++) for (let oc = 0; oc < g.outC; oc++) {
      body(b, oy, ox, oc, (fn) => {
        for (let ky = 0; ky < g.kH; ky++) {
          const iy = oy * g.strideH - g.padTop + ky * g.dilationH;
          if (iy < 0 || iy >= g.inH) continue;
          for (let kx = 0; kx < g.kW; kx++) {
            const ix = ox * g.strideW - g.padLeft + kx * g.dilationW;
            if (ix < 0 || ix >= g.inW) continue;
            if (dw > 0) {
              const ic = Math.floor(oc / dw);
              fn(((b * g.inH + iy) * g.inW + ix) * g.inC + ic, (ky * g.kW + kx) * g.outC + oc);
            } else {
              for (let ic = 0; ic < g.inC; ic++) fn(((b * g.inH + iy) * g.inW + ix) * g.inC + ic, ((oc * g.kH + ky) * g.kW + kx) * g.inC + ic);
            }
          }
        }
      });
    }
  }
  const outIndex = (g: ConvGeometry, b: number, oy: number, ox: number, oc: number) => ((b * g.outH + oy) * g.outW + ox) * g.outC + oc;

  function convQS8(g: ConvGeometry, dw: number, p: QuantizedParams): PreparedOp {
    const mults = Array.from(p.weightScales, (ws) => quantizeMultiplier(p.inputScale * ws / p.outputScale));
    // 'float': round(acc · inS·wS/outS) as BUILTIN_REF's FC does (batched FC runs as a 1×1 conv).
    const ratios = Array.from(p.weightScales, (ws) => (p.inputScale * ws) / p.outputScale);
    const floatRequant = p.requantization === 'float';
    return {
      run(inPtr, outPtr) {
        const m = i8();
        convLoop(g, dw, (b, oy, ox, oc, taps) => {
          let acc = 0;
          taps((ii, wi) => { acc += p.weights[wi]! * (m[inPtr + ii]! - p.inputZeroPoint); });
          acc += p.bias ? p.bias[oc]! : 0;
          const c = mults.length === 1 ? 0 : oc;
          const [mm, sh] = mults[c]!;
          const r = (floatRequant ? roundHalfAway(acc * ratios[c]!) : multiplyByQuantizedMultiplier(acc, mm, sh)) + p.outputZeroPoint;
          m[outPtr + outIndex(g, b, oy, ox, oc)] = Math.min(p.activationMax, Math.max(p.activationMin, r));
        });
      },
    };
  }

  function convF32(g: ConvGeometry, dw: number, p: FloatParams): PreparedOp {
    return {
      run(inPtr, outPtr) {
        const m = f();
        convLoop(g, dw, (b, oy, ox, oc, taps) => {
          let acc = 0;
          taps((ii, wi) => { acc = f32(acc + f32(m[(inPtr >> 2) + ii]! * p.weights[wi]!)); });
          acc = f32(acc + (p.bias ? p.bias[oc]! : 0));
          m[(outPtr >> 2) + outIndex(g, b, oy, ox, oc)] = Math.min(p.activationMax, Math.max(p.activationMin, acc));
        });
      },
    };
  }

  /** AsymmetricQuantizeFloats / SymmetricQuantizeFloats (portable_tensor_utils.cc). */
  function quantizeRow(src: Float32Array, start: number, n: number, dst: Int8Array, asym: boolean): [number, number] {
    let min = Infinity, max = -Infinity;
    for (let i = 0; i < n; i++) { const v = src[start + i]!; if (v < min) min = v; if (v > max) max = v; }
    if (!asym) {
      const range = Math.max(Math.abs(min), Math.abs(max));
      if (range === 0) { dst.fill(0, 0, n); return [1, 0]; }
      const sf = f32(range / 127);
      const inv = f32(127 / range);
      for (let i = 0; i < n; i++) dst[i] = Math.min(127, Math.max(-127, roundHalfAway(f32(src[start + i]! * inv))));
      return [sf, 0];
    }
    const rmin = Math.min(0, min), rmax = Math.max(0, max);
    if (rmin === rmax) { dst.fill(0, 0, n); return [1, 0]; }
    const scale = (rmax - rmin) / 255;
    const zpFromMin = -128 - rmin / scale;
    const zpFromMax = 127 - rmax / scale;
    const errMin = Math.abs(-128) + Math.abs(rmin / scale);
    const errMax = Math.abs(127) + Math.abs(rmax / scale);
    const zpD = errMin < errMax ? zpFromMin : zpFromMax;
    const zp = (zpD <= -128 ? -128 : zpD >= 127 ? 127 : roundHalfAway(zpD));
    const sf = f32(scale);
    const inv = f32(1 / sf);
    // Observed in TF 2.21 BUILTIN_REF (x86): the product is rounded first, then the zero point added:
    // q = zp + round_half_away(float(x·inv)), not round(zp + x·inv) as the portable source reads.
    for (let i = 0; i < n; i++) dst[i] = Math.min(127, Math.max(-128, zp + roundHalfAway(f32(src[start + i]! * inv))));
    return [sf, zp];
  }

  function convHybrid(g: ConvGeometry, dw: number, p: HybridParams): PreparedOp {
    const perBatch = g.inH * g.inW * g.inC;
    const q = new Int8Array(perBatch);
    const perChannel = p.weightScales.length > 1;
    return {
      run(inPtr, outPtr) {
        const m = f();
        let sf = 1, zp = 0, lastB = -1;
        convLoop(g, dw, (b, oy, ox, oc, taps) => {
          if (b !== lastB) { [sf, zp] = quantizeRow(m, (inPtr >> 2) + b * perBatch, perBatch, q, p.asymmetricQuantizeInputs); lastB = b; }
          let acc = 0;
          taps((ii, wi) => { acc += p.weights[wi]! * (q[ii - b * perBatch]! - zp); });
          let out = perChannel ? f32(f32(acc * p.weightScales[oc]!) * sf) : f32(acc * f32(sf * p.weightScales[0]!));
          out = f32(out + (p.bias ? p.bias[oc]! : 0));
          m[(outPtr >> 2) + outIndex(g, b, oy, ox, oc)] = Math.min(p.activationMax, Math.max(p.activationMin, out));
        });
      },
    };
  }

  const fcAsConv = (g: FcGeometry): ConvGeometry => ({
    batch: g.batch, inH: 1, inW: 1, inC: g.inFeatures, outH: 1, outW: 1, outC: g.outFeatures,
    kH: 1, kW: 1, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: 0, padLeft: 0,
  });

  return {
    build: 'scalar',
    memory,
    alloc,
    get allocatedBytes() { return top; },
    // The reference kernels use plain JS arrays, not linear-memory scratch.
    reserveScratch() {},
    conv2dQS8: (g, p) => convQS8(g, 0, p),
    depthwiseConv2dQS8: (g: DepthwiseGeometry, p) => convQS8(g, g.depthMultiplier, p),
    fullyConnectedQS8(g, p) {
      // BUILTIN_REF FC (LiteRT ≥ 2025-04) requantizes in double: round(acc · inS·wS/outS).
      const ratio = Array.from(p.weightScales, (ws) => (p.inputScale * ws) / p.outputScale);
      return {
        run(inPtr, outPtr) {
          const m = i8();
          for (let b = 0; b < g.batch; b++) for (let o = 0; o < g.outFeatures; o++) {
            let acc = 0;
            for (let i = 0; i < g.inFeatures; i++) acc += p.weights[o * g.inFeatures + i]! * (m[inPtr + b * g.inFeatures + i]! - p.inputZeroPoint);
            acc += p.bias ? p.bias[o]! : 0;
            const r = roundHalfAway(acc * ratio[ratio.length === 1 ? 0 : o]!) + p.outputZeroPoint;
            m[outPtr + b * g.outFeatures + o] = Math.min(p.activationMax, Math.max(p.activationMin, r));
          }
        },
      };
    },
    conv2dHybrid: (g, p) => convHybrid(g, 0, p),
    depthwiseConv2dHybrid: (g: DepthwiseGeometry, p) => convHybrid(g, g.depthMultiplier, p),
    fullyConnectedHybrid(g, p) {
      const q = new Int8Array(g.inFeatures);
      const perChannel = p.weightScales.length > 1;
      return {
        run(inPtr, outPtr) {
          const m = f();
          for (let b = 0; b < g.batch; b++) {
            const [sf, zp] = quantizeRow(m, (inPtr >> 2) + b * g.inFeatures, g.inFeatures, q, p.asymmetricQuantizeInputs);
            for (let o = 0; o < g.outFeatures; o++) {
              let dot = 0;
              let rowSum = 0;
              for (let i = 0; i < g.inFeatures; i++) { dot += p.weights[o * g.inFeatures + i]! * q[i]!; rowSum += p.weights[o * g.inFeatures + i]!; }
              dot -= rowSum * zp;
              const scale = perChannel ? f32(sf * p.weightScales[o]!) : f32(sf * p.weightScales[0]!);
              const out = f32((p.bias ? p.bias[o]! : 0) + f32(dot * scale));
              m[(outPtr >> 2) + b * g.outFeatures + o] = Math.min(p.activationMax, Math.max(p.activationMin, out));
            }
          }
        },
      };
    },
    conv2dF32: (g, p) => convF32(g, 0, p),
    depthwiseConv2dF32: (g: DepthwiseGeometry, p) => convF32(g, g.depthMultiplier, p),
    fullyConnectedF32: (g, p) => convF32(fcAsConv(g), 0, p),
    quantizeF32: (count, p) => ({
      run(inputPtr, outputPtr) {
        const q = quantizeStaticRef(f().subarray(inputPtr >> 2, (inputPtr >> 2) + count), p.scale, p.zeroPoint, p.qMin, p.qMax);
        const out = p.unsigned ? new Uint8Array(memory.buffer, outputPtr, count) : new Int8Array(memory.buffer, outputPtr, count);
        out.set(q);
      },
    }),
  };
}
