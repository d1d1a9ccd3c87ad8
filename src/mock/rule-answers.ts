// The bodies of the answers the directory gives itself (a list, a create), in the form Graph sends them: an
// OData context URL on the service root, then the objects. Pure; graph-steps.ts writes them with the documented
// success's status and headers.
import type { DirectoryObject, EntitySet } from './objects.js';
import type { OperationRules } from './rules.js';
import type { RuleResult } from './rules-apply.js';

/** A list of related objects is a collection of directory objects (Graph: `$metadata#directoryObjects`). */
const LISTED_SET: EntitySet = 'directoryObjects';

/** One related object as Graph lists it: its OData type (the derived type, e.g. agentUser), id, properties. */
export function listedObject(object: DirectoryObject): Record<string, unknown> {
  return { '@odata.type': `#microsoft.graph.${object.type}`, id: object.id, ...object.properties };
}

/**
 * The body of a committed rule's answer: a list's collection, a create's entity (context
 * `…/$metadata#{resource path}/$entity`, as Graph answers a POST to a collection); undefined when the rule reports nothing.
 */
export function ruleAnswerBody(rules: Pick<OperationRules, 'serviceRoot' | 'resourcePath'>, result: RuleResult): Record<string, unknown> | undefined {
  if (result.kind === 'list') return { '@odata.context': `${rules.serviceRoot}/$metadata#${LISTED_SET}`, value: result.objects.map(listedObject) };
  if (result.kind === 'created')
    return { '@odata.context': `${rules.serviceRoot}/$metadata#${rules.resourcePath}/$entity`, id: result.object.id, ...result.object.properties };
  return undefined;
}
