// FFTW 3, single precision (fftwf_*).
#ifndef SYNCDEFENSE_CFFTW_SHIM_H
#define SYNCDEFENSE_CFFTW_SHIM_H
#include <fftw3.h>
/// FFTW_ESTIMATE / FFTW_MEASURE are (1U << n) expressions; keep the flags in one place.
static inline unsigned cfftw_estimate(void) { return FFTW_ESTIMATE; }
static inline unsigned cfftw_measure(void) { return FFTW_MEASURE; }
/// fftwf_version is an array of unknown size, which Swift does not import.
static inline const char *cfftw_version(void) { return fftwf_version; }
#endif
