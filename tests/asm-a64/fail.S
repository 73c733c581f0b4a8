/* A check that fails: the framework must say FAIL with the test number and the value got. */
#include "test.h"
    .text
    .globl test_main
test_main:
    mov x1, #2
    check 7, x1, 1
    ret
