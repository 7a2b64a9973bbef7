// Argument checks at prepare time: clear errors instead of silent memory corruption in a kernel.
import type { ConvGeometry, DepthwiseGeometry, FcGeometry, FloatParams, HybridParams, QuantizedParams } from './api.js';

export class KernelArgumentError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'KernelArgumentError';
  }
}

function positiveInts(obj: object, keys: readonly string[]): void {
  for (const key of keys) {
    const v = (obj as Record<string, unknown>)[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new KernelArgumentError(`${key} must be a positive integer, got ${String(v)}`);
  }
}

function nonNegativeInts(obj: object, keys: readonly string[]): void {
  for (const key of keys) {
    const v = (obj as Record<string, unknown>)[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new KernelArgumentError(`${key} must be a non-negative integer, got ${String(v)}`);
  }
}

function checkConvShape(g: ConvGeometry): void {
  positiveInts(g, ['batch', 'inH', 'inW', 'inC', 'outH', 'outW', 'outC', 'kH', 'kW', 'strideH', 'strideW', 'dilationH', 'dilationW']);
  nonNegativeInts(g, ['padTop', 'padLeft']);
}

export function checkConv(g: ConvGeometry, weightCount: number): void {
  checkConvShape(g);
  const want = g.outC * g.kH * g.kW * g.inC;
  if (weightCount !== want) throw new KernelArgumentError(`conv weights: expected OHWI ${g.outC}×${g.kH}×${g.kW}×${g.inC} = ${want} values, got ${weightCount}`);
}

export function checkDepthwise(g: DepthwiseGeometry, weightCount: number): void {
  checkConvShape(g);
  positiveInts(g, ['depthMultiplier']);
  if (g.outC !== g.inC * g.depthMultiplier) throw new KernelArgumentError(`depthwise: outC ${g.outC} ≠ inC ${g.inC} × depthMultiplier ${g.depthMultiplier}`);
  const want = g.kH * g.kW * g.outC;
  if (weightCount !== want) throw new KernelArgumentError(`depthwise weights: expected [1,${g.kH},${g.kW},${g.outC}] = ${want} values, got ${weightCount}`);
}

export function checkFc(g: FcGeometry, weightCount: number): void {
  positiveInts(g, ['batch', 'inFeatures', 'outFeatures']);
  const want = g.inFeatures * g.outFeatures;
  if (weightCount !== want) throw new KernelArgumentError(`FC weights: expected ${g.outFeatures}×${g.inFeatures} = ${want} values, got ${weightCount}`);
}

function checkScales(scales: Float32Array, channels: number): void {
  if (scales.length !== 1 && scales.length !== channels) throw new KernelArgumentError(`weightScales: expected 1 or ${channels} values, got ${scales.length}`);
  for (const s of scales) if (!(s > 0) || !Number.isFinite(s)) throw new KernelArgumentError(`weight scales must be finite and > 0, got ${s}`);
}

function checkInt8(name: string, v: number): void {
  if (!Number.isInteger(v) || v < -128 || v > 127) throw new KernelArgumentError(`${name} must be an integer in [-128, 127], got ${v}`);
}

export function checkQuantized(p: QuantizedParams, channels: number): void {
  checkScales(p.weightScales, channels);
  if (p.bias && p.bias.length !== channels) throw new KernelArgumentError(`bias: expected ${channels} values, got ${p.bias.length}`);
  for (const [name, v] of [['inputScale', p.inputScale], ['outputScale', p.outputScale]] as const) {
    if (!(v > 0) || !Number.isFinite(v)) throw new KernelArgumentError(`${name} must be finite and > 0, got ${v}`);
  }
  checkInt8('inputZeroPoint', p.inputZeroPoint);
  checkInt8('outputZeroPoint', p.outputZeroPoint);
  checkInt8('activationMin', p.activationMin);
  checkInt8('activationMax', p.activationMax);
  if (p.activationMin > p.activationMax) throw new KernelArgumentError(`activationMin ${p.activationMin} > activationMax ${p.activationMax}`);
}

export function checkHybrid(p: HybridParams, channels: number): void {
  checkScales(p.weightScales, channels);
  if (p.bias && p.bias.length !== channels) throw new KernelArgumentError(`bias: expected ${channels} values, got ${p.bias.length}`);
  if (!(p.activationMin <= p.activationMax)) throw new KernelArgumentError(`activationMin ${p.activationMin} > activationMax ${p.activationMax}`);
}

export function checkFloat(p: FloatParams, channels: number): void {
  if (p.bias && p.bias.length !== channels) throw new KernelArgumentError(`bias: expected ${channels} values, got ${p.bias.length}`);
  if (!(p.activationMin <= p.activationMax)) throw new KernelArgumentError(`activationMin ${p.activationMin} > activationMax ${p.activationMax}`);
}
