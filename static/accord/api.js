// The REST API, as every page uses it: session cookie for reads, the
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

const OFFLINE = "Cannot reach the server: nothing was changed. Try again.";

// Every message in a piece of the API's errors (a string, a list, DRF's
// nested {field: [messages]}), flattened.
function messages(value) {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap(messages);
  if (typeof value === "object") return Object.values(value).flatMap(messages);
  return [String(value)];
}

// The API's `errors`, either shape, as [field, message] pairs: DRF's
// {field: [messages]} (apps/projects/exceptions.py) or validation's
// [{field, message}] (apps/annotations/validation.py, the import reports).
function errorPairs(errors) {
  if (Array.isArray(errors)) return errors.map((e) => [e.field || "", String(e.message ?? "")]);
  if (errors && typeof errors === "object") {
    return Object.entries(errors).map(([field, value]) => [field === "non_field_errors" ? "" : field, messages(value).join(" ")]);
  }
  return [];
}

// A failed request in one line for a person: the API's `detail`, then any
// field error it does not already name.
export function errorText(error) {
  if (error instanceof NetworkError) return OFFLINE;
  if (!(error instanceof ApiError)) return String(error.message || error);
  const detail = messages(error.body.detail).join(" ") || error.message;
  const more = errorPairs(error.body.errors)
    .map(([field, message]) => (field ? `${field}: ${message}` : message))
    .filter((text) => text && !detail.includes(text));
  return [detail, ...more].join(" — ");
}

// The API's field errors as {field: "its messages"}; {} when it names none.
export function fieldErrors(error) {
  const fields = {};
  if (!(error instanceof ApiError)) return fields;
  for (const [field, message] of errorPairs(error.body.errors)) {
    fields[field] = fields[field] ? `${fields[field]} ${message}` : message;
  }
  return fields;
}

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

export class Api {
  // base: the project's API, "/api/v1/projects/{p}/"; root: the API's own
  // root, "/api/v1/", for what lives outside a project (jobs).
  constructor(base, root = null) {
    this.base = base;
    this.root = root;
    const send = (method, path, body) => this.request(method, path, body);
    const query = (params) => {
      const text = String(new URLSearchParams(params ?? {}));
      return text ? `?${text}` : "";
    };

    // One typed call per endpoint a page uses, grouped by resource. The names
    // follow one rule: list / get / create / update (PATCH) / put (PUT) /
    // delete for the resource itself, a verb for an action on it.
    // The discourse networks of the gold statements, and a node's statements.
    this.networks = {
      get: (params) => send("GET", `networks/${query(params)}`),
      statements: (params) => send("GET", `networks/statements/${query(params)}`),
    };
    this.documents = {
      list: (params) => send("GET", `documents/${query(params)}`),
      get: (d, params) => send("GET", `documents/${d}/${query(params)}`),
      delete: (d) => send("DELETE", `documents/${d}/`),
      next: () => send("POST", "documents/next/"),
      review: (d) => send("GET", `documents/${d}/review/`),
      // Owners: move `from`'s unfinished set to `to` (usernames).
      reassign: (d, from, to) => send("POST", `documents/${d}/reassign/`, { from, to }),
    };
    // Importing documents: FormData with the file (and optional format).
    this.imports = {
      preview: (form) => send("POST", "documents/import/preview/", form),
      run: (form) => send("POST", "documents/import/", form),
    };
    // The annotation sets of a document the user may see.
    this.sets = {
      list: (d) => send("GET", `documents/${d}/annotations/`),
    };
    // The user's own set of a document. get reads it (404 when they have
    // none); take claims the document: their set, created or the one they hold.
    this.mine = {
      get: (d) => send("GET", `documents/${d}/annotations/mine/`),
      take: (d) => send("POST", `documents/${d}/annotations/mine/`),
      put: (d, payload) => send("PUT", `documents/${d}/annotations/mine/`, payload),
      submit: (d, version) => send("POST", `documents/${d}/annotations/mine/submit/`, { version }),
    };
    this.labels = {
      list: () => send("GET", "labels/?page_size=1000"),
      create: (fields) => send("POST", "labels/", fields),
      update: (id, fields) => send("PATCH", `labels/${id}/`, fields),
      delete: (id) => send("DELETE", `labels/${id}/`),
    };
    this.categoryGroups = {
      list: () => send("GET", "category-groups/?page_size=1000"),
      create: (fields) => send("POST", "category-groups/", fields),
      update: (id, fields) => send("PATCH", `category-groups/${id}/`, fields),
      delete: (id) => send("DELETE", `category-groups/${id}/`),
    };
    this.members = {
      list: () => send("GET", "members/?page_size=1000"),
      // `who`: {username} or {email}.
      create: (who, role) => send("POST", "members/", { ...who, role }),
      update: (id, fields) => send("PATCH", `members/${id}/`, fields),
      delete: (id) => send("DELETE", `members/${id}/`),
      // Staff owners: a new account, its membership and a one-time password link.
      createAccount: (fields) => send("POST", "members/new-account/", fields),
    };
    this.actors = {
      list: (params) => send("GET", `actors/${query(params)}`),
      search: (q) => send("GET", `actors/${query({ page_size: 20, q })}`),
      get: (id) => send("GET", `actors/${id}/`),
      create: (fields) => send("POST", "actors/", fields),
      update: (id, fields) => send("PATCH", `actors/${id}/`, fields),
      delete: (id) => send("DELETE", `actors/${id}/`),
      mentions: (id, params) => send("GET", `actors/${id}/mentions/${query(params)}`),
      merge: (id, into) => send("POST", `actors/${id}/merge/`, { into }),
      // A FormData with the file (and the form's CSRF field).
      import: (form) => send("POST", "actors/import/", form),
    };
    // The codebook's concepts (params: q, include_merged, page, page_size).
    this.concepts = {
      list: (params) => send("GET", `concepts/${query(params)}`),
      get: (id) => send("GET", `concepts/${id}/`),
      create: (fields) => send("POST", "concepts/", fields),
      update: (id, fields) => send("PATCH", `concepts/${id}/`, fields),
      delete: (id) => send("DELETE", `concepts/${id}/`),
      merge: (id, into) => send("POST", `concepts/${id}/merge/`, { into }),
      // A FormData with the file (and the form's CSRF field).
      import: (form) => send("POST", "concepts/import/", form),
      // The live concepts whose name or keywords match q, each with its `path`.
      search: (q) => send("GET", `concepts/${query({ page_size: 20, q })}`),
    };
    // The review decisions on a document, each one change to its gold set.
    this.decisions = {
      list: (d) => send("GET", `documents/${d}/decisions/`),
      create: (d, body) => send("POST", `documents/${d}/decisions/`, body),
      reverse: (d, id, rationale) => send("POST", `documents/${d}/decisions/${id}/reverse/`, { rationale }),
    };
    this.gold = {
      autoMerge: (d, minAgreement, version) =>
        send("POST", `documents/${d}/gold/auto-merge/`, { min_agreement: minAgreement, version }),
      accept: (d, reason) => send("POST", `documents/${d}/gold/accept/`, { reason }),
      reopen: (d, reason) => send("POST", `documents/${d}/gold/reopen/`, { reason }),
    };
    this.agreement = {
      get: () => send("GET", "agreement/"),
    };
    this.releases = {
      list: () => send("GET", "releases/"),
      get: (id) => send("GET", `releases/${id}/`),
      create: (body) => send("POST", "releases/", body),
    };
    // An export is a download: the page links to its URL, and checks first
    // that the server accepts its parameters.
    this.exports = {
      url: (params) => `${this.base}export/${query(params)}`,
      check: (params) => this.accepts(`export/${query(params)}`),
    };
    this.jobs = {
      get: (id) => new Api(this.root).request("GET", `jobs/${id}/`),
      // params: {project, status, page, page_size}
      list: (params) => new Api(this.root).request("GET", `jobs/${query(params)}`),
      // A failed job of this project queued again → the job (202).
      retry: (id) => send("POST", `jobs/${id}/retry/`),
    };
    // The project itself (this.base is its URL); creating one and previewing
    // guidelines live at the API root.
    this.preannotate = {
      // {suggester?, documents?, filter?, unannotated?} → {job}
      run: (body) => send("POST", "preannotate/", body),
      // The same selection {documents?, filter?, unannotated?} → {documents: n}
      count: (body) => send("POST", "preannotate/count/", body),
    };
    this.recommender = {
      get: () => send("GET", "recommender/"),
      // {enabled?, threshold?, retrain_after?, include_submitted?, labels?} → the summary
      update: (fields) => send("PATCH", "recommender/", fields),
      // → {job} (202); 409 while a training is queued or running
      train: () => send("POST", "recommender/train/"),
      models: () => send("GET", "recommender/models/"),
    };
    this.project = {
      get: () => send("GET", ""),
      update: (fields) => send("PATCH", "", fields),
      delete: () => send("DELETE", ""),
    };
    this.projects = {
      create: (fields) => new Api(this.root).request("POST", "projects/", fields),
    };
    this.guidelines = {
      preview: (guidelines) => new Api(this.root).request("POST", "guidelines/preview/", { guidelines }),
    };
  }

  // `body`: a FormData goes as it is (the browser sets the multipart type);
  // anything else as JSON.
  async send(method, path, body, signal) {
    const headers = { Accept: "application/json" };
    const init = { method, headers, credentials: "same-origin", signal };
    if (method !== "GET") headers["X-CSRFToken"] = csrfToken();
    if (body instanceof FormData) {
      init.body = body;
    } else if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    try {
      return await fetch(this.base + path, init);
    } catch (error) {
      throw new NetworkError(error.message);
    }
  }

  // The answer's JSON, or the error it stands for.
  async answer(response) {
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

  async request(method, path, body) {
    return this.answer(await this.send(method, path, body));
  }

  // Whether the server accepts a GET, without reading a successful answer:
  // the body is aborted as soon as the headers say yes (a download then
  // fetches it for real). A refusal throws as request() does.
  async accepts(path) {
    const controller = new AbortController();
    const response = await this.send("GET", path, undefined, controller.signal);
    if (!response.ok) return this.answer(response);
    controller.abort();
    return true;
  }
}
