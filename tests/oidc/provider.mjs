// A real OpenID Connect provider for the tests (the npm package oidc-provider, installed
// by scripts/test into tests/browser/node_modules). Not used in production.
//
//   PORT=4011 OIDC_CLIENTS='[{"client_id":"rathaus","redirect_uris":["http://127.0.0.1:8080/solingen/anmelden/rueckkehr"]}]' \
//     node tests/oidc/provider.mjs
//
// Accounts (fictional): any login works with any password (devInteractions); these have
// claims: erika (eIDAS substantial, full profile), max (eIDAS low, name only).
import Provider from '../browser/node_modules/oidc-provider/lib/index.js';

const port = Number(process.env.PORT || 4011);
const issuer = `http://127.0.0.1:${port}`;
const clients = JSON.parse(process.env.OIDC_CLIENTS || '[]').map((c) => ({
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: c.client_secret ? 'client_secret_basic' : 'none',
  ...c,
}));

const accounts = {
  erika: {
    given_name: 'Erika',
    family_name: 'Mustermann',
    name: 'Erika Mustermann',
    birthdate: '1985-03-24',
    email: 'erika.mustermann@example.org',
    email_verified: true,
    address: { street_address: 'Marktstraße 7a', postal_code: '59494', locality: 'Soest', country: 'DE' },
    eidas_level: 'http://eidas.europa.eu/LoA/substantial',
  },
  max: {
    given_name: 'Max',
    family_name: 'Muster',
    name: 'Max Muster',
    eidas_level: 'http://eidas.europa.eu/LoA/low',
  },
  // Staff of the (fictional) directory; groups are Keycloak-style full paths.
  'sb-abh': { name: 'Sabine Beispiel', groups: ['/solingen/auslaenderbehoerde/sachbearbeitung'] },
  'tl-abh': { name: 'Tom Leiter', groups: ['/solingen/auslaenderbehoerde/teamleitung', '/solingen/auslaenderbehoerde/admin'] },
  'sb-bb': { name: 'Bea Bürger', groups: ['/solingen/buergerbuero/sachbearbeitung'] },
  'sb-soest': { name: 'Sven Soest', groups: ['/soest/ordnungsamt/sachbearbeitung', '/soest/buergerbuero/sachbearbeitung'] },
  'admin-soest': { name: 'Anna Admin', groups: ['/soest/steueramt/admin', '/soest/steueramt/sachbearbeitung'] },
  nobody: { name: 'Nora Ohnerolle', groups: ['Domain Users'] },
};

const provider = new Provider(issuer, {
  clients,
  pkce: { required: () => true },
  scopes: ['openid', 'profile', 'email', 'address', 'eidas', 'groups'],
  claims: {
    openid: ['sub'],
    profile: ['name', 'given_name', 'family_name', 'birthdate'],
    email: ['email', 'email_verified'],
    address: ['address'],
    eidas: ['eidas_level'],
    groups: ['groups'],
  },
  conformIdTokenClaims: false, // put the requested claims into the ID token
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['rathaus-test-only-not-a-secret'] },
  ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
  async findAccount(ctx, sub) {
    return {
      accountId: sub,
      async claims() {
        return { sub, ...(accounts[sub] || { name: sub }) };
      },
    };
  },
});
provider.proxy = false;
provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
