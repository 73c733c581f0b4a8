// The daemon's JSON API as both sides see it: request bodies (validated with zod on arrival) and
// the response shapes. docs/api.md and docs/openapi.json describe the same.
import { z } from "zod";
import type { Arch } from "../engine/arch.js";
import { CONFIG_FILE_MAX } from "../host/user-file.js";
import type { ZoneRunState } from "../zone/zone-link.js";

export const API_PREFIX = "/v1";
export const CONSOLE_PROTOCOL = "tsvisor-console";

export const createZoneBody = z.object({
  /** Path of the zone file: names it in messages and anchors relative paths in it. */
  file: z.string().min(1).max(4096),
  /** The file's TOML text; omitted: the daemon reads `file` itself. */
  toml: z.string().max(CONFIG_FILE_MAX).optional(),
}).strict();
export type CreateZoneBody = z.infer<typeof createZoneBody>;

/** A zone's state (the zone's own vocabulary, see zone-link.ts ZoneRunState). */
export type ZoneState = ZoneRunState;

export interface VcpuInfo {
  vcpu: number;
  hostCpu: number;
  /** Linux thread id in the zone's process (0 until the thread runs). */
  tid: number;
}

export interface ZoneInfo {
  id: number;
  name: string;
  kind: "user" | "realtime";
  arch: Arch;
  state: ZoneState;
  /** Why the zone ended (states `failed`, `panicked`, `error`; for `panicked` it holds the panic message). */
  reason?: string;
  /** The guest's exit status when it reported failure with one (state `failed`). */
  exitCode?: number;
  vcpus: VcpuInfo[];
  shareCpus: boolean;
  /** Guest RAM in bytes. */
  memory: number;
  /** Bytes taken from the pool (RAM + engine state). */
  poolBytes: number;
  memoryLocked: boolean;
  boot: { kernel: string; initrd?: string; cmdline: string };
  file: string;
  /** ISO time of the current boot (also after a reboot). */
  startedAt?: string;
  uptimeSeconds?: number;
  reboots: number;
  /** The zone's host process (pid 0 when it has none: ended) and its cgroup directories. */
  process: { pid: number; cgroup: string[]; memoryLimit: number };
  /**
   * droppedBytes: console output that left the history before anyone read it; droppedInputBytes:
   * keyboard input dropped because the zone was not taking it.
   */
  console: { bufferedBytes: number; attached: number; droppedBytes: number; droppedInputBytes: number };
}

export interface Zone0Info {
  pid: number;
  socket: string;
  system: string;
  hostCpus: number[];
  usableHostCpus: number[];
  freeHostCpus: number[];
  pool: { total: number; used: number; free: number };
  uptimeSeconds: number;
  /** How zone processes are confined: "v2", "v1" or "none". */
  cgroups: string;
}

export interface ZoneList {
  zone0: Zone0Info;
  zones: ZoneInfo[];
}

export interface ApiErrorBody {
  error: string;
  /** Each problem of a refused zone config, as "file: field: fix". */
  problems?: string[];
}
