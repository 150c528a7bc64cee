// The admin page: one Alpine.js component over the JSON admin API (/api/admin/...), with the browser's
// Basic login. Data is only ever rendered as text (x-text); nothing here builds HTML from data.
'use strict';

// URLs from the page's origin: a page opened as http://user:password@host/ has the credentials in its own
// URL, and fetch refuses any URL built relative to that.
const API = new URL('/api/admin/', window.location.origin);

/**
 * Calls the admin API; resolves to {ok, status, body, etag, warnings}, the body parsed when it is JSON, warnings the
 * texts of the answer's `Warning: 299 - "..."` headers (a route saved with something worth a second look).
 */
async function api(method, path, body, headers = {}) {
  const init = { method, credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json', ...headers } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(new URL(path, API), init);
  } catch (e) {
    return { ok: false, status: 0, body: { detail: 'The gateway did not answer (' + e.message + ').' } };
  }
  const text = await response.text();
  let parsed = text;
  try { parsed = text ? JSON.parse(text) : null; } catch (e) { /* not JSON: keep the text */ }
  const warnings = [...(response.headers.get('Warning') || '').matchAll(/299 - "([^"]*)"/g)].map(m => m[1]);
  return { ok: response.ok, status: response.status, body: parsed, etag: response.headers.get('ETag'), warnings };
}

/** One line for an answer: "204", or "400 Bad Request: The request body is invalid. backend: must be ..." */
function describe(result) {
  if (result.ok) {
    return 'Done (' + result.status + ').';
  }
  const b = result.body;
  if (b && typeof b === 'object') {
    const errors = (b.errors || []).map(e => e.field + ': ' + e.message).join('; ');
    return result.status + ' ' + (b.title || '') + ': ' + (b.detail || '') + (errors ? ' ' + errors : '');
  }
  return result.status + ': ' + (b || 'no answer');
}

const ROUTE_TEMPLATE = JSON.stringify({ id: 'my-route', path: '/my-route', backend: 'ws://127.0.0.1:9000/', policies: [] }, null, 2);

document.addEventListener('alpine:init', () => {
  Alpine.data('gatewayAdmin', () => ({
    tabs: [
      { id: 'sessions', label: 'Sessions' },
      { id: 'routes', label: 'Routes' },
      { id: 'keys', label: 'API keys' },
      { id: 'revocations', label: 'Revocations' },
      { id: 'drain', label: 'Drain' },
    ],
    tab: 'sessions',
    lastError: '',
    loading: false,
    sessions: [],
    sessionsTotal: null,
    filter: { route: '', principal: '', address: '' },
    polling: true,
    selected: null,
    closeForm: { code: 1000, reason: '' },
    pushForm: { to: 'client', kind: 'text', message: '' },
    sessionResult: '',
    trace: { label: '', path: '', form: { seconds: 60, frames: 100, redactFields: '' }, frames: [], result: '' },
    routes: [],
    routeForm: { id: null, etag: null, json: ROUTE_TEMPLATE },
    routeResult: '',
    keys: [],
    keyForm: { name: '', routes: '', expiresAt: '' },
    keyResult: '',
    createdKey: '',
    revocations: [],
    revocationForm: { kind: 'subject', value: '', expiresAt: '', note: '' },
    revocationResult: '',
    drain: null,
    drainForm: { windowSeconds: 30, code: 1012, reason: '' },
    drainResult: '',

    init() {
      const wanted = window.location.hash.slice(1);
      if (this.tabs.some(t => t.id === wanted)) {
        this.tab = wanted;
      }
      this.refresh();
      // Counters move while sessions relay: poll, at most one request in flight.
      setInterval(() => { if (this.polling && this.tab === 'sessions' && !this.loading) this.loadSessions(); }, 2000);
      setInterval(() => { if (this.tab === 'drain') this.loadDrain(); }, 2000);
    },

    show(tab) {
      this.tab = tab;
      history.replaceState(null, '', '#' + tab);
      this.refresh();
    },

    refresh() {
      ({ sessions: () => this.loadSessions(), routes: () => this.loadRoutes(), keys: () => this.loadKeys(),
        revocations: () => this.loadRevocations(), drain: () => this.loadDrain() })[this.tab]();
    },

    /** A list call; sets lastError when it fails, and returns the array or null. */
    async list(path) {
      const result = await api('GET', path);
      if (!result.ok || !Array.isArray(result.body)) {
        this.lastError = 'Loading ' + path + ': ' + describe(result);
        return null;
      }
      this.lastError = '';
      return result;
    },

    // ---- sessions ----
    async loadSessions() {
      this.loading = true;
      try {
        // The route filter is also applied by the API; principal and address are matched here as substrings.
        const query = this.filter.route.trim() ? '?route=' + encodeURIComponent(this.filter.route.trim()) : '';
        const result = await this.list('sessions' + query);
        if (result) {
          this.sessions = result.body;
          if (this.selected) {
            this.selected = this.sessions.find(s => s.id === this.selected.id) || this.selected;
          }
        }
      } finally {
        this.loading = false;
      }
    },
    visibleSessions() {
      const route = this.filter.route.trim();
      const principal = this.filter.principal.trim().toLowerCase();
      const address = this.filter.address.trim();
      return this.sessions.filter(s => (!route || s.route === route)
        && (!principal || this.principalOf(s).toLowerCase().includes(principal))
        && (!address || (s.clientAddress || '').includes(address)));
    },
    sessionsSummary() {
      const shown = this.visibleSessions().length;
      return shown === this.sessions.length ? '(' + shown + ')' : '(' + shown + ' of ' + this.sessions.length + ')';
    },
    principalOf(s) {
      const a = s.auth || {};
      return a.principal || a.subject || a.apiKeyId || '';
    },
    traffic(flow) {
      return flow ? flow.messages + ' msgs, ' + flow.bytes + ' B' : '';
    },
    select(s) {
      this.selected = s;
      this.sessionResult = '';
    },
    async closeSelected() {
      const id = this.selected.id;
      const query = new URLSearchParams({ code: String(this.closeForm.code) });
      if (this.closeForm.reason) {
        query.set('reason', this.closeForm.reason);
      }
      const result = await api('DELETE', 'sessions/' + encodeURIComponent(id) + '?' + query);
      this.sessionResult = result.ok ? 'Session ' + id + ' closed with ' + this.closeForm.code + '.' : describe(result);
      if (result.ok) {
        this.selected = null;
      }
      this.loadSessions();
    },
    async pushToSelected() {
      const body = { to: this.pushForm.to };
      if (this.pushForm.kind === 'text') {
        body.text = this.pushForm.message;
      } else {
        body.binaryBase64 = this.pushForm.message.replace(/\s+/g, '');
      }
      const result = await api('POST', 'sessions/' + encodeURIComponent(this.selected.id) + '/messages', body);
      this.sessionResult = result.ok
        ? 'Queued for the ' + body.to + ' at a message boundary (' + result.status + ').' : describe(result);
    },

    // ---- frame traces (of a route or a session) ----
    openTrace(kind, id) {
      this.trace.label = kind + ' ' + id;
      this.trace.path = (kind === 'route' ? 'routes/' : 'sessions/') + encodeURIComponent(id) + '/trace';
      this.trace.frames = [];
      this.readTrace();
    },
    async startTrace() {
      const body = { seconds: Number(this.trace.form.seconds), frames: Number(this.trace.form.frames) };
      const fields = this.trace.form.redactFields.split(',').map(f => f.trim()).filter(f => f);
      if (fields.length) {
        body.redactFields = fields;
      }
      const result = await api('POST', this.trace.path, body);
      if (result.ok) {
        this.readTrace();
      } else {
        this.trace.result = describe(result);
      }
    },
    async readTrace() {
      const result = await api('GET', this.trace.path);
      if (!result.ok) {
        this.trace.frames = [];
        this.trace.result = result.status === 404 ? 'Not traced.' : describe(result);
        return;
      }
      // a route's trace holds sessions; a session's trace is one
      const sessions = result.body.sessions || [result.body];
      this.trace.frames = sessions.flatMap(s => (s.frames || [])
        .map((f, i) => ({ ...f, session: s.session, key: s.session + '/' + i })));
      this.trace.result = (result.body.active ? 'Tracing until ' : 'Ended at ') + this.time(result.body.until) + '; '
        + this.trace.frames.length + ' frames kept.';
    },
    async stopTrace() {
      const result = await api('DELETE', this.trace.path);
      this.trace.frames = [];
      this.trace.result = result.ok ? 'Stopped; its frames are discarded.' : describe(result);
    },

    // ---- routes ----
    async loadRoutes() {
      const result = await this.list('routes');
      if (result) this.routes = result.body;
    },
    newRoute() {
      this.routeForm = { id: null, etag: null, json: ROUTE_TEMPLATE };
      this.routeResult = '';
    },
    async editRoute(id) {
      const result = await api('GET', 'routes/' + encodeURIComponent(id));
      if (!result.ok) {
        this.routeResult = describe(result);
        return;
      }
      this.routeForm = { id, etag: result.etag, json: JSON.stringify(result.body, null, 2) };
      this.routeResult = '';
    },
    async saveRoute() {
      const editing = this.routeForm.id;
      const result = editing
        ? await api('PUT', 'routes/' + encodeURIComponent(editing), this.routeForm.json,
          this.routeForm.etag ? { 'If-Match': this.routeForm.etag } : {})
        : await api('POST', 'routes', this.routeForm.json);
      if (result.ok) {
        this.routeResult = (editing ? 'Saved ' : 'Created ') + result.body.id + ', version ' + result.body.version + '.'
          + result.warnings.map(w => ' Warning: ' + w + '.').join('');
        this.routeForm = { id: result.body.id, etag: result.etag, json: JSON.stringify(result.body, null, 2) };
      } else {
        this.routeResult = describe(result);
      }
      this.loadRoutes();
    },
    async deleteRoute(id, version) {
      if (!window.confirm('Delete route ' + id + '? Its live sessions go on; new handshakes get 404.')) return;
      const result = await api('DELETE', 'routes/' + encodeURIComponent(id), undefined, { 'If-Match': '"' + version + '"' });
      this.routeResult = result.ok ? 'Deleted ' + id + '.' : describe(result);
      if (result.ok && this.routeForm.id === id) this.newRoute();
      this.loadRoutes();
    },

    // ---- API keys ----
    async loadKeys() {
      const result = await this.list('keys');
      if (result) this.keys = result.body;
    },
    async createKey() {
      const body = { name: this.keyForm.name };
      const routes = this.keyForm.routes.split(',').map(r => r.trim()).filter(r => r);
      if (routes.length) body.routes = routes;
      if (this.keyForm.expiresAt.trim()) body.expiresAt = this.keyForm.expiresAt.trim();
      const result = await api('POST', 'keys', body);
      this.createdKey = result.ok ? result.body.key : '';
      this.keyResult = result.ok ? 'Created key ' + result.body.id + '.' : describe(result);
      if (result.ok) this.keyForm = { name: '', routes: '', expiresAt: '' };
      this.loadKeys();
    },
    async revokeKey(id) {
      if (!window.confirm('Revoke key ' + id + '? Its live sessions are closed.')) return;
      const result = await api('DELETE', 'keys/' + encodeURIComponent(id));
      this.keyResult = result.ok ? 'Revoked ' + id + '.' : describe(result);
      this.loadKeys();
    },

    // ---- revocations ----
    async loadRevocations() {
      const result = await this.list('revocations');
      if (result) this.revocations = result.body;
    },
    revocationKind(r) {
      return r.tokenId ? 'token id' : r.subject ? 'subject' : r.apiKeyId ? 'API key' : '';
    },
    async createRevocation() {
      const f = this.revocationForm;
      const body = { [f.kind]: f.value };
      if (f.expiresAt.trim()) body.expiresAt = f.expiresAt.trim();
      if (f.note.trim()) body.note = f.note.trim();
      const result = await api('POST', 'revocations', body);
      this.revocationResult = result.ok ? 'Revoked (' + result.body.id + ').' : describe(result);
      if (result.ok) this.revocationForm = { kind: f.kind, value: '', expiresAt: '', note: '' };
      this.loadRevocations();
    },
    async liftRevocation(id) {
      const result = await api('DELETE', 'revocations/' + encodeURIComponent(id));
      this.revocationResult = result.ok ? 'Lifted ' + id + '.' : describe(result);
      this.loadRevocations();
    },

    // ---- drain (this instance only) ----
    async loadDrain() {
      const result = await api('GET', 'drain');
      if (result.ok) {
        this.drain = result.body;
        this.lastError = '';
      } else {
        this.lastError = 'Loading drain: ' + describe(result);
      }
    },
    async startDrain() {
      const f = this.drainForm;
      if (!window.confirm('Drain this instance? Readiness goes DOWN, new handshakes get 503, and its '
        + 'sessions are closed over ' + f.windowSeconds + ' s.')) return;
      const body = { windowSeconds: Number(f.windowSeconds), code: Number(f.code) };
      if (f.reason.trim()) body.reason = f.reason.trim();
      const result = await api('POST', 'drain', body);
      this.drainResult = result.ok ? 'Draining.' : describe(result);
      this.loadDrain();
    },
    async cancelDrain() {
      const result = await api('DELETE', 'drain');
      this.drainResult = result.ok ? 'Cancelled: readiness UP, handshakes accepted; open sessions stay.' : describe(result);
      this.loadDrain();
    },

    time(iso) {
      return iso ? iso.replace('T', ' ').replace(/\.\d+/, '').replace('Z', ' UTC') : '';
    },
  }));
});
