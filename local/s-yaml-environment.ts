/**
 * The rules s.yaml gives each function that decide what it may do, so the local stack behaves as deployed:
 * `ALLOWED_CASTER_IDS`, `ALLOWED_DOMAINS` and `AUTH_KEY_VALIDITY_S`, with s.yaml's placeholders resolved as
 * Serverless Devs resolves them at deploy time (`${vars.x}`, `${env('X')}`, `${env('X', 'default')}`,
 * `${config('AccountID')}`), reading the environment the stack runs with. The variables that point at the cloud
 * (endpoint, region, Redis) are the stack's own and are not taken from s.yaml.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** The function variables the local stack takes from s.yaml. */
export const POLICY_VARIABLES = ['ALLOWED_CASTER_IDS', 'ALLOWED_DOMAINS', 'AUTH_KEY_VALIDITY_S'] as const;

interface SYamlFile {
  readonly vars?: Record<string, unknown>;
  readonly resources?: Record<string, { props?: { environmentVariables?: Record<string, unknown> } }>;
}

/**
 * Per s.yaml resource (`http`, `timer`, `event`), its policy variables as deployed with `env` as the deploy-time
 * environment. An empty value is kept (it means "not set", as on FC). Throws naming a placeholder it cannot resolve.
 */
export function readPolicyEnvironment(
  sYamlPath: string,
  env: Readonly<Record<string, string | undefined>>,
  config: Readonly<Record<string, string>> = {},
): Record<string, Record<string, string>> {
  const file = parse(readFileSync(sYamlPath, 'utf8')) as SYamlFile;
  const vars = file.vars ?? {};
  const resolved: Record<string, Record<string, string>> = {};
  for (const [name, resource] of Object.entries(file.resources ?? {})) {
    const variables = resource.props?.environmentVariables ?? {};
    const policy: Record<string, string> = {};
    for (const variable of POLICY_VARIABLES) {
      const value = variables[variable];
      if (value !== undefined) policy[variable] = resolvePlaceholders(String(value), vars, env, config, `${name}.${variable}`);
    }
    resolved[name] = policy;
  }
  return resolved;
}

/** Replaces every `${...}` of `text`, resolving `${vars.x}` recursively. */
export function resolvePlaceholders(
  text: string,
  vars: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
  config: Readonly<Record<string, string>>,
  where: string,
  depth = 0,
): string {
  if (depth > 8) throw new Error(`${where}: s.yaml placeholders nest too deep`);
  return text.replace(/\$\{([^}]+)\}/g, (_match, expression: string) => {
    const trimmed = expression.trim();
    const variable = /^vars\.([A-Za-z0-9_]+)$/.exec(trimmed);
    if (variable) {
      const value = vars[variable[1] as string];
      if (value === undefined) throw new Error(`${where}: \${vars.${variable[1]}} is not defined in s.yaml`);
      return resolvePlaceholders(String(value), vars, env, config, where, depth + 1);
    }
    const fromEnv = /^env\(\s*'([^']+)'\s*(?:,\s*'([^']*)'\s*)?\)$/.exec(trimmed);
    if (fromEnv) {
      const value = env[fromEnv[1] as string] ?? fromEnv[2];
      if (value === undefined) throw new Error(`${where}: \${env('${fromEnv[1]}')} is not set and has no default`);
      return value;
    }
    const fromConfig = /^config\(\s*'([^']+)'\s*\)$/.exec(trimmed);
    if (fromConfig) return config[fromConfig[1] as string] ?? '';
    throw new Error(`${where}: the local host cannot resolve \${${trimmed}}`);
  });
}
