/* A virtio driver that loops on reset + refused feature negotiation (no VIRTIO_F_VERSION_1)
 * 200 000 times on the device in slot 0. Each refusal is a host diagnostic: the host must
 * rate-limit them. A final load of STATUS waits until the VMM has served every store. */
#include "test.h"
#define VIRTIO0 0x10001000
#define ROUNDS 200000

TEST_PROLOGUE
  .option norvc
  li s0, VIRTIO0
  TEST(1, a0, 0x74726976, lw a0, 0(s0))          /* magic "virt" */
  li s1, ROUNDS
1:
  sw zero, 0x70(s0)                              /* STATUS = 0: reset */
  li t0, 3
  sw t0, 0x70(s0)                                /* ACKNOWLEDGE | DRIVER */
  sw zero, 0x24(s0)                              /* DRIVER_FEATURES_SEL = 0 */
  sw zero, 0x20(s0)                              /* no features at all: VERSION_1 missing */
  li t0, 11
  sw t0, 0x70(s0)                                /* + FEATURES_OK: refused */
  addi s1, s1, -1
  bnez s1, 1b
  TEST(2, a0, 3, lw a0, 0x70(s0))                /* FEATURES_OK did not stick */
  j pass

TEST_EPILOGUE
TEST_STACK
