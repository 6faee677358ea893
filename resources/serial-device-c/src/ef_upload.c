/* upload-begin, upload-chunk, upload-status (SERIAL-PROTOCOL.md 3.3, 7.4, 8.3): the signed manifest is
 * checked first, bytes go to EF_REGION_STAGING at the durable offset, and the last chunk's SHA-256
 * must match before the upload is complete. */
#include <string.h>
#include "ef_internal.h"

int ef_upload_accepts(const ef_device *d, uint64_t offset) { return d->st.has_upload && !d->st.upload_complete && offset == d->st.upload_offset; }

int ef_upload_stream(ef_device *d, uint64_t at, const uint8_t *data, size_t len) {
  return d->hal->store_write(d->hal->ctx, EF_REGION_STAGING, at, data, len);
}

void ef_write_upload(ef_device *d, ef_jw *w) {
  if (!d->st.has_upload) {
    ef_jw_null(w);
    return;
  }
  ef_jw_object(w);
  ef_jw_key(w, "manifest");
  ef_manifest_write(w, &d->st.upload);
  ef_jw_key(w, "offset");
  ef_jw_uint(w, d->st.upload_offset);
  ef_jw_key(w, "size");
  ef_jw_uint(w, d->st.upload.size);
  ef_jw_key(w, "complete");
  ef_jw_bool(w, d->st.upload_complete);
  ef_jw_end_object(w);
}

static void discard_upload(ef_device *d) {
  d->st.has_upload = 0;
  d->st.upload_complete = 0;
  d->st.upload_offset = 0;
  ef_state_save(d);
  d->hal->store_erase(d->hal->ctx, EF_REGION_STAGING);
}

/* The release counter (SERIAL-PROTOCOL.md 8.4): above the highest accepted; absent counts as 0,
 * accepted only while the counter is 0. A downgrade must name this device. */
static int check_release(ef_device *d, const ef_manifest *m) {
  uint64_t r = m->has_release ? m->release : 0;
  if (r < d->st.release || (r == d->st.release && r > 0)) {
    return ef_fail(d, "RELEASE_COUNTER_REPLAY", "Older release refused",
                   "This device has accepted release %lu; the manifest for %.100s %.60s carries release %lu, so it is an earlier deploy sent again. The device keeps what it runs. To put older model content back, deploy it again with --allow-downgrade.",
                   (unsigned long)d->st.release, m->name, m->version, (unsigned long)r);
  }
  if (m->has_downgrade && strcmp(m->downgrade_id, d->st.device_id) != 0) {
    return ef_fail(d, "DOWNGRADE_WRONG_DEVICE", "Downgrade signed for another device",
                   "The manifest for %.100s %.60s is a downgrade signed for device %.100s, not for this device (%s). The device keeps what it runs.", m->name, m->version, m->downgrade_id,
                   d->st.device_id);
  }
  return 0;
}

static int complete_if_hashed(ef_device *d) {
  char hex[65];
  if (ef_hash_region(d, EF_REGION_STAGING, d->st.upload.size, hex) != 0) return ef_fail(d, "INTERNAL", "Storage failed", "The staged bytes could not be read back; the upload stays where it was.");
  if (strcmp(hex, d->st.upload.sha256) != 0) {
    ef_fail(d, "ARTIFACT_HASH_MISMATCH", "Artifact does not match its manifest",
            "The %lu bytes received hash to sha256 %.12s..., not the manifest's %.12s...; the upload was discarded. Deploy again.", (unsigned long)d->st.upload.size, hex, d->st.upload.sha256);
    discard_upload(d);
    return -1;
  }
  d->st.upload_complete = 1;
  return 0;
}

int ef_op_upload_begin(ef_device *d, ef_span req, ef_jw *w) {
  ef_span v;
  char err[200], sig[201];
  ef_manifest *m = &d->incoming;
  long n;
  uint64_t cap;
  if (!ef_json_get(req, "manifest", &v)) return ef_invalid(d, "upload-begin", "manifest: required");
  if (ef_manifest_parse(v, "manifest", m, err, sizeof err) != 0) return ef_invalid(d, "upload-begin", err);
  if (!ef_json_get(req, "signature", &v) || ef_json_type(v) != EF_JSON_STRING) return ef_invalid(d, "upload-begin", "signature: required, a string");
  n = ef_json_string(v, sig, sizeof sig);
  if (n < 0 || n > 200) return ef_invalid(d, "upload-begin", "signature: expected at most 200 characters");
  /* From here on the request's JSON buffer is scratch space (the canonical bytes). */
  if (!ef_manifest_verify(d->hal, m, sig, d->st.console_key, d->json, sizeof d->json)) {
    if (d->st.has_upload) discard_upload(d);
    return ef_fail(d, "MANIFEST_SIGNATURE_INVALID", "Manifest signature does not verify",
                   "The manifest is unsigned, was changed after signing, or was signed by a console this device is not paired with. Nothing was stored.");
  }
  if (check_release(d, m) != 0) return -1;
  if (d->st.has_upload && ef_manifest_equal(m, &d->st.upload) && strcmp(sig, d->st.upload_signature) == 0) {
    ef_log(d, "upload-begin: resuming %.80s %.40s at offset %lu of %lu", m->name, m->version, (unsigned long)d->st.upload_offset, (unsigned long)m->size);
    ef_write_upload(d, w);
    return 0;
  }
  cap = d->hal->store_capacity(d->hal->ctx, EF_REGION_STAGING);
  if (d->hal->store_capacity(d->hal->ctx, EF_REGION_SLOT_A) < cap) cap = d->hal->store_capacity(d->hal->ctx, EF_REGION_SLOT_A);
  if (m->size > cap) {
    return ef_fail(d, "ARTIFACT_TOO_LARGE", "Model too large for this device", "%.100s %.60s is %lu bytes; this device's model slots hold %lu bytes. Nothing was stored.", m->name, m->version,
                   (unsigned long)m->size, (unsigned long)cap);
  }
  if (d->hal->store_erase(d->hal->ctx, EF_REGION_STAGING) != 0) return ef_fail(d, "INTERNAL", "Storage failed", "The staging area could not be erased; nothing was stored.");
  d->st.upload = *m;
  memcpy(d->st.upload_signature, sig, (size_t)n + 1);
  d->st.upload_offset = 0;
  d->st.upload_complete = 0;
  d->st.has_upload = 1;
  if (m->size == 0 && complete_if_hashed(d) != 0) return -1;
  if (ef_state_save(d) != 0) return ef_fail(d, "INTERNAL", "Storage failed", "The device could not store the upload's manifest.");
  ef_log(d, "upload-begin: %.80s %.40s, %lu bytes, release %lu", m->name, m->version, (unsigned long)m->size, (unsigned long)m->release);
  ef_write_upload(d, w);
  return 0;
}

int ef_op_upload_chunk(ef_device *d, ef_span req, ef_jw *w) {
  ef_span v;
  uint64_t offset, end;
  if (!ef_json_get(req, "offset", &v) || ef_json_uint(v, &offset)) return ef_invalid(d, "upload-chunk", "offset: required, a whole number of bytes (0 or more)");
  if (!d->st.has_upload) return ef_fail(d, "UPLOAD_NOT_STARTED", "No upload in progress", "Send upload-begin with the signed manifest first.");
  if (d->st.upload_complete) {
    ef_write_upload(d, w); /* every byte is in: the chunk is ignored */
    return 0;
  }
  if (offset != d->st.upload_offset) {
    return ef_fail(d, "UPLOAD_OFFSET_MISMATCH", "Chunk out of order", "The chunk starts at %lu but the device holds %lu bytes durably; ask upload-status and send from there.", (unsigned long)offset,
                   (unsigned long)d->st.upload_offset);
  }
  if (d->stream_too_long) {
    discard_upload(d);
    return ef_fail(d, "UPLOAD_TOO_LONG", "More bytes than the manifest says", "The chunk goes past the manifest's %lu bytes; the upload was discarded.", (unsigned long)d->st.upload.size);
  }
  if (!d->streaming || d->stream_failed || d->hal->store_sync(d->hal->ctx, EF_REGION_STAGING) != 0) {
    return ef_fail(d, "INTERNAL", "Storage failed", "The chunk could not be written; the device still holds %lu bytes. Send it again.", (unsigned long)d->st.upload_offset);
  }
  end = offset + d->binary_bytes;
  d->st.upload_offset = end;
  if (end == d->st.upload.size && complete_if_hashed(d) != 0) return -1;
  if (ef_state_save(d) != 0) return ef_fail(d, "INTERNAL", "Storage failed", "The new offset could not be stored; send the chunk again.");
  ef_log(d, "upload: %lu of %lu bytes durable%s", (unsigned long)end, (unsigned long)d->st.upload.size, d->st.upload_complete ? ", sha256 verified" : "");
  ef_write_upload(d, w);
  return 0;
}

int ef_op_upload_status(ef_device *d, ef_span req, ef_jw *w) {
  static const char *const none[] = {NULL};
  if (ef_only(d, "upload-status", req, none)) return -1;
  ef_jw_object(w);
  ef_jw_key(w, "upload");
  ef_write_upload(d, w);
  ef_jw_end_object(w);
  return 0;
}
