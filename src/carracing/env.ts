/**
 * Gymnasium CarRacing-v3 (registered form: 1000-step TimeLimit) in TypeScript.
 *
 * The observation is a 96×96×3 HWC Uint8Array that is REUSED: every reset/step overwrites the same buffer.
 * Copy it (`obs.slice()`) if you need to keep a frame.
 */
import { PolygonShape, Vec2, World, type Contact, type Body } from 'planck';
import { Car, Wheel } from './car.js';
import { NumpyGenerator } from './rng.js';
import { generateTrack, PLAYFIELD, type TrackGeometry, type TrackPoint } from './track.js';
import { CarRacingRenderer, STATE_H, STATE_W, VIDEO_H, VIDEO_W, type RenderScene } from './render.js';

export const FPS = 50;
export const MAX_EPISODE_STEPS = 1000;
const DT = 1.0 / FPS;

export type ContinuousAction = readonly [number, number, number] | ArrayLike<number>;
export type DiscreteAction = 0 | 1 | 2 | 3 | 4;

export interface CarRacingOptions {
  continuous?: boolean;
  domainRandomize?: boolean;
  lapCompletePercent?: number;
  /** 'rgb_array': render() returns a 600×400 RGB frame (Gymnasium's rgb_array); null: render() returns null. */
  renderMode?: 'rgb_array' | null;
  /**
   * Rasterise the 96×96 observation on every step (default true, as Gymnasium always does).
   * false skips it for physics-only rollouts; the observation buffer then keeps its last contents.
   */
  observations?: boolean;
  /** Episode length of the registered env's TimeLimit wrapper (default 1000). */
  maxEpisodeSteps?: number;
}

export interface StepInfo {
  lap_finished?: boolean;
}

export interface StepResult {
  observation: Uint8Array;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: StepInfo;
}

export interface CarState {
  hull: [number, number, number, number, number, number];
  wheelOmega: number[];
  wheelJointAngle: number[];
}

/** A road tile: sensor body user data, as Gymnasium's tile attributes. */
export interface Tile {
  idx: number;
  roadVisited: boolean;
  roadFriction: number;
}

export class InvalidAction extends Error {}

export class CarRacing {
  readonly continuous: boolean;
  readonly domainRandomize: boolean;
  readonly lapCompletePercent: number;
  readonly renderMode: 'rgb_array' | null;
  readonly observations: boolean;
  readonly maxEpisodeSteps: number;

  /** Tile colours as floats, like Gymnasium's numpy arrays (truncated to int when drawn). */
  readonly roadColor = new Float64Array([102, 102, 102]);
  readonly bgColor = new Float64Array([102, 204, 102]);
  readonly grassColor = new Float64Array([102, 230, 102]);

  private rng: NumpyGenerator | null = null;
  private readonly world: World;
  private car: Car | null = null;
  private tileBodies: Body[] = [];
  private tiles: Tile[] = [];
  private geometry: TrackGeometry | null = null;
  /** Per-tile colour (3 floats), recoloured to roadColor on any contact. */
  private tileColors = new Float64Array(0);

  private rewardAcc = 0;
  private prevReward = 0;
  private tileVisitedCount = 0;
  private t = 0;
  private newLap = false;
  private elapsedSteps = 0;

  private readonly renderer = new CarRacingRenderer();
  private readonly obs = new Uint8Array(STATE_W * STATE_H * 3);
  private readonly scene: RenderScene;

  constructor(options: CarRacingOptions = {}) {
    this.continuous = options.continuous ?? true;
    this.domainRandomize = options.domainRandomize ?? false;
    this.lapCompletePercent = options.lapCompletePercent ?? 0.95;
    this.renderMode = options.renderMode ?? null;
    this.observations = options.observations ?? true;
    this.maxEpisodeSteps = options.maxEpisodeSteps ?? MAX_EPISODE_STEPS;
    // Created once and reused by every reset, like Gymnasium.
    this.world = new World({ gravity: Vec2(0, 0) });
    this.world.on('begin-contact', (c: Contact) => this.onContact(c, true));
    this.world.on('end-contact', (c: Contact) => this.onContact(c, false));
    if (this.domainRandomize) this.reinitColors(true);
    this.scene = this.renderer.createScene();
  }

  /** env.track: [alpha, beta, x, y] per tile. */
  get track(): TrackPoint[] {
    return this.geometry?.track ?? [];
  }

  get trackGeometry(): TrackGeometry {
    if (!this.geometry) throw new Error('reset() first');
    return this.geometry;
  }

  /** Cumulative reward as Gymnasium's env.reward (tiles minus 0.1 per step). */
  get totalReward(): number {
    return this.rewardAcc;
  }

  get tilesVisited(): number {
    return this.tileVisitedCount;
  }

  get time(): number {
    return this.t;
  }

  get carInstance(): Car {
    if (!this.car) throw new Error('reset() first');
    return this.car;
  }

  private np(): NumpyGenerator {
    // Lazily seeded from entropy when no seed was ever given, like gymnasium's np_random.
    if (!this.rng) this.rng = NumpyGenerator.fromEntropy();
    return this.rng;
  }

  private reinitColors(randomize: boolean): void {
    if (!this.domainRandomize || !randomize) return;
    const rng = this.np();
    for (let i = 0; i < 3; i++) this.roadColor[i] = rng.uniform(0, 210);
    for (let i = 0; i < 3; i++) this.bgColor[i] = rng.uniform(0, 210);
    this.grassColor.set(this.bgColor);
    const idx = rng.integers(3);
    this.grassColor[idx] = this.grassColor[idx]! + 20;
  }

  reset(args: { seed?: number | bigint; options?: { randomize?: boolean } } = {}): {
    observation: Uint8Array;
    info: Record<string, never>;
  } {
    if (args.seed !== undefined && args.seed !== null) this.rng = new NumpyGenerator(args.seed);
    this.destroy();
    this.rewardAcc = 0;
    this.prevReward = 0;
    this.tileVisitedCount = 0;
    this.t = 0;
    this.newLap = false;
    this.elapsedSteps = 0;
    if (this.domainRandomize) this.reinitColors(args.options?.randomize ?? true);

    const geometry = generateTrack(this.np());
    this.geometry = geometry;
    this.createTiles(geometry);
    const [, beta0, x0, y0] = geometry.track[0]!;
    this.car = new Car(this.world, beta0, x0, y0);
    this.advance(null);
    return { observation: this.obs, info: {} };
  }

  private createTiles(geometry: TrackGeometry): void {
    const n = geometry.track.length;
    this.tileColors = new Float64Array(n * 3);
    const q = geometry.tileQuads;
    for (let i = 0; i < n; i++) {
      const body = this.world.createBody({ type: 'static', position: Vec2(0, 0), angle: 0 });
      const o = i * 8;
      body.createFixture({
        shape: new PolygonShape([Vec2(q[o]!, q[o + 1]!), Vec2(q[o + 2]!, q[o + 3]!), Vec2(q[o + 4]!, q[o + 5]!), Vec2(q[o + 6]!, q[o + 7]!)]),
        isSensor: true,
        friction: 0.2,
        density: 0,
      });
      const tile: Tile = { idx: i, roadVisited: false, roadFriction: 1.0 };
      body.setUserData(tile);
      this.tileBodies.push(body);
      this.tiles.push(tile);
      const shade = 0.01 * (i % 3) * 255;
      for (let k = 0; k < 3; k++) this.tileColors[i * 3 + k] = this.roadColor[k]! + shade;
    }
  }

  private destroy(): void {
    for (const b of this.tileBodies) this.world.destroyBody(b);
    this.tileBodies = [];
    this.tiles = [];
    if (this.car) this.car.destroy();
    this.car = null;
  }

  /** Gymnasium's FrictionDetector: recolour on any tile contact, count first wheel visits. */
  private onContact(contact: Contact, begin: boolean): void {
    const ua = contact.getFixtureA().getBody().getUserData();
    const ub = contact.getFixtureB().getBody().getUserData();
    let tile: Tile | null = null;
    let obj: unknown = null;
    if (ua && typeof ua === 'object' && 'roadFriction' in ua) {
      tile = ua as Tile;
      obj = ub;
    } else if (ub && typeof ub === 'object' && 'roadFriction' in ub) {
      tile = ub as Tile;
      obj = ua;
    }
    if (!tile || !this.geometry || this.tiles[tile.idx] !== tile) return;
    for (let k = 0; k < 3; k++) this.tileColors[tile.idx * 3 + k] = this.roadColor[k]!;
    if (!(obj instanceof Wheel)) return;
    if (begin) {
      obj.tiles.add(tile);
      if (!tile.roadVisited) {
        tile.roadVisited = true;
        const n = this.geometry.track.length;
        this.rewardAcc += 1000.0 / n;
        this.tileVisitedCount += 1;
        // Inside the first-visit branch, as in Gymnasium: tile 0 is visited at reset, so this never fires (Q5).
        if (tile.idx === 0 && this.tileVisitedCount / n > this.lapCompletePercent) this.newLap = true;
      }
    } else {
      obj.tiles.delete(tile);
    }
  }

  step(action: ContinuousAction | DiscreteAction | number): StepResult {
    if (!this.car) throw new Error('Cannot call step() before reset()');
    return this.advance(action);
  }

  private advance(action: ContinuousAction | number | null): StepResult {
    const car = this.car!;
    if (action !== null) {
      if (this.continuous) {
        const a = action as ArrayLike<number>;
        if (typeof action === 'number' || a.length !== 3) throw new InvalidAction(`expected [steer, gas, brake], got ${String(action)}`);
        car.steer(-a[0]!);
        car.gas(a[1]!);
        car.brake(a[2]!);
      } else {
        if (typeof action !== 'number' || !Number.isInteger(action) || action < 0 || action > 4) {
          throw new InvalidAction(`you passed the invalid action \`${String(action)}\`; expected Discrete(5)`);
        }
        car.steer(-0.6 * +(action === 1) + 0.6 * +(action === 2));
        car.gas(0.2 * +(action === 3));
        car.brake(0.8 * +(action === 4));
      }
    }
    car.step(DT);
    this.world.step(DT, 6 * 30, 2 * 30);
    this.t += DT;

    if (this.observations) {
      this.fillScene();
      this.renderer.renderState(this.scene, this.obs);
    }

    let stepReward = 0;
    let terminated = false;
    let truncated = false;
    const info: StepInfo = {};
    if (action !== null) {
      this.rewardAcc -= 0.1;
      stepReward = this.rewardAcc - this.prevReward;
      this.prevReward = this.rewardAcc;
      if (this.tileVisitedCount === this.geometry!.track.length || this.newLap) {
        terminated = true;
        info.lap_finished = true;
      }
      const p = car.hull.getPosition();
      if (Math.abs(p.x) > PLAYFIELD || Math.abs(p.y) > PLAYFIELD) {
        terminated = true;
        info.lap_finished = false;
        stepReward = -100;
      }
      this.elapsedSteps += 1;
      if (this.elapsedSteps >= this.maxEpisodeSteps) truncated = true;
    }
    return { observation: this.obs, reward: stepReward, terminated, truncated, info };
  }

  carState(): CarState {
    const car = this.carInstance;
    const p = car.hull.getPosition();
    const v = car.hull.getLinearVelocity();
    return {
      hull: [p.x, p.y, car.hull.getAngle(), v.x, v.y, car.hull.getAngularVelocity()],
      wheelOmega: car.wheels.map((w) => w.omega),
      wheelJointAngle: car.wheels.map((w) => w.joint.getJointAngle()),
    };
  }

  private fillScene(): void {
    this.fillRenderScene(this.scene);
  }

  /** Copies the env's current state into a render scene (no allocation). */
  fillRenderScene(s: RenderScene): void {
    const car = this.car!;
    s.t = this.t;
    s.hudReward = this.rewardAcc;
    const p = car.hull.getPosition();
    const v = car.hull.getLinearVelocity();
    s.hull[0] = p.x;
    s.hull[1] = p.y;
    s.hull[2] = car.hull.getAngle();
    s.hull[3] = v.x;
    s.hull[4] = v.y;
    s.hull[5] = car.hull.getAngularVelocity();
    for (let i = 0; i < 4; i++) {
      const w = car.wheels[i]!;
      const wp = w.body.getPosition();
      const o = i * 6;
      s.wheels[o] = wp.x;
      s.wheels[o + 1] = wp.y;
      s.wheels[o + 2] = w.body.getAngle();
      s.wheels[o + 3] = w.omega;
      s.wheels[o + 4] = w.phase;
      s.wheels[o + 5] = w.joint.getJointAngle();
    }
    s.geometry = this.geometry;
    s.tileColors = this.tileColors;
    s.bgColor = this.bgColor;
    s.grassColor = this.grassColor;
    s.particles = car.particles;
  }

  /** rgb_array: a 600×400×3 RGB frame like Gymnasium's render() (skid marks included); null otherwise. */
  render(out?: Uint8Array): Uint8Array | null {
    if (this.renderMode !== 'rgb_array' || !this.car) return null;
    this.fillScene();
    const target = out ?? new Uint8Array(VIDEO_W * VIDEO_H * 3);
    this.renderer.renderVideo(this.scene, target);
    return target;
  }

  /** The full 1000×800 RGBA frame of the last render (for PNG export or a canvas). */
  renderFullRgba(out?: Uint8Array): Uint8Array {
    if (!this.car) throw new Error('reset() first');
    this.fillScene();
    return this.renderer.renderFullRgba(this.scene, true, out);
  }

  close(): void {
    this.destroy();
  }
}
