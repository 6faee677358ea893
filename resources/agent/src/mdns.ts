// Advertises the agent as _edgefleet._tcp. bonjour-service cannot change a published TXT record,
// so an update unpublishes (a goodbye packet) and publishes again without probing its own name.
import Bonjour from 'bonjour-service';

/** TXT value of model and mver on a device without a model (DNS-SD drops empty values). */
export const noModel = '-';

export interface AdvertTxt {
  id: string;
  name: string;
  ver: string;
  arch: string;
  model: string;
  mver: string;
  state: string;
}

export class MdnsAdvertiser {
  private bonjour = new Bonjour();
  private service: ReturnType<Bonjour['publish']> | null = null;
  private lastTxt = '';

  constructor(
    private readonly instanceName: string,
    private readonly port: number,
  ) {}

  update(txt: AdvertTxt): void {
    const key = JSON.stringify(txt);
    if (key === this.lastTxt) return;
    const first = this.service === null;
    this.lastTxt = key;
    const publish = () => {
      this.service = this.bonjour.publish({ name: this.instanceName, type: 'edgefleet', protocol: 'tcp', port: this.port, txt: { ...txt }, probe: first });
      this.service.on('error', (err: unknown) => console.error('edgefleet-agent: mDNS:', err));
    };
    if (this.service) this.service.stop(publish);
    else publish();
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.bonjour.unpublishAll(() => this.bonjour.destroy(() => resolve()));
    });
  }
}
