import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { ConflictError, InvalidInputError, NotFoundError } from '../common/refusal.js';
import { isUniqueViolation } from '../common/unique-violation.js';
import { AccessTokensService } from './access-tokens.service.js';
import { IdentityChanges } from './identity-changes.js';
import { isUserRole, UNAME_PATTERN, unameKey, type UserRole } from './roles.js';
import { UserEntity } from './user.entity.js';
import { Clock } from '../common/clock.js';

export interface UserView {
  id: number;
  uname: string;
  role: UserRole;
}

export interface IssuedToken {
  token: string;
  hashed_token: string;
}

/** Lobby users: named by a uname unique in any letter case, with a global role. */
@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly tokens: AccessTokensService,
    private readonly clock: Clock,
    private readonly identity: IdentityChanges,
  ) {}

  async create(uname: string, role: UserRole = 'member'): Promise<UserView> {
    assertUname(uname);
    if (!isUserRole(role)) throw new InvalidInputError('role must be one of admin, mod, member');
    const user = this.users.create({
      kind: 'lobby',
      name: uname,
      unameKey: unameKey(uname),
      role,
      createdAt: this.clock.now(),
    });
    try {
      await this.users.insert(user);
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError(`uname "${uname}" is taken`);
      throw error;
    }
    return toView(user);
  }

  async get(uname: string): Promise<UserView> {
    return toView(await this.require(uname));
  }

  async list(limit: number, afterId: number): Promise<UserView[]> {
    const rows = await this.users
      .createQueryBuilder('u')
      .where('u.id > :afterId', { afterId })
      .andWhere("u.kind = 'lobby'")
      .orderBy('u.id', 'ASC')
      .limit(limit)
      .getMany();
    return rows.map(toView);
  }

  async setRole(uname: string, role: UserRole): Promise<UserView> {
    if (!isUserRole(role)) throw new InvalidInputError('role must be one of admin, mod, member');
    const user = await this.require(uname);
    user.role = role;
    await this.users.update({ id: user.id }, { role });
    this.identity.announce({ userId: user.id });
    return toView(user);
  }

  /**
   * Deletes a lobby user: their tokens go with them (FK cascade) and slow mode's record of their last posts with it,
   * in one transaction; then their live sockets are closed on every instance (IdentityChanges), and a reconnect
   * with a revoked token is an anonymous reader. What names them by uname stays: the messages they wrote (the name
   * is copied into each), mutes and app staff lists (a lobby's decisions about a uname, not about this row), and
   * the moderation log.
   */
  async remove(uname: string): Promise<void> {
    const user = await this.require(uname);
    await this.users.manager.transaction(async (tx) => {
      // Slow mode's table, named rather than imported: users/ is below moderation/. No foreign key reaches it.
      await tx.createQueryBuilder().delete().from('lobby_last_posts').where('user_id = :id', { id: user.id }).execute();
      const { affected } = await tx.delete(UserEntity, { id: user.id });
      if (!affected) throw new NotFoundError(`no user "${uname}"`);
    });
    this.identity.announce({ userId: user.id });
  }

  async issueToken(uname: string): Promise<IssuedToken> {
    const { token, tokenHash } = await this.tokens.issue((await this.require(uname)).id);
    return { token, hashed_token: tokenHash };
  }

  /** Revokes one token (by its hash) or, with no hash, all of the user's tokens. Returns how many went. */
  async revokeTokens(uname: string, tokenHash?: string): Promise<number> {
    return this.tokens.revoke((await this.require(uname)).id, tokenHash);
  }

  /** The lobby user a token hash belongs to; a seller's or client's token is nobody in a lobby. */
  async findByTokenHash(tokenHash: string): Promise<UserView | null> {
    const user = await this.tokens.findUser(tokenHash);
    return user?.kind === 'lobby' ? toView(user) : null;
  }

  private async require(uname: string): Promise<UserEntity> {
    const user = UNAME_PATTERN.test(uname) ? await this.users.findOneBy({ unameKey: unameKey(uname) }) : null;
    if (!user) throw new NotFoundError(`no user "${uname}"`);
    return user;
  }
}

export function assertUname(uname: unknown): asserts uname is string {
  if (typeof uname !== 'string' || !UNAME_PATTERN.test(uname)) {
    throw new InvalidInputError('uname must be 1-32 characters of A-Z, a-z, 0-9 and _');
  }
}

function toView(user: UserEntity): UserView {
  return { id: user.id, uname: user.name, role: user.role };
}
