// The daemon could not start or go on (socket, system config, listening): one line for the user.
// Its own module: the CLI checks for it without loading the daemon (zone commands start faster).
export class DaemonError extends Error {}
