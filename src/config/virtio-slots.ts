// How many virtio-mmio slots a zone's machine has, apart from the device schema (devices.ts):
// zone processes and their threads need the number, not the schema library.
import type { DeviceConfig } from "./devices.js";

/** virtio-mmio slots of the riscv64 platform (IRQs 1..8, as on QEMU's virt machine). */
export const VIRTIO_SLOTS = 8;

/**
 * virtio-mmio slots the machine has: all of them, used or not, as on QEMU virt. Guests written
 * for that machine (RT-Thread's BSP, U-Boot) probe every slot's registers; an empty slot answers
 * with device ID 0, which drivers skip.
 */
export function virtioSlotCount(_devices: readonly DeviceConfig[]): number {
  return VIRTIO_SLOTS;
}
