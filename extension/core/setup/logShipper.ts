import { EtlError } from '../errors';
import { runTool } from '../run';
import { RSYSLOGD, SHIPPER_APT_PACKAGES, omelasticsearchModule, shipperInstallCommand } from '../stack/logShipper';
import type { SetupComponent, SetupContext } from './component';

/**
 * The native log shipper: Debian's rsyslog with omelasticsearch (rsyslog-elasticsearch).
 * Filebeat and Logstash cannot be had from the registries here; rsyslog tails with saved
 * offsets, bulk-indexes and queues to disk during an outage (README, "Logs in Elasticsearch").
 * apt does not start the system daemon here (policy-rc.d); `etl up` runs its own rsyslogd.
 */
async function installAptPackages(ctx: SetupContext): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new EtlError(
      `the log shipper needs the Debian packages ${SHIPPER_APT_PACKAGES.join(', ')}`,
      `run as root: ${shipperInstallCommand()}`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = ['install', '-y', '--no-install-recommends', ...SHIPPER_APT_PACKAGES];
  try {
    await runTool('apt-get', install, {
      purpose: `installing ${SHIPPER_APT_PACKAGES.join(', ')}`,
      reporter: ctx.reporter,
      env,
    });
  } catch {
    // A new machine has no package lists yet: read them, then install again.
    await runTool('apt-get', ['update'], { purpose: 'reading the Debian package lists', reporter: ctx.reporter, env });
    await runTool('apt-get', install, {
      purpose: `installing ${SHIPPER_APT_PACKAGES.join(', ')}`,
      reporter: ctx.reporter,
      env,
    });
  }
}

export const logShipper: SetupComponent = {
  name: 'log-shipper',
  describe: `Debian ${SHIPPER_APT_PACKAGES.join(', ')} (the native stack's log shipper into Elasticsearch)`,
  stamp: () => `apt:${SHIPPER_APT_PACKAGES.join(',')}`,
  artifacts: () => [RSYSLOGD, omelasticsearchModule() ?? '/usr/lib/rsyslog/omelasticsearch.so'],
  async install(ctx) {
    if (omelasticsearchModule()) return;
    await installAptPackages(ctx);
  },
};
