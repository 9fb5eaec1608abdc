import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';

/**
 * Whether this instance is going away. Shutdown starts here: readiness turns false, and the instance keeps
 * serving for `shutdownDrainMs` so load balancers stop sending new connections before sockets are closed.
 */
@Injectable()
export class ShutdownState implements OnModuleDestroy {
  private draining = false;

  constructor(private readonly config: AppConfig) {}

  get isDraining(): boolean {
    return this.draining;
  }

  async onModuleDestroy(): Promise<void> {
    this.draining = true;
    if (this.config.shutdownDrainMs > 0)
      await new Promise((resolve) => setTimeout(resolve, this.config.shutdownDrainMs));
  }
}
