#include "test.h"
/* Deliberately failing program: proves the framework reports failures. */
TEST_PROLOGUE
  TEST(7, a0, 1, li a0, 2)
  j pass
TEST_EPILOGUE
TEST_STACK
