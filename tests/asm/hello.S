/* Prints through the legacy SBI console, then through DBCN, then powers off via SRST. */
  .text
  .globl _entry
_entry:
  la s0, msg
1:
  lbu a0, 0(s0)
  beqz a0, 2f
  li a7, 1                /* legacy console_putchar */
  ecall
  addi s0, s0, 1
  j 1b
2:
  li a7, 0x4442434E       /* DBCN write */
  li a6, 0
  li a0, 6
  la a1, msg2
  li a2, 0
  ecall
  li a7, 0x53525354       /* SRST: shutdown, no reason */
  li a6, 0
  li a0, 0
  li a1, 0
  ecall
3: j 3b
  .section .rodata
msg: .asciz "hello from S-mode\n"
msg2: .ascii "dbcn!\n"
