"""Record CarRacing-v3 parity data from real Gymnasium for the TypeScript port's tests.

Writes test/fixtures/carracing/:
  rng.json            first numpy Generator draws for a few seeds (PCG64/SeedSequence check)
  tracks.f64 + tracks.json   env.track ([alpha, beta, x, y] float64) for many seeds, curbs, colours
  rollouts.json + rollout_<name>.f64   per-step states along scripted action sequences
  frames.json + frames.u8      96x96x3 observations plus the exact state they were rendered from
  preprocess_*        TensorFlow's rgb_to_grayscale / the seed's preprocess (--only preprocess; needs TF)
  episodes.json       closed-loop full episodes with a track-following controller (returns per seed)
  video_frames.*      rgb_array (600x400) frames with state and skid-mark particles (zlib)
  downscale_*.u8      pygame smoothscale of a test pattern to 96x96 and 600x400
  glyphs.json         the HUD font's digit glyphs (white-on-black AA coverage); also writes src/carracing/glyphs.ts

Usage: python/.venv/bin/python python/record_carracing_parity.py [--out DIR] [--track-seeds N]
"""
import argparse
import base64
import itertools
import json
import os
import sys

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import numpy as np
import gymnasium as gym
import pygame

# Columns of one rollout row (after reset = row 0, then one row per agent step).
ROLLOUT_COLUMNS = (
    ["hull_x", "hull_y", "hull_angle", "hull_vx", "hull_vy", "hull_w"]
    + [f"omega{i}" for i in range(4)]
    + [f"joint{i}" for i in range(4)]
    + [f"phase{i}" for i in range(4)]
    + [f"wheel{i}_{k}" for i in range(4) for k in ("x", "y", "angle")]
    + ["step_reward", "terminated", "truncated", "env_reward", "tiles_visited", "t"]
    + ["steer", "gas", "brake"]
)


def car_state_row(env):
    car = env.car
    h = car.hull
    row = [h.position[0], h.position[1], h.angle, h.linearVelocity[0], h.linearVelocity[1], h.angularVelocity]
    row += [w.omega for w in car.wheels]
    row += [w.joint.angle for w in car.wheels]
    row += [w.phase for w in car.wheels]
    for w in car.wheels:
        row += [w.position[0], w.position[1], w.angle]
    return row


def render_snapshot(env):
    """Everything the 96x96 renderer reads, taken at the moment Gymnasium renders."""
    car = env.car
    h = car.hull
    recolored = [i for i, tile in enumerate(env.road) if np.array_equal(tile.color, env.road_color)]
    return {
        "t": env.t,
        "reward": env.reward,
        "hull": [h.position[0], h.position[1], h.angle, h.linearVelocity[0], h.linearVelocity[1], h.angularVelocity],
        "wheels": [[w.position[0], w.position[1], w.angle, w.omega, w.phase, w.joint.angle] for w in car.wheels],
        "recoloredTiles": recolored,
    }


def record_rng(out):
    seeds = [0, 1, 2, 42, 123456789, 2**32 + 5, 2**64 - 1, 2**130 + 7]
    data = []
    for s in seeds:
        g = np.random.Generator(np.random.PCG64(np.random.SeedSequence(s)))
        randoms = g.random(8).tolist()
        uniforms = [g.uniform(0, 2 * np.pi / 12) for _ in range(3)] + [g.uniform(50, 150) for _ in range(3)]
        ints = [int(g.integers(3)) for _ in range(5)]
        after = g.random(2).tolist()
        state = g.bit_generator.state["state"]
        data.append({"seed": str(s), "random": randoms, "uniform": uniforms, "integers3": ints,
                     "afterIntegers": after, "state": str(state["state"]), "inc": str(state["inc"])})
    with open(os.path.join(out, "rng.json"), "w") as f:
        json.dump(data, f)


def curbs_of(env):
    """(tile index, side) for each curb: side = sign of the curb's offset along the tile's normal."""
    tile_colors = {id(t.color): t.idx for t in env.road}
    curbs = []
    last_tile = None
    for poly, color in env.road_poly:
        if id(color) in tile_colors:
            last_tile = tile_colors[id(color)]
            continue
        _, beta1, x1, y1 = env.track[last_tile]
        offset = (poly[0][0] - x1) * np.cos(beta1) + (poly[0][1] - y1) * np.sin(beta1)
        curbs.append([last_tile, int(np.sign(offset))])
    return curbs


def record_tracks(out, n_seeds):
    env = gym.make("CarRacing-v3").unwrapped
    index = {"seeds": [], "offsets": [], "counts": [], "curbs": [], "sequences": [], "domain": []}
    chunks = []
    offset = 0

    def add(track):
        nonlocal offset
        arr = np.asarray(track, dtype=np.float64)
        chunks.append(arr.ravel())
        index["offsets"].append(offset)
        index["counts"].append(len(arr))
        offset += arr.size

    for s in range(n_seeds):
        env.reset(seed=s)
        add(env.track)
        index["seeds"].append(s)
        index["curbs"].append(curbs_of(env))
    # Resets without a new seed keep drawing from the same generator.
    for s in (7, 1000):
        env.reset(seed=s)
        seq = {"seed": s, "entries": []}
        for _ in range(3):
            env.reset()
            seq["entries"].append(len(index["offsets"]))
            add(env.track)
            index["curbs"].append(curbs_of(env))
        index["sequences"].append(seq)
    env.close()
    # Domain randomisation: colours for seeded resets, then unseeded resets (32-bit buffer carries over).
    denv = gym.make("CarRacing-v3", domain_randomize=True).unwrapped
    for s in (0, 1, 5):
        denv.reset(seed=s)
        entry = {"seed": s, "colors": [], "tracks": [], "randomize": [True, True, True, False]}
        for k in range(4):
            # the last reset keeps the colours (options={"randomize": False}) and only draws a track
            if k > 0:
                denv.reset(options={"randomize": entry["randomize"][k]})
            entry["colors"].append({"road": denv.road_color.tolist(), "bg": denv.bg_color.tolist(),
                                    "grass": denv.grass_color.tolist()})
            entry["tracks"].append(len(index["offsets"]))
            add(denv.track)
            index["curbs"].append(curbs_of(denv))
        index["domain"].append(entry)
    denv.close()
    np.concatenate(chunks).astype("<f8").tofile(os.path.join(out, "tracks.f64"))
    with open(os.path.join(out, "tracks.json"), "w") as f:
        json.dump(index, f)
    print(f"tracks: {len(index['offsets'])} tracks, {offset * 8 / 1e6:.2f} MB")


def pursuit_action(env, lookahead, target_speed):
    """A simple track follower; its actions are recorded and replayed open-loop by the TS tests."""
    h = env.car.hull
    x, y, th = h.position[0], h.position[1], h.angle
    pts = np.asarray(env.track)[:, 2:4]
    j = int(np.argmin(np.sum((pts - [x, y]) ** 2, axis=1)))
    tx, ty = pts[(j + lookahead) % len(pts)]
    dx, dy = tx - x, ty - y
    fwd = -np.sin(th) * dx + np.cos(th) * dy
    right = np.cos(th) * dx + np.sin(th) * dy
    steer = float(np.clip(1.5 * np.arctan2(right, fwd), -1, 1))
    speed = float(np.hypot(h.linearVelocity[0], h.linearVelocity[1]))
    gas = 0.4 if speed < target_speed else 0.0
    brake = 0.4 if speed > target_speed + 8 else 0.0
    return steer, gas, brake


def scripted_action(k):
    """Open-loop schedule: slalom, full gas, wheel lock, gentle brake, over-unity steer (unclipped in env)."""
    steer = 0.7 * np.sin(k / 17.0)
    if k < 120:
        return steer, 0.6, 0.0
    if k < 140:
        return steer, 0.0, 0.95
    if k < 220:
        return 1.3 * np.sin(k / 9.0), 1.0, 0.0
    if k < 250:
        return -0.2, 0.0, 0.5
    return steer, 0.3 + 0.3 * np.sin(k / 5.0), 0.0


ROLLOUTS = [
    {"name": "pursuit_s0", "seed": 0, "kind": "pursuit", "lookahead": 6, "speed": 40, "steps": 400},
    {"name": "pursuit_s1", "seed": 1, "kind": "pursuit", "lookahead": 8, "speed": 55, "steps": 400},
    {"name": "pursuit_s2", "seed": 2, "kind": "pursuit", "lookahead": 5, "speed": 30, "steps": 400},
    {"name": "pursuit_s3", "seed": 3, "kind": "pursuit", "lookahead": 7, "speed": 45, "steps": 400},
    {"name": "scripted_s4", "seed": 4, "kind": "scripted", "steps": 350},
    {"name": "discrete_s5", "seed": 5, "kind": "discrete", "steps": 300},
    # Full gas straight ahead until the car leaves the playfield (-100 rule, termination step).
    {"name": "straight_s6", "seed": 6, "kind": "straight", "steps": 600},
    # Random road / background / grass colours (domain_randomize=True).
    {"name": "domain_s7", "seed": 7, "kind": "pursuit", "lookahead": 6, "speed": 40, "steps": 120, "domain": True},
]
FRAME_STEPS = [0, 1, 2, 10, 30, 48, 49, 50, 100, 200, 300]
FRAME_ROLLOUTS = {"pursuit_s0", "pursuit_s1", "scripted_s4", "domain_s7"}
DOMAIN_FRAME_STEPS = [0, 10, 50, 100]


def record_rollouts(out):
    meta = {"columns": ROLLOUT_COLUMNS, "rollouts": []}
    frames_meta = []
    frame_bytes = []
    for spec in ROLLOUTS:
        env = gym.make("CarRacing-v3", continuous=spec["kind"] != "discrete", domain_randomize=spec.get("domain", False))
        base = env.unwrapped
        snapshots = []
        original_render = base._render

        def capturing_render(mode, _orig=original_render, _base=base):
            if mode == "state_pixels":
                snapshots.append(render_snapshot(_base))
            return _orig(mode)

        base._render = capturing_render
        obs, _ = env.reset(seed=spec["seed"])
        rows = [car_state_row(base) + [0, 0, 0, base.reward, base.tile_visited_count, base.t, 0, 0, 0]]
        obs_by_step = {0: obs}
        actions = []
        for k in range(spec["steps"]):
            if spec["kind"] == "pursuit":
                a = pursuit_action(base, spec["lookahead"], spec["speed"])
            elif spec["kind"] == "scripted":
                a = scripted_action(k)
            elif spec["kind"] == "straight":
                a = (0.0, 1.0, 0.0)
            else:
                a = None
            if a is None:
                pattern = [3, 3, 3, 0, 1, 3, 2, 2, 4, 3, 3, 0]
                action = pattern[(k * 7 + k // 13) % len(pattern)]
                act_row = [action, 0, 0]
            else:
                action = np.array(a, dtype=np.float32)
                act_row = [float(v) for v in action]
            obs, r, term, trunc, info = env.step(action)
            actions.append(act_row)
            rows.append(car_state_row(base) + [r, float(term), float(trunc), base.reward,
                                               base.tile_visited_count, base.t] + act_row)
            obs_by_step[k + 1] = obs
            if term or trunc:
                break
        arr = np.asarray(rows, dtype=np.float64)
        arr.astype("<f8").tofile(os.path.join(out, f"rollout_{spec['name']}.f64"))
        meta["rollouts"].append({**spec, "domain": spec.get("domain", False), "rows": len(rows), "tiles": len(base.track),
                                 "continuous": spec["kind"] != "discrete"})
        if spec["name"] in FRAME_ROLLOUTS:
            for step in DOMAIN_FRAME_STEPS if spec.get("domain") else FRAME_STEPS:
                if step not in obs_by_step:
                    continue
                # snapshots[0] is reset's render; agent step k renders snapshots[k].
                frames_meta.append({"rollout": spec["name"], "seed": spec["seed"], "step": step,
                                    "domainRandomize": spec.get("domain", False),
                                    "offset": len(frame_bytes) * 96 * 96 * 3, **snapshots[step]})
                frame_bytes.append(np.ascontiguousarray(obs_by_step[step], dtype=np.uint8).tobytes())
        print(f"rollout {spec['name']}: {len(rows)} rows, final reward {base.reward:.3f}, "
              f"tiles {base.tile_visited_count}/{len(base.track)}")
        env.close()
    with open(os.path.join(out, "rollouts.json"), "w") as f:
        json.dump(meta, f)
    with open(os.path.join(out, "frames.u8"), "wb") as f:
        f.write(b"".join(frame_bytes))
    with open(os.path.join(out, "frames.json"), "w") as f:
        json.dump(frames_meta, f)


EPISODE_SEEDS = list(range(100, 130))


def record_episodes(out):
    """Closed-loop full episodes (pursuit controller, no rendering needed): per-seed return, length, tiles.
    The TS test runs the same controller in its own env, so divergence compounds like a real policy's."""
    results = []
    for seed in EPISODE_SEEDS:
        env = gym.make("CarRacing-v3")
        base = env.unwrapped
        base._render = lambda mode: None  # the controller reads state, not pixels
        env.reset(seed=seed)
        total, steps, term, trunc = 0.0, 0, False, False
        while not (term or trunc):
            a = np.array(pursuit_action(base, 6, 45 + (seed % 3) * 10), dtype=np.float32)
            _, r, term, trunc, _ = env.step(a)
            total += r
            steps += 1
        results.append({"seed": seed, "return": total, "steps": steps, "tiles": base.tile_visited_count,
                        "N": len(base.track), "terminated": bool(term)})
        env.close()
    with open(os.path.join(out, "episodes.json"), "w") as f:
        json.dump(results, f)
    print("episodes:", [round(r["return"], 1) for r in results])


VIDEO_STEPS = [60, 125, 135, 150, 230]


def record_video(out):
    """rgb_array frames (600x400, skid marks drawn) with the state and particles they were rendered from."""
    import zlib
    env = gym.make("CarRacing-v3", render_mode="rgb_array")
    base = env.unwrapped
    env.reset(seed=4)
    meta, chunks = [], []
    for k in range(max(VIDEO_STEPS)):
        env.step(np.array(scripted_action(k), dtype=np.float32))
        if k + 1 in VIDEO_STEPS:
            frame = env.render()
            snap = render_snapshot(base)
            snap["particles"] = [{"points": [float(c) for pt in p.poly for c in pt], "grass": bool(p.grass)}
                                 for p in base.car.particles]
            meta.append({"seed": 4, "step": k + 1, "offset": len(chunks) * frame.size, **snap})
            chunks.append(np.ascontiguousarray(frame, dtype=np.uint8).tobytes())
    env.close()
    with open(os.path.join(out, "video_frames.u8.zlib"), "wb") as f:
        f.write(zlib.compress(b"".join(chunks), 9))
    with open(os.path.join(out, "video_frames.json"), "w") as f:
        json.dump(meta, f)
    print(f"video frames: {len(meta)}, particles per frame {[len(m['particles']) for m in meta]}")


def downscale_pattern(w, h):
    """Deterministic pseudo-random 0x00BBGGRR-style test image; the TS test builds the same one."""
    x = np.arange(w, dtype=np.int64)[None, :]
    y = np.arange(h, dtype=np.int64)[:, None]
    v = ((x * 73856093) ^ (y * 19349663)) & 0xFFFFFF
    return np.stack([v & 255, (v >> 8) & 255, (v >> 16) & 255], axis=-1).astype(np.uint8)  # H x W x 3


def record_downscale(out):
    """pygame.transform.smoothscale of the pattern to 96x96 and 600x400, exactly as the env calls it."""
    img = downscale_pattern(1000, 800)
    surf = pygame.Surface((1000, 800))  # same default 32-bit surface the env renders into
    assert surf.get_bitsize() == 32
    pygame.surfarray.blit_array(surf, img.transpose(1, 0, 2))
    res = {}
    for w, h in ((96, 96), (600, 400)):
        scaled = pygame.transform.smoothscale(surf, (w, h))
        arr = np.ascontiguousarray(pygame.surfarray.pixels3d(scaled).transpose(1, 0, 2))
        arr.tofile(os.path.join(out, f"downscale_{w}x{h}.u8"))
        res[f"{w}x{h}"] = int(arr.astype(np.int64).sum())
    print("downscale fixtures:", res)


def record_preprocess(out):
    """The seed's preprocessing (python/common.py, TensorFlow) on random colours and on recorded observations."""
    sys.path.insert(0, os.path.dirname(__file__))
    from common import preprocess_batch  # imports TensorFlow
    import tensorflow as tf
    rng = np.random.default_rng(1234)
    colors = rng.integers(0, 256, size=(256, 256, 3), dtype=np.uint8)
    gray = tf.image.rgb_to_grayscale(colors).numpy().astype(np.uint8)
    colors.tofile(os.path.join(out, "preprocess_colors.u8"))
    gray.tofile(os.path.join(out, "preprocess_gray.u8"))
    frames = np.fromfile(os.path.join(out, "frames.u8"), dtype=np.uint8).reshape(-1, 96, 96, 3)[:4]
    preprocess_batch(frames).astype("<f4").tofile(os.path.join(out, "preprocess_frames.f32"))
    print(f"preprocess fixtures: {colors.shape[0] * colors.shape[1]} colours, {len(frames)} frames")


def record_glyphs(out):
    """HUD digits as pygame renders them (FreeSans Bold 42, AA, white on black).

    SDL_ttf kerns pairs and accumulates sub-pixel pen positions, so a string is not a plain
    concatenation. Model: glyphs max-composited at pair offsets measured from two-character
    renders. The model is checked against every score string the HUD can show and the
    mismatch count is stored (glyph shapes are "safe to approximate" per the spec)."""
    pygame.font.init()
    font = pygame.font.Font(pygame.font.get_default_font(), 42)

    def coverage(text):
        surf = font.render(text, True, (255, 255, 255), (0, 0, 0))
        rgb = pygame.surfarray.array3d(surf).transpose(1, 0, 2).astype(np.int32)  # H x W x 3
        assert np.array_equal(rgb[..., 0], rgb[..., 1]) and np.array_equal(rgb[..., 0], rgb[..., 2])
        return rgb[..., 0]

    chars = "0123456789-"
    glyph = {c: coverage(c) for c in chars}

    def compose(text, pair):
        xs = [0]
        for i in range(1, len(text)):
            xs.append(xs[-1] + pair[text[i - 1:i + 1]])
        img = np.zeros((42, max(x + glyph[c].shape[1] for x, c in zip(xs, text))), np.int32)
        for x, c in zip(xs, text):
            g = glyph[c]
            img[:, x:x + g.shape[1]] = np.maximum(img[:, x:x + g.shape[1]], g)
        return img

    pair = {}
    for a in chars:
        for b in chars:
            whole = coverage(a + b)
            pair[a + b] = next(o for o in range(5, 40) if compose(a + b, {a + b: o}).shape == whole.shape
                               and np.array_equal(compose(a + b, {a + b: o}), whole))
    def compose_at(text, offsets, width):
        """Glyphs max-composited at the given gaps into a box of the given width (None if it does not fit)."""
        xs = [0]
        for o in offsets:
            xs.append(xs[-1] + o)
        img = np.zeros((42, width), np.int32)
        for x, c in zip(xs, text):
            g = glyph[c]
            if x + g.shape[1] > width:
                return None
            img[:, x:x + g.shape[1]] = np.maximum(img[:, x:x + g.shape[1]], g)
        return img

    # Every score string the registered env can show: per-string gap corrections and box width, found by
    # search and checked pixel for pixel against pygame (SDL_ttf's sub-pixel pen is not otherwise modelled).
    layouts, unfit, model_width_mismatch = {}, [], 0
    texts = [f"{float(v):04.0f}" for v in range(-100, 1001)] + ["-000"]
    for text in texts:
        whole = coverage(text)
        base = [pair[text[i - 1:i + 1]] for i in range(1, len(text))]
        if compose(text, pair).shape != whole.shape or not np.array_equal(compose(text, pair), whole):
            model_width_mismatch += 1
        found = None
        for deltas in itertools.product(range(0, 3), repeat=len(base)):
            im = compose_at(text, [b + d for b, d in zip(base, deltas)], whole.shape[1])
            if im is not None and np.array_equal(im, whole):
                found = deltas
                break
        if found is None:
            unfit.append(text)
            continue
        model_w = max(x + glyph[c].shape[1] for x, c in zip(np.cumsum([0] + [b + d for b, d in zip(base, found)]), text))
        layouts[text] = "".join(str(d) for d in found) + str(whole.shape[1] - model_w)
    if unfit:
        raise RuntimeError(f"no exact layout for {unfit}")
    data = {"font": pygame.font.get_default_font(), "size": 42, "pygame": pygame.version.ver,
            "height": 42, "pairOffsets": pair,
            "glyphs": {c: {"w": int(g.shape[1]), "data": base64.b64encode(g.astype(np.uint8).tobytes()).decode()}
                       for c, g in glyph.items()},
            "layouts": layouts, "pairModelMismatches": model_width_mismatch}
    with open(os.path.join(out, "glyphs.json"), "w") as f:
        json.dump(data, f)
    ts_path = os.path.join(os.path.dirname(__file__), "..", "src", "carracing", "glyphs.ts")
    with open(ts_path, "w") as f:
        f.write("// Generated by python/record_carracing_parity.py --only glyphs. Do not edit.\n")
        f.write(f"// pygame {pygame.version.ver} default font ({data['font']}, GNU FreeFont, GPL with font exception) at size 42,\n")
        f.write("// anti-aliased white on black: per-glyph coverage (42 rows), gaps measured from two-glyph renders, and\n")
        f.write(f"// for each of the {len(layouts)} score strings the registered env can show, exact per-string gap\n")
        f.write("// corrections (one digit per gap) and box-width correction (last digit), checked pixel for pixel.\n")
        f.write(f"// The pair gaps alone get {model_width_mismatch} of them wrong (SDL_ttf's sub-pixel pen position).\n")
        f.write("export const GLYPH_HEIGHT = 42;\n")
        f.write("export const GLYPH_WIDTHS: Record<string, number> = " + json.dumps({c: int(g.shape[1]) for c, g in glyph.items()}) + ";\n")
        f.write("export const GLYPH_PAIR_OFFSETS: Record<string, number> = " + json.dumps(pair) + ";\n")
        f.write("export const SCORE_LAYOUTS: Record<string, string> = " + json.dumps(layouts, separators=(",", ":")) + ";\n")
        f.write("export const GLYPH_COVERAGE_BASE64: Record<string, string> = " + json.dumps({c: v["data"] for c, v in data["glyphs"].items()}, indent=1) + ";\n")
    print(f"glyphs: exact layouts for {len(layouts)} score strings (pair gaps alone wrong for {model_width_mismatch})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "carracing"))
    ap.add_argument("--track-seeds", type=int, default=120)
    ap.add_argument("--only", choices=["rng", "tracks", "rollouts", "glyphs", "downscale", "preprocess", "video", "episodes"], default=None)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    print(f"gymnasium {gym.__version__}, numpy {np.__version__}, pygame {pygame.version.ver}", file=sys.stderr)
    jobs = {"rng": lambda: record_rng(args.out), "downscale": lambda: record_downscale(args.out),
            "preprocess": lambda: record_preprocess(args.out), "video": lambda: record_video(args.out),
            "episodes": lambda: record_episodes(args.out), "glyphs": lambda: record_glyphs(args.out),
            "tracks": lambda: record_tracks(args.out, args.track_seeds), "rollouts": lambda: record_rollouts(args.out)}
    for name, job in jobs.items():
        if args.only == name or (args.only is None and name != "preprocess"):
            job()


if __name__ == "__main__":
    main()
