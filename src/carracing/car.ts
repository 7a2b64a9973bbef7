/**
 * The car of Gymnasium's car_dynamics.py on planck (Box2D 2.3 lineage): a 4-polygon hull, four box wheels on
 * revolute joints with a steering motor and ±0.4 rad limits, and a per-wheel slip model applied as forces
 * before each world step.
 */
import { Body, PolygonShape, RevoluteJoint, Vec2, World } from 'planck';

export const SIZE = 0.02;
export const ENGINE_POWER = 100000000 * SIZE * SIZE;
export const WHEEL_MOMENT_OF_INERTIA = 4000 * SIZE * SIZE;
export const FRICTION_LIMIT = 1000000 * SIZE * SIZE;
export const WHEEL_R = 27;
export const WHEEL_W = 14;
export const WHEELPOS: readonly [number, number][] = [
  [-55, +80],
  [+55, +80],
  [-55, -82],
  [+55, -82],
];
export const HULL_POLYS: readonly (readonly [number, number][])[] = [
  [[-60, +130], [+60, +130], [+60, +110], [-60, +110]],
  [[-15, +120], [+15, +120], [+20, +20], [-20, +20]],
  [[+25, +20], [+50, -10], [+50, -40], [+20, -90], [-20, -90], [-50, -40], [-50, -10], [-25, +20]],
  [[-50, -120], [+50, -120], [+50, -90], [-50, -90]],
];
const WHEEL_POLY: [number, number][] = [
  [-WHEEL_W, +WHEEL_R],
  [+WHEEL_W, +WHEEL_R],
  [+WHEEL_W, -WHEEL_R],
  [-WHEEL_W, -WHEEL_R],
];
const TYRE_STIFFNESS = 205000 * SIZE * SIZE;
const BRAKE_FORCE = 15;
const MAX_PARTICLES = 30;
export const WHEEL_RADIUS = WHEEL_R * SIZE;

/** Anything a wheel can stand on; tiles carry their friction. */
export interface FrictionSurface {
  roadFriction: number;
}

export interface SkidParticle {
  /** Polyline in world coordinates, flattened x,y pairs. */
  points: number[];
  grass: boolean;
}

export class Wheel {
  gas = 0;
  brake = 0;
  steer = 0;
  omega = 0;
  phase = 0;
  readonly tiles = new Set<FrictionSurface>();
  skidStart: [number, number] | null = null;
  skidParticle: SkidParticle | null = null;
  constructor(
    readonly body: Body,
    readonly joint: RevoluteJoint,
  ) {}
}

/** Identifies the car's bodies in contact callbacks (the hull has no user data in Gymnasium). */
export const WHEEL_TAG = 'wheel';

export class Car {
  readonly hull: Body;
  readonly wheels: Wheel[] = [];
  private readonly forceScratch = { x: 0, y: 0 };
  /** Skid marks, oldest first (rendered in rgb_array mode only). */
  readonly particles: SkidParticle[] = [];

  constructor(
    private readonly world: World,
    initAngle: number,
    initX: number,
    initY: number,
  ) {
    this.hull = world.createBody({ type: 'dynamic', position: Vec2(initX, initY), angle: initAngle });
    for (const poly of HULL_POLYS) {
      this.hull.createFixture({
        shape: new PolygonShape(poly.map(([x, y]) => Vec2(x * SIZE, y * SIZE))),
        density: 1.0,
        friction: 0.2,
        restitution: 0,
      });
    }
    for (const [wx, wy] of WHEELPOS) {
      // Offsets are not rotated by the initial angle (Gymnasium quirk Q3).
      const body = world.createBody({
        type: 'dynamic',
        position: Vec2(initX + wx * SIZE, initY + wy * SIZE),
        angle: initAngle,
      });
      body.createFixture({
        shape: new PolygonShape(WHEEL_POLY.map(([x, y]) => Vec2(x * SIZE, y * SIZE))),
        density: 0.1,
        friction: 0.2,
        restitution: 0,
        filterCategoryBits: 0x0020,
        filterMaskBits: 0x001,
      });
      const joint = world.createJoint(
        new RevoluteJoint({
          bodyA: this.hull,
          bodyB: body,
          localAnchorA: Vec2(wx * SIZE, wy * SIZE),
          localAnchorB: Vec2(0, 0),
          // explicit: planck would otherwise default to the bodies' current relative angle
          referenceAngle: 0,
          enableMotor: true,
          enableLimit: true,
          maxMotorTorque: 180 * 900 * SIZE * SIZE,
          motorSpeed: 0,
          lowerAngle: -0.4,
          upperAngle: +0.4,
        }),
      )!;
      const wheel = new Wheel(body, joint);
      body.setUserData(wheel);
      this.wheels.push(wheel);
    }
  }

  /** Rear-wheel drive; gas rises by at most 0.1 per step and falls at once. */
  gas(gas: number): void {
    const g = Math.min(Math.max(gas, 0), 1);
    for (let i = 2; i < 4; i++) {
      const w = this.wheels[i]!;
      let diff = g - w.gas;
      if (diff > 0.1) diff = 0.1;
      w.gas += diff;
    }
  }

  /** Unclipped, as in Gymnasium: ≥ 0.9 locks the wheels. */
  brake(b: number): void {
    for (const w of this.wheels) w.brake = b;
  }

  /** Target joint angle of the front wheels (the env passes −action[0]). */
  steer(s: number): void {
    this.wheels[0]!.steer = s;
    this.wheels[1]!.steer = s;
  }

  step(dt: number): void {
    for (const w of this.wheels) {
      const jointAngle = w.joint.getJointAngle();
      const steerError = w.steer - jointAngle;
      w.joint.setMotorSpeed(Math.sign(steerError) * Math.min(50.0 * Math.abs(steerError), 3.0));

      let grass = true;
      let frictionLimit = FRICTION_LIMIT * 0.6;
      for (const tile of w.tiles) {
        frictionLimit = Math.max(frictionLimit, FRICTION_LIMIT * tile.roadFriction);
        grass = false;
      }

      const angle = w.body.getAngle();
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      // forward = local (0,1), side = local (1,0) in world coordinates
      const forwX = -s;
      const forwY = c;
      const sideX = c;
      const sideY = s;
      const v = w.body.getLinearVelocity();
      const vf = forwX * v.x + forwY * v.y;
      const vs = sideX * v.x + sideY * v.y;

      w.omega += (dt * ENGINE_POWER * w.gas) / WHEEL_MOMENT_OF_INERTIA / (Math.abs(w.omega) + 5.0);
      if (w.brake >= 0.9) {
        w.omega = 0;
      } else if (w.brake > 0) {
        const dir = -Math.sign(w.omega);
        let val = BRAKE_FORCE * w.brake;
        if (Math.abs(val) > Math.abs(w.omega)) val = Math.abs(w.omega);
        w.omega += dir * val;
      }
      w.phase += w.omega * dt;

      let fForce = (-vf + w.omega * WHEEL_RADIUS) * TYRE_STIFFNESS;
      let pForce = -vs * TYRE_STIFFNESS;
      let force = Math.sqrt(fForce * fForce + pForce * pForce);

      if (Math.abs(force) > 2.0 * frictionLimit) this.skid(w, grass);
      else {
        w.skidStart = null;
        w.skidParticle = null;
      }

      if (Math.abs(force) > frictionLimit) {
        fForce /= force;
        pForce /= force;
        force = frictionLimit;
        fForce *= force;
        pForce *= force;
      }
      w.omega -= (dt * fForce * WHEEL_RADIUS) / WHEEL_MOMENT_OF_INERTIA;
      const force2 = this.forceScratch;
      force2.x = pForce * sideX + fForce * forwX;
      force2.y = pForce * sideY + fForce * forwY;
      w.body.applyForceToCenter(force2, true); // planck copies the value
    }
  }

  private skid(w: Wheel, grass: boolean): void {
    const p = w.body.getPosition();
    if (w.skidParticle && w.skidParticle.grass === grass && w.skidParticle.points.length < 2 * 30) {
      w.skidParticle.points.push(p.x, p.y);
    } else if (w.skidStart === null) {
      w.skidStart = [p.x, p.y];
    } else {
      const particle: SkidParticle = { points: [w.skidStart[0], w.skidStart[1], p.x, p.y], grass };
      if (this.particles.length >= MAX_PARTICLES) this.particles.shift();
      this.particles.push(particle);
      w.skidParticle = particle;
      w.skidStart = null;
    }
  }

  destroy(): void {
    this.world.destroyBody(this.hull);
    for (const w of this.wheels) this.world.destroyBody(w.body);
  }
}
