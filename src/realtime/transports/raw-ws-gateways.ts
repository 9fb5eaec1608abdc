import type { INestApplicationContext } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { GATEWAY_METADATA, GATEWAY_OPTIONS } from '@nestjs/websockets/constants.js';
import type { RawWsGatewayOptions } from './raw-ws-adapter.js';

export interface DeclaredRawWsGateway {
  className: string;
  options: RawWsGatewayOptions;
}

/** The app's raw-ws gateways, found as Nest's SocketModule finds gateways: providers whose class is a gateway. */
export function rawWsGatewaysOf(app: INestApplicationContext): DeclaredRawWsGateway[] {
  const found: DeclaredRawWsGateway[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.providers.values()) {
      const type = wrapper.metatype;
      if (wrapper.isNotMetatype || !type || !Reflect.hasMetadata(GATEWAY_METADATA, type)) continue;
      const options = Reflect.getMetadata(GATEWAY_OPTIONS, type) as Partial<RawWsGatewayOptions> | undefined;
      if (options?.transport === 'ws') found.push({ className: type.name, options: options as RawWsGatewayOptions });
    }
  }
  return found;
}

/**
 * Throws, naming both classes, when two raw-ws gateways would share a path. Nest hands every gateway declaring the
 * same port and path one server (that is how socket.io namespaces share theirs), so a second raw-ws gateway on a
 * declared path would be merged into the first without a word: one frame answered twice, its own parser and frame
 * limit ignored. Paths after the configured settings (`servedPath`) must differ too, or one would hide the other.
 */
export function refuseSharedPaths(
  gateways: DeclaredRawWsGateway[],
  servedPath: (options: RawWsGatewayOptions) => string,
): void {
  const declared = new Map<string, string>();
  const served = new Map<string, string>();
  for (const { className, options } of gateways) {
    for (const [byPath, path, how] of [
      [declared, options.path, 'both declare'],
      [served, servedPath(options), 'would both serve, as configured,'],
    ] as const) {
      const other = byPath.get(path);
      if (other !== undefined)
        throw new Error(`raw-ws gateways ${other} and ${className} ${how} the path ${path}: give each its own`);
      byPath.set(path, className);
    }
  }
}
