import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AppsService } from '../apps/apps.service.js';
import { demoSettings } from '../config/areas/demo.settings.js';
import { ChatUsersService } from '../chats/chat-users.service.js';
import type { UserRole } from '../users/roles.js';
import { UserEntity } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';

export const DEMO_APP_NAME = 'Chatgate demo';
export const DEMO_SELLER_NAME = 'Demo shop';
/** The lobby's cast: two members and the app's own mod. */
export const DEMO_USERS: { uname: string; role: UserRole }[] = [
  { uname: 'alice', role: 'member' },
  { uname: 'bob', role: 'member' },
  { uname: 'mia', role: 'mod' },
];

/** Everything the demo page needs to sign in; served only in demo mode, never logged. */
export interface DemoCredentials {
  lobby: { appId: number; users: { uname: string; role: UserRole; hashedToken: string }[] };
  seller: { id: number; name: string; token: string };
}

/**
 * Demo mode: on an empty database, creates a lobby app with its users and a seller, so the page at / works the
 * minute the server starts. On a later start it finds them again and issues fresh tokens (only hashes are
 * stored, so the old ones cannot be shown again). A database holding anything else is left alone.
 */
@Injectable()
export class DemoService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Demo');
  private demo: DemoCredentials | null = null;

  constructor(
    @Inject(demoSettings.KEY) private readonly settings: ConfigType<typeof demoSettings>,
    private readonly apps: AppsService,
    private readonly users: UsersService,
    private readonly chatUsers: ChatUsersService,
    @InjectRepository(UserEntity) private readonly userRows: Repository<UserEntity>,
  ) {}

  get credentials(): DemoCredentials | null {
    return this.demo;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.settings.enabled) return;
    try {
      this.demo = (await this.resume()) ?? (await this.seed());
    } catch (error) {
      // The demo is a convenience: a failure to set it up must not keep the chats from starting.
      const { name, message } = error as Error;
      this.logger.warn(`demo: not set up (${name}: ${message})`);
    }
  }

  private async resume(): Promise<DemoCredentials | null> {
    const app = (await this.apps.list(100, 0)).find((candidate) => candidate.name === DEMO_APP_NAME);
    const seller = await this.userRows.findOneBy({ kind: 'seller', name: DEMO_SELLER_NAME });
    if (!app || !seller) return null;
    const users = [];
    for (const { uname, role } of DEMO_USERS) {
      await this.users.revokeTokens(uname);
      users.push({ uname, role, hashedToken: (await this.users.issueToken(uname)).hashed_token });
    }
    const token = await this.chatUsers.rotateSellerToken(seller.id);
    this.logger.log(
      `demo: found app ${app.id} "${app.name}" and seller ${seller.id}; issued fresh demo tokens; demo page at /`,
    );
    return { lobby: { appId: app.id, users }, seller: { id: seller.id, name: seller.name, token } };
  }

  private async seed(): Promise<DemoCredentials | null> {
    if ((await this.apps.list(1, 0)).length > 0 || (await this.userRows.count()) > 0) {
      this.logger.warn("demo: skipped, the database holds data that is not the demo's (DEMO=false silences this)");
      return null;
    }
    const mods = DEMO_USERS.filter((user) => user.role === 'mod').map((user) => user.uname);
    const app = await this.apps.create(DEMO_APP_NAME, [], mods);
    const users = [];
    for (const { uname, role } of DEMO_USERS) {
      // Members globally; the mod is a mod of the demo app only.
      await this.users.create(uname);
      users.push({ uname, role, hashedToken: (await this.users.issueToken(uname)).hashed_token });
    }
    const seller = await this.chatUsers.createSeller(DEMO_SELLER_NAME);
    this.logger.log(
      `demo: created app ${app.id} "${app.name}" (users ${DEMO_USERS.map((u) => u.uname).join(', ')}; ${mods.join(', ')} moderates) ` +
        `and seller ${seller.id} "${seller.name}" in the empty database; demo page at / (DEMO=false turns this off)`,
    );
    return { lobby: { appId: app.id, users }, seller: { id: seller.id, name: seller.name, token: seller.token } };
  }
}
