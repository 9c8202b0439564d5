// The 3D view: the model in the analysed posture (ground frame, metres, Y up), drawn again
// on each result. Rendering is on demand (after a result or a drag), not in a loop.
import * as THREE from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import { activationColour, compressionColour, riskColour } from './colours.js';

export class SpineView {
  constructor(container) {
    this.container = container;
    this.renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
    container.appendChild(this.renderer.domElement);
    this.scene = new THREE.Scene();
    this.scene.background = new THREE.Color(0x1d2430);
    this.scene.add(new THREE.HemisphereLight(0xffffff, 0x444455, 2.2));
    const sun = new THREE.DirectionalLight(0xffffff, 1.5);
    sun.position.set(2, 3, 2);
    this.scene.add(sun);
    const grid = new THREE.GridHelper(2, 20, 0x556070, 0x39424f);
    this.scene.add(grid);
    this.camera = new THREE.PerspectiveCamera(35, 1, 0.01, 50);
    this.camera.position.set(1.9, 1.2, 2.1);
    this.controls = new OrbitControls(this.camera, this.renderer.domElement);
    this.controls.target.set(0, 0.9, 0);
    this.controls.update();
    this.controls.addEventListener('change', () => this.render());
    this.model = new THREE.Group();
    this.scene.add(this.model);
    this.framed = false;
    new ResizeObserver(() => this.resize()).observe(container);
    this.resize();
  }

  resize() {
    const w = Math.max(1, this.container.clientWidth), h = Math.max(1, this.container.clientHeight);
    this.renderer.setSize(w, h);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
    this.render();
  }

  // (Not controls.update(): it fires 'change', which renders.)
  render() {
    this.renderer.render(this.scene, this.camera);
  }

  // geometry: the API's {bodies, levels, muscles, loads, support_m, com_m, com_over_support}.
  show(geometry, colourBy) {
    for (const child of [...this.model.children]) {
      this.model.remove(child);
      child.traverse?.((o) => { o.geometry?.dispose(); o.material?.dispose(); });
    }
    const v = (p) => new THREE.Vector3(p[0], p[1], p[2]);
    const byName = new Map(geometry.bodies.map((b) => [b.name, b]));

    // Skeleton: a rod from each body's origin to its parent's; a segment without children
    // (head, hands, feet) reaches twice its centre of mass beyond its origin.
    const boneMaterial = new THREE.MeshStandardMaterial({ color: 0xd8dde6, roughness: 0.8 });
    const hasChild = new Set(geometry.bodies.map((b) => b.parent));
    for (const b of geometry.bodies) {
      const parent = b.parent && byName.get(b.parent);
      if (parent) this.model.add(rod(v(parent.origin_m), v(b.origin_m), 0.009, boneMaterial));
      if (!hasChild.has(b.name)) {
        const o = v(b.origin_m);
        this.model.add(rod(o, o.clone().add(v(b.com_m).sub(o).multiplyScalar(2)), 0.014, boneMaterial));
      }
    }

    // Spinal levels: a disc at each joint centre, coloured by its load.
    const discGeometry = new THREE.CylinderGeometry(0.024, 0.024, 0.014, 24);
    for (const level of geometry.levels) {
      const colour = colourBy === 'risk' ? riskColour(level.factor_of_risk) : compressionColour(level.compression_N);
      const disc = new THREE.Mesh(discGeometry, new THREE.MeshStandardMaterial({ color: new THREE.Color(colour) }));
      disc.position.copy(v(level.centre_m));
      disc.name = level.level;
      this.model.add(disc);
    }

    // Muscles: their paths, coloured by activation.
    const points = [], colours = [];
    for (const m of geometry.muscles) {
      const c = new THREE.Color(activationColour(m.activation));
      for (let i = 0; i + 1 < m.path_m.length; ++i) {
        points.push(v(m.path_m[i]), v(m.path_m[i + 1]));
        colours.push(c.r, c.g, c.b, c.r, c.g, c.b);
      }
    }
    const muscleGeometry = new THREE.BufferGeometry().setFromPoints(points);
    muscleGeometry.setAttribute('color', new THREE.Float32BufferAttribute(colours, 3));
    this.model.add(new THREE.LineSegments(muscleGeometry, new THREE.LineBasicMaterial({ vertexColors: true })));

    // What she holds: an arrow along each external force, 10 cm per 50 N.
    for (const load of geometry.loads || []) {
      const f = v(load.force_N);
      const n = f.length();
      if (n < 1e-6) continue;
      this.model.add(new THREE.ArrowHelper(f.clone().normalize(), v(load.point_m), Math.max(0.05, 0.1 * n / 50),
                                           0xff9a2e, 0.04, 0.025));
    }

    // Centre of mass, its drop line, and the base of support on the floor.
    const floorY = Math.min(0, ...geometry.support_m.map((p) => p[1]));
    const com = v(geometry.com_m);
    const comBall = new THREE.Mesh(new THREE.SphereGeometry(0.02, 16, 12), new THREE.MeshStandardMaterial({ color: 0xffffff }));
    comBall.position.copy(com);
    this.model.add(comBall);
    const ok = geometry.com_over_support;
    this.model.add(new THREE.Line(new THREE.BufferGeometry().setFromPoints([com, new THREE.Vector3(com.x, floorY, com.z)]),
                                  new THREE.LineBasicMaterial({ color: ok ? 0x4cd964 : 0xff3b30 })));
    const hull = convexHull(geometry.support_m.map((p) => [p[0], p[2]]));
    if (hull.length >= 2) {
      const loop = hull.map(([x, z]) => new THREE.Vector3(x, floorY + 0.001, z));
      this.model.add(new THREE.LineLoop(new THREE.BufferGeometry().setFromPoints(loop),
                                        new THREE.LineBasicMaterial({ color: ok ? 0x4cd964 : 0xff3b30 })));
    }

    if (!this.framed) {  // look at her once; afterwards the user's view is kept
      const box = new THREE.Box3().setFromObject(this.model);
      const centre = box.getCenter(new THREE.Vector3());
      this.controls.target.copy(centre);
      this.camera.position.set(centre.x + 1.9, centre.y + 0.4, centre.z + 1.9);
      this.controls.update();
      this.framed = true;
    }
    this.render();
  }
}

// A cylinder of radius r from a to b.
function rod(a, b, r, material) {
  const d = b.clone().sub(a);
  const mesh = new THREE.Mesh(new THREE.CylinderGeometry(r, r, Math.max(d.length(), 1e-6), 10), material);
  mesh.position.copy(a).addScaledVector(d, 0.5);
  if (d.length() > 1e-9) mesh.quaternion.setFromUnitVectors(new THREE.Vector3(0, 1, 0), d.normalize());
  return mesh;
}

// Monotone chain convex hull of 2D points.
export function convexHull(pts) {
  const p = [...pts].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (p.length < 3) return p;
  const cross = (o, a, b) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower = [], upper = [];
  for (const q of p) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], q) <= 0) lower.pop();
    lower.push(q);
  }
  for (const q of p.reverse()) {
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], q) <= 0) upper.pop();
    upper.push(q);
  }
  return lower.slice(0, -1).concat(upper.slice(0, -1));
}
