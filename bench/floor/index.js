// The floor for bench/cold-start.mjs: the least an HTTP function can do for the same work, to tell what the layer
// costs above what cannot be avoided. It loads only Node's http, https and crypto, and makes the same two calls as
// the project's functions, in the same places: DescribeCasterConfig in the initializer, one AddCasterEpisodeGroup
// (signed RPC V1, by POST, the STS keys from context.credentials) per request. No validation, pacing, retries,
// ledger or logging: not production code, only a lower bound.
//
// Environment: LIVE_ENDPOINT (e.g. the emulator's URL), LIVE_REGION_ID (default cn-shanghai), CASTER_ID.
const crypto = require('node:crypto');
const http = require('node:http');
const https = require('node:https');

const ENDPOINT = new URL(process.env.LIVE_ENDPOINT || 'https://live.aliyuncs.com');
const REGION_ID = process.env.LIVE_REGION_ID || 'cn-shanghai';
let studio;

const encode = (text) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function call(action, params, credentials) {
  const all = {
    Format: 'JSON',
    Version: '2016-11-01',
    AccessKeyId: credentials.accessKeyId,
    SignatureMethod: 'HMAC-SHA1',
    Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    SignatureVersion: '1.0',
    SignatureNonce: crypto.randomUUID(),
    Action: action,
    RegionId: REGION_ID,
    ...(credentials.securityToken ? { SecurityToken: credentials.securityToken } : {}),
    ...params,
  };
  const query = Object.keys(all)
    .sort()
    .map((name) => `${encode(name)}=${encode(all[name])}`)
    .join('&');
  const signature = crypto
    .createHmac('sha1', `${credentials.accessKeySecret}&`)
    .update(`POST&%2F&${encode(query)}`)
    .digest('base64');
  const body = `${query}&Signature=${encode(signature)}`;
  const transport = ENDPOINT.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(
      ENDPOINT,
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () =>
          response.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(`${action}: ${response.statusCode}`)),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

exports.initialize = async function initialize(context) {
  studio = await call('DescribeCasterConfig', { CasterId: process.env.CASTER_ID }, context.credentials);
};

exports.handler = async function handler(event, context) {
  const request = JSON.parse(event.toString());
  const plan = JSON.parse(request.isBase64Encoded ? Buffer.from(request.body, 'base64').toString('utf8') : request.body);
  const params = {
    CallbackUrl: plan.CallbackUrl || studio.CallbackUrl,
    DomainName: plan.DomainName || studio.DomainName,
    StartTime: plan.StartTime,
    RepeatNum: String(plan.RepeatNum),
    ClientToken: request.headers?.['Idempotency-Key'] || crypto.randomUUID(),
  };
  if (studio.SideOutputUrl) params.SideOutputUrl = studio.SideOutputUrl;
  plan.Items.forEach((item, index) => {
    params[`Item.${index + 1}.ItemName`] = item.ItemName;
    params[`Item.${index + 1}.VodUrl`] = item.VodUrl;
  });
  const result = await call('AddCasterEpisodeGroup', params, context.credentials);
  return {
    statusCode: 201,
    headers: { 'content-type': 'application/json' },
    isBase64Encoded: false,
    body: JSON.stringify({
      ProgramId: result.ProgramId,
      ItemIds: result.ItemIds,
      RequestId: result.RequestId,
      ClientToken: params.ClientToken,
    }),
  };
};
