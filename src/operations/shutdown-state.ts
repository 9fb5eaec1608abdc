import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { operationsSettings } from '../config/areas/operations.settings.js';

/**
 * Whether this instance is going away. Shutdown starts here: readiness turns false, and the instance keeps
 * serving for `shutdownDrainMs` so load balancers stop sending new connections before sockets are closed.
 */
@Injectable()
export class ShutdownState implements OnModuleDestroy {
  private draining = false;

  constructor(@Inject(operationsSettings.KEY) private readonly operations: ConfigType<typeof operationsSettings>) {}

  get isDraining(): boolean {
    return this.draining;
  }

  async onModuleDestroy(): Promise<void> {
    this.draining = true;
    if (this.operations.shutdownDrainMs > 0)
      await new Promise((resolve) => setTimeout(resolve, this.operations.shutdownDrainMs));
  }
}
