// A real OpenID Connect provider on loopback, for Mentorflow's single sign-on tests.
//
// oidc-provider 8 (the last major that runs on Node 20) with its development login form,
// which accepts any login name and any password: the login name is the person's e-mail.
// Who they are follows from that name, so a test chooses its person by choosing a name:
//   unverified...  email_verified is false (the app must refuse them)
//   admin...       roles ["mentorflow:admin"]
//   coord...       roles ["mentorflow:coordinator:general-mentoring"]
//   anything else  a verified address and no roles
//
// Usage: node provider.js [--port N] [--client-id ID] [--client-secret S] [--redirect-uri URI]...
//                         [--userinfo-claims]
// or the environment: OIDC_PORT, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URIS
// (space-separated). Prints one line "oidc-provider ready <issuer>" once it listens.

import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true },
    // Claims of the email and profile scopes only from the userinfo endpoint, as the
    // specification has it for the code flow: the ID token names nobody's address.
    'userinfo-claims': { type: 'boolean', default: false },
  },
});

const env = process.env;
const port = Number(values.port ?? env.OIDC_PORT ?? 4000);
const clientId = values['client-id'] ?? env.OIDC_CLIENT_ID ?? 'mentorflow';
const clientSecret = values['client-secret'] ?? env.OIDC_CLIENT_SECRET ?? 'mentorflow-test-secret';
const redirectUris = values['redirect-uri']
  ?? (env.OIDC_REDIRECT_URIS ?? 'http://127.0.0.1:5000/login/oidc/callback').split(/\s+/).filter(Boolean);
const issuer = `http://127.0.0.1:${port}`;

function account(login) {
  const email = login.trim().toLowerCase();
  const local = email.split('@')[0];
  const name = local
    .split(/[._+-]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join(' ');
  let roles = [];
  if (email.startsWith('admin')) roles = ['mentorflow:admin'];
  else if (email.startsWith('coord')) roles = ['mentorflow:coordinator:general-mentoring'];
  return {
    sub: email,
    email,
    email_verified: !email.startsWith('unverified'),
    name,
    roles,
  };
}

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: redirectUris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  pkce: { methods: ['S256'], required: () => true },
  features: { devInteractions: { enabled: true } },
  // By default the scopes' claims go in the ID token itself, as Keycloak and Entra ID do.
  conformIdTokenClaims: values['userinfo-claims'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'roles'],
  },
  async findAccount(ctx, id) {
    const claims = account(id);
    return { accountId: id, async claims() { return claims; } };
  },
  // Fixed keys: the tests' cookies are signed, nothing here is a secret.
  cookies: { keys: ['mentorflow-test-provider-cookie-key'] },
});

const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider ready ${issuer}`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
