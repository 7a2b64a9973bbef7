// Structure-aware fuzz seeds: random single-op models (random dtypes, shapes, options, quantization),
// mostly well-formed, sometimes not. Byte mutation rarely gets past the reader; these reach the op
// layer and the kernels with odd geometries.
import { buildTflite, type Table, type TensorSpec } from '../tflite/helpers/flatbuffer-builder.js';

const F32 = 0, I32 = 2, I8 = 9;

export function randomModel(random: () => number): { name: string; bytes: Uint8Array } {
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)]!;
  const chance = (p: number) => random() < p;
  const quant = (n = 1) => ({ scale: Array.from({ length: n }, () => Math.fround(0.001 + random() * 0.1)), zeroPoint: Array.from({ length: n }, () => int(-20, 20)) });
  const bytesOf = (type: number, n: number): Uint8Array => {
    const size = type === F32 || type === I32 ? 4 : 1;
    const out = new Uint8Array(n * size);
    if (type === F32) new Float32Array(out.buffer).forEach((_, i, a) => { a[i] = random() * 2 - 1; });
    else for (let i = 0; i < out.length; i++) out[i] = int(0, 255);
    return out;
  };
  const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
  // Mostly the right output shape; sometimes a wrong one, which must be refused.
  const maybeWrong = (shape: number[]) => (chance(0.1) ? shape.map((d) => d + int(0, 1)) : shape);
  const activation = () => (chance(0.8) ? pick([0, 1, 3]) : int(0, 6));

  const kind = pick(['conv', 'depthwise', 'fc', 'pool', 'binary', 'unary', 'softmax', 'concat', 'pad', 'mean', 'quantize', 'dequantize'] as const);
  const mode = pick(['float', 'int8', 'hybrid'] as const);
  const actType = mode === 'int8' ? I8 : F32;
  const act = (shape: number[]): TensorSpec => (actType === I8 ? { shape, type: I8, quantization: quant() } : { shape });
  const buffers: { data?: Uint8Array }[] = [{}];
  const constant = (shape: number[], type: number, q?: TensorSpec['quantization']): TensorSpec => {
    buffers.push({ data: bytesOf(type, count(shape)) });
    return { shape, type, buffer: buffers.length - 1, quantization: q };
  };
  const tensors: TensorSpec[] = [];
  const add = (t: TensorSpec) => tensors.push(t) - 1;
  let opcode = 0;
  let optionsType: number | undefined;
  let options: Table | undefined;
  const inputs: number[] = [];
  const outDims = (n: number, f: number, s: number, d: number, same: boolean) => (same ? Math.ceil(n / s) : Math.floor((n - ((f - 1) * d + 1) + s) / s));

  const [b, h, w, c] = [int(1, 2), int(1, 9), int(1, 9), int(1, 6)];
  const x = add(act([b, h, w, c]));
  inputs.push(x);
  let outShape: number[] = [b, h, w, c];

  switch (kind) {
    case 'conv': case 'depthwise': {
      const [kh, kw, sh, sw, dh, dw] = [int(1, 4), int(1, 4), int(1, 3), int(1, 3), int(1, 2), int(1, 2)];
      const same = chance(0.5);
      const mult = kind === 'depthwise' ? int(1, 3) : 1;
      const oc = kind === 'depthwise' ? c * mult : int(1, 8);
      const wType = mode === 'float' ? F32 : I8;
      const perChannel = chance(0.7);
      const wq = wType === I8 ? { ...quant(perChannel ? oc : 1), zeroPoint: new Array(perChannel ? oc : 1).fill(0), quantizedDimension: kind === 'depthwise' ? 3 : 0 } : undefined;
      const wShape = kind === 'depthwise' ? [1, kh, kw, oc] : [oc, kh, kw, c];
      inputs.push(add(constant(wShape, wType, wq)));
      inputs.push(chance(0.9) ? add(constant([oc], mode === 'int8' ? I32 : F32)) : -1);
      outShape = [b, outDims(h, kh, sh, dh, same), outDims(w, kw, sw, dw, same), oc];
      opcode = kind === 'conv' ? 3 : 4;
      optionsType = kind === 'conv' ? 1 : 2;
      const s = (v: number) => ({ scalar: 'i32' as const, value: v });
      options = kind === 'conv'
        ? [{ scalar: 'i8', value: same ? 0 : 1 }, s(sw), s(sh), { scalar: 'i8', value: activation() }, s(dw), s(dh)]
        : [{ scalar: 'i8', value: same ? 0 : 1 }, s(sw), s(sh), s(mult), { scalar: 'i8', value: activation() }, s(dw), s(dh)];
      break;
    }
    case 'fc': {
      const outF = int(1, 10);
      const inF = chance(0.8) ? c : int(1, 8);
      const wType = mode === 'float' ? F32 : I8;
      const perChannel = chance(0.6);
      inputs.push(add(constant([outF, inF], wType, wType === I8 ? { ...quant(perChannel ? outF : 1), zeroPoint: new Array(perChannel ? outF : 1).fill(0) } : undefined)));
      inputs.push(chance(0.6) ? add(constant([outF], mode === 'int8' ? I32 : F32)) : -1);
      outShape = [(b * h * w * c) / inF, outF];
      opcode = 9;
      optionsType = 8;
      options = [{ scalar: 'i8', value: activation() }, undefined, undefined, { scalar: 'bool', value: chance(0.5) }];
      break;
    }
    case 'pool': {
      const [fh, fw, sh, sw] = [int(1, 4), int(1, 4), int(1, 3), int(1, 3)];
      const same = chance(0.5);
      outShape = [b, outDims(h, fh, sh, 1, same), outDims(w, fw, sw, 1, same), c];
      opcode = pick([1, 17]);
      optionsType = 5;
      options = [{ scalar: 'i8', value: same ? 0 : 1 }, { scalar: 'i32', value: sw }, { scalar: 'i32', value: sh }, { scalar: 'i32', value: fw }, { scalar: 'i32', value: fh }, { scalar: 'i8', value: activation() }];
      break;
    }
    case 'binary': {
      const other = [pick([1, b]), pick([1, h]), pick([1, w]), pick([1, c])].slice(int(0, 3));
      inputs.push(chance(0.3) ? add(constant(other, actType, actType === I8 ? quant() : undefined)) : add(act(other)));
      opcode = pick([0, 18, 41]);
      optionsType = opcode === 0 ? 11 : opcode === 18 ? 21 : 28;
      options = [{ scalar: 'i8', value: activation() }];
      break;
    }
    case 'unary':
      opcode = pick([14, 28, 19, 21, 98, 117]);
      if (opcode === 98) { optionsType = 75; options = [{ scalar: 'f32', value: random() }]; }
      break;
    case 'softmax':
      opcode = 25; optionsType = 9; options = [{ scalar: 'f32', value: Math.fround(0.5 + random()) }];
      break;
    case 'concat': {
      const axis = int(-4, 3);
      const extra = int(1, 4);
      const other = outShape.slice();
      const ax = axis < 0 ? axis + 4 : axis;
      other[ax] = extra;
      inputs.push(add(act(other)));
      outShape[ax] = outShape[ax]! + extra;
      opcode = 2; optionsType = 10; options = [{ scalar: 'i32', value: axis }, { scalar: 'i8', value: chance(0.8) ? 0 : activation() }];
      break;
    }
    case 'pad': {
      const pads = Array.from({ length: 8 }, () => int(0, 2));
      buffers.push({ data: new Uint8Array(new Int32Array(pads).buffer) });
      inputs.push(add({ shape: [4, 2], type: I32, buffer: buffers.length - 1 }));
      outShape = outShape.map((d, i) => d + pads[2 * i]! + pads[2 * i + 1]!);
      opcode = 34;
      break;
    }
    case 'mean': {
      const axes = [...new Set(Array.from({ length: int(1, 3) }, () => int(-4, 3)))];
      buffers.push({ data: new Uint8Array(new Int32Array(axes).buffer) });
      inputs.push(add({ shape: [axes.length], type: I32, buffer: buffers.length - 1 }));
      const keep = chance(0.5);
      const resolved = new Set(axes.map((a) => (a < 0 ? a + 4 : a)));
      outShape = keep ? outShape.map((d, i) => (resolved.has(i) ? 1 : d)) : outShape.filter((_, i) => !resolved.has(i));
      opcode = 40; optionsType = 27; options = [{ scalar: 'bool', value: keep }];
      break;
    }
    case 'quantize': case 'dequantize':
      opcode = kind === 'quantize' ? 114 : 6;
      break;
  }
  let outType = actType;
  let outQuant: TensorSpec['quantization'] = actType === I8 ? quant() : undefined;
  if (kind === 'quantize') { outType = I8; outQuant = quant(); }
  if (kind === 'dequantize') { outType = F32; outQuant = undefined; }
  if ((kind === 'softmax' || (kind === 'unary' && opcode === 14)) && actType === I8) outQuant = { scale: [1 / 256], zeroPoint: [-128] };
  if (['pool', 'concat', 'pad'].includes(kind) && actType === I8 && chance(0.8)) outQuant = tensors[x]!.quantization;
  const y = add({ shape: maybeWrong(outShape), type: outType, quantization: outQuant });
  const graphInputs = inputs.filter((i) => i >= 0 && tensors[i]!.buffer === undefined);
  const bytes = buildTflite({
    opcodes: [{ deprecated: opcode }],
    tensors,
    operators: [{ opcodeIndex: 0, inputs, outputs: [y], optionsType, options }],
    inputs: graphInputs,
    outputs: [y],
    buffers,
  });
  return { name: `generated ${kind}/${mode}`, bytes };
}
