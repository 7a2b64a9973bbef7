// Text → bytes for the embedded builds: Z85 (ZeroMQ RFC 32, 5 characters per 4 bytes) after one digit giving the
// zero bytes padded onto the end. 6 % smaller than base64 (4 per 3); plain JavaScript, so it decodes the same in
// Node, browsers and workers. scripts/z85.mjs encodes.
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';
const LOOKUP = new Uint8Array(128);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

export function decodeZ85(text: string): Uint8Array {
  const pad = text.charCodeAt(0) - 48;
  const groups = Math.floor((text.length - 1) / 5);
  if (pad < 0 || pad > 3 || groups * 5 + 1 !== text.length || (groups === 0 && pad !== 0)) {
    throw new Error(`i8x16: corrupt embedded build (Z85 text of length ${text.length})`);
  }
  const out = new Uint8Array(groups * 4);
  for (let g = 0, i = 1; g < groups; g++) {
    let v = 0;
    for (let j = 0; j < 5; j++) v = v * 85 + LOOKUP[text.charCodeAt(i++)]!;
    out[4 * g] = v >>> 24; out[4 * g + 1] = (v >>> 16) & 0xff; out[4 * g + 2] = (v >>> 8) & 0xff; out[4 * g + 3] = v & 0xff;
  }
  return out.subarray(0, out.length - pad);
}
