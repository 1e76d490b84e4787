import { GraphQLError, Kind, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext, type ASTVisitor } from 'graphql';

/**
 * How deep an admin query may nest. The schema loops (a pipeline integration's template lists
 * its assignments, each with a template…), and each level is a database read per item: eight
 * levels over four assignments were 65,000 reads, ten seconds, and the pool (shared with
 * collect) exhausted. Every query the admin tools make stays within 8.
 */
export const MAX_QUERY_DEPTH = 8;

/**
 * Depth of a selection set: introspection (`__schema`, `__type`, `__typename`) counts nothing.
 * Each fragment's depth is worked out once (`known`): walked again at every spread, fragments
 * spreading fragments ten times each made a 758-byte query take seconds to check.
 */
function depthOf(selectionSet: SelectionSetNode | undefined, fragments: (name: string) => FragmentDefinitionNode | null | undefined, visiting: Set<string>, known: Map<string, number>): number {
  if (!selectionSet) return 0;
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    let depth = 0;
    if (selection.kind === Kind.FIELD) {
      // GraphiQL's introspection query nests `ofType` a dozen levels: it reads the schema, not data.
      if (selection.name.value.startsWith('__')) continue;
      depth = 1 + depthOf(selection.selectionSet, fragments, visiting, known);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      depth = depthOf(selection.selectionSet, fragments, visiting, known);
    } else {
      const name = selection.name.value;
      const cached = known.get(name);
      if (cached !== undefined) {
        depth = cached;
      } else {
        const fragment = fragments(name);
        // A cycle is refused by graphql-js's own rule; here it only must not loop.
        if (!fragment || visiting.has(name)) continue;
        visiting.add(name);
        depth = depthOf(fragment.selectionSet, fragments, visiting, known);
        visiting.delete(name);
        known.set(name, depth);
      }
    }
    deepest = Math.max(deepest, depth);
  }
  return deepest;
}

/**
 * A GraphQL validation rule refusing operations nested deeper than `maxDepth` fields, with a
 * message naming the depth and the limit (`extensions.code` BAD_USER_INPUT: a 400).
 *
 * @example
 * await app.register(mercurius, { schema, resolvers, validationRules: [queryDepthLimit(MAX_QUERY_DEPTH)] });
 */
export function queryDepthLimit(maxDepth: number) {
  return (context: ValidationContext): ASTVisitor => {
    const known = new Map<string, number>();
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, (name) => context.getFragment(name), new Set(), known);
        if (depth > maxDepth) {
          context.reportError(new GraphQLError(`The query nests ${depth} levels deep; at most ${maxDepth} are allowed (ask for fewer nested objects, or make several queries)`, {
            nodes: [node],
            extensions: { code: 'BAD_USER_INPUT', signalCode: 'SIGNAL_VALIDATION_FAILED', fields: [{ field: 'query', message: `nests ${depth} levels; at most ${maxDepth}` }] },
          }));
        }
      },
    };
  };
}
