/* Bare-metal A64 test framework: each check compares a register (or NZCV) with an expected
 * value; on mismatch the program prints "FAIL <test number> got <value in hex>" and powers off.
 * x28 holds the current test number; x25, x26 and x27 are the macros' scratch registers.
 * check and check_same keep NZCV as it was, so a check_nzcv may follow them. */
#define UART_BASE 0x09000000
#define PSCI_SYSTEM_OFF 0x84000008

/* check N, Xreg, value: Xreg must equal the 64-bit value. */
.macro check n, reg, val
    mrs x25, nzcv
    mov x28, #\n
    ldr x27, =\val
    cmp \reg, x27
    b.ne fail_reg_\@
    msr nzcv, x25
    b 1f
fail_reg_\@:
    mov x0, \reg
    b fail
1:
.endm

/* check_nzcv N, nibble: NZCV must be the 4-bit value (N=8, Z=4, C=2, V=1). */
.macro check_nzcv n, nib
    mrs x26, nzcv
    mov x28, #\n
    mov x27, #(\nib << 28)
    cmp x26, x27
    b.ne fail_nzcv_\@
    b 1f
fail_nzcv_\@:
    lsr x0, x26, #28
    b fail
1:
.endm

/* set_nzcv nibble: NZCV = the 4-bit value. */
.macro set_nzcv nib
    mov x26, #(\nib << 28)
    msr nzcv, x26
.endm

/* check_same N, Xa, Xb: the two registers must be equal (Xa is reported). */
.macro check_same n, a, b
    mrs x25, nzcv
    mov x28, #\n
    cmp \a, \b
    b.ne fail_same_\@
    msr nzcv, x25
    b 1f
fail_same_\@:
    mov x0, \a
    b fail
1:
.endm

/* expect_exc N, index, esr, label: the exception recorded by vectors.S came through vector entry
 * `index` with ESR_EL1 = esr and ELR_EL1 = label (tests 1N, 2N, 3N). */
.macro expect_exc n, idx, esr, elr_label
    check 1\n, x23, \idx
    check 2\n, x20, \esr
    ldr x27, =\elr_label
    check_same 3\n, x21, x27
.endm
