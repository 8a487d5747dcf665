import type { BYOKSystem, GatewayToken } from '@stack-2025/byok-core';
import type { Command } from 'commander';

export interface GatewayTokenCommandDeps {
  /** Opens the configured system, runs `fn`, closes it. */
  withSystem: <T>(fn: (system: BYOKSystem) => Promise<T>) => Promise<T>;
  out: (line: string) => void;
}

type OwnerOptions = { user?: string; workspace?: string };

function ownerOf(opts: OwnerOptions): { userId: string } | { workspaceId: string } {
  if (opts.workspace && !opts.user) return { workspaceId: opts.workspace };
  if (opts.user && !opts.workspace) return { userId: opts.user };
  throw new Error('Give --user <id> or --workspace <id>');
}

const CONTEXT = { actor: 'cli:gateway-tokens', userAgent: 'byok-cli' };

function line(token: GatewayToken): string {
  const limits = [
    token.monthlyBudgetUsd === null ? null : `budget $${token.monthlyBudgetUsd}/month`,
    token.requestsPerMinute === null ? null : `${token.requestsPerMinute} rpm`,
    token.allowedModels ? `models ${token.allowedModels.join(',')}` : null,
    token.expiresAt ? `expires ${token.expiresAt.toISOString()}` : null,
  ].filter(Boolean);
  return `${token.id}\t${token.status}\t${token.hint}\t${token.name}${limits.length ? `\t${limits.join('; ')}` : ''}`;
}

/** `byok gateway-tokens create|list|revoke`: the tokens applications use at `/v1` and `/anthropic`. */
export function registerGatewayTokenCommands(program: Command, deps: GatewayTokenCommandDeps): void {
  const tokens = program
    .command('gateway-tokens')
    .description('Gateway tokens (virtual keys) for /v1 and /anthropic');
  tokens
    .command('create')
    .description('Create a token; it is printed once (only its hash is stored)')
    .requiredOption('--name <name>', 'what the token is for')
    .option('--user <id>', 'the user whose keys it uses')
    .option('--workspace <id>', 'the workspace whose keys it uses')
    .option('--environment <env>', 'development, staging or production', 'production')
    .option('--budget <usd>', 'monthly budget in USD', Number)
    .option('--rpm <n>', 'requests per minute', Number)
    .option('--models <patterns>', 'comma-separated model patterns, e.g. "gpt-*,anthropic/*"')
    .option('--json', 'print JSON')
    .action(
      async (
        opts: OwnerOptions & {
          name: string;
          environment: string;
          budget?: number;
          rpm?: number;
          models?: string;
          json?: boolean;
        },
      ) => {
        await deps.withSystem(async (system) => {
          const created = await system.manager.createGatewayToken(
            {
              ...ownerOf(opts),
              name: opts.name,
              environment: opts.environment as 'production',
              ...(opts.budget !== undefined ? { monthlyBudgetUsd: opts.budget } : {}),
              ...(opts.rpm !== undefined ? { requestsPerMinute: opts.rpm } : {}),
              ...(opts.models ? { allowedModels: opts.models.split(',').map((m) => m.trim()) } : {}),
            },
            CONTEXT,
          );
          if (opts.json) deps.out(JSON.stringify({ id: created.id, token: created.token }));
          else {
            deps.out(`Created ${created.id}. The token (shown this once):`);
            deps.out(created.token);
          }
        });
      },
    );
  tokens
    .command('list')
    .description('List tokens with their requests and cost this month (never the tokens themselves)')
    .option('--user <id>')
    .option('--workspace <id>')
    .option('--json', 'print JSON')
    .action(async (opts: OwnerOptions & { json?: boolean }) => {
      await deps.withSystem(async (system) => {
        const list = await system.manager.listGatewayTokens(ownerOf(opts));
        if (opts.json) deps.out(JSON.stringify(list));
        else {
          for (const { usage, ...token } of list) {
            deps.out(`${line(token)}\t${usage.requests} requests, $${usage.costUsd} in ${usage.month}`);
          }
        }
      });
    });
  tokens
    .command('revoke <id>')
    .description('Revoke a token for good')
    .option('--user <id>')
    .option('--workspace <id>')
    .action(async (id: string, opts: OwnerOptions) => {
      await deps.withSystem(async (system) => {
        const token = await system.manager.revokeGatewayToken(id, ownerOf(opts), CONTEXT);
        deps.out(`Revoked ${token.id} (${token.hint})`);
      });
    });
}
