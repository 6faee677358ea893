// `edgefleet broker enrol-serve`: the enrolment service of a console app, for a site run from the
// CLI alone. Answers until SIGINT or SIGTERM.
import { createCore } from '../../core.js';
import { DeviceContext } from '../device-context.js';
import { EnrolService } from './enrol-service.js';

export async function serveEnrolment(home: string, out: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<void> {
  const core = createCore({ home, mode: 'cli' });
  const service = new EnrolService(new DeviceContext(core.home, core.registry, core.bus), out);
  try {
    const urls = await service.ready();
    out(urls.length ? `Answering enrolment requests on ${urls.join(', ')} (Ctrl-C stops).` : `No enrolment tokens in ${home} yet: waiting for \`edgefleet broker enrol-token\` (Ctrl-C stops).`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
  } finally {
    await service.close();
    await core.close();
  }
}
