import { auditStore } from '../store/audit-store.js';
import type { SqlClient } from '../store/types.js';
import { type AuditSigner, addToChainSet, EMPTY_CHAIN_SET, type MacCheck } from './audit-keys.js';
import { entryPayload, headPayload, headState, legacyHash, statePayload } from './audit-rows.js';
import { canonicalJson } from './canonical-json.js';
import type { AuditCheckpoint, AuditProblem, AuditVerification } from './types.js';

const PAGE = 1000;

export function checkpointPayload(checkpoint: Omit<AuditCheckpoint, 'mac'>): string {
  return canonicalJson({
    kind: 'byok/audit-checkpoint/v1',
    format: checkpoint.format,
    createdAt: checkpoint.createdAt,
    keyId: checkpoint.keyId,
    chains: checkpoint.chains,
    heads: checkpoint.heads.map((h) => [h.chain, h.seq, h.hash]),
  });
}

const sealProblem = (check: MacCheck, chain: string | null, what: string): AuditProblem | null => {
  if (check === 'ok') return null;
  if (check === 'unknown-key')
    return {
      reason: 'unknown-key',
      chain,
      message: `${what} is sealed under a master key this process does not hold`,
    };
  return null;
};

/**
 * Reads the whole log and reports every problem: each entry is checked against its MAC (or, before
 * the legacy boundary, its SHA-256 link), each head against its seal, the set of chains against the
 * sealed global state, and, given a checkpoint, every chain against the head it recorded.
 */
export async function verifyAudit(
  db: SqlClient,
  signer: AuditSigner,
  checkpoint?: AuditCheckpoint,
): Promise<AuditVerification> {
  const problems: AuditProblem[] = [];
  let checked = 0;
  let legacyEntries = 0;

  const heads = await auditStore.heads(db);
  const state = await auditStore.state(db);
  if (!state) {
    if (heads.length > 0) {
      problems.push({
        reason: 'state-missing',
        chain: null,
        message: 'the sealed audit state row is missing',
      });
    }
  } else {
    const payload = statePayload({
      chains: Number(state.chains),
      chainSet: state.chain_set,
      rebuilt: state.rebuilt,
    });
    const check = signer.check(state.seal_key, payload, state.seal);
    if (check !== 'ok') {
      problems.push(
        sealProblem(check, null, 'the audit state') ?? {
          reason: 'state-seal',
          chain: null,
          message: 'the audit state does not match its seal',
        },
      );
    } else {
      const set = heads.reduce((acc, head) => addToChainSet(acc, head.chain), EMPTY_CHAIN_SET);
      if (Number(state.chains) !== heads.length || state.chain_set !== set) {
        problems.push({
          reason: 'state-mismatch',
          chain: null,
          message: `the sealed audit state counts ${state.chains} chain(s), ${heads.length} exist: a chain was deleted or added`,
        });
      }
      if (state.rebuilt) {
        problems.push({
          reason: 'state-rebuilt',
          chain: null,
          message:
            'the audit state was rebuilt after it went missing: chains deleted before then are not detectable',
        });
      }
    }
  }

  const orphans = await auditStore.orphans(db);
  for (const orphan of orphans) {
    problems.push({
      reason: 'chain-without-head',
      chain: orphan.chain,
      seq: Number(orphan.seq),
      id: orphan.id,
      message: 'entry of a chain that has no head',
    });
  }

  const wanted = new Map<string, { seq: number; hash: string }>();
  let checkpointOk = false;
  if (checkpoint) {
    const { mac, ...rest } = checkpoint;
    const check =
      checkpoint.format === 'byok-audit-checkpoint/v1' && Array.isArray(checkpoint.heads)
        ? signer.check(checkpoint.keyId, checkpointPayload(rest), mac)
        : 'bad';
    if (check === 'ok') {
      checkpointOk = true;
      for (const head of checkpoint.heads) wanted.set(head.chain, { seq: head.seq, hash: head.hash });
    } else {
      problems.push({
        reason: 'checkpoint-invalid',
        chain: null,
        message:
          check === 'unknown-key'
            ? `the checkpoint is sealed under master key ${checkpoint.keyId}, which this process does not hold`
            : 'the checkpoint does not match its seal: it was edited or made under another key',
      });
    }
  }

  for (const headRow of heads) {
    const head = headState(headRow);
    const chain = head.chain;
    if (headRow.seal === null) {
      problems.push({ reason: 'head-unsealed', chain, message: 'chain head has no seal' });
    } else {
      const check = signer.check(headRow.seal_key, headPayload(head), headRow.seal);
      if (check !== 'ok') {
        problems.push(
          sealProblem(check, chain, 'the chain head') ?? {
            reason: 'head-seal',
            chain,
            message: 'chain head does not match its seal (edited, rewound, or its anchor moved)',
          },
        );
      }
    }
    // An unsealed head of a never-upgraded chain: everything it holds is legacy.
    const legacySeq = head.legacySeq ?? head.seq;
    const target = wanted.get(chain);
    let hashAtTarget: string | undefined =
      target && target.seq === head.anchorSeq ? head.anchorHash : undefined;

    const early = await auditStore.chainPrefix(db, chain, head.anchorSeq);
    for (const row of early) {
      problems.push({
        reason: 'unexpected-entry',
        chain,
        seq: Number(row.seq),
        id: row.id,
        message: 'entry at or before the retention anchor (inserted, or left behind by an edited purge)',
      });
    }

    let prev = head.anchorHash;
    let expected = head.anchorSeq + 1;
    let after = head.anchorSeq;
    for (;;) {
      const rows = await auditStore.chainPage(db, chain, after, PAGE);
      for (const row of rows) {
        checked += 1;
        const seq = Number(row.seq);
        const id = String(row.id);
        if (seq > expected) {
          problems.push({
            reason: 'missing',
            chain,
            seq: expected,
            toSeq: seq - 1,
            message:
              seq - 1 === expected
                ? `entry ${expected} is missing`
                : `entries ${expected}-${seq - 1} are missing`,
          });
        }
        if (seq > head.seq) {
          problems.push({ reason: 'unexpected-entry', chain, seq, id, message: 'entry past the chain head' });
        }
        if (seq <= legacySeq) {
          legacyEntries += 1;
          if (row.mac_key !== null || row.prev_hash !== prev || legacyHash(prev, row) !== row.hash) {
            problems.push({
              reason: 'legacy-hash',
              chain,
              seq,
              id,
              message: 'legacy entry does not match its SHA-256 link',
            });
          }
        } else if (row.mac_key === null) {
          problems.push({ reason: 'entry-unsealed', chain, seq, id, message: 'entry has no MAC' });
        } else {
          const check = signer.check(row.mac_key, entryPayload(prev, row), row.hash);
          if (check === 'unknown-key') {
            problems.push({
              reason: 'unknown-key',
              chain,
              seq,
              id,
              message: `entry MAC made under master key ${row.mac_key}, not held`,
            });
          } else if (check === 'bad' || row.prev_hash !== prev) {
            problems.push({
              reason: 'entry-mac',
              chain,
              seq,
              id,
              message: 'entry does not match its MAC (edited, forged, or what came before it changed)',
            });
          }
        }
        if (target && seq === target.seq) hashAtTarget = row.hash;
        prev = row.hash;
        expected = seq + 1;
      }
      if (rows.length < PAGE) break;
      after = Number(rows.at(-1)?.seq);
    }
    const last = expected - 1;
    if (last < head.seq) {
      problems.push({
        reason: 'missing',
        chain,
        seq: last + 1,
        toSeq: head.seq,
        message: `the chain ends at ${last}, its head says ${head.seq}: newest entries deleted`,
      });
    } else if (last === head.seq && prev !== head.hash) {
      problems.push({
        reason: 'head-mismatch',
        chain,
        seq: last,
        message: 'chain head does not point at the newest entry',
      });
    }

    if (target) {
      wanted.delete(chain);
      if (head.seq < target.seq) {
        problems.push({
          reason: 'checkpoint-rewound',
          chain,
          seq: head.seq + 1,
          toSeq: target.seq,
          message: `the chain is shorter than at the checkpoint (${head.seq} < ${target.seq})`,
        });
      } else if (target.seq >= head.anchorSeq && hashAtTarget !== target.hash) {
        problems.push({
          reason: 'checkpoint-mismatch',
          chain,
          seq: target.seq,
          message: 'the entry at the checkpointed position is not the one the checkpoint recorded',
        });
      }
    }
  }
  for (const [chain, target] of wanted) {
    problems.push({
      reason: 'checkpoint-chain-missing',
      chain,
      seq: 1,
      toSeq: target.seq,
      message: `the chain existed at the checkpoint (${target.seq} entries) and is gone`,
    });
  }

  return {
    ok: problems.length === 0,
    checked,
    chains: heads.length,
    problems,
    legacyEntries,
    ...(checkpoint && checkpointOk ? { checkpointAt: checkpoint.createdAt } : {}),
  };
}
