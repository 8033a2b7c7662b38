/**
 * The demo world's timeline ends here unless GIFTGRAPH_NOW says otherwise: a fixed cutoff
 * keeps `npm start` deterministic (same seed, same world, same data-snapshot hash as the
 * committed demo artifact, which a test checks).
 */
export const DEMO_CUTOFF_MS = Date.parse('2026-11-01T00:00:00Z');
