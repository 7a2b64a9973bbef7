// Bytes → the text src/wasm/z85.ts decodes: the number of zero bytes padded onto the end (one digit), then Z85.
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';

export function encodeZ85(bytes) {
  const pad = (4 - (bytes.length % 4)) % 4;
  const data = new Uint8Array(bytes.length + pad);
  data.set(bytes);
  let out = String(pad);
  const digits = new Array(5);
  for (let i = 0; i < data.length; i += 4) {
    let v = ((data[i] << 24) | (data[i + 1] << 16) | (data[i + 2] << 8) | data[i + 3]) >>> 0;
    for (let j = 4; j >= 0; j--) { digits[j] = ALPHABET[v % 85]; v = Math.floor(v / 85); }
    out += digits.join('');
  }
  return out;
}
