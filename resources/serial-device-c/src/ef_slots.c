/* A/B slots, trial, confirm and rollback (SERIAL-PROTOCOL.md 8.1, 8.2), and the status that shows them.
 * This device stores models for another runtime: its health check establishes what it can (the bytes in
 * the slot are the signed ones; the runtime hook, when the port has one, accepts the file) and says
 * that nothing ran: runs 0, latencyMs null, finite false. */
#include <stdio.h>
#include <string.h>
#include "ef_internal.h"
#include "ef_text.h"

static void write_slot(ef_device *d, ef_jw *w, int slot) {
  if (slot < 0 || !d->st.slot_used[slot]) {
    ef_jw_null(w);
    return;
  }
  ef_jw_object(w);
  ef_jw_key(w, "slot");
  ef_jw_string(w, slot == 0 ? "a" : "b");
  ef_jw_key(w, "manifest");
  ef_manifest_write(w, &d->st.slot[slot]);
  ef_jw_end_object(w);
}

static void write_health(ef_jw *w, const ef_health *h) {
  ef_jw_object(w);
  ef_jw_key(w, "ok");
  ef_jw_bool(w, h->ok);
  ef_jw_key(w, "loaded");
  ef_jw_bool(w, h->loaded);
  ef_jw_key(w, "finite");
  ef_jw_bool(w, h->finite);
  ef_jw_key(w, "runs");
  ef_jw_uint(w, h->runs);
  ef_jw_key(w, "latencyMs");
  if (h->has_latency) ef_jw_number(w, h->latency_ms);
  else ef_jw_null(w);
  ef_jw_key(w, "maxLatencyMs");
  ef_jw_number(w, h->max_latency_ms);
  ef_jw_key(w, "reason");
  if (h->has_reason) ef_jw_string(w, h->reason);
  else ef_jw_null(w);
  ef_jw_key(w, "checkedAt");
  ef_jw_string(w, h->checked_at);
  ef_jw_end_object(w);
}

void ef_write_status(ef_device *d, ef_jw *w) {
  const ef_state *s = &d->st;
  ef_jw_object(w);
  ef_jw_key(w, "deviceId");
  ef_jw_string(w, s->device_id);
  ef_jw_key(w, "state");
  ef_jw_string(w, s->in_trial ? "trial" : s->active >= 0 ? "running" : "empty");
  ef_jw_key(w, "active");
  write_slot(d, w, s->active);
  ef_jw_key(w, "previous");
  write_slot(d, w, s->previous);
  ef_jw_key(w, "trial");
  if (s->in_trial) {
    ef_jw_object(w);
    ef_jw_key(w, "slot");
    ef_jw_string(w, s->active == 0 ? "a" : "b");
    ef_jw_key(w, "since");
    ef_jw_string(w, s->trial_since);
    ef_jw_key(w, "healthyWindowSec");
    ef_jw_number(w, s->trial_window_sec);
    ef_jw_key(w, "deadline");
    ef_jw_string(w, s->trial_deadline);
    ef_jw_end_object(w);
  } else ef_jw_null(w);
  ef_jw_key(w, "upload");
  ef_write_upload(d, w);
  ef_jw_key(w, "lastHealth");
  if (s->has_health) write_health(w, &s->health);
  else ef_jw_null(w);
  ef_jw_key(w, "lastEvent");
  if (s->has_event) {
    ef_jw_object(w);
    ef_jw_key(w, "at");
    ef_jw_string(w, s->event_at);
    ef_jw_key(w, "kind");
    ef_jw_string(w, s->event_kind);
    ef_jw_key(w, "detail");
    ef_jw_string(w, s->event_detail);
    ef_jw_end_object(w);
  } else ef_jw_null(w);
  ef_jw_key(w, "release");
  ef_jw_uint(w, s->release);
  ef_jw_end_object(w);
}

int ef_op_status(ef_device *d, ef_span req, ef_jw *w) {
  static const char *const none[] = {NULL};
  if (ef_only(d, "status", req, none)) return -1;
  ef_write_status(d, w);
  return 0;
}

/* Back from the trial slot to the previous one; what was on trial is gone. The caller has set the event. */
static void revert(ef_device *d) {
  int trial_slot = d->st.active;
  d->st.active = d->st.previous;
  d->st.previous = -1;
  d->st.in_trial = 0;
  if (trial_slot >= 0) d->st.slot_used[trial_slot] = 0;
  ef_state_save(d);
  ef_log(d, "%s: %.200s", d->st.event_kind, d->st.event_detail);
}

/* An optional lowercase SHA-256 precondition field; 1 when present (into hex), 0 when absent, -1 when invalid. */
static int sha_field(ef_device *d, const char *op, ef_span req, const char *field, char hex[65]) {
  ef_span v;
  char detail[96];
  if (!ef_json_get(req, field, &v)) return 0;
  if (ef_json_string(v, hex, 65) == 64 && ef_sha256_hex_valid(hex)) return 1;
  snprintf(detail, sizeof detail, "%s: expected 64 lowercase hex digits (a SHA-256)", field);
  return ef_invalid(d, op, detail);
}

static const char *precondition_title(const char *op) {
  static char title[64];
  snprintf(title, sizeof title, "The device is not in the state the %s expects", op);
  return title;
}

#define PRECONDITION_TAIL ". Read the device's status and decide again."

/* Copies the staged artifact into a slot region and syncs it. */
static int install(ef_device *d, int slot, uint64_t size) {
  const ef_hal *h = d->hal;
  uint8_t *buf = (uint8_t *)d->json; /* the request's JSON is parsed by now */
  uint64_t at = 0;
  if (h->store_erase(h->ctx, slot) != 0) return -1;
  while (at < size) {
    size_t n = size - at < sizeof d->json ? (size_t)(size - at) : sizeof d->json;
    if (h->store_read(h->ctx, EF_REGION_STAGING, at, buf, n) != 0 || h->store_write(h->ctx, slot, at, buf, n) != 0) return -1;
    at += n;
  }
  return h->store_sync(h->ctx, slot);
}

int ef_op_activate(ef_device *d, ef_span req, ef_jw *w) {
  ef_span v;
  double window = 0, max_latency = 1000;
  uint64_t runs = 5;
  char expect[65], hex[65], since[25], deadline[25];
  int has_expect, target, old_active = d->st.active;
  ef_health *h = &d->st.health;
  ef_manifest *m = &d->st.upload;
  int64_t now;
  if (ef_json_get(req, "healthyWindowSec", &v) && (ef_json_number(v, &window) || window < 0 || window > 604800))
    return ef_invalid(d, "activate", "healthyWindowSec: expected a number from 0 to 604800");
  if (ef_json_get(req, "maxLatencyMs", &v) && (ef_json_number(v, &max_latency) || !(max_latency > 0) || max_latency > 600000))
    return ef_invalid(d, "activate", "maxLatencyMs: expected a number above 0 and at most 600000");
  if (ef_json_get(req, "selfTestRuns", &v) && (ef_json_uint(v, &runs) || runs < 1 || runs > 100)) return ef_invalid(d, "activate", "selfTestRuns: expected a whole number from 1 to 100");
  has_expect = sha_field(d, "activate", req, "expectStagedSha256", expect);
  if (has_expect < 0) return -1;
  if (!d->st.has_upload || !d->st.upload_complete) return ef_fail(d, "UPLOAD_INCOMPLETE", "Nothing complete to activate", "Upload the whole artifact (upload-begin, upload-chunk) before activate.");
  if (has_expect && strcmp(expect, m->sha256) != 0) {
    return ef_fail(d, "PRECONDITION_FAILED", precondition_title("activate"), "Nothing was changed: the staged artifact has sha256 %.12s..., not %.12s..." PRECONDITION_TAIL, m->sha256, expect);
  }
  if (d->st.in_trial) {
    return ef_fail(d, "TRIAL_IN_PROGRESS", "A trial is running", EF_DESC_FMT " is still on trial. Confirm it or roll it back first.", EF_DESC(d, d->st.active));
  }
  {
    /* Again here: another release may have been accepted since upload-begin. */
    uint64_t r = m->has_release ? m->release : 0;
    if (r < d->st.release || (r == d->st.release && r > 0)) {
      d->st.has_upload = 0;
      ef_state_save(d);
      return ef_fail(d, "RELEASE_COUNTER_REPLAY", "Older release refused", "This device has accepted release %lu; the staged artifact carries release %lu. The staged artifact was discarded.",
                     (unsigned long)d->st.release, (unsigned long)r);
    }
  }
  target = old_active < 0 ? 0 : 1 - old_active;
  if (d->st.slot_used[target] || d->st.previous == target) {
    if (d->st.previous == target) d->st.previous = -1;
    d->st.slot_used[target] = 0;
    if (ef_state_save(d) != 0) return ef_fail(d, "INTERNAL", "Storage failed", "The device could not free slot %c.", 'a' + target);
  }
  if (install(d, target, m->size) != 0) return ef_fail(d, "INTERNAL", "Storage failed", "The model could not be written to slot %c; the device keeps what it runs.", 'a' + target);

  now = ef_wall(d);
  ef_iso_time(now, since);
  ef_iso_time(now + (int64_t)(window * 1000), deadline);
  d->st.slot[target] = *m;
  d->st.slot_used[target] = 1;
  d->st.previous = (int8_t)old_active;
  d->st.active = (int8_t)target;
  d->st.in_trial = 1;
  memcpy(d->st.trial_since, since, sizeof since);
  memcpy(d->st.trial_deadline, deadline, sizeof deadline);
  d->st.trial_window_sec = window;
  d->st.trial_deadline_ms = now + (int64_t)(window * 1000);
  if ((m->has_release ? m->release : 0) > d->st.release) d->st.release = m->release;
  d->st.has_upload = 0;
  d->st.upload_complete = 0;
  ef_set_event(d, "trial-started", "%s %s is on trial in slot %c%s.", m->name, m->version, 'a' + target, m->has_downgrade ? " (a downgrade the console signed for this device)" : "");
  if (ef_state_save(d) != 0) return ef_fail(d, "INTERNAL", "Storage failed", "The activation could not be stored.");
  d->hal->store_erase(d->hal->ctx, EF_REGION_STAGING);
  ef_log(d, "activate: %.200s", d->st.event_detail);

  /* The health check this device can do. */
  memset(h, 0, sizeof *h);
  h->max_latency_ms = max_latency;
  h->loaded = 1;
  if (ef_hash_region(d, target, d->st.slot[target].size, hex) != 0 || strcmp(hex, d->st.slot[target].sha256) != 0) {
    h->loaded = 0;
    snprintf(h->reason, sizeof h->reason, "The copy in slot %c does not match the signed SHA-256: the device's storage is failing.", 'a' + target);
  } else if (d->hal->check_model && !d->hal->check_model(d->hal->ctx, target, d->st.slot[target].size, h->reason, sizeof h->reason)) {
    h->loaded = 0;
    if (!h->reason[0]) strcpy(h->reason, "The device's runtime refused the model file.");
  }
  h->ok = h->loaded;
  h->has_reason = !h->ok;
  ef_now_iso(d, h->checked_at);
  d->st.has_health = 1;
  if (!h->ok) {
    ef_set_event(d, "trial-unhealthy", "%s %s failed its health check: %s", d->st.slot[target].name, d->st.slot[target].version, h->reason);
    revert(d);
  } else ef_state_save(d);
  ef_jw_object(w);
  ef_jw_key(w, "outcome");
  ef_jw_string(w, h->ok ? "trial" : "reverted");
  ef_jw_key(w, "health");
  write_health(w, h);
  ef_jw_key(w, "status");
  ef_write_status(d, w);
  ef_jw_end_object(w);
  return 0;
}

int ef_op_confirm(ef_device *d, ef_span req, ef_jw *w) {
  static const char *const allowed[] = {"expectTrialSha256", NULL};
  char expect[65];
  int has_expect;
  if (ef_only(d, "confirm", req, allowed)) return -1;
  if ((has_expect = sha_field(d, "confirm", req, "expectTrialSha256", expect)) < 0) return -1;
  if (!d->st.in_trial) return ef_fail(d, "NOT_IN_TRIAL", "Nothing to confirm", "No model is on trial on this device.");
  if (has_expect && strcmp(expect, d->st.slot[d->st.active].sha256) != 0) {
    return ef_fail(d, "PRECONDITION_FAILED", precondition_title("confirm"), "Nothing was changed: " EF_DESC_FMT " is on trial, not %.12s..." PRECONDITION_TAIL, EF_DESC(d, d->st.active), expect);
  }
  d->st.in_trial = 0;
  ef_set_event(d, "confirmed", EF_DESC_FMT " was confirmed by the console.", EF_DESC(d, d->st.active));
  if (ef_state_save(d) != 0) return ef_fail(d, "INTERNAL", "Storage failed", "The confirmation could not be stored.");
  ef_log(d, "confirm: %.200s", d->st.event_detail);
  ef_write_status(d, w);
  return 0;
}

int ef_op_rollback(ef_device *d, ef_span req, ef_jw *w) {
  static const char *const allowed[] = {"ifActiveSha256", NULL};
  char expect[65];
  int has_expect, back, from = d->st.active;
  if (ef_only(d, "rollback", req, allowed)) return -1;
  if ((has_expect = sha_field(d, "rollback", req, "ifActiveSha256", expect)) < 0) return -1;
  if (has_expect && (from < 0 || strcmp(expect, d->st.slot[from].sha256) != 0)) {
    return ef_fail(d, "PRECONDITION_FAILED", precondition_title("rollback"), "Nothing was changed: " EF_DESC_FMT " is active, not %.12s..." PRECONDITION_TAIL, EF_DESC(d, from), expect);
  }
  if (d->st.in_trial) {
    ef_set_event(d, "rolled-back", EF_DESC_FMT " was rolled back during its trial.", EF_DESC(d, from));
    revert(d);
    ef_write_status(d, w);
    return 0;
  }
  back = d->st.previous;
  if (back < 0 || !d->st.slot_used[back]) return ef_fail(d, "NO_PREVIOUS_MODEL", "Nothing to roll back to", "This device keeps no previous model (it was replaced or failed).");
  ef_set_event(d, "rolled-back", "Rolled back from " EF_DESC_FMT " to " EF_DESC_FMT ".", EF_DESC(d, from), EF_DESC(d, back));
  d->st.previous = (int8_t)from;
  d->st.active = (int8_t)back;
  if (ef_state_save(d) != 0) return ef_fail(d, "INTERNAL", "Storage failed", "The rollback could not be stored.");
  ef_log(d, "rollback: %.200s", d->st.event_detail);
  ef_write_status(d, w);
  return 0;
}

void ef_trial_at_start(ef_device *d) {
  if (!d->st.in_trial) return;
  /* A model that crashes the device must not stay: a trial never survives a restart. */
  ef_set_event(d, "reverted-at-start", "The device restarted before " EF_DESC_FMT " was confirmed; back to " EF_DESC_FMT ".", EF_DESC(d, d->st.active), EF_DESC(d, d->st.previous));
  revert(d);
}

void ef_trial_tick(ef_device *d) {
  if (!d->st.in_trial || d->st.trial_window_sec <= 0 || ef_wall(d) < d->st.trial_deadline_ms) return;
  /* This device serves no requests of its own, so none can have failed: the trial confirms itself. */
  d->st.in_trial = 0;
  ef_set_event(d, "auto-confirmed", EF_DESC_FMT " stayed healthy for %lu s and was confirmed.", EF_DESC(d, d->st.active), (unsigned long)d->st.trial_window_sec);
  ef_state_save(d);
  ef_log(d, "auto-confirmed: %.200s", d->st.event_detail);
}
