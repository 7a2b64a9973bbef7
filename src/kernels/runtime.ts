// KernelRuntime (api.ts) on top of one instantiated WASM build.
import type {
  Build, ConvGeometry, DepthwiseGeometry, FcGeometry, FloatParams, HybridParams, KernelRuntime,
  KernelRuntimeOptions, WinogradChoice, PreparedOp, QuantizedParams, StaticQuantizeParams,
} from './api.js';
import { loadKernels, instantiateBuild, type EngineFeatures } from '../wasm/loader.js';
import type { KernelExports } from '../wasm/exports.js';
import { BumpAllocator } from '../wasm/allocator.js';
import type { RelaxedDotMode, RelaxedDotProbe } from '../wasm/probe.js';
import { channelMultipliers, floatRequantScales } from './quantize-multiplier.js';
import {
  channelParamBlock, transposeRows, packGemmC2I16, packGemmC4I8, packGemmF32, packGemvR4K16, packWinogradFilter, padRows,
  WINOGRAD_G_6_2X2, WINOGRAD_G_6_3X3, WINOGRAD_G_F2X2_2X2, WINOGRAD_G_F2X2_3X3, highWordRequant, requantFlags, rowSums, roundUp,
} from './pack.js';
import { checkConv, checkDepthwise, checkFc, checkQuantized, checkHybrid, checkFloat, KernelArgumentError } from './validate.js';

/** assembly/requantize.ts REQUANT_FLOAT, REQUANT_HIGH_WORD, REQUANT_HW_SHIFT_BIT. */
const REQUANT_FLOAT = 4;
const REQUANT_HIGH_WORD = 8;
const REQUANT_HW_SHIFT_BIT = 8;

export { BackendUnavailableError } from '../wasm/errors.js';
export { KernelArgumentError } from './validate.js';
export type { RelaxedDotMode, RelaxedDotProbe } from '../wasm/probe.js';

/** Contract plus what the runtime found out about the engine (for logs, tests and the benchmark). */
export interface KernelRuntimeEx extends KernelRuntime {
  readonly features: EngineFeatures;
  readonly relaxedProbe: RelaxedDotProbe;
  /** How int8 GEMM/GEMV run in this instance: relaxed dot in a proven-exact encoding, or dot16 / scalar. */
  readonly dotMode: RelaxedDotMode;
  /**
   * The batch-1 FULLY_CONNECTED kernel: scalar, dot16, relaxed dot on full-range bytes (dotMode ≠ none), or
   * relaxed i16 dot on the 4-bit halves of the activations (relaxed build where full-range bytes are not exact).
   */
  readonly gemvKernel: GemvKernel;
  /** Raw kernel exports (benchmarks and tests). */
  readonly kernels: KernelExports;
}

export type GemvKernel = 'scalar' | 'dot16' | 'relaxed-dot' | 'relaxed-u4';

class Runtime implements KernelRuntimeEx {
  readonly memory: WebAssembly.Memory;
  private readonly heap: BumpAllocator;

  constructor(readonly build: Build, readonly kernels: KernelExports, readonly features: EngineFeatures,
    readonly relaxedProbe: RelaxedDotProbe, readonly dotMode: RelaxedDotMode, readonly gemvKernel: GemvKernel,
    private readonly winogradChoice: WinogradChoice = 'auto', private readonly sparseInputs = true) {
    this.memory = kernels.memory;
    this.heap = new BumpAllocator(this.memory, kernels.heap_base());
  }

  alloc(bytes: number): number {
    return this.heap.alloc(bytes);
  }

  /**
   * Scratch shared by every prepared op (im2col rows, packed FC rows, hybrid accumulators): an op uses it only
   * inside its own run and runs never nest, so one region sized for the largest op serves all. It is reserved
   * once after the ops are prepared (reserveScratch), so it does not sit between the packed weights and stays
   * cache-resident from one layer to the next (DQN policy, caches evicted between frames, Node 24: ≈ 15 µs
   * less per frame than a region per op).
   */
  private readonly scratch = { ptr: 0, bytes: 0, need: 0 };

  get allocatedBytes(): number {
    return this.heap.allocatedBytes;
  }

  /** Records that an op needs `bytes` of scratch. */
  private claimScratch(bytes: number): void {
    this.scratch.need = Math.max(this.scratch.need, roundUp(bytes, 16));
  }

  reserveScratch(): void {
    if (this.scratch.need > this.scratch.bytes) {
      this.scratch.ptr = this.alloc(this.scratch.need);
      this.scratch.bytes = this.scratch.need;
    }
  }

  /** The scratch address for a run; ops run without a prior reserveScratch() reserve it here, once. */
  private scratchPtr(): number {
    if (this.scratch.bytes < this.scratch.need) this.reserveScratch();
    return this.scratch.ptr;
  }

  /** Copies typed-array bytes into fresh linear memory. */
  private place(data: ArrayBufferView | ArrayBuffer): number {
    return this.heap.place(data);
  }

  private placeF32Padded(values: ArrayLike<number> | null, n: number, np: number): number {
    const a = new Float32Array(np);
    if (values) for (let i = 0; i < n; i++) a[i] = values[i]!;
    return this.place(a);
  }

  private get relaxed(): boolean {
    return this.dotMode !== 'none';
  }

  /** Activation encoding for the relaxed dot: XOR 0x80 (u8) on VNNI-like engines, none on SDOT-like. */
  private get flip(): number {
    return this.dotMode === 'usdot' ? 0x80 : 0;
  }

  /**
   * The offset the int8 GEMM/GEMV of this instance leaves in its sums for an activation equal to zp, to fold into
   * the bias or the hybrid epilogue: 0 for dot16/scalar (their rows hold x − zp); the relaxed dot multiplies the
   * encoded activation itself (zp + 128 under XOR 0x80, zp signed).
   */
  private foldOffset(zp: number): number {
    if (!this.relaxed) return 0;
    return this.dotMode === 'usdot' ? zp + 128 : zp;
  }

  // ---- GEMM-based convolution (int8 and hybrid share the packing) ----

  private packConvGemm(geom: ConvGeometry, weights: Int8Array) {
    const n = geom.outC, k = geom.kH * geom.kW * geom.inC;
    const np = roundUp(n, 8);
    const kp = roundUp(k, this.relaxed ? 8 : 4);
    const packed = this.relaxed ? packGemmC4I8(weights, n, k, kp, np) : packGemmC2I16(weights, n, k, kp, np);
    const m = geom.outH * geom.outW;
    const rowBytes = kp * (this.relaxed ? 1 : 2);
    return { n, k, np, kp, m, bPtr: this.place(packed), rowBytes, aBytes: roundUp(m * rowBytes, 16) };
  }

  /** im2col bound to one geometry, with explicit arguments so run() does not allocate. */
  private im2colFor(g: ConvGeometry): (input: number, zp: number, aPtr: number, kp: number) => void {
    const { inH, inW, inC, outH, outW, kH, kW, strideH, strideW, dilationH, dilationW, padTop, padLeft } = g;
    const k = this.kernels;
    if (this.relaxed) {
      const flip = this.flip;
      return (input, zp, aPtr, kp) => k.qs8_im2col_u8(input, inH, inW, inC, outH, outW, kH, kW, strideH, strideW,
        dilationH, dilationW, padTop, padLeft, zp, flip, aPtr, kp);
    }
    return (input, zp, aPtr, kp) => k.qs8_im2col_i16(input, inH, inW, inC, outH, outW, kH, kW, strideH, strideW,
      dilationH, dilationW, padTop, padLeft, zp, aPtr, kp);
  }

  private gemm(): KernelExports['qs8_gemm'] {
    return this.relaxed ? this.kernels.qs8_gemm_relaxed : this.kernels.qs8_gemm;
  }

  /** FC row encoding and GEMV of this instance; fold(zp) is the activation offset to fold into the bias. */
  private fcKernel(k: number, kp: number) {
    const kx = this.kernels;
    if (this.gemvKernel === 'relaxed-u4') {
      return {
        xBytes: 2 * kp,
        fold: (zp: number) => zp + 128,
        pack: (input: number, _zp: number, xPtr: number) => kx.qs8_pack_u4_halves(input, k, kp, xPtr),
        gemv: kx.qs8_gemv_u4,
      };
    }
    const packRow = this.im2colFor(fcRowGeometry(k));
    return {
      xBytes: kp * (this.relaxed ? 1 : 2),
      fold: (zp: number) => this.foldOffset(zp),
      pack: (input: number, zp: number, xPtr: number) => packRow(input, zp, xPtr, kp),
      gemv: this.relaxed ? kx.qs8_gemv_relaxed : kx.qs8_gemv,
    };
  }

  /** Channel-parameter block and kernel flags for the requantization the op asks for (api.ts). */
  private requantBlock(np: number, n: number, bias: ArrayLike<number>, params: QuantizedParams,
    byDefault: 'fixed-point' | 'float', fcPerTensor: boolean, highWord = false): { chan: number; flags: number } {
    const mode = params.requantization ?? byDefault;
    if (mode !== 'fixed-point' && mode !== 'float') {
      throw new KernelArgumentError(`requantization must be 'fixed-point' or 'float', got ${String(mode)}`);
    }
    if (mode === 'float') {
      const scales = floatRequantScales(params.inputScale, params.weightScales, params.outputScale, n);
      return { chan: this.place(channelParamBlock(np, bias, null, scales)), flags: REQUANT_FLOAT };
    }
    const mults = channelMultipliers(params.inputScale, params.weightScales, params.outputScale, n, fcPerTensor);
    // GEMM and Winograd epilogues of the SIMD builds take the one-multiply form where the layer has the headroom.
    const hw = highWord && this.build !== 'scalar'
      ? highWordRequant(mults, params.bias, params.weights, n, params.inputZeroPoint, params.outputZeroPoint) : null;
    const flags = requantFlags(mults) | (hw ? REQUANT_HIGH_WORD | (hw.shift << REQUANT_HW_SHIFT_BIT) : 0);
    return { chan: this.place(channelParamBlock(np, bias, mults, null, hw)), flags };
  }

  conv2dQS8(geom: ConvGeometry, params: QuantizedParams): PreparedOp {
    checkConv(geom, params.weights.length);
    checkQuantized(params, geom.outC);
    const winograd = (params.requantization ?? 'fixed-point') === 'fixed-point' ? this.winogradKind(geom) : null;
    if (winograd) return this.conv2dQS8Winograd(geom, params, winograd);
    const g = this.packConvGemm(geom, params.weights);
    const bias = foldedBias(params.bias, g.n, this.foldOffset(params.inputZeroPoint), params.weights, g.k);
    const { chan, flags } = this.requantBlock(g.np, g.n, bias, params, 'fixed-point', false, true);
    const inStride = geom.inH * geom.inW * geom.inC, outStride = g.m * g.n;
    const { inputZeroPoint: inZp, outputZeroPoint: outZp, activationMin: lo, activationMax: hi } = params;
    const gemm = this.gemm();
    const im2col = this.im2colFor(geom);
    this.claimScratch(g.aBytes);
    return {
      run: (inputPtr: number, outputPtr: number) => {
        const aPtr = this.scratchPtr();
        for (let b = 0; b < geom.batch; b++) {
          im2col(inputPtr + b * inStride, inZp, aPtr, g.kp);
          gemm(aPtr, g.kp, g.m, g.bPtr, g.n, chan, g.np, outputPtr + b * outStride, g.n, outZp, lo, hi, 0, flags);
        }
      },
    };
  }

  /**
   * Winograd on the dot16 GEMM (SIMD builds), exact integer transforms, identical results (assembly/qs8-winograd.ts):
   * 3×3 stride 1 as F(2×2, 3×3) or F(4×4, 3×3) (2.25× / 4× fewer multiply-adds), and 2s×2s taps at stride s as
   * F(2×2, 2×2) or F(5×5, 2×2) over the space-to-depth image (1.78× / 2.8× fewer), each where its magnitude bound
   * holds; of the admissible kinds the one with the fewest GEMM rows (positions × tiles) runs. Also where the
   * relaxed dot is exact on full-range bytes (twice the MACs per instruction of dot16): Node 24, DQN conv2 / conv3
   * direct 46 / 33 µs, 4×4 tiles 41 / 25, 6×6 tiles 31 / 18.
   */
  private winogradKind(g: ConvGeometry): WinogradKind | null {
    if (this.build === 'scalar' || this.winogradChoice === 'off') return null;
    if (g.dilationH !== 1 || g.dilationW !== 1 || g.inC % 8 !== 0 || g.outH * g.outW < 16) return null;
    const s = g.strideH;
    const candidates: WinogradKind[] = [];
    if (g.kH === 3 && g.kW === 3 && s === 1 && g.strideW === 1) {
      // |sums| ≤ 9·inC·255·128: below 2^31 after the ×4 (inC ≤ 128), below 2^25 for the mod-2^26 recovery (inC ≤ 112).
      if (g.inC <= 128) candidates.push(WINOGRAD_KINDS.f23);
      if (g.inC <= 112) candidates.push(WINOGRAD_KINDS.f43);
    } else if (s >= 2 && g.strideW === s && g.kH === 2 * s && g.kW === 2 * s) {
      const kp = s * s * g.inC;
      if (kp <= 1024) candidates.push(WINOGRAD_KINDS.f22s2d);
      if (kp <= 256) candidates.push(WINOGRAD_KINDS.f52s2d);
    }
    const allowed = candidates.filter((k) => this.winogradChoice === 'auto' || (k.tile === 6) === (this.winogradChoice === 'large'));
    const rows = (k: WinogradKind) => k.positions * Math.ceil(g.outH / k.out) * Math.ceil(g.outW / k.out);
    return allowed.reduce<WinogradKind | null>((best, k) => (best === null || rows(k) < rows(best) ? k : best), null);
  }

  /**
   * Packs the filter transform and returns the per-image steps: input transform, one GEMM per position, output
   * transform. exec's out receives requantized int8 (mode 0) or int32 accumulators + chan bias (mode 1).
   */
  private prepareWinograd(geom: ConvGeometry, weights: Int8Array, kind: WinogradKind) {
    const n = geom.outC, np = roundUp(n, 8), s = geom.strideH;
    const kp = s * s * geom.inC;
    const { positions, out: m } = kind;
    const tilesH = Math.ceil(geom.outH / m), tilesW = Math.ceil(geom.outW / m), tiles = tilesH * tilesW;
    const bPtr = this.place(packWinogradFilter(weights, n, geom.inC, s, kind.G, np));
    // The per-position GEMMs add nothing; bias and requantization come after the output transform.
    const zeroChan = this.place(channelParamBlock(np, new Int32Array(n), null));
    const posA = tiles * kp * 2, posB = np * kp * 2, posM = tiles * np * 4, vBytes = positions * posA;
    const { inH, inW, inC, outH, outW, padTop, padLeft } = geom;
    const kx = this.kernels;
    let transformIn: (x: number, zp: number, v: number) => void;
    let transformOut: (mbuf: number, chan: number, out: number, outZp: number, lo: number, hi: number, mode: number, flags: number) => void;
    if (kind.tile === 6) {
      transformIn = (x, zp, v) => kx.qs8_wino6x6_input(x, inH, inW, inC, s, m, tilesH, tilesW, padTop, padLeft, zp, v);
      transformOut = (mb, chan, out, outZp, lo, hi, mode, flags) =>
        kx.qs8_wino6x6_output(mb, tilesH, tilesW, n, np, chan, out, outH, outW, outZp, lo, hi, mode, flags, m);
    } else {
      transformIn = kind === WINOGRAD_KINDS.f23
        ? (x, zp, v) => kx.qs8_wino2x2_input(x, inH, inW, inC, tilesH, tilesW, padTop, padLeft, zp, v)
        : (x, zp, v) => kx.qs8_wino2x2k2_input(x, inH, inW, inC, s, tilesH, tilesW, padTop, padLeft, zp, v);
      const f = kind === WINOGRAD_KINDS.f23 ? kx.qs8_wino2x2_output : kx.qs8_wino2x2k2_output;
      transformOut = (mb, chan, out, outZp, lo, hi, mode, flags) => f(mb, tilesH, tilesW, n, np, chan, out, outH, outW, outZp, lo, hi, mode, flags);
    }
    return {
      n, np,
      scratchBytes: vBytes + positions * posM,
      exec: (work: number, input: number, inZp: number, out: number, chan: number,
        outZp: number, lo: number, hi: number, mode: number, flags: number) => {
        const mPtr = work + vBytes;
        transformIn(input, inZp, work);
        kx.qs8_gemm_positions(positions, work, posA, kp, tiles, bPtr, posB, n, zeroChan, np, mPtr, posM, np * 4);
        transformOut(mPtr, chan, out, outZp, lo, hi, mode, flags);
      },
    };
  }

  private conv2dQS8Winograd(geom: ConvGeometry, params: QuantizedParams, kind: WinogradKind): PreparedOp {
    const w = this.prepareWinograd(geom, params.weights, kind);
    const { chan, flags } = this.requantBlock(w.np, w.n, params.bias ?? new Int32Array(w.n), params, 'fixed-point', false, true);
    this.claimScratch(w.scratchBytes);
    const inStride = geom.inH * geom.inW * geom.inC, outStride = geom.outH * geom.outW * w.n;
    const { inputZeroPoint: inZp, outputZeroPoint: outZp, activationMin: lo, activationMax: hi } = params;
    return {
      run: (inputPtr: number, outputPtr: number) => {
        const work = this.scratchPtr();
        for (let b = 0; b < geom.batch; b++) {
          w.exec(work, inputPtr + b * inStride, inZp, outputPtr + b * outStride, chan, outZp, lo, hi, 0, flags);
        }
      },
    };
  }

  depthwiseConv2dQS8(geom: DepthwiseGeometry, params: QuantizedParams): PreparedOp {
    checkDepthwise(geom, params.weights.length);
    checkQuantized(params, geom.outC);
    const { wPtr, cp, np } = this.packDepthwiseInt(geom, params.weights);
    const { chan, flags } = this.requantBlock(np, geom.outC, params.bias ?? new Int32Array(geom.outC), params, 'fixed-point', false);
    const inStride = geom.inH * geom.inW * geom.inC, outStride = geom.outH * geom.outW * geom.outC;
    const { inputZeroPoint: inZp, outputZeroPoint: outZp, activationMin: lo, activationMax: hi } = params;
    const dw = this.dwconvFor(geom);
    return {
      run: (inputPtr: number, outputPtr: number) => {
        for (let b = 0; b < geom.batch; b++) {
          dw(inputPtr + b * inStride, inZp, wPtr, cp, chan, np, outputPtr + b * outStride, outZp, lo, hi, 0, flags);
        }
      },
    };
  }

  private dwconvFor(g: DepthwiseGeometry) {
    const { inH, inW, inC, outH, outW, kH, kW, strideH, strideW, dilationH, dilationW, padTop, padLeft, depthMultiplier } = g;
    const k = this.kernels;
    return (input: number, inZp: number, w: number, cp: number, chan: number, np: number, out: number,
      outZp: number, lo: number, hi: number, mode: number, flags: number) =>
      k.qs8_dwconv(input, inH, inW, inC, outH, outW, kH, kW, strideH, strideW, dilationH, dilationW, padTop, padLeft,
        depthMultiplier, inZp, w, cp, chan, np, out, outZp, lo, hi, mode, flags);
  }

  private packDepthwiseInt(geom: DepthwiseGeometry, weights: Int8Array) {
    const taps = geom.kH * geom.kW, cp = roundUp(geom.outC, 4), np = roundUp(geom.outC, 8);
    const w = new Int32Array(taps * cp);
    for (let t = 0; t < taps; t++) for (let c = 0; c < geom.outC; c++) w[t * cp + c] = weights[t * geom.outC + c]!;
    return { wPtr: this.place(w), cp, np };
  }

  fullyConnectedQS8(geom: FcGeometry, params: QuantizedParams): PreparedOp {
    checkFc(geom, params.weights.length);
    checkQuantized(params, geom.outFeatures);
    const n = geom.outFeatures, k = geom.inFeatures, rows = geom.batch;
    const perTensor = params.weightScales.length === 1;
    const { inputZeroPoint: inZp, outputZeroPoint: outZp, activationMin: lo, activationMax: hi } = params;
    const sparse = this.sparseFc(params.weights, n, k);
    const sq = sparse && this.requantBlock(sparse.np, n, params.bias ?? new Int32Array(n), params, 'float', perTensor);
    // Dense rows. Several rows with per-channel weights: one GEMM over all rows, as a 1×1 conv over a [1, rows, 1, k]
    // image keeping FC's float requantization (per-tensor FC rounds its multiplier differently: a GEMV per row).
    const gemm = rows > 1 && !perTensor
      ? this.conv2dQS8({ batch: 1, inH: rows, inW: 1, inC: k, outH: rows, outW: 1, outC: n, kH: 1, kW: 1,
        strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: 0, padLeft: 0 }, { ...params, requantization: 'float' })
      : null;
    const gemvRow = gemm ? null : this.fcGemvRow(params, n, k, perTensor);
    if (sparse) this.claimScratch(sparse.scratchBytes);
    const batched = sparse && rows > 1 ? this.batchedSparseFc(sparse, n, k, rows) : null;
    const zpList = new Int32Array(rows).fill(inZp), zps = batched ? this.place(zpList) : 0;
    return {
      run: (inputPtr: number, outputPtr: number) => {
        if (batched && batched.run(inputPtr, zps, zpList, sq!.chan, outputPtr, outZp, lo, hi, 0, sq!.flags)) return;
        let denseRows = 0;
        for (let b = 0; b < rows; b++) {
          const x = inputPtr + b * k, out = outputPtr + b * n;
          if (sparse && sparse.run(x, inZp, this.scratchPtr(), sq!.chan, out, outZp, lo, hi, 0, sq!.flags)) continue;
          if (gemvRow) gemvRow(x, out);
          else denseRows++;
        }
        // The GEMM rewrites the sparse rows too, with the same values (both sums are exact).
        if (denseRows > 0) gemm!.run(inputPtr, outputPtr);
      },
    };
  }

  /** The dense int8 GEMV of one row of a fully-connected layer. */
  private fcGemvRow(params: QuantizedParams, n: number, k: number, perTensor: boolean): (x: number, out: number) => void {
    const kp = roundUp(k, 16), np = roundUp(n, 8);
    const wPtr = this.place(packGemvR4K16(params.weights, n, k, kp, np));
    const fc = this.fcKernel(k, kp);
    const bias = foldedBias(params.bias, n, fc.fold(params.inputZeroPoint), params.weights, k);
    const { chan, flags } = this.requantBlock(np, n, bias, params, 'float', perTensor);
    this.claimScratch(fc.xBytes);
    const { inputZeroPoint: inZp, outputZeroPoint: outZp, activationMin: lo, activationMax: hi } = params;
    const { pack, gemv } = fc;
    return (x, out) => {
      const xPtr = this.scratchPtr();
      pack(x, inZp, xPtr);
      gemv(xPtr, kp, wPtr, n, chan, np, out, outZp, lo, hi, 0, flags);
    };
  }

  /**
   * The sparse-input path of a fully-connected layer (assembly/qs8-spmv.ts), or null for rows shorter than 64 and
   * with sparseInputs off: weights transposed to [k][np], np = n rounded up to 32. run() returns false, having only
   * looked, when more than 3/8 of the row differs from the zero point: there the dense kernels are faster (measured
   * break-even near 0.4 of the row against the relaxed 4-bit GEMV, 0.45 against dot16; a ReLU's output is mostly
   * zeros).
   */
  private sparseFc(weights: Int8Array, n: number, k: number) {
    if (!this.sparseInputs || k < 64) return null;
    const np = roundUp(n, 32);
    const wt = this.place(transposeRows(weights, n, k, np));
    const maxPairs = Math.floor((3 * k) / 16);
    const lists = pairLists(maxPairs);
    const kx = this.kernels;
    return {
      np, wt,
      scratchBytes: lists.bytes,
      run(x: number, zp: number, scratch: number, chan: number, out: number,
        outZp: number, lo: number, hi: number, mode: number, flags: number): boolean {
        const pairs = kx.qs8_gather_nonzero(x, k, zp, np, maxPairs, scratch, scratch + lists.valsOff, 0);
        if (pairs < 0) return false;
        kx.qs8_gemv_pairs(pairs, scratch, scratch + lists.valsOff, wt, n, chan, np, out, outZp, lo, hi, mode, flags, 0);
        return true;
      },
    };
  }

  /**
   * Several rows of a sparse-input fully-connected layer at once (assembly/qs8-spmm.ts): features nonzero in more
   * than `thr` rows go through one GEMM over just those columns, every row's remaining nonzeros through the pairs
   * kernel seeded with its GEMM sums. A feature joins the GEMM where that is cheaper than its pairs: per feature
   * and row the relaxed-dot GEMM costs ≈ 1/4 of the pairs kernel, the dot16 GEMM ≈ 1/2, plus ≈ 2 rows for packing
   * the feature's weights (DQN FC1 on 32 CarRacing frames: thresholds of 8 and 17 rows are at the flat minimum of its
   * time on Node 24 and Node 20, with warm caches and interleaved with other work). The relaxed dot needs a VNNI-like engine and x − zp in u8 (a ReLU's output; otherwise run()
   * returns false and writes nothing); elsewhere dot16 runs. Null in the scalar build and below 8 rows.
   */
  private batchedSparseFc(sparse: { np: number; wt: number }, n: number, k: number, rows: number, reserve = 0) {
    if (this.build === 'scalar' || rows < 8) return null;
    const { np, wt } = sparse;
    const relaxed = this.dotMode === 'usdot';
    const kpMax = roundUp(k, 8);
    const lists = pairLists(Math.ceil(k / 2));
    const thr = Math.min(254, Math.floor((roundUp(rows, 4) + 2) / (relaxed ? 4 : 2)));
    const zeroChan = this.place(channelParamBlock(np, new Int32Array(0), null));
    // Scratch, after `reserve` bytes the caller keeps: counts | skip mask | column list | packed weights | A rows |
    // int32 sums | pair lists.
    const skipOff = reserve + roundUp(k, 16), idxOff = skipOff + roundUp(k, 16), bOff = idxOff + roundUp(kpMax * 4, 16);
    const aOff = bOff + kpMax * np * (relaxed ? 1 : 2), accOff = aOff + roundUp(rows * kpMax * (relaxed ? 1 : 2), 16);
    const listOff = accOff + rows * np * 4, end = listOff + lists.bytes;
    this.claimScratch(end);
    const kx = this.kernels;
    const gemm = relaxed ? kx.qs8_gemm_relaxed : kx.qs8_gemm;
    return {
      /** Scratch bytes used from the start, reserve included. */
      end,
      /**
       * Rows at x (k bytes apart) with zero points zpList, also at zps in memory (i32 each); whether it ran
       * (false: an x − zp outside the GEMM's encoding, nothing written to out).
       */
      run: (x: number, zps: number, zpList: Int32Array, chan: number, out: number, outZp: number, lo: number, hi: number,
        mode: number, flags: number): boolean => {
        const s = this.scratchPtr();
        const counts = s + reserve, skip = s + skipOff, idx = s + idxOff, b = s + bOff, a = s + aOff, acc = s + accOff;
        const list = s + listOff;
        kx.qs8_count_nonzero(x, rows, k, zps, counts);
        const u = kx.qs8_select_columns(counts, k, thr, idx, skip);
        const kp = roundUp(u, 8);
        if (u > 0) {
          if (!kx.qs8_gather_columns(x, rows, k, zps, idx, kp, relaxed ? 1 : 0, a)) return false;
          kx.qs8_pack_columns(wt, np, idx, kp, relaxed ? 1 : 0, b);
          gemm(a, kp, rows, b, np, zeroChan, np, acc, np * 4, 0, 0, 0, 1, 0);
        }
        for (let r = 0; r < rows; r++) {
          const zp = zpList[r]!;
          const pairs = kx.qs8_gather_nonzero(x + r * k, k, zp, np, lists.maxPairs, list, list + lists.valsOff, skip);
          kx.qs8_gemv_pairs(pairs, list, list + lists.valsOff, wt, n, chan, np, out + r * n * (mode === 0 ? 1 : 4),
            outZp, lo, hi, mode, flags, u > 0 ? acc + r * np * 4 : 0);
        }
        return true;
      },
    };
  }

  // ---- hybrid (dynamic-range): float in/out, int8 weights, input quantized on every run ----

  /** Per-run quantization of `count` floats at src into q; returns [scale, zeroPoint]. */
  private quantizer(asymmetric: boolean): (src: number, count: number, q: number) => number {
    return asymmetric
      ? (src, count, q) => this.kernels.f32_quantize_asymmetric(src, count, q)
      : (src, count, q) => this.kernels.f32_quantize_symmetric(src, count, q);
  }

  private hybridCommon(n: number, np: number, params: HybridParams, weightsK: number) {
    const scales = new Float32Array(np);
    for (let c = 0; c < n; c++) scales[c] = params.weightScales.length === 1 ? params.weightScales[0]! : params.weightScales[c]!;
    return {
      wscalePtr: this.place(scales),
      biasPtr: this.placeF32Padded(params.bias, n, np),
      rowsumPtr: this.place(padI32(rowSums(params.weights, n, weightsK), np)),
      chan: this.place(channelParamBlock(np, new Int32Array(0), null)),
    };
  }

  conv2dHybrid(geom: ConvGeometry, params: HybridParams): PreparedOp {
    checkConv(geom, params.weights.length);
    checkHybrid(params, geom.outC);
    const winograd = this.winogradKind(geom);
    const wino = winograd ? this.prepareWinograd(geom, params.weights, winograd) : null;
    const g = wino ? null : this.packConvGemm(geom, params.weights);
    const n = geom.outC, np = roundUp(n, 8), m = geom.outH * geom.outW, k = geom.kH * geom.kW * geom.inC;
    const h = this.hybridCommon(n, np, params, k);
    const inCount = geom.inH * geom.inW * geom.inC;
    // Scratch: quantized input | int32 accumulators | im2col rows or the Winograd work area.
    const accOff = roundUp(inCount, 16), workOff = accOff + roundUp(m * n * 4, 16);
    this.claimScratch(workOff + (wino ? wino.scratchBytes : g!.aBytes));
    // TFLite routes a filter with distinct per-channel scales to HybridConvPerChannel ((acc·ws)·sf),
    // and everything else to the per-tensor kernel (acc·(sf·ws)).
    const distinct = params.weightScales.length > 1 && params.weightScales.some((s) => s !== params.weightScales[0]);
    const order = distinct ? 0 : 1;
    const quantize = this.quantizer(params.asymmetricQuantizeInputs);
    const asym = params.asymmetricQuantizeInputs;
    const gemm = this.gemm();
    const im2col = this.im2colFor(geom);
    const { activationMin: lo, activationMax: hi } = params;
    return {
      run: (inputPtr: number, outputPtr: number) => {
        const qPtr = this.scratchPtr(), accPtr = qPtr + accOff, work = qPtr + workOff;
        for (let b = 0; b < geom.batch; b++) {
          const sf = quantize(inputPtr + b * inCount * 4, inCount, qPtr);
          const zp = asym ? this.kernels.quantize_last_zero_point() : 0;
          // Both paths leave Σ w·(q − zp) in acc (dot16 / Winograd; the relaxed GEMM needs the corr term).
          if (wino) {
            wino.exec(work, qPtr, zp, accPtr, h.chan, 0, 0, 0, 1, 0);
          } else {
            im2col(qPtr, zp, work, g!.kp);
            gemm(work, g!.kp, m, g!.bPtr, n, h.chan, np, accPtr, n * 4, 0, 0, 0, 1, 0);
          }
          const corr = wino ? 0 : this.foldOffset(zp);
          this.kernels.hybrid_epilogue(accPtr, m, n, h.rowsumPtr, corr, zp, sf, h.wscalePtr, order, h.biasPtr,
            lo, hi, outputPtr + b * m * n * 4);
        }
      },
    };
  }

  depthwiseConv2dHybrid(geom: DepthwiseGeometry, params: HybridParams): PreparedOp {
    checkDepthwise(geom, params.weights.length);
    checkHybrid(params, geom.outC);
    const { wPtr, cp, np } = this.packDepthwiseInt(geom, params.weights);
    const h = this.hybridCommon(geom.outC, np, params, 0);
    const inCount = geom.inH * geom.inW * geom.inC;
    const m = geom.outH * geom.outW, n = geom.outC;
    // Scratch: quantized input | int32 accumulators.
    const accOff = roundUp(inCount, 16);
    this.claimScratch(accOff + m * n * 4);
    const quantize = this.quantizer(params.asymmetricQuantizeInputs);
    const asym = params.asymmetricQuantizeInputs;
    const { activationMin: lo, activationMax: hi } = params;
    const dw = this.dwconvFor(geom);
    return {
      run: (inputPtr: number, outputPtr: number) => {
        const qPtr = this.scratchPtr(), accPtr = qPtr + accOff;
        for (let b = 0; b < geom.batch; b++) {
          const sf = quantize(inputPtr + b * inCount * 4, inCount, qPtr);
          const zp = asym ? this.kernels.quantize_last_zero_point() : 0;
          // The kernel subtracts zp and skips padded taps, so acc is already Σ w·(q − zp): corr = 0.
          dw(qPtr, zp, wPtr, cp, h.chan, np, accPtr, 0, 0, 0, 1, 0);
          this.kernels.hybrid_epilogue(accPtr, m, n, h.rowsumPtr, 0, zp, sf, h.wscalePtr, 1, h.biasPtr,
            lo, hi, outputPtr + b * m * n * 4);
        }
      },
    };
  }

  fullyConnectedHybrid(geom: FcGeometry, params: HybridParams): PreparedOp {
    checkFc(geom, params.weights.length);
    checkHybrid(params, geom.outFeatures);
    if (geom.batch > 1) return this.fullyConnectedHybridGemm(geom, params);
    const n = geom.outFeatures, k = geom.inFeatures, kp = roundUp(k, 16), np = roundUp(n, 8);
    const wPtr = this.place(packGemvR4K16(params.weights, n, k, kp, np));
    const h = this.hybridCommon(n, np, params, k);
    const fc = this.fcKernel(k, kp);
    const sparse = this.sparseFc(params.weights, n, k);
    const sparseChan = sparse && this.place(channelParamBlock(sparse.np, new Int32Array(0), null));
    // Scratch: quantized input | packed row or the sparse path's lists | int32 accumulators.
    const xOff = roundUp(k, 16), accOff = xOff + roundUp(Math.max(fc.xBytes, sparse?.scratchBytes ?? 0), 16);
    this.claimScratch(accOff + np * 4);
    const quantize = this.quantizer(params.asymmetricQuantizeInputs);
    const asym = params.asymmetricQuantizeInputs;
    const { pack, gemv, fold } = fc;
    const { activationMin: lo, activationMax: hi } = params;
    return {
      run: (inputPtr: number, outputPtr: number) => {
        const qPtr = this.scratchPtr(), xPtr = qPtr + xOff, accPtr = qPtr + accOff;
        for (let b = 0; b < geom.batch; b++) {
          const sf = quantize(inputPtr + b * k * 4, k, qPtr);
          const zp = asym ? this.kernels.quantize_last_zero_point() : 0;
          // The sparse path's sums are Σ w·(q − zp) already: no zero-point correction.
          let corr = 0;
          if (!(sparse && sparse.run(qPtr, zp, xPtr, sparseChan!, accPtr, 0, 0, 0, 1, 0))) {
            pack(qPtr, zp, xPtr);
            gemv(xPtr, kp, wPtr, n, h.chan, np, accPtr, 0, 0, 0, 1, 0);
            corr = fold(zp);
          }
          this.kernels.hybrid_epilogue(accPtr, 1, n, h.rowsumPtr, corr, zp, sf, h.wscalePtr, 2, h.biasPtr,
            lo, hi, outputPtr + b * n * 4);
        }
      },
    };
  }

  /**
   * Several rows (batched models): each row quantized with its own scale (and zero point), then the batched
   * sparse-input path (batchedSparseFc); where it does not apply, sparse rows take the sparse-input path, and if
   * any row is dense one GEMM over the weights runs for all rows instead of a GEMV per row (rewriting the sparse
   * rows' sums with the same values); then the per-row float epilogue. Every path's int32 sums equal the GEMV's,
   * so results are identical.
   */
  private fullyConnectedHybridGemm(geom: FcGeometry, params: HybridParams): PreparedOp {
    const rows = geom.batch, n = geom.outFeatures, k = geom.inFeatures;
    const g = this.packConvGemm({ ...fcRowGeometry(k), inH: rows, outH: rows, outC: n }, params.weights);
    const h = this.hybridCommon(n, g.np, params, k);
    const sparse = this.sparseFc(params.weights, n, k);
    const sparseChan = sparse && this.place(channelParamBlock(sparse.np, new Int32Array(0), null));
    // Scratch: quantized rows | the sparse path's lists | im2col rows | int32 accumulators, or quantized rows | the
    // batched sparse path's scratch | int32 accumulators.
    const qBytes = roundUp(rows * k, 16);
    const batched = sparse && this.batchedSparseFc(sparse, n, k, rows, qBytes);
    const zpList = new Int32Array(rows), zps = batched ? this.alloc(rows * 4) : 0;
    const listOff = qBytes, aOff = listOff + roundUp(sparse?.scratchBytes ?? 0, 16);
    const accOff = Math.max(aOff + g.aBytes, batched ? batched.end : 0);
    this.claimScratch(accOff + rows * n * 4);
    const quantize = this.quantizer(params.asymmetricQuantizeInputs);
    const asym = params.asymmetricQuantizeInputs;
    const packRow = this.im2colFor(fcRowGeometry(k));
    const gemm = this.gemm();
    const scales = new Float64Array(rows);
    const { activationMin: lo, activationMax: hi } = params;
    return {
      run: (inputPtr: number, outputPtr: number) => {
        const qPtr = this.scratchPtr(), aPtr = qPtr + aOff, accPtr = qPtr + accOff;
        for (let r = 0; r < rows; r++) {
          scales[r] = quantize(inputPtr + r * k * 4, k, qPtr + r * k);
          zpList[r] = asym ? this.kernels.quantize_last_zero_point() : 0;
        }
        let corr = false;
        if (!(batched && batched.run(qPtr, this.writeI32(zps, zpList), zpList, sparseChan!, accPtr, 0, 0, 0, 1, 0))) {
          let denseRows = 0;
          for (let r = 0; r < rows; r++) {
            const q = qPtr + r * k, zp = zpList[r]!;
            if (!(sparse && sparse.run(q, zp, qPtr + listOff, sparseChan!, accPtr + r * n * 4, 0, 0, 0, 1, 0))) denseRows++;
            packRow(q, zp, aPtr + r * g.rowBytes, g.kp);
          }
          if (denseRows > 0) gemm(aPtr, g.kp, rows, g.bPtr, n, h.chan, g.np, accPtr, n * 4, 0, 0, 0, 1, 0);
          corr = denseRows > 0;
        }
        for (let r = 0; r < rows; r++) {
          const zp = zpList[r]!;
          this.kernels.hybrid_epilogue(accPtr + r * n * 4, 1, n, h.rowsumPtr, corr ? this.foldOffset(zp) : 0, zp,
            scales[r]!, h.wscalePtr, 2, h.biasPtr, lo, hi, outputPtr + r * n * 4);
        }
      },
    };
  }

  /** Copies values to ptr in WebAssembly memory (no allocation unless the memory grew); returns ptr. */
  private writeI32(ptr: number, values: Int32Array): number {
    if (this.i32.buffer !== this.memory.buffer) this.i32 = new Int32Array(this.memory.buffer);
    this.i32.set(values, ptr >> 2);
    return ptr;
  }

  private i32: Int32Array = new Int32Array(0);

  // ---- float32 ----

  conv2dF32(geom: ConvGeometry, params: FloatParams): PreparedOp {
    checkConv(geom, params.weights.length);
    checkFloat(params, geom.outC);
    const n = geom.outC, k = geom.kH * geom.kW * geom.inC, np = roundUp(n, 8), m = geom.outH * geom.outW;
    const bPtr = this.place(packGemmF32(params.weights, n, k, np));
    const biasPtr = this.placeF32Padded(params.bias, n, np);
    this.claimScratch(m * k * 4);
    const inStride = geom.inH * geom.inW * geom.inC * 4, outStride = m * n * 4;
    const { activationMin: lo, activationMax: hi } = params;
    const { inH, inW, inC, outH, outW, kH, kW, strideH, strideW, dilationH, dilationW, padTop, padLeft } = geom;
    const kx = this.kernels;
    return {
      run: (inputPtr: number, outputPtr: number) => {
        const aPtr = this.scratchPtr();
        for (let b = 0; b < geom.batch; b++) {
          kx.f32_im2col(inputPtr + b * inStride, inH, inW, inC, outH, outW, kH, kW, strideH, strideW,
            dilationH, dilationW, padTop, padLeft, aPtr);
          this.kernels.f32_gemm(aPtr, k, m, bPtr, n, biasPtr, lo, hi, outputPtr + b * outStride);
        }
      },
    };
  }

  depthwiseConv2dF32(geom: DepthwiseGeometry, params: FloatParams): PreparedOp {
    checkDepthwise(geom, params.weights.length);
    checkFloat(params, geom.outC);
    const taps = geom.kH * geom.kW, cp = roundUp(geom.outC, 4);
    const w = new Float32Array(taps * cp);
    for (let t = 0; t < taps; t++) for (let c = 0; c < geom.outC; c++) w[t * cp + c] = params.weights[t * geom.outC + c]!;
    const wPtr = this.place(w);
    const biasPtr = this.placeF32Padded(params.bias, geom.outC, cp);
    const inStride = geom.inH * geom.inW * geom.inC * 4, outStride = geom.outH * geom.outW * geom.outC * 4;
    const { activationMin: lo, activationMax: hi } = params;
    const { inH, inW, inC, outH, outW, kH, kW, strideH, strideW, dilationH, dilationW, padTop, padLeft, depthMultiplier } = geom;
    const kx = this.kernels;
    return {
      run: (inputPtr: number, outputPtr: number) => {
        for (let b = 0; b < geom.batch; b++) {
          kx.f32_dwconv(inputPtr + b * inStride, inH, inW, inC, outH, outW, kH, kW, strideH, strideW, dilationH,
            dilationW, padTop, padLeft, depthMultiplier, wPtr, cp, biasPtr, lo, hi, outputPtr + b * outStride);
        }
      },
    };
  }

  fullyConnectedF32(geom: FcGeometry, params: FloatParams): PreparedOp {
    checkFc(geom, params.weights.length);
    checkFloat(params, geom.outFeatures);
    const n = geom.outFeatures, k = geom.inFeatures, kp = roundUp(k, 4), np = roundUp(n, 4);
    const wPtr = this.place(padRows(params.weights, n, k, kp, np));
    const biasPtr = this.placeF32Padded(params.bias, n, np);
    const { activationMin: lo, activationMax: hi } = params;
    const kx = this.kernels;
    // Several rows: the same sums per output as the GEMV (identical results), the weights read once per two rows.
    return geom.batch > 1
      ? { run: (inputPtr: number, outputPtr: number) => kx.f32_gemm_c4(inputPtr, k, geom.batch, wPtr, kp, n, biasPtr, lo, hi, outputPtr) }
      : { run: (inputPtr: number, outputPtr: number) => kx.f32_gemv(inputPtr, k, kp, wPtr, n, biasPtr, lo, hi, outputPtr) };
  }

  // ---- activation quantization ----

  quantizeF32(count: number, params: StaticQuantizeParams): PreparedOp {
    const { scale, zeroPoint, qMin, qMax, unsigned } = params;
    const [lo, hi] = unsigned ? [0, 255] : [-128, 127];
    if (!Number.isInteger(count) || count < 0) throw new KernelArgumentError(`quantize: count must be a non-negative integer, got ${count}`);
    if (!(scale > 0) || !Number.isFinite(scale)) throw new KernelArgumentError(`quantize: scale must be finite and > 0, got ${scale}`);
    if (!Number.isInteger(qMin) || !Number.isInteger(qMax) || qMin < lo || qMax > hi || qMin > qMax) {
      throw new KernelArgumentError(`quantize: [qMin, qMax] = [${qMin}, ${qMax}] must be integers within [${lo}, ${hi}]`);
    }
    if (!Number.isInteger(zeroPoint) || zeroPoint < lo || zeroPoint > hi) throw new KernelArgumentError(`quantize: zero point ${zeroPoint} must be an integer within [${lo}, ${hi}]`);
    const k = this.kernels, u = unsigned ? 1 : 0;
    return { run: (inputPtr: number, outputPtr: number) => k.f32_quantize_static(inputPtr, count, outputPtr, scale, zeroPoint, qMin, qMax, u) };
  }
}

interface WinogradKind {
  /** GEMM positions (input tile²), input tile, output tile (in the space-to-depth image for strided kernels). */
  positions: number; tile: 4 | 3 | 6; out: number;
  G: readonly (readonly number[])[];
}

const WINOGRAD_KINDS = {
  f23: { positions: 16, tile: 4, out: 2, G: WINOGRAD_G_F2X2_3X3 },
  f22s2d: { positions: 9, tile: 3, out: 2, G: WINOGRAD_G_F2X2_2X2 },
  f43: { positions: 36, tile: 6, out: 4, G: WINOGRAD_G_6_3X3 },
  f52s2d: { positions: 36, tile: 6, out: 5, G: WINOGRAD_G_6_2X2 },
} as const satisfies Record<string, WinogradKind>;

/** FC input row as a 1×1 "image" with K channels, so im2col does the widening / encoding. */
function fcRowGeometry(k: number): ConvGeometry {
  return { batch: 1, inH: 1, inW: 1, inC: k, outH: 1, outW: 1, outC: 0, kH: 1, kW: 1,
    strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: 0, padLeft: 0 };
}

/** bias[c] − offset·Σw[c]: folds the relaxed-dot activation offset into the int32 bias. */
function foldedBias(bias: Int32Array | null, n: number, offset: number, weights: Int8Array, k: number): Int32Array {
  const out = new Int32Array(n);
  const sums = offset !== 0 ? rowSums(weights, n, k) : null;
  for (let c = 0; c < n; c++) out[c] = ((bias ? bias[c]! : 0) - (sums ? Math.imul(offset, sums[c]!) : 0)) | 0;
  return out;
}

function padI32(a: Int32Array, n: number): Int32Array {
  const out = new Int32Array(n);
  out.set(a);
  return out;
}

/**
 * Operands for the start-up checks: weights [n][kk] and activations [m][kk] over the full int8 range (−128 and 127
 * placed periodically, LCG values between), and expected[r][c] = Σ w[c]·(x[r] − zp).
 */
function fullRangeOperands(m: number, n: number, kk: number, zp: number, seed: number) {
  const rnd = () => (((seed = (Math.imul(seed, 1103515245) + 12345) | 0) >>> 16) << 24) >> 24;
  const w = new Int8Array(n * kk).map((_, i) => (i % 7 === 0 ? -128 : i % 5 === 0 ? 127 : rnd()));
  const x = new Int8Array(m * kk).map((_, i) => (i % 3 === 0 ? -128 : i % 4 === 0 ? 127 : rnd()));
  const expected = new Int32Array(m * n);
  for (let r = 0; r < m; r++) for (let c = 0; c < n; c++) {
    let s = 0;
    for (let i = 0; i < kk; i++) s += w[c * kk + i]! * (x[r * kk + i]! - zp);
    expected[r * n + c] = s;
  }
  return { w, x, expected };
}

/**
 * Verifies on an instance that the relaxed GEMM and GEMV, fed the `mode` activation encoding, give exact
 * int32 results for full-range operands (incl. −128 and 127 on both sides). Any mismatch → not used.
 */
function verifyRelaxedKernels(k: KernelExports, mode: RelaxedDotMode): boolean {
  const heap = new BumpAllocator(k.memory, k.heap_base());
  const put = (a: ArrayBufferView | ArrayBuffer): number => heap.place(a);
  const m = 5, n = 11, kk = 37, zp = -3;
  const flip = mode === 'usdot' ? 0x80 : 0, offset = mode === 'usdot' ? zp + 128 : zp;
  const { w, x, expected } = fullRangeOperands(m, n, kk, zp, 12345);
  const np = roundUp(n, 8);
  const chan = put(channelParamBlock(np, foldedBias(null, n, offset, w, kk), null));
  const xPtr = put(x);
  // GEMM: the m rows as m pixels of a 1×m image with kk channels.
  const kp = roundUp(kk, 8);
  const bPtr = put(packGemmC4I8(w, n, kk, kp, np));
  const aPtr = heap.alloc(m * kp);
  const cPtr = heap.alloc(m * n * 4);
  k.qs8_im2col_u8(xPtr, 1, m, kk, 1, m, 1, 1, 1, 1, 1, 1, 0, 0, zp, flip, aPtr, kp);
  k.qs8_gemm_relaxed(aPtr, kp, m, bPtr, n, chan, np, cPtr, n * 4, 0, 0, 0, 1, 0);
  const gemmOut = new Int32Array(k.memory.buffer, cPtr, m * n);
  for (let i = 0; i < m * n; i++) if (gemmOut[i] !== expected[i]) return false;
  // GEMV, row by row.
  const kv = roundUp(kk, 16);
  const wPtr = put(packGemvR4K16(w, n, kk, kv, np));
  const vPtr = heap.alloc(kv);
  const yPtr = heap.alloc(np * 4);
  for (let r = 0; r < m; r++) {
    k.qs8_im2col_u8(xPtr + r * kk, 1, 1, kk, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, zp, flip, vPtr, kv);
    k.qs8_gemv_relaxed(vPtr, kv, wPtr, n, chan, np, yPtr, 0, 0, 0, 1, 0);
    const y = new Int32Array(k.memory.buffer, yPtr, n);
    for (let c = 0; c < n; c++) if (y[c] !== expected[r * n + c]) return false;
  }
  return true;
}

/**
 * Verifies the 4-bit-half GEMV (qs8_gemv_u4) against Σ w·(x − zp) on full-range operands, K over several
 * i16 flush blocks and a K tail. In-range relaxed dot is specified exactly, but Node 20's Liftoff is known to
 * get relaxed dot wrong, so this is proven on a real instance too.
 */
function verifyU4Gemv(k: KernelExports): boolean {
  const heap = new BumpAllocator(k.memory, k.heap_base());
  const n = 9, kk = 300, zp = 5, kp = roundUp(kk, 16), np = roundUp(n, 8);
  const { w, x, expected } = fullRangeOperands(1, n, kk, zp, 777);
  const chan = heap.place(channelParamBlock(np, foldedBias(null, n, zp + 128, w, kk), null));
  const wPtr = heap.place(packGemvR4K16(w, n, kk, kp, np));
  const xPtr = heap.place(x), halves = heap.alloc(2 * kp), yPtr = heap.alloc(np * 4);
  k.qs8_pack_u4_halves(xPtr, kk, kp, halves);
  k.qs8_gemv_u4(halves, kp, wPtr, n, chan, np, yPtr, 0, 0, 0, 1, 0);
  const y = new Int32Array(k.memory.buffer, yPtr, n);
  for (let c = 0; c < n; c++) if (y[c] !== expected[c]) return false;
  return true;
}

export async function createKernelRuntime(options: KernelRuntimeOptions = {}): Promise<KernelRuntimeEx> {
  const winograd = options.winograd ?? 'auto';
  if (!['auto', 'small', 'large', 'off'].includes(winograd)) {
    throw new KernelArgumentError(`winograd must be 'auto', 'small', 'large' or 'off', got ${String(winograd)}`);
  }
  const sparseInputs = options.sparseInputs ?? true;
  if (typeof sparseInputs !== 'boolean') throw new KernelArgumentError(`sparseInputs must be true or false, got ${String(sparseInputs)}`);
  const loaded = await loadKernels(options.backend ?? 'auto');
  let dotMode: RelaxedDotMode = loaded.relaxedProbe.mode;
  let gemvKernel: GemvKernel = loaded.build === 'scalar' ? 'scalar' : 'dot16';
  if (loaded.build === 'relaxed') {
    // Second, independent proof on the real kernels, in a throw-away instance (own memory).
    const scratch = await instantiateBuild('relaxed');
    if (dotMode !== 'none' && !verifyRelaxedKernels(scratch, dotMode)) dotMode = 'none';
    if (dotMode !== 'none') gemvKernel = 'relaxed-dot';
    else if (verifyU4Gemv(scratch)) gemvKernel = 'relaxed-u4';
  }
  return new Runtime(loaded.build, loaded.exports, loaded.features, loaded.relaxedProbe, dotMode, gemvKernel, winograd, sparseInputs);
}

/** Scratch layout of the pair lists (qs8_gather_nonzero): i32 offsets then i16 values, 2·maxPairs + 18 entries. */
function pairLists(maxPairs: number) {
  const entries = 2 * maxPairs + 18;
  const valsOff = roundUp(entries * 4, 16);
  return { maxPairs, valsOff, bytes: valsOff + roundUp(entries * 2, 16) };
}
