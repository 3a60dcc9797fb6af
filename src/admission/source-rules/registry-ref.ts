/**
 * A `registry` source names its target once: a URL (`baseURL` in v1beta1, `url` in v1alpha1) or
 * another MCPRegistry (`registryRef`, federation). The CRD's CEL rules say the same as the first two
 * checks here, in the same words, because the apiserver evaluates them after this webhook. What only
 * the webhook can say: a reference to a name no MCPRegistry can have, and a registry reading itself.
 * Whether the referenced registry exists and lets this namespace read it is the controller's to say
 * (it needs the cluster); so is a longer cycle (A reads B reads A). Pure.
 */
import { V1ALPHA1, type ApiVersionName } from '../../api/constants.ts';
import { API_SUFFIX, MAX_REGISTRY_NAME } from '../names.ts';
import { isObj, type Obj, type SourceView } from '../shape.ts';
import type { Finding } from './url.ts';

const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** The object's own name and namespace, for the self-reference check (either may be unknown). */
export interface Self {
  name?: string;
  namespace?: string;
}

export function selfOf(obj: Obj): Self {
  const meta = isObj(obj.metadata) ? obj.metadata : {};
  return {
    ...(typeof meta.name === 'string' && meta.name ? { name: meta.name } : {}),
    ...(typeof meta.namespace === 'string' && meta.namespace ? { namespace: meta.namespace } : {}),
  };
}

export function checkRegistryTarget(version: ApiVersionName, v: SourceView, self: Self): Finding[] {
  const reg = v.source.registry;
  if (v.source.type !== 'registry' || !isObj(reg)) return [];
  const urlKey = version === V1ALPHA1 ? 'url' : 'baseURL';
  const path = `${v.path}.registry`;
  const hasUrl = reg[urlKey] !== undefined;
  const ref = reg.registryRef;
  if (!hasUrl && ref === undefined)
    return [{ type: 'Required', field: path, detail: `exactly one of ${urlKey} or registryRef is required` }];
  if (hasUrl && ref !== undefined)
    return [
      {
        type: 'Forbidden',
        field: `${path}.registryRef`,
        detail: `registryRef must not be set when ${urlKey} is set`,
      },
    ];
  if (!isObj(ref) || typeof ref.name !== 'string') return [];
  const errors: Finding[] = [];
  if (ref.name !== '' && (!DNS_1035_LABEL.test(ref.name) || ref.name.length > MAX_REGISTRY_NAME))
    errors.push({
      type: 'Invalid',
      field: `${path}.registryRef.name`,
      value: ref.name,
      detail: `no MCPRegistry can have this name: registry names are DNS-1035 labels of at most ${MAX_REGISTRY_NAME} characters (they name the Service "<name>${API_SUFFIX}")`,
    });
  const namespace = typeof ref.namespace === 'string' ? ref.namespace : self.namespace;
  if (self.name !== undefined && ref.name === self.name && namespace === self.namespace)
    errors.push({
      type: 'Forbidden',
      field: `${path}.registryRef`,
      detail: `refers to this MCPRegistry itself; a registry cannot read its own API`,
    });
  return errors;
}
