// espeak-ng's library API (speak_lib.h): synthesis with phoneme events.
#ifndef SYNCDEFENSE_CESPEAKNG_SHIM_H
#define SYNCDEFENSE_CESPEAKNG_SHIM_H
#include <espeak-ng/speak_lib.h>
#include <espeak-ng/espeak_ng.h>
#endif
