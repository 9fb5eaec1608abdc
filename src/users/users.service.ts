import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { generateToken, hashToken } from '../auth/tokens.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../common/domain-errors.js';
import { isUniqueViolation } from '../common/unique-violation.js';
import { AccessTokenEntity } from './access-token.entity.js';
import { isUserRole, UNAME_PATTERN, unameKey, type UserRole } from './roles.js';
import { UserEntity } from './user.entity.js';

export interface UserView {
  id: number;
  uname: string;
  role: UserRole;
}

export interface IssuedToken {
  token: string;
  hashed_token: string;
}

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(AccessTokenEntity) private readonly tokens: Repository<AccessTokenEntity>,
  ) {}

  async create(uname: string, role: UserRole = 'member'): Promise<UserView> {
    assertUname(uname);
    if (!isUserRole(role)) throw new InvalidInputError('role must be one of admin, mod, member');
    const user = this.users.create({ uname, unameKey: unameKey(uname), role, createdAt: Date.now() });
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
    return toView(user);
  }

  async issueToken(uname: string): Promise<IssuedToken> {
    const user = await this.require(uname);
    const token = generateToken();
    const tokenHash = hashToken(token);
    await this.tokens.insert({ userId: user.id, tokenHash, createdAt: Date.now() });
    return { token, hashed_token: tokenHash };
  }

  /** Revokes one token (by its hash) or, with no hash, all of the user's tokens. Returns how many went. */
  async revokeTokens(uname: string, tokenHash?: string): Promise<number> {
    const user = await this.require(uname);
    const result = await this.tokens.delete(
      tokenHash === undefined ? { userId: user.id } : { userId: user.id, tokenHash: tokenHash.toLowerCase() },
    );
    return result.affected ?? 0;
  }

  async findByTokenHash(tokenHash: string): Promise<UserView | null> {
    const token = await this.tokens.findOne({ where: { tokenHash }, relations: { user: true } });
    return token?.user ? toView(token.user) : null;
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
  return { id: user.id, uname: user.uname, role: user.role };
}
