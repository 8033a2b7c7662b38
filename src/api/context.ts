import type { ExplorerService } from '../services/explorer-service';
import type { RecommendationService } from '../services/recommendation-service';
import type { GroupBuyService } from '../services/group-buy-service';
import type { GiftService } from '../services/gift-service';
import type { ModelAdminService } from '../services/model-admin-service';
import type { CatalogMutations } from '../services/mutations/catalog-mutations';
import type { GroupBuyMutations } from '../services/mutations/group-buy-mutations';
import type { ShopMutations } from '../services/mutations/shop-mutations';
import type { TrackingMutations } from '../services/mutations/tracking-mutations';
import type { Loaders } from './loaders';

/** Long-lived services the resolvers call (built once by the composition root). */
export interface Services {
  explorer: ExplorerService;
  recommendations: RecommendationService;
  groupBuys: GroupBuyService;
  gifts: GiftService;
  models: ModelAdminService;
  shop: ShopMutations;
  groupBuyWrites: GroupBuyMutations;
  catalog: CatalogMutations;
  tracking: TrackingMutations;
}

/** Per-request context: fresh loaders, the services, and who is acting. */
export interface ApiContext {
  loaders: Loaders;
  services: Services;
  /**
   * The acting user's scoped id, from the `x-giftgraph-user` header for now; a later
   * issue adds authentication and binds mutations' userId to it.
   */
  actingUserId: string | null;
  requestId: string;
}
