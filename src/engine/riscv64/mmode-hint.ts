// Guests built for M-mode (firmware, bare-metal demos) fault at their first M-mode instruction
// in a zone. Say so plainly instead of reporting a mere illegal instruction.
const M_CSRS: Record<number, string> = {
  0x300: "mstatus", 0x301: "misa", 0x302: "medeleg", 0x303: "mideleg", 0x304: "mie", 0x305: "mtvec",
  0x340: "mscratch", 0x341: "mepc", 0x342: "mcause", 0x343: "mtval", 0x344: "mip", 0x3a0: "pmpcfg0",
  0x3b0: "pmpaddr0", 0xf11: "mvendorid", 0xf12: "marchid", 0xf13: "mimpid", 0xf14: "mhartid",
};

/** The M-mode instruction `insn` is, ("mret", "csrr mhartid"...), or undefined. */
export function mModeInstruction(insn: number): string | undefined {
  const i = insn >>> 0;
  if (i === 0x30200073) return "mret";
  if ((i & 0x7f) !== 0x73 || ((i >>> 12) & 7) === 0 || ((i >>> 12) & 7) === 4) return undefined;
  const csr = i >>> 20;
  if (((csr >>> 8) & 3) !== 3) return undefined;
  return `an access to the M-mode CSR ${M_CSRS[csr] ?? `0x${csr.toString(16)}`}`;
}

export function mModeMessage(zone: string, hart: number, pc: bigint, what: string): string {
  return `zone ${zone}: the guest needs M-mode: it executed ${what} at pc 0x${pc.toString(16)} (hart ${hart}); zones run guests ` +
    "in S-mode, as OpenSBI runs its next stage: boot an S-mode build of it (e.g. U-Boot's *_smode, an OpenSBI payload), not M-mode firmware";
}
