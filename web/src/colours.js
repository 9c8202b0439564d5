// Colour scales shared by the 3D view and its legend.
export const NIOSH_ACTION_LIMIT_N = 3400;
export const NIOSH_MAX_PERMISSIBLE_N = 6400;

function mix(a, b, t) {
  return a.map((x, i) => Math.round(x + (b[i] - x) * t));
}
const GREEN = [46, 160, 67], AMBER = [230, 170, 30], RED = [210, 40, 40];

function ramp(t) {  // 0 green, 0.5 amber, 1 red
  const c = t <= 0.5 ? mix(GREEN, AMBER, Math.max(0, t) / 0.5) : mix(AMBER, RED, (Math.min(1, t) - 0.5) / 0.5);
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

// Compression: green below the NIOSH action limit, amber at it, red at the maximum permissible limit.
export function compressionColour(n) {
  const t = n <= NIOSH_ACTION_LIMIT_N ? 0.5 * n / NIOSH_ACTION_LIMIT_N
                                      : 0.5 + 0.5 * (n - NIOSH_ACTION_LIMIT_N) / (NIOSH_MAX_PERMISSIBLE_N - NIOSH_ACTION_LIMIT_N);
  return ramp(t);
}

// Factor of risk (compression over vertebral strength): amber at 0.5, red at 1.
export function riskColour(phi) { return ramp(phi); }

// Activation 0 grey to 1 red.
export function activationColour(a) {
  const c = mix([150, 150, 160], [220, 30, 30], Math.min(1, Math.max(0, a)));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}
