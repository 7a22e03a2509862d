// A local payment service speaking XBezahldienste 1.0 (FITKO), for the test suite only:
// the initiator's part of the API (create a payment transaction, query its status), a pay
// page that sends the citizen back, OAuth 2.0 client credentials, problem+json errors with
// the standard's functionalCode values, and fault injection. No npm packages needed.
//
//   PORT=0 ORIGINATOR_ID=… ENDPOINT_ID=… CLIENT_ID=… CLIENT_SECRET=… node tests/xbezahldienste/server.mjs
//
// Prints exactly one line "xbezahldienste listening on http://127.0.0.1:<port>".
// Shapes follow docs.fitko.de/xbezahldienste (v1.0.0); see docs/notes/xbezahldienste.md.
import http from 'node:http';
import { randomUUID } from 'node:crypto';

const env = (n) => { const v = process.env[n]; if (!v) throw new Error(`${n} is not set`); return v; };
const ORIGINATOR = env('ORIGINATOR_ID');
const ENDPOINT = env('ENDPOINT_ID');
const CLIENT_ID = env('CLIENT_ID');
const CLIENT_SECRET = env('CLIENT_SECRET');
const tokens = new Set();
const transactions = new Map();
const requestIds = new Set();
const record = { requests: [], rejected: [] };
let mode = 'ok';
let base = '';

const send = (res, status, body, type = 'application/json') => {
  res.writeHead(status, { 'content-type': type });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};
const problem = (res, status, functionalCode, detail) => {
  record.rejected.push({ status, functionalCode, detail });
  send(res, status, { type: `${base}/problems/${functionalCode.toLowerCase()}`, status, title: http.STATUS_CODES[status], detail, functionalCode }, 'application/problem+json');
};
const readBody = (req) => new Promise((resolve) => { let b = ''; req.on('data', (c) => { b += c; }); req.on('end', () => resolve(b)); });
const cents = (n) => Math.round(Number(n) * 100);
const transaction = (t) => ({
  paymentRequest: t.request,
  paymentInformation: {
    transactionUrl: `${base}/paymenttransaction/${ORIGINATOR}/${ENDPOINT}/${t.id}`,
    ...(t.status === 'INITIAL' ? { transactionRedirectUrl: `${base}/paypage/${t.id}` } : {}),
    transactionId: t.id,
    ...(t.reference ? { transactionReference: t.reference } : {}),
    ...(t.status === 'PAYED' ? { transactionTimestamp: t.at, paymentMethod: 'CREDITCARD' } : {}),
    status: t.status,
  },
});

// The checks of a PaymentRequest; returns [functionalCode, detail] or null.
function invalid(r) {
  if (!r || typeof r !== 'object') return ['VALIDATION_ERROR', 'body must be a JSON object'];
  if (typeof r.requestId !== 'string' || !/^[\w\d-]{1,36}$/.test(r.requestId)) return ['VALIDATION_ERROR', 'requestId'];
  if (requestIds.has(r.requestId)) return ['PAYMENT_EXISTS', `requestId ${r.requestId} was used before`];
  if (r.currency !== 'EUR') return ['VALIDATION_ERROR', 'currency must be EUR'];
  if (typeof r.purpose !== 'string' || r.purpose.length > 27 || !/^[\w\d\s-]+$/.test(r.purpose)) return ['VALIDATION_ERROR', `purpose '${r.purpose}'`];
  if (typeof r.description === 'string' && r.description.length > 250) return ['VALIDATION_ERROR', 'description too long'];
  if (typeof r.redirectUrl !== 'string' || r.redirectUrl.length < 1 || r.redirectUrl.length > 2082 || !/^https?:\/\//.test(r.redirectUrl)) return ['VALIDATION_ERROR', 'redirectUrl'];
  if (!Array.isArray(r.items) || r.items.length < 1 || r.items.length > 99) return ['VALIDATION_ERROR', 'items must have 1 to 99 entries'];
  let sum = 0;
  for (const i of r.items) {
    if (!Number.isInteger(i.quantity) || i.quantity < 1 || i.quantity > 999999) return ['VALIDATION_ERROR', 'quantity'];
    if (cents(i.singleNetAmount) * i.quantity !== cents(i.totalNetAmount)) return ['CALCULATION_ERROR', `item ${i.id}: quantity × singleNetAmount ≠ totalNetAmount`];
    if (!i.bookingData || typeof i.bookingData !== 'object' || Object.keys(i.bookingData).length === 0) return ['BOOKING_DATA_MISSING', `item ${i.id} has no bookingData`];
    sum += cents(i.totalNetAmount) + cents(i.totalTaxAmount || 0);
  }
  if (typeof r.grosAmount !== 'number' || cents(r.grosAmount) !== sum || sum <= 0 || r.grosAmount > 999999) return ['CALCULATION_ERROR', `grosAmount ${r.grosAmount} ≠ sum of items ${sum / 100}`];
  return null;
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, base);
  const parts = url.pathname.split('/').filter(Boolean);
  try {
    if (url.pathname === '/_control' && req.method === 'POST') { mode = JSON.parse(await readBody(req)).mode || 'ok'; return send(res, 200, { mode }); }
    if (url.pathname === '/_received') return send(res, 200, { ...record, transactions: [...transactions.values()].map((t) => ({ id: t.id, status: t.status, reference: t.reference })) });
    if (url.pathname === '/token' && req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      if (form.get('grant_type') !== 'client_credentials' || form.get('client_id') !== CLIENT_ID || form.get('client_secret') !== CLIENT_SECRET) return send(res, 401, { error: 'invalid_client' });
      const token = randomUUID(); tokens.add(token);
      return send(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 300 });
    }
    if (parts[0] === 'paypage' && parts[1]) {
      const t = transactions.get(parts[1]);
      if (!t) return send(res, 404, 'no such transaction', 'text/plain');
      if (req.method === 'GET') {
        return send(res, 200, `<!DOCTYPE html><html lang="de"><head><title>Testbezahldienst</title></head><body><main><h1>Testbezahldienst</h1><p>${t.request.grosAmount} EUR</p><form method="post"><button name="action" value="pay">Bezahlen</button><button name="action" value="fail">Fehler</button><button name="action" value="cancel">Abbrechen</button></form></main></body></html>`, 'text/html');
      }
      const action = new URLSearchParams(await readBody(req)).get('action');
      if (t.status === 'INITIAL') {
        t.status = { pay: 'PAYED', fail: 'FAILED', cancel: 'CANCELED' }[action] || 'FAILED';
        if (t.status === 'PAYED') { t.reference = `KZ-${t.id.slice(0, 8).toUpperCase()}`; t.at = new Date().toISOString(); }
      }
      res.writeHead(303, { location: t.request.redirectUrl }); return res.end();
    }
    if (parts[0] === 'paymenttransaction') {
      const auth = req.headers.authorization || '';
      if (!auth.startsWith('Bearer ') || !tokens.has(auth.slice(7))) return problem(res, 403, 'FORBIDDEN', 'missing or unknown token');
      if (mode === 'fail') return problem(res, 503, 'UNSPECIFIED', 'the payment service is down (test)');
      if (parts[1] !== ORIGINATOR || parts[2] !== ENDPOINT) return problem(res, 400, 'NO_VALID_ORIGINATOR_OR_ENDPOINT', `${parts[1]}/${parts[2]}`);
      if (req.method === 'POST' && parts.length === 3) {
        let body; try { body = JSON.parse(await readBody(req)); } catch { return problem(res, 400, 'VALIDATION_ERROR', 'not JSON'); }
        const bad = invalid(body);
        if (bad) return problem(res, 400, bad[0], bad[1]);
        requestIds.add(body.requestId);
        record.requests.push(body);
        const t = { id: randomUUID(), request: body, status: 'INITIAL' };
        transactions.set(t.id, t);
        return send(res, 200, transaction(t));
      }
      if (req.method === 'GET' && parts.length === 4) {
        const t = transactions.get(parts[3]);
        return t ? send(res, 200, transaction(t)) : problem(res, 404, 'UNSPECIFIED', `no transaction ${parts[3]}`);
      }
    }
    return send(res, 404, { error: 'not found' });
  } catch (e) {
    return send(res, 500, { error: String(e) });
  }
});
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  base = `http://127.0.0.1:${server.address().port}`;
  console.log(`xbezahldienste listening on ${base}`);
});
