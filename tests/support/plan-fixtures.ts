// The one builder of plans for every test: valid by default, unique per call, with an auth_key to prove redaction.

let planCounter = 0;
/**
 * A URL query secret in every sample plan, to prove it never reaches a log line. A type A signature timed after
 * the sample StartTime (1962000000 is 2032-03-05), so sample plans carry no expiry warning.
 */
export const SAMPLE_AUTH_KEY = '1962000000-0-0-0f1e2d3c4b5a69788796a5b4c3d2e1f0';

/** A valid plan, unique per call (so each gets its own ClientToken), with an auth_key in its VodUrl. */
export function samplePlan(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  planCounter += 1;
  return {
    StartTime: '2031-03-06T19:00:00Z',
    RepeatNum: 0,
    Items: [
      { ItemName: `Episode ${planCounter}-a`, VodUrl: `https://cdn.example.com/carousel/ep${planCounter}.mp4?auth_key=${SAMPLE_AUTH_KEY}` },
      { ItemName: `Episode ${planCounter}-b`, VodUrl: 'https://cdn.example.com/carousel/outro.flv' },
    ],
    ...overrides,
  };
}
