import { kvModel } from './kv-model';
import type { AnyModel } from './model';
import { registerModel } from './register-model';

/** The models that histories can name in files and on the command line. */
export const BUILT_IN_MODELS: Readonly<Record<string, AnyModel>> = { [kvModel.name]: kvModel, [registerModel.name]: registerModel };

export function builtInModel(name: string): AnyModel | undefined {
  return Object.prototype.hasOwnProperty.call(BUILT_IN_MODELS, name) ? BUILT_IN_MODELS[name] : undefined;
}
