/* SBI conformance on one hart, written from the RISC-V SBI specification v3.0 (and v2.0 where
 * the text is the same); each case names the section it comes from ("§Binary Encoding",
 * "§Base", ...). Several harts (HSM, races, FWFT scope): sbi-conf-hsm.S. RAM above 4 GiB:
 * sbi-conf-highmem.S. Reset types and reasons: srst-kind.S. */
#include "test.h"
#define RAM_END 0x84000000
#define SBI_PMU 0x504D55
#define SBI_CPPC 0x43505043
#define SBI_SSE 0x535345
#define SBI_DBTR 0x44425452
#define SBI_MPXY 0x4D505859
#define SBI_NACL 0x4E41434C
#define SBI_STA 0x535441
#define FWFT_MISALIGNED_EXC_DELEG 0
#define FWFT_LOCK 1
#define SIP_SSIP 2
#define SIP_STIP 0x20

/* An SBI call whose (error, value) must be (err, val). */
#define EXPECT(n, err, val, code...) TEST(n, a0, err, code; mv s3, a1) TEST(n, s3, val)
/* probe_extension(eid) must succeed with `expect`. */
#define PROBE(n, eid, expect) EXPECT(n, 0, expect, li a0, eid; SBI_CALL(SBI_BASE, 3))

TEST_PROLOGUE
  .option norvc
  TRAP_INIT

  /* ---- §Binary Encoding ---- */
  /* "All registers except a0 & a1 must be preserved across an SBI call by the callee." */
  TEST(100, a0, 1, li a2, 0x1234; li a3, 0x4567; li a4, 0x89ab; li a5, 0xcdef; li t3, 0x789a; \
       SBI_CALL(SBI_BASE, 0); li t0, 0x1234; li t1, 0x4567; li t2, 0x789a; li a0, 0; \
       bne a2, t0, 5f; bne a3, t1, 5f; bne t3, t2, 5f; li t0, 0x89ab; bne a4, t0, 5f; \
       li t0, 0xcdef; bne a5, t0, 5f; li t0, SBI_BASE; bne a7, t0, 5f; bnez a6, 5f; li a0, 1; 5:)
  /* "EIDs and FIDs are encoded as signed 32-bit integers" and "in case the data is defined as
   * 32bit wide, higher privilege software must ensure that it only uses 32 bit data": the
   * upper half of a7/a6 is not part of the id. */
  TEST(101, a0, 0, li a7, 0xabcd000000000010; li a6, 0; ecall; mv s3, a1)      /* BASE */
  TEST(101, s3, 0x03000000)
  TEST(102, a0, 0, li a7, SBI_BASE; li a6, 0x5a5a000000000000; ecall)         /* fid 0 */
  /* "An ECALL with an unsupported EID or an unsupported FID must return SBI_ERR_NOT_SUPPORTED." */
  TEST(103, a0, SBI_ERR_NOT_SUPPORTED, SBI_CALL(0x0A000000, 0))               /* firmware range */
  TEST(104, a0, SBI_ERR_NOT_SUPPORTED, SBI_CALL(0x08000000, 0))               /* experimental */
  TEST(105, a0, SBI_ERR_NOT_SUPPORTED, SBI_CALL(0x09000000, 0))               /* vendor */
  TEST(106, a0, SBI_ERR_NOT_SUPPORTED, SBI_CALL(-1, 0))
  TEST(107, a0, SBI_ERR_NOT_SUPPORTED, SBI_CALL(SBI_BASE, 7))
  TEST(108, a0, SBI_ERR_NOT_SUPPORTED, SBI_CALL(SBI_BASE, -1))

  /* ---- §Base ---- */
  /* get_spec_version: minor in bits 0-23, major in 24-30, bit 31 and bits 32+ zero. FWFT is a
   * v3.0 extension (its function listing says "3.0"), so an implementation offering it is 3.0. */
  EXPECT(110, 0, 0x03000000, SBI_CALL(SBI_BASE, 0))
  EXPECT(111, 0, 0x7473766e, SBI_CALL(SBI_BASE, 1))     /* impl id: unregistered, not another's */
  TEST(112, a0, 0, SBI_CALL(SBI_BASE, 2))
  /* mvendorid/marchid/mimpid: "a value that is legal for the CSR and 0 is always legal" */
  EXPECT(113, 0, 0, SBI_CALL(SBI_BASE, 4))
  EXPECT(114, 0, 0, SBI_CALL(SBI_BASE, 5))
  EXPECT(115, 0, 0, SBI_CALL(SBI_BASE, 6))
  /* probe_extension: "0 if the given EID is not available, or 1 if it is available" */
  PROBE(120, SBI_BASE, 1)
  PROBE(121, SBI_TIME, 1)
  PROBE(122, SBI_IPI, 1)
  PROBE(123, SBI_RFENCE, 1)
  PROBE(124, SBI_HSM, 1)
  PROBE(125, SBI_SRST, 1)
  PROBE(126, SBI_DBCN, 1)
  PROBE(127, SBI_SUSP, 1)
  PROBE(128, SBI_FWFT, 1)
  PROBE(129, 0x00, 1)                                    /* legacy set_timer */
  PROBE(130, 0x01, 1)                                    /* legacy console_putchar */
  PROBE(131, 0x02, 1)                                    /* legacy console_getchar */
  PROBE(132, 0x03, 1)                                    /* legacy clear_ipi */
  PROBE(133, 0x08, 1)                                    /* legacy shutdown */
  PROBE(134, 0x04, 0)                                    /* legacy send_ipi: not offered */
  PROBE(135, 0x05, 0)
  PROBE(136, 0x06, 0)
  PROBE(137, 0x07, 0)
  PROBE(138, 0x09, 0)                                    /* legacy range, reserved */
  PROBE(139, 0x0F, 0)
  PROBE(140, SBI_PMU, 0)
  PROBE(141, SBI_CPPC, 0)
  PROBE(142, SBI_SSE, 0)
  PROBE(143, SBI_DBTR, 0)
  PROBE(144, SBI_MPXY, 0)
  PROBE(145, SBI_NACL, 0)
  PROBE(146, SBI_STA, 0)
  PROBE(147, 0x0A000000, 0)
  PROBE(148, 0xffff000000000000 + SBI_TIME, 1)          /* the EID is the low 32 bits, as in a7 */
  /* what probe says is absent is absent: its calls are SBI_ERR_NOT_SUPPORTED */
  TEST(150, a0, SBI_ERR_NOT_SUPPORTED, SBI_CALL(SBI_PMU, 0))
  TEST(151, a0, SBI_ERR_NOT_SUPPORTED, SBI_CALL(SBI_CPPC, 0))
  TEST(152, a0, SBI_ERR_NOT_SUPPORTED, SBI_CALL(SBI_SSE, 0))
  TEST(153, a0, SBI_ERR_NOT_SUPPORTED, SBI_CALL(SBI_DBTR, 0))
  TEST(154, a0, SBI_ERR_NOT_SUPPORTED, SBI_CALL(SBI_MPXY, 0))
  TEST(155, a0, SBI_ERR_NOT_SUPPORTED, SBI_CALL(SBI_STA, 0))
  TEST(156, a0, SBI_ERR_NOT_SUPPORTED, li a7, 0x04; ecall)
  TEST(157, a0, SBI_ERR_NOT_SUPPORTED, li a7, 0x05; ecall)
  TEST(158, a0, SBI_ERR_NOT_SUPPORTED, li a7, 0x09; ecall)
  /* and functions beyond an offered extension's listing are too */
  TEST(160, a0, SBI_ERR_NOT_SUPPORTED, SBI_CALL(SBI_TIME, 1))
  TEST(161, a0, SBI_ERR_NOT_SUPPORTED, SBI_CALL(SBI_IPI, 1))
  TEST(162, a0, SBI_ERR_NOT_SUPPORTED, SBI_CALL(SBI_HSM, 4))
  TEST(163, a0, SBI_ERR_NOT_SUPPORTED, SBI_CALL(SBI_SRST, 1))
  TEST(164, a0, SBI_ERR_NOT_SUPPORTED, SBI_CALL(SBI_DBCN, 3))
  TEST(165, a0, SBI_ERR_NOT_SUPPORTED, SBI_CALL(SBI_SUSP, 1))
  TEST(166, a0, SBI_ERR_NOT_SUPPORTED, SBI_CALL(SBI_FWFT, 2))

  /* ---- §Legacy Extensions: "nothing is returned in a1", "all registers except a0 must be
   * preserved" ---- */
  TEST(200, a0, 0, li a0, -1; li a1, 0x1111; li a7, 0; ecall; mv s3, a1)      /* set_timer */
  TEST(200, s3, 0x1111)
  TEST(201, a0, 0, li a0, '.'; li a1, 0x2222; li a7, 1; ecall; mv s3, a1)     /* putchar */
  TEST(201, s3, 0x2222)
  TEST(202, a0, -1, li a1, 0x3333; li a7, 2; ecall; mv s3, a1)                /* getchar: none */
  TEST(202, s3, 0x3333)
  /* clear_ipi: "returns 0 if no IPI had been pending, or an implementation specific positive
   * value if an IPI had been pending"; it clears the calling hart's pending IPI */
  TEST(203, a0, 0, csrci sip, SIP_SSIP; li a1, 0x4444; li a7, 3; ecall; mv s3, a1)
  TEST(203, s3, 0x4444)
  TEST(204, a0, 1, csrsi sip, SIP_SSIP; li a7, 3; ecall; slt a0, zero, a0)
  TEST(205, a0, 0, csrr a0, sip; andi a0, a0, SIP_SSIP)
  /* set_timer "also clears the pending timer interrupt bit" */
  TEST(206, a0, SIP_STIP, csrw sie, zero; li a0, 0; li a7, 0; ecall; csrr a0, sip; andi a0, a0, SIP_STIP)
  TEST(207, a0, 0, li a0, -1; li a7, 0; ecall; csrr a0, sip; andi a0, a0, SIP_STIP)

  /* ---- §Timer: returns SBI_SUCCESS always; "must clear the pending timer interrupt bit when
   * stime_value is set to some time in the future, regardless of whether timer interrupts are
   * masked" (sie = 0 here) ---- */
  TEST(300, a0, SIP_STIP, li a0, 0; SBI_CALL(SBI_TIME, 0); csrr a0, sip; andi a0, a0, SIP_STIP)
  TEST(301, a0, 0, csrr a0, time; li t0, 100000000; add a0, a0, t0; SBI_CALL(SBI_TIME, 0); \
       bnez a0, 5f; csrr a0, sip; andi a0, a0, SIP_STIP; 5:)
  TEST(302, a0, 0, li a0, -1; SBI_CALL(SBI_TIME, 0))

  /* ---- §IPI and §Hart list parameter (one hart: id 0 only) ---- */
  TEST(400, a0, SIP_SSIP, csrci sip, SIP_SSIP; li a0, 1; li a1, 0; SBI_CALL(SBI_IPI, 0); \
       bnez a0, 5f; csrr a0, sip; andi a0, a0, SIP_SSIP; 5:)
  /* "hart_mask_base can be set to -1 to indicate that hart_mask shall be ignored and all
   * available harts must be considered" */
  TEST(401, a0, SIP_SSIP, csrci sip, SIP_SSIP; li a0, 0; li a1, -1; SBI_CALL(SBI_IPI, 0); \
       bnez a0, 5f; csrr a0, sip; andi a0, a0, SIP_SSIP; 5:)
  TEST(402, a0, 0, csrci sip, SIP_SSIP; li a0, 0x8000000000000002; li a1, -1; SBI_CALL(SBI_IPI, 0))
  /* "hart_mask_base does not need to be an enabled ... hartid unless the zeroth bit of
   * hart_mask is set": an empty mask names no hart, whatever the base */
  TEST(403, a0, 0, csrci sip, SIP_SSIP; li a0, 0; li a1, 12345; SBI_CALL(SBI_IPI, 0); \
       bnez a0, 5f; csrr a0, sip; andi a0, a0, SIP_SSIP; 5:)
  /* "SBI_ERR_INVALID_PARAM: at least one hartid constructed from hart_mask_base and hart_mask
   * is not valid" */
  TEST(404, a0, SBI_ERR_INVALID_PARAM, li a0, 1; li a1, 1; SBI_CALL(SBI_IPI, 0))
  TEST(405, a0, SBI_ERR_INVALID_PARAM, li a0, 2; li a1, 0; SBI_CALL(SBI_IPI, 0))
  TEST(406, a0, SBI_ERR_INVALID_PARAM, li a0, 3; li a1, 0; SBI_CALL(SBI_IPI, 0))
  TEST(407, a0, SBI_ERR_INVALID_PARAM, li a0, 0x8000000000000000; li a1, 0; SBI_CALL(SBI_IPI, 0))
  TEST(408, a0, SBI_ERR_INVALID_PARAM, li a0, 1; li a1, -2; SBI_CALL(SBI_IPI, 0))
  TEST(409, a0, SBI_ERR_INVALID_PARAM, li a0, 2; li a1, -1 - 0x10; SBI_CALL(SBI_IPI, 0))   /* hart 2^64-16 */
  csrci sip, SIP_SSIP

  /* ---- §RFENCE: masks as above; "applies to the entire address space if start_addr and
   * size are both 0, or size is 2^XLEN-1"; SBI_ERR_INVALID_ADDRESS: "start_addr or size is not
   * valid" (a range that wraps past the top of the address space is none); sfence_vma_asid:
   * SBI_ERR_INVALID_PARAM when "asid ... is not valid" (satp has no ASID bits here: ASIDLEN = 0,
   * so 0 is the only ASID); hfence.*: SBI_ERR_NOT_SUPPORTED without the H extension ---- */
  TEST(500, a0, 0, li a0, 1; li a1, 0; SBI_CALL(SBI_RFENCE, 0))
  TEST(501, a0, 0, li a0, 0; li a1, -1; SBI_CALL(SBI_RFENCE, 0))
  TEST(502, a0, SBI_ERR_INVALID_PARAM, li a0, 2; li a1, 0; SBI_CALL(SBI_RFENCE, 0))
  TEST(503, a0, SBI_ERR_INVALID_PARAM, li a0, 1; li a1, 1; SBI_CALL(SBI_RFENCE, 0))
  TEST(504, a0, 0, li a0, 0; li a1, 99; SBI_CALL(SBI_RFENCE, 0))
  TEST(510, a0, 0, li a0, 1; li a1, 0; li a2, 0; li a3, 0; SBI_CALL(SBI_RFENCE, 1))
  TEST(511, a0, 0, li a0, 1; li a1, 0; li a2, 0x1000; li a3, -1; SBI_CALL(SBI_RFENCE, 1))
  TEST(512, a0, 0, li a0, 1; li a1, 0; li a2, 0x80200000; li a3, 0x3000; SBI_CALL(SBI_RFENCE, 1))
  TEST(513, a0, 0, li a0, 1; li a1, 0; li a2, -0x1000; li a3, 0x1000; SBI_CALL(SBI_RFENCE, 1))  /* ends at 2^64 */
  TEST(514, a0, SBI_ERR_INVALID_ADDRESS, li a0, 1; li a1, 0; li a2, -0x1000; li a3, 0x2000; SBI_CALL(SBI_RFENCE, 1))
  TEST(515, a0, SBI_ERR_INVALID_ADDRESS, li a0, 1; li a1, 0; li a2, 3; li a3, -2; SBI_CALL(SBI_RFENCE, 1))
  TEST(516, a0, SBI_ERR_INVALID_PARAM, li a0, 2; li a1, 0; li a2, 0; li a3, 0; SBI_CALL(SBI_RFENCE, 1))
  TEST(517, a0, 0, li a0, 0; li a1, -1; li a2, 0; li a3, -1; SBI_CALL(SBI_RFENCE, 1))
  TEST(520, a0, 0, li a0, 1; li a1, 0; li a2, 0; li a3, 0; li a4, 0; SBI_CALL(SBI_RFENCE, 2))
  TEST(521, a0, 0, li a0, 0; li a1, -1; li a2, 0x4000; li a3, 0x1000; li a4, 0; SBI_CALL(SBI_RFENCE, 2))
  TEST(522, a0, SBI_ERR_INVALID_PARAM, li a0, 1; li a1, 0; li a2, 0; li a3, 0; li a4, 1; SBI_CALL(SBI_RFENCE, 2))
  TEST(523, a0, SBI_ERR_INVALID_PARAM, li a0, 1; li a1, 0; li a2, 0; li a3, 0; li a4, 0xffff; SBI_CALL(SBI_RFENCE, 2))
  TEST(524, a0, SBI_ERR_INVALID_ADDRESS, li a0, 1; li a1, 0; li a2, -1; li a3, 2; li a4, 0; SBI_CALL(SBI_RFENCE, 2))
  TEST(525, a0, SBI_ERR_INVALID_PARAM, li a0, 4; li a1, 0; li a2, 0; li a3, 0; li a4, 0; SBI_CALL(SBI_RFENCE, 2))
  TEST(530, a0, SBI_ERR_NOT_SUPPORTED, li a0, 1; li a1, 0; SBI_CALL(SBI_RFENCE, 3))   /* hfence.gvma_vmid */
  TEST(531, a0, SBI_ERR_NOT_SUPPORTED, li a0, 1; li a1, 0; SBI_CALL(SBI_RFENCE, 4))
  TEST(532, a0, SBI_ERR_NOT_SUPPORTED, li a0, 1; li a1, 0; SBI_CALL(SBI_RFENCE, 5))
  TEST(533, a0, SBI_ERR_NOT_SUPPORTED, li a0, 1; li a1, 0; SBI_CALL(SBI_RFENCE, 6))
  TEST(534, a0, SBI_ERR_NOT_SUPPORTED, li a0, 1; li a1, 0; SBI_CALL(SBI_RFENCE, 7))

  /* ---- §Debug Console: the range [base, base + num_bytes) must consist of accessible
   * addresses (§Shared memory physical address range parameter), else SBI_ERR_INVALID_PARAM;
   * the byte count is returned in uvalue ---- */
  EXPECT(600, 0, 6, li a0, 6; la a1, msg; li a2, 0; SBI_CALL(SBI_DBCN, 0))
  EXPECT(601, 0, 0, li a0, 0; la a1, msg; li a2, 0; SBI_CALL(SBI_DBCN, 0))
  EXPECT(602, 0, 0, li a0, 0; li a1, 0; li a2, 0; SBI_CALL(SBI_DBCN, 0))    /* an empty range has no inaccessible address */
  TEST(603, a0, SBI_ERR_INVALID_PARAM, li a0, 1; li a1, 0x1000; li a2, 0; SBI_CALL(SBI_DBCN, 0))
  TEST(604, a0, SBI_ERR_INVALID_PARAM, li a0, 8; li a1, RAM_END - 4; li a2, 0; SBI_CALL(SBI_DBCN, 0))
  TEST(605, a0, SBI_ERR_INVALID_PARAM, li a0, 1; li a1, RAM_END; li a2, 0; SBI_CALL(SBI_DBCN, 0))
  TEST(606, a0, SBI_ERR_INVALID_PARAM, li a0, 1; la a1, msg; li a2, 1; SBI_CALL(SBI_DBCN, 0))   /* 2^64 and up */
  TEST(607, a0, SBI_ERR_INVALID_PARAM, li a0, 16; li a1, -8; li a2, 0; SBI_CALL(SBI_DBCN, 0))   /* wraps */
  TEST(608, a0, SBI_ERR_INVALID_PARAM, li a0, 0x10000000; la a1, msg; li a2, 0; SBI_CALL(SBI_DBCN, 0)) /* past RAM's end */
  TEST(609, a0, SBI_ERR_INVALID_PARAM, li a0, -1; la a1, msg; li a2, 0; SBI_CALL(SBI_DBCN, 0))
  TEST(610, a0, SBI_ERR_INVALID_PARAM, li a0, 4; li a1, 0x10000000; li a2, 0; SBI_CALL(SBI_DBCN, 0)) /* UART MMIO is not memory */
  /* the last bytes of RAM are fine */
  EXPECT(611, 0, 4, li t0, RAM_END - 4; li t1, 0x0a2e2e2e; sw t1, 0(t0); li a0, 4; li a1, RAM_END - 4; li a2, 0; SBI_CALL(SBI_DBCN, 0))
  /* read: "will not write anything into the output memory if there are no bytes to be read" */
  EXPECT(620, 0, 0, li t0, 0x5a; sb t0, rbuf, t1; li a0, 8; la a1, rbuf; li a2, 0; SBI_CALL(SBI_DBCN, 1))
  TEST(621, a0, 0x5a, lbu a0, rbuf)
  EXPECT(622, 0, 0, li a0, 0; li a1, 0; li a2, 0; SBI_CALL(SBI_DBCN, 1))
  TEST(623, a0, SBI_ERR_INVALID_PARAM, li a0, 8; li a1, RAM_END - 4; li a2, 0; SBI_CALL(SBI_DBCN, 1))
  TEST(624, a0, SBI_ERR_INVALID_PARAM, li a0, 8; la a1, rbuf; li a2, 1; SBI_CALL(SBI_DBCN, 1))
  TEST(625, a0, SBI_ERR_INVALID_PARAM, li a0, 0x10000000; la a1, rbuf; li a2, 0; SBI_CALL(SBI_DBCN, 1))
  /* write_byte: "sbiret.uvalue is set to zero" */
  EXPECT(630, 0, 0, li a0, 0x0a; li a1, 99; SBI_CALL(SBI_DBCN, 2))

  /* ---- §System Reset: "SBI_ERR_INVALID_PARAM: at least one of reset_type or reset_reason is
   * reserved or is platform-specific and unimplemented" (the successful kinds: srst-kind.S) ---- */
  TEST(700, a0, SBI_ERR_INVALID_PARAM, li a0, 3; li a1, 0; SBI_CALL(SBI_SRST, 0))
  TEST(701, a0, SBI_ERR_INVALID_PARAM, li a0, 0xEFFFFFFF; li a1, 0; SBI_CALL(SBI_SRST, 0))
  TEST(702, a0, SBI_ERR_INVALID_PARAM, li a0, 0xF0000000; li a1, 0; SBI_CALL(SBI_SRST, 0))   /* vendor: none */
  TEST(703, a0, SBI_ERR_INVALID_PARAM, li a0, 0xFFFFFFFF; li a1, 0; SBI_CALL(SBI_SRST, 0))
  TEST(704, a0, SBI_ERR_INVALID_PARAM, li a0, 0; li a1, 2; SBI_CALL(SBI_SRST, 0))
  TEST(705, a0, SBI_ERR_INVALID_PARAM, li a0, 0; li a1, 0xDFFFFFFF; SBI_CALL(SBI_SRST, 0))
  TEST(706, a0, SBI_ERR_INVALID_PARAM, li a0, 1; li a1, 0xE0000000; SBI_CALL(SBI_SRST, 0))   /* SBI-impl-specific: none */
  TEST(707, a0, SBI_ERR_INVALID_PARAM, li a0, 2; li a1, 0xF0000000; SBI_CALL(SBI_SRST, 0))   /* vendor: none */
  TEST(708, a0, SBI_ERR_INVALID_PARAM, li a0, 0x100000003; li a1, 0; SBI_CALL(SBI_SRST, 0))  /* uint32_t: type 3 */

  /* ---- §Firmware Features (v3.0) ---- */
  /* MISALIGNED_EXC_DELEG: misaligned exceptions reach S-mode here (a misaligned AMO traps to
   * this handler), so it reads 1; taking them back into the SBI is denied ("it was denied by
   * the SBI implementation"); failure leaves the value as it was */
  EXPECT(800, 0, 1, li a0, FWFT_MISALIGNED_EXC_DELEG; SBI_CALL(SBI_FWFT, 1))
  TEST_TRAP_CAUSE(801, CAUSE_MISALIGNED_STORE, lla t0, rbuf + 1; amoadd.w zero, zero, (t0))
  TEST(802, a0, 0, li a0, FWFT_MISALIGNED_EXC_DELEG; li a1, 1; li a2, 0; SBI_CALL(SBI_FWFT, 0))
  TEST(803, a0, SBI_ERR_DENIED, li a0, FWFT_MISALIGNED_EXC_DELEG; li a1, 0; li a2, 0; SBI_CALL(SBI_FWFT, 0))
  EXPECT(804, 0, 1, li a0, FWFT_MISALIGNED_EXC_DELEG; SBI_CALL(SBI_FWFT, 1))
  /* "SBI_ERR_INVALID_PARAM: provided value or flags parameter is invalid" (flags BIT[XLEN-1:1]
   * "reserved for future use and must be zero") */
  TEST(805, a0, SBI_ERR_INVALID_PARAM, li a0, FWFT_MISALIGNED_EXC_DELEG; li a1, 2; li a2, 0; SBI_CALL(SBI_FWFT, 0))
  TEST(806, a0, SBI_ERR_INVALID_PARAM, li a0, FWFT_MISALIGNED_EXC_DELEG; li a1, 1; li a2, 2; SBI_CALL(SBI_FWFT, 0))
  TEST(807, a0, SBI_ERR_INVALID_PARAM, li a0, FWFT_MISALIGNED_EXC_DELEG; li a1, 1; li a2, 0x8000000000000001; SBI_CALL(SBI_FWFT, 0))
  /* "feature" is uint32_t */
  EXPECT(808, 0, 1, li a0, 0xffffffff00000000; SBI_CALL(SBI_FWFT, 1))
  /* defined features this platform lacks (no Zicfilp, Zicfiss, Ssdbltrp, Svadu, Ssnpm):
   * "SBI_ERR_NOT_SUPPORTED: feature is not reserved and valid, but the platform does not
   * support it"; on failure of get, "the content of sbiret.value is zero" */
  EXPECT(810, SBI_ERR_NOT_SUPPORTED, 0, li a0, 1; SBI_CALL(SBI_FWFT, 1))
  EXPECT(811, SBI_ERR_NOT_SUPPORTED, 0, li a0, 2; SBI_CALL(SBI_FWFT, 1))
  EXPECT(812, SBI_ERR_NOT_SUPPORTED, 0, li a0, 3; SBI_CALL(SBI_FWFT, 1))
  EXPECT(813, SBI_ERR_NOT_SUPPORTED, 0, li a0, 4; SBI_CALL(SBI_FWFT, 1))
  EXPECT(814, SBI_ERR_NOT_SUPPORTED, 0, li a0, 5; SBI_CALL(SBI_FWFT, 1))
  TEST(815, a0, SBI_ERR_NOT_SUPPORTED, li a0, 1; li a1, 0; li a2, 0; SBI_CALL(SBI_FWFT, 0))
  TEST(816, a0, SBI_ERR_NOT_SUPPORTED, li a0, 5; li a1, 0; li a2, 0; SBI_CALL(SBI_FWFT, 0))
  /* reserved and unimplemented platform-specific features: SBI_ERR_DENIED, get and set */
  EXPECT(820, SBI_ERR_DENIED, 0, li a0, 6; SBI_CALL(SBI_FWFT, 1))
  EXPECT(821, SBI_ERR_DENIED, 0, li a0, 0x3fffffff; SBI_CALL(SBI_FWFT, 1))
  EXPECT(822, SBI_ERR_DENIED, 0, li a0, 0x40000000; SBI_CALL(SBI_FWFT, 1))
  EXPECT(823, SBI_ERR_DENIED, 0, li a0, 0x80000000; SBI_CALL(SBI_FWFT, 1))
  EXPECT(824, SBI_ERR_DENIED, 0, li a0, 0xc0000000; SBI_CALL(SBI_FWFT, 1))
  EXPECT(825, SBI_ERR_DENIED, 0, li a0, 0xffffffff; SBI_CALL(SBI_FWFT, 1))
  TEST(826, a0, SBI_ERR_DENIED, li a0, 6; li a1, 0; li a2, 0; SBI_CALL(SBI_FWFT, 0))
  TEST(827, a0, SBI_ERR_DENIED, li a0, 0xc0000000; li a1, 0; li a2, 0; SBI_CALL(SBI_FWFT, 0))
  /* LOCK: "once set, the feature value can no longer be modified until hart reset" */
  TEST(830, a0, 0, li a0, FWFT_MISALIGNED_EXC_DELEG; li a1, 1; li a2, FWFT_LOCK; SBI_CALL(SBI_FWFT, 0))
  TEST(831, a0, SBI_ERR_DENIED_LOCKED, li a0, FWFT_MISALIGNED_EXC_DELEG; li a1, 1; li a2, 0; SBI_CALL(SBI_FWFT, 0))
  TEST(832, a0, SBI_ERR_DENIED_LOCKED, li a0, FWFT_MISALIGNED_EXC_DELEG; li a1, 0; li a2, FWFT_LOCK; SBI_CALL(SBI_FWFT, 0))
  EXPECT(833, 0, 1, li a0, FWFT_MISALIGNED_EXC_DELEG; SBI_CALL(SBI_FWFT, 1))

  /* ---- §HSM hart_suspend argument checks (the suspend itself: sbi-conf-hsm.S) ---- */
  /* "SBI_ERR_INVALID_PARAM: suspend_type is reserved or is platform-specific and unimplemented" */
  TEST(900, a0, SBI_ERR_INVALID_PARAM, li a0, 1; la a1, _entry; SBI_CALL(SBI_HSM, 3))
  TEST(901, a0, SBI_ERR_INVALID_PARAM, li a0, 0x0FFFFFFF; la a1, _entry; SBI_CALL(SBI_HSM, 3))
  TEST(902, a0, SBI_ERR_INVALID_PARAM, li a0, 0x10000000; la a1, _entry; SBI_CALL(SBI_HSM, 3))
  TEST(903, a0, SBI_ERR_INVALID_PARAM, li a0, 0x7FFFFFFF; la a1, _entry; SBI_CALL(SBI_HSM, 3))
  TEST(904, a0, SBI_ERR_INVALID_PARAM, li a0, 0x80000001; la a1, _entry; SBI_CALL(SBI_HSM, 3))
  TEST(905, a0, SBI_ERR_INVALID_PARAM, li a0, 0x8FFFFFFF; la a1, _entry; SBI_CALL(SBI_HSM, 3))
  TEST(906, a0, SBI_ERR_INVALID_PARAM, li a0, 0x90000000; la a1, _entry; SBI_CALL(SBI_HSM, 3))
  TEST(907, a0, SBI_ERR_INVALID_PARAM, li a0, 0xFFFFFFFF; la a1, _entry; SBI_CALL(SBI_HSM, 3))
  /* non-retentive: "SBI_ERR_INVALID_ADDRESS: resume_addr is not valid" */
  TEST(908, a0, SBI_ERR_INVALID_ADDRESS, li a0, 0x80000000; li a1, 0x1000; SBI_CALL(SBI_HSM, 3))
  TEST(909, a0, SBI_ERR_INVALID_ADDRESS, li a0, 0x80000000; li a1, RAM_END; SBI_CALL(SBI_HSM, 3))
  /* retentive: "the resume_addr parameter is unused"; with an enabled interrupt already pending
   * (SSIP, sie.SSIE, sstatus.SIE = 0) the hart resumes at once: SBI_SUCCESS */
  TEST(910, a0, 0, li t0, SIP_SSIP; csrw sie, t0; csrsi sip, SIP_SSIP; li a0, 0; li a1, 0x1000; SBI_CALL(SBI_HSM, 3))
  TEST(911, a0, 0, li a0, 0xffffffff00000000; li a1, 0; SBI_CALL(SBI_HSM, 3))   /* uint32_t: type 0 */
  csrci sip, SIP_SSIP
  csrw sie, zero
  /* get_status/start on the only hart */
  EXPECT(920, 0, 0, li a0, 0; SBI_CALL(SBI_HSM, 2))
  TEST(921, a0, SBI_ERR_INVALID_PARAM, li a0, 1; SBI_CALL(SBI_HSM, 2))
  TEST(922, a0, SBI_ERR_ALREADY_AVAILABLE, li a0, 0; la a1, _entry; SBI_CALL(SBI_HSM, 0))
  TEST(923, a0, SBI_ERR_INVALID_PARAM, li a0, 1; la a1, _entry; SBI_CALL(SBI_HSM, 0))

  /* ---- pass: SRST takes reset_type as uint32_t, so this is a plain shutdown ---- */
  la a1, pass_msg
  li a0, 5
  call print_n
  li gp, 999
  li a0, 0x5a5a000000000000
  li a1, 0
  SBI_CALL(SBI_SRST, 0)
  j fail

TRAP_SUPPORT
TEST_EPILOGUE
  .section .rodata
msg: .ascii "conf!\n"
  .data
  .balign 8
rbuf: .space 32
TEST_STACK
