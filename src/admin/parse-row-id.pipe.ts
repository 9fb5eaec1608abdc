import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { InvalidInputError } from '../common/refusal.js';
import { isRowId } from '../common/row-id.js';

/**
 * A path id: a whole number a row can have. Anything else is the caller's mistake (400 naming the parameter),
 * not a row that happens to be missing: `99999999999999999999` is not read as 100000000000000000000 and looked up.
 */
@Injectable()
export class ParseRowIdPipe implements PipeTransform<string, number> {
  transform(value: string, { data }: ArgumentMetadata): number {
    const id = /^\d{1,10}$/.test(value) ? Number(value) : Number.NaN;
    if (!isRowId(id)) throw new InvalidInputError(`${data ?? 'id'} must be a whole number from 1 to 2147483647`);
    return id;
  }
}
