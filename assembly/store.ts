// Partial stores for tile edges (N not a multiple of the tile).

/** Stores lanes [0, count) of an i32x4 (count may exceed 4: then all four). */
@inline
export function store_i32x4_partial(ptr: usize, v: v128, count: i32): void {
  if (count >= 4) { v128.store(ptr, v); return; }
  store<i32>(ptr, i32x4.extract_lane(v, 0));
  if (count > 1) store<i32>(ptr, i32x4.extract_lane(v, 1), 4);
  if (count > 2) store<i32>(ptr, i32x4.extract_lane(v, 2), 8);
}

@inline
export function store_f32x4_partial(ptr: usize, v: v128, count: i32): void {
  if (count >= 4) { v128.store(ptr, v); return; }
  store<f32>(ptr, f32x4.extract_lane(v, 0));
  if (count > 1) store<f32>(ptr, f32x4.extract_lane(v, 1), 4);
  if (count > 2) store<f32>(ptr, f32x4.extract_lane(v, 2), 8);
}
