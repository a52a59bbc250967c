#include <zlib.h>

// deflateInit2 is a macro, which Swift cannot call.
static inline int mockcdp_deflate_init_gzip(z_stream *stream, int level) {
    // 15 + 16: a 32 KB window with a gzip header and trailer rather than zlib's.
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
