/* SBI SRST system_reset(RESET_TYPE, RESET_REASON), both given at build time (-D): §System
 * Reset defines types 0 shutdown, 1 cold reboot, 2 warm reboot and reasons 0 no reason,
 * 1 system failure; "a synchronous call [that] does not return if it succeeds". The test
 * runner checks how the zone ended. */
#include "test.h"

TEST_PROLOGUE
  .option norvc
  li a0, RESET_TYPE
  li a1, RESET_REASON
  SBI_CALL(SBI_SRST, 0)
  li gp, 1
  j fail
TEST_EPILOGUE
TEST_STACK
