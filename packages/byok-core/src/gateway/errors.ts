import { BYOKError, type ErrorCode } from '../errors/index.js';

/** Which API the caller speaks: errors answer in it. */
export type Dialect = 'openai' | 'anthropic';

/**
 * An error the gateway answers with, in the caller's dialect: a BYOKError, so its code comes from
 * the one table and its status is that code's.
 */
export class GatewayProblem extends BYOKError {
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message?: string, headers: Record<string, string> = {}) {
    super(code, message);
    this.name = 'GatewayProblem';
    this.headers = headers;
  }
}

/** What an error answer says: a GatewayProblem, or a provider's own failure passed through. */
export interface GatewayErrorAnswer {
  status: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
}

function openAIType(status: number): string {
  if (status === 400 || status === 404 || status === 413) return 'invalid_request_error';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  return 'api_error';
}

function anthropicType(status: number): string {
  switch (status) {
    case 400:
    case 413:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 429:
      return 'rate_limit_error';
    case 504:
      return 'timeout_error';
    case 529:
      return 'overloaded_error';
    default:
      return 'api_error';
  }
}

/**
 * The error answer of a dialect: OpenAI's `{ error: { message, type, param, code } }` or
 * Anthropic's `{ type: 'error', error: { type, message }, request_id }`, with our code in it.
 */
export function errorAnswer(
  dialect: Dialect,
  problem: GatewayErrorAnswer,
  requestId: string,
  extraHeaders?: Record<string, string>,
): { status: number; headers: Record<string, string>; body: string } {
  const body =
    dialect === 'openai'
      ? {
          error: {
            message: problem.message,
            type: openAIType(problem.status),
            param: null,
            code: problem.code,
          },
        }
      : {
          type: 'error',
          error: { type: anthropicType(problem.status), message: problem.message, code: problem.code },
          request_id: requestId,
        };
  return {
    status: problem.status,
    headers: {
      'content-type': 'application/json',
      'x-request-id': requestId,
      'x-byok-error-code': problem.code,
      ...extraHeaders,
      ...problem.headers,
    },
    body: JSON.stringify(body),
  };
}

/** {@link errorAnswer} as a `Response`. */
export function errorResponse(
  dialect: Dialect,
  problem: GatewayErrorAnswer,
  requestId: string,
  extraHeaders?: Record<string, string>,
): Response {
  const { status, headers, body } = errorAnswer(dialect, problem, requestId, extraHeaders);
  return new Response(body, { status, headers });
}
