// FFmpeg for Swift: the headers the media module uses, plus static inline
// wrappers for what Swift cannot import (function-like macros and compound
// literals).
#ifndef SYNCDEFENSE_CFFMPEG_SHIM_H
#define SYNCDEFENSE_CFFMPEG_SHIM_H

#include <errno.h>
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/channel_layout.h>
#include <libavutil/display.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>

/// AVERROR(e) is a function-like macro.
static inline int cffmpeg_averror(int posixError) { return AVERROR(posixError); }
/// AVERROR(EAGAIN): "feed more input" / "drain output first".
static inline int cffmpeg_eagain(void) { return AVERROR(EAGAIN); }
/// AVERROR_EOF is built with FFERRTAG, a function-like macro.
static inline int cffmpeg_eof(void) { return AVERROR_EOF; }
/// AVERROR_INVALIDDATA is built with FFERRTAG as well: damaged input.
static inline int cffmpeg_invalid_data(void) { return AVERROR_INVALIDDATA; }
/// AVERROR_EXIT: what an interrupt callback makes blocking calls return.
static inline int cffmpeg_exit(void) { return AVERROR_EXIT; }
/// AV_NOPTS_VALUE is a cast expression Swift does not import.
static inline int64_t cffmpeg_nopts(void) { return AV_NOPTS_VALUE; }
/// AV_TIME_BASE_Q is a compound literal.
static inline AVRational cffmpeg_time_base_q(void) { AVRational q = {1, AV_TIME_BASE}; return q; }
/// AV_CHANNEL_LAYOUT_MONO / _STEREO are compound-literal initialisers.
static inline AVChannelLayout cffmpeg_layout_mono(void) { AVChannelLayout l = AV_CHANNEL_LAYOUT_MONO; return l; }
static inline AVChannelLayout cffmpeg_layout_stereo(void) { AVChannelLayout l = AV_CHANNEL_LAYOUT_STEREO; return l; }
/// av_err2str is a macro over a compound-literal buffer; this writes into the caller's.
static inline void cffmpeg_strerror(int code, char *buffer, size_t size) {
    if (av_strerror(code, buffer, size) < 0) snprintf(buffer, size, "FFmpeg error %d", code);
}

#endif
