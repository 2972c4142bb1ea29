// `last` checkpoints written before the loop had hooks kept the best val loss and the early-stopping
// counters in the loop state; this reads them into the hooks' keys so such runs still resume exactly.
import { decodeJson, encodeJson } from './hooks/index.js';

interface LegacyLoopState {
  epoch: number;
  lossSum: number;
  lossCount: number;
  bestValLoss?: number;
  bestEpoch: number;
  stopRef: number;
  badEvals: number;
  history: { val_loss: number | null }[];
}

/** The metadata as the hooks read it: unchanged unless it is a pre-hooks resume point. */
export function upgradeLegacyState(metadata: Record<string, string>): Record<string, string> {
  if (!metadata.loop || Object.keys(metadata).some((k) => k.startsWith('hook/'))) return metadata;
  const old = decodeJson<LegacyLoopState>(metadata.loop);
  if (old.bestValLoss === undefined) return metadata;
  const { epoch, lossSum, lossCount, history, bestValLoss, bestEpoch, stopRef, badEvals } = old;
  const valLoss = [...history].reverse().find((h) => h.val_loss !== null)?.val_loss ?? null;
  return {
    ...metadata,
    loop: encodeJson({ epoch, lossSum, lossCount, history }),
    'hook/checkpoint': encodeJson({ bestValLoss, bestEpoch }),
    'hook/early_stopping': encodeJson({ stopRef, badEvals, bestValLoss, bestEpoch }),
    'hook/progress': encodeJson({ valLoss, bestValLoss, bestEpoch }),
  };
}
