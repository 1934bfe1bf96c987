// The conventional way to write this HTTP function, for the bench to compare against: the SDK everyone reaches
// for (@alicloud/pop-core's RPCClient) and ajv + ajv-formats compiling the plan's JSON Schema when the module
// loads. Same work per request as the project's HTTP function: parse the FC event, validate the plan,
// DescribeCasterConfig for the studio's CallbackUrl / DomainName / SideOutputUrl, then AddCasterEpisodeGroup by
// POST with a ClientToken. No pacing and no retries: pop-core has neither, and a hand-written handler rarely adds
// them. It is a benchmark baseline, not production code.
//
// Environment: LIVE_ENDPOINT (e.g. the emulator's URL), LIVE_REGION_ID (default cn-shanghai), CASTER_ID.
const crypto = require('node:crypto');
const { RPCClient } = require('@alicloud/pop-core');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');
const planSchema = require('../../shared/src/plan/plan.schema.json');

// Compiled at load: the usual place, and the cost every cold start pays.
const ajv = new Ajv({ allErrors: true });
addFormats(ajv);
const validatePlan = ajv.compile(planSchema);

const API_VERSION = '2016-11-01';
const ENDPOINT = process.env.LIVE_ENDPOINT || 'https://live.aliyuncs.com';
const REGION_ID = process.env.LIVE_REGION_ID || 'cn-shanghai';

function respond(statusCode, body) {
  return { statusCode, headers: { 'content-type': 'application/json' }, isBase64Encoded: false, body: JSON.stringify(body) };
}

function header(headers, name) {
  const key = Object.keys(headers || {}).find((candidate) => candidate.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

exports.handler = async function handler(event, context) {
  const request = JSON.parse(event.toString());
  if (request.requestContext.http.method !== 'POST') return respond(405, { Code: 'MethodNotAllowed' });
  let plan;
  try {
    plan = JSON.parse(request.isBase64Encoded ? Buffer.from(request.body, 'base64').toString('utf8') : request.body);
  } catch {
    return respond(400, { Code: 'InvalidJson' });
  }
  if (!validatePlan(plan)) {
    return respond(400, { Code: 'InvalidPlan', Errors: validatePlan.errors.map((error) => `${error.instancePath} ${error.message}`) });
  }

  // STS credentials arrive per invocation, so the client is built per invocation.
  const { accessKeyId, accessKeySecret, securityToken } = context.credentials;
  const client = new RPCClient({ accessKeyId, accessKeySecret, securityToken, endpoint: ENDPOINT, apiVersion: API_VERSION });
  try {
    const casterId = plan.CasterId || process.env.CASTER_ID;
    const config = await client.request(
      'DescribeCasterConfig',
      { RegionId: REGION_ID, CasterId: casterId },
      { method: 'POST', timeout: 10000 },
    );
    const params = {
      RegionId: REGION_ID,
      CallbackUrl: plan.CallbackUrl || config.CallbackUrl,
      DomainName: plan.DomainName || config.DomainName,
      StartTime: plan.StartTime,
      RepeatNum: String(plan.RepeatNum),
      ClientToken: header(request.headers, 'idempotency-key') || plan.ClientToken || crypto.randomUUID(),
    };
    const sideOutputUrl = plan.SideOutputUrl || config.SideOutputUrl;
    if (sideOutputUrl) params.SideOutputUrl = sideOutputUrl;
    plan.Items.forEach((item, index) => {
      params[`Item.${index + 1}.ItemName`] = item.ItemName;
      params[`Item.${index + 1}.VodUrl`] = item.VodUrl;
    });
    const result = await client.request('AddCasterEpisodeGroup', params, { method: 'POST', timeout: 10000 });
    const itemIds = result.ItemIds?.ItemId ? result.ItemIds.ItemId : result.ItemIds;
    return respond(201, { ProgramId: result.ProgramId, ItemIds: itemIds, RequestId: result.RequestId, ClientToken: params.ClientToken });
  } catch (error) {
    // pop-core's message embeds the signed URL (SecurityToken included): answer with the code only.
    return respond(502, { Code: error.code || error.name || 'Error' });
  }
};
