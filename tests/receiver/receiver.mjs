// A real local receiver for the delivery tests: a Standard Webhooks endpoint and a
// FIT-Connect-like Submission API (v1, the sender's part), with fault injection and a
// record of what was booked. Started by the Rust integration tests; not used in production.
//
//   PORT=0 WEBHOOK_SECRET=whsec_… APPLICATION_SCHEMA=schema/application.schema.json \
//   METADATA_SCHEMA=schema/fit-connect/metadata.schema.json CLIENT_ID=… CLIENT_SECRET=… \
//   DESTINATION_ID=<uuid> node tests/receiver/receiver.mjs
//
// Prints exactly one line "receiver listening on http://127.0.0.1:<port>". The FIT-Connect
// shapes follow docs.fitko.de/fit-connect and the Submission API 1.0.x OpenAPI; see README.md.
import http from 'node:http';
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Webhook } from 'standardwebhooks';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import * as jose from 'jose';

const env = (name) => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`receiver: ${name} is not set`);
  return value;
};
const PORT = Number(process.env.PORT || 0);
const CLIENT_ID = env('CLIENT_ID');
const CLIENT_SECRET = env('CLIENT_SECRET');
const DESTINATION_ID = env('DESTINATION_ID').toLowerCase();
const webhook = new Webhook(env('WEBHOOK_SECRET'));
// Optional: the LeiKa identifiers the destination offers (comma-separated URNs). Unset: any.
const SERVICE_IDENTIFIERS = (process.env.SERVICE_IDENTIFIERS || '').split(',').map((s) => s.trim()).filter(Boolean);

const SCHEMA_URI = 'urn:de:rathaus:schema:antrag:1.0';
const EVENTS = 'https://schema.fitko.de/fit-connect/events/';
const SET_SCHEMA = 'https://schema.fitko.de/fit-connect/set-payload/1.0.1/set-payload.schema.json';
const PROBLEMS = 'https://schema.fitko.de/fit-connect/submission-api/problems/';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SERVICE_URN = /^urn:[a-z0-9][a-z0-9-]{0,31}:[a-z0-9()+,.:=@;$_!*'%/?#-]+$/;
const LEIKA = /^urn:de:fim:leika:leistung:[0-9]{14}$/;

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const validateApplication = ajv.compile(JSON.parse(readFileSync(env('APPLICATION_SCHEMA'), 'utf8')));
const validateMetadata = ajv.compile(JSON.parse(readFileSync(env('METADATA_SCHEMA'), 'utf8')));

// Keys: the destination's encryption key (RSA-OAEP-256) and signature key (PS512), and the
// delivery service's own signing key for its events (published at /.well-known/jwks.json).
const newKey = async (alg) => ({ kid: randomUUID(), ...(await jose.generateKeyPair(alg, { modulusLength: 2048, extractable: true })) });
const publicJwk = async ({ kid, publicKey }, extra) => {
  const { kty, n, e } = await jose.exportJWK(publicKey);
  return { kty, kid, n, e, ...extra };
};
const encKey = await newKey('RSA-OAEP-256');
const sigKey = await newKey('PS512');
const serviceKey = await newKey('PS512');
const destinationKeys = {
  [encKey.kid]: await publicJwk(encKey, { alg: 'RSA-OAEP-256', use: 'enc', key_ops: ['wrapKey'] }),
  [sigKey.kid]: await publicJwk(sigKey, { alg: 'PS512', use: 'sig', key_ops: ['verify'] }),
};
const serviceJwks = { keys: [await publicJwk(serviceKey, { alg: 'PS512', use: 'sig', key_ops: ['verify'] })] };

// What the tests read back via GET /_received.
const record = { bookings: [], duplicates: 0, rejected: 0, callbacks: [] };
const seenWebhookIds = new Set();
const bookedKeys = new Set(); // `${channel} ${idempotency_key}`
const tokens = new Map(); // access token -> expiry (ms)
const submissions = new Map(); // submissionId -> submission
const eventLogs = new Map(); // caseId -> [SET]
const fault = { mode: 'ok', remaining: null, delayMs: 0 };
let baseUrl = '';

// ---- HTTP helpers ---------------------------------------------------------------------

const sha = (alg, bytes) => createHash(alg).update(bytes).digest('hex');

function send(res, status, body, type = 'application/json') {
  if (status === 401 || status === 422) record.rejected += 1;
  const payload = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, body === undefined ? {} : { 'content-type': type });
  res.end(payload);
}

// An RFC 7807 problem as the Submission API answers errors.
const problem = (res, status, slug, detail) =>
  send(res, status, { type: PROBLEMS + slug, title: slug.replace(/-/g, ' '), status, detail }, 'application/problem+json');

class HttpError extends Error {
  constructor(status, slug, detail) { super(detail); Object.assign(this, { status, slug }); }
}
const fail = (status, slug, detail) => { throw new HttpError(status, slug, detail); };

async function readBody(req, limit = 64 * 1024 * 1024) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) fail(413, 'payload-too-large', 'request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function parseJson(bytes, what) {
  try { return JSON.parse(bytes.toString('utf8')); } catch { return fail(422, 'invalid-json', `${what} is not JSON`); }
}

const schemaErrors = (validate) => (validate.errors || []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');

// Fault injection: true when this request got (or will get) a faulty answer.
function injectFault(req, res) {
  if (fault.mode === 'ok' || fault.mode === 'slow') return false;
  const mode = fault.mode;
  if (fault.remaining !== null && --fault.remaining <= 0) Object.assign(fault, { mode: 'ok', remaining: null });
  if (mode === 'fail') {
    problem(res, 503, 'service-unavailable', 'fault injected');
  } else {
    // "timeout": take the request, never answer; drop the socket after ~120 s.
    req.resume();
    req.socket.setTimeout(0);
    setTimeout(() => req.socket.destroy(), 120_000).unref();
  }
  return true;
}

function book(channel, name, data, files) {
  const key = `${channel} ${data.idempotency_key}`;
  if (bookedKeys.has(key)) { record.duplicates += 1; return false; }
  bookedKeys.add(key);
  record.bookings.push({ channel, name, idempotency_key: data.idempotency_key, reference: data.reference, event: data.event, files, at: new Date().toISOString() });
  return true;
}

// ---- Standard Webhooks ----------------------------------------------------------------

async function handleWebhook(req, res, name) {
  const raw = await readBody(req);
  try {
    webhook.verify(raw.toString('utf8'), req.headers);
  } catch (err) {
    return send(res, 401, { ok: false, error: `signature: ${err.message}` });
  }
  const data = parseJson(raw, 'body');
  if (!validateApplication(data)) return send(res, 422, { ok: false, errors: validateApplication.errors });
  const files = [];
  for (const file of data.files) {
    if (typeof file.content_base64 !== 'string') return send(res, 422, { ok: false, error: `file ${file.id}: no content_base64` });
    const bytes = Buffer.from(file.content_base64, 'base64');
    if (sha('sha256', bytes) !== file.sha256 || bytes.length !== file.size)
      return send(res, 422, { ok: false, error: `file ${file.id}: sha256/size do not match content_base64` });
    files.push({ id: file.id, name: file.name, sha256: file.sha256, size: bytes.length });
  }
  const id = req.headers['webhook-id'];
  if (seenWebhookIds.has(id)) record.duplicates += 1;
  else {
    seenWebhookIds.add(id);
    book('webhook', name, data, files);
  }
  // "slow": booked, but the answer comes late (a sender killed meanwhile never sees it).
  if (fault.mode === 'slow') await new Promise((r) => setTimeout(r, fault.delayMs));
  send(res, 200, { ok: true });
}

// ---- FIT-Connect: token and authorisation ---------------------------------------------

async function handleToken(req, res) {
  const form = new URLSearchParams((await readBody(req)).toString('utf8'));
  let id = form.get('client_id');
  let secret = form.get('client_secret');
  const basic = /^Basic (.+)$/i.exec(req.headers.authorization || '');
  if (basic) [id, secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(/:(.*)/s);
  if (form.get('grant_type') !== 'client_credentials') return send(res, 400, { error: 'unsupported_grant_type' });
  if (id !== CLIENT_ID || secret !== CLIENT_SECRET) return send(res, 401, { error: 'invalid_client' });
  const token = randomBytes(32).toString('base64url');
  tokens.set(token, Date.now() + 1800_000);
  send(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 1800, scope: 'https://schema.fitko.de/fit-connect/oauth/scopes/send-submissions' });
}

function authorised(req) {
  const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization || '');
  return Boolean(bearer) && (tokens.get(bearer[1]) ?? 0) > Date.now();
}

// ---- FIT-Connect: JWE and SET -----------------------------------------------------------

// Decrypts one compact JWE addressed to the destination; checks the header FIT-Connect requires.
async function decrypt(compact, what, cty) {
  let result;
  try {
    result = await jose.compactDecrypt(compact.trim(), encKey.privateKey, { keyManagementAlgorithms: ['RSA-OAEP-256'], contentEncryptionAlgorithms: ['A256GCM'] });
  } catch (err) {
    fail(422, 'encryption-invalid', `${what}: cannot decrypt (${err.code || err.message})`);
  }
  const header = result.protectedHeader;
  if (header.alg !== 'RSA-OAEP-256' || header.enc !== 'A256GCM') fail(422, 'encryption-invalid', `${what}: alg/enc must be RSA-OAEP-256/A256GCM`);
  if (header.kid !== encKey.kid) fail(422, 'encryption-invalid', `${what}: kid ${header.kid} is not the destination's encryptionKid`);
  if (cty && header.cty !== cty) fail(422, 'encryption-invalid', `${what}: cty must be ${cty}`);
  return { bytes: Buffer.from(result.plaintext), tag: compact.trim().split('.')[4] };
}

// Appends a Security Event Token (RFC 8417, FIT-Connect set-payload 1.0.1) to the case's log.
async function appendEvent(sub, event, payload, bySubscriber) {
  const key = bySubscriber ? sigKey : serviceKey;
  const claims = {
    $schema: SET_SCHEMA, jti: randomUUID(), iss: bySubscriber ? sub.destinationId : baseUrl, iat: Math.floor(Date.now() / 1000),
    sub: `submission:${sub.submissionId}`, txn: `case:${sub.caseId}`, events: { [EVENTS + event]: payload },
  };
  const set = await new jose.SignJWT(claims).setProtectedHeader({ typ: 'secevent+jwt', alg: 'PS512', kid: key.kid }).sign(key.privateKey);
  eventLogs.get(sub.caseId).push(set);
}

// Notifies the sender of new events: HMAC-SHA512 over "<timestamp>.<body>", hex.
async function callback(sub) {
  if (!sub.callback) return;
  const body = JSON.stringify({
    type: 'https://schema.fitko.de/fit-connect/submission-api/callbacks/new-events',
    caseId: sub.caseId, submissionIds: [sub.submissionId],
    submissions: [{ destinationId: sub.destinationId, submissionId: sub.submissionId, caseId: sub.caseId }],
  });
  const entry = { submissionId: sub.submissionId, url: sub.callback.url, at: new Date().toISOString() };
  for (let attempt = 1; attempt <= 3; attempt++) {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const hmac = createHmac('sha512', sub.callback.secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
    try {
      const answer = await fetch(sub.callback.url, { method: 'POST', body, headers: { 'content-type': 'application/json', 'callback-authentication': hmac, 'callback-timestamp': timestamp } });
      Object.assign(entry, { status: answer.status, attempts: attempt });
      if (answer.ok) break;
    } catch (err) {
      Object.assign(entry, { error: String(err.cause?.code || err.message), attempts: attempt });
    }
    await new Promise((r) => setTimeout(r, 200 * attempt));
  }
  record.callbacks.push(entry);
}

// ---- FIT-Connect: Submission API v1 ------------------------------------------------------

function destination() {
  const submissionSchemas = [{ schemaUri: SCHEMA_URI, mimeType: 'application/json' }];
  const services = SERVICE_IDENTIFIERS.length
    ? SERVICE_IDENTIFIERS.map((identifier) => ({ identifier, submissionSchemas, regions: [] }))
    : [{ name: 'Rathaus-Test (alle Leistungen)', submissionSchemas, regions: [] }];
  return { destinationId: DESTINATION_ID, status: 'active', services, encryptionKid: encKey.kid, metadataVersions: ['1.0.0'], replyChannels: {} };
}

const findSubmission = (sid) => submissions.get(sid) || fail(404, 'submission-not-found', `no submission ${sid}`);

async function createSubmission(req, res) {
  const body = parseJson(await readBody(req), 'body');
  const { destinationId, announcedAttachments = [], serviceType, callback: cb, caseId } = body ?? {};
  if (typeof destinationId !== 'string' || !UUID.test(destinationId)) fail(422, 'request-invalid', 'destinationId must be a UUID');
  if (destinationId.toLowerCase() !== DESTINATION_ID) fail(404, 'destination-not-found', `no destination ${destinationId}`);
  if (!Array.isArray(announcedAttachments) || !announcedAttachments.every((a) => typeof a === 'string' && UUID.test(a)) || new Set(announcedAttachments).size !== announcedAttachments.length)
    fail(422, 'request-invalid', 'announcedAttachments must be a list of distinct UUIDs');
  if (typeof serviceType?.name !== 'string' || typeof serviceType?.identifier !== 'string' || !SERVICE_URN.test(serviceType.identifier)
    || (serviceType.identifier.startsWith('urn:de:fim:leika:leistung:') && !LEIKA.test(serviceType.identifier)))
    fail(422, 'request-invalid', 'serviceType needs name and identifier (urn:de:fim:leika:leistung:<14 digits>)');
  if (SERVICE_IDENTIFIERS.length && !SERVICE_IDENTIFIERS.includes(serviceType.identifier)) fail(422, 'service-not-offered', `destination does not offer ${serviceType.identifier}`);
  if (cb !== undefined && (typeof cb?.url !== 'string' || !/^https?:\/\//.test(cb.url) || typeof cb?.secret !== 'string' || !cb.secret))
    fail(422, 'request-invalid', 'callback needs url (http/https) and secret');
  if (caseId !== undefined && !eventLogs.has(caseId)) fail(404, 'case-not-found', `no case ${caseId}`);
  const sub = {
    destinationId: DESTINATION_ID, submissionId: randomUUID(), caseId: caseId ?? randomUUID(), serviceType,
    announced: announcedAttachments.map((a) => a.toLowerCase()), attachments: new Map(), callback: cb, status: 'incomplete',
  };
  submissions.set(sub.submissionId, sub);
  if (!eventLogs.has(sub.caseId)) eventLogs.set(sub.caseId, []);
  await appendEvent(sub, 'create-submission', {}, false);
  send(res, 201, { destinationId: sub.destinationId, submissionId: sub.submissionId, caseId: sub.caseId });
}

async function uploadAttachment(req, res, sid, aid) {
  const sub = findSubmission(sid);
  if (!/^application\/jose\b/i.test(req.headers['content-type'] || '')) fail(415, 'unsupported-media-type', 'Content-Type must be application/jose');
  if (sub.status !== 'incomplete') fail(409, 'submission-state-invalid', `submission is ${sub.status}`);
  if (!sub.announced.includes(aid.toLowerCase())) fail(422, 'attachment-not-announced', `attachment ${aid} was not announced`);
  const part = await decrypt((await readBody(req)).toString('utf8'), `attachment ${aid}`);
  sub.attachments.set(aid.toLowerCase(), part);
  send(res, 204);
}

// Checks the whole submission; throws a 422 problem on the first defect.
async function checkSubmission(sub, body) {
  if (typeof body?.encryptedMetadata !== 'string' || typeof body?.encryptedData !== 'string') fail(422, 'request-invalid', 'encryptedMetadata and encryptedData are required');
  const meta = await decrypt(body.encryptedMetadata, 'metadata', 'application/json');
  const data = await decrypt(body.encryptedData, 'data', 'application/json');
  const metadata = parseJson(meta.bytes, 'metadata');
  if (!validateMetadata(metadata)) fail(422, 'metadata-invalid', `metadata: ${schemaErrors(validateMetadata)}`);
  const content = metadata.contentStructure;
  if (!content.data) fail(422, 'metadata-invalid', 'metadata: contentStructure.data is missing');
  if (content.data.hash.content !== sha('sha512', data.bytes)) fail(422, 'data-hash-mismatch', 'contentStructure.data.hash is not the SHA-512 of the data');
  const { schemaUri, mimeType } = content.data.submissionSchema;
  if (schemaUri !== SCHEMA_URI || mimeType !== 'application/json') fail(422, 'submission-schema-invalid', `submissionSchema ${schemaUri} (${mimeType}) is not offered`);
  const identifier = metadata.publicServiceType?.identifier;
  if (identifier && identifier !== sub.serviceType.identifier) fail(422, 'metadata-invalid', 'publicServiceType.identifier differs from the serviceType');
  const listed = new Map(content.attachments.map((a) => [a.attachmentId.toLowerCase(), a]));
  for (const aid of sub.announced) {
    const part = sub.attachments.get(aid);
    if (!part) fail(422, 'missing-attachments', `announced attachment ${aid} was not uploaded`);
    if (!listed.has(aid)) fail(422, 'metadata-invalid', `attachment ${aid} is not listed in contentStructure.attachments`);
    if (listed.get(aid).hash.content !== sha('sha512', part.bytes)) fail(422, 'attachment-hash-mismatch', `attachment ${aid}: hash is not the SHA-512 of its bytes`);
  }
  for (const aid of listed.keys()) if (!sub.announced.includes(aid)) fail(422, 'metadata-invalid', `attachment ${aid} is listed but was not announced`);
  const application = parseJson(data.bytes, 'data');
  if (!validateApplication(application)) fail(422, 'data-invalid', `data: ${schemaErrors(validateApplication)}`);
  const byId = new Map(application.files.map((f) => [f.id.toLowerCase(), f]));
  for (const [id, file] of byId) {
    const part = sub.attachments.get(id);
    if (!part) fail(422, 'data-invalid', `data file ${id} has no attachment`);
    if (sha('sha256', part.bytes) !== file.sha256 || part.bytes.length !== file.size) fail(422, 'data-invalid', `data file ${id}: sha256/size differ from the attachment`);
  }
  const files = sub.announced.map((aid) => {
    const bytes = sub.attachments.get(aid).bytes;
    return { id: aid, name: listed.get(aid).filename ?? byId.get(aid)?.name ?? aid, sha256: sha('sha256', bytes), size: bytes.length };
  });
  const tags = { metadata: meta.tag, data: data.tag, attachments: Object.fromEntries(sub.announced.map((aid) => [aid, sub.attachments.get(aid).tag])) };
  return { application, files, tags };
}

async function submitSubmission(req, res, sid) {
  const sub = findSubmission(sid);
  const body = parseJson(await readBody(req), 'body');
  if (sub.status !== 'incomplete') fail(409, 'submission-state-invalid', `submission is ${sub.status}`);
  const { application, files, tags } = await checkSubmission(sub, body);
  sub.status = 'submitted';
  book('fitconnect', sub.destinationId, application, files);
  await appendEvent(sub, 'submit-submission', { authenticationTags: tags }, false);
  send(res, 202, { destinationId: sub.destinationId, submissionId: sub.submissionId, caseId: sub.caseId });
  // The Fachverfahren "picks it up" a moment later and accepts it.
  setTimeout(() => {
    sub.status = 'accepted';
    appendEvent(sub, 'accept-submission', { authenticationTags: tags }, true)
      .then(() => callback(sub))
      .catch((err) => console.error('receiver: accept failed', err));
  }, 50);
}

function getSubmission(res, sid) {
  const sub = findSubmission(sid);
  send(res, 200, {
    destinationId: sub.destinationId, submissionId: sub.submissionId, caseId: sub.caseId, serviceType: sub.serviceType,
    attachments: sub.announced, ...(sub.callback ? { callback: { url: sub.callback.url } } : {}), status: sub.status,
  });
}

function getEvents(res, caseId, query) {
  const log = eventLogs.get(caseId) || fail(404, 'case-not-found', `no case ${caseId}`);
  const offset = Math.max(0, Number(query.get('offset') || 0));
  const limit = Math.min(500, Math.max(1, Number(query.get('limit') || 100)));
  const page = log.slice(offset, offset + limit);
  send(res, 200, { offset, count: page.length, totalCount: log.length, eventLog: page });
}

// ---- Routing ------------------------------------------------------------------------------

async function route(req, res) {
  const url = new URL(req.url, baseUrl);
  const path = url.pathname;
  const method = req.method;
  let m;
  if (path === '/_received' && method === 'GET') return send(res, 200, record);
  if (path === '/_control' && method === 'POST') {
    const body = JSON.parse((await readBody(req)).toString('utf8') || '{}');
    if (!['ok', 'fail', 'timeout', 'slow'].includes(body.mode)) return send(res, 400, { error: 'mode must be ok, fail, timeout or slow' });
    Object.assign(fault, {
      mode: body.mode,
      remaining: ['fail', 'timeout'].includes(body.mode) && Number.isInteger(body.count) && body.count > 0 ? body.count : null,
      delayMs: Number.isInteger(body.delay_ms) ? body.delay_ms : 5000,
    });
    return send(res, 200, fault);
  }
  if (path === '/.well-known/jwks.json' && method === 'GET') return send(res, 200, serviceJwks);
  const affected = path.startsWith('/webhook/') || path === '/token' || path.startsWith('/v1/');
  if (affected && injectFault(req, res)) return;
  if ((m = /^\/webhook\/([^/]+)$/.exec(path)) && method === 'POST') return handleWebhook(req, res, decodeURIComponent(m[1]));
  if (path === '/token' && method === 'POST') return handleToken(req, res);
  if (!path.startsWith('/v1/')) return problem(res, 404, 'not-found', `${method} ${path}`);
  if (!authorised(req)) return send(res, 401, { error: 'invalid_token' });
  const id = '([0-9a-fA-F-]{36})';
  if ((m = new RegExp(`^/v1/destinations/${id}$`).exec(path)) && method === 'GET')
    return m[1].toLowerCase() === DESTINATION_ID ? send(res, 200, destination()) : problem(res, 404, 'destination-not-found', m[1]);
  if ((m = new RegExp(`^/v1/destinations/${id}/keys/([^/]+)$`).exec(path)) && method === 'GET')
    return m[1].toLowerCase() === DESTINATION_ID && destinationKeys[m[2]] ? send(res, 200, destinationKeys[m[2]]) : problem(res, 404, 'key-not-found', m[2]);
  if (path === '/v1/submissions' && method === 'POST') return createSubmission(req, res);
  if ((m = new RegExp(`^/v1/submissions/${id}/attachments/${id}$`).exec(path)) && method === 'PUT') return uploadAttachment(req, res, m[1], m[2]);
  if ((m = new RegExp(`^/v1/submissions/${id}$`).exec(path)) && method === 'PUT') return submitSubmission(req, res, m[1]);
  if ((m = new RegExp(`^/v1/submissions/${id}$`).exec(path)) && method === 'GET') return getSubmission(res, m[1]);
  if ((m = new RegExp(`^/v1/cases/${id}/events$`).exec(path)) && method === 'GET') return getEvents(res, m[1], url.searchParams);
  problem(res, 404, 'not-found', `${method} ${path}`);
}

const server = http.createServer((req, res) => {
  route(req, res).catch((err) => {
    if (res.headersSent) return res.destroy();
    if (err instanceof HttpError) return problem(res, err.status, err.slug, err.message);
    problem(res, err instanceof SyntaxError ? 400 : 500, 'internal', String(err.message));
  });
});
server.requestTimeout = 0; // "timeout" mode keeps requests open on purpose
server.listen(PORT, '127.0.0.1', () => {
  baseUrl = `http://127.0.0.1:${server.address().port}`;
  process.stdout.write(`receiver listening on ${baseUrl}\n`);
});
