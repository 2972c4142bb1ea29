// One mark (icon and colour) per final state of a job or a sweep, the same in the live display and in plain lines.
// Icons come from listr2's figures, so a terminal without Unicode gets its ASCII-safe set (√, ×, ■, ...).
import { color, figures, isUnicodeSupported } from 'listr2';
import type { RunStatus } from '../outputs/index.js';

/** How a job ended (its run status), `not started` for a job a stopped sweep never ran, or how a sweep ended. */
export type FinalState = Exclude<RunStatus, 'running'> | 'not started' | 'submitted';

interface Mark {
  icon: string;
  paint: (text: string) => string;
}

/**
 * ✔ green: done. ✖ red: the task broke. ↓ yellow: refused (listr2's mark for a skipped task).
 * → cyan: submitted to a scheduler, not waited for. ◼ yellow: stopped by Ctrl-C or SIGTERM, a media "stop" square (listr2's mark for a halted task), filled because
 * the job ran. ✖ red also for lost: its process died with nothing to continue from. ◻ dim: never ran; also the mark of a job still waiting on the live display, which is what it stayed.
 * ✂ magenta: a study's trial cut short by its pruner (ended as meant, not a failure).
 */
export const MARKS: Record<FinalState, Mark> = {
  completed: { icon: figures.tick, paint: color.green },
  failed: { icon: figures.cross, paint: color.red },
  skipped: { icon: figures.arrowDown, paint: color.yellow },
  interrupted: { icon: figures.squareSmallFilled, paint: color.yellow },
  lost: { icon: figures.cross, paint: color.red },
  pruned: { icon: isUnicodeSupported() ? '✂' : '-', paint: color.magenta },
  'not started': { icon: isUnicodeSupported() ? '◻' : '□', paint: color.dim },
  // handed to a scheduler (launcher=slurm with wait=false) and not waited for
  submitted: { icon: figures.arrowRight, paint: color.cyan },
};

/** The state's icon in its colour (plain when NO_COLOR is set or the output is not a colour terminal). */
export const markIcon = (state: FinalState): string => MARKS[state].paint(MARKS[state].icon);

/** `text` in the state's colour, e.g. the `failed after 3.1s, reason below` that ends a job line. */
export const paintState = (state: FinalState, text: string): string => MARKS[state].paint(text);
