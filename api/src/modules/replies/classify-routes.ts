import { Hono } from 'hono';
import { bodyLimit } from '../../middleware/body-limit';
import type { AppEnv } from '../../context';
import { ApiError } from '../../lib/api-error';
import { classifyInbound } from './classify/classify';
import { UnparseableMessageError } from './classify/parse';
import { aiReplyRefiner } from './ai-refine';

/** One raw message per request; larger mail is not something a person answered us with. */
export const CLASSIFY_MAX_BYTES = 1024 * 1024;

/**
 * `POST /api/replies/classify`: the same pure classifier the inbox sync uses, for one raw
 * RFC 822 message sent as `message/rfc822`. Nothing is stored.
 */
export const classifyRoutes = new Hono<AppEnv>().post(
  '/replies/classify',
  bodyLimit({
    maxSize: CLASSIFY_MAX_BYTES,
    onError: () => {
      throw new ApiError('PAYLOAD_TOO_LARGE', `A message over ${CLASSIFY_MAX_BYTES} bytes cannot be classified`);
    },
  }),
  async (c) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'message/rfc822') {
      throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Send the raw message with content-type: message/rfc822');
    }
    const raw = new Uint8Array(await c.req.arrayBuffer());
    if (raw.byteLength === 0) throw new ApiError('VALIDATION_ERROR', 'The body is empty; send one raw RFC 822 message');
    try {
      // The AI second opinion too, when configured: the answer is the one the sync would reach.
      return c.json(await classifyInbound(raw, { refine: aiReplyRefiner(c.get('deps')) }), 200);
    } catch (err) {
      if (err instanceof UnparseableMessageError) throw new ApiError('VALIDATION_ERROR', 'The body is not an RFC 822 message');
      throw err;
    }
  },
);
