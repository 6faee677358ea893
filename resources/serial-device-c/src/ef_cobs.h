/* Consistent Overhead Byte Stuffing (SERIAL-PROTOCOL.md 1, "COBS and delimiters"). */
#ifndef EF_COBS_H
#define EF_COBS_H
#include <stddef.h>
#include <stdint.h>

/* Largest encoding of n bytes (without the 0x00 delimiter). */
#define EF_COBS_MAX(n) ((n) + (n) / 254 + 1)

/* Encodes n bytes into out (room for EF_COBS_MAX(n)); returns the encoded length. in and out must not overlap. */
size_t ef_cobs_encode(const uint8_t *in, size_t n, uint8_t *out);

/* Decodes one block (without its delimiter) into out, which may be in itself (in place). Returns the
 * decoded length, or -1 when the block is malformed (a code byte runs past the end, or a zero inside). */
long ef_cobs_decode(const uint8_t *in, size_t n, uint8_t *out);

#endif
