// espeak-ng's library API (speak_lib.h): synthesis with phoneme events.
//
// espeak-ng keeps state between utterances (waveform phase, echo, random
// generator), so the same request gives different samples depending on what was
// spoken before. SyncDefense needs reproducible corpora, so every utterance is
// spoken in a forked child that starts from the parent's pristine, initialised
// state. These helpers are the child's whole job: plain C and write(2), nothing
// that depends on the Swift runtime after fork().
#ifndef SYNCDEFENSE_CESPEAKNG_SHIM_H
#define SYNCDEFENSE_CESPEAKNG_SHIM_H
#include <espeak-ng/speak_lib.h>
#include <espeak-ng/espeak_ng.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

static int cespeak_output_fd = -1;

static inline int cespeak_write_all(int fd, const void *data, size_t size) {
    const char *p = (const char *)data;
    while (size > 0) {
        ssize_t n = write(fd, p, size);
        if (n < 0) { if (errno == EINTR) continue; return -1; }
        p += n; size -= (size_t)n;
    }
    return 0;
}

/// Streams audio ('S', int32 count, int16 samples) and phoneme events
/// ('P', int32 sample, 8 bytes of name) to cespeak_output_fd.
static int cespeak_pipe_callback(short *wav, int count, espeak_EVENT *events) {
    if (wav && count > 0) {
        char tag = 'S'; int32_t n = count;
        if (cespeak_write_all(cespeak_output_fd, &tag, 1) || cespeak_write_all(cespeak_output_fd, &n, 4)
            || cespeak_write_all(cespeak_output_fd, wav, (size_t)count * 2)) return 1;
    }
    for (espeak_EVENT *e = events; e && e->type != espeakEVENT_LIST_TERMINATED; e++) {
        if (e->type != espeakEVENT_PHONEME) continue;
        char tag = 'P'; int32_t sample = e->sample;
        if (cespeak_write_all(cespeak_output_fd, &tag, 1) || cespeak_write_all(cespeak_output_fd, &sample, 4)
            || cespeak_write_all(cespeak_output_fd, e->id.string, 8)) return 1;
    }
    return 0;
}

/// Speaks `text` with a voice and parameters, writing the stream to `fd`.
/// Returns 0 on success, 2 for an unknown voice, 3 when synthesis failed.
static inline int cespeak_speak_to_fd(const char *text, const char *voice, int rate, int pitch, int range, int fd) {
    cespeak_output_fd = fd;
    if (espeak_SetVoiceByName(voice) != EE_OK) return 2;
    espeak_SetParameter(espeakRATE, rate, 0);
    espeak_SetParameter(espeakPITCH, pitch, 0);
    espeak_SetParameter(espeakRANGE, range, 0);
    espeak_SetSynthCallback(cespeak_pipe_callback);
    if (espeak_Synth(text, strlen(text) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, NULL) != EE_OK) return 3;
    if (espeak_Synchronize() != EE_OK) return 3;
    return 0;
}

/// Whether espeak-ng accepts `voice` (run in a child, like synthesis).
static inline int cespeak_has_voice(const char *voice) {
    return espeak_SetVoiceByName(voice) == EE_OK;
}
#endif
