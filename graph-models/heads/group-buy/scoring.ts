import type { GroupBuyFacts, PersonFacts } from '../../../src/graph/queries/group-buy-signals';
import { candidateRows, contextFeatures, pendingRows, stateAt, type GroupBuyState } from '../../../src/features/group-buy-features';
import type { GroupBuyHeadModel } from './head-model';

/**
 * One group buy scored at one instant: the path evaluation and the serving scorer
 * (src/ranking/group-buy-conversion.ts) share, so an offline figure is what serving returns.
 */
export interface GroupBuyScore {
  state: GroupBuyState;
  /** Calibrated P(fills by its deadline). Decided groups: 1 if FILLED, 0 if EXPIRED, CANCELLED or past the deadline. */
  probability: number;
  /** Join probabilities of `state.pending`, in order (empty when decided). */
  joinProbs: Float64Array;
  /** The "invitations still to come" term. */
  extra: number;
}

export function scoreAt(model: GroupBuyHeadModel, f: GroupBuyFacts, asOf: number): GroupBuyScore {
  const state = stateAt(f, asOf);
  if (state.decided !== null) return { state, probability: state.decided, joinProbs: new Float64Array(0), extra: 0 };
  const joinProbs = model.joinProbabilities(pendingRows(f, state, asOf));
  const extra = model.extraProbability(contextFeatures(f, asOf));
  return { state, probability: model.fillProbability(joinProbs, extra, state.need), joinProbs, extra };
}

export interface InviteSuggestion {
  person: PersonFacts;
  joinProbability: number;
  probabilityIfInvited: number;
  gain: number;
}

/**
 * Candidates ranked by how much inviting each (alone) raises the fill probability; ties by
 * join probability, then user id. Empty when the group buy is decided.
 */
export function rankInvitees(model: GroupBuyHeadModel, f: GroupBuyFacts, score: GroupBuyScore, candidates: readonly PersonFacts[], asOf: number): InviteSuggestion[] {
  if (score.state.decided !== null || candidates.length === 0) return [];
  const q = model.joinProbabilities(candidateRows(f, candidates, asOf));
  const ifInvited = model.fillProbabilityIfInvited(score.joinProbs, score.extra, score.state.need, q);
  return candidates
    .map((person, i) => ({ person, joinProbability: q[i]!, probabilityIfInvited: ifInvited[i]!, gain: ifInvited[i]! - score.probability }))
    .sort((a, b) => b.gain - a.gain || b.joinProbability - a.joinProbability || (a.person.userId < b.person.userId ? -1 : 1));
}
