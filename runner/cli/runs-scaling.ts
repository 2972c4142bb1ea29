// `runs scaling [--sweep ID] [--metric NAME]`: the points of a scaling study and the power-law fit of each
// horizon, as tables (loaded only when asked for).
import { TextTable } from '../progress/format.js';
import { openIndexReadOnly } from '../tracking/db.js';
import { powerLaw, scalingStudy, type ScalingStudy } from '../tracking/index.js';

export interface ScalingRequest {
  rest: string[];
  sweep: string | null;
  metric: string | null;
  json: boolean;
  indexPath: string;
  stdout: { write(text: string): unknown };
}

/** Raised for a command line that cannot work; runs.ts turns it into exit code 2. */
export class ScalingUsageError extends Error {}

/** `runs scaling`: prints the study (or its JSON); returns the exit code. Index errors propagate as IndexError. */
export function scalingCommand(req: ScalingRequest): number {
  if (req.rest.length) throw new ScalingUsageError(`runs scaling takes no arguments, got '${req.rest.join(' ')}': use --sweep ID and --metric NAME`);
  const db = openIndexReadOnly(req.indexPath);
  let study: ScalingStudy;
  try {
    study = scalingStudy(db, { sweep: req.sweep, metric: req.metric ?? undefined });
  } finally {
    db.close();
  }
  req.stdout.write(req.json ? `${JSON.stringify(study, null, 2)}\n` : formatScaling(study));
  return 0;
}

/** The study as text: a heading, the points (with each one's fitted value), the fits, and the runs left out. */
export function formatScaling(study: ScalingStudy): string {
  const { metric, series } = study;
  const count = series.reduce((s, x) => s + x.points.length, 0);
  const scope = study.sweep ? `sweep ${study.sweep.id} (${study.sweep.dir})` : 'all runs';
  let out = `${metric} against the exact parameter count N, ${scope}: ${count} point(s) in ${series.length} series\n\n`;
  const points = new TextTable(['horizon', 'n_params', metric, 'fitted', 'budget', 'run']);
  for (const s of series) {
    for (const p of s.points) points.add([s.key, p.n.toLocaleString('en-US'), sig(p.y, 6), s.fit.ok ? sig(powerLaw(s.fit, p.n), 6) : '-', p.budget ?? '-', p.run_id]);
  }
  for (const chunk of points.chunks()) out += chunk;
  out += `\nfit: ${metric} = a·N^(−α) + c, least squares; ± is one standard error\n`;
  const fits = new TextTable(['horizon', 'points', 'a', 'α', '± α', 'c', '± c', 'R²', 'note']);
  for (const s of series) {
    const f = s.fit;
    if (!f.ok) fits.add([s.key, f.points, '-', '-', '-', '-', '-', '-', f.reason]);
    else fits.add([s.key, f.points, sig(f.a, 4), sig(f.alpha, 4), f.se ? sig(f.se.alpha, 2) : '-', sig(f.c, 4), f.se ? sig(f.se.c, 2) : '-', f.r2.toFixed(4), f.se ? '' : 'no uncertainty: 3 points leave no residual degrees of freedom']);
  }
  for (const chunk of fits.chunks()) out += chunk;
  if (study.left_out.length) {
    const why = new Map<string, number>();
    for (const r of study.left_out) why.set(r.why, (why.get(r.why) ?? 0) + 1);
    out += `\nleft out: ${study.left_out.length} run(s) (${[...why].map(([w, k]) => `${k} ${w}`).join(', ')})\n`;
  }
  return out;
}

/** `v` to `digits` significant digits, without exponent for ordinary magnitudes. */
function sig(v: number, digits: number): string {
  if (v === 0) return '0';
  const magnitude = Math.abs(v);
  if (magnitude >= 1e6 || magnitude < 1e-4) return v.toExponential(digits - 1);
  return String(Number(v.toPrecision(digits)));
}
