// Contract between the op layer (src/graph) and the kernel layer (assembly/ + src/wasm + src/kernels).
// The op layer never sees packed layouts or tiles; the kernel layer never sees a model.
//
// Life cycle: at load the op layer calls the prepare* methods (which pack weights into linear memory
// and reserve their own scratch), then allocates its tensor arena with alloc(). After that no call
// grows memory, and PreparedOp.run() neither allocates nor grows.

export type Build = 'scalar' | 'simd' | 'relaxed';
export type BackendChoice = Build | 'auto';

/** NHWC convolution geometry. Padding is explicit (SAME/VALID resolved by the caller);
 *  padded taps read the input zero point (int8) or 0 (float). */
export interface ConvGeometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  padTop: number;
  padLeft: number;
}

/** Depthwise: outC = inC * depthMultiplier; weights are TFLite's [1, kH, kW, outC]. */
export interface DepthwiseGeometry extends ConvGeometry {
  depthMultiplier: number;
}

/** Fully connected: input [batch, inFeatures] → output [batch, outFeatures]; weights [outFeatures, inFeatures]. */
export interface FcGeometry {
  batch: number;
  inFeatures: number;
  outFeatures: number;
}

/** Full-int8 (TFLite int8 reference semantics). Weights are symmetric (zero point 0), per-tensor
 *  (weightScales.length === 1) or per-channel (length outC). Requantization: see `requantization` below
 *  (conv/depthwise: fixed-point MultiplyByQuantizedMultiplier; FC: float, as TFLite's reference kernels). */
export interface QuantizedParams {
  /** Conv: OHWI [outC, kH, kW, inC]. Depthwise: [1, kH, kW, outC]. FC: [outFeatures, inFeatures]. */
  weights: Int8Array;
  bias: Int32Array | null;
  inputScale: number;
  inputZeroPoint: number;
  weightScales: Float32Array;
  outputScale: number;
  outputZeroPoint: number;
  /** Output clamp in the quantized domain (fused ReLU/ReLU6 already folded in), within [-128, 127]. */
  activationMin: number;
  activationMax: number;
  /** How the int32 accumulator is rescaled (optional; added by the kernel layer):
   *  'fixed-point' — MultiplyByQuantizedMultiplier (double rounding), what TFLite's conv / depthwise use;
   *  'float' — round_half_away(double(acc)·(double(inputScale)·double(weightScale[c]) / double(outputScale))),
   *  what TFLite's reference FULLY_CONNECTED does since LiteRT 921360770 (TF 2.21 BUILTIN_REF).
   *  Default: 'float' for fullyConnectedQS8, 'fixed-point' for conv2dQS8 / depthwiseConv2dQS8 (an FC run as
   *  a 1×1 conv passes 'float' to keep FC semantics). */
  requantization?: 'fixed-point' | 'float';
}

/** Dynamic-range ("hybrid"): float input and output, int8 symmetric per-channel or per-tensor weights.
 *  The input is quantized on every run as TFLite does (symmetric, or asymmetric when asked).
 *  Observed with TF 2.21 BUILTIN_REF on x86 (op layer; seed fixtures, zoo and single-layer probes,
 *  comparing TFLite's own quantized-input temporaries): asymmetric input quantization is
 *  q = clamp(zp + round_half_away(float(x·inv)), −128, 127) — the product is rounded BEFORE the zero
 *  point is added (not round(zp + x·inv) as the portable source reads; the two differ when zp + x·inv
 *  rounds to an exact .5 in float). With that rule every seed/zoo hybrid case is bit-exact in
 *  test/graph/helpers/reference-runtime.ts. (An earlier note here said "half to even"; that was wrong.)
 *  In assembly/quantize.ts that is `q = zp + i32(round_half_away_f32(x * inv))`; checked in a scratch
 *  copy: every seed and zoo fixture then passes on all three builds. Adding zp first, even in double
 *  (test/fixtures/README.md's reading), fails at sign-crossing ties: p = 127.5, zp = −128 gives −1, TFLite 0
 *  (test/graph/hybrid-ties.test.ts pins this with TFLite goldens).
 *  The op layer passes weightScales of length 1 for conv filters whose per-channel scales are all
 *  equal (TFLite then takes the per-tensor symmetric path, conv.cc is_hybrid_per_channel). */
export interface HybridParams {
  weights: Int8Array;
  weightScales: Float32Array;
  bias: Float32Array | null;
  asymmetricQuantizeInputs: boolean;
  /** Float clamp after bias (±Infinity for none). */
  activationMin: number;
  activationMax: number;
}

export interface FloatParams {
  weights: Float32Array;
  bias: Float32Array | null;
  activationMin: number;
  activationMax: number;
}

/** A kernel bound to packed weights, scratch and geometry. Pointers are byte offsets in linear memory. */
export interface PreparedOp {
  run(inputPtr: number, outputPtr: number): void;
}

export interface KernelRuntime {
  readonly build: Build;
  readonly memory: WebAssembly.Memory;
  /** Reserves `bytes` (16-byte aligned) in linear memory, growing it if needed; load time only. */
  alloc(bytes: number): number;
  /** Bytes reserved so far (weights, scratch and arenas). */
  readonly allocatedBytes: number;
  /**
   * Reserves the scratch the prepared ops share, sized for the largest: call after preparing a model's ops and
   * before allocating its arena. Ops run without it reserve the scratch on their first run.
   */
  reserveScratch(): void;

  conv2dQS8(geom: ConvGeometry, params: QuantizedParams): PreparedOp;
  depthwiseConv2dQS8(geom: DepthwiseGeometry, params: QuantizedParams): PreparedOp;
  fullyConnectedQS8(geom: FcGeometry, params: QuantizedParams): PreparedOp;

  conv2dHybrid(geom: ConvGeometry, params: HybridParams): PreparedOp;
  depthwiseConv2dHybrid(geom: DepthwiseGeometry, params: HybridParams): PreparedOp;
  fullyConnectedHybrid(geom: FcGeometry, params: HybridParams): PreparedOp;

  conv2dF32(geom: ConvGeometry, params: FloatParams): PreparedOp;
  depthwiseConv2dF32(geom: DepthwiseGeometry, params: FloatParams): PreparedOp;
  fullyConnectedF32(geom: FcGeometry, params: FloatParams): PreparedOp;

  /** QUANTIZE float32 → int8/uint8 with a fixed scale (reference quantize.h): q = round_half_away(f32(x / scale)) + zp,
   *  clamped to [qMin, qMax]; NaN gives qMin (x86 TFLite). `count` elements, 1 byte each out. */
  quantizeF32(count: number, params: StaticQuantizeParams): PreparedOp;
}

export interface StaticQuantizeParams {
  /** Used as float32 (what a .tflite file stores). */
  scale: number;
  zeroPoint: number;
  qMin: number;
  qMax: number;
  /** Store uint8 (qMin ≥ 0) rather than int8. */
  unsigned: boolean;
}

export interface KernelRuntimeOptions {
  backend?: BackendChoice;
  /**
   * Winograd for int8 convolutions in SIMD builds: 'auto' (default) runs the admissible variant with the fewest
   * GEMM rows; 'small' only the 2×2-output ones (F(2×2, 3×3), F(2×2, 2×2) over space-to-depth); 'large' only the
   * 6×6-tile ones (F(4×4, 3×3), F(5×5, 2×2)); 'off' the direct GEMM. Results are identical; only speed differs.
   */
  winograd?: WinogradChoice;
  /**
   * Int8 and dynamic-range fully-connected layers skip input entries equal to the zero point (a ReLU's zeros)
   * when at most 3/8 of a row differs from it (default true). Needs a transposed copy of their weights (2 MiB
   * for the DQN's FC1); false saves that memory. Results are identical; only speed and memory differ.
   */
  sparseInputs?: boolean;
}

export type WinogradChoice = 'auto' | 'small' | 'large' | 'off';
// Implemented in src/kernels/runtime.ts:
//   export function createKernelRuntime(options?: KernelRuntimeOptions): Promise<KernelRuntime>
