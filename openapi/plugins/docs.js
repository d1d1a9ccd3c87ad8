// Redocly plugin used only by the rendered reference (openapi/redocly.docs.yaml): Redoc does not render
// custom extensions, so these decorators write x-permissions, x-national-clouds, x-rules and an index of every
// named example (with where an error's message comes from, x-message-source) into each operation's description. `npm run generate` uses openapi/redocly.yaml, which does not
// load this plugin, so generated/ never contains these tables.

const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');
const list = (items) => (items && items.length ? items.map((p) => `\`${p}\``).join(', ') : '—');
const words = {
  delegatedWorkOrSchool: 'Delegated (work or school account)',
  delegatedPersonalMicrosoftAccount: 'Delegated (personal Microsoft account)',
  application: 'Application',
};

function permissionsSection(perms) {
  const lines = ['### Permissions', '', '| permission type | least privileged | higher privileged |', '| --- | --- | --- |'];
  for (const [type, entry] of Object.entries(perms)) {
    if (!words[type]) continue;
    if (entry.supported === false) lines.push(`| ${words[type]} | Not supported. | Not supported. |`);
    else lines.push(`| ${words[type]} | ${list(entry.leastPrivileged)} | ${list(entry.higherPrivileged)} |`);
  }
  const roles = perms.adminRoles;
  if (roles) {
    lines.push('', '**Admin roles**', '', '| scenario | required | least privileged roles | notes |', '| --- | --- | --- | --- |');
    for (const [scenario, entry] of Object.entries(roles)) {
      if (typeof entry !== 'object') continue;
      const required = entry.required === true ? 'yes' : entry.requiredFor ? `for ${entry.requiredFor}` : 'no';
      const notes = [
        entry.customRoleWithPermission && `a custom role with \`${entry.customRoleWithPermission}\``,
        entry.leastPrivilegedRolesForAgentUsers && `for agent users: ${entry.leastPrivilegedRolesForAgentUsers.join(', ')}`,
        entry.entitlementManagementRoles && `entitlement management roles: ${entry.entitlementManagementRoles.join(', ')}`,
        entry.note,
      ].filter(Boolean);
      lines.push(`| ${words[scenario] ?? scenario} | ${required} | ${cell((entry.leastPrivilegedRoles ?? []).join(', ') || '—')} | ${cell(notes.join('; ') || '—')} |`);
    }
    for (const [key, value] of Object.entries(roles)) {
      if (typeof value === 'string') lines.push('', `*${key === 'ownerRule' ? 'Owners' : key}:* ${value}`);
    }
  }
  if (perms.note) lines.push('', `*Note:* ${perms.note}`);
  return lines.join('\n');
}

function cloudsSection(clouds, servers) {
  const lines = ['### National clouds', '', '| cloud | host | available |', '| --- | --- | --- |'];
  for (const server of servers) {
    const available = clouds.includes(server['x-cloud']) ? 'yes' : 'no';
    lines.push(`| ${cell(server.description)} (\`${server['x-cloud']}\`) | \`${server.url}\` | ${available} |`);
  }
  return lines.join('\n');
}

/** x-message-source in a table cell: "not observed", or "observed" linking the first URL it cites. */
function messageSource(source) {
  if (source === undefined) return '';
  if (source === 'not observed') return 'not observed (this contract\'s text)';
  const url = String(source).match(/https:\/\/[^\s)"]+/)?.[0];
  return url ? `observed ([source](${url}))` : cell(source);
}

function examplesSection(rows) {
  const lines = ['### Named examples', '', '| example | where | summary | message |', '| --- | --- | --- | --- |'];
  for (const row of rows) lines.push(`| \`${row.name}\` | ${cell(row.where)} | ${cell(row.summary ?? '')} | ${messageSource(row.source)} |`);
  return lines.join('\n');
}

const matchText = (match) =>
  Object.entries(match)
    .map(([key, value]) => `${key} ${Array.isArray(value) ? `in ${value.join(', ')}` : `= ${value}`}`)
    .join(' and ');

/** x-rules in words: what the mock checks, in order, and the example each failure answers with. */
function rulesSection(rules) {
  const lines = ['### State rules (enforced by the mock)', ''];
  if (rules.description) lines.push(rules.description.trim(), '');
  if (rules.creates) {
    lines.push(`Creates a \`${rules.creates.type}\` in \`${rules.creates.entitySet}\`.`);
    return lines.join('\n');
  }
  const { target, reference, lists, removes, checks = [] } = rules;
  lines.push('| step | fails when | answer |', '| --- | --- | --- |');
  lines.push(`| target | \`{${target.parameter}}\` names no ${target.types.join(' or ')} in \`${target.entitySet}\` | \`${target.notFound}\` |`);
  if (lists) {
    lines.push('', `Answers the objects of \`${lists.property}\`, in the order they were related.`);
    return lines.join('\n');
  }
  if (removes) {
    lines.push(`| remove | \`${removes.property}\` does not hold \`{${removes.parameter}}\` | \`${removes.notFound}\` |`);
    return lines.join('\n');
  }
  if (reference.invalid) lines.push(`| reference | \`${reference.from}\` names no Graph host of \`servers\` or cannot be read | \`${reference.invalid}\` |`);
  lines.push(`| reference | \`${reference.from}\` names no object | \`${reference.notFound}\` |`);
  for (const check of checks) {
    const when = check.when ? ` (counting only ${matchText(check.when)})` : '';
    const fails = check.deny
      ? `the object has ${matchText(check.deny)}`
      : check.require
        ? `${check.when ? `for ${matchText(check.when)}, ` : ''}the object lacks ${matchText(check.require)}`
        : check.unique
          ? `\`${reference.property}\` already holds the object`
          : `\`${reference.property}\` already holds ${check.maxCount}${when}`;
    lines.push(`| check | ${cell(fails)} | \`${check.example}\` |`);
  }
  return lines.join('\n');
}

function ReferenceTables() {
  let servers = [];
  return {
    Root: {
      enter(root) {
        servers = root.servers ?? [];
      },
    },
    PathItem: {
      leave(pathItem, ctx) {
        const deref = (node, from) => (node && node.$ref ? ctx.resolve(node, from).node : node);
        // A shared response's examples refer relative to the response's own file, so they resolve from there.
        const fileOf = (node) => (node && node.$ref ? ctx.resolve(node).location?.source.absoluteRef : undefined);
        const pathParams = (pathItem.parameters ?? []).map((p) => deref(p));
        for (const method of ['get', 'put', 'post', 'patch', 'delete']) {
          const op = pathItem[method];
          if (!op) continue;
          const rows = [];
          const add = (examples, where, from) => {
            for (const [name, example] of Object.entries(examples ?? {})) {
              const resolved = deref(example, from);
              rows.push({ name, where, summary: resolved?.summary, source: resolved?.['x-message-source'] });
            }
          };
          for (const param of [...pathParams, ...(op.parameters ?? []).map((p) => deref(p))]) add(param.examples, `parameter \`${param.name}\``);
          const body = deref(op.requestBody);
          for (const [type, media] of Object.entries(body?.content ?? {})) add(media.examples, `request body (${type})`);
          for (const [status, response] of Object.entries(op.responses ?? {})) {
            const resolved = deref(response);
            for (const media of Object.values(resolved?.content ?? {})) add(media.examples, `response ${status}`, fileOf(response));
            // The body a source page documents on a 204 (kept as an example, never sent).
            add(resolved?.['x-documented-response-body']?.examples, `documented ${status} body (not sent)`);
          }
          const sections = [op.description ?? ''];
          // x-permissions and x-rules checks shared between twins are references (bundling inlines them).
          if (op['x-permissions']) sections.push(permissionsSection(deref(op['x-permissions'])));
          if (op['x-national-clouds']) sections.push(cloudsSection(op['x-national-clouds'], servers));
          if (op['x-rules']) sections.push(rulesSection({ ...op['x-rules'], checks: deref(op['x-rules'].checks) }));
          if (rows.length) sections.push(examplesSection(rows));
          op.description = sections.join('\n\n');
        }
      },
    },
  };
}

export default function docsPlugin() {
  return {
    id: 'docs',
    decorators: {
      oas3: { 'reference-tables': ReferenceTables },
    },
  };
}
