// Redocly plugin used only by the rendered reference (openapi/redocly.docs.yaml): Redoc does not render
// custom extensions, so these decorators write x-permissions, x-national-clouds and an index of every named
// example into each operation's description. `npm run generate` uses openapi/redocly.yaml, which does not
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

function examplesSection(rows) {
  const lines = ['### Named examples', '', '| example | where | summary |', '| --- | --- | --- |'];
  for (const row of rows) lines.push(`| \`${row.name}\` | ${cell(row.where)} | ${cell(row.summary ?? '')} |`);
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
        const deref = (node) => (node && node.$ref ? ctx.resolve(node).node : node);
        const pathParams = (pathItem.parameters ?? []).map(deref);
        for (const method of ['get', 'put', 'post', 'patch', 'delete']) {
          const op = pathItem[method];
          if (!op) continue;
          const rows = [];
          const add = (examples, where) => {
            for (const [name, example] of Object.entries(examples ?? {})) {
              rows.push({ name, where, summary: deref(example)?.summary });
            }
          };
          for (const param of [...pathParams, ...(op.parameters ?? []).map(deref)]) add(param.examples, `parameter \`${param.name}\``);
          const body = deref(op.requestBody);
          for (const [type, media] of Object.entries(body?.content ?? {})) add(media.examples, `request body (${type})`);
          for (const [status, response] of Object.entries(op.responses ?? {})) {
            const resolved = deref(response);
            for (const media of Object.values(resolved?.content ?? {})) add(media.examples, `response ${status}`);
            // The body a source page documents on a 204 (kept as an example, never sent).
            add(resolved?.['x-documented-response-body']?.examples, `documented ${status} body (not sent)`);
          }
          const sections = [op.description ?? ''];
          if (op['x-permissions']) sections.push(permissionsSection(op['x-permissions']));
          if (op['x-national-clouds']) sections.push(cloudsSection(op['x-national-clouds'], servers));
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
