"""Privileged expert for CarRacing-v3 (discrete): pure pursuit on the track centreline + curvature-based speed control.

Reads env.unwrapped.track and the car hull state; returns one of the 5 discrete actions
(0 noop, 1 right, 2 left, 3 gas, 4 brake). Action 1 decreases the hull angle (turns right), 2 increases it.
"""
import math
import numpy as np

# Tuned on training seeds only (1000+); see models/README.md.
DEFAULTS = dict(
    look=6,          # pure-pursuit look-ahead in track points (3.5 units each)
    look_speed=0.06, # extra look-ahead points per unit/s of speed
    steer_deg=8.0,   # heading error (deg) above which we steer instead of gas/brake
    v_max=80.0,      # target speed on straights (units/s)
    v_min=50.0,      # target speed in the sharpest bends
    curv_pts=14,     # points ahead scanned for curvature
    curv_gain=35.0,  # target-speed reduction per rad of accumulated turn
    brake_margin=6.0,
    kd=0.15,         # damping: subtract kd * yaw rate (rad/s) from the heading error
)


def _wrap(a):
    return (a + math.pi) % (2 * math.pi) - math.pi


class Expert:
    def __init__(self, env, **kw):
        self.u = env.unwrapped
        self.p = dict(DEFAULTS)
        self.p.update(kw)
        self.reset()

    def reset(self):
        tr = np.array([[t[2], t[3]] for t in self.u.track])
        self.xy = tr
        self.n = len(tr)
        self.idx = 0
        # travel direction of each segment as angle in the hull's convention (forward = (-sin, cos))
        d = np.roll(tr, -1, axis=0) - tr
        self.seg_ang = np.arctan2(-d[:, 0], d[:, 1])

    def _nearest(self, pos):
        n = self.n
        cand = (self.idx + np.arange(-10, 40)) % n
        dd = np.sum((self.xy[cand] - pos) ** 2, axis=1)
        self.idx = int(cand[int(np.argmin(dd))])
        return self.idx, math.sqrt(float(dd.min()))

    def state(self):
        car = self.u.car
        h = car.hull
        pos = np.array([h.position[0], h.position[1]])
        v = h.linearVelocity
        speed = math.hypot(v[0], v[1])
        return pos, h.angle, speed, h.angularVelocity

    def act(self):
        p = self.p
        pos, ang, speed, yaw = self.state()
        i, dist = self._nearest(pos)
        L = int(round(p['look'] + p['look_speed'] * speed))
        tgt = self.xy[(i + L) % self.n]
        d = tgt - pos
        desired = math.atan2(-d[0], d[1])
        err = _wrap(desired - ang) - p['kd'] * yaw
        # accumulated turning over the next curv_pts segments -> target speed
        ks = (i + np.arange(0, p['curv_pts'])) % self.n
        a = self.seg_ang[ks]
        turn = np.abs(_wrap_arr(np.diff(a))).sum()
        vt = max(p['v_min'], p['v_max'] - p['curv_gain'] * turn)
        self.last = dict(err=err, speed=speed, vt=vt, turn=turn, dist=dist)
        thr = math.radians(p['steer_deg'])
        if speed > vt + p['brake_margin']:
            return 4
        if err > thr:
            return 2
        if err < -thr:
            return 1
        if speed < vt:
            return 3
        return 0


def _wrap_arr(a):
    return (a + np.pi) % (2 * np.pi) - np.pi
