// The server's JSON API. Errors come back as {error, field}; a request overtaken by a newer
// one is aborted, so only the latest answer is shown.
export class ApiError extends Error {
  constructor(message, field) { super(message); this.field = field; }
}

export async function getJson(path) {
  const r = await fetch(path);
  const j = await r.json();
  if (!r.ok) throw new ApiError(j.error || `HTTP ${r.status}`, j.field);
  return j;
}

const inflight = new Map();

// POSTs `body` to `path`; a second call on the same `key` aborts the first (which then
// resolves to null).
export async function post(key, path, body) {
  inflight.get(key)?.abort();
  const controller = new AbortController();
  inflight.set(key, controller);
  try {
    const r = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' },
                                  body: JSON.stringify(body), signal: controller.signal });
    const j = await r.json();
    if (!r.ok) throw new ApiError(j.error || `HTTP ${r.status}`, j.field);
    return j;
  } catch (e) {
    if (e.name === 'AbortError') return null;
    throw e;
  } finally {
    if (inflight.get(key) === controller) inflight.delete(key);
  }
}
