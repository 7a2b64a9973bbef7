"""Python twin of bench/env.ts: Gymnasium CarRacing-v3 steps/s on this machine, same action schedule and seeds.

Writes bench/results/env-gymnasium.json. "withObservation" is the env as registered (every step renders the
96x96 state); "physicsOnly" stubs the internal render to isolate Box2D + car dynamics.
Usage: python/.venv/bin/python python/bench_env.py [--steps N]
"""
import argparse
import datetime
import json
import math
import os
import platform
import time

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import gymnasium as gym
import numpy as np


def action(k):
    return np.array([0.5 * math.sin(k / 20), 0.4 if k % 100 < 70 else 0.0, 0.3 if k % 100 >= 90 else 0.0],
                    dtype=np.float32)


def run(label, steps, render):
    env = gym.make("CarRacing-v3")
    base = env.unwrapped
    if not render:
        base._render = lambda mode: None
    env.reset(seed=0)
    for k in range(200):
        env.step(action(k))
    seed = 1
    env.reset(seed=seed)
    t0 = time.perf_counter()
    c0 = time.process_time()
    episode_step = 0
    for _ in range(steps):
        _, _, term, trunc, _ = env.step(action(episode_step))
        episode_step += 1
        if term or trunc:
            seed += 1
            env.reset(seed=seed)
            episode_step = 0
    seconds = time.perf_counter() - t0
    cpu_seconds = time.process_time() - c0
    env.close()
    sps = steps / seconds
    # CPU-time rate: what one free core would give; less sensitive to other jobs on a shared machine
    spc = steps / cpu_seconds
    print(f"{label:34s} {sps:7.0f} steps/s  ({1000 / sps:.3f} ms/step; {spc:.0f} steps per CPU-second)")
    return {"steps": steps, "seconds": seconds, "stepsPerSecond": sps, "cpuSeconds": cpu_seconds,
            "stepsPerCpuSecond": spc}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=3000)
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {' '.join(f'{l:.2f}' for l in os.getloadavg())}")
    with_obs = run("Gymnasium with 96x96 observation", args.steps, True)
    physics = run("Gymnasium physics only", args.steps, False)
    out_dir = os.path.join(os.path.dirname(__file__), "..", "bench", "results")
    os.makedirs(out_dir, exist_ok=True)
    result = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(), "python": platform.python_version(),
              "gymnasium": gym.__version__, "cores": os.cpu_count(), "loadavg": list(os.getloadavg()),
              "withObservation": with_obs, "physicsOnly": physics}
    with open(os.path.join(out_dir, "env-gymnasium.json"), "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    print("wrote bench/results/env-gymnasium.json")


if __name__ == "__main__":
    main()
