"""ONNX versions of the CarRacing policy for the peer benchmark (bench/peers.ts), from the SAME Keras weights
as the .tflite files: float32, and int8 QLinear (onnxruntime static quantization, QOperator format:
QLinearConv + QLinearMatMul, per-channel s8 weights, u8 activations) calibrated on the same frames as the
TFLite full-int8 conversion.

The graph is written directly with onnx.helper (no TensorFlow, no tf2onnx): input NHWC [1,96,96,1] float32
(fixed batch, like the .tflite files), a Reshape to NCHW (free because C = 1), Conv/Relu x3, Flatten,
MatMul+Add(+Relu) x2. Keras flattens in HWC order; dense1's rows are permuted to CHW so no Transpose is needed.

Usage: python/.venv/bin/python python/make_onnx.py [--weights H5] [--out DIR]
  default weights: models/car_racing.weights.h5, else test/fixtures/seed/seed_random.weights.h5
  writes DIR (default models/onnx/) car_racing_float32.onnx, car_racing_int8.onnx, manifest.json
"""
import argparse
import glob
import hashlib
import json
import platform
import re
import sys
from pathlib import Path

import h5py
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
import onnxruntime as ort
from onnxruntime.quantization import (CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType,
                                      quantize_static)

ROOT = Path(__file__).resolve().parent.parent
REAL_WEIGHTS = ROOT / 'models' / 'car_racing.weights.h5'
SEED_WEIGHTS = ROOT / 'test' / 'fixtures' / 'seed' / 'seed_random.weights.h5'
FRAMES = ROOT / 'test' / 'fixtures' / 'frames' / 'carracing_frames_gray.npy'
RUNS = ROOT / 'python' / 'runs'
OPSET = 13

# Keras kernel shapes of the seed architecture (python/common.py build_model); unique, so they identify layers.
ARCH = [('conv1', (8, 8, 1, 32), 4), ('conv2', (4, 4, 32, 64), 2), ('conv3', (3, 3, 64, 64), 1),
        ('dense1', (4096, 512), None), ('dense2', (512, 5), None)]


def read_keras_weights(path):
    """[(kernel, bias)] per ARCH layer from a Keras 3 .weights.h5 (kernel at <layer>/vars/0, bias at /1)."""
    groups = {}
    with h5py.File(path, 'r') as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                parent, leaf = name.rsplit('/', 1)
                groups.setdefault(parent, {})[leaf] = np.asarray(obj[()], dtype=np.float32)
        f.visititems(visit)
    out = []
    for name, shape, _ in ARCH:
        hits = [g for g in groups.values() if '0' in g and g['0'].shape == shape]
        if len(hits) != 1:
            sys.exit(f'{path}: expected one kernel of shape {shape} ({name}), found {len(hits)}')
        kernel, bias = hits[0]['0'], hits[0].get('1')
        if bias is None or bias.shape != (shape[-1],):
            sys.exit(f'{path}: {name} has no bias of {shape[-1]} units')
        out.append((kernel, bias))
    return out


def build_float_model(weights):
    nodes, inits = [], []

    def const(name, arr):
        inits.append(numpy_helper.from_array(np.ascontiguousarray(arr), name))
        return name

    nodes.append(helper.make_node('Reshape', ['input', const('nchw_shape', np.array([1, 1, 96, 96], np.int64))], ['x0']))
    x = 'x0'
    for i, ((name, _, stride), (k, b)) in enumerate(zip(ARCH[:3], weights[:3])):
        w = const(f'{name}.weight', k.transpose(3, 2, 0, 1))      # HWIO -> OIHW
        bias = const(f'{name}.bias', b)
        nodes.append(helper.make_node('Conv', [x, w, bias], [f'{name}.conv'], strides=[stride, stride], pads=[0, 0, 0, 0]))
        nodes.append(helper.make_node('Relu', [f'{name}.conv'], [f'{name}.out']))
        x = f'{name}.out'
    nodes.append(helper.make_node('Flatten', [x], ['flat'], axis=1))
    (k1, b1), (k2, b2) = weights[3], weights[4]
    # Keras row index (h*8 + w)*64 + c  ->  NCHW flatten index c*64 + h*8 + w
    k1_chw = k1.reshape(8, 8, 64, 512).transpose(2, 0, 1, 3).reshape(4096, 512)
    nodes.append(helper.make_node('MatMul', ['flat', const('dense1.weight', k1_chw)], ['dense1.mm']))
    nodes.append(helper.make_node('Add', ['dense1.mm', const('dense1.bias', b1)], ['dense1.add']))
    nodes.append(helper.make_node('Relu', ['dense1.add'], ['dense1.out']))
    nodes.append(helper.make_node('MatMul', ['dense1.out', const('dense2.weight', k2)], ['dense2.mm']))
    nodes.append(helper.make_node('Add', ['dense2.mm', const('dense2.bias', b2)], ['logits']))
    graph = helper.make_graph(
        nodes, 'car_racing_policy',
        [helper.make_tensor_value_info('input', TensorProto.FLOAT, [1, 96, 96, 1])],
        [helper.make_tensor_value_info('logits', TensorProto.FLOAT, [1, 5])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', OPSET)], producer_name='i8x16 python/make_onnx.py')
    model.ir_version = 8  # onnxruntime-web/-node 1.30 and older tools all read IR 8
    onnx.checker.check_model(model, full_check=True)
    return model


def calibration_frames(weights_path):
    """The frames the .tflite full-int8 file was calibrated on, as N x 96 x 96 uint8, and where they came from."""
    if weights_path.resolve() == SEED_WEIGHTS.resolve():
        # make_seed_fixtures: the first N_CALIB of its frame pick (real frames if present, else seeded noise)
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import make_seed_fixtures as msf
        frames, source = msf.load_frames(str(FRAMES))
        return frames[:msf.N_CALIB], source
    # train.py export(): 500 frames evenly spread over all training data (stages in order)
    paths = sorted(glob.glob(str(RUNS / 'data_*.npz')), key=lambda p: int(re.findall(r'\d+', Path(p).name)[0]))
    if paths:
        X = np.concatenate([np.load(p)['x'] for p in paths])
        idx = np.linspace(0, len(X) - 1, 500).astype(int)
        return X[idx].reshape(-1, 96, 96), f'train data: {", ".join(Path(p).name for p in paths)} (500 evenly spaced)'
    if FRAMES.exists():
        f = np.load(FRAMES).reshape(-1, 96, 96)
        return f[np.linspace(0, len(f) - 1, min(500, len(f))).astype(int)], f'real:{FRAMES.relative_to(ROOT)}'
    sys.exit('no calibration frames: neither python/runs/data_*.npz nor ' + str(FRAMES))


class Frames(CalibrationDataReader):
    def __init__(self, frames_u8):
        self.x = (frames_u8.astype(np.float32) / np.float32(255.0))[..., None]
        self.i = 0

    def get_next(self):
        if self.i >= len(self.x):
            return None
        self.i += 1
        return {'input': self.x[self.i - 1:self.i]}

    def rewind(self):
        self.i = 0


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--weights', default=None)
    ap.add_argument('--out', default=str(ROOT / 'models' / 'onnx'))
    args = ap.parse_args()
    weights_path = Path(args.weights) if args.weights else (REAL_WEIGHTS if REAL_WEIGHTS.exists() else SEED_WEIGHTS)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    weights = read_keras_weights(weights_path)
    f32 = build_float_model(weights)
    f32_path, int8_path = out / 'car_racing_float32.onnx', out / 'car_racing_int8.onnx'
    onnx.save(f32, str(f32_path))

    frames, source = calibration_frames(weights_path)
    quantize_static(
        str(f32_path), str(int8_path), Frames(frames),
        quant_format=QuantFormat.QOperator,            # QLinearConv / QLinearMatMul, not QDQ pairs
        op_types_to_quantize=['Conv', 'MatMul', 'Relu', 'Flatten'],
        per_channel=True, activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
        calibrate_method=CalibrationMethod.MinMax)     # TFLite's converter also calibrates min/max
    q = onnx.load(str(int8_path))
    ops = [n.op_type for n in q.graph.node]

    # sanity: float32 graph vs the Keras logits the seed fixture stores; int8 argmax agreement on the calibration set
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    s32 = ort.InferenceSession(str(f32_path), opts, providers=['CPUExecutionProvider'])
    s8 = ort.InferenceSession(str(int8_path), opts, providers=['CPUExecutionProvider'])
    x = Frames(frames).x
    y32 = np.concatenate([s32.run(None, {'input': x[i:i + 1]})[0] for i in range(len(x))])
    y8 = np.concatenate([s8.run(None, {'input': x[i:i + 1]})[0] for i in range(len(x))])
    checks = {'int8_vs_float32_max_abs': float(np.abs(y8 - y32).max()),
              'int8_vs_float32_argmax_agree': float((y8.argmax(1) == y32.argmax(1)).mean())}
    if weights_path.resolve() == SEED_WEIGHTS.resolve():
        kx = np.frombuffer((SEED_WEIGHTS.parent / 'keras_inputs_u8.bin').read_bytes(), np.uint8).reshape(-1, 96, 96)
        kl = np.frombuffer((SEED_WEIGHTS.parent / 'keras_logits.bin').read_bytes(), np.float32).reshape(len(kx), -1)
        kxf = Frames(kx).x
        y = np.concatenate([s32.run(None, {'input': kxf[i:i + 1]})[0] for i in range(len(kxf))])
        checks['float32_vs_keras_max_abs'] = float(np.abs(y - kl).max())
        if checks['float32_vs_keras_max_abs'] > 1e-4 * max(1.0, float(np.abs(kl).max())):
            sys.exit(f'float32 ONNX disagrees with the Keras logits: {checks}')

    manifest = {
        'generator': {'script': 'python/make_onnx.py', 'onnx': onnx.__version__, 'onnxruntime': ort.__version__,
                      'numpy': np.__version__, 'h5py': h5py.__version__, 'python': platform.python_version()},
        'weights': {'file': str(weights_path.relative_to(ROOT)) if weights_path.is_relative_to(ROOT) else str(weights_path),
                    'sha256': sha256(weights_path)},
        'calibration': {'frames': int(len(frames)), 'source': source, 'method': 'MinMax'},
        'models': {
            'float32': {'file': f32_path.name, 'bytes': f32_path.stat().st_size, 'sha256': sha256(f32_path),
                        'ops': [n.op_type for n in f32.graph.node]},
            'int8': {'file': int8_path.name, 'bytes': int8_path.stat().st_size, 'sha256': sha256(int8_path), 'ops': ops,
                     'format': 'QOperator, per-channel s8 weights, u8 activations'},
        },
        'input': {'name': 'input', 'shape': [1, 96, 96, 1], 'dtype': 'float32', 'layout': 'NHWC, pixels/255'},
        'output': {'name': 'logits', 'shape': [1, 5]},
        'checks': checks,
    }
    (out / 'manifest.json').write_text(json.dumps(manifest, indent=1) + '\n')
    print(json.dumps({k: manifest[k] for k in ('weights', 'calibration', 'checks')}, indent=1))
    print('int8 ops:', ' '.join(ops))


if __name__ == '__main__':
    main()
