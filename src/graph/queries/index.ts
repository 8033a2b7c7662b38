/**
 * Imports every query module so that each one's statements are registered (the EXPLAIN
 * test plans all of them). Add new query modules here.
 */
import './export';
import './friend-graph';
import './gift-signals';
import './group-buy-signals';
import './fingerprint';
import './items';
import './catalog-writes';
import './tracking-writes';
import './group-buy-writes';
import './commerce-writes';
import './idempotency';
import './retrieval';
import './neighborhood';
import './embeddings';
import './models';
import './squad-writes';
import './squad-signals';
import './stats';
import './subgraph';
import './users';
export { registeredQueries } from './query';
