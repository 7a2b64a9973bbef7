// Plain description of a .tflite file, read with bounds checks (see flatbuffer.ts).
// Slot ids follow schema.fbs; absent fields take their schema defaults.
import { ModelError } from '../errors.js';
import { FlatBufferReader, type Table } from './flatbuffer.js';
import { parseBuiltinOptions, type BuiltinOptions } from './options.js';
import { builtinOpName, TENSOR_TYPES, tensorTypeName, TensorType } from './schema.js';

export interface Quantization {
  scale: Float32Array;
  /** int64 in the file; converted to number (values beyond ±2^53 are refused). */
  zeroPoint: number[];
  quantizedDimension: number;
  /** True when there is more than one scale (per-axis quantization). */
  perChannel: boolean;
}

export interface TensorInfo {
  index: number;
  name: string;
  shape: number[];
  shapeSignature: number[] | null;
  type: number;
  dtype: string;
  buffer: number;
  /** Constant data (a view into the file), or null for activations. */
  data: Uint8Array | null;
  quantization: Quantization | null;
  isVariable: boolean;
  isSparse: boolean;
  elementCount: number;
  byteLength: number;
}

export interface OperatorInfo {
  index: number;
  opcodeIndex: number;
  builtinCode: number;
  opName: string;
  customCode: string | null;
  opVersion: number;
  /** −1 marks an omitted optional input. */
  inputs: number[];
  outputs: number[];
  optionsType: number;
  /** Parsed options for the op types this runtime knows; null otherwise. */
  options: BuiltinOptions | null;
}

export interface SubgraphInfo {
  name: string;
  tensors: TensorInfo[];
  inputs: number[];
  outputs: number[];
  operators: OperatorInfo[];
}

export interface OperatorCodeInfo {
  builtinCode: number;
  customCode: string | null;
  version: number;
}

export interface SignatureDefInfo {
  key: string;
  subgraphIndex: number;
  inputs: { name: string; tensorIndex: number }[];
  outputs: { name: string; tensorIndex: number }[];
}

export interface MetadataInfo {
  name: string;
  buffer: number;
  data: Uint8Array;
}

export interface TfliteModel {
  version: number;
  description: string;
  operatorCodes: OperatorCodeInfo[];
  subgraphs: SubgraphInfo[];
  /** One view per buffer (empty for none); for offset/size buffers the view covers file[offset, offset+size). */
  buffers: Uint8Array[];
  metadata: MetadataInfo[];
  signatureDefs: SignatureDefInfo[];
  /** Bytes of constant tensor data (the model's weights). */
  weightBytes: number;
}

export interface ReadOptions {
  /** Name used in error messages. */
  fileName?: string;
  /** Refuse models whose constant data or any single tensor exceeds this many bytes. */
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 1 << 30;
/** Tensors of higher rank than this are not produced by any converter path we support. */
const MAX_RANK = 8;

export function readTfliteModel(bytes: Uint8Array, options: ReadOptions = {}): TfliteModel {
  const file = options.fileName;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const r = new FlatBufferReader(bytes, file);
  if (bytes.byteLength < 8) r.fail(`file is ${bytes.byteLength} bytes, too short for a .tflite header`);
  const ident = String.fromCharCode(bytes[4]!, bytes[5]!, bytes[6]!, bytes[7]!);
  if (ident !== 'TFL3') r.fail(`file identifier is ${JSON.stringify(ident)}, expected "TFL3" (not a .tflite file)`);

  const model = r.root('model');
  const version = r.fieldU32(model, 0, 0, 'version');
  if (version !== 3) r.fail(`schema version ${version} is not supported (expected 3)`);

  const operatorCodes = r.fieldTables(model, 1, 'operator_codes').map((t): OperatorCodeInfo => {
    const deprecated = r.fieldI8(t, 0, 0, 'deprecated_builtin_code');
    const builtin = r.fieldI32(t, 3, 0, 'builtin_code');
    // schema_utils.cc GetBuiltinCode: codes ≥ 127 live in builtin_code, older files only fill the int8.
    return {
      builtinCode: Math.max(builtin, deprecated),
      customCode: r.fieldString(t, 1, 'custom_code'),
      version: r.fieldI32(t, 2, 1, 'version'),
    };
  });

  const buffers = r.fieldTables(model, 4, 'buffers').map((t) => readBuffer(r, t));
  const subgraphTables = r.fieldTables(model, 2, 'subgraphs');
  if (subgraphTables.length === 0) r.fail('model has no subgraphs');

  let weightBytes = 0;
  const subgraphs = subgraphTables.map((t, s) => {
    const sg = readSubgraph(r, t, s, buffers, operatorCodes, maxBytes);
    for (const tensor of sg.tensors) if (tensor.data) weightBytes += tensor.data.byteLength;
    return sg;
  });
  if (weightBytes > maxBytes) {
    r.fail(`constant data is ${weightBytes} bytes, more than maxBytes (${maxBytes})`);
  }

  const metadata = r.fieldTables(model, 6, 'metadata').map((t): MetadataInfo => {
    const name = r.fieldString(t, 0, 'name') ?? '';
    const buffer = r.fieldU32(t, 1, 0, 'buffer');
    if (buffer >= buffers.length) r.fail(`metadata "${name}" refers to buffer ${buffer} of ${buffers.length}`);
    return { name, buffer, data: buffers[buffer]! };
  });

  const signatureDefs = r.fieldTables(model, 7, 'signature_defs').map((t): SignatureDefInfo => {
    const key = r.fieldString(t, 2, 'signature_key') ?? '';
    const subgraphIndex = r.fieldU32(t, 4, 0, 'subgraph_index');
    if (subgraphIndex >= subgraphs.length) r.fail(`signature "${key}" refers to subgraph ${subgraphIndex}`);
    const tensorCount = subgraphs[subgraphIndex]!.tensors.length;
    const maps = (slot: number, name: string) =>
      r.fieldTables(t, slot, name).map((m) => {
        const alias = r.fieldString(m, 0, 'name') ?? '';
        const tensorIndex = r.fieldU32(m, 1, 0, 'tensor_index');
        if (tensorIndex >= tensorCount) r.fail(`signature "${key}" ${name} "${alias}" refers to tensor ${tensorIndex}`);
        return { name: alias, tensorIndex };
      });
    return { key, subgraphIndex, inputs: maps(0, 'inputs'), outputs: maps(1, 'outputs') };
  });

  return {
    version,
    description: r.fieldString(model, 3, 'description') ?? '',
    operatorCodes,
    subgraphs,
    buffers,
    metadata,
    signatureDefs,
    weightBytes,
  };
}

function readBuffer(r: FlatBufferReader, t: Table): Uint8Array {
  const data = r.fieldVector(t, 0, 1, 'data');
  if (data && data.length > 0) return r.bytes.subarray(data.start, data.start + data.length);
  // Large-model layout: data lives at file offset `offset` (offset ≤ 1 means "no data").
  const offset = r.fieldU64(t, 1, 0, 'offset');
  const size = r.fieldU64(t, 2, 0, 'size');
  if (offset > 1) {
    if (offset + size > r.size) {
      r.fail(`${t.where}: offset ${offset} + size ${size} lies outside the ${r.size}-byte file`);
    }
    return r.bytes.subarray(offset, offset + size);
  }
  return r.bytes.subarray(0, 0);
}

function readSubgraph(
  r: FlatBufferReader, t: Table, subgraphIndex: number, buffers: Uint8Array[],
  operatorCodes: OperatorCodeInfo[], maxBytes: number,
): SubgraphInfo {
  const tensors = r.fieldTables(t, 0, 'tensors').map((tt, i) => readTensor(r, tt, i, buffers, maxBytes));
  const checkTensorList = (list: number[], what: string, allowOmitted: boolean, opIndex?: number) => {
    for (const idx of list) {
      if (idx === -1 && allowOmitted) continue;
      if (!(idx >= 0 && idx < tensors.length)) {
        r.fail(`${what} refers to tensor ${idx}, but subgraph ${subgraphIndex} has ${tensors.length} tensors`,
          { opIndex });
      }
    }
    return list;
  };
  const inputs = checkTensorList(r.fieldI32Array(t, 1, 'inputs') ?? [], 'subgraph inputs', false);
  const outputs = checkTensorList(r.fieldI32Array(t, 2, 'outputs') ?? [], 'subgraph outputs', false);

  const operators = r.fieldTables(t, 3, 'operators').map((ot, index): OperatorInfo => {
    const opcodeIndex = r.fieldU32(ot, 0, 0, 'opcode_index');
    const code = operatorCodes[opcodeIndex];
    if (!code) r.fail(`opcode_index ${opcodeIndex} is out of range (${operatorCodes.length} operator codes)`, { opIndex: index });
    const opInputs = checkTensorList(r.fieldI32Array(ot, 1, 'inputs') ?? [], 'input list', true, index);
    const opOutputs = checkTensorList(r.fieldI32Array(ot, 2, 'outputs') ?? [], 'output list', false, index);
    const optionsType = r.fieldU8(ot, 3, 0, 'builtin_options_type');
    const optionsTable = optionsType !== 0 ? r.fieldTable(ot, 4, 'builtin_options') : null;
    const options = parseBuiltinOptions(r, code.builtinCode, optionsType, optionsTable, index);
    return {
      index,
      opcodeIndex,
      builtinCode: code.builtinCode,
      opName: code.builtinCode === 32 && code.customCode ? `CUSTOM(${code.customCode})` : builtinOpName(code.builtinCode),
      customCode: code.customCode,
      opVersion: code.version,
      inputs: opInputs,
      outputs: opOutputs,
      optionsType,
      options,
    };
  });

  return { name: r.fieldString(t, 4, 'name') ?? '', tensors, inputs, outputs, operators };
}

function readTensor(r: FlatBufferReader, t: Table, index: number, buffers: Uint8Array[], maxBytes: number): TensorInfo {
  const fail = (detail: string): never => r.fail(detail, { tensorIndex: index });
  const shape = r.fieldI32Array(t, 0, 'shape') ?? [];
  if (shape.length > MAX_RANK) fail(`rank ${shape.length} exceeds the supported maximum ${MAX_RANK}`);
  let elementCount = 1;
  for (const d of shape) {
    if (d < 0) fail(`shape [${shape}] has a negative dimension (dynamic shapes are not supported)`);
    elementCount *= d;
  }
  const type = r.fieldI8(t, 1, TensorType.FLOAT32, 'type');
  const typeInfo = TENSOR_TYPES[type];
  if (!typeInfo) fail(`tensor type ${type} is not a known TensorType`);
  const byteLength = elementCount * typeInfo!.bytes;
  // Refuse before anything is allocated for this tensor.
  if (byteLength > maxBytes) fail(`shape [${shape}] of ${tensorTypeName(type)} needs ${byteLength} bytes, more than maxBytes (${maxBytes})`);

  const buffer = r.fieldU32(t, 2, 0, 'buffer');
  if (buffer >= buffers.length && buffer !== 0) fail(`buffer index ${buffer} is out of range (${buffers.length} buffers)`);
  const raw = buffers[buffer];
  const data = raw && raw.byteLength > 0 ? raw : null;
  if (data && typeInfo!.bytes > 0 && data.byteLength !== byteLength) {
    fail(`constant data is ${data.byteLength} bytes, but shape [${shape}] of ${typeInfo!.name} needs ${byteLength}`);
  }

  let quantization: Quantization | null = null;
  const q = r.fieldTable(t, 4, 'quantization');
  if (q) {
    const scale = r.fieldF32Array(q, 2, 'scale');
    // interpreter_builder.cc ParseQuantization: no scale means "not quantized".
    if (scale && scale.length > 0) {
      const zeroPoint = r.fieldI64Array(q, 3, 'zero_point') ?? [];
      if (zeroPoint.length !== scale.length) {
        fail(`quantization has ${scale.length} scale(s) but ${zeroPoint.length} zero point(s)`);
      }
      const quantizedDimension = r.fieldI32(q, 6, 0, 'quantized_dimension');
      if (scale.length > 1) {
        if (!(quantizedDimension >= 0 && quantizedDimension < shape.length)) {
          fail(`quantized_dimension ${quantizedDimension} is outside rank ${shape.length}`);
        }
        if (shape[quantizedDimension] !== scale.length) {
          fail(`${scale.length} scales do not match dimension ${quantizedDimension} of shape [${shape}]`);
        }
      }
      quantization = { scale, zeroPoint, quantizedDimension, perChannel: scale.length > 1 };
    }
  }

  return {
    index,
    name: r.fieldString(t, 3, 'name') ?? '',
    shape,
    shapeSignature: r.fieldI32Array(t, 7, 'shape_signature'),
    type,
    dtype: typeInfo!.name,
    buffer,
    data,
    quantization,
    isVariable: r.fieldBool(t, 5, false, 'is_variable'),
    isSparse: r.has(t, 6),
    elementCount,
    byteLength,
  };
}

export { ModelError };
