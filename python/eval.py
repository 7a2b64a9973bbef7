"""Evaluate CarRacing policies (.tflite or .weights.h5) in real Gymnasium CarRacing-v3 (discrete, 1000-step limit).

    python/.venv/bin/python python/eval.py models/car_racing_float32.tflite models/car_racing_int8.tflite \
        --seeds 0-49 --json models/eval_results.json

Per model: mean ± std episode reward, per-episode rewards, and argmax agreement with the float reference policy
(default models/car_racing.weights.h5, run in Keras) on every frame the evaluated policy visited.
Preprocessing is the seed's (common.preprocess). TFLite runs on tf.lite.Interpreter with its default kernels
(--ref: BUILTIN_REF reference kernels, slower). Episodes run in worker processes (--workers, default 2).
Plain env: gym.make('CarRacing-v3', continuous=False), no safe-zone wrapper, no reward shaping.
"""
import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

_W = {}


class Policy:
    """argmax policy over the 5 logits of a Keras weights file or a .tflite file (float or int8 I/O)."""

    def __init__(self, path, ref=False):
        import numpy as np
        import tensorflow as tf
        import common
        self.path = path
        if path.endswith('.h5'):
            m = common.build_model()
            m.load_weights(path)
            fn = tf.function(lambda x: m(x, training=False))
            self._run = lambda x: fn(x[None]).numpy()[0]
            self.kind = 'keras'
            return
        content = open(path, 'rb').read()
        if ref:
            it = common.ref_interpreter(content)
        else:
            it = tf.lite.Interpreter(model_content=content, num_threads=1)
            it.allocate_tensors()
        inp, out = it.get_input_details()[0], it.get_output_details()[0]
        self.kind = f'tflite in={np.dtype(inp["dtype"]).name} out={np.dtype(out["dtype"]).name}'

        def run(x):
            if inp['dtype'] != np.float32:
                s, z = inp['quantization']
                x = np.clip(np.round(x / s) + z, -128, 127).astype(inp['dtype'])
            it.set_tensor(inp['index'], x[None])
            it.invoke()
            y = it.get_tensor(out['index'])[0]
            if out['dtype'] != np.float32:
                s, z = out['quantization']
                y = (y.astype(np.float32) - z) * s
            return y
        self._run = run

    def logits(self, x):
        return self._run(x)


def _init(model_path, ref_path, use_ref):
    import warnings
    warnings.filterwarnings('ignore')
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    _W['pol'] = Policy(model_path, use_ref)
    _W['ref'] = None if (ref_path is None or os.path.abspath(ref_path) == os.path.abspath(model_path)) \
        else Policy(ref_path)


def episode(seed):
    import numpy as np
    import gymnasium as gym
    import common
    env = gym.make('CarRacing-v3', continuous=False)
    obs, _ = env.reset(seed=seed)
    R, n, agree, hist = 0.0, 0, 0, np.zeros(5, int)
    while True:
        x = common.preprocess(obs)
        a = int(np.argmax(_W['pol'].logits(x)))
        hist[a] += 1
        if _W['ref'] is None:
            agree += 1
        else:
            agree += a == int(np.argmax(_W['ref'].logits(x)))
        obs, r, te, tr, _ = env.step(a)
        R += r
        n += 1
        if te or tr:
            break
    u = env.unwrapped
    out = dict(seed=seed, reward=float(R), steps=n, agree=agree, tiles=int(u.tile_visited_count),
               n_tiles=len(u.track), lap=bool(te), actions=hist.tolist())
    env.close()
    return out


def parse_seeds(s):
    seeds = []
    for part in s.split(','):
        if '-' in part:
            a, b = part.split('-')
            seeds += list(range(int(a), int(b) + 1))
        else:
            seeds.append(int(part))
    return seeds


def evaluate(model, seeds, ref, workers, use_ref):
    import numpy as np
    import multiprocessing as mp
    t0 = time.time()
    with mp.get_context('spawn').Pool(workers, initializer=_init, initargs=(model, ref, use_ref)) as pool:
        eps = []
        for e in pool.imap(episode, seeds, chunksize=1):   # progress per episode (order kept)
            eps.append(e)
            print(f"  {os.path.basename(model)} seed {e['seed']}: {e['reward']:.1f} in {e['steps']} steps, "
                  f"agree {e['agree'] / e['steps']:.3f} ({time.time() - t0:.0f}s)", file=sys.stderr, flush=True)
    r = np.array([e['reward'] for e in eps])
    frames = sum(e['steps'] for e in eps)
    return dict(model=os.path.relpath(model, ROOT), size_bytes=os.path.getsize(model),
                reference=None if ref is None else os.path.relpath(ref, ROOT),
                interpreter=('BUILTIN_REF' if use_ref else 'default') if model.endswith('.tflite') else 'keras',
                seeds=seeds, n=len(eps), mean=float(r.mean()), std=float(r.std(ddof=1)) if len(r) > 1 else 0.0,
                sem=float(r.std(ddof=1) / np.sqrt(len(r))) if len(r) > 1 else 0.0,
                min=float(r.min()), max=float(r.max()),
                agreement=sum(e['agree'] for e in eps) / frames, frames=frames,
                laps_finished=sum(e['lap'] for e in eps), episodes=eps, wall_s=round(time.time() - t0, 1))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('models', nargs='*')
    ap.add_argument('--seeds', default='0-49', help='e.g. 0-49 or 0,3,7 (default 0-49; training used 1000+)')
    ap.add_argument('--reference', default=os.path.join(ROOT, 'models', 'car_racing.weights.h5'),
                    help='float policy for argmax agreement ("none" to skip)')
    ap.add_argument('--workers', type=int, default=2)
    ap.add_argument('--ref', action='store_true', help='TFLite BUILTIN_REF kernels instead of default kernels')
    ap.add_argument('--baseline', default=os.path.join(ROOT, 'models', 'car_racing_float32.tflite'),
                    help='float result (already in the JSON or evaluated here) for paired per-seed comparison')
    ap.add_argument('--merge', nargs='*', default=[], help='also merge the results of these JSON files (parallel runs)')
    ap.add_argument('--json', help='write results here (merged by model path if the file exists)')
    args = ap.parse_args()
    ref = None if args.reference == 'none' else args.reference
    seeds = parse_seeds(args.seeds)
    import numpy as np
    results = {}
    if args.json and os.path.exists(args.json):
        results = json.load(open(args.json)).get('results', {})
    for p in args.merge:
        results.update(json.load(open(p))['results'])
    for m in args.models:
        res = evaluate(m, seeds, ref, args.workers, args.ref)
        results[res['model']] = res
        print(f"{res['model']}: mean {res['mean']:.2f} ± {res['std']:.2f} (sem {res['sem']:.2f}) over {res['n']} "
              f"seeds, min {res['min']:.1f}, agreement {res['agreement']:.4f} on {res['frames']} frames, "
              f"{res['wall_s']}s", flush=True)
        if args.json:
            save(args.json, results)
    # paired per-seed comparison against the float baseline (same seeds) when both are present
    bkey = os.path.relpath(args.baseline, ROOT)
    if bkey in results:
        base = results[bkey]
        for k, r in results.items():
            if k == base['model'] or r['seeds'] != base['seeds']:
                continue
            d = np.array([a['reward'] - b['reward'] for a, b in zip(r['episodes'], base['episodes'])])
            r['paired_vs_baseline'] = dict(baseline=bkey, mean_diff=float(d.mean()),
                                            sem_diff=float(d.std(ddof=1) / np.sqrt(len(d))) if len(d) > 1 else 0.0,
                                            ratio=r['mean'] / base['mean'])
            print(f"{k}: {100 * r['mean'] / base['mean']:.2f}% of float; paired diff {d.mean():+.2f} "
                  f"± {r['paired_vs_baseline']['sem_diff']:.2f} (1 s.e.)")
        if args.json:
            save(args.json, results)


def save(path, results):
    import gymnasium
    import tensorflow as tf
    meta = dict(env="gym.make('CarRacing-v3', continuous=False), max_episode_steps=1000, no wrapper",
                gymnasium=gymnasium.__version__, tensorflow=tf.__version__,
                generated=time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime()))
    with open(path + '.tmp', 'w') as f:
        json.dump(dict(meta=meta, results=results), f, indent=1)
    os.replace(path + '.tmp', path)


if __name__ == '__main__':
    main()
