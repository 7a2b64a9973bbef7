"""Reads a .tflite flatbuffer with TF's generated schema and summarises what the converter actually emitted:
per op its name, version, options, and the dtype/quantization of each input (constant or not).

Usage: python/.venv/bin/python python/tflite_inspect.py FILE.tflite   (prints JSON)
"""
import json
import sys

import numpy as np
from tensorflow.lite.python import schema_py_generated as fb

_OP_NAMES = {v: k for k, v in vars(fb.BuiltinOperator).items() if not k.startswith('_')}
_TYPE_NAMES = {v: k.lower() for k, v in vars(fb.TensorType).items() if not k.startswith('_')}
_ACT = {v: k for k, v in vars(fb.ActivationFunctionType).items() if not k.startswith('_')}
_PAD = {v: k for k, v in vars(fb.Padding).items() if not k.startswith('_')}


def _options(op):
    o = op.builtinOptions
    if o is None:
        return {}
    out = {}
    for k, v in vars(o).items():
        if isinstance(v, (np.ndarray, list)):
            v = [int(x) for x in v]
        elif isinstance(v, (bool, np.bool_)):
            v = bool(v)
        elif isinstance(v, (int, np.integer)):
            v = int(v)
            if k == 'fusedActivationFunction':
                v = _ACT.get(v, v)
            elif k == 'padding':
                v = _PAD.get(v, v)
        elif isinstance(v, (float, np.floating)):
            v = float(v)
        out[k] = v
    return out


def _tensor(m, sg, idx):
    if idx < 0:
        return None
    t = sg.tensors[idx]
    buf = m.buffers[t.buffer] if t.buffer < len(m.buffers) else None
    const = buf is not None and buf.data is not None and len(buf.data) > 0
    d = {'index': int(idx), 'dtype': _TYPE_NAMES[t.type],
         'shape': [int(v) for v in (t.shape if t.shape is not None else [])], 'const': bool(const)}
    q = t.quantization
    if q is not None and q.scale is not None and len(q.scale) > 0:
        n = len(q.scale)
        d['quant'] = 'per-channel' if n > 1 else 'per-tensor'
        if n > 1:
            d['quantizedDimension'] = int(q.quantizedDimension)
            d['numScales'] = n
        else:
            d['scale'] = float(q.scale[0])
            d['zeroPoint'] = int(q.zeroPoint[0]) if q.zeroPoint is not None else 0
    return d


def describe(content: bytes) -> dict:
    m = fb.ModelT.InitFromPackedBuf(bytearray(content), 0)
    sg = m.subgraphs[0]
    ops = []
    for op in sg.operators:
        oc = m.operatorCodes[op.opcodeIndex]
        code = max(int(oc.builtinCode), int(oc.deprecatedBuiltinCode))
        ops.append({
            'op': _OP_NAMES.get(code, f'OP_{code}'),
            'version': int(oc.version),
            'options': _options(op),
            'inputs': [_tensor(m, sg, int(i)) for i in op.inputs],
            'outputs': [_tensor(m, sg, int(i)) for i in op.outputs],
        })
    return {'subgraphs': len(m.subgraphs), 'ops': ops}


def summary(info: dict) -> list:
    """One short line per op, e.g. 'CONV_2D v5 (float32, int8[pc0], float32) -> float32 RELU SAME'."""
    lines = []
    for o in info['ops']:
        def t(d):
            if d is None:
                return '-'
            s = d['dtype']
            if 'quant' in d:
                s += f"[pc{d['quantizedDimension']}]" if d['quant'] == 'per-channel' else '[pt]'
            return ('c:' if d['const'] else '') + s
        opts = o['options']
        extra = ' '.join(str(opts[k]) for k in ('padding', 'fusedActivationFunction') if k in opts)
        for k in ('keepNumDims', 'asymmetricQuantizeInputs'):
            if opts.get(k):
                extra += f' {k}'
        lines.append(f"{o['op']} v{o['version']} ({', '.join(t(d) for d in o['inputs'])}) -> "
                     f"{', '.join(t(d) for d in o['outputs'])} {extra}".rstrip())
    return lines


if __name__ == '__main__':
    info = describe(open(sys.argv[1], 'rb').read())
    if '--json' in sys.argv:
        print(json.dumps(info, indent=1))
    else:
        print('\n'.join(summary(info)))
