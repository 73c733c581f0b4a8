/* A RISC-V Linux Image header so bare-metal test programs boot through tsvisor's normal loader. */
  .section .text.head, "ax"
  .option push
  .option norvc
  .globl _start
_start:
  j _entry                /* code0 */
  .word 0                 /* code1 */
  .dword 0x200000         /* text_offset */
  .dword _end - _start    /* image_size */
  .dword 0                /* flags */
  .word 2                 /* version 0.2 */
  .word 0
  .dword 0
  .ascii "RISCV\0\0\0"    /* magic (deprecated) */
  .ascii "RSC\x05"        /* magic2 */
  .word 0
  .option pop
