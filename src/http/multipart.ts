import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../lib/errors.ts';
import { findUnstorable, unstorableMessage } from '../lib/text.ts';
import type { RouteDef } from './define-route.ts';

/** Parses multipart bodies only on routes that ask for them (see `RouteDef.multipart`). */
export async function registerMultipart(app: FastifyInstance, maxFileBytes: number): Promise<void> {
  await app.register(fastifyMultipart, { limits: { fileSize: maxFileBytes, files: 1, fields: 20, fieldSize: 64 * 1024 } });
}

/** preValidation: turns the form into the route's JSON body and keeps the file on `request.upload`. */
export function multipartToBody(spec: NonNullable<RouteDef['multipart']>) {
  return async (request: FastifyRequest): Promise<void> => {
    if (!request.isMultipart()) return;
    const fields: Record<string, string> = {};
    try {
      for await (const part of request.parts()) {
        // Names go where values go (the item's title, the stored file name): the same rule as JSON bodies.
        const badName = findUnstorable(part.fieldname, 'form field name') ?? (part.type === 'file' ? findUnstorable(part.filename, `${part.fieldname}.filename`) : undefined);
        if (badName) {
          if (part.type === 'file') part.file.resume();
          throw new AppError('bad_request', unstorableMessage(badName, 'body'));
        }
        if (part.type === 'file') {
          if (part.fieldname !== 'file') {
            part.file.resume();
            throw new AppError('bad_request', `${part.fieldname}: unexpected file field; send the file as "file"`);
          }
          const bytes = await part.toBuffer();
          request.upload = { bytes, filename: part.filename || 'upload', mimeType: part.mimetype };
        } else {
          fields[part.fieldname] = String(part.value);
        }
      }
    } catch (err) {
      if (err instanceof AppError) throw err;
      const code = (err as { code?: string }).code;
      if (code === 'FST_REQ_FILE_TOO_LARGE') {
        throw new AppError('bad_request', `file: is larger than ${Math.round(spec.maxFileBytes / 1024 / 1024)} MB`);
      }
      throw new AppError('bad_request', `request body is not a valid multipart/form-data form (${(err as Error).message})`);
    }
    request.body = spec.toBody(fields, request.upload);
  };
}
