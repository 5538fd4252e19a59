// A real OpenID Connect provider (the `oidc-provider` package) for the end-to-end tests.
// Any login name is accepted on its development login page; the name decides the claims:
// "admin-…" → admin, "editor-…" → editor, anything else → no role claim (the DAM's default);
// "NAME~ADDRESS" claims the e-mail ADDRESS (for linking tests); "unverified…" names get
// email_verified false.
import Provider from "oidc-provider";

const port = Number(process.env.OIDC_PORT ?? 3110);
const issuer = `http://localhost:${port}`;
const redirect = process.env.DAM_REDIRECT ?? "http://127.0.0.1:3100/auth/oidc/callback";

function roleFor(login) {
  if (login.startsWith("admin-")) return "admin";
  if (login.startsWith("editor-")) return "editor";
  return undefined;
}

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.OIDC_CLIENT_ID ?? "dam",
      client_secret: process.env.OIDC_CLIENT_SECRET ?? "dam-e2e-secret",
      redirect_uris: [redirect],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  pkce: { required: () => true },
  claims: { openid: ["sub", "dam_role"], email: ["email", "email_verified"], profile: ["name"] },
  async findAccount(_ctx, id) {
    return {
      accountId: id,
      async claims() {
        const [, claimed] = id.split("~");
        const email = claimed ?? `${id}@sso.test`;
        const claims = { sub: id, email, email_verified: !id.startsWith("unverified"), name: `SSO ${id}` };
        const role = roleFor(id);
        return role ? { ...claims, dam_role: role } : claims;
      },
    };
  },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ["e2e-only-cookie-key"] },
});
provider.listen(port, "127.0.0.1", () => console.log(`oidc-provider listening on ${issuer}`));
