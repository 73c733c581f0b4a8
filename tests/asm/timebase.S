/* Busy-waits 5,000,000 ticks of the time CSR (0.5 s at the 10 MHz timebase), then passes. */
#include "test.h"
TEST_PROLOGUE
  csrr s0, time
  li t0, 5000000
  add s0, s0, t0
1: csrr t0, time
  bltu t0, s0, 1b
  j pass
TEST_EPILOGUE
TEST_STACK
