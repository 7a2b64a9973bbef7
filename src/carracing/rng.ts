/**
 * numpy-compatible random numbers: SeedSequence → PCG64 (XSL-RR 128/64) → Generator.random/uniform/integers.
 * Gymnasium seeds its env with `Generator(PCG64(SeedSequence(seed)))`; reproducing the stream bit-exactly
 * is what makes a seed give Gymnasium's track. Only a few dozen draws happen per reset, so BigInt is fine
 * for the 128-bit LCG.
 */

const MASK32 = 0xffffffff;
const MASK64 = (1n << 64n) - 1n;
const MASK128 = (1n << 128n) - 1n;
const PCG_MULTIPLIER = 0x2360ed051fc65da44385df649fccf645n;
const TWO_POW_MINUS_53 = 1 / 9007199254740992;

/** numpy SeedSequence(entropy).generate_state(n_words, uint32) for a non-negative integer entropy. */
export function seedSequenceState(seed: number | bigint, nWords32 = 8): Uint32Array {
  let s = BigInt(seed);
  if (s < 0n) throw new RangeError('seed must be a non-negative integer');
  const words: number[] = [];
  do {
    words.push(Number(s & 0xffffffffn));
    s >>= 32n;
  } while (s > 0n);

  let hashConst = 0x43b0d7e5;
  const hashmix = (value: number): number => {
    value = (value ^ hashConst) >>> 0;
    hashConst = Math.imul(hashConst, 0x931e8875) >>> 0;
    value = Math.imul(value, hashConst) >>> 0;
    return (value ^ (value >>> 16)) >>> 0;
  };
  const mix = (x: number, y: number): number => {
    const r = (Math.imul(0xca01f9dd, x) - Math.imul(0x4973f715, y)) >>> 0;
    return (r ^ (r >>> 16)) >>> 0;
  };

  const pool = new Uint32Array(4);
  for (let i = 0; i < 4; i++) pool[i] = hashmix(i < words.length ? words[i]! : 0);
  for (let src = 0; src < 4; src++) {
    for (let dst = 0; dst < 4; dst++) {
      if (src !== dst) pool[dst] = mix(pool[dst]!, hashmix(pool[src]!));
    }
  }
  for (let src = 4; src < words.length; src++) {
    for (let dst = 0; dst < 4; dst++) pool[dst] = mix(pool[dst]!, hashmix(words[src]!));
  }

  const out = new Uint32Array(nWords32);
  let h = 0x8b51f9dd;
  for (let i = 0; i < nWords32; i++) {
    let v = (pool[i % 4]! ^ h) >>> 0;
    h = Math.imul(h, 0x58f38ded) >>> 0;
    v = Math.imul(v, h) >>> 0;
    out[i] = (v ^ (v >>> 16)) >>> 0;
  }
  return out;
}

/** numpy.random.Generator(PCG64(SeedSequence(seed))) — the subset Gymnasium's CarRacing draws from. */
export class NumpyGenerator {
  private state = 0n;
  private inc = 0n;
  /** PCG64's one-slot buffer for 32-bit draws; it survives across resets without reseeding (quirk Q14). */
  private hasUint32 = false;
  private bufferedUint32 = 0;

  constructor(seed: number | bigint) {
    const w = seedSequenceState(seed, 8);
    const u = (k: number) => BigInt(w[2 * k]!) | (BigInt(w[2 * k + 1]!) << 32n);
    const initState = (u(0) << 64n) | u(1);
    const initSeq = (u(2) << 64n) | u(3);
    this.inc = ((initSeq << 1n) | 1n) & MASK128;
    this.state = 0n;
    this.advance();
    this.state = (this.state + initState) & MASK128;
    this.advance();
  }

  /** A generator seeded from platform entropy, like numpy's SeedSequence(None). */
  static fromEntropy(): NumpyGenerator {
    const words = new Uint32Array(4);
    const webCrypto = (globalThis as { crypto?: { getRandomValues?: (a: Uint32Array) => Uint32Array } }).crypto;
    if (webCrypto?.getRandomValues) webCrypto.getRandomValues(words);
    else for (let i = 0; i < 4; i++) words[i] = Math.floor(Math.random() * 4294967296);
    let seed = 0n;
    for (let i = 3; i >= 0; i--) seed = (seed << 32n) | BigInt(words[i]!);
    return new NumpyGenerator(seed);
  }

  private advance(): void {
    this.state = (this.state * PCG_MULTIPLIER + this.inc) & MASK128;
  }

  /** Internal state (for tests against numpy's bit_generator.state). */
  get stateBigInt(): { state: bigint; inc: bigint } {
    return { state: this.state, inc: this.inc };
  }

  nextUint64(): bigint {
    this.advance();
    const hi = this.state >> 64n;
    const lo = this.state & MASK64;
    const xored = hi ^ lo;
    const rot = this.state >> 122n;
    return ((xored >> rot) | (xored << ((64n - rot) & 63n))) & MASK64;
  }

  nextUint32(): number {
    if (this.hasUint32) {
      this.hasUint32 = false;
      return this.bufferedUint32;
    }
    const v = this.nextUint64();
    this.bufferedUint32 = Number(v >> 32n);
    this.hasUint32 = true;
    return Number(v & 0xffffffffn);
  }

  /** Generator.random(): 53-bit double in [0, 1). */
  random(): number {
    return Number(this.nextUint64() >> 11n) * TWO_POW_MINUS_53;
  }

  /** Generator.uniform(low, high) for scalars. */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.random();
  }

  /** Generator.integers(high) for 0 ≤ result < high ≤ 2^32 (Lemire's bounded draw on 32-bit words). */
  integers(high: number): number {
    const rng = high - 1;
    if (rng === 0) return 0;
    if (rng === MASK32) return this.nextUint32();
    const rngExcl = rng + 1;
    let m = BigInt(this.nextUint32()) * BigInt(rngExcl);
    let leftover = Number(m & 0xffffffffn);
    if (leftover < rngExcl) {
      const threshold = (MASK32 - rng) % rngExcl;
      while (leftover < threshold) {
        m = BigInt(this.nextUint32()) * BigInt(rngExcl);
        leftover = Number(m & 0xffffffffn);
      }
    }
    return Number(m >> 32n);
  }
}
