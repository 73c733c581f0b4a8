/* A static arm64 /init without libc or FP/SIMD (tests/a64-linux.test.ts): says hello, powers off. */
static long sys(long n, long a, long b, long c, long d) {
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  register long x3 __asm__("x3") = d;
  __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
  return x0;
}
void _start(void) {
  static const char msg[] = "a64 init: hello from user space\n";
  sys(64, 1, (long)msg, sizeof msg - 1, 0); /* write */
  sys(142, 0xfee1dead, 672274793, 0x4321fedc, 0); /* reboot(LINUX_REBOOT_CMD_POWER_OFF) */
  for (;;) {}
}
