// Uniqueness of every entity id, per dataset: the demo world and each imported dataset
// live side by side, so uniqueness is on (dataset, id). Each constraint also backs the
// composite index that serves every lookup by id.

CREATE CONSTRAINT user_id IF NOT EXISTS FOR (n:User) REQUIRE (n.dataset, n.id) IS UNIQUE;
CREATE CONSTRAINT item_id IF NOT EXISTS FOR (n:Item) REQUIRE (n.dataset, n.id) IS UNIQUE;
CREATE CONSTRAINT game_id IF NOT EXISTS FOR (n:Game) REQUIRE (n.dataset, n.id) IS UNIQUE;
CREATE CONSTRAINT publisher_id IF NOT EXISTS FOR (n:Publisher) REQUIRE (n.dataset, n.id) IS UNIQUE;
CREATE CONSTRAINT guild_id IF NOT EXISTS FOR (n:Guild) REQUIRE (n.dataset, n.id) IS UNIQUE;
CREATE CONSTRAINT squad_id IF NOT EXISTS FOR (n:Squad) REQUIRE (n.dataset, n.id) IS UNIQUE;
CREATE CONSTRAINT occasion_id IF NOT EXISTS FOR (n:Occasion) REQUIRE (n.dataset, n.id) IS UNIQUE;
CREATE CONSTRAINT campaign_id IF NOT EXISTS FOR (n:Campaign) REQUIRE (n.dataset, n.id) IS UNIQUE;
CREATE CONSTRAINT group_buy_id IF NOT EXISTS FOR (n:GroupBuy) REQUIRE (n.dataset, n.id) IS UNIQUE;
CREATE CONSTRAINT gift_id IF NOT EXISTS FOR (n:Gift) REQUIRE (n.dataset, n.id) IS UNIQUE;
CREATE CONSTRAINT impression_id IF NOT EXISTS FOR (n:Impression) REQUIRE (n.dataset, n.id) IS UNIQUE;
CREATE CONSTRAINT click_id IF NOT EXISTS FOR (n:Click) REQUIRE (n.dataset, n.id) IS UNIQUE;

// A gift's client idempotency key is unique per sender within a dataset.
CREATE CONSTRAINT gift_idempotency IF NOT EXISTS FOR (n:Gift) REQUIRE (n.dataset, n.senderId, n.idempotencyKey) IS UNIQUE;

// Bookkeeping nodes.
CREATE CONSTRAINT dataset_id IF NOT EXISTS FOR (n:Dataset) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT import_run_id IF NOT EXISTS FOR (n:ImportRun) REQUIRE n.id IS UNIQUE;
