// The MQTT binding's topic tree: one subtree per device, at most 7 levels so it also fits AWS IoT
// Core. A device may publish and subscribe only under its own subtree (see the broker ACL), so the
// device id is a whole topic level and can never hold a wildcard or a separator.
export const topicRoot = 'ef/v1';

/** Device ids as agents make them (`ef-` + a UUID), and anything else that is one safe topic level. */
export const deviceIdPattern = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** A console connection's id, the last level of the response topics it reads. */
export const connectionIdPattern = /^[a-z0-9][a-z0-9-]{0,63}$/;

export function isTopicId(id: string): boolean {
  return deviceIdPattern.test(id);
}

export interface DeviceTopics {
  /** Console → device requests (QoS 1, never retained). */
  req: string;
  /** Device → console answers and progress frames, one topic per console connection. */
  res(connection: string): string;
  /** Telemetry summaries (QoS 0). */
  telemetry: string;
  /** Status on every change (QoS 1). */
  status: string;
  /** Retained birth message, and the broker's retained will when the device drops. */
  presence: string;
  /** Retained: what the console wants the device to run. */
  desired: string;
  /** Retained: what the device runs (its last status). */
  reported: string;
}

export function deviceTopics(deviceId: string): DeviceTopics {
  if (!isTopicId(deviceId)) throw new TypeError(`"${deviceId}" cannot be a topic level: device ids are 1–64 of a-z, 0-9 and "-".`);
  const base = `${topicRoot}/d/${deviceId}`;
  return {
    req: `${base}/req`,
    res: (connection) => {
      if (!connectionIdPattern.test(connection)) throw new TypeError(`"${connection}" cannot be a topic level.`);
      return `${base}/res/${connection}`;
    },
    telemetry: `${base}/evt/telemetry`,
    status: `${base}/evt/status`,
    presence: `${base}/presence`,
    desired: `${base}/state/desired`,
    reported: `${base}/state/reported`,
  };
}

/** Every device's answers to one console connection. */
export function responsesFilter(connection: string): string {
  return `${topicRoot}/d/+/res/${connection}`;
}

/** Every device's events, shared among the console's ingest connections (MQTT 5 shared subscription). */
export const eventsFilter = `$share/ef-console/${topicRoot}/d/+/evt/#`;
export const presenceFilter = `${topicRoot}/d/+/presence`;

export type DeviceTopicKind = 'req' | 'res' | 'telemetry' | 'status' | 'presence' | 'desired' | 'reported';

/** The device and kind of a topic in the tree; null for anything else. */
export function parseDeviceTopic(topic: string): { deviceId: string; kind: DeviceTopicKind; connection?: string } | null {
  const parts = topic.split('/');
  if (parts.length < 5 || `${parts[0]}/${parts[1]}` !== topicRoot || parts[2] !== 'd' || !isTopicId(parts[3])) return null;
  const deviceId = parts[3];
  const rest = parts.slice(4).join('/');
  if (rest === 'req') return { deviceId, kind: 'req' };
  if (rest === 'evt/telemetry') return { deviceId, kind: 'telemetry' };
  if (rest === 'evt/status') return { deviceId, kind: 'status' };
  if (rest === 'presence') return { deviceId, kind: 'presence' };
  if (rest === 'state/desired') return { deviceId, kind: 'desired' };
  if (rest === 'state/reported') return { deviceId, kind: 'reported' };
  if (parts.length === 6 && parts[4] === 'res' && connectionIdPattern.test(parts[5])) return { deviceId, kind: 'res', connection: parts[5] };
  return null;
}
