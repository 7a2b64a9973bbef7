"""Builds the op zoo: small seeded Keras models covering every op/option i8x16 supports, converted in
every TFLite mode, with BUILTIN_REF golden outputs. Writes test/fixtures/zoo/ (see test/fixtures/README.md).

Usage: python/.venv/bin/python python/make_zoo.py [--only NAME[,NAME...]]
"""
import argparse
import contextlib
import io
import warnings
import hashlib
import json
import os
import platform
import shutil
import sys
from pathlib import Path

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
os.environ.setdefault('TF_ENABLE_ONEDNN_OPTS', '0')

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
from keras import layers, ops  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ref_interpreter  # noqa: E402
import tflite_inspect  # noqa: E402

warnings.filterwarnings('ignore', message='.*tf.lite.Interpreter is deprecated.*')
tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / 'test' / 'fixtures' / 'zoo'
SAMPLES = 2          # golden samples per case
CALIB = 48           # representative-dataset size for full-int8


# ---------------------------------------------------------------- zoo definition
# Each entry: name -> (builder, expected ops in the float32 file, input ranges, flags).
# Weight tensors need >= 1024 elements for dynamic-range to quantize them (smaller stay float), so the
# conv/dw/fc models are sized to cross that threshold.

def inp(shape, name, batch=1):
    return keras.Input(shape, batch_size=batch, name=name)


def m_conv_same_relu():
    x = inp((9, 9, 8), 'x')
    return keras.Model(x, layers.Conv2D(16, 3, padding='same', activation='relu')(x))


def m_conv_valid_s2_relu6():
    x = inp((11, 11, 8), 'x')
    return keras.Model(x, layers.Conv2D(16, 3, strides=2, padding='valid', activation='relu6')(x))


def m_conv_dilated_nobias():
    x = inp((12, 12, 8), 'x')
    return keras.Model(x, layers.Conv2D(16, 3, dilation_rate=2, padding='same', use_bias=False)(x))


def m_conv_1x1():
    x = inp((6, 6, 32), 'x')
    return keras.Model(x, layers.Conv2D(32, 1, activation='relu')(x))


def m_conv_nonsquare():
    # non-square kernel, asymmetric strides, odd SAME padding (extra pixel after)
    x = inp((13, 10, 8), 'x')
    return keras.Model(x, layers.Conv2D(12, (3, 5), strides=(2, 1), padding='same', activation='relu')(x))


def m_conv_k8s4():
    # the seed's first-layer geometry (8x8 stride 4 VALID) on a small input
    x = inp((28, 28, 2), 'x')
    return keras.Model(x, layers.Conv2D(8, 8, strides=4, activation='relu')(x))


def m_dw_same_relu():
    x = inp((8, 8, 128), 'x')
    return keras.Model(x, layers.DepthwiseConv2D(3, padding='same', activation='relu')(x))


def m_dw_m2_valid_s2():
    x = inp((9, 9, 64), 'x')
    return keras.Model(x, layers.DepthwiseConv2D(3, strides=2, depth_multiplier=2, padding='valid',
                                                 activation='relu6')(x))


def m_dw_dilated_nobias():
    x = inp((10, 10, 128), 'x')
    return keras.Model(x, layers.DepthwiseConv2D(3, dilation_rate=2, padding='same', use_bias=False)(x))


def m_dw_m3_same_s2():
    # multiplier 3, stride 2 SAME with even input (pad after only)
    x = inp((8, 8, 48), 'x')
    return keras.Model(x, layers.DepthwiseConv2D(3, strides=2, depth_multiplier=3, padding='same')(x))


def m_fc_bias_relu():
    x = inp((64,), 'x')
    return keras.Model(x, layers.Dense(32, activation='relu')(x))


def m_fc_nobias():
    x = inp((64,), 'x')
    return keras.Model(x, layers.Dense(32, use_bias=False)(x))


def m_fc_keepdims():
    # Dense on a rank-3 tensor -> FULLY_CONNECTED keep_num_dims=true, 4 rows
    x = inp((4, 64), 'x')
    return keras.Model(x, layers.Dense(32)(x))


def m_fc_batch4():
    # fixed batch 4 -> 4 rows, keep_num_dims=false
    x = inp((64,), 'x', batch=4)
    return keras.Model(x, layers.Dense(32, activation='relu')(x))


def m_fc_grid():
    x = inp((64,), 'x', batch=4)
    return keras.Model(x, layers.Dense(32)(x))


def m_conv_grid():
    x = inp((9, 9, 8), 'x')
    return keras.Model(x, layers.Conv2D(16, 3, padding='same')(x))


def m_fc_requant():
    # wide FC with large accumulators: MBQM vs float requantization differ often enough to hunt samples
    x = inp((512,), 'x', batch=4)
    return keras.Model(x, layers.Dense(64)(x))


def m_flatten_fc():
    # Flatten changes the last dim, so a RESHAPE stays before the FC (as in the seed)
    x = inp((4, 4, 8), 'x')
    h = layers.Flatten()(x)
    h = layers.Dense(16, activation='relu')(h)
    return keras.Model(x, layers.Dense(5)(h))


def m_reshape():
    x = inp((4, 6, 2), 'x')
    h = layers.Reshape((8, 6))(x)
    return keras.Model(x, layers.Dense(3)(h))


def m_pool_max_valid():
    x = inp((8, 8, 4), 'x')
    return keras.Model(x, layers.MaxPooling2D(2)(x))


def m_pool_max_same_s2():
    x = inp((9, 9, 4), 'x')
    return keras.Model(x, layers.MaxPooling2D(3, strides=2, padding='same')(x))


def m_pool_avg_valid():
    x = inp((8, 8, 4), 'x')
    return keras.Model(x, layers.AveragePooling2D((2, 3), strides=(2, 1))(x))


def m_pool_avg_same():
    # SAME average pooling divides by the in-image tap count at the border
    x = inp((9, 9, 4), 'x')
    return keras.Model(x, layers.AveragePooling2D(3, strides=2, padding='same')(x))


def m_add_broadcast():
    a, b = inp((4, 4, 8), 'a'), inp((1, 1, 8), 'b')
    return keras.Model([a, b], ops.add(a, b))


def m_add_same_relu():
    a, b = inp((4, 4, 8), 'a'), inp((4, 4, 8), 'b')
    return keras.Model([a, b], layers.ReLU()(layers.Add()([a, b])))


def m_mul_broadcast():
    a, b = inp((4, 4, 8), 'a'), inp((4, 1, 8), 'b')
    return keras.Model([a, b], ops.multiply(a, b))


def m_sub_broadcast():
    a, b = inp((4, 4, 8), 'a'), inp((1, 4, 1), 'b')
    return keras.Model([a, b], ops.subtract(a, b))


def m_const_arith():
    # elementwise ops with constant operands (float16 mode turns them into DEQUANTIZE'd fp16 constants)
    x = inp((4, 4, 8), 'x')
    rng = np.random.default_rng(7)
    c1 = rng.uniform(-1, 1, (1, 1, 1, 8)).astype(np.float32)
    c2 = rng.uniform(0.5, 1.5, (1, 4, 1, 8)).astype(np.float32)
    c3 = rng.uniform(-1, 1, (1, 4, 4, 8)).astype(np.float32)
    h = ops.add(x, c1)
    h = ops.multiply(h, c2)
    h = ops.subtract(c3, h)
    return keras.Model(x, h)


def m_softmax():
    x = inp((16,), 'x')
    return keras.Model(x, layers.Dense(10, activation='softmax')(x))


def m_softmax_4d():
    x = inp((3, 3, 8), 'x')
    return keras.Model(x, layers.Softmax(axis=-1)(x))


def m_concat():
    a, b = inp((4, 4, 3), 'a'), inp((4, 4, 5), 'b')
    return keras.Model([a, b], layers.Concatenate(axis=-1)([a, b]))


def m_concat_axis1():
    a, b = inp((2, 4, 3), 'a'), inp((3, 4, 3), 'b')
    return keras.Model([a, b], layers.Concatenate(axis=1)([a, b]))


def m_concat_requant():
    # tanh's int8 output scale is fixed (1/128), x's is not: the converter must requantize one concat input
    x = inp((4, 4, 4), 'x')
    return keras.Model(x, layers.Concatenate(axis=-1)([layers.Activation('tanh')(x), x]))


def m_pad():
    x = inp((5, 5, 3), 'x')
    return keras.Model(x, layers.ZeroPadding2D(((1, 2), (0, 1)))(x))


def m_mean():
    x = inp((6, 6, 8), 'x')
    return keras.Model(x, layers.GlobalAveragePooling2D()(x))


def m_mean_keepdims():
    x = inp((6, 6, 8), 'x')
    return keras.Model(x, layers.GlobalAveragePooling2D(keepdims=True)(x))


def m_relu():
    x = inp((4, 4, 8), 'x')
    return keras.Model(x, layers.ReLU()(x))


def m_relu6():
    x = inp((4, 4, 8), 'x')
    return keras.Model(x, layers.ReLU(max_value=6.0)(x))


def m_leaky_relu():
    x = inp((4, 4, 8), 'x')
    return keras.Model(x, layers.LeakyReLU(negative_slope=0.2)(x))


def m_logistic():
    x = inp((4, 4, 8), 'x')
    return keras.Model(x, layers.Activation('sigmoid')(x))


def m_tanh():
    x = inp((4, 4, 8), 'x')
    return keras.Model(x, layers.Activation('tanh')(x))


def m_hard_swish():
    x = inp((4, 4, 8), 'x')
    return keras.Model(x, layers.Activation('hard_swish')(x))


def m_mixed_net():
    # a small MobileNet-ish stack mixing ops; in dynamic-range mode the conv/1x1/dense weights (>= 1024
    # elements) become hybrid while the small depthwise weight stays float
    x = inp((16, 16, 8), 'x')
    h = layers.Conv2D(16, 3, strides=2, padding='same', activation='relu6')(x)
    h = layers.DepthwiseConv2D(3, padding='same')(h)
    h = layers.Activation('hard_swish')(h)
    h = layers.MaxPooling2D(2)(h)
    h = layers.Conv2D(64, 1, activation='relu')(h)
    h = layers.GlobalAveragePooling2D()(h)
    h = layers.Dense(16)(h)
    return keras.Model(x, layers.Softmax()(h))


def m_two_outputs():
    # one input, two outputs (run([x]) must return both, in subgraph output order)
    x = inp((6, 6, 8), 'x')
    h = layers.Conv2D(16, 3, padding='same', activation='relu')(x)
    o1 = layers.GlobalAveragePooling2D()(h)
    o2 = layers.Activation('tanh')(layers.MaxPooling2D(2)(h))
    return keras.Model(x, [o1, o2])


# name: (builder, expected ops in the float32 file, input range, has weights)
def m_transpose():
    # Keras Permute -> TRANSPOSE of a 4-D activation (the batch dimension stays first)
    x = inp((4, 6, 8), 'x')
    return keras.Model(x, layers.Permute((3, 1, 2))(x))


def m_transpose_fc():
    # a channels-first flatten, as in models ported from PyTorch: TRANSPOSE between the conv and RESHAPE
    x = inp((5, 5, 8), 'x')
    y = layers.Conv2D(16, 3, activation='relu')(x)
    y = layers.Permute((3, 1, 2))(y)
    return keras.Model(x, layers.Dense(32)(layers.Flatten()(y)))


def m_maximum():
    x = inp((32,), 'x')
    return keras.Model(x, layers.Maximum()([layers.Dense(16)(x), layers.Dense(16)(x)]))


def m_minimum_broadcast():
    # a [16] constant against [4, 16] rows
    x = inp((4, 32), 'x')
    bound = np.linspace(-0.5, 0.5, 16).astype(np.float32)
    return keras.Model(x, ops.minimum(layers.Dense(16)(x), bound))


def m_clip():
    # clip to [-0.3, 0.7] (no RELU-family pattern): MINIMUM and MAXIMUM against scalar constants
    x = inp((64,), 'x')
    return keras.Model(x, ops.clip(layers.Dense(32)(x), -0.3, 0.7))


def m_relu_n1_to_1():
    x = inp((8, 8, 4), 'x')
    return keras.Model(x, ops.clip(x, -1.0, 1.0))


def m_clip_0_1():
    # TF 2.21 writes RELU then MINIMUM here, not RELU_0_TO_1
    x = inp((8, 8, 4), 'x')
    return keras.Model(x, ops.clip(x, 0.0, 1.0))


def m_reduce_max():
    x = inp((6, 6, 8), 'x')
    return keras.Model(x, layers.GlobalMaxPooling2D()(x))


def m_reduce_min_keepdims():
    # over H only, keep_dims
    x = inp((5, 4, 8), 'x')
    return keras.Model(x, ops.min(x, axis=1, keepdims=True))


def m_resize_nearest():
    # tf.image.resize nearest: half_pixel_centers, 6x6 -> 9x4 (up in H, down in W)
    x = inp((6, 6, 3), 'x')
    return keras.Model(x, layers.Resizing(9, 4, interpolation='nearest')(x))


def m_resize_nearest_align():
    # TF1 resize_nearest_neighbor with align_corners (rounds instead of flooring)
    x = inp((5, 7, 2), 'x')
    return keras.Model(x, layers.Lambda(lambda t: tf.compat.v1.image.resize_nearest_neighbor(t, (8, 3), align_corners=True),
                                        output_shape=(8, 3, 2))(x))


def m_crop():
    x = inp((8, 6, 4), 'x')
    return keras.Model(x, layers.Cropping2D(((1, 2), (0, 1)))(x))


def m_strided_slice():
    # steps, a reversed axis and an end past the dimension
    x = inp((8, 6, 4), 'x')
    return keras.Model(x, x[:, 1:7:2, ::-1, :9])


def m_strided_shrink():
    # shrink_axis_mask (an integer index) and negative begin/end
    x = inp((8, 6, 4), 'x')
    return keras.Model(x, x[:, -3, 1:-1, -2:])


def m_resize_bilinear():
    # Resizing's default: bilinear with half-pixel centres, 6x6 -> 9x4
    x = inp((6, 6, 3), 'x')
    return keras.Model(x, layers.Resizing(9, 4)(x))


def m_upsample_bilinear():
    x = inp((5, 4, 3), 'x')
    return keras.Model(x, layers.UpSampling2D((2, 3), interpolation='bilinear')(x))


def m_resize_bilinear_align():
    x = inp((5, 7, 2), 'x')
    return keras.Model(x, layers.Lambda(lambda t: tf.compat.v1.image.resize_bilinear(t, (8, 3), align_corners=True),
                                        output_shape=(8, 3, 2))(x))


def m_prelu():
    # one alpha per channel (shared over H and W), after a conv so int8 has a signed input
    x = inp((6, 6, 4), 'x')
    y = layers.Conv2D(8, 3, padding='same')(x)
    return keras.Model(x, layers.PReLU(alpha_initializer=keras.initializers.RandomUniform(-0.5, 0.9), shared_axes=[1, 2])(y))


def m_prelu_elementwise():
    x = inp((4, 5, 3), 'x')
    return keras.Model(x, layers.PReLU(alpha_initializer=keras.initializers.RandomUniform(-0.5, 0.9))(x))


ZOO = {
    'conv_same_relu': (m_conv_same_relu, {'CONV_2D'}, 1.0, True),
    'conv_valid_s2_relu6': (m_conv_valid_s2_relu6, {'CONV_2D'}, 2.0, True),
    'conv_dilated_nobias': (m_conv_dilated_nobias, {'CONV_2D'}, 1.0, True),
    'conv_1x1': (m_conv_1x1, {'CONV_2D'}, 1.0, True),
    'conv_nonsquare': (m_conv_nonsquare, {'CONV_2D'}, 1.0, True),
    'conv_k8s4': (m_conv_k8s4, {'CONV_2D'}, 1.0, True),
    'dw_same_relu': (m_dw_same_relu, {'DEPTHWISE_CONV_2D'}, 1.0, True),
    'dw_m2_valid_s2': (m_dw_m2_valid_s2, {'DEPTHWISE_CONV_2D'}, 2.0, True),
    'dw_dilated_nobias': (m_dw_dilated_nobias, {'DEPTHWISE_CONV_2D'}, 1.0, True),
    'dw_m3_same_s2': (m_dw_m3_same_s2, {'DEPTHWISE_CONV_2D'}, 1.0, True),
    'fc_bias_relu': (m_fc_bias_relu, {'FULLY_CONNECTED'}, 1.0, True),
    'fc_nobias': (m_fc_nobias, {'FULLY_CONNECTED'}, 1.0, True),
    'fc_keepdims': (m_fc_keepdims, {'FULLY_CONNECTED'}, 1.0, True),
    'fc_batch4': (m_fc_batch4, {'FULLY_CONNECTED'}, 1.0, True),
    # grid-valued inputs (see build_case): rounding ties in input quantization
    'fc_grid': (m_fc_grid, {'FULLY_CONNECTED'}, 1.0, True, 'grid'),
    'conv_grid': (m_conv_grid, {'CONV_2D'}, 1.0, True, 'grid'),
    # inputs hunted so the first hybrid op's input quantization hits float32-vs-double near-ties
    'fc_nearties': (m_fc_grid, {'FULLY_CONNECTED'}, 1.0, True, 'nearties'),
    'conv_nearties': (m_conv_grid, {'CONV_2D'}, 1.0, True, 'nearties'),
    # int8 FC samples where MBQM and BUILTIN_REF's float requantization disagree (seen on the trained policy)
    'fc_requant': (m_fc_requant, {'FULLY_CONNECTED'}, 1.0, True, 'requant'),
    # hybrid input quantization on exact .5 ties (rounding before vs after adding the zero point)
    'fc_exactties': (m_fc_grid, {'FULLY_CONNECTED'}, 1.0, True, 'exactties'),
    'conv_exactties': (m_conv_grid, {'CONV_2D'}, 1.0, True, 'exactties'),
    'flatten_fc': (m_flatten_fc, {'RESHAPE', 'FULLY_CONNECTED'}, 1.0, True),
    'reshape': (m_reshape, {'RESHAPE', 'FULLY_CONNECTED'}, 1.0, True),
    'pool_max_valid': (m_pool_max_valid, {'MAX_POOL_2D'}, 1.0, False),
    'pool_max_same_s2': (m_pool_max_same_s2, {'MAX_POOL_2D'}, 1.0, False),
    'pool_avg_valid': (m_pool_avg_valid, {'AVERAGE_POOL_2D'}, 1.0, False),
    'pool_avg_same': (m_pool_avg_same, {'AVERAGE_POOL_2D'}, 1.0, False),
    'add_broadcast': (m_add_broadcast, {'ADD'}, 1.0, False),
    'add_same_relu': (m_add_same_relu, {'ADD'}, 1.0, False),
    'mul_broadcast': (m_mul_broadcast, {'MUL'}, 1.0, False),
    'sub_broadcast': (m_sub_broadcast, {'SUB'}, 1.0, False),
    'const_arith': (m_const_arith, {'ADD', 'MUL', 'SUB'}, 1.0, True),
    'softmax': (m_softmax, {'FULLY_CONNECTED', 'SOFTMAX'}, 2.0, True),
    'softmax_4d': (m_softmax_4d, {'SOFTMAX'}, 3.0, False),
    'concat': (m_concat, {'CONCATENATION'}, 1.0, False),
    'concat_axis1': (m_concat_axis1, {'CONCATENATION'}, 1.0, False),
    'concat_requant': (m_concat_requant, {'CONCATENATION', 'TANH'}, 3.0, False),
    'pad': (m_pad, {'PAD'}, 1.0, False),
    'mean': (m_mean, {'MEAN'}, 1.0, False),
    'mean_keepdims': (m_mean_keepdims, {'MEAN'}, 1.0, False),
    'relu': (m_relu, {'RELU'}, 4.0, False),
    'relu6': (m_relu6, {'RELU6'}, 8.0, False),
    'leaky_relu': (m_leaky_relu, {'LEAKY_RELU'}, 4.0, False),
    'logistic': (m_logistic, {'LOGISTIC'}, 6.0, False),
    'tanh': (m_tanh, {'TANH'}, 3.0, False),
    'hard_swish': (m_hard_swish, {'HARD_SWISH'}, 5.0, False),
    'mixed_net': (m_mixed_net, {'CONV_2D', 'DEPTHWISE_CONV_2D', 'HARD_SWISH', 'MAX_POOL_2D', 'MEAN',
                                'FULLY_CONNECTED', 'SOFTMAX'}, 1.0, True),
    'two_outputs': (m_two_outputs, {'CONV_2D', 'MEAN', 'MAX_POOL_2D', 'TANH'}, 1.0, True),
    'transpose': (m_transpose, {'TRANSPOSE'}, 1.0, False),
    'transpose_fc': (m_transpose_fc, {'CONV_2D', 'TRANSPOSE', 'RESHAPE', 'FULLY_CONNECTED'}, 1.0, True),
    'maximum': (m_maximum, {'FULLY_CONNECTED', 'MAXIMUM'}, 1.0, True),
    'minimum_broadcast': (m_minimum_broadcast, {'FULLY_CONNECTED', 'MINIMUM'}, 1.0, True),
    'clip': (m_clip, {'FULLY_CONNECTED', 'MINIMUM', 'MAXIMUM'}, 1.0, True),
    'relu_n1_to_1': (m_relu_n1_to_1, {'RELU_N1_TO_1'}, 3.0, False),
    'prelu': (m_prelu, {'CONV_2D', 'PRELU'}, 1.0, True),
    'prelu_elementwise': (m_prelu_elementwise, {'PRELU'}, 2.0, False),
    'reduce_max': (m_reduce_max, {'REDUCE_MAX'}, 1.0, False),
    'crop': (m_crop, {'STRIDED_SLICE'}, 1.0, False),
    'strided_slice': (m_strided_slice, {'STRIDED_SLICE'}, 1.0, False),
    'strided_shrink': (m_strided_shrink, {'STRIDED_SLICE'}, 1.0, False),
    'reduce_min_keepdims': (m_reduce_min_keepdims, {'REDUCE_MIN'}, 1.0, False),
    'resize_nearest': (m_resize_nearest, {'RESIZE_NEAREST_NEIGHBOR'}, 1.0, False),
    'resize_bilinear': (m_resize_bilinear, {'RESIZE_BILINEAR'}, 1.0, False),
    'upsample_bilinear': (m_upsample_bilinear, {'RESIZE_BILINEAR'}, 1.0, False),
    'resize_bilinear_align': (m_resize_bilinear_align, {'RESIZE_BILINEAR'}, 1.0, False),
    'resize_nearest_align': (m_resize_nearest_align, {'RESIZE_NEAREST_NEIGHBOR'}, 1.0, False),
    'clip_0_1': (m_clip_0_1, {'RELU', 'MINIMUM'}, 3.0, False),
}


# ---------------------------------------------------------------- conversion

def _converter(model):
    return tf.lite.TFLiteConverter.from_keras_model(model)


def _rep(calib):
    def gen():
        for sample in calib:
            yield list(sample)
    return gen


def convert(model, variant, calib):
    # the Keras exporter prints its endpoints to stdout; keep the log readable
    with contextlib.redirect_stdout(io.StringIO()):
        return _convert(model, variant, calib)


def _convert(model, variant, calib):
    c = _converter(model)
    if variant == 'float32':
        pass
    elif variant in ('dynamic_int8', 'dynamic_int8_pt', 'dynamic_int8_legacy_pt'):
        c.optimizations = [tf.lite.Optimize.DEFAULT]
        c.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
        if variant.endswith('_pt'):
            c._experimental_disable_per_channel = True
        if 'legacy' in variant:
            c.experimental_new_dynamic_range_quantizer = False
    elif variant == 'float16':
        c.optimizations = [tf.lite.Optimize.DEFAULT]
        c.target_spec.supported_types = [tf.float16]
    elif variant in ('int8', 'int8_fio', 'int8_pt'):
        c.optimizations = [tf.lite.Optimize.DEFAULT]
        c.representative_dataset = _rep(calib)
        c.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        if variant != 'int8_fio':
            c.inference_input_type = tf.int8
            c.inference_output_type = tf.int8
        if variant == 'int8_pt':
            c._experimental_disable_per_channel = True
            c._experimental_disable_per_channel_quantization_for_dense_layers = True
    else:
        raise ValueError(variant)
    return c.convert()


VARIANTS_ALL = ['float32', 'dynamic_int8', 'float16', 'int8', 'int8_fio']
VARIANTS_WEIGHTS = ['dynamic_int8_pt', 'int8_pt']
# the legacy (pre-MLIR) dynamic-range quantizer with per-tensor weights emits DEQUANTIZE(int8 const) -> float
# DEPTHWISE_CONV_2D: the only converter path found that feeds an int8 constant DEQUANTIZE to a supported op
VARIANTS_LEGACY = ['dynamic_int8_legacy_pt']
LEGACY_MODELS = ('dw_same_relu', 'dw_m2_valid_s2', 'dw_dilated_nobias', 'dw_m3_same_s2', 'mixed_net')


# ---------------------------------------------------------------- goldens

def quantize(x, scale, zp, dtype):
    # TFLite reference QUANTIZE: round half away from zero, then clamp
    info = np.iinfo(dtype)
    q = np.trunc(x / np.float32(scale) + np.copysign(0.5, x)).astype(np.int64) + zp
    return np.clip(q, info.min, info.max).astype(dtype)


def write_goldens(it, xs, out_dir, variant):
    """Runs single-sample inputs `xs` through interpreter `it` (quantizing them for an int8 input) and writes
    the goldens as golden_<variant>.out<k>.bin (plus golden_<variant>.in0.bin for a quantized input; float
    inputs are the shared golden_inputs_f32.bin). Returns (input details, output details, outputs per
    output, input file name, output manifest entries)."""
    (din,), douts = it.get_input_details(), it.get_output_details()
    fed, got = [], [[] for _ in douts]
    for x in xs:
        v = x[None]
        if din['dtype'] != np.float32:
            v = quantize(v, *din['quantization'], din['dtype'])
        fed.append(v)
        it.set_tensor(din['index'], v)
        it.invoke()
        for k, d in enumerate(douts):
            got[k].append(it.get_tensor(d['index']).copy())
    if din['dtype'] == np.float32:
        in_file = 'golden_inputs_f32.bin'
    else:
        in_file = f'golden_{variant}.in0.bin'
        (out_dir / in_file).write_bytes(np.concatenate(fed).tobytes())
    outs = []
    for k, d in enumerate(douts):
        of = f'golden_{variant}.out{k}.bin'
        (out_dir / of).write_bytes(np.concatenate(got[k]).astype(np.dtype(d['dtype']).newbyteorder('<')).tobytes())
        outs.append(io_entry(d, of))
    return din, douts, got, in_file, outs


def _asym_quant_disagreements(rows):
    """Count values whose hybrid input quantization (TFLite AsymmetricQuantizeFloats: scale and zero point in
    double, inv = 1/float(scale), q = zp + round(float(x·inv))) would come out differently if zp were added
    before rounding in float32: near-ties (the seed model hit one)."""
    n = 0
    for r in rows:
        rmin, rmax = min(0.0, float(r.min())), max(0.0, float(r.max()))
        if rmin == rmax:
            continue
        scale = (rmax - rmin) / 255.0
        zmin, zmax = -128 - rmin / scale, 127 - rmax / scale
        zp = zmin if 128 + abs(rmin / scale) < 127 + abs(rmax / scale) else zmax
        zp = -128 if zp <= -128 else 127 if zp >= 127 else float(np.trunc(zp + np.copysign(0.5, zp)))
        inv = np.float32(1.0) / np.float32(scale)
        prod = r.astype(np.float32) * inv
        a = (np.float32(zp) + prod).astype(np.float64)          # float32 sum
        b = prod.astype(np.float64) + zp                        # double sum
        ra, rb = np.trunc(a + np.copysign(0.5, a)), np.trunc(b + np.copysign(0.5, b))
        n += int(np.sum(ra != rb))
    return n


def hunt_near_ties(draw, per_row):
    """Samples (of many random candidates) in which the model input's hybrid quantization hits a near-.5 tie
    that float32 vs double evaluation of zp + x·inv rounds differently (seen on the seed model; ~1 value in
    250k of ReLU-like data)."""
    found = []
    for _ in range(20000):
        (cand,) = draw(1)
        x = cand[0]
        rows = x.reshape(-1, x.shape[-1]) if per_row else x.reshape(1, -1)
        if _asym_quant_disagreements(rows) > 0:
            found.append(cand)
            if len(found) == SAMPLES:
                return found
    raise RuntimeError('no near-tie samples found')


def _round_half_away(v):
    return np.trunc(v + np.copysign(0.5, v))


def _quantize_multiplier(real):
    """TFLite QuantizeMultiplier (double rounding build): real = M · 2^(shift − 31)."""
    if real == 0:
        return 0, 0
    q, e = np.frexp(real)
    qf = int(_round_half_away(q * (1 << 31)))
    if qf == 1 << 31:
        qf //= 2
        e += 1
    return qf, int(e)


def _mbqm(acc, m, shift):
    """MultiplyByQuantizedMultiplier: SaturatingRoundingDoublingHighMul then RoundingDivideByPOT."""
    x = acc.astype(np.int64) * (1 << max(shift, 0))
    p = x * m
    nudge = np.where(p >= 0, 1 << 30, 1 - (1 << 30))
    t = p + nudge
    y = np.where(t >= 0, t >> 31, -((-t) >> 31))      # C division truncates toward zero
    e = max(-shift, 0)
    mask = (1 << e) - 1
    return (y >> e) + ((y & mask) > (mask >> 1) + (y < 0))


def hunt_requant(content, draw):
    """Samples for an int8-I/O model whose first op is a per-channel FULLY_CONNECTED, chosen so that at least
    one output differs between MBQM requantization (conv kernels) and TFLite 2.21's BUILTIN_REF FC, which
    requantizes as round_half_away(double(acc) · in_s·w_s[c]/out_s)."""
    it = ref_interpreter(content)
    td = {t['index']: t for t in it.get_tensor_details()}
    op = it._get_ops_details()[0]
    assert op['op_name'] == 'FULLY_CONNECTED', op['op_name']
    i_, w_, b_ = op['inputs']
    o_ = op['outputs'][0]
    s_in, zp_in = td[i_]['quantization']
    s_out, _ = td[o_]['quantization']
    w = it.get_tensor(w_).astype(np.int64)
    bias = it.get_tensor(b_).astype(np.int64)
    ws = td[w_]['quantization_parameters']['scales'].astype(np.float64)
    reals = [float(s_in) * float(ws[c]) / float(s_out) for c in range(w.shape[0])]
    mults = [_quantize_multiplier(r) for r in reals]
    found = []
    for _ in range(20000):
        (cand,) = draw(1)
        q = quantize(cand[0], s_in, zp_in, np.int8).astype(np.int64).reshape(-1, w.shape[1])
        acc = (q - zp_in) @ w.T + bias
        differ = any(np.any(_mbqm(acc[:, c], *mults[c]) != _round_half_away(acc[:, c] * reals[c]))
                     for c in range(w.shape[0]))
        if differ:
            found.append(cand)
            if len(found) == SAMPLES:
                return found
    raise RuntimeError('no requantization-discriminating samples found')


def run_goldens(content, float_inputs):
    """float_inputs: list over samples of list over Keras inputs (float32). Returns (fed, outputs, details)."""
    it = ref_interpreter(content)
    ins, outs = it.get_input_details(), it.get_output_details()
    fed = [[] for _ in ins]
    got = [[] for _ in outs]
    for sample in float_inputs:
        for k, d in enumerate(ins):
            x = sample[k]
            if d['dtype'] != np.float32:
                s, zp = d['quantization']
                x = quantize(x, s, zp, d['dtype'])
            x = x.reshape(d['shape'])
            fed[k].append(x)
            it.set_tensor(d['index'], x)
        it.invoke()
        for k, d in enumerate(outs):
            got[k].append(it.get_tensor(d['index']).copy())
    return fed, got, ins, outs


def _match_output(keras_outs, d):
    """The Keras output with the TFLite output's shape (outputs are few and differently shaped here)."""
    hits = [o for o in keras_outs if tuple(np.shape(o)) == tuple(d['shape'])]
    if len(hits) != 1:
        raise RuntimeError(f"cannot match TFLite output {d['name']} {d['shape']} to Keras outputs")
    return hits[0]


def match_inputs(keras_model, tfl_inputs):
    """Index of the Keras input feeding each TFLite input (TFLite names them serving_default_<name>:0)."""
    names = [t.name for t in keras_model.inputs]
    order = []
    for d in tfl_inputs:
        hits = [i for i, n in enumerate(names) if d['name'] in (f'serving_default_{n}:0', n)]
        if len(hits) != 1:
            raise RuntimeError(f"cannot map TFLite input {d['name']} to Keras inputs {names}")
        order.append(hits[0])
    return order


def write_bin(path, arrays):
    data = np.concatenate([np.ascontiguousarray(a).reshape(-1) for a in arrays])
    data = data.astype(data.dtype.newbyteorder('<'), copy=False)
    path.write_bytes(data.tobytes())
    return path.name


def dtype_name(dt):
    return np.dtype(dt).name


def io_entry(d, path):
    e = {'file': path, 'name': d['name'], 'dtype': dtype_name(d['dtype']), 'shape': [int(v) for v in d['shape']]}
    s, zp = d['quantization']
    if s != 0.0:
        e['scale'] = float(s)
        e['zeroPoint'] = int(zp)
    return e


# ---------------------------------------------------------------- main

def build_case(name, spec, variants, manifest_cases, skipped):
    builder, expect_ops, rng_amp, has_weights = spec[:4]
    grid = len(spec) > 4 and spec[4] == 'grid'
    nearties = len(spec) > 4 and spec[4] == 'nearties'
    exactties = len(spec) > 4 and spec[4] == 'exactties'
    seed = int(hashlib.sha256(name.encode()).hexdigest()[:8], 16)
    # fresh name scope per model: tensor names in the files then do not depend on which models ran before
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)
    model = builder()
    # Keras initialises biases to zero; give them values so bias handling is actually tested
    for layer in model.layers:
        for w in layer.weights:
            if w.name == 'bias':
                w.assign(np.random.default_rng(seed + 1).uniform(-0.3, 0.3, w.shape).astype(np.float32))
    rng = np.random.default_rng(seed + 2)
    # full-batch input shapes (batch is fixed in the model; usually 1)
    in_shapes = [tuple(int(v) for v in t.shape) for t in model.inputs]

    def draw(n):
        if exactties:
            # rows in [0, 255/64] with the max present: hybrid scale 1/64 and inv 64 exactly, so x·inv = k + 0.5
            # exactly; round-then-add-zp and add-then-round disagree on every such value (zp = -128)
            out = []
            for _ in range(n):
                sample = []
                for s in in_shapes:
                    v = ((rng.integers(0, 255, s) + 0.5) / 64).astype(np.float32)
                    rows = v.reshape(-1, s[-1]) if len(s) == 2 else v.reshape(1, -1)
                    rows[:, 0] = 255 / 64
                    sample.append(rows.reshape(s))
                out.append(sample)
            return out
        if grid:
            # values k/32 in [-amp, amp] with both ends present: the per-row/per-image asymmetric input
            # quantization of hybrid ops and QUANTIZE then hit exact and near .5 ties (rounding-mode tests)
            out = []
            for _ in range(n):
                sample = []
                for s in in_shapes:
                    v = (rng.integers(-32, 33, s) / 32 * rng_amp).astype(np.float32)
                    rows = v.reshape(-1, s[-1]) if len(s) == 2 else v.reshape(1, -1)
                    rows[:, 0], rows[:, 1] = -rng_amp, rng_amp
                    sample.append(rows.reshape(s))
                out.append(sample)
            return out
        # near-tie hunting needs non-negative (ReLU-like) inputs: zero point -128, so zp + x·inv loses bits
        lo = 0.0 if nearties else -rng_amp
        return [[rng.uniform(lo, rng_amp, s).astype(np.float32) for s in in_shapes] for _ in range(n)]

    calib = draw(CALIB)
    samples = draw(SAMPLES)
    if nearties:
        samples = hunt_near_ties(draw, len(in_shapes[0]) == 2)
    if len(spec) > 4 and spec[4] == 'requant':
        tfl_order0 = [0]  # single input
        samples = hunt_requant(convert(model, 'int8', [[c[i] for i in tfl_order0] for c in calib]), draw)

    want = list(VARIANTS_ALL) + (VARIANTS_WEIGHTS if has_weights else []) + \
        (VARIANTS_LEGACY if name in LEGACY_MODELS else [])
    if variants:
        want = [v for v in want if v in variants]
    d = OUT / name
    d.mkdir(parents=True, exist_ok=True)
    kept = {}
    # the calibrator feeds representative samples in the TFLite file's input order, not Keras's
    tfl_order = match_inputs(model, ref_interpreter(convert(model, 'float32', None)).get_input_details())
    calib_tfl = [[c[i] for i in tfl_order] for c in calib]
    for variant in want:
        content = convert(model, variant, calib_tfl)
        info = tflite_inspect.describe(content)
        summ = tflite_inspect.summary(info)
        dup = [v for v, sm in kept.items() if sm == summ]
        if dup:
            # e.g. no weight large enough to quantize: the file is an earlier variant again (metadata aside)
            skipped.append({'model': name, 'variant': variant, 'reason': f'same ops and tensor types as {dup[0]}'})
            for f in (OUT / name).glob(f'{variant}.*'):
                f.unlink()  # stale files of an earlier partial run
            continue
        kept[variant] = summ
        present = {o['op'] for o in info['ops']}
        if variant == 'float32' and not expect_ops <= present:
            raise RuntimeError(f'{name}: expected ops {sorted(expect_ops)} but float32 file has {sorted(present)}')
        model_file = f'{name}/{variant}.tflite'
        (OUT / model_file).write_bytes(content)
        it = ref_interpreter(content)
        order = match_inputs(model, it.get_input_details())
        if order != tfl_order:
            raise RuntimeError(f'{name}/{variant}: input order differs from the float32 file')
        feeds = [[s[i] for i in order] for s in samples]
        fed, got, ins, outs = run_goldens(content, feeds)
        # sanity of the oracle itself: a fresh interpreter must reproduce the goldens, and they must be finite
        # and close to Keras (TFLite's hybrid per-tensor depthwise kernel reads past its 1-element scale array)
        _, again, _, _ = run_goldens(content, feeds)
        bad = None
        if any(not np.array_equal(a, b, equal_nan=True) for k in range(len(got)) for a, b in zip(got[k], again[k])):
            bad = 'BUILTIN_REF output not reproducible across interpreter instances'
        keras_out = [model(sample if len(sample) > 1 else sample[0], training=False) for sample in samples]
        keras_out = [[np.asarray(o) for o in (ko if isinstance(ko, (list, tuple)) else [ko])] for ko in keras_out]
        sqnr = []
        for k, dd in enumerate(outs):
            ref = np.stack([np.asarray(_match_output(ko, dd)) for ko in keras_out]).astype(np.float64)
            y = np.stack(got[k]).astype(np.float64)
            s_, zp_ = dd['quantization']
            if dd['dtype'] != np.float32:
                y = (y - zp_) * s_
            err = np.sum((ref.reshape(y.shape) - y) ** 2)
            sqnr.append(float('inf') if err == 0 else float(10 * np.log10(np.sum(ref ** 2) / err)))
        if bad is None and not all(np.isfinite(np.stack(g)).all() for g in got):
            bad = 'BUILTIN_REF output not finite'
        if bad is None and min(sqnr) < 15:
            bad = f'BUILTIN_REF output far from Keras (SQNR {min(sqnr):.1f} dB)'
        if bad:
            print(f'  {name}/{variant}: EXCLUDED: {bad}', flush=True)
            # (no figures recorded: for a non-reproducible kernel they would differ on every run)
            skipped.append({'model': name, 'variant': variant, 'reason': bad})
            for f in (OUT / name).glob(f'{variant}.*'):
                f.unlink()
            continue
        case = {
            'name': f'{name}/{variant}',
            'model': model_file,
            'variant': variant,
            'ops': [o['op'] for o in info['ops']],
            'summary': tflite_inspect.summary(info),
            'opDetails': info['ops'],
            'samples': SAMPLES,
            'exact': variant.startswith('int8'),
            'inputs': [io_entry(dd, write_bin(OUT / f'{name}/{variant}.in{k}.bin', fed[k]) and
                                f'{name}/{variant}.in{k}.bin') for k, dd in enumerate(ins)],
            'outputs': [io_entry(dd, write_bin(OUT / f'{name}/{variant}.out{k}.bin', got[k]) and
                                 f'{name}/{variant}.out{k}.bin') for k, dd in enumerate(outs)],
            'bytes': len(content),
            # golden vs Keras float on the same samples (dequantized for int8 outputs): a sanity figure
            # null: not finite (inf = golden equals Keras exactly)
            'sqnrVsKerasDb': [round(v, 1) if np.isfinite(v) else None for v in sqnr],
        }
        manifest_cases.append(case)
        print(f'  {case["name"]:40s} {len(content):7d} B  ops={case["ops"]}', flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--only', default='', help='comma-separated model names (default: all)')
    ap.add_argument('--variants', default='', help='comma-separated variants (default: all)')
    args = ap.parse_args()
    names = [n for n in args.only.split(',') if n] or list(ZOO)
    variants = [v for v in args.variants.split(',') if v]
    global OUT
    final = OUT
    full = not args.only and not args.variants
    if full:
        # full rebuild into a staging dir, swapped in at the end: no stale files, and tests reading the
        # fixtures meanwhile never see a half-written tree
        OUT = final.parent / '.zoo.build'
        shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True, exist_ok=True)
    cases, skipped = [], []
    for n in names:
        print(n, flush=True)
        build_case(n, ZOO[n], variants, cases, skipped)
    manifest = {
        'format': 1,
        'generator': {'script': 'python/make_zoo.py', 'tensorflow': tf.__version__, 'keras': keras.__version__,
                      'numpy': np.__version__, 'python': platform.python_version(),
                      'goldens': 'tf.lite.Interpreter BUILTIN_REF'},
        'samples': SAMPLES,
        'cases': cases,
        'skipped': skipped,
    }
    path = OUT / 'manifest.json'
    if args.only or args.variants:
        # partial run: merge into the existing manifest
        if path.exists():
            old = json.loads(path.read_text())
            def redone(model, variant):
                return model in names and (not variants or variant in variants)
            manifest['cases'] = [c for c in old['cases'] if not redone(*c['name'].split('/'))] + cases
            manifest['skipped'] = [s for s in old.get('skipped', [])
                                   if not redone(s['model'], s['variant'])] + skipped
    # one canonical order (zoo order, then generation order of variants) for full and partial runs
    order = list(VARIANTS_ALL) + VARIANTS_WEIGHTS + VARIANTS_LEGACY
    manifest['cases'].sort(key=lambda c: (list(ZOO).index(c['name'].split('/')[0]), order.index(c['variant'])))
    manifest['skipped'].sort(key=lambda s: (list(ZOO).index(s['model']), order.index(s['variant'])))
    path.write_text(json.dumps(manifest, indent=1, allow_nan=False) + '\n')  # strict JSON for JS
    if full:
        old = final.parent / '.zoo.old'
        shutil.rmtree(old, ignore_errors=True)
        if final.exists():
            final.rename(old)
        OUT.rename(final)
        shutil.rmtree(old, ignore_errors=True)
        path = final / 'manifest.json'
    print(f'{len(manifest["cases"])} cases -> {path}')


if __name__ == '__main__':
    main()
