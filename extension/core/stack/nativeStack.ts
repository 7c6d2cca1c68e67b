import type { EtlConfig } from '../config';
import type { Stack } from './backend';
import { SERVICE_NAMES, type ServiceName } from './services';
import { down, startOne, status, stopOne, up } from './stack';

/** The native stack behind the common interface: processes and pid files (stack.ts). */
export function nativeStack(config: EtlConfig): Stack {
  return {
    mode: 'native',
    serviceNames: () => SERVICE_NAMES,
    up: (reporter, withOptional, onProgress) => up(config, reporter, withOptional, onProgress),
    down: (reporter) => down(config, reporter),
    status: () => status(config),
    start: (name, reporter) => startOne(config, name as ServiceName, reporter),
    stop: (name, reporter) => stopOne(config, name as ServiceName, reporter),
  };
}
