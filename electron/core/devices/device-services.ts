// The long-running device services of a console that stays up (Electron or browser mode): the
// telemetry feed of paired devices (HTTPS event streams, MQTT events), MQTT enrolment by one-time token
// and, unless turned off, mDNS discovery.
import type { DeviceContext } from './device-context.js';
import { Discovery } from './discovery.js';
import { EnrolService } from './mqtt/enrol-service.js';
import { MqttEventIngest } from './mqtt/mqtt-event-ingest.js';
import { TelemetryFeed } from './telemetry-feed.js';

export interface DeviceServices {
  close(): Promise<void>;
}

export function startDeviceServices(ctx: DeviceContext, opts: { discovery?: boolean } = {}): DeviceServices {
  const feed = new TelemetryFeed(ctx);
  const mqttEvents = new MqttEventIngest(ctx);
  const enrolment = new EnrolService(ctx);
  const discovery = opts.discovery === false ? null : new Discovery(ctx);
  return {
    async close() {
      feed.close();
      mqttEvents.close();
      await enrolment.close();
      await discovery?.close();
      ctx.changed.close();
    },
  };
}
