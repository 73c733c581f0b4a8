// SBI v3.0 Firmware Features (FWFT) for one hart. Of the features v3.0 defines, this platform has
// MISALIGNED_EXC_DELEG only, and only as "delegated": misaligned loads and stores never trap (the
// core does them), misaligned atomics always reach the guest's trap handler, and tsvisor has no
// emulation to take them back (so setting 0 is denied). The rest need ISA extensions the core
// lacks (Zicfilp, Zicfiss, Ssdbltrp, Svadu, Ssnpm): not supported. Every v3.0 feature is local
// (per hart), so the state lives with the hart's vCPU thread.
import { ret, SBI_ERR_DENIED, SBI_ERR_DENIED_LOCKED, SBI_ERR_INVALID_PARAM, SBI_ERR_NOT_SUPPORTED,
  SBI_SUCCESS, u32, type SbiAction, type SbiHost } from "./sbi-abi.js";

const MISALIGNED_EXC_DELEG = 0;
const POINTER_MASKING_PMLEN = 5; // the last feature v3.0 defines
const FLAG_LOCK = 1n;

export class FwftState {
  /** LOCK flag of MISALIGNED_EXC_DELEG (its value is always 1, see above). */
  misalignedLocked = false;

  /** "Upon hart reset, local feature values are not retained and reset to their default". */
  reset(): void {
    this.misalignedLocked = false;
  }
}

/** SBI_SUCCESS if `feature` is one this hart has, else the error get and set both answer. */
function lookup(feature: number): bigint {
  if (feature === MISALIGNED_EXC_DELEG) return SBI_SUCCESS;
  if (feature <= POINTER_MASKING_PMLEN) return SBI_ERR_NOT_SUPPORTED; // defined, hardware missing
  return SBI_ERR_DENIED; // "reserved or is platform-specific and unimplemented"
}

export function fwft(host: SbiHost, fid: number, a: readonly bigint[]): SbiAction | null {
  const h = host.self;
  const found = lookup(u32(a[0]));
  switch (fid) {
    case 0: { // set(feature, value, flags)
      if (found !== SBI_SUCCESS) return ret(h, found, 0n);
      const [value, flags] = [a[1], a[2]];
      if ((flags & ~FLAG_LOCK) !== 0n) return ret(h, SBI_ERR_INVALID_PARAM, 0n); // reserved bits
      if (host.fwft.misalignedLocked) return ret(h, SBI_ERR_DENIED_LOCKED, 0n);
      if (value > 1n) return ret(h, SBI_ERR_INVALID_PARAM, 0n);
      if (value === 0n) return ret(h, SBI_ERR_DENIED, 0n);
      if (flags === FLAG_LOCK) host.fwft.misalignedLocked = true;
      return ret(h, SBI_SUCCESS, 0n);
    }
    case 1: // get(feature): "in case of failure, the content of sbiret.value is zero"
      return ret(h, found, found === SBI_SUCCESS ? 1n : 0n);
    default:
      return null;
  }
}
