/* SBI HSM conformance on a 4-hart zone, from the SBI specification v3.0 §Hart State Management
 * (and §Firmware Features for the per-hart scope of FWFT), including races between harts:
 * - get_status of every hart, invalid hart ids; start errors; hart_stop does not return;
 * - two harts racing to start the same hart while it starts and stops itself, with remote
 *   fences to it in between: every SBI_SUCCESS is one start (the target runs exactly as often),
 *   every other answer is SBI_ERR_ALREADY_AVAILABLE, get_status only ever reports HSM states;
 * - a hart suspending (retentive) over and over while another IPIs it and polls its status:
 *   no wake-up is lost, status is STARTED or SUSPENDED; a non-retentive suspend seen from
 *   another hart (SUSPENDED, hart_start refused, remote fence served), woken by an IPI sent to
 *   "all harts" (hart_mask_base = -1), resuming at resume_addr with the specified registers;
 * - FWFT MISALIGNED_EXC_DELEG lock: local to a hart, kept across a non-retentive suspend,
 *   cleared by a hart reset (stop, start). */
#include "test.h"
#define HARTS 4
#define RACE_ITER 3000
#define SLEEPS 300
#define HSM_STARTED 0
#define HSM_STOPPED 1
#define HSM_SUSPENDED 4
#define STATUS(hart) li a0, hart; SBI_CALL(SBI_HSM, 2)
#define START(hart, label, opaque) li a0, hart; la a1, label; li a2, opaque; SBI_CALL(SBI_HSM, 0)
#define FWFT_SET(value, flags) li a0, 0; li a1, value; li a2, flags; SBI_CALL(SBI_FWFT, 0)
#define EXPECT(n, err, val, code...) TEST(n, a0, err, code; mv s3, a1) TEST(n, s3, val)

TEST_PROLOGUE
  .option norvc

  /* ---- get_status: "SBI_ERR_INVALID_PARAM: the given hartid is not valid" ---- */
  EXPECT(1, 0, HSM_STARTED, STATUS(0))
  EXPECT(2, 0, HSM_STOPPED, STATUS(1))
  EXPECT(3, 0, HSM_STOPPED, STATUS(3))
  TEST(4, a0, SBI_ERR_INVALID_PARAM, STATUS(HARTS))
  TEST(5, a0, SBI_ERR_INVALID_PARAM, STATUS(-1))
  TEST(6, a0, SBI_ERR_INVALID_PARAM, li a0, 0x100000001; SBI_CALL(SBI_HSM, 2))    /* unsigned long */

  /* ---- hart_start errors: INVALID_PARAM for a hart id that cannot be started, INVALID_ADDRESS
   * for "not a valid physical address", ALREADY_AVAILABLE for "already started" ---- */
  TEST(10, a0, SBI_ERR_INVALID_PARAM, START(HARTS, reporter, 0))
  TEST(11, a0, SBI_ERR_INVALID_PARAM, li a0, 0x100000001; la a1, reporter; SBI_CALL(SBI_HSM, 0))
  TEST(12, a0, SBI_ERR_INVALID_ADDRESS, li a0, 1; li a1, 0x1000; SBI_CALL(SBI_HSM, 0))
  TEST(13, a0, SBI_ERR_INVALID_ADDRESS, li a0, 1; li a1, 0x10000000; SBI_CALL(SBI_HSM, 0))   /* MMIO */
  TEST(14, a0, SBI_ERR_ALREADY_AVAILABLE, START(0, reporter, 0))
  EXPECT(15, 0, HSM_STOPPED, STATUS(1))                                    /* failed starts changed nothing */
  /* success: "hart was previously in stopped state"; it starts with satp = 0, sstatus.SIE = 0,
   * a0 = hartid, a1 = opaque; hart_stop "is not expected to return" */
  TEST(16, a0, 0, START(1, reporter, 0x1234))
  TEST(17, a0, HSM_STOPPED, WAIT_STATUS(1, HSM_STOPPED))
  TEST(18, a0, 1, ld a0, rep_done)
  TEST(19, a0, 1, ld a0, rep_a0)
  TEST(20, a0, 0x1234, ld a0, rep_a1)
  TEST(21, a0, 0, ld a0, rep_satp)
  TEST(22, a0, 0, ld a0, rep_status; andi a0, a0, SSTATUS_SIE)
  TEST(23, a0, 0, ld a0, rep_stop_returned)
  /* FWFT is per hart ("local"): this hart's lock does not bind hart 1 (checked by hart 1) */
  TEST(24, a0, 0, FWFT_SET(1, 1))

  /* ---- start race: harts 1 and 2 both start hart 3 again and again ---- */
  TEST(30, a0, 0, START(1, racer, 0))
  TEST(31, a0, 0, START(2, racer, 0))
  TEST(32, a0, 2, WAIT_EQ(racers_done, 2))
  TEST(33, a0, HSM_STOPPED, WAIT_STATUS(3, HSM_STOPPED))
  TEST(34, a0, HSM_STOPPED, WAIT_STATUS(1, HSM_STOPPED))
  TEST(35, a0, HSM_STOPPED, WAIT_STATUS(2, HSM_STOPPED))
  TEST(36, a0, 0, ld a0, race_bad)                     /* only SUCCESS / ALREADY_AVAILABLE / states */
  TEST(37, a0, 0, ld a0, race_bad_value)
  TEST(38, a0, 1, ld a0, race_success; sltu a0, zero, a0)     /* the race started it at least once */
  TEST_EQ(39, a0, a1, ld a0, race_success; ld a1, target_runs) /* each success is one start */

  /* ---- suspend race: hart 1 sleeps SLEEPS times, hart 2 keeps waking it ---- */
  TEST(50, a0, 0, START(1, sleeper, 0))
  TEST(51, a0, 0, START(2, waker, 0))
  TEST(52, a0, 1, WAIT_EQ(sleeper_up, 1))              /* from here on it is STARTED or SUSPENDED */
  li s5, 0
1: STATUS(1)                                           /* hart 0 polls too, meanwhile */
  bnez a0, 2f
  beqz a1, 3f
  li t0, HSM_SUSPENDED
  beq a1, t0, 3f
2: li s5, 1
3: ld t0, sleeps
  li t1, SLEEPS
  blt t0, t1, 1b
  TEST(53, s5, 0)
  TEST(54, a0, SLEEPS, WAIT_EQ(sleeps, SLEEPS))
  TEST(55, a0, 0, ld a0, waker_bad)
  TEST(49, a0, 0, ld a0, sleeper_bad)
  /* hart 1 is now in a non-retentive suspend: SUSPENDED to others, not startable, still a
   * valid fence target; an IPI to "all harts" (base -1) wakes it */
  TEST(56, a0, HSM_SUSPENDED, WAIT_STATUS(1, HSM_SUSPENDED))
  TEST(57, a0, SBI_ERR_ALREADY_AVAILABLE, START(1, reporter, 0))
  TEST(58, a0, 0, li a0, 2; li a1, 0; li a2, 0; li a3, 0; SBI_CALL(SBI_RFENCE, 1))
  EXPECT(59, 0, HSM_SUSPENDED, STATUS(1))
  TEST(60, a0, 0, ld a0, resumed)
  TEST(61, a0, 0, li a0, 0; li a1, -1; SBI_CALL(SBI_IPI, 0))
  TEST(62, a0, 1, WAIT_EQ(resumed, 1))
  TEST(63, a0, 1, ld a0, res_a0)
  TEST(64, a0, 0x5151, ld a0, res_a1)
  TEST(65, a0, 0, ld a0, res_satp)
  TEST(66, a0, 0, ld a0, res_status; andi a0, a0, SSTATUS_SIE)
  csrci sip, 2                                        /* the IPI reached this hart as well */
  TEST(67, a0, HSM_STOPPED, WAIT_STATUS(1, HSM_STOPPED))
  /* FWFT lock of hart 1: free before it locked, kept across its non-retentive suspend */
  TEST(70, a0, 0, ld a0, fwft_first)
  TEST(71, a0, 0, ld a0, fwft_lock)
  TEST(72, a0, SBI_ERR_DENIED_LOCKED, ld a0, fwft_after_resume)
  /* "upon hart reset, local feature values are not retained": a restarted hart is unlocked */
  TEST(73, a0, 0, sd zero, rep_done, t0; START(1, fwft_fresh, 0))
  TEST(74, a0, 1, WAIT_EQ(rep_done, 1))
  TEST(75, a0, 0, ld a0, fwft_restarted)
  TEST(76, a0, SBI_ERR_DENIED_LOCKED, FWFT_SET(1, 0))  /* this hart's own lock stays */
  j pass

/* ================= secondary harts ================= */
  .balign 4
reporter:
  SAVE_ENTRY_STATE(rep)
  li t1, 1
  sd t1, rep_done, t0
  SBI_CALL(SBI_HSM, 1)
  li t1, 1
  sd t1, rep_stop_returned, t0
1: j 1b

/* racer: start hart 3 RACE_ITER times, fence it, poll its status; count what came back */
racer:
  li s0, RACE_ITER
  li s1, 0                                            /* successes */
1: START(3, target, 0)
  beqz a0, 2f
  li t0, SBI_ERR_ALREADY_AVAILABLE
  beq a0, t0, 3f
  sd a0, race_bad, t0                                 /* any other answer */
  j 3f
2: addi s1, s1, 1
3: li a0, 8; li a1, 0; li a2, 0; li a3, 0             /* remote sfence.vma to hart 3 */
  SBI_CALL(SBI_RFENCE, 1)
  beqz a0, 4f
  sd a0, race_bad, t0
4: STATUS(3)
  beqz a0, 5f
  sd a0, race_bad, t0
5: li t0, 4                                           /* STARTED .. STOP_PENDING only */
  bltu a1, t0, 6f
  sd a1, race_bad_value, t0
6: addi s0, s0, -1
  bnez s0, 1b
  la t0, race_success
  amoadd.d zero, s1, (t0)
  la t0, racers_done
  li t1, 1
  amoadd.d zero, t1, (t0)
  SBI_CALL(SBI_HSM, 1)
7: j 7b

target:
  la t0, target_runs
  li t1, 1
  amoadd.d zero, t1, (t0)
  SBI_CALL(SBI_HSM, 1)
1: j 1b

/* sleeper (hart 1): FWFT checks, SLEEPS retentive suspends, then a non-retentive one */
sleeper:
  li t1, 1
  sd t1, sleeper_up, t0
  FWFT_SET(1, 0)
  sd a0, fwft_first, t0
  FWFT_SET(1, 1)
  sd a0, fwft_lock, t0
  li t0, 2
  csrw sie, t0                                        /* SSIE; sstatus.SIE stays 0 */
  li s0, 0x77                                         /* "retentive ... preserve hart register" */
1: li a0, 0; li a1, 0; li a2, 0
  SBI_CALL(SBI_HSM, 3)
  beqz a0, 2f
  sd a0, sleeper_bad, t0
2: li t0, 0x77
  beq s0, t0, 3f
  sd s0, sleeper_bad, t0
3: csrci sip, 2
  la t0, sleeps
  li t1, 1
  amoadd.d zero, t1, (t0)
  ld t1, sleeps
  li t0, SLEEPS
  blt t1, t0, 1b
  WAIT_EQ(waker_stopped, 1)                           /* no IPI still on its way */
  csrci sip, 2
  li a0, 0x80000000
  la a1, sleeper_resume
  li a2, 0x5151
  SBI_CALL(SBI_HSM, 3)
  sd a0, sleeper_bad, t0
4: j 4b
sleeper_resume:
  SAVE_ENTRY_STATE(res)
  la sp, stack_sec
  FWFT_SET(1, 0)
  sd a0, fwft_after_resume, t0
  li t1, 1
  sd t1, resumed, t0
  SBI_CALL(SBI_HSM, 1)
5: j 5b

/* waker (hart 2): IPI hart 1 and check its status until it has slept SLEEPS times */
waker:
  WAIT_EQ(sleeper_up, 1)
1: li a0, 2; li a1, 0
  SBI_CALL(SBI_IPI, 0)
  beqz a0, 2f
  sd a0, waker_bad, t0
2: STATUS(1)
  beqz a0, 3f
  sd a0, waker_bad, t0
3: beqz a1, 4f
  li t0, HSM_SUSPENDED
  beq a1, t0, 4f
  sd a1, waker_bad, t0
4: ld t0, sleeps
  li t1, SLEEPS
  blt t0, t1, 1b
  li t1, 1
  sd t1, waker_stopped, t0
  SBI_CALL(SBI_HSM, 1)
5: j 5b

fwft_fresh:
  FWFT_SET(1, 0)
  sd a0, fwft_restarted, t0
  li t1, 1
  sd t1, rep_done, t0
  SBI_CALL(SBI_HSM, 1)
1: j 1b

WAIT_SUPPORT
TEST_EPILOGUE
  .data
  .balign 8
rep_done: .dword 0
rep_a0: .dword -1
rep_a1: .dword -1
rep_satp: .dword -1
rep_status: .dword -1
rep_stop_returned: .dword 0
racers_done: .dword 0
race_bad: .dword 0
race_bad_value: .dword 0
race_success: .dword 0
target_runs: .dword 0
sleeps: .dword 0
sleeper_up: .dword 0
sleeper_bad: .dword 0
waker_bad: .dword 0
waker_stopped: .dword 0
resumed: .dword 0
res_a0: .dword -1
res_a1: .dword -1
res_satp: .dword -1
res_status: .dword -1
fwft_first: .dword -1
fwft_lock: .dword -1
fwft_after_resume: .dword -1
fwft_restarted: .dword -1
  .bss
  .balign 16
  .space 4096
stack_sec:
TEST_STACK
