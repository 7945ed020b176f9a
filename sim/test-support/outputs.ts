// Building blocks for doctored steps: an Output that did nothing, to edit one field of.

import type { Output } from '../../core';

export const EMPTY_OUTPUT: Output = Object.freeze({
  messages: [], persist: null, apply: [], restore: null, reads: [], proposed: [], errors: [], actions: [],
});

export function outputWith(fields: Partial<Output>): Output {
  return { ...EMPTY_OUTPUT, ...fields };
}
