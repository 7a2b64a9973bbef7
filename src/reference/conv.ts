// Test oracles for every kernel in src/kernels/api.ts, written straight from TFLite's reference kernels
// (reference/integer_ops/conv.h, depthwise_conv.h, fully_connected.h; reference/conv.h HybridConvPerChannel;
// reference/integer_ops/depthwise_conv.h DepthwiseConvHybridPerChannel; portable_tensor_utils.cc for hybrid FC;
// reference/conv.h, depthwise_conv.h, fully_connected.h for float). NHWC, one loop per index, no tricks.
import type { ConvGeometry, DepthwiseGeometry, FcGeometry, FloatParams, HybridParams, QuantizedParams } from '../kernels/api.js';
import {
  asymmetricQuantizeFloats, multiplyByQuantizedMultiplier, quantizeMultiplierRef, roundHalfAwayFromZero, symmetricQuantizeFloats,
  type QuantizedFloats,
} from './quantization.js';

const f32 = Math.fround;

function scaleOf(scales: Float32Array, c: number): number {
  return scales.length === 1 ? scales[0]! : scales[c]!;
}

/** Conv / depthwise / per-channel FC: double(in)·double(w)/double(out). Per-tensor FC: float(in·w)/out. */
function requantParams(p: QuantizedParams, c: number, fcPerTensor: boolean): [number, number] {
  const ws = scaleOf(p.weightScales, c);
  const real = fcPerTensor ? f32(p.inputScale * ws) / p.outputScale : (p.inputScale * ws) / p.outputScale;
  return quantizeMultiplierRef(real);
}

/**
 * 'fixed-point': MultiplyByQuantizedMultiplier (conv, depthwise; FC before LiteRT 921360770).
 * 'float': reference FullyConnected(PerChannel) today: round(double(acc)·(double(in)·double(w)/double(out))).
 */
function requantize(acc: number, p: QuantizedParams, c: number, kind: 'conv' | 'fc'): number {
  const mode = p.requantization ?? (kind === 'fc' ? 'float' : 'fixed-point');
  let v: number;
  if (mode === 'float') {
    const effectiveScale = (p.inputScale * scaleOf(p.weightScales, c)) / p.outputScale;
    v = roundHalfAwayFromZero(acc * effectiveScale) + p.outputZeroPoint;
  } else {
    const [m, shift] = requantParams(p, c, kind === 'fc' && p.weightScales.length === 1);
    v = multiplyByQuantizedMultiplier(acc, m, shift) + p.outputZeroPoint;
  }
  v = Math.max(v, p.activationMin);
  v = Math.min(v, p.activationMax);
  return v;
}

/** Calls fn(inY, inX) for every in-image tap of output (oy, ox); padded taps are skipped. */
function forEachTap(g: ConvGeometry, oy: number, ox: number, fn: (ky: number, kx: number, iy: number, ix: number) => void): void {
  for (let ky = 0; ky < g.kH; ky++) {
    for (let kx = 0; kx < g.kW; kx++) {
      const iy = oy * g.strideH - g.padTop + ky * g.dilationH;
      const ix = ox * g.strideW - g.padLeft + kx * g.dilationW;
      if (iy >= 0 && iy < g.inH && ix >= 0 && ix < g.inW) fn(ky, kx, iy, ix);
    }
  }
}

const inIdx = (g: ConvGeometry, b: number, y: number, x: number, c: number) => ((b * g.inH + y) * g.inW + x) * g.inC + c;
const outIdx = (g: ConvGeometry, b: number, y: number, x: number, c: number) => ((b * g.outH + y) * g.outW + x) * g.outC + c;

// ---------------------------------------------------------------- int8

/** reference_integer_ops::ConvPerChannel. Weights OHWI. */
export function conv2dQS8Reference(g: ConvGeometry, p: QuantizedParams, input: Int8Array): Int8Array {
  const out = new Int8Array(g.batch * g.outH * g.outW * g.outC);
  for (let b = 0; b < g.batch; b++) for (let oy = 0; oy < g.outH; oy++) for (let ox = 0; ox < g.outW; ox++) {
    for (let oc = 0; oc < g.outC; oc++) {
      let acc = 0;
      forEachTap(g, oy, ox, (ky, kx, iy, ix) => {
        for (let ic = 0; ic < g.inC; ic++) {
          const x = input[inIdx(g, b, iy, ix, ic)]!;
          const w = p.weights[((oc * g.kH + ky) * g.kW + kx) * g.inC + ic]!;
          acc += w * (x - p.inputZeroPoint);
        }
      });
      if (p.bias) acc += p.bias[oc]!;
      out[outIdx(g, b, oy, ox, oc)] = requantize(acc | 0, p, oc, 'conv');
    }
  }
  return out;
}

/** reference_integer_ops::DepthwiseConvPerChannel. Weights [1, kH, kW, outC]. */
export function depthwiseConv2dQS8Reference(g: DepthwiseGeometry, p: QuantizedParams, input: Int8Array): Int8Array {
  const out = new Int8Array(g.batch * g.outH * g.outW * g.outC);
  for (let b = 0; b < g.batch; b++) for (let oy = 0; oy < g.outH; oy++) for (let ox = 0; ox < g.outW; ox++) {
    for (let ic = 0; ic < g.inC; ic++) for (let m = 0; m < g.depthMultiplier; m++) {
      const oc = m + ic * g.depthMultiplier;
      let acc = 0;
      forEachTap(g, oy, ox, (ky, kx, iy, ix) => {
        acc += p.weights[(ky * g.kW + kx) * g.outC + oc]! * (input[inIdx(g, b, iy, ix, ic)]! - p.inputZeroPoint);
      });
      if (p.bias) acc += p.bias[oc]!;
      out[outIdx(g, b, oy, ox, oc)] = requantize(acc | 0, p, oc, 'conv');
    }
  }
  return out;
}

/** reference_integer_ops::FullyConnected (per-tensor) / FullyConnectedPerChannel; requantization per p.requantization. */
export function fullyConnectedQS8Reference(g: FcGeometry, p: QuantizedParams, input: Int8Array): Int8Array {
  const out = new Int8Array(g.batch * g.outFeatures);
  for (let b = 0; b < g.batch; b++) for (let o = 0; o < g.outFeatures; o++) {
    let acc = 0;
    for (let i = 0; i < g.inFeatures; i++) {
      acc += p.weights[o * g.inFeatures + i]! * (input[b * g.inFeatures + i]! - p.inputZeroPoint);
    }
    if (p.bias) acc += p.bias[o]!;
    out[b * g.outFeatures + o] = requantize(acc | 0, p, o, 'fc');
  }
  return out;
}

// ---------------------------------------------------------------- hybrid

function quantizeInput(values: Float32Array, asymmetric: boolean): QuantizedFloats {
  return asymmetric ? asymmetricQuantizeFloats(values) : symmetricQuantizeFloats(values);
}

const clampF = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
/** TFLite's ActivationFunctionWithMinMax (std::min(std::max(v, lo), hi)): NaN stays NaN, max(−0, +0) is −0. */
const clampTflite = (v: number, lo: number, hi: number) => { const a = v < lo ? lo : v; return hi < a ? hi : a; };

/**
 * Hybrid CONV_2D: the input image is quantized per batch item. Distinct per-channel scales →
 * HybridConvPerChannel: f32(f32(acc·ws[c])·sf) + bias; otherwise the per-tensor kernel: acc·f32(sf·ws) + bias.
 */
export function conv2dHybridReference(g: ConvGeometry, p: HybridParams, input: Float32Array): Float32Array {
  const out = new Float32Array(g.batch * g.outH * g.outW * g.outC);
  const imageSize = g.inH * g.inW * g.inC;
  const perChannel = p.weightScales.length > 1 && p.weightScales.some((s) => s !== p.weightScales[0]);
  for (let b = 0; b < g.batch; b++) {
    const q = quantizeInput(input.subarray(b * imageSize, (b + 1) * imageSize), p.asymmetricQuantizeInputs);
    for (let oy = 0; oy < g.outH; oy++) for (let ox = 0; ox < g.outW; ox++) for (let oc = 0; oc < g.outC; oc++) {
      let acc = 0;
      forEachTap(g, oy, ox, (ky, kx, iy, ix) => {
        for (let ic = 0; ic < g.inC; ic++) {
          acc += p.weights[((oc * g.kH + ky) * g.kW + kx) * g.inC + ic]! * (q.values[inIdx(g, 0, iy, ix, ic)]! - q.zeroPoint);
        }
      });
      const ws = scaleOf(p.weightScales, oc);
      let v = perChannel ? f32(f32(f32(acc) * ws) * q.scale) : f32(f32(acc) * f32(q.scale * ws));
      if (p.bias) v = f32(v + p.bias[oc]!);
      out[outIdx(g, b, oy, ox, oc)] = clampTflite(v, p.activationMin, p.activationMax);
    }
  }
  return out;
}

/** DepthwiseConvHybridPerChannel: acc·f32(ws[c]·sf) + bias. */
export function depthwiseConv2dHybridReference(g: DepthwiseGeometry, p: HybridParams, input: Float32Array): Float32Array {
  const out = new Float32Array(g.batch * g.outH * g.outW * g.outC);
  const imageSize = g.inH * g.inW * g.inC;
  for (let b = 0; b < g.batch; b++) {
    const q = quantizeInput(input.subarray(b * imageSize, (b + 1) * imageSize), p.asymmetricQuantizeInputs);
    for (let oy = 0; oy < g.outH; oy++) for (let ox = 0; ox < g.outW; ox++) {
      for (let ic = 0; ic < g.inC; ic++) for (let m = 0; m < g.depthMultiplier; m++) {
        const oc = m + ic * g.depthMultiplier;
        let acc = 0;
        forEachTap(g, oy, ox, (ky, kx, iy, ix) => {
          acc += p.weights[(ky * g.kW + kx) * g.outC + oc]! * (q.values[inIdx(g, 0, iy, ix, ic)]! - q.zeroPoint);
        });
        let v = f32(f32(acc) * f32(scaleOf(p.weightScales, oc) * q.scale));
        if (p.bias) v = f32(v + p.bias[oc]!);
        out[outIdx(g, b, oy, ox, oc)] = clampTflite(v, p.activationMin, p.activationMax);
      }
    }
  }
  return out;
}

/**
 * Hybrid FULLY_CONNECTED (EvalHybridDense → MatrixBatchVectorMultiplyAccumulate): rows quantized one by
 * one; dotprod −= row_sum·offset (int32); out = bias + dotprod·f32(sf·ws).
 */
export function fullyConnectedHybridReference(g: FcGeometry, p: HybridParams, input: Float32Array): Float32Array {
  const out = new Float32Array(g.batch * g.outFeatures);
  for (let b = 0; b < g.batch; b++) {
    const q = quantizeInput(input.subarray(b * g.inFeatures, (b + 1) * g.inFeatures), p.asymmetricQuantizeInputs);
    for (let o = 0; o < g.outFeatures; o++) {
      let dot = 0, rowSum = 0;
      for (let i = 0; i < g.inFeatures; i++) {
        const w = p.weights[o * g.inFeatures + i]!;
        dot += w * q.values[i]!;
        rowSum += w;
      }
      dot -= rowSum * q.zeroPoint; // int32 row-sum correction (current MatrixBatchVectorMultiplyAccumulate)
      const scale = f32(q.scale * scaleOf(p.weightScales, o));
      const v = f32((p.bias ? p.bias[o]! : 0) + f32(f32(dot) * scale));
      out[b * g.outFeatures + o] = clampTflite(v, p.activationMin, p.activationMax);
    }
  }
  return out;
}

// ---------------------------------------------------------------- float32 (float32 accumulation in k order)

export function conv2dF32Reference(g: ConvGeometry, p: FloatParams, input: Float32Array): Float32Array {
  const out = new Float32Array(g.batch * g.outH * g.outW * g.outC);
  for (let b = 0; b < g.batch; b++) for (let oy = 0; oy < g.outH; oy++) for (let ox = 0; ox < g.outW; ox++) {
    for (let oc = 0; oc < g.outC; oc++) {
      let total = 0;
      forEachTap(g, oy, ox, (ky, kx, iy, ix) => {
        for (let ic = 0; ic < g.inC; ic++) {
          total = f32(total + f32(input[inIdx(g, b, iy, ix, ic)]! * p.weights[((oc * g.kH + ky) * g.kW + kx) * g.inC + ic]!));
        }
      });
      const v = f32(total + (p.bias ? p.bias[oc]! : 0));
      out[outIdx(g, b, oy, ox, oc)] = clampF(v, p.activationMin, p.activationMax);
    }
  }
  return out;
}

export function depthwiseConv2dF32Reference(g: DepthwiseGeometry, p: FloatParams, input: Float32Array): Float32Array {
  const out = new Float32Array(g.batch * g.outH * g.outW * g.outC);
  for (let b = 0; b < g.batch; b++) for (let oy = 0; oy < g.outH; oy++) for (let ox = 0; ox < g.outW; ox++) {
    for (let ic = 0; ic < g.inC; ic++) for (let m = 0; m < g.depthMultiplier; m++) {
      const oc = m + ic * g.depthMultiplier;
      let total = 0;
      forEachTap(g, oy, ox, (ky, kx, iy, ix) => {
        total = f32(total + f32(input[inIdx(g, b, iy, ix, ic)]! * p.weights[(ky * g.kW + kx) * g.outC + oc]!));
      });
      out[outIdx(g, b, oy, ox, oc)] = clampF(f32(total + (p.bias ? p.bias[oc]! : 0)), p.activationMin, p.activationMax);
    }
  }
  return out;
}

export function fullyConnectedF32Reference(g: FcGeometry, p: FloatParams, input: Float32Array): Float32Array {
  const out = new Float32Array(g.batch * g.outFeatures);
  for (let b = 0; b < g.batch; b++) for (let o = 0; o < g.outFeatures; o++) {
    let total = 0;
    for (let i = 0; i < g.inFeatures; i++) {
      total = f32(total + f32(input[b * g.inFeatures + i]! * p.weights[o * g.inFeatures + i]!));
    }
    out[b * g.outFeatures + o] = clampF(f32(total + (p.bias ? p.bias[o]! : 0)), p.activationMin, p.activationMax);
  }
  return out;
}
