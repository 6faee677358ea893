/* Sizes of every static buffer of the EdgeFleet reference device. Override any of them with -D. */
#ifndef EF_CONFIG_H
#define EF_CONFIG_H

/* Link parameters this device offers in HELLO_ACK (SERIAL-PROTOCOL.md 2.1). The receive window costs
 * EF_WINDOW x EF_MAX_PAYLOAD bytes of reassembly buffer. */
#ifndef EF_MAX_PAYLOAD
#define EF_MAX_PAYLOAD 256
#endif
#ifndef EF_WINDOW
#define EF_WINDOW 8
#endif

/* Largest request JSON accepted (pair carries a PEM key; upload-begin a manifest). */
#ifndef EF_RX_JSON_MAX
#define EF_RX_JSON_MAX 4096
#endif
/* Outgoing messages waiting for their acknowledgement, and the largest single response. */
#ifndef EF_TX_QUEUE
#define EF_TX_QUEUE 8192
#endif
#ifndef EF_TX_MSG_MAX
#define EF_TX_MSG_MAX 6144
#endif

/* Manifest strings in UTF-8 bytes: the schema's 200 / 100 / 200 UTF-16 units take at most 3 bytes each. */
#ifndef EF_NAME_MAX
#define EF_NAME_MAX 600
#endif
#ifndef EF_VERSION_MAX
#define EF_VERSION_MAX 300
#endif
#ifndef EF_ID_MAX
#define EF_ID_MAX 600
#endif
#define EF_CREATED_MAX 48
#ifndef EF_CONSOLE_NAME_MAX
#define EF_CONSOLE_NAME_MAX 600
#endif
#define EF_DEVICE_ID_MAX 64
/* lastEvent.detail names up to two models ("Rolled back from NAME VERSION (slot b) to ..."). */
#ifndef EF_DETAIL_MAX
#define EF_DETAIL_MAX 1600
#endif

/* Bytes copied at a time from the staging area into a slot, and hashed at a time. */
#ifndef EF_COPY_CHUNK
#define EF_COPY_CHUNK 256
#endif

/* JSON nesting the reader accepts. */
#define EF_JSON_DEPTH 32

/* Opaque room for the HAL's SHA-256 state (libsodium: 104 bytes, mbedTLS: about 110). */
#ifndef EF_SHA256_CTX_BYTES
#define EF_SHA256_CTX_BYTES 256
#endif

#endif
