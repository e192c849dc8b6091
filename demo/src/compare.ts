// The compare view: |WebGPU - CPU| per pixel as a heat map on a log scale, and the max abs error.

export interface Comparison {
  image: ImageData;
  /** Largest |gpu - cpu| over every channel, in [0, 1] units. */
  maxAbsError: number;
  /** Pixels whose 8-bit values differ by more than 1 in some channel. */
  pixelsOff: number;
}

/** The heat map's scale: errors from 1e-8 to 1e-1, one colour stop per decade. */
export const LOG_RANGE = { min: -8, max: -1 } as const;

// a dark-to-bright ramp (black, purple, red, orange, yellow, white): readable on the dark page
const STOPS: [number, number, number][] = [
  [20, 12, 40],
  [85, 20, 110],
  [170, 40, 90],
  [230, 90, 40],
  [250, 170, 30],
  [250, 230, 120],
  [255, 255, 255],
];

export function heatColor(error: number): [number, number, number] {
  if (!(error > 0)) return [0, 0, 0];
  const t = (Math.log10(error) - LOG_RANGE.min) / (LOG_RANGE.max - LOG_RANGE.min);
  const x = Math.min(1, Math.max(0, t)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  return [0, 1, 2].map((c) => Math.round(STOPS[i][c] + f * (STOPS[i + 1][c] - STOPS[i][c]))) as [
    number,
    number,
    number,
  ];
}

export function compareOutputs(gpu: Float32Array, cpu: Float32Array, width: number, height: number): Comparison {
  const image = new ImageData(width, height);
  const plane = width * height;
  let maxAbsError = 0;
  let pixelsOff = 0;
  const byte = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 255);
  for (let i = 0; i < plane; i++) {
    let error = 0;
    let off = false;
    for (let c = 0; c < 3; c++) {
      const a = gpu[c * plane + i];
      const b = cpu[c * plane + i];
      error = Math.max(error, Math.abs(a - b));
      off ||= Math.abs(byte(a) - byte(b)) > 1;
    }
    maxAbsError = Math.max(maxAbsError, error);
    if (off) pixelsOff++;
    const [r, g, b] = heatColor(error);
    image.data.set([r, g, b, 255], 4 * i);
  }
  return { image, maxAbsError, pixelsOff };
}

/** A CSS gradient of the heat map's colours, for its legend. */
export const legendGradient = () =>
  `linear-gradient(to right, ${STOPS.map(([r, g, b]) => `rgb(${r} ${g} ${b})`).join(', ')})`;
