/**
 * Long work written once as a generator that yields wherever it may pause, then run either at
 * once or in slices (a server keeps answering between them). Pure: the caller's `pause`
 * decides what a pause is.
 */

/** Work that yields where it may pause and returns a `T`. */
export type Steps<T> = Generator<void, T>;

/** Runs `steps` to the end at once. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
  }
}

/** Runs `steps` to the end, awaiting `pause` at each point where it may pause. */
export async function runStepsAsync<T>(steps: Steps<T>, pause: () => Promise<void>): Promise<T> {
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
    await pause();
  }
}
