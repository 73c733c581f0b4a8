/* Micro-benchmarks for the engine (bench/jit.ts): each kernel is timed with rdtime and reported
 * as "name <ticks> <iterations>" through the legacy SBI console, so QEMU+OpenSBI runs it too.
 * Each runs long enough (~0.5 s) that compiling it (on another thread) is a small part. */
#define SBI_LEGACY_PUTCHAR 1
#define SBI_LEGACY_SHUTDOWN 8
  .text
  .globl _entry
_entry:
  la sp, stack_top
  /* 1. copy: the kernel's 64-byte unrolled copy loop over 16 KiB, 20000 times (320 MiB). */
  rdtime s10
  li s0, 20000
1:
  la a0, dst
  la a1, src
  li t0, 16384
  add t0, t0, a0
2:
  ld a4, 0(a1)
  ld a5, 8(a1)
  ld a6, 16(a1)
  ld a7, 24(a1)
  ld t1, 32(a1)
  ld t2, 40(a1)
  ld t3, 48(a1)
  ld t4, 56(a1)
  sd a4, 0(a0)
  sd a5, 8(a0)
  sd a6, 16(a0)
  sd a7, 24(a0)
  sd t1, 32(a0)
  sd t2, 40(a0)
  sd t3, 48(a0)
  sd t4, 56(a0)
  addi a0, a0, 64
  addi a1, a1, 64
  bltu a0, t0, 2b
  addi s0, s0, -1
  bnez s0, 1b
  rdtime s11
  la a0, name_copy
  li a1, 20000 * 256
  call report

  /* 2. calls: a loop calling small leaf functions (blocks end at every call and return). */
  rdtime s10
  li s0, 10000000
  li s1, 0
3:
  mv a0, s0
  call leaf
  add s1, s1, a0
  addi s0, s0, -1
  bnez s0, 3b
  rdtime s11
  la a0, name_calls
  li a1, 10000000
  call report

  /* 3. branches: data-dependent conditional branches in a loop. */
  rdtime s10
  li s0, 10000000
  li s1, 0x12345
4:
  andi t0, s0, 1
  beqz t0, 5f
  addi s1, s1, 3
  j 6f
5:
  xori s1, s1, 0x55
6:
  andi t1, s0, 6
  bnez t1, 7f
  slli s1, s1, 1
7:
  addi s0, s0, -1
  bnez s0, 4b
  rdtime s11
  la a0, name_branch
  li a1, 10000000
  call report

  /* 4. irqsave: interrupts off and back on around a little work, as spin_lock_irqsave does. */
  rdtime s10
  li s0, 10000000
  li s2, 2
8:
  csrrc t0, sstatus, 2
  addi s1, s1, 1
  and t0, t0, s2
  csrs sstatus, t0
  addi s0, s0, -1
  bnez s0, 8b
  rdtime s11
  la a0, name_irq
  li a1, 10000000
  call report

  li a7, SBI_LEGACY_SHUTDOWN
  ecall
9: j 9b

leaf:
  xori a0, a0, 0x5a
  slli a1, a0, 2
  add a0, a0, a1
  ret

/* report(a0 = name, a1 = iterations): prints "name <s11 - s10> <a1>\n". */
report:
  addi sp, sp, -16
  sd ra, 8(sp)
  sd a1, 0(sp)
  call puts
  sub a0, s11, s10
  call putdec
  ld a0, 0(sp)
  call putdec
  li a0, '\n'
  call putc
  ld ra, 8(sp)
  addi sp, sp, 16
  ret

putc:
  li a7, SBI_LEGACY_PUTCHAR
  ecall
  ret

puts: /* a0 = NUL-terminated string */
  addi sp, sp, -16
  sd ra, 8(sp)
  sd s0, 0(sp)
  mv s0, a0
1:
  lbu a0, 0(s0)
  beqz a0, 2f
  call putc
  addi s0, s0, 1
  j 1b
2:
  ld s0, 0(sp)
  ld ra, 8(sp)
  addi sp, sp, 16
  ret

putdec: /* a0 = value: prints " <decimal>" */
  addi sp, sp, -48
  sd ra, 40(sp)
  sd s0, 32(sp)
  addi s0, sp, 31
  sb zero, 0(s0)
  li t2, 10
1:
  remu t3, a0, t2
  addi t3, t3, '0'
  addi s0, s0, -1
  sb t3, 0(s0)
  divu a0, a0, t2
  bnez a0, 1b
  addi s0, s0, -1
  li t3, ' '
  sb t3, 0(s0)
  mv a0, s0
  call puts
  ld s0, 32(sp)
  ld ra, 40(sp)
  addi sp, sp, 48
  ret

  .section .rodata
name_copy: .asciz "copy64"
name_calls: .asciz "calls"
name_branch: .asciz "branches"
name_irq: .asciz "irqsave"
  .bss
  .balign 4096
src: .space 16384
dst: .space 16384
  .balign 16
  .space 8192
stack_top:
