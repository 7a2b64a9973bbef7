// Enum values from TFLite's schema.fbs (tensorflow/compiler/mlir/lite/schema/schema.fbs).

export const TensorType = {
  FLOAT32: 0, FLOAT16: 1, INT32: 2, UINT8: 3, INT64: 4, STRING: 5, BOOL: 6, INT16: 7, COMPLEX64: 8,
  INT8: 9, FLOAT64: 10, COMPLEX128: 11, UINT64: 12, RESOURCE: 13, VARIANT: 14, UINT32: 15, UINT16: 16,
  INT4: 17, BFLOAT16: 18,
} as const;

/** Name and element size per tensor type; size 0 = no fixed element size (strings, resources, int4). */
export const TENSOR_TYPES: readonly { name: string; bytes: number }[] = [
  { name: 'float32', bytes: 4 }, { name: 'float16', bytes: 2 }, { name: 'int32', bytes: 4 },
  { name: 'uint8', bytes: 1 }, { name: 'int64', bytes: 8 }, { name: 'string', bytes: 0 },
  { name: 'bool', bytes: 1 }, { name: 'int16', bytes: 2 }, { name: 'complex64', bytes: 8 },
  { name: 'int8', bytes: 1 }, { name: 'float64', bytes: 8 }, { name: 'complex128', bytes: 16 },
  { name: 'uint64', bytes: 8 }, { name: 'resource', bytes: 0 }, { name: 'variant', bytes: 0 },
  { name: 'uint32', bytes: 4 }, { name: 'uint16', bytes: 2 }, { name: 'int4', bytes: 0 },
  { name: 'bfloat16', bytes: 2 },
];

export function tensorTypeName(type: number): string {
  return TENSOR_TYPES[type]?.name ?? `unknown type ${type}`;
}

export const BuiltinOp = {
  ADD: 0, AVERAGE_POOL_2D: 1, CONCATENATION: 2, CONV_2D: 3, DEPTHWISE_CONV_2D: 4, DEQUANTIZE: 6,
  FULLY_CONNECTED: 9, LOGISTIC: 14, MAX_POOL_2D: 17, MUL: 18, RELU: 19, RELU_N1_TO_1: 20, RELU6: 21, RESHAPE: 22, RESIZE_BILINEAR: 23,
  SOFTMAX: 25, TANH: 28, CUSTOM: 32, PAD: 34, TRANSPOSE: 39, MEAN: 40, SUB: 41, STRIDED_SLICE: 45, PRELU: 54, MAXIMUM: 55, MINIMUM: 57,
  PADV2: 60, TILE: 69, REDUCE_MAX: 82, REDUCE_MIN: 89, RESIZE_NEAREST_NEIGHBOR: 97, LEAKY_RELU: 98,
  QUANTIZE: 114, HARD_SWISH: 117, RELU_0_TO_1: 152,
} as const;

// Full BuiltinOperator name list (index = code), so errors and `inspect` can name any op.
const OP_NAMES = (
  'ADD AVERAGE_POOL_2D CONCATENATION CONV_2D DEPTHWISE_CONV_2D DEPTH_TO_SPACE DEQUANTIZE ' +
  'EMBEDDING_LOOKUP FLOOR FULLY_CONNECTED HASHTABLE_LOOKUP L2_NORMALIZATION L2_POOL_2D ' +
  'LOCAL_RESPONSE_NORMALIZATION LOGISTIC LSH_PROJECTION LSTM MAX_POOL_2D MUL RELU RELU_N1_TO_1 RELU6 ' +
  'RESHAPE RESIZE_BILINEAR RNN SOFTMAX SPACE_TO_DEPTH SVDF TANH CONCAT_EMBEDDINGS SKIP_GRAM CALL ' +
  'CUSTOM EMBEDDING_LOOKUP_SPARSE PAD UNIDIRECTIONAL_SEQUENCE_RNN GATHER BATCH_TO_SPACE_ND ' +
  'SPACE_TO_BATCH_ND TRANSPOSE MEAN SUB DIV SQUEEZE UNIDIRECTIONAL_SEQUENCE_LSTM STRIDED_SLICE ' +
  'BIDIRECTIONAL_SEQUENCE_RNN EXP TOPK_V2 SPLIT LOG_SOFTMAX DELEGATE BIDIRECTIONAL_SEQUENCE_LSTM CAST ' +
  'PRELU MAXIMUM ARG_MAX MINIMUM LESS NEG PADV2 GREATER GREATER_EQUAL LESS_EQUAL SELECT SLICE SIN ' +
  'TRANSPOSE_CONV SPARSE_TO_DENSE TILE EXPAND_DIMS EQUAL NOT_EQUAL LOG SUM SQRT RSQRT SHAPE POW ' +
  'ARG_MIN FAKE_QUANT REDUCE_PROD REDUCE_MAX PACK LOGICAL_OR ONE_HOT LOGICAL_AND LOGICAL_NOT UNPACK ' +
  'REDUCE_MIN FLOOR_DIV REDUCE_ANY SQUARE ZEROS_LIKE FILL FLOOR_MOD RANGE RESIZE_NEAREST_NEIGHBOR ' +
  'LEAKY_RELU SQUARED_DIFFERENCE MIRROR_PAD ABS SPLIT_V UNIQUE CEIL REVERSE_V2 ADD_N GATHER_ND COS ' +
  'WHERE RANK ELU REVERSE_SEQUENCE MATRIX_DIAG QUANTIZE MATRIX_SET_DIAG ROUND HARD_SWISH IF WHILE ' +
  'NON_MAX_SUPPRESSION_V4 NON_MAX_SUPPRESSION_V5 SCATTER_ND SELECT_V2 DENSIFY SEGMENT_SUM BATCH_MATMUL ' +
  'PLACEHOLDER_FOR_GREATER_OP_CODES CUMSUM CALL_ONCE BROADCAST_TO RFFT2D CONV_3D IMAG REAL ' +
  'COMPLEX_ABS HASHTABLE HASHTABLE_FIND HASHTABLE_IMPORT HASHTABLE_SIZE REDUCE_ALL CONV_3D_TRANSPOSE ' +
  'VAR_HANDLE READ_VARIABLE ASSIGN_VARIABLE BROADCAST_ARGS RANDOM_STANDARD_NORMAL BUCKETIZE ' +
  'RANDOM_UNIFORM MULTINOMIAL GELU DYNAMIC_UPDATE_SLICE RELU_0_TO_1 UNSORTED_SEGMENT_PROD ' +
  'UNSORTED_SEGMENT_MAX UNSORTED_SEGMENT_SUM ATAN2 UNSORTED_SEGMENT_MIN SIGN BITCAST BITWISE_XOR ' +
  'RIGHT_SHIFT'
).split(' ');

export function builtinOpName(code: number): string {
  return OP_NAMES[code] ?? `BUILTIN_${code}`;
}

/** BuiltinOptions union type codes (1-based order in the union). */
export const OptionsType = {
  NONE: 0, Conv2DOptions: 1, DepthwiseConv2DOptions: 2, Pool2DOptions: 5, FullyConnectedOptions: 8, ResizeBilinearOptions: 15,
  SoftmaxOptions: 9, ConcatenationOptions: 10, AddOptions: 11, ReshapeOptions: 17, MulOptions: 21,
  PadOptions: 22, TransposeOptions: 26, StridedSliceOptions: 32, ReducerOptions: 27, SubOptions: 28, DequantizeOptions: 38,
  MaximumMinimumOptions: 39, PadV2Options: 43, TileOptions: 51, ResizeNearestNeighborOptions: 74,
  LeakyReluOptions: 75, QuantizeOptions: 89, HardSwishOptions: 91,
} as const;

export const Padding = { SAME: 0, VALID: 1 } as const;

export const Activation = { NONE: 0, RELU: 1, RELU_N1_TO_1: 2, RELU6: 3, TANH: 4, SIGN_BIT: 5 } as const;
export const ACTIVATION_NAMES = ['NONE', 'RELU', 'RELU_N1_TO_1', 'RELU6', 'TANH', 'SIGN_BIT'];
