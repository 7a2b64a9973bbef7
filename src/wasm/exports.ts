// Typed view of the functions every build exports (assembly/index.ts). Pointers are byte offsets.
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  build_id(): number;
  heap_base(): number;
  relaxed_dot_probe(a: number, b: number, acc: number): number;
  qs8_mac_peak(iters: number, seed: number, useRelaxed: number): number;
  qs8_mac_peak_macs_per_iter(useRelaxed: number): number;

  qs8_im2col_i16(input: number, inH: number, inW: number, inC: number, outH: number, outW: number,
    kH: number, kW: number, strideH: number, strideW: number, dilH: number, dilW: number,
    padTop: number, padLeft: number, zp: number, a: number, kp: number): void;
  qs8_im2col_u8(input: number, inH: number, inW: number, inC: number, outH: number, outW: number,
    kH: number, kW: number, strideH: number, strideW: number, dilH: number, dilW: number,
    padTop: number, padLeft: number, zp: number, flip: number, a: number, kp: number): void;
  qs8_pack_u4_halves(input: number, k: number, kp: number, dst: number): void;
  f32_im2col(input: number, inH: number, inW: number, inC: number, outH: number, outW: number,
    kH: number, kW: number, strideH: number, strideW: number, dilH: number, dilW: number,
    padTop: number, padLeft: number, a: number): void;

  qs8_gemm(a: number, kp: number, m: number, b: number, n: number, chan: number, np: number,
    c: number, cStride: number, outZp: number, outMin: number, outMax: number, mode: number, flags: number): void;
  qs8_gemm_positions(count: number, a: number, aStep: number, kp: number, m: number, b: number, bStep: number, n: number,
    chan: number, np: number, c: number, cStep: number, cStride: number): void;
  qs8_gemm_relaxed(a: number, kp: number, m: number, b: number, n: number, chan: number, np: number,
    c: number, cStride: number, outZp: number, outMin: number, outMax: number, mode: number, flags: number): void;
  qs8_gemv(x: number, kp: number, w: number, n: number, chan: number, np: number,
    out: number, outZp: number, outMin: number, outMax: number, mode: number, flags: number): void;
  qs8_gemv_relaxed(x: number, kp: number, w: number, n: number, chan: number, np: number,
    out: number, outZp: number, outMin: number, outMax: number, mode: number, flags: number): void;
  qs8_gather_nonzero(x: number, k: number, zp: number, np: number, maxPairs: number, offs: number, vals: number,
    skip: number): number;
  qs8_gemv_pairs(pairs: number, offs: number, vals: number, wt: number, n: number, chan: number, np: number,
    out: number, outZp: number, outMin: number, outMax: number, mode: number, flags: number, accIn: number): void;
  qs8_count_nonzero(x: number, rows: number, k: number, zps: number, counts: number): void;
  qs8_select_columns(counts: number, k: number, thr: number, idx: number, skip: number): number;
  qs8_pack_columns(wt: number, np: number, idx: number, kp: number, layout: number, out: number): void;
  qs8_gather_columns(x: number, rows: number, k: number, zps: number, idx: number, kp: number, enc: number, a: number): number;
  qs8_gemv_u4(x: number, kp: number, w: number, n: number, chan: number, np: number,
    out: number, outZp: number, outMin: number, outMax: number, mode: number, flags: number): void;
  qs8_wino2x2_input(input: number, inH: number, inW: number, inC: number, tilesH: number, tilesW: number,
    padTop: number, padLeft: number, zp: number, v: number): void;
  qs8_wino2x2_output(m: number, tilesH: number, tilesW: number, n: number, np: number, chan: number,
    out: number, outH: number, outW: number, outZp: number, outMin: number, outMax: number, mode: number, flags: number): void;
  qs8_wino2x2k2_input(input: number, inH: number, inW: number, inC: number, stride: number, tilesH: number, tilesW: number,
    padTop: number, padLeft: number, zp: number, v: number): void;
  qs8_wino2x2k2_output(m: number, tilesH: number, tilesW: number, n: number, np: number, chan: number,
    out: number, outH: number, outW: number, outZp: number, outMin: number, outMax: number, mode: number, flags: number): void;
  qs8_wino6x6_input(input: number, inH: number, inW: number, inC: number, stride: number, step: number, tilesH: number, tilesW: number,
    padTop: number, padLeft: number, zp: number, v: number): void;
  qs8_wino6x6_output(m: number, tilesH: number, tilesW: number, n: number, np: number, chan: number,
    out: number, outH: number, outW: number, outZp: number, outMin: number, outMax: number, mode: number, flags: number, tile: number): void;
  qs8_dwconv(input: number, inH: number, inW: number, inC: number, outH: number, outW: number,
    kH: number, kW: number, strideH: number, strideW: number, dilH: number, dilW: number,
    padTop: number, padLeft: number, mult: number, inZp: number, w: number, cp: number,
    chan: number, np: number, out: number, outZp: number, outMin: number, outMax: number, mode: number, flags: number): void;

  f32_quantize_symmetric(src: number, n: number, dst: number): number;
  f32_quantize_asymmetric(src: number, n: number, dst: number): number;
  f32_quantize_static(src: number, n: number, dst: number, scale: number, zp: number, lo: number, hi: number, unsigned: number): void;
  quantize_last_zero_point(): number;
  hybrid_epilogue(acc: number, m: number, n: number, rowsum: number, corr: number, zp: number, sf: number,
    wscale: number, order: number, bias: number, actMin: number, actMax: number, out: number): void;

  f32_gemm(a: number, k: number, m: number, b: number, n: number, bias: number,
    actMin: number, actMax: number, c: number): void;
  f32_gemv(x: number, k: number, kp: number, w: number, n: number, bias: number,
    actMin: number, actMax: number, out: number): void;
  f32_gemm_c4(x: number, k: number, m: number, w: number, kp: number, n: number, bias: number,
    actMin: number, actMax: number, out: number): void;
  f32_dwconv(input: number, inH: number, inW: number, inC: number, outH: number, outW: number,
    kH: number, kW: number, strideH: number, strideW: number, dilH: number, dilW: number,
    padTop: number, padLeft: number, mult: number, w: number, cp: number, bias: number,
    actMin: number, actMax: number, out: number): void;
}
