#include <openssl/sha.h>

// A name of its own, so that Swift code can call it beside a Swift type named SHA256.
static inline unsigned char *mockcdp_sha256(
    const unsigned char *bytes, size_t count, unsigned char *digest) {
    return SHA256(bytes, count, digest);
}
