// listr2 renderers that show a task's own final mark. listr2 knows completed, failed and skipped, but not
// interrupted or not started, and marks a parent done (✔) whatever its children did. So every job and sweep
// task ends `completed` for listr2, and the reporter records its real state in a `FinalStates` map, which
// these renderers read for the icon. The word is in the task's title.
import {
  DefaultRenderer,
  figures,
  color,
  ListrDefaultRendererLogLevels,
  ListrTaskEventType,
  ListrTaskState,
  type ListrDefaultRendererOptions,
  type ListrDefaultRendererTask,
  type ListrEventManager,
  type ListrTaskObject,
  type ProcessOutput,
} from 'listr2';
import { markIcon, MARKS, type FinalState } from './marks.js';

/** A task's final state, by listr2 task id, set before the task ends. */
export type FinalStates = Map<string, FinalState>;

type MarkedOptions = ListrDefaultRendererOptions & { finalStates: FinalStates };

/** listr2's live display, with our mark on a task that has a final state and ◻ on a waiting one. */
export class MarkedRenderer extends DefaultRenderer {
  /** The reporter picks this renderer for a terminal itself (or when told `tty`); listr2 must not swap it. */
  static override nonTTY = true;
  private readonly finalStates: FinalStates;

  constructor(tasks: ListrDefaultRendererTask[], options: MarkedOptions, events: ListrEventManager) {
    super(tasks, { ...options, icon: { [ListrDefaultRendererLogLevels.WAITING]: MARKS['not started'].icon, ...options.icon } }, events);
    this.finalStates = options.finalStates;
  }

  protected override style(task: ListrDefaultRendererTask, output = false): string {
    const state = this.finalStates.get(task.id);
    return state && !output && task.isCompleted() ? markIcon(state) : super.style(task, output);
  }
}

interface PlainOptions {
  finalStates: FinalStates;
  processOutput: ProcessOutput;
  /** Whether a task that starts now gets a `❯ title` line: not once the launch ended (listr2 then only ends the rest). */
  announce: () => boolean;
}

type AnyTask = ListrTaskObject<any, any, any>;

/**
 * Plain lines for a pipe, a log file or CI: `❯ title` when a task starts, `› output` for its output,
 * and `<mark> title` when it ends (a job a stopped sweep never ran gets only that last line).
 * All on stdout, so a pipe keeps them in order.
 */
export class PlainRenderer {
  static nonTTY = true;
  static rendererOptions: Record<PropertyKey, any> = {};
  static rendererTaskOptions: Record<PropertyKey, any> = {};

  constructor(
    private readonly tasks: AnyTask[],
    private readonly options: PlainOptions,
  ) {}

  render(): void {
    this.watch(this.tasks);
  }

  end(): void {}

  private watch(tasks: AnyTask[]): void {
    for (const task of tasks) {
      task.on(ListrTaskEventType.SUBTASK, (subtasks: AnyTask[]) => this.watch(subtasks));
      task.on(ListrTaskEventType.OUTPUT, (output: string) => this.line(figures.pointerSmall, output));
      task.on(ListrTaskEventType.STATE, (state: ListrTaskState) => {
        if (!task.hasTitle()) return;
        if (state === ListrTaskState.STARTED) {
          if (this.options.announce()) this.line(color.yellow(figures.pointer), task.title!);
        } else if (state === ListrTaskState.COMPLETED) this.line(markIcon(this.options.finalStates.get(task.id) ?? 'completed'), task.title!);
        // The reporter's tasks end completed; this is for one that throws by a bug, so it cannot end unseen.
        else if (state === ListrTaskState.FAILED) this.line(markIcon('failed'), `${task.title} · failed`);
      });
    }
  }

  private line(icon: string, text: string): void {
    for (const l of text.split('\n')) this.options.processOutput.toStdout(`${icon} ${l}`);
  }
}
