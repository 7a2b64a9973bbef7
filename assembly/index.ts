// One source, three builds (scalar / simd / relaxed-simd): ASC_FEATURE_* constants pick code paths
// at compile time, so every build exports the same names.
export { build_id, heap_base, relaxed_dot_probe, qs8_mac_peak, qs8_mac_peak_macs_per_iter } from './probe';
export { qs8_im2col_i16, qs8_im2col_u8, qs8_pack_u4_halves, f32_im2col } from './im2col';
export { qs8_gemm, qs8_gemm_positions, qs8_gemm_relaxed } from './qs8-gemm';
export { qs8_gemv, qs8_gemv_relaxed, qs8_gemv_u4 } from './qs8-gemv';
export { qs8_gather_nonzero, qs8_gemv_pairs } from './qs8-spmv';
export { qs8_count_nonzero, qs8_select_columns, qs8_pack_columns, qs8_gather_columns } from './qs8-spmm';
export { qs8_dwconv } from './qs8-dwconv';
export { qs8_wino2x2_input, qs8_wino2x2_output, qs8_wino2x2k2_input, qs8_wino2x2k2_output, qs8_wino6x6_input, qs8_wino6x6_output } from './qs8-winograd';
export { f32_quantize_symmetric, f32_quantize_asymmetric, f32_quantize_static, quantize_last_zero_point, hybrid_epilogue } from './quantize';
export { f32_gemm, f32_gemm_c4, f32_gemv, f32_dwconv } from './f32-gemm';
