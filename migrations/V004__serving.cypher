// Serving: mutation idempotency records and the lookups attribution makes.

// One record per (dataset, acting user, idempotency key): the first result of a mutation,
// returned to every retry; a second writer of the same key fails on this constraint.
CREATE CONSTRAINT idempotency_key IF NOT EXISTS FOR (n:IdempotencyRecord) REQUIRE (n.dataset, n.userId, n.key) IS UNIQUE;
// Records are kept at least 24 h; the sweep deletes expired ones by this index.
CREATE INDEX idempotency_expiry IF NOT EXISTS FOR (n:IdempotencyRecord) ON (n.expiresAt);
// Clicks and purchases are attributed to the impression that carried their recommendation id.
CREATE INDEX impression_rec IF NOT EXISTS FOR (n:Impression) ON (n.dataset, n.recId);
// Group buys by initiator-independent lookups are by id; items by their game for "more for this game".
CREATE INDEX item_game IF NOT EXISTS FOR (n:Item) ON (n.dataset, n.gameId);
