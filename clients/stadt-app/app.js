// A city app in ~150 lines, using nothing but the portal's public API (/api/v1): the
// catalogue, the login for apps (OAuth 2.0 for native apps with PKCE, RFC 8252/7636) and
// the citizen's applications. Configuration comes from the address:
//   index.html?portal=https://portal.example&tenant=solingen&client=stadt-app-demo
// The page must be served at /rueckkehr as well (the redirect URI the app registered).
"use strict";

const params = new URLSearchParams(location.search);
const store = window.sessionStorage;
const config = {
  portal: (params.get("portal") || store.getItem("portal") || "").replace(/\/$/, ""),
  tenant: params.get("tenant") || store.getItem("tenant") || "solingen",
  client: params.get("client") || store.getItem("client") || "stadt-app-demo",
};
store.setItem("portal", config.portal);
store.setItem("tenant", config.tenant);
store.setItem("client", config.client);
const api = (path) => `${config.portal}/api/v1/tenants/${encodeURIComponent(config.tenant)}${path}`;
const redirectUri = `${location.origin}/rueckkehr`;
const $ = (id) => document.getElementById(id);

function say(text) { $("status").textContent = text; }

function item(text, href) {
  const li = document.createElement("li");
  if (href) {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    li.appendChild(a);
  } else {
    li.textContent = text;
  }
  return li;
}

async function problem(res) {
  try {
    const p = await res.json();
    return p.detail || p.title || p.error_description || `HTTP ${res.status}`;
  } catch (_) {
    return `HTTP ${res.status}`;
  }
}

async function services(q) {
  say("Lädt …");
  const url = api(`/services?per_page=100${q ? `&q=${encodeURIComponent(q)}` : ""}`);
  const res = await fetch(url, { headers: { "Accept-Language": "de" } });
  if (!res.ok) { say(`Fehler: ${await problem(res)}`); return; }
  const list = await res.json();
  const ul = $("leistungen");
  ul.replaceChildren(...list.items.map((s) => item(s.title, `${config.portal}${s.web}`)));
  say(`${list.paging.total} Leistungen gefunden.`);
}

function b64url(bytes) {
  let s = "";
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

async function logIn() {
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = b64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  const state = b64url(crypto.getRandomValues(new Uint8Array(16)));
  store.setItem("verifier", verifier);
  store.setItem("state", state);
  const q = new URLSearchParams({
    response_type: "code", client_id: config.client, redirect_uri: redirectUri,
    code_challenge: challenge, code_challenge_method: "S256", state,
  });
  location.assign(`${config.portal}/${encodeURIComponent(config.tenant)}/app-zugang?${q}`);
}

async function token(form) {
  const res = await fetch(api("/token"), { method: "POST", body: new URLSearchParams(form) });
  if (!res.ok) throw new Error(await problem(res));
  const t = await res.json();
  store.setItem("access", t.access_token);
  store.setItem("refresh", t.refresh_token);
}

async function back() {
  const code = params.get("code");
  const error = params.get("error");
  history.replaceState(null, "", location.pathname);
  if (error) { $("konto").textContent = "Die Anmeldung wurde nicht erlaubt."; return; }
  if (!code) return;
  if (params.get("state") !== store.getItem("state")) { $("konto").textContent = "Die Anmeldung passt nicht zu dieser Sitzung."; return; }
  await token({
    grant_type: "authorization_code", client_id: config.client, code,
    redirect_uri: redirectUri, code_verifier: store.getItem("verifier"),
  });
  store.removeItem("verifier");
  store.removeItem("state");
}

async function authed(path) {
  let res = await fetch(api(path), { headers: { Authorization: `Bearer ${store.getItem("access")}` } });
  if (res.status === 401 && store.getItem("refresh")) {
    await token({ grant_type: "refresh_token", client_id: config.client, refresh_token: store.getItem("refresh") });
    res = await fetch(api(path), { headers: { Authorization: `Bearer ${store.getItem("access")}` } });
  }
  if (!res.ok) throw new Error(await problem(res));
  return res.json();
}

async function account() {
  if (!store.getItem("access")) return;
  const me = await authed("/me");
  $("konto").textContent = `Angemeldet als ${me.name || "Gast"}.`;
  $("anmelden").hidden = true;
  $("abmelden").hidden = false;
  const list = await authed("/applications");
  $("antraege-bereich").hidden = false;
  const ul = $("antraege");
  if (list.items.length === 0) { ul.replaceChildren(item("Noch keine Anträge.")); return; }
  ul.replaceChildren(...list.items.map((a) => item(
    `${a.service_title} – ${a.reference} – ${a.status_label}${a.unread ? ` (${a.unread} ungelesen)` : ""}`)));
}

async function logOut() {
  const refresh = store.getItem("refresh");
  if (refresh) {
    await fetch(api("/revoke"), { method: "POST", body: new URLSearchParams({ token: refresh, client_id: config.client }) });
  }
  store.removeItem("access");
  store.removeItem("refresh");
  location.replace(location.pathname);
}

async function main() {
  if (!config.portal) { say("Bitte ?portal=… angeben."); return; }
  const t = await fetch(api(""), { headers: { "Accept-Language": "de" } });
  if (t.ok) { const tenant = await t.json(); $("titel").textContent = `Stadt-App ${tenant.name}`; }
  $("anmelden").addEventListener("click", () => logIn().catch((e) => say(e.message)));
  $("abmelden").addEventListener("click", () => logOut().catch((e) => say(e.message)));
  $("suche").addEventListener("submit", (e) => { e.preventDefault(); services($("q").value).catch((x) => say(x.message)); });
  try { await back(); await account(); } catch (e) { $("konto").textContent = `Fehler: ${e.message}`; }
  await services("");
}

main().catch((e) => say(`Fehler: ${e.message}`));
