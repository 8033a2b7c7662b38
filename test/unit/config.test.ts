import { loadConfig, ConfigError } from '../../src/config/config';

describe('loadConfig', () => {
  it('defaults to the embedded server on 127.0.0.1:7687 and API port 4000', () => {
    const cfg = loadConfig({});
    expect(cfg.neo4j.kind).toBe('embedded');
    expect(cfg.neo4j.uri).toBe('bolt://127.0.0.1:7687');
    expect(cfg.apiPort).toBe(4000);
    expect(cfg.nowOverrideMs).toBeUndefined();
  });

  it('uses an external server and starts nothing when NEO4J_URI is set', () => {
    const cfg = loadConfig({ NEO4J_URI: 'neo4j+s://x.databases.neo4j.io', NEO4J_PASSWORD: 'p' });
    expect(cfg.neo4j).toEqual({ kind: 'external', uri: 'neo4j+s://x.databases.neo4j.io', user: 'neo4j', password: 'p', database: 'neo4j' });
  });

  it('rejects a bad port and a bad clock override, echoing the value', () => {
    expect(() => loadConfig({ GIFTGRAPH_PORT: 'abc' })).toThrow(ConfigError);
    expect(() => loadConfig({ GIFTGRAPH_NOW: 'yesterday' })).toThrow(/GIFTGRAPH_NOW.*"yesterday"/);
  });

  it('pins the clock when GIFTGRAPH_NOW is set', () => {
    expect(loadConfig({ GIFTGRAPH_NOW: '2026-11-01T00:00:00Z' }).nowOverrideMs).toBe(Date.parse('2026-11-01T00:00:00Z'));
  });
});
