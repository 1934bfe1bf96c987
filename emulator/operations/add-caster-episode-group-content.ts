import { invalidParameter, missingParameter } from '../api-error';
import { checkClientToken, checkEpisodeGroupInput, createEpisodeGroup, parseRepeatNum, type InputNames } from './episode-group';
import { requiredParam } from './parameters';
import type { Operation } from './types';

const NAMES: InputNames = {
  CallbackUrl: 'Content.CallbackUrl',
  DomainName: 'Content.DomainName',
  StartTime: 'Content.StartTime',
  RepeatNum: 'Content.RepeatNum',
  vodUrl: (index) => `Content.Items[${index}].VodUrl`,
};

function requiredString(content: Record<string, unknown>, field: string, name: string): string {
  const value = content[field];
  if (value === undefined || value === null || value === '') throw missingParameter(name);
  if (typeof value !== 'string') throw invalidParameter(name, 'It must be a string.');
  return value;
}

function readItems(value: unknown): { ItemName: string; VodUrl: string }[] {
  if (value === undefined || value === null) throw missingParameter('Content.Items');
  if (!Array.isArray(value)) throw invalidParameter('Content.Items', 'It must be an array of {"ItemName", "VodUrl"} objects.');
  if (value.length === 0) throw missingParameter('Content.Items[0].ItemName');
  return value.map((item: unknown, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw invalidParameter(`Content.Items[${index}]`, 'It must be an object with ItemName and VodUrl.');
    const record = item as Record<string, unknown>;
    return {
      ItemName: requiredString(record, 'ItemName', `Content.Items[${index}].ItemName`),
      VodUrl: requiredString(record, 'VodUrl', `Content.Items[${index}].VodUrl`),
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
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidParameter('Content', 'It must be a JSON object.');
    const content = parsed as Record<string, unknown>;

    const CallbackUrl = requiredString(content, 'CallbackUrl', 'Content.CallbackUrl');
    const DomainName = requiredString(content, 'DomainName', 'Content.DomainName');
    const repeatNumValue = content['RepeatNum'];
    if (repeatNumValue === undefined || repeatNumValue === null || repeatNumValue === '') throw missingParameter('Content.RepeatNum');
    if (typeof repeatNumValue !== 'number' && typeof repeatNumValue !== 'string') throw invalidParameter('Content.RepeatNum', 'It must be an integer.');
    const StartTime = requiredString(content, 'StartTime', 'Content.StartTime');
    const Items = readItems(content['Items']);
    const sideOutput = content['SideOutputUrl'];
    if (sideOutput !== undefined && sideOutput !== null && typeof sideOutput !== 'string') throw invalidParameter('Content.SideOutputUrl', 'It must be a string.');
    const SideOutputUrl = typeof sideOutput === 'string' ? sideOutput : '';

    checkClientToken(clientToken);
    const input = { CallbackUrl, DomainName, SideOutputUrl, StartTime, RepeatNum: parseRepeatNum(repeatNumValue, 'Content.RepeatNum'), Items };
    checkEpisodeGroupInput(input, NAMES);
    return createEpisodeGroup(context, clientToken, input, NAMES);
  },
};
