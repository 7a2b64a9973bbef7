"""Real CarRacing-v3 frames for cross-runtime tests: test/fixtures/frames/.

Rolls out the float Keras policy (models/car_racing.weights.h5) on evaluation seeds 0..9 and keeps every 20th
observation starting at step 10 (up to 50 per episode; episodes that finish the lap early give fewer: 476 total).
Writes:
  carracing_frames_gray.npy  Nx96x96 uint8    tf.image.rgb_to_grayscale(obs) (the seed's first op, before /255)
  carracing_frames_rgb.npy    64x96x96x3 uint8 raw observations of the first 64 frames
  keras_logits.npy           Nx5 float32       Keras float policy logits on gray/255
  index.json                 seed/step of each frame, shapes, how to rebuild the model input
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
OUT = os.path.join(ROOT, 'test', 'fixtures', 'frames')
SEEDS = list(range(10))
START, STRIDE, PER_EP, N_RGB = 10, 20, 50, 64


def main():
    import numpy as np
    import tensorflow as tf
    import gymnasium as gym
    import common
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    m = common.build_model()
    m.load_weights(os.path.join(ROOT, 'models', 'car_racing.weights.h5'))
    fn = tf.function(lambda x: m(x, training=False))
    gray, rgb, index = [], [], []
    for seed in SEEDS:
        env = gym.make('CarRacing-v3', continuous=False)
        obs, _ = env.reset(seed=seed)
        step, kept = 0, 0
        while kept < PER_EP:
            x = common.preprocess(obs)
            if step >= START and (step - START) % STRIDE == 0:
                g = tf.image.rgb_to_grayscale(obs).numpy()[:, :, 0]
                assert np.array_equal((g.astype(np.float32) / np.float32(255.0))[..., None], x)
                gray.append(g)
                if len(rgb) < N_RGB:
                    rgb.append(obs.copy())
                index.append(dict(seed=seed, step=step))
                kept += 1
            obs, r, te, tr, _ = env.step(int(np.argmax(fn(x[None]).numpy()[0])))
            step += 1
            if te or tr:
                break
        env.close()
    gray = np.stack(gray)
    x = gray.astype(np.float32)[..., None] / np.float32(255.0)
    logits = np.concatenate([fn(x[i:i + 1]).numpy() for i in range(len(x))]).astype(np.float32)
    os.makedirs(OUT, exist_ok=True)
    np.save(os.path.join(OUT, 'carracing_frames_gray.npy'), gray)
    np.save(os.path.join(OUT, 'carracing_frames_rgb.npy'), np.stack(rgb))
    np.save(os.path.join(OUT, 'keras_logits.npy'), logits)
    meta = dict(
        source="gym.make('CarRacing-v3', continuous=False), driven by models/car_racing.weights.h5 (argmax)",
        seeds=SEEDS, start=START, stride=STRIDE,
        gray=dict(file='carracing_frames_gray.npy', shape=list(gray.shape), dtype='uint8',
                  what='tf.image.rgb_to_grayscale(obs); model input = gray[..., None] / 255 as float32'),
        rgb=dict(file='carracing_frames_rgb.npy', shape=[len(rgb), 96, 96, 3], dtype='uint8',
                 what='raw observations of frames 0..%d (same order as gray)' % (len(rgb) - 1)),
        logits=dict(file='keras_logits.npy', shape=list(logits.shape), dtype='float32',
                    what='Keras float policy logits (batch 1) on gray/255; actions 0 noop,1 right,2 left,3 gas,4 brake'),
        tensorflow=tf.__version__, gymnasium=gym.__version__,
        frames=index)
    with open(os.path.join(OUT, 'index.json'), 'w') as f:
        json.dump(meta, f, indent=0)
    print('wrote', len(gray), 'frames to', OUT, 'argmax histogram', np.bincount(logits.argmax(1), minlength=5).tolist())


if __name__ == '__main__':
    main()
