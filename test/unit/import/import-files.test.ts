import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { importedCounts } from '../../../src/ingest/bulk/admin-import';
import { writeImportFiles } from '../../../src/ingest/bulk/import-files';
import { countRelationships } from '../../../src/ingest/graph-shape';
import { tinyRows } from '../../support/tiny-rows';
import { tempDir } from './tmp-files';

describe('bulk import files (the offline importer\'s CSV input)', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  let n = 0;
  const write = (rows = tinyRows()) => writeImportFiles(rows, { dir: `${tmp.dir}/${n++}`, dataset: 'ds', importRun: 'run1' });
  const lines = (file: string) => readFileSync(file, 'utf8').trimEnd().split('\n');

  it('writes one node file per label and the relationships the loader would, with typed headers', () => {
    const rows = tinyRows();
    const f = write(rows);
    expect(f.nodes.map(([label]) => label)).toEqual(['Publisher', 'Game', 'Guild', 'User', 'Item', 'Occasion', 'Squad', 'Campaign', 'GroupBuy', 'Gift', 'Impression', 'Click']);
    expect(f.nodeCount).toBe(rows.publishers.length + rows.games.length + rows.guilds.length + rows.users.length + rows.items.length + rows.occasions.length + rows.squads.length + rows.campaigns.length + rows.groupBuys.length + rows.gifts.length + rows.impressions.length + rows.clicks.length);
    expect(f.relationshipCount).toBe(countRelationships(rows));
    const items = lines(f.nodes.find(([l]) => l === 'Item')![1]);
    expect(items[0]).toBe('id:ID(Item),dataset,importRun,name,catalog,type,price:double,currency,rarity,gameId,publisherId,dropAt:double,forSale:boolean,giftable:boolean,consumable:boolean,attrs');
    expect(items).toHaveLength(1 + rows.items.length);
    expect(f.multilineFields).toBe(false);
    const purchased = f.relationships.find(([t]) => t === 'PURCHASED')!;
    expect(basename(purchased[1])).toMatch(/PURCHASED\.csv$/);
    expect(lines(purchased[1])[0]).toBe(':START_ID(User),:END_ID(Item),id,at:double,surface,pricePaid:double,discount:double,campaignId');
    // OF_ITEM starts at gifts, impressions and clicks: one file each, each with its own id space.
    expect(f.relationships.filter(([t]) => t === 'OF_ITEM').map(([, file]) => lines(file)[0]!.split(',')[0])).toEqual([':START_ID(Gift)', ':START_ID(Impression)', ':START_ID(Click)']);
  });

  it('stamps dataset and import run on every node, leaves null fields empty and quotes strings', () => {
    const rows = tinyRows();
    rows.users[0]!.name = 'Ann "the, first"\nof her name';
    rows.users[1]!.birthday = null;
    const f = write(rows);
    const users = readFileSync(f.nodes.find(([l]) => l === 'User')![1], 'utf8');
    expect(users).toContain('"u0","ds","run1","Ann ""the, first""\nof her name",');
    expect(users).toMatch(/^"u1","ds","run1","User 1",[0-9]+,$/m);
    // A field spanning lines: the importer is told to read multi-line fields.
    expect(f.multilineFields).toBe(true);
    const items = lines(f.nodes.find(([l]) => l === 'Item')![1]);
    // i0 has no rarity, game or attributes; i1 carries its attributes as JSON.
    expect(items[1]).toBe(`"i0","ds","run1","Nitro Boost","1P","BOOST",499,"USD",,,"p0",${rows.items[0]!.dropAt},true,true,false,`);
    expect(items[2]).toContain('"{""platform"":""pc""}"');
  });

  it('refuses a relationship that names a node the rows do not have (IMPORT_INVALID), naming it', () => {
    const rows = tinyRows();
    rows.purchases.push({ ...rows.purchases[0]!, id: 'pu9', itemId: 'nope' });
    expect(() => write(rows)).toThrow(expect.objectContaining({ code: 'IMPORT_INVALID', message: expect.stringContaining('Item "nope"') }));
  });

  it('refuses a column whose values mix types', () => {
    const rows = tinyRows();
    (rows.users[2] as unknown as { createdAt: unknown }).createdAt = 'yesterday';
    expect(() => write(rows)).toThrow(expect.objectContaining({ code: 'IMPORT_INVALID', message: expect.stringContaining('users.createdAt mixes double and string') }));
  });

  it('reads the importer\'s counts from its summary, and nothing from a failed run', () => {
    expect(importedCounts('...\nIMPORT DONE in 13s 301ms. \nImported:\n  177736 nodes\n  3087085 relationships\n  10403419 properties\n')).toEqual({ nodes: 177736, relationships: 3087085 });
    expect(importedCounts('WARNING Import failed.\nError importing csv file.')).toBeNull();
  });
});
