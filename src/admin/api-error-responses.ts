import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponse } from './dto/pagination.dto.js';

/** Why a route answers 400: each route names the inputs it checks (`message` lists each broken rule). */
export const INVALID = {
  id: 'a path id that is not a whole number from 1 to 2147483647',
  query: 'a query parameter (`limit`, `after`) out of its range',
  body: 'a body field that breaks its rule or is unknown, or JSON that does not parse',
  noBody: 'a body with any field (this route reads none)',
} as const;

/** What a route that reads a body may answer before the handler sees it: the JSON parser's size limit, the type. */
export const BODY_ERRORS = {
  413: "A body over 100 kB (Express's JSON parser limit)",
  415: 'A request body that is not `application/json`',
} as const;

/** A route's own errors: the causes of its 400, and what its 404, 409, 413 or 415 means. */
interface RouteErrors {
  400?: readonly string[];
  404?: string;
  409?: string;
  413?: string;
  415?: string;
}

/**
 * The error answers one route may give beyond those of every provisioning route (ApiErrorResponses), all in the
 * `ErrorResponse` shape. test/openapi-errors.e2e-spec.ts provokes each status declared.
 */
export function ApiErrors(errors: RouteErrors) {
  return applyDecorators(
    ...Object.entries(errors).map(([status, description]) =>
      ApiResponse({
        status: Number(status),
        type: ErrorResponse,
        description: typeof description === 'string' ? description : `Invalid input: ${description.join('; or ')}`,
      }),
    ),
  );
}

/**
 * The errors every provisioning route may give: the admin guard's 401, and 500 because every route reads or writes
 * the database and a database fault is answered 500.
 */
export function ApiErrorResponses() {
  return applyDecorators(
    ApiResponse({
      status: 401,
      type: ErrorResponse,
      description: 'Missing or wrong bearer token, or ADMIN_TOKEN unset',
    }),
    ApiResponse({
      status: 500,
      type: ErrorResponse,
      description: 'A fault (the database failing), logged without its details',
    }),
  );
}
