"""BUILTIN_REF goldens for the trained policy's files in models/ (car_racing_*.tflite) on real CarRacing
frames, in the zoo manifest format: test/fixtures/trained/manifest.json (model paths point into models/).
Half of the frames are spread over the recording; the other half are hunted so that the int8 file's
FULLY_CONNECTED layers hit outputs where MBQM and BUILTIN_REF's float requantization disagree.

Usage: python/.venv/bin/python python/make_trained_goldens.py
  Frames: test/fixtures/frames/carracing_frames_gray.npy if present, else the training data
  python/runs/data_*.npz (uint8 frames recorded from the Python env).
"""
import glob
import hashlib
import json
import os
import platform
import sys
import warnings
from pathlib import Path

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
os.environ.setdefault('TF_ENABLE_ONEDNN_OPTS', '0')

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ref_interpreter  # noqa: E402
import tflite_inspect  # noqa: E402
from make_zoo import quantize, io_entry, write_goldens, _mbqm, _quantize_multiplier, _round_half_away  # noqa: E402

warnings.filterwarnings('ignore', message='.*tf.lite.Interpreter is deprecated.*')

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / 'models'
OUT = ROOT / 'test' / 'fixtures' / 'trained'
FRAMES = ROOT / 'test' / 'fixtures' / 'frames' / 'carracing_frames_gray.npy'
VARIANTS = {'float32': 'car_racing_float32.tflite', 'dynamic_int8': 'car_racing_dynamic_int8.tflite',
            'float16': 'car_racing_float16.tflite', 'int8': 'car_racing_int8.tflite',
            'int8_fio': 'car_racing_int8_floatio.tflite'}
N_SPREAD, N_HUNT, MAX_CANDIDATES = 4, 4, 600


def load_frames():
    if FRAMES.exists():
        f = np.load(FRAMES)
        return f.reshape(f.shape[0], 96, 96), str(FRAMES.relative_to(ROOT))
    files = sorted(glob.glob(str(ROOT / 'python' / 'runs' / 'data_*.npz')))
    if not files:
        raise SystemExit('no frames: need test/fixtures/frames/carracing_frames_gray.npy or python/runs/data_*.npz')
    f = np.concatenate([np.load(p)['x'] for p in files])
    return f.reshape(f.shape[0], 96, 96), 'python/runs/data_*.npz (training frames from the Python env)'


def fc_requant_disagrees(it):
    """After invoke on a preserve-all-tensors interpreter: does any int8 FC output differ between MBQM and
    float requantization?"""
    td = {t['index']: t for t in it.get_tensor_details()}
    for op in it._get_ops_details():
        if op['op_name'] != 'FULLY_CONNECTED':
            continue
        i_, w_, b_ = op['inputs']
        o_ = op['outputs'][0]
        s_in, zp_in = td[i_]['quantization']
        s_out, _ = td[o_]['quantization']
        w = it.get_tensor(w_).astype(np.int64)
        bias = it.get_tensor(b_).astype(np.int64)
        ws = td[w_]['quantization_parameters']['scales'].astype(np.float64)
        ws = np.repeat(ws, w.shape[0]) if len(ws) == 1 else ws
        acc = (it.get_tensor(i_).astype(np.int64).reshape(-1, w.shape[1]) - zp_in) @ w.T + bias
        for c in range(w.shape[0]):
            real = float(s_in) * float(ws[c]) / float(s_out)
            if np.any(_mbqm(acc[:, c], *_quantize_multiplier(real)) != _round_half_away(acc[:, c] * real)):
                return True
    return False


def main():
    missing = [f for f in VARIANTS.values() if not (MODELS / f).exists()]
    if missing:
        raise SystemExit(f'missing models: {missing}')
    frames, source = load_frames()
    x_all = (frames.astype(np.float32) / np.float32(255.0))[..., None]
    spread = list(np.linspace(0, len(frames) - 1, N_SPREAD).round().astype(int))

    int8 = (MODELS / VARIANTS['int8']).read_bytes()
    hunter = tf.lite.Interpreter(model_content=int8, experimental_preserve_all_tensors=True,
                                 experimental_op_resolver_type=tf.lite.experimental.OpResolverType.BUILTIN_REF)
    hunter.allocate_tensors()
    din = hunter.get_input_details()[0]
    hunted = []
    for k in np.random.default_rng(7).permutation(len(frames))[:MAX_CANDIDATES]:
        hunter.set_tensor(din['index'], quantize(x_all[k][None], *din['quantization'], np.int8))
        hunter.invoke()
        if fc_requant_disagrees(hunter):
            hunted.append(int(k))
            if len(hunted) == N_HUNT:
                break
    print(f'{len(hunted)} requantization-discriminating frames among candidates', flush=True)
    picks = [int(k) for k in spread] + hunted
    golden_x = x_all[picks]
    n = len(picks)

    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / 'golden_inputs_f32.bin').write_bytes(golden_x.astype('<f4').tobytes())
    cases = []
    for variant, fname in VARIANTS.items():
        content = (MODELS / fname).read_bytes()
        info = tflite_inspect.describe(content)
        d_in, douts, got, in_file, outs = write_goldens(ref_interpreter(content), golden_x, OUT, variant)
        cases.append({
            'name': f'trained/{variant}', 'model': f'../../../models/{fname}', 'variant': variant,
            'modelSha256': hashlib.sha256(content).hexdigest(),
            'ops': [o['op'] for o in info['ops']], 'summary': tflite_inspect.summary(info),
            'samples': n, 'exact': variant.startswith('int8'),
            'inputs': [io_entry(d_in, in_file)], 'outputs': outs, 'bytes': len(content),
        })
        print(f'{variant:14s} {len(content):9d} B', flush=True)
    manifest = {
        'format': 1,
        'generator': {'script': 'python/make_trained_goldens.py', 'tensorflow': tf.__version__,
                      'numpy': np.__version__, 'python': platform.python_version(),
                      'goldens': 'tf.lite.Interpreter BUILTIN_REF'},
        'inputSource': source,
        'frames': {'spread': [int(k) for k in spread], 'fcRequantHunted': hunted},
        'samples': n,
        'cases': cases,
    }
    (OUT / 'manifest.json').write_text(json.dumps(manifest, indent=1, allow_nan=False) + '\n')
    print(f'{len(cases)} cases -> {OUT / "manifest.json"} (frames: {source})')


if __name__ == '__main__':
    main()
