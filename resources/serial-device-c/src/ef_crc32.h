/* CRC-32/ISO-HDLC (Ethernet, zlib, PNG): reflected 0xEDB88320, init and final XOR 0xFFFFFFFF. */
#ifndef EF_CRC32_H
#define EF_CRC32_H
#include <stddef.h>
#include <stdint.h>

/* Continue a CRC: start with crc = 0; ef_crc32(0, "123456789", 9) == 0xCBF43926. */
uint32_t ef_crc32(uint32_t crc, const uint8_t *data, size_t len);

#endif
