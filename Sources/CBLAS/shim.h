// OpenBLAS's CBLAS interface and its thread controls.
#ifndef SYNCDEFENSE_CBLAS_SHIM_H
#define SYNCDEFENSE_CBLAS_SHIM_H
#include <cblas.h>
#endif
