/** Every error a route can answer, and the status it maps to. One table, so every route answers alike. */
export const ERROR_STATUS = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_requests: 429,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export type ErrorBody = Record<string, string[] | string>;

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly body: ErrorBody,
    /** Sent with the answer (`Retry-After` of a 429). */
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body.detail === 'string' ? body.detail : JSON.stringify(body));
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** 400 naming the field (or `non_field_errors`). */
export function invalid(field: string, message: string): ApiError {
  return new ApiError('invalid', { [field]: [message] });
}

export function notFound(what = 'Not found.'): ApiError {
  return new ApiError('not_found', { detail: what });
}

export function forbidden(detail = 'You do not have permission to perform this action.'): ApiError {
  return new ApiError('forbidden', { detail });
}

export function unauthenticated(detail = 'Authentication credentials were not provided.'): ApiError {
  return new ApiError('unauthenticated', { detail });
}
