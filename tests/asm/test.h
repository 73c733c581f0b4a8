/* Bare-metal test framework: each TEST_* compares a register with an expected value;
 * on mismatch the program prints "FAIL <test number>" and powers off with a failure code. */
#define SBI_DBCN 0x4442434E
#define SBI_SRST 0x53525354

/* Run `code`, then check `reg` == `expected` (64-bit). gp holds the test number. */
#define TEST(n, reg, expected, code...) \
  li gp, n; code; li t6, expected; bne reg, t6, fail;

/* Pass/fail epilogue: include once at the end of the test's text. */
#define TEST_EPILOGUE \
pass: la a1, pass_msg; li a0, 5; call print_n; li a0, 0; li a1, 0; j srst; \
fail: la a1, fail_msg; li a0, 5; call print_n; mv a0, gp; call print_dec; \
      la a1, nl_msg; li a0, 1; call print_n; li a0, 0; li a1, 1; \
srst: li a7, SBI_SRST; li a6, 0; ecall; 1: j 1b; \
print_n: li a7, SBI_DBCN; li a6, 0; li a2, 0; ecall; ret; \
print_dec: addi sp, sp, -32; mv t0, a0; addi t1, sp, 31; sb zero, 0(t1); li t2, 10; \
  2: remu t3, t0, t2; addi t3, t3, 48; addi t1, t1, -1; sb t3, 0(t1); divu t0, t0, t2; bnez t0, 2b; \
  addi t4, sp, 31; sub a0, t4, t1; mv a1, t1; li a7, SBI_DBCN; li a6, 0; li a2, 0; ecall; addi sp, sp, 32; ret; \
  .section .rodata; pass_msg: .ascii "PASS\n"; fail_msg: .ascii "FAIL "; nl_msg: .ascii "\n"; .text

/* Standard prologue: a stack at the end of the image's bss. */
#define TEST_PROLOGUE \
  .text; .globl _entry; _entry: la sp, stack_top;

#define TEST_STACK \
  .bss; .align 4; .space 8192; stack_top:
