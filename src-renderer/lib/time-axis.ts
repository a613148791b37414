/**
 * Ticks and labels of the viewer's time axis: wall-clock time of day from the record's start
 * (the WFDB header's base time and date) when it is known, else time elapsed since sample 0.
 * Ticks fall on round clock values (…, 10 s, 15 s, 30 s, 1 min, 5 min, …) in whichever of the
 * two the axis shows, so a wall-clock axis reads 10:00:10, 10:00:20, not 10:00:07.3.
 */

/** When a record started (seconds after local midnight; date 'YYYY-MM-DD' when known). */
export interface ClockStart {
  secondsOfDay: number;
  date: string | null;
}

export interface AxisTick {
  /** Seconds since the record's first sample. */
  elapsed: number;
  label: string;
}

const STEPS = [
  0.01, 0.02, 0.04, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200,
  10800, 21600, 43200, 86400,
];

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Decimals a label needs for ticks `step` seconds apart. */
const decimalsFor = (step: number): number => (step >= 1 ? 0 : step >= 0.1 ? 1 : 2);

/** Time of day (wrapping at midnight) as HH:MM:SS[.s]; HH:MM for steps of whole minutes. */
export function clockLabel(secondsOfDay: number, step = 1): string {
  const d = decimalsFor(step);
  const t = Math.round((((secondsOfDay % 86400) + 86400) % 86400) * 10 ** d) / 10 ** d;
  const h = Math.floor(t / 3600) % 24;
  const m = Math.floor((t % 3600) / 60);
  const s = t % 60;
  if (step >= 60 && s === 0) return `${pad(h)}:${pad(m)}`;
  const sec = d ? s.toFixed(d).padStart(3 + d, '0') : pad(Math.round(s));
  return `${pad(h)}:${pad(m)}:${sec}`;
}

/** Elapsed time: '12.5 s' under a minute, else m:ss or h:mm:ss. */
export function elapsedLabel(seconds: number, step = 1): string {
  const d = decimalsFor(step);
  const t = Math.round(seconds * 10 ** d) / 10 ** d;
  if (t < 60) return `${t.toFixed(d)} s`;
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const s = t % 60;
  const sec = d ? s.toFixed(d).padStart(3 + d, '0') : pad(Math.round(s));
  return h > 0 ? `${h}:${pad(m)}:${sec}` : `${m}:${sec}`;
}

/**
 * Ticks over [t0, t1] seconds since the start, at most `maxTicks` of them, on round values of
 * the clock (when `start` is given) or of elapsed time.
 */
export function timeTicks(
  t0: number,
  t1: number,
  maxTicks: number,
  start: ClockStart | null,
): AxisTick[] {
  const span = Math.max(1e-9, t1 - t0);
  const step = STEPS.find((s) => span / s <= Math.max(1, maxTicks)) ?? STEPS[STEPS.length - 1];
  const offset = start ? start.secondsOfDay : 0;
  const out: AxisTick[] = [];
  const first = Math.ceil((t0 + offset) / step - 1e-9);
  for (let k = first; k * step - offset <= t1 + 1e-9; k++) {
    const abs = k * step;
    const elapsed = abs - offset;
    out.push({
      elapsed,
      label: start ? clockLabel(abs, step) : elapsedLabel(elapsed, step),
    });
  }
  return out;
}
