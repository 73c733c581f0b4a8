// A zone that cannot boot as configured (its payload, its memory, its vCPUs): the message says
// what to fix, `field` names the zone file's field it is about. Engines and the zone layer throw it;
// the CLI and the daemon print it as one line.
export class BootError extends Error {
  constructor(message: string, readonly field: "boot.kernel" | "zone.memory" = "boot.kernel") {
    super(message);
  }
}
