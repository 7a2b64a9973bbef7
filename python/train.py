"""Train the seed's CarRacing CNN by imitation of a privileged expert (python/expert.py), refined with DAgger.

One command, fixed seeds, resumable:
    python/.venv/bin/python python/train.py            # progress -> python/runs/train.log
Every stage checkpoints under python/runs/ (data_*.npz, weights_*.weights.h5, stage markers);
a re-run skips finished stages. At the end it writes models/*.weights.h5 and the .tflite files.

Seeds: training episodes use seeds 1000+ (expert data 1000..1011, DAgger 1100..1107, 1200..1207, 1300..1307);
evaluation (python/eval.py) uses 0..49.
"""
import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RUNS = os.path.join(HERE, 'runs')
MODELS = os.path.join(ROOT, 'models')
sys.path.insert(0, HERE)

CFG = dict(
    expert_seeds=list(range(1000, 1012)),      # 12 pure-expert episodes
    dagger_iters=[                              # (seeds, beta = prob. the expert acts during the rollout)
        (list(range(1100, 1108)), 0.5),
        (list(range(1200, 1208)), 0.2),
        (list(range(1300, 1308)), 0.0),       # beta=0: its log line is the pure policy's reward (weights_2)
    ],
    steps=1000,
    epochs0=10,
    epochs_dagger=5,
    batch=128,
    lr=1e-3,
    label_smoothing=0.05,
    tf_seed=1234,
)

_LOG = None


def log(msg):
    line = time.strftime('%H:%M:%S ') + msg
    print(line, flush=True)
    if _LOG:
        with open(_LOG, 'a') as f:
            f.write(line + '\n')


def setup_tf(intra=2):
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(intra)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    tf.config.experimental.enable_op_determinism()  # same seeds -> same weights on the same machine
    return tf


# ---------------------------------------------------------------- rollouts (worker processes)

_W = {}


def _worker_init(weights):
    import warnings
    warnings.filterwarnings('ignore')
    os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
    tf = setup_tf(1)
    _W['tf'] = tf
    if weights:
        import common
        m = common.build_model()
        m.load_weights(weights)
        _W['fn'] = tf.function(lambda x: m(x, training=False))
        _W['model'] = m


def gray_uint8(frame):
    """tf.image.rgb_to_grayscale on the uint8 frame (the seed's first op), kept as uint8 HxW."""
    return _W['tf'].image.rgb_to_grayscale(frame).numpy()[:, :, 0]


def gray_to_input(g):
    """uint8 gray -> model input exactly as common.preprocess (resize is identity at 96x96; /255 in float32)."""
    import numpy as np
    return (g.astype(np.float32) / np.float32(255.0))[..., None]


def rollout(job):
    """One episode. The policy acts with prob 1-beta (per step), the expert otherwise; every frame gets the expert label."""
    import numpy as np
    import gymnasium as gym
    from expert import Expert
    seed, beta, max_steps = job
    rng = np.random.default_rng(seed)
    env = gym.make('CarRacing-v3', continuous=False)
    obs, _ = env.reset(seed=seed)
    ex = Expert(env)
    frames, labels = [], []
    R, n, agree = 0.0, 0, 0
    while True:
        g = gray_uint8(obs)
        a_exp = ex.act()
        a = a_exp
        if 'fn' in _W:
            logits = _W['fn'](gray_to_input(g)[None]).numpy()[0]
            a_pol = int(np.argmax(logits))
            agree += a_pol == a_exp
            if rng.random() >= beta:
                a = a_pol
        frames.append(g)
        labels.append(a_exp)
        obs, r, te, tr, _ = env.step(a)
        R += r
        n += 1
        if te or tr or n >= max_steps:
            break
    env.close()
    return seed, R, n, np.stack(frames), np.array(labels, np.uint8), agree / n


def run_rollouts(seeds, beta, weights, steps, workers=2):
    import multiprocessing as mp
    ctx = mp.get_context('spawn')   # no fork after TF is loaded
    with ctx.Pool(workers, initializer=_worker_init, initargs=(weights,)) as pool:
        return pool.map(rollout, [(s, beta, steps) for s in seeds], chunksize=1)


# ---------------------------------------------------------------- training

def train_model(tf, X, Y, init_weights, epochs, cfg, stage):
    """Same layers as common.build_model but with a free batch dim; weights transfer 1:1."""
    import numpy as np
    from tensorflow.keras import layers
    import common
    tf.keras.utils.set_random_seed(cfg['tf_seed'] + stage)
    m = tf.keras.Sequential([
        layers.Input(common.STATE_SHAPE),
        layers.Conv2D(32, (8, 8), strides=4, activation='relu'),
        layers.Conv2D(64, (4, 4), strides=2, activation='relu'),
        layers.Conv2D(64, (3, 3), strides=1, activation='relu'),
        layers.Flatten(),
        layers.Dense(512, activation='relu'),
        layers.Dense(common.ACTION_SIZE, activation='linear'),
    ])
    if init_weights:
        src = common.build_model()
        src.load_weights(init_weights)
        m.set_weights(src.get_weights())
    n = len(X)
    steps_per_epoch = (n + cfg['batch'] - 1) // cfg['batch']
    sched = tf.keras.optimizers.schedules.CosineDecay(cfg['lr'], epochs * steps_per_epoch, alpha=0.05)
    m.compile(optimizer=tf.keras.optimizers.Adam(sched),
              loss=tf.keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=cfg['label_smoothing']),
              metrics=['accuracy'])
    rng = np.random.default_rng(cfg['tf_seed'] + stage)
    perm = rng.permutation(n)
    nval = max(1, n // 20)
    va, tr_idx = perm[:nval], perm[nval:]

    def ds(idx, shuffle):
        def gen():
            order = rng.permutation(idx) if shuffle else idx
            for i in range(0, len(order), cfg['batch']):
                b = np.sort(order[i:i + cfg['batch']])
                x = X[b].astype(np.float32) / np.float32(255.0)
                yield x[..., None], np.eye(common.ACTION_SIZE, dtype=np.float32)[Y[b]]
        return tf.data.Dataset.from_generator(
            gen, output_signature=(tf.TensorSpec((None, 96, 96, 1), tf.float32),
                                   tf.TensorSpec((None, common.ACTION_SIZE), tf.float32))).prefetch(2)

    class L(tf.keras.callbacks.Callback):
        def on_epoch_end(self, ep, logs=None):
            log(f'  stage {stage} epoch {ep + 1}/{epochs} ' + ' '.join(f'{k}={v:.4f}' for k, v in logs.items()))

    m.fit(ds(tr_idx, True), validation_data=ds(va, False), epochs=epochs, verbose=0, callbacks=[L()])
    out = common.build_model()
    out.set_weights(m.get_weights())
    return out


# ---------------------------------------------------------------- main

def load_data(paths):
    import numpy as np
    X, Y = [], []
    for p in paths:
        d = np.load(p)
        X.append(d['x'])
        Y.append(d['y'])
    return np.concatenate(X), np.concatenate(Y)


def save_data(path, results):
    import numpy as np
    X = np.concatenate([r[3] for r in results])
    Y = np.concatenate([r[4] for r in results])
    np.savez(path + '.tmp.npz', x=X, y=Y)
    os.replace(path + '.tmp.npz', path)
    return len(X)


def stage_done(name):
    return os.path.exists(os.path.join(RUNS, name + '.done'))


def mark_done(name, info):
    with open(os.path.join(RUNS, name + '.done'), 'w') as f:
        json.dump(info, f)


def main():
    global _LOG
    ap = argparse.ArgumentParser()
    ap.add_argument('--quick', action='store_true', help='tiny smoke test into python/runs/quick')
    args = ap.parse_args()
    cfg = dict(CFG)
    global RUNS
    if args.quick:
        RUNS = os.path.join(RUNS, 'quick')
        cfg.update(expert_seeds=[1000], dagger_iters=[([1100], 0.5)], steps=120,
                   epochs0=1, epochs_dagger=1)
    os.makedirs(RUNS, exist_ok=True)
    _LOG = os.path.join(RUNS, 'train.log')
    t0 = time.time()
    log(f'start; cfg={json.dumps(cfg)}')
    os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
    tf = setup_tf(2)
    import numpy as np
    import common

    # numpy path for the /255 step must equal common.preprocess bit for bit (checked on a real frame below)
    data_paths = []

    # stage 0: expert data
    p0 = os.path.join(RUNS, 'data_0.npz')
    if not stage_done('data_0'):
        res = run_rollouts(cfg['expert_seeds'], 1.0, None, cfg['steps'])
        n = save_data(p0, res)
        rs = [r[1] for r in res]
        mark_done('data_0', dict(rewards=rs, n=n))
        log(f'expert data: {n} frames; expert reward mean {np.mean(rs):.1f} min {np.min(rs):.1f} '
            f'per-seed {[round(r, 1) for r in rs]}')
    data_paths.append(p0)

    # bit-exactness check of our gray->input path against common.preprocess on real frames
    import gymnasium as gym
    env = gym.make('CarRacing-v3', continuous=False)
    obs, _ = env.reset(seed=cfg['expert_seeds'][0])
    _W['tf'] = tf
    for _ in range(60):
        g = gray_uint8(obs)
        assert np.array_equal(gray_to_input(g), common.preprocess(obs)), 'preprocess mismatch'
        obs, *_ = env.step(3)
    env.close()

    w_prev = os.path.join(RUNS, 'weights_0.weights.h5')
    if not stage_done('train_0'):
        X, Y = load_data(data_paths)
        log(f'train 0 on {len(X)} frames; label counts {np.bincount(Y, minlength=5).tolist()}')
        m = train_model(tf, X, Y, None, cfg['epochs0'], cfg, 0)
        m.save_weights(w_prev)
        mark_done('train_0', {})
        log(f'train 0 done ({time.time() - t0:.0f}s elapsed)')

    for k, (seeds, beta) in enumerate(cfg['dagger_iters'], start=1):
        pk = os.path.join(RUNS, f'data_{k}.npz')
        if not stage_done(f'data_{k}'):
            res = run_rollouts(seeds, beta, w_prev, cfg['steps'])
            n = save_data(pk, res)
            rs = [r[1] for r in res]
            ag = [r[5] for r in res]
            mark_done(f'data_{k}', dict(rewards=rs, n=n, agree=ag))
            log(f'dagger {k} (beta={beta}): {n} frames; mixed-policy reward mean {np.mean(rs):.1f} '
                f'per-seed {[round(r, 1) for r in rs]}; policy/expert agreement {np.mean(ag):.3f}')
        data_paths.append(pk)
        wk = os.path.join(RUNS, f'weights_{k}.weights.h5')
        if not stage_done(f'train_{k}'):
            X, Y = load_data(data_paths)
            log(f'train {k} on {len(X)} frames; label counts {np.bincount(Y, minlength=5).tolist()}')
            m = train_model(tf, X, Y, w_prev, cfg['epochs_dagger'], cfg, k)
            m.save_weights(wk)
            mark_done(f'train_{k}', {})
            log(f'train {k} done ({time.time() - t0:.0f}s elapsed)')
        w_prev = wk

    if not args.quick:
        export(tf, w_prev, data_paths)
    log(f'all done ({time.time() - t0:.0f}s elapsed)')


def export(tf, weights, data_paths):
    """Write models/: Keras weights + float32 / dynamic-range int8 / full int8 / float16 TFLite."""
    import numpy as np
    import common
    os.makedirs(MODELS, exist_ok=True)
    m = common.build_model()
    m.load_weights(weights)
    m.save_weights(os.path.join(MODELS, 'car_racing.weights.h5'))
    # calibration: 500 frames spread evenly over all training data (expert + DAgger visits), fixed stride
    X, _ = load_data(data_paths)
    idx = np.linspace(0, len(X) - 1, 500).astype(int)
    rep = X[idx].astype(np.float32)[..., None] / np.float32(255.0)
    files = {
        'car_racing_float32.tflite': common.convert_float32(m),
        'car_racing_dynamic_int8.tflite': common.convert_seed_dynamic(m),
        'car_racing_int8.tflite': common.convert_full_int8(m, rep, True),
        'car_racing_int8_floatio.tflite': common.convert_full_int8(m, rep, False),
        'car_racing_float16.tflite': common.convert_float16(m),
    }
    for name, content in files.items():
        with open(os.path.join(MODELS, name), 'wb') as f:
            f.write(content)
        log(f'wrote models/{name} ({len(content)} bytes)')


if __name__ == '__main__':
    main()
