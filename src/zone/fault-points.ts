// Test hook: make a chosen step of starting a zone fail, to prove every step cleans up after
// itself. Only tests arm it; in normal runs `failAt` is a no-op.
export const START_STEPS = [
  "reserve-cpus", "reserve-memory", "read-images", "create-memory", "lock-memory",
  "spawn-vmm", "spawn-vcpu", "pin-vcpu",
] as const;
export type StartStep = (typeof START_STEPS)[number];

let armed: StartStep | undefined;

export class InjectedFault extends Error {}

export function armFault(step: StartStep | undefined): void {
  armed = step;
}

/** The armed step (the daemon hands it to the zone process it starts next). */
export function armedFault(): StartStep | undefined {
  return armed;
}

export function isArmed(step: StartStep): boolean {
  return armed === step;
}

/** Throws when `step` is the armed one. */
export function failAt(step: StartStep): void {
  if (armed === step) throw new InjectedFault(`injected failure at step ${step}`);
}
