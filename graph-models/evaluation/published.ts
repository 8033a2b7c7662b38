/**
 * Published figures printed beside ours (from ../shared/datasets/README.md, which cites
 * the papers and the reproductions). Keyed by the dataset name the importer was given;
 * a dataset not listed here simply prints no published rows.
 */
export interface PublishedFigure {
  name: string;
  source: string;
  recall20: number;
  ndcg20: number;
}

export const PUBLISHED: Record<string, PublishedFigure[]> = {
  lastfm: [
    { name: 'SocialLGN (published)', source: 'SocialLGN, Information Sciences 2022', recall20: 0.2794, ndcg20: 0.2883 },
    { name: 'LightGCN (reference run)', source: 'plain PyTorch LightGCN, 3 layers, best of 1,490 epochs (datasets README)', recall20: 0.2756, ndcg20: 0.2728 },
    { name: 'MF-BPR (reference run)', source: 'plain PyTorch MF-BPR, best epoch 270 (datasets README)', recall20: 0.2112, ndcg20: 0.1989 },
    { name: 'most-popular (reference)', source: 'datasets README, same protocol', recall20: 0.1026, ndcg20: 0.0946 },
  ],
  gowalla: [
    { name: 'LightGCN (published)', source: 'LightGCN, SIGIR 2020 (corrected NDCG)', recall20: 0.183, ndcg20: 0.1554 },
    { name: 'NGCF (published)', source: 'LightGCN, SIGIR 2020', recall20: 0.157, ndcg20: 0.1327 },
    { name: 'most-popular (reference)', source: 'datasets README, same protocol', recall20: 0.0416, ndcg20: 0.0317 },
  ],
};
