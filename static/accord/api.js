// The REST API, as the workspace uses it: session cookie for reads, the
// CSRF token in X-CSRFToken on every write.

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.detail) || `The server answered ${status}.`);
    this.status = status;
    this.body = body || {};
  }
}

// A failure to reach the server at all (offline, server down), as opposed
// to an answer.
export class NetworkError extends Error {}

// The server answered, but with a 5xx: it is up but failing. A kind of
// NetworkError (the request did nothing, a retry may work) so callers that
// retry on NetworkError still do; the workspace tells it apart to back off.
export class ServerError extends NetworkError {
  constructor(status) {
    super(`server error ${status}`);
    this.status = status;
  }
}

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

export class Api {
  constructor(base) {
    this.base = base; // "/api/v1/projects/{p}/"
  }

  async request(method, path, body) {
    const headers = { Accept: "application/json" };
    const init = { method, headers, credentials: "same-origin" };
    if (method !== "GET") headers["X-CSRFToken"] = csrfToken();
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(this.base + path, init);
    } catch (error) {
      throw new NetworkError(error.message);
    }
    if (response.status === 204) return null;
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    if (response.status >= 500) throw new ServerError(response.status);
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }

  document(d) { return this.request("GET", `documents/${d}/`); }
  mySet(d) { return this.request("GET", `documents/${d}/annotations/mine/`); }
  saveSet(d, payload) { return this.request("PUT", `documents/${d}/annotations/mine/`, payload); }
  submit(d, version) { return this.request("POST", `documents/${d}/annotations/mine/submit/`, { version }); }
  visibleSets(d) { return this.request("GET", `documents/${d}/annotations/`); }
  next() { return this.request("POST", "documents/next/"); }
  labels() { return this.request("GET", "labels/?page_size=1000"); }
  actor(id) { return this.request("GET", `actors/${id}/`); }
  searchActors(q) { return this.request("GET", `actors/?page_size=20&q=${encodeURIComponent(q)}`); }
  createActor(name, kind) { return this.request("POST", "actors/", { name, kind }); }
}
