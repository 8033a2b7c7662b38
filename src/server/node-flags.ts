/**
 * Node/V8 flags of the API process, given on its command line (`npm start` in
 * package.json; the serve bench's API child in bench/serve.ts): V8 sizes its heap when
 * the process starts, so these cannot be set from inside it.
 *
 * `--max-semi-space-size=64` (MB; V8's default tops out at 16 on 64-bit): a request's
 * garbage (Bolt records decoded into objects, embedding lists, GraphQL results) is
 * short-lived, and a small young generation fills every few requests, so each scavenge
 * copies the live objects of the requests in flight and promotes those that survive two
 * scavenges into the old generation, which a full mark-compact then has to collect. The
 * garbage collector was 17% of the API's CPU in the serve bench's profile. With the flag,
 * reads at 7 req/s on the 100k world used 12.1 / 12.2 s of API CPU against 14.7 / 15.5 s
 * without (alternating runs, three rounds each, bench/README.md); the cost is at most
 * ~150 MB more resident memory (two 64 MB semi-spaces and the new-space overhead).
 */
export const API_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
