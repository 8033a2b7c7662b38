import path from 'node:path';
import { PROJECT_ROOT } from '../../config/config';

/** The project's migrations folder. */
export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'migrations');
