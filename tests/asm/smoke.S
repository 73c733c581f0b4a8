#include "test.h"
TEST_PROLOGUE
  TEST(1, a0, 3, li a1, 1; li a2, 2; add a0, a1, a2)
  TEST(2, a0, -1, li a1, 0; addi a0, a1, -1)
  TEST(3, a0, 0x123456789abcdef0, li a0, 0x123456789abcdef0)
  j pass
TEST_EPILOGUE
TEST_STACK
