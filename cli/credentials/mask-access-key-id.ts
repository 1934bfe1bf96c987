const VISIBLE_CHARACTERS = 4;

/** The AccessKeyId with every character but the last four replaced by `*` (all of them when it is that short). */
export function maskAccessKeyId(accessKeyId: string): string {
  const characters = [...accessKeyId];
  const visible = characters.length > VISIBLE_CHARACTERS ? characters.slice(-VISIBLE_CHARACTERS).join('') : '';
  return `${'*'.repeat(characters.length - [...visible].length)}${visible}`;
}
