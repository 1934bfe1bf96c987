import { invalidParameter, missingParameter } from '../api-error';
import { addEpisodeGroup, type InputNames } from './episode-group';
import { requiredParam } from './parameters';
import type { Operation } from './types';

const NAMES: InputNames = {
  CallbackUrl: 'Content.CallbackUrl',
  DomainName: 'Content.DomainName',
  StartTime: 'Content.StartTime',
  RepeatNum: 'Content.RepeatNum',
  vodUrl: (index) => `Content.Items[${index}].VodUrl`,
};

function readItems(value: unknown): { ItemName: string; VodUrl: string }[] {
  if (value === undefined || value === null) throw missingParameter('Content.Items');
  if (!Array.isArray(value)) throw invalidParameter('Content.Items', 'It must be an array of {"ItemName", "VodUrl"} objects.');
  if (value.length === 0) throw missingParameter('Content.Items[0].ItemName');
  return value.map((item: unknown, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item))
      throw invalidParameter(`Content.Items[${index}]`, 'It must be an object with ItemName and VodUrl.');
    const record = item as Record<string, unknown>;
    return {
      ItemName: requiredParam(record, 'ItemName', `Content.Items[${index}].ItemName`),
      VodUrl: requiredParam(record, 'VodUrl', `Content.Items[${index}].VodUrl`),
    };
  });
}

/**
 * AddCasterEpisodeGroupContent: the same episode group as one JSON `Content` parameter
 * (`{CallbackUrl, DomainName, SideOutputUrl, StartTime, RepeatNum, Items: [{ItemName, VodUrl}]}`).
 * RepeatNum may be a JSON number or a string of digits (the doc sample uses a number).
 */
export const addCasterEpisodeGroupContent: Operation = {
  action: 'AddCasterEpisodeGroupContent',
  defaultQps: 4,
  run(context) {
    const clientToken = requiredParam(context.params, 'ClientToken');
    const contentText = requiredParam(context.params, 'Content');
    let parsed: unknown;
    try {
      parsed = JSON.parse(contentText);
    } catch {
      throw invalidParameter('Content', 'It must be a JSON object.');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw invalidParameter('Content', 'It must be a JSON object.');
    const content = parsed as Record<string, unknown>;

    const CallbackUrl = requiredParam(content, 'CallbackUrl', NAMES.CallbackUrl);
    const DomainName = requiredParam(content, 'DomainName', NAMES.DomainName);
    const StartTime = requiredParam(content, 'StartTime', NAMES.StartTime);
    const Items = readItems(content['Items']);
    const sideOutput = content['SideOutputUrl'];
    if (sideOutput !== undefined && sideOutput !== null && typeof sideOutput !== 'string')
      throw invalidParameter('Content.SideOutputUrl', 'It must be a string.');
    const SideOutputUrl = typeof sideOutput === 'string' ? sideOutput : '';
    // RepeatNum is checked (presence, type, value) with the other values.
    return addEpisodeGroup(
      context,
      clientToken,
      { CallbackUrl, DomainName, SideOutputUrl, StartTime, RepeatNum: content['RepeatNum'], Items },
      NAMES,
    );
  },
};
