/**
 * Imports every query module so that each one's statements are registered (the EXPLAIN
 * test plans all of them). Add new query modules here.
 */
import './export';
import './friend-graph';
import './fingerprint';
import './items';
import './neighborhood';
import './embeddings';
import './models';
import './squad-writes';
import './stats';
import './users';
export { registeredQueries } from './query';
