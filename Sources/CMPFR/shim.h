#ifndef CMPFR_SHIM_H
#define CMPFR_SHIM_H
#include <stdio.h>
#include <mpfr.h>
#endif
