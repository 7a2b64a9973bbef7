"""Shared pieces of the reference toolchain: the seed's network, its preprocessing, its converter call."""
import numpy as np
import tensorflow as tf
from tensorflow.keras import layers

STATE_SHAPE = (96, 96, 1)
ACTION_SIZE = 5  # CarRacing-v3 discrete: 0 noop, 1 right, 2 left, 3 gas, 4 brake


def build_model(action_size: int = ACTION_SIZE) -> tf.keras.Model:
    """The seed's exact architecture, with a fixed batch of 1 so every JS runtime accepts the converted file."""
    return tf.keras.Sequential([
        layers.Input(STATE_SHAPE, batch_size=1),
        layers.Conv2D(32, (8, 8), strides=4, activation='relu'),
        layers.Conv2D(64, (4, 4), strides=2, activation='relu'),
        layers.Conv2D(64, (3, 3), strides=1, activation='relu'),
        layers.Flatten(),
        layers.Dense(512, activation='relu'),
        layers.Dense(action_size, activation='linear'),
    ])


def preprocess(frame: np.ndarray) -> np.ndarray:
    """The seed's preprocessing: tf.image.rgb_to_grayscale on uint8, resize to 96x96 (identity), /255 -> float32 HxWx1."""
    gray = tf.image.rgb_to_grayscale(frame)          # uint8 in, uint8 out (TF converts via float internally)
    gray = tf.image.resize(gray, (96, 96))           # float32; identity for 96x96 input
    return (gray / 255.0).numpy().astype(np.float32)


def preprocess_batch(frames: np.ndarray) -> np.ndarray:
    """Vectorised preprocess for N x 96 x 96 x 3 uint8 frames (same ops as preprocess)."""
    gray = tf.image.rgb_to_grayscale(frames)
    gray = tf.image.resize(gray, (96, 96))
    return (gray / 255.0).numpy().astype(np.float32)


def convert_seed_dynamic(model: tf.keras.Model) -> bytes:
    """The seed article's exact converter call (dynamic-range int8)."""
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
    return converter.convert()


def convert_float32(model: tf.keras.Model) -> bytes:
    return tf.lite.TFLiteConverter.from_keras_model(model).convert()


def convert_float16(model: tf.keras.Model) -> bytes:
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.target_spec.supported_types = [tf.float16]
    return converter.convert()


def convert_full_int8(model: tf.keras.Model, representative: np.ndarray, int8_io: bool) -> bytes:
    """Full-integer quantization calibrated on `representative` (N x 96 x 96 x 1 float32 in [0,1])."""
    def gen():
        for x in representative:
            yield [x[None].astype(np.float32)]
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = gen
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    if int8_io:
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
    return converter.convert()


def ref_interpreter(content: bytes) -> tf.lite.Interpreter:
    """TFLite with its reference kernels (BUILTIN_REF): the bit-exact oracle; default XNNPACK is not."""
    it = tf.lite.Interpreter(model_content=content,
                             experimental_op_resolver_type=tf.lite.experimental.OpResolverType.BUILTIN_REF)
    it.allocate_tensors()
    return it
