// Per-dataset scans (statistics, exports, dataset reset) and import-run cleanup
// (a failed or killed import deletes the nodes tagged with its run id).

CREATE INDEX user_dataset IF NOT EXISTS FOR (n:User) ON (n.dataset);
CREATE INDEX item_dataset IF NOT EXISTS FOR (n:Item) ON (n.dataset);
CREATE INDEX game_dataset IF NOT EXISTS FOR (n:Game) ON (n.dataset);
CREATE INDEX publisher_dataset IF NOT EXISTS FOR (n:Publisher) ON (n.dataset);
CREATE INDEX guild_dataset IF NOT EXISTS FOR (n:Guild) ON (n.dataset);
CREATE INDEX squad_dataset IF NOT EXISTS FOR (n:Squad) ON (n.dataset);
CREATE INDEX occasion_dataset IF NOT EXISTS FOR (n:Occasion) ON (n.dataset);
CREATE INDEX campaign_dataset IF NOT EXISTS FOR (n:Campaign) ON (n.dataset);
CREATE INDEX group_buy_dataset IF NOT EXISTS FOR (n:GroupBuy) ON (n.dataset);
CREATE INDEX gift_dataset IF NOT EXISTS FOR (n:Gift) ON (n.dataset);
CREATE INDEX impression_dataset IF NOT EXISTS FOR (n:Impression) ON (n.dataset);
CREATE INDEX click_dataset IF NOT EXISTS FOR (n:Click) ON (n.dataset);

CREATE INDEX user_import_run IF NOT EXISTS FOR (n:User) ON (n.importRun);
CREATE INDEX item_import_run IF NOT EXISTS FOR (n:Item) ON (n.importRun);
CREATE INDEX game_import_run IF NOT EXISTS FOR (n:Game) ON (n.importRun);
CREATE INDEX publisher_import_run IF NOT EXISTS FOR (n:Publisher) ON (n.importRun);
CREATE INDEX guild_import_run IF NOT EXISTS FOR (n:Guild) ON (n.importRun);
CREATE INDEX squad_import_run IF NOT EXISTS FOR (n:Squad) ON (n.importRun);
CREATE INDEX occasion_import_run IF NOT EXISTS FOR (n:Occasion) ON (n.importRun);
CREATE INDEX campaign_import_run IF NOT EXISTS FOR (n:Campaign) ON (n.importRun);
CREATE INDEX group_buy_import_run IF NOT EXISTS FOR (n:GroupBuy) ON (n.importRun);
CREATE INDEX gift_import_run IF NOT EXISTS FOR (n:Gift) ON (n.importRun);
CREATE INDEX impression_import_run IF NOT EXISTS FOR (n:Impression) ON (n.importRun);
CREATE INDEX click_import_run IF NOT EXISTS FOR (n:Click) ON (n.importRun);

// Group buys by status (open offers, expiry sweeps).
CREATE INDEX group_buy_status IF NOT EXISTS FOR (n:GroupBuy) ON (n.dataset, n.status);
CREATE INDEX import_run_status IF NOT EXISTS FOR (n:ImportRun) ON (n.status);
