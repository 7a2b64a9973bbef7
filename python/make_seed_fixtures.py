"""Seed-architecture fixtures: the seed's exact network with SEEDED RANDOM weights, converted with the seed's
exact converter call plus the other modes, with Keras float outputs and BUILTIN_REF goldens.
Writes test/fixtures/seed/ (layout and which files are committed: test/fixtures/README.md).

Usage: python/.venv/bin/python python/make_seed_fixtures.py [--frames PATH.npy]
  Calibration/golden inputs come from real CarRacing frames (uint8 N x 96 x 96, /255) when
  test/fixtures/frames/carracing_frames_gray.npy exists (or --frames), else from seeded random frames.
"""
import argparse
import contextlib
import io
import json
import os
import platform
import sys
import warnings
from pathlib import Path

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
os.environ.setdefault('TF_ENABLE_ONEDNN_OPTS', '0')

import h5py  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (build_model, convert_seed_dynamic, convert_float32, convert_float16,  # noqa: E402
                    convert_full_int8, ref_interpreter, STATE_SHAPE)
import tflite_inspect  # noqa: E402
from make_zoo import io_entry, write_goldens  # noqa: E402

warnings.filterwarnings('ignore', message='.*tf.lite.Interpreter is deprecated.*')
tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / 'test' / 'fixtures' / 'seed'
FRAMES = ROOT / 'test' / 'fixtures' / 'frames' / 'carracing_frames_gray.npy'
SEED = 20261126
N_KERAS = 16      # inputs with stored Keras float outputs (checks the tfjs weight loader)
N_GOLDEN = 4      # inputs with BUILTIN_REF goldens per variant
N_CALIB = 64      # representative dataset for full-int8
# Committed model files; the others (float32 8.7 MB, float16 4.4 MB, int8 float-I/O) are regenerated
# locally by this script and git-ignored, to keep the fixtures small.
COMMITTED = {'dynamic_int8', 'int8'}


def seeded_model():
    keras.utils.set_random_seed(SEED)
    model = build_model()
    rng = np.random.default_rng(SEED)
    for layer in model.layers:
        for w in layer.weights:
            v = np.asarray(w.numpy())
            if w.name == 'bias':
                # Keras starts biases at zero; random ones make bias handling observable
                v = rng.uniform(-0.05, 0.05, v.shape).astype(np.float32)
            # float16-representable values: the .h5 compresses ~2x and the float16 file carries the same weights
            w.assign(v.astype(np.float16).astype(np.float32))
    return model


def load_frames(path):
    """N x 96 x 96 uint8 frames: real ones if available, else seeded random (smooth-ish noise)."""
    if path is not None and Path(path).exists():
        f = np.load(path)
        assert f.dtype == np.uint8 and f.shape[1:3] == (96, 96), (f.dtype, f.shape)
        f = f.reshape(f.shape[0], 96, 96)
        # spread the picks over the whole recording
        idx = np.linspace(0, len(f) - 1, N_CALIB + N_KERAS).round().astype(int)
        return f[idx], f'real:{Path(path).relative_to(ROOT) if Path(path).is_relative_to(ROOT) else path}'
    rng = np.random.default_rng(SEED + 1)
    # blocky noise (8x8 cells + fine noise): closer to rendered frames than white noise
    coarse = rng.integers(0, 256, (N_CALIB + N_KERAS, 12, 12)).repeat(8, 1).repeat(8, 2)
    fine = rng.integers(-20, 21, (N_CALIB + N_KERAS, 96, 96))
    return np.clip(coarse + fine, 0, 255).astype(np.uint8), 'random:seeded blocky noise'


def save_compressed_weights(model, path):
    """model.save_weights, then repack every dataset with shuffle+gzip (Keras/h5py/h5wasm read it unchanged)."""
    tmp = path.with_suffix('.tmp.weights.h5')
    model.save_weights(tmp)
    with h5py.File(tmp, 'r') as src, h5py.File(path, 'w') as dst:
        for k, v in src.attrs.items():
            dst.attrs[k] = v

        def copy(name, obj):
            if isinstance(obj, h5py.Group):
                g = dst.require_group(name)
                for k, v in obj.attrs.items():
                    g.attrs[k] = v
            else:
                kw = dict(compression='gzip', compression_opts=9, shuffle=True) if obj.size >= 1024 else {}
                ds = dst.create_dataset(name, data=obj[()], **kw)
                for k, v in obj.attrs.items():
                    ds.attrs[k] = v
        src.visititems(copy)
    tmp.unlink()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--frames', default=str(FRAMES))
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)

    model = seeded_model()
    wpath = OUT / 'seed_random.weights.h5'
    save_compressed_weights(model, wpath)
    # round-trip check: the compressed file loads back into Keras bit-identically
    check = build_model()
    check.load_weights(wpath)
    for a, b in zip(model.weights, check.weights):
        assert np.array_equal(a.numpy(), b.numpy()), a.path
    with h5py.File(wpath, 'r') as f:
        layout = []
        f.visititems(lambda n, o: layout.append({'path': n, 'shape': list(o.shape)})
                     if isinstance(o, h5py.Dataset) else None)

    frames, source = load_frames(args.frames)
    x_all = (frames.astype(np.float32) / np.float32(255.0))[..., None]   # as the seed's preprocess
    calib, keras_x = x_all[:N_CALIB], x_all[N_CALIB:]
    (OUT / 'keras_inputs_u8.bin').write_bytes(frames[N_CALIB:].tobytes())
    logits = model.predict(keras_x, batch_size=1, verbose=0).astype('<f4')
    (OUT / 'keras_logits.bin').write_bytes(logits.tobytes())

    golden_x = keras_x[:N_GOLDEN]
    (OUT / 'golden_inputs_f32.bin').write_bytes(golden_x.astype('<f4').tobytes())

    with contextlib.redirect_stdout(io.StringIO()):
        files = {
            'dynamic_int8': convert_seed_dynamic(model),   # the seed's exact converter call
            'float32': convert_float32(model),
            'float16': convert_float16(model),
            'int8': convert_full_int8(model, calib, int8_io=True),
            'int8_fio': convert_full_int8(model, calib, int8_io=False),
        }

    cases = []
    for variant, content in files.items():
        name = f'seed_{variant}.tflite'
        (OUT / name).write_bytes(content)
        info = tflite_inspect.describe(content)
        din, douts, got, in_file, outs = write_goldens(ref_interpreter(content), golden_x, OUT, variant)
        # sanity figure: golden vs Keras float logits on the same inputs (dequantized for int8 output)
        y = np.concatenate(got[0]).astype(np.float64).reshape(N_GOLDEN, -1)
        if douts[0]['dtype'] != np.float32:
            y = (y - douts[0]['quantization'][1]) * douts[0]['quantization'][0]
        k_ref = logits[:N_GOLDEN].astype(np.float64)
        sqnr = float(10 * np.log10(np.sum(k_ref ** 2) / max(np.sum((k_ref - y) ** 2), 1e-300)))
        cases.append({
            'name': f'seed/{variant}', 'model': name, 'variant': variant, 'committed': variant in COMMITTED,
            'ops': [o['op'] for o in info['ops']], 'summary': tflite_inspect.summary(info),
            'samples': N_GOLDEN, 'exact': variant.startswith('int8'),
            'inputs': [io_entry(din, in_file)], 'outputs': outs, 'bytes': len(content),
            'sqnrVsKerasDb': [round(sqnr, 1)],
        })
        print(f'{variant:14s} {len(content):9d} B  SQNR vs Keras {sqnr:6.1f} dB  ' + ' | '.join(cases[-1]['summary']),
              flush=True)

    manifest = {
        'format': 1,
        'generator': {'script': 'python/make_seed_fixtures.py', 'tensorflow': tf.__version__,
                      'keras': keras.__version__, 'numpy': np.__version__, 'h5py': h5py.__version__,
                      'python': platform.python_version(), 'goldens': 'tf.lite.Interpreter BUILTIN_REF',
                      'seed': SEED},
        'inputSource': source,
        'keras': {
            'weights': wpath.name,
            'layout': layout,
            'inputs': {'file': 'keras_inputs_u8.bin', 'dtype': 'uint8', 'shape': [N_KERAS, 96, 96, 1],
                       'transform': 'x / 255 as float32'},
            'logits': {'file': 'keras_logits.bin', 'dtype': 'float32', 'shape': [N_KERAS, 5]},
        },
        'samples': N_GOLDEN,
        'cases': cases,
    }
    (OUT / 'manifest.json').write_text(json.dumps(manifest, indent=1, allow_nan=False) + '\n')
    (OUT / '.gitignore').write_text(
        '# regenerated by python/make_seed_fixtures.py; too large to commit\n'
        + ''.join(f'seed_{v}.tflite\n' for v in files if v not in COMMITTED))
    print(f'input source: {source}; weights {wpath.stat().st_size} B')


if __name__ == '__main__':
    main()
