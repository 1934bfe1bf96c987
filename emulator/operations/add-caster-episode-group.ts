import { invalidParameter, missingParameter } from '../api-error';
import { addEpisodeGroup, type InputNames } from './episode-group';
import { requiredParam } from './parameters';
import type { Operation } from './types';

const ITEM_PARAM = /^Item\.([1-9]\d{0,5})\.(ItemName|VodUrl)$/;

const NAMES: InputNames = {
  CallbackUrl: 'CallbackUrl',
  DomainName: 'DomainName',
  StartTime: 'StartTime',
  RepeatNum: 'RepeatNum',
  vodUrl: (index) => `Item.${index + 1}.VodUrl`,
};

/**
 * The `Item.N.ItemName` / `Item.N.VodUrl` list: numbered from 1 and contiguous (as every SDK flattens a
 * RepeatList), at least one item. A maximum item count is UNCONFIRMED, so none is enforced.
 */
function readItems(params: Readonly<Record<string, string>>): { ItemName: string; VodUrl: string }[] {
  let count = 0;
  for (const name of Object.keys(params)) {
    if (!name.startsWith('Item.')) continue;
    const match = ITEM_PARAM.exec(name);
    if (!match) throw invalidParameter(name, 'Episodes are given as Item.N.ItemName and Item.N.VodUrl, with N counting from 1.');
    count = Math.max(count, Number(match[1]));
  }
  if (count === 0) throw missingParameter('Item.1.ItemName');
  const items: { ItemName: string; VodUrl: string }[] = [];
  for (let n = 1; n <= count; n += 1) {
    items.push({ ItemName: requiredParam(params, `Item.${n}.ItemName`), VodUrl: requiredParam(params, `Item.${n}.VodUrl`) });
  }
  return items;
}

/** AddCasterEpisodeGroup: adds an episode list to a studio, named by its CallbackUrl and DomainName (there is no CasterId). */
export const addCasterEpisodeGroup: Operation = {
  action: 'AddCasterEpisodeGroup',
  defaultQps: 4,
  run(context) {
    const { params } = context;
    // Presence first, in the documented parameter order, then values: the first problem found is reported.
    const CallbackUrl = requiredParam(params, 'CallbackUrl');
    const clientToken = requiredParam(params, 'ClientToken');
    const DomainName = requiredParam(params, 'DomainName');
    const RepeatNum = requiredParam(params, 'RepeatNum');
    const StartTime = requiredParam(params, 'StartTime');
    const Items = readItems(params);
    // Documented as required yet "if empty, the default is used": optional here, empty meaning the studio's default.
    const SideOutputUrl = params['SideOutputUrl'] ?? '';
    return addEpisodeGroup(context, clientToken, { CallbackUrl, DomainName, SideOutputUrl, StartTime, RepeatNum, Items }, NAMES);
  },
};
