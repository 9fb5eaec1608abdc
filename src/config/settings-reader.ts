import { isAddressRange, NAMED_RANGES } from '../common/ip-addresses.js';

export type Env = Record<string, string | undefined>;

/** Invalid settings, every one of them: the message names each variable and what is wrong with it. */
export class ConfigError extends Error {
  readonly problems: readonly { variable: string; problem: string }[];

  constructor(variable: string, problem: string);
  constructor(problems: { variable: string; problem: string }[]);
  constructor(variableOrProblems: string | { variable: string; problem: string }[], problem = '') {
    const problems =
      typeof variableOrProblems === 'string' ? [{ variable: variableOrProblems, problem }] : variableOrProblems;
    super(`Invalid configuration: ${problems.map((p) => `${p.variable} ${p.problem}`).join('; ')}`);
    this.problems = problems;
  }
}

/** A setting as read: its name, its default as an environment value (null: unset), and the values it accepts. */
export interface SettingShape {
  name: string;
  fallback: string | null;
  min?: number;
  max?: number;
  allowed?: readonly string[];
}

/** Reads settings from the environment, noting every invalid one (and using its default meanwhile) instead of stopping. */
export class SettingsReader {
  readonly problems: { variable: string; problem: string }[] = [];

  constructor(
    private readonly env: Env,
    private readonly observe: (shape: SettingShape) => void = () => undefined,
  ) {}

  invalid<T>(variable: string, problem: string, fallback: T): T {
    this.problems.push({ variable, problem });
    return fallback;
  }

  /** `parse()`'s value, or `fallback` with its ConfigError's problems noted. */
  parsed<T>(parse: () => T, fallback: T): T {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      this.problems.push(...error.problems);
      return fallback;
    }
  }

  /** A setting's raw value, or null when unset or blank (a setting with no default: a token, a URL). */
  optional(name: string): string | null {
    this.observe({ name, fallback: null });
    return this.raw(name);
  }

  text(name: string, fallback: string): string {
    this.observe({ name, fallback });
    return this.raw(name) ?? fallback;
  }

  private raw(name: string): string | null {
    const value = this.env[name]?.trim();
    return value ? value : null;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    this.observe({ name, fallback: String(fallback), min, max });
    const raw = this.raw(name);
    if (raw === null) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      return this.invalid(name, `must be a whole number from ${min} to ${max} (got "${raw}")`, fallback);
    }
    return Number(raw);
  }

  boolean(name: string, fallback: boolean): boolean {
    this.observe({ name, fallback: String(fallback), allowed: ['true', 'false'] });
    const raw = this.raw(name)?.toLowerCase() ?? null;
    if (raw === null) return fallback;
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    return this.invalid(name, `must be true or false (got "${raw}")`, fallback);
  }

  url(name: string): string | null {
    this.observe({ name, fallback: null });
    const raw = this.raw(name);
    if (raw === null) return null;
    let parsed: URL | null = null;
    try {
      parsed = new URL(raw);
    } catch {
      // reported below
    }
    if (parsed?.protocol !== 'http:' && parsed?.protocol !== 'https:') {
      return this.invalid(name, `must be an http(s) URL (got "${raw}")`, null);
    }
    return raw.replace(/\/+$/, '');
  }

  redisUrl(name: string): string | null {
    this.observe({ name, fallback: null });
    const raw = this.raw(name);
    if (raw === null) return null;
    if (!/^rediss?:\/\/[^\s]+$/.test(raw)) return this.invalid(name, 'must be a redis:// or rediss:// URL', null);
    return raw;
  }

  addressRanges(name: string): string[] {
    this.observe({ name, fallback: '' });
    const entries = (this.raw(name) ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    const invalid = entries.filter((entry) => !isAddressRange(entry));
    if (invalid.length > 0) {
      const named = Object.keys(NAMED_RANGES).join(' / ');
      const listed = invalid.map((e) => `"${e}"`).join(', ');
      return this.invalid(name, `must list IP addresses, CIDR ranges or ${named} (not ${listed})`, []);
    }
    return entries;
  }

  wsPath(name: string, fallback: string): string {
    this.observe({ name, fallback });
    const raw = this.raw(name) ?? fallback;
    if (!/^\/[A-Za-z0-9_\-./]*$/.test(raw) || raw.startsWith('/socket.io')) {
      return this.invalid(name, `must be a URL path such as /seller, outside /socket.io (got "${raw}")`, fallback);
    }
    return raw;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    this.observe({ name, fallback, allowed });
    const raw = this.raw(name);
    if (raw === null) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      return this.invalid(name, `must be one of ${allowed.join(', ')} (got "${raw}")`, fallback);
    }
    return raw as T;
  }
}
