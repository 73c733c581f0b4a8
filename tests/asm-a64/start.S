/* Entry, PASS/FAIL reporting and console output for the bare-metal A64 tests. */
#include "test.h"
    .section .text.head
    .globl _start
_start:
#ifndef USER
    ldr x0, =_stack_top
    mov sp, x0
#endif
    mov x28, #0
    bl test_main
    adr x0, msg_pass
    bl puts
    b power_off

/* fail: x28 = test number, x0 = the value got. */
    .globl fail
fail:
    mov x19, x0
    adr x0, msg_fail
    bl puts
    mov x0, x28
    bl putdec
    adr x0, msg_got
    bl puts
    mov x0, x19
    bl puthex
    mov x0, #'\n'
    bl putc
power_off:
#ifdef USER
    mov x0, #0
    mov x8, #94 /* exit_group */
    svc #0
#else
    ldr x0, =PSCI_SYSTEM_OFF
    hvc #0
#endif
    b .

/* putc: the byte in w0 to the console (x0-x9 are clobbered). */
    .globl putc
putc:
#ifdef USER
    /* Linux user mode (the cross-check under qemu-aarch64): write(1, &c, 1) */
    sub sp, sp, #16
    strb w0, [sp]
    mov x0, #1
    mov x1, sp
    mov x2, #1
    mov x8, #64
    svc #0
    add sp, sp, #16
#else
    ldr x9, =UART_BASE
    strb w0, [x9]
#endif
    ret

puts:
    mov x10, x30
    mov x11, x0
1:  ldrb w0, [x11], #1
    cbz w0, 2f
    bl putc
    b 1b
2:  ret x10

/* putdec: x0 in decimal. */
putdec:
    mov x10, x30
    sub sp, sp, #32
    mov x12, sp
    add x12, x12, #31
    strb wzr, [x12]
    mov x13, #10
1:  udiv x14, x0, x13
    msub x15, x14, x13, x0
    add w15, w15, #'0'
    strb w15, [x12, #-1]!
    mov x0, x14
    cbnz x0, 1b
    mov x11, x12
2:  ldrb w0, [x11], #1
    cbz w0, 3f
    bl putc
    b 2b
3:  add sp, sp, #32
    ret x10

/* puthex: x0 as 0x + 16 hex digits. */
    .globl puthex
puthex:
    mov x10, x30
    mov x12, x0
    mov x0, #'0'
    bl putc
    mov x0, #'x'
    bl putc
    mov x13, #60
1:  lsr x0, x12, x13
    and x0, x0, #15
    cmp x0, #10
    add x14, x0, #'0'
    add x15, x0, #('a' - 10)
    csel x0, x14, x15, lo
    bl putc
    subs x13, x13, #4
    b.ge 1b
    ret x10

msg_pass: .asciz "PASS\n"
msg_fail: .asciz "FAIL "
msg_got: .asciz " got "
    .balign 4
    .ltorg
