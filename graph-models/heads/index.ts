import type { GraphClient } from '../../src/graph/graph-client';
import type { Logger } from '../../src/logging/logger';
import { trainGiftRecipient } from './gift-recipient/train';
import { trainGroupBuy } from './group-buy/trainer';
import { trainSquad } from './squad/train';

/**
 * Ranking heads: small TF.js models on top of the graph (gift recipient, group-buy
 * conversion, …), each trained by `npm run train -- --model <head>` and saved as a
 * versioned artifact (graph-models/artifacts/<head>/<version>/, manifest kind "head").
 * A head owns its flags: it receives the raw CLI arguments after --model.
 */
export interface HeadTrainContext {
  graph: GraphClient;
  /** The CLI arguments (everything but `--model <head>`), for the head to parse. */
  argv: string[];
  /** Where the synthetic worlds' truth files live (only evaluation code reads them). */
  truthDir: string;
  /** Root of graph-models/artifacts. */
  artifactsDir: string;
  /** The TF backend in use (recorded in the manifest). */
  backend: string;
  /** `git rev-parse HEAD`, or null outside a checkout. */
  commit: string | null;
  /** The command line that reproduces this run. */
  command: string;
  logger: Logger;
}

export type HeadTrainer = (ctx: HeadTrainContext) => Promise<void>;

/** Head name (the `--model` value and artifact folder) -> its trainer. */
export const HEAD_TRAINERS: Record<string, HeadTrainer> = {
  'gift-recipient': trainGiftRecipient,
  'group-buy': trainGroupBuy,
  squad: trainSquad,
};
