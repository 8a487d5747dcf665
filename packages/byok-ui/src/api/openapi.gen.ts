/*
 * Generated from the REST API's OpenAPI document by `npm run generate:api -w @stack-2025/byok-ui`.
 * Do not edit: change the routes' schemas in byok-core and run the script again.
 */

export interface paths {
    "/alerts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List usage alerts
         * @description Yours, or a workspace’s with `workspaceId` (admins and owners: they hold webhook URLs).
         */
        get: {
            parameters: {
                query?: {
                    /** @description Act on this workspace’s resources instead of your own (you must be a member) */
                    workspaceId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The alerts, oldest first */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["UsageAlertList"];
                    };
                };
                /** @description Invalid input (INVALID_INPUT, UNKNOWN_PROVIDER, INVALID_KEY_FORMAT) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "INVALID_INPUT",
                         *         "message": "Invalid request body: keyData: required; alias: Too big: expected string to have <=100 characters",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "issues": [
                         *             {
                         *               "path": "keyData",
                         *               "message": "required"
                         *             },
                         *             {
                         *               "path": "alias",
                         *               "message": "Too big: expected string to have <=100 characters"
                         *             }
                         *           ]
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Member without the needed role (FORBIDDEN), or a quota reached (QUOTA_EXCEEDED) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "FORBIDDEN",
                         *         "message": "Only an owner or admin of this workspace may do this",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found, or not yours (KEY_NOT_FOUND, NOT_FOUND) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_FOUND",
                         *         "message": "Key key_01JD3XK8W2M4 not found",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "keyId": "key_01JD3XK8W2M4"
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Create a usage alert
         * @description Fires once per period when the period’s total reaches the threshold. A webhook URL must be http(s); one pointing at this machine or a private network is refused unless the server allows it. The response carries the alert’s webhook signing secret (`signingSecret`), shown this once: every delivery is signed with it in the `BYOK-Signature` header (`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`).
         */
        post: {
            parameters: {
                query?: {
                    /** @description Act on this workspace’s resources instead of your own (you must be a member) */
                    workspaceId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["CreateUsageAlertInput"];
                };
            };
            responses: {
                /** @description The new alert and its signing secret (shown once) */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CreatedUsageAlertResponse"];
                    };
                };
                /** @description Invalid input (INVALID_INPUT, UNKNOWN_PROVIDER, INVALID_KEY_FORMAT) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "INVALID_INPUT",
                         *         "message": "Invalid request body: keyData: required; alias: Too big: expected string to have <=100 characters",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "issues": [
                         *             {
                         *               "path": "keyData",
                         *               "message": "required"
                         *             },
                         *             {
                         *               "path": "alias",
                         *               "message": "Too big: expected string to have <=100 characters"
                         *             }
                         *           ]
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Member without the needed role (FORBIDDEN), or a quota reached (QUOTA_EXCEEDED) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "FORBIDDEN",
                         *         "message": "Only an owner or admin of this workspace may do this",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found, or not yours (KEY_NOT_FOUND, NOT_FOUND) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_FOUND",
                         *         "message": "Key key_01JD3XK8W2M4 not found",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "keyId": "key_01JD3XK8W2M4"
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflicts with the current state (CONFLICT), e.g. usage on a revoked, disabled or deleted key (KEY_NOT_ACTIVE) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_ACTIVE",
                         *         "message": "Key key_01JD3XK8W2M4 is revoked",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body larger than the limit (PAYLOAD_TOO_LARGE) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "PAYLOAD_TOO_LARGE",
                         *         "message": "Request body is larger than 65536 bytes",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body is not JSON (UNSUPPORTED_MEDIA_TYPE) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNSUPPORTED_MEDIA_TYPE",
                         *         "message": "Request body must be JSON (Content-Type: application/json)",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Too many requests or failed sign-ins; see Retry-After (RATE_LIMITED) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "RATE_LIMITED",
                         *         "message": "Too many requests; try again in 12 seconds",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/alerts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete a usage alert */
        delete: {
            parameters: {
                query?: {
                    /** @description Act on this workspace’s resources instead of your own (you must be a member) */
                    workspaceId?: string;
                };
                header?: never;
                path: {
                    /** @description Alert id (`alert_…`) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid input (INVALID_INPUT, UNKNOWN_PROVIDER, INVALID_KEY_FORMAT) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "INVALID_INPUT",
                         *         "message": "Invalid request body: keyData: required; alias: Too big: expected string to have <=100 characters",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "issues": [
                         *             {
                         *               "path": "keyData",
                         *               "message": "required"
                         *             },
                         *             {
                         *               "path": "alias",
                         *               "message": "Too big: expected string to have <=100 characters"
                         *             }
                         *           ]
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Member without the needed role (FORBIDDEN), or a quota reached (QUOTA_EXCEEDED) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "FORBIDDEN",
                         *         "message": "Only an owner or admin of this workspace may do this",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found, or not yours (KEY_NOT_FOUND, NOT_FOUND) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_FOUND",
                         *         "message": "Key key_01JD3XK8W2M4 not found",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "keyId": "key_01JD3XK8W2M4"
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Too many requests or failed sign-ins; see Retry-After (RATE_LIMITED) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "RATE_LIMITED",
                         *         "message": "Too many requests; try again in 12 seconds",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/alerts/{id}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rotate a usage alert’s webhook signing secret
         * @description Replaces the alert’s signing secret with a new one, returned this once. Deliveries from now on (retries included) are signed with the new secret only; the old one stops verifying at once. Audited as `alert.signing_secret_rotated`.
         */
        post: {
            parameters: {
                query?: {
                    /** @description Act on this workspace’s resources instead of your own (you must be a member) */
                    workspaceId?: string;
                };
                header?: never;
                path: {
                    /** @description Alert id (`alert_…`) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The alert and its new signing secret (shown once) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RotatedAlertSecretResponse"];
                    };
                };
                /** @description Invalid input (INVALID_INPUT, UNKNOWN_PROVIDER, INVALID_KEY_FORMAT) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "INVALID_INPUT",
                         *         "message": "Invalid request body: keyData: required; alias: Too big: expected string to have <=100 characters",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "issues": [
                         *             {
                         *               "path": "keyData",
                         *               "message": "required"
                         *             },
                         *             {
                         *               "path": "alias",
                         *               "message": "Too big: expected string to have <=100 characters"
                         *             }
                         *           ]
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Member without the needed role (FORBIDDEN), or a quota reached (QUOTA_EXCEEDED) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "FORBIDDEN",
                         *         "message": "Only an owner or admin of this workspace may do this",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found, or not yours (KEY_NOT_FOUND, NOT_FOUND) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_FOUND",
                         *         "message": "Key key_01JD3XK8W2M4 not found",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "keyId": "key_01JD3XK8W2M4"
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Too many requests or failed sign-ins; see Retry-After (RATE_LIMITED) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "RATE_LIMITED",
                         *         "message": "Too many requests; try again in 12 seconds",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Audit entries, newest first
         * @description Your own entries; a workspace’s with `workspaceId` (admins and owners); everything for the service token acting for nobody.
         */
        get: {
            parameters: {
                query?: {
                    /** @description Entries older than this id (paging) */
                    before?: string;
                    /** @description Default 100 */
                    limit?: number;
                    workspaceId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description One page of entries */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AuditList"];
                    };
                };
                /** @description Invalid input (INVALID_INPUT, UNKNOWN_PROVIDER, INVALID_KEY_FORMAT) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "INVALID_INPUT",
                         *         "message": "Invalid request body: keyData: required; alias: Too big: expected string to have <=100 characters",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "issues": [
                         *             {
                         *               "path": "keyData",
                         *               "message": "required"
                         *             },
                         *             {
                         *               "path": "alias",
                         *               "message": "Too big: expected string to have <=100 characters"
                         *             }
                         *           ]
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Member without the needed role (FORBIDDEN), or a quota reached (QUOTA_EXCEEDED) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "FORBIDDEN",
                         *         "message": "Only an owner or admin of this workspace may do this",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found, or not yours (KEY_NOT_FOUND, NOT_FOUND) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_FOUND",
                         *         "message": "Key key_01JD3XK8W2M4 not found",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "keyId": "key_01JD3XK8W2M4"
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/fallback-chains/{provider}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The fallback chain in force for a provider
         * @description Yours, or a workspace’s with `workspaceId` (any member). Without a saved chain the defaults apply (`configured: false`).
         */
        get: {
            parameters: {
                query?: {
                    /** @description Default production */
                    environment?: components["schemas"]["Environment"] & unknown;
                    /** @description Act on this workspace’s resources instead of your own (you must be a member) */
                    workspaceId?: string;
                };
                header?: never;
                path: {
                    provider: components["schemas"]["ProviderId"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The chain */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FallbackChainResponse"];
                    };
                };
                /** @description Invalid input (INVALID_INPUT, UNKNOWN_PROVIDER, INVALID_KEY_FORMAT) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "INVALID_INPUT",
                         *         "message": "Invalid request body: keyData: required; alias: Too big: expected string to have <=100 characters",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "issues": [
                         *             {
                         *               "path": "keyData",
                         *               "message": "required"
                         *             },
                         *             {
                         *               "path": "alias",
                         *               "message": "Too big: expected string to have <=100 characters"
                         *             }
                         *           ]
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found, or not yours (KEY_NOT_FOUND, NOT_FOUND) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_FOUND",
                         *         "message": "Key key_01JD3XK8W2M4 not found",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "keyId": "key_01JD3XK8W2M4"
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        /**
         * Save the fallback chain for a provider
         * @description Every key must be yours (or the workspace’s), of this provider and environment, and not revoked; anyone else’s key is "not found". A workspace’s chain needs an admin or owner.
         */
        put: {
            parameters: {
                query?: {
                    /** @description Default production */
                    environment?: components["schemas"]["Environment"] & unknown;
                    /** @description Act on this workspace’s resources instead of your own (you must be a member) */
                    workspaceId?: string;
                };
                header?: never;
                path: {
                    provider: components["schemas"]["ProviderId"];
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["FallbackChainInput"];
                };
            };
            responses: {
                /** @description The saved chain */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FallbackChainResponse"];
                    };
                };
                /** @description Invalid input (INVALID_INPUT, UNKNOWN_PROVIDER, INVALID_KEY_FORMAT) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "INVALID_INPUT",
                         *         "message": "Invalid request body: keyData: required; alias: Too big: expected string to have <=100 characters",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "issues": [
                         *             {
                         *               "path": "keyData",
                         *               "message": "required"
                         *             },
                         *             {
                         *               "path": "alias",
                         *               "message": "Too big: expected string to have <=100 characters"
                         *             }
                         *           ]
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Member without the needed role (FORBIDDEN), or a quota reached (QUOTA_EXCEEDED) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "FORBIDDEN",
                         *         "message": "Only an owner or admin of this workspace may do this",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found, or not yours (KEY_NOT_FOUND, NOT_FOUND) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_FOUND",
                         *         "message": "Key key_01JD3XK8W2M4 not found",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "keyId": "key_01JD3XK8W2M4"
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body larger than the limit (PAYLOAD_TOO_LARGE) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "PAYLOAD_TOO_LARGE",
                         *         "message": "Request body is larger than 65536 bytes",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body is not JSON (UNSUPPORTED_MEDIA_TYPE) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNSUPPORTED_MEDIA_TYPE",
                         *         "message": "Request body must be JSON (Content-Type: application/json)",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Too many requests or failed sign-ins; see Retry-After (RATE_LIMITED) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "RATE_LIMITED",
                         *         "message": "Too many requests; try again in 12 seconds",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/gateway-tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List gateway tokens
         * @description Each with its requests and cost this UTC month.
         */
        get: {
            parameters: {
                query?: {
                    /** @description Act on this workspace’s resources instead of your own (you must be a member) */
                    workspaceId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Oldest first */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["GatewayTokenListResponse"];
                    };
                };
                /** @description Invalid input (INVALID_INPUT, UNKNOWN_PROVIDER, INVALID_KEY_FORMAT) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "INVALID_INPUT",
                         *         "message": "Invalid request body: keyData: required; alias: Too big: expected string to have <=100 characters",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "issues": [
                         *             {
                         *               "path": "keyData",
                         *               "message": "required"
                         *             },
                         *             {
                         *               "path": "alias",
                         *               "message": "Too big: expected string to have <=100 characters"
                         *             }
                         *           ]
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Member without the needed role (FORBIDDEN), or a quota reached (QUOTA_EXCEEDED) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "FORBIDDEN",
                         *         "message": "Only an owner or admin of this workspace may do this",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found, or not yours (KEY_NOT_FOUND, NOT_FOUND) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_FOUND",
                         *         "message": "Key key_01JD3XK8W2M4 not found",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "keyId": "key_01JD3XK8W2M4"
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Create a gateway token
         * @description The answer holds the token (`byok_gt_…`) this once; only its SHA-256 is stored. Use it as the API key of the `openai` SDK (base URL `…/v1`) or `@anthropic-ai/sdk` (base URL `…/anthropic`).
         */
        post: {
            parameters: {
                query?: {
                    /** @description Act on this workspace’s resources instead of your own (you must be a member) */
                    workspaceId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["CreateGatewayTokenInput"];
                };
            };
            responses: {
                /** @description The new token, shown once */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CreatedGatewayToken"];
                    };
                };
                /** @description Invalid input (INVALID_INPUT, UNKNOWN_PROVIDER, INVALID_KEY_FORMAT) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "INVALID_INPUT",
                         *         "message": "Invalid request body: keyData: required; alias: Too big: expected string to have <=100 characters",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "issues": [
                         *             {
                         *               "path": "keyData",
                         *               "message": "required"
                         *             },
                         *             {
                         *               "path": "alias",
                         *               "message": "Too big: expected string to have <=100 characters"
                         *             }
                         *           ]
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Member without the needed role (FORBIDDEN), or a quota reached (QUOTA_EXCEEDED) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "FORBIDDEN",
                         *         "message": "Only an owner or admin of this workspace may do this",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found, or not yours (KEY_NOT_FOUND, NOT_FOUND) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_FOUND",
                         *         "message": "Key key_01JD3XK8W2M4 not found",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "keyId": "key_01JD3XK8W2M4"
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body larger than the limit (PAYLOAD_TOO_LARGE) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "PAYLOAD_TOO_LARGE",
                         *         "message": "Request body is larger than 65536 bytes",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body is not JSON (UNSUPPORTED_MEDIA_TYPE) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNSUPPORTED_MEDIA_TYPE",
                         *         "message": "Request body must be JSON (Content-Type: application/json)",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Too many requests or failed sign-ins; see Retry-After (RATE_LIMITED) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "RATE_LIMITED",
                         *         "message": "Too many requests; try again in 12 seconds",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/gateway-tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A gateway token’s settings (never the token) and usage this month */
        get: {
            parameters: {
                query?: {
                    /** @description Act on this workspace’s resources instead of your own (you must be a member) */
                    workspaceId?: string;
                };
                header?: never;
                path: {
                    /** @description Gateway token id (`gt_…`) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The token */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["GatewayTokenWithUsageResponse"];
                    };
                };
                /** @description Invalid input (INVALID_INPUT, UNKNOWN_PROVIDER, INVALID_KEY_FORMAT) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "INVALID_INPUT",
                         *         "message": "Invalid request body: keyData: required; alias: Too big: expected string to have <=100 characters",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "issues": [
                         *             {
                         *               "path": "keyData",
                         *               "message": "required"
                         *             },
                         *             {
                         *               "path": "alias",
                         *               "message": "Too big: expected string to have <=100 characters"
                         *             }
                         *           ]
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Member without the needed role (FORBIDDEN), or a quota reached (QUOTA_EXCEEDED) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "FORBIDDEN",
                         *         "message": "Only an owner or admin of this workspace may do this",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found, or not yours (KEY_NOT_FOUND, NOT_FOUND) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_FOUND",
                         *         "message": "Key key_01JD3XK8W2M4 not found",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "keyId": "key_01JD3XK8W2M4"
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a gateway token */
        delete: {
            parameters: {
                query?: {
                    /** @description Act on this workspace’s resources instead of your own (you must be a member) */
                    workspaceId?: string;
                };
                header?: never;
                path: {
                    /** @description Gateway token id (`gt_…`) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid input (INVALID_INPUT, UNKNOWN_PROVIDER, INVALID_KEY_FORMAT) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "INVALID_INPUT",
                         *         "message": "Invalid request body: keyData: required; alias: Too big: expected string to have <=100 characters",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "issues": [
                         *             {
                         *               "path": "keyData",
                         *               "message": "required"
                         *             },
                         *             {
                         *               "path": "alias",
                         *               "message": "Too big: expected string to have <=100 characters"
                         *             }
                         *           ]
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Member without the needed role (FORBIDDEN), or a quota reached (QUOTA_EXCEEDED) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "FORBIDDEN",
                         *         "message": "Only an owner or admin of this workspace may do this",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found, or not yours (KEY_NOT_FOUND, NOT_FOUND) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_FOUND",
                         *         "message": "Key key_01JD3XK8W2M4 not found",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "keyId": "key_01JD3XK8W2M4"
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Too many requests or failed sign-ins; see Retry-After (RATE_LIMITED) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "RATE_LIMITED",
                         *         "message": "Too many requests; try again in 12 seconds",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a gateway token’s name, limits or allowed models */
        patch: {
            parameters: {
                query?: {
                    /** @description Act on this workspace’s resources instead of your own (you must be a member) */
                    workspaceId?: string;
                };
                header?: never;
                path: {
                    /** @description Gateway token id (`gt_…`) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["UpdateGatewayTokenInput"];
                };
            };
            responses: {
                /** @description The changed token */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["GatewayTokenResponse"];
                    };
                };
                /** @description Invalid input (INVALID_INPUT, UNKNOWN_PROVIDER, INVALID_KEY_FORMAT) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "INVALID_INPUT",
                         *         "message": "Invalid request body: keyData: required; alias: Too big: expected string to have <=100 characters",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "issues": [
                         *             {
                         *               "path": "keyData",
                         *               "message": "required"
                         *             },
                         *             {
                         *               "path": "alias",
                         *               "message": "Too big: expected string to have <=100 characters"
                         *             }
                         *           ]
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Member without the needed role (FORBIDDEN), or a quota reached (QUOTA_EXCEEDED) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "FORBIDDEN",
                         *         "message": "Only an owner or admin of this workspace may do this",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found, or not yours (KEY_NOT_FOUND, NOT_FOUND) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_FOUND",
                         *         "message": "Key key_01JD3XK8W2M4 not found",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "keyId": "key_01JD3XK8W2M4"
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body larger than the limit (PAYLOAD_TOO_LARGE) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "PAYLOAD_TOO_LARGE",
                         *         "message": "Request body is larger than 65536 bytes",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body is not JSON (UNSUPPORTED_MEDIA_TYPE) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNSUPPORTED_MEDIA_TYPE",
                         *         "message": "Request body must be JSON (Content-Type: application/json)",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Too many requests or failed sign-ins; see Retry-After (RATE_LIMITED) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "RATE_LIMITED",
                         *         "message": "Too many requests; try again in 12 seconds",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/gateway-tokens/{id}/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Revoke a gateway token
         * @description For good: every instance refuses it from the moment the invalidation reaches it.
         */
        post: {
            parameters: {
                query?: {
                    /** @description Act on this workspace’s resources instead of your own (you must be a member) */
                    workspaceId?: string;
                };
                header?: never;
                path: {
                    /** @description Gateway token id (`gt_…`) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The revoked token */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["GatewayTokenResponse"];
                    };
                };
                /** @description Invalid input (INVALID_INPUT, UNKNOWN_PROVIDER, INVALID_KEY_FORMAT) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "INVALID_INPUT",
                         *         "message": "Invalid request body: keyData: required; alias: Too big: expected string to have <=100 characters",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "issues": [
                         *             {
                         *               "path": "keyData",
                         *               "message": "required"
                         *             },
                         *             {
                         *               "path": "alias",
                         *               "message": "Too big: expected string to have <=100 characters"
                         *             }
                         *           ]
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Member without the needed role (FORBIDDEN), or a quota reached (QUOTA_EXCEEDED) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "FORBIDDEN",
                         *         "message": "Only an owner or admin of this workspace may do this",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found, or not yours (KEY_NOT_FOUND, NOT_FOUND) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_FOUND",
                         *         "message": "Key key_01JD3XK8W2M4 not found",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "keyId": "key_01JD3XK8W2M4"
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Too many requests or failed sign-ins; see Retry-After (RATE_LIMITED) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "RATE_LIMITED",
                         *         "message": "Too many requests; try again in 12 seconds",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/gateway-tokens/{id}/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A gateway token’s usage by day and by model
         * @description From the raw usage rows of the token over a rolling window (UTC days with usage only). A model without a known price counts as unpriced.
         */
        get: {
            parameters: {
                query?: {
                    /** @description Rolling window ending now; default 30d */
                    timeRange?: "24h" | "7d" | "30d" | "90d";
                    /** @description Act on this workspace’s resources instead of your own (you must be a member) */
                    workspaceId?: string;
                };
                header?: never;
                path: {
                    /** @description Gateway token id (`gt_…`) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Totals, days and models */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["GatewayTokenUsageReport"];
                    };
                };
                /** @description Invalid input (INVALID_INPUT, UNKNOWN_PROVIDER, INVALID_KEY_FORMAT) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "INVALID_INPUT",
                         *         "message": "Invalid request body: keyData: required; alias: Too big: expected string to have <=100 characters",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "issues": [
                         *             {
                         *               "path": "keyData",
                         *               "message": "required"
                         *             },
                         *             {
                         *               "path": "alias",
                         *               "message": "Too big: expected string to have <=100 characters"
                         *             }
                         *           ]
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Member without the needed role (FORBIDDEN), or a quota reached (QUOTA_EXCEEDED) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "FORBIDDEN",
                         *         "message": "Only an owner or admin of this workspace may do this",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found, or not yours (KEY_NOT_FOUND, NOT_FOUND) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_FOUND",
                         *         "message": "Key key_01JD3XK8W2M4 not found",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "keyId": "key_01JD3XK8W2M4"
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List your keys */
        get: {
            parameters: {
                query?: {
                    environment?: components["schemas"]["Environment"];
                    provider?: components["schemas"]["ProviderId"];
                    status?: components["schemas"]["KeyStatus"];
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Your keys (masked) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["KeyListResponse"];
                    };
                };
                /** @description Invalid input (INVALID_INPUT, UNKNOWN_PROVIDER, INVALID_KEY_FORMAT) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "INVALID_INPUT",
                         *         "message": "Invalid request body: keyData: required; alias: Too big: expected string to have <=100 characters",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "issues": [
                         *             {
                         *               "path": "keyData",
                         *               "message": "required"
                         *             },
                         *             {
                         *               "path": "alias",
                         *               "message": "Too big: expected string to have <=100 characters"
                         *             }
                         *           ]
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Store a key
         * @description Checks the credential against the provider’s format, encrypts it and stores it.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["CreateKeyInput"];
                };
            };
            responses: {
                /** @description The stored key (masked) */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["KeyResponse"];
                    };
                };
                /** @description Invalid input (INVALID_INPUT, UNKNOWN_PROVIDER, INVALID_KEY_FORMAT) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "INVALID_INPUT",
                         *         "message": "Invalid request body: keyData: required; alias: Too big: expected string to have <=100 characters",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "issues": [
                         *             {
                         *               "path": "keyData",
                         *               "message": "required"
                         *             },
                         *             {
                         *               "path": "alias",
                         *               "message": "Too big: expected string to have <=100 characters"
                         *             }
                         *           ]
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body larger than the limit (PAYLOAD_TOO_LARGE) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "PAYLOAD_TOO_LARGE",
                         *         "message": "Request body is larger than 65536 bytes",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body is not JSON (UNSUPPORTED_MEDIA_TYPE) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNSUPPORTED_MEDIA_TYPE",
                         *         "message": "Request body must be JSON (Content-Type: application/json)",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Too many requests or failed sign-ins; see Retry-After (RATE_LIMITED) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "RATE_LIMITED",
                         *         "message": "Too many requests; try again in 12 seconds",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get one key */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Key id (`key_…`) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The key (masked) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["KeyResponse"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found, or not yours (KEY_NOT_FOUND, NOT_FOUND) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_FOUND",
                         *         "message": "Key key_01JD3XK8W2M4 not found",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "keyId": "key_01JD3XK8W2M4"
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a key */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Key id (`key_…`) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found, or not yours (KEY_NOT_FOUND, NOT_FOUND) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_FOUND",
                         *         "message": "Key key_01JD3XK8W2M4 not found",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "keyId": "key_01JD3XK8W2M4"
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Too many requests or failed sign-ins; see Retry-After (RATE_LIMITED) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "RATE_LIMITED",
                         *         "message": "Too many requests; try again in 12 seconds",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /**
         * Change a key
         * @description Alias, description, priority, enabled state, or a new secret (`keyData`).
         */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Key id (`key_…`) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["UpdateKeyInput"];
                };
            };
            responses: {
                /** @description The changed key (masked) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["KeyResponse"];
                    };
                };
                /** @description Invalid input (INVALID_INPUT, UNKNOWN_PROVIDER, INVALID_KEY_FORMAT) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "INVALID_INPUT",
                         *         "message": "Invalid request body: keyData: required; alias: Too big: expected string to have <=100 characters",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "issues": [
                         *             {
                         *               "path": "keyData",
                         *               "message": "required"
                         *             },
                         *             {
                         *               "path": "alias",
                         *               "message": "Too big: expected string to have <=100 characters"
                         *             }
                         *           ]
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found, or not yours (KEY_NOT_FOUND, NOT_FOUND) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_FOUND",
                         *         "message": "Key key_01JD3XK8W2M4 not found",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "keyId": "key_01JD3XK8W2M4"
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflicts with the current state (CONFLICT), e.g. usage on a revoked, disabled or deleted key (KEY_NOT_ACTIVE) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_ACTIVE",
                         *         "message": "Key key_01JD3XK8W2M4 is revoked",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body larger than the limit (PAYLOAD_TOO_LARGE) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "PAYLOAD_TOO_LARGE",
                         *         "message": "Request body is larger than 65536 bytes",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body is not JSON (UNSUPPORTED_MEDIA_TYPE) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNSUPPORTED_MEDIA_TYPE",
                         *         "message": "Request body must be JSON (Content-Type: application/json)",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Too many requests or failed sign-ins; see Retry-After (RATE_LIMITED) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "RATE_LIMITED",
                         *         "message": "Too many requests; try again in 12 seconds",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/keys/{id}/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Revoke a key
         * @description For good: the key is never served again and its ciphertext is erased. The body is optional.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Key id (`key_…`) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": components["schemas"]["RevokeKeyInput"];
                };
            };
            responses: {
                /** @description The revoked key */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["KeyResponse"];
                    };
                };
                /** @description Invalid input (INVALID_INPUT, UNKNOWN_PROVIDER, INVALID_KEY_FORMAT) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "INVALID_INPUT",
                         *         "message": "Invalid request body: keyData: required; alias: Too big: expected string to have <=100 characters",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "issues": [
                         *             {
                         *               "path": "keyData",
                         *               "message": "required"
                         *             },
                         *             {
                         *               "path": "alias",
                         *               "message": "Too big: expected string to have <=100 characters"
                         *             }
                         *           ]
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found, or not yours (KEY_NOT_FOUND, NOT_FOUND) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_FOUND",
                         *         "message": "Key key_01JD3XK8W2M4 not found",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "keyId": "key_01JD3XK8W2M4"
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body larger than the limit (PAYLOAD_TOO_LARGE) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "PAYLOAD_TOO_LARGE",
                         *         "message": "Request body is larger than 65536 bytes",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body is not JSON (UNSUPPORTED_MEDIA_TYPE) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNSUPPORTED_MEDIA_TYPE",
                         *         "message": "Request body must be JSON (Content-Type: application/json)",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Too many requests or failed sign-ins; see Retry-After (RATE_LIMITED) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "RATE_LIMITED",
                         *         "message": "Too many requests; try again in 12 seconds",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/keys/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Test a key against its provider now
         * @description Sends the provider’s cheapest authenticated request with the key and records what it found (health score, status, cooldown). A key the provider refuses becomes `invalid`. Counts as a write for the rate limit. The body is optional.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Key id (`key_…`) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": components["schemas"]["EmptyInput"];
                };
            };
            responses: {
                /** @description What the test found */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["KeyTestResponse"];
                    };
                };
                /** @description Invalid input (INVALID_INPUT, UNKNOWN_PROVIDER, INVALID_KEY_FORMAT) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "INVALID_INPUT",
                         *         "message": "Invalid request body: keyData: required; alias: Too big: expected string to have <=100 characters",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "issues": [
                         *             {
                         *               "path": "keyData",
                         *               "message": "required"
                         *             },
                         *             {
                         *               "path": "alias",
                         *               "message": "Too big: expected string to have <=100 characters"
                         *             }
                         *           ]
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found, or not yours (KEY_NOT_FOUND, NOT_FOUND) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_FOUND",
                         *         "message": "Key key_01JD3XK8W2M4 not found",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "keyId": "key_01JD3XK8W2M4"
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body larger than the limit (PAYLOAD_TOO_LARGE) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "PAYLOAD_TOO_LARGE",
                         *         "message": "Request body is larger than 65536 bytes",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body is not JSON (UNSUPPORTED_MEDIA_TYPE) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNSUPPORTED_MEDIA_TYPE",
                         *         "message": "Request body must be JSON (Content-Type: application/json)",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Too many requests or failed sign-ins; see Retry-After (RATE_LIMITED) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "RATE_LIMITED",
                         *         "message": "Too many requests; try again in 12 seconds",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/keys/test-credential": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Test a credential before saving it
         * @description Checks the credential’s format, then sends the provider’s cheapest authenticated request with it. Stores nothing and never echoes the credential.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["TestCredentialInput"];
                };
            };
            responses: {
                /** @description What the test found */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CredentialTestResponse"];
                    };
                };
                /** @description Invalid input (INVALID_INPUT, UNKNOWN_PROVIDER, INVALID_KEY_FORMAT) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "INVALID_INPUT",
                         *         "message": "Invalid request body: keyData: required; alias: Too big: expected string to have <=100 characters",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "issues": [
                         *             {
                         *               "path": "keyData",
                         *               "message": "required"
                         *             },
                         *             {
                         *               "path": "alias",
                         *               "message": "Too big: expected string to have <=100 characters"
                         *             }
                         *           ]
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body larger than the limit (PAYLOAD_TOO_LARGE) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "PAYLOAD_TOO_LARGE",
                         *         "message": "Request body is larger than 65536 bytes",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body is not JSON (UNSUPPORTED_MEDIA_TYPE) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNSUPPORTED_MEDIA_TYPE",
                         *         "message": "Request body must be JSON (Content-Type: application/json)",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Too many requests or failed sign-ins; see Retry-After (RATE_LIMITED) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "RATE_LIMITED",
                         *         "message": "Too many requests; try again in 12 seconds",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/keys/validate-all": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Test all your keys now
         * @description Every key that is not revoked, a few at a time. The body is optional.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": components["schemas"]["EmptyInput"];
                };
            };
            responses: {
                /** @description One result per key */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ValidateAllResponse"];
                    };
                };
                /** @description Invalid input (INVALID_INPUT, UNKNOWN_PROVIDER, INVALID_KEY_FORMAT) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "INVALID_INPUT",
                         *         "message": "Invalid request body: keyData: required; alias: Too big: expected string to have <=100 characters",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "issues": [
                         *             {
                         *               "path": "keyData",
                         *               "message": "required"
                         *             },
                         *             {
                         *               "path": "alias",
                         *               "message": "Too big: expected string to have <=100 characters"
                         *             }
                         *           ]
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body larger than the limit (PAYLOAD_TOO_LARGE) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "PAYLOAD_TOO_LARGE",
                         *         "message": "Request body is larger than 65536 bytes",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body is not JSON (UNSUPPORTED_MEDIA_TYPE) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNSUPPORTED_MEDIA_TYPE",
                         *         "message": "Request body must be JSON (Content-Type: application/json)",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Too many requests or failed sign-ins; see Retry-After (RATE_LIMITED) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "RATE_LIMITED",
                         *         "message": "Too many requests; try again in 12 seconds",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who you are and your workspaces */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The caller */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Me"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/providers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Supported providers and their credential fields */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The providers enabled on this server */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ProviderList"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Record usage of one of your keys
         * @description For applications that call the provider themselves with a key from BYOK. The key must be yours (or, with `?workspaceId=`, the workspace’s, for any member); anyone else’s key is "not found". Cost comes from the price table unless `costUsd` is given. Usage alerts are checked.
         */
        post: {
            parameters: {
                query?: {
                    /** @description Act on this workspace’s resources instead of your own (you must be a member) */
                    workspaceId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["RecordUsageInput"];
                };
            };
            responses: {
                /** @description What was recorded */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RecordUsageResponse"];
                    };
                };
                /** @description Invalid input (INVALID_INPUT, UNKNOWN_PROVIDER, INVALID_KEY_FORMAT) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "INVALID_INPUT",
                         *         "message": "Invalid request body: keyData: required; alias: Too big: expected string to have <=100 characters",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "issues": [
                         *             {
                         *               "path": "keyData",
                         *               "message": "required"
                         *             },
                         *             {
                         *               "path": "alias",
                         *               "message": "Too big: expected string to have <=100 characters"
                         *             }
                         *           ]
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found, or not yours (KEY_NOT_FOUND, NOT_FOUND) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_FOUND",
                         *         "message": "Key key_01JD3XK8W2M4 not found",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "keyId": "key_01JD3XK8W2M4"
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflicts with the current state (CONFLICT), e.g. usage on a revoked, disabled or deleted key (KEY_NOT_ACTIVE) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_ACTIVE",
                         *         "message": "Key key_01JD3XK8W2M4 is revoked",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body larger than the limit (PAYLOAD_TOO_LARGE) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "PAYLOAD_TOO_LARGE",
                         *         "message": "Request body is larger than 65536 bytes",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body is not JSON (UNSUPPORTED_MEDIA_TYPE) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNSUPPORTED_MEDIA_TYPE",
                         *         "message": "Request body must be JSON (Content-Type: application/json)",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Too many requests or failed sign-ins; see Retry-After (RATE_LIMITED) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "RATE_LIMITED",
                         *         "message": "Too many requests; try again in 12 seconds",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/usage/analytics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Requests, tokens and cost over a time range
         * @description Your own usage, or a workspace’s with `workspaceId` (any member). Grouped by time bucket (UTC), provider or key. A model without a known price counts as unpriced: its cost is unknown, not $0.
         */
        get: {
            parameters: {
                query?: {
                    /** @description Start (ISO instant), with `to` */
                    from?: string;
                    groupBy?: "hour" | "day" | "week" | "month" | "provider" | "key";
                    metrics?: string;
                    /** @description Comma-separated provider ids */
                    providers?: string;
                    /** @description Rolling window ending now; default 30d. Or give `from` and `to`. */
                    timeRange?: "24h" | "7d" | "30d" | "90d";
                    /** @description End (ISO instant, excluded), with `from` */
                    to?: string;
                    /** @description Act on this workspace’s resources instead of your own (you must be a member) */
                    workspaceId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Totals, a series and breakdowns */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["UsageAnalytics"];
                    };
                };
                /** @description Invalid input (INVALID_INPUT, UNKNOWN_PROVIDER, INVALID_KEY_FORMAT) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "INVALID_INPUT",
                         *         "message": "Invalid request body: keyData: required; alias: Too big: expected string to have <=100 characters",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "issues": [
                         *             {
                         *               "path": "keyData",
                         *               "message": "required"
                         *             },
                         *             {
                         *               "path": "alias",
                         *               "message": "Too big: expected string to have <=100 characters"
                         *             }
                         *           ]
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found, or not yours (KEY_NOT_FOUND, NOT_FOUND) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_FOUND",
                         *         "message": "Key key_01JD3XK8W2M4 not found",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "keyId": "key_01JD3XK8W2M4"
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/workspaces": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List your workspaces */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Workspaces you are a member of */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WorkspaceListResponse"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Create a workspace (you become its owner) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["CreateWorkspaceInput"];
                };
            };
            responses: {
                /** @description The new workspace */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WorkspaceResponse"];
                    };
                };
                /** @description Invalid input (INVALID_INPUT, UNKNOWN_PROVIDER, INVALID_KEY_FORMAT) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "INVALID_INPUT",
                         *         "message": "Invalid request body: keyData: required; alias: Too big: expected string to have <=100 characters",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "issues": [
                         *             {
                         *               "path": "keyData",
                         *               "message": "required"
                         *             },
                         *             {
                         *               "path": "alias",
                         *               "message": "Too big: expected string to have <=100 characters"
                         *             }
                         *           ]
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body larger than the limit (PAYLOAD_TOO_LARGE) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "PAYLOAD_TOO_LARGE",
                         *         "message": "Request body is larger than 65536 bytes",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body is not JSON (UNSUPPORTED_MEDIA_TYPE) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNSUPPORTED_MEDIA_TYPE",
                         *         "message": "Request body must be JSON (Content-Type: application/json)",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Too many requests or failed sign-ins; see Retry-After (RATE_LIMITED) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "RATE_LIMITED",
                         *         "message": "Too many requests; try again in 12 seconds",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/workspaces/{id}/ai-providers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List a workspace’s keys */
        get: {
            parameters: {
                query?: {
                    environment?: components["schemas"]["Environment"];
                    provider?: components["schemas"]["ProviderId"];
                    status?: components["schemas"]["KeyStatus"];
                };
                header?: never;
                path: {
                    /** @description Workspace id (`ws_…`) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The workspace’s keys (masked) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["KeyListResponse"];
                    };
                };
                /** @description Invalid input (INVALID_INPUT, UNKNOWN_PROVIDER, INVALID_KEY_FORMAT) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "INVALID_INPUT",
                         *         "message": "Invalid request body: keyData: required; alias: Too big: expected string to have <=100 characters",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "issues": [
                         *             {
                         *               "path": "keyData",
                         *               "message": "required"
                         *             },
                         *             {
                         *               "path": "alias",
                         *               "message": "Too big: expected string to have <=100 characters"
                         *             }
                         *           ]
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found, or not yours (KEY_NOT_FOUND, NOT_FOUND) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_FOUND",
                         *         "message": "Key key_01JD3XK8W2M4 not found",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "keyId": "key_01JD3XK8W2M4"
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Store a workspace key */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Workspace id (`ws_…`) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["CreateKeyInput"];
                };
            };
            responses: {
                /** @description The stored key (masked) */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["KeyResponse"];
                    };
                };
                /** @description Invalid input (INVALID_INPUT, UNKNOWN_PROVIDER, INVALID_KEY_FORMAT) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "INVALID_INPUT",
                         *         "message": "Invalid request body: keyData: required; alias: Too big: expected string to have <=100 characters",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "issues": [
                         *             {
                         *               "path": "keyData",
                         *               "message": "required"
                         *             },
                         *             {
                         *               "path": "alias",
                         *               "message": "Too big: expected string to have <=100 characters"
                         *             }
                         *           ]
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Member without the needed role (FORBIDDEN), or a quota reached (QUOTA_EXCEEDED) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "FORBIDDEN",
                         *         "message": "Only an owner or admin of this workspace may do this",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found, or not yours (KEY_NOT_FOUND, NOT_FOUND) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_FOUND",
                         *         "message": "Key key_01JD3XK8W2M4 not found",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "keyId": "key_01JD3XK8W2M4"
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body larger than the limit (PAYLOAD_TOO_LARGE) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "PAYLOAD_TOO_LARGE",
                         *         "message": "Request body is larger than 65536 bytes",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body is not JSON (UNSUPPORTED_MEDIA_TYPE) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNSUPPORTED_MEDIA_TYPE",
                         *         "message": "Request body must be JSON (Content-Type: application/json)",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Too many requests or failed sign-ins; see Retry-After (RATE_LIMITED) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "RATE_LIMITED",
                         *         "message": "Too many requests; try again in 12 seconds",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/workspaces/{id}/ai-providers/{keyId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get one workspace key */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Workspace id */
                    id: string;
                    /** @description Key id */
                    keyId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The key (masked) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["KeyResponse"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found, or not yours (KEY_NOT_FOUND, NOT_FOUND) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_FOUND",
                         *         "message": "Key key_01JD3XK8W2M4 not found",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "keyId": "key_01JD3XK8W2M4"
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a workspace key */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Workspace id */
                    id: string;
                    /** @description Key id */
                    keyId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Member without the needed role (FORBIDDEN), or a quota reached (QUOTA_EXCEEDED) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "FORBIDDEN",
                         *         "message": "Only an owner or admin of this workspace may do this",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found, or not yours (KEY_NOT_FOUND, NOT_FOUND) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_FOUND",
                         *         "message": "Key key_01JD3XK8W2M4 not found",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "keyId": "key_01JD3XK8W2M4"
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Too many requests or failed sign-ins; see Retry-After (RATE_LIMITED) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "RATE_LIMITED",
                         *         "message": "Too many requests; try again in 12 seconds",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a workspace key */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Workspace id */
                    id: string;
                    /** @description Key id */
                    keyId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["UpdateKeyInput"];
                };
            };
            responses: {
                /** @description The changed key (masked) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["KeyResponse"];
                    };
                };
                /** @description Invalid input (INVALID_INPUT, UNKNOWN_PROVIDER, INVALID_KEY_FORMAT) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "INVALID_INPUT",
                         *         "message": "Invalid request body: keyData: required; alias: Too big: expected string to have <=100 characters",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "issues": [
                         *             {
                         *               "path": "keyData",
                         *               "message": "required"
                         *             },
                         *             {
                         *               "path": "alias",
                         *               "message": "Too big: expected string to have <=100 characters"
                         *             }
                         *           ]
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Member without the needed role (FORBIDDEN), or a quota reached (QUOTA_EXCEEDED) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "FORBIDDEN",
                         *         "message": "Only an owner or admin of this workspace may do this",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found, or not yours (KEY_NOT_FOUND, NOT_FOUND) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_FOUND",
                         *         "message": "Key key_01JD3XK8W2M4 not found",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "keyId": "key_01JD3XK8W2M4"
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflicts with the current state (CONFLICT), e.g. usage on a revoked, disabled or deleted key (KEY_NOT_ACTIVE) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_ACTIVE",
                         *         "message": "Key key_01JD3XK8W2M4 is revoked",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body larger than the limit (PAYLOAD_TOO_LARGE) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "PAYLOAD_TOO_LARGE",
                         *         "message": "Request body is larger than 65536 bytes",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body is not JSON (UNSUPPORTED_MEDIA_TYPE) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNSUPPORTED_MEDIA_TYPE",
                         *         "message": "Request body must be JSON (Content-Type: application/json)",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Too many requests or failed sign-ins; see Retry-After (RATE_LIMITED) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "RATE_LIMITED",
                         *         "message": "Too many requests; try again in 12 seconds",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/workspaces/{id}/ai-providers/{keyId}/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Revoke a workspace key */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Workspace id */
                    id: string;
                    /** @description Key id */
                    keyId: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": components["schemas"]["RevokeKeyInput"];
                };
            };
            responses: {
                /** @description The revoked key */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["KeyResponse"];
                    };
                };
                /** @description Invalid input (INVALID_INPUT, UNKNOWN_PROVIDER, INVALID_KEY_FORMAT) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "INVALID_INPUT",
                         *         "message": "Invalid request body: keyData: required; alias: Too big: expected string to have <=100 characters",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "issues": [
                         *             {
                         *               "path": "keyData",
                         *               "message": "required"
                         *             },
                         *             {
                         *               "path": "alias",
                         *               "message": "Too big: expected string to have <=100 characters"
                         *             }
                         *           ]
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Member without the needed role (FORBIDDEN), or a quota reached (QUOTA_EXCEEDED) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "FORBIDDEN",
                         *         "message": "Only an owner or admin of this workspace may do this",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found, or not yours (KEY_NOT_FOUND, NOT_FOUND) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_FOUND",
                         *         "message": "Key key_01JD3XK8W2M4 not found",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "keyId": "key_01JD3XK8W2M4"
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body larger than the limit (PAYLOAD_TOO_LARGE) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "PAYLOAD_TOO_LARGE",
                         *         "message": "Request body is larger than 65536 bytes",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body is not JSON (UNSUPPORTED_MEDIA_TYPE) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNSUPPORTED_MEDIA_TYPE",
                         *         "message": "Request body must be JSON (Content-Type: application/json)",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Too many requests or failed sign-ins; see Retry-After (RATE_LIMITED) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "RATE_LIMITED",
                         *         "message": "Too many requests; try again in 12 seconds",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/workspaces/{id}/ai-providers/{keyId}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Test a workspace key against its provider now
         * @description Any member may test (it changes only the key’s health). The deployment guide’s verification step. The body is optional.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Workspace id */
                    id: string;
                    /** @description Key id */
                    keyId: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": components["schemas"]["EmptyInput"];
                };
            };
            responses: {
                /** @description What the test found */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["KeyTestResponse"];
                    };
                };
                /** @description Invalid input (INVALID_INPUT, UNKNOWN_PROVIDER, INVALID_KEY_FORMAT) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "INVALID_INPUT",
                         *         "message": "Invalid request body: keyData: required; alias: Too big: expected string to have <=100 characters",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "issues": [
                         *             {
                         *               "path": "keyData",
                         *               "message": "required"
                         *             },
                         *             {
                         *               "path": "alias",
                         *               "message": "Too big: expected string to have <=100 characters"
                         *             }
                         *           ]
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found, or not yours (KEY_NOT_FOUND, NOT_FOUND) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_FOUND",
                         *         "message": "Key key_01JD3XK8W2M4 not found",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "keyId": "key_01JD3XK8W2M4"
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body larger than the limit (PAYLOAD_TOO_LARGE) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "PAYLOAD_TOO_LARGE",
                         *         "message": "Request body is larger than 65536 bytes",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body is not JSON (UNSUPPORTED_MEDIA_TYPE) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNSUPPORTED_MEDIA_TYPE",
                         *         "message": "Request body must be JSON (Content-Type: application/json)",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Too many requests or failed sign-ins; see Retry-After (RATE_LIMITED) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "RATE_LIMITED",
                         *         "message": "Too many requests; try again in 12 seconds",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/workspaces/{id}/ai-providers/validate-all": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Test all of a workspace’s keys now
         * @description Any member may run it. The body is optional.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Workspace id (`ws_…`) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": components["schemas"]["EmptyInput"];
                };
            };
            responses: {
                /** @description One result per key */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ValidateAllResponse"];
                    };
                };
                /** @description Invalid input (INVALID_INPUT, UNKNOWN_PROVIDER, INVALID_KEY_FORMAT) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "INVALID_INPUT",
                         *         "message": "Invalid request body: keyData: required; alias: Too big: expected string to have <=100 characters",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "issues": [
                         *             {
                         *               "path": "keyData",
                         *               "message": "required"
                         *             },
                         *             {
                         *               "path": "alias",
                         *               "message": "Too big: expected string to have <=100 characters"
                         *             }
                         *           ]
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found, or not yours (KEY_NOT_FOUND, NOT_FOUND) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_FOUND",
                         *         "message": "Key key_01JD3XK8W2M4 not found",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "keyId": "key_01JD3XK8W2M4"
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body larger than the limit (PAYLOAD_TOO_LARGE) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "PAYLOAD_TOO_LARGE",
                         *         "message": "Request body is larger than 65536 bytes",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body is not JSON (UNSUPPORTED_MEDIA_TYPE) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNSUPPORTED_MEDIA_TYPE",
                         *         "message": "Request body must be JSON (Content-Type: application/json)",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Too many requests or failed sign-ins; see Retry-After (RATE_LIMITED) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "RATE_LIMITED",
                         *         "message": "Too many requests; try again in 12 seconds",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/workspaces/{id}/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List a workspace’s members */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Workspace id (`ws_…`) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The members */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WorkspaceMemberList"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found, or not yours (KEY_NOT_FOUND, NOT_FOUND) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_FOUND",
                         *         "message": "Key key_01JD3XK8W2M4 not found",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "keyId": "key_01JD3XK8W2M4"
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Add a member, or change a member’s role
         * @description Admins add and change admins and members; only owners grant or take away `owner`.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Workspace id (`ws_…`) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["AddMemberInput"];
                };
            };
            responses: {
                /** @description The member as stored */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WorkspaceMemberResponse"];
                    };
                };
                /** @description Invalid input (INVALID_INPUT, UNKNOWN_PROVIDER, INVALID_KEY_FORMAT) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "INVALID_INPUT",
                         *         "message": "Invalid request body: keyData: required; alias: Too big: expected string to have <=100 characters",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "issues": [
                         *             {
                         *               "path": "keyData",
                         *               "message": "required"
                         *             },
                         *             {
                         *               "path": "alias",
                         *               "message": "Too big: expected string to have <=100 characters"
                         *             }
                         *           ]
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Member without the needed role (FORBIDDEN), or a quota reached (QUOTA_EXCEEDED) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "FORBIDDEN",
                         *         "message": "Only an owner or admin of this workspace may do this",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found, or not yours (KEY_NOT_FOUND, NOT_FOUND) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_FOUND",
                         *         "message": "Key key_01JD3XK8W2M4 not found",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "keyId": "key_01JD3XK8W2M4"
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflicts with the current state (CONFLICT), e.g. usage on a revoked, disabled or deleted key (KEY_NOT_ACTIVE) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_ACTIVE",
                         *         "message": "Key key_01JD3XK8W2M4 is revoked",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body larger than the limit (PAYLOAD_TOO_LARGE) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "PAYLOAD_TOO_LARGE",
                         *         "message": "Request body is larger than 65536 bytes",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body is not JSON (UNSUPPORTED_MEDIA_TYPE) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNSUPPORTED_MEDIA_TYPE",
                         *         "message": "Request body must be JSON (Content-Type: application/json)",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Too many requests or failed sign-ins; see Retry-After (RATE_LIMITED) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "RATE_LIMITED",
                         *         "message": "Too many requests; try again in 12 seconds",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/workspaces/{id}/members/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Remove a member (or leave)
         * @description Admins remove admins and members, owners anyone; every member may remove themselves.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Workspace id */
                    id: string;
                    /** @description User id */
                    userId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Removed */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Missing, invalid or expired token (UNAUTHENTICATED) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "UNAUTHENTICATED",
                         *         "message": "Missing or invalid bearer token",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Member without the needed role (FORBIDDEN), or a quota reached (QUOTA_EXCEEDED) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "FORBIDDEN",
                         *         "message": "Only an owner or admin of this workspace may do this",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found, or not yours (KEY_NOT_FOUND, NOT_FOUND) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_FOUND",
                         *         "message": "Key key_01JD3XK8W2M4 not found",
                         *         "requestId": "req_5f2a9c1e07d4000012",
                         *         "details": {
                         *           "keyId": "key_01JD3XK8W2M4"
                         *         }
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflicts with the current state (CONFLICT), e.g. usage on a revoked, disabled or deleted key (KEY_NOT_ACTIVE) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "KEY_NOT_ACTIVE",
                         *         "message": "Key key_01JD3XK8W2M4 is revoked",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Too many requests or failed sign-ins; see Retry-After (RATE_LIMITED) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "RATE_LIMITED",
                         *         "message": "Too many requests; try again in 12 seconds",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Database unavailable, retry after Retry-After seconds (DATABASE_UNAVAILABLE); or master key not configured (ENCRYPTION_NOT_CONFIGURED) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        /**
                         * @example {
                         *       "error": {
                         *         "code": "DATABASE_UNAVAILABLE",
                         *         "message": "The database is unavailable; try again shortly",
                         *         "requestId": "req_5f2a9c1e07d4000012"
                         *       }
                         *     }
                         */
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * @example {
         *       "userId": "user_456",
         *       "role": "member"
         *     }
         */
        AddMemberInput: {
            role: components["schemas"]["WorkspaceRole"];
            userId: string;
        };
        /** @description The latest delivery attempt of any of its notifications; null before the first */
        AlertDelivery: {
            /** Format: date-time */
            at: string;
            /** @enum {string} */
            channel: "webhook" | "email";
            /** @description Why it failed: `HTTP_<status>`, a network code (`ECONNREFUSED`), `TIMEOUT`, `NO_DESTINATION`…; null when delivered */
            errorCode: string | null;
            /**
             * @description `retrying`: this attempt failed and another one is due
             * @enum {string}
             */
            status: "delivered" | "failed" | "retrying";
            /** @description The receiver’s HTTP status (or SMTP reply code) */
            statusCode: number | null;
        } | null;
        AuditActor: {
            id: string;
            onBehalfOf?: string;
            /** @enum {string} */
            type: "user" | "service" | "system";
        };
        AuditEntry: {
            action: string;
            actor: components["schemas"]["AuditActor"];
            context: {
                [key: string]: unknown;
            };
            /** Format: date-time */
            createdAt: string;
            details: {
                [key: string]: unknown;
            };
            hash: string;
            id: string;
            owner: components["schemas"]["Owner"];
            targetId: string | null;
            targetType: string;
        };
        AuditList: {
            entries: components["schemas"]["AuditEntry"][];
            /** @description Pass as `before` for the next page */
            nextBefore: string | null;
        };
        CreatedGatewayToken: {
            gatewayToken: components["schemas"]["GatewayToken"];
            id: string;
            /**
             * @description Shown once; only its hash is stored
             * @example byok_gt_…
             */
            token: string;
        };
        /**
         * @example {
         *       "alert": {
         *         "id": "alert_01JD3Z0K2B7N",
         *         "owner": {
         *           "type": "user",
         *           "id": "user_123"
         *         },
         *         "alertType": "cost",
         *         "thresholdValue": 50,
         *         "thresholdPeriod": "monthly",
         *         "notificationChannels": [
         *           "email"
         *         ],
         *         "webhookUrl": null,
         *         "email": "ops@example.com",
         *         "channelProblems": [],
         *         "undeliveredNotifications": 0,
         *         "lastDelivery": null,
         *         "hasSigningSecret": true,
         *         "signingSecretRotatedAt": null,
         *         "lastFiredPeriod": null,
         *         "lastFiredAt": null,
         *         "createdAt": "2026-11-30T01:00:00.000Z"
         *       },
         *       "signingSecret": "whsec_3q2-7wEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
         *     }
         */
        CreatedUsageAlertResponse: {
            alert: components["schemas"]["UsageAlert"];
            /**
             * @description The secret this alert’s webhooks are signed with (`whsec_…`), shown only in this response: store it with the receiver and check each delivery’s `BYOK-Signature` header with it (`verifyAlertWebhook`).
             * @example whsec_3q2-7wEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
             */
            signingSecret: string | null;
        };
        CreateGatewayTokenInput: {
            /** @description Model patterns (`gpt-*`, `anthropic/*`, exact ids); null means all */
            allowedModels?: string[] | null;
            /** @description Providers this token may call; null (default) means all */
            allowedProviders?: ("openai" | "anthropic" | "gemini" | "deepseek" | "openrouter" | "deepgram" | "twilio" | "mistral" | "groq" | "xai")[] | null;
            /** @description May the application’s own keys serve after yours (default false) */
            allowSystemKeys?: boolean;
            /**
             * @description Whose keys serve; default production
             * @enum {string}
             */
            environment?: "development" | "staging" | "production";
            /** Format: date-time */
            expiresAt?: string | null;
            /** @description USD per UTC month */
            monthlyBudgetUsd?: number | null;
            name: string;
            requestsPerMinute?: number | null;
        };
        /**
         * @example {
         *       "provider": "openai",
         *       "keyData": {
         *         "apiKey": "sk-proj-…"
         *       },
         *       "alias": "Main OpenAI key",
         *       "description": "Billing account of the research team",
         *       "environment": "production",
         *       "priority": 0
         *     }
         */
        CreateKeyInput: {
            alias?: string;
            description?: string;
            environment?: components["schemas"]["Environment"] & unknown;
            /**
             * @description The credential, field by field, each a string (see GET /providers). Encrypted at rest; never returned.
             * @example {
             *       "apiKey": "sk-proj-…"
             *     }
             */
            keyData: {
                [key: string]: string;
            };
            /** @description Lower is tried first */
            priority?: number;
            provider: components["schemas"]["ProviderId"];
        };
        /**
         * @example {
         *       "alertType": "cost",
         *       "thresholdValue": 50,
         *       "thresholdPeriod": "monthly",
         *       "notificationChannels": [
         *         "email"
         *       ],
         *       "email": "ops@example.com"
         *     }
         */
        CreateUsageAlertInput: {
            /** @enum {string} */
            alertType: "cost" | "requests" | "tokens" | "errors";
            /** Format: email */
            email?: string;
            notificationChannels: ("webhook" | "email")[];
            /** @enum {string} */
            thresholdPeriod: "daily" | "weekly" | "monthly";
            /** @description USD for `cost` */
            thresholdValue: number;
            /** Format: uri */
            webhookUrl?: string;
        };
        /**
         * @example {
         *       "name": "Research team"
         *     }
         */
        CreateWorkspaceInput: {
            name: string;
        };
        CredentialField: {
            label: string;
            name: string;
            required: boolean;
            secret: boolean;
        };
        CredentialTestResponse: {
            result: components["schemas"]["CredentialTestResult"];
        };
        CredentialTestResult: {
            balance?: {
                amount: number;
                currency: string;
            };
            errorCode?: string;
            /** @example Provider validation failed: invalid API key */
            errorMessage?: string;
            /** @description 0–100, after this validation */
            healthScore: number;
            isValid: boolean;
            keyId: null;
            provider: components["schemas"]["ProviderId"];
            providerCode?: string;
            /** @description Milliseconds */
            responseTime: number;
            retryAfterMs?: number;
            /** @description `valid`, `invalid_key`, `revoked`, `permission_denied`, `billing`, `rate_limited`, `outage`, `timeout`, `network_error`, `unexpected` or `decryption_failed` */
            status: string;
            /** @description HTTP status of the provider’s answer */
            statusCode?: number;
            testsRun: string[];
            /** Format: date-time */
            validatedAt: string;
        };
        EmptyInput: Record<string, never>;
        /** @enum {string} */
        Environment: "development" | "staging" | "production";
        Error: {
            error: {
                /**
                 * @description Stable: branch on it, never on the message
                 * @example KEY_NOT_FOUND
                 * @enum {string}
                 */
                code: "INVALID_INPUT" | "INVALID_KEY_FORMAT" | "UNKNOWN_PROVIDER" | "UNAUTHENTICATED" | "FORBIDDEN" | "QUOTA_EXCEEDED" | "KEY_NOT_FOUND" | "NOT_FOUND" | "CONFLICT" | "KEY_NOT_ACTIVE" | "PAYLOAD_TOO_LARGE" | "RATE_LIMITED" | "DECRYPTION_FAILED" | "MASTER_KEY_MISMATCH" | "INTERNAL_ERROR" | "PROVIDER_VALIDATION_FAILED" | "PROVIDER_UNAVAILABLE" | "ENCRYPTION_NOT_CONFIGURED" | "MASTER_KEY_SOURCE_FAILED" | "NO_KEY_AVAILABLE" | "DATABASE_UNAVAILABLE" | "AUDIT_LOG_TAMPERED" | "METHOD_NOT_ALLOWED" | "DATA_FOLDER_LOCKED" | "DATABASE_NOT_FOUND" | "PROVIDER_NOT_ENABLED" | "BUDGET_EXCEEDED" | "UPSTREAM_ERROR" | "INVALID_CONFIG" | "CLI_USAGE" | "CLI_FAILED" | "CLI_INTERRUPTED" | "UNSUPPORTED_MEDIA_TYPE" | "CLIENT_CLOSED";
                /** @description Safe facts about a 4xx error: for INVALID_INPUT `issues` (`[{ path, message }]`, never the value), for QUOTA_EXCEEDED the `quota` and `limit`… */
                details?: {
                    [key: string]: unknown;
                };
                /** @description For a person; never holds a secret */
                message: string;
                /** @description Also in the `x-request-id` header */
                requestId: string;
            };
        };
        FallbackChain: {
            /** @description False: nothing was saved; the defaults apply */
            configured: boolean;
            environment: components["schemas"]["Environment"];
            fallbackSequence: string[];
            maxRetries: number;
            owner: components["schemas"]["Owner"];
            primaryKeyId: string | null;
            provider: components["schemas"]["ProviderId"];
            retryDelayMs: number;
            /** Format: date-time */
            updatedAt: string | null;
            useSystemFallback: boolean;
        };
        FallbackChainInput: {
            /** @description Tried next, in order */
            fallbackSequence?: string[];
            /** @description Default 3 */
            maxRetries?: number;
            /** @description Tried first */
            primaryKeyId?: string | null;
            /** @description Default 1000 */
            retryDelayMs?: number;
            /** @description After every key of the chain, the application’s own key. Default false */
            useSystemFallback?: boolean;
        };
        FallbackChainResponse: {
            chain: components["schemas"]["FallbackChain"];
        };
        GatewayToken: {
            allowedModels: string[] | null;
            allowedProviders: string[] | null;
            allowSystemKeys: boolean;
            /** Format: date-time */
            createdAt: string;
            /** @enum {string} */
            environment: "development" | "staging" | "production";
            /** Format: date-time */
            expiresAt: string | null;
            /** @example byok_gt_…abcd */
            hint: string;
            id: string;
            monthlyBudgetUsd: number | null;
            name: string;
            owner: {
                id: string;
                /** @enum {string} */
                type: "user" | "workspace";
            };
            requestsPerMinute: number | null;
            /** Format: date-time */
            revokedAt: string | null;
            /** @enum {string} */
            status: "active" | "revoked";
            /** Format: date-time */
            updatedAt: string;
        };
        GatewayTokenListResponse: {
            gatewayTokens: components["schemas"]["GatewayTokenWithUsage"][];
        };
        GatewayTokenResponse: {
            gatewayToken: components["schemas"]["GatewayToken"];
        };
        /** @description What the token spent this month, from committed usage (a batch lands within seconds) */
        GatewayTokenUsage: {
            /** @description `monthlyBudgetUsd` minus `costUsd`, never below 0; null without a budget */
            budgetRemainingUsd: number | null;
            /** @description USD; requests of unpriced models count as 0 */
            costUsd: number;
            /**
             * @description The UTC calendar month
             * @example 2026-03
             */
            month: string;
            /** @description Requests made with the token, failed ones included */
            requests: number;
        };
        GatewayTokenUsageReport: {
            byDay: {
                /** @description USD of the priced requests; null when every request is unpriced (unknown, not $0) */
                costUsd: number | null;
                /** @example 2026-03-09 */
                day: string;
                /** @description Requests that failed (upstream errors, disconnects) */
                errors: number;
                inputTokens: number;
                outputTokens: number;
                requests: number;
                unpricedRequests: number;
            }[];
            byModel: {
                /** @description USD of the priced requests; null when every request is unpriced (unknown, not $0) */
                costUsd: number | null;
                /** @description Requests that failed (upstream errors, disconnects) */
                errors: number;
                inputTokens: number;
                model: string | null;
                outputTokens: number;
                provider: string;
                requests: number;
                unpricedRequests: number;
            }[];
            timeRange: {
                /** Format: date-time */
                from: string;
                /** Format: date-time */
                to: string;
            };
            tokenId: string;
            totals: {
                /** @description USD of the priced requests; null when every request is unpriced (unknown, not $0) */
                costUsd: number | null;
                /** @description Requests that failed (upstream errors, disconnects) */
                errors: number;
                inputTokens: number;
                outputTokens: number;
                requests: number;
                unpricedRequests: number;
            };
        };
        GatewayTokenWithUsage: components["schemas"]["GatewayToken"] & {
            usage: components["schemas"]["GatewayTokenUsage"];
        };
        GatewayTokenWithUsageResponse: {
            gatewayToken: components["schemas"]["GatewayTokenWithUsage"];
        };
        Health: {
            checks: {
                cache: {
                    details?: {
                        [key: string]: unknown;
                    };
                    latencyMs?: number;
                    message?: string;
                    /** @enum {string} */
                    status: "pass" | "warn" | "fail";
                };
                database: {
                    details?: {
                        [key: string]: unknown;
                    };
                    latencyMs?: number;
                    message?: string;
                    /** @enum {string} */
                    status: "pass" | "warn" | "fail";
                };
                encryption: {
                    details?: {
                        [key: string]: unknown;
                    };
                    latencyMs?: number;
                    message?: string;
                    /** @enum {string} */
                    status: "pass" | "warn" | "fail";
                };
                validation?: {
                    details?: {
                        [key: string]: unknown;
                    };
                    latencyMs?: number;
                    message?: string;
                    /** @enum {string} */
                    status: "pass" | "warn" | "fail";
                };
            } & {
                [key: string]: {
                    details?: {
                        [key: string]: unknown;
                    };
                    latencyMs?: number;
                    message?: string;
                    /** @enum {string} */
                    status: "pass" | "warn" | "fail";
                };
            };
            message?: string;
            /** @enum {string} */
            status: "healthy" | "degraded" | "unhealthy";
            /** Format: date-time */
            timestamp?: string;
        };
        Key: {
            alias: string | null;
            /** Format: date-time */
            cooldownUntil: string | null;
            /** Format: date-time */
            createdAt: string;
            createdBy: string | null;
            description: string | null;
            environment: components["schemas"]["Environment"];
            /** @description Keyed fingerprint (HMAC); equal for equal secrets */
            fingerprint: string;
            healthScore: number;
            id: string;
            isActive: boolean;
            /**
             * @description Masked: known prefix and last 4 characters
             * @example sk-…abcd
             */
            keyHint: string;
            /** Format: date-time */
            lastValidatedAt: string | null;
            lastValidationStatus: string | null;
            owner: components["schemas"]["Owner"];
            /** @description Lower is tried first */
            priority: number;
            provider: components["schemas"]["ProviderId"];
            /** Format: date-time */
            revokedAt: string | null;
            status: components["schemas"]["KeyStatus"];
            /** Format: date-time */
            updatedAt: string;
            userId: string | null;
            workspaceId: string | null;
        };
        /**
         * @example {
         *       "keys": [
         *         {
         *           "id": "key_01JD3XK8W2M4",
         *           "provider": "openai",
         *           "environment": "production",
         *           "owner": {
         *             "type": "user",
         *             "id": "user_123"
         *           },
         *           "userId": "user_123",
         *           "workspaceId": null,
         *           "alias": "Main OpenAI key",
         *           "description": "Billing account of the research team",
         *           "priority": 0,
         *           "status": "active",
         *           "isActive": true,
         *           "keyHint": "sk-…a1b2",
         *           "fingerprint": "fp_9c1e07d45f2a",
         *           "healthScore": 100,
         *           "lastValidatedAt": "2026-11-30T01:00:00.000Z",
         *           "lastValidationStatus": "valid",
         *           "cooldownUntil": null,
         *           "createdBy": "user_123",
         *           "createdAt": "2026-11-29T18:30:00.000Z",
         *           "updatedAt": "2026-11-30T01:00:00.000Z",
         *           "revokedAt": null
         *         },
         *         {
         *           "id": "key_01JD3XM0C7Q9",
         *           "provider": "anthropic",
         *           "environment": "production",
         *           "owner": {
         *             "type": "user",
         *             "id": "user_123"
         *           },
         *           "userId": "user_123",
         *           "workspaceId": null,
         *           "alias": "Claude",
         *           "description": null,
         *           "priority": 1,
         *           "status": "active",
         *           "isActive": true,
         *           "keyHint": "sk-ant-…f00d",
         *           "fingerprint": "fp_4d2e8a11b3c0",
         *           "healthScore": 60,
         *           "lastValidatedAt": "2026-11-30T01:00:00.000Z",
         *           "lastValidationStatus": "rate_limited",
         *           "cooldownUntil": "2026-11-30T01:05:00.000Z",
         *           "createdBy": "user_123",
         *           "createdAt": "2026-11-29T18:30:00.000Z",
         *           "updatedAt": "2026-11-30T01:00:00.000Z",
         *           "revokedAt": null
         *         }
         *       ]
         *     }
         */
        KeyListResponse: {
            keys: components["schemas"]["Key"][];
        };
        /**
         * @example {
         *       "key": {
         *         "id": "key_01JD3XK8W2M4",
         *         "provider": "openai",
         *         "environment": "production",
         *         "owner": {
         *           "type": "user",
         *           "id": "user_123"
         *         },
         *         "userId": "user_123",
         *         "workspaceId": null,
         *         "alias": "Main OpenAI key",
         *         "description": "Billing account of the research team",
         *         "priority": 0,
         *         "status": "active",
         *         "isActive": true,
         *         "keyHint": "sk-…a1b2",
         *         "fingerprint": "fp_9c1e07d45f2a",
         *         "healthScore": 100,
         *         "lastValidatedAt": "2026-11-30T01:00:00.000Z",
         *         "lastValidationStatus": "valid",
         *         "cooldownUntil": null,
         *         "createdBy": "user_123",
         *         "createdAt": "2026-11-29T18:30:00.000Z",
         *         "updatedAt": "2026-11-30T01:00:00.000Z",
         *         "revokedAt": null
         *       }
         *     }
         */
        KeyResponse: {
            key: components["schemas"]["Key"];
        };
        /** @enum {string} */
        KeyStatus: "active" | "disabled" | "invalid" | "revoked" | "compromised";
        /**
         * @example {
         *       "result": {
         *         "keyId": "key_01JD3XK8W2M4",
         *         "provider": "openai",
         *         "isValid": true,
         *         "healthScore": 100,
         *         "status": "valid",
         *         "statusCode": 200,
         *         "responseTime": 182,
         *         "testsRun": [
         *           "list_models"
         *         ],
         *         "validatedAt": "2026-11-30T01:00:00.000Z",
         *         "cooldownUntil": null
         *       }
         *     }
         */
        KeyTestResponse: {
            result: components["schemas"]["KeyTestResult"];
        };
        KeyTestResult: {
            balance?: {
                amount: number;
                currency: string;
            };
            /**
             * Format: date-time
             * @description Kept out of rotation until then
             */
            cooldownUntil: string | null;
            errorCode?: string;
            /** @example Provider validation failed: invalid API key */
            errorMessage?: string;
            /** @description 0–100, after this validation */
            healthScore: number;
            isValid: boolean;
            keyId: string;
            provider: components["schemas"]["ProviderId"];
            providerCode?: string;
            /** @description Milliseconds */
            responseTime: number;
            retryAfterMs?: number;
            /** @description `valid`, `invalid_key`, `revoked`, `permission_denied`, `billing`, `rate_limited`, `outage`, `timeout`, `network_error`, `unexpected` or `decryption_failed` */
            status: string;
            /** @description HTTP status of the provider’s answer */
            statusCode?: number;
            testsRun: string[];
            /** Format: date-time */
            validatedAt: string;
        };
        Liveness: {
            /** @enum {string} */
            status: "ok";
        };
        Me: {
            isServiceToken: boolean;
            userId: string | null;
            workspaces: {
                id: string;
                name: string;
                role: components["schemas"]["WorkspaceRole"];
            }[];
        };
        Owner: {
            id: string;
            /** @enum {string} */
            type: "user" | "workspace";
        } | null;
        Provider: {
            /** @enum {string} */
            category: "ai" | "voice" | "telephony";
            credentialFields: components["schemas"]["CredentialField"][];
            displayName: string;
            id: components["schemas"]["ProviderId"];
        };
        /** @enum {string} */
        ProviderId: "openai" | "anthropic" | "gemini" | "deepseek" | "openrouter" | "deepgram" | "twilio" | "mistral" | "groq" | "xai";
        ProviderList: {
            providers: components["schemas"]["Provider"][];
        };
        Readiness: {
            /** @enum {string} */
            status: "ready" | "not_ready";
        };
        /**
         * @example {
         *       "keyId": "key_01JD3XK8W2M4",
         *       "provider": "openai",
         *       "model": "gpt-4o-mini",
         *       "inputTokens": 1200,
         *       "outputTokens": 350,
         *       "cachedTokens": 200,
         *       "latencyMs": 840,
         *       "success": true
         *     }
         */
        RecordUsageInput: {
            /**
             * Format: date-time
             * @description When it happened (ISO instant); default now
             */
            at?: string;
            /** @description Seconds of audio processed (voice providers bill audio minutes) */
            audioSeconds?: number;
            /** @description The part of inputTokens read from a cache */
            cachedTokens?: number;
            /** @description What the provider charged, when it said; otherwise priced from the table */
            costUsd?: number;
            /** @description Every input token, cached ones included */
            inputTokens?: number;
            /** @description The key that was used: yours, or the workspace’s with `?workspaceId=` */
            keyId: string;
            latencyMs?: number;
            model?: string;
            outputTokens?: number;
            provider?: components["schemas"]["ProviderId"] & unknown;
            /** @description Default 1 */
            requests?: number;
            /** @description false counts the requests as errors */
            success?: boolean;
        };
        /**
         * @example {
         *       "usage": {
         *         "id": "usg_01JD3Y2P6TQK",
         *         "costUsd": 0.000375,
         *         "priced": true
         *       }
         *     }
         */
        RecordUsageResponse: {
            usage: {
                /** @description USD of the priced requests; null when every request is unpriced (unknown, not $0) */
                costUsd: number | null;
                id: string;
                priced: boolean;
            };
        };
        RevokeKeyInput: {
            reason?: string;
        };
        RotatedAlertSecretResponse: {
            alert: components["schemas"]["UsageAlert"];
            /**
             * @description The secret this alert’s webhooks are signed with (`whsec_…`), shown only in this response: store it with the receiver and check each delivery’s `BYOK-Signature` header with it (`verifyAlertWebhook`).
             * @example whsec_3q2-7wEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
             */
            signingSecret: string;
        };
        TestCredentialInput: {
            /**
             * @description The credential, field by field, each a string (see GET /providers). Encrypted at rest; never returned.
             * @example {
             *       "apiKey": "sk-proj-…"
             *     }
             */
            keyData: {
                [key: string]: string;
            };
            provider: components["schemas"]["ProviderId"];
        };
        UpdateGatewayTokenInput: {
            /** @description Model patterns (`gpt-*`, `anthropic/*`, exact ids); null means all */
            allowedModels?: string[] | null;
            /** @description Providers this token may call; null (default) means all */
            allowedProviders?: ("openai" | "anthropic" | "gemini" | "deepseek" | "openrouter" | "deepgram" | "twilio" | "mistral" | "groq" | "xai")[] | null;
            /** @description May the application’s own keys serve after yours (default false) */
            allowSystemKeys?: boolean;
            /** Format: date-time */
            expiresAt?: string | null;
            /** @description USD per UTC month */
            monthlyBudgetUsd?: number | null;
            name?: string;
            requestsPerMinute?: number | null;
        };
        UpdateKeyInput: {
            alias?: string | null;
            description?: string | null;
            enabled?: boolean;
            /**
             * @description The credential, field by field, each a string (see GET /providers). Encrypted at rest; never returned.
             * @example {
             *       "apiKey": "sk-proj-…"
             *     }
             */
            keyData?: {
                [key: string]: string;
            };
            /** @description Lower is tried first */
            priority?: number;
        };
        UsageAlert: {
            /** @enum {string} */
            alertType: "cost" | "requests" | "tokens" | "errors";
            channelProblems: string[];
            /** Format: date-time */
            createdAt: string;
            email: string | null;
            /** @description Whether its webhooks are signed with a secret of its own (false: alerts made before per-alert secrets, signed with the server-wide secret if one is set) */
            hasSigningSecret: boolean;
            id: string;
            lastDelivery: components["schemas"]["AlertDelivery"];
            /** Format: date-time */
            lastFiredAt: string | null;
            lastFiredPeriod: string | null;
            notificationChannels: ("webhook" | "email")[];
            owner: components["schemas"]["Owner"];
            /** Format: date-time */
            signingSecretRotatedAt: string | null;
            /** @enum {string} */
            thresholdPeriod: "daily" | "weekly" | "monthly";
            thresholdValue: number;
            /** @description Notifications not delivered yet: waiting for a channel to be configured, queued, or being retried */
            undeliveredNotifications: number;
            webhookUrl: string | null;
        };
        UsageAlertList: {
            alerts: components["schemas"]["UsageAlert"][];
        };
        /**
         * @example {
         *       "owner": {
         *         "type": "user",
         *         "id": "user_123"
         *       },
         *       "timeRange": {
         *         "from": "2026-11-28T00:00:00.000Z",
         *         "to": "2026-11-30T00:00:00.000Z"
         *       },
         *       "groupBy": "day",
         *       "metrics": [
         *         "requests",
         *         "tokens",
         *         "cost"
         *       ],
         *       "providers": null,
         *       "totals": {
         *         "requests": 30,
         *         "errors": 0,
         *         "inputTokens": 30000,
         *         "outputTokens": 10000,
         *         "cachedTokens": 0,
         *         "totalTokens": 40000,
         *         "costUsd": 0.42,
         *         "unpricedRequests": 0
         *       },
         *       "series": [
         *         {
         *           "bucket": "2026-11-28",
         *           "requests": 12,
         *           "errors": 0,
         *           "inputTokens": 12000,
         *           "outputTokens": 4000,
         *           "cachedTokens": 0,
         *           "totalTokens": 16000,
         *           "costUsd": 0.17,
         *           "unpricedRequests": 0
         *         },
         *         {
         *           "bucket": "2026-11-29",
         *           "requests": 18,
         *           "errors": 0,
         *           "inputTokens": 18000,
         *           "outputTokens": 6000,
         *           "cachedTokens": 0,
         *           "totalTokens": 24000,
         *           "costUsd": 0.25,
         *           "unpricedRequests": 0
         *         }
         *       ],
         *       "byProvider": [
         *         {
         *           "provider": "openai",
         *           "requests": 30,
         *           "errors": 0,
         *           "inputTokens": 30000,
         *           "outputTokens": 10000,
         *           "cachedTokens": 0,
         *           "totalTokens": 40000,
         *           "costUsd": 0.42,
         *           "unpricedRequests": 0
         *         }
         *       ],
         *       "byKey": [
         *         {
         *           "keyId": "key_01JD3XK8W2M4",
         *           "requests": 30,
         *           "errors": 0,
         *           "inputTokens": 30000,
         *           "outputTokens": 10000,
         *           "cachedTokens": 0,
         *           "totalTokens": 40000,
         *           "costUsd": 0.42,
         *           "unpricedRequests": 0
         *         }
         *       ]
         *     }
         */
        UsageAnalytics: {
            byKey: {
                /** @description Seconds of audio processed (voice providers) */
                audioSeconds: number;
                cachedTokens: number;
                /** @description USD of the priced requests; null when every request is unpriced (unknown, not $0) */
                costUsd: number | null;
                errors: number;
                inputTokens: number;
                keyId: string | null;
                /** @description Audio minutes (audioSeconds / 60), what voice providers bill */
                minutes: number;
                outputTokens: number;
                requests: number;
                totalTokens: number;
                unpricedRequests: number;
            }[];
            byProvider: {
                /** @description Seconds of audio processed (voice providers) */
                audioSeconds: number;
                cachedTokens: number;
                /** @description USD of the priced requests; null when every request is unpriced (unknown, not $0) */
                costUsd: number | null;
                errors: number;
                inputTokens: number;
                /** @description Audio minutes (audioSeconds / 60), what voice providers bill */
                minutes: number;
                outputTokens: number;
                provider: string;
                requests: number;
                totalTokens: number;
                unpricedRequests: number;
            }[];
            /** @enum {string} */
            groupBy: "hour" | "day" | "week" | "month" | "provider" | "key";
            metrics: ("requests" | "tokens" | "minutes" | "cost")[];
            owner: components["schemas"]["Owner"];
            providers: string[] | null;
            series: {
                /** @description Seconds of audio processed (voice providers) */
                audioSeconds: number;
                bucket: string;
                cachedTokens: number;
                /** @description USD of the priced requests; null when every request is unpriced (unknown, not $0) */
                costUsd: number | null;
                errors: number;
                inputTokens: number;
                /** @description Audio minutes (audioSeconds / 60), what voice providers bill */
                minutes: number;
                outputTokens: number;
                requests: number;
                totalTokens: number;
                unpricedRequests: number;
            }[];
            timeRange: {
                /** Format: date-time */
                from: string;
                /** Format: date-time */
                to: string;
            };
            totals: components["schemas"]["UsageFigures"];
        };
        UsageFigures: {
            /** @description Seconds of audio processed (voice providers) */
            audioSeconds: number;
            cachedTokens: number;
            /** @description USD of the priced requests; null when every request is unpriced (unknown, not $0) */
            costUsd: number | null;
            errors: number;
            inputTokens: number;
            /** @description Audio minutes (audioSeconds / 60), what voice providers bill */
            minutes: number;
            outputTokens: number;
            requests: number;
            totalTokens: number;
            unpricedRequests: number;
        };
        ValidateAllResponse: {
            results: components["schemas"]["KeyTestResult"][];
        };
        Workspace: {
            /** Format: date-time */
            createdAt: string;
            createdBy: string;
            id: string;
            name: string;
            role: components["schemas"]["WorkspaceRole"];
        };
        WorkspaceListResponse: {
            workspaces: components["schemas"]["Workspace"][];
        };
        WorkspaceMember: {
            /** Format: date-time */
            addedAt: string;
            role: components["schemas"]["WorkspaceRole"];
            userId: string;
        };
        WorkspaceMemberList: {
            members: components["schemas"]["WorkspaceMember"][];
        };
        WorkspaceMemberResponse: {
            member: components["schemas"]["WorkspaceMember"];
        };
        WorkspaceResponse: {
            workspace: components["schemas"]["Workspace"];
        };
        /** @enum {string} */
        WorkspaceRole: "owner" | "admin" | "member";
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
