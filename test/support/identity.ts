// App Service's managed-identity endpoint, played on 127.0.0.1, so that Azure Identity's own credentials
// (DefaultAzureCredential, ManagedIdentityCredential) get a token offline. The protocol is what
// @azure/msal-node's AppService source sends (src/client/ManagedIdentitySources/AppService.ts, which MSAL picks
// when IDENTITY_ENDPOINT and IDENTITY_HEADER are set and IDENTITY_SERVER_THUMBPRINT is not: the last would make
// it Service Fabric): GET <IDENTITY_ENDPOINT>?api-version=2019-08-01&resource=<resource> with the secret in
// `X-IDENTITY-HEADER`; the answer is JSON { access_token, expires_on (epoch seconds, a string), resource,
// token_type, client_id } (learn.microsoft.com/azure/app-service/overview-managed-identity, "REST endpoint
// reference"). The tokens are the mock's own unsigned JWTs (test/support/jwt.ts), for the resource asked.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { token } from './jwt.js';

/** One token request the endpoint answered. */
export interface IdentityRequest {
  resource: string | null;
  apiVersion: string | null;
  /** Whether it carried the right X-IDENTITY-HEADER. */
  authorized: boolean;
  /** The token it answered, when it did. */
  accessToken?: string;
}

export interface IdentityEndpoint {
  /** http://127.0.0.1:<port>/msi/token */
  url: string;
  /** The secret IDENTITY_HEADER holds. */
  secret: string;
  requests: IdentityRequest[];
  /**
   * Sets IDENTITY_ENDPOINT and IDENTITY_HEADER to this endpoint, and AZURE_TOKEN_CREDENTIALS to
   * ManagedIdentityCredential (DefaultAzureCredential then tries nothing else: no Azure CLI, no IMDS at
   * 169.254.169.254), clearing the variables that would pick another source; returns what restores them.
   */
  useInEnvironment(): () => void;
  close(): Promise<void>;
}

/** The variables that choose a credential or a managed-identity source, as the test found them. */
const CHOOSING = [
  'IDENTITY_ENDPOINT',
  'IDENTITY_HEADER',
  'IDENTITY_SERVER_THUMBPRINT',
  'MSI_ENDPOINT',
  'MSI_SECRET',
  'IMDS_ENDPOINT',
  'AZURE_TOKEN_CREDENTIALS',
  'AZURE_CLIENT_ID',
  'AZURE_TENANT_ID',
  'AZURE_CLIENT_SECRET',
  'AZURE_CLIENT_CERTIFICATE_PATH',
  'AZURE_USERNAME',
  'AZURE_FEDERATED_TOKEN_FILE',
  'AZURE_POD_IDENTITY_AUTHORITY_HOST',
] as const;

/** Starts the endpoint on 127.0.0.1 (port 0). Tokens carry `roles` and live `lifetimeSeconds`. */
export async function startIdentityEndpoint(options: { roles: string[]; lifetimeSeconds?: number }): Promise<IdentityEndpoint> {
  const secret = randomUUID();
  const lifetime = options.lifetimeSeconds ?? 3600;
  const requests: IdentityRequest[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const query = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;
    const request: IdentityRequest = {
      resource: query.get('resource'),
      apiVersion: query.get('api-version'),
      authorized: req.headers['x-identity-header'] === secret,
    };
    requests.push(request);
    res.setHeader('content-type', 'application/json');
    if (!request.authorized || request.resource === null) {
      res.statusCode = 400;
      res.end(JSON.stringify({ error: { code: 'BadRequest', message: 'missing X-IDENTITY-HEADER or resource' } }));
      return;
    }
    const now = Date.now();
    request.accessToken = token(['--roles', options.roles.join(','), '--aud', request.resource, '--expires-in', String(lifetime)], now);
    res.end(
      JSON.stringify({
        access_token: request.accessToken,
        expires_on: String(Math.floor(now / 1000) + lifetime),
        resource: request.resource,
        token_type: 'Bearer',
        client_id: '00000000-0000-0000-0000-000000000000',
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/msi/token`;
  return {
    url,
    secret,
    requests,
    useInEnvironment() {
      const saved = CHOOSING.map((name) => [name, process.env[name]] as const);
      for (const name of CHOOSING) delete process.env[name];
      Object.assign(process.env, { IDENTITY_ENDPOINT: url, IDENTITY_HEADER: secret, AZURE_TOKEN_CREDENTIALS: 'ManagedIdentityCredential' });
      return () => {
        for (const [name, value] of saved) {
          if (value === undefined) delete process.env[name];
          else process.env[name] = value;
        }
      };
    },
    close() {
      // Azure Identity's HTTP client keeps connections alive: they are ended here, or close() would wait for them.
      const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      server.closeAllConnections();
      return closed;
    },
  };
}
