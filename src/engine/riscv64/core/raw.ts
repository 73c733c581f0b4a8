// Plain little-endian store of 1, 2, 4 or 8 bytes at a wasm address.
@inline export function rawStore(a: usize, size: u32, v: u64): void {
  if (size == 8) store<u64>(a, v);
  else if (size == 4) store<u32>(a, <u32>v);
  else if (size == 2) store<u16>(a, <u16>v);
  else store<u8>(a, <u8>v);
}
