/** A slot name: 1 to 64 letters, digits, `.`, `_`, `:` or `-` (the plan schema's rule for `Slot`). */
export const SLOT_NAME = /^[A-Za-z0-9._:-]{1,64}$/;

/** True for a valid slot name. */
export function isSlotName(text: string): boolean {
  return SLOT_NAME.test(text);
}
