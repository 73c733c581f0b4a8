// Where a guest access goes, the MMU on or off: RAM (a host address), MMIO (a physical address
// for the VMM), or a fault already taken as an exception. Used by every load, store and fetch.
import { C_EL, FATAL_FETCH } from "../layout";
import { cpu, pc, fatal } from "./state";
import { ramAt, loadRaw as loadN, storeRaw as storeN } from "./memory";
import { mmuOn, translate, dataVa, faultStatus, NO_PA, ACC_READ, ACC_WRITE, ACC_EXEC } from "./mmu";
import { takeException } from "./exception";

export const XL_RAM: i32 = 0; // hostAddr holds `size` contiguous bytes
export const XL_MMIO: i32 = 1; // physAddr is not RAM
export const XL_SPLIT: i32 = 2; // crosses into a page elsewhere in RAM: hostAddr for the first splitAt bytes, hostAddr2 for the rest
export const XL_FAULT: i32 = 3; // a Data Abort was taken

export let hostAddr: usize = 0;
export let hostAddr2: usize = 0;
export let splitAt: u32 = 0;
export let physAddr: u64 = 0;

const EC_IABORT_LOWER: u32 = 0x20;
const EC_DABORT_LOWER: u32 = 0x24;

function dataAbort(va: u64, write: bool): i32 {
  const lower: u32 = load<u32>(cpu + C_EL) == 0 ? 0 : 1;
  takeException(EC_DABORT_LOWER | lower, (write ? 1 << 6 : 0) | faultStatus, pc, va, true);
  return XL_FAULT;
}

/** Translate a data access of `size` (1..16) bytes at `va`; see XL_*. */
export function xlateData(vaIn: u64, size: u32, write: bool): i32 {
  let pa: u64;
  if (!mmuOn) {
    pa = vaIn;
  } else {
    const va = dataVa(vaIn);
    pa = translate(va, write ? ACC_WRITE : ACC_READ);
    if (pa == NO_PA) return dataAbort(vaIn, write);
    const first: u32 = <u32>0x1000 - <u32>(va & 0xfff);
    if (first < size) { // crosses a page: both pages must translate before anything is done
      const pa2 = translate(va + first, write ? ACC_WRITE : ACC_READ);
      if (pa2 == NO_PA) return dataAbort(vaIn + first, write);
      if (pa2 != pa + first) {
        hostAddr = ramAt(pa, first);
        hostAddr2 = ramAt(pa2, size - first);
        if (hostAddr == 0 || hostAddr2 == 0) {
          physAddr = pa;
          return XL_MMIO; // MMIO split across pages: the caller refuses it
        }
        splitAt = first;
        return XL_SPLIT;
      }
    }
  }
  hostAddr = ramAt(pa, size);
  physAddr = pa;
  return hostAddr != 0 ? XL_RAM : XL_MMIO;
}

/** The host address of the instruction at pc, or 0 when fetching it took an exception or ended the vCPU (`fetchExit`). */
export let fetchExit: i32 = 0;

export function xlateFetch(): usize {
  let pa = pc;
  if (mmuOn) {
    pa = translate(pc, ACC_EXEC);
    if (pa == NO_PA) {
      const lower: u32 = load<u32>(cpu + C_EL) == 0 ? 0 : 1;
      fetchExit = takeException(EC_IABORT_LOWER | lower, faultStatus, pc, pc, true);
      return 0;
    }
  }
  const a = ramAt(pa, 4);
  if (a == 0) fetchExit = fatal(FATAL_FETCH, 0, pa);
  return a;
}

/** Read `n` bytes at offset `off` of the access xlateData just described (XL_RAM or XL_SPLIT), little-endian. */
export function readAt(x: i32, off: u32, n: u32): u64 {
  if (x == XL_RAM) return loadN(hostAddr + off, n);
  let v: u64 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const k = off + i;
    const b = <u64>load<u8>(k < splitAt ? hostAddr + k : hostAddr2 + (k - splitAt));
    v |= b << (i << 3);
  }
  return v;
}

/** Write the low `n` bytes of v at offset `off` of the access xlateData just described. */
export function writeAt(x: i32, off: u32, n: u32, v: u64): void {
  if (x == XL_RAM) {
    storeN(hostAddr + off, n, v);
    return;
  }
  for (let i: u32 = 0; i < n; i++) {
    const k = off + i;
    store<u8>(k < splitAt ? hostAddr + k : hostAddr2 + (k - splitAt), <u8>(v >> (i << 3)));
  }
}
