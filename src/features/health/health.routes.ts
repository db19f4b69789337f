import { z } from 'zod';
import { defineRoute, type RouteDef } from '../../http/define-route.ts';
import { AppError } from '../../lib/errors.ts';

const HealthSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });

export function healthRoutes(deps: { ping: () => Promise<void> }): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/healthz',
      operationId: 'getHealth',
      summary: 'Liveness',
      description: 'Answers 200 while the process is up.',
      tags: ['Meta'],
      auth: 'public',
      responses: { 200: HealthSchema },
      handler: async () => ({ status: 'ok' as const }),
    }),
    defineRoute({
      method: 'GET',
      url: '/readyz',
      operationId: 'getReadiness',
      summary: 'Readiness',
      description: 'Answers 200 when the database is reachable, 503 otherwise.',
      tags: ['Meta'],
      auth: 'public',
      responses: { 200: HealthSchema },
      errors: [503],
      handler: async () => {
        try {
          await deps.ping();
        } catch {
          throw new AppError('unavailable', 'database is not reachable');
        }
        return { status: 'ok' as const };
      },
    }),
  ];
}
