import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiInternalServerErrorResponse,
  ApiNotFoundResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponse } from './dto/pagination.dto.js';

/** The error answers every provisioning route may give, all in the `ErrorResponse` shape. */
export function ApiErrorResponses() {
  return applyDecorators(
    ApiBadRequestResponse({ type: ErrorResponse, description: 'Invalid input: `message` lists each broken rule' }),
    ApiUnauthorizedResponse({
      type: ErrorResponse,
      description: 'Missing or wrong bearer token, or ADMIN_TOKEN unset',
    }),
    ApiNotFoundResponse({ type: ErrorResponse, description: 'No such app, user, seller, chat or message' }),
    ApiConflictResponse({ type: ErrorResponse, description: 'A uname taken in any letter case' }),
    ApiInternalServerErrorResponse({ type: ErrorResponse, description: 'A fault, logged without its details' }),
  );
}
