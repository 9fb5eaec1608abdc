import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import { generateToken, hashToken } from './tokens.js';
import { AccessTokenEntity } from './access-token.entity.js';
import { IdentityChanges } from './identity-changes.js';
import type { UserEntity } from './user.entity.js';
import { type FindUserByToken, userByTokenReader } from './user-by-token.js';
import { Clock } from '../common/clock.js';

/** Bearer tokens of every kind of user. Only sha256 hashes are stored; a token is shown once, when issued. */
@Injectable()
export class AccessTokensService {
  private readonly userByToken: FindUserByToken;

  constructor(
    @InjectRepository(AccessTokenEntity) private readonly tokens: Repository<AccessTokenEntity>,
    @InjectDataSource() dataSource: DataSource,
    private readonly clock: Clock,
    private readonly identity: IdentityChanges,
  ) {
    this.userByToken = userByTokenReader(dataSource);
  }

  async issue(userId: number): Promise<{ token: string; tokenHash: string }> {
    const token = generateToken();
    const tokenHash = hashToken(token);
    await this.tokens.insert({ userId, tokenHash, createdAt: this.clock.now() });
    return { token, tokenHash };
  }

  /**
   * Revokes one token (by hash) or, without a hash, all of the user's tokens; returns how many went.
   * Live connections that authenticated with them are told (IdentityChanges).
   */
  async revoke(userId: number, tokenHash?: string): Promise<number> {
    const hash = tokenHash?.toLowerCase();
    const result = await this.tokens.delete(hash === undefined ? { userId } : { userId, tokenHash: hash });
    const revoked = result.affected ?? 0;
    if (revoked > 0) this.identity.announce(hash === undefined ? { userId } : { userId, tokenHash: hash });
    return revoked;
  }

  /** The user a token hash belongs to, or null. */
  findUser(tokenHash: string): Promise<UserEntity | null> {
    return this.userByToken(tokenHash);
  }
}
