import type { AuditLog, RequestContext } from '../audit/index.js';
import type { Owner } from '../crypto/index.js';
import { BYOKError, parseInput } from '../errors/index.js';
import { newId } from '../ids/index.js';
import { toOwner, withOwnerIds } from '../keys/owner.js';
import type { AlertsStore, StoredAlert, StoredDeliverySummary } from '../store/alerts-store.js';
import type { Database } from '../store/types.js';
import type { Channels } from './channels.js';
import { createAlertSchema as createSchema } from './schemas.js';
import { generateSigningSecret } from './signing.js';
import type { SigningSecrets } from './signing-secrets.js';
import type { AlertDelivery, CreatedUsageAlert, CreateUsageAlertInput, UsageAlert } from './types.js';

/** Alerts one owner may have: bounds the work each `recordUsage` does for them. */
export const MAX_ALERTS_PER_OWNER = 100;

export type OwnerSelector = string | { userId?: string; workspaceId?: string };

/** A short stable code for a failed attempt's error text: `HTTP_503`, a network code, `TIMEOUT`… */
function errorCode(attempt: StoredDeliverySummary['last']): string | null {
  if (!attempt || attempt.attempt.ok) return null;
  const { statusCode, error = '' } = attempt.attempt;
  if (attempt.channel === 'webhook' && statusCode !== undefined) return `HTTP_${statusCode}`;
  const network = /\(([A-Z][A-Z0-9_]+)\)$/.exec(error)?.[1];
  if (network) return network;
  if (/^(TimeoutError|AbortError)\b/.test(error)) return 'TIMEOUT';
  if (/^no \w+ destination/.test(error)) return 'NO_DESTINATION';
  if (/^no \w+ sender/.test(error)) return 'NO_SENDER';
  if (/^signing secret unavailable/.test(error)) return 'SIGNING_SECRET_UNAVAILABLE';
  if (/^destination is not/.test(error) || /^DestinationRefusedError\b/.test(error))
    return 'DESTINATION_REFUSED';
  const prefix = /^([A-Z][A-Z0-9_]+):/.exec(error)?.[1];
  if (prefix) return prefix;
  return statusCode !== undefined ? `SMTP_${statusCode}` : 'DELIVERY_FAILED';
}

function toDelivery(summary: StoredDeliverySummary | undefined): AlertDelivery | null {
  const last = summary?.last;
  if (!last) return null;
  return {
    at: new Date(last.attempt.at),
    channel: last.channel,
    status: last.attempt.ok ? 'delivered' : last.status === 'sending' ? 'retrying' : 'failed',
    statusCode: last.attempt.statusCode ?? null,
    errorCode: errorCode(last),
  };
}

function toUsageAlert(
  alert: StoredAlert,
  channelProblems: string[],
  delivery?: StoredDeliverySummary,
): UsageAlert {
  return {
    id: alert.id,
    ...withOwnerIds(alert.owner),
    alertType: alert.alertType,
    thresholdValue: alert.thresholdValue,
    thresholdPeriod: alert.thresholdPeriod,
    notificationChannels: alert.notificationChannels,
    webhookUrl: alert.webhookUrl,
    email: alert.email,
    channelProblems,
    undeliveredNotifications: delivery?.undelivered ?? 0,
    lastDelivery: toDelivery(delivery),
    hasSigningSecret: alert.signingSecret !== null,
    signingSecretRotatedAt: alert.signingSecretRotatedAt,
    lastFiredPeriod: alert.lastFiredPeriod,
    lastFiredAt: alert.lastFiredAt,
    createdAt: alert.createdAt,
  };
}

export interface AlertRulesOptions {
  db: Database;
  store: AlertsStore;
  audit: Pick<AuditLog, 'append'>;
  channels: Channels;
  /** Absent: alerts get no secret of their own (the global secret signs their webhooks). */
  secrets: SigningSecrets | undefined;
}

/** Creating, listing, deleting usage alerts and rotating their signing secrets; every change audited in its transaction. */
export class AlertRules {
  readonly #o: AlertRulesOptions;

  constructor(options: AlertRulesOptions) {
    this.#o = options;
  }

  async create(input: CreateUsageAlertInput, context?: RequestContext): Promise<CreatedUsageAlert> {
    const alert = parseInput(createSchema, input, 'usage alert');
    const owner = toOwner(alert);
    const { db, store, secrets } = this.#o;
    const id = newId('alert');
    const signingSecret = secrets ? generateSigningSecret() : null;
    const stored = await db.transaction(async (tx) => {
      if ((await store.countByOwner(tx, owner)) >= MAX_ALERTS_PER_OWNER) {
        throw new BYOKError('CONFLICT', `An owner can have at most ${MAX_ALERTS_PER_OWNER} usage alerts`);
      }
      const sealed = secrets && signingSecret ? await secrets.seal(tx, id, owner, signingSecret) : null;
      const row = await store.insert(tx, {
        id,
        owner,
        alertType: alert.alertType,
        thresholdValue: alert.thresholdValue,
        thresholdPeriod: alert.thresholdPeriod,
        notificationChannels: alert.notificationChannels,
        webhookUrl: alert.webhookUrl ?? null,
        email: alert.email ?? null,
        signingSecret: sealed,
      });
      // Destinations stay out of the audit log (a webhook URL can carry a token), and so does the secret.
      await this.#audit(tx, 'alert.created', id, owner, context, {
        alertType: alert.alertType,
        thresholdValue: alert.thresholdValue,
        thresholdPeriod: alert.thresholdPeriod,
        notificationChannels: alert.notificationChannels,
      });
      return row;
    });
    const userEmail = await store.userEmail(db, owner);
    return { ...toUsageAlert(stored, this.#o.channels.problems(stored, userEmail)), signingSecret };
  }

  list(selector: OwnerSelector): Promise<UsageAlert[]> {
    return this.#listOf(toOwner(selector));
  }

  async #listOf(owner: Owner): Promise<UsageAlert[]> {
    const rows = await this.#o.store.listByOwner(owner);
    const userEmail = rows.length > 0 ? await this.#o.store.userEmail(this.#o.db, owner) : null;
    return rows.map(({ alert, delivery }) =>
      toUsageAlert(alert, this.#o.channels.problems(alert, userEmail), delivery),
    );
  }

  async delete(alertId: string, selector: OwnerSelector, context?: RequestContext): Promise<void> {
    const owner = toOwner(selector);
    await this.#o.db.transaction(async (tx) => {
      const row = await this.#o.store.deleteById(tx, alertId, owner);
      if (!row) throw notFound(alertId);
      await this.#audit(tx, 'alert.deleted', alertId, owner, context, {
        alertType: row.alertType,
        thresholdPeriod: row.thresholdPeriod,
      });
    });
  }

  /** See `AlertService.rotateSigningSecret`. */
  async rotate(
    alertId: string,
    selector: OwnerSelector,
    context?: RequestContext,
  ): Promise<{ alert: UsageAlert; signingSecret: string }> {
    const owner: Owner = toOwner(selector);
    const { db, store, secrets } = this.#o;
    if (!secrets) {
      throw new BYOKError('ENCRYPTION_NOT_CONFIGURED', 'Alert signing secrets need the encryption service');
    }
    const signingSecret = generateSigningSecret();
    const at = new Date();
    await db.transaction(async (tx) => {
      const sealed = await secrets.seal(tx, alertId, owner, signingSecret);
      if (!(await store.setSigningSecret(tx, alertId, owner, sealed, at))) throw notFound(alertId);
      await this.#audit(tx, 'alert.signing_secret_rotated', alertId, owner, context, {});
    });
    const alert = (await this.#listOf(owner)).find((a) => a.id === alertId);
    if (!alert) throw notFound(alertId);
    return { alert, signingSecret };
  }

  #audit(
    tx: Parameters<AuditLog['append']>[0],
    action: 'alert.created' | 'alert.deleted' | 'alert.signing_secret_rotated',
    alertId: string,
    owner: Owner,
    context: RequestContext | undefined,
    details: Record<string, unknown>,
  ): Promise<void> {
    return this.#o.audit.append(tx, {
      action,
      targetType: 'alert',
      targetId: alertId,
      owner,
      ...(context ? { context } : {}),
      details,
    });
  }
}

const notFound = (alertId: string): BYOKError =>
  new BYOKError('NOT_FOUND', `Usage alert ${alertId} not found`, { details: { alertId } });
